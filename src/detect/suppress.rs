//! Suppression comments: `# pyguide: ignore` and `# pyguide: ignore[PG401,PG2]`
//! (codes match by prefix, like ruff's `noqa`), and the same checks of
//! other linters silenced by the team: `# noqa: E711` also silences PG402,
//! a bare `# noqa` every rule that mirrors another linter's, and so do
//! `# ruff: ignore[...]` and bandit's `# nosec`. A finding that starts or
//! ends on such a line is dropped. The mapping is [`OTHER_LINTERS`], shown
//! in `src/detect/README.md`.

use crate::detect::syntax::NodeExt;
use std::collections::HashMap;
use std::ops::Range;

use super::{Edit, Finding};
use crate::python::{Document, LineIndex};

/// Another linter's code (or ruff's rule name) → the pyguide rule that
/// reports the same thing. One table, used by `noqa`, `ruff: ignore` and
/// `nosec` comments and printed in the rules README.
pub static OTHER_LINTERS: &[(&str, &str)] = &[
    ("F632", "PG401"),
    ("is-literal", "PG401"),
    ("E711", "PG402"),
    ("none-comparison", "PG402"),
    ("E712", "PG403"),
    ("true-false-comparison", "PG403"),
    ("B006", "PG101"),
    ("mutable-argument-default", "PG101"),
    ("B019", "PG118"),
    ("cached-instance-method", "PG118"),
    ("S308", "PG705"),
    ("suspicious-mark-safe-usage", "PG705"),
    ("B308", "PG705"),
    ("B703", "PG705"),
    ("RUF006", "PG203"),
    ("asyncio-dangling-task", "PG203"),
    ("ASYNC251", "PG206"),
    ("blocking-sleep-in-async-function", "PG206"),
    ("ASYNC210", "PG207"),
    ("ASYNC212", "PG207"),
    ("blocking-http-call-in-async-function", "PG207"),
    ("ASYNC220", "PG208"),
    ("ASYNC221", "PG208"),
    ("ASYNC222", "PG208"),
    ("create-subprocess-in-async-function", "PG208"),
    ("run-process-in-async-function", "PG208"),
    ("wait-for-process-in-async-function", "PG208"),
    ("ASYNC230", "PG209"),
    ("blocking-open-call-in-async-function", "PG209"),
    ("ASYNC240", "PG209"),
    ("blocking-path-method-in-async-function", "PG209"),
    ("ASYNC250", "PG209"),
    ("blocking-input-in-async-function", "PG209"),
];

/// What one line's comment silences.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Silenced {
    All,
    Codes(Vec<String>),
}

impl Silenced {
    fn merge(self, other: Silenced) -> Silenced {
        match (self, other) {
            (Silenced::All, _) | (_, Silenced::All) => Silenced::All,
            (Silenced::Codes(mut a), Silenced::Codes(b)) => {
                a.extend(b);
                Silenced::Codes(a)
            }
        }
    }
}

/// The words a suppression comment can't do without, matched ignoring
/// ASCII case (`# Noqa`, `# NOQA` and `# noqa` are the same directive): a
/// file holding none of them has no directive, and its comments are not
/// read at all.
static DIRECTIVE_WORDS: std::sync::LazyLock<aho_corasick::AhoCorasick> =
    std::sync::LazyLock::new(|| {
        aho_corasick::AhoCorasick::builder()
            .ascii_case_insensitive(true)
            .build(["pyguide:", "noqa", "ruff:", "nosec"])
            .expect("fixed patterns build")
    });

pub(crate) struct Suppressions {
    /// Built only when the file has suppression comments.
    lines: Option<LineIndex>,
    by_line: HashMap<usize, Silenced>,
}

impl Suppressions {
    pub fn parse(doc: &Document) -> Suppressions {
        let mut out = Suppressions::for_parts(doc.text());
        out.add_part(doc.root(), doc.text(), 0..doc.text().len());
        out
    }

    /// No directive yet, for `src` read in parts ([`Suppressions::add_part`]
    /// adds each part's): the line index is built once, and only when the
    /// text holds a directive word.
    pub fn for_parts(src: &str) -> Suppressions {
        Suppressions {
            lines: DIRECTIVE_WORDS.is_match(src).then(|| LineIndex::new(src)),
            by_line: HashMap::new(),
        }
    }

