//! Detection benchmarks over a real code base nobody here wrote: Django's
//! own source, fetched from PyPI on first run (`pip download --no-deps
//! django==5.2.*`) into `target/bench-corpus/` (or the folder named by
//! `PYGUIDE_BENCH_DJANGO`, which must contain `django/`).
//!
//! `cargo bench --bench detect` reports:
//! 1. parsing every file vs parsing plus every detector (the detectors'
//!    overhead, target ≤ 25%), and plus the warnings' detectors only (what
//!    `check` runs without `--hints`), one thread; and that last as `check`
//!    reads the files (the literal pre-filter, skimmed parses), against the
//!    bare parse of every file;
//! 2. `pyguide check` over the whole tree (wall time, all cores), next to
//!    `ruff check --no-cache --isolated --select F632,E711,E712,ASYNC,DJ`
//!    when ruff is installed;
//! 3. re-analysis after a one-character edit in a ~20,000-line file:
//!    incremental reparse + every detector (target ≤ 2 ms).

use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;
use std::time::{Duration, Instant};

use pyguide::detect::{
    Analyzer, ModelIndex, Options, Prefilter, RuleSet, analyze_file, analyze_with, scan_classes,
    skim,
};
use pyguide::python::Document;

fn corpus() -> PathBuf {
    if let Ok(dir) = std::env::var("PYGUIDE_BENCH_DJANGO") {
        return PathBuf::from(dir);
    }
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/bench-corpus");
    if dir.join("django").is_dir() {
        return dir;
    }
    std::fs::create_dir_all(&dir).expect("create target/bench-corpus");
    let ok = Command::new("python3")
        .args([
            "-m",
            "pip",
            "download",
            "--no-deps",
            "-q",
            "django==5.2.*",
            "-d",
        ])
        .arg(&dir)
        .status()
        .is_ok_and(|s| s.success());
    assert!(
        ok,
        "pip download django failed; set PYGUIDE_BENCH_DJANGO to a folder holding django/"
    );
    let wheel = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(|e| e.ok().map(|e| e.path()))
        .find(|p| p.extension().is_some_and(|e| e == "whl"))
        .expect("a Django wheel");
    let ok = Command::new("python3")
        .args(["-m", "zipfile", "-e"])
        .arg(&wheel)
        .arg(&dir)
        .status()
        .is_ok_and(|s| s.success());
    assert!(ok, "unzip {}", wheel.display());
    dir
}

