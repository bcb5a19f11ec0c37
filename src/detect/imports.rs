//! What a name refers to, from the file's imports: `import asyncio as aio`
//! makes `aio.gather` mean `asyncio.gather`; `from asyncio import gather as g`
//! makes `g` mean `asyncio.gather`. A name that no import binds resolves to
//! nothing (so a local function called `gather` is not `asyncio.gather`),
//! except Python's builtins, which resolve to `builtins.<name>` unless the
//! file defines or imports that name itself.

use crate::detect::syntax::{NodeExt, field};
use std::collections::{HashMap, HashSet};

use tree_sitter::Node;

/// Names bound by imports, and names the file binds itself.
#[derive(Debug, Clone, Default)]
pub struct ImportMap {
    /// Local name → qualified name.
    names: HashMap<String, String>,
    /// Builtin names the file defines itself (def, class, assignment
    /// targets, parameters), shadowing the builtin.
    defined: HashSet<String>,
}

const BUILTINS: &[&str] = &[
    "open",
    "sum",
    "any",
    "all",
    "min",
    "max",
    "sorted",
    "print",
    "len",
    "list",
    "dict",
    "set",
    "tuple",
    "super",
    "isinstance",
    "iter",
    "next",
    "input",
    "property",
    "type",
    "str",
    "int",
    "staticmethod",
    "classmethod",
    "ExceptionGroup",
    "BaseExceptionGroup",
];

impl ImportMap {
    pub fn from_tree(root: Node, src: &str) -> ImportMap {
        ImportMap::from_tree_except(root, src, &|_| false)
    }

    /// [`ImportMap::from_tree`] not entering the nodes `skip` accepts (the
    /// incremental analyser reads a class's methods separately).
    pub(crate) fn from_tree_except(
        root: Node,
        src: &str,
        skip: &dyn Fn(Node) -> bool,
    ) -> ImportMap {
        ImportMap::read(root, src, skip, true)
    }

    /// The walk of [`ImportMap::from_tree_except`]; with `prune` false it
    /// enters every expression (the tests' oracle for the pruning).
    fn read(root: Node, src: &str, skip: &dyn Fn(Node) -> bool, prune: bool) -> ImportMap {
        let mut map = ImportMap::default();
        // Most statements and methods import nothing and rebind no builtin:
        // a scan of their bytes says so without walking their nodes.
        if prune && !may_import_or_bind(text(root, src)) {
            return map;
        }
        // Imports are statements, and inside an expression only a lambda's
        // parameters or a comprehension's `for` bind a name: an expression
        // whose text has neither `lambda` nor `for` is not entered. Once one
        // is entered (`inside` is its end), its descendants are not tested
        // again, so each byte is tested at most once.
        let mut inside = 0;
        crate::python::walk(root, |node| {
            if !node.is_named() || skip(node) {
                return false;
            }
            let kind = node.kind_str();
            match kind {
                "import_statement" => {
                    map.add_import(node, src);
                    return false;
                }
                "import_from_statement" => {
                    map.add_from_import(node, src);
                    return false;
                }
                "function_definition" | "class_definition" => {
                    if let Some(name) = node.child_by_field_id(field::NAME) {
                        let name = text(name, src);
                        if BUILTINS.contains(&name) {
                            map.defined.insert(name.to_string());
                        }
                    }
                }
                "assignment" | "augmented_assignment" | "for_statement" | "for_in_clause" => {
                    if let Some(left) = node.child_by_field_id(field::LEFT) {
                        collect_identifiers(left, src, &mut map.defined);
                    }
                }
                "parameters" | "lambda_parameters" => {
                    collect_identifiers(node, src, &mut map.defined)
                }
                _ if !prune || node.start_byte() < inside || holds_statements(kind) => {}
                _ => {
                    let t = text(node, src);
                    if !(has_keyword(t, "lambda") || has_keyword(t, "for")) {
                        return false;
                    }
                    inside = node.end_byte();
                }
            }
            true
        });
        map
    }

