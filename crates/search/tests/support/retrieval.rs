//! Retrieval quality on real Arabic questions, shared by `tests/quality.rs` (a floor) and
//! `benches/quality.rs` (the figures beside a BM25 baseline).
//!
//! The set is ARCD's training split (`testdata/arcd-train.json.gz`): people wrote
//! questions about paragraphs of Arabic Wikipedia. Each distinct paragraph is published as
//! an article (its Wikipedia article's title as the headline, the paragraph as the body);
//! each question is a reader's search; the right answer is the paragraph it was asked about.
//! Near-duplicates are grouped as the application groups them (of a paragraph and a longer
//! version of it, only the longer is indexed), and a question about a paragraph grouped
//! away is answered when the search finds the group's lead, which readers see instead.

// Each user takes the part it needs.
#![allow(dead_code)]

use arabpress_core::Lang;
use arabpress_search::analysis::{Analyzer, NewsTokenizer, words};
use arabpress_search::{IndexDoc, SearchIndex, SearchQuery, simhash};
use flate2::read::GzDecoder;
use jiff::Timestamp;
use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read};
use tantivy::collector::TopDocs;
use tantivy::query::{BooleanQuery, Occur, Query, TermQuery};
use tantivy::schema::{IndexRecordOption, STORED, Schema, TextFieldIndexing, TextOptions, Value};
use tantivy::tokenizer::TextAnalyzer;
use tantivy::{Index, TantivyDocument, Term, doc};

/// One published paragraph.
pub struct Doc {
    pub headline: String,
    pub body: String,
}

/// One reader's question and the paragraph that answers it.
pub struct Question {
    pub text: String,
    pub answer: usize,
}

/// How well a ranking answered a question set.
#[derive(Debug, Clone, Copy, Default)]
pub struct Scores {
    pub questions: usize,
    /// Mean reciprocal rank of the answer within the top ten.
    pub mrr10: f64,
    /// Share of questions answered first.
    pub recall1: f64,
    /// Share answered within the top ten.
    pub recall10: f64,
    /// Share with no result at all.
    pub none: f64,
}

impl std::fmt::Display for Scores {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "MRR@10 {:.3}, Recall@1 {:.3}, Recall@10 {:.3}, no result {:.3} ({} questions)",
            self.mrr10, self.recall1, self.recall10, self.none, self.questions
        )
    }
}

#[derive(serde::Deserialize)]
struct Squad {
    data: Vec<Article>,
}
#[derive(serde::Deserialize)]
struct Article {
    title: String,
    paragraphs: Vec<Paragraph>,
}
#[derive(serde::Deserialize)]
struct Paragraph {
    context: String,
    qas: Vec<Qa>,
}
#[derive(serde::Deserialize)]
struct Qa {
    question: String,
}

/// ARCD's distinct paragraphs and its questions.
pub fn arcd() -> (Vec<Doc>, Vec<Question>) {
    let name = "arcd-train.json.gz";
    let mut text = String::new();
    GzDecoder::new(arabpress_testkit::fixture(name).as_slice())
        .read_to_string(&mut text)
        .unwrap_or_else(|e| panic!("{name}: {e}"));
    let squad: Squad = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{name}: {e}"));
    let mut docs = Vec::new();
    let mut seen: HashMap<String, usize> = HashMap::new();
    let mut questions = Vec::new();
    for a in squad.data {
        for p in a.paragraphs {
            let context = p.context.trim().to_owned();
            let answer = *seen.entry(context.clone()).or_insert_with(|| {
                docs.push(Doc {
                    headline: a.title.trim().to_owned(),
                    body: context,
                });
                docs.len() - 1
            });
            questions.extend(p.qas.into_iter().map(|q| Question {
                text: q.question,
                answer,
            }));
        }
    }
    (docs, questions)
}

/// Words that make a sentence a question and say nothing of its subject.
const QUESTION_WORDS: &[&str] = &[
    "من",
    "ما",
    "ماذا",
    "متى",
    "أين",
    "اين",
    "كيف",
    "كم",
    "لماذا",
    "هل",
    "أي",
    "اي",
    "ماهي",
    "ماهو",
    "وما",
    "ومن",
    "ومتى",
    "وأين",
    "وكيف",
    "وكم",
    "ولماذا",
    "وهل",
    "بماذا",
    "لمن",
    "فيم",
];

