//! Reading Django queryset expressions: `Post.objects.filter(...).only(...)`
//! as a chain of method calls on a model's manager, following a variable
//! back to the queryset it was assigned in the same function.
//!
//! This is shared by the ORM rules; it is deliberately narrow. A chain counts
//! as a queryset only when it starts at `<Name>.objects` (or
//! `_default_manager`), directly or through variables, or calls a method no
//! other library has (`select_related`, `prefetch_related`). So
//! SQLAlchemy's `session.query(User).filter(...).count()` is not a queryset.

use tree_sitter::Node;

use crate::detect::context::{Ctx, visit_own};

/// Where a chain starts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Root {
    /// `Post.objects`: the model's class name.
    Manager(String),
    /// Something else (a parameter, an unknown call).
    Unknown,
}

/// One method call of a chain.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Call<'t> {
    pub name: &'t str,
    pub call: Node<'t>,
}

/// A queryset expression, with the chains of the assignments it came from.
#[derive(Debug, Clone)]
pub(crate) struct Chain<'t> {
    pub root: Root,
    /// Method calls, innermost (first applied) first, across variables.
    pub calls: Vec<Call<'t>>,
    /// The expression to extend with another method call: the outermost
    /// expression that is still a queryset of the root's model (the loop's
    /// iterable, or the right-hand side of the last assignment). `None` when
    /// it cannot be extended safely (e.g. a slice).
    pub tail: Option<Node<'t>>,
}

/// Methods that return a queryset of the same model's instances.
pub(crate) const INSTANCE_METHODS: &[&str] = &[
    "all",
    "filter",
    "exclude",
    "order_by",
    "distinct",
    "select_related",
    "prefetch_related",
    "annotate",
    "alias",
    "only",
    "defer",
    "using",
    "reverse",
    "select_for_update",
    "none",
];

/// Other methods that return a queryset (of dicts, tuples, dates) or, for
/// `db_manager`, a manager.
const OTHER_QUERYSET_METHODS: &[&str] = &[
    "values",
    "values_list",
    "dates",
    "datetimes",
    "union",
    "intersection",
    "difference",
    "extra",
    "db_manager",
];

/// Methods no other popular library defines, which make a chain a queryset.
const DISTINCTIVE: &[&str] = &["select_related", "prefetch_related", "select_for_update"];

const MANAGERS: &[&str] = &["objects", "_default_manager", "_base_manager"];

/// Reads `expr` as a queryset chain. Variables are followed through their
/// last assignment before `expr` in the same function (at most a few hops).
pub(crate) fn chain<'t>(ctx: &Ctx<'t>, expr: Node<'t>) -> Option<Chain<'t>> {
    chain_at(ctx, expr, 0)
}

fn chain_at<'t>(ctx: &Ctx<'t>, expr: Node<'t>, depth: usize) -> Option<Chain<'t>> {
    let mut calls = Vec::new();
    let mut node = expr;
    let mut tail = Some(expr);
    loop {
        match node.kind() {
            "call" => {
                let f = node.child_by_field_name("function")?;
                if f.kind() != "attribute" {
                    return None;
                }
                let name = ctx.text(f.child_by_field_name("attribute")?);
                calls.push(Call { name, call: node });
                node = f.child_by_field_name("object")?;
            }
            "attribute" => {
                let attr = ctx.text(node.child_by_field_name("attribute")?);
                let object = node.child_by_field_name("object")?;
                if !MANAGERS.contains(&attr) {
                    return None;
                }
                let model = ctx.text(object);
                let model = model.rsplit('.').next().unwrap_or(model);
                if !model.starts_with(|c: char| c.is_ascii_uppercase()) {
                    return None;
                }
                calls.reverse();
                return Some(Chain {
                    root: Root::Manager(model.to_string()),
                    calls,
                    tail,
                });
            }
            "subscript" => {
                // `qs[:10]`: more methods go before the slice, and only when
                // the slice is the outermost part.
                tail = if node == expr && calls.is_empty() {
                    node.child_by_field_name("value")
                } else {
                    None
                };
                node = node.child_by_field_name("value")?;
            }
            "parenthesized_expression" => node = node.named_child(0)?,
            "identifier" => {
                calls.reverse();
                let from = (depth < 4 && ctx.may_have_querysets)
                    .then(|| assigned_value(ctx, node))
                    .flatten()
                    .and_then(|v| chain_at(ctx, v, depth + 1));
                return Some(match from {
                    Some(mut earlier) => {
                        earlier.calls.extend(calls.iter().copied());
                        // Only a bare variable can be extended at its
                        // assignment; `qs.filter(x)` is extended in place.
                        if calls.is_empty() {
                            if tail.is_none() {
                                earlier.tail = None;
                            }
                        } else {
                            earlier.tail = tail;
                        }
                        earlier
                    }
                    None => Chain {
                        root: Root::Unknown,
                        calls,
                        tail,
                    },
                });
            }
            _ => return None,
        }
    }
}

