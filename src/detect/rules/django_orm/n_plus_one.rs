//! PG601 `n-plus-one-loop`: a loop over rows that follows a relation of
//! each row.
//!
//! **What it matches**: a `for` loop or comprehension over a queryset
//! (`Post.objects.filter(...)`, a manager or queryset method the project
//! declares, `list(qs)`/`sorted(qs)`, a variable holding one with any number
//! of `qs = qs.filter(...)` refinements) or over a related manager
//! (`obj.comments.all()`, `self.tags.all()` in a model method,
//! `event.orders.filter(...)`), whose body reads `row.author` where `author`
//! is a `ForeignKey`/`OneToOneField` (or the reverse of a one-to-one), a
//! chain of them (`row.order.event`), a `GenericForeignKey`, or calls
//! `row.tags.all()` where `tags` is a `ManyToManyField` or a reverse foreign
//! key; also `row.tags.get(...)`/`.first()`/`.last()` (one query per row
//! that no prefetch serves: reported without a fix). Relations come from
//! the model index (`models.rs`): the file's own models and, in the CLI and
//! the server, the rest of the project's. The rows' model is the manager's
//! model, the relation's target for related managers (of `self`, of an
//! annotated parameter, of an outer loop's row), and for a parameter of
//! unknown type the target every model with a relation of that name
//! agrees on.
//!
//! **Why**: the loop fetches the rows in one query, then each access to
//! the relation runs one more query per row: 1 + N queries where 1 or 2
//! would do.
//!
//! **Example**:
//! ```python
//! for post in Post.objects.filter(published=True):
//!     print(post.author.name)
//! ```
//! **Fix**: `Post.objects.filter(published=True).select_related("author")`
//! (a JOIN, for single-valued relations), or `.prefetch_related("tags")`
//! (one extra query for all rows, for many-valued ones and generic foreign
//! keys). An existing `select_related(...)`/`prefetch_related(...)` on every
//! path gets the name added to its arguments; a variable refined by
//! `qs = qs.filter(...)` gets no fix (where the relation belongs, the
//! shared definition or each branch, is the author's call);
//! `.iterator()` gets `chunk_size` so the prefetch is honoured (Django ≥
//! 4.1, and Django 5 raises without it: the message says so where no fix
//! is offered; no fix on older Django, where `iterator()` ignores
//! prefetches). No fix with `only()`/
//! `defer()` in the chain (a deferred key can't be joined). Over the rows of
//! a relation of `self` or of a parameter (`order.lines.all()`), the fix is
//! unsafe: if the caller prefetched `lines`, a call added to `.all()` runs a
//! new query per object instead of reading that prefetch. When an outer
//! loop's queryset prefetches the relation (`for o in
//! Order.objects.prefetch_related("lines")` around `for l in
//! o.lines.all()`), the message points to `.prefetch_related("lines__item")`
//! on the outer queryset and no fix is offered.
//!
//! **Not reported**: relations already selected or prefetched (also through
//! `Prefetch("tags", ...)`, `select_related()` with no arguments, a
//! `"order__event"` path, a `Prefetch("lines", queryset=...)` whose queryset
//! selects it, or, for the rows of `o.lines.all()` in a loop over `o`, what
//! the outer queryset loads under `lines__`), the owner read back through
//! the relation it was reached by (`for e in event.entries.all(): e.event`:
//! the related manager sets it on every row), plain fields, `row.author_id`, `row.author.pk`
//! and `row.author == obj` (reported with the `_id` fix, see `fk_id.rs`),
//! `row.tags.filter(...)` (a prefetch
//! would not serve it), writes through a relation (`row.tags.all().update()`,
//! `.delete()`: a query per row that no prefetch batches), a relation read
//! under `if row.author_id != last:` (once per group of rows, not per row),
//! uses after the loop variable is reassigned in the body, unknown or ambiguous
//! models, `values()`/`values_list()`, custom methods that load relations
//! themselves or can't be read, and select/prefetch arguments that are not
//! string literals.
//!
//! Over `invoice.lines.all()` where `invoice` is a parameter of a private
//! function (`def _encode(self, invoice)`, whose callers are in this
//! module), a path every caller loads is not reported either: each call
//! passes for `invoice` (by position or keyword) the variable of a loop or
//! comprehension over a queryset that prefetches `lines__<path>`
//! (`[self._encode(i) for i in qs]` with `qs =
//! Invoice.objects.prefetch_related("lines__item")`, refined by `qs =
//! qs.filter(...)` or not). With no caller, a public function, a call that
//! passes anything else, or the function passed on as a value, it is
//! reported.
//!
//! **References**:
//! <https://docs.djangoproject.com/en/stable/ref/models/querysets/#select-related>,
//! <https://docs.djangoproject.com/en/stable/ref/models/querysets/#prefetch-related>,
//! <https://docs.djangoproject.com/en/stable/ref/models/querysets/#iterator>

use crate::detect::syntax::{NodeExt, field};
use crate::text::code_span;
use tree_sitter::Node;

use super::fk_id;
use crate::detect::context::{Ctx, visit_own};
use crate::detect::models::{Method, Relation};
use crate::detect::readers::calls::{Use, is_private};
use crate::detect::readers::queryset::{Chain, INSTANCE_METHODS, Root, chain, literal_paths};
use crate::detect::{Applicability, Edit, Finding, Fix, Lib, RelationKind, Rule, Severity};

pub(crate) static RULE: Rule = Rule {
    code: "PG601",
    construct: "n-plus-one-loop",
    severity: Severity::Warning,
    fixable: true,
    topic: "n-plus-one-queries",
    summary: "N+1 queries: a loop over a queryset follows a relation of each row",
};

/// Write methods through a relation: a query per row that no prefetch
/// batches.
const WRITES: &[&str] = &[
    "update",
    "delete",
    "create",
    "add",
    "remove",
    "clear",
    "set",
    "bulk_create",
    "get_or_create",
    "update_or_create",
];

