//! PG811 `logging-fstring` and PG814 `logger-exception`: how messages are
//! passed to the standard `logging` calls.
//!
//! **What it matches** (on `logging.<level>(...)` and on `<x>.<level>(...)`
//! where `x` is a logger: named `logger`/`log`/`_logger`/..., or assigned
//! from `logging.getLogger(...)` at module level):
//! - PG811 (hint): the message is an f-string, `"..." % values` or
//!   `"...".format(...)` (ruff's G004/G002/G001);
//! - PG814 (hint): `.error(...)` inside an `except` block without
//!   `exc_info` (ruff's TRY400).
//!
//! **Why**: logging formats the message only if a handler will emit the
//! record, and keeps the template (`"paid %s"`) apart from the values, so
//! aggregators group identical events and handlers can read `record.args`.
//! Formatting it yourself does the work even when the level is disabled and
//! makes every message unique. Inside `except`, `logger.exception(...)`
//! logs at ERROR level *with* the traceback, which `error()` drops.
//!
//! **Fix**: PG811 rewrites a plain f-string into a `%s` template plus
//! arguments (`f"paid {order.id}"` → `"paid %s", order.id`; `!r` becomes
//! `%r`, a literal `%` becomes `%%`); no fix when an interpolation has a
//! format spec or `=`, when arguments already follow, or for `%`/`.format`
//! (except `"..." % (a, b)`, whose tuple becomes the arguments). PG814
//! replaces `error` with `exception`.
//!
//! **Not reported**: files that use `loguru` or `structlog` (their loggers
//! format differently), constant messages, and `.error(..., exc_info=...)`.
//!
//! **References**: <https://docs.python.org/3/howto/logging.html#optimization>,
//! <https://docs.python.org/3/library/logging.html#logging.Logger.exception>

use crate::detect::syntax::{NodeExt, field};
use crate::text::code_span;
use tree_sitter::Node;

use crate::detect::context::Ctx;
use crate::detect::{Applicability, Edit, Finding, Fix, Rule, Severity};

pub(crate) static FORMATTED: Rule = Rule {
    code: "PG811",
    construct: "logging-fstring",
    severity: Severity::Hint,
    fixable: true,
    topic: "logging-best-practices",
    summary: "log message formatted eagerly (f-string, `%`, `.format`): pass a `%s` template and the values as arguments",
};

pub(crate) static ERROR_IN_EXCEPT: Rule = Rule {
    code: "PG814",
    construct: "logger-exception",
    severity: Severity::Hint,
    fixable: true,
    topic: "logging-best-practices",
    summary: "`.error()` in an `except` block drops the traceback; `.exception()` logs it",
};

/// The logging levels' method names (and `log`): also PG811's literals.
pub(crate) const LEVELS: &[&str] = &[
    "debug",
    "info",
    "warning",
    "warn",
    "error",
    "exception",
    "critical",
    "fatal",
    "log",
];

/// `call` is a `call`.
pub(crate) fn check(ctx: &Ctx, call: Node, out: &mut Vec<Finding>) {
    let (Some(func), Some(args)) = (
        call.child_by_field_id(field::FUNCTION)
            .filter(|f| f.kind_str() == "attribute"),
        call.child_by_field_id(field::ARGUMENTS)
            .filter(|a| a.kind_str() == "argument_list"),
    ) else {
        return;
    };
    let (Some(object), Some(method)) = (
        func.child_by_field_id(field::OBJECT),
        func.child_by_field_id(field::ATTRIBUTE),
    ) else {
        return;
    };
    let method_name = ctx.text(method);
    if !LEVELS.contains(&method_name) || !is_logger(ctx, object) {
        return;
    }
    let mut c = args.walk();
    let positional: Vec<Node> = args
        .named_children(&mut c)
        .filter(|a| a.kind_str() != "comment" && a.kind_str() != "keyword_argument")
        .collect();
    let msg_index = usize::from(method_name == "log");
    if let Some(msg) = positional.get(msg_index) {
        check_message(ctx, *msg, positional.len() > msg_index + 1, out);
    }
    if method_name == "error" && in_except_block(call) && !has_keyword(ctx, args, "exc_info") {
        out.push(Finding {
            rule: &ERROR_IN_EXCEPT,
            range: call.byte_range(),
            message: format!(
                "inside `except`, {} logs the same ERROR record plus the traceback; `error()` drops it",
                code_span(&format!("{}.exception(...)", ctx.text(object)))
            ),
            fix: Some(Fix {
                message: "Use `.exception(...)`".into(),
                edits: vec![Edit {
                    range: method.byte_range(),
                    content: "exception".into(),
                }],
                applicability: Applicability::Unsafe,
            }),
        });
    }
}

