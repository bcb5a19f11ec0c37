//! PG601 `n-plus-one-loop`: a loop over a queryset that follows a relation
//! of each row.
//!
//! **What it matches**: `for post in Post.objects.filter(...):` (or `async
//! for`, or a comprehension, or a variable assigned such a queryset earlier
//! in the function) whose body reads `post.author` where `author` is a
//! `ForeignKey`/`OneToOneField` of `Post` (or the reverse of a one-to-one),
//! or calls `post.tags.all()` where `tags` is a `ManyToManyField` or a
//! reverse foreign key (`related_name`, else `post_set`). Relations come from
//! the `class X(models.Model)` definitions the analysis knows: the file's
//! own and, in the CLI and the server, the rest of the project's.
//!
//! **Why**: the queryset fetches the rows in one query, then each access to
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
//! (one extra query for all rows, for many-valued ones). An existing
//! `select_related(...)`/`prefetch_related(...)` in the chain gets the name
//! added to its arguments.
//!
//! **Not reported**: relations already selected or prefetched (also through
//! `Prefetch("tags", ...)` or `select_related()` with no arguments), plain
//! fields (`post.created_at.year`), `post.author_id`, `post.tags.filter(...)`
//! (a prefetch would not serve it), unknown models, querysets of
//! `values()`/`values_list()`, loops over anything that is not a queryset,
//! chains with methods pyguide does not know (custom queryset methods), and
//! select/prefetch arguments that are not string literals.
//!
//! **References**:
//! <https://docs.djangoproject.com/en/stable/ref/models/querysets/#select-related>,
//! <https://docs.djangoproject.com/en/stable/ref/models/querysets/#prefetch-related>

use crate::text::code_span;
use tree_sitter::Node;

use super::queryset::{Chain, chain, literal_relations};
use crate::detect::context::{Ctx, visit_own};
use crate::detect::{Edit, Finding, Fix, RelationKind, Rule, Severity};

pub(crate) static RULE: Rule = Rule {
    code: "PG601",
    construct: "n-plus-one-loop",
    severity: Severity::Warning,
    fixable: true,
    topic: "n-plus-one-queries",
    summary: "N+1 queries: a loop over a queryset follows a relation of each row",
};

/// `node` is a `for_statement` or a comprehension's `for_in_clause`.
pub(crate) fn check<'t>(ctx: &Ctx<'t>, node: Node<'t>, out: &mut Vec<Finding>) {
    let (Some(var), Some(iterable)) = (
        node.child_by_field_name("left"),
        node.child_by_field_name("right"),
    ) else {
        return;
    };
    if var.kind() != "identifier" {
        return;
    }
    let Some(qs) = chain(ctx, iterable) else {
        return;
    };
    let Some(model) = qs.instance_model() else {
        return;
    };
    let Some(covered) = Covered::of(ctx, &qs) else {
        return;
    };
    let var_name = ctx.text(var);
    let mut reported: Vec<&str> = Vec::new();
    let mut on_use = |attr: Node<'t>| {
        let Some(name_node) = attr.child_by_field_name("attribute") else {
            return;
        };
        let rel = ctx.text(name_node);
        if reported.contains(&rel) {
            return;
        }
        let Some(kind) = ctx.models.relation(model, rel) else {
            return;
        };
        let read = match kind {
            RelationKind::Single => !is_assigned(attr),
            RelationKind::Many => calls_all(ctx, attr),
        };
        if !read || covered.covers(kind, rel) {
            return;
        }
        reported.push(rel);
        out.push(finding(ctx, &qs, model, attr, rel, kind));
    };
    for scope in body_scopes(node) {
        visit_own(scope, &mut |n| {
            if n.kind() == "attribute"
                && n.child_by_field_name("object")
                    .is_some_and(|o| o.kind() == "identifier" && ctx.text(o) == var_name)
            {
                on_use(n);
            }
        });
    }
}

