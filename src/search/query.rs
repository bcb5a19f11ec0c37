//! Turns what a user typed into a tantivy query: stemmed terms over every
//! field with title and alias boosts, whole identifiers (`select_related`,
//! also when typed as "select related"), phrases, fuzzy terms for typos and a
//! prefix term for the word being typed. A typo is also corrected, and the
//! word being typed completed, against the words that name topics (see
//! `vocab`); those words are then searched like typed ones, so they rank by
//! field and frequency rather than scoring the flat constant of a fuzzy term.

use tantivy::query::{
    BooleanQuery, BoostQuery, FuzzyTermQuery, Occur, PhraseQuery, Query, TermQuery,
};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::tokenizer::TextAnalyzer;
use tantivy::{Searcher, Term};

use super::schema::{Fields, analyze, ident_analyzer, raw_analyzer, stem_analyzer};
use super::symbols::Reading;
use super::vocab::Vocabulary;

/// Words that carry no topic on their own. Dropped from term clauses (kept in
/// phrases) unless the query has nothing else.
const STOP_WORDS: &[&str] = &[
    "a",
    "about",
    "an",
    "and",
    "are",
    "be",
    "between",
    "can",
    "difference",
    "do",
    "does",
    "for",
    "how",
    "i",
    "in",
    "is",
    "it",
    "its",
    "me",
    "my",
    "of",
    "on",
    "or",
    "should",
    "the",
    "to",
    "use",
    "versus",
    "vs",
    "what",
    "when",
    "which",
    "why",
    "with",
    "you",
];

/// Words that say nothing about which topic on their own ("python" is in
/// every question); a query made only of these keeps its Python keywords
/// ("how do I use with in python" is about `with`).
const GENERIC_WORDS: &[&str] = &["python", "django", "py", "code", "explain", "work", "works"];
/// Stop words that are also Python keywords or builtins: kept when nothing
/// but generic words is left.
const KEYWORD_STOP_WORDS: &[&str] = &["and", "for", "in", "is", "or", "with"];

/// Field weights for a stemmed term.
const TERM_BOOSTS: &[(FieldName, f32)] = &[
    (FieldName::Title, 3.0),
    (FieldName::Asked, 3.0),
    (FieldName::Aliases, 3.0),
    (FieldName::Tags, 1.5),
    (FieldName::Question, 1.5),
    (FieldName::Summary, 1.0),
    (FieldName::Body, 0.4),
];
const PHRASE_BOOSTS: &[(FieldName, f32)] = &[
    (FieldName::Asked, 5.0),
    (FieldName::Aliases, 4.0),
    (FieldName::Title, 4.0),
    (FieldName::Question, 2.0),
];
const IDENT_BOOST: f32 = 3.0;
const FUZZY_BOOST: f32 = 1.5;
const PREFIX_BOOST: f32 = 1.0;
/// Weight of a typo's corrections and a prefix's completions relative to a
/// word typed in full.
const CORRECTION_FACTOR: f32 = 0.8;
const PREFIX_FACTOR: f32 = 0.5;
/// The shortest word that gets a fuzzy term, and the shortest that may be
/// two edits away.
const FUZZY_MIN_LEN: usize = 4;
const FUZZY_TWO_EDITS_LEN: usize = 9;
const PREFIX_MIN_LEN: usize = 3;

#[derive(Clone, Copy)]
enum FieldName {
    Title,
    Asked,
    Aliases,
    Tags,
    Question,
    Summary,
    Body,
}

impl FieldName {
    fn field(self, f: &Fields) -> Field {
        match self {
            FieldName::Title => f.title,
            FieldName::Asked => f.asked,
            FieldName::Aliases => f.aliases,
            FieldName::Tags => f.tags,
            FieldName::Question => f.question,
            FieldName::Summary => f.summary,
            FieldName::Body => f.body,
        }
    }
}

/// The analyzers a query needs (tantivy's analyzers want `&mut`).
#[derive(Clone)]
pub(crate) struct Analyzers {
    pub stem: TextAnalyzer,
    raw: TextAnalyzer,
    ident: TextAnalyzer,
}

impl Analyzers {
    pub fn new() -> Analyzers {
        Analyzers {
            stem: stem_analyzer(),
            raw: raw_analyzer(),
            ident: ident_analyzer(),
        }
    }
}

