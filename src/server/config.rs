//! The server's settings: their names and documentation (the one place they
//! are defined), parsing from the three sources (the `[tool.pyguide]` table
//! of the workspace's `pyproject.toml`, `initializationOptions`, and
//! `workspace/didChangeConfiguration`), and merging them.
//!
//! Every problem (a wrong type, an unknown rule code, an unknown key) is
//! returned as a message naming the source and the key; the offending entry
//! is ignored and the rest of the settings still apply.

use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::detect::{RULES, Selection};

/// One setting, as documented in the README's settings table.
#[derive(Debug, Clone, Copy)]
pub struct OptionDoc {
    pub name: &'static str,
    pub kind: &'static str,
    pub default: &'static str,
    pub doc: &'static str,
}

pub const SELECT: &str = "select";
pub const IGNORE: &str = "ignore";
pub const HINTS: &str = "hints";
pub const GUIDE: &str = "guide";
pub const PRACTICE: &str = "practice";
/// `[tool.pyguide]` keys about the project rather than the server: read by
/// `crate::project` for each file, accepted here without a problem.
const PROJECT_KEYS_TARGET: &str = "target-version";
const PROJECT_KEYS_DJANGO: &str = "django-version";
const PROJECT_KEYS_CELERY: &str = "celery-version";

/// Every setting the server reads, in the order the README lists them.
pub const OPTIONS: [OptionDoc; 5] = [
    OptionDoc {
        name: SELECT,
        kind: "list of code prefixes",
        default: "`[]` (all rules)",
        doc: "Only report these rule codes or prefixes, e.g. `[\"PG2\", \"PG401\"]`.",
    },
    OptionDoc {
        name: IGNORE,
        kind: "list of code prefixes",
        default: "`[]`",
        doc: "Never report these rule codes or prefixes (also hides them from hovers).",
    },
    OptionDoc {
        name: HINTS,
        kind: "boolean",
        default: "`false`",
        doc: "Also publish educational hints as diagnostics (severity Hint). Hovers show them either way.",
    },
    OptionDoc {
        name: GUIDE,
        kind: "list of folders",
        default: "`[]`",
        doc: "Extra folders of topics in the guide's format; relative paths are resolved against the workspace folder.",
    },
    OptionDoc {
        name: PRACTICE,
        kind: "boolean",
        default: "`true`",
        doc: "Remember, on this machine only, which topics your open files raise and which hovers and Explain actions you open, and answer the practice requests (`pyguide/practice/next`, `answer`, `status`). Off: nothing is recorded and the requests answer `enabled: false`.",
    },
];

/// Settings from one source; `None` = not set there.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Layer {
    pub select: Option<Vec<String>>,
    pub ignore: Option<Vec<String>>,
    pub hints: Option<bool>,
    pub guide: Option<Vec<PathBuf>>,
    pub practice: Option<bool>,
}

/// The settings in effect.
#[derive(Debug, Clone, PartialEq)]
pub struct Settings {
    pub select: Vec<String>,
    pub ignore: Vec<String>,
    pub hints: bool,
    pub guide: Vec<PathBuf>,
    /// Practice recording and requests (on unless a layer turns it off).
    pub practice: bool,
}

impl Default for Settings {
    fn default() -> Settings {
        Settings {
            select: Vec::new(),
            ignore: Vec::new(),
            hints: false,
            guide: Vec::new(),
            practice: true,
        }
    }
}

impl Settings {
    /// Later layers win, key by key.
    pub fn merge(layers: &[&Layer]) -> Settings {
        let mut s = Settings::default();
        for layer in layers {
            if let Some(v) = &layer.select {
                s.select = v.clone();
            }
            if let Some(v) = &layer.ignore {
                s.ignore = v.clone();
            }
            if let Some(v) = layer.hints {
                s.hints = v;
            }
            if let Some(v) = &layer.guide {
                s.guide = v.clone();
            }
            if let Some(v) = layer.practice {
                s.practice = v;
            }
        }
        s
    }

    /// What diagnostics report: select/ignore, hints only when enabled.
    pub fn diagnostics(&self) -> Selection {
        Selection {
            select: self.select.clone(),
            ignore: self.ignore.clone(),
            hints: self.hints,
        }
    }

