//! A property test of linear analysis: for generated Python with long
//! chains (`or`, `and`, comparisons, attribute and call chains, `+`) and
//! deep nesting (lambdas, parentheses, calls, lists, subscripts, `not`,
//! `if`/`for`/`while`/`with`/`try` blocks, `def`, `async def`, `class`),
//! the analyser's work (nodes visited plus ancestor steps, counted by the
//! analyser) per syntax node stays under one constant, whatever the size
//! or depth. Superlinear work (an ancestor walk per node, a subtree walked
//! again per chain link) would make it grow with the input. No wall-clock
//! time is measured.
//!
//! A second property: incremental analysis equals a fresh one. Generated
//! modules of Django-flavoured classes (models, views, serializers,
//! querysets, enums, dataclasses; class-level statements, decorated
//! methods) take random edits, mostly inside classes (statements and
//! methods inserted, lines deleted, characters typed or deleted, `\r` and
//! `\r\n` included); after each one the analyser that saw every version
//! (caching per statement and per method) must report exactly what a
//! fresh analyser reports for the same tree, and for a fresh parse of the
//! text whenever that parse gives the same tree (on broken code an
//! incremental re-parse may recover from the error differently).
//!
//! `PROPTEST_CASES` sets the number of cases of each (64 by default).

mod support;

use proptest::prelude::*;
use pyguide::python::Document;
use support::work_per_node;

/// Work per syntax node no input may exceed.
const BOUND: f64 = 8.0;

/// Leaf expressions that wake the rules (comparisons, calls, querysets).
const LEAVES: &[&str] = &[
    "x == None",
    "x is 1",
    "x == True",
    "time.sleep(1)",
    "k in d.keys()",
    "sum([a for a in b])",
    "Book.objects.all()",
    "logging.info('%s' % v)",
    "asyncio.create_task(c())",
    "x",
];

const LINKS: &[&str] = &[" or ", " and ", " == ", " + ", ".", ", "];

/// Expression wrappers: `{}` is the inner expression.
const WRAPPERS: &[&str] = &[
    "lambda: {}",
    "({})",
    "f({})",
    "[{}]",
    "a[{}]",
    "not {}",
    "{} if c else d",
    "[{} for i in y]",
    "await {}",
];

/// Block headers, nested by indentation.
const BLOCKS: &[&str] = &[
    "if x:",
    "for x in y:",
    "while x:",
    "with x as y:",
    "def f(a=[]):",
    "async def g():",
    "class C(A, B):",
    "try:",
];

fn chain(leaf: &str, link: &str, n: usize) -> String {
    let link = if link == "." { ".a" } else { link };
    if link == ".a" {
        format!("({leaf}){}", ".a()".repeat(n))
    } else {
        vec![leaf; n].join(link)
    }
}

fn source(leaf: usize, link: usize, n: usize, wrappers: &[usize], blocks: &[usize]) -> String {
    let mut expr = chain(LEAVES[leaf], LINKS[link], n);
    for &w in wrappers {
        expr = WRAPPERS[w].replace("{}", &expr);
    }
    let mut out = String::from("import asyncio, logging, time\n");
    for (depth, &b) in blocks.iter().enumerate() {
        out.push_str(&" ".repeat(depth));
        out.push_str(BLOCKS[b]);
        out.push('\n');
    }
    let indent = " ".repeat(blocks.len());
    out.push_str(&format!("{indent}y = {expr}\n{indent}{expr}\n"));
    if blocks.iter().any(|&b| BLOCKS[b] == "try:") {
        out.push_str(&format!("{indent}pass\nexcept* E:\n pass\n"));
    }
    out
}

proptest! {
    // 64 cases by default (the test suite stays quick); `PROPTEST_CASES`
    // runs more.
    #![proptest_config(ProptestConfig {
        cases: std::env::var("PROPTEST_CASES").ok().and_then(|c| c.parse().ok()).unwrap_or(64),
        ..ProptestConfig::default()
    })]

    #[test]
    fn work_per_node_is_bounded(
        leaf in 0..LEAVES.len(),
        link in 0..LINKS.len(),
        n in 1usize..1000,
        wrappers in prop::collection::vec(0..WRAPPERS.len(), 0..300),
        blocks in prop::collection::vec(0..BLOCKS.len(), 0..100),
    ) {
        let text = source(leaf, link, n, &wrappers, &blocks);
        let (per_node, nodes) = work_per_node(&text);
        prop_assert!(
            per_node <= BOUND,
            "{per_node:.2} work a node over {nodes} nodes:\n{}",
            &text[..text.len().min(2000)]
        );
    }
}

