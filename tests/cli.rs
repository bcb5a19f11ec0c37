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
    assert_eq!(lines.len(), 5, "{}", run.stdout);
    assert!(
        lines[0].starts_with(&format!("{emoji}:1:20: PG401 [*] ")),
        "a safe fix is marked like ruff's: {}",
        lines[0]
    );
    assert!(
        lines[1].starts_with(&format!("{views}:4:5: PG206 ")) && !lines[1].contains("[*]"),
        "an unsafe fix is not applied by --fix: {}",
        lines[1]
    );
    assert!(
        lines[1].ends_with("(topic: asyncio-event-loop)"),
        "{}",
        lines[1]
    );
    assert_eq!(lines[2], "Found 2 findings in 2 files (3 checked).");
    assert_eq!(lines[3], "[*] 1 fixable with `--fix`.");
    assert!(lines[4].starts_with("1 more fix is available with `--unsafe-fixes`"));
    // Virtualenvs and .gitignored folders are skipped; hints are off by default.
    assert!(
        !run.stdout.contains(".venv")
            && !run.stdout.contains("myenv")
            && !run.stdout.contains("generated")
    );
    assert!(!run.stdout.contains("PG102"));
}

#[test]
fn a_file_reached_from_two_roots_is_checked_once_in_path_order() {
    // Folders are walked on every core; the files still come out sorted,
    // each once, whatever order the walkers found them in.
    let dir = project();
    let app = dir.path().join("app");
    let emoji = app.join("emoji.py");
    let run = pyguide(&[
        "check",
        app.to_str().unwrap(),
        emoji.to_str().unwrap(),
        dir.path().to_str().unwrap(),
    ]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert!(
        lines[0].starts_with(&format!("{}:1:20: PG401", emoji.display())),
        "{}",
        run.stdout
    );
    assert!(
        lines[1].starts_with(&format!("{}:4:5: PG206", app.join("views.py").display())),
        "{}",
        run.stdout
    );
    assert_eq!(
        lines[2], "Found 2 findings in 2 files (3 checked).",
        "{}",
        run.stdout
    );
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
    assert_eq!(emoji["fix"]["applicability"], "safe");
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

#[test]
fn check_fix_applies_safe_fixes_and_diff_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("m.py");
    let original = "import time\n\n\nasync def f(x):\n    time.sleep(1)\n    return x is 1\n";
    std::fs::write(&file, original).unwrap();
    let path = file.to_str().unwrap();

    // --diff: a unified diff of the safe fix, nothing written, exit 1.
    let run = pyguide(&["check", path, "--diff"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stdout
            .contains(&format!("--- a/{}", path.trim_start_matches('/'))),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains("-    return x is 1\n+    return x == 1\n"),
        "{}",
        run.stdout
    );
    assert!(
        !run.stdout.contains("asyncio.sleep"),
        "unsafe fixes need --unsafe-fixes"
    );
    assert!(
        run.stderr.contains("Would fix 1 finding in 1 file."),
        "{}",
        run.stderr
    );
    assert_eq!(std::fs::read_to_string(&file).unwrap(), original);

    // --diff --unsafe-fixes shows the unsafe one too.
    let run = pyguide(&["check", path, "--diff", "--unsafe-fixes"]);
    assert!(
        run.stdout.contains("+    await asyncio.sleep(1)"),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("+import asyncio\n"), "{}", run.stdout);
    assert_eq!(std::fs::read_to_string(&file).unwrap(), original);

    // --fix writes the safe fix only; the unsafe finding remains.
    let run = pyguide(&["check", path, "--fix"]);
    assert_eq!(run.code, 1, "PG206 is still reported: {}", run.stdout);
    assert!(
        run.stdout.contains("Fixed 1 finding in 1 file."),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("PG206"));
    assert_eq!(
        std::fs::read_to_string(&file).unwrap(),
        original.replace("x is 1", "x == 1")
    );

    // --fix --unsafe-fixes applies the rest; nothing is left.
    let run = pyguide(&["check", path, "--fix", "--unsafe-fixes"]);
    assert_eq!(run.code, 0, "{}", run.stdout);
    assert_eq!(
        std::fs::read_to_string(&file).unwrap(),
        "import asyncio\nimport time\n\n\nasync def f(x):\n    await asyncio.sleep(1)\n    return x == 1\n"
    );
}

/// The project's declared versions decide the fixes: `Optional[...]` for a
/// Python 3.9 project, `| None` for 3.12; no `aget()` on Django 4.0.
#[test]
fn check_follows_the_projects_versions() {
    let src = "from django.db import models\n\n\nclass Post(models.Model):\n    title = models.CharField(max_length=9)\n\n\ndef tag(item, seen: dict = {}):\n    return seen\n\n\nasync def view(pk):\n    return Post.objects.get(pk=pk)\n";
    let fix_of = |pyproject: &str, code: &str| -> Value {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("pyproject.toml"), pyproject).unwrap();
        std::fs::create_dir(dir.path().join("app")).unwrap();
        std::fs::write(dir.path().join("app/views.py"), src).unwrap();
        let run = pyguide(&["check", dir.path().to_str().unwrap(), "--format", "json"]);
        json(&run)
            .into_iter()
            .find(|f| f["code"] == code)
            .unwrap_or_else(|| panic!("{code} in {}", run.stdout))
    };
    let old = "[project]\nrequires-python = \">=3.9\"\ndependencies = [\"Django>=4.0,<4.1\"]\n";
    let new = "[project]\nrequires-python = \">=3.12\"\ndependencies = [\"django~=5.2\"]\n";
    let contents = |f: &Value| -> Vec<String> {
        f["fix"]["edits"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["content"].as_str().unwrap().to_string())
            .collect()
    };
    let py39 = contents(&fix_of(old, "PG101"));
    assert!(py39.contains(&"Optional[dict]".to_string()), "{py39:?}");
    assert!(
        py39.iter()
            .any(|c| c.contains("from typing import Optional")),
        "{py39:?}"
    );
    let py312 = contents(&fix_of(new, "PG101"));
    assert!(py312.contains(&"dict | None".to_string()), "{py312:?}");
    let dj40 = fix_of(old, "PG621");
    assert!(dj40["fix"].is_null());
    assert!(dj40["message"].as_str().unwrap().contains("Django 4.0"));
    let dj52 = fix_of(new, "PG621");
    assert_eq!(dj52["fix"]["applicability"], "unsafe");
    // [tool.pyguide] overrides what the dependencies say.
    let pinned = fix_of(
        "[project]\ndependencies = [\"Django>=5.0\"]\n[tool.pyguide]\ndjango-version = \"4.0\"\n",
        "PG621",
    );
    assert!(pinned["fix"].is_null());
}

/// `pyguide ARGS` run in `dir`.
fn pyguide_in(dir: &std::path::Path, args: &[&str]) -> Run {
    let out = Command::new(env!("CARGO_BIN_EXE_pyguide"))
        .args(args)
        .current_dir(dir)
        .output()
        .expect("the binary runs");
    Run {
        code: out.status.code().expect("exited normally"),
        stdout: String::from_utf8(out.stdout).expect("stdout is UTF-8"),
        stderr: String::from_utf8(out.stderr).expect("stderr is UTF-8"),
    }
}

#[test]
fn check_sarif_validates_against_the_sarif_2_1_0_schema() {
    // The schema's one invalid regex (the `language` pattern of `run` and
    // `toolComponent`: a stray `]`, a literal in browsers' regexes but
    // rejected by a strict "format": "regex" check) gets the `]` escaped:
    // the same language tags match.
    let text = include_str!("schemas/sarif-2.1.0-rtm.5.json");
    let stray = r#""^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}]?$""#;
    assert_eq!(text.matches(stray).count(), 2);
    let text = text.replace(stray, r#""^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}\\]?$""#);
    let schema: Value = serde_json::from_str(&text).unwrap();
    let validator = jsonschema::validator_for(&schema).expect("the schema compiles");
    let dir = project();
    let run = pyguide_in(
        dir.path(),
        &["check", "app", "--hints", "--format", "sarif"],
    );
    assert_eq!(run.code, 1, "warnings still fail the run: {}", run.stderr);
    let log: Value = serde_json::from_str(&run.stdout).expect("stdout is JSON");
    let errors: Vec<String> = validator
        .iter_errors(&log)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
    assert_eq!(log["version"], "2.1.0");
    let run0 = &log["runs"][0];
    let rules = run0["tool"]["driver"]["rules"].as_array().unwrap();
    let results = run0["results"].as_array().unwrap();
    let emoji = results.iter().find(|r| r["ruleId"] == "PG401").unwrap();
    assert_eq!(emoji["level"], "warning");
    let location = &emoji["locations"][0]["physicalLocation"];
    assert_eq!(location["artifactLocation"]["uri"], "app/emoji.py");
    assert_eq!(
        location["region"],
        serde_json::json!({ "startLine": 1, "startColumn": 20, "endLine": 1, "endColumn": 32 })
    );
    let replacement = &emoji["fixes"][0]["artifactChanges"][0]["replacements"][0];
    assert_eq!(replacement["insertedContent"]["text"], "==");
    assert_eq!(replacement["deletedRegion"]["startColumn"], 26);
    // Each result points at its rule, which carries the topic's help.
    let rule = &rules[emoji["ruleIndex"].as_u64().unwrap() as usize];
    assert_eq!(rule["id"], "PG401");
    assert!(rule["helpUri"].as_str().unwrap().starts_with("https://"));
    assert!(
        results.iter().any(|r| r["level"] == "note"),
        "hints are notes"
    );
    // A clean run is still a valid log, with no results.
    let clean = pyguide_in(dir.path(), &["check", "app/clean.py", "--format", "sarif"]);
    assert_eq!(clean.code, 0);
    let clean: Value = serde_json::from_str(&clean.stdout).unwrap();
    assert!(validator.is_valid(&clean));
    assert_eq!(clean["runs"][0]["results"], serde_json::json!([]));
}

#[test]
fn check_github_prints_workflow_annotations_like_ruff() {
    let dir = project();
    let run = pyguide_in(dir.path(), &["check", "app", "--format", "github"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(
        lines.len(),
        2,
        "one line a finding, nothing else: {}",
        run.stdout
    );
    assert!(
        lines[0].starts_with(
            "::warning file=app/emoji.py,line=1,col=20,endLine=1,endColumn=32,title=PG401::app/emoji.py:1:20: PG401 "
        ),
        "{}",
        lines[0]
    );
    assert!(lines[1].starts_with("::warning file=app/views.py,line=4,col=5,"));
    let hints = pyguide_in(
        dir.path(),
        &["check", "app", "--hints", "--format", "github"],
    );
    assert!(
        hints
            .stdout
            .lines()
            .any(|l| l.starts_with("::notice file="))
    );
}

#[test]
fn version_names_the_crate_version() {
    let run = pyguide(&["--version"]);
    assert_eq!(run.code, 0);
    assert_eq!(
        run.stdout.trim(),
        format!("pyguide {}", env!("CARGO_PKG_VERSION"))
    );
}

#[test]
fn completions_complete_subcommands_and_options() {
    let bash = pyguide(&["completions", "bash"]);
    assert_eq!(bash.code, 0, "{}", bash.stderr);
    // Sourced into a real bash, the function completes `pyguide ch` and `check --fo`.
    let dir = tempfile::tempdir().unwrap();
    let script = dir.path().join("pyguide.bash");
    std::fs::write(&script, &bash.stdout).unwrap();
    let complete = |words: &str, cword: usize| {
        let out = Command::new("bash")
            .arg("-c")
            .arg(format!(
                "source {}; COMP_WORDS=({words}); COMP_CWORD={cword}; COMP_LINE='{words}'; COMP_POINT=${{#COMP_LINE}}; \
                 _pyguide pyguide \"${{COMP_WORDS[COMP_CWORD]}}\" \"${{COMP_WORDS[COMP_CWORD-1]}}\"; echo \"${{COMPREPLY[@]}}\"",
                script.display()
            ))
            .output()
            .expect("bash runs");
        String::from_utf8(out.stdout).unwrap()
    };
    assert_eq!(complete("pyguide ch", 1).trim(), "check");
    assert!(
        complete("pyguide check --fo", 2).contains("--format"),
        "{}",
        complete("pyguide check --fo", 2)
    );
    let zsh = pyguide(&["completions", "zsh"]);
    assert!(zsh.stdout.starts_with("#compdef pyguide"), "{}", zsh.stdout);
    assert!(zsh.stdout.contains("'--hints["));
    let fish = pyguide(&["completions", "fish"]);
    assert!(
        fish.stdout
            .contains("complete -c pyguide -n \"__fish_use_subcommand\" -f -a \"check\"")
            || fish.stdout.contains("-a \"check\""),
        "{}",
        fish.stdout
    );
    assert_eq!(pyguide(&["completions", "tcsh"]).code, 2);
}
