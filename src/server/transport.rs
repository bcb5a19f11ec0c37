//! A guard in front of tower-lsp-server's message reader: it copies LSP
//! frames (`Content-Length: N` + N bytes) from the client through, but
//! - replaces a frame that is not a JSON-RPC message with a request the
//!   service wrapper answers: invalid JSON or a missing length gets a parse
//!   error (`id: null`, -32700), JSON that is not JSON-RPC gets an invalid
//!   request error (-32600) carrying its `id` when it has one. Without it,
//!   one bad frame ends tower-lsp-server's read loop and with it the server;
//! - repairs invalid UTF-16 in JSON strings (a lone surrogate escape such
//!   as `\ud83d`) to U+FFFD, so an edit containing one is applied instead
//!   of the whole notification being rejected;
//! - never stops reading: frames wait in a queue for the server, and the
//!   messages that must act even while every request slot is busy
//!   (`exit`, `$/cancelRequest`) are shown to `urgent` as soon as they are
//!   read (they are still passed on in order).

use serde::Deserialize;
use serde::de::IgnoredAny;
use tokio::io::{AsyncBufReadExt, AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, BufReader};
use tower_lsp_server::jsonrpc::{Id, Request, Response};

/// The method of the stand-in request for a frame that was not a message.
pub const INVALID_MESSAGE: &str = "$/pyguide/invalidMessage";

/// Frames larger than this are refused as invalid (and skipped).
const MAX_FRAME: usize = 256 << 20;

/// A message the server must act on at once, whatever else is pending.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Urgent {
    Exit,
    Cancel(Id),
}

/// Copies frames from `input` to `output` until `input` ends or `output`
/// is closed, calling `urgent` for `exit` and `$/cancelRequest` as soon as
/// they are read.
pub async fn sanitize<R, W>(input: R, output: W, urgent: impl Fn(Urgent))
where
    R: AsyncRead + Unpin,
    W: AsyncWrite + Unpin,
{
    let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
    let read = async move {
        let mut input = BufReader::new(input);
        loop {
            let frame = match read_frame(&mut input).await {
                Ok(Some(frame)) => frame,
                Ok(None) | Err(_) => return,
            };
            let body = clean(frame);
            if let Some(u) = urgent_in(&body) {
                urgent(u);
            }
            if tx.send(body).is_err() {
                return;
            }
        }
    };
    // Reading ends first (end of input): the queue is then drained.
    tokio::join!(read, write(rx, output));
}

/// Writes queued frames to `output` until the queue ends or `output` closes.
async fn write<W: AsyncWrite + Unpin>(
    mut rx: tokio::sync::mpsc::UnboundedReceiver<Vec<u8>>,
    mut output: W,
) {
    while let Some(body) = rx.recv().await {
        let header = format!("Content-Length: {}\r\n\r\n", body.len());
        let written = async {
            output.write_all(header.as_bytes()).await?;
            output.write_all(&body).await?;
            output.flush().await
        };
        if written.await.is_err() {
            // Nobody reads any more: stop reading the client too.
            rx.close();
            return;
        }
    }
}

/// The body to pass on for a frame: the message itself (lone surrogates
/// repaired), or a stand-in the service wrapper answers with an error.
fn clean(frame: Frame) -> Vec<u8> {
    let body = match frame {
        Frame::Message(body) => body,
        Frame::Invalid => {
            tracing::warn!("received a frame without a usable Content-Length");
            return stand_in(Id::Null, false);
        }
    };
    if is_message(&body) {
        return body;
    }
    if let Some(repaired) = repair_surrogates(&body)
        && is_message(&repaired)
    {
        tracing::warn!("a message held invalid UTF-16 (a lone surrogate); replaced with U+FFFD");
        return repaired;
    }
    match serde_json::from_slice::<serde_json::Value>(&body) {
        Ok(value) => {
            tracing::warn!("received JSON that is not a JSON-RPC message");
            let id = value
                .get("id")
                .and_then(|id| Id::deserialize(id).ok())
                .unwrap_or(Id::Null);
            stand_in(id, true)
        }
        Err(e) => {
            tracing::warn!("received a frame that is not JSON: {e}");
            stand_in(Id::Null, false)
        }
    }
}

