//! A big file analysed in parts (`detect::PartsAnalyzer`) gets the same
//! findings as one tree of the whole file: on realistic files (the
//! fixtures repeated with unique names), on every fixture concatenated,
//! and after edits (cached parts reused). Parts are made small here (a few
//! KB) so many boundaries are crossed at little cost; the code path is
//! the one `check` and the server take above `CHUNKED_ABOVE`.

mod support;

use pyguide::detect::{self, Finding, ModelIndex, Options, PartsAnalyzer, Versions, analyze_file};
use pyguide::python::Document;

/// One finding as a comparable line: code, range, message, fix.
fn line(f: &Finding) -> String {
    format!(
        "{} {:?} {} {:?}",
        f.rule.code,
        f.range,
        f.message,
        f.fix
            .as_ref()
            .map(|x| (&x.message, &x.edits, x.applicability))
    )
}

fn whole(text: &str, options: &Options) -> Vec<Finding> {
    analyze_file(&Document::parse(text), &ModelIndex::default(), options)
}

/// The findings of `text` in parts of `part_bytes` equal the whole file's.
fn assert_same(text: &str, part_bytes: usize, options: &Options) {
    let expected = whole(text, options);
    let got = PartsAnalyzer::with_part_bytes(options.clone(), part_bytes)
        .analyze(text, &ModelIndex::default());
    compare(&expected, &got, &format!("parts of {part_bytes} bytes"));
}

fn compare(expected: &[Finding], got: &[Finding], what: &str) {
    if expected == got {
        return;
    }
    let e: Vec<String> = expected.iter().map(line).collect();
    let g: Vec<String> = got.iter().map(line).collect();
    // The first 20 lines of `these` that `other` lacks, and how many there are.
    let lacking = |these: &[String], other: &[String]| {
        let lines: Vec<&str> = these
            .iter()
            .filter(|l| !other.contains(l))
            .map(String::as_str)
            .collect();
        (lines.len(), lines[..lines.len().min(20)].join("\n"))
    };
    let (missing, missing_lines) = lacking(&e, &g);
    let (extra, extra_lines) = lacking(&g, &e);
    panic!(
        "{what}: {} findings whole, {} in parts\nmissing in parts ({missing}):\n{missing_lines}\nextra in parts ({extra}):\n{extra_lines}",
        e.len(),
        g.len(),
    );
}

#[test]
fn every_fixture_concatenated_gives_the_same_findings_in_parts() {
    let text = support::fixtures();
    assert!(detect::split(&text, 1024).len() > 5);
    for part_bytes in [256, 1024, 4096] {
        assert_same(&text, part_bytes, &Options::default());
    }
}

#[test]
fn a_realistic_big_file_gives_the_same_findings_in_parts() {
    let text = support::realistic(300_000);
    let parts = detect::split(&text, 16 << 10);
    assert!(parts.len() > 10, "{} parts", parts.len());
    let expected = whole(&text, &Options::default());
    assert!(expected.len() > 1000, "{} findings", expected.len());
    for part_bytes in [4 << 10, 16 << 10] {
        assert_same(&text, part_bytes, &Options::default());
    }
    // A migration (every finding a hint) and a project with versions.
    let migration = Options::for_path("app/migrations/0001_initial.py", Versions::default());
    assert_same(&text, 16 << 10, &migration);
}

/// The parts cover the text, start lines, and end before a top-level
/// statement line.
#[test]
fn parts_cover_the_text_at_statement_lines() {
    let text = support::realistic(100_000);
    let parts = detect::split(&text, 4096);
    assert_eq!(parts.first().unwrap().range.start, 0);
    assert_eq!(parts.last().unwrap().range.end, text.len());
    for pair in parts.windows(2) {
        assert_eq!(pair[0].range.end, pair[1].range.start);
        let next = &text[pair[1].range.start..];
        assert!(
            ["def ", "async def ", "class ", "@", "import ", "from "]
                .iter()
                .any(|p| next.starts_with(p)),
            "{:?}",
            &next[..20]
        );
        assert!(text[..pair[1].range.start].ends_with('\n'));
        let row = text[..pair[1].range.start].matches('\n').count();
        assert_eq!(pair[1].row, row);
    }
}

