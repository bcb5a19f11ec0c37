//! Practice in the editor: the custom requests `pyguide/practice/next`,
//! `pyguide/practice/answer` and `pyguide/practice/status`, and the recording
//! of what the user meets (the topics of findings in open files, hovers,
//! Explain actions), over the progress store of [`crate::practice`].
//!
//! This module owns the server's side of practice: the wire shapes, the
//! `practice` setting's effect (off: nothing recorded, every request answers
//! `enabled: false`) and the store's life. Every store call runs on a
//! blocking thread through [`super::blocking::off_runtime`], never on the
//! threads that answer requests. A store that cannot be opened or fails
//! (corrupt, locked, a full disk) is logged once as a warning and practice
//! is off for the rest of the session; hover and diagnostics never wait for
//! it nor depend on it. Nothing leaves the machine.

use std::collections::{HashMap, HashSet};
use std::path::PathBuf;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, SystemTime};

use serde::{Deserialize, Serialize};
use serde_json::Value;
use tower_lsp_server::jsonrpc::{Error, Result};
use tower_lsp_server::ls_types::Uri;

use super::blocking::off_runtime;
use super::state::Shared;
use crate::guide::Guide;
use crate::practice::{self, Answer, CardRef, Filter, Grade, Kind, PracticeError, Seen, Store};

pub const NEXT: &str = "pyguide/practice/next";
pub const ANSWER: &str = "pyguide/practice/answer";
pub const STATUS: &str = "pyguide/practice/status";

/// How long a request waits for the store (its own busy timeout included)
/// before it answers without it.
/// (The store's own busy timeout is 10 s.)
const STORE_TIMEOUT: Duration = Duration::from_secs(15);
/// How long a store call waits for another one to finish with the store.
const LOCK_WAIT: Duration = Duration::from_secs(12);

/// Where the progress database is.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum Database {
    /// No database: practice is unavailable (requests say `enabled: false`).
    /// What in-process servers (tests) get unless they choose a file.
    #[default]
    None,
    /// `$PYGUIDE_DATA_DIR/practice.sqlite3`, else the user's data folder
    /// (`pyguide serve`).
    UserData,
    /// This file.
    At(PathBuf),
}

/// The store as the session knows it.
enum Slot {
    /// Not opened yet: opened by the first request or recording that needs it.
    Closed,
    Open(Arc<Mutex<Store>>),
    /// Opening or using it failed; practice is off until the server restarts.
    Failed,
}

/// The server's practice state (in [`Shared`]).
pub struct Practice {
    database: Database,
    slot: Mutex<Slot>,
    /// The topics already recorded as met in each open document's code, so
    /// that an edit records only topics new to the document. Entries go
    /// when the document is closed.
    met: Mutex<HashMap<Uri, HashSet<&'static str>>>,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

impl Practice {
    pub fn new(database: Database) -> Practice {
        Practice {
            database,
            slot: Mutex::new(Slot::Closed),
            met: Mutex::default(),
        }
    }

    /// Whether practice can answer: a database is configured and has not failed.
    fn available(&self) -> bool {
        self.database != Database::None && !matches!(*lock(&self.slot), Slot::Failed)
    }

    /// The open store, opening it on first use (blocking: call it on a
    /// blocking thread). `None` once it has failed.
    fn store(&self) -> Option<Arc<Mutex<Store>>> {
        let mut slot = lock(&self.slot);
        match &*slot {
            Slot::Open(store) => return Some(store.clone()),
            Slot::Failed => return None,
            Slot::Closed => {}
        }
        let opened = match &self.database {
            Database::None => return None,
            Database::UserData => Store::open_default(),
            Database::At(path) => Store::open(path),
        };
        match opened {
            Ok(store) => {
                let store = Arc::new(Mutex::new(store));
                *slot = Slot::Open(store.clone());
                Some(store)
            }
            Err(e) => {
                *slot = Slot::Failed;
                warn_off(&e);
                None
            }
        }
    }

    /// Turns practice off for the session after `e` (logged once: only the
    /// call that moves the slot to `Failed` logs).
    fn fail(&self, e: &PracticeError) {
        let mut slot = lock(&self.slot);
        if !matches!(*slot, Slot::Failed) {
            *slot = Slot::Failed;
            warn_off(e);
        }
    }

    /// Runs `work` with the store (blocking). `None` when the store is
    /// unusable, busy for longer than [`LOCK_WAIT`], or `work` failed (then
    /// practice is off for the session).
    fn with_store<T>(
        &self,
        work: impl FnOnce(&Store) -> std::result::Result<T, PracticeError>,
    ) -> Option<T> {
        let store = self.store()?;
        let started = std::time::Instant::now();
        let guard = loop {
            match store.try_lock() {
                Ok(guard) => break guard,
                Err(std::sync::TryLockError::Poisoned(p)) => break p.into_inner(),
                Err(std::sync::TryLockError::WouldBlock) if started.elapsed() < LOCK_WAIT => {
                    std::thread::sleep(Duration::from_millis(5));
                }
                Err(std::sync::TryLockError::WouldBlock) => {
                    tracing::warn!(
                        "practice: the progress store stayed busy for {LOCK_WAIT:?}; skipped"
                    );
                    return None;
                }
            }
        };
        match work(&guard) {
            Ok(value) => Some(value),
            Err(e) => {
                drop(guard);
                self.fail(&e);
                None
            }
        }
    }

