//! `pyguide check PATH...`: runs the detectors over files and folders, in
//! parallel, and reports like ruff (`path:line:col: CODE message`) or as
//! JSON. Folders are walked with the `ignore` crate: `.gitignore` is
//! honoured and virtualenvs, caches and hidden folders are skipped; files
//! named explicitly are always checked.
//!
//! Each file is analysed with its project's versions (the nearest
//! `pyproject.toml`, `requirements*.txt`, `setup.cfg` or package metadata:
//! `crate::project`) and knows whether it is a migration. `--fix` applies
//! the safe fixes (`--unsafe-fixes` adds the others) and writes the files;
//! `--diff` prints the same changes as a unified diff and writes nothing.

use std::collections::HashSet;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use serde::Serialize;

use super::Style;
use super::format::{self, CheckFormat};
use crate::detect::{
    self, Applicability, Finding, ModelIndex, Options, Prefilter, RULES, RuleSet, Selection,
    Severity, skim,
};
use crate::project::Projects;
use crate::python::{Document, LineIndex};

/// Folder names never descended into (besides hidden ones and any folder
/// holding a `pyvenv.cfg`).
const SKIP_DIRS: &[&str] = &[
    "venv",
    "site-packages",
    "__pycache__",
    "node_modules",
    "build",
    "dist",
];

/// A finding located for output: 1-based lines, columns in characters.
#[derive(Debug, Serialize)]
pub struct Located {
    pub path: String,
    pub line: usize,
    pub column: usize,
    pub end_line: usize,
    pub end_column: usize,
    pub code: &'static str,
    pub topic: &'static str,
    pub severity: Severity,
    pub message: String,
    pub fix: Option<LocatedFix>,
}

#[derive(Debug, Serialize)]
pub struct LocatedFix {
    pub message: String,
    pub applicability: Applicability,
    pub edits: Vec<LocatedEdit>,
}

#[derive(Debug, Serialize)]
pub struct LocatedEdit {
    pub line: usize,
    pub column: usize,
    pub end_line: usize,
    pub end_column: usize,
    pub content: String,
}

/// What to do with fixes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct FixMode {
    /// Apply fixes and write the files (`--fix`).
    pub apply: bool,
    /// Print the changes as a diff, write nothing (`--diff`).
    pub diff: bool,
    /// Unsafe fixes too (`--unsafe-fixes`).
    pub unsafe_fixes: bool,
}

impl FixMode {
    fn allows(&self, a: Applicability) -> bool {
        a == Applicability::Safe || self.unsafe_fixes
    }
}

/// What checking one file gave.
enum FileResult {
    Findings {
        located: Vec<Located>,
        /// The text after fixes, when `--fix`/`--diff` changed it.
        fixed: Option<Fixed>,
    },
    Error(String),
}

/// A file's text before and after its fixes.
struct Fixed {
    original: String,
    text: String,
    applied: usize,
}

/// Parses a comma-separated code list; every entry must prefix a known code.
pub fn parse_codes(list: &[String]) -> Result<Vec<String>, String> {
    let mut out = Vec::new();
    for code in list
        .iter()
        .flat_map(|s| s.split(','))
        .map(|c| c.trim().to_ascii_uppercase())
    {
        if code.is_empty() {
            continue;
        }
        if !RULES.iter().any(|r| r.code.starts_with(&code)) {
            return Err(format!(
                "unknown rule code `{code}` (codes are listed in src/detect/README.md)"
            ));
        }
        out.push(code);
    }
    Ok(out)
}

/// Locates `findings` of `text` for output.
pub fn locate(path: &str, text: &str, findings: &[Finding]) -> Vec<Located> {
    let lines = LineIndex::new(text);
    let pos = |offset: usize| {
        let p = lines.char_pos(text, offset);
        (p.line + 1, p.col + 1)
    };
    findings
        .iter()
        .map(|f| {
            let (line, column) = pos(f.range.start);
            let (end_line, end_column) = pos(f.range.end);
            Located {
                path: path.to_string(),
                line,
                column,
                end_line,
                end_column,
                code: f.rule.code,
                topic: f.rule.topic,
                severity: f.rule.severity,
                message: f.message.clone(),
                fix: f.fix.as_ref().map(|fix| LocatedFix {
                    message: fix.message.clone(),
                    applicability: fix.applicability,
                    edits: fix
                        .edits
                        .iter()
                        .map(|e| {
                            let (line, column) = pos(e.range.start);
                            let (end_line, end_column) = pos(e.range.end);
                            LocatedEdit {
                                line,
                                column,
                                end_line,
                                end_column,
                                content: e.content.clone(),
                            }
                        })
                        .collect(),
                }),
            }
        })
        .collect()
}

