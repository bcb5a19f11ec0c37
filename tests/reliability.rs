//! The attacks of the reliability issue (F1–F13), each replayed against the
//! server (in-process over a pipe, or the binary over stdio) or the CLI.
//! Nothing here measures time: a test that would hang is stopped by the
//! client's generous timeout (`support::TIMEOUT`), and analysis cost is
//! bounded by the analyser's own work counter (nodes visited plus
//! ancestor steps), which does not depend on the machine.

mod support;

use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::{Arc, Condvar, Mutex};

use pyguide::python::Document;
use pyguide::server::FaultHook;
use serde_json::{Value, json};
use support::{Harness, Pipe, file_uri, init_params, start, work_per_node};

async fn ready(root: Option<&str>, fault: Option<FaultHook>) -> Harness {
    let mut h = start(Vec::new(), fault);
    h.client
        .call("initialize", init_params(&["utf-16"], root, Value::Null))
        .await;
    h.client.notify("initialized", json!({})).await;
    h
}

async fn open(client: &mut Pipe, uri: &str, text: &str) {
    client
        .notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": uri, "languageId": "python", "version": 1, "text": text}}),
        )
        .await;
}

async fn hover(client: &mut Pipe, uri: &str, line: u32, character: u32) -> Value {
    client
        .call(
            "textDocument/hover",
            json!({"textDocument": {"uri": uri}, "position": {"line": line, "character": character}}),
        )
        .await
}

async fn shut_down(mut h: Harness) {
    h.client.call("shutdown", Value::Null).await;
    h.client.notify("exit", Value::Null).await;
    assert!(
        h.server.await.unwrap(),
        "exit after shutdown is a clean exit"
    );
}

fn mkfifo(path: &Path) {
    let status = Command::new("mkfifo").arg(path).status().unwrap();
    assert!(status.success(), "mkfifo {}", path.display());
}

const SMALL: &str = "def check(value):\n    if value == None:\n        return 0\n";

/// F1: a FIFO named pyproject.toml in the workspace root: `initialize`
/// answers, and the problem names the file.
#[tokio::test]
async fn f1_a_fifo_pyproject_does_not_block_initialize() {
    let root = tempfile::tempdir().unwrap();
    mkfifo(&root.path().join("pyproject.toml"));
    let mut h = start(Vec::new(), None);
    let uri = file_uri(root.path());
    h.client
        .call(
            "initialize",
            init_params(&["utf-16"], Some(&uri), Value::Null),
        )
        .await;
    h.client.notify("initialized", json!({})).await;
    let warning = h
        .client
        .wait_for(|m| m["method"] == "window/showMessage")
        .await;
    let text = warning["params"]["message"].as_str().unwrap();
    assert!(
        text.contains("pyproject.toml: not a regular file (a named pipe)"),
        "{text}"
    );
    open(&mut h.client, "file:///w/a.py", SMALL).await;
    assert_eq!(h.client.diagnostics("file:///w/a.py", 1).await.len(), 1);
    shut_down(h).await;
}

/// F2: a guide folder holding a FIFO `*.md`: the server's requests answer,
/// and `pyguide --guide DIR search` returns, naming the FIFO.
#[tokio::test]
async fn f2_a_fifo_topic_file_does_not_block_the_guide() {
    let guide = tempfile::tempdir().unwrap();
    mkfifo(&guide.path().join("blocked.md"));
    let mut h = start(vec![guide.path().to_path_buf()], None);
    h.client
        .call("initialize", init_params(&["utf-16"], None, Value::Null))
        .await;
    h.client.notify("initialized", json!({})).await;
    let symbols = h
        .client
        .call("workspace/symbol", json!({"query": "gather"}))
        .await;
    assert!(!symbols.as_array().unwrap().is_empty(), "{symbols}");
    let warning = h
        .client
        .wait_for(|m| m["method"] == "window/showMessage")
        .await;
    let text = warning["params"]["message"].as_str().unwrap();
    assert!(
        text.contains("blocked.md") && text.contains("named pipe"),
        "{text}"
    );
    shut_down(h).await;

    let out = tokio::time::timeout(
        support::TIMEOUT,
        tokio::process::Command::new(env!("CARGO_BIN_EXE_pyguide"))
            .arg("--guide")
            .arg(guide.path())
            .args(["search", "gather"])
            .env("PYGUIDE_CACHE_DIR", guide.path().join("cache"))
            .stdin(Stdio::null())
            .output(),
    )
    .await
    .expect("`pyguide --guide DIR search` returned")
    .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("blocked.md"), "{stderr}");
    assert!(String::from_utf8_lossy(&out.stdout).contains("gather"));
}

