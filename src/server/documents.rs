//! Open documents as immutable snapshots: one `Arc<Snapshot>` per URI,
//! replaced (never mutated) by the document worker after each change.
//! Request handlers clone the `Arc` under a short lock and work on it
//! without holding anything, so a slow analysis never blocks an edit.
//!
//! A snapshot shares its syntax tree with the worker's copy of the
//! document (and its text, when the worker parsed that text afresh) and
//! gets its line index updated from the previous one. It keeps the tree while the worker keeps the document's
//! (the [`super::worker`]'s most recently edited documents): hovers read it
//! instead of parsing again; other snapshots hold the text and findings
//! only (a tree takes some 25 times the text's size in memory).
//!
//! Until its own findings are computed, a snapshot knows the last version
//! that has them (its [`Base`]) and the byte range the edits since then
//! replaced: hovers answer at once from those findings, moved past the
//! edit, and wait only for a position inside the edited range.
//!
//! A snapshot replaced by a newer one is cancelled: an analysis of it in
//! progress stops at its next check (every 1,024 nodes) and gives `None`.
//!
//! After an edit the worker makes the snapshot from the new text and line
//! index first ([`Snapshot::pending`]) and parses afterwards
//! ([`Snapshot::attach`]): requests wait for the text, never for the
//! parse; what needs the tree waits for it ([`Snapshot::tree`]).

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Condvar, Mutex, OnceLock};

use tower_lsp_server::ls_types::Uri;

use super::position::{Encoding, Lines};
use crate::detect::{Analyzer, Finding, ModelIndex};
use crate::python::{Document, LineIndex};

/// One version of an open document and what is derived from it.
pub struct Snapshot {
    pub version: i32,
    /// The text is over the size limit: not parsed nor analysed (its
    /// diagnostics say so).
    pub too_large: bool,
    /// Orders the diagnostics published for one document: a result is
    /// never published after one of a later snapshot.
    pub seq: u64,
    text: Arc<str>,
    pub lines: LineIndex,
    /// The parsed text, while the worker keeps this document's tree (a
    /// snapshot made without one parses its text when asked for findings).
    doc: Mutex<Option<Document>>,
    /// Set while the worker parses this snapshot's text ([`Snapshot::attach`]
    /// clears it); `parsed` and `parsed_async` wake who waits for it.
    tree_pending: AtomicBool,
    parsed: Condvar,
    parsed_async: tokio::sync::Notify,
    /// The last analysed version and the edits since, until this
    /// snapshot's own findings are computed.
    base: Mutex<Option<Base>>,
    /// The workspace's models when this snapshot was made.
    models: Arc<ModelIndex>,
    /// Every finding (hints included), computed once.
    findings: OnceLock<Arc<Vec<Finding>>>,
    /// The document's incremental analyser, shared by its snapshots: after
    /// an edit only the changed statements are analysed again.
    analyzer: Arc<Mutex<Analyzer>>,
    /// Set when a newer snapshot replaces this one.
    cancelled: AtomicBool,
    /// Held while the findings are computed (one computation at a time).
    computing: Mutex<()>,
    /// Signalled when a computation ends (with findings or cancelled):
    /// requests wait for it without holding a thread.
    pub ready: tokio::sync::Notify,
    /// False for documents that are not Python (a `pyproject.toml` opened
    /// for hovers on its `[tool.pyguide]` codes): they have no findings.
    python: bool,
}

/// Whether a document is Python to analyse: everything but `.toml` files
/// (clients send only the documents their selector names).
pub fn is_python(uri: &Uri) -> bool {
    !uri.as_str().ends_with(".toml")
}

/// How a text changed between two versions: bytes `start..old_end` of the
/// old text became `start..new_end` of the new one (everything before and
/// after is the same).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Delta {
    pub start: usize,
    pub old_end: usize,
    pub new_end: usize,
    pub old_len: usize,
    pub new_len: usize,
}

