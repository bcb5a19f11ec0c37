//! Latency and memory of `pyguide serve`, driven over stdio like an editor
//! drives it (the bench-profile binary, a blocking LSP client):
//!
//! - start-up: process spawn → initialize result;
//! - hover p50/p99 on Django's `db/models/query.py` and on a ~20,000-line
//!   file made by concatenating Django modules;
//! - one-character edit → publishDiagnostics for that version, p50/p99;
//! - peak RSS (VmHWM) with 20 Django files open.
//!
//! Inputs: Django's source, fetched once with
//! `pip download --no-deps django` into `$PYGUIDE_BENCH_DJANGO` (default
//! `/tmp/djdl`) and unzipped there. Targets: start-up ≤ 20 ms, hover p99
//! ≤ 1 ms, edit → diagnostics p50 ≤ 5 ms, RSS ≤ 40 MB.
//!
//! Run: `cargo bench --bench server`.

use std::path::PathBuf;
use std::process::Command;
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use serde_json::{Value, json};

#[path = "support/corpus.rs"]
mod corpus;
#[path = "support/lsp.rs"]
mod lsp;
use corpus::{assignment_near_middle, big_file, django_files};
use lsp::Server;

const BIN: &str = env!("CARGO_BIN_EXE_pyguide");

/// The search-index cache folder of every server the bench starts.
static CACHE: OnceLock<tempfile::TempDir> = OnceLock::new();

fn spawn() -> Server {
    let cache = CACHE.get_or_init(|| tempfile::tempdir().unwrap());
    let mut command = Command::new(BIN);
    command
        .arg("serve")
        .env("PYGUIDE_CACHE_DIR", cache.path())
        .env("PYGUIDE_DATA_DIR", cache.path());
    Server::spawn(command)
}

/// Opens `uri` and waits for its first diagnostics.
fn open(server: &mut Server, uri: &str, text: &str) -> Vec<Value> {
    server.did_open(uri, text);
    server.diagnostics(uri, 1)
}

fn percentile(samples: &mut [Duration], p: f64) -> Duration {
    samples.sort();
    let i = ((samples.len() as f64 - 1.0) * p).round() as usize;
    samples[i]
}

fn ms(d: Duration) -> String {
    format!("{:.3} ms", d.as_secs_f64() * 1000.0)
}

fn report(name: &str, samples: &mut [Duration], target: &str) {
    let p50 = percentile(samples, 0.5);
    let p99 = percentile(samples, 0.99);
    println!(
        "{name:<44} p50 {:>10}  p99 {:>10}  ({} samples; target {target})",
        ms(p50),
        ms(p99),
        samples.len()
    );
}

/// Django's source folder, downloading and unzipping the wheel if needed.
fn django() -> PathBuf {
    let base = std::env::var_os("PYGUIDE_BENCH_DJANGO")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/tmp/djdl"));
    let src = base.join("django-src");
    if src.join("django/db/models/query.py").is_file() {
        return src;
    }
    let status = Command::new("pip")
        .args(["download", "--no-deps", "django", "-d"])
        .arg(&base)
        .status()
        .expect("pip download django (needs pip and network)");
    assert!(status.success());
    let wheel = std::fs::read_dir(&base)
        .unwrap()
        .filter_map(|e| e.ok().map(|e| e.path()))
        .find(|p| {
            let name = p.file_name().unwrap().to_string_lossy().to_lowercase();
            name.starts_with("django-") && name.ends_with(".whl")
        })
        .expect("a Django wheel");
    let status = Command::new("unzip")
        .args(["-q", "-o"])
        .arg(&wheel)
        .arg("-d")
        .arg(&src)
        .status()
        .expect("unzip");
    assert!(status.success());
    src
}

fn startup() {
    let mut samples = Vec::new();
    for _ in 0..30 {
        let start = Instant::now();
        let mut server = spawn();
        server.initialize(None);
        samples.push(start.elapsed());
        server.stop();
    }
    report("start-up → initialize result", &mut samples, "≤ 20 ms");
}

