//! PG523 `pep695-type-params`: type parameter lists, `def f[T](...)`,
//! `class Box[T]:` and `type Pair[T] = tuple[T, T]` (3.12+, PEP 695).
//!
//! **What it matches**: the `[...]` parameter list of a function, a class
//! or a `type` alias statement.
//!
//! **Why**: educational. The new syntax declares type variables scoped to
//! the definition, with no `TypeVar(...)` assignment, no `Generic[T]` base,
//! and variance inferred by the type checker; `T: int` is an upper bound,
//! `T: (int, str)` a constraint, `*Ts` a TypeVarTuple, `**P` a ParamSpec.
//!
//! **References**: <https://docs.python.org/3/reference/compound_stmts.html#type-params>,
//! <https://peps.python.org/pep-0695/>

use crate::detect::syntax::{NodeExt, field};
use tree_sitter::Node;

use crate::detect::context::Ctx;
use crate::detect::{Finding, Rule, Severity};

pub(crate) static RULE: Rule = Rule {
    code: "PG523",
    construct: "pep695-type-params",
    severity: Severity::Hint,
    fixable: false,
    topic: "generics-and-typevar",
    summary: "PEP 695 type parameters (3.12+): type variables scoped to this definition, no `TypeVar` needed",
};

/// `params` is a `type_parameter` node.
pub(crate) fn check(ctx: &Ctx, params: Node, out: &mut Vec<Finding>) {
    let Some(parent) = params.parent() else {
        return;
    };
    let owner = match parent.kind_str() {
        "function_definition" | "class_definition"
            if parent.child_by_field_id(field::TYPE_PARAMETERS) == Some(params) =>
        {
            parent
        }
        // `type Alias[T] = ...`: the parameters sit in the alias's left side.
        "generic_type" => {
            match parent.parent().and_then(|t| {
                t.parent()
                    .filter(|a| a.kind_str() == "type_alias_statement")
            }) {
                Some(alias)
                    if alias.child_by_field_id(field::LEFT) == parent.parent()
                        && parent
                            .named_child(0)
                            .is_some_and(|n| n.kind_str() == "identifier") =>
                {
                    alias
                }
                _ => return,
            }
        }
        _ => return,
    };
    let mut c = params.walk();
    let names: Vec<String> = params
        .named_children(&mut c)
        .filter(|t| t.kind_str() == "type")
        .map(|t| format!("`{}`", ctx.text(t)))
        .collect();
    if names.is_empty() {
        return;
    }
    let what = match owner.kind_str() {
        "function_definition" => "function",
        "class_definition" => "class",
        _ => "type alias",
    };
    let name = match owner.kind_str() {
        "type_alias_statement" => parent.named_child(0),
        _ => owner.child_by_field_id(field::NAME),
    }
    .map_or("", |n| ctx.text(n));
    out.push(Finding {
        rule: &RULE,
        range: params.byte_range(),
        message: format!(
            "declares {} for {what} `{name}` (PEP 695, 3.12+): scoped to this definition, no `TypeVar` or `Generic` needed, variance inferred",
            names.join(", ")
        ),
        fix: None,
    });
}
