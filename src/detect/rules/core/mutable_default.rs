//! PG101 `mutable-default-argument`: a list, dict or set as a parameter default.
//!
//! **What it matches**: `def f(items=[])`, `def f(opts: dict = {})`,
//! `def f(seen=set())`, `list()`, `dict()`, `collections.defaultdict(...)` and
//! comprehensions as defaults; in lambdas too (reported without a fix).
//!
//! **Why**: a default is evaluated once, when `def` runs, and the same object
//! is shared by every call that doesn't pass the argument: appending to it in
//! one call shows up in the next.
//!
//! **Example**: `def add(x, acc=[]): acc.append(x)` → **Fix**: `acc=None` and
//! `if acc is None: acc = []` as the function's first statement (after the
//! docstring). An annotated parameter becomes `T | None` on Python 3.10+
//! (or with `from __future__ import annotations`), else `Optional[T]`. The
//! fix is unsafe, as ruff's B006: a caller passing `None` on purpose, or
//! code relying on the shared object, sees a different behaviour.
//!
//! **References**: <https://docs.python.org/3/tutorial/controlflow.html#default-argument-values>

use crate::detect::syntax::{NodeExt, field};
use tree_sitter::Node;

use crate::detect::context::{Ctx, root_of};
use crate::detect::{Applicability, Edit, Finding, Fix, Lib, Rule, Severity};

pub(crate) static RULE: Rule = Rule {
    code: "PG101",
    construct: "mutable-default-argument",
    severity: Severity::Warning,
    fixable: true,
    topic: "mutable-default-arguments",
    summary: "mutable default argument: evaluated once and shared by every call",
};

const MUTABLE_CALLS: &[&str] = &[
    "builtins.list",
    "builtins.dict",
    "builtins.set",
    "builtins.bytearray",
    "collections.defaultdict",
    "collections.deque",
    "collections.OrderedDict",
    "collections.Counter",
];

fn is_mutable(ctx: &Ctx, value: Node) -> bool {
    match value.kind_str() {
        "list"
        | "dictionary"
        | "set"
        | "list_comprehension"
        | "dictionary_comprehension"
        | "set_comprehension" => true,
        "call" => value
            .child_by_field_id(field::FUNCTION)
            .and_then(|f| ctx.resolve(f))
            .is_some_and(|q| MUTABLE_CALLS.contains(&q.as_str())),
        _ => false,
    }
}

/// `param` is a `default_parameter` or `typed_default_parameter`.
pub(crate) fn check(ctx: &Ctx, param: Node, out: &mut Vec<Finding>) {
    let (Some(name), Some(value)) = (
        param.child_by_field_id(field::NAME),
        param.child_by_field_id(field::VALUE),
    ) else {
        return;
    };
    if !is_mutable(ctx, value) {
        return;
    }
    let name_text = ctx.text(name);
    out.push(Finding {
        rule: &RULE,
        range: param.byte_range(),
        message: format!(
            "`{name_text}` defaults to a mutable {} that is created once and shared by every call",
            ctx.code(value)
        ),
        fix: fix(ctx, param, name_text, value),
    });
}

/// The edits that make annotation `ty` accept `None`: `X | None` where the
/// project runs on Python 3.10+ (or annotations are not evaluated:
/// `from __future__ import annotations`), else `Optional[X]` with its
/// import.
fn optional_annotation(ctx: &Ctx, func: Node, ty: Node, ty_text: &str) -> Vec<Edit> {
    let postponed = ctx.imports.spelling_of("__future__.annotations").is_some()
        || ctx.mentions("from __future__ import annotations");
    if ctx.at_least(Lib::Python, 3, 10) || postponed {
        return vec![Edit {
            range: ty.byte_range(),
            content: format!("{ty_text} | None"),
        }];
    }
    let (optional, import) = ctx.import_from(root_of(func), "typing", "Optional");
    let mut edits: Vec<Edit> = import.into_iter().collect();
    edits.push(Edit {
        range: ty.byte_range(),
        content: format!("{optional}[{ty_text}]"),
    });
    edits
}

