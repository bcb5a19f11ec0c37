//! Practice: the guide's cards as a spaced-repetition deck, scheduled with
//! FSRS and remembered in a local SQLite database.
//!
//! This module owns the practice engine used by the CLI (`pyguide practice`)
//! and the language server (`pyguide/practice/*` requests). It knows nothing
//! of LSP or of terminals: callers pass plain data and a `now`, and get plain
//! data back. Every function that touches the database returns a
//! [`PracticeError`] naming the file; none panics.
//!
//! # The public API
//!
//! ```text
//! Store::open(path) / Store::open_default()         progress in SQLite (WAL, busy_timeout, migrations)
//! record_seen(store, topics, Seen, now)             the user met these topics (code, hover, Explain)
//! queue(store, guide, filter, weights, now)         the cards to ask, due first, then new
//! prompt(guide, card, now)                          what to show (no answer in it)
//! grade(guide, card, answer, now)                   pure: right/wrong, expected, explanation, Grade
//! preview(store, card, grade, now)                  the schedule a grade would give, not saved
//! review(store, card, grade, now)                   FSRS update, persisted; returns the new Schedule
//! status(store, guide, now)                         due, new, seen, mastered, streak, per module
//! Store::export_json / Store::import_json           versioned JSON, merged by card id and review time
//! ```
//!
//! A card is named by a [`CardRef`], `"<topic-id>#<card-id>"`; a topic's
//! interview question is `"<topic-id>#question"` (it exists when the topic
//! lists `key_points`, its model answer).
//!
//! `prompt` and `grade` take `now` because a choice card's options are
//! shuffled per card and per UTC day (deterministically): an option index
//! given to `grade` refers to the order `prompt` showed that day.
//!
//! # Grades of program-graded cards
//!
//! [`grade`] suggests a [`Grade`]; the user (or the editor) may override it
//! when calling [`review`]:
//!
//! | card     | right answer                         | wrong answer |
//! |----------|--------------------------------------|--------------|
//! | choice   | the right option → Good              | Again        |
//! | output   | the exact output (trailing spaces and blank lines at the end ignored) → Good; the same words with other spacing → Hard | Again |
//! | spot     | the line the detectors report, or the rule code → Good | Again |
//! | question | self-graded after the key points are revealed (suggested: Good) | |
//!
//! The program never suggests Easy: that is the user's call.

mod deck;
mod schedule;
mod store;

use std::collections::HashMap;
use std::fmt;
use std::path::PathBuf;
use std::time::SystemTime;

use serde::{Deserialize, Serialize};

pub use deck::{all_cards, grade, prompt};
pub use schedule::{Grade, MASTERED_STABILITY_DAYS, Schedule};
pub use store::{EXPORT_VERSION, ImportSummary, SCHEMA_VERSION, Store};

use crate::guide::Guide;

/// The id of a topic's interview-question card within the topic.
pub const QUESTION_CARD: &str = "question";

/// Why a topic was met: the user's code raised it, or they read it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Seen {
    /// A finding in the user's code links to the topic.
    Code,
    /// The user opened a hover that showed the topic.
    Hover,
    /// The user opened the topic (Explain action, `pyguide explain`).
    Explain,
}

impl Seen {
    /// The name stored in the database and the export.
    pub fn as_str(self) -> &'static str {
        match self {
            Seen::Code => "code",
            Seen::Hover => "hover",
            Seen::Explain => "explain",
        }
    }

    /// The inverse of [`Seen::as_str`].
    pub fn parse(s: &str) -> Option<Seen> {
        match s {
            "code" => Some(Seen::Code),
            "hover" => Some(Seen::Hover),
            "explain" => Some(Seen::Explain),
            _ => None,
        }
    }
}

/// A card's stable name: `"<topic-id>#<card-id>"`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct CardRef(String);

impl CardRef {
    /// Builds the reference of card `card` of topic `topic`.
    pub fn new(topic: &str, card: &str) -> CardRef {
        CardRef(format!("{topic}#{card}"))
    }

    /// Parses `"<topic>#<card>"`; both parts non-empty, one `#`.
    pub fn parse(s: &str) -> Result<CardRef, PracticeError> {
        match s.split_once('#') {
            Some((t, c)) if !t.is_empty() && !c.is_empty() && !c.contains('#') => {
                Ok(CardRef(s.to_string()))
            }
            _ => Err(PracticeError::BadCardRef(s.to_string())),
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The topic id part.
    pub fn topic(&self) -> &str {
        self.0.split_once('#').map_or(&self.0, |(t, _)| t)
    }

    /// The card id part (`question` for the interview question).
    pub fn card(&self) -> &str {
        self.0.split_once('#').map_or("", |(_, c)| c)
    }

    /// Whether this is a topic's interview-question card.
    pub fn is_question(&self) -> bool {
        self.card() == QUESTION_CARD
    }
}

impl fmt::Display for CardRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for CardRef {
    type Error = PracticeError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        CardRef::parse(&s)
    }
}

impl From<CardRef> for String {
    fn from(c: CardRef) -> String {
        c.0
    }
}

/// Which cards [`queue`] considers.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Filter {
    /// Only cards of this module (e.g. `asyncio`).
    pub module: Option<String>,
    /// Only cards of this topic id.
    pub topic: Option<String>,
    /// At most this many new (never reviewed) cards; `None`: all of them.
    pub new_limit: Option<usize>,
}

/// The kind of a card, as shown to the user and sent over the wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// The topic's interview question: reveal the key points, self-grade.
    Question,
    /// Pick one option.
    Choice,
    /// Type the snippet's exact output.
    Output,
    /// Name the line (or rule code) the detectors report.
    Spot,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Question => "question",
            Kind::Choice => "choice",
            Kind::Output => "output",
            Kind::Spot => "spot",
        }
    }
}

