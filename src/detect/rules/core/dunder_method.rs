//! PG503 `dunder-method` and the special methods with their own topic:
//! PG504 `dunder-call`, PG514 `dunder-new`, PG513 `init-subclass`, PG510
//! `descriptor-protocol`, PG223 `async-dunder-method`.
//!
//! **What it matches**: `def __xxx__(...)` directly in a class: `__call__`
//! (PG504), `__new__` (PG514), `__init_subclass__` (PG513), `__get__`,
//! `__set__`, `__delete__`, `__set_name__` (PG510), `__aenter__`,
//! `__aexit__`, `__aiter__`, `__anext__` (PG223), and PG503 for the others.
//!
//! **Why**: educational. Special methods hook a class into the data model:
//! operators, `len()`, iteration, `with`, `repr()`... Python looks them up on
//! the type, not the instance. `__call__` makes instances callable;
//! `__new__` creates the instance `__init__` then initialises;
//! `__init_subclass__` runs for every subclass, the lighter alternative to
//! a metaclass; `__get__`/`__set__` make the class a descriptor; the `__a*`
//! methods implement `async with` and `async for`.
//!
//! **References**: <https://docs.python.org/3/reference/datamodel.html#special-method-names>

use crate::detect::syntax::{NodeExt, field};
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

pub(crate) static NEW: Rule = Rule {
    code: "PG514",
    construct: "dunder-new",
    severity: Severity::Hint,
    fixable: false,
    topic: "new-vs-init",
    summary: "`__new__`: creates and returns the instance; `__init__` runs only if it returns an instance of the class",
};

pub(crate) static INIT_SUBCLASS: Rule = Rule {
    code: "PG513",
    construct: "init-subclass",
    severity: Severity::Hint,
    fixable: false,
    topic: "metaclasses",
    summary: "`__init_subclass__`: runs for every subclass; customises subclasses without a metaclass",
};

pub(crate) static DESCRIPTOR: Rule = Rule {
    code: "PG510",
    construct: "descriptor-protocol",
    severity: Severity::Hint,
    fixable: false,
    topic: "descriptors-and-property",
    summary: "descriptor protocol: instances of this class, as class attributes, intercept attribute access",
};

pub(crate) static ASYNC_DUNDER: Rule = Rule {
    code: "PG223",
    construct: "async-dunder-method",
    severity: Severity::Hint,
    fixable: false,
    topic: "async-context-managers-iterators",
    summary: "`__aenter__`/`__aexit__`/`__aiter__`/`__anext__`: the `async with` and `async for` protocols",
};

/// The rule and message for a special method with a topic of its own.
fn special(text: &str) -> Option<(&'static Rule, &'static str)> {
    Some(match text {
        "__call__" => (
            &CALL,
            "`__call__` makes instances of this class callable: `obj(...)` runs it",
        ),
        "__new__" => (
            &NEW,
            "`__new__` receives the class and must create and return the instance (usually `super().__new__(cls)`); `__init__` runs afterwards only if it returns an instance of this class",
        ),
        "__init_subclass__" => (
            &INIT_SUBCLASS,
            "`__init_subclass__` is an implicit classmethod called for each new subclass, with the keyword arguments of its `class` line: registration and validation without a metaclass",
        ),
        "__get__" | "__set__" | "__delete__" => (
            &DESCRIPTOR,
            "defining `__get__`, `__set__` or `__delete__` makes this class a descriptor: stored as a class attribute, it runs on attribute access; with `__set__`/`__delete__` it is a data descriptor and wins over the instance `__dict__`",
        ),
        "__set_name__" => (
            &DESCRIPTOR,
            "`__set_name__(owner, name)` is called once when the owning class is created, telling the descriptor the attribute name it was assigned to",
        ),
        "__aenter__" | "__aexit__" => (
            &ASYNC_DUNDER,
            "`async with` awaits `__aenter__` on entry and `__aexit__(exc_type, exc, tb)` on exit: both return awaitables, so they are usually `async def`",
        ),
        "__aiter__" | "__anext__" => (
            &ASYNC_DUNDER,
            "`async for` calls `__aiter__` (a plain method returning the async iterator), then awaits `__anext__` until it raises `StopAsyncIteration`",
        ),
        _ => return None,
    })
}

/// `func` is a `function_definition`.
pub(crate) fn check(ctx: &Ctx, func: Node, out: &mut Vec<Finding>) {
    let Some(name) = func.child_by_field_id(field::NAME) else {
        return;
    };
    let text = ctx.text(name);
    if text.len() <= 4 || !text.starts_with("__") || !text.ends_with("__") || !in_class_body(func) {
        return;
    }
    let (rule, message) = special(text)
        .map(|(r, m)| (r, m.to_string()))
        .unwrap_or_else(|| {
        (
            &DUNDER,
            format!(
                "`{text}` is a special method: Python calls it for you, looking it up on the type"
            ),
        )
    });
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
    if n.is_some_and(|p| p.kind_str() == "decorated_definition") {
        n = n.and_then(|p| p.parent());
    }
    n.filter(|b| b.kind_str() == "block")
        .and_then(|b| b.parent())
        .is_some_and(|c| c.kind_str() == "class_definition")
}
