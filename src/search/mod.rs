//! Topic search with tantivy: the index is built in memory from a [`Guide`]
//! at start-up (a few milliseconds for the built-in guide); large guides are
//! persisted in the user cache directory under a content hash so the next
//! start opens them instead of rebuilding (see [`cache`]).
//!
//! Knows the guide's data types, nothing of the CLI, LSP or Python parsing.

mod cache;
mod query;
mod rank;
mod schema;
mod snippet;
mod suggest;
mod symbols;
mod vocab;

use std::path::PathBuf;
use std::sync::{Arc, OnceLock};

use serde::Serialize;
use tantivy::collector::TopDocs;
use tantivy::schema::Value;
use tantivy::{Index, IndexReader, ReloadPolicy, TantivyDocument};

use crate::guide::{Guide, Topic};
pub use cache::{cache_key, default_cache_dir};

/// Guides with at least this many topics are persisted on disk by default.
pub const PERSIST_THRESHOLD: usize = 1000;

/// Errors from building, opening or querying the index.
#[derive(Debug, thiserror::Error)]
pub enum SearchError {
    #[error("search index: {0}")]
    Tantivy(#[from] tantivy::TantivyError),
    #[error("search index cache {path}: {source}")]
    Cache {
        path: PathBuf,
        source: std::io::Error,
    },
}

/// One search result.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Hit {
    pub id: String,
    pub title: String,
    pub module: String,
    pub score: f32,
    /// A short excerpt with the matched words wrapped in `**`.
    pub snippet: String,
    /// The rule code of a construct found in searched code (`PG206`), for
    /// hits that come from code rather than words.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    /// A "did you mean" suggestion rather than a match.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub suggestion: bool,
}

/// What a search found: the hits, and when none of them scores well (or
/// there are none), the nearest topics by title and `asked` phrasing.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Found {
    pub hits: Vec<Hit>,
    pub suggestions: Vec<Hit>,
}

/// How many "did you mean" suggestions a weak search offers.
pub const SUGGESTIONS: usize = 5;
/// Candidates read from the index before re-ranking, at least.
const MIN_CANDIDATES: usize = 20;

/// Where the index lives.
#[derive(Debug, Clone)]
pub struct IndexOptions {
    /// Cache folder for persisted indexes; `None` keeps everything in memory.
    pub cache_dir: Option<PathBuf>,
    /// Persist only guides with at least this many topics.
    pub persist_threshold: usize,
}

impl Default for IndexOptions {
    fn default() -> Self {
        IndexOptions {
            cache_dir: default_cache_dir(),
            persist_threshold: PERSIST_THRESHOLD,
        }
    }
}

/// The searchable guide.
pub struct SearchIndex {
    guide: Arc<Guide>,
    reader: IndexReader,
    fields: schema::Fields,
    analyzers: query::Analyzers,
    /// Whether this index was opened from the on-disk cache.
    from_cache: bool,
    /// Read from the `raw_key` term dictionary on the first query that needs it.
    vocab: OnceLock<vocab::Vocabulary>,
    /// Per topic, the sorted stems of its key text (title, question, asked,
    /// aliases, tags), computed the first time the topic is a candidate.
    keys: Vec<OnceLock<Box<[String]>>>,
    /// Per topic, what its snippets need (plain body, typo candidates),
    /// made the first time a hit needs it.
    snippet_cache: Vec<snippet::TopicCache>,
}

impl SearchIndex {
    /// Builds the index in memory.
    pub fn build(guide: Arc<Guide>) -> Result<SearchIndex, SearchError> {
        let index = cache::build_in(guide.topics(), tantivy::directory::RamDirectory::create())?;
        SearchIndex::from_index(guide, index, false)
    }

    /// Opens the persisted index for this guide when there is one, builds
    /// (and persists) it otherwise; small guides are built in memory.
    pub fn open(guide: Arc<Guide>, options: &IndexOptions) -> Result<SearchIndex, SearchError> {
        match &options.cache_dir {
            Some(dir) if guide.len() >= options.persist_threshold => {
                match cache::open_or_build(dir, guide.topics()) {
                    Ok((index, from_cache)) => SearchIndex::from_index(guide, index, from_cache),
                    Err(e) => {
                        tracing::warn!("{e}; building the index in memory instead");
                        SearchIndex::build(guide)
                    }
                }
            }
            _ => SearchIndex::build(guide),
        }
    }

    fn from_index(
        guide: Arc<Guide>,
        index: Index,
        from_cache: bool,
    ) -> Result<SearchIndex, SearchError> {
        let (_, fields) = schema::schema();
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()?;
        Ok(SearchIndex {
            reader,
            fields,
            analyzers: query::Analyzers::new(),
            from_cache,
            vocab: OnceLock::new(),
            keys: (0..guide.len()).map(|_| OnceLock::new()).collect(),
            snippet_cache: (0..guide.len()).map(|_| Default::default()).collect(),
            guide,
        })
    }

    pub fn guide(&self) -> &Guide {
        &self.guide
    }

    /// True when the index was opened from the on-disk cache, not built.
    pub fn from_cache(&self) -> bool {
        self.from_cache
    }

    /// The best `limit` topics for `input`, best first. Empty when nothing
    /// matches (or the input has no word in it, nor a symbol such as `==`).
    pub fn search(&self, input: &str, limit: usize) -> Result<Vec<Hit>, SearchError> {
        Ok(self.ranked(input, limit)?.0)
    }

