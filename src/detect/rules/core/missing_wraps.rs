//! PG105 `decorator-without-wraps`: a decorator's inner wrapper without
//! `functools.wraps`.
//!
//! **What it matches**: a function `deco(func)` that defines an inner
//! function `wrapper` and returns it, where `wrapper` wraps `func`: it
//! returns `func(...)`'s result or forwards all of its own arguments to it
//! (`func(*args, **kwargs)`, `func(request, *args)`), and is not decorated
//! with `functools.wraps` (any spelling) nor copies the metadata by hand.
//! Decorator factories (`def retry(n): def deco(func): def wrapper...`) are
//! covered too. A wrapper with a docstring of its own is a hint without a
//! fix (`wraps` would overwrite it).
//!
//! **Not reported**: an inner function that only uses the parameter (an
//! adapter class instantiated inside a view factory, a weak reference
//! dereferenced, a callback called with other values): it does not wrap
//! it.
//!
//! **Why**: without `wraps`, the decorated function takes the wrapper's
//! `__name__`, `__qualname__` and `__doc__`, loses `__wrapped__`, and shows up
//! wrongly in logs, tracebacks, `help()`, pytest and Django URL names.
//!
//! **Example / Fix** (unsafe: `__name__`, `__doc__`, `__wrapped__` and
//! `inspect.signature` of the decorated function change): adds
//! `@functools.wraps(func)` above `def wrapper` (`@wraps(func)` when `wraps`
//! is already imported), and `import functools` when needed.
//!
//! **References**: <https://docs.python.org/3/library/functools.html#functools.wraps>

use crate::detect::syntax::{NodeExt, field};
use tree_sitter::Node;

use crate::detect::context::{Ctx, root_of, visit_own};
use crate::detect::{Applicability, Edit, Finding, Fix, Rule, Severity};

pub(crate) static RULE: Rule = Rule {
    code: "PG105",
    construct: "decorator-without-wraps",
    severity: Severity::Warning,
    fixable: true,
    topic: "decorators-under-the-hood",
    summary: "decorator wrapper without `functools.wraps`: the decorated function loses its name and docstring",
};

/// `outer` is a `function_definition`.
pub(crate) fn check(ctx: &Ctx, outer: Node, out: &mut Vec<Finding>) {
    let (Some(params), Some(body)) = (
        outer.child_by_field_id(field::PARAMETERS),
        outer.child_by_field_id(field::BODY),
    ) else {
        return;
    };
    let param_names: Vec<&str> = {
        let mut c = params.walk();
        params
            .named_children(&mut c)
            .filter(|p| p.kind_str() == "identifier")
            .map(|p| ctx.text(p))
            .collect()
    };
    if param_names.is_empty() {
        return;
    }
    // The body's returned names are read (a walk of the body) only once a
    // nested function is found: most functions define none.
    let mut returned: Option<Vec<&str>> = None;
    let mut c = body.walk();
    for stmt in body.named_children(&mut c) {
        let (def, decorators) = match stmt.kind_str() {
            "function_definition" => (stmt, None),
            "decorated_definition" => match stmt.child_by_field_id(field::DEFINITION) {
                Some(d) if d.kind_str() == "function_definition" => (d, Some(stmt)),
                _ => continue,
            },
            _ => continue,
        };
        let Some(name) = def.child_by_field_id(field::NAME) else {
            continue;
        };
        if !returned
            .get_or_insert_with(|| returned_names(ctx, body))
            .contains(&ctx.text(name))
        {
            continue;
        }
        // `self`/`cls` are instances and classes, not wrapped functions.
        let Some(wrapped) = param_names
            .iter()
            .filter(|p| !matches!(**p, "self" | "cls"))
            .find(|p| forwards_to(ctx, def, p))
        else {
            continue;
        };
        if decorators.is_some_and(|d| has_wraps(ctx, d))
            || copies_metadata(ctx, body, ctx.text(name))
        {
            continue;
        }
        if has_docstring(def) {
            // It documents itself; `wraps` would overwrite that docstring.
            out.push(Finding {
                rule: RULE.as_hint(),
                range: name.byte_range(),
                message: format!(
                    "`{}` wraps `{wrapped}` and has a docstring of its own: callers see the wrapper's name and docs; if they should see `{wrapped}`'s, use `functools.wraps` and move the text",
                    ctx.text(name)
                ),
                fix: None,
            });
            continue;
        }
        out.push(Finding {
            rule: &RULE,
            range: name.byte_range(),
            message: format!(
                "`{}` wraps `{wrapped}` but does not copy its metadata; decorate it with `@functools.wraps({wrapped})`",
                ctx.text(name)
            ),
            fix: Some(fix(ctx, decorators.unwrap_or(def), wrapped)),
        });
    }
}

