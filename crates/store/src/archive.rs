//! The rows of an archive (`arabpress export`): every table that holds the site's content
//! and settings, row by row, as JSON objects keyed by column name, read and written the
//! same way on both engines (every column is an integer or text). A restore writes them
//! back with their ids, in one transaction, into an empty site; ids are kept so every
//! address, link and reference stays what it was.

use crate::{Backend, Store, StoreError};
use serde_json::{Map, Value};
use sqlx::{Any, Column, Row, Transaction};
use std::collections::HashMap;

/// The tables an archive holds, in an order that satisfies their references.
pub const ARCHIVE_TABLES: &[&str] = &[
    "sections",
    "authors",
    "tags",
    "users",
    "site_settings",
    "articles",
    "article_bodies",
    "article_authors",
    "article_tags",
    "related_articles",
    "corrections",
    "revisions",
    "personal_tokens",
    "api_keys",
    "audit_log",
    "media",
    "webhooks",
    "site_keys",
    "subscribers",
    "sends",
    "import_map",
    "wire_feeds",
    "wire_items",
    "article_audio",
    "article_reads",
    "referrer_reads",
];

/// Tables left out: working state that a restored site makes afresh (sessions, sign-in
/// and sign-up counters, the change feed, mail and webhook deliveries in flight, invitations,
/// the job queue).
pub const TRANSIENT_TABLES: &[&str] = &[
    "sessions",
    "login_failures",
    "signup_attempts",
    "change_events",
    "outbox",
    "webhook_deliveries",
    "invites",
    "breaking_news",
    "job_status",
    "feed_positions",
    "purged_keys",
    "job_queue",
];

/// Tables left out because triggers keep them from the archived ones: a restore's rows
/// write them afresh (the near-duplicate index of fingerprint blocks).
pub const DERIVED_TABLES: &[&str] = &["article_fingerprint_blocks"];

/// Columns that are secrets, written only when asked: a user's password hash (replaced by
/// an empty one that no password matches) and a webhook's signing key (replaced by an
/// empty one; a restore gives the receiver a new random key, see `arabpress_app`).
fn secret(table: &str, column: &str) -> bool {
    matches!(
        (table, column),
        ("users", "password_hash") | ("webhooks", "secret")
    )
}

/// Whether a whole table is a secret, left out unless asked: personal tokens and API keys
/// (their hashes let a copy of the database recognise a stolen token) and the site's keys
/// (the key newsletter links are signed with: whoever holds it can forge unsubscribe and
/// preference links). A restored site without them makes a new link key when it first
/// needs one; old tokens and keys stop working and are issued again.
pub fn secret_table(table: &str) -> bool {
    matches!(table, "personal_tokens" | "api_keys" | "site_keys")
}

impl Store {
    /// The tables of the database (for checking that each is archived or known transient).
    pub async fn table_names(&self) -> Result<Vec<String>, StoreError> {
        let sql = match self.backend {
            Backend::Sqlite => {
                // Ordinary tables: not the headline index (a virtual table) or its shadows.
                "SELECT name FROM pragma_table_list WHERE schema = 'main' AND type = 'table' \
                 AND name NOT LIKE 'sqlite_%' AND name <> 'schema_migrations' ORDER BY name"
            }
            Backend::Postgres => {
                "SELECT table_name::text FROM information_schema.tables WHERE table_schema = current_schema() \
                 AND table_type = 'BASE TABLE' AND table_name <> 'schema_migrations' ORDER BY table_name"
            }
        };
        Ok(sqlx::query_scalar(sql).fetch_all(&self.pool).await?)
    }

    /// The schema version (the last migration applied).
    pub async fn schema_version(&self) -> Result<i64, StoreError> {
        Ok(
            sqlx::query_scalar("SELECT COALESCE(MAX(version), 0) FROM schema_migrations")
                .fetch_one(&self.pool)
                .await?,
        )
    }

    /// Calls `each` with every row of `table` (one of [`ARCHIVE_TABLES`]), in key order.
    /// Secrets are left out unless `with_secrets`.
    pub async fn archive_rows(
        &self,
        table: &str,
        with_secrets: bool,
        mut each: impl FnMut(Map<String, Value>) -> Result<(), StoreError>,
    ) -> Result<u64, StoreError> {
        if !ARCHIVE_TABLES.contains(&table) {
            return Err(StoreError::Unsupported(format!("{table} is not archived")));
        }
        if secret_table(table) && !with_secrets {
            return Ok(0);
        }
        let columns = self.columns(table).await?;
        let order: Vec<String> = (1..=columns.len().min(3)).map(|i| i.to_string()).collect();
        let sql = format!("SELECT * FROM {table} ORDER BY {}", order.join(", "));
        let mut rows = sqlx::query(sqlx::AssertSqlSafe(sql)).fetch(&self.pool);
        let mut n = 0;
        use futures_util::TryStreamExt;
        while let Some(row) = rows.try_next().await? {
            let mut obj = Map::new();
            for (i, col) in row.columns().iter().enumerate() {
                let name = col.name();
                let value = if secret(table, name) && !with_secrets {
                    Value::String(String::new())
                } else if let Ok(v) = row.try_get::<Option<i64>, _>(i) {
                    v.map_or(Value::Null, Value::from)
                } else if let Ok(v) = row.try_get::<Option<i32>, _>(i) {
                    v.map_or(Value::Null, Value::from)
                } else {
                    row.try_get::<Option<String>, _>(i)?
                        .map_or(Value::Null, Value::String)
                };
                obj.insert(name.to_owned(), value);
            }
            each(obj)?;
            n += 1;
        }
        Ok(n)
    }

