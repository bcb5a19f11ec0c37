//! Big files analysed in parts, so memory follows the part, not the file.
//!
//! A tree-sitter tree costs ~37× the text it parses (~117 bytes a node), so
//! one tree of a 10 MB file already breaks the budget of 20× the file. A
//! file over [`CHUNKED_ABOVE`] is split into parts of about [`PART_BYTES`]
//! at top-level statement lines (column 0, starting `def `, `async def `,
//! `class `, `@`, `import ` or `from `; the first part ends only at a
//! definition, so the leading imports are all in it), and only one part's
//! tree exists at a time. Each part is parsed alone with tree-sitter's
//! included ranges ([`crate::python::parse_part`]): its nodes keep their
//! offsets in the whole text, which stays the `src` rules read, so findings
//! need no shifting and `Ctx::mentions` still asks the whole file. A part
//! whose tree has a syntax error (a split inside a triple-quoted string or
//! brackets) is merged with the next, at most [`MAX_MERGES`] times, so a
//! file with a real syntax error is still read in parts.
//!
//! Rules read the file beyond the statement they look at only through
//! `Ctx`: its imports, its model classes, the module facts
//! (`rules::MODULE_FACTS`), its serializer classes, and where an added
//! import goes. A first pass reads those from each part in turn (the
//! facts of a part are read with the imports known so far, and read again
//! in the rare case where a later part changes the imports), then each
//! part is parsed again and analysed with the file-wide facts
//! (`context::FileWide`). The findings are the whole-file analysis's
//! (`tests/chunked.rs` compares them), except in these documented,
//! conservative cases, where a rule would need nodes of another part:
//!
//! - a module-level variable whose assignment is in an earlier part is not
//!   followed to its value (`Ctx::own_assignments` of the module leaves
//!   it out), and `Ctx::assigns` at module level sees its own part only:
//!   a finding that depends on such a definition is not reported;
//! - the rules that read the whole module (Django settings, Celery tasks)
//!   walk one part as the module, with the file-wide facts they need
//!   (setting names and `True` settings, Celery apps and tasks); a Celery
//!   task defined under an `if`/`try` with an app of another part is not
//!   known as a task;
//! - near a syntax error tree-sitter's recovery may differ between the
//!   part and the whole file;
//! - PG601 does not read the callers of a private helper
//!   (`Ctx::private_uses` is `None` in a part): a loop over a parameter's
//!   relation is reported even when every caller prefetches what it
//!   reads.
//!
//! [`PartsAnalyzer`] keeps the facts and findings of each part, keyed by
//! the part's text: after an edit only the touched part is parsed and
//! analysed again (every part when the file-wide facts change).

use crate::detect::syntax::{NodeExt, field};
use std::collections::{HashMap, HashSet};
use std::hash::{Hash, Hasher};
use std::ops::Range;
use std::rc::Rc;
use std::sync::Arc;

use tree_sitter::{Node, Tree};
use xxhash_rust::xxh3::{Xxh3, xxh3_64};

use super::context::{Ctx, FileWide, TextFacts};
use super::models::{self, ClassDef, Models};
use super::suppress::Suppressions;
use super::{Finding, ImportMap, ModelIndex, Options, rules, walk_rules};
use crate::python::parse_part;

/// Files larger than this (bytes) are analysed in parts; smaller ones as
/// one tree (whose memory, ~40× the text, stays under 40 MB).
pub const CHUNKED_ABOVE: usize = 1 << 20;

/// The size a part grows to before it ends at the next top-level
/// statement line.
pub const PART_BYTES: usize = 128 << 10;

/// How many times a part with a syntax error is merged with the next.
pub const MAX_MERGES: usize = 8;

/// Whether `text` is analysed in parts.
pub fn is_chunked(text: &str) -> bool {
    text.len() > CHUNKED_ABOVE
}

/// One part of a file: its bytes (from a line start) and the row of its
/// first line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Part {
    pub range: Range<usize>,
    pub row: usize,
}

