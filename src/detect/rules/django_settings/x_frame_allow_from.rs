//! PG709 `x-frame-options-setting`: `X_FRAME_OPTIONS = "ALLOW-FROM ..."`.
//!
//! **What it matches**: a module-level `X_FRAME_OPTIONS` assigned a string
//! literal starting with `ALLOW-FROM` (any case).
//!
//! **Why**: current browsers ignore `ALLOW-FROM`, so instead of allowing one
//! partner, the header protects nothing: any site can frame the pages.
//! Keep `DENY` (or `SAMEORIGIN`) and allow partners with the CSP
//! `frame-ancestors` directive (`SECURE_CSP` in Django 6.0).
//!
//! **References**: <https://docs.djangoproject.com/en/5.2/ref/clickjacking/>,
//! <https://developer.mozilla.org/en-US/docs/Web/HTTP/Reference/Headers/X-Frame-Options>

use crate::detect::context::Ctx;
use crate::detect::rules::django_settings::settings::{Setting, literal_str};
use crate::detect::{Finding, Rule, Severity};

pub(crate) static RULE: Rule = Rule {
    code: "PG709",
    construct: "x-frame-options-setting",
    severity: Severity::Warning,
    fixable: false,
    topic: "clickjacking",
    summary: "`X_FRAME_OPTIONS = \"ALLOW-FROM ...\"`: browsers ignore it, so any site can frame the pages; use CSP `frame-ancestors`",
};

/// `setting` is an `X_FRAME_OPTIONS` assignment; true when reported.
pub(crate) fn check(ctx: &Ctx, setting: &Setting, out: &mut Vec<Finding>) -> bool {
    let allow_from = literal_str(ctx, setting.value).is_some_and(|v| {
        v.trim_start()
            .to_ascii_uppercase()
            .starts_with("ALLOW-FROM")
    });
    if allow_from {
        out.push(Finding {
            rule: &RULE,
            range: setting.node.byte_range(),
            message: "browsers ignore `ALLOW-FROM`, so this header protects nothing: keep `DENY` or `SAMEORIGIN` and allow partner origins with the CSP `frame-ancestors` directive".into(),
            fix: None,
        });
    }
    allow_from
}