    /// Adds `later`'s bindings, as if its statements came after this map's.
    pub(crate) fn merge(&mut self, later: &ImportMap) {
        for (k, v) in &later.names {
            self.names.insert(k.clone(), v.clone());
        }
        self.defined.extend(later.defined.iter().cloned());
    }

    /// Feeds what name resolution depends on into `hasher`: the imports,
    /// and which builtins the file shadows.
    pub(crate) fn hash_into(&self, hasher: &mut impl std::hash::Hasher) {
        let mut names: Vec<(&String, &String)> = self.names.iter().collect();
        names.sort();
        for (k, v) in names {
            hasher.write(k.as_bytes());
            hasher.write_u8(0);
            hasher.write(v.as_bytes());
            hasher.write_u8(1);
        }
        for b in BUILTINS {
            hasher.write_u8(u8::from(self.defined.contains(*b)));
        }
    }

    fn add_import(&mut self, node: Node, src: &str) {
        let mut c = node.walk();
        for name in node.children_by_field_name("name", &mut c) {
            match name.kind_str() {
                "dotted_name" => {
                    // `import os.path` binds `os`.
                    let full = text(name, src);
                    let head = full.split('.').next().unwrap_or(full).trim();
                    self.names.insert(head.to_string(), head.to_string());
                }
                "aliased_import" => {
                    if let (Some(n), Some(a)) = (
                        name.child_by_field_id(field::NAME),
                        name.child_by_field_id(field::ALIAS),
                    ) {
                        self.names.insert(text(a, src).to_string(), dotted(n, src));
                    }
                }
                _ => {}
            }
        }
    }

    fn add_from_import(&mut self, node: Node, src: &str) {
        let Some(module) = node.child_by_field_id(field::MODULE_NAME) else {
            return;
        };
        if module.kind_str() != "dotted_name" {
            return; // relative imports name this project's modules
        }
        let module = dotted(module, src);
        let mut c = node.walk();
        for name in node.children_by_field_name("name", &mut c) {
            match name.kind_str() {
                "dotted_name" => {
                    let n = dotted(name, src);
                    self.names.insert(n.clone(), format!("{module}.{n}"));
                }
                "aliased_import" => {
                    if let (Some(n), Some(a)) = (
                        name.child_by_field_id(field::NAME),
                        name.child_by_field_id(field::ALIAS),
                    ) {
                        self.names.insert(
                            text(a, src).to_string(),
                            format!("{module}.{}", dotted(n, src)),
                        );
                    }
                }
                _ => {}
            }
        }
    }

    /// The qualified name a bare local name stands for.
    pub fn resolve_name(&self, name: &str) -> Option<String> {
        if let Some(q) = self.names.get(name) {
            return Some(q.clone());
        }
        (BUILTINS.contains(&name) && !self.defined.contains(name))
            .then(|| format!("builtins.{name}"))
    }

    /// The qualified name of an expression made of names and attributes
    /// (`aio.gather`, `cf.ThreadPoolExecutor`), or `None`.
    pub fn resolve(&self, expr: Node, src: &str) -> Option<String> {
        match expr.kind_str() {
            "identifier" => self.resolve_name(text(expr, src)),
            "attribute" => {
                let object = expr.child_by_field_id(field::OBJECT)?;
                let attr = expr.child_by_field_id(field::ATTRIBUTE)?;
                Some(format!(
                    "{}.{}",
                    self.resolve(object, src)?,
                    text(attr, src)
                ))
            }
            _ => None,
        }
    }