/// A query ready to run, plus what the snippet needs to highlight.
pub(crate) struct Plan {
    pub query: Box<dyn Query>,
    /// Stemmed words to highlight.
    pub highlight: Vec<String>,
    /// Words found in no document as typed, with the edit distance allowed.
    pub typos: Vec<(String, usize)>,
    /// Per query word (and one for the symbols' words), the stems that
    /// count as finding it: its own, its corrections', its completions'.
    pub groups: Vec<Vec<String>>,
}

impl Plan {
    /// The share of the query's word groups with a stem in `keys` (sorted).
    pub fn key_share(&self, keys: &[String]) -> f32 {
        if self.groups.is_empty() {
            return 0.0;
        }
        let found = self
            .groups
            .iter()
            .filter(|g| g.iter().any(|s| keys.binary_search(s).is_ok()))
            .count();
        found as f32 / self.groups.len() as f32
    }
}

/// The words of a query that are searched as terms: stop words are dropped
/// unless quoted, unless nothing else is left, and Python keywords among
/// them are kept when the rest is only generic words.
fn content_words<'a>(all_words: &'a [String], reading: &Reading) -> Vec<&'a String> {
    let kept = |w: &&String, keywords: bool| {
        !STOP_WORDS.contains(&w.as_str())
            || reading.quoted.contains(*w)
            || (keywords && KEYWORD_STOP_WORDS.contains(&w.as_str()))
    };
    let content: Vec<&String> = all_words.iter().filter(|w| kept(w, false)).collect();
    let only_generic = content.iter().all(|w| GENERIC_WORDS.contains(&w.as_str()));
    if content.is_empty() && reading.extra.is_empty() {
        all_words.iter().collect()
    } else if only_generic && reading.extra.is_empty() {
        all_words.iter().filter(|w| kept(w, true)).collect()
    } else {
        content
    }
}

/// Builds the query for `input`, or `None` when it has no searchable word
/// (nor a symbol that stands for one).
pub(crate) fn plan(
    input: &str,
    reading: &Reading,
    fields: &Fields,
    searcher: &Searcher,
    an: &mut Analyzers,
    vocab: &Vocabulary,
) -> Option<Plan> {
    let all_words = analyze(&mut an.raw, input);
    if all_words.is_empty() && reading.extra.is_empty() {
        return None;
    }
    let words = content_words(&all_words, reading);
    let exists = |field: Field, text: &str| {
        searcher
            .doc_freq(&Term::from_field_text(field, text))
            .is_ok_and(|n| n > 0)
    };

    let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
    let mut highlight = Vec::new();
    let mut typos = Vec::new();
    let typing_last_word = !input.ends_with(char::is_whitespace);

    let mut groups = Vec::new();
    let specific = words.iter().any(|w| !GENERIC_WORDS.contains(&w.as_str()));
    for (i, word) in words.iter().enumerate() {
        let mut per_word: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        per_word.extend(stemmed_terms(fields, &mut an.stem, word, 1.0));
        let stems = analyze(&mut an.stem, word);
        highlight.extend(stems.iter().cloned());
        let mut group = stems;
        per_word.push(should(boosted(term(fields.idents, word), IDENT_BOOST)));
        let len = word.chars().count();
        if len >= FUZZY_MIN_LEN
            && !word.chars().all(|c| c.is_ascii_digit())
            && !exists(fields.raw, word)
        {
            let distance = max_edits(len);
            per_word.extend(fuzzy(fields.raw, word, distance, FUZZY_BOOST));
            for correction in vocab.correct(word, distance) {
                group.extend(analyze(&mut an.stem, correction));
                per_word.extend(stemmed_terms(
                    fields,
                    &mut an.stem,
                    correction,
                    CORRECTION_FACTOR,
                ));
            }
            typos.push(((*word).clone(), distance));
        }
        if typing_last_word
            && i + 1 == words.len()
            && len >= PREFIX_MIN_LEN
            && Some(*word) == all_words.last()
        {
            let t = Term::from_field_text(fields.raw, word);
            per_word.push(should(boosted(
                Box::new(FuzzyTermQuery::new_prefix(t, 0, true)),
                PREFIX_BOOST,
            )));
            // A word that exists as typed is finished; completing it would
            // only add clauses (and latency) for longer words.
            let completions = if exists(fields.raw, word) {
                Vec::new()
            } else {
                vocab.expand_prefix(word)
            };
            for completion in completions {
                group.extend(analyze(&mut an.stem, completion));
                per_word.extend(stemmed_terms(
                    fields,
                    &mut an.stem,
                    completion,
                    PREFIX_FACTOR,
                ));
            }
        }
        clauses.push(should(Box::new(BooleanQuery::new(per_word))));
        if !specific || !GENERIC_WORDS.contains(&word.as_str()) {
            groups.push(group);
        }
    }
    // What the symbols stand for (`==` → equality), weighted as the reading says.
    let mut symbol_group = Vec::new();
    for &(word, weight) in &reading.extra {
        let mut per_word = stemmed_terms(fields, &mut an.stem, word, weight);
        let stems = analyze(&mut an.stem, word);
        highlight.extend(stems.iter().cloned());
        symbol_group.extend(stems);
        per_word.push(should(boosted(
            term(fields.idents, word),
            IDENT_BOOST * weight,
        )));
        clauses.push(should(Box::new(BooleanQuery::new(per_word))));
    }
    if !symbol_group.is_empty() {
        groups.push(symbol_group);
    }

    // Whole identifiers as typed (`select_related`, `asyncio.gather` → both parts),
    // plus adjacent words joined with '_' ("select related" → select_related).
    let typed_idents = analyze(&mut an.ident, input);
    let mut idents: Vec<String> = typed_idents
        .iter()
        .filter(|i| i.contains('_'))
        .cloned()
        .collect();
    idents.extend(all_words.windows(2).map(|w| format!("{}_{}", w[0], w[1])));
    for ident in idents {
        if exists(fields.idents, &ident) {
            clauses.push(should(boosted(
                term(fields.idents, &ident),
                IDENT_BOOST * 2.0,
            )));
        } else if ident.contains('_')
            && ident.len() >= FUZZY_MIN_LEN
            && typed_idents.contains(&ident)
        {
            // One edit: a two-edit automaton for a long identifier costs
            // more to build than the rest of the query together.
            let distance = 1;
            clauses.extend(fuzzy(fields.idents, &ident, distance, IDENT_BOOST));
            typos.push((ident, distance));
        }
    }

    // The whole input as a phrase, all words kept ("x is 1", "too many queries in a loop").
    let stems: Vec<String> = all_words
        .iter()
        .flat_map(|w| analyze(&mut an.stem, w))
        .collect();
    if stems.len() >= 2 {
        for &(name, boost) in PHRASE_BOOSTS {
            let field = name.field(fields);
            let terms = stems
                .iter()
                .enumerate()
                .map(|(i, s)| (i, Term::from_field_text(field, s)))
                .collect();
            let phrase = PhraseQuery::new_with_offset_and_slop(terms, 1);
            clauses.push(should(boosted(Box::new(phrase), boost)));
        }
    }

    Some(Plan {
        query: Box::new(BooleanQuery::new(clauses)),
        highlight,
        typos,
        groups,
    })
}

