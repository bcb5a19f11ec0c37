//! Parses one topic file: TOML front matter between `+++` lines, then a
//! Markdown body with required sections. Every problem found in the file is
//! returned, each with its 1-based line.

use serde::Deserialize;
use toml::Spanned;

use super::{
    ASKED_MAX, ASKED_MAX_CHARS, EXAMPLE_PARTS, FieldLines, Origin, REQUIRED_SECTIONS, Reference,
    SUMMARY_MAX_CHARS, SUMMARY_MAX_SENTENCES, SUMMARY_MIN_CHARS, Topic, TopicError, Versions,
};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FrontMatter {
    id: Spanned<String>,
    title: Spanned<String>,
    module: Spanned<String>,
    question: Spanned<String>,
    summary: Spanned<String>,
    #[serde(default)]
    asked: Vec<Spanned<String>>,
    #[serde(default)]
    aliases: Vec<Spanned<String>>,
    #[serde(default)]
    tags: Vec<Spanned<String>>,
    #[serde(default)]
    triggers: Vec<Spanned<String>>,
    #[serde(default)]
    related: Vec<Spanned<String>>,
    #[serde(default)]
    references: Vec<Spanned<RawReference>>,
    #[serde(default)]
    versions: Option<Versions>,
    #[serde(default)]
    key_points: Vec<Spanned<String>>,
    #[serde(default)]
    cards: Vec<Spanned<super::cards::RawCard>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawReference {
    title: String,
    url: String,
}

/// Line bookkeeping for one file: where the TOML starts and where the body starts.
struct Layout<'a> {
    toml: &'a str,
    /// 1-based line of the first TOML line.
    toml_line: usize,
    body: &'a str,
    /// 1-based line of the first body line.
    body_line: usize,
}

