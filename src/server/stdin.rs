//! The server's stdin, read on the runtime thread.
//!
//! tokio's `stdin()` reads in a blocking-pool thread: every message from
//! the client crossed one more thread before the runtime saw it, and right
//! after a keystroke, with a parse and an analysis holding both cores, that
//! thread waited for a time slice before it could hand a hover over. Here
//! a read happens on the runtime thread when `poll` says the descriptor
//! has data (or its end: a read then returns at once), and otherwise waits
//! for it in tokio's reactor, like the writer in `stdout.rs`. The
//! descriptor is left blocking (its open file description may be shared
//! with the client), which is safe because it is read only after `poll`
//! said a read would not wait. A descriptor the reactor can't watch (a
//! regular file, which never blocks for long) is read directly.

use std::io;
use std::os::fd::{AsRawFd, RawFd};
use std::pin::Pin;
use std::task::{Context, Poll};

use tokio::io::{AsyncRead, Interest, ReadBuf};

use super::watched::Watched;

/// Reads a file descriptor (stdin: [`Reader::stdin`]) without a thread of
/// its own.
pub struct Reader {
    fd: Watched,
}

impl Reader {
    /// The process's stdin. Must be called inside a tokio runtime.
    pub fn stdin() -> Reader {
        // SAFETY: nothing in the server closes or replaces its stdin.
        unsafe { Reader::new(io::stdin().as_raw_fd()) }
    }

    /// A reader of `fd`. Must be called inside a tokio runtime.
    ///
    /// # Safety
    /// `fd` must be open, and refer to the same file, while the reader
    /// lives.
    pub unsafe fn new(fd: RawFd) -> Reader {
        // SAFETY: this function's contract.
        let fd = unsafe { Watched::new(fd, Interest::READABLE) };
        Reader { fd }
    }

    fn read_now(&self, buf: &mut ReadBuf<'_>) -> io::Result<()> {
        let free = buf.initialize_unfilled();
        // SAFETY: `free` is valid for writes of its length; `fd` is open
        // (see `new`).
        let n = unsafe { libc::read(self.fd.fd, free.as_mut_ptr().cast(), free.len()) };
        if n < 0 {
            return Err(io::Error::last_os_error());
        }
        buf.advance(n as usize);
        Ok(())
    }
}

impl AsyncRead for Reader {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        if buf.remaining() == 0 {
            return Poll::Ready(Ok(()));
        }
        // Data (or the end of input), or wait for it in the reactor.
        self.fd.poll_io(cx, || self.read_now(buf))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;
    use std::os::fd::FromRawFd;
    use tokio::io::AsyncReadExt;

    /// (read end, write end as a `File`).
    fn pipe() -> (RawFd, std::fs::File) {
        let mut fds = [0; 2];
        // SAFETY: two ints for pipe(2) to fill.
        assert_eq!(unsafe { libc::pipe(fds.as_mut_ptr()) }, 0);
        // SAFETY: fds[1] is a fresh descriptor owned by the File from now on.
        (fds[0], unsafe { std::fs::File::from_raw_fd(fds[1]) })
    }

    /// Data written slowly by another thread arrives whole and in order,
    /// the runtime runs other tasks while the pipe is empty (the reader
    /// waits in the reactor, not in `read`), and the end of input is seen.
    #[tokio::test(flavor = "current_thread")]
    async fn an_empty_pipe_waits_in_the_reactor_and_loses_nothing() {
        let (read_fd, mut write_end) = pipe();
        let data: Vec<u8> = (0..300_000u32).map(|i| (i % 251) as u8).collect();
        let sent = data.clone();
        let writer = std::thread::spawn(move || {
            for chunk in sent.chunks(7_000) {
                std::thread::sleep(std::time::Duration::from_micros(300));
                write_end.write_all(chunk).unwrap();
            }
        });
        let ticks = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let counter = ticks.clone();
        let ticker = tokio::spawn(async move {
            loop {
                counter.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                tokio::time::sleep(std::time::Duration::from_millis(1)).await;
            }
        });
        // SAFETY: the read end is closed only after the reader is dropped.
        let mut r = unsafe { Reader::new(read_fd) };
        assert!(r.fd.is_watched(), "a pipe is watched by the reactor");
        let mut got = Vec::new();
        r.read_to_end(&mut got).await.unwrap();
        drop(r);
        // SAFETY: the reader is gone; this closes the read end once.
        unsafe { libc::close(read_fd) };
        writer.join().unwrap();
        ticker.abort();
        assert!(got == data, "bytes arrive whole and in order");
        assert!(
            ticks.load(std::sync::atomic::Ordering::Relaxed) > 5,
            "the runtime kept running other tasks while the pipe was empty"
        );
    }

    /// A regular file can't be watched by the reactor: read directly.
    #[tokio::test(flavor = "current_thread")]
    async fn a_regular_file_is_read_directly() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("in");
        let data = vec![b'y'; 100_000];
        std::fs::write(&path, &data).unwrap();
        let file = std::fs::File::open(&path).unwrap();
        // SAFETY: `file` is dropped after the reader.
        let mut r = unsafe { Reader::new(file.as_raw_fd()) };
        assert!(!r.fd.is_watched());
        let mut got = Vec::new();
        r.read_to_end(&mut got).await.unwrap();
        drop(r);
        drop(file);
        assert_eq!(got, data);
    }
}
