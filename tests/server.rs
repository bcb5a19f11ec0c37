//! The language server end to end: the real service over an in-memory
//! duplex pipe, driven by a small LSP client, asserting on the JSON that
//! comes back. Covers lifecycle and encoding negotiation, diagnostics,
//! hovers (snapshots), quick fixes applied to the text, workspace/symbol,
//! commands, `pyguide/topic`, UTF-16 columns, edit ordering under load,
//! settings, the workspace model index and hostile input.

mod support;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use pyguide::detect::{self, Severity};
use pyguide::python::{Document, LineIndex};
use serde_json::{Value, json};
use support::{Harness, Pipe, apply_edits, file_uri, init_params, start};

/// Started and initialized (UTF-16 unless `encodings` offers UTF-8).
async fn ready(encodings: &[&str], root: Option<&str>, options: Value) -> Harness {
    let mut h = start(Vec::new(), None);
    h.client
        .call("initialize", init_params(encodings, root, options))
        .await;
    h.client.notify("initialized", json!({})).await;
    h
}

/// [`ready`] with default settings and a fault hook.
async fn ready_with_fault_hook(hook: pyguide::server::FaultHook) -> Harness {
    let mut h = start(Vec::new(), Some(hook));
    h.client
        .call("initialize", init_params(&[], None, Value::Null))
        .await;
    h.client.notify("initialized", json!({})).await;
    h
}

const URI: &str = "file:///project/app.py";

async fn open(client: &mut Pipe, uri: &str, text: &str) -> Vec<Value> {
    client
        .notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": uri, "languageId": "python", "version": 1, "text": text}}),
        )
        .await;
    client.diagnostics(uri, 1).await
}

fn pos(line: usize, character: usize) -> Value {
    json!({"line": line, "character": character})
}

/// The UTF-16 position of the first occurrence of `needle` (+ `delta` bytes).
fn find(text: &str, needle: &str, delta: usize) -> Value {
    let at = text
        .find(needle)
        .unwrap_or_else(|| panic!("{needle:?} not in text"))
        + delta;
    let p = LineIndex::new(text).utf16_pos(text, at);
    pos(p.line, p.col)
}

async fn hover(client: &mut Pipe, uri: &str, at: Value) -> Value {
    client
        .call(
            "textDocument/hover",
            json!({"textDocument": {"uri": uri}, "position": at}),
        )
        .await
}

fn codes(diagnostics: &[Value]) -> Vec<&str> {
    diagnostics
        .iter()
        .map(|d| d["code"].as_str().unwrap())
        .collect()
}

const SAMPLE: &str = r#"import asyncio
import time


async def fetch_all(urls):
    time.sleep(1)
    return await asyncio.gather(*[fetch(u) for u in urls])


def add(item, bucket=[]):
    bucket.append(item)
    return bucket


def check(value):
    if value == None:
        return 0
    return value
"#;

#[tokio::test]
async fn initialize_negotiates_the_encoding_and_announces_capabilities() {
    for (offered, expected) in [
        (&["utf-8", "utf-16"][..], "utf-8"),
        (&["utf-16"][..], "utf-16"),
        (&[][..], "utf-16"),
    ] {
        let mut h = start(Vec::new(), None);
        let result = h
            .client
            .call("initialize", init_params(offered, None, Value::Null))
            .await;
        let caps = &result["capabilities"];
        assert_eq!(caps["positionEncoding"], expected, "{offered:?}");
        assert_eq!(caps["textDocumentSync"]["change"], 2, "incremental");
        assert_eq!(caps["textDocumentSync"]["openClose"], true);
        assert_eq!(caps["hoverProvider"], true);
        assert_eq!(
            caps["codeActionProvider"]["codeActionKinds"],
            json!(["quickfix", "source.fixAll.pyguide"])
        );
        assert_eq!(caps["workspaceSymbolProvider"], true);
        assert_eq!(
            caps["executeCommandProvider"]["commands"],
            json!([
                "pyguide.search",
                "pyguide.openTopic",
                "pyguide.searchSelection"
            ])
        );
        assert_eq!(result["serverInfo"]["name"], "pyguide");
        h.client.notify("initialized", json!({})).await;
        assert_eq!(h.client.call("shutdown", Value::Null).await, Value::Null);
        h.client.notify("exit", Value::Null).await;
        assert!(
            h.server.await.unwrap(),
            "shutdown then exit is a clean exit"
        );
    }
}

#[tokio::test]
async fn exit_without_shutdown_is_not_clean() {
    let mut h = ready(&[], None, Value::Null).await;
    h.client.notify("exit", Value::Null).await;
    assert!(!h.server.await.unwrap());
}

#[tokio::test]
async fn did_open_publishes_warnings_with_code_link_and_fix() {
    let mut h = ready(&[], None, Value::Null).await;
    let diagnostics = open(&mut h.client, URI, SAMPLE).await;
    assert_eq!(codes(&diagnostics), ["PG206", "PG101", "PG402"]);
    for d in &diagnostics {
        assert_eq!(d["source"], "pyguide");
        assert_eq!(d["severity"], 2, "warning");
        assert!(
            d["codeDescription"]["href"]
                .as_str()
                .unwrap()
                .starts_with("https://"),
            "{d}"
        );
        assert_eq!(d["data"]["version"], 1);
    }
    let eq_none = &diagnostics[2];
    assert_eq!(eq_none["range"]["start"], find(SAMPLE, "value == None", 0));
    assert_eq!(eq_none["range"]["end"], find(SAMPLE, "value == None", 13));
    assert_eq!(eq_none["data"]["topic"], "is-vs-equality");
    let fix = &eq_none["data"]["fix"];
    assert_eq!(
        apply_edits(SAMPLE, fix["edits"].as_array().unwrap()),
        SAMPLE.replace("value == None", "value is None")
    );
}

/// Hover Markdown with the cache folder's path made stable.
fn hover_text(h: &Harness, result: &Value) -> String {
    let cache = h.cache.path().display().to_string();
    result["contents"]["value"]
        .as_str()
        .unwrap()
        .replace(&cache, "[CACHE]")
}

#[tokio::test]
async fn hovers_explain_constructs_and_are_null_elsewhere() {
    let mut h = ready(&[], None, Value::Null).await;
    open(&mut h.client, URI, SAMPLE).await;

    // A hint: hovers show it although hints are not diagnostics by default.
    let gather = hover(&mut h.client, URI, find(SAMPLE, "gather", 2)).await;
    assert_eq!(gather["contents"]["kind"], "markdown");
    assert_eq!(gather["range"]["start"], find(SAMPLE, "asyncio.gather", 0));
    insta::assert_snapshot!("hover_gather", hover_text(&h, &gather));

    let default = hover(&mut h.client, URI, find(SAMPLE, "[]", 1)).await;
    insta::assert_snapshot!("hover_mutable_default", hover_text(&h, &default));

    // The topic file the hover links to exists.
    let file = h.cache.path().join("topics/mutable-default-arguments.md");
    assert!(std::fs::read_to_string(file).unwrap().starts_with("# "));

    // Nothing detected: no hover (not on every identifier).
    for at in [
        find(SAMPLE, "bucket.append", 0),
        find(SAMPLE, "urls", 0),
        find(SAMPLE, "return value", 0),
    ] {
        assert_eq!(hover(&mut h.client, URI, at).await, Value::Null);
    }
}

