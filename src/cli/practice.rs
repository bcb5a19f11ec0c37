//! `pyguide practice`: the spaced-repetition deck in the terminal.
//!
//! This module owns the command's modes: the interactive session on a TTY
//! (crossterm raw mode: number keys / arrows for choices, a small line editor
//! for typed answers, reveal and self-grade for question cards), the queue
//! as JSON for scripts, `--stats` (text with per-module bars, or JSON),
//! `--export` and `--import`. Every answer is saved the moment it is graded,
//! so `q`, Esc or Ctrl-C lose nothing that was answered.

use std::collections::HashMap;
use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::time::SystemTime;

use crossterm::event::{self, Event, KeyCode, KeyEvent, KeyEventKind, KeyModifiers};
use crossterm::terminal;
use serde::Serialize;

use super::check::Raised;
use super::{Exit, Style};
use crate::guide::Guide;
use crate::practice::{
    self, Answer, CardRef, Filter, Grade, Kind, Outcome, Prompt, Seen, Status, Store,
};

/// The options of `pyguide practice`.
#[derive(Debug, Clone, Default)]
pub struct PracticeArgs {
    pub new: usize,
    pub module: Option<String>,
    pub topic: Option<String>,
    pub from: Vec<PathBuf>,
    pub stats: bool,
    pub json: bool,
    pub export: Option<PathBuf>,
    pub import: Option<PathBuf>,
}

/// A `--format json` queue entry.
#[derive(Serialize)]
struct QueueEntry<'a> {
    id: &'a CardRef,
    topic: &'a str,
    kind: Kind,
    prompt: &'a str,
}

/// Runs `pyguide practice`.
pub fn run(
    args: &PracticeArgs,
    guide: &Guide,
    out: &mut dyn Write,
    err: &mut dyn Write,
    style: Style,
) -> anyhow::Result<Exit> {
    let now = SystemTime::now();
    if let Some(module) = &args.module
        && !guide.topics().iter().any(|t| &t.module == module)
    {
        let mut modules: Vec<&str> = guide.topics().iter().map(|t| t.module.as_str()).collect();
        modules.dedup();
        writeln!(
            err,
            "error: no module {module:?}; the modules are: {}",
            modules.join(", ")
        )?;
        return Ok(Exit::Error);
    }
    if let Some(topic) = &args.topic
        && guide.get(topic).is_none()
    {
        writeln!(
            err,
            "error: no topic {topic:?} (list them with `pyguide topics`)"
        )?;
        return Ok(Exit::Error);
    }
    let interactive = !(args.json || args.stats || args.export.is_some() || args.import.is_some());
    if interactive && !(std::io::stdin().is_terminal() && std::io::stdout().is_terminal()) {
        writeln!(
            err,
            "error: `pyguide practice` asks its questions in a terminal, and this is not one; \
             for scripts use `pyguide practice --format json` (it prints the cards it would ask and asks nothing)"
        )?;
        return Ok(Exit::Error);
    }
    let store = match Store::open_default() {
        Ok(s) => s,
        Err(e) => {
            writeln!(err, "error: {e}")?;
            return Ok(Exit::Error);
        }
    };
    match run_with(args, guide, &store, now, interactive, out, err, style) {
        Ok(code) => Ok(code),
        Err(e) => match e.downcast::<practice::PracticeError>() {
            Ok(p) => {
                writeln!(err, "error: {p}")?;
                Ok(Exit::Error)
            }
            Err(e) => Err(e),
        },
    }
}

