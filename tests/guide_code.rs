//! The guide's code is real code: every ```python block of every topic
//! parses with tree-sitter, and every self-contained block runs on the oldest
//! and the newest Python the topic's `versions` allow, with its output
//! comments (`# prints X`, `# -> X`) compared with what really prints.
//!
//! Interpreters are found under `$PYENV_ROOT/versions` (default
//! `~/.pyenv/versions`) and as `python3.X` on `PATH`; a version the guide
//! names that is not installed is reported, visibly, and so is a machine
//! without any Python. Runs never go below [`FLOOR`]: a topic that names an
//! older "since" version runs its blocks from the floor up. A block that
//! needs a newer Python than its topic says in general carries the version
//! in its fence (```` ```python 3.11+ ````); ```` ```python fragment ```` is
//! parsed but never run.
//!
//! Blocks that import a package of [`PACKAGES`] (Django, pydantic, Celery...) are
//! skipped (and counted) here, since `cargo test` stays offline; the ignored
//! test [`package_blocks_run_in_venvs`] creates virtualenvs with pip and runs
//! them, Django blocks with a minimal SQLite settings module
//! (`cargo test --test guide_code -- --ignored --nocapture`, or
//! `scripts/guide-examples`).

use std::collections::{BTreeMap, BTreeSet};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use pyguide::guide;
use pyguide::python::{Document, walk};

/// The oldest Python the examples are run on.
const FLOOR: Version = Version(3, 9);

/// How long one block may run.
const BLOCK_TIMEOUT: Duration = Duration::from_secs(90);

/// PyPI requirement for each importable package the guide's examples use.
/// (Django's own version is chosen per virtualenv: 5.2 LTS and 6.0.)
const PACKAGES: [(&str, &str); 8] = [
    ("django", "django==5.2.*"),
    ("rest_framework", "djangorestframework"),
    ("pydantic", "pydantic>=2"),
    ("celery", "celery>=5.4"),
    ("pytest", "pytest"),
    ("httpx", "httpx"),
    ("requests", "requests"),
    ("typing_extensions", "typing_extensions"),
];

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct Version(u32, u32);

impl std::fmt::Display for Version {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}.{}", self.0, self.1)
    }
}

/// Reads `3.N` out of `text` at `at` when it is a whole version token (not
/// part of `3.1.12` or `PyO3`).
fn version_at(text: &str, at: usize) -> Option<Version> {
    let bytes = text.as_bytes();
    if at > 0 && (bytes[at - 1].is_ascii_alphanumeric() || bytes[at - 1] == b'.') {
        return None;
    }
    let rest = text[at..].strip_prefix("3.")?;
    let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
    let after = &rest[digits.len()..];
    if digits.is_empty()
        || after.starts_with('.') && after[1..].starts_with(|c: char| c.is_ascii_digit())
    {
        return None;
    }
    Some(Version(3, digits.parse().ok()?))
}

/// Every Python 3 version named in a free-text `versions` field.
fn named_versions(text: &str) -> Vec<Version> {
    text.match_indices("3.")
        .filter_map(|(at, _)| version_at(text, at))
        .collect()
}

/// What a runnable block needs beyond its topic's versions.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
struct Needs {
    /// `3.N+` in the fence.
    python: Option<Version>,
    /// `django-N.M+` in the fence (major, minor).
    django: Option<(u32, u32)>,
}

/// How a fence asks for its block to be treated.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Fence {
    Run(Needs),
    Fragment,
    Unknown,
}

/// `6.0` → (6, 0).
fn major_minor(text: &str) -> Option<(u32, u32)> {
    let (major, minor) = text.split_once('.')?;
    Some((major.parse().ok()?, minor.parse().ok()?))
}