/// Every Python file under `paths` (files named explicitly are kept whatever
/// their extension), sorted; unreadable paths are returned as errors.
pub(crate) fn collect_files(paths: &[PathBuf]) -> (Vec<PathBuf>, Vec<String>) {
    let mut files = Vec::new();
    let mut errors = Vec::new();
    for root in paths {
        // Named explicitly: checked whatever it is (a pipe, `-`, a device);
        // `read_named` reads it bounded or says why it can't.
        if root.as_os_str() == "-" || (root.exists() && !root.is_dir()) {
            files.push(root.clone());
            continue;
        }
        if !root.exists() {
            errors.push(format!("{}: no such file or folder", root.display()));
            continue;
        }
        // Walked on every core (listing folders and the `stat`s for
        // `pyvenv.cfg` wait on the kernel); the order is restored below.
        let found: Mutex<(Vec<PathBuf>, Vec<String>)> = Mutex::default();
        ignore::WalkBuilder::new(root)
            .require_git(false)
            .threads(std::thread::available_parallelism().map_or(2, |n| n.get()))
            .filter_entry(|e| {
                let is_dir = e.file_type().is_some_and(|t| t.is_dir());
                !(is_dir
                    && e.depth() > 0
                    && (SKIP_DIRS.contains(&e.file_name().to_string_lossy().as_ref())
                        || e.path().join("pyvenv.cfg").is_file()))
            })
            .build_parallel()
            .run(|| {
                Box::new(|entry| {
                    let mut found = found.lock().unwrap_or_else(|p| p.into_inner());
                    match entry {
                        Ok(e)
                            if e.file_type().is_some_and(|t| t.is_file())
                                && is_python(e.path()) =>
                        {
                            found.0.push(e.into_path())
                        }
                        Ok(_) => {}
                        Err(e) => found.1.push(e.to_string()),
                    }
                    ignore::WalkState::Continue
                })
            });
        let (walked, mut walk_errors) = found.into_inner().unwrap_or_else(|p| p.into_inner());
        walk_errors.sort();
        files.extend(walked);
        errors.extend(walk_errors);
    }
    files.sort();
    files.dedup();
    (files, errors)
}

pub(crate) fn is_python(path: &Path) -> bool {
    path.extension().is_some_and(|e| e == "py" || e == "pyi")
}

/// A file's text, or the message saying why it can't be checked (a
/// regular file only, at most [`crate::files::MAX_SOURCE_BYTES`]).
pub(crate) fn read_source(path: &Path) -> Result<String, String> {
    crate::files::read_text(path, crate::files::Limit::Source).map_err(|e| e.to_string())
}

/// A file the user named or a folder walk found, read like
/// [`read_source`] except that a pipe or device the user named (`-` is
/// stdin) is read too (bounded, with a timeout).
fn read_named_source(path: &Path) -> Result<String, String> {
    crate::files::read_named(path, crate::files::Limit::Source).map_err(|e| e.to_string())
}

/// A file's tree from the model pass, kept for the detectors.
enum Tree {
    Whole(Document),
    /// Skimmed for the file's rules and the model index (`detect::skim`).
    Skimmed(skim::Skimmed),
    /// None of the file's rules can fire in it (`skim::Skim::quiet`).
    Quiet,
}

