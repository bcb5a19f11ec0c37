//! The deck: which cards the guide holds, what to show for each, how an
//! answer is graded, which cards to ask next and the progress figures.
//!
//! Everything here is pure except [`queue`] and [`status`], which read the
//! store. Spot cards are graded against the detectors (the same `analyze`
//! the CLI and the server run), so the explanation is the finding's message.

use std::collections::{HashMap, HashSet};
use std::time::SystemTime;

use super::schedule::{day_of, to_ms};
use super::{
    Answer, CardRef, Filter, Grade, Kind, ModuleStatus, Outcome, PracticeError, Prompt,
    QUESTION_CARD, Status, Store,
};
use crate::guide::{Card, CardKind, Guide, Topic};

/// Every card of `guide` that `filter` lets through (its module and topic;
/// `new_limit` is not applied here), in guide order: each topic's cards in
/// file order, then its interview question when it has key points.
pub fn all_cards(guide: &Guide, filter: &Filter) -> Vec<CardRef> {
    guide
        .topics()
        .iter()
        .filter(|t| filter.module.as_deref().is_none_or(|m| t.module == m))
        .filter(|t| filter.topic.as_deref().is_none_or(|id| t.id == id))
        .flat_map(topic_cards)
        .collect()
}

fn topic_cards(t: &Topic) -> Vec<CardRef> {
    let mut out: Vec<CardRef> = t.cards.iter().map(|c| CardRef::new(&t.id, &c.id)).collect();
    if !t.key_points.is_empty() {
        out.push(CardRef::new(&t.id, QUESTION_CARD));
    }
    out
}

/// A card resolved in the guide.
enum Resolved<'g> {
    Question(&'g Topic),
    Card(&'g Topic, &'g Card),
}

fn resolve<'g>(guide: &'g Guide, card: &CardRef) -> Result<Resolved<'g>, PracticeError> {
    let unknown = || PracticeError::UnknownCard(card.clone());
    let topic = guide.get(card.topic()).ok_or_else(unknown)?;
    // A topic's own card may not be called `question` (the loader checks
    // kebab-case only), so a card id wins over the interview question.
    if let Some(c) = topic.cards.iter().find(|c| c.id == card.card()) {
        return Ok(Resolved::Card(topic, c));
    }
    if card.is_question() && !topic.key_points.is_empty() {
        return Ok(Resolved::Question(topic));
    }
    Err(unknown())
}

/// What to show for `card` on the UTC day of `now` (choice options are
/// shuffled per card and day). Never contains the answer.
pub fn prompt(guide: &Guide, card: &CardRef, now: SystemTime) -> Result<Prompt, PracticeError> {
    let (topic, kind, text, options, code) = match resolve(guide, card)? {
        Resolved::Question(t) => (t, Kind::Question, t.question.clone(), None, None),
        Resolved::Card(t, c) => match &c.kind {
            CardKind::Choice { .. } => (
                t,
                Kind::Choice,
                c.prompt.clone(),
                Some(options(card, c, now)),
                None,
            ),
            CardKind::Output { code, .. } => {
                (t, Kind::Output, c.prompt.clone(), None, Some(code.clone()))
            }
            CardKind::Spot { code, .. } => {
                (t, Kind::Spot, c.prompt.clone(), None, Some(code.clone()))
            }
        },
    };
    Ok(Prompt {
        id: card.clone(),
        topic: topic.id.clone(),
        topic_title: topic.title.clone(),
        module: topic.module.clone(),
        kind,
        prompt: text,
        options,
        code,
    })
}

/// A choice card's options: the answer and the wrong ones, in an order that
/// depends only on the card and the UTC day.
fn options(card: &CardRef, c: &Card, now: SystemTime) -> Vec<String> {
    let CardKind::Choice { answer, wrong, .. } = &c.kind else {
        return Vec::new();
    };
    let mut opts: Vec<String> = std::iter::once(answer.clone())
        .chain(wrong.iter().map(|w| w.option.clone()))
        .collect();
    let day = day_of(to_ms(now));
    let mut rng = SplitMix64(xxhash_rust::xxh3::xxh3_64(
        format!("{card}@{day}").as_bytes(),
    ));
    // Fisher–Yates.
    for i in (1..opts.len()).rev() {
        let j = (rng.next() % (i as u64 + 1)) as usize;
        opts.swap(i, j);
    }
    opts
}

