//! Small pure text helpers shared by the guide and the search index:
//! Markdown to plain prose, code identifiers, words and edit distance; and
//! [`code_span`], the one way user text enters a Markdown message.
//! No IO, no tantivy.

/// Python keywords and builtins too common in code to say anything about a topic.
const IDENT_NOISE: &[&str] = &[
    "and", "as", "assert", "async", "await", "break", "class", "continue", "def", "del", "elif",
    "else", "except", "false", "finally", "for", "from", "global", "if", "import", "in", "is",
    "lambda", "none", "nonlocal", "not", "or", "pass", "raise", "return", "self", "true", "try",
    "while", "with", "yield", "print", "x", "y", "i", "n", "a", "b", "f", "s", "_",
];

/// The prose of a Markdown body: fenced code blocks and the headings named in
/// `omit_headings` dropped; heading marks, emphasis, backticks and link
/// targets removed; one line per source line.
pub fn markdown_to_plain(md: &str, omit_headings: &[&str]) -> String {
    let mut out = String::with_capacity(md.len());
    let mut in_fence = false;
    for line in md.lines() {
        let t = line.trim_start();
        if t.starts_with("```") || t.starts_with("~~~") {
            in_fence = !in_fence;
            continue;
        }
        if in_fence {
            continue;
        }
        let heading = t.starts_with('#');
        let t = t.trim_start_matches('#').trim_start();
        if heading && omit_headings.contains(&t) {
            continue;
        }
        let t = t
            .strip_prefix("- ")
            .or_else(|| t.strip_prefix("* "))
            .unwrap_or(t);
        if t.is_empty() {
            continue;
        }
        push_inline_plain(t, &mut out);
        out.push('\n');
    }
    out.trim_end().to_string()
}

/// Appends `line` without inline Markdown: `[text](url)` → `text`, and the
/// `` ` ``, `*` and `_`-emphasis marks (identifiers keep their underscores).
fn push_inline_plain(line: &str, out: &mut String) {
    let mut rest = line;
    while let Some(open) = rest.find('[') {
        let Some(close_rel) = rest[open..].find("](") else {
            break;
        };
        let close = open + close_rel;
        let Some(end_rel) = rest[close..].find(')') else {
            break;
        };
        push_without_marks(&rest[..open], out);
        push_without_marks(&rest[open + 1..close], out);
        rest = &rest[close + end_rel + 1..];
    }
    push_without_marks(rest, out);
}

fn push_without_marks(s: &str, out: &mut String) {
    out.extend(s.chars().filter(|c| !matches!(c, '`' | '*')));
}

/// Identifiers that appear in code: fenced blocks and inline `code` spans,
/// lower-cased, deduplicated, keywords and one-letter names left out.
pub fn code_identifiers(md: &str) -> Vec<String> {
    let mut code = String::new();
    let mut in_fence = false;
    for line in md.lines() {
        let t = line.trim_start();
        if t.starts_with("```") || t.starts_with("~~~") {
            in_fence = !in_fence;
            continue;
        }
        if in_fence {
            code.push_str(line);
            code.push('\n');
        } else {
            for (i, span) in line.split('`').enumerate() {
                if i % 2 == 1 {
                    code.push_str(span);
                    code.push('\n');
                }
            }
        }
    }
    let mut seen = std::collections::HashSet::new();
    identifiers(&code)
        .filter(|id| !IDENT_NOISE.contains(&id.as_str()) && seen.insert(id.clone()))
        .collect()
}

/// Every `[A-Za-z_][A-Za-z0-9_]*` run, lower-cased.
pub fn identifiers(s: &str) -> impl Iterator<Item = String> + '_ {
    s.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .filter(|w| w.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_'))
        .map(str::to_ascii_lowercase)
}

/// For bytes that are not UTF-8: the 1-based line of the first bad byte and
/// its byte offset, for messages that name the place.
pub fn utf8_error_line(e: &std::string::FromUtf8Error) -> (usize, usize) {
    let valid = e.utf8_error().valid_up_to();
    let line = 1 + e.as_bytes()[..valid]
        .iter()
        .filter(|&&b| b == b'\n')
        .count();
    (line, valid)
}

