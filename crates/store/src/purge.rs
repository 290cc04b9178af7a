//! The CDN purge's place in the change feed and the keys it last sent for each article
//! (migration `0025_feed_positions`). One node at a time holds the purge's lease; it reads
//! the changes after the position, sends their keys, and only then moves the position on,
//! so a change is purged at least once whatever fails or is killed in between.

use crate::{Store, StoreError};
use jiff::Timestamp;

/// The feed position of the CDN purge.
const PURGE: &str = "purge";

/// A change as the purge reads it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeedChange {
    /// Its place in the feed.
    pub id: i64,
    /// What changed: `article`, `section`, `settings`, `breaking`, `job`.
    pub entity: String,
    /// Which one (an article's id; 0 where the entity has none).
    pub entity_id: i64,
}

/// What a cached page's surrogate keys name of an article.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArticleLinks {
    pub id: i64,
    /// Its language's code.
    pub lang: String,
    pub section_id: i64,
    pub tag_ids: Vec<i64>,
    pub author_ids: Vec<i64>,
}

impl Store {
    /// Takes the purge's lease until `lease_until` and gives its position, or `None` while
    /// another node holds an unexpired lease. Its row is made by the migration and never
    /// removed (an archive neither holds nor replaces it).
    pub async fn claim_purge(
        &self,
        lease_until: Timestamp,
        now: Timestamp,
    ) -> Result<Option<i64>, StoreError> {
        Ok(sqlx::query_scalar(
            "UPDATE feed_positions SET locked_until = $1 \
             WHERE job = $2 AND (locked_until IS NULL OR locked_until <= $3) RETURNING position",
        )
        .bind(lease_until.as_second())
        .bind(PURGE)
        .bind(now.as_second())
        .fetch_optional(&self.pool)
        .await?)
    }

    /// The changes after `after`, oldest first, at most `limit`.
    pub async fn changes_after(
        &self,
        after: i64,
        limit: u32,
    ) -> Result<Vec<FeedChange>, StoreError> {
        let rows: Vec<(i64, String, i64)> = sqlx::query_as(
            "SELECT id, entity, entity_id FROM change_events WHERE id > $1 ORDER BY id LIMIT $2",
        )
        .bind(after)
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .into_iter()
            .map(|(id, entity, entity_id)| FeedChange {
                id,
                entity,
                entity_id,
            })
            .collect())
    }

    /// The keys last purged for each of `ids` that has any (as stored: a JSON array).
    pub async fn purged_keys(&self, ids: &[i64]) -> Result<Vec<(i64, String)>, StoreError> {
        let mut out = Vec::new();
        for chunk in ids.chunks(500) {
            let marks: Vec<String> = (1..=chunk.len()).map(|i| format!("${i}")).collect();
            let sql = format!(
                "SELECT article_id, keys FROM purged_keys WHERE article_id IN ({})",
                marks.join(", ")
            );
            // Only `$N` marks are formatted in; the ids are bound.
            let mut q = sqlx::query_as::<_, (i64, String)>(sqlx::AssertSqlSafe(sql));
            for id in chunk {
                q = q.bind(*id);
            }
            out.extend(q.fetch_all(&self.pool).await?);
        }
        Ok(out)
    }

    /// What a cached page's keys name of each of `ids` that exists, in three reads whatever
    /// their number: its language, section, tags and authors. In the order of their ids.
    pub async fn article_links(&self, ids: &[i64]) -> Result<Vec<ArticleLinks>, StoreError> {
        let mut out: Vec<ArticleLinks> = Vec::with_capacity(ids.len());
        for chunk in ids.chunks(500) {
            let marks: Vec<String> = (1..=chunk.len()).map(|i| format!("${i}")).collect();
            let marks = marks.join(", ");
            // Only `$N` marks are formatted in; the ids are bound.
            let mut q = sqlx::query_as::<_, (i64, String, i64)>(sqlx::AssertSqlSafe(format!(
                "SELECT id, lang, section_id FROM articles WHERE id IN ({marks}) ORDER BY id"
            )));
            for id in chunk {
                q = q.bind(*id);
            }
            let start = out.len();
            out.extend(
                q.fetch_all(&self.pool)
                    .await?
                    .into_iter()
                    .map(|(id, lang, section_id)| ArticleLinks {
                        id,
                        lang,
                        section_id,
                        tag_ids: Vec::new(),
                        author_ids: Vec::new(),
                    }),
            );
            let links = &mut out[start..];
            for tags in [true, false] {
                let sql = if tags {
                    format!(
                        "SELECT article_id, tag_id FROM article_tags WHERE article_id IN ({marks})"
                    )
                } else {
                    format!(
                        "SELECT article_id, author_id FROM article_authors WHERE article_id IN ({marks}) \
                         ORDER BY article_id, position"
                    )
                };
                let mut q = sqlx::query_as::<_, (i64, i64)>(sqlx::AssertSqlSafe(sql));
                for id in chunk {
                    q = q.bind(*id);
                }
                for (article, linked) in q.fetch_all(&self.pool).await? {
                    if let Ok(i) = links.binary_search_by_key(&article, |l| l.id) {
                        let list = if tags {
                            &mut links[i].tag_ids
                        } else {
                            &mut links[i].author_ids
                        };
                        list.push(linked);
                    }
                }
            }
        }
        Ok(out)
    }

    /// Gives the purge's lease back. With `sent`, the changes up to its position were
    /// purged: the position moves there and each article's keys are kept for its next
    /// change, in one transaction. Without, the position stays for the next round.
    pub async fn release_purge(
        &self,
        sent: Option<(i64, &[(i64, String)])>,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin_write().await?;
        if let Some((to, keys)) = sent {
            for (article, k) in keys {
                sqlx::query(
                    "INSERT INTO purged_keys (article_id, keys) VALUES ($1, $2) \
                     ON CONFLICT (article_id) DO UPDATE SET keys = excluded.keys",
                )
                .bind(*article)
                .bind(k.as_str())
                .execute(&mut *tx)
                .await?;
            }
            sqlx::query("UPDATE feed_positions SET position = $1 WHERE job = $2 AND position < $1")
                .bind(to)
                .bind(PURGE)
                .execute(&mut *tx)
                .await?;
        }
        sqlx::query("UPDATE feed_positions SET locked_until = NULL WHERE job = $1")
            .bind(PURGE)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Moves the purge's position to the feed's end without sending anything: a site with
    /// no purge hook, so that one configured later does not send the whole history.
    pub async fn skip_purge(&self) -> Result<(), StoreError> {
        sqlx::query(
            "UPDATE feed_positions SET position = (SELECT COALESCE(MAX(id), 0) FROM change_events) \
             WHERE job = $1 AND locked_until IS NULL \
             AND position < (SELECT COALESCE(MAX(id), 0) FROM change_events)",
        )
        .bind(PURGE)
        .execute(&self.pool)
        .await?;
        Ok(())
    }
}