impl Delta {
    /// One edit: `range` of a text of `old_len` bytes replaced by
    /// `inserted` bytes.
    pub fn edit(range: std::ops::Range<usize>, inserted: usize, old_len: usize) -> Delta {
        Delta {
            start: range.start,
            old_end: range.end,
            new_end: range.start + inserted,
            old_len,
            new_len: old_len - range.len() + inserted,
        }
    }

    /// No change to a text of `len` bytes.
    pub fn none(len: usize) -> Delta {
        Delta::edit(len..len, 0, len)
    }

    /// This change followed by `next` (a change of this one's new text),
    /// as one: the bytes both left alone before and after.
    pub fn then(self, next: Delta) -> Delta {
        if self.is_none() {
            return next;
        }
        if next.is_none() {
            return self;
        }
        let start = self.start.min(next.start);
        let suffix = (self.new_len - self.new_end).min(next.new_len - next.new_end);
        Delta {
            start,
            old_end: self.old_len - suffix,
            new_end: next.new_len - suffix,
            old_len: self.old_len,
            new_len: next.new_len,
        }
    }

    /// Whether the text is the same.
    fn is_none(&self) -> bool {
        self.start == self.old_end && self.old_end == self.new_end
    }

    /// `range` of the old text in the new one; `None` when the change
    /// touches it (an edit right next to a name changes the name).
    fn moved(&self, range: &std::ops::Range<usize>) -> Option<std::ops::Range<usize>> {
        let shift = |o: usize| o - self.old_end + self.new_end;
        if self.is_none() || range.end < self.start {
            Some(range.clone())
        } else if range.start > self.old_end {
            Some(shift(range.start)..shift(range.end))
        } else {
            None
        }
    }

    /// Byte `offset` of the new text in the old one (for an offset the
    /// change does not touch).
    fn old_offset(&self, offset: usize) -> usize {
        if offset < self.start {
            offset
        } else {
            offset - self.new_end + self.old_end
        }
    }

    /// Whether byte `offset` of the new text lies in (or at an end of) the
    /// changed bytes.
    pub fn touches(&self, offset: usize) -> bool {
        !self.is_none() && self.start <= offset && offset <= self.new_end
    }
}

/// The last analysed version of a document and how its text changed since.
pub struct Base {
    pub snapshot: Arc<Snapshot>,
    pub delta: Delta,
}

impl Snapshot {
    /// A snapshot of `doc` (a clone of the worker's: text and tree are
    /// shared) with `lines`, its line index; `base` is the last analysed
    /// version, when there is one.
    pub fn new(
        version: i32,
        seq: u64,
        doc: Document,
        lines: LineIndex,
        models: Arc<ModelIndex>,
        analyzer: Arc<Mutex<Analyzer>>,
        base: Option<Base>,
    ) -> Snapshot {
        let text = doc.shared_text();
        let mut snapshot = Snapshot::pending(version, seq, text, lines, models, analyzer, base);
        snapshot.doc = Mutex::new(Some(doc));
        snapshot.tree_pending = AtomicBool::new(false);
        snapshot
    }

    /// The base of the snapshot that follows this one after `delta`: this
    /// one when it is analysed, else this one's base, with both changes.
    pub fn base_for_next(self: &Arc<Self>, delta: Delta) -> Option<Base> {
        if self.findings.get().is_some() {
            return Some(Base {
                snapshot: self.clone(),
                delta,
            });
        }
        let base = self.base.lock().unwrap_or_else(|p| p.into_inner());
        base.as_ref().map(|b| Base {
            snapshot: b.snapshot.clone(),
            delta: b.delta.then(delta),
        })
    }

