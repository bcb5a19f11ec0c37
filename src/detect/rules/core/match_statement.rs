//! PG524 `match-statement` and PG525 `match-capture-constant`.
//!
//! **What it matches**:
//! - PG524 (hint): `match subject:` (3.10+), on the `match` line's keyword
//!   and subject;
//! - PG525 (warning): a bare name in a case pattern that names a constant:
//!   an UPPER_CASE name, an import or a class bound at module level, or a
//!   builtin type (`case RED:`, `case [HTTPStatus, body]:`, `case int:`).
//!
//! **Why**: a bare name in a pattern is a *capture*: it always matches and
//! binds the subject to that name. `case RED:` does not compare with
//! `RED`; it matches anything and overwrites `RED` (CPython rejects it with
//! a SyntaxError only when cases follow it). Value patterns need a dotted
//! name (`Color.RED`) or a literal; a type test is a class pattern
//! (`case int():`).
//!
//! **Not reported** (PG525): `_`, dotted names, class patterns, keyword
//! names of class patterns, and capture names that are not bound as a
//! constant at module level (`case other:`).
//!
//! **References**: <https://docs.python.org/3/reference/compound_stmts.html#capture-patterns>,
//! <https://peps.python.org/pep-0636/#matching-specific-values>

use crate::detect::syntax::{NodeExt, field};
use tree_sitter::Node;

use crate::detect::context::Ctx;
use crate::detect::readers::scope::{assigned_names, imported_names};
use crate::detect::{Finding, Rule, Severity};

pub(crate) static MATCH: Rule = Rule {
    code: "PG524",
    construct: "match-statement",
    severity: Severity::Hint,
    fixable: false,
    topic: "structural-pattern-matching",
    summary: "`match`: cases are tried in order and the first matching pattern runs (3.10+)",
};

pub(crate) static CAPTURE: Rule = Rule {
    code: "PG525",
    construct: "match-capture-constant",
    severity: Severity::Warning,
    fixable: false,
    topic: "structural-pattern-matching",
    summary: "bare constant name in a case pattern is a capture: it matches anything and rebinds the name",
};

const BUILTIN_TYPES: &[&str] = &[
    "int",
    "str",
    "float",
    "bytes",
    "bool",
    "list",
    "dict",
    "tuple",
    "set",
    "frozenset",
    "complex",
    "bytearray",
];

/// `stmt` is a `match_statement`.
pub(crate) fn check(ctx: &Ctx, stmt: Node, out: &mut Vec<Finding>) {
    let mut c = stmt.walk();
    let Some(subject_end) = stmt
        .children_by_field_name("subject", &mut c)
        .last()
        .map(|s| s.end_byte())
    else {
        return;
    };
    let cases: Vec<Node> = stmt
        .child_by_field_id(field::BODY)
        .map(|b| {
            let mut c = b.walk();
            b.named_children(&mut c)
                .filter(|n| n.kind_str() == "case_clause")
                .collect()
        })
        .unwrap_or_default();
    out.push(Finding {
        rule: &MATCH,
        range: stmt.start_byte()..subject_end,
        message: format!(
            "tries {} case{} in order and runs the first whose pattern matches; a bare name in a pattern captures, dotted names and literals compare",
            cases.len(),
            if cases.len() == 1 { "" } else { "s" }
        ),
        fix: None,
    });
    let root = ctx.root();
    let mut constants: Option<std::rc::Rc<Vec<&str>>> = None;
    for (i, case) in cases.iter().enumerate() {
        let mut c = case.walk();
        let patterns: Vec<Node> = case
            .named_children(&mut c)
            .filter(|n| n.kind_str() == "case_pattern")
            .collect();
        let mut captures = Vec::new();
        for pattern in &patterns {
            bare_names(*pattern, &mut captures);
        }
        // `case NAME:` with no guard matches everything.
        let whole = match patterns.as_slice() {
            [only] if case.child_by_field_id(field::GUARD).is_none() => only.named_child(0),
            _ => None,
        };
        for name_node in captures {
            let name = ctx.text(name_node);
            let constants = constants.get_or_insert_with(|| {
                ctx.module_fact("match-constants", || module_constants(ctx, root))
            });
            let builtin = BUILTIN_TYPES.contains(&name);
            if !builtin && !constants.contains(&name) {
                continue;
            }
            let irrefutable = whole.is_some() && whole == name_node.parent() && i + 1 < cases.len();
            let advice = if builtin {
                format!("to test the type, write `case {name}():`")
            } else {
                "to compare with a constant, use a dotted name (`Color.RED`) or a literal".into()
            };
            let unreachable = if irrefutable {
                " (CPython rejects this: the cases after it are unreachable)"
            } else {
                ""
            };
            out.push(Finding {
                rule: &CAPTURE,
                range: name_node.byte_range(),
                message: format!(
                    "`{name}` here is a capture pattern, not a comparison: it matches any value and rebinds `{name}`{unreachable}; {advice}"
                ),
                fix: None,
            });
        }
    }
}

/// Bare-name (capture) patterns under `node`: a one-identifier
/// `dotted_name` that is not a class pattern's class.
fn bare_names<'t>(node: Node<'t>, out: &mut Vec<Node<'t>>) {
    if node.kind_str() == "dotted_name" {
        if node.named_child_count() == 1
            && node
                .parent()
                .is_some_and(|p| p.kind_str() != "class_pattern")
            && let Some(ident) = node.named_child(0).filter(|i| i.kind_str() == "identifier")
        {
            out.push(ident);
        }
        return;
    }
    let mut c = node.walk();
    for child in node.named_children(&mut c) {
        bare_names(child, out);
    }
}

/// Module-level names that read as constants: UPPER_CASE assignments and
/// imported or defined classes and names.
/// The module's upper-case names, imported names and classes: what a bare
/// name in a `case` pattern may mean as a constant (a file-wide fact).
pub(crate) fn module_constants<'a>(ctx: &Ctx<'a>, root: Node) -> Vec<&'a str> {
    let mut out: Vec<&str> = assigned_names(ctx, root)
        .into_iter()
        .filter(|n| is_upper_case(n))
        .collect();
    out.extend(imported_names(ctx, root));
    let mut c = root.walk();
    for stmt in root.named_children(&mut c) {
        let def = match stmt.kind_str() {
            "decorated_definition" => stmt.child_by_field_id(field::DEFINITION),
            _ => Some(stmt),
        };
        if let Some(name) = def
            .filter(|d| d.kind_str() == "class_definition")
            .and_then(|d| d.child_by_field_id(field::NAME))
        {
            out.push(ctx.text(name));
        }
    }
    out
}

fn is_upper_case(name: &str) -> bool {
    name.chars().any(|c| c.is_ascii_uppercase()) && !name.chars().any(|c| c.is_ascii_lowercase())
}

/// The unit guard (`detect/skim.rs`): a `match` statement, with a `case`.
pub(crate) fn unit_guard(unit: &crate::detect::skim::Unit) -> bool {
    unit.word("match") && unit.word("case")
}
