//! Spoken articles: the state of each article's audio (what the newsroom shows), claims so
//! that one node (or the `audio` command) speaks an article at a time, and the result.
//! Which articles are due is the job queue's: a change that publishes or edits an article
//! queues its `speak` job in the same transaction (`queue.rs`).
//! A new file replaces the old one only once it is complete: the row names the old file
//! until [`Store::record_audio`] names the new one.

use crate::{Store, StoreError};
use arabpress_core::model::SpokenAudio;
use jiff::Timestamp;

/// An article's audio row, as the newsroom sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AudioState {
    /// The audio served now, if any.
    pub audio: Option<SpokenAudio>,
    /// Hash of what that audio says.
    pub script_hash: Option<String>,
    /// When it was made.
    pub made_at: Option<Timestamp>,
    /// The article version last looked at.
    pub seen_version: i64,
    /// Why the last attempt failed, if it did.
    pub error: Option<String>,
    /// Failures in a row.
    pub failures: i64,
    /// When a failed article is tried again.
    pub retry_at: Option<Timestamp>,
}

/// Counts for the newsroom.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct AudioCounts {
    /// Published articles with audio.
    pub ready: i64,
    /// Published articles without audio whose last attempt failed.
    pub failed: i64,
    /// Published articles waiting for their first audio.
    pub waiting: i64,
}

impl Store {
    /// Claims the articles `ids` for speaking until `until` with token `claim`; an article
    /// another node or command holds, or that is gone, is skipped. Returns the ids claimed
    /// with their current version.
    pub async fn claim_audio(
        &self,
        ids: &[i64],
        claim: &str,
        now: Timestamp,
        until: Timestamp,
    ) -> Result<Vec<(i64, i64)>, StoreError> {
        let mut candidates = Vec::with_capacity(ids.len());
        for id in ids {
            let row: Option<(i64, i64)> =
                sqlx::query_as("SELECT id, version FROM articles WHERE id = $1")
                    .bind(id)
                    .fetch_optional(&self.pool)
                    .await?;
            candidates.extend(row);
        }
        let mut claimed = Vec::with_capacity(candidates.len());
        for (id, version) in candidates {
            let got: Option<i64> = sqlx::query_scalar(
                "INSERT INTO article_audio (article_id, claim, claim_until) VALUES ($1, $2, $3) \
                 ON CONFLICT (article_id) DO UPDATE SET claim = excluded.claim, claim_until = excluded.claim_until \
                 WHERE article_audio.claim_until IS NULL OR article_audio.claim_until < $4 \
                 RETURNING article_id",
            )
            .bind(id)
            .bind(claim)
            .bind(until.as_second())
            .bind(now.as_second())
            .fetch_optional(&self.pool)
            .await?;
            if got.is_some() {
                claimed.push((id, version));
            }
        }
        Ok(claimed)
    }

