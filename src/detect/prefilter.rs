//! The literal pre-filter: which files the selected rules can't fire on,
//! decided from the file's bytes alone, before parsing.
//!
//! Every rule declares the literals without which it cannot fire (as
//! semgrep does): a keyword of the construct it reads (`yield`, `async`,
//! `nonlocal`), the name it resolves (the last segment of each qualified
//! name in the name tables: `gather` for `asyncio.gather`, whatever the
//! import's alias), the setting it reads (`ALLOWED_HOSTS`). One
//! Aho-Corasick automaton over the literals of the selected rules answers
//! whether any of them occurs; a file where none does has no finding of
//! those rules, so `check` does not parse it for the detectors.
//! `tests/prefilter.rs` holds every rule to its literals on every fixture.

use aho_corasick::AhoCorasick;

use super::rules::literals;
use super::{RULES, Rule, Selection};

/// Whether a file may hold findings of a set of rules.
#[derive(Debug, Clone)]
pub struct Prefilter {
    /// `None` when every file may (a selected rule declares no literal).
    matcher: Option<AhoCorasick>,
    /// No rule is selected: no file needs the detectors.
    none: bool,
}

impl Prefilter {
    /// The pre-filter for `rules`.
    pub fn new<'r>(rules: impl IntoIterator<Item = &'r Rule>) -> Prefilter {
        let mut patterns: Vec<&'static str> = Vec::new();
        let mut count = 0;
        for rule in rules {
            count += 1;
            let declared = literals(rule.code);
            if declared.is_empty() {
                return Prefilter {
                    matcher: None,
                    none: false,
                };
            }
            patterns.extend(declared);
        }
        patterns.sort_unstable();
        patterns.dedup();
        Prefilter {
            // A literal set that does not build (it always does for these
            // short ASCII words) only costs the skipping, never a finding.
            matcher: AhoCorasick::new(&patterns).ok(),
            none: count == 0,
        }
    }

    /// The pre-filter for the rules `selection` reports.
    pub fn for_selection(selection: &Selection) -> Prefilter {
        Prefilter::new(RULES.iter().copied().filter(|r| selection.allows(r)))
    }

    /// False only when no selected rule can fire on `text`.
    pub fn may_fire(&self, text: &str) -> bool {
        if self.none {
            return false;
        }
        self.matcher.as_ref().is_none_or(|m| m.is_match(text))
    }
}

/// The literals `code` declares (empty for an unknown code).
pub fn declared_literals(code: &str) -> Vec<&'static str> {
    literals(code)
}