/// Reads the words after ```` ```python ````: nothing, `fragment`, or any
/// of `3.N+` and `django-N.M+`.
fn fence_kind(info: &str) -> Fence {
    let words: Vec<&str> = info.split_whitespace().skip(1).collect();
    if words == ["fragment"] {
        return Fence::Fragment;
    }
    let mut needs = Needs::default();
    for word in words {
        let Some(min) = word.strip_suffix('+') else {
            return Fence::Unknown;
        };
        match min.strip_prefix("django-") {
            Some(v) if needs.django.is_none() => match major_minor(v) {
                Some(v) => needs.django = Some(v),
                None => return Fence::Unknown,
            },
            None if needs.python.is_none() => match version_at(min, 0) {
                Some(v) if v.to_string() == min => needs.python = Some(v),
                _ => return Fence::Unknown,
            },
            _ => return Fence::Unknown,
        }
    }
    Fence::Run(needs)
}

struct Block {
    path: String,
    /// 1-based body line of the opening fence.
    line: usize,
    fence: Fence,
    code: String,
    /// Versions the topic's `versions.python` names.
    named: Vec<Version>,
}

impl Block {
    fn at(&self) -> String {
        format!("{}: block at body line {}", self.path, self.line)
    }

    /// The oldest version this block may be run on.
    fn lower_bound(&self) -> Version {
        let named = self.named.iter().copied().min().unwrap_or(FLOOR);
        let block = match self.fence {
            Fence::Run(Needs {
                python: Some(v), ..
            }) => v,
            _ => FLOOR,
        };
        named.max(block).max(FLOOR)
    }
}

fn python_blocks() -> Vec<Block> {
    let mut out = Vec::new();
    for topic in guide::load_builtin().guide.topics() {
        let named = topic
            .versions
            .as_ref()
            .and_then(|v| v.python.as_deref())
            .map(named_versions)
            .unwrap_or_default();
        let mut open: Option<(usize, Fence, String)> = None;
        for (i, line) in topic.body.lines().enumerate() {
            let t = line.trim_start();
            match &mut open {
                None if t.starts_with("```python") => {
                    open = Some((i + 1, fence_kind(t), String::new()));
                }
                Some(_) if t.starts_with("```") => {
                    if let Some((line, fence, code)) = open.take() {
                        out.push(Block {
                            path: topic.path.clone(),
                            line,
                            fence,
                            code,
                            named: named.clone(),
                        });
                    }
                }
                Some((_, _, code)) => {
                    code.push_str(line);
                    code.push('\n');
                }
                None => {}
            }
        }
    }
    out
}

/// What one output comment expects.
#[derive(Clone, Debug, PartialEq)]
struct Expectation {
    /// 1-based line in the block.
    line: usize,
    text: String,
}

/// The block's code, with each `expr  # -> X` expression statement made to
/// print `repr(expr)`, and the expected output lines in source order.
/// `# prints X` and `# -> X` on a `print(...)` line expect that line of output.
fn instrument(code: &str) -> (String, Vec<Expectation>) {
    let doc = Document::parse(code.to_string());
    let mut expectations = Vec::new();
    let mut wraps = Vec::new();
    walk(doc.root(), |node| {
        if node.kind() != "comment" {
            return true;
        }
        let text = &code[node.byte_range()];
        let (arrow, expected) = match (text.strip_prefix("# prints "), text.strip_prefix("# -> ")) {
            (Some(x), _) => (false, x),
            (None, Some(x)) => (true, x),
            (None, None) => return false,
        };
        let line = node.start_position().row;
        expectations.push(Expectation {
            line: line + 1,
            text: expected.trim().to_string(),
        });
        if arrow && let Some(expr) = expression_on_line(&doc, line) {
            wraps.push(expr);
        }
        false
    });
    wraps.sort_by_key(|r| std::cmp::Reverse(r.start));
    let mut out = code.to_string();
    for range in wraps {
        let expr = out[range.clone()].to_string();
        out.replace_range(range, &format!("print(repr({expr}))"));
    }
    expectations.sort_by_key(|e| e.line);
    (out, expectations)
}