    /// Published articles, newest first: all of them, or only those without audio.
    pub async fn articles_to_speak(&self, only_missing: bool) -> Result<Vec<i64>, StoreError> {
        let filter = if only_missing {
            " AND x.sha IS NULL"
        } else {
            ""
        };
        Ok(sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
            "SELECT a.id FROM articles a LEFT JOIN article_audio x ON x.article_id = a.id \
             WHERE a.status = 'published'{filter} ORDER BY a.published_at DESC, a.id DESC"
        )))
        .fetch_all(&self.pool)
        .await?)
    }

    /// Published articles in `lang` with audio, newest first (a podcast's episodes); a
    /// hidden near-duplicate is left out as in every public list.
    pub async fn spoken_article_ids(
        &self,
        lang: arabpress_core::Lang,
        now: Timestamp,
        limit: u32,
    ) -> Result<Vec<i64>, StoreError> {
        Ok(sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
            "SELECT a.id FROM articles a JOIN article_audio x ON x.article_id = a.id \
             WHERE a.lang = $1 AND a.status = 'published' AND a.published_at <= $2 \
             AND x.sha IS NOT NULL AND {} \
             ORDER BY a.published_at DESC, a.id DESC LIMIT $3",
            crate::articles::not_hidden_duplicate("$2")
        )))
        .bind(lang.code())
        .bind(now.as_second())
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await?)
    }

    /// The audio row of an article.
    pub async fn audio_state(&self, article_id: i64) -> Result<Option<AudioState>, StoreError> {
        type Row = (
            Option<String>,
            Option<i64>,
            Option<i64>,
            Option<String>,
            Option<i64>,
            i64,
            Option<String>,
            i64,
            Option<i64>,
        );
        let row: Option<Row> = sqlx::query_as(
            "SELECT sha, bytes, duration_ms, script_hash, made_at, seen_version, error, failures, retry_at \
             FROM article_audio WHERE article_id = $1",
        )
        .bind(article_id)
        .fetch_optional(&self.pool)
        .await?;
        let Some((sha, bytes, ms, hash, made, seen, error, failures, retry)) = row else {
            return Ok(None);
        };
        Ok(Some(AudioState {
            audio: match (sha, bytes, ms) {
                (Some(sha), Some(bytes), Some(duration_ms)) => Some(SpokenAudio {
                    sha,
                    bytes,
                    duration_ms,
                }),
                _ => None,
            },
            script_hash: hash,
            made_at: made.map(crate::rows::ts).transpose()?,
            seen_version: seen,
            error,
            failures,
            retry_at: retry.map(crate::rows::ts).transpose()?,
        }))
    }

    /// Records new audio for an article this claim holds; returns the file it replaces
    /// (`None` when there was none, or when the claim was lost and nothing changed: then
    /// `Ok(None)` and `false`).
    pub async fn record_audio(
        &self,
        article_id: i64,
        claim: &str,
        audio: &SpokenAudio,
        script_hash: &str,
        version: i64,
        now: Timestamp,
    ) -> Result<(bool, Option<String>), StoreError> {
        let mut tx = self.begin_write().await?;
        let old: Option<Option<String>> = sqlx::query_scalar(
            "SELECT sha FROM article_audio WHERE article_id = $1 AND claim = $2",
        )
        .bind(article_id)
        .bind(claim)
        .fetch_optional(&mut *tx)
        .await?;
        let Some(old) = old else {
            return Ok((false, None));
        };
        settle(
            &mut *tx,
            article_id,
            claim,
            version,
            Some((audio, script_hash, now)),
        )
        .await?;
        crate::articles::change_event(&mut tx, article_id, "audio", now).await?;
        tx.commit().await?;
        Ok((true, old.filter(|o| *o != audio.sha)))
    }

    /// The article's text did not change what is spoken: the audio stays, the version is
    /// noted and the claim let go.
    pub async fn audio_unchanged(
        &self,
        article_id: i64,
        claim: &str,
        version: i64,
    ) -> Result<(), StoreError> {
        settle(&self.pool, article_id, claim, version, None).await?;
        Ok(())
    }

    /// Records a failure; the article is tried again at `retry_at`. Audio made before
    /// stays in place.
    pub async fn audio_failed(
        &self,
        article_id: i64,
        claim: &str,
        error: &str,
        retry_at: Timestamp,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "UPDATE article_audio SET error = $1, failures = failures + 1, retry_at = $2, \
             claim = NULL, claim_until = NULL WHERE article_id = $3 AND claim = $4",
        )
        .bind(error)
        .bind(retry_at.as_second())
        .bind(article_id)
        .bind(claim)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Asks for the article to be spoken again even though its text has not changed (a
    /// better voice, a fixed pronunciation): it becomes due at once, failures forgotten, and
    /// the audio it has keeps being served until the new file is complete.
    pub async fn requeue_audio(&self, article_id: i64, now: Timestamp) -> Result<(), StoreError> {
        let mut tx = self.begin_write().await?;
        sqlx::query(
            "UPDATE article_audio SET seen_version = -1, script_hash = NULL, error = NULL, \
             failures = 0, retry_at = NULL WHERE article_id = $1",
        )
        .bind(article_id)
        .execute(&mut *tx)
        .await?;
        crate::queue::speak_later(&mut tx, article_id, now).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Whether any article's audio is the file `sha` (so it must not be deleted).
    pub async fn audio_in_use(&self, sha: &str) -> Result<bool, StoreError> {
        let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM article_audio WHERE sha = $1")
            .bind(sha)
            .fetch_one(&self.pool)
            .await?;
        Ok(n > 0)
    }

    /// How many published articles have audio, failed or wait.
    pub async fn audio_counts(&self) -> Result<AudioCounts, StoreError> {
        let (ready, failed, waiting): (i64, i64, i64) =
            sqlx::query_as(AUDIO_COUNTS).fetch_one(&self.pool).await?;
        Ok(AudioCounts {
            ready,
            failed,
            waiting,
        })
    }
}

/// The statement of [`Store::audio_counts`].
pub(crate) const AUDIO_COUNTS: &str = "SELECT \
     COALESCE(SUM(CASE WHEN x.sha IS NOT NULL THEN 1 ELSE 0 END), 0), \
     COALESCE(SUM(CASE WHEN x.sha IS NULL AND x.error IS NOT NULL THEN 1 ELSE 0 END), 0), \
     COALESCE(SUM(CASE WHEN x.sha IS NULL AND x.error IS NULL THEN 1 ELSE 0 END), 0) \
     FROM articles a LEFT JOIN article_audio x ON x.article_id = a.id \
     WHERE a.status = 'published'";

/// Notes that the article's `version` has been heard (its audio made, or found unchanged):
/// the failures are forgotten and the claim let go; `made` is the new audio with the
/// script it speaks and when, or `None` to keep what there is.
async fn settle<'e>(
    exec: impl sqlx::Executor<'e, Database = sqlx::Any>,
    article_id: i64,
    claim: &str,
    version: i64,
    made: Option<(&SpokenAudio, &str, Timestamp)>,
) -> Result<(), StoreError> {
    sqlx::query(
        "UPDATE article_audio SET sha = COALESCE($1, sha), bytes = COALESCE($2, bytes), \
         duration_ms = COALESCE($3, duration_ms), script_hash = COALESCE($4, script_hash), \
         made_at = COALESCE($5, made_at), seen_version = $6, error = NULL, failures = 0, \
         retry_at = NULL, claim = NULL, claim_until = NULL WHERE article_id = $7 AND claim = $8",
    )
    .bind(made.map(|(a, _, _)| a.sha.clone()))
    .bind(made.map(|(a, _, _)| a.bytes))
    .bind(made.map(|(a, _, _)| a.duration_ms))
    .bind(made.map(|(_, script, _)| script.to_owned()))
    .bind(made.map(|(_, _, at)| at.as_second()))
    .bind(version)
    .bind(article_id)
    .bind(claim)
    .execute(exec)
    .await?;
    Ok(())
}
