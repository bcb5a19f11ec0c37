//! `pyguide practice` in a real terminal: tmux runs it, `send-keys` types,
//! `capture-pane` reads the screen. One card is answered, the session is
//! quit at the next; a second session resumes without the answered card,
//! answers the rest (a choice, an output, a spot and the question card,
//! revealed and self-graded) and quits with `q`; a third finds nothing due.
//!
//! Skipped, with a message, where tmux is missing (CI installs it). The
//! timeouts are generous: only a hang reaches them.

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant, SystemTime};

use pyguide::guide::{CardKind, Guide, load_builtin};
use pyguide::practice::{self, CardRef, Store};

/// Longest wait for a screen; a hang, not slowness, reaches it.
const WAIT: Duration = Duration::from_secs(90);
const TOPIC: &str = "asyncio-gather";

struct Tmux {
    socket: String,
}

impl Tmux {
    /// Runs `pyguide practice --topic asyncio-gather` in a new 120x40
    /// session on a private tmux server; the shell keeps the pane open
    /// after it exits and prints its exit code.
    fn start(socket: &str, data: &Path) -> Tmux {
        let tmux = Tmux {
            socket: socket.to_string(),
        };
        let script = format!(
            "'{}' practice --topic {TOPIC}; echo \"[exit $?]\"; sleep 600",
            env!("CARGO_BIN_EXE_pyguide")
        );
        tmux.run(&[
            "new-session",
            "-d",
            "-x",
            "120",
            "-y",
            "40",
            "-e",
            &format!("PYGUIDE_DATA_DIR={}", data.display()),
            "-e",
            "TERM=xterm-256color",
            "sh",
            "-c",
            &script,
        ]);
        tmux
    }

