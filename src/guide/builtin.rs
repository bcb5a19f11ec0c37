//! The built-in guide, embedded at compile time by `build.rs` from `index/`.

use super::{Origin, SourceFile};

include!(concat!(env!("OUT_DIR"), "/builtin_guide.rs"));

/// Every topic file of the built-in guide (format documentation excluded).
pub(crate) fn sources() -> Vec<SourceFile> {
    FILES
        .iter()
        .filter(|(path, _)| super::load::is_topic_file_name(path))
        .map(|(path, text)| SourceFile {
            path: (*path).to_string(),
            text: (*text).to_string(),
            origin: Origin::Builtin,
        })
        .collect()
}

/// The built-in topic `id` alone, parsed from its file: for a caller that
/// needs one topic's fields before the whole guide is loaded (the server's
/// first diagnostics link each finding's topic reference). Only files
/// quoting the id are parsed. Built-in topics are error-free (a test keeps
/// them so) and win id clashes, so this is the loaded guide's topic.
pub fn topic(id: &str) -> Option<super::Topic> {
    let quoted = format!("\"{id}\"");
    FILES
        .iter()
        .filter(|(path, text)| super::load::is_topic_file_name(path) && text.contains(&quoted))
        .filter_map(|(path, text)| super::parse_topic(path, text, Origin::Builtin).ok())
        .find(|topic| topic.id == id)
}

#[cfg(test)]
mod tests {
    #[test]
    fn one_topic_is_the_loaded_guides() {
        let loaded = super::super::load_builtin();
        assert!(loaded.guide.len() > 10);
        for topic in loaded.guide.topics() {
            assert_eq!(
                super::topic(&topic.id).as_ref(),
                Some(topic),
                "{}",
                topic.id
            );
        }
        assert_eq!(super::topic("no-such-topic"), None);
    }
}
