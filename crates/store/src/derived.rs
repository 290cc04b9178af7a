//! What is derived from the content and kept beside it: the rows the search index is built
//! from, the change feed it catches up from, near-duplicate fingerprints and groups, and
//! the related stories stored for each article.

use crate::articles::{FULL_COLUMNS, not_hidden_duplicate};
use crate::error::changed;
use crate::plans::{Arg, bind_all};
use crate::rows::{self, SUMMARY_COLUMNS};
use crate::{Store, StoreError};
use arabpress_core::Lang;
use arabpress_core::model::{Article, ArticleSummary};
use jiff::Timestamp;
use sqlx::{AssertSqlSafe, Row};
use std::collections::HashMap;

/// The statement of [`Store::relating_to`].
const RELATING_TO: &str =
    "SELECT DISTINCT article_id FROM related_articles WHERE related_id = $1 ORDER BY article_id";

/// A stored near-duplicate fingerprint.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Fingerprint {
    /// The article.
    pub id: i64,
    /// Its SimHash.
    pub fingerprint: u64,
    /// The earlier article it duplicates, if any.
    pub duplicate_of: Option<i64>,
}

/// One article event of the change feed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ArticleChange {
    /// The event id (increasing).
    pub change_id: i64,
    /// The article changed.
    pub article_id: i64,
}

/// The blocks of `article_fingerprint_blocks` (position × 65536 + value) within 1 bit of
/// each of `fingerprint`'s four 16-bit blocks: 17 values each, 68 in all. Two fingerprints
/// within 4 × 2 − 1 = 7 bits have at least one block within 1 bit; further apart, most
/// still do (of fingerprints 8 bits apart, 95 in 100; 11 bits, 61 in 100). Within 2 bits
/// (548 values) would find every one up to 11 bits, but it reads eight times the rows:
/// about 4,000 for each language's half-million, 10 ms rather than 1 on SQLite.
fn block_keys(fingerprint: u64) -> Vec<i64> {
    let mut keys = Vec::with_capacity(4 * 17);
    for position in 0..4u32 {
        let value = (fingerprint >> (16 * position)) & 0xffff;
        let base = i64::from(position) * 65_536;
        let key = |v: u64| base + i64::from(u16::try_from(v & 0xffff).unwrap_or(0));
        keys.push(key(value));
        for i in 0..16 {
            keys.push(key(value ^ 1 << i));
        }
    }
    keys
}

/// The statements of [`Store::fingerprint_candidates`]: the blocks near the story's over
/// the whole archive, and the newest `recent` fingerprints of the language (through each
/// article's first block). Both answer `(id, fingerprint)` rows.
fn fingerprint_statements(
    lang: Lang,
    fingerprint: u64,
    recent: u32,
) -> ((String, Vec<Arg>), (String, Vec<Arg>)) {
    let keys = block_keys(fingerprint)
        .iter()
        .map(i64::to_string)
        .collect::<Vec<_>>()
        .join(",");
    (
        (
            format!(
                "SELECT article_id, fingerprint FROM article_fingerprint_blocks \
                 WHERE lang = $1 AND block IN ({keys})"
            ),
            vec![Arg::Text(lang.code().to_owned())],
        ),
        (
            "SELECT article_id, fingerprint FROM article_fingerprint_blocks \
             WHERE lang = $1 AND block < 65536 ORDER BY article_id DESC LIMIT $2"
                .to_owned(),
            vec![
                Arg::Text(lang.code().to_owned()),
                Arg::Int(i64::from(recent)),
            ],
        ),
    )
}

impl Store {
    /// Published articles (any publication time) with ids above `after`, by id: what the
    /// search index is rebuilt from, in batches.
    pub async fn articles_for_index(
        &self,
        after: i64,
        limit: u32,
    ) -> Result<Vec<Article>, StoreError> {
        let sql = format!(
            "SELECT {SUMMARY_COLUMNS}, {FULL_COLUMNS}, {} FROM articles a JOIN article_bodies b ON b.article_id = a.id \
             WHERE a.id > $1 AND a.status = 'published' ORDER BY a.id LIMIT $2",
            self.parts_column()
        );
        let rows = sqlx::query(AssertSqlSafe(sql))
            .bind(after)
            .bind(i64::from(limit))
            .fetch_all(&self.pool)
            .await?;
        let mut out = Vec::with_capacity(rows.len());
        for row in &rows {
            out.push(self.full(row).await?);
        }
        Ok(out)
    }

    /// How many published articles there are (what a full rebuild indexes).
    pub async fn count_published(&self) -> Result<u64, StoreError> {
        let n: i64 = sqlx::query_scalar(
            "SELECT CAST(COUNT(*) AS BIGINT) FROM articles WHERE status = 'published'",
        )
        .fetch_one(&self.pool)
        .await?;
        Ok(u64::try_from(n).unwrap_or(0))
    }

