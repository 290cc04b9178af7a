//! Search: the reader's page (`/{lang}/search?q=…`) and the JSON API
//! (`/api/v1/search?q=…&lang=ar`), both answered by `App::search`.

use crate::WebState;
use crate::site::{fail, lang_param, preferred, respond};
use arabpress_app::{AppError, SearchParams};
use arabpress_core::Lang;
use arabpress_render::views::article_url;
use axum::Json;
use axum::extract::rejection::{PathRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};

pub(crate) async fn page(
    State(state): State<WebState>,
    headers: HeaderMap,
    path: Result<Path<String>, PathRejection>,
    query: Result<Query<SearchParams>, QueryRejection>,
) -> Response {
    let fallback = preferred(&state, &headers);
    let lang = match path.map(|Path(l)| lang_param(&l)) {
        Ok(Ok(lang)) => lang,
        Ok(Err(())) => return fail(&state, &headers, fallback, AppError::NotFound).await,
        Err(_) => {
            return fail(
                &state,
                &headers,
                fallback,
                AppError::BadRequest("malformed path".into()),
            )
            .await;
        }
    };
    let Ok(Query(params)) = query else {
        return fail(
            &state,
            &headers,
            lang,
            AppError::BadRequest("malformed query".into()),
        )
        .await;
    };
    let result = state.app.search_page(lang, &params).await;
    let mut res = respond(&state, &headers, lang, result).await;
    res.headers_mut()
        .insert("x-robots-tag", HeaderValue::from_static("noindex"));
    res
}

/// The API's query: the page's, plus the language.
#[derive(Debug, Deserialize)]
pub(crate) struct ApiParams {
    lang: Option<String>,
    #[serde(flatten)]
    search: SearchParams,
}

/// A run of text, flagged when it matched the query.
#[derive(Serialize)]
struct Run {
    text: String,
    #[serde(rename = "match")]
    matched: bool,
}

#[derive(Serialize)]
struct ApiHit {
    id: i64,
    url: String,
    headline: String,
    standfirst: String,
    published_at: Option<String>,
    section_id: i64,
    headline_runs: Vec<Run>,
    snippet_runs: Vec<Run>,
}

#[derive(Serialize)]
struct ApiResults {
    query: String,
    lang: Lang,
    total: u64,
    page: u32,
    per_page: u32,
    all_words: bool,
    suggestion: Option<String>,
    problem: Option<&'static str>,
    truncated: bool,
    ignored_filter: Option<&'static str>,
    results: Vec<ApiHit>,
}

/// The stable shape of every API error.
#[derive(Serialize)]
struct ApiError {
    error: ApiErrorBody,
}

#[derive(Serialize)]
struct ApiErrorBody {
    code: &'static str,
    message: String,
}

fn api_error(status: StatusCode, code: &'static str, message: String) -> Response {
    (
        status,
        Json(ApiError {
            error: ApiErrorBody { code, message },
        }),
    )
        .into_response()
}

fn runs(r: Vec<(String, bool)>) -> Vec<Run> {
    r.into_iter()
        .map(|(text, matched)| Run { text, matched })
        .collect()
}

pub(crate) async fn api(
    State(state): State<WebState>,
    query: Result<Query<ApiParams>, QueryRejection>,
) -> Response {
    let Ok(Query(p)) = query else {
        return api_error(
            StatusCode::BAD_REQUEST,
            "bad_query",
            "the query string could not be read".into(),
        );
    };
    let lang = match p.lang.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        None => state.default_lang,
        Some(l) => match lang_param(l) {
            Ok(lang) => lang,
            Err(()) => {
                return api_error(
                    StatusCode::BAD_REQUEST,
                    "bad_lang",
                    format!("unknown language {l:?}; use ar or en"),
                );
            }
        },
    };
    match state.app.search(lang, &p.search).await {
        Ok(o) => {
            let body = ApiResults {
                query: o.form.q.trim().to_owned(),
                lang,
                total: o.total,
                page: o.page,
                per_page: o.per_page,
                all_words: !o.partial,
                suggestion: o.suggestion,
                problem: o.problem,
                truncated: o.truncated,
                ignored_filter: o.bad_filter,
                results: o
                    .hits
                    .into_iter()
                    .map(|h| ApiHit {
                        id: h.summary.id,
                        url: article_url(h.summary.lang, &h.summary.slug),
                        headline: h.summary.headline,
                        standfirst: h.summary.standfirst,
                        published_at: h.summary.published_at.map(|t| t.to_string()),
                        section_id: h.summary.section_id,
                        headline_runs: runs(h.headline),
                        snippet_runs: runs(h.snippet),
                    })
                    .collect(),
            };
            let mut res = Json(body).into_response();
            res.headers_mut().insert(
                header::CACHE_CONTROL,
                HeaderValue::from_static("public, max-age=60"),
            );
            res
        }
        Err(AppError::BadRequest(m)) => api_error(StatusCode::BAD_REQUEST, "bad_request", m),
        Err(e) => {
            tracing::error!(error = %e, "search API failed");
            api_error(
                StatusCode::INTERNAL_SERVER_ERROR,
                "internal",
                "the search failed; try again".into(),
            )
        }
    }
}