/// Checks one file; `parsed` is its text already parsed (by the model
/// pass), so no file is parsed twice; `models` the project's model index
/// and its relation names.
fn check_file(
    shown: &str,
    text: &Result<String, String>,
    parsed: Option<Tree>,
    models: (&ModelIndex, &HashSet<String>),
    options: &Options,
    selection: (&Selection, &Prefilter),
    mode: FixMode,
) -> FileResult {
    let (models, relations) = models;
    let (selection, prefilter) = selection;
    let text = match text {
        Ok(t) => t.as_str(),
        Err(e) => return FileResult::Error(e.clone()),
    };
    // Only the checks of the rules whose literals the file holds run; a
    // text changed by fixes is analysed with every selected rule.
    let possible = prefilter.rules_for(text);
    if possible.is_empty() {
        // None of the selected rules' literals: nothing to find.
        return FileResult::Findings {
            located: Vec::new(),
            fixed: None,
        };
    }
    // A big file is analysed in parts (`detect::analyze_source`).
    let analyse = |text: &str, parsed: Option<Document>, options: &Options| -> Vec<Finding> {
        detect::analyze_source(text, parsed, models, options)
            .into_iter()
            .filter(|f| selection.allows(f.rule))
            .collect()
    };
    let narrowed = Options {
        rules: Some(possible),
        ..options.clone()
    };
    // A file the model pass did not parse is parsed skimmed when it can
    // be: the bodies of functions none of those rules can fire in are left
    // out (`detect::skim`), and a file none can fire in anywhere is not
    // parsed at all; else whole. The model index does not need it, so it
    // declares no model class of its own.
    let (skimmed, whole) = match parsed {
        Some(Tree::Skimmed(tree)) => (
            skim::analyze_skimmed(&tree, models, relations, &narrowed),
            None,
        ),
        Some(Tree::Quiet) => (Some(Vec::new()), None),
        Some(Tree::Whole(doc)) => (None, Some(doc)),
        None if !detect::is_chunked(text) => {
            let text = Arc::from(text);
            let keep = skim::Keep::Rules;
            let findings = skim::analyze(&text, keep, models, relations, &narrowed);
            (findings, None)
        }
        None => (None, None),
    };
    let findings = match skimmed {
        Some(findings) => findings
            .into_iter()
            .filter(|f| selection.allows(f.rule))
            .collect(),
        None => analyse(text, whole, &narrowed),
    };
    if mode.apply || mode.diff {
        let (new_text, applied) = detect::fix_all(
            text,
            &findings,
            |a| mode.allows(a),
            |t| analyse(t, None, options),
        );
        if applied > 0 {
            let findings = analyse(&new_text, None, options);
            return FileResult::Findings {
                located: locate(shown, &new_text, &findings),
                fixed: Some(Fixed {
                    original: text.to_string(),
                    text: new_text,
                    applied,
                }),
            };
        }
    }
    FileResult::Findings {
        located: locate(shown, text, &findings),
        fixed: None,
    }
}

