//! Django settings modules: module-level assignments of setting names
//! (PG701, PG706–PG708, PG711, PG713, PG714, PG716–PG719, PG723,
//! PG725–PG729, PG738), plus the dispatch to the settings warnings
//! (`middleware_order`, `x_frame_allow_from`, `allowed_hosts_wildcard`,
//! `secret_key_literal`, `weak_password_hasher`).
//!
//! **What it matches**: `NAME = value` or `NAME += value` at module level
//! (also inside a module-level `if`/`try`/`with`), where `NAME` is the exact
//! upper-case name of a Django setting. The hint covers the assignment.
//! Names only Django uses (`MIDDLEWARE`, `INSTALLED_APPS`, `DATABASES`,
//! `ALLOWED_HOSTS`, `SECURE_*`, `CSRF_*`, ...) are reported wherever they
//! are assigned at module level; the generic `DEBUG`, `SECRET_KEY` and
//! `SESSION_COOKIE_SECURE` (a Flask config uses them too) only in a file
//! that also assigns one of the Django-only names.
//!
//! - PG701 `MIDDLEWARE`; PG706 `CSRF_*`; PG707 `SECURE_CSP`,
//!   `SECURE_CSP_REPORT_ONLY` (Django 6.0); PG708 `X_FRAME_OPTIONS`;
//!   PG711 `ALLOWED_HOSTS`; PG713 `USE_X_FORWARDED_HOST`; PG714
//!   `SECRET_KEY`; PG716 `SECRET_KEY_FALLBACKS`; PG717 `DEBUG`; PG718 the
//!   other `SECURE_*` and `SESSION_COOKIE_SECURE`; PG719 `PASSWORD_HASHERS`;
//!   PG723 `AUTH_USER_MODEL`; PG725 `DATABASE_ROUTERS`; PG738 `CACHES`.
//! - Inside `DATABASES` (a dict literal, `dj_database_url.config(...)`
//!   keywords, or `DATABASES["default"]["KEY"] = ...`): PG726
//!   `CONN_MAX_AGE`, PG727 `CONN_HEALTH_CHECKS`, PG728 `OPTIONS["pool"]`,
//!   PG729 `ATOMIC_REQUESTS`; the range is the key-value pair.
//! - Inside `MIDDLEWARE`: PG739 the cache middleware entries.
//!
//! **Why**: each setting has a topic explaining what it does in production.
//! The messages name the specific point when the value says more (for
//! example `DEBUG = True`, `CSRF_COOKIE_HTTPONLY = True`).
//!
//! **Not reported**: attributes (`settings.DEBUG = True`), keyword arguments
//! (`override_settings(DEBUG=True)`), assignments inside functions or
//! classes, lower-case or prefixed names (`MY_DEBUG`).
//!
//! **References**: <https://docs.djangoproject.com/en/5.2/ref/settings/>

use crate::detect::syntax::{NodeExt, field};
use tree_sitter::Node;

use super::{
    allowed_hosts_wildcard, middleware_order, secret_key_literal, weak_password_hasher,
    x_frame_allow_from,
};
use crate::detect::context::Ctx;
use crate::detect::{Finding, Rule};

