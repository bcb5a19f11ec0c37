//! The Django model index: which classes are models, which of their
//! attributes are relations, and which managers and queryset classes they
//! declare, read from class definitions.
//!
//! N+1 detection needs to know that `post.author` follows a `ForeignKey` and
//! `post.tags` a `ManyToManyField`, often for models defined in another file.
//! A [`ModelIndex`] holds the models of many files (the CLI fills it from the
//! checked tree, the server from the workspace); each file's models are
//! replaced as a whole when it changes. Extraction is syntactic and
//! conservative: a relation whose target or accessor cannot be read
//! statically is left out, so it can never cause a warning.
//!
//! A class is a model when a base is `models.Model` (or a Django abstract
//! user), when a base is a model, or when its body declares Django model
//! fields or a manager, whatever its bases (abstract bases from other
//! packages, tree and mixin libraries). Managers and querysets
//! (`models.Manager`/`QuerySet` subclasses, `Manager.from_queryset(...)`,
//! `QuerySet.as_manager()`) are indexed with the methods that return a
//! queryset built from `self`, so `Model.custom.method()` chains can be
//! followed.

use crate::detect::syntax::{NodeExt, field};
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
    /// `GenericForeignKey`: one object of any model; only
    /// `prefetch_related` batches it.
    Generic,
}

/// A relation attribute as read on an instance of one or more candidate
/// models, when they all agree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Relation {
    pub kind: RelationKind,
    /// The related models' class names (empty when unknown).
    pub targets: Vec<String>,
    /// A forward `ForeignKey`/`OneToOneField` declared on the model: the
    /// instance has `<name>_id` holding the key.
    pub forward: bool,
    /// Some candidate declares it `null=True`.
    pub null: bool,
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
    /// `to_field=...`: `<name>_id` holds that field, not the primary key.
    to_field: bool,
    /// `null=True`: the relation may be empty.
    null: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum FieldKind {
    ForeignKey,
    OneToOne,
    ManyToMany,
    GenericForeignKey,
}

/// One class that may be a model, a manager or a queryset class.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) struct ClassDef {
    name: String,
    /// Whether a base is `django.db.models.Model` (or a Django abstract
    /// user), or the body declares model fields or a manager.
    direct_model: bool,
    /// Last segments of the other bases' names, to follow inheritance.
    bases: Vec<String>,
    fields: Vec<Field>,
    /// Every other name the class binds: class attributes, methods, and
    /// `self.x = ...` targets in its methods.
    attrs: Vec<String>,
    /// `name = SomeManager()` / `Qs.as_manager()`: (attribute, class name of
    /// the manager or queryset).
    managers: Vec<(String, String)>,
    /// A base is Django's `Manager`/`QuerySet` or `X.from_queryset(Qs)`.
    manager_base: bool,
    /// The queryset class of a `from_queryset(Qs)` base.
    from_queryset: Option<String>,
    /// Methods that return a queryset built from `self` (`self.filter(...)`,
    /// `super().get_queryset()...`).
    qs_methods: Vec<String>,
    /// `get_queryset` overridden: `Some(true)` when it returns a queryset
    /// built from `self`, `Some(false)` when it does something else.
    get_queryset: Option<bool>,
    /// The body mentions `select_related`/`prefetch_related`: what its
    /// querysets load can't be read, so nothing is said about them.
    loads_related: bool,
    /// `@property` methods returning `self.<relation>` (or a related manager
    /// called with `manager=...`): (property, relation attribute).
    rel_properties: Vec<(String, String)>,
}