/// Reads through a relation that run a query per row whatever is
/// prefetched.
const SINGLE_ROW: &[&str] = &["get", "first", "last"];

/// How deep outer loops and variables are followed to type a receiver.
const MAX_DEPTH: usize = 3;

/// `node` is a `for_statement` or a comprehension's `for_in_clause`.
pub(crate) fn check<'t>(ctx: &Ctx<'t>, node: Node<'t>, out: &mut Vec<Finding>) {
    let (Some(var), Some(iterable)) = (
        node.child_by_field_id(field::LEFT),
        node.child_by_field_id(field::RIGHT),
    ) else {
        return;
    };
    if var.kind_str() != "identifier" {
        return;
    }
    let Some(qs) = chain(ctx, iterable) else {
        return;
    };
    let Some(models) = row_models(ctx, &qs, node, 0) else {
        return;
    };
    let Some(mut covered) = Covered::of(ctx, &qs) else {
        return;
    };
    let origin = Origin::of(ctx, &qs, node);
    let mut outer_loads_rel = false;
    if let Origin::OuterRow { outer, rel } = &origin
        && reads_prefetch(&qs)
    {
        // `for i in Item.objects.prefetch_related("variations__x")` then
        // `for v in i.variations.all()`: `v.x` came with the outer rows.
        let Some(outer_covered) = Covered::of(ctx, outer) else {
            return;
        };
        outer_loads_rel = outer_covered.covers(RelationKind::Many, rel);
        covered.inherit(&outer_covered, rel);
    }
    let var_name = ctx.text(var);
    let scopes = body_scopes(node);
    // After the variable is assigned again, it is no longer the loop's row.
    let rebound = scopes
        .iter()
        .filter_map(|s| rebinding(ctx, *s, var_name))
        .min()
        .unwrap_or(usize::MAX);
    let label = format!("`{}`", models.first().cloned().unwrap_or_default());
    let mut loop_ = Loop {
        ctx,
        qs: &qs,
        models: &models,
        label,
        covered: &covered,
        origin: &origin,
        outer_loads_rel,
        at: node,
        var: var_name,
        reported: Vec::new(),
        guards: Vec::new(),
        rebound,
        callers: None,
        owners: None,
    };
    for scope in scopes {
        let mut ancestors = Vec::new();
        loop_.walk(scope, &mut ancestors, out);
    }
}

/// One loop being checked.
struct Loop<'a, 't> {
    ctx: &'a Ctx<'t>,
    qs: &'a Chain<'t>,
    models: &'a [String],
    /// The rows' model as messages name it, in backticks (`` `Ticket` ``,
    /// `` `A` or `B` ``).
    label: String,
    covered: &'a Covered,
    origin: &'a Origin<'t>,
    /// The outer rows prefetch the relation this loop iterates.
    outer_loads_rel: bool,
    /// The loop.
    at: Node<'t>,
    var: &'a str,
    /// Relation paths already reported in this loop.
    reported: Vec<String>,
    /// `if row.x_id != last:` bodies: (relation `x`, byte range).
    guards: Vec<(String, std::ops::Range<usize>)>,
    /// Where the loop variable is first assigned again (uses after it are
    /// not the loop's rows).
    rebound: usize,
    /// For the rows of `param.rel.all()` in a private function: what each
    /// caller's rows load under `rel` (empty when a caller can't be read or
    /// there is none); read on the first finding about to be reported.
    callers: Option<Vec<Covered>>,
    /// For rows of a related manager (`obj.rel.all()`): the models `obj`
    /// may be, read on the first relation read that asks.
    owners: Option<Option<Vec<String>>>,
}