/// The shapes of the issue at 10× sizes: work per node does not grow.
#[test]
fn work_per_node_is_flat_across_sizes() {
    for (leaf, link, wrappers, blocks) in [
        (0, 0, vec![], vec![]),
        (1, 1, vec![0; 1], vec![]),
        (2, 2, vec![], vec![0, 1]),
    ] {
        let small = work_per_node(&source(leaf, link, 150, &wrappers, &blocks)).0;
        let large = work_per_node(&source(leaf, link, 1500, &wrappers, &blocks)).0;
        assert!(large <= small * 1.25 + 0.5, "{small:.2} → {large:.2}");
    }
    for (w, wrapper) in WRAPPERS.iter().enumerate() {
        let small = work_per_node(&source(9, 0, 1, &[w; 40], &[])).0;
        let large = work_per_node(&source(9, 0, 1, &[w; 400], &[])).0;
        assert!(
            large <= small * 1.25 + 0.5,
            "{wrapper}: {small:.2} → {large:.2}"
        );
    }
    for (b, block) in BLOCKS.iter().enumerate() {
        let small = work_per_node(&source(0, 0, 1, &[], &[b; 12])).0;
        let large = work_per_node(&source(0, 0, 1, &[], &[b; 120])).0;
        assert!(
            large <= small * 1.25 + 0.5,
            "{block}: {small:.2} → {large:.2}"
        );
    }
}

// Incremental analysis: after any sequence of edits (most of them inside
// classes, whose methods the analyser caches one by one), the findings
// are those of a fresh analysis of the same text.

const PRELUDE: &str = "import asyncio, functools, logging, time
from django.db import models
from django.views import View
from django.contrib.auth.mixins import LoginRequiredMixin
from django.views.decorators.csrf import csrf_exempt
from django.utils.decorators import method_decorator
from rest_framework import serializers
from dataclasses import dataclass
from enum import Enum

class Author(models.Model):
    name = models.CharField(max_length=10)

class Book(models.Model):
    author = models.ForeignKey(Author, on_delete=models.CASCADE)

";

const CLASS_HEADERS: &[&str] = &[
    "class C(models.Model):",
    "class V(LoginRequiredMixin, View):",
    "class W(View):",
    "@dataclass\nclass D:",
    "class Q(models.QuerySet):",
    "class E(str, Enum):",
    "class S(serializers.ModelSerializer):",
    "class P:",
];

/// Statements of a class body (at one level of indentation).
const CLASS_LINES: &[&str] = &[
    "authentication_classes = [SessionAuthentication]",
    "__slots__ = ('a',)",
    "items = [i for i in range(3)]",
    "names = [n for n in items]",
    "objects = models.Manager()",
    "author = models.ForeignKey(Author, on_delete=models.CASCADE)",
    "RED = 1",
    "x: int = 0",
    "pass",
];

const METHOD_HEADS: &[&str] = &[
    "def m(self, x=[]):",
    "async def a(self):",
    "@csrf_exempt\n{i}def dispatch(self, request):",
    "@method_decorator(csrf_exempt)\n{i}def post(self, request):",
    "@functools.lru_cache\n{i}def cached(self):",
    "def __eq__(self, other):",
    "def __hash__(self):",
    "@property\n{i}def p(self):",
    "def get_queryset(self):",
    "def published(self):",
];

/// Statements of a method body (at one level of indentation).
const BODY_LINES: &[&str] = &[
    "return x == None",
    "if self.x is 1: pass",
    "time.sleep(1)",
    "for b in Book.objects.all(): print(b.author.name)",
    "for b in self.book_set.all(): print(b.author)",
    "return [k for k in d.keys()]",
    "logging.info('%s' % v)",
    "asyncio.create_task(c())",
    "await asyncio.sleep(0)",
    "yield 1",
    "return self.filter(x=1)",
    "import time as t",
    "t.sleep(2)",
    "match x:\n{i}    case RED: pass",
    "f = lambda: x == None",
    "pass",
];

/// Characters typed at random places.
const TYPED: &[&str] = &[
    "q", " ", "(", ":", "\n", "\n    ", "#", "'", "é", "\r\n", "\r",
];

/// One edit, its place given as a fraction of the text (or of its lines).
#[derive(Debug, Clone)]
enum Edit {
    /// A statement inserted before a line, indented like it: a class-level
    /// statement or a method next to a class-level line, a method
    /// statement in a method.
    Insert { at: f64, what: usize },
    /// A line deleted.
    DeleteLine { at: f64 },
    /// A character typed at a byte offset.
    Type { at: f64, what: usize },
    /// One character deleted.
    DeleteChar { at: f64 },
}

fn edit_strategy() -> impl Strategy<Value = Edit> {
    prop_oneof![
        4 => (0.0..1.0f64, 0usize..64).prop_map(|(at, what)| Edit::Insert { at, what }),
        2 => (0.0..1.0f64).prop_map(|at| Edit::DeleteLine { at }),
        2 => (0.0..1.0f64, 0..TYPED.len()).prop_map(|(at, what)| Edit::Type { at, what }),
        1 => (0.0..1.0f64).prop_map(|at| Edit::DeleteChar { at }),
    ]
}

