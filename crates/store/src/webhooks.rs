//! Webhooks and their deliveries. A delivery row is the log line of its attempts: `queued`,
//! then `delivered`, back to `queued` with a later `next_attempt_at`, or `failed` for good.
//! Each queued delivery has a `webhooks` job in the job queue (`queue.rs`), leased by one
//! worker at a time and written in the same transaction as the row, as is each attempt's
//! record with the job's end or retry.
//!
//! Deliveries about an article are queued by the store in the transaction that changes it
//! ([`queue_article_event`]), so a change that commits always has its notifications and a
//! process killed right after the commit loses none. The payload is written without the
//! article's absolute address, which the application adds when it sends (the store does
//! not know the site's base URL).

use crate::queue::WEBHOOKS;
use crate::users::Audited;
use crate::{Store, StoreError, rows};
use jiff::Timestamp;
use sqlx::Row;

/// A registered receiver.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Webhook {
    /// Store id.
    pub id: i64,
    /// Where deliveries are POSTed.
    pub url: String,
    /// The events it receives (`article.published`…).
    pub events: Vec<String>,
    /// The HMAC key deliveries are signed with.
    pub secret: String,
    /// When it was registered.
    pub created_at: Timestamp,
}

/// One delivery, as the log shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Delivery {
    /// Store id (sent as the delivery's id).
    pub id: i64,
    /// The receiver.
    pub webhook_id: i64,
    /// The event.
    pub event: String,
    /// `queued`, `delivered` or `failed`.
    pub status: String,
    /// Attempts so far.
    pub attempts: i64,
    /// The receiver's last HTTP status, if it answered.
    pub response_status: Option<i64>,
    /// Why the last attempt failed.
    pub last_error: Option<String>,
    /// When it was queued.
    pub created_at: Timestamp,
    /// When the next attempt is due (while queued).
    pub next_attempt_at: Timestamp,
}

/// A leased delivery with what sending it needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DueDelivery {
    /// Store id.
    pub id: i64,
    /// The receiver's address.
    pub url: String,
    /// The receiver's signing key.
    pub secret: String,
    /// The event.
    pub event: String,
    /// The JSON body.
    pub payload: String,
    /// Attempts before this one.
    pub attempts: i64,
    /// Its job in the queue, leased.
    pub job: crate::QueuedJob,
}

/// How an attempt ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// The receiver answered 2xx.
    Delivered {
        /// Its status.
        status: i64,
    },
    /// Try again at `retry_at`, or give up when `None`.
    Failed {
        /// The receiver's status, if it answered.
        status: Option<i64>,
        /// What went wrong.
        error: String,
        /// When to try again.
        retry_at: Option<Timestamp>,
    },
}

/// Queues `event` about article `id`, as it stands inside `tx`, for every active receiver
/// that asked for it. Returns how many deliveries were queued.
pub(crate) async fn queue_article_event(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    event: &str,
    id: i64,
    now: Timestamp,
) -> Result<u64, StoreError> {
    let wanted: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM webhooks WHERE active = 1 AND (',' || events || ',') LIKE $1",
    )
    .bind(format!("%,{event},%"))
    .fetch_one(&mut **tx)
    .await?;
    if wanted == 0 {
        return Ok(0);
    }
    let r = sqlx::query(
        "SELECT lang, slug, headline, status, published_at, updated_at, version FROM articles WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(&mut **tx)
    .await?
    .ok_or_else(|| StoreError::NotFound(format!("article {id}")))?;
    let published_at: Option<i64> = r.try_get("published_at")?;
    let payload = serde_json::json!({
        "event": event,
        "occurred_at": now.to_string(),
        "article": {
            "id": id,
            "lang": r.try_get::<String, _>("lang")?,
            "slug": r.try_get::<String, _>("slug")?,
            "headline": r.try_get::<String, _>("headline")?,
            "status": r.try_get::<String, _>("status")?,
            "published_at": published_at.map(rows::ts).transpose()?.map(|t| t.to_string()),
            "updated_at": rows::ts(r.try_get("updated_at")?)?.to_string(),
            "version": r.try_get::<i64, _>("version")?,
        },
    })
    .to_string();
    insert_deliveries(tx, event, &payload, now).await
}

/// Inserts one queued delivery of `payload` per active receiver of `event`, each with its
/// job in the queue, in `tx`; returns how many.
async fn insert_deliveries(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    event: &str,
    payload: &str,
    now: Timestamp,
) -> Result<u64, StoreError> {
    let ids: Vec<i64> = sqlx::query_scalar(
        "INSERT INTO webhook_deliveries (webhook_id, event, payload, status, attempts, next_attempt_at, created_at) \
         SELECT id, $1, $2, 'queued', 0, $3, $3 FROM webhooks \
         WHERE active = 1 AND (',' || events || ',') LIKE $4 RETURNING id",
    )
    .bind(event)
    .bind(payload)
    .bind(now.as_second())
    .bind(format!("%,{event},%"))
    .fetch_all(&mut **tx)
    .await?;
    for id in &ids {
        crate::queue::queue_job(tx, WEBHOOKS, *id, now).await?;
    }
    Ok(ids.len() as u64)
}

