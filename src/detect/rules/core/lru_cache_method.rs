//! PG118 `lru-cache-on-method`: `@functools.lru_cache` or `@functools.cache`
//! on an instance method.
//!
//! **What it matches**: a `def` directly in a class body decorated with
//! `lru_cache`, `lru_cache(...)` or `cache` (any import spelling), unless it
//! is also a `@staticmethod` or `@classmethod`, or is one of the implicit
//! static/class methods (`__new__`, `__init_subclass__`,
//! `__class_getitem__`), or its first parameter is `cls` (a class-level
//! method wrapped by a custom descriptor such as Django's `classproperty`)
//! or missing.
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

use crate::detect::syntax::{NodeExt, field};
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
        .child_by_field_id(field::DEFINITION)
        .filter(|d| d.kind_str() == "function_definition")
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
        .filter(|d| d.kind_str() == "decorator")
    {
        match decorator_name(ctx, d).as_deref() {
            Some("functools.lru_cache" | "functools.cache") => cache = Some(d),
            Some("builtins.staticmethod" | "builtins.classmethod") => return,
            _ => {}
        }
    }
    let (Some(cache), Some(name)) = (cache, func.child_by_field_id(field::NAME)) else {
        return;
    };
    let name = ctx.text(name);
    // Implicit static and class methods take no `self`, nor do methods
    // whose first parameter is the class (custom class-level descriptors).
    let first = func
        .child_by_field_id(field::PARAMETERS)
        .map(|p| crate::detect::readers::scope::parameter_names(ctx, p))
        .and_then(|names| names.first().copied());
    if matches!(name, "__new__" | "__init_subclass__" | "__class_getitem__")
        || first.is_none_or(|p| matches!(p, "cls" | "mcs" | "mcls" | "metacls"))
    {
        return;
    }
    let kept = match maxsize(ctx, cache) {
        None => "every instance it has seen alive, for the life of the program".to_string(),
        Some(n) if n.bytes().all(|b| b.is_ascii_digit()) => {
            format!("up to {n} recently used instances alive")
        }
        Some(n) => format!(
            "up to {} recently used instances alive",
            crate::text::code_span(&n)
        ),
    };
    out.push(Finding {
        rule: &RULE,
        range: cache.byte_range(),
        message: format!(
            "the cache of `{name}` is shared by the whole class and keyed on `self`: it keeps {kept}; use `functools.cached_property` or a per-instance cache"
        ),
        fix: None,
    });
}

/// The bound of an `lru_cache` decorator (`Some("128")` by default), or
/// `None` when unbounded (`@cache`, `maxsize=None`).
fn maxsize(ctx: &Ctx, decorator: Node) -> Option<String> {
    let expr = decorator.named_child(0)?;
    let (target, args) = if expr.kind_str() == "call" {
        (
            expr.child_by_field_id(field::FUNCTION)?,
            expr.child_by_field_id(field::ARGUMENTS),
        )
    } else {
        (expr, None)
    };
    if ctx.resolve(target)? == "functools.cache" {
        return None;
    }
    let Some(args) = args else {
        return Some("128".into());
    };
    let mut c = args.walk();
    let value = args.named_children(&mut c).find_map(|a| {
        if a.kind_str() == "keyword_argument" {
            a.child_by_field_id(field::NAME)
                .filter(|n| ctx.text(*n) == "maxsize")
                .and_then(|_| a.child_by_field_id(field::VALUE))
        } else {
            Some(a)
        }
    });
    match value {
        None => Some("128".into()),
        Some(v) if v.kind_str() == "none" => None,
        Some(v) => Some(ctx.text(v).to_string()),
    }
}

/// The qualified name a decorator applies (`@lru_cache(maxsize=32)` →
/// `functools.lru_cache`).
fn decorator_name(ctx: &Ctx, decorator: Node) -> Option<String> {
    let expr = decorator.named_child(0)?;
    let target = if expr.kind_str() == "call" {
        expr.child_by_field_id(field::FUNCTION)?
    } else {
        expr
    };
    ctx.resolve(target)
}
