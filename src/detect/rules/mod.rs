//! The rule registry and the per-node dispatch: each rule file exports its
//! `Rule` static(s) and a `check` for the node kind it looks at. Rules are
//! grouped by area, as ruff groups them by linter: `core/` (the language and
//! well-known APIs), `asyncio/`, `django_orm/`, `django_settings/`,
//! `django_web/` (views, templates, security, DRF, signals) and `celery/`;
//! readers shared by several rules live in `detect/readers/`.

/// `rule!(NAME, "PGnnn", Severity, "construct", "topic", "summary")`
/// declares a `static NAME: Rule` without a fix; `hint!` is the same with
/// `Hint` severity. Shared by the table-driven rule files.
macro_rules! rule {
    ($name:ident, $code:literal, $severity:ident, $construct:literal, $topic:literal, $summary:literal) => {
        pub(crate) static $name: crate::detect::Rule = crate::detect::Rule {
            code: $code,
            construct: $construct,
            severity: crate::detect::Severity::$severity,
            fixable: false,
            topic: $topic,
            summary: $summary,
        };
    };
}

macro_rules! hint {
    ($name:ident, $code:literal, $construct:literal, $topic:literal, $summary:literal) => {
        rule!($name, $code, Hint, $construct, $topic, $summary);
    };
}

mod asyncio;
mod celery;
mod core;
mod django_orm;
mod django_settings;
mod django_web;

use self::asyncio::{await_in_loop, blocking_call, cancelled_error, create_task, run_in_executor};
use self::celery::tasks;
use self::core::{
    api_usage, closure_in_loop, comprehension_in_call, comprehension_scope, decorator, dict_keys,
    dunder_method, enum_mixin, eq_bool, eq_none, eq_without_hash, exception_groups, generator,
    is_literal, logging_calls, lru_cache_method, match_statement, metaclass, missing_wraps,
    multiple_inheritance, mutable_default, nonlocal_statement, slots, type_params,
};
use self::django_orm::{
    assert_num_queries, db_index, meta_indexes, n_plus_one, queryset_api, sync_orm_in_async,
};
use self::django_settings::{
    allowed_hosts_wildcard, middleware_order, secret_key_literal, set_password, settings,
    weak_password_hasher, x_frame_allow_from,
};
use self::django_web::{
    django_api, drf_nested_serializer, mark_safe, middleware_class, signal_connect, sql_formatting,
};

use std::sync::LazyLock;

use tree_sitter::Node;

use super::context::Ctx;
use super::skim;

/// PG401's token scan, which `detect/skim.rs` runs in its lexer pass.
pub(crate) use self::core::is_literal::IsScan;
pub(crate) use self::core::mutable_default::may_default_mutable;
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
    rules.extend(queryset_api::rules());
    rules.extend(django_api::rules());
    rules.extend(settings::rules());
    rules.extend(tasks::rules());
    rules.sort_by_key(|r| r.code);
    rules
});

