//! The Django model index: which classes are models and which of their
//! attributes are relations, read from `class X(models.Model)` definitions.
//!
//! N+1 detection needs to know that `post.author` follows a `ForeignKey` and
//! `post.tags` a `ManyToManyField`, often for models defined in another file.
//! A [`ModelIndex`] holds the models of many files (the CLI fills it from the
//! checked tree, the server from the workspace); each file's models are
//! replaced as a whole when it changes. Extraction is syntactic and
//! conservative: a relation whose target or accessor cannot be read
//! statically is left out, so it can never cause a warning.

use std::collections::HashMap;

use tree_sitter::Node;

use super::ImportMap;
use crate::python::Document;

/// How a relation attribute behaves on an instance.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RelationKind {
    /// `ForeignKey`, `OneToOneField` (and the reverse of a one-to-one):
    /// the attribute is one related object; `select_related` joins it.
    Single,
    /// `ManyToManyField` and reverse foreign keys: the attribute is a
    /// manager; `prefetch_related` batches it.
    Many,
}

/// A relation field declared on a model.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct Field {
    name: String,
    kind: FieldKind,
    /// The target model's class name (`"self"` resolved), when readable.
    target: Option<String>,
    /// The reverse accessor's name on the target (`related_name`, else
    /// `<model>_set` / `<model>`), or `None` when hidden (`"+"`) or unreadable.
    reverse: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum FieldKind {
    ForeignKey,
    OneToOne,
    ManyToMany,
}

/// One class that may be a model.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) struct ClassDef {
    name: String,
    /// Whether a base is `django.db.models.Model` (or a Django abstract user).
    direct_model: bool,
    /// Last segments of the other bases' names, to follow model inheritance.
    bases: Vec<String>,
    fields: Vec<Field>,
}

/// Models (and candidate model classes) by file.
#[derive(Debug, Clone, Default)]
pub struct ModelIndex {
    files: HashMap<String, Vec<ClassDef>>,
    by_name: HashMap<String, Vec<ClassDef>>,
    /// A hash of the contents, so analyses can tell when it changed.
    fingerprint: u64,
}

const MODEL_BASES: &[&str] = &[
    "django.db.models.Model",
    "django.db.models.base.Model",
    "django.contrib.auth.models.AbstractUser",
    "django.contrib.auth.models.AbstractBaseUser",
    "django.contrib.auth.base_user.AbstractBaseUser",
];

impl ModelIndex {
    /// The models defined in one document.
    pub fn from_document(doc: &Document) -> ModelIndex {
        let mut index = ModelIndex::default();
        index.update_file("", doc);
        index
    }

    /// Replaces the classes known from `key` (a path, or any stable name)
    /// with those defined in `doc`.
    pub fn update_file(&mut self, key: &str, doc: &Document) {
        let classes = extract(doc);
        if classes.is_empty() {
            self.remove_file(key);
            return;
        }
        if self.files.get(key) != Some(&classes) {
            self.files.insert(key.to_string(), classes);
            self.rebuild();
        }
    }

    /// Adds many files at once: `(key, ModelIndex::from_document(doc))`
    /// pairs. Cheaper than [`update_file`] per file for a whole tree.
    ///
    /// [`update_file`]: ModelIndex::update_file
    pub fn extend(&mut self, files: impl IntoIterator<Item = (String, ModelIndex)>) {
        for (key, mut single) in files {
            let classes: Vec<ClassDef> = single.files.drain().flat_map(|(_, c)| c).collect();
            if classes.is_empty() {
                self.files.remove(&key);
            } else {
                self.files.insert(key, classes);
            }
        }
        self.rebuild();
    }

    /// Forgets the classes known from `key`.
    pub fn remove_file(&mut self, key: &str) {
        if self.files.remove(key).is_some() {
            self.rebuild();
        }
    }

