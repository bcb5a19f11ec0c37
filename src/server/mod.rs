//! `pyguide serve`: the Language Server Protocol server over stdio, built on
//! tower-lsp-server and tokio. Hover explanations, diagnostics with quick
//! fixes, code actions, topic search (`workspace/symbol`,
//! `workspace/executeCommand`, `pyguide/topic`), and practice
//! (`pyguide/practice/*`, recording what the user meets).
//!
//! This module is the only one that knows LSP types. It converts between
//! LSP positions and the byte ranges the rest of the crate speaks, and keeps
//! no per-request state: only open documents (as snapshots), settings, the
//! guide and the workspace's model index.
//!
//! - `service.rs`: the tower service wrapper (ordering, panics);
//! - `backend.rs`: method → handler routing; `handlers/`: one file each;
//! - `worker.rs`: the document worker (edits, analysis, diagnostics);
//! - `blocking.rs`: file reads and other blocking work, off the runtime;
//! - `transport.rs`: the guard in front of the message reader; `stdin.rs`
//!   and `stdout.rs`: messages read and responses written on the runtime
//!   thread (`watched.rs`: the descriptor they poll);
//! - `practice.rs`: the practice requests and recording, over the store;
//! - `documents.rs`, `position.rs`, `config.rs`, `library.rs`,
//!   `workspace.rs`, `state.rs`.

mod backend;
mod blocking;
pub mod config;
mod documents;
mod handlers;
mod library;
mod position;
mod practice;
mod service;
mod state;
#[cfg(unix)]
mod stdin;
#[cfg(unix)]
mod stdout;
mod transport;
#[cfg(unix)]
mod watched;
mod worker;
mod workspace;

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncWrite};
use tower_lsp_server::{ClientSocket, LspService, Server};

pub use backend::Backend;
pub use practice::Database;
pub use service::Ordered;

/// Called with a handler's or method's name before it runs; tests use it to
/// inject panics. `None` in the real server.
pub type FaultHook = Arc<dyn Fn(&str) + Send + Sync>;

/// How the server is set up (besides what the client sends).
#[derive(Clone, Default)]
pub struct ServerOptions {
    /// Guide folders given on the command line (`--guide`), before the
    /// `guide` setting's.
    pub guide: Vec<PathBuf>,
    /// Where topics are written as Markdown (`<dir>/topics/<id>.md`) and
    /// large guides' indexes cached; `None` writes nothing.
    pub cache_dir: Option<PathBuf>,
    /// The practice progress database; [`Database::None`] (the default)
    /// has none, and practice requests answer `enabled: false`.
    pub practice: Database,
    pub fault: Option<FaultHook>,
}

impl ServerOptions {
    /// The real server's options: `PYGUIDE_CACHE_DIR` or the user cache
    /// folder; progress in `PYGUIDE_DATA_DIR` or the user data folder.
    pub fn from_env(guide: Vec<PathBuf>) -> ServerOptions {
        ServerOptions {
            guide,
            cache_dir: crate::search::default_cache_dir(),
            practice: Database::UserData,
            fault: None,
        }
    }
}

/// The service and the socket its client messages go out on.
pub fn service(options: ServerOptions) -> (Ordered, ClientSocket) {
    let (service, socket) = LspService::build(|client| Backend::new(client, options))
        .custom_method(handlers::topic::METHOD, Backend::topic)
        .custom_method(practice::NEXT, Backend::practice_next)
        .custom_method(practice::ANSWER, Backend::practice_answer)
        .custom_method(practice::STATUS, Backend::practice_status)
        .finish();
    (Ordered::new(service), socket)
}

/// How many requests and notifications may be in progress at once (a
/// request waiting for the document worker must not hold up the others,
/// `$/cancelRequest` included).
const CONCURRENCY: usize = 64;

/// How long pending output may take to drain after `exit`, or after the
/// input ends.
const GRACE: Duration = Duration::from_millis(200);

/// Serves LSP on `input`/`output` until `exit` (or the end of the input).
/// Returns whether `shutdown` came first (exit code 0 then, 1 otherwise).
pub async fn serve<I, O>(input: I, output: O, options: ServerOptions) -> bool
where
    I: AsyncRead + Unpin,
    O: AsyncWrite,
{
    let (service, socket) = service(options);
    let shared = service.backend().shared().clone();
    let (frames, sink) = tokio::io::duplex(1 << 16);
    let server = Server::new(frames, output, socket)
        .concurrency_level(CONCURRENCY)
        .serve(service);
    tokio::pin!(server);
    let exited = async {
        shared.exit.notified().await;
        tokio::time::sleep(GRACE).await;
    };
    tokio::select! {
        () = &mut server => {}
        () = exited => {}
        () = transport::sanitize(input, sink, |urgent| match urgent {
            transport::Urgent::Exit => shared.exit.notify_one(),
            transport::Urgent::Cancel(id) => shared.pending.cancel(&id),
        }) => {
            let _ = tokio::time::timeout(GRACE, &mut server).await;
        }
    }
    shared.shut_down.load(Ordering::Acquire)
}

/// glibc gives threads that allocate at once heaps of their own (up to 8
/// per core), and memory one heap frees is not reused by another: a big
/// document's part trees, freed on its analysis thread, and its
/// diagnostics' JSON, built on the runtime, then add up (25× a 10 MB file
/// instead of 15×). Two heaps keep the peak near what is live at once;
/// the server has few threads, so they rarely wait for each other.
fn limit_malloc_arenas() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only sets an allocator parameter; it is called
    // before the server starts its threads.
    unsafe {
        libc::mallopt(libc::M_ARENA_MAX, 2);
    }
}

/// Trees are mimalloc's ([`crate::python::use_mimalloc_for_trees`]), which
/// asks for transparent huge pages: a 2 MiB page for a few live nodes
/// then counts whole, and with 20 Django files open the peak went from
/// 29 MB to 33 MB. The server's memory is kept small, so it asks the
/// kernel for 4 KiB pages only (`check` keeps huge pages: fewer faults).
fn use_small_pages() {
    #[cfg(target_os = "linux")]
    // SAFETY: prctl(PR_SET_THP_DISABLE) only sets a flag of this process;
    // it fails (and nothing changes) on a kernel without it.
    unsafe {
        libc::prctl(libc::PR_SET_THP_DISABLE, 1, 0, 0, 0);
    }
}

/// `pyguide serve`: LSP on stdin/stdout (logs on stderr).
pub fn run_stdio(options: ServerOptions) -> anyhow::Result<bool> {
    limit_malloc_arenas();
    use_small_pages();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    #[cfg(unix)]
    let clean = runtime.block_on(async {
        // Made inside the runtime: they register with the reactor.
        serve(stdin::Reader::stdin(), stdout::Writer::stdout(), options).await
    });
    #[cfg(not(unix))]
    let clean = runtime.block_on(serve(tokio::io::stdin(), tokio::io::stdout(), options));
    // A blocking task (a file read) may still run; don't wait for it.
    runtime.shutdown_background();
    Ok(clean)
}
