//! Skimmed parsing (`detect::skim`) never costs a finding: on every
//! fixture, example and editor test file, each finding of a rule with a
//! unit guard starts in a unit whose text passes the guard (a function a
//! skimmed parse may leave the body of, or the code outside them); the
//! skimmed analysis, wherever it applies (a quiet file's included),
//! reports exactly what the whole one does; and the model index read from
//! a tree skimmed for it is the whole tree's.

use std::sync::Arc;

use pyguide::detect::{
    ModelIndex, Options, Prefilter, RULES, RuleSet, Selection, Severity, analyze_file,
    relation_words, scan_classes, skim,
};
use pyguide::python::Document;

mod support;

#[test]
fn every_finding_starts_where_its_rules_guard_passes() {
    let mut held = 0;
    for (path, text) in support::python_inputs() {
        let options = Options::for_path(&path.to_string_lossy(), Default::default());
        let doc = Document::parse(text.as_str());
        let relations = ModelIndex::from_document(&doc).relation_names();
        for f in analyze_file(&doc, &ModelIndex::default(), &options) {
            if let Some(passes) = skim::guard_at(&text, f.code(), f.range.start, &relations) {
                assert!(
                    passes,
                    "{}: {} at byte {} is in a unit its guard fails on",
                    path.display(),
                    f.code(),
                    f.range.start
                );
                held += 1;
            }
        }
    }
    // 59 on the inputs of today: a guard table emptied by mistake fails here.
    assert!(held >= 50, "only {held} findings were held to a guard");
}

#[test]
fn a_skimmed_analysis_reports_what_the_whole_one_does() {
    let warnings = Prefilter::for_selection(&Selection::default());
    let mut skimmed = 0;
    for (path, text) in support::python_inputs() {
        let shared: Arc<str> = Arc::from(text.as_str());
        let keep = match scan_classes(&text).has_root() {
            true => skim::Keep::Models,
            false => skim::Keep::Rules,
        };
        let doc = Document::parse(text.as_str());
        let models = ModelIndex::from_document(&doc);
        let relations = models.relation_names();
        // The default warnings, narrowed to the file's literals as `check`
        // runs them, and each warning alone.
        let mut selections = vec![warnings.rules_for(&text)];
        for rule in RULES.iter().filter(|r| r.severity == Severity::Warning) {
            selections.push(Prefilter::new([*rule]).rules_for(&text));
        }
        for rules in selections {
            let options = Options {
                rules: Some(rules),
                ..Options::for_path(&path.to_string_lossy(), Default::default())
            };
            let Some(got) = skim::analyze(&shared, keep, &models, &relations, &options) else {
                continue;
            };
            skimmed += 1;
            let whole = analyze_file(&doc, &models, &options);
            assert_eq!(got, whole, "{}: {:?}", path.display(), options.rules);
        }
    }
    assert!(skimmed >= 20, "only {skimmed} analyses were skimmed");
}

#[test]
fn a_tree_skimmed_for_the_model_index_gives_the_whole_ones() {
    // Each model-index reading of a method, in a class's last method too
    // (where the class's text ends early when its body is left out).
    let table = [
        "class PostQuerySet(models.QuerySet):\n    def live(self):\n        return self.filter(live=True)\n\n    def helper(self):\n        return 1\n\n    def get_queryset(self):\n        return super().get_queryset().select_related(\"author\")\n",
        "class Post(models.Model):\n    author = models.ForeignKey(User, on_delete=models.CASCADE)\n\n    def save(self, *a):\n        self.cached = 1\n        return super().save(*a)\n\n    @property\n    def writer(self):\n        return self.author\n",
        "class Manager(models.Manager):\n    def other(self):\n        return 2\n\n    def get_queryset(self):\n        return (\n            PostQuerySet(self.model, using=self._db)\n        )\n",
        "class Post(models.Model):\n    tags = models.ManyToManyField(Tag)\n\n    def n(self):\n        return 1\n\n    def last(self):\n        x = 1\n        return Post.objects.prefetch_related(\"tags\")\n",
    ];
    let inputs = table
        .iter()
        .map(|t| {
            // A method the index does not read, so something is left out.
            let plain = "\n    def plain(self):\n        return 1\n";
            let (head, rest) = t.split_once('\n').unwrap_or((t, ""));
            let text = format!("from django.db import models\n\n{head}{plain}\n{rest}");
            (std::path::PathBuf::from("table.py"), text)
        })
        .chain(support::python_inputs());
    let (mut skimmed, mut models) = (0, 0);
    for (path, text) in inputs {
        let shared: Arc<str> = Arc::from(text.as_str());
        let no_rules = RuleSet::new([]);
        let Some(tree) = skim::parse(&shared, &no_rules, None, skim::Keep::Models).tree else {
            continue;
        };
        skimmed += 1;
        let whole = ModelIndex::from_document(&Document::parse(text.as_str()));
        models += usize::from(!whole.is_empty());
        assert_eq!(
            ModelIndex::from_document(tree.doc()).fingerprint(),
            whole.fingerprint(),
            "{}: {text}",
            path.display()
        );
    }
    assert!(
        skimmed >= 20 && models >= 4,
        "{skimmed} skimmed, {models} with models"
    );
}

