//! The guide as the server uses it: loaded once per set of guide folders
//! (off the initialize path), the tantivy index built on the first search
//! (never at start-up), and topics rendered as Markdown files in the cache
//! folder (`<cache>/topics/<id>.md`) on demand, so that any client can open
//! a topic as a plain file.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};

use tower_lsp_server::ls_types::Uri;

use crate::guide::{self, Guide, Topic, TopicError};
use crate::search::{Hit, IndexOptions, SearchIndex};

/// A loaded guide and what is derived from it lazily.
pub struct Library {
    guide: Arc<Guide>,
    errors: Vec<TopicError>,
    search: OnceLock<Result<SearchIndex, String>>,
    cache_dir: Option<PathBuf>,
    /// Topic ids whose Markdown file this process has written.
    written: Mutex<HashSet<String>>,
}

impl Library {
    /// The built-in guide plus `folders`.
    pub fn load(folders: &[PathBuf], cache_dir: Option<PathBuf>) -> Library {
        let loaded = guide::load(folders);
        Library {
            guide: Arc::new(loaded.guide),
            errors: loaded.errors,
            search: OnceLock::new(),
            cache_dir,
            written: Mutex::new(HashSet::new()),
        }
    }

    pub fn guide(&self) -> &Guide {
        &self.guide
    }

    pub fn topic(&self, id: &str) -> Option<&Topic> {
        self.guide.get(id)
    }

    /// Problems with user topic files (each skipped).
    pub fn errors(&self) -> &[TopicError] {
        &self.errors
    }

    /// The search index, built on first use.
    pub fn index(&self) -> Result<&SearchIndex, String> {
        let index = self.search.get_or_init(|| {
            let options = IndexOptions {
                cache_dir: self.cache_dir.clone(),
                ..IndexOptions::default()
            };
            SearchIndex::open(self.guide.clone(), &options).map_err(|e| e.to_string())
        });
        index.as_ref().map_err(Clone::clone)
    }

    /// The best `limit` topics for `query`, or when nothing matches, the
    /// nearest topics as suggestions (`suggestion: true`): a palette is
    /// never left empty while some topic is near.
    pub fn search(&self, query: &str, limit: usize) -> Result<Vec<Hit>, String> {
        let found = self
            .index()?
            .lookup(query, limit)
            .map_err(|e| e.to_string())?;
        Ok(if found.hits.is_empty() {
            found.suggestions
        } else {
            found.hits
        })
    }

    /// The whole topic as Markdown.
    pub fn markdown(&self, topic: &Topic) -> String {
        guide::to_markdown(topic, &self.guide)
    }

    /// The topic's Markdown file, written if this process has not written it
    /// yet. `None` without a cache folder or when writing fails (logged).
    pub fn topic_file(&self, id: &str) -> Option<PathBuf> {
        let topic = self.guide.get(id)?;
        let path = self
            .cache_dir
            .as_ref()?
            .join("topics")
            .join(format!("{id}.md"));
        let mut written = self.written.lock().unwrap_or_else(|p| p.into_inner());
        if written.contains(id) && path.is_file() {
            return Some(path);
        }
        match write_if_changed(&path, &self.markdown(topic)) {
            Ok(()) => {
                written.insert(id.to_string());
                Some(path)
            }
            Err(e) => {
                tracing::warn!("cannot write {}: {e}", path.display());
                None
            }
        }
    }
}

fn write_if_changed(path: &Path, content: &str) -> std::io::Result<()> {
    if std::fs::read(path).is_ok_and(|old| old == content.as_bytes()) {
        return Ok(());
    }
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    // Write then rename, so a client never opens a half-written topic.
    let tmp = path.with_extension(format!("md.{}.tmp", std::process::id()));
    std::fs::write(&tmp, content)?;
    std::fs::rename(&tmp, path)
}

/// Each built-in topic's first reference URL (a diagnostic's
/// `codeDescription`), parsed from that topic's file alone on first use:
/// the first diagnostics after `didOpen` never wait for the whole guide to
/// load. Rules name built-in topics only, and a built-in topic wins over a
/// user topic with its id, so this is the loaded guide's answer. Keyed by
/// the rules' static topic ids: at most one entry per topic.
#[derive(Default)]
pub struct References {
    urls: Mutex<std::collections::HashMap<&'static str, Option<Uri>>>,
}

impl References {
    /// The first reference of built-in topic `id`, if it has one.
    pub fn first(&self, id: &'static str) -> Option<Uri> {
        let mut urls = self.urls.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(url) = urls.get(id) {
            return url.clone();
        }
        let url = guide::builtin_topic(id)
            .and_then(|t| t.references.into_iter().next())
            .and_then(|r| r.url.parse::<Uri>().ok());
        urls.insert(id, url.clone());
        url
    }
}

/// A library loaded at most once, on first use or by a background thread.
pub struct LazyLibrary {
    folders: Vec<PathBuf>,
    cache_dir: Option<PathBuf>,
    cell: OnceLock<Arc<Library>>,
    /// Whether a background load was started by [`LazyLibrary::try_get`].
    started: std::sync::atomic::AtomicBool,
}

impl LazyLibrary {
    pub fn new(folders: Vec<PathBuf>, cache_dir: Option<PathBuf>) -> LazyLibrary {
        LazyLibrary {
            folders,
            cache_dir,
            cell: OnceLock::new(),
            started: std::sync::atomic::AtomicBool::new(false),
        }
    }

    pub fn folders(&self) -> &[PathBuf] {
        &self.folders
    }

    /// The library if it is loaded, without waiting. With no user folders
    /// it is loaded right here (the built-in guide needs no IO); else a
    /// background load is started if none is under way, and `None` returned.
    pub fn try_get(self: &Arc<Self>) -> Option<Arc<Library>> {
        if let Some(library) = self.cell.get() {
            return Some(library.clone());
        }
        if self.folders.is_empty() {
            return Some(self.get());
        }
        if !self.started.swap(true, std::sync::atomic::Ordering::AcqRel) {
            let lazy = self.clone();
            let spawned = std::thread::Builder::new()
                .name("pyguide-guide".into())
                .spawn(move || {
                    lazy.get();
                });
            if let Err(e) = spawned {
                tracing::error!("cannot load the guide in the background: {e}");
            }
        }
        None
    }

    /// The library, loading it now if nobody has (callers wait for a load
    /// in progress on another thread). Blocking: not for the async threads.
    pub fn get(&self) -> Arc<Library> {
        self.cell
            .get_or_init(|| Arc::new(Library::load(&self.folders, self.cache_dir.clone())))
            .clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn topic_files_are_written_once_and_rewritten_when_removed() {
        let dir = tempfile::tempdir().unwrap();
        let lib = Library::load(&[], Some(dir.path().to_path_buf()));
        let path = lib.topic_file("asyncio-gather").unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.starts_with("# "), "{text}");
        assert_eq!(path, dir.path().join("topics/asyncio-gather.md"));
        std::fs::remove_file(&path).unwrap();
        assert_eq!(lib.topic_file("asyncio-gather").unwrap(), path);
        assert!(path.is_file());
        assert!(lib.topic_file("no-such-topic").is_none());
        assert!(
            Library::load(&[], None)
                .topic_file("asyncio-gather")
                .is_none()
        );
    }

    #[test]
    fn search_builds_the_index_on_first_use() {
        let lib = Library::load(&[], None);
        assert!(lib.search.get().is_none());
        let hits = lib.search("n+1 queries", 3).unwrap();
        assert!(!hits.is_empty());
        assert!(lib.search.get().is_some());
    }
}