/// The question with its question words left out, as a reader typing keywords would.
pub fn without_question_words(q: &str) -> String {
    words(q)
        .map(|(_, w)| w)
        .filter(|w| !QUESTION_WORDS.contains(w))
        .collect::<Vec<_>>()
        .join(" ")
}

/// For each paragraph, the one readers see for its story: itself, or the lead of the
/// group it was put in. Paragraphs are grouped in order as the application groups
/// articles as they are published (`App::group_duplicates`): a paragraph whose
/// fingerprint is near an earlier one's and whose words bear it out joins that group, and
/// the fuller text of a group leads it.
pub fn leads(docs: &[Doc]) -> Vec<usize> {
    let texts: Vec<String> = docs
        .iter()
        .map(|d| format!("{}\n{}", d.headline, d.body))
        .collect();
    let prints: Vec<u64> = docs
        .iter()
        .map(|d| simhash::fingerprint(&d.headline, &d.body))
        .collect();
    let mut lead_of: Vec<Option<usize>> = vec![None; docs.len()];
    for i in 0..docs.len() {
        let lead = (0..i)
            .filter(|&j| {
                simhash::near_duplicates(prints[i], prints[j])
                    && simhash::same_story(&texts[i], &texts[j])
            })
            .map(|j| lead_of[j].unwrap_or(j))
            .min();
        let Some(lead) = lead else { continue };
        if simhash::fuller(&texts[i], &texts[lead]) {
            for l in lead_of.iter_mut().filter(|l| **l == Some(lead)) {
                *l = Some(i);
            }
            lead_of[lead] = Some(i);
        } else {
            lead_of[i] = Some(lead);
        }
    }
    lead_of
        .iter()
        .enumerate()
        .map(|(i, l)| l.unwrap_or(i))
        .collect()
}

/// A reader's search in Arabic, the first `limit` hits.
fn arabic_query(text: &str, now: Timestamp, limit: usize) -> SearchQuery<'_> {
    SearchQuery {
        text,
        lang: Some(Lang::Ar),
        section_id: None,
        author_id: None,
        from: None,
        to: None,
        now,
        offset: 0,
        limit,
    }
}

fn score(ranked: impl Iterator<Item = (Vec<usize>, usize)>) -> Scores {
    let mut s = Scores::default();
    for (hits, answer) in ranked {
        s.questions += 1;
        if hits.is_empty() {
            s.none += 1.0;
        }
        if let Some(rank) = hits.iter().take(10).position(|&h| h == answer) {
            s.mrr10 += 1.0 / (rank + 1) as f64;
            s.recall10 += 1.0;
            if rank == 0 {
                s.recall1 += 1.0;
            }
        }
    }
    let n = s.questions.max(1) as f64;
    s.mrr10 /= n;
    s.recall1 /= n;
    s.recall10 /= n;
    s.none /= n;
    s
}

/// The question as it is asked: `ask` turns its text into the query.
pub type Ask = fn(&str) -> String;

/// The site's own search (the code behind `/api/v1/search`), with near-duplicates grouped
/// as the site groups them (`grouped`), or every paragraph indexed and only its own
/// paragraph answering a question (the ranking alone).
pub fn ours(docs: &[Doc], questions: &[Question], ask: Ask, grouped: bool) -> Scores {
    let ix = SearchIndex::in_memory().unwrap_or_else(|e| panic!("index: {e}"));
    let published: Timestamp = "2024-01-01T00:00:00Z".parse().unwrap_or_default();
    let leads = if grouped {
        leads(docs)
    } else {
        (0..docs.len()).collect()
    };
    for (i, d) in docs.iter().enumerate() {
        if leads[i] != i {
            continue;
        }
        ix.add(&IndexDoc {
            id: i as i64,
            lang: Lang::Ar,
            headline: d.headline.clone(),
            standfirst: String::new(),
            body: d.body.clone(),
            tags: Vec::new(),
            section_id: 1,
            author_ids: Vec::new(),
            published_at: published,
            translation_group: None,
            fingerprint: simhash::fingerprint(&d.headline, &d.body),
        })
        .unwrap_or_else(|e| panic!("index: {e}"));
    }
    ix.commit(1).unwrap_or_else(|e| panic!("index: {e}"));
    let now = published + jiff::SignedDuration::from_hours(24);
    score(questions.iter().map(|q| {
        let text = ask(&q.text);
        let r = ix
            .search(&arabic_query(&text, now, 10))
            .unwrap_or_else(|e| panic!("search {text:?}: {e}"));
        // A question about a paragraph grouped under a fuller one is answered by the
        // fuller one, which readers see in its place.
        (
            r.hits.iter().map(|h| h.id as usize).collect(),
            leads[q.answer],
        )
    }))
}

