//! Imports from other platforms. A batch of articles is written with the sections and
//! authors it needs in one transaction, so a batch is all in or all out; `import_map`
//! remembers where each article came from, so importing the same file again finds what the
//! first run made instead of making it twice.

use crate::articles::{Known, insert_article, rows_sql};
use crate::{Store, StoreError};
use arabpress_core::{ArticleDraft, ArticleStatus, Slug};
use jiff::Timestamp;
use std::collections::HashMap;

/// A section an imported article needs; made when missing, left alone when present.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportSection {
    /// Slug.
    pub slug: Slug,
    /// Arabic name.
    pub name_ar: String,
    /// English name.
    pub name_en: String,
}

/// An author an imported article needs; made when missing, left alone when present.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportAuthor {
    /// Slug.
    pub slug: Slug,
    /// Arabic name.
    pub name_ar: String,
    /// English name.
    pub name_en: String,
    /// Biography, in the article's language.
    pub bio: String,
}

/// One article to import.
#[derive(Debug, Clone)]
pub struct ImportArticle {
    /// Its id on the platform it comes from.
    pub source_id: String,
    /// The article (already validated by the caller, so a refusal here is unexpected).
    pub draft: ArticleDraft,
    /// Its status.
    pub status: ArticleStatus,
    /// When it was published (or is to be, when scheduled).
    pub published_at: Option<Timestamp>,
}

/// A batch: everything in it is written in one transaction.
#[derive(Debug, Clone, Default)]
pub struct ImportBatch {
    /// Where the content comes from, e.g. `wxr:https://example.com`.
    pub source: String,
    /// Sections to make when missing.
    pub sections: Vec<ImportSection>,
    /// Authors to make when missing.
    pub authors: Vec<ImportAuthor>,
    /// The articles.
    pub articles: Vec<ImportArticle>,
}

/// What became of an article of a batch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Imported {
    /// Made now, with this id.
    Created(i64),
    /// An earlier import of the same item made it; nothing changed.
    Existing(i64),
}

/// What a batch made.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BatchOutcome {
    /// Per article, in order.
    pub articles: Vec<Imported>,
    /// Sections made.
    pub sections_created: u64,
    /// Authors made.
    pub authors_created: u64,
}

impl Store {
    /// Writes a batch in one transaction: missing sections and authors, then each article
    /// an earlier import has not made already. On any error nothing of the batch is kept.
    pub async fn import_batch(
        &self,
        batch: ImportBatch,
        now: Timestamp,
    ) -> Result<BatchOutcome, StoreError> {
        let mut tx = self.begin_write().await?;
        let mut out = BatchOutcome::default();
        for s in &batch.sections {
            let made: Option<i64> = sqlx::query_scalar(
                "INSERT INTO sections (slug, name_ar, name_en, position) \
                 SELECT $1, $2, $3, COALESCE(MAX(position), 0) + 1 FROM sections WHERE true \
                 ON CONFLICT (slug) DO NOTHING RETURNING id",
            )
            .bind(s.slug.as_str())
            .bind(&s.name_ar)
            .bind(&s.name_en)
            .fetch_optional(&mut *tx)
            .await?;
            if let Some(id) = made {
                crate::taxonomy::section_changed(&mut tx, id).await?;
                out.sections_created += 1;
            }
        }
        for a in &batch.authors {
            let made: Option<i64> = sqlx::query_scalar(
                "INSERT INTO authors (slug, name_ar, name_en, bio_ar, bio_en) \
                 VALUES ($1, $2, $3, $4, $4) ON CONFLICT (slug) DO NOTHING RETURNING id",
            )
            .bind(a.slug.as_str())
            .bind(&a.name_ar)
            .bind(&a.name_en)
            .bind(&a.bio)
            .fetch_optional(&mut *tx)
            .await?;
            out.authors_created += u64::from(made.is_some());
        }
        let mut known = Known::default();
        let mut made = already_imported(&mut tx, &batch).await?;
        let mut new_rows = Vec::new();
        for a in batch.articles {
            if let Some(id) = made.get(&a.source_id) {
                out.articles.push(Imported::Existing(*id));
                continue;
            }
            let scheduled = a.status == ArticleStatus::Scheduled;
            let published_at = if scheduled { None } else { a.published_at };
            let id = insert_article(
                &mut tx,
                &mut known,
                a.draft,
                a.status,
                published_at,
                None,
                now,
            )
            .await?;
            if let (true, Some(at)) = (scheduled, a.published_at) {
                sqlx::query("UPDATE articles SET scheduled_at = $1 WHERE id = $2")
                    .bind(at.as_second())
                    .bind(id)
                    .execute(&mut *tx)
                    .await?;
            }
            made.insert(a.source_id.clone(), id);
            new_rows.push((a.source_id, id));
            out.articles.push(Imported::Created(id));
        }
        for chunk in new_rows.chunks(ROWS_PER_STATEMENT) {
            let sql = rows_sql(
                "INSERT INTO import_map (source, kind, source_id, local_id, imported_at) VALUES ",
                chunk.len(),
                |n| format!("($1, 'article', ${}, ${}, $2)", 2 * n + 3, 2 * n + 4),
            );
            // A row left by an article deleted since is pointed at the new one.
            let sql = sql
                + " ON CONFLICT (source, kind, source_id) DO UPDATE \
                   SET local_id = excluded.local_id, imported_at = excluded.imported_at";
            let mut q = sqlx::query(sqlx::AssertSqlSafe(sql))
                .bind(&batch.source)
                .bind(now.as_second());
            for (source_id, id) in chunk {
                q = q.bind(source_id).bind(*id);
            }
            q.execute(&mut *tx).await?;
        }
        tx.commit().await?;
        Ok(out)
    }

