//! The rule registry and the per-node dispatch: each rule file exports its
//! `Rule` static(s) and a `check` for the node kind it looks at.

mod allowed_hosts_wildcard;
mod api_usage;
mod assert_num_queries;
mod await_in_loop;
mod blocking_call;
mod celery;
mod comparisons;
mod comprehension_in_call;
mod create_task;
mod decorator;
mod dict_keys;
mod django_api;
mod django_settings;
mod drf_nested_serializer;
mod dunder_method;
mod eq_bool;
mod eq_none;
mod eq_without_hash;
mod generator;
mod is_literal;
mod mark_safe;
mod meta_indexes;
mod middleware_class;
mod middleware_order;
mod missing_wraps;
mod multiple_inheritance;
mod mutable_default;
mod secret_key_literal;
mod set_password;
mod signal_connect;
mod weak_password_hasher;
mod x_frame_allow_from;

use std::sync::LazyLock;

use tree_sitter::Node;

use super::context::Ctx;
use super::{Finding, Rule};

/// Every rule, ordered by code.
pub static RULES: LazyLock<Vec<&'static Rule>> = LazyLock::new(|| {
    let mut rules: Vec<&'static Rule> = vec![
        &mutable_default::RULE,
        &dict_keys::RULE,
        &comprehension_in_call::RULE,
        &decorator::RULE,
        &missing_wraps::RULE,
        &generator::GENERATOR,
        &generator::YIELD_FROM,
        &create_task::RULE,
        &await_in_loop::RULE,
        &blocking_call::SLEEP,
        &blocking_call::HTTP,
        &blocking_call::SUBPROCESS,
        &blocking_call::OPEN,
        &is_literal::RULE,
        &eq_none::RULE,
        &eq_bool::RULE,
        &multiple_inheritance::RULE,
        &dunder_method::DUNDER,
        &dunder_method::CALL,
        &eq_without_hash::RULE,
        &middleware_order::RULE,
        &middleware_class::RULE,
        &mark_safe::RULE,
        &x_frame_allow_from::RULE,
        &allowed_hosts_wildcard::RULE,
        &secret_key_literal::RULE,
        &weak_password_hasher::RULE,
        &set_password::RULE,
        &meta_indexes::RULE,
        &signal_connect::RULE,
        &drf_nested_serializer::RULE,
        &assert_num_queries::RULE,
    ];
    rules.extend(api_usage::rules());
    rules.extend(django_api::rules());
    rules.extend(django_settings::rules());
    rules.extend(celery::rules());
    rules.sort_by_key(|r| r.code);
    rules
});

/// Runs the rules that look at `node`'s kind.
pub(crate) fn visit(ctx: &Ctx, node: Node, out: &mut Vec<Finding>) {
    match node.kind() {
        "comparison_operator" => {
            is_literal::check(ctx, node, out);
            eq_none::check(ctx, node, out);
            eq_bool::check(ctx, node, out);
            dict_keys::check(ctx, node, out);
        }
        "default_parameter" | "typed_default_parameter" => mutable_default::check(ctx, node, out),
        "call" => {
            comprehension_in_call::check(ctx, node, out);
            blocking_call::check(ctx, node, out);
            mark_safe::check(ctx, node, out);
            set_password::check(ctx, node, out);
            signal_connect::check(ctx, node, out);
            assert_num_queries::check(ctx, node, out);
        }
        "decorator" => decorator::check(ctx, node, out),
        "function_definition" => {
            missing_wraps::check(ctx, node, out);
            generator::check_function(ctx, node, out);
            dunder_method::check(ctx, node, out);
        }
        "yield" => generator::check_yield(ctx, node, out),
        "expression_statement" => create_task::check(ctx, node, out),
        "for_statement" => await_in_loop::check(ctx, node, out),
        "class_definition" => {
            multiple_inheritance::check(ctx, node, out);
            eq_without_hash::check(ctx, node, out);
            middleware_class::check(ctx, node, out);
            meta_indexes::check(ctx, node, out);
            drf_nested_serializer::check(ctx, node, out);
        }
        "module" => {
            django_settings::check(ctx, node, out);
            celery::check(ctx, node, out);
        }
        "identifier" | "attribute" => api_usage::check(ctx, node, out),
        _ => {}
    }
}
