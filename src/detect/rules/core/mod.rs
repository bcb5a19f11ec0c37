//! Core Python rules (PG1xx, PG4xx, PG5xx, PG8xx): the language itself
//! (comparisons, defaults, decorators, generators, scopes, closures, the data
//! model, slots, metaclasses, `match`, type parameters, exception groups)
//! and well-known standard-library and third-party APIs read by qualified
//! name (`api_usage`: logging, typing, dataclasses, pydantic, pytest...).

pub(super) mod api_usage;
pub(super) mod closure_in_loop;
pub(super) mod comprehension_in_call;
pub(super) mod comprehension_scope;
pub(super) mod decorator;
pub(super) mod dict_keys;
pub(super) mod dunder_method;
pub(super) mod enum_mixin;
pub(super) mod eq_bool;
pub(super) mod eq_none;
pub(super) mod eq_without_hash;
pub(super) mod exception_groups;
pub(super) mod generator;
pub(super) mod is_literal;
pub(super) mod logging_calls;
pub(super) mod lru_cache_method;
pub(super) mod match_statement;
pub(super) mod metaclass;
pub(super) mod missing_wraps;
pub(super) mod multiple_inheritance;
pub(super) mod mutable_default;
pub(super) mod nonlocal_statement;
pub(super) mod slots;
pub(super) mod type_params;
