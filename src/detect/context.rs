//! What every rule may ask about the file: node text, qualified names,
//! enclosing functions, indentation, and how to add an import.

use tree_sitter::Node;

use super::models::Models;
use super::{Edit, ImportMap, Lib, Options};
use crate::python::Document;

pub(crate) struct Ctx<'a> {
    pub src: &'a str,
    pub imports: ImportMap,
    /// Django models: the file's own, then the workspace's.
    pub models: Models<'a>,
    /// Whether the text mentions a model manager or a queryset-only method,
    /// so a variable may hold a queryset (see `rules/queryset.rs`).
    pub may_have_querysets: bool,
    /// The project's versions and where the file sits.
    pub options: &'a Options,
}

impl<'a> Ctx<'a> {
    pub fn new(
        doc: &'a Document,
        imports: ImportMap,
        models: Models<'a>,
        options: &'a Options,
    ) -> Ctx<'a> {
        let src = doc.text();
        Ctx {
            src,
            imports,
            models,
            may_have_querysets: may_have_querysets(src),
            options,
        }
    }

    /// Whether the project runs on `lib` `major.minor` or later (an
    /// unknown version is the oldest pyguide assumes).
    pub fn at_least(&self, lib: Lib, major: u16, minor: u16) -> bool {
        self.options.versions.at_least(lib, major, minor)
    }

    pub fn text(&self, node: Node) -> &'a str {
        &self.src[node.byte_range()]
    }

    /// The receiver, method name and method-name node of a method call
    /// `receiver.name(...)`; `None` for any other call.
    pub fn method_call<'t>(&self, call: Node<'t>) -> Option<(Node<'t>, &'a str, Node<'t>)> {
        let f = call
            .child_by_field_name("function")
            .filter(|f| f.kind() == "attribute")?;
        let name = f.child_by_field_name("attribute")?;
        Some((f.child_by_field_name("object")?, self.text(name), name))
    }

    /// Qualified name of a name/attribute expression (`aio.gather` → `asyncio.gather`).
    pub fn resolve(&self, expr: Node) -> Option<String> {
        self.imports.resolve(expr, self.src)
    }

    /// The innermost function or lambda that contains `node`.
    pub fn enclosing_function<'t>(&self, node: Node<'t>) -> Option<Node<'t>> {
        let mut n = node.parent();
        while let Some(p) = n {
            if matches!(p.kind(), "function_definition" | "lambda") {
                return Some(p);
            }
            n = p.parent();
        }
        None
    }

    /// True when `node` runs directly in an `async def` (not in a nested
    /// `def` or `lambda` inside it).
    pub fn in_async_function(&self, node: Node) -> bool {
        self.enclosing_function(node).is_some_and(is_async_def)
    }

    /// Byte offset where the line containing `offset` starts.
    pub fn line_start(&self, offset: usize) -> usize {
        self.src[..offset].rfind('\n').map_or(0, |i| i + 1)
    }

    /// True when only whitespace precedes `offset` on its line.
    pub fn starts_line(&self, offset: usize) -> bool {
        self.src[self.line_start(offset)..offset].trim().is_empty()
    }

    /// The whitespace that starts the line containing `offset`.
    pub fn indent_at(&self, offset: usize) -> &'a str {
        let start = self.line_start(offset);
        let line = &self.src[start..];
        &line[..line.len() - line.trim_start_matches([' ', '\t']).len()]
    }

    /// How this file can spell `module.name`: its own spelling when the name
    /// or module is imported (`wraps`, `aio.sleep`), else `module.name` plus
    /// the edit that adds `import module`.
    pub fn spelling_or_import(
        &self,
        root: Node,
        module: &str,
        name: &str,
    ) -> (String, Option<Edit>) {
        let qualified = format!("{module}.{name}");
        match self.imports.spelling_of(&qualified) {
            Some(s) => (s, None),
            None => (qualified, self.add_import(root, module)),
        }
    }

    /// An edit that adds `import {module}` where isort would put it, or
    /// `None` when the module is already imported under its own name.
    pub fn add_import(&self, root: Node, module: &str) -> Option<Edit> {
        if self.imports.is_imported_module(module) {
            return None;
        }
        Some(super::import_edit::add_import(root, self.src, module))
    }

    /// How this file can spell `module.name` with a `from` import: its own
    /// spelling when already imported, else `name` plus the edit that adds
    /// it (joined into an existing `from module import ...` line).
    pub fn from_import(&self, root: Node, module: &str, name: &str) -> (String, Option<Edit>) {
        match self.imports.spelling_of(&format!("{module}.{name}")) {
            Some(s) => (s, None),
            None => (
                name.to_string(),
                Some(super::import_edit::add_from_import(
                    root, self.src, module, name,
                )),
            ),
        }
    }
}

/// Whether `src` mentions a model manager or a queryset-only method.
pub(crate) fn may_have_querysets(src: &str) -> bool {
    [
        "objects",
        "_manager",
        "select_related",
        "prefetch_related",
        "select_for_update",
    ]
    .iter()
    .any(|w| src.contains(w))
}

pub(crate) fn is_async_def(func: Node) -> bool {
    func.kind() == "function_definition" && func.child(0).is_some_and(|c| c.kind() == "async")
}

/// The top of the tree.
pub(crate) fn root_of(node: Node) -> Node {
    let mut n = node;
    while let Some(p) = n.parent() {
        n = p;
    }
    n
}

/// Visits `node` and its descendants, not entering nested functions,
/// lambdas or classes.
pub(crate) fn visit_own<'t>(node: Node<'t>, f: &mut impl FnMut(Node<'t>)) {
    f(node);
    let mut c = node.walk();
    for child in node.named_children(&mut c) {
        if !matches!(
            child.kind(),
            "function_definition" | "lambda" | "class_definition" | "decorated_definition"
        ) {
            visit_own(child, f);
        }
    }
}
