//! Cross-topic checks: unique ids and `related` links that resolve.
//!
//! Works on already-parsed topics and returns the ones that pass plus an error
//! for each one rejected. Earlier topics win, so a user file can never knock
//! out a built-in topic by reusing its id.

use std::collections::{HashMap, HashSet};

use super::{Topic, TopicError};

/// Splits `topics` into the accepted ones and errors for the rejected ones.
///
/// A topic is rejected when its id was already taken by an earlier topic, or
/// when one of its `related` ids names no topic at all. Links are checked
/// against every topic that parsed, so rejecting one topic never takes its
/// neighbours down with it: one typo in a user guide costs one topic.
pub fn validate(topics: Vec<Topic>) -> (Vec<Topic>, Vec<TopicError>) {
    let mut errors = Vec::new();
    let known: HashSet<String> = topics.iter().map(|t| t.id.clone()).collect();
    let mut first_seen: HashMap<String, (String, usize)> = HashMap::new();
    let mut accepted = Vec::with_capacity(topics.len());
    for topic in topics {
        if let Some((path, line)) = first_seen.get(&topic.id) {
            errors.push(TopicError::new(
                &topic.path,
                topic.lines.id,
                format!(
                    "duplicate id `{}` (first defined at {path}:{line})",
                    topic.id
                ),
            ));
            continue;
        }
        first_seen.insert(topic.id.clone(), (topic.path.clone(), topic.lines.id));
        let dangling = topic
            .related
            .iter()
            .zip(topic.lines.related.iter())
            .find(|(id, _)| !known.contains(id.as_str()));
        if let Some((id, &line)) = dangling {
            errors.push(TopicError::new(
                &topic.path,
                line,
                format!("`related` names unknown topic `{id}`"),
            ));
            continue;
        }
        accepted.push(topic);
    }
    errors.sort_by(|a, b| (&a.path, a.line).cmp(&(&b.path, b.line)));
    (accepted, errors)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::guide::{FieldLines, Origin};

    fn topic(id: &str, path: &str, related: &[&str]) -> Topic {
        Topic {
            id: id.into(),
            title: id.into(),
            module: "m".into(),
            question: "q".into(),
            summary: "s".into(),
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
            path: path.into(),
            origin: Origin::User,
            lines: FieldLines {
                id: 2,
                related: (0..related.len()).map(|i| 10 + i).collect(),
            },
        }
    }

    fn check(topics: Vec<Topic>, expect_ids: &[&str], expect_errors: &[&str]) {
        let (ok, errs) = validate(topics);
        let ids: Vec<&str> = ok.iter().map(|t| t.id.as_str()).collect();
        let errs: Vec<String> = errs.iter().map(ToString::to_string).collect();
        assert_eq!(ids, expect_ids);
        assert_eq!(errs, expect_errors);
    }

    #[test]
    fn duplicate_ids_keep_the_first() {
        check(
            vec![topic("a", "a.md", &[]), topic("a", "b.md", &[])],
            &["a"],
            &["b.md:2: duplicate id `a` (first defined at a.md:2)"],
        );
    }

    #[test]
    fn unknown_related_rejects_only_that_topic() {
        // `b` links to nothing and goes; `a` links to `b`, which parsed, and stays.
        check(
            vec![
                topic("a", "a.md", &["b"]),
                topic("b", "b.md", &["c"]),
                topic("d", "d.md", &["a", "d2"]),
            ],
            &["a"],
            &[
                "b.md:10: `related` names unknown topic `c`",
                "d.md:11: `related` names unknown topic `d2`",
            ],
        );
        check(
            vec![topic("a", "a.md", &["b"]), topic("b", "b.md", &["a"])],
            &["a", "b"],
            &[],
        );
    }
}
