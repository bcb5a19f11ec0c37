//! `initialize`, `initialized`, `shutdown`. `initialize` only negotiates
//! (position encoding, capabilities) and reads the settings: the guide is
//! loaded, and the workspace's models indexed, by background tasks started
//! from `initialized`, so the initialize result comes back at once.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;

use tower_lsp_server::Client;
use tower_lsp_server::ls_types::{
    DidChangeWatchedFilesRegistrationOptions, ExecuteCommandOptions, FileSystemWatcher,
    GlobPattern, HoverProviderCapability, InitializeParams, InitializeResult, MessageType, OneOf,
    Registration, SaveOptions, ServerCapabilities, ServerInfo, TextDocumentSyncCapability,
    TextDocumentSyncKind, TextDocumentSyncOptions, TextDocumentSyncSaveOptions,
};

use super::execute_command::COMMANDS;
use crate::server::blocking::{READ_TIMEOUT, in_background, off_runtime};
use crate::server::config::{Layer, client_section, parse_layer, read_pyproject_keeping_text};
use crate::server::position::Encoding;
use crate::server::state::{ClientCaps, Shared, TopicLinks};
use crate::server::worker::{Op, Queue};
use crate::server::workspace::{file_path, index_roots, install};

/// How long the server waits for the client to answer one of its requests.
pub const CLIENT_TIMEOUT: Duration = Duration::from_secs(10);

/// What `initialize` found that `initialized` should tell the user.
pub type Problems = Vec<String>;

/// `project` is `[tool.pyguide]` of the first root's pyproject.toml, read
/// beforehand off the async threads ([`read_project`]).
pub fn initialize(
    shared: &Shared,
    params: InitializeParams,
    project: (Layer, Problems),
) -> (InitializeResult, Problems) {
    let caps = &params.capabilities;
    let offered = caps
        .general
        .as_ref()
        .and_then(|g| g.position_encodings.as_deref());
    let encoding = Encoding::negotiate(offered);
    *shared.encoding.write().unwrap_or_else(|p| p.into_inner()) = encoding;
    let client_caps = ClientCaps {
        show_document: caps
            .window
            .as_ref()
            .and_then(|w| w.show_document.as_ref())
            .is_some_and(|s| s.support),
        watch_files_dynamically: caps
            .workspace
            .as_ref()
            .and_then(|w| w.did_change_watched_files.as_ref())
            .and_then(|d| d.dynamic_registration)
            .unwrap_or(false),
        topic_links: TopicLinks::for_client(params.client_info.as_ref().map(|c| c.name.as_str())),
    };
    *shared.caps.write().unwrap_or_else(|p| p.into_inner()) = client_caps;
    let roots = roots(&params);
    *shared.roots.write().unwrap_or_else(|p| p.into_inner()) = roots.clone();

    let mut problems = Vec::new();
    let (project, p) = project;
    problems.extend(p);
    let init = params.initialization_options.unwrap_or_default();
    let (client, p) = parse_layer(
        client_section(&init),
        "initializationOptions",
        roots.first().map(|r| r.as_path()),
    );
    problems.extend(p);
    shared.update_settings(|layers| {
        layers.project = project;
        layers.client = client;
    });
    shared.initialized.store(true, Ordering::Release);

    let result = InitializeResult {
        capabilities: capabilities(encoding),
        server_info: Some(ServerInfo {
            name: "pyguide".to_string(),
            version: Some(env!("CARGO_PKG_VERSION").to_string()),
        }),
        offset_encoding: None,
    };
    (result, problems)
}

fn capabilities(encoding: Encoding) -> ServerCapabilities {
    ServerCapabilities {
        position_encoding: Some(encoding.kind()),
        text_document_sync: Some(TextDocumentSyncCapability::Options(
            TextDocumentSyncOptions {
                open_close: Some(true),
                change: Some(TextDocumentSyncKind::INCREMENTAL),
                save: Some(TextDocumentSyncSaveOptions::SaveOptions(SaveOptions {
                    include_text: Some(false),
                })),
                ..TextDocumentSyncOptions::default()
            },
        )),
        hover_provider: Some(HoverProviderCapability::Simple(true)),
        code_action_provider: Some(
            tower_lsp_server::ls_types::CodeActionProviderCapability::Options(
                tower_lsp_server::ls_types::CodeActionOptions {
                    code_action_kinds: Some(vec![
                        tower_lsp_server::ls_types::CodeActionKind::QUICKFIX,
                        tower_lsp_server::ls_types::CodeActionKind::new(
                            super::code_action::FIX_ALL,
                        ),
                    ]),
                    ..Default::default()
                },
            ),
        ),
        workspace_symbol_provider: Some(OneOf::Left(true)),
        execute_command_provider: Some(ExecuteCommandOptions {
            commands: COMMANDS.iter().map(|c| c.to_string()).collect(),
            ..ExecuteCommandOptions::default()
        }),
        ..ServerCapabilities::default()
    }
}

