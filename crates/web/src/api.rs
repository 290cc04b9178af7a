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
use axum::extract::{FromRequest, FromRequestParts, Path, Query, Request};
use axum::http::request::Parts;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};
use serde::Serialize;
use serde::de::DeserializeOwned;
use std::collections::BTreeMap;
use utoipa::openapi::response::{Response as DocResponse, ResponseBuilder};
use utoipa::openapi::{ContentBuilder, Ref, RefOr};
use utoipa::{IntoResponses, ToSchema};

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

/// What the content API's key check answers with, for the OpenAPI document: no valid key
/// (401), too many requests (429).
pub(crate) struct KeyRefusals;

impl IntoResponses for KeyRefusals {
    fn responses() -> BTreeMap<String, RefOr<DocResponse>> {
        refusals(&[(401, "No valid API key"), (429, "Too many requests")])
    }
}

/// What the admin API's token and role checks answer with, for the OpenAPI document: no
/// valid token (401), a role that does not allow it (403), too many requests (429).
pub(crate) struct TokenRefusals;

impl IntoResponses for TokenRefusals {
    fn responses() -> BTreeMap<String, RefOr<DocResponse>> {
        refusals(&[
            (401, "No valid token"),
            (403, "The role does not allow it"),
            (429, "Too many requests"),
        ])
    }
}

/// Documented responses carrying an [`ApiError`], by status.
fn refusals(list: &[(u16, &str)]) -> BTreeMap<String, RefOr<DocResponse>> {
    list.iter()
        .map(|(status, description)| {
            let body = ContentBuilder::new()
                .schema(Some(Ref::from_schema_name("ApiError")))
                .build();
            let r = ResponseBuilder::new()
                .description(*description)
                .content("application/json", body)
                .build();
            (status.to_string(), RefOr::T(r))
        })
        .collect()
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

/// What a handler answers: its JSON, or the error shape.
pub(crate) type Answer = Result<Response, Refusal>;

/// An application error in the API's terms: the status, the stable code, and a message that
/// never carries internal detail (that is logged).
impl From<AppError> for Refusal {
    fn from(e: AppError) -> Self {
        match e {
            AppError::NotFound | AppError::Gone => {
                Refusal(StatusCode::NOT_FOUND, "not_found", "no such article".into())
            }
            AppError::BadRequest(m) => {
                Refusal(StatusCode::BAD_REQUEST, "bad_request", m.to_string())
            }
            AppError::Invalid(v) => Refusal(StatusCode::BAD_REQUEST, "bad_request", v.to_string()),
            AppError::Forbidden(why) => {
                Refusal(StatusCode::FORBIDDEN, "forbidden", why.to_string())
            }
            AppError::Conflict(c) => Refusal(StatusCode::CONFLICT, "conflict", c.to_string()),
            AppError::Timeout => Refusal(
                StatusCode::SERVICE_UNAVAILABLE,
                "unavailable",
                "try again shortly".into(),
            ),
            e if e.is_disk_full() => {
                tracing::error!(error = %e, "the disk is full");
                Refusal(
                    StatusCode::INSUFFICIENT_STORAGE,
                    "disk_full",
                    "the server's disk is full: nothing was saved; try again once space is freed"
                        .into(),
                )
            }
            other => {
                tracing::error!(error = %other, "API request failed");
                Refusal(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "internal",
                    "the request failed; try again".into(),
                )
            }
        }
    }
}

fn app_error(e: AppError) -> Response {
    Refusal::from(e).into_response()
}

// ---- input ------------------------------------------------------------------------------
//
// Extractors for what a request carries, refusing with the API's error shape (axum's own
// would answer in plain text).

/// The query string read as `T`; one that does not fit is a 400 saying why.
pub(crate) struct ApiQuery<T>(pub(crate) T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for ApiQuery<T> {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Response> {
        match Query::<T>::from_request_parts(parts, state).await {
            Ok(Query(q)) => Ok(ApiQuery(q)),
            Err(e) => Err(error(StatusCode::BAD_REQUEST, "bad_request", e.body_text())),
        }
    }
}

/// The JSON body read as `T`; a body that is not that JSON is a 400 saying why.
pub(crate) struct ApiJson<T>(pub(crate) T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for ApiJson<T> {
    type Rejection = Response;

    async fn from_request(req: Request, state: &S) -> Result<Self, Response> {
        match Json::<T>::from_request(req, state).await {
            Ok(Json(b)) => Ok(ApiJson(b)),
            Err(e) => Err(error(StatusCode::BAD_REQUEST, "bad_request", e.body_text())),
        }
    }
}

/// The article id in the path (`{id}`); one that is not a number is a 400.
pub(crate) struct ArticleId(pub(crate) i64);

impl<S: Send + Sync> FromRequestParts<S> for ArticleId {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Response> {
        let Path(raw) = Path::<String>::from_request_parts(parts, state)
            .await
            .map_err(IntoResponse::into_response)?;
        raw.parse::<i64>().map(ArticleId).map_err(|_| {
            error(
                StatusCode::BAD_REQUEST,
                "bad_request",
                format!("{raw:?} is not an article id"),
            )
        })
    }
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