/// `wrapper.__doc__ = ...`, `wrapper.__name__ = ...` or
/// `update_wrapper(wrapper, ...)` in the decorator's body: metadata copied
/// by hand.
fn copies_metadata(ctx: &Ctx, body: Node, wrapper: &str) -> bool {
    let mut copies = false;
    visit_own(body, &mut |n| {
        let target = match n.kind_str() {
            "assignment" => n.child_by_field_id(field::LEFT),
            "call" => n
                .child_by_field_id(field::FUNCTION)
                .filter(|f| ctx.text(*f).ends_with("update_wrapper"))
                .and_then(|_| n.child_by_field_id(field::ARGUMENTS)?.named_child(0)),
            _ => None,
        };
        copies |= target.is_some_and(|t| {
            let t = ctx.text(t);
            t == wrapper && n.kind_str() == "call"
                || t.strip_prefix(wrapper).is_some_and(|rest| {
                    matches!(
                        rest,
                        ".__doc__" | ".__name__" | ".__qualname__" | ".__wrapped__"
                    )
                })
        });
    });
    copies
}

fn fix(ctx: &Ctx, def_or_decorated: Node, wrapped: &str) -> Fix {
    let (spelling, import) =
        ctx.spelling_or_import(root_of(def_or_decorated), "functools", "wraps");
    let mut edits: Vec<Edit> = import.into_iter().collect();
    let at = def_or_decorated.start_byte();
    let indent = ctx.indent_at(at);
    edits.push(Edit {
        range: at..at,
        content: format!("@{spelling}({wrapped})\n{indent}"),
    });
    Fix {
        message: format!("Add `@{spelling}({wrapped})`"),
        edits,
        applicability: Applicability::Unsafe,
    }
}

/// Names in `return <name>` statements of this function's own body.
fn returned_names<'a>(ctx: &Ctx<'a>, body: Node) -> Vec<&'a str> {
    let mut out = Vec::new();
    visit_own(body, &mut |n| {
        if n.kind_str() == "return_statement"
            && let Some(v) = n.named_child(0).filter(|v| v.kind_str() == "identifier")
        {
            out.push(ctx.text(v));
        }
    });
    out
}

/// True when `func`'s own body calls the bare name `name` as a wrapper
/// does: returning its result (`return name(...)`, `return await
/// name(...)`) or forwarding every one of `func`'s own parameters to it
/// (`name(*args, **kwargs)`, `name(request, *args)`). A call that only
/// uses `name` (instantiates a class, dereferences a weakref, calls a
/// callback with other values) is not wrapping it.
fn forwards_to(ctx: &Ctx, func: Node, name: &str) -> bool {
    let params = own_parameters(ctx, func);
    let mut found = false;
    if let Some(body) = func.child_by_field_id(field::BODY) {
        visit_own(body, &mut |n| {
            if found || n.kind_str() != "call" {
                return;
            }
            if !n
                .child_by_field_id(field::FUNCTION)
                .is_some_and(|f| f.kind_str() == "identifier" && ctx.text(f) == name)
            {
                return;
            }
            found = is_returned(n) || forwards_all(ctx, n, &params);
        });
    }
    found
}