async fn code_actions(
    client: &mut Pipe,
    uri: &str,
    start: Value,
    end: Value,
    diagnostics: Value,
) -> Vec<Value> {
    let result = client
        .call(
            "textDocument/codeAction",
            json!({
                "textDocument": {"uri": uri},
                "range": {"start": start, "end": end},
                "context": {"diagnostics": diagnostics}
            }),
        )
        .await;
    result.as_array().unwrap().clone()
}

fn titles(actions: &[Value]) -> Vec<&str> {
    actions
        .iter()
        .map(|a| a["title"].as_str().unwrap())
        .collect()
}

#[tokio::test]
async fn quick_fixes_edit_the_text_and_explain_actions_open_topics() {
    let mut h = ready(&[], None, Value::Null).await;
    let diagnostics = open(&mut h.client, URI, SAMPLE).await;

    // With the diagnostic sent back (its data carries the fix).
    let sleep = diagnostics[0].clone();
    let actions = code_actions(
        &mut h.client,
        URI,
        sleep["range"]["start"].clone(),
        sleep["range"]["end"].clone(),
        json!([sleep]),
    )
    .await;
    let fix = &actions[0];
    assert_eq!(fix["kind"], "quickfix");
    // `time.sleep` → `await asyncio.sleep` lets other tasks run: unsafe,
    // so offered but not preferred.
    assert_eq!(fix["isPreferred"], false);
    assert_eq!(fix["diagnostics"][0]["code"], "PG206");
    let edits = fix["edit"]["changes"][URI].as_array().unwrap();
    assert_eq!(
        apply_edits(SAMPLE, edits),
        SAMPLE.replace("    time.sleep(1)", "    await asyncio.sleep(1)")
    );
    let explain = actions
        .iter()
        .find(|a| a["title"].as_str().unwrap().starts_with("Explain: "))
        .unwrap();
    assert_eq!(explain["command"]["command"], "pyguide.openTopic");
    assert_eq!(
        explain["command"]["arguments"],
        json!(["asyncio-event-loop"])
    );

    // Without diagnostics in the context (recomputed), cursor-only range.
    let at = find(SAMPLE, "value == None", 3);
    let actions = code_actions(&mut h.client, URI, at.clone(), at, json!([])).await;
    let edits = actions[0]["edit"]["changes"][URI].as_array().unwrap();
    assert_eq!(
        apply_edits(SAMPLE, edits),
        SAMPLE.replace("value == None", "value is None")
    );
    assert!(actions[0]["diagnostics"].is_null());
    assert!(titles(&actions).iter().any(|t| t.starts_with("Explain: ")));
    assert!(!titles(&actions).iter().any(|t| t.starts_with("Search")));

    // A selection adds a search action; a hint's topic is explained too.
    let actions = code_actions(
        &mut h.client,
        URI,
        find(SAMPLE, "asyncio.gather", 0),
        find(SAMPLE, "asyncio.gather", 14),
        json!([]),
    )
    .await;
    let search = actions.last().unwrap();
    assert_eq!(search["title"], "Search the guide for the selection");
    assert_eq!(search["command"]["command"], "pyguide.searchSelection");
    assert_eq!(
        search["command"]["arguments"],
        json!([{"uri": URI, "show": true, "range": {
            "start": find(SAMPLE, "asyncio.gather", 0),
            "end": find(SAMPLE, "asyncio.gather", 14),
        }}])
    );
    assert!(
        actions
            .iter()
            .any(|a| a["command"]["arguments"] == json!(["asyncio-gather"]))
    );
}

#[tokio::test]
async fn stale_diagnostic_data_is_not_trusted() {
    let mut h = ready(&[], None, Value::Null).await;
    let diagnostics = open(&mut h.client, URI, SAMPLE).await;
    let mut eq_none = diagnostics[2].clone();
    // Insert a line at the top: the old fix's positions are now wrong.
    h.client
        .notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": URI, "version": 2},
                   "contentChanges": [{"range": {"start": pos(0, 0), "end": pos(0, 0)}, "text": "# header\n"}]}),
        )
        .await;
    let new_text = format!("# header\n{SAMPLE}");
    let fresh = h.client.diagnostics(URI, 2).await;
    eq_none["range"] = fresh[2]["range"].clone();
    let actions = code_actions(
        &mut h.client,
        URI,
        fresh[2]["range"]["start"].clone(),
        fresh[2]["range"]["end"].clone(),
        json!([eq_none]),
    )
    .await;
    let edits = actions[0]["edit"]["changes"][URI].as_array().unwrap();
    assert_eq!(
        apply_edits(&new_text, edits),
        new_text.replace("value == None", "value is None")
    );
}

#[tokio::test]
async fn workspace_symbol_finds_topics_as_markdown_files() {
    let mut h = ready(&[], None, Value::Null).await;
    let result = h
        .client
        .call(
            "workspace/symbol",
            json!({"query": "too many queries in a loop"}),
        )
        .await;
    let symbols = result.as_array().unwrap();
    assert!(!symbols.is_empty());
    let first = &symbols[0];
    assert_eq!(
        first["containerName"],
        "django-architecture · n-plus-one-queries"
    );
    let uri = first["location"]["uri"].as_str().unwrap();
    let path = uri.strip_prefix("file://").unwrap();
    assert!(path.ends_with("topics/n-plus-one-queries.md"), "{uri}");
    let text = std::fs::read_to_string(path).unwrap();
    assert_eq!(
        text.lines().next().unwrap(),
        format!("# {}", first["name"].as_str().unwrap())
    );

    let all = h
        .client
        .call("workspace/symbol", json!({"query": ""}))
        .await;
    assert_eq!(all.as_array().unwrap().len(), 74);
    let none = h
        .client
        .call("workspace/symbol", json!({"query": "zzqx wvvq"}))
        .await;
    assert_eq!(none, json!([]));
}