    /// A snapshot of `text` whose tree the worker is still making: it
    /// answers what needs only the text (positions, the base's findings)
    /// at once; the tree comes with [`Snapshot::attach`] (none for a text
    /// over [`crate::files::MAX_SOURCE_BYTES`], which is not parsed).
    pub fn pending(
        version: i32,
        seq: u64,
        text: Arc<str>,
        lines: LineIndex,
        models: Arc<ModelIndex>,
        analyzer: Arc<Mutex<Analyzer>>,
        base: Option<Base>,
    ) -> Snapshot {
        Snapshot {
            version,
            too_large: text.len() as u64 > crate::files::MAX_SOURCE_BYTES,
            seq,
            text,
            lines,
            doc: Mutex::new(None),
            tree_pending: AtomicBool::new(true),
            parsed: Condvar::new(),
            parsed_async: tokio::sync::Notify::new(),
            base: Mutex::new(base),
            models,
            findings: OnceLock::new(),
            analyzer,
            cancelled: AtomicBool::new(false),
            computing: Mutex::new(()),
            ready: tokio::sync::Notify::new(),
            python: true,
        }
    }

    /// Gives a [`Snapshot::pending`] its parsed text (the worker's copy,
    /// sharing the tree) and wakes who waits for it.
    pub fn attach(&self, doc: Document) {
        *self.doc.lock().unwrap_or_else(|p| p.into_inner()) = Some(doc);
        self.tree_done();
    }

    /// No tree is coming any more (attached, or the snapshot cancelled).
    fn tree_done(&self) {
        let _held = self.doc.lock().unwrap_or_else(|p| p.into_inner());
        self.tree_pending.store(false, Ordering::Release);
        self.parsed.notify_all();
        self.parsed_async.notify_waiters();
    }

    /// Whether the worker is still parsing this snapshot's text.
    pub fn tree_pending(&self) -> bool {
        self.tree_pending.load(Ordering::Acquire)
    }

    /// Waits (without holding a thread) until the worker has parsed this
    /// snapshot's text, or it was cancelled.
    pub async fn tree(&self) {
        loop {
            let parsed = self.parsed_async.notified();
            tokio::pin!(parsed);
            parsed.as_mut().enable();
            if !self.tree_pending() {
                return;
            }
            parsed.await;
        }
    }

    /// [`Snapshot::document`], waiting for the worker's parse first when
    /// it is under way (blocking: not for the async threads).
    fn document_when_parsed(&self) -> Option<Document> {
        let mut doc = self.doc.lock().unwrap_or_else(|p| p.into_inner());
        while self.tree_pending() {
            doc = self.parsed.wait(doc).unwrap_or_else(|p| p.into_inner());
        }
        doc.clone()
    }

    /// Drops the syntax tree (the worker no longer keeps this document's).
    pub fn drop_tree(&self) {
        *self.doc.lock().unwrap_or_else(|p| p.into_inner()) = None;
    }

    /// The parsed text, if this snapshot still holds it (never for a text
    /// kept without a tree: too large, or analysed in parts).
    pub fn document(&self) -> Option<Document> {
        self.doc
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
            .filter(Document::is_parsed)
    }

    /// The findings to answer a request at byte `offset` with, without
    /// waiting: this version's when computed, else those of the last
    /// analysed version that lie at `offset` (start ≤ offset ≤ end), moved
    /// past the edits since, unless `offset` lies in the edited bytes
    /// (then `None`: the caller waits for this version's). Only the
    /// findings at `offset` are copied, so a hover right after an edit in
    /// a file with thousands of findings costs no more than one at rest.
    pub fn findings_now(&self, offset: usize) -> Option<Arc<Vec<Finding>>> {
        if let Some(f) = self.findings.get() {
            return Some(f.clone());
        }
        let base = self.base.lock().unwrap_or_else(|p| p.into_inner());
        let base = base.as_ref()?;
        let d = &base.delta;
        if d.touches(offset) {
            return None;
        }
        let old = base.snapshot.findings.get()?;
        let old_offset = d.old_offset(offset);
        let near = old
            .iter()
            .filter(|f| f.range.start <= old_offset && old_offset <= f.range.end)
            .filter_map(|f| {
                let mut f = f.clone();
                f.range = d.moved(&f.range)?;
                if let Some(fix) = &mut f.fix {
                    let edits: Option<Vec<_>> = fix
                        .edits
                        .iter()
                        .map(|e| {
                            d.moved(&e.range).map(|range| crate::detect::Edit {
                                range,
                                content: e.content.clone(),
                            })
                        })
                        .collect();
                    match edits {
                        Some(edits) => fix.edits = edits,
                        None => f.fix = None,
                    }
                }
                Some(f)
            })
            .collect();
        Some(Arc::new(near))
    }

