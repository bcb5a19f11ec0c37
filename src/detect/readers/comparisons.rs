//! Shared reading of comparison chains for the `is`/`==` rules.

use crate::detect::syntax::{NodeExt, field};
use tree_sitter::Node;

use crate::detect::context::Ctx;

/// One link of a comparison chain: `left <op> right`.
pub(crate) struct Link<'t> {
    pub left: Node<'t>,
    pub op: Node<'t>,
    pub right: Node<'t>,
}

/// The links of a `comparison_operator` node (`a < b == c` has two).
pub(crate) fn links(cmp: Node) -> Vec<Link> {
    let mut out = Vec::new();
    let mut cursor = cmp.walk();
    let children: Vec<Node> = cmp.children(&mut cursor).collect();
    for (i, child) in children.iter().enumerate() {
        if child.is_named() || i == 0 || i + 1 >= children.len() {
            continue;
        }
        if cmp.field_name_for_child(i as u32) == Some("operators") {
            out.push(Link {
                left: children[i - 1],
                op: *child,
                right: children[i + 1],
            });
        }
    }
    out
}

/// The operator as written, whitespace folded (`is  not` → `is not`).
pub(crate) fn op_text(op: Node, src: &str) -> String {
    src[op.byte_range()]
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// True when the comparison is (part of) an argument or a subscript: the
/// shape of ORM and array expressions (`select(...).where(T.c == None)`,
/// `df[df.flag == True]`), where `==` is overloaded and must stay.
/// O(1) for the node being visited (the walk keeps where each expression
/// chain goes), so a chain of n `or`s costs O(n), not O(n³). Operands of
/// `&`, `|`, `^` and `~` build expressions too (SQLAlchemy, pandas,
/// NumPy overload them): `(T.a == None) & (T.b == 1)`.
pub(crate) fn builds_an_expression<'t>(ctx: &Ctx<'t>, cmp: Node<'t>) -> bool {
    let Some(at) = ctx.expression_context(cmp) else {
        return false;
    };
    match at.kind_str() {
        "argument_list" | "keyword_argument" | "subscript" | "slice" => true,
        "binary_operator" => at
            .child_by_field_id(field::OPERATOR)
            .is_some_and(|o| matches!(o.kind_str(), "&" | "|" | "^")),
        "unary_operator" => at
            .child_by_field_id(field::OPERATOR)
            .is_some_and(|o| o.kind_str() == "~"),
        _ => false,
    }
}

/// True when the comparison's value is used as a condition (an `if`,
/// `elif`, `while`, `assert`, a conditional expression or a
/// comprehension's filter), directly or through `and`/`or`/`not`: where
/// only its truth matters, so `is None` means the same for every library.
/// O(1) for the node being visited.
pub(crate) fn is_a_condition<'t>(ctx: &Ctx<'t>, cmp: Node<'t>) -> bool {
    ctx.expression_context(cmp).is_some_and(|at| {
        matches!(
            at.kind_str(),
            "if_statement"
                | "elif_clause"
                | "while_statement"
                | "assert_statement"
                | "if_clause"
                | "conditional_expression"
        )
    })
}
