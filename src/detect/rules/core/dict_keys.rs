//! PG102 `dict-keys-membership`: `key in d.keys()`.
//!
//! **What it matches**: `k in d.keys()` and `k not in d.keys()`.
//!
//! **Why**: membership on a dict already tests its keys, through the hash
//! table; `.keys()` only adds a view object and a method call. (It is still
//! O(1) in Python 3; this is about saying it plainly.)
//!
//! **Example**: `if name in settings.keys():` → **Fix**: `if name in settings:`.
//!
//! **References**: <https://docs.python.org/3/library/stdtypes.html#mapping-types-dict>

use crate::detect::syntax::{NodeExt, field};
use crate::text::code_span;
use tree_sitter::Node;

use crate::detect::context::Ctx;
use crate::detect::readers::comparisons::{links, op_text};
use crate::detect::{Applicability, Edit, Finding, Fix, Rule, Severity};

pub(crate) static RULE: Rule = Rule {
    code: "PG102",
    construct: "dict-keys-membership",
    severity: Severity::Hint,
    fixable: true,
    topic: "dict-internals",
    summary: "`in d.keys()`: a dict's membership test already checks its keys",
};

pub(crate) fn check(ctx: &Ctx, cmp: Node, out: &mut Vec<Finding>) {
    for link in links(cmp) {
        let op = op_text(link.op, ctx.src);
        if op != "in" && op != "not in" {
            continue;
        }
        let call = link.right;
        if call.kind_str() != "call" {
            continue;
        }
        let (Some(func), Some(args)) = (
            call.child_by_field_id(field::FUNCTION),
            call.child_by_field_id(field::ARGUMENTS),
        ) else {
            continue;
        };
        if func.kind_str() != "attribute"
            || args.named_child_count() != 0
            || args.kind_str() != "argument_list"
        {
            continue;
        }
        let (Some(obj), Some(attr)) = (
            func.child_by_field_id(field::OBJECT),
            func.child_by_field_id(field::ATTRIBUTE),
        ) else {
            continue;
        };
        if ctx.text(attr) != "keys" {
            continue;
        }
        out.push(Finding {
            rule: &RULE,
            range: link.left.start_byte()..call.end_byte(),
            message: format!(
                "{} is {}: a dict's membership test uses its keys",
                code_span(&format!("{op} {}.keys()", ctx.text(obj))),
                code_span(&format!("{op} {}", ctx.text(obj)))
            ),
            fix: Some(Fix {
                message: "Remove `.keys()`".into(),
                edits: vec![Edit {
                    range: call.byte_range(),
                    content: ctx.text(obj).to_string(),
                }],
                applicability: Applicability::Unsafe,
            }),
        });
    }
}