    /// Number of model classes known.
    pub fn len(&self) -> usize {
        self.by_name
            .iter()
            .filter(|(name, _)| self.is_model(&[self], name))
            .map(|(_, defs)| defs.len())
            .sum()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The models of one file, from its classes.
    pub(crate) fn from_classes(classes: Vec<ClassDef>) -> ModelIndex {
        let mut index = ModelIndex::default();
        if !classes.is_empty() {
            index.files.insert(String::new(), classes);
            index.rebuild();
        }
        index
    }

    /// Changes whenever the index's contents change.
    pub(crate) fn fingerprint(&self) -> u64 {
        self.fingerprint
    }

    fn rebuild(&mut self) {
        use std::hash::{Hash, Hasher};
        let mut keys: Vec<&String> = self.files.keys().collect();
        keys.sort();
        let mut hasher = std::collections::hash_map::DefaultHasher::new();
        for k in keys {
            k.hash(&mut hasher);
            self.files[k].hash(&mut hasher);
        }
        self.fingerprint = hasher.finish();
        self.by_name.clear();
        for classes in self.files.values() {
            for c in classes {
                self.by_name
                    .entry(c.name.clone())
                    .or_default()
                    .push(c.clone());
            }
        }
    }

    fn is_model(&self, layers: &[&ModelIndex], name: &str) -> bool {
        is_model_in(layers, name, 0)
    }
}

fn defs<'a>(layers: &[&'a ModelIndex], name: &str) -> Vec<&'a ClassDef> {
    // The first layer that knows the name wins (the analysed file over the
    // workspace, whose copy of that file may be stale).
    layers
        .iter()
        .find_map(|l| l.by_name.get(name).filter(|d| !d.is_empty()))
        .map(|d| d.iter().collect())
        .unwrap_or_default()
}

fn is_model_in(layers: &[&ModelIndex], name: &str, depth: usize) -> bool {
    depth < 8
        && defs(layers, name).iter().any(|c| {
            c.direct_model
                || c.bases
                    .iter()
                    .any(|b| b != name && is_model_in(layers, b, depth + 1))
        })
}

/// The models visible to one analysis: the analysed file's own, then the
/// index's.
pub(crate) struct Models<'a> {
    layers: [&'a ModelIndex; 2],
}

impl<'a> Models<'a> {
    pub fn new(own: &'a ModelIndex, external: &'a ModelIndex) -> Models<'a> {
        Models {
            layers: [own, external],
        }
    }

    pub fn is_model(&self, name: &str) -> bool {
        is_model_in(&self.layers, name, 0)
    }

    /// What `<instance of model>.<attr>` is, when every definition of that
    /// model name agrees on it; `None` for plain fields, unknown attributes,
    /// unknown or ambiguous models.
    pub fn relation(&self, model: &str, attr: &str) -> Option<RelationKind> {
        if !self.is_model(model) {
            return None;
        }
        let mut found: Option<Option<RelationKind>> = None;
        for def in defs(&self.layers, model) {
            let kind = self.relation_of_def(def, attr, 0);
            match found {
                None => found = Some(kind),
                Some(k) if k != kind => return None,
                _ => {}
            }
        }
        found.flatten()
    }

    fn relation_of_def(&self, def: &ClassDef, attr: &str, depth: usize) -> Option<RelationKind> {
        if let Some(f) = def.fields.iter().find(|f| f.name == attr) {
            return Some(match f.kind {
                FieldKind::ForeignKey | FieldKind::OneToOne => RelationKind::Single,
                FieldKind::ManyToMany => RelationKind::Many,
            });
        }
        if let Some(kind) = self.reverse(&def.name, attr) {
            return Some(kind);
        }
        if depth >= 8 {
            return None;
        }
        // Fields inherited from (abstract or concrete) model bases.
        def.bases.iter().filter(|b| **b != def.name).find_map(|b| {
            defs(&self.layers, b)
                .into_iter()
                .find_map(|d| self.relation_of_def(d, attr, depth + 1))
        })
    }

    /// A reverse accessor named `attr` on `model`, declared by a relation
    /// field on another model that targets it.
    fn reverse(&self, model: &str, attr: &str) -> Option<RelationKind> {
        let mut seen_own = std::collections::HashSet::new();
        for (i, layer) in self.layers.iter().enumerate() {
            for (name, defs) in &layer.by_name {
                if i > 0 && seen_own.contains(name.as_str()) {
                    continue;
                }
                if i == 0 {
                    seen_own.insert(name.as_str());
                }
                for def in defs {
                    for f in &def.fields {
                        if f.target.as_deref() == Some(model) && f.reverse.as_deref() == Some(attr)
                        {
                            return Some(match f.kind {
                                FieldKind::OneToOne => RelationKind::Single,
                                FieldKind::ForeignKey | FieldKind::ManyToMany => RelationKind::Many,
                            });
                        }
                    }
                }
            }
        }
        None
    }
}

/// Every class in `doc` with its model-relevant facts. Classes that are not
/// models are kept too (as long as they have model-like bases), since a base
/// defined in another file may make them models.
fn extract(doc: &Document) -> Vec<ClassDef> {
    let src = doc.text();
    if !src.contains("class ") {
        return Vec::new();
    }
    extract_with(doc, &ImportMap::from_tree(doc.root(), src))
}

