//! PG702 `middleware-setting`: a `MIDDLEWARE` list whose order breaks a
//! dependency between Django's own middleware.
//!
//! **What it matches**: in a module-level `MIDDLEWARE = [...]` (or a tuple)
//! of string literals, an entry listed on the wrong side of another:
//! - `AuthenticationMiddleware` above `SessionMiddleware`: it reads
//!   `request.session`, so every request fails with `ImproperlyConfigured`;
//! - `MessageMiddleware` above `SessionMiddleware` (unless the file sets
//!   `MESSAGE_STORAGE`): the default storage falls back to the session and
//!   fails the same way;
//! - `CsrfViewMiddleware` above `SessionMiddleware` when the file sets
//!   `CSRF_USE_SESSIONS = True`;
//! - `UpdateCacheMiddleware` below, or `FetchFromCacheMiddleware` above,
//!   `SessionMiddleware`, `GZipMiddleware` or `LocaleMiddleware`: those add
//!   `Vary` headers, and a cache that does not see them can serve one user's
//!   page to another;
//! - `SecurityMiddleware` below Django's session, common, CSRF, auth or
//!   message middleware: requests run through them before the HTTPS
//!   redirect, and responses they short-circuit miss the security headers.
//!   Third-party middleware above it (CORS, WhiteNoise, debug toolbar) is
//!   not reported.
//!
//! The range is the misplaced entry; each entry is reported once.
//!
//! **Fix**: move the entry as the message says (no automatic fix: the right
//! place also depends on the other middleware in the list).
//!
//! **Not reported**: `MIDDLEWARE += [...]`, lists built dynamically, and
//! entries whose order Django's docs leave free.
//!
//! **References**: <https://docs.djangoproject.com/en/5.2/ref/middleware/#middleware-ordering>

use crate::detect::context::Ctx;
use crate::detect::rules::django_settings::settings::{
    Setting, is_set_true, module_setting_names, string_elements,
};
use crate::detect::syntax::NodeExt;
use crate::detect::{Finding, Rule, Severity};
use crate::text::code_span;

pub(crate) static RULE: Rule = Rule {
    code: "PG702",
    construct: "middleware-setting",
    severity: Severity::Warning,
    fixable: false,
    topic: "django-middleware-order",
    summary: "`MIDDLEWARE` order breaks a dependency: session before auth/messages, cache middleware around Vary-setting ones, security first",
};

const SECURITY: &str = "django.middleware.security.SecurityMiddleware";
const SESSION: &str = "django.contrib.sessions.middleware.SessionMiddleware";
const COMMON: &str = "django.middleware.common.CommonMiddleware";
const CSRF: &str = "django.middleware.csrf.CsrfViewMiddleware";
const AUTH: &str = "django.contrib.auth.middleware.AuthenticationMiddleware";
const MESSAGES: &str = "django.contrib.messages.middleware.MessageMiddleware";
const GZIP: &str = "django.middleware.gzip.GZipMiddleware";
const LOCALE: &str = "django.middleware.locale.LocaleMiddleware";
const UPDATE_CACHE: &str = "django.middleware.cache.UpdateCacheMiddleware";
const FETCH_CACHE: &str = "django.middleware.cache.FetchFromCacheMiddleware";

/// The middleware that set `Vary` headers the cache must see.
const VARY_SETTERS: &[&str] = &[SESSION, GZIP, LOCALE];

/// Short class name of a dotted path, for messages.
fn short(path: &str) -> &str {
    path.rsplit('.').next().unwrap_or(path)
}

/// The first ordering problem of `entry` at `index`, as a message.
fn problem(
    entries: &[String],
    index: usize,
    csrf_sessions: bool,
    message_storage: bool,
) -> Option<String> {
    let entry = entries[index].as_str();
    let above = &entries[..index];
    let below = &entries[index + 1..];
    let below_has = |name: &str| below.iter().any(|e| e == name);
    match entry {
        AUTH if below_has(SESSION) => Some(
            "`AuthenticationMiddleware` reads `request.session`: list `SessionMiddleware` above it, or every request fails with ImproperlyConfigured".into(),
        ),
        MESSAGES if below_has(SESSION) && !message_storage => Some(
            "`MessageMiddleware` stores messages in the session by default: list `SessionMiddleware` above it".into(),
        ),
        CSRF if csrf_sessions && below_has(SESSION) => Some(
            "with `CSRF_USE_SESSIONS = True`, `CsrfViewMiddleware` keeps the token in the session: list `SessionMiddleware` above it".into(),
        ),
        UPDATE_CACHE => above.iter().find(|e| VARY_SETTERS.contains(&e.as_str())).map(|e| {
            format!(
                "`UpdateCacheMiddleware` must come before {}, which adds a `Vary` header: below it, the cache ignores that header and can serve one user's page to another",
                code_span(short(e))
            )
        }),
        FETCH_CACHE => below.iter().find(|e| VARY_SETTERS.contains(&e.as_str())).map(|e| {
            format!(
                "`FetchFromCacheMiddleware` must come after {}, which adds a `Vary` header: above it, cached pages are looked up without that header",
                code_span(short(e))
            )
        }),
        SECURITY => above
            .iter()
            .find(|e| [SESSION, COMMON, CSRF, AUTH, MESSAGES].contains(&e.as_str()))
            .map(|e| {
                format!(
                    "`SecurityMiddleware` below {}: requests run through it before the HTTPS redirect, and responses it short-circuits miss the security headers; list `SecurityMiddleware` first",
                    code_span(short(e))
                )
            }),
        _ => None,
    }
}

/// `setting` is the `MIDDLEWARE` assignment; `all` every module-level setting.
pub(crate) fn check(ctx: &Ctx, setting: &Setting, out: &mut Vec<Finding>) {
    if setting.node.kind_str() != "assignment" {
        return;
    }
    let elements = string_elements(ctx, setting.value);
    let entries: Vec<String> = elements.iter().map(|(_, s)| s.trim().to_string()).collect();
    let csrf_sessions = is_set_true(ctx, "CSRF_USE_SESSIONS");
    let message_storage = ctx
        .module_fact("setting names", || module_setting_names(ctx, ctx.root()))
        .contains(&"MESSAGE_STORAGE");
    for (i, (node, _)) in elements.iter().enumerate() {
        if let Some(message) = problem(&entries, i, csrf_sessions, message_storage) {
            out.push(Finding {
                rule: &RULE,
                range: node.byte_range(),
                message,
                fix: None,
            });
        }
    }
}
