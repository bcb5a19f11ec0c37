//! Building an index into a directory, and the on-disk cache for large
//! guides: `<cache>/index-v<schema>/<content hash>/`, written to a temporary
//! folder and renamed into place when complete, so a crash or a concurrent
//! start never leaves a half-written index that looks valid.

use std::fs;
use std::path::{Path, PathBuf};

use tantivy::directory::MmapDirectory;
use tantivy::{Directory, Index};
use xxhash_rust::xxh3::Xxh3;

use super::SearchError;
use super::schema;
use crate::guide::Topic;

/// Marks a cache folder whose index was completely written.
const COMPLETE: &str = "pyguide-complete";
/// How many cached indexes (different guides) to keep.
const KEEP: usize = 4;

/// `$PYGUIDE_CACHE_DIR`, else the platform cache folder + `pyguide`.
pub fn default_cache_dir() -> Option<PathBuf> {
    std::env::var_os("PYGUIDE_CACHE_DIR")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .or_else(|| dirs::cache_dir().map(|d| d.join("pyguide")))
}

/// A hash of everything that goes into the index: schema version, crate
/// version and each topic's indexed content, in order.
pub fn cache_key(topics: &[Topic]) -> u128 {
    let mut h = Xxh3::new();
    h.update(&schema::SCHEMA_VERSION.to_le_bytes());
    h.update(env!("CARGO_PKG_VERSION").as_bytes());
    let mut field = |s: &str| {
        h.update(&(s.len() as u64).to_le_bytes());
        h.update(s.as_bytes());
    };
    for t in topics {
        for s in [&t.id, &t.title, &t.module, &t.question, &t.summary, &t.body] {
            field(s);
        }
        for list in [&t.asked, &t.aliases, &t.tags] {
            field(&list.len().to_string());
            for s in list {
                field(s);
            }
        }
    }
    h.digest128()
}

/// Memory for the indexing arena: enough to hold the guide in one segment.
fn mem_budget(topics: usize) -> usize {
    (topics * 16 * 1024).clamp(256 << 10, 1 << 30)
}

/// Indexes `topics` (document `ord` = position) into `dir` as one segment.
pub(crate) fn build_in(
    topics: &[Topic],
    dir: impl Into<Box<dyn Directory>>,
) -> Result<Index, SearchError> {
    let (schema, fields) = schema::schema();
    let mut writer = Index::builder()
        .schema(schema)
        .tokenizers(schema::tokenizers())
        .single_segment_index_writer(dir, mem_budget(topics.len()))?;
    for (ord, topic) in topics.iter().enumerate() {
        writer.add_document(schema::document(&fields, ord, topic))?;
    }
    Ok(writer.finalize()?)
}

/// Opens the cached index for `topics` under `root`, or builds and caches it.
/// Returns the index and whether it came from the cache.
pub(crate) fn open_or_build(root: &Path, topics: &[Topic]) -> Result<(Index, bool), SearchError> {
    let base = root.join(format!("index-v{}", schema::SCHEMA_VERSION));
    let key = format!("{:032x}", cache_key(topics));
    let target = base.join(&key);
    if target.join(COMPLETE).is_file() {
        match open(&target) {
            Ok(index) => return Ok((index, true)),
            Err(e) => {
                tracing::warn!(
                    "cached index {} is unusable ({e}); rebuilding",
                    target.display()
                );
                let _ = fs::remove_dir_all(&target);
            }
        }
    }
    let io = |path: &Path| {
        let path = path.to_path_buf();
        move |source| SearchError::Cache { path, source }
    };
    fs::create_dir_all(&base).map_err(io(&base))?;
    let tmp = base.join(format!("tmp-{key}-{}", std::process::id()));
    let _ = fs::remove_dir_all(&tmp);
    fs::create_dir_all(&tmp).map_err(io(&tmp))?;
    let dir = MmapDirectory::open(&tmp).map_err(|e| SearchError::Tantivy(e.into()))?;
    let built = build_in(topics, dir);
    if let Err(e) = built {
        let _ = fs::remove_dir_all(&tmp);
        return Err(e);
    }
    drop(built);
    fs::write(tmp.join(COMPLETE), key.as_bytes()).map_err(io(&tmp))?;
    if fs::rename(&tmp, &target).is_err() {
        // Another process finished first; its index is as good as ours.
        let _ = fs::remove_dir_all(&tmp);
    }
    prune(&base, &key);
    Ok((open(&target)?, false))
}

fn open(path: &Path) -> Result<Index, SearchError> {
    let mut index = Index::open_in_dir(path)?;
    index.set_tokenizers(schema::tokenizers());
    Ok(index)
}

/// Keeps the `KEEP` most recently written complete indexes (and `keep`).
fn prune(base: &Path, keep: &str) {
    let Ok(entries) = fs::read_dir(base) else {
        return;
    };
    let mut dirs: Vec<(std::time::SystemTime, PathBuf)> = entries
        .flatten()
        .filter(|e| e.file_name() != keep && !e.file_name().to_string_lossy().starts_with("tmp-"))
        .filter_map(|e| {
            let modified = e.path().join(COMPLETE).metadata().ok()?.modified().ok()?;
            Some((modified, e.path()))
        })
        .collect();
    dirs.sort_by_key(|d| std::cmp::Reverse(d.0));
    for (_, path) in dirs.into_iter().skip(KEEP.saturating_sub(1)) {
        let _ = fs::remove_dir_all(path);
    }
}
