//! The document worker: one thread that owns every edit. Document
//! notifications are queued by the service wrapper (`service.rs`) in the
//! order they are read from the client, so edits apply strictly in that order
//! even though the server runs request handlers concurrently, and parsing
//! a large file never blocks the message loop.
//!
//! The worker only applies edits and makes snapshots; it never analyses.
//! Each op makes the new text current first (a snapshot without a tree),
//! counts as applied, and only then is the text parsed (incrementally) and
//! the tree given to the snapshot: requests never wait for a parse.
//! Each document has its own analysis job (a thread while it has work),
//! which analyses the document's newest snapshot and sends its diagnostics
//! to the publisher task. So a heavy document never holds up the edits,
//! hovers or diagnostics of another; a snapshot replaced by a newer edit is
//! cancelled and its analysis stops within 1,024 nodes (cooperative
//! cancellation); the publisher drops a result older than one it already
//! sent (`Publish::seq`). Requests that read a document first wait
//! (`Queue::caught_up_with`) until every notification for that document
//! queued before them has been applied, which never waits for its parse or
//! an analysis, nor for another document's edits and their parses.

use std::collections::{HashMap, VecDeque};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Arc;
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
use crate::python::{Document, LineIndex};

/// The stack of an analysis thread: generous, so that no input can
/// overflow it (the analysis itself keeps its stacks on the heap).
const ANALYSIS_STACK: usize = 64 << 20;

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
}

/// Diagnostics for one document version, on their way to the client.
#[derive(Debug)]
pub struct Publish {
    pub uri: Uri,
    /// The snapshot's sequence number: the publisher drops a result older
    /// than the last it sent for the same document.
    pub seq: u64,
    pub version: Option<i32>,
    pub diagnostics: Vec<Diagnostic>,
    /// The topics of the document's findings (hints included, `select` /
    /// `ignore` applied): what the user met in code, for practice.
    pub topics: Vec<&'static str>,
}

/// The sending side: the service wrapper pushes, handlers wait.
pub struct Queue {
    tx: mpsc::Sender<Op>,
    queued: std::sync::Mutex<Queued>,
    applied: watch::Receiver<u64>,
}

/// The numbers ops were queued under (the worker applies them in that
/// order, so op `n` is applied once `applied` reaches `n`).
#[derive(Default)]
struct Queued {
    /// Ops queued so far.
    count: u64,
    /// The last op queued for each document (pruned of applied ones).
    last: HashMap<String, u64>,
    /// The last op for no document in particular (they touch every one).
    last_for_all: u64,
}

/// Above this many documents, the numbers of applied ops are forgotten.
const REMEMBERED: usize = 64;

impl Queue {
    pub fn push(&self, op: Op) {
        let mut queued = self.queued.lock().unwrap_or_else(|p| p.into_inner());
        queued.count += 1;
        let n = queued.count;
        match op.uri() {
            Some(uri) => {
                queued.last.insert(uri.to_string(), n);
            }
            None => queued.last_for_all = n,
        }
        if queued.last.len() > REMEMBERED {
            let applied = *self.applied.borrow();
            queued.last.retain(|_, last| *last > applied);
        }
        // Sent under the lock: ops enter the channel in their numbers'
        // order. The worker only stops when the queue is dropped.
        let _ = self.tx.send(op);
    }