/// The byte range of the expression of the expression statement that ends on
/// `row`, unless that expression is already a `print(...)` call.
fn expression_on_line(doc: &Document, row: usize) -> Option<std::ops::Range<usize>> {
    let mut found = None;
    walk(doc.root(), |node| {
        if node.kind() == "expression_statement" && node.end_position().row == row {
            if let Some(expr) = node.named_child(0) {
                let is_print = expr.kind() == "call"
                    && expr
                        .child_by_field_name("function")
                        .is_some_and(|f| &doc.text()[f.byte_range()] == "print");
                if !is_print && expr.kind() != "assignment" {
                    found = Some(expr.byte_range());
                }
            }
            return false;
        }
        found.is_none()
    });
    found
}

/// `pattern` matches `line` exactly, where `...` stands for any text.
fn matches_line(pattern: &str, line: &str) -> bool {
    let parts: Vec<&str> = pattern.split("...").collect();
    if parts.len() == 1 {
        return pattern == line;
    }
    let (first, last) = (parts[0], parts[parts.len() - 1]);
    if !line.starts_with(first) || line.len() < first.len() + last.len() || !line.ends_with(last) {
        return false;
    }
    let mut rest = &line[first.len()..line.len() - last.len()];
    for part in &parts[1..parts.len() - 1] {
        match rest.find(part) {
            Some(i) => rest = &rest[i + part.len()..],
            None => return false,
        }
    }
    true
}

/// Each expectation must match a later output line than the previous one.
fn check_output(expectations: &[Expectation], stdout: &str) -> Result<(), String> {
    let lines: Vec<&str> = stdout.lines().map(str::trim_end).collect();
    let mut next = 0;
    for e in expectations {
        match lines[next..].iter().position(|l| matches_line(&e.text, l)) {
            Some(i) => next += i + 1,
            None => {
                return Err(format!(
                    "line {}: expected output `{}` not printed (in order); stdout was:\n{}",
                    e.line,
                    e.text,
                    stdout.trim_end()
                ));
            }
        }
    }
    Ok(())
}

/// An interpreter to run blocks with: an installed Python, or a virtualenv
/// made from one.
#[derive(Clone, Debug)]
struct Python {
    version: Version,
    exe: PathBuf,
    /// How runs on it are counted: `3.13`, or `3.13 + Django 6.0`.
    label: String,
    /// The Django (major, minor) installed in it, for virtualenvs.
    django: Option<(u32, u32)>,
}

impl Python {
    fn installed(version: Version, exe: PathBuf) -> Python {
        Python {
            version,
            exe,
            label: version.to_string(),
            django: None,
        }
    }
}

/// `3.X.Y` (or `3.X`) directory or executable suffix → version.
fn parse_dir_version(name: &str) -> Option<Version> {
    let mut parts = name.split('.');
    let major: u32 = parts.next()?.parse().ok()?;
    let minor: u32 = parts.next()?.parse().ok()?;
    if parts.any(|p| p.parse::<u32>().is_err()) || major != 3 {
        return None;
    }
    Some(Version(major, minor))
}

/// Every Python 3 found, one per minor version (pyenv preferred), oldest first.
fn interpreters() -> Vec<Python> {
    let mut found: BTreeMap<Version, PathBuf> = BTreeMap::new();
    let pyenv = std::env::var_os("PYENV_ROOT")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| Path::new(&h).join(".pyenv")));
    if let Some(Ok(entries)) = pyenv.map(|p| std::fs::read_dir(p.join("versions"))) {
        for entry in entries.flatten() {
            let name = entry.file_name().to_string_lossy().to_string();
            let exe = entry.path().join("bin/python");
            if let (Some(v), true) = (parse_dir_version(&name), exe.exists()) {
                found.entry(v).or_insert(exe);
            }
        }
    }
    for minor in 6..=20 {
        let name = format!("python3.{minor}");
        let ok = Command::new(&name)
            .arg("--version")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        if ok {
            found
                .entry(Version(3, minor))
                .or_insert_with(|| PathBuf::from(name));
        }
    }
    found
        .into_iter()
        .map(|(version, exe)| Python::installed(version, exe))
        .collect()
}

