//! The job queue (migration `0026_job_queue`): work that must follow a change, written in
//! the change's own transaction ([`queue_job`]) so that a process killed after the commit
//! loses none of it, and leased by workers row by row. One row stands for one kind of work
//! on one subject (`('speak', 42)`: speak article 42); queuing it again before it runs
//! moves the row instead of adding one, and counts a new generation, so a round that began
//! before the last change does not take the row away with it.
//!
//! On PostgreSQL the lease skips rows another worker is taking (`FOR UPDATE SKIP LOCKED`);
//! on SQLite the one writer makes the conditional `UPDATE … RETURNING` atomic.

use crate::{Backend, Store, StoreError};
use jiff::Timestamp;
use sqlx::AssertSqlSafe;

/// The kind of the jobs that speak an article (the subject is the article's id).
pub const SPEAK: &str = "speak";

/// The kind of the jobs that deliver a webhook (the subject is the delivery's id).
pub const WEBHOOKS: &str = "webhooks";

/// A job a worker leased.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QueuedJob {
    /// Its row.
    pub id: i64,
    /// What it works on (an article's id).
    pub subject: i64,
    /// Rounds that failed before this one.
    pub attempts: i64,
    /// The change it was queued for: [`Store::finish_job`] keeps a row queued again since.
    pub generation: i64,
}

/// A job whose last round failed, for the newsroom.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FailedJob {
    pub kind: String,
    pub subject: i64,
    pub attempts: i64,
    pub error: String,
    /// When it is tried again.
    pub run_at: Timestamp,
}

/// How much of one kind of work waits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueueCount {
    pub kind: String,
    /// Rows in the queue, leased ones included.
    pub queued: i64,
    /// Rows whose time has come and that no worker holds.
    pub due: i64,
    /// Rows a worker holds now.
    pub running: i64,
    /// Rows whose last round failed.
    pub failing: i64,
}

/// Queues `kind` work on `subject` at `run_at`, in the transaction of the change that asks
/// for it. A row already there is moved to `run_at` (when that is sooner), its failures
/// forgotten: the change is new work.
pub(crate) async fn queue_job(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    kind: &str,
    subject: i64,
    run_at: Timestamp,
) -> Result<(), StoreError> {
    sqlx::query(QUEUE)
        .bind(kind)
        .bind(subject)
        .bind(run_at.as_second())
        .execute(&mut **tx)
        .await?;
    Ok(())
}

const QUEUE: &str = "INSERT INTO job_queue (kind, subject, run_at, created_at) VALUES ($1, $2, $3, $3) \
     ON CONFLICT (kind, subject) DO UPDATE SET generation = job_queue.generation + 1, \
     attempts = 0, last_error = NULL, priority = 0, \
     run_at = CASE WHEN job_queue.run_at < excluded.run_at AND job_queue.last_error IS NULL \
     THEN job_queue.run_at ELSE excluded.run_at END";

/// Queues the speaking of article `id` if it is published, in the change's transaction.
pub(crate) async fn speak_later(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    id: i64,
    now: Timestamp,
) -> Result<(), StoreError> {
    let published: Option<i64> =
        sqlx::query_scalar("SELECT id FROM articles WHERE id = $1 AND status = 'published'")
            .bind(id)
            .fetch_optional(&mut **tx)
            .await?;
    if published.is_some() {
        queue_job(tx, SPEAK, id, now).await?;
    }
    Ok(())
}

/// Queues the speaking of every published article without audio, or whose audio is older
/// than its words, behind the work changes ask for (after a restore, whose archive holds no
/// queue; as migration `0026_job_queue` did), keeping each one's failures.
pub(crate) const QUEUE_UNSPOKEN: &str = "INSERT INTO job_queue \
     (kind, subject, run_at, priority, attempts, last_error, created_at) \
     SELECT 'speak', a.id, COALESCE(x.retry_at, 0), 1, COALESCE(x.failures, 0), x.error, 0 \
     FROM articles a LEFT JOIN article_audio x ON x.article_id = a.id \
     WHERE a.status = 'published' AND (x.article_id IS NULL OR x.seen_version <> a.version OR x.sha IS NULL) \
     ON CONFLICT (kind, subject) DO NOTHING";

impl Store {
    /// Leases up to `limit` due jobs of `kind` until `until` with token `claim`: those a
    /// change asked for before a backlog's, then the longest waiting first. A job another
    /// worker holds is skipped.
    pub async fn claim_jobs(
        &self,
        kind: &str,
        claim: &str,
        now: Timestamp,
        until: Timestamp,
        limit: i64,
    ) -> Result<Vec<QueuedJob>, StoreError> {
        let lock = match self.backend {
            Backend::Postgres => " FOR UPDATE SKIP LOCKED",
            Backend::Sqlite => "",
        };
        let rows: Vec<(i64, i64, i64, i64)> = sqlx::query_as(AssertSqlSafe(format!(
            "UPDATE job_queue SET claim = $1, locked_until = $2 WHERE id IN (\
             SELECT id FROM job_queue WHERE kind = $3 AND run_at <= $4 \
             AND (locked_until IS NULL OR locked_until <= $4) ORDER BY priority, run_at, id LIMIT $5{lock}) \
             RETURNING id, subject, attempts, generation"
        )))
        .bind(claim)
        .bind(until.as_second())
        .bind(kind)
        .bind(now.as_second())
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        let mut jobs: Vec<QueuedJob> = rows
            .into_iter()
            .map(|(id, subject, attempts, generation)| QueuedJob {
                id,
                subject,
                attempts,
                generation,
            })
            .collect();
        jobs.sort_by_key(|j| j.id);
        Ok(jobs)
    }