/// `exit` or `$/cancelRequest` (with the id to cancel), if `body` is one.
fn urgent_in(body: &[u8]) -> Option<Urgent> {
    #[derive(Deserialize)]
    struct Peek {
        method: Option<String>,
        #[allow(dead_code)]
        params: Option<IgnoredAny>,
    }
    #[derive(Deserialize)]
    struct Cancel {
        params: CancelParams,
    }
    #[derive(Deserialize)]
    struct CancelParams {
        id: Id,
    }
    // Only small frames can be either (a didOpen may be megabytes).
    if body.len() > 4096 {
        return None;
    }
    match serde_json::from_slice::<Peek>(body).ok()?.method?.as_str() {
        "exit" => Some(Urgent::Exit),
        "$/cancelRequest" => serde_json::from_slice::<Cancel>(body)
            .ok()
            .map(|c| Urgent::Cancel(c.params.id)),
        _ => None,
    }
}

/// `body` with every `\uXXXX` escape of a lone surrogate replaced by
/// `\ufffd`; `None` when there is none.
fn repair_surrogates(body: &[u8]) -> Option<Vec<u8>> {
    let hex = |at: usize| -> Option<u16> {
        let digits = body.get(at..at + 4)?;
        u16::from_str_radix(std::str::from_utf8(digits).ok()?, 16).ok()
    };
    // The code unit of a `\uXXXX` escape starting at `at`, if there is one.
    let escape = |at: usize| -> Option<u16> {
        (body.get(at) == Some(&b'\\') && body.get(at + 1) == Some(&b'u'))
            .then(|| hex(at + 2))
            .flatten()
    };
    let mut out = Vec::with_capacity(body.len());
    let mut repaired = false;
    let mut i = 0;
    while i < body.len() {
        if body[i] != b'\\' {
            out.push(body[i]);
            i += 1;
            continue;
        }
        match escape(i) {
            Some(0xD800..=0xDBFF) => {
                if escape(i + 6).is_some_and(|low| (0xDC00..=0xDFFF).contains(&low)) {
                    out.extend_from_slice(&body[i..i + 12]);
                    i += 12;
                } else {
                    out.extend_from_slice(b"\\ufffd");
                    repaired = true;
                    i += 6;
                }
            }
            Some(0xDC00..=0xDFFF) => {
                out.extend_from_slice(b"\\ufffd");
                repaired = true;
                i += 6;
            }
            // Any other escape (`\\`, `\"`, `\n`, a valid `\u`): copied
            // whole, so an escaped backslash never starts an escape.
            _ => {
                let len = if escape(i).is_some() { 6 } else { 2 };
                let end = (i + len).min(body.len());
                out.extend_from_slice(&body[i..end]);
                i = end;
            }
        }
    }
    repaired.then_some(out)
}

enum Frame {
    Message(Vec<u8>),
    /// Headers without a usable length.
    Invalid,
}

/// One frame; `None` at the end of the input.
async fn read_frame<R: AsyncRead + Unpin>(
    input: &mut BufReader<R>,
) -> std::io::Result<Option<Frame>> {
    let mut length: Option<usize> = None;
    let mut saw_header = false;
    loop {
        let mut line = Vec::new();
        if input.read_until(b'\n', &mut line).await? == 0 {
            return Ok(None);
        }
        let line = String::from_utf8_lossy(&line);
        let line = line.trim_end_matches(['\r', '\n']);
        if line.is_empty() {
            if saw_header {
                break;
            }
            continue;
        }
        saw_header = true;
        if let Some((name, value)) = line.split_once(':')
            && name.trim().eq_ignore_ascii_case("content-length")
        {
            length = value.trim().parse().ok();
        }
    }
    let Some(length) = length.filter(|&n| n <= MAX_FRAME) else {
        return Ok(Some(Frame::Invalid));
    };
    let mut body = vec![0; length];
    input.read_exact(&mut body).await?;
    Ok(Some(Frame::Message(body)))
}

