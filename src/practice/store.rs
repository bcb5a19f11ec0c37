//! Progress in SQLite: the review log, each card's FSRS state (a cache of
//! the log, see `schedule::replay`) and the topics the user met.
//!
//! The database is opened in WAL mode with a busy timeout, and every write
//! is one `BEGIN IMMEDIATE` transaction, so the CLI and the server (or two
//! terminals) can write at once without losing a review. The schema carries
//! its version in `schema_version`; [`MIGRATIONS`] bring an older file up to
//! date on open. Export/import is versioned JSON merged by card id and
//! review time.

use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, SystemTime};

use rusqlite::{Connection, ErrorCode, OptionalExtension, TransactionBehavior, params};
use serde::{Deserialize, Serialize};

use super::schedule::{self, Grade, MemoryState, Schedule, from_ms, to_ms};
use super::{CardRef, PracticeError, Seen};

/// The schema version this build writes.
pub const SCHEMA_VERSION: i64 = 2;
/// The version of the export format this build writes (and the newest it reads).
pub const EXPORT_VERSION: u32 = 1;
/// How long a write waits for another process's transaction.
const BUSY_TIMEOUT: Duration = Duration::from_secs(10);
/// The database's file name in the data directory.
const FILE_NAME: &str = "practice.sqlite3";
/// The `format` field of an export file.
const EXPORT_FORMAT: &str = "pyguide-practice";

/// Migration `i` brings the schema from version `i` to `i + 1`.
pub(crate) const MIGRATIONS: [&str; SCHEMA_VERSION as usize] = [
    // v1: the review log and the per-card FSRS state derived from it.
    "CREATE TABLE reviews (
         card TEXT NOT NULL,
         at_ms INTEGER NOT NULL,
         grade INTEGER NOT NULL CHECK (grade BETWEEN 1 AND 4),
         PRIMARY KEY (card, at_ms)
     ) WITHOUT ROWID;
     CREATE TABLE cards (
         card TEXT PRIMARY KEY,
         due_ms INTEGER NOT NULL,
         stability REAL NOT NULL,
         difficulty REAL NOT NULL,
         scheduled_days INTEGER NOT NULL,
         reps INTEGER NOT NULL,
         lapses INTEGER NOT NULL,
         state INTEGER NOT NULL,
         last_review_ms INTEGER NOT NULL
     ) WITHOUT ROWID;",
    // v2: the topics the user met (code, hover, explain), one row per topic
    // and reason; reviews by time for the streak.
    "CREATE TABLE seen (
         topic TEXT NOT NULL,
         why TEXT NOT NULL,
         count INTEGER NOT NULL,
         first_ms INTEGER NOT NULL,
         last_ms INTEGER NOT NULL,
         PRIMARY KEY (topic, why)
     ) WITHOUT ROWID;
     CREATE INDEX reviews_by_time ON reviews (at_ms);",
];

/// Practice progress in one SQLite file. Shareable between threads (one
/// connection behind a mutex); other processes may use the same file.
#[derive(Debug)]
pub struct Store {
    conn: Mutex<Connection>,
    path: PathBuf,
    /// How long a write waits for another writer (reported when it gives up).
    busy_timeout: Duration,
}

/// What an import changed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ImportSummary {
    /// Reviews that were new to this database.
    pub reviews_added: usize,
    /// Reviews it already had (same card, same time).
    pub reviews_known: usize,
    /// Cards whose schedule was recomputed.
    pub cards_updated: usize,
    /// Topic/reason rows merged.
    pub seen_merged: usize,
}