    /// The job's round succeeded: its row goes, unless it was queued again meanwhile (it
    /// then stays, let go, for the next round). Returns whether it went.
    pub async fn finish_job(&self, job: &QueuedJob, claim: &str) -> Result<bool, StoreError> {
        let mut c = self.pool.acquire().await?;
        finish(&mut c, job, claim).await
    }

    /// Lets the job go without a round counted (its subject was busy elsewhere): it is due
    /// again at `run_at` (unless queued again meanwhile: then when that asked), or when it
    /// was before.
    pub async fn release_job(
        &self,
        job: &QueuedJob,
        claim: &str,
        run_at: Option<Timestamp>,
    ) -> Result<(), StoreError> {
        let mut c = self.pool.acquire().await?;
        release(&mut c, job, claim, run_at).await
    }

    /// The job's round failed for `error`: it is tried again at `retry_at`, unless it was
    /// queued again meanwhile (new work is due at once, with its failures forgotten).
    pub async fn retry_job(
        &self,
        job: &QueuedJob,
        claim: &str,
        error: &str,
        retry_at: Timestamp,
    ) -> Result<(), StoreError> {
        let mut c = self.pool.acquire().await?;
        retry(&mut c, job, claim, error, retry_at).await
    }

    /// Makes every failing job of `kind` due at `now` (the newsroom's "retry now");
    /// returns how many.
    pub async fn retry_failed_jobs(&self, kind: &str, now: Timestamp) -> Result<u64, StoreError> {
        Ok(sqlx::query(
            "UPDATE job_queue SET run_at = $1 WHERE kind = $2 AND last_error IS NOT NULL AND run_at > $1",
        )
        .bind(now.as_second())
        .bind(kind)
        .execute(&self.pool)
        .await?
        .rows_affected())
    }

    /// How much work of each kind waits, by kind.
    pub async fn queue_counts(&self, now: Timestamp) -> Result<Vec<QueueCount>, StoreError> {
        let rows: Vec<(String, i64, i64, i64, i64)> = sqlx::query_as(
            "SELECT kind, COUNT(*), \
             COALESCE(SUM(CASE WHEN run_at <= $1 AND (locked_until IS NULL OR locked_until <= $1) THEN 1 ELSE 0 END), 0), \
             COALESCE(SUM(CASE WHEN locked_until > $1 THEN 1 ELSE 0 END), 0), \
             COALESCE(SUM(CASE WHEN last_error IS NOT NULL THEN 1 ELSE 0 END), 0) \
             FROM job_queue GROUP BY kind ORDER BY kind",
        )
        .bind(now.as_second())
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .into_iter()
            .map(|(kind, queued, due, running, failing)| QueueCount {
                kind,
                queued,
                due,
                running,
                failing,
            })
            .collect())
    }

    /// The failing jobs that failed most often, at most `limit`.
    pub async fn failed_jobs(&self, limit: i64) -> Result<Vec<FailedJob>, StoreError> {
        let rows: Vec<(String, i64, i64, String, i64)> = sqlx::query_as(
            "SELECT kind, subject, attempts, last_error, run_at FROM job_queue \
             WHERE last_error IS NOT NULL ORDER BY attempts DESC, run_at, id LIMIT $1",
        )
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter()
            .map(|(kind, subject, attempts, error, run_at)| {
                Ok(FailedJob {
                    kind,
                    subject,
                    attempts,
                    error,
                    run_at: crate::rows::ts(run_at)?,
                })
            })
            .collect()
    }
}

/// [`Store::finish_job`], on a connection (or in a transaction with the work's record).
pub(crate) async fn finish(
    c: &mut sqlx::AnyConnection,
    job: &QueuedJob,
    claim: &str,
) -> Result<bool, StoreError> {
    let gone =
        sqlx::query("DELETE FROM job_queue WHERE id = $1 AND claim = $2 AND generation = $3")
            .bind(job.id)
            .bind(claim)
            .bind(job.generation)
            .execute(&mut *c)
            .await?
            .rows_affected()
            > 0;
    if !gone {
        release(c, job, claim, None).await?;
    }
    Ok(gone)
}

/// [`Store::release_job`], on a connection.
pub(crate) async fn release(
    c: &mut sqlx::AnyConnection,
    job: &QueuedJob,
    claim: &str,
    run_at: Option<Timestamp>,
) -> Result<(), StoreError> {
    sqlx::query(
        "UPDATE job_queue SET claim = NULL, locked_until = NULL, \
         run_at = CASE WHEN generation = $4 THEN COALESCE($1, run_at) ELSE run_at END \
         WHERE id = $2 AND claim = $3",
    )
    .bind(run_at.map(|t| t.as_second()))
    .bind(job.id)
    .bind(claim)
    .bind(job.generation)
    .execute(c)
    .await?;
    Ok(())
}

/// [`Store::retry_job`], on a connection (or in a transaction with the work's record).
pub(crate) async fn retry(
    c: &mut sqlx::AnyConnection,
    job: &QueuedJob,
    claim: &str,
    error: &str,
    retry_at: Timestamp,
) -> Result<(), StoreError> {
    sqlx::query(
        "UPDATE job_queue SET claim = NULL, locked_until = NULL, \
         attempts = CASE WHEN generation = $1 THEN attempts + 1 ELSE attempts END, \
         last_error = CASE WHEN generation = $1 THEN $2 ELSE last_error END, \
         run_at = CASE WHEN generation = $1 THEN $3 ELSE run_at END \
         WHERE id = $4 AND claim = $5",
    )
    .bind(job.generation)
    .bind(error)
    .bind(retry_at.as_second())
    .bind(job.id)
    .bind(claim)
    .execute(c)
    .await?;
    Ok(())
}