/// Parses and checks one topic file. `path` is only used in messages.
pub fn parse_topic(path: &str, text: &str, origin: Origin) -> Result<Topic, Vec<TopicError>> {
    let err = |line: usize, msg: String| TopicError::new(path, line, msg);
    let layout = split_front_matter(text).map_err(|(line, msg)| vec![err(line, msg)])?;
    let line_of = |offset: usize| layout.toml_line + count_newlines(&layout.toml[..offset]);

    let fm: FrontMatter = toml::from_str(layout.toml).map_err(|e| {
        let line = e.span().map_or(layout.toml_line, |s| line_of(s.start));
        vec![err(
            line,
            format!("invalid front matter: {}", e.message().trim()),
        )]
    })?;

    let mut errors = Vec::new();
    let mut check = |ok: bool, span: &std::ops::Range<usize>, msg: String| {
        if !ok {
            errors.push(err(line_of(span.start), msg));
        }
    };

    for (name, field) in [
        ("id", &fm.id),
        ("title", &fm.title),
        ("module", &fm.module),
        ("question", &fm.question),
    ] {
        check(
            !field.get_ref().trim().is_empty(),
            &field.span(),
            format!("`{name}` is empty"),
        );
    }
    check(
        is_kebab(fm.id.get_ref()),
        &fm.id.span(),
        format!(
            "`id` {:?} is not kebab-case (a-z, 0-9, '-')",
            fm.id.get_ref()
        ),
    );
    check(
        is_kebab(fm.module.get_ref()),
        &fm.module.span(),
        format!(
            "`module` {:?} is not kebab-case (a-z, 0-9, '-')",
            fm.module.get_ref()
        ),
    );
    let summary = normalize_ws(fm.summary.get_ref());
    let chars = summary.chars().count();
    check(
        (SUMMARY_MIN_CHARS..=SUMMARY_MAX_CHARS).contains(&chars),
        &fm.summary.span(),
        format!(
            "`summary` is {chars} characters; it must be {SUMMARY_MIN_CHARS} to {SUMMARY_MAX_CHARS}"
        ),
    );
    let sentences = count_sentences(&summary);
    check(
        sentences <= SUMMARY_MAX_SENTENCES,
        &fm.summary.span(),
        format!("`summary` has {sentences} sentences; at most {SUMMARY_MAX_SENTENCES} fit a hover"),
    );
    for (name, list) in [("aliases", &fm.aliases), ("tags", &fm.tags)] {
        for item in list {
            check(
                !item.get_ref().trim().is_empty(),
                &item.span(),
                format!("`{name}` has an empty entry"),
            );
        }
    }
    for problem in check_asked(&fm.asked) {
        check(false, &problem.0, problem.1);
    }
    for (name, list) in [("triggers", &fm.triggers), ("related", &fm.related)] {
        for item in list {
            check(
                is_kebab(item.get_ref()),
                &item.span(),
                format!("`{name}` entry {:?} is not a kebab-case id", item.get_ref()),
            );
        }
    }
    for item in &fm.related {
        check(
            item.get_ref() != fm.id.get_ref(),
            &item.span(),
            "`related` lists the topic itself".to_string(),
        );
    }
    check(
        !fm.references.is_empty(),
        &fm.id.span(),
        "no `[[references]]`: cite at least one official source".to_string(),
    );
    for r in &fm.references {
        let r_ref = r.get_ref();
        check(
            !r_ref.title.trim().is_empty(),
            &r.span(),
            "a reference has an empty `title`".to_string(),
        );
        check(
            is_https_url(&r_ref.url),
            &r.span(),
            format!("reference url {:?} is not an https URL", r_ref.url),
        );
    }

    let (key_points, problems) = super::cards::key_points(&fm.key_points);
    for problem in problems {
        check(false, &problem.0, problem.1);
    }
    let (cards, problems) = super::cards::cards(fm.cards, line_of);
    for problem in problems {
        check(false, &problem.0, problem.1);
    }

    errors.extend(check_body(path, layout.body, layout.body_line));
    if !errors.is_empty() {
        errors.sort_by_key(|e| e.line);
        return Err(errors);
    }

    Ok(Topic {
        lines: FieldLines {
            id: line_of(fm.id.span().start),
            related: fm.related.iter().map(|r| line_of(r.span().start)).collect(),
        },
        id: fm.id.into_inner(),
        title: normalize_ws(fm.title.get_ref()),
        module: fm.module.into_inner(),
        question: normalize_ws(fm.question.get_ref()),
        summary,
        asked: fm.asked.iter().map(|a| normalize_ws(a.get_ref())).collect(),
        aliases: fm.aliases.into_iter().map(Spanned::into_inner).collect(),
        tags: fm.tags.into_iter().map(Spanned::into_inner).collect(),
        triggers: fm.triggers.into_iter().map(Spanned::into_inner).collect(),
        related: fm.related.into_iter().map(Spanned::into_inner).collect(),
        references: fm
            .references
            .into_iter()
            .map(|r| {
                let r = r.into_inner();
                Reference {
                    title: r.title,
                    url: r.url,
                }
            })
            .collect(),
        versions: fm.versions.filter(|v| v != &Versions::default()),
        key_points,
        cards,
        body: layout.body.trim().replace("\r\n", "\n"),
        path: path.to_string(),
        origin,
    })
}

/// Problems with the `asked` list, each with the span to report: empty or
/// overlong entries, duplicates, more than [`ASKED_MAX`] entries.
fn check_asked(asked: &[Spanned<String>]) -> Vec<(std::ops::Range<usize>, String)> {
    let mut problems = Vec::new();
    let mut seen: Vec<String> = Vec::new();
    for (i, item) in asked.iter().enumerate() {
        let text = normalize_ws(item.get_ref());
        let chars = text.chars().count();
        let key = text.to_lowercase();
        if text.is_empty() {
            problems.push((item.span(), "`asked` has an empty entry".to_string()));
        } else if chars > ASKED_MAX_CHARS {
            problems.push((
                item.span(),
                format!("`asked` entry is {chars} characters; at most {ASKED_MAX_CHARS}"),
            ));
        } else if seen.contains(&key) {
            problems.push((item.span(), format!("`asked` repeats {text:?}")));
        }
        if i == ASKED_MAX {
            problems.push((
                item.span(),
                format!(
                    "`asked` has {} entries; at most {ASKED_MAX} (the ways people really ask)",
                    asked.len()
                ),
            ));
        }
        seen.push(key);
    }
    problems
}