impl<'t> Loop<'_, 't> {
    /// Visits `node` and its descendants (not nested functions or classes)
    /// with their ancestors on a stack.
    fn walk(&mut self, node: Node<'t>, ancestors: &mut Vec<Node<'t>>, out: &mut Vec<Finding>) {
        if node.kind_str() == "if_statement" {
            self.add_guards(node);
        }
        if node.kind_str() == "attribute"
            && node.start_byte() < self.rebound
            && node
                .child_by_field_id(field::OBJECT)
                .is_some_and(|o| o.kind_str() == "identifier" && self.ctx.text(o) == self.var)
        {
            self.on_use(node, &ancestors[..], out);
        }
        ancestors.push(node);
        let mut c = node.walk();
        for child in node.named_children(&mut c) {
            if !matches!(
                child.kind_str(),
                "function_definition" | "lambda" | "class_definition" | "decorated_definition"
            ) {
                self.walk(child, ancestors, out);
            }
        }
        ancestors.pop();
    }

    /// `if row.event_id != last:` (or `==`): reads of `row.event` inside
    /// happen once per group of rows with the same key.
    fn add_guards(&mut self, if_stmt: Node<'t>) {
        let Some(cond) = if_stmt.child_by_field_id(field::CONDITION) else {
            return;
        };
        let ctx = self.ctx;
        let var = self.var;
        let mut found = Vec::new();
        visit_own(cond, &mut |n| {
            if n.kind_str() == "comparison_operator" {
                visit_own(n, &mut |a| {
                    if a.kind_str() == "attribute"
                        && a.child_by_field_id(field::OBJECT)
                            .is_some_and(|o| ctx.text(o) == var)
                        && let Some(name) = a.child_by_field_id(field::ATTRIBUTE)
                        && let Some(rel) = ctx.text(name).strip_suffix("_id")
                    {
                        found.push(rel.to_string());
                    }
                });
            }
        });
        for rel in found {
            self.guards.push((rel, if_stmt.byte_range()));
        }
    }

    fn on_use(&mut self, attr: Node<'t>, ancestors: &[Node<'t>], out: &mut Vec<Finding>) {
        let ctx = self.ctx;
        let Some(name_node) = attr.child_by_field_id(field::ATTRIBUTE) else {
            return;
        };
        let rel_name = ctx.text(name_node);
        let Some(rel) = ctx.models.relation_on(self.models, rel_name) else {
            return;
        };
        if self
            .guards
            .iter()
            .any(|(g, r)| g == rel_name && r.start <= attr.start_byte() && attr.end_byte() <= r.end)
        {
            return;
        }
        let models = self.models;
        if models.len() > 1 {
            // Name the model the relation belongs to in messages; rows that
            // may be of unrelated models (a parameter's `view_restrictions`,
            // declared by two models) name them all.
            let declaring: Vec<&String> = models
                .iter()
                .filter(|m| {
                    ctx.models
                        .relation_on(std::slice::from_ref(*m), rel_name)
                        .is_some()
                })
                .collect();
            if let Some(first) = declaring.first() {
                // One model's family (a model and its abstract base): named
                // by the first, as before.
                let related = declaring.iter().any(|root| {
                    let family = ctx.models.with_subclasses(root);
                    declaring.iter().all(|m| family.contains(m))
                });
                self.label = if related {
                    format!("`{first}`")
                } else {
                    match declaring.as_slice() {
                        [a, b] => format!("`{a}` or `{b}`"),
                        [a, rest @ ..] => {
                            format!("`{a}` (or one of {} other models)", rest.len())
                        }
                        [] => format!("`{first}`"),
                    }
                };
            }
        }
        let up = |i: usize| ancestors.len().checked_sub(i).map(|j| ancestors[j]);
        let parent = up(1);
        match rel.kind {
            RelationKind::Single | RelationKind::Generic => {
                self.on_single(attr, rel_name, &rel, [parent, up(2), up(3)], out);
            }
            RelationKind::Many => {
                let Some(method) = called_method(ctx, attr, parent, up(2)) else {
                    return;
                };
                if method == "all" {
                    // `row.tags.all().update(...)`: a write per row.
                    if called_method(ctx, up(2).unwrap_or(attr), up(3), up(4))
                        .is_some_and(|m| WRITES.contains(&m))
                    {
                        return;
                    }
                    self.report(attr, rel_name, RelationKind::Many, Shape::All, out);
                } else if SINGLE_ROW.contains(&method)
                    && !self.covered.covers(RelationKind::Many, rel_name)
                {
                    let Some(call) = up(2) else { return };
                    self.report(
                        call,
                        rel_name,
                        RelationKind::Many,
                        Shape::SingleRow(method),
                        out,
                    );
                }
            }
        }
    }

    fn on_single(
        &mut self,
        attr: Node<'t>,
        rel_name: &str,
        rel: &Relation,
        [parent, grand, great]: [Option<Node<'t>>; 3],
        out: &mut Vec<Finding>,
    ) {
        let ctx = self.ctx;
        if parent.is_some_and(|p| {
            matches!(p.kind_str(), "assignment" | "augmented_assignment")
                && p.child_by_field_id(field::LEFT) == Some(attr)
        }) {
            return;
        }
        // `for e in event.entries.all(): e.event`: the related manager gave
        // every row its owner, the same object each time.
        if let Root::Related {
            object,
            attr: accessor,
        } = self.qs.root
            && let Some(owners) = self
                .owners
                .get_or_insert_with(|| owner_models(ctx, object, accessor, self.at))
            && ctx
                .models
                .is_back_reference(self.models, rel_name, accessor, owners)
        {
            return;
        }
        let covered = self.covered.covers(rel.kind, rel_name);
        // Once the object is read, its key costs nothing more.
        let read = self.reported.iter().any(|r| r == rel_name);
        if rel.kind == RelationKind::Single && rel.forward && !covered && !read {
            // `row.owner.pk`, `row.owner == obj`: PG624.
            if let Some(p) = parent {
                if p.kind_str() == "attribute"
                    && p.child_by_field_id(field::ATTRIBUTE)
                        .is_some_and(|a| matches!(ctx.text(a), "pk" | "id"))
                {
                    if self.callers_cover(rel.kind, rel_name) {
                        return;
                    }
                    if self.once(format!("{rel_name}.pk")) {
                        out.push(fk_id::key_read(
                            ctx,
                            &RULE,
                            p,
                            attr,
                            rel_name,
                            rel.null,
                            &self.label,
                        ));
                    }
                    return;
                }
                if let Some(other) = compared_with(ctx, p, attr)
                    && let Some(f) =
                        fk_id::compared(ctx, &RULE, p, attr, other, rel_name, &self.label)
                {
                    if self.callers_cover(rel.kind, rel_name) {
                        return;
                    }
                    if self.once(format!("{rel_name}==")) {
                        out.push(f);
                    }
                    return;
                }
            }
        }
        // `row.order.event`: a second step through the joined relation.
        if rel.kind == RelationKind::Single
            && let Some(p) = parent.filter(|p| p.kind_str() == "attribute")
            && let Some(sub_node) = p.child_by_field_id(field::ATTRIBUTE)
        {
            let sub = ctx.text(sub_node);
            // `row.item.event = event`: a write, often to spare that query.
            let assigned = grand.is_some_and(|g| {
                g.kind_str() == "assignment" && g.child_by_field_id(field::LEFT) == Some(p)
            });
            if assigned {
                if !covered {
                    self.report(attr, rel_name, rel.kind, Shape::Read, out);
                }
                return;
            }
            if let Some(inner) = ctx.models.relation_on(&rel.targets, sub)
                && !rel.targets.is_empty()
            {
                let path = format!("{rel_name}__{sub}");
                match inner.kind {
                    RelationKind::Single if !self.covered.covers(RelationKind::Single, &path) => {
                        self.report(p, &path, RelationKind::Single, Shape::Read, out);
                        return;
                    }
                    RelationKind::Many
                        if called_method(ctx, p, grand, great) == Some("all")
                            && !self.covered.covers(RelationKind::Many, &path) =>
                    {
                        self.report(p, &path, RelationKind::Many, Shape::All, out);
                        return;
                    }
                    _ => {}
                }
            }
        }
        if !covered {
            self.report(attr, rel_name, rel.kind, Shape::Read, out);
        }
    }

    /// Over the rows of `param.rel.all()` in a private function, whether
    /// every caller in the module passes a row of a queryset that loads
    /// `rel__<path>` (see [`callers_load`]). Asked only for a finding about
    /// to be reported; the callers are read once per loop.
    fn callers_cover(&mut self, kind: RelationKind, path: &str) -> bool {
        let Origin::Elsewhere { rel } = *self.origin else {
            return false;
        };
        let ctx = self.ctx;
        let (qs, at) = (self.qs, self.at);
        let callers = self
            .callers
            .get_or_insert_with(|| callers_load(ctx, qs, at, rel).unwrap_or_default());
        !callers.is_empty() && callers.iter().all(|c| c.covers(kind, path))
    }

    /// True the first time `key` is seen in this loop.
    fn once(&mut self, key: String) -> bool {
        if self.reported.contains(&key) {
            return false;
        }
        self.reported.push(key);
        true
    }

    fn report(
        &mut self,
        node: Node<'t>,
        path: &str,
        kind: RelationKind,
        shape: Shape,
        out: &mut Vec<Finding>,
    ) {
        if self.covered.covers(kind, path)
            || self.callers_cover(kind, path)
            || !self.once(path.to_string())
        {
            return;
        }
        let ctx = self.ctx;
        let model = self.label.clone();
        let text = ctx.text(node);
        let method = match kind {
            RelationKind::Single => "select_related",
            RelationKind::Many | RelationKind::Generic => "prefetch_related",
        };
        let (message, fix) = match shape {
            Shape::SingleRow(m) => (
                format!(
                    "{} runs one query per {model} in this loop (N+1), and `.{m}()` is not served by a prefetch; load these rows in one query before the loop (a `Prefetch(..., to_attr=...)`, or a dict built from one queryset)",
                    code_span(text)
                ),
                None,
            ),
            Shape::All | Shape::Read => {
                let usage = match shape {
                    Shape::All => format!("{text}.all()"),
                    _ => text.to_string(),
                };
                match self.origin {
                    // The outer rows prefetch the relation: a call added
                    // to `row.rel.all()` would drop that prefetch and run
                    // a query per outer row; the path belongs outside.
                    Origin::OuterRow { rel, .. } if self.outer_loads_rel => (
                        format!(
                            "{} runs one query per {model} in this loop (N+1); {} on the outer queryset loads it with `{rel}`",
                            code_span(&usage),
                            code_span(&format!(".prefetch_related(\"{rel}__{path}\")"))
                        ),
                        None,
                    ),
                    _ => {
                        let what = match kind {
                            RelationKind::Single => "joins it into the same query",
                            _ => "loads it for all rows in one more query",
                        };
                        // `.iterator()` runs a prefetch only with a chunk
                        // size (an error without one on Django 5).
                        let chunk = if kind != RelationKind::Single
                            && self.qs.calls_named("iterator").any(|it| {
                                it.child_by_field_id(field::ARGUMENTS)
                                    .is_some_and(|a| a.named_child_count() == 0)
                            }) {
                            ", with `.iterator(chunk_size=...)`,"
                        } else {
                            ""
                        };
                        let mut fix = fix(ctx, self.qs, method, path);
                        if let (Origin::Elsewhere { rel }, Some(f)) = (self.origin, fix.as_mut()) {
                            // A caller may have prefetched `rel`: the
                            // added call would run a query per object
                            // instead of reading that cache.
                            f.applicability = Applicability::Unsafe;
                            f.message = format!(
                                "Add `.{method}(\"{path}\")` to the queryset (a prefetch of `{rel}` by the caller would be bypassed)"
                            );
                        }
                        (
                            format!(
                                "{} runs one query per {model} in this loop (N+1); {}{chunk} {what}",
                                code_span(&usage),
                                code_span(&format!(".{method}(\"{path}\")"))
                            ),
                            fix,
                        )
                    }
                }
            }
        };
        out.push(Finding {
            rule: &RULE,
            range: node.byte_range(),
            message,
            fix,
        });
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Shape {
    /// `row.author`
    Read,
    /// `row.tags.all()`
    All,
    /// `row.tags.get(...)`, `.first()`, `.last()`
    SingleRow(&'static str),
}

/// `obj.name(...)` where `obj` is `attr`, `parent` the attribute
/// `obj.name` and `grand` the call: the method name, when it is one this
/// rule cares about.
fn called_method<'t>(
    ctx: &Ctx<'t>,
    attr: Node<'t>,
    parent: Option<Node<'t>>,
    grand: Option<Node<'t>>,
) -> Option<&'static str> {
    let p = parent.filter(|p| p.kind_str() == "attribute")?;
    if p.child_by_field_id(field::OBJECT) != Some(attr) {
        return None;
    }
    let g = grand?;
    if g.kind_str() != "call" || g.child_by_field_id(field::FUNCTION) != Some(p) {
        return None;
    }
    let name = ctx.text(p.child_by_field_id(field::ATTRIBUTE)?);
    ["all"]
        .iter()
        .chain(WRITES)
        .chain(SINGLE_ROW)
        .find(|m| **m == name)
        .copied()
}

/// `attr == other` / `other != attr` (one operator): the other operand.
fn compared_with<'t>(ctx: &Ctx<'t>, cmp: Node<'t>, attr: Node<'t>) -> Option<Node<'t>> {
    if cmp.kind_str() != "comparison_operator" || cmp.named_child_count() != 2 {
        return None;
    }
    let mut c = cmp.walk();
    let ops: Vec<&str> = cmp
        .children(&mut c)
        .filter(|n| !n.is_named())
        .map(|n| ctx.text(n))
        .collect();
    if !matches!(ops.as_slice(), ["=="] | ["!="]) {
        return None;
    }
    let (a, b) = (cmp.named_child(0)?, cmp.named_child(1)?);
    if a == attr {
        Some(b)
    } else if b == attr {
        Some(a)
    } else {
        None
    }
}

