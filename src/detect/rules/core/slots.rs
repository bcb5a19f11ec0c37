//! PG506 `slots-definition` and PG507 `dataclass-slots`: classes whose
//! instances have fixed attribute slots instead of a `__dict__`.
//!
//! **What it matches**: `__slots__ = ...` directly in a class body (PG506),
//! and `slots=True` in `@dataclass(...)` (PG507, any import spelling).
//!
//! **Why**: educational. Slots store attributes in a compact per-instance
//! array: less memory per instance and typos raise `AttributeError`. The
//! instances lose `__dict__` and weak-reference support unless listed, a
//! class-level default can't share a slot's name, `cached_property` needs a
//! `__dict__`, and every class in the hierarchy must declare `__slots__` for
//! the saving to hold.
//!
//! **References**: <https://docs.python.org/3/reference/datamodel.html#slots>,
//! <https://docs.python.org/3/library/dataclasses.html#dataclasses.dataclass>

use crate::detect::syntax::{NodeExt, field};
use crate::text::code_span;
use tree_sitter::Node;

use super::dunder_method::in_class_body;
use crate::detect::context::Ctx;
use crate::detect::{Finding, Rule, Severity};

pub(crate) static SLOTS: Rule = Rule {
    code: "PG506",
    construct: "slots-definition",
    severity: Severity::Hint,
    fixable: false,
    topic: "slots",
    summary: "`__slots__`: fixed instance attributes without a per-instance `__dict__`",
};

pub(crate) static DATACLASS_SLOTS: Rule = Rule {
    code: "PG507",
    construct: "dataclass-slots",
    severity: Severity::Hint,
    fixable: false,
    topic: "slots",
    summary: "`@dataclass(slots=True)`: generates `__slots__` from the fields (3.10+)",
};

/// `assignment` is an `assignment`.
pub(crate) fn check_assignment(ctx: &Ctx, assignment: Node, out: &mut Vec<Finding>) {
    let (Some(left), Some(stmt)) = (
        assignment.child_by_field_id(field::LEFT),
        assignment
            .parent()
            .filter(|p| p.kind_str() == "expression_statement"),
    ) else {
        return;
    };
    if left.kind_str() != "identifier" || ctx.text(left) != "__slots__" || !in_class_body(stmt) {
        return;
    }
    let names = assignment
        .child_by_field_id(field::RIGHT)
        .and_then(|r| slot_names(ctx, r));
    let message = match names.as_deref() {
        Some([]) => "empty `__slots__`: instances get no `__dict__` and no attributes of their own (only inherited ones)".to_string(),
        Some(names) => {
            let keeps_dict = names.contains(&"__dict__");
            let listed = names
                .iter()
                .map(|n| code_span(n))
                .collect::<Vec<_>>()
                .join(", ");
            if keeps_dict {
                format!("instances store {listed} in slots, and keep a `__dict__` for other attributes")
            } else {
                format!(
                    "instances can only have {listed}: stored in slots, with no per-instance `__dict__`{}",
                    if names.contains(&"__weakref__") {
                        ""
                    } else {
                        " and no weak references"
                    }
                )
            }
        }
        None => SLOTS.summary.to_string(),
    };
    out.push(Finding {
        rule: &SLOTS,
        range: assignment.byte_range(),
        message,
        fix: None,
    });
}

/// The slot names of a literal `__slots__` value: one string, or a tuple,
/// list or set of strings.
fn slot_names<'a>(ctx: &Ctx<'a>, value: Node) -> Option<Vec<&'a str>> {
    let string = |n: Node| -> Option<&'a str> {
        if n.kind_str() != "string" {
            return None;
        }
        let t = ctx.text(n);
        let quote = t.find(['"', '\''])?;
        if quote > 0 {
            return None; // prefixed strings: f"", b""...
        }
        let q = &t[..1];
        let inner = t.strip_prefix(q)?.strip_suffix(q)?;
        (!inner.contains(q)).then_some(inner)
    };
    match value.kind_str() {
        "string" => Some(vec![string(value)?]),
        "tuple" | "list" | "set" | "parenthesized_expression" => {
            let mut c = value.walk();
            value
                .named_children(&mut c)
                .filter(|n| n.kind_str() != "comment")
                .map(string)
                .collect()
        }
        _ => None,
    }
}

/// `decorator` is a `decorator`.
pub(crate) fn check_decorator(ctx: &Ctx, decorator: Node, out: &mut Vec<Finding>) {
    let Some(call) = decorator.named_child(0).filter(|e| e.kind_str() == "call") else {
        return;
    };
    if call
        .child_by_field_id(field::FUNCTION)
        .and_then(|f| ctx.resolve(f))
        .is_none_or(|q| q != "dataclasses.dataclass")
    {
        return;
    }
    let Some(args) = call.child_by_field_id(field::ARGUMENTS) else {
        return;
    };
    let mut c = args.walk();
    let Some(slots) = args.named_children(&mut c).find(|a| {
        a.kind_str() == "keyword_argument"
            && a.child_by_field_id(field::NAME)
                .is_some_and(|n| ctx.text(n) == "slots")
            && a.child_by_field_id(field::VALUE)
                .is_some_and(|v| v.kind_str() == "true")
    }) else {
        return;
    };
    out.push(Finding {
        rule: &DATACLASS_SLOTS,
        range: slots.byte_range(),
        message: "the dataclass is recreated with `__slots__` for its fields: no per-instance `__dict__`, and zero-argument `super()` in its methods breaks before 3.14".into(),
        fix: None,
    });
}