/// Work per node stays within `bound` and does not grow from `small` to
/// `large` (10× the size).
fn assert_linear(shape: &str, make: impl Fn(usize) -> String, small: usize, bound: f64) {
    let (a, nodes_a) = work_per_node(&make(small));
    let (b, nodes_b) = work_per_node(&make(small * 10));
    assert!(nodes_b > 5 * nodes_a, "{shape}: the input grew");
    assert!(
        a <= bound && b <= bound,
        "{shape}: {a:.2} and {b:.2} work a node"
    );
    assert!(
        b <= a * 1.25 + 0.5,
        "{shape}: work a node grew from {a:.2} to {b:.2}"
    );
}

/// F3: `y = x == 1 or x == 1 or …` costs the same work a node at 300 and
/// 3,000 terms (it was ~n³).
#[test]
fn f3_long_or_chains_are_linear() {
    let chain = |n: usize| format!("y = {}\n", vec!["x == 1"; n].join(" or "));
    assert_linear("or chain", chain, 300, 4.0);
    let none = |n: usize| format!("y = {}\n", vec!["x == None"; n].join(" and "));
    assert_linear("== None chain", none, 300, 4.0);
    let call = |n: usize| format!("f({})\n", vec!["x == True"; n].join(" or "));
    assert_linear("chain in a call", call, 300, 4.0);
}

/// F3b: deep nesting (lambdas, if/for blocks, parentheses) is linear in
/// its depth (it was ~n²), and deep enough input does not overflow a stack.
#[test]
fn f3b_deep_nesting_is_linear() {
    let lambdas = |n: usize| format!("f = {}0\n", "lambda: ".repeat(n));
    assert_linear("nested lambdas", lambdas, 300, 4.0);
    let blocks = |n: usize| {
        let mut s = String::new();
        for i in 0..n {
            let kw = if i % 2 == 0 { "if x:" } else { "for x in y:" };
            s.push_str(&format!("{}{kw}\n", " ".repeat(i)));
        }
        s.push_str(&format!("{}z == None\n", " ".repeat(n)));
        s
    };
    assert_linear("nested if/for", blocks, 100, 6.0);
    let parens = |n: usize| format!("y = {}x == None{}\n", "(".repeat(n), ")".repeat(n));
    assert_linear("nested parentheses", parens, 300, 4.0);
    let defs = |n: usize| {
        let mut s = String::new();
        for i in 0..n {
            s.push_str(&format!("{}async def f{i}():\n", " ".repeat(i)));
        }
        s.push_str(&format!("{}time.sleep(1)\n", " ".repeat(n)));
        s
    };
    assert_linear("nested async defs", defs, 100, 6.0);
    // Depth 20,000 on a test thread's stack: nothing recurses per level.
    let deep = Document::parse(lambdas(20_000));
    pyguide::detect::analyze(&deep);
}

/// A hook that holds every analysis of `uri` until released.
#[derive(Default)]
struct Gate {
    open: Mutex<bool>,
    changed: Condvar,
    held: Mutex<usize>,
}

impl Gate {
    fn hook(self: &Arc<Self>, uri: &'static str) -> FaultHook {
        let gate = self.clone();
        Arc::new(move |name: &str| {
            if name == format!("analysis {uri}") {
                *gate.held.lock().unwrap() += 1;
                let mut open = gate.open.lock().unwrap();
                while !*open {
                    open = gate.changed.wait(open).unwrap();
                }
            }
        })
    }