#[tokio::test]
async fn searching_from_a_selection_puts_its_constructs_first() {
    let mut h = ready(&[], None, Value::Null).await;
    open(&mut h.client, URI, SAMPLE).await;
    let selection = "time.sleep(1)\n    return await asyncio.gather(*[fetch(u) for u in urls])";
    let args = |show: bool| {
        json!({"command": "pyguide.searchSelection", "arguments": [{
        "uri": URI, "show": show, "range": {
            "start": find(SAMPLE, selection, 0),
            "end": find(SAMPLE, selection, selection.len()),
        }}]})
    };
    let hits = h.client.call("workspace/executeCommand", args(false)).await;
    let hits = hits.as_array().unwrap();
    let ids: Vec<&str> = hits.iter().map(|h| h["id"].as_str().unwrap()).collect();
    // The blocking call (PG206, known from the enclosing async def), then gather.
    assert_eq!(
        ids[..2],
        ["asyncio-event-loop", "asyncio-gather"],
        "{ids:?}"
    );
    assert_eq!(hits[0]["code"], "PG206");
    assert!(hits[0]["snippet"].as_str().unwrap().starts_with("PG206: "));
    assert!(
        hits.iter().skip(2).any(|h| h["code"].is_null()),
        "text hits follow"
    );

    // With `show`, a plain client is offered the topics and the pick opens.
    let hits = h.client.call("workspace/executeCommand", args(true)).await;
    assert!(!hits.as_array().unwrap().is_empty());
    let offer = h
        .client
        .wait_for(|m| m["method"] == "window/showMessageRequest")
        .await;
    // The test client picks the first action offered.
    let titles = &offer["params"]["actions"];
    assert_eq!(titles[0]["title"], hits[0]["title"]);
    let shown = h
        .client
        .wait_for(|m| m["method"] == "window/showDocument")
        .await;
    assert!(
        shown["params"]["uri"]
            .as_str()
            .unwrap()
            .ends_with(&format!("/topics/{}.md", hits[0]["id"].as_str().unwrap())),
        "{shown}"
    );

    for arguments in [
        json!([]),
        json!(["text"]),
        json!([{"uri": "file:///nope.py", "range": {
        "start": pos(0, 0), "end": pos(0, 1)}}]),
    ] {
        let response = h
            .client
            .request(
                "workspace/executeCommand",
                json!({"command": "pyguide.searchSelection", "arguments": arguments}),
            )
            .await;
        assert_eq!(response["error"]["code"], -32602, "{arguments}");
    }
}

#[tokio::test]
async fn execute_command_searches_and_opens_topics() {
    let mut h = ready(&[], None, Value::Null).await;
    let hits = h
        .client
        .call(
            "workspace/executeCommand",
            json!({"command": "pyguide.search", "arguments": ["asyncio gather"]}),
        )
        .await;
    let first = &hits[0];
    assert_eq!(first["id"], "asyncio-gather");
    for key in ["title", "module", "snippet"] {
        assert!(first[key].is_string(), "{key}: {first}");
    }
    assert!(first["score"].as_f64().unwrap() > 0.0);

    let opened = h
        .client
        .call(
            "workspace/executeCommand",
            json!({"command": "pyguide.openTopic", "arguments": ["asyncio-gather"]}),
        )
        .await;
    assert_eq!(opened["shown"], true);
    let shown = h
        .client
        .wait_for(|m| m["method"] == "window/showDocument")
        .await;
    assert_eq!(shown["params"]["uri"], opened["uri"]);
    assert!(
        opened["uri"]
            .as_str()
            .unwrap()
            .ends_with("/topics/asyncio-gather.md")
    );

    for (command, arguments) in [
        ("pyguide.openTopic", json!(["no-such-topic"])),
        ("pyguide.openTopic", json!([])),
        ("pyguide.search", json!([42])),
        ("pyguide.nope", json!(["x"])),
    ] {
        let response = h
            .client
            .request(
                "workspace/executeCommand",
                json!({"command": command, "arguments": arguments}),
            )
            .await;
        assert_eq!(response["error"]["code"], -32602, "{command} {arguments}");
    }
}

#[tokio::test]
async fn open_topic_without_show_document_tells_the_user_where_it_is() {
    let mut h = start(Vec::new(), None);
    let mut params = init_params(&[], None, Value::Null);
    params["capabilities"]["window"] = json!({});
    h.client.call("initialize", params).await;
    h.client.notify("initialized", json!({})).await;
    let opened = h
        .client
        .call(
            "workspace/executeCommand",
            json!({"command": "pyguide.openTopic", "arguments": ["is-vs-equality"]}),
        )
        .await;
    assert_eq!(opened["shown"], false);
    let message = h
        .client
        .wait_for(|m| m["method"] == "window/showMessage")
        .await;
    assert!(
        message["params"]["message"]
            .as_str()
            .unwrap()
            .contains("/topics/is-vs-equality.md")
    );
}

#[tokio::test]
async fn topic_request_returns_the_rendered_topic() {
    let mut h = ready(&[], None, Value::Null).await;
    let topic = h
        .client
        .call("pyguide/topic", json!({"id": "mro-c3-linearization"}))
        .await;
    assert_eq!(topic["id"], "mro-c3-linearization");
    let title = topic["title"].as_str().unwrap();
    let markdown = topic["markdown"].as_str().unwrap();
    assert!(markdown.starts_with(&format!("# {title}\n")));
    assert!(markdown.contains("## References"));
    for params in [json!({"id": "nope"}), json!({}), json!([1])] {
        let response = h.client.request("pyguide/topic", params.clone()).await;
        assert_eq!(response["error"]["code"], -32602, "{params}");
    }
}

/// A line with CJK and an emoji (a UTF-16 surrogate pair) before the construct.
const WIDE: &str = "def f(value):\n    名前 = \"😀\"; ok = value == None\n    return ok\n";

#[tokio::test]
async fn utf16_columns_count_surrogate_pairs_and_cjk() {
    let mut h = ready(&["utf-16"], None, Value::Null).await;
    let diagnostics = open(&mut h.client, URI, WIDE).await;
    let prefix = "    名前 = \"😀\"; ok = ";
    let start = prefix.encode_utf16().count();
    assert_eq!(start, 20);
    assert_eq!(diagnostics[0]["range"]["start"], pos(1, start));
    assert_eq!(
        diagnostics[0]["range"]["end"],
        pos(1, start + "value == None".len())
    );
    let found = hover(&mut h.client, URI, pos(1, start + 2)).await;
    assert_eq!(found["range"], diagnostics[0]["range"]);
    // One unit to the left of the construct is outside it.
    assert_eq!(
        hover(&mut h.client, URI, pos(1, start - 1)).await,
        Value::Null
    );
    let actions = code_actions(&mut h.client, URI, pos(1, start), pos(1, start), json!([])).await;
    let edits = actions[0]["edit"]["changes"][URI].as_array().unwrap();
    assert_eq!(apply_edits(WIDE, edits), WIDE.replace("== None", "is None"));
}

#[tokio::test]
async fn utf8_columns_count_bytes_when_negotiated() {
    let mut h = ready(&["utf-8"], None, Value::Null).await;
    let diagnostics = open(&mut h.client, URI, WIDE).await;
    let start = "    名前 = \"😀\"; ok = ".len();
    assert_eq!(start, 26);
    assert_eq!(diagnostics[0]["range"]["start"], pos(1, start));
    let found = hover(&mut h.client, URI, pos(1, start + 2)).await;
    assert_eq!(found["range"]["start"], pos(1, start));
    // An edit in UTF-8 columns after the wide characters lands right.
    h.client
        .notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": URI, "version": 2}, "contentChanges": [
                {"range": {"start": pos(1, start + 9), "end": pos(1, start + 13)}, "text": "0"}]}),
        )
        .await;
    let after = h.client.diagnostics(URI, 2).await;
    assert_eq!(codes(&after), Vec::<&str>::new(), "`value == 0` is fine");
}

