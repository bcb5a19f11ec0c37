//! `pyguide practice` as scripts and users run it: the JSON queue and its
//! order (due before new, `--from` topics first), export/import round trip,
//! the corrupt-database message and exit code, the not-a-terminal error,
//! `--stats`, and two processes writing reviews at once losing nothing.
//!
//! Every test has its own `PYGUIDE_DATA_DIR`, so none touches the user's
//! progress.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, SystemTime};

use pyguide::guide::load_builtin;
use pyguide::practice::{self, CardRef, Filter, Grade, Store};
use serde_json::{Value, json};

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

fn pyguide(data: &Path, args: &[&str]) -> Run {
    let out = Command::new(env!("CARGO_BIN_EXE_pyguide"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("PYGUIDE_DATA_DIR", data)
        .env(
            "PYGUIDE_CACHE_DIR",
            std::env::temp_dir().join("pyguide-practice-test-cache"),
        )
        .stdin(Stdio::null())
        .output()
        .expect("the binary runs");
    Run {
        code: out.status.code().expect("exited normally"),
        stdout: String::from_utf8(out.stdout).expect("stdout is UTF-8"),
        stderr: String::from_utf8(out.stderr).expect("stderr is UTF-8"),
    }
}

fn queue_ids(run: &Run) -> Vec<String> {
    assert_eq!(run.code, 0, "stderr: {}", run.stderr);
    let v: Value = serde_json::from_str(&run.stdout).expect("stdout is JSON");
    v.as_array()
        .expect("an array")
        .iter()
        .map(|e| {
            for key in ["id", "topic", "kind", "prompt"] {
                assert!(e[key].is_string(), "{key} missing in {e}");
            }
            e["id"].as_str().unwrap().to_string()
        })
        .collect()
}

/// Every card of the built-in guide, in guide order.
fn guide_cards() -> Vec<String> {
    let guide = load_builtin().guide;
    practice::all_cards(&guide, &Filter::default())
        .iter()
        .map(|c| c.to_string())
        .collect()
}

fn export_with(reviews: &[(&str, &str, &str)]) -> String {
    let reviews: Vec<Value> = reviews
        .iter()
        .map(|(card, at, grade)| json!({"card": card, "at": at, "grade": grade}))
        .collect();
    serde_json::to_string_pretty(&json!({
        "format": "pyguide-practice",
        "version": 1,
        "reviews": reviews,
    }))
    .unwrap()
}

#[test]
fn a_fresh_queue_is_the_new_cards_in_guide_order() {
    let data = tempfile::tempdir().unwrap();
    let cards = guide_cards();
    assert!(cards.len() >= 3, "the guide has cards: {cards:?}");
    let ids = queue_ids(&pyguide(
        data.path(),
        &["practice", "--format", "json", "--new", "3"],
    ));
    assert_eq!(ids, cards[..3]);
    let all = queue_ids(&pyguide(
        data.path(),
        &["practice", "--format", "json", "--new", "100000"],
    ));
    assert_eq!(all, cards);
}

#[test]
fn module_and_topic_narrow_the_queue() {
    let data = tempfile::tempdir().unwrap();
    let ids = queue_ids(&pyguide(
        data.path(),
        &["practice", "--format", "json", "--topic", "asyncio-gather"],
    ));
    assert!(!ids.is_empty());
    assert!(
        ids.iter().all(|i| i.starts_with("asyncio-gather#")),
        "{ids:?}"
    );
    assert!(ids.contains(&"asyncio-gather#question".to_string()));
    let guide = load_builtin().guide;
    let ids = queue_ids(&pyguide(
        data.path(),
        &[
            "practice", "--format", "json", "--module", "asyncio", "--new", "1000",
        ],
    ));
    assert!(!ids.is_empty());
    for id in &ids {
        let topic = guide.get(id.split('#').next().unwrap()).unwrap();
        assert_eq!(topic.module, "asyncio", "{id}");
    }
    let bad = pyguide(
        data.path(),
        &["practice", "--format", "json", "--module", "nope"],
    );
    assert_eq!(bad.code, 2);
    assert!(bad.stderr.contains("no module \"nope\""), "{}", bad.stderr);
    assert!(bad.stderr.contains("asyncio"), "{}", bad.stderr);
}

#[test]
fn due_cards_come_before_new_ones_and_reviewed_ones_wait() {
    let data = tempfile::tempdir().unwrap();
    let cards = guide_cards();
    let (old, recent) = (&cards[cards.len() - 1], &cards[0]);
    // `old` was answered a year ago (due long since); `recent` a minute ago
    // (due in days).
    let now = chrono::Utc::now();
    let year_ago = (now - chrono::Duration::days(365)).to_rfc3339();
    let minute_ago = (now - chrono::Duration::minutes(1)).to_rfc3339();
    let file = data.path().join("in.json");
    std::fs::write(
        &file,
        export_with(&[(old, &year_ago, "good"), (recent, &minute_ago, "good")]),
    )
    .unwrap();
    let run = pyguide(
        data.path(),
        &["practice", "--import", file.to_str().unwrap()],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.contains("2 new reviews"), "{}", run.stdout);
    let ids = queue_ids(&pyguide(
        data.path(),
        &["practice", "--format", "json", "--new", "2"],
    ));
    assert_eq!(ids[0], *old, "the due card first: {ids:?}");
    assert!(!ids.contains(recent), "{ids:?}");
    assert_eq!(ids.len(), 3, "one due and two new: {ids:?}");
    assert_eq!(ids[1..], cards[1..3]);
}

#[test]
fn from_examples_puts_the_topics_of_its_findings_first() {
    let data = tempfile::tempdir().unwrap();
    let check = pyguide(
        data.path(),
        &[
            "check",
            "--hints",
            "--format",
            "json",
            "--exit-zero",
            "examples/",
        ],
    );
    assert_eq!(check.code, 0, "{}", check.stderr);
    let findings: Value = serde_json::from_str(&check.stdout).unwrap();
    // (warnings, hints) per topic.
    let mut counts: HashMap<String, (u32, u32)> = HashMap::new();
    for f in findings.as_array().unwrap() {
        let c = counts
            .entry(f["topic"].as_str().unwrap().to_string())
            .or_default();
        if f["severity"] == "hint" {
            c.1 += 1;
        } else {
            c.0 += 1;
        }
    }
    // The finding topics that have cards: those with warnings first, then
    // those with hints only, most findings first (ties in guide order), with
    // their cards in guide order.
    let cards = guide_cards();
    let order: HashMap<&str, usize> = cards
        .iter()
        .enumerate()
        .rev()
        .map(|(i, c)| (c.split('#').next().unwrap(), i))
        .collect();
    let mut topics: Vec<&str> = counts
        .keys()
        .map(String::as_str)
        .filter(|t| order.contains_key(t))
        .collect();
    assert!(
        !topics.is_empty(),
        "examples/ raises no topic with cards: {counts:?}"
    );
    topics.sort_by_key(|t| (std::cmp::Reverse(counts[*t]), order[t]));
    assert!(
        counts[topics[0]].0 > 0,
        "examples/ should have a warning with cards: {counts:?}"
    );
    let expected: Vec<&String> = topics
        .iter()
        .flat_map(|t| cards.iter().filter(move |c| c.split('#').next() == Some(t)))
        .collect();

    let run = pyguide(
        data.path(),
        &[
            "practice",
            "--from",
            "examples/",
            "--format",
            "json",
            "--new",
            "100000",
        ],
    );
    let ids = queue_ids(&run);
    assert_eq!(ids.len(), cards.len());
    let head: Vec<&String> = ids.iter().take(expected.len()).collect();
    assert_eq!(head, expected, "stderr: {}", run.stderr);
    // The intro names the topic warned about most and how often.
    let (top, n) = (topics[0], counts[topics[0]].0);
    assert!(
        run.stderr.contains("warnings on") && run.stderr.contains(top),
        "{}",
        run.stderr
    );
    let said = match n {
        1 => "once".to_string(),
        2 => "twice".to_string(),
        n => format!("{n} times"),
    };
    assert!(
        run.stderr.contains(&format!("warnings on {top} {said}")),
        "{}",
        run.stderr
    );
    // Meeting the topics is remembered: without --from they still lead.
    let again = queue_ids(&pyguide(
        data.path(),
        &["practice", "--format", "json", "--new", "100000"],
    ));
    let first_topic = again[0].split('#').next().unwrap();
    assert!(counts.contains_key(first_topic), "{again:?}");
}

#[test]
fn export_then_import_round_trips() {
    let a = tempfile::tempdir().unwrap();
    let b = tempfile::tempdir().unwrap();
    let cards = guide_cards();
    let file = a.path().join("seed.json");
    std::fs::write(
        &file,
        export_with(&[
            (&cards[0], "2026-01-02T10:00:00.000Z", "good"),
            (&cards[0], "2026-01-05T09:30:00.250Z", "hard"),
            (&cards[1], "2026-01-03T08:00:00.000Z", "again"),
            (&cards[2], "2026-01-04T08:00:00.000Z", "easy"),
        ]),
    )
    .unwrap();
    assert_eq!(
        pyguide(a.path(), &["practice", "--import", file.to_str().unwrap()]).code,
        0
    );
    let out_a = a.path().join("a.json");
    let run = pyguide(a.path(), &["practice", "--export", out_a.to_str().unwrap()]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.contains("exported 4 reviews"), "{}", run.stdout);
    let run = pyguide(b.path(), &["practice", "--import", out_a.to_str().unwrap()]);
    assert!(run.stdout.contains("4 new reviews"), "{}", run.stdout);
    let out_b = b.path().join("b.json");
    pyguide(b.path(), &["practice", "--export", out_b.to_str().unwrap()]);
    let read = |p: &Path| {
        let mut v: Value = serde_json::from_str(&std::fs::read_to_string(p).unwrap()).unwrap();
        v.as_object_mut().unwrap().remove("exported");
        v
    };
    assert_eq!(read(&out_a), read(&out_b));
    assert_eq!(read(&out_a)["reviews"].as_array().unwrap().len(), 4);
    // The same progress, the same figures.
    let stats = |d: &Path| pyguide(d, &["practice", "--stats", "--format", "json"]).stdout;
    assert_eq!(stats(a.path()), stats(b.path()));
    // Importing twice adds nothing.
    let run = pyguide(b.path(), &["practice", "--import", out_a.to_str().unwrap()]);
    assert!(
        run.stdout.contains("0 new reviews, 4 already here"),
        "{}",
        run.stdout
    );
}

#[test]
fn a_bad_import_file_names_the_file_and_exits_2() {
    let data = tempfile::tempdir().unwrap();
    let file = data.path().join("broken.json");
    std::fs::write(
        &file,
        "{\"format\": \"pyguide-practice\",\n  \"version\": 1,\n  oops",
    )
    .unwrap();
    let run = pyguide(
        data.path(),
        &["practice", "--import", file.to_str().unwrap()],
    );
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("broken.json: line 3"), "{}", run.stderr);
}

#[test]
fn a_corrupt_database_is_named_and_exits_2() {
    let data = tempfile::tempdir().unwrap();
    let db = data.path().join("practice.sqlite3");
    std::fs::write(&db, "not a database, just text\n".repeat(300)).unwrap();
    for args in [
        &["practice", "--format", "json"][..],
        &["practice", "--stats"][..],
    ] {
        let run = pyguide(data.path(), args);
        assert_eq!(run.code, 2, "{args:?}: {}", run.stderr);
        assert!(
            run.stderr.contains(&db.display().to_string()) && run.stderr.contains("corrupt"),
            "{}",
            run.stderr
        );
        assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
        assert!(run.stdout.is_empty(), "{}", run.stdout);
    }
    // The file is left as it was for the user to inspect.
    assert!(
        std::fs::read_to_string(&db)
            .unwrap()
            .starts_with("not a database")
    );
}

#[test]
fn without_a_terminal_it_says_to_use_json() {
    let data = tempfile::tempdir().unwrap();
    let run = pyguide(data.path(), &["practice"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("--format json"), "{}", run.stderr);
    assert!(run.stdout.is_empty());
}

#[test]
fn stats_count_reviews_per_module() {
    let data = tempfile::tempdir().unwrap();
    let run = pyguide(data.path(), &["practice", "--stats", "--format", "json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let fresh: Value = serde_json::from_str(&run.stdout).unwrap();
    let total = guide_cards().len() as u64;
    assert_eq!(fresh["cards"], total);
    assert_eq!(fresh["new"], total);
    assert_eq!(fresh["seen"], 0);
    assert_eq!(fresh["streak"], 0);

    let today = chrono::Utc::now();
    let yesterday = today - chrono::Duration::days(1);
    let file = data.path().join("in.json");
    std::fs::write(
        &file,
        export_with(&[
            (
                "asyncio-gather#first-failure",
                &yesterday.to_rfc3339(),
                "good",
            ),
            ("asyncio-gather#result-order", &today.to_rfc3339(), "again"),
        ]),
    )
    .unwrap();
    pyguide(
        data.path(),
        &["practice", "--import", file.to_str().unwrap()],
    );
    let s: Value = serde_json::from_str(
        &pyguide(data.path(), &["practice", "--stats", "--format", "json"]).stdout,
    )
    .unwrap();
    assert_eq!(s["seen"], 2);
    assert_eq!(s["new"], total - 2);
    assert_eq!(s["reviews"], 2);
    assert_eq!(s["streak"], 2);
    let asyncio = s["modules"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["module"] == "asyncio")
        .expect("asyncio in the modules");
    assert_eq!(asyncio["seen"], 2);
    let text = pyguide(data.path(), &["practice", "--stats"]);
    assert_eq!(text.code, 0);
    assert!(text.stdout.contains("streak: 2 days"), "{}", text.stdout);
    assert!(text.stdout.contains("asyncio"), "{}", text.stdout);
    assert!(!text.stdout.contains('\x1b'), "no colour off a terminal");
    let colour = pyguide(data.path(), &["practice", "--stats", "--color", "always"]);
    assert!(colour.stdout.contains('\x1b'), "{}", colour.stdout);
}

/// How many reviews each writer process records.
const WRITES: usize = 150;
/// The helper's environment: the database and the writer's name.
const WRITER_ENV: &str = "PYGUIDE_PRACTICE_TEST_WRITER";

#[test]
fn two_processes_writing_at_once_lose_nothing() {
    let data = tempfile::tempdir().unwrap();
    let db = data.path().join("practice.sqlite3");
    // Created (and migrated) by both at once too: no process opens it first.
    let spawn = |name: &str| {
        Command::new(std::env::current_exe().unwrap())
            .args(["--exact", "writer_process", "--ignored", "--nocapture"])
            .env(WRITER_ENV, format!("{}|{name}", db.display()))
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("the test binary runs")
    };
    let children = [spawn("a"), spawn("b")];
    for child in children {
        let out = child.wait_with_output().unwrap();
        assert!(
            out.status.success(),
            "writer failed: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let store = Store::open(&db).unwrap();
    let (mut a, mut b, mut shared) = (0, 0, 0);
    for i in 0..WRITES {
        a += store.review_count(&card("a", i)).unwrap();
        b += store.review_count(&card("b", i)).unwrap();
    }
    for i in 0..10 {
        shared += store.review_count(&card("shared", i)).unwrap();
    }
    assert_eq!((a, b), (WRITES, WRITES));
    // Both wrote the ten shared cards, often in the same millisecond.
    assert_eq!(shared, 2 * WRITES / 10);
    // Shared card 0 is written at i = 0 and i = 100 by each process, all
    // four at the same instant.
    let s = store.schedule(&card("shared", 0)).unwrap().unwrap();
    assert_eq!(s.reps, 4);
}

fn card(who: &str, i: usize) -> CardRef {
    CardRef::new(&format!("writer-{who}"), &format!("card-{i}"))
}

/// The child of `two_processes_writing_at_once_lose_nothing`: reviews
/// its own cards and, every tenth time, one of ten shared cards.
#[test]
#[ignore = "helper process of two_processes_writing_at_once_lose_nothing"]
fn writer_process() {
    let Ok(spec) = std::env::var(WRITER_ENV) else {
        return;
    };
    let (db, name) = spec.rsplit_once('|').unwrap();
    let store = Store::open(&PathBuf::from(db)).unwrap();
    let t0 = SystemTime::now();
    for i in 0..WRITES {
        let at = t0 + Duration::from_secs(60 * i as u64);
        practice::review(&store, &card(name, i), Grade::Good, at).unwrap();
        if i % 10 == 0 {
            let shared = card("shared", (i / 10) % 10);
            practice::review(&store, &shared, Grade::Hard, t0).unwrap();
        }
    }
}
