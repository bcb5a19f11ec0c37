//! The guide as data: topic types, loading (built-in and user folders),
//! validation and rendering.
//!
//! This module owns the topic file format described in `index/README.md`. It
//! knows nothing of search, parsing of Python, or LSP: it turns Markdown files
//! into plain [`Topic`] structs and reports every problem as a [`TopicError`]
//! that names the file and line.

mod builtin;
mod cards;
mod load;
mod parse;
mod render;
mod validate;

use std::collections::HashMap;
use std::fmt;

use serde::{Deserialize, Serialize};

pub use builtin::topic as builtin_topic;
pub use cards::{Card, CardKind, WrongOption};
pub use load::{load, load_builtin, load_dir, read_dir_sources};
pub use parse::parse_topic;
pub use render::to_markdown;
pub use validate::validate;

/// Summary bounds, in characters: long enough to say something, short enough
/// to read in a hover.
pub const SUMMARY_MIN_CHARS: usize = 40;
/// See [`SUMMARY_MIN_CHARS`].
pub const SUMMARY_MAX_CHARS: usize = 400;
/// A summary is one to three sentences.
pub const SUMMARY_MAX_SENTENCES: usize = 3;
/// At most this many `asked` phrasings per topic: a few real ways of asking,
/// not a keyword dump.
pub const ASKED_MAX: usize = 8;
/// The longest `asked` phrasing, in characters.
pub const ASKED_MAX_CHARS: usize = 160;

/// The body sections every topic has, in this order.
pub const REQUIRED_SECTIONS: [&str; 3] = ["Answer", "Example", "Pitfalls"];
/// The subsections of `## Example`.
pub const EXAMPLE_PARTS: [&str; 2] = ["Bad", "Good"];
/// Headings every topic has: they say nothing about any one topic.
pub const STANDARD_HEADINGS: [&str; 5] = ["Answer", "Example", "Pitfalls", "Bad", "Good"];

/// The built-in modules in teaching order (the outline's order); topics are
/// listed module by module in this order, user modules after them.
pub const MODULES: [&str; 7] = [
    "core-internals",
    "asyncio",
    "django-architecture",
    "modern-oop",
    "screening",
    "security-scaling",
    "faq",
];

/// Where a topic came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Origin {
    /// Compiled into the binary from `index/`.
    Builtin,
    /// Loaded from a `--guide DIR` folder.
    User,
}

/// One source file of the guide, before parsing.
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// Path shown in messages (relative to the repo for built-in files).
    pub path: String,
    pub text: String,
    pub origin: Origin,
}

/// An official reference: a title and an https URL.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reference {
    pub title: String,
    pub url: String,
}

/// The Python / Django versions a topic's facts hold for.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Versions {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub python: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub django: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

impl Versions {
    /// "Python 3.13+ · Django 6.0" style one-liner, or `None` when empty.
    pub fn line(&self) -> Option<String> {
        let parts: Vec<String> = [
            self.python.as_ref().map(|v| format!("Python {v}")),
            self.django.as_ref().map(|v| format!("Django {v}")),
            self.note.clone(),
        ]
        .into_iter()
        .flatten()
        .collect();
        (!parts.is_empty()).then(|| parts.join(" · "))
    }
}

/// 1-based line numbers of the front-matter entries that cross-topic
/// validation may need to point at.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FieldLines {
    pub id: usize,
    pub related: Vec<usize>,
}

/// One topic of the guide.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Topic {
    pub id: String,
    pub title: String,
    pub module: String,
    pub question: String,
    pub summary: String,
    /// How people really ask it: the interview question in other words, a
    /// symptom, a beginner's phrasing, an error message. Searched with a
    /// strong boost.
    pub asked: Vec<String>,
    pub aliases: Vec<String>,
    pub tags: Vec<String>,
    pub triggers: Vec<String>,
    pub related: Vec<String>,
    pub references: Vec<Reference>,
    pub versions: Option<Versions>,
    /// What a good answer to `question` names: the model answer of the
    /// topic's question card (empty when the topic has none).
    pub key_points: Vec<String>,
    /// The topic's gradable practice cards, in file order.
    pub cards: Vec<Card>,
    /// The Markdown body after the front matter.
    pub body: String,
    pub path: String,
    pub origin: Origin,
    pub lines: FieldLines,
}

/// A problem with one topic file, located at a line.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct TopicError {
    pub path: String,
    /// 1-based; 0 when the problem is with the file as a whole (unreadable).
    pub line: usize,
    pub message: String,
}

impl TopicError {
    pub fn new(path: impl Into<String>, line: usize, message: impl Into<String>) -> Self {
        TopicError {
            path: path.into(),
            line,
            message: message.into(),
        }
    }
}

impl fmt::Display for TopicError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.line == 0 {
            write!(f, "{}: {}", self.path, self.message)
        } else {
            write!(f, "{}:{}: {}", self.path, self.line, self.message)
        }
    }
}

/// A validated set of topics with unique ids.
#[derive(Debug, Clone, Default)]
pub struct Guide {
    topics: Vec<Topic>,
    by_id: HashMap<String, usize>,
}

impl Guide {
    /// Builds a guide from topics that already passed [`validate`].
    pub fn from_validated(topics: Vec<Topic>) -> Guide {
        let by_id = topics
            .iter()
            .enumerate()
            .map(|(i, t)| (t.id.clone(), i))
            .collect();
        Guide { topics, by_id }
    }

    pub fn topics(&self) -> &[Topic] {
        &self.topics
    }

    pub fn get(&self, id: &str) -> Option<&Topic> {
        self.by_id.get(id).map(|&i| &self.topics[i])
    }

    pub fn len(&self) -> usize {
        self.topics.len()
    }

    pub fn is_empty(&self) -> bool {
        self.topics.is_empty()
    }
}

/// The result of loading: the usable guide plus every problem found.
#[derive(Debug, Clone, Default)]
pub struct Loaded {
    pub guide: Guide,
    pub errors: Vec<TopicError>,
}
