//! What the token at a byte offset names, for hovers where no finding is:
//! a rule code in a `# pyguide: ignore[...]` comment or in the
//! `[tool.pyguide]` table of a `pyproject.toml`, the `yield` keyword, and an
//! imported module or name whose APIs a rule recognises (`import asyncio`,
//! `from django.db.models import Prefetch`). Pure: text or a parsed document
//! in, rules and plain findings out.

use crate::detect::syntax::{NodeExt, field};
use std::ops::Range;

use tree_sitter::Node;

use super::rules::named_apis;
use super::{Finding, RULES, Rule};
use crate::python::Document;

/// Topics shown at most for one imported module.
const MAX_TOPICS: usize = 3;
/// Qualified names listed at most in an import's message.
const MAX_NAMES: usize = 4;

/// A rule code (or code prefix such as `PG4`) found in the text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CodeAt {
    pub range: Range<usize>,
    /// Upper-cased, e.g. `PG401`.
    pub code: String,
}

/// The rules a code names: the rule itself, or every rule the prefix
/// selects (as `select`/`ignore` and ignore comments match them), by code.
pub fn rules_for_code(code: &str) -> Vec<&'static Rule> {
    RULES
        .iter()
        .copied()
        .filter(|r| r.code.starts_with(code))
        .collect()
}

/// The code under `offset` when it stands in the brackets of a
/// `# pyguide: ignore[...]` comment.
pub fn ignore_code_at(text: &str, offset: usize) -> Option<CodeAt> {
    let (line_start, line) = line_at(text, offset)?;
    let marker = line.find("pyguide:")?;
    line[..marker].rfind('#')?;
    let rest = &line[marker + "pyguide:".len()..];
    let trimmed = rest.trim_start();
    let open = marker + "pyguide:".len() + (rest.len() - trimmed.len()) + "ignore".len();
    if !trimmed.starts_with("ignore[") {
        return None;
    }
    let close = line[open..].find(']').map_or(line.len(), |i| open + i);
    let code = code_token(text, offset)?;
    let inside = line_start + open < code.range.start && code.range.end <= line_start + close;
    inside.then_some(code)
}

/// The code under `offset` when it is a quoted string inside the
/// `[tool.pyguide]` table of a `pyproject.toml`'s text.
pub fn pyproject_code_at(text: &str, offset: usize) -> Option<CodeAt> {
    let code = code_token(text, offset)?;
    let before = text[..code.range.start].chars().next_back()?;
    let after = text[code.range.end..].chars().next()?;
    if !(before == after && (before == '"' || before == '\'')) {
        return None;
    }
    let table = text[..code.range.start]
        .lines()
        .map(|l| l.split('#').next().unwrap_or("").trim())
        .rfind(|l| l.starts_with('['))?;
    let name = table.trim_matches(|c| c == '[' || c == ']').trim();
    (name == "tool.pyguide" || name.starts_with("tool.pyguide.")).then_some(code)
}

/// The `PG…` word around `offset` (touching it counts), upper-cased.
fn code_token(text: &str, offset: usize) -> Option<CodeAt> {
    if offset > text.len() || !text.is_char_boundary(offset) {
        return None;
    }
    let is_word = |c: char| c.is_ascii_alphanumeric();
    let start = text[..offset]
        .char_indices()
        .rev()
        .take_while(|(_, c)| is_word(*c))
        .last()
        .map_or(offset, |(i, _)| i);
    let end = text[offset..]
        .char_indices()
        .find(|(_, c)| !is_word(*c))
        .map_or(text.len(), |(i, _)| offset + i);
    let code = text[start..end].to_ascii_uppercase();
    let digits = code.strip_prefix("PG")?;
    if !digits.chars().all(|c| c.is_ascii_digit())
        || RULES.iter().all(|r| !r.code.starts_with(&code))
    {
        return None;
    }
    Some(CodeAt {
        range: start..end,
        code,
    })
}

/// The line holding `offset`: its start and text (without the newline).
fn line_at(text: &str, offset: usize) -> Option<(usize, &str)> {
    let offset = offset.min(text.len());
    let start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
    let end = text[offset..].find('\n').map_or(text.len(), |i| offset + i);
    text.get(start..end).map(|line| (start, line))
}

/// Whether the line of `offset` could hold a construct [`constructs_at`]
/// finds (a cheap test before parsing).
pub fn may_name_construct(text: &str, offset: usize) -> bool {
    line_at(text, offset).is_some_and(|(_, line)| line.contains("yield") || line.contains("import"))
}

