//! Reads counted without tracking (see the `0016_reads` migration): counts added per
//! article and hour by every node, and the most-read lists built from them.

use crate::{Store, StoreError};
use arabpress_core::Lang;

/// Counts gathered by one node since its last flush.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReadCounts {
    /// (article id, hour's first second, reads).
    pub reads: Vec<(i64, i64, i64)>,
    /// (article id, hour's first second, referring domain, reads).
    pub referrers: Vec<(i64, i64, String, i64)>,
}

impl ReadCounts {
    /// True when there is nothing to write.
    pub fn is_empty(&self) -> bool {
        self.reads.is_empty() && self.referrers.is_empty()
    }
}

impl Store {
    /// Adds counts to the stored ones in one transaction (what other nodes added stays);
    /// counts for an article that does not exist (a made-up id) are dropped. Returns the
    /// reads written.
    pub async fn add_reads(&self, c: &ReadCounts) -> Result<u64, StoreError> {
        let mut tx = self.begin_write().await?;
        let mut written = 0u64;
        for (article, hour, n) in &c.reads {
            let done = sqlx::query(
                "INSERT INTO article_reads (article_id, hour, reads) \
                 SELECT $1, $2, $3 WHERE EXISTS (SELECT 1 FROM articles WHERE id = $1) \
                 ON CONFLICT (article_id, hour) DO UPDATE SET reads = article_reads.reads + excluded.reads",
            )
            .bind(article)
            .bind(hour)
            .bind(n)
            .execute(&mut *tx)
            .await?;
            if done.rows_affected() > 0 {
                written += u64::try_from(*n).unwrap_or(0);
            }
        }
        for (article, hour, domain, n) in &c.referrers {
            sqlx::query(
                "INSERT INTO referrer_reads (article_id, hour, domain, reads) \
                 SELECT $1, $2, $3, $4 WHERE EXISTS (SELECT 1 FROM articles WHERE id = $1) \
                 ON CONFLICT (article_id, hour, domain) DO UPDATE SET reads = referrer_reads.reads + excluded.reads",
            )
            .bind(article)
            .bind(hour)
            .bind(domain)
            .bind(n)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(written)
    }

    /// The ids of the published articles in `lang` (of one section, when given) read most
    /// since `since` (a Unix second), most read first; ties go to the newer article.
    pub async fn most_read(
        &self,
        lang: Lang,
        section: Option<i64>,
        since: i64,
        limit: i64,
    ) -> Result<Vec<i64>, StoreError> {
        // The period's counts first, then their articles, never the other way (CROSS JOIN
        // keeps SQLite's join in that order): the period's counts are a few thousand rows,
        // a language's articles can be half a million. Grouping by `article_id + 0` keeps
        // SQLite on the hour index instead of walking every hour ever counted in
        // (article_id, hour) order.
        let ids: Vec<(i64,)> = sqlx::query_as(
            "SELECT r.article_id FROM (SELECT article_id + 0 AS article_id, SUM(reads) AS n \
             FROM article_reads WHERE hour >= $1 GROUP BY article_id + 0) r CROSS JOIN articles a \
             WHERE a.id = r.article_id AND a.lang = $2 AND a.status = 'published' \
             AND ($3 = 0 OR a.section_id = $3) \
             ORDER BY r.n DESC, r.article_id DESC LIMIT $4",
        )
        .bind(since)
        .bind(lang.code())
        .bind(section.unwrap_or(0))
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        Ok(ids.into_iter().map(|(id,)| id).collect())
    }

    /// The reads an article has had since `since`, all nodes together.
    pub async fn reads_of(&self, article: i64, since: i64) -> Result<i64, StoreError> {
        let n: Option<i64> = sqlx::query_scalar(
            "SELECT CAST(SUM(reads) AS BIGINT) FROM article_reads WHERE article_id = $1 AND hour >= $2",
        )
        .bind(article)
        .bind(since)
        .fetch_one(&self.pool)
        .await?;
        Ok(n.unwrap_or(0))
    }
}
