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
//! those rules, so `check` does not parse it for the detectors. On a file
//! that passes, [`Prefilter::rules_for`] narrows the selection to the rules
//! whose literals occur, so the analysis runs only their checks.
//! `tests/prefilter.rs` holds every rule to its literals on every fixture.

use aho_corasick::AhoCorasick;

use super::rules::literals;
use super::{RULES, Rule, RuleSet, Selection};

/// Whether a file may hold findings of a set of rules, and of which.
#[derive(Debug, Clone)]
pub struct Prefilter {
    /// `None` when every file may (a selected rule declares no literal).
    matcher: Option<AhoCorasick>,
    /// The selected rules (none: no file needs the detectors).
    rules: Vec<&'static Rule>,
    /// For each of the matcher's patterns, the rules (indexes into
    /// `rules`) that declare it.
    declared_by: Vec<Vec<usize>>,
}

impl Prefilter {
    /// The pre-filter for `rules`.
    pub fn new(rules: impl IntoIterator<Item = &'static Rule>) -> Prefilter {
        let rules: Vec<&'static Rule> = rules.into_iter().collect();
        let declared: Vec<Vec<&'static str>> = rules.iter().map(|r| literals(r.code)).collect();
        let mut patterns: Vec<&'static str> = Vec::new();
        for declared in &declared {
            if declared.is_empty() {
                return Prefilter {
                    matcher: None,
                    rules,
                    declared_by: Vec::new(),
                };
            }
            patterns.extend(declared.iter().copied());
        }
        patterns.sort_unstable();
        patterns.dedup();
        let declared_by = patterns
            .iter()
            .map(|p| {
                (0..rules.len())
                    .filter(|&i| declared[i].contains(p))
                    .collect()
            })
            .collect();
        Prefilter {
            // A literal set that does not build (it always does for these
            // short ASCII words) only costs the skipping, never a finding.
            // A DFA: one table step per byte. `rules_for` reads every byte
            // of every file that passes (overlapping, to see every
            // pattern); with the hints' few hundred literals the default
            // contiguous NFA was 4 % of `check --hints`' CPU, and the DFA
            // took `check --hints` on Django from 432 to 421 ms.
            matcher: AhoCorasick::builder()
                .kind(Some(aho_corasick::AhoCorasickKind::DFA))
                .build(&patterns)
                .ok(),
            rules,
            declared_by,
        }
    }

    /// The pre-filter for the rules `selection` reports.
    pub fn for_selection(selection: &Selection) -> Prefilter {
        Prefilter::new(RULES.iter().copied().filter(|r| selection.allows(r)))
    }

    /// False only when no selected rule can fire on `text`.
    pub fn may_fire(&self, text: &str) -> bool {
        if self.rules.is_empty() {
            return false;
        }
        self.matcher.as_ref().is_none_or(|m| m.is_match(text))
    }

    /// The selected rules that may fire on `text`: those with one of their
    /// literals in it (all of them when a rule declares none, or the
    /// matcher did not build).
    pub fn rules_for(&self, text: &str) -> RuleSet {
        let Some(matcher) = &self.matcher else {
            return RuleSet::new(self.rules.iter().copied());
        };
        let mut seen = vec![false; self.declared_by.len()];
        let mut left = seen.len();
        for m in matcher.find_overlapping_iter(text) {
            let p = m.pattern().as_usize();
            if !seen[p] {
                seen[p] = true;
                left -= 1;
                if left == 0 {
                    break;
                }
            }
        }
        let mut possible = vec![false; self.rules.len()];
        for (p, by) in self.declared_by.iter().enumerate() {
            if seen[p] {
                for &r in by {
                    possible[r] = true;
                }
            }
        }
        RuleSet::new(
            self.rules
                .iter()
                .zip(possible)
                .filter(|(_, p)| *p)
                .map(|(r, _)| *r),
        )
    }
}

/// The literals `code` declares (empty for an unknown code).
pub fn declared_literals(code: &str) -> Vec<&'static str> {
    literals(code)
}
