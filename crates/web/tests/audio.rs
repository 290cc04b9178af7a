//! The spoken article over HTTP: the article page shows the player once audio exists, the
//! MP3 is served with its type, length, a year's cache lifetime and byte ranges (how
//! browsers seek), and each language has a podcast feed of its spoken articles with
//! enclosures. Needs the speech engine: run when it is installed, and always under
//! `scripts/test` (`ARABPRESS_TEST_AUDIO=1`).

// clippy.toml allows these in #[test] functions; this covers the helpers too.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use arabpress_app::AudioOutcome;
use arabpress_core::Lang;
use axum::http::StatusCode;
use common::{get, get_bytes, site};

fn header<'a>(h: &'a axum::http::HeaderMap, name: &str) -> &'a str {
    h.get(name).and_then(|v| v.to_str().ok()).unwrap_or("")
}

#[tokio::test]
async fn spoken_articles_are_played_ranged_and_listed_in_a_podcast() {
    let s = site().await;
    if !arabpress_testkit::speech_engine_installed() {
        return;
    }
    let store = s.app.store();
    // The newest Arabic and English articles of the demo.
    let mut ids = Vec::new();
    let mut slugs = Vec::new();
    for lang in [Lang::Ar, Lang::En] {
        let q = arabpress_store::ListQuery::latest(lang, 1, common::now());
        let first = store
            .list(&q)
            .await
            .unwrap()
            .items
            .into_iter()
            .next()
            .unwrap_or_else(|| panic!("no {lang} article"));
        ids.push(first.id);
        slugs.push((lang, first.slug));
    }
    let (ar_lang, ar_slug) = slugs[0].clone();
    let page = get(&s.router, &format!("/{ar_lang}/article/{ar_slug}")).await;
    assert!(
        !page.body.contains("data-player"),
        "no player before the audio exists"
    );

    let done = s.app.speak(&ids, false, |_| {}).await.unwrap();
    assert!(
        done.iter().all(|o| matches!(o, AudioOutcome::Made { .. })),
        "{done:?}"
    );
    let audio = store
        .article_by_id(ids[0])
        .await
        .unwrap()
        .and_then(|a| a.audio)
        .unwrap_or_else(|| panic!("no audio"));

    // The page (its cached copy dropped when the audio arrived) carries the player.
    let page = get(&s.router, &format!("/{ar_lang}/article/{ar_slug}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("data-player"));
    assert!(page.body.contains(&format!(
        "<audio controls preload=\"metadata\" src=\"{}\"",
        audio.path()
    )));
    assert!(page.body.contains("استمع إلى هذا المقال") && page.body.contains(">إغلاق</button>"));

    // The whole file.
    let (status, h, body) = get_bytes(&s.router, &audio.path(), &[]).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(header(&h, "content-type"), "audio/mpeg");
    assert_eq!(header(&h, "accept-ranges"), "bytes");
    assert_eq!(header(&h, "content-length"), audio.bytes.to_string());
    assert!(header(&h, "cache-control").contains("max-age=31536000"));
    assert_eq!(body.len() as i64, audio.bytes);
    // A range, the end, a range past the end, and a range for another version.
    let (status, h, part) =
        get_bytes(&s.router, &audio.path(), &[("range", "bytes=100-1123")]).await;
    assert_eq!(status, StatusCode::PARTIAL_CONTENT);
    assert_eq!(
        header(&h, "content-range"),
        format!("bytes 100-1123/{}", audio.bytes)
    );
    assert_eq!(header(&h, "content-length"), "1024");
    assert_eq!(part, body[100..1124]);
    let (status, _, tail) = get_bytes(&s.router, &audio.path(), &[("range", "bytes=-500")]).await;
    assert_eq!(status, StatusCode::PARTIAL_CONTENT);
    assert_eq!(tail, body[body.len() - 500..]);
    let past = format!("bytes={}-", audio.bytes);
    let (status, h, _) = get_bytes(&s.router, &audio.path(), &[("range", &past)]).await;
    assert_eq!(status, StatusCode::RANGE_NOT_SATISFIABLE);
    assert_eq!(
        header(&h, "content-range"),
        format!("bytes */{}", audio.bytes)
    );
    let (status, _, whole) = get_bytes(
        &s.router,
        &audio.path(),
        &[("range", "bytes=0-99"), ("if-range", "\"another-version\"")],
    )
    .await;
    assert_eq!((status, whole.len() as i64), (StatusCode::OK, audio.bytes));
    // Any other name under the audio's hash is not served.
    let (status, _, _) =
        get_bytes(&s.router, &format!("/media/{}/other.mp3", audio.sha), &[]).await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    // The podcast: the spoken Arabic article with its enclosure and iTunes tags.
    let feed = get(&s.router, "/ar/podcast.xml").await;
    assert_eq!(feed.status, StatusCode::OK);
    assert!(
        feed.body
            .contains("xmlns:itunes=\"http://www.itunes.com/dtds/podcast-1.0.dtd\"")
    );
    assert!(feed.body.contains(&format!(
        "<enclosure url=\"http://test.example{}\" length=\"{}\" type=\"audio/mpeg\"",
        audio.path(),
        audio.bytes
    )));
    assert!(feed.body.contains(&format!(
        "<itunes:duration>{}</itunes:duration>",
        audio.seconds()
    )));
    assert_eq!(
        feed.body.matches("<item>").count(),
        1,
        "only spoken articles are episodes"
    );
    let en = get(&s.router, "/en/podcast.xml").await;
    assert_eq!(en.body.matches("<enclosure ").count(), 1);
    assert!(
        !en.body.contains(&audio.sha),
        "each language has its own podcast"
    );
}
