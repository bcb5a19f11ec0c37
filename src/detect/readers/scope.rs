//! Shared reading of Python scopes for the closure and comprehension rules:
//! which names a target, a parameter list or a comprehension binds, and
//! whether an identifier is a use of a variable.

use crate::detect::syntax::{NodeExt, field};
use std::rc::Rc;

use tree_sitter::Node;

use crate::detect::context::Ctx;

/// Node kinds that open a comprehension scope.
pub(crate) fn is_comprehension(kind: &str) -> bool {
    matches!(
        kind,
        "list_comprehension"
            | "set_comprehension"
            | "dictionary_comprehension"
            | "generator_expression"
    )
}

/// Node kinds that open a function or class scope.
pub(crate) fn is_scope(kind: &str) -> bool {
    matches!(
        kind,
        "function_definition" | "lambda" | "class_definition" | "module"
    )
}

/// Variable names bound by an assignment or loop target (`a`, `a, (b, c)`,
/// `*rest`); attributes and subscripts bind no variable.
pub(crate) fn target_names<'a>(ctx: &Ctx<'a>, target: Node) -> Vec<&'a str> {
    let mut out = Vec::new();
    collect_targets(ctx, target, &mut out);
    out
}

fn collect_targets<'a>(ctx: &Ctx<'a>, node: Node, out: &mut Vec<&'a str>) {
    let mut stack = vec![node];
    while let Some(node) = stack.pop() {
        ctx.count(1);
        match node.kind_str() {
            "identifier" => out.push(ctx.text(node)),
            "attribute" | "subscript" | "call" => {}
            _ => {
                let mut c = node.walk();
                let children: Vec<Node> = node.named_children(&mut c).collect();
                stack.extend(children.into_iter().rev());
            }
        }
    }
}

/// Names bound by a `parameters` or `lambda_parameters` node (not the names
/// used in defaults or annotations).
pub(crate) fn parameter_names<'a>(ctx: &Ctx<'a>, params: Node) -> Vec<&'a str> {
    let mut out = Vec::new();
    let mut c = params.walk();
    for p in params.named_children(&mut c) {
        let name = match p.kind_str() {
            "identifier" => Some(p),
            "default_parameter" | "typed_default_parameter" => p.child_by_field_id(field::NAME),
            "typed_parameter" | "list_splat_pattern" | "dictionary_splat_pattern" => {
                first_identifier(p)
            }
            _ => None,
        };
        if let Some(n) = name.filter(|n| n.kind_str() == "identifier") {
            out.push(ctx.text(n));
        }
    }
    out
}

fn first_identifier(node: Node) -> Option<Node> {
    let mut c = node.walk();
    let first = node.named_children(&mut c).next()?;
    match first.kind_str() {
        "identifier" => Some(first),
        "list_splat_pattern" | "dictionary_splat_pattern" => first_identifier(first),
        _ => None,
    }
}

/// Names a function or lambda binds as parameters.
pub(crate) fn function_parameters<'a>(ctx: &Ctx<'a>, func: Node) -> Vec<&'a str> {
    func.child_by_field_id(field::PARAMETERS)
        .map(|p| parameter_names(ctx, p))
        .unwrap_or_default()
}

/// The loop variables of a comprehension's own `for` clauses.
pub(crate) fn comprehension_targets<'a>(ctx: &Ctx<'a>, comp: Node) -> Vec<&'a str> {
    let mut out = Vec::new();
    let mut c = comp.walk();
    for clause in comp.named_children(&mut c) {
        if clause.kind_str() == "for_in_clause"
            && let Some(left) = clause.child_by_field_id(field::LEFT)
        {
            out.extend(target_names(ctx, left));
        }
    }
    out
}

/// True when `ident` reads or writes a variable: not an attribute name
/// (`obj.x`), a keyword-argument name (`f(x=1)`) or a definition's name.
pub(crate) fn is_variable_use(ident: Node) -> bool {
    let Some(parent) = ident.parent() else {
        return false;
    };
    let field_is = |field: &str| parent.child_by_field_name(field) == Some(ident);
    match parent.kind_str() {
        "attribute" => !field_is("attribute"),
        "keyword_argument" => !field_is("name"),
        "function_definition" | "class_definition" => !field_is("name"),
        "dotted_name" | "aliased_import" | "import_statement" | "import_from_statement" => false,
        _ => true,
    }
}