/// Splits that fall inside a triple-quoted string or brackets are merged
/// away, and the findings stay the whole file's.
#[test]
fn splits_inside_strings_and_brackets_are_merged() {
    let mut text = String::new();
    for i in 0..40 {
        text.push_str(&format!(
            "DOC{i} = \"\"\"\ndef not_code{i}():\n    x == None\n@decorator\n\"\"\"\n\nx{i} = (1\n@ 2)\n\ndef f{i}(a=[]):\n    return a == None\n\n"
        ));
    }
    assert_same(&text, 64, &Options::default());
}

/// After edits, the analyzer (reusing cached parts) still gives the whole
/// file's findings, including when an edit changes file-wide facts.
#[test]
fn edits_give_the_same_findings_as_a_whole_analysis() {
    let mut text = support::realistic(120_000);
    let options = Options::default();
    let mut analyzer = PartsAnalyzer::with_part_bytes(options.clone(), 8 << 10);
    let models = ModelIndex::default();
    compare(
        &whole(&text, &options),
        &analyzer.analyze(&text, &models),
        "first",
    );
    let middle = text.len() / 2;
    let edits: Vec<(usize, &str, &str)> = vec![
        (middle, "== None", "is None"),
        (0, "import ", "import logging\nimport "),
        (middle, "def ", "def x(a={}):\n    pass\n\ndef "),
        (0, "import logging\n", ""),
        (
            text.len() / 3,
            "class ",
            "from django.db import models as m\nclass ",
        ),
    ];
    for (from, anchor, replacement) in edits {
        let at = from + text[from..].find(anchor).expect("anchor");
        text.replace_range(at..at + anchor.len(), replacement);
        compare(
            &whole(&text, &options),
            &analyzer.analyze(&text, &models),
            &format!("after replacing {anchor:?} with {replacement:?}"),
        );
    }
}

/// Every key a rule passes to `Ctx::module_fact` is one a file read in
/// parts computes on every part (else a rule would see one part's).
#[test]
fn every_module_fact_is_computed_on_every_part() {
    fn sources(dir: &std::path::Path, out: &mut Vec<String>) {
        for e in std::fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                sources(&p, out);
            } else if p.extension().is_some_and(|x| x == "rs") {
                out.push(std::fs::read_to_string(p).unwrap());
            }
        }
    }
    let mut texts = Vec::new();
    sources(
        std::path::Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/src/detect")),
        &mut texts,
    );
    let registry = texts
        .iter()
        .find(|t| t.contains("pub(crate) const MODULE_FACTS"))
        .expect("the registry");
    let registry = &registry[registry.find("pub(crate) const MODULE_FACTS").unwrap()..];
    let registry = &registry[..registry.find("];").unwrap()];
    let mut keys = 0;
    for text in &texts {
        for (at, _) in text.match_indices("module_fact(") {
            let rest = text[at + "module_fact(".len()..].trim_start();
            let Some(rest) = rest.strip_prefix('"') else {
                continue;
            };
            let key = &rest[..rest.find('"').unwrap()];
            keys += 1;
            assert!(
                registry.contains(&format!("\"{key}\"")),
                "module fact {key:?} is not in rules::MODULE_FACTS"
            );
        }
    }
    assert!(keys >= 7, "{keys} module facts found");
}

/// Settings checked against each other (`ALLOWED_HOSTS` against `DEBUG`,
/// `MIDDLEWARE` against `CSRF_USE_SESSIONS`) are read file-wide, wherever
/// the parts split them.
#[test]
fn settings_in_different_parts_are_read_together() {
    let mut text = String::from(
        "\"\"\"Settings.\"\"\"\nimport os\n\nDEBUG = True\nCSRF_USE_SESSIONS = True\nROOT_URLCONF = 'x.urls'\n\n",
    );
    for i in 0..30 {
        text.push_str(&format!("def f{i}(a=[]):\n    return a == None\n\n"));
    }
    text.push_str(
        "ALLOWED_HOSTS = ['*']\nMIDDLEWARE = [\n    'django.middleware.csrf.CsrfViewMiddleware',\n    'django.contrib.sessions.middleware.SessionMiddleware',\n]\nSECRET_KEY = 'not-secret'\n",
    );
    for part_bytes in [128, 512] {
        assert_same(&text, part_bytes, &Options::default());
    }
}
