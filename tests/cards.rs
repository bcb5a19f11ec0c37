//! The guide's practice cards are checked like code: every topic has at least
//! two gradable cards, every `output` card's snippet really prints its
//! `output` under `python3`, and the detectors really report every `spot`
//! card's rule at its line. A machine without `python3` skips the output
//! cards with a visible message (like `tests/guide_code.rs`).

use std::io::Read;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use pyguide::detect::analyze;
use pyguide::guide::{self, CardKind, Topic};
use pyguide::python::Document;

/// Gradable cards every built-in topic carries, at least.
const MIN_GRADABLE: usize = 2;
/// How long one snippet may run.
const SNIPPET_TIMEOUT: Duration = Duration::from_secs(60);

fn topics() -> Vec<Topic> {
    let loaded = guide::load_builtin();
    assert!(
        loaded.errors.is_empty(),
        "the built-in guide has errors:\n{}",
        loaded
            .errors
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join("\n")
    );
    loaded.guide.topics().to_vec()
}

#[test]
fn every_topic_has_gradable_cards_and_key_points() {
    let mut problems = Vec::new();
    for t in topics() {
        if t.cards.len() < MIN_GRADABLE {
            problems.push(format!(
                "{}: {} gradable card(s); at least {MIN_GRADABLE}",
                t.path,
                t.cards.len()
            ));
        }
        if t.key_points.is_empty() {
            problems.push(format!("{}: no `key_points` for the question card", t.path));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn spot_cards_are_found_by_the_detectors() {
    let mut problems = Vec::new();
    let mut checked = 0;
    for t in topics() {
        for card in &t.cards {
            let CardKind::Spot { code, rule, line } = &card.kind else {
                continue;
            };
            checked += 1;
            let doc = Document::parse(code.clone());
            let found: Vec<(String, usize)> = analyze(&doc)
                .iter()
                .map(|f| {
                    let line = code[..f.range.start].matches('\n').count() + 1;
                    (f.rule.code.to_string(), line)
                })
                .collect();
            if !found.iter().any(|(r, l)| r == rule && l == line) {
                problems.push(format!(
                    "{}:{}: card `{}` expects {rule} at line {line}; the detectors found {:?}",
                    t.path, card.line, card.id, found
                ));
            }
        }
    }
    eprintln!("spot cards checked: {checked}");
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn output_cards_print_their_output() {
    if Command::new("python3").arg("--version").output().is_err() {
        eprintln!("SKIPPED: python3 is not on PATH; output cards were not run");
        return;
    }
    let mut problems = Vec::new();
    let mut ran = 0;
    for t in topics() {
        for card in &t.cards {
            let CardKind::Output { code, output } = &card.kind else {
                continue;
            };
            ran += 1;
            match run_python(code) {
                Ok(got) if got == *output => {}
                Ok(got) => problems.push(format!(
                    "{}:{}: card `{}` prints\n{got}\nbut its `output` says\n{output}",
                    t.path, card.line, card.id
                )),
                Err(e) => {
                    problems.push(format!("{}:{}: card `{}`: {e}", t.path, card.line, card.id))
                }
            }
        }
    }
    eprintln!("output cards run and compared: {ran}");
    assert!(problems.is_empty(), "{}", problems.join("\n\n"));
}

/// Runs `code` with `python3 -I -c`, returning its standard output, or the
/// error (non-zero exit with its stderr, or a timeout).
fn run_python(code: &str) -> Result<String, String> {
    let mut child = Command::new("python3")
        .args(["-I", "-X", "utf8", "-c", code])
        .env("PYTHONHASHSEED", "0")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("could not start python3: {e}"))?;
    let mut stdout = child.stdout.take().expect("piped");
    let mut stderr = child.stderr.take().expect("piped");
    let out = std::thread::spawn(move || {
        let mut s = String::new();
        stdout.read_to_string(&mut s).map(|_| s)
    });
    let err = std::thread::spawn(move || {
        let mut s = String::new();
        stderr.read_to_string(&mut s).map(|_| s)
    });
    let start = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().map_err(|e| e.to_string())? {
            break status;
        }
        if start.elapsed() > SNIPPET_TIMEOUT {
            let _ = child.kill();
            let _ = child.wait();
            return Err(format!("still running after {SNIPPET_TIMEOUT:?}"));
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    let out = out.join().expect("reader").map_err(|e| e.to_string())?;
    let err = err.join().expect("reader").map_err(|e| e.to_string())?;
    if status.success() {
        Ok(out)
    } else {
        Err(format!("exited with {status}; stderr:\n{err}"))
    }
}
