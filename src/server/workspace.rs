//! Workspace awareness: the Django models of every Python file in the
//! workspace folders, so an N+1 loop in a view knows the relations of
//! models defined in another file. Folders are walked like `pyguide check`
//! walks them (`.gitignore` honoured, virtualenvs and hidden folders
//! skipped), and, as `check` does, only the files the index needs are
//! parsed: every file's class headers are read first
//! (`detect::scan_classes`), and [`Files`] keeps them, so a save or a
//! change on disk that makes another file needed (a mixin a new model
//! derives from) or no longer needed updates that file too. Indexing runs
//! on a blocking thread after `initialized` and never delays a request;
//! the index is kept fresh from `didSave` and
//! `workspace/didChangeWatchedFiles`.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use tower_lsp_server::ls_types::Uri;

use super::state::Shared;
use crate::cli::check::{collect_files, is_python, read_source};
use crate::detect::{FileClasses, ModelIndex, model_files_needed, scan_classes};
use crate::python::Document;

/// The class headers of every file the index has read, and which files
/// it holds.
#[derive(Debug, Default)]
pub struct Files {
    /// By index key: the file's path and its classes with bases.
    classes: HashMap<String, (PathBuf, FileClasses)>,
    /// The keys of the files the index was given: those it needs.
    indexed: HashSet<String>,
}

/// How one file's new class headers change what the index needs.
#[derive(Debug, Default, PartialEq, Eq)]
struct Change {
    /// The file itself is needed.
    this: bool,
    /// Other files now needed: to read and index.
    gained: Vec<(String, PathBuf)>,
    /// Other files no longer needed: to drop.
    lost: Vec<String>,
}

impl Files {
    /// The keys of the files the index needs.
    fn wanted(&self) -> HashSet<String> {
        let keys: Vec<&String> = self.classes.keys().collect();
        let needed = model_files_needed(keys.iter().map(|k| &self.classes[*k].1));
        keys.into_iter()
            .zip(needed)
            .filter(|(_, n)| *n)
            .map(|(k, _)| k.clone())
            .collect()
    }

    /// Records the classes of the file at `path` (`None`: gone, or none
    /// with a base) and says what the index must do.
    fn update(&mut self, path: &Path, classes: Option<FileClasses>) -> Change {
        let this = key(path);
        match classes {
            Some(c) if !c.is_empty() => {
                self.classes.insert(this.clone(), (path.to_path_buf(), c));
            }
            _ => {
                self.classes.remove(&this);
            }
        }
        let wanted = self.wanted();
        let mut gained: Vec<(String, PathBuf)> = wanted
            .iter()
            .filter(|k| **k != this && !self.indexed.contains(*k))
            .map(|k| (k.clone(), self.classes[k].0.clone()))
            .collect();
        let mut lost: Vec<String> = self
            .indexed
            .iter()
            .filter(|k| **k != this && !wanted.contains(*k))
            .cloned()
            .collect();
        gained.sort();
        lost.sort();
        let change = Change {
            this: wanted.contains(&this),
            gained,
            lost,
        };
        self.indexed = wanted;
        change
    }
}

/// The models of every Python file under `roots`, and what was read of
/// each file. Files are read twice (headers, then the needed ones to
/// parse) rather than all held at once.
pub fn index_roots(roots: &[PathBuf]) -> (ModelIndex, Files) {
    let (paths, errors) = collect_files(roots);
    for e in errors {
        tracing::debug!("workspace index: {e}");
    }
    let mut files = Files::default();
    for path in paths {
        match read_source(&path) {
            Ok(text) => {
                let classes = scan_classes(&text);
                if !classes.is_empty() {
                    files.classes.insert(key(&path), (path, classes));
                }
            }
            Err(e) => tracing::debug!("workspace index: {e}"),
        }
    }
    files.indexed = files.wanted();
    let per_file =
        files
            .indexed
            .iter()
            .filter_map(|k| match index_from_disk(&files.classes[k].0) {
                Ok(index) => Some((k.clone(), index)),
                Err(e) => {
                    tracing::debug!("workspace index: {e}");
                    None
                }
            });
    let mut index = ModelIndex::default();
    index.extend(per_file);
    (index, files)
}

/// The models of the file at `path`, read from disk (a big file is read
/// in parts: never one tree of it); the message says why it can't be read.
fn index_from_disk(path: &Path) -> Result<ModelIndex, String> {
    read_source(path).map(|text| crate::detect::index_source(&text).0)
}

/// The model index key of a file.
pub fn key(path: &Path) -> String {
    path.display().to_string()
}

/// Makes the index and [`Files`] the workspace's, at once.
pub fn install(shared: &Shared, index: ModelIndex, files: Files) {
    let mut workspace = shared.workspace.lock().unwrap_or_else(|p| p.into_inner());
    *workspace = files;
    shared.update_models(|models| *models = index);
}

