//! Searching: reader queries (words and "quoted phrases", any language, with filters and a
//! recency boost), highlighted snippets, spelling suggestions and related stories.

use crate::SearchError;
use crate::analysis::{Analyzer, spelling_form, words};
use crate::index::{Fields, SearchIndex, weighted_text_fields};
use crate::simhash;
use arabpress_core::Lang;
use jiff::Timestamp;
use std::collections::{HashMap, HashSet};
use std::ops::{Bound, Range};
use tantivy::collector::{Count, TopDocs};
use tantivy::query::{
    BooleanQuery, BoostQuery, ConstScoreQuery, FuzzyTermQuery, Occur, PhraseQuery, Query,
    RangeQuery, TermQuery,
};
use tantivy::schema::{IndexRecordOption, Value};
use tantivy::snippet::SnippetGenerator;
use tantivy::{DocAddress, DocId, Score, Searcher, SegmentReader, TantivyDocument, Term};

/// Longest query taken, in characters; the rest is dropped (and the page says so).
pub const MAX_QUERY_CHARS: usize = 200;
/// Most terms taken from one query.
const MAX_TERMS: usize = 24;
/// Words shorter than this are not corrected.
const SPELLING_MIN_CHARS: usize = 5;
/// Characters of body text in a snippet (tantivy counts bytes; Arabic letters take two).
const SNIPPET_BYTES: usize = 320;
/// Queries of this many words or more reward their words standing together.
const PROXIMITY_MIN_TERMS: usize = 4;
/// The neighbouring pairs looked at are among the first this many words.
const PROXIMITY_MAX_TERMS: usize = 10;
/// What a pair standing together adds, beside each word's own score.
const PROXIMITY_WEIGHT: f32 = 0.5;

/// A reader's search.
#[derive(Debug, Clone)]
pub struct SearchQuery<'a> {
    /// What the reader typed.
    pub text: &'a str,
    /// Only this language (`None`: all).
    pub lang: Option<Lang>,
    /// Only this section.
    pub section_id: Option<i64>,
    /// Only this author.
    pub author_id: Option<i64>,
    /// Published at or after.
    pub from: Option<Timestamp>,
    /// Published before.
    pub to: Option<Timestamp>,
    /// The current time: later articles are not public yet, and recency counts from here.
    pub now: Timestamp,
    /// Hits to skip.
    pub offset: usize,
    /// Hits to return.
    pub limit: usize,
}

/// Why a query found nothing before it ran.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QueryProblem {
    /// No words at all.
    Empty,
    /// Only words too common to search for ("the", "في").
    OnlyStopWords,
}

/// Whether some article holds every word of the query (hits are ranked by how many of the
/// words they hold, and how rare those are, in either case).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Matched {
    /// At least one article holds every word.
    AllWords,
    /// No article had every word; hits have some of them.
    SomeWords,
}

/// Text with the ranges to highlight.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Highlighted {
    /// The text.
    pub text: String,
    /// Byte ranges of matched words, in order, not overlapping.
    pub marks: Vec<Range<usize>>,
}

impl Highlighted {
    /// The text cut into runs, each flagged when it is a match.
    pub fn segments(&self) -> Vec<(String, bool)> {
        let mut out = Vec::new();
        let mut at = 0;
        for r in &self.marks {
            if r.is_empty() || r.start < at || r.end > self.text.len() {
                continue;
            }
            if let (Some(plain), Some(mark)) =
                (self.text.get(at..r.start), self.text.get(r.clone()))
            {
                if !plain.is_empty() {
                    out.push((plain.to_owned(), false));
                }
                out.push((mark.to_owned(), true));
                at = r.end;
            }
        }
        if let Some(rest) = self.text.get(at..).filter(|r| !r.is_empty()) {
            out.push((rest.to_owned(), false));
        }
        out
    }
}

/// One result.
#[derive(Debug, Clone, PartialEq)]
pub struct Hit {
    /// Store id of the article.
    pub id: i64,
    /// Relevance after the recency boost.
    pub score: f32,
    /// The headline with matches marked.
    pub headline: Highlighted,
    /// The best passage of the article with matches marked.
    pub snippet: Highlighted,
}

