//! `workspace/symbol`: the guide's topics as symbols, so any client's
//! symbol search (Ctrl+T in VS Code, `vim.lsp.buf.workspace_symbol()` in
//! Neovim) searches the guide with no plugin. An empty query lists every
//! topic (up to the limit); otherwise the search index ranks them. Each symbol's location is
//! the topic rendered as a Markdown file in the cache folder (written on
//! demand), so opening it shows the topic.

use tower_lsp_server::jsonrpc::{Error, Result};
use tower_lsp_server::ls_types::{
    Location, Position, Range, SymbolInformation, SymbolKind, Uri, WorkspaceSymbolParams,
    WorkspaceSymbolResponse,
};

use crate::server::library::Library;
use crate::server::state::Shared;

/// How many topics a query returns at most (every built-in topic fits).
const LIMIT: usize = 100;

pub async fn symbol(
    shared: &Shared,
    params: WorkspaceSymbolParams,
) -> Result<Option<WorkspaceSymbolResponse>> {
    let library = shared.library();
    let found = tokio::task::spawn_blocking(move || symbols(&library, &params.query))
        .await
        .map_err(|_| Error::internal_error())?;
    shared.guarded("symbol", || {
        found
            .map(|s| Some(WorkspaceSymbolResponse::Flat(s)))
            .map_err(|e| Error {
                code: tower_lsp_server::jsonrpc::ErrorCode::InternalError,
                message: format!("search failed: {e}").into(),
                data: None,
            })
    })
}

/// The topics for `query`, best first, each located at its Markdown file
/// (topics whose file cannot be written are left out).
pub fn symbols(
    library: &Library,
    query: &str,
) -> std::result::Result<Vec<SymbolInformation>, String> {
    let ids: Vec<String> = if query.trim().is_empty() {
        let topics = library.guide().topics().iter().take(LIMIT);
        topics.map(|t| t.id.clone()).collect()
    } else {
        library
            .search(query, LIMIT)?
            .into_iter()
            .map(|h| h.id)
            .collect()
    };
    Ok(ids
        .iter()
        .filter_map(|id| {
            let topic = library.topic(id)?;
            let uri = library.topic_file(id).and_then(Uri::from_file_path)?;
            #[allow(deprecated)]
            Some(SymbolInformation {
                name: topic.title.clone(),
                kind: SymbolKind::FILE,
                tags: None,
                deprecated: None,
                location: Location::new(uri, Range::new(Position::new(0, 0), Position::new(0, 0))),
                container_name: Some(format!("{} · {}", topic.module, topic.id)),
            })
        })
        .collect())
}
