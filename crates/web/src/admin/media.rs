//! `/media/{sha}/{file}`: the uploaded images, their resized copies and the spoken
//! articles, immutable (the address names the content's hash), with byte ranges that are
//! read alone from the media store.

use crate::WebState;
use crate::request::fail;
use arabpress_app::{AppError, PartBody};
use axum::Router;
use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::Response;
use axum::routing::get;

pub(super) fn routes() -> Router<WebState> {
    Router::new().route("/media/{sha}/{file}", get(media))
}

// ---------------------------------------------------------------------------------------
// Uploaded images

async fn media(
    State(state): State<WebState>,
    headers: HeaderMap,
    Path((sha, file)): Path<(String, String)>,
) -> Response {
    let etag = format!("\"{sha}-{file}\"");
    // A range is honoured unless If-Range names another version.
    let range = headers
        .get(header::RANGE)
        .and_then(|v| v.to_str().ok())
        .filter(|_| {
            headers
                .get(header::IF_RANGE)
                .is_none_or(|v| v.as_bytes() == etag.as_bytes())
        });
    let m = match state.app.media_part(&sha, &file, range).await {
        Ok(Some(m)) => m,
        Ok(None) => {
            let lang = state.app.default_lang();
            return fail(&state, &headers, lang, AppError::NotFound).await;
        }
        Err(e) => return fail(&state, &headers, state.app.default_lang(), e).await,
    };
    let len = m.len;
    let (status, body, content_range) = match m.body {
        PartBody::Whole(b) => (StatusCode::OK, b, None),
        PartBody::Range { from, to, bytes } => (
            StatusCode::PARTIAL_CONTENT,
            bytes,
            Some(format!("bytes {from}-{to}/{len}")),
        ),
        PartBody::NotSatisfiable => (
            StatusCode::RANGE_NOT_SATISFIABLE,
            axum::body::Bytes::new(),
            Some(format!("bytes */{len}")),
        ),
    };
    let mut r = Response::new(Body::from(body));
    *r.status_mut() = status;
    let h = r.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(m.content_type),
    );
    h.insert(header::ACCEPT_RANGES, HeaderValue::from_static("bytes"));
    if let Some(cr) = content_range.and_then(|v: String| HeaderValue::from_str(&v).ok()) {
        h.insert(header::CONTENT_RANGE, cr);
    }
    // The address names the content's hash: it never changes.
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=31536000, immutable"),
    );
    h.insert(
        header::ETAG,
        HeaderValue::from_str(&etag).unwrap_or_else(|_| HeaderValue::from_static("\"m\"")),
    );
    r
}