    /// Holds every parse of `uri` but the first (the didOpen's).
    fn hold_parses_after_the_first(self: &Arc<Self>, uri: &'static str) -> FaultHook {
        let gate = self.clone();
        let parses = Mutex::new(0);
        Arc::new(move |name: &str| {
            if name == format!("parse {uri}") {
                let mut n = parses.lock().unwrap();
                *n += 1;
                if *n == 1 {
                    return;
                }
                drop(n);
                *gate.held.lock().unwrap() += 1;
                let mut open = gate.open.lock().unwrap();
                while !*open {
                    open = gate.changed.wait(open).unwrap();
                }
            }
        })
    }

    fn release(&self) {
        *self.open.lock().unwrap() = true;
        self.changed.notify_all();
    }

    fn holding(&self) -> bool {
        *self.held.lock().unwrap() > 0
    }
}

const HEAVY: &str = "file:///w/heavy.py";

/// F4: while one document's analysis runs (held by the hook, as long as
/// the test likes), another document is edited, hovered and gets its
/// diagnostics.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn f4_a_heavy_document_never_stalls_another() {
    let gate = Arc::new(Gate::default());
    let mut h = ready(None, Some(gate.hook(HEAVY))).await;
    open(&mut h.client, HEAVY, SMALL).await;
    while !gate.holding() {
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    }
    let small = "file:///w/small.py";
    open(&mut h.client, small, SMALL).await;
    assert_eq!(h.client.diagnostics(small, 1).await.len(), 1);
    h.client
        .notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": small, "version": 2}, "contentChanges": [
                {"range": {"start": {"line": 0, "character": 4}, "end": {"line": 0, "character": 9}}, "text": "test"}
            ]}),
        )
        .await;
    assert_eq!(h.client.diagnostics(small, 2).await.len(), 1);
    let hovered = hover(&mut h.client, small, 1, 14).await;
    assert!(
        hovered["contents"]["value"]
            .as_str()
            .unwrap()
            .contains("PG402")
    );
    // Held all along: the heavy document has no diagnostics yet.
    assert!(!h.client.seen.iter().any(|m| m["params"]["uri"] == HEAVY));
    gate.release();
    assert_eq!(h.client.diagnostics(HEAVY, 1).await.len(), 1);
    shut_down(h).await;
}

/// Types `s` after `check` on line 0 (version 2) and waits until `gate`
/// holds the worker's parse of that edit.
async fn check_to_checks_while_parse_held(client: &mut Pipe, gate: &Gate, uri: &str) {
    client
        .notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": uri, "version": 2}, "contentChanges": [
                {"range": {"start": {"line": 0, "character": 9}, "end": {"line": 0, "character": 9}}, "text": "s"}
            ]}),
        )
        .await;
    while !gate.holding() {
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    }
}

/// A hover right after an edit is answered while the worker still parses
/// that edit (the parse is held by the hook, from the second one on): from
/// the text and the last analysed findings, moved past the edit.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hover_after_an_edit_never_waits_for_its_parse() {
    const URI: &str = "file:///w/edited.py";
    let gate = Arc::new(Gate::default());
    let hook = gate.hold_parses_after_the_first(URI);
    let mut h = ready(None, Some(hook)).await;
    open(&mut h.client, URI, SMALL).await;
    assert_eq!(h.client.diagnostics(URI, 1).await.len(), 1);
    // The finding on line 1 is untouched by the edit.
    check_to_checks_while_parse_held(&mut h.client, &gate, URI).await;
    let hovered = hover(&mut h.client, URI, 1, 14).await;
    assert!(
        hovered["contents"]["value"]
            .as_str()
            .is_some_and(|v| v.contains("PG402")),
        "{hovered}"
    );
    assert!(gate.holding(), "the parse was held all along");
    assert!(!h.client.seen.iter().any(|m| m["params"]["version"] == 2));
    gate.release();
    assert_eq!(h.client.diagnostics(URI, 2).await.len(), 1);
    shut_down(h).await;
}

