//! Wire feeds: the feeds an editor registered, their polling (claimed like any job, so one
//! node polls a feed at a time), and the items they brought in. An item is recorded in the
//! same transaction as the article made from it, so it can never arrive twice.

use crate::articles::{Known, insert_article};
use crate::users::Audited;
use crate::{Backend, Store, StoreError};
use arabpress_core::{ArticleDraft, ArticleStatus, Conflict};
use jiff::Timestamp;
use sqlx::Row;
use sqlx::any::AnyRow;

/// A registered feed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WireFeed {
    /// Store id.
    pub id: i64,
    /// Its address.
    pub url: String,
    /// The credit line its stories carry (the agency's name).
    pub name: String,
    /// The language of its stories.
    pub lang: String,
    /// The section its stories go to.
    pub section_id: i64,
    /// That section's slug.
    pub section_slug: String,
    /// The byline its stories carry.
    pub author_slug: String,
    /// Whether stories are published at once (else they wait for review).
    pub publish: bool,
    /// Minutes between polls.
    pub interval_minutes: i64,
    /// Whether it is polled.
    pub active: bool,
    /// The `ETag` of the last answer, for a conditional request.
    pub etag: Option<String>,
    /// Its `Last-Modified`.
    pub last_modified: Option<String>,
    /// When it is next due.
    pub next_poll_at: Timestamp,
    /// When it was last polled.
    pub last_polled_at: Option<Timestamp>,
    /// `new`, `ok`, `not modified` or `error`.
    pub last_status: String,
    /// Why the last poll failed.
    pub last_error: Option<String>,
    /// Stories it has brought in.
    pub items_total: i64,
}

/// A feed to register.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewWireFeed {
    /// Address.
    pub url: String,
    /// Credit line.
    pub name: String,
    /// Language code.
    pub lang: String,
    /// Section id.
    pub section_id: i64,
    /// Byline author id.
    pub author_id: i64,
    /// Publish at once.
    pub publish: bool,
    /// Minutes between polls.
    pub interval_minutes: i64,
}

/// An article made from a feed item.
#[derive(Debug, Clone)]
pub struct WireArticle {
    /// The feed.
    pub feed_id: i64,
    /// The item's GUID.
    pub guid: String,
    /// Its link.
    pub link: String,
    /// The article.
    pub draft: ArticleDraft,
    /// Published, or waiting for review.
    pub status: ArticleStatus,
    /// When it was published.
    pub published_at: Option<Timestamp>,
}

/// How a poll went.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WirePoll {
    /// `ok`, `not modified` or `error`.
    pub status: &'static str,
    /// Why it failed.
    pub error: Option<String>,
    /// The answer's `ETag` (kept when absent).
    pub etag: Option<String>,
    /// Its `Last-Modified`.
    pub last_modified: Option<String>,
    /// Stories brought in.
    pub new_items: i64,
    /// When to poll next.
    pub next_poll_at: Timestamp,
}

const COLUMNS: &str = "f.id, f.url, f.name, f.lang, f.section_id, s.slug AS section_slug, \
    a.slug AS author_slug, f.publish, f.interval_minutes, f.active, f.etag, f.last_modified, \
    f.next_poll_at, f.last_polled_at, f.last_status, f.last_error, f.items_total";
const FROM: &str =
    "wire_feeds f JOIN sections s ON s.id = f.section_id JOIN authors a ON a.id = f.author_id";

