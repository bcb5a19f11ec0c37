//! `# pyguide: ignore` and `# pyguide: ignore[PG401,PG2]` comments: a
//! finding that starts or ends on such a line is dropped (codes match by
//! prefix, like ruff's `noqa`).

use std::collections::HashMap;

use super::{Edit, Finding};
use crate::python::{Document, LineIndex};

pub(crate) struct Suppressions {
    /// Built only when the file has suppression comments.
    lines: Option<LineIndex>,
    /// Line → codes (`None`: every code).
    by_line: HashMap<usize, Option<Vec<String>>>,
}

impl Suppressions {
    pub fn parse(doc: &Document) -> Suppressions {
        let src = doc.text();
        let mut by_line = HashMap::new();
        if !src.contains("pyguide:") {
            return Suppressions {
                lines: None,
                by_line,
            };
        }
        let lines = LineIndex::new(src);
        {
            crate::python::walk(doc.root(), |node| {
                if node.kind() != "comment" {
                    return true;
                }
                if let Some(codes) = parse_comment(&src[node.byte_range()]) {
                    by_line.insert(lines.line_of(node.start_byte()), codes);
                }
                false
            });
        }
        Suppressions {
            lines: Some(lines),
            by_line,
        }
    }

    pub fn silences(&self, f: &Finding) -> bool {
        let Some(lines) = &self.lines else {
            return false;
        };
        let end = f.range.end.saturating_sub(1).max(f.range.start);
        [lines.line_of(f.range.start), lines.line_of(end)]
            .iter()
            .any(|line| match self.by_line.get(line) {
                Some(None) => true,
                Some(Some(codes)) => codes.iter().any(|c| f.rule.code.starts_with(c.as_str())),
                None => false,
            })
    }
}

/// The edit that silences `code` on the line holding byte `offset`: the
/// code merged into the line's `# pyguide: ignore[...]` list, else a new
/// `  # pyguide: ignore[CODE]` comment at the end of the line (after any
/// other comment). `None` when the line already silences it.
pub fn ignore_edit(text: &str, offset: usize, code: &str) -> Option<Edit> {
    let offset = offset.min(text.len());
    let start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
    let end = text[offset..].find('\n').map_or(text.len(), |i| offset + i);
    let line = text[start..end].trim_end_matches('\r');
    if let Some(hash) = line.find('#').filter(|&h| line[h..].contains("pyguide:")) {
        match parse_comment(&line[hash..]) {
            Some(None) => return None,
            Some(Some(codes)) => {
                if codes.iter().any(|c| code.starts_with(c.as_str())) {
                    return None;
                }
                let open = hash + line[hash..].find("ignore[")? + "ignore[".len();
                let close = line[open..].find(']').map_or(line.len(), |i| open + i);
                let list = line[open..close].trim_end();
                let separator = if list.trim().is_empty() { "" } else { ", " };
                let at = start + open + list.len();
                return Some(Edit {
                    range: at..at,
                    content: format!("{separator}{code}"),
                });
            }
            None => {}
        }
    }
    let kept = line.trim_end();
    Some(Edit {
        range: start + kept.len()..start + line.len(),
        content: format!("  # pyguide: ignore[{code}]"),
    })
}

/// `Some(None)` for a bare ignore, `Some(Some(codes))` for a list, `None`
/// when the comment is not a pyguide directive.
fn parse_comment(comment: &str) -> Option<Option<Vec<String>>> {
    let at = comment.find("pyguide:")?;
    let rest = comment[at + "pyguide:".len()..].trim_start();
    let rest = rest.strip_prefix("ignore")?;
    match rest.strip_prefix('[') {
        None if rest.is_empty() || rest.starts_with(char::is_whitespace) => Some(None),
        None => None,
        Some(list) => {
            let list = list.split(']').next().unwrap_or("");
            let codes: Vec<String> = list
                .split(',')
                .map(|c| c.trim().to_ascii_uppercase())
                .filter(|c| !c.is_empty())
                .collect();
            Some(Some(codes))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{ignore_edit, parse_comment};

    fn apply(text: &str, offset: usize, code: &str) -> Option<String> {
        let edit = ignore_edit(text, offset, code)?;
        let mut out = text.to_string();
        out.replace_range(edit.range, &edit.content);
        Some(out)
    }

    #[test]
    fn ignore_edits_add_or_merge_a_comment() {
        let text = "a = 1\nx is 1   \ny = 2\n";
        assert_eq!(
            apply(text, 8, "PG401").unwrap(),
            "a = 1\nx is 1  # pyguide: ignore[PG401]\ny = 2\n"
        );
        let text = "x is 1  # noqa: E711  # pyguide: ignore[PG2]\n";
        assert_eq!(
            apply(text, 0, "PG401").unwrap(),
            "x is 1  # noqa: E711  # pyguide: ignore[PG2, PG401]\n"
        );
        assert_eq!(
            apply("x is 1  # noqa\n", 0, "PG401").unwrap(),
            "x is 1  # noqa  # pyguide: ignore[PG401]\n"
        );
        assert_eq!(apply("x is 1  # pyguide: ignore[PG4]", 0, "PG401"), None);
        assert_eq!(apply("x is 1  # pyguide: ignore", 0, "PG401"), None);
        assert_eq!(
            apply("x is 1  # pyguide: ignore[]", 0, "PG401").unwrap(),
            "x is 1  # pyguide: ignore[PG401]"
        );
        assert_eq!(
            apply("x is 1\r\n", 0, "PG401").unwrap(),
            "x is 1  # pyguide: ignore[PG401]\r\n"
        );
    }

    #[test]
    fn directives() {
        assert_eq!(parse_comment("# pyguide: ignore"), Some(None));
        assert_eq!(
            parse_comment("# noqa  # pyguide: ignore  trailing words"),
            Some(None)
        );
        assert_eq!(
            parse_comment("# pyguide: ignore[PG401, pg2]"),
            Some(Some(vec!["PG401".into(), "PG2".into()]))
        );
        assert_eq!(parse_comment("# pyguide: ignored"), None);
        assert_eq!(parse_comment("# a comment"), None);
    }
}
