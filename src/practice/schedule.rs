//! FSRS scheduling: grades, a card's memory state, and the state a review
//! leads to, computed with the `rs-fsrs` crate (FSRS-5 default weights).
//!
//! A card's state is a pure function of its review history: [`replay`]
//! folds the reviews in time order. The store keeps the folded state as a
//! cache and recomputes it whenever the history changes (a review, an
//! import), so merging two histories gives the same state on every machine.
//!
//! Days are the unit: the long-term scheduler is used (no same-day learning
//! steps), a card answered Again comes back the next day. Interview facts are
//! revised over weeks, not minutes.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use chrono::{DateTime, Utc};
use rs_fsrs::{Card as FsrsCard, FSRS, Parameters, Rating, State};
use serde::{Deserialize, Serialize};

/// A card counts as mastered once its stability (the days after which recall
/// falls to 90 %) reaches three weeks.
pub const MASTERED_STABILITY_DAYS: f64 = 21.0;

/// How well the user recalled a card.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Grade {
    Again,
    Hard,
    Good,
    Easy,
}

impl Grade {
    pub const ALL: [Grade; 4] = [Grade::Again, Grade::Hard, Grade::Good, Grade::Easy];

    /// `again`, `hard`, `good`, `easy`.
    pub fn as_str(self) -> &'static str {
        match self {
            Grade::Again => "again",
            Grade::Hard => "hard",
            Grade::Good => "good",
            Grade::Easy => "easy",
        }
    }

    /// The inverse of [`Grade::as_str`] (case-insensitive).
    pub fn parse(s: &str) -> Option<Grade> {
        Grade::ALL
            .into_iter()
            .find(|g| g.as_str().eq_ignore_ascii_case(s.trim()))
    }

    /// 1 to 4, as FSRS and the database number them.
    pub fn number(self) -> i64 {
        match self {
            Grade::Again => 1,
            Grade::Hard => 2,
            Grade::Good => 3,
            Grade::Easy => 4,
        }
    }

    /// The inverse of [`Grade::number`].
    pub fn from_number(n: i64) -> Option<Grade> {
        Grade::ALL.into_iter().find(|g| g.number() == n)
    }

    fn rating(self) -> Rating {
        match self {
            Grade::Again => Rating::Again,
            Grade::Hard => Rating::Hard,
            Grade::Good => Rating::Good,
            Grade::Easy => Rating::Easy,
        }
    }
}

/// A card's schedule after a review.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Schedule {
    /// When the card is due next.
    #[serde(serialize_with = "ser_time")]
    pub due: SystemTime,
    /// Days from the review to `due`.
    pub interval_days: i64,
    /// FSRS stability, in days.
    pub stability: f64,
    /// FSRS difficulty, 1 to 10.
    pub difficulty: f64,
    /// Reviews so far.
    pub reps: u32,
    /// Times the card was forgotten (Again after it was learnt).
    pub lapses: u32,
}

impl Schedule {
    /// `due` as RFC 3339 UTC, seconds precision (`2026-12-03T10:00:00Z`).
    pub fn due_rfc3339(&self) -> String {
        rfc3339(self.due)
    }

    /// Whether the card counts as mastered.
    pub fn mastered(&self) -> bool {
        self.stability >= MASTERED_STABILITY_DAYS
    }
}

fn ser_time<S: serde::Serializer>(t: &SystemTime, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&rfc3339(*t))
}

/// RFC 3339 UTC with seconds precision.
pub(crate) fn rfc3339(t: SystemTime) -> String {
    to_chrono(t)
        .to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
        .to_string()
}

/// A card's FSRS memory state, as stored.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct MemoryState {
    pub due_ms: i64,
    pub stability: f64,
    pub difficulty: f64,
    pub scheduled_days: i64,
    pub reps: u32,
    pub lapses: u32,
    /// rs-fsrs' state number: 0 new, 1 learning, 2 review, 3 relearning.
    pub state: i64,
    pub last_review_ms: i64,
}

