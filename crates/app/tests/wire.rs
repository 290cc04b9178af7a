//! Wire feeds against a feed server on 127.0.0.1 started by the test, on SQLite and
//! PostgreSQL: stories arrive once (by GUID and by link), with their credit and original
//! address, published or waiting for review; an unchanged feed is asked with a conditional
//! GET; a near-duplicate from another agency is grouped with the first; broken, huge and
//! hostile feeds are refused with a reason and never stop the others.

// clippy.toml allows these in #[test] functions; this covers the helpers too.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use arabpress_testkit as testkit;

use arabpress_app::{App, FixedClock, WireFeedForm};
use arabpress_core::{ArticleStatus, Role, Slug, User};
use arabpress_store::Store;
use axum::http::{HeaderMap, StatusCode};
use axum::response::IntoResponse;
use jiff::SignedDuration;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use testkit::now;

const STORY: &str = "The central bank raised its main interest rate by half a point on Monday, \
    the third rise this year, saying that food and fuel prices were still climbing faster than \
    wages and that the currency had lost a tenth of its value against the dollar since January. \
    The governor told reporters that the bank would keep watching prices closely and would not \
    hesitate to act again if inflation did not slow before the summer, when the tourist season \
    usually brings more foreign currency into the country.";

fn rss(items: &[(&str, &str, &str, &str)]) -> String {
    let items: String = items
        .iter()
        .map(|(guid, link, title, body)| {
            format!(
                "<item><guid>{guid}</guid><link>{link}</link><title>{title}</title>\
                 <description>{body}</description><pubDate>Sat, 07 Feb 2026 08:00:00 +0000</pubDate></item>"
            )
        })
        .collect();
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><rss version=\"2.0\"><channel><title>Wire</title>{items}</channel></rss>"
    )
}

struct Server {
    base: String,
    reuters: Arc<Mutex<(String, String)>>,
    conditional: Arc<AtomicUsize>,
}

async fn feed_server() -> Server {
    let reuters = Arc::new(Mutex::new((
        "\"v1\"".to_owned(),
        rss(&[
            (
                "r-1",
                "https://reuters.example/rates",
                "Central bank raises rates",
                STORY,
            ),
            (
                "r-2",
                "https://reuters.example/port",
                "Port reopens after storm",
                "The port reopened on Saturday after the storm passed, the harbour master said.",
            ),
            (
                "r-3",
                "https://reuters.example/vote",
                "Parliament votes on budget",
                "Parliament approved the budget by a narrow margin late on Sunday night.",
            ),
        ]),
    )));
    let conditional = Arc::new(AtomicUsize::new(0));
    let afp = rss(&[
        // The same story as r-2, by link: it must not arrive twice.
        (
            "afp-9",
            "https://reuters.example/port",
            "Port reopens",
            "The port reopened.",
        ),
        // The same story as r-1 in other words at the end: grouped as a near-duplicate.
        (
            "afp-1",
            "https://afp.example/rates",
            "Central bank raises interest rates",
            &format!("{STORY} Analysts had expected the move."),
        ),
    ]);
    let (r, c) = (Arc::clone(&reuters), Arc::clone(&conditional));
    let app = axum::Router::new()
        .route(
            "/reuters.xml",
            axum::routing::get(move |headers: HeaderMap| {
                let (r, c) = (Arc::clone(&r), Arc::clone(&c));
                async move {
                    let (etag, body) = r.lock().map(|g| g.clone()).unwrap_or_default();
                    if headers.get("if-none-match").and_then(|v| v.to_str().ok()) == Some(etag.as_str()) {
                        c.fetch_add(1, Ordering::SeqCst);
                        return StatusCode::NOT_MODIFIED.into_response();
                    }
                    ([("etag", etag), ("content-type", "application/rss+xml".to_owned())], body).into_response()
                }
            }),
        )
        .route("/afp.xml", axum::routing::get(move || async move { afp }))
        .route("/broken.xml", axum::routing::get(|| async { "<rss><channel><item><title>cut" }))
        .route(
            "/huge.xml",
            axum::routing::get(|| async { "<rss>".to_owned() + &" ".repeat(6 << 20) }),
        )
        .route(
            "/bomb.xml",
            axum::routing::get(|| async {
                "<?xml version=\"1.0\"?><!DOCTYPE lolz [<!ENTITY lol \"lol\"><!ENTITY lol1 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\"><!ENTITY lol2 \"&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;\">]>\
                 <rss version=\"2.0\"><channel><title>t</title><item><guid>b</guid><title>&lol2;</title><description>&lol2;</description></item></channel></rss>"
            }),
        )
        .route(
            "/latin1.xml",
            axum::routing::get(|| async {
                let mut b = b"<?xml version=\"1.0\" encoding=\"UTF-8\"?><rss version=\"2.0\"><channel><title>x</title><item><guid>l</guid><title>caf".to_vec();
                b.extend_from_slice(b"\xe9 \xe9t\xe9</title><description>d\xe9j\xe0</description></item></channel></rss>");
                b
            }),
        )
        .route("/html.xml", axum::routing::get(|| async { "<html><body>not a feed</body></html>" }));
    let addr = testkit::serve_on_loopback(app).await;
    Server {
        base: format!("http://{addr}"),
        reuters,
        conditional,
    }
}

