//! The guide's code is real code: every ```python block of every topic parses
//! with tree-sitter, and every self-contained block runs under `python3`.
//! A block is not self-contained when it imports a package this machine lacks
//! (Django, Celery, pydantic...); those are counted and skipped, visibly, as
//! are all runs when `python3` is not installed.

use std::io::Write;
use std::process::{Command, Stdio};
use std::time::Duration;

use pyguide::guide;
use pyguide::python::Document;

/// (topic path, 1-based body line of the fence, is a fragment, code) for
/// every Python block. A fence tagged ```python fragment marks an
/// illustrative snippet: parsed, never run.
fn python_blocks() -> Vec<(String, usize, bool, String)> {
    let mut out = Vec::new();
    for topic in guide::load_builtin().guide.topics() {
        let mut block: Option<(usize, bool, String)> = None;
        for (i, line) in topic.body.lines().enumerate() {
            let t = line.trim_start();
            match &mut block {
                None if t.starts_with("```python") => {
                    let fragment = t.split_whitespace().nth(1) == Some("fragment");
                    block = Some((i + 1, fragment, String::new()));
                }
                Some(_) if t.starts_with("```") => {
                    if let Some((at, fragment, code)) = block.take() {
                        out.push((topic.path.clone(), at, fragment, code));
                    }
                }
                Some((_, _, code)) => {
                    code.push_str(line);
                    code.push('\n');
                }
                None => {}
            }
        }
    }
    out
}

#[test]
fn every_python_block_parses() {
    let blocks = python_blocks();
    assert!(
        blocks.len() > 140,
        "only {} python blocks found",
        blocks.len()
    );
    let broken: Vec<String> = blocks
        .iter()
        .filter(|(_, _, _, code)| !Document::parse(code.clone()).syntax_errors().is_empty())
        .map(|(path, at, _, _)| format!("{path}: block at body line {at} has a syntax error"))
        .collect();
    assert!(broken.is_empty(), "{}", broken.join("\n"));
}

fn run_python(code: &str) -> Option<(bool, String)> {
    let mut child = Command::new("python3")
        .args(["-X", "utf8", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .ok()?;
    child.stdin.take()?.write_all(code.as_bytes()).ok()?;
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    loop {
        if let Some(status) = child.try_wait().ok()? {
            let mut err = String::new();
            use std::io::Read;
            child.stderr.take()?.read_to_string(&mut err).ok()?;
            return Some((status.success(), err));
        }
        if std::time::Instant::now() > deadline {
            let _ = child.kill();
            return Some((false, "timed out after 20 s".into()));
        }
        std::thread::sleep(Duration::from_millis(5));
    }
}

#[test]
fn self_contained_python_blocks_run() {
    if Command::new("python3").arg("--version").output().is_err() {
        eprintln!("SKIPPED: python3 is not installed, so guide code blocks were not run");
        return;
    }
    let (mut ran, mut skipped, mut fragments) = (0, 0, 0);
    let mut failures = Vec::new();
    for (path, at, fragment, code) in python_blocks() {
        if fragment {
            fragments += 1;
            continue;
        }
        match run_python(&code) {
            Some((true, _)) => ran += 1,
            Some((false, err)) if err.contains("ModuleNotFoundError") => skipped += 1,
            Some((false, err)) => failures.push(format!(
                "{path}: block at body line {at}:\n{}",
                err.trim_end()
            )),
            None => failures.push(format!(
                "{path}: block at body line {at}: python3 could not be run"
            )),
        }
    }
    eprintln!(
        "guide code: {ran} blocks ran, {skipped} skipped (need a package not installed here), {fragments} fragments not run"
    );
    assert!(
        failures.is_empty(),
        "{} blocks failed:\n{}",
        failures.len(),
        failures.join("\n\n")
    );
    assert!(ran > 60, "only {ran} blocks ran");
}
