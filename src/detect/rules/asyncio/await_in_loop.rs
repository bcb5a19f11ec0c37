//! PG205 `await-in-loop`: `await` inside a `for` / `async for` loop body.
//!
//! **What it matches**: the first `await` in the body of a `for` loop in an
//! `async def` (one finding per loop; nested functions excluded; awaiting
//! `asyncio.sleep`, usually deliberate pacing, is not reported).
//!
//! **Why**: each iteration waits for the previous one, so N independent
//! requests take N round trips. When the iterations don't depend on each
//! other, `asyncio.gather(*(f(x) for x in xs))` or an `asyncio.TaskGroup`
//! runs them concurrently (bounded with a `Semaphore` when N is large).
//! It is a hint: sequential awaits are right when each step needs the last.
//!
//! **References**: <https://docs.python.org/3/library/asyncio-task.html#running-tasks-concurrently>

use crate::detect::syntax::{NodeExt, field};
use tree_sitter::Node;

use crate::detect::context::{Ctx, visit_own};
use crate::detect::{Finding, Lib, Rule, Severity};

pub(crate) static RULE: Rule = Rule {
    code: "PG205",
    construct: "await-in-loop",
    severity: Severity::Hint,
    fixable: false,
    topic: "asyncio-gather",
    summary: "`await` in a loop runs iterations one after another; gather or a TaskGroup runs independent ones concurrently",
};

/// `loop_node` is a `for_statement`.
pub(crate) fn check(ctx: &Ctx, loop_node: Node, out: &mut Vec<Finding>) {
    if !ctx.mentions("await") || !ctx.in_async_function(loop_node) {
        return;
    }
    let Some(body) = loop_node.child_by_field_id(field::BODY) else {
        return;
    };
    let mut first: Option<Node> = None;
    visit_own(body, &mut |n| {
        if first.is_none() && n.kind_str() == "await" && !awaits_sleep(ctx, n) {
            first = Some(n);
        }
    });
    let Some(await_node) = first else {
        return;
    };
    out.push(Finding {
        rule: &RULE,
        range: await_node.byte_range(),
        message: if ctx.at_least(Lib::Python, 3, 11) {
            "each iteration waits for this before the next starts; if iterations are independent, run them concurrently with `asyncio.gather` or a `TaskGroup`".into()
        } else {
            "each iteration waits for this before the next starts; if iterations are independent, run them concurrently with `asyncio.gather(...)`".into()
        },
        fix: None,
    });
}

fn awaits_sleep(ctx: &Ctx, await_node: Node) -> bool {
    await_node
        .named_child(0)
        .filter(|c| c.kind_str() == "call")
        .and_then(|c| c.child_by_field_id(field::FUNCTION))
        .and_then(|f| ctx.resolve(f))
        .is_some_and(|q| q == "asyncio.sleep")
}
