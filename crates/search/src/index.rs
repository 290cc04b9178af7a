//! The index itself: its schema, opening (and rebuilding when its format changed), writing,
//! and committing with the id of the last change-feed event it reflects, so that a node
//! knows where to catch up from.

use crate::SearchError;
use crate::analysis::{Analyzer, NewsTokenizer, SpellingTokenizer};
use arabpress_core::Lang;
use arabpress_core::model::Article;
use jiff::Timestamp;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use tantivy::schema::{
    FAST, INDEXED, IndexRecordOption, STORED, STRING, Schema, TextFieldIndexing, TextOptions,
};
use tantivy::tokenizer::TextAnalyzer;
use tantivy::{Index, IndexReader, IndexWriter, ReloadPolicy, TantivyDocument, Term};

/// Bumped whenever the schema or the analysis changes: an index written by another version
/// is dropped and rebuilt from the store.
const FORMAT: u32 = 2;

/// How much the writer may use while indexing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WriterSize {
    /// A server's: one thread, 20 MiB (publishing writes one article at a time, and the
    /// memory stays with the process).
    Serving,
    /// A rebuild's or a benchmark's: every core (up to four), 64 MiB.
    Bulk,
}

impl WriterSize {
    fn threads_and_budget(self) -> (usize, usize) {
        match self {
            WriterSize::Serving => (1, 20 << 20),
            WriterSize::Bulk => (
                std::thread::available_parallelism().map_or(1, |n| n.get().min(4)),
                64 << 20,
            ),
        }
    }
}

/// What the index holds of one published article.
#[derive(Debug, Clone, PartialEq)]
pub struct IndexDoc {
    /// Store id.
    pub id: i64,
    /// Language.
    pub lang: Lang,
    /// Headline.
    pub headline: String,
    /// Standfirst.
    pub standfirst: String,
    /// Body as plain text.
    pub body: String,
    /// Tags: id and name.
    pub tags: Vec<(i64, String)>,
    /// Section id.
    pub section_id: i64,
    /// Author ids.
    pub author_ids: Vec<i64>,
    /// Publication time (an article due later is indexed and filtered out until then).
    pub published_at: Timestamp,
    /// The group linking its translations.
    pub translation_group: Option<i64>,
    /// Its SimHash (see [`crate::simhash`]).
    pub fingerprint: u64,
}

impl IndexDoc {
    /// The index document of an article (its fingerprint as recorded, or computed when
    /// none was).
    pub fn from_article(a: &Article) -> IndexDoc {
        let body = arabpress_core::markdown::render(&a.body_md).text;
        IndexDoc {
            id: a.summary.id,
            lang: a.summary.lang,
            fingerprint: a
                .fingerprint
                .unwrap_or_else(|| crate::simhash::fingerprint(&a.summary.headline, &body)),
            headline: a.summary.headline.clone(),
            standfirst: a.summary.standfirst.clone(),
            body,
            tags: a.tags.iter().map(|t| (t.id, t.name.clone())).collect(),
            section_id: a.summary.section_id,
            author_ids: a.authors.iter().map(|x| x.id).collect(),
            published_at: a.summary.published_at.unwrap_or(a.created_at),
            translation_group: a.translation_group,
        }
    }
}

#[derive(Clone, Copy)]
pub(crate) struct Fields {
    pub id: tantivy::schema::Field,
    pub lang: tantivy::schema::Field,
    pub headline: tantivy::schema::Field,
    pub standfirst: tantivy::schema::Field,
    pub body: tantivy::schema::Field,
    pub tags: tantivy::schema::Field,
    pub tag_ids: tantivy::schema::Field,
    pub section: tantivy::schema::Field,
    pub authors: tantivy::schema::Field,
    pub published: tantivy::schema::Field,
    pub group: tantivy::schema::Field,
    pub fingerprint: tantivy::schema::Field,
    pub spelling: tantivy::schema::Field,
}

/// The text fields searched, with the weight of a match in each. Each field is scored by
/// BM25 against its own lengths, so a word in a short headline already scores high; the
/// headline's weight was chosen by `bench/search-quality.sh` (ARCD questions, ANT
/// headlines): at 3.0 an article naming the subject in its headline buried the one that
/// answered (MRR@10 0.798); from 0.5 to 1.0 the figures stay within 0.002 of the best;
/// 0.75 also keeps every ANT headline in the top three. The standfirst, a summary like the
/// headline, takes the same weight.
pub(crate) fn weighted_text_fields(f: &Fields) -> [(tantivy::schema::Field, f32); 4] {
    [
        (f.headline, 0.75),
        (f.standfirst, 0.75),
        (f.body, 1.0),
        (f.tags, 2.0),
    ]
}

