//! A guard in front of tower-lsp-server's message reader: it copies LSP
//! frames (`Content-Length: N` + N bytes) from the client through, but
//! replaces a frame that is not a JSON-RPC message (invalid JSON, a wrong
//! shape, a missing length) with a request the service wrapper answers with
//! a parse error (`id: null`, code -32700). Without it, one bad frame ends
//! tower-lsp-server's read loop and with it the server.

use serde::Deserialize;
use tokio::io::{AsyncBufReadExt, AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, BufReader};
use tower_lsp_server::jsonrpc::{Request, Response};

/// The method of the stand-in request for a frame that was not a message.
pub const INVALID_MESSAGE: &str = "$/pyguide/invalidMessage";

/// Frames larger than this are refused as invalid (and skipped).
const MAX_FRAME: usize = 256 << 20;

/// Copies frames from `input` to `output` until `input` ends or `output`
/// is closed.
pub async fn sanitize<R, W>(input: R, mut output: W)
where
    R: AsyncRead + Unpin,
    W: AsyncWrite + Unpin,
{
    let mut input = BufReader::new(input);
    loop {
        let frame = match read_frame(&mut input).await {
            Ok(Some(frame)) => frame,
            Ok(None) | Err(_) => return,
        };
        let body = match frame {
            Frame::Message(body) if is_message(&body) => body,
            Frame::Message(_) | Frame::Invalid => {
                tracing::warn!("received a frame that is not a JSON-RPC message");
                stand_in()
            }
        };
        let header = format!("Content-Length: {}\r\n\r\n", body.len());
        let written = async {
            output.write_all(header.as_bytes()).await?;
            output.write_all(&body).await?;
            output.flush().await
        };
        if written.await.is_err() {
            return;
        }
    }
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

fn stand_in() -> Vec<u8> {
    serde_json::to_vec(&serde_json::json!({
        "jsonrpc": "2.0",
        "id": null,
        "method": INVALID_MESSAGE,
    }))
    .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn run(input: &[u8]) -> String {
        let mut out = Vec::new();
        sanitize(input, &mut out).await;
        String::from_utf8(out).unwrap()
    }

    fn frame(body: &str) -> String {
        format!("Content-Length: {}\r\n\r\n{body}", body.len())
    }

    #[tokio::test]
    async fn passes_messages_and_replaces_everything_else() {
        let ok = r#"{"jsonrpc":"2.0","method":"initialized","params":{}}"#;
        let input = [
            frame(ok),
            frame("{not json"),
            frame(r#"{"jsonrpc":"2.0","method":5}"#),
            "X-Nothing: 1\r\n\r\n".to_string(),
            format!(
                "Content-Length: {}\r\nContent-Type: application/vscode-jsonrpc; charset=utf-8\r\n\r\n{ok}",
                ok.len()
            ),
        ]
        .concat();
        let stand_in = frame(&String::from_utf8(stand_in()).unwrap());
        let expected = [
            frame(ok),
            stand_in.clone(),
            stand_in.clone(),
            stand_in,
            frame(ok),
        ]
        .concat();
        assert_eq!(run(input.as_bytes()).await, expected);
        // A truncated frame at the end of the input ends the copy.
        assert_eq!(run(b"Content-Length: 50\r\n\r\n{}").await, "");
    }
}