    /// Whether `part` of the text may hold a directive (so its comments
    /// must be read).
    pub fn wants(&self, part: &str) -> bool {
        self.lines.is_some() && DIRECTIVE_WORDS.is_match(part)
    }

    /// Adds the directives of the comments in `range` of `src`, whose
    /// tree is `root` (the whole file's, or the part's).
    pub fn add_part(&mut self, root: tree_sitter::Node, src: &str, range: Range<usize>) {
        let Some(lines) = &self.lines else {
            return;
        };
        // Only the comments holding a directive word are read: each word's
        // place leads to its comment node in O(depth), not a walk of the
        // whole tree.
        let mut last_comment = None;
        let base = range.start;
        for m in DIRECTIVE_WORDS.find_iter(&src[range]) {
            let (start, end) = (base + m.start(), base + m.end());
            let Some(node) = root.descendant_for_byte_range(start, end) else {
                continue;
            };
            if node.kind_str() != "comment" || last_comment == Some(node.id()) {
                continue;
            }
            last_comment = Some(node.id());
            if let Some(s) = parse_comment(&src[node.byte_range()]) {
                let line = lines.line_of(node.start_byte());
                let merged = match self.by_line.remove(&line) {
                    Some(old) => old.merge(s),
                    None => s,
                };
                self.by_line.insert(line, merged);
            }
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
                Some(Silenced::All) => true,
                Some(Silenced::Codes(codes)) => {
                    codes.iter().any(|c| f.rule.code.starts_with(c.as_str()))
                }
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
        match pyguide_directive(&line[hash..]) {
            Some(Silenced::All) => return None,
            Some(Silenced::Codes(codes)) => {
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

/// What a comment silences, or `None` when it holds no directive. A
/// comment may hold several (`# noqa: E711  # pyguide: ignore[PG1]`).
fn parse_comment(comment: &str) -> Option<Silenced> {
    [
        pyguide_directive,
        noqa_directive,
        ruff_directive,
        nosec_directive,
    ]
    .into_iter()
    .filter_map(|directive| directive(comment))
    .reduce(Silenced::merge)
}

/// `pyguide: ignore` (everything) or `pyguide: ignore[PG401, PG2]`.
fn pyguide_directive(comment: &str) -> Option<Silenced> {
    let at = comment.find("pyguide:")?;
    let rest = comment[at + "pyguide:".len()..].trim_start();
    let rest = rest.strip_prefix("ignore")?;
    match rest.strip_prefix('[') {
        None if rest.is_empty() || rest.starts_with(char::is_whitespace) => Some(Silenced::All),
        None => None,
        Some(list) => Some(Silenced::Codes(code_list(list.split(']').next()?))),
    }
}

/// `noqa` (bare: every mirrored rule) or `noqa: E711, B006` (ruff and
/// flake8 syntax, case-insensitive keyword).
fn noqa_directive(comment: &str) -> Option<Silenced> {
    let lower = comment.to_ascii_lowercase();
    let at = lower.find("noqa")?;
    if lower[..at]
        .chars()
        .next_back()
        .is_some_and(|c| c.is_ascii_alphanumeric() || c == '_')
    {
        return None;
    }
    let rest = comment[at + 4..].trim_start();
    match rest.strip_prefix(':') {
        Some(list) => {
            // Codes run until the first word that is not a code.
            let codes: Vec<&str> = list
                .split([',', ' ', '\t'])
                .map(str::trim)
                .filter(|c| !c.is_empty())
                .take_while(|c| c.chars().all(|ch| ch.is_ascii_alphanumeric()))
                .collect();
            Some(mirrored(codes.iter().copied()))
        }
        None => Some(mirrored(OTHER_LINTERS.iter().map(|(other, _)| *other))),
    }
}

/// `ruff: ignore[suspicious-mark-safe-usage, E711]` (codes or rule names).
fn ruff_directive(comment: &str) -> Option<Silenced> {
    let at = comment.find("ruff:")?;
    let rest = comment[at + "ruff:".len()..].trim_start();
    let list = rest
        .strip_prefix("ignore")?
        .trim_start()
        .strip_prefix('[')?;
    let list = list.split(']').next()?;
    Some(mirrored(list.split(',').map(str::trim)))
}

/// bandit's `nosec` (bare: its mirrored checks) or `nosec B308`.
fn nosec_directive(comment: &str) -> Option<Silenced> {
    let at = comment.find("nosec")?;
    let rest = &comment[at + "nosec".len()..];
    let codes: Vec<&str> = rest
        .split([',', ' ', ':'])
        .map(str::trim)
        .filter(|c| c.starts_with('B') && c.len() == 4)
        .collect();
    if codes.is_empty() {
        Some(mirrored(["B308", "B703"].into_iter()))
    } else {
        Some(mirrored(codes.into_iter()))
    }
}

/// The pyguide codes that mirror `others` (unknown codes are ignored).
fn mirrored<'a>(others: impl Iterator<Item = &'a str>) -> Silenced {
    let mut codes = Vec::new();
    for other in others {
        for (theirs, ours) in OTHER_LINTERS {
            if theirs.eq_ignore_ascii_case(other) && !codes.iter().any(|c| c == ours) {
                codes.push(ours.to_string());
            }
        }
    }
    Silenced::Codes(codes)
}

/// `PG401, pg2` → `["PG401", "PG2"]`.
fn code_list(list: &str) -> Vec<String> {
    list.split(',')
        .map(|c| c.trim().to_ascii_uppercase())
        .filter(|c| !c.is_empty())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::{Silenced, ignore_edit, parse_comment};

    fn codes(list: &[&str]) -> Option<Silenced> {
        Some(Silenced::Codes(
            list.iter().map(|c| c.to_string()).collect(),
        ))
    }

    fn apply(text: &str, offset: usize, code: &str) -> Option<String> {
        let edit = ignore_edit(text, offset, code)?;
        let mut out = text.to_string();
        out.replace_range(edit.range, &edit.content);
        Some(out)
    }

    /// The quick test for directives before comments are read ignores
    /// case, as the directives themselves do.
    #[test]
    fn mixed_case_noqa_silences() {
        for comment in ["# Noqa: E711", "# NoQA", "# noqa", "# NOQA:E711"] {
            let text = format!("def f(x):\n    return x == None  {comment}\n");
            let findings = crate::detect::analyze(&crate::python::Document::parse(text.as_str()));
            assert!(
                findings.iter().all(|f| f.code() != "PG402"),
                "{comment} leaves {findings:?}"
            );
        }
        let text = "def f(x):\n    return x == None  # Noqb\n";
        let findings = crate::detect::analyze(&crate::python::Document::parse(text));
        assert!(findings.iter().any(|f| f.code() == "PG402"));
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
    fn pyguide_directives() {
        assert_eq!(parse_comment("# pyguide: ignore"), Some(Silenced::All));
        assert_eq!(
            parse_comment("# noqa  # pyguide: ignore  trailing words"),
            Some(Silenced::All)
        );
        assert_eq!(
            parse_comment("# pyguide: ignore[PG401, pg2]"),
            codes(&["PG401", "PG2"])
        );
        assert_eq!(parse_comment("# pyguide: ignored"), None);
        assert_eq!(parse_comment("# a comment"), None);
    }

    #[test]
    fn other_linters_map_to_their_pyguide_rule() {
        assert_eq!(parse_comment("# noqa: E711"), codes(&["PG402"]));
        assert_eq!(
            parse_comment("# NOQA:F632,B006"),
            codes(&["PG401", "PG101"])
        );
        assert_eq!(
            parse_comment("# noqa: S308 -- the text is escaped above"),
            codes(&["PG705"])
        );
        assert_eq!(parse_comment("# noqa: E501"), codes(&[]));
        assert_eq!(parse_comment("# noqa: ASYNC230"), codes(&["PG209"]));
        assert_eq!(
            parse_comment("# ruff: ignore[suspicious-mark-safe-usage]"),
            codes(&["PG705"])
        );
        assert_eq!(parse_comment("# nosec B703"), codes(&["PG705"]));
        let Some(Silenced::Codes(bare)) = parse_comment("# noqa") else {
            panic!("a bare noqa silences the mirrored rules");
        };
        assert!(bare.contains(&"PG402".to_string()) && bare.contains(&"PG203".to_string()));
        assert!(!bare.iter().any(|c| c == "PG601"), "no linter mirrors N+1");
        assert_eq!(parse_comment("# this is not a knoqa"), None);
    }
}