/// The same for a hover on an import, which is read from the tree, not
/// from the findings: while the worker parses the edit, it is read from
/// the last analysed version's tree, the edit being elsewhere, and is the
/// hover the same place gave before the edit.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hover_on_an_import_after_an_edit_elsewhere_never_waits_for_its_parse() {
    const URI: &str = "file:///w/imports.py";
    const TEXT: &str = "def check(value):\n    return value\nimport asyncio\n";
    let gate = Arc::new(Gate::default());
    let hook = gate.hold_parses_after_the_first(URI);
    let mut h = ready(None, Some(hook)).await;
    open(&mut h.client, URI, TEXT).await;
    h.client.diagnostics(URI, 1).await;
    let before = hover(&mut h.client, URI, 2, 9).await;
    assert!(
        before["contents"]["value"]
            .as_str()
            .is_some_and(|v| v.contains("asyncio")),
        "{before}"
    );
    check_to_checks_while_parse_held(&mut h.client, &gate, URI).await;
    let after = hover(&mut h.client, URI, 2, 9).await;
    assert_eq!(after, before);
    assert!(gate.holding(), "the parse was held all along");
    gate.release();
    h.client.diagnostics(URI, 2).await;
}

/// F5: with 100 hovers pending on a document whose analysis is held, the
/// server still reads: each `$/cancelRequest` is answered at once, then
/// `workspace/symbol`; watched-file events on a FIFO are skipped.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn f5_pending_requests_never_stop_the_reader() {
    let root = tempfile::tempdir().unwrap();
    let fifo = root.path().join("models.py");
    mkfifo(&fifo);
    let gate = Arc::new(Gate::default());
    let mut h = ready(None, Some(gate.hook(HEAVY))).await;
    open(&mut h.client, HEAVY, SMALL).await;
    while !gate.holding() {
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    }
    let params = json!({"textDocument": {"uri": HEAVY}, "position": {"line": 1, "character": 14}});
    let mut ids = Vec::new();
    for _ in 0..100 {
        ids.push(
            h.client
                .start_request("textDocument/hover", params.clone())
                .await,
        );
    }
    for _ in 0..64 {
        h.client
            .notify(
                "workspace/didChangeWatchedFiles",
                json!({"changes": [{"uri": file_uri(&fifo), "type": 2}]}),
            )
            .await;
    }
    for id in &ids {
        h.client.notify("$/cancelRequest", json!({"id": id})).await;
    }
    for id in &ids {
        let response = h.client.response(*id).await;
        assert_eq!(response["error"]["code"], -32800, "{response}");
    }
    let symbols = h
        .client
        .call("workspace/symbol", json!({"query": "slots"}))
        .await;
    assert!(!symbols.as_array().unwrap().is_empty());
    gate.release();
    assert_eq!(h.client.diagnostics(HEAVY, 1).await.len(), 1);
    shut_down(h).await;
}

/// F6: files that are links to /dev/zero (pyproject.toml, a watched
/// Python file, a guide topic) are refused, not read.
#[tokio::test]
async fn f6_links_to_dev_zero_are_not_read() {
    let root = tempfile::tempdir().unwrap();
    std::os::unix::fs::symlink("/dev/zero", root.path().join("pyproject.toml")).unwrap();
    std::os::unix::fs::symlink("/dev/zero", root.path().join("x.py")).unwrap();
    let guide = root.path().join("guide");
    std::fs::create_dir(&guide).unwrap();
    std::os::unix::fs::symlink("/dev/zero", guide.join("topic.md")).unwrap();
    let mut h = start(vec![guide.clone()], None);
    let uri = file_uri(root.path());
    h.client
        .call(
            "initialize",
            init_params(&["utf-16"], Some(&uri), Value::Null),
        )
        .await;
    h.client.notify("initialized", json!({})).await;
    h.client
        .notify(
            "workspace/didChangeWatchedFiles",
            json!({"changes": [{"uri": file_uri(&root.path().join("x.py")), "type": 2}]}),
        )
        .await;
    let mut messages = Vec::new();
    while messages.len() < 2 {
        let m = h
            .client
            .wait_for(|m| m["method"] == "window/showMessage")
            .await;
        messages.push(m["params"]["message"].as_str().unwrap().to_string());
    }
    let all = messages.join("\n");
    assert!(
        all.contains("pyproject.toml: not a regular file (a character device)"),
        "{all}"
    );
    assert!(
        all.contains("topic.md") && all.contains("character device"),
        "{all}"
    );
    let symbols = h
        .client
        .call("workspace/symbol", json!({"query": "slots"}))
        .await;
    assert!(!symbols.as_array().unwrap().is_empty());
    shut_down(h).await;
}

