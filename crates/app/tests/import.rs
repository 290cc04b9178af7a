//! Importing WordPress exports, on SQLite and PostgreSQL: what becomes of each kind of item,
//! a second run that changes nothing, Co-Authors Plus bylines, and a file broken half-way
//! that keeps the batches before the break and nothing of the one it broke in.

// clippy.toml allows these in #[test] functions; this covers the helpers too.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use arabpress_testkit as testkit;

use arabpress_app::{App, ContentReport, FixedClock, ImportError, ImportOptions};
use arabpress_core::{ArticleKind, ArticleStatus, Lang};
use arabpress_store::Store;
use std::sync::Arc;

fn app(store: &Store) -> App {
    let tz = jiff::tz::TimeZone::get("Asia/Amman").unwrap();
    testkit::app_in_memory(store, tz, Arc::new(FixedClock::new(testkit::now())))
}

async fn import(app: &App, file: &[u8], batch: usize) -> Result<ContentReport, ImportError> {
    app.import_wxr(file, &ImportOptions { lang: None, batch }, |_| {})
        .await
}

async fn article(app: &App, source: &str, post: &str) -> arabpress_core::model::Article {
    let id = app
        .store()
        .imported_article(source, post)
        .await
        .unwrap()
        .unwrap_or_else(|| panic!("post {post} was not imported"));
    app.store()
        .article_by_id(id)
        .await
        .unwrap()
        .unwrap_or_else(|| panic!("article {id}"))
}

async fn every_kind_of_item_is_imported_or_reported(store: Store) {
    let app = app(&store);
    let file = testkit::fixture("import/edge-cases.wxr.xml");
    let r = import(&app, &file, 0).await.unwrap();
    assert_eq!(r.source, "wxr:https://akhbar.example");
    assert_eq!(
        (r.items, r.posts, r.pages, r.attachments, r.comments),
        (10, 7, 1, 1, 2)
    );
    assert_eq!(r.other_types.get("nav_menu_item"), Some(&1));
    assert_eq!((r.imported, r.unchanged), (6, 0), "{r:?}");
    let skipped: Vec<(&str, &str)> = r
        .skipped
        .iter()
        .map(|s| (s.id.as_str(), s.reason.as_str()))
        .collect();
    assert_eq!(skipped, vec![("15", "in the trash"), ("16", "no content")]);
    assert_eq!(r.notes.len(), 1, "{:?}", r.notes);
    assert!(r.notes[0].reason.contains("private"));
    assert_eq!((r.sections_created, r.authors_created, r.images), (4, 3, 1));

    // A post in a nested category: the top-level category is its section, the ones
    // under it are tags; the title loses its markup; the slug is decoded; the image
    // described after the post is its featured image.
    let rain = article(&app, &r.source, "10").await;
    assert_eq!(rain.summary.lang, Lang::Ar);
    assert_eq!(rain.summary.headline, "أمطار غزيرة & رياح في عمّان");
    assert_eq!(rain.summary.slug, "أمطار-عمان");
    assert_eq!(rain.summary.standfirst, "أمطار ورياح في العاصمة.");
    assert_eq!(rain.status, ArticleStatus::Published);
    assert_eq!(
        rain.summary.published_at,
        "2026-01-05T08:30:00Z".parse().ok()
    );
    let sections = app.store().sections().await.unwrap();
    let section = sections
        .iter()
        .find(|s| s.id == rain.summary.section_id)
        .unwrap_or_else(|| panic!("its section"));
    assert_eq!(
        (section.slug.as_str(), section.name_ar.as_str()),
        ("news", "أخبار")
    );
    let mut tags: Vec<&str> = rain.tags.iter().map(|t| t.name.as_str()).collect();
    tags.sort_unstable();
    assert_eq!(tags, vec!["المياه", "عمّان", "محلي"]);
    assert_eq!(rain.authors[0].name_ar, "ليلى حداد");
    let image = rain
        .summary
        .image
        .clone()
        .unwrap_or_else(|| panic!("an image"));
    assert_eq!(
        image.url,
        "https://akhbar.example/wp-content/uploads/2026/01/rain.jpg"
    );
    assert_eq!(image.alt, "شارع مبتل في عمّان");
    assert_eq!(image.caption.as_deref(), Some("مطر فوق وسط البلد"));
    // The HTML is kept, sanitised; its words count and are searchable.
    assert!(
        rain.body_html.contains("<blockquote>قال الدفاع المدني"),
        "{}",
        rain.body_html
    );
    assert!(
        rain.body_html.contains("?a=1&amp;b=2"),
        "{}",
        rain.body_html
    );
    assert!(!rain.body_html.contains("<script"), "{}", rain.body_html);

    // Co-Authors Plus bylines, a guest author among them, each once.
    let budget = article(&app, &r.source, "11").await;
    let names: Vec<&str> = budget.authors.iter().map(|a| a.name_ar.as_str()).collect();
    assert_eq!(names, vec!["عمر الخطيب", "سامي نصر"]);
    assert_eq!(budget.authors[1].bio_ar, "مراسل مستقل في إربد");

    let later = article(&app, &r.source, "12").await;
    assert_eq!(later.status, ArticleStatus::Scheduled);
    assert_eq!(later.scheduled_at, "2036-03-01T07:00:00Z".parse().ok());
    assert_eq!(later.summary.published_at, None);
    assert_eq!(
        article(&app, &r.source, "13").await.status,
        ArticleStatus::Draft
    );
    let private = article(&app, &r.source, "14").await;
    assert_eq!(
        private.status,
        ArticleStatus::Draft,
        "a private post is not made public"
    );
    let about = article(&app, &r.source, "20").await;
    assert_eq!(about.summary.kind, ArticleKind::Feature);

    // Again: nothing changes.
    let before = app.store().count_articles().await.unwrap();
    let again = import(&app, &file, 0).await.unwrap();
    assert_eq!((again.imported, again.unchanged), (0, 6));
    assert_eq!(
        (again.sections_created, again.authors_created, again.images),
        (0, 0, 0)
    );
    assert_eq!(app.store().count_articles().await.unwrap(), before);
}
testkit::both_backends!(
    every_kind_of_item_is_imported_or_reported,
    super::every_kind_of_item_is_imported_or_reported
);

