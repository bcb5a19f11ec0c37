//! The project a Python file belongs to: which Python, Django and Celery
//! versions it declares, read from the files where projects say so
//! (`pyproject.toml`: `[tool.pyguide]` `target-version` / `django-version`
//! / `celery-version`, `requires-python`, `dependencies`, Poetry's
//! dependencies, `[tool.ruff] target-version`; `requirements*.txt`;
//! `setup.cfg`; the `PKG-INFO` / `*.dist-info/METADATA` of a source or
//! unpacked distribution). The parsers are pure; [`Projects`] does the IO:
//! it finds the nearest folder holding one of those files, reads them
//! through `crate::files` (regular files only, 2 MB cap), and remembers
//! the answer per folder.
//!
//! A version is the *lowest* the project supports (`>=3.9,<4` → 3.9, a pin
//! `==4.2.11` → 4.2): a fix must work on every version the project runs on.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use crate::detect::{Version, Versions};

/// The lowest version a PEP 440 specifier set allows (`>=3.9, <4` → 3.9,
/// `~=4.2` → 4.2, `==5.0.*` → 5.0, Poetry's `^3.9` → 3.9); `None` when it
/// has no lower bound.
pub fn lower_bound(spec: &str) -> Option<Version> {
    spec.split(',')
        .filter_map(|clause| {
            let c = clause.trim();
            let rest = ["===", "==", ">=", "~=", "^", "~", ">"]
                .iter()
                .find_map(|op| c.strip_prefix(op))?;
            Version::parse(rest.trim().trim_start_matches('v'))
        })
        .max()
}

/// A dependency line (`Django[argon2]>=4.2,<5; python_version>"3.8"`) as
/// (normalised name, lower bound).
pub fn dependency(line: &str) -> Option<(String, Option<Version>)> {
    let line = line.split(';').next()?.trim();
    let end = line
        .find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.')))
        .unwrap_or(line.len());
    let name = line[..end].to_ascii_lowercase().replace('_', "-");
    if name.is_empty() {
        return None;
    }
    let mut rest = line[end..].trim_start();
    if rest.starts_with('[') {
        rest = rest.split_once(']').map_or("", |(_, r)| r);
    }
    let rest = rest.trim().trim_start_matches('(').trim_end_matches(')');
    Some((name, lower_bound(rest)))
}

/// Folds one dependency into `versions` (Django and Celery only).
fn note_dependency(versions: &mut Versions, name: &str, bound: Option<Version>) {
    let slot = match name {
        "django" => &mut versions.django,
        "celery" => &mut versions.celery,
        _ => return,
    };
    if let Some(v) = bound {
        *slot = Some(slot.map_or(v, |old| old.max(v)));
    }
}

/// `"py39"` / `"py310"` (ruff's spelling) or `"3.9"`.
fn python_target(text: &str) -> Option<Version> {
    let t = text.trim();
    match t.strip_prefix("py") {
        Some(digits) if digits.len() >= 2 && digits.chars().all(|c| c.is_ascii_digit()) => Some(
            Version::new(digits[..1].parse().ok()?, digits[1..].parse().ok()?),
        ),
        _ => Version::parse(t),
    }
}

