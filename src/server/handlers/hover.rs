//! `textDocument/hover`: on a detected construct, Markdown with the topic's
//! title and summary, what the finding says about this code, the codes
//! found there, the topic's references and links that open the whole topic.
//! The range is the construct's. Where nothing is detected: the `yield`
//! keyword and imports of modules whose APIs rules recognise show their
//! topic, a code in `# pyguide: ignore[...]` (or in the `[tool.pyguide]`
//! table of a `pyproject.toml`) shows its rule; elsewhere `null`. Hints
//! count (they are the educational links) whatever the diagnostics setting;
//! `select`/`ignore` apply. The topics a hover shows are what the user
//! met (recorded for practice by the caller, `Backend::hover`).

use std::fmt::Write;

use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::ls_types::{
    Hover, HoverContents, HoverParams, MarkupContent, MarkupKind, Uri,
};

use crate::detect::lookup::{self, CodeAt};
use crate::detect::{Finding, Rule, Selection, Severity};
use crate::server::documents::Snapshot;
use crate::server::library::Library;
use crate::server::position::Encoding;
use crate::server::state::{Shared, TopicLinks, findings_of};

use super::execute_command::OPEN_TOPIC;

/// Rules listed at most in the hover of a code prefix (`PG4`).
const MAX_RULES_LISTED: usize = 25;

/// A hover and the ids of the topics it shows.
pub struct Shown {
    pub hover: Hover,
    pub topics: Vec<&'static str>,
}

pub async fn hover(shared: &Shared, params: HoverParams) -> Result<Option<Shown>> {
    let at = params.text_document_position_params;
    let Some(snapshot) = shared.documents.get(&at.text_document.uri) else {
        return Ok(None);
    };
    let links = shared.caps().topic_links;
    if !snapshot.is_python() {
        return shared.guarded("hover", || {
            let encoding = shared.encoding();
            let offset = snapshot.lines(encoding).offset(at.position);
            let code = lookup::pyproject_code_at(snapshot.text(), offset);
            Ok(code.map(|c| rule_hover(&snapshot, &c, &shared.library(), encoding, links)))
        });
    }
    let encoding = shared.encoding();
    let offset = snapshot.lines(encoding).offset(at.position);
    // The last analysed findings, at once; this version's only for a
    // position in text edited since.
    let findings = match snapshot.findings_now(offset) {
        Some(f) => f,
        None => findings_of(&snapshot).await?,
    };
    // Where no finding is, a `yield` or an import is read from the tree:
    // on such a line, while the worker parses a fresh edit, from the last
    // analysed version's tree when the edit left the place alone, else
    // wait for this version's.
    let mut from_base = None;
    if snapshot.tree_pending() && lookup::may_name_construct(snapshot.text(), offset) {
        from_base = snapshot.constructs_from_base(offset);
        if from_base.is_none() {
            snapshot.tree().await;
        }
    }
    shared.guarded("hover", || {
        let selection = shared.settings().constructs();
        let library = shared.library();
        let view = View {
            snapshot: &snapshot,
            library: &library,
            encoding,
            links,
        };
        Ok(view
            .findings(&findings, offset, &selection)
            .or_else(|| view.elsewhere(offset, &selection, from_base.as_deref())))
    })
}

/// What a hover is rendered against.
pub struct View<'a> {
    pub snapshot: &'a Snapshot,
    pub library: &'a Library,
    pub encoding: Encoding,
    pub links: TopicLinks,
}

impl View<'_> {
    /// The hover for byte `offset`, if a finding covers it.
    pub fn findings(
        &self,
        findings: &[Finding],
        offset: usize,
        selection: &Selection,
    ) -> Option<Shown> {
        let here: Vec<&Finding> = findings
            .iter()
            .filter(|f| selection.allows(f.rule) && covers(f, offset))
            .collect();
        self.of(here)
    }

    /// Where no finding is: a rule code in an ignore comment, the `yield`
    /// keyword, an imported module or name.
    /// `constructs` are those at `offset` when already read (from the
    /// last analysed version's tree).
    pub fn elsewhere(
        &self,
        offset: usize,
        selection: &Selection,
        constructs: Option<&[Finding]>,
    ) -> Option<Shown> {
        let text = self.snapshot.text();
        if let Some(code) = lookup::ignore_code_at(text, offset) {
            return Some(rule_hover(
                self.snapshot,
                &code,
                self.library,
                self.encoding,
                self.links,
            ));
        }
        if !lookup::may_name_construct(text, offset) {
            return None;
        }
        // Without the tree (evicted, or a big text read in parts), only the
        // part around `offset` is parsed.
        let found = match (constructs, self.snapshot.document()) {
            (Some(found), _) => found.to_vec(),
            (None, Some(doc)) => lookup::constructs_at(&doc, offset),
            (None, None) => lookup::constructs_at_source(self.snapshot.text(), offset),
        };
        self.of(found.iter().filter(|f| selection.allows(f.rule)).collect())
    }

    /// The hover of the findings at one place: a section per topic, the
    /// innermost construct's range.
    fn of(&self, mut here: Vec<&Finding>) -> Option<Shown> {
        // The innermost construct first; its range is the hover's.
        here.sort_by_key(|f| (f.range.len(), f.range.start));
        let innermost = here.first()?;
        let mut topics: Vec<&'static str> = Vec::new();
        for f in &here {
            if !topics.contains(&f.topic()) {
                topics.push(f.topic());
            }
        }
        let sections: Vec<String> = topics
            .iter()
            .map(|id| section(id, &here, self.library, self.links))
            .collect();
        Some(Shown {
            hover: markdown(
                sections.join("\n---\n\n"),
                self.snapshot,
                &innermost.range,
                self.encoding,
            ),
            topics,
        })
    }
}

