//! What the site's HTTP tests share: the demo site behind its router with a fixed clock,
//! on a test store of either engine. Requests without a socket, the response readers and
//! the loopback server come from the test kit and are re-exported here.
#![allow(dead_code)]

use arabpress_app::{App, AppBuilder, FixedClock};
use arabpress_testkit::TestStore;
use axum::Router;
use std::sync::Arc;

pub mod browser;

// Each test binary uses some of these.
#[allow(unused_imports)]
pub use arabpress_testkit::{
    Resp, get, get_bytes, get_with, now, post_form, read, serve_on_loopback,
};

/// Runs one async test body against the demo site on every configured engine:
/// `both_sites!(name, body_fn)` defines `mod name { sqlite, postgres }` tests, where
/// `body_fn(Site_)` is an `async fn`; the PostgreSQL one says it was skipped when
/// `ARABPRESS_TEST_POSTGRES` is unset.
#[allow(unused_macros)]
macro_rules! both_sites {
    ($name:ident, $body:path) => {
        mod $name {
            #[tokio::test]
            async fn sqlite() {
                $body($crate::common::site().await).await;
            }
            #[tokio::test]
            async fn postgres() {
                if let Some(s) = $crate::common::site_on_postgres().await {
                    $body(s).await;
                }
            }
        }
    };
}
#[allow(unused_imports)]
pub(crate) use both_sites;

pub struct Site_ {
    pub app: App,
    pub router: Router,
    pub clock: Arc<FixedClock>,
    pub _store: TestStore,
    pub _media: tempfile::TempDir,
    pub mail: tempfile::TempDir,
}

impl Site_ {
    /// The messages the file transport wrote, oldest first: (file name, text).
    pub fn mails(&self) -> Vec<(String, String)> {
        let mut out: Vec<(String, String)> = std::fs::read_dir(self.mail.path())
            .into_iter()
            .flatten()
            .flatten()
            .filter(|e| e.path().extension().is_some_and(|x| x == "eml"))
            .map(|e| {
                (
                    e.file_name().to_string_lossy().into_owned(),
                    std::fs::read_to_string(e.path()).unwrap_or_default(),
                )
            })
            .collect();
        out.sort_by_key(|(n, _)| n.trim_end_matches(".eml").parse::<i64>().unwrap_or(0));
        out
    }
}

/// The demo site.
pub async fn site() -> Site_ {
    site_with(true).await
}

/// A site with nothing in it (for restoring an archive into).
pub async fn empty_site() -> Site_ {
    site_with(false).await
}

/// An empty site on PostgreSQL, when `ARABPRESS_TEST_POSTGRES` names a server.
pub async fn empty_site_on_postgres() -> Option<Site_> {
    let t = TestStore::postgres().await.unwrap()?;
    Some(site_on(t, false).await)
}

async fn site_with(demo: bool) -> Site_ {
    let t = TestStore::sqlite().await.unwrap();
    site_on(t, demo).await
}

async fn site_on(t: TestStore, demo: bool) -> Site_ {
    site_on_at(t, demo, arabpress_testkit::app::BASE_URL).await
}

/// The demo site on SQLite, with what `more` adds to its app (settings pins, audio).
pub async fn site_adding(more: impl FnOnce(AppBuilder) -> AppBuilder) -> Site_ {
    let t = TestStore::sqlite().await.unwrap();
    site_built(t, true, arabpress_testkit::app::BASE_URL, more).await
}

/// The demo site, configured with this `base_url`.
pub async fn site_at(base_url: &str) -> Site_ {
    let t = TestStore::sqlite().await.unwrap();
    site_on_at(t, true, base_url).await
}

/// The demo site on PostgreSQL, when `ARABPRESS_TEST_POSTGRES` names a server.
pub async fn site_on_postgres() -> Option<Site_> {
    let t = TestStore::postgres().await.unwrap()?;
    Some(site_on(t, true).await)
}

async fn site_on_at(t: TestStore, demo: bool, base_url: &str) -> Site_ {
    site_built(t, demo, base_url, |b| b).await
}

async fn site_built(
    t: TestStore,
    demo: bool,
    base_url: &str,
    more: impl FnOnce(AppBuilder) -> AppBuilder,
) -> Site_ {
    let theme = arabpress_testkit::theme_at(jiff::tz::TimeZone::UTC, base_url);
    let index = arabpress_search::SearchIndex::in_memory().unwrap();
    let clock = Arc::new(FixedClock::new(now()));
    let media = tempfile::tempdir().unwrap();
    let mail = tempfile::tempdir().unwrap();
    let builder = App::builder(
        t.store.clone(),
        theme,
        Arc::new(index),
        Arc::clone(&clock) as Arc<dyn arabpress_app::Clock>,
        media.path().to_path_buf(),
    )
    .cache_bytes(32 << 20)
    .mail(arabpress_app::MailSettings {
        mailer: arabpress_mail::Mailer::new(
            "Arab Press <newsletter@test.example>",
            arabpress_mail::Transport::Folder(mail.path().to_path_buf()),
            None,
        )
        .unwrap(),
        connections: 2,
        per_second: 0,
        lease_seconds: 60,
        digest_hour: Some(7),
        digest_auto: false,
    });
    let app = more(builder).build().unwrap();
    if demo {
        arabpress_app::demo::load(&app)
            .await
            .unwrap_or_else(|e| panic!("demo: {e}"));
    }
    let router = arabpress_web::router(app.clone());
    Site_ {
        app,
        router,
        clock,
        _store: t,
        _media: media,
        mail,
    }
}