/// The candidate parts of `text`: each at least `target` bytes, ending
/// before a top-level statement line (see the module's doc). The parts
/// cover the text; a text without such lines is one part.
pub fn split(text: &str, target: usize) -> Vec<Part> {
    let mut parts = Vec::new();
    let (mut start, mut row) = (0, 0);
    loop {
        let end = next_end(text, start, target, parts.is_empty());
        parts.push(Part {
            range: start..end,
            row,
        });
        if end >= text.len() {
            return parts;
        }
        row += count_lines(&text[start..end]);
        start = end;
    }
}

fn count_lines(text: &str) -> usize {
    text.bytes().filter(|&b| b == b'\n').count()
}

/// Where a part starting at `start` ends: at the first top-level
/// statement line at least `target` bytes on, else at the text's end. A
/// first part ends only before a definition (so the leading imports are
/// all in it).
fn next_end(text: &str, start: usize, target: usize, first: bool) -> usize {
    let bytes = text.as_bytes();
    let mut at = start;
    while let Some(nl) = memchr(b'\n', &bytes[at..]) {
        at += nl + 1;
        if at - start < target || at >= bytes.len() {
            continue;
        }
        let line = &bytes[at..bytes.len().min(at + 10)];
        let definition = [&b"def "[..], b"async def ", b"class ", b"@"]
            .iter()
            .any(|p| line.starts_with(p));
        let import = line.starts_with(b"import ") || line.starts_with(b"from ");
        if definition || (import && !first) {
            return at;
        }
    }
    bytes.len()
}

fn memchr(needle: u8, haystack: &[u8]) -> Option<usize> {
    haystack.iter().position(|&b| b == needle)
}

/// What one part contributes to the file-wide facts (owned: kept between
/// analyses by [`PartsAnalyzer`]).
#[derive(Debug, Clone)]
struct PartFacts {
    has_error: bool,
    /// Whether the part's last statement has a syntax error (the part may
    /// end inside a string or brackets).
    tail_error: bool,
    /// The start of the line of the part's first statement with a syntax
    /// error, from the part's start, when it is not the first statement.
    cut: Option<usize>,
    imports: ImportMap,
    /// The hash of the imports and of the serializers before the part that
    /// the facts below were read with.
    read_with: (u64, u64),
    classes: Vec<ClassDef>,
    /// One list per `rules::MODULE_FACTS` entry.
    facts: Vec<Vec<String>>,
    /// Serializer classes the part defines (beyond earlier parts').
    serializers: Vec<String>,
    /// Names its module-level statements assign.
    assigned: Vec<String>,
    /// For a first part: the length of the file's head (docstring,
    /// comments, leading imports).
    head: usize,
}

/// The last analysis's findings (as returned: shared with the caller, so
/// the cache costs no copy) and, by the key of each part's text, the
/// part's range then and the context its findings were computed in.
#[derive(Debug, Clone)]
struct Last {
    findings: Arc<Vec<Finding>>,
    parts: HashMap<u64, (Range<usize>, u64)>,
}

/// Analyses a big file in parts, again and again, reusing each part's
/// facts and findings while its text (and, for findings, the file-wide
/// context) is unchanged. One per open big document.
#[derive(Debug, Clone)]
pub struct PartsAnalyzer {
    options: Options,
    /// [`PART_BYTES`], unless a test asks for smaller parts.
    part_bytes: usize,
    /// Whether facts and findings are kept for the next analysis (not for
    /// a one-off analysis, such as `check`'s).
    keep: bool,
    facts: HashMap<u64, PartFacts>,
    last: Option<Last>,
}

fn hash_imports(imports: &ImportMap) -> u64 {
    let mut h = Xxh3::new();
    imports.hash_into(&mut h);
    h.finish()
}

fn hash_strings<'s>(strings: impl IntoIterator<Item = &'s String>) -> u64 {
    let mut sorted: Vec<&String> = strings.into_iter().collect();
    sorted.sort();
    let mut h = Xxh3::new();
    for s in sorted {
        h.write(s.as_bytes());
        h.write_u8(0);
    }
    h.finish()
}

