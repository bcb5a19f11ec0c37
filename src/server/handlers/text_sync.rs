//! `textDocument/didOpen`, `didChange`, `didClose`, `didSave`: turning the
//! notifications' parameters into document state. These run on the document
//! worker (see `worker.rs`), one at a time in arrival order; this file holds
//! the pure part, in two steps: a `didChange`'s content changes applied to
//! the text and its line index ([`apply_to_text`]: cheap, so requests wait
//! only for this), then the same edits applied to the parsed [`Document`]
//! incrementally ([`apply_to_document`]: one `Document::edit` per ranged
//! change, each relative to the text the previous one produced).

use std::sync::Arc;

use tower_lsp_server::ls_types::TextDocumentContentChangeEvent;

use crate::python::{Document, LineIndex};
use crate::server::documents::Delta;
use crate::server::position::{Encoding, Lines};

/// One change as bytes of the text it applies to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Edit {
    /// `range` (char boundaries of the text before this edit) becomes
    /// `text`.
    Ranged(std::ops::Range<usize>, String),
    /// The whole text is replaced.
    Full,
}

/// A `didChange` applied to the text.
pub struct TextChange {
    pub text: Arc<str>,
    pub lines: LineIndex,
    pub delta: Delta,
    /// The changes as byte edits, in order, for [`apply_to_document`].
    pub edits: Vec<Edit>,
}

/// Applies `changes` in order to `text`, whose line index is `index`. The
/// index is updated after each change from the bytes the change replaced,
/// never rebuilt from the whole text unless a change replaces the whole
/// text (one without a range). Ranges are clamped to the text and to char
/// boundaries as [`Document::edit`] clamps them, so a stale or
/// out-of-range change cannot panic and the document follows the same text.
pub fn apply_to_text(
    text: &Arc<str>,
    index: &LineIndex,
    changes: &[TextDocumentContentChangeEvent],
    encoding: Encoding,
) -> TextChange {
    let mut current: Option<(Arc<str>, LineIndex)> = None;
    let mut delta = Delta::none(text.len());
    let mut edits = Vec::with_capacity(changes.len());
    for change in changes {
        let (old, old_index) = match &current {
            Some((t, i)) => (t, i),
            None => (text, index),
        };
        let old_len = old.len();
        let (next, step) = match change.range {
            Some(range) => {
                let bytes = Lines {
                    text: old,
                    index: old_index,
                    encoding,
                }
                .byte_range(range);
                let std::ops::Range { start, end } = crate::python::clamp(old, bytes);
                // One copy of the text per change, straight into the
                // snapshot's shared allocation.
                let new = crate::python::splice(old, start..end, &change.text);
                let lines = old_index.edited(&new, start, end, change.text.len());
                edits.push(Edit::Ranged(start..end, change.text.clone()));
                (
                    (new, lines),
                    Delta::edit(start..end, change.text.len(), old_len),
                )
            }
            None => {
                let new: Arc<str> = Arc::from(change.text.as_str());
                let lines = LineIndex::new(&new);
                edits.push(Edit::Full);
                let step = Delta::edit(0..old_len, new.len(), old_len);
                ((new, lines), step)
            }
        };
        delta = delta.then(step);
        current = Some(next);
    }
    let (text, lines) = current.unwrap_or_else(|| (text.clone(), index.clone()));
    TextChange {
        text,
        lines,
        delta,
        edits,
    }
}

/// Applies `edits` (from [`apply_to_text`]) to `doc`, whose text is the
/// one they were made for, re-parsing incrementally. Returns whether `doc`
/// now holds `text`, their result: false when the changes replaced the
/// whole text (nothing to reuse), and should a clamp ever differ; the
/// caller then parses `text` afresh.
///
/// With one edit (a keystroke), `doc` takes `text` itself, shared with the
/// snapshot, instead of building a copy.
pub fn apply_to_document(doc: &mut Document, edits: &[Edit], text: &Arc<str>) -> bool {
    if edits.contains(&Edit::Full) {
        return false;
    }
    if let [Edit::Ranged(range, new)] = edits {
        doc.edit_into(range.clone(), new, text.clone());
        return Arc::ptr_eq(&doc.shared_text(), text) || doc.text() == &**text;
    }
    for edit in edits {
        if let Edit::Ranged(range, new) = edit {
            doc.edit(range.clone(), new);
        }
    }
    doc.text() == &**text
}

#[cfg(test)]
mod tests {
    use super::*;
    use tower_lsp_server::ls_types::{Position, Range};

    fn change(l0: u32, c0: u32, l1: u32, c1: u32, text: &str) -> TextDocumentContentChangeEvent {
        TextDocumentContentChangeEvent {
            range: Some(Range::new(Position::new(l0, c0), Position::new(l1, c1))),
            range_length: None,
            text: text.to_string(),
        }
    }

    #[test]
    fn changes_apply_in_sequence_in_utf16() {
        let mut doc = Document::parse("😀 = 1\nx = 2\n");
        let index = LineIndex::new(doc.text());
        let changed = apply_to_text(
            &doc.shared_text(),
            &index,
            &[
                // "😀" is two UTF-16 units: column 2 is just after it.
                change(0, 2, 0, 2, "_a"),
                // Relative to the text after the first change.
                change(1, 0, 1, 1, "yy"),
                change(9, 0, 9, 0, "z = 3\n"),
            ],
            Encoding::Utf16,
        );
        assert_eq!(&*changed.text, "😀_a = 1\nyy = 2\nz = 3\n");
        let fresh = LineIndex::new(&changed.text);
        let starts = |l: &LineIndex| {
            (0..l.line_count())
                .map(|i| l.line_start(i))
                .collect::<Vec<_>>()
        };
        assert_eq!(starts(&changed.lines), starts(&fresh));
        // From the first change's start to the end of the text (the last
        // change appends).
        let delta = changed.delta;
        assert_eq!((delta.start, delta.old_end, delta.new_end), (4, 15, 24));
        assert!(apply_to_document(&mut doc, &changed.edits, &changed.text));
        assert_eq!(doc.text(), &*changed.text);
        assert_eq!(
            doc.root().to_sexp(),
            Document::parse(doc.text()).root().to_sexp()
        );
        let full = TextDocumentContentChangeEvent {
            range: None,
            range_length: None,
            text: "a = 1\n".into(),
        };
        let replaced = apply_to_text(&changed.text, &changed.lines, &[full], Encoding::Utf16);
        assert_eq!(&*replaced.text, "a = 1\n");
        assert!(!apply_to_document(
            &mut doc,
            &replaced.edits,
            &replaced.text
        ));
    }

    #[test]
    fn ranges_past_the_end_or_inside_a_char_are_clamped_as_the_document_clamps_them() {
        let mut doc = Document::parse("é = 1\n");
        let index = LineIndex::new(doc.text());
        // Line 7 does not exist; byte 1 (UTF-8 column 1) is inside "é".
        let changed = apply_to_text(
            &doc.shared_text(),
            &index,
            &[change(7, 0, 7, 3, "x"), change(0, 1, 0, 1, "y")],
            Encoding::Utf8,
        );
        assert!(apply_to_document(&mut doc, &changed.edits, &changed.text));
        assert_eq!(doc.text(), &*changed.text);
    }
}