    /// The same snapshot for a document that is not Python (no findings).
    pub fn not_python(mut self) -> Snapshot {
        self.python = false;
        self
    }

    pub fn is_python(&self) -> bool {
        self.python
    }

    /// The same text, to be analysed again against other models (`doc`, the
    /// parsed text, if the caller has it).
    pub fn with_models(
        self: &Arc<Self>,
        seq: u64,
        models: Arc<ModelIndex>,
        doc: Option<Document>,
    ) -> Snapshot {
        Snapshot {
            version: self.version,
            too_large: self.too_large,
            seq,
            text: self.text.clone(),
            lines: self.lines.clone(),
            doc: Mutex::new(doc),
            tree_pending: AtomicBool::new(false),
            parsed: Condvar::new(),
            parsed_async: tokio::sync::Notify::new(),
            base: Mutex::new(self.base_for_next(Delta::none(self.text.len()))),
            models,
            findings: OnceLock::new(),
            analyzer: self.analyzer.clone(),
            cancelled: AtomicBool::new(false),
            computing: Mutex::new(()),
            ready: tokio::sync::Notify::new(),
            python: self.python,
        }
    }

    /// Stops an analysis of this snapshot in progress (a newer one exists).
    pub fn cancel(&self) {
        self.cancelled.store(true, Ordering::Relaxed);
        self.ready.notify_waiters();
        self.tree_done();
    }

    /// Whether an analysis of this snapshot is under way.
    pub fn is_computing(&self) -> bool {
        self.computing.try_lock().is_err()
    }

    pub fn is_cancelled(&self) -> bool {
        self.cancelled.load(Ordering::Relaxed)
    }

    pub fn text(&self) -> &str {
        &self.text
    }

    /// The text, shared (no copy).
    pub fn shared_text(&self) -> Arc<str> {
        self.text.clone()
    }

    /// Every finding of this version, analysing on first use (which may be
    /// slow on a large file: async callers go through `spawn_blocking`).
    /// The findings of `text` (this document after some edits), in the
    /// same context: the snapshot's models and file options. For fix-all
    /// rounds; nothing is cached.
    pub fn reanalyse(&self, text: &str) -> Vec<Finding> {
        let options = self
            .analyzer
            .lock()
            .map(|a| a.options().clone())
            .unwrap_or_default();
        crate::detect::analyze_source(text, None, &self.models, &options)
    }

    /// `None` when the snapshot was cancelled before its analysis ended.
    pub fn findings(&self) -> Option<Arc<Vec<Finding>>> {
        self.findings_with(&|| {})
    }

