//! `textDocument/codeAction`: for the constructs in the requested range,
//! a `quickfix` with a `WorkspaceEdit` per fixable finding (preferred when
//! the rule is a warning), an "Explain: <topic title>" action per topic
//! (command `pyguide.openTopic`), and, when text is selected, "Search the
//! guide for the selection" (see `search_selection`).
//!
//! A fix comes from the diagnostic's `data` when its version is the
//! document's current one; otherwise (or for findings the client did not
//! send back) it is recomputed from the current text.

use std::collections::HashMap;
use std::ops::Range;

use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::ls_types::{
    CodeAction, CodeActionKind, CodeActionOrCommand, CodeActionParams, CodeActionResponse, Command,
    Diagnostic, NumberOrString, TextEdit, Uri, WorkspaceEdit,
};

use super::diagnostics::{DiagnosticData, FixData, SOURCE};
use super::execute_command::OPEN_TOPIC;
use super::search_selection;
use crate::detect::{Finding, Selection, Severity};
use crate::server::documents::Snapshot;
use crate::server::library::Library;
use crate::server::position::Encoding;
use crate::server::state::{Shared, findings_of};

pub async fn code_action(
    shared: &Shared,
    params: CodeActionParams,
) -> Result<Option<CodeActionResponse>> {
    let Some(snapshot) = shared.documents.get(&params.text_document.uri) else {
        return Ok(None);
    };
    let findings = findings_of(&snapshot).await?;
    shared.guarded("codeAction", || {
        let encoding = shared.encoding();
        let actions = actions(
            &Request {
                uri: &params.text_document.uri,
                range: snapshot.lines(encoding).byte_range(params.range),
                diagnostics: &params.context.diagnostics,
            },
            &snapshot,
            &findings,
            &shared.settings().constructs(),
            &shared.library(),
            encoding,
        );
        Ok(Some(actions))
    })
}

/// What the client asked about.
pub struct Request<'a> {
    pub uri: &'a Uri,
    pub range: Range<usize>,
    pub diagnostics: &'a [Diagnostic],
}

pub fn actions(
    req: &Request,
    snapshot: &Snapshot,
    findings: &[Finding],
    selection: &Selection,
    library: &Library,
    encoding: Encoding,
) -> Vec<CodeActionOrCommand> {
    let lines = snapshot.lines(encoding);
    let in_range: Vec<&Finding> = findings
        .iter()
        .filter(|f| selection.allows(f.rule) && overlaps(&f.range, &req.range))
        .collect();
    let mut out = Vec::new();
    for f in &in_range {
        let Some(fix) = &f.fix else { continue };
        let range = lines.range(&f.range);
        let sent = req.diagnostics.iter().find(|d| {
            d.source.as_deref() == Some(SOURCE)
                && d.range == range
                && d.code == Some(NumberOrString::String(f.code().to_string()))
        });
        let from_data = sent
            .and_then(|d| d.data.clone())
            .and_then(|v| serde_json::from_value::<DiagnosticData>(v).ok())
            .filter(|data| data.version == snapshot.version)
            .and_then(|data| data.fix);
        let fix = from_data.unwrap_or_else(|| FixData::new(fix, &lines));
        out.push(quickfix(req.uri, fix, sent.cloned(), f.severity()));
    }
    let mut explained: Vec<&str> = Vec::new();
    for f in &in_range {
        if explained.contains(&f.topic()) {
            continue;
        }
        explained.push(f.topic());
        let title = library.topic(f.topic()).map_or(f.topic(), |t| &t.title);
        out.push(command(
            format!("Explain: {title}"),
            OPEN_TOPIC,
            serde_json::json!(f.topic()),
        ));
    }
    out.extend(search_selection::action(
        req.uri,
        lines.range(&req.range),
        snapshot.text(),
        &req.range,
    ));
    out
}

/// Ranges overlap, or touch when one is empty (a cursor at a construct's edge).
fn overlaps(a: &Range<usize>, b: &Range<usize>) -> bool {
    if a.is_empty() || b.is_empty() {
        a.start <= b.end && b.start <= a.end
    } else {
        a.start < b.end && b.start < a.end
    }
}

fn quickfix(
    uri: &Uri,
    fix: FixData,
    diagnostic: Option<Diagnostic>,
    severity: Severity,
) -> CodeActionOrCommand {
    let edits: Vec<TextEdit> = fix.edits;
    CodeActionOrCommand::CodeAction(CodeAction {
        title: fix.title,
        kind: Some(CodeActionKind::QUICKFIX),
        diagnostics: diagnostic.map(|d| vec![d]),
        edit: Some(WorkspaceEdit {
            changes: Some(HashMap::from([(uri.clone(), edits)])),
            ..WorkspaceEdit::default()
        }),
        is_preferred: Some(severity == Severity::Warning),
        ..CodeAction::default()
    })
}

fn command(title: String, name: &str, argument: serde_json::Value) -> CodeActionOrCommand {
    CodeActionOrCommand::CodeAction(CodeAction {
        title: title.clone(),
        command: Some(Command {
            title,
            command: name.to_string(),
            arguments: Some(vec![argument]),
        }),
        ..CodeAction::default()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_overlap_or_touch_when_empty() {
        assert!(overlaps(&(2..5), &(4..9)));
        assert!(!overlaps(&(2..5), &(6..9)));
        assert!(overlaps(&(2..5), &(5..5)));
        assert!(overlaps(&(2..5), &(2..2)));
        assert!(!overlaps(&(2..5), &(5..9)));
    }
}