/// The model-relevant classes in one top-level statement.
pub(crate) fn extract_statement(stmt: Node, src: &str, imports: &ImportMap) -> Vec<ClassDef> {
    let mut out = Vec::new();
    crate::python::walk(stmt, |node| {
        if node.kind() == "class_definition"
            && let Some(c) = class_def(node, src, imports)
        {
            out.push(c);
        }
        is_statement_container(node.kind())
    });
    out
}

/// Models are statements at the top level (or nested in `if`/`try`), never
/// in functions or expressions.
fn is_statement_container(kind: &str) -> bool {
    matches!(
        kind,
        "module"
            | "block"
            | "if_statement"
            | "else_clause"
            | "elif_clause"
            | "try_statement"
            | "except_clause"
            | "finally_clause"
            | "with_statement"
            | "decorated_definition"
    )
}

/// [`extract`] with the file's imports already read.
fn extract_with(doc: &Document, imports: &ImportMap) -> Vec<ClassDef> {
    let src = doc.text();
    if !src.contains("class ") {
        return Vec::new();
    }
    extract_statement(doc.root(), src, imports)
}

fn class_def(node: Node, src: &str, imports: &ImportMap) -> Option<ClassDef> {
    let name = text(node.child_by_field_name("name")?, src).to_string();
    let supers = node.child_by_field_name("superclasses")?;
    let mut direct_model = false;
    let mut bases = Vec::new();
    let mut c = supers.walk();
    for base in supers.named_children(&mut c) {
        if !matches!(base.kind(), "identifier" | "attribute") {
            continue;
        }
        match imports.resolve(base, src) {
            Some(q) if MODEL_BASES.contains(&q.as_str()) => direct_model = true,
            _ => {
                let t = text(base, src);
                bases.push(t.rsplit('.').next().unwrap_or(t).to_string());
            }
        }
    }
    if !direct_model && bases.is_empty() {
        return None;
    }
    let mut fields = Vec::new();
    if let Some(body) = node.child_by_field_name("body") {
        let mut c = body.walk();
        for stmt in body.named_children(&mut c) {
            if let Some(f) = field(stmt, src, imports, &name) {
                fields.push(f);
            }
        }
    }
    Some(ClassDef {
        name,
        direct_model,
        bases,
        fields,
    })
}

/// `name = models.ForeignKey(Target, ..., related_name="...")`.
fn field(stmt: Node, src: &str, imports: &ImportMap, model: &str) -> Option<Field> {
    let assign = stmt.named_child(0).filter(|n| n.kind() == "assignment")?;
    let left = assign.child_by_field_name("left")?;
    if left.kind() != "identifier" {
        return None;
    }
    let call = assign.child_by_field_name("right")?;
    if call.kind() != "call" {
        return None;
    }
    let q = imports.resolve(call.child_by_field_name("function")?, src)?;
    let kind = match q.rsplit('.').next()? {
        "ForeignKey" => FieldKind::ForeignKey,
        "OneToOneField" => FieldKind::OneToOne,
        "ManyToManyField" => FieldKind::ManyToMany,
        _ => return None,
    };
    if !q.starts_with("django.db.models.") {
        return None;
    }
    let args = call.child_by_field_name("arguments")?;
    let mut target_node = None;
    let mut related_name: Option<Option<String>> = None;
    let mut c = args.walk();
    for arg in args.named_children(&mut c) {
        if arg.kind() == "keyword_argument" {
            let key = arg.child_by_field_name("name").map(|n| text(n, src));
            let value = arg.child_by_field_name("value");
            match (key, value) {
                (Some("to"), Some(v)) => target_node = Some(v),
                (Some("related_name"), Some(v)) => related_name = Some(string_value(v, src)),
                _ => {}
            }
        } else if target_node.is_none() && arg.kind() != "comment" {
            target_node = Some(arg);
        }
    }
    let target = target_node.and_then(|t| target_name(t, src, model));
    let name = text(left, src).to_string();
    let reverse = match related_name {
        // A related_name that isn't a plain literal (or uses `%(class)s`).
        Some(None) => None,
        Some(Some(r)) if r.ends_with('+') || r.contains('%') => None,
        Some(Some(r)) => Some(r),
        None => Some(match kind {
            FieldKind::OneToOne => model.to_lowercase(),
            _ => format!("{}_set", model.to_lowercase()),
        }),
    };
    Some(Field {
        name,
        kind,
        target,
        reverse,
    })
}

