//! PG746 `django-assert-num-queries`: a test that pins its query count.
//!
//! **What it matches**: calls of the pytest-django fixtures
//! `django_assert_num_queries(...)` / `django_assert_max_num_queries(...)`
//! when the enclosing function takes that fixture as a parameter, and
//! `self.assertNumQueries(...)` (Django's `TestCase`). The range is the call.
//!
//! **Why**: educational. Pinning the number of queries in a test is how an
//! N+1 regression (a missing `select_related`/`prefetch_related`) fails CI
//! instead of production.
//!
//! **References**: <https://pytest-django.readthedocs.io/en/latest/helpers.html#django-assert-num-queries>,
//! <https://docs.djangoproject.com/en/5.2/topics/testing/tools/#django.test.TransactionTestCase.assertNumQueries>

use crate::detect::syntax::{NodeExt, field};
use tree_sitter::Node;

use crate::detect::context::Ctx;
use crate::detect::{Finding, Rule, Severity};

pub(crate) static RULE: Rule = Rule {
    code: "PG746",
    construct: "django-assert-num-queries",
    severity: Severity::Hint,
    fixable: false,
    topic: "pytest-fixtures",
    summary: "query-count assertion: fails the test when an N+1 creeps in",
};

/// `call` is a `call` node.
pub(crate) fn check<'t>(ctx: &Ctx<'t>, call: Node<'t>, out: &mut Vec<Finding>) {
    let Some(func) = call.child_by_field_id(field::FUNCTION) else {
        return;
    };
    let text = ctx.text(func);
    let matched = match text {
        "django_assert_num_queries" | "django_assert_max_num_queries" => ctx
            .enclosing_function(call)
            .is_some_and(|f| has_parameter(ctx, f, text)),
        "self.assertNumQueries" => true,
        _ => false,
    };
    if matched {
        out.push(Finding {
            rule: &RULE,
            range: call.byte_range(),
            message: RULE.summary.to_string(),
            fix: None,
        });
    }
}

fn has_parameter(ctx: &Ctx, func: Node, name: &str) -> bool {
    func.child_by_field_id(field::PARAMETERS).is_some_and(|p| {
        let mut c = p.walk();
        p.named_children(&mut c).any(|param| {
            let id = if param.kind_str() == "identifier" {
                Some(param)
            } else {
                param
                    .child_by_field_id(field::NAME)
                    .or_else(|| param.named_child(0))
            };
            id.is_some_and(|i| ctx.text(i) == name)
        })
    })
}
