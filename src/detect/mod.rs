//! Detection: where a Python file touches a topic of the guide, and, for
//! real anti-patterns, what to change.
//!
//! Input is a parsed [`Document`]; output is plain [`Finding`] data with byte
//! ranges and fixes as text edits. This layer knows nothing of LSP, tantivy,
//! files or the CLI, and does no IO. Each rule lives in its own file under
//! `rules/<area>/` with a doc comment (what it matches, why, example, fix); the
//! registry in `rules/mod.rs` lists them with their codes.

mod chunked;
mod context;
mod import_edit;
mod imports;
mod incremental;
pub mod lookup;
mod model_files;
mod models;
mod prefilter;
mod readers;
mod rules;
pub mod skim;
mod suppress;
mod syntax;
mod target;

use std::collections::HashMap;
use std::ops::Range;
use std::sync::LazyLock;

use serde::Serialize;
use tree_sitter::Node;

use crate::python::Document;
pub use chunked::{
    CHUNKED_ABOVE, MAX_MERGES, PART_BYTES, Part, PartsAnalyzer, analyze_source, index_source,
    is_chunked, split,
};
pub use imports::ImportMap;
pub use incremental::Analyzer;
pub use model_files::{
    FileClasses, needed as model_files_needed, relation_words, scan as scan_classes,
};
pub use models::{ModelIndex, RelationKind};
pub use prefilter::{Prefilter, declared_literals};
pub use rules::RULES;
pub use suppress::OTHER_LINTERS;
pub use suppress::ignore_edit;
pub use target::{Lib, OLDEST_CELERY, OLDEST_DJANGO, OLDEST_PYTHON, Options, Version, Versions};

/// How serious a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Educational: a link from this construct to a topic.
    Hint,
    /// A real problem with a known better way.
    Warning,
}

/// A detector's identity: a stable code, the construct it recognises (the
/// id that topics list in `triggers`), its severity and its topic.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rule {
    /// Stable code, `PG` + three digits (see `src/detect/README.md`).
    pub code: &'static str,
    /// The construct id (kebab-case), as used in topics' `triggers`.
    pub construct: &'static str,
    pub severity: Severity,
    /// Whether its findings (can) carry a fix.
    pub fixable: bool,
    /// Id of the guide topic that explains it.
    pub topic: &'static str,
    /// One line: what the rule reports.
    pub summary: &'static str,
}

/// One text replacement, in bytes of the analysed text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Edit {
    pub range: Range<usize>,
    pub content: String,
}

/// Whether a fix can be applied without looking, as in ruff: `Safe` keeps
/// the program's behaviour for every input (applied by `check --fix` and
/// `source.fixAll`, preferred in the editor); `Unsafe` may change it in
/// some cases (offered, applied only with `--unsafe-fixes`). A change that
/// can break code is not offered as a fix at all.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, serde::Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Applicability {
    Unsafe,
    Safe,
}

/// A fix: a title, the edits that make it (non-overlapping) and whether it
/// may change behaviour.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Fix {
    pub message: String,
    pub edits: Vec<Edit>,
    pub applicability: Applicability,
}

/// Something a rule found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub rule: &'static Rule,
    /// The construct itself, in bytes.
    pub range: Range<usize>,
    pub message: String,
    pub fix: Option<Fix>,
}

impl Rule {
    /// This rule at hint severity: the same code, topic and fix, for a
    /// finding that can't be precise enough to warn (a warning in a
    /// historical migration, `csrf_exempt` on a view that does not
    /// authenticate with cookies). A hint rule is returned as it is.
    pub fn as_hint(&'static self) -> &'static Rule {
        static HINTS: LazyLock<HashMap<&'static str, &'static Rule>> = LazyLock::new(|| {
            RULES
                .iter()
                .filter(|r| r.severity == Severity::Warning)
                .map(|r| {
                    let hint: &'static Rule = Box::leak(Box::new(Rule {
                        severity: Severity::Hint,
                        ..**r
                    }));
                    (r.code, hint)
                })
                .collect()
        });
        if self.severity == Severity::Hint {
            return self;
        }
        HINTS.get(self.code).copied().unwrap_or(self)
    }
}

