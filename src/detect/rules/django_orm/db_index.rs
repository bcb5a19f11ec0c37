//! PG608 `db-index`: `db_index=True` on a Django model field.
//!
//! **What it matches**: the `db_index=True` keyword argument of a field
//! class from `django.db.models` (`models.CharField(max_length=20,
//! db_index=True)`).
//!
//! **Why**: an index speeds up the reads that filter or order by the column
//! and slows every write to the table; `Meta.indexes` with `models.Index`
//! also covers multi-column, partial and expression indexes, and on a large
//! table the migration that builds it needs care.
//!
//! **Example**: `email = models.EmailField(db_index=True)` → consider
//! whether the queries need it, or `Meta.indexes = [models.Index(...)]`.
//!
//! **References**:
//! <https://docs.djangoproject.com/en/stable/ref/models/fields/#db-index>,
//! <https://docs.djangoproject.com/en/stable/ref/models/indexes/>

use crate::detect::syntax::{NodeExt, field};
use tree_sitter::Node;

use crate::detect::context::Ctx;
use crate::detect::{Finding, Rule, Severity};

pub(crate) static RULE: Rule = Rule {
    code: "PG608",
    construct: "db-index",
    severity: Severity::Hint,
    fixable: false,
    topic: "django-database-indexes",
    summary: "`db_index=True`: an index speeds up filters on this column and slows every write",
};

/// `kw` is a `keyword_argument`.
pub(crate) fn check(ctx: &Ctx, kw: Node, out: &mut Vec<Finding>) {
    let is_db_index = kw
        .child_by_field_id(field::NAME)
        .is_some_and(|n| ctx.text(n) == "db_index")
        && kw
            .child_by_field_id(field::VALUE)
            .is_some_and(|v| v.kind_str() == "true");
    if !is_db_index {
        return;
    }
    let field_class = kw
        .parent()
        .and_then(|args| args.parent())
        .filter(|call| call.kind_str() == "call")
        .and_then(|call| call.child_by_field_id(field::FUNCTION))
        .and_then(|f| ctx.resolve(f));
    if field_class
        .is_some_and(|q| q.starts_with("django.db.models.") || q.starts_with("django.contrib."))
    {
        out.push(Finding {
            rule: &RULE,
            range: kw.byte_range(),
            message: RULE.summary.to_string(),
            fix: None,
        });
    }
}