/// The export file.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Export {
    format: String,
    version: u32,
    #[serde(default)]
    exported: Option<String>,
    reviews: Vec<ExportReview>,
    #[serde(default)]
    seen: Vec<ExportSeen>,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct ExportReview {
    card: CardRef,
    /// RFC 3339, millisecond precision.
    at: String,
    grade: Grade,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct ExportSeen {
    topic: String,
    why: Seen,
    count: u32,
    first: String,
    last: String,
}

impl Store {
    /// Opens (creating it and its folder if needed) the database at `path`,
    /// brings its schema up to date, and checks it is a sound SQLite file.
    pub fn open(path: &Path) -> Result<Store, PracticeError> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|source| PracticeError::Io {
                path: dir.to_path_buf(),
                source,
            })?;
        }
        let err = |e| map_err(path, e);
        let conn = Connection::open(path).map_err(err)?;
        conn.busy_timeout(BUSY_TIMEOUT).map_err(err)?;
        // The first statement that reads the file: a file that is not SQLite
        // fails here with "file is not a database". Switching a new file to
        // WAL takes a lock SQLite does not wait for (no busy handler): two
        // processes creating the file at once get "database is locked" at
        // once, so it is tried again until the busy timeout.
        let mode: String =
            retry_while_busy(|| conn.query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0)))
                .map_err(err)?;
        if !mode.eq_ignore_ascii_case("wal") {
            tracing::warn!("{}: journal mode is {mode}, not WAL", path.display());
        }
        conn.execute_batch("PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON;")
            .map_err(err)?;
        let check: String = conn
            .query_row("PRAGMA quick_check", [], |r| r.get(0))
            .map_err(err)?;
        if check != "ok" {
            return Err(PracticeError::Corrupt {
                path: path.to_path_buf(),
                detail: check,
            });
        }
        let store = Store {
            conn: Mutex::new(conn),
            path: path.to_path_buf(),
            busy_timeout: BUSY_TIMEOUT,
        };
        store.migrate()?;
        Ok(store)
    }

    /// Opens [`Store::default_path`].
    pub fn open_default() -> Result<Store, PracticeError> {
        Store::open(&Store::default_path()?)
    }

    /// `$PYGUIDE_DATA_DIR/practice.sqlite3` when the variable is set and not
    /// empty, else `<platform data dir>/pyguide/practice.sqlite3`
    /// (`~/.local/share` on Linux, `~/Library/Application Support` on macOS,
    /// `%APPDATA%` on Windows).
    pub fn default_path() -> Result<PathBuf, PracticeError> {
        if let Some(dir) = std::env::var_os("PYGUIDE_DATA_DIR").filter(|d| !d.is_empty()) {
            return Ok(PathBuf::from(dir).join(FILE_NAME));
        }
        dirs::data_dir()
            .map(|d| d.join("pyguide").join(FILE_NAME))
            .ok_or(PracticeError::NoDataDir)
    }

    /// The database file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The schema version of the open database.
    pub fn schema_version(&self) -> Result<i64, PracticeError> {
        let conn = self.conn();
        conn.query_row("SELECT version FROM schema_version", [], |r| r.get(0))
            .map_err(|e| self.err(e))
    }

    fn conn(&self) -> MutexGuard<'_, Connection> {
        // A panic while holding the lock cannot leave SQLite inconsistent
        // (transactions roll back on drop), so a poisoned lock is usable.
        self.conn.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn err(&self, e: rusqlite::Error) -> PracticeError {
        match map_err(&self.path, e) {
            PracticeError::Locked { path, .. } => PracticeError::Locked {
                path,
                waited_ms: self.busy_timeout.as_millis() as u64,
            },
            other => other,
        }
    }

    /// Waits at most `timeout` for other writers from now on (tests).
    #[cfg(test)]
    fn set_busy_timeout(&mut self, timeout: Duration) {
        self.busy_timeout = timeout;
        self.conn().busy_timeout(timeout).expect("busy_timeout");
    }

    fn migrate(&self) -> Result<(), PracticeError> {
        let mut conn = self.conn();
        let tx = conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(|e| self.err(e))?;
        tx.execute_batch("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)")
            .map_err(|e| self.err(e))?;
        let found: Option<i64> = tx
            .query_row("SELECT version FROM schema_version", [], |r| r.get(0))
            .optional()
            .map_err(|e| self.err(e))?;
        let version = found.unwrap_or(0);
        if version > SCHEMA_VERSION {
            return Err(PracticeError::TooNew {
                path: self.path.clone(),
                found: version,
                known: SCHEMA_VERSION,
            });
        }
        if version < 0 {
            return Err(PracticeError::Corrupt {
                path: self.path.clone(),
                detail: format!("schema version {version}"),
            });
        }
        for (from, sql) in MIGRATIONS.iter().enumerate().skip(version as usize) {
            tx.execute_batch(sql).map_err(|e| self.err(e))?;
            tracing::info!(
                "{}: migrated the practice schema to version {}",
                self.path.display(),
                from + 1
            );
        }
        if found.is_none() {
            tx.execute(
                "INSERT INTO schema_version (version) VALUES (?1)",
                [SCHEMA_VERSION],
            )
        } else {
            tx.execute("UPDATE schema_version SET version = ?1", [SCHEMA_VERSION])
        }
        .map_err(|e| self.err(e))?;
        tx.commit().map_err(|e| self.err(e))
    }

    pub(crate) fn record_seen(
        &self,
        topics: &[&str],
        why: Seen,
        now: SystemTime,
    ) -> Result<(), PracticeError> {
        let topics: BTreeSet<&str> = topics.iter().copied().filter(|t| !t.is_empty()).collect();
        if topics.is_empty() {
            return Ok(());
        }
        let at = to_ms(now);
        let mut conn = self.conn();
        let tx = conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(|e| self.err(e))?;
        {
            let mut stmt = tx
                .prepare_cached(
                    "INSERT INTO seen (topic, why, count, first_ms, last_ms) VALUES (?1, ?2, 1, ?3, ?3)
                     ON CONFLICT (topic, why) DO UPDATE SET
                         count = count + 1,
                         first_ms = min(first_ms, excluded.first_ms),
                         last_ms = max(last_ms, excluded.last_ms)",
                )
                .map_err(|e| self.err(e))?;
            for t in topics {
                stmt.execute(params![t, why.as_str(), at])
                    .map_err(|e| self.err(e))?;
            }
        }
        tx.commit().map_err(|e| self.err(e))
    }

    /// How often each topic was met, all reasons together.
    pub(crate) fn seen_counts(&self) -> Result<HashMap<String, u32>, PracticeError> {
        let conn = self.conn();
        let mut stmt = conn
            .prepare_cached("SELECT topic, sum(count) FROM seen GROUP BY topic")
            .map_err(|e| self.err(e))?;
        let rows = stmt
            .query_map([], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, i64>(1)?.clamp(0, u32::MAX as i64) as u32,
                ))
            })
            .map_err(|e| self.err(e))?;
        rows.collect::<Result<_, _>>().map_err(|e| self.err(e))
    }

    /// Every reviewed card's state, by card reference.
    pub(crate) fn states(&self) -> Result<HashMap<String, MemoryState>, PracticeError> {
        let conn = self.conn();
        let mut stmt = conn
            .prepare_cached(
                "SELECT card, due_ms, stability, difficulty, scheduled_days, reps, lapses, state, last_review_ms FROM cards",
            )
            .map_err(|e| self.err(e))?;
        let rows = stmt
            .query_map([], |r| Ok((r.get::<_, String>(0)?, state_from_row(r, 1)?)))
            .map_err(|e| self.err(e))?;
        rows.collect::<Result<_, _>>().map_err(|e| self.err(e))
    }

    /// The distinct UTC days with reviews, and the number of reviews.
    pub(crate) fn review_days(&self) -> Result<(Vec<i64>, usize), PracticeError> {
        let conn = self.conn();
        let mut stmt = conn
            .prepare_cached("SELECT DISTINCT at_ms / 86400000 FROM reviews WHERE at_ms >= 0")
            .map_err(|e| self.err(e))?;
        let days = stmt
            .query_map([], |r| r.get::<_, i64>(0))
            .map_err(|e| self.err(e))?
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| self.err(e))?;
        let n: i64 = conn
            .query_row("SELECT count(*) FROM reviews", [], |r| r.get(0))
            .map_err(|e| self.err(e))?;
        Ok((days, n.max(0) as usize))
    }

    /// The number of reviews of `card`.
    pub fn review_count(&self, card: &CardRef) -> Result<usize, PracticeError> {
        let conn = self.conn();
        let n: i64 = conn
            .query_row(
                "SELECT count(*) FROM reviews WHERE card = ?1",
                [card.as_str()],
                |r| r.get(0),
            )
            .map_err(|e| self.err(e))?;
        Ok(n.max(0) as usize)
    }

    /// `card`'s current schedule, `None` when it was never reviewed.
    pub fn schedule(&self, card: &CardRef) -> Result<Option<Schedule>, PracticeError> {
        let conn = self.conn();
        load_state(&conn, card)
            .map(|s| s.map(|s| s.schedule()))
            .map_err(|e| self.err(e))
    }

    pub(crate) fn preview(
        &self,
        card: &CardRef,
        grade: Grade,
        now: SystemTime,
    ) -> Result<Schedule, PracticeError> {
        let conn = self.conn();
        let state = load_state(&conn, card).map_err(|e| self.err(e))?;
        Ok(schedule::next(state.as_ref(), grade, to_ms(now)).schedule())
    }

    pub(crate) fn review(
        &self,
        card: &CardRef,
        grade: Grade,
        now: SystemTime,
    ) -> Result<Schedule, PracticeError> {
        let mut at = to_ms(now);
        let mut conn = self.conn();
        let tx = conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(|e| self.err(e))?;
        // Two reviews of one card in the same millisecond (two processes) are
        // both kept: the later writer moves its own one millisecond on.
        loop {
            let added = tx
                .execute(
                    "INSERT OR IGNORE INTO reviews (card, at_ms, grade) VALUES (?1, ?2, ?3)",
                    params![card.as_str(), at, grade.number()],
                )
                .map_err(|e| self.err(e))?;
            if added == 1 {
                break;
            }
            at += 1;
        }
        let state = refresh(&tx, card.as_str()).map_err(|e| self.err(e))?;
        tx.commit().map_err(|e| self.err(e))?;
        state
            .map(|s| s.schedule())
            .ok_or_else(|| PracticeError::Corrupt {
                path: self.path.clone(),
                detail: format!("the review of {card} just written is missing"),
            })
    }

    /// The whole progress as versioned JSON (pretty-printed).
    pub fn export_json(&self, now: SystemTime) -> Result<String, PracticeError> {
        let conn = self.conn();
        let reviews = {
            let mut stmt = conn
                .prepare("SELECT card, at_ms, grade FROM reviews ORDER BY at_ms, card")
                .map_err(|e| self.err(e))?;
            let rows = stmt
                .query_map([], |r| {
                    Ok((
                        r.get::<_, String>(0)?,
                        r.get::<_, i64>(1)?,
                        r.get::<_, i64>(2)?,
                    ))
                })
                .map_err(|e| self.err(e))?;
            let mut out = Vec::new();
            for row in rows {
                let (card, at, g) = row.map_err(|e| self.err(e))?;
                let (Ok(card), Some(grade)) = (CardRef::parse(&card), Grade::from_number(g)) else {
                    tracing::warn!(
                        "{}: skipping a malformed review of {card:?}",
                        self.path.display()
                    );
                    continue;
                };
                out.push(ExportReview {
                    card,
                    at: rfc3339_ms(at),
                    grade,
                });
            }
            out
        };
        let seen = {
            let mut stmt = conn
                .prepare(
                    "SELECT topic, why, count, first_ms, last_ms FROM seen ORDER BY topic, why",
                )
                .map_err(|e| self.err(e))?;
            let rows = stmt
                .query_map([], |r| {
                    Ok((
                        r.get::<_, String>(0)?,
                        r.get::<_, String>(1)?,
                        r.get::<_, i64>(2)?,
                        r.get::<_, i64>(3)?,
                        r.get::<_, i64>(4)?,
                    ))
                })
                .map_err(|e| self.err(e))?;
            let mut out = Vec::new();
            for row in rows {
                let (topic, why, count, first, last) = row.map_err(|e| self.err(e))?;
                let Some(why) = Seen::parse(&why) else {
                    continue;
                };
                out.push(ExportSeen {
                    topic,
                    why,
                    count: count.clamp(0, u32::MAX as i64) as u32,
                    first: rfc3339_ms(first),
                    last: rfc3339_ms(last),
                });
            }
            out
        };
        let export = Export {
            format: EXPORT_FORMAT.to_string(),
            version: EXPORT_VERSION,
            exported: Some(rfc3339_ms(to_ms(now))),
            reviews,
            seen,
        };
        let mut text =
            serde_json::to_string_pretty(&export).map_err(|e| PracticeError::Import {
                path: self.path.clone(),
                message: e.to_string(),
            })?;
        text.push('\n');
        Ok(text)
    }

    /// Writes [`Store::export_json`] to `file`.
    pub fn export_to(&self, file: &Path, now: SystemTime) -> Result<usize, PracticeError> {
        let text = self.export_json(now)?;
        let reviews = self.review_total()?;
        std::fs::write(file, text).map_err(|source| PracticeError::Io {
            path: file.to_path_buf(),
            source,
        })?;
        Ok(reviews)
    }

    fn review_total(&self) -> Result<usize, PracticeError> {
        Ok(self.review_days()?.1)
    }

    /// Reads an export file and merges it (see [`Store::import_json`]).
    pub fn import_from(&self, file: &Path) -> Result<ImportSummary, PracticeError> {
        let text = std::fs::read_to_string(file).map_err(|source| PracticeError::Io {
            path: file.to_path_buf(),
            source,
        })?;
        self.import_json(&text, file)
    }

    /// Merges an export: reviews are keyed by card and time (a review both
    /// sides have is kept once), the schedules of the cards it touches are
    /// recomputed from the merged log, and met topics keep the larger count
    /// and the wider time span. `origin` names the file in errors.
    pub fn import_json(&self, text: &str, origin: &Path) -> Result<ImportSummary, PracticeError> {
        let bad = |message: String| PracticeError::Import {
            path: origin.to_path_buf(),
            message,
        };
        let export: Export = serde_json::from_str(text).map_err(|e| {
            bad(format!(
                "line {} column {}: not a pyguide practice export: {e}",
                e.line(),
                e.column()
            ))
        })?;
        if export.format != EXPORT_FORMAT {
            return Err(bad(format!(
                "`format` is {:?}, not {EXPORT_FORMAT:?}",
                export.format
            )));
        }
        if export.version == 0 || export.version > EXPORT_VERSION {
            return Err(bad(format!(
                "export version {} is not one this pyguide reads (1 to {EXPORT_VERSION})",
                export.version
            )));
        }
        let mut reviews = Vec::with_capacity(export.reviews.len());
        for (i, r) in export.reviews.iter().enumerate() {
            let at = parse_ms(&r.at).ok_or_else(|| {
                bad(format!(
                    "reviews[{i}]: `at` {:?} is not an RFC 3339 time",
                    r.at
                ))
            })?;
            reviews.push((r.card.as_str(), at, r.grade));
        }
        let mut seen = Vec::with_capacity(export.seen.len());
        for (i, s) in export.seen.iter().enumerate() {
            let (Some(first), Some(last)) = (parse_ms(&s.first), parse_ms(&s.last)) else {
                return Err(bad(format!(
                    "seen[{i}]: `first`/`last` are not RFC 3339 times"
                )));
            };
            seen.push((s.topic.as_str(), s.why, s.count, first, last));
        }
        let mut summary = ImportSummary::default();
        let mut conn = self.conn();
        let tx = conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(|e| self.err(e))?;
        let mut touched = BTreeSet::new();
        {
            let mut insert = tx
                .prepare("INSERT OR IGNORE INTO reviews (card, at_ms, grade) VALUES (?1, ?2, ?3)")
                .map_err(|e| self.err(e))?;
            for (card, at, grade) in reviews {
                if insert
                    .execute(params![card, at, grade.number()])
                    .map_err(|e| self.err(e))?
                    == 1
                {
                    summary.reviews_added += 1;
                    touched.insert(card);
                } else {
                    summary.reviews_known += 1;
                }
            }
            let mut merge = tx
                .prepare(
                    "INSERT INTO seen (topic, why, count, first_ms, last_ms) VALUES (?1, ?2, ?3, ?4, ?5)
                     ON CONFLICT (topic, why) DO UPDATE SET
                         count = max(count, excluded.count),
                         first_ms = min(first_ms, excluded.first_ms),
                         last_ms = max(last_ms, excluded.last_ms)",
                )
                .map_err(|e| self.err(e))?;
            for (topic, why, count, first, last) in seen {
                merge
                    .execute(params![topic, why.as_str(), count, first, last])
                    .map_err(|e| self.err(e))?;
                summary.seen_merged += 1;
            }
        }
        for card in &touched {
            refresh(&tx, card).map_err(|e| self.err(e))?;
        }
        summary.cards_updated = touched.len();
        tx.commit().map_err(|e| self.err(e))?;
        Ok(summary)
    }
}