/// F7: a lone `\r` is a line break for positions (LSP 3.17): findings are
/// where the editor shows them, and edits apply where the editor made them.
#[tokio::test]
async fn f7_lone_carriage_returns_are_line_breaks() {
    let mut h = ready(None, None).await;
    let uri = "file:///w/cr.py";
    // A lone `\r` inside a comment: Python's tokenizer and tree-sitter keep
    // it in the comment, the editor breaks the line there.
    let text = "import time  # a\rb\nasync def f():\r\n    time.sleep(1)\n";
    open(&mut h.client, uri, text).await;
    let d = h.client.diagnostics(uri, 1).await;
    assert_eq!(d.len(), 1, "{d:?}");
    assert_eq!(d[0]["range"]["start"], json!({"line": 3, "character": 4}));
    // Insert a line above the call: it moves down one line.
    h.client
        .notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": uri, "version": 2}, "contentChanges": [
                {"range": {"start": {"line": 3, "character": 0}, "end": {"line": 3, "character": 0}}, "text": "    x = 1\n"}
            ]}),
        )
        .await;
    let d = h.client.diagnostics(uri, 2).await;
    assert_eq!(d.len(), 1, "{d:?}");
    assert_eq!(d[0]["range"]["start"], json!({"line": 4, "character": 4}));
    assert_eq!(d[0]["range"]["end"], json!({"line": 4, "character": 17}));
    shut_down(h).await;
}

/// Every event of `markdown` rendered by CommonMark that is a link, an
/// image or HTML.
fn live_markup(markdown: &str) -> Vec<String> {
    use pulldown_cmark::{Event, Parser, Tag};
    Parser::new(markdown)
        .filter_map(|e| match e {
            Event::Start(Tag::Link { dest_url, .. }) => Some(format!("link {dest_url}")),
            Event::Start(Tag::Image { dest_url, .. }) => Some(format!("image {dest_url}")),
            Event::Html(h) | Event::InlineHtml(h) => Some(format!("html {h}")),
            _ => None,
        })
        .collect()
}

/// Hostile text in every place a message quotes: string literals, default
/// values, bases, decorators, settings and more.
const HOSTILE: &[&str] = &[
    "`[Click](command:pyguide.search?x)`",
    "` ![img](https://evil.example/i.png) `",
    "``<img src=x onerror=alert(1)>``",
    "`<https://evil.example>`",
    "x`\n\n[a](b)\n",
];

fn hostile_sources(h: &str) -> Vec<String> {
    let s = format!("{h:?}");
    vec![
        format!("x is {s}\n"),
        format!("def f(a=[{s}]):\n    pass\n"),
        format!("class A(f({s}), B):\n    pass\n"),
        format!("@d[{s}]\ndef f():\n    pass\n"),
        format!(
            "import logging\nlog = logging.getLogger()\ntry:\n    pass\nexcept E:\n    g({s}).error('x')\n"
        ),
        format!("if k in g({s}).keys():\n    pass\n"),
        format!("PASSWORD_HASHERS = [{s}]\n"),
        format!("MIDDLEWARE = ['django.middleware.security.SecurityMiddleware', {s}]\n"),
        format!("class S:\n    __slots__ = ({s},)\n"),
        format!(
            "import asyncio\nasync def f():\n    await asyncio.gather(a, return_exceptions=g({s}))\n"
        ),
        format!(
            "import functools\nclass C:\n    @functools.lru_cache(maxsize=g({s}))\n    def m(self):\n        pass\n"
        ),
        format!("try:\n    pass\nexcept* g({s}) as e:\n    pass\n"),
    ]
}

