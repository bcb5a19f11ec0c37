//! PG114 `except-star` and PG116 `add-note`: exception groups and notes.
//!
//! **What it matches**:
//! - PG114: each `except* T:` clause (3.11+);
//! - PG116: `e.add_note(...)` where `e` is the exception bound by an
//!   enclosing `except ... as e:` clause (so a domain method that happens to
//!   be called `add_note` is not reported).
//!
//! **Why**: educational. `except*` matches the leaf exceptions inside an
//! `ExceptionGroup` (raised by `asyncio.TaskGroup`, for example) by type:
//! several `except*` clauses can run for one group, each sees a group of
//! its matches, and whatever no clause handles is re-raised. `add_note()`
//! (PEP 678) attaches text that tracebacks print under the message.
//!
//! **References**: <https://docs.python.org/3/reference/compound_stmts.html#except-star>,
//! <https://peps.python.org/pep-0654/>, <https://peps.python.org/pep-0678/>

use crate::detect::syntax::{NodeExt, field};
use crate::text::code_span;
use tree_sitter::Node;

use crate::detect::context::Ctx;
use crate::detect::{Finding, Rule, Severity};

pub(crate) static EXCEPT_STAR: Rule = Rule {
    code: "PG114",
    construct: "except-star",
    severity: Severity::Hint,
    fixable: false,
    topic: "exception-groups",
    summary: "`except*`: handles the matching leaves of an ExceptionGroup; several clauses can run, the rest is re-raised",
};

pub(crate) static ADD_NOTE: Rule = Rule {
    code: "PG116",
    construct: "add-note",
    severity: Severity::Hint,
    fixable: false,
    topic: "exception-groups",
    summary: "`add_note()`: attaches context that the traceback prints under the exception (3.11+)",
};

/// `clause` is an `except_clause`.
pub(crate) fn check_except(ctx: &Ctx, clause: Node, out: &mut Vec<Finding>) {
    let mut c = clause.walk();
    let children: Vec<Node> = clause.children(&mut c).collect();
    if children.get(1).is_none_or(|star| star.kind_str() != "*") {
        return;
    }
    let value = clause.child_by_field_id(field::VALUE);
    let end = value.map_or(children[1].end_byte(), |v| v.end_byte());
    let matched = value
        .map(|v| {
            if v.kind_str() == "as_pattern" {
                v.named_child(0).unwrap_or(v)
            } else {
                v
            }
        })
        .map_or("the exceptions", |t| ctx.text(t));
    out.push(Finding {
        rule: &EXCEPT_STAR,
        range: clause.start_byte()..end,
        message: format!(
            "`except*` receives an ExceptionGroup of the {} leaves only; other `except*` clauses can also run, and unhandled leaves are re-raised",
            code_span(matched)
        ),
        fix: None,
    });
}

/// `call` is a `call`.
pub(crate) fn check_add_note<'t>(ctx: &Ctx<'t>, call: Node<'t>, out: &mut Vec<Finding>) {
    let Some((object, method, _)) = ctx.method_call(call) else {
        return;
    };
    if method != "add_note"
        || object.kind_str() != "identifier"
        || !is_caught_exception(ctx, call, ctx.text(object))
    {
        return;
    }
    out.push(Finding {
        rule: &ADD_NOTE,
        range: call.byte_range(),
        message: format!(
            "adds a note to `{}`: the traceback prints it under the exception message (3.11+, PEP 678)",
            ctx.text(object)
        ),
        fix: None,
    });
}

/// True when an `except ... as name:` clause around `node` binds `name`.
fn is_caught_exception<'t>(ctx: &Ctx<'t>, node: Node<'t>, name: &str) -> bool {
    for p in ctx.ancestors(node) {
        if matches!(
            p.kind_str(),
            "function_definition" | "lambda" | "class_definition"
        ) {
            return false;
        }
        if p.kind_str() == "except_clause"
            && p.child_by_field_id(field::VALUE)
                .filter(|v| v.kind_str() == "as_pattern")
                .and_then(|v| v.child_by_field_id(field::ALIAS))
                .is_some_and(|a| ctx.text(a).trim() == name)
        {
            return true;
        }
    }
    false
}