/// Versions declared by a `pyproject.toml`; problems name the key.
pub fn from_pyproject(text: &str) -> Result<Versions, String> {
    let table: toml::Table = toml::from_str(text).map_err(|e| e.message().to_string())?;
    let mut v = Versions::default();
    let get = |path: &[&str]| -> Option<&toml::Value> {
        let mut cur = table.get(path[0])?;
        for key in &path[1..] {
            cur = cur.get(key)?;
        }
        Some(cur)
    };
    if let Some(deps) = get(&["project", "dependencies"]).and_then(|d| d.as_array()) {
        for d in deps.iter().filter_map(|d| d.as_str()) {
            if let Some((name, bound)) = dependency(d) {
                note_dependency(&mut v, &name, bound);
            }
        }
    }
    if let Some(deps) = get(&["tool", "poetry", "dependencies"]).and_then(|d| d.as_table()) {
        for (name, spec) in deps {
            let spec = match spec {
                toml::Value::String(s) => Some(s.as_str()),
                toml::Value::Table(t) => t.get("version").and_then(|s| s.as_str()),
                _ => None,
            };
            let bound = spec.and_then(lower_bound);
            match name.to_ascii_lowercase().as_str() {
                "python" => v.python = bound.or(v.python),
                other => note_dependency(&mut v, other, bound),
            }
        }
    }
    let ruff_target = get(&["tool", "ruff", "target-version"])
        .and_then(|t| t.as_str())
        .and_then(python_target);
    let requires = get(&["project", "requires-python"])
        .and_then(|t| t.as_str())
        .and_then(lower_bound);
    v.python = ruff_target.or(requires).or(v.python);
    let pyguide = |key: &str| get(&["tool", "pyguide", key]);
    for (key, slot, parse) in [
        (
            "target-version",
            &mut v.python,
            python_target as fn(&str) -> Option<Version>,
        ),
        ("django-version", &mut v.django, Version::parse),
        ("celery-version", &mut v.celery, Version::parse),
    ] {
        if let Some(value) = pyguide(key) {
            let text = match value {
                toml::Value::String(s) => s.clone(),
                toml::Value::Float(f) => f.to_string(),
                toml::Value::Integer(i) => i.to_string(),
                _ => {
                    return Err(format!(
                        "[tool.pyguide] {key}: expected a version like \"4.2\""
                    ));
                }
            };
            *slot = Some(parse(&text).ok_or_else(|| {
                format!("[tool.pyguide] {key}: `{text}` is not a version like \"4.2\"")
            })?);
        }
    }
    Ok(v)
}

/// Versions pinned or bounded by a `requirements.txt`.
pub fn from_requirements(text: &str) -> Versions {
    let mut v = Versions::default();
    for line in text.lines() {
        let line = line.split(" #").next().unwrap_or("").trim();
        if line.is_empty() || line.starts_with(['#', '-']) {
            continue;
        }
        if let Some((name, bound)) = dependency(line) {
            note_dependency(&mut v, &name, bound);
        }
    }
    v
}

/// Versions declared by a `setup.cfg` (`python_requires`,
/// `install_requires`).
pub fn from_setup_cfg(text: &str) -> Versions {
    let mut v = Versions::default();
    let mut in_requires = false;
    for raw in text.lines() {
        let line = raw.trim();
        let continuation = raw.starts_with([' ', '\t']) && !line.is_empty();
        if let Some((key, value)) = line.split_once('=').filter(|_| !continuation) {
            let key = key.trim();
            in_requires = key == "install_requires";
            if key == "python_requires" {
                v.python = lower_bound(value.trim()).or(v.python);
            } else if in_requires && let Some((name, bound)) = dependency(value.trim()) {
                note_dependency(&mut v, &name, bound);
            }
        } else if in_requires && continuation {
            if let Some((name, bound)) = dependency(line) {
                note_dependency(&mut v, &name, bound);
            }
        } else if !continuation {
            in_requires = false;
        }
    }
    v
}

/// Versions declared by core metadata (`PKG-INFO`, `METADATA`):
/// `Requires-Python`, and `Requires-Dist` outside extras.
pub fn from_core_metadata(text: &str) -> Versions {
    let mut v = Versions::default();
    for line in text.lines() {
        if line.is_empty() {
            break; // the description follows the headers
        }
        if let Some(spec) = line.strip_prefix("Requires-Python:") {
            v.python = lower_bound(spec.trim()).or(v.python);
        } else if let Some(dep) = line.strip_prefix("Requires-Dist:") {
            if dep.contains("extra ==") || dep.contains("extra==") {
                continue;
            }
            if let Some((name, bound)) = dependency(dep.trim()) {
                note_dependency(&mut v, &name, bound);
            }
        }
    }
    v
}

/// `later`'s declared versions over `earlier`'s.
fn overlay(earlier: Versions, later: Versions) -> Versions {
    Versions {
        python: later.python.or(earlier.python),
        django: later.django.or(earlier.django),
        celery: later.celery.or(earlier.celery),
    }
}

/// A metadata file's text through the one bounded reader
/// (`crate::files`: regular files only, the settings cap of 2 MB); `None`
/// for anything else, including an unreadable or oversized file.
fn read_small(path: &Path) -> Option<String> {
    crate::files::read_text(path, crate::files::Limit::Settings).ok()
}

