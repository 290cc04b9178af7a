//! The content store: one interface over SQLite (the default, embedded, nothing to install)
//! and PostgreSQL (for several web nodes), through sqlx's `Any` driver so every query is
//! written once in portable SQL with `$N` placeholders.
//!
//! Portability rules that keep one SQL text valid on both engines: times are stored as UTC
//! seconds in 64-bit integers, booleans as 0/1, ids as 64-bit integers. Where the engines
//! differ the code says so by matching on `Backend`, and only in these places:
//! - opening the pool (`lib.rs`: SQLite's pragmas and file, PostgreSQL's connection
//!   options), `BEGIN IMMEDIATE` on SQLite (`begin_write`), `PRAGMA optimize` (`optimize`),
//!   LISTEN/NOTIFY (`listen_changes`) and the SQLite file's path (`sqlite_path`);
//! - the migrations' folder (`migrate.rs`) and the archive's table copy and sequence
//!   reset (`archive.rs`);
//! - JSON aggregation for a list's authors and tags (`json_group_array` / `json_agg`,
//!   `articles.rs`);
//! - `FOR UPDATE SKIP LOCKED` on the claim queries (the outbox in `newsletter.rs`, wire
//!   feeds, the job queue in `queue.rs` that speaking and webhook deliveries use; SQLite's
//!   single writer needs none), and the outbox's hand-over of a commit in flight
//!   (`SentMark::hand_over`, PostgreSQL only);
//! - the newsroom's headline search (SQLite's trigram table for three letters or more) and
//!   the `+` that keeps SQLite's planner off an index for a list's filters (`newsroom.rs`);
//! - `EXPLAIN` and reading its plan (`plans.rs`).
//!
//! Each write that touches several tables runs in one transaction, so a failed write leaves
//! the store exactly as it was.

mod archive;
mod articles;
mod audio;
mod breaking;
mod derived;
mod distribution;
mod error;
mod imports;
mod jobs;
mod keys;
mod migrate;
mod newsletter;
mod newsroom;
mod plans;
pub mod private;
mod purge;
mod queue;
mod reads;
mod rendering;
mod rows;
mod settings;
mod taxonomy;
mod users;
mod webhooks;
mod wire;

pub use archive::{ARCHIVE_TABLES, DERIVED_TABLES, Restore, TRANSIENT_TABLES};
pub use articles::{ListQuery, Neighbours, NewCorrection, Page};
pub use audio::{AudioCounts, AudioState};
pub use derived::{ArticleChange, Fingerprint};
pub use distribution::SitemapEntry;
pub use error::StoreError;
pub use imports::{
    BatchOutcome, ImportArticle, ImportAuthor, ImportBatch, ImportSection, Imported,
};
pub use jobs::{JobReport, JobStatus};
pub use keys::ApiKey;
pub use newsletter::{
    HandedOver, NewSend, NewSubscriber, OutboxFailure, OutboxItem, Send, SendStats, SentMark,
    SignupAction, Subscriber, SubscriberQuery,
};
pub use newsroom::{
    MediaRow, NEWSROOM_COUNT_CAP, NewsroomArticle, NewsroomPage, NewsroomQuery, PendingRevision,
    Revision,
};
pub use purge::{ArticleLinks, FeedChange};
pub use queue::{FailedJob, QueueCount, QueuedJob, SPEAK, WEBHOOKS};
pub use reads::ReadCounts;
pub use rendering::{RENDER_BUDGET, RENDER_PERMITS, render_body};
pub use taxonomy::TagsFrom;
pub use users::{AuditEntry, AuditLine, AuditPage, AuditQuery, TokenRow};
pub use webhooks::{Delivery, DueDelivery, Outcome, Webhook};
pub use wire::{NewWireFeed, WireArticle, WireFeed, WirePoll};

use sqlx::any::{AnyPoolOptions, install_default_drivers};
use sqlx::{AnyPool, Executor};
use std::time::Duration;

/// Which engine a store runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// An embedded SQLite file.
    Sqlite,
    /// A PostgreSQL server.
    Postgres,
}