/// A small deterministic generator for the shuffle (not for anything secret).
struct SplitMix64(u64);

impl SplitMix64 {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
}

/// Grades `answer` to `card` (pure). The option index of a choice answer
/// refers to the order [`prompt`] gives on the UTC day of `now`. See the
/// module docs of `practice` for the grade each result suggests.
pub fn grade(
    guide: &Guide,
    card: &CardRef,
    answer: &Answer,
    now: SystemTime,
) -> Result<Outcome, PracticeError> {
    let wrong_kind = |kind: &'static str, message: &str| PracticeError::WrongAnswerKind {
        card: card.clone(),
        kind,
        message: message.to_string(),
    };
    let (topic, c) = match resolve(guide, card)? {
        Resolved::Question(t) => {
            let points = t
                .key_points
                .iter()
                .map(|p| format!("- {p}"))
                .collect::<Vec<_>>()
                .join("\n");
            return Ok(Outcome {
                correct: None,
                expected: points.clone(),
                explanation: format!("A good answer names:\n{points}"),
                grade: Grade::Good,
            });
        }
        Resolved::Card(t, c) => (t, c),
    };
    match (&c.kind, answer) {
        (
            CardKind::Choice {
                answer: right,
                why,
                wrong,
            },
            Answer::Choice(i),
        ) => {
            let opts = options(card, c, now);
            let Some(picked) = opts.get(*i) else {
                return Err(wrong_kind(
                    "choice",
                    &format!("option {} does not exist (it has {})", i + 1, opts.len()),
                ));
            };
            let correct = picked == right;
            let explanation = if correct {
                why.clone()
            } else {
                let not = wrong
                    .iter()
                    .find(|w| &w.option == picked)
                    .map_or(String::new(), |w| format!("Not “{picked}”: {}\n\n", w.why));
                format!("{not}{why}")
            };
            Ok(Outcome {
                correct: Some(correct),
                expected: right.clone(),
                explanation,
                grade: if correct { Grade::Good } else { Grade::Again },
            })
        }
        (CardKind::Choice { .. }, _) => Err(wrong_kind("choice", "answer with an option index")),
        (CardKind::Output { output, .. }, Answer::Text(said)) => {
            let expected = normalize_output(output);
            let said_n = normalize_output(said);
            let (correct, grade, note) = if said_n == expected {
                (true, Grade::Good, "")
            } else if words(&said_n) == words(&expected) {
                (
                    true,
                    Grade::Hard,
                    "Right values, but the spacing or line breaks differ from what Python prints.\n\n",
                )
            } else {
                (false, Grade::Again, "")
            };
            Ok(Outcome {
                correct: Some(correct),
                expected: expected.clone(),
                explanation: format!("{note}{}", topic.summary),
                grade,
            })
        }
        (CardKind::Output { .. }, _) => {
            Err(wrong_kind("output", "answer with the predicted output"))
        }
        (CardKind::Spot { code, rule, line }, Answer::Line(_) | Answer::Text(_)) => {
            let correct = match answer {
                Answer::Line(n) => n == line,
                Answer::Text(s) => {
                    let s = s.trim();
                    s.eq_ignore_ascii_case(rule)
                        || s.trim_start_matches(['l', 'L'])
                            .trim_start_matches("ine")
                            .trim()
                            .parse::<usize>()
                            .is_ok_and(|n| n == *line)
                }
                _ => false,
            };
            let message = finding_message(code, rule, *line);
            Ok(Outcome {
                correct: Some(correct),
                expected: format!("line {line} ({rule})"),
                explanation: message,
                grade: if correct { Grade::Good } else { Grade::Again },
            })
        }
        (CardKind::Spot { .. }, _) => Err(wrong_kind(
            "spot",
            "answer with a line number or the rule code",
        )),
    }
}