    /// Forgets what was met in a closed document.
    pub fn closed(&self, uri: &Uri) {
        lock(&self.met).remove(uri);
    }

    /// The topics of `uri`'s findings not yet recorded for it (and marks them).
    fn newly_met(&self, uri: &Uri, topics: &[&'static str]) -> Vec<&'static str> {
        let mut met = lock(&self.met);
        let known = met.entry(uri.clone()).or_default();
        topics.iter().copied().filter(|t| known.insert(t)).collect()
    }
}

fn warn_off(e: &PracticeError) {
    tracing::warn!("practice is off for this session: {e}");
}

/// Whether the server answers practice requests and records: the setting is
/// on and the store is usable.
pub fn enabled(shared: &Shared) -> bool {
    shared.settings().practice && shared.practice.available()
}

/// Runs `work` with the store and the guide on a blocking thread; `None`
/// when practice is off or the store is unusable.
async fn run<T: Send + 'static>(
    shared: &Shared,
    what: &'static str,
    work: impl FnOnce(&Store, &Guide) -> std::result::Result<T, PracticeError> + Send + 'static,
) -> Option<T> {
    if !enabled(shared) {
        return None;
    }
    let practice = shared.practice.clone();
    let library = shared.library();
    off_runtime(what, STORE_TIMEOUT, move || {
        practice.with_store(|store| work(store, library.guide()))
    })
    .await
    .flatten()
}

/// Records that the user met `topics` (unknown ids are skipped by the
/// store), in the background; nothing when practice is off.
pub fn record(shared: &Arc<Shared>, topics: Vec<String>, seen: Seen) {
    if topics.is_empty() || !enabled(shared) {
        return;
    }
    let shared = shared.clone();
    tokio::spawn(async move {
        let what = "recording a practice topic";
        run(&shared, what, move |store, _| {
            let ids: Vec<&str> = topics.iter().map(String::as_str).collect();
            practice::record_seen(store, &ids, seen, SystemTime::now())
        })
        .await;
    });
}

/// Records the topics of a document's findings that are new to it (called
/// with every analysis published; a closed document is forgotten).
pub fn met_in_code(shared: &Arc<Shared>, uri: &Uri, topics: &[&'static str]) {
    if !enabled(shared) {
        return;
    }
    let new = shared.practice.newly_met(uri, topics);
    record(
        shared,
        new.into_iter().map(str::to_string).collect(),
        Seen::Code,
    );
}

// ------------------------------------------------------------------ requests

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NextParams {
    pub topic: Option<String>,
    pub module: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct NextResult {
    pub card: Option<Value>,
    pub due: usize,
    pub new: usize,
    pub enabled: bool,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AnswerParams {
    pub id: String,
    pub answer: Option<Value>,
    pub grade: Option<String>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AnswerResult {
    pub correct: Option<bool>,
    pub expected: String,
    pub explanation: String,
    pub grade: &'static str,
    pub next_due: String,
    pub due: usize,
    pub enabled: bool,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StatusParams {}

#[derive(Debug, Serialize)]
pub struct StatusResult {
    pub due: usize,
    pub new: usize,
    pub enabled: bool,
}

impl NextResult {
    fn disabled() -> NextResult {
        NextResult {
            card: None,
            due: 0,
            new: 0,
            enabled: false,
        }
    }
}

/// A card as the editors show it: the engine's [`practice::Prompt`] (never
/// the answer) and, for a question card, the key points the user grades
/// themselves against once they reveal them.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Card {
    #[serde(flatten)]
    prompt: practice::Prompt,
    #[serde(skip_serializing_if = "Option::is_none")]
    key_points: Option<Vec<String>>,
}

fn card(
    guide: &Guide,
    card: &CardRef,
    now: SystemTime,
) -> std::result::Result<Card, PracticeError> {
    let prompt = practice::prompt(guide, card, now)?;
    let key_points = (prompt.kind == Kind::Question)
        .then(|| guide.get(card.topic()).map(|t| t.key_points.clone()))
        .flatten();
    Ok(Card { prompt, key_points })
}

/// `pyguide/practice/next`: the first card of the queue (due first, then
/// new ones, the topics the user met first), and the due and new counts.
pub async fn next(shared: &Shared, params: NextParams) -> Result<NextResult> {
    {
        let library = shared.library();
        let guide = library.guide();
        if let Some(topic) = &params.topic
            && guide.get(topic).is_none()
        {
            return Err(Error::invalid_params(format!(
                "no topic has the id `{topic}`"
            )));
        }
        if let Some(module) = &params.module
            && !guide.topics().iter().any(|t| &t.module == module)
        {
            return Err(Error::invalid_params(format!(
                "no module is named `{module}`"
            )));
        }
    }
    let filter = Filter {
        module: params.module,
        topic: params.topic,
        new_limit: None,
    };
    let found = run(shared, "practice: next card", move |store, guide| {
        let now = SystemTime::now();
        let first = practice::queue(store, guide, &filter, &HashMap::new(), now)?
            .into_iter()
            .next();
        let shown = first.map(|c| card(guide, &c, now)).transpose()?;
        let status = practice::status(store, guide, now)?;
        Ok((shown, status))
    })
    .await;
    let Some((shown, status)) = found else {
        return Ok(NextResult::disabled());
    };
    let card = shown
        .map(serde_json::to_value)
        .transpose()
        .map_err(|e| internal(e.to_string()))?;
    Ok(NextResult {
        card,
        due: status.due,
        new: status.new,
        enabled: true,
    })
}

/// The engine's answer for a card of `kind` from the wire's `answer`.
fn parse_answer(
    id: &str,
    kind: Kind,
    answer: Option<&Value>,
    grade: Option<Grade>,
) -> Result<Answer> {
    let bad =
        |what: &str| Error::invalid_params(format!("`{id}` is a {} card: {what}", kind.as_str()));
    match (kind, answer) {
        (Kind::Question, None) if grade.is_some() => Ok(Answer::Reveal),
        (Kind::Question, _) => Err(bad(
            "send only `grade` (again, hard, good or easy), after revealing the key points",
        )),
        (Kind::Choice, Some(Value::Number(n))) => n
            .as_u64()
            .and_then(|i| usize::try_from(i).ok())
            .map(Answer::Choice)
            .ok_or_else(|| bad("`answer` is the 0-based index of the option picked")),
        (Kind::Choice, _) => Err(bad("`answer` is the 0-based index of the option picked")),
        (Kind::Output, Some(Value::String(s))) => Ok(Answer::Text(s.clone())),
        (Kind::Output, _) => Err(bad("`answer` is the predicted output, a string")),
        (Kind::Spot, Some(Value::Number(n))) => n
            .as_u64()
            .and_then(|l| usize::try_from(l).ok())
            .filter(|l| *l >= 1)
            .map(Answer::Line)
            .ok_or_else(|| bad("`answer` is the 1-based line of the problem, or its rule code")),
        (Kind::Spot, Some(Value::String(s))) => Ok(Answer::Text(s.clone())),
        (Kind::Spot, _) => Err(bad(
            "`answer` is the 1-based line of the problem, or its rule code",
        )),
    }
}

/// `pyguide/practice/answer`: grades the answer (a question card is
/// graded by the user: `grade` alone), records the review with the grade
/// given, else the one suggested, and answers the outcome, when the card
/// comes back and the new due count. A malformed answer is an
/// invalid-params error naming what the card takes.
pub async fn answer(shared: &Shared, params: AnswerParams) -> Result<AnswerResult> {
    let grade = match &params.grade {
        None => None,
        Some(g) => Some(Grade::parse(g).ok_or_else(|| {
            Error::invalid_params(format!(
                "`grade` {g:?} is not one of again, hard, good, easy"
            ))
        })?),
    };
    let card = CardRef::parse(&params.id).map_err(|e| Error::invalid_params(e.to_string()))?;
    let now = SystemTime::now();
    let kind = practice::prompt(shared.library().guide(), &card, now)
        .map_err(|e| Error::invalid_params(e.to_string()))?
        .kind;
    let answer = parse_answer(&params.id, kind, params.answer.as_ref(), grade)?;
    let outcome = practice::grade(shared.library().guide(), &card, &answer, now)
        .map_err(|e| Error::invalid_params(e.to_string()))?;
    let given = grade.unwrap_or(outcome.grade);
    let reviewed = run(
        shared,
        "practice: recording an answer",
        move |store, guide| {
            let schedule = practice::review(store, &card, given, now)?;
            let status = practice::status(store, guide, now)?;
            Ok((schedule, status))
        },
    )
    .await;
    let Some((schedule, status)) = reviewed else {
        return Ok(AnswerResult {
            correct: outcome.correct,
            expected: outcome.expected,
            explanation: outcome.explanation,
            grade: given.as_str(),
            next_due: String::new(),
            due: 0,
            enabled: false,
        });
    };
    Ok(AnswerResult {
        correct: outcome.correct,
        expected: outcome.expected,
        explanation: outcome.explanation,
        grade: given.as_str(),
        next_due: schedule.due_rfc3339(),
        due: status.due,
        enabled: true,
    })
}

/// `pyguide/practice/status`: the due and new counts (the VS Code status bar).
pub async fn status(shared: &Shared, _: StatusParams) -> Result<StatusResult> {
    let found = run(shared, "practice: status", |store, guide| {
        practice::status(store, guide, SystemTime::now())
    })
    .await;
    Ok(match found {
        Some(s) => StatusResult {
            due: s.due,
            new: s.new,
            enabled: true,
        },
        None => StatusResult {
            due: 0,
            new: 0,
            enabled: false,
        },
    })
}

fn internal(message: String) -> Error {
    Error {
        code: tower_lsp_server::jsonrpc::ErrorCode::InternalError,
        message: message.into(),
        data: None,
    }
}
