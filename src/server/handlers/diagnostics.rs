//! `textDocument/publishDiagnostics`: findings as LSP diagnostics. Each
//! carries `source: "pyguide"`, the rule code, a link to the topic's first
//! reference, and in `data` the document version, topic and fix, so a code
//! action can apply the fix without the server remembering anything (it
//! checks the version first).

use serde::{Deserialize, Serialize};
use tower_lsp_server::ls_types::{
    CodeDescription, Diagnostic, DiagnosticSeverity, NumberOrString, TextEdit,
};

use crate::detect::{Applicability, Finding, Fix, Selection, Severity};
use crate::server::documents::Snapshot;
use crate::server::library::References;
use crate::server::position::{Encoding, Lines};

pub const SOURCE: &str = "pyguide";

/// What `Diagnostic.data` holds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DiagnosticData {
    /// The document version the diagnostic (and its fix) was computed for.
    pub version: i32,
    pub topic: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fix: Option<FixData>,
}

/// A fix as LSP text edits.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FixData {
    pub title: String,
    pub edits: Vec<TextEdit>,
    /// Only safe fixes are preferred and applied by `source.fixAll`.
    #[serde(default = "unsafe_by_default")]
    pub applicability: Applicability,
}

fn unsafe_by_default() -> Applicability {
    Applicability::Unsafe
}

impl FixData {
    pub fn new(fix: &Fix, lines: &Lines) -> FixData {
        FixData {
            title: fix.message.clone(),
            applicability: fix.applicability,
            edits: fix
                .edits
                .iter()
                .map(|e| TextEdit::new(lines.range(&e.range), e.content.clone()))
                .collect(),
        }
    }
}

/// The diagnostics of `findings` that `selection` allows.
pub fn build(
    snapshot: &Snapshot,
    findings: &[Finding],
    selection: &Selection,
    references: &References,
    encoding: Encoding,
) -> Vec<Diagnostic> {
    let lines = snapshot.lines(encoding);
    if snapshot.too_large {
        return vec![too_large(snapshot)];
    }
    // A big document's fixes do not travel in `data`: as JSON values on
    // their way out they would cost more than the text (code actions
    // compute them from the findings instead, as for a stale version).
    let carry_fixes = !crate::detect::is_chunked(snapshot.text());
    findings
        .iter()
        .filter(|f| selection.allows(f.rule))
        .map(|f| diagnostic(f, snapshot.version, &lines, references, carry_fixes))
        .collect()
}

/// The one diagnostic of a document too large to analyse.
fn too_large(snapshot: &Snapshot) -> Diagnostic {
    let mb = |n: u64| n as f64 / f64::from(1 << 20);
    Diagnostic {
        severity: Some(DiagnosticSeverity::INFORMATION),
        source: Some(SOURCE.to_string()),
        message: format!(
            "file too large ({:.1} MB; the limit is {:.0} MB): pyguide skipped its analysis",
            mb(snapshot.text().len() as u64),
            mb(crate::files::MAX_SOURCE_BYTES)
        ),
        ..Diagnostic::default()
    }
}

fn diagnostic(
    f: &Finding,
    version: i32,
    lines: &Lines,
    references: &References,
    carry_fixes: bool,
) -> Diagnostic {
    let href = references.first(f.topic());
    let data = carry_fixes
        .then(|| DiagnosticData {
            version,
            topic: f.topic().to_string(),
            fix: f.fix.as_ref().map(|fix| FixData::new(fix, lines)),
        })
        .and_then(|data| serde_json::to_value(data).ok());
    Diagnostic {
        range: lines.range(&f.range),
        severity: Some(match f.severity() {
            Severity::Hint => DiagnosticSeverity::HINT,
            Severity::Warning => DiagnosticSeverity::WARNING,
        }),
        code: Some(NumberOrString::String(f.code().to_string())),
        code_description: href.map(|href| CodeDescription { href }),
        source: Some(SOURCE.to_string()),
        message: f.message.clone(),
        data,
        ..Diagnostic::default()
    }
}