    /// The article an earlier import made from item `source_id` of `source`.
    pub async fn imported_article(
        &self,
        source: &str,
        source_id: &str,
    ) -> Result<Option<i64>, StoreError> {
        Ok(sqlx::query_scalar(
            "SELECT local_id FROM import_map WHERE source = $1 AND kind = 'article' AND source_id = $2",
        )
        .bind(source)
        .bind(source_id)
        .fetch_optional(&self.pool)
        .await?)
    }

    /// The remote featured images (`http://` or `https://` addresses) of the articles
    /// imported from `source`, each address once with the articles showing it.
    pub async fn imported_remote_images(
        &self,
        source: &str,
    ) -> Result<Vec<(String, Vec<i64>)>, StoreError> {
        let rows: Vec<(String, i64)> = sqlx::query_as(
            "SELECT a.image_url, a.id FROM articles a JOIN import_map m ON m.local_id = a.id \
             WHERE m.source = $1 AND m.kind = 'article' \
             AND (a.image_url LIKE 'http://%' OR a.image_url LIKE 'https://%') ORDER BY a.image_url, a.id",
        )
        .bind(source)
        .fetch_all(&self.pool)
        .await?;
        let mut out: Vec<(String, Vec<i64>)> = Vec::new();
        for (url, id) in rows {
            match out.last_mut() {
                Some((u, ids)) if *u == url => ids.push(id),
                _ => out.push((url, vec![id])),
            }
        }
        Ok(out)
    }

    /// Points articles whose featured image is `from` at `to` (a copy in the media store),
    /// keeping its alt text, caption and credit; returns the articles changed.
    pub async fn replace_image_url(
        &self,
        ids: &[i64],
        from: &str,
        to: &str,
        now: Timestamp,
    ) -> Result<Vec<i64>, StoreError> {
        let mut tx = self.begin_write().await?;
        let mut changed = Vec::new();
        for &id in ids {
            let done =
                sqlx::query("UPDATE articles SET image_url = $1 WHERE id = $2 AND image_url = $3")
                    .bind(to)
                    .bind(id)
                    .bind(from)
                    .execute(&mut *tx)
                    .await?;
            if done.rows_affected() > 0 {
                crate::articles::change_event(&mut tx, id, "image", now).await?;
                changed.push(id);
            }
        }
        tx.commit().await?;
        Ok(changed)
    }

    /// Sets the featured image of an imported article whose image was described after it in
    /// the file (no new revision: the import is the article's first version; a change
    /// event, so every node renders it afresh).
    pub async fn set_imported_image(
        &self,
        id: i64,
        image: &arabpress_core::Image,
        now: Timestamp,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin_write().await?;
        sqlx::query(
            "UPDATE articles SET image_url = $1, image_alt = $2, image_caption = $3, image_credit = $4 \
             WHERE id = $5",
        )
        .bind(&image.url)
        .bind(&image.alt)
        .bind(&image.caption)
        .bind(&image.credit)
        .bind(id)
        .execute(&mut *tx)
        .await?;
        crate::articles::change_event(&mut tx, id, "image", now).await?;
        tx.commit().await?;
        Ok(())
    }
}

/// Rows per multi-row statement: well under SQLite's and PostgreSQL's limits on parameters.
const ROWS_PER_STATEMENT: usize = 200;

/// The items of `batch` an earlier import made and whose articles are still there, by
/// source id: one query per [`ROWS_PER_STATEMENT`] items.
async fn already_imported(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    batch: &ImportBatch,
) -> Result<HashMap<String, i64>, StoreError> {
    let mut made = HashMap::new();
    for chunk in batch.articles.chunks(ROWS_PER_STATEMENT) {
        let sql = rows_sql(
            "SELECT m.source_id, m.local_id FROM import_map m JOIN articles a ON a.id = m.local_id \
             WHERE m.source = $1 AND m.kind = 'article' AND m.source_id IN (",
            chunk.len(),
            |n| format!("${}", n + 2),
        ) + ")";
        let mut q =
            sqlx::query_as::<_, (String, i64)>(sqlx::AssertSqlSafe(sql)).bind(&batch.source);
        for a in chunk {
            q = q.bind(&a.source_id);
        }
        made.extend(q.fetch_all(&mut **tx).await?);
    }
    Ok(made)
}
