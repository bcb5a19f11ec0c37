//! `pyguide check PATH...`: runs the detectors over files and folders, in
//! parallel, and reports like ruff (`path:line:col: CODE message`) or as
//! JSON. Folders are walked with the `ignore` crate: `.gitignore` is
//! honoured and virtualenvs, caches and hidden folders are skipped; files
//! named explicitly are always checked.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use serde::Serialize;

use super::{Format, Style};
use crate::detect::{self, Finding, ModelIndex, RULES, Selection, Severity};
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

/// What checking one file gave.
enum FileResult {
    Findings(Vec<Located>),
    Error(String),
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
        let walker = ignore::WalkBuilder::new(root)
            .require_git(false)
            .filter_entry(|e| {
                let is_dir = e.file_type().is_some_and(|t| t.is_dir());
                !(is_dir
                    && e.depth() > 0
                    && (SKIP_DIRS.contains(&e.file_name().to_string_lossy().as_ref())
                        || e.path().join("pyvenv.cfg").is_file()))
            })
            .build();
        for entry in walker {
            match entry {
                Ok(e) if e.file_type().is_some_and(|t| t.is_file()) && is_python(e.path()) => {
                    files.push(e.into_path())
                }
                Ok(_) => {}
                Err(e) => errors.push(e.to_string()),
            }
        }
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

/// Whether a file may define Django models (a cheap test before parsing).
pub(crate) fn may_define_models(text: &str) -> bool {
    text.contains("class ") && text.contains("Model")
}

fn check_file(
    shown: &str,
    text: &Result<String, String>,
    models: &ModelIndex,
    selection: &Selection,
) -> FileResult {
    let text = match text {
        Ok(t) => t.clone(),
        Err(e) => return FileResult::Error(e.clone()),
    };
    let doc = Document::parse(text);
    let findings: Vec<Finding> = detect::analyze_with(&doc, models)
        .into_iter()
        .filter(|f| selection.allows(f.rule))
        .collect();
    FileResult::Findings(locate(shown, doc.text(), &findings))
}

/// Checks every file on all cores, in two passes: first the Django models
/// of the whole tree (so a view's N+1 loop knows the relations of models
/// defined in another file), then the detectors. Results come back in path
/// order.
fn check_all(
    files: &[PathBuf],
    selection: &Selection,
    stdin_name: Option<&Path>,
) -> Vec<FileResult> {
    // `-` is reported under the name given for it (ruff's `--stdin-filename`).
    let shown = |path: &Path| match stdin_name {
        Some(name) if path.as_os_str() == "-" => name.display().to_string(),
        _ => path.display().to_string(),
    };
    let texts = par_map(files, |path| {
        read_named_source(path).map_err(|e| match e.strip_prefix("-:") {
            Some(rest) if path.as_os_str() == "-" => format!("{}:{rest}", shown(path)),
            _ => e,
        })
    });
    let per_file = par_map(&texts, |text| match text {
        Ok(t) if may_define_models(t) => {
            Some(ModelIndex::from_document(&Document::parse(t.as_str())))
        }
        _ => None,
    });
    let mut models = ModelIndex::default();
    models.extend(
        files
            .iter()
            .zip(per_file)
            .filter_map(|(path, index)| Some((shown(path), index?))),
    );
    let jobs: Vec<(&PathBuf, &Result<String, String>)> = files.iter().zip(&texts).collect();
    par_map(&jobs, |(path, text)| {
        check_file(&shown(path), text, &models, selection)
    })
}

/// `f` over `items` on all cores, results in the items' order.
fn par_map<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    let next = AtomicUsize::new(0);
    let results: Mutex<Vec<Option<R>>> = Mutex::new((0..items.len()).map(|_| None).collect());
    let workers = std::thread::available_parallelism()
        .map_or(2, |n| n.get())
        .min(items.len().max(1));
    std::thread::scope(|s| {
        for _ in 0..workers {
            s.spawn(|| {
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(item) = items.get(i) else { break };
                    let r = f(item);
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
    format: Format,
    out: &mut dyn Write,
    err: &mut dyn Write,
    style: Style,
) -> std::io::Result<Outcome> {
    let (files, mut errors) = collect_files(paths);
    let mut located = Vec::new();
    for r in check_all(&files, selection, stdin_name) {
        match r {
            FileResult::Findings(f) => located.extend(f),
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
    match format {
        Format::Json => {
            serde_json::to_writer_pretty(&mut *out, &located)?;
            writeln!(out)?;
        }
        Format::Text => {
            for l in &located {
                let fix = if l.fix.is_some() {
                    " [fix available]"
                } else {
                    ""
                };
                writeln!(
                    out,
                    "{}:{}:{}: {} {} {}{}",
                    style.title(&l.path),
                    l.line,
                    l.column,
                    style.warning(l.code),
                    l.message,
                    style.dim(&format!("(topic: {})", l.topic)),
                    fix
                )?;
            }
            let fixable = located.iter().filter(|l| l.fix.is_some()).count();
            match located.len() {
                0 if errors.is_empty() => {
                    writeln!(out, "All checks passed ({} files).", files.len())?
                }
                // Never "passed" when a file could not be read.
                0 => writeln!(
                    out,
                    "No findings, but {} of {} files could not be checked (see above).",
                    errors.len(),
                    files.len()
                )?,
                n => writeln!(
                    out,
                    "Found {n} finding{} in {} files ({fixable} with a fix available).",
                    if n == 1 { "" } else { "s" },
                    files.len()
                )?,
            }
        }
    }
    Ok(Outcome {
        warnings,
        errors: errors.len(),
    })
}
