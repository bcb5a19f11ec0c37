//! Analysis with a rule selection (`Options::rules`, what `check` passes)
//! runs only the checks that may report a selected rule. That must never
//! cost a finding: for every rule, analysing with that rule alone reports
//! exactly the findings of a full analysis for that rule, on every
//! fixture, example and editor test file; and the warnings-only selection
//! (`check` without `--hints`) reports exactly the full analysis's
//! warnings.

use pyguide::detect::{
    Finding, ModelIndex, Options, RULES, RuleSet, Selection, Severity, analyze_file,
};
use pyguide::python::Document;

mod support;

/// Each input's path, parsed text and options (a migration stays one).
fn inputs() -> Vec<(String, Document, Options)> {
    support::python_inputs()
        .into_iter()
        .map(|(p, text)| {
            let path = p.to_string_lossy().into_owned();
            let options = Options::for_path(&path, Default::default());
            (path, Document::parse(text), options)
        })
        .collect()
}

/// (code, start, end, message) of each finding: what `check` prints.
fn key(findings: &[Finding]) -> Vec<(&'static str, usize, usize, String)> {
    findings
        .iter()
        .map(|f| (f.rule.code, f.range.start, f.range.end, f.message.clone()))
        .collect()
}

#[test]
fn a_selection_reports_exactly_its_rules_findings() {
    let inputs = inputs();
    let models = ModelIndex::default();
    let full: Vec<Vec<Finding>> = inputs
        .iter()
        .map(|(_, doc, options)| analyze_file(doc, &models, options))
        .collect();
    let mut covered = 0;
    for rule in RULES.iter() {
        let set = RuleSet::new([*rule]);
        let mut seen = false;
        for ((path, doc, options), all) in inputs.iter().zip(&full) {
            let expected: Vec<Finding> = all
                .iter()
                .filter(|f| f.rule.code == rule.code)
                .cloned()
                .collect();
            seen |= !expected.is_empty();
            let options = Options {
                rules: Some(set.clone()),
                ..options.clone()
            };
            let got = analyze_file(doc, &models, &options);
            assert_eq!(
                key(&got),
                key(&expected),
                "{path}: {} alone reports other findings than the full analysis",
                rule.code
            );
        }
        covered += usize::from(seen);
    }
    eprintln!(
        "rules with findings in the inputs: {covered} of {}",
        RULES.len()
    );
}

#[test]
fn the_warnings_selection_reports_every_warning() {
    let rules = RuleSet::for_selection(&Selection::default());
    let models = ModelIndex::default();
    let mut warnings = 0;
    for (path, doc, options) in inputs() {
        let expected: Vec<Finding> = analyze_file(&doc, &models, &options)
            .into_iter()
            .filter(|f| f.rule.severity >= Severity::Warning)
            .collect();
        warnings += expected.len();
        let selected = Options {
            rules: Some(rules.clone()),
            ..options
        };
        let got: Vec<Finding> = analyze_file(&doc, &models, &selected)
            .into_iter()
            .filter(|f| f.rule.severity >= Severity::Warning)
            .collect();
        assert_eq!(key(&got), key(&expected), "{path}");
    }
    assert!(warnings >= 20, "only {warnings} warnings in the inputs");
}