hint!(
    MIDDLEWARE,
    "PG701",
    "middleware-setting",
    "django-middleware-order",
    "`MIDDLEWARE`: request code runs top to bottom, response code bottom to top; order encodes dependencies"
);
hint!(
    CSRF,
    "PG706",
    "csrf-settings",
    "csrf-xss-django-spa",
    "CSRF setting: how the CSRF token cookie and the Origin check behave"
);
hint!(
    CSP,
    "PG707",
    "csp-settings",
    "csrf-xss-django-spa",
    "`SECURE_CSP` (Django 6.0+): the Content-Security-Policy that stops injected script from running"
);
hint!(
    X_FRAME,
    "PG708",
    "x-frame-options-setting",
    "clickjacking",
    "`X_FRAME_OPTIONS`: `DENY` (the default) or `SAMEORIGIN`; allow partners with CSP `frame-ancestors`"
);
hint!(
    ALLOWED_HOSTS,
    "PG711",
    "allowed-hosts-setting",
    "allowed-hosts-host-header",
    "`ALLOWED_HOSTS`: the Host header values `request.get_host()` accepts; list your real domains"
);
hint!(
    FORWARDED_HOST,
    "PG713",
    "use-x-forwarded-host-setting",
    "allowed-hosts-host-header",
    "`USE_X_FORWARDED_HOST`: trust `X-Forwarded-Host` only behind a proxy that sets it"
);
hint!(
    SECRET_KEY,
    "PG714",
    "secret-key-setting",
    "secret-key-management",
    "`SECRET_KEY`: signs sessions, reset tokens and `signing` data; load it from the environment"
);
hint!(
    SECRET_KEY_FALLBACKS,
    "PG716",
    "secret-key-fallbacks-setting",
    "secret-key-management",
    "`SECRET_KEY_FALLBACKS`: old keys still accepted while tokens signed with them expire (key rotation)"
);
hint!(
    DEBUG,
    "PG717",
    "debug-setting",
    "django-deployment-checklist",
    "`DEBUG`: detailed error pages and settings leak to visitors when on; never in production"
);
hint!(
    SECURE,
    "PG718",
    "secure-settings",
    "django-deployment-checklist",
    "HTTPS setting (`SECURE_*`, secure cookies): check with `manage.py check --deploy`"
);
hint!(
    PASSWORD_HASHERS,
    "PG719",
    "password-hashers-setting",
    "password-hashing",
    "`PASSWORD_HASHERS`: the first hashes new passwords; the others only verify (and upgrade) old hashes"
);
hint!(
    AUTH_USER_MODEL,
    "PG723",
    "auth-user-model-setting",
    "custom-user-model",
    "`AUTH_USER_MODEL`: set it before the first migration; changing it later is a manual migration"
);
hint!(
    DATABASE_ROUTERS,
    "PG725",
    "database-routers",
    "partitioning-vs-sharding",
    "`DATABASE_ROUTERS`: route reads/writes to databases (replicas, shards); no cross-database joins or transactions"
);
hint!(
    CONN_MAX_AGE,
    "PG726",
    "conn-max-age",
    "database-connection-pooling",
    "`CONN_MAX_AGE`: persistent connections (seconds; `None` = unlimited, 0 = close after each request)"
);
hint!(
    CONN_HEALTH_CHECKS,
    "PG727",
    "conn-health-checks",
    "database-connection-pooling",
    "`CONN_HEALTH_CHECKS`: test a persistent connection before reusing it in a new request"
);
hint!(
    DB_POOL,
    "PG728",
    "db-options-pool",
    "database-connection-pooling",
    "`OPTIONS[\"pool\"]` (Django 5.1+, psycopg 3): a connection pool per process; keep `CONN_MAX_AGE = 0`"
);
hint!(
    ATOMIC_REQUESTS,
    "PG729",
    "atomic-requests-setting",
    "transaction-atomic",
    "`ATOMIC_REQUESTS`: wraps every view in a transaction, held for the whole request"
);
hint!(
    CACHES,
    "PG738",
    "caches-setting",
    "django-caching",
    "`CACHES`: the cache backends; use a shared one (Redis, Memcached) with several processes"
);
hint!(
    CACHE_MIDDLEWARE,
    "PG739",
    "cache-middleware",
    "django-caching",
    "per-site cache middleware: `UpdateCacheMiddleware` first, `FetchFromCacheMiddleware` last"
);

/// Names only Django uses: one of them marks the file as a settings module.
const DJANGO_ONLY: &[&str] = &[
    "INSTALLED_APPS",
    "MIDDLEWARE",
    "ROOT_URLCONF",
    "DATABASES",
    "TEMPLATES",
    "WSGI_APPLICATION",
    "ASGI_APPLICATION",
    "AUTH_USER_MODEL",
    "AUTH_PASSWORD_VALIDATORS",
    "PASSWORD_HASHERS",
    "DATABASE_ROUTERS",
    "DEFAULT_AUTO_FIELD",
    "STATIC_URL",
    "STATIC_ROOT",
    "STATICFILES_DIRS",
    "ALLOWED_HOSTS",
    "USE_X_FORWARDED_HOST",
    "X_FRAME_OPTIONS",
    "SECRET_KEY_FALLBACKS",
    "CACHES",
];

