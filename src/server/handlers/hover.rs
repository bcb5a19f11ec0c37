//! `textDocument/hover`: on a detected construct, Markdown with the topic's
//! title and summary, what the finding says about this code, the codes
//! found there, the topic's references and links that open the whole topic.
//! The range is the construct's; `null` where nothing is detected. Hints
//! count (they are the educational links) whatever the diagnostics setting;
//! `select`/`ignore` apply.

use std::fmt::Write;

use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::ls_types::{
    Hover, HoverContents, HoverParams, MarkupContent, MarkupKind, Uri,
};

use crate::detect::{Finding, Selection};
use crate::server::documents::Snapshot;
use crate::server::library::Library;
use crate::server::position::Encoding;
use crate::server::state::{Shared, findings_of};

use super::execute_command::OPEN_TOPIC;

pub async fn hover(shared: &Shared, params: HoverParams) -> Result<Option<Hover>> {
    let at = params.text_document_position_params;
    let Some(snapshot) = shared.documents.get(&at.text_document.uri) else {
        return Ok(None);
    };
    let findings = findings_of(&snapshot).await?;
    shared.guarded("hover", || {
        let encoding = shared.encoding();
        let offset = snapshot.lines(encoding).offset(at.position);
        let selection = shared.settings().constructs();
        Ok(hover_at(
            &snapshot,
            &findings,
            offset,
            &selection,
            &shared.library(),
            encoding,
        ))
    })
}

/// The hover for byte `offset`, if a finding covers it.
pub fn hover_at(
    snapshot: &Snapshot,
    findings: &[Finding],
    offset: usize,
    selection: &Selection,
    library: &Library,
    encoding: Encoding,
) -> Option<Hover> {
    let mut here: Vec<&Finding> = findings
        .iter()
        .filter(|f| selection.allows(f.rule) && covers(f, offset))
        .collect();
    // The innermost construct first; its range is the hover's.
    here.sort_by_key(|f| (f.range.len(), f.range.start));
    let innermost = here.first()?;
    let mut topics: Vec<&str> = Vec::new();
    for f in &here {
        if !topics.contains(&f.topic()) {
            topics.push(f.topic());
        }
    }
    let sections: Vec<String> = topics
        .iter()
        .map(|id| section(id, &here, library))
        .collect();
    Some(Hover {
        contents: HoverContents::Markup(MarkupContent {
            kind: MarkupKind::Markdown,
            value: sections.join("\n---\n\n"),
        }),
        range: Some(snapshot.lines(encoding).range(&innermost.range)),
    })
}

/// Whether the finding's range contains `offset` (an empty range, its point).
fn covers(f: &Finding, offset: usize) -> bool {
    f.range.contains(&offset) || (f.range.is_empty() && f.range.start == offset)
}

/// One topic's part of the hover.
fn section(id: &str, here: &[&Finding], library: &Library) -> String {
    let mut out = String::new();
    let findings = here.iter().filter(|f| f.topic() == id);
    match library.topic(id) {
        Some(topic) => {
            let _ = writeln!(out, "### {}\n\n{}\n", topic.title, topic.summary);
        }
        None => {
            let _ = writeln!(out, "### `{id}`\n");
        }
    }
    for f in findings {
        let _ = writeln!(out, "- **{}** {}", f.code(), f.message);
    }
    out.push('\n');
    if let Some(topic) = library.topic(id)
        && !topic.references.is_empty()
    {
        let refs: Vec<String> = topic
            .references
            .iter()
            .map(|r| format!("[{}]({})", r.title, r.url))
            .collect();
        let _ = writeln!(out, "References: {}\n", refs.join(" · "));
    }
    let mut links = vec![format!(
        "[Open the full topic](command:{OPEN_TOPIC}?{})",
        percent_encode(&serde_json::json!([id]).to_string())
    )];
    if let Some(uri) = library.topic_file(id).and_then(Uri::from_file_path) {
        links.push(format!("[topic as Markdown]({})", uri.as_str()));
    }
    let _ = writeln!(out, "{}", links.join(" · "));
    out
}

/// Percent-encodes everything but unreserved characters (for a command
/// link's JSON arguments).
fn percent_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len() * 2);
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
            out.push(b as char);
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn command_arguments_are_percent_encoded() {
        assert_eq!(percent_encode(r#"["a-b"]"#), "%5B%22a-b%22%5D");
    }
}