/// The oldest interpreter at or above `lower`, and the newest one.
fn targets(pythons: &[Python], lower: Version) -> Vec<Python> {
    let oldest = pythons.iter().find(|p| p.version >= lower);
    let newest = pythons.last().filter(|p| p.version >= lower);
    let mut out: Vec<Python> = oldest.into_iter().chain(newest).cloned().collect();
    out.dedup_by_key(|p| p.version);
    out
}

struct Run {
    ok: bool,
    stdout: String,
    stderr: String,
}

fn run_python(exe: &Path, code: &str) -> Result<Run, String> {
    let mut child = Command::new(exe)
        .args(["-X", "utf8", "-"])
        .env("PYTHONDONTWRITEBYTECODE", "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("{} could not be run: {e}", exe.display()))?;
    child
        .stdin
        .take()
        .expect("piped stdin")
        .write_all(code.as_bytes())
        .map_err(|e| format!("writing the block to {}: {e}", exe.display()))?;
    // Read both pipes on their own threads so a chatty block cannot block.
    let mut out_pipe = child.stdout.take().expect("piped stdout");
    let mut err_pipe = child.stderr.take().expect("piped stderr");
    let out = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = out_pipe.read_to_string(&mut s);
        s
    });
    let err = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = err_pipe.read_to_string(&mut s);
        s
    });
    let deadline = Instant::now() + BLOCK_TIMEOUT;
    let status = loop {
        if let Some(status) = child.try_wait().map_err(|e| e.to_string())? {
            break Some(status);
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            break None;
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    let stdout = out.join().unwrap_or_default();
    let stderr = err.join().unwrap_or_default();
    match status {
        Some(status) => Ok(Run {
            ok: status.success(),
            stdout,
            stderr,
        }),
        None => Err(format!("timed out after {} s", BLOCK_TIMEOUT.as_secs())),
    }
}

/// The top-level module `ModuleNotFoundError` names, if that is how the run
/// failed; a relative import (`from .models import Order`) counts as the
/// project package `.`, which a block run as a script cannot have.
fn missing_module(stderr: &str) -> Option<String> {
    let last = stderr.lines().rev().find(|l| !l.trim().is_empty())?;
    if last.starts_with("ImportError: attempted relative import") {
        return Some(".".into());
    }
    let name = last
        .strip_prefix("ModuleNotFoundError: No module named '")?
        .split('\'')
        .next()?;
    Some(name.split('.').next()?.to_string())
}

fn package_for(module: &str) -> Option<&'static str> {
    PACKAGES
        .iter()
        .find(|(m, _)| *m == module)
        .map(|(_, requirement)| *requirement)
}

/// A `ModuleNotFoundError` for a standard-library name is a real failure
/// (for example a module removed in a newer Python), not a skip.
fn is_stdlib_name(module: &str) -> bool {
    const REMOVED_OR_NEW: [&str; 6] = [
        "distutils",
        "imp",
        "asynchat",
        "asyncore",
        "smtpd",
        "tomllib",
    ];
    REMOVED_OR_NEW.contains(&module)
}

/// What running blocks found.
#[derive(Default)]
struct Tally {
    /// Successful runs per interpreter label.
    ran: BTreeMap<String, usize>,
    /// Blocks that need a PyPI package, by package.
    need_package: BTreeMap<String, usize>,
    /// Blocks that import project code the guide does not ship, by module.
    need_project: BTreeMap<String, usize>,
    fragments: usize,
    /// Blocks with no interpreter in range, and why.
    no_interpreter: Vec<String>,
    failures: Vec<String>,
}

/// One block to run on one interpreter.
struct Job<'b> {
    block: &'b Block,
    python: Python,
    code: String,
    expect: Vec<Expectation>,
}