    /// Waits until every op queued so far for the document `uri` (and
    /// every op for no document in particular) has been applied. Another
    /// document's edits, and the parses that follow them on the worker, are
    /// not waited for: a hover on a small file does not wait behind the
    /// parse of a big one.
    pub async fn caught_up_with(&self, uri: &str) {
        let target = {
            let queued = self.queued.lock().unwrap_or_else(|p| p.into_inner());
            queued
                .last
                .get(uri)
                .copied()
                .unwrap_or(0)
                .max(queued.last_for_all)
        };
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
        jobs: HashMap::new(),
        seq: 0,
        applied: 0,
        applied_tx,
        pending: None,
    };
    let spawned = std::thread::Builder::new()
        .name("pyguide-documents".into())
        .spawn(move || worker.run(rx));
    if let Err(e) = spawned {
        tracing::error!("cannot start the document worker: {e}");
    }
    Queue {
        tx,
        queued: std::sync::Mutex::new(Queued::default()),
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
    /// Each open document's analysis job.
    jobs: HashMap<Uri, Arc<Job>>,
    /// The last snapshot sequence number given out.
    seq: u64,
    applied: u64,
    applied_tx: watch::Sender<u64>,
    /// The document whose new text the last op made current, to parse
    /// (with the edits that made it) once requests may read it.
    pending: Option<(Uri, Vec<text_sync::Edit>)>,
}

impl Worker {
    fn run(mut self, rx: mpsc::Receiver<Op>) {
        while let Ok(op) = rx.recv() {
            let started = std::time::Instant::now();
            let applied = catch_unwind(AssertUnwindSafe(|| self.apply(&op)));
            tracing::debug!("applied {} in {:?}", op.name(), started.elapsed());
            if applied.is_err() {
                tracing::error!("applying {op:?} panicked; the document is closed");
                self.pending = None;
                if let Some(uri) = op.uri().and_then(|u| u.parse::<Uri>().ok()) {
                    self.forget(&uri);
                }
            }
            // Requests wait for the text, not for the parse.
            self.applied += 1;
            self.applied_tx.send_replace(self.applied);
            // A request waiting for this text (a hover sent right after the
            // keystroke) runs before the parse starts: the scheduler tends
            // to wake it on this thread's core, where it waited for the
            // parse's time slice (p90 3 ms on `query.py`, 0.08 ms with the
            // yield).
            std::thread::yield_now();
            if let Some((uri, edits)) = self.pending.take() {
                let started = std::time::Instant::now();
                let parsed = catch_unwind(AssertUnwindSafe(|| self.parse(&uri, &edits)));
                tracing::debug!("parsed {} in {:?}", uri.as_str(), started.elapsed());
                if parsed.is_err() {
                    tracing::error!("parsing {} panicked; the document is closed", uri.as_str());
                    self.forget(&uri);
                }
            }
        }
    }

    /// Drops everything about `uri` (its snapshot is cancelled).
    fn forget(&mut self, uri: &Uri) {
        self.docs.remove(uri);
        self.analyzers.remove(uri);
        self.jobs.remove(uri);
        self.trees.retain(|u| u != uri);
        self.shared.documents.remove(uri);
    }