/// `[tool.pyguide]` of the first root's pyproject.toml, read on a blocking
/// thread (bounded: a FIFO or device there is reported, never read). The
/// text is kept in `shared` for the project's versions (read once).
pub async fn read_project(shared: &Shared, params: &InitializeParams) -> (Layer, Problems) {
    let Some(root) = roots(params).into_iter().next() else {
        return Default::default();
    };
    let shown = root.join("pyproject.toml").display().to_string();
    let dir = root.clone();
    let read = off_runtime("reading pyproject.toml", READ_TIMEOUT, move || {
        read_pyproject_keeping_text(&dir)
    });
    let read = read.await.map(|(layer, problems, text)| {
        *shared.pyproject.lock().unwrap_or_else(|p| p.into_inner()) = Some((root, text));
        (layer, problems)
    });
    read.unwrap_or_else(|| {
        (
            Layer::default(),
            vec![format!("{shown}: could not be read in time; ignored")],
        )
    })
}

/// The workspace folders' paths (else the deprecated root URI's).
fn roots(params: &InitializeParams) -> Vec<PathBuf> {
    if let Some(folders) = &params.workspace_folders {
        return folders.iter().filter_map(|f| file_path(&f.uri)).collect();
    }
    #[allow(deprecated)]
    params
        .root_uri
        .as_ref()
        .and_then(file_path)
        .into_iter()
        .collect()
}

/// After the client has the result: report settings problems, watch files,
/// load the guide and index the workspace in the background.
pub async fn initialized(
    shared: Arc<Shared>,
    client: Client,
    queue: Arc<Queue>,
    problems: Problems,
) {
    report(&client, &problems).await;
    load_guide(shared.clone(), client.clone());
    index_workspace(shared.clone(), queue);
    if shared.caps().watch_files_dynamically {
        let options = DidChangeWatchedFilesRegistrationOptions {
            watchers: ["**/*.py", "**/pyproject.toml"]
                .map(|glob| FileSystemWatcher {
                    glob_pattern: GlobPattern::String(glob.to_string()),
                    kind: None,
                })
                .to_vec(),
        };
        let registration = Registration {
            id: "pyguide-watch-python".to_string(),
            method: "workspace/didChangeWatchedFiles".to_string(),
            register_options: serde_json::to_value(options).ok(),
        };
        // Not awaited here: a client slow to answer must not hold up `initialized`.
        tokio::spawn(async move {
            let registered = client.register_capability(vec![registration]);
            match tokio::time::timeout(CLIENT_TIMEOUT, registered).await {
                Ok(Ok(())) => {}
                Ok(Err(e)) => tracing::warn!("the client refused to watch files: {e}"),
                Err(_) => tracing::warn!("the client did not answer registerCapability"),
            }
        });
    }
}

/// Shows settings problems as one warning.
pub async fn report(client: &Client, problems: &[String]) {
    if problems.is_empty() {
        return;
    }
    let message = format!(
        "pyguide: invalid settings (using defaults for these): {}",
        problems.join("; ")
    );
    tracing::warn!("{message}");
    client.show_message(MessageType::WARNING, message).await;
}

/// Loads the current guide in the background (requests answer from the
/// built-in guide meanwhile) and reports broken user topics. Diagnostics
/// do not depend on it (their links are built-in topics': see
/// `References`), so none is published again.
pub fn load_guide(shared: Arc<Shared>, client: Client) {
    tokio::spawn(async move {
        let lazy = shared.lazy_library();
        let Some(library) = in_background("loading the guide", move || lazy.get()).await else {
            return;
        };
        let errors: Vec<String> = library.errors().iter().map(|e| e.to_string()).collect();
        if !errors.is_empty() {
            let message = format!("pyguide: topics skipped: {}", errors.join("; "));
            client.show_message(MessageType::WARNING, message).await;
        }
    });
}

/// Indexes the Django models of the workspace folders in the background,
/// then analyses the open documents again.
fn index_workspace(shared: Arc<Shared>, queue: Arc<Queue>) {
    let roots = shared.roots();
    if roots.is_empty() {
        return;
    }
    tokio::spawn(async move {
        let indexed = in_background("indexing the workspace", move || index_roots(&roots));
        let Some((index, files)) = indexed.await else {
            return;
        };
        tracing::info!("workspace index: {} models", index.len());
        let changed = !(index.is_empty() && shared.models().is_empty());
        install(&shared, index, files);
        if changed {
            queue.push(Op::Reanalyze);
        }
    });
}

pub fn shutdown(shared: &Shared) {
    shared.shut_down.store(true, Ordering::Release);
}
