//! A small LSP test client: frames JSON-RPC messages over any async pipe,
//! sends requests and awaits their response by id, answers the server's own
//! requests (showDocument, registerCapability, configuration) and keeps
//! every notification it sees for the test to inspect; the work-per-node
//! measure the linear-analysis tests bound; and realistic big Python files.
#![allow(dead_code)]

mod realistic;
#[allow(unused_imports)] // each test binary uses some of the support module
pub use realistic::{fixtures, realistic};

use std::collections::VecDeque;
use std::time::Duration;

use serde_json::{Value, json};
use tokio::io::{
    AsyncBufReadExt, AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, BufReader, DuplexStream,
    ReadHalf, WriteHalf,
};

/// The client end of a server running in-process over a duplex pipe.
pub type Pipe = Client<ReadHalf<DuplexStream>, WriteHalf<DuplexStream>>;

/// A server running in-process (`serve` on a tokio task) and its client.
pub struct Harness {
    pub client: Pipe,
    /// `serve`'s task: its result is whether the client sent `shutdown`
    /// before `exit`.
    pub server: tokio::task::JoinHandle<bool>,
    /// The server's cache folder, removed with the harness.
    pub cache: tempfile::TempDir,
}

/// Starts a server with a fresh cache folder, the guide folders `guide`
/// and `fault` as its fault hook.
pub fn start(guide: Vec<std::path::PathBuf>, fault: Option<pyguide::server::FaultHook>) -> Harness {
    let cache = tempfile::tempdir().unwrap();
    let options = pyguide::server::ServerOptions {
        guide,
        cache_dir: Some(cache.path().to_path_buf()),
        practice: Default::default(),
        fault,
    };
    let (client_io, server_io) = tokio::io::duplex(1 << 16);
    let (server_read, server_write) = tokio::io::split(server_io);
    let server = tokio::spawn(pyguide::server::serve(server_read, server_write, options));
    let (read, write) = tokio::io::split(client_io);
    Harness {
        client: Client::new(read, write),
        server,
        cache,
    }
}

/// How long any single wait may take before the test fails.
pub const TIMEOUT: Duration = Duration::from_secs(20);

pub struct Client<R, W> {
    reader: BufReader<R>,
    writer: W,
    next_id: i64,
    /// Server messages read but not yet consumed (notifications, requests).
    pub seen: Vec<Value>,
    /// Responses read while waiting for another id.
    pending: VecDeque<Value>,
    /// What to answer `workspace/configuration` with.
    pub configuration: Value,
    /// Whether to answer `window/showDocument` with success.
    pub show_document_success: bool,
    /// How long to wait for any one message ([`TIMEOUT`] unless set).
    pub timeout: Duration,
}

impl<R: AsyncRead + Unpin, W: AsyncWrite + Unpin> Client<R, W> {
    pub fn new(reader: R, writer: W) -> Self {
        Client {
            reader: BufReader::new(reader),
            writer,
            next_id: 1,
            seen: Vec::new(),
            pending: VecDeque::new(),
            configuration: Value::Null,
            show_document_success: true,
            timeout: TIMEOUT,
        }
    }

    pub async fn send(&mut self, message: &Value) {
        let body = serde_json::to_vec(message).unwrap();
        let header = format!("Content-Length: {}\r\n\r\n", body.len());
        self.writer.write_all(header.as_bytes()).await.unwrap();
        self.writer.write_all(&body).await.unwrap();
        self.writer.flush().await.unwrap();
    }

    /// Sends raw bytes as one framed message (for malformed JSON).
    pub async fn send_raw(&mut self, body: &[u8]) {
        let header = format!("Content-Length: {}\r\n\r\n", body.len());
        self.writer.write_all(header.as_bytes()).await.unwrap();
        self.writer.write_all(body).await.unwrap();
        self.writer.flush().await.unwrap();
    }

    pub async fn notify(&mut self, method: &str, params: Value) {
        self.send(&json!({"jsonrpc": "2.0", "method": method, "params": params}))
            .await;
    }

