//! The web edge's error: an application error plus the language to explain it in. Every
//! error becomes a styled page (404, 410, 400, 500); internal details are logged, never
//! shown.

use crate::WebState;
use crate::respond::page_response;
use arabpress_app::AppError;
use arabpress_core::Lang;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};

/// An error to show a reader.
#[derive(Debug)]
pub struct WebError {
    /// What went wrong.
    pub error: AppError,
    /// The language of the page that failed.
    pub lang: Lang,
}

impl WebError {
    /// Renders the error page for this error.
    pub async fn render(self, state: &WebState, headers: &HeaderMap) -> Response {
        let (status, title, text) = match &self.error {
            AppError::NotFound => (404, "not-found-title", "not-found-text"),
            AppError::Gone => (410, "gone-title", "gone-text"),
            AppError::BadRequest(_) | AppError::Invalid(_) => {
                (400, "bad-request-title", "bad-request-text")
            }
            AppError::Conflict(_) => (409, "bad-request-title", "bad-request-text"),
            AppError::Forbidden(_) => (403, "bad-request-title", "bad-request-text"),
            AppError::Unauthorized(_) => (401, "bad-request-title", "bad-request-text"),
            AppError::RateLimited(_) => (429, "bad-request-title", "bad-request-text"),
            AppError::Timeout => {
                tracing::warn!("page rendering timed out");
                (503, "error-title", "error-text")
            }
            e if e.is_disk_full() => {
                tracing::error!(error = %e, "the disk is full: nothing was saved");
                (507, "error-title", "error-text")
            }
            AppError::Store(_)
            | AppError::Render(_)
            | AppError::Search(_)
            | AppError::Internal { .. } => {
                tracing::error!(error = %self.error, "request failed");
                (500, "error-title", "error-text")
            }
        };
        match state.app.message_page(self.lang, status, title, text).await {
            Ok(page) => page_response(headers, &page, "no-store"),
            Err(e) => {
                tracing::error!(error = %e, "error page failed");
                (StatusCode::INTERNAL_SERVER_ERROR, "Internal Server Error").into_response()
            }
        }
    }
}
