//! The reader's search page (`/{lang}/search?q=…`); the JSON search is in the content API.

use crate::WebState;
use crate::site::{fail, lang_param, preferred, respond};
use arabpress_app::{AppError, SearchParams};
use axum::extract::rejection::{PathRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue};
use axum::response::Response;

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
