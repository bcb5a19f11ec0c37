//! What the analysed file runs on and where it sits: the Python, Django
//! and Celery versions of its project and whether it is a migration. Plain
//! data, filled in by the caller (the CLI and the server read the
//! project's files; see `crate::project`); rules ask here before they
//! suggest an API or write syntax that needs a version.
//!
//! An unknown version is taken to be the oldest release pyguide assumes
//! (`OLDEST_*`), and a message that depends on it says so.

use std::fmt;

/// A `major.minor` release.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Version {
    pub major: u16,
    pub minor: u16,
}

impl Version {
    pub const fn new(major: u16, minor: u16) -> Version {
        Version { major, minor }
    }

    /// The first `major.minor` of a version text (`"3.9"`, `"4.2.11"`,
    /// `"5"` → 5.0); `None` when it does not start with a number.
    pub fn parse(text: &str) -> Option<Version> {
        let mut parts = text.trim().split('.');
        let major = parts.next()?.trim().parse().ok()?;
        let minor = match parts.next() {
            None => 0,
            Some(m) => {
                let digits: String = m.chars().take_while(char::is_ascii_digit).collect();
                digits.parse().unwrap_or(0)
            }
        };
        Some(Version { major, minor })
    }
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}", self.major, self.minor)
    }
}

/// Assumed when a project does not say: the oldest releases still in use
/// that pyguide supports (Python 3.10, Django 4.2 LTS, Celery 5.3).
pub const OLDEST_PYTHON: Version = Version::new(3, 10);
pub const OLDEST_DJANGO: Version = Version::new(4, 2);
pub const OLDEST_CELERY: Version = Version::new(5, 3);

/// A library whose version a rule may depend on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lib {
    Python,
    Django,
    Celery,
}

impl Lib {
    fn name(self) -> &'static str {
        match self {
            Lib::Python => "Python",
            Lib::Django => "Django",
            Lib::Celery => "Celery",
        }
    }

    /// The `[tool.pyguide]` key that sets it.
    fn setting(self) -> &'static str {
        match self {
            Lib::Python => "target-version",
            Lib::Django => "django-version",
            Lib::Celery => "celery-version",
        }
    }

    fn oldest(self) -> Version {
        match self {
            Lib::Python => OLDEST_PYTHON,
            Lib::Django => OLDEST_DJANGO,
            Lib::Celery => OLDEST_CELERY,
        }
    }
}

/// The versions a project declares (the lowest it supports); `None` when
/// it does not say.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct Versions {
    pub python: Option<Version>,
    pub django: Option<Version>,
    pub celery: Option<Version>,
}

impl Versions {
    fn declared(&self, lib: Lib) -> Option<Version> {
        match lib {
            Lib::Python => self.python,
            Lib::Django => self.django,
            Lib::Celery => self.celery,
        }
    }

    /// The version rules go by: the declared one, else the oldest assumed.
    pub fn get(&self, lib: Lib) -> Version {
        self.declared(lib).unwrap_or(lib.oldest())
    }

    pub fn at_least(&self, lib: Lib, major: u16, minor: u16) -> bool {
        self.get(lib) >= Version::new(major, minor)
    }

    /// What a message says about the version it relied on: `"Python 3.9"`
    /// when declared, else the assumption and how to change it.
    pub fn describe(&self, lib: Lib) -> String {
        match self.declared(lib) {
            Some(v) => format!("{} {v}", lib.name()),
            None => format!(
                "{} {}, assumed because the project does not say (set `{}` in `[tool.pyguide]`)",
                lib.name(),
                lib.oldest(),
                lib.setting()
            ),
        }
    }
}

/// Everything about a file the rules may take into account besides its
/// text.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct Options {
    pub versions: Versions,
    /// A Django migration (a file in a `migrations` folder): historical
    /// code that runs once, so its findings are hints at most.
    pub migration: bool,
    /// Only these rules run (`None`: every rule): `check` without
    /// `--hints` runs the warnings' checks alone.
    pub rules: Option<super::RuleSet>,
}

impl Options {
    /// The [`super::rules`] check bits to run (all of them without a
    /// [`super::RuleSet`]).
    pub(crate) fn checks(&self) -> u64 {
        self.rules.as_ref().map_or(u64::MAX, |r| r.checks)
    }

    /// Whether findings of rule `code` are kept.
    pub(crate) fn reports(&self, code: &str) -> bool {
        self.rules.as_ref().is_none_or(|r| r.contains(code))
    }

    /// The options of the file at `path` (any separator) in a project that
    /// declares `versions`.
    pub fn for_path(path: &str, versions: Versions) -> Options {
        Options {
            versions,
            migration: is_migration(path),
            rules: None,
        }
    }
}

/// A module inside a `migrations` package (other than its `__init__.py`).
pub fn is_migration(path: &str) -> bool {
    let parts: Vec<&str> = path.split(['/', '\\']).collect();
    let Some((file, dirs)) = parts.split_last() else {
        return false;
    };
    dirs.last() == Some(&"migrations") && *file != "__init__.py" && file.ends_with(".py")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_parse_and_compare() {
        assert_eq!(Version::parse("3.9"), Some(Version::new(3, 9)));
        assert_eq!(Version::parse("4.2.11"), Some(Version::new(4, 2)));
        assert_eq!(Version::parse("5"), Some(Version::new(5, 0)));
        assert_eq!(Version::parse("3.12rc1"), Some(Version::new(3, 12)));
        assert_eq!(Version::parse("x"), None);
        assert!(Version::new(3, 10) > Version::new(3, 9));
        let v = Versions {
            python: Some(Version::new(3, 9)),
            ..Versions::default()
        };
        assert!(!v.at_least(Lib::Python, 3, 10));
        assert!(v.at_least(Lib::Django, 4, 1), "unknown: the oldest assumed");
        assert_eq!(v.describe(Lib::Python), "Python 3.9");
        assert!(v.describe(Lib::Django).contains("assumed"));
    }

    #[test]
    fn migrations_by_path() {
        assert!(is_migration("app/migrations/0001_initial.py"));
        assert!(is_migration(r"app\migrations\0002_data.py"));
        assert!(!is_migration("app/migrations/__init__.py"));
        assert!(!is_migration("app/migrations.py"));
        assert!(!is_migration("app/views.py"));
    }
}