impl Finding {
    /// This finding with every offset (its range, its fix's edits) mapped
    /// by `map`: how cached findings follow their text when it moves.
    pub fn with_offsets(&self, map: impl Fn(usize) -> usize) -> Finding {
        let r = |r: &Range<usize>| map(r.start)..map(r.end);
        let mut out = self.clone();
        out.range = r(&self.range);
        if let Some(fix) = &mut out.fix {
            for e in &mut fix.edits {
                e.range = r(&e.range);
            }
        }
        out
    }

    pub fn code(&self) -> &'static str {
        self.rule.code
    }
    pub fn severity(&self) -> Severity {
        self.rule.severity
    }
    pub fn topic(&self) -> &'static str {
        self.rule.topic
    }
}

/// Runs every rule over `doc`; findings are sorted by position, and those on
/// a line with a matching `# pyguide: ignore[...]` comment are dropped.
/// Django relations are known from the models `doc` defines itself.
pub fn analyze(doc: &Document) -> Vec<Finding> {
    analyze_with(doc, &ModelIndex::default())
}

/// [`analyze`], also knowing the Django models of other files (`models`);
/// the models `doc` defines take precedence over `models`' copy of them.
/// To analyse the same document after each edit, keep an [`Analyzer`].
pub fn analyze_with(doc: &Document, models: &ModelIndex) -> Vec<Finding> {
    Analyzer::default().analyze(doc, models)
}

/// [`analyze_with`] for a file with `options`: its project's versions and
/// whether it is a migration.
pub fn analyze_file(doc: &Document, models: &ModelIndex, options: &Options) -> Vec<Finding> {
    Analyzer::new(options.clone()).analyze(doc, models)
}

/// Drops suppressed findings (ours and the same checks of other linters),
/// makes warnings of migrations hints, sorts by position and removes
/// duplicates.
fn finish(doc: &Document, options: &Options, findings: Vec<Finding>) -> Vec<Finding> {
    finish_with(&suppress::Suppressions::parse(doc), options, findings)
}

/// [`finish`] with the file's suppressions already read.
fn finish_with(
    suppressions: &suppress::Suppressions,
    options: &Options,
    mut findings: Vec<Finding>,
) -> Vec<Finding> {
    findings.retain(|f| options.reports(f.rule.code));
    findings.retain(|f| !suppressions.silences(f));
    if options.migration {
        for f in &mut findings {
            f.rule = f.rule.as_hint();
        }
    }
    findings.sort_by(|a, b| {
        (a.range.start, a.range.end, a.rule.code).cmp(&(b.range.start, b.range.end, b.rule.code))
    });
    findings.dedup_by(|a, b| a.range == b.range && a.rule.code == b.rule.code);
    findings
}

/// Runs the rules on `stmt` and its named descendants in document order
/// (anonymous nodes, punctuation and keywords, are skipped, and so are the
/// bodies the context leaves out: `Ctx::skips`), keeping the
/// ancestor stack in `ctx` (`parent` is `stmt`'s parent). Every 1,024
/// nodes it asks `stop`; `false` when it stopped early.
fn walk_rules<'t>(
    ctx: &context::Ctx<'t>,
    stmt: Node<'t>,
    parent: Node<'t>,
    out: &mut Vec<Finding>,
    stop: &dyn Fn() -> bool,
) -> bool {
    ctx.start(Some(parent));
    let mut cursor = stmt.walk();
    let mut seen: u32 = 0;
    'walk: loop {
        let node = cursor.node();
        // A left-out body is neither visited nor entered.
        if node.is_named() && !ctx.skips(node) {
            seen = seen.wrapping_add(1);
            if seen.is_multiple_of(1024) && stop() {
                return false;
            }
            ctx.enter(node);
            let parent = ctx.parent(node);
            rules::visit(ctx, node, parent, out);
            if cursor.goto_first_child() {
                ctx.push(node);
                continue;
            }
        }
        while !cursor.goto_next_sibling() {
            if !cursor.goto_parent() {
                break 'walk;
            }
            ctx.pop();
        }
    }
    true
}

/// [`analyze`], also returning the work it took: nodes visited by the walk
/// plus the steps of the ancestor helpers. Tests bound analysis by this
/// (it grows with the input's size, not with the machine's speed).
pub fn analyze_counting_work(doc: &Document) -> (Vec<Finding>, u64) {
    let mut analyzer = Analyzer::default();
    let findings = analyzer.analyze(doc, &ModelIndex::default());
    (findings, analyzer.last_work())
}