/// True when `object` is the `logging` module or looks like a logger.
fn is_logger(ctx: &Ctx, object: Node) -> bool {
    if let Some(q) = ctx.resolve(object) {
        return q == "logging";
    }
    let last = ctx.text(object).rsplit('.').next().unwrap_or("");
    let lower = last.to_ascii_lowercase();
    let named_like_logger = matches!(lower.trim_start_matches('_'), "log" | "logger")
        || lower.ends_with("logger")
        || lower.ends_with("_log");
    (named_like_logger || assigned_from_get_logger(ctx, object)) && !uses_other_logging(ctx)
}

/// True when the file mentions a logging library with its own formatting
/// conventions (its loggers are named `logger` too).
fn uses_other_logging(ctx: &Ctx) -> bool {
    ctx.mentions("loguru") || ctx.mentions("structlog")
}

/// True when `name` is assigned `logging.getLogger(...)` by a module-level
/// statement (`audit = logging.getLogger("audit")`).
fn assigned_from_get_logger(ctx: &Ctx, object: Node) -> bool {
    if object.kind_str() != "identifier" {
        return false;
    }
    let name = ctx.text(object);
    // The module's logger names, read once per analysis: asked for each
    // call, a walk of the module per call would be quadratic.
    let loggers = ctx.module_fact("module-level getLogger names", || {
        module_loggers(ctx, ctx.root())
    });
    loggers.contains(&name)
}

/// The names module-level statements assign `logging.getLogger(...)` (a
/// file-wide fact).
pub(crate) fn module_loggers<'a>(ctx: &Ctx<'a>, root: Node) -> Vec<&'a str> {
    let mut c = root.walk();
    root.named_children(&mut c)
        .filter(|s| s.kind_str() == "expression_statement")
        .filter_map(|s| s.named_child(0))
        .filter(|a| {
            a.kind_str() == "assignment"
                && a.child_by_field_id(field::RIGHT)
                    .filter(|r| r.kind_str() == "call")
                    .and_then(|r| r.child_by_field_id(field::FUNCTION))
                    .and_then(|f| ctx.resolve(f))
                    .is_some_and(|q| q == "logging.getLogger")
        })
        .filter_map(|a| a.child_by_field_id(field::LEFT))
        .map(|l| ctx.text(l))
        .collect()
}

fn has_keyword(ctx: &Ctx, args: Node, name: &str) -> bool {
    let mut c = args.walk();
    args.named_children(&mut c).any(|a| {
        a.kind_str() == "keyword_argument"
            && a.child_by_field_id(field::NAME)
                .is_some_and(|n| ctx.text(n) == name)
    })
}

/// True when `node` runs in an `except` block of its own function.
fn in_except_block(node: Node) -> bool {
    let mut n = node.parent();
    while let Some(p) = n {
        match p.kind_str() {
            "except_clause" => return true,
            "function_definition" | "lambda" | "class_definition" => return false,
            _ => n = p.parent(),
        }
    }
    false
}

/// Reports an eagerly formatted message; `more_args` when positional
/// arguments follow it.
fn check_message(ctx: &Ctx, msg: Node, more_args: bool, out: &mut Vec<Finding>) {
    let (how, fix) = match msg.kind_str() {
        "string" if is_fstring(ctx, msg) => (
            "an f-string",
            (!more_args).then(|| fstring_fix(ctx, msg)).flatten(),
        ),
        "concatenated_string"
            if {
                let mut c = msg.walk();
                msg.named_children(&mut c).any(|s| is_fstring(ctx, s))
            } =>
        {
            ("an f-string", None)
        }
        "binary_operator"
            if msg
                .child_by_field_id(field::OPERATOR)
                .is_some_and(|o| ctx.text(o) == "%")
                && msg
                    .child_by_field_id(field::LEFT)
                    .is_some_and(|l| matches!(l.kind_str(), "string" | "concatenated_string")) =>
        {
            (
                "`%` formatting",
                (!more_args).then(|| percent_fix(ctx, msg)).flatten(),
            )
        }
        "call" if is_str_format(ctx, msg) => ("`.format()`", None),
        _ => return,
    };
    out.push(Finding {
        rule: &FORMATTED,
        range: msg.byte_range(),
        message: format!(
            "the message is built with {how} before logging checks the level, and every value makes it a different message; pass a `%s` template and the values as arguments"
        ),
        fix,
    });
}