/// Runs one job and records the result. In a virtualenv a missing package
/// is a failure: the venv was made to have it.
fn run_and_check(job: &Job, tally: &Mutex<Tally>) {
    let result = run_python(&job.python.exe, &job.code);
    let mut t = tally.lock().unwrap();
    let where_ = format!("{} on {}", job.block.at(), job.python.label);
    let in_venv = job.python.django.is_some();
    match result {
        Err(e) => t.failures.push(format!("{where_}: {e}")),
        Ok(run) if !run.ok => match missing_module(&run.stderr) {
            Some(m) if package_for(&m).is_some() && !in_venv => {
                *t.need_package.entry(m).or_default() += 1;
            }
            Some(m) if package_for(&m).is_none() && !is_stdlib_name(&m) => {
                *t.need_project.entry(m).or_default() += 1;
            }
            _ => t
                .failures
                .push(format!("{where_}:\n{}", run.stderr.trim_end())),
        },
        Ok(run) => match check_output(&job.expect, &run.stdout) {
            Ok(()) => *t.ran.entry(job.python.label.clone()).or_default() += 1,
            Err(e) => t.failures.push(format!("{where_}: {e}")),
        },
    }
}

/// Runs `jobs` on a few worker threads (blocks mostly sleep or wait on I/O).
fn run_all(jobs: Vec<Job>, tally: &Mutex<Tally>) {
    let queue = Mutex::new(jobs);
    std::thread::scope(|s| {
        for _ in 0..4 {
            s.spawn(|| {
                loop {
                    let Some(job) = queue.lock().unwrap().pop() else {
                        break;
                    };
                    run_and_check(&job, tally);
                }
            });
        }
    });
}

fn counts(map: &BTreeMap<String, usize>) -> String {
    let list: Vec<String> = map.iter().map(|(k, n)| format!("{k}: {n}")).collect();
    list.join(", ")
}

fn report(tally: &Tally, label: &str) {
    let ran: Vec<String> = tally
        .ran
        .iter()
        .map(|(v, n)| format!("{n} on {v}"))
        .collect();
    eprintln!("guide code ({label}): blocks run: {}", ran.join(", "));
    if !tally.need_package.is_empty() {
        eprintln!(
            "  SKIPPED block runs that need a PyPI package (run `cargo test --test guide_code -- --ignored`): {}",
            counts(&tally.need_package)
        );
    }
    if !tally.need_project.is_empty() {
        eprintln!(
            "  SKIPPED block runs that import project code the guide does not ship (`.` = a relative import): {}",
            counts(&tally.need_project)
        );
    }
    eprintln!("  fragments (parsed, not run): {}", tally.fragments);
    for line in &tally.no_interpreter {
        eprintln!("  SKIPPED: {line}");
    }
}

#[test]
fn every_python_block_parses_and_has_a_known_fence() {
    let blocks = python_blocks();
    assert!(
        blocks.len() > 140,
        "only {} python blocks found",
        blocks.len()
    );
    let broken: Vec<String> = blocks
        .iter()
        .filter_map(|b| {
            if b.fence == Fence::Unknown {
                Some(format!(
                    "{}: unknown fence words (use `python`, `python fragment`, `python 3.N+`, `python django-N.M+`)",
                    b.at()
                ))
            } else if !Document::parse(b.code.clone()).syntax_errors().is_empty() {
                Some(format!("{} has a syntax error", b.at()))
            } else {
                None
            }
        })
        .collect();
    assert!(broken.is_empty(), "{}", broken.join("\n"));
}

