//! Python source held as text plus its tree-sitter tree, re-parsed
//! incrementally after each edit (`Tree::edit` + parse with the old tree),
//! and the line index that maps byte offsets to lines and columns.
//!
//! Parsing never fails: a file with syntax errors still has a tree, with
//! `ERROR`/`MISSING` nodes where it is broken, and detectors keep working on
//! its well-formed parts. Owns which allocator tree-sitter uses. Knows
//! nothing of detectors, LSP or files.

mod lines;

use std::ops::Range;
use std::sync::Arc;

use tree_sitter::{InputEdit, Node, Parser, Point, Tree};

pub use lines::LineIndex;

/// Makes tree-sitter allocate its trees with mimalloc instead of libc's
/// `malloc` (the rest of the program keeps the system allocator). Call it
/// first thing in `main`, before any tree exists; later calls do nothing.
///
/// A tree costs about 37 times its text, in small nodes. With glibc's
/// malloc, a tree freed on the server's analysis thread left its nodes
/// in the arena of the document worker, which allocated them; the worker's
/// next large allocation, the copy of the next edited text, then sorted
/// them all, on the path every request waits for (2–9 ms of CPU per
/// keystroke on a 20,000-line file, against 0.3 ms for the copy). mimalloc
/// returns a node to its page's own free list, whichever thread frees it,
/// and reuses pages at once: `check`, which takes a fresh page for nearly
/// every 4 KiB of tree with glibc (21,000 faults on Django's tree), runs
/// about a fifth faster.
pub fn use_mimalloc_for_trees() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        // SAFETY: the four functions are mimalloc's, one allocator family,
        // with malloc's alignment, never null for a non-zero size unless
        // memory is exhausted (as malloc). `Once` makes this the first and
        // only call, and `main` makes it before any tree-sitter object
        // exists.
        unsafe {
            tree_sitter::set_allocator(Some(tree_sitter::Allocator {
                malloc: libmimalloc_sys::mi_malloc,
                calloc: libmimalloc_sys::mi_calloc,
                realloc: libmimalloc_sys::mi_realloc,
                free: libmimalloc_sys::mi_free,
            }));
        }
    });
}

/// A Python source text and its syntax tree.
///
/// The text is shared (`Arc<str>`): a clone, such as the language server's
/// snapshot of each version, costs no copy of the text, and the tree is
/// shared too (tree-sitter trees are reference-counted). Each edit builds
/// the new text once.
pub struct Document {
    text: Arc<str>,
    tree: Tree,
    /// Made on the first edit (a clone has none: most are never edited).
    parser: Option<Parser>,
    /// False for [`Document::unparsed`]: the tree is empty and edits only
    /// change the text.
    parsed: bool,
}

/// What one [`Document::edit`] did, in bytes: `range` of the old text (as
/// clamped) was replaced by `inserted` bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Applied {
    pub range: Range<usize>,
    pub inserted: usize,
}

fn new_parser() -> Parser {
    let mut parser = Parser::new();
    parser
        .set_language(&tree_sitter_python::LANGUAGE.into())
        .expect("the bundled Python grammar matches the tree-sitter ABI");
    parser
}

thread_local! {
    /// This thread's parser for [`Document::parse_once`] and
    /// [`Document::parse_skimmed`] (which sets its included ranges and
    /// clears them again).
    static PARSER: std::cell::RefCell<Parser> = std::cell::RefCell::new(new_parser());
}

/// Parses `text`, reusing `old` (already edited to match) where it can.
/// tree-sitter only returns `None` when no language is set or a timeout or
/// cancellation flag is set; this module sets a language and neither of the others.
fn parse_with(parser: &mut Parser, text: &str, old: Option<&Tree>) -> Tree {
    parser
        .parse(text, old)
        .expect("tree-sitter always yields a tree without timeout or cancellation")
}

impl Document {
    pub fn parse(text: impl Into<Arc<str>>) -> Document {
        let text = text.into();
        let mut parser = new_parser();
        let tree = parse_with(&mut parser, &text, None);
        Document {
            text,
            tree,
            parser: Some(parser),
            parsed: true,
        }
    }

    /// [`Document::parse`] with this thread's parser, which the document
    /// does not keep (a first edit makes one): for `check`, which parses
    /// many files once each and edits few, and holds some trees at once.
    pub fn parse_once(text: impl Into<Arc<str>>) -> Document {
        let text = text.into();
        let tree = PARSER.with(|p| parse_with(&mut p.borrow_mut(), &text, None));
        Document {
            text,
            tree,
            parser: None,
            parsed: true,
        }
    }

