//! The document worker: one thread that owns every edit. Document
//! notifications are queued by the service wrapper (`service.rs`) in the
//! order they are read from the client, so edits apply strictly in that order
//! even though the server runs request handlers concurrently, and parsing
//! or analysing a large file never blocks the message loop.
//!
//! After applying what is queued, the worker analyses each changed document
//! and sends its diagnostics to the publisher task; a result that an edit
//! queued meanwhile has made stale is dropped. Requests that read documents
//! first wait (`Queue::caught_up`) until every notification queued before
//! them has been applied.

use std::collections::{HashMap, VecDeque};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc;

use serde_json::Value;
use tokio::sync::watch;
use tower_lsp_server::ls_types::{
    Diagnostic, DidChangeTextDocumentParams, DidCloseTextDocumentParams, DidOpenTextDocumentParams,
    DidSaveTextDocumentParams, Uri,
};

use super::documents::Snapshot;

/// How many documents keep their syntax tree for incremental parsing: the
/// ones edited most recently. Others keep only their text (and findings)
/// and are parsed again when next edited.
const TREES: usize = 3;
use super::handlers::{diagnostics, text_sync};
use super::state::Shared;
use crate::python::Document;

/// A document notification (its raw parameters) or a request to re-analyse.
#[derive(Debug)]
pub enum Op {
    Open(Value),
    Change(Value),
    Close(Value),
    Save(Value),
    /// Settings changed: publish every open document's diagnostics again.
    Republish,
    /// The workspace's models changed: analyse every open document again.
    Reanalyze,
}

impl Op {
    /// The op for a document notification method, if it is one.
    pub fn for_method(method: &str, params: Value) -> Option<Op> {
        match method {
            "textDocument/didOpen" => Some(Op::Open(params)),
            "textDocument/didChange" => Some(Op::Change(params)),
            "textDocument/didClose" => Some(Op::Close(params)),
            "textDocument/didSave" => Some(Op::Save(params)),
            _ => None,
        }
    }

    fn name(&self) -> &'static str {
        match self {
            Op::Open(_) => "didOpen",
            Op::Change(_) => "didChange",
            Op::Close(_) => "didClose",
            Op::Save(_) => "didSave",
            Op::Republish => "republish",
            Op::Reanalyze => "reanalyze",
        }
    }

    fn uri(&self) -> Option<&str> {
        match self {
            Op::Open(v) | Op::Change(v) | Op::Close(v) | Op::Save(v) => {
                v.get("textDocument")?.get("uri")?.as_str()
            }
            Op::Republish | Op::Reanalyze => None,
        }
    }

    /// Whether applying this op makes a published result for `uri` stale.
    fn supersedes(&self, uri: &Uri) -> bool {
        match self {
            Op::Save(_) => false,
            Op::Reanalyze => true,
            _ => self.uri() == Some(uri.as_str()),
        }
    }
}

/// Diagnostics for one document version, on their way to the client.
#[derive(Debug)]
pub struct Publish {
    pub uri: Uri,
    pub version: Option<i32>,
    pub diagnostics: Vec<Diagnostic>,
}

/// The sending side: the service wrapper pushes, handlers wait.
pub struct Queue {
    tx: mpsc::Sender<Op>,
    enqueued: AtomicU64,
    applied: watch::Receiver<u64>,
}

impl Queue {
    pub fn push(&self, op: Op) {
        self.enqueued.fetch_add(1, Ordering::SeqCst);
        // The worker only stops when the queue is dropped.
        let _ = self.tx.send(op);
    }

    /// Waits until every op queued so far has been applied.
    pub async fn caught_up(&self) {
        let target = self.enqueued.load(Ordering::SeqCst);
        let mut applied = self.applied.clone();
        let _ = applied.wait_for(|&n| n >= target).await;
    }
}

/// The options of the document at `uri`: its project's versions (read
/// here, on the worker thread) and whether it is a migration.
fn file_options(projects: &mut crate::project::Projects, uri: &Uri) -> crate::detect::Options {
    match super::workspace::file_path(uri) {
        Some(path) => {
            let versions = projects.versions_for(&path);
            crate::detect::Options::for_path(&path.to_string_lossy(), versions)
        }
        None => crate::detect::Options::for_path(uri.path().as_str(), Default::default()),
    }
}

