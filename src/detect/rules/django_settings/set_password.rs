//! PG722 `set-password`: `user.set_password(raw)` in a Django file.
//!
//! **What it matches**: a call `<expr>.set_password(<one argument>)` in a
//! file that imports from `django`; the range is the call.
//!
//! **Why**: educational. `set_password` hashes with the first entry of
//! `PASSWORD_HASHERS` but does not save: call `user.save()` (or
//! `save(update_fields=["password"])`) afterwards. Never assign
//! `user.password = raw`, and never hash passwords yourself.
//!
//! **References**: <https://docs.djangoproject.com/en/5.2/ref/contrib/auth/#django.contrib.auth.models.User.set_password>

use crate::detect::syntax::{NodeExt, field};
use tree_sitter::Node;

use crate::detect::context::Ctx;
use crate::detect::{Finding, Rule, Severity};

pub(crate) static RULE: Rule = Rule {
    code: "PG722",
    construct: "set-password",
    severity: Severity::Hint,
    fixable: false,
    topic: "password-hashing",
    summary: "`set_password`: hashes with the first of `PASSWORD_HASHERS`; it does not save the user",
};

/// `call` is a `call` node.
pub(crate) fn check(ctx: &Ctx, call: Node, out: &mut Vec<Finding>) {
    let is_method = ctx
        .method_call(call)
        .is_some_and(|(_, method, _)| method == "set_password");
    let one_arg = call.child_by_field_id(field::ARGUMENTS).is_some_and(|a| {
        let mut c = a.walk();
        a.named_children(&mut c)
            .filter(|n| n.kind_str() != "comment")
            .count()
            == 1
    });
    if is_method && one_arg && ctx.imports.imports_from("django") {
        out.push(Finding {
            rule: &RULE,
            range: call.byte_range(),
            message: RULE.summary.to_string(),
            fix: None,
        });
    }
}