    /// What hovers and code actions use: select/ignore, hints always.
    pub fn constructs(&self) -> Selection {
        Selection {
            hints: true,
            ..self.diagnostics()
        }
    }
}

/// The client's settings object: either the settings themselves or nested
/// under a `pyguide` key (what most clients send for `settings.pyguide`).
pub fn client_section(value: &Value) -> &Value {
    match value.get("pyguide") {
        Some(inner) if inner.is_object() => inner,
        _ => value,
    }
}

/// Parses one source. `origin` names it in messages; relative `guide`
/// folders are resolved against `base`. `null` is an empty layer.
pub fn parse_layer(value: &Value, origin: &str, base: Option<&Path>) -> (Layer, Vec<String>) {
    let mut layer = Layer::default();
    let mut problems = Vec::new();
    let object = match value {
        Value::Null => return (layer, problems),
        Value::Object(map) => map,
        other => {
            problems.push(format!(
                "{origin}: settings must be an object, not {}",
                kind_of(other)
            ));
            return (layer, problems);
        }
    };
    for (key, v) in object {
        let result = match key.as_str() {
            SELECT => codes(v).map(|c| layer.select = Some(c)),
            IGNORE => codes(v).map(|c| layer.ignore = Some(c)),
            HINTS => boolean(v).map(|b| layer.hints = Some(b)),
            PRACTICE => boolean(v).map(|b| layer.practice = Some(b)),
            GUIDE => strings(v).map(|dirs| {
                layer.guide = Some(dirs.iter().map(|d| resolve(d, base)).collect());
            }),
            // Project facts read with the file's project (crate::project):
            // the versions its fixes and messages must fit.
            PROJECT_KEYS_TARGET | PROJECT_KEYS_DJANGO | PROJECT_KEYS_CELERY => match v {
                Value::String(_) | Value::Number(_) => Ok(()),
                other => Err(format!(
                    "expected a version such as \"4.2\", not {}",
                    kind_of(other)
                )),
            },
            _ => Err(format!(
                "unknown setting (known: {})",
                OPTIONS.map(|o| o.name).join(", ")
            )),
        };
        if let Err(e) = result {
            problems.push(format!("{origin}: `{key}`: {e}; ignored"));
        }
    }
    (layer, problems)
}

/// Reads `[tool.pyguide]` from `root/pyproject.toml`. A missing file or
/// table is an empty layer; an unreadable or invalid file is a problem.
pub fn read_pyproject(root: &Path) -> (Layer, Vec<String>) {
    let (layer, problems, _) = read_pyproject_keeping_text(root);
    (layer, problems)
}

/// [`read_pyproject`], also giving the text read (`None` when there is no
/// readable file): the server reads the project's versions from the same
/// text instead of reading the file again.
pub fn read_pyproject_keeping_text(root: &Path) -> (Layer, Vec<String>, Option<String>) {
    let path = root.join("pyproject.toml");
    // Bounded: a regular file of at most 2 MB (a FIFO or a link to a
    // device is reported, never read).
    let text = match crate::files::read_text(&path, crate::files::Limit::Settings) {
        Ok(t) => t,
        Err(e) if e.is_not_found() => return Default::default(),
        Err(e) => return (Layer::default(), vec![e.to_string()], None),
    };
    let (layer, problems) = parse_pyproject(root, &text);
    (layer, problems, Some(text))
}

/// `[tool.pyguide]` of the text of `root`'s pyproject.toml.
fn parse_pyproject(root: &Path, text: &str) -> (Layer, Vec<String>) {
    let origin = root.join("pyproject.toml").display().to_string();
    let table: toml::Table = match toml::from_str(text) {
        Ok(t) => t,
        Err(e) => {
            let message = e.message().to_string();
            return (Layer::default(), vec![format!("{origin}: {message}")]);
        }
    };
    let Some(section) = table.get("tool").and_then(|t| t.get("pyguide")) else {
        return Default::default();
    };
    match serde_json::to_value(section) {
        Ok(value) => parse_layer(&value, &format!("{origin} [tool.pyguide]"), Some(root)),
        Err(e) => (
            Layer::default(),
            vec![format!("{origin} [tool.pyguide]: {e}")],
        ),
    }
}

