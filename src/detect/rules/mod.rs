//! The rule registry and the per-node dispatch: each rule file exports its
//! `Rule` static(s) and a `check` for the node kind it looks at.

mod api_usage;
mod await_in_loop;
mod blocking_call;
mod cancelled_error;
mod closure_in_loop;
mod comparisons;
mod comprehension_in_call;
mod comprehension_scope;
mod create_task;
mod decorator;
mod dict_keys;
mod dunder_method;
mod enum_mixin;
mod eq_bool;
mod eq_none;
mod eq_without_hash;
mod exception_groups;
mod generator;
mod is_literal;
mod logging_calls;
mod lru_cache_method;
mod match_statement;
mod metaclass;
mod missing_wraps;
mod multiple_inheritance;
mod mutable_default;
mod nonlocal_statement;
mod run_in_executor;
mod scope;
mod slots;
mod type_params;

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
        &closure_in_loop::RULE,
        &nonlocal_statement::RULE,
        &comprehension_scope::WALRUS,
        &comprehension_scope::CLASS_BODY,
        &exception_groups::EXCEPT_STAR,
        &exception_groups::ADD_NOTE,
        &lru_cache_method::RULE,
        &cancelled_error::RULE,
        &run_in_executor::RULE,
        &dunder_method::ASYNC_DUNDER,
        &generator::ASYNC_GENERATOR,
        &slots::SLOTS,
        &slots::DATACLASS_SLOTS,
        &dunder_method::DESCRIPTOR,
        &metaclass::KEYWORD,
        &metaclass::TYPE_SUBCLASS,
        &dunder_method::INIT_SUBCLASS,
        &dunder_method::NEW,
        &type_params::RULE,
        &match_statement::MATCH,
        &match_statement::CAPTURE,
        &logging_calls::FORMATTED,
        &logging_calls::ERROR_IN_EXCEPT,
    ];
    rules.extend(api_usage::rules());
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
            exception_groups::check_add_note(ctx, node, out);
            run_in_executor::check(ctx, node, out);
            logging_calls::check(ctx, node, out);
        }
        "decorator" => {
            decorator::check(ctx, node, out);
            slots::check_decorator(ctx, node, out);
        }
        "function_definition" => {
            missing_wraps::check(ctx, node, out);
            generator::check_function(ctx, node, out);
            dunder_method::check(ctx, node, out);
            closure_in_loop::check(ctx, node, out);
        }
        "lambda" => closure_in_loop::check(ctx, node, out),
        "nonlocal_statement" => nonlocal_statement::check(ctx, node, out),
        "named_expression" => comprehension_scope::check_walrus(ctx, node, out),
        "list_comprehension"
        | "set_comprehension"
        | "dictionary_comprehension"
        | "generator_expression" => comprehension_scope::check_class_body(ctx, node, out),
        "except_clause" => {
            exception_groups::check_except(ctx, node, out);
            cancelled_error::check(ctx, node, out);
        }
        "decorated_definition" => lru_cache_method::check(ctx, node, out),
        "assignment" => slots::check_assignment(ctx, node, out),
        "type_parameter" => type_params::check(ctx, node, out),
        "match_statement" => match_statement::check(ctx, node, out),
        "yield" => generator::check_yield(ctx, node, out),
        "expression_statement" => create_task::check(ctx, node, out),
        "for_statement" => await_in_loop::check(ctx, node, out),
        "class_definition" => {
            multiple_inheritance::check(ctx, node, out);
            eq_without_hash::check(ctx, node, out);
            metaclass::check(ctx, node, out);
            enum_mixin::check(ctx, node, out);
        }
        "identifier" | "attribute" => api_usage::check(ctx, node, out),
        _ => {}
    }
}