/// The baseline: tantivy's BM25 (k1 1.2, b 0.75) over the same analyser, headline and
/// paragraph as one field, the query an OR of its words, every paragraph indexed.
pub fn bm25(docs: &[Doc], questions: &[Question], ask: Ask) -> Scores {
    let mut schema = Schema::builder();
    let text_options = TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer("news")
            .set_index_option(IndexRecordOption::WithFreqsAndPositions),
    );
    let text = schema.add_text_field("text", text_options);
    let id = schema.add_u64_field("id", STORED);
    let index = Index::create_in_ram(schema.build());
    index.tokenizers().register(
        "news",
        TextAnalyzer::from(NewsTokenizer::new(Analyzer::news())),
    );
    let mut writer = index
        .writer::<TantivyDocument>(50_000_000)
        .unwrap_or_else(|e| panic!("baseline index: {e}"));
    for (i, d) in docs.iter().enumerate() {
        writer
            .add_document(doc!(text => format!("{}\n{}", d.headline, d.body), id => i as u64))
            .unwrap_or_else(|e| panic!("baseline index: {e}"));
    }
    writer
        .commit()
        .unwrap_or_else(|e| panic!("baseline index: {e}"));
    let searcher = index
        .reader()
        .unwrap_or_else(|e| panic!("baseline index: {e}"))
        .searcher();
    let analyzer = Analyzer::news();
    score(questions.iter().map(|q| {
        let clauses: Vec<(Occur, Box<dyn Query>)> = analyzer
            .tokens(&ask(&q.text))
            .into_iter()
            .map(|t| {
                let term = Term::from_field_text(text, &t.text);
                let q: Box<dyn Query> =
                    Box::new(TermQuery::new(term, IndexRecordOption::WithFreqs));
                (Occur::Should, q)
            })
            .collect();
        let top = searcher
            .search(
                &BooleanQuery::new(clauses),
                &TopDocs::with_limit(10).order_by_score(),
            )
            .unwrap_or_else(|e| panic!("baseline search: {e}"));
        let hits = top
            .into_iter()
            .filter_map(|(_, addr)| {
                let d: TantivyDocument = searcher.doc(addr).ok()?;
                d.get_first(id).and_then(|v| v.as_u64()).map(|v| v as usize)
            })
            .collect();
        (hits, q.answer)
    }))
}

/// The question as it was written.
pub fn as_written(q: &str) -> String {
    q.to_owned()
}

#[derive(serde::Deserialize)]
pub struct Row {
    pub title: String,
    pub body: String,
}

/// The 2,000 ANT-corpus news articles.
pub fn corpus() -> Vec<Row> {
    let name = "news_ar_antcorpus.jsonl.gz";
    let gz = arabpress_testkit::fixture(name);
    BufReader::new(GzDecoder::new(gz.as_slice()))
        .lines()
        .map(|l| {
            let l = l.unwrap_or_else(|e| panic!("{name}: {e}"));
            serde_json::from_str(&l).unwrap_or_else(|e| panic!("{name}: {e}"))
        })
        .collect()
}

/// The word as a reader might type it in another form.
pub fn inflect(word: &str) -> String {
    let mut w: String = word.to_owned();
    if let Some(rest) = w.strip_suffix('ة') {
        w = format!("{rest}ات");
    } else if let Some(rest) = w.strip_suffix("ون") {
        w = format!("{rest}ين");
    }
    if let Some(rest) = w.strip_prefix("ال") {
        rest.to_owned()
    } else if w.chars().count() >= 3 && !w.starts_with(['و', 'ب', 'ل', 'ف', 'ك']) {
        format!("ال{w}")
    } else {
        w
    }
}

