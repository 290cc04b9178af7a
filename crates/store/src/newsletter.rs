//! The newsletter: subscribers, sends and the outbox.
//!
//! A subscriber is `pending` until the address is confirmed, then `confirmed`;
//! `unsubscribed` and `bounced` receive nothing. A send (a digest or a breaking-news mail)
//! is a `draft` until queued; queuing writes one outbox row per confirmed subscriber of its
//! list and language in the same transaction, so a send reaches each subscriber through
//! exactly one row (`UNIQUE (send_id, subscriber_id)`).
//!
//! An outbox row is `queued`, then `sending` under a claim (a token and a lease) while one
//! worker delivers it, then `sent`, `failed`, `bounced` or `cancelled`. A claim whose lease
//! ran out (its worker died) can be taken again under a new token; recording a row as sent
//! succeeds only under the token it was claimed with, so two workers never both send it.

use crate::error::changed;
use crate::{Backend, Page, Store, StoreError, rows};
use arabpress_core::Conflict;
use jiff::Timestamp;
use sqlx::any::AnyRow;
use sqlx::{AssertSqlSafe, Row};

/// A message recorded as sent in a transaction not yet committed (see
/// [`Store::begin_mark_sent`]). Dropping it rolls the record back.
pub struct SentMark {
    tx: sqlx::Transaction<'static, sqlx::Any>,
    backend: Backend,
}

/// A commit sent to the database server, to be awaited for its outcome.
pub type HandedOver = std::pin::Pin<
    Box<dyn std::future::Future<Output = Result<(), StoreError>> + std::marker::Send>,
>;

impl SentMark {
    /// Commits the record.
    pub async fn commit(self) -> Result<(), StoreError> {
        self.tx.commit().await?;
        Ok(())
    }

    /// On a database server, the commit as a future to poll once (which sends it; the
    /// server carries it out even if this process dies right after) and then await for its
    /// outcome. An embedded store's record is given back, to be committed.
    pub fn hand_over(self) -> Result<HandedOver, SentMark> {
        if self.backend != Backend::Postgres {
            return Err(self);
        }
        Ok(Box::pin(async move {
            self.tx.commit().await?;
            Ok(())
        }))
    }
}

impl std::fmt::Debug for SentMark {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SentMark")
            .field("backend", &self.backend)
            .finish()
    }
}

/// Someone on the mailing list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Subscriber {
    /// Store id.
    pub id: i64,
    /// Address, lower-cased.
    pub email: String,
    /// `ar`, `en` or `both`.
    pub langs: String,
    /// The lists: `digest`, `breaking`, `section:{slug}`.
    pub lists: Vec<String>,
    /// `pending`, `confirmed`, `unsubscribed` or `bounced`.
    pub status: String,
    /// `form` or `import`.
    pub source: String,
    /// When the address first signed up.
    pub created_at: Timestamp,
    /// When it was confirmed.
    pub confirmed_at: Option<Timestamp>,
    /// When it left.
    pub unsubscribed_at: Option<Timestamp>,
}

/// What a sign-up led to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignupAction {
    /// A confirmation mail is queued.
    Confirm,
    /// The address is already confirmed: a mail with its preferences link is queued.
    Manage,
    /// A mail went out a moment ago; nothing more is sent.
    Nothing,
}

/// Which subscribers a list shows.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SubscriberQuery {
    /// Only this status.
    pub status: Option<String>,
    /// Only those who read this language (`both` included).
    pub lang: Option<String>,
    /// Only those on this list.
    pub list: Option<String>,
    /// Address contains this text.
    pub q: Option<String>,
    /// Page size (0: all).
    pub limit: u32,
    /// Rows to skip.
    pub offset: u32,
}

/// One row of a subscriber import.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewSubscriber {
    /// Address, lower-cased and checked.
    pub email: String,
    /// `ar`, `en` or `both`.
    pub langs: String,
    /// Lists.
    pub lists: Vec<String>,
}