/// The answer to a [`SearchQuery`].
#[derive(Debug, Clone, PartialEq)]
pub struct SearchResults {
    /// How many articles matched in all.
    pub total: usize,
    /// This page of them, best first.
    pub hits: Vec<Hit>,
    /// Whether hits have all the words.
    pub matched: Matched,
    /// A query that would find something, when this one found nothing.
    pub suggestion: Option<String>,
    /// Why nothing was searched.
    pub problem: Option<QueryProblem>,
    /// True when the query was longer than [`MAX_QUERY_CHARS`] and was cut.
    pub truncated: bool,
}

impl SearchResults {
    fn nothing(problem: Option<QueryProblem>, truncated: bool) -> SearchResults {
        SearchResults {
            total: 0,
            hits: Vec::new(),
            matched: Matched::AllWords,
            suggestion: None,
            problem,
            truncated,
        }
    }
}

/// A query taken apart: loose terms and phrases (terms with their relative positions).
#[derive(Debug, Default, PartialEq)]
struct Parsed {
    terms: Vec<String>,
    phrases: Vec<Vec<(usize, String)>>,
    /// The words as typed (for spelling suggestions), in order.
    words: Vec<String>,
    /// True when there were words but all were stop words.
    only_stop_words: bool,
    truncated: bool,
}

fn is_quote(c: char) -> bool {
    matches!(c, '"' | '«' | '»' | '“' | '”' | '„')
}

fn parse(input: &str, analyzer: &Analyzer) -> Parsed {
    let mut clean: String = input
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    let mut truncated = false;
    if let Some((cut, _)) = clean.char_indices().nth(MAX_QUERY_CHARS) {
        clean.truncate(cut);
        truncated = true;
    }
    // Split into quoted and unquoted runs; an unclosed quote quotes nothing.
    let mut runs: Vec<(bool, String)> = Vec::new();
    let mut current = String::new();
    let mut quoted = false;
    for c in clean.chars() {
        if is_quote(c) {
            runs.push((quoted, std::mem::take(&mut current)));
            quoted = !quoted;
        } else {
            current.push(c);
        }
    }
    runs.push((quoted, current));
    if let Some(last) = runs.last_mut().filter(|_| quoted) {
        last.0 = false;
    }
    let mut p = Parsed {
        truncated,
        ..Parsed::default()
    };
    let mut seen = HashSet::new();
    let mut any_word = false;
    for (is_phrase, text) in runs {
        p.words.extend(words(&text).map(|(_, w)| w.to_owned()));
        any_word |= words(&text).next().is_some();
        let tokens = analyzer.tokens(&text);
        if is_phrase && tokens.len() > 1 {
            let first = tokens[0].position;
            p.phrases.push(
                tokens
                    .into_iter()
                    .map(|t| (t.position - first, t.text))
                    .collect(),
            );
        } else {
            for t in tokens {
                if p.terms.len() < MAX_TERMS && seen.insert(t.text.clone()) {
                    p.terms.push(t.text);
                }
            }
        }
    }
    p.only_stop_words = any_word && p.terms.is_empty() && p.phrases.is_empty();
    p
}

/// What a query string is taken apart into, with the news analyser: the loose terms (at
/// most 24, each once) and the quoted phrases (each a list of terms with their positions
/// relative to the phrase's first word). This is what [`SearchIndex::search`] looks for.
pub fn query_terms(input: &str) -> (Vec<String>, Vec<Vec<(usize, String)>>) {
    let p = parse(input, &Analyzer::news());
    (p.terms, p.phrases)
}

fn term_query(field: tantivy::schema::Field, text: &str) -> Box<dyn Query> {
    Box::new(TermQuery::new(
        Term::from_field_text(field, text),
        IndexRecordOption::WithFreqs,
    ))
}

fn filter(q: Box<dyn Query>) -> (Occur, Box<dyn Query>) {
    (Occur::Must, Box::new(ConstScoreQuery::new(q, 0.0)))
}