    /// Article events after change `after`, oldest first, at most `limit`.
    pub async fn article_changes_since(
        &self,
        after: i64,
        limit: u32,
    ) -> Result<Vec<ArticleChange>, StoreError> {
        let rows: Vec<(i64, i64)> = sqlx::query_as(
            "SELECT id, entity_id FROM change_events WHERE entity = 'article' AND id > $1 ORDER BY id LIMIT $2",
        )
        .bind(after)
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .into_iter()
            .map(|(change_id, article_id)| ArticleChange {
                change_id,
                article_id,
            })
            .collect())
    }

    /// The articles in `lang` besides `except`, not withdrawn, whose fingerprints are near
    /// `fingerprint`, newest first: the candidates a story is compared with. Two lookups,
    /// neither reading every fingerprint: over the whole archive, those within
    /// `within_archive` bits that have a 16-bit block within 1 bit of the story's (all of
    /// them up to 7 bits, most up to 11); among the newest `recent` fingerprints of the
    /// language, those within `within_recent` bits (a longer version of a fresh story can
    /// move 16).
    pub async fn fingerprint_candidates(
        &self,
        lang: Lang,
        except: i64,
        fingerprint: u64,
        (within_recent, within_archive): (u32, u32),
        recent: u32,
    ) -> Result<Vec<Fingerprint>, StoreError> {
        let distance = |fp: i64| (u64::from_ne_bytes(fp.to_ne_bytes()) ^ fingerprint).count_ones();
        let ((blocks, block_args), (newest, newest_args)) =
            fingerprint_statements(lang, fingerprint, recent);
        let mut ids: Vec<i64> = Vec::new();
        // The blocks' statement is written for its fingerprint, so it is not kept prepared;
        // the newest window's is the same every time, so it is.
        for (sql, args, within, keep) in [
            (blocks, block_args, within_archive, false),
            (newest, newest_args, within_recent, true),
        ] {
            let rows = bind_all(sqlx::query(AssertSqlSafe(sql)).persistent(keep), &args)
                .fetch_all(&self.pool)
                .await?;
            for row in &rows {
                let (id, fp): (i64, i64) = (row.try_get(0)?, row.try_get(1)?);
                if id != except && distance(fp) <= within {
                    ids.push(id);
                }
            }
        }
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        ids.sort_unstable();
        ids.dedup();
        let list = ids.iter().map(i64::to_string).collect::<Vec<_>>().join(",");
        let rows: Vec<(i64, i64, Option<i64>)> = sqlx::query_as(AssertSqlSafe(format!(
            "SELECT id, fingerprint, duplicate_of FROM articles WHERE id IN ({list}) \
             AND fingerprint IS NOT NULL AND status <> 'unpublished' ORDER BY id DESC"
        )))
        .persistent(false)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .into_iter()
            .map(|(id, fp, duplicate_of)| Fingerprint {
                id,
                // Stored as the same 64 bits, signed.
                fingerprint: u64::from_ne_bytes(fp.to_ne_bytes()),
                duplicate_of,
            })
            .collect())
    }

    /// The plans the database chooses for the two lookups of
    /// [`Store::fingerprint_candidates`], one line per step.
    pub async fn fingerprint_plans(
        &self,
        lang: Lang,
        fingerprint: u64,
    ) -> Result<Vec<String>, StoreError> {
        let ((blocks, block_args), (newest, newest_args)) =
            fingerprint_statements(lang, fingerprint, 1_000);
        let mut lines = self.plan(&blocks, &block_args).await?;
        lines.extend(self.plan(&newest, &newest_args).await?);
        Ok(lines)
    }

    /// Records an article's fingerprint and the article it duplicates (`None`: none).
    pub async fn set_fingerprint(
        &self,
        id: i64,
        fingerprint: u64,
        duplicate_of: Option<i64>,
    ) -> Result<(), StoreError> {
        self.regroup(id, fingerprint, duplicate_of, None, Timestamp::UNIX_EPOCH)
            .await
            .map(|_| ())
    }

    /// Records an article's fingerprint and the article it duplicates (`None`: it leads
    /// its group), and, in the same transaction, moves article `moved` and every article
    /// grouped under it into that group: the article's own old group when it joins
    /// another, or the group whose lead it replaces. The lead is left at the top of its
    /// group (it duplicates nothing), so no two articles can hide each other. Each article
    /// moved, and `id`, gets a change event, so every node re-indexes it and drops the
    /// pages that listed it. Returns the articles moved, besides `id`. A crash leaves
    /// either grouping whole.
    pub async fn regroup(
        &self,
        id: i64,
        fingerprint: u64,
        duplicate_of: Option<i64>,
        moved: Option<i64>,
        now: Timestamp,
    ) -> Result<Vec<i64>, StoreError> {
        if duplicate_of == Some(id) {
            return Err(StoreError::Invalid(arabpress_core::ValidationError::new(
                "duplicate_of",
                "invalid-duplicate-self",
                "an article cannot duplicate itself",
            )));
        }
        let lead = duplicate_of.unwrap_or(id);
        let mut tx = self.begin_write().await?;
        let mut changed_ids = Vec::new();
        if let Some(m) = moved {
            changed_ids = sqlx::query_scalar(
                "UPDATE articles SET duplicate_of = $1 \
                 WHERE (duplicate_of = $2 OR id = $2) AND id <> $1 AND id <> $3 RETURNING id",
            )
            .bind(lead)
            .bind(m)
            .bind(id)
            .fetch_all(&mut *tx)
            .await?;
        }
        if moved.is_some() && lead != id {
            let top = sqlx::query("UPDATE articles SET duplicate_of = NULL WHERE id = $1 AND duplicate_of IS NOT NULL")
                .bind(lead)
                .execute(&mut *tx)
                .await?;
            if top.rows_affected() > 0 {
                changed_ids.push(lead);
            }
        }
        let done =
            sqlx::query("UPDATE articles SET fingerprint = $1, duplicate_of = $2 WHERE id = $3")
                .bind(i64::from_ne_bytes(fingerprint.to_ne_bytes()))
                .bind(duplicate_of)
                .bind(id)
                .execute(&mut *tx)
                .await?;
        changed(&done, || format!("article {id}"))?;
        changed_ids.sort_unstable();
        changed_ids.dedup();
        if moved.is_some() {
            for &c in changed_ids.iter().chain([&id]) {
                crate::articles::change_event(&mut tx, c, "regrouped", now).await?;
            }
        }
        tx.commit().await?;
        Ok(changed_ids)
    }

    /// The articles recorded as duplicates of `id`.
    pub async fn duplicates_of(&self, id: i64) -> Result<Vec<i64>, StoreError> {
        Ok(
            sqlx::query_scalar("SELECT id FROM articles WHERE duplicate_of = $1 ORDER BY id")
                .bind(id)
                .fetch_all(&self.pool)
                .await?,
        )
    }

    /// Replaces the related stories stored for `id` (best first).
    pub async fn set_related(&self, id: i64, related: &[i64]) -> Result<(), StoreError> {
        let mut tx = self.begin_write().await?;
        sqlx::query("DELETE FROM related_articles WHERE article_id = $1")
            .bind(id)
            .execute(&mut *tx)
            .await?;
        for (pos, rid) in related.iter().filter(|r| **r != id).enumerate() {
            sqlx::query(
                "INSERT INTO related_articles (article_id, position, related_id) VALUES ($1, $2, $3)",
            )
            .bind(id)
            .bind(i64::try_from(pos).unwrap_or(i64::MAX))
            .bind(*rid)
            .execute(&mut *tx)
            .await
            .map_err(|e| crate::taxonomy::missing(e, format!("article {id} or {rid}")))?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// The articles whose stored related stories include `id`.
    pub async fn relating_to(&self, id: i64) -> Result<Vec<i64>, StoreError> {
        Ok(sqlx::query_scalar(RELATING_TO)
            .bind(id)
            .fetch_all(&self.pool)
            .await?)
    }

    /// The plans the database chooses for the stored related stories: those an article
    /// page shows (with its translations and the latest stories, see
    /// [`Store::article_neighbours`]) and the stories that relate to `article` (whose
    /// related stories are recomputed when it changes), one line per step.
    pub async fn related_plans(
        &self,
        article: &Article,
        now: Timestamp,
    ) -> Result<Vec<String>, StoreError> {
        let mut lines = self.neighbours_plans(article, now).await?;
        lines.extend(
            self.plan(RELATING_TO, &[Arg::Int(article.summary.id)])
                .await?,
        );
        Ok(lines)
    }

    /// The public summaries of the given articles, in the order given; ids that are not
    /// public (withdrawn, not yet due, or a hidden duplicate) are left out.
    pub async fn summaries_by_ids(
        &self,
        ids: &[i64],
        now: Timestamp,
    ) -> Result<Vec<ArticleSummary>, StoreError> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let list = ids.iter().map(i64::to_string).collect::<Vec<_>>().join(",");
        let sql = self.summaries_as_json(
            &format!(
                "SELECT {SUMMARY_COLUMNS} FROM articles a WHERE a.id IN ({list}) AND a.status = 'published' \
                 AND a.published_at <= $1 AND {}",
                not_hidden_duplicate("$1")
            ),
            "s.id",
        );
        let json: String = sqlx::query_scalar(AssertSqlSafe(sql))
            .bind(now.as_second())
            .fetch_one(&self.pool)
            .await?;
        let mut by_id: HashMap<i64, ArticleSummary> = rows::summaries_from_json(&json)?
            .into_iter()
            .map(|s| (s.id, s))
            .collect();
        Ok(ids.iter().filter_map(|id| by_id.remove(id)).collect())
    }
}
