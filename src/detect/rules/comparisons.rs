//! Shared reading of comparison chains for the `is`/`==` rules.

use tree_sitter::Node;

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
pub(crate) fn builds_an_expression(cmp: Node) -> bool {
    let mut n = cmp.parent();
    while let Some(p) = n {
        match p.kind() {
            "boolean_operator"
            | "not_operator"
            | "parenthesized_expression"
            | "comparison_operator" => n = p.parent(),
            "argument_list" | "keyword_argument" | "subscript" | "slice" => return true,
            // `(T.a == None) & (T.b == 1)`, `~(T.c == None)`: operator
            // overloading (SQLAlchemy, pandas, NumPy) builds an expression.
            "binary_operator" => {
                return p
                    .child_by_field_name("operator")
                    .is_some_and(|o| matches!(o.kind(), "&" | "|" | "^"));
            }
            "unary_operator" => {
                return p
                    .child_by_field_name("operator")
                    .is_some_and(|o| o.kind() == "~");
            }
            _ => return false,
        }
    }
    false
}

/// True when the comparison's value is used as a condition (an `if`,
/// `elif`, `while`, `assert`, a conditional expression's test or a
/// comprehension's filter), directly or through `and`/`or`/`not`: where
/// only its truth matters, so `is None` means the same for every library.
pub(crate) fn is_a_condition(cmp: Node) -> bool {
    let mut child = cmp;
    let mut n = cmp.parent();
    while let Some(p) = n {
        match p.kind() {
            "boolean_operator" | "not_operator" | "parenthesized_expression" => {
                child = p;
                n = p.parent();
            }
            "if_statement" | "elif_clause" | "while_statement" => {
                return p.child_by_field_name("condition") == Some(child);
            }
            "assert_statement" | "if_clause" => return p.named_child(0) == Some(child),
            "conditional_expression" => return p.named_child(1) == Some(child),
            _ => return false,
        }
    }
    false
}
