//! The uses of a module's private names (`_name`, not dunders): every call
//! `_name(...)` or `<anything>._name(...)`, with the loops around it that
//! may bind its arguments, and every other mention (`map(self._f, rows)`,
//! `callback=_f`), after which the function may be called from anywhere.
//! A private function's callers live in its module, so a rule can ask
//! what every one of them passes.
//!
//! The index is read in one walk of the module, on first use, and kept
//! for the analysis ([`crate::detect::context::Ctx::private_uses`]): a rule
//! asking for each function it checks pays O(callers), not O(module).
//! The walk is iterative (no recursion, the ancestor stack lives on the
//! heap), and what it keeps per call is bounded ([`MAX_ANCESTORS`],
//! [`MAX_LOOPS`]).

use std::collections::HashMap;

use crate::detect::syntax::{NodeExt, field};
use tree_sitter::Node;

/// How many ancestors of a call are read for the loops around it.
const MAX_ANCESTORS: usize = 64;

/// How many loops around a call are kept (the innermost).
const MAX_LOOPS: usize = 8;

/// How many nodes the walk reads; past that the index is incomplete and
/// answers nothing.
const MAX_NODES: u64 = 1 << 21;

/// One use of a private name.
#[derive(Debug, Clone)]
pub(crate) enum Use<'t> {
    /// `name(...)` (`attribute` false) or `<expr>.name(...)`.
    Call {
        call: Node<'t>,
        attribute: bool,
        /// The loops whose variables are bound where the call runs:
        /// `for_statement`s whose body holds it and comprehensions'
        /// `for_in_clause`s before it, innermost first, up to the nearest
        /// function, lambda or class.
        loops: Vec<Node<'t>>,
        /// The body of the function the call is in, or the module when it
        /// is at module level; `None` in a lambda or a class body.
        scope: Option<Node<'t>>,
    },
    /// Any other mention of the name (a reference, a keyword, an import):
    /// the function may be passed on and called from anywhere.
    Other,
}

/// The uses of the module's private names, by name.
#[derive(Debug, Default)]
pub(crate) struct PrivateUses<'t> {
    by_name: HashMap<&'t str, Vec<Use<'t>>>,
    /// The walk stopped at [`MAX_NODES`].
    incomplete: bool,
}

/// Whether `name` is private: `_x`, `__x`, not a dunder and not `_`.
pub(crate) fn is_private(name: &str) -> bool {
    name.len() > 1
        && name.starts_with('_')
        && !(name.len() > 4 && name.starts_with("__") && name.ends_with("__"))
}

impl<'t> PrivateUses<'t> {
    /// Reads the uses in `root` (the module) of `src`; `count` is told the
    /// nodes visited.
    pub fn of(root: Node<'t>, src: &'t str, count: &dyn Fn(u64)) -> PrivateUses<'t> {
        let text = |n: Node| &src[n.byte_range()];
        let mut uses = PrivateUses::default();
        let mut stack: Vec<Node<'t>> = Vec::new();
        let mut cursor = root.walk();
        let mut visited: u64 = 0;
        'walk: loop {
            let node = cursor.node();
            visited += 1;
            if visited > MAX_NODES {
                uses.incomplete = true;
                break;
            }
            match node.kind_str() {
                "call" => {
                    if let Some(f) = node.child_by_field_id(field::FUNCTION) {
                        let (name, attribute) = match f.kind_str() {
                            "identifier" => (Some(f), false),
                            "attribute" => (f.child_by_field_id(field::ATTRIBUTE), true),
                            _ => (None, false),
                        };
                        if let Some(name) = name.map(text).filter(|n| is_private(n)) {
                            let (loops, scope) = loops_around(node, &stack);
                            uses.by_name.entry(name).or_default().push(Use::Call {
                                call: node,
                                attribute,
                                loops,
                                scope,
                            });
                        }
                    }
                }
                "identifier" if is_private(text(node)) && !is_call_or_definition(node, &stack) => {
                    uses.by_name.entry(text(node)).or_default().push(Use::Other);
                }
                _ => {}
            }
            if cursor.goto_first_child() {
                stack.push(node);
                continue;
            }
            while !cursor.goto_next_sibling() {
                if !cursor.goto_parent() {
                    break 'walk;
                }
                stack.pop();
            }
        }
        count(visited);
        uses
    }

    /// The uses of `name`; `None` when the walk did not read the whole
    /// module.
    pub fn of_name(&self, name: &str) -> Option<&[Use<'t>]> {
        if self.incomplete {
            return None;
        }
        Some(self.by_name.get(name).map_or(&[][..], Vec::as_slice))
    }
}

/// Whether the identifier `node` (its ancestors on `stack`, innermost
/// last) is the callee of a call (`_f(...)`, `x._f(...)`, recorded with
/// the call) or the name of a function definition.
fn is_call_or_definition(node: Node, stack: &[Node]) -> bool {
    let Some(&parent) = stack.last() else {
        return false;
    };
    match parent.kind_str() {
        "call" => parent.child_by_field_id(field::FUNCTION) == Some(node),
        "function_definition" => parent.child_by_field_id(field::NAME) == Some(node),
        "attribute" => {
            parent.child_by_field_id(field::ATTRIBUTE) == Some(node)
                && stack.len() >= 2
                && stack[stack.len() - 2].kind_str() == "call"
                && stack[stack.len() - 2].child_by_field_id(field::FUNCTION) == Some(parent)
        }
        _ => false,
    }
}

/// The loops binding variables where `call` runs (see [`Use::Call`]) and
/// the body of its function, or the module for module-level code (`None`
/// when a lambda or class comes first, or past [`MAX_ANCESTORS`]).
fn loops_around<'t>(call: Node<'t>, stack: &[Node<'t>]) -> (Vec<Node<'t>>, Option<Node<'t>>) {
    let mut loops = Vec::new();
    // The node on the path to the call, one level below `stack[i]`.
    let mut via = call;
    for &n in stack.iter().rev().take(MAX_ANCESTORS) {
        match n.kind_str() {
            "function_definition" => return (loops, n.child_by_field_id(field::BODY)),
            "lambda" | "class_definition" => return (loops, None),
            "for_statement"
                if n.child_by_field_id(field::BODY) == Some(via) && loops.len() < MAX_LOOPS =>
            {
                loops.push(n);
            }
            "list_comprehension"
            | "set_comprehension"
            | "dictionary_comprehension"
            | "generator_expression" => {
                // Clauses before `via` bind it (the result expression comes
                // after them all), the innermost last.
                let in_body = n.child_by_field_id(field::BODY) == Some(via);
                let mut c = n.walk();
                let clauses: Vec<Node> = n
                    .named_children(&mut c)
                    .filter(|k| {
                        k.kind_str() == "for_in_clause"
                            && (in_body || k.end_byte() <= via.start_byte())
                    })
                    .collect();
                for k in clauses.into_iter().rev() {
                    if loops.len() < MAX_LOOPS {
                        loops.push(k);
                    }
                }
            }
            _ => {}
        }
        via = n;
    }
    // No function around: module-level code, whose scope is the module
    // (`stack[0]`), when every ancestor was read.
    let scope = (stack.len() <= MAX_ANCESTORS)
        .then(|| stack.first().copied())
        .flatten();
    (loops, scope)
}