/// Every use of one of `names` under `node` that refers to the binding
/// visible at `node` (nested lambdas, functions and comprehensions that
/// rebind a name hide it).
pub(crate) fn uses_of<'t, 'n>(
    ctx: &Ctx,
    node: Node<'t>,
    names: &[&'n str],
    out: &mut Vec<Node<'t>>,
) {
    type Stack<'t, 'n> = Vec<(Node<'t>, Rc<Vec<&'n str>>)>;
    fn push_children<'t, 'n>(stack: &mut Stack<'t, 'n>, node: Node<'t>, names: &Rc<Vec<&'n str>>) {
        let mut c = node.walk();
        let children: Vec<Node<'t>> = node.named_children(&mut c).collect();
        stack.extend(
            children
                .into_iter()
                .rev()
                .map(|child| (child, names.clone())),
        );
    }
    // An explicit stack (children pushed in reverse, so uses come out in
    // document order): nesting depth costs no call stack.
    let mut stack: Stack<'t, 'n> = vec![(node, Rc::new(names.to_vec()))];
    while let Some((node, names)) = stack.pop() {
        ctx.count(1);
        if names.is_empty() {
            continue;
        }
        match node.kind_str() {
            "identifier" => {
                if names.contains(&ctx.text(node)) && is_variable_use(node) {
                    out.push(node);
                }
            }
            "lambda" | "function_definition" => {
                let mut hidden = function_parameters(ctx, node);
                if node.kind_str() == "function_definition"
                    && let Some(body) = node.child_by_field_id(field::BODY)
                {
                    hidden.extend(assigned_names(ctx, body));
                }
                let visible: Vec<&'n str> = names
                    .iter()
                    .copied()
                    .filter(|n| !hidden.contains(n))
                    .collect();
                let mut next = Vec::new();
                // Defaults are evaluated where the function is defined.
                if let Some(params) = node.child_by_field_id(field::PARAMETERS) {
                    let mut c = params.walk();
                    for p in params.named_children(&mut c) {
                        if let Some(v) = p.child_by_field_id(field::VALUE) {
                            next.push((v, names.clone()));
                        }
                    }
                }
                if let Some(body) = node.child_by_field_id(field::BODY) {
                    next.push((body, Rc::new(visible)));
                }
                stack.extend(next.into_iter().rev());
            }
            kind if is_comprehension(kind) => {
                let bound = comprehension_targets(ctx, node);
                let visible: Vec<&'n str> = names
                    .iter()
                    .copied()
                    .filter(|n| !bound.contains(n))
                    .collect();
                push_children(&mut stack, node, &Rc::new(visible));
            }
            _ => push_children(&mut stack, node, &names),
        }
    }
}

/// Names a function body binds locally: assignment, loop, `with ... as`,
/// `except ... as` targets and nested definitions (not those declared
/// `global` or `nonlocal`).
pub(crate) fn assigned_names<'a>(ctx: &Ctx<'a>, body: Node) -> Vec<&'a str> {
    let mut out = Vec::new();
    let mut declared = Vec::new();
    crate::detect::context::visit_own(body, &mut |n| match n.kind_str() {
        "assignment" | "augmented_assignment" | "for_statement" => {
            if let Some(left) = n.child_by_field_id(field::LEFT) {
                out.extend(target_names(ctx, left));
            }
        }
        "as_pattern_target" | "named_expression" => {
            let target = n.child_by_field_id(field::NAME).unwrap_or(n);
            out.extend(target_names(ctx, target));
        }
        "global_statement" | "nonlocal_statement" => {
            let mut c = n.walk();
            declared.extend(n.named_children(&mut c).map(|i| ctx.text(i)));
        }
        _ => {}
    });
    let mut c = body.walk();
    for stmt in body.named_children(&mut c) {
        let def = match stmt.kind_str() {
            "decorated_definition" => stmt.child_by_field_id(field::DEFINITION),
            "function_definition" | "class_definition" => Some(stmt),
            _ => None,
        };
        if let Some(name) = def.and_then(|d| d.child_by_field_id(field::NAME)) {
            out.push(ctx.text(name));
        }
    }
    out.retain(|n| !declared.contains(n));
    out
}