#[allow(clippy::too_many_arguments)]
fn run_with(
    args: &PracticeArgs,
    guide: &Guide,
    store: &Store,
    now: SystemTime,
    interactive: bool,
    out: &mut dyn Write,
    err: &mut dyn Write,
    style: Style,
) -> anyhow::Result<Exit> {
    if let Some(file) = &args.export {
        let n = store.export_to(file, now)?;
        writeln!(
            out,
            "exported {n} review{} to {}",
            plural(n),
            file.display()
        )?;
        return Ok(Exit::Ok);
    }
    if let Some(file) = &args.import {
        let s = store.import_from(file)?;
        writeln!(
            out,
            "imported {}: {} new review{}, {} already here, {} card schedule{} recomputed",
            file.display(),
            s.reviews_added,
            plural(s.reviews_added),
            s.reviews_known,
            s.cards_updated,
            plural(s.cards_updated)
        )?;
        return Ok(Exit::Ok);
    }
    if args.stats {
        let status = practice::status(store, guide, now)?;
        if args.json {
            serde_json::to_writer_pretty(&mut *out, &status)?;
            writeln!(out)?;
        } else {
            write_stats(&status, out, style)?;
        }
        return Ok(Exit::Ok);
    }
    let (weights, intro) = if args.from.is_empty() {
        (HashMap::new(), None)
    } else {
        let (counts, files, errors) = super::check::topic_counts(&args.from);
        for e in &errors {
            writeln!(err, "{} {e}", style.warning("warning:"))?;
        }
        let topics: Vec<&str> = counts
            .keys()
            .map(String::as_str)
            .filter(|t| guide.get(t).is_some())
            .collect();
        practice::record_seen(store, &topics, Seen::Code, now)?;
        let intro = from_intro(&counts, files, guide);
        writeln!(err, "{intro}")?;
        let weights = counts
            .iter()
            .map(|(t, r)| (t.clone(), r.weight()))
            .collect();
        (weights, Some(intro))
    };
    let filter = Filter {
        module: args.module.clone(),
        topic: args.topic.clone(),
        new_limit: Some(args.new),
    };
    let cards = practice::queue(store, guide, &filter, &weights, now)?;
    if !interactive {
        let prompts: Vec<Prompt> = cards
            .iter()
            .map(|c| practice::prompt(guide, c, now))
            .collect::<Result<_, _>>()?;
        let entries: Vec<QueueEntry> = prompts
            .iter()
            .map(|p| QueueEntry {
                id: &p.id,
                topic: &p.topic,
                kind: p.kind,
                prompt: &p.prompt,
            })
            .collect();
        serde_json::to_writer_pretty(&mut *out, &entries)?;
        writeln!(out)?;
        return Ok(Exit::Ok);
    }
    if cards.is_empty() {
        let status = practice::status(store, guide, now)?;
        writeln!(
            out,
            "Nothing to practise now: no card is due and no new card matches ({} seen of {}).",
            status.seen, status.cards
        )?;
        if let Some(next) = next_due(store, guide, &filter)? {
            writeln!(out, "The next card is due {}.", when(next, now))?;
        }
        return Ok(Exit::Ok);
    }
    let due = practice::status(store, guide, now)?.due;
    let mut session = Session::new(guide, store, style, intro, out)?;
    let answered = session.run(&cards, due)?;
    drop(session);
    let total = practice::status(store, guide, SystemTime::now())?;
    writeln!(
        out,
        "Saved {answered} answer{} in {}. {} due, {} new, {} mastered; `pyguide practice --stats` for more.",
        plural(answered),
        store.path().display(),
        total.due,
        total.new,
        total.mastered
    )?;
    Ok(Exit::Ok)
}

/// The earliest due time of the filtered cards that were reviewed.
fn next_due(store: &Store, guide: &Guide, filter: &Filter) -> anyhow::Result<Option<SystemTime>> {
    let mut best: Option<SystemTime> = None;
    for card in practice::all_cards(guide, filter) {
        if let Some(s) = store.schedule(&card)? {
            best = Some(best.map_or(s.due, |b| b.min(s.due)));
        }
    }
    Ok(best)
}