    /// The local name under which `qualified` (e.g. `functools.wraps`) or its
    /// module is reachable: `Some("wraps")` after `from functools import
    /// wraps`, `Some("functools.wraps")` after `import functools`.
    pub fn spelling_of(&self, qualified: &str) -> Option<String> {
        let mut best: Option<String> = None;
        for (local, q) in &self.names {
            let spelling = if q == qualified {
                local.clone()
            } else if let Some(rest) = qualified
                .strip_prefix(q.as_str())
                .and_then(|r| r.strip_prefix('.'))
            {
                format!("{local}.{rest}")
            } else {
                continue;
            };
            if best.as_ref().is_none_or(|b| {
                spelling.len() < b.len() || (spelling.len() == b.len() && spelling < *b)
            }) {
                best = Some(spelling);
            }
        }
        best
    }

    pub fn is_imported_module(&self, module: &str) -> bool {
        self.names.get(module).is_some_and(|q| q == module)
    }

    /// True when some import binds a name from `package` or its submodules.
    pub fn imports_from(&self, package: &str) -> bool {
        self.names.values().any(|q| {
            q.strip_prefix(package)
                .is_some_and(|rest| rest.is_empty() || rest.starts_with('.'))
        })
    }
}

fn text<'a>(node: Node, src: &'a str) -> &'a str {
    &src[node.byte_range()]
}

/// A dotted name without any whitespace or comments inside it.
fn dotted(node: Node, src: &str) -> String {
    let mut c = node.walk();
    let parts: Vec<&str> = node.named_children(&mut c).map(|n| text(n, src)).collect();
    if parts.is_empty() {
        text(node, src).to_string()
    } else {
        parts.join(".")
    }
}

/// One automaton over [`BUILTINS`], for the byte scans below.
static BUILTIN_WORDS: std::sync::LazyLock<Option<aho_corasick::AhoCorasick>> =
    std::sync::LazyLock::new(|| aho_corasick::AhoCorasick::new(BUILTINS).ok());

/// The whole-word occurrences of [`BUILTINS`] in `t`, as (start, end);
/// `None` when the automaton did not build (the scans then say "may").
fn builtin_words(t: &str) -> Option<impl Iterator<Item = (usize, usize)> + '_> {
    let words = BUILTIN_WORDS.as_ref()?;
    let b = t.as_bytes();
    Some(
        words
            .find_overlapping_iter(t)
            .map(|m| (m.start(), m.end()))
            .filter(move |&(start, end)| super::model_files::is_whole_word(b, start, end)),
    )
}

/// Whether `t` may hold an import or bind one of [`BUILTINS`]: the text
/// `import` anywhere, or a builtin's name where a binding can put it
/// (after `def` or `class`; before `=` but not `==`, an operator that may
/// start an augmented assignment, `,`, `)`, `]`, `:`, `in`, a comment, a
/// line continuation or the end of `t`, whitespace and line breaks
/// skipped). False only when the walk of [`ImportMap::read`] would find
/// nothing in `t`; a test holds it to the walk on every node of the
/// fixtures.
pub(crate) fn may_import_or_bind(t: &str) -> bool {
    if t.contains("import") {
        return true;
    }
    let Some(mut words) = builtin_words(t) else {
        return true;
    };
    let ident = super::model_files::is_ident_byte;
    words.any(|(start, end)| {
        let before = t[..start].trim_end();
        if before.ends_with("def") || before.ends_with("class") {
            return true;
        }
        let after = t[end..].trim_start().as_bytes();
        match after.first() {
            Some(b'=') => after.get(1) != Some(&b'='),
            Some(b',' | b')' | b']' | b':' | b'#' | b'\\') => true,
            Some(b'+' | b'-' | b'*' | b'/' | b'%' | b'@' | b'&' | b'|' | b'^' | b'<' | b'>') => {
                after.iter().take(4).any(|&c| c == b'=')
            }
            Some(b'i') => after.get(1) == Some(&b'n') && !after.get(2).is_some_and(|&c| ident(c)),
            // The end of the text: a parameter list read on its own.
            None => true,
            _ => false,
        }
    })
}

