//! Statements whose arguments are assembled at run time (the public lists, the newsroom's
//! list), and the plan the database chooses for them, so that a test can check that each
//! walks an index on both engines instead of reading every row.

use crate::{Backend, Store, StoreError};
use sqlx::any::AnyArguments;
use sqlx::query::Query;
use sqlx::{Any, AssertSqlSafe, Row};

/// One argument of such a statement.
#[derive(Debug, Clone)]
pub(crate) enum Arg {
    Text(String),
    Int(i64),
}

/// `query` with `args` bound in order.
pub(crate) fn bind_all<'q>(
    mut query: Query<'q, Any, AnyArguments>,
    args: &[Arg],
) -> Query<'q, Any, AnyArguments> {
    for a in args {
        query = match a {
            Arg::Text(s) => query.bind(s.clone()),
            Arg::Int(i) => query.bind(*i),
        };
    }
    query
}

impl Store {
    /// The plan the database chooses for `sql` with `args`, one line per step: SQLite's
    /// `EXPLAIN QUERY PLAN` details, or PostgreSQL's `EXPLAIN` with sequential scans priced
    /// out (`enable_seqscan = off`), so that a sequential scan left in it means that no
    /// index can serve the statement, whatever the table's size.
    pub(crate) async fn plan(&self, sql: &str, args: &[Arg]) -> Result<Vec<String>, StoreError> {
        let mut tx = self.pool.begin().await?;
        let explain = match self.backend {
            Backend::Sqlite => format!("EXPLAIN QUERY PLAN {sql}"),
            Backend::Postgres => {
                sqlx::query("SET LOCAL enable_seqscan = off")
                    .execute(&mut *tx)
                    .await?;
                format!("EXPLAIN {sql}")
            }
        };
        let rows = bind_all(sqlx::query(AssertSqlSafe(explain)), args)
            .fetch_all(&mut *tx)
            .await?;
        let lines = rows
            .iter()
            .map(|row| match self.backend {
                Backend::Sqlite => row.try_get::<String, _>("detail"),
                Backend::Postgres => row.try_get::<String, _>(0),
            })
            .collect::<Result<Vec<_>, _>>()?;
        tx.rollback().await?;
        Ok(lines)
    }
}
