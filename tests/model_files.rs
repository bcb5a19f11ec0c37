//! `check` parses for the model index only the files `detect::model_files`
//! says it needs. That choice never costs a finding: with the index of
//! the needed files, every file's findings equal those with the index of
//! every file, on the fixtures and examples taken as one project and on
//! small projects whose models reach across files.

use pyguide::detect::{
    FileClasses, ModelIndex, Options, analyze_file, index_source, model_files_needed, scan_classes,
};
use pyguide::python::Document;

mod support;

/// The findings of every file of `files` (path, text), as `code path:line`,
/// with the index of the files `keep` says to index.
fn findings(files: &[(String, String)], keep: &[bool]) -> Vec<String> {
    let mut index = ModelIndex::default();
    index.extend(
        files
            .iter()
            .zip(keep)
            .filter(|(_, k)| **k)
            .map(|((path, text), _)| (path.clone(), index_source(text).0)),
    );
    let mut out = Vec::new();
    for (path, text) in files {
        let doc = Document::parse(text.as_str());
        let options = Options::for_path(path, Default::default());
        for f in analyze_file(&doc, &index, &options) {
            let line = text[..f.range.start].matches('\n').count() + 1;
            out.push(format!("{} {path}:{line} {}", f.code(), f.message));
        }
    }
    out
}

/// Findings with the needed files indexed equal those with all indexed;
/// returns them.
fn check(files: &[(String, String)]) -> Vec<String> {
    let classes: Vec<FileClasses> = files.iter().map(|(_, t)| scan_classes(t)).collect();
    let needed = model_files_needed(&classes);
    let all = vec![true; files.len()];
    let want = findings(files, &all);
    let got = findings(files, &needed);
    assert_eq!(got, want, "needed: {needed:?}");
    want
}

fn project(files: &[(&str, &str)]) -> Vec<(String, String)> {
    files
        .iter()
        .map(|(p, t)| (p.to_string(), t.to_string()))
        .collect()
}

#[test]
fn fixtures_and_examples_as_one_project() {
    let files: Vec<(String, String)> = support::python_inputs()
        .into_iter()
        .map(|(p, t)| (p.display().to_string(), t))
        .collect();
    let found = check(&files);
    assert!(found.iter().any(|f| f.starts_with("PG601")), "{found:#?}");
}

const VIEW: &str = "\
from shop.models import Order, SpecialOrder, Tag

def report():
    for o in Order.objects.filter(paid=True):
        print(o.customer.name)
    for s in SpecialOrder.objects.all():
        print(s.customer.name, s.region.name)
    for t in Tag.tagged.all():
        print(t.owner.name)
";

#[test]
fn models_reached_across_files() {
    let files = project(&[
        (
            "shop/abstract_models.py",
            "from django.db import models\n\n\
             class AbstractOrder(TimeStamped):\n    \"\"\"An order.\n\nclass Fake: in a docstring\n\"\"\"\n    customer = models.ForeignKey('Customer', on_delete=models.CASCADE)\n\n    class Meta:\n        abstract = True\n",
        ),
        (
            "shop/models.py",
            "from .abstract_models import *\nfrom .mixins import Regional\n\n\
             class Order(AbstractOrder):\n    pass\n\n\
             class SpecialOrder(Regional, Order):\n    pass\n\n\
             class Customer(Base):\n    name = CharField(max_length=9)\n",
        ),
        (
            "shop/mixins.py",
            "from django.db.models import ForeignKey as FK, CASCADE\n\n\
             class Regional(Base):\n    region = FK('Region', on_delete=CASCADE)\n\n\
             class Region(Base):\n    name = Text()\n",
        ),
        (
            "shop/base.py",
            "class TimeStamped(object):\n    def touch(self):\n        pass\n",
        ),
        (
            "shop/tags.py",
            "from django.db.models import Model as DjangoModel, Manager as M\n\n\
             class TagManager(M):\n    pass\n\n\
             class Tag(DjangoModel):\n    tagged = TagManager()\n    owner = models.ForeignKey('Customer', on_delete=models.CASCADE)\n",
        ),
        (
            "shop/forms.py",
            "class OrderForm(ModelForm):\n    class Meta:\n        fields = ['note']\n",
        ),
        ("shop/views.py", VIEW),
    ]);
    let found = check(&files);
    let n_plus_one = found.iter().filter(|f| f.starts_with("PG601")).count();
    assert!(n_plus_one >= 3, "{found:#?}");
    let needed = model_files_needed(
        &files
            .iter()
            .map(|(_, t)| scan_classes(t))
            .collect::<Vec<_>>(),
    );
    // The form and the views hold no class the index needs (a form that
    // declared `forms.CharField()` would be indexed: the name is not read
    // through the imports).
    assert_eq!(needed, [true, true, true, true, true, false, false]);
}