/// [`may_import_or_bind`] for the text of a function's body, sharper
/// where a body allows it. A body without `def`, `lambda`, `class` or
/// `case` holds no parameter list and no capture pattern, so a builtin's
/// name before `,`, `)`, `]` or `:` binds only as part of an assignment,
/// `for` or `with`/`except ... as` target, or as an annotated target:
/// - before `,`, `)` or `]`: the rest of its line holds `=` or `in`, or
///   ends with `,`, an open bracket or a backslash, or its line holds
///   `as`, or opens more brackets than it closes (the statement goes on;
///   strings and the comment left out), or holds a string that does not
///   end on it, or the punctuation is on a later line;
/// - before `:`: a walrus (`:=`), a name first on its line, or after `as`.
///
/// False only when the walk of [`ImportMap::read`] would find nothing in
/// `t`; a test holds it to the walk on every function body of the
/// fixtures.
pub(crate) fn may_import_or_bind_in_body(t: &str) -> bool {
    if !may_import_or_bind(t) {
        return false;
    }
    if has_keyword(t, "import")
        || ["def", "lambda", "class", "case"]
            .iter()
            .any(|k| has_keyword(t, k))
    {
        return true;
    }
    let Some(mut words) = builtin_words(t) else {
        return true;
    };
    let b = t.as_bytes();
    let ident = super::model_files::is_ident_byte;
    words.any(|(start, end)| {
        let line_start = b[..start]
            .iter()
            .rposition(|&c| c == b'\n')
            .map_or(0, |p| p + 1);
        let line_end = b[end..]
            .iter()
            .position(|&c| c == b'\n')
            .map_or(b.len(), |p| end + p);
        let before = t[line_start..start].trim_end();
        let after_as = before.ends_with(" as") || before == "as";
        let first_on_line = before.is_empty();
        let after = t[end..].trim_start().as_bytes();
        let on_this_line = t[end..line_end].trim_start().as_bytes();
        match after.first() {
            Some(b'=') => after.get(1) != Some(&b'='),
            Some(b'+' | b'-' | b'*' | b'/' | b'%' | b'@' | b'&' | b'|' | b'^' | b'<' | b'>') => {
                after.iter().take(4).any(|&c| c == b'=')
            }
            Some(b'i') => after.get(1) == Some(&b'n') && !after.get(2).is_some_and(|&c| ident(c)),
            Some(b'#' | b'\\') | None => true,
            Some(b':') => after.get(1) == Some(&b'=') || first_on_line || after_as,
            Some(b',' | b')' | b']') => {
                if on_this_line.is_empty() || after_as {
                    return true;
                }
                // The line's code: strings blanked, its comment cut.
                let Some(code) = line_code(&t[line_start..line_end]) else {
                    return true;
                };
                let rest = code.get(end - line_start..).unwrap_or("");
                let opens = code.bytes().filter(|c| b"([{".contains(c)).count();
                let closes = code.bytes().filter(|c| b")]}".contains(c)).count();
                let trimmed = rest.trim_end();
                has_assignment(rest)
                    || has_keyword(rest, "in")
                    || has_keyword(&code, "as")
                    || trimmed.ends_with([',', '(', '[', '{', '\\'])
                    || opens > closes
            }
            _ => false,
        }
    })
}

/// `line` with the contents of its strings turned into spaces and its
/// comment cut off, so brackets and `=` in either do not count; `None`
/// when a string does not end on the line.
fn line_code(line: &str) -> Option<String> {
    let mut out = String::with_capacity(line.len());
    let mut quote: Option<char> = None;
    let mut escaped = false;
    for c in line.chars() {
        match quote {
            Some(q) => {
                if escaped {
                    escaped = false;
                } else if c == '\\' {
                    escaped = true;
                } else if c == q {
                    quote = None;
                    out.push(c);
                    continue;
                }
                out.push(' ');
            }
            None if c == '#' => break,
            None => {
                if c == '"' || c == '\'' {
                    quote = Some(c);
                }
                out.push(c);
            }
        }
    }
    quote.is_none().then_some(out)
}