/// The models of the rows `qs` yields, when every call keeps them
/// instances and nothing loads relations in a way that can't be read.
fn row_models<'t>(
    ctx: &Ctx<'t>,
    qs: &Chain<'t>,
    at: Node<'t>,
    depth: usize,
) -> Option<Vec<String>> {
    let custom = |class: &str, name: &str| ctx.models.method(class, name) == Some(Method::Refines);
    let manager = qs.manager.as_deref();
    let calls_ok = qs.calls.iter().all(|c| {
        INSTANCE_METHODS.contains(&c.name)
            || c.name == "iterator"
            || manager.is_some_and(|m| custom(m, c.name))
    });
    if !calls_ok {
        return None;
    }
    match &qs.root {
        Root::Manager(model) => {
            if !ctx.models.is_model(model) || manager.is_some_and(|m| !plain(ctx, m)) {
                return None;
            }
            Some(vec![model.clone()])
        }
        Root::Related { object, attr } => {
            let rel = match receiver_models(ctx, *object, at, depth) {
                Some(models) => ctx.models.relation_on(&models, attr)?,
                None if is_parameter(ctx, *object) => ctx.models.relation_by_name(attr)?.1,
                None => return None,
            };
            if rel.kind != RelationKind::Many || rel.targets.is_empty() {
                return None;
            }
            // The related manager is the target's default manager.
            for t in &rel.targets {
                if let Some(Some(m)) = ctx.models.manager_class(t, "objects", 0)
                    && !plain(ctx, &m)
                {
                    return None;
                }
            }
            Some(rel.targets)
        }
        Root::Unknown => None,
    }
}

