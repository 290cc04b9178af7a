//! What can go wrong serving a page, in terms the web layer maps to a status code.
//!
//! The variants carry values, not sentences: a conflict says which one it is
//! ([`Conflict`]), a refusal says why ([`Forbidden`], [`Unauthorized`], [`RateLimit`]), so
//! the web layer matches on them and never reads a message back. Their `Display` is the
//! English text the API, logs and the command line show; members read the theme's Fluent
//! messages instead.

use arabpress_core::{Conflict, Role, ValidationError};
use arabpress_render::RenderError;
use arabpress_store::StoreError;
use jiff::Timestamp;

/// Why a page could not be served.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// Nothing is published at this address.
    #[error("not found")]
    NotFound,
    /// The article was published and then withdrawn.
    #[error("gone")]
    Gone,
    /// The request could not be understood: which part, and how.
    #[error("bad request: {0}")]
    BadRequest(BadRequest),
    /// The input broke a content rule; the error names the field and the message that
    /// explains it in either language.
    #[error("invalid: {0}")]
    Invalid(ValidationError),
    /// The actor may not do this.
    #[error("forbidden: {0}")]
    Forbidden(Forbidden),
    /// The write conflicts with what is stored.
    #[error("conflict: {0}")]
    Conflict(Conflict),
    /// The credentials were wrong (or the account is deactivated).
    #[error("unauthorized: {0}")]
    Unauthorized(Unauthorized),
    /// Too many attempts; the caller must wait.
    #[error("too many attempts: {0}")]
    RateLimited(RateLimit),
    /// Rendering took longer than its deadline (a stuck or overloaded database).
    #[error("timed out")]
    Timeout,
    /// The store failed.
    #[error(transparent)]
    Store(StoreError),
    /// The theme failed.
    #[error(transparent)]
    Render(#[from] RenderError),
    /// Something failed that is not the caller's doing: what was being done, and the error
    /// that stopped it (kept as the source, so a full disk is still recognised below).
    #[error("{context}: {source}")]
    Internal {
        /// What was being done (`writing the archive`, `media folder /srv/media`).
        context: String,
        /// Why it failed.
        #[source]
        source: BoxError,
    },
    /// The search index failed.
    #[error(transparent)]
    Search(#[from] arabpress_search::SearchError),
}

/// What in a request could not be understood. `Display` is the English the API answers
/// with; a reader sees the theme's "bad request" page.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BadRequest {
    /// The path is not one of the site's (bad percent-encoding, an unknown language).
    #[error("malformed path")]
    Path,
    /// The query string could not be read into the page's parameters.
    #[error("malformed query")]
    Query,
    /// A list page's `page`, `before` or `after` that could not be read: core's reason.
    #[error("{0}")]
    ListQuery(String),
    /// A list's `?page=0`.
    #[error("page numbers start at 1")]
    PageZero,
    /// A page number past the last one served (search results).
    #[error("page numbers run from 1 to {max}")]
    PageRange {
        /// The last page number.
        max: u32,
    },
    /// A list's `?before=`/`?after=` position that names no moment.
    #[error("bad list position \"{0}\"")]
    ListPosition(String),
    /// An API cursor this API did not give.
    #[error("the cursor {0:?} is not one this API gave")]
    Cursor(String),
    /// The API was asked for articles without a language.
    #[error("lang is required: ar or en")]
    LangRequired,
    /// The API's page size out of its range.
    #[error("limit must be from 1 to {max}")]
    Limit {
        /// The largest page size.
        max: u32,
    },
}

/// Why an action was refused to the one who asked.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Forbidden {
    /// The actor's role does not allow `action` (in English: "publish this article").
    #[error("a {role} cannot {action}")]
    Role {
        /// The actor's role.
        role: Role,
        /// What they tried to do.
        action: &'static str,
    },
    /// The site has its owner already: the first-run setup is closed.
    #[error("this site already has an owner; sign in instead")]
    SetupDone,
    /// The account is deactivated.
    #[error("a deactivated account cannot {action}")]
    Deactivated {
        /// What it tried to do.
        action: &'static str,
    },
}

