//! The custom request `pyguide/topic` `{ "id": ... }` → `{ "id", "title",
//! "markdown" }`, for editor plugins that render topics themselves. An
//! unknown id is an invalid-params error.

use serde::{Deserialize, Serialize};
use tower_lsp_server::jsonrpc::{Error, Result};

use crate::server::state::Shared;

pub const METHOD: &str = "pyguide/topic";

#[derive(Debug, Deserialize)]
pub struct TopicParams {
    pub id: String,
}

#[derive(Debug, Serialize)]
pub struct TopicResult {
    pub id: String,
    pub title: String,
    pub markdown: String,
}

pub fn topic(shared: &Shared, params: TopicParams) -> Result<TopicResult> {
    shared.guarded("topic", || {
        let library = shared.library();
        let topic = library
            .topic(&params.id)
            .ok_or_else(|| Error::invalid_params(format!("no topic has the id `{}`", params.id)))?;
        Ok(TopicResult {
            id: topic.id.clone(),
            title: topic.title.clone(),
            markdown: library.markdown(topic),
        })
    })
}
