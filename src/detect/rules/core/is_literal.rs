//! PG401 `is-literal`: `is` / `is not` compared against a literal.
//!
//! **What it matches**: `x is 1`, `name is "admin"`, `data is b""`, `t is (1, 2)`,
//! `xs is []`, `d is {}`, `s is {1}` (either side, `is not` too).
//!
//! **Why**: `is` tests identity. Whether two equal numbers or strings are the
//! same object depends on CPython's small-int cache and string interning:
//! implementation details that change between versions and builds. A new
//! list, dict or set literal is never identical to anything. CPython 3.8+
//! emits `SyntaxWarning: "is" with a literal` for constants.
//!
//! **Example**: `if status is 200:` → **Fix**: `if status == 200:`.
//! `is None`, `is True`, `is ...` and `is` between names are never reported.
//!
//! **References**: <https://docs.python.org/3/reference/expressions.html#is-not>

use crate::detect::syntax::{NodeExt, field};
use tree_sitter::Node;

use crate::detect::context::Ctx;
use crate::detect::readers::comparisons::{links, op_text};
use crate::detect::{Applicability, Edit, Finding, Fix, Rule, Severity};

pub(crate) static RULE: Rule = Rule {
    code: "PG401",
    construct: "is-literal",
    severity: Severity::Warning,
    fixable: true,
    topic: "is-vs-equality",
    summary: "`is` compared with a literal: identity of equal values is an implementation detail",
};

fn is_literal(node: Node) -> bool {
    match node.kind_str() {
        "integer"
        | "float"
        | "string"
        | "concatenated_string"
        | "tuple"
        | "list"
        | "dictionary"
        | "set"
        | "list_comprehension"
        | "dictionary_comprehension"
        | "set_comprehension" => true,
        "unary_operator" => node
            .child_by_field_id(field::ARGUMENT)
            .is_some_and(|a| matches!(a.kind_str(), "integer" | "float")),
        "parenthesized_expression" => node.named_child(0).is_some_and(is_literal),
        _ => false,
    }
}

pub(crate) fn check(ctx: &Ctx, cmp: Node, out: &mut Vec<Finding>) {
    for link in links(cmp) {
        let op = op_text(link.op, ctx.src);
        let replacement = match op.as_str() {
            "is" => "==",
            "is not" => "!=",
            _ => continue,
        };
        let literal = if is_literal(link.right) {
            link.right
        } else if is_literal(link.left) {
            link.left
        } else {
            continue;
        };
        out.push(Finding {
            rule: &RULE,
            range: link.left.start_byte()..link.right.end_byte(),
            message: format!(
                "`{op}` compares identity; use `{replacement}` to compare with the value {}",
                ctx.code(literal)
            ),
            fix: Some(Fix {
                message: format!("Replace `{op}` with `{replacement}`"),
                edits: vec![Edit {
                    range: link.op.byte_range(),
                    content: replacement.to_string(),
                }],
                applicability: Applicability::Safe,
            }),
        });
    }
}

/// The unit guard (`detect/skim.rs`): an `is` whose right operand starts
/// with something other than a name (a number, a string, a bracket, a
/// sign), or with a string prefix and a quote, or whose left operand ends
/// with a quote, a closing bracket or a number.
pub(crate) fn unit_guard(unit: &crate::detect::skim::Unit) -> bool {
    use crate::detect::model_files::is_ident_byte;
    let b = unit.text.as_bytes();
    let space = |c: u8| c.is_ascii_whitespace() || c == b'\\';
    unit.text.match_indices("is").any(|(i, _)| {
        let before = i.checked_sub(1).map(|j| b[j]);
        if before.is_some_and(is_ident_byte) || b.get(i + 2).is_some_and(|&c| is_ident_byte(c)) {
            return false;
        }
        // The right operand, after an optional `not`.
        let mut at = i + 2;
        while b.get(at).is_some_and(|&c| space(c)) {
            at += 1;
        }
        if b[at..].starts_with(b"not") && !b.get(at + 3).is_some_and(|&c| is_ident_byte(c)) {
            at += 3;
            while b.get(at).is_some_and(|&c| space(c)) {
                at += 1;
            }
        }
        let word_end = (at..b.len())
            .find(|&j| !is_ident_byte(b[j]))
            .unwrap_or(b.len());
        let right = match b.get(at) {
            None => false,
            Some(&c) if is_ident_byte(c) && !c.is_ascii_digit() => {
                word_end - at <= 2 && matches!(b.get(word_end), Some(b'"' | b'\''))
            }
            Some(_) => true,
        };
        if right {
            return true;
        }
        // The left operand's end.
        let mut end = i;
        while end > 0 && space(b[end - 1]) {
            end -= 1;
        }
        let Some(&last) = end.checked_sub(1).and_then(|j| b.get(j)) else {
            return false;
        };
        if is_ident_byte(last) {
            let mut start = end;
            while start > 0 && is_ident_byte(b[start - 1]) {
                start -= 1;
            }
            return b[start].is_ascii_digit();
        }
        matches!(last, b'"' | b'\'' | b')' | b']' | b'}')
    })
}