/// Starts the worker thread; it stops when the returned queue is dropped.
pub fn start(shared: Arc<Shared>, out: tokio::sync::mpsc::UnboundedSender<Publish>) -> Queue {
    let (tx, rx) = mpsc::channel();
    let (applied_tx, applied_rx) = watch::channel(0);
    let worker = Worker {
        shared,
        out,
        docs: HashMap::new(),
        analyzers: HashMap::new(),
        projects: crate::project::Projects::default(),
        trees: VecDeque::new(),
        dirty: VecDeque::new(),
        backlog: VecDeque::new(),
        applied: 0,
        applied_tx,
    };
    let spawned = std::thread::Builder::new()
        .name("pyguide-documents".into())
        .spawn(move || worker.run(rx));
    if let Err(e) = spawned {
        tracing::error!("cannot start the document worker: {e}");
    }
    Queue {
        tx,
        enqueued: AtomicU64::new(0),
        applied: applied_rx,
    }
}

struct Worker {
    shared: Arc<Shared>,
    out: tokio::sync::mpsc::UnboundedSender<Publish>,
    /// Each open document's version and, for the [`TREES`] most recently
    /// changed ones, the worker's own parsed copy, edited in place.
    docs: HashMap<Uri, (i32, Option<Document>)>,
    /// Each open document's incremental analyser.
    analyzers: HashMap<Uri, Arc<std::sync::Mutex<crate::detect::Analyzer>>>,
    /// The declared versions of the projects documents belong to.
    projects: crate::project::Projects,
    /// Documents holding a tree, most recently changed last.
    trees: VecDeque<Uri>,
    /// Documents whose diagnostics are due, oldest first.
    dirty: VecDeque<Uri>,
    /// Ops read while checking for staleness, applied next.
    backlog: VecDeque<Op>,
    applied: u64,
    applied_tx: watch::Sender<u64>,
}

impl Worker {
    fn run(mut self, rx: mpsc::Receiver<Op>) {
        loop {
            let op = match self.backlog.pop_front() {
                Some(op) => op,
                None if self.dirty.is_empty() => match rx.recv() {
                    Ok(op) => op,
                    Err(_) => return,
                },
                None => match rx.try_recv() {
                    Ok(op) => op,
                    Err(mpsc::TryRecvError::Empty) => {
                        self.publish_next(&rx);
                        continue;
                    }
                    Err(mpsc::TryRecvError::Disconnected) => return,
                },
            };
            let started = std::time::Instant::now();
            let applied = catch_unwind(AssertUnwindSafe(|| self.apply(&op)));
            tracing::debug!("applied {} in {:?}", op.name(), started.elapsed());
            if applied.is_err() {
                tracing::error!("applying {op:?} panicked; the document is closed");
                if let Some(uri) = op.uri().and_then(|u| u.parse::<Uri>().ok()) {
                    self.docs.remove(&uri);
                    self.analyzers.remove(&uri);
                    self.shared.documents.remove(&uri);
                }
            }
            self.applied += 1;
            self.applied_tx.send_replace(self.applied);
        }
    }

    fn apply(&mut self, op: &Op) {
        match op {
            Op::Open(v) => {
                let Some(p) = parse::<DidOpenTextDocumentParams>(v) else {
                    return;
                };
                let d = p.text_document;
                let doc = Document::parse(d.text);
                self.docs.insert(d.uri.clone(), (d.version, Some(doc)));
                self.snapshot(d.uri);
            }
            Op::Change(v) => {
                let Some(p) = parse::<DidChangeTextDocumentParams>(v) else {
                    return;
                };
                let uri = p.text_document.uri;
                let (Some(snapshot), Some((version, held))) =
                    (self.shared.documents.get(&uri), self.docs.get_mut(&uri))
                else {
                    tracing::warn!("didChange for {} which is not open", uri.as_str());
                    return;
                };
                let doc = held.get_or_insert_with(|| Document::parse(snapshot.text()));
                text_sync::apply_changes(
                    doc,
                    &snapshot.lines,
                    &p.content_changes,
                    self.shared.encoding(),
                );
                *version = p.text_document.version;
                self.snapshot(uri);
            }
            Op::Close(v) => {
                let Some(p) = parse::<DidCloseTextDocumentParams>(v) else {
                    return;
                };
                let uri = p.text_document.uri;
                self.docs.remove(&uri);
                self.analyzers.remove(&uri);
                self.trees.retain(|u| u != &uri);
                self.shared.documents.remove(&uri);
                self.dirty.retain(|u| u != &uri);
                let _ = self.out.send(Publish {
                    uri,
                    version: None,
                    diagnostics: Vec::new(),
                });
            }
            Op::Save(v) => {
                let Some(p) = parse::<DidSaveTextDocumentParams>(v) else {
                    return;
                };
                let uri = p.text_document.uri;
                let doc = match (self.docs.get(&uri), self.shared.documents.get(&uri)) {
                    (Some((_, Some(doc))), _) => Some(doc.clone()),
                    (Some(_), Some(snapshot)) => Some(Document::parse(snapshot.text())),
                    _ => None,
                };
                if let Some(doc) = doc
                    && super::workspace::update_models(&self.shared, &uri, &doc)
                {
                    self.reanalyze();
                }
                self.mark(uri);
            }
            Op::Republish => {
                let uris: Vec<Uri> = self.docs.keys().cloned().collect();
                uris.into_iter().for_each(|u| self.mark(u));
            }
            Op::Reanalyze => self.reanalyze(),
        }
    }