/// Recomputes `card`'s state from its review log and stores it.
fn refresh(conn: &Connection, card: &str) -> rusqlite::Result<Option<MemoryState>> {
    let mut log: Vec<(i64, Grade)> = {
        let mut stmt = conn.prepare_cached("SELECT at_ms, grade FROM reviews WHERE card = ?1")?;
        let rows = stmt.query_map([card], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?)))?;
        let mut out = Vec::new();
        for row in rows {
            let (at, g) = row?;
            if let Some(g) = Grade::from_number(g) {
                out.push((at, g));
            }
        }
        out
    };
    let Some(s) = schedule::replay(&mut log) else {
        conn.execute("DELETE FROM cards WHERE card = ?1", [card])?;
        return Ok(None);
    };
    conn.execute(
        "INSERT INTO cards (card, due_ms, stability, difficulty, scheduled_days, reps, lapses, state, last_review_ms)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)
         ON CONFLICT (card) DO UPDATE SET
             due_ms = excluded.due_ms, stability = excluded.stability,
             difficulty = excluded.difficulty, scheduled_days = excluded.scheduled_days,
             reps = excluded.reps, lapses = excluded.lapses, state = excluded.state,
             last_review_ms = excluded.last_review_ms",
        params![
            card,
            s.due_ms,
            s.stability,
            s.difficulty,
            s.scheduled_days,
            s.reps,
            s.lapses,
            s.state,
            s.last_review_ms
        ],
    )?;
    Ok(Some(s))
}