/// The UTF-16 diagnostics a fresh parse of `text` gives (warnings only).
fn expected_diagnostics(text: &str) -> Vec<(String, Value, Value, String)> {
    let doc = Document::parse(text);
    let index = LineIndex::new(text);
    let p = |o: usize| {
        let lc = index.utf16_pos(text, o);
        pos(lc.line, lc.col)
    };
    detect::analyze(&doc)
        .into_iter()
        .filter(|f| f.severity() == Severity::Warning)
        .map(|f| {
            (
                f.code().to_string(),
                p(f.range.start),
                p(f.range.end),
                f.message,
            )
        })
        .collect()
}

fn as_tuples(diagnostics: &[Value]) -> Vec<(String, Value, Value, String)> {
    diagnostics
        .iter()
        .map(|d| {
            (
                d["code"].as_str().unwrap().to_string(),
                d["range"]["start"].clone(),
                d["range"]["end"].clone(),
                d["message"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[tokio::test]
async fn a_thousand_rapid_edits_apply_in_order() {
    let mut h = ready(&[], None, Value::Null).await;
    open(&mut h.client, URI, "").await;
    // The program typed one character at a time at the end, with a typo
    // typed and deleted every 25 characters; emoji exercise UTF-16.
    let program = "import time\n\nasync def main(a, b=[]):\n    time.sleep(1)\n    s = '😀 é'\n    if a == None:\n        return a is 1\n    return b != None\n";
    let mut text = String::new();
    let mut edits = Vec::new();
    let end = |text: &str| {
        let lc = LineIndex::new(text).utf16_pos(text, text.len());
        pos(lc.line, lc.col)
    };
    let mut chars = program.chars().cycle().take(930).enumerate();
    for (i, c) in &mut chars {
        edits.push(
            json!({"range": {"start": end(&text), "end": end(&text)}, "text": c.to_string()}),
        );
        text.push(c);
        if i % 25 == 24 {
            let at = end(&text);
            edits.push(json!({"range": {"start": at, "end": at}, "text": "Zz"}));
            let after = format!("{text}Zz");
            edits.push(json!({"range": {"start": at, "end": end(&after)}, "text": ""}));
        }
    }
    assert!(edits.len() >= 1000, "{}", edits.len());
    // Also replace the whole first line through a multi-line range.
    edits.push(
        json!({"range": {"start": pos(0, 0), "end": pos(1, 0)}, "text": "import time  # typed\n"}),
    );
    text.replace_range(0..text.find('\n').unwrap() + 1, "import time  # typed\n");
    let total = edits.len() as i64;
    for (i, change) in edits.into_iter().enumerate() {
        h.client
            .notify(
                "textDocument/didChange",
                json!({"textDocument": {"uri": URI, "version": i as i64 + 2}, "contentChanges": [change]}),
            )
            .await;
    }
    assert!(total >= 1000, "{total} edits");
    let last = h.client.diagnostics(URI, total + 1).await;
    let expected = expected_diagnostics(&text);
    assert!(expected.len() >= 20, "{expected:?}");
    assert_eq!(as_tuples(&last), expected);
    // A request sent after the edits sees the final text.
    let eq_none = text.rfind("b != None").unwrap();
    let lc = LineIndex::new(&text).utf16_pos(&text, eq_none);
    let found = hover(&mut h.client, URI, pos(lc.line, lc.col)).await;
    assert_eq!(found["range"]["start"], pos(lc.line, lc.col));
}

#[tokio::test]
async fn settings_problems_are_shown_and_defaults_kept() {
    let mut h = ready(
        &[],
        None,
        json!({"hints": "yes", "select": ["PG999"], "colour": true}),
    )
    .await;
    let message = h
        .client
        .wait_for(|m| m["method"] == "window/showMessage")
        .await;
    assert_eq!(message["params"]["type"], 2, "a warning");
    let text = message["params"]["message"].as_str().unwrap();
    for part in ["`hints`", "`select`", "PG999", "`colour`: unknown setting"] {
        assert!(text.contains(part), "{part} in {text}");
    }
    // Defaults: warnings only, every code.
    let diagnostics = open(&mut h.client, URI, SAMPLE).await;
    assert_eq!(codes(&diagnostics), ["PG206", "PG101", "PG402"]);
}

#[tokio::test]
async fn settings_come_from_pyproject_then_the_client() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("pyproject.toml"),
        "[tool.pyguide]\nhints = true\nignore = [\"PG402\"]\n",
    )
    .unwrap();
    let root = file_uri(dir.path());
    let uri = format!("{root}/app.py");
    let mut h = ready(&[], Some(&root), Value::Null).await;
    let diagnostics = open(&mut h.client, &uri, SAMPLE).await;
    let found = codes(&diagnostics);
    assert!(found.contains(&"PG201"), "hints on: {found:?}");
    assert!(!found.contains(&"PG402"), "PG402 ignored: {found:?}");
    let hint = diagnostics.iter().find(|d| d["code"] == "PG201").unwrap();
    assert_eq!(hint["severity"], 4);

    // The client's settings override the project's, key by key.
    h.client
        .notify(
            "workspace/didChangeConfiguration",
            json!({"settings": {"pyguide": {"hints": false}}}),
        )
        .await;
    h.client
        .diagnostics_where(&uri, |c| c == ["PG206", "PG101"])
        .await;

    // Pull model: no settings in the notification, the server asks.
    h.client.configuration = json!({"select": ["PG4"], "hints": false});
    h.client
        .notify(
            "workspace/didChangeConfiguration",
            json!({"settings": null}),
        )
        .await;
    h.client
        .wait_for(|m| m["method"] == "workspace/configuration")
        .await;
    // PG4 selected, PG402 still ignored by the project: nothing left.
    h.client.diagnostics_where(&uri, |c| c.is_empty()).await;
    // select/ignore also apply to hovers.
    let at = find(SAMPLE, "[]", 1);
    assert_eq!(hover(&mut h.client, &uri, at).await, Value::Null);
}

const MODELS: &str = "from django.db import models\n\nclass Author(models.Model):\n    name = models.CharField(max_length=100)\n\nclass Post(models.Model):\n    author = models.ForeignKey(Author, on_delete=models.CASCADE)\n";
const VIEW: &str = "from blog.models import Post\n\ndef titles():\n    for p in Post.objects.all():\n        print(p.author.name)\n";

#[tokio::test]
async fn models_from_other_workspace_files_feed_n_plus_one_detection() {
    let dir = tempfile::tempdir().unwrap();
    let blog = dir.path().join("blog");
    std::fs::create_dir_all(&blog).unwrap();
    std::fs::write(blog.join("models.py"), MODELS).unwrap();
    std::fs::write(blog.join("broken.py"), b"x = '\xff\xfe'\n").unwrap();
    let root = file_uri(dir.path());
    let view = format!("{root}/blog/views.py");
    let mut h = ready(&[], Some(&root), Value::Null).await;
    let registration = h
        .client
        .wait_for(|m| m["method"] == "client/registerCapability")
        .await;
    assert_eq!(
        registration["params"]["registrations"][0]["method"],
        "workspace/didChangeWatchedFiles"
    );
    h.client
        .notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": view, "languageId": "python", "version": 1, "text": VIEW}}),
        )
        .await;
    // Once the background index is in, the loop is an N+1.
    let with_index = h
        .client
        .wait_for(|m| {
            m["method"] == "textDocument/publishDiagnostics"
                && m["params"]["uri"] == view
                && m["params"]["diagnostics"][0]["code"] == "PG601"
        })
        .await;
    assert_eq!(with_index["params"]["version"], 1);
    h.client.forget();

    // The models file is deleted on disk: the relation is unknown again.
    std::fs::remove_file(blog.join("models.py")).unwrap();
    let models_uri = format!("{root}/blog/models.py");
    h.client
        .notify(
            "workspace/didChangeWatchedFiles",
            json!({"changes": [{"uri": models_uri, "type": 3}, {"uri": format!("{root}/blog/broken.py"), "type": 2}]}),
        )
        .await;
    let without = h
        .client
        .wait_for(|m| {
            m["method"] == "textDocument/publishDiagnostics"
                && m["params"]["uri"] == view
                && m["params"]["diagnostics"] == json!([])
        })
        .await;
    assert_eq!(without["params"]["version"], 1);
    h.client.forget();

    // Opened and saved in the editor, the models count again.
    h.client
        .notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": models_uri, "languageId": "python", "version": 1, "text": MODELS}}),
        )
        .await;
    h.client
        .notify(
            "textDocument/didSave",
            json!({"textDocument": {"uri": models_uri}}),
        )
        .await;
    h.client
        .wait_for(|m| {
            m["method"] == "textDocument/publishDiagnostics"
                && m["params"]["uri"] == view
                && m["params"]["diagnostics"][0]["code"] == "PG601"
        })
        .await;
}

#[tokio::test]
async fn documents_without_a_kept_tree_are_parsed_again_when_edited() {
    let mut h = ready(&[], None, Value::Null).await;
    // Only the most recently changed documents keep their tree: open more.
    let uris: Vec<String> = (0..6).map(|i| format!("file:///project/m{i}.py")).collect();
    for uri in &uris {
        open(&mut h.client, uri, SAMPLE).await;
    }
    let first = &uris[0];
    h.client
        .notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": first, "version": 2}, "contentChanges": [
                {"range": {"start": find(SAMPLE, "value == None", 6), "end": find(SAMPLE, "value == None", 8)}, "text": "is"}]}),
        )
        .await;
    let after = h.client.diagnostics(first, 2).await;
    assert_eq!(codes(&after), ["PG206", "PG101"]);
    let found = hover(&mut h.client, first, find(SAMPLE, "[]", 1)).await;
    assert!(!found.is_null());
}

