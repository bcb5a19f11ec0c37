//! Builds the excerpt shown under a hit: the part of the summary (else the
//! body) with most matched words, matches wrapped in `**`. Typos are
//! highlighted through the word of the topic they were matched to.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use tantivy::schema::Field;
use tantivy::snippet::{Snippet, SnippetGenerator};
use tantivy::tokenizer::TextAnalyzer;

use super::query::Plan;
use super::schema::analyze;
use crate::guide::{STANDARD_HEADINGS, Topic};
use crate::text;

const MAX_CHARS: usize = 180;

/// A topic's body as plain text, and the same text ASCII-lowercased for a
/// case-insensitive search (ASCII lowercasing keeps every byte offset).
pub(crate) struct PlainBody {
    text: String,
    lower: String,
}

impl PlainBody {
    fn of(topic: &Topic) -> PlainBody {
        let text = text::markdown_to_plain(&topic.body, &STANDARD_HEADINGS);
        let lower = text.to_ascii_lowercase();
        PlainBody { text, lower }
    }
}

/// What snippets need of a topic, made the first time it is a hit.
#[derive(Default)]
pub(crate) struct TopicCache {
    plain: OnceLock<PlainBody>,
    candidates: OnceLock<Box<[String]>>,
}

/// Snippets for the hits of one query: the query's highlight terms and
/// their generator are made once, not once per hit.
pub(crate) struct Snippets<'p> {
    plan: &'p Plan,
    terms: BTreeMap<String, f32>,
    generator: SnippetGenerator,
}

impl<'p> Snippets<'p> {
    pub fn new(plan: &'p Plan, stem: &TextAnalyzer) -> Snippets<'p> {
        let terms = highlight_terms(plan);
        Snippets {
            plan,
            generator: generator(terms.clone(), stem),
            terms,
        }
    }

    /// The excerpt for `topic`; `cache` gives the topic's cached plain body
    /// and typo candidates.
    pub fn make<'t>(
        &mut self,
        topic: &Topic,
        cache: impl FnOnce() -> &'t TopicCache,
        stem: &mut TextAnalyzer,
    ) -> String {
        let cache = cache();
        let typo_words = if self.plan.typos.is_empty() {
            Vec::new()
        } else {
            let candidates = cache.candidates.get_or_init(|| typo_candidates(topic));
            corrections(candidates, &self.plan.typos)
        };
        let own;
        let (terms, generator) = if typo_words.is_empty() {
            (&self.terms, &self.generator)
        } else {
            let mut terms = self.terms.clone();
            for word in typo_words {
                for s in analyze(stem, &word) {
                    terms.insert(s, 1.0);
                }
            }
            own = (generator(terms.clone(), stem), terms);
            (&own.1, &own.0)
        };
        let snippet = generator.snippet(&topic.summary);
        if !snippet.highlighted().is_empty() {
            return render(&snippet, topic.summary.len(), false);
        }
        // Stemming a whole body per hit is the dominant cost of a search, so the
        // body snippet is cut from a window around the first place a term occurs.
        let body = cache.plain.get_or_init(|| PlainBody::of(topic));
        if let Some(window) = window_around_first(body, terms.keys()) {
            let snippet = generator.snippet(window);
            if !snippet.highlighted().is_empty() {
                let cut_before = window.as_ptr() != body.text.as_ptr();
                return render(&snippet, window.len(), cut_before);
            }
        }
        truncate_words(&topic.summary, MAX_CHARS)
    }
}

fn highlight_terms(plan: &Plan) -> BTreeMap<String, f32> {
    plan.highlight.iter().map(|t| (t.clone(), 1.0)).collect()
}

fn generator(terms: BTreeMap<String, f32>, stem: &TextAnalyzer) -> SnippetGenerator {
    SnippetGenerator::new(terms, stem.clone(), Field::from_field_id(0), MAX_CHARS)
}