fn split_front_matter(text: &str) -> Result<Layout<'_>, (usize, String)> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut lines = text.split_inclusive('\n');
    let first = lines.next().unwrap_or("");
    if first.trim_end() != "+++" {
        return Err((
            1,
            "a topic file starts with a `+++` line opening its TOML front matter".into(),
        ));
    }
    let toml_start = first.len();
    let mut offset = toml_start;
    for (line_no, line) in (2..).zip(lines) {
        if line.trim_end() == "+++" {
            return Ok(Layout {
                toml: &text[toml_start..offset],
                toml_line: 2,
                body: &text[offset + line.len()..],
                body_line: line_no + 1,
            });
        }
        offset += line.len();
    }
    Err((
        1,
        "the front matter opened here is never closed by a `+++` line".into(),
    ))
}

/// A heading found outside code fences.
struct Heading<'a> {
    level: usize,
    text: &'a str,
    line: usize,
}

/// Checks the body's section structure; returns every problem.
fn check_body(path: &str, body: &str, first_line: usize) -> Vec<TopicError> {
    let err = |line: usize, msg: String| TopicError::new(path, line, msg);
    let mut errors = Vec::new();
    let mut headings = Vec::new();
    // (line of the opening fence, has a language tag, index of the heading it follows)
    let mut fences: Vec<(usize, bool, Option<usize>)> = Vec::new();
    let mut open_fence: Option<(usize, &str)> = None;
    let mut bullets: Vec<Option<usize>> = Vec::new();
    let mut prose: Vec<Option<usize>> = Vec::new();

    for (i, raw) in body.lines().enumerate() {
        let line_no = first_line + i;
        let line = raw.trim_end();
        let trimmed = line.trim_start();
        let indent = line.len() - trimmed.len();
        if indent <= 3 && (trimmed.starts_with("```") || trimmed.starts_with("~~~")) {
            let marker = &trimmed[..3];
            match open_fence {
                Some((_, m))
                    if m == marker
                        && trimmed
                            .trim_end_matches(marker.chars().next().unwrap())
                            .is_empty() =>
                {
                    open_fence = None
                }
                Some(_) => {}
                None => {
                    let lang = trimmed
                        .trim_start_matches(marker.chars().next().unwrap())
                        .trim();
                    fences.push((line_no, !lang.is_empty(), headings.len().checked_sub(1)));
                    open_fence = Some((line_no, marker));
                }
            }
            continue;
        }
        if open_fence.is_some() {
            continue;
        }
        if let Some(level) = heading_level(trimmed) {
            headings.push(Heading {
                level,
                text: trimmed[level..].trim(),
                line: line_no,
            });
            continue;
        }
        if trimmed.starts_with("- ") || trimmed.starts_with("* ") {
            bullets.push(headings.len().checked_sub(1));
        } else if !trimmed.is_empty() {
            prose.push(headings.len().checked_sub(1));
        }
    }
    if let Some((line, _)) = open_fence {
        errors.push(err(line, "code fence opened here is never closed".into()));
    }

    let h2: Vec<(usize, &Heading)> = headings
        .iter()
        .enumerate()
        .filter(|(_, h)| h.level == 2)
        .collect();
    let position = |name: &str| h2.iter().position(|(_, h)| h.text == name);
    let mut last_pos = None;
    for name in REQUIRED_SECTIONS {
        match position(name) {
            None => errors.push(err(
                first_line,
                format!("the body has no `## {name}` section (required: ## Answer, ## Example, ## Pitfalls)"),
            )),
            Some(pos) => {
                if last_pos.is_some_and(|last| pos < last) {
                    errors.push(err(
                        h2[pos].1.line,
                        format!("`## {name}` is out of order (expected ## Answer, ## Example, ## Pitfalls)"),
                    ));
                }
                last_pos = Some(pos);
            }
        }
    }

    // The heading index range [start, end) that a `## name` section spans.
    let section = |name: &str| {
        position(name).map(|pos| {
            let start = h2[pos].0;
            let end = h2.get(pos + 1).map_or(headings.len(), |(i, _)| *i);
            (start, end)
        })
    };
    let in_range = |owner: Option<usize>, (start, end): (usize, usize)| {
        owner.is_some_and(|h| h >= start && h < end)
    };

    if let Some(range) = section("Answer")
        && !prose.iter().any(|&o| in_range(o, range))
    {
        errors.push(err(
            headings[range.0].line,
            "`## Answer` has no text".into(),
        ));
    }
    if let Some(range) = section("Pitfalls")
        && !bullets.iter().any(|&o| in_range(o, range))
    {
        errors.push(err(
            headings[range.0].line,
            "`## Pitfalls` needs a bullet list".into(),
        ));
    }
    if let Some((start, end)) = section("Example") {
        for part in EXAMPLE_PARTS {
            let found =
                (start + 1..end).find(|&i| headings[i].level == 3 && headings[i].text == part);
            match found {
                None => errors.push(err(
                    headings[start].line,
                    format!("`## Example` has no `### {part}` subsection"),
                )),
                Some(i) => {
                    let sub_end = (i + 1..end)
                        .find(|&j| headings[j].level <= 3)
                        .unwrap_or(end);
                    let blocks: Vec<_> = fences
                        .iter()
                        .filter(|(_, _, owner)| owner.is_some_and(|o| o >= i && o < sub_end))
                        .collect();
                    if blocks.is_empty() {
                        errors.push(err(
                            headings[i].line,
                            format!("`### {part}` has no fenced code block"),
                        ));
                    }
                    for (line, has_lang, _) in blocks {
                        if !has_lang {
                            errors.push(err(
                                *line,
                                "code block has no language tag (```python, ```sql, ...)".into(),
                            ));
                        }
                    }
                }
            }
        }
    }
    errors
}