/// A method: its head and body lines at `indent`.
fn method(head: usize, body: &[usize], indent: &str) -> String {
    let inner = format!("{indent}    ");
    let mut out = format!(
        "{indent}{}\n",
        METHOD_HEADS[head % METHOD_HEADS.len()].replace("{i}", indent)
    );
    if body.is_empty() {
        out.push_str(&format!("{inner}pass\n"));
    }
    for &b in body {
        let line = BODY_LINES[b % BODY_LINES.len()].replace("{i}", &inner);
        out.push_str(&format!("{inner}{line}\n"));
    }
    out
}

/// A generated class: its header, class-level lines and methods (head,
/// body lines), as indexes into the tables above.
type Class = (usize, Vec<usize>, Vec<(usize, Vec<usize>)>);

/// The prelude and `classes`.
fn classes_source(classes: &[Class]) -> String {
    let mut out = String::from(PRELUDE);
    for (header, lines, methods) in classes {
        out.push_str(CLASS_HEADERS[header % CLASS_HEADERS.len()]);
        out.push('\n');
        if lines.is_empty() && methods.is_empty() {
            out.push_str("    pass\n");
        }
        for &l in lines {
            out.push_str(&format!("    {}\n", CLASS_LINES[l % CLASS_LINES.len()]));
        }
        for (head, body) in methods {
            out.push_str(&method(*head, body, "    "));
        }
        out.push('\n');
    }
    out.push_str("def top():\n    return 1 == None\n");
    out
}

/// The byte range and replacement text of `edit` on `text`.
fn locate(text: &str, edit: &Edit) -> (std::ops::Range<usize>, String) {
    let boundary = |at: f64| {
        let mut i = ((text.len() as f64) * at) as usize;
        while !text.is_char_boundary(i) {
            i -= 1;
        }
        i
    };
    let line_at = |at: f64| {
        let starts: Vec<usize> = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .filter(|&s| s < text.len())
            .collect();
        let start = starts[((starts.len() as f64) * at) as usize % starts.len()];
        let end = text[start..]
            .find('\n')
            .map_or(text.len(), |i| start + i + 1);
        (start, end)
    };
    match *edit {
        Edit::Insert { at, what } => {
            let (start, end) = line_at(at);
            let line = &text[start..end];
            let indent = &line[..line.len() - line.trim_start_matches(' ').len()];
            let new = match indent.len() {
                0 => format!("{}\n", ["import os", "RED = 2", "x = 1"][what % 3]),
                4 if what % 2 == 0 => method(what / 2, &[what / 3, what / 5], indent),
                4 => format!("{indent}{}\n", CLASS_LINES[what % CLASS_LINES.len()]),
                _ => format!(
                    "{indent}{}\n",
                    BODY_LINES[what % BODY_LINES.len()].replace("{i}", indent)
                ),
            };
            (start..start, new)
        }
        Edit::DeleteLine { at } => {
            let (start, end) = line_at(at);
            (start..end, String::new())
        }
        Edit::Type { at, what } => {
            let i = boundary(at);
            (i..i, TYPED[what].to_string())
        }
        Edit::DeleteChar { at } => {
            let i = boundary(at);
            let len = text[i..].chars().next().map_or(0, char::len_utf8);
            (i..i + len, String::new())
        }
    }
}

fn class_strategy() -> impl Strategy<Value = Class> {
    (
        0..CLASS_HEADERS.len(),
        prop::collection::vec(0..CLASS_LINES.len(), 0..4),
        prop::collection::vec(
            (
                0..METHOD_HEADS.len(),
                prop::collection::vec(0..BODY_LINES.len(), 0..4),
            ),
            0..6,
        ),
    )
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: std::env::var("PROPTEST_CASES").ok().and_then(|c| c.parse().ok()).unwrap_or(64),
        ..ProptestConfig::default()
    })]

    #[test]
    fn incremental_analysis_matches_a_fresh_one(
        classes in prop::collection::vec(class_strategy(), 1..4),
        edits in prop::collection::vec(edit_strategy(), 1..40),
    ) {
        let models = pyguide::detect::ModelIndex::default();
        let mut doc = Document::parse(classes_source(&classes));
        let mut analyzer = pyguide::detect::Analyzer::default();
        let first = analyzer.analyze(&doc, &models);
        prop_assert_eq!(&first, &pyguide::detect::analyze_with(&doc, &models));
        for (n, edit) in edits.iter().enumerate() {
            let (range, new) = locate(doc.text(), edit);
            doc.edit(range, &new);
            let incremental = analyzer.analyze(&doc, &models);
            // The oracle analyses the same tree afresh: on broken code an
            // incremental re-parse may recover differently from a fresh
            // parse (tree-sitter's choice, not the cache's), so the fresh
            // parse is compared only when the trees agree.
            let fresh = pyguide::detect::analyze_with(&doc, &models);
            prop_assert!(
                incremental == fresh,
                "after edit {n} ({edit:?}):\nincremental {incremental:#?}\nfresh {fresh:#?}\ntext:\n{}",
                doc.text()
            );
            let reparsed = Document::parse(doc.text());
            if reparsed.root().to_sexp() == doc.root().to_sexp() {
                prop_assert_eq!(&incremental, &pyguide::detect::analyze_with(&reparsed, &models));
            }
        }
    }
}