/// Term clauses for `word`'s stems over every stemmed field, with the field
/// boosts scaled by `factor`.
fn stemmed_terms(
    fields: &Fields,
    stem: &mut TextAnalyzer,
    word: &str,
    factor: f32,
) -> Vec<(Occur, Box<dyn Query>)> {
    let mut out = Vec::new();
    for s in analyze(stem, word) {
        for &(name, boost) in TERM_BOOSTS {
            out.push(should(boosted(
                term(name.field(fields), &s),
                boost * factor,
            )));
        }
    }
    out
}

/// How many edits a typo of a word this long may have.
fn max_edits(len: usize) -> usize {
    if len >= FUZZY_TWO_EDITS_LEN { 2 } else { 1 }
}

/// Fuzzy clauses for `text` up to `max` edits. Fuzzy terms score a constant,
/// so there is one clause per distance: a word one edit away matches both
/// and outranks one two edits away.
fn fuzzy(field: Field, text: &str, max: usize, boost: f32) -> Vec<(Occur, Box<dyn Query>)> {
    (1..=max)
        .map(|d| {
            let t = Term::from_field_text(field, text);
            should(boosted(
                Box::new(FuzzyTermQuery::new(t, d as u8, true)),
                boost / d as f32,
            ))
        })
        .collect()
}

fn term(field: Field, text: &str) -> Box<dyn Query> {
    Box::new(TermQuery::new(
        Term::from_field_text(field, text),
        IndexRecordOption::WithFreqs,
    ))
}

fn boosted(q: Box<dyn Query>, boost: f32) -> Box<dyn Query> {
    Box::new(BoostQuery::new(q, boost))
}

fn should(q: Box<dyn Query>) -> (Occur, Box<dyn Query>) {
    (Occur::Should, q)
}
