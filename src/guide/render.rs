//! Renders a topic as one self-contained Markdown document (what `pyguide
//! explain` prints and what editors show).

use std::fmt::Write;

use super::{Guide, Topic};

/// The whole topic as Markdown: title, question, summary, versions, body,
/// related topics (with their titles when `guide` knows them) and references.
pub fn to_markdown(topic: &Topic, guide: &Guide) -> String {
    let mut out = String::with_capacity(topic.body.len() + 1024);
    let _ = writeln!(out, "# {}\n", topic.title);
    let _ = writeln!(out, "> {}\n", topic.question);
    let _ = writeln!(out, "{}\n", topic.summary);
    let mut meta = format!("Topic `{}` · module `{}`", topic.id, topic.module);
    if let Some(line) = topic.versions.as_ref().and_then(|v| v.line()) {
        let _ = write!(meta, " · {line}");
    }
    let _ = writeln!(out, "*{meta}*\n");
    out.push_str(topic.body.trim());
    out.push_str("\n\n");
    if !topic.related.is_empty() {
        out.push_str("## Related\n\n");
        for id in &topic.related {
            match guide.get(id) {
                Some(other) => {
                    let _ = writeln!(out, "- `{id}`: {}", other.title);
                }
                None => {
                    let _ = writeln!(out, "- `{id}`");
                }
            }
        }
        out.push('\n');
    }
    out.push_str("## References\n\n");
    for r in &topic.references {
        let _ = writeln!(out, "- [{}]({})", r.title, r.url);
    }
    out
}
