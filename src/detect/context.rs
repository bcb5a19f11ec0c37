//! What every rule may ask about the file: node text, qualified names,
//! enclosing functions, indentation, and how to add an import.
//!
//! It also owns the walk's ancestor stack: tree-sitter's `Node::parent`
//! walks down from the root (O(depth) a call), so a rule that walks up
//! from a node with it pays O(depth²), and O(n³) over a long `or` chain or
//! deep nesting. The walk keeps each ancestor of the node being visited,
//! with the innermost enclosing function and the nearest ancestor that is
//! not part of an expression chain precomputed, so [`Ctx::ancestors`],
//! [`Ctx::enclosing_function`] and [`Ctx::expression_context`] cost O(1)
//! a step. `work` counts the nodes the walk and these helpers touch, so
//! tests can bound analysis by work instead of time.

use crate::detect::syntax::{NodeExt, field};
use std::cell::{Cell, RefCell};

thread_local! {
    /// Nodes visited by [`visit_own`] on this thread (it has no `Ctx`);
    /// [`Ctx::work`] includes those visited during its analysis.
    static OWN_VISITS: Cell<u64> = const { Cell::new(0) };
}

fn own_visits() -> u64 {
    OWN_VISITS.with(Cell::get)
}

use tree_sitter::Node;

use super::models::Models;
use super::readers::calls::PrivateUses;
use super::readers::scope::is_comprehension;
use super::{Edit, ImportMap, Lib, Options};
use crate::python::Document;

pub(crate) struct Ctx<'a> {
    pub src: &'a str,
    pub imports: ImportMap,
    /// Django models: the file's own, then the workspace's.
    pub models: Models<'a>,
    /// Whether the text mentions a model manager or a queryset-only method,
    /// so a variable may hold a queryset (see `readers/queryset.rs`).
    pub may_have_querysets: bool,
    /// The project's versions and where the file sits.
    pub options: &'a Options,
    /// The root of the tree.
    root: Node<'a>,
    /// The ancestors of the node being visited, outermost first.
    frames: RefCell<Vec<Frame<'a>>>,
    /// The node being visited.
    current: Cell<Option<Node<'a>>>,
    /// Nodes touched by the walk and the helpers.
    work: Cell<u64>,
    /// [`OWN_VISITS`] when this context was made.
    own_visits_at_start: u64,
    /// File-wide facts, computed once per analysis ([`Ctx::module_fact`]).
    facts: RefCell<Facts<'a>>,
    serializers: std::cell::OnceCell<std::rc::Rc<std::collections::HashSet<String>>>,
    /// The text's facts when the analysis is of a whole file (a part's
    /// are `file.text`): the words asked of [`Ctx::mentions`].
    own_text: TextFacts,
    /// Per scope, its own assignments by name ([`Ctx::own_assignments`]).
    assignments: RefCell<std::collections::HashMap<usize, std::rc::Rc<Assignments<'a>>>>,
    /// For one part of a file analysed in parts: what the rest of the
    /// file tells (see [`FileWide`]).
    file: Option<&'a FileWide<'a>>,
    /// The module's private names and their calls ([`Ctx::private_uses`]).
    private_uses: std::cell::OnceCell<std::rc::Rc<PrivateUses<'a>>>,
    /// How many times a rule read other statements in a way the cache key
    /// of `incremental.rs` does not cover ([`Ctx::reads_other_statements`]).
    other_statement_reads: Cell<u64>,
    /// The tree is skimmed (`detect/skim.rs`): some function bodies were
    /// left out, so every read of the module beyond the statement being
    /// analysed that may read them counts as
    /// [`Ctx::reads_other_statements`] (a module fact outside
    /// `rules::SKIM_EXACT_FACTS`, the serializers, the private names'
    /// uses).
    skimmed: bool,
    /// Where the bodies start that the walk leaves out (sorted): those of
    /// functions where none of the rules can fire (`detect/skim.rs`).
    skip_bodies: &'a [usize],
}

/// A file-wide fact about the module, read from its root (`module_fact`):
/// a union over its statements, so a file read in parts gets it by
/// concatenating each part's.
pub(crate) type ModuleFact = for<'a> fn(&Ctx<'a>, Node<'a>) -> Vec<&'a str>;