/// Brings the index in line with the file at `path` now holding `text`
/// (`None`: deleted or unreadable; `doc`: its parsed document, if any):
/// the file indexed or dropped as it is needed or not, and the other files
/// whose need changed read from disk and indexed, or dropped. Returns
/// whether the index changed.
fn refresh(shared: &Shared, path: &Path, text: Option<&str>, doc: Option<&Document>) -> bool {
    // Held throughout: two refreshes never interleave their changes.
    let mut workspace = shared.workspace.lock().unwrap_or_else(|p| p.into_inner());
    let change = workspace.update(path, text.map(scan_classes));
    let gained: Vec<(String, ModelIndex)> = change
        .gained
        .iter()
        .filter_map(|(k, p)| match index_from_disk(p) {
            Ok(index) => Some((k.clone(), index)),
            Err(e) => {
                tracing::warn!("workspace index: {e}");
                None
            }
        })
        .collect();
    let this = key(path);
    let changed = shared.update_models(|models| {
        let before = models.fingerprint();
        match (change.this, doc, text) {
            (true, Some(doc), _) if doc.is_parsed() => models.update_file(&this, doc),
            // A text kept without a tree (big: read in parts).
            (true, _, Some(text)) => {
                models.extend([(this.clone(), crate::detect::index_source(text).0)])
            }
            _ => models.remove_file(&this),
        }
        for k in &change.lost {
            models.remove_file(k);
        }
        if !gained.is_empty() {
            models.extend(gained);
        }
        models.fingerprint() != before
    });
    drop(workspace);
    changed
}

/// Updates the index with an open document's models (on save). Returns
/// whether the index changed, so that open documents need a new analysis.
pub fn update_models(shared: &Shared, uri: &Uri, doc: &Document) -> bool {
    let Some(path) = file_path(uri) else {
        return false;
    };
    refresh(shared, &path, Some(doc.text()), Some(doc))
}

/// Updates the index from a file on disk that was created, changed (when
/// `deleted` is false) or deleted. A file that cannot be read or is not
/// UTF-8 is dropped from the index. Returns whether the index changed.
pub fn update_from_disk(shared: &Shared, path: &Path, deleted: bool) -> bool {
    if !is_python(path) {
        return false;
    }
    let text = if deleted {
        None
    } else {
        match read_source(path) {
            Ok(t) => Some(t),
            Err(e) => {
                tracing::warn!("workspace index: {e}");
                None
            }
        }
    };
    refresh(shared, path, text.as_deref(), None)
}

/// The local path of a `file:` URI.
pub fn file_path(uri: &Uri) -> Option<PathBuf> {
    let is_file = uri.scheme().as_str().eq_ignore_ascii_case("file");
    is_file
        .then(|| uri.to_file_path().map(|p| p.into_owned()))
        .flatten()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn indexes_models_and_skips_virtualenvs_and_bad_files() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        let model = "from django.db import models\n\nclass Author(models.Model):\n    name = models.CharField(max_length=10)\n\nclass Book(models.Model):\n    author = models.ForeignKey(Author, on_delete=models.CASCADE)\n";
        std::fs::create_dir_all(root.join("app")).unwrap();
        std::fs::write(root.join("app/models.py"), model).unwrap();
        std::fs::create_dir_all(root.join(".venv/lib")).unwrap();
        std::fs::write(root.join(".venv/pyvenv.cfg"), "").unwrap();
        std::fs::write(
            root.join(".venv/lib/models.py"),
            model.replace("Book", "Other"),
        )
        .unwrap();
        std::fs::write(
            root.join("app/bad.py"),
            b"class X(models.Model):\n    s = '\xff'\n",
        )
        .unwrap();
        let (index, files) = index_roots(&[root.to_path_buf()]);
        assert_eq!(index.len(), 2);
        assert_eq!(
            files.indexed,
            HashSet::from([key(&root.join("app/models.py"))])
        );
    }

    /// The files indexed follow the class headers: a mixin is indexed once
    /// a model derives from it, and dropped when none does any more; a
    /// file with no class the index needs is never read for it.
    #[test]
    fn a_change_updates_the_files_whose_need_it_changes() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        let write = |name: &str, text: &str| {
            std::fs::write(root.join(name), text).unwrap();
            root.join(name)
        };
        let mixin = write(
            "mixins.py",
            "class Regional(Base):\n    def zone(self): ...\n",
        );
        let form = write("forms.py", "class OrderForm(Form):\n    pass\n");
        let models = write(
            "models.py",
            "from django.db import models\n\nclass Order(models.Model):\n    pass\n",
        );
        let (_, mut files) = index_roots(&[root.to_path_buf()]);
        assert_eq!(files.indexed, HashSet::from([key(&models)]));
        // `Order` now derives from the mixin: its file is needed.
        let regional =
            "from django.db import models\n\nclass Order(Regional, models.Model):\n    pass\n";
        let change = files.update(&models, Some(scan_classes(regional)));
        assert_eq!(
            change,
            Change {
                this: true,
                gained: vec![(key(&mixin), mixin.clone())],
                lost: Vec::new(),
            }
        );
        // The model is gone: neither file is needed.
        let change = files.update(&models, None);
        assert_eq!(
            change,
            Change {
                this: false,
                gained: Vec::new(),
                lost: vec![key(&mixin)],
            }
        );
        assert!(files.indexed.is_empty());
        // The form never was.
        let change = files.update(&form, Some(scan_classes("class OrderForm(Form): pass\n")));
        assert_eq!(change, Change::default());
    }
}