/// A finding outside the functions a skimmed parse may leave the body of
/// (module-level code, class bodies, functions nested in a block or on
/// one line) keeps the file from being quiet: the skimmed analysis
/// reports it as the whole one does.
#[test]
fn a_finding_outside_the_functions_is_found() {
    let table = [
        ("PG101", "def f(a=[]): return a\n"),
        ("PG101", "if X:\n    def f(a={}):\n        return a\n"),
        ("PG101", "handlers = [lambda a=[]: a]\n"),
        (
            "PG105",
            "try:\n    import x\nexcept ImportError:\n    def deco(fn):\n        def wrapper(*a):\n            return fn(*a)\n        return wrapper\n",
        ),
        (
            "PG108",
            "for i in range(3):\n    def cb():\n        return i\n    handlers.append(cb)\n",
        ),
        (
            "PG111",
            "class A:\n    xs = [1]\n    ys = [x for x in range(3) if x in xs]\n",
        ),
        ("PG401", "if x is 1:\n    pass\n"),
        ("PG402", "if x == None:\n    pass\n"),
    ];
    let warnings = Prefilter::for_selection(&Selection::default());
    for (code, snippet) in table {
        // A function whose body is left out, after the code.
        let text = format!("{snippet}\n\ndef g(items):\n    total = 0\n    return total\n");
        let shared: Arc<str> = Arc::from(text.as_str());
        let doc = Document::parse(text.as_str());
        let models = ModelIndex::default();
        let relations = models.relation_names();
        let options = Options {
            rules: Some(warnings.rules_for(&text)),
            ..Options::for_path("module.py", Default::default())
        };
        let whole = analyze_file(&doc, &models, &options);
        let found = whole.iter().find(|f| f.code() == code);
        let found = found.unwrap_or_else(|| panic!("{code} not found in {text:?}: {whole:?}"));
        let at = found.range.start;
        assert_eq!(
            skim::guard_at(&text, code, at, &relations),
            Some(true),
            "{text:?}"
        );
        let got = skim::analyze(&shared, skim::Keep::Rules, &models, &relations, &options);
        assert_eq!(got.unwrap_or(whole.clone()), whole, "{text:?}");
    }
}

/// The names `check`'s model pass gives PG601's guard before the model
/// index exists (`relation_words`, read from bytes) hold every relation
/// name the index then reads, on every input and on awkward models.
#[test]
fn relation_words_hold_every_relation_the_index_reads() {
    let table = [
        "class Post(models.Model):\n    author = models.ForeignKey(User, on_delete=models.CASCADE, related_name='posts')\n    tags: models.ManyToManyField = models.ManyToManyField(Tag)\n",
        "class Profile(models.Model):\n    user = models.OneToOneField(User, models.CASCADE)\n\n    @functools.cached_property\n    @other\n    def owner(self):\n        return self.user\n",
        "if X:\n    class Entry(Base): blog = models.ForeignKey(Blog, on_delete=models.CASCADE, related_name=r\"entries\")\n",
    ];
    let inputs = table
        .iter()
        .map(|t| {
            let text = format!("from django.db import models\n\n{t}");
            (std::path::PathBuf::from("table.py"), text)
        })
        .chain(support::python_inputs());
    let mut held = 0;
    for (path, text) in inputs {
        let index = ModelIndex::from_document(&Document::parse(text.as_str()));
        let words: std::collections::HashSet<String> = relation_words(&text).into_iter().collect();
        for name in index.relation_names() {
            assert!(
                words.contains(&name),
                "{}: relation `{name}` is not among {words:?}",
                path.display()
            );
            held += 1;
        }
    }
    assert!(held >= 20, "only {held} relation names were held");
}
