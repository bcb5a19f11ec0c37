//! Open documents as immutable snapshots: one `Arc<Snapshot>` per URI,
//! replaced (never mutated) by the document worker after each change.
//! Request handlers clone the `Arc` under a short lock and work on it
//! without holding anything, so a slow analysis never blocks an edit.
//!
//! A snapshot keeps its syntax tree only until its findings are computed:
//! hovers, code actions and diagnostics need the findings and the text, not
//! the tree (which takes some 25 times the text's size in memory).
//!
//! A snapshot replaced by a newer one is cancelled: an analysis of it in
//! progress stops at its next check (every 1,024 nodes) and gives `None`.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, OnceLock};

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
    text: String,
    pub lines: LineIndex,
    /// The parsed text, until the findings are computed (then dropped; a
    /// snapshot made without one parses its text when asked for findings).
    doc: Mutex<Option<Document>>,
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

impl Snapshot {
    /// A snapshot of `doc` (a clone of the worker's: the tree is shared).
    pub fn new(
        version: i32,
        seq: u64,
        doc: Document,
        models: Arc<ModelIndex>,
        analyzer: Arc<Mutex<Analyzer>>,
    ) -> Snapshot {
        Snapshot {
            version,
            too_large: !doc.is_parsed(),
            seq,
            text: doc.text().to_string(),
            lines: LineIndex::new(doc.text()),
            doc: Mutex::new(Some(doc)),
            models,
            findings: OnceLock::new(),
            analyzer,
            cancelled: AtomicBool::new(false),
            computing: Mutex::new(()),
            ready: tokio::sync::Notify::new(),
            python: true,
        }
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
        &self,
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
        crate::detect::analyze_file(&Document::parse(text), &self.models, &options)
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
        let held = self.doc.lock().unwrap_or_else(|p| p.into_inner()).take();
        let doc = held.unwrap_or_else(|| Document::parse(self.text.as_str()));
        // A panic mid-analysis may leave the cache half-updated: start that
        // document's cache afresh.
        let mut analyzer = self.analyzer.lock().unwrap_or_else(|p| {
            let mut a = p.into_inner();
            *a = Analyzer::new(a.options().clone());
            a
        });
        let stop = || self.is_cancelled();
        match analyzer.analyze_unless(&doc, &self.models, &stop) {
            Some(findings) => {
                let findings = Arc::new(findings);
                let _ = self.findings.set(findings.clone());
                Some(findings)
            }
            None => {
                tracing::debug!("analysis of version {} cancelled", self.version);
                None
            }
        }
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

    /// Makes `snapshot` current; the one it replaces is cancelled.
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