/// The names of a function's parameters (`*args` → `args`).
fn own_parameters<'a>(ctx: &Ctx<'a>, func: Node) -> Vec<&'a str> {
    let Some(params) = func.child_by_field_id(field::PARAMETERS) else {
        return Vec::new();
    };
    let mut c = params.walk();
    params
        .named_children(&mut c)
        .filter_map(|p| parameter_name(p))
        .map(|n| ctx.text(n))
        .filter(|n| !matches!(*n, "self" | "cls"))
        .collect()
}

/// The name a parameter binds: `x`, `x: T`, `x=1`, `*args: T`,
/// `**kwargs`.
fn parameter_name(p: Node) -> Option<Node> {
    match p.kind_str() {
        "identifier" => Some(p),
        "list_splat_pattern" | "dictionary_splat_pattern" => {
            p.named_child(0).filter(|n| n.kind_str() == "identifier")
        }
        "typed_parameter" => parameter_name(p.named_child(0)?),
        "default_parameter" | "typed_default_parameter" => p.child_by_field_id(field::NAME),
        _ => None,
    }
}

/// Whether every parameter is passed on, positionally, by keyword or
/// splatted.
fn forwards_all(ctx: &Ctx, call: Node, params: &[&str]) -> bool {
    let Some(args) = call.child_by_field_id(field::ARGUMENTS) else {
        return false;
    };
    if params.is_empty() {
        // `def inner(): ... func()`: nothing to forward, nothing added.
        return args.named_child_count() == 0;
    }
    let mut passed: Vec<&str> = Vec::new();
    let mut c = args.walk();
    for a in args.named_children(&mut c) {
        let value = match a.kind_str() {
            "keyword_argument" => a.child_by_field_id(field::VALUE),
            "list_splat" | "dictionary_splat" => a.named_child(0),
            _ => Some(a),
        };
        if let Some(v) = value.filter(|v| v.kind_str() == "identifier") {
            passed.push(ctx.text(v));
        }
    }
    params.iter().all(|p| passed.contains(p))
}

/// `return call` or `return await call`.
fn is_returned(call: Node) -> bool {
    let mut p = call.parent();
    if p.is_some_and(|a| a.kind_str() == "await") {
        p = p.and_then(|a| a.parent());
    }
    p.is_some_and(|r| r.kind_str() == "return_statement")
}

/// Whether a function's body starts with a string (its docstring).
fn has_docstring(func: Node) -> bool {
    func.child_by_field_id(field::BODY)
        .and_then(|b| b.named_child(0))
        .filter(|s| s.kind_str() == "expression_statement")
        .and_then(|s| s.named_child(0))
        .is_some_and(|s| s.kind_str() == "string")
}

fn has_wraps(ctx: &Ctx, decorated: Node) -> bool {
    let mut c = decorated.walk();
    decorated
        .named_children(&mut c)
        .filter(|d| d.kind_str() == "decorator")
        .any(|d| {
            let expr = d.named_child(0);
            let target = expr.and_then(|e| {
                if e.kind_str() == "call" {
                    e.child_by_field_id(field::FUNCTION)
                } else {
                    Some(e)
                }
            });
            target.is_some_and(|t| {
                ctx.resolve(t)
                    .is_some_and(|q| q == "functools.wraps" || q == "functools.update_wrapper")
                    || ctx.text(t).rsplit('.').next() == Some("wraps")
            })
        })
}

/// The unit guard (`detect/skim.rs`): a decorator defines the wrapper it
/// returns, a second `def`, and returns it by name (`return wrapper`: a
/// name after a `def` follows a `return`).
pub(crate) fn unit_guard(unit: &crate::detect::skim::Unit) -> bool {
    if unit.lexed.defs < 2 {
        return false;
    }
    let t = unit.text;
    let defined: Vec<&str> = unit.names_after("def").map(|r| &t[r]).collect();
    unit.names_after("return").any(|r| defined.contains(&&t[r]))
}
