//! PG704 `csrf-exempt`: `csrf_exempt` on a view (found by the name table of
//! `django_api.rs`; this file decides how serious it is).
//!
//! **What it matches**: `@csrf_exempt`, `@method_decorator(csrf_exempt, ...)`
//! on a view function, a class-based view or its `dispatch`, and
//! `csrf_exempt(view)` calls.
//!
//! **Why**: CSRF protection is what stops another site from making a
//! logged-in user's browser submit a form: the browser sends the session
//! cookie along. A view that authenticates with that cookie and is exempt
//! can be forged from any page the user visits.
//!
//! **Warning** only when the same view is visibly cookie-authenticated:
//! `login_required`, `permission_required`, `user_passes_test`,
//! `staff_member_required` next to it (as decorators, through
//! `method_decorator`, or wrapping the view in the same call), a
//! `LoginRequiredMixin` / `PermissionRequiredMixin` / `UserPassesTestMixin`
//! base, or DRF's `SessionAuthentication` in `authentication_classes`.
//! **Hint** otherwise: most exempt views are endpoints that never see a
//! session cookie on purpose (payment webhooks that verify a signature,
//! OAuth/OIDC token endpoints, SAML and OpenID callbacks that the identity
//! provider POSTs cross-site, CSP reports, DRF's `as_view`, which enforces
//! CSRF itself for session-authenticated requests), and from the code
//! alone they can't be told from a forgotten one.
//!
//! **Fix**: none. Keep protection and send the token (`X-CSRFToken`), or
//! authenticate the endpoint some other way and silence the line with
//! `# pyguide: ignore[PG704]`.
//!
//! **References**: <https://docs.djangoproject.com/en/5.2/ref/csrf/#django.views.decorators.csrf.csrf_exempt>,
//! <https://www.django-rest-framework.org/api-guide/authentication/#sessionauthentication>

use crate::detect::syntax::{NodeExt, field};
use tree_sitter::Node;

use super::django_api::CSRF_EXEMPT;
use crate::detect::context::Ctx;
use crate::detect::{Finding, Rule};

/// Decorators (by their last name) that make a view require a logged-in
/// user, i.e. authenticate it with the session cookie.
const AUTH_DECORATORS: &[&str] = &[
    "login_required",
    "permission_required",
    "user_passes_test",
    "staff_member_required",
];

/// Class-based view bases that do the same.
const AUTH_MIXINS: &[&str] = &[
    "LoginRequiredMixin",
    "PermissionRequiredMixin",
    "UserPassesTestMixin",
];

/// The finding for a use of `csrf_exempt`: `node` is the name (or the
/// call `csrf_exempt(view)`), `parent` its parent.
pub(crate) fn finding(ctx: &Ctx, node: Node, parent: Node) -> Finding {
    let (rule, message): (&'static Rule, String) = match cookie_auth(ctx, node, parent) {
        Some(why) => (
            &CSRF_EXEMPT,
            format!(
                "`csrf_exempt` on a view that authenticates with the session cookie ({why}): any site the user visits can submit this view for them (CSRF); keep the protection and send the token (`X-CSRFToken`) from your JavaScript"
            ),
        ),
        None => (
            CSRF_EXEMPT.as_hint(),
            "`csrf_exempt` turns CSRF protection off for this view: right for endpoints that never rely on the session cookie (signed webhooks, token or client-authenticated APIs, identity-provider callbacks), a vulnerability for views that do".to_string(),
        ),
    };
    Finding {
        rule,
        range: node.byte_range(),
        message,
        fix: None,
    }
}

/// Why the view exempted at `node` authenticates with cookies, if it
/// visibly does.
fn cookie_auth(ctx: &Ctx, node: Node, parent: Node) -> Option<String> {
    // `csrf_exempt(login_required(view))`
    if node.kind_str() == "call" {
        let arg = node.child_by_field_id(field::ARGUMENTS)?.named_child(0)?;
        return wraps_auth_call(ctx, arg);
    }
    // `@csrf_exempt` or `@method_decorator(csrf_exempt, ...)`.
    let decorator = match parent.kind_str() {
        "decorator" => parent,
        "argument_list" => {
            let call = parent.parent()?;
            let d = call.parent()?;
            (d.kind_str() == "decorator"
                && call
                    .child_by_field_id(field::FUNCTION)
                    .is_some_and(|f| last_name(ctx, f) == "method_decorator"))
            .then_some(d)?
        }
        _ => return None,
    };
    let decorated = decorator.parent()?;
    let definition = decorated.child_by_field_id(field::DEFINITION)?;
    if let Some(why) = auth_decorator(ctx, decorated) {
        return Some(why);
    }
    let class = match definition.kind_str() {
        "class_definition" => Some(definition),
        // A method (`dispatch`): the class around it.
        _ => enclosing_class(decorated),
    }?;
    class_auth(ctx, class)
}

