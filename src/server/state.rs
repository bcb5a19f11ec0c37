//! What the server knows between requests, shared by the handlers and the
//! document worker: the negotiated encoding, client capabilities, settings
//! (and the layers they come from), the guide, the workspace's Django
//! models, and the open documents. Nothing here belongs to one request.

use std::collections::HashMap;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use futures::future::AbortHandle;
use std::sync::{Arc, Mutex, RwLock};
use tower_lsp_server::jsonrpc::Id;

use tower_lsp_server::jsonrpc;

use super::ServerOptions;
use super::config::{Layer, Settings};
use super::documents::{Documents, Snapshot};
use super::library::{LazyLibrary, Library, References};
use super::position::Encoding;
use crate::detect::{Finding, ModelIndex};

/// What the client said it can do (the parts the server uses).
#[derive(Debug, Clone, Copy, Default)]
pub struct ClientCaps {
    pub show_document: bool,
    pub watch_files_dynamically: bool,
    pub topic_links: TopicLinks,
}

/// How a hover offers the whole topic: VS Code follows `command:` links in
/// hovers; other editors show them as dead text, so they get the topic id
/// and what to type instead.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum TopicLinks {
    /// `[Open the full topic](command:pyguide.openTopic?…)` (VS Code and
    /// clients that do not say who they are).
    #[default]
    Command,
    /// `:PyGuide topic ID` (Neovim).
    Neovim,
    /// `pyguide explain ID` (Helix, Emacs, Zed, Sublime Text, Kakoune…).
    Plain,
}

impl TopicLinks {
    /// From `initialize`'s `clientInfo.name`.
    pub fn for_client(name: Option<&str>) -> TopicLinks {
        let name = name.unwrap_or("").to_ascii_lowercase();
        if name.contains("neovim") || name == "nvim" {
            TopicLinks::Neovim
        } else if [
            "helix", "eglot", "emacs", "zed", "sublime", "kak", "kate", "vim",
        ]
        .iter()
        .any(|n| name.contains(n))
        {
            TopicLinks::Plain
        } else {
            TopicLinks::Command
        }
    }
}

/// The settings' sources, lowest precedence first.
#[derive(Debug, Clone, Default)]
pub struct Layers {
    pub project: Layer,
    pub client: Layer,
}

pub struct Shared {
    pub options: ServerOptions,
    pub encoding: RwLock<Encoding>,
    pub caps: RwLock<ClientCaps>,
    pub roots: RwLock<Vec<PathBuf>>,
    pub layers: Mutex<Layers>,
    pub settings: RwLock<Arc<Settings>>,
    pub library: RwLock<Arc<LazyLibrary>>,
    /// Topics' first references, for diagnostics (no guide load needed).
    pub references: References,
    pub models: RwLock<Arc<ModelIndex>>,
    /// What the workspace index read of each file (`workspace.rs`); locked
    /// before `models` by whoever changes both.
    pub workspace: Mutex<super::workspace::Files>,
    pub documents: Documents,
    /// The first root's `pyproject.toml` as `initialize` read it (`None`
    /// inside: there is none), until the document worker takes it for the
    /// project's versions: the file is read once.
    pub pyproject: Mutex<Option<(PathBuf, Option<String>)>>,
    pub initialized: AtomicBool,
    pub shut_down: AtomicBool,
    /// Signalled when the `exit` notification arrives.
    pub exit: tokio::sync::Notify,
    /// Requests in progress, cancellable by id.
    pub pending: Pending,
    /// The practice store and what was recorded for open documents.
    pub practice: Arc<super::practice::Practice>,
    /// The built-in guide alone, what requests use until the user's guide
    /// folders are loaded.
    builtin: std::sync::OnceLock<Arc<Library>>,
}