/// A newsletter send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Send {
    /// Store id.
    pub id: i64,
    /// `digest` or `breaking`.
    pub kind: String,
    /// Language of the mail and of its readers.
    pub lang: String,
    /// The list it goes to.
    pub list: String,
    /// Subject line.
    pub subject: String,
    /// An editor's opening paragraph.
    pub intro: String,
    /// The stories, in order.
    pub article_ids: Vec<i64>,
    /// `draft`, `queued` or `done`.
    pub status: String,
    /// When it was made.
    pub created_at: Timestamp,
    /// When it was queued.
    pub queued_at: Option<Timestamp>,
    /// When its last message was settled.
    pub finished_at: Option<Timestamp>,
}

/// A send to create.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewSend {
    /// Makes the send unique: a digest per language, list and day; breaking news per article.
    pub dedupe_key: String,
    /// `digest` or `breaking`.
    pub kind: String,
    /// Language.
    pub lang: String,
    /// List.
    pub list: String,
    /// Subject line.
    pub subject: String,
    /// Opening paragraph.
    pub intro: String,
    /// The stories, in order.
    pub article_ids: Vec<i64>,
    /// Who made it (none for the automatic digest).
    pub created_by: Option<i64>,
}

/// How a send's messages stand.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SendStats {
    /// Waiting or being sent.
    pub queued: u64,
    /// Accepted by the mail server.
    pub sent: u64,
    /// Refused for good, or out of attempts.
    pub failed: u64,
    /// The recipient's address was refused.
    pub bounced: u64,
    /// Dropped because the subscriber left first.
    pub cancelled: u64,
}

/// A claimed outbox row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutboxItem {
    /// Store id.
    pub id: i64,
    /// The send, for newsletters.
    pub send_id: Option<i64>,
    /// The subscriber.
    pub subscriber_id: i64,
    /// Their address.
    pub email: String,
    /// `newsletter`, `confirm` or `manage`.
    pub kind: String,
    /// Attempts, this one included.
    pub attempts: i64,
}

/// How a failed attempt is recorded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OutboxFailure {
    /// Try again at this time.
    Retry(Timestamp, String),
    /// Give up.
    Failed(String),
    /// The address was refused: give up and stop mailing the subscriber.
    Bounced(String),
}

impl SendStats {
    /// Counts `n` messages in outbox status `status`.
    fn add(&mut self, status: &str, n: i64) {
        let n = u64::try_from(n).unwrap_or(0);
        match status {
            "queued" | "sending" => self.queued += n,
            "sent" => self.sent += n,
            "failed" => self.failed += n,
            "bounced" => self.bounced += n,
            _ => self.cancelled += n,
        }
    }
}

const SUBSCRIBER_COLUMNS: &str =
    "id, email, langs, lists, status, source, created_at, confirmed_at, unsubscribed_at";

fn subscriber(r: &AnyRow) -> Result<Subscriber, StoreError> {
    let lists: String = r.try_get("lists")?;
    Ok(Subscriber {
        id: r.try_get("id")?,
        email: r.try_get("email")?,
        langs: r.try_get("langs")?,
        lists: split_lists(&lists),
        status: r.try_get("status")?,
        source: r.try_get("source")?,
        created_at: rows::ts(r.try_get("created_at")?)?,
        confirmed_at: rows::opt_ts(r.try_get("confirmed_at")?)?,
        unsubscribed_at: rows::opt_ts(r.try_get("unsubscribed_at")?)?,
    })
}

fn split_lists(s: &str) -> Vec<String> {
    s.split(',')
        .filter(|l| !l.is_empty())
        .map(str::to_owned)
        .collect()
}

/// Lists as stored: `,a,b,` so that `LIKE '%,a,%'` finds one exactly.
fn join_lists(lists: &[String]) -> String {
    format!(",{},", lists.join(","))
}

