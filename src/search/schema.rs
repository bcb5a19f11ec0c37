//! The tantivy schema and text analyzers of the topic index, and how a topic
//! becomes a document.

use tantivy::TantivyDocument;
use tantivy::schema::{
    Field, INDEXED, IndexRecordOption, STORED, Schema, TextFieldIndexing, TextOptions,
};
use tantivy::tokenizer::{
    Language, LowerCaser, RegexTokenizer, RemoveLongFilter, SimpleTokenizer, Stemmer, TextAnalyzer,
    TokenizerManager,
};

use crate::guide::{STANDARD_HEADINGS, Topic};
use crate::text;

/// Bump when the schema, analyzers or document contents change: it is part
/// of the persisted index's cache key.
pub(crate) const SCHEMA_VERSION: u32 = 3;

/// English words, stemmed: "decorators" and "decorating" meet at "decor".
pub(crate) const STEM: &str = "pyguide_stem";
/// Lower-cased words, not stemmed: what fuzzy and prefix terms match against.
pub(crate) const RAW: &str = "pyguide_raw";
/// Whole identifiers: `select_related` stays one token.
pub(crate) const IDENT: &str = "pyguide_ident";

/// Handles to every field of the schema.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Fields {
    /// Position of the topic in its `Guide` (stored).
    pub ord: Field,
    pub title: Field,
    pub aliases: Field,
    pub tags: Field,
    pub question: Field,
    /// The `asked` phrasings: how people really ask for the topic.
    pub asked: Field,
    pub summary: Field,
    pub body: Field,
    pub idents: Field,
    pub raw: Field,
    /// Unstemmed words of what names the topic (title, asked, aliases, tags): a
    /// fuzzy or prefix match here counts more than one in the question.
    pub raw_key: Field,
}

pub(crate) fn schema() -> (Schema, Fields) {
    let mut b = Schema::builder();
    let text = |tokenizer: &str, record: IndexRecordOption| {
        TextOptions::default().set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer(tokenizer)
                .set_index_option(record),
        )
    };
    let positions = IndexRecordOption::WithFreqsAndPositions;
    let freqs = IndexRecordOption::WithFreqs;
    let fields = Fields {
        ord: b.add_u64_field("ord", STORED | INDEXED),
        title: b.add_text_field("title", text(STEM, positions)),
        aliases: b.add_text_field("aliases", text(STEM, positions)),
        tags: b.add_text_field("tags", text(STEM, freqs)),
        question: b.add_text_field("question", text(STEM, positions)),
        asked: b.add_text_field("asked", text(STEM, positions)),
        summary: b.add_text_field("summary", text(STEM, freqs)),
        body: b.add_text_field("body", text(STEM, freqs)),
        idents: b.add_text_field("idents", text(IDENT, freqs)),
        raw: b.add_text_field("raw", text(RAW, IndexRecordOption::Basic)),
        raw_key: b.add_text_field("raw_key", text(RAW, IndexRecordOption::Basic)),
    };
    (b.build(), fields)
}

pub(crate) fn stem_analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(48))
        .filter(LowerCaser)
        .filter(Stemmer::new(Language::English))
        .build()
}

pub(crate) fn raw_analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(48))
        .filter(LowerCaser)
        .build()
}

pub(crate) fn ident_analyzer() -> TextAnalyzer {
    let tokenizer = RegexTokenizer::new(r"[A-Za-z_][A-Za-z0-9_]*")
        .expect("the identifier pattern is a valid regex");
    TextAnalyzer::builder(tokenizer)
        .filter(RemoveLongFilter::limit(64))
        .filter(LowerCaser)
        .build()
}

pub(crate) fn tokenizers() -> TokenizerManager {
    let manager = TokenizerManager::default();
    manager.register(STEM, stem_analyzer());
    manager.register(RAW, raw_analyzer());
    manager.register(IDENT, ident_analyzer());
    manager
}

/// Runs `analyzer` over `text` and returns the token texts.
pub(crate) fn analyze(analyzer: &mut TextAnalyzer, text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut stream = analyzer.token_stream(text);
    while let Some(token) = stream.next() {
        out.push(token.text.clone());
    }
    out
}

/// What of a topic is indexed, precomputed once: the plain prose of the body
/// and the identifiers of its code.
pub(crate) struct TopicText {
    pub plain_body: String,
    pub identifiers: Vec<String>,
}

impl TopicText {
    pub fn of(topic: &Topic) -> TopicText {
        let mut identifiers = text::code_identifiers(&topic.body);
        for alias in &topic.aliases {
            identifiers.extend(text::identifiers(alias).filter(|i| i.contains('_')));
        }
        TopicText {
            plain_body: text::markdown_to_plain(&topic.body, &STANDARD_HEADINGS),
            identifiers,
        }
    }
}

pub(crate) fn document(fields: &Fields, ord: usize, topic: &Topic) -> TantivyDocument {
    let extra = TopicText::of(topic);
    let mut doc = TantivyDocument::default();
    doc.add_u64(fields.ord, ord as u64);
    doc.add_text(fields.title, &topic.title);
    for alias in &topic.aliases {
        doc.add_text(fields.aliases, alias);
    }
    for tag in topic.tags.iter().chain(std::iter::once(&topic.module)) {
        doc.add_text(fields.tags, tag);
    }
    doc.add_text(fields.question, &topic.question);
    for asked in &topic.asked {
        doc.add_text(fields.asked, asked);
    }
    doc.add_text(fields.summary, &topic.summary);
    doc.add_text(fields.body, &extra.plain_body);
    for ident in &extra.identifiers {
        doc.add_text(fields.idents, ident);
    }
    for value in [&topic.title, &topic.question, &topic.summary, &topic.id] {
        doc.add_text(fields.raw, value);
    }
    for value in topic
        .asked
        .iter()
        .chain(&topic.aliases)
        .chain(&topic.tags)
        .chain(&extra.identifiers)
    {
        doc.add_text(fields.raw, value);
    }
    for value in std::iter::once(&topic.title)
        .chain(&topic.asked)
        .chain(&topic.aliases)
        .chain(&topic.tags)
    {
        doc.add_text(fields.raw_key, value);
    }
    doc
}