/// F8: no link, image or HTML from the user's text survives in a message,
/// through every rule that quotes user code, with hints on; and a hover
/// through the server.
#[tokio::test]
async fn f8_user_text_never_renders_as_markdown() {
    let mut quoted = 0;
    for h in HOSTILE {
        for source in hostile_sources(h) {
            let doc = Document::parse(source.as_str());
            for f in pyguide::detect::analyze(&doc) {
                let rendered = format!("- **{}** {}", f.code(), f.message);
                let live = live_markup(&rendered);
                assert!(live.is_empty(), "{source:?} → {rendered}: {live:?}");
                quoted += usize::from(f.message.contains("evil") || f.message.contains("Click"));
            }
        }
    }
    assert!(
        quoted >= 20,
        "the hostile text reached {quoted} messages only"
    );

    let mut h = ready(None, None).await;
    let uri = "file:///w/hostile.py";
    let text = format!("def f(a=[{:?}]):\n    pass\n", HOSTILE[0]);
    open(&mut h.client, uri, &text).await;
    h.client.diagnostics(uri, 1).await;
    let hovered = hover(&mut h.client, uri, 0, 7).await;
    let value = hovered["contents"]["value"].as_str().unwrap();
    assert!(value.contains("Click"), "{value}");
    let live: Vec<String> = live_markup(value)
        .into_iter()
        .filter(|l| {
            !l.starts_with("link command:pyguide.openTopic")
                && !l.contains("/topics/")
                && !l.starts_with("link https://docs.")
        })
        .collect();
    assert!(live.is_empty(), "{value}: {live:?}");
    shut_down(h).await;
}

/// F9: a didChange with a lone surrogate is applied (as U+FFFD), and later
/// edits apply to the right text.
#[tokio::test]
async fn f9_lone_surrogates_become_replacement_characters() {
    let mut h = ready(None, None).await;
    let uri = "file:///w/s.py";
    open(&mut h.client, uri, SMALL).await;
    h.client.diagnostics(uri, 1).await;
    let change = format!(
        r#"{{"jsonrpc":"2.0","method":"textDocument/didChange","params":{{"textDocument":{{"uri":"{uri}","version":2}},"contentChanges":[{{"range":{{"start":{{"line":0,"character":0}},"end":{{"line":0,"character":0}}}},"text":"s = '\ud83d'\n"}}]}}}}"#
    );
    h.client.send_raw(change.as_bytes()).await;
    let d = h.client.diagnostics(uri, 2).await;
    assert_eq!(d.len(), 1, "{d:?}");
    // The finding moved down one line: the edit was applied.
    assert_eq!(d[0]["range"]["start"]["line"], 2);
    // U+FFFD is one UTF-16 unit: an edit after it on line 0 lands right.
    h.client
        .notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": uri, "version": 3}, "contentChanges": [
                {"range": {"start": {"line": 0, "character": 7}, "end": {"line": 0, "character": 7}}, "text": "; t = 1 is 1"}
            ]}),
        )
        .await;
    let d = h.client.diagnostics(uri, 3).await;
    let codes: Vec<&str> = d.iter().map(|d| d["code"].as_str().unwrap()).collect();
    assert_eq!(codes, ["PG401", "PG402"], "{d:?}");
    shut_down(h).await;
}

/// F10: `shutdown` sent as a notification is ignored: requests keep their
/// answers, and a real shutdown then exit ends cleanly.
#[tokio::test]
async fn f10_shutdown_as_a_notification_is_ignored() {
    let mut h = ready(None, None).await;
    h.client.notify("shutdown", Value::Null).await;
    let symbols = h
        .client
        .call("workspace/symbol", json!({"query": "slots"}))
        .await;
    assert!(!symbols.as_array().unwrap().is_empty());
    open(&mut h.client, "file:///w/a.py", SMALL).await;
    assert_eq!(h.client.diagnostics("file:///w/a.py", 1).await.len(), 1);
    shut_down(h).await;
}

