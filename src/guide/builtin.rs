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