/// Checks every file on all cores, in two passes: first the Django models
/// of the whole tree (so a view's N+1 loop knows the relations of models
/// defined in another file), parsing only the files whose class headers
/// the model index needs (`detect::model_files_needed`), then the
/// detectors, on the files where a selected rule can fire (the literal
/// [`Prefilter`]), running the checks of the rules whose literals occur.
/// A file is parsed at most once: the model pass keeps its tree for the
/// detectors when they will read it, and they release it as soon as the
/// file is checked. Results come back in path order.
fn check_all(
    files: &[PathBuf],
    selection: &Selection,
    mode: FixMode,
    stdin_name: Option<&Path>,
) -> (Vec<FileResult>, Vec<String>) {
    // `-` is reported under the name given for it (ruff's `--stdin-filename`).
    let shown = |path: &Path| match stdin_name {
        Some(name) if path.as_os_str() == "-" => name.display().to_string(),
        _ => path.display().to_string(),
    };
    // Each file is read, and its class headers scanned (no parse), at once.
    let (texts, classes): (Vec<_>, Vec<_>) = par_map(files, |path| {
        let text = read_named_source(path).map_err(|e| match e.strip_prefix("-:") {
            Some(rest) if path.as_os_str() == "-" => format!("{}:{rest}", shown(path)),
            _ => e,
        });
        let classes = text
            .as_deref()
            .map(detect::scan_classes)
            .unwrap_or_default();
        (text, classes)
    })
    .into_iter()
    .unzip();
    // Only the files holding classes the model index needs are parsed for
    // it; a tree is kept for the detectors only if they will read it.
    let needed = detect::model_files_needed(&classes);
    drop(classes);
    // Every relation name the model index may hold, read from bytes before
    // it exists: the model pass skims loops no relation is read in too.
    let model_texts: Vec<&str> = texts
        .iter()
        .zip(&needed)
        .filter(|(_, needed)| **needed)
        .filter_map(|(text, _)| text.as_deref().ok())
        .collect();
    let words: HashSet<String> = par_map(&model_texts, |text| detect::relation_words(text))
        .into_iter()
        .flatten()
        .collect();
    let prefilter = Prefilter::for_selection(selection);
    let indexed: Vec<(&Result<String, String>, bool)> =
        texts.iter().zip(needed.iter().copied()).collect();
    let cost = |(text, needed): &(&Result<String, String>, bool)| match text {
        Ok(t) if *needed => t.len(),
        _ => 0,
    };
    let per_file: Vec<(Option<ModelIndex>, Mutex<Option<Tree>>)> =
        par_map_costliest_first(&indexed, cost, |(text, needed)| match text {
            Ok(t) if *needed => {
                // Skimmed when it can be, for the index and the detectors
                // alike: the bodies neither reads are left out.
                let rules = prefilter.rules_for(t);
                let skim = (!detect::is_chunked(t)).then(|| {
                    let shared: Arc<str> = Arc::from(t.as_str());
                    skim::parse(&shared, &rules, Some(&words), skim::Keep::Models)
                });
                let quiet = skim.as_ref().is_some_and(|s| s.quiet);
                let (index, tree) = match skim.and_then(|s| s.tree) {
                    Some(skimmed) => {
                        let index = ModelIndex::from_document(skimmed.doc());
                        (index, Some(Tree::Skimmed(skimmed)))
                    }
                    None => {
                        let (index, doc) = detect::index_source(t);
                        (index, doc.map(Tree::Whole))
                    }
                };
                // What the detectors will read of it: nothing when no
                // selected rule's literal occurs, no tree when none can
                // fire anywhere in it.
                let tree = match (rules.is_empty(), quiet) {
                    (true, _) => None,
                    (false, true) => Some(Tree::Quiet),
                    (false, false) => tree,
                };
                (Some(index), Mutex::new(tree))
            }
            _ => (None, Mutex::new(None)),
        });
    let mut models = ModelIndex::default();
    let mut parsed = Vec::with_capacity(per_file.len());
    let mut indexes = Vec::new();
    for (path, (index, doc)) in files.iter().zip(per_file) {
        parsed.push(doc);
        if let Some(index) = index {
            indexes.push((shown(path), index));
        }
    }
    models.extend(indexes);
    let mut projects = Projects::default();
    // Only the selected rules' checks run (without `--hints`, the warnings').
    let rules = RuleSet::for_selection(selection);
    let options: Vec<Options> = files
        .iter()
        .map(|path| {
            let versions = projects.versions_for(path);
            Options {
                rules: Some(rules.clone()),
                ..Options::for_path(&path.to_string_lossy(), versions)
            }
        })
        .collect();
    type Job<'a> = (
        &'a PathBuf,
        &'a Result<String, String>,
        &'a Mutex<Option<Tree>>,
        &'a Options,
    );
    let jobs: Vec<Job> = files
        .iter()
        .zip(&texts)
        .zip(&parsed)
        .zip(&options)
        .map(|(((p, t), d), o)| (p, t, d, o))
        .collect();
    let size = |(_, text, _, _): &Job| text.as_ref().map_or(0, String::len);
    let relations = models.relation_names();
    let results = par_map_costliest_first(&jobs, size, |(path, text, doc, options)| {
        let doc = doc.lock().unwrap_or_else(|p| p.into_inner()).take();
        let selected = (selection, &prefilter);
        let models = (&models, &relations);
        check_file(&shown(path), text, doc, models, options, selected, mode)
    });
    (results, projects.problems)
}

/// What `check --hints` finds under `paths`, counted by guide topic (the
/// input of `practice --from`): topic → findings, the files checked, and the
/// paths that could not be read.
pub(crate) fn topic_counts(
    paths: &[PathBuf],
) -> (
    std::collections::HashMap<String, Raised>,
    usize,
    Vec<String>,
) {
    let (files, mut errors) = collect_files(paths);
    let selection = Selection {
        select: Vec::new(),
        ignore: Vec::new(),
        hints: true,
    };
    let (results, problems) = check_all(&files, &selection, FixMode::default(), None);
    errors.extend(problems);
    let mut counts: std::collections::HashMap<String, Raised> = std::collections::HashMap::new();
    for result in results {
        match result {
            FileResult::Findings { located, .. } => {
                for l in located {
                    let raised = counts.entry(l.topic.to_string()).or_default();
                    if l.severity >= Severity::Warning {
                        raised.warnings += 1;
                    } else {
                        raised.hints += 1;
                    }
                }
            }
            FileResult::Error(e) => errors.push(e),
        }
    }
    (counts, files.len(), errors)
}