/// An app whose feeds may be on this machine (the feed server runs on 127.0.0.1).
async fn setup(store: &Store) -> (App, Arc<FixedClock>, User) {
    let (app, clock, editor) = setup_strict(store).await;
    app.set_outbound_policy(testkit::allow_private_network());
    (app, clock, editor)
}

/// An app with the default outbound policy: public destinations only.
async fn setup_strict(store: &Store) -> (App, Arc<FixedClock>, User) {
    let clock = Arc::new(FixedClock::new(now()));
    let app = testkit::app_in_memory(store, jiff::tz::TimeZone::UTC, Arc::clone(&clock));
    app.create_section(&Slug::parse("economy").unwrap(), "اقتصاد", "Economy", 1)
        .await
        .unwrap();
    let editor = app
        .create_user(
            "wire@example.org",
            "Wire Editor",
            Role::Editor,
            "a long enough password",
        )
        .await
        .unwrap();
    (app, clock, editor)
}

fn form(url: String, name: &str, publish: bool) -> WireFeedForm {
    WireFeedForm {
        url,
        name: name.into(),
        lang: "en".into(),
        section: "economy".into(),
        publish,
        interval_minutes: 15,
    }
}

async fn wire_feeds_bring_each_story_once(store: Store) {
    let server = feed_server().await;
    let (app, clock, editor) = setup(&store).await;
    let reuters = app
        .add_wire_feed_as(
            &editor,
            &form(format!("{}/reuters.xml", server.base), "Reuters", true),
        )
        .await
        .unwrap();
    let afp = app
        .add_wire_feed_as(
            &editor,
            &form(format!("{}/afp.xml", server.base), "AFP", false),
        )
        .await
        .unwrap();
    let mut bad = Vec::new();
    for (path, name) in [
        ("broken.xml", "Broken"),
        ("huge.xml", "Huge"),
        ("bomb.xml", "Bomb"),
        ("latin1.xml", "Latin"),
        ("html.xml", "Html"),
        ("missing.xml", "Missing"),
    ] {
        let f = app
            .add_wire_feed_as(
                &editor,
                &form(format!("{}/{path}", server.base), name, true),
            )
            .await
            .unwrap();
        bad.push((name, f.id));
    }
    // Registering the same address again, or a bad one, is refused.
    assert!(
        app.add_wire_feed_as(
            &editor,
            &form(format!("{}/afp.xml", server.base), "AFP", false)
        )
        .await
        .is_err()
    );
    assert!(
        app.add_wire_feed_as(&editor, &form("ftp://x.example/feed".into(), "X", false))
            .await
            .is_err()
    );

    // Reuters first (it was registered first): its three stories, published.
    let outcomes = app.poll_wire_feeds().await.unwrap();
    assert_eq!(outcomes.len(), 8, "every feed polled: {outcomes:?}");
    let of = |id: i64| {
        outcomes
            .iter()
            .find(|o| o.feed_id == id)
            .cloned()
            .unwrap_or_else(|| panic!("feed {id} polled"))
    };
    assert_eq!((of(reuters.id).status, of(reuters.id).new_items), ("ok", 3));
    assert_eq!(
        (of(afp.id).status, of(afp.id).new_items),
        ("ok", 1),
        "the port story came from Reuters already"
    );
    for (name, id) in &bad {
        let o = of(*id);
        assert_eq!((o.status, o.new_items), ("error", 0), "{name}: {o:?}");
    }
    assert!(
        of(bad[1].1)
            .error
            .unwrap_or_default()
            .contains("larger than 5 MiB")
    );
    assert!(of(bad[5].1).error.unwrap_or_default().contains("404"));
    let feeds = app.wire_feeds_as(&editor).await.unwrap();
    let broken = feeds
        .iter()
        .find(|f| f.name == "Broken")
        .unwrap_or_else(|| panic!("broken"));
    assert_eq!(broken.last_status, "error");
    assert!(broken.last_error.as_deref().is_some_and(|e| !e.is_empty()));
    // Nothing a hostile feed sent was expanded into a story.
    let all = store
        .list(&arabpress_store::ListQuery::latest(
            arabpress_core::Lang::En,
            50,
            now(),
        ))
        .await
        .unwrap();
    assert!(all.items.iter().all(|a| a.headline.len() < 200));

    // A Reuters story: credit and original address, published.
    let rates = store
        .article_by_slug(arabpress_core::Lang::En, "central-bank-raises-rates")
        .await
        .unwrap()
        .unwrap_or_else(|| panic!("the Reuters story"));
    assert_eq!(rates.status, ArticleStatus::Published);
    let source = rates.source.clone().unwrap_or_else(|| panic!("credited"));
    assert_eq!(source.name, "Reuters");
    assert_eq!(source.url.as_deref(), Some("https://reuters.example/rates"));
    assert_eq!(rates.authors[0].name_en, "Reuters");
    // AFP's version of it waits for review, grouped with Reuters' as a near-duplicate.
    let afp_rates = store
        .article_by_slug(
            arabpress_core::Lang::En,
            "central-bank-raises-interest-rates",
        )
        .await
        .unwrap()
        .unwrap_or_else(|| panic!("the AFP story"));
    assert_eq!(afp_rates.status, ArticleStatus::InReview);
    assert_eq!(afp_rates.duplicate_of, Some(rates.summary.id));

    // Not due again until its interval has passed; then asked conditionally: unchanged.
    assert!(app.poll_wire_feeds().await.unwrap().is_empty());
    clock.set(now() + SignedDuration::from_mins(16));
    let outcomes = app.poll_wire_feeds().await.unwrap();
    let again = outcomes.iter().find(|o| o.feed_id == reuters.id).cloned();
    assert_eq!(
        again.map(|o| (o.status, o.new_items)),
        Some(("not modified", 0))
    );
    assert_eq!(server.conditional.load(Ordering::SeqCst), 1);
    let afp_again = outcomes.iter().find(|o| o.feed_id == afp.id).cloned();
    assert_eq!(
        afp_again.map(|o| (o.status, o.new_items)),
        Some(("ok", 0)),
        "nothing twice"
    );

    // A new story: only it arrives.
    if let Ok(mut g) = server.reuters.lock() {
        *g = (
            "\"v2\"".into(),
            rss(&[
                (
                    "r-4",
                    "https://reuters.example/wheat",
                    "Wheat harvest doubles",
                    "The wheat harvest doubled this year after good rains.",
                ),
                (
                    "r-1",
                    "https://reuters.example/rates",
                    "Central bank raises rates",
                    STORY,
                ),
            ]),
        );
    }
    // The newsroom's "check now", as an editor.
    let o = app
        .poll_wire_feed_as(&editor, reuters.id)
        .await
        .unwrap()
        .unwrap_or_else(|| panic!("polled"));
    assert_eq!((o.status, o.new_items), ("ok", 1));
    let feeds = app.wire_feeds_as(&editor).await.unwrap();
    let r = feeds
        .iter()
        .find(|f| f.id == reuters.id)
        .unwrap_or_else(|| panic!("reuters"));
    assert_eq!((r.items_total, r.etag.as_deref()), (4, Some("\"v2\"")));

    // Paused feeds are not polled; an author cannot manage feeds.
    app.set_wire_feed_active_as(&editor, reuters.id, false)
        .await
        .unwrap();
    clock.set(now() + SignedDuration::from_mins(60));
    let outcomes = app.poll_wire_feeds().await.unwrap();
    assert!(outcomes.iter().all(|o| o.feed_id != reuters.id));
    let author = app
        .create_user(
            "author@example.org",
            "An Author",
            Role::Author,
            "a long enough password",
        )
        .await
        .unwrap();
    assert!(matches!(
        app.wire_feeds_as(&author).await,
        Err(arabpress_app::AppError::Forbidden(_))
    ));
    // Nor check a feed now: the role is checked in the application, not only in the page.
    assert!(matches!(
        app.poll_wire_feed_as(&author, reuters.id).await,
        Err(arabpress_app::AppError::Forbidden(_))
    ));
}
testkit::both_backends!(
    wire_feeds_bring_each_story_once,
    super::wire_feeds_bring_each_story_once
);

