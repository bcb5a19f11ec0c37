//! A property test of linear analysis: for generated Python with long
//! chains (`or`, `and`, comparisons, attribute and call chains, `+`) and
//! deep nesting (lambdas, parentheses, calls, lists, subscripts, `not`,
//! `if`/`for`/`while`/`with`/`try` blocks, `def`, `async def`, `class`),
//! the analyser's work (nodes visited plus ancestor steps, counted by the
//! analyser) per syntax node stays under one constant, whatever the size
//! or depth. Superlinear work (an ancestor walk per node, a subtree walked
//! again per chain link) would make it grow with the input. No wall-clock
//! time is measured. `PROPTEST_CASES` sets the number of cases (64 by
//! default).

use proptest::prelude::*;
use pyguide::python::Document;

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

fn work_per_node(text: &str) -> (f64, u64) {
    let doc = Document::parse(text);
    let mut nodes = 0u64;
    pyguide::python::walk(doc.root(), |_| {
        nodes += 1;
        true
    });
    let (_, work) = pyguide::detect::analyze_counting_work(&doc);
    (work as f64 / nodes as f64, nodes)
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