fn feed(r: &AnyRow) -> Result<WireFeed, StoreError> {
    let ts = |s: i64| Timestamp::from_second(s).unwrap_or(Timestamp::UNIX_EPOCH);
    Ok(WireFeed {
        id: r.try_get("id")?,
        url: r.try_get("url")?,
        name: r.try_get("name")?,
        lang: r.try_get("lang")?,
        section_id: r.try_get("section_id")?,
        section_slug: r.try_get("section_slug")?,
        author_slug: r.try_get("author_slug")?,
        publish: r.try_get::<i64, _>("publish")? != 0,
        interval_minutes: r.try_get("interval_minutes")?,
        active: r.try_get::<i64, _>("active")? != 0,
        etag: r.try_get("etag")?,
        last_modified: r.try_get("last_modified")?,
        next_poll_at: ts(r.try_get("next_poll_at")?),
        last_polled_at: r.try_get::<Option<i64>, _>("last_polled_at")?.map(ts),
        last_status: r.try_get("last_status")?,
        last_error: r.try_get("last_error")?,
        items_total: r.try_get("items_total")?,
    })
}

impl Store {
    /// Registers a feed, due at once. An address already registered is a conflict.
    pub async fn create_wire_feed(
        &self,
        f: &NewWireFeed,
        now: Timestamp,
    ) -> Result<WireFeed, StoreError> {
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO wire_feeds (url, name, lang, section_id, author_id, publish, interval_minutes, \
             next_poll_at, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8) RETURNING id",
        )
        .bind(&f.url)
        .bind(&f.name)
        .bind(&f.lang)
        .bind(f.section_id)
        .bind(f.author_id)
        .bind(i64::from(f.publish))
        .bind(f.interval_minutes)
        .bind(now.as_second())
        .fetch_one(&self.pool)
        .await
        .map_err(|e| {
            crate::taxonomy::conflict(e, Conflict::WireFeedExists { url: f.url.clone() })
        })?;
        self.wire_feed(id)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("wire feed {id}")))
    }

    /// One feed.
    pub async fn wire_feed(&self, id: i64) -> Result<Option<WireFeed>, StoreError> {
        let sql = format!("SELECT {COLUMNS} FROM {FROM} WHERE f.id = $1");
        sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(id)
            .fetch_optional(&self.pool)
            .await?
            .as_ref()
            .map(feed)
            .transpose()
    }

    /// Every feed, newest first.
    pub async fn wire_feeds(&self) -> Result<Vec<WireFeed>, StoreError> {
        let sql = format!("SELECT {COLUMNS} FROM {FROM} ORDER BY f.id DESC");
        sqlx::query(sqlx::AssertSqlSafe(sql))
            .fetch_all(&self.pool)
            .await?
            .iter()
            .map(feed)
            .collect()
    }

    /// Pauses or resumes a feed (resuming makes it due at once).
    pub async fn set_wire_feed_active(
        &self,
        id: i64,
        active: bool,
        now: Timestamp,
    ) -> Result<(), StoreError> {
        let done = sqlx::query(
            "UPDATE wire_feeds SET active = $1, next_poll_at = CASE WHEN $1 = 1 THEN $2 ELSE next_poll_at END \
             WHERE id = $3",
        )
        .bind(i64::from(active))
        .bind(now.as_second())
        .bind(id)
        .execute(&self.pool)
        .await?;
        feed_found(done.rows_affected(), id)
    }

    /// Removes a feed (its stories stay).
    /// Deletes a wire feed, with the audit line `wire_feed_removed` (its address as the
    /// detail) in the same transaction: both happen or neither.
    pub async fn delete_wire_feed(
        &self,
        id: i64,
        by: Option<i64>,
        now: Timestamp,
    ) -> Result<(), StoreError> {
        self.delete_audited(Audited::WireFeed, id, by, now).await
    }

    /// Claims up to `limit` active feeds that are due (or one feed by id, due or not)
    /// under `claim` until `until`; a claim a dead node held is taken once it runs out.
    pub async fn claim_wire_feeds(
        &self,
        claim: &str,
        only: Option<i64>,
        now: Timestamp,
        until: Timestamp,
        limit: u32,
    ) -> Result<Vec<WireFeed>, StoreError> {
        let lock = match self.backend {
            Backend::Postgres => " FOR UPDATE SKIP LOCKED",
            Backend::Sqlite => "",
        };
        let which = if only.is_some() {
            "id = $5"
        } else {
            "active = 1 AND next_poll_at <= $3"
        };
        let sql = format!(
            "UPDATE wire_feeds SET claim = $1, claim_until = $2 WHERE id IN (SELECT id FROM wire_feeds \
             WHERE {which} AND (claim_until IS NULL OR claim_until <= $3) ORDER BY next_poll_at, id \
             LIMIT $4{lock}) RETURNING id"
        );
        let ids: Vec<i64> = sqlx::query_scalar(sqlx::AssertSqlSafe(sql))
            .bind(claim)
            .bind(until.as_second())
            .bind(now.as_second())
            .bind(i64::from(limit))
            .bind(only.unwrap_or(0))
            .fetch_all(&self.pool)
            .await?;
        let mut out = Vec::with_capacity(ids.len());
        for id in ids {
            if let Some(f) = self.wire_feed(id).await? {
                out.push(f);
            }
        }
        Ok(out)
    }

    /// Records a poll by the holder of `claim` and lets the claim go.
    pub async fn record_wire_poll(
        &self,
        id: i64,
        claim: &str,
        poll: &WirePoll,
        now: Timestamp,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "UPDATE wire_feeds SET claim = NULL, claim_until = NULL, last_polled_at = $1, last_status = $2, \
             last_error = $3, etag = COALESCE($4, etag), last_modified = COALESCE($5, last_modified), \
             items_total = items_total + $6, next_poll_at = $7 WHERE id = $8 AND claim = $9",
        )
        .bind(now.as_second())
        .bind(poll.status)
        .bind(&poll.error)
        .bind(&poll.etag)
        .bind(&poll.last_modified)
        .bind(poll.new_items)
        .bind(poll.next_poll_at.as_second())
        .bind(id)
        .bind(claim)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Whether an item has arrived already: by its GUID in this feed, or by its link from
    /// any feed.
    pub async fn wire_item_seen(
        &self,
        feed_id: i64,
        guid: &str,
        link: &str,
    ) -> Result<bool, StoreError> {
        let n: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM wire_items WHERE (feed_id = $1 AND guid = $2) OR (link <> '' AND link = $3)",
        )
        .bind(feed_id)
        .bind(guid)
        .bind(link)
        .fetch_one(&self.pool)
        .await?;
        Ok(n > 0)
    }

    /// Makes the article for a feed item and records the item, in one transaction. `None`
    /// (and nothing made) when the item has arrived already.
    pub async fn create_wire_article(
        &self,
        item: WireArticle,
        now: Timestamp,
    ) -> Result<Option<i64>, StoreError> {
        let WireArticle {
            feed_id,
            guid,
            link,
            draft,
            status,
            published_at,
        } = item;
        let (guid, link) = (guid.as_str(), link.as_str());
        let mut tx = self.begin_write().await?;
        let taken: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM wire_items WHERE (feed_id = $1 AND guid = $2) OR (link <> '' AND link = $3)",
        )
        .bind(feed_id)
        .bind(guid)
        .bind(link)
        .fetch_one(&mut *tx)
        .await?;
        if taken > 0 {
            return Ok(None);
        }
        let id = insert_article(
            &mut tx,
            &mut Known::default(),
            draft,
            status,
            published_at,
            None,
            now,
        )
        .await?;
        sqlx::query(
            "INSERT INTO wire_items (feed_id, guid, link, article_id, seen_at) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(feed_id)
        .bind(guid)
        .bind(link)
        .bind(id)
        .bind(now.as_second())
        .execute(&mut *tx)
        .await
        .map_err(|e| {
            crate::taxonomy::conflict(
                e,
                Conflict::WireItemArrived {
                    guid: guid.to_owned(),
                },
            )
        })?;
        tx.commit().await?;
        Ok(Some(id))
    }
}

/// `NotFound` when a change to feed `id` touched no row.
fn feed_found(rows: u64, id: i64) -> Result<(), StoreError> {
    if rows == 0 {
        return Err(StoreError::NotFound(format!("wire feed {id}")));
    }
    Ok(())
}