fn python_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        if path.is_dir() {
            python_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "py") {
            out.push(path);
        }
    }
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn percentile(v: &mut [Duration], p: f64) -> Duration {
    v.sort();
    v[((v.len() as f64 - 1.0) * p).round() as usize]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn main() {
    // Trees allocated as the binary allocates them.
    pyguide::python::use_mimalloc_for_trees();
    let root = corpus();
    let tree = root.join("django");
    let mut files = Vec::new();
    python_files(&tree, &mut files);
    files.sort();
    let texts: Vec<String> = files
        .iter()
        .filter_map(|p| std::fs::read_to_string(p).ok())
        .collect();
    let bytes: usize = texts.iter().map(String::len).sum();
    let lines: usize = texts.iter().map(|t| t.lines().count()).sum();
    println!(
        "corpus: {} ({} files, {:.1} MB, {} lines)",
        tree.display(),
        texts.len(),
        bytes as f64 / 1e6,
        lines
    );

    // 1. Parse vs parse + detectors, single thread, median of 5 runs.
    let mut models = ModelIndex::default();
    for (i, t) in texts.iter().enumerate() {
        models.update_file(&i.to_string(), &Document::parse(t.as_str()));
    }
    println!("models indexed: {}", models.len());
    let parse_runs: Vec<Duration> = (0..5)
        .map(|_| {
            let start = Instant::now();
            for t in &texts {
                black_box(Document::parse(t.as_str()));
            }
            start.elapsed()
        })
        .collect();
    let mut findings = 0;
    let full_runs: Vec<Duration> = (0..5)
        .map(|_| {
            findings = 0;
            let start = Instant::now();
            for t in &texts {
                let doc = Document::parse(t.as_str());
                findings += black_box(analyze_with(&doc, &models)).len();
            }
            start.elapsed()
        })
        .collect();
    let (parse, full) = (median(parse_runs), median(full_runs));
    println!(
        "parse only: {:.0} ms; parse + all detectors: {:.0} ms ({findings} findings); detectors add {:.0}%",
        ms(parse),
        ms(full),
        (ms(full) / ms(parse) - 1.0) * 100.0
    );
    // What `check` runs without `--hints`: the warnings' checks only.
    let warnings = Options {
        rules: Some(RuleSet::for_selection(&Default::default())),
        ..Options::default()
    };
    let warn_runs: Vec<Duration> = (0..5)
        .map(|_| {
            let start = Instant::now();
            for t in &texts {
                let doc = Document::parse(t.as_str());
                black_box(analyze_file(&doc, &models, &warnings));
            }
            start.elapsed()
        })
        .collect();
    let warn = median(warn_runs);
    println!(
        "parse + the warnings' detectors (check without --hints): {:.0} ms; detectors add {:.0}%",
        ms(warn),
        (ms(warn) / ms(parse) - 1.0) * 100.0
    );
    // The same as `check` reads the files: the literal pre-filter, then a
    // skimmed parse (`detect::skim`) where one applies (files with model
    // classes of their own keep what the model index reads).
    let prefilter = Prefilter::for_selection(&Default::default());
    let relations = models.relation_names();
    let skim_runs: Vec<Duration> = (0..5)
        .map(|_| {
            let start = Instant::now();
            for t in &texts {
                let rules = prefilter.rules_for(t);
                if rules.is_empty() {
                    continue;
                }
                let options = Options {
                    rules: Some(rules),
                    ..Options::default()
                };
                let shared: Arc<str> = Arc::from(t.as_str());
                let keep = match scan_classes(t).has_root() {
                    true => skim::Keep::Models,
                    false => skim::Keep::Rules,
                };
                if skim::analyze(&shared, keep, &models, &relations, &options).is_none() {
                    let doc = Document::parse(t.as_str());
                    black_box(analyze_file(&doc, &models, &options));
                }
            }
            start.elapsed()
        })
        .collect();
    let skimmed = median(skim_runs);
    println!(
        "the same as check reads the files (pre-filter, skimmed parse): {:.0} ms; {:.0}% of the bare parse",
        ms(skimmed),
        ms(skimmed) / ms(parse) * 100.0
    );

    // 2. The CLI over the whole tree, and ruff when available.
    let exe = env!("CARGO_BIN_EXE_pyguide");
    let wall = |cmd: &mut Command| -> Option<Duration> {
        let runs: Vec<Duration> = (0..3)
            .filter_map(|_| {
                let start = Instant::now();
                let out = cmd.output().ok()?;
                (out.status.code().is_some_and(|c| c <= 1)).then(|| start.elapsed())
            })
            .collect();
        (runs.len() == 3).then(|| median(runs))
    };
    match wall(Command::new(exe).arg("check").arg(&tree)) {
        Some(d) => println!(
            "pyguide check {}: {:.0} ms wall ({} cores)",
            tree.display(),
            ms(d),
            std::thread::available_parallelism().map_or(1, |n| n.get())
        ),
        None => println!("pyguide check failed"),
    }
    match wall(Command::new(exe).args(["check", "--hints"]).arg(&tree)) {
        Some(d) => println!("pyguide check --hints: {:.0} ms wall", ms(d)),
        None => println!("pyguide check --hints failed"),
    }
    let ruff = |cmd: &mut Command| {
        cmd.args([
            "check",
            "--no-cache",
            "--isolated",
            "--select",
            "F632,E711,E712,ASYNC,DJ",
            "--quiet",
        ])
        .arg(&tree)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null());
        wall(cmd)
    };
    match ruff(&mut Command::new("ruff"))
        .or_else(|| ruff(Command::new("python3").args(["-m", "ruff"])))
    {
        Some(d) => println!("ruff check (F632,E711,E712,ASYNC,DJ): {:.0} ms wall", ms(d)),
        None => println!("ruff: not installed (pip install ruff) - skipped"),
    }

    // 3. One-character edits in a ~20,000-line file.
    let mut big = String::new();
    for t in &texts {
        if big.lines().count() >= 20_000 {
            break;
        }
        big.push_str(t);
        big.push('\n');
    }
    let big_lines = big.lines().count();
    let mut doc = Document::parse(big.as_str());
    let mut analyzer = Analyzer::default();
    analyzer.analyze(&doc, &models);
    let mut incremental = Vec::new();
    let mid = big.len() / 2;
    let at = mid
        + big[mid..]
            .find("\n    return ")
            .expect("a return statement")
        + 1;
    let mut edit_only = Vec::new();
    let mut edit_and_analyze = Vec::new();
    for i in 0..400 {
        let start = Instant::now();
        if i % 2 == 0 {
            doc.edit(at..at, " ");
        } else {
            doc.edit(at..at + 1, "");
        }
        edit_only.push(start.elapsed());
        black_box(analyzer.analyze(&doc, &models));
        incremental.push(start.elapsed());
        if i < 40 {
            let start = Instant::now();
            black_box(analyze_with(&doc, &models));
            edit_and_analyze.push(start.elapsed());
        }
    }
    println!(
        "one-character edit in a {big_lines}-line file: incremental reparse p50 {:.2} ms / p99 {:.2} ms; reparse + incremental analysis (Analyzer) p50 {:.2} ms / p99 {:.2} ms; a from-scratch analysis p50 {:.2} ms",
        ms(percentile(&mut edit_only, 0.5)),
        ms(percentile(&mut edit_only, 0.99)),
        ms(percentile(&mut incremental, 0.5)),
        ms(percentile(&mut incremental, 0.99)),
        ms(percentile(&mut edit_and_analyze, 0.5)),
    );
    let start = Instant::now();
    black_box(Document::parse(doc.text().to_string()));
    println!("(a full parse of that file: {:.2} ms)", ms(start.elapsed()));
}