/// Models (and candidate model classes) by file.
#[derive(Debug, Clone, Default)]
pub struct ModelIndex {
    files: HashMap<String, Vec<ClassDef>>,
    by_name: HashMap<String, Vec<ClassDef>>,
    /// Reverse accessors by target class name: (accessor, kind, declaring class).
    reverse: HashMap<String, Vec<(String, FieldKind, String)>>,
    /// Subclasses by base name.
    children: HashMap<String, Vec<String>>,
    /// [`ModelIndex::relation_names`], kept: `x.<attr>` for an `attr`
    /// outside it reads no relation, and rules ask that per attribute.
    relations: std::collections::HashSet<String>,
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

const MANAGER_BASES: &[&str] = &[
    "django.db.models.Manager",
    "django.db.models.manager.Manager",
    "django.db.models.manager.BaseManager",
    "django.db.models.QuerySet",
    "django.db.models.query.QuerySet",
];

/// Modules whose relation fields behave like Django's own (a tree library's
/// `TreeForeignKey` is a `ForeignKey`).
const FIELD_MODULES: &[&str] = &["django.db.models.", "mptt.fields.", "django_mptt.fields."];

/// Methods that return a queryset of the same model's instances (shared
/// with `readers/queryset.rs`).
pub(crate) const INSTANCE_METHODS: &[&str] = &[
    "all",
    "filter",
    "exclude",
    "order_by",
    "distinct",
    "select_related",
    "prefetch_related",
    "annotate",
    "alias",
    "only",
    "defer",
    "using",
    "reverse",
    "select_for_update",
    "none",
];

/// Queryset and manager methods that return something other than a
/// queryset of instances.
const DJANGO_OTHER_METHODS: &[&str] = &[
    "values",
    "values_list",
    "dates",
    "datetimes",
    "union",
    "intersection",
    "difference",
    "count",
    "exists",
    "get",
    "first",
    "last",
    "latest",
    "earliest",
    "aggregate",
    "iterator",
    "in_bulk",
    "update",
    "delete",
    "create",
    "get_or_create",
    "update_or_create",
    "bulk_create",
    "bulk_update",
    "explain",
    "raw",
    "contains",
    "extra",
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
            .filter(|(name, _)| is_model_in(&[self], name, 0))
            .map(|(_, defs)| defs.len())
            .sum()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The models of one file, from its classes.
    /// Every name under which a model of the index reaches a relation:
    /// its relation fields, its properties returning one, and the reverse
    /// accessors other models' fields give it. `x.<name>` reads a relation
    /// only for one of these (what `Models::relation_on` and
    /// `Models::relation_by_name` answer from).
    pub fn relation_names(&self) -> std::collections::HashSet<String> {
        self.relations.clone()
    }

    /// Whether `attr` is one of [`ModelIndex::relation_names`].
    pub(crate) fn is_relation_name(&self, attr: &str) -> bool {
        self.relations.contains(attr)
    }

    pub(crate) fn from_classes(classes: Vec<ClassDef>) -> ModelIndex {
        let mut index = ModelIndex::default();
        if !classes.is_empty() {
            index.files.insert(String::new(), classes);
            index.rebuild();
        }
        index
    }

    /// Changes whenever the index's contents change.
    pub fn fingerprint(&self) -> u64 {
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
        self.reverse.clear();
        self.children.clear();
        for classes in self.files.values() {
            for c in classes {
                self.by_name
                    .entry(c.name.clone())
                    .or_default()
                    .push(c.clone());
                for b in &c.bases {
                    if *b != c.name {
                        self.children
                            .entry(b.clone())
                            .or_default()
                            .push(c.name.clone());
                    }
                }
                for f in &c.fields {
                    if let (Some(target), Some(accessor)) = (&f.target, &f.reverse) {
                        self.reverse.entry(target.clone()).or_default().push((
                            accessor.clone(),
                            f.kind,
                            c.name.clone(),
                        ));
                    }
                }
            }
        }
        for list in self.children.values_mut() {
            list.sort();
            list.dedup();
        }
        self.relations.clear();
        for def in self.by_name.values().flatten() {
            self.relations
                .extend(def.fields.iter().map(|f| f.name.clone()));
            self.relations
                .extend(def.rel_properties.iter().map(|(p, _)| p.clone()));
        }
        for accessors in self.reverse.values() {
            self.relations
                .extend(accessors.iter().map(|(a, _, _)| a.clone()));
        }
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

/// What one class says about an attribute.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Attr {
    Rel(RelationKind, Option<String>, bool, bool),
    /// Declared as something else (a plain field, a method, a property).
    Other,
    /// Declared nowhere in a hierarchy that is fully known.
    Absent,
    /// Not found, and a base is unknown (it may declare it).
    Unknown,
}

/// What a manager chain's custom methods are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Method {
    /// Returns a queryset of the same model, loading nothing extra.
    Refines,
    /// Unknown, or loads related objects in ways that can't be read.
    Opaque,
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

    /// Whether `x.<attr>` may read a relation at all: only a field, a
    /// relation property or a reverse accessor of that name gives
    /// [`Attr::Rel`] (inherited ones are named the same), so for any other
    /// name [`Models::relation_on`] and [`Models::relation_by_name`] are
    /// `None` without looking at a class.
    fn may_be_relation(&self, attr: &str) -> bool {
        self.layers.iter().any(|l| l.is_relation_name(attr))
    }

    /// What `<instance of model>.<attr>` is, when every definition of that
    /// model name agrees on it; `None` for plain fields, unknown attributes,
    /// unknown or ambiguous models.
    #[cfg(test)]
    pub fn relation(&self, model: &str, attr: &str) -> Option<RelationKind> {
        self.relation_on(&[model.to_string()], attr).map(|r| r.kind)
    }

    /// What `x.<attr>` is when `x` is an instance of one of `models`: the
    /// models that declare nothing of that name (in a fully known
    /// hierarchy) are left out; the others must all say it is the same
    /// kind of relation.
    pub fn relation_on(&self, models: &[String], attr: &str) -> Option<Relation> {
        if !self.may_be_relation(attr) {
            return None;
        }
        let mut out: Option<Relation> = None;
        for model in models {
            if !self.is_model(model) {
                return None;
            }
            for def in defs(&self.layers, model) {
                match self.attr_of_def(def, attr, 0) {
                    Attr::Rel(kind, target, forward, null) => match &mut out {
                        None => {
                            out = Some(Relation {
                                kind,
                                targets: target.into_iter().collect(),
                                forward,
                                null,
                            })
                        }
                        Some(r) if r.kind == kind && r.forward == forward => {
                            r.null |= null;
                            match target {
                                Some(t) if !r.targets.contains(&t) => r.targets.push(t),
                                _ => {}
                            }
                        }
                        Some(_) => return None,
                    },
                    Attr::Other | Attr::Unknown => return None,
                    Attr::Absent => {}
                }
            }
        }
        out
    }

    /// `x.<attr>` for an `x` of unknown type: every model that declares a
    /// relation named `attr` is a candidate, and they must agree; a model
    /// that declares `attr` as something else makes it unknown.
    pub fn relation_by_name(&self, attr: &str) -> Option<(Vec<String>, Relation)> {
        if !self.may_be_relation(attr) {
            return None;
        }
        let mut owners = Vec::new();
        let mut names: Vec<&String> = self.layers.iter().flat_map(|l| l.by_name.keys()).collect();
        names.sort();
        names.dedup();
        let mut out: Option<Relation> = None;
        for name in names {
            if !self.is_model(name) {
                continue;
            }
            for def in defs(&self.layers, name) {
                match self.attr_of_def(def, attr, 0) {
                    Attr::Rel(kind, target, forward, null) => {
                        let r = out.get_or_insert_with(|| Relation {
                            kind,
                            targets: Vec::new(),
                            forward,
                            null,
                        });
                        r.null |= null;
                        if r.kind != kind {
                            return None;
                        }
                        r.forward &= forward;
                        match target {
                            Some(t) if !r.targets.contains(&t) => r.targets.push(t),
                            Some(_) => {}
                            None => return None,
                        }
                        if !owners.contains(name) {
                            owners.push(name.clone());
                        }
                    }
                    Attr::Other => return None,
                    Attr::Absent | Attr::Unknown => {}
                }
            }
        }
        out.map(|r| (owners, r))
    }

    /// Whether `field` on every one of `rows` is the `ForeignKey` to all of
    /// `owners` whose reverse accessor is `accessor`: rows read through
    /// `owner.<accessor>` already hold their owner there (Django's related
    /// manager sets it on each row), so `row.<field>` runs no query.
    pub fn is_back_reference(
        &self,
        rows: &[String],
        field: &str,
        accessor: &str,
        owners: &[String],
    ) -> bool {
        // Every candidate owner must be the field's target: with `other`
        // either an `Event` or a `CheckinList`, `acr.list` may be another
        // object.
        let owns = |target: &str| {
            let family = self.with_subclasses(target);
            owners.iter().all(|o| family.contains(o))
        };
        !rows.is_empty()
            && !owners.is_empty()
            && rows.iter().all(|m| {
                let defs = defs(&self.layers, m);
                !defs.is_empty()
                    && defs.iter().all(|d| {
                        self.field_of(d, field, 0).is_some_and(|f| {
                            f.kind == FieldKind::ForeignKey
                                && f.reverse.as_deref() == Some(accessor)
                                && f.target.as_deref().is_some_and(owns)
                        })
                    })
            })
    }

    /// The relation field `name` declared by `def` or inherited.
    fn field_of<'d>(&'d self, def: &'d ClassDef, name: &str, depth: usize) -> Option<&'d Field> {
        if let Some(f) = def.fields.iter().find(|f| f.name == name) {
            return Some(f);
        }
        if depth >= 8 {
            return None;
        }
        def.bases
            .iter()
            .filter(|b| **b != def.name)
            .flat_map(|b| defs(&self.layers, b))
            .find_map(|d| self.field_of(d, name, depth + 1))
    }

    /// `name` and every class that inherits from it (an abstract model's
    /// methods run on its concrete subclasses).
    pub fn with_subclasses(&self, name: &str) -> Vec<String> {
        let mut out = vec![name.to_string()];
        let mut i = 0;
        while i < out.len() && out.len() < 64 {
            let current = out[i].clone();
            for layer in self.layers {
                for child in layer.children.get(&current).into_iter().flatten() {
                    if !out.contains(child) {
                        out.push(child.clone());
                    }
                }
            }
            i += 1;
        }
        out
    }

    fn attr_of_def(&self, def: &ClassDef, attr: &str, depth: usize) -> Attr {
        if let Some(f) = def.fields.iter().find(|f| f.name == attr) {
            let kind = match f.kind {
                FieldKind::ForeignKey | FieldKind::OneToOne => RelationKind::Single,
                FieldKind::ManyToMany => RelationKind::Many,
                FieldKind::GenericForeignKey => RelationKind::Generic,
            };
            let forward =
                matches!(f.kind, FieldKind::ForeignKey | FieldKind::OneToOne) && !f.to_field;
            return Attr::Rel(kind, f.target.clone(), forward, f.null);
        }
        if depth >= 8 {
            return Attr::Unknown;
        }
        if let Some((_, inner)) = def.rel_properties.iter().find(|(p, _)| p == attr) {
            return match self.attr_of_def(def, inner, depth + 1) {
                Attr::Rel(RelationKind::Many, target, _, _) => {
                    Attr::Rel(RelationKind::Many, target, false, false)
                }
                _ => Attr::Other,
            };
        }
        if def.attrs.iter().any(|a| a == attr) || def.managers.iter().any(|(a, _)| a == attr) {
            return Attr::Other;
        }
        if let Some((kind, declaring)) = self.reverse(&def.name, attr) {
            let kind = match kind {
                FieldKind::OneToOne => RelationKind::Single,
                _ => RelationKind::Many,
            };
            return Attr::Rel(kind, Some(declaring), false, true);
        }
        // Inherited from (abstract or concrete) model bases.
        let mut unknown = false;
        for b in def.bases.iter().filter(|b| **b != def.name) {
            let base_defs = defs(&self.layers, b);
            if base_defs.is_empty() {
                unknown = true;
            }
            for d in base_defs {
                match self.attr_of_def(d, attr, depth + 1) {
                    Attr::Absent => {}
                    Attr::Unknown => unknown = true,
                    found => return found,
                }
            }
        }
        if unknown { Attr::Unknown } else { Attr::Absent }
    }

    /// A reverse accessor named `attr` on `model`, declared by a relation
    /// field on another model that targets it: its kind and the declaring
    /// class.
    fn reverse(&self, model: &str, attr: &str) -> Option<(FieldKind, String)> {
        let [own, external] = self.layers;
        let find = |layer: &ModelIndex, skip_own: bool| {
            layer.reverse.get(model).and_then(|list| {
                list.iter()
                    .find(|(a, _, declaring)| {
                        a == attr && !(skip_own && own.by_name.contains_key(declaring))
                    })
                    .map(|(_, k, d)| (*k, d.clone()))
            })
        };
        find(own, false).or_else(|| find(external, true))
    }

    /// The manager or queryset class behind `Model.<attr>` as the model (or
    /// a base) declares it: `Some(Some(class))`, `Some(None)` for Django's
    /// own `models.Manager()`... no: `"Manager"`; `None` when nothing
    /// declares it (every definition must agree).
    pub fn manager_class(&self, model: &str, attr: &str, depth: usize) -> Option<Option<String>> {
        if depth > 8 {
            return None;
        }
        let all = defs(&self.layers, model);
        let mut found: Option<Option<String>> = None;
        for def in &all {
            let here = match def.managers.iter().find(|(a, _)| a == attr) {
                Some((_, class)) => Some(Some(class.clone())),
                None => def
                    .bases
                    .iter()
                    .filter(|b| **b != def.name)
                    .find_map(|b| self.manager_class(b, attr, depth + 1)),
            };
            match (&found, here) {
                (_, None) => {}
                (None, h) => found = h,
                (Some(f), Some(h)) if *f == h => {}
                _ => return None,
            }
        }
        found
    }

    /// What a custom method `name` of the manager/queryset class `class`
    /// (with its bases and `from_queryset` queryset) is; `None` when the
    /// classes don't define it.
    pub fn method(&self, class: &str, name: &str) -> Option<Method> {
        let mut result = None;
        self.visit_manager(class, 0, &mut |def| {
            if def.loads_related || def.get_queryset == Some(false) {
                result = Some(Method::Opaque);
                return;
            }
            if def.qs_methods.iter().any(|m| m == name) {
                result.get_or_insert(Method::Refines);
            } else if def.attrs.iter().any(|a| a == name) {
                result = Some(Method::Opaque);
            }
        });
        result
    }

    /// Whether the manager class (and what it inherits) is known to return
    /// plain querysets of its model: no `get_queryset` doing something else,
    /// no `select_related`/`prefetch_related` anywhere in it.
    /// A class the index does not know (a library's manager) is taken to
    /// return plain querysets, as Django's own does; its methods stay
    /// unknown.
    pub fn plain_manager(&self, class: &str) -> bool {
        let mut ok = true;
        self.visit_manager(class, 0, &mut |def| {
            ok &= !def.loads_related && def.get_queryset != Some(false);
        });
        ok
    }

    /// Whether `class` is a manager or queryset class the index knows
    /// (its own bases say so), so `Model.<attr>` holding one is a manager.
    pub fn is_manager_class(&self, class: &str) -> bool {
        let mut found = false;
        self.visit_manager(class, 0, &mut |def| found |= def.manager_base);
        found
    }

    fn visit_manager(&self, class: &str, depth: usize, f: &mut impl FnMut(&ClassDef)) {
        if depth > 8 {
            return;
        }
        for def in defs(&self.layers, class) {
            f(def);
            for b in def.bases.iter().filter(|b| **b != def.name) {
                self.visit_manager(b, depth + 1, f);
            }
            if let Some(qs) = &def.from_queryset {
                self.visit_manager(qs, depth + 1, f);
            }
        }
    }
}

/// Every class in `doc` with its model-relevant facts. Classes that are not
/// models are kept too (as long as they have bases), since a base defined
/// in another file may make them models or managers.
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
        if node.kind_str() == "class_definition"
            && let Some(c) = class_def(node, src, imports)
        {
            out.push(c);
        }
        is_statement_container(node.kind_str())
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
    let name = text(node.child_by_field_id(field::NAME)?, src).to_string();
    let supers = node.child_by_field_id(field::SUPERCLASSES)?;
    let mut def = ClassDef {
        name,
        direct_model: false,
        bases: Vec::new(),
        fields: Vec::new(),
        attrs: Vec::new(),
        managers: Vec::new(),
        manager_base: false,
        from_queryset: None,
        qs_methods: Vec::new(),
        get_queryset: None,
        loads_related: false,
        rel_properties: Vec::new(),
    };
    let mut c = supers.walk();
    for base in supers.named_children(&mut c) {
        match base.kind_str() {
            "identifier" | "attribute" => match imports.resolve(base, src) {
                Some(q) if MODEL_BASES.contains(&q.as_str()) => def.direct_model = true,
                Some(q) if MANAGER_BASES.contains(&q.as_str()) => def.manager_base = true,
                _ => {
                    let t = text(base, src);
                    def.bases
                        .push(t.rsplit('.').next().unwrap_or(t).to_string());
                }
            },
            // `models.Manager.from_queryset(PostQuerySet)`
            "call" => {
                if let Some(qs) = from_queryset(base, src) {
                    def.manager_base = true;
                    def.from_queryset = Some(qs);
                }
            }
            _ => {}
        }
    }
    if !def.direct_model && !def.manager_base && def.bases.is_empty() {
        return None;
    }
    let body = node.child_by_field_id(field::BODY)?;
    def.loads_related = {
        let t = text(body, src);
        t.contains("select_related") || t.contains("prefetch_related")
    };
    let mut methods: Vec<(String, Node)> = Vec::new();
    let mut c = body.walk();
    for stmt in body.named_children(&mut c) {
        class_statement(&mut def, stmt, src, imports, &mut methods);
    }
    for (name, func) in &methods {
        if let Some(ret) = returns_self_queryset(*func, src) {
            // The last call keeps a queryset of instances: Django's own
            // such methods, or a custom one (of this or another queryset
            // class), never `values()`, `count()`, `get()`...
            let ok = ret.iter().all(|last| {
                INSTANCE_METHODS.contains(&last.as_str())
                    || !DJANGO_OTHER_METHODS.contains(&last.as_str())
            });
            if name == "get_queryset" {
                def.get_queryset = Some(ok);
            } else if ok {
                def.qs_methods.push(name.clone());
            }
        } else if name == "get_queryset" {
            def.get_queryset = Some(false);
        }
    }
    Some(def)
}