#[test]
fn readme_settings_table_matches_the_options() {
    let readme = include_str!("../README.md");
    let start = readme.find("<!-- settings:start -->").unwrap();
    let end = readme.find("<!-- settings:end -->").unwrap();
    let rows: Vec<&str> = readme[start..end].lines().skip(3).collect();
    let expected: Vec<String> = pyguide::server::config::OPTIONS
        .iter()
        .map(|o| format!("| `{}` | {} | {} | {} |", o.name, o.kind, o.default, o.doc))
        .collect();
    assert_eq!(rows, expected);
}

// ---- Hostile input ----

#[tokio::test]
async fn requests_before_initialize_get_the_spec_error() {
    let mut h = start(Vec::new(), None);
    let response = h
        .client
        .request(
            "textDocument/hover",
            json!({"textDocument": {"uri": URI}, "position": pos(0, 0)}),
        )
        .await;
    assert_eq!(response["error"]["code"], -32002);
    // Notifications before initialize are dropped, not applied later.
    h.client
        .notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": URI, "languageId": "python", "version": 1, "text": SAMPLE}}),
        )
        .await;
    h.client
        .call("initialize", init_params(&[], None, Value::Null))
        .await;
    h.client.notify("initialized", json!({})).await;
    let none = hover(&mut h.client, URI, find(SAMPLE, "[]", 1)).await;
    assert_eq!(none, Value::Null);
    let again = h
        .client
        .request("initialize", init_params(&[], None, Value::Null))
        .await;
    assert_eq!(again["error"]["code"], -32600);
}

#[tokio::test]
async fn unknown_methods_malformed_params_and_bad_json_get_errors() {
    let mut h = ready(&[], None, Value::Null).await;
    let unknown = h.client.request("pyguide/nope", json!({})).await;
    assert_eq!(unknown["error"]["code"], -32601);
    h.client
        .notify("pyguide/unknownNotification", json!({}))
        .await;
    h.client.notify("$/somethingOptional", json!({})).await;
    let malformed = h
        .client
        .request("textDocument/hover", json!({"textDocument": 3}))
        .await;
    assert_eq!(malformed["error"]["code"], -32602);
    let no_params = h
        .client
        .request("textDocument/codeAction", Value::Null)
        .await;
    assert_eq!(no_params["error"]["code"], -32602);
    // Malformed document notifications are dropped.
    h.client
        .notify("textDocument/didOpen", json!({"textDocument": {"uri": 5}}))
        .await;
    h.client
        .notify("textDocument/didChange", json!({"nonsense": true}))
        .await;
    h.client.send_raw(b"{not json").await;
    let parse_error = h.client.response_where(|r| r["id"].is_null()).await;
    assert_eq!(parse_error["error"]["code"], -32700);
    // Still up.
    assert_eq!(open(&mut h.client, URI, SAMPLE).await.len(), 3);
}

#[tokio::test]
async fn positions_past_the_end_and_unopened_documents_are_harmless() {
    let mut h = ready(&[], None, Value::Null).await;
    let text = "x = 1\nif x == None: pass";
    open(&mut h.client, URI, text).await;
    for at in [pos(0, 999), pos(999, 0), pos(999, 999), pos(1, 9999)] {
        let found = hover(&mut h.client, URI, at.clone()).await;
        assert!(found.is_null(), "{at}: {found}");
        code_actions(&mut h.client, URI, at.clone(), pos(99_999, 0), json!([])).await;
    }
    // An edit past the end appends at the end.
    h.client
        .notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": URI, "version": 2}, "contentChanges": [
                {"range": {"start": pos(50, 3), "end": pos(60, 0)}, "text": "\ny = x != None\n"}]}),
        )
        .await;
    let after = h.client.diagnostics(URI, 2).await;
    assert_eq!(codes(&after), ["PG402", "PG402"]);
    assert_eq!(after[1]["range"]["start"], pos(2, 4));

    let other = "file:///never/opened.py";
    assert_eq!(hover(&mut h.client, other, pos(0, 0)).await, Value::Null);
    let actions = h
        .client
        .call(
            "textDocument/codeAction",
            json!({"textDocument": {"uri": other}, "range": {"start": pos(0, 0), "end": pos(0, 0)}, "context": {"diagnostics": []}}),
        )
        .await;
    assert_eq!(actions, Value::Null);
    h.client
        .notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": other, "version": 2}, "contentChanges": [{"text": "x is 1"}]}),
        )
        .await;
    h.client
        .notify(
            "textDocument/didSave",
            json!({"textDocument": {"uri": other}}),
        )
        .await;
    h.client
        .notify(
            "textDocument/didClose",
            json!({"textDocument": {"uri": other}}),
        )
        .await;
    // Closing clears the document's diagnostics.
    h.client
        .notify(
            "textDocument/didClose",
            json!({"textDocument": {"uri": URI}}),
        )
        .await;
    let cleared = h
        .client
        .wait_for(|m| {
            m["method"] == "textDocument/publishDiagnostics"
                && m["params"]["uri"] == URI
                && m["params"]["diagnostics"] == json!([])
        })
        .await;
    assert!(cleared["params"]["version"].is_null());
    assert_eq!(hover(&mut h.client, URI, pos(1, 4)).await, Value::Null);
}