impl MemoryState {
    pub fn schedule(&self) -> Schedule {
        Schedule {
            due: from_ms(self.due_ms),
            interval_days: self.scheduled_days,
            stability: self.stability,
            difficulty: self.difficulty,
            reps: self.reps,
            lapses: self.lapses,
        }
    }

    fn to_fsrs(&self) -> FsrsCard {
        FsrsCard {
            due: to_chrono(from_ms(self.due_ms)),
            stability: self.stability,
            difficulty: self.difficulty,
            elapsed_days: 0,
            scheduled_days: self.scheduled_days,
            reps: self.reps as i32,
            lapses: self.lapses as i32,
            state: match self.state {
                1 => State::Learning,
                2 => State::Review,
                3 => State::Relearning,
                _ => State::New,
            },
            last_review: to_chrono(from_ms(self.last_review_ms)),
        }
    }

    fn from_fsrs(c: &FsrsCard) -> MemoryState {
        MemoryState {
            due_ms: c.due.timestamp_millis(),
            stability: c.stability,
            difficulty: c.difficulty,
            scheduled_days: c.scheduled_days,
            reps: c.reps.max(0) as u32,
            lapses: c.lapses.max(0) as u32,
            state: c.state as i64,
            last_review_ms: c.last_review.timestamp_millis(),
        }
    }
}

fn fsrs() -> FSRS {
    FSRS::new(Parameters {
        enable_short_term: false,
        enable_fuzz: false,
        ..Parameters::default()
    })
}

/// The state after reviewing a card in state `state` (`None`: new) with
/// `grade` at `at_ms`.
pub(crate) fn next(state: Option<&MemoryState>, grade: Grade, at_ms: i64) -> MemoryState {
    let now = to_chrono(from_ms(at_ms));
    let card = match state {
        Some(s) => s.to_fsrs(),
        None => FsrsCard {
            due: now,
            last_review: now,
            ..FsrsCard::default()
        },
    };
    MemoryState::from_fsrs(&fsrs().next(card, now, grade.rating()).card)
}

/// Folds a review history (any order; sorted here by time) into a state.
pub(crate) fn replay(reviews: &mut [(i64, Grade)]) -> Option<MemoryState> {
    reviews.sort_by_key(|&(at, g)| (at, g.number()));
    let mut state: Option<MemoryState> = None;
    for &(at, grade) in reviews.iter() {
        state = Some(next(state.as_ref(), grade, at));
    }
    state
}

pub(crate) fn to_ms(t: SystemTime) -> i64 {
    match t.duration_since(UNIX_EPOCH) {
        Ok(d) => i64::try_from(d.as_millis()).unwrap_or(i64::MAX),
        Err(e) => -i64::try_from(e.duration().as_millis()).unwrap_or(i64::MAX),
    }
}

pub(crate) fn from_ms(ms: i64) -> SystemTime {
    if ms >= 0 {
        UNIX_EPOCH + Duration::from_millis(ms as u64)
    } else {
        UNIX_EPOCH - Duration::from_millis(ms.unsigned_abs())
    }
}

pub(crate) fn to_chrono(t: SystemTime) -> DateTime<Utc> {
    DateTime::<Utc>::from(t)
}

/// Days since the epoch (UTC) of a time in milliseconds.
pub(crate) fn day_of(ms: i64) -> i64 {
    ms.div_euclid(86_400_000)
}

#[cfg(test)]
mod tests {
    use super::*;

    const DAY: i64 = 86_400_000;
    const T0: i64 = 1_780_000_000_000;