/// What one part of a file analysed in parts (`detect/chunked.rs`) knows
/// of the whole file, beyond the imports and models every [`Ctx`] has:
/// the module facts (`rules::MODULE_FACTS`, each the concatenation of
/// every part's), the file's local serializer classes, the module-level
/// names assigned in earlier parts, and the tree of the leading imports
/// (where an added import goes).
pub(crate) struct FileWide<'a> {
    pub facts: std::collections::HashMap<&'static str, std::rc::Rc<Vec<&'a str>>>,
    pub serializers: std::rc::Rc<std::collections::HashSet<String>>,
    /// Names a module-level statement of an earlier part assigns: their
    /// definitions are out of reach, so [`Ctx::own_assignments`] of the
    /// module leaves them out (a variable followed to its one definition
    /// must not be followed to a later one only).
    pub assigned_before: std::collections::HashSet<&'a str>,
    /// The root of the file's head: its docstring, comments and leading
    /// imports, parsed alone.
    pub head: Node<'a>,
    /// Text facts of the whole file, read once for every part:
    /// [`may_have_querysets`] and the words asked of [`Ctx::mentions`].
    pub text: &'a TextFacts,
}

/// What the whole text says, read once per analysis of a file in parts
/// (each part would otherwise scan the whole text again).
#[derive(Default)]
pub(crate) struct TextFacts {
    pub may_have_querysets: bool,
    mentioned: RefCell<Vec<(&'static str, bool)>>,
}

impl TextFacts {
    pub fn new(src: &str) -> TextFacts {
        TextFacts {
            may_have_querysets: may_have_querysets(src),
            mentioned: RefCell::default(),
        }
    }

    fn mentions(&self, src: &str, word: &'static str) -> bool {
        if let Some((_, found)) = self
            .mentioned
            .borrow()
            .iter()
            .find(|(w, _)| std::ptr::eq(*w, word) || *w == word)
        {
            return *found;
        }
        let found = src.contains(word);
        self.mentioned.borrow_mut().push((word, found));
        found
    }
}

/// A scope's own `name = ...` and `name op= ...` statements, by name, in
/// document order.
pub(crate) type Assignments<'a> = std::collections::HashMap<&'a str, Vec<Node<'a>>>;

/// File-wide and per-node facts, by (what, node id).
type Facts<'a> = std::collections::HashMap<(&'static str, usize), std::rc::Rc<Vec<&'a str>>>;

/// One ancestor on the walk's stack.
#[derive(Clone, Copy)]
struct Frame<'a> {
    node: Node<'a>,
    /// Index of the innermost function or lambda frame at or above this one.
    function: Option<usize>,
    /// Index of the nearest frame at or above this one that is not a link
    /// of an expression chain (see [`Ctx::expression_context`]).
    context: Option<usize>,
    /// Index of the nearest scope (module, class, function, lambda) frame
    /// at or above this one.
    scope: Option<usize>,
    /// Index of the nearest scope or comprehension frame at or above.
    scope_or_comprehension: Option<usize>,
}

fn is_scope(kind: &str) -> bool {
    matches!(
        kind,
        "function_definition" | "lambda" | "class_definition" | "module"
    )
}

/// What a frame's kind means to the stack, by kind id (comparing ids is
/// far cheaper than `Node::kind` strings on every node pushed).
#[derive(Clone, Copy, PartialEq, Eq)]
enum FrameClass {
    /// `function_definition`, `lambda`: a function and a scope.
    Function,
    /// `class_definition`, `module`: a scope.
    Scope,
    Comprehension,
    /// A link of an expression chain ([`CHAIN`]).
    Chain,
    Other,
}

/// The node kind ids [`FrameClass`] tells apart, looked up once.
struct FrameKinds {
    classes: Vec<FrameClass>,
}

