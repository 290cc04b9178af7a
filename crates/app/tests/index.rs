//! The search index's life beside the store: rebuilt when its folder is deleted, caught up
//! from the change feed after changes it missed, and in step after every publish, on both
//! SQLite and PostgreSQL.

// clippy.toml allows these in #[test] functions; this covers the helpers too.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use arabpress_testkit as testkit;

use arabpress_app::{App, AppBuilder, FixedClock, SearchParams};
use arabpress_core::{ArticleDraft, ArticleKind, ArticleStatus, Lang, Slug};
use arabpress_render::Theme;
use arabpress_search::{Opened, SearchIndex};
use arabpress_store::Store;
use std::path::Path;
use std::sync::Arc;

use testkit::now;

fn theme() -> Theme {
    testkit::theme(jiff::tz::TimeZone::UTC)
}

/// The app over `store` with its index in `dir`, brought up to date as `serve` does.
async fn app(store: &Store, dir: &Path) -> (App, Opened) {
    app_with(store, dir, |b| b).await
}

/// [`app`], with what `more` adds to it.
async fn app_with(
    store: &Store,
    dir: &Path,
    more: impl FnOnce(AppBuilder) -> AppBuilder,
) -> (App, Opened) {
    let (index, opened) = SearchIndex::open(dir).unwrap();
    let builder = App::builder(
        store.clone(),
        theme(),
        Arc::new(index),
        Arc::new(FixedClock::new(now())),
        dir.join("media"),
    )
    .cache_bytes(1 << 20);
    let app = more(builder).build().unwrap();
    app.sync_index(opened).await.unwrap();
    (app, opened)
}

async fn hits(app: &App, lang: Lang, q: &str) -> Vec<String> {
    let p = SearchParams {
        q: Some(q.to_owned()),
        ..SearchParams::default()
    };
    app.search(lang, &p)
        .await
        .unwrap()
        .hits
        .into_iter()
        .map(|h| h.summary.slug)
        .collect()
}

fn draft(headline: &str, body: &str) -> ArticleDraft {
    ArticleDraft {
        lang: Lang::En,
        slug: None,
        headline: headline.into(),
        standfirst: "A standfirst.".into(),
        body_md: body.into(),
        kind: ArticleKind::News,
        section: Slug::parse("economy").unwrap(),
        tags: vec![],
        authors: vec![Slug::parse("omar-khatib").unwrap()],
        source: None,
        image: None,
        seo_title: None,
        seo_description: None,
    }
}

async fn index_follows_the_store(store: Store) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("index");
    {
        let (app, opened) = app(&store, &path).await;
        assert_eq!(opened, Opened::Empty);
        arabpress_app::demo::load(&app).await.unwrap();
        assert!(!hits(&app, Lang::En, "solar").await.is_empty());
        assert!(!hits(&app, Lang::Ar, "الشمسية").await.is_empty());
        app.search_index().close().unwrap();
    }
    // Changes made while no index follows (another node, or a crash before the index
    // was updated) are replayed from the change feed at the next start.
    let now = now();
    let a = store
        .create_article(
            draft(
                "Caravan routes reopen",
                "The caravan routes across the desert reopened.",
            ),
            ArticleStatus::Published,
            Some(now),
            None,
            now,
        )
        .await
        .unwrap();
    let solar = store
        .article_by_slug(
            Lang::En,
            "morocco-signs-deal-for-a-solar-plant-that-stores-power-through-the-night",
        )
        .await
        .ok()
        .flatten()
        .unwrap_or_else(|| panic!("the demo's solar story has another slug"));
    store
        .set_status(solar.summary.id, ArticleStatus::Unpublished, None, now)
        .await
        .unwrap();
    {
        let (app, opened) = app(&store, &path).await;
        assert_eq!(opened, Opened::Existing);
        assert_eq!(
            hits(&app, Lang::En, "caravan").await,
            vec![a.summary.slug.clone()]
        );
        assert!(
            !hits(&app, Lang::En, "solar plant")
                .await
                .contains(&solar.summary.slug)
        );
        app.search_index().close().unwrap();
    }
    // Deleting the index folder rebuilds it from the store.
    std::fs::remove_dir_all(&path).unwrap();
    let (app, opened) = app(&store, &path).await;
    assert_eq!(opened, Opened::Empty);
    assert_eq!(hits(&app, Lang::En, "caravan").await, vec![a.summary.slug]);
    assert!(!hits(&app, Lang::Ar, "الشمسية").await.is_empty());
    // Every published article got its related stories back.
    let water = store
        .article_by_slug(
            Lang::En,
            "regional-ministers-agree-to-share-drought-data-at-amman-water-summit",
        )
        .await
        .ok()
        .flatten()
        .unwrap_or_else(|| panic!("the demo's water story has another slug"));
    let n = store.article_neighbours(&water, 8, 0, now).await.unwrap();
    assert!(!n.related.is_empty());
}