impl Backend {
    /// Recognises the engine from a database URL.
    pub fn from_url(url: &str) -> Result<Backend, StoreError> {
        if url.starts_with("sqlite:") {
            Ok(Backend::Sqlite)
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Ok(Backend::Postgres)
        } else {
            Err(StoreError::BadUrl(
                url.split(':').next().unwrap_or_default().to_owned(),
            ))
        }
    }
}

/// A handle to the store; cheap to clone (it holds a connection pool).
#[derive(Clone, Debug)]
pub struct Store {
    pool: AnyPool,
    backend: Backend,
    url: Secret,
}

/// The database URL, which may hold a password: kept out of `Debug` output.
#[derive(Clone)]
struct Secret(String);

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("…")
    }
}

/// Wakes a node when another commits a change (PostgreSQL's LISTEN/NOTIFY).
pub struct ChangeListener(sqlx::postgres::PgListener);

impl ChangeListener {
    /// Waits until a change is announced or `timeout` passes; true when one was. After a
    /// lost connection it reconnects on the next call (announcements made meanwhile are
    /// lost; the feed, read by id, is not).
    pub async fn wait(&mut self, timeout: Duration) -> bool {
        match tokio::time::timeout(timeout, self.0.recv()).await {
            Ok(Ok(_)) => true,
            Ok(Err(e)) => {
                tracing::warn!(error = %e, "listening for changes; reconnecting");
                tokio::time::sleep(Duration::from_millis(200)).await;
                false
            }
            Err(_) => false,
        }
    }
}

/// The file a SQLite URL names (none for an in-memory database).
fn sqlite_file(url: &str) -> Option<std::path::PathBuf> {
    let rest = url.strip_prefix("sqlite:")?;
    let rest = rest.strip_prefix("//").unwrap_or(rest);
    let path = rest.split('?').next().unwrap_or(rest);
    (!path.is_empty() && path != ":memory:" && !url.contains("mode=memory"))
        .then(|| std::path::PathBuf::from(path))
}

/// Creates the database file private when missing and tightens it and its companions.
fn secure_sqlite(db: &std::path::Path) -> Result<(), StoreError> {
    let changed = private::private_sqlite(db).map_err(|e| {
        StoreError::Database(sqlx::Error::Io(std::io::Error::new(
            e.kind(),
            format!("{}: {e}", db.display()),
        )))
    })?;
    for p in changed {
        tracing::warn!(file = %p.display(), "was readable by other accounts; now 0600");
    }
    Ok(())
}

impl Store {
    /// Connects and applies pending migrations. A SQLite URL (`sqlite://path/to/db.sqlite`)
    /// creates the file when missing and turns on WAL, foreign keys and a busy timeout.
    pub async fn connect(url: &str) -> Result<Store, StoreError> {
        let backend = Backend::from_url(url)?;
        install_default_drivers();
        let pool = match backend {
            Backend::Sqlite => {
                if let Some(db) = sqlite_file(url) {
                    secure_sqlite(&db)?;
                }
                let url = if url.contains('?') {
                    url.to_owned()
                } else {
                    format!("{url}?mode=rwc")
                };
                let options = |most: u32| {
                    AnyPoolOptions::new()
                        .max_connections(most)
                        .min_connections(1)
                        .after_connect(|conn, _meta| {
                            Box::pin(async move {
                                conn.execute(
                                    "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; \
                                     PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 5000;",
                                )
                                .await?;
                                Ok(())
                            })
                        })
                };
                // Migrations and the planner's statistics first, on a connection of their
                // own: a connection reads the statistics when it opens, so the site's
                // connections open after them (one opened before would plan without
                // them until it closed).
                let setup = Store {
                    pool: options(1).connect(&url).await?,
                    backend,
                    url: Secret(url.clone()),
                };
                migrate::run(&setup).await?;
                setup.optimize().await?;
                setup.pool.close().await;
                options(4).connect(&url).await?
            }
            Backend::Postgres => {
                AnyPoolOptions::new()
                    .max_connections(16)
                    .acquire_timeout(Duration::from_secs(10))
                    .after_connect(|conn, _meta| {
                        Box::pin(async move {
                            // The site's queries are short; on a large table the planner's
                            // cost estimate sets off JIT compilation, 100 to 200 ms spent
                            // before each of them runs.
                            conn.execute("SET jit = off").await?;
                            Ok(())
                        })
                    })
                    .connect(url)
                    .await?
            }
        };
        let store = Store {
            pool,
            backend,
            url: Secret(url.to_owned()),
        };
        if backend == Backend::Postgres {
            migrate::run(&store).await?;
        }
        if let Some(db) = store.sqlite_path() {
            // The write-ahead log and shared-memory files exist now.
            secure_sqlite(&db)?;
        }
        Ok(store)
    }

