//! PG501 `multiple-inheritance`: a class with two or more base classes.
//!
//! **What it matches**: `class C(A, B):` (keyword arguments such as
//! `metaclass=` and a plain `object` base don't count).
//!
//! **Why**: educational. Attribute lookup follows the class's MRO, the C3
//! linearization of its bases (`C.__mro__`); `super()` walks that order, so
//! cooperative classes must all call `super()`. Inconsistent orders raise
//! `TypeError` at class creation.
//!
//! **References**: <https://docs.python.org/3/howto/mro.html>

use crate::detect::syntax::{NodeExt, field};
use crate::text::code_span;
use tree_sitter::Node;

use crate::detect::context::Ctx;
use crate::detect::{Finding, Rule, Severity};

pub(crate) static RULE: Rule = Rule {
    code: "PG501",
    construct: "multiple-inheritance",
    severity: Severity::Hint,
    fixable: false,
    topic: "mro-c3-linearization",
    summary: "multiple inheritance: lookups and `super()` follow the C3 MRO",
};

/// `class` is a `class_definition`.
pub(crate) fn check(ctx: &Ctx, class: Node, out: &mut Vec<Finding>) {
    let (Some(name), Some(bases)) = (
        class.child_by_field_id(field::NAME),
        class.child_by_field_id(field::SUPERCLASSES),
    ) else {
        return;
    };
    let mut c = bases.walk();
    let named: Vec<&str> = bases
        .named_children(&mut c)
        .filter(|b| {
            !matches!(
                b.kind_str(),
                "keyword_argument" | "comment" | "list_splat" | "dictionary_splat"
            )
        })
        .map(|b| ctx.text(b))
        .filter(|b| *b != "object")
        .collect();
    if named.len() < 2 {
        return;
    }
    out.push(Finding {
        rule: &RULE,
        range: name.byte_range(),
        message: format!(
            "`{}` inherits from {}: attribute lookup and `super()` follow its MRO, `{}.__mro__`",
            ctx.text(name),
            named
                .iter()
                .map(|b| code_span(b))
                .collect::<Vec<_>>()
                .join(", "),
            ctx.text(name)
        ),
        fix: None,
    });
}
