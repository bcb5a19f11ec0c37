//! PG741 `signal-connect`: `<signal>.connect(handler)` on a Django signal.
//!
//! **What it matches**: a `.connect(...)` call whose receiver resolves
//! through the imports to a name under `django.` in a `signals` module
//! (`post_save.connect(...)` after `from django.db.models.signals import
//! post_save`, `signals.request_finished.connect(...)`), or a module-level
//! name assigned `django.dispatch.Signal()` in the same file. The range is
//! the call.
//!
//! **Why**: educational. The handler runs synchronously, inside the
//! sender's call and its transaction, on every send; `bulk_create`,
//! `update()` and `bulk_update` send no save signals. Connect in
//! `AppConfig.ready()` so it happens exactly once.
//!
//! **Not reported**: `.connect` on anything else (database drivers,
//! sockets, Qt signals).
//!
//! **References**: <https://docs.djangoproject.com/en/5.2/topics/signals/#connecting-receiver-functions>

use crate::detect::syntax::{NodeExt, field};
use tree_sitter::Node;

use crate::detect::context::Ctx;
use crate::detect::{Finding, Rule, Severity};

pub(crate) static RULE: Rule = Rule {
    code: "PG741",
    construct: "signal-connect",
    severity: Severity::Hint,
    fixable: false,
    topic: "django-signals",
    summary: "signal `.connect`: the handler runs synchronously inside the sender's call and transaction",
};

/// `call` is a `call` node.
pub(crate) fn check(ctx: &Ctx, call: Node, out: &mut Vec<Finding>) {
    let Some((object, method, _)) = ctx.method_call(call) else {
        return;
    };
    if method != "connect" {
        return;
    }
    let is_signal = match ctx.resolve(object) {
        Some(q) => q.starts_with("django.") && q.contains(".signals."),
        None => {
            object.kind_str() == "identifier"
                && ctx
                    .module_fact("signal names", || signal_names(ctx, ctx.root()))
                    .contains(&ctx.text(object))
        }
    };
    if is_signal {
        out.push(Finding {
            rule: &RULE,
            range: call.byte_range(),
            message: RULE.summary.to_string(),
            fix: None,
        });
    }
}

/// The names the module assigns `Signal(...)` (django.dispatch): a
/// file-wide fact, read once per analysis.
pub(crate) fn signal_names<'a>(ctx: &Ctx<'a>, root: Node) -> Vec<&'a str> {
    let mut c = root.walk();
    root.named_children(&mut c)
        .filter_map(|stmt| stmt.named_child(0).filter(|a| a.kind_str() == "assignment"))
        .filter(|assign| {
            assign
                .child_by_field_id(field::RIGHT)
                .filter(|r| r.kind_str() == "call")
                .and_then(|r| r.child_by_field_id(field::FUNCTION))
                .and_then(|f| ctx.resolve(f))
                .is_some_and(|q| {
                    q == "django.dispatch.Signal" || q == "django.dispatch.dispatcher.Signal"
                })
        })
        .filter_map(|assign| assign.child_by_field_id(field::LEFT))
        .map(|left| ctx.text(left))
        .collect()
}