    /// Keeps SQLite's statistics of the tables current (`PRAGMA optimize`: a table never
    /// analysed, or whose size changed tenfold since, is analysed again; about a second
    /// for a million articles). Without them SQLite takes an index that begins with a
    /// low-variety column such as the status for a few rows, and walks a million entries
    /// to find twenty articles by id. Sampled statistics (`analysis_limit`) mislead it the
    /// same way, so the whole table is read. Run at start-up and every hour (connections
    /// opened before take the new statistics when the pool replaces them, within 30
    /// minutes); PostgreSQL's autovacuum does the same there.
    pub async fn optimize(&self) -> Result<(), StoreError> {
        if self.backend == Backend::Sqlite {
            sqlx::query("PRAGMA optimize = 0x10002")
                .execute(&self.pool)
                .await?;
        }
        Ok(())
    }

    /// Starts a transaction that writes. On SQLite it takes the write lock at once
    /// (`BEGIN IMMEDIATE`): a deferred transaction that reads first fails with "database is
    /// locked" (`SQLITE_BUSY_SNAPSHOT`, which no busy timeout waits out) when another
    /// connection commits between its first read and its first write; an immediate one
    /// waits its turn instead.
    pub(crate) async fn begin_write(
        &self,
    ) -> Result<sqlx::Transaction<'static, sqlx::Any>, sqlx::Error> {
        match self.backend {
            Backend::Sqlite => self.pool.begin_with("BEGIN IMMEDIATE").await,
            Backend::Postgres => self.pool.begin().await,
        }
    }

    /// Listens for changes other nodes commit; `None` on SQLite (one node, nothing to hear).
    pub async fn listen_changes(&self) -> Result<Option<ChangeListener>, StoreError> {
        if self.backend != Backend::Postgres {
            return Ok(None);
        }
        let mut l = sqlx::postgres::PgListener::connect(&self.url.0).await?;
        l.listen("arabpress_changes").await?;
        Ok(Some(ChangeListener(l)))
    }

    /// The database file of a SQLite store.
    pub fn sqlite_path(&self) -> Option<std::path::PathBuf> {
        if self.backend != Backend::Sqlite {
            return None;
        }
        sqlite_file(&self.url.0)
    }

    /// The engine behind this store.
    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// Writes a consistent copy of a SQLite database to `path` (which must not exist) while
    /// the store stays in use: `VACUUM INTO` reads one snapshot and writes a compact file.
    /// PostgreSQL is backed up with its own tools (`pg_dump`), so this refuses it.
    pub async fn backup_to(&self, path: &std::path::Path) -> Result<(), StoreError> {
        if self.backend != Backend::Sqlite {
            return Err(StoreError::Unsupported(
                "a PostgreSQL database is backed up with pg_dump (or the server's own backups)"
                    .into(),
            ));
        }
        let target = path.to_str().ok_or_else(|| {
            StoreError::Unsupported(format!("{} is not a UTF-8 path", path.display()))
        })?;
        sqlx::query("VACUUM INTO $1")
            .bind(target)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Checks that the database answers, for health checks.
    pub async fn ping(&self) -> Result<(), StoreError> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }

    /// Closes every connection; pending writes finish first.
    pub async fn close(&self) {
        self.pool.close().await;
    }
}