/// UTF-16 positions to hover: every diagnostic's start plus as many plain
/// positions (mostly misses), spread over the file.
fn hover_positions(text: &str, diagnostics: &[Value], findings_only: bool) -> Vec<Value> {
    let mut out: Vec<Value> = diagnostics
        .iter()
        .map(|d| d["range"]["start"].clone())
        .collect();
    if !findings_only {
        let lines = text.lines().count().max(1);
        for i in 0..out.len().max(50) {
            out.push(json!({"line": (i * 7919) % lines, "character": 8}));
        }
    }
    out
}

fn latency(name: &str, text: &str) {
    let mut server = spawn();
    server.initialize(None);
    let uri = "file:///bench/file.py";
    let diagnostics = open(&mut server, uri, text);
    // Hints are hover targets too: ask for them as diagnostics once.
    server.notify(
        "workspace/didChangeConfiguration",
        json!({"settings": {"pyguide": {"hints": true}}}),
    );
    let with_hints = server.diagnostics(uri, 1);
    let positions = hover_positions(text, &with_hints, false);
    let mut hovers = Vec::new();
    let mut hits = 0;
    for round in 0..10 {
        for at in &positions {
            let start = Instant::now();
            let r = server.request(
                "textDocument/hover",
                json!({"textDocument": {"uri": uri}, "position": at}),
            );
            let elapsed = start.elapsed();
            if round > 0 {
                hovers.push(elapsed);
                hits += usize::from(!r["result"].is_null());
            }
        }
    }
    println!(
        "{name}: {} lines, {} warnings, {} findings with hints; {hits} of {} hovers hit",
        text.lines().count(),
        diagnostics.len(),
        with_hints.len(),
        hovers.len()
    );
    report(&format!("  hover ({name})"), &mut hovers, "p99 ≤ 1 ms");

    // Type a character into a name in the middle of the file (an
    // assignment's target), then delete it: the text stays valid Python.
    let (line, col) = assignment_near_middle(text);
    let mut edits = Vec::new();
    for version in 2..202 {
        let start_pos = json!({"line": line, "character": col});
        let change = if version % 2 == 0 {
            json!({"range": {"start": start_pos, "end": start_pos}, "text": "q"})
        } else {
            json!({"range": {"start": start_pos, "end": {"line": line, "character": col + 1}}, "text": ""})
        };
        let start = Instant::now();
        server.notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": uri, "version": version}, "contentChanges": [change]}),
        );
        server.diagnostics(uri, version);
        edits.push(start.elapsed());
    }
    report(
        &format!("  edit → diagnostics ({name})"),
        &mut edits,
        "p50 ≤ 5 ms",
    );
    server.stop();
}

fn memory(files: &[(PathBuf, String)]) {
    let mut server = spawn();
    server.initialize(None);
    let mut lines = 0;
    for (i, (path, text)) in files.iter().take(20).enumerate() {
        let uri = format!("file://{}", path.display());
        open(&mut server, &uri, text);
        lines += text.lines().count();
        let r = server.request(
            "textDocument/hover",
            json!({"textDocument": {"uri": uri}, "position": {"line": i, "character": 4}}),
        );
        assert!(r.get("error").is_none());
    }
    let kb = server.peak_rss_kb();
    println!(
        "{:<44} {:.1} MB  (20 largest Django files, {lines} lines; target ≤ 40 MB)",
        "peak RSS (VmHWM)",
        kb as f64 / 1024.0
    );
    server.stop();
}

fn main() {
    if std::env::args().any(|a| a == "--list") {
        return;
    }
    let src = django();
    let files = django_files(&src);
    let query = std::fs::read_to_string(src.join("django/db/models/query.py")).unwrap();
    let big = big_file(&files);
    println!("pyguide serve over stdio ({BIN})");
    startup();
    latency("django/db/models/query.py", &query);
    latency("concatenated Django modules", &big);
    memory(&files);
}
