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
