//! Reads what a query says beyond its words: operators and syntax (`==`,
//! `:=`, `@`, `*args`, `except*`, dunder names, ...) become the words that
//! name them, quoted words (`'is'`) keep their meaning even when they are
//! stop words, and phrases such as "under the hood" or "in simple terms" say
//! how deep an answer the user wants. Pure text in, plain data out.

/// How deep an answer the query asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) enum Depth {
    #[default]
    Any,
    /// "under the hood", "internals", "implemented", "how ... works inside".
    Deep,
    /// "in simple terms", "beginner", "explain simply".
    Simple,
}

/// A query with its symbols read.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Reading {
    /// Words standing for the symbols found, each with its weight relative
    /// to a typed word (1.0).
    pub extra: Vec<(&'static str, f32)>,
    /// Words that were quoted (`'is'`, "`with`"): never dropped as stop words.
    pub quoted: Vec<String>,
    pub depth: Depth,
}

/// Operators and syntax, longest first, with the words they stand for.
/// `pattern` must appear as typed (ASCII); `needs_space_before` for those
/// that would otherwise match inside longer operators.
const SYMBOLS: &[(&str, &[&str])] = &[
    ("**kwargs", &["kwargs", "args", "arguments"]),
    ("*args", &["args", "kwargs", "arguments"]),
    ("except*", &["exceptiongroup", "except"]),
    (":=", &["walrus", "assignment", "expression"]),
    ("==", &["equality"]),
    ("!=", &["equality"]),
    ("+=", &["atomic", "increment"]),
    ("-=", &["atomic", "increment"]),
    ("->", &["annotations", "type", "hints"]),
];

/// Idioms for "not concurrently", as the words the guide uses.
const SEQUENTIAL_PHRASES: &[&str] = &["one by one", "one after another", "one at a time"];

/// Phrases that ask for the internals.
const DEEP_PHRASES: &[&str] = &[
    "under the hood",
    "internals",
    "internally",
    "implemented",
    "implementation",
    "inside cpython",
    "how it works inside",
];
/// Phrases that ask for the simple version.
const SIMPLE_PHRASES: &[&str] = &[
    "simple terms",
    "simply",
    "beginner",
    "for dummies",
    "eli5",
    "explain like",
    "in plain english",
];

/// Reads `input`'s symbols, quoted words and depth.
pub(crate) fn read(input: &str) -> Reading {
    let mut reading = Reading::default();
    let lower = input.to_lowercase();
    for (pattern, words) in SYMBOLS {
        if lower.contains(pattern) {
            push(&mut reading, words, 1.0);
        }
    }
    let tokens = tokens(&lower);
    let is_word = |t: &str| t.chars().all(|c| c.is_alphanumeric() || c == '_') && !t.is_empty();
    // `is` / `is not` next to `==`, or quoted: identity.
    let has_is = tokens.iter().any(|t| strip_quotes(t) == "is");
    let only_is_not = tokens
        .iter()
        .all(|t| matches!(strip_quotes(t), "is" | "not"));
    if has_is && (lower.contains("==") || lower.contains("!=") || quoted_is(&tokens) || only_is_not)
    {
        push(&mut reading, &["identity", "equality"], 1.0);
    }
    for (i, t) in tokens.iter().enumerate() {
        let bare = strip_quotes(t);
        if bare.len() < t.len() && is_word(bare) {
            reading.quoted.push(bare.to_string());
        }
        if let Some(name) = bare.strip_prefix('@') {
            if name.is_empty() {
                // `a @ b` between names is matrix multiplication; a bare `@` the decorator syntax.
                let between = i > 0
                    && i + 1 < tokens.len()
                    && is_word(tokens[i - 1])
                    && is_word(tokens[i + 1])
                    && !is_prose(tokens[i - 1])
                    && !is_prose(tokens[i + 1]);
                if between {
                    push(
                        &mut reading,
                        &["__matmul__", "operator", "overloading"],
                        1.0,
                    );
                } else {
                    push(&mut reading, &["decorator"], 1.0);
                }
            } else if is_word(name) {
                // `@property`, `@dataclass`: the name says more than "decorator".
                push(&mut reading, &["decorator"], 0.3);
            }
        }
        if is_dunder(bare) {
            push(&mut reading, &["dunder"], 0.3);
        }
        let next = tokens.get(i + 1).map(|n| strip_quotes(n));
        match (bare, next) {
            ("async", Some("for")) => push(&mut reading, &["__aiter__", "iterator"], 0.5),
            ("async", Some("with")) => push(&mut reading, &["__aenter__", "context"], 0.5),
            ("yield", Some("from")) => push(&mut reading, &["generator", "delegation"], 0.5),
            ("yield", _) => push(&mut reading, &["generator"], 0.5),
            ("with", Some("statement")) => push(&mut reading, &["context", "manager"], 0.5),
            // A query that starts like a `with` statement.
            ("with", Some(_)) if i == 0 => push(&mut reading, &["context", "manager"], 1.0),
            _ => {}
        }
    }
    if SEQUENTIAL_PHRASES.iter().any(|p| lower.contains(p)) {
        push(&mut reading, &["sequential", "concurrently"], 1.0);
    }
    reading.depth = depth(&lower);
    reading
}

