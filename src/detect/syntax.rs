//! The Python grammar's field ids, and node kind names without the cost
//! of [`Node::kind`].
//!
//! `Node::child_by_field_name` looks the name up among the grammar's
//! fields by string comparison on every call, and `Node::kind` measures
//! and validates a C string on every call; both showed in the detectors'
//! profile (about a tenth of `check`). Rules ask for
//! `node.child_by_field_id(field::BODY)` and `node.kind_str()` instead:
//! the ids are the grammar's (tree-sitter-python is pinned in
//! `Cargo.lock`), checked against it by a test here, and kind names come
//! from a table built once.

use std::sync::LazyLock;

use tree_sitter::Node;

/// Field ids of tree-sitter-python's grammar, by field name: all of them, so
/// the test below can tell the set is complete (some no rule reads yet).
#[allow(dead_code)]
pub(crate) mod field {
    pub const ALIAS: u16 = 1;
    pub const ALTERNATIVE: u16 = 2;
    pub const ARGUMENT: u16 = 3;
    pub const ARGUMENTS: u16 = 4;
    pub const ATTRIBUTE: u16 = 5;
    pub const BODY: u16 = 6;
    pub const CAUSE: u16 = 7;
    pub const CODE: u16 = 8;
    pub const CONDITION: u16 = 9;
    pub const CONSEQUENCE: u16 = 10;
    pub const DEFINITION: u16 = 11;
    pub const EXPRESSION: u16 = 12;
    pub const FORMAT_SPECIFIER: u16 = 13;
    pub const FUNCTION: u16 = 14;
    pub const GUARD: u16 = 15;
    pub const KEY: u16 = 16;
    pub const LEFT: u16 = 17;
    pub const MODULE_NAME: u16 = 18;
    pub const NAME: u16 = 19;
    pub const OBJECT: u16 = 20;
    pub const OPERATOR: u16 = 21;
    pub const OPERATORS: u16 = 22;
    pub const PARAMETERS: u16 = 23;
    pub const RETURN_TYPE: u16 = 24;
    pub const RIGHT: u16 = 25;
    pub const SUBJECT: u16 = 26;
    pub const SUBSCRIPT: u16 = 27;
    pub const SUPERCLASSES: u16 = 28;
    pub const TYPE: u16 = 29;
    pub const TYPE_CONVERSION: u16 = 30;
    pub const TYPE_PARAMETERS: u16 = 31;
    pub const VALUE: u16 = 32;
}

/// Every kind name, by kind id.
static KIND_NAMES: LazyLock<Vec<&'static str>> = LazyLock::new(|| {
    static LANGUAGE: LazyLock<tree_sitter::Language> =
        LazyLock::new(|| tree_sitter_python::LANGUAGE.into());
    let language: &'static tree_sitter::Language = &LANGUAGE;
    (0..language.node_kind_count())
        .map(|id| language.node_kind_for_id(id as u16).unwrap_or(""))
        .collect()
});

/// What the rules ask of a node beyond tree-sitter's own methods.
pub(crate) trait NodeExt {
    /// The node's kind, as [`Node::kind`] gives it, from a table.
    fn kind_str(&self) -> &'static str;
}

impl NodeExt for Node<'_> {
    fn kind_str(&self) -> &'static str {
        // An id outside the table cannot happen with one grammar; "" matches
        // no rule.
        KIND_NAMES
            .get(usize::from(self.kind_id()))
            .copied()
            .unwrap_or("")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::python::Document;

    #[test]
    fn field_ids_are_the_grammars() {
        use field::*;
        let language: tree_sitter::Language = tree_sitter_python::LANGUAGE.into();
        let fields = [
            ("alias", ALIAS),
            ("alternative", ALTERNATIVE),
            ("argument", ARGUMENT),
            ("arguments", ARGUMENTS),
            ("attribute", ATTRIBUTE),
            ("body", BODY),
            ("cause", CAUSE),
            ("code", CODE),
            ("condition", CONDITION),
            ("consequence", CONSEQUENCE),
            ("definition", DEFINITION),
            ("expression", EXPRESSION),
            ("format_specifier", FORMAT_SPECIFIER),
            ("function", FUNCTION),
            ("guard", GUARD),
            ("key", KEY),
            ("left", LEFT),
            ("module_name", MODULE_NAME),
            ("name", NAME),
            ("object", OBJECT),
            ("operator", OPERATOR),
            ("operators", OPERATORS),
            ("parameters", PARAMETERS),
            ("return_type", RETURN_TYPE),
            ("right", RIGHT),
            ("subject", SUBJECT),
            ("subscript", SUBSCRIPT),
            ("superclasses", SUPERCLASSES),
            ("type", TYPE),
            ("type_conversion", TYPE_CONVERSION),
            ("type_parameters", TYPE_PARAMETERS),
            ("value", VALUE),
        ];
        assert_eq!(fields.len(), language.field_count());
        for (name, id) in fields {
            assert_eq!(
                language.field_id_for_name(name).map(u16::from),
                Some(id),
                "field `{name}`"
            );
        }
    }

    #[test]
    fn kind_names_match_tree_sitters() {
        let doc = Document::parse(
            "import os\n@d\nasync def f(a=[], *b, **c) -> int:\n    x = [i async for i in y if i is not None]\n    match x:\n        case [1, *r]: pass\n    return lambda: (yield)\nclass C(B, metaclass=M): ...\n",
        );
        let mut count = 0;
        crate::python::walk(doc.root(), |n| {
            assert_eq!(n.kind_str(), n.kind());
            count += 1;
            true
        });
        assert!(count > 50);
    }
}
