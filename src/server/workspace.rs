//! Workspace awareness: the Django models of every Python file in the
//! workspace folders, so an N+1 loop in a view knows the relations of
//! models defined in another file. Folders are walked like `pyguide check`
//! walks them (`.gitignore` honoured, virtualenvs and hidden folders
//! skipped); only files that may define models are parsed. Indexing runs on
//! a blocking thread after `initialized` and never delays a request; the
//! index is kept fresh from `didSave` and `workspace/didChangeWatchedFiles`.

use std::path::{Path, PathBuf};

use tower_lsp_server::ls_types::Uri;

use super::state::Shared;
use crate::cli::check::{collect_files, is_python, may_define_models, read_source};
use crate::detect::ModelIndex;
use crate::python::Document;

/// The models of every Python file under `roots`.
pub fn index_roots(roots: &[PathBuf]) -> ModelIndex {
    let (files, errors) = collect_files(roots);
    for e in errors {
        tracing::debug!("workspace index: {e}");
    }
    let per_file = files.iter().filter_map(|path| match read_source(path) {
        Ok(text) if may_define_models(&text) => {
            // A big file is read in parts (never one tree of it).
            Some((key(path), crate::detect::index_source(&text).0))
        }
        Ok(_) => None,
        Err(e) => {
            tracing::debug!("workspace index: {e}");
            None
        }
    });
    let mut index = ModelIndex::default();
    index.extend(per_file);
    index
}

/// The model index key of a file.
pub fn key(path: &Path) -> String {
    path.display().to_string()
}

/// Updates the index with an open document's models (on save). Returns
/// whether the index may have changed, so that open documents need a new
/// analysis.
pub fn update_models(shared: &Shared, uri: &Uri, doc: &Document) -> bool {
    let Some(path) = file_path(uri) else {
        return false;
    };
    let may_define = may_define_models(doc.text());
    shared.update_models(|models| {
        let before = models.len();
        if may_define && doc.is_parsed() {
            models.update_file(&key(&path), doc);
        } else if may_define {
            // A text kept without a tree (big: read in parts).
            models.extend([(key(&path), crate::detect::index_source(doc.text()).0)]);
        } else {
            models.remove_file(&key(&path));
        }
        may_define || models.len() != before
    })
}

/// Updates the index from a file on disk that was created, changed (when
/// `deleted` is false) or deleted. A file that cannot be read or is not
/// UTF-8 is dropped from the index. Returns whether the index may have changed.
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
    shared.update_models(|models| {
        let before = models.len();
        match text {
            Some(t) if may_define_models(&t) => {
                models.extend([(key(path), crate::detect::index_source(&t).0)]);
                true
            }
            _ => {
                models.remove_file(&key(path));
                models.len() != before
            }
        }
    })
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
        let index = index_roots(&[root.to_path_buf()]);
        assert_eq!(index.len(), 2);
    }
}