/// The rule files [`visit`] dispatches to, one bit each: a file's checks
/// run only when one of the rules it may report is selected
/// ([`super::RuleSet`]), so `check` without `--hints` skips the hint-only
/// files' work instead of filtering their findings afterwards.
pub(crate) mod check {
    pub const API_USAGE: u64 = 1 << 0;
    pub const COMPREHENSION_IN_CALL: u64 = 1 << 1;
    pub const BLOCKING_CALL: u64 = 1 << 2;
    pub const QUERYSET_API: u64 = 1 << 3;
    pub const SQL_FORMATTING: u64 = 1 << 4;
    pub const SYNC_ORM_IN_ASYNC: u64 = 1 << 5;
    pub const MARK_SAFE: u64 = 1 << 6;
    pub const SET_PASSWORD: u64 = 1 << 7;
    pub const SIGNAL_CONNECT: u64 = 1 << 8;
    pub const ASSERT_NUM_QUERIES: u64 = 1 << 9;
    pub const EXCEPTION_GROUPS: u64 = 1 << 10;
    pub const RUN_IN_EXECUTOR: u64 = 1 << 11;
    pub const LOGGING_CALLS: u64 = 1 << 12;
    pub const IS_LITERAL: u64 = 1 << 13;
    pub const EQ_NONE: u64 = 1 << 14;
    pub const EQ_BOOL: u64 = 1 << 15;
    pub const DICT_KEYS: u64 = 1 << 16;
    pub const DB_INDEX: u64 = 1 << 17;
    pub const SLOTS: u64 = 1 << 18;
    pub const MUTABLE_DEFAULT: u64 = 1 << 19;
    pub const N_PLUS_ONE: u64 = 1 << 20;
    pub const DECORATOR: u64 = 1 << 21;
    pub const LRU_CACHE_METHOD: u64 = 1 << 22;
    pub const MISSING_WRAPS: u64 = 1 << 23;
    pub const GENERATOR: u64 = 1 << 24;
    pub const DUNDER_METHOD: u64 = 1 << 25;
    pub const CLOSURE_IN_LOOP: u64 = 1 << 26;
    pub const CREATE_TASK: u64 = 1 << 27;
    pub const AWAIT_IN_LOOP: u64 = 1 << 28;
    pub const MULTIPLE_INHERITANCE: u64 = 1 << 29;
    pub const EQ_WITHOUT_HASH: u64 = 1 << 30;
    pub const MIDDLEWARE_CLASS: u64 = 1 << 31;
    pub const META_INDEXES: u64 = 1 << 32;
    pub const DRF_NESTED_SERIALIZER: u64 = 1 << 33;
    pub const METACLASS: u64 = 1 << 34;
    pub const ENUM_MIXIN: u64 = 1 << 35;
    pub const NONLOCAL_STATEMENT: u64 = 1 << 36;
    pub const COMPREHENSION_SCOPE: u64 = 1 << 37;
    pub const CANCELLED_ERROR: u64 = 1 << 38;
    pub const TYPE_PARAMS: u64 = 1 << 39;
    pub const MATCH_STATEMENT: u64 = 1 << 40;
    pub const SETTINGS: u64 = 1 << 41;
    pub const TASKS: u64 = 1 << 42;
}

