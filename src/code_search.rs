//! Searching the guide from a piece of code: the selection is parsed on its
//! own, after the file's imports (so `gather` still means
//! `asyncio.gather`), the detectors run over it, and the topics of the
//! constructs found come first, then the text hits of the selection read as
//! a query. Findings of the whole file that overlap the selection count too
//! (they know the context a snippet lacks: the class around a method, the
//! models of the project).
//!
//! Sits above `detect` and `search` and joins them; knows nothing of LSP.

use std::ops::Range;

use crate::detect::{self, Finding};
use crate::python::Document;
use crate::search::{Hit, SearchError, SearchIndex};

/// Longest selection read as a text query, in characters.
pub const MAX_QUERY_CHARS: usize = 200;

/// A construct found in the selection: its rule code, topic and message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Construct {
    pub code: &'static str,
    pub topic: &'static str,
    pub message: String,
}

/// The selection with whitespace collapsed, cut at [`MAX_QUERY_CHARS`];
/// `None` when it is blank or not a valid range of `text`.
pub fn selection_query(text: &str, range: &Range<usize>) -> Option<String> {
    let selected = text.get(range.clone())?;
    let words: Vec<&str> = selected.split_whitespace().collect();
    if words.is_empty() {
        return None;
    }
    Some(words.join(" ").chars().take(MAX_QUERY_CHARS).collect())
}

/// The constructs in `text[range]`, in order of position, one per topic:
/// the selection analysed on its own (after the file's imports, inside an
/// `async def` when it sits in one), then `file_findings` that overlap it.
pub fn constructs(text: &str, range: &Range<usize>, file_findings: &[Finding]) -> Vec<Construct> {
    let Some(selected) = text.get(range.clone()) else {
        return Vec::new();
    };
    let file = Document::parse(text);
    let standalone = Standalone::new(&file, range.start, selected);
    let doc = Document::parse(standalone.source.as_str());
    let mut found: Vec<(usize, &Finding)> = Vec::new();
    let own = detect::analyze(&doc);
    for f in &own {
        if f.range.start >= standalone.offset {
            found.push((f.range.start - standalone.offset, f));
        }
    }
    for f in file_findings {
        if f.range.start < range.end && range.start < f.range.end.max(f.range.start + 1) {
            found.push((f.range.start.saturating_sub(range.start), f));
        }
    }
    found.sort_by_key(|(at, f)| (*at, f.rule.code));
    let mut out: Vec<Construct> = Vec::new();
    for (_, f) in found {
        if !out.iter().any(|c| c.topic == f.topic()) {
            out.push(Construct {
                code: f.code(),
                topic: f.topic(),
                message: f.message.clone(),
            });
        }
    }
    out
}

/// The guide's answer to a selection: construct topics first (best first,
/// `code` set, the finding's message as snippet), then the text hits of the
/// selection as a query, without repeats, `limit` in all.
pub fn search_selection(
    index: &SearchIndex,
    text: &str,
    range: &Range<usize>,
    file_findings: &[Finding],
    limit: usize,
) -> Result<Vec<Hit>, SearchError> {
    let found = constructs(text, range, file_findings);
    let text_hits = match selection_query(text, range) {
        Some(query) => index.search(&query, limit)?,
        None => Vec::new(),
    };
    let top = text_hits.first().map_or(1.0, |h| h.score);
    let mut hits: Vec<Hit> = Vec::with_capacity(limit);
    for (i, c) in found.iter().enumerate() {
        let Some(topic) = index.topic(c.topic) else {
            continue;
        };
        hits.push(Hit {
            id: topic.id.clone(),
            title: topic.title.clone(),
            module: topic.module.clone(),
            // Above every text hit, in the order the constructs appear.
            score: top + (found.len() - i) as f32,
            snippet: format!("{}: {}", c.code, c.message),
            code: Some(c.code.to_string()),
            suggestion: false,
        });
    }
    for hit in text_hits {
        if !hits.iter().any(|h| h.id == hit.id) {
            hits.push(hit);
        }
    }
    hits.truncate(limit);
    Ok(hits)
}

/// The selection as a file of its own.
struct Standalone {
    source: String,
    /// Where the selection starts in `source`.
    offset: usize,
}