testkit::both_backends!(index_follows_the_store, super::index_follows_the_store);

fn page_text(p: &arabpress_app::CachedPage) -> String {
    String::from_utf8_lossy(p.raw()).into_owned()
}

/// Two nodes on one database: what one publishes, the other shows (page cache and search)
/// once it has read the change feed; the purge hook hears the same surrogate keys.
async fn nodes_follow_each_others_changes(store: Store) {
    use std::sync::{Arc as StdArc, Mutex};
    let dir = tempfile::tempdir().unwrap();

    let purged: StdArc<Mutex<Vec<String>>> = StdArc::default();
    let seen = StdArc::clone(&purged);
    let hook = axum::Router::new().route(
        "/purge",
        axum::routing::post(move |body: String| {
            let seen = StdArc::clone(&seen);
            async move {
                seen.lock().unwrap_or_else(|e| e.into_inner()).push(body);
                "ok"
            }
        }),
    );
    let addr = testkit::serve_on_loopback(hook).await;
    // The hook is on this machine: allowed for it alone.
    let (a, _) = app_with(&store, &dir.path().join("a"), |b| {
        b.outbound_policy(arabpress_app::OutboundPolicy {
            allow_private_network: false,
            purge_allow_private: true,
        })
        .purge_url(format!("http://{addr}/purge"))
    })
    .await;
    arabpress_app::demo::load(&a).await.unwrap();
    let (b, _) = app(&store, &dir.path().join("b")).await;
    b.start_following().await.unwrap();

    let home = |n: &App| {
        let n = n.clone();
        async move { page_text(&n.home_page(Lang::En).await.unwrap()) }
    };
    assert!(
        !home(&b).await.contains("Desalination plant"),
        "cached on B"
    );
    let art = a
        .create_article(
            draft(
                "Desalination plant opens in Aqaba",
                "The desalination plant in Aqaba opened.",
            ),
            ArticleStatus::Published,
            Some(now()),
        )
        .await
        .unwrap();
    assert!(
        home(&a).await.contains("Desalination plant"),
        "A shows its own change at once"
    );
    assert!(
        !home(&b).await.contains("Desalination plant"),
        "B has not read the feed yet"
    );
    assert_eq!(b.follow_changes().await.ok(), Some(1));
    assert!(
        home(&b).await.contains("Desalination plant"),
        "B after reading the feed"
    );
    assert_eq!(
        hits(&b, Lang::En, "desalination").await,
        vec![art.summary.slug.clone()]
    );
    assert_eq!(b.follow_changes().await.ok(), Some(0), "nothing new");

    // Withdrawn on B: A serves its cached page until it reads the feed, then "gone".
    let slug = art.summary.slug.clone();
    a.start_following().await.unwrap();
    assert!(
        a.article_page(Lang::En, &slug)
            .await
            .is_ok_and(|p| p.status == 200)
    );
    b.unpublish(art.summary.id).await.unwrap();
    assert!(
        a.article_page(Lang::En, &slug)
            .await
            .is_ok_and(|p| p.status == 200)
    );
    assert_eq!(a.follow_changes().await.ok(), Some(1));
    assert!(matches!(
        a.article_page(Lang::En, &slug).await,
        Err(arabpress_app::AppError::Gone)
    ));
    assert!(
        hits(&a, Lang::En, "desalination").await.is_empty(),
        "and out of A's index"
    );

    for _ in 0..50 {
        if purged
            .lock()
            .map(|p| {
                p.iter()
                    .any(|b| b.contains(&format!("article:{}", art.summary.id)))
            })
            .unwrap_or(false)
        {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(40)).await;
    }
    let bodies = purged.lock().map(|p| p.clone()).unwrap_or_default();
    assert!(
        bodies
            .iter()
            .any(|b| b.contains(&format!("\"article:{}\"", art.summary.id))
                && b.contains("latest:en")
                && b.contains(&format!("\"section:{}\"", art.summary.section_id))
                && !art.authors.is_empty()
                && art
                    .authors
                    .iter()
                    .all(|x| b.contains(&format!("\"author:{}\"", x.id)))),
        "the purge hook was told the keys: {bodies:?}"
    );

    // A section made on A reaches B's navigation (B keeps the sections in memory).
    let nav = |n: &App| {
        let n = n.clone();
        async move {
            n.sections()
                .await
                .unwrap()
                .iter()
                .map(|s| s.slug.clone())
                .collect::<Vec<_>>()
        }
    };
    assert!(!nav(&b).await.contains(&"health".to_owned()));
    a.create_section(
        &arabpress_core::Slug::parse("health").unwrap(),
        "صحة",
        "Health",
        9,
    )
    .await
    .unwrap();
    assert!(
        !nav(&b).await.contains(&"health".to_owned()),
        "B still remembers the old list"
    );
    b.follow_changes().await.unwrap();
    assert!(
        nav(&b).await.contains(&"health".to_owned()),
        "B's navigation has the new section"
    );
    assert!(home(&b).await.contains("Health"));

    // A tag renamed on A: both nodes' search finds its articles by the new name, and B's
    // cached article page shows it once B has read the feed.
    let tags = a
        .store()
        .tags_page(Lang::En, "", arabpress_store::TagsFrom::Start, 1_000)
        .await
        .unwrap();
    let ids: Vec<i64> = tags.iter().map(|t| t.id).collect();
    let counts = a.store().tag_counts(&ids).await.unwrap();
    let tag = tags
        .into_iter()
        .find(|t| counts.contains_key(&t.id))
        .unwrap_or_else(|| panic!("the demo has English tags"));
    let tagged = hits(&b, Lang::En, &tag.name).await;
    let slug = tagged
        .first()
        .cloned()
        .unwrap_or_else(|| panic!("an article tagged {}", tag.name));
    let page = |n: &App| {
        let (n, slug) = (n.clone(), slug.clone());
        async move { page_text(&n.article_page(Lang::En, &slug).await.unwrap()) }
    };
    assert!(page(&b).await.contains(&tag.name), "cached on B");
    assert!(hits(&b, Lang::En, "zanzibar").await.is_empty());
    let editor = a
        .create_user(
            "tags@example.org",
            "Tag Editor",
            arabpress_core::Role::Editor,
            "a long enough password",
        )
        .await
        .unwrap();
    a.rename_tag_as(&editor, tag.id, "Zanzibar cloves")
        .await
        .unwrap();
    assert!(
        hits(&a, Lang::En, "zanzibar").await.contains(&slug),
        "A's own index has the new name"
    );
    assert!(
        !page(&b).await.contains("Zanzibar cloves"),
        "B before the feed"
    );
    b.follow_changes().await.unwrap();
    assert!(page(&b).await.contains("Zanzibar cloves"));
    assert!(hits(&b, Lang::En, "zanzibar").await.contains(&slug));
}
testkit::both_backends!(
    nodes_follow_each_others_changes,
    super::nodes_follow_each_others_changes
);