impl Store {
    /// Registers a receiver.
    pub async fn create_webhook(
        &self,
        url: &str,
        events: &[&str],
        secret: &str,
        created_by: Option<i64>,
        now: Timestamp,
    ) -> Result<Webhook, StoreError> {
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO webhooks (url, events, secret, active, created_by, created_at) \
             VALUES ($1, $2, $3, 1, $4, $5) RETURNING id",
        )
        .bind(url)
        .bind(events.join(","))
        .bind(secret)
        .bind(created_by)
        .bind(now.as_second())
        .fetch_one(&self.pool)
        .await?;
        Ok(Webhook {
            id,
            url: url.to_owned(),
            events: events.iter().map(|e| (*e).to_owned()).collect(),
            secret: secret.to_owned(),
            created_at: now,
        })
    }

    /// Every active receiver, oldest first.
    pub async fn webhooks(&self) -> Result<Vec<Webhook>, StoreError> {
        let rows = sqlx::query(
            "SELECT id, url, events, secret, created_at FROM webhooks WHERE active = 1 ORDER BY id",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                let events: String = r.try_get("events")?;
                Ok(Webhook {
                    id: r.try_get("id")?,
                    url: r.try_get("url")?,
                    events: events.split(',').map(str::to_owned).collect(),
                    secret: r.try_get("secret")?,
                    created_at: rows::ts(r.try_get("created_at")?)?,
                })
            })
            .collect()
    }

    /// Removes a receiver and its log, with the audit line `webhook_deleted` (its URL as
    /// the detail) in the same transaction: both happen or neither.
    pub async fn delete_webhook(
        &self,
        id: i64,
        by: Option<i64>,
        now: Timestamp,
    ) -> Result<(), StoreError> {
        self.delete_audited(Audited::Webhook, id, by, now).await
    }

    /// Queues one delivery of `payload` per active receiver of `event`; returns how many.
    pub async fn enqueue_deliveries(
        &self,
        event: &str,
        payload: &str,
        now: Timestamp,
    ) -> Result<u64, StoreError> {
        let mut tx = self.begin_write().await?;
        let n = insert_deliveries(&mut tx, event, payload, now).await?;
        tx.commit().await?;
        Ok(n)
    }

    /// Leases up to `limit` due deliveries until `lease_until` with token `claim` (their
    /// jobs in the queue). A delivery whose receiver was removed meanwhile is dropped.
    pub async fn claim_deliveries(
        &self,
        claim: &str,
        now: Timestamp,
        lease_until: Timestamp,
        limit: u32,
    ) -> Result<Vec<DueDelivery>, StoreError> {
        let jobs = self
            .claim_jobs(WEBHOOKS, claim, now, lease_until, i64::from(limit))
            .await?;
        let mut out = Vec::with_capacity(jobs.len());
        for job in jobs {
            let r = sqlx::query(
                "SELECT d.id, w.url, w.secret, d.event, d.payload, d.attempts FROM webhook_deliveries d \
                 JOIN webhooks w ON w.id = d.webhook_id WHERE d.id = $1 AND d.status = 'queued'",
            )
            .bind(job.subject)
            .fetch_optional(&self.pool)
            .await?;
            match r {
                Some(r) => out.push(DueDelivery {
                    id: r.try_get("id")?,
                    url: r.try_get("url")?,
                    secret: r.try_get("secret")?,
                    event: r.try_get("event")?,
                    payload: r.try_get("payload")?,
                    attempts: r.try_get("attempts")?,
                    job,
                }),
                None => {
                    self.finish_job(&job, claim).await?;
                }
            }
        }
        Ok(out)
    }

    /// Records an attempt of `d`, leased with `claim`, in its log line and in its job, in one
    /// transaction: done (delivered, or failed for good) or due again at its retry time.
    pub async fn record_delivery(
        &self,
        d: &DueDelivery,
        claim: &str,
        outcome: &Outcome,
        now: Timestamp,
    ) -> Result<(), StoreError> {
        let (status, code, error, next, delivered) = match outcome {
            Outcome::Delivered { status } => ("delivered", Some(*status), None, None, Some(now)),
            Outcome::Failed {
                status,
                error,
                retry_at,
            } => (
                if retry_at.is_some() {
                    "queued"
                } else {
                    "failed"
                },
                *status,
                Some(error.as_str()),
                *retry_at,
                None,
            ),
        };
        let mut tx = self.begin_write().await?;
        sqlx::query(
            "UPDATE webhook_deliveries SET status = $1, attempts = attempts + 1, response_status = $2, \
             last_error = $3, next_attempt_at = COALESCE($4, next_attempt_at), delivered_at = $5 \
             WHERE id = $6",
        )
        .bind(status)
        .bind(code)
        .bind(error)
        .bind(next.map(|t| t.as_second()))
        .bind(delivered.map(|t| t.as_second()))
        .bind(d.id)
        .execute(&mut *tx)
        .await?;
        match (next, error) {
            (Some(at), Some(error)) => {
                crate::queue::retry(&mut tx, &d.job, claim, error, at).await?
            }
            _ => {
                crate::queue::finish(&mut tx, &d.job, claim).await?;
            }
        }
        tx.commit().await?;
        Ok(())
    }

    /// A receiver's latest deliveries, newest first.
    pub async fn deliveries(
        &self,
        webhook_id: i64,
        limit: u32,
    ) -> Result<Vec<Delivery>, StoreError> {
        let rows = sqlx::query(
            "SELECT id, webhook_id, event, status, attempts, response_status, last_error, created_at, \
             next_attempt_at FROM webhook_deliveries WHERE webhook_id = $1 ORDER BY id DESC LIMIT $2",
        )
        .bind(webhook_id)
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(Delivery {
                    id: r.try_get("id")?,
                    webhook_id: r.try_get("webhook_id")?,
                    event: r.try_get("event")?,
                    status: r.try_get("status")?,
                    attempts: r.try_get("attempts")?,
                    response_status: r.try_get("response_status")?,
                    last_error: r.try_get("last_error")?,
                    created_at: rows::ts(r.try_get("created_at")?)?,
                    next_attempt_at: rows::ts(r.try_get("next_attempt_at")?)?,
                })
            })
            .collect()
    }
}