fn plain(ctx: &Ctx, manager: &str) -> bool {
    manager == "Manager" || ctx.models.plain_manager(manager)
}

/// Whether the rows of a related manager's chain are the ones a prefetch
/// of the relation holds: only `row.rel.all()` reads them; `.filter(...)`
/// and the like run a query of their own.
fn reads_prefetch(qs: &Chain) -> bool {
    qs.calls.iter().all(|c| c.name == "all")
}

/// Where a loop's rows come from, for what may already be loaded with
/// them.
enum Origin<'t> {
    /// A manager, a queryset variable, anything the chain shows whole.
    Shown,
    /// `obj.rel.all()` where `obj` is the row of an outer loop: what the
    /// outer queryset loads under `rel` comes with these rows.
    OuterRow { outer: Chain<'t>, rel: &'t str },
    /// `obj.rel.all()` where `obj` comes from elsewhere (`self`, a
    /// parameter): whoever loaded `obj` may have prefetched `rel` with
    /// more, which the rule cannot see.
    Elsewhere { rel: &'t str },
}

impl<'t> Origin<'t> {
    fn of(ctx: &Ctx<'t>, qs: &Chain<'t>, at: Node<'t>) -> Origin<'t> {
        let Root::Related { object, attr } = qs.root else {
            return Origin::Shown;
        };
        match outer_loop(ctx, object, at)
            .and_then(|l| chain(ctx, l.child_by_field_id(field::RIGHT)?))
        {
            Some(outer) => Origin::OuterRow { outer, rel: attr },
            None => Origin::Elsewhere { rel: attr },
        }
    }
}

/// How many callers of a private function are read; with more, none is
/// trusted.
const MAX_CALLERS: usize = 32;

/// For a loop over `param.rel.all()` (`qs`, the loop `at`) in a private
/// function `_f` (its callers live in this module): what the rows of each
/// caller's loop load under `rel` (`"rel__x"` read as `"x"`), one entry a
/// caller. A caller counts when it passes, for `param` (by position,
/// `self`/`cls` left out for a method called through an attribute, or by
/// keyword), the variable of a `for` loop or comprehension around the call
/// that iterates a queryset. `None` when there is no caller, or any use of
/// `_f` is something else: another argument, a reference that passes the
/// function on, a loop variable assigned again before the call, a loop
/// over something that is not a queryset with readable prefetches.
fn callers_load<'t>(
    ctx: &Ctx<'t>,
    qs: &Chain<'t>,
    at: Node<'t>,
    rel: &str,
) -> Option<Vec<Covered>> {
    let Root::Related { object, .. } = qs.root else {
        return None;
    };
    if object.kind_str() != "identifier" || !reads_prefetch(qs) {
        return None;
    }
    let param = ctx.text(object);
    let func = ctx
        .enclosing_function(at)
        .filter(|f| f.kind_str() == "function_definition")?;
    let name = ctx.text(func.child_by_field_id(field::NAME)?);
    if !is_private(name) {
        return None;
    }
    let body = func.child_by_field_id(field::BODY)?;
    // `param = ...` before the loop: no longer what the caller passed.
    if ctx
        .own_assignments(body)
        .get(param)
        .is_some_and(|a| a.iter().any(|n| n.start_byte() < at.start_byte()))
    {
        return None;
    }
    let position = parameter_position(ctx, func, param)?;
    // How calls reach the function: a method through an attribute
    // (`self._f(row)`, without `self`), a plain function by its name.
    let mut up = ctx.ancestors(at).skip_while(|n| *n != func).skip(1);
    let mut parent = up.next()?;
    let mut decorators = Vec::new();
    if parent.kind_str() == "decorated_definition" {
        let mut c = parent.walk();
        decorators.extend(
            parent
                .named_children(&mut c)
                .filter(|d| d.kind_str() == "decorator")
                .filter_map(|d| d.named_child(0))
                .map(|d| ctx.text(d)),
        );
        parent = up.next()?;
    }
    let method = parent.kind_str() == "block"
        && up
            .next()
            .is_some_and(|c| c.kind_str() == "class_definition");
    let position = match position {
        Some(i) if method && !decorators.contains(&"staticmethod") => Some(i.checked_sub(1)?),
        p => p,
    };
    let uses = ctx.private_uses()?;
    // From here on the answer depends on other statements (the callers).
    ctx.reads_other_statements();
    let uses = uses.of_name(name)?;
    if uses.is_empty() || uses.len() > MAX_CALLERS {
        return None;
    }
    let mut loads = Vec::with_capacity(uses.len());
    for u in uses {
        let Use::Call {
            call,
            attribute,
            loops,
            scope,
        } = u
        else {
            return None;
        };
        if *attribute != method {
            return None;
        }
        let arg = argument(ctx, *call, position, param)?;
        if arg.kind_str() != "identifier" {
            return None;
        }
        let var = ctx.text(arg);
        // The innermost loop binding `var` around the call.
        let mut bound = None;
        for l in loops {
            let left = l.child_by_field_id(field::LEFT)?;
            if left.kind_str() == "identifier" {
                if ctx.text(left) == var {
                    bound = Some(*l);
                    break;
                }
            } else {
                let mut names = false;
                visit_own(left, &mut |n| {
                    names |= n.kind_str() == "identifier" && ctx.text(n) == var;
                });
                if names {
                    return None;
                }
            }
        }
        let l = bound?;
        // `row = ...` between the loop's start and the call.
        if l.kind_str() == "for_statement"
            && ctx.own_assignments((*scope)?).get(var).is_some_and(|a| {
                a.iter()
                    .any(|n| n.start_byte() > l.start_byte() && n.start_byte() < call.start_byte())
            })
        {
            return None;
        }
        let rows = chain(ctx, l.child_by_field_id(field::RIGHT)?)?;
        // `.iterator()` drops prefetches without a chunk size (before
        // Django 5.0 silently): not counted on.
        if rows.calls_named("iterator").next().is_some() {
            return None;
        }
        let outer = Covered::of(ctx, &rows)?;
        let mut under = Covered::default();
        under.inherit(&outer, rel);
        loads.push(under);
    }
    Some(loads)
}

