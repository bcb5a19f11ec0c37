//! Adding an import the way isort and ruff's `I001` would place it, so a
//! fix never leaves the imports unsorted: `from m import name` joins an
//! existing `from m import ...` line (in order-by-type position), and a new
//! statement goes into its section (`__future__`, standard library, third
//! party, first party / relative), `import x` lines before `from x import`
//! lines, sorted by module. Only the file's leading block of imports is
//! considered; a file without one gets the import after its docstring.

use crate::detect::syntax::{NodeExt, field};
use tree_sitter::Node;

use super::Edit;

/// isort's sections, in file order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Section {
    Future,
    StandardLibrary,
    ThirdParty,
    FirstParty,
}

/// Top-level modules of the standard library (Python 3.9–3.14) that fixes
/// and users import; anything else is third party.
const STDLIB: &[&str] = &[
    "abc",
    "argparse",
    "array",
    "ast",
    "asyncio",
    "base64",
    "bisect",
    "builtins",
    "calendar",
    "collections",
    "concurrent",
    "contextlib",
    "contextvars",
    "copy",
    "csv",
    "dataclasses",
    "datetime",
    "decimal",
    "difflib",
    "enum",
    "errno",
    "fnmatch",
    "fractions",
    "functools",
    "gc",
    "getpass",
    "glob",
    "gzip",
    "hashlib",
    "heapq",
    "hmac",
    "html",
    "http",
    "importlib",
    "inspect",
    "io",
    "ipaddress",
    "itertools",
    "json",
    "logging",
    "math",
    "mimetypes",
    "multiprocessing",
    "operator",
    "os",
    "pathlib",
    "pickle",
    "platform",
    "pprint",
    "queue",
    "random",
    "re",
    "secrets",
    "select",
    "selectors",
    "shlex",
    "shutil",
    "signal",
    "socket",
    "sqlite3",
    "ssl",
    "stat",
    "statistics",
    "string",
    "struct",
    "subprocess",
    "sys",
    "tempfile",
    "textwrap",
    "threading",
    "time",
    "timeit",
    "tomllib",
    "traceback",
    "types",
    "typing",
    "unicodedata",
    "unittest",
    "urllib",
    "uuid",
    "warnings",
    "weakref",
    "xml",
    "zipfile",
    "zoneinfo",
    "cProfile",
    "pstats",
    "tracemalloc",
    "graphlib",
    "numbers",
    "codecs",
    "locale",
    "email",
    "zlib",
    "binascii",
    "atexit",
    "sched",
    "wsgiref",
];

fn section_of(module: &str) -> Section {
    if module.starts_with('.') {
        return Section::FirstParty;
    }
    let top = module.split('.').next().unwrap_or(module);
    if top == "__future__" {
        Section::Future
    } else if STDLIB.contains(&top) {
        Section::StandardLibrary
    } else {
        Section::ThirdParty
    }
}

/// Sort key of a statement: section, `import` before `from`, module.
type Key = (Section, u8, String);

fn key(module: &str, is_from: bool) -> Key {
    (
        section_of(module),
        u8::from(is_from),
        module.to_ascii_lowercase(),
    )
}

/// isort's order-by-type for names in one `from` import: CONSTANTS,
/// Classes, then everything else, each alphabetical.
fn name_key(name: &str) -> (u8, String) {
    let kind = if name.len() > 1 && name.chars().all(|c| !c.is_lowercase()) {
        0
    } else if name.starts_with(|c: char| c.is_uppercase()) {
        1
    } else {
        2
    };
    (kind, name.to_ascii_lowercase())
}

/// One leading import statement.
struct Stmt<'t> {
    node: Node<'t>,
    key: Key,
    module: String,
}

