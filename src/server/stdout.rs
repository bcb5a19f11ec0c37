//! The server's stdout, written on the runtime thread.
//!
//! tokio's `stdout()` hands every write to a blocking-pool thread, so each
//! response crossed threads once more before reaching the client; on two
//! busy cores (a parse running after a keystroke) that thread woke late,
//! and a hover answered in 0.07 ms reached the client in 2 ms (p99). Here a
//! write goes straight to the file descriptor when the pipe has room, at
//! most [`CHUNK`] bytes at a time (a pipe with room takes that much
//! without blocking), and otherwise waits for room in tokio's reactor: the
//! runtime never blocks on a client that is slow to read, and goes on
//! reading its messages (`exit` included) meanwhile. A descriptor the
//! reactor can't watch (a regular file, which never blocks) is written
//! directly.

use std::io;
use std::os::fd::{AsRawFd, RawFd};
use std::pin::Pin;
use std::task::{Context, Poll};

use tokio::io::{AsyncWrite, Interest};

use super::watched::Watched;

/// The most written in one call: a pipe that polls writable has room for
/// at least one page, and a write of at most `PIPE_BUF` never blocks on it.
const CHUNK: usize = 4096;

/// Writes to a file descriptor (stdout: [`Writer::stdout`]) without a
/// thread of its own.
pub struct Writer {
    fd: Watched,
}

impl Writer {
    /// The process's stdout. Must be called inside a tokio runtime.
    pub fn stdout() -> Writer {
        // SAFETY: nothing in the server closes or replaces its stdout.
        unsafe { Writer::new(io::stdout().as_raw_fd()) }
    }

    /// A writer to `fd`. Must be called inside a tokio runtime.
    ///
    /// # Safety
    /// `fd` must be open, and refer to the same file, while the writer lives.
    pub unsafe fn new(fd: RawFd) -> Writer {
        // SAFETY: this function's contract.
        let fd = unsafe { Watched::new(fd, Interest::WRITABLE) };
        Writer { fd }
    }

    fn write_now(&self, buf: &[u8]) -> io::Result<usize> {
        let len = buf.len().min(CHUNK);
        // SAFETY: `buf` is valid for `len` bytes; `fd` is open (see `new`).
        let n = unsafe { libc::write(self.fd.fd, buf.as_ptr().cast(), len) };
        if n < 0 {
            Err(io::Error::last_os_error())
        } else {
            Ok(n as usize)
        }
    }
}

impl AsyncWrite for Writer {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        if buf.is_empty() {
            return Poll::Ready(Ok(0));
        }
        // Room for a page, or wait for it in the reactor.
        self.fd.poll_io(cx, || self.write_now(buf))
    }

    fn poll_flush(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<io::Result<()>> {
        // Nothing is buffered here.
        Poll::Ready(Ok(()))
    }

    fn poll_shutdown(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(Ok(()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;
    use std::os::fd::FromRawFd;
    use tokio::io::AsyncWriteExt;

    fn pipe() -> (std::fs::File, RawFd) {
        let mut fds = [0; 2];
        // SAFETY: two ints for pipe(2) to fill.
        assert_eq!(unsafe { libc::pipe(fds.as_mut_ptr()) }, 0);
        // SAFETY: fds[0] is a fresh descriptor owned by the File from now on.
        (unsafe { std::fs::File::from_raw_fd(fds[0]) }, fds[1])
    }

    /// Far more than a pipe holds, read slowly by another thread: every
    /// byte arrives in order, and the runtime runs other tasks while the
    /// pipe is full (the writer waits in the reactor, not in `write`).
    #[tokio::test(flavor = "current_thread")]
    async fn a_full_pipe_waits_in_the_reactor_and_loses_nothing() {
        let (mut read_end, write_fd) = pipe();
        let data: Vec<u8> = (0..3_000_000u32).map(|i| (i % 251) as u8).collect();
        let expected = data.clone();
        let reader = std::thread::spawn(move || {
            let mut got = Vec::new();
            let mut buf = [0u8; 8192];
            loop {
                std::thread::sleep(std::time::Duration::from_micros(200));
                match read_end.read(&mut buf) {
                    Ok(0) => break,
                    Ok(n) => got.extend_from_slice(&buf[..n]),
                    Err(e) => panic!("{e}"),
                }
            }
            got
        });
        let ticks = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let counter = ticks.clone();
        let ticker = tokio::spawn(async move {
            loop {
                counter.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                tokio::time::sleep(std::time::Duration::from_millis(1)).await;
            }
        });
        // SAFETY: the write end is closed only after the writer is dropped.
        let mut w = unsafe { Writer::new(write_fd) };
        assert!(w.fd.is_watched(), "a pipe is watched by the reactor");
        w.write_all(&data).await.unwrap();
        w.flush().await.unwrap();
        drop(w);
        // SAFETY: the writer is gone; this closes the write end once.
        unsafe { libc::close(write_fd) };
        let got = reader.join().unwrap();
        ticker.abort();
        assert_eq!(got.len(), expected.len());
        assert!(got == expected, "bytes arrive in order");
        assert!(
            ticks.load(std::sync::atomic::Ordering::Relaxed) > 5,
            "the runtime kept running other tasks while the pipe was full"
        );
    }

    /// A regular file can't be watched by the reactor: written directly.
    #[tokio::test(flavor = "current_thread")]
    async fn a_regular_file_is_written_directly() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out");
        let file = std::fs::File::create(&path).unwrap();
        // SAFETY: `file` is dropped after the writer.
        let mut w = unsafe { Writer::new(file.as_raw_fd()) };
        assert!(!w.fd.is_watched());
        let data = vec![b'x'; 100_000];
        w.write_all(&data).await.unwrap();
        drop(w);
        drop(file);
        assert_eq!(std::fs::read(&path).unwrap(), data);
    }

    /// A closed reader is an error for the writer, not a hang.
    #[tokio::test(flavor = "current_thread")]
    async fn a_closed_pipe_is_an_error() {
        let (read_end, write_fd) = pipe();
        drop(read_end);
        // SAFETY: the write end is closed only after the writer is dropped.
        let mut w = unsafe { Writer::new(write_fd) };
        let e = w.write_all(b"hello").await.unwrap_err();
        assert_eq!(e.kind(), io::ErrorKind::BrokenPipe);
        drop(w);
        // SAFETY: closed once, after the writer is gone.
        unsafe { libc::close(write_fd) };
    }
}