/// The sorted, unique words of the fields typos are fuzzy-matched in (the
/// `raw` field: title, question, summary, aliases, tags), per topic.
pub(crate) fn typo_candidates(topic: &Topic) -> Box<[String]> {
    let mut candidates: Vec<String> = [&topic.title, &topic.question, &topic.summary]
        .into_iter()
        .chain(&topic.aliases)
        .chain(&topic.tags)
        .flat_map(|s| text::words(s))
        .collect();
    candidates.sort_unstable();
    candidates.dedup();
    candidates.into_boxed_slice()
}

/// The words of `candidates` (a topic's [`typo_candidates`]) that each typo
/// was matched to.
fn corrections(candidates: &[String], typos: &[(String, usize)]) -> Vec<String> {
    let mut found = Vec::new();
    for (typo, distance) in typos {
        for part in typo.split('_').filter(|p| !p.is_empty()) {
            if let Some(word) = candidates
                .iter()
                .find(|w| text::edit_distance(part, w, *distance).is_some_and(|d| d > 0))
            {
                found.push(word.clone());
            }
        }
    }
    found
}

/// About `2 * MAX_CHARS` bytes of `body` from shortly before the first
/// (ASCII case-insensitive) occurrence of any of `stems`.
fn window_around_first<'a>(
    plain: &'a PlainBody,
    stems: impl Iterator<Item = &'a String>,
) -> Option<&'a str> {
    let (body, lower) = (plain.text.as_str(), plain.lower.as_str());
    let first = stems.filter_map(|s| lower.find(s.as_str())).min()?;
    let mut start = first.saturating_sub(MAX_CHARS / 2);
    while !body.is_char_boundary(start) {
        start -= 1;
    }
    // Start on a word: after the first whitespace at or past `start`, unless
    // that would skip the match itself.
    if start > 0
        && let Some(ws) = body[start..first].find(char::is_whitespace)
    {
        start += ws + 1;
    }
    let mut end = (first + 2 * MAX_CHARS).min(body.len());
    while !body.is_char_boundary(end) {
        end += 1;
    }
    Some(&body[start..end])
}

/// The fragment with each highlighted range wrapped in `**`, and an
/// ellipsis on each side where text of the source (`source_len` bytes long,
/// itself cut from a longer text when `cut_before`) was left out.
fn render(snippet: &Snippet, source_len: usize, cut_before: bool) -> String {
    let fragment = snippet.fragment();
    let range = snippet.fragment_range();
    let mut out = String::with_capacity(fragment.len() + 16);
    if range.start > 0 || cut_before {
        out.push('…');
    }
    let mut last = 0;
    for hl in snippet.highlighted() {
        out.push_str(&fragment[last..hl.start]);
        out.push_str("**");
        out.push_str(&fragment[hl.clone()]);
        out.push_str("**");
        last = hl.end;
    }
    out.push_str(&fragment[last..]);
    let mut out = out.split_whitespace().collect::<Vec<_>>().join(" ");
    if range.end < source_len {
        out.push('…');
    }
    out
}

/// At most `max` characters, cut at a word boundary, with an ellipsis when cut.
pub(crate) fn truncate_words(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_string();
    }
    let mut out = String::new();
    for word in s.split_whitespace() {
        if out.chars().count() + word.chars().count() + 1 > max {
            break;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out.push('…');
    out
}

#[cfg(test)]
mod tests {
    use super::{PlainBody, truncate_words, window_around_first};

    #[test]
    fn window_starts_near_the_first_match() {
        let body = format!(
            "{}Select_related joins é{}",
            "x ".repeat(200),
            "y ".repeat(400)
        );
        let lower = body.to_ascii_lowercase();
        let body = PlainBody { text: body, lower };
        let stems = ["select".to_string(), "absent".to_string()];
        let w = window_around_first(&body, stems.iter()).unwrap();
        assert!(w.contains("Select_related joins é"));
        assert!(w.starts_with("x "), "starts on a word: {w:?}");
        assert!(w.len() <= 2 * super::MAX_CHARS + super::MAX_CHARS / 2 + 4);
        assert_eq!(
            window_around_first(&body, ["absent".to_string()].iter()),
            None
        );
    }

    #[test]
    fn truncates_at_words() {
        assert_eq!(truncate_words("short", 10), "short");
        assert_eq!(truncate_words("one two three four", 10), "one two…");
    }
}