    fn run(&self, args: &[&str]) -> String {
        let out = Command::new("tmux")
            .args(["-L", &self.socket, "-f", "/dev/null"])
            .args(args)
            .output()
            .expect("tmux runs");
        assert!(
            out.status.success(),
            "tmux {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    fn screen(&self) -> String {
        self.run(&["capture-pane", "-p"])
    }

    /// Keys by tmux name (`Enter`, `Escape`, `Space`) or single characters.
    fn keys(&self, keys: &[&str]) {
        for k in keys {
            self.run(&["send-keys", k]);
        }
    }

    /// Text typed literally.
    fn type_text(&self, text: &str) {
        self.run(&["send-keys", "-l", text]);
    }

    fn wait_for(&self, what: &str, ok: impl Fn(&str) -> bool) -> String {
        let start = Instant::now();
        loop {
            let screen = self.screen();
            if ok(&screen) {
                return screen;
            }
            assert!(
                start.elapsed() < WAIT,
                "waited {WAIT:?} for {what}; the screen:\n{screen}"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    fn wait_text(&self, text: &str) -> String {
        self.wait_for(text, |s| s.contains(text))
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = Command::new("tmux")
            .args(["-L", &self.socket, "kill-server"])
            .output();
    }
}

fn has_tmux() -> bool {
    Command::new("tmux")
        .arg("-V")
        .output()
        .is_ok_and(|o| o.status.success())
}

/// The card on screen, from its `[kind · topic#card]` tag.
fn card_on(screen: &str) -> CardRef {
    let tag = screen
        .lines()
        .find_map(|l| {
            let at = l.find(&format!(" · {TOPIC}#"))?;
            let rest = &l[at + " · ".len()..];
            Some(rest[..rest.find(']')?].to_string())
        })
        .unwrap_or_else(|| panic!("no card tag on the screen:\n{screen}"));
    CardRef::parse(&tag).unwrap()
}

/// Answers the card on screen rightly, as a user who knows would, and
/// waits for the result screen (the grade line). Returns the card.
fn answer_right(tmux: &Tmux, guide: &Guide, screen: &str) -> CardRef {
    let card = card_on(screen);
    let topic = guide.get(card.topic()).unwrap();
    if card.is_question() {
        tmux.keys(&["Space"]);
        let shown = tmux.wait_text("How did you do?");
        // The key points are revealed.
        let first = &topic.key_points[0];
        assert!(
            shown.contains(&first[..first.len().min(40)]),
            "key points missing:\n{shown}"
        );
        tmux.keys(&["3"]);
        tmux.wait_text("Grade: Good");
        return card;
    }
    let c = topic.cards.iter().find(|c| c.id == card.card()).unwrap();
    match &c.kind {
        CardKind::Choice { answer, .. } => {
            let prompt = practice::prompt(guide, &card, SystemTime::now()).unwrap();
            let options = prompt.options.unwrap();
            let i = options.iter().position(|o| o == answer).unwrap();
            // The options on screen are the ones `prompt` gives today.
            let first_words = &options[i][..options[i].len().min(30)];
            assert!(
                screen.contains(&format!("{}. {first_words}", i + 1)),
                "option {} is not {first_words:?}:\n{screen}",
                i + 1
            );
            tmux.keys(&[&(i + 1).to_string()]);
        }
        CardKind::Output { output, .. } => {
            for line in output.trim_end().lines() {
                tmux.type_text(line);
                tmux.keys(&["Enter"]);
            }
            tmux.keys(&["Enter"]);
        }
        CardKind::Spot { line, .. } => {
            tmux.type_text(&line.to_string());
            tmux.keys(&["Enter"]);
        }
    }
    let result = tmux.wait_text("Grade: ");
    assert!(result.contains("✓ Right"), "not graded right:\n{result}");
    assert!(result.contains("Grade: Good → due again"), "{result}");
    card
}

#[test]
fn answer_quit_and_resume_in_a_real_terminal() {
    if !has_tmux() {
        eprintln!("SKIPPED answer_quit_and_resume_in_a_real_terminal: tmux is not installed");
        return;
    }
    let guide = load_builtin().guide;
    let data = tempfile::tempdir().unwrap();
    // A private server per session: a killed server's socket may linger.
    let socket = format!("pyguide-practice-test-{}", std::process::id());
    let all = practice::all_cards(
        &guide,
        &practice::Filter {
            topic: Some(TOPIC.to_string()),
            ..Default::default()
        },
    );
    assert!(all.len() >= 2, "{all:?}");

    // Session 1: answer one card, quit (Esc) at the next.
    let tmux = Tmux::start(&format!("{socket}-1"), data.path());
    let screen = tmux.wait_text(&format!("card 1 of {}", all.len()));
    let first = answer_right(&tmux, &guide, &screen);
    tmux.keys(&["Enter"]);
    tmux.wait_text(&format!("card 2 of {}", all.len()));
    tmux.keys(&["Escape"]);
    let end = tmux.wait_text("[exit 0]");
    assert!(end.contains("Saved 1 answer "), "{end}");
    drop(tmux);

    // Session 2: resumes without the answered card; answers the rest and
    // quits with `q` on the last result (which saves it).
    let tmux = Tmux::start(&format!("{socket}-2"), data.path());
    let rest = all.len() - 1;
    let mut screen = tmux.wait_text(&format!("card 1 of {rest}"));
    assert_ne!(card_on(&screen), first, "the answered card is asked again");
    let mut kinds = Vec::new();
    for i in 1..=rest {
        let card = answer_right(&tmux, &guide, &screen);
        assert_ne!(card, first);
        kinds.push(card.card().to_string());
        if i < rest {
            tmux.keys(&["Enter"]);
            screen = tmux.wait_text(&format!("card {} of {rest}", i + 1));
        } else {
            tmux.keys(&["q"]);
        }
    }
    let end = tmux.wait_text("[exit 0]");
    assert!(end.contains(&format!("Saved {rest} answers")), "{end}");
    drop(tmux);

    // Session 3: nothing is due; the schedule survived two restarts.
    let tmux = Tmux::start(&format!("{socket}-3"), data.path());
    let end = tmux.wait_text("[exit 0]");
    assert!(end.contains("Nothing to practise now"), "{end}");
    assert!(end.contains("The next card is due"), "{end}");
    drop(tmux);

    let store = Store::open(&data.path().join("practice.sqlite3")).unwrap();
    for card in &all {
        assert_eq!(store.review_count(card).unwrap(), 1, "{card}");
    }
    assert!(kinds.contains(&"question".to_string()), "{kinds:?}");
}
