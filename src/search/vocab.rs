//! The words that name topics (titles, aliases, tags: the `raw_key`
//! field's term dictionary), for query-time
//! correction: a typo becomes the nearest real words, a prefix the words it
//! starts, and both are then searched like typed words, so they are ranked
//! by field and frequency instead of scoring a flat constant.

use crate::text;

/// How many words a prefix expands to at most (shortest first).
const MAX_PREFIX_EXPANSIONS: usize = 8;
/// How many corrections a typo gets at most.
const MAX_CORRECTIONS: usize = 4;

/// Sorted, deduplicated lower-case words.
#[derive(Debug, Default)]
pub(crate) struct Vocabulary {
    words: Vec<String>,
}

impl Vocabulary {
    /// From words already sorted and unique (a term dictionary's order).
    pub fn from_sorted(words: Vec<String>) -> Vocabulary {
        Vocabulary {
            words: words
                .into_iter()
                .filter(|w| w.chars().count() >= 3)
                .collect(),
        }
    }

    /// Words that start with `prefix` (not `prefix` itself), shortest first.
    pub fn expand_prefix(&self, prefix: &str) -> Vec<&str> {
        let start = self.words.partition_point(|w| w.as_str() < prefix);
        let mut found: Vec<&str> = self.words[start..]
            .iter()
            .take_while(|w| w.starts_with(prefix))
            .map(String::as_str)
            .filter(|w| *w != prefix)
            .collect();
        found.sort_by_key(|w| (w.len(), *w));
        found.truncate(MAX_PREFIX_EXPANSIONS);
        found
    }

    /// The words nearest to `typo` within `max` edits (those at the smallest
    /// distance only). Words must share the first letter: typos there are
    /// rare, and it keeps this a scan of one letter's words.
    pub fn correct(&self, typo: &str, max: usize) -> Vec<&str> {
        let Some(first) = typo.chars().next() else {
            return Vec::new();
        };
        let mut buf = [0u8; 4];
        let lead: &str = first.encode_utf8(&mut buf);
        let start = self.words.partition_point(|w| w.as_str() < lead);
        let mut best = max + 1;
        let mut found = Vec::new();
        for w in self.words[start..]
            .iter()
            .take_while(|w| w.starts_with(first))
        {
            if let Some(d) = text::edit_distance(typo, w, best.min(max)) {
                if d == 0 {
                    return Vec::new(); // not a typo
                }
                if d < best {
                    best = d;
                    found.clear();
                }
                found.push(w.as_str());
            }
        }
        found.truncate(MAX_CORRECTIONS);
        found
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vocab(words: &[&str]) -> Vocabulary {
        let mut words: Vec<String> = words.iter().map(|s| s.to_string()).collect();
        words.sort();
        Vocabulary { words }
    }

    #[test]
    fn prefixes_expand_shortest_first() {
        let v = vocab(&["prefer", "prefetch", "prefetched", "prefix", "select"]);
        assert_eq!(
            v.expand_prefix("prefe"),
            vec!["prefer", "prefetch", "prefetched"]
        );
        assert_eq!(v.expand_prefix("zzz"), Vec::<&str>::new());
    }

    #[test]
    fn typos_correct_to_the_nearest_words() {
        let v = vocab(&["decorator", "decorators", "declare", "gather", "gil"]);
        assert_eq!(v.correct("decoratr", 1), vec!["decorator"]);
        assert_eq!(v.correct("decoratr", 2), vec!["decorator"]);
        assert_eq!(v.correct("gahter", 1), vec!["gather"]);
        assert_eq!(v.correct("gather", 1), Vec::<&str>::new());
        assert_eq!(v.correct("xyz", 1), Vec::<&str>::new());
    }
}