/// The requests in progress, each with the handle that aborts it (the
/// service wrapper then answers "request cancelled"). The transport cancels
/// through it as soon as it reads `$/cancelRequest`, even when every
/// request slot of tower-lsp-server is taken.
///
/// The transport reads a `$/cancelRequest` long before the server calls
/// the request it names when requests are queued: such an id is kept (the
/// last [`EARLY_CANCELS`]) and the request is cancelled as it registers.
#[derive(Default)]
pub struct Pending {
    map: Mutex<HashMap<Id, (u64, AbortHandle)>>,
    early: Mutex<std::collections::VecDeque<Id>>,
    next: AtomicU64,
}

/// How many cancellations of requests not yet started are remembered.
const EARLY_CANCELS: usize = 4096;

impl Pending {
    /// Registers request `id`; returns the token [`Pending::finish`] takes.
    pub fn register(&self, id: Id, handle: AbortHandle) -> u64 {
        let token = self.next.fetch_add(1, Ordering::Relaxed);
        let mut early = self.early.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(at) = early.iter().position(|e| *e == id) {
            early.remove(at);
            tracing::debug!("request {id} was cancelled before it started");
            handle.abort();
            return token;
        }
        drop(early);
        self.lock().insert(id, (token, handle));
        token
    }

    /// Forgets request `id` if it is still the registration `token` (a
    /// client may reuse an id once its request is answered).
    pub fn finish(&self, id: &Id, token: u64) {
        let mut map = self.lock();
        if map.get(id).is_some_and(|(t, _)| *t == token) {
            map.remove(id);
        }
    }

    /// Aborts request `id` if it is in progress.
    pub fn cancel(&self, id: &Id) {
        let mut early = self.early.lock().unwrap_or_else(|p| p.into_inner());
        match self.lock().remove(id) {
            Some((_, handle)) => {
                tracing::debug!("cancelling request {id}");
                handle.abort();
            }
            None => {
                if early.len() >= EARLY_CANCELS {
                    early.pop_front();
                }
                early.push_back(id.clone());
            }
        }
    }

    pub fn len(&self) -> usize {
        self.lock().len()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<Id, (u64, AbortHandle)>> {
        self.map.lock().unwrap_or_else(|p| p.into_inner())
    }
}

fn read<T: Clone>(lock: &RwLock<T>) -> T {
    lock.read().unwrap_or_else(|p| p.into_inner()).clone()
}

fn write<T>(lock: &RwLock<T>, value: T) {
    *lock.write().unwrap_or_else(|p| p.into_inner()) = value;
}

impl Shared {
    pub fn new(options: ServerOptions) -> Shared {
        let library = LazyLibrary::new(options.guide.clone(), options.cache_dir.clone());
        let practice = Arc::new(super::practice::Practice::new(options.practice.clone()));
        Shared {
            options,
            encoding: RwLock::default(),
            caps: RwLock::default(),
            roots: RwLock::default(),
            layers: Mutex::default(),
            settings: RwLock::default(),
            library: RwLock::new(Arc::new(library)),
            references: References::default(),
            models: RwLock::default(),
            workspace: Mutex::default(),
            documents: Documents::default(),
            pyproject: Mutex::default(),
            initialized: AtomicBool::new(false),
            shut_down: AtomicBool::new(false),
            exit: tokio::sync::Notify::new(),
            pending: Pending::default(),
            practice,
            builtin: std::sync::OnceLock::new(),
        }
    }

    pub fn encoding(&self) -> Encoding {
        read(&self.encoding)
    }

    pub fn caps(&self) -> ClientCaps {
        read(&self.caps)
    }

    pub fn roots(&self) -> Vec<PathBuf> {
        read(&self.roots)
    }

    pub fn settings(&self) -> Arc<Settings> {
        read(&self.settings)
    }

    pub fn models(&self) -> Arc<ModelIndex> {
        read(&self.models)
    }

    /// Changes the model index under its write lock (copy, change, swap:
    /// snapshots keep the index they were analysed with).
    pub fn update_models<R>(&self, change: impl FnOnce(&mut ModelIndex) -> R) -> R {
        let mut guard = self.models.write().unwrap_or_else(|p| p.into_inner());
        let mut models = (**guard).clone();
        let result = change(&mut models);
        *guard = Arc::new(models);
        result
    }

