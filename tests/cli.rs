//! The `pyguide` binary as a user runs it: output formats, exit codes
//! (0 found, 1 nothing found, 2 usage error), messages on stderr, colour only
//! when asked or on a terminal.

use std::process::Command;

use serde_json::Value;

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

fn pyguide(args: &[&str]) -> Run {
    let out = Command::new(env!("CARGO_BIN_EXE_pyguide"))
        .args(args)
        .env_remove("NO_COLOR")
        .env(
            "PYGUIDE_CACHE_DIR",
            std::env::temp_dir().join("pyguide-cli-test-cache"),
        )
        .output()
        .expect("the binary runs");
    Run {
        code: out.status.code().expect("exited normally"),
        stdout: String::from_utf8(out.stdout).expect("stdout is UTF-8"),
        stderr: String::from_utf8(out.stderr).expect("stderr is UTF-8"),
    }
}

fn json_value(run: &Run) -> Value {
    serde_json::from_str::<Value>(&run.stdout).expect("stdout is JSON")
}

fn json(run: &Run) -> Vec<Value> {
    serde_json::from_str::<Value>(&run.stdout)
        .expect("stdout is JSON")
        .as_array()
        .expect("an array")
        .clone()
}

fn keys(v: &Value) -> Vec<&str> {
    let mut k: Vec<&str> = v.as_object().unwrap().keys().map(String::as_str).collect();
    k.sort();
    k
}

