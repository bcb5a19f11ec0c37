//! PG118 `lru-cache-on-method`: `@functools.lru_cache` or `@functools.cache`
//! on an instance method.
//!
//! **What it matches**: a `def` directly in a class body decorated with
//! `lru_cache`, `lru_cache(...)` or `cache` (any import spelling), unless it
//! is also a `@staticmethod` or `@classmethod`.
//!
//! **Why**: the cache lives on the function, shared by the whole class, and
//! its keys include `self`. Every instance the method was called on stays
//! referenced by the cache, so it is never freed (with `@cache`, never at
//! all; with `lru_cache`, until evicted), and its `__hash__`/`__eq__` decide
//! cache hits across instances. This is ruff's B019.
//!
//! **Fix** (by hand): `functools.cached_property` for a method without
//! arguments (the value is stored on the instance), a per-instance cache
//! built in `__init__` (`self.area = lru_cache()(self._area)`), or a cached
//! module-level function that takes the fields it needs.
//!
//! **References**: <https://docs.python.org/3/faq/programming.html#how-do-i-cache-method-calls>

use tree_sitter::Node;

use super::dunder_method::in_class_body;
use crate::detect::context::Ctx;
use crate::detect::{Finding, Rule, Severity};

pub(crate) static RULE: Rule = Rule {
    code: "PG118",
    construct: "lru-cache-on-method",
    severity: Severity::Warning,
    fixable: false,
    topic: "functools-lru-cache",
    summary: "`lru_cache`/`cache` on a method: the cache keys hold `self`, keeping every instance alive",
};

/// `decorated` is a `decorated_definition`.
pub(crate) fn check(ctx: &Ctx, decorated: Node, out: &mut Vec<Finding>) {
    let Some(func) = decorated
        .child_by_field_name("definition")
        .filter(|d| d.kind() == "function_definition")
    else {
        return;
    };
    if !in_class_body(func) {
        return;
    }
    let mut cache = None;
    let mut c = decorated.walk();
    for d in decorated
        .named_children(&mut c)
        .filter(|d| d.kind() == "decorator")
    {
        match decorator_name(ctx, d).as_deref() {
            Some("functools.lru_cache" | "functools.cache") => cache = Some(d),
            Some("builtins.staticmethod" | "builtins.classmethod") => return,
            _ => {}
        }
    }
    let (Some(cache), Some(name)) = (cache, func.child_by_field_name("name")) else {
        return;
    };
    let name = ctx.text(name);
    out.push(Finding {
        rule: &RULE,
        range: cache.byte_range(),
        message: format!(
            "the cache of `{name}` is shared by the class and keyed on `self`: it keeps every instance it has seen alive; use `functools.cached_property` or a per-instance cache"
        ),
        fix: None,
    });
}

/// The qualified name a decorator applies (`@lru_cache(maxsize=32)` →
/// `functools.lru_cache`).
fn decorator_name(ctx: &Ctx, decorator: Node) -> Option<String> {
    let expr = decorator.named_child(0)?;
    let target = if expr.kind() == "call" {
        expr.child_by_field_name("function")?
    } else {
        expr
    };
    ctx.resolve(target)
}