/// The position of the parameter `name` among `func`'s positional
/// parameters (`self` included): `Some(None)` for a keyword-only one,
/// `None` when `func` has no such parameter.
fn parameter_position(ctx: &Ctx, func: Node, name: &str) -> Option<Option<usize>> {
    let params = func.child_by_field_id(field::PARAMETERS)?;
    let mut position = 0;
    let mut keyword_only = false;
    let mut c = params.walk();
    for p in params.named_children(&mut c) {
        let n = match p.kind_str() {
            "identifier" => Some(p),
            "default_parameter" | "typed_default_parameter" => p.child_by_field_id(field::NAME),
            "typed_parameter" => match p.named_child(0) {
                Some(n) if n.kind_str() == "identifier" => Some(n),
                // `*args: int`, `**kw: str`.
                Some(n) => {
                    keyword_only |= n.kind_str() == "list_splat_pattern";
                    None
                }
                None => None,
            },
            "list_splat_pattern" | "keyword_separator" => {
                keyword_only = true;
                None
            }
            _ => None,
        };
        let Some(n) = n else { continue };
        if ctx.text(n) == name {
            return Some((!keyword_only).then_some(position));
        }
        if !keyword_only {
            position += 1;
        }
    }
    None
}

/// The argument `call` passes at `position` (among its positional
/// arguments) or as `name=`; `None` when it can't be told (`*args` or
/// `**kwargs` in the way) or is not passed.
fn argument<'t>(
    ctx: &Ctx<'t>,
    call: Node<'t>,
    position: Option<usize>,
    name: &str,
) -> Option<Node<'t>> {
    let args = call
        .child_by_field_id(field::ARGUMENTS)
        .filter(|a| a.kind_str() == "argument_list")?;
    let mut positional = 0;
    let mut splat = false;
    let mut c = args.walk();
    for a in args.named_children(&mut c) {
        match a.kind_str() {
            "comment" => {}
            "keyword_argument" => {
                if a.child_by_field_id(field::NAME)
                    .is_some_and(|n| ctx.text(n) == name)
                {
                    return a.child_by_field_id(field::VALUE);
                }
            }
            "list_splat" | "dictionary_splat" => splat = true,
            _ => {
                if !splat && position == Some(positional) {
                    return Some(a);
                }
                positional += 1;
            }
        }
    }
    None
}

/// The loop, in the same function (or module) and around `at`, whose
/// variable is the identifier `object`.
fn outer_loop<'t>(ctx: &Ctx<'t>, object: Node<'t>, at: Node<'t>) -> Option<Node<'t>> {
    if object.kind_str() != "identifier" {
        return None;
    }
    let name = ctx.text(object);
    let body = match ctx.enclosing_function(at) {
        Some(f) => f.child_by_field_id(field::BODY)?,
        None => crate::detect::context::root_of(at),
    };
    let mut outer: Option<Node<'t>> = None;
    visit_own(body, &mut |n| {
        if n.kind_str() == "for_statement"
            && n.start_byte() < at.start_byte()
            && at.end_byte() <= n.end_byte()
            && n.child_by_field_id(field::LEFT)
                .is_some_and(|l| l.kind_str() == "identifier" && ctx.text(l) == name)
        {
            outer = Some(n);
        }
    });
    outer
}

/// The models `object` may be an instance of, for `object.<rel>`: as
/// [`receiver_models`] reads it, or for a parameter of unknown type the
/// models that declare `rel`.
fn owner_models<'t>(
    ctx: &Ctx<'t>,
    object: Node<'t>,
    rel: &str,
    at: Node<'t>,
) -> Option<Vec<String>> {
    receiver_models(ctx, object, at, 0).or_else(|| {
        is_parameter(ctx, object)
            .then(|| ctx.models.relation_by_name(rel).map(|(owners, _)| owners))
            .flatten()
    })
}

