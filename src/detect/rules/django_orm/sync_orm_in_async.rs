//! PG621 `sync-orm-in-async`: a synchronous Django ORM query inside
//! `async def`.
//!
//! **What it matches**, directly in an `async def` (not in a nested `def` or
//! `lambda`, which `sync_to_async` may run in a thread):
//! - a call that runs a query on a queryset chain (`Post.objects.get(...)`,
//!   `qs.count()`, `.first()`, `.exists()`, `.create(...)`, ...), for every
//!   method that has an `a`-prefixed async twin (Django 4.1+);
//! - a plain `for` loop over a queryset.
//!
//! **Why**: Django refuses to run a synchronous query in the event loop's
//! thread and raises `SynchronousOnlyOperation`; even where it didn't, a
//! blocking query would stall every other task on the loop.
//!
//! **Example**: `post = Post.objects.get(pk=pk)` → **Fix** (Django 4.1+,
//! unsafe: the code now awaits): `post = await Post.objects.aget(pk=pk)`;
//! `for p in qs:` → `async for p in qs:`. On older Django the message
//! points to `sync_to_async` and there is no fix.
//!
//! **Not reported**: building querysets (`filter`, `order_by`, ... are lazy
//! and run no query), methods without an async twin, code inside nested
//! functions and lambdas, and receivers that are not surely querysets.
//!
//! **References**:
//! <https://docs.djangoproject.com/en/stable/topics/async/#queries-the-orm>

use crate::detect::syntax::{NodeExt, field};
use tree_sitter::Node;

use crate::detect::context::Ctx;
use crate::detect::readers::queryset::{chain, is_queryset};
use crate::detect::{Applicability, Edit, Finding, Fix, Lib, Rule, Severity};

pub(crate) static RULE: Rule = Rule {
    code: "PG621",
    construct: "sync-orm-in-async",
    severity: Severity::Warning,
    fixable: true,
    topic: "async-views-async-orm",
    summary: "synchronous ORM query in `async def`: Django raises `SynchronousOnlyOperation`",
};

/// Query-running methods with an async twin (`a` + name).
const HAS_ASYNC_TWIN: &[&str] = &[
    "get",
    "create",
    "get_or_create",
    "update_or_create",
    "bulk_create",
    "bulk_update",
    "count",
    "in_bulk",
    "latest",
    "earliest",
    "first",
    "last",
    "aggregate",
    "exists",
    "contains",
    "update",
    "delete",
    "explain",
];

/// `call` is a `call` node.
pub(crate) fn check_call<'t>(ctx: &Ctx<'t>, call: Node<'t>, out: &mut Vec<Finding>) {
    let Some((receiver, name, name_node)) = ctx.method_call(call) else {
        return;
    };
    if !HAS_ASYNC_TWIN.contains(&name)
        || !ctx.in_async_function(call)
        || !is_queryset(ctx, receiver)
    {
        return;
    }
    let needs_parens = call.parent().is_some_and(|p| match p.kind_str() {
        "attribute" => p.child_by_field_id(field::OBJECT) == Some(call),
        "subscript" => p.child_by_field_id(field::VALUE) == Some(call),
        "call" => p.child_by_field_id(field::FUNCTION) == Some(call),
        _ => false,
    });
    let (open, close) = if needs_parens {
        ("(await ", ")")
    } else {
        ("await ", "")
    };
    let mut edits = vec![
        Edit {
            range: call.start_byte()..call.start_byte(),
            content: open.to_string(),
        },
        Edit {
            range: name_node.byte_range(),
            content: format!("a{name}"),
        },
    ];
    if !close.is_empty() {
        edits.push(Edit {
            range: call.end_byte()..call.end_byte(),
            content: close.to_string(),
        });
    }
    let (message, fix) = if ctx.at_least(Lib::Django, 4, 1) {
        (
            format!(
                "`{name}()` runs a synchronous query in `async def`, which Django refuses (`SynchronousOnlyOperation`); use `await ….a{name}()`, available since Django 4.1 (this project: {})",
                ctx.options.versions.describe(Lib::Django)
            ),
            Some(Fix {
                message: format!("Use `await ….a{name}()`"),
                edits,
                applicability: Applicability::Unsafe,
            }),
        )
    } else {
        (
            format!(
                "`{name}()` runs a synchronous query in `async def`, which Django refuses (`SynchronousOnlyOperation`); wrap it: `await sync_to_async(…{name})(...)`, since the async `a{name}()` needs Django 4.1 and this project is on {}",
                ctx.options.versions.describe(Lib::Django)
            ),
            None,
        )
    };
    out.push(Finding {
        rule: &RULE,
        range: name_node.start_byte()..call.end_byte(),
        message,
        fix,
    });
}

/// `stmt` is a `for_statement`.
pub(crate) fn check_for<'t>(ctx: &Ctx<'t>, stmt: Node<'t>, out: &mut Vec<Finding>) {
    if stmt.child(0).is_some_and(|c| c.kind_str() == "async") || !ctx.in_async_function(stmt) {
        return;
    }
    let Some(iterable) = stmt.child_by_field_id(field::RIGHT) else {
        return;
    };
    if !chain(ctx, iterable).is_some_and(|c| c.instance_model().is_some() || is_values(&c)) {
        return;
    }
    let async_for = ctx.at_least(Lib::Django, 4, 1);
    out.push(Finding {
        rule: &RULE,
        range: iterable.byte_range(),
        message: if async_for {
            "iterating a queryset in `async def` runs a synchronous query, which Django refuses; use `async for` (Django 4.1+)".into()
        } else {
            format!(
                "iterating a queryset in `async def` runs a synchronous query, which Django refuses; load it in a thread: `await sync_to_async(list)(qs)`, since `async for` over a queryset needs Django 4.1 and this project is on {}",
                ctx.options.versions.describe(Lib::Django)
            )
        },
        fix: async_for.then(|| Fix {
            message: "Use `async for`".into(),
            edits: vec![Edit {
                range: stmt.start_byte()..stmt.start_byte(),
                content: "async ".into(),
            }],
            applicability: Applicability::Unsafe,
        }),
    });
}

fn is_values(c: &crate::detect::readers::queryset::Chain) -> bool {
    matches!(c.root, crate::detect::readers::queryset::Root::Manager(_))
        && c.calls.iter().all(|call| {
            crate::detect::readers::queryset::INSTANCE_METHODS.contains(&call.name)
                || matches!(call.name, "values" | "values_list" | "iterator")
        })
}