/// Whether tower-lsp-server will decode `body` (a request, notification or
/// response).
fn is_message(body: &[u8]) -> bool {
    #[derive(Deserialize)]
    #[serde(untagged)]
    #[allow(dead_code)]
    enum Message {
        Request(Request),
        Response(Response),
    }
    serde_json::from_slice::<Message>(body).is_ok()
}

/// The stand-in request for a frame that was not a message: `invalid`
/// when it was JSON but not JSON-RPC (-32600), else unparseable (-32700).
fn stand_in(id: Id, invalid: bool) -> Vec<u8> {
    serde_json::to_vec(&serde_json::json!({
        "jsonrpc": "2.0",
        "id": id,
        "method": INVALID_MESSAGE,
        "params": { "invalidRequest": invalid },
    }))
    .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn run(input: &[u8]) -> String {
        let mut out = Vec::new();
        sanitize(input, &mut out, |_| {}).await;
        String::from_utf8(out).unwrap()
    }

    fn frame(body: &str) -> String {
        format!("Content-Length: {}\r\n\r\n{body}", body.len())
    }

    fn stand_in_frame(id: Id, invalid: bool) -> String {
        frame(&String::from_utf8(stand_in(id, invalid)).unwrap())
    }

    #[tokio::test]
    async fn passes_messages_and_replaces_everything_else() {
        let ok = r#"{"jsonrpc":"2.0","method":"initialized","params":{}}"#;
        let input = [
            frame(ok),
            frame("{not json"),
            frame(r#"{"jsonrpc":"2.0","method":5}"#),
            frame(r#"{"jsonrpc":"2.0","id":7,"method":5}"#),
            "X-Nothing: 1\r\n\r\n".to_string(),
            format!(
                "Content-Length: {}\r\nContent-Type: application/vscode-jsonrpc; charset=utf-8\r\n\r\n{ok}",
                ok.len()
            ),
        ]
        .concat();
        let expected = [
            frame(ok),
            stand_in_frame(Id::Null, false),
            stand_in_frame(Id::Null, true),
            stand_in_frame(Id::Number(7), true),
            stand_in_frame(Id::Null, false),
            frame(ok),
        ]
        .concat();
        assert_eq!(run(input.as_bytes()).await, expected);
        // A truncated frame at the end of the input ends the copy.
        assert_eq!(run(b"Content-Length: 50\r\n\r\n{}").await, "");
    }

    #[test]
    fn lone_surrogates_become_replacement_characters() {
        let body = br#"{"a":"x\ud83d y \ude00 \ud83d\ude00 \\ud83d \u0041"}"#;
        let repaired = repair_surrogates(body).unwrap();
        let value: serde_json::Value = serde_json::from_slice(&repaired).unwrap();
        assert_eq!(value["a"], "x\u{fffd} y \u{fffd} \u{1f600} \\ud83d A");
        assert_eq!(repair_surrogates(br#"{"a":"\ud83d\ude00 \\ud800"}"#), None);
    }

    #[test]
    fn exit_and_cancel_are_seen_at_once() {
        let urgent = |b: &str| urgent_in(b.as_bytes());
        assert_eq!(
            urgent(r#"{"jsonrpc":"2.0","method":"exit"}"#),
            Some(Urgent::Exit)
        );
        assert_eq!(
            urgent(r#"{"jsonrpc":"2.0","method":"$/cancelRequest","params":{"id":"a"}}"#),
            Some(Urgent::Cancel(Id::String("a".into())))
        );
        assert_eq!(
            urgent(r#"{"jsonrpc":"2.0","id":1,"method":"shutdown"}"#),
            None
        );
    }
}