fn is_fstring(ctx: &Ctx, s: Node) -> bool {
    s.kind_str() == "string"
        && s.named_child(0)
            .filter(|st| st.kind_str() == "string_start")
            .is_some_and(|st| ctx.text(st).contains(['f', 'F']))
        && {
            let mut c = s.walk();
            s.named_children(&mut c)
                .any(|p| p.kind_str() == "interpolation")
        }
}

fn is_str_format(ctx: &Ctx, call: Node) -> bool {
    call.child_by_field_id(field::FUNCTION)
        .filter(|f| f.kind_str() == "attribute")
        .is_some_and(|f| {
            f.child_by_field_id(field::ATTRIBUTE)
                .is_some_and(|a| ctx.text(a) == "format")
                && f.child_by_field_id(field::OBJECT)
                    .is_some_and(|o| matches!(o.kind_str(), "string" | "concatenated_string"))
        })
}

/// `f"paid {order.id!r} 5%"` → `"paid %r 5%%", order.id`.
fn fstring_fix(ctx: &Ctx, s: Node) -> Option<Fix> {
    let mut template = String::new();
    let mut values: Vec<&str> = Vec::new();
    let mut c = s.walk();
    for part in s.named_children(&mut c) {
        match part.kind_str() {
            "string_start" => template.push_str(&ctx.text(part).replace(['f', 'F'], "")),
            "string_end" => template.push_str(ctx.text(part)),
            "string_content" => template.push_str(
                &ctx.text(part)
                    .replace('%', "%%")
                    .replace("{{", "{")
                    .replace("}}", "}"),
            ),
            "interpolation" => {
                let (placeholder, value) = interpolation(ctx, part)?;
                template.push_str(placeholder);
                values.push(value);
            }
            _ => return None,
        }
    }
    let mut content = template;
    for v in &values {
        content.push_str(", ");
        content.push_str(v);
    }
    Some(Fix {
        message: "Pass a `%s` template and the values as arguments".into(),
        edits: vec![Edit {
            range: s.byte_range(),
            content,
        }],
        applicability: Applicability::Unsafe,
    })
}

/// The `%` placeholder and the expression of `{expr}` / `{expr!r}`; `None`
/// for format specs, `=` and expressions that would need parentheses.
fn interpolation<'a>(ctx: &Ctx<'a>, part: Node) -> Option<(&'static str, &'a str)> {
    let expr = part.child_by_field_id(field::EXPRESSION)?;
    if part.child_by_field_id(field::FORMAT_SPECIFIER).is_some() {
        return None;
    }
    let mut c = part.walk();
    if part.children(&mut c).any(|t| t.kind_str() == "=") {
        return None;
    }
    if matches!(
        expr.kind_str(),
        "expression_list" | "tuple" | "lambda" | "yield" | "list_splat" | "named_expression"
    ) {
        return None;
    }
    let placeholder = match part
        .child_by_field_id(field::TYPE_CONVERSION)
        .map(|t| ctx.text(t))
    {
        None | Some("!s") => "%s",
        Some("!r") => "%r",
        Some("!a") => "%a",
        Some(_) => return None,
    };
    Some((placeholder, ctx.text(expr)))
}

/// `"... %s %s" % (a, b)` → `"... %s %s", a, b` (a tuple literal only: a
/// single value may itself be a tuple or a mapping at run time).
fn percent_fix(ctx: &Ctx, op: Node) -> Option<Fix> {
    let (left, right) = (
        op.child_by_field_id(field::LEFT)?,
        op.child_by_field_id(field::RIGHT)?,
    );
    let tuple = if right.kind_str() == "tuple" {
        right
    } else {
        return None;
    };
    let mut c = tuple.walk();
    let items: Vec<&str> = tuple
        .named_children(&mut c)
        .filter(|n| n.kind_str() != "comment")
        .map(|n| ctx.text(n))
        .collect();
    if items.is_empty() {
        return None;
    }
    Some(Fix {
        message: "Pass the values as arguments".into(),
        edits: vec![Edit {
            range: op.byte_range(),
            content: format!("{}, {}", ctx.text(left), items.join(", ")),
        }],
        applicability: Applicability::Unsafe,
    })
}
