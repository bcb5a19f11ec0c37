//! PG109 `nonlocal-statement`: `nonlocal x` in a nested function.
//!
//! **What it matches**: every `nonlocal` statement.
//!
//! **Why**: educational. A nested function can read an enclosing
//! function's variables (through a closure cell) but assigning to the name
//! makes it local, so `count += 1` raises `UnboundLocalError`. `nonlocal`
//! says the assignment goes to the enclosing function's cell instead; the
//! state then lives as long as the closure.
//!
//! **References**: <https://docs.python.org/3/reference/simple_stmts.html#the-nonlocal-statement>

use crate::detect::syntax::{NodeExt, field};
use tree_sitter::Node;

use crate::detect::context::Ctx;
use crate::detect::{Finding, Rule, Severity};

pub(crate) static RULE: Rule = Rule {
    code: "PG109",
    construct: "nonlocal-statement",
    severity: Severity::Hint,
    fixable: false,
    topic: "closures-late-binding",
    summary: "`nonlocal`: assignments rebind the enclosing function's variable (a closure cell), not a new local",
};

/// `stmt` is a `nonlocal_statement`.
pub(crate) fn check<'t>(ctx: &Ctx<'t>, stmt: Node<'t>, out: &mut Vec<Finding>) {
    let mut c = stmt.walk();
    let names: Vec<String> = stmt
        .named_children(&mut c)
        .filter(|n| n.kind_str() == "identifier")
        .map(|n| format!("`{}`", ctx.text(n)))
        .collect();
    if names.is_empty() {
        return;
    }
    let function = ctx
        .enclosing_function(stmt)
        .and_then(|f| ctx.enclosing_function(f))
        .and_then(|f| f.child_by_field_id(field::NAME))
        .map_or("the enclosing function".to_string(), |n| {
            format!("`{}`", ctx.text(n))
        });
    out.push(Finding {
        rule: &RULE,
        range: stmt.byte_range(),
        message: format!(
            "assignments to {} here rebind the variable of {function} (shared through a closure cell), instead of creating a local",
            names.join(", ")
        ),
        fix: None,
    });
}