/// Each bit of [`check`] with the rules its file may report (a file may
/// report another file's rule: `api_usage` reports `csrf_exempt`).
/// `tests/selection.rs` holds the table to what the files report.
static CHECKS: LazyLock<Vec<(u64, Vec<&'static Rule>)>> = LazyLock::new(|| {
    vec![
        (
            check::API_USAGE,
            api_usage::rules().chain(django_api::rules()).collect(),
        ),
        (
            check::COMPREHENSION_IN_CALL,
            vec![&comprehension_in_call::RULE],
        ),
        (
            check::BLOCKING_CALL,
            vec![
                &blocking_call::SLEEP,
                &blocking_call::HTTP,
                &blocking_call::SUBPROCESS,
                &blocking_call::OPEN,
            ],
        ),
        (check::QUERYSET_API, queryset_api::rules().collect()),
        (check::SQL_FORMATTING, vec![&sql_formatting::RULE]),
        (check::SYNC_ORM_IN_ASYNC, vec![&sync_orm_in_async::RULE]),
        (check::MARK_SAFE, vec![&mark_safe::RULE]),
        (check::SET_PASSWORD, vec![&set_password::RULE]),
        (check::SIGNAL_CONNECT, vec![&signal_connect::RULE]),
        (check::ASSERT_NUM_QUERIES, vec![&assert_num_queries::RULE]),
        (
            check::EXCEPTION_GROUPS,
            vec![&exception_groups::EXCEPT_STAR, &exception_groups::ADD_NOTE],
        ),
        (check::RUN_IN_EXECUTOR, vec![&run_in_executor::RULE]),
        (
            check::LOGGING_CALLS,
            vec![&logging_calls::FORMATTED, &logging_calls::ERROR_IN_EXCEPT],
        ),
        (check::IS_LITERAL, vec![&is_literal::RULE]),
        (check::EQ_NONE, vec![&eq_none::RULE]),
        (check::EQ_BOOL, vec![&eq_bool::RULE]),
        (check::DICT_KEYS, vec![&dict_keys::RULE]),
        (check::DB_INDEX, vec![&db_index::RULE]),
        (check::SLOTS, vec![&slots::SLOTS, &slots::DATACLASS_SLOTS]),
        (check::MUTABLE_DEFAULT, vec![&mutable_default::RULE]),
        (check::N_PLUS_ONE, vec![&n_plus_one::RULE]),
        (check::DECORATOR, vec![&decorator::RULE]),
        (check::LRU_CACHE_METHOD, vec![&lru_cache_method::RULE]),
        (check::MISSING_WRAPS, vec![&missing_wraps::RULE]),
        (
            check::GENERATOR,
            vec![
                &generator::GENERATOR,
                &generator::YIELD_FROM,
                &generator::ASYNC_GENERATOR,
            ],
        ),
        (
            check::DUNDER_METHOD,
            vec![
                &dunder_method::DUNDER,
                &dunder_method::CALL,
                &dunder_method::ASYNC_DUNDER,
                &dunder_method::DESCRIPTOR,
                &dunder_method::INIT_SUBCLASS,
                &dunder_method::NEW,
            ],
        ),
        (check::CLOSURE_IN_LOOP, vec![&closure_in_loop::RULE]),
        (check::CREATE_TASK, vec![&create_task::RULE]),
        (check::AWAIT_IN_LOOP, vec![&await_in_loop::RULE]),
        (
            check::MULTIPLE_INHERITANCE,
            vec![&multiple_inheritance::RULE],
        ),
        (check::EQ_WITHOUT_HASH, vec![&eq_without_hash::RULE]),
        (check::MIDDLEWARE_CLASS, vec![&middleware_class::RULE]),
        (check::META_INDEXES, vec![&meta_indexes::RULE]),
        (
            check::DRF_NESTED_SERIALIZER,
            vec![&drf_nested_serializer::RULE],
        ),
        (
            check::METACLASS,
            vec![&metaclass::KEYWORD, &metaclass::TYPE_SUBCLASS],
        ),
        (check::ENUM_MIXIN, vec![&api_usage::STR_ENUM]),
        (check::NONLOCAL_STATEMENT, vec![&nonlocal_statement::RULE]),
        (
            check::COMPREHENSION_SCOPE,
            vec![
                &comprehension_scope::WALRUS,
                &comprehension_scope::CLASS_BODY,
            ],
        ),
        (check::CANCELLED_ERROR, vec![&cancelled_error::RULE]),
        (check::TYPE_PARAMS, vec![&type_params::RULE]),
        (
            check::MATCH_STATEMENT,
            vec![&match_statement::MATCH, &match_statement::CAPTURE],
        ),
        (
            check::SETTINGS,
            settings::rules()
                .chain([
                    &middleware_order::RULE,
                    &x_frame_allow_from::RULE,
                    &allowed_hosts_wildcard::RULE,
                    &secret_key_literal::RULE,
                    &weak_password_hasher::RULE,
                ])
                .collect(),
        ),
        (check::TASKS, tasks::rules().collect()),
    ]
});

/// The [`check`] bits to run so that every rule `enabled` accepts is
/// reported.
pub(crate) fn checks_for(enabled: impl Fn(&Rule) -> bool) -> u64 {
    CHECKS
        .iter()
        .filter(|(_, rules)| rules.iter().any(|r| enabled(r)))
        .fold(0, |mask, (bit, _)| mask | bit)
}