/// Why credentials were refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Unauthorized {
    /// No active account has this address and password.
    #[error("wrong email address or password")]
    WrongCredentials,
    /// The password given to confirm a change is not the member's.
    #[error("the current password is wrong")]
    WrongCurrentPassword,
    /// The personal token expired.
    #[error("this token expired at {at}; create a new one")]
    TokenExpired {
        /// When it expired.
        at: Timestamp,
    },
}

/// Which limit was reached.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum RateLimit {
    /// Too many failed sign-ins for the account or from the address.
    #[error(
        "too many failed sign-ins; try again in {} minutes",
        crate::LOGIN_WINDOW_MINUTES
    )]
    SignIn,
    /// Too many newsletter sign-ups from the address in the past hour.
    #[error("too many newsletter sign-ups from this address; try again in an hour")]
    SignUp,
}

impl RateLimit {
    /// How long the caller should wait before trying again, in seconds (`Retry-After`).
    pub fn retry_after(self) -> i64 {
        match self {
            RateLimit::SignIn => crate::LOGIN_WINDOW_MINUTES * 60,
            RateLimit::SignUp => 3600,
        }
    }
}

impl From<StoreError> for AppError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound(_) => AppError::NotFound,
            StoreError::Invalid(v) => AppError::Invalid(v),
            StoreError::Conflict(m) => AppError::Conflict(m),
            other => AppError::Store(other),
        }
    }
}

/// Any error, as an [`AppError::Internal`] keeps it.
pub type BoxError = Box<dyn std::error::Error + Send + Sync>;

impl AppError {
    /// A failure that is not the caller's doing, with its cause.
    pub fn internal(context: impl Into<String>, source: impl Into<BoxError>) -> Self {
        AppError::Internal {
            context: context.into(),
            source: source.into(),
        }
    }

    /// Invalid input on `field`, explained by the message `id` (English: `message`).
    pub fn invalid(field: &'static str, id: &'static str, message: impl Into<String>) -> Self {
        AppError::Invalid(ValidationError::new(field, id, message))
    }

    /// Invalid input that only the command line meets (an archive line, a backup path): said
    /// in English, with no field.
    pub fn invalid_input(message: impl Into<String>) -> Self {
        AppError::Invalid(ValidationError::new("", "invalid-input", message))
    }

    /// True when the failure was a full disk (the database's or the media folder's): the
    /// caller is told that nothing was saved and why, rather than a bare internal error.
    pub fn is_disk_full(&self) -> bool {
        match self {
            AppError::Store(e) => e.is_disk_full(),
            AppError::Internal { source, .. } => {
                let mut cause: Option<&(dyn std::error::Error + 'static)> = Some(source.as_ref());
                while let Some(e) = cause {
                    let io = e.downcast_ref::<std::io::Error>();
                    if io.is_some_and(|io| {
                        io.kind() == std::io::ErrorKind::StorageFull
                            || io.raw_os_error() == Some(28)
                    }) {
                        return true;
                    }
                    // Storage clients that wrap the I/O error without exposing it as a
                    // source still name it.
                    let text = e.to_string();
                    if text.contains("No space left on device") || text.contains("os error 28") {
                        return true;
                    }
                    cause = e.source();
                }
                false
            }
            _ => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::error::Error as _;

    #[test]
    fn an_internal_error_keeps_its_cause_and_a_full_disk_is_recognised_through_it() {
        let full = AppError::internal("writing the archive", std::io::Error::from_raw_os_error(28));
        assert!(full.is_disk_full());
        assert!(full.source().is_some_and(|c| c.is::<std::io::Error>()));
        assert!(full.to_string().starts_with("writing the archive: "));
        let other = AppError::internal(
            "writing the archive",
            std::io::Error::from(std::io::ErrorKind::PermissionDenied),
        );
        assert!(!other.is_disk_full());
        assert!(!AppError::internal("mail lane", "it lost its connections").is_disk_full());
    }
}
