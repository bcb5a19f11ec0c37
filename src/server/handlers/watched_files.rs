//! `workspace/didChangeWatchedFiles` (registered dynamically at
//! `initialized` when the client allows): Python files created, changed or
//! deleted on disk update the workspace's model index (open documents are
//! then analysed again); a changed pyproject.toml reloads `[tool.pyguide]`.

use std::sync::Arc;

use tower_lsp_server::Client;
use tower_lsp_server::ls_types::{DidChangeWatchedFilesParams, FileChangeType};

use super::configuration::reload_project;
use crate::server::blocking::{READ_TIMEOUT, off_runtime};
use crate::server::state::Shared;
use crate::server::worker::{Op, Queue};
use crate::server::workspace::{file_path, update_from_disk};

pub async fn did_change_watched_files(
    shared: Arc<Shared>,
    client: Client,
    queue: Arc<Queue>,
    params: DidChangeWatchedFilesParams,
) {
    let mut files = Vec::new();
    let mut project = false;
    for change in params.changes {
        let Some(path) = file_path(&change.uri) else {
            continue;
        };
        if path.file_name().is_some_and(|n| n == "pyproject.toml") {
            project = true;
        } else {
            files.push((path, change.typ == FileChangeType::DELETED));
        }
    }
    let s = shared.clone();
    // Reads are bounded (regular files only, capped), and awaited at most
    // READ_TIMEOUT per file.
    let limit = READ_TIMEOUT * u32::try_from(files.len().max(1)).unwrap_or(u32::MAX);
    let changed = off_runtime("reading changed files", limit, move || {
        files.iter().fold(false, |any, (path, deleted)| {
            update_from_disk(&s, path, *deleted) || any
        })
    })
    .await
    .unwrap_or(false);
    if changed {
        queue.push(Op::Reanalyze);
    }
    if project {
        reload_project(shared, client, queue).await;
    }
}