fn boolean(v: &Value) -> Result<bool, String> {
    match v {
        Value::Bool(b) => Ok(*b),
        other => Err(format!("expected true or false, not {}", kind_of(other))),
    }
}

/// A list of code prefixes, each a prefix of some rule's code (upper-cased).
fn codes(v: &Value) -> Result<Vec<String>, String> {
    let mut out = Vec::new();
    for s in strings(v)? {
        let code = s.trim().to_ascii_uppercase();
        if code.is_empty() {
            continue;
        }
        if !RULES.iter().any(|r| r.code.starts_with(&code)) {
            return Err(format!("unknown rule code `{code}`"));
        }
        out.push(code);
    }
    Ok(out)
}

/// A list of strings; a single string is accepted as a one-entry list.
fn strings(v: &Value) -> Result<Vec<String>, String> {
    match v {
        Value::String(s) => Ok(vec![s.clone()]),
        Value::Array(items) => items
            .iter()
            .map(|i| match i {
                Value::String(s) => Ok(s.clone()),
                other => Err(format!(
                    "expected a list of strings, found {}",
                    kind_of(other)
                )),
            })
            .collect(),
        other => Err(format!(
            "expected a list of strings, not {}",
            kind_of(other)
        )),
    }
}

fn resolve(dir: &str, base: Option<&Path>) -> PathBuf {
    let path = PathBuf::from(dir);
    match base {
        Some(b) if path.is_relative() => b.join(path),
        _ => path,
    }
}

fn kind_of(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn parses_every_option_and_reports_problems_by_key() {
        let (layer, problems) = parse_layer(
            &json!({"select": ["pg2", "PG401"], "ignore": "PG205", "hints": true, "guide": ["docs"], "practice": false}),
            "init",
            Some(Path::new("/ws")),
        );
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(layer.select.unwrap(), ["PG2", "PG401"]);
        assert_eq!(layer.ignore.unwrap(), ["PG205"]);
        assert_eq!(layer.hints, Some(true));
        assert_eq!(layer.guide.unwrap(), [PathBuf::from("/ws/docs")]);
        assert_eq!(layer.practice, Some(false));

        let (layer, problems) = parse_layer(
            &json!({"select": ["PG999"], "hints": "yes", "practice": "no", "colour": 1}),
            "init",
            None,
        );
        assert_eq!(layer, Layer::default());
        assert_eq!(problems.len(), 4, "{problems:?}");
        assert!(problems.iter().any(|p| p.contains("`practice`")));
        assert!(
            problems
                .iter()
                .any(|p| p.contains("`select`") && p.contains("PG999"))
        );
        assert!(problems.iter().any(|p| p.contains("`hints`")));
        assert!(
            problems
                .iter()
                .any(|p| p.contains("`colour`: unknown setting"))
        );
    }

    #[test]
    fn later_layers_win_key_by_key() {
        let project = Layer {
            select: Some(vec!["PG2".into()]),
            hints: Some(true),
            ..Layer::default()
        };
        let client = Layer {
            hints: Some(false),
            ..Layer::default()
        };
        let s = Settings::merge(&[&project, &client]);
        assert_eq!(s.select, ["PG2"]);
        assert!(!s.hints);
        assert!(s.constructs().hints);
        assert!(s.practice, "practice is on unless a layer turns it off");
        let off = Layer {
            practice: Some(false),
            ..Layer::default()
        };
        assert!(!Settings::merge(&[&off, &client]).practice);
    }

    #[test]
    fn reads_pyproject_tables() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("pyproject.toml"),
            "[project]\nname='x'\n[tool.pyguide]\nhints = true\nignore = ['PG4']\n",
        )
        .unwrap();
        let (layer, problems) = read_pyproject(dir.path());
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(layer.hints, Some(true));
        assert_eq!(layer.ignore.unwrap(), ["PG4"]);

        std::fs::write(dir.path().join("pyproject.toml"), "[tool.pyguide\n").unwrap();
        let (layer, problems) = read_pyproject(dir.path());
        assert_eq!(layer, Layer::default());
        assert!(problems[0].contains("pyproject.toml"), "{problems:?}");
    }
}
