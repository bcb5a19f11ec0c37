//! Byte offset ↔ line/column conversion. tree-sitter speaks bytes; the CLI
//! reports columns in characters and LSP in UTF-16 (or UTF-8) code units.

/// Start offsets of every line of a text.
#[derive(Debug, Clone)]
pub struct LineIndex {
    starts: Vec<usize>,
}

/// A 0-based line and a 0-based column in some unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LineCol {
    pub line: usize,
    pub col: usize,
}

impl LineIndex {
    /// Line breaks are `\n`, `\r\n` and a lone `\r`, as in LSP 3.17 (and
    /// in Python's own reading of source files).
    pub fn new(text: &str) -> LineIndex {
        let bytes = text.as_bytes();
        let mut starts = vec![0];
        starts.extend(
            bytes
                .iter()
                .enumerate()
                .filter(|&(i, &b)| b == b'\n' || (b == b'\r' && bytes.get(i + 1) != Some(&b'\n')))
                .map(|(i, _)| i + 1),
        );
        LineIndex { starts }
    }

    /// The index of the text made by replacing `old_end - start` bytes at
    /// `start` with `inserted` bytes; `text` is that new text. Only the
    /// edited bytes (and one on each side, for a `\r\n` made or split by
    /// the edit) are scanned; the line starts after the edit are moved by
    /// the length change. Equal to `LineIndex::new(text)`.
    pub fn edited(&self, text: &str, start: usize, old_end: usize, inserted: usize) -> LineIndex {
        let bytes = text.as_bytes();
        let new_end = start + inserted;
        // A break at byte `i` depends on bytes `i` and `i + 1` only: breaks
        // before `start - 1` are unchanged, those after the edit moved.
        let mut starts = Vec::with_capacity(self.starts.len() + inserted / 16 + 1);
        // The starts are sorted, the first is 0: those before `start` are a
        // prefix, copied at once.
        starts.push(0);
        let kept = self.starts.partition_point(|&s| s < start);
        starts.extend_from_slice(&self.starts[1.min(kept)..kept]);
        let scan_end = (new_end + 1).min(bytes.len());
        for i in start.saturating_sub(1)..scan_end {
            let b = bytes[i];
            if b == b'\n' || (b == b'\r' && bytes.get(i + 1) != Some(&b'\n')) {
                starts.push(i + 1);
            }
        }
        let after = self.starts.partition_point(|&s| s <= old_end + 1);
        starts.extend(self.starts[after..].iter().map(|&s| s - old_end + new_end));
        LineIndex { starts }
    }

    /// 0-based line of byte `offset` (offsets past the end map to the last line).
    pub fn line_of(&self, offset: usize) -> usize {
        self.starts.partition_point(|&s| s <= offset) - 1
    }

    pub fn line_start(&self, line: usize) -> usize {
        self.starts[line.min(self.starts.len() - 1)]
    }

    pub fn line_count(&self) -> usize {
        self.starts.len()
    }

    /// Line and column counted in Unicode scalar values (characters).
    pub fn char_pos(&self, text: &str, offset: usize) -> LineCol {
        self.pos(text, offset, |s| s.chars().count())
    }

    /// Line and column counted in UTF-16 code units (LSP's default).
    pub fn utf16_pos(&self, text: &str, offset: usize) -> LineCol {
        self.pos(text, offset, |s| s.encode_utf16().count())
    }

    fn pos(&self, text: &str, offset: usize, width: impl Fn(&str) -> usize) -> LineCol {
        let offset = offset.min(text.len());
        let line = self.line_of(offset);
        let start = self.starts[line];
        let mut end = offset;
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        LineCol {
            line,
            col: width(&text[start..end]),
        }
    }

    /// Byte offset of a line and a UTF-16 column; a column past the end of
    /// the line clamps to the line's end (before its newline), a line past
    /// the end of the text to the end of the text.
    pub fn offset_utf16(&self, text: &str, line: usize, col: usize) -> usize {
        if line >= self.starts.len() {
            return text.len();
        }
        let start = self.starts[line];
        let end = self.starts.get(line + 1).map_or(text.len(), |&e| e);
        let line_text = text[start..end].trim_end_matches(['\n', '\r']);
        let mut units = 0;
        for (i, c) in line_text.char_indices() {
            if units >= col {
                return start + i;
            }
            units += c.len_utf16();
        }
        start + line_text.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_in_each_unit() {
        let text = "a = 1\né😀 = x is 1\n";
        let idx = LineIndex::new(text);
        let at = text.find("x is").unwrap();
        assert_eq!(idx.char_pos(text, at), LineCol { line: 1, col: 5 });
        assert_eq!(idx.utf16_pos(text, at), LineCol { line: 1, col: 6 });
        assert_eq!(idx.offset_utf16(text, 1, 6), at);
        assert_eq!(idx.offset_utf16(text, 1, 999), text.len() - 1);
        assert_eq!(idx.offset_utf16(text, 9, 0), text.len());
        assert_eq!(idx.line_of(text.len() + 5), 2);
    }

    /// Every edit of every short text over `a`, `\r`, `\n`: the edited
    /// index equals a fresh one.
    #[test]
    fn an_edited_index_equals_a_fresh_one() {
        let alphabet = ['a', '\r', '\n'];
        let texts = |len: usize| {
            (0..3usize.pow(len as u32)).map(move |mut n| {
                (0..len)
                    .map(|_| {
                        let c = alphabet[n % 3];
                        n /= 3;
                        c
                    })
                    .collect::<String>()
            })
        };
        for old in (0..=4).flat_map(texts) {
            let index = LineIndex::new(&old);
            for inserted in (0..=2).flat_map(texts) {
                for start in 0..=old.len() {
                    for end in start..=old.len() {
                        let mut new = old.clone();
                        new.replace_range(start..end, &inserted);
                        let edited = index.edited(&new, start, end, inserted.len());
                        assert_eq!(
                            edited.starts,
                            LineIndex::new(&new).starts,
                            "{old:?}: {start}..{end} → {inserted:?}"
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn a_lone_carriage_return_is_a_line_break() {
        let text = "a = 1\rb = 2\r\nc = 3\nd = 4\r\re";
        let idx = LineIndex::new(text);
        let starts: Vec<usize> = (0..idx.line_count()).map(|l| idx.line_start(l)).collect();
        assert_eq!(starts, [0, 6, 13, 19, 25, 26]);
        let at = text.find("b = 2").unwrap();
        assert_eq!(idx.char_pos(text, at + 4), LineCol { line: 1, col: 4 });
        // A column past the end of a line stops before its break.
        assert_eq!(idx.offset_utf16(text, 0, 99), 5);
        assert_eq!(idx.offset_utf16(text, 1, 99), 11);
        assert_eq!(idx.offset_utf16(text, 4, 99), 25);
    }
}