/// Node kind ids of the grammar, looked up once: comparing ids is much
/// cheaper than `Node::kind()` strings on every node.
struct Kinds {
    comparison_operator: u16,
    default_parameter: u16,
    typed_default_parameter: u16,
    call: u16,
    keyword_argument: u16,
    for_in_clause: u16,
    decorator: u16,
    function_definition: u16,
    yield_: u16,
    expression_statement: u16,
    for_statement: u16,
    class_definition: u16,
    identifier: u16,
    attribute: u16,
    module: u16,
    assignment: u16,
    decorated_definition: u16,
    lambda: u16,
    nonlocal_statement: u16,
    named_expression: u16,
    comprehensions: [u16; 4],
    except_clause: u16,
    type_parameter: u16,
    match_statement: u16,
    /// By kind id: whether any kind above is it (most nodes are of a kind
    /// no rule looks at: one lookup instead of the whole chain of tests).
    handled: Vec<bool>,
}

impl Kinds {
    /// Every kind [`visit`] dispatches on: each field above.
    fn dispatched(&self) -> impl Iterator<Item = u16> + '_ {
        [
            self.comparison_operator,
            self.default_parameter,
            self.typed_default_parameter,
            self.call,
            self.keyword_argument,
            self.for_in_clause,
            self.decorator,
            self.function_definition,
            self.yield_,
            self.expression_statement,
            self.for_statement,
            self.class_definition,
            self.identifier,
            self.attribute,
            self.module,
            self.assignment,
            self.decorated_definition,
            self.lambda,
            self.nonlocal_statement,
            self.named_expression,
            self.except_clause,
            self.type_parameter,
            self.match_statement,
        ]
        .into_iter()
        .chain(self.comprehensions)
    }
}

static KINDS: LazyLock<Kinds> = LazyLock::new(|| {
    let language: tree_sitter::Language = tree_sitter_python::LANGUAGE.into();
    let id = |kind: &str| language.id_for_node_kind(kind, true);
    let mut kinds = Kinds {
        comparison_operator: id("comparison_operator"),
        default_parameter: id("default_parameter"),
        typed_default_parameter: id("typed_default_parameter"),
        call: id("call"),
        keyword_argument: id("keyword_argument"),
        for_in_clause: id("for_in_clause"),
        decorator: id("decorator"),
        function_definition: id("function_definition"),
        yield_: id("yield"),
        expression_statement: id("expression_statement"),
        for_statement: id("for_statement"),
        class_definition: id("class_definition"),
        identifier: id("identifier"),
        attribute: id("attribute"),
        module: id("module"),
        assignment: id("assignment"),
        decorated_definition: id("decorated_definition"),
        lambda: id("lambda"),
        nonlocal_statement: id("nonlocal_statement"),
        named_expression: id("named_expression"),
        comprehensions: [
            id("list_comprehension"),
            id("set_comprehension"),
            id("dictionary_comprehension"),
            id("generator_expression"),
        ],
        except_clause: id("except_clause"),
        type_parameter: id("type_parameter"),
        match_statement: id("match_statement"),
        handled: Vec::new(),
    };
    let mut handled = vec![false; language.node_kind_count()];
    for kind in kinds.dispatched() {
        if let Some(h) = handled.get_mut(usize::from(kind)) {
            *h = true;
        }
    }
    kinds.handled = handled;
    kinds
});

