//! PG518 `str-enum-mixin` (structural half): `class Status(str, Enum):`.
//!
//! **What it matches**: a class whose bases are the builtin `str` and
//! `enum.Enum` (any import spelling). `enum.StrEnum` itself is reported by
//! the API table (`api_usage.rs`).
//!
//! **Why**: the `(str, Enum)` mixin makes members strings, but since Python
//! 3.11 `format()` and f-strings of such a member give `Status.DRAFT`, not
//! `"draft"` (only `ReprEnum` subclasses such as `StrEnum` and `IntEnum`
//! format as their value). `StrEnum` (3.11+) is the class made for this.
//!
//! **References**: <https://docs.python.org/3/library/enum.html#enum.StrEnum>,
//! <https://docs.python.org/3/whatsnew/3.11.html#enum>

use crate::detect::syntax::field;
use tree_sitter::Node;

use crate::detect::Finding;
use crate::detect::context::Ctx;
use crate::detect::rules::core::api_usage::STR_ENUM;

/// `class` is a `class_definition`.
pub(crate) fn check(ctx: &Ctx, class: Node, out: &mut Vec<Finding>) {
    let Some(bases) = class.child_by_field_id(field::SUPERCLASSES) else {
        return;
    };
    let mut c = bases.walk();
    let resolved: Vec<String> = bases
        .named_children(&mut c)
        .filter_map(|b| ctx.resolve(b))
        .collect();
    let has = |q: &str| resolved.iter().any(|r| r == q);
    if !(has("builtins.str") && has("enum.Enum")) {
        return;
    }
    let name = class
        .child_by_field_id(field::NAME)
        .map_or("", |n| ctx.text(n));
    out.push(Finding {
        rule: &STR_ENUM,
        range: bases.byte_range(),
        message: format!(
            "members of `{name}` are strings, but since 3.11 an f-string or `format()` of one gives `{name}.MEMBER`, not its value; `enum.StrEnum` formats as the value"
        ),
        fix: None,
    });
}
