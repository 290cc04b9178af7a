//! The reader's search page (`/{lang}/search?q=…`); the JSON search is in the content API.

use crate::WebState;
use crate::request::{fail, path_lang, respond};
use arabpress_app::{AppError, BadRequest, SearchParams};
use axum::Router;
use axum::extract::rejection::{PathRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue};
use axum::response::Response;
use axum::routing::get;

pub(crate) fn routes() -> Router<WebState> {
    Router::new().route("/{lang}/search", get(page))
}

async fn page(
    State(state): State<WebState>,
    headers: HeaderMap,
    path: Result<Path<String>, PathRejection>,
    query: Result<Query<SearchParams>, QueryRejection>,
) -> Response {
    let lang = match path_lang(&state, &headers, path).await {
        Ok(lang) => lang,
        Err(r) => return r,
    };
    let Ok(Query(params)) = query else {
        return fail(
            &state,
            &headers,
            lang,
            AppError::BadRequest(BadRequest::Query),
        )
        .await;
    };
    let result = state.app.search_page(lang, &params).await;
    let mut res = respond(&state, &headers, lang, result).await;
    res.headers_mut()
        .insert("x-robots-tag", HeaderValue::from_static("noindex"));
    res
}
