//! PG715 `secret-key-setting`: a production-strength `SECRET_KEY` written
//! into the source.
//!
//! **What it matches**: in a settings module, `SECRET_KEY = "<literal>"`
//! where the literal has at least 50 characters and 5 distinct ones and does
//! not start with `django-insecure-`.
//!
//! **Why**: such a key looks like a real one, and a key in the repository is
//! known to everyone with access to it, its forks and its backups. Whoever
//! has it can forge sessions, password-reset tokens and signed cookies.
//! Load it from the environment or a secret manager (`os.environ["SECRET_KEY"]`),
//! and rotate the leaked key through `SECRET_KEY_FALLBACKS`.
//!
//! **Not reported**: short or `django-insecure-` keys (development and test
//! values; `manage.py check --deploy` rejects them in production), keys read
//! from the environment (the PG714 hint covers them).
//!
//! **References**: <https://docs.djangoproject.com/en/5.2/ref/settings/#secret-key>,
//! <https://docs.djangoproject.com/en/5.2/howto/deployment/checklist/#secret-key>

use crate::detect::syntax::NodeExt;
use std::collections::HashSet;

use crate::detect::context::Ctx;
use crate::detect::rules::django_settings::settings::{Setting, literal_str};
use crate::detect::{Finding, Rule, Severity};

pub(crate) static RULE: Rule = Rule {
    code: "PG715",
    construct: "secret-key-setting",
    severity: Severity::Warning,
    fixable: false,
    topic: "secret-key-management",
    summary: "hard-coded production `SECRET_KEY`: anyone with the source can forge sessions and reset tokens; load it from the environment",
};

/// True for a value that passes Django's own strength check (W009).
fn looks_real(key: &str) -> bool {
    key.chars().count() >= 50
        && key.chars().collect::<HashSet<_>>().len() >= 5
        && !key.starts_with("django-insecure-")
}

/// `setting` is a `SECRET_KEY` assignment in a settings module; true when reported.
pub(crate) fn check(ctx: &Ctx, setting: &Setting, out: &mut Vec<Finding>) -> bool {
    let real = setting.node.kind_str() == "assignment"
        && literal_str(ctx, setting.value).is_some_and(|k| looks_real(&k));
    if real {
        out.push(Finding {
            rule: &RULE,
            range: setting.node.byte_range(),
            message: "this `SECRET_KEY` looks like a real key and is in the source: anyone with the repository can forge sessions, password-reset tokens and signed data; read it from the environment and rotate it via `SECRET_KEY_FALLBACKS`".into(),
            fix: None,
        });
    }
    real
}