    /// `text`'s tree with the byte ranges `holes` (sorted, disjoint) left
    /// out of the parse: tree-sitter's included ranges are the rest, and
    /// the parser reads `masked` (the same length as `text`, which may
    /// differ in a few bytes next to the holes so that what is left parses
    /// alone; see `detect::skim`). The document's text is `text`: nodes
    /// keep their offsets, so what the rules read of them is the file's
    /// own text. The document is not to be edited (an edit reparses the
    /// whole text).
    pub fn parse_skimmed(text: Arc<str>, masked: &str, holes: &[Range<usize>]) -> Document {
        debug_assert_eq!(text.len(), masked.len());
        let bytes = masked.as_bytes();
        // Rows and columns of the ranges' ends, counted in one pass.
        let mut ranges = Vec::with_capacity(holes.len() + 1);
        let (mut row, mut line_start, mut counted) = (0usize, 0usize, 0usize);
        let mut point = |at: usize| {
            for (i, &b) in bytes[counted..at].iter().enumerate() {
                if b == b'\n' {
                    row += 1;
                    line_start = counted + i + 1;
                }
            }
            counted = at;
            Point {
                row,
                column: at - line_start,
            }
        };
        let mut at = 0;
        for hole in holes {
            let start_point = point(at);
            let end_point = point(hole.start);
            ranges.push(tree_sitter::Range {
                start_byte: at,
                end_byte: hole.start,
                start_point,
                end_point,
            });
            at = hole.end;
        }
        let start_point = point(at);
        let end_point = point(bytes.len());
        ranges.push(tree_sitter::Range {
            start_byte: at,
            end_byte: bytes.len(),
            start_point,
            end_point,
        });
        let tree = PARSER.with(|p| {
            let mut p = p.borrow_mut();
            // Refused only for ranges out of order or overlapping, which
            // `holes` never gives: the whole text is then parsed (correct,
            // only slower).
            p.set_included_ranges(&ranges).ok();
            let tree = parse_with(&mut p, masked, None);
            p.set_included_ranges(&[]).ok();
            tree
        });
        Document {
            text,
            tree,
            parser: None,
            parsed: true,
        }
    }

    /// `text` without a syntax tree (an empty module): for a file too large
    /// to analyse, whose text must still follow the editor's edits. Edits
    /// change only the text.
    pub fn unparsed(text: impl Into<Arc<str>>) -> Document {
        let mut parser = new_parser();
        let tree = parse_with(&mut parser, "", None);
        Document {
            text: text.into(),
            tree,
            parser: None,
            parsed: false,
        }
    }

    /// Whether the tree is the text's (false for [`Document::unparsed`]).
    pub fn is_parsed(&self) -> bool {
        self.parsed
    }

    pub fn text(&self) -> &str {
        &self.text
    }

    /// The text, shared (no copy).
    pub fn shared_text(&self) -> Arc<str> {
        self.text.clone()
    }

    pub fn tree(&self) -> &Tree {
        &self.tree
    }

    pub fn root(&self) -> Node<'_> {
        self.tree.root_node()
    }

    /// Replaces the bytes in `range` with `new_text` and re-parses
    /// incrementally. `range` is clamped to the text and to char boundaries,
    /// so a stale or out-of-range edit cannot panic; the range used is
    /// returned.
    pub fn edit(&mut self, range: Range<usize>, new_text: &str) -> Applied {
        let range = clamp(&self.text, range);
        let text = splice(&self.text, range.clone(), new_text);
        self.replace(range, new_text, text)
    }

    /// [`Document::edit`] when the text after the edit is already built
    /// (`result`, as the language server's snapshot holds it): the
    /// document shares it instead of building its own copy. A `result`
    /// that is not this text with the (clamped) edit applied is ignored,
    /// and the edit made as [`Document::edit`] makes it.
    pub fn edit_into(&mut self, range: Range<usize>, new_text: &str, result: Arc<str>) -> Applied {
        let Range {
            start,
            end: old_end,
        } = clamp(&self.text, range);
        let fits = result.len() == self.text.len() - (old_end - start) + new_text.len()
            && result.as_bytes()[..start] == self.text.as_bytes()[..start]
            && result.as_bytes()[start..start + new_text.len()] == *new_text.as_bytes()
            && result.as_bytes()[start + new_text.len()..] == self.text.as_bytes()[old_end..];
        let text = if fits {
            result
        } else {
            splice(&self.text, start..old_end, new_text)
        };
        self.replace(start..old_end, new_text, text)
    }

    /// Makes `text` (this text with `range`, already clamped, replaced by
    /// `new_text`) the document's, and re-parses incrementally.
    fn replace(&mut self, range: Range<usize>, new_text: &str, text: Arc<str>) -> Applied {
        let (start, old_end) = (range.start, range.end);
        let applied = Applied {
            range: start..old_end,
            inserted: new_text.len(),
        };
        if !self.parsed {
            self.text = text;
            return applied;
        }
        // Rows and columns from the nearest node before each point, not
        // from the start of the text: an edit costs O(edit), not O(text).
        let start_position = self.point_at(start);
        let old_end_position = advance(start_position, &self.text[start..old_end]);
        let new_end_position = advance(start_position, new_text);
        self.text = text;
        self.tree.edit(&InputEdit {
            start_byte: start,
            old_end_byte: old_end,
            new_end_byte: start + new_text.len(),
            start_position,
            old_end_position,
            new_end_position,
        });
        let parser = self.parser.get_or_insert_with(new_parser);
        self.tree = parse_with(parser, &self.text, Some(&self.tree));
        applied
    }

    /// The row and byte column of byte `at` (a char boundary) of the text,
    /// counted from the smallest node of the tree that contains it.
    fn point_at(&self, at: usize) -> Point {
        let from = self
            .root()
            .descendant_for_byte_range(at, at)
            .filter(|n| n.start_byte() <= at)
            .map_or((0, Point { row: 0, column: 0 }), |n| {
                (n.start_byte(), n.start_position())
            });
        advance(from.1, &self.text[from.0..at])
    }

    /// Byte ranges of syntax errors (`ERROR` and `MISSING` nodes).
    pub fn syntax_errors(&self) -> Vec<Range<usize>> {
        let mut out = Vec::new();
        if !self.root().has_error() {
            return out;
        }
        walk(self.root(), |node| {
            if node.is_error() || node.is_missing() {
                out.push(node.byte_range());
                return false;
            }
            node.has_error()
        });
        out
    }
}

