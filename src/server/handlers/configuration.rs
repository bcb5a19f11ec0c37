//! `workspace/didChangeConfiguration`: the client's settings replace the
//! client layer (over `[tool.pyguide]` from pyproject.toml). A client that
//! sends no settings (the pull model) is asked for the `pyguide` section
//! with `workspace/configuration`. Problems are shown as one warning; a
//! change of guide folders reloads the guide; diagnostics are republished.

use std::sync::Arc;

use serde_json::Value;
use tower_lsp_server::Client;
use tower_lsp_server::ls_types::{ConfigurationItem, DidChangeConfigurationParams};

use super::lifecycle::{CLIENT_TIMEOUT, load_guide, report};
use crate::server::blocking::{READ_TIMEOUT, off_runtime};
use crate::server::config::{Layer, client_section, parse_layer, read_pyproject};
use crate::server::state::Shared;
use crate::server::worker::{Op, Queue};

pub async fn did_change_configuration(
    shared: Arc<Shared>,
    client: Client,
    queue: Arc<Queue>,
    params: DidChangeConfigurationParams,
) {
    let mut settings = client_section(&params.settings).clone();
    if is_empty(&settings) {
        let item = ConfigurationItem {
            scope_uri: None,
            section: Some("pyguide".to_string()),
        };
        let asked = tokio::time::timeout(CLIENT_TIMEOUT, client.configuration(vec![item]));
        match asked.await {
            Ok(Ok(mut values)) if !values.is_empty() => settings = values.swap_remove(0),
            _ => return,
        }
    }
    let root = shared.roots().into_iter().next();
    let (layer, problems) = parse_layer(
        &settings,
        "workspace/didChangeConfiguration",
        root.as_deref(),
    );
    let reload = shared.update_settings(|layers| layers.client = layer);
    apply(shared, client, queue, &problems, reload).await;
}

/// Re-reads `[tool.pyguide]` (after pyproject.toml changed on disk).
pub async fn reload_project(shared: Arc<Shared>, client: Client, queue: Arc<Queue>) {
    let Some(root) = shared.roots().into_iter().next() else {
        return;
    };
    let shown = root.join("pyproject.toml").display().to_string();
    let read = off_runtime("reading pyproject.toml", READ_TIMEOUT, move || {
        read_pyproject(&root)
    });
    let (layer, problems) = read.await.unwrap_or_else(|| {
        (
            Layer::default(),
            vec![format!("{shown}: could not be read in time; ignored")],
        )
    });
    let reload = shared.update_settings(|layers| layers.project = layer);
    apply(shared, client, queue, &problems, reload).await;
}

async fn apply(
    shared: Arc<Shared>,
    client: Client,
    queue: Arc<Queue>,
    problems: &[String],
    reload: bool,
) {
    report(&client, problems).await;
    if reload {
        load_guide(shared, client);
    }
    queue.push(Op::Republish);
}

fn is_empty(v: &Value) -> bool {
    v.is_null() || v.as_object().is_some_and(|o| o.is_empty())
}
