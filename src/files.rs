//! Reading the user's files, bounded. Every file pyguide reads on the
//! user's behalf (Python sources, `pyproject.toml`, guide topics) goes
//! through here:
//!
//! - only regular files are read (symlinks followed): a FIFO, device or
//!   socket met while walking a folder or named in a setting is skipped
//!   with an error naming it, so a FIFO can't block a read forever and a
//!   link to `/dev/zero` can't fill memory;
//! - a size cap per kind of file ([`Limit`]), checked before reading and
//!   again while reading (a file may grow);
//! - [`read_named`] is for what the user named on the command line (`check
//!   FILE`, `<(…)`, `/dev/stdin`, `-`): pipes and character devices are
//!   read too, still bounded, on a helper thread with a timeout.
//!
//! The language server calls these off its async threads (see
//! `server::blocking`).

use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// The most bytes read from a file of each kind; larger files are skipped
/// with [`ReadError::TooLarge`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Limit {
    /// `pyproject.toml`: 2 MB.
    Settings,
    /// A guide topic (`*.md`): 2 MB.
    Topic,
    /// A Python source file: [`MAX_SOURCE_BYTES`].
    Source,
}

/// The largest Python file pyguide analyses (in `check`, the workspace
/// index and the language server): 16 MB. Larger files get a "too large,
/// analysis skipped" message instead: the syntax tree alone takes some ten
/// times the text's size.
pub const MAX_SOURCE_BYTES: u64 = 16 << 20;

impl Limit {
    pub fn bytes(self) -> u64 {
        match self {
            Limit::Settings | Limit::Topic => 2 << 20,
            Limit::Source => MAX_SOURCE_BYTES,
        }
    }
}

/// How long reading a named pipe or device may take.
pub const NAMED_TIMEOUT: Duration = Duration::from_secs(60);

/// Why a file was not read. Each message starts with the path.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    #[error("{path}: not a regular file ({kind}); skipped")]
    NotRegular { path: String, kind: &'static str },
    #[error("{path}: too large ({size}; the limit is {limit}); skipped")]
    TooLarge {
        path: String,
        size: String,
        limit: String,
    },
    #[error("{path}: no such file")]
    NotFound { path: String },
    #[error("{path}: cannot read: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
    #[error("{path}: nothing to read after {secs} s; skipped")]
    TimedOut { path: String, secs: u64 },
    #[error("{path}:{line}: not valid UTF-8 (byte {byte}); skipped")]
    NotUtf8 {
        path: String,
        line: usize,
        byte: usize,
    },
}

impl ReadError {
    pub fn is_not_found(&self) -> bool {
        matches!(self, ReadError::NotFound { .. })
    }
}

/// What kind of file `meta` describes, for messages.
fn kind_of(meta: &std::fs::Metadata) -> &'static str {
    use std::os::unix::fs::FileTypeExt;
    let t = meta.file_type();
    if t.is_dir() {
        "a folder"
    } else if t.is_fifo() {
        "a named pipe"
    } else if t.is_char_device() {
        "a character device"
    } else if t.is_block_device() {
        "a block device"
    } else if t.is_socket() {
        "a socket"
    } else {
        "not a file"
    }
}

fn shown(path: &Path) -> String {
    path.display().to_string()
}

/// Human size: `12.3 MB`.
fn size_text(bytes: u64) -> String {
    if bytes >= 1 << 20 {
        format!("{:.1} MB", bytes as f64 / f64::from(1 << 20))
    } else {
        format!("{bytes} bytes")
    }
}

fn too_large(path: &Path, size: u64, limit: u64) -> ReadError {
    ReadError::TooLarge {
        path: shown(path),
        size: if size > limit {
            size_text(size)
        } else {
            format!("over {}", size_text(limit))
        },
        limit: size_text(limit),
    }
}

fn io_error(path: &Path, e: std::io::Error) -> ReadError {
    if e.kind() == std::io::ErrorKind::NotFound {
        ReadError::NotFound { path: shown(path) }
    } else {
        ReadError::Io {
            path: shown(path),
            source: e,
        }
    }
}

/// Reads at most `limit` bytes from `reader`; more is [`ReadError::TooLarge`].
fn read_capped(
    path: &Path,
    reader: impl Read,
    limit: u64,
    hint: u64,
) -> Result<Vec<u8>, ReadError> {
    let capacity = usize::try_from(hint.min(limit)).unwrap_or(0);
    let mut bytes = Vec::with_capacity(capacity);
    reader
        .take(limit + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| io_error(path, e))?;
    if bytes.len() as u64 > limit {
        return Err(too_large(path, limit + 1, limit));
    }
    Ok(bytes)
}