/// Adds `words` (once each) at `weight`.
fn push(reading: &mut Reading, words: &[&'static str], weight: f32) {
    for w in words {
        if !reading.extra.iter().any(|(e, _)| e == w) {
            reading.extra.push((w, weight));
        }
    }
}

/// Whitespace-separated tokens, with `@` split from a following name only
/// when written apart (`@ decorator` stays two tokens, `@property` one).
fn tokens(lower: &str) -> Vec<&str> {
    lower
        .split_whitespace()
        .map(|t| t.trim_end_matches(['?', ',', '.', '!', ';', ':']))
        .filter(|t| !t.is_empty())
        .collect()
}

/// Words that sit around a bare `@` in prose ("what does @ do").
fn is_prose(word: &str) -> bool {
    matches!(
        word,
        "what" | "does" | "do" | "the" | "is" | "symbol" | "sign" | "mean" | "means"
    )
}

fn quoted_is(tokens: &[&str]) -> bool {
    tokens
        .iter()
        .any(|t| strip_quotes(t) == "is" && strip_quotes(t).len() < t.len())
}

/// The token without one pair of surrounding quotes or backticks.
fn strip_quotes(token: &str) -> &str {
    for q in ['\'', '"', '`', '‘', '“'] {
        let close = match q {
            '‘' => '’',
            '“' => '”',
            c => c,
        };
        if let Some(inner) = token.strip_prefix(q).and_then(|t| t.strip_suffix(close))
            && !inner.is_empty()
        {
            return inner;
        }
    }
    token
}

fn is_dunder(word: &str) -> bool {
    word.len() > 4
        && word.starts_with("__")
        && word.ends_with("__")
        && word[2..word.len() - 2]
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_')
}

fn depth(lower: &str) -> Depth {
    if DEEP_PHRASES.iter().any(|p| lower.contains(p)) {
        Depth::Deep
    } else if SIMPLE_PHRASES.iter().any(|p| lower.contains(p)) {
        Depth::Simple
    } else {
        Depth::Any
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(input: &str) -> Vec<&'static str> {
        read(input).extra.into_iter().map(|(w, _)| w).collect()
    }

    #[test]
    fn operators_become_words() {
        assert_eq!(words("=="), vec!["equality"]);
        assert_eq!(words("x := 5"), vec!["walrus", "assignment", "expression"]);
        assert_eq!(words("@"), vec!["decorator"]);
        assert_eq!(words("what does @ do"), vec!["decorator"]);
        assert_eq!(
            words("a @ b"),
            vec!["__matmul__", "operator", "overloading"]
        );
        assert_eq!(words("*args and **kwargs")[..2], ["kwargs", "args"]);
        assert_eq!(
            words("except* ValueError"),
            vec!["exceptiongroup", "except"]
        );
        assert_eq!(words("plain words"), Vec::<&str>::new());
    }

    #[test]
    fn is_next_to_equality_or_quoted_means_identity() {
        assert_eq!(words("is vs =="), vec!["equality", "identity"]);
        assert_eq!(
            read("difference between 'is' and '=='").quoted,
            vec!["is".to_string()]
        );
        assert!(words("`is` or equals").contains(&"identity"));
        assert!(!words("what is a closure").contains(&"identity"));
    }

    #[test]
    fn keywords_and_dunders_add_their_construct() {
        assert!(words("async for loop").contains(&"__aiter__"));
        assert!(words("async with session").contains(&"__aenter__"));
        assert!(words("yield from").contains(&"delegation"));
        assert_eq!(read("__eq__").extra, vec![("dunder", 0.3)]);
        assert_eq!(read("@property").extra, vec![("decorator", 0.3)]);
    }

    #[test]
    fn idioms_and_statements_become_words() {
        assert_eq!(
            words("requests run one by one"),
            vec!["sequential", "concurrently"]
        );
        assert_eq!(words("with open(p) as f"), vec!["context", "manager"]);
        assert_eq!(words("is not"), vec!["identity", "equality"]);
    }

    #[test]
    fn depth_is_read_from_phrases() {
        assert_eq!(
            read("How are decorators implemented under the hood?").depth,
            Depth::Deep
        );
        assert_eq!(read("decorators in simple terms").depth, Depth::Simple);
        assert_eq!(read("decorators").depth, Depth::Any);
    }
}
