//! PG402 `eq-none`: `== None` / `!= None`.
//!
//! **What it matches**: `x == None`, `None != x` in plain code.
//!
//! **Why**: `None` is a singleton, so identity is the exact test and the one
//! PEP 8 asks for. `==` calls `__eq__`, which a class may override to answer
//! anything (NumPy arrays answer element-wise).
//!
//! **Example**: `if user == None:` → **Fix**: `if user is None:`.
//!
//! **Not reported**: comparisons inside call arguments or subscripts, where
//! `==` is overloaded to build an expression: SQLAlchemy's
//! `select(T).where(T.c.deleted_at == None)` means `IS NULL`, and rewriting it
//! to `is None` would break the query.
//!
//! **References**: <https://peps.python.org/pep-0008/#programming-recommendations>

use tree_sitter::Node;

use super::comparisons::{builds_an_expression, links, op_text};
use crate::detect::context::Ctx;
use crate::detect::{Edit, Finding, Fix, Rule, Severity};

pub(crate) static RULE: Rule = Rule {
    code: "PG402",
    construct: "eq-none",
    severity: Severity::Warning,
    fixable: true,
    topic: "is-vs-equality",
    summary: "`== None` / `!= None`: compare with the singleton by identity",
};

pub(crate) fn check(ctx: &Ctx, cmp: Node, out: &mut Vec<Finding>) {
    if builds_an_expression(ctx, cmp) {
        return;
    }
    for link in links(cmp) {
        let op = op_text(link.op, ctx.src);
        let replacement = match op.as_str() {
            "==" => "is",
            "!=" => "is not",
            _ => continue,
        };
        if link.left.kind() != "none" && link.right.kind() != "none" {
            continue;
        }
        out.push(Finding {
            rule: &RULE,
            range: link.left.start_byte()..link.right.end_byte(),
            message: format!("compare with `None` using `{replacement}`, not `{op}`"),
            fix: Some(Fix {
                message: format!("Replace `{op}` with `{replacement}`"),
                edits: vec![Edit {
                    range: link.op.byte_range(),
                    content: replacement.to_string(),
                }],
            }),
        });
    }
}