async fn exports_from_other_tools_import_too(store: Store) {
    let app = app(&store);
    let r = import(
        &app,
        &testkit::fixture("import/tryghost-migrate_co-authors-plus.wxr.xml"),
        0,
    )
    .await
    .unwrap();
    assert_eq!((r.imported, r.authors_created), (4, 3), "{r:?}");
    let three = article(&app, &r.source, "101").await;
    let names: Vec<&str> = three.authors.iter().map(|a| a.name_en.as_str()).collect();
    assert_eq!(names, vec!["Alice Smith", "Bob Jones", "Carol White"]);
    let duplicated = article(&app, &r.source, "103").await;
    assert_eq!(
        duplicated.authors.len(),
        2,
        "duplicate bylines are one each"
    );
    // An English export with a custom post type, an attachment and a bare `&`.
    let r = import(
        &app,
        &testkit::fixture("import/tryghost-migrate_sample.wxr.xml"),
        0,
    )
    .await
    .unwrap();
    assert_eq!((r.posts, r.pages, r.imported), (3, 1, 4), "{r:?}");
    assert_eq!(r.other_types.get("customcpt"), Some(&1));
    assert!(r.skipped.is_empty(), "{:?}", r.skipped);
}
testkit::both_backends!(
    exports_from_other_tools_import_too,
    super::exports_from_other_tools_import_too
);