#[test]
fn search_json_is_best_first_with_the_documented_fields() {
    let run = pyguide(&[
        "search", "too", "many", "queries", "in", "a", "loop", "--format", "json", "--limit", "3",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let found = json_value(&run);
    assert_eq!(keys(&found), ["hits", "suggestions"]);
    assert_eq!(found["suggestions"], serde_json::json!([]));
    let hits = found["hits"].as_array().unwrap();
    assert!(!hits.is_empty() && hits.len() <= 3);
    assert_eq!(hits[0]["id"], "n-plus-one-queries");
    assert_eq!(
        keys(&hits[0]),
        ["id", "module", "score", "snippet", "title"]
    );
    let scores: Vec<f64> = hits.iter().map(|h| h["score"].as_f64().unwrap()).collect();
    assert!(scores.windows(2).all(|w| w[0] >= w[1]), "{scores:?}");
}

#[test]
fn search_text_lists_hits_without_colour_when_piped() {
    let run = pyguide(&["search", "select_related"]);
    assert_eq!(run.code, 0);
    assert!(
        run.stdout.starts_with(
            " 1. select-related-vs-prefetch-related  select_related vs prefetch_related"
        ),
        "{}",
        run.stdout
    );
    assert!(!run.stdout.contains('\x1b') && !run.stdout.contains("**"));
    let coloured = pyguide(&["search", "select_related", "--color", "always"]);
    assert!(coloured.stdout.contains("\x1b["));
}

#[test]
fn search_finding_nothing_exits_1() {
    let run = pyguide(&["search", "xyzzyqwv"]);
    assert_eq!(run.code, 1);
    assert_eq!(run.stdout, "");
    assert_eq!(run.stderr.trim(), "no topic matches \"xyzzyqwv\"");
    let run = pyguide(&["search", "xyzzyqwv", "--format", "json"]);
    assert_eq!(run.code, 1);
    assert_eq!(json_value(&run)["hits"], serde_json::json!([]));
}

#[test]
fn search_finding_nothing_suggests_the_nearest_topics() {
    let run = pyguide(&["search", "asyncgather"]);
    assert_eq!(run.code, 1);
    assert_eq!(run.stderr.trim(), "no topic matches \"asyncgather\"");
    assert!(
        run.stdout
            .starts_with("did you mean:\n    asyncio-gather  asyncio.gather in practice"),
        "{}",
        run.stdout
    );
    let run = pyguide(&["search", "asyncgather", "--format", "json"]);
    let found = json_value(&run);
    assert_eq!(found["hits"], serde_json::json!([]));
    assert_eq!(found["suggestions"][0]["id"], "asyncio-gather");
    assert_eq!(found["suggestions"][0]["suggestion"], true);
}

#[test]
fn explain_by_id_prints_the_whole_topic() {
    let run = pyguide(&["explain", "asyncio-gather"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.starts_with("# asyncio.gather in practice\n"));
    for section in [
        "## Answer",
        "### Bad",
        "### Good",
        "## Pitfalls",
        "## References",
        "https://docs.python.org/",
    ] {
        assert!(run.stdout.contains(section), "missing {section}");
    }
    assert_eq!(run.stderr, "");
}

#[test]
fn explain_falls_back_to_the_best_search_hit() {
    let run = pyguide(&["explain", "diamond", "problem"]);
    assert_eq!(run.code, 0);
    assert!(
        run.stdout.starts_with("# MRO and C3 linearization"),
        "{}",
        run.stdout
    );
    assert!(
        run.stderr
            .contains("showing the best match, `mro-c3-linearization`")
    );
    let run = pyguide(&["explain", "xyzzyqwv"]);
    assert_eq!(run.code, 1);
    assert!(run.stderr.contains("no topic matches \"xyzzyqwv\""));
}

#[test]
fn topics_json_lists_every_topic_with_the_documented_fields() {
    let run = pyguide(&["topics", "--format", "json"]);
    assert_eq!(run.code, 0);
    let topics = json(&run);
    assert!(topics.len() >= 27);
    assert_eq!(
        keys(&topics[0]),
        ["id", "module", "references", "summary", "title", "triggers"]
    );
    let refs = topics[0]["references"].as_array().unwrap();
    assert_eq!(keys(&refs[0]), ["title", "url"]);
    let text = pyguide(&["topics"]);
    assert!(
        text.stdout.starts_with("core-internals\n  "),
        "{}",
        text.stdout
    );
}

#[test]
fn usage_errors_exit_2_and_help_exits_0() {
    for args in [
        &["search"][..],
        &["search", "x", "--limit", "many"],
        &["nonsense"],
        &["topics", "--format", "xml"],
        &[],
    ] {
        let run = pyguide(args);
        assert_eq!(run.code, 2, "{args:?}: {}", run.stderr);
        assert!(!run.stderr.is_empty());
    }
    for cmd in ["search", "explain", "topics"] {
        let run = pyguide(&[cmd, "--help"]);
        assert_eq!(run.code, 0);
        assert!(run.stdout.contains("Usage: pyguide"), "{cmd}");
        assert!(run.stdout.contains("--guide <DIR>"), "{cmd}");
    }
}

#[test]
fn a_broken_user_guide_is_reported_by_file_and_line_and_skipped() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("broken.md"),
        "+++\nid = \"broken\"\ntitle = \n+++\n",
    )
    .unwrap();
    let dir_arg = dir.path().to_str().unwrap();
    let run = pyguide(&["--guide", dir_arg, "topics", "--format", "json"]);
    assert_eq!(run.code, 0);
    assert_eq!(
        json(&run).len(),
        pyguide(&["topics", "--format", "json"])
            .stdout
            .matches("\"id\"")
            .count()
    );
    let broken = dir.path().join("broken.md");
    assert!(
        run.stderr.starts_with(&format!(
            "warning: {}:3: invalid front matter",
            broken.display()
        )),
        "{}",
        run.stderr
    );
    assert!(run.stderr.trim_end().ends_with("(topic skipped)"));
}

fn project() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let w = |rel: &str, text: &[u8]| {
        let path = dir.path().join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    };
    w("app/views.py", "import time\n\nasync def view():\n    time.sleep(1)\n\ndef f(x):\n    return x in {}.keys()\n".as_bytes());
    w(
        "app/emoji.py",
        "label = \"😀é\"; ok = label is \"x\"\n".as_bytes(),
    );
    w("app/clean.py", b"def add(a, b):\n    return a + b\n");
    w(".venv/lib/site.py", b"x is 1\n");
    w("myenv/pyvenv.cfg", b"home = /usr\n");
    w("myenv/bad.py", b"x is 1\n");
    w("generated/out.py", b"x is 1\n");
    w(".gitignore", b"generated/\n");
    dir
}

