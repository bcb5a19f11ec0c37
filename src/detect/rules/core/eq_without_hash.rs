//! PG505 `eq-without-hash`: a class defines `__eq__` but not `__hash__`.
//!
//! **What it matches**: an undecorated class whose body defines `__eq__`
//! and neither defines nor assigns `__hash__`.
//!
//! **Why**: defining `__eq__` sets `__hash__` to `None`, so instances become
//! unhashable: they can't go in a set or be dict keys (`TypeError:
//! unhashable type`). Define `__hash__` from the same fields `__eq__`
//! compares (for immutable objects), or set `__hash__ = None` explicitly to
//! say they are deliberately unhashable. Decorated classes (dataclasses,
//! attrs) manage this themselves and are not reported.
//!
//! **References**: <https://docs.python.org/3/reference/datamodel.html#object.__hash__>

use crate::detect::syntax::{NodeExt, field};
use tree_sitter::Node;

use crate::detect::context::Ctx;
use crate::detect::{Finding, Rule, Severity};

pub(crate) static RULE: Rule = Rule {
    code: "PG505",
    construct: "eq-without-hash",
    severity: Severity::Hint,
    fixable: false,
    topic: "dunder-methods",
    summary: "`__eq__` without `__hash__`: instances become unhashable",
};

/// `class` is a `class_definition`.
pub(crate) fn check(ctx: &Ctx, class: Node, out: &mut Vec<Finding>) {
    if class
        .parent()
        .is_some_and(|p| p.kind_str() == "decorated_definition")
    {
        return;
    }
    let Some(body) = class.child_by_field_id(field::BODY) else {
        return;
    };
    let mut eq = None;
    let mut hash = false;
    let mut c = body.walk();
    for stmt in body.named_children(&mut c) {
        let def = if stmt.kind_str() == "decorated_definition" {
            stmt.child_by_field_id(field::DEFINITION)
        } else {
            Some(stmt)
        };
        match def.map(|d| (d.kind_str(), d)) {
            Some(("function_definition", d)) => {
                match d.child_by_field_id(field::NAME).map(|n| (ctx.text(n), n)) {
                    Some(("__eq__", n)) => eq = Some(n),
                    Some(("__hash__", _)) => hash = true,
                    _ => {}
                }
            }
            Some(("expression_statement", s)) => {
                if let Some(a) = s.named_child(0).filter(|a| a.kind_str() == "assignment")
                    && a.child_by_field_id(field::LEFT)
                        .is_some_and(|l| ctx.text(l) == "__hash__")
                {
                    hash = true;
                }
            }
            _ => {}
        }
    }
    if let (Some(eq), false) = (eq, hash) {
        let class_name = class
            .child_by_field_id(field::NAME)
            .map_or("", |n| ctx.text(n));
        out.push(Finding {
            rule: &RULE,
            range: eq.byte_range(),
            message: format!(
                "defining `__eq__` sets `{class_name}.__hash__` to None: instances can't be set members or dict keys; define `__hash__` or set `__hash__ = None` explicitly"
            ),
            fix: None,
        });
    }
}