/// A module-level assignment of an upper-case name.
#[derive(Clone, Copy)]
pub(crate) struct Setting<'t, 'a> {
    pub name: &'a str,
    /// The `assignment` or `augmented_assignment`.
    pub node: Node<'t>,
    pub value: Node<'t>,
}

/// The settings-name rule for `name`, or `None`. `settings_file` says
/// whether the generic names count.
fn rule_for(name: &str, settings_file: bool) -> Option<&'static Rule> {
    Some(match name {
        "MIDDLEWARE" => &MIDDLEWARE,
        "SECURE_CSP" | "SECURE_CSP_REPORT_ONLY" => &CSP,
        n if n.starts_with("SECURE_") => &SECURE,
        n if n.starts_with("CSRF_") => &CSRF,
        "X_FRAME_OPTIONS" => &X_FRAME,
        "ALLOWED_HOSTS" => &ALLOWED_HOSTS,
        "USE_X_FORWARDED_HOST" => &FORWARDED_HOST,
        "SECRET_KEY_FALLBACKS" => &SECRET_KEY_FALLBACKS,
        "PASSWORD_HASHERS" => &PASSWORD_HASHERS,
        "AUTH_USER_MODEL" => &AUTH_USER_MODEL,
        "DATABASE_ROUTERS" => &DATABASE_ROUTERS,
        "CACHES" => &CACHES,
        "SECRET_KEY" if settings_file => &SECRET_KEY,
        "DEBUG" if settings_file => &DEBUG,
        "SESSION_COOKIE_SECURE" if settings_file => &SECURE,
        _ => return None,
    })
}

/// True when `name` alone marks a Django settings module.
fn is_django_only(name: &str) -> bool {
    DJANGO_ONLY.contains(&name)
        || name.starts_with("SECURE_")
        || (name.starts_with("CSRF_") && name != "CSRF_ENABLED")
}

pub(crate) fn rules() -> impl Iterator<Item = &'static Rule> {
    [
        &MIDDLEWARE,
        &CSRF,
        &CSP,
        &X_FRAME,
        &ALLOWED_HOSTS,
        &FORWARDED_HOST,
        &SECRET_KEY,
        &SECRET_KEY_FALLBACKS,
        &DEBUG,
        &SECURE,
        &PASSWORD_HASHERS,
        &AUTH_USER_MODEL,
        &DATABASE_ROUTERS,
        &CONN_MAX_AGE,
        &CONN_HEALTH_CHECKS,
        &DB_POOL,
        &ATOMIC_REQUESTS,
        &CACHES,
        &CACHE_MIDDLEWARE,
    ]
    .into_iter()
}

/// `module` is the tree's root.
pub(crate) fn check(ctx: &Ctx, module: Node, out: &mut Vec<Finding>) {
    let mut settings = Vec::new();
    let mut db_subscripts = Vec::new();
    collect(ctx, module, &mut settings, &mut db_subscripts);
    // File-wide (a file read in parts sees every part's settings).
    let settings_file = ctx
        .module_fact("setting names", || module_setting_names(ctx, module))
        .iter()
        .any(|name| is_django_only(name));
    for s in &settings {
        let Some(rule) = rule_for(s.name, settings_file) else {
            continue;
        };
        let warned = match s.name {
            "MIDDLEWARE" => {
                middleware_order::check(ctx, s, out);
                cache_middleware(ctx, s.value, out);
                false
            }
            "X_FRAME_OPTIONS" => x_frame_allow_from::check(ctx, s, out),
            "ALLOWED_HOSTS" => {
                allowed_hosts_wildcard::check(ctx, s, out);
                false
            }
            "SECRET_KEY" => secret_key_literal::check(ctx, s, out),
            "PASSWORD_HASHERS" => weak_password_hasher::check(ctx, s, out),
            _ => false,
        };
        // A warning on the whole value replaces the hint.
        if !warned {
            out.push(Finding {
                rule,
                range: s.node.byte_range(),
                message: message(ctx, s, rule),
                fix: None,
            });
        }
    }
    for s in settings.iter().filter(|s| s.name == "DATABASES") {
        database_options(ctx, s.value, false, out);
    }
    for (assign, key) in db_subscripts {
        if let Some(rule) = database_key_rule(&key, false) {
            out.push(Finding {
                rule,
                range: assign.byte_range(),
                message: rule.summary.to_string(),
                fix: None,
            });
        }
    }
}