/// What to show for a card; it never contains the answer. Serialises to the
/// `pyguide/practice/next` wire shape (camelCase).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Prompt {
    pub id: CardRef,
    pub topic: String,
    pub topic_title: String,
    pub module: String,
    pub kind: Kind,
    pub prompt: String,
    /// Choice cards: the options, shuffled per card and per UTC day.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub options: Option<Vec<String>>,
    /// Output and spot cards: the snippet.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
}

/// The user's answer to a card.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Answer {
    /// Choice: the 0-based index into [`Prompt::options`].
    Choice(usize),
    /// Output: the predicted output; spot: a rule code or a line number.
    Text(String),
    /// Spot: the 1-based line of the snippet.
    Line(usize),
    /// Question: the key points were revealed; the user grades themselves.
    Reveal,
}

/// The result of [`grade`]: what was right, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Outcome {
    /// `None` for a self-graded question card.
    pub correct: Option<bool>,
    /// The right answer, as text (the option, the output, `line N (PG201)`,
    /// or the key points).
    pub expected: String,
    /// Why: the choice's explanation (and why the picked option is wrong),
    /// the detector's message, the key points.
    pub explanation: String,
    /// The suggested grade (see the table in the module docs).
    pub grade: Grade,
}

/// Progress figures of one module.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ModuleStatus {
    pub module: String,
    /// Cards of the module in the guide.
    pub cards: usize,
    /// Cards reviewed at least once.
    pub seen: usize,
    /// Seen cards due now.
    pub due: usize,
    /// Cards whose FSRS stability is at least [`MASTERED_STABILITY_DAYS`].
    pub mastered: usize,
}

/// Progress figures, overall and per module (modules in guide order).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Status {
    /// Cards in the guide.
    pub cards: usize,
    /// Reviewed cards due now.
    pub due: usize,
    /// Cards never reviewed.
    pub new: usize,
    /// Cards reviewed at least once.
    pub seen: usize,
    /// See [`ModuleStatus::mastered`].
    pub mastered: usize,
    /// Consecutive UTC days with at least one review, ending today (or
    /// yesterday, when today has none yet).
    pub streak: u32,
    /// Reviews recorded in all.
    pub reviews: usize,
    /// Topics the user's code, hovers or Explain actions raised.
    pub topics_met: usize,
    pub modules: Vec<ModuleStatus>,
}

/// Everything that can go wrong in practice; each names the database file
/// when one is involved.
#[derive(Debug, thiserror::Error)]
pub enum PracticeError {
    #[error(
        "{}: not a pyguide practice database or corrupt ({detail}); move it aside to start afresh, or restore it from a `pyguide practice --export` file",
        path.display()
    )]
    Corrupt { path: PathBuf, detail: String },
    #[error(
        "{}: the database is locked by another process (waited {waited_ms} ms); try again when it finishes",
        path.display()
    )]
    Locked { path: PathBuf, waited_ms: u64 },
    #[error(
        "{}: written by a newer pyguide (schema version {found}; this one knows up to {known})",
        path.display()
    )]
    TooNew {
        path: PathBuf,
        found: i64,
        known: i64,
    },
    #[error("{}: {source}", path.display())]
    Sqlite {
        path: PathBuf,
        #[source]
        source: rusqlite::Error,
    },
    #[error("{}: {source}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error(
        "no data directory: set PYGUIDE_DATA_DIR to the folder where pyguide may keep practice.sqlite3"
    )]
    NoDataDir,
    #[error("{}: {message}", path.display())]
    Import { path: PathBuf, message: String },
    #[error("{0:?} is not a card reference of the form \"<topic-id>#<card-id>\"")]
    BadCardRef(String),
    #[error("no card {0} in the guide")]
    UnknownCard(CardRef),
    #[error("card {card} is a {kind} card; {message}")]
    WrongAnswerKind {
        card: CardRef,
        kind: &'static str,
        message: String,
    },
}

/// Records that the user met `topics` (deduplicated; counted per reason).
/// Bounded: one row per topic and reason.
pub fn record_seen(
    store: &Store,
    topics: &[&str],
    seen: Seen,
    now: SystemTime,
) -> Result<(), PracticeError> {
    store.record_seen(topics, seen, now)
}

/// The cards to ask, in order: due cards first (most overdue first), then new
/// ones up to `filter.new_limit`, topics with the highest weight first.
///
/// A new card's weight is its topic's entry in `weights` (e.g. how often
/// `check --hints` found it in the user's code), then how often the user met
/// the topic (see [`record_seen`]); ties keep the guide's order.
pub fn queue(
    store: &Store,
    guide: &Guide,
    filter: &Filter,
    weights: &HashMap<String, u32>,
    now: SystemTime,
) -> Result<Vec<CardRef>, PracticeError> {
    deck::queue(store, guide, filter, weights, now)
}

/// FSRS update of `card` with `grade` at `now`, persisted (one transaction;
/// safe with other processes writing). Returns the card's new schedule.
pub fn review(
    store: &Store,
    card: &CardRef,
    grade: Grade,
    now: SystemTime,
) -> Result<Schedule, PracticeError> {
    store.review(card, grade, now)
}

/// The schedule `grade` would give `card` at `now`, without saving it.
pub fn preview(
    store: &Store,
    card: &CardRef,
    grade: Grade,
    now: SystemTime,
) -> Result<Schedule, PracticeError> {
    store.preview(card, grade, now)
}

/// Progress figures for the cards of `guide`.
pub fn status(store: &Store, guide: &Guide, now: SystemTime) -> Result<Status, PracticeError> {
    deck::status(store, guide, now)
}