fn markdown(
    value: String,
    snapshot: &Snapshot,
    range: &std::ops::Range<usize>,
    encoding: Encoding,
) -> Hover {
    Hover {
        contents: HoverContents::Markup(MarkupContent {
            kind: MarkupKind::Markdown,
            value,
        }),
        range: Some(snapshot.lines(encoding).range(range)),
    }
}

/// The hover of a rule code (or a prefix's rules): what the rule reports,
/// its severity, whether it has a fix, and its topic.
fn rule_hover(
    snapshot: &Snapshot,
    code: &CodeAt,
    library: &Library,
    encoding: Encoding,
    links: TopicLinks,
) -> Shown {
    let rules = lookup::rules_for_code(&code.code);
    let mut out = String::new();
    let mut topics = Vec::new();
    match rules.as_slice() {
        [rule] if rule.code == code.code => {
            topics.push(rule.topic);
            let _ = writeln!(out, "### {} `{}`\n", rule.code, rule.construct);
            let _ = writeln!(out, "{}\n", rule.summary);
            let _ = writeln!(out, "{}\n", rule_facts(rule));
            let title = library.topic(rule.topic).map_or(rule.topic, |t| &t.title);
            let _ = writeln!(out, "Explained in **{title}**.\n");
            let _ = writeln!(out, "{}", topic_links(rule.topic, library, links));
        }
        _ => {
            let _ = writeln!(
                out,
                "### {}: {} rule{}\n",
                code.code,
                rules.len(),
                if rules.len() == 1 { "" } else { "s" }
            );
            for rule in rules.iter().take(MAX_RULES_LISTED) {
                let _ = writeln!(out, "- **{}** {}", rule.code, rule.summary);
            }
            if rules.len() > MAX_RULES_LISTED {
                let _ = writeln!(out, "- … and {} more", rules.len() - MAX_RULES_LISTED);
            }
        }
    }
    Shown {
        hover: markdown(out, snapshot, &code.range, encoding),
        topics,
    }
}

/// `warning, fix available` and the like.
fn rule_facts(rule: &Rule) -> String {
    let severity = match rule.severity {
        Severity::Warning => "Warning (a diagnostic by default)",
        Severity::Hint => "Hint (a diagnostic when `hints` is on; always in hovers)",
    };
    let fix = if rule.fixable {
        "; has a quick fix"
    } else {
        ""
    };
    format!("{severity}{fix}.")
}

/// Whether the finding's range contains `offset` (an empty range, its point).
fn covers(f: &Finding, offset: usize) -> bool {
    f.range.contains(&offset) || (f.range.is_empty() && f.range.start == offset)
}

/// One topic's part of the hover.
fn section(id: &str, here: &[&Finding], library: &Library, links: TopicLinks) -> String {
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
    let _ = writeln!(out, "{}", topic_links(id, library, links));
    out
}

/// How to open the whole topic: a command link (VS Code), else the topic
/// id with what to type; and the topic as a Markdown file, for any client.
fn topic_links(id: &str, library: &Library, links: TopicLinks) -> String {
    let mut out = vec![match links {
        TopicLinks::Command => format!(
            "[Open the full topic](command:{OPEN_TOPIC}?{})",
            percent_encode(&serde_json::json!([id]).to_string())
        ),
        TopicLinks::Neovim => format!("Full topic `{id}`: `:PyGuide topic {id}`"),
        TopicLinks::Plain => format!("Full topic `{id}`: `pyguide explain {id}`"),
    }];
    if let Some(uri) = library.topic_file(id).and_then(Uri::from_file_path) {
        out.push(format!("[topic as Markdown]({})", uri.as_str()));
    }
    out.join(" · ")
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