/// The models an expression's value may be an instance of: `self` in a
/// model's method (the model and its subclasses), a parameter annotated
/// with a model, an outer loop's row.
fn receiver_models<'t>(
    ctx: &Ctx<'t>,
    object: Node<'t>,
    at: Node<'t>,
    depth: usize,
) -> Option<Vec<String>> {
    if object.kind_str() != "identifier" || depth >= MAX_DEPTH {
        return None;
    }
    let name = ctx.text(object);
    let func = ctx.enclosing_function(at);
    if let Some(model) = func.and_then(|f| parameter_annotation(ctx, f, name)) {
        return ctx.models.is_model(&model).then(|| vec![model]);
    }
    if name == "self" {
        let func = func?;
        let class = func
            .parent()
            .filter(|b| b.kind_str() == "block")
            .and_then(|b| b.parent())
            .or_else(|| {
                // Decorated methods: def → decorated_definition → block → class.
                func.parent()
                    .filter(|d| d.kind_str() == "decorated_definition")
                    .and_then(|d| d.parent())
                    .and_then(|b| b.parent())
            })
            .filter(|c| c.kind_str() == "class_definition")?;
        let class_name = ctx.text(class.child_by_field_id(field::NAME)?);
        return ctx
            .models
            .is_model(class_name)
            .then(|| ctx.models.with_subclasses(class_name));
    }
    // The row of an outer loop in the same function (or module).
    let outer = outer_loop(ctx, object, at)?;
    let qs = chain(ctx, outer.child_by_field_id(field::RIGHT)?)?;
    row_models(ctx, &qs, outer, depth + 1)
}

/// `def f(order: Order)`: the annotation's class name.
fn parameter_annotation(ctx: &Ctx, func: Node, name: &str) -> Option<String> {
    let params = func.child_by_field_id(field::PARAMETERS)?;
    let mut c = params.walk();
    for p in params.named_children(&mut c) {
        if !matches!(p.kind_str(), "typed_parameter" | "typed_default_parameter") {
            continue;
        }
        let pname = match p.kind_str() {
            "typed_parameter" => p.named_child(0),
            _ => p.child_by_field_id(field::NAME),
        };
        if pname.is_none_or(|n| ctx.text(n) != name) {
            continue;
        }
        let ty = p.child_by_field_id(field::TYPE)?.named_child(0)?;
        let t = match ty.kind_str() {
            "identifier" | "attribute" => ctx.text(ty).to_string(),
            "string" => crate::detect::models::string_value(ty, ctx.src)?,
            _ => return None,
        };
        let last = t.rsplit('.').next()?.to_string();
        return last
            .chars()
            .all(|c| c.is_alphanumeric() || c == '_')
            .then_some(last);
    }
    None
}

/// Whether `ident` names a parameter of its function.
fn is_parameter<'t>(ctx: &Ctx<'t>, ident: Node<'t>) -> bool {
    if ident.kind_str() != "identifier" {
        return false;
    }
    let name = ctx.text(ident);
    let Some(params) = ctx
        .enclosing_function(ident)
        .and_then(|f| f.child_by_field_id(field::PARAMETERS))
    else {
        return false;
    };
    let mut c = params.walk();
    params.named_children(&mut c).any(|p| {
        let n = match p.kind_str() {
            "identifier" => Some(p),
            "default_parameter" => p.child_by_field_id(field::NAME),
            _ => None,
        };
        n.is_some_and(|n| ctx.text(n) == name) && name != "self"
    })
}

/// Where the loop variable is first assigned again inside `scope`: the end
/// of the assignment (its right side still reads the row), or the start of
/// a loop or walrus that rebinds it.
fn rebinding(ctx: &Ctx, scope: Node, var: &str) -> Option<usize> {
    let mut first: Option<usize> = None;
    visit_own(scope, &mut |n| {
        let (target, at) = match n.kind_str() {
            "assignment" | "augmented_assignment" => {
                (n.child_by_field_id(field::LEFT), n.end_byte())
            }
            "for_statement" | "for_in_clause" => (n.child_by_field_id(field::LEFT), n.start_byte()),
            "named_expression" => (n.child_by_field_id(field::NAME), n.start_byte()),
            _ => (None, 0),
        };
        if target.is_some_and(|t| t.kind_str() == "identifier" && ctx.text(t) == var) {
            first = Some(first.map_or(at, |f| f.min(at)));
        }
    });
    first
}

/// Where the loop variable is used: a loop's body, or a comprehension's
/// result expression and later clauses.
fn body_scopes(node: Node) -> Vec<Node> {
    if node.kind_str() == "for_statement" {
        return node.child_by_field_id(field::BODY).into_iter().collect();
    }
    let Some(comp) = node.parent() else {
        return Vec::new();
    };
    let mut scopes: Vec<Node> = comp.child_by_field_id(field::BODY).into_iter().collect();
    let mut c = comp.walk();
    scopes.extend(
        comp.named_children(&mut c)
            .filter(|n| n.start_byte() > node.end_byte()),
    );
    scopes
}

/// What the chain already loads with its rows (relation paths, `__`
/// joined).
#[derive(Default)]
struct Covered {
    /// `select_related()` with no arguments: every single-valued relation.
    all_single: bool,
    single: Vec<String>,
    many: Vec<String>,
}