/// `login_required(view)` and the like, as an argument.
fn wraps_auth_call(ctx: &Ctx, arg: Node) -> Option<String> {
    if arg.kind_str() != "call" {
        return None;
    }
    let name = last_name(ctx, callee(arg.child_by_field_id(field::FUNCTION)?));
    AUTH_DECORATORS.contains(&name).then(|| format!("`{name}`"))
}

/// An auth decorator among `decorated`'s decorators, also through
/// `method_decorator(login_required, ...)`.
fn auth_decorator(ctx: &Ctx, decorated: Node) -> Option<String> {
    let mut c = decorated.walk();
    for d in decorated
        .named_children(&mut c)
        .filter(|d| d.kind_str() == "decorator")
    {
        let Some(expr) = d.named_child(0) else {
            continue;
        };
        let name = last_name(ctx, callee(expr));
        let call = (expr.kind_str() == "call").then_some(expr);
        if AUTH_DECORATORS.contains(&name) {
            return Some(format!("`@{name}`"));
        }
        if name == "method_decorator"
            && let Some(first) = call
                .and_then(|c| c.child_by_field_id(field::ARGUMENTS))
                .and_then(|a| a.named_child(0))
        {
            let inner = last_name(ctx, callee(first));
            if AUTH_DECORATORS.contains(&inner) {
                return Some(format!("`method_decorator({inner})`"));
            }
        }
    }
    None
}

/// A cookie-authenticating base, class decorator or DRF setting of `class`.
fn class_auth(ctx: &Ctx, class: Node) -> Option<String> {
    if let Some(bases) = class.child_by_field_id(field::SUPERCLASSES) {
        let mut c = bases.walk();
        for base in bases.named_children(&mut c) {
            let name = last_name(ctx, base);
            if AUTH_MIXINS.contains(&name) {
                return Some(format!("`{name}`"));
            }
        }
    }
    if let Some(decorated) = class
        .parent()
        .filter(|p| p.kind_str() == "decorated_definition")
        && let Some(why) = auth_decorator(ctx, decorated)
    {
        return Some(why);
    }
    let body = class.child_by_field_id(field::BODY)?;
    let mut c = body.walk();
    for stmt in body.named_children(&mut c) {
        let Some(assign) = stmt.named_child(0).filter(|a| a.kind_str() == "assignment") else {
            continue;
        };
        if assign
            .child_by_field_id(field::LEFT)
            .is_some_and(|l| ctx.text(l) == "authentication_classes")
            && assign
                .child_by_field_id(field::RIGHT)
                .is_some_and(|r| ctx.text(r).contains("SessionAuthentication"))
        {
            return Some("`SessionAuthentication`".into());
        }
    }
    None
}

/// The class whose body holds `node` directly (a method's class).
fn enclosing_class(node: Node) -> Option<Node> {
    let block = node.parent().filter(|b| b.kind_str() == "block")?;
    block
        .parent()
        .filter(|c| c.kind_str() == "class_definition")
}

/// The function a decorator expression names: `f` for `f` and for
/// `f(...)` (a decorator factory such as `permission_required("x")`).
fn callee(expr: Node) -> Node {
    match expr.kind_str() {
        "call" => expr.child_by_field_id(field::FUNCTION).unwrap_or(expr),
        _ => expr,
    }
}

/// The last dotted segment of a name or attribute (`auth.login_required`
/// → `login_required`).
fn last_name<'a>(ctx: &Ctx<'a>, expr: Node) -> &'a str {
    let text = ctx.text(expr);
    text.rsplit('.').next().unwrap_or(text).trim()
}