/// The file's leading import statements (after the docstring and
/// comments), and where code starts when there are none.
fn leading_imports<'t>(root: Node<'t>, src: &str) -> (Vec<Stmt<'t>>, usize) {
    let mut out = Vec::new();
    let mut after_header = 0;
    let mut c = root.walk();
    for child in root.named_children(&mut c) {
        match child.kind_str() {
            "import_statement" => {
                let module = child
                    .named_child(0)
                    .map(|n| match n.kind_str() {
                        "aliased_import" => n.child_by_field_id(field::NAME).unwrap_or(n),
                        _ => n,
                    })
                    .map(|n| src[n.byte_range()].to_string())
                    .unwrap_or_default();
                out.push(Stmt {
                    node: child,
                    key: key(&module, false),
                    module,
                });
            }
            "import_from_statement" | "future_import_statement" => {
                let module = match child.kind_str() {
                    "future_import_statement" => "__future__".to_string(),
                    _ => child
                        .child_by_field_id(field::MODULE_NAME)
                        .map(|m| src[m.byte_range()].to_string())
                        .unwrap_or_default(),
                };
                out.push(Stmt {
                    node: child,
                    key: key(&module, true),
                    module,
                });
            }
            "comment" => {}
            "expression_statement"
                if out.is_empty()
                    && after_header == 0
                    && child
                        .named_child(0)
                        .is_some_and(|s| s.kind_str() == "string") =>
            {
                after_header = child.end_byte(); // the module docstring
            }
            // `if TYPE_CHECKING:` blocks and code end the leading block.
            _ => break,
        }
    }
    (out, after_header)
}

/// How to make `module.name` available: an edit adding `from module
/// import name` (joined into an existing `from module import ...` line
/// when there is one), placed as isort would.
pub(crate) fn add_from_import(root: Node, src: &str, module: &str, name: &str) -> Edit {
    let (stmts, header) = leading_imports(root, src);
    if let Some(existing) = stmts.iter().find(|s| {
        s.module == module
            && s.node.kind_str() == "import_from_statement"
            && !src[s.node.byte_range()].contains('*')
            && !src[s.node.byte_range()].contains('\\')
    }) {
        return join_from_import(existing.node, src, name);
    }
    new_statement(
        &stmts,
        header,
        src,
        key(module, true),
        &format!("from {module} import {name}"),
    )
}

/// An edit adding `import module`, placed as isort would.
pub(crate) fn add_import(root: Node, src: &str, module: &str) -> Edit {
    let (stmts, header) = leading_imports(root, src);
    new_statement(
        &stmts,
        header,
        src,
        key(module, false),
        &format!("import {module}"),
    )
}

/// `name` inserted among the imported names of `stmt`, in order.
fn join_from_import(stmt: Node, src: &str, name: &str) -> Edit {
    let module = stmt.child_by_field_id(field::MODULE_NAME);
    let mut c = stmt.walk();
    let names: Vec<Node> = stmt
        .named_children(&mut c)
        .filter(|n| Some(*n) != module && matches!(n.kind_str(), "dotted_name" | "aliased_import"))
        .collect();
    let text_of = |n: Node| -> String {
        let n = match n.kind_str() {
            "aliased_import" => n.child_by_field_id(field::NAME).unwrap_or(n),
            _ => n,
        };
        src[n.byte_range()].to_string()
    };
    let new_key = name_key(name);
    match names.iter().find(|n| name_key(&text_of(**n)) > new_key) {
        Some(next) => {
            let at = next.start_byte();
            let line_start = src[..at].rfind('\n').map_or(0, |i| i + 1);
            let starts_line = src[line_start..at].trim().is_empty();
            let content = if starts_line && stmt.start_position().row != next.start_position().row {
                format!("{name},\n{}", &src[line_start..at])
            } else {
                format!("{name}, ")
            };
            Edit {
                range: at..at,
                content,
            }
        }
        None => {
            let last = names.last().copied().unwrap_or(stmt);
            let at = last.end_byte();
            let line_start = src[..last.start_byte()].rfind('\n').map_or(0, |i| i + 1);
            let multi_line = stmt.start_position().row != last.start_position().row
                && src[line_start..last.start_byte()].trim().is_empty();
            if multi_line && src[at..].trim_start().starts_with(',') {
                // `    b,\n)` → `    b,\n    name,\n)`
                let comma = at + src[at..].find(',').unwrap_or(0) + 1;
                Edit {
                    range: comma..comma,
                    content: format!("\n{}{name},", &src[line_start..last.start_byte()]),
                }
            } else {
                Edit {
                    range: at..at,
                    content: format!(", {name}"),
                }
            }
        }
    }
}