/// Runs the rules that look at `node`'s kind; `parent` is its parent.
pub(crate) fn visit<'t>(
    ctx: &Ctx<'t>,
    node: Node<'t>,
    parent: Option<Node<'t>>,
    out: &mut Vec<Finding>,
) {
    let k = &*KINDS;
    let kind = node.kind_id();
    let handled = k.handled.get(usize::from(kind)).copied().unwrap_or(false);
    // Debug builds (the tests) run the chain anyway and check the table
    // against it on every node they analyse.
    if !handled && !cfg!(debug_assertions) {
        return;
    }
    let on = ctx.options.checks();
    if kind == k.identifier || kind == k.attribute {
        if let Some(parent) = parent
            && on & check::API_USAGE != 0
        {
            api_usage::check(ctx, node, parent, out);
        }
    } else if kind == k.call {
        if on & check::COMPREHENSION_IN_CALL != 0 {
            comprehension_in_call::check(ctx, node, out);
        }
        if on & check::BLOCKING_CALL != 0 {
            blocking_call::check(ctx, node, out);
        }
        if on & check::QUERYSET_API != 0 {
            queryset_api::check(ctx, node, out);
        }
        if on & check::SQL_FORMATTING != 0 {
            sql_formatting::check(ctx, node, out);
        }
        if on & check::SYNC_ORM_IN_ASYNC != 0 {
            sync_orm_in_async::check_call(ctx, node, out);
        }
        if on & check::MARK_SAFE != 0 {
            mark_safe::check(ctx, node, out);
        }
        if on & check::SET_PASSWORD != 0 {
            set_password::check(ctx, node, out);
        }
        if on & check::SIGNAL_CONNECT != 0 {
            signal_connect::check(ctx, node, out);
        }
        if on & check::ASSERT_NUM_QUERIES != 0 {
            assert_num_queries::check(ctx, node, out);
        }
        if on & check::EXCEPTION_GROUPS != 0 {
            exception_groups::check_add_note(ctx, node, out);
        }
        if on & check::RUN_IN_EXECUTOR != 0 {
            run_in_executor::check(ctx, node, out);
        }
        if on & check::LOGGING_CALLS != 0 {
            logging_calls::check(ctx, node, out);
        }
    } else if kind == k.comparison_operator {
        if on & check::IS_LITERAL != 0 {
            is_literal::check(ctx, node, out);
        }
        if on & check::EQ_NONE != 0 {
            eq_none::check(ctx, node, out);
        }
        if on & check::EQ_BOOL != 0 {
            eq_bool::check(ctx, node, out);
        }
        if on & check::DICT_KEYS != 0 {
            dict_keys::check(ctx, node, out);
        }
    } else if kind == k.keyword_argument {
        if on & check::DB_INDEX != 0 {
            db_index::check(ctx, node, out);
        }
    } else if kind == k.assignment {
        if on & check::SLOTS != 0 {
            slots::check_assignment(ctx, node, out);
        }
    } else if kind == k.default_parameter || kind == k.typed_default_parameter {
        if on & check::MUTABLE_DEFAULT != 0 {
            mutable_default::check(ctx, node, out);
        }
    } else if kind == k.for_in_clause {
        if on & check::N_PLUS_ONE != 0 {
            n_plus_one::check(ctx, node, out);
        }
    } else if kind == k.decorator {
        if on & check::DECORATOR != 0 {
            decorator::check(ctx, node, out);
        }
        if on & check::SLOTS != 0 {
            slots::check_decorator(ctx, node, out);
        }
    } else if kind == k.decorated_definition {
        if on & check::LRU_CACHE_METHOD != 0 {
            lru_cache_method::check(ctx, node, out);
        }
    } else if kind == k.function_definition {
        if on & check::MISSING_WRAPS != 0 {
            missing_wraps::check(ctx, node, out);
        }
        if on & check::GENERATOR != 0 {
            generator::check_function(ctx, node, out);
        }
        if on & check::DUNDER_METHOD != 0 {
            dunder_method::check(ctx, node, out);
        }
        if on & check::CLOSURE_IN_LOOP != 0 {
            closure_in_loop::check(ctx, node, out);
        }
    } else if kind == k.lambda {
        if on & check::CLOSURE_IN_LOOP != 0 {
            closure_in_loop::check(ctx, node, out);
        }
    } else if kind == k.yield_ {
        if on & check::GENERATOR != 0 {
            generator::check_yield(ctx, node, out);
        }
    } else if kind == k.expression_statement {
        if on & check::CREATE_TASK != 0 {
            create_task::check(ctx, node, out);
        }
    } else if kind == k.for_statement {
        if on & check::AWAIT_IN_LOOP != 0 {
            await_in_loop::check(ctx, node, out);
        }
        if on & check::N_PLUS_ONE != 0 {
            n_plus_one::check(ctx, node, out);
        }
        if on & check::SYNC_ORM_IN_ASYNC != 0 {
            sync_orm_in_async::check_for(ctx, node, out);
        }
    } else if kind == k.class_definition {
        if on & check::MULTIPLE_INHERITANCE != 0 {
            multiple_inheritance::check(ctx, node, out);
        }
        if on & check::EQ_WITHOUT_HASH != 0 {
            eq_without_hash::check(ctx, node, out);
        }
        if on & check::MIDDLEWARE_CLASS != 0 {
            middleware_class::check(ctx, node, out);
        }
        if on & check::META_INDEXES != 0 {
            meta_indexes::check(ctx, node, out);
        }
        if on & check::DRF_NESTED_SERIALIZER != 0 {
            drf_nested_serializer::check(ctx, node, out);
        }
        if on & check::METACLASS != 0 {
            metaclass::check(ctx, node, out);
        }
        if on & check::ENUM_MIXIN != 0 {
            enum_mixin::check(ctx, node, out);
        }
    } else if kind == k.nonlocal_statement {
        if on & check::NONLOCAL_STATEMENT != 0 {
            nonlocal_statement::check(ctx, node, out);
        }
    } else if kind == k.named_expression {
        if on & check::COMPREHENSION_SCOPE != 0 {
            comprehension_scope::check_walrus(ctx, node, out);
        }
    } else if k.comprehensions.contains(&kind) {
        if on & check::COMPREHENSION_SCOPE != 0 {
            comprehension_scope::check_class_body(ctx, node, out);
        }
    } else if kind == k.except_clause {
        if on & check::EXCEPTION_GROUPS != 0 {
            exception_groups::check_except(ctx, node, out);
        }
        if on & check::CANCELLED_ERROR != 0 {
            cancelled_error::check(ctx, node, out);
        }
    } else if kind == k.type_parameter {
        if on & check::TYPE_PARAMS != 0 {
            type_params::check(ctx, node, out);
        }
    } else if kind == k.match_statement {
        if on & check::MATCH_STATEMENT != 0 {
            match_statement::check(ctx, node, out);
        }
    } else if kind == k.module {
        if on & check::SETTINGS != 0 {
            settings::check(ctx, node, out);
        }
        if on & check::TASKS != 0 {
            tasks::check(ctx, node, out);
        }
    } else {
        debug_assert!(!handled, "kind {kind} is in the table but not dispatched");
        return;
    }
    debug_assert!(
        handled,
        "kind {kind} is dispatched but not in `Kinds::dispatched`"
    );
}