/// Known-item search on the ANT corpus: every tenth of the 2,000 headlines typed with its
/// words inflected differently; returns how many found their article in the top three, of
/// how many, and the misses.
pub fn inflected_headlines() -> (usize, usize, Vec<String>) {
    let rows = corpus();
    assert_eq!(rows.len(), 2000);
    let ix = SearchIndex::in_memory().unwrap_or_else(|e| panic!("index: {e}"));
    let published: Timestamp = "2017-01-01T00:00:00Z".parse().unwrap_or_default();
    for (i, r) in rows.iter().enumerate() {
        ix.upsert(&IndexDoc {
            id: i as i64,
            lang: Lang::Ar,
            headline: r.title.clone(),
            standfirst: String::new(),
            body: r.body.clone(),
            tags: Vec::new(),
            section_id: 1,
            author_ids: Vec::new(),
            published_at: published,
            translation_group: None,
            fingerprint: 0,
        })
        .unwrap_or_else(|e| panic!("index: {e}"));
    }
    ix.commit(1).unwrap_or_else(|e| panic!("index: {e}"));
    let sample: Vec<usize> = (0..rows.len()).step_by(10).collect();
    let now = "2026-01-01T00:00:00Z".parse().unwrap_or_default();
    let mut found = 0;
    let mut misses = Vec::new();
    for &i in &sample {
        let typed: Vec<String> = words(&rows[i].title).map(|(_, w)| inflect(w)).collect();
        let text = typed.join(" ");
        let r = ix
            .search(&arabic_query(&text, now, 3))
            .unwrap_or_else(|e| panic!("search {text:?}: {e}"));
        if r.hits.iter().any(|h| h.id == i as i64) {
            found += 1;
        } else {
            misses.push(format!("{} → {text}", rows[i].title));
        }
    }
    (found, sample.len(), misses)
}

/// How well grouping tells copies of a story from different stories, on a labelled set
/// written from the ANT corpus: for every tenth article, four copies of the same story
/// (a credit line added; a paragraph more; only its first 70%; every twelfth word left
/// out and the headline cut), and as different stories every pair of different articles
/// whose fingerprints are near. Returns (copies missed, copies, different stories grouped,
/// different pairs with near fingerprints).
pub fn grouping_labelled() -> (usize, usize, usize, usize) {
    let rows = corpus();
    let same = |h1: &str, b1: &str, h2: &str, b2: &str| {
        simhash::near_duplicates(simhash::fingerprint(h1, b1), simhash::fingerprint(h2, b2))
            && simhash::same_story(&format!("{h1}\n{b1}"), &format!("{h2}\n{b2}"))
    };
    let (mut missed, mut copies) = (0, 0);
    for (n, i) in (0..rows.len()).step_by(10).enumerate() {
        let r = &rows[i];
        let body: Vec<&str> = words(&r.body).map(|(_, w)| w).collect();
        let other = &rows[(i + 7) % rows.len()].body;
        let added: String = words(other)
            .map(|(_, w)| w)
            .take(body.len() / 4 + 10)
            .collect::<Vec<_>>()
            .join(" ");
        let headline_words: Vec<&str> = words(&r.title).map(|(_, w)| w).collect();
        let cut_headline =
            headline_words[..headline_words.len().saturating_sub(1).max(1)].join(" ");
        let variants = [
            (r.title.clone(), format!("{} (رويترز)", r.body)),
            (r.title.clone(), format!("{}\n\n{added}", r.body)),
            (r.title.clone(), body[..body.len() * 7 / 10].join(" ")),
            (
                cut_headline,
                body.iter()
                    .enumerate()
                    .filter(|(k, _)| (k + n) % 12 != 0)
                    .map(|(_, w)| *w)
                    .collect::<Vec<_>>()
                    .join(" "),
            ),
        ];
        for (h, b) in &variants {
            copies += 1;
            if !same(&r.title, &r.body, h, b) {
                missed += 1;
            }
        }
    }
    let prints: Vec<u64> = rows
        .iter()
        .map(|r| simhash::fingerprint(&r.title, &r.body))
        .collect();
    let (mut grouped, mut near) = (0, 0);
    for i in 0..rows.len() {
        for j in i + 1..rows.len() {
            if rows[i].body == rows[j].body || !simhash::near_duplicates(prints[i], prints[j]) {
                continue;
            }
            near += 1;
            let (a, b) = (&rows[i], &rows[j]);
            if simhash::same_story(
                &format!("{}\n{}", a.title, a.body),
                &format!("{}\n{}", b.title, b.body),
            ) {
                grouped += 1;
            }
        }
    }
    (missed, copies, grouped, near)
}