fn send_row(r: &AnyRow) -> Result<Send, StoreError> {
    let ids: String = r.try_get("article_ids")?;
    Ok(Send {
        id: r.try_get("id")?,
        kind: r.try_get("kind")?,
        lang: r.try_get("lang")?,
        list: r.try_get("list")?,
        subject: r.try_get("subject")?,
        intro: r.try_get("intro")?,
        article_ids: ids.split(',').filter_map(|i| i.parse().ok()).collect(),
        status: r.try_get("status")?,
        created_at: rows::ts(r.try_get("created_at")?)?,
        queued_at: rows::opt_ts(r.try_get("queued_at")?)?,
        finished_at: rows::opt_ts(r.try_get("finished_at")?)?,
    })
}

const SEND_COLUMNS: &str =
    "id, kind, lang, list, subject, intro, article_ids, status, created_at, queued_at, finished_at";

impl Store {
    /// A site-wide secret by name: `candidate` is kept if none exists yet (by whichever
    /// node asks first), and every node reads the same value after.
    pub async fn site_key(&self, name: &str, candidate: &str) -> Result<String, StoreError> {
        sqlx::query(
            "INSERT INTO site_keys (name, value) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING",
        )
        .bind(name)
        .bind(candidate)
        .execute(&self.pool)
        .await?;
        Ok(
            sqlx::query_scalar("SELECT value FROM site_keys WHERE name = $1")
                .bind(name)
                .fetch_one(&self.pool)
                .await?,
        )
    }

    /// Records a sign-up from `ip` and returns how many it made since `since`, this one
    /// included.
    pub async fn note_signup_attempt(
        &self,
        ip: &str,
        now: Timestamp,
        since: Timestamp,
    ) -> Result<u64, StoreError> {
        sqlx::query("INSERT INTO signup_attempts (ip, at) VALUES ($1, $2)")
            .bind(ip)
            .bind(now.as_second())
            .execute(&self.pool)
            .await?;
        let n: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM signup_attempts WHERE ip = $1 AND at > $2")
                .bind(ip)
                .bind(since.as_second())
                .fetch_one(&self.pool)
                .await?;
        Ok(u64::try_from(n).unwrap_or(0))
    }

    /// Forgets sign-up attempts older than `before`.
    pub async fn purge_signup_attempts(&self, before: Timestamp) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM signup_attempts WHERE at < $1")
            .bind(before.as_second())
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Signs an address up (or again), in one transaction with the mail it gets: a new,
    /// pending, unsubscribed or bounced address becomes pending with these choices and is
    /// sent a confirmation; a confirmed one keeps its choices and is sent its preferences
    /// link. Nothing is queued when the last such mail went out after `quiet_since`.
    pub async fn signup(
        &self,
        email: &str,
        langs: &str,
        lists: &[String],
        now: Timestamp,
        quiet_since: Timestamp,
    ) -> Result<(Subscriber, SignupAction), StoreError> {
        let mut tx = self.begin_write().await?;
        let existing =
            sqlx::query("SELECT id, status, confirm_sent_at FROM subscribers WHERE email = $1")
                .bind(email)
                .fetch_optional(&mut *tx)
                .await?;
        let lists_text = join_lists(lists);
        let (id, action) = match existing {
            None => {
                let id: i64 = sqlx::query_scalar(
                    "INSERT INTO subscribers (email, langs, lists, status, source, created_at, updated_at, confirm_sent_at) \
                     VALUES ($1, $2, $3, 'pending', 'form', $4, $4, $4) RETURNING id",
                )
                .bind(email)
                .bind(langs)
                .bind(&lists_text)
                .bind(now.as_second())
                .fetch_one(&mut *tx)
                .await?;
                (id, SignupAction::Confirm)
            }
            Some(r) => {
                let id: i64 = r.try_get("id")?;
                let status: String = r.try_get("status")?;
                let last: Option<i64> = r.try_get("confirm_sent_at")?;
                let quiet = last.is_some_and(|t| t > quiet_since.as_second());
                if status == "confirmed" {
                    (
                        id,
                        if quiet {
                            SignupAction::Nothing
                        } else {
                            SignupAction::Manage
                        },
                    )
                } else {
                    sqlx::query(
                        "UPDATE subscribers SET langs = $1, lists = $2, status = 'pending', updated_at = $3 WHERE id = $4",
                    )
                    .bind(langs)
                    .bind(&lists_text)
                    .bind(now.as_second())
                    .bind(id)
                    .execute(&mut *tx)
                    .await?;
                    (
                        id,
                        if quiet {
                            SignupAction::Nothing
                        } else {
                            SignupAction::Confirm
                        },
                    )
                }
            }
        };
        let kind = match action {
            SignupAction::Confirm => Some("confirm"),
            SignupAction::Manage => Some("manage"),
            SignupAction::Nothing => None,
        };
        if let Some(kind) = kind {
            sqlx::query("UPDATE subscribers SET confirm_sent_at = $1 WHERE id = $2")
                .bind(now.as_second())
                .bind(id)
                .execute(&mut *tx)
                .await?;
            sqlx::query(
                "INSERT INTO outbox (send_id, subscriber_id, email, kind, status, attempts, next_attempt_at, created_at) \
                 VALUES (NULL, $1, $2, $3, 'queued', 0, $4, $4)",
            )
            .bind(id)
            .bind(email)
            .bind(kind)
            .bind(now.as_second())
            .execute(&mut *tx)
            .await?;
        }
        let s = sqlx::query(AssertSqlSafe(format!(
            "SELECT {SUBSCRIBER_COLUMNS} FROM subscribers WHERE id = $1"
        )))
        .bind(id)
        .fetch_one(&mut *tx)
        .await?;
        let s = subscriber(&s)?;
        tx.commit().await?;
        Ok((s, action))
    }