/// What one folder declares, if it holds any project metadata; problems
/// (an invalid `pyproject.toml`) are reported with the file's path.
fn read_folder(
    dir: &Path,
    pyproject: Option<Option<String>>,
    problems: &mut Vec<String>,
) -> Option<Versions> {
    let mut found = false;
    let mut v = Versions::default();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return None;
    };
    let mut names: Vec<(String, PathBuf)> = entries
        .filter_map(Result::ok)
        .map(|e| (e.file_name().to_string_lossy().into_owned(), e.path()))
        .collect();
    names.sort();
    // Weakest first, so the more explicit sources win.
    for (name, path) in &names {
        if name == "PKG-INFO" {
            if let Some(t) = read_small(path) {
                v = overlay(v, from_core_metadata(&t));
                found = true;
            }
        } else if name.ends_with(".dist-info") || name.ends_with(".egg-info") {
            let file = if name.ends_with(".dist-info") {
                "METADATA"
            } else {
                "PKG-INFO"
            };
            if let Some(t) = read_small(&path.join(file)) {
                v = overlay(v, from_core_metadata(&t));
                found = true;
            }
        }
    }
    for (name, path) in &names {
        if name.starts_with("requirements")
            && name.ends_with(".txt")
            && let Some(t) = read_small(path)
        {
            v = overlay(v, from_requirements(&t));
            found = true;
        }
    }
    if let Some(t) = read_small(&dir.join("setup.cfg")) {
        v = overlay(v, from_setup_cfg(&t));
        found = true;
    }
    let text = pyproject.unwrap_or_else(|| read_small(&dir.join("pyproject.toml")));
    let pyproject = dir.join("pyproject.toml");
    if let Some(t) = text {
        found = true;
        match from_pyproject(&t) {
            Ok(p) => v = overlay(v, p),
            Err(e) => problems.push(format!("{}: {e}", pyproject.display())),
        }
    }
    found.then_some(v)
}

/// Project versions by folder, found once per folder.
#[derive(Debug, Default)]
pub struct Projects {
    by_dir: HashMap<PathBuf, Versions>,
    /// `pyproject.toml` texts already read by the caller, by folder
    /// (`None`: the folder has none), used instead of reading the file.
    known: HashMap<PathBuf, Option<String>>,
    /// Problems met while reading (invalid files), each once.
    pub problems: Vec<String>,
}

impl Projects {
    /// Gives the text of `dir`'s `pyproject.toml` (`None`: there is none),
    /// already read for another purpose, so it is not read again.
    pub fn know_pyproject(&mut self, dir: &Path, text: Option<String>) {
        let dir = std::path::absolute(dir).unwrap_or_else(|_| dir.to_path_buf());
        self.known.insert(dir, text);
    }

