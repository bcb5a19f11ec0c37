//! PG104 `decorator`: any decorator, `@name`, `@a.b`, `@factory(args)`.
//!
//! **What it matches**: every `@...` line above a `def` or `class`.
//!
//! **Why**: educational. `@d` above `def f` is `f = d(f)`, run once when the
//! `def` executes; `@factory(args)` first calls the factory, then applies
//! what it returns; stacked decorators apply bottom-up.
//!
//! **References**: <https://docs.python.org/3/reference/compound_stmts.html#function-definitions>

use crate::detect::syntax::{NodeExt, field};
use crate::text::code_span;
use tree_sitter::Node;

use crate::detect::context::Ctx;
use crate::detect::{Finding, Rule, Severity};

pub(crate) static RULE: Rule = Rule {
    code: "PG104",
    construct: "decorator",
    severity: Severity::Hint,
    fixable: false,
    topic: "decorators-under-the-hood",
    summary: "decorator: `@d` over `def f` runs `f = d(f)` once, at definition time",
};

pub(crate) fn check(ctx: &Ctx, decorator: Node, out: &mut Vec<Finding>) {
    let Some(expr) = decorator.named_child(0) else {
        return;
    };
    let shown = ctx.text(expr).split('(').next().unwrap_or("").trim();
    let target = decorator
        .parent()
        .and_then(|d| d.child_by_field_id(field::DEFINITION))
        .and_then(|d| d.child_by_field_id(field::NAME))
        .map_or("the definition below", |n| ctx.text(n));
    let message = if expr.kind_str() == "call" {
        format!(
            "{} calls the factory {} first; the decorator it returns then rebinds `{target}`",
            code_span(&format!("@{shown}(...)")),
            code_span(shown)
        )
    } else {
        format!(
            "{} rebinds `{target}` to {}, once, when the definition runs",
            code_span(&format!("@{shown}")),
            code_span(&format!("{shown}({target})"))
        )
    };
    out.push(Finding {
        rule: &RULE,
        range: decorator.byte_range(),
        message,
        fix: None,
    });
}