/// The detectors' message for `rule` at `line` of a spot card's snippet,
/// or the rule's summary when they say nothing there (the card tests make
/// sure they do).
fn finding_message(code: &str, rule: &str, line: usize) -> String {
    let doc = crate::python::Document::parse(code.to_string());
    let found = crate::detect::analyze(&doc).into_iter().find(|f| {
        f.code() == rule && code[..f.range.start.min(code.len())].matches('\n').count() + 1 == line
    });
    match found {
        Some(f) => format!("{rule}: {}", f.message),
        None => crate::detect::RULES
            .iter()
            .find(|r| r.code == rule)
            .map_or_else(|| rule.to_string(), |r| format!("{rule}: {}", r.summary)),
    }
}

/// Output as compared: CRLF as LF, trailing spaces of each line and blank
/// lines at the end dropped.
fn normalize_output(s: &str) -> String {
    let s = s.replace("\r\n", "\n");
    let lines: Vec<&str> = s.lines().map(str::trim_end).collect();
    let end = lines
        .iter()
        .rposition(|l| !l.is_empty())
        .map_or(0, |i| i + 1);
    lines[..end].join("\n")
}

fn words(s: &str) -> Vec<&str> {
    s.split_whitespace().collect()
}

/// See [`super::queue`].
pub(super) fn queue(
    store: &Store,
    guide: &Guide,
    filter: &Filter,
    weights: &HashMap<String, u32>,
    now: SystemTime,
) -> Result<Vec<CardRef>, PracticeError> {
    let now_ms = to_ms(now);
    let states = store.states()?;
    let met = store.seen_counts()?;
    let mut due: Vec<(i64, usize, CardRef)> = Vec::new();
    let mut new: Vec<(u32, u32, usize, CardRef)> = Vec::new();
    for (order, card) in all_cards(guide, filter).into_iter().enumerate() {
        match states.get(card.as_str()) {
            Some(s) if s.due_ms <= now_ms => due.push((s.due_ms, order, card)),
            Some(_) => {}
            None => {
                let w = weights.get(card.topic()).copied().unwrap_or(0);
                let m = met.get(card.topic()).copied().unwrap_or(0);
                new.push((w, m, order, card));
            }
        }
    }
    due.sort_by_key(|(at, order, _)| (*at, *order));
    new.sort_by(|a, b| b.0.cmp(&a.0).then(b.1.cmp(&a.1)).then(a.2.cmp(&b.2)));
    let limit = filter.new_limit.unwrap_or(usize::MAX);
    Ok(due
        .into_iter()
        .map(|(_, _, c)| c)
        .chain(new.into_iter().take(limit).map(|(_, _, _, c)| c))
        .collect())
}

/// See [`super::status`].
pub(super) fn status(
    store: &Store,
    guide: &Guide,
    now: SystemTime,
) -> Result<Status, PracticeError> {
    let now_ms = to_ms(now);
    let states = store.states()?;
    let mut modules: Vec<ModuleStatus> = Vec::new();
    let mut total = Status::default();
    for t in guide.topics() {
        let cards = topic_cards(t);
        if cards.is_empty() {
            continue;
        }
        let at = match modules.iter().position(|m| m.module == t.module) {
            Some(i) => i,
            None => {
                modules.push(ModuleStatus {
                    module: t.module.clone(),
                    ..ModuleStatus::default()
                });
                modules.len() - 1
            }
        };
        let m = &mut modules[at];
        for card in cards {
            m.cards += 1;
            if let Some(s) = states.get(card.as_str()) {
                m.seen += 1;
                if s.due_ms <= now_ms {
                    m.due += 1;
                }
                if s.schedule().mastered() {
                    m.mastered += 1;
                }
            }
        }
    }
    for m in &modules {
        total.cards += m.cards;
        total.seen += m.seen;
        total.due += m.due;
        total.mastered += m.mastered;
    }
    total.new = total.cards - total.seen;
    let (days, reviews) = store.review_days()?;
    total.reviews = reviews;
    total.streak = streak(&days, day_of(now_ms));
    let known: HashSet<&str> = guide.topics().iter().map(|t| t.id.as_str()).collect();
    total.topics_met = store
        .seen_counts()?
        .keys()
        .filter(|t| known.contains(t.as_str()))
        .count();
    total.modules = modules;
    Ok(total)
}