fn heading_level(line: &str) -> Option<usize> {
    let level = line.bytes().take_while(|&b| b == b'#').count();
    ((1..=6).contains(&level) && line[level..].starts_with(' ')).then_some(level)
}

fn count_newlines(s: &str) -> usize {
    s.bytes().filter(|&b| b == b'\n').count()
}

/// Collapses runs of whitespace (summaries are often written as multi-line strings).
pub(crate) fn normalize_ws(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Counts sentences: a `.`, `!` or `?` followed by a space and a capital
/// letter, backtick or quote ends one (so "e.g. the" does not).
fn count_sentences(s: &str) -> usize {
    let chars: Vec<char> = s.chars().collect();
    let ends = chars
        .windows(3)
        .filter(|w| {
            matches!(w[0], '.' | '!' | '?')
                && w[1] == ' '
                && (w[2].is_uppercase() || matches!(w[2], '`' | '"' | '\''))
        })
        .count();
    usize::from(!s.is_empty()) + ends
}

pub(crate) fn is_kebab(s: &str) -> bool {
    !s.is_empty()
        && s.split('-').all(|part| {
            !part.is_empty()
                && part
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        })
}

fn is_https_url(url: &str) -> bool {
    url.strip_prefix("https://").is_some_and(|rest| {
        let host = rest.split(['/', '?', '#']).next().unwrap_or("");
        host.contains('.') && !url.chars().any(char::is_whitespace)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = r#"+++
id = "sample-topic"
title = "A sample"
module = "core-internals"
question = "What is a sample?"
summary = "A sample is a small, complete topic used by the tests of the parser."
aliases = ["example"]
related = ["other-topic"]

[[references]]
title = "Python docs"
url = "https://docs.python.org/3/"
+++

## Answer

Text.

## Example

### Bad

```python
x = 1
```

### Good

```python
x = 2
```

## Pitfalls

- One.
"#;

    /// Parses `text` and returns `path:line: message` lines, or "ok".
    fn check(text: &str, expect: &[&str]) {
        let got = match parse_topic("t.md", text, Origin::User) {
            Ok(_) => vec!["ok".to_string()],
            Err(errs) => errs.iter().map(ToString::to_string).collect(),
        };
        assert_eq!(got, expect, "for input:\n{text}");
    }

    #[test]
    fn accepts_a_complete_topic() {
        check(GOOD, &["ok"]);
        let t = parse_topic("t.md", GOOD, Origin::User).unwrap();
        assert_eq!(t.lines.id, 2);
        assert_eq!(t.lines.related, vec![8]);
        assert_eq!(t.related, vec!["other-topic"]);
    }

    #[test]
    fn reports_front_matter_problems_with_lines() {
        check(
            &GOOD.replace("id = \"sample-topic\"", "id = \"Sample_Topic\""),
            &["t.md:2: `id` \"Sample_Topic\" is not kebab-case (a-z, 0-9, '-')"],
        );
        check(
            &GOOD.replace("https://docs", "http://docs"),
            &["t.md:10: reference url \"http://docs.python.org/3/\" is not an https URL"],
        );
        check(
            &GOOD.replace("summary = \"A sample is a small, complete topic used by the tests of the parser.\"", "summary = \"Too short.\""),
            &["t.md:6: `summary` is 10 characters; it must be 40 to 400"],
        );
        check(
            &GOOD.replace("aliases", "alias"),
            &[
                "t.md:7: invalid front matter: unknown field `alias`, expected one of `id`, `title`, `module`, `question`, `summary`, `asked`, `aliases`, `tags`, `triggers`, `related`, `references`, `versions`, `key_points`, `cards`",
            ],
        );
        check(
            &GOOD.replace("question = \"What is a sample?\"\n", ""),
            &["t.md:2: invalid front matter: missing field `question`"],
        );
        check(
            &GOOD.replace("title = \"A sample\"", "title = \"A sample"),
            &["t.md:3: invalid front matter: invalid basic string, expected `\"`"],
        );
    }

    #[test]
    fn checks_asked_phrasings() {
        let with =
            |list: &str| GOOD.replace("aliases = ", &format!("asked = [{list}]\naliases = "));
        let t = parse_topic(
            "t.md",
            &with(r#""How do I   sample?", "sample broken""#),
            Origin::User,
        )
        .unwrap();
        assert_eq!(t.asked, vec!["How do I sample?", "sample broken"]);
        check(
            &with(r#""one", " ", "One""#),
            &[
                "t.md:7: `asked` has an empty entry",
                "t.md:7: `asked` repeats \"One\"",
            ],
        );
        let nine: Vec<String> = (0..9).map(|i| format!("\"ask {i}\"")).collect();
        check(
            &with(&nine.join(", ")),
            &["t.md:7: `asked` has 9 entries; at most 8 (the ways people really ask)"],
        );
        check(
            &with(&format!("\"{}\"", "long ".repeat(40))),
            &["t.md:7: `asked` entry is 199 characters; at most 160"],
        );
    }

    #[test]
    fn reports_summary_with_too_many_sentences() {
        let long =
            "summary = \"One thing is said. Another is said. A third is said. A fourth is said.\"";
        check(
            &GOOD.replace("summary = \"A sample is a small, complete topic used by the tests of the parser.\"", long),
            &["t.md:6: `summary` has 4 sentences; at most 3 fit a hover"],
        );
        assert_eq!(count_sentences("Use e.g. this. Then `that`."), 2);
    }

    #[test]
    fn reports_missing_front_matter() {
        check(
            "# Title\n",
            &["t.md:1: a topic file starts with a `+++` line opening its TOML front matter"],
        );
        check(
            "+++\nid = \"x\"\n",
            &["t.md:1: the front matter opened here is never closed by a `+++` line"],
        );
    }

    #[test]
    fn reports_body_structure() {
        check(
            &GOOD.replace("## Pitfalls\n\n- One.\n", ""),
            &[
                "t.md:14: the body has no `## Pitfalls` section (required: ## Answer, ## Example, ## Pitfalls)",
            ],
        );
        check(
            &GOOD.replace(
                "### Good\n\n```python\nx = 2\n```\n",
                "### Good\n\nnothing\n",
            ),
            &["t.md:27: `### Good` has no fenced code block"],
        );
        check(
            &GOOD.replace("```python\nx = 1", "```\nx = 1"),
            &["t.md:23: code block has no language tag (```python, ```sql, ...)"],
        );
        check(
            &GOOD.replace("- One.", "Just prose."),
            &["t.md:33: `## Pitfalls` needs a bullet list"],
        );
        check(
            &format!("{GOOD}\n```python\nopen fence\n"),
            &["t.md:37: code fence opened here is never closed"],
        );
    }

    #[test]
    fn headings_inside_code_do_not_count() {
        let text = GOOD.replace("x = 1", "## Pitfalls\n# comment");
        check(&text, &["ok"]);
    }

    #[test]
    fn accepts_crlf_and_bom() {
        let text = format!("\u{feff}{}", GOOD.replace('\n', "\r\n"));
        check(&text, &["ok"]);
    }
}
