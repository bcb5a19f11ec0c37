//! `textDocument/didOpen`, `didChange`, `didClose`, `didSave`: turning the
//! notifications' parameters into document state. These run on the document
//! worker (see `worker.rs`), one at a time in arrival order; this file holds
//! the pure part: applying a `didChange`'s content changes to a [`Document`]
//! incrementally (one `Document::edit` per ranged change, each relative to
//! the text the previous one produced), updating the line index as it goes.

use tower_lsp_server::ls_types::TextDocumentContentChangeEvent;

use crate::python::{Document, LineIndex};
use crate::server::documents::Delta;
use crate::server::position::{Encoding, Lines};

/// Applies `changes` in order. `index` is the line index of `doc`'s current
/// text (the caller has it from the last snapshot); it is updated after each
/// change from the bytes the change replaced, never rebuilt from the whole
/// text unless a change replaces the whole text (one without a range).
/// Returns the new text's index and what changed, as one [`Delta`].
pub fn apply_changes(
    doc: &mut Document,
    index: &LineIndex,
    changes: &[TextDocumentContentChangeEvent],
    encoding: Encoding,
) -> (LineIndex, Delta) {
    let mut current: Option<LineIndex> = None;
    let mut delta = Delta::none(doc.text().len());
    for change in changes {
        let old_len = doc.text().len();
        let step = match change.range {
            Some(range) => {
                let index = current.as_ref().unwrap_or(index);
                let bytes = Lines {
                    text: doc.text(),
                    index,
                    encoding,
                }
                .byte_range(range);
                let applied = doc.edit(bytes, &change.text);
                let r = applied.range;
                current = Some(index.edited(doc.text(), r.start, r.end, applied.inserted));
                Delta::edit(r, applied.inserted, old_len)
            }
            None => {
                *doc = if change.text.len() as u64 > crate::files::MAX_SOURCE_BYTES {
                    Document::unparsed(change.text.as_str())
                } else {
                    Document::parse(change.text.as_str())
                };
                current = Some(LineIndex::new(doc.text()));
                Delta::edit(0..old_len, doc.text().len(), old_len)
            }
        };
        delta = delta.then(step);
    }
    (current.unwrap_or_else(|| index.clone()), delta)
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
        let (lines, delta) = apply_changes(
            &mut doc,
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
        assert_eq!(doc.text(), "😀_a = 1\nyy = 2\nz = 3\n");
        let fresh = LineIndex::new(doc.text());
        assert_eq!(
            (0..lines.line_count())
                .map(|l| lines.line_start(l))
                .collect::<Vec<_>>(),
            (0..fresh.line_count())
                .map(|l| fresh.line_start(l))
                .collect::<Vec<_>>()
        );
        // From the first change's start to the end of the text (the last
        // change appends).
        assert_eq!((delta.start, delta.old_end, delta.new_end), (4, 15, 24));
        assert_eq!(
            doc.root().to_sexp(),
            Document::parse(doc.text()).root().to_sexp()
        );
        let full = TextDocumentContentChangeEvent {
            range: None,
            range_length: None,
            text: "a = 1\n".into(),
        };
        apply_changes(&mut doc, &index, &[full], Encoding::Utf16);
        assert_eq!(doc.text(), "a = 1\n");
    }
}