impl Default for Document {
    /// An empty text (parsed).
    fn default() -> Document {
        Document::parse("")
    }
}

impl Clone for Document {
    /// Shares the text and the tree; the clone makes its own parser when
    /// first edited.
    fn clone(&self) -> Self {
        Document {
            text: self.text.clone(),
            tree: self.tree.clone(),
            parser: None,
            parsed: self.parsed,
        }
    }
}

/// Parses only `range` of `text` (tree-sitter's included ranges), for a
/// file analysed in parts: the nodes keep their offsets in `text`, so a
/// part's findings need no shifting and its node texts are slices of the
/// whole text. `range` must start a line; `row` is that line's number
/// (0-based, counting `\n` as tree-sitter does). The tree holds the part's
/// nodes only: its memory follows the part, not the file.
pub fn parse_part(text: &str, range: Range<usize>, row: usize) -> Tree {
    let end = text.floor_char_boundary(range.end.min(text.len()));
    let start = text.floor_char_boundary(range.start.min(end));
    let part = &text[start..end];
    let end_point = Point {
        row: row + part.bytes().filter(|&b| b == b'\n').count(),
        column: part
            .rfind('\n')
            .map_or(part.len(), |nl| part.len() - nl - 1),
    };
    let mut parser = new_parser();
    let included = tree_sitter::Range {
        start_byte: start,
        end_byte: end,
        start_point: Point { row, column: 0 },
        end_point,
    };
    // Refused only for ranges out of order; one range in order is always
    // taken (were it refused, the whole text would be parsed: correct,
    // only larger).
    parser.set_included_ranges(&[included]).ok();
    parse_with(&mut parser, text, None)
}

/// Visits `root` and its descendants in document order; `visit` returns
/// whether to descend into the node it was given.
pub fn walk<'t>(root: Node<'t>, mut visit: impl FnMut(Node<'t>) -> bool) {
    let mut cursor = root.walk();
    'walk: loop {
        if visit(cursor.node()) && cursor.goto_first_child() {
            continue;
        }
        while !cursor.goto_next_sibling() {
            if !cursor.goto_parent() {
                break 'walk;
            }
        }
    }
}

/// `range` clamped to `text` and to char boundaries (an edit's range:
/// the document's own edits and the server's text step clamp alike).
pub(crate) fn clamp(text: &str, range: Range<usize>) -> Range<usize> {
    let start = text.floor_char_boundary(range.start.min(text.len()));
    let end = text.floor_char_boundary(range.end.clamp(start, text.len()));
    start..end
}

/// The point `text` ends at when it starts at `from` (rows count `\n`,
/// columns bytes, as tree-sitter's).
fn advance(from: Point, text: &str) -> Point {
    match text.rfind('\n') {
        None => Point {
            row: from.row,
            column: from.column + text.len(),
        },
        Some(last) => Point {
            row: from.row + text.bytes().filter(|&b| b == b'\n').count(),
            column: text.len() - last - 1,
        },
    }
}

