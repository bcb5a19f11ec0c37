//! PG703 `middleware-class`: a Django middleware class.
//!
//! **What it matches**: a class that subclasses
//! `django.utils.deprecation.MiddlewareMixin` (any import spelling), or
//! whose `__init__(self, get_response)` stores `get_response` on `self`
//! and which defines `__call__`. The range is the class name.
//!
//! **Why**: educational. Django builds the middleware chain once at
//! start-up: `__init__` runs once per process, `__call__` once per request,
//! and the position in `MIDDLEWARE` decides what the class can rely on
//! (`request.user` only below `AuthenticationMiddleware`).
//!
//! **References**: <https://docs.djangoproject.com/en/5.2/topics/http/middleware/#writing-your-own-middleware>

use crate::detect::syntax::{NodeExt, field};
use tree_sitter::Node;

use crate::detect::context::Ctx;
use crate::detect::{Finding, Rule, Severity};

pub(crate) static RULE: Rule = Rule {
    code: "PG703",
    construct: "middleware-class",
    severity: Severity::Hint,
    fixable: false,
    topic: "django-middleware-order",
    summary: "middleware class: `__init__` runs once at start-up, `__call__` per request; its place in `MIDDLEWARE` decides what it sees",
};

/// `class` is a `class_definition`.
pub(crate) fn check(ctx: &Ctx, class: Node, out: &mut Vec<Finding>) {
    let (Some(name), Some(body)) = (
        class.child_by_field_id(field::NAME),
        class.child_by_field_id(field::BODY),
    ) else {
        return;
    };
    if !(has_mixin_base(ctx, class) || is_new_style(ctx, body)) {
        return;
    }
    out.push(Finding {
        rule: &RULE,
        range: name.byte_range(),
        message: RULE.summary.to_string(),
        fix: None,
    });
}

fn has_mixin_base(ctx: &Ctx, class: Node) -> bool {
    let Some(bases) = class.child_by_field_id(field::SUPERCLASSES) else {
        return false;
    };
    let mut c = bases.walk();
    bases.named_children(&mut c).any(|b| {
        ctx.resolve(b)
            .is_some_and(|q| q == "django.utils.deprecation.MiddlewareMixin")
    })
}

/// The methods defined directly in a class body.
fn methods<'t>(body: Node<'t>) -> Vec<Node<'t>> {
    let mut c = body.walk();
    body.named_children(&mut c)
        .filter_map(|s| match s.kind_str() {
            "function_definition" => Some(s),
            "decorated_definition" => s
                .child_by_field_id(field::DEFINITION)
                .filter(|d| d.kind_str() == "function_definition"),
            _ => None,
        })
        .collect()
}

/// `__init__(self, get_response)` storing it, plus `__call__`.
fn is_new_style(ctx: &Ctx, body: Node) -> bool {
    let methods = methods(body);
    let named = |n: &str| {
        methods
            .iter()
            .find(|m| {
                m.child_by_field_id(field::NAME)
                    .is_some_and(|x| ctx.text(x) == n)
            })
            .copied()
    };
    let (Some(init), Some(_)) = (named("__init__"), named("__call__")) else {
        return false;
    };
    let takes_get_response = init.child_by_field_id(field::PARAMETERS).is_some_and(|p| {
        let mut c = p.walk();
        p.named_children(&mut c).nth(1).is_some_and(|second| {
            ctx.text(second).split([':', '=']).next().map(str::trim) == Some("get_response")
        })
    });
    takes_get_response
        && init
            .child_by_field_id(field::BODY)
            .is_some_and(|b| ctx.text(b).contains("self.get_response = get_response"))
}
