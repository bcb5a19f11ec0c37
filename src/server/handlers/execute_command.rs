//! `workspace/executeCommand`:
//! - `pyguide.search [query]` → an array of `{"id","title","module","score","snippet"}`
//!   (the nearest topics, with `"suggestion": true`, when nothing matches);
//! - `pyguide.searchSelection [{"uri","range","show"?}]` → the same, topics
//!   of the constructs in the selection first (see `search_selection`);
//! - `pyguide.openTopic [id]` → writes the topic as Markdown in the cache
//!   folder and asks the client to show it (`window/showDocument`) when it
//!   can, else tells the user where it is (`window/showMessage`); answers
//!   `{"id","uri","shown"}`.

use serde_json::{Value, json};
use tower_lsp_server::Client;
use tower_lsp_server::jsonrpc::{Error, Result};
use tower_lsp_server::ls_types::{ExecuteCommandParams, MessageType, ShowDocumentParams, Uri};

use super::lifecycle::CLIENT_TIMEOUT;
use super::search_selection::{self, SEARCH_SELECTION};
use crate::server::state::Shared;

pub const SEARCH: &str = "pyguide.search";
pub const OPEN_TOPIC: &str = "pyguide.openTopic";
/// Every command, as announced in the server's capabilities.
pub const COMMANDS: [&str; 3] = [SEARCH, OPEN_TOPIC, SEARCH_SELECTION];

/// How many hits `pyguide.search` returns at most.
const SEARCH_LIMIT: usize = 20;

pub async fn execute_command(
    shared: &Shared,
    client: &Client,
    params: ExecuteCommandParams,
) -> Result<Option<Value>> {
    if params.command == SEARCH_SELECTION {
        return search_selection::execute(shared, client, &params.arguments).await;
    }
    let argument = first_string(&params.arguments, &params.command)?;
    match params.command.as_str() {
        SEARCH => {
            let library = shared.library();
            let hits = tokio::task::spawn_blocking(move || library.search(&argument, SEARCH_LIMIT))
                .await
                .map_err(|_| Error::internal_error())?
                .map_err(|e| internal(format!("search failed: {e}")))?;
            shared.guarded("executeCommand", || {
                serde_json::to_value(hits)
                    .map(Some)
                    .map_err(|e| internal(e.to_string()))
            })
        }
        OPEN_TOPIC => open_topic(shared, client, &argument).await,
        other => Err(Error::invalid_params(format!(
            "unknown command `{other}` (known: {})",
            COMMANDS.join(", ")
        ))),
    }
}

async fn open_topic(shared: &Shared, client: &Client, id: &str) -> Result<Option<Value>> {
    let (title, uri) = shared.guarded("executeCommand", || {
        let library = shared.library();
        let topic = library
            .topic(id)
            .ok_or_else(|| Error::invalid_params(format!("no topic has the id `{id}`")))?;
        let uri = library
            .topic_file(id)
            .and_then(Uri::from_file_path)
            .ok_or_else(|| internal("cannot write the topic to the cache folder".into()))?;
        Ok((topic.title.clone(), uri))
    })?;
    let shown = if shared.caps().show_document {
        let params = ShowDocumentParams {
            uri: uri.clone(),
            external: Some(false),
            take_focus: Some(true),
            selection: None,
        };
        let shown = tokio::time::timeout(CLIENT_TIMEOUT, client.show_document(params));
        matches!(shown.await, Ok(Ok(true)))
    } else {
        client
            .show_message(MessageType::INFO, format!("{title}: {}", uri.as_str()))
            .await;
        false
    };
    Ok(Some(
        json!({ "id": id, "uri": uri.as_str(), "shown": shown }),
    ))
}

/// The command's first argument, which must be a string.
fn first_string(arguments: &[Value], command: &str) -> Result<String> {
    match arguments.first() {
        Some(Value::String(s)) => Ok(s.clone()),
        _ => Err(Error::invalid_params(format!(
            "`{command}` takes one string argument"
        ))),
    }
}

fn internal(message: String) -> Error {
    Error {
        code: tower_lsp_server::jsonrpc::ErrorCode::InternalError,
        message: message.into(),
        data: None,
    }
}