/// Every (rule, qualified name) of the name tables (standard library and
/// third-party APIs, Django APIs, queryset expression classes), in table
/// order: what `import X` or `from X import Y` can point at.
pub(crate) fn named_apis() -> impl Iterator<Item = (&'static Rule, &'static str)> {
    [api_usage::TABLE, django_api::TABLE, queryset_api::CLASSES]
        .into_iter()
        .flatten()
        .flat_map(|(rule, names)| names.iter().map(move |n| (*rule, *n)))
}

/// The literals each rule can't fire without, beyond those the name tables
/// give (see [`literals`]): a keyword of the construct, a name it reads,
/// a setting. Sound, not sharp: `def` for a mutable default means every
/// file with a function may hold one.
const LITERALS: &[(&str, &[&str])] = &[
    ("PG101", &["def", "lambda"]),
    ("PG102", &["keys"]),
    ("PG103", &["sum", "any", "all", "min", "max"]),
    ("PG104", &["@"]),
    ("PG105", &["def"]),
    ("PG106", &["yield"]),
    ("PG107", &["yield"]),
    ("PG108", &["lambda", "def"]),
    ("PG109", &["nonlocal"]),
    ("PG110", &[":="]),
    ("PG111", &["class"]),
    ("PG114", &["except"]),
    ("PG116", &["add_note"]),
    ("PG118", &["cache"]),
    ("PG203", &["create_task", "ensure_future"]),
    ("PG205", &["await"]),
    ("PG206", &["async"]),
    ("PG207", &["async"]),
    ("PG208", &["async"]),
    ("PG209", &["async"]),
    ("PG214", &["CancelledError"]),
    ("PG218", &["run_in_executor"]),
    ("PG223", &["__a"]),
    ("PG224", &["yield"]),
    ("PG401", &["is"]),
    ("PG402", &["None"]),
    ("PG403", &["True", "False"]),
    ("PG501", &["class"]),
    ("PG503", &["__"]),
    ("PG504", &["__call__"]),
    ("PG505", &["__eq__"]),
    ("PG506", &["__slots__"]),
    ("PG507", &["slots"]),
    ("PG510", &["__get__", "__set", "__delete__"]),
    ("PG511", &["metaclass"]),
    ("PG512", &["type"]),
    ("PG513", &["__init_subclass__"]),
    ("PG514", &["__new__"]),
    ("PG518", &["Enum"]),
    ("PG523", &["["]),
    ("PG524", &["match"]),
    ("PG525", &["match"]),
    ("PG601", &["for"]),
    ("PG608", &["db_index"]),
    ("PG611", &["raw", "RawSQL", "extra", "execute"]),
    ("PG621", &["async"]),
    ("PG701", &["MIDDLEWARE"]),
    ("PG702", &["MIDDLEWARE"]),
    ("PG703", &["MiddlewareMixin", "get_response"]),
    ("PG705", &["mark_safe"]),
    ("PG706", &["CSRF_"]),
    ("PG707", &["SECURE_CSP"]),
    ("PG708", &["X_FRAME_OPTIONS"]),
    ("PG709", &["X_FRAME_OPTIONS"]),
    ("PG711", &["ALLOWED_HOSTS"]),
    ("PG712", &["ALLOWED_HOSTS"]),
    ("PG713", &["USE_X_FORWARDED_HOST"]),
    ("PG714", &["SECRET_KEY"]),
    ("PG715", &["SECRET_KEY"]),
    ("PG716", &["SECRET_KEY_FALLBACKS"]),
    ("PG717", &["DEBUG"]),
    ("PG718", &["SECURE"]),
    ("PG719", &["PASSWORD_HASHERS"]),
    ("PG720", &["PASSWORD_HASHERS"]),
    ("PG722", &["set_password"]),
    ("PG723", &["AUTH_USER_MODEL"]),
    ("PG725", &["DATABASE_ROUTERS"]),
    ("PG726", &["CONN_MAX_AGE"]),
    ("PG727", &["CONN_HEALTH_CHECKS"]),
    ("PG728", &["pool"]),
    ("PG729", &["ATOMIC_REQUESTS"]),
    ("PG735", &["indexes"]),
    ("PG738", &["CACHES"]),
    ("PG739", &["CacheMiddleware"]),
    ("PG741", &["connect"]),
    ("PG744", &["rest_framework"]),
    ("PG746", &["num_queries", "assertNumQueries"]),
    ("PG750", &["task"]),
    ("PG751", &["delay", "apply_async"]),
    ("PG752", &["retry"]),
    ("PG753", &["autoretry_for"]),
    ("PG754", &["autoretry_for"]),
    ("PG755", &["acks_late"]),
    ("PG756", &["delay", "apply_async"]),
    ("PG811", logging_calls::LEVELS),
    ("PG814", &["error"]),
];