/// The bytes of the regular file at `path` (symlinks followed), at most
/// `limit`'s bytes. Anything else (a FIFO, device, socket, folder) is
/// refused without being opened.
pub fn read_regular(path: &Path, limit: Limit) -> Result<Vec<u8>, ReadError> {
    let limit = limit.bytes();
    let meta = std::fs::metadata(path).map_err(|e| io_error(path, e))?;
    if !meta.is_file() {
        return Err(ReadError::NotRegular {
            path: shown(path),
            kind: kind_of(&meta),
        });
    }
    if meta.len() > limit {
        return Err(too_large(path, meta.len(), limit));
    }
    let file = File::open(path).map_err(|e| io_error(path, e))?;
    // The path may have been replaced between the two calls.
    let meta = file.metadata().map_err(|e| io_error(path, e))?;
    if !meta.is_file() {
        return Err(ReadError::NotRegular {
            path: shown(path),
            kind: kind_of(&meta),
        });
    }
    read_capped(path, file, limit, meta.len())
}

/// [`read_regular`], as UTF-8 text.
pub fn read_text(path: &Path, limit: Limit) -> Result<String, ReadError> {
    utf8(path, read_regular(path, limit)?)
}

/// The text of a file, pipe or character device the user named (`-` is
/// stdin), at most `limit`'s bytes. Regular files are read directly; the
/// rest on a helper thread that may wait for data at most
/// [`NAMED_TIMEOUT`] (a pipe without a writer; the thread is left behind).
pub fn read_named(path: &Path, limit: Limit) -> Result<String, ReadError> {
    read_named_within(path, limit, NAMED_TIMEOUT)
}

/// [`read_named`] with its timeout given.
pub fn read_named_within(
    path: &Path,
    limit: Limit,
    timeout: Duration,
) -> Result<String, ReadError> {
    let stdin = path == Path::new("-");
    if !stdin {
        let meta = std::fs::metadata(path).map_err(|e| io_error(path, e))?;
        if meta.is_file() {
            return read_text(path, limit);
        }
        if meta.is_dir() {
            return Err(ReadError::NotRegular {
                path: shown(path),
                kind: kind_of(&meta),
            });
        }
    }
    let owned: PathBuf = path.to_path_buf();
    let cap = limit.bytes();
    let (tx, rx) = std::sync::mpsc::channel();
    let spawned = std::thread::Builder::new()
        .name("pyguide-read".into())
        .spawn(move || {
            let read = if stdin {
                read_capped(&owned, std::io::stdin().lock(), cap, 0)
            } else {
                File::open(&owned)
                    .map_err(|e| io_error(&owned, e))
                    .and_then(|f| read_capped(&owned, f, cap, 0))
            };
            let _ = tx.send(read);
        });
    if let Err(e) = spawned {
        return Err(io_error(path, e));
    }
    match rx.recv_timeout(timeout) {
        Ok(read) => utf8(path, read?),
        Err(_) => Err(ReadError::TimedOut {
            path: shown(path),
            secs: timeout.as_secs(),
        }),
    }
}

fn utf8(path: &Path, bytes: Vec<u8>) -> Result<String, ReadError> {
    String::from_utf8(bytes).map_err(|e| {
        let (line, byte) = crate::text::utf8_error_line(&e);
        ReadError::NotUtf8 {
            path: shown(path),
            line,
            byte,
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regular_files_only_and_capped() {
        let dir = tempfile::tempdir().unwrap();
        let ok = dir.path().join("ok.toml");
        std::fs::write(&ok, "a = 1\n").unwrap();
        assert_eq!(read_text(&ok, Limit::Settings).unwrap(), "a = 1\n");

        let big = dir.path().join("big.md");
        std::fs::write(&big, vec![b'x'; (2 << 20) + 1]).unwrap();
        let e = read_text(&big, Limit::Topic).unwrap_err().to_string();
        assert!(e.contains("too large (2.0 MB; the limit is 2.0 MB)"), "{e}");

        let zero = dir.path().join("zero.py");
        std::os::unix::fs::symlink("/dev/zero", &zero).unwrap();
        let e = read_text(&zero, Limit::Source).unwrap_err().to_string();
        assert!(
            e.ends_with("zero.py: not a regular file (a character device); skipped"),
            "{e}"
        );
        // Named explicitly, it is read, and the cap stops it.
        let e = read_named(&zero, Limit::Settings).unwrap_err().to_string();
        assert!(e.contains("too large"), "{e}");

        let missing = dir.path().join("missing");
        assert!(
            read_text(&missing, Limit::Source)
                .unwrap_err()
                .is_not_found()
        );

        let bad = dir.path().join("bad.py");
        std::fs::write(&bad, b"x = 1\ny = '\xff'\n").unwrap();
        let e = read_text(&bad, Limit::Source).unwrap_err().to_string();
        assert!(
            e.ends_with("bad.py:2: not valid UTF-8 (byte 11); skipped"),
            "{e}"
        );
    }
}