fn load_state(conn: &Connection, card: &CardRef) -> rusqlite::Result<Option<MemoryState>> {
    conn.query_row(
        "SELECT due_ms, stability, difficulty, scheduled_days, reps, lapses, state, last_review_ms FROM cards WHERE card = ?1",
        [card.as_str()],
        |r| state_from_row(r, 0),
    )
    .optional()
}

fn state_from_row(r: &rusqlite::Row<'_>, at: usize) -> rusqlite::Result<MemoryState> {
    Ok(MemoryState {
        due_ms: r.get(at)?,
        stability: r.get(at + 1)?,
        difficulty: r.get(at + 2)?,
        scheduled_days: r.get(at + 3)?,
        reps: r.get::<_, i64>(at + 4)?.clamp(0, u32::MAX as i64) as u32,
        lapses: r.get::<_, i64>(at + 5)?.clamp(0, u32::MAX as i64) as u32,
        state: r.get(at + 6)?,
        last_review_ms: r.get(at + 7)?,
    })
}

fn rfc3339_ms(ms: i64) -> String {
    schedule::to_chrono(from_ms(ms)).to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

fn parse_ms(s: &str) -> Option<i64> {
    chrono::DateTime::parse_from_rfc3339(s)
        .ok()
        .map(|t| t.timestamp_millis())
}

/// `f`, run again while SQLite says the database is busy, for up to
/// [`BUSY_TIMEOUT`]: for the statements SQLite does not call the busy
/// handler for.
fn retry_while_busy<T>(mut f: impl FnMut() -> rusqlite::Result<T>) -> rusqlite::Result<T> {
    let start = std::time::Instant::now();
    loop {
        match f() {
            Err(e)
                if e.sqlite_error_code() == Some(ErrorCode::DatabaseBusy)
                    && start.elapsed() < BUSY_TIMEOUT =>
            {
                std::thread::sleep(Duration::from_millis(5));
            }
            result => return result,
        }
    }
}

/// Turns SQLite's error codes into the messages a user can act on.
fn map_err(path: &Path, e: rusqlite::Error) -> PracticeError {
    match e.sqlite_error_code() {
        Some(ErrorCode::NotADatabase | ErrorCode::DatabaseCorrupt) => PracticeError::Corrupt {
            path: path.to_path_buf(),
            detail: e.to_string(),
        },
        Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked) => PracticeError::Locked {
            path: path.to_path_buf(),
            waited_ms: BUSY_TIMEOUT.as_millis() as u64,
        },
        _ => PracticeError::Sqlite {
            path: path.to_path_buf(),
            source: e,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const T0: i64 = 1_780_000_000_000;

    fn temp() -> (tempfile::TempDir, Store) {
        let dir = tempfile::tempdir().expect("temp dir");
        let store = Store::open(&dir.path().join("p.sqlite3")).expect("open");
        (dir, store)
    }

    #[test]
    fn a_new_database_has_the_current_schema_in_wal_mode() {
        let (_dir, store) = temp();
        assert_eq!(store.schema_version().unwrap(), SCHEMA_VERSION);
        let mode: String = store
            .conn()
            .query_row("PRAGMA journal_mode", [], |r| r.get(0))
            .unwrap();
        assert_eq!(mode, "wal");
    }

    #[test]
    fn a_version_1_database_is_migrated_and_keeps_its_reviews() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("old.sqlite3");
        {
            let conn = Connection::open(&path).unwrap();
            conn.execute_batch(MIGRATIONS[0]).unwrap();
            conn.execute_batch(
                "CREATE TABLE schema_version (version INTEGER NOT NULL);
                 INSERT INTO schema_version VALUES (1);",
            )
            .unwrap();
            conn.execute(
                "INSERT INTO reviews VALUES ('asyncio-gather#first-failure', ?1, 3)",
                [T0],
            )
            .unwrap();
            let s = schedule::next(None, Grade::Good, T0);
            conn.execute(
                "INSERT INTO cards VALUES ('asyncio-gather#first-failure', ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                params![s.due_ms, s.stability, s.difficulty, s.scheduled_days, s.reps, s.lapses, s.state, s.last_review_ms],
            )
            .unwrap();
        }
        let store = Store::open(&path).unwrap();
        assert_eq!(store.schema_version().unwrap(), 2);
        let card = CardRef::parse("asyncio-gather#first-failure").unwrap();
        assert_eq!(store.review_count(&card).unwrap(), 1);
        assert_eq!(store.schedule(&card).unwrap().unwrap().reps, 1);
        // The v2 table works.
        store
            .record_seen(&["asyncio-gather"], Seen::Code, from_ms(T0))
            .unwrap();
        assert_eq!(store.seen_counts().unwrap()["asyncio-gather"], 1);
    }

    #[test]
    fn a_newer_schema_is_refused_by_name() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("new.sqlite3");
        drop(Store::open(&path).unwrap());
        Connection::open(&path)
            .unwrap()
            .execute("UPDATE schema_version SET version = 99", [])
            .unwrap();
        let e = Store::open(&path).unwrap_err();
        assert!(
            matches!(e, PracticeError::TooNew { found: 99, .. }),
            "{e:?}"
        );
        assert!(e.to_string().contains("new.sqlite3"), "{e}");
    }

    #[test]
    fn a_file_that_is_not_sqlite_is_reported_as_corrupt_with_its_path() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("practice.sqlite3");
        std::fs::write(
            &path,
            "this is not a database, it is a text file\n".repeat(200),
        )
        .unwrap();
        let e = Store::open(&path).unwrap_err();
        assert!(matches!(e, PracticeError::Corrupt { .. }), "{e:?}");
        assert!(e.to_string().contains(&path.display().to_string()), "{e}");
    }

    #[test]
    fn a_locked_database_is_reported_with_its_path_after_the_timeout() {
        let (_dir, mut store) = temp();
        store.set_busy_timeout(Duration::from_millis(200));
        let other = Connection::open(store.path()).unwrap();
        other.execute_batch("BEGIN EXCLUSIVE").unwrap();
        let e = store
            .review(&CardRef::new("t", "c"), Grade::Good, from_ms(T0))
            .unwrap_err();
        assert!(
            matches!(e, PracticeError::Locked { waited_ms: 200, .. }),
            "{e:?}"
        );
        assert!(e.to_string().contains("p.sqlite3"), "{e}");
        assert!(e.to_string().contains("locked by another process"), "{e}");
        // Reading still works in WAL mode, and writing once the lock is gone.
        assert_eq!(store.review_count(&CardRef::new("t", "c")).unwrap(), 0);
        other.execute_batch("COMMIT").unwrap();
        store
            .review(&CardRef::new("t", "c"), Grade::Good, from_ms(T0))
            .unwrap();
    }

    #[test]
    fn reviews_in_the_same_millisecond_are_both_kept() {
        let (_dir, store) = temp();
        let card = CardRef::new("t", "c");
        store.review(&card, Grade::Good, from_ms(T0)).unwrap();
        let s = store.review(&card, Grade::Again, from_ms(T0)).unwrap();
        assert_eq!(store.review_count(&card).unwrap(), 2);
        assert_eq!(s.reps, 2);
    }

    #[test]
    fn seen_is_one_row_per_topic_and_reason() {
        let (_dir, store) = temp();
        for i in 0..50 {
            store
                .record_seen(&["a", "b", "a"], Seen::Code, from_ms(T0 + i))
                .unwrap();
        }
        store.record_seen(&["a"], Seen::Hover, from_ms(T0)).unwrap();
        let rows: i64 = store
            .conn()
            .query_row("SELECT count(*) FROM seen", [], |r| r.get(0))
            .unwrap();
        assert_eq!(rows, 3);
        let counts = store.seen_counts().unwrap();
        assert_eq!((counts["a"], counts["b"]), (51, 50));
    }

    #[test]
    fn export_then_import_merges_by_card_and_time() {
        let (_a_dir, a) = temp();
        let (_b_dir, b) = temp();
        let x = CardRef::new("t", "x");
        let y = CardRef::new("t", "y");
        a.review(&x, Grade::Good, from_ms(T0)).unwrap();
        a.review(&x, Grade::Hard, from_ms(T0 + 5 * 86_400_000))
            .unwrap();
        b.review(&x, Grade::Good, from_ms(T0)).unwrap();
        b.review(&y, Grade::Again, from_ms(T0 + 1)).unwrap();
        a.record_seen(&["t"], Seen::Explain, from_ms(T0)).unwrap();
        let text = a.export_json(from_ms(T0)).unwrap();
        let summary = b.import_json(&text, Path::new("a.json")).unwrap();
        assert_eq!(
            summary,
            ImportSummary {
                reviews_added: 1,
                reviews_known: 1,
                cards_updated: 1,
                seen_merged: 1
            }
        );
        assert_eq!(b.schedule(&x).unwrap(), a.schedule(&x).unwrap());
        assert_eq!(b.review_count(&y).unwrap(), 1);
        // Importing again changes nothing.
        let again = b.import_json(&text, Path::new("a.json")).unwrap();
        assert_eq!((again.reviews_added, again.reviews_known), (0, 2));
    }

    #[test]
    fn a_bad_export_names_the_file_and_the_place() {
        let (_dir, store) = temp();
        let e = store
            .import_json(
                "{\"format\": \"pyguide-practice\",\n \"version\": 1,\n \"reviews\": [1]}",
                Path::new("x.json"),
            )
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("x.json: line 3"), "{e}");
        let e = store
            .import_json(
                r#"{"format":"pyguide-practice","version":7,"reviews":[]}"#,
                Path::new("x.json"),
            )
            .unwrap_err()
            .to_string();
        assert!(e.contains("version 7"), "{e}");
        let e = store
            .import_json(
                r#"{"format":"pyguide-practice","version":1,"reviews":[{"card":"a#b","at":"yesterday","grade":"good"}]}"#,
                Path::new("x.json"),
            )
            .unwrap_err()
            .to_string();
        assert!(e.contains("reviews[0]"), "{e}");
    }
}
