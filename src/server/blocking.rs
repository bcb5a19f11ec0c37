//! Blocking work (reading the user's files, loading the guide, indexing the
//! workspace) runs here: on tokio's blocking threads, never on the threads
//! that answer requests, and awaited at most for a bound, so a file system
//! that hangs costs one blocked thread, not the server.

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