#[test]
fn check_reports_like_ruff_and_exits_1_on_warnings() {
    let dir = project();
    let run = pyguide(&["check", dir.path().to_str().unwrap()]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let lines: Vec<&str> = run.stdout.lines().collect();
    let views = dir.path().join("app/views.py").display().to_string();
    let emoji = dir.path().join("app/emoji.py").display().to_string();
    assert_eq!(lines.len(), 3, "{}", run.stdout);
    assert!(
        lines[0].starts_with(&format!("{emoji}:1:20: PG401 ")),
        "{}",
        lines[0]
    );
    assert!(
        lines[1].starts_with(&format!("{views}:4:5: PG206 ")),
        "{}",
        lines[1]
    );
    assert!(
        lines[1].ends_with("(topic: asyncio-event-loop) [fix available]"),
        "{}",
        lines[1]
    );
    assert_eq!(
        lines[2],
        "Found 2 findings in 3 files (2 with a fix available)."
    );
    // Virtualenvs and .gitignored folders are skipped; hints are off by default.
    assert!(
        !run.stdout.contains(".venv")
            && !run.stdout.contains("myenv")
            && !run.stdout.contains("generated")
    );
    assert!(!run.stdout.contains("PG102"));
}

#[test]
fn check_json_has_1_based_character_columns_and_fix_edits() {
    let dir = project();
    let run = pyguide(&[
        "check",
        dir.path().join("app").to_str().unwrap(),
        "--format",
        "json",
        "--hints",
    ]);
    assert_eq!(run.code, 1);
    let findings = json(&run);
    assert_eq!(
        keys(&findings[0]),
        [
            "code",
            "column",
            "end_column",
            "end_line",
            "fix",
            "line",
            "message",
            "path",
            "severity",
            "topic"
        ]
    );
    let emoji = findings.iter().find(|f| f["code"] == "PG401").unwrap();
    // `label = "😀é"; ok = ` is 19 characters (but 24 bytes and 20 UTF-16 units).
    assert_eq!(
        (
            emoji["line"].as_u64(),
            emoji["column"].as_u64(),
            emoji["end_column"].as_u64()
        ),
        (Some(1), Some(20), Some(32))
    );
    let edit = &emoji["fix"]["edits"][0];
    assert_eq!(
        (
            edit["column"].as_u64(),
            edit["end_column"].as_u64(),
            edit["content"].as_str()
        ),
        (Some(26), Some(28), Some("=="))
    );
    let hint = findings
        .iter()
        .find(|f| f["code"] == "PG102")
        .expect("--hints reports hints");
    assert_eq!(hint["severity"], "hint");
    assert_eq!(
        findings.iter().find(|f| f["code"] == "PG206").unwrap()["severity"],
        "warning"
    );
}

#[test]
fn check_select_ignore_and_exit_zero() {
    let dir = project();
    let app = dir.path().join("app");
    let app = app.to_str().unwrap();
    let run = pyguide(&["check", app, "--select", "PG4"]);
    assert_eq!((run.code, run.stdout.matches(": PG").count()), (1, 1));
    let run = pyguide(&["check", app, "--ignore", "PG206,PG401"]);
    assert_eq!(run.code, 0, "{}", run.stdout);
    assert!(run.stdout.starts_with("All checks passed"));
    let run = pyguide(&["check", app, "--exit-zero"]);
    assert_eq!(run.code, 0);
    let run = pyguide(&["check", app, "--select", "XY1"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("unknown rule code `XY1`"));
}

#[test]
fn check_reports_unreadable_files_by_name_and_goes_on() {
    let dir = project();
    std::fs::write(dir.path().join("app/latin.py"), b"# caf\xe9\nx = 1\n").unwrap();
    let run = pyguide(&["check", dir.path().join("app").to_str().unwrap()]);
    assert_eq!(run.code, 2, "IO errors exit 2");
    let latin = dir.path().join("app/latin.py").display().to_string();
    assert!(
        run.stderr.contains(&format!("{latin}:1: not valid UTF-8")),
        "{}",
        run.stderr
    );
    assert!(
        run.stdout.contains("PG206"),
        "the other files are still checked"
    );
    let run = pyguide(&["check", "/no/such/path"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("/no/such/path: no such file or folder"));
}
