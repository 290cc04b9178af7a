//! `/media/{sha}/{file}`: the uploaded images and their resized copies, immutable (the
//! address names the content's hash), with byte ranges.

use crate::WebState;
use crate::request::fail;
use arabpress_app::AppError;
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
    match state.app.media_file(&sha, &file).await {
        Ok(Some(m)) => {
            let etag = format!("\"{sha}-{file}\"");
            let len = m.body.len() as u64;
            // A range is honoured unless If-Range names another version.
            let if_range_ok = headers
                .get(header::IF_RANGE)
                .is_none_or(|v| v.as_bytes() == etag.as_bytes());
            let range = if if_range_ok {
                byte_range(headers.get(header::RANGE), len)
            } else {
                Ok(None)
            };
            let (status, body, content_range) = match range {
                Ok(None) => (StatusCode::OK, m.body, None),
                Ok(Some((from, to))) => (
                    StatusCode::PARTIAL_CONTENT,
                    m.body.slice(from as usize..=to as usize),
                    Some(format!("bytes {from}-{to}/{len}")),
                ),
                Err(()) => (
                    StatusCode::RANGE_NOT_SATISFIABLE,
                    m.body.slice(0..0),
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
        Ok(None) => {
            fail(
                &state,
                &headers,
                state.app.default_lang(),
                AppError::NotFound,
            )
            .await
        }
        Err(e) => fail(&state, &headers, state.app.default_lang(), e).await,
    }
}

/// The one byte range a `Range` header asks of a body of `len` bytes
/// ([`arabpress_core::http::byte_range`]): `Ok(None)` serves the whole body, `Err(())` is a
/// range wholly past the end (416).
fn byte_range(header: Option<&HeaderValue>, len: u64) -> Result<Option<(u64, u64)>, ()> {
    arabpress_core::http::byte_range(header.and_then(|h| h.to_str().ok()), len).map_err(|_| ())
}

#[cfg(test)]
mod range_tests {
    use super::byte_range;
    use axum::http::HeaderValue;

    fn r(h: &str, len: u64) -> Result<Option<(u64, u64)>, ()> {
        byte_range(Some(&HeaderValue::from_str(h).unwrap()), len)
    }

    #[test]
    fn ranges_are_read_as_rfc_9110_says() {
        assert_eq!(byte_range(None, 100), Ok(None));
        assert_eq!(r("bytes=0-0", 100), Ok(Some((0, 0))));
        assert_eq!(r("bytes=10-19", 100), Ok(Some((10, 19))));
        assert_eq!(r("bytes=90-", 100), Ok(Some((90, 99))));
        assert_eq!(r("bytes=90-500", 100), Ok(Some((90, 99))));
        assert_eq!(r("bytes=-10", 100), Ok(Some((90, 99))));
        assert_eq!(r("bytes=-500", 100), Ok(Some((0, 99))));
        assert_eq!(r("bytes=100-", 100), Err(()));
        assert_eq!(r("bytes=-0", 100), Err(()));
        // Ignored: the whole body is served.
        assert_eq!(r("bytes=0-1,5-6", 100), Ok(None));
        assert_eq!(r("items=0-1", 100), Ok(None));
        assert_eq!(r("bytes=5-2", 100), Ok(None));
        assert_eq!(r("bytes=x-", 100), Ok(None));
    }
}
