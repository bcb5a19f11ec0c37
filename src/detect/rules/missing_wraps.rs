//! PG105 `decorator-without-wraps`: a decorator's inner wrapper without
//! `functools.wraps`.
//!
//! **What it matches**: a function `deco(func)` that defines an inner
//! function `wrapper`, calls `func(...)` inside it and returns `wrapper`,
//! where `wrapper` is not decorated with `functools.wraps` (any spelling).
//! Decorator factories (`def retry(n): def deco(func): def wrapper...`) are
//! covered too.
//!
//! **Why**: without `wraps`, the decorated function takes the wrapper's
//! `__name__`, `__qualname__` and `__doc__`, loses `__wrapped__`, and shows up
//! wrongly in logs, tracebacks, `help()`, pytest and Django URL names.
//!
//! **Example / Fix**: adds `@functools.wraps(func)` above `def wrapper`
//! (`@wraps(func)` when `wraps` is already imported), and `import functools`
//! when needed.
//!
//! **References**: <https://docs.python.org/3/library/functools.html#functools.wraps>

use tree_sitter::Node;

use crate::detect::context::{Ctx, root_of, visit_own};
use crate::detect::{Edit, Finding, Fix, Rule, Severity};

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
        outer.child_by_field_name("parameters"),
        outer.child_by_field_name("body"),
    ) else {
        return;
    };
    let param_names: Vec<&str> = {
        let mut c = params.walk();
        params
            .named_children(&mut c)
            .filter(|p| p.kind() == "identifier")
            .map(|p| ctx.text(p))
            .collect()
    };
    if param_names.is_empty() {
        return;
    }
    let returned = returned_names(ctx, body);
    let mut c = body.walk();
    for stmt in body.named_children(&mut c) {
        let (def, decorators) = match stmt.kind() {
            "function_definition" => (stmt, None),
            "decorated_definition" => match stmt.child_by_field_name("definition") {
                Some(d) if d.kind() == "function_definition" => (d, Some(stmt)),
                _ => continue,
            },
            _ => continue,
        };
        let Some(name) = def.child_by_field_name("name") else {
            continue;
        };
        if !returned.contains(&ctx.text(name)) {
            continue;
        }
        // `self`/`cls` are instances and classes, not wrapped functions.
        let Some(wrapped) = param_names
            .iter()
            .filter(|p| !matches!(**p, "self" | "cls"))
            .find(|p| calls_name(ctx, def, p))
        else {
            continue;
        };
        if decorators.is_some_and(|d| has_wraps(ctx, d))
            || copies_metadata(ctx, body, ctx.text(name))
        {
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
        let target = match n.kind() {
            "assignment" => n.child_by_field_name("left"),
            "call" => n
                .child_by_field_name("function")
                .filter(|f| ctx.text(*f).ends_with("update_wrapper"))
                .and_then(|_| n.child_by_field_name("arguments")?.named_child(0)),
            _ => None,
        };
        copies |= target.is_some_and(|t| {
            let t = ctx.text(t);
            t == wrapper && n.kind() == "call"
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
    }
}

/// Names in `return <name>` statements of this function's own body.
fn returned_names<'a>(ctx: &Ctx<'a>, body: Node) -> Vec<&'a str> {
    let mut out = Vec::new();
    visit_own(body, &mut |n| {
        if n.kind() == "return_statement"
            && let Some(v) = n.named_child(0).filter(|v| v.kind() == "identifier")
        {
            out.push(ctx.text(v));
        }
    });
    out
}

/// True when `func`'s own body calls the bare name `name`.
fn calls_name(ctx: &Ctx, func: Node, name: &str) -> bool {
    let mut found = false;
    if let Some(body) = func.child_by_field_name("body") {
        visit_own(body, &mut |n| {
            if n.kind() == "call"
                && n.child_by_field_name("function")
                    .is_some_and(|f| f.kind() == "identifier" && ctx.text(f) == name)
            {
                found = true;
            }
        });
    }
    found
}

fn has_wraps(ctx: &Ctx, decorated: Node) -> bool {
    let mut c = decorated.walk();
    decorated
        .named_children(&mut c)
        .filter(|d| d.kind() == "decorator")
        .any(|d| {
            let expr = d.named_child(0);
            let target = expr.and_then(|e| {
                if e.kind() == "call" {
                    e.child_by_field_name("function")
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