    /// [`search`](Self::search), plus "did you mean" suggestions when no hit
    /// matches the query in a topic's title, question, `asked`, aliases or
    /// tags (only body mentions, typos matched loosely, or nothing at all).
    pub fn lookup(&self, input: &str, limit: usize) -> Result<Found, SearchError> {
        let (hits, weak) = self.ranked(input, limit)?;
        let suggestions = if weak {
            self.suggest(input, SUGGESTIONS)
                .into_iter()
                .filter(|s| !hits.iter().any(|h| h.id == s.id))
                .collect()
        } else {
            Vec::new()
        };
        Ok(Found { hits, suggestions })
    }

    /// The topics whose title, `asked` phrasings or aliases look most like
    /// `input`, nearest first, as hits with `suggestion` set; the snippet is
    /// the phrasing that was nearest.
    pub fn suggest(&self, input: &str, limit: usize) -> Vec<Hit> {
        suggest::nearest(input, self.guide.topics(), limit)
            .into_iter()
            .map(|near| {
                let topic = &self.guide.topics()[near.ord];
                Hit {
                    id: topic.id.clone(),
                    title: topic.title.clone(),
                    module: topic.module.clone(),
                    score: near.similarity,
                    snippet: near.phrase.to_string(),
                    code: None,
                    suggestion: true,
                }
            })
            .collect()
    }

    /// The hits, best first, and whether they are weak (none matches a key field).
    fn ranked(&self, input: &str, limit: usize) -> Result<(Vec<Hit>, bool), SearchError> {
        if limit == 0 {
            return Ok((Vec::new(), false));
        }
        let searcher = self.reader.searcher();
        let mut analyzers = self.analyzers.clone();
        let vocab = self
            .vocab
            .get_or_init(|| read_vocabulary(&searcher, self.fields.raw_key));
        let reading = symbols::read(input);
        let Some(plan) = query::plan(
            input,
            &reading,
            &self.fields,
            &searcher,
            &mut analyzers,
            vocab,
        ) else {
            return Ok((Vec::new(), true));
        };
        let wanted = limit.max(MIN_CANDIDATES);
        let top = searcher.search(&plan.query, &TopDocs::with_limit(wanted).order_by_score())?;
        let mut candidates = Vec::with_capacity(top.len());
        for (score, address) in top {
            let doc: TantivyDocument = searcher.doc(address)?;
            let Some(ord) = doc
                .get_first(self.fields.ord)
                .and_then(|v| v.as_u64())
                .map(|ord| ord as usize)
                .filter(|&ord| ord < self.guide.len())
            else {
                continue;
            };
            let keys = self.keys[ord]
                .get_or_init(|| key_stems(&self.guide.topics()[ord], &mut analyzers.stem));
            candidates.push(rank::Candidate {
                ord,
                score,
                key_share: plan.key_share(keys),
            });
        }
        rank::rerank(&mut candidates, self.guide.topics(), reading.depth);
        let weak = candidates.iter().all(|c| c.key_share == 0.0);
        let mut snippets = snippet::Snippets::new(&plan, &analyzers.stem);
        let hits = candidates
            .into_iter()
            .take(limit)
            .map(|c| {
                let topic = &self.guide.topics()[c.ord];
                let cache = || &self.snippet_cache[c.ord];
                Hit {
                    id: topic.id.clone(),
                    title: topic.title.clone(),
                    module: topic.module.clone(),
                    score: c.score,
                    snippet: snippets.make(topic, cache, &mut analyzers.stem),
                    code: None,
                    suggestion: false,
                }
            })
            .collect();
        Ok((hits, weak))
    }

    /// The topic with this exact id.
    pub fn topic(&self, id: &str) -> Option<&Topic> {
        self.guide.get(id)
    }
}

/// The sorted, unique stems of what names `topic`: title, question,
/// `asked`, aliases, tags and id.
fn key_stems(topic: &Topic, stem: &mut tantivy::tokenizer::TextAnalyzer) -> Box<[String]> {
    let mut stems = Vec::new();
    for text in [&topic.title, &topic.question, &topic.id]
        .into_iter()
        .chain(&topic.asked)
        .chain(&topic.aliases)
        .chain(&topic.tags)
    {
        stems.extend(schema::analyze(stem, text));
    }
    stems.sort_unstable();
    stems.dedup();
    stems.into_boxed_slice()
}

/// Every term of `field` across segments, sorted and unique. A term
/// dictionary that cannot be read leaves the vocabulary empty: typo
/// correction is then off, and fuzzy terms still match.
fn read_vocabulary(
    searcher: &tantivy::Searcher,
    field: tantivy::schema::Field,
) -> vocab::Vocabulary {
    let mut words = Vec::new();
    for segment in searcher.segment_readers() {
        let Ok(inverted) = segment.inverted_index(field) else {
            continue;
        };
        let Ok(mut stream) = inverted.terms().stream() else {
            continue;
        };
        while stream.advance() {
            if let Ok(word) = std::str::from_utf8(stream.key()) {
                words.push(word.to_string());
            }
        }
    }
    words.sort_unstable();
    words.dedup();
    vocab::Vocabulary::from_sorted(words)
}
