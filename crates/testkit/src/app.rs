//! An `App` as the integration tests of `app` and `web` build it: the demo site's theme,
//! an index in memory and a fixed clock over a test store; and the outbound policy and
//! pinned names the tests of outbound features (feeds, webhooks, images, the purge hook)
//! use to reach servers on 127.0.0.1.

use arabpress_app::{App, AppBuilder, Clock, FixedClock, OutboundPolicy};
use arabpress_render::{PerLang, Site, Theme};
use arabpress_store::Store;
use std::sync::Arc;

/// The base URL of the sites tests build.
pub const BASE_URL: &str = "http://test.example";

/// What a refused destination is reported as.
pub const REFUSED: &str = "refused: destination is a private or loopback address";

/// The demo site's theme at `http://test.example`, in time zone `tz`.
pub fn theme(tz: jiff::tz::TimeZone) -> Theme {
    theme_at(tz, BASE_URL)
}

/// The demo site's theme at `base_url`, in time zone `tz`, with full-content feeds and the
/// newsletter pop-up on.
pub fn theme_at(tz: jiff::tz::TimeZone, base_url: &str) -> Theme {
    Theme::new(
        Site {
            name: PerLang {
                ar: "عرب برس".into(),
                en: "Arab Press".into(),
            },
            tagline: PerLang {
                ar: "بالشعب و للشعب".into(),
                en: "بالشعب و للشعب".into(),
            },
            base_url: base_url.into(),
            full_content_feeds: true,
            newsletter_popup: true,
        },
        tz,
        None,
    )
    .unwrap()
}

/// Numbers the media folders of the apps one test process builds.
static NEXT_MEDIA_DIR: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

/// An app over `store` with an index in memory, at `clock`'s time, and a media folder of
/// its own: media are content-addressed, so two apps sharing a folder (the SQLite and
/// PostgreSQL halves of one test run side by side) would write, and remove, each other's
/// files.
pub fn app_in_memory(store: &Store, tz: jiff::tz::TimeZone, clock: Arc<FixedClock>) -> App {
    app_builder(store, tz, clock).build().unwrap()
}

/// [`app_in_memory`] before it is built, for a test that adds to it (mail, audio, an
/// outbound policy, a purge hook, a bucket).
pub fn app_builder(store: &Store, tz: jiff::tz::TimeZone, clock: Arc<FixedClock>) -> AppBuilder {
    remove_ended_media_dirs();
    App::builder(
        store.clone(),
        theme(tz),
        Arc::new(arabpress_search::SearchIndex::in_memory().unwrap()),
        clock as Arc<dyn Clock>,
        std::env::temp_dir().join(format!(
            "arabpress-test-media-{}-{}",
            std::process::id(),
            NEXT_MEDIA_DIR.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
        )),
    )
    .cache_bytes(1 << 20)
}

/// Removes, once per process, the media folders of test processes that have ended (each
/// app's folder lives as long as its process, which cannot know when the app is done).
fn remove_ended_media_dirs() {
    static SWEPT: std::sync::Once = std::sync::Once::new();
    SWEPT.call_once(|| {
        let Ok(entries) = std::fs::read_dir(std::env::temp_dir()) else {
            return;
        };
        for entry in entries.flatten() {
            let name = entry.file_name();
            let ended = name
                .to_str()
                .and_then(|n| crate::stores::maker_pid(n, "arabpress-test-media"))
                .is_some_and(crate::stores::process_ended);
            if ended {
                let _ = std::fs::remove_dir_all(entry.path());
            }
        }
    });
}

/// The outbound policy of tests whose servers run on 127.0.0.1: private destinations
/// allowed, explicitly (the default refuses them).
pub fn allow_private_network() -> OutboundPolicy {
    OutboundPolicy {
        allow_private_network: true,
        purge_allow_private: false,
    }
}

/// A server on 127.0.0.1 that redirects every request to `to`; returns its address.
pub async fn redirect_server(to: String) -> std::net::SocketAddr {
    let router = axum::Router::new().fallback(move || {
        let to = to.clone();
        async move { axum::response::Redirect::temporary(&to) }
    });
    crate::serve_on_loopback(router).await
}

/// A server on 127.0.0.1 that redirects every request to `to`, reached through the
/// public-looking name `news.example` that `app` pins to it (trusted for that hop only);
/// returns the name's address with `path`.
pub async fn redirector(app: &App, to: String, path: &str) -> String {
    let addr = redirect_server(to).await;
    app.pin_host("news.example", addr);
    format!("http://news.example:{}{path}", addr.port())
}

/// Whether the speech engine (espeak-ng and LAME on the PATH) is here for a test that
/// needs it: `false` after a "skipped" line when it is missing (a failure with
/// `ARABPRESS_TEST_AUDIO` set), as [`crate::speech_engine`] decides.
pub fn speech_engine_installed() -> bool {
    crate::speech_engine(arabpress_audio::Engine::detect("espeak-ng", "lame")).is_some()
}