/// One statement of a class body: fields, managers, methods.
fn class_statement<'t>(
    def: &mut ClassDef,
    stmt: Node<'t>,
    src: &str,
    imports: &ImportMap,
    methods: &mut Vec<(String, Node<'t>)>,
) {
    match stmt.kind_str() {
        "expression_statement" => {
            let Some(assign) = stmt.named_child(0).filter(|n| n.kind_str() == "assignment") else {
                return;
            };
            let Some(left) = assign.child_by_field_id(field::LEFT) else {
                return;
            };
            if left.kind_str() != "identifier" {
                return;
            }
            let name = text(left, src).to_string();
            if let Some(f) = field(stmt, src, imports, &def.name) {
                def.direct_model = true;
                def.fields.push(f);
                return;
            }
            let right = assign.child_by_field_id(field::RIGHT);
            if let Some(call) = right.filter(|r| r.kind_str() == "call") {
                if declares_model_field(call, src, imports) {
                    def.direct_model = true;
                }
                if let Some(class) = manager_call(call, src, imports) {
                    def.direct_model |= !def.manager_base;
                    def.managers.push((name, class));
                    return;
                }
            }
            def.attrs.push(name);
        }
        "function_definition" => add_method(def, stmt, stmt, src, methods),
        "decorated_definition" => {
            if let Some(func) = stmt.child_by_field_id(field::DEFINITION) {
                add_method(def, stmt, func, src, methods);
            }
        }
        "class_definition" => {
            if let Some(n) = stmt.child_by_field_id(field::NAME) {
                def.attrs.push(text(n, src).to_string());
            }
        }
        _ => {}
    }
}