fn i64_term(field: tantivy::schema::Field, v: i64) -> Box<dyn Query> {
    Box::new(TermQuery::new(
        Term::from_field_i64(field, v),
        IndexRecordOption::Basic,
    ))
}

/// A term in any text field, weighted by field.
fn any_field(f: &Fields, term: &str) -> Box<dyn Query> {
    Box::new(BooleanQuery::new(
        weighted_text_fields(f)
            .into_iter()
            .map(|(field, w)| {
                (
                    Occur::Should,
                    Box::new(BoostQuery::new(term_query(field, term), w)) as Box<dyn Query>,
                )
            })
            .collect(),
    ))
}

fn phrase_any_field(f: &Fields, phrase: &[(usize, String)]) -> Box<dyn Query> {
    Box::new(BooleanQuery::new(
        weighted_text_fields(f)
            .into_iter()
            .map(|(field, w)| {
                let terms = phrase
                    .iter()
                    .map(|(pos, t)| (*pos, Term::from_field_text(field, t)))
                    .collect();
                (
                    Occur::Should,
                    Box::new(BoostQuery::new(
                        Box::new(PhraseQuery::new_with_offset(terms)),
                        w,
                    )) as Box<dyn Query>,
                )
            })
            .collect(),
    ))
}

/// The snippet's matches, moved `shift` bytes on.
fn shifted(s: &tantivy::snippet::Snippet, shift: usize) -> Vec<Range<usize>> {
    s.highlighted()
        .iter()
        .map(|r| r.start + shift..r.end + shift)
        .collect()
}

/// The whole text with the snippet's matches marked in it.
fn whole(text: String, s: &tantivy::snippet::Snippet) -> Highlighted {
    Highlighted {
        marks: shifted(s, s.fragment_range().start),
        text,
    }
}

/// The snippet's passage, with an ellipsis where it cuts the text.
fn excerpt(full: &str, s: &tantivy::snippet::Snippet) -> Highlighted {
    let range = s.fragment_range();
    let mut text = String::with_capacity(s.fragment().len() + 6);
    let mut shift = 0;
    if range.start > 0 {
        text.push_str("… ");
        shift = text.len();
    }
    text.push_str(s.fragment());
    if range.end < full.trim_end().len() {
        text.push_str(" …");
    }
    Highlighted {
        marks: shifted(s, shift),
        text,
    }
}

/// Recency: an article published now counts 1.5 times one published long ago; the bonus
/// halves every two weeks.
fn recency_factor(age_secs: i64) -> f32 {
    let days = (age_secs.max(0) as f32) / 86_400.0;
    1.0 + 0.5 * (-days / 14.0).exp2()
}

fn published_column(
    seg: &SegmentReader,
) -> Option<std::sync::Arc<dyn tantivy::columnar::ColumnValues<i64>>> {
    seg.fast_fields()
        .i64("published")
        .ok()
        .map(|c| c.first_or_default_col(0))
}

