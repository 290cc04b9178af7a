//! The search index's life beside the store: rebuilt when its folder is deleted, caught up
//! from the change feed after changes it missed, and in step after every publish, on both
//! SQLite and PostgreSQL.

use arabpress_app::{App, FixedClock, SearchParams};
use arabpress_core::{ArticleDraft, ArticleKind, ArticleStatus, Lang, Slug};
use arabpress_render::{PerLang, Site, Theme};
use arabpress_search::{Opened, SearchIndex};
use arabpress_store::Store;
use jiff::Timestamp;
use std::path::Path;
use std::sync::Arc;

fn now() -> Timestamp {
    "2026-02-07T10:00:00Z"
        .parse()
        .unwrap_or_else(|e| panic!("{e}"))
}

fn theme() -> Theme {
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
        },
        jiff::tz::TimeZone::UTC,
        None,
    )
    .unwrap_or_else(|e| panic!("{e}"))
}

/// The app over `store` with its index in `dir`, brought up to date as `serve` does.
async fn app(store: &Store, dir: &Path) -> (App, Opened) {
    let (index, opened) = SearchIndex::open(dir).unwrap_or_else(|e| panic!("{e}"));
    let app = App::new(
        store.clone(),
        theme(),
        Arc::new(index),
        1 << 20,
        Arc::new(FixedClock::new(now())),
        dir.join("media"),
    );
    app.sync_index(opened)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    (app, opened)
}

async fn hits(app: &App, lang: Lang, q: &str) -> Vec<String> {
    let p = SearchParams {
        q: Some(q.to_owned()),
        ..SearchParams::default()
    };
    app.search(lang, &p)
        .await
        .unwrap_or_else(|e| panic!("{e}"))
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
        section: Slug::parse("economy").unwrap_or_else(|e| panic!("{e}")),
        tags: vec![],
        authors: vec![Slug::parse("omar-khatib").unwrap_or_else(|e| panic!("{e}"))],
        source: None,
        image: None,
        seo_title: None,
        seo_description: None,
    }
}

async fn index_follows_the_store(store: Store) {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let path = dir.path().join("index");
    {
        let (app, opened) = app(&store, &path).await;
        assert_eq!(opened, Opened::Empty);
        arabpress_app::demo::load(&app)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert!(!hits(&app, Lang::En, "solar").await.is_empty());
        assert!(!hits(&app, Lang::Ar, "الشمسية").await.is_empty());
        app.search_index().close().unwrap_or_else(|e| panic!("{e}"));
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
        .unwrap_or_else(|e| panic!("{e}"));
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
        .unwrap_or_else(|e| panic!("{e}"));
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
        app.search_index().close().unwrap_or_else(|e| panic!("{e}"));
    }
    // Deleting the index folder rebuilds it from the store.
    std::fs::remove_dir_all(&path).unwrap_or_else(|e| panic!("{e}"));
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
    let n = store
        .article_neighbours(&water, 8, 0, now)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(!n.related.is_empty());
}

arabpress_store::both_backends!(index_follows_the_store, super::index_follows_the_store);
