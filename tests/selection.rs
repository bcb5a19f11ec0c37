//! Analysis with a rule selection (`Options::rules`, what `check` passes)
//! runs only the checks that may report a selected rule. That must never
//! cost a finding: for every rule, analysing with that rule alone reports
//! exactly the findings of a full analysis for that rule, on every
//! fixture, example and editor test file; and the warnings-only selection
//! (`check` without `--hints`) reports exactly the full analysis's
//! warnings.

use std::path::{Path, PathBuf};

use pyguide::detect::{
    Finding, ModelIndex, Options, RULES, RuleSet, Selection, Severity, analyze_file,
};
use pyguide::python::Document;

fn python_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            python_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "py") {
            out.push(path);
        }
    }
}

/// Each input's path, parsed text and options (a migration stays one).
fn inputs() -> Vec<(String, Document, Options)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    for dir in ["tests/fixtures", "examples", "editors/testdata"] {
        python_files(&root.join(dir), &mut files);
    }
    files.sort();
    assert!(
        files.len() >= 10,
        "fixtures not found under {}",
        root.display()
    );
    files
        .into_iter()
        .map(|p| {
            let text = std::fs::read_to_string(&p).expect("fixture is UTF-8");
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
