//! The batch writer: mapped articles are gathered until a batch is full (by count or by
//! the bytes of its bodies) and then written in one transaction (`Store::import_batch`),
//! with the sections and authors they need; each batch is counted in the report. It also
//! remembers the ids read so far (an id read twice in one file is left out) and the posts
//! whose featured image is described later in the file.

use super::mapping::Mapped;
use super::{ContentReport, IMPORT_BATCH, ImportError, ImportOptions, Skipped};
use crate::App;
use crate::remote::plain;
use arabpress_store::{BatchOutcome, ImportBatch, Imported};
use std::collections::HashSet;

/// A batch is written sooner when its bodies reach this many bytes, so long posts do not
/// pile up in memory.
const IMPORT_BATCH_BYTES: usize = 8 << 20;

/// A post waiting for a featured image described after it: the article's id, the
/// attachment's id and the headline.
pub(super) type Waiting = (i64, String, String);

/// The batch being gathered, and what the import remembers between batches.
pub(super) struct Pending {
    mapped: Vec<Mapped>,
    /// The bytes of the gathered bodies, counted as they are added.
    bytes: usize,
    batch_size: usize,
    seen: HashSet<String>,
    /// Posts whose featured image had not been described when they were written.
    pub(super) waiting: Vec<Waiting>,
}

impl Pending {
    pub(super) fn new(options: &ImportOptions) -> Pending {
        Pending {
            mapped: Vec::new(),
            bytes: 0,
            batch_size: if options.batch == 0 {
                IMPORT_BATCH
            } else {
                options.batch
            },
            seen: HashSet::new(),
            waiting: Vec::new(),
        }
    }

    fn push(&mut self, m: Mapped) {
        self.bytes += m.article.draft.body_md.len();
        self.mapped.push(m);
    }

    /// Whether the batch is due to be written.
    fn full(&self) -> bool {
        self.mapped.len() >= self.batch_size || self.bytes >= IMPORT_BATCH_BYTES
    }

    /// The gathered articles, leaving the batch empty.
    fn take(&mut self) -> Vec<Mapped> {
        self.bytes = 0;
        std::mem::take(&mut self.mapped)
    }
}

/// What the report needs of each article once it is written: whether it has an image,
/// the image it waits for, its headline.
type After = Vec<(bool, Option<String>, String)>;

impl App {
    /// Adds one post or page of an export to the batch, known by its `id` in the export
    /// and its `title`: one with no id or an id read before is left out with `no_id` as
    /// the reason; else `map` makes its article (its notes and its reason for being left
    /// out go to the report). The batch is written once it is full.
    pub(super) async fn gather_import(
        &self,
        pending: &mut Pending,
        report: &mut ContentReport,
        (id, title): (&str, &str),
        no_id: &str,
        map: impl FnOnce() -> Result<Mapped, String>,
    ) -> Result<(), ImportError> {
        let skip = |reason: String| Skipped {
            id: id.to_owned(),
            title: plain(title),
            reason,
        };
        if id.is_empty() || !pending.seen.insert(id.to_owned()) {
            report.skipped.push(skip(no_id.to_owned()));
            return Ok(());
        }
        match map() {
            Ok(m) => {
                for n in &m.notes {
                    report.notes.push(skip(n.clone()));
                }
                pending.push(m);
            }
            Err(reason) => report.skipped.push(skip(reason)),
        }
        if pending.full() {
            self.write_import_batch(pending, report).await?;
        }
        Ok(())
    }

    /// Writes the gathered batch and counts it in the report.
    pub(super) async fn write_import_batch(
        &self,
        pending: &mut Pending,
        report: &mut ContentReport,
    ) -> Result<(), ImportError> {
        if pending.mapped.is_empty() {
            return Ok(());
        }
        let (batch, after) = prepare_batch(pending.take(), &report.source);
        match self.store().import_batch(batch, self.now()).await {
            Ok(outcome) => {
                self.count_batch(&outcome, after, report, &mut pending.waiting);
                Ok(())
            }
            Err(e) => Err(ImportError::Store {
                error: e.into(),
                report: Box::new(report.clone()),
            }),
        }
    }

    fn count_batch(
        &self,
        outcome: &BatchOutcome,
        after: After,
        report: &mut ContentReport,
        waiting: &mut Vec<Waiting>,
    ) {
        report.sections_created += outcome.sections_created;
        report.authors_created += outcome.authors_created;
        if outcome.sections_created > 0 {
            self.forget_sections();
        }
        for ((has_image, thumbnail, headline), done) in after.into_iter().zip(&outcome.articles) {
            match done {
                Imported::Created(id) => {
                    report.imported += 1;
                    if has_image {
                        report.images += 1;
                    }
                    if let Some(t) = thumbnail {
                        waiting.push((*id, t, headline));
                    }
                }
                Imported::Existing(_) => report.unchanged += 1,
            }
        }
    }
}

/// The gathered articles as a batch, with the sections and authors they need (each
/// once); the articles move into it.
fn prepare_batch(mapped: Vec<Mapped>, source: &str) -> (ImportBatch, After) {
    let mut batch = ImportBatch {
        source: source.to_owned(),
        ..ImportBatch::default()
    };
    let mut after = Vec::with_capacity(mapped.len());
    for m in mapped {
        if !batch.sections.iter().any(|s| s.slug == m.section.slug) {
            batch.sections.push(m.section);
        }
        for a in m.authors {
            if !batch.authors.iter().any(|x| x.slug == a.slug) {
                batch.authors.push(a);
            }
        }
        after.push((
            m.article.draft.image.is_some(),
            m.thumbnail,
            m.article.draft.headline.clone(),
        ));
        batch.articles.push(m.article);
    }
    (batch, after)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::mapping::Gathered;
    use arabpress_core::{ArticleStatus, Lang, Slug};
    use arabpress_store::ImportSection;

    fn mapped(bytes: usize) -> Mapped {
        let section = ImportSection {
            slug: Slug::parse("news").unwrap(),
            name_ar: "أخبار".into(),
            name_en: "News".into(),
        };
        let g = Gathered {
            headline: "A headline".into(),
            standfirst: String::new(),
            body_md: "x".into(),
            page: false,
            section,
            tags: Vec::new(),
            authors: Vec::new(),
            image: None,
            notes: Vec::new(),
        };
        let mut m = g
            .finish(
                Lang::En,
                "a-headline",
                "1",
                ArticleStatus::Draft,
                None,
                None,
            )
            .unwrap();
        m.article.draft.body_md = "x".repeat(bytes);
        m
    }

    #[test]
    fn a_batch_is_full_by_count_or_by_the_bytes_of_its_bodies() {
        let mut by_count = Pending::new(&ImportOptions {
            batch: 2,
            ..ImportOptions::default()
        });
        by_count.push(mapped(5));
        assert!(!by_count.full());
        by_count.push(mapped(5));
        assert!(by_count.full());
        assert_eq!(by_count.take().len(), 2);
        assert!(!by_count.full(), "an emptied batch starts again");

        let mut by_bytes = Pending::new(&ImportOptions::default());
        let quarter = IMPORT_BATCH_BYTES / 4;
        for _ in 0..3 {
            by_bytes.push(mapped(quarter));
            assert!(!by_bytes.full());
        }
        by_bytes.push(mapped(quarter));
        assert!(by_bytes.full(), "four quarters of the byte limit fill it");
        by_bytes.take();
        by_bytes.push(mapped(quarter));
        assert!(!by_bytes.full(), "the count starts again after a write");
    }
}