/// The message for a settings hint: more specific when the value says more.
fn message(ctx: &Ctx, s: &Setting, rule: &Rule) -> String {
    let value = ctx.text(s.value);
    match (s.name, value) {
        ("DEBUG", "True") => "`DEBUG = True`: tracebacks, settings and SQL are shown to anyone who triggers an error, and memory grows with every query logged; keep it for local development and read it from the environment".into(),
        ("CSRF_COOKIE_HTTPONLY", "True") => "`CSRF_COOKIE_HTTPONLY = True` brings little: CSRF defends against other sites, and script on your own origin can still get the token; it only stops your SPA from reading the cookie".into(),
        ("CSRF_COOKIE_SECURE", "False") | ("SESSION_COOKIE_SECURE", "False") => format!("`{} = False`: the cookie is also sent over plain HTTP; set it to True in production", s.name),
        _ => rule.summary.to_string(),
    }
}

/// Module-level assignments of upper-case names, descending into
/// module-level `if`/`try`/`with` blocks but not into functions or classes;
/// also `DATABASES[...]["KEY"] = ...` (the assignment and the last key).
fn collect<'t, 'a>(
    ctx: &Ctx<'a>,
    block: Node<'t>,
    settings: &mut Vec<Setting<'t, 'a>>,
    db_subscripts: &mut Vec<(Node<'t>, String)>,
) {
    let mut c = block.walk();
    for stmt in block.named_children(&mut c) {
        match stmt.kind_str() {
            "expression_statement" => {
                let Some(assign) = stmt
                    .named_child(0)
                    .filter(|a| matches!(a.kind_str(), "assignment" | "augmented_assignment"))
                else {
                    continue;
                };
                let (Some(left), Some(value)) = (
                    assign.child_by_field_id(field::LEFT),
                    assign.child_by_field_id(field::RIGHT),
                ) else {
                    continue;
                };
                match left.kind_str() {
                    "identifier" if is_setting_name(ctx.text(left)) => settings.push(Setting {
                        name: ctx.text(left),
                        node: assign,
                        value,
                    }),
                    "subscript" => {
                        if let Some(key) = database_subscript_key(ctx, left) {
                            db_subscripts.push((assign, key));
                        }
                    }
                    _ => {}
                }
            }
            "if_statement" | "elif_clause" | "else_clause" | "try_statement" | "except_clause"
            | "finally_clause" | "with_statement" | "block" => {
                collect(ctx, stmt, settings, db_subscripts)
            }
            _ => {}
        }
    }
}

/// Upper-case letters, digits and underscores, starting with a letter.
fn is_setting_name(name: &str) -> bool {
    name.starts_with(|c: char| c.is_ascii_uppercase())
        && name
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
}

/// For `DATABASES["default"]["CONN_MAX_AGE"]`, `Some("CONN_MAX_AGE")`.
fn database_subscript_key(ctx: &Ctx, subscript: Node) -> Option<String> {
    let key = literal_str(ctx, subscript.child_by_field_id(field::SUBSCRIPT)?)?;
    let mut base = subscript.child_by_field_id(field::VALUE)?;
    while base.kind_str() == "subscript" {
        base = base.child_by_field_id(field::VALUE)?;
    }
    (base.kind_str() == "identifier" && ctx.text(base) == "DATABASES").then_some(key)
}

/// The database option rule for a key of a `DATABASES` entry (`in_options`:
/// the key is inside `"OPTIONS"`).
fn database_key_rule(key: &str, in_options: bool) -> Option<&'static Rule> {
    match (key, in_options) {
        ("CONN_MAX_AGE" | "conn_max_age", false) => Some(&CONN_MAX_AGE),
        ("CONN_HEALTH_CHECKS" | "conn_health_checks", false) => Some(&CONN_HEALTH_CHECKS),
        ("ATOMIC_REQUESTS", false) => Some(&ATOMIC_REQUESTS),
        ("pool", true) => Some(&DB_POOL),
        _ => None,
    }
}