/// Whether `t` holds an `=` that is no comparison (`==`, `!=`, `<=`, `>=`).
fn has_assignment(t: &str) -> bool {
    let b = t.as_bytes();
    b.iter().enumerate().any(|(i, &c)| {
        c == b'='
            && b.get(i + 1) != Some(&b'=')
            && !(i > 0 && matches!(b[i - 1], b'=' | b'!' | b'<' | b'>'))
    })
}

/// Whether `keyword` occurs in `t` where it could be the keyword: not
/// preceded by a letter or `_` and not followed by a letter, digit or `_`
/// (`format` and `before` do not hold `for`; `1for` may, in old Pythons).
/// Any non-ASCII byte next to it counts as part of a name.
fn has_keyword(t: &str, keyword: &str) -> bool {
    let bytes = t.as_bytes();
    let mut from = 0;
    while let Some(i) = t[from..].find(keyword) {
        let start = from + i;
        let end = start + keyword.len();
        let before_ok = start == 0 || {
            let b = bytes[start - 1];
            !(b.is_ascii_alphabetic() || b == b'_' || !b.is_ascii())
        };
        let after_ok = bytes
            .get(end)
            .is_none_or(|b| !(b.is_ascii_alphanumeric() || *b == b'_' || !b.is_ascii()));
        if before_ok && after_ok {
            return true;
        }
        from = end;
    }
    false
}

/// Kinds that may hold statements (so imports) or are statements
/// themselves: [`ImportMap::from_tree_except`] always enters them. An
/// `ERROR` node may hold anything.
pub(crate) fn holds_statements(kind: &str) -> bool {
    matches!(
        kind,
        "module"
            | "block"
            | "ERROR"
            | "expression_statement"
            | "decorated_definition"
            | "if_statement"
            | "elif_clause"
            | "else_clause"
            | "while_statement"
            | "try_statement"
            | "except_clause"
            | "except_group_clause"
            | "finally_clause"
            | "with_statement"
            | "match_statement"
            | "case_clause"
    )
}

