//! PG712 `allowed-hosts-setting`: `"*"` in `ALLOWED_HOSTS`.
//!
//! **What it matches**: the `"*"` entry of a module-level `ALLOWED_HOSTS`
//! list or tuple literal (`=` or `+=`).
//!
//! **Why**: `"*"` accepts any `Host` header, and Django builds absolute URLs
//! (password-reset links, redirects, `build_absolute_uri`) from it: an
//! attacker who sends `Host: evil.example` gets links to their own site
//! into your e-mails and caches. List the real domains (a leading dot
//! matches subdomains).
//!
//! **Not reported**: in a file that also sets `DEBUG = True` (local
//! development settings), and entries such as `".example.com"`.
//!
//! **References**: <https://docs.djangoproject.com/en/5.2/ref/settings/#allowed-hosts>,
//! <https://docs.djangoproject.com/en/5.2/topics/security/#host-headers-virtual-hosting>

use crate::detect::context::Ctx;
use crate::detect::rules::django_settings::settings::{Setting, is_set_true, string_elements};
use crate::detect::{Finding, Rule, Severity};

pub(crate) static RULE: Rule = Rule {
    code: "PG712",
    construct: "allowed-hosts-setting",
    severity: Severity::Warning,
    fixable: false,
    topic: "allowed-hosts-host-header",
    summary: "`\"*\"` in `ALLOWED_HOSTS` accepts any Host header, which Django uses to build absolute URLs; list your domains",
};

/// `setting` is an `ALLOWED_HOSTS` assignment.
pub(crate) fn check(ctx: &Ctx, setting: &Setting, out: &mut Vec<Finding>) {
    if is_set_true(ctx, "DEBUG") {
        return;
    }
    for (node, host) in string_elements(ctx, setting.value) {
        if host.trim() == "*" {
            out.push(Finding {
                rule: &RULE,
                range: node.byte_range(),
                message: "`\"*\"` accepts any Host header, and Django builds password-reset links and redirects from it; list your real domains".into(),
                fix: None,
            });
        }
    }
}
