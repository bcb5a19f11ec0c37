//! PG203 `create-task`: the task returned by `asyncio.create_task` (or
//! `asyncio.ensure_future`) is thrown away.
//!
//! **What it matches**: `asyncio.create_task(job())` as a statement of its
//! own, in any import spelling.
//!
//! **Why**: the event loop keeps only a weak reference to tasks. A task that
//! nothing else references can be garbage-collected before it finishes, and
//! its exception is never retrieved. Keep a reference (a set of background
//! tasks with `add_done_callback(tasks.discard)`), await it, or use
//! `asyncio.TaskGroup`. `tg.create_task(...)` in a TaskGroup is fine and not
//! reported: the group holds its tasks.
//!
//! **References**: <https://docs.python.org/3/library/asyncio-task.html#asyncio.create_task>

use tree_sitter::Node;

use crate::detect::context::Ctx;
use crate::detect::{Finding, Rule, Severity};

pub(crate) static RULE: Rule = Rule {
    code: "PG203",
    construct: "create-task",
    severity: Severity::Warning,
    fixable: false,
    topic: "asyncio-task-references",
    summary: "task from `create_task` discarded: the loop holds only a weak reference, so it may vanish mid-run",
};

/// `stmt` is an `expression_statement`.
pub(crate) fn check(ctx: &Ctx, stmt: Node, out: &mut Vec<Finding>) {
    let Some(call) = stmt
        .named_child(0)
        .filter(|c| c.kind() == "call" && stmt.named_child_count() == 1)
    else {
        return;
    };
    let Some(name) = call
        .child_by_field_name("function")
        .and_then(|f| ctx.resolve(f))
    else {
        return;
    };
    if name != "asyncio.create_task" && name != "asyncio.ensure_future" {
        return;
    }
    out.push(Finding {
        rule: &RULE,
        range: call.byte_range(),
        message: "the task is not stored: the event loop keeps only a weak reference, so it can be garbage-collected before it finishes; keep a reference or use `asyncio.TaskGroup`".into(),
        fix: None,
    });
}
