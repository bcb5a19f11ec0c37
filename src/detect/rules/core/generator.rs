//! PG106 `generator-function`, PG224 `async-generator-function` and PG107
//! `yield-from`.
//!
//! **What it matches**: a `def` whose own body contains `yield` (PG106, on
//! the function's name; PG224 for an `async def`), and each `yield from`
//! expression (PG107).
//!
//! **Why**: educational. Calling a generator function runs nothing: it
//! returns a lazy, one-shot iterator that executes the body up to each
//! `yield` on demand, in constant memory. `yield from` delegates to a
//! sub-iterator, forwarding `send()`/`throw()` and returning its value. An
//! async generator is consumed with `async for`; one left early should be
//! closed (`contextlib.aclosing`) so its `finally` runs in the current task.
//!
//! **References**: <https://docs.python.org/3/reference/expressions.html#yield-expressions>,
//! <https://peps.python.org/pep-0380/>

use crate::detect::syntax::{NodeExt, field};
use tree_sitter::Node;

use crate::detect::context::{Ctx, is_async_def, visit_own};
use crate::detect::{Finding, Rule, Severity};

pub(crate) static GENERATOR: Rule = Rule {
    code: "PG106",
    construct: "generator-function",
    severity: Severity::Hint,
    fixable: false,
    topic: "generators-vs-iterators",
    summary: "generator function: calling it returns a lazy, one-shot iterator",
};

pub(crate) static ASYNC_GENERATOR: Rule = Rule {
    code: "PG224",
    construct: "async-generator-function",
    severity: Severity::Hint,
    fixable: false,
    topic: "async-context-managers-iterators",
    summary: "async generator: calling it returns an async iterator for `async for`; close it with `aclosing()` when leaving early",
};

pub(crate) static YIELD_FROM: Rule = Rule {
    code: "PG107",
    construct: "yield-from",
    severity: Severity::Hint,
    fixable: false,
    topic: "generators-vs-iterators",
    summary: "`yield from`: delegates iteration, send() and throw() to a sub-iterator",
};

/// `func` is a `function_definition`.
pub(crate) fn check_function(ctx: &Ctx, func: Node, out: &mut Vec<Finding>) {
    let (Some(name), Some(body)) = (
        func.child_by_field_id(field::NAME),
        func.child_by_field_id(field::BODY),
    ) else {
        return;
    };
    // No `yield` in the file, or in this function's text: it is no
    // generator, and its body is not walked again (a scan of its bytes
    // costs far less than a walk of its nodes).
    if !ctx.mentions("yield") || !ctx.text(body).contains("yield") {
        return;
    }
    let mut yields = false;
    visit_own(body, &mut |n| yields |= n.kind_str() == "yield");
    if !yields {
        return;
    }
    let (rule, message) = if is_async_def(func) {
        (
            &ASYNC_GENERATOR,
            format!(
                "`{}` is an async generator: calling it returns an async iterator for `async for`; if the loop may stop early, wrap it in `contextlib.aclosing()` so its cleanup runs",
                ctx.text(name)
            ),
        )
    } else {
        (
            &GENERATOR,
            format!(
                "`{}` is a generator function: calling it returns a lazy iterator that runs the body on demand, once",
                ctx.text(name)
            ),
        )
    };
    out.push(Finding {
        rule,
        range: name.byte_range(),
        message,
        fix: None,
    });
}

/// `node` is a `yield` expression.
pub(crate) fn check_yield(_ctx: &Ctx, node: Node, out: &mut Vec<Finding>) {
    if node.child(1).is_some_and(|c| c.kind_str() == "from") {
        out.push(Finding {
            rule: &YIELD_FROM,
            range: node.byte_range(),
            message: "`yield from` delegates to the sub-iterator, including send() and throw(), and evaluates to its return value".into(),
            fix: None,
        });
    }
}
