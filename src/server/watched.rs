//! A file descriptor the runtime thread reads or writes itself (stdin in
//! `stdin.rs`, stdout in `stdout.rs`): `poll` with a zero timeout says
//! whether the operation would wait, and tokio's reactor wakes the task
//! when it would not. The descriptor is left blocking (its open file
//! description may be shared with the client), which is safe because it
//! is used only after `poll` said so. A descriptor the reactor can't watch
//! (a regular file, which never blocks for long) has no readiness: it is
//! used directly.

use std::io;
use std::os::fd::{AsRawFd, RawFd};
use std::task::{Context, Poll, ready};

use tokio::io::Interest;
use tokio::io::unix::AsyncFd;

/// A file descriptor this module does not own (it is never closed here).
struct Fd(RawFd);

impl AsRawFd for Fd {
    fn as_raw_fd(&self) -> RawFd {
        self.0
    }
}

/// `fd`, the operation it is watched for, and, when the reactor can
/// watch it, its readiness.
pub struct Watched {
    pub fd: RawFd,
    interest: Interest,
    ready: Option<AsyncFd<Fd>>,
}

impl Watched {
    /// Watches `fd` for `interest` (readable or writable). Must be called
    /// inside a tokio runtime.
    ///
    /// # Safety
    /// `fd` must be open, and refer to the same file, while the value lives.
    pub unsafe fn new(fd: RawFd, interest: Interest) -> Watched {
        // SAFETY: `fd` stays open and the same while the `AsyncFd` lives
        // (this function's contract); `Fd` always returns it.
        let ready = unsafe { AsyncFd::register_with_interest(Fd(fd), interest) }.ok();
        Watched {
            fd,
            interest,
            ready,
        }
    }

    /// Whether the reactor watches the descriptor.
    #[cfg(test)]
    pub fn is_watched(&self) -> bool {
        self.ready.is_some()
    }

    /// Runs `op` (one read or write of the descriptor) once it will not
    /// wait: at once on a descriptor the reactor can't watch (a regular
    /// file, which never blocks for long); else when `poll` says it is
    /// ready (an error or hang-up counts: `op` then returns at once with
    /// it), waiting for the reactor in between. An `op` that only says "try
    /// again" is run again.
    pub fn poll_io<T>(
        &self,
        cx: &mut Context<'_>,
        mut op: impl FnMut() -> io::Result<T>,
    ) -> Poll<io::Result<T>> {
        let Some(ready) = &self.ready else {
            return Poll::Ready(op());
        };
        loop {
            if self.now() {
                match op() {
                    Err(e) if is_retry(&e) => {}
                    done => return Poll::Ready(done),
                }
            }
            // Not ready: wait until the reactor says it may be, then look
            // again.
            let mut guard = if self.interest.is_readable() {
                ready!(ready.poll_read_ready(cx))?
            } else {
                ready!(ready.poll_write_ready(cx))?
            };
            guard.clear_ready();
        }
    }

    /// Whether `poll` reports the watched operation ready now. A failed
    /// `poll` says no: the caller waits for the reactor and asks again,
    /// rather than risk an operation that blocks the runtime.
    fn now(&self) -> bool {
        let events = if self.interest.is_readable() {
            libc::POLLIN
        } else {
            libc::POLLOUT
        };
        let mut p = libc::pollfd {
            fd: self.fd,
            events,
            revents: 0,
        };
        // SAFETY: one valid pollfd, timeout 0 (never waits).
        let n = unsafe { libc::poll(&mut p, 1, 0) };
        n > 0
    }
}

/// Whether an error only means "try again".
fn is_retry(e: &io::Error) -> bool {
    matches!(
        e.kind(),
        io::ErrorKind::Interrupted | io::ErrorKind::WouldBlock
    )
}