    /// [`Snapshot::findings`], calling `before` right before analysing
    /// (the fault hook: tests hold an analysis there).
    pub fn findings_with(&self, before: &dyn Fn()) -> Option<Arc<Vec<Finding>>> {
        if let Some(f) = self.findings.get() {
            return Some(f.clone());
        }
        let _one = self.computing.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(f) = self.findings.get() {
            return Some(f.clone());
        }
        if self.is_cancelled() {
            return None;
        }
        if self.too_large || !self.python {
            let none = Arc::new(Vec::new());
            let _ = self.findings.set(none.clone());
            return Some(none);
        }
        // Waiters wake when this computation ends, however it ends.
        struct Wake<'s>(&'s tokio::sync::Notify);
        impl Drop for Wake<'_> {
            fn drop(&mut self) {
                self.0.notify_waiters();
            }
        }
        let _wake = Wake(&self.ready);
        before();
        // A small text's tree may still be on its way from the worker; a
        // big text is analysed in parts (no tree of it is ever held).
        let held = self.document_when_parsed().filter(Document::is_parsed);
        if self.is_cancelled() {
            return None;
        }
        // A panic mid-analysis may leave the cache half-updated: start that
        // document's cache afresh.
        let mut analyzer = self.analyzer.lock().unwrap_or_else(|p| {
            let mut a = p.into_inner();
            *a = Analyzer::new(a.options().clone());
            a
        });
        let stop = || self.is_cancelled();
        match analyzer.analyze_source_unless(&self.text, held.as_ref(), &self.models, &stop) {
            Some(findings) => {
                let _ = self.findings.set(findings.clone());
                // The base served requests until now.
                *self.base.lock().unwrap_or_else(|p| p.into_inner()) = None;
                Some(findings)
            }
            None => {
                tracing::debug!("analysis of version {} cancelled", self.version);
                None
            }
        }
    }

    /// The constructs (`yield`, imports: what hover reads from the tree)
    /// at byte `offset`, read from the last analysed version's tree while
    /// this version's is still being parsed: `None` when there is no such
    /// tree, `offset` lies in the text edited since, or a construct found
    /// there spans the edit (then the caller waits for this version's).
    pub fn constructs_from_base(&self, offset: usize) -> Option<Vec<Finding>> {
        let base = self.base.lock().unwrap_or_else(|p| p.into_inner());
        let base = base.as_ref()?;
        let d = &base.delta;
        if d.touches(offset) {
            return None;
        }
        let old_offset = d.old_offset(offset);
        let doc = base.snapshot.document()?;
        crate::detect::lookup::constructs_at(&doc, old_offset)
            .into_iter()
            .map(|mut f| {
                f.range = d.moved(&f.range)?;
                // A construct's fix is not shown by hover.
                f.fix = None;
                Some(f)
            })
            .collect()
    }

    /// The findings if they were already computed.
    pub fn cached_findings(&self) -> Option<Arc<Vec<Finding>>> {
        self.findings.get().cloned()
    }

    pub fn lines(&self, encoding: Encoding) -> Lines<'_> {
        Lines {
            text: &self.text,
            index: &self.lines,
            encoding,
        }
    }
}

/// The current snapshot of every open document.
#[derive(Default)]
pub struct Documents {
    map: Mutex<HashMap<Uri, Arc<Snapshot>>>,
}

impl Documents {
    pub fn get(&self, uri: &Uri) -> Option<Arc<Snapshot>> {
        self.lock().get(uri).cloned()
    }

    /// Makes `snapshot` current; the one it replaces is cancelled. Its
    /// tree stays while it is referenced: as the new snapshot's base, it
    /// answers hovers until the new version is analysed (tree-sitter trees
    /// share their unchanged nodes, so this costs the edited nodes).
    pub fn insert(&self, uri: Uri, snapshot: Arc<Snapshot>) {
        if let Some(old) = self.lock().insert(uri, snapshot) {
            old.cancel();
        }
    }

    pub fn remove(&self, uri: &Uri) {
        if let Some(old) = self.lock().remove(uri) {
            old.cancel();
        }
    }

    /// Whether `snapshot` is still the current one of `uri`.
    pub fn is_current(&self, uri: &Uri, snapshot: &Arc<Snapshot>) -> bool {
        self.lock()
            .get(uri)
            .is_some_and(|s| Arc::ptr_eq(s, snapshot))
    }

    pub fn len(&self) -> usize {
        self.lock().len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<Uri, Arc<Snapshot>>> {
        self.map.lock().unwrap_or_else(|p| p.into_inner())
    }
}
