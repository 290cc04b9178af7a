//! Schema migrations, embedded in the binary, one folder per engine, applied in order at
//! start. On PostgreSQL an advisory lock makes nodes starting together apply them once.

use crate::{Backend, Store, StoreError};

struct Migration {
    version: i64,
    description: &'static str,
    sql: &'static str,
}

const SQLITE: &[Migration] = &[
    Migration {
        version: 1,
        description: "content",
        sql: include_str!("../migrations/sqlite/0001_content.sql"),
    },
    Migration {
        version: 2,
        description: "search",
        sql: include_str!("../migrations/sqlite/0002_search.sql"),
    },
    Migration {
        version: 3,
        description: "api keys",
        sql: include_str!("../migrations/sqlite/0003_api_keys.sql"),
    },
    Migration {
        version: 4,
        description: "users",
        sql: include_str!("../migrations/sqlite/0004_users.sql"),
    },
    Migration {
        version: 5,
        description: "newsroom",
        sql: include_str!("../migrations/sqlite/0005_newsroom.sql"),
    },
    Migration {
        version: 6,
        description: "webhooks",
        sql: include_str!("../migrations/sqlite/0006_webhooks.sql"),
    },
    Migration {
        version: 7,
        description: "newsletter",
        sql: include_str!("../migrations/sqlite/0007_newsletter.sql"),
    },
    Migration {
        version: 8,
        description: "change notify",
        sql: include_str!("../migrations/sqlite/0008_change_notify.sql"),
    },
    Migration {
        version: 9,
        description: "imports",
        sql: include_str!("../migrations/sqlite/0009_imports.sql"),
    },
    Migration {
        version: 10,
        description: "wire feeds",
        sql: include_str!("../migrations/sqlite/0010_wire.sql"),
    },
    Migration {
        version: 11,
        description: "spoken articles",
        sql: include_str!("../migrations/sqlite/0011_audio.sql"),
    },
    Migration {
        version: 12,
        description: "review and tokens",
        sql: include_str!("../migrations/sqlite/0012_review_and_tokens.sql"),
    },
    Migration {
        version: 13,
        description: "site settings",
        sql: include_str!("../migrations/sqlite/0013_site_settings.sql"),
    },
    Migration {
        version: 14,
        description: "audit log filters",
        sql: include_str!("../migrations/sqlite/0014_audit_log_filters.sql"),
    },
];

const POSTGRES: &[Migration] = &[
    Migration {
        version: 1,
        description: "content",
        sql: include_str!("../migrations/postgres/0001_content.sql"),
    },
    Migration {
        version: 2,
        description: "search",
        sql: include_str!("../migrations/postgres/0002_search.sql"),
    },
    Migration {
        version: 3,
        description: "api keys",
        sql: include_str!("../migrations/postgres/0003_api_keys.sql"),
    },
    Migration {
        version: 4,
        description: "users",
        sql: include_str!("../migrations/postgres/0004_users.sql"),
    },
    Migration {
        version: 5,
        description: "newsroom",
        sql: include_str!("../migrations/postgres/0005_newsroom.sql"),
    },
    Migration {
        version: 6,
        description: "webhooks",
        sql: include_str!("../migrations/postgres/0006_webhooks.sql"),
    },
    Migration {
        version: 7,
        description: "newsletter",
        sql: include_str!("../migrations/postgres/0007_newsletter.sql"),
    },
    Migration {
        version: 8,
        description: "change notify",
        sql: include_str!("../migrations/postgres/0008_change_notify.sql"),
    },
    Migration {
        version: 9,
        description: "imports",
        sql: include_str!("../migrations/postgres/0009_imports.sql"),
    },
    Migration {
        version: 10,
        description: "wire feeds",
        sql: include_str!("../migrations/postgres/0010_wire.sql"),
    },
    Migration {
        version: 11,
        description: "spoken articles",
        sql: include_str!("../migrations/postgres/0011_audio.sql"),
    },
    Migration {
        version: 12,
        description: "review and tokens",
        sql: include_str!("../migrations/postgres/0012_review_and_tokens.sql"),
    },
    Migration {
        version: 13,
        description: "site settings",
        sql: include_str!("../migrations/postgres/0013_site_settings.sql"),
    },
    Migration {
        version: 14,
        description: "audit log filters",
        sql: include_str!("../migrations/postgres/0014_audit_log_filters.sql"),
    },
];

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