impl Covered {
    /// `None` when a select/prefetch argument can't be read (a variable,
    /// `*fields`): then anything may be covered.
    fn of(ctx: &Ctx, qs: &Chain) -> Option<Covered> {
        let mut covered = Covered {
            all_single: false,
            single: Vec::new(),
            many: Vec::new(),
        };
        for call in qs.calls_named("select_related") {
            let names = literal_paths(ctx, call)?;
            covered.all_single |= names.is_empty();
            covered.single.extend(names);
        }
        for call in qs.calls_named("prefetch_related") {
            covered.many.extend(literal_paths(ctx, call)?);
        }
        Some(covered)
    }

    /// Adds what `outer` loads under `rel` (`"rel__x"` becomes `"x"`): the
    /// rows of `row.rel.all()` for a row of `outer`.
    fn inherit(&mut self, outer: &Covered, rel: &str) {
        let prefix = format!("{rel}__");
        // `select_related("rel__x")` can't follow a many-valued `rel`, so
        // only prefetched paths carry over.
        self.many.extend(
            outer
                .many
                .iter()
                .filter_map(|p| p.strip_prefix(&prefix).map(str::to_string)),
        );
    }

    /// Whether `path` (`"order"`, `"order__event"`) is loaded with the rows.
    fn covers(&self, kind: RelationKind, path: &str) -> bool {
        let named = |list: &[String]| {
            list.iter().any(|r| {
                r == path
                    || r.strip_prefix(path)
                        .is_some_and(|rest| rest.starts_with("__"))
            })
        };
        // A prefetch also serves a single-valued relation.
        named(&self.many)
            || (kind == RelationKind::Single
                && ((self.all_single && !path.contains("__")) || named(&self.single)))
    }
}

/// Adds `rel` to an existing `method(...)` call on every path of the chain,
/// else appends `.method("rel")` to the chain's tail (before a trailing
/// `.iterator()`, which then gets a `chunk_size` so the prefetch runs).
/// `None` when the chain defers fields (`only`/`defer`) or can't be
/// extended.
fn fix(ctx: &Ctx, qs: &Chain, method: &str, rel: &str) -> Option<Fix> {
    if qs.calls.iter().any(|c| matches!(c.name, "only" | "defer")) {
        return None;
    }
    // Refined by `qs = qs.filter(...)` (often in a branch): where the
    // relation belongs is the author's call (the shared definition, or
    // each branch); report without a fix.
    if qs.calls.iter().any(|c| c.refinement) {
        return None;
    }
    // Before Django 4.1 `.iterator()` ignores `prefetch_related`.
    if method == "prefetch_related"
        && qs.calls_named("iterator").next().is_some()
        && !ctx.at_least(Lib::Django, 4, 1)
    {
        return None;
    }
    let arg = format!("\"{rel}\"");
    let mut edits = Vec::new();
    if let Some(call) = qs
        .calls
        .iter()
        .filter(|c| c.name == method && !c.refinement)
        .map(|c| c.call)
        .next_back()
    {
        let args = call.child_by_field_id(field::ARGUMENTS)?;
        let close = args.child(args.child_count().checked_sub(1)?)?;
        if close.kind_str() != ")" {
            return None;
        }
        let before = close.prev_sibling()?;
        let content = match before.kind_str() {
            "(" => arg,
            "," => format!(" {arg}"),
            _ => format!(", {arg}"),
        };
        edits.push(Edit {
            range: close.start_byte()..close.start_byte(),
            content,
        });
    } else {
        let tail = qs.tail?;
        // Before a trailing `.iterator(...)`, which must stay last.
        let at = match tail.kind_str() {
            "call"
                if ctx
                    .text(tail.child_by_field_id(field::FUNCTION)?)
                    .ends_with(".iterator") =>
            {
                tail.child_by_field_id(field::FUNCTION)?
                    .child_by_field_id(field::OBJECT)?
                    .end_byte()
            }
            _ => tail.end_byte(),
        };
        edits.push(Edit {
            range: at..at,
            content: format!(".{method}({arg})"),
        });
    }
    if method == "prefetch_related" {
        for it in qs.calls_named("iterator") {
            let args = it.child_by_field_id(field::ARGUMENTS)?;
            if args.named_child_count() == 0 {
                edits.push(Edit {
                    range: args.start_byte() + 1..args.start_byte() + 1,
                    content: "chunk_size=2000".to_string(),
                });
            } else if !ctx.text(args).contains("chunk_size")
                && args.named_child(0)?.kind_str() == "keyword_argument"
            {
                // `iterator(using=...)` style: no positional chunk size.
                return None;
            }
        }
    }
    // Loading related rows with the queryset keeps every result the same.
    Some(Fix {
        message: format!("Add `.{method}(\"{rel}\")` to the queryset"),
        edits,
        applicability: Applicability::Safe,
    })
}

/// The unit guard (`detect/skim.rs`): a loop whose variable is one name
/// (`for row in`, of a statement or a comprehension: [`check`] reads no
/// other) and a read of a relation the model index knows on that name
/// (`row.<relation>`); any loop while the index is not known yet.
pub(crate) fn unit_guard(unit: &crate::detect::skim::Unit) -> bool {
    use crate::detect::model_files::{is_whole_word, word_starts};
    use crate::detect::skim::{name_at, skip_space};
    let Some(relations) = unit.relations else {
        return unit.lexed.r#for;
    };
    if relations.is_empty() || !unit.lexed.r#for {
        return false;
    }
    let t = unit.text;
    let b = t.as_bytes();
    // The names loops bind alone.
    let mut vars: Vec<&str> = Vec::new();
    for name in unit.names_after("for") {
        let next = skip_space(b, name.end);
        if b[next..].starts_with(b"in")
            && is_whole_word(b, next, next + 2)
            && !vars.contains(&&t[name.clone()])
        {
            vars.push(&t[name]);
        }
    }
    vars.iter().any(|var| {
        word_starts(t, var).any(|at| {
            let dot = skip_space(b, at + var.len());
            b.get(dot) == Some(&b'.')
                && name_at(b, dot + 1).is_some_and(|r| relations.contains(&t[r]))
        })
    })
}
