//! Turning a cached page into a response: content negotiation (brotli, gzip, identity),
//! strong ETags per representation, `304 Not Modified`, `Vary` and `Cache-Control`.

use arabpress_app::{CachedPage, Encoding};
use axum::body::Body;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::Response;

/// Cache policy for public pages: fresh for 30 s, then revalidated with the ETag.
pub const PUBLIC_PAGE: &str = "public, max-age=30, stale-while-revalidate=60";

/// A response for `page`, honouring `Accept-Encoding` and `If-None-Match`.
pub fn page_response(req: &HeaderMap, page: &CachedPage, cache_control: &'static str) -> Response {
    let enc = if page.compressible() {
        Encoding::negotiate(
            req.get(header::ACCEPT_ENCODING)
                .and_then(|v| v.to_str().ok()),
        )
    } else {
        Encoding::Identity
    };
    let status = StatusCode::from_u16(page.status).unwrap_or(StatusCode::OK);
    let not_modified = status == StatusCode::OK
        && req
            .get(header::IF_NONE_MATCH)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| page.matches(v));
    let mut res = if not_modified {
        let mut r = Response::new(Body::empty());
        *r.status_mut() = StatusCode::NOT_MODIFIED;
        if let Ok(v) = HeaderValue::from_maybe_shared(page.etag(enc).clone()) {
            r.headers_mut().insert(header::ETAG, v);
        }
        r
    } else {
        let (body, used) = page.body(enc);
        let mut r = Response::new(Body::from(body));
        *r.status_mut() = status;
        let h = r.headers_mut();
        h.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static(page.content_type),
        );
        if let Some(ce) = used.header() {
            h.insert(header::CONTENT_ENCODING, HeaderValue::from_static(ce));
        }
        if let Some(v) = (status == StatusCode::OK)
            .then(|| HeaderValue::from_maybe_shared(page.etag(used).clone()).ok())
            .flatten()
        {
            h.insert(header::ETAG, v);
        }
        r
    };
    let h = res.headers_mut();
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static(cache_control),
    );
    h.insert(header::VARY, HeaderValue::from_static("Accept-Encoding"));
    // What the page shows, so a CDN can drop exactly the pages a change affects (the purge
    // hook names the same keys).
    let (keys, tags) = page.surrogate_keys();
    if !keys.is_empty() {
        if let Ok(v) = HeaderValue::from_maybe_shared(keys.clone()) {
            h.insert("surrogate-key", v);
        }
        if let Ok(v) = HeaderValue::from_maybe_shared(tags.clone()) {
            h.insert("cache-tag", v);
        }
    }
    res
}