    /// One subscriber.
    pub async fn subscriber(&self, id: i64) -> Result<Option<Subscriber>, StoreError> {
        let r = sqlx::query(AssertSqlSafe(format!(
            "SELECT {SUBSCRIBER_COLUMNS} FROM subscribers WHERE id = $1"
        )))
        .bind(id)
        .fetch_optional(&self.pool)
        .await?;
        r.as_ref().map(subscriber).transpose()
    }

    /// Confirms a pending address (a confirmed one stays so). `NotFound` when it left or
    /// bounced since.
    pub async fn confirm_subscriber(
        &self,
        id: i64,
        now: Timestamp,
    ) -> Result<Subscriber, StoreError> {
        sqlx::query(
            "UPDATE subscribers SET status = 'confirmed', confirmed_at = $1, updated_at = $1 \
             WHERE id = $2 AND status = 'pending'",
        )
        .bind(now.as_second())
        .bind(id)
        .execute(&self.pool)
        .await?;
        match self.subscriber(id).await? {
            Some(s) if s.status == "confirmed" => Ok(s),
            _ => Err(StoreError::NotFound(format!("pending subscriber {id}"))),
        }
    }

    /// Changes what a confirmed subscriber receives; no lists at all unsubscribes.
    pub async fn set_subscriber_preferences(
        &self,
        id: i64,
        langs: &str,
        lists: &[String],
        now: Timestamp,
    ) -> Result<Subscriber, StoreError> {
        if lists.is_empty() {
            return self.unsubscribe(id, now).await;
        }
        let done = sqlx::query(
            "UPDATE subscribers SET langs = $1, lists = $2, updated_at = $3 WHERE id = $4",
        )
        .bind(langs)
        .bind(join_lists(lists))
        .bind(now.as_second())
        .bind(id)
        .execute(&self.pool)
        .await?;
        changed(&done, || format!("subscriber {id}"))?;
        self.subscriber(id)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("subscriber {id}")))
    }

    /// Unsubscribes at once: nothing more is sent, queued messages included.
    pub async fn unsubscribe(&self, id: i64, now: Timestamp) -> Result<Subscriber, StoreError> {
        let mut tx = self.begin_write().await?;
        let done = sqlx::query(
            "UPDATE subscribers SET status = 'unsubscribed', unsubscribed_at = $1, updated_at = $1 \
             WHERE id = $2 AND status <> 'unsubscribed'",
        )
        .bind(now.as_second())
        .bind(id)
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() > 0 {
            sqlx::query(
                "UPDATE outbox SET status = 'cancelled' WHERE subscriber_id = $1 AND status = 'queued'",
            )
            .bind(id)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        self.subscriber(id)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("subscriber {id}")))
    }

    /// Subscribers matching `q`, oldest first, and how many match.
    pub async fn subscribers(&self, q: &SubscriberQuery) -> Result<Page<Subscriber>, StoreError> {
        let mut sql = String::from(" FROM subscribers WHERE 1 = 1");
        let mut binds: Vec<String> = Vec::new();
        if let Some(s) = &q.status {
            binds.push(s.clone());
            sql.push_str(&format!(" AND status = ${}", binds.len()));
        }
        if let Some(l) = &q.lang {
            binds.push(l.clone());
            sql.push_str(&format!(
                " AND (langs = ${} OR langs = 'both')",
                binds.len()
            ));
        }
        if let Some(l) = &q.list {
            binds.push(format!("%,{l},%"));
            sql.push_str(&format!(" AND lists LIKE ${}", binds.len()));
        }
        if let Some(text) = q.q.as_deref().filter(|t| !t.is_empty()) {
            let escaped = text
                .to_lowercase()
                .replace('\\', "\\\\")
                .replace('%', "\\%")
                .replace('_', "\\_");
            binds.push(format!("%{escaped}%"));
            sql.push_str(&format!(" AND email LIKE ${} ESCAPE '\\'", binds.len()));
        }
        let mut count =
            sqlx::query_scalar::<_, i64>(AssertSqlSafe(format!("SELECT COUNT(*){sql}")));
        for b in &binds {
            count = count.bind(b.clone());
        }
        let total = count.fetch_one(&self.pool).await?;
        let limit = if q.limit == 0 {
            i64::MAX
        } else {
            i64::from(q.limit)
        };
        let text = format!(
            "SELECT {SUBSCRIBER_COLUMNS}{sql} ORDER BY id LIMIT {limit} OFFSET {}",
            q.offset
        );
        let mut query = sqlx::query(AssertSqlSafe(text));
        for b in &binds {
            query = query.bind(b.clone());
        }
        let items = query
            .fetch_all(&self.pool)
            .await?
            .iter()
            .map(subscriber)
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Page {
            items,
            total: u64::try_from(total).unwrap_or(0),
        })
    }

    /// Adds confirmed subscribers (the newsroom vouches for their consent) in one
    /// transaction. Returns, per row, `None` when added or the reason it was left out:
    /// an address already on file keeps its state, so an import never resubscribes anyone
    /// who left.
    pub async fn import_subscribers(
        &self,
        rows: &[NewSubscriber],
        now: Timestamp,
    ) -> Result<Vec<Option<String>>, StoreError> {
        let mut tx = self.begin_write().await?;
        let mut out = Vec::with_capacity(rows.len());
        for r in rows {
            let status: Option<String> =
                sqlx::query_scalar("SELECT status FROM subscribers WHERE email = $1")
                    .bind(&r.email)
                    .fetch_optional(&mut *tx)
                    .await?;
            if let Some(status) = status {
                out.push(Some(format!("already on file ({status})")));
                continue;
            }
            sqlx::query(
                "INSERT INTO subscribers (email, langs, lists, status, source, created_at, updated_at, confirmed_at) \
                 VALUES ($1, $2, $3, 'confirmed', 'import', $4, $4, $4)",
            )
            .bind(&r.email)
            .bind(&r.langs)
            .bind(join_lists(&r.lists))
            .bind(now.as_second())
            .execute(&mut *tx)
            .await?;
            out.push(None);
        }
        tx.commit().await?;
        Ok(out)
    }

    /// Creates a send as a draft; `Conflict` when one with the same key exists.
    pub async fn create_send(&self, s: &NewSend, now: Timestamp) -> Result<Send, StoreError> {
        let ids: Vec<String> = s.article_ids.iter().map(i64::to_string).collect();
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO sends (dedupe_key, kind, lang, list, subject, intro, article_ids, status, created_by, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, 'draft', $8, $9) RETURNING id",
        )
        .bind(&s.dedupe_key)
        .bind(&s.kind)
        .bind(&s.lang)
        .bind(&s.list)
        .bind(&s.subject)
        .bind(&s.intro)
        .bind(ids.join(","))
        .bind(s.created_by)
        .bind(now.as_second())
        .fetch_one(&self.pool)
        .await
        .map_err(|e| {
            if StoreError::is_unique_violation(&e) {
                StoreError::Conflict(Conflict::SendExists {
                    key: s.dedupe_key.clone(),
                })
            } else {
                e.into()
            }
        })?;
        self.send(id)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("send {id}")))
    }

    /// One send.
    pub async fn send(&self, id: i64) -> Result<Option<Send>, StoreError> {
        let r = sqlx::query(AssertSqlSafe(format!(
            "SELECT {SEND_COLUMNS} FROM sends WHERE id = $1"
        )))
        .bind(id)
        .fetch_optional(&self.pool)
        .await?;
        r.as_ref().map(send_row).transpose()
    }

    /// The latest sends, newest first.
    pub async fn sends(&self, limit: u32) -> Result<Vec<Send>, StoreError> {
        let rows = sqlx::query(AssertSqlSafe(format!(
            "SELECT {SEND_COLUMNS} FROM sends ORDER BY id DESC LIMIT $1"
        )))
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(send_row).collect()
    }

    /// Edits a draft send; `Conflict` once it is queued.
    pub async fn update_send(
        &self,
        id: i64,
        subject: &str,
        intro: &str,
        article_ids: &[i64],
    ) -> Result<(), StoreError> {
        let ids: Vec<String> = article_ids.iter().map(i64::to_string).collect();
        let done = sqlx::query(
            "UPDATE sends SET subject = $1, intro = $2, article_ids = $3 WHERE id = $4 AND status = 'draft'",
        )
        .bind(subject)
        .bind(intro)
        .bind(ids.join(","))
        .bind(id)
        .execute(&self.pool)
        .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::Conflict(Conflict::SendNotDraft { id }));
        }
        Ok(())
    }

    /// Queues a draft send with its rendered mail, writing one outbox row per confirmed
    /// subscriber of its list and language in the same transaction. Returns how many.
    /// `Conflict` when it was already queued.
    pub async fn queue_send(
        &self,
        id: i64,
        html: &str,
        text: &str,
        now: Timestamp,
    ) -> Result<u64, StoreError> {
        let mut tx = self.begin_write().await?;
        let row = sqlx::query("SELECT lang, list FROM sends WHERE id = $1 AND status = 'draft'")
            .bind(id)
            .fetch_optional(&mut *tx)
            .await?
            .ok_or(StoreError::Conflict(Conflict::SendNotDraft { id }))?;
        let lang: String = row.try_get("lang")?;
        let list: String = row.try_get("list")?;
        sqlx::query(
            "UPDATE sends SET status = 'queued', html = $1, body_text = $2, queued_at = $3 WHERE id = $4",
        )
        .bind(html)
        .bind(text)
        .bind(now.as_second())
        .bind(id)
        .execute(&mut *tx)
        .await?;
        let done = sqlx::query(
            "INSERT INTO outbox (send_id, subscriber_id, email, kind, status, attempts, next_attempt_at, created_at) \
             SELECT $1, id, email, 'newsletter', 'queued', 0, $2, $2 FROM subscribers \
             WHERE status = 'confirmed' AND (langs = $3 OR langs = 'both') AND lists LIKE $4 ORDER BY id",
        )
        .bind(id)
        .bind(now.as_second())
        .bind(&lang)
        .bind(format!("%,{list},%"))
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(done.rows_affected())
    }

    /// A queued send's rendered HTML and text.
    pub async fn send_body(&self, id: i64) -> Result<(String, String), StoreError> {
        let r = sqlx::query("SELECT html, body_text FROM sends WHERE id = $1")
            .bind(id)
            .fetch_optional(&self.pool)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("send {id}")))?;
        let html: Option<String> = r.try_get("html")?;
        let text: Option<String> = r.try_get("body_text")?;
        match (html, text) {
            (Some(h), Some(t)) => Ok((h, t)),
            _ => Err(StoreError::Conflict(Conflict::SendNotQueued { id })),
        }
    }

    /// How a send's messages stand.
    pub async fn send_stats(&self, id: i64) -> Result<SendStats, StoreError> {
        let rows = sqlx::query(
            "SELECT status, COUNT(*) AS n FROM outbox WHERE send_id = $1 GROUP BY status",
        )
        .bind(id)
        .fetch_all(&self.pool)
        .await?;
        let mut s = SendStats::default();
        for r in rows {
            s.add(&r.try_get::<String, _>("status")?, r.try_get("n")?);
        }
        Ok(s)
    }

    /// The latest sends, newest first, with how their messages stand (one query for all).
    pub async fn sends_with_stats(&self, limit: u32) -> Result<Vec<(Send, SendStats)>, StoreError> {
        let sends = self.sends(limit).await?;
        let rows = sqlx::query(
            "SELECT send_id, status, COUNT(*) AS n FROM outbox WHERE send_id IN \
             (SELECT id FROM sends ORDER BY id DESC LIMIT $1) GROUP BY send_id, status",
        )
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await?;
        let mut stats: std::collections::HashMap<i64, SendStats> = std::collections::HashMap::new();
        for r in rows {
            stats
                .entry(r.try_get("send_id")?)
                .or_default()
                .add(&r.try_get::<String, _>("status")?, r.try_get("n")?);
        }
        Ok(sends
            .into_iter()
            .map(|s| {
                let st = stats.get(&s.id).copied().unwrap_or_default();
                (s, st)
            })
            .collect())
    }

    /// Whether a send with this key exists (a digest already made today, say).
    pub async fn send_exists(&self, dedupe_key: &str) -> Result<bool, StoreError> {
        let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM sends WHERE dedupe_key = $1")
            .bind(dedupe_key)
            .fetch_one(&self.pool)
            .await?;
        Ok(n > 0)
    }

    /// Marks queued sends with no message left to settle as done; returns how many.
    pub async fn finish_sends(&self, now: Timestamp) -> Result<u64, StoreError> {
        let done = sqlx::query(
            "UPDATE sends SET status = 'done', finished_at = $1 WHERE status = 'queued' AND NOT EXISTS \
             (SELECT 1 FROM outbox o WHERE o.send_id = sends.id AND o.status IN ('queued', 'sending'))",
        )
        .bind(now.as_second())
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected())
    }

    /// Messages not yet settled (queued or being sent), in all.
    pub async fn outbox_pending(&self) -> Result<u64, StoreError> {
        let n: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM outbox WHERE status IN ('queued', 'sending')")
                .fetch_one(&self.pool)
                .await?;
        Ok(u64::try_from(n).unwrap_or(0))
    }

    /// Claims up to `limit` messages that are due (queued and due, or held under a lease
    /// that ran out) under `claim` until `until`.
    pub async fn claim_outbox(
        &self,
        claim: &str,
        now: Timestamp,
        until: Timestamp,
        limit: u32,
    ) -> Result<Vec<OutboxItem>, StoreError> {
        let lock = match self.backend {
            Backend::Postgres => " FOR UPDATE SKIP LOCKED",
            Backend::Sqlite => "",
        };
        let rows = sqlx::query(AssertSqlSafe(format!(
            "UPDATE outbox SET status = 'sending', claim = $1, claim_until = $2, attempts = attempts + 1 \
             WHERE id IN (SELECT id FROM outbox WHERE (status = 'queued' AND next_attempt_at <= $3) \
             OR (status = 'sending' AND claim_until <= $3) ORDER BY id LIMIT $4{lock}) \
             RETURNING id, send_id, subscriber_id, email, kind, attempts"
        )))
        .bind(claim)
        .bind(until.as_second())
        .bind(now.as_second())
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await?;
        let mut out = rows
            .iter()
            .map(|r| {
                Ok(OutboxItem {
                    id: r.try_get("id")?,
                    send_id: r.try_get("send_id")?,
                    subscriber_id: r.try_get("subscriber_id")?,
                    email: r.try_get("email")?,
                    kind: r.try_get("kind")?,
                    attempts: r.try_get("attempts")?,
                })
            })
            .collect::<Result<Vec<_>, StoreError>>()?;
        out.sort_by_key(|i| i.id);
        Ok(out)
    }

    /// Records message `id` as sent, if `claim` still holds it; false when the claim was
    /// lost (its lease ran out and another worker took it).
    pub async fn mark_sent(
        &self,
        id: i64,
        claim: &str,
        now: Timestamp,
    ) -> Result<bool, StoreError> {
        match self.begin_mark_sent(id, claim, now).await? {
            Some(mark) => {
                mark.commit().await?;
                Ok(true)
            }
            None => Ok(false),
        }
    }

    /// The first half of [`Store::mark_sent`]: records message `id` as sent in a
    /// transaction left open, so the caller can commit it at the moment it releases the
    /// message. `None` (and nothing recorded) when `claim` no longer holds the message.
    pub async fn begin_mark_sent(
        &self,
        id: i64,
        claim: &str,
        now: Timestamp,
    ) -> Result<Option<SentMark>, StoreError> {
        let mut tx = self.begin_write().await?;
        let done = sqlx::query(
            "UPDATE outbox SET status = 'sent', sent_at = $1, last_error = NULL \
             WHERE id = $2 AND status = 'sending' AND claim = $3",
        )
        .bind(now.as_second())
        .bind(id)
        .bind(claim)
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() != 1 {
            tx.rollback().await?;
            return Ok(None);
        }
        Ok(Some(SentMark {
            tx,
            backend: self.backend,
        }))
    }

    /// Whether `claim` still holds message `id` (it is being sent under that claim).
    pub async fn outbox_held(&self, id: i64, claim: &str) -> Result<bool, StoreError> {
        let n: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM outbox WHERE id = $1 AND status = 'sending' AND claim = $2",
        )
        .bind(id)
        .bind(claim)
        .fetch_one(&self.pool)
        .await?;
        Ok(n == 1)
    }

    /// Records a failed attempt by the holder of `claim` (also after [`Store::mark_sent`],
    /// when the server refused the message in the end). A bounce stops mail to the
    /// subscriber.
    pub async fn record_outbox_failure(
        &self,
        id: i64,
        claim: &str,
        failure: &OutboxFailure,
    ) -> Result<(), StoreError> {
        let (status, next, error) = match failure {
            OutboxFailure::Retry(at, e) => ("queued", Some(at.as_second()), e),
            OutboxFailure::Failed(e) => ("failed", None, e),
            OutboxFailure::Bounced(e) => ("bounced", None, e),
        };
        let mut tx = self.begin_write().await?;
        let done = sqlx::query(
            "UPDATE outbox SET status = $1, next_attempt_at = COALESCE($2, next_attempt_at), \
             last_error = $3, sent_at = NULL WHERE id = $4 AND claim = $5 AND status IN ('sending', 'sent')",
        )
        .bind(status)
        .bind(next)
        .bind(error)
        .bind(id)
        .bind(claim)
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() == 1 && status == "bounced" {
            sqlx::query(
                "UPDATE subscribers SET status = 'bounced' WHERE id = (SELECT subscriber_id FROM outbox WHERE id = $1)",
            )
            .bind(id)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }
}
