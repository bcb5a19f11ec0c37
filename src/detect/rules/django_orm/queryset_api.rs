//! Educational hints for Django ORM APIs: queryset methods recognised on a
//! queryset chain (see `queryset.rs`: `Post.objects...`, a variable holding
//! one, or a chain that calls `select_related`/`prefetch_related`), and the
//! expression classes `Prefetch` and `F` recognised by qualified name.
//!
//! One table row per rule. The range is the method call from its name
//! (`only("title")` in `Post.objects.only("title")`), so hints on one chain
//! never overlap. Generic method names (`count`, `values`, `update`) are
//! only hints on a queryset; `select_related`, `prefetch_related` and
//! `select_for_update` exist nowhere else and are hints on any receiver.
//!
//! **References**: each rule's topic cites the Django documentation
//! (<https://docs.djangoproject.com/en/stable/ref/models/querysets/>).

use crate::detect::syntax::{NodeExt, field};
use tree_sitter::Node;

use crate::detect::context::Ctx;
use crate::detect::readers::queryset::is_queryset;
use crate::detect::{Finding, Rule};

hint!(
    SELECT_RELATED,
    "PG602",
    "select-related",
    "select-related-vs-prefetch-related",
    "`select_related`: follows foreign keys and one-to-ones with a JOIN in the same query"
);
hint!(
    PREFETCH_RELATED,
    "PG603",
    "prefetch-related",
    "select-related-vs-prefetch-related",
    "`prefetch_related`: one extra query per relation, joined in Python; for many-valued relations"
);
hint!(
    PREFETCH,
    "PG604",
    "prefetch-object",
    "select-related-vs-prefetch-related",
    "`Prefetch`: a prefetch with its own queryset (filtered, ordered) or `to_attr`"
);
hint!(
    ONLY_DEFER,
    "PG605",
    "queryset-only-defer",
    "django-query-performance",
    "`only` / `defer`: load fewer columns; touching a deferred field costs one query per row"
);
hint!(
    VALUES,
    "PG606",
    "queryset-values",
    "django-query-performance",
    "`values` / `values_list`: dicts or tuples instead of model instances, no per-row model overhead"
);
hint!(
    ITERATOR,
    "PG607",
    "queryset-iterator",
    "django-query-performance",
    "`iterator`: streams rows in chunks without filling the queryset cache"
);
hint!(
    RAW,
    "PG609",
    "queryset-raw",
    "sql-injection-raw-extra",
    "`raw`: hand-written SQL; pass values in `params`, never format them into the string"
);
hint!(
    EXTRA,
    "PG610",
    "queryset-extra",
    "sql-injection-raw-extra",
    "`extra`: a legacy escape hatch Django plans to deprecate; prefer expressions or `RawSQL` with params"
);
hint!(
    USING,
    "PG612",
    "queryset-using",
    "partitioning-vs-sharding",
    "`using`: runs this query on another database alias (routing, replicas, shards)"
);
hint!(
    EXISTS,
    "PG613",
    "queryset-exists",
    "exists-vs-count",
    "`exists`: asks the database whether any row matches, stopping at the first"
);
hint!(
    COUNT,
    "PG614",
    "queryset-count",
    "exists-vs-count",
    "`count`: a `SELECT COUNT(*)`; to test for any row, `exists()` is cheaper"
);
hint!(
    SELECT_FOR_UPDATE,
    "PG615",
    "select-for-update",
    "select-for-update",
    "`select_for_update`: locks the selected rows until the transaction ends; needs `transaction.atomic`"
);
hint!(
    BULK_CREATE,
    "PG616",
    "bulk-create",
    "bulk-create-update",
    "`bulk_create`: one INSERT for many objects; skips `save()` and the save signals"
);
hint!(
    BULK_UPDATE,
    "PG617",
    "bulk-update",
    "bulk-create-update",
    "`bulk_update`: updates the given fields of many objects in few queries; skips `save()`"
);
hint!(
    ANNOTATE,
    "PG618",
    "queryset-annotate",
    "annotate-aggregate",
    "`annotate`: a computed value per row (an aggregate per group when it aggregates)"
);
hint!(
    AGGREGATE,
    "PG619",
    "queryset-aggregate",
    "annotate-aggregate",
    "`aggregate`: one dict of totals over the whole queryset, computed by the database"
);
hint!(
    F_EXPRESSION,
    "PG620",
    "f-expression",
    "f-expressions-race-conditions",
    "`F()`: refers to a column in the database, so updates happen there without a read-modify-write race"
);
hint!(
    EXPLAIN,
    "PG622",
    "queryset-explain",
    "django-database-indexes",
    "`explain`: the database's plan for this query; check that it uses your indexes"
);
hint!(
    UPDATE,
    "PG623",
    "queryset-update",
    "bulk-create-update",
    "`update`: one UPDATE for every matching row; skips `save()`, signals and `auto_now`"
);