/// Names that import statements bind directly under `node` (outside
/// nested functions and classes), relative imports included.
pub(crate) fn imported_names<'a>(ctx: &Ctx<'a>, node: Node) -> Vec<&'a str> {
    let mut out = Vec::new();
    crate::detect::context::visit_own(node, &mut |n| {
        if !matches!(n.kind_str(), "import_statement" | "import_from_statement") {
            return;
        }
        let mut c = n.walk();
        for name in n.children_by_field_name("name", &mut c) {
            let local = match name.kind_str() {
                "aliased_import" => name.child_by_field_id(field::ALIAS).map(|a| ctx.text(a)),
                _ if n.kind_str() == "import_statement" => ctx.text(name).split('.').next(),
                _ => ctx.text(name).rsplit('.').next(),
            };
            out.extend(local.map(str::trim));
        }
    });
    out
}

/// Python's builtin names (3.13).
pub(crate) const BUILTIN_NAMES: &[&str] = &[
    "ArithmeticError",
    "AssertionError",
    "AttributeError",
    "BaseException",
    "BaseExceptionGroup",
    "BlockingIOError",
    "BrokenPipeError",
    "BufferError",
    "BytesWarning",
    "ChildProcessError",
    "ConnectionAbortedError",
    "ConnectionError",
    "ConnectionRefusedError",
    "ConnectionResetError",
    "DeprecationWarning",
    "EOFError",
    "Ellipsis",
    "EncodingWarning",
    "EnvironmentError",
    "Exception",
    "ExceptionGroup",
    "False",
    "FileExistsError",
    "FileNotFoundError",
    "FloatingPointError",
    "FutureWarning",
    "GeneratorExit",
    "IOError",
    "ImportError",
    "ImportWarning",
    "IndentationError",
    "IndexError",
    "InterruptedError",
    "IsADirectoryError",
    "KeyError",
    "KeyboardInterrupt",
    "LookupError",
    "MemoryError",
    "ModuleNotFoundError",
    "NameError",
    "None",
    "NotADirectoryError",
    "NotImplemented",
    "NotImplementedError",
    "OSError",
    "OverflowError",
    "PendingDeprecationWarning",
    "PermissionError",
    "ProcessLookupError",
    "PythonFinalizationError",
    "RecursionError",
    "ReferenceError",
    "ResourceWarning",
    "RuntimeError",
    "RuntimeWarning",
    "StopAsyncIteration",
    "StopIteration",
    "SyntaxError",
    "SyntaxWarning",
    "SystemError",
    "SystemExit",
    "TabError",
    "TimeoutError",
    "True",
    "TypeError",
    "UnboundLocalError",
    "UnicodeDecodeError",
    "UnicodeEncodeError",
    "UnicodeError",
    "UnicodeTranslateError",
    "UnicodeWarning",
    "UserWarning",
    "ValueError",
    "Warning",
    "ZeroDivisionError",
    "abs",
    "aiter",
    "all",
    "anext",
    "any",
    "ascii",
    "bin",
    "bool",
    "breakpoint",
    "bytearray",
    "bytes",
    "callable",
    "chr",
    "classmethod",
    "compile",
    "complex",
    "copyright",
    "credits",
    "delattr",
    "dict",
    "dir",
    "divmod",
    "enumerate",
    "eval",
    "exec",
    "exit",
    "filter",
    "float",
    "format",
    "frozenset",
    "getattr",
    "globals",
    "hasattr",
    "hash",
    "help",
    "hex",
    "id",
    "input",
    "int",
    "isinstance",
    "issubclass",
    "iter",
    "len",
    "license",
    "list",
    "locals",
    "map",
    "max",
    "memoryview",
    "min",
    "next",
    "object",
    "oct",
    "open",
    "ord",
    "pow",
    "print",
    "property",
    "quit",
    "range",
    "repr",
    "reversed",
    "round",
    "set",
    "setattr",
    "slice",
    "sorted",
    "staticmethod",
    "str",
    "sum",
    "super",
    "tuple",
    "type",
    "vars",
    "zip",
    "__name__",
    "__file__",
    "__doc__",
    "__builtins__",
    "__spec__",
    "__loader__",
    "__package__",
];