/// Findings for the construct whose keyword or name is under `offset`:
/// `yield` (PG106, PG224 in an `async def`), `yield from` (PG107), or an
/// imported module or name that rules recognise, one finding per topic
/// (at most three, the topic of most of the module's APIs first).
pub fn constructs_at(doc: &Document, offset: usize) -> Vec<Finding> {
    constructs_in(doc.root(), doc.text(), offset)
}

/// [`constructs_at`] for a text without its tree: a big text
/// ([`super::CHUNKED_ABOVE`]) has only the part around `offset` parsed
/// (and dropped on return), a smaller one is parsed whole.
pub fn constructs_at_source(text: &str, offset: usize) -> Vec<Finding> {
    if !super::is_chunked(text) {
        return constructs_at(&Document::parse(text), offset);
    }
    let parts = super::split(text, super::PART_BYTES);
    let Some(part) = parts
        .iter()
        .find(|p| p.range.contains(&offset) || p.range.end == text.len())
    else {
        return Vec::new();
    };
    let tree = crate::python::parse_part(text, part.range.clone(), part.row);
    constructs_in(tree.root_node(), text, offset)
}

/// [`constructs_at`] in the tree `root` of (a part of) `text`.
fn constructs_in(root: Node, text: &str, offset: usize) -> Vec<Finding> {
    let Some(node) = root.descendant_for_byte_range(offset, offset) else {
        return Vec::new();
    };
    let mut current = Some(node);
    while let Some(n) = current {
        match n.kind_str() {
            "yield" if n.is_named() => return yield_at(n, offset).into_iter().collect(),
            "import_statement" | "import_from_statement" => {
                return import_at(text, n, offset);
            }
            "block" | "module" | "function_definition" | "class_definition" => break,
            _ => {}
        }
        current = n.parent();
    }
    Vec::new()
}

/// `yield` / `yield from` when `offset` is on the keyword(s).
fn yield_at(node: Node, offset: usize) -> Option<Finding> {
    let mut cursor = node.walk();
    let keywords: Vec<Node> = node
        .children(&mut cursor)
        .filter(|c| !c.is_named() && matches!(c.kind_str(), "yield" | "from"))
        .collect();
    let first = keywords.first()?;
    let last = keywords.last()?;
    let range = first.start_byte()..last.end_byte();
    if !(range.start <= offset && offset <= range.end) {
        return None;
    }
    let construct = if keywords.len() > 1 {
        "yield-from"
    } else if in_async_def(node) {
        "async-generator-function"
    } else {
        "generator-function"
    };
    let rule = RULES.iter().copied().find(|r| r.construct == construct)?;
    Some(Finding {
        rule,
        range,
        message: rule.summary.to_string(),
        fix: None,
    })
}

fn in_async_def(node: Node) -> bool {
    let mut current = node.parent();
    while let Some(n) = current {
        if n.kind_str() == "function_definition" {
            let mut cursor = n.walk();
            return n.children(&mut cursor).any(|c| c.kind_str() == "async");
        }
        current = n.parent();
    }
    false
}

/// The qualified name an import statement names at `offset` and the
/// findings for it.
fn import_at(text: &str, stmt: Node, offset: usize) -> Vec<Finding> {
    let name_text = |n: Node| text[n.byte_range()].split_whitespace().collect::<String>();
    let module = stmt.child_by_field_id(field::MODULE_NAME);
    if module.is_some_and(|m| m.kind_str() == "relative_import") {
        return Vec::new();
    }
    let mut cursor = stmt.walk();
    let names: Vec<Node> = stmt
        .children_by_field_name("name", &mut cursor)
        .map(|n| {
            if n.kind_str() == "aliased_import" {
                n.child_by_field_id(field::NAME).unwrap_or(n)
            } else {
                n
            }
        })
        .collect();
    let hit = |n: &Node| n.start_byte() <= offset && offset <= n.end_byte();
    let (qualified, range) = match module {
        Some(m) if hit(&m) => (name_text(m), m.byte_range()),
        Some(m) => match names.iter().find(|n| hit(n)) {
            Some(n) => (
                format!("{}.{}", name_text(m), name_text(*n)),
                n.byte_range(),
            ),
            None => (name_text(m), m.byte_range()),
        },
        None => match names.iter().find(|n| hit(n)).or(names.first()) {
            Some(n) => (name_text(*n), n.byte_range()),
            None => return Vec::new(),
        },
    };
    findings_for_import(&qualified, range)
}