impl SearchIndex {
    /// Runs a reader's search.
    pub fn search(&self, q: &SearchQuery<'_>) -> Result<SearchResults, SearchError> {
        let analyzer = Analyzer::news();
        let parsed = parse(q.text, &analyzer);
        if parsed.terms.is_empty() && parsed.phrases.is_empty() {
            let problem = if parsed.only_stop_words {
                QueryProblem::OnlyStopWords
            } else {
                QueryProblem::Empty
            };
            return Ok(SearchResults::nothing(Some(problem), parsed.truncated));
        }
        let searcher = self.reader.searcher();
        let f = &self.fields;
        let filters = self.filters(q);
        let (total, top, query) = self.run(&searcher, &parsed, &filters, q)?;
        let matched = if total > 0
            && parsed.terms.len() + parsed.phrases.len() > 1
            && self.count_every_word(&searcher, &parsed, &filters)? == 0
        {
            Matched::SomeWords
        } else {
            Matched::AllWords
        };
        let mut hits = Vec::with_capacity(top.len());
        if !top.is_empty() {
            let mut body_snippets = SnippetGenerator::create(&searcher, query.as_ref(), f.body)?;
            body_snippets.set_max_num_chars(SNIPPET_BYTES);
            let mut standfirst_snippets =
                SnippetGenerator::create(&searcher, query.as_ref(), f.standfirst)?;
            standfirst_snippets.set_max_num_chars(SNIPPET_BYTES);
            let mut headline_snippets =
                SnippetGenerator::create(&searcher, query.as_ref(), f.headline)?;
            headline_snippets.set_max_num_chars(10_000);
            for (score, addr) in top {
                let doc: TantivyDocument = searcher.doc(addr)?;
                let text = |field| {
                    doc.get_first(field)
                        .and_then(|v| v.as_str())
                        .unwrap_or_default()
                        .to_owned()
                };
                let Some(id) = doc.get_first(f.id).and_then(|v| v.as_i64()) else {
                    continue;
                };
                let headline_text = text(f.headline);
                let h = headline_snippets.snippet(&headline_text);
                let headline = whole(headline_text, &h);
                let body_text = text(f.body);
                let body = body_snippets.snippet(&body_text);
                let snippet = if body.highlighted().is_empty() {
                    let standfirst_text = text(f.standfirst);
                    let s = standfirst_snippets.snippet(&standfirst_text);
                    if s.highlighted().is_empty() && standfirst_text.len() <= SNIPPET_BYTES {
                        whole(standfirst_text, &s)
                    } else {
                        excerpt(&standfirst_text, &s)
                    }
                } else {
                    excerpt(&body_text, &body)
                };
                hits.push(Hit {
                    id,
                    score,
                    headline,
                    snippet,
                });
            }
        }
        // A misspelt word finds nothing, however many results the others bring.
        let suggestion = if total == 0 || matched == Matched::SomeWords {
            self.suggest(&searcher, &parsed.words)?
        } else {
            None
        };
        Ok(SearchResults {
            total,
            hits,
            matched,
            suggestion,
            problem: None,
            truncated: parsed.truncated,
        })
    }

    fn filters(&self, q: &SearchQuery<'_>) -> Vec<(Occur, Box<dyn Query>)> {
        let f = &self.fields;
        let mut out = Vec::new();
        if let Some(lang) = q.lang {
            out.push(filter(Box::new(TermQuery::new(
                Term::from_field_text(f.lang, lang.code()),
                IndexRecordOption::Basic,
            ))));
        }
        if let Some(s) = q.section_id {
            out.push(filter(i64_term(f.section, s)));
        }
        if let Some(a) = q.author_id {
            out.push(filter(i64_term(f.authors, a)));
        }
        let upper = q.to.map_or(q.now, |t| t.min(q.now));
        let lower = q.from.map_or(Bound::Unbounded, |t| {
            Bound::Included(Term::from_field_i64(f.published, t.as_second()))
        });
        out.push(filter(Box::new(RangeQuery::new(
            lower,
            Bound::Included(Term::from_field_i64(f.published, upper.as_second())),
        ))));
        out
    }

    /// The query's words (and phrases) as clauses, each matching in any text field.
    fn word_clauses(&self, parsed: &Parsed, occur: Occur) -> Vec<(Occur, Box<dyn Query>)> {
        let f = &self.fields;
        let mut text: Vec<(Occur, Box<dyn Query>)> = parsed
            .terms
            .iter()
            .map(|t| (occur, any_field(f, t)))
            .collect();
        text.extend(
            parsed
                .phrases
                .iter()
                .map(|p| (occur, phrase_any_field(f, p))),
        );
        text
    }

