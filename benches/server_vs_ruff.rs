//! `pyguide serve` against `ruff server`, paired: one LSP driver speaks to
//! both, alternating them sample by sample in one run, so that machine
//! load hits both alike and the ratios hold. Run it through
//! `benches/server-vs-ruff.sh`, which makes a venv with a pinned ruff and
//! fetches Django 5.2.8 (`PYGUIDE_BENCH_RUFF`, `PYGUIDE_BENCH_DJANGO_SRC`).
//!
//! Figures (medians and p99 of each, and pyguide/ruff ratios):
//! - first diagnostics after `didOpen` of `django/db/models/query.py` and
//!   of the 20,000-line file
//!   (a fresh server each sample);
//! - one-character edit → `publishDiagnostics` for that version, on
//!   `query.py` and on a 20,000-line file (Django's modules, largest first,
//!   concatenated until 20,000 lines), typing a character into a name in the
//!   middle of the file and deleting it again;
//! - pyguide's hover p99 on both files, at rest, and sent right after each
//!   edit (answered while that edit is being analysed) next to ruff's
//!   answer to the same hover (`null` away from a `noqa` code, but read,
//!   queued behind the edit and answered on the same path: what a server
//!   on this machine needs to answer at all right after a keystroke);
//! - peak RSS (VmHWM) with the 20 largest Django files open;
//! - issue 13: hover on a small file while a heavy one (F3: `y = x == 1 or
//!   …` × 2,000 terms) is re-analysed after each edit, and peak RSS after
//!   opening a realistic 10 MB and 50 MB file (pyguide only).
//!
//! ruff runs with its defaults (no configuration file in the workspace).

use std::path::PathBuf;
use std::process::Command;
use std::time::{Duration, Instant};

use serde_json::{Value, json};

#[path = "support/corpus.rs"]
mod corpus;
#[path = "support/lsp.rs"]
mod lsp;
#[path = "../tests/support/realistic.rs"]
mod realistic;
use corpus::{assignment_near_middle, big_file, django_files};
use lsp::Server;

const BIN: &str = env!("CARGO_BIN_EXE_pyguide");

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Tool {
    Pyguide,
    Ruff,
}

struct Setup {
    ruff: PathBuf,
    /// An empty folder both servers run in (no configuration).
    workspace: tempfile::TempDir,
    cache: tempfile::TempDir,
}

impl Setup {
    fn spawn(&self, tool: Tool) -> Server {
        let mut command = match tool {
            Tool::Pyguide => {
                let mut c = Command::new(BIN);
                c.arg("serve")
                    .env("PYGUIDE_CACHE_DIR", self.cache.path())
                    .env("PYGUIDE_DATA_DIR", self.cache.path());
                c
            }
            Tool::Ruff => {
                let mut c = Command::new(&self.ruff);
                c.arg("server");
                c
            }
        };
        command.current_dir(self.workspace.path());
        let mut server = Server::spawn(command);
        server.initialize(Some(&self.workspace.path().to_string_lossy()));
        server
    }

    fn uri(&self, name: &str) -> String {
        format!("file://{}/{name}", self.workspace.path().display())
    }
}

fn percentile(samples: &[Duration], p: f64) -> Duration {
    let mut s = samples.to_vec();
    s.sort();
    s[((s.len() as f64 - 1.0) * p).round() as usize]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// One line: pyguide's and ruff's p50 and p99 and the ratios.
fn paired(name: &str, ours: &[Duration], ruff: &[Duration]) {
    let (o50, o99, r50, r99) = (
        percentile(ours, 0.5),
        percentile(ours, 0.99),
        percentile(ruff, 0.5),
        percentile(ruff, 0.99),
    );
    println!(
        "{name:<40} pyguide p50 {:>8.3} ms p99 {:>8.3} ms | ruff p50 {:>8.3} ms p99 {:>8.3} ms | ratio p50 {:.2} p99 {:.2}  ({} samples each)",
        ms(o50),
        ms(o99),
        ms(r50),
        ms(r99),
        o50.as_secs_f64() / r50.as_secs_f64(),
        o99.as_secs_f64() / r99.as_secs_f64(),
        ours.len()
    );
}

fn single(name: &str, samples: &[Duration]) {
    println!(
        "{name:<40} pyguide p50 {:>8.3} ms p99 {:>8.3} ms  ({} samples)",
        ms(percentile(samples, 0.5)),
        ms(percentile(samples, 0.99)),
        samples.len()
    );
}

/// Types `q` (even versions) or deletes it (odd) at `(line, col)`.
fn change(version: i64, line: usize, col: usize) -> Value {
    let at = json!({"line": line, "character": col});
    if version % 2 == 0 {
        json!({"range": {"start": at, "end": at}, "text": "q"})
    } else {
        json!({"range": {"start": at, "end": {"line": line, "character": col + 1}}, "text": ""})
    }
}

fn first_diagnostics(setup: &Setup, name: &str, text: &str, rounds: usize) {
    let mut times = [Vec::new(), Vec::new()];
    for round in 0..rounds {
        let order = if round % 2 == 0 {
            [Tool::Pyguide, Tool::Ruff]
        } else {
            [Tool::Ruff, Tool::Pyguide]
        };
        for tool in order {
            let mut server = setup.spawn(tool);
            let uri = setup.uri(name);
            let start = Instant::now();
            server.did_open(&uri, text);
            server.diagnostics(&uri, 1);
            times[tool as usize].push(start.elapsed());
            server.stop();
        }
    }
    paired(
        &format!("didOpen → first diagnostics ({name})"),
        &times[0],
        &times[1],
    );
}

/// Hover positions: every line's first non-blank character, spread.
fn hover_positions(text: &str, n: usize) -> Vec<Value> {
    let lines: Vec<&str> = text.lines().collect();
    (0..n)
        .map(|i| {
            let line = (i * 7919) % lines.len();
            let col = lines[line].len() - lines[line].trim_start().len();
            json!({"line": line, "character": col + 1})
        })
        .collect()
}

fn hover(server: &mut Server, uri: &str, at: &Value) -> Duration {
    let start = Instant::now();
    let r = server.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": uri}, "position": at}),
    );
    assert!(r.get("error").is_none(), "hover failed: {r}");
    start.elapsed()
}