impl FrameKinds {
    fn get() -> &'static FrameKinds {
        static KINDS: std::sync::LazyLock<FrameKinds> = std::sync::LazyLock::new(|| {
            let language: tree_sitter::Language = tree_sitter_python::LANGUAGE.into();
            let mut classes = vec![FrameClass::Other; language.node_kind_count()];
            for (id, class) in (0..=u16::MAX).zip(classes.iter_mut()) {
                let Some(kind) = language.node_kind_for_id(id) else {
                    continue;
                };
                if !language.node_kind_is_named(id) {
                    continue;
                }
                *class = if matches!(kind, "function_definition" | "lambda") {
                    FrameClass::Function
                } else if is_scope(kind) {
                    FrameClass::Scope
                } else if is_comprehension(kind) {
                    FrameClass::Comprehension
                } else if CHAIN.contains(&kind) {
                    FrameClass::Chain
                } else {
                    FrameClass::Other
                };
            }
            FrameKinds { classes }
        });
        &KINDS
    }

    fn class_of(&self, kind_id: u16) -> FrameClass {
        self.classes
            .get(usize::from(kind_id))
            .copied()
            .unwrap_or(FrameClass::Other)
    }
}

/// Kinds an expression chain passes through: `a == b or not (c == d)`.
const CHAIN: &[&str] = &[
    "boolean_operator",
    "not_operator",
    "parenthesized_expression",
    "comparison_operator",
];