/// The `x` of each `self.x = ...` statement in a method body, in order,
/// not entering nested functions and classes. Assignments are statements
/// (or the right side of a chained one), so expressions are not walked.
fn self_attributes(body: Node, src: &str) -> Vec<String> {
    // Most methods assign no `self.x`: a scan of their bytes says so
    // without walking their statements.
    if !may_assign_self_attribute(text(body, src)) {
        return Vec::new();
    }
    self_attributes_entering(body, src, &|kind| {
        kind == "assignment" || enters_statements(kind)
    })
}

/// Whether `t` may assign an attribute of `self`: the word `self`, then
/// (whitespace, line breaks and continuations skipped) `.`, a name, and
/// `=` (not `==`) or `:` (an annotated assignment). False only when
/// [`self_attributes`]' walk would find nothing in `t`; a test holds the
/// two together on every method of the fixtures.
fn may_assign_self_attribute(t: &str) -> bool {
    let b = t.as_bytes();
    let ident = super::model_files::is_ident_byte;
    let skip = |mut i: usize| {
        while i < b.len() && (b[i].is_ascii_whitespace() || b[i] == b'\\') {
            i += 1;
        }
        i
    };
    t.match_indices("self").any(|(at, _)| {
        if at > 0 && ident(b[at - 1]) {
            return false;
        }
        let mut i = skip(at + 4);
        if b.get(i) != Some(&b'.') {
            return false;
        }
        i = skip(i + 1);
        let name = i;
        while i < b.len() && ident(b[i]) {
            i += 1;
        }
        if i == name {
            return false;
        }
        i = skip(i);
        match b.get(i) {
            Some(b'=') => b.get(i + 1) != Some(&b'='),
            Some(b':') => true,
            _ => false,
        }
    })
}