/// About 10 MB of Python: 10,000 long string constants between two
/// functions with a warning each. (Not 10 MB of comments: tree-sitter-python
/// parses a run of comment lines in quadratic time.)
fn huge_file() -> String {
    let mut text = String::from("def first(x):\n    return x == None\n");
    let data = "abcdefghij".repeat(100);
    let mut i = 0;
    while text.len() < 10_000_000 {
        text.push_str(&format!("DATA_{i} = \"{data}\"\n"));
        i += 1;
    }
    text.push_str("def last(y):\n    return y != None\n");
    text
}

#[tokio::test]
async fn a_ten_megabyte_file_is_analysed_without_stopping_the_server() {
    let mut h = ready(&[], None, Value::Null).await;
    open(&mut h.client, URI, SAMPLE).await;
    let big_uri = "file:///project/huge.py";
    let big = huge_file();
    h.client
        .notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": big_uri, "languageId": "python", "version": 1, "text": big}}),
        )
        .await;
    // Requests keep being answered (the guide needs no document).
    let topic = h.client.call("pyguide/topic", json!({"id": "slots"})).await;
    assert_eq!(topic["id"], "slots");
    let found = hover(&mut h.client, URI, find(SAMPLE, "[]", 1)).await;
    assert!(!found.is_null());
    let diagnostics = h.client.diagnostics(big_uri, 1).await;
    assert_eq!(codes(&diagnostics), ["PG402", "PG402"]);
    let lines = big.lines().count();
    assert_eq!(diagnostics[1]["range"]["start"]["line"], lines - 1);
    // Stale results are dropped: two quick edits, one publication per
    // version at most, and the last one is there.
    for version in [2, 3] {
        h.client
            .notify(
                "textDocument/didChange",
                json!({"textDocument": {"uri": big_uri, "version": version}, "contentChanges": [
                    {"range": {"start": pos(1, 13), "end": pos(1, 15)}, "text": if version == 2 { "is" } else { "==" }}]}),
            )
            .await;
    }
    let last = h.client.diagnostics(big_uri, 3).await;
    assert_eq!(codes(&last), ["PG402", "PG402"]);
}

#[tokio::test]
async fn cancelled_requests_get_the_cancel_error_and_the_server_stays_up() {
    let mut h = ready(&[], None, Value::Null).await;
    let big_uri = "file:///project/huge.py";
    h.client
        .notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": big_uri, "languageId": "python", "version": 1, "text": huge_file()}}),
        )
        .await;
    // The hover waits for the 10 MB document; cancel it meanwhile.
    let id = h
        .client
        .start_request(
            "textDocument/hover",
            json!({"textDocument": {"uri": big_uri}, "position": pos(1, 12)}),
        )
        .await;
    h.client.notify("$/cancelRequest", json!({"id": id})).await;
    let response = h.client.response(id).await;
    assert!(
        response["error"]["code"] == -32800 || response.get("result").is_some(),
        "{response}"
    );
    // Cancelling something finished or unknown is harmless.
    h.client
        .notify("$/cancelRequest", json!({"id": 9999}))
        .await;
    let found = hover(&mut h.client, big_uri, pos(1, 12)).await;
    assert_eq!(found["range"]["start"], pos(1, 11));
}

#[tokio::test]
async fn a_panicking_handler_is_answered_with_an_internal_error() {
    let armed = Arc::new(AtomicBool::new(true));
    let trigger = armed.clone();
    let hook: pyguide::server::FaultHook = Arc::new(move |name: &str| {
        // One panic in the hover handler, one at the method level (outside
        // any handler's own guard).
        if (name == "hover" || name == "workspace/symbol") && trigger.load(Ordering::SeqCst) {
            panic!("injected fault in {name}");
        }
    });
    let mut h = ready_with_fault_hook(hook).await;
    open(&mut h.client, URI, SAMPLE).await;
    let at = find(SAMPLE, "[]", 1);
    let failed = h
        .client
        .request(
            "textDocument/hover",
            json!({"textDocument": {"uri": URI}, "position": at.clone()}),
        )
        .await;
    assert_eq!(failed["error"]["code"], -32603);
    assert!(
        failed["error"]["message"]
            .as_str()
            .unwrap()
            .contains("injected fault")
    );
    let failed = h
        .client
        .request("workspace/symbol", json!({"query": "slots"}))
        .await;
    assert_eq!(failed["error"]["code"], -32603);
    armed.store(false, Ordering::SeqCst);
    assert!(!hover(&mut h.client, URI, at).await.is_null());
    let symbols = h
        .client
        .call("workspace/symbol", json!({"query": "slots"}))
        .await;
    assert!(!symbols.as_array().unwrap().is_empty());
    assert!(h.client.call("shutdown", Value::Null).await.is_null());
}

/// `source.fixAll.pyguide` applies every safe fix at once and nothing
/// unsafe; a safe fix is the preferred quick fix, an unsafe one is not.
#[tokio::test]
async fn fix_all_applies_only_safe_fixes() {
    let mut h = ready(&[], None, Value::Null).await;
    let text = "def f(x):\n    if x is 1:\n        return x == None\n    return x is 'é'\n";
    let diagnostics = open(&mut h.client, URI, text).await;
    assert_eq!(codes(&diagnostics), ["PG401", "PG402", "PG401"]);
    let caps = h
        .client
        .call(
            "textDocument/codeAction",
            json!({
                "textDocument": {"uri": URI},
                "range": {"start": pos(0, 0), "end": pos(0, 0)},
                "context": {"diagnostics": [], "only": ["source.fixAll"]}
            }),
        )
        .await;
    let actions = caps.as_array().unwrap();
    assert_eq!(actions.len(), 1, "{actions:?}");
    assert_eq!(actions[0]["kind"], "source.fixAll.pyguide");
    let edits = actions[0]["edit"]["changes"][URI].as_array().unwrap();
    assert_eq!(
        apply_edits(text, edits),
        "def f(x):\n    if x == 1:\n        return x == None\n    return x == 'é'\n"
    );
    // Quick fixes: the safe one preferred, the unsafe one offered only.
    let safe = code_actions(
        &mut h.client,
        URI,
        find(text, "x is 1", 0),
        find(text, "x is 1", 0),
        json!([]),
    )
    .await;
    assert_eq!(safe[0]["isPreferred"], true);
    let unsafe_ = code_actions(
        &mut h.client,
        URI,
        find(text, "x == None", 0),
        find(text, "x == None", 0),
        json!([]),
    )
    .await;
    assert_eq!(unsafe_[0]["kind"], "quickfix");
    assert_eq!(unsafe_[0]["isPreferred"], false);
    // Nothing safe to fix: no fix-all action.
    let other = "file:///project/other.py";
    open(&mut h.client, other, "def f(x):\n    return x == None\n").await;
    let none = h
        .client
        .call(
            "textDocument/codeAction",
            json!({
                "textDocument": {"uri": other},
                "range": {"start": pos(0, 0), "end": pos(0, 0)},
                "context": {"diagnostics": [], "only": ["source.fixAll.pyguide"]}
            }),
        )
        .await;
    assert_eq!(none, json!([]));
}

