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
    let hits = json(&run);
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
    assert_eq!((run.code, json(&run).len()), (1, 0));
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
