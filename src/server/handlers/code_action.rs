//! `textDocument/codeAction`: for the constructs in the requested range,
//! a `quickfix` with a `WorkspaceEdit` per fixable finding (preferred only
//! when the fix is safe: it keeps behaviour for every input), an
//! "Explain: <topic title>" action per topic
//! (command `pyguide.openTopic`), "Ignore PGxxx on this line" per code
//! (`ignore_line.rs`), and, when text is selected, "Search the
//! guide for the selection" (see `search_selection`).
//!
//! A fix comes from the diagnostic's `data` when its version is the
//! document's current one; otherwise (or for findings the client did not
//! send back) it is recomputed from the current text.
//!
//! `source.fixAll.pyguide` (asked for with `context.only`, e.g. VS Code's
//! `editor.codeActionsOnSave`) applies every safe fix of the reported
//! findings at once, as one edit; unsafe fixes are never applied this way.

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
use crate::detect::{Applicability, Finding, Selection};
use crate::server::documents::Snapshot;
use crate::server::library::Library;
use crate::server::position::Encoding;
use crate::server::state::{Shared, findings_of};

/// The kind of the fix-all action, as ruff names its own.
pub const FIX_ALL: &str = "source.fixAll.pyguide";

pub async fn code_action(
    shared: &Shared,
    params: CodeActionParams,
) -> Result<Option<CodeActionResponse>> {
    let Some(snapshot) = shared.documents.get(&params.text_document.uri) else {
        return Ok(None);
    };
    let findings = findings_of(&snapshot).await?;
    let only = params.context.only.clone().unwrap_or_default();
    let wants = |kind: &str| only.is_empty() || only.iter().any(|k| kind.starts_with(k.as_str()));
    if !only.is_empty() && !wants(CodeActionKind::QUICKFIX.as_str()) {
        // Only source actions asked for (on save): just the fix-all.
        return shared.guarded("codeAction", || {
            let selection = shared.settings().diagnostics();
            Ok(Some(
                fix_all(
                    &params.text_document.uri,
                    &snapshot,
                    &findings,
                    &selection,
                    shared.encoding(),
                )
                .filter(|_| wants(FIX_ALL))
                .into_iter()
                .collect(),
            ))
        });
    }
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
        let mut actions = actions;
        if wants(FIX_ALL) && !only.is_empty() {
            let selection = shared.settings().diagnostics();
            actions.extend(fix_all(
                &params.text_document.uri,
                &snapshot,
                &findings,
                &selection,
                encoding,
            ));
        }
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
        out.push(quickfix(req.uri, fix, sent.cloned()));
    }
    out.extend(super::ignore_line::actions(
        req.uri,
        &lines,
        &in_range,
        req.diagnostics,
    ));
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

/// One action of kind [`FIX_ALL`] applying every safe fix of the findings
/// `selection` reports, or `None` when there is none.
pub fn fix_all(
    uri: &Uri,
    snapshot: &Snapshot,
    findings: &[Finding],
    selection: &Selection,
    encoding: Encoding,
) -> Option<CodeActionOrCommand> {
    let reported: Vec<Finding> = findings
        .iter()
        .filter(|f| selection.allows(f.rule))
        .cloned()
        .collect();
    let (fixed, applied) = crate::detect::fix_all(
        snapshot.text(),
        &reported,
        |a| a == Applicability::Safe,
        |text| {
            snapshot
                .reanalyse(text)
                .into_iter()
                .filter(|f| selection.allows(f.rule))
                .collect()
        },
    );
    if applied == 0 {
        return None;
    }
    let text = snapshot.text();
    let prefix = common_prefix(text, &fixed);
    let suffix = common_suffix(&text[prefix..], &fixed[prefix..]);
    let lines = snapshot.lines(encoding);
    let edit = TextEdit::new(
        lines.range(&(prefix..text.len() - suffix)),
        fixed[prefix..fixed.len() - suffix].to_string(),
    );
    Some(CodeActionOrCommand::CodeAction(CodeAction {
        title: format!(
            "Fix all safe pyguide findings ({applied} fix{})",
            if applied == 1 { "" } else { "es" }
        ),
        kind: Some(CodeActionKind::new(FIX_ALL)),
        edit: Some(WorkspaceEdit {
            changes: Some(HashMap::from([(uri.clone(), vec![edit])])),
            ..WorkspaceEdit::default()
        }),
        ..CodeAction::default()
    }))
}

/// Length in bytes of the longest common prefix, on a char boundary.
fn common_prefix(a: &str, b: &str) -> usize {
    a.char_indices()
        .zip(b.chars())
        .find(|((_, x), y)| x != y)
        .map_or(a.len().min(b.len()), |((i, _), _)| i)
}

/// Length in bytes of the longest common suffix, on a char boundary.
fn common_suffix(a: &str, b: &str) -> usize {
    let mut n = 0;
    for (x, y) in a.chars().rev().zip(b.chars().rev()) {
        if x != y {
            break;
        }
        n += x.len_utf8();
    }
    n.min(a.len()).min(b.len())
}

fn quickfix(uri: &Uri, fix: FixData, diagnostic: Option<Diagnostic>) -> CodeActionOrCommand {
    let preferred = fix.applicability == Applicability::Safe;
    let edits: Vec<TextEdit> = fix.edits;
    CodeActionOrCommand::CodeAction(CodeAction {
        title: fix.title,
        kind: Some(CodeActionKind::QUICKFIX),
        diagnostics: diagnostic.map(|d| vec![d]),
        edit: Some(WorkspaceEdit {
            changes: Some(HashMap::from([(uri.clone(), edits)])),
            ..WorkspaceEdit::default()
        }),
        is_preferred: Some(preferred),
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
    fn common_ends_stay_on_char_boundaries() {
        assert_eq!(common_prefix("héllo", "hélp"), 4);
        assert_eq!(common_suffix("aé", "bé"), 2);
        assert_eq!(common_prefix("ab", "ab"), 2);
        assert_eq!(common_suffix("x", "yx"), 1);
    }

    #[test]
    fn ranges_overlap_or_touch_when_empty() {
        assert!(overlaps(&(2..5), &(4..9)));
        assert!(!overlaps(&(2..5), &(6..9)));
        assert!(overlaps(&(2..5), &(5..5)));
        assert!(overlaps(&(2..5), &(2..2)));
        assert!(!overlaps(&(2..5), &(5..9)));
    }
}
