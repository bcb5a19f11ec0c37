//! Practice through the language server, end to end over an in-memory pipe
//! (the small LSP client of `support/`), asserting on the JSON: the
//! `pyguide/practice/{next,answer,status}` requests over a real progress
//! database, what the server records when the `practice` setting is on (and
//! does not when it is off), and that a corrupt or locked database turns
//! practice off without touching hover or diagnostics. The last test runs the
//! binary to count the warning such a database logs.
//!
//! Every test has its own database in a temporary folder.

mod support;

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant, SystemTime};

use pyguide::guide::{CardKind, load_builtin};
use pyguide::practice::{self, CardRef, Grade, Store};
use pyguide::python::{Document, LineIndex};
use pyguide::server::{Database, ServerOptions, serve};
use serde_json::{Value, json};
use support::{Client, init_params};
use tokio::io::{DuplexStream, ReadHalf, WriteHalf};

type Pipe = Client<ReadHalf<DuplexStream>, WriteHalf<DuplexStream>>;

struct Harness {
    client: Pipe,
    _cache: tempfile::TempDir,
}

/// A server over `database`, initialized with `options`.
async fn ready(database: Database, options: Value) -> Harness {
    let cache = tempfile::tempdir().unwrap();
    let server_options = ServerOptions {
        guide: Vec::new(),
        cache_dir: Some(cache.path().to_path_buf()),
        practice: database,
        fault: None,
    };
    let (client_io, server_io) = tokio::io::duplex(1 << 16);
    let (server_read, server_write) = tokio::io::split(server_io);
    tokio::spawn(serve(server_read, server_write, server_options));
    let (read, write) = tokio::io::split(client_io);
    let mut client = Client::new(read, write);
    client
        .call("initialize", init_params(&[], None, options))
        .await;
    client.notify("initialized", json!({})).await;
    Harness {
        client,
        _cache: cache,
    }
}

/// The result of a request that must succeed.
async fn ok(client: &mut Pipe, method: &str, params: Value) -> Value {
    let response = client.request(method, params).await;
    assert!(response.get("error").is_none(), "{method}: {response}");
    response["result"].clone()
}

const PY_URI: &str = "file:///project/app.py";
const SAMPLE: &str = "import asyncio\nimport time\n\n\nasync def fetch_all(urls):\n    time.sleep(1)\n    return await asyncio.gather(*[fetch(u) for u in urls])\n\n\ndef add(item, bucket=[]):\n    bucket.append(item)\n    return bucket\n";
const TOML_URI: &str = "file:///project/pyproject.toml";
const TOML: &str = "[project]\nname = \"x\"\n\n[tool.pyguide]\nignore = [\"PG206\"]\n";

async fn open(client: &mut Pipe, uri: &str, language: &str, text: &str) -> Vec<Value> {
    client
        .notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": uri, "languageId": language, "version": 1, "text": text}}),
        )
        .await;
    client.diagnostics(uri, 1).await
}

async fn hover_at(client: &mut Pipe, uri: &str, text: &str, needle: &str) -> Value {
    let at = text.find(needle).unwrap() + 1;
    let p = LineIndex::new(text).utf16_pos(text, at);
    ok(
        client,
        "textDocument/hover",
        json!({"textDocument": {"uri": uri}, "position": {"line": p.line, "character": p.col}}),
    )
    .await
}

/// The distinct topics of SAMPLE's findings, hints included: what opening it
/// should record.
fn sample_topics() -> HashSet<&'static str> {
    pyguide::detect::analyze(&Document::parse(SAMPLE))
        .iter()
        .map(|f| f.topic())
        .collect()
}

/// What the database says the user met: (topic, why) pairs.
fn seen(db: &Path) -> HashSet<(String, String)> {
    if !db.exists() {
        return HashSet::new();
    }
    let conn = rusqlite::Connection::open(db).unwrap();
    // The server may be creating the database right now: wait for its
    // write lock, and read "no table yet" as nothing recorded yet.
    conn.busy_timeout(Duration::from_secs(10)).unwrap();
    let mut stmt = match conn.prepare("SELECT topic, why FROM seen") {
        Ok(stmt) => stmt,
        Err(e) if e.to_string().contains("no such table") => return HashSet::new(),
        Err(e) => panic!("{}: {e}", db.display()),
    };
    stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
}