const ONE_STORY: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><rss version=\"2.0\"><channel><title>Inside</title>\
    <item><guid>in-1</guid><link>https://inside.example/1</link><title>Internal story</title>\
    <description>Only reachable from inside the network.</description></item></channel></rss>";

/// Feeds on this machine or behind a redirect to it are refused when registered and when
/// polled, with a message that tells nothing of what answered there; the setting lets them in.
async fn wire_feeds_never_reach_internal_addresses(store: Store) {
    let (app, _clock, editor) = setup_strict(&store).await;
    let (inside, hits) = testkit::counting_server(ONE_STORY).await;

    // Registering: refused with the reason, nothing stored.
    for url in testkit::internal_urls(inside, "/feed.xml") {
        match app
            .add_wire_feed_as(&editor, &form(url.clone(), "Inside", true))
            .await
        {
            Err(arabpress_app::AppError::Invalid(m)) => {
                assert_eq!(m.to_string(), format!("url: {}", testkit::REFUSED), "{url}");
            }
            other => panic!("{url}: {other:?}"),
        }
    }
    assert!(
        app.wire_feeds_as(&editor)
            .await
            .unwrap_or_default()
            .is_empty()
    );

    // A public-looking name that redirects to this machine: registered, but the poll stops
    // at the redirect, and the card says so without the internal answer.
    let outside = testkit::redirector(&app, format!("http://{inside}/feed.xml"), "/feed.xml").await;
    let feed = app
        .add_wire_feed_as(&editor, &form(outside, "Outside", true))
        .await
        .unwrap();
    let o = app
        .poll_wire_feed(feed.id)
        .await
        .unwrap()
        .unwrap_or_else(|| panic!("polled"));
    assert_eq!(
        (o.status, o.new_items, o.error.as_deref()),
        ("error", 0, Some(testkit::REFUSED))
    );
    let card = app.wire_feeds_as(&editor).await.unwrap_or_default();
    assert_eq!(card[0].last_error.as_deref(), Some(testkit::REFUSED));

    // Addresses stored while the setting was on (or names rebound since) are refused when
    // polled once it is off.
    app.set_outbound_policy(testkit::allow_private_network());
    let literal = app
        .add_wire_feed_as(
            &editor,
            &form(format!("http://{inside}/feed.xml"), "Literal", true),
        )
        .await
        .unwrap();
    let named = app
        .add_wire_feed_as(
            &editor,
            &form(
                format!("http://localhost:{}/feed.xml", inside.port()),
                "Named",
                true,
            ),
        )
        .await
        .unwrap();
    app.set_outbound_policy(arabpress_app::OutboundPolicy::default());
    for id in [literal.id, named.id] {
        let o = app
            .poll_wire_feed(id)
            .await
            .unwrap()
            .unwrap_or_else(|| panic!("polled"));
        assert_eq!(o.error.as_deref(), Some(testkit::REFUSED), "feed {id}");
    }
    assert_eq!(hits.load(Ordering::SeqCst), 0, "nothing reached the inside");
    assert!(
        app.wire_feeds_as(&editor)
            .await
            .unwrap_or_default()
            .iter()
            .all(|f| f.items_total == 0),
        "no story was made"
    );

    // With the setting on, the redirect is followed and the story arrives.
    app.set_outbound_policy(testkit::allow_private_network());
    let o = app
        .poll_wire_feed(feed.id)
        .await
        .unwrap()
        .unwrap_or_else(|| panic!("polled"));
    assert_eq!((o.status, o.new_items), ("ok", 1), "{:?}", o.error);
    assert!(hits.load(Ordering::SeqCst) >= 1);
}
testkit::both_backends!(
    wire_feeds_never_reach_internal_addresses,
    super::wire_feeds_never_reach_internal_addresses
);