/// A new import statement `line` with sort key `new`, before the first
/// leading import that sorts after it, else after the last one.
fn new_statement(stmts: &[Stmt], header: usize, src: &str, new: Key, line: &str) -> Edit {
    let Some(last) = stmts.last() else {
        return if header == 0 {
            Edit {
                range: 0..0,
                content: format!("{line}\n"),
            }
        } else {
            Edit {
                range: header..header,
                content: format!("\n{line}"),
            }
        };
    };
    match stmts.iter().position(|s| s.key > new) {
        // Last of its section: right after the previous statement, before
        // the blank line that ends the section.
        Some(i) if i > 0 && stmts[i - 1].key.0 == new.0 && stmts[i].key.0 != new.0 => {
            let at = stmts[i - 1].node.end_byte();
            Edit {
                range: at..at,
                content: format!("\n{line}"),
            }
        }
        Some(i) => {
            let next = &stmts[i];
            let at = src[..next.node.start_byte()]
                .rfind('\n')
                .map_or(0, |p| p + 1);
            let blank_after = next.key.0 != new.0;
            Edit {
                range: at..at,
                content: format!("{line}\n{}", if blank_after { "\n" } else { "" }),
            }
        }
        None => {
            let at = last.node.end_byte();
            let blank_before = last.key.0 != new.0;
            Edit {
                range: at..at,
                content: format!("\n{}{line}", if blank_before { "\n" } else { "" }),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::python::Document;

    fn apply(src: &str, edit: Edit) -> String {
        let mut out = src.to_string();
        out.replace_range(edit.range, &edit.content);
        out
    }

    fn from(src: &str, module: &str, name: &str) -> String {
        let doc = Document::parse(src);
        apply(src, add_from_import(doc.root(), src, module, name))
    }

    fn plain(src: &str, module: &str) -> String {
        let doc = Document::parse(src);
        apply(src, add_import(doc.root(), src, module))
    }

    #[test]
    fn joins_an_existing_from_import_in_order() {
        assert_eq!(
            from(
                "from typing import Any, cast\n\nx = 1\n",
                "typing",
                "Optional"
            ),
            "from typing import Any, Optional, cast\n\nx = 1\n"
        );
        assert_eq!(
            from("from typing import Any\n", "typing", "Optional"),
            "from typing import Any, Optional\n"
        );
        assert_eq!(
            from(
                "from typing import (\n    Any,\n    cast,\n)\n",
                "typing",
                "Optional"
            ),
            "from typing import (\n    Any,\n    Optional,\n    cast,\n)\n"
        );
        assert_eq!(
            from(
                "from typing import (\n    Any,\n    Dict,\n)\n",
                "typing",
                "Optional"
            ),
            "from typing import (\n    Any,\n    Dict,\n    Optional,\n)\n"
        );
    }

    #[test]
    fn new_statements_go_to_their_section() {
        let src = "\"\"\"Doc.\"\"\"\nimport os\nfrom pathlib import Path\n\nfrom django.db import models\n\nfrom .utils import x\n\nX = 1\n";
        assert_eq!(
            from(src, "typing", "Optional"),
            "\"\"\"Doc.\"\"\"\nimport os\nfrom pathlib import Path\nfrom typing import Optional\n\nfrom django.db import models\n\nfrom .utils import x\n\nX = 1\n"
        );
        assert_eq!(
            plain(src, "functools"),
            "\"\"\"Doc.\"\"\"\nimport functools\nimport os\nfrom pathlib import Path\n\nfrom django.db import models\n\nfrom .utils import x\n\nX = 1\n"
        );
        assert_eq!(
            from(src, "django.utils.html", "format_html"),
            "\"\"\"Doc.\"\"\"\nimport os\nfrom pathlib import Path\n\nfrom django.db import models\nfrom django.utils.html import format_html\n\nfrom .utils import x\n\nX = 1\n"
        );
        // A section that is not there yet gets its blank line.
        assert_eq!(
            from(
                "from django.db import models\n\nX = 1\n",
                "typing",
                "Optional"
            ),
            "from typing import Optional\n\nfrom django.db import models\n\nX = 1\n"
        );
        assert_eq!(
            plain("import os\n\nX = 1\n", "asyncio"),
            "import asyncio\nimport os\n\nX = 1\n"
        );
        assert_eq!(
            from("import os\n\nX = 1\n", "django.utils.html", "format_html"),
            "import os\n\nfrom django.utils.html import format_html\n\nX = 1\n"
        );
        assert_eq!(plain("X = 1\n", "functools"), "import functools\nX = 1\n");
        assert_eq!(
            plain("\"\"\"Doc.\"\"\"\nX = 1\n", "functools"),
            "\"\"\"Doc.\"\"\"\nimport functools\nX = 1\n"
        );
    }
}