fn schema() -> (Schema, Fields) {
    let mut b = Schema::builder();
    let text = |stored: bool| {
        let o = TextOptions::default().set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer("news")
                .set_index_option(IndexRecordOption::WithFreqsAndPositions),
        );
        if stored { o.set_stored() } else { o }
    };
    let fields = Fields {
        id: b.add_i64_field("id", INDEXED | STORED | FAST),
        lang: b.add_text_field("lang", STRING),
        headline: b.add_text_field("headline", text(true)),
        standfirst: b.add_text_field("standfirst", text(true)),
        body: b.add_text_field("body", text(true)),
        tags: b.add_text_field("tags", text(false)),
        tag_ids: b.add_i64_field("tag_ids", INDEXED),
        section: b.add_i64_field("section", INDEXED | FAST),
        authors: b.add_i64_field("authors", INDEXED),
        published: b.add_i64_field("published", INDEXED | FAST),
        group: b.add_i64_field("group", INDEXED),
        fingerprint: b.add_u64_field("fingerprint", FAST),
        spelling: b.add_text_field(
            "spelling",
            TextOptions::default().set_indexing_options(
                TextFieldIndexing::default()
                    .set_tokenizer("spelling")
                    .set_index_option(IndexRecordOption::Basic),
            ),
        ),
    };
    (b.build(), fields)
}

/// The search index of one node. Reads are lock-free; writes are serialised.
pub struct SearchIndex {
    pub(crate) index: Index,
    pub(crate) reader: IndexReader,
    writer: Mutex<Option<IndexWriter>>,
    pub(crate) fields: Fields,
    path: Option<PathBuf>,
}

impl std::fmt::Debug for SearchIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SearchIndex")
            .field("path", &self.path)
            .finish_non_exhaustive()
    }
}

/// Whether an opened index can be trusted or must be rebuilt from the store.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Opened {
    /// It holds what it held when last committed; catch up from [`SearchIndex::change_id`].
    Existing,
    /// It is new (no folder, or a folder from another format): rebuild it.
    Empty,
}

fn register(index: &Index) {
    index.tokenizers().register(
        "news",
        TextAnalyzer::from(NewsTokenizer::new(Analyzer::news())),
    );
    index
        .tokenizers()
        .register("spelling", TextAnalyzer::from(SpellingTokenizer::default()));
}

fn payload_format(payload: Option<&str>) -> Option<(u32, i64)> {
    let p = payload?;
    let mut format = None;
    let mut change = None;
    for kv in p.split(';') {
        match kv.split_once('=') {
            Some(("format", v)) => format = v.parse().ok(),
            Some(("change", v)) => change = v.parse().ok(),
            _ => {}
        }
    }
    Some((format?, change.unwrap_or(0)))
}

impl SearchIndex {
    /// Opens the index in `dir` for a server ([`WriterSize::Serving`]); see
    /// [`SearchIndex::open_with`].
    pub fn open(dir: &Path) -> Result<(SearchIndex, Opened), SearchError> {
        SearchIndex::open_with(dir, WriterSize::Serving)
    }

    /// Opens the index in `dir`, creating it when missing and recreating it when it was
    /// written in another format (the store is the truth; the caller rebuilds it).
    pub fn open_with(dir: &Path, size: WriterSize) -> Result<(SearchIndex, Opened), SearchError> {
        let io = |source| SearchError::Io {
            path: dir.display().to_string(),
            source,
        };
        std::fs::create_dir_all(dir).map_err(io)?;
        let (schema, fields) = schema();
        let mut opened = Opened::Existing;
        let index = if dir.join("meta.json").exists() {
            let existing = Index::open_in_dir(dir)?;
            let metas = existing.load_metas()?;
            let same_format = payload_format(metas.payload.as_deref())
                .is_some_and(|(format, _)| format == FORMAT)
                && existing.schema() == schema;
            if same_format {
                existing
            } else {
                tracing::info!(path = %dir.display(), "search index format changed; recreating it");
                drop(existing);
                std::fs::remove_dir_all(dir).map_err(io)?;
                std::fs::create_dir_all(dir).map_err(io)?;
                opened = Opened::Empty;
                Index::create_in_dir(dir, schema)?
            }
        } else {
            opened = Opened::Empty;
            Index::create_in_dir(dir, schema)?
        };
        let s = SearchIndex::wrap(index, fields, Some(dir.to_path_buf()), size)?;
        if opened == Opened::Empty {
            // Record the format at once, so an interrupted rebuild is still recognised.
            s.commit(0)?;
        }
        Ok((s, opened))
    }

    /// An index in memory (tests and benchmarks).
    pub fn in_memory() -> Result<SearchIndex, SearchError> {
        let (schema, fields) = schema();
        let s = SearchIndex::wrap(
            Index::create_in_ram(schema),
            fields,
            None,
            WriterSize::Serving,
        )?;
        s.commit(0)?;
        Ok(s)
    }

