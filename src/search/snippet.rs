//! Builds the excerpt shown under a hit: the part of the summary (else the
//! body) with most matched words, matches wrapped in `**`. Typos are
//! highlighted through the word of the topic they were matched to.

use std::collections::BTreeMap;

use tantivy::schema::Field;
use tantivy::snippet::{Snippet, SnippetGenerator};
use tantivy::tokenizer::TextAnalyzer;

use super::query::Plan;
use super::schema::analyze;
use crate::guide::Topic;
use crate::text;

const MAX_CHARS: usize = 180;

pub(crate) fn make(topic: &Topic, plan: &Plan, stem: &mut TextAnalyzer) -> String {
    let body = text::markdown_to_plain(&topic.body);
    let mut terms: BTreeMap<String, f32> =
        plan.highlight.iter().map(|t| (t.clone(), 1.0)).collect();
    if !plan.typos.is_empty() {
        let candidates = text::words(&format!("{} {} {}", topic.title, topic.summary, body));
        for (typo, distance) in &plan.typos {
            for part in typo.split('_') {
                if let Some(word) = candidates
                    .iter()
                    .find(|w| text::edit_distance(part, w, *distance).is_some_and(|d| d > 0))
                {
                    for s in analyze(stem, word) {
                        terms.insert(s, 1.0);
                    }
                }
            }
        }
    }
    let generator = SnippetGenerator::new(terms, stem.clone(), Field::from_field_id(0), MAX_CHARS);
    for source in [topic.summary.as_str(), body.as_str()] {
        let snippet = generator.snippet(source);
        if !snippet.highlighted().is_empty() {
            return render(&snippet);
        }
    }
    truncate_words(&topic.summary, MAX_CHARS)
}

/// The fragment with each highlighted range wrapped in `**`.
fn render(snippet: &Snippet) -> String {
    let fragment = snippet.fragment();
    let mut out = String::with_capacity(fragment.len() + 16);
    let mut last = 0;
    for range in snippet.highlighted() {
        out.push_str(&fragment[last..range.start]);
        out.push_str("**");
        out.push_str(&fragment[range.clone()]);
        out.push_str("**");
        last = range.end;
    }
    out.push_str(&fragment[last..]);
    out.split_whitespace().collect::<Vec<_>>().join(" ")
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
    use super::truncate_words;

    #[test]
    fn truncates_at_words() {
        assert_eq!(truncate_words("short", 10), "short");
        assert_eq!(truncate_words("one two three four", 10), "one two…");
    }
}
