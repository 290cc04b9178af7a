//! API keys for the read-only content API. A key is shown once when created; the store
//! keeps only its SHA-256, so a copy of the database reveals no usable key.

use crate::error::changed;
use crate::{Store, StoreError};
use jiff::Timestamp;

/// A stored API key (never the key itself).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiKey {
    /// Store id.
    pub id: i64,
    /// Who or what it is for.
    pub name: String,
    /// When it was created.
    pub created_at: Timestamp,
    /// When it was revoked, if it was.
    pub revoked_at: Option<Timestamp>,
}

type KeyRow = (i64, String, i64, Option<i64>);

fn key(row: KeyRow) -> Result<ApiKey, StoreError> {
    Ok(ApiKey {
        id: row.0,
        name: row.1,
        created_at: crate::rows::ts(row.2)?,
        revoked_at: crate::rows::opt_ts(row.3)?,
    })
}

impl Store {
    /// Records a key by its hash.
    pub async fn create_api_key(
        &self,
        name: &str,
        key_hash: &str,
        now: Timestamp,
    ) -> Result<ApiKey, StoreError> {
        let name = crate::users::checked_name(
            name,
            "invalid-key-name",
            "a key needs a name of 1 to 100 characters",
        )?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO api_keys (name, key_hash, created_at) VALUES ($1, $2, $3) RETURNING id",
        )
        .bind(&name)
        .bind(key_hash)
        .bind(now.as_second())
        .fetch_one(&self.pool)
        .await?;
        Ok(ApiKey {
            id,
            name,
            created_at: now,
            revoked_at: None,
        })
    }

    /// The live key with this hash.
    pub async fn api_key_by_hash(&self, key_hash: &str) -> Result<Option<ApiKey>, StoreError> {
        let row: Option<KeyRow> = sqlx::query_as(
            "SELECT id, name, created_at, revoked_at FROM api_keys WHERE key_hash = $1 AND revoked_at IS NULL",
        )
        .bind(key_hash)
        .fetch_optional(&self.pool)
        .await?;
        row.map(key).transpose()
    }

    /// Every key, newest first.
    pub async fn api_keys(&self) -> Result<Vec<ApiKey>, StoreError> {
        let rows: Vec<KeyRow> = sqlx::query_as(
            "SELECT id, name, created_at, revoked_at FROM api_keys ORDER BY id DESC",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter().map(key).collect()
    }

    /// Revokes a key at once.
    pub async fn revoke_api_key(&self, id: i64, now: Timestamp) -> Result<(), StoreError> {
        let done =
            sqlx::query("UPDATE api_keys SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL")
                .bind(now.as_second())
                .bind(id)
                .execute(&self.pool)
                .await?;
        changed(&done, || format!("live API key {id}"))
    }
}