    /// Makes a snapshot of the worker's copy of `uri` current and
    /// schedules its diagnostics.
    fn snapshot(&mut self, uri: Uri) {
        let Some((version, Some(doc))) = self.docs.get(&uri) else {
            return;
        };
        let projects = &mut self.projects;
        let analyzer = self
            .analyzers
            .entry(uri.clone())
            .or_insert_with(|| {
                Arc::new(std::sync::Mutex::new(crate::detect::Analyzer::new(
                    file_options(projects, &uri),
                )))
            })
            .clone();
        let mut snapshot = Snapshot::new(*version, doc.clone(), self.shared.models(), analyzer);
        if !super::documents::is_python(&uri) {
            snapshot = snapshot.not_python();
        }
        self.shared
            .documents
            .insert(uri.clone(), Arc::new(snapshot));
        self.keep_tree(&uri);
        self.mark(uri);
    }

    /// Notes that `uri` was just changed; drops the trees of the documents
    /// changed longest ago beyond [`TREES`].
    fn keep_tree(&mut self, uri: &Uri) {
        self.trees.retain(|u| u != uri);
        self.trees.push_back(uri.clone());
        while self.trees.len() > TREES {
            if let Some(old) = self.trees.pop_front()
                && let Some((_, held)) = self.docs.get_mut(&old)
            {
                *held = None;
            }
        }
    }

    fn reanalyze(&mut self) {
        let models = self.shared.models();
        for uri in self.docs.keys().cloned().collect::<Vec<_>>() {
            if let Some(old) = self.shared.documents.get(&uri) {
                let doc = self.docs.get(&uri).and_then(|(_, d)| d.clone());
                let fresh = old.with_models(models.clone(), doc);
                self.shared.documents.insert(uri.clone(), Arc::new(fresh));
            }
            self.mark(uri);
        }
    }

    fn mark(&mut self, uri: Uri) {
        if !self.dirty.contains(&uri) {
            self.dirty.push_back(uri);
        }
    }

    /// Analyses the oldest dirty document and publishes its diagnostics,
    /// unless an op that arrived meanwhile makes them stale.
    fn publish_next(&mut self, rx: &mpsc::Receiver<Op>) {
        let Some(uri) = self.dirty.pop_front() else {
            return;
        };
        let Some(snapshot) = self.shared.documents.get(&uri) else {
            return;
        };
        let shared = self.shared.clone();
        let started = std::time::Instant::now();
        let built = catch_unwind(AssertUnwindSafe(|| {
            let findings = snapshot.findings();
            tracing::debug!("analysed {} in {:?}", uri.as_str(), started.elapsed());
            let settings = shared.settings();
            diagnostics::build(
                &snapshot,
                &findings,
                &settings.diagnostics(),
                &shared.library(),
                shared.encoding(),
            )
        }));
        let Ok(diagnostics) = built else {
            tracing::error!("analysing {} panicked", uri.as_str());
            return;
        };
        self.backlog.extend(rx.try_iter());
        if self.backlog.iter().any(|op| op.supersedes(&uri)) {
            return;
        }
        let _ = self.out.send(Publish {
            uri,
            version: Some(snapshot.version),
            diagnostics,
        });
    }
}

fn parse<T: serde::de::DeserializeOwned>(v: &Value) -> Option<T> {
    match T::deserialize(v) {
        Ok(p) => Some(p),
        Err(e) => {
            tracing::warn!("malformed document notification: {e}");
            None
        }
    }
}
