//! Incremental analysis: findings are computed per top-level statement and
//! reused while neither the statement's text nor the file's context changes;
//! inside a class, per method.
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
//! A file that is one big class (Django's `query.py`: 2,764 lines) would
//! still re-analyse the whole class per keystroke, so a class statement is
//! split further. Its methods (functions and decorated functions directly
//! in its body) are units of their own, cached by their text. What a
//! method's rules read outside the method is the class around it: its
//! decorators, name and bases, its class-level statements
//! (`authentication_classes = ...`) and the other methods' decorators and
//! signatures. All of that, the class's text with each method body left
//! out, is the method's *frame*, hashed into its key. Everything else of
//! the class (the class node, its header, decorators and class-level
//! statements) is the class unit, walked again whenever the class changes:
//! rules on the class node may read any method (`__eq__` without
//! `__hash__`), so their findings are never reused across a change of the
//! class. A method's imports are cached with it; the class's import map is
//! merged from its parts in document order, as one walk would build it.
//!
//! A statement or method with a syntax error is never reused: how
//! tree-sitter recovers from an error may depend on the text around it, so
//! the same text may not give the same tree.
//!
//! A finding whose range or fix reaches outside its unit (a fix that adds
//! an import at the top of the file) is never cached: its unit is analysed
//! again every time. So is a unit whose rules read other statements beyond
//! the context key (`Ctx::reads_other_statements`: PG601 asking what the
//! callers of a private function prefetch). Rules that look at the whole
//! module run on every analysis.

use crate::detect::syntax::{NodeExt, field};
use std::collections::{HashMap, HashSet};
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
    /// For a class statement: the keys of its methods (in `methods`).
    members: Vec<u64>,
}

/// One method of a class: its imports and findings (offsets relative to
/// the method's line start), for the context and frame they were computed
/// in.
#[derive(Debug, Clone)]
struct Method {
    imports: ImportMap,
    findings: Option<(u64, Vec<Finding>)>,
}

/// Analyses one document again and again, reusing the work of earlier runs
/// for statements that did not change. One per open document. A text over
/// [`super::CHUNKED_ABOVE`] is analysed in parts instead
/// ([`super::PartsAnalyzer`], through [`Analyzer::analyze_source_unless`]),
/// with its findings cached per part.
#[derive(Debug, Clone, Default)]
pub struct Analyzer {
    /// For a big text: the parts' cache (the per-statement caches are then
    /// empty).
    parts: Option<Box<super::PartsAnalyzer>>,
    entries: HashMap<u64, Entry>,
    /// Methods of class statements, by [`key`] of their text.
    methods: HashMap<u64, Method>,
    options: Options,
    /// The work the last analysis took (see [`super::analyze_counting_work`]).
    work: u64,
    /// The tree is skimmed (`detect/skim.rs`).
    skimmed: bool,
    /// How many times the last analysis read other statements
    /// (`Ctx::reads_other_statements`).
    other_reads: u64,
    /// Where the bodies start that the walk leaves out (`Ctx::skips`).
    skip_bodies: Vec<usize>,
}

impl Analyzer {
    /// An analyzer for a file with these options (versions, migration).
    pub fn new(options: Options) -> Analyzer {
        Analyzer {
            parts: None,
            entries: HashMap::new(),
            methods: HashMap::new(),
            options,
            work: 0,
            skimmed: false,
            other_reads: 0,
            skip_bodies: Vec::new(),
        }
    }

    /// Analyses skimmed trees (`detect/skim.rs`): every read of the module
    /// beyond the unit analysed is counted ([`Analyzer::last_other_reads`]).
    pub(crate) fn set_skimmed(&mut self, skimmed: bool) {
        self.skimmed = skimmed;
    }

    /// Leaves the function bodies starting at `starts` (sorted) out of the
    /// walk: `detect/skim.rs` knows no finding can start in them.
    pub(crate) fn set_skip_bodies(&mut self, starts: Vec<usize>) {
        self.skip_bodies = starts;
    }

    /// How many times the last analysis read other statements.
    pub(crate) fn last_other_reads(&self) -> u64 {
        self.other_reads
    }

    pub fn options(&self) -> &Options {
        &self.options
    }

    /// Changes the options; cached findings stay valid only while the
    /// options are the same (they are part of the context key).
    pub fn set_options(&mut self, options: Options) {
        if let Some(parts) = &mut self.parts {
            parts.set_options(options.clone());
        }
        self.options = options;
    }