/// Consecutive days with reviews ending `today`, or yesterday when today
/// has none yet (the streak is not lost before the day is over).
fn streak(days: &[i64], today: i64) -> u32 {
    let set: HashSet<i64> = days.iter().copied().collect();
    let mut day = if set.contains(&today) {
        today
    } else {
        today - 1
    };
    let mut n = 0;
    while set.contains(&day) {
        n += 1;
        day -= 1;
    }
    n
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::{Duration, UNIX_EPOCH};

    const GATHER: &str = "asyncio-gather";

    fn guide() -> Guide {
        crate::guide::load_builtin().guide
    }

    fn at_day(day: u64) -> SystemTime {
        UNIX_EPOCH + Duration::from_secs(day * 86_400 + 3_600)
    }

    fn card_of<'g>(guide: &'g Guide, kind: &str) -> (CardRef, &'g Card) {
        let t = guide.get(GATHER).unwrap();
        let c = t.cards.iter().find(|c| c.kind.name() == kind).unwrap();
        (CardRef::new(GATHER, &c.id), c)
    }

    #[test]
    fn a_prompt_never_carries_the_answer() {
        let guide = guide();
        for card in all_cards(&guide, &Filter::default()) {
            let p = prompt(&guide, &card, at_day(20_000)).unwrap();
            let json = serde_json::to_value(&p).unwrap();
            let keys: Vec<&String> = json.as_object().unwrap().keys().collect();
            for hidden in [
                "answer", "why", "output", "rule", "line", "wrong", "expected",
            ] {
                assert!(!keys.iter().any(|k| *k == hidden), "{card}: {keys:?}");
            }
            assert_eq!(json["id"], card.as_str());
            assert_eq!(json["topicTitle"], guide.get(card.topic()).unwrap().title);
        }
    }

    #[test]
    fn choices_are_shuffled_per_day_and_stable_within_it() {
        let guide = guide();
        let (card, _) = card_of(&guide, "choice");
        let morning = prompt(&guide, &card, at_day(20_000)).unwrap().options;
        let evening = prompt(
            &guide,
            &card,
            at_day(20_000) + Duration::from_secs(20 * 3_600),
        )
        .unwrap()
        .options;
        assert_eq!(morning, evening);
        let orders: HashSet<Vec<String>> = (0..30)
            .map(|d| {
                prompt(&guide, &card, at_day(20_000 + d))
                    .unwrap()
                    .options
                    .unwrap()
            })
            .collect();
        assert!(orders.len() > 1, "the order never changes over 30 days");
    }

    #[test]
    fn a_choice_is_graded_against_the_shown_order() {
        let guide = guide();
        let (card, c) = card_of(&guide, "choice");
        let CardKind::Choice { answer, wrong, .. } = &c.kind else {
            unreachable!()
        };
        let now = at_day(20_001);
        let options = prompt(&guide, &card, now).unwrap().options.unwrap();
        let right = options.iter().position(|o| o == answer).unwrap();
        let o = grade(&guide, &card, &Answer::Choice(right), now).unwrap();
        assert_eq!((o.correct, o.grade), (Some(true), Grade::Good));
        assert_eq!(&o.expected, answer);
        let bad = (right + 1) % options.len();
        let o = grade(&guide, &card, &Answer::Choice(bad), now).unwrap();
        assert_eq!((o.correct, o.grade), (Some(false), Grade::Again));
        let why = &wrong.iter().find(|w| w.option == options[bad]).unwrap().why;
        assert!(o.explanation.contains(why.as_str()), "{}", o.explanation);
        assert!(grade(&guide, &card, &Answer::Choice(options.len()), now).is_err());
        assert!(grade(&guide, &card, &Answer::Text("x".into()), now).is_err());
    }

    #[test]
    fn output_is_compared_exactly_with_spacing_as_hard() {
        let guide = guide();
        let (card, c) = card_of(&guide, "output");
        let CardKind::Output { output, .. } = &c.kind else {
            unreachable!()
        };
        let now = at_day(20_000);
        let typed = |s: &str| grade(&guide, &card, &Answer::Text(s.to_string()), now).unwrap();
        let exact = typed(&format!("{}  \n\n", output.trim_end()));
        assert_eq!((exact.correct, exact.grade), (Some(true), Grade::Good));
        let spaced = typed(&output.split_whitespace().collect::<Vec<_>>().join(" "));
        assert_eq!((spaced.correct, spaced.grade), (Some(true), Grade::Hard));
        let wrong = typed("done slow\ndone fast");
        assert_eq!((wrong.correct, wrong.grade), (Some(false), Grade::Again));
        assert_eq!(wrong.expected, output.trim_end());
    }

    #[test]
    fn spot_takes_the_line_or_the_rule_and_explains_with_the_finding() {
        let guide = guide();
        let (card, c) = card_of(&guide, "spot");
        let CardKind::Spot { rule, line, .. } = &c.kind else {
            unreachable!()
        };
        let now = at_day(20_000);
        let g = |a: Answer| grade(&guide, &card, &a, now).unwrap();
        assert_eq!(g(Answer::Line(*line)).grade, Grade::Good);
        assert_eq!(g(Answer::Text(rule.to_lowercase())).correct, Some(true));
        assert_eq!(g(Answer::Text(format!("line {line}"))).correct, Some(true));
        let miss = g(Answer::Line(line + 1));
        assert_eq!((miss.correct, miss.grade), (Some(false), Grade::Again));
        assert_eq!(miss.expected, format!("line {line} ({rule})"));
        // The detectors' own message, not the rule's one-line summary.
        let summary = crate::detect::RULES
            .iter()
            .find(|r| r.code == rule)
            .unwrap()
            .summary;
        assert!(
            miss.explanation.starts_with(&format!("{rule}: ")),
            "{}",
            miss.explanation
        );
        assert!(
            !miss
                .explanation
                .starts_with(&format!("{rule}: {summary}\n"))
        );
    }

    #[test]
    fn the_question_card_reveals_the_key_points() {
        let guide = guide();
        let card = CardRef::new(GATHER, QUESTION_CARD);
        let p = prompt(&guide, &card, at_day(1)).unwrap();
        assert_eq!(p.kind, Kind::Question);
        assert_eq!(p.prompt, guide.get(GATHER).unwrap().question);
        let o = grade(&guide, &card, &Answer::Reveal, at_day(1)).unwrap();
        assert_eq!((o.correct, o.grade), (None, Grade::Good));
        for point in &guide.get(GATHER).unwrap().key_points {
            assert!(o.expected.contains(point.as_str()));
        }
    }

    #[test]
    fn unknown_cards_are_errors_not_panics() {
        let guide = guide();
        for id in ["no-such-topic#x", "asyncio-gather#no-such-card"] {
            let card = CardRef::parse(id).unwrap();
            assert!(matches!(
                prompt(&guide, &card, at_day(1)),
                Err(PracticeError::UnknownCard(_))
            ));
        }
        for bad in ["", "#", "a#", "#b", "a#b#c", "plain"] {
            assert!(CardRef::parse(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn streak_counts_back_from_today_or_yesterday() {
        assert_eq!(streak(&[], 100), 0);
        assert_eq!(streak(&[100], 100), 1);
        assert_eq!(streak(&[98, 99], 100), 2);
        assert_eq!(streak(&[97, 99, 100], 100), 2);
        assert_eq!(streak(&[97, 98], 100), 0);
    }

    #[test]
    fn output_comparison_ignores_trailing_space_only() {
        assert_eq!(normalize_output("a  \r\nb\n\n\n"), "a\nb");
        assert_eq!(normalize_output("\n"), "");
        assert_ne!(normalize_output(" a"), normalize_output("a"));
    }

    #[test]
    fn splitmix_is_deterministic() {
        let mut a = SplitMix64(7);
        let mut b = SplitMix64(7);
        assert_eq!(a.next(), b.next());
        assert_ne!(a.next(), SplitMix64(8).next());
    }
}
