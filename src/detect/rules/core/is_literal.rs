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

/// The unit guard (`detect/skim.rs`): the function's tokens hold an `is`
/// that [`IsScan`] finds suspicious.
pub(crate) fn unit_guard(unit: &crate::detect::skim::Unit) -> bool {
    unit.lexed.is_literal
}

/// Reads a file's tokens (outside strings and comments, as
/// `model_files::Lexer` gives them) for an `is` whose right operand
/// (after an optional `not`) starts with anything but a name, or whose
/// left operand ends with a string, a number, a `}`, or a bracket that
/// closes no call or subscript (its opening bracket follows a name that
/// is no keyword, or another closing bracket): where PG401 may fire.
#[derive(Default)]
pub(crate) struct IsScan {
    /// The previous token: its start, end and whether it is a name.
    prev: Option<(usize, usize, bool)>,
    /// For each open bracket: whether it opens a call or a subscript.
    open: Vec<bool>,
    last_close_call: bool,
    /// After `is` (or `is not`): the right operand comes next.
    right_next: bool,
}

impl IsScan {
    /// Reads the next token (`start..end` of `b`); true when it shows a
    /// suspicious `is`.
    pub(crate) fn token(&mut self, b: &[u8], start: usize, end: usize, ident: bool) -> bool {
        let text = &b[start..end];
        let mut found = false;
        if self.right_next {
            if ident && text == b"not" {
                self.prev = Some((start, end, ident));
                return false;
            }
            found = !ident;
            self.right_next = false;
        }
        if ident && text == b"is" {
            found |= match self.prev {
                Some((s, e, false)) => match b[s] {
                    b')' | b']' if e - s == 1 => !self.last_close_call,
                    b'}' if e - s == 1 => true,
                    c => c.is_ascii_digit() || !is_punctuation(c),
                },
                _ => false,
            };
            self.right_next = true;
        } else if !ident && end - start == 1 {
            match text[0] {
                b'(' | b'[' | b'{' => self.open.push(self.prev.is_some_and(|(s, e, ident)| {
                    if ident {
                        !KEYWORDS.contains(&&b[s..e])
                    } else {
                        e - s == 1 && matches!(b[s], b')' | b']')
                    }
                })),
                b')' | b']' | b'}' => self.last_close_call = self.open.pop().unwrap_or(false),
                _ => {}
            }
        }
        self.prev = Some((start, end, ident));
        found
    }
}

/// A one-byte token that is no string or number.
fn is_punctuation(c: u8) -> bool {
    !(c == b'"' || c == b'\'' || c.is_ascii_alphanumeric() || c == b'_' || c >= 0x80)
}

/// Keywords after which a bracket opens a literal (or a parenthesized
/// expression), not a call or a subscript.
const KEYWORDS: &[&[u8]] = &[
    b"and",
    b"or",
    b"not",
    b"in",
    b"is",
    b"if",
    b"elif",
    b"else",
    b"while",
    b"return",
    b"yield",
    b"await",
    b"assert",
    b"for",
    b"lambda",
    b"case",
    b"match",
    b"with",
    b"del",
    b"from",
    b"print",
    b"exec",
    b"import",
    b"raise",
    b"except",
    b"as",
    b"async",
    b"global",
    b"nonlocal",
];
