//! PG735 `meta-indexes`: `indexes = [...]` in a model's `class Meta`.
//!
//! **What it matches**: an assignment to `indexes` directly in the body of a
//! class named `Meta` that is nested in another class; the range is the
//! assignment.
//!
//! **Why**: educational. `Meta.indexes` declares composite, partial
//! (`condition=`) and expression indexes; each index speeds up the reads
//! that match its leading columns and slows every write to the table.
//!
//! **References**: <https://docs.djangoproject.com/en/5.2/ref/models/options/#indexes>

use crate::detect::syntax::{NodeExt, field};
use tree_sitter::Node;

use crate::detect::context::Ctx;
use crate::detect::{Finding, Rule, Severity};

pub(crate) static RULE: Rule = Rule {
    code: "PG735",
    construct: "meta-indexes",
    severity: Severity::Hint,
    fixable: false,
    topic: "django-database-indexes",
    summary: "`Meta.indexes`: composite, partial and expression indexes; each speeds matching reads and slows every write",
};

/// `class` is a `class_definition`.
pub(crate) fn check(ctx: &Ctx, class: Node, out: &mut Vec<Finding>) {
    let nested = class
        .parent()
        .filter(|p| p.kind_str() == "block")
        .and_then(|b| b.parent())
        .is_some_and(|p| p.kind_str() == "class_definition");
    if !nested
        || class
            .child_by_field_id(field::NAME)
            .is_none_or(|n| ctx.text(n) != "Meta")
    {
        return;
    }
    let Some(body) = class.child_by_field_id(field::BODY) else {
        return;
    };
    let mut c = body.walk();
    for stmt in body.named_children(&mut c) {
        if let Some(assign) = stmt.named_child(0).filter(|a| {
            stmt.kind_str() == "expression_statement"
                && a.kind_str() == "assignment"
                && a.child_by_field_id(field::LEFT)
                    .is_some_and(|l| ctx.text(l) == "indexes")
        }) {
            out.push(Finding {
                rule: &RULE,
                range: assign.byte_range(),
                message: RULE.summary.to_string(),
                fix: None,
            });
        }
    }
}