#[test]
fn self_contained_python_blocks_run_on_their_oldest_and_newest_python() {
    let pythons = interpreters();
    if pythons.is_empty() {
        eprintln!("SKIPPED: no Python 3 is installed, so guide code blocks were not run");
        return;
    }
    let installed: BTreeSet<Version> = pythons.iter().map(|p| p.version).collect();
    let tally = Mutex::new(Tally::default());
    let blocks = python_blocks();
    let mut jobs = Vec::new();
    let mut missing_named: BTreeMap<Version, BTreeSet<&str>> = BTreeMap::new();
    for block in &blocks {
        if block.fence == Fence::Fragment {
            tally.lock().unwrap().fragments += 1;
            continue;
        }
        for v in block
            .named
            .iter()
            .filter(|v| **v >= FLOOR && !installed.contains(v))
        {
            missing_named.entry(*v).or_default().insert(&block.path);
        }
        let lower = block.lower_bound();
        let chosen = targets(&pythons, lower);
        if chosen.is_empty() {
            tally.lock().unwrap().no_interpreter.push(format!(
                "{} needs Python {lower}+, not installed",
                block.at()
            ));
        }
        let (code, expect) = instrument(&block.code);
        for python in chosen {
            jobs.push(Job {
                block,
                python,
                code: code.clone(),
                expect: expect.clone(),
            });
        }
    }
    run_all(jobs, &tally);
    let tally = tally.into_inner().unwrap();
    report(&tally, "standard library blocks");
    for (v, paths) in missing_named {
        eprintln!(
            "  NOTE: Python {v} is named by {} topic(s) but not installed here; their blocks ran on the newest installed",
            paths.len()
        );
    }
    assert!(
        tally.failures.is_empty(),
        "{} runs failed:\n{}",
        tally.failures.len(),
        tally.failures.join("\n\n")
    );
    let runs: usize = tally.ran.values().sum();
    assert!(runs > 60, "only {runs} block runs succeeded");
}

/// Settings for Django blocks: in-memory SQLite with the contrib apps
/// migrated, and the running script itself as an app so it may define
/// models; each model the block defines gets its table as soon as its class
/// is created, so the block's queries really run.
const DJANGO_PRELUDE: &str = r#"import django as _dj, tempfile as _tf
from django.apps import AppConfig as _AppConfig
from django.conf import settings as _settings


class GuideExampleConfig(_AppConfig):
    name = "__main__"
    label = "guide_example"
    path = _tf.gettempdir()
    default_auto_field = "django.db.models.BigAutoField"