/// Where the loop variable is used: a loop's body, or a comprehension's
/// result expression and later clauses.
fn body_scopes(node: Node) -> Vec<Node> {
    if node.kind() == "for_statement" {
        return node.child_by_field_name("body").into_iter().collect();
    }
    let Some(comp) = node.parent() else {
        return Vec::new();
    };
    let mut scopes: Vec<Node> = comp.child_by_field_name("body").into_iter().collect();
    let mut c = comp.walk();
    scopes.extend(
        comp.named_children(&mut c)
            .filter(|n| n.start_byte() > node.end_byte()),
    );
    scopes
}

/// What the chain already loads with its rows.
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
            let names = literal_relations(ctx, call)?;
            covered.all_single |= names.is_empty();
            covered.single.extend(names);
        }
        for call in qs.calls_named("prefetch_related") {
            covered.many.extend(literal_relations(ctx, call)?);
        }
        Some(covered)
    }

    fn covers(&self, kind: RelationKind, rel: &str) -> bool {
        let named = |list: &[String]| list.iter().any(|r| r == rel);
        // A prefetch also serves a single-valued relation.
        named(&self.many)
            || (kind == RelationKind::Single && (self.all_single || named(&self.single)))
    }
}

/// `post.author = x` (the attribute is a target, not a read).
fn is_assigned(attr: Node) -> bool {
    attr.parent().is_some_and(|p| {
        matches!(p.kind(), "assignment" | "augmented_assignment")
            && p.child_by_field_name("left") == Some(attr)
    })
}

/// `post.tags.all()`.
fn calls_all(ctx: &Ctx, attr: Node) -> bool {
    let Some(outer) = attr.parent().filter(|p| p.kind() == "attribute") else {
        return false;
    };
    outer
        .child_by_field_name("attribute")
        .is_some_and(|a| ctx.text(a) == "all")
        && outer
            .parent()
            .is_some_and(|c| c.kind() == "call" && c.child_by_field_name("function") == Some(outer))
}

fn finding(
    ctx: &Ctx,
    qs: &Chain,
    model: &str,
    attr: Node,
    rel: &str,
    kind: RelationKind,
) -> Finding {
    let (method, what) = match kind {
        RelationKind::Single => ("select_related", "joins it into the same query"),
        RelationKind::Many => (
            "prefetch_related",
            "loads it for all rows in one more query",
        ),
    };
    let usage = match kind {
        RelationKind::Single => ctx.text(attr).to_string(),
        RelationKind::Many => format!("{}.all()", ctx.text(attr)),
    };
    Finding {
        rule: &RULE,
        range: attr.byte_range(),
        message: format!(
            "{} runs one query per `{model}` in this loop (N+1); {} {what}",
            code_span(&usage),
            code_span(&format!(".{method}(\"{rel}\")"))
        ),
        fix: fix(ctx, qs, method, rel),
    }
}

/// Adds `rel` to an existing `method(...)` call of the chain, else appends
/// `.method("rel")` to the chain's tail.
fn fix(ctx: &Ctx, qs: &Chain, method: &str, rel: &str) -> Option<Fix> {
    let arg = format!("\"{rel}\"");
    let edit = if let Some(call) = qs.calls_named(method).last() {
        let args = call.child_by_field_name("arguments")?;
        let close = args.child(args.child_count().checked_sub(1)?)?;
        if close.kind() != ")" {
            return None;
        }
        let before = close.prev_sibling()?;
        let content = match before.kind() {
            "(" => arg,
            "," => format!(" {arg}"),
            _ => format!(", {arg}"),
        };
        Edit {
            range: close.start_byte()..close.start_byte(),
            content,
        }
    } else {
        let tail = qs.tail?;
        // Before a trailing `.iterator(...)`, which must stay last.
        let at = match tail.kind() {
            "call"
                if ctx
                    .text(tail.child_by_field_name("function")?)
                    .ends_with(".iterator") =>
            {
                tail.child_by_field_name("function")?
                    .child_by_field_name("object")?
                    .end_byte()
            }
            _ => tail.end_byte(),
        };
        Edit {
            range: at..at,
            content: format!(".{method}({arg})"),
        }
    };
    Some(Fix {
        message: format!("Add `.{method}(\"{rel}\")` to the queryset"),
        edits: vec![edit],
    })
}