impl<'t> Chain<'t> {
    /// True when this is surely a Django queryset: every call since the
    /// manager (or since the last call no other library has) returns one.
    pub fn is_queryset(&self) -> bool {
        let since = match self.root {
            Root::Manager(_) => 0,
            Root::Unknown => match self
                .calls
                .iter()
                .rposition(|c| DISTINCTIVE.contains(&c.name))
            {
                Some(i) => i + 1,
                None => return false,
            },
        };
        self.calls[since..]
            .iter()
            .all(|c| INSTANCE_METHODS.contains(&c.name) || OTHER_QUERYSET_METHODS.contains(&c.name))
    }

    /// The model whose instances iterating this chain yields, when every
    /// call keeps it a queryset of instances.
    pub fn instance_model(&self) -> Option<&str> {
        let Root::Manager(model) = &self.root else {
            return None;
        };
        self.calls
            .iter()
            .all(|c| INSTANCE_METHODS.contains(&c.name) || c.name == "iterator")
            .then_some(model.as_str())
    }

    pub fn calls_named<'s>(&'s self, name: &'s str) -> impl Iterator<Item = Node<'t>> + 's {
        self.calls
            .iter()
            .filter(move |c| c.name == name)
            .map(|c| c.call)
    }
}

/// True when `expr` (a method's receiver) is surely a Django queryset.
pub(crate) fn is_queryset<'t>(ctx: &Ctx<'t>, expr: Node<'t>) -> bool {
    chain(ctx, expr).is_some_and(|c| c.is_queryset())
}

/// The value last assigned to the variable `ident` before it, in the same
/// function (or module), outside nested functions and classes.
fn assigned_value<'t>(ctx: &Ctx<'t>, ident: Node<'t>) -> Option<Node<'t>> {
    let name = ctx.text(ident);
    let scope = ctx
        .enclosing_function(ident)
        .and_then(|f| f.child_by_field_name("body"))
        .unwrap_or_else(|| ctx.root());
    let mut last: Option<Node<'t>> = None;
    visit_own(scope, &mut |n| {
        if n.kind() == "assignment"
            && n.end_byte() <= ident.start_byte()
            && n.child_by_field_name("left")
                .is_some_and(|l| l.kind() == "identifier" && ctx.text(l) == name)
            && let Some(right) = n.child_by_field_name("right")
            && last.is_none_or(|l| l.start_byte() < right.start_byte())
        {
            last = Some(right);
        }
    });
    last
}

/// The string literals among a call's arguments (first `__` segment), or
/// `None` when an argument is not a plain string (a variable, `*fields`) —
/// then nothing can be said about what it covers. `Prefetch("x", ...)`
/// counts as `"x"`.
pub(crate) fn literal_relations(ctx: &Ctx, call: Node) -> Option<Vec<String>> {
    let args = call.child_by_field_name("arguments")?;
    let mut out = Vec::new();
    let mut c = args.walk();
    for arg in args.named_children(&mut c) {
        let value = match arg.kind() {
            "comment" => continue,
            "string" => crate::detect::models::string_value(arg, ctx.src)?,
            "call"
                if arg
                    .child_by_field_name("function")
                    .and_then(|f| ctx.resolve(f))
                    .is_some_and(|q| q.ends_with(".Prefetch")) =>
            {
                let first = arg
                    .child_by_field_name("arguments")?
                    .named_child(0)
                    .filter(|a| a.kind() == "string")?;
                crate::detect::models::string_value(first, ctx.src)?
            }
            _ => return None,
        };
        out.push(value.split("__").next().unwrap_or_default().to_string());
    }
    Some(out)
}