/// The CDN purge follows the change feed from a position kept in the store: what a node
/// never sent (it had no hook, or stopped before sending) and what a failing hook refused
/// is sent by the next round, by another node; a story moved to another section purges the
/// section it left as well as the one it joined.
async fn purges_outlive_a_failing_hook_and_the_node_that_made_the_change(store: Store) {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::{Arc as StdArc, Mutex};
    let dir = tempfile::tempdir().unwrap();
    let purged: StdArc<Mutex<Vec<String>>> = StdArc::default();
    let down = StdArc::new(AtomicUsize::new(1)); // requests answered 503 before the hook is back
    let (seen, failing) = (StdArc::clone(&purged), StdArc::clone(&down));
    let hook = axum::Router::new().route(
        "/purge",
        axum::routing::post(move |body: String| {
            let (seen, failing) = (StdArc::clone(&seen), StdArc::clone(&failing));
            async move {
                if failing
                    .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
                    .is_ok()
                {
                    return axum::http::StatusCode::SERVICE_UNAVAILABLE;
                }
                seen.lock().unwrap_or_else(|e| e.into_inner()).push(body);
                axum::http::StatusCode::OK
            }
        }),
    );
    let addr = testkit::serve_on_loopback(hook).await;
    // The node that writes sends no purge (as one killed before it could).
    let (writer, _) = app(&store, &dir.path().join("writer")).await;
    arabpress_app::demo::load(&writer).await.unwrap();
    let art = writer
        .create_article(
            draft("Port of Aqaba doubles its cranes", "The port added cranes."),
            ArticleStatus::Published,
            Some(now()),
        )
        .await
        .unwrap();
    let (purger, _) = app_with(&store, &dir.path().join("purger"), |b| {
        b.outbound_policy(arabpress_app::OutboundPolicy {
            allow_private_network: false,
            purge_allow_private: true,
        })
        .purge_url(format!("http://{addr}/purge"))
    })
    .await;
    let sent = || purged.lock().map(|p| p.join("\n")).unwrap_or_default();
    let drain = |n: &App| {
        let n = n.clone();
        async move { while n.purge_changes().await.unwrap() == arabpress_app::jobs::Next::More {} }
    };
    assert!(
        purger.purge_changes().await.is_err(),
        "the hook is down: the round fails"
    );
    assert_eq!(sent(), "");
    drain(&purger).await;
    let article_key = format!("\"article:{}\"", art.summary.id);
    let economy = format!("\"section:{}\"", art.summary.section_id);
    assert!(
        sent().contains(&article_key) && sent().contains(&economy),
        "sent once the hook is back: {}",
        sent()
    );
    // Nothing is sent twice once the position has moved on.
    let before = purged.lock().map(|p| p.len()).unwrap_or(0);
    drain(&purger).await;
    assert_eq!(purged.lock().map(|p| p.len()).unwrap_or(0), before);

    // Moved to another section: both sections' pages are purged.
    let mut moved = draft("Port of Aqaba doubles its cranes", "The port added cranes.");
    moved.section = Slug::parse("world").unwrap();
    let after = writer
        .update_article(art.summary.id, art.version, moved)
        .await
        .unwrap();
    assert_ne!(after.summary.section_id, art.summary.section_id);
    drain(&purger).await;
    let last = purged
        .lock()
        .ok()
        .and_then(|p| p.last().cloned())
        .unwrap_or_default();
    let world = format!("\"section:{}\"", after.summary.section_id);
    assert!(
        last.contains(&article_key) && last.contains(&economy) && last.contains(&world),
        "{last}"
    );
}
testkit::both_backends!(
    purges_outlive_a_failing_hook_and_the_node_that_made_the_change,
    super::purges_outlive_a_failing_hook_and_the_node_that_made_the_change
);

