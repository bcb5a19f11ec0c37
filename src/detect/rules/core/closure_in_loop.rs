//! PG108 `closure-in-loop`: a lambda or nested function created in a loop,
//! stored for later, that reads the loop variable.
//!
//! **What it matches**: a `lambda` or `def` that uses a loop variable it
//! does not bind itself, where the function outlives the iteration:
//! - `[lambda: i for i in range(3)]` (the comprehension's own variable),
//!   also in set and dict comprehensions;
//! - inside a `for` body: passed to `.append`, `.appendleft`, `.add`,
//!   `.insert`, `.setdefault`, `.put`, `.put_nowait`, `.connect`,
//!   `.add_done_callback`, `.call_soon`, `.call_soon_threadsafe` or
//!   `.call_later`, or assigned to a subscript or attribute
//!   (`handlers[name] = lambda: ...`), directly or inside a tuple, list or
//!   dict literal; for a `def`, its name used that way in the same loop body.
//!
//! **Why**: a closure captures the variable, not its value, and reads it
//! when called. By then the loop has finished, so every stored function
//! sees the last value (the FAQ's "lambdas defined in a loop all return the
//! same result").
//!
//! **Example**: `for n in names: buttons.append(lambda: greet(n))` →
//! **Fix**: `lambda n=n: greet(n)` (a default is evaluated when the function
//! is created), for a `def` too.
//!
//! **Not reported**: loop variables bound as parameters (`lambda i=i: i`),
//! a closure stored just before the loop ends (`break` or `return` after it
//! in the same block),
//! functions called on the spot (`(lambda: i)()`, `sorted(xs, key=lambda
//! x: x[i])`), or passed to any other call (which may call them right away),
//! closures in a generator expression, and a loop's `else` block.
//!
//! **References**: <https://docs.python.org/3/faq/programming.html#why-do-lambdas-defined-in-a-loop-with-different-values-all-return-the-same-result>

use crate::detect::syntax::{NodeExt, field};
use tree_sitter::Node;

use crate::detect::context::{Ctx, visit_own};
use crate::detect::readers::scope::{
    assigned_names, comprehension_targets, function_parameters, is_comprehension, is_scope,
    target_names, uses_of,
};
use crate::detect::{Applicability, Edit, Finding, Fix, Rule, Severity};

pub(crate) static RULE: Rule = Rule {
    code: "PG108",
    construct: "closure-in-loop",
    severity: Severity::Warning,
    fixable: true,
    topic: "closures-late-binding",
    summary: "closure stored in a loop reads the loop variable late: every stored function sees its last value",
};

/// Methods that keep their argument for later.
const STORING_METHODS: &[&str] = &[
    "append",
    "appendleft",
    "add",
    "insert",
    "setdefault",
    "put",
    "put_nowait",
    "connect",
    "add_done_callback",
    "call_soon",
    "call_soon_threadsafe",
    "call_later",
];

/// `func` is a `lambda` or `function_definition`.
pub(crate) fn check<'t>(ctx: &Ctx<'t>, func: Node<'t>, out: &mut Vec<Finding>) {
    let Some(body) = func.child_by_field_id(field::BODY) else {
        return;
    };
    let loops = enclosing_loops(ctx, func);
    if loops.is_empty() {
        return;
    }
    let mut own = function_parameters(ctx, func);
    if func.kind_str() == "function_definition" {
        own.extend(assigned_names(ctx, body));
    }
    let mut late: Vec<&str> = Vec::new();
    for l in &loops {
        if !escapes(ctx, func, *l) {
            continue;
        }
        for name in loop_variables(ctx, *l) {
            if !own.contains(&name) && !late.contains(&name) {
                let mut uses = Vec::new();
                uses_of(ctx, body, &[name], &mut uses);
                if !uses.is_empty() {
                    late.push(name);
                }
            }
        }
    }
    if late.is_empty() {
        return;
    }
    let (range, what) = if func.kind_str() == "lambda" {
        (func.byte_range(), "this lambda".to_string())
    } else {
        let Some(name) = func.child_by_field_id(field::NAME) else {
            return;
        };
        (name.byte_range(), format!("`{}`", ctx.text(name)))
    };
    let vars = late
        .iter()
        .map(|n| format!("`{n}`"))
        .collect::<Vec<_>>()
        .join(", ");
    let defaults = late
        .iter()
        .map(|n| format!("{n}={n}"))
        .collect::<Vec<_>>()
        .join(", ");
    out.push(Finding {
        rule: &RULE,
        range,
        message: format!(
            "{what} reads the loop variable {vars} when it is called, not when it is created: every function stored by this loop sees the last value; bind it now with `{defaults}`"
        ),
        fix: bind_fix(ctx, func, &defaults),
    });
}

/// The `for` statements (whose body holds `func`) and comprehensions
/// around `func`, up to its enclosing scope.
fn enclosing_loops<'t>(ctx: &Ctx<'t>, func: Node<'t>) -> Vec<Node<'t>> {
    let mut out = Vec::new();
    let mut child = func;
    for p in ctx.ancestors(func) {
        if is_scope(p.kind_str()) {
            break;
        }
        let in_body = p.child_by_field_id(field::BODY) == Some(child);
        if (p.kind_str() == "for_statement" && in_body) || is_comprehension(p.kind_str()) {
            out.push(p);
        }
        child = p;
    }
    out
}

fn loop_variables<'a>(ctx: &Ctx<'a>, l: Node) -> Vec<&'a str> {
    if l.kind_str() == "for_statement" {
        l.child_by_field_id(field::LEFT)
            .map(|t| target_names(ctx, t))
            .unwrap_or_default()
    } else {
        comprehension_targets(ctx, l)
    }
}