    /// FSRS-5 defaults: a new card's stability after its first grade is
    /// w[0..4] (0.4072, 1.1829, 3.1262, 15.4722), and at 90 % retention the
    /// interval is the stability, rounded, at least one day; the long-term
    /// scheduler then keeps Again < Hard < Good < Easy, so Hard gets
    /// Again's day + 1 (1.18 rounds to the same 1 day).
    #[test]
    fn first_review_follows_the_default_weights() {
        let expect = [
            (Grade::Again, 0.4072, 1),
            (Grade::Hard, 1.1829, 2),
            (Grade::Good, 3.1262, 3),
            (Grade::Easy, 15.4722, 15),
        ];
        for (grade, stability, days) in expect {
            let s = next(None, grade, T0);
            assert!((s.stability - stability).abs() < 1e-9, "{grade:?}: {s:?}");
            assert_eq!(s.scheduled_days, days, "{grade:?}");
            assert_eq!(s.due_ms, T0 + days * DAY, "{grade:?}");
            assert_eq!(s.reps, 1);
        }
    }

    /// Initial difficulty D0(G) = w4 - e^(w5 (G - 1)) + 1, clamped to 1..10.
    #[test]
    fn first_review_difficulty_follows_the_formula() {
        for grade in Grade::ALL {
            let g = grade.number() as f64;
            let d0 = (7.2102 - (0.5316 * (g - 1.0)).exp() + 1.0).clamp(1.0, 10.0);
            let s = next(None, grade, T0);
            assert!((s.difficulty - d0).abs() < 1e-9, "{grade:?}: {s:?}");
        }
    }

    #[test]
    fn good_on_time_grows_the_interval_and_again_is_a_lapse() {
        let first = next(None, Grade::Good, T0);
        let second = next(Some(&first), Grade::Good, first.due_ms);
        assert!(
            second.scheduled_days > first.scheduled_days,
            "{first:?} -> {second:?}"
        );
        assert!(second.stability > first.stability);
        let forgot = next(Some(&second), Grade::Again, second.due_ms);
        assert_eq!(forgot.lapses, 1);
        assert!(forgot.stability < second.stability);
        // The post-lapse stability, rounded, is the new interval.
        assert_eq!(
            forgot.scheduled_days,
            (forgot.stability.round() as i64).max(1),
            "{forgot:?}"
        );
        assert!(forgot.scheduled_days < second.scheduled_days);
    }

    #[test]
    fn easier_grades_never_schedule_sooner() {
        let first = next(None, Grade::Good, T0);
        let at = first.due_ms + 2 * DAY;
        let days: Vec<i64> = Grade::ALL
            .iter()
            .map(|&g| next(Some(&first), g, at).scheduled_days)
            .collect();
        assert!(days.windows(2).all(|w| w[0] <= w[1]), "{days:?}");
        assert!(days[0] < days[3], "{days:?}");
    }

    #[test]
    fn replay_is_order_independent_and_matches_incremental_reviews() {
        let history = [
            (T0, Grade::Good),
            (T0 + 3 * DAY, Grade::Hard),
            (T0 + 5 * DAY, Grade::Again),
            (T0 + 6 * DAY, Grade::Good),
        ];
        let mut incremental = None;
        for &(at, g) in &history {
            incremental = Some(next(incremental.as_ref(), g, at));
        }
        let mut shuffled = vec![history[2], history[0], history[3], history[1]];
        assert_eq!(replay(&mut shuffled), incremental);
        assert_eq!(replay(&mut []), None);
    }

    #[test]
    fn grade_names_and_numbers_round_trip() {
        for g in Grade::ALL {
            assert_eq!(Grade::parse(g.as_str()), Some(g));
            assert_eq!(Grade::from_number(g.number()), Some(g));
        }
        assert_eq!(Grade::parse(" GOOD "), Some(Grade::Good));
        assert_eq!(Grade::parse("fine"), None);
        assert_eq!(Grade::from_number(0), None);
    }

    #[test]
    fn times_round_trip_through_milliseconds() {
        for ms in [0, 1, T0, -5_000] {
            assert_eq!(to_ms(from_ms(ms)), ms);
        }
        assert_eq!(rfc3339(from_ms(T0)), "2026-05-28T20:26:40Z");
        assert_eq!(day_of(-1), -1);
        assert_eq!(day_of(DAY), 1);
    }
}
