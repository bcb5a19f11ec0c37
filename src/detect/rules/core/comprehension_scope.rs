//! PG110 `walrus-in-comprehension` and PG111 `comprehension-in-class-body`:
//! where a comprehension's names live.
//!
//! **What it matches**:
//! - PG110 (hint): `:=` inside a comprehension or generator expression,
//!   which binds its target in the enclosing function or module;
//! - PG111 (warning): in a class body, a comprehension whose element,
//!   condition or later `for` clause uses a name that only the class body
//!   binds (`FACTOR = 2` then `[x * FACTOR for x in xs]`): the class scope is
//!   invisible there, so creating the class raises `NameError`.
//!
//! **Why**: a comprehension runs in its own scope (PEP 709 in 3.12 inlines
//! it but keeps the rules). Only its first iterable is evaluated in the
//! enclosing scope; the rest resolves names through enclosing *function*
//! scopes and the module, skipping the class body. `:=` is the exception
//! that writes outward, so the value is still there after the comprehension.
//!
//! **Not reported** (PG111): names the module also binds (they resolve to
//! the module's value), builtins, names declared `global` anywhere in the
//! file, files with `from x import *`, and the first iterable, which is
//! evaluated in the class body (`[x for x in xs]` is fine). Comprehensions
//! inside methods are not in the class scope.
//!
//! **Example**: `scaled = [x * FACTOR for x in xs]` in a class body →
//! compute it with a loop, a helper function taking `FACTOR` as an
//! argument, or after the class as `C.scaled = [...]`.
//!
//! **References**: <https://docs.python.org/3/reference/executionmodel.html#resolution-of-names>,
//! <https://peps.python.org/pep-0572/#scope-of-the-target>

use crate::detect::syntax::{NodeExt, field};
use tree_sitter::Node;

use crate::detect::context::Ctx;
use crate::detect::readers::scope::{
    BUILTIN_NAMES, assigned_names, comprehension_targets, imported_names, uses_of,
};
use crate::detect::{Finding, Rule, Severity};

pub(crate) static WALRUS: Rule = Rule {
    code: "PG110",
    construct: "walrus-in-comprehension",
    severity: Severity::Hint,
    fixable: false,
    topic: "comprehension-scope",
    summary: "`:=` in a comprehension binds in the enclosing scope, and the name outlives the comprehension",
};

pub(crate) static CLASS_BODY: Rule = Rule {
    code: "PG111",
    construct: "comprehension-in-class-body",
    severity: Severity::Warning,
    fixable: false,
    topic: "comprehension-scope",
    summary: "comprehension in a class body uses a class attribute it can't see: NameError when the class is created",
};

/// `walrus` is a `named_expression`.
pub(crate) fn check_walrus<'t>(ctx: &Ctx<'t>, walrus: Node<'t>, out: &mut Vec<Finding>) {
    let Some(name) = walrus.child_by_field_id(field::NAME) else {
        return;
    };
    let Some((scope, true)) = ctx.scope_of(walrus) else {
        return;
    };
    let target = match scope.kind_str() {
        "function_definition" => scope
            .child_by_field_id(field::NAME)
            .map_or("the enclosing function".to_string(), |f| {
                format!("function `{}`", ctx.text(f))
            }),
        "lambda" => "the enclosing lambda".to_string(),
        "class_definition" => {
            "the class body, which is a SyntaxError: `:=` in a comprehension can't bind a class attribute"
                .to_string()
        }
        _ => "the module".to_string(),
    };
    out.push(Finding {
        rule: &WALRUS,
        range: walrus.byte_range(),
        message: format!(
            "`{}` is bound in {target}, not in the comprehension: it keeps the last value assigned after the comprehension ends",
            ctx.text(name)
        ),
        fix: None,
    });
}