    /// The versions of the project that holds `file`: those of the nearest
    /// folder above it with project metadata (stopping at a repository's
    /// root), else nothing declared.
    pub fn versions_for(&mut self, file: &Path) -> Versions {
        let start = file
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_else(|| PathBuf::from("."));
        let start = std::path::absolute(&start).unwrap_or(start);
        let mut visited = Vec::new();
        let mut dir = Some(start.as_path());
        let mut found = Versions::default();
        while let Some(d) = dir {
            if let Some(v) = self.by_dir.get(d) {
                found = *v;
                break;
            }
            visited.push(d.to_path_buf());
            let known = self.known.remove(d);
            if let Some(v) = read_folder(d, known, &mut self.problems) {
                found = v;
                break;
            }
            if d.join(".git").exists() {
                break;
            }
            dir = d.parent();
        }
        for d in visited {
            self.by_dir.insert(d, found);
        }
        found
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(major: u16, minor: u16) -> Option<Version> {
        Some(Version::new(major, minor))
    }

    #[test]
    fn specifiers_give_their_lower_bound() {
        assert_eq!(lower_bound(">=3.9"), v(3, 9));
        assert_eq!(lower_bound(">=3.9, <4"), v(3, 9));
        assert_eq!(lower_bound("~=4.2"), v(4, 2));
        assert_eq!(lower_bound("==5.0.*"), v(5, 0));
        assert_eq!(lower_bound("^3.10"), v(3, 10));
        assert_eq!(lower_bound("<5"), None);
        assert_eq!(lower_bound(""), None);
    }

    #[test]
    fn dependencies_are_read_with_extras_and_markers() {
        assert_eq!(
            dependency("Django[argon2]>=4.2,<5; python_version > '3.8'"),
            Some(("django".into(), v(4, 2)))
        );
        assert_eq!(
            dependency("celery (>=5.4)"),
            Some(("celery".into(), v(5, 4)))
        );
        assert_eq!(dependency("django"), Some(("django".into(), None)));
    }

    #[test]
    fn pyproject_sources_and_precedence() {
        let p = from_pyproject(
            "[project]\nrequires-python = \">=3.9\"\ndependencies = [\"Django>=4.0,<5\", \"celery[redis]>=5.4\"]\n",
        )
        .unwrap();
        assert_eq!((p.python, p.django, p.celery), (v(3, 9), v(4, 0), v(5, 4)));
        let p = from_pyproject(
            "[project]\nrequires-python = \">=3.9\"\n[tool.pyguide]\ntarget-version = \"py312\"\ndjango-version = \"5.2\"\n",
        )
        .unwrap();
        assert_eq!((p.python, p.django), (v(3, 12), v(5, 2)));
        let p = from_pyproject(
            "[tool.poetry.dependencies]\npython = \"^3.11\"\nDjango = { version = \"^5.1\" }\n",
        )
        .unwrap();
        assert_eq!((p.python, p.django), (v(3, 11), v(5, 1)));
        let p = from_pyproject("[tool.ruff]\ntarget-version = \"py38\"\n").unwrap();
        assert_eq!(p.python, v(3, 8));
        assert!(from_pyproject("[tool.pyguide]\ndjango-version = \"new\"\n").is_err());
        assert!(from_pyproject("not toml [").is_err());
    }

    #[test]
    fn requirements_setup_cfg_and_metadata() {
        let r = from_requirements("# pinned\nDjango==4.2.11  # LTS\n-r base.txt\ncelery>=5.3\n");
        assert_eq!((r.django, r.celery), (v(4, 2), v(5, 3)));
        let s = from_setup_cfg(
            "[options]\npython_requires = >=3.8\ninstall_requires =\n    Django>=3.2\n    requests\n[other]\nx = 1\n",
        );
        assert_eq!((s.python, s.django), (v(3, 8), v(3, 2)));
        let m = from_core_metadata(
            "Metadata-Version: 2.1\nRequires-Python: >=3.9\nRequires-Dist: Django>=4.2\nRequires-Dist: celery>=5; extra == \"tasks\"\n\nRequires-Python: >=3.12\n",
        );
        assert_eq!((m.python, m.django, m.celery), (v(3, 9), v(4, 2), None));
    }

    #[test]
    fn nearest_project_folder_wins() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::write(
            root.join("pyproject.toml"),
            "[project]\nrequires-python = \">=3.9\"\n",
        )
        .unwrap();
        std::fs::create_dir_all(root.join("app/sub")).unwrap();
        std::fs::write(root.join("app/sub/views.py"), "").unwrap();
        let mut projects = Projects::default();
        assert_eq!(
            projects.versions_for(&root.join("app/sub/views.py")).python,
            v(3, 9)
        );
        // Remembered per folder.
        assert_eq!(projects.by_dir.len(), 3);
    }

    /// A text the caller already read is used instead of the file.
    #[test]
    fn a_known_pyproject_is_not_read_again() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::write(
            root.join("pyproject.toml"),
            "[project]\nrequires-python = \">=3.9\"\n",
        )
        .unwrap();
        let mut projects = Projects::default();
        projects.know_pyproject(
            root,
            Some("[project]\nrequires-python = \">=3.12\"\n".into()),
        );
        assert_eq!(projects.versions_for(&root.join("a.py")).python, v(3, 12));
        // Known to have none: the folder declares nothing.
        let mut projects = Projects::default();
        projects.know_pyproject(root, None);
        assert_eq!(projects.versions_for(&root.join("a.py")).python, None);
    }
}
