//! `textDocument/didOpen`, `didChange`, `didClose`, `didSave`: turning the
//! notifications' parameters into document state. These run on the document
//! worker (see `worker.rs`), one at a time in arrival order; this file holds
//! the pure part: applying a `didChange`'s content changes to a [`Document`]
//! incrementally (one `Document::edit` per ranged change, each relative to
//! the text the previous one produced).

use tower_lsp_server::ls_types::TextDocumentContentChangeEvent;

use crate::python::{Document, LineIndex};
use crate::server::position::{Encoding, Lines};

/// Applies `changes` in order. `index` is the line index of `doc`'s current
/// text (the caller usually has it from the last snapshot); it is rebuilt
/// after each change that needs a later one. A change without a range
/// replaces the whole text.
pub fn apply_changes(
    doc: &mut Document,
    index: &LineIndex,
    changes: &[TextDocumentContentChangeEvent],
    encoding: Encoding,
) {
    let mut rebuilt: Option<LineIndex> = None;
    for change in changes {
        match change.range {
            Some(range) => {
                let index = rebuilt.as_ref().unwrap_or(index);
                let bytes = Lines {
                    text: doc.text(),
                    index,
                    encoding,
                }
                .byte_range(range);
                doc.edit(bytes, &change.text);
            }
            None if change.text.len() as u64 > crate::files::MAX_SOURCE_BYTES => {
                *doc = Document::unparsed(change.text.as_str());
            }
            None => *doc = Document::parse(change.text.as_str()),
        }
        rebuilt = Some(LineIndex::new(doc.text()));
    }
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
        apply_changes(
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