    /// A table's columns and whether each holds integers.
    async fn columns(&self, table: &str) -> Result<Vec<(String, bool)>, StoreError> {
        let rows: Vec<(String, String)> = match self.backend {
            Backend::Sqlite => {
                sqlx::query_as("SELECT name, type FROM pragma_table_info($1) ORDER BY cid")
                    .bind(table)
                    .fetch_all(&self.pool)
                    .await?
            }
            Backend::Postgres => {
                sqlx::query_as(
                    "SELECT column_name::text, data_type::text FROM information_schema.columns \
                     WHERE table_schema = current_schema() AND table_name = $1 ORDER BY ordinal_position",
                )
                .bind(table)
                .fetch_all(&self.pool)
                .await?
            }
        };
        Ok(rows
            .into_iter()
            .map(|(name, ty)| {
                let ty = ty.to_ascii_lowercase();
                (name, ty.contains("int"))
            })
            .collect())
    }

    /// Whether the site holds nothing a restore would collide with (no article, user,
    /// section or subscriber).
    pub async fn is_empty_site(&self) -> Result<bool, StoreError> {
        let n: i64 = sqlx::query_scalar(
            "SELECT (SELECT COUNT(*) FROM articles) + (SELECT COUNT(*) FROM users) + \
             (SELECT COUNT(*) FROM sections) + (SELECT COUNT(*) FROM subscribers)",
        )
        .fetch_one(&self.pool)
        .await?;
        Ok(n == 0)
    }

    /// Starts a restore: rows are written with [`Restore::insert`] in one transaction and
    /// kept only by [`Restore::finish`].
    pub async fn restore(&self) -> Result<Restore, StoreError> {
        let mut columns = HashMap::new();
        for t in ARCHIVE_TABLES {
            columns.insert((*t).to_owned(), self.columns(t).await?);
        }
        let mut tx = self.begin_write().await?;
        if self.backend == Backend::Sqlite {
            // References are checked at commit, so rows may arrive in any order.
            sqlx::query("PRAGMA defer_foreign_keys = ON")
                .execute(&mut *tx)
                .await?;
        }
        Ok(Restore {
            tx,
            backend: self.backend,
            columns,
            rows: 0,
        })
    }
}

/// A restore in progress (see [`Store::restore`]).
pub struct Restore {
    tx: Transaction<'static, Any>,
    backend: Backend,
    columns: HashMap<String, Vec<(String, bool)>>,
    rows: u64,
}

impl std::fmt::Debug for Restore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Restore").field("rows", &self.rows).finish()
    }
}

impl Restore {
    /// Writes one row of `table`. Its keys must be the table's columns (a newer site may
    /// have columns the archive lacks: they take their defaults).
    pub async fn insert(
        &mut self,
        table: &str,
        row: &Map<String, Value>,
    ) -> Result<(), StoreError> {
        let known = self.columns.get(table).ok_or_else(|| {
            StoreError::Unsupported(format!(
                "the archive's table {table:?} is not one a site has"
            ))
        })?;
        let mut names = Vec::with_capacity(row.len());
        let mut kinds = Vec::with_capacity(row.len());
        for key in row.keys() {
            let Some((name, int)) = known.iter().find(|(n, _)| n == key) else {
                return Err(StoreError::Unsupported(format!(
                    "the archive's column {table}.{key} is not one this version has"
                )));
            };
            names.push(name.as_str());
            kinds.push(*int);
        }
        let marks: Vec<String> = (1..=names.len()).map(|i| format!("${i}")).collect();
        let sql = format!(
            "INSERT INTO {table} ({}) VALUES ({})",
            names.join(", "),
            marks.join(", ")
        );
        let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
        for ((key, value), int) in row.iter().zip(kinds) {
            q = match (value, int) {
                (Value::Null, true) => q.bind(None::<i64>),
                (Value::Null, false) => q.bind(None::<String>),
                (Value::Number(n), true) => q.bind(n.as_i64().ok_or_else(|| {
                    StoreError::Unsupported(format!("{table}.{key}: {n} is not a whole number"))
                })?),
                (Value::String(s), false) => q.bind(s.clone()),
                (Value::Bool(b), true) => q.bind(i64::from(*b)),
                (other, _) => {
                    return Err(StoreError::Unsupported(format!(
                        "{table}.{key}: {other} does not fit the column"
                    )));
                }
            };
        }
        q.execute(&mut *self.tx).await?;
        self.rows += 1;
        Ok(())
    }

    /// Commits the restore, with the speaking of the articles that wait for it queued (the
    /// archive holds no queue); on PostgreSQL, moves each id sequence past the ids restored.
    pub async fn finish(mut self) -> Result<u64, StoreError> {
        sqlx::query(crate::queue::QUEUE_UNSPOKEN)
            .execute(&mut *self.tx)
            .await?;
        if self.backend == Backend::Postgres {
            for (table, cols) in &self.columns {
                if cols.iter().any(|(n, _)| n == "id") {
                    let sql = format!(
                        "SELECT setval(pg_get_serial_sequence('{table}', 'id'), \
                         GREATEST(COALESCE((SELECT MAX(id) FROM {table}), 0), 1), \
                         (SELECT MAX(id) FROM {table}) IS NOT NULL)"
                    );
                    sqlx::query(sqlx::AssertSqlSafe(sql))
                        .execute(&mut *self.tx)
                        .await?;
                }
            }
        }
        self.tx.commit().await?;
        Ok(self.rows)
    }
}