    /// Optional clauses rewarding neighbouring words of the query that stand side by side
    /// (one word between them at most) in a text field, for queries of
    /// [`PROXIMITY_MIN_TERMS`] words or more: in a question, words that stand together in
    /// a passage mark the answer. Measured by `bench/search-quality.sh` (ARCD questions,
    /// MRR@10 0.859 to 0.868); on shorter queries, mostly names and headlines, it moved a
    /// headline shared by dozens of weather reports out of the top three.
    fn proximity(&self, parsed: &Parsed) -> Vec<(Occur, Box<dyn Query>)> {
        let f = &self.fields;
        if parsed.terms.len() < PROXIMITY_MIN_TERMS {
            return Vec::new();
        }
        let mut out: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        let terms = &parsed.terms[..parsed.terms.len().min(PROXIMITY_MAX_TERMS)];
        for pair in terms.windows(2) {
            for field in [f.body, f.headline, f.standfirst] {
                let mut near = PhraseQuery::new(vec![
                    Term::from_field_text(field, &pair[0]),
                    Term::from_field_text(field, &pair[1]),
                ]);
                near.set_slop(1);
                out.push((
                    Occur::Should,
                    Box::new(BoostQuery::new(Box::new(near), PROXIMITY_WEIGHT)),
                ));
            }
        }
        out
    }

    /// How many articles passing the filters hold every word of the query.
    fn count_every_word(
        &self,
        searcher: &Searcher,
        parsed: &Parsed,
        filters: &[(Occur, Box<dyn Query>)],
    ) -> Result<usize, SearchError> {
        let mut clauses = self.word_clauses(parsed, Occur::Must);
        clauses.extend(filters.iter().map(|(o, q)| (*o, q.box_clone())));
        Ok(searcher.search(&BooleanQuery::new(clauses), &Count)?)
    }

    /// Ranks the articles that hold every quoted phrase and enough of the query's loose
    /// words (any of them for up to seven, a quarter of them for more), each word adding
    /// its BM25 score, so an
    /// article holding more of them, or rarer ones, ranks higher; no word is required.
    /// Measured by `bench/search-quality.sh`, requiring every word first (and falling
    /// back to any only when nothing held them all) lost answers to the few articles that
    /// happened to hold every word of a question; requiring half of the words lost 5% of
    /// the answers, a quarter 0.1%.
    #[allow(clippy::type_complexity)]
    fn run(
        &self,
        searcher: &Searcher,
        parsed: &Parsed,
        filters: &[(Occur, Box<dyn Query>)],
        q: &SearchQuery<'_>,
    ) -> Result<(usize, Vec<(Score, DocAddress)>, Box<dyn Query>), SearchError> {
        let f = &self.fields;
        let words: Vec<(Occur, Box<dyn Query>)> = parsed
            .terms
            .iter()
            .map(|t| (Occur::Should, any_field(f, t)))
            .collect();
        let near = self.proximity(parsed);
        // A phrase the reader quoted is required, and counts toward the quarter.
        let needed = ((words.len() + parsed.phrases.len()) / 4)
            .max(1)
            .saturating_sub(parsed.phrases.len());
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        if needed > 0 {
            clauses.push((
                Occur::Must,
                Box::new(BooleanQuery::with_minimum_required_clauses(words, needed)),
            ));
        } else {
            // Beside a required phrase, loose words only rank.
            clauses.extend(words);
        }
        clauses.extend(
            parsed
                .phrases
                .iter()
                .map(|p| (Occur::Must, phrase_any_field(f, p))),
        );
        clauses.extend(near);
        clauses.extend(filters.iter().map(|(o, q)| (*o, q.box_clone())));
        let query: Box<dyn Query> = Box::new(BooleanQuery::new(clauses));
        let now = q.now.as_second();
        let collector = TopDocs::with_limit(q.limit.max(1))
            .and_offset(q.offset)
            .tweak_score(move |seg: &SegmentReader| {
                let published = published_column(seg);
                move |doc: DocId, score: Score| match &published {
                    Some(col) => score * recency_factor(now - col.get_val(doc)),
                    None => score,
                }
            });
        let (total, top) = searcher.search(query.as_ref(), &(Count, collector))?;
        let top = if q.limit == 0 { Vec::new() } else { top };
        Ok((total, top, query))
    }

