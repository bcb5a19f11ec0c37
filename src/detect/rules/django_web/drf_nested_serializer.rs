//! PG744 `drf-nested-serializer`: a serializer used as a field of another
//! DRF serializer.
//!
//! **What it matches**: in the body of a class whose bases include a DRF
//! serializer (`serializers.Serializer`, `ModelSerializer`,
//! `HyperlinkedModelSerializer`, any import spelling) or a class of the same
//! file that does, an assignment `field = SomeSerializer(...)` where the
//! called name ends in `Serializer` and is not one of DRF's own base
//! classes. The range is the call.
//!
//! **Why**: DRF serializes objects one by one, so a nested serializer reads
//! the relation once per row: an N+1 unless the view's queryset uses
//! `select_related` (forward FK/one-to-one) or `prefetch_related`
//! (`many=True`).
//!
//! **References**: <https://www.django-rest-framework.org/api-guide/relations/#nested-relationships>

use crate::detect::syntax::{NodeExt, field};
use std::collections::HashSet;

use tree_sitter::Node;

use crate::detect::context::Ctx;
use crate::detect::{Finding, Rule, Severity};

pub(crate) static RULE: Rule = Rule {
    code: "PG744",
    construct: "drf-nested-serializer",
    severity: Severity::Hint,
    fixable: false,
    topic: "drf-serializer-n-plus-one",
    summary: "nested serializer: reads the relation once per row; `select_related`/`prefetch_related` it in the view's queryset",
};

const DRF_BASES: &[&str] = &[
    "rest_framework.serializers.Serializer",
    "rest_framework.serializers.ModelSerializer",
    "rest_framework.serializers.HyperlinkedModelSerializer",
];

/// `class` is a `class_definition`.
pub(crate) fn check(ctx: &Ctx, class: Node, out: &mut Vec<Finding>) {
    if class.child_by_field_id(field::SUPERCLASSES).is_none()
        || !ctx.imports.imports_from("rest_framework")
    {
        return;
    }
    let serializers = ctx.module_strings(|| local_serializers(ctx, ctx.root(), HashSet::new()));
    if !is_serializer(ctx, class, &serializers) {
        return;
    }
    let Some(body) = class.child_by_field_id(field::BODY) else {
        return;
    };
    let mut c = body.walk();
    for stmt in body.named_children(&mut c) {
        let Some(call) = stmt
            .named_child(0)
            .filter(|a| stmt.kind_str() == "expression_statement" && a.kind_str() == "assignment")
            .and_then(|a| a.child_by_field_id(field::RIGHT))
            .filter(|r| r.kind_str() == "call")
        else {
            continue;
        };
        let Some(func) = call.child_by_field_id(field::FUNCTION) else {
            continue;
        };
        let last = ctx.text(func).rsplit('.').next().unwrap_or("");
        let drf_own = ctx
            .resolve(func)
            .is_some_and(|q| q.starts_with("rest_framework."));
        if last.ends_with("Serializer") && !drf_own {
            let many = ctx.text(call).contains("many=True");
            out.push(Finding {
                rule: &RULE,
                range: call.byte_range(),
                message: if many {
                    "nested serializer with `many=True`: one query per parent row unless the view's queryset uses `prefetch_related`".into()
                } else {
                    "nested serializer: one query per row unless the view's queryset uses `select_related` for this relation".into()
                },
                fix: None,
            });
        }
    }
}

/// Whether `class` has a DRF serializer base or a serializer of this file.
fn is_serializer(ctx: &Ctx, class: Node, local: &HashSet<String>) -> bool {
    let Some(bases) = class.child_by_field_id(field::SUPERCLASSES) else {
        return false;
    };
    let mut c = bases.walk();
    bases.named_children(&mut c).any(|b| {
        ctx.resolve(b)
            .is_some_and(|q| DRF_BASES.contains(&q.as_str()))
            || (b.kind_str() == "identifier" && local.contains(ctx.text(b)))
    })
}

/// Module-level classes that derive (directly or through each other, in
/// file order) from a DRF serializer; `found` are those of earlier
/// statements (a file read in parts passes each part those before it).
pub(crate) fn local_serializers(
    ctx: &Ctx,
    root: Node,
    mut found: HashSet<String>,
) -> HashSet<String> {
    let mut c = root.walk();
    for stmt in root.named_children(&mut c) {
        let class = match stmt.kind_str() {
            "class_definition" => stmt,
            "decorated_definition" => match stmt.child_by_field_id(field::DEFINITION) {
                Some(d) if d.kind_str() == "class_definition" => d,
                _ => continue,
            },
            _ => continue,
        };
        if is_serializer(ctx, class, &found)
            && let Some(n) = class.child_by_field_id(field::NAME)
        {
            found.insert(ctx.text(n).to_string());
        }
    }
    found
}