/// The names `root`'s own module-level statements assign (as
/// `Ctx::own_assignments` reads them).
fn assigned_names(root: Node, src: &str) -> Vec<String> {
    let mut out = Vec::new();
    super::context::visit_own(root, &mut |n| {
        if matches!(n.kind_str(), "assignment" | "augmented_assignment")
            && let Some(left) = n.child_by_field_id(field::LEFT)
            && left.kind_str() == "identifier"
        {
            out.push(src[left.byte_range()].to_string());
        }
    });
    out
}

/// Where the file's head ends in a first part: the start of the first
/// statement that is not the docstring, a comment or an import (as
/// `import_edit` reads the leading imports), else the part's end.
fn head_len(root: Node, part: &Range<usize>) -> usize {
    let mut c = root.walk();
    let mut seen_import = false;
    for (i, child) in root.named_children(&mut c).enumerate() {
        match child.kind_str() {
            "import_statement" | "import_from_statement" | "future_import_statement" => {
                seen_import = true;
            }
            "comment" => {}
            "expression_statement"
                if i == 0
                    && !seen_import
                    && child
                        .named_child(0)
                        .is_some_and(|s| s.kind_str() == "string") => {}
            _ => return child.start_byte() - part.start,
        }
    }
    part.end - part.start
}

impl PartsAnalyzer {
    pub fn new(options: Options) -> PartsAnalyzer {
        PartsAnalyzer {
            options,
            part_bytes: PART_BYTES,
            keep: true,
            facts: HashMap::new(),
            last: None,
        }
    }

    /// An analyzer for one analysis: it keeps nothing afterwards.
    pub fn once(options: Options) -> PartsAnalyzer {
        PartsAnalyzer {
            keep: false,
            ..PartsAnalyzer::new(options)
        }
    }

    /// An analyzer splitting into parts of about `part_bytes` (tests read
    /// small files in many parts with it).
    pub fn with_part_bytes(options: Options, part_bytes: usize) -> PartsAnalyzer {
        PartsAnalyzer {
            part_bytes: part_bytes.max(1),
            ..PartsAnalyzer::new(options)
        }
    }

    pub fn options(&self) -> &Options {
        &self.options
    }

    /// Changes the options; cached findings stay valid only while the
    /// options are the same (they are part of the context).
    pub fn set_options(&mut self, options: Options) {
        self.options = options;
    }

    /// Every finding in `text`, as a whole-file analysis would report them
    /// (but for the differences in the module's doc).
    pub fn analyze(&mut self, text: &str, models: &ModelIndex) -> Vec<Finding> {
        self.analyze_unless(text, models, &|| false)
            .map(|f| Arc::try_unwrap(f).unwrap_or_else(|shared| (*shared).clone()))
            .unwrap_or_default()
    }

    /// The model classes `text` defines (the first pass only).
    pub fn models(&mut self, text: &str) -> ModelIndex {
        let text_facts = TextFacts::new(text);
        let (parts, _) = self
            .read_facts(text, &text_facts, &|| false)
            .unwrap_or_default();
        let classes = parts
            .iter()
            .flat_map(|(_, k)| self.facts[k].classes.iter().cloned())
            .collect();
        self.prune(&parts);
        ModelIndex::from_classes(classes)
    }