    /// The query with each unknown word of five letters or more replaced by the most common
    /// indexed word one edit away, if any word was replaced.
    fn suggest(
        &self,
        searcher: &Searcher,
        typed: &[String],
    ) -> Result<Option<String>, SearchError> {
        let field = self.fields.spelling;
        let mut changed = false;
        let mut out = Vec::with_capacity(typed.len());
        for word in typed {
            let form = spelling_form(word);
            if form.chars().count() < SPELLING_MIN_CHARS
                || searcher.doc_freq(&Term::from_field_text(field, &form))? > 0
            {
                out.push(word.clone());
                continue;
            }
            let fuzzy = FuzzyTermQuery::new(Term::from_field_text(field, &form), 1, true);
            let mut counts: HashMap<String, u64> = HashMap::new();
            for seg in searcher.segment_readers() {
                let inverted = seg.inverted_index(field)?;
                let mut stream = inverted
                    .terms()
                    .search(fuzzy.automaton()?)
                    .into_stream()
                    .map_err(tantivy::TantivyError::from)?;
                while stream.advance() {
                    if let Ok(k) = std::str::from_utf8(stream.key()) {
                        *counts.entry(k.to_owned()).or_default() +=
                            u64::from(stream.value().doc_freq);
                    }
                }
            }
            match counts
                .into_iter()
                .max_by(|a, b| a.1.cmp(&b.1).then_with(|| b.0.cmp(&a.0)))
            {
                Some((best, _)) => {
                    changed = true;
                    out.push(best);
                }
                None => out.push(word.clone()),
            }
        }
        Ok(changed.then(|| out.join(" ")))
    }
}

/// What related stories are found for.
#[derive(Debug, Clone)]
pub struct RelatedQuery<'a> {
    /// The article's id (never related to itself).
    pub id: i64,
    /// Its language: stories in it come first.
    pub lang: Lang,
    /// Its headline (its words weigh more).
    pub headline: &'a str,
    /// Its standfirst and body as plain text.
    pub text: &'a str,
    /// Its tags.
    pub tag_ids: &'a [i64],
    /// Its section.
    pub section_id: i64,
    /// When it was published: stories near it in time rank higher.
    pub published_at: Timestamp,
    /// Its translation group: translations are linked apart, never as related.
    pub translation_group: Option<i64>,
    /// Its SimHash: stories that are near-duplicates of it are left out.
    pub fingerprint: u64,
    /// Other ids to leave out.
    pub exclude: &'a [i64],
    /// Stories published after this are not public yet.
    pub now: Timestamp,
    /// How many to return.
    pub limit: usize,
}

/// Salient terms used per article.
const RELATED_TERMS: usize = 25;
/// Salient terms a story must share (fewer only when the article has fewer).
const RELATED_MIN_TERMS: usize = 2;
/// What one shared tag adds to a story's score.
const TAG_SCORE: f32 = 2.0;
/// Related stories an article shows at least, when its language has that many others.
pub const RELATED_FILL: usize = 4;

/// Related stories chosen so far, and the fingerprints that keep near-duplicates out.
struct Found {
    ids: Vec<i64>,
    prints: Vec<u64>,
    limit: usize,
}

impl Found {
    fn full(&self) -> bool {
        self.ids.len() >= self.limit
    }

    /// Adds the stories at `hits`, best first, skipping near-duplicates of any chosen.
    fn take(&mut self, searcher: &Searcher, hits: impl Iterator<Item = DocAddress>) {
        for addr in hits {
            if self.full() {
                break;
            }
            let ff = searcher.segment_reader(addr.segment_ord).fast_fields();
            let Some(id) = ff.i64("id").ok().and_then(|c| c.first(addr.doc_id)) else {
                continue;
            };
            let print = ff
                .u64("fingerprint")
                .ok()
                .and_then(|c| c.first(addr.doc_id))
                .unwrap_or(0);
            if self
                .prints
                .iter()
                .any(|p| simhash::same_story_by_fingerprint(*p, print))
            {
                continue;
            }
            self.prints.push(print);
            self.ids.push(id);
        }
    }
}

