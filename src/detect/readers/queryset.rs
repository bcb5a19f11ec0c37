//! Reading Django queryset expressions: `Post.objects.filter(...).only(...)`
//! as a chain of method calls on a model's manager (Django's `objects` or
//! one the model declares), on a related manager (`event.orders.filter()`,
//! resolved by the caller), or wrapped in `list(...)`/`sorted(...)`,
//! following a variable back to its one definition in the same function and
//! every `qs = qs.method(...)` refinement after it, conditional or not.
//!
//! This is shared by the ORM rules; it is deliberately narrow. A chain counts
//! as a queryset only when it starts at `<Name>.objects` (or
//! `_default_manager`, or a declared manager), directly or through
//! variables, or calls a method no other library has (`select_related`,
//! `prefetch_related`). So SQLAlchemy's
//! `session.query(User).filter(...).count()` is not a queryset.

use crate::detect::syntax::{NodeExt, field};
use tree_sitter::Node;

use crate::detect::context::Ctx;
pub(crate) use crate::detect::models::INSTANCE_METHODS;

/// Where a chain starts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Root<'t> {
    /// `Post.objects` (or a manager the model declares, `Post.published`):
    /// the model's class name.
    Manager(String),
    /// `obj.rel`: a related manager (`event.orders`, `self.tags`), when
    /// `rel` turns out to be a many-valued relation of `obj`'s model.
    Related { object: Node<'t>, attr: &'t str },
    /// Something else (a parameter, an unknown call).
    Unknown,
}

/// One method call of a chain.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Call<'t> {
    pub name: &'t str,
    pub call: Node<'t>,
    /// From a `qs = qs.method(...)` reassignment, which may be conditional.
    pub refinement: bool,
}

/// A queryset expression, with the chains of the assignments it came from.
#[derive(Debug, Clone)]
pub(crate) struct Chain<'t> {
    pub root: Root<'t>,
    /// The manager or queryset class behind a declared manager
    /// (`Post.published` → `PublishedManager`); `None` for Django's own.
    pub manager: Option<String>,
    /// Method calls, innermost (first applied) first, across variables
    /// (with every conditional `qs = qs.filter(...)` refinement).
    pub calls: Vec<Call<'t>>,
    /// The expression to extend with another method call: the outermost
    /// expression that is still a queryset of the root's model (the loop's
    /// iterable, or the right-hand side of the one assignment every path
    /// shares). `None` when it cannot be extended safely (e.g. a slice).
    pub tail: Option<Node<'t>>,
    /// Wrapped in `list(...)`/`sorted(...)`: a list of the rows, no longer
    /// a queryset (iterating it runs no query).
    pub materialized: bool,
}

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
/// assignments before `expr` in the same function (at most a few hops).
pub(crate) fn chain<'t>(ctx: &Ctx<'t>, expr: Node<'t>) -> Option<Chain<'t>> {
    chain_at(ctx, expr, 0)
}