fn pairs(topics: &[&str], why: &str) -> HashSet<(String, String)> {
    topics
        .iter()
        .map(|t| (t.to_string(), why.to_string()))
        .collect()
}

/// Waits until the database has recorded exactly `wanted` (recording runs
/// in the background); fails with what it has after a generous bound.
async fn until_seen(db: &Path, wanted: &HashSet<(String, String)>) {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let found = seen(db);
        if &found == wanted {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "recorded {found:?}, expected {wanted:?}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// Waits until the database has recorded at least `wanted`.
async fn until_includes(db: &Path, wanted: &HashSet<(String, String)>) {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let found = seen(db);
        if found.is_superset(wanted) {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "recorded {found:?}, expected at least {wanted:?}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

fn temp_db() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("practice.sqlite3");
    (dir, db)
}

const CHOICE: &str = "asyncio-gather#first-failure";

/// The right option's index among those `next` showed.
fn right_option(card: &Value) -> usize {
    let guide = load_builtin().guide;
    let topic = guide.get("asyncio-gather").unwrap();
    let c = topic
        .cards
        .iter()
        .find(|c| c.id == "first-failure")
        .unwrap();
    let CardKind::Choice { answer, .. } = &c.kind else {
        panic!("first-failure is a choice card");
    };
    card["options"]
        .as_array()
        .unwrap()
        .iter()
        .position(|o| o == answer)
        .expect("the right option is offered")
}

#[tokio::test]
async fn next_then_answer_then_status_counts_one_card_less_due() {
    let (_dir, db) = temp_db();
    // A card reviewed a year ago, through the library as the CLI would:
    // due now.
    {
        let store = Store::open(&db).unwrap();
        let year_ago = SystemTime::now() - Duration::from_secs(365 * 24 * 3600);
        practice::review(
            &store,
            &CardRef::parse(CHOICE).unwrap(),
            Grade::Good,
            year_ago,
        )
        .unwrap();
    }
    let mut h = ready(Database::At(db.clone()), Value::Null).await;
    let before = ok(&mut h.client, "pyguide/practice/status", json!({})).await;
    assert_eq!(before["enabled"], true, "{before}");
    assert_eq!(before["due"], 1, "{before}");
    let new = before["new"].as_u64().unwrap();
    let cards = practice::all_cards(&load_builtin().guide, &Default::default()).len();
    assert_eq!(
        new as usize,
        cards - 1,
        "every other card of the guide is new: {before}"
    );

    let next = ok(
        &mut h.client,
        "pyguide/practice/next",
        json!({"topic": "asyncio-gather"}),
    )
    .await;
    assert_eq!(next["enabled"], true);
    assert_eq!(next["due"], 1);
    let card = &next["card"];
    assert_eq!(card["id"], CHOICE, "the due card comes first: {next}");
    assert_eq!(card["topic"], "asyncio-gather");
    assert_eq!(card["module"], "asyncio");
    assert_eq!(card["kind"], "choice");
    assert!(card["topicTitle"].as_str().unwrap().contains("gather"));
    assert!(!card["prompt"].as_str().unwrap().is_empty());
    let options = card["options"].as_array().unwrap();
    assert!((3..=5).contains(&options.len()), "{card}");
    for secret in ["answer", "why", "wrong", "expected", "keyPoints"] {
        assert!(
            card.get(secret).is_none(),
            "the card gives away `{secret}`: {card}"
        );
    }

    let right = right_option(card);
    let answer = ok(
        &mut h.client,
        "pyguide/practice/answer",
        json!({"id": CHOICE, "answer": right}),
    )
    .await;
    assert_eq!(answer["correct"], true, "{answer}");
    assert_eq!(answer["grade"], "good");
    assert_eq!(answer["expected"], options[right]);
    assert!(!answer["explanation"].as_str().unwrap().is_empty());
    assert_eq!(answer["enabled"], true);
    assert_eq!(answer["due"], 0, "{answer}");
    let next_due = chrono::DateTime::parse_from_rfc3339(answer["nextDue"].as_str().unwrap())
        .expect("nextDue is RFC 3339");
    assert!(next_due > chrono::Utc::now(), "{answer}");

    let after = ok(&mut h.client, "pyguide/practice/status", json!({})).await;
    assert_eq!(after, json!({"due": 0, "new": new, "enabled": true}));

    // Not due any more: the next card of the topic is a new one.
    let next = ok(
        &mut h.client,
        "pyguide/practice/next",
        json!({"topic": "asyncio-gather"}),
    )
    .await;
    assert_ne!(next["card"]["id"], CHOICE, "{next}");
    assert_eq!(next["card"]["topic"], "asyncio-gather", "{next}");

    // The review is in the database, for the CLI too.
    let store = Store::open(&db).unwrap();
    assert_eq!(
        store
            .review_count(&CardRef::parse(CHOICE).unwrap())
            .unwrap(),
        2
    );
}

#[tokio::test]
async fn a_wrong_pick_is_again_and_a_grade_overrides_the_suggestion() {
    let (_dir, db) = temp_db();
    let mut h = ready(Database::At(db), Value::Null).await;
    let next = ok(
        &mut h.client,
        "pyguide/practice/next",
        json!({"topic": "asyncio-gather"}),
    )
    .await;
    assert_eq!(
        next["card"]["id"], CHOICE,
        "new cards in guide order: {next}"
    );
    let wrong =
        (right_option(&next["card"]) + 1) % next["card"]["options"].as_array().unwrap().len();
    let answer = ok(
        &mut h.client,
        "pyguide/practice/answer",
        json!({"id": CHOICE, "answer": wrong}),
    )
    .await;
    assert_eq!(answer["correct"], false, "{answer}");
    assert_eq!(answer["grade"], "again");
    assert!(
        answer["explanation"].as_str().unwrap().starts_with("Not “"),
        "says why the pick is wrong: {answer}"
    );
    let overridden = ok(
        &mut h.client,
        "pyguide/practice/answer",
        json!({"id": CHOICE, "answer": wrong, "grade": "hard"}),
    )
    .await;
    assert_eq!(overridden["correct"], false);
    assert_eq!(overridden["grade"], "hard");
}

#[tokio::test]
async fn a_question_card_shows_its_key_points_and_is_graded_by_the_user() {
    let (_dir, db) = temp_db();
    let mut h = ready(Database::At(db), Value::Null).await;
    let guide = load_builtin().guide;
    let topic = guide.get("asyncio-gather").unwrap();
    // The question comes after the topic's gradable cards: answer them first.
    let mut card = Value::Null;
    for _ in 0..=topic.cards.len() {
        let next = ok(
            &mut h.client,
            "pyguide/practice/next",
            json!({"topic": "asyncio-gather"}),
        )
        .await;
        card = next["card"].clone();
        if card["kind"] == "question" {
            break;
        }
        let id = card["id"].as_str().unwrap();
        let answer = match card["kind"].as_str().unwrap() {
            "choice" => json!(0),
            "spot" => json!(1),
            _ => json!("an output"),
        };
        ok(
            &mut h.client,
            "pyguide/practice/answer",
            json!({"id": id, "answer": answer, "grade": "good"}),
        )
        .await;
    }
    assert_eq!(card["id"], "asyncio-gather#question", "{card}");
    assert_eq!(card["prompt"], topic.question);
    assert_eq!(card["keyPoints"], json!(topic.key_points));

    let answer = ok(
        &mut h.client,
        "pyguide/practice/answer",
        json!({"id": "asyncio-gather#question", "grade": "easy"}),
    )
    .await;
    assert_eq!(answer["correct"], Value::Null, "{answer}");
    assert_eq!(answer["grade"], "easy");
    assert!(
        answer["expected"]
            .as_str()
            .unwrap()
            .contains(&topic.key_points[0])
    );
}

#[tokio::test]
async fn malformed_practice_requests_get_invalid_params_naming_the_problem() {
    let (_dir, db) = temp_db();
    let mut h = ready(Database::At(db), Value::Null).await;
    let cases = [
        (
            "pyguide/practice/next",
            json!({"topic": "no-such-topic"}),
            "no-such-topic",
        ),
        ("pyguide/practice/next", json!({"module": "cobol"}), "cobol"),
        (
            "pyguide/practice/answer",
            json!({"id": "nohash", "answer": 1}),
            "nohash",
        ),
        (
            "pyguide/practice/answer",
            json!({"id": "asyncio-gather#nope", "answer": 1}),
            "asyncio-gather#nope",
        ),
        (
            "pyguide/practice/answer",
            json!({"id": CHOICE, "answer": "b"}),
            "option",
        ),
        (
            "pyguide/practice/answer",
            json!({"id": CHOICE, "answer": 99}),
            "does not exist",
        ),
        (
            "pyguide/practice/answer",
            json!({"id": CHOICE, "answer": 0, "grade": "great"}),
            "great",
        ),
        (
            "pyguide/practice/answer",
            json!({"id": "asyncio-gather#question", "answer": 1}),
            "grade",
        ),
        (
            "pyguide/practice/answer",
            json!({"id": "asyncio-gather#question"}),
            "grade",
        ),
    ];
    for (method, params, names) in cases {
        let response = h.client.request(method, params.clone()).await;
        assert_eq!(
            response["error"]["code"], -32602,
            "{method} {params}: {response}"
        );
        let message = response["error"]["message"].as_str().unwrap();
        assert!(message.contains(names), "{method} {params}: {message}");
    }
    // Nothing was recorded by the refused answers.
    let status = ok(&mut h.client, "pyguide/practice/status", json!({})).await;
    assert_eq!(status["due"], 0, "{status}");
}

#[tokio::test]
async fn with_practice_on_the_server_records_hovers_topics_opened_and_code() {
    let (_dir, db) = temp_db();
    let mut h = ready(Database::At(db.clone()), Value::Null).await;
    // A hover on a rule code in pyproject.toml (a document never analysed as
    // Python, so only the hover can record): PG206's topic.
    assert_eq!(
        open(&mut h.client, TOML_URI, "toml", TOML).await,
        Vec::<Value>::new()
    );
    let hover = hover_at(&mut h.client, TOML_URI, TOML, "PG206").await;
    assert!(!hover.is_null());
    let pg206 = pyguide::detect::RULES
        .iter()
        .find(|r| r.code == "PG206")
        .unwrap()
        .topic;
    let mut wanted = pairs(&[pg206], "hover");
    until_seen(&db, &wanted).await;
    // A topic opened (the editors' Explain: `pyguide/topic`).
    ok(
        &mut h.client,
        "pyguide/topic",
        json!({"id": "is-vs-equality"}),
    )
    .await;
    wanted.extend(pairs(&["is-vs-equality"], "explain"));
    until_seen(&db, &wanted).await;
    // The server's own Explain command.
    ok(
        &mut h.client,
        "workspace/executeCommand",
        json!({"command": "pyguide.openTopic", "arguments": ["mro-c3-linearization"]}),
    )
    .await;
    wanted.extend(pairs(&["mro-c3-linearization"], "explain"));
    until_seen(&db, &wanted).await;
    // The topics of a Python file's findings, hints included, once each
    // however often the file is analysed.
    let topics: Vec<&str> = sample_topics().into_iter().collect();
    assert!(topics.len() >= 3, "{topics:?}");
    open(&mut h.client, PY_URI, "python", SAMPLE).await;
    wanted.extend(pairs(&topics, "code"));
    until_seen(&db, &wanted).await;
    let counts = |db: &Path| -> Vec<i64> {
        let conn = rusqlite::Connection::open(db).unwrap();
        let mut stmt = conn
            .prepare("SELECT count FROM seen WHERE why = 'code' ORDER BY topic")
            .unwrap();
        stmt.query_map([], |r| r.get(0))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap()
    };
    let before = counts(&db);
    h.client
        .notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": PY_URI, "version": 2}, "contentChanges": [{"text": format!("{SAMPLE}\n")}]}),
        )
        .await;
    h.client.diagnostics(PY_URI, 2).await;
    // A request after the edit's recording would have been spawned.
    ok(&mut h.client, "pyguide/practice/status", json!({})).await;
    assert_eq!(counts(&db), before, "an edit records no topic twice");
}

#[tokio::test]
async fn with_practice_off_nothing_is_recorded_and_the_requests_say_disabled() {
    let (_dir, db) = temp_db();
    let mut h = ready(Database::At(db.clone()), json!({"practice": false})).await;
    let diagnostics = open(&mut h.client, PY_URI, "python", SAMPLE).await;
    assert!(!diagnostics.is_empty(), "diagnostics as ever");
    let hover = hover_at(&mut h.client, PY_URI, SAMPLE, "gather").await;
    assert!(
        hover["contents"]["value"]
            .as_str()
            .unwrap()
            .contains("gather")
    );
    ok(
        &mut h.client,
        "pyguide/topic",
        json!({"id": "asyncio-gather"}),
    )
    .await;

    let next = ok(&mut h.client, "pyguide/practice/next", json!({})).await;
    assert_eq!(
        next,
        json!({"card": null, "due": 0, "new": 0, "enabled": false})
    );
    let status = ok(&mut h.client, "pyguide/practice/status", json!({})).await;
    assert_eq!(status, json!({"due": 0, "new": 0, "enabled": false}));
    let answer = ok(
        &mut h.client,
        "pyguide/practice/answer",
        json!({"id": "asyncio-gather#question", "grade": "good"}),
    )
    .await;
    assert_eq!(answer["enabled"], false, "{answer}");
    assert!(
        !db.exists(),
        "practice off: the database is never even created"
    );

    // Turned on without a restart: requests answer, and what the user meets
    // from now on is recorded.
    h.client
        .notify(
            "workspace/didChangeConfiguration",
            json!({"settings": {"pyguide": {"practice": true}}}),
        )
        .await;
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let status = ok(&mut h.client, "pyguide/practice/status", json!({})).await;
        if status["enabled"] == true {
            break;
        }
        assert!(Instant::now() < deadline, "practice stayed off: {status}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    // Settings changed: the open file's diagnostics are published again,
    // and now its topics are recorded; so is a hover.
    hover_at(&mut h.client, PY_URI, SAMPLE, "gather").await;
    let topics: Vec<&str> = sample_topics().into_iter().collect();
    let mut wanted = pairs(&topics, "code");
    wanted.extend(pairs(&["asyncio-gather"], "hover"));
    until_includes(&db, &wanted).await;
    assert!(
        seen(&db).iter().all(|(_, why)| why != "explain"),
        "the topic opened while off was not recorded"
    );
    assert_eq!(
        store_reviews(&db),
        0,
        "the answer sent while off was not recorded"
    );
}

fn store_reviews(db: &Path) -> usize {
    let store = Store::open(db).unwrap();
    practice::status(&store, &load_builtin().guide, SystemTime::now())
        .unwrap()
        .reviews
}

#[tokio::test]
async fn a_corrupt_database_turns_practice_off_and_hover_and_diagnostics_still_work() {
    let (_dir, db) = temp_db();
    std::fs::write(
        &db,
        "this is not a SQLite database, just text\n".repeat(200),
    )
    .unwrap();
    let mut h = ready(Database::At(db.clone()), Value::Null).await;
    let diagnostics = open(&mut h.client, PY_URI, "python", SAMPLE).await;
    assert!(!diagnostics.is_empty());
    let hover = hover_at(&mut h.client, PY_URI, SAMPLE, "gather").await;
    assert!(
        hover["contents"]["value"]
            .as_str()
            .unwrap()
            .contains("gather")
    );
    for _ in 0..3 {
        let status = ok(&mut h.client, "pyguide/practice/status", json!({})).await;
        assert_eq!(status["enabled"], false, "{status}");
    }
    let next = ok(&mut h.client, "pyguide/practice/next", json!({})).await;
    assert_eq!(next["card"], Value::Null);
    assert_eq!(next["enabled"], false);
    // Still serving after the failure.
    let hover = hover_at(&mut h.client, PY_URI, SAMPLE, "gather").await;
    assert!(!hover.is_null());
    assert!(
        std::fs::read_to_string(&db)
            .unwrap()
            .starts_with("this is not"),
        "the user's file is left as it was"
    );
}

#[tokio::test]
async fn a_locked_database_turns_practice_off_while_hover_answers() {
    let (_dir, db) = temp_db();
    Store::open(&db).unwrap();
    // Another program holds the write lock, as a long import would.
    let other = rusqlite::Connection::open(&db).unwrap();
    other.execute_batch("BEGIN EXCLUSIVE;").unwrap();
    let mut h = ready(Database::At(db.clone()), Value::Null).await;
    // Answering waits for the lock (the store's busy timeout) on a blocking
    // thread; meanwhile hovers and diagnostics are served.
    let answering = h
        .client
        .start_request(
            "pyguide/practice/answer",
            json!({"id": "asyncio-gather#question", "grade": "good"}),
        )
        .await;
    let diagnostics = open(&mut h.client, PY_URI, "python", SAMPLE).await;
    assert!(!diagnostics.is_empty());
    let hover = hover_at(&mut h.client, PY_URI, SAMPLE, "gather").await;
    assert!(!hover.is_null());
    let answer = h.client.response(answering).await;
    assert_eq!(answer["result"]["enabled"], false, "{answer}");
    let status = ok(&mut h.client, "pyguide/practice/status", json!({})).await;
    assert_eq!(status["enabled"], false, "off for the session");
    other.execute_batch("ROLLBACK;").unwrap();
}

/// A server with no database configured (what in-process servers get by
/// default) answers practice requests as disabled.
#[tokio::test]
async fn without_a_database_practice_is_disabled() {
    let mut h = ready(Database::None, Value::Null).await;
    let status = ok(&mut h.client, "pyguide/practice/status", json!({})).await;
    assert_eq!(status, json!({"due": 0, "new": 0, "enabled": false}));
}

/// The binary over stdio: a corrupt database is one warning on stderr,
/// however many requests meet it.
#[tokio::test]
async fn a_corrupt_database_is_one_logged_warning() {
    let data = tempfile::tempdir().unwrap();
    std::fs::write(
        data.path().join("practice.sqlite3"),
        "garbage\n".repeat(100),
    )
    .unwrap();
    let mut child = tokio::process::Command::new(env!("CARGO_BIN_EXE_pyguide"))
        .arg("serve")
        .env("PYGUIDE_DATA_DIR", data.path())
        .env("PYGUIDE_CACHE_DIR", data.path())
        .env_remove("PYGUIDE_LOG")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let stdin = child.stdin.take().unwrap();
    let mut client = Client::new(stdout, stdin);
    client
        .call("initialize", init_params(&[], None, Value::Null))
        .await;
    client.notify("initialized", json!({})).await;
    client
        .notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": PY_URI, "languageId": "python", "version": 1, "text": SAMPLE}}),
        )
        .await;
    client.diagnostics(PY_URI, 1).await;
    for method in [
        "pyguide/practice/status",
        "pyguide/practice/next",
        "pyguide/practice/status",
    ] {
        let r = client.request(method, json!({})).await;
        assert_eq!(r["result"]["enabled"], false, "{r}");
    }
    client.request("shutdown", Value::Null).await;
    client.notify("exit", Value::Null).await;
    let output = child.wait_with_output().await.unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    let warnings: Vec<&str> = stderr
        .lines()
        .filter(|l| l.contains("practice is off"))
        .collect();
    assert_eq!(warnings.len(), 1, "{stderr}");
    assert!(
        warnings[0].contains("practice.sqlite3"),
        "names the file: {}",
        warnings[0]
    );
}