impl SearchIndex {
    /// Stories related to an article, best first: text similarity on its salient terms
    /// (MoreLikeThis: the terms weighing most by tf-idf), shared tags, the same section and
    /// closeness in time. Same language first; never the article, its translations, or two
    /// near-duplicates. When these find fewer than [`RELATED_FILL`], the stories nearest in
    /// time from its section and language make up the number, and when its section has too
    /// few, those nearest in time from the other sections of its language.
    pub fn related(&self, r: &RelatedQuery<'_>) -> Result<Vec<i64>, SearchError> {
        let searcher = self.reader.searcher();
        let analyzer = Analyzer::news();
        let f = &self.fields;
        let mut tf: HashMap<String, f32> = HashMap::new();
        for t in analyzer.tokens(r.headline) {
            *tf.entry(t.text).or_default() += 3.0;
        }
        for t in analyzer.tokens(r.text) {
            *tf.entry(t.text).or_default() += 1.0;
        }
        let n = searcher.num_docs() as f32;
        let mut weighted = Vec::with_capacity(tf.len());
        for (term, count) in tf {
            let df = searcher.doc_freq(&Term::from_field_text(f.body, &term))? as f32;
            if df < 1.0 {
                continue;
            }
            let idf = (1.0 + (n - df + 0.5) / (df + 0.5)).ln();
            weighted.push((count.sqrt() * idf, term));
        }
        weighted.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
        weighted.truncate(RELATED_TERMS);
        let top_weight = weighted.first().map_or(1.0, |w| w.0.max(f32::EPSILON));
        // One clause per term (its body and headline matches), so that a story must share
        // several salient terms, not one common word, to count as similar.
        let text: Vec<(Occur, Box<dyn Query>)> = weighted
            .iter()
            .map(|(w, term)| {
                let b = w / top_weight;
                let fields = [(f.body, 1.0), (f.headline, 1.5)].map(|(field, fw)| {
                    (
                        Occur::Should,
                        Box::new(BoostQuery::new(term_query(field, term), b * fw))
                            as Box<dyn Query>,
                    )
                });
                (
                    Occur::Should,
                    Box::new(BooleanQuery::new(fields.into())) as Box<dyn Query>,
                )
            })
            .collect();
        let mut like: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        if !text.is_empty() {
            let shared = (text.len() / 5).clamp(RELATED_MIN_TERMS.min(text.len()), 4);
            like.push((
                Occur::Should,
                Box::new(BooleanQuery::with_minimum_required_clauses(text, shared)),
            ));
        }
        like.extend(r.tag_ids.iter().map(|t| {
            (
                Occur::Should,
                Box::new(ConstScoreQuery::new(i64_term(f.tag_ids, *t), TAG_SCORE))
                    as Box<dyn Query>,
            )
        }));
        let like: Box<dyn Query> = Box::new(BooleanQuery::new(like));
        let mut found = Found {
            ids: Vec::new(),
            prints: vec![r.fingerprint],
            limit: r.limit,
        };
        let other = match r.lang {
            Lang::Ar => Lang::En,
            Lang::En => Lang::Ar,
        };
        let (at, section) = (r.published_at.as_second(), r.section_id);
        for lang in [r.lang, other] {
            if found.full() {
                break;
            }
            let mut clauses = self.related_filters(r, lang, &found.ids);
            clauses.push((Occur::Must, like.box_clone()));
            let collector =
                TopDocs::with_limit(r.limit * 3 + 2).tweak_score(move |seg: &SegmentReader| {
                    let published = published_column(seg);
                    let sections = seg
                        .fast_fields()
                        .i64("section")
                        .ok()
                        .map(|c| c.first_or_default_col(0));
                    move |doc: DocId, score: Score| {
                        let mut s = score;
                        if let Some(p) = &published {
                            s *= recency_factor((at - p.get_val(doc)).abs() / 2);
                        }
                        if sections.as_ref().is_some_and(|c| c.get_val(doc) == section) {
                            s *= 1.25;
                        }
                        s
                    }
                });
            let hits = searcher.search(&BooleanQuery::new(clauses), &collector)?;
            found.take(&searcher, hits.into_iter().map(|(_, addr)| addr));
        }
        // Too few shared words or tags: the stories nearest in time make up the number, so
        // no article ends on an empty box. Its own section comes first; a thin section (a
        // new desk, a column with one writer) is made up from the rest of its language.
        // Near in time, not newest: a new article gets the newest stories either way, and
        // an archived one keeps the stories of its own days when its list is recomputed.
        let fill = RELATED_FILL.min(r.limit);
        for same_section in [true, false] {
            if found.ids.len() >= fill {
                break;
            }
            let mut clauses = self.related_filters(r, r.lang, &found.ids);
            if same_section {
                clauses.push(filter(i64_term(f.section, section)));
            }
            let collector =
                TopDocs::with_limit(fill * 3 + 2).tweak_score(move |seg: &SegmentReader| {
                    let published = published_column(seg);
                    move |doc: DocId, _: Score| {
                        published
                            .as_ref()
                            .map_or(0.0, |p| 1.0 / (1.0 + (at - p.get_val(doc)).abs() as f32))
                    }
                });
            let hits = searcher.search(&BooleanQuery::new(clauses), &collector)?;
            found.limit = fill;
            found.take(&searcher, hits.into_iter().map(|(_, addr)| addr));
        }
        Ok(found.ids)
    }

