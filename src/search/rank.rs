//! Re-ranks the index's best candidates with what BM25 cannot see: a topic
//! whose title, question, `asked` phrasings, aliases or tags contain the
//! query's words beats one that only mentions them in its body; a query
//! that asks for the internals ("under the hood") prefers the deeper of two
//! related topics, one that asks "in simple terms" the simpler; near ties go
//! to the topic linked (`related`) with more of the other hits. Pure.

use crate::guide::Topic;

use super::symbols::Depth;

/// A topic that matched, with its score.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Candidate {
    /// Position of the topic in the guide.
    pub ord: usize,
    pub score: f32,
    /// Share of the query's words found in the topic's key text (0..=1).
    pub key_share: f32,
}

/// Score kept by a topic that matches none of the query's words in its key
/// text (a body mention only); one that matches all keeps its whole score.
const BODY_ONLY_FACTOR: f32 = 0.45;
/// A simpler topic asked for in depth (or the reverse) ranks just below its
/// sibling.
const SIBLING_FACTOR: f32 = 0.97;
/// Bonus per `related` link to another of the leading hits (at most
/// [`MAX_LINKS`] counted): enough to break a near tie, not to reorder.
const LINK_BONUS: f32 = 0.015;
const MAX_LINKS: usize = 3;
/// How many leading hits count as "the other hits" for links.
const LINK_WINDOW: usize = 8;

/// Whether a topic is the introductory one of its subject: the `screening`
/// module's quick questions, or tagged `beginner`.
pub(crate) fn is_simple(topic: &Topic) -> bool {
    topic.module == "screening" || topic.tags.iter().any(|t| t == "beginner")
}

fn linked(a: &Topic, b: &Topic) -> bool {
    a.related.contains(&b.id) || b.related.contains(&a.id)
}

/// Re-scores and sorts `candidates` (best first).
pub(crate) fn rerank(candidates: &mut [Candidate], topics: &[Topic], depth: Depth) {
    for c in candidates.iter_mut() {
        c.score *= BODY_ONLY_FACTOR + (1.0 - BODY_ONLY_FACTOR) * c.key_share;
    }
    sort(candidates);
    let leading: Vec<usize> = candidates.iter().take(LINK_WINDOW).map(|c| c.ord).collect();
    for c in candidates.iter_mut() {
        let topic = &topics[c.ord];
        let links = leading
            .iter()
            .filter(|&&o| o != c.ord && linked(topic, &topics[o]))
            .count()
            .min(MAX_LINKS);
        c.score *= 1.0 + LINK_BONUS * links as f32;
    }
    sort(candidates);
    if depth != Depth::Any {
        prefer_depth(candidates, topics, depth);
        sort(candidates);
    }
}

/// Puts each unwanted sibling (the simple one of a related pair when the
/// query asks for depth, the deep one when it asks for simplicity) just
/// below its wanted sibling.
fn prefer_depth(candidates: &mut [Candidate], topics: &[Topic], depth: Depth) {
    let wanted = |t: &Topic| match depth {
        Depth::Deep => !is_simple(t),
        Depth::Simple => is_simple(t),
        Depth::Any => true,
    };
    for i in 0..candidates.len() {
        let topic = &topics[candidates[i].ord];
        if wanted(topic) {
            continue;
        }
        let sibling_score = candidates
            .iter()
            .filter(|c| wanted(&topics[c.ord]) && linked(topic, &topics[c.ord]))
            .map(|c| c.score)
            .fold(None, |best: Option<f32>, s| {
                Some(best.map_or(s, |b| b.max(s)))
            });
        if let Some(s) = sibling_score
            && candidates[i].score >= s
        {
            candidates[i].score = s * SIBLING_FACTOR;
        }
    }
}

fn sort(candidates: &mut [Candidate]) {
    candidates.sort_by(|a, b| b.score.total_cmp(&a.score).then(a.ord.cmp(&b.ord)));
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::guide::{FieldLines, Origin};

    fn topic(id: &str, module: &str, related: &[&str]) -> Topic {
        Topic {
            id: id.into(),
            title: id.into(),
            module: module.into(),
            question: String::new(),
            summary: String::new(),
            asked: vec![],
            aliases: vec![],
            tags: vec![],
            triggers: vec![],
            related: related.iter().map(|s| s.to_string()).collect(),
            references: vec![],
            versions: None,
            key_points: vec![],
            cards: vec![],
            body: String::new(),
            path: String::new(),
            origin: Origin::Builtin,
            lines: FieldLines::default(),
        }
    }

    fn cand(ord: usize, score: f32, key_share: f32) -> Candidate {
        Candidate {
            ord,
            score,
            key_share,
        }
    }

    fn order(c: &[Candidate]) -> Vec<usize> {
        c.iter().map(|c| c.ord).collect()
    }

    #[test]
    fn a_key_match_beats_a_body_mention() {
        let topics = vec![topic("a", "m", &[]), topic("b", "m", &[])];
        let mut c = vec![cand(0, 10.0, 0.0), cand(1, 6.0, 1.0)];
        rerank(&mut c, &topics, Depth::Any);
        assert_eq!(order(&c), vec![1, 0]);
    }

    #[test]
    fn depth_picks_the_sibling() {
        let topics = vec![
            topic("decorators-simple", "screening", &["decorators-deep"]),
            topic("decorators-deep", "core-internals", &[]),
            topic("other", "core-internals", &[]),
        ];
        let start = vec![cand(0, 10.0, 1.0), cand(1, 9.0, 1.0), cand(2, 1.0, 1.0)];
        let mut c = start.clone();
        rerank(&mut c, &topics, Depth::Deep);
        assert_eq!(order(&c), vec![1, 0, 2]);
        let mut c = start.clone();
        rerank(&mut c, &topics, Depth::Any);
        assert_eq!(order(&c), vec![0, 1, 2]);
        let mut c = vec![cand(1, 10.0, 1.0), cand(0, 9.0, 1.0)];
        rerank(&mut c, &topics, Depth::Simple);
        assert_eq!(order(&c), vec![0, 1]);
    }

    #[test]
    fn links_break_near_ties_only() {
        let topics = vec![
            topic("a", "m", &[]),
            topic("b", "m", &["c"]),
            topic("c", "m", &[]),
        ];
        let mut c = vec![cand(0, 10.0, 1.0), cand(1, 9.95, 1.0), cand(2, 5.0, 1.0)];
        rerank(&mut c, &topics, Depth::Any);
        assert_eq!(order(&c), vec![1, 0, 2]);
        let mut c = vec![cand(0, 10.0, 1.0), cand(1, 8.0, 1.0), cand(2, 5.0, 1.0)];
        rerank(&mut c, &topics, Depth::Any);
        assert_eq!(order(&c), vec![0, 1, 2]);
    }
}