async fn a_broken_file_keeps_the_batches_before_the_break(store: Store) {
    let app = app(&store);
    let head = "<?xml version=\"1.0\"?>\n<rss xmlns:wp=\"http://wordpress.org/export/1.2/\" \
                xmlns:content=\"http://purl.org/rss/1.0/modules/content/\">\n<channel>\
                <language>en-GB</language><link>https://broken.example</link>\n";
    let post = |n: u32| {
        format!(
            "<item><title>Post number {n}</title><content:encoded>Body {n}.</content:encoded>\
             <wp:post_id>{n}</wp:post_id><wp:post_type>post</wp:post_type>\
             <wp:status>publish</wp:status><wp:post_date_gmt>2025-05-0{n} 10:00:00</wp:post_date_gmt></item>\n"
        )
    };
    let file = format!(
        "{head}{}{}{}<item><title>Broken</link></item>\n{}</channel></rss>\n",
        post(1),
        post(2),
        post(3),
        post(4)
    );
    let before = app.store().count_articles().await.unwrap();
    match import(&app, file.as_bytes(), 2).await {
        Err(ImportError::File { error, report }) => {
            assert_eq!(report.imported, 2, "the first batch of two is in");
            let arabpress_ingest::IngestError::Malformed { offset, .. } = error else {
                panic!("{error}");
            };
            let (line, _) = arabpress_ingest::line_and_column(file.as_bytes(), offset).unwrap();
            assert_eq!(line, 7, "the broken item's line");
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(
        app.store().count_articles().await.unwrap(),
        before + 2,
        "nothing of the batch the break fell in"
    );
    // Fixed, the file imports the rest and leaves the first two alone.
    let fixed = file.replace("<item><title>Broken</link></item>\n", "");
    let r = import(&app, fixed.as_bytes(), 2).await.unwrap();
    assert_eq!((r.imported, r.unchanged), (2, 2));
}
testkit::both_backends!(
    a_broken_file_keeps_the_batches_before_the_break,
    super::a_broken_file_keeps_the_batches_before_the_break
);

async fn ghost_exports_of_every_shape_import(store: Store) {
    let app = app(&store);
    let options = ImportOptions {
        lang: Some(Lang::En),
        batch: 0,
    };
    let file = testkit::fixture("import/tryghost-migrate_ghost-export.json");
    let r = app.import_ghost(&file, &options).await.unwrap();
    assert_eq!(r.source, "ghost:My Ghost Site");
    assert_eq!((r.posts, r.imported, r.images), (3, 3, 2), "{r:?}");
    let first = article(&app, &r.source, "9b7114425bee6e3b17baf7c0").await;
    assert_eq!(first.summary.headline, "Post 1");
    assert_eq!(first.authors[0].name_en, "Alice Johnson");
    assert_eq!(first.tags[0].name, "News");
    let sections = app.store().sections().await.unwrap();
    let section = sections
        .iter()
        .find(|s| s.id == first.summary.section_id)
        .map(|s| s.slug.as_str());
    assert_eq!(section, Some("news"), "the primary tag is the section");
    assert_eq!(
        first.summary.image.as_ref().map(|i| i.url.as_str()),
        Some("https://example.com/images/feature-1.jpg")
    );
    assert!(
        first.body_html.contains("photo-1.jpg"),
        "{}",
        first.body_html
    );
    // A Lexical body is rendered.
    let lexical = article(&app, &r.source, "3686b35d96fe6fd2a2748c81").await;
    assert!(
        lexical.body_html.contains("lexical-image.jpg"),
        "{}",
        lexical.body_html
    );
    let again = app.import_ghost(&file, &options).await.unwrap();
    assert_eq!((again.imported, again.unchanged), (0, 3));

    // The flat shape and the Content API's posts.
    let r = app
        .import_ghost(
            &testkit::fixture("import/tryghost-migrate_ghost-export-flat.json"),
            &options,
        )
        .await
        .unwrap();
    assert_eq!(r.imported, 1, "{r:?}");
    let r = app
        .import_ghost(
            &testkit::fixture("import/tryghost-migrate_ghost-content-api-posts.json"),
            &options,
        )
        .await
        .unwrap();
    assert_eq!(
        (r.source.as_str(), r.imported),
        ("ghost:https://demo.ghost.io", 1)
    );
    let welcome = article(&app, &r.source, "5c7ece47da174000c0c5c6d7").await;
    assert_eq!(
        welcome.summary.standfirst,
        "Welcome, it's great to have you here."
    );
    assert_eq!(welcome.authors[0].name_en, "Ghost");
    assert_eq!(welcome.tags[0].name, "Getting Started");
    assert_eq!(
        welcome.summary.published_at,
        "2012-11-27T15:30:00Z".parse().ok()
    );

    // No language, or not an export: a clear refusal.
    let none = ImportOptions::default();
    assert!(matches!(
        app.import_ghost(&file, &none).await,
        Err(ImportError::File { .. })
    ));
    match app.import_ghost(b"{\"posts\": [", &options).await {
        Err(ImportError::File { error, .. }) => {
            assert!(error.to_string().contains("not JSON"), "{error}");
        }
        other => panic!("{other:?}"),
    }
}
testkit::both_backends!(
    ghost_exports_of_every_shape_import,
    super::ghost_exports_of_every_shape_import
);

/// Featured images are fetched from the old site when it answers, stored as uploads and
/// shown from the media store; while it does not, the article keeps the old address and
/// the image is named as unreachable, and a later run fetches it.
async fn featured_images_are_fetched_when_reachable(store: Store) {
    let up = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let served = Arc::clone(&up);
    let png = testkit::png(64, 48);
    let router = axum::Router::new().route(
        "/wp-content/uploads/2026/01/rain.jpg",
        axum::routing::get(move || {
            let (up, png) = (Arc::clone(&served), png.clone());
            async move {
                if up.load(std::sync::atomic::Ordering::SeqCst) {
                    (
                        axum::http::StatusCode::OK,
                        [("content-type", "image/png")],
                        png,
                    )
                } else {
                    (
                        axum::http::StatusCode::SERVICE_UNAVAILABLE,
                        [("content-type", "text/plain")],
                        b"later".to_vec(),
                    )
                }
            }
        }),
    );
    let addr = testkit::serve_on_loopback(router).await;
    let remote = format!("http://{addr}/wp-content/uploads/2026/01/rain.jpg");
    let file = String::from_utf8(testkit::fixture("import/edge-cases.wxr.xml"))
        .unwrap()
        .replace(
            "https://akhbar.example/wp-content/uploads/2026/01/rain.jpg",
            &remote,
        );
    let app = app(&store);
    app.set_outbound_policy(testkit::allow_private_network());
    let r = import(&app, file.as_bytes(), 0).await.unwrap();
    let with_image = article(&app, &r.source, "10").await;
    assert_eq!(
        with_image.summary.image.as_ref().map(|i| i.url.as_str()),
        Some(remote.as_str())
    );

    // The old site is down: reported, and nothing changes.
    let first = app
        .fetch_imported_images(&r.source, |_, _| {})
        .await
        .unwrap();
    assert_eq!((first.fetched, first.articles), (0, 0));
    assert_eq!(first.unreachable.len(), 1);
    assert!(
        first.unreachable[0].1.contains("503"),
        "{:?}",
        first.unreachable
    );
    assert_eq!(
        article(&app, &r.source, "10")
            .await
            .summary
            .image
            .map(|i| i.url),
        Some(remote.clone())
    );

    // It is up: fetched, resized and shown from the media store, alt text kept.
    up.store(true, std::sync::atomic::Ordering::SeqCst);
    let second = app
        .fetch_imported_images(&r.source, |_, _| {})
        .await
        .unwrap();
    assert_eq!(
        (second.fetched, second.articles, second.unreachable.len()),
        (1, 1, 0)
    );
    let img = article(&app, &r.source, "10")
        .await
        .summary
        .image
        .unwrap_or_else(|| panic!("the image is gone"));
    assert!(img.url.starts_with("/media/"), "{}", img.url);
    assert_eq!(
        Some(img.alt.clone()),
        with_image.summary.image.as_ref().map(|i| i.alt.clone())
    );
    let parts: Vec<&str> = img.url.trim_start_matches("/media/").split('/').collect();
    let stored = app.media_file(parts[0], parts[1]).await.unwrap();
    assert!(stored.is_some_and(|f| f.content_type == "image/jpeg"));

    // Nothing is left to fetch.
    let third = app
        .fetch_imported_images(&r.source, |_, _| {})
        .await
        .unwrap();
    assert_eq!(third, arabpress_app::ImageFetchReport::default());
}
testkit::both_backends!(
    featured_images_are_fetched_when_reachable,
    super::featured_images_are_fetched_when_reachable
);

/// A WordPress export of one post per address in `images`, each with a featured image at
/// that address: the first described before its post, the others after.
fn wxr_with_images(images: &[&str]) -> String {
    let post = |i: usize| {
        format!(
            "<item><title>Post {i}</title><link>https://old.example/p{i}</link>\
             <dc:creator>ed</dc:creator><content:encoded><![CDATA[Text {i}.]]></content:encoded>\
             <wp:post_id>{i}</wp:post_id><wp:post_name>post-{i}</wp:post_name>\
             <wp:post_date_gmt>2026-01-05 08:30:00</wp:post_date_gmt><wp:status>publish</wp:status>\
             <wp:post_type>post</wp:post_type>\
             <wp:postmeta><wp:meta_key>_thumbnail_id</wp:meta_key><wp:meta_value>{}</wp:meta_value></wp:postmeta></item>",
            100 + i
        )
    };
    let attachment = |i: usize, url: &str| {
        format!(
            "<item><title>image {i}</title><wp:post_id>{}</wp:post_id><wp:post_type>attachment</wp:post_type>\
             <wp:attachment_url><![CDATA[{url}]]></wp:attachment_url></item>",
            100 + i
        )
    };
    let mut items = String::new();
    for (i, url) in images.iter().enumerate() {
        if i == 0 {
            items += &attachment(i, url);
            items += &post(i);
        } else {
            items += &post(i);
        }
    }
    for (i, url) in images.iter().enumerate().skip(1) {
        items += &attachment(i, url);
    }
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><rss version=\"2.0\" \
         xmlns:content=\"http://purl.org/rss/1.0/modules/content/\" xmlns:dc=\"http://purl.org/dc/elements/1.1/\" \
         xmlns:wp=\"http://wordpress.org/export/1.2/\"><channel><title>Old</title><link>https://old.example</link>\
         <language>en</language>{items}</channel></rss>"
    )
}

/// A featured image goes through the address check wherever its attachment is described
/// (after its post too): `file:`, `data:`, `javascript:` and site paths are left out, each
/// with a line in the report, and the post is imported without an image.
async fn featured_images_with_bad_addresses_are_left_out(store: Store) {
    let app = app(&store);
    let bad = [
        "file:///etc/passwd",
        "data:image/png;base64,iVBORw0KGgo=",
        "javascript:alert(1)",
        "/wp-content/uploads/rain.jpg",
        "//evil.example/rain.jpg",
        "https://old.example/ok.jpg",
    ];
    let r = import(&app, wxr_with_images(&bad).as_bytes(), 0)
        .await
        .unwrap();
    assert_eq!((r.imported, r.images), (6, 1), "{r:?}");
    for (i, url) in bad.iter().enumerate() {
        let a = article(&app, &r.source, &i.to_string()).await;
        let noted = r.notes.iter().any(|n| {
            n.reason.contains("only http(s) addresses are kept") && n.reason.contains(&url[..6])
        });
        if url.starts_with("https://") {
            assert_eq!(a.summary.image.map(|i| i.url).as_deref(), Some(*url));
        } else {
            assert_eq!(a.summary.image, None, "{url}");
            assert!(noted, "{url}: {:?}", r.notes);
        }
    }

    // A Ghost post's feature image: the post is imported, the image left out with a note.
    let file = String::from_utf8(testkit::fixture(
        "import/tryghost-migrate_ghost-content-api-posts.json",
    ))
    .unwrap()
    .replace(
        "https://casper.ghost.org/v2.0.0/images/welcome-to-ghost.jpg",
        "file:///etc/passwd",
    );
    let options = ImportOptions {
        lang: Some(Lang::En),
        batch: 0,
    };
    let r = app.import_ghost(file.as_bytes(), &options).await.unwrap();
    assert_eq!((r.imported, r.images), (1, 0), "{r:?}");
    let welcome = article(&app, &r.source, "5c7ece47da174000c0c5c6d7").await;
    assert_eq!(welcome.summary.image, None);
    assert!(
        r.notes
            .iter()
            .any(|n| n.reason.contains("\"file:///etc/passwd\" left out")),
        "{:?}",
        r.notes
    );
}
testkit::both_backends!(
    featured_images_with_bad_addresses_are_left_out,
    super::featured_images_with_bad_addresses_are_left_out
);

/// Fetching imported images never reaches this machine (by address, by name or through a
/// redirect) unless the setting allows it; the report names the refusal, not an answer.
async fn imported_images_are_not_fetched_from_internal_addresses(store: Store) {
    let (inside, hits) = testkit::counting_server("secret").await;
    let app = app(&store);
    let outside = testkit::redirector(&app, format!("http://{inside}/rain.jpg"), "/rain.jpg").await;
    let file = String::from_utf8(testkit::fixture("import/edge-cases.wxr.xml"))
        .unwrap()
        .replace(
            "https://akhbar.example/wp-content/uploads/2026/01/rain.jpg",
            &outside,
        );
    let r = import(&app, file.as_bytes(), 0).await.unwrap();
    let id = article(&app, &r.source, "10").await.summary.id;
    let mut current = outside.clone();
    for url in std::iter::once(outside.clone()).chain(testkit::internal_urls(inside, "/rain.jpg")) {
        let changed = app
            .store()
            .replace_image_url(&[id], &current, &url, testkit::now())
            .await
            .unwrap();
        assert_eq!(changed, [id]);
        current = url.clone();
        let got = app
            .fetch_imported_images(&r.source, |_, _| {})
            .await
            .unwrap();
        assert_eq!(got.fetched, 0, "{url}");
        assert_eq!(
            got.unreachable,
            [(url.clone(), testkit::REFUSED.to_owned())],
            "{url}"
        );
    }
    assert_eq!(hits.load(std::sync::atomic::Ordering::SeqCst), 0);

    // With the setting on the address is fetched (the answer here is not an image: it is
    // reported as such, having been reached).
    app.set_outbound_policy(testkit::allow_private_network());
    let got = app
        .fetch_imported_images(&r.source, |_, _| {})
        .await
        .unwrap();
    assert_eq!(got.unreachable.len(), 1);
    assert_ne!(got.unreachable[0].1, testkit::REFUSED);
    assert_eq!(hits.load(std::sync::atomic::Ordering::SeqCst), 1);
}
testkit::both_backends!(
    imported_images_are_not_fetched_from_internal_addresses,
    super::imported_images_are_not_fetched_from_internal_addresses
);

async fn a_tag_without_letters_and_a_deeply_nested_body_do_not_fail_a_batch(store: Store) {
    let app = app(&store);
    let file = testkit::fixture("import/hostile.wxr.xml");
    for run in 0..2 {
        let r = import(&app, &file, 0)
            .await
            .unwrap_or_else(|e| panic!("run {run}: {e}"));
        assert!(r.skipped.is_empty(), "{:?}", r.skipped);
        if run == 0 {
            assert_eq!((r.imported, r.unchanged), (2, 0), "{r:?}");
        } else {
            assert_eq!(
                (r.imported, r.unchanged),
                (0, 2),
                "a rerun changes nothing: {r:?}"
            );
        }
    }
    let fire = article(&app, "wxr:https://hostile.example", "1").await;
    let mut tags: Vec<(&str, &str)> = fire
        .tags
        .iter()
        .map(|t| (t.name.as_str(), t.slug.as_str()))
        .collect();
    tags.sort();
    let fallback = arabpress_core::Slug::fallback("tag", "🔥");
    assert_eq!(
        tags,
        vec![("Wildfires", "wildfires"), ("🔥", fallback.as_str())]
    );
    let deep = article(&app, "wxr:https://hostile.example", "2").await;
    assert_eq!(deep.tags.len(), 1, "the same tag, not a second one");
    assert!(deep.body_html.contains("deep words"), "{}", deep.body_html);
    let depth = arabpress_core::markdown::MAX_NESTING;
    assert!(deep.body_md.matches("<div").count() <= depth, "flattened");
    assert_eq!(
        arabpress_core::markdown::check_nesting(&deep.body_md),
        Ok(())
    );
}
testkit::both_backends!(
    a_tag_without_letters_and_a_deeply_nested_body_do_not_fail_a_batch,
    super::a_tag_without_letters_and_a_deeply_nested_body_do_not_fail_a_batch
);