impl Standalone {
    fn new(file: &Document, start: usize, selected: &str) -> Standalone {
        let mut source = String::new();
        for import in top_level_imports(file) {
            source.push_str(import);
            source.push('\n');
        }
        // The first line's own indentation (a selection often starts at
        // the first character of a statement, after its indentation).
        let line_start = file.text()[..start].rfind('\n').map_or(0, |i| i + 1);
        let line = &file.text()[line_start..];
        let indent = &line[..line.len() - line.trim_start().len()];
        let body = dedent(&format!("{indent}{}", selected.trim_start()));
        let wrap = enclosing_async_def(file, start) && !starts_a_definition(&body);
        if wrap {
            source.push_str("async def __pyguide_selection__():\n");
            let offset = source.len();
            for line in body.lines() {
                source.push_str("    ");
                source.push_str(line);
                source.push('\n');
            }
            // Findings are located from the wrapper's first indented line.
            return Standalone { source, offset };
        }
        let offset = source.len();
        source.push_str(&body);
        source.push('\n');
        Standalone { source, offset }
    }
}

/// The text of the file's top-level import statements.
fn top_level_imports(file: &Document) -> Vec<&str> {
    let root = file.root();
    let mut cursor = root.walk();
    root.named_children(&mut cursor)
        .filter(|n| {
            matches!(
                n.kind(),
                "import_statement" | "import_from_statement" | "future_import_statement"
            )
        })
        .filter_map(|n| file.text().get(n.byte_range()))
        .collect()
}

/// Whether the byte `at` lies inside an `async def`.
fn enclosing_async_def(file: &Document, at: usize) -> bool {
    let mut node = file.root().descendant_for_byte_range(at, at);
    while let Some(n) = node {
        if n.kind() == "function_definition" {
            return file
                .text()
                .get(n.byte_range())
                .is_some_and(|t| t.starts_with("async"));
        }
        node = n.parent();
    }
    false
}

fn starts_a_definition(body: &str) -> bool {
    let first = body.trim_start();
    ["def ", "async def ", "class ", "@"]
        .iter()
        .any(|p| first.starts_with(p))
}

/// Removes the indentation common to the non-blank lines.
fn dedent(selected: &str) -> String {
    let indent = |l: &str| l.len() - l.trim_start().len();
    let common = selected
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(indent)
        .min()
        .unwrap_or(0);
    selected
        .lines()
        .map(|l| &l[common.min(indent(l))..])
        .collect::<Vec<_>>()
        .join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dedents_a_selection_from_inside_a_function() {
        assert_eq!(
            dedent("    for x in xs:\n        await f(x)\n"),
            "for x in xs:\n    await f(x)"
        );
        assert_eq!(dedent("  a\n\n    b"), "a\n\n  b");
        assert_eq!(dedent("a is None"), "a is None");
    }

    #[test]
    fn selections_become_queries() {
        let text = "x = a  is\n  None\n";
        assert_eq!(selection_query(text, &(4..16)).unwrap(), "a is None");
        assert_eq!(selection_query(text, &(3..3)), None);
        assert_eq!(selection_query(text, &(9..12)), None);
        assert_eq!(selection_query(text, &(9..99)), None);
    }

    fn topics(text: &str, selected: &str) -> Vec<&'static str> {
        let start = text.find(selected).unwrap();
        let range = start..start + selected.len();
        constructs(text, &range, &[])
            .iter()
            .map(|c| c.topic)
            .collect()
    }

    #[test]
    fn constructs_of_the_selection_know_the_files_imports() {
        let text = "import asyncio\n\nasync def main(urls):\n    results = []\n    for u in urls:\n        results.append(await fetch(u))\n    await asyncio.gather(*[fetch(u) for u in urls])\n";
        assert!(
            topics(text, "await asyncio.gather(*[fetch(u) for u in urls])")
                .contains(&"asyncio-gather"),
            "{:?}",
            topics(text, "await asyncio.gather(*[fetch(u) for u in urls])")
        );
        // Only the selection's constructs: the loop is outside it.
        let gather_only = topics(text, "asyncio.gather(*[fetch(u) for u in urls])");
        assert!(gather_only.contains(&"asyncio-gather"), "{gather_only:?}");
        let is_none = topics(
            "def f(x):\n    if x == None:\n        return 1\n",
            "x == None",
        );
        assert_eq!(is_none, vec!["is-vs-equality"]);
    }

    #[test]
    fn a_snippet_in_an_async_def_is_analysed_as_async() {
        let text = "import time\n\nasync def handler():\n    time.sleep(1)\n";
        assert_eq!(topics(text, "time.sleep(1)"), vec!["asyncio-event-loop"]);
        assert_eq!(topics("x = 1\n", "x = 1"), Vec::<&str>::new());
    }
}