/// Whether the model index may read the body of a method (`body`, the
/// text of `unit` after its header; `detect/skim.rs`): it may assign
/// `self.x` ([`may_assign_self_attribute`]), the method is a property
/// (`property` on a decorator line: [`property_relation`]), it mentions
/// `select_related` or `prefetch_related` (`loads_related`), or it may
/// return a call chain from `self`, `super()` or a class called with
/// `self.model` ([`returns_self_queryset`]: a `return` whose line holds
/// `self` or `super` and a `(`, or goes on to the next line).
pub(crate) fn may_read_method(unit: &crate::detect::skim::Unit, body: &str) -> bool {
    // `loads_related` reads the class body's text, which ends early when
    // the last method's body is left out.
    if may_assign_self_attribute(body)
        || unit.decorators.iter().any(|d| d.contains("property"))
        || body.contains("select_related")
        || body.contains("prefetch_related")
    {
        return true;
    }
    let b = body.as_bytes();
    super::model_files::word_starts(body, "return").any(|at| {
        let end = b[at..]
            .iter()
            .position(|&c| c == b'\n')
            .map_or(b.len(), |p| at + p);
        let line = &body[at + 6..end];
        let trimmed = line.trim_end();
        ((line.contains("self") || line.contains("super")) && line.contains('('))
            || trimmed.ends_with(['(', '[', '{', '\\', ','])
    })
}

