//! The "Ignore PGxxx on this line" code action: for each code found in the
//! requested range, an edit that adds `# pyguide: ignore[PGxxx]` to the
//! line where the finding starts, or merges the code into the ignore
//! comment already there (the text work is `detect::ignore_edit`).
//! Offered for warnings, and for hints the client shows as diagnostics
//! (it sends them back in the request's context).

use std::collections::HashMap;

use tower_lsp_server::ls_types::{
    CodeAction, CodeActionKind, CodeActionOrCommand, Diagnostic, NumberOrString, TextEdit, Uri,
    WorkspaceEdit,
};

use super::diagnostics::SOURCE;
use crate::detect::{Finding, Severity, ignore_edit};
use crate::server::position::Lines;

/// One action per (code, line) among `findings`, after their fixes.
pub fn actions(
    uri: &Uri,
    lines: &Lines,
    findings: &[&Finding],
    sent: &[Diagnostic],
) -> Vec<CodeActionOrCommand> {
    let mut done: Vec<(&str, usize)> = Vec::new();
    let mut out = Vec::new();
    for f in findings {
        let line = lines.index.line_of(f.range.start);
        if done.contains(&(f.code(), line)) {
            continue;
        }
        done.push((f.code(), line));
        let diagnostic = sent.iter().find(|d| {
            d.source.as_deref() == Some(SOURCE)
                && d.code == Some(NumberOrString::String(f.code().to_string()))
                && d.range == lines.range(&f.range)
        });
        // A hint is only worth silencing where it is shown as a diagnostic.
        if f.severity() == Severity::Hint && diagnostic.is_none() {
            continue;
        }
        let Some(edit) = ignore_edit(lines.text, f.range.start, f.code()) else {
            continue;
        };
        out.push(CodeActionOrCommand::CodeAction(CodeAction {
            title: format!("Ignore {} on this line", f.code()),
            kind: Some(CodeActionKind::QUICKFIX),
            diagnostics: diagnostic.map(|d| vec![d.clone()]),
            edit: Some(WorkspaceEdit {
                changes: Some(HashMap::from([(
                    uri.clone(),
                    vec![TextEdit {
                        range: lines.range(&edit.range),
                        new_text: edit.content,
                    }],
                )])),
                ..WorkspaceEdit::default()
            }),
            is_preferred: Some(false),
            ..CodeAction::default()
        }));
    }
    out
}
