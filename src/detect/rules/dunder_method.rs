//! PG503 `dunder-method` and PG504 `dunder-call`: special methods defined
//! in a class body.
//!
//! **What it matches**: `def __xxx__(...)` directly in a class (PG504 for
//! `__call__`, PG503 for the others).
//!
//! **Why**: educational. Special methods hook a class into the data model:
//! operators, `len()`, iteration, `with`, `repr()`... Python looks them up on
//! the type, not the instance. `__call__` makes instances callable.
//!
//! **References**: <https://docs.python.org/3/reference/datamodel.html#special-method-names>

use tree_sitter::Node;

use crate::detect::context::Ctx;
use crate::detect::{Finding, Rule, Severity};

pub(crate) static DUNDER: Rule = Rule {
    code: "PG503",
    construct: "dunder-method",
    severity: Severity::Hint,
    fixable: false,
    topic: "dunder-methods",
    summary: "special (dunder) method: hooks the class into Python's data model",
};

pub(crate) static CALL: Rule = Rule {
    code: "PG504",
    construct: "dunder-call",
    severity: Severity::Hint,
    fixable: false,
    topic: "dunder-methods",
    summary: "`__call__`: makes instances callable like functions",
};

/// `func` is a `function_definition`.
pub(crate) fn check(ctx: &Ctx, func: Node, out: &mut Vec<Finding>) {
    let Some(name) = func.child_by_field_name("name") else {
        return;
    };
    let text = ctx.text(name);
    if text.len() <= 4 || !text.starts_with("__") || !text.ends_with("__") || !in_class_body(func) {
        return;
    }
    let (rule, message) = if text == "__call__" {
        (
            &CALL,
            "`__call__` makes instances of this class callable: `obj(...)` runs it".to_string(),
        )
    } else {
        (
            &DUNDER,
            format!(
                "`{text}` is a special method: Python calls it for you, looking it up on the type"
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

/// True when `func` (or its decorated wrapper) sits directly in a class block.
pub(crate) fn in_class_body(func: Node) -> bool {
    let mut n = func.parent();
    if n.is_some_and(|p| p.kind() == "decorated_definition") {
        n = n.and_then(|p| p.parent());
    }
    n.filter(|b| b.kind() == "block")
        .and_then(|b| b.parent())
        .is_some_and(|c| c.kind() == "class_definition")
}