    fn apply(&mut self, op: &Op) {
        match op {
            Op::Open(v) => {
                let Some(p) = parse::<DidOpenTextDocumentParams>(v) else {
                    return;
                };
                let d = p.text_document;
                let text: Arc<str> = d.text.into();
                let lines = LineIndex::new(&text);
                self.docs.insert(d.uri.clone(), (d.version, None));
                self.snapshot(d.uri.clone(), text, lines, None);
                self.pending = Some((d.uri, Vec::new()));
            }
            Op::Change(v) => {
                let Some(p) = parse::<DidChangeTextDocumentParams>(v) else {
                    return;
                };
                let uri = p.text_document.uri;
                let (Some(snapshot), Some((version, _))) =
                    (self.shared.documents.get(&uri), self.docs.get_mut(&uri))
                else {
                    tracing::warn!("didChange for {} which is not open", uri.as_str());
                    return;
                };
                let changed = text_sync::apply_to_text(
                    &snapshot.shared_text(),
                    &snapshot.lines,
                    &p.content_changes,
                    self.shared.encoding(),
                );
                *version = p.text_document.version;
                let base = snapshot.base_for_next(changed.delta);
                self.snapshot(uri.clone(), changed.text, changed.lines, base);
                self.pending = Some((uri, changed.edits));
            }
            Op::Close(v) => {
                let Some(p) = parse::<DidCloseTextDocumentParams>(v) else {
                    return;
                };
                let uri = p.text_document.uri;
                self.forget(&uri);
                let seq = self.next_seq();
                let _ = self.out.send(Publish {
                    uri,
                    seq,
                    version: None,
                    diagnostics: Vec::new(),
                    topics: Vec::new(),
                });
            }
            Op::Save(v) => {
                let Some(p) = parse::<DidSaveTextDocumentParams>(v) else {
                    return;
                };
                let uri = p.text_document.uri;
                let doc = match (self.docs.get(&uri), self.shared.documents.get(&uri)) {
                    (Some((_, Some(doc))), _) => Some(doc.clone()),
                    (Some(_), Some(snapshot)) if wants_tree(snapshot.text()) => {
                        Some(Document::parse(snapshot.shared_text()))
                    }
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

    /// Makes a snapshot of `uri`'s new `text` current, before it is parsed
    /// ([`Worker::parse`] follows): requests read it at once.
    fn snapshot(
        &mut self,
        uri: Uri,
        text: Arc<str>,
        lines: LineIndex,
        base: Option<super::documents::Base>,
    ) {
        let Some((version, _)) = self.docs.get(&uri) else {
            return;
        };
        let version = *version;
        let known = self
            .shared
            .pyproject
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .take();
        if let Some((dir, text)) = known {
            self.projects.know_pyproject(&dir, text);
        }
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
        let seq = self.next_seq();
        let mut snapshot = Snapshot::pending(
            version,
            seq,
            text,
            lines,
            self.shared.models(),
            analyzer,
            base,
        );
        if !super::documents::is_python(&uri) {
            snapshot = snapshot.not_python();
        }
        self.shared.documents.insert(uri, Arc::new(snapshot));
    }

    /// Parses the current snapshot of `uri` (made by [`Worker::snapshot`]
    /// from the text after `edits`): incrementally from the worker's copy
    /// when it holds one, else afresh; gives the snapshot its tree and
    /// schedules its diagnostics.
    fn parse(&mut self, uri: &Uri, edits: &[text_sync::Edit]) {
        if let Some(fault) = &self.shared.options.fault {
            fault(&format!("parse {}", uri.as_str()));
        }
        let (Some(snapshot), Some((_, held))) =
            (self.shared.documents.get(uri), self.docs.get_mut(uri))
        else {
            return;
        };
        let text = snapshot.shared_text();
        let followed = match held.as_mut() {
            // A text that crossed the parts threshold is loaded afresh.
            Some(doc) if doc.is_parsed() && wants_tree(&text) && !edits.is_empty() => {
                text_sync::apply_to_document(doc, edits, &text)
            }
            _ => false,
        };
        if !followed {
            // Shares the snapshot's text.
            *held = Some(load(text));
        }
        if let Some(doc) = held {
            snapshot.attach(doc.clone());
        }
        self.keep_tree(uri);
        self.mark(uri.clone());
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
                if let Some(snapshot) = self.shared.documents.get(&old) {
                    snapshot.drop_tree();
                }
            }
        }
    }

    fn reanalyze(&mut self) {
        let models = self.shared.models();
        for uri in self.docs.keys().cloned().collect::<Vec<_>>() {
            if let Some(old) = self.shared.documents.get(&uri) {
                let doc = self.docs.get(&uri).and_then(|(_, d)| d.clone());
                let seq = self.next_seq();
                let fresh = old.with_models(seq, models.clone(), doc);
                self.shared.documents.insert(uri.clone(), Arc::new(fresh));
            }
            self.mark(uri);
        }
    }

    fn next_seq(&mut self) -> u64 {
        self.seq += 1;
        self.seq
    }

    /// Schedules the analysis of `uri`'s current snapshot on its job.
    fn mark(&mut self, uri: Uri) {
        let Some(snapshot) = self.shared.documents.get(&uri) else {
            return;
        };
        let job = self.jobs.entry(uri.clone()).or_default().clone();
        job.submit(uri, snapshot, self.shared.clone(), self.out.clone());
    }
}

/// One document's analysis job: at most one thread per document, which
/// analyses the newest snapshot submitted and exits when there is none.
#[derive(Default)]
struct Job {
    state: std::sync::Mutex<JobState>,
}

#[derive(Default)]
struct JobState {
    next: Option<Arc<Snapshot>>,
    running: bool,
}

impl Job {
    fn submit(
        self: Arc<Self>,
        uri: Uri,
        snapshot: Arc<Snapshot>,
        shared: Arc<Shared>,
        out: tokio::sync::mpsc::UnboundedSender<Publish>,
    ) {
        {
            let mut state = self.state.lock().unwrap_or_else(|p| p.into_inner());
            state.next = Some(snapshot);
            if state.running {
                return;
            }
            state.running = true;
        }
        let job = self.clone();
        let spawned = std::thread::Builder::new()
            .name("pyguide-analysis".into())
            .stack_size(ANALYSIS_STACK)
            .spawn(move || {
                while let Some(snapshot) = job.take() {
                    if let Some(p) = analyse(&uri, &snapshot, &shared) {
                        let _ = out.send(p);
                    }
                }
            });
        if let Err(e) = spawned {
            tracing::error!("cannot start an analysis thread: {e}");
            self.state.lock().unwrap_or_else(|p| p.into_inner()).running = false;
        }
    }

    /// The next snapshot to analyse; `None` (and the job stops) when none.
    fn take(&self) -> Option<Arc<Snapshot>> {
        let mut state = self.state.lock().unwrap_or_else(|p| p.into_inner());
        let next = state.next.take();
        state.running = next.is_some();
        next
    }
}

/// Analyses `snapshot` and builds its diagnostics; `None` when it was
/// cancelled (a newer snapshot exists) or the analysis panicked.
fn analyse(uri: &Uri, snapshot: &Arc<Snapshot>, shared: &Shared) -> Option<Publish> {
    let started = std::time::Instant::now();
    let built = catch_unwind(AssertUnwindSafe(|| {
        let hook = || {
            if let Some(fault) = &shared.options.fault {
                fault(&format!("analysis {}", uri.as_str()));
            }
        };
        let findings = snapshot.findings_with(&hook)?;
        tracing::debug!("analysed {} in {:?}", uri.as_str(), started.elapsed());
        let settings = shared.settings();
        let constructs = settings.constructs();
        let mut topics: Vec<&'static str> = Vec::new();
        for f in findings.iter().filter(|f| constructs.allows(f.rule)) {
            if !topics.contains(&f.topic()) {
                topics.push(f.topic());
            }
        }
        let diagnostics = diagnostics::build(
            snapshot,
            &findings,
            &settings.diagnostics(),
            &shared.references,
            shared.encoding(),
        );
        Some((diagnostics, topics))
    }));
    let (diagnostics, topics) = match built {
        Ok(Some(d)) => d,
        Ok(None) => return None,
        Err(_) => {
            tracing::error!("analysing {} panicked", uri.as_str());
            return None;
        }
    };
    if snapshot.is_cancelled() {
        return None;
    }
    Some(Publish {
        uri: uri.clone(),
        seq: snapshot.seq,
        version: Some(snapshot.version),
        diagnostics,
        topics,
    })
}

/// Whether a text is small enough to analyse ([`crate::files::MAX_SOURCE_BYTES`]).
fn fits(text: &str) -> bool {
    text.len() as u64 <= crate::files::MAX_SOURCE_BYTES
}

/// Whether the worker keeps a tree of `text`: not when it is too large to
/// analyse, nor when it is analysed in parts
/// ([`crate::detect::CHUNKED_ABOVE`]: each part is parsed on its own).
fn wants_tree(text: &str) -> bool {
    fits(text) && !crate::detect::is_chunked(text)
}

/// A document for `text`: parsed, or text only (too large to analyse, or
/// analysed in parts).
fn load(text: Arc<str>) -> Document {
    if wants_tree(&text) {
        Document::parse(text)
    } else if fits(&text) {
        Document::unparsed(text)
    } else {
        tracing::warn!(
            "a document of {} bytes is over the {} byte limit: not analysed",
            text.len(),
            crate::files::MAX_SOURCE_BYTES
        );
        Document::unparsed(text)
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