/// "checked 19 files: warnings on n-plus-one-queries (3 times), ...; hints on
/// ..." for `--from`: the topics that have cards, those the code was warned
/// about first, then those it touches, most frequent first.
fn from_intro(counts: &HashMap<String, Raised>, files: usize, guide: &Guide) -> String {
    let checked = format!("checked {files} file{}", plural(files));
    let has_cards = |t: &str| {
        guide
            .get(t)
            .is_some_and(|t| !t.cards.is_empty() || !t.key_points.is_empty())
    };
    let mut top: Vec<(&String, Raised)> = counts
        .iter()
        .filter(|(t, _)| has_cards(t))
        .map(|(t, r)| (t, *r))
        .collect();
    top.sort_by(|a, b| b.1.weight().cmp(&a.1.weight()).then(a.0.cmp(b.0)));
    if top.is_empty() {
        return if counts.is_empty() {
            format!("{checked}: your code raised no topic of the guide; practising the usual queue")
        } else {
            format!(
                "{checked}: your code raised {} topic{}, none with practice cards yet; practising the usual queue",
                counts.len(),
                plural(counts.len())
            )
        };
    }
    let shown = |list: &[&(&String, Raised)], n: fn(Raised) -> u32| -> String {
        list.iter()
            .take(3)
            .map(|(t, r)| format!("{t} {}", times(n(*r))))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let more = |list: &[&(&String, Raised)]| {
        let rest = list.len().saturating_sub(3);
        if rest > 0 {
            format!(" and {rest} more topic{}", plural(rest))
        } else {
            String::new()
        }
    };
    let warned: Vec<&(&String, Raised)> = top.iter().filter(|(_, r)| r.warnings > 0).collect();
    let touched: Vec<&(&String, Raised)> = top.iter().filter(|(_, r)| r.warnings == 0).collect();
    let mut parts = Vec::new();
    if !warned.is_empty() {
        parts.push(format!(
            "warnings on {}{}",
            shown(&warned, |r| r.warnings),
            more(&warned)
        ));
    }
    if !touched.is_empty() {
        parts.push(format!(
            "{} {}{}",
            if warned.is_empty() {
                "your code touches"
            } else {
                "then"
            },
            shown(&touched, |r| r.hints),
            more(&touched)
        ));
    }
    format!("{checked}: {}; their cards come first", parts.join("; "))
}

fn times(n: u32) -> String {
    match n {
        1 => "once".to_string(),
        2 => "twice".to_string(),
        n => format!("{n} times"),
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// `in 3 days (Thu 3 Dec 2026)`, `tomorrow (…)`, `now`.
fn when(due: SystemTime, now: SystemTime) -> String {
    let secs = due
        .duration_since(now)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0);
    let date = chrono::DateTime::<chrono::Utc>::from(due)
        .format("%a %-d %b %Y")
        .to_string();
    // Rounded to the nearest hour / day: a one-day interval read a second
    // after it was computed is still "tomorrow".
    let hours = (secs + 1_800) / 3_600;
    let days = (secs + 43_200) / 86_400;
    if secs <= 0 {
        "now".to_string()
    } else if days == 0 {
        format!(
            "in {} hour{} ({date})",
            hours.max(1),
            plural(hours.max(1) as usize)
        )
    } else {
        if days == 1 {
            format!("tomorrow ({date})")
        } else {
            format!("in {days} days ({date})")
        }
    }
}

/// `pyguide practice --stats` as text.
fn write_stats(s: &Status, out: &mut dyn Write, style: Style) -> std::io::Result<()> {
    writeln!(
        out,
        "{}  {} cards · {} seen · {} due · {} mastered · {} new",
        style.title("Practice"),
        s.cards,
        s.seen,
        s.due,
        s.mastered,
        s.new
    )?;
    writeln!(
        out,
        "streak: {} day{} · {} review{} · {} topic{} met in your code or reading",
        s.streak,
        plural(s.streak as usize),
        s.reviews,
        plural(s.reviews),
        s.topics_met,
        plural(s.topics_met)
    )?;
    writeln!(out)?;
    let width = s.modules.iter().map(|m| m.module.len()).max().unwrap_or(6);
    writeln!(
        out,
        "{}",
        style.dim(&format!(
            "{:width$}  {:20}  {:>9}  {:>4}  {:>8}",
            "module", "█ mastered ▓ seen", "seen", "due", "mastered"
        ))
    )?;
    for m in &s.modules {
        writeln!(
            out,
            "{:width$}  {}  {:>9}  {:>4}  {:>8}",
            style.id(&format!("{:width$}", m.module)),
            bar(m.mastered, m.seen, m.cards, 20, style),
            format!("{}/{}", m.seen, m.cards),
            m.due,
            m.mastered
        )?;
    }
    Ok(())
}

/// A `width`-cell bar: mastered, then seen, then the rest.
fn bar(mastered: usize, seen: usize, total: usize, width: usize, style: Style) -> String {
    if total == 0 {
        return " ".repeat(width);
    }
    let cells = |n: usize| (n * width).div_ceil(total).min(width);
    let m = cells(mastered);
    let s = cells(seen).max(m) - m;
    let rest = width - m - s;
    format!(
        "{}{}{}",
        style.bar_mastered(&"█".repeat(m)),
        style.bar_seen(&"▓".repeat(s)),
        style.dim(&"░".repeat(rest))
    )
}

/// Clears the screen and homes the cursor (ANSI).
const CLEAR: &str = "\x1b[2J\x1b[H";
/// Enters / leaves the alternate screen (as `less` and editors do), so the
/// session leaves the terminal's scrollback as it was.
const ALT_SCREEN_ON: &str = "\x1b[?1049h";
const ALT_SCREEN_OFF: &str = "\x1b[?1049l";

/// Raw mode and the alternate screen, restored however the session ends
/// (an error, a panic).
struct RawGuard;

impl RawGuard {
    fn enable() -> std::io::Result<RawGuard> {
        terminal::enable_raw_mode()?;
        let mut out = std::io::stdout();
        write!(out, "{ALT_SCREEN_ON}")?;
        out.flush()?;
        Ok(RawGuard)
    }
}

impl Drop for RawGuard {
    fn drop(&mut self) {
        let mut out = std::io::stdout();
        let _ = write!(out, "{ALT_SCREEN_OFF}");
        let _ = out.flush();
        let _ = terminal::disable_raw_mode();
    }
}

/// What a key press in the session asks for.
enum Step<T> {
    Go(T),
    Quit,
}

/// The interactive session.
struct Session<'a> {
    guide: &'a Guide,
    store: &'a Store,
    style: Style,
    /// What `--from` found, shown on every card.
    intro: Option<String>,
    out: &'a mut dyn Write,
    _raw: RawGuard,
}

impl<'a> Session<'a> {
    fn new(
        guide: &'a Guide,
        store: &'a Store,
        style: Style,
        intro: Option<String>,
        out: &'a mut dyn Write,
    ) -> anyhow::Result<Session<'a>> {
        Ok(Session {
            guide,
            store,
            style,
            intro,
            out,
            _raw: RawGuard::enable()?,
        })
    }

    /// Asks `cards` in order; returns how many were answered (and saved).
    fn run(&mut self, cards: &[CardRef], due: usize) -> anyhow::Result<usize> {
        let mut answered = 0;
        for (i, card) in cards.iter().enumerate() {
            let now = SystemTime::now();
            let prompt = practice::prompt(self.guide, card, now)?;
            let header = format!(
                "pyguide practice · card {} of {} · {} due at the start",
                i + 1,
                cards.len(),
                due
            );
            let (outcome, said) = match self.ask(&header, &prompt, now)? {
                Step::Go(o) => o,
                Step::Quit => break,
            };
            let Step::Go((grade, quit)) = self.settle(&header, &prompt, &outcome, &said)? else {
                break;
            };
            practice::review(self.store, card, grade, SystemTime::now())?;
            answered += 1;
            if quit {
                break;
            }
        }
        self.clear()?;
        Ok(answered)
    }

    /// Shows the card and reads the answer; grades it.
    /// Returns the outcome and the answer as the user gave it.
    fn ask(
        &mut self,
        header: &str,
        p: &Prompt,
        now: SystemTime,
    ) -> anyhow::Result<Step<(Outcome, String)>> {
        let answer = match p.kind {
            Kind::Choice => {
                let n = p.options.as_ref().map_or(0, Vec::len);
                let mut at = 0usize;
                loop {
                    let mut lines = self.card_lines(header, p);
                    for (i, o) in p.options.iter().flatten().enumerate() {
                        let mark = if i == at { "›" } else { " " };
                        for (j, l) in wrap(o, self.width().saturating_sub(6))
                            .into_iter()
                            .enumerate()
                        {
                            let l = if j == 0 {
                                format!("{mark} {}. {l}", i + 1)
                            } else {
                                format!("     {l}")
                            };
                            lines.push(if i == at { self.style.title(&l) } else { l });
                        }
                    }
                    lines.push(String::new());
                    lines.push(
                        self.style
                            .dim(&format!("1-{n} or ↑/↓ and Enter to answer · q to quit")),
                    );
                    self.draw(&lines)?;
                    match self.key()? {
                        Key::Quit | Key::Esc | Key::Char('q') => return Ok(Step::Quit),
                        Key::Up => at = at.checked_sub(1).unwrap_or(n.saturating_sub(1)),
                        Key::Down => at = (at + 1) % n.max(1),
                        Key::Enter => break Answer::Choice(at),
                        Key::Char(c) => {
                            if let Some(d) = c.to_digit(10)
                                && (1..=n).contains(&(d as usize))
                            {
                                break Answer::Choice(d as usize - 1);
                            }
                            if c == 'k' {
                                at = at.checked_sub(1).unwrap_or(n.saturating_sub(1));
                            } else if c == 'j' {
                                at = (at + 1) % n.max(1);
                            }
                        }
                        _ => {}
                    }
                }
            }
            Kind::Output => {
                let hint = "type the exact output · Enter for a new line · Enter on an empty line submits · Esc to quit";
                match self.read_text(header, p, "Output:", hint, true)? {
                    Step::Go(t) => Answer::Text(t),
                    Step::Quit => return Ok(Step::Quit),
                }
            }
            Kind::Spot => {
                let hint = "type the line number (or the rule code) and Enter · Esc to quit";
                match self.read_text(header, p, "Line:", hint, false)? {
                    Step::Go(t) => match t.trim().parse::<usize>() {
                        Ok(n) => Answer::Line(n),
                        Err(_) => Answer::Text(t),
                    },
                    Step::Quit => return Ok(Step::Quit),
                }
            }
            Kind::Question => {
                let mut lines = self.card_lines(header, p);
                lines.push(self.style.dim(
                    "answer it in your head (or aloud), then Space or Enter to see what a good answer names · q to quit",
                ));
                self.draw(&lines)?;
                loop {
                    match self.key()? {
                        Key::Quit | Key::Esc | Key::Char('q') => return Ok(Step::Quit),
                        Key::Enter | Key::Char(' ') => break Answer::Reveal,
                        _ => {}
                    }
                }
            }
        };
        let said = match &answer {
            Answer::Choice(i) => p
                .options
                .as_ref()
                .and_then(|o| o.get(*i))
                .cloned()
                .unwrap_or_default(),
            Answer::Text(t) => t.clone(),
            Answer::Line(n) => format!("line {n}"),
            Answer::Reveal => String::new(),
        };
        let outcome = practice::grade(self.guide, &p.id, &answer, now)?;
        Ok(Step::Go((outcome, said)))
    }

    /// Shows the outcome and the schedule the grade gives; the user accepts
    /// (Enter), changes the grade (1-4) or quits (q, Esc, Ctrl-C: the
    /// answer is saved with the grade shown). Returns (grade, quit after
    /// saving); `Quit` when a question card was left ungraded.
    fn settle(
        &mut self,
        header: &str,
        p: &Prompt,
        o: &Outcome,
        said: &str,
    ) -> anyhow::Result<Step<(Grade, bool)>> {
        let mut grade = o.grade;
        // A self-graded question card has no suggestion until the user picks.
        let mut picked = o.correct.is_some();
        loop {
            let mut lines = self.card_lines(header, p);
            match o.correct {
                Some(true) => {
                    let mut expected = o.expected.lines();
                    match (expected.next(), expected.next()) {
                        (Some(one), None) => lines.extend(
                            wrap(&format!("✓ Right: {one}"), self.width())
                                .iter()
                                .map(|l| self.style.ok(l)),
                        ),
                        _ => lines.push(self.style.ok("✓ Right.")),
                    }
                }
                Some(false) => {
                    lines.push(self.style.bad("✗ Not quite."));
                    lines.push(String::new());
                    lines.push(self.style.title("You answered:"));
                    for l in said.lines() {
                        lines.extend(
                            wrap(l, self.width().saturating_sub(2))
                                .into_iter()
                                .map(|l| format!("  {l}")),
                        );
                    }
                    lines.push(String::new());
                    lines.push(self.style.title("The answer:"));
                    for l in o.expected.lines() {
                        lines.extend(
                            wrap(l, self.width().saturating_sub(2))
                                .into_iter()
                                .map(|l| format!("  {l}")),
                        );
                    }
                }
                None => {}
            }
            lines.push(String::new());
            for l in o.explanation.lines() {
                lines.extend(wrap(l, self.width()));
            }
            // The engine's explanation is the same in every client; where to
            // read more is the terminal's own line.
            lines.push(
                self.style
                    .dim(&format!("Read more: pyguide explain {}", p.topic)),
            );
            lines.push(String::new());
            if picked {
                let s = practice::preview(self.store, &p.id, grade, SystemTime::now())?;
                lines.push(format!(
                    "Grade: {} → due again {}",
                    self.style.title(grade_label(grade)),
                    when(s.due, SystemTime::now())
                ));
                lines.push(self.style.dim(
                    "Enter: save and next · 1 Again · 2 Hard · 3 Good · 4 Easy: change the grade · q: save and quit",
                ));
            } else {
                lines.push(
                    self.style
                        .title("How did you do?  1 Again · 2 Hard · 3 Good · 4 Easy"),
                );
                lines.push(self.style.dim("q: quit without grading this card"));
            }
            self.draw(&lines)?;
            match self.key()? {
                Key::Char(c @ '1'..='4') => {
                    grade = Grade::ALL[c as usize - '1' as usize];
                    picked = true;
                }
                Key::Enter if picked => return Ok(Step::Go((grade, false))),
                Key::Quit | Key::Esc | Key::Char('q') if picked => {
                    return Ok(Step::Go((grade, true)));
                }
                // Not graded: nothing to save for this card.
                Key::Quit | Key::Esc | Key::Char('q') => return Ok(Step::Quit),
                _ => {}
            }
        }
    }

    /// A small line editor: printable characters, Backspace, Enter. With
    /// `multiline`, Enter adds a line and Enter on an empty line submits.
    fn read_text(
        &mut self,
        header: &str,
        p: &Prompt,
        label: &str,
        hint: &str,
        multiline: bool,
    ) -> anyhow::Result<Step<String>> {
        let mut text = String::new();
        loop {
            let mut lines = self.card_lines(header, p);
            lines.push(self.style.title(label));
            let shown: Vec<&str> = text.split('\n').collect();
            for (i, l) in shown.iter().enumerate() {
                let cursor = if i + 1 == shown.len() { "▏" } else { "" };
                lines.push(format!("  {l}{cursor}"));
            }
            lines.push(String::new());
            lines.push(self.style.dim(hint));
            self.draw(&lines)?;
            match self.key()? {
                Key::Quit | Key::Esc => return Ok(Step::Quit),
                Key::Enter => {
                    let last_empty = text.rsplit('\n').next().is_some_and(str::is_empty);
                    if !multiline {
                        if !text.trim().is_empty() {
                            return Ok(Step::Go(text));
                        }
                    } else if last_empty && !text.trim().is_empty() {
                        return Ok(Step::Go(text.trim_end_matches('\n').to_string()));
                    } else if !text.is_empty() {
                        text.push('\n');
                    }
                }
                Key::Backspace => {
                    text.pop();
                }
                Key::Char(c) => text.push(c),
                Key::Up | Key::Down => {}
            }
        }
    }

    /// The card's header, topic, prompt and code (with line numbers).
    fn card_lines(&self, header: &str, p: &Prompt) -> Vec<String> {
        let w = self.width();
        let mut lines = vec![self.style.dim(header)];
        if let Some(intro) = &self.intro {
            lines.extend(wrap(intro, w).iter().map(|l| self.style.dim(l)));
        }
        lines.extend([
            self.style.dim(&"─".repeat(w.min(100))),
            format!(
                "{} · {}  {}",
                self.style.id(&p.module),
                p.topic_title,
                self.style.dim(&format!("[{} · {}]", p.kind.as_str(), p.id))
            ),
            String::new(),
        ]);
        for l in p.prompt.lines() {
            lines.extend(wrap(l, w).into_iter().map(|l| self.style.title(&l)));
        }
        lines.push(String::new());
        if let Some(code) = &p.code {
            let n = code.lines().count();
            let digits = n.to_string().len();
            for (i, l) in code.lines().enumerate() {
                lines.push(format!(
                    "  {} {l}",
                    self.style.dim(&format!("{:>digits$} │", i + 1))
                ));
            }
            lines.push(String::new());
        }
        lines
    }

    fn width(&self) -> usize {
        terminal::size()
            .map_or(80, |(w, _)| w as usize)
            .clamp(30, 120)
            - 1
    }

    fn clear(&mut self) -> std::io::Result<()> {
        write!(self.out, "{CLEAR}")?;
        self.out.flush()
    }

    /// Redraws the screen (raw mode: lines end with CR LF).
    fn draw(&mut self, lines: &[String]) -> std::io::Result<()> {
        write!(self.out, "{CLEAR}")?;
        for l in lines {
            write!(self.out, "{l}\r\n")?;
        }
        self.out.flush()
    }

    fn key(&mut self) -> std::io::Result<Key> {
        loop {
            if let Event::Key(KeyEvent {
                code,
                modifiers,
                kind: KeyEventKind::Press | KeyEventKind::Repeat,
                ..
            }) = event::read()?
            {
                let ctrl = modifiers.contains(KeyModifiers::CONTROL);
                return Ok(match code {
                    KeyCode::Char('c' | 'd') if ctrl => Key::Quit,
                    KeyCode::Esc => Key::Esc,
                    KeyCode::Enter => Key::Enter,
                    KeyCode::Backspace => Key::Backspace,
                    KeyCode::Up => Key::Up,
                    KeyCode::Down => Key::Down,
                    KeyCode::Char(c) if !ctrl => Key::Char(c),
                    _ => continue,
                });
            }
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Key {
    Quit,
    Esc,
    Enter,
    Backspace,
    Up,
    Down,
    Char(char),
}

fn grade_label(g: Grade) -> &'static str {
    match g {
        Grade::Again => "Again",
        Grade::Hard => "Hard",
        Grade::Good => "Good",
        Grade::Easy => "Easy",
    }
}

/// Greedy word wrap to `width` columns (characters); long words are split.
fn wrap(text: &str, width: usize) -> Vec<String> {
    let width = width.max(10);
    let mut out = Vec::new();
    let mut line = String::new();
    let mut len = 0;
    for word in text.split(' ') {
        let wl = word.chars().count();
        if len > 0 && len + 1 + wl > width {
            out.push(std::mem::take(&mut line));
            len = 0;
        }
        if len > 0 {
            line.push(' ');
            len += 1;
        }
        let mut rest: Vec<char> = word.chars().collect();
        while len + rest.len() > width {
            let take = width - len;
            line.extend(rest.drain(..take));
            out.push(std::mem::take(&mut line));
            len = 0;
        }
        len += rest.len();
        line.extend(rest);
    }
    out.push(line);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrap_keeps_words_and_splits_long_ones() {
        assert_eq!(wrap("a b c", 80), vec!["a b c"]);
        assert_eq!(wrap("aaaa bbbb cccc", 10), vec!["aaaa bbbb", "cccc"]);
        assert_eq!(
            wrap(&"x".repeat(25), 10),
            vec!["x".repeat(10), "x".repeat(10), "x".repeat(5)]
        );
        assert_eq!(wrap("", 10), vec![""]);
    }

    #[test]
    fn bar_fills_mastered_then_seen() {
        let plain = Style::PLAIN;
        assert_eq!(bar(0, 0, 10, 10, plain), "░".repeat(10));
        assert_eq!(
            bar(5, 10, 10, 10, plain),
            format!("{}{}", "█".repeat(5), "▓".repeat(5))
        );
        assert_eq!(bar(0, 1, 10, 10, plain), format!("▓{}", "░".repeat(9)));
        assert_eq!(bar(1, 1, 0, 4, plain), "    ");
    }

    #[test]
    fn when_reads_like_a_person_says_it() {
        let t0 = SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(1_780_000_000);
        let day = std::time::Duration::from_secs(86_400);
        assert_eq!(when(t0, t0), "now");
        assert!(when(t0 + day, t0).starts_with("tomorrow ("));
        assert!(when(t0 + day * 3, t0).starts_with("in 3 days ("));
        assert!(when(t0 + std::time::Duration::from_secs(7200), t0).starts_with("in 2 hours"));
    }

    #[test]
    fn times_names_small_counts() {
        assert_eq!(times(1), "once");
        assert_eq!(times(2), "twice");
        assert_eq!(times(3), "3 times");
    }
}