/// Every rule's literals by code: [`LITERALS`], plus the last segment of
/// each qualified name a name-table rule resolves (an import or attribute
/// always spells it: `aio.gather`, `from asyncio import gather as g`) and
/// the method names of the queryset hints.
static LITERALS_BY_CODE: LazyLock<std::collections::HashMap<&'static str, Vec<&'static str>>> =
    LazyLock::new(|| {
        let mut map: std::collections::HashMap<&'static str, Vec<&'static str>> =
            std::collections::HashMap::new();
        for (code, words) in LITERALS {
            map.entry(*code).or_default().extend(words.iter().copied());
        }
        let named = named_apis()
            .filter_map(|(rule, name)| Some((rule, name.rsplit('.').next()?)))
            .chain(queryset_api::method_names());
        for (rule, word) in named {
            map.entry(rule.code).or_default().push(word);
        }
        for words in map.values_mut() {
            words.sort_unstable();
            words.dedup();
        }
        map
    });

/// The literals rule `code` can't fire without (empty: none declared).
pub(crate) fn literals(code: &str) -> Vec<&'static str> {
    LITERALS_BY_CODE.get(code).cloned().unwrap_or_default()
}

/// The unit guard of rule `code`, for a skimmed parse (`detect/skim.rs`):
/// `None` for a rule no function body may be left out for. A rule whose
/// findings spell one of its literals in the function they start in has
/// [`skim::Guard::Spelled`]; the others test what their construct needs. `tests/skim.rs` holds each to its rule on every fixture.
pub(crate) fn unit_guard(code: &str) -> Option<skim::Guard> {
    Some(match code {
        "PG101" => {
            skim::Guard::TestNaming(mutable_default::unit_guard, mutable_default::CONSTRUCTORS)
        }
        "PG105" => skim::Guard::Test(missing_wraps::unit_guard),
        "PG108" => skim::Guard::Test(closure_in_loop::unit_guard),
        "PG111" => skim::Guard::Test(comprehension_scope::unit_guard),
        "PG401" => skim::Guard::Test(is_literal::unit_guard),
        "PG402" => skim::Guard::Test(eq_none::unit_guard),
        "PG525" => skim::Guard::Test(match_statement::unit_guard),
        "PG601" => skim::Guard::Test(n_plus_one::unit_guard),
        "PG118" => skim::Guard::DecoratedBy(&["cache", "lru_cache"]),
        "PG611" => {
            skim::Guard::CallsFormatting(&["raw", "extra", "execute", "executemany", "RawSQL"])
        }
        "PG203" | "PG206" | "PG207" | "PG208" | "PG209" | "PG214" | "PG621" | "PG702" | "PG704"
        | "PG705" | "PG709" | "PG712" | "PG715" | "PG720" | "PG754" | "PG756" => {
            skim::Guard::Spelled
        }
        _ => return None,
    })
}

