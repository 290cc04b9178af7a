//! Schema migrations, embedded in the binary, one folder per engine (listed from the folder
//! at build time), applied in order at start. On PostgreSQL an advisory lock makes nodes starting together apply them once.

use crate::{Backend, Store, StoreError};

struct Migration {
    version: i64,
    description: &'static str,
    sql: &'static str,
}

// `SQLITE` and `POSTGRES`, listed from the folders by `build.rs`.
include!(concat!(env!("OUT_DIR"), "/migrations.rs"));

pub(crate) async fn run(store: &Store) -> Result<(), StoreError> {
    let migrations = match store.backend {
        Backend::Sqlite => SQLITE,
        Backend::Postgres => POSTGRES,
    };
    let mut tx = store.begin_write().await?;
    if store.backend == Backend::Postgres {
        sqlx::query("SELECT pg_advisory_xact_lock(72677270)")
            .execute(&mut *tx)
            .await?;
    }
    sqlx::query(
        "CREATE TABLE IF NOT EXISTS schema_migrations (version BIGINT PRIMARY KEY, \
         description TEXT NOT NULL, applied_at BIGINT NOT NULL)",
    )
    .execute(&mut *tx)
    .await?;
    let applied: Vec<i64> = sqlx::query_scalar("SELECT version FROM schema_migrations")
        .fetch_all(&mut *tx)
        .await?;
    for m in migrations.iter().filter(|m| !applied.contains(&m.version)) {
        sqlx::raw_sql(m.sql)
            .execute(&mut *tx)
            .await
            .map_err(|source| StoreError::Migration {
                version: m.version,
                source,
            })?;
        sqlx::query(
            "INSERT INTO schema_migrations (version, description, applied_at) VALUES ($1, $2, $3)",
        )
        .bind(m.version)
        .bind(m.description)
        .bind(jiff::Timestamp::now().as_second())
        .execute(&mut *tx)
        .await?;
        tracing::info!(
            version = m.version,
            description = m.description,
            "applied migration"
        );
    }
    tx.commit().await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_engines_have_the_same_migrations_numbered_from_one() {
        let list = |m: &[Migration]| {
            m.iter()
                .map(|m| (m.version, m.description))
                .collect::<Vec<_>>()
        };
        assert_eq!(
            list(SQLITE),
            list(POSTGRES),
            "one migration per engine, alike"
        );
        for (i, m) in SQLITE.iter().enumerate() {
            assert_eq!(
                m.version,
                i as i64 + 1,
                "versions run 1, 2, 3… without a gap"
            );
            assert!(!m.sql.trim().is_empty(), "migration {} is empty", m.version);
        }
        assert!(SQLITE.len() >= 14);
    }
}