/// A backup taken while the site runs opens as a store with the same content, keeps the
/// uploaded images, refuses a folder that is not empty, and on PostgreSQL points to pg_dump.
async fn backups_are_consistent_copies(store: Store) {
    let dir = tempfile::tempdir().unwrap();
    let (a, _) = app(&store, &dir.path().join("index")).await;
    arabpress_app::demo::load(&a).await.unwrap();
    let out = dir.path().join("backup");
    let result = a.backup(&out, |_| {}).await;
    if store.backend() == arabpress_store::Backend::Postgres {
        assert!(
            matches!(&result, Err(arabpress_app::AppError::Invalid(m)) if m.message.contains("pg_dump")),
            "{result:?}"
        );
        return;
    }
    // An uploaded image, then the backup.
    std::fs::remove_dir_all(&out).ok();
    let owner = a
        .create_user(
            "o@x.example",
            "Owner",
            arabpress_core::Role::Owner,
            "correct horse battery",
        )
        .await
        .unwrap();
    let img = image::RgbImage::from_fn(640, 480, |x, y| {
        image::Rgb([(x % 200) as u8, (y % 200) as u8, 90])
    });
    let mut png = std::io::Cursor::new(Vec::new());
    image::DynamicImage::ImageRgb8(img)
        .write_to(&mut png, image::ImageFormat::Png)
        .unwrap();
    let up = a.upload_image(&owner, png.into_inner()).await.unwrap();
    let copied = std::sync::Arc::new(std::sync::atomic::AtomicU64::new(0));
    let seen = std::sync::Arc::clone(&copied);
    let report = a
        .backup(&out, move |n| {
            seen.store(n, std::sync::atomic::Ordering::SeqCst)
        })
        .await
        .unwrap();
    assert!(
        report.database_bytes > 0 && report.media_files == 8,
        "original, 2 sizes × 2 formats, 3 crops: {report:?}"
    );
    assert_eq!(
        copied.load(std::sync::atomic::Ordering::SeqCst),
        report.media_files
    );
    let rel = up.url.trim_start_matches("/media/");
    let sha = rel.split('/').next().unwrap_or_default();
    assert!(
        out.join("media").join(&sha[..2]).join(rel).is_file(),
        "the upload is in the backup"
    );
    let copy = Store::connect(&format!(
        "sqlite://{}",
        out.join(arabpress_app::BACKUP_DATABASE).display()
    ))
    .await
    .unwrap();
    assert_eq!(
        copy.count_articles().await.ok(),
        store.count_articles().await.ok()
    );
    assert!(
        copy.user_by_email("o@x.example")
            .await
            .ok()
            .flatten()
            .is_some()
    );
    assert!(copy.media_by_hash(sha).await.ok().flatten().is_some());
    // A second backup into the same folder is refused: nothing is overwritten.
    let again = a.backup(&out, |_| {}).await;
    assert!(
        matches!(&again, Err(arabpress_app::AppError::Invalid(m)) if m.message.contains("not empty")),
        "{again:?}"
    );
}
testkit::both_backends!(
    backups_are_consistent_copies,
    super::backups_are_consistent_copies
);

