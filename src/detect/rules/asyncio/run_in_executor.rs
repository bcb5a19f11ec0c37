//! PG218 `run-in-executor`: `loop.run_in_executor(executor, func, *args)`.
//!
//! **What it matches**: any call of a method named `run_in_executor` (the
//! name is specific to asyncio event loops).
//!
//! **Why**: educational. It runs a blocking function in a thread (or
//! process) pool and returns an awaitable future. `asyncio.to_thread`
//! (3.9+) is the simpler form for the default pool: it takes keyword
//! arguments and copies the current `contextvars`, which `run_in_executor`
//! does not. Neither can stop the function once it runs.
//!
//! **References**: <https://docs.python.org/3/library/asyncio-eventloop.html#asyncio.loop.run_in_executor>

use crate::detect::syntax::{NodeExt, field};
use tree_sitter::Node;

use crate::detect::context::Ctx;
use crate::detect::{Finding, Rule, Severity};

pub(crate) static RULE: Rule = Rule {
    code: "PG218",
    construct: "run-in-executor",
    severity: Severity::Hint,
    fixable: false,
    topic: "asyncio-to-thread",
    summary: "`run_in_executor`: runs a blocking function in a pool; `asyncio.to_thread` is simpler for the default pool",
};

/// `call` is a `call`.
pub(crate) fn check(ctx: &Ctx, call: Node, out: &mut Vec<Finding>) {
    if ctx
        .method_call(call)
        .is_none_or(|(_, method, _)| method != "run_in_executor")
    {
        return;
    }
    let default_pool = call
        .child_by_field_id(field::ARGUMENTS)
        .and_then(|a| a.named_child(0))
        .is_some_and(|first| first.kind_str() == "none");
    let message = if default_pool {
        "runs the function in the loop's default thread pool; `await asyncio.to_thread(func, *args, **kwargs)` does the same, takes keyword arguments and copies contextvars"
    } else {
        "runs the function in the given executor and returns an awaitable future; it passes positional arguments only (use `functools.partial` for keywords) and does not copy contextvars"
    };
    out.push(Finding {
        rule: &RULE,
        range: call.byte_range(),
        message: message.into(),
        fix: None,
    });
}