/// Queryset methods: the rule, the method names, and whether the name alone
/// (on any receiver) is enough.
static METHODS: &[(&Rule, &[&str], bool)] = &[
    (&SELECT_RELATED, &["select_related"], true),
    (&PREFETCH_RELATED, &["prefetch_related"], true),
    (&SELECT_FOR_UPDATE, &["select_for_update"], true),
    (&ONLY_DEFER, &["only", "defer"], false),
    (&VALUES, &["values", "values_list"], false),
    (&ITERATOR, &["iterator"], false),
    (&RAW, &["raw"], false),
    (&EXTRA, &["extra"], false),
    (&USING, &["using"], false),
    (&EXISTS, &["exists"], false),
    (&COUNT, &["count"], false),
    (&BULK_CREATE, &["bulk_create"], false),
    (&BULK_UPDATE, &["bulk_update"], false),
    (&ANNOTATE, &["annotate"], false),
    (&AGGREGATE, &["aggregate"], false),
    (&EXPLAIN, &["explain"], false),
    (&UPDATE, &["update"], false),
];

/// Classes by qualified name.
pub(crate) static CLASSES: &[(&Rule, &[&str])] = &[
    (
        &PREFETCH,
        &[
            "django.db.models.Prefetch",
            "django.db.models.query.Prefetch",
        ],
    ),
    (
        &F_EXPRESSION,
        &["django.db.models.F", "django.db.models.expressions.F"],
    ),
];

/// Every (rule, method name) of the queryset method hints: the literals
/// those rules can't fire without.
pub(crate) fn method_names() -> impl Iterator<Item = (&'static Rule, &'static str)> {
    METHODS
        .iter()
        .flat_map(|(rule, names, _)| names.iter().map(move |n| (*rule, *n)))
}

pub(crate) fn rules() -> impl Iterator<Item = &'static Rule> {
    METHODS
        .iter()
        .map(|(r, _, _)| *r)
        .chain(CLASSES.iter().map(|(r, _)| *r))
}

/// `call` is a `call` node.
pub(crate) fn check<'t>(ctx: &Ctx<'t>, call: Node<'t>, out: &mut Vec<Finding>) {
    let Some(function) = call.child_by_field_id(field::FUNCTION) else {
        return;
    };
    check_method(ctx, call, out);
    if let Some(q) = ctx.resolve(function)
        && let Some((rule, _)) = CLASSES
            .iter()
            .find(|(_, names)| names.contains(&q.as_str()))
    {
        out.push(Finding {
            rule,
            range: call.byte_range(),
            message: rule.summary.to_string(),
            fix: None,
        });
    }
}

fn check_method<'t>(ctx: &Ctx<'t>, call: Node<'t>, out: &mut Vec<Finding>) {
    let Some((receiver, name, name_node)) = ctx.method_call(call) else {
        return;
    };
    let Some((rule, _, distinctive)) = METHODS.iter().find(|(_, names, _)| names.contains(&name))
    else {
        return;
    };
    if !distinctive && !is_queryset(ctx, receiver) {
        return;
    }
    out.push(Finding {
        rule,
        range: name_node.start_byte()..call.end_byte(),
        message: message(ctx, rule, call),
        fix: None,
    });
}

/// The summary, made specific where the code says more.
fn message(ctx: &Ctx, rule: &Rule, call: Node) -> String {
    if rule.code == COUNT.code && only_tests_for_rows(ctx, call) {
        return "`count()` used only to test for rows: `exists()` stops at the first match instead of counting them all".into();
    }
    rule.summary.to_string()
}

/// `if qs.count():`, `qs.count() > 0`, `qs.count() != 0`, `qs.count() >= 1`.
fn only_tests_for_rows(ctx: &Ctx, call: Node) -> bool {
    let Some(parent) = call.parent() else {
        return false;
    };
    match parent.kind_str() {
        "if_statement" | "while_statement" | "elif_clause" => {
            parent.child_by_field_id(field::CONDITION) == Some(call)
        }
        "not_operator" => true,
        "comparison_operator" if parent.named_child_count() == 2 => {
            let other = if parent.named_child(0) == Some(call) {
                parent.named_child(1)
            } else {
                parent.named_child(0)
            };
            let op = parent
                .child(1)
                .map(|o| ctx.text(o).to_string())
                .unwrap_or_default();
            let value = other.map(|o| ctx.text(o)).unwrap_or_default();
            matches!(
                (op.as_str(), value),
                (">" | "!=", "0") | (">=", "1") | ("==", "0")
            ) && parent.named_child(0) == Some(call)
        }
        _ => false,
    }
}