    /// The findings of `text`: analysed in parts when it is over
    /// [`super::CHUNKED_ABOVE`] (never one tree of it), else as one tree
    /// (`doc`, `text`'s tree when the caller holds one, else parsed here).
    /// Stops early (`None`) when `stop` returns true. The caches of the
    /// other path are dropped when a text crosses the threshold.
    pub fn analyze_source_unless(
        &mut self,
        text: &str,
        doc: Option<&Document>,
        models: &ModelIndex,
        stop: &dyn Fn() -> bool,
    ) -> Option<std::sync::Arc<Vec<Finding>>> {
        if super::is_chunked(text) {
            self.entries = HashMap::new();
            self.methods = HashMap::new();
            let options = self.options.clone();
            let parts = self
                .parts
                .get_or_insert_with(|| Box::new(super::PartsAnalyzer::new(options)));
            return parts.analyze_unless(text, models, stop);
        }
        self.parts = None;
        match doc {
            Some(doc) => self.analyze_unless(doc, models, stop),
            None => self.analyze_unless(&Document::parse(text), models, stop),
        }
        .map(std::sync::Arc::new)
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
            let key = key(src, *stmt, span);
            keys.push(key);
            // A statement with a syntax error is read again every time: how
            // tree-sitter recovers from the error may depend on the text
            // around it, so the same text may not give the same tree.
            if self.entries.contains_key(&key) && !stmt.has_error() {
                continue;
            }
            let entry = match class_of(*stmt) {
                Some(class) => self.class_entry(src, *stmt, class),
                None => Entry {
                    imports: ImportMap::from_tree(*stmt, src),
                    classes: None,
                    findings: None,
                    members: Vec::new(),
                },
            };
            self.entries.insert(key, entry);
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
                    let c = if stmt.kind_str() == "expression_statement" {
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
        let mut ctx = Ctx::new(doc, imports, Models::new(&own, models), &self.options);
        if self.skimmed {
            ctx.set_skimmed();
        }
        ctx.set_skip_bodies(&self.skip_bodies);
        let mut hasher = Xxh3::new();
        self.options.hash(&mut hasher);
        hasher.write_u64(imports_hash);
        hasher.write_u64(own.fingerprint());
        hasher.write_u64(models.fingerprint());
        hasher.write_u8(u8::from(ctx.may_have_querysets));
        for (stmt, key) in statements.iter().zip(&keys) {
            // A broken statement other than a definition may hold anything
            // (tree-sitter may fold a following `RED = 2` into the error
            // of an import): it counts as a whole. A definition broken
            // while it is typed in counts by its name, as when whole, so a
            // keystroke in a method keeps the other methods' findings.
            if is_assignment(*stmt) || (stmt.has_error() && defined_name(*stmt).is_none()) {
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
                && !stmt.has_error()
            {
                findings.extend(cached.iter().map(|f| shift(f, span.start, true)));
                continue;
            }
            if stop() {
                self.work = ctx.work();
                return None;
            }
            let mut own_findings = Vec::new();
            let reads_before = ctx.other_statement_reads();
            let walked = match class_of(*stmt) {
                Some(class) => {
                    let members = entry.members.clone();
                    Analyzer::walk_class(
                        &mut self.methods,
                        &ctx,
                        *stmt,
                        class,
                        &members,
                        context,
                        &mut own_findings,
                        stop,
                    )
                }
                None => walk_rules(&ctx, *stmt, root, &mut own_findings, stop),
            };
            if !walked {
                self.work = ctx.work();
                return None;
            }
            let entry = self.entries.get_mut(key).expect("entry added above");
            let cacheable = own_findings.iter().all(|f| within(f, &span))
                && ctx.other_statement_reads() == reads_before;
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

        // Forget statements and methods that no longer exist.
        if self.entries.len() > keys.len() {
            let live: HashSet<u64> = keys.iter().copied().collect();
            self.entries.retain(|k, _| live.contains(k));
        }
        let members: usize = self.entries.values().map(|e| e.members.len()).sum();
        if self.methods.len() > members {
            let live: HashSet<u64> = self
                .entries
                .values()
                .flat_map(|e| e.members.iter().copied())
                .collect();
            self.methods.retain(|k, _| live.contains(k));
        }
        self.work = ctx.work();
        self.other_reads = ctx.other_statement_reads();
        Some(super::finish(doc, &self.options, findings))
    }
}

impl Analyzer {
    /// The entry of a class statement not seen before: its methods' keys
    /// (each method read for its imports when new) and the class's
    /// imports, merged from its header, class-level statements and
    /// methods in document order.
    fn class_entry(&mut self, src: &str, stmt: Node, class: Node) -> Entry {
        let body = class.child_by_field_id(field::BODY);
        let mut imports = ImportMap::from_tree_except(stmt, src, &|n| Some(n) == body);
        let mut members = Vec::new();
        if let Some(body) = body {
            let mut c = body.walk();
            for child in body.named_children(&mut c) {
                if !is_method(child) {
                    imports.merge(&ImportMap::from_tree(child, src));
                    continue;
                }
                let span = line_span(src, child);
                let k = key(src, child, &span);
                members.push(k);
                let fresh = || Method {
                    imports: ImportMap::from_tree(child, src),
                    findings: None,
                };
                let method = if child.has_error() {
                    self.methods.insert(k, fresh());
                    &self.methods[&k]
                } else {
                    self.methods.entry(k).or_insert_with(fresh)
                };
                imports.merge(&method.imports);
            }
        }
        Entry {
            imports,
            classes: None,
            findings: None,
            members,
        }
    }

    /// Runs the rules on a class statement: the class unit (everything but
    /// the methods) is walked, each method's findings are reused when its
    /// text, frame and the file's context are unchanged. `members` are the
    /// methods' keys, in order. `false` when `stop` stopped it.
    #[allow(clippy::too_many_arguments)]
    fn walk_class<'t>(
        methods_cache: &mut HashMap<u64, Method>,
        ctx: &Ctx<'t>,
        stmt: Node<'t>,
        class: Node<'t>,
        members: &[u64],
        context: u64,
        out: &mut Vec<Finding>,
        stop: &dyn Fn() -> bool,
    ) -> bool {
        let src = ctx.src;
        let Some(body) = class.child_by_field_id(field::BODY) else {
            return walk_rules(ctx, stmt, ctx.root(), out, stop);
        };
        let mut c = body.walk();
        let methods: Vec<Node> = body
            .named_children(&mut c)
            .filter(|n| is_method(*n))
            .collect();
        if methods.len() != members.len() {
            // Cannot happen (the entry was made from this text); analyse
            // the class as one unit rather than trust a stale list.
            return walk_rules(ctx, stmt, ctx.root(), out, stop);
        }
        // The class unit.
        let containers = [stmt, class, body];
        if !walk_except(
            ctx,
            stmt,
            ctx.root(),
            &containers,
            &|n| is_method(n) && n.parent() == Some(body),
            out,
            stop,
        ) {
            return false;
        }
        // The methods, in the context of their frame.
        let mut frame = Xxh3::new();
        frame.write_u64(context);
        let stmt_span = stmt.byte_range();
        let mut at = stmt_span.start;
        for m in &methods {
            if let Some(b) = method_body(*m) {
                frame.write(&src.as_bytes()[at..b.start_byte()]);
                frame.write_u8(0xff);
                at = b.end_byte();
            }
        }
        frame.write(&src.as_bytes()[at..stmt_span.end]);
        let frame = frame.finish();
        for (m, k) in methods.iter().zip(members) {
            let span = line_span(src, *m);
            let method = methods_cache.get_mut(k).expect("members are in `methods`");
            if let Some((at, cached)) = &method.findings
                && *at == frame
                && !m.has_error()
            {
                out.extend(cached.iter().map(|f| shift(f, span.start, true)));
                continue;
            }
            if stop() {
                return false;
            }
            let mut own = Vec::new();
            let reads_before = ctx.other_statement_reads();
            if !walk_rules(ctx, *m, body, &mut own, stop) {
                return false;
            }
            let cacheable =
                own.iter().all(|f| within(f, &span)) && ctx.other_statement_reads() == reads_before;
            method.findings = cacheable.then(|| {
                (
                    frame,
                    own.iter().map(|f| shift(f, span.start, false)).collect(),
                )
            });
            out.extend(own);
        }
        true
    }
}

/// Runs the rules on `node` and its named descendants, as
/// [`walk_rules`] does, except the subtrees `skip` accepts. `containers`
/// are the nodes (`node` among them) whose children are walked one by
/// one; every other child is walked whole.
fn walk_except<'t>(
    ctx: &Ctx<'t>,
    node: Node<'t>,
    parent: Node<'t>,
    containers: &[Node<'t>],
    skip: &dyn Fn(Node<'t>) -> bool,
    out: &mut Vec<Finding>,
    stop: &dyn Fn() -> bool,
) -> bool {
    if !containers.contains(&node) {
        return walk_rules(ctx, node, parent, out, stop);
    }
    ctx.start(Some(parent));
    ctx.enter(node);
    let p = ctx.parent(node);
    rules::visit(ctx, node, p, out);
    let mut c = node.walk();
    let children: Vec<Node> = node.named_children(&mut c).collect();
    for child in children {
        if !skip(child) && !walk_except(ctx, child, node, containers, skip, out, stop) {
            return false;
        }
    }
    true
}

/// A statement's key: its text (from its line's start) and kind.
fn key(src: &str, node: Node, span: &Range<usize>) -> u64 {
    xxh3_64(&src.as_bytes()[span.clone()]) ^ u64::from(node.kind_id())
}

/// The class a top-level statement defines (decorated or not).
fn class_of(stmt: Node) -> Option<Node> {
    match stmt.kind_str() {
        "class_definition" => Some(stmt),
        "decorated_definition" => stmt
            .child_by_field_id(field::DEFINITION)
            .filter(|d| d.kind_str() == "class_definition"),
        _ => None,
    }
}

/// Whether a statement of a class body is a method: a function
/// definition, decorated or not.
fn is_method(node: Node) -> bool {
    method_body(node).is_some()
}

/// The body of a method statement (see [`is_method`]).
fn method_body(node: Node) -> Option<Node> {
    let def = match node.kind_str() {
        "function_definition" => node,
        "decorated_definition" => node
            .child_by_field_id(field::DEFINITION)
            .filter(|d| d.kind_str() == "function_definition")?,
        _ => return None,
    };
    def.child_by_field_id(field::BODY)
}

/// `node`'s bytes from the start of its first line.
fn line_span(src: &str, node: Node) -> Range<usize> {
    let start = src[..node.start_byte()].rfind('\n').map_or(0, |i| i + 1);
    start..node.end_byte()
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
    stmt.kind_str() == "expression_statement"
        && stmt
            .named_child(0)
            .is_some_and(|c| matches!(c.kind_str(), "assignment" | "augmented_assignment"))
}

/// The name a top-level `def` or `class` binds.
fn defined_name(stmt: Node) -> Option<Node> {
    let def = match stmt.kind_str() {
        "decorated_definition" => stmt.child_by_field_id(field::DEFINITION)?,
        "function_definition" | "class_definition" => stmt,
        _ => return None,
    };
    def.child_by_field_id(field::NAME)
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
    f.with_offsets(|o| if forward { o + base } else { o - base })
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

    /// PG601 over a parameter's relation in a private helper reads what
    /// its callers, other statements and methods, prefetch: an edit of a
    /// caller changes the helper's findings.
    #[test]
    fn helpers_are_analysed_again_when_their_callers_change() {
        let src = "from django.db import models\nclass Author(models.Model):\n    name = models.CharField()\nclass Post(models.Model):\n    author = models.ForeignKey(Author, on_delete=models.CASCADE)\nclass Comment(models.Model):\n    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name='comments')\n    by = models.ForeignKey(Author, on_delete=models.CASCADE)\n\nclass Export:\n    def _row(self, post):\n        return [c.by.name for c in post.comments.all()]\n\n    def render(self):\n        return [self._row(p) for p in Post.objects.prefetch_related('comments__by')]\n\ndef _one(post):\n    for c in post.comments.all():\n        print(c.by.name)\n\ndef main():\n    for p in Post.objects.prefetch_related('comments__by'):\n        _one(p)\n";
        check_edits(
            src,
            &[
                ("prefetch_related('comments__by')]", "all()]"),
                ("all()]", "prefetch_related('comments__by')]"),
                ("prefetch_related('comments__by'):", "all():"),
                (
                    "for p in Post.objects.all():",
                    "for p in Post.objects.prefetch_related('comments__by'):",
                ),
                ("        _one(p)\n", "        _one(p)\n    _one(None)\n"),
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