    fn wrap(
        index: Index,
        fields: Fields,
        path: Option<PathBuf>,
        size: WriterSize,
    ) -> Result<SearchIndex, SearchError> {
        register(&index);
        let (threads, budget) = size.threads_and_budget();
        let writer = index
            .writer_with_num_threads(threads, budget)
            .map_err(|e| match e {
                tantivy::TantivyError::LockFailure(..) => SearchError::Busy {
                    path: path
                        .as_ref()
                        .map_or_else(|| "memory".to_owned(), |p| p.display().to_string()),
                },
                other => SearchError::Index(other),
            })?;
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()?;
        Ok(SearchIndex {
            index,
            reader,
            writer: Mutex::new(Some(writer)),
            fields,
            path,
        })
    }

    fn with_writer<T>(
        &self,
        f: impl FnOnce(&mut IndexWriter) -> Result<T, SearchError>,
    ) -> Result<T, SearchError> {
        let mut guard = self.writer.lock().map_err(|_| SearchError::Poisoned)?;
        match guard.as_mut() {
            Some(w) => f(w),
            None => Err(SearchError::Closed),
        }
    }

    /// Stops writing: waits for background merges to finish and releases the folder's
    /// lock. Searches keep working; writes fail with [`SearchError::Closed`].
    pub fn close(&self) -> Result<(), SearchError> {
        let writer = self
            .writer
            .lock()
            .map_err(|_| SearchError::Poisoned)?
            .take();
        if let Some(w) = writer {
            w.wait_merging_threads()?;
        }
        Ok(())
    }

    /// The id of the last change-feed event the committed index reflects.
    pub fn change_id(&self) -> Result<i64, SearchError> {
        let metas = self.index.load_metas()?;
        Ok(payload_format(metas.payload.as_deref()).map_or(0, |(_, c)| c))
    }

    /// How many articles the index holds (as of the last commit).
    pub fn num_docs(&self) -> u64 {
        self.reader.searcher().num_docs()
    }

    /// Adds an article, replacing any earlier version of it. Visible after [`commit`].
    ///
    /// [`commit`]: SearchIndex::commit
    pub fn upsert(&self, d: &IndexDoc) -> Result<(), SearchError> {
        let doc = self.document(d);
        self.with_writer(|w| {
            w.delete_term(Term::from_field_i64(self.fields.id, d.id));
            w.add_document(doc)?;
            Ok(())
        })
    }

    /// Adds an article known not to be in the index (after [`SearchIndex::clear`], when
    /// rebuilding): cheaper than [`SearchIndex::upsert`].
    pub fn add(&self, d: &IndexDoc) -> Result<(), SearchError> {
        let doc = self.document(d);
        self.with_writer(|w| {
            w.add_document(doc)?;
            Ok(())
        })
    }

    fn document(&self, d: &IndexDoc) -> TantivyDocument {
        let f = &self.fields;
        let mut doc = TantivyDocument::default();
        doc.add_i64(f.id, d.id);
        doc.add_text(f.lang, d.lang.code());
        doc.add_text(f.headline, &d.headline);
        doc.add_text(f.standfirst, &d.standfirst);
        doc.add_text(f.body, &d.body);
        for (id, name) in &d.tags {
            doc.add_i64(f.tag_ids, *id);
            doc.add_text(f.tags, name);
        }
        doc.add_i64(f.section, d.section_id);
        for a in &d.author_ids {
            doc.add_i64(f.authors, *a);
        }
        doc.add_i64(f.published, d.published_at.as_second());
        if let Some(g) = d.translation_group {
            doc.add_i64(f.group, g);
        }
        doc.add_u64(f.fingerprint, d.fingerprint);
        // Spelling suggestions come from headlines, standfirsts and tags: the names and
        // topics readers look for, without the cost of a second pass over every body.
        doc.add_text(f.spelling, &d.headline);
        doc.add_text(f.spelling, &d.standfirst);
        for (_, name) in &d.tags {
            doc.add_text(f.spelling, name);
        }
        doc
    }

    /// Removes an article. Takes effect at the next [`SearchIndex::commit`].
    pub fn delete(&self, id: i64) -> Result<(), SearchError> {
        self.with_writer(|w| {
            w.delete_term(Term::from_field_i64(self.fields.id, id));
            Ok(())
        })
    }

    /// Removes every article (before a rebuild). Takes effect at the next commit.
    pub fn clear(&self) -> Result<(), SearchError> {
        self.with_writer(|w| {
            w.delete_all_documents()?;
            Ok(())
        })
    }

    /// Makes every change since the last commit durable and visible to searches, recording
    /// that the index now reflects the change feed up to `change_id`.
    pub fn commit(&self, change_id: i64) -> Result<(), SearchError> {
        self.with_writer(|w| {
            let mut prepared = w.prepare_commit()?;
            prepared.set_payload(&format!("format={FORMAT};change={change_id}"));
            prepared.commit()?;
            Ok(())
        })?;
        self.reader.reload()?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn payload_round_trips() {
        assert_eq!(payload_format(Some("format=1;change=42")), Some((1, 42)));
        assert_eq!(payload_format(Some("garbage")), None);
        assert_eq!(payload_format(None), None);
    }
}
