//! The `_id` form of PG601: in a loop over rows whose model pyguide knows,
//! `row.owner.pk` / `row.owner.id` and `row.owner == obj` /
//! `row.owner != obj` load the related row (one query per row) only for
//! its key, which `row` already holds in `owner_id`.
//!
//! Only forward `ForeignKey`/`OneToOneField` relations without `to_field`
//! have that column (the caller checks). Fixes: `row.owner.pk` becomes
//! `row.owner_id` (only a row without `owner` behaves differently: `None`
//! instead of `AttributeError`); `row.owner == obj` becomes
//! `row.owner_id == obj.pk`, which also changes the result when `obj` is
//! `None`, unsaved or of another model, so that fix is one to review, not
//! to apply blindly.
//!
//! References:
//! <https://docs.djangoproject.com/en/stable/topics/db/optimization/#use-foreign-key-values-directly>

use crate::detect::syntax::{NodeExt, field};
use tree_sitter::Node;

use crate::text::code_span;

use crate::detect::context::Ctx;
use crate::detect::{Applicability, Edit, Finding, Fix, Rule};

/// `row.owner.pk` / `row.owner.id` (`key` is the outer attribute node;
/// `model` names the rows' model for the message, in backticks).
pub(crate) fn key_read(
    ctx: &Ctx,
    rule: &'static Rule,
    key: Node,
    attr: Node,
    rel: &str,
    null: bool,
    model: &str,
) -> Finding {
    let object = attr
        .child_by_field_id(field::OBJECT)
        .map_or("", |o| ctx.text(o));
    let replacement = format!("{object}.{rel}_id");
    Finding {
        rule,
        range: key.byte_range(),
        message: format!(
            "{} runs one query per {model} in this loop (N+1) just for the key; {} needs no query",
            ctx.code(key),
            code_span(&replacement)
        ),
        // Only a row without `owner` behaves differently (`None` instead of
        // `AttributeError`): safe unless the field is `null=True`.
        fix: Some(Fix {
            message: format!("Read `{replacement}`"),
            edits: vec![Edit {
                range: key.byte_range(),
                content: replacement,
            }],
            applicability: if null {
                Applicability::Unsafe
            } else {
                Applicability::Safe
            },
        }),
    }
}

/// `row.owner == obj` (`cmp` the comparison, `attr` the `row.owner` side,
/// `other` the other operand; `model` as for [`key_read`]).
pub(crate) fn compared(
    ctx: &Ctx,
    rule: &'static Rule,
    cmp: Node,
    attr: Node,
    other: Node,
    rel: &str,
    model: &str,
) -> Option<Finding> {
    if !matches!(other.kind_str(), "identifier" | "attribute") {
        return None;
    }
    let object = ctx.text(attr.child_by_field_id(field::OBJECT)?);
    let other_text = ctx.text(other);
    let key = format!("{object}.{rel}_id");
    let pk = format!("{other_text}.pk");
    Some(Finding {
        rule,
        range: cmp.byte_range(),
        message: format!(
            "{} runs one query per {model} in this loop (N+1) to compare it; {} compares the keys without a query",
            ctx.code(attr),
            code_span(&format!("{key} == {pk}"))
        ),
        // Unsafe: differs when `other` is None, unsaved or of another model.
        fix: Some(Fix {
            message: format!(
                "Compare `{key}` with `{pk}` (check that `{other_text}` is a saved instance)"
            ),
            edits: vec![
                Edit {
                    range: attr.byte_range(),
                    content: key,
                },
                Edit {
                    range: other.byte_range(),
                    content: pk,
                },
            ],
            applicability: Applicability::Unsafe,
        }),
    })
}