/// `text` with the bytes of `range` replaced by `new`, built in one copy
/// straight into the shared allocation (going through a `String` copies
/// twice: `Arc<str>::from(String)` moves the bytes). `range` must lie on
/// char boundaries, as for slicing (callers clamp it first).
pub(crate) fn splice(text: &str, range: Range<usize>, new: &str) -> Arc<str> {
    let parts = [&text[..range.start], new, &text[range.end..]];
    let len = parts.iter().map(|p| p.len()).sum();
    let mut bytes = Arc::<[u8]>::new_uninit_slice(len);
    let buf = Arc::get_mut(&mut bytes).expect("a new Arc is unique");
    let mut at = 0;
    for part in parts {
        buf[at..at + part.len()].write_copy_of_slice(part.as_bytes());
        at += part.len();
    }
    // SAFETY: every byte of the slice was written above.
    let bytes = unsafe { bytes.assume_init() };
    // SAFETY: the bytes are three `str`s cut at char boundaries, one after
    // the other: valid UTF-8; `str` and `[u8]` have the same layout, so the
    // pointer is one `Arc<str>` may be made from.
    unsafe { Arc::from_raw(Arc::into_raw(bytes) as *const str) }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sexp(doc: &Document) -> String {
        doc.root().to_sexp()
    }

    /// The point of byte `at`, counted from the start (the oracle).
    fn scanned_point(text: &str, at: usize) -> Point {
        let before = &text[..at];
        let row = before.bytes().filter(|&b| b == b'\n').count();
        let column = before.rfind('\n').map_or(at, |nl| at - nl - 1);
        Point { row, column }
    }

    #[test]
    fn points_from_the_nearest_node_equal_points_from_the_start() {
        let text = "# é\r\nimport os  \n\ns = \"\"\"a\nb😀\n\"\"\"\nclass A:\n    def f(self):\n        return [\n            x for x in y  # c\n        ]\n\n\n   \n";
        let doc = Document::parse(text);
        for at in (0..=text.len()).filter(|&i| text.is_char_boundary(i)) {
            assert_eq!(doc.point_at(at), scanned_point(text, at), "at {at}");
        }
    }

    #[test]
    fn splice_builds_the_edited_text() {
        let text = "a = 'é'\nb = 2\n";
        for (range, new) in [
            (0..0, "x"),
            (4..7, "😀"),
            (0..text.len(), ""),
            (9..9, "\n\n"),
        ] {
            let want = format!("{}{new}{}", &text[..range.start], &text[range.end..]);
            assert_eq!(&*splice(text, range, new), want);
        }
    }

    #[test]
    fn an_edit_into_a_built_text_shares_it() {
        let mut doc = Document::parse("def f():\n    return 1\n");
        let at = doc.text().find('1').unwrap();
        let result = splice(doc.text(), at..at + 1, "[x for x in ()]");
        doc.edit_into(at..at + 1, "[x for x in ()]", result.clone());
        assert!(Arc::ptr_eq(&doc.shared_text(), &result));
        assert_eq!(sexp(&doc), sexp(&Document::parse(doc.text())));
        // A text that is not the edit's result is not taken.
        let wrong: Arc<str> = Arc::from("def f():\n    return 2\n");
        let before = doc.text().to_string();
        doc.edit_into(0..0, "# c\n", wrong.clone());
        assert!(!Arc::ptr_eq(&doc.shared_text(), &wrong));
        assert_eq!(doc.text(), format!("# c\n{before}"));
        assert_eq!(sexp(&doc), sexp(&Document::parse(doc.text())));
    }

    #[test]
    fn incremental_edits_match_a_fresh_parse() {
        let mut doc = Document::parse("import asyncio\n\nasync def f():\n    time.sleep(1)\n");
        let at = doc.text().find("time.sleep").unwrap();
        doc.edit(at..at + "time.sleep".len(), "await asyncio.sleep");
        assert_eq!(
            doc.text(),
            "import asyncio\n\nasync def f():\n    await asyncio.sleep(1)\n"
        );
        assert_eq!(sexp(&doc), sexp(&Document::parse(doc.text().to_string())));
        doc.edit(0..0, "# é😀\n");
        doc.edit(doc.text().len()..doc.text().len(), "x = [\n");
        assert_eq!(sexp(&doc), sexp(&Document::parse(doc.text().to_string())));
        assert!(!doc.syntax_errors().is_empty());
    }

    #[test]
    fn out_of_range_edits_are_clamped() {
        let mut doc = Document::parse("é = 1\n");
        doc.edit(1..100, "x");
        assert_eq!(doc.text(), "x");
        doc.edit(50..60, "y");
        assert_eq!(doc.text(), "xy");
    }

    #[test]
    fn broken_code_still_has_a_tree() {
        let doc = Document::parse("def f(:\n    return 1\nx is 1\n");
        assert!(!doc.syntax_errors().is_empty());
        assert!(doc.root().child_count() > 0);
    }
}