/// How often a code base raised one topic: as warnings (a problem in the
/// code) and as hints (a construct the guide explains).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Raised {
    pub warnings: u32,
    pub hints: u32,
}

impl Raised {
    /// The practice queue's weight: every topic the code was warned about
    /// comes before every topic it merely touches; more findings first.
    pub fn weight(self) -> u32 {
        self.warnings
            .saturating_mul(10_000)
            .saturating_add(self.hints.min(9_999))
    }
}

/// `f` over `items` on all cores, results in the items' order.
fn par_map<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    let order: Vec<usize> = (0..items.len()).collect();
    par_map_in(items, &order, f)
}

/// [`par_map`] over items of very different costs: the costliest (by
/// `cost`) start first, so no core is left alone with a big file at the
/// end while the other idles (longest processing time first).
fn par_map_costliest_first<T: Sync, R: Send>(
    items: &[T],
    cost: impl Fn(&T) -> usize,
    f: impl Fn(&T) -> R + Sync,
) -> Vec<R> {
    let mut order: Vec<usize> = (0..items.len()).collect();
    order.sort_by_key(|&i| std::cmp::Reverse(cost(&items[i])));
    par_map_in(items, &order, f)
}

/// `f` over `items`, started in `order` (a permutation of their indexes),
/// results in the items' order.
fn par_map_in<T: Sync, R: Send>(
    items: &[T],
    order: &[usize],
    f: impl Fn(&T) -> R + Sync,
) -> Vec<R> {
    let next = AtomicUsize::new(0);
    let results: Mutex<Vec<Option<R>>> = Mutex::new((0..items.len()).map(|_| None).collect());
    let workers = std::thread::available_parallelism()
        .map_or(2, |n| n.get())
        .min(items.len().max(1));
    std::thread::scope(|s| {
        for _ in 0..workers {
            s.spawn(|| {
                while let Some(&i) = order.get(next.fetch_add(1, Ordering::Relaxed)) {
                    let r = f(&items[i]);
                    results.lock().unwrap_or_else(|p| p.into_inner())[i] = Some(r);
                }
            });
        }
    });
    results
        .into_inner()
        .unwrap_or_else(|p| p.into_inner())
        .into_iter()
        .flatten()
        .collect()
}

/// Whether anything should fail the run: (warnings reported, IO errors).
pub struct Outcome {
    pub warnings: usize,
    pub errors: usize,
}