    /// The first pass: the parts (merged where one had a syntax error),
    /// each with the key of its facts, and the file's imports. `None` when
    /// `stop` stopped it.
    fn read_facts(
        &mut self,
        text: &str,
        text_facts: &TextFacts,
        stop: &dyn Fn() -> bool,
    ) -> Option<(Vec<(Part, u64)>, ImportMap)> {
        let mut parts: Vec<(Part, u64)> = Vec::new();
        let mut imports = ImportMap::default();
        let mut seed: HashSet<String> = HashSet::new();
        let (mut start, mut row) = (0, 0);
        loop {
            if stop() {
                return None;
            }
            let first = parts.is_empty();
            let mut part = Part {
                range: start..next_end(text, start, self.part_bytes, first),
                row,
            };
            let (mut merges, mut cuts) = (0, 0);
            loop {
                let key = xxh3_64(&text.as_bytes()[part.range.clone()]);
                if !self.facts.contains_key(&key) {
                    {
                        let tree = parse_part(text, part.range.clone(), part.row);
                        let mut so_far = imports.clone();
                        let own = ImportMap::from_tree(tree.root_node(), text);
                        so_far.merge(&own);
                        let facts = self.part_facts(
                            text,
                            &tree,
                            &part.range,
                            own,
                            &so_far,
                            &seed,
                            text_facts,
                            parts.is_empty(),
                        );
                        self.facts.insert(key, facts);
                    }
                }
                let facts = &self.facts[&key];
                // A part whose last statement is broken may end inside a
                // string or brackets: it ends before its first broken
                // statement instead, or (when that is its first) takes in
                // the next part. Broken statements followed by sound ones
                // are the file's own errors.
                if facts.tail_error {
                    if let Some(cut) = facts.cut.filter(|_| cuts < 2 * MAX_MERGES) {
                        part.range.end = part.range.start + cut;
                        cuts += 1;
                        continue;
                    }
                    if merges < MAX_MERGES && part.range.end < text.len() {
                        part.range.end = next_end(text, part.range.end, self.part_bytes, first);
                        merges += 1;
                        continue;
                    }
                }
                imports.merge(&facts.imports);
                seed.extend(facts.serializers.iter().cloned());
                break;
            }
            start = part.range.end;
            row += count_lines(&text[part.range.clone()]);
            let key = xxh3_64(&text.as_bytes()[part.range.clone()]);
            parts.push((part, key));
            if start >= text.len() {
                break;
            }
        }
        // Facts read with imports (or serializers) that later parts
        // changed are read again with the file's.
        let final_imports = hash_imports(&imports);
        let mut seed: HashSet<String> = HashSet::new();
        for (i, (part, key)) in parts.iter().enumerate() {
            let seed_hash = hash_strings(&seed);
            if self.facts[key].read_with != (final_imports, seed_hash) {
                if stop() {
                    return None;
                }
                let tree = parse_part(text, part.range.clone(), part.row);
                let own = self.facts[key].imports.clone();
                let facts = self.part_facts(
                    text,
                    &tree,
                    &part.range,
                    own,
                    &imports,
                    &seed,
                    text_facts,
                    i == 0,
                );
                self.facts.insert(*key, facts);
            }
            seed.extend(self.facts[key].serializers.iter().cloned());
        }
        Some((parts, imports))
    }

    /// Reads one part's facts from its tree, with the imports and the
    /// serializers known before it.
    #[allow(clippy::too_many_arguments)]
    fn part_facts(
        &self,
        text: &str,
        tree: &Tree,
        range: &Range<usize>,
        own_imports: ImportMap,
        imports: &ImportMap,
        seed: &HashSet<String>,
        text_facts: &TextFacts,
        first: bool,
    ) -> PartFacts {
        let root = tree.root_node();
        let no_models = ModelIndex::default();
        let ctx = Ctx::of_tree(
            text,
            root,
            imports.clone(),
            Models::new(&no_models, &no_models),
            &self.options,
            text_facts,
        );
        let facts = rules::MODULE_FACTS
            .iter()
            .map(|(_, fact)| fact(&ctx, root).into_iter().map(str::to_string).collect())
            .collect();
        let serializers = rules::local_serializers(&ctx, root, seed.clone())
            .into_iter()
            .filter(|s| !seed.contains(s))
            .collect();
        let classes = if text[range.clone()].contains("class ") {
            models::extract_statement(root, text, imports)
        } else {
            Vec::new()
        };
        let mut c = root.walk();
        let statements: Vec<Node> = root.named_children(&mut c).collect();
        // The first broken statement, unless it is the part's first.
        let cut = statements
            .iter()
            .position(|s| s.has_error())
            .filter(|&i| i > 0)
            .map(|i| {
                text[..statements[i].start_byte()]
                    .rfind('\n')
                    .map_or(0, |nl| nl + 1)
            })
            .filter(|&at| at > range.start)
            .map(|at| at - range.start);
        PartFacts {
            has_error: root.has_error(),
            tail_error: statements.last().is_some_and(|s| s.has_error()),
            cut,
            imports: own_imports,
            read_with: (hash_imports(imports), hash_strings(seed)),
            classes,
            facts,
            serializers,
            assigned: assigned_names(root, text),
            head: if first { head_len(root, range) } else { 0 },
        }
    }

