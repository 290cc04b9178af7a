//! The JSON API under `/api/v1`: the read-only content API (articles, filtered and
//! cursor-paginated, one by id or slug; sections, tags, authors and search) for holders of
//! an API key, and the admin API (create, edit, publish, withdraw, upload) for personal
//! tokens. Every error is JSON of one shape; each key and token is rate-limited. The
//! OpenAPI 3.1 document at `/api/v1/openapi.json` is generated from the handlers and types.
//!
//! This module holds the routes and the error shape; [`content`] and [`admin`] the
//! handlers, [`shapes`] the content API's JSON types, [`keys`] authentication and rate
//! limits, [`openapi`] the document.

mod admin;
mod content;
mod keys;
mod openapi;
mod shapes;

pub use keys::RateLimiter;

use crate::WebState;
use arabpress_app::AppError;
use axum::Json;
use axum::Router;
use axum::extract::rejection::QueryRejection;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};
use serde::Serialize;
use utoipa::ToSchema;

use admin::{admin_create, admin_media, admin_publish, admin_unpublish, admin_update};
use content::{article, article_by_slug, articles, authors, search, sections, tags};

pub(crate) fn routes() -> Router<WebState> {
    Router::new()
        .route("/api/v1/openapi.json", get(openapi::openapi))
        .route("/api/v1/articles", get(articles))
        .route("/api/v1/articles/{id}", get(article))
        .route("/api/v1/articles/{lang}/{slug}", get(article_by_slug))
        .route("/api/v1/sections", get(sections))
        .route("/api/v1/tags", get(tags))
        .route("/api/v1/authors", get(authors))
        .route("/api/v1/search", get(search))
        .route("/api/v1/admin/articles", post(admin_create))
        .route("/api/v1/admin/articles/{id}", put(admin_update))
        .route("/api/v1/admin/articles/{id}/publish", post(admin_publish))
        .route(
            "/api/v1/admin/media",
            post(admin_media).layer(axum::extract::DefaultBodyLimit::disable()),
        )
        .route(
            "/api/v1/admin/articles/{id}/unpublish",
            post(admin_unpublish),
        )
        .route("/api/v1/{*rest}", get(unknown))
}

/// Every error: a stable machine code and a message for people.
#[derive(Serialize, ToSchema)]
pub(crate) struct ApiError {
    error: ApiErrorBody,
}

#[derive(Serialize, ToSchema)]
pub(crate) struct ApiErrorBody {
    /// Stable code: `unauthorized`, `bad_request`, `not_found`, `rate_limited`, `internal`.
    code: &'static str,
    /// What went wrong.
    message: String,
}

// ---- helpers ----------------------------------------------------------------------------

/// A request refused before it reaches the application: status, code and message (small,
/// so that `Result`s carrying it stay cheap).
pub(crate) struct Refusal(StatusCode, &'static str, String);

impl IntoResponse for Refusal {
    fn into_response(self) -> Response {
        error(self.0, self.1, self.2)
    }
}

fn error(status: StatusCode, code: &'static str, message: impl Into<String>) -> Response {
    (
        status,
        Json(ApiError {
            error: ApiErrorBody {
                code,
                message: message.into(),
            },
        }),
    )
        .into_response()
}

fn app_error(e: AppError) -> Response {
    match e {
        AppError::NotFound | AppError::Gone => {
            error(StatusCode::NOT_FOUND, "not_found", "no such article")
        }
        AppError::BadRequest(m) => error(StatusCode::BAD_REQUEST, "bad_request", m),
        AppError::Invalid(v) => error(StatusCode::BAD_REQUEST, "bad_request", v.to_string()),
        AppError::Timeout => error(
            StatusCode::SERVICE_UNAVAILABLE,
            "unavailable",
            "try again shortly",
        ),
        e if e.is_disk_full() => {
            tracing::error!(error = %e, "the disk is full");
            error(
                StatusCode::INSUFFICIENT_STORAGE,
                "disk_full",
                "the server's disk is full: nothing was saved; try again once space is freed",
            )
        }
        other => {
            tracing::error!(error = %other, "API request failed");
            error(
                StatusCode::INTERNAL_SERVER_ERROR,
                "internal",
                "the request failed; try again",
            )
        }
    }
}

fn bad_query(e: &QueryRejection) -> Response {
    error(StatusCode::BAD_REQUEST, "bad_request", e.body_text())
}

fn ok<T: Serialize>(body: T) -> Response {
    let mut res = Json(body).into_response();
    res.headers_mut().insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, max-age=30"),
    );
    res
}

async fn unknown() -> Response {
    error(StatusCode::NOT_FOUND, "not_found", "no such API endpoint")
}
