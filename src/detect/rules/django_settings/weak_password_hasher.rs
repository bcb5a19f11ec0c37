//! PG720 `insecure-password-hash`: a fast, weak hasher first in
//! `PASSWORD_HASHERS`.
//!
//! **What it matches**: the first entry of a module-level `PASSWORD_HASHERS`
//! list or tuple when it is `MD5PasswordHasher`, `SHA1PasswordHasher`,
//! `UnsaltedMD5PasswordHasher`, `UnsaltedSHA1PasswordHasher` or
//! `CryptPasswordHasher` (any module path).
//!
//! **Why**: the first hasher hashes every new and upgraded password. MD5 and
//! SHA-1 are built for speed, so a leaked table is cracked at billions of
//! guesses per second; the unsalted variants also give equal passwords equal
//! hashes. Put `Argon2PasswordHasher`, `ScryptPasswordHasher` or the default
//! `PBKDF2PasswordHasher` first; older hashers may follow, to verify and
//! upgrade existing hashes.
//!
//! **Not reported**: weak hashers listed after a strong one, and files that
//! mention "test" anywhere (Django's docs recommend MD5 in test settings, to
//! make tests fast).
//!
//! **References**: <https://docs.djangoproject.com/en/5.2/topics/auth/passwords/>,
//! <https://docs.djangoproject.com/en/5.2/topics/testing/overview/#password-hashing>

use crate::detect::context::Ctx;
use crate::detect::rules::django_settings::settings::{Setting, literal_str};
use crate::detect::syntax::NodeExt;
use crate::detect::{Finding, Rule, Severity};
use crate::text::code_span;

pub(crate) static RULE: Rule = Rule {
    code: "PG720",
    construct: "insecure-password-hash",
    severity: Severity::Warning,
    fixable: false,
    topic: "password-hashing",
    summary: "weak hasher first in `PASSWORD_HASHERS`: new passwords get fast MD5/SHA-1 hashes; put Argon2, scrypt or PBKDF2 first",
};

const WEAK: &[&str] = &[
    "MD5PasswordHasher",
    "SHA1PasswordHasher",
    "UnsaltedMD5PasswordHasher",
    "UnsaltedSHA1PasswordHasher",
    "CryptPasswordHasher",
];

/// `setting` is a `PASSWORD_HASHERS` assignment; never replaces the hint.
pub(crate) fn check(ctx: &Ctx, setting: &Setting, out: &mut Vec<Finding>) -> bool {
    if setting.node.kind_str() != "assignment" || ctx.src.to_ascii_lowercase().contains("test") {
        return false;
    }
    let mut c = setting.value.walk();
    let Some(node) = setting
        .value
        .named_children(&mut c)
        .find(|e| e.kind_str() != "comment")
        .filter(|_| matches!(setting.value.kind_str(), "list" | "tuple"))
    else {
        return false;
    };
    let Some(first) = literal_str(ctx, node) else {
        return false;
    };
    let class = first.rsplit('.').next().unwrap_or(&first);
    if WEAK.contains(&class) {
        out.push(Finding {
            rule: &RULE,
            range: node.byte_range(),
            message: format!(
                "{} first: every new password gets a fast hash that a leaked table cracks at billions of guesses per second; put `Argon2PasswordHasher`, `ScryptPasswordHasher` or `PBKDF2PasswordHasher` first",
                code_span(class)
            ),
            fix: None,
        });
    }
    false
}