    /// [`PartsAnalyzer::analyze`], stopping early (`None`) when `stop`
    /// returns true (asked between parts and statements, and every 1,024
    /// nodes).
    pub fn analyze_unless(
        &mut self,
        text: &str,
        models: &ModelIndex,
        stop: &dyn Fn() -> bool,
    ) -> Option<Arc<Vec<Finding>>> {
        let text_facts = TextFacts::new(text);
        let (parts, imports) = self.read_facts(text, &text_facts, stop)?;
        let facts: Vec<&PartFacts> = parts.iter().map(|(_, k)| &self.facts[k]).collect();

        // The file-wide facts, as rules read them.
        let own = ModelIndex::from_classes(
            facts
                .iter()
                .flat_map(|f| f.classes.iter().cloned())
                .collect(),
        );
        let mut module_facts: HashMap<&'static str, Rc<Vec<&str>>> = HashMap::new();
        for (i, (key, _)) in rules::MODULE_FACTS.iter().enumerate() {
            let all: Vec<&str> = facts
                .iter()
                .flat_map(|f| f.facts[i].iter().map(String::as_str))
                .collect();
            module_facts.insert(key, Rc::new(all));
        }
        let serializers: HashSet<String> = facts
            .iter()
            .flat_map(|f| f.serializers.iter().cloned())
            .collect();
        let serializers = Rc::new(serializers);
        let head_range = parts
            .first()
            .map_or(0..0, |(p, _)| p.range.start..p.range.start + facts[0].head);
        let head = parse_part(text, head_range.clone(), 0);

        // What every part's findings depend on beyond its own text.
        let mut context = Xxh3::new();
        self.options.hash(&mut context);
        context.write_u64(hash_imports(&imports));
        context.write_u64(own.fingerprint());
        context.write_u64(models.fingerprint());
        context.write_u8(u8::from(text_facts.may_have_querysets));
        for (key, _) in rules::MODULE_FACTS {
            context.write(key.as_bytes());
            for s in module_facts[key].iter() {
                context.write(s.as_bytes());
                context.write_u8(0);
            }
        }
        context.write_u64(hash_strings(serializers.iter()));
        context.write(&text.as_bytes()[head_range]);
        // Module-level names assigned before each part.
        let mut before = context.clone();

        let mut suppressions = Suppressions::for_parts(text);
        // Each part's findings, joined at the end into one vector of the
        // exact size (a vector grown by doubling would hold up to twice
        // the findings' memory, and there are ~10,000 per MB with hints).
        let mut per_part: Vec<Vec<Finding>> = Vec::with_capacity(parts.len());
        let mut assigned_before: HashSet<&str> = HashSet::new();
        let last = self.last.take();
        let mut done: HashMap<u64, (Range<usize>, u64)> = HashMap::new();
        for ((part, _), part_facts) in parts.iter().zip(&facts) {
            let context = before.finish();
            let part_key = xxh3_64(&text.as_bytes()[part.range.clone()]);
            // The part's findings last time, when its text and context
            // are the same (they are a slice of that result: parts are
            // disjoint and a finding's range lies in its part).
            let cached = last.as_ref().and_then(|l| {
                let (range, at) = l.parts.get(&part_key)?;
                (*at == context && !part_facts.has_error).then(|| {
                    let from = l.findings.partition_point(|f| f.range.start < range.start);
                    let to = l.findings.partition_point(|f| f.range.start < range.end);
                    (&l.findings[from..to], range.clone())
                })
            });
            // Suppressions and cached findings both need the tree only
            // when a directive word is in the part.
            let needs_tree = cached.is_none() || suppressions.wants(&text[part.range.clone()]);
            let tree = needs_tree.then(|| parse_part(text, part.range.clone(), part.row));
            if let Some(tree) = &tree {
                suppressions.add_part(tree.root_node(), text, part.range.clone());
            }
            match (cached, tree) {
                (Some((found, old)), _) => per_part.push(
                    found
                        .iter()
                        .map(|f| moved(f, &old, part.range.start))
                        .collect(),
                ),
                (None, tree) => {
                    let tree =
                        tree.unwrap_or_else(|| parse_part(text, part.range.clone(), part.row));
                    if stop() {
                        return None;
                    }
                    let root = tree.root_node();
                    let file = FileWide {
                        facts: module_facts.clone(),
                        serializers: serializers.clone(),
                        assigned_before: assigned_before.clone(),
                        head: head.root_node(),
                        text: &text_facts,
                    };
                    let ctx = Ctx::part(
                        text,
                        root,
                        imports.clone(),
                        Models::new(&own, models),
                        &self.options,
                        &file,
                    );
                    let mut own_findings = Vec::new();
                    rules::visit(&ctx, root, None, &mut own_findings);
                    let mut c = root.walk();
                    for stmt in root.named_children(&mut c) {
                        if !walk_rules(&ctx, stmt, root, &mut own_findings, stop) {
                            return None;
                        }
                    }
                    own_findings.shrink_to_fit();
                    per_part.push(own_findings);
                }
            }
            for name in &part_facts.assigned {
                before.write(name.as_bytes());
                before.write_u8(0);
            }
            assigned_before.extend(part_facts.assigned.iter().map(String::as_str));
            done.insert(part_key, (part.range.clone(), context));
        }
        drop(facts);
        drop(last);
        self.prune(&parts);
        if !self.keep {
            self.facts = HashMap::new();
        }
        let mut findings = Vec::with_capacity(per_part.iter().map(Vec::len).sum());
        for part in per_part {
            findings.extend(part);
        }
        let findings = Arc::new(super::finish_with(&suppressions, &self.options, findings));
        if self.keep {
            self.last = Some(Last {
                findings: findings.clone(),
                parts: done,
            });
        }
        Some(findings)
    }

