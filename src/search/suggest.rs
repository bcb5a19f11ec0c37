//! "Did you mean": when nothing scores well, the topics whose title, `asked`
//! phrasings or aliases look most like the query, by shared character
//! trigrams (so a half-remembered or misspelt phrase still lands near).
//! Pure; scans the guide, which only happens on a miss.

use crate::guide::Topic;

/// The least similarity (Dice coefficient of trigram sets) worth offering.
const MIN_SIMILARITY: f32 = 0.12;

/// A topic near the query and the phrasing of it that was nearest.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Near<'a> {
    pub ord: usize,
    pub similarity: f32,
    pub phrase: &'a str,
}

/// The `limit` topics nearest to `query`, nearest first.
pub(crate) fn nearest<'a>(query: &str, topics: &'a [Topic], limit: usize) -> Vec<Near<'a>> {
    let wanted = trigrams(query);
    if wanted.is_empty() || limit == 0 {
        return Vec::new();
    }
    let mut found: Vec<Near> = topics
        .iter()
        .enumerate()
        .filter_map(|(ord, t)| {
            std::iter::once(&t.title)
                .chain(&t.asked)
                .chain(&t.aliases)
                .map(|p| (dice(&wanted, &trigrams(p)), p.as_str()))
                .max_by(|a, b| a.0.total_cmp(&b.0))
                .filter(|(s, _)| *s >= MIN_SIMILARITY)
                .map(|(similarity, phrase)| Near {
                    ord,
                    similarity,
                    phrase,
                })
        })
        .collect();
    found.sort_by(|a, b| {
        b.similarity
            .total_cmp(&a.similarity)
            .then(a.ord.cmp(&b.ord))
    });
    found.truncate(limit);
    found
}

/// Sorted, unique character trigrams of the lower-cased words, each word
/// padded with spaces (so short words and word starts count).
fn trigrams(text: &str) -> Vec<[char; 3]> {
    let mut out = Vec::new();
    for word in text
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
    {
        let chars: Vec<char> = std::iter::once(' ')
            .chain(word.chars().flat_map(char::to_lowercase))
            .chain(std::iter::once(' '))
            .collect();
        out.extend(chars.windows(3).map(|w| [w[0], w[1], w[2]]));
    }
    out.sort_unstable();
    out.dedup();
    out
}

/// 2|A∩B| / (|A|+|B|) of two sorted unique lists.
fn dice(a: &[[char; 3]], b: &[[char; 3]]) -> f32 {
    if a.is_empty() || b.is_empty() {
        return 0.0;
    }
    let (mut i, mut j, mut shared) = (0, 0, 0usize);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                shared += 1;
                i += 1;
                j += 1;
            }
        }
    }
    2.0 * shared as f32 / (a.len() + b.len()) as f32
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn similar_phrases_score_higher() {
        let q = trigrams("midleware ordr");
        assert!(dice(&q, &trigrams("middleware order")) > 0.5);
        assert!(dice(&q, &trigrams("metaclass conflict")) < 0.15);
        assert_eq!(dice(&q, &[]), 0.0);
        assert_eq!(trigrams("?!"), Vec::<[char; 3]>::new());
    }
}
