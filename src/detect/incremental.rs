//! Incremental analysis: findings are computed per top-level statement and
//! reused while neither the statement's text nor the file's context changes.
//!
//! Walking a tree-sitter tree costs about 150 ns a node, so even one walk of
//! a 20,000-line file takes ~20 ms. After a keystroke only the statement
//! that was edited has new text; every other statement's findings are the
//! same as before, moved by the length change. The context a statement's
//! findings depend on beyond its own text is hashed into one key: the
//! file's imports (and shadowed builtins), its model classes, its top-level
//! assignments (a loop may iterate a module-level queryset) and the names
//! of its top-level functions and classes, whether it
//! mentions querysets at all, and the project's model index. When the key
//! changes everything is recomputed.
//!
//! A finding whose range or fix reaches outside its statement (a fix that
//! adds an import at the top of the file) is never cached: its statement is
//! analysed again every time. Rules that look at the whole module run on
//! every analysis.

use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::ops::Range;

use tree_sitter::Node;
use xxhash_rust::xxh3::{Xxh3, xxh3_64};

use super::context::Ctx;
use super::models::{self, ClassDef, Models};
use super::{Finding, ImportMap, ModelIndex, Options, rules, walk_rules};
use crate::python::Document;

/// What one top-level statement contributes and finds.
#[derive(Debug, Clone)]
struct Entry {
    imports: ImportMap,
    /// Model classes, for the imports (hash) they were read with.
    classes: Option<(u64, Vec<ClassDef>)>,
    /// Findings with offsets relative to the statement's line start, for
    /// the context `context` they were computed in; `None` when they can't
    /// be reused.
    findings: Option<(u64, Vec<Finding>)>,
}

/// Analyses one document again and again, reusing the work of earlier runs
/// for statements that did not change. One per open document.
#[derive(Debug, Clone, Default)]
pub struct Analyzer {
    entries: HashMap<u64, Entry>,
    options: Options,
    /// The work the last analysis took (see [`super::analyze_counting_work`]).
    work: u64,
}

impl Analyzer {
    /// An analyzer for a file with these options (versions, migration).
    pub fn new(options: Options) -> Analyzer {
        Analyzer {
            entries: HashMap::new(),
            options,
            work: 0,
        }
    }

    pub fn options(&self) -> &Options {
        &self.options
    }

    /// Changes the options; cached findings stay valid only while the
    /// options are the same (they are part of the context key).
    pub fn set_options(&mut self, options: Options) {
        self.options = options;
    }

    /// Every finding in `doc`, as [`super::analyze_with`] would report them.
    pub fn analyze(&mut self, doc: &Document, models: &ModelIndex) -> Vec<Finding> {
        self.analyze_unless(doc, models, &|| false)
            .unwrap_or_default()
    }

    /// The work the last analysis took: nodes visited plus ancestor steps.
    pub fn last_work(&self) -> u64 {
        self.work
    }

    /// [`Analyzer::analyze`], stopping early (`None`) when `stop` returns
    /// true: it is asked between statements and every 1,024 nodes, so an
    /// analysis made stale by a newer edit ends within microseconds. What
    /// was cached before stopping stays valid.
    pub fn analyze_unless(
        &mut self,
        doc: &Document,
        models: &ModelIndex,
        stop: &dyn Fn() -> bool,
    ) -> Option<Vec<Finding>> {
        let src = doc.text();
        let root = doc.root();
        let mut c = root.walk();
        let statements: Vec<Node> = root.named_children(&mut c).collect();

        // 1. Each statement's key; imports and classes of new statements.
        let spans = spans(src, &statements);
        let mut keys = Vec::with_capacity(statements.len());
        for (stmt, span) in statements.iter().zip(&spans) {
            let span = span.clone();
            let key = xxh3_64(&src.as_bytes()[span.clone()]) ^ u64::from(stmt.kind_id());
            keys.push(key);
            self.entries.entry(key).or_insert_with(|| {
                let imports = ImportMap::from_tree(*stmt, src);
                Entry {
                    imports,
                    classes: None,
                    findings: None,
                }
            });
        }
        let mut imports = ImportMap::default();
        for key in &keys {
            imports.merge(&self.entries[key].imports);
        }
        // Model classes depend on the statement and the imports.
        let imports_hash = {
            let mut h = Xxh3::new();
            imports.hash_into(&mut h);
            h.finish()
        };
        let mut classes: Vec<ClassDef> = Vec::new();
        for (stmt, key) in statements.iter().zip(&keys) {
            let entry = self.entries.get_mut(key).expect("entry added above");
            match &entry.classes {
                Some((h, c)) if *h == imports_hash => classes.extend(c.iter().cloned()),
                _ => {
                    let c = if stmt.kind() == "expression_statement" {
                        Vec::new()
                    } else {
                        models::extract_statement(*stmt, src, &imports)
                    };
                    classes.extend(c.iter().cloned());
                    entry.classes = Some((imports_hash, c));
                }
            }
        }

        // 2. The context key.
        let own = ModelIndex::from_classes(classes);
        let ctx = Ctx::new(doc, imports, Models::new(&own, models), &self.options);
        let mut hasher = Xxh3::new();
        self.options.hash(&mut hasher);
        hasher.write_u64(imports_hash);
        hasher.write_u64(own.fingerprint());
        hasher.write_u64(models.fingerprint());
        hasher.write_u8(u8::from(ctx.may_have_querysets));
        for (stmt, key) in statements.iter().zip(&keys) {
            if is_assignment(*stmt) {
                hasher.write_u64(*key);
            } else if let Some(name) = defined_name(*stmt) {
                // Rules may ask whether a name is a module-level function or
                // class (a `case RED:` capture, a local `escape`).
                hasher.write(&src.as_bytes()[name.byte_range()]);
            }
        }
        let context = hasher.finish();

        // 3. Findings: reused, or computed for the statement.
        let mut findings = Vec::new();
        rules::visit(&ctx, root, None, &mut findings);
        for ((stmt, key), span) in statements.iter().zip(&keys).zip(&spans) {
            let span = span.clone();
            let entry = self.entries.get_mut(key).expect("entry added above");
            if let Some((at, cached)) = &entry.findings
                && *at == context
            {
                findings.extend(cached.iter().map(|f| shift(f, span.start, true)));
                continue;
            }
            if stop() {
                self.work = ctx.work();
                return None;
            }
            let mut own_findings = Vec::new();
            if !walk_rules(&ctx, *stmt, root, &mut own_findings, stop) {
                self.work = ctx.work();
                return None;
            }
            let cacheable = own_findings.iter().all(|f| within(f, &span));
            entry.findings = cacheable.then(|| {
                (
                    context,
                    own_findings
                        .iter()
                        .map(|f| shift(f, span.start, false))
                        .collect(),
                )
            });
            findings.extend(own_findings);
        }

        // Forget statements that no longer exist.
        if self.entries.len() > keys.len() {
            let live: std::collections::HashSet<u64> = keys.iter().copied().collect();
            self.entries.retain(|k, _| live.contains(k));
        }
        self.work = ctx.work();
        Some(super::finish(doc, &self.options, findings))
    }
}

