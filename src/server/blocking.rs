//! Blocking work (reading the user's files, loading the guide, indexing the
//! workspace) runs here: on tokio's blocking threads, never on the threads
//! that answer requests, and awaited at most for a bound, so a file system
//! that hangs costs one blocked thread, not the server. Work nobody waits
//! for (loading the guide, indexing the workspace) runs on a thread of its
//! own at a lower CPU priority ([`in_background`]): on a small machine it
//! yields the cores to parsing, analysis and requests.

use std::time::Duration;

/// How long a request or notification handler waits for a file read.
pub const READ_TIMEOUT: Duration = Duration::from_secs(5);

/// Runs `work` on a blocking thread; `None` (logged) if it panicked or took
/// longer than `limit` (it then finishes, or not, on its own).
pub async fn off_runtime<T: Send + 'static>(
    what: &str,
    limit: Duration,
    work: impl FnOnce() -> T + Send + 'static,
) -> Option<T> {
    match tokio::time::timeout(limit, tokio::task::spawn_blocking(work)).await {
        Ok(Ok(value)) => Some(value),
        Ok(Err(e)) => {
            tracing::error!("{what} failed: {e}");
            None
        }
        Err(_) => {
            tracing::warn!("{what} took longer than {limit:?}; skipped");
            None
        }
    }
}

/// How much lower than the server's the priority of background work is
/// (a nice increment, Linux; a niced thread gets about a tenth of the CPU
/// when the cores are busy, all of it when they are idle).
const BACKGROUND_NICE: i32 = 10;

/// Runs `work` on a new thread at a lower priority, for work nothing
/// waits for; `None` (logged) if the thread could not start or panicked.
/// A thread of its own, not the blocking pool's: an unprivileged thread
/// cannot raise its priority again.
pub async fn in_background<T: Send + 'static>(
    what: &'static str,
    work: impl FnOnce() -> T + Send + 'static,
) -> Option<T> {
    let (tx, rx) = tokio::sync::oneshot::channel();
    let spawned = std::thread::Builder::new()
        .name("pyguide-background".into())
        .spawn(move || {
            lower_priority();
            let _ = tx.send(work());
        });
    if let Err(e) = spawned {
        tracing::error!("cannot start {what}: {e}");
        return None;
    }
    match rx.await {
        Ok(value) => Some(value),
        Err(_) => {
            tracing::error!("{what} failed");
            None
        }
    }
}

/// Lowers the calling thread's CPU priority by [`BACKGROUND_NICE`].
fn lower_priority() {
    #[cfg(target_os = "linux")]
    {
        // SAFETY: gettid and setpriority only read their arguments; on
        // Linux the nice value is per thread and `who` names this one.
        let failed = unsafe {
            let tid = libc::gettid();
            libc::setpriority(libc::PRIO_PROCESS, tid as libc::id_t, BACKGROUND_NICE) != 0
        };
        if failed {
            tracing::debug!(
                "cannot lower a background thread's priority: {}",
                std::io::Error::last_os_error()
            );
        }
    }
}
