//! What the site's HTTP tests share: the demo site behind its router with a fixed clock,
//! and requests without a socket.
#![allow(dead_code)]

use arabpress_app::{App, FixedClock};
use arabpress_core::Lang;
use arabpress_render::{PerLang, Site, Theme};
use arabpress_store::testing::TestStore;
use axum::Router;
use axum::body::Body;
use axum::http::{HeaderMap, Request, StatusCode};
use http_body_util::BodyExt;
use jiff::Timestamp;
use std::sync::Arc;
use tower::ServiceExt;

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

pub fn now() -> Timestamp {
    "2026-02-07T10:00:00Z"
        .parse()
        .unwrap_or_else(|e| panic!("{e}"))
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
    let t = TestStore::postgres()
        .await
        .unwrap_or_else(|e| panic!("{e}"))?;
    Some(site_on(t, false).await)
}

async fn site_with(demo: bool) -> Site_ {
    let t = TestStore::sqlite().await.unwrap_or_else(|e| panic!("{e}"));
    site_on(t, demo).await
}

async fn site_on(t: TestStore, demo: bool) -> Site_ {
    site_on_at(t, demo, "http://test.example").await
}

/// The demo site, configured with this `base_url`.
pub async fn site_at(base_url: &str) -> Site_ {
    let t = TestStore::sqlite().await.unwrap_or_else(|e| panic!("{e}"));
    site_on_at(t, true, base_url).await
}

/// The demo site on PostgreSQL, when `ARABPRESS_TEST_POSTGRES` names a server.
pub async fn site_on_postgres() -> Option<Site_> {
    let t = TestStore::postgres()
        .await
        .unwrap_or_else(|e| panic!("{e}"))?;
    Some(site_on(t, true).await)
}

async fn site_on_at(t: TestStore, demo: bool, base_url: &str) -> Site_ {
    let theme = Theme::new(
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
        jiff::tz::TimeZone::UTC,
        None,
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let index = arabpress_search::SearchIndex::in_memory().unwrap_or_else(|e| panic!("{e}"));
    let clock = Arc::new(FixedClock::new(now()));
    let media = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let app = App::new(
        t.store.clone(),
        theme,
        Arc::new(index),
        32 << 20,
        Arc::clone(&clock) as Arc<dyn arabpress_app::Clock>,
        media.path().to_path_buf(),
    );
    let mail = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    app.set_mail(arabpress_app::MailSettings {
        mailer: arabpress_mail::Mailer::new(
            "Arab Press <newsletter@test.example>",
            arabpress_mail::Transport::Folder(mail.path().to_path_buf()),
            None,
        )
        .unwrap_or_else(|e| panic!("{e}")),
        connections: 2,
        per_second: 0,
        lease_seconds: 60,
        digest_hour: Some(7),
        digest_auto: false,
    });
    if demo {
        arabpress_app::demo::load(&app)
            .await
            .unwrap_or_else(|e| panic!("demo: {e}"));
    }
    let router = arabpress_web::router(app.clone(), Lang::Ar);
    Site_ {
        app,
        router,
        clock,
        _store: t,
        _media: media,
        mail,
    }
}

pub struct Resp {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: String,
}

pub async fn get_with(router: &Router, path: &str, headers: &[(&str, &str)]) -> Resp {
    let (status, headers, bytes) = get_bytes(router, path, headers).await;
    Resp {
        status,
        headers,
        body: String::from_utf8_lossy(&bytes).into_owned(),
    }
}

/// A response's status, headers and body as text.
pub async fn read(res: axum::response::Response) -> Resp {
    let (status, headers, bytes) = parts(res).await;
    Resp {
        status,
        headers,
        body: String::from_utf8_lossy(&bytes).into_owned(),
    }
}

/// A response's status, headers and body bytes.
async fn parts(res: axum::response::Response) -> (StatusCode, HeaderMap, Vec<u8>) {
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

/// Posts a urlencoded form.
pub async fn post_form(router: &Router, path: &str, body: &str) -> Resp {
    let req = Request::builder()
        .method("POST")
        .uri(path)
        .header("content-type", "application/x-www-form-urlencoded")
        .body(Body::from(body.to_owned()))
        .unwrap_or_else(|e| panic!("{e}"));
    let res = router
        .clone()
        .oneshot(req)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    read(res).await
}

pub async fn get(router: &Router, path: &str) -> Resp {
    get_with(router, path, &[]).await
}

/// A GET whose body is kept as bytes (media).
pub async fn get_bytes(
    router: &Router,
    path: &str,
    headers: &[(&str, &str)],
) -> (StatusCode, HeaderMap, Vec<u8>) {
    let mut req = Request::builder().uri(path);
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    let res = router
        .clone()
        .oneshot(req.body(Body::empty()).unwrap_or_else(|e| panic!("{e}")))
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    parts(res).await
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
