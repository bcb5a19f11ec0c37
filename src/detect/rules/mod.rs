//! The rule registry and the per-node dispatch: each rule file exports its
//! `Rule` static(s) and a `check` for the node kind it looks at.

mod api_usage;
mod await_in_loop;
mod blocking_call;
mod comparisons;
mod comprehension_in_call;
mod create_task;
mod db_index;
mod decorator;
mod dict_keys;
mod dunder_method;
mod eq_bool;
mod eq_none;
mod eq_without_hash;
mod generator;
mod is_literal;
mod missing_wraps;
mod multiple_inheritance;
mod mutable_default;
mod n_plus_one;
mod queryset;
mod queryset_api;
mod sql_formatting;
mod sync_orm_in_async;

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
        &n_plus_one::RULE,
        &db_index::RULE,
        &sql_formatting::RULE,
        &sync_orm_in_async::RULE,
    ];
    rules.extend(api_usage::rules());
    rules.extend(queryset_api::rules());
    rules.sort_by_key(|r| r.code);
    rules
});

/// Runs the rules that look at `node`'s kind.
pub(crate) fn visit<'t>(ctx: &Ctx<'t>, node: Node<'t>, out: &mut Vec<Finding>) {
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
            queryset_api::check(ctx, node, out);
            sql_formatting::check(ctx, node, out);
            sync_orm_in_async::check_call(ctx, node, out);
        }
        "keyword_argument" => db_index::check(ctx, node, out),
        "for_in_clause" => n_plus_one::check(ctx, node, out),
        "decorator" => decorator::check(ctx, node, out),
        "function_definition" => {
            missing_wraps::check(ctx, node, out);
            generator::check_function(ctx, node, out);
            dunder_method::check(ctx, node, out);
        }
        "yield" => generator::check_yield(ctx, node, out),
        "expression_statement" => create_task::check(ctx, node, out),
        "for_statement" => {
            await_in_loop::check(ctx, node, out);
            n_plus_one::check(ctx, node, out);
            sync_orm_in_async::check_for(ctx, node, out);
        }
        "class_definition" => {
            multiple_inheritance::check(ctx, node, out);
            eq_without_hash::check(ctx, node, out);
        }
        "identifier" | "attribute" => api_usage::check(ctx, node, out),
        _ => {}
    }
}
