//! `# pyguide: ignore` and `# pyguide: ignore[PG401,PG2]` comments: a
//! finding that starts or ends on such a line is dropped (codes match by
//! prefix, like ruff's `noqa`).

use std::collections::HashMap;

use super::Finding;
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
    use super::parse_comment;

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