/// Every file-wide fact rules read through `Ctx::module_fact`, by key: a
/// file analysed in parts (`detect/chunked.rs`) computes each on every
/// part and gives rules the concatenation. A key missing here would be
/// read from one part only; `chunked.rs` tests that none is.
pub(crate) const MODULE_FACTS: &[(&str, crate::detect::context::ModuleFact)] = &[
    ("match-constants", match_statement::module_constants),
    (
        "module-level getLogger names",
        logging_calls::module_loggers,
    ),
    ("star-import", comprehension_scope::star_import),
    ("module-names", comprehension_scope::module_names),
    ("global-names", comprehension_scope::global_names),
    ("signal names", signal_connect::signal_names),
    ("celery apps", tasks::module_apps),
    ("celery tasks", tasks::module_tasks),
    ("celery task modules", tasks::module_task_modules),
    ("celery app tasks", tasks::module_app_tasks),
    ("setting names", settings::module_setting_names),
    ("settings set to True", settings::module_settings_true),
];

/// The module facts a skimmed tree (`detect/skim.rs`) gives exactly: each
/// reads the module's own statements, compound statements' blocks,
/// definitions' names and decorators (`readers::scope::visit_own`,
/// `settings::collect`, `tasks::learn_module`), never a function's body,
/// except `global-names`, whose `global` statements skimming never leaves
/// out (a body holding `global` is parsed). The others count as reads of
/// other statements there.
pub(crate) const SKIM_EXACT_FACTS: &[&str] = &[
    "match-constants",
    "star-import",
    "module-names",
    "global-names",
    "setting names",
    "settings set to True",
    "celery apps",
    "celery tasks",
    "celery task modules",
    "celery app tasks",
];

/// The module's serializer classes (`Ctx::module_strings`), given those
/// of earlier parts of the file.
pub(crate) use drf_nested_serializer::local_serializers;