/// The purge hook is an outbound request like the others: an address on this machine is
/// refused when it is set (a literal) or when it is sent to (a name, a redirect), unless
/// `purge_allow_private` allows it.
async fn the_purge_hook_stays_outside_unless_allowed(store: Store) {
    let (inside, hits) = testkit::counting_server("purged").await;
    let fresh = || {
        testkit::app_builder(
            &store,
            jiff::tz::TimeZone::UTC,
            Arc::new(FixedClock::new(now())),
        )
    };
    let keys = ["article:1".to_owned()];
    for url in testkit::internal_urls(inside, "/purge") {
        match fresh().purge_url(url.clone()).build() {
            Err(arabpress_app::AppError::Invalid(m)) => assert!(
                m.to_string()
                    .starts_with(&format!("purge_url: {}", testkit::REFUSED)),
                "{url}: {m}"
            ),
            // A name is checked when it is resolved.
            Ok(app) => assert_eq!(
                app.send_purge(&keys).await,
                Err(testkit::REFUSED.to_owned()),
                "{url}"
            ),
            Err(e) => panic!("{url}: {e}"),
        }
    }
    // A public-looking hook that redirects: not followed.
    let redirect = testkit::redirect_server(format!("http://{inside}/purge")).await;
    let app = fresh()
        .purge_url(format!("http://news.example:{}/purge", redirect.port()))
        .build()
        .unwrap();
    app.pin_host("news.example", redirect);
    assert_eq!(
        app.send_purge(&keys).await,
        Err("redirect refused".to_owned())
    );
    assert_eq!(hits.load(std::sync::atomic::Ordering::SeqCst), 0);

    // purge_allow_private lets the hook (and only the hook) reach this machine.
    let app = fresh()
        .outbound_policy(arabpress_app::OutboundPolicy {
            allow_private_network: false,
            purge_allow_private: true,
        })
        .purge_url(format!("http://{inside}/purge"))
        .build()
        .unwrap();
    assert_eq!(app.send_purge(&keys).await, Ok(()));
    assert_eq!(hits.load(std::sync::atomic::Ordering::SeqCst), 1);
}
testkit::both_backends!(
    the_purge_hook_stays_outside_unless_allowed,
    super::the_purge_hook_stays_outside_unless_allowed
);

/// The S3 endpoint is the operator's, but it is checked once when the media store is set
/// up: on this machine it is refused unless `allow_private_network` is set.
async fn an_s3_endpoint_on_this_machine_needs_the_setting(store: Store) {
    let bucket = |endpoint: &str| {
        arabpress_app::MediaStorage::S3(arabpress_app::S3Settings {
            bucket: "media".into(),
            region: "us-east-1".into(),
            endpoint: Some(endpoint.to_owned()),
            access_key_id: Some("id".into()),
            secret_access_key: Some("secret".into()),
            allow_http: true,
        })
    };
    for endpoint in [
        "http://127.0.0.1:9000",
        "http://[::1]:9000",
        "http://169.254.169.254",
        "http://10.0.0.5:9000",
        "http://localhost:9000",
    ] {
        let fresh = || {
            testkit::app_builder(
                &store,
                jiff::tz::TimeZone::UTC,
                Arc::new(FixedClock::new(now())),
            )
            .media_storage(bucket(endpoint))
        };
        match fresh().build() {
            Err(arabpress_app::AppError::Invalid(m)) => assert!(
                m.to_string()
                    .starts_with(&format!("media.s3_endpoint: {}", testkit::REFUSED)),
                "{endpoint}: {m}"
            ),
            Err(e) => panic!("{endpoint}: {e}"),
            Ok(_) => panic!("{endpoint}: accepted"),
        }
        if let Err(e) = fresh()
            .outbound_policy(testkit::allow_private_network())
            .build()
        {
            panic!("{endpoint} with the setting on: {e}");
        }
    }
}
testkit::both_backends!(
    an_s3_endpoint_on_this_machine_needs_the_setting,
    super::an_s3_endpoint_on_this_machine_needs_the_setting
);