/// `stdin_name` is the path reported for `-` (stdin), `--stdin-filename`.
#[allow(clippy::too_many_arguments)]
pub fn run(
    paths: &[PathBuf],
    stdin_name: Option<&Path>,
    selection: &Selection,
    mode: FixMode,
    format: CheckFormat,
    out: &mut dyn Write,
    err: &mut dyn Write,
    style: Style,
) -> std::io::Result<Outcome> {
    let (files, mut errors) = collect_files(paths);
    let mut located = Vec::new();
    let mut fixes_applied = 0;
    let mut files_fixed = 0;
    let mut diffs = String::new();
    let (results, problems) = check_all(&files, selection, mode, stdin_name);
    for p in problems {
        writeln!(err, "{} {p}", style.warning("warning:"))?;
    }
    for (path, r) in files.iter().zip(results) {
        match r {
            FileResult::Findings { located: l, fixed } => {
                located.extend(l);
                if let Some(fixed) = fixed {
                    fixes_applied += fixed.applied;
                    files_fixed += 1;
                    if mode.diff {
                        diffs.push_str(&unified_diff(path, &fixed.original, &fixed.text));
                    } else if let Err(e) = write_atomically(path, &fixed.text) {
                        errors.push(format!("{}: cannot write the fixes: {e}", path.display()));
                    }
                }
            }
            FileResult::Error(e) => errors.push(e),
        }
    }
    for e in &errors {
        writeln!(err, "{} {e}", style.warning("error:"))?;
    }
    let warnings = located
        .iter()
        .filter(|l| l.severity >= Severity::Warning)
        .count();
    if mode.diff {
        write!(out, "{diffs}")?;
        writeln!(
            err,
            "Would fix {fixes_applied} finding{} in {files_fixed} file{}.",
            if fixes_applied == 1 { "" } else { "s" },
            if files_fixed == 1 { "" } else { "s" },
        )?;
        return Ok(Outcome {
            warnings: usize::from(fixes_applied > 0),
            errors: errors.len(),
        });
    }
    match format {
        CheckFormat::Json => {
            serde_json::to_writer_pretty(&mut *out, &located)?;
            writeln!(out)?;
        }
        CheckFormat::Sarif => {
            let guide = crate::guide::load_builtin().guide;
            serde_json::to_writer_pretty(&mut *out, &format::sarif(&located, &guide))?;
            writeln!(out)?;
        }
        CheckFormat::Github => write!(out, "{}", format::github(&located))?,
        CheckFormat::Text => {
            for l in &located {
                let fix = match &l.fix {
                    Some(f) if mode.allows(f.applicability) => "[*] ",
                    _ => "",
                };
                writeln!(
                    out,
                    "{}:{}:{}: {} {}{} {}",
                    style.title(&l.path),
                    l.line,
                    l.column,
                    style.warning(l.code),
                    fix,
                    l.message,
                    style.dim(&format!("(topic: {})", l.topic)),
                )?;
            }
            let fixable = located
                .iter()
                .filter(|l| l.fix.as_ref().is_some_and(|f| mode.allows(f.applicability)))
                .count();
            let hidden = located
                .iter()
                .filter(|l| {
                    l.fix
                        .as_ref()
                        .is_some_and(|f| !mode.allows(f.applicability))
                })
                .count();
            if mode.apply {
                writeln!(
                    out,
                    "Fixed {fixes_applied} finding{} in {files_fixed} file{}.",
                    if fixes_applied == 1 { "" } else { "s" },
                    if files_fixed == 1 { "" } else { "s" },
                )?;
            }
            match located.len() {
                0 if errors.is_empty() => writeln!(
                    out,
                    "All checks passed ({} file{}).",
                    files.len(),
                    if files.len() == 1 { "" } else { "s" }
                )?,
                // Never "passed" when a file could not be read.
                0 => writeln!(
                    out,
                    "No findings, but {} of {} files could not be checked (see above).",
                    errors.len(),
                    files.len()
                )?,
                n => {
                    // The files the findings are in, then how many were checked.
                    let mut with: Vec<&str> = located.iter().map(|l| l.path.as_str()).collect();
                    with.sort_unstable();
                    with.dedup();
                    writeln!(
                        out,
                        "Found {n} finding{} in {} file{} ({} checked).",
                        if n == 1 { "" } else { "s" },
                        with.len(),
                        if with.len() == 1 { "" } else { "s" },
                        files.len(),
                    )?
                }
            }
            if fixable > 0 {
                writeln!(out, "[*] {fixable} fixable with `--fix`.")?;
            }
            if hidden > 0 {
                writeln!(
                    out,
                    "{hidden} more fix{} available with `--unsafe-fixes` (they may change behaviour: review them with `--diff --unsafe-fixes`).",
                    if hidden == 1 { " is" } else { "es are" }
                )?;
            }
        }
    }
    Ok(Outcome {
        warnings,
        errors: errors.len(),
    })
}

/// `original` → `fixed` of `path` as a unified diff (`--- a/path`,
/// `+++ b/path`, three lines of context).
pub fn unified_diff(path: &Path, original: &str, fixed: &str) -> String {
    // As `git diff --no-index` shows them: `a/tmp/x.py` for `/tmp/x.py`.
    let shown = path.display().to_string();
    let shown = shown.trim_start_matches('/');
    similar::TextDiff::from_lines(original, fixed)
        .unified_diff()
        .context_radius(3)
        .header(&format!("a/{shown}"), &format!("b/{shown}"))
        .to_string()
}

/// Writes `text` to a temporary file beside `path`, then renames it over
/// `path`, keeping its permissions: a crash never leaves half a file.
fn write_atomically(path: &Path, text: &str) -> std::io::Result<()> {
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = dir.join(format!(".{name}.pyguide-fix-{}", std::process::id()));
    std::fs::write(&tmp, text)?;
    if let Ok(meta) = std::fs::metadata(path) {
        let _ = std::fs::set_permissions(&tmp, meta.permissions());
    }
    std::fs::rename(&tmp, path).inspect_err(|_| {
        let _ = std::fs::remove_file(&tmp);
    })
}