/// One finding per topic of the APIs named `qualified` or under it.
fn findings_for_import(qualified: &str, range: Range<usize>) -> Vec<Finding> {
    let under = format!("{qualified}.");
    // (rule of the topic's first API, its names), in table order.
    let mut topics: Vec<(&'static Rule, Vec<&'static str>)> = Vec::new();
    for (rule, name) in named_apis().filter(|(_, n)| *n == qualified || n.starts_with(&under)) {
        match topics.iter_mut().find(|(r, _)| r.topic == rule.topic) {
            Some((_, names)) if !names.contains(&name) => names.push(name),
            Some(_) => {}
            None => topics.push((rule, vec![name])),
        }
    }
    topics.sort_by_key(|(_, names)| std::cmp::Reverse(names.len()));
    topics
        .into_iter()
        .take(MAX_TOPICS)
        .map(|(rule, names)| {
            let message = if names == [qualified] {
                rule.summary.to_string()
            } else {
                let mut shown: Vec<String> = names
                    .iter()
                    .take(MAX_NAMES)
                    .map(|n| format!("`{n}`"))
                    .collect();
                if names.len() > MAX_NAMES {
                    shown.push("…".to_string());
                }
                format!("`{qualified}`: this topic explains {}", shown.join(", "))
            };
            Finding {
                rule,
                range: range.clone(),
                message,
                fix: None,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str, marker: &str) -> usize {
        text.find(marker).expect("marker in text")
    }

    #[test]
    fn codes_in_ignore_comments() {
        let text = "x is 1  # pyguide: ignore[PG401, pg2]\ny = 'PG401'\n";
        let code = ignore_code_at(text, at(text, "PG401") + 2).unwrap();
        assert_eq!((code.code.as_str(), &text[code.range]), ("PG401", "PG401"));
        assert_eq!(ignore_code_at(text, at(text, "pg2")).unwrap().code, "PG2");
        assert_eq!(ignore_code_at(text, at(text, "'PG401'") + 1), None);
        assert_eq!(ignore_code_at(text, at(text, "ignore")), None);
        assert_eq!(ignore_code_at("# pyguide: ignore[PG999]", 19), None);
    }

    #[test]
    fn codes_in_the_pyguide_table_of_pyproject() {
        let text = "[tool.ruff]\nselect = [\"PG401\"]\n\n[tool.pyguide]\nignore = [\n  \"PG4\",  # no\n]\n";
        assert_eq!(pyproject_code_at(text, at(text, "PG401")), None);
        let code = pyproject_code_at(text, at(text, "PG4\",")).unwrap();
        assert_eq!(code.code, "PG4");
        assert_eq!(
            rules_for_code("PG4").len(),
            RULES.iter().filter(|r| r.code.starts_with("PG4")).count()
        );
    }

    #[test]
    fn yield_and_imports_name_their_topics() {
        let text = "import cProfile\nfrom django.db.models import Prefetch, F as G\nimport asyncio\n\ndef g():\n    yield 1\n    yield from g()\n\nasync def a():\n    yield 2\n";
        let doc = Document::parse(text);
        let topic = |marker: &str, delta: usize| -> Vec<&str> {
            constructs_at(&doc, at(text, marker) + delta)
                .iter()
                .map(|f| f.topic())
                .collect()
        };
        assert_eq!(topic("yield 1", 2), ["generators-vs-iterators"]);
        assert_eq!(topic("yield from", 7), ["generators-vs-iterators"]);
        assert_eq!(
            constructs_at(&doc, at(text, "yield from") + 7)[0].code(),
            "PG107"
        );
        assert_eq!(topic("yield 2", 0), ["async-context-managers-iterators"]);
        assert!(
            topic("1\n", 0).is_empty(),
            "the yielded value is not the keyword"
        );
        assert_eq!(topic("cProfile", 1), ["profiling"]);
        assert_eq!(topic("Prefetch", 3), ["select-related-vs-prefetch-related"]);
        let asyncio = constructs_at(&doc, at(text, "asyncio"));
        assert!(!asyncio.is_empty() && asyncio.len() <= MAX_TOPICS);
        assert!(
            asyncio[0]
                .message
                .starts_with("`asyncio`: this topic explains `asyncio.")
        );
        assert!(topic("def g", 0).is_empty());
    }
}