urlpatterns = []
_settings.configure(
    DEBUG=True,
    SECRET_KEY="guide-example-only",
    ALLOWED_HOSTS=["*"],
    DATABASES={"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}},
    INSTALLED_APPS=[
        "django.contrib.auth",
        "django.contrib.contenttypes",
        "django.contrib.sessions",
        "django.contrib.messages",
        "__main__.GuideExampleConfig",
    ],
    ROOT_URLCONF="__main__",
    USE_TZ=True,
)
_dj.setup()
from django.apps import apps as _apps
from django.core.management import call_command as _call_command
from django.db import connection as _connection

_call_command("migrate", run_syncdb=True, verbosity=0)
_waiting = []
_register_model = _apps.register_model


def _register_and_create_tables(app_label, model):
    # Registering resolves lazy references ("Customer"), so try every model
    # still without a table; one whose relations are not defined yet waits.
    _register_model(app_label, model)
    meta = model._meta
    if app_label == "guide_example" and meta.managed and not (meta.proxy or meta.auto_created):
        _waiting.append(model)
    for waiting in list(_waiting):
        try:
            with _connection.schema_editor() as editor:
                editor.create_model(waiting)
        except (ValueError, IndexError, AttributeError):
            continue
        _waiting.remove(waiting)


_apps.register_model = _register_and_create_tables
"#;

/// The two Django releases the guide teaches, each in its own virtualenv:
/// the LTS on the oldest Python it supports, the newest on the newest Python.
const DJANGO_LTS: ((u32, u32), Version) = ((5, 2), Version(3, 10));
const DJANGO_CURRENT: ((u32, u32), Version) = ((6, 0), Version(3, 12));

/// Creates (or reuses) a virtualenv made from `base` with Django
/// `django` and the other packages of [`PACKAGES`] from PyPI.
fn venv_for(base: &Python, django: (u32, u32), root: &Path) -> Result<Python, String> {
    let (major, minor) = django;
    let dir = root.join(format!("py{}-django{major}.{minor}", base.version));
    let exe = dir.join("bin/python");
    let stamp = dir.join(".guide-packages");
    let mut wanted: Vec<String> = PACKAGES
        .iter()
        .map(|(_, r)| (*r).to_string())
        .filter(|r| !r.starts_with("django=="))
        .collect();
    wanted.push(format!("django=={major}.{minor}.*"));
    let venv = Python {
        version: base.version,
        exe: exe.clone(),
        label: format!("{} + Django {major}.{minor}", base.version),
        django: Some(django),
    };
    if std::fs::read_to_string(&stamp).is_ok_and(|s| s == wanted.join("\n")) {
        return Ok(venv);
    }
    let step = |cmd: &mut Command, what: &str| -> Result<(), String> {
        let out = cmd
            .output()
            .map_err(|e| format!("{what}: cannot run: {e}"))?;
        if out.status.success() {
            Ok(())
        } else {
            Err(format!(
                "{what} failed:\n{}",
                String::from_utf8_lossy(&out.stderr).trim_end()
            ))
        }
    };
    step(
        Command::new(&base.exe)
            .args(["-m", "venv", "--clear"])
            .arg(&dir),
        &format!("creating a venv with Python {}", base.version),
    )?;
    step(
        Command::new(&exe)
            .args([
                "-m",
                "pip",
                "install",
                "--quiet",
                "--disable-pip-version-check",
            ])
            .args(&wanted),
        &format!("pip install into {}", venv.label),
    )?;
    std::fs::write(&stamp, wanted.join("\n")).map_err(|e| e.to_string())?;
    Ok(venv)
}

/// The blocks that need a package from [`PACKAGES`], run in virtualenvs:
/// Django 5.2 LTS on the oldest Python in range (3.10+) and Django 6.0 on the
/// newest (3.12+); a block fenced `python django-6.0+` only on the latter.
/// Needs PyPI, so plain `cargo test` ignores it. Venvs are kept in
/// `$PYGUIDE_EXAMPLES_VENVS` (default `target/guide-venvs`) and reused.
#[test]
#[ignore = "needs PyPI: run with `cargo test --test guide_code -- --ignored --nocapture`"]
fn package_blocks_run_in_venvs() {
    let pythons = interpreters();
    assert!(!pythons.is_empty(), "no Python 3 installed");
    let root = std::env::var_os("PYGUIDE_EXAMPLES_VENVS")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("target/guide-venvs"));
    std::fs::create_dir_all(&root).expect("venv folder");
    let blocks = python_blocks();
    // The blocks that need packages: those whose plain run misses one.
    let plain = pythons.last().expect("an interpreter");
    let tally = Mutex::new(Tally::default());
    let mut needing = Vec::new();
    for block in blocks.iter().filter(|b| b.fence != Fence::Fragment) {
        if let Ok(run) = run_python(&plain.exe, &block.code)
            && missing_module(&run.stderr).is_some_and(|m| package_for(&m).is_some())
        {
            needing.push(block);
        }
    }
    let newest = pythons.last().expect("an interpreter").clone();
    let mut venvs: BTreeMap<(Version, (u32, u32)), Python> = BTreeMap::new();
    let mut venv = |base: &Python, django| -> Python {
        venvs
            .entry((base.version, django))
            .or_insert_with(|| venv_for(base, django, &root).unwrap_or_else(|e| panic!("{e}")))
            .clone()
    };
    let mut jobs = Vec::new();
    for block in needing {
        let needs = match block.fence {
            Fence::Run(needs) => needs,
            _ => Needs::default(),
        };
        let mut chosen = Vec::new();
        let lower = block.lower_bound();
        // Django 5.2 LTS, unless the block needs a newer Django.
        if needs.django.is_none_or(|d| d <= DJANGO_LTS.0) {
            match pythons
                .iter()
                .find(|p| p.version >= lower.max(DJANGO_LTS.1))
            {
                Some(base) => chosen.push(venv(base, DJANGO_LTS.0)),
                None => tally.lock().unwrap().no_interpreter.push(format!(
                    "{}: no Python {}+ for Django 5.2",
                    block.at(),
                    lower.max(DJANGO_LTS.1)
                )),
            }
        } else {
            tally.lock().unwrap().no_interpreter.push(format!(
                "{}: fenced for Django {}.{}+, not run on Django 5.2",
                block.at(),
                needs.django.unwrap_or_default().0,
                needs.django.unwrap_or_default().1
            ));
        }
        if newest.version >= lower.max(DJANGO_CURRENT.1) {
            chosen.push(venv(&newest, DJANGO_CURRENT.0));
        } else {
            tally.lock().unwrap().no_interpreter.push(format!(
                "{}: newest Python {} is too old for Django 6.0",
                block.at(),
                newest.version
            ));
        }
        let (code, expect) = instrument(&block.code);
        let code = if block.code.contains("django") || block.code.contains("rest_framework") {
            format!("{DJANGO_PRELUDE}\n{code}")
        } else {
            code
        };
        for python in chosen {
            jobs.push(Job {
                block,
                python,
                code: code.clone(),
                expect: expect.clone(),
            });
        }
    }
    run_all(jobs, &tally);
    let tally = tally.into_inner().unwrap();
    report(&tally, "blocks that need packages, in virtualenvs");
    assert!(
        tally.failures.is_empty(),
        "{} runs failed:\n{}",
        tally.failures.len(),
        tally.failures.join("\n\n")
    );
}

