//! Open documents as immutable snapshots: one `Arc<Snapshot>` per URI,
//! replaced (never mutated) by the document worker after each change.
//! Request handlers clone the `Arc` under a short lock and work on it
//! without holding anything, so a slow analysis never blocks an edit.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

use tower_lsp_server::ls_types::Uri;

use super::position::{Encoding, Lines};
use crate::detect::{self, Finding, ModelIndex};
use crate::python::{Document, LineIndex};

/// One version of an open document and what is derived from it.
pub struct Snapshot {
    pub version: i32,
    pub doc: Document,
    pub lines: LineIndex,
    /// The workspace's models when this snapshot was made.
    models: Arc<ModelIndex>,
    /// Every finding (hints included), computed once.
    findings: OnceLock<Arc<Vec<Finding>>>,
}

impl Snapshot {
    pub fn new(version: i32, doc: Document, models: Arc<ModelIndex>) -> Snapshot {
        let lines = LineIndex::new(doc.text());
        Snapshot {
            version,
            doc,
            lines,
            models,
            findings: OnceLock::new(),
        }
    }

    /// The same text, to be analysed again against other models.
    pub fn with_models(&self, models: Arc<ModelIndex>) -> Snapshot {
        Snapshot {
            version: self.version,
            doc: self.doc.clone(),
            lines: self.lines.clone(),
            models,
            findings: OnceLock::new(),
        }
    }

    pub fn text(&self) -> &str {
        self.doc.text()
    }

    /// Every finding of this version, analysing on first use (which may be
    /// slow on a large file: async callers go through `spawn_blocking`).
    pub fn findings(&self) -> Arc<Vec<Finding>> {
        self.findings
            .get_or_init(|| Arc::new(detect::analyze_with(&self.doc, &self.models)))
            .clone()
    }

    /// The findings if they were already computed.
    pub fn cached_findings(&self) -> Option<Arc<Vec<Finding>>> {
        self.findings.get().cloned()
    }

    pub fn lines(&self, encoding: Encoding) -> Lines<'_> {
        Lines {
            text: self.doc.text(),
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

    pub fn insert(&self, uri: Uri, snapshot: Arc<Snapshot>) {
        self.lock().insert(uri, snapshot);
    }

    pub fn remove(&self, uri: &Uri) {
        self.lock().remove(uri);
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