/// Applies a fix's edits to `text`. Edits may come in any order; they must
/// not overlap, except that an insertion may share its start with a
/// replacement (it then goes before the replaced text).
pub fn apply_fix(text: &str, fix: &Fix) -> String {
    let mut edits: Vec<&Edit> = fix.edits.iter().collect();
    edits.sort_by_key(|e| std::cmp::Reverse((e.range.start, e.range.end)));
    let mut out = text.to_string();
    for e in edits {
        out.replace_range(e.range.clone(), &e.content);
    }
    out
}

/// Applies every fix `allow` accepts, round after round (a fix may enable
/// another, and two fixes adding the same import conflict) until none is
/// left or after 10 rounds; each round takes the fixes whose edits touch
/// no other taken edit, in order. `reanalyse` gives the findings of a new
/// text. Returns the new text and how many fixes were applied.
pub fn fix_all(
    text: &str,
    findings: &[Finding],
    allow: impl Fn(Applicability) -> bool,
    reanalyse: impl Fn(&str) -> Vec<Finding>,
) -> (String, usize) {
    let mut text = text.to_string();
    let mut applied = 0;
    let mut current: Vec<Finding> = findings.to_vec();
    for _ in 0..10 {
        let mut taken: Vec<Range<usize>> = Vec::new();
        let mut edits: Vec<Edit> = Vec::new();
        let mut n = 0;
        for fix in current
            .iter()
            .filter_map(|f| f.fix.as_ref())
            .filter(|x| allow(x.applicability))
        {
            let touches =
                |r: &Range<usize>| taken.iter().any(|t| r.start <= t.end && t.start <= r.end);
            if fix.edits.iter().any(|e| touches(&e.range)) {
                continue;
            }
            taken.extend(fix.edits.iter().map(|e| e.range.clone()));
            edits.extend(fix.edits.iter().cloned());
            n += 1;
        }
        if n == 0 {
            break;
        }
        text = apply_fix(
            &text,
            &Fix {
                message: String::new(),
                edits,
                applicability: Applicability::Safe,
            },
        );
        applied += n;
        current = reanalyse(&text);
    }
    (text, applied)
}

/// The rules an analysis runs: only the checks that may report one of
/// them are run ([`rules::checks_for`]) and only their findings are kept.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct RuleSet {
    /// Codes, sorted.
    codes: std::sync::Arc<[&'static str]>,
    checks: u64,
}

impl RuleSet {
    pub fn new<'r>(rules: impl IntoIterator<Item = &'r Rule>) -> RuleSet {
        let mut codes: Vec<&'static str> = rules.into_iter().map(|r| r.code).collect();
        codes.sort_unstable();
        codes.dedup();
        let checks = rules::checks_for(|r| codes.binary_search(&r.code).is_ok());
        RuleSet {
            codes: codes.into(),
            checks,
        }
    }

    /// The rules `selection` reports.
    pub fn for_selection(selection: &Selection) -> RuleSet {
        RuleSet::new(RULES.iter().copied().filter(|r| selection.allows(r)))
    }

    pub fn contains(&self, code: &str) -> bool {
        self.codes.binary_search(&code).is_ok()
    }

    /// The codes, sorted.
    pub fn codes(&self) -> &[&'static str] {
        &self.codes
    }

    /// Whether it holds no rule.
    pub fn is_empty(&self) -> bool {
        self.codes.is_empty()
    }
}

/// Which codes to report: `select` (prefixes; empty = all) minus `ignore`
/// (prefixes), and hints only when `hints` is set.
#[derive(Debug, Clone, Default)]
pub struct Selection {
    pub select: Vec<String>,
    pub ignore: Vec<String>,
    pub hints: bool,
}

impl Selection {
    pub fn allows(&self, rule: &Rule) -> bool {
        let matches = |list: &[String]| list.iter().any(|p| rule.code.starts_with(p.as_str()));
        (self.hints || rule.severity >= Severity::Warning)
            && (self.select.is_empty() || matches(&self.select))
            && !matches(&self.ignore)
    }
}