/// A publish whose process dies after its change is committed and before it is reflected
/// (another request's publish reflected in between) is still found after a restart: the
/// index never records a position in the change feed past a change it has not taken in.
async fn a_change_committed_by_another_task_is_not_skipped(store: Store) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("index");
    let now = now();
    {
        let (app, _) = app(&store, &path).await;
        arabpress_app::demo::load(&app).await.unwrap();
        let mine = app
            .create_article(
                draft(
                    "Harbour cranes idle",
                    "Strikes at the container port left every harbour crane idle for a week, \
                     and shipping lines sent their vessels to other ports along the coast.",
                ),
                ArticleStatus::Draft,
                None,
            )
            .await
            .unwrap();
        // Another request's publish: committed, its reflection still to come when the
        // process dies.
        let other = store
            .create_article(
                draft(
                    "Lighthouse keeper retires",
                    "After forty years on the rocky cape, the last lighthouse keeper handed \
                     over his keys; the light itself has been automatic since 1998.",
                ),
                ArticleStatus::Published,
                Some(now),
                None,
                now,
            )
            .await
            .unwrap();
        app.publish(mine.summary.id, None).await.unwrap();
        assert_eq!(
            hits(&app, Lang::En, "lighthouse").await,
            vec![other.summary.slug.clone()],
            "reflected with the publish that came after it"
        );
        app.search_index().close().unwrap();
    }
    let (app, opened) = app(&store, &path).await;
    assert_eq!(opened, Opened::Existing);
    assert_eq!(hits(&app, Lang::En, "lighthouse").await.len(), 1);
    assert_eq!(hits(&app, Lang::En, "cranes").await.len(), 1);
}

testkit::both_backends!(
    a_change_committed_by_another_task_is_not_skipped,
    super::a_change_committed_by_another_task_is_not_skipped
);

/// The change-feed follower (every node's, every 2 s) may read a change of its own node
/// before that write has stored its related stories: if the process dies then, the
/// restart still finds the change and stores them, because the follower left the index's
/// position short of a write in flight.
async fn the_follower_leaves_a_write_in_flight_for_the_restart(store: Store) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("index");
    let now = now();
    let id = {
        let (app, _) = app(&store, &path).await;
        arabpress_app::demo::load(&app).await.unwrap();
        app.start_following().await.unwrap();
        let writing = app.write_in_flight();
        let a = store
            .create_article(
                draft(
                    "Amman water summit: ministers share drought data",
                    "Regional ministers meeting in Amman agreed to share drought and water \
                     data, as the summit on water shortages closed with a joint plan.",
                ),
                ArticleStatus::Published,
                Some(now),
                None,
                now,
            )
            .await
            .unwrap();
        assert_eq!(app.follow_changes().await.ok(), Some(1));
        assert_eq!(
            hits(&app, Lang::En, "drought ministers summit")
                .await
                .first(),
            Some(&a.summary.slug),
            "the follower indexed it"
        );
        // The process dies here, before the write reflects its change.
        drop(writing);
        app.search_index().close().unwrap();
        a.summary.id
    };
    let (_app, _) = app(&store, &path).await;
    let a = store.article_by_id(id).await.unwrap().unwrap();
    let n = store.article_neighbours(&a, 8, 0, now).await.unwrap();
    assert!(
        n.related
            .iter()
            .any(|r| r.slug
                == "regional-ministers-agree-to-share-drought-data-at-amman-water-summit"),
        "related stories stored at restart: {:?}",
        n.related.iter().map(|r| &r.slug).collect::<Vec<_>>()
    );
}

testkit::both_backends!(
    the_follower_leaves_a_write_in_flight_for_the_restart,
    super::the_follower_leaves_a_write_in_flight_for_the_restart
);