    /// Forgets the facts of parts the text no longer has.
    fn prune(&mut self, parts: &[(Part, u64)]) {
        if self.facts.len() > parts.len() {
            let live: HashSet<u64> = parts.iter().map(|(_, k)| *k).collect();
            self.facts.retain(|k, _| live.contains(k));
        }
    }
}

/// `f`, found in a part that was at `old`, for the part now starting at
/// `start`: offsets in the part move with it, others (an import added at
/// the head of the file) stay.
fn moved(f: &Finding, old: &Range<usize>, start: usize) -> Finding {
    f.with_offsets(|o| {
        if old.start <= o && o <= old.end {
            o - old.start + start
        } else {
            o
        }
    })
}

/// Every finding in `text`: one tree for a file up to [`CHUNKED_ABOVE`],
/// else in parts ([`PartsAnalyzer`]). `parsed` is `text`'s tree when the
/// caller has one (a small file's only).
pub fn analyze_source(
    text: &str,
    parsed: Option<crate::python::Document>,
    models: &ModelIndex,
    options: &Options,
) -> Vec<Finding> {
    if !is_chunked(text) {
        let doc = parsed.unwrap_or_else(|| crate::python::Document::parse_once(text));
        return super::analyze_file(&doc, models, options);
    }
    PartsAnalyzer::once(options.clone()).analyze(text, models)
}

/// The Django models `text` defines, and its tree when it was parsed whole
/// (a file up to [`CHUNKED_ABOVE`]; a bigger one is read in parts and
/// gives none).
pub fn index_source(text: &str) -> (ModelIndex, Option<crate::python::Document>) {
    if !is_chunked(text) {
        let doc = crate::python::Document::parse_once(text);
        return (ModelIndex::from_document(&doc), Some(doc));
    }
    (PartsAnalyzer::once(Options::default()).models(text), None)
}