/// Started and initialized by a client that names itself `name`.
async fn ready_as(name: &str) -> Harness {
    let mut h = start(Vec::new(), None);
    let mut params = init_params(&[], None, Value::Null);
    params["clientInfo"] = json!({"name": name, "version": "1"});
    h.client.call("initialize", params).await;
    h.client.notify("initialized", json!({})).await;
    h
}

const LOOKUPS: &str = r#"import asyncio
import cProfile
import multiprocessing as mp
from django.db.models import Prefetch


def numbers():
    yield 1
    yield from range(3)


def quiet(value):
    return value is "x"  # pyguide: ignore[PG401, PG2]
"#;

#[tokio::test]
async fn hovers_on_yield_imports_and_ignored_codes_show_their_topic_or_rule() {
    let mut h = ready(&[], None, Value::Null).await;
    let diagnostics = open(&mut h.client, URI, LOOKUPS).await;
    assert!(codes(&diagnostics).is_empty(), "{diagnostics:?}");
    let topic_of = |hover: &Value| -> String {
        let text = hover["contents"]["value"].as_str().unwrap_or("");
        let at = text.find("pyguide.openTopic?%5B%22").map(|i| i + 24);
        at.map(|i| text[i..].split("%22").next().unwrap().to_string())
            .unwrap_or_default()
    };
    for (needle, delta, topic) in [
        ("yield 1", 2, "generators-vs-iterators"),
        ("yield from", 7, "generators-vs-iterators"),
        ("cProfile", 3, "profiling"),
        ("multiprocessing", 0, "async-vs-multiprocessing"),
        ("Prefetch", 4, "select-related-vs-prefetch-related"),
    ] {
        let result = hover(&mut h.client, URI, find(LOOKUPS, needle, delta)).await;
        assert_eq!(topic_of(&result), topic, "{needle}: {result}");
    }
    let yield_from = hover(&mut h.client, URI, find(LOOKUPS, "yield from", 0)).await;
    assert!(hover_text(&h, &yield_from).contains("**PG107**"));
    assert_eq!(
        yield_from["range"],
        json!({"start": find(LOOKUPS, "yield from", 0), "end": find(LOOKUPS, "yield from range(3)", 19)}),
        "PG107's own finding: the whole expression"
    );
    // `import asyncio`: the topics of asyncio's APIs, the first the one most cover.
    let asyncio = hover(&mut h.client, URI, find(LOOKUPS, "asyncio", 0)).await;
    let text = hover_text(&h, &asyncio);
    assert!(
        text.contains("`asyncio`: this topic explains `asyncio."),
        "{text}"
    );
    assert!(text.matches("### ").count() <= 3, "{text}");
    // The value after `yield` and the `def` line are not the keyword.
    assert_eq!(
        hover(&mut h.client, URI, find(LOOKUPS, "1\n", 0)).await,
        Value::Null
    );
    assert_eq!(
        hover(&mut h.client, URI, find(LOOKUPS, "def numbers", 0)).await,
        Value::Null
    );

    // A code in an ignore comment: that rule; a prefix: its rules.
    let code = hover(&mut h.client, URI, find(LOOKUPS, "PG401", 3)).await;
    let text = hover_text(&h, &code);
    assert!(text.starts_with("### PG401 `is-literal`\n"), "{text}");
    assert!(
        text.contains("Warning")
            && text.contains("quick fix")
            && text.contains("pyguide.openTopic"),
        "{text}"
    );
    assert_eq!(code["range"]["start"], find(LOOKUPS, "PG401", 0));
    let prefix = hover(&mut h.client, URI, find(LOOKUPS, "PG2]", 1)).await;
    let prefix = hover_text(&h, &prefix);
    assert!(prefix.starts_with("### PG2: "), "{prefix}");
    assert!(prefix.contains("- **PG201** "), "{prefix}");
}

#[tokio::test]
async fn codes_in_the_pyguide_table_of_pyproject_show_their_rules() {
    let mut h = ready(&[], None, Value::Null).await;
    let uri = "file:///project/pyproject.toml";
    let text = "[project]\nname = \"x\"\n\n[tool.ruff]\nselect = [\"PG401\"]\n\n[tool.pyguide]\nignore = [\"PG4\", \"PG206\"]\nhints = true\n";
    h.client
        .notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": uri, "languageId": "toml", "version": 1, "text": text}}),
        )
        .await;
    assert_eq!(
        h.client.diagnostics(uri, 1).await,
        Vec::<Value>::new(),
        "TOML is not analysed as Python"
    );
    let rule = hover(&mut h.client, uri, find(text, "PG206", 2)).await;
    assert!(hover_text(&h, &rule).starts_with("### PG206 `"), "{rule}");
    let prefix = hover(&mut h.client, uri, find(text, "PG4\"", 1)).await;
    assert!(hover_text(&h, &prefix).starts_with("### PG4: "), "{prefix}");
    assert_eq!(
        hover(&mut h.client, uri, find(text, "PG401", 1)).await,
        Value::Null,
        "not pyguide's table"
    );
    assert_eq!(
        hover(&mut h.client, uri, find(text, "hints", 1)).await,
        Value::Null
    );
    let actions = code_actions(&mut h.client, uri, pos(7, 11), pos(7, 11), json!([])).await;
    assert!(actions.is_empty(), "{actions:?}");
}

