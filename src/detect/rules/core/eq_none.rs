//! PG402 `eq-none`: `== None` / `!= None`.
//!
//! **What it matches**: `x == None`, `None != x` in plain code.
//!
//! **Why**: `None` is a singleton, so identity is the exact test and the one
//! PEP 8 asks for. `==` calls `__eq__`, which a class may override to answer
//! anything (NumPy arrays answer element-wise).
//!
//! **Example**: `if user == None:` → **Fix**: `if user is None:`.
//!
//! **Not reported**: comparisons inside call arguments or subscripts, or
//! operands of `&`, `|`, `~`, where `==` is overloaded to build an
//! expression: SQLAlchemy's `select(T).where(T.c.deleted_at == None)`,
//! `and_(...)`, `or_(...)`, `case(...)` mean `IS NULL`, and rewriting them
//! to `is None` would break the query. In a file that imports SQLAlchemy,
//! SQLModel, Flask-SQLAlchemy or peewee, only comparisons used as a
//! condition (`if`, `while`, `assert`, a filter) are reported: elsewhere
//! the expression may be stored for later (`cond = T.c.x == None`).
//!
//! **Fix** (unsafe, as ruff's E711: a class may override `__eq__`, and
//! then `==` and `is` differ): `==` → `is`, `!=` → `is not`.
//!
//! **References**: <https://peps.python.org/pep-0008/#programming-recommendations>

use crate::detect::syntax::NodeExt;
use tree_sitter::Node;

use crate::detect::context::Ctx;
use crate::detect::readers::comparisons::{builds_an_expression, is_a_condition, links, op_text};
use crate::detect::{Applicability, Edit, Finding, Fix, Rule, Severity};

pub(crate) static RULE: Rule = Rule {
    code: "PG402",
    construct: "eq-none",
    severity: Severity::Warning,
    fixable: true,
    topic: "is-vs-equality",
    summary: "`== None` / `!= None`: compare with the singleton by identity",
};

/// Packages whose column objects overload `==` to build SQL.
const EXPRESSION_LIBRARIES: &[&str] = &["sqlalchemy", "sqlmodel", "flask_sqlalchemy", "peewee"];

pub(crate) fn check<'t>(ctx: &Ctx<'t>, cmp: Node<'t>, out: &mut Vec<Finding>) {
    if builds_an_expression(ctx, cmp) {
        return;
    }
    // In a file that uses an expression library, `col == None` may be
    // stored for later (`cond = T.c.x == None`, `return User.name == None`)
    // and mean `IS NULL`: only conditions are surely plain Python.
    if EXPRESSION_LIBRARIES
        .iter()
        .any(|lib| ctx.imports.imports_from(lib))
        && !is_a_condition(ctx, cmp)
    {
        return;
    }
    for link in links(cmp) {
        let op = op_text(link.op, ctx.src);
        let replacement = match op.as_str() {
            "==" => "is",
            "!=" => "is not",
            _ => continue,
        };
        if link.left.kind_str() != "none" && link.right.kind_str() != "none" {
            continue;
        }
        out.push(Finding {
            rule: &RULE,
            range: link.left.start_byte()..link.right.end_byte(),
            message: format!("compare with `None` using `{replacement}`, not `{op}`"),
            fix: Some(Fix {
                message: fix_title(&op, replacement, link.right.kind_str() == "none"),
                edits: vec![Edit {
                    range: link.op.byte_range(),
                    content: replacement.to_string(),
                }],
                applicability: Applicability::Unsafe,
            }),
        });
    }
}

/// What the fix does, naming the comparison: ``Replace `== None` with `is None` ``
/// (``Replace `None !=` with `None is not` `` when `None` is on the left).
fn fix_title(op: &str, replacement: &str, none_on_right: bool) -> String {
    if none_on_right {
        format!("Replace `{op} None` with `{replacement} None`")
    } else {
        format!("Replace `None {op}` with `None {replacement}`")
    }
}

/// The unit guard (`detect/skim.rs`): `==` or `!=` with `None` on one
/// side (over spaces, continued lines and parentheses; a comment there
/// counts as a match).
pub(crate) fn unit_guard(unit: &crate::detect::skim::Unit) -> bool {
    use crate::detect::model_files::is_ident_byte;
    let b = unit.text.as_bytes();
    let gap = |c: u8| c.is_ascii_whitespace() || matches!(c, b'\\' | b'(' | b')');
    ["==", "!="].iter().any(|op| {
        unit.text.match_indices(op).any(|(i, _)| {
            let mut r = i + 2;
            while b.get(r).is_some_and(|&c| gap(c)) {
                r += 1;
            }
            if b.get(r) == Some(&b'#')
                || (b[r..].starts_with(b"None") && !b.get(r + 4).is_some_and(|&c| is_ident_byte(c)))
            {
                return true;
            }
            let mut l = i;
            while l > 0 && gap(b[l - 1]) {
                l -= 1;
            }
            l >= 4 && &b[l - 4..l] == b"None" && !(l > 4 && is_ident_byte(b[l - 5]))
        })
    })
}