impl<'a> Ctx<'a> {
    pub fn new(
        doc: &'a Document,
        imports: ImportMap,
        models: Models<'a>,
        options: &'a Options,
    ) -> Ctx<'a> {
        let src = doc.text();
        let querysets = may_have_querysets(src);
        Ctx::over(src, doc.root(), imports, models, options, None, querysets)
    }

    /// A context over a tree of (part of) `src` that knows nothing beyond
    /// it but `text`: how a part's own facts are read.
    pub fn of_tree(
        src: &'a str,
        root: Node<'a>,
        imports: ImportMap,
        models: Models<'a>,
        options: &'a Options,
        text: &TextFacts,
    ) -> Ctx<'a> {
        Ctx::over(
            src,
            root,
            imports,
            models,
            options,
            None,
            text.may_have_querysets,
        )
    }

    /// A context for one part of a file analysed in parts: `root` is the
    /// part's tree (its nodes at their offsets in `src`, the whole text),
    /// `file` what the other parts tell.
    pub fn part(
        src: &'a str,
        root: Node<'a>,
        imports: ImportMap,
        models: Models<'a>,
        options: &'a Options,
        file: &'a FileWide<'a>,
    ) -> Ctx<'a> {
        let querysets = file.text.may_have_querysets;
        Ctx::over(src, root, imports, models, options, Some(file), querysets)
    }

    fn over(
        src: &'a str,
        root: Node<'a>,
        imports: ImportMap,
        models: Models<'a>,
        options: &'a Options,
        file: Option<&'a FileWide<'a>>,
        may_have_querysets: bool,
    ) -> Ctx<'a> {
        Ctx {
            src,
            imports,
            models,
            may_have_querysets,
            options,
            root,
            frames: RefCell::new(Vec::new()),
            current: Cell::new(None),
            work: Cell::new(0),
            own_visits_at_start: own_visits(),
            facts: RefCell::default(),
            serializers: std::cell::OnceCell::new(),
            own_text: TextFacts {
                may_have_querysets,
                mentioned: RefCell::default(),
            },
            assignments: RefCell::default(),
            file,
            private_uses: std::cell::OnceCell::new(),
            other_statement_reads: Cell::new(0),
            skimmed: false,
            skip_bodies: &[],
        }
    }

    /// Marks the tree as skimmed (see the field).
    pub fn set_skimmed(&mut self) {
        self.skimmed = true;
    }

    /// Leaves the blocks starting at `starts` (sorted) out of the walk.
    pub fn set_skip_bodies(&mut self, starts: &'a [usize]) {
        self.skip_bodies = starts;
    }

    /// Whether the walk leaves `node` out: a function body where none of
    /// the rules can fire ([`Ctx::set_skip_bodies`]).
    pub fn skips(&self, node: Node) -> bool {
        !self.skip_bodies.is_empty()
            && node.kind_str() == "block"
            && self.skip_bodies.binary_search(&node.start_byte()).is_ok()
    }

    /// A file-wide list of names (`key` names it), computed on first use
    /// and kept for the rest of the analysis: a rule that needs the
    /// module's names for each node it checks would otherwise walk the
    /// module once per node (O(n²) on a large file).
    pub fn module_fact(
        &self,
        key: &'static str,
        compute: impl FnOnce() -> Vec<&'a str>,
    ) -> std::rc::Rc<Vec<&'a str>> {
        if let Some(file) = self.file {
            if let Some(fact) = file.facts.get(key) {
                return fact.clone();
            }
            debug_assert!(false, "module fact {key:?} is not in rules::MODULE_FACTS");
        }
        if self.skimmed && !super::rules::SKIM_EXACT_FACTS.contains(&key) {
            self.reads_other_statements();
        }
        self.node_fact(key, self.root, compute)
    }

    /// [`Ctx::module_fact`] for a fact about one node (a class body's
    /// names, asked for each comprehension in it).
    pub fn node_fact(
        &self,
        key: &'static str,
        node: Node,
        compute: impl FnOnce() -> Vec<&'a str>,
    ) -> std::rc::Rc<Vec<&'a str>> {
        let k = (key, node.id());
        if let Some(v) = self.facts.borrow().get(&k) {
            return v.clone();
        }
        let v = std::rc::Rc::new(compute());
        self.facts.borrow_mut().insert(k, v.clone());
        v
    }

    /// [`Ctx::module_fact`] for a set of strings (one per analysis).
    pub fn module_strings(
        &self,
        compute: impl FnOnce() -> std::collections::HashSet<String>,
    ) -> std::rc::Rc<std::collections::HashSet<String>> {
        if let Some(file) = self.file {
            return file.serializers.clone();
        }
        if self.skimmed {
            self.reads_other_statements();
        }
        self.serializers
            .get_or_init(|| std::rc::Rc::new(compute()))
            .clone()
    }

    /// Whether `word` occurs anywhere in the file's text: a cheap test a
    /// rule makes before walking a subtree for the construct `word` spells
    /// (`yield` before looking for one in every function body). The
    /// answer is kept for the rest of the analysis.
    pub fn mentions(&self, word: &'static str) -> bool {
        self.file
            .map_or(&self.own_text, |file| file.text)
            .mentions(self.src, word)
    }

    /// The assignments (`assignment`, `augmented_assignment`) to a plain
    /// name that `scope` makes itself (outside nested functions and
    /// classes), by name, in document order; read once per scope and kept
    /// for the analysis, so a rule asking for each identifier where it was
    /// assigned does not walk the scope once per identifier (quadratic on a
    /// large module).
    pub fn own_assignments(&self, scope: Node<'a>) -> std::rc::Rc<Assignments<'a>> {
        if let Some(a) = self.assignments.borrow().get(&scope.id()) {
            return a.clone();
        }
        let mut index: Assignments<'a> = std::collections::HashMap::new();
        visit_own(scope, &mut |n| {
            if matches!(n.kind_str(), "assignment" | "augmented_assignment")
                && let Some(left) = n.child_by_field_id(field::LEFT)
                && left.kind_str() == "identifier"
            {
                index.entry(self.text(left)).or_default().push(n);
            }
        });
        if let Some(file) = self.file
            && scope.id() == self.root.id()
        {
            index.retain(|name, _| !file.assigned_before.contains(name));
        }
        let index = std::rc::Rc::new(index);
        self.assignments
            .borrow_mut()
            .insert(scope.id(), index.clone());
        index
    }

    /// The calls and other uses of the module's private names (see
    /// `readers/calls.rs`), read on first use and kept for the analysis;
    /// `None` for a part of a file analysed in parts, whose other parts
    /// may hold more.
    pub fn private_uses(&self) -> Option<std::rc::Rc<PrivateUses<'a>>> {
        if self.file.is_some() {
            return None;
        }
        if self.skimmed {
            self.reads_other_statements();
        }
        let uses = self.private_uses.get_or_init(|| {
            std::rc::Rc::new(PrivateUses::of(self.root, self.src, &|n| self.count(n)))
        });
        Some(uses.clone())
    }

    /// Says that the findings being computed depend on other statements
    /// of the module beyond what the incremental analysis keys its cache
    /// on (imports, models, top-level assignments and names): the
    /// statement (or method) being analysed is then not cached, and is
    /// analysed again every time.
    pub fn reads_other_statements(&self) {
        self.other_statement_reads
            .set(self.other_statement_reads.get() + 1);
    }

    /// How many times [`Ctx::reads_other_statements`] was called: a unit
    /// whose analysis changed it is not cached.
    pub(super) fn other_statement_reads(&self) -> u64 {
        self.other_statement_reads.get()
    }

    /// The root of the tree (the `module`).
    pub fn root(&self) -> Node<'a> {
        self.root
    }

    /// Nodes touched so far by the walk and the ancestor helpers.
    pub fn work(&self) -> u64 {
        self.work.get() + own_visits().wrapping_sub(self.own_visits_at_start)
    }

    /// Counts `n` units of work.
    pub fn count(&self, n: u64) {
        self.work.set(self.work.get() + n);
    }

    /// The walk: `node` is being visited; its ancestors are on the stack.
    pub(super) fn enter(&self, node: Node<'a>) {
        self.current.set(Some(node));
        self.count(1);
    }

    /// The walk descends into `node` (the node last entered).
    pub(super) fn push(&self, node: Node<'a>) {
        let mut frames = self.frames.borrow_mut();
        let above = frames.last().copied();
        let i = frames.len();
        let class = FrameKinds::get().class_of(node.kind_id());
        frames.push(Frame {
            node,
            function: if class == FrameClass::Function {
                Some(i)
            } else {
                above.and_then(|f| f.function)
            },
            context: if class == FrameClass::Chain {
                above.and_then(|f| f.context)
            } else {
                Some(i)
            },
            scope: if matches!(class, FrameClass::Function | FrameClass::Scope) {
                Some(i)
            } else {
                above.and_then(|f| f.scope)
            },
            scope_or_comprehension: if matches!(
                class,
                FrameClass::Function | FrameClass::Scope | FrameClass::Comprehension
            ) {
                Some(i)
            } else {
                above.and_then(|f| f.scope_or_comprehension)
            },
        });
    }

    /// The walk leaves the node last pushed.
    pub(super) fn pop(&self) {
        self.frames.borrow_mut().pop();
        self.current.set(None);
    }

    /// Starts a walk of a subtree whose parent is `parent` (its own
    /// ancestors are put on the stack).
    pub(super) fn start(&self, parent: Option<Node<'a>>) {
        self.frames.borrow_mut().clear();
        self.current.set(None);
        let Some(parent) = parent else {
            return;
        };
        let mut chain = vec![parent];
        while let Some(p) = chain.last().and_then(|n| n.parent()) {
            chain.push(p);
        }
        for n in chain.into_iter().rev() {
            self.push(n);
        }
    }

    /// The stack index of `node`'s parent: the top frame when `node` is
    /// the node being visited, the frame below `node` when it is on the
    /// stack near the top; `None` when the stack does not know it.
    /// (Nodes are told apart by id: unique within one tree.)
    fn parent_index(&self, node: Node) -> Option<Option<usize>> {
        let frames = self.frames.borrow();
        let id = node.id();
        if self.current.get().is_some_and(|c| c.id() == id) {
            return Some(frames.len().checked_sub(1));
        }
        // Rules ask about the visited node or a near ancestor of it.
        let near = frames.len().saturating_sub(4);
        (near..frames.len())
            .rev()
            .find(|&i| frames[i].node.id() == id)
            .map(|i| i.checked_sub(1))
    }

    /// `node`'s ancestors, innermost first. O(1) a step for the node being
    /// visited and its ancestors; other nodes fall back to `Node::parent`.
    pub fn ancestors(&self, node: Node<'a>) -> Ancestors<'_, 'a> {
        match self.parent_index(node) {
            Some(at) => Ancestors {
                ctx: self,
                at: Err(at),
            },
            None => Ancestors {
                ctx: self,
                at: Ok(node),
            },
        }
    }

    /// `node`'s parent (see [`Ctx::ancestors`]).
    pub fn parent(&self, node: Node<'a>) -> Option<Node<'a>> {
        self.ancestors(node).next()
    }

    pub fn text(&self, node: Node) -> &'a str {
        &self.src[node.byte_range()]
    }

    /// Whether the function around `at` (the module when there is none)
    /// assigns `name = <value>` with a value that `value` accepts: how a
    /// rule follows a local variable to what it holds.
    pub fn assigns(
        &self,
        at: Node<'a>,
        name: &str,
        mut value: impl FnMut(Node<'a>) -> bool,
    ) -> bool {
        let scope = self
            .enclosing_function(at)
            .and_then(|f| f.child_by_field_id(field::BODY))
            .unwrap_or(self.root);
        let mut found = false;
        visit_own(scope, &mut |n| {
            found = found
                || (n.kind_str() == "assignment"
                    && n.child_by_field_id(field::LEFT)
                        .is_some_and(|l| self.text(l) == name)
                    && n.child_by_field_id(field::RIGHT).is_some_and(&mut value));
        });
        found
    }

    /// Whether the project runs on `lib` `major.minor` or later (an
    /// unknown version is the oldest pyguide assumes).
    pub fn at_least(&self, lib: Lib, major: u16, minor: u16) -> bool {
        self.options.versions.at_least(lib, major, minor)
    }

    /// The nearest ancestor of `node` that is not a link of an expression
    /// chain (see [`Ctx::expression_context`]). O(1) for the node being
    /// visited.
    pub fn expression_context(&self, node: Node<'a>) -> Option<Node<'a>> {
        self.count(1);
        if let Some(at) = self.parent_index(node) {
            let frames = self.frames.borrow();
            return at.and_then(|i| frames[i].context).map(|i| frames[i].node);
        }
        let mut n = node.parent();
        while let Some(p) = n {
            self.count(1);
            if !CHAIN.contains(&p.kind_str()) {
                return Some(p);
            }
            n = p.parent();
        }
        None
    }

    /// `node`'s text as a Markdown code span for a message: the only way
    /// user code enters one (see [`crate::text::code_span`]).
    pub fn code(&self, node: Node) -> String {
        crate::text::code_span(self.text(node))
    }

    /// The receiver, method name and method-name node of a method call
    /// `receiver.name(...)`; `None` for any other call.
    pub fn method_call<'t>(&self, call: Node<'t>) -> Option<(Node<'t>, &'a str, Node<'t>)> {
        let f = call
            .child_by_field_id(field::FUNCTION)
            .filter(|f| f.kind_str() == "attribute")?;
        let name = f.child_by_field_id(field::ATTRIBUTE)?;
        Some((f.child_by_field_id(field::OBJECT)?, self.text(name), name))
    }

    /// Qualified name of a name/attribute expression (`aio.gather` → `asyncio.gather`).
    pub fn resolve(&self, expr: Node) -> Option<String> {
        self.imports.resolve(expr, self.src)
    }

    /// The innermost function or lambda that contains `node`. O(1) for the
    /// node being visited and its near ancestors.
    pub fn enclosing_function(&self, node: Node<'a>) -> Option<Node<'a>> {
        if let Some(at) = self.parent_index(node) {
            self.count(1);
            let frames = self.frames.borrow();
            return at.and_then(|i| frames[i].function).map(|i| frames[i].node);
        }
        self.ancestors(node)
            .find(|p| matches!(p.kind_str(), "function_definition" | "lambda"))
    }

    /// The innermost scope (module, class, function, lambda) around
    /// `node`, and whether a comprehension lies between them. O(1) for the
    /// node being visited.
    pub fn scope_of(&self, node: Node<'a>) -> Option<(Node<'a>, bool)> {
        if let Some(at) = self.parent_index(node) {
            self.count(1);
            let frames = self.frames.borrow();
            let top = frames[at?];
            let scope = top.scope?;
            let comprehension = top.scope_or_comprehension.is_some_and(|i| i > scope);
            return Some((frames[scope].node, comprehension));
        }
        let mut comprehension = false;
        for p in self.ancestors(node) {
            if is_scope(p.kind_str()) {
                return Some((p, comprehension));
            }
            comprehension |= is_comprehension(p.kind_str());
        }
        None
    }

    /// The nearest scope or comprehension around `node`. O(1) for the node
    /// being visited.
    pub fn scope_or_comprehension(&self, node: Node<'a>) -> Option<Node<'a>> {
        if let Some(at) = self.parent_index(node) {
            self.count(1);
            let frames = self.frames.borrow();
            return frames[at?].scope_or_comprehension.map(|i| frames[i].node);
        }
        self.ancestors(node)
            .find(|p| is_scope(p.kind_str()) || is_comprehension(p.kind_str()))
    }

    /// True when `node` runs directly in an `async def` (not in a nested
    /// `def` or `lambda` inside it). O(1) for the node being visited.
    pub fn in_async_function(&self, node: Node) -> bool {
        self.count(1);
        if let Some(at) = self.parent_index(node) {
            let frames = self.frames.borrow();
            return at
                .and_then(|i| frames[i].function)
                .is_some_and(|i| is_async_def(frames[i].node));
        }
        let mut n = node.parent();
        while let Some(p) = n {
            self.count(1);
            if matches!(p.kind_str(), "function_definition" | "lambda") {
                return is_async_def(p);
            }
            n = p.parent();
        }
        false
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
        let root = self.file.map_or(root, |f| f.head);
        let qualified = format!("{module}.{name}");
        match self.imports.spelling_of(&qualified) {
            Some(s) => (s, None),
            None => (qualified, self.add_import(root, module)),
        }
    }

    /// An edit that adds `import {module}` where isort would put it, or
    /// `None` when the module is already imported under its own name.
    pub fn add_import(&self, root: Node, module: &str) -> Option<Edit> {
        let root = self.file.map_or(root, |f| f.head);
        if self.imports.is_imported_module(module) {
            return None;
        }
        Some(super::import_edit::add_import(root, self.src, module))
    }

    /// How this file can spell `module.name` with a `from` import: its own
    /// spelling when already imported, else `name` plus the edit that adds
    /// it (joined into an existing `from module import ...` line).
    pub fn import_from(&self, root: Node, module: &str, name: &str) -> (String, Option<Edit>) {
        let root = self.file.map_or(root, |f| f.head);
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

/// The iterator of [`Ctx::ancestors`].
pub(crate) struct Ancestors<'c, 'a> {
    ctx: &'c Ctx<'a>,
    /// `Err(index)`: the next ancestor is that frame of the stack;
    /// `Ok(node)`: the next is `node.parent()` (off the stack).
    at: Result<Node<'a>, Option<usize>>,
}

impl<'a> Iterator for Ancestors<'_, 'a> {
    type Item = Node<'a>;

    fn next(&mut self) -> Option<Node<'a>> {
        self.ctx.count(1);
        match self.at {
            Err(None) => None,
            Err(Some(i)) => {
                let node = self.ctx.frames.borrow()[i].node;
                self.at = Err(i.checked_sub(1));
                Some(node)
            }
            Ok(node) => {
                let parent = node.parent()?;
                // Back on the stack if the parent is on it.
                self.at = match self.ctx.parent_index(parent) {
                    Some(at) => Err(at),
                    None => Ok(parent),
                };
                Some(parent)
            }
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
    func.kind_str() == "function_definition"
        && func.child(0).is_some_and(|c| c.kind_str() == "async")
}

/// The top of the tree.
pub(crate) fn root_of(node: Node) -> Node {
    let mut n = node;
    while let Some(p) = n.parent() {
        n = p;
    }
    n
}

/// Visits `node` and its named descendants in document order, not entering
/// nested functions, lambdas or classes. Iterative: nesting depth costs no
/// stack.
pub(crate) fn visit_own<'t>(node: Node<'t>, f: &mut impl FnMut(Node<'t>)) {
    let nested = |n: Node| {
        matches!(
            n.kind_str(),
            "function_definition" | "lambda" | "class_definition" | "decorated_definition"
        )
    };
    let mut visits = 1;
    f(node);
    let mut cursor = node.walk();
    if !cursor.goto_first_child() {
        OWN_VISITS.with(|v| v.set(v.get() + visits));
        return;
    }
    loop {
        let n = cursor.node();
        let enter = n.is_named() && !nested(n);
        if enter {
            visits += 1;
            f(n);
        }
        if enter && cursor.goto_first_child() {
            continue;
        }
        while !cursor.goto_next_sibling() {
            if !cursor.goto_parent() || cursor.node() == node {
                OWN_VISITS.with(|v| v.set(v.get() + visits));
                return;
            }
        }
    }
}
