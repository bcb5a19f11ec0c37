//! Django settings rules (PG7xx): module-level setting assignments
//! (`settings.rs` reads them and dispatches to the rest of this folder):
//! `ALLOWED_HOSTS`, `SECRET_KEY`, `MIDDLEWARE` order, `X_FRAME_OPTIONS`,
//! `PASSWORD_HASHERS`; plus `set_password`, which hashes with the latter.

pub(super) mod allowed_hosts_wildcard;
pub(super) mod middleware_order;
pub(super) mod secret_key_literal;
pub(super) mod set_password;
pub(super) mod settings;
pub(super) mod weak_password_hasher;
pub(super) mod x_frame_allow_from;