/// Adds the builtin names bound by `node` (a target or parameter list).
fn collect_identifiers(node: Node, src: &str, out: &mut HashSet<String>) {
    if node.kind_str() == "identifier" {
        let name = text(node, src);
        if BUILTINS.contains(&name) {
            out.insert(name.to_string());
        }
        return;
    }
    // Only the bound names of a parameter list, not its defaults or annotations.
    if matches!(
        node.kind_str(),
        "default_parameter" | "typed_default_parameter" | "typed_parameter"
    ) {
        if let Some(name) = node
            .child_by_field_id(field::NAME)
            .or_else(|| node.named_child(0))
        {
            collect_identifiers(name, src, out);
        }
        return;
    }
    if matches!(node.kind_str(), "attribute" | "subscript" | "call") {
        return;
    }
    let mut c = node.walk();
    for child in node.named_children(&mut c) {
        collect_identifiers(child, src, out);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::python::Document;

    #[test]
    fn pruned_walk_reads_what_a_full_walk_reads() {
        let inputs = with_fixtures(&[
            "x = [len for len in y]\nf = lambda list, *dict: list\n",
            "def f(key=lambda sorted: sorted):\n    import os\n    if x:\n        from a import b as c\n",
            "try:\n    import json\nexcept ImportError:\n    json = None\nwith open(p) as f:\n    from x import y\n",
            "match v:\n    case 1:\n        import z\nclass set(dict):\n    def print(self): pass\n",
            "y = {k: v for k, v in ((a, b) for a, b in z)}\nwhile (n := 1):\n    from q import r\n",
            "def broken(:\n    import os\n  x = = 1\n",
            "a = [(x)for sum in y]\nb = {1for any in z}\nc = f(format, before, lambda_)\nd = (x for\\\n min in y)\n",
        ]);
        for src in &inputs {
            let doc = Document::parse(src.as_str());
            let (pruned, full) = (
                ImportMap::from_tree(doc.root(), src),
                ImportMap::read(doc.root(), src, &|_| false, false),
            );
            assert_eq!(pruned.names, full.names, "{src}");
            assert_eq!(pruned.defined, full.defined, "{src}");
        }
    }

    /// `table`, then every Python file of the fixtures and examples.
    fn with_fixtures(table: &[&str]) -> Vec<String> {
        let mut inputs: Vec<String> = table.iter().map(|t| t.to_string()).collect();
        for dir in ["/tests/fixtures", "/examples/blog", "/examples/scripts"] {
            let dir = format!("{}{dir}", env!("CARGO_MANIFEST_DIR"));
            for entry in std::fs::read_dir(dir).unwrap() {
                let path = entry.unwrap().path();
                if path.extension().is_some_and(|e| e == "py") {
                    inputs.push(std::fs::read_to_string(path).unwrap());
                }
            }
        }
        inputs
    }

    #[test]
    fn the_byte_scan_skips_only_nodes_the_walk_finds_nothing_in() {
        let inputs = with_fixtures(&[
            "def list(x): pass\nclass str(Base): pass\nasync def iter(): pass\n",
            "for list in y: pass\nx = [a for dict in b]\nf = lambda type: type\n",
            "def f(*, list): pass\ndef g(\n    list\n): pass\ndef h(\n    set  # c\n): pass\n",
            "list += 1\nsorted //= 2\nmin \\\n    = 1\na, max = b\n[a, sum] = b\n(any) = 1\n",
            "def f(list: int = 0, **dict): pass\nfor (a,\n tuple) in y: pass\n",
            "def f():\n    import os\n    return len(x) + list(y) == dict\n",
            "x = list == y\nf(list=1)\ny = {type: 1}\nz = w[len:]\nprint(x)  # list = 1\n",
            "class A:\n    def m(self):\n        self.list = 1\n        return str(self)\n",
        ]);
        let (mut nodes, mut skipped) = (0, 0);
        for src in &inputs {
            let doc = Document::parse(src.as_str());
            crate::python::walk(doc.root(), |node| {
                if node.is_named() {
                    nodes += 1;
                    skipped += usize::from(!may_import_or_bind(text(node, src)));
                    let (scanned, full) = (
                        ImportMap::read(node, src, &|_| false, true),
                        ImportMap::read(node, src, &|_| false, false),
                    );
                    assert_eq!(scanned.names, full.names, "{}", text(node, src));
                    assert_eq!(scanned.defined, full.defined, "{}", text(node, src));
                }
                true
            });
        }
        // The scan does skip: most nodes import nothing and bind no builtin.
        assert!(skipped * 2 > nodes, "{skipped} of {nodes}");
    }

    #[test]
    fn the_body_scan_skips_only_bodies_the_walk_finds_nothing_in() {
        let inputs = with_fixtures(&[
            "def f():\n    a, list = b\n",
            "def f():\n    (a,\n     list) = b\n",
            "def f():\n    (a,\n     list,\n     c) = b\n",
            "def f():\n    ((a, list)\n     , c) = b\n",
            "def f():\n    [a,\n     list\n    ] = b\n",
            "def f():\n    for a, str in b:\n        pass\n",
            "def f():\n    for (a,\n         str) in b:\n        pass\n",
            "def f():\n    with g() as (a, str):\n        pass\n",
            "def f():\n    with g() as str:\n        pass\n",
            "def f():\n    try:\n        pass\n    except E as str:\n        pass\n",
            "def f():\n    str: int = 1\n    list: int\n",
            "def f():\n    if (str := g()):\n        pass\n",
            "def f():\n    x = [y for a, dict in z]\n",
            "def f():\n    a, *list = b\n",
            "def f():\n    a = list = b\n",
            "def f():\n    a, list \\\n        = b\n",
            "def f():\n    return isinstance(x, str) and g(list, dict)\n",
            "def f():\n    y = {str: 1, int: 2}[x]\n    z = w[len:]\n",
            "def f():\n    print(x, list)\n    h(\n        str,\n        int)\n",
            "def f():\n    import os\n    return os.sep\n",
            "def f():\n    from a import(b,\n        c)\n",
            // `import` in a longer word or a string imports nothing.
            "def f():\n    important = 'imports'\n    return important\n",
        ]);
        let (mut bodies, mut skipped) = (0, 0);
        for src in &inputs {
            let doc = Document::parse(src.as_str());
            crate::python::walk(doc.root(), |node| {
                if node.kind() == "block"
                    && node
                        .parent()
                        .is_some_and(|p| p.kind() == "function_definition")
                {
                    bodies += 1;
                    let body = text(node, src);
                    if !may_import_or_bind_in_body(body) {
                        skipped += 1;
                        let full = ImportMap::read(node, src, &|_| false, false);
                        assert!(full.names.is_empty() && full.defined.is_empty(), "{body}");
                    }
                }
                true
            });
        }
        assert!(skipped * 2 > bodies, "{skipped} of {bodies}");
    }

    /// Resolves each expression statement of `src` after its imports.
    fn check(src: &str, expect: &[(&str, Option<&str>)]) {
        let doc = Document::parse(src);
        let map = ImportMap::from_tree(doc.root(), src);
        for (expr, want) in expect {
            let full = format!("{src}\n{expr}\n");
            let doc = Document::parse(full.clone());
            let root = doc.root();
            let stmt = root
                .named_child(root.named_child_count() as u32 - 1)
                .unwrap();
            let node = stmt.named_child(0).unwrap();
            assert_eq!(
                map.resolve(node, &full).as_deref(),
                *want,
                "{expr} after {src:?}"
            );
        }
    }

    #[test]
    fn resolves_every_import_spelling() {
        check(
            "import asyncio",
            &[("asyncio.gather", Some("asyncio.gather"))],
        );
        check(
            "import asyncio as aio",
            &[
                ("aio.gather", Some("asyncio.gather")),
                ("asyncio.gather", None),
            ],
        );
        check(
            "from asyncio import gather",
            &[("gather", Some("asyncio.gather"))],
        );
        check(
            "from asyncio import gather as g",
            &[("g", Some("asyncio.gather")), ("gather", None)],
        );
        check(
            "from django.db import models",
            &[("models.Model", Some("django.db.models.Model"))],
        );
        check(
            "import concurrent.futures as cf",
            &[(
                "cf.ThreadPoolExecutor",
                Some("concurrent.futures.ThreadPoolExecutor"),
            )],
        );
        check("import os.path", &[("os.path.join", Some("os.path.join"))]);
        check("from . import gather", &[("gather", None)]);
        check(
            "",
            &[
                ("gather", None),
                ("gather_results", None),
                ("open", Some("builtins.open")),
            ],
        );
        check("def open(p): pass", &[("open", None)]);
    }

    #[test]
    fn spelling_prefers_the_shortest_local_name() {
        let src = "import functools\nfrom functools import wraps\n";
        let doc = Document::parse(src);
        let map = ImportMap::from_tree(doc.root(), src);
        assert_eq!(map.spelling_of("functools.wraps").as_deref(), Some("wraps"));
        let src = "import asyncio as aio\n";
        let doc = Document::parse(src);
        let map = ImportMap::from_tree(doc.root(), src);
        assert_eq!(
            map.spelling_of("asyncio.sleep").as_deref(),
            Some("aio.sleep")
        );
        assert_eq!(map.spelling_of("functools.wraps"), None);
    }
}