/// `comp` is a comprehension or generator expression.
pub(crate) fn check_class_body<'t>(ctx: &Ctx<'t>, comp: Node<'t>, out: &mut Vec<Finding>) {
    let Some(class) = enclosing_class_body(ctx, comp) else {
        return;
    };
    let (Some(body), Some(class_name)) = (
        class.child_by_field_id(field::BODY),
        class.child_by_field_id(field::NAME),
    ) else {
        return;
    };
    let root = ctx.root();
    let star = ctx.module_fact("star-import", || star_import(ctx, root));
    if !star.is_empty() {
        return;
    }
    let module = ctx.module_fact("module-names", || module_names(ctx, root));
    let globals = ctx.module_fact("global-names", || global_names(ctx, root));
    let own = comprehension_targets(ctx, comp);
    let mut class_only: Vec<&str> =
        (*ctx.node_fact("class-names", body, || assigned_names(ctx, body))).clone();
    class_only.retain(|n| {
        !module.contains(n)
            && !globals.contains(n)
            && !own.contains(n)
            && !BUILTIN_NAMES.contains(n)
            && ctx.imports.resolve_name(n).is_none()
    });
    if class_only.is_empty() {
        return;
    }
    let mut uses = Vec::new();
    let mut first_iterable_seen = false;
    let mut c = comp.walk();
    for part in comp.named_children(&mut c) {
        if part.kind_str() == "for_in_clause" {
            let right = part.child_by_field_id(field::RIGHT);
            if first_iterable_seen && let Some(r) = right {
                uses_of(ctx, r, &class_only, &mut uses);
            }
            first_iterable_seen = true;
        } else {
            uses_of(ctx, part, &class_only, &mut uses);
        }
    }
    let mut reported: Vec<&str> = Vec::new();
    for u in uses {
        let name = ctx.text(u);
        if reported.contains(&name) {
            continue;
        }
        reported.push(name);
        out.push(Finding {
            rule: &CLASS_BODY,
            range: u.byte_range(),
            message: format!(
                "`{name}` is an attribute of class `{}`, but only a comprehension's first iterable is evaluated in the class body; here `{name}` is looked up in the module and raises NameError when the class is created",
                ctx.text(class_name)
            ),
            fix: None,
        });
    }
}

/// The class whose body directly holds `comp` (not inside a method or
/// another comprehension).
fn enclosing_class_body<'t>(ctx: &Ctx<'t>, comp: Node<'t>) -> Option<Node<'t>> {
    ctx.scope_or_comprehension(comp)
        .filter(|p| p.kind_str() == "class_definition")
}

/// `["*"]` when the module has a `from m import *`, else empty (a
/// file-wide fact).
pub(crate) fn star_import<'a>(ctx: &Ctx<'a>, root: Node) -> Vec<&'a str> {
    if has_star_import(ctx, root) {
        vec!["*"]
    } else {
        Vec::new()
    }
}

/// The names the module assigns or imports (a file-wide fact).
pub(crate) fn module_names<'a>(ctx: &Ctx<'a>, root: Node) -> Vec<&'a str> {
    let mut module = assigned_names(ctx, root);
    module.extend(imported_names(ctx, root));
    module
}

fn has_star_import(ctx: &Ctx, root: Node) -> bool {
    let mut c = root.walk();
    root.named_children(&mut c)
        .any(|s| s.kind_str() == "import_from_statement" && ctx.text(s).contains('*'))
}

/// Names declared `global` anywhere in the file.
/// The names `global` statements anywhere in the module declare (a
/// file-wide fact).
pub(crate) fn global_names<'a>(ctx: &Ctx<'a>, root: Node) -> Vec<&'a str> {
    let mut out = Vec::new();
    crate::python::walk(root, |n| {
        if n.kind_str() == "global_statement" {
            let mut c = n.walk();
            out.extend(n.named_children(&mut c).map(|i| ctx.text(i)));
            return false;
        }
        true
    });
    out
}

/// The unit guard of PG111 (`detect/skim.rs`): a comprehension (`for`) in
/// the body of a class defined in the function.
pub(crate) fn unit_guard(unit: &crate::detect::skim::Unit) -> bool {
    unit.lexed.classes >= 1 && unit.lexed.r#for
}