    /// The guide as loaded so far, never waiting: while user guide folders
    /// load in the background (bounded reads, but a folder may be large or
    /// slow) requests answer from the built-in guide.
    pub fn library(&self) -> Arc<Library> {
        read(&self.library).try_get().unwrap_or_else(|| {
            self.builtin
                .get_or_init(|| Arc::new(Library::load(&[], self.options.cache_dir.clone())))
                .clone()
        })
    }

    pub fn lazy_library(&self) -> Arc<LazyLibrary> {
        read(&self.library)
    }

    /// Recomputes the settings from their layers; returns whether the guide
    /// folders changed (the caller then reloads the guide).
    pub fn update_settings(&self, change: impl FnOnce(&mut Layers)) -> bool {
        let mut layers = self.layers.lock().unwrap_or_else(|p| p.into_inner());
        change(&mut layers);
        let settings = Settings::merge(&[&layers.project, &layers.client]);
        write(&self.settings, Arc::new(settings));
        let folders = self.guide_folders();
        if self.lazy_library().folders() != folders.as_slice() {
            let lazy = LazyLibrary::new(folders, self.options.cache_dir.clone());
            write(&self.library, Arc::new(lazy));
            return true;
        }
        false
    }

    /// `--guide` folders, then the `guide` setting's.
    fn guide_folders(&self) -> Vec<PathBuf> {
        let mut folders = self.options.guide.clone();
        folders.extend(self.settings().guide.iter().cloned());
        folders
    }

    /// Whether document notifications are accepted (between initialize and
    /// shutdown; the spec says to drop them otherwise).
    pub fn accepts_notifications(&self) -> bool {
        self.initialized.load(Ordering::Acquire) && !self.shut_down.load(Ordering::Acquire)
    }

    /// Runs a handler's synchronous work, turning a panic into an internal
    /// error (the server stays up). Calls the fault hook first.
    pub fn guarded<T>(
        &self,
        name: &'static str,
        work: impl FnOnce() -> jsonrpc::Result<T>,
    ) -> jsonrpc::Result<T> {
        catch_unwind(AssertUnwindSafe(|| {
            if let Some(hook) = &self.options.fault {
                hook(name);
            }
            work()
        }))
        .unwrap_or_else(|panic| Err(internal_error(name, panic.as_ref())))
    }
}

/// The internal error that answers a request whose handler panicked.
pub fn internal_error(name: &str, panic: &(dyn std::any::Any + Send)) -> jsonrpc::Error {
    let what = panic
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "panic".to_string());
    tracing::error!("{name} panicked: {what}");
    jsonrpc::Error {
        code: jsonrpc::ErrorCode::InternalError,
        message: format!("pyguide: {name} failed: {what}").into(),
        data: None,
    }
}

/// A snapshot's findings, analysing off the async threads when they are not
/// cached yet (a large file takes a while). A snapshot replaced meanwhile
/// by a newer edit gives "content modified" (the client asks again).
/// While another thread (the document's analysis job) computes them, the
/// request waits without holding a thread, so any number of requests can
/// wait (and be cancelled).
pub async fn findings_of(snapshot: &Arc<Snapshot>) -> jsonrpc::Result<Arc<Vec<Finding>>> {
    loop {
        if let Some(f) = snapshot.cached_findings() {
            return Ok(f);
        }
        if snapshot.is_cancelled() {
            return Err(jsonrpc::Error::content_modified());
        }
        let ready = snapshot.ready.notified();
        tokio::pin!(ready);
        ready.as_mut().enable();
        if snapshot.cached_findings().is_some() || snapshot.is_cancelled() {
            continue;
        }
        if !snapshot.is_computing() {
            break;
        }
        ready.await;
    }
    let snap = snapshot.clone();
    tokio::task::spawn_blocking(move || snap.findings())
        .await
        .map_err(|e| match e.try_into_panic() {
            Ok(panic) => internal_error("analysis", panic.as_ref()),
            Err(_) => jsonrpc::Error::request_cancelled(),
        })?
        .ok_or_else(jsonrpc::Error::content_modified)
}