    /// Sends a request and returns its id without waiting.
    pub async fn start_request(&mut self, method: &str, params: Value) -> i64 {
        let id = self.next_id;
        self.next_id += 1;
        self.send(&json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}))
            .await;
        id
    }

    /// Sends a request and returns the whole response (`result` or `error`).
    pub async fn request(&mut self, method: &str, params: Value) -> Value {
        let id = self.start_request(method, params).await;
        self.response(id).await
    }

    /// The `result` of a request that must succeed.
    pub async fn call(&mut self, method: &str, params: Value) -> Value {
        let response = self.request(method, params).await;
        assert!(
            response.get("error").is_none(),
            "{method} failed: {response}"
        );
        response["result"].clone()
    }

    pub async fn response(&mut self, id: i64) -> Value {
        self.response_where(|r| r["id"] == id).await
    }

    /// The first response (to any request) that satisfies `wanted`.
    pub async fn response_where(&mut self, wanted: impl Fn(&Value) -> bool) -> Value {
        if let Some(i) = self.pending.iter().position(&wanted) {
            return self.pending.remove(i).unwrap();
        }
        loop {
            let message = self.read().await;
            if message.get("method").is_none() {
                if wanted(&message) {
                    return message;
                }
                self.pending.push_back(message);
            }
        }
    }

    /// Reads until a server message (notification or request) satisfies
    /// `wanted`, checking those already seen first; it is consumed.
    pub async fn wait_for(&mut self, mut wanted: impl FnMut(&Value) -> bool) -> Value {
        if let Some(i) = self.seen.iter().position(&mut wanted) {
            return self.seen.remove(i);
        }
        loop {
            let message = self.read().await;
            if message.get("method").is_none() {
                self.pending.push_back(message);
                continue;
            }
            if wanted(&message) {
                self.seen.retain(|m| m != &message);
                return message;
            }
        }
    }

    /// The diagnostics published for `uri` at `version`.
    pub async fn diagnostics(&mut self, uri: &str, version: i64) -> Vec<Value> {
        let message = self
            .wait_for(|m| {
                m["method"] == "textDocument/publishDiagnostics"
                    && m["params"]["uri"] == uri
                    && m["params"]["version"] == version
            })
            .await;
        message["params"]["diagnostics"].as_array().unwrap().clone()
    }

    /// The next diagnostics published for `uri` whose codes satisfy `wanted`
    /// (earlier publications, e.g. before a settings change, are skipped).
    pub async fn diagnostics_where(
        &mut self,
        uri: &str,
        wanted: impl Fn(&[&str]) -> bool,
    ) -> Vec<Value> {
        let message = self
            .wait_for(|m| {
                if m["method"] != "textDocument/publishDiagnostics" || m["params"]["uri"] != uri {
                    return false;
                }
                let codes: Vec<&str> = m["params"]["diagnostics"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .filter_map(|d| d["code"].as_str())
                    .collect();
                wanted(&codes)
            })
            .await;
        message["params"]["diagnostics"].as_array().unwrap().clone()
    }

    /// Forgets the notifications seen so far.
    pub fn forget(&mut self) {
        self.seen.clear();
    }

    /// Reads one message (with a timeout), answering server requests.
    async fn read(&mut self) -> Value {
        let message = tokio::time::timeout(self.timeout, self.read_message())
            .await
            .expect("the server did not answer in time")
            .expect("the server closed the connection");
        if message.get("method").is_some() {
            if let Some(id) = message.get("id").cloned() {
                let result = match message["method"].as_str().unwrap() {
                    "window/showDocument" => json!({"success": self.show_document_success}),
                    "workspace/configuration" => json!([self.configuration.clone()]),
                    // A user who picks the first action offered.
                    "window/showMessageRequest" => message["params"]["actions"][0].clone(),
                    _ => Value::Null,
                };
                self.send(&json!({"jsonrpc": "2.0", "id": id, "result": result}))
                    .await;
            }
            self.seen.push(message.clone());
        }
        message
    }

    async fn read_message(&mut self) -> Option<Value> {
        let mut length = None;
        loop {
            let mut line = String::new();
            if self.reader.read_line(&mut line).await.ok()? == 0 {
                return None;
            }
            let line = line.trim_end();
            if line.is_empty() {
                break;
            }
            if let Some(v) = line.strip_prefix("Content-Length:") {
                length = v.trim().parse::<usize>().ok();
            }
        }
        let mut body = vec![0; length?];
        self.reader.read_exact(&mut body).await.ok()?;
        Some(serde_json::from_slice(&body).expect("the server sent invalid JSON"))
    }
}

/// `initialize` parameters for a client with the given capabilities.
pub fn init_params(encodings: &[&str], root: Option<&str>, options: Value) -> Value {
    let folders = root.map(|r| json!([{"uri": r, "name": "ws"}]));
    json!({
        "processId": null,
        "rootUri": root,
        "workspaceFolders": folders,
        "initializationOptions": options,
        "capabilities": {
            "general": {"positionEncodings": encodings},
            "window": {"showDocument": {"support": true}},
            "workspace": {
                "didChangeWatchedFiles": {"dynamicRegistration": true},
                "configuration": true
            },
            "textDocument": {"hover": {"contentFormat": ["markdown", "plaintext"]}}
        }
    })
}

/// A `file://` URI for an absolute path.
pub fn file_uri(path: &std::path::Path) -> String {
    format!("file://{}", path.display())
}

/// Applies LSP text edits (UTF-16 positions) to `text`.
pub fn apply_edits(text: &str, edits: &[Value]) -> String {
    let index = pyguide::python::LineIndex::new(text);
    let offset = |p: &Value| {
        index.offset_utf16(
            text,
            p["line"].as_u64().unwrap() as usize,
            p["character"].as_u64().unwrap() as usize,
        )
    };
    let mut spans: Vec<(usize, usize, String)> = edits
        .iter()
        .map(|e| {
            (
                offset(&e["range"]["start"]),
                offset(&e["range"]["end"]),
                e["newText"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    spans.sort_by_key(|s| std::cmp::Reverse((s.0, s.1)));
    let mut out = text.to_string();
    for (start, end, new) in spans {
        out.replace_range(start..end, &new);
    }
    out
}

/// Work per node of the analysis of `text` (see
/// `pyguide::detect::analyze_counting_work`), and its node count: what the
/// linear-analysis tests bound.
pub fn work_per_node(text: &str) -> (f64, u64) {
    let doc = pyguide::python::Document::parse(text);
    let mut nodes = 0u64;
    pyguide::python::walk(doc.root(), |_| {
        nodes += 1;
        true
    });
    let (_, work) = pyguide::detect::analyze_counting_work(&doc);
    (work as f64 / nodes as f64, nodes)
}

/// Every `.py` file under `dir`, sorted.
fn python_files(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            python_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "py") {
            out.push(path);
        }
    }
    out.sort();
}

/// Every `.py` file of the fixtures, the examples and the editor test
/// files, sorted, with its text.
pub fn python_inputs() -> Vec<(std::path::PathBuf, String)> {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    for dir in ["tests/fixtures", "examples", "editors/testdata"] {
        python_files(&root.join(dir), &mut files);
    }
    assert!(
        files.len() >= 10,
        "fixtures not found under {}",
        root.display()
    );
    files
        .into_iter()
        .map(|p| {
            let text = std::fs::read_to_string(&p).expect("fixture is UTF-8");
            (p, text)
        })
        .collect()
}