/// Blocks and compound statements, the nodes a statement may be in (the
/// walks that look for statements enter only these).
fn enters_statements(kind: &str) -> bool {
    kind == "for_statement" || super::imports::holds_statements(kind)
}

/// [`self_attributes`], entering the nodes whose kind `enters` accepts.
fn self_attributes_entering(body: Node, src: &str, enters: &dyn Fn(&str) -> bool) -> Vec<String> {
    let mut out = Vec::new();
    crate::python::walk(body, |n| {
        let kind = n.kind_str();
        if kind == "assignment"
            && let Some(l) = n.child_by_field_id(field::LEFT)
            && l.kind_str() == "attribute"
            && l.child_by_field_id(field::OBJECT)
                .is_some_and(|o| text(o, src) == "self")
            && let Some(a) = l.child_by_field_id(field::ATTRIBUTE)
        {
            out.push(text(a, src).to_string());
        }
        enters(kind)
    });
    out
}

fn add_method<'t>(
    def: &mut ClassDef,
    stmt: Node<'t>,
    func: Node<'t>,
    src: &str,
    methods: &mut Vec<(String, Node<'t>)>,
) {
    if func.kind_str() != "function_definition" {
        if let Some(n) = func.child_by_field_id(field::NAME) {
            def.attrs.push(text(n, src).to_string());
        }
        return;
    }
    let Some(name) = func
        .child_by_field_id(field::NAME)
        .map(|n| text(n, src).to_string())
    else {
        return;
    };
    // `self.x = ...` in the method: an instance attribute.
    if let Some(body) = func.child_by_field_id(field::BODY) {
        for a in self_attributes(body, src) {
            if !def.attrs.contains(&a) {
                def.attrs.push(a);
            }
        }
    }
    let is_property = stmt.kind_str() == "decorated_definition" && {
        let t = &src[stmt.start_byte()..func.start_byte()];
        t.contains("property")
    };
    if is_property && let Some(inner) = property_relation(func, src) {
        def.rel_properties.push((name.clone(), inner));
    }
    def.attrs.push(name.clone());
    methods.push((name, func));
}

/// `@property def positions(self): return self.all_positions(manager=...)`
/// (or `return self.all_positions`): the attribute it returns.
fn property_relation(func: Node, src: &str) -> Option<String> {
    let body = func.child_by_field_id(field::BODY)?;
    let mut stmts = Vec::new();
    let mut c = body.walk();
    for s in body.named_children(&mut c) {
        match s.kind_str() {
            "comment" => {}
            "expression_statement"
                if s.named_child(0).is_some_and(|n| n.kind_str() == "string") => {}
            _ => stmts.push(s),
        }
    }
    let [ret] = stmts.as_slice() else {
        return None;
    };
    if ret.kind_str() != "return_statement" {
        return None;
    }
    let mut value = ret.named_child(0)?;
    if value.kind_str() == "call" {
        let args = value.child_by_field_id(field::ARGUMENTS)?;
        let mut c = args.walk();
        let only_manager = args.named_children(&mut c).all(|a| {
            a.kind_str() == "keyword_argument"
                && a.child_by_field_id(field::NAME)
                    .is_some_and(|n| text(n, src) == "manager")
        });
        if !only_manager {
            return None;
        }
        value = value.child_by_field_id(field::FUNCTION)?;
    }
    if value.kind_str() != "attribute"
        || value
            .child_by_field_id(field::OBJECT)
            .is_none_or(|o| text(o, src) != "self")
    {
        return None;
    }
    Some(text(value.child_by_field_id(field::ATTRIBUTE)?, src).to_string())
}

/// For a method whose every `return` gives a queryset built from `self`
/// (`self.filter(...)`, `super().get_queryset().filter(...)`,
/// `SomeQuerySet(self.model, using=self._db).x()`), the last method each
/// return calls; `None` otherwise.
fn returns_self_queryset(func: Node, src: &str) -> Option<Vec<String>> {
    // Returns are statements: blocks and compound statements only.
    returns_self_queryset_entering(func, src, &enters_statements)
}

/// [`returns_self_queryset`], entering the nodes whose kind `enters`
/// accepts.
fn returns_self_queryset_entering(
    func: Node,
    src: &str,
    enters: &dyn Fn(&str) -> bool,
) -> Option<Vec<String>> {
    let body = func.child_by_field_id(field::BODY)?;
    let mut lasts = Vec::new();
    let mut ok = true;
    crate::python::walk(body, |n| {
        if n.kind_str() == "return_statement" {
            match n.named_child(0).and_then(|v| self_chain_last(v, src)) {
                Some(last) => lasts.push(last),
                None => ok = false,
            }
        }
        enters(n.kind_str())
    });
    (ok && !lasts.is_empty()).then_some(lasts)
}

