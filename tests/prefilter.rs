//! The literal pre-filter (`detect::Prefilter`) never costs a finding:
//! every rule declares literals, and on every fixture, example and real
//! file here each finding's rule has one of its literals in the file, so
//! `check` with the pre-filter reports exactly what it reports without.
//! (`tests/detect.rs` holds every table row to the same.)

use pyguide::detect::{
    ModelIndex, Options, Prefilter, RULES, Selection, analyze_file, declared_literals,
};
use pyguide::python::Document;

mod support;

#[test]
fn every_rule_declares_literals() {
    for rule in RULES.iter() {
        let literals = declared_literals(rule.code);
        assert!(!literals.is_empty(), "{} declares no literal", rule.code);
        assert!(
            literals.iter().all(|l| !l.is_empty()),
            "{} declares an empty literal",
            rule.code
        );
    }
}

#[test]
fn every_finding_has_one_of_its_rules_literals() {
    for (path, text) in support::python_inputs() {
        let options = Options::for_path(&path.to_string_lossy(), Default::default());
        let doc = Document::parse(text.as_str());
        for f in analyze_file(&doc, &ModelIndex::default(), &options) {
            assert!(
                Prefilter::new([f.rule]).may_fire(&text),
                "{}: {} fired without any of its literals {:?}",
                path.display(),
                f.code(),
                declared_literals(f.code())
            );
        }
    }
}

/// What `check` does with the pre-filter (skip a file no selected rule can
/// fire on, run only the checks of the rules whose literals the file
/// holds) equals what it does without, for the default selection,
/// `--hints`, and a selection of each code prefix.
#[test]
fn findings_with_the_prefilter_equal_those_without() {
    let mut selections = vec![
        Selection::default(),
        Selection {
            hints: true,
            ..Selection::default()
        },
    ];
    for area in ["PG1", "PG2", "PG4", "PG5", "PG6", "PG7", "PG8"] {
        selections.push(Selection {
            select: vec![area.to_string()],
            hints: true,
            ..Selection::default()
        });
    }
    let inputs = support::python_inputs();
    for selection in &selections {
        let prefilter = Prefilter::for_selection(selection);
        for (path, text) in &inputs {
            let options = Options::for_path(&path.to_string_lossy(), Default::default());
            let doc = Document::parse(text.as_str());
            let without: Vec<_> = analyze_file(&doc, &ModelIndex::default(), &options)
                .into_iter()
                .filter(|f| selection.allows(f.rule))
                .collect();
            let with: Vec<_> = if prefilter.may_fire(text) {
                let narrowed = Options {
                    rules: Some(prefilter.rules_for(text)),
                    ..options.clone()
                };
                analyze_file(&doc, &ModelIndex::default(), &narrowed)
                    .into_iter()
                    .filter(|f| selection.allows(f.rule))
                    .collect()
            } else {
                Vec::new()
            };
            assert_eq!(with, without, "{} with {selection:?}", path.display());
        }
    }
}

/// The pre-filter does skip: a file with none of the default warnings'
/// literals, and anything when nothing is selected.
#[test]
fn files_without_literals_are_skipped() {
    let defaults = Prefilter::for_selection(&Selection::default());
    let plain = "X = 1\nY = [X, 2]\n";
    assert!(!defaults.may_fire(plain));
    assert!(defaults.may_fire("def f(x=[]):\n    return x\n"));
    assert!(defaults.may_fire("if x == None:\n    pass\n"));
    let nothing = Selection {
        select: vec!["PG999".to_string()],
        ..Selection::default()
    };
    assert!(!Prefilter::for_selection(&nothing).may_fire("def f(x=[]): pass\n"));
    // A selected rule's own literal lets the file through.
    let only_nonlocal = Selection {
        select: vec!["PG109".to_string()],
        hints: true,
        ..Selection::default()
    };
    let prefilter = Prefilter::for_selection(&only_nonlocal);
    assert!(!prefilter.may_fire("def f(x=[]): pass\n"));
    assert!(prefilter.may_fire("def f():\n    nonlocal x\n"));
}

/// `rules_for` keeps a selected rule exactly when one of its literals is
/// in the text.
#[test]
fn rules_for_narrows_to_the_rules_whose_literals_occur() {
    let all = Selection {
        hints: true,
        ..Selection::default()
    };
    let prefilter = Prefilter::for_selection(&all);
    let text = "async def f():\n    nonlocal x\n";
    let narrowed = prefilter.rules_for(text);
    for rule in RULES.iter() {
        let occurs = declared_literals(rule.code)
            .iter()
            .any(|l| text.contains(l));
        assert_eq!(narrowed.contains(rule.code), occurs, "{}", rule.code);
    }
    assert!(narrowed.contains("PG109") && narrowed.contains("PG206"));
    assert!(!narrowed.contains("PG601"));
}
