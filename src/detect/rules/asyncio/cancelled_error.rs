//! PG214 `except-cancelled-error`: an `except asyncio.CancelledError:`
//! block in a coroutine that neither re-raises nor calls `uncancel()`.
//!
//! **What it matches**: in an `async def`, an `except` clause whose types
//! include `asyncio.CancelledError` (any import spelling, alone or in a
//! tuple) and whose block contains no `raise` and no `.uncancel()` call.
//!
//! **Why**: cancellation is how asyncio stops a task: `task.cancel()`,
//! `asyncio.timeout()`, `wait_for` and a failing `TaskGroup` all throw
//! `CancelledError` into the coroutine. Swallowing it makes the task look as
//! if it finished normally: a timeout never fires its `TimeoutError`, a
//! TaskGroup waits on, shutdown hangs. Clean up, then `raise`; a coroutine
//! that truly means to suppress cancellation must call
//! `asyncio.current_task().uncancel()`.
//!
//! **Not reported**: the documented pattern that waits for tasks it has
//! just cancelled (`x.cancel()` or a `x.cancel` callback earlier in the
//! function, then `try: await x` / `except CancelledError: pass`),
//! synchronous code, and blocks that raise anything (a bare `raise`, or
//! `raise Other from err`).
//!
//! flake8-async reports the same as ASYNC103.
//!
//! **References**: <https://docs.python.org/3/library/asyncio-task.html#task-cancellation>

use crate::detect::syntax::{NodeExt, field};
use tree_sitter::Node;

use crate::detect::context::{Ctx, visit_own};
use crate::detect::{Finding, Rule, Severity};

pub(crate) static RULE: Rule = Rule {
    code: "PG214",
    construct: "except-cancelled-error",
    severity: Severity::Warning,
    fixable: false,
    topic: "asyncio-cancellation-timeouts",
    summary: "`CancelledError` caught and not re-raised: timeouts, TaskGroups and shutdown rely on it propagating",
};

const CANCELLED: &[&str] = &[
    "asyncio.CancelledError",
    "asyncio.exceptions.CancelledError",
];

/// `clause` is an `except_clause`.
pub(crate) fn check<'t>(ctx: &Ctx<'t>, clause: Node<'t>, out: &mut Vec<Finding>) {
    let Some(value) = clause.child_by_field_id(field::VALUE) else {
        return;
    };
    let types = if value.kind_str() == "as_pattern" {
        match value.named_child(0) {
            Some(t) => t,
            None => return,
        }
    } else {
        value
    };
    let Some(cancelled) = exception_types(types).into_iter().find(|t| {
        ctx.resolve(*t)
            .is_some_and(|q| CANCELLED.contains(&q.as_str()))
    }) else {
        return;
    };
    if !ctx.in_async_function(clause) || reraises(ctx, clause) || awaits_cancelled_task(ctx, clause)
    {
        return;
    }
    out.push(Finding {
        rule: &RULE,
        range: cancelled.byte_range(),
        message: "this block swallows the task's cancellation: `asyncio.timeout`, `TaskGroup` and `task.cancel()` callers never see it; clean up, then `raise` (or call `uncancel()` if suppressing is really intended)".into(),
        fix: None,
    });
}

/// The exception types of an `except` clause: one expression or a tuple.
fn exception_types(types: Node) -> Vec<Node> {
    let inner = if types.kind_str() == "parenthesized_expression" {
        types.named_child(0).unwrap_or(types)
    } else {
        types
    };
    if inner.kind_str() == "tuple" || inner.kind_str() == "expression_list" {
        let mut c = inner.walk();
        inner.named_children(&mut c).collect()
    } else {
        vec![inner]
    }
}

/// True when the clause's block raises or calls `.uncancel()`.
fn reraises(ctx: &Ctx, clause: Node) -> bool {
    let mut c = clause.walk();
    let Some(block) = clause
        .named_children(&mut c)
        .find(|n| n.kind_str() == "block")
    else {
        return true;
    };
    let mut found = false;
    visit_own(block, &mut |n| {
        found |= n.kind_str() == "raise_statement"
            || (n.kind_str() == "call"
                && n.child_by_field_id(field::FUNCTION)
                    .filter(|f| f.kind_str() == "attribute")
                    .and_then(|f| f.child_by_field_id(field::ATTRIBUTE))
                    .is_some_and(|a| ctx.text(a) == "uncancel"));
    });
    found
}

/// True when the function refers to some `x.cancel` before this clause
/// (`task.cancel()` then `try: await task`, `loop.call_soon(fut.cancel)`,
/// a loop cancelling tasks then gathering them): the caught
/// `CancelledError` is then the cancellation it asked for, and waiting for
/// it this way is the documented idiom.
fn awaits_cancelled_task<'t>(ctx: &Ctx<'t>, clause: Node<'t>) -> bool {
    let Some(body) = ctx
        .enclosing_function(clause)
        .and_then(|f| f.child_by_field_id(field::BODY))
    else {
        return false;
    };
    let mut cancels = false;
    visit_own(body, &mut |n| {
        cancels |= n.kind_str() == "attribute"
            && n.start_byte() < clause.start_byte()
            && n.child_by_field_id(field::ATTRIBUTE)
                .is_some_and(|a| ctx.text(a) == "cancel");
    });
    cancels
}