#[tokio::test]
async fn ignore_actions_add_or_merge_the_comment_and_silence_the_line() {
    let mut h = ready(&[], None, Value::Null).await;
    let text = "def check(value, d):\n    if value is \"x\":\n        return value == None  # noqa: E501\n    return 1 in d.keys()  # pyguide: ignore[PG2]\n";
    let diagnostics = open(&mut h.client, URI, text).await;
    assert_eq!(codes(&diagnostics), ["PG401", "PG402"]);

    let sent = diagnostics[0].clone();
    let actions = code_actions(
        &mut h.client,
        URI,
        sent["range"]["start"].clone(),
        sent["range"]["end"].clone(),
        json!([sent]),
    )
    .await;
    let ignore = actions
        .iter()
        .find(|a| a["title"] == "Ignore PG401 on this line")
        .unwrap();
    assert_eq!(ignore["kind"], "quickfix");
    assert_eq!(ignore["isPreferred"], false);
    assert_eq!(ignore["diagnostics"][0]["code"], "PG401");
    let edited = apply_edits(text, ignore["edit"]["changes"][URI].as_array().unwrap());
    assert!(
        edited.contains("    if value is \"x\":  # pyguide: ignore[PG401]\n"),
        "{edited}"
    );
    assert!(
        detect::analyze(&Document::parse(edited.as_str()))
            .iter()
            .all(|f| f.code() != "PG401")
    );

    // After another comment; the `== None` fix says what it does.
    let at = find(text, "== None", 1);
    let actions = code_actions(&mut h.client, URI, at.clone(), at, json!([])).await;
    assert_eq!(actions[0]["title"], "Replace `== None` with `is None`");
    let ignore = actions
        .iter()
        .find(|a| a["title"] == "Ignore PG402 on this line")
        .unwrap();
    let edited = apply_edits(text, ignore["edit"]["changes"][URI].as_array().unwrap());
    assert!(
        edited.contains("value == None  # noqa: E501  # pyguide: ignore[PG402]\n"),
        "{edited}"
    );

    // A hint shown as a diagnostic (hints on): merged into the line's list.
    h.client
        .notify(
            "workspace/didChangeConfiguration",
            json!({"settings": {"hints": true}}),
        )
        .await;
    let with_hints = h
        .client
        .diagnostics_where(URI, |c| c.contains(&"PG102"))
        .await;
    let keys = with_hints
        .iter()
        .find(|d| d["code"] == "PG102")
        .unwrap()
        .clone();
    let actions = code_actions(
        &mut h.client,
        URI,
        keys["range"]["start"].clone(),
        keys["range"]["end"].clone(),
        json!([keys]),
    )
    .await;
    let ignore = actions
        .iter()
        .find(|a| a["title"] == "Ignore PG102 on this line")
        .unwrap();
    let edited = apply_edits(text, ignore["edit"]["changes"][URI].as_array().unwrap());
    assert!(
        edited.ends_with("    return 1 in d.keys()  # pyguide: ignore[PG2, PG102]\n"),
        "{edited}"
    );
}

#[tokio::test]
async fn hint_fixes_are_offered_at_the_cursor_when_hints_are_not_diagnostics() {
    let mut h = ready(&[], None, Value::Null).await;
    let text = "def has(d, k):\n    return k in d.keys()\n";
    let diagnostics = open(&mut h.client, URI, text).await;
    assert!(diagnostics.is_empty(), "hints are off: {diagnostics:?}");
    let at = find(text, "keys", 1);
    let actions = code_actions(&mut h.client, URI, at.clone(), at, json!([])).await;
    let fix = actions
        .iter()
        .find(|a| a["title"] == "Remove `.keys()`")
        .expect("the hint's fix");
    assert_eq!(fix["isPreferred"], false, "a hint's fix is not preferred");
    assert_eq!(
        apply_edits(text, fix["edit"]["changes"][URI].as_array().unwrap()),
        "def has(d, k):\n    return k in d\n"
    );
    assert!(
        !titles(&actions).iter().any(|t| t.starts_with("Ignore")),
        "no ignore action for a hint that is not shown: {:?}",
        titles(&actions)
    );
}

#[tokio::test]
async fn hover_links_to_the_topic_the_way_the_client_can_follow() {
    for (client, expected, absent) in [
        (
            "Visual Studio Code",
            "[Open the full topic](command:pyguide.openTopic?%5B%22asyncio-gather%22%5D)",
            ":PyGuide",
        ),
        (
            "Neovim",
            "Full topic `asyncio-gather`: `:PyGuide topic asyncio-gather`",
            "command:",
        ),
        (
            "helix",
            "Full topic `asyncio-gather`: `pyguide explain asyncio-gather`",
            "command:",
        ),
    ] {
        let mut h = ready_as(client).await;
        open(&mut h.client, URI, SAMPLE).await;
        let result = hover(&mut h.client, URI, find(SAMPLE, "gather", 2)).await;
        let text = hover_text(&h, &result);
        assert!(text.contains(expected), "{client}: {text}");
        assert!(!text.contains(absent), "{client}: {text}");
        assert!(
            text.contains("[topic as Markdown](file://"),
            "{client}: {text}"
        );
    }
}

/// A hover waits for the edits of its own document only: with the worker
/// held inside the parse of another document (the fault hook blocks it),
/// and an edit of that document queued behind the parse, a hover on this
/// one is answered; the held document's hover follows its edits once the
/// parse goes on.
#[tokio::test]
async fn a_hover_does_not_wait_behind_another_documents_parse() {
    use std::sync::Mutex;
    use std::sync::mpsc;
    const HELD: &str = "file:///project/held.py";
    let (entered_tx, entered_rx) = mpsc::channel::<()>();
    let (release_tx, release_rx) = mpsc::channel::<()>();
    let armed = Arc::new(AtomicBool::new(false));
    let hook_armed = armed.clone();
    let channels = Mutex::new((entered_tx, release_rx));
    let hook: pyguide::server::FaultHook = Arc::new(move |name: &str| {
        if name == format!("parse {HELD}") && hook_armed.swap(false, Ordering::SeqCst) {
            let channels = channels.lock().unwrap();
            let _ = channels.0.send(());
            let _ = channels.1.recv();
        }
    });
    let mut h = ready_with_fault_hook(hook).await;
    open(&mut h.client, URI, SAMPLE).await;
    open(&mut h.client, HELD, "x = 1\n").await;
    armed.store(true, Ordering::SeqCst);
    let change = |version: i32, text: &str| {
        json!({"textDocument": {"uri": HELD, "version": version},
               "contentChanges": [{"range": {"start": pos(0, 0), "end": pos(0, 0)}, "text": text}]})
    };
    h.client
        .notify("textDocument/didChange", change(2, "def f(a=[]): pass\n"))
        .await;
    // The worker is inside the held document's parse...
    tokio::task::spawn_blocking(move || entered_rx.recv())
        .await
        .unwrap()
        .unwrap();
    // ...and this edit waits behind it.
    h.client
        .notify("textDocument/didChange", change(3, "# top\n"))
        .await;
    let at = find(SAMPLE, "[]", 1);
    let answered = tokio::time::timeout(
        std::time::Duration::from_secs(60),
        hover(&mut h.client, URI, at),
    )
    .await
    .expect("the hover waited behind another document's parse");
    assert!(!answered.is_null());
    release_tx.send(()).unwrap();
    // The held document's hover sees both of its edits.
    let found = hover(&mut h.client, HELD, pos(1, 9)).await;
    assert_eq!(found["range"]["start"], pos(1, 6), "{found}");
}