fn edits(setup: &Setup, name: &str, text: &str, edits: i64) {
    let mut servers = [setup.spawn(Tool::Pyguide), setup.spawn(Tool::Ruff)];
    let uri = setup.uri(name);
    for s in &mut servers {
        s.did_open(&uri, text);
        s.diagnostics(&uri, 1);
    }
    let positions = hover_positions(text, 200);
    let mut at_rest = Vec::new();
    for at in positions.iter().cycle().take(1000) {
        at_rest.push(hover(&mut servers[0], &uri, at));
    }
    let (line, col) = assignment_near_middle(text);
    let mut times = [Vec::new(), Vec::new()];
    let mut during = [Vec::new(), Vec::new()];
    for version in 2..2 + edits {
        let order = if version % 2 == 0 {
            [Tool::Pyguide, Tool::Ruff]
        } else {
            [Tool::Ruff, Tool::Pyguide]
        };
        for tool in order {
            let server = &mut servers[tool as usize];
            let start = Instant::now();
            server.notify(
                "textDocument/didChange",
                json!({"textDocument": {"uri": uri, "version": version},
                       "contentChanges": [change(version, line, col)]}),
            );
            // Asked before the edit's diagnostics arrive: pyguide answers
            // from the last analysed version. ruff answers `null` away from
            // a `noqa` code, but reads the message, applies the edit first
            // and answers on the same path: the floor this machine puts
            // under any server's hover right after a keystroke.
            let id = server.start_request(
                "textDocument/hover",
                json!({"textDocument": {"uri": uri},
                       "position": positions[version as usize % positions.len()]}),
            );
            let asked = Instant::now();
            let mut answered = None;
            let mut published = None;
            while answered.is_none() || published.is_none() {
                let m = server.read_until(|m| {
                    m["id"] == id
                        || (m["method"] == "textDocument/publishDiagnostics"
                            && m["params"]["uri"] == uri.as_str()
                            && m["params"]["version"] == version)
                });
                if m["id"] == id {
                    answered = Some(asked.elapsed());
                } else {
                    published = Some(start.elapsed());
                }
            }
            during[tool as usize].push(answered.unwrap());
            times[tool as usize].push(published.unwrap());
        }
    }
    paired(
        &format!("edit → diagnostics ({name})"),
        &times[0],
        &times[1],
    );
    single(&format!("hover at rest ({name})"), &at_rest);
    paired(
        &format!("hover right after an edit ({name})"),
        &during[0],
        &during[1],
    );
    for s in servers {
        s.stop();
    }
}

fn memory(setup: &Setup, files: &[(PathBuf, String)]) {
    let mut peaks = [0, 0];
    let mut lines = 0;
    for tool in [Tool::Pyguide, Tool::Ruff] {
        let mut server = setup.spawn(tool);
        lines = 0;
        for (i, (path, text)) in files.iter().take(20).enumerate() {
            let uri = setup.uri(&format!(
                "m{i}_{}",
                path.file_name().unwrap().to_string_lossy()
            ));
            server.did_open(&uri, text);
            server.diagnostics(&uri, 1);
            lines += text.lines().count();
        }
        peaks[tool as usize] = server.peak_rss_kb();
        server.stop();
    }
    println!(
        "{:<40} pyguide {:.1} MB | ruff {:.1} MB | ratio {:.2}  (20 largest Django files, {lines} lines)",
        "peak RSS (VmHWM)",
        peaks[0] as f64 / 1024.0,
        peaks[1] as f64 / 1024.0,
        peaks[0] as f64 / peaks[1] as f64
    );
}