/// `Author`, `"Author"`, `"app.Author"`, `"self"` → the class name.
fn target_name(node: Node, src: &str, model: &str) -> Option<String> {
    let name = match node.kind() {
        "identifier" => text(node, src).to_string(),
        "string" => string_value(node, src)?,
        _ => return None,
    };
    let name = name.rsplit('.').next()?.to_string();
    if name == "self" {
        return Some(model.to_string());
    }
    (!name.is_empty() && name.chars().all(|c| c.is_alphanumeric() || c == '_')).then_some(name)
}

/// The value of a plain string literal (no interpolation, no escapes).
pub(crate) fn string_value(node: Node, src: &str) -> Option<String> {
    if node.kind() != "string" {
        return None;
    }
    let mut value = String::new();
    let mut c = node.walk();
    for part in node.named_children(&mut c) {
        match part.kind() {
            "string_start" => {
                let prefix = text(part, src).trim_end_matches(['"', '\'']);
                if prefix
                    .chars()
                    .any(|ch| matches!(ch, 'f' | 'F' | 'b' | 'B' | 't' | 'T'))
                {
                    return None;
                }
            }
            "string_content" => value.push_str(text(part, src)),
            "string_end" => {}
            _ => return None,
        }
    }
    (!value.contains('\\')).then_some(value)
}

fn text<'a>(node: Node, src: &'a str) -> &'a str {
    &src[node.byte_range()]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn models(src: &str) -> ModelIndex {
        ModelIndex::from_document(&Document::parse(src))
    }

    const BLOG: &str = r#"
from django.db import models
from django.conf import settings

class Author(models.Model):
    name = models.CharField(max_length=100)

class Tag(models.Model):
    label = models.CharField(max_length=30)

class Stamped(models.Model):
    created_at = models.DateTimeField()
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    class Meta:
        abstract = True

class Post(Stamped):
    author = models.ForeignKey(Author, on_delete=models.CASCADE)
    editor = models.ForeignKey("blog.Author", models.SET_NULL, null=True, related_name="edited")
    tags = models.ManyToManyField(Tag, related_name="posts")
    parent = models.ForeignKey("self", null=True, on_delete=models.CASCADE)
    title = models.CharField(max_length=200)

class Profile(models.Model):
    author = models.OneToOneField(Author, on_delete=models.CASCADE)

class NotAModel:
    author = models.ForeignKey(Author, on_delete=models.CASCADE)
"#;

    #[test]
    fn forward_reverse_and_inherited_relations() {
        let index = models(BLOG);
        let empty = ModelIndex::default();
        let m = Models::new(&index, &empty);
        use RelationKind::*;
        let table = [
            ("Post", "author", Some(Single)),
            ("Post", "editor", Some(Single)),
            ("Post", "tags", Some(Many)),
            ("Post", "parent", Some(Single)),
            ("Post", "post_set", Some(Many)),
            ("Post", "owner", Some(Single)),
            ("Post", "title", None),
            ("Post", "created_at", None),
            ("Post", "missing", None),
            ("Author", "post_set", Some(Many)),
            ("Author", "edited", Some(Many)),
            ("Author", "profile", Some(Single)),
            ("Author", "name", None),
            ("Tag", "posts", Some(Many)),
            ("Tag", "post_set", None),
            ("NotAModel", "author", None),
            ("Unknown", "author", None),
        ];
        for (model, attr, expect) in table {
            assert_eq!(m.relation(model, attr), expect, "{model}.{attr}");
        }
        assert_eq!(index.len(), 5);
    }

    #[test]
    fn models_from_other_files_and_stale_copies() {
        let mut ws = ModelIndex::default();
        ws.update_file("blog/models.py", &Document::parse(BLOG));
        let own = models("from blog.models import Post\n");
        let m = Models::new(&own, &ws);
        assert_eq!(m.relation("Post", "tags"), Some(RelationKind::Many));
        // The analysed file redefines Post without tags: its version wins.
        let own = models(
            "from django.db import models\nclass Post(models.Model):\n    title = models.CharField()\n",
        );
        let m = Models::new(&own, &ws);
        assert_eq!(m.relation("Post", "tags"), None);
        ws.remove_file("blog/models.py");
        assert!(ws.is_empty());
    }

    #[test]
    fn ambiguous_models_give_no_relation() {
        let mut ws = ModelIndex::default();
        ws.update_file("a.py", &Document::parse(BLOG));
        ws.update_file(
            "b.py",
            &Document::parse(
                "from django.db import models\nclass Post(models.Model):\n    author = models.CharField()\n",
            ),
        );
        let empty = ModelIndex::default();
        let m = Models::new(&empty, &ws);
        assert_eq!(m.relation("Post", "author"), None);
        assert_eq!(
            m.relation("Post", "tags"),
            None,
            "unknown in one definition"
        );
    }
}
