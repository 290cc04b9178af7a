//! The store's own error type: what went wrong, in terms a caller can act on.

use arabpress_core::{Conflict, ValidationError};

/// Why a store operation failed.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The database URL names an engine the store does not support.
    #[error("unsupported database URL scheme {0:?}: use sqlite://FILE or postgres://…")]
    BadUrl(String),
    /// The input broke a content rule; nothing was written.
    #[error("invalid input: {0}")]
    Invalid(#[from] ValidationError),
    /// A referenced row (section, author, article…) does not exist.
    #[error("{0} not found")]
    NotFound(String),
    /// The write conflicts with what is stored (a taken slug, an edit of an old version, a
    /// send that has moved on).
    #[error("conflict: {0}")]
    Conflict(Conflict),
    /// A stored value could not be read back as the domain type.
    #[error("corrupt row: {0}")]
    Corrupt(String),
    /// Applying the schema failed.
    #[error("migration {version} failed: {source}")]
    Migration {
        /// The migration that failed.
        version: i64,
        /// The database's error.
        source: sqlx::Error,
    },
    /// The operation does not apply to this engine.
    #[error("not supported: {0}")]
    Unsupported(String),
    /// The database failed or could not be reached.
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
}

impl StoreError {
    /// True when the database could not write because its disk is full (SQLite's
    /// `SQLITE_FULL`, PostgreSQL's `disk_full`, or the file system's ENOSPC).
    pub fn is_disk_full(&self) -> bool {
        let db = match self {
            StoreError::Database(e) | StoreError::Migration { source: e, .. } => e,
            _ => return false,
        };
        match db {
            sqlx::Error::Database(d) => {
                matches!(d.code().as_deref(), Some("13" | "53100"))
                    || d.message().contains("disk is full")
                    || d.message().contains("No space left on device")
            }
            sqlx::Error::Io(e) => e.raw_os_error() == Some(28),
            _ => false,
        }
    }

    /// True when the error came from a uniqueness constraint.
    pub(crate) fn is_unique_violation(err: &sqlx::Error) -> bool {
        match err {
            sqlx::Error::Database(db) => {
                db.is_unique_violation()
                    || db.code().as_deref() == Some("23505")
                    || db.message().contains("UNIQUE constraint failed")
            }
            _ => false,
        }
    }
}

/// `Ok` when a statement changed a row; otherwise [`StoreError::NotFound`] naming `what`
/// (the row it was meant for).
pub(crate) fn changed(
    done: &sqlx::any::AnyQueryResult,
    what: impl FnOnce() -> String,
) -> Result<(), StoreError> {
    if done.rows_affected() == 0 {
        return Err(StoreError::NotFound(what()));
    }
    Ok(())
}