/// Lower-cased alphanumeric words (the same split as tantivy's simple tokenizer).
pub fn words(s: &str) -> Vec<String> {
    s.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

/// Optimal-string-alignment distance (Levenshtein plus adjacent
/// transpositions), or `None` when it exceeds `max`. Allocation-free for
/// ASCII words shorter than 64 bytes (what search compares by the thousand);
/// other text goes through `char`s.
pub fn edit_distance(a: &str, b: &str, max: usize) -> Option<usize> {
    const SHORT: usize = 64;
    if a.is_ascii() && b.is_ascii() && b.len() < SHORT {
        let mut rows = [[0usize; SHORT]; 3];
        return osa(a.as_bytes(), b.as_bytes(), max, &mut rows);
    }
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let row = || vec![0usize; b.len() + 1];
    osa(&a, &b, max, &mut [row(), row(), row()])
}

/// The distance over any symbols, with three caller-provided rows of at
/// least `b.len() + 1` cells.
fn osa<T: PartialEq, R: AsMut<[usize]>>(
    a: &[T],
    b: &[T],
    max: usize,
    rows: &mut [R; 3],
) -> Option<usize> {
    if a.len().abs_diff(b.len()) > max {
        return None;
    }
    let width = b.len() + 1;
    let [prev2, prev, cur] = rows;
    let (mut prev2, mut prev, mut cur) = (
        &mut prev2.as_mut()[..width],
        &mut prev.as_mut()[..width],
        &mut cur.as_mut()[..width],
    );
    for (j, cell) in prev.iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        cur[0] = i;
        let mut row_min = cur[0];
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut d = (prev[j] + 1).min(cur[j - 1] + 1).min(prev[j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                d = d.min(prev2[j - 2] + 1);
            }
            cur[j] = d;
            row_min = row_min.min(d);
        }
        if row_min > max {
            return None;
        }
        std::mem::swap(&mut prev2, &mut prev);
        std::mem::swap(&mut prev, &mut cur);
    }
    let d = prev[b.len()];
    (d <= max).then_some(d)
}

/// The most characters of user code a message quotes.
const QUOTE_CHARS: usize = 80;

/// `code` (text from the user's file) as a Markdown code span that nothing
/// inside can end: the fence is one backtick longer than the longest run of
/// backticks in it, padded with spaces when the text starts or ends with a
/// backtick. Line breaks become spaces (a code span cannot hold a blank
/// line, and a line break would let the block structure see the rest) and
/// text longer than 80 characters is cut with `…`. Inside a code span
/// CommonMark renders no link, image, HTML or emphasis: this is how every
/// piece of user code enters a message.
pub fn code_span(code: &str) -> String {
    let mut flat: String = code
        .chars()
        .map(|c| if matches!(c, '\n' | '\r') { ' ' } else { c })
        .take(QUOTE_CHARS + 1)
        .collect();
    if flat.chars().count() > QUOTE_CHARS {
        let cut = flat
            .char_indices()
            .nth(QUOTE_CHARS - 1)
            .map_or(flat.len(), |(i, _)| i);
        flat.truncate(cut);
        flat.push('…');
    }
    let longest = flat.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat(longest + 1);
    let pad = if flat.starts_with('`')
        || flat.ends_with('`')
        || (flat.starts_with(' ') && flat.ends_with(' ') && !flat.trim().is_empty())
    {
        " "
    } else {
        ""
    };
    if flat.trim().is_empty() {
        // An all-space span would lose its spaces; say what it is.
        return format!("`{}`", if flat.is_empty() { "''" } else { "' '" });
    }
    format!("{fence}{pad}{flat}{pad}{fence}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_drops_code_and_marks() {
        let md = "## Answer\n\nUse `select_related` and **JOINs**, see [docs](https://x.y).\n\n```python\nqs = 1\n```\n### Bounding\n- item";
        assert_eq!(
            markdown_to_plain(md, &["Answer"]),
            "Use select_related and JOINs, see docs.\nBounding\nitem"
        );
    }

    #[test]
    fn identifiers_come_from_code_only() {
        let md = "Prose words `Book.objects.select_related(\"author\")`.\n```python\nfor book in qs:\n    print(book.author)\n```";
        assert_eq!(
            code_identifiers(md),
            vec!["book", "objects", "select_related", "author", "qs"]
        );
    }

    #[test]
    fn edit_distance_table() {
        for (a, b, max, want) in [
            ("decoratr", "decorator", 1, Some(1)),
            ("relatd", "related", 1, Some(1)),
            ("gahter", "gather", 1, Some(1)),
            ("gather", "gather", 0, Some(0)),
            ("gil", "mro", 1, None),
            ("abc", "abcdef", 2, None),
            ("", "ab", 2, Some(2)),
            // Non-ASCII goes through chars: one edit, not two bytes.
            ("café", "cafe", 1, Some(1)),
            ("naïve", "naive", 1, Some(1)),
        ] {
            assert_eq!(edit_distance(a, b, max), want, "{a} vs {b}");
        }
        // Past the allocation-free width, the same answers.
        let long = "select_related_".repeat(6);
        let typo = long.replacen("related", "relatde", 1);
        assert_eq!(edit_distance(&typo, &long, 2), Some(1));
        assert_eq!(edit_distance(&long, &long, 0), Some(0));
    }

    #[test]
    fn words_split_like_the_tokenizer() {
        assert_eq!(
            words("N+1 in select_related()"),
            vec!["n", "1", "in", "select", "related"]
        );
    }

    #[test]
    fn code_spans_hold_any_text() {
        assert_eq!(code_span("x == 1"), "`x == 1`");
        assert_eq!(code_span("a`b"), "``a`b``");
        assert_eq!(code_span("`x`"), "`` `x` ``");
        assert_eq!(code_span("a\nb\r\nc"), "`a b  c`");
        let long = "x".repeat(200);
        assert_eq!(code_span(&long), format!("`{}…`", "x".repeat(79)));
    }
}
