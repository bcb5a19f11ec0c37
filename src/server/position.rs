//! LSP positions ↔ byte offsets, in the encoding negotiated at initialize:
//! UTF-8 when the client offers it, else UTF-16 (the protocol's default).
//! Positions past the end of a line or of the text are clamped, never an
//! error.

use std::ops::Range;

use tower_lsp_server::ls_types::{self as lsp, PositionEncodingKind};

use crate::python::LineIndex;

/// The unit of `Position.character`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Encoding {
    Utf8,
    #[default]
    Utf16,
}

impl Encoding {
    /// UTF-8 if the client lists it, else UTF-16.
    pub fn negotiate(offered: Option<&[PositionEncodingKind]>) -> Encoding {
        match offered {
            Some(kinds) if kinds.contains(&PositionEncodingKind::UTF8) => Encoding::Utf8,
            _ => Encoding::Utf16,
        }
    }

    pub fn kind(self) -> PositionEncodingKind {
        match self {
            Encoding::Utf8 => PositionEncodingKind::UTF8,
            Encoding::Utf16 => PositionEncodingKind::UTF16,
        }
    }
}

/// A text with its line index, for converting positions.
pub struct Lines<'a> {
    pub text: &'a str,
    pub index: &'a LineIndex,
    pub encoding: Encoding,
}

impl Lines<'_> {
    /// The byte offset of `pos`, clamped to its line and to the text.
    pub fn offset(&self, pos: lsp::Position) -> usize {
        let (line, col) = (pos.line as usize, pos.character as usize);
        match self.encoding {
            Encoding::Utf16 => self.index.offset_utf16(self.text, line, col),
            Encoding::Utf8 => {
                if line >= self.index.line_count() {
                    return self.text.len();
                }
                let start = self.index.line_start(line);
                let end = if line + 1 < self.index.line_count() {
                    self.index.line_start(line + 1)
                } else {
                    self.text.len()
                };
                let content = self.text[start..end].trim_end_matches(['\n', '\r']);
                let mut at = start + col.min(content.len());
                while !self.text.is_char_boundary(at) {
                    at -= 1;
                }
                at
            }
        }
    }

    pub fn byte_range(&self, range: lsp::Range) -> Range<usize> {
        let start = self.offset(range.start);
        start..self.offset(range.end).max(start)
    }

    pub fn position(&self, offset: usize) -> lsp::Position {
        let (line, col) = match self.encoding {
            Encoding::Utf16 => {
                let p = self.index.utf16_pos(self.text, offset);
                (p.line, p.col)
            }
            Encoding::Utf8 => {
                let offset = offset.min(self.text.len());
                let line = self.index.line_of(offset);
                (line, offset - self.index.line_start(line))
            }
        };
        lsp::Position::new(to_u32(line), to_u32(col))
    }

    pub fn range(&self, range: &Range<usize>) -> lsp::Range {
        lsp::Range::new(self.position(range.start), self.position(range.end))
    }
}

fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(text: &str, encoding: Encoding) -> (LineIndex, Encoding) {
        (LineIndex::new(text), encoding)
    }

    #[test]
    fn round_trips_in_both_encodings_with_wide_characters() {
        let text = "a = 1\n名前 = \"😀\"; x is 1\n";
        let at = text.find("x is").unwrap();
        for (encoding, col) in [(Encoding::Utf16, 11), (Encoding::Utf8, 17)] {
            let (index, encoding) = lines(text, encoding);
            let l = Lines {
                text,
                index: &index,
                encoding,
            };
            assert_eq!(l.position(at), lsp::Position::new(1, col));
            assert_eq!(l.offset(lsp::Position::new(1, col)), at);
            // Past the end of the line: its end; past the end of the text: the end.
            assert_eq!(l.offset(lsp::Position::new(0, 99)), 5);
            assert_eq!(l.offset(lsp::Position::new(99, 0)), text.len());
        }
        // A UTF-8 column inside a character is floored to its start.
        let index = LineIndex::new(text);
        let l = Lines {
            text,
            index: &index,
            encoding: Encoding::Utf8,
        };
        assert_eq!(l.offset(lsp::Position::new(1, 1)), 6);
    }

    #[test]
    fn negotiation_prefers_utf8_only_when_offered() {
        assert_eq!(Encoding::negotiate(None), Encoding::Utf16);
        let offered = [PositionEncodingKind::UTF16, PositionEncodingKind::UTF8];
        assert_eq!(Encoding::negotiate(Some(&offered)), Encoding::Utf8);
        assert_eq!(
            Encoding::negotiate(Some(&[PositionEncodingKind::UTF32])),
            Encoding::Utf16
        );
    }
}