#[test]
fn output_comments_are_checked_against_real_output() {
    let code =
        "x = [1, 2]\nprint(x)  # prints [1, 2]\nlen(x)  # -> 2\nprint('at', id(x))  # -> at ...\n";
    let (instrumented, expect) = instrument(code);
    assert!(
        instrumented.contains("print(repr(len(x)))"),
        "{instrumented}"
    );
    assert!(
        instrumented.contains("print('at', id(x))  #"),
        "{instrumented}"
    );
    let texts: Vec<&str> = expect.iter().map(|e| e.text.as_str()).collect();
    assert_eq!(texts, ["[1, 2]", "2", "at ..."]);
    assert!(check_output(&expect, "[1, 2]\n2\nat 140\n").is_ok());
    // Wrong value, wrong order and missing output all fail.
    assert!(check_output(&expect, "[1, 2]\n3\nat 140\n").is_err());
    assert!(check_output(&expect, "2\n[1, 2]\nat 1\n").is_err());
    assert!(check_output(&expect, "[1, 2]\n").is_err());
    assert!(matches_line(
        "<Money object at 0x...>",
        "<Money object at 0x7f>"
    ));
    assert!(!matches_line("a...b...c", "a-c-b"));
}

#[test]
fn versions_and_fences_are_read_from_the_guide_text() {
    assert_eq!(
        named_versions("asyncio.run 3.7+; TaskGroup 3.11+; psycopg 3.1.12+; PyO3 0.26; 3.12–3.14"),
        [
            Version(3, 7),
            Version(3, 11),
            Version(3, 12),
            Version(3, 14)
        ]
    );
    assert_eq!(fence_kind("```python"), Fence::Run(Needs::default()));
    assert_eq!(
        fence_kind("```python 3.11+"),
        Fence::Run(Needs {
            python: Some(Version(3, 11)),
            django: None
        })
    );
    assert_eq!(
        fence_kind("```python django-6.0+ 3.12+"),
        Fence::Run(Needs {
            python: Some(Version(3, 12)),
            django: Some((6, 0))
        })
    );
    assert_eq!(fence_kind("```python fragment"), Fence::Fragment);
    for bad in [
        "3.11",
        "3.11.2+",
        "fragment 3.11+",
        "django+",
        "3.10+ 3.11+",
        "frag",
    ] {
        assert_eq!(
            fence_kind(&format!("```python {bad}")),
            Fence::Unknown,
            "{bad}"
        );
    }
    let pythons: Vec<Python> = [9, 11, 13]
        .map(|m| Python::installed(Version(3, m), PathBuf::from(format!("python3.{m}"))))
        .to_vec();
    let picked =
        |lower| -> Vec<Version> { targets(&pythons, lower).iter().map(|p| p.version).collect() };
    assert_eq!(picked(Version(3, 9)), [Version(3, 9), Version(3, 13)]);
    assert_eq!(picked(Version(3, 10)), [Version(3, 11), Version(3, 13)]);
    assert_eq!(picked(Version(3, 13)), [Version(3, 13)]);
    assert!(picked(Version(3, 14)).is_empty());
}
