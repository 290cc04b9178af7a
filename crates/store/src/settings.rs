//! Site settings kept in the database (name, tagline, time zone, logo, navigation, social
//! links, switches), so every node shows the same site: one row per setting with its value
//! as JSON text. This module stores and reads them as text; what each means and whether a
//! value is valid is the application's business. A save writes its rows, an audit line per
//! setting and a `settings` change event in one transaction, so a node following the
//! change feed reloads them exactly when they change.

use crate::{Store, StoreError};
use jiff::Timestamp;

/// The longest detail kept in an audit line about a setting.
const AUDIT_DETAIL_CHARS: usize = 300;

impl Store {
    /// Every stored setting as (name, JSON text), by name.
    pub async fn site_settings(&self) -> Result<Vec<(String, String)>, StoreError> {
        Ok(
            sqlx::query_as("SELECT name, value FROM site_settings ORDER BY name")
                .fetch_all(&self.pool)
                .await?,
        )
    }

    /// Writes `changes` (name, JSON text), by `by` at `now`, with one audit line per
    /// setting and a change event, in one transaction; returns the change event's id.
    /// Nothing is written when `changes` is empty (and 0 is returned).
    pub async fn save_site_settings(
        &self,
        changes: &[(String, String)],
        by: Option<i64>,
        now: Timestamp,
    ) -> Result<i64, StoreError> {
        if changes.is_empty() {
            return Ok(0);
        }
        let mut tx = self.begin_write().await?;
        for (name, value) in changes {
            sqlx::query(
                "INSERT INTO site_settings (name, value, updated_at, updated_by) \
                 VALUES ($1, $2, $3, $4) \
                 ON CONFLICT (name) DO UPDATE SET value = excluded.value, \
                 updated_at = excluded.updated_at, updated_by = excluded.updated_by",
            )
            .bind(name)
            .bind(value)
            .bind(now.as_second())
            .bind(by)
            .execute(&mut *tx)
            .await?;
            let detail: String = format!("{name} = {value}")
                .chars()
                .take(AUDIT_DETAIL_CHARS)
                .collect();
            sqlx::query(
                "INSERT INTO audit_log (created_at, user_id, action, entity, entity_id, detail) \
                 VALUES ($1, $2, 'setting_changed', 'settings', 0, $3)",
            )
            .bind(now.as_second())
            .bind(by)
            .bind(detail)
            .execute(&mut *tx)
            .await?;
        }
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO change_events (created_at, entity, entity_id, action) \
             VALUES ($1, 'settings', 0, 'saved') RETURNING id",
        )
        .bind(now.as_second())
        .fetch_one(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// The newest change to the settings after change `after`, if any: nodes read it to
    /// reload the settings they keep in memory.
    pub async fn settings_change_after(&self, after: i64) -> Result<Option<i64>, StoreError> {
        Ok(sqlx::query_scalar(
            "SELECT MAX(id) FROM change_events WHERE entity = 'settings' AND id > $1",
        )
        .bind(after)
        .fetch_one(&self.pool)
        .await?)
    }
}