/// The bytes each statement's findings may depend on: from the start of
/// its first line (its indentation, or code before it on that line) to its
/// end. Linear: the search for a line's start never goes back past the
/// previous statement (`a = 1; b = 2` on one 10 MB line stays O(n)).
fn spans(src: &str, statements: &[Node]) -> Vec<Range<usize>> {
    let mut line_start = 0;
    let mut searched = 0;
    statements
        .iter()
        .map(|stmt| {
            let start = stmt.start_byte().max(searched);
            if let Some(i) = src[searched..start].rfind('\n') {
                line_start = searched + i + 1;
            }
            searched = start;
            line_start..stmt.end_byte()
        })
        .collect()
}

fn is_assignment(stmt: Node) -> bool {
    stmt.kind() == "expression_statement"
        && stmt
            .named_child(0)
            .is_some_and(|c| matches!(c.kind(), "assignment" | "augmented_assignment"))
}

/// The name a top-level `def` or `class` binds.
fn defined_name(stmt: Node) -> Option<Node> {
    let def = match stmt.kind() {
        "decorated_definition" => stmt.child_by_field_name("definition")?,
        "function_definition" | "class_definition" => stmt,
        _ => return None,
    };
    def.child_by_field_name("name")
}

/// Whether the finding's range and every fix edit lie within `span`.
fn within(f: &Finding, span: &Range<usize>) -> bool {
    let inside = |r: &Range<usize>| r.start >= span.start && r.end <= span.end;
    inside(&f.range)
        && f.fix
            .as_ref()
            .is_none_or(|fix| fix.edits.iter().all(|e| inside(&e.range)))
}

/// `f` with every offset moved by `base`: added when `forward`, else
/// subtracted.
fn shift(f: &Finding, base: usize, forward: bool) -> Finding {
    let m = |o: usize| if forward { o + base } else { o - base };
    let r = |r: &Range<usize>| m(r.start)..m(r.end);
    let mut out = f.clone();
    out.range = r(&f.range);
    if let Some(fix) = &mut out.fix {
        for e in &mut fix.edits {
            e.range = r(&e.range);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// After each edit, the incremental result equals a fresh analysis.
    #[test]
    fn edits_give_the_same_findings_as_a_fresh_analysis() {
        let src = "import asyncio\nimport time\n\nasync def f():\n    time.sleep(1)\n\ndef g(x=[]):\n    if x is 1:\n        return x == None\n";
        let edits: &[(&str, &str)] = &[
            ("return x == None", "return x == None  "),
            ("import asyncio\n", ""),
            ("x is 1", "x is 2"),
            ("def g(x=[]):", "def g(x=[], y={}):"),
            ("import time\n", "import time as t\n"),
            ("time.sleep(1)", "t.sleep(1)"),
            ("\n\nasync def", "\nx = 1; y = 2\n\nasync def"),
        ];
        check_edits(src, edits);
    }

    /// Findings that depend on other statements: a module-level queryset
    /// and the models' relations.
    #[test]
    fn context_changes_recompute_other_statements() {
        let src = "from django.db import models\nclass Author(models.Model):\n    name = models.CharField()\nclass Post(models.Model):\n    author = models.ForeignKey(Author, on_delete=models.CASCADE)\n\nqs = Post.objects.all()\n\nfor p in qs:\n    print(p.author.name)\n";
        check_edits(
            src,
            &[
                (
                    "Post.objects.all()",
                    "Post.objects.select_related('author')",
                ),
                ("select_related('author')", "all()"),
                ("models.ForeignKey(Author", "models.CharField(Author"),
                ("models.CharField(Author", "models.ForeignKey(Author"),
                (
                    "from django.db import models\n",
                    "from django.db import modelz\n",
                ),
            ],
        );
    }

    fn check_edits(src: &str, edits: &[(&str, &str)]) {
        let mut doc = Document::parse(src);
        let mut analyzer = Analyzer::default();
        let models = ModelIndex::default();
        analyzer.analyze(&doc, &models);
        for (from, to) in edits {
            let at = doc.text().find(from).expect("edit anchor");
            doc.edit(at..at + from.len(), to);
            let fresh = super::super::analyze_with(&Document::parse(doc.text()), &models);
            let incremental = analyzer.analyze(&doc, &models);
            assert_eq!(incremental, fresh, "after replacing {from:?} with {to:?}");
        }
    }
}
