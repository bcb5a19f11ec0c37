//! The `LanguageServer` implementation: routes each method to its handler
//! in `handlers/` (practice requests to `practice.rs`). Requests that read documents first wait until every
//! document notification sent before them has been applied.

use std::sync::{Arc, Mutex};

use serde_json::Value;
use tokio::sync::mpsc::{UnboundedReceiver, unbounded_channel};
use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::ls_types::*;
use tower_lsp_server::{Client, LanguageServer};

use super::ServerOptions;
use super::handlers::{
    code_action, configuration, execute_command, hover, lifecycle, symbol, topic, watched_files,
};
use super::practice;
use super::state::Shared;
use super::worker::{self, Op, Publish, Queue};

pub struct Backend {
    client: Client,
    shared: Arc<Shared>,
    queue: Arc<Queue>,
    /// Taken by `initialize`, which starts the publisher task.
    published: Mutex<Option<UnboundedReceiver<Publish>>>,
    /// Settings problems found by `initialize`, shown by `initialized`.
    problems: Mutex<lifecycle::Problems>,
}

impl Backend {
    pub fn new(client: Client, options: ServerOptions) -> Backend {
        let shared = Arc::new(Shared::new(options));
        let (tx, rx) = unbounded_channel();
        let queue = Arc::new(worker::start(shared.clone(), tx));
        Backend {
            client,
            shared,
            queue,
            published: Mutex::new(Some(rx)),
            problems: Mutex::new(Vec::new()),
        }
    }

    pub fn shared(&self) -> &Arc<Shared> {
        &self.shared
    }

    pub fn queue(&self) -> &Queue {
        &self.queue
    }

    /// `pyguide/topic` (a topic opened: met, for practice).
    pub async fn topic(&self, params: topic::TopicParams) -> Result<topic::TopicResult> {
        let result = topic::topic(&self.shared, params)?;
        practice::record(
            &self.shared,
            vec![result.id.clone()],
            crate::practice::Seen::Explain,
        );
        Ok(result)
    }

    /// `pyguide/practice/next`.
    pub async fn practice_next(
        &self,
        params: practice::NextParams,
    ) -> Result<practice::NextResult> {
        practice::next(&self.shared, params).await
    }

    /// `pyguide/practice/answer`.
    pub async fn practice_answer(
        &self,
        params: practice::AnswerParams,
    ) -> Result<practice::AnswerResult> {
        practice::answer(&self.shared, params).await
    }

    /// `pyguide/practice/status`.
    pub async fn practice_status(
        &self,
        params: practice::StatusParams,
    ) -> Result<practice::StatusResult> {
        practice::status(&self.shared, params).await
    }

    fn push(&self, method: &str, params: impl serde::Serialize) {
        if let Ok(value) = serde_json::to_value(params)
            && let Some(op) = Op::for_method(method, value)
        {
            self.queue.push(op);
        }
    }
}

impl LanguageServer for Backend {
    async fn initialize(&self, params: InitializeParams) -> Result<InitializeResult> {
        let project = lifecycle::read_project(&self.shared, &params).await;
        let (result, problems) = self.shared.guarded("initialize", || {
            Ok(lifecycle::initialize(&self.shared, params, project))
        })?;
        *self.problems.lock().unwrap_or_else(|p| p.into_inner()) = problems;
        let rx = self
            .published
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .take();
        if let Some(mut rx) = rx {
            let client = self.client.clone();
            let shared = self.shared.clone();
            tokio::spawn(async move {
                // The last result sent per document: analyses run in
                // parallel, so an older one may finish after a newer one.
                let mut sent: std::collections::HashMap<Uri, u64> = Default::default();
                while let Some(p) = rx.recv().await {
                    let last = sent.entry(p.uri.clone()).or_default();
                    if p.seq < *last {
                        continue;
                    }
                    *last = p.seq;
                    // The diagnostics first: practice recording is never on
                    // their path.
                    client
                        .publish_diagnostics(p.uri.clone(), p.diagnostics, p.version)
                        .await;
                    match p.version {
                        // A closed document's empty diagnostics.
                        None => shared.practice.closed(&p.uri),
                        Some(_) => practice::met_in_code(&shared, &p.uri, &p.topics),
                    }
                }
            });
        }
        Ok(result)
    }

    async fn initialized(&self, _: InitializedParams) {
        let problems =
            std::mem::take(&mut *self.problems.lock().unwrap_or_else(|p| p.into_inner()));
        lifecycle::initialized(
            self.shared.clone(),
            self.client.clone(),
            self.queue.clone(),
            problems,
        )
        .await;
    }

    async fn shutdown(&self) -> Result<()> {
        lifecycle::shutdown(&self.shared);
        Ok(())
    }

    // Document notifications normally never get here: the service wrapper
    // queues them in arrival order (see `service.rs`). These are for a
    // backend served without the wrapper.
    async fn did_open(&self, params: DidOpenTextDocumentParams) {
        self.push("textDocument/didOpen", params);
    }

    async fn did_change(&self, params: DidChangeTextDocumentParams) {
        self.push("textDocument/didChange", params);
    }

    async fn did_save(&self, params: DidSaveTextDocumentParams) {
        self.push("textDocument/didSave", params);
    }

    async fn did_close(&self, params: DidCloseTextDocumentParams) {
        self.push("textDocument/didClose", params);
    }

    async fn hover(&self, params: HoverParams) -> Result<Option<Hover>> {
        let uri = &params.text_document_position_params.text_document.uri;
        self.queue.caught_up_with(uri.as_str()).await;
        let Some(shown) = hover::hover(&self.shared, params).await? else {
            return Ok(None);
        };
        let topics = shown.topics.iter().map(|t| t.to_string()).collect();
        practice::record(&self.shared, topics, crate::practice::Seen::Hover);
        Ok(Some(shown.hover))
    }

    async fn code_action(&self, params: CodeActionParams) -> Result<Option<CodeActionResponse>> {
        self.queue
            .caught_up_with(params.text_document.uri.as_str())
            .await;
        code_action::code_action(&self.shared, params).await
    }

    async fn symbol(
        &self,
        params: WorkspaceSymbolParams,
    ) -> Result<Option<WorkspaceSymbolResponse>> {
        symbol::symbol(&self.shared, params).await
    }

    async fn execute_command(&self, params: ExecuteCommandParams) -> Result<Option<Value>> {
        let opened = execute_command::execute_command(&self.shared, &self.client, params).await?;
        // An Explain action (or a hover link) opened a topic: met, for practice.
        if let Some(id) = opened
            .as_ref()
            .and_then(|v| v.get("uri").and(v.get("id")))
            .and_then(Value::as_str)
        {
            practice::record(
                &self.shared,
                vec![id.to_string()],
                crate::practice::Seen::Explain,
            );
        }
        Ok(opened)
    }

    async fn did_change_configuration(&self, params: DidChangeConfigurationParams) {
        configuration::did_change_configuration(
            self.shared.clone(),
            self.client.clone(),
            self.queue.clone(),
            params,
        )
        .await;
    }

    async fn did_change_watched_files(&self, params: DidChangeWatchedFilesParams) {
        watched_files::did_change_watched_files(
            self.shared.clone(),
            self.client.clone(),
            self.queue.clone(),
            params,
        )
        .await;
    }
}