/// Issue 13's F3 shape: `y = x == 1 or x == 1 or …` with `terms` terms.
fn f3(terms: usize) -> String {
    format!("y = {}\n", vec!["x == 1"; terms].join(" or "))
}

/// Hover on a small file while a heavy one is analysed again after each
/// of its edits.
fn hover_beside_heavy(setup: &Setup) {
    let mut server = setup.spawn(Tool::Pyguide);
    let small = setup.uri("small.py");
    let small_text = "import time\n\nasync def f():\n    time.sleep(1)\n    return x == None\n";
    server.did_open(&small, small_text);
    server.diagnostics(&small, 1);
    let heavy = setup.uri("heavy.py");
    let heavy_text = f3(2000);
    server.did_open(&heavy, &heavy_text);
    let mut times = Vec::new();
    for version in 2..202 {
        // Each edit makes the heavy document's analysis start again.
        let at = json!({"line": 0, "character": 0});
        let edit = if version % 2 == 0 {
            json!({"range": {"start": at, "end": at}, "text": "z"})
        } else {
            json!({"range": {"start": at, "end": {"line": 0, "character": 1}}, "text": ""})
        };
        server.notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": heavy, "version": version}, "contentChanges": [edit]}),
        );
        times.push(hover(
            &mut server,
            &small,
            &json!({"line": 3, "character": 6}),
        ));
    }
    single("hover on a small file beside F3 ×2000", &times);
    server.stop();
}

fn big_files(setup: &Setup) {
    for mb in [10, 50] {
        let text = realistic::realistic(mb << 20);
        let mut server = setup.spawn(Tool::Pyguide);
        let before = server.peak_rss_kb();
        let uri = setup.uri(&format!("big{mb}.py"));
        server.did_open(&uri, &text);
        let diagnostics = server.diagnostics(&uri, 1);
        server.request(
            "textDocument/hover",
            json!({"textDocument": {"uri": uri}, "position": {"line": 10, "character": 4}}),
        );
        let peak = server.peak_rss_kb();
        println!(
            "{:<40} pyguide {:.0} MB peak ({:.1}× the file; {:.0} MB before opening; {} diagnostics)",
            format!("peak RSS, realistic {mb} MB file"),
            peak as f64 / 1024.0,
            peak as f64 / 1024.0 / mb as f64,
            before as f64 / 1024.0,
            diagnostics.len()
        );
        server.stop();
    }
}

fn main() {
    if std::env::args().any(|a| a == "--list") {
        return;
    }
    let (Some(ruff), Some(django)) = (
        std::env::var_os("PYGUIDE_BENCH_RUFF"),
        std::env::var_os("PYGUIDE_BENCH_DJANGO_SRC"),
    ) else {
        println!(
            "server_vs_ruff: run it with benches/server-vs-ruff.sh (it fetches ruff and Django)"
        );
        return;
    };
    let setup = Setup {
        ruff: PathBuf::from(ruff),
        workspace: tempfile::tempdir().unwrap(),
        cache: tempfile::tempdir().unwrap(),
    };
    let src = PathBuf::from(django);
    let files = django_files(&src);
    let query = std::fs::read_to_string(src.join("django/db/models/query.py")).unwrap();
    let big = big_file(&files);
    let version = Command::new(&setup.ruff).arg("--version").output().unwrap();
    println!(
        "pyguide serve ({BIN}) vs {} — paired, one run",
        String::from_utf8_lossy(&version.stdout).trim()
    );
    let quick = std::env::args().any(|a| a == "--quick");
    let scale = if quick { 4 } else { 1 };
    // `--only a,b`: just those parts (first, edits, memory, beside, big).
    let args: Vec<String> = std::env::args().collect();
    let only: Option<Vec<String>> = args
        .iter()
        .position(|a| a == "--only")
        .and_then(|i| args.get(i + 1))
        .map(|list| list.split(',').map(str::to_string).collect());
    let runs = |part: &str| only.as_ref().is_none_or(|o| o.iter().any(|p| p == part));
    // A name without spaces: it is part of the document URI.
    let big_name = format!("{}-lines.py", big.lines().count());
    if runs("first") {
        first_diagnostics(&setup, "query.py", &query, 20 / scale);
        first_diagnostics(&setup, &big_name, &big, 20 / scale);
    }
    if runs("edits") {
        edits(&setup, "query.py", &query, 400 / scale as i64);
        edits(&setup, &big_name, &big, 400 / scale as i64);
    }
    if runs("memory") {
        memory(&setup, &files);
    }
    if runs("beside") {
        hover_beside_heavy(&setup);
    }
    if runs("big") {
        big_files(&setup);
    }
}