/// `self.a(...).b(...)` → `"b"`, when the chain starts at `self`, `super()`
/// or a queryset class called with `self.model`.
fn self_chain_last(expr: Node, src: &str) -> Option<String> {
    let mut node = expr;
    let mut last: Option<String> = None;
    loop {
        match node.kind_str() {
            "call" => {
                let f = node.child_by_field_id(field::FUNCTION)?;
                match f.kind_str() {
                    "attribute" => {
                        if last.is_none() {
                            last =
                                Some(text(f.child_by_field_id(field::ATTRIBUTE)?, src).to_string());
                        }
                        node = f.child_by_field_id(field::OBJECT)?;
                    }
                    "identifier" => {
                        let args = text(node.child_by_field_id(field::ARGUMENTS)?, src);
                        let root_ok = text(f, src) == "super" || args.contains("self.model");
                        return (root_ok).then_some(last?);
                    }
                    _ => return None,
                }
            }
            "identifier" => return (text(node, src) == "self").then_some(last?),
            "parenthesized_expression" => node = node.named_child(0)?,
            _ => return None,
        }
    }
}

/// `X.from_queryset(Qs)` → `"Qs"`.
fn from_queryset(call: Node, src: &str) -> Option<String> {
    let f = call.child_by_field_id(field::FUNCTION)?;
    if f.kind_str() != "attribute"
        || text(f.child_by_field_id(field::ATTRIBUTE)?, src) != "from_queryset"
    {
        return None;
    }
    let arg = call.child_by_field_id(field::ARGUMENTS)?.named_child(0)?;
    if !matches!(arg.kind_str(), "identifier" | "attribute") {
        return None;
    }
    let t = text(arg, src);
    Some(t.rsplit('.').next().unwrap_or(t).to_string())
}

/// The class of a manager assigned in a model body: `PostManager()`,
/// `models.Manager()`, `PostQuerySet.as_manager()`,
/// `Manager.from_queryset(Qs)()`. Names must look like a manager or
/// queryset class (`...Manager`, `...QuerySet`) unless Django's own.
fn manager_call(call: Node, src: &str, imports: &ImportMap) -> Option<String> {
    let f = call.child_by_field_id(field::FUNCTION)?;
    match f.kind_str() {
        "identifier" | "attribute" => {
            if let Some(q) = imports.resolve(f, src)
                && MANAGER_BASES.contains(&q.as_str())
            {
                return Some("Manager".to_string());
            }
            let t = text(f, src);
            if let Some(qs) = t.strip_suffix(".as_manager") {
                let qs = qs.rsplit('.').next().unwrap_or(qs);
                return qs.ends_with("QuerySet").then(|| qs.to_string());
            }
            let last = t.rsplit('.').next().unwrap_or(t);
            (last.ends_with("Manager") && last.starts_with(|c: char| c.is_ascii_uppercase()))
                .then(|| last.to_string())
        }
        "call" => from_queryset(f, src),
        _ => None,
    }
}

/// A call of one of Django's model field classes (`models.CharField(...)`).
fn declares_model_field(call: Node, src: &str, imports: &ImportMap) -> bool {
    call.child_by_field_id(field::FUNCTION)
        .and_then(|f| imports.resolve(f, src))
        .is_some_and(|q| {
            q.strip_prefix("django.db.models.")
                .is_some_and(|rest| !rest.contains('.') && rest.ends_with("Field"))
        })
}

/// `name = models.ForeignKey(Target, ..., related_name="...")`.
fn field(stmt: Node, src: &str, imports: &ImportMap, model: &str) -> Option<Field> {
    let assign = stmt
        .named_child(0)
        .filter(|n| n.kind_str() == "assignment")?;
    let left = assign.child_by_field_id(field::LEFT)?;
    if left.kind_str() != "identifier" {
        return None;
    }
    let call = assign.child_by_field_id(field::RIGHT)?;
    if call.kind_str() != "call" {
        return None;
    }
    let q = imports.resolve(call.child_by_field_id(field::FUNCTION)?, src)?;
    let name = text(left, src).to_string();
    if q == "django.contrib.contenttypes.fields.GenericForeignKey" {
        return Some(Field {
            name,
            kind: FieldKind::GenericForeignKey,
            target: None,
            reverse: None,
            to_field: false,
            null: true,
        });
    }
    let kind = match q.rsplit('.').next()? {
        "ForeignKey" | "TreeForeignKey" => FieldKind::ForeignKey,
        "OneToOneField" | "TreeOneToOneField" => FieldKind::OneToOne,
        "ManyToManyField" | "TreeManyToManyField" => FieldKind::ManyToMany,
        _ => return None,
    };
    if !FIELD_MODULES.iter().any(|m| q.starts_with(m)) {
        return None;
    }
    let args = call.child_by_field_id(field::ARGUMENTS)?;
    let mut target_node = None;
    let mut related_name: Option<Option<String>> = None;
    let mut to_field = false;
    let mut null = false;
    let mut c = args.walk();
    for arg in args.named_children(&mut c) {
        if arg.kind_str() == "keyword_argument" {
            let key = arg.child_by_field_id(field::NAME).map(|n| text(n, src));
            let value = arg.child_by_field_id(field::VALUE);
            match (key, value) {
                (Some("to"), Some(v)) => target_node = Some(v),
                (Some("related_name"), Some(v)) => related_name = Some(string_value(v, src)),
                (Some("to_field"), _) => to_field = true,
                (Some("null"), Some(v)) => null = text(v, src) != "False",
                _ => {}
            }
        } else if target_node.is_none() && arg.kind_str() != "comment" {
            target_node = Some(arg);
        }
    }
    let target = target_node.and_then(|t| target_name(t, src, model));
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
        to_field,
        null,
    })
}

