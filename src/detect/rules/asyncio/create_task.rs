//! PG203 `create-task`: the task returned by `asyncio.create_task` (or
//! `asyncio.ensure_future`) is thrown away.
//!
//! **What it matches**: `asyncio.create_task(job())` or
//! `asyncio.ensure_future(job())` as a statement of its own, in any import
//! spelling, and `loop.create_task(job())` on an event loop: a call of
//! `asyncio.get_running_loop()` / `get_event_loop()` / `new_event_loop()`,
//! or a name the same function (or the module) assigned from one.
//!
//! **Why**: the event loop keeps only a weak reference to tasks. A task that
//! nothing else references can be garbage-collected before it finishes, and
//! its exception is never retrieved. Keep a reference (a set of background
//! tasks with `add_done_callback(tasks.discard)`), await it, or use
//! `asyncio.TaskGroup`. `tg.create_task(...)` in a TaskGroup is fine and not
//! reported: the group holds its tasks.
//!
//! **References**: <https://docs.python.org/3/library/asyncio-task.html#asyncio.create_task>

use crate::detect::syntax::{NodeExt, field};
use tree_sitter::Node;

use crate::detect::context::Ctx;
use crate::detect::{Finding, Lib, Rule, Severity};

pub(crate) static RULE: Rule = Rule {
    code: "PG203",
    construct: "create-task",
    severity: Severity::Warning,
    fixable: false,
    topic: "asyncio-task-references",
    summary: "task from `create_task` discarded: the loop holds only a weak reference, so it may vanish mid-run",
};

/// `stmt` is an `expression_statement`.
pub(crate) fn check<'t>(ctx: &Ctx<'t>, stmt: Node<'t>, out: &mut Vec<Finding>) {
    let Some(call) = stmt
        .named_child(0)
        .filter(|c| c.kind_str() == "call" && stmt.named_child_count() == 1)
    else {
        return;
    };
    let name = call
        .child_by_field_id(field::FUNCTION)
        .and_then(|f| ctx.resolve(f))
        .unwrap_or_default();
    let on_loop = || {
        ctx.method_call(call).is_some_and(|(receiver, method, _)| {
            method == "create_task" && is_event_loop(ctx, receiver)
        })
    };
    if name != "asyncio.create_task" && name != "asyncio.ensure_future" && !on_loop() {
        return;
    }
    let instead = if ctx.at_least(Lib::Python, 3, 11) {
        "keep a reference (a set of tasks with `add_done_callback(tasks.discard)`) or use `asyncio.TaskGroup`"
    } else {
        "keep a reference (a set of tasks with `add_done_callback(tasks.discard)`) or await it"
    };
    out.push(Finding {
        rule: &RULE,
        range: call.byte_range(),
        message: format!(
            "the task is not stored: the event loop keeps only a weak reference, so it can be garbage-collected before it finishes; {instead}"
        ),
        fix: None,
    });
}

/// Functions that return an event loop.
const LOOP_FACTORIES: &[&str] = &[
    "asyncio.get_running_loop",
    "asyncio.get_event_loop",
    "asyncio.new_event_loop",
];

/// `asyncio.get_running_loop()`, or a name assigned from such a call in
/// the enclosing function (or at module level).
fn is_event_loop<'t>(ctx: &Ctx<'t>, receiver: Node<'t>) -> bool {
    let is_factory_call = |n: Node| {
        n.kind_str() == "call"
            && n.child_by_field_id(field::FUNCTION)
                .and_then(|f| ctx.resolve(f))
                .is_some_and(|q| LOOP_FACTORIES.contains(&q.as_str()))
    };
    if is_factory_call(receiver) {
        return true;
    }
    if receiver.kind_str() != "identifier" {
        return false;
    }
    ctx.assigns(receiver, ctx.text(receiver), is_factory_call)
}
