//! PG103 `list-comprehension-in-call`: a list comprehension passed straight
//! to `sum`, `any`, `all`, `min` or `max`.
//!
//! **What it matches**: `sum([x * x for x in xs])`, `any([p(x) for x in xs])`,
//! `max([len(w) for w in words], default=0)`.
//!
//! **Why**: the list is built in full only to be consumed once. A generator
//! expression feeds the function one item at a time in constant memory, and
//! `any`/`all` stop at the first decisive item (so side effects in the
//! comprehension stop running too: check that nothing relies on them).
//!
//! **Example**: `total = sum([p.price for p in items])` → **Fix**:
//! `total = sum(p.price for p in items)` (kept in parentheses when other
//! arguments follow).
//!
//! **Not reported**: `sorted([...])` and `"".join([...])`, which build a list
//! from their argument anyway, so a generator saves nothing there.
//!
//! **References**: <https://docs.python.org/3/reference/expressions.html#generator-expressions>

use crate::detect::syntax::{NodeExt, field};
use tree_sitter::Node;

use crate::detect::context::Ctx;
use crate::detect::{Applicability, Edit, Finding, Fix, Rule, Severity};

pub(crate) static RULE: Rule = Rule {
    code: "PG103",
    construct: "list-comprehension-in-call",
    severity: Severity::Hint,
    fixable: true,
    topic: "generators-vs-iterators",
    summary: "list comprehension consumed once by sum/any/all/min/max: a generator expression suffices",
};

const CONSUMERS: &[&str] = &[
    "builtins.sum",
    "builtins.any",
    "builtins.all",
    "builtins.min",
    "builtins.max",
];

pub(crate) fn check(ctx: &Ctx, call: Node, out: &mut Vec<Finding>) {
    let (Some(func), Some(args)) = (
        call.child_by_field_id(field::FUNCTION),
        call.child_by_field_id(field::ARGUMENTS),
    ) else {
        return;
    };
    if args.kind_str() != "argument_list" {
        return;
    }
    let Some(name) = ctx
        .resolve(func)
        .filter(|q| CONSUMERS.contains(&q.as_str()))
    else {
        return;
    };
    let mut c = args.walk();
    let named: Vec<Node> = args
        .named_children(&mut c)
        .filter(|n| n.kind_str() != "comment")
        .collect();
    let Some(first) = named
        .first()
        .copied()
        .filter(|n| n.kind_str() == "list_comprehension")
    else {
        return;
    };
    let positional = named
        .iter()
        .filter(|n| n.kind_str() != "keyword_argument")
        .count();
    if positional != 1 {
        return; // `max([...], other)` compares the list itself
    }
    let inner = &ctx.src[first.start_byte() + 1..first.end_byte() - 1];
    let content = if named.len() == 1 {
        inner.to_string()
    } else {
        format!("({inner})")
    };
    let short = name.trim_start_matches("builtins.");
    out.push(Finding {
        rule: &RULE,
        range: first.byte_range(),
        message: format!(
            "`{short}()` consumes this list once; a generator expression avoids building it"
        ),
        fix: Some(Fix {
            message: "Use a generator expression".into(),
            edits: vec![Edit {
                range: first.byte_range(),
                content,
            }],
            applicability: Applicability::Unsafe,
        }),
    });
}
