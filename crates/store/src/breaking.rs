//! The breaking-news ribbon (the `0017_breaking_news` migration): one article per language
//! shown above every page until a time. Each change writes an audit line and a
//! `breaking` change event in its transaction, so every node drops its pages.

use crate::{Store, StoreError};
use arabpress_core::Lang;
use jiff::Timestamp;

impl Store {
    /// Shows `article` (in `lang`) on the ribbon until `until`, replacing what was there.
    pub async fn set_breaking(
        &self,
        lang: Lang,
        article: i64,
        until: Timestamp,
        by: Option<i64>,
        now: Timestamp,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin_write().await?;
        sqlx::query(
            "INSERT INTO breaking_news (lang, article_id, until, set_by, set_at) \
             VALUES ($1, $2, $3, $4, $5) ON CONFLICT (lang) DO UPDATE SET \
             article_id = excluded.article_id, until = excluded.until, \
             set_by = excluded.set_by, set_at = excluded.set_at",
        )
        .bind(lang.code())
        .bind(article)
        .bind(until.as_second())
        .bind(by)
        .bind(now.as_second())
        .execute(&mut *tx)
        .await?;
        log(&mut tx, "breaking_shown", article, by, now).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Takes `article` off the ribbon; false when it was not there.
    pub async fn clear_breaking(
        &self,
        article: i64,
        by: Option<i64>,
        now: Timestamp,
    ) -> Result<bool, StoreError> {
        let mut tx = self.begin_write().await?;
        let gone = sqlx::query("DELETE FROM breaking_news WHERE article_id = $1")
            .bind(article)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        if gone > 0 {
            log(&mut tx, "breaking_removed", article, by, now).await?;
        }
        tx.commit().await?;
        Ok(gone > 0)
    }

    /// The article on `lang`'s ribbon and until when, unless that time has passed.
    pub async fn breaking(
        &self,
        lang: Lang,
        now: Timestamp,
    ) -> Result<Option<(i64, Timestamp)>, StoreError> {
        let row: Option<(i64, i64)> = sqlx::query_as(
            "SELECT article_id, until FROM breaking_news WHERE lang = $1 AND until > $2",
        )
        .bind(lang.code())
        .bind(now.as_second())
        .fetch_optional(&self.pool)
        .await?;
        row.map(|(id, until)| Ok((id, crate::rows::ts(until)?)))
            .transpose()
    }

    /// The ribbons showing now, in any language: (article id, end). A page carries their
    /// articles' keys and is kept no longer than the earliest end.
    pub async fn breaking_now(&self, now: Timestamp) -> Result<Vec<(i64, i64)>, StoreError> {
        Ok(
            sqlx::query_as("SELECT article_id, until FROM breaking_news WHERE until > $1")
                .bind(now.as_second())
                .fetch_all(&self.pool)
                .await?,
        )
    }

    /// The newest `breaking` change event after `after`, if any.
    pub async fn breaking_change_after(&self, after: i64) -> Result<Option<i64>, StoreError> {
        Ok(sqlx::query_scalar(
            "SELECT MAX(id) FROM change_events WHERE entity = 'breaking' AND id > $1",
        )
        .bind(after)
        .fetch_one(&self.pool)
        .await?)
    }
}

/// The audit line and the change event of a ribbon change.
async fn log(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    action: &str,
    article: i64,
    by: Option<i64>,
    now: Timestamp,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO audit_log (created_at, user_id, action, entity, entity_id, detail) \
         VALUES ($1, $2, $3, 'article', $4, '')",
    )
    .bind(now.as_second())
    .bind(by)
    .bind(action)
    .bind(article)
    .execute(&mut **tx)
    .await?;
    sqlx::query(
        "INSERT INTO change_events (created_at, entity, entity_id, action) \
         VALUES ($1, 'breaking', $2, $3)",
    )
    .bind(now.as_second())
    .bind(article)
    .bind(action)
    .execute(&mut **tx)
    .await?;
    Ok(())
}