    /// What every related story must be: in `lang`, public by `r.now`, not the article,
    /// one of its translations, one left out, or one already `chosen`.
    fn related_filters(
        &self,
        r: &RelatedQuery<'_>,
        lang: Lang,
        chosen: &[i64],
    ) -> Vec<(Occur, Box<dyn Query>)> {
        let f = &self.fields;
        let mut clauses = vec![
            filter(Box::new(TermQuery::new(
                Term::from_field_text(f.lang, lang.code()),
                IndexRecordOption::Basic,
            ))),
            filter(Box::new(RangeQuery::new(
                Bound::Unbounded,
                Bound::Included(Term::from_field_i64(f.published, r.now.as_second())),
            ))),
        ];
        for id in std::iter::once(&r.id).chain(r.exclude).chain(chosen) {
            clauses.push((Occur::MustNot, i64_term(f.id, *id)));
        }
        if let Some(g) = r.translation_group {
            clauses.push((Occur::MustNot, i64_term(f.group, g)));
        }
        clauses
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phrases_words_and_an_unclosed_quote() {
        let a = Analyzer::news();
        let p = parse("\"the Gaza ceasefire\" talks", &a);
        assert_eq!(p.terms, ["talk"]);
        assert_eq!(
            p.phrases,
            [vec![(0, "gaza".to_owned()), (1, "ceasefir".to_owned())]]
        );
        let p = parse("\"unclosed quote", &a);
        assert_eq!(p.terms, ["unclos", "quot"]);
        assert!(p.phrases.is_empty());
    }

    #[test]
    fn query_terms_are_the_parsed_terms_and_phrases() {
        let (terms, phrases) = query_terms("\"the Gaza ceasefire\" talks");
        assert_eq!(terms, ["talk"]);
        assert_eq!(
            phrases,
            [vec![(0, "gaza".to_owned()), (1, "ceasefir".to_owned())]]
        );
    }

    #[test]
    fn control_characters_and_long_input() {
        let a = Analyzer::news();
        assert_eq!(
            parse("gaza\u{0}\u{7}ceasefire", &a).terms,
            ["gaza", "ceasefir"]
        );
        let long = "word ".repeat(100);
        let p = parse(&long, &a);
        assert!(p.truncated);
        assert_eq!(p.terms, ["word"]);
    }

    #[test]
    fn stop_words_only() {
        let a = Analyzer::news();
        assert!(parse("the of في من", &a).only_stop_words);
        assert!(!parse("  ", &a).only_stop_words);
    }

    #[test]
    fn segments_split_text_at_marks() {
        let h = Highlighted {
            text: "قال والكتاب جديد".to_owned(),
            marks: vec![7..21, 22..22],
        };
        let s = h.segments();
        assert_eq!(s.len(), 3);
        assert_eq!(s[1], ("والكتاب".to_owned(), true));
    }
}