fn fix(ctx: &Ctx, param: Node, name: &str, value: Node) -> Option<Fix> {
    let func = param
        .parent()?
        .parent()
        .filter(|f| f.kind_str() == "function_definition")?;
    let body = func.child_by_field_id(field::BODY)?;
    let first = body.named_child(0)?;
    // A docstring stays first.
    let anchor = if first.kind_str() == "expression_statement"
        && first
            .named_child(0)
            .is_some_and(|s| s.kind_str() == "string")
    {
        body.named_child(1)
    } else {
        Some(first)
    };
    let mut edits = Vec::new();
    if let Some(ty) = param.child_by_field_id(field::TYPE) {
        let ty_text = ctx.text(ty);
        if !ty_text.contains("None") && !ty_text.contains("Optional") {
            edits.extend(optional_annotation(ctx, func, ty, ty_text));
        }
    }
    edits.push(Edit {
        range: value.byte_range(),
        content: "None".into(),
    });
    let init = |indent: &str| {
        let step = if indent.contains('\t') { "\t" } else { "    " };
        format!(
            "{indent}if {name} is None:\n{indent}{step}{name} = {}\n",
            ctx.text(value)
        )
    };
    match anchor {
        Some(stmt) => {
            // The statement must start its own line (not `def f(x=[]): return x`).
            if !ctx.starts_line(stmt.start_byte()) {
                return None;
            }
            let line_start = ctx.line_start(stmt.start_byte());
            edits.push(Edit {
                range: line_start..line_start,
                content: init(ctx.indent_at(stmt.start_byte())),
            });
        }
        None => {
            // Only a docstring: add after it.
            let indent = ctx.indent_at(first.start_byte());
            if !ctx.starts_line(first.start_byte()) {
                return None;
            }
            let end = first.end_byte();
            edits.push(Edit {
                range: end..end,
                content: format!("\n{}", init(indent).trim_end_matches('\n')),
            });
        }
    }
    Some(Fix {
        message: format!("Default `{name}` to `None` and create the value in the body"),
        edits,
        applicability: Applicability::Unsafe,
    })
}

/// The unit guard (`detect/skim.rs`): a default belongs to the parameters
/// of a `def` (the function's own or a nested one) or a `lambda`, on the
/// keyword's logical line; a mutable default is a `[`, `{` or `(` after an
/// `=`, or a (dotted) name called there (`Lexed::mutable_default`).
pub(crate) fn unit_guard(unit: &crate::detect::skim::Unit) -> bool {
    unit.lexed.mutable_default
}

/// The last part of each of [`MUTABLE_CALLS`]: a call is one only when
/// its function, as spelled, ends with one of these, or is a name the
/// file imports one of these as (the guard's [`skim::Guard::TestNaming`]).
///
/// [`skim::Guard::TestNaming`]: crate::detect::skim
pub(crate) const CONSTRUCTORS: &[&str] = &[
    "list",
    "dict",
    "set",
    "bytearray",
    "defaultdict",
    "deque",
    "OrderedDict",
    "Counter",
];

/// Whether an `=` in `header` is followed by a `[` or `{` (a display or a
/// comprehension), or by a call of a name, dotted or not, ending in one
/// of [`CONSTRUCTORS`]: the defaults [`is_mutable`] reports.
pub(crate) fn may_default_mutable(header: &str) -> bool {
    let b = header.as_bytes();
    let skip = |at: usize| crate::detect::skim::skip_space(b, at);
    b.iter().enumerate().any(|(i, &c)| {
        if c != b'=' {
            return false;
        }
        let mut at = skip(i + 1);
        loop {
            match b.get(at) {
                Some(b'[' | b'{') => return true,
                Some(&c) if crate::detect::model_files::is_ident_byte(c) => {
                    let end = crate::detect::model_files::name_end(b, at);
                    let name = &header[at..end];
                    at = skip(end);
                    if b.get(at) == Some(&b'.') {
                        at = skip(at + 1);
                        continue;
                    }
                    return b.get(at) == Some(&b'(') && CONSTRUCTORS.contains(&name);
                }
                _ => return false,
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_guards_names_are_the_last_parts_of_the_mutable_calls() {
        let last: Vec<&str> = MUTABLE_CALLS
            .iter()
            .map(|q| q.rsplit('.').next().unwrap_or(q))
            .collect();
        assert_eq!(last, CONSTRUCTORS);
    }
}
