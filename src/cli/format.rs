//! The machine-readable report formats of `pyguide check` besides text and
//! JSON: SARIF 2.1.0 (for code-scanning tools) and GitHub Actions workflow
//! annotations (`::warning file=…,line=…::message`, as ruff prints them).
//! Pure functions from located findings to text; `check.rs` writes them.

use clap::ValueEnum;
use serde_json::{Value, json};

use super::check::{Located, LocatedFix};
use crate::detect::{RULES, Severity};
use crate::guide::Guide;

/// `pyguide check --format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum CheckFormat {
    /// `path:line:col: CODE message (topic: id)`, then a summary line.
    Text,
    /// An array of findings with 1-based positions and fix edits.
    Json,
    /// A SARIF 2.1.0 log (GitHub code scanning and other SARIF viewers).
    Sarif,
    /// GitHub Actions workflow commands: one annotation per finding.
    Github,
}

/// The SARIF schema a log names (the OASIS 2.1.0 schema, as SchemaStore serves it).
const SARIF_SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";

/// The SARIF 2.1.0 log of `located`: one run, whose driver lists the rules
/// that reported something (with their topic's summary and first reference
/// from `guide`), and one result per finding with its region and fix.
pub fn sarif(located: &[Located], guide: &Guide) -> Value {
    let mut codes: Vec<&str> = located.iter().map(|l| l.code).collect();
    codes.sort_unstable();
    codes.dedup();
    let rules: Vec<Value> = codes.iter().map(|code| sarif_rule(code, guide)).collect();
    let results: Vec<Value> = located
        .iter()
        .map(|l| sarif_result(l, codes.binary_search(&l.code).unwrap_or(0)))
        .collect();
    json!({
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": {
                "name": "pyguide",
                "version": env!("CARGO_PKG_VERSION"),
                "rules": rules,
            }},
            "columnKind": "unicodeCodePoints",
            "results": results,
        }],
    })
}

/// A `reportingDescriptor` for rule `code`.
fn sarif_rule(code: &str, guide: &Guide) -> Value {
    let rule = RULES.iter().find(|r| r.code == code);
    let mut out = json!({ "id": code });
    let Some(rule) = rule else { return out };
    out["name"] = json!(rule.construct);
    out["shortDescription"] = json!({ "text": rule.summary });
    out["defaultConfiguration"] = json!({ "level": level(rule.severity) });
    out["properties"] = json!({ "topic": rule.topic, "fixable": rule.fixable });
    if let Some(topic) = guide.get(rule.topic) {
        out["fullDescription"] = json!({ "text": topic.summary });
        out["help"] = json!({
            "text": format!("{}: {} (`pyguide explain {}`)", topic.title, topic.summary, topic.id),
        });
        if let Some(reference) = topic.references.first() {
            out["helpUri"] = json!(reference.url);
        }
    }
    out
}

fn sarif_result(l: &Located, rule_index: usize) -> Value {
    let uri = path_uri(&l.path);
    let mut out = json!({
        "ruleId": l.code,
        "ruleIndex": rule_index,
        "level": level(l.severity),
        "message": { "text": format!("{} (topic: {})", l.message, l.topic) },
        "locations": [{ "physicalLocation": {
            "artifactLocation": { "uri": uri },
            "region": region(l.line, l.column, l.end_line, l.end_column),
        }}],
    });
    if let Some(fix) = &l.fix {
        out["fixes"] = json!([sarif_fix(fix, &uri)]);
    }
    out
}

fn sarif_fix(fix: &LocatedFix, uri: &str) -> Value {
    let replacements: Vec<Value> = fix
        .edits
        .iter()
        .map(|e| {
            json!({
                "deletedRegion": region(e.line, e.column, e.end_line, e.end_column),
                "insertedContent": { "text": e.content },
            })
        })
        .collect();
    json!({
        "description": { "text": fix.message },
        "artifactChanges": [{ "artifactLocation": { "uri": uri }, "replacements": replacements }],
    })
}

/// A 1-based region; SARIF's end column is exclusive, as ours is.
fn region(line: usize, column: usize, end_line: usize, end_column: usize) -> Value {
    json!({
        "startLine": line,
        "startColumn": column,
        "endLine": end_line,
        "endColumn": end_column,
    })
}

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Warning => "warning",
        Severity::Hint => "note",
    }
}

/// A path as a URI reference: relative paths stay relative (forward
/// slashes), absolute ones become `file://` URIs; characters a URI cannot
/// hold are percent-encoded.
pub fn path_uri(path: &str) -> String {
    let slashed = path.replace('\\', "/");
    let encoded = percent_encode_path(&slashed);
    if slashed.starts_with('/') {
        format!("file://{encoded}")
    } else if slashed.as_bytes().get(1) == Some(&b':') {
        // A Windows drive path, C:/x.py.
        format!("file:///{encoded}")
    } else {
        encoded
    }
}

fn percent_encode_path(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/:@!$&'()*+,;=".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// One GitHub Actions annotation per finding (warnings as `::warning`,
/// hints as `::notice`), e.g.
/// `::warning file=app.py,line=3,col=5,endLine=3,endColumn=14,title=PG206::message`.
pub fn github(located: &[Located]) -> String {
    let mut out = String::new();
    for l in located {
        let kind = match l.severity {
            Severity::Warning => "warning",
            Severity::Hint => "notice",
        };
        out.push_str(&format!(
            "::{kind} file={},line={},col={},endLine={},endColumn={},title={}::{}\n",
            escape_property(&l.path),
            l.line,
            l.column,
            l.end_line,
            l.end_column,
            escape_property(l.code),
            escape_data(&format!(
                "{}:{}:{}: {} {} (topic: {})",
                l.path, l.line, l.column, l.code, l.message, l.topic
            )),
        ));
    }
    out
}

/// Escapes a workflow command's message (`%`, CR, LF).
fn escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes a workflow command's property value (also `:` and `,`).
fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_become_uri_references() {
        assert_eq!(path_uri("src/app.py"), "src/app.py");
        assert_eq!(path_uri("my dir\\a#b.py"), "my%20dir/a%23b.py");
        assert_eq!(path_uri("/tmp/x y.py"), "file:///tmp/x%20y.py");
        assert_eq!(path_uri("C:\\p\\é.py"), "file:///C:/p/%C3%A9.py");
    }

    #[test]
    fn workflow_commands_are_escaped() {
        assert_eq!(escape_data("50% a\nb"), "50%25 a%0Ab");
        assert_eq!(escape_property("a:b,c"), "a%3Ab%2Cc");
    }
}
