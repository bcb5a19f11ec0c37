//! PG403 `eq-bool`: `== True` / `== False` (and `!=`).
//!
//! **What it matches**: `if done == True:`, `flag != False`.
//!
//! **Why**: the comparison is redundant (`if done:`) and subtly different:
//! `1 == True` holds, and objects may define `__eq__`. PEP 8 asks for the
//! truth value itself. No automatic fix: `if x:` and `if x == True:` differ
//! for non-bool values, so the right rewrite depends on intent.
//!
//! **Not reported**: inside call arguments and subscripts
//! (`df[df.active == True]`, ORM filters), where `==` builds an expression.
//!
//! **References**: <https://peps.python.org/pep-0008/#programming-recommendations>

use crate::detect::syntax::NodeExt;
use tree_sitter::Node;

use crate::detect::context::Ctx;
use crate::detect::readers::comparisons::{builds_an_expression, links, op_text};
use crate::detect::{Finding, Rule, Severity};

pub(crate) static RULE: Rule = Rule {
    code: "PG403",
    construct: "eq-bool",
    severity: Severity::Hint,
    fixable: false,
    topic: "is-vs-equality",
    summary: "`== True` / `== False`: test the truth value itself",
};

pub(crate) fn check<'t>(ctx: &Ctx<'t>, cmp: Node<'t>, out: &mut Vec<Finding>) {
    if builds_an_expression(ctx, cmp) {
        return;
    }
    for link in links(cmp) {
        let op = op_text(link.op, ctx.src);
        if op != "==" && op != "!=" {
            continue;
        }
        let Some(b) = [link.left, link.right]
            .into_iter()
            .find(|n| matches!(n.kind_str(), "true" | "false"))
        else {
            continue;
        };
        out.push(Finding {
            rule: &RULE,
            range: link.left.start_byte()..link.right.end_byte(),
            message: format!(
                "`{op} {}` is redundant; test the value's truth directly",
                ctx.text(b)
            ),
            fix: None,
        });
    }
}
