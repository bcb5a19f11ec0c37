//! "Search the guide for the selection": the code action offered when text
//! is selected, and the command it runs, `pyguide.searchSelection
//! [{"uri", "range", "show"?}]`. The answer is the `pyguide.search` hit
//! array, with the topics of the constructs found in the selection first
//! (each with its rule `code`), then the text hits (see `code_search`).
//!
//! Editor plugins call the command themselves and show the hits in their
//! own picker. A plain LSP client runs it from the code action with
//! `"show": true`: the server then offers the best topics with
//! `window/showMessageRequest` and opens the one picked, so the action is
//! useful with no plugin at all.

use std::ops::Range;
use std::sync::Arc;

use serde::Deserialize;
use serde_json::{Value, json};
use tower_lsp_server::Client;
use tower_lsp_server::jsonrpc::{Error, Result};
use tower_lsp_server::ls_types::{
    CodeAction, CodeActionOrCommand, Command, MessageActionItem, MessageType, ShowDocumentParams,
    Uri,
};

use crate::code_search;
use crate::search::Hit;
use crate::server::library::Library;
use crate::server::state::{Shared, findings_of};

pub const SEARCH_SELECTION: &str = "pyguide.searchSelection";
pub const TITLE: &str = "Search the guide for the selection";

/// How many hits the command returns at most.
const LIMIT: usize = 20;
/// How many topics a `window/showMessageRequest` offers.
const SHOWN: usize = 5;
/// How long the server waits for the user to pick a topic.
const PICK_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(300);

/// The command's argument.
#[derive(Debug, Deserialize)]
struct Args {
    uri: Uri,
    range: tower_lsp_server::ls_types::Range,
    #[serde(default)]
    show: bool,
}

/// The code action for a non-blank selection (`None` for a cursor or blank text).
pub fn action(
    uri: &Uri,
    range: tower_lsp_server::ls_types::Range,
    text: &str,
    bytes: &Range<usize>,
) -> Option<CodeActionOrCommand> {
    code_search::selection_query(text, bytes)?;
    let argument = json!({ "uri": uri, "range": range, "show": true });
    Some(CodeActionOrCommand::CodeAction(CodeAction {
        title: TITLE.to_string(),
        command: Some(Command {
            title: TITLE.to_string(),
            command: SEARCH_SELECTION.to_string(),
            arguments: Some(vec![argument]),
        }),
        ..CodeAction::default()
    }))
}

/// Runs `pyguide.searchSelection`.
pub async fn execute(
    shared: &Shared,
    client: &Client,
    arguments: &[Value],
) -> Result<Option<Value>> {
    let args: Args = arguments
        .first()
        .cloned()
        .and_then(|v| serde_json::from_value(v).ok())
        .ok_or_else(|| {
            Error::invalid_params(format!(
                "`{SEARCH_SELECTION}` takes one argument {{\"uri\", \"range\", \"show\"?}}"
            ))
        })?;
    let Some(snapshot) = shared.documents.get(&args.uri) else {
        return Err(Error::invalid_params(format!(
            "`{}` is not an open document",
            args.uri.as_str()
        )));
    };
    let findings = findings_of(&snapshot).await?;
    let bytes = snapshot.lines(shared.encoding()).byte_range(args.range);
    let library = shared.library();
    let lib = library.clone();
    let hits = tokio::task::spawn_blocking(move || {
        let index = lib.index()?;
        code_search::search_selection(index, snapshot.text(), &bytes, &findings, LIMIT)
            .map_err(|e| e.to_string())
    })
    .await
    .map_err(|_| Error::internal_error())?
    .map_err(|e| Error {
        code: tower_lsp_server::jsonrpc::ErrorCode::InternalError,
        message: format!("search failed: {e}").into(),
        data: None,
    })?;
    if args.show {
        let client = client.clone();
        let show_document = shared.caps().show_document;
        let offered = hits.iter().take(SHOWN).cloned().collect();
        tokio::spawn(offer(client, library, show_document, offered));
    }
    shared.guarded("executeCommand", || {
        serde_json::to_value(&hits)
            .map(Some)
            .map_err(|e| Error::invalid_params(e.to_string()))
    })
}

/// Offers `hits` with `window/showMessageRequest` and opens the one picked.
async fn offer(client: Client, library: Arc<Library>, show_document: bool, hits: Vec<Hit>) {
    if hits.is_empty() {
        client
            .show_message(MessageType::INFO, "PyGuide: no topic matches the selection")
            .await;
        return;
    }
    let actions = hits
        .iter()
        .map(|h| MessageActionItem {
            title: h.title.clone(),
            properties: Default::default(),
        })
        .collect();
    let request = client.show_message_request(
        MessageType::INFO,
        "PyGuide: topics for the selection",
        Some(actions),
    );
    let Ok(Ok(Some(picked))) = tokio::time::timeout(PICK_TIMEOUT, request).await else {
        return;
    };
    let Some(hit) = hits.iter().find(|h| h.title == picked.title) else {
        return;
    };
    let Some(uri) = library.topic_file(&hit.id).and_then(Uri::from_file_path) else {
        return;
    };
    if show_document {
        let params = ShowDocumentParams {
            uri,
            external: Some(false),
            take_focus: Some(true),
            selection: None,
        };
        let _ = tokio::time::timeout(PICK_TIMEOUT, client.show_document(params)).await;
    } else {
        client
            .show_message(
                MessageType::INFO,
                format!("{}: {}", hit.title, uri.as_str()),
            )
            .await;
    }
}
