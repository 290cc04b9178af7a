//! What each node's background jobs last did (the `0018_job_status` migration), for the
//! newsroom's queue page, and the change events that ask every node to run a job again now.

use crate::rows::{opt_ts, ts};
use crate::{Store, StoreError};
use jiff::Timestamp;
use sqlx::Row;

/// What a node says of one of its jobs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JobReport {
    /// A round is in progress (and has run for a while).
    pub running: bool,
    /// When a round last succeeded.
    pub last_ok_at: Option<Timestamp>,
    /// When a round last failed, and why.
    pub last_failed_at: Option<Timestamp>,
    pub last_error: Option<String>,
    /// Rounds failed in a row (0 once one succeeds).
    pub failures: u32,
    /// When the next round is due, unless one is running.
    pub next_at: Option<Timestamp>,
}

/// A job of a node, as last reported.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JobStatus {
    /// The node: its host name and process id.
    pub node: String,
    /// The job's key (`publish-due`, `mail`, …).
    pub job: String,
    pub report: JobReport,
    /// When the node last reported it.
    pub seen_at: Timestamp,
}

impl Store {
    /// Writes what `node` says of `job`.
    pub async fn report_job(
        &self,
        node: &str,
        job: &str,
        r: &JobReport,
        now: Timestamp,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO job_status (node, job, running, last_ok_at, last_failed_at, \
             last_error, failures, next_at, seen_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) \
             ON CONFLICT (node, job) DO UPDATE SET running = excluded.running, \
             last_ok_at = excluded.last_ok_at, last_failed_at = excluded.last_failed_at, \
             last_error = excluded.last_error, failures = excluded.failures, \
             next_at = excluded.next_at, seen_at = excluded.seen_at",
        )
        .bind(node)
        .bind(job)
        .bind(i64::from(r.running))
        .bind(r.last_ok_at.map(|t| t.as_second()))
        .bind(r.last_failed_at.map(|t| t.as_second()))
        .bind(r.last_error.as_deref())
        .bind(i64::from(r.failures))
        .bind(r.next_at.map(|t| t.as_second()))
        .bind(now.as_second())
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Every node's jobs as last reported, by node and job.
    pub async fn job_statuses(&self) -> Result<Vec<JobStatus>, StoreError> {
        let rows = sqlx::query(
            "SELECT node, job, running, last_ok_at, last_failed_at, last_error, failures, \
             next_at, seen_at FROM job_status ORDER BY node, job",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|row| {
                let failures: i64 = row.try_get("failures")?;
                Ok(JobStatus {
                    node: row.try_get("node")?,
                    job: row.try_get("job")?,
                    report: JobReport {
                        running: row.try_get::<i64, _>("running")? != 0,
                        last_ok_at: opt_ts(row.try_get("last_ok_at")?)?,
                        last_failed_at: opt_ts(row.try_get("last_failed_at")?)?,
                        last_error: row.try_get("last_error")?,
                        failures: u32::try_from(failures).unwrap_or(u32::MAX),
                        next_at: opt_ts(row.try_get("next_at")?)?,
                    },
                    seen_at: ts(row.try_get("seen_at")?)?,
                })
            })
            .collect()
    }

    /// Forgets the jobs of nodes not heard from since `before`; returns how many rows went.
    pub async fn prune_job_statuses(&self, before: Timestamp) -> Result<u64, StoreError> {
        Ok(sqlx::query("DELETE FROM job_status WHERE seen_at < $1")
            .bind(before.as_second())
            .execute(&self.pool)
            .await?
            .rows_affected())
    }

    /// Asks every node to run `job` again now: a `job` change event, which each node's
    /// change-feed follower reads. Returns the event's id.
    pub async fn request_job_round(&self, job: &str, now: Timestamp) -> Result<i64, StoreError> {
        Ok(sqlx::query_scalar(
            "INSERT INTO change_events (created_at, entity, entity_id, action) \
             VALUES ($1, 'job', 0, $2) RETURNING id",
        )
        .bind(now.as_second())
        .bind(job)
        .fetch_one(&self.pool)
        .await?)
    }

    /// The jobs asked for since change event `after`, and the newest such event's id.
    pub async fn job_rounds_after(&self, after: i64) -> Result<(Vec<String>, i64), StoreError> {
        let rows: Vec<(i64, String)> = sqlx::query_as(
            "SELECT id, action FROM change_events WHERE entity = 'job' AND id > $1 ORDER BY id",
        )
        .bind(after)
        .fetch_all(&self.pool)
        .await?;
        let last = rows.last().map_or(after, |r| r.0);
        Ok((rows.into_iter().map(|r| r.1).collect(), last))
    }
}