/// `Author`, `"Author"`, `"app.Author"`, `"self"` → the class name.
fn target_name(node: Node, src: &str, model: &str) -> Option<String> {
    let name = match node.kind_str() {
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
    if node.kind_str() != "string" {
        return None;
    }
    let mut value = String::new();
    let mut c = node.walk();
    for part in node.named_children(&mut c) {
        match part.kind_str() {
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
    #[test]
    fn self_attributes_are_read_from_statements_only_as_a_full_walk_reads_them() {
        // The oracle enters every node but nested functions and classes.
        let everything =
            |kind: &str| !matches!(kind, "function_definition" | "class_definition" | "lambda");
        let mut inputs = vec![
            "class Q:\n    def a(self):\n        if x:\n            return self.filter(a=1)\n        for y in z:\n            while w:\n                with v:\n                    return super().all()\n        return (lambda: 1)()\n".to_string(),
            "class A:\n    def f(self):\n        self.a = self.b = 1\n        for x in y:\n            with z:\n                if q:\n                    self.c = [self.d for _ in r]\n        def g(): self.e = 1\n        try:\n            self.f: int = 2\n        except E:\n            pass\n".to_string(),
            "class B:\n    def f(self):\n        self .a = 1\n        self.\\\n  b = 2\n        self.c: int\n        if self.d == 1: myself.e = 1\n        x = self.g\n        self.h[0] = 1\n        self.i += 1\n".to_string(),
            "class C:\n    def f(self):\n        self.x: int = 2\n".to_string(),
        ];
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures");
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|e| e == "py") {
                inputs.push(std::fs::read_to_string(path).unwrap());
            }
        }
        let mut methods = 0;
        for src in &inputs {
            let doc = Document::parse(src.as_str());
            crate::python::walk(doc.root(), |n| {
                if n.kind_str() == "function_definition"
                    && let Some(body) = n.child_by_field_id(field::BODY)
                {
                    methods += 1;
                    assert_eq!(
                        self_attributes(body, src),
                        self_attributes_entering(body, src, &everything),
                        "{}",
                        text(n, src)
                    );
                    assert_eq!(
                        returns_self_queryset(n, src),
                        returns_self_queryset_entering(n, src, &everything),
                        "{}",
                        text(n, src)
                    );
                }
                true
            });
        }
        assert!(methods > 50);
    }

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
    fn managers_querysets_and_models_whatever_their_bases() {
        let src = r#"
from django.db import models
from treelib.models import NodeBase

class Base(models.Model):
    class Meta:
        abstract = True

class EntryQuerySet(models.QuerySet):
    def live(self):
        return self.filter(live=True)
    def total(self):
        return self.aggregate(n=models.Count("id"))

class EntryManager(models.Manager.from_queryset(EntryQuerySet)):
    def get_queryset(self):
        return super().get_queryset().exclude(hidden=True)

class Loader(models.Manager):
    def rich(self):
        return self.select_related("owner")

class Entry(NodeBase):
    owner = models.ForeignKey("Owner", on_delete=models.CASCADE, related_name="entries")
    objects = EntryManager()
    loaded = Loader()
    @property
    def visible_children(self):
        return self.children(manager="objects")

class Owner(Base):
    title = models.CharField(max_length=9)
"#;
        let index = models(src);
        let empty = ModelIndex::default();
        let m = Models::new(&index, &empty);
        // A tree library's base: still a model, since it declares fields.
        assert!(m.is_model("Entry"));
        assert_eq!(
            m.manager_class("Entry", "objects", 0),
            Some(Some("EntryManager".into()))
        );
        assert!(m.plain_manager("EntryManager"));
        assert!(m.is_manager_class("EntryManager"));
        assert_eq!(m.method("EntryManager", "live"), Some(Method::Refines));
        assert_eq!(m.method("EntryManager", "total"), Some(Method::Opaque));
        assert!(!m.plain_manager("Loader"));
        assert_eq!(m.method("Loader", "rich"), Some(Method::Opaque));
        // Reverse accessor on a model whose base is abstract.
        let owner = m.relation_on(&["Owner".into()], "entries").unwrap();
        assert_eq!(
            (owner.kind, owner.targets),
            (RelationKind::Many, vec!["Entry".to_string()])
        );
        assert!(m.relation_on(&["Entry".into()], "owner").unwrap().forward);
        // By name, for a receiver of unknown type.
        let (owners, rel) = m.relation_by_name("entries").unwrap();
        assert_eq!(
            (owners, rel.kind),
            (vec!["Owner".to_string()], RelationKind::Many)
        );
        assert!(m.relation_by_name("title").is_none());
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
        // Declared by one definition only, in a fully known hierarchy: the
        // code reading `post.tags` can only mean that one.
        assert_eq!(m.relation("Post", "tags"), Some(RelationKind::Many));
    }
}