/// True when `func` outlives an iteration of loop `l`.
fn escapes(ctx: &Ctx, func: Node, l: Node) -> bool {
    if func.kind_str() == "lambda" {
        if l.kind_str() == "for_statement" {
            stored(ctx, func) && !leaves_loop_after(func, l)
        } else {
            // A generator expression may hand out each closure before the
            // next iteration: only lists, sets and dicts collect them.
            l.kind_str() != "generator_expression" && collected_by(func, l)
        }
    } else {
        // A `def` can't sit in a comprehension; its name must be stored.
        let (Some(name), Some(body)) = (
            func.child_by_field_id(field::NAME),
            l.child_by_field_id(field::BODY),
        ) else {
            return false;
        };
        let name = ctx.text(name);
        let mut found = false;
        visit_own(body, &mut |n| {
            found |= n.kind_str() == "identifier"
                && ctx.text(n) == name
                && stored(ctx, n)
                && !leaves_loop_after(n, l);
        });
        found
    }
}

/// True when the statement holding `node` is followed, in its block, by a
/// `break` or `return` that ends loop `l`: the only closure stored then
/// sees the value the variable keeps.
fn leaves_loop_after(node: Node, l: Node) -> bool {
    let mut stmt = node;
    while let Some(p) = stmt.parent() {
        if p.kind_str() == "block" {
            break;
        }
        stmt = p;
    }
    let Some(block) = stmt.parent().filter(|b| b.kind_str() == "block") else {
        return false;
    };
    // A `break` inside a nested loop ends that loop, not `l`.
    let mut n = block.parent();
    while let Some(p) = n {
        if p == l {
            break;
        }
        if matches!(p.kind_str(), "for_statement" | "while_statement") {
            return false;
        }
        n = p.parent();
    }
    let mut next = stmt.next_named_sibling();
    while let Some(s) = next {
        if matches!(s.kind_str(), "break_statement" | "return_statement") {
            return true;
        }
        next = s.next_named_sibling();
    }
    false
}

/// True when `value` (skipping parentheses and container literals) is the
/// element of comprehension `comp`.
fn collected_by(value: Node, comp: Node) -> bool {
    let mut child = value;
    let mut n = value.parent();
    while let Some(p) = n {
        match p.kind_str() {
            "parenthesized_expression" | "tuple" | "list" | "dictionary" => {}
            "pair" if p.child_by_field_id(field::VALUE) == Some(child) => {}
            _ => {
                // A dict comprehension's body is its `key: value` pair.
                return p == comp && comp.child_by_field_id(field::BODY) == Some(child);
            }
        }
        child = p;
        n = p.parent();
    }
    false
}

/// True when `value` (skipping parentheses and container literals) is
/// passed to a storing method or assigned to a subscript or attribute.
fn stored(ctx: &Ctx, value: Node) -> bool {
    let mut child = value;
    let mut n = value.parent();
    while let Some(p) = n {
        match p.kind_str() {
            "parenthesized_expression" | "tuple" | "list" | "dictionary" | "expression_list" => {}
            "pair" if p.child_by_field_id(field::VALUE) == Some(child) => {}
            "argument_list" => {
                return p
                    .parent()
                    .filter(|c| c.kind_str() == "call")
                    .and_then(|c| c.child_by_field_id(field::FUNCTION))
                    .filter(|f| f.kind_str() == "attribute")
                    .and_then(|f| f.child_by_field_id(field::ATTRIBUTE))
                    .is_some_and(|a| STORING_METHODS.contains(&ctx.text(a)));
            }
            "assignment" => {
                return p.child_by_field_id(field::RIGHT) == Some(child)
                    && p.child_by_field_id(field::LEFT)
                        .is_some_and(|l| matches!(l.kind_str(), "subscript" | "attribute"));
            }
            _ => return false,
        }
        child = p;
        n = p.parent();
    }
    false
}

/// Adds `name=name` parameters so the values are bound at creation.
fn bind_fix(ctx: &Ctx, func: Node, defaults: &str) -> Option<Fix> {
    let edit = match func.child_by_field_id(field::PARAMETERS) {
        None if func.kind_str() == "lambda" => {
            let kw = func.child(0)?;
            Edit {
                range: kw.end_byte()..kw.end_byte(),
                content: format!(" {defaults}"),
            }
        }
        None => return None,
        Some(params) => {
            let mut c = params.walk();
            let named: Vec<Node> = params
                .named_children(&mut c)
                .filter(|p| p.kind_str() != "comment")
                .collect();
            match (
                named.last(),
                named
                    .iter()
                    .find(|p| p.kind_str() == "dictionary_splat_pattern"),
            ) {
                (_, Some(kwargs)) => Edit {
                    range: kwargs.start_byte()..kwargs.start_byte(),
                    content: format!("{defaults}, "),
                },
                (Some(last), None) => Edit {
                    range: last.end_byte()..last.end_byte(),
                    content: format!(", {defaults}"),
                },
                (None, None) => {
                    // `def f():` — insert inside the parentheses.
                    let at = params.start_byte() + 1;
                    if ctx.src.as_bytes().get(params.start_byte()) != Some(&b'(') {
                        return None;
                    }
                    Edit {
                        range: at..at,
                        content: defaults.to_string(),
                    }
                }
            }
        }
    };
    Some(Fix {
        message: format!("Bind the current value with `{defaults}`"),
        edits: vec![edit],
        applicability: Applicability::Unsafe,
    })
}

/// The unit guard (`detect/skim.rs`): a closure (a `lambda` or a `def`)
/// in the block of a loop, or a `lambda` on a line with a comprehension's
/// `for` (`Lexed::closure_in_loop`).
pub(crate) fn unit_guard(unit: &crate::detect::skim::Unit) -> bool {
    unit.lexed.closure_in_loop
}