/// Reports the connection options found in a `DATABASES` value: string keys
/// of dict literals and keyword arguments (`dj_database_url.config(conn_max_age=600)`).
fn database_options(ctx: &Ctx, node: Node, in_options: bool, out: &mut Vec<Finding>) {
    let mut c = node.walk();
    for child in node.named_children(&mut c) {
        let (key, value) = match child.kind_str() {
            "pair" => (
                child
                    .child_by_field_id(field::KEY)
                    .and_then(|k| literal_str(ctx, k)),
                child.child_by_field_id(field::VALUE),
            ),
            "keyword_argument" => (
                child
                    .child_by_field_id(field::NAME)
                    .map(|n| ctx.text(n).to_string()),
                child.child_by_field_id(field::VALUE),
            ),
            _ => (None, None),
        };
        if let Some(rule) = key
            .as_deref()
            .and_then(|k| database_key_rule(k, in_options))
        {
            out.push(Finding {
                rule,
                range: child.byte_range(),
                message: rule.summary.to_string(),
                fix: None,
            });
        }
        let nested_options = key.as_deref().map_or(in_options, |k| k == "OPTIONS");
        database_options(ctx, value.unwrap_or(child), nested_options, out);
    }
}

/// PG739 on the cache middleware entries of a `MIDDLEWARE` list.
fn cache_middleware(ctx: &Ctx, value: Node, out: &mut Vec<Finding>) {
    for (node, path) in string_elements(ctx, value) {
        if matches!(
            path.as_str(),
            "django.middleware.cache.UpdateCacheMiddleware"
                | "django.middleware.cache.FetchFromCacheMiddleware"
        ) {
            out.push(Finding {
                rule: &CACHE_MIDDLEWARE,
                range: node.byte_range(),
                message: CACHE_MIDDLEWARE.summary.to_string(),
                fix: None,
            });
        }
    }
}

/// The value of a string literal without interpolations (implicitly
/// concatenated parts joined), or `None`.
pub(crate) fn literal_str(ctx: &Ctx, node: Node) -> Option<String> {
    match node.kind_str() {
        "string" => {
            let mut out = String::new();
            let mut c = node.walk();
            for part in node.named_children(&mut c) {
                match part.kind_str() {
                    "string_content" => out.push_str(ctx.text(part)),
                    "string_start" | "string_end" => {}
                    _ => return None, // an interpolation
                }
            }
            Some(out)
        }
        "concatenated_string" => {
            let mut c = node.walk();
            let parts: Option<Vec<String>> = node
                .named_children(&mut c)
                .map(|p| literal_str(ctx, p))
                .collect();
            parts.map(|p| p.concat())
        }
        "parenthesized_expression" => literal_str(ctx, node.named_child(0)?),
        _ => None,
    }
}

/// The string-literal elements of a list or tuple literal, with their nodes.
pub(crate) fn string_elements<'t>(ctx: &Ctx, seq: Node<'t>) -> Vec<(Node<'t>, String)> {
    if !matches!(seq.kind_str(), "list" | "tuple") {
        return Vec::new();
    }
    let mut c = seq.walk();
    seq.named_children(&mut c)
        .filter_map(|e| literal_str(ctx, e).map(|s| (e, s)))
        .collect()
}

/// Whether a module-level setting `name` is assigned the literal `True`
/// (anywhere in the file: a file-wide fact).
pub(crate) fn is_set_true(ctx: &Ctx, name: &str) -> bool {
    ctx.module_fact("settings set to True", || {
        module_settings_true(ctx, ctx.root())
    })
    .contains(&name)
}

/// The names of the module-level settings (a file-wide fact).
pub(crate) fn module_setting_names<'a>(ctx: &Ctx<'a>, module: Node) -> Vec<&'a str> {
    let (mut settings, mut db_subscripts) = (Vec::new(), Vec::new());
    collect(ctx, module, &mut settings, &mut db_subscripts);
    settings.iter().map(|s| s.name).collect()
}

/// The names of the module-level settings assigned `True` (a file-wide
/// fact).
pub(crate) fn module_settings_true<'a>(ctx: &Ctx<'a>, module: Node) -> Vec<&'a str> {
    let (mut settings, mut db_subscripts) = (Vec::new(), Vec::new());
    collect(ctx, module, &mut settings, &mut db_subscripts);
    settings
        .iter()
        .filter(|s| s.node.kind_str() == "assignment" && ctx.text(s.value) == "True")
        .map(|s| s.name)
        .collect()
}