/// F11 and other protocol corners: `$/…` requests get -32601; JSON that
/// is not JSON-RPC gets -32600 with its id; invalid JSON -32700; error
/// messages quote a short excerpt at most.
#[tokio::test]
async fn f11_protocol_corners_get_the_specs_errors() {
    let mut h = ready(None, None).await;
    let r = h.client.request("$/foo", json!({})).await;
    assert_eq!(r["error"]["code"], -32601, "{r}");
    h.client
        .send_raw(br#"{"jsonrpc":"2.0","id":77,"method":12}"#)
        .await;
    let r = h.client.response(77).await;
    assert_eq!(r["error"]["code"], -32600, "{r}");
    h.client.send_raw(br#"{"id":"s","result":"#).await;
    let r = h.client.response_where(|r| r["id"].is_null()).await;
    assert_eq!(r["error"]["code"], -32700, "{r}");
    let long = "x".repeat(100_000);
    let r = h
        .client
        .request(
            "textDocument/hover",
            json!({"textDocument": {"uri": long}, "position": {"line": "a"}}),
        )
        .await;
    assert_eq!(r["error"]["code"], -32602, "{r}");
    let message = r["error"]["message"].as_str().unwrap();
    assert!(
        message.chars().count() <= 121,
        "{} characters",
        message.len()
    );
    // Still serving.
    open(&mut h.client, "file:///w/a.py", SMALL).await;
    assert_eq!(h.client.diagnostics("file:///w/a.py", 1).await.len(), 1);
    shut_down(h).await;
}

fn pyguide() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_pyguide"));
    c.env("NO_COLOR", "1");
    c
}

const BAD: &str = "def check(value):\n    return value == None\n";

/// F12: `check` on what the user named: a FIFO (as `<(cat bad.py)` gives),
/// `/dev/stdin`, `-` with `--stdin-filename`; a device it cannot read as
/// Python exits 2 naming it.
#[test]
fn f12_check_reads_named_pipes_and_stdin() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("bad.py");
    mkfifo(&fifo);
    let writer = {
        let fifo = fifo.clone();
        std::thread::spawn(move || std::fs::write(fifo, BAD).unwrap())
    };
    let out = pyguide().arg("check").arg(&fifo).output().unwrap();
    writer.join().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(stdout.contains("bad.py:2:12: PG402"), "{stdout}");

    let with_stdin = |args: &[&str]| {
        let mut child = pyguide()
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        use std::io::Write;
        child
            .stdin
            .take()
            .unwrap()
            .write_all(BAD.as_bytes())
            .unwrap();
        child.wait_with_output().unwrap()
    };
    let out = with_stdin(&["check", "-", "--stdin-filename", "app/views.py"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(stdout.contains("app/views.py:2:12: PG402"), "{stdout}");
    let out = with_stdin(&["check", "/dev/stdin"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stdout).contains("/dev/stdin:2:12: PG402"));

    let out = pyguide().args(["check", "/dev/zero"]).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("/dev/zero: too large"), "{stderr}");
    assert!(!String::from_utf8_lossy(&out.stdout).contains("All checks passed"));
}

/// F13 (the part that is not a measurement, see tests/memory.rs): a
/// document over the size limit gets one "too large" diagnostic and
/// follows its edits without being parsed; shrunk, it is analysed again.
#[tokio::test]
async fn f13_documents_over_the_limit_are_not_analysed() {
    let mut h = ready(None, None).await;
    let uri = "file:///w/huge.py";
    let filler = "# filler\n".repeat((pyguide::files::MAX_SOURCE_BYTES as usize) / 9 + 1);
    let text = format!("{SMALL}{filler}");
    open(&mut h.client, uri, &text).await;
    let d = h.client.diagnostics(uri, 1).await;
    assert_eq!(d.len(), 1, "{d:?}");
    let message = d[0]["message"].as_str().unwrap();
    assert!(
        message.starts_with("file too large (16.0 MB; the limit is 16 MB)"),
        "{message}"
    );
    let lines = text.lines().count() as u32;
    h.client
        .notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": uri, "version": 2}, "contentChanges": [
                {"range": {"start": {"line": 3, "character": 0}, "end": {"line": lines, "character": 0}}, "text": ""}
            ]}),
        )
        .await;
    let d = h.client.diagnostics(uri, 2).await;
    assert_eq!(d.len(), 1, "{d:?}");
    assert_eq!(d[0]["code"], "PG402", "{d:?}");
    shut_down(h).await;
}
