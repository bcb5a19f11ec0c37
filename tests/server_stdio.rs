//! The built binary as an editor starts it: `pyguide serve` over stdio.
//! initialize → didOpen → diagnostics → hover → shutdown → exit, exit code
//! 0, nothing but LSP on stdout.

mod support;

use std::process::Stdio;

use serde_json::{Value, json};
use support::{Client, init_params};

/// `pyguide serve` as a child process with its cache in `cache`, and a
/// client on its stdio.
fn spawn_server(
    cache: &std::path::Path,
    log: Option<&str>,
    stderr: Stdio,
) -> (
    tokio::process::Child,
    Client<tokio::process::ChildStdout, tokio::process::ChildStdin>,
) {
    spawn_with_args(&["serve"], cache, log, stderr)
}

/// `pyguide ARGS...` as a child process; see `spawn_server`.
fn spawn_with_args(
    args: &[&str],
    cache: &std::path::Path,
    log: Option<&str>,
    stderr: Stdio,
) -> (
    tokio::process::Child,
    Client<tokio::process::ChildStdout, tokio::process::ChildStdin>,
) {
    let mut command = tokio::process::Command::new(env!("CARGO_BIN_EXE_pyguide"));
    command
        .args(args)
        .env("PYGUIDE_CACHE_DIR", cache)
        // Practice progress in the test's folder, never the user's.
        .env("PYGUIDE_DATA_DIR", cache)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(stderr)
        .kill_on_drop(true);
    if let Some(level) = log {
        command.env("PYGUIDE_LOG", level);
    }
    let mut child = command.spawn().unwrap();
    let stdin = child.stdin.take().unwrap();
    let stdout = child.stdout.take().unwrap();
    (child, Client::new(stdout, stdin))
}

#[tokio::test]
async fn the_binary_serves_lsp_on_stdio() {
    let cache = tempfile::tempdir().unwrap();
    let (mut child, mut client) = spawn_server(cache.path(), Some("info"), Stdio::piped());

    let result = client
        .call("initialize", init_params(&["utf-16"], None, Value::Null))
        .await;
    assert_eq!(result["capabilities"]["positionEncoding"], "utf-16");
    client.notify("initialized", json!({})).await;

    let uri = "file:///tmp/example.py";
    let text = "import time\n\nasync def poll():\n    time.sleep(5)\n";
    client
        .notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": uri, "languageId": "python", "version": 1, "text": text}}),
        )
        .await;
    let diagnostics = client.diagnostics(uri, 1).await;
    assert_eq!(diagnostics.len(), 1, "{diagnostics:?}");
    assert_eq!(diagnostics[0]["code"], "PG206");
    assert_eq!(
        diagnostics[0]["range"]["start"],
        json!({"line": 3, "character": 4})
    );

    let hover = client
        .call(
            "textDocument/hover",
            json!({"textDocument": {"uri": uri}, "position": {"line": 3, "character": 9}}),
        )
        .await;
    let markdown = hover["contents"]["value"].as_str().unwrap();
    assert!(markdown.starts_with("### "), "{markdown}");
    assert!(markdown.contains("PG206"), "{markdown}");
    assert!(markdown.contains(&cache.path().display().to_string()));

    assert_eq!(client.call("shutdown", Value::Null).await, Value::Null);
    client.notify("exit", Value::Null).await;
    let status = tokio::time::timeout(support::TIMEOUT, child.wait())
        .await
        .expect("the server exits after `exit`")
        .unwrap();
    assert_eq!(status.code(), Some(0));
    let mut stderr = String::new();
    tokio::io::AsyncReadExt::read_to_string(&mut child.stderr.take().unwrap(), &mut stderr)
        .await
        .unwrap();
    assert!(!stderr.contains("panicked"), "{stderr}");
}

#[tokio::test]
async fn exit_without_shutdown_exits_with_1() {
    let cache = tempfile::tempdir().unwrap();
    let (mut child, mut client) = spawn_server(cache.path(), None, Stdio::null());
    client
        .call("initialize", init_params(&[], None, Value::Null))
        .await;
    client.notify("exit", Value::Null).await;
    let status = tokio::time::timeout(support::TIMEOUT, child.wait())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(status.code(), Some(1));
}

/// vscode-languageclient's `TransportKind.stdio` appends `--stdio` to the
/// extension's arguments (`serve --log-level warn`): the server must accept
/// the exact command line and serve as usual.
#[tokio::test]
async fn the_command_line_of_vscode_languageclient_is_accepted() {
    let cache = tempfile::tempdir().unwrap();
    let (mut child, mut client) = spawn_with_args(
        &["serve", "--log-level", "warn", "--stdio"],
        cache.path(),
        None,
        Stdio::piped(),
    );
    let result = client
        .call("initialize", init_params(&[], None, Value::Null))
        .await;
    assert_eq!(result["serverInfo"]["name"], "pyguide", "{result}");
    client.notify("initialized", json!({})).await;
    assert_eq!(client.call("shutdown", Value::Null).await, Value::Null);
    client.notify("exit", Value::Null).await;
    let status = tokio::time::timeout(support::TIMEOUT, child.wait())
        .await
        .expect("the server exits after `exit`")
        .unwrap();
    assert_eq!(status.code(), Some(0));
}

/// Transports the server does not have are refused at once, by name, with
/// the usage exit code, instead of hanging on a pipe nobody writes.
#[tokio::test]
async fn an_unsupported_transport_is_a_usage_error() {
    for flag in ["--pipe=/tmp/pyguide.sock", "--socket=9000", "--node-ipc"] {
        let output = std::process::Command::new(env!("CARGO_BIN_EXE_pyguide"))
            .args(["serve", flag])
            .stdin(Stdio::null())
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(2), "{flag}");
        let stderr = String::from_utf8_lossy(&output.stderr);
        let name = flag.split('=').next().unwrap();
        assert!(stderr.contains(name), "{flag}: {stderr}");
        assert!(output.stdout.is_empty(), "{flag}");
    }
}