fn chain_at<'t>(ctx: &Ctx<'t>, expr: Node<'t>, depth: usize) -> Option<Chain<'t>> {
    let mut calls = Vec::new();
    let mut node = expr;
    let mut tail = Some(expr);
    loop {
        match node.kind_str() {
            "call" => {
                let f = node.child_by_field_id(field::FUNCTION)?;
                if f.kind_str() == "identifier" && node == expr {
                    // `list(qs)`, `sorted(qs, key=...)`: the rows, fetched.
                    let name = ctx.text(f);
                    if !matches!(name, "list" | "sorted") || depth >= 4 {
                        return None;
                    }
                    let arg = node
                        .child_by_field_id(field::ARGUMENTS)?
                        .named_child(0)
                        .filter(|a| !matches!(a.kind_str(), "keyword_argument" | "list_splat"))?;
                    let mut inner = chain_at(ctx, arg, depth + 1)?;
                    if inner.materialized {
                        return None;
                    }
                    inner.materialized = true;
                    return Some(inner);
                }
                if f.kind_str() != "attribute" {
                    return None;
                }
                let name = ctx.text(f.child_by_field_id(field::ATTRIBUTE)?);
                calls.push(Call {
                    name,
                    call: node,
                    refinement: false,
                });
                node = f.child_by_field_id(field::OBJECT)?;
            }
            "attribute" => {
                let attr = ctx.text(node.child_by_field_id(field::ATTRIBUTE)?);
                let object = node.child_by_field_id(field::OBJECT)?;
                calls.reverse();
                let model = ctx.text(object);
                let model = model.rsplit('.').next().unwrap_or(model);
                let capitalised = model.starts_with(|c: char| c.is_ascii_uppercase());
                // A declared manager: `objects` whatever its class, other
                // names when their class is a manager the index knows
                // (not a tagging library's `tags = TaggableManager()`).
                let declared = if capitalised {
                    ctx.models
                        .manager_class(model, attr, 0)
                        .filter(|class| match class {
                            Some(c) => MANAGERS.contains(&attr) || ctx.models.is_manager_class(c),
                            None => true,
                        })
                } else {
                    None
                };
                let root = match declared {
                    Some(manager) => {
                        return Some(Chain {
                            root: Root::Manager(model.to_string()),
                            manager,
                            calls,
                            tail,
                            materialized: false,
                        });
                    }
                    None if MANAGERS.contains(&attr) && capitalised => {
                        Root::Manager(model.to_string())
                    }
                    None if MANAGERS.contains(&attr) => return None,
                    None => Root::Related { object, attr },
                };
                return Some(Chain {
                    root,
                    manager: None,
                    calls,
                    tail,
                    materialized: false,
                });
            }
            "subscript" => {
                // `qs[:10]`: more methods go before the slice, and only when
                // the slice is the outermost part.
                tail = if node == expr && calls.is_empty() {
                    node.child_by_field_id(field::VALUE)
                } else {
                    None
                };
                node = node.child_by_field_id(field::VALUE)?;
            }
            "parenthesized_expression" => node = node.named_child(0)?,
            "identifier" => {
                calls.reverse();
                let from = (depth < 4 && ctx.may_have_querysets)
                    .then(|| definition(ctx, node))
                    .flatten()
                    .and_then(|d| {
                        let mut earlier = chain_at(ctx, d.base, depth + 1)?;
                        earlier.calls.extend(d.refinements);
                        Some(earlier)
                    });
                return Some(match from {
                    Some(mut earlier) => {
                        if earlier.materialized && !calls.is_empty() {
                            return None;
                        }
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
                        manager: None,
                        calls,
                        tail,
                        materialized: false,
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
        if self.materialized {
            return false;
        }
        let since = match self.root {
            Root::Manager(_) => 0,
            Root::Related { .. } | Root::Unknown => match self
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

    /// The model whose instances iterating this chain yields, when it is a
    /// queryset (not a list) of Django's own manager and every call keeps it
    /// a queryset of instances.
    pub fn instance_model(&self) -> Option<&str> {
        let Root::Manager(model) = &self.root else {
            return None;
        };
        (!self.materialized
            && self
                .calls
                .iter()
                .all(|c| INSTANCE_METHODS.contains(&c.name) || c.name == "iterator"))
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

/// Where a variable's queryset comes from: the one assignment that every
/// path to the use shares, and the `name = name.method(...)` refinements
/// after it (conditional or not).
struct Definition<'t> {
    base: Node<'t>,
    refinements: Vec<Call<'t>>,
}

/// The assignments of the variable `ident` before it, in the same function
/// (or module), outside nested functions and classes: exactly one that
/// defines it and any number that refine it (`qs = qs.filter(...)`). `None`
/// when it is defined more than once or changed some other way.
fn definition<'t>(ctx: &Ctx<'t>, ident: Node<'t>) -> Option<Definition<'t>> {
    let name = ctx.text(ident);
    let scope = ctx
        .enclosing_function(ident)
        .and_then(|f| f.child_by_field_id(field::BODY))
        .unwrap_or_else(|| ctx.root());
    let mut base: Option<Node<'t>> = None;
    let mut refinements: Vec<Call<'t>> = Vec::new();
    let mut ok = true;
    let assignments = ctx.own_assignments(scope);
    for &n in assignments.get(name).map_or(&[][..], Vec::as_slice) {
        if !ok {
            break;
        }
        if n.end_byte() > ident.start_byte() {
            continue;
        }
        match n.kind_str() {
            "assignment" => {
                let Some(right) = n.child_by_field_id(field::RIGHT) else {
                    continue;
                };
                match refinement(ctx, right, name) {
                    Some(calls) if base.is_some() => refinements.extend(calls),
                    Some(_) => ok = false,
                    None if base.is_none() && refinements.is_empty() => base = Some(right),
                    None => ok = false,
                }
            }
            // `name op= ...`: changed some other way.
            _ => ok = false,
        }
    }
    Some(Definition {
        base: base.filter(|_| ok)?,
        refinements,
    })
}

/// `name.a(...).b(...)` → the calls `a`, `b` (innermost first); `None` for
/// anything else.
fn refinement<'t>(ctx: &Ctx<'t>, expr: Node<'t>, name: &str) -> Option<Vec<Call<'t>>> {
    let mut calls = Vec::new();
    let mut node = expr;
    loop {
        match node.kind_str() {
            "call" => {
                let f = node
                    .child_by_field_id(field::FUNCTION)
                    .filter(|f| f.kind_str() == "attribute")?;
                calls.push(Call {
                    name: ctx.text(f.child_by_field_id(field::ATTRIBUTE)?),
                    call: node,
                    refinement: true,
                });
                node = f.child_by_field_id(field::OBJECT)?;
            }
            "parenthesized_expression" => node = node.named_child(0)?,
            "identifier" if ctx.text(node) == name && !calls.is_empty() => {
                calls.reverse();
                return Some(calls);
            }
            _ => return None,
        }
    }
}

/// The string literals among a call's arguments, as relation paths
/// (`"order__event"`), or `None` when an argument is not a plain string (a
/// variable, `*fields`) — then nothing can be said about what it covers.
/// `Prefetch("x", queryset=...)` counts as `"x"`, plus `"x__y"` for each
/// `y` its queryset selects or prefetches (not with `to_attr`, whose rows
/// land elsewhere).
pub(crate) fn literal_paths(ctx: &Ctx, call: Node) -> Option<Vec<String>> {
    literal_paths_at(ctx, call, 0)
}

/// How deep `Prefetch` querysets are followed into each other.
const MAX_PREFETCH_DEPTH: usize = 4;

fn literal_paths_at(ctx: &Ctx, call: Node, depth: usize) -> Option<Vec<String>> {
    let args = call.child_by_field_id(field::ARGUMENTS)?;
    let mut out = Vec::new();
    let mut c = args.walk();
    for arg in args.named_children(&mut c) {
        match arg.kind_str() {
            "comment" => continue,
            "string" => out.push(crate::detect::models::string_value(arg, ctx.src)?),
            "call"
                if arg
                    .child_by_field_id(field::FUNCTION)
                    .and_then(|f| ctx.resolve(f))
                    .is_some_and(|q| q.ends_with(".Prefetch")) =>
            {
                let p_args = arg.child_by_field_id(field::ARGUMENTS)?;
                let first = p_args.named_child(0).filter(|a| a.kind_str() == "string")?;
                let lookup = crate::detect::models::string_value(first, ctx.src)?;
                let keyword = |name: &str| {
                    let mut c = p_args.walk();
                    p_args
                        .named_children(&mut c)
                        .filter(|a| a.kind_str() == "keyword_argument")
                        .find(|a| {
                            a.child_by_field_id(field::NAME)
                                .is_some_and(|n| ctx.text(n) == name)
                        })
                        .and_then(|a| a.child_by_field_id(field::VALUE))
                };
                if keyword("to_attr").is_none()
                    && depth < MAX_PREFETCH_DEPTH
                    && let Some(qs) = keyword("queryset")
                {
                    for inner in loaded_by(ctx, qs, depth + 1) {
                        out.push(format!("{lookup}__{inner}"));
                    }
                }
                out.push(lookup);
            }
            _ => return None,
        }
    }
    Some(out)
}

/// What a queryset expression (`Op.objects.select_related("order")`)
/// selects or prefetches, read from its calls; unreadable arguments add
/// nothing.
fn loaded_by(ctx: &Ctx, expr: Node, depth: usize) -> Vec<String> {
    let mut out = Vec::new();
    let mut node = expr;
    loop {
        match node.kind_str() {
            "call" => {
                let Some(f) = node
                    .child_by_field_id(field::FUNCTION)
                    .filter(|f| f.kind_str() == "attribute")
                else {
                    break;
                };
                let name = f.child_by_field_id(field::ATTRIBUTE).map(|n| ctx.text(n));
                if matches!(name, Some("select_related" | "prefetch_related"))
                    && let Some(paths) = literal_paths_at(ctx, node, depth)
                {
                    out.extend(paths);
                }
                match f.child_by_field_id(field::OBJECT) {
                    Some(o) => node = o,
                    None => break,
                }
            }
            "parenthesized_expression" => match node.named_child(0) {
                Some(n) => node = n,
                None => break,
            },
            _ => break,
        }
    }
    out
}
