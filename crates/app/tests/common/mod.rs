//! What the app's integration tests share: the fixed time they run at and a theme.
#![allow(dead_code)]

use arabpress_app::{App, FixedClock};
use arabpress_render::{PerLang, Site, Theme};
use arabpress_store::Store;
use jiff::Timestamp;
use std::sync::Arc;

pub fn now() -> Timestamp {
    "2026-02-07T10:00:00Z"
        .parse()
        .unwrap_or_else(|e| panic!("{e}"))
}

/// The demo site's theme in time zone `tz`.
pub fn theme(tz: jiff::tz::TimeZone) -> Theme {
    let name = PerLang {
        ar: "عرب برس".into(),
        en: "Arab Press".into(),
    };
    Theme::new(
        Site {
            tagline: name.clone(),
            name,
            base_url: "http://test.example".into(),
            full_content_feeds: true,
            newsletter_popup: true,
        },
        tz,
        None,
    )
    .unwrap_or_else(|e| panic!("{e}"))
}

/// An app over `store` with an index in memory, at `clock`'s time.
pub fn app_in_memory(store: &Store, tz: jiff::tz::TimeZone, clock: Arc<FixedClock>) -> App {
    App::new(
        store.clone(),
        theme(tz),
        Arc::new(arabpress_search::SearchIndex::in_memory().unwrap_or_else(|e| panic!("{e}"))),
        1 << 20,
        clock as Arc<dyn arabpress_app::Clock>,
        std::env::temp_dir().join(format!("arabpress-test-media-{}", std::process::id())),
    )
}

/// Serves `router` on a free port of 127.0.0.1 for the rest of the test; returns its address.
pub async fn serve_on_loopback(router: axum::Router) -> std::net::SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let addr = listener.local_addr().unwrap_or_else(|e| panic!("{e}"));
    tokio::spawn(async move {
        let _ = axum::serve(listener, router).await;
    });
    addr
}

/// The outbound policy of tests whose servers run on 127.0.0.1: private destinations
/// allowed, explicitly (the default refuses them).
pub fn allow_private_network() -> arabpress_app::OutboundPolicy {
    arabpress_app::OutboundPolicy {
        allow_private_network: true,
        purge_allow_private: false,
    }
}

/// What a refused destination is reported as.
pub const REFUSED: &str = "refused: destination is a private or loopback address";

/// Spellings of this machine every outbound feature must refuse by default, at the port of
/// `addr` (a server on 127.0.0.1): the address itself, IPv6 loopback, the unspecified
/// address, the decimal and short forms of 127.0.0.1, and a name that resolves to it.
pub fn internal_urls(addr: std::net::SocketAddr, path: &str) -> Vec<String> {
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

/// A server on 127.0.0.1 counting the requests it gets and answering `body` to each.
pub async fn counting_server(
    body: &'static str,
) -> (std::net::SocketAddr, Arc<std::sync::atomic::AtomicUsize>) {
    let hits = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let seen = Arc::clone(&hits);
    let router = axum::Router::new().fallback(move || {
        let seen = Arc::clone(&seen);
        async move {
            seen.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            body
        }
    });
    (serve_on_loopback(router).await, hits)
}

/// A server on 127.0.0.1 that redirects every request to `to`, reached through the
/// public-looking name `news.example` that `app` pins to it (trusted for that hop only);
/// returns the name's address with `path`.
pub async fn redirector(app: &App, to: String, path: &str) -> String {
    let router = axum::Router::new().fallback(move || {
        let to = to.clone();
        async move { axum::response::Redirect::temporary(&to) }
    });
    let addr = serve_on_loopback(router).await;
    app.pin_host("news.example", addr);
    format!("http://news.example:{}{path}", addr.port())
}
