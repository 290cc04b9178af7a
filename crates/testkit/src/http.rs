//! HTTP in tests: a router served on a free port of 127.0.0.1 for the rest of a test (for
//! the outbound features: feeds, webhooks, image fetching, the purge hook), requests sent
//! to a router without a socket, and a response read back as status, headers and text.

use axum::Router;
use axum::body::Body;
use axum::http::{HeaderMap, Request, StatusCode};
use http_body_util::BodyExt;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use tower::ServiceExt;

/// A response as a test reads it.
#[derive(Debug)]
pub struct Resp {
    /// The status.
    pub status: StatusCode,
    /// The headers.
    pub headers: HeaderMap,
    /// The body as text (invalid UTF-8 replaced).
    pub body: String,
}

impl Resp {
    /// The value of header `name` as text; empty when absent or not text.
    pub fn header(&self, name: &str) -> &str {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    }

    /// The body as JSON; panics with the body when it is not JSON.
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("{e}: {}", self.body))
    }
}

/// A response's status, headers and body bytes.
pub async fn read_parts(res: axum::response::Response) -> (StatusCode, HeaderMap, Vec<u8>) {
    let status = res.status();
    let headers = res.headers().clone();
    let bytes = res
        .into_body()
        .collect()
        .await
        .map(|b| b.to_bytes().to_vec())
        .unwrap_or_default();
    (status, headers, bytes)
}

/// A response's status, headers and body as text.
pub async fn read(res: axum::response::Response) -> Resp {
    let (status, headers, bytes) = read_parts(res).await;
    Resp {
        status,
        headers,
        body: String::from_utf8_lossy(&bytes).into_owned(),
    }
}

/// Sends `req` to `router` without a socket and returns its response unread.
pub async fn send(router: &Router, req: Request<Body>) -> axum::response::Response {
    router.clone().oneshot(req).await.unwrap()
}

/// A GET of `path` with `headers`; the body is kept as bytes (media, audio).
pub async fn get_bytes(
    router: &Router,
    path: &str,
    headers: &[(&str, &str)],
) -> (StatusCode, HeaderMap, Vec<u8>) {
    let mut req = Request::builder().uri(path);
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    let req = req.body(Body::empty()).unwrap();
    read_parts(send(router, req).await).await
}

/// A GET of `path` with `headers`.
pub async fn get_with(router: &Router, path: &str, headers: &[(&str, &str)]) -> Resp {
    let (status, headers, bytes) = get_bytes(router, path, headers).await;
    Resp {
        status,
        headers,
        body: String::from_utf8_lossy(&bytes).into_owned(),
    }
}

/// A GET of `path`.
pub async fn get(router: &Router, path: &str) -> Resp {
    get_with(router, path, &[]).await
}

/// Posts `body` to `path` as a urlencoded form.
pub async fn post_form(router: &Router, path: &str, body: &str) -> Resp {
    let req = Request::builder()
        .method("POST")
        .uri(path)
        .header("content-type", "application/x-www-form-urlencoded")
        .body(Body::from(body.to_owned()))
        .unwrap();
    read(send(router, req).await).await
}

/// Serves `router` on a free port of 127.0.0.1 for the rest of the test; returns its address.
pub async fn serve_on_loopback(router: Router) -> SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        let _ = axum::serve(listener, router).await;
    });
    addr
}

/// A server on 127.0.0.1 counting the requests it gets and answering `body` to each.
pub async fn counting_server(body: &'static str) -> (SocketAddr, Arc<AtomicUsize>) {
    let hits = Arc::new(AtomicUsize::new(0));
    let seen = Arc::clone(&hits);
    let router = Router::new().fallback(move || {
        let seen = Arc::clone(&seen);
        async move {
            seen.fetch_add(1, Ordering::SeqCst);
            body
        }
    });
    (serve_on_loopback(router).await, hits)
}

/// Spellings of this machine every outbound feature must refuse by default, at the port of
/// `addr` (a server on 127.0.0.1): the address itself, IPv6 loopback, the unspecified
/// address, the decimal and short forms of 127.0.0.1, and a name that resolves to it.
pub fn internal_urls(addr: SocketAddr, path: &str) -> Vec<String> {
    let port = addr.port();
    vec![
        format!("http://{addr}{path}"),
        format!("http://[::1]:{port}{path}"),
        format!("http://0.0.0.0:{port}{path}"),
        format!("http://2130706433:{port}{path}"),
        format!("http://127.1:{port}{path}"),
        format!("http://localhost:{port}{path}"),
    ]
}
