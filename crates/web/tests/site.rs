//! The reader site through its router, with the demo content and a fixed clock
//! (Saturday 7 February 2026, 10:00 UTC, which is 19 Sha'ban 1447 in the Umm al-Qura
//! calendar).

// clippy.toml allows these in #[test] functions; this covers the helpers too.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use arabpress_app::App;
use arabpress_core::{ArticleDraft, ArticleKind, ArticleStatus, Lang, Slug};
use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use std::collections::HashMap;

mod common;
use common::{Resp, Site_, get, get_with, now, site};

/// Every article link on a page, in order.
fn article_links(html: &str) -> Vec<String> {
    html.split("href=\"")
        .skip(1)
        .filter_map(|s| s.split('"').next())
        .filter(|h| h.contains("/article/"))
        .map(str::to_owned)
        .collect()
}

/// The page's main content without the link to the article's translation (which is
/// navigation, like the masthead's language switch, not a list entry).
fn lists_of(html: &str) -> String {
    let main = html.split_once("<main").map(|(_, m)| m).unwrap_or(html);
    let main = main.split_once("</main>").map(|(m, _)| m).unwrap_or(main);
    match main.split_once("<p class=\"translation-link\">") {
        Some((a, b)) => format!("{a}{}", b.split_once("</p>").map(|(_, r)| r).unwrap_or("")),
        None => main.to_owned(),
    }
}

fn assert_no_duplicates(path: &str, html: &str) {
    let mut seen = HashMap::new();
    for l in article_links(&lists_of(html)) {
        *seen.entry(l).or_insert(0) += 1;
    }
    let dups: Vec<_> = seen.iter().filter(|(_, n)| **n > 1).collect();
    assert!(dups.is_empty(), "{path} lists an article twice: {dups:?}");
}

fn body_of(html: &str) -> &str {
    html.split_once("<body").map(|(_, b)| b).unwrap_or(html)
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

async fn all_article_paths(app: &App) -> Vec<(Lang, String, String)> {
    let mut out = Vec::new();
    for lang in Lang::ALL {
        let q = arabpress_store::ListQuery::latest(lang, 1000, now());
        for s in app.store().list(&q).await.unwrap().items {
            out.push((lang, format!("/{lang}/article/{}", s.slug), s.headline));
        }
    }
    out
}

#[tokio::test]
async fn every_page_type_in_both_languages() {
    let s = site().await;
    for lang in Lang::ALL {
        let a = &all_article_paths(&s.app)
            .await
            .into_iter()
            .find(|(l, _, _)| *l == lang)
            .unwrap_or_else(|| panic!("no article"));
        let author = if lang == Lang::Ar {
            "layla-haddad"
        } else {
            "omar-khatib"
        };
        let tag = if lang == Lang::Ar {
            "/ar/tag/المياه"
        } else {
            "/en/tag/food-prices"
        };
        for path in [
            format!("/{lang}/"),
            a.1.clone(),
            format!("/{lang}/section/economy"),
            tag.to_string(),
            format!("/{lang}/author/{author}"),
        ] {
            let r = get(&s.router, &path).await;
            assert_eq!(r.status, StatusCode::OK, "{path}");
            assert!(
                r.body.contains(&format!(
                    "<html lang=\"{lang}\" dir=\"{}\" data-digits=\"{}\">",
                    lang.dir(),
                    if lang == Lang::Ar { "arab" } else { "latn" }
                )),
                "{path}"
            );
            assert_eq!(
                r.headers
                    .get(header::CONTENT_TYPE)
                    .and_then(|v| v.to_str().ok()),
                Some("text/html; charset=utf-8")
            );
            assert!(r.body.contains("بالشعب و للشعب"), "{path}: tagline");
            match lang {
                Lang::Ar => {
                    assert!(
                        r.body.contains("السبت، ٧ فبراير ٢٠٢٦"),
                        "{path}: Gregorian date"
                    );
                    assert!(r.body.contains("١٩ شعبان ١٤٤٧"), "{path}: Hijri date");
                    assert!(
                        r.body.contains(">Read in English<"),
                        "{path}: language switch"
                    );
                }
                Lang::En => {
                    assert!(
                        r.body.contains("Saturday, February 7, 2026"),
                        "{path}: date"
                    );
                    assert!(
                        !r.body.contains("شعبان"),
                        "{path}: no Hijri date on English pages"
                    );
                    assert!(
                        r.body.contains(">اقرأ بالعربية<"),
                        "{path}: language switch"
                    );
                }
            }
            assert_eq!(r.body.matches("<h1").count(), 1, "{path}: one h1");
            assert_no_duplicates(&path, &r.body);
            for h in [
                "content-security-policy",
                "x-content-type-options",
                "referrer-policy",
                "etag",
            ] {
                assert!(r.headers.contains_key(h), "{path}: {h}");
            }
        }
    }
}

#[tokio::test]
async fn every_article_prints_its_headline_once_and_lists_no_article_twice() {
    let s = site().await;
    let articles = all_article_paths(&s.app).await;
    assert!(articles.len() >= 40, "demo has {} articles", articles.len());
    for (_, path, headline) in &articles {
        let r = get(&s.router, path).await;
        assert_eq!(r.status, StatusCode::OK, "{path}");
        let body = body_of(&r.body);
        assert_eq!(
            body.matches(&escape(headline)).count(),
            1,
            "{path}: headline printed once"
        );
        assert!(
            !article_links(body).iter().any(|l| l == path),
            "{path} links to itself in a list"
        );
        assert_no_duplicates(path, body);
        // Every demo story has three or four related ones, none of them itself.
        let related = body
            .split_once("<section class=\"related\"")
            .and_then(|(_, rest)| rest.split_once("</section>"))
            .map_or(0, |(box_, _)| box_.matches("<article class=\"card").count());
        assert!(
            (3..=4).contains(&related),
            "{path}: {related} related stories"
        );
    }
}

#[tokio::test]
async fn article_page_shows_what_a_reader_needs() {
    let s = site().await;
    let r = get(
        &s.router,
        "/en/article/economist-dalia-farouk-bread-prices-are-a-barometer-of-trust",
    )
    .await;
    assert_eq!(r.status, StatusCode::OK);
    let b = &r.body;
    assert!(b.contains("<a rel=\"author\" href=\"/en/author/omar-khatib\">Omar Khatib</a>"));
    assert!(b.contains(
        "First published by <a href=\"https://gulfreview.example.org/interviews/bread-prices\""
    ));
    assert!(b.contains("<p class=\"qa-speaker\"><b>Tarek Nasser</b></p>"));
    assert!(b.contains("<p class=\"qa-speaker\"><b>Dalia Farouk</b></p>"));
    assert!(
        b.contains("Published <time datetime=\"2026-02-07T02:00:00+00:00\">"),
        "published time"
    );
    assert!(b.contains("hreflang=\"ar\">Read this article in Arabic</a>"));
    // No player until the article has been spoken (tests/audio.rs).
    assert!(!b.contains("data-player"), "a player without audio");
    assert!(
        b.contains("<form class=\"newsletter-form\" method=\"post\" action=\"/en/newsletter\">")
    );
    assert!(b.contains("class=\"related\""));
    assert!(b.contains("rel=\"tag\">Food prices</a>"));
    // Related stories are from the same language only, and never the translation.
    assert!(
        !lists_of(b).contains("href=\"/ar/article/"),
        "only the translation link points to Arabic"
    );
    // A corrected article shows its note with a date; a featured image its caption and credit.
    let r = get(
        &s.router,
        "/en/article/inflation-eases-to-3-1-per-cent-as-transport-costs-fall",
    )
    .await;
    assert!(
        r.body
            .contains("<h2 id=\"corrections-title\">Corrections</h2>")
    );
    assert!(r.body.contains("It was 3.6 per cent."));
    let r = get(
        &s.router,
        "/ar/article/المغرب-يوقع-اتفاقا-لمحطة-شمسية-تخزن-الطاقة-طوال-الليل",
    )
    .await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.contains("<figcaption>ستغطي المحطة مساحة تعادل تسعمئة ملعب كرة قدم. <span class=\"credit\">تصوير: رسم عرب برس</span></figcaption>"));
    assert!(r.body.contains("بقلم <a rel=\"author\" href=\"/ar/author/omar-khatib\">عمر الخطيب</a> و<a rel=\"author\" href=\"/ar/author/karim-saleh\">كريم صالح</a>"));
    assert!(r.body.contains("قراءة في دقيقة واحدة"));
}

#[tokio::test]
async fn unknown_and_malformed_addresses() {
    let s = site().await;
    for (path, status) in [
        ("/en/article/no-such-story", 404),
        ("/ar/article/لا-يوجد", 404),
        ("/en/article/Upper-Case", 404),
        ("/fr/", 404),
        ("/fr/article/x", 404),
        ("/en/section/nowhere", 404),
        ("/en/tag/nothing-here", 404),
        ("/en/author/nobody", 404),
        ("/en/nothing/at/all", 404),
        ("/en/section/economy?page=99", 404),
        ("/en/section/economy?page=abc", 400),
        ("/en/section/economy?page=0", 400),
        ("/en/section/economy?page=-1", 400),
        ("/en/tag/inflation?page=1e3", 400),
        ("/en/article/%FF%FE", 400),
        ("/en/section/%C3", 400),
    ] {
        let r = get(&s.router, path).await;
        assert_eq!(r.status.as_u16(), status, "{path}");
        assert!(r.body.contains("<html lang="), "{path}: a styled page");
        assert!(r.body.contains("class=\"message-page\""), "{path}");
    }
    let r = get(&s.router, "/en/article/no-such-story").await;
    assert!(r.body.contains("Page not found") && r.body.contains("lang=\"en\""));
    let r = get(&s.router, "/ar/article/لا-يوجد").await;
    assert!(r.body.contains("الصفحة غير موجودة") && r.body.contains("dir=\"rtl\""));
    let r = get_with(&s.router, "/xx/yy", &[("accept-language", "en-GB")]).await;
    assert!(r.body.contains("lang=\"en\""));
}

#[tokio::test]
async fn root_chooses_the_language_and_says_it_varies() {
    let s = site().await;
    let r = get_with(&s.router, "/", &[("accept-language", "en-US,en;q=0.9")]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(
        r.headers
            .get(header::LOCATION)
            .and_then(|v| v.to_str().ok()),
        Some("/en/")
    );
    assert_eq!(
        r.headers.get(header::VARY).and_then(|v| v.to_str().ok()),
        Some("Accept-Language")
    );
    let r = get_with(&s.router, "/", &[("accept-language", "fr")]).await;
    assert_eq!(
        r.headers
            .get(header::LOCATION)
            .and_then(|v| v.to_str().ok()),
        Some("/ar/")
    );
    let r = get(&s.router, "/en").await;
    assert_eq!(
        r.headers
            .get(header::LOCATION)
            .and_then(|v| v.to_str().ok()),
        Some("/en/")
    );
}

#[tokio::test]
async fn conditional_get_and_compression() {
    let s = site().await;
    let r = get(&s.router, "/en/").await;
    let etag = r
        .headers
        .get(header::ETAG)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
        .unwrap_or_default();
    assert!(etag.starts_with('"'));
    let again = get_with(&s.router, "/en/", &[("if-none-match", &etag)]).await;
    assert_eq!(again.status, StatusCode::NOT_MODIFIED);
    assert!(again.body.is_empty());
    let br = get_with(&s.router, "/en/", &[("accept-encoding", "gzip, br")]).await;
    assert_eq!(
        br.headers
            .get(header::CONTENT_ENCODING)
            .and_then(|v| v.to_str().ok()),
        Some("br")
    );
    assert_eq!(
        br.headers.get(header::VARY).and_then(|v| v.to_str().ok()),
        Some("Accept-Encoding")
    );
    let br_etag = br
        .headers
        .get(header::ETAG)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    assert_ne!(br_etag, etag);
    let gz = get_with(&s.router, "/en/", &[("accept-encoding", "gzip")]).await;
    assert_eq!(
        gz.headers
            .get(header::CONTENT_ENCODING)
            .and_then(|v| v.to_str().ok()),
        Some("gzip")
    );
    let asset = get(&s.router, "/static/site.css").await;
    assert_eq!(asset.status, StatusCode::OK);
    assert!(asset.body.contains("margin-inline"));
    // Stylesheets and scripts are compressed like pages, and revalidate to a 304.
    for path in ["/static/site.css", "/static/site.js", "/static/admin.js"] {
        let (_, _, plain) = arabpress_testkit::http::get_bytes(&s.router, path, &[]).await;
        let (code, h, br) =
            arabpress_testkit::http::get_bytes(&s.router, path, &[("accept-encoding", "gzip, br")])
                .await;
        assert_eq!(code, StatusCode::OK);
        assert_eq!(
            h.get(header::CONTENT_ENCODING)
                .and_then(|v| v.to_str().ok()),
            Some("br"),
            "{path}"
        );
        assert!(
            br.len() * 2 < plain.len(),
            "{path}: {} of {}",
            br.len(),
            plain.len()
        );
        let mut out = Vec::new();
        std::io::Read::read_to_end(&mut brotli::Decompressor::new(&br[..], 4096), &mut out)
            .unwrap();
        assert_eq!(out, plain, "{path}");
        let etag = h
            .get(header::ETAG)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default();
        let again = get_with(
            &s.router,
            path,
            &[("accept-encoding", "br"), ("if-none-match", etag)],
        )
        .await;
        assert_eq!(again.status, StatusCode::NOT_MODIFIED, "{path}");
        assert!(
            again.header("cache-control").contains("immutable"),
            "{path}"
        );
    }
    assert_eq!(
        get(&s.router, "/static/nope.css").await.status,
        StatusCode::NOT_FOUND
    );
    // The icon: linked from every page as SVG with a PNG beside it for browsers that draw
    // no SVG icon, and at /favicon.ico (the PNG) for clients that do not look.
    let home = get(&s.router, "/ar/").await;
    assert!(
        home.body
            .contains("<link rel=\"icon\" href=\"/static/img/icon.svg?v="),
        "{}",
        home.body
    );
    assert!(
        home.body.contains(
            "<link rel=\"icon\" href=\"/icon-192.png\" sizes=\"192x192\" type=\"image/png\">"
        ),
        "{}",
        home.body
    );
    let ico = get(&s.router, "/favicon.ico").await;
    assert_eq!(ico.status, StatusCode::TEMPORARY_REDIRECT);
    assert_eq!(ico.header("location"), "/icon-192.png");
    let icon = get(&s.router, "/static/img/icon.svg").await;
    assert_eq!(icon.status, StatusCode::OK);
    assert_eq!(icon.header("content-type"), "image/svg+xml");
    let (status, headers, png) = common::get_bytes(&s.router, "/icon-192.png", &[]).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers[header::CONTENT_TYPE], "image/png");
    assert_eq!(png_size(&png), (192, 192));
    assert_eq!(get(&s.router, "/healthz").await.body, r#"{"status":"ok"}"#);
}

fn draft(headline: &str, tags: &[&str]) -> ArticleDraft {
    ArticleDraft {
        lang: Lang::En,
        slug: None,
        headline: headline.into(),
        standfirst: "A standfirst.".into(),
        body_md: "A body.".into(),
        kind: ArticleKind::News,
        section: Slug::parse("economy").unwrap(),
        tags: tags.iter().map(|t| t.to_string()).collect(),
        authors: vec![Slug::parse("omar-khatib").unwrap()],
        source: None,
        image: None,
        seo_title: None,
        seo_description: None,
    }
}

#[tokio::test]
async fn publishing_correcting_and_withdrawing_update_cached_pages() {
    let s = site().await;
    // Warm the cache.
    let home = get(&s.router, "/en/").await;
    let section = get(&s.router, "/en/section/economy").await;
    let tag = get(&s.router, "/en/tag/inflation").await;
    let sport = get(&s.router, "/en/section/sport").await;
    assert!(!home.body.contains("Central bank holds rates"));
    let a = s
        .app
        .create_article(
            draft("Central bank holds rates", &["Inflation"]),
            ArticleStatus::Draft,
            None,
        )
        .await;
    let a = a.unwrap();
    // A draft changes nothing public.
    assert!(
        !get(&s.router, "/en/")
            .await
            .body
            .contains("Central bank holds rates")
    );
    assert_eq!(
        get(&s.router, "/en/article/central-bank-holds-rates")
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    s.app.publish(a.summary.id, None).await.unwrap();
    for (path, before) in [
        ("/en/", &home),
        ("/en/section/economy", &section),
        ("/en/tag/inflation", &tag),
    ] {
        let after = get(&s.router, path).await;
        assert!(
            after.body.contains("Central bank holds rates"),
            "{path} shows the new article"
        );
        assert_ne!(
            after.headers.get(header::ETAG),
            before.headers.get(header::ETAG),
            "{path}"
        );
    }
    // A page that does not show the article keeps its cached bytes.
    assert_eq!(
        get(&s.router, "/en/section/sport")
            .await
            .headers
            .get(header::ETAG),
        sport.headers.get(header::ETAG)
    );
    let page = get(&s.router, "/en/article/central-bank-holds-rates").await;
    assert_eq!(page.status, StatusCode::OK);
    s.app
        .add_correction(a.summary.id, "The decision was unanimous, not split.")
        .await
        .unwrap();
    let page = get(&s.router, "/en/article/central-bank-holds-rates").await;
    assert!(page.body.contains("The decision was unanimous, not split."));
    s.app.unpublish(a.summary.id).await.unwrap();
    let gone = get(&s.router, "/en/article/central-bank-holds-rates").await;
    assert_eq!(gone.status, StatusCode::GONE);
    assert!(gone.body.contains("Article withdrawn"));
    assert!(
        !get(&s.router, "/en/")
            .await
            .body
            .contains("Central bank holds rates")
    );
}

#[tokio::test]
async fn lists_paginate_without_repeating() {
    let s = site().await;
    // Twenty different stories (not copies of one, which would be grouped as duplicates).
    let words = [
        "copper",
        "wheat",
        "bonds",
        "shipping",
        "tourism",
        "steel",
        "coffee",
        "banks",
        "cement",
        "rice",
        "textiles",
        "phosphate",
        "airlines",
        "dates",
        "cotton",
        "insurance",
        "gold",
        "fertiliser",
        "telecoms",
        "housing",
        "sugar",
        "retail",
        "silver",
        "ports",
    ];
    for i in 0..20 {
        let mut d = draft(&format!("Market report number {i}"), &["Markets"]);
        d.body_md = (0..12)
            .map(|k| words[(i as usize * 31 + k * 17 + i as usize * k * 11) % words.len()])
            .collect::<Vec<_>>()
            .join(" ");
        s.app
            .create_article(
                d,
                ArticleStatus::Published,
                Some(now() - jiff::SignedDuration::from_mins(i)),
            )
            .await
            .unwrap();
    }
    // The first page counts the list and links to the stories before its last one.
    let link = |html: &str, rel: &str| {
        let marker = format!("<a rel=\"{rel}\" href=\"");
        html.split_once(&marker)
            .and_then(|(_, rest)| rest.split('"').next())
            .map(|h| h.replace("&amp;", "&"))
    };
    let p1 = get(&s.router, "/en/tag/markets").await;
    assert_eq!(p1.status, StatusCode::OK);
    assert!(p1.body.contains("20 stories"));
    assert_eq!(link(&p1.body, "prev"), None);
    let older = link(&p1.body, "next").expect("a link to older stories");
    assert!(older.starts_with("/en/tag/markets?before="), "{older}");
    let p2 = get(&s.router, &older).await;
    assert_eq!(p2.status, StatusCode::OK);
    // A deeper page names the days it spans instead of counting the list again.
    assert!(!p2.body.contains("20 stories"));
    assert_eq!(link(&p2.body, "next"), None, "nothing is older");
    let l1 = article_links(&p1.body);
    let l2 = article_links(&p2.body);
    assert_eq!((l1.len(), l2.len()), (12, 8));
    assert!(l1.iter().all(|l| !l2.contains(l)));
    // Back towards the newest: the twelve newer stories are the first page's.
    let newer = link(&p2.body, "prev").expect("a link to newer stories");
    assert!(newer.starts_with("/en/tag/markets?after="), "{newer}");
    assert_eq!(article_links(&get(&s.router, &newer).await.body), l1);
    // The old page numbers still answer with the same stories.
    let old = get(&s.router, "/en/tag/markets?page=2").await;
    assert_eq!(article_links(&old.body), l2);
    assert_eq!(
        get(&s.router, "/en/tag/markets?page=3").await.status,
        StatusCode::NOT_FOUND
    );
    // A story published since moves page numbers, not the stories of a page's address.
    s.app
        .create_article(
            draft("Market report number 20", &["Markets"]),
            ArticleStatus::Published,
            Some(now()),
        )
        .await
        .unwrap();
    assert_eq!(article_links(&get(&s.router, &older).await.body), l2);
    assert_ne!(
        article_links(&get(&s.router, "/en/tag/markets?page=2").await.body),
        l2
    );
    for bad in ["before=soon", "before=1.2&after=1.2", "after=1.-1"] {
        let r = get(&s.router, &format!("/en/tag/markets?{bad}")).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{bad}");
    }
}

/// A list's first page counts its stories no further than `LIST_COUNT_CAP`: a longer list
/// says it holds more, in either language, and still links to its older stories.
async fn a_long_list_says_it_holds_more_than_it_counts(s: Site_) {
    use arabpress_store::{ImportArticle, ImportBatch};
    let cap = arabpress_app::LIST_COUNT_CAP;
    let articles = (0..=cap)
        .flat_map(|i| {
            [Lang::En, Lang::Ar].map(|lang| {
                let mut d = draft(&format!("Archive story {i}"), &["Long list"]);
                d.lang = lang;
                ImportArticle {
                    source_id: format!("{lang}-{i}"),
                    draft: d,
                    status: ArticleStatus::Published,
                    published_at: Some(now() - jiff::SignedDuration::from_mins(60 + i as i64)),
                }
            })
        })
        .collect();
    let batch = ImportBatch {
        source: "test:long-list".into(),
        articles,
        ..ImportBatch::default()
    };
    s.app.store().import_batch(batch, now()).await.unwrap();
    let en = get(&s.router, "/en/tag/long-list").await;
    assert_eq!(en.status, StatusCode::OK);
    assert!(
        en.body.contains(&format!("More than {cap} stories")),
        "{}",
        en.body
    );
    assert!(
        en.body
            .contains("rel=\"next\" href=\"/en/tag/long-list?before=")
    );
    let ar = get(&s.router, "/ar/tag/long-list").await;
    let digits = arabpress_render::messages::to_arabic_digits(&cap.to_string());
    assert!(
        ar.body.contains(&format!("أكثر من {digits} مقال")),
        "{}",
        ar.body
    );
}

common::both_sites!(
    a_long_list_says_it_holds_more_than_it_counts,
    super::a_long_list_says_it_holds_more_than_it_counts
);

#[tokio::test]
async fn a_repeated_headline_is_listed_once() {
    // The seed page listed one headline four times: four stored copies must still show once.
    let s = site().await;
    for i in 0..4 {
        let mut d = draft(
            "Trump’s Board of Peace: Breakthrough Diplomacy or a Hostile Takeover?",
            &[],
        );
        d.slug = Some(Slug::parse(&format!("board-of-peace-{i}")).unwrap());
        s.app
            .create_article(
                d,
                ArticleStatus::Published,
                Some(now() - jiff::SignedDuration::from_mins(i)),
            )
            .await
            .unwrap();
    }
    for path in [
        "/en/",
        "/en/section/economy",
        "/en/article/economist-dalia-farouk-bread-prices-are-a-barometer-of-trust",
    ] {
        let r = get(&s.router, path).await;
        assert_eq!(r.body.matches("Board of Peace").count(), 1, "{path}");
    }
}

#[tokio::test]
async fn a_failing_database_gets_a_styled_500_not_a_crash() {
    let s = site().await;
    // Render one page so the navigation is known, then lose the database.
    assert_eq!(get(&s.router, "/en/").await.status, StatusCode::OK);
    s.app.store().close().await;
    let r = get(&s.router, "/en/section/economy").await;
    assert_eq!(r.status, StatusCode::INTERNAL_SERVER_ERROR);
    assert!(r.body.contains("Something went wrong"), "{}", r.body);
    assert!(
        !r.body.contains("database"),
        "internal details stay in the log"
    );
    let r = get(&s.router, "/ar/tag/المياه").await;
    assert_eq!(r.status, StatusCode::INTERNAL_SERVER_ERROR);
    assert!(r.body.contains("حدث خطأ") && r.body.contains("dir=\"rtl\""));
    assert_eq!(
        get(&s.router, "/healthz").await.status,
        StatusCode::SERVICE_UNAVAILABLE
    );
    // Pages rendered before the failure are still served from the cache.
    assert_eq!(get(&s.router, "/en/").await.status, StatusCode::OK);
}

// --- search -----------------------------------------------------------------------------

/// The visible text of the search results list.
fn results_text(html: &str) -> String {
    html.split("<ol class=\"search-results\">")
        .nth(1)
        .and_then(|s| s.split("</ol>").next())
        .unwrap_or_default()
        .to_owned()
}

#[tokio::test]
async fn arabic_search_finds_inflected_words_and_marks_them() {
    let s = site().await;
    // "الشمسية" is written in the article; the reader types the bare form with a prefix.
    let r = get(
        &s.router,
        "/ar/search?q=%D9%88%D8%B4%D9%85%D8%B3%D9%8A%D8%A9",
    )
    .await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(
        r.body
            .contains("<meta name=\"robots\" content=\"noindex, follow\">")
    );
    assert_eq!(
        r.headers.get("x-robots-tag").map(|v| v.as_bytes()),
        Some(&b"noindex"[..])
    );
    let results = results_text(&r.body);
    assert!(results.contains("/ar/article/"), "{results}");
    assert!(results.contains("<mark>شمسية</mark>"), "{results}");
    // Only Arabic articles on the Arabic page.
    assert!(!results.contains("/en/article/"), "{results}");
    assert!(r.body.contains("dir=\"rtl\""));
}

#[tokio::test]
async fn english_search_filters_and_counts() {
    let s = site().await;
    let r = get(&s.router, "/en/search?q=solar+plant").await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(
        results_text(&r.body).contains("<mark>solar</mark>"),
        "{}",
        r.body
    );
    assert!(
        r.body.contains("One story found") || r.body.contains("stories found"),
        "{}",
        r.body
    );
    // The filters stay folded away until a reader opens them or uses one.
    assert!(
        r.body.contains("<details class=\"search-filters\">"),
        "{}",
        r.body
    );
    // The same words within a section that does not have them find nothing.
    let r = get(&s.router, "/en/search?q=solar+plant&section=sport").await;
    assert!(r.body.contains("No stories found"), "{}", r.body);
    assert!(
        r.body.contains("<details class=\"search-filters\" open>"),
        "a filter in use is shown: {}",
        r.body
    );
    // Unknown filters and bad dates are ignored with a notice, not an error.
    let r = get(&s.router, "/en/search?q=solar&section=nope&from=yesterday").await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.contains("was ignored"), "{}", r.body);
    assert!(results_text(&r.body).contains("<mark>"), "{}", r.body);
    // A date range before the demo's articles finds nothing.
    let r = get(&s.router, "/en/search?q=solar&to=2001-01-01").await;
    assert!(r.body.contains("No stories found"), "{}", r.body);
}

#[tokio::test]
async fn no_results_suggest_a_spelling_and_help() {
    let s = site().await;
    let r = get(&s.router, "/en/search?q=morrocco").await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.contains("Did you mean"), "{}", r.body);
    assert!(
        r.body.contains("href=\"/en/search?q=morocco\""),
        "{}",
        r.body
    );
    assert!(r.body.contains("Check the spelling"), "{}", r.body);
}

#[tokio::test]
async fn bad_queries_get_a_page_never_a_500() {
    let s = site().await;
    let long = "a".repeat(5_000);
    for q in [
        "%22unbalanced",
        "%00%01%1b%5B31m",
        "the+of+and",
        "",
        "%D9%81%D9%8A+%D9%85%D9%86",
        long.as_str(),
        "%28%29%5B%5D%7B%7D%3A%2A%3F",
    ] {
        let r = get(&s.router, &format!("/ar/search?q={q}")).await;
        assert_eq!(r.status, StatusCode::OK, "{q}");
    }
    let r = get(&s.router, "/en/search?q=the+of").await;
    assert!(r.body.contains("too common"), "{}", r.body);
    let r = get(&s.router, "/en/search?q=%ZZ%").await;
    assert_eq!(r.status, StatusCode::OK);
    let r = get(&s.router, "/en/search?q=x&page=0").await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    let r = get(&s.router, "/xx/search?q=x").await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn publishing_reaches_search_at_once_and_unpublishing_removes_it() {
    let s = site().await;
    let draft = ArticleDraft {
        lang: Lang::En,
        headline: "Desalination plant opens on the Red Sea coast".into(),
        standfirst: "The plant will supply drinking water to 300,000 homes.".into(),
        body_md: "Engineers switched on the desalination plant on Saturday.".into(),
        kind: ArticleKind::News,
        section: Slug::parse("economy").unwrap(),
        authors: vec![Slug::parse("omar-khatib").unwrap()],
        tags: vec!["Water".into()],
        slug: None,
        source: None,
        image: None,
        seo_title: None,
        seo_description: None,
    };
    let r = get(&s.router, "/en/search?q=desalination").await;
    assert!(r.body.contains("No stories found"));
    let a = s
        .app
        .create_article(draft, ArticleStatus::Published, Some(now()))
        .await
        .unwrap();
    // The cached "no results" page was invalidated by the publish.
    let r = get(&s.router, "/en/search?q=desalination").await;
    assert!(
        results_text(&r.body).contains("<mark>Desalination</mark>"),
        "{}",
        r.body
    );
    s.app.unpublish(a.summary.id).await.unwrap();
    let r = get(&s.router, "/en/search?q=desalination").await;
    assert!(r.body.contains("No stories found"), "{}", r.body);
}

#[tokio::test]
async fn a_wire_copy_is_grouped_and_lists_show_one_story() {
    let s = site().await;
    let body = "Engineers switched on the desalination plant on Saturday, the largest on the coast. \
        It will supply drinking water to 300,000 homes and run on solar power during the day. \
        The ministry said a second plant would follow in the south next year, and that the price \
        of water for households would not change.";
    let draft = |headline: &str, body: &str| ArticleDraft {
        lang: Lang::En,
        headline: headline.into(),
        standfirst: "The plant will supply 300,000 homes.".into(),
        body_md: body.into(),
        kind: ArticleKind::News,
        section: Slug::parse("economy").unwrap(),
        authors: vec![Slug::parse("omar-khatib").unwrap()],
        tags: vec![],
        slug: None,
        source: None,
        image: None,
        seo_title: None,
        seo_description: None,
    };
    let first = s
        .app
        .create_article(
            draft("Red Sea desalination plant opens", body),
            ArticleStatus::Published,
            Some(now()),
        )
        .await
        .unwrap();
    assert_eq!(first.duplicate_of, None);
    let copy = s
        .app
        .create_article(
            draft(
                "Desalination plant opens on Red Sea coast",
                &format!("{body} (Reuters)"),
            ),
            ArticleStatus::Published,
            Some(now()),
        )
        .await
        .unwrap();
    // The newsroom learns the copy repeats the first story.
    assert_eq!(copy.duplicate_of, Some(first.summary.id));
    let section = get(&s.router, "/en/section/economy").await;
    assert!(
        section
            .body
            .contains(&format!("/en/article/{}", first.summary.slug))
    );
    assert!(
        !section
            .body
            .contains(&format!("/en/article/{}", copy.summary.slug))
    );
    let key = api_key(&s).await;
    let r = get_with(
        &s.router,
        "/api/v1/search?q=desalination&lang=en",
        &[("x-api-key", &key)],
    )
    .await;
    let v: serde_json::Value = serde_json::from_str(&r.body).unwrap();
    assert_eq!(v["total"], 1, "{v}");
    // Withdrawing the first story brings the copy back.
    s.app.unpublish(first.summary.id).await.unwrap();
    let section = get(&s.router, "/en/section/economy").await;
    assert!(
        section
            .body
            .contains(&format!("/en/article/{}", copy.summary.slug))
    );
    let r = get_with(
        &s.router,
        "/api/v1/search?q=desalination&lang=en",
        &[("x-api-key", &key)],
    )
    .await;
    let v: serde_json::Value = serde_json::from_str(&r.body).unwrap();
    assert_eq!(v["results"][0]["id"], copy.summary.id, "{v}");

    // A fuller version of the story (the first with a paragraph more) takes the lead:
    // lists and search show it, and the copy is grouped under it.
    s.app.publish(first.summary.id, None).await.unwrap();
    let fuller = s
        .app
        .create_article(
            draft(
                "Red Sea desalination plant opens, second plant planned",
                &format!(
                    "{body}\n\nThe second plant will be built near the border and is expected \
                     to cost twice as much, officials said, because it will be powered by wind."
                ),
            ),
            ArticleStatus::Published,
            Some(now()),
        )
        .await
        .unwrap();
    assert_eq!(fuller.duplicate_of, None);
    for older in [first.summary.id, copy.summary.id] {
        let a = s.app.store().article_by_id(older).await.unwrap().unwrap();
        assert_eq!(a.duplicate_of, Some(fuller.summary.id), "{older}");
    }
    one_version_shown(
        &s,
        &key,
        (&fuller.summary.slug, fuller.summary.id),
        &[&first.summary.slug, &copy.summary.slug],
    )
    .await;

    // Withdrawing the lead hands the lead to the fullest copy still published (the first
    // story: the copy's credit line does not make it fuller): one version, not both.
    s.app.unpublish(fuller.summary.id).await.unwrap();
    let first_now = s
        .app
        .store()
        .article_by_id(first.summary.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(first_now.duplicate_of, None);
    let copy_now = s
        .app
        .store()
        .article_by_id(copy.summary.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(copy_now.duplicate_of, Some(first.summary.id));
    one_version_shown(
        &s,
        &key,
        (&first.summary.slug, first.summary.id),
        &[&copy.summary.slug, &fuller.summary.slug],
    )
    .await;
}

/// The economy section lists `shown` (slug, id) and none of `hidden`, and the API's search
/// for the desalination story finds `shown` alone.
async fn one_version_shown(s: &Site_, key: &str, shown: (&str, i64), hidden: &[&str]) {
    let section = get(&s.router, "/en/section/economy").await;
    let lists = |slug: &str| section.body.contains(&format!("/en/article/{slug}\""));
    assert!(
        lists(shown.0) && !hidden.iter().any(|h| lists(h)),
        "{}",
        section.body
    );
    let r = get_with(
        &s.router,
        "/api/v1/search?q=desalination&lang=en",
        &[("x-api-key", key)],
    )
    .await;
    let v: serde_json::Value = serde_json::from_str(&r.body).unwrap();
    assert_eq!(v["total"], 1, "{v}");
    assert_eq!(v["results"][0]["id"], shown.1, "{v}");
}

#[tokio::test]
async fn related_stories_come_from_the_index() {
    let s = site().await;
    // The Arabic solar story relates to other Moroccan or energy stories, never itself or
    // its English version.
    let solar = s
        .app
        .store()
        .article_by_slug(
            Lang::Ar,
            "المغرب-يوقع-اتفاقا-لمحطة-شمسية-تخزن-الطاقة-طوال-الليل",
        )
        .await
        .ok()
        .flatten();
    let Some(solar) = solar else {
        panic!("the demo's solar story has another slug");
    };
    let n = s
        .app
        .store()
        .article_neighbours(&solar, 8, 0, now())
        .await
        .unwrap();
    assert!(!n.related.is_empty());
    assert!(
        n.related
            .iter()
            .all(|r| r.id != solar.summary.id && r.lang == Lang::Ar),
        "{:?}",
        n.related
    );
}

// --- feeds and sitemaps ------------------------------------------------------------------

#[tokio::test]
async fn rss_atom_and_json_feeds_for_the_site_and_each_list() {
    let s = site().await;
    let r = get(&s.router, "/ar/rss.xml").await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(
        r.headers.get(header::CONTENT_TYPE).map(|v| v.as_bytes()),
        Some(&b"application/rss+xml; charset=utf-8"[..])
    );
    let channel = rss::Channel::read_from(r.body.as_bytes()).unwrap();
    assert_eq!(channel.language(), Some("ar"));
    assert!(!channel.items().is_empty());
    for item in channel.items() {
        let guid = item.guid().unwrap_or_else(|| panic!("no guid"));
        assert!(
            !guid.is_permalink() && guid.value().starts_with("tag:test.example,"),
            "{guid:?}"
        );
        assert!(
            item.link()
                .is_some_and(|l| l.starts_with("http://test.example/ar/article/%D")),
            "{:?}",
            item.link()
        );
        assert!(
            item.pub_date().is_some_and(|d| d.ends_with("+0000")),
            "{:?}",
            item.pub_date()
        );
        assert!(item.content().is_some());
    }
    let atom = get(&s.router, "/en/section/economy/atom.xml").await;
    let feed = atom_syndication::Feed::read_from(atom.body.as_bytes()).unwrap();
    assert!(
        feed.title().as_str().ends_with("Economy"),
        "{}",
        feed.title().as_str()
    );
    assert!(!feed.entries().is_empty());
    assert!(feed.links().iter().any(
        |l| l.rel() == "self" && l.href() == "http://test.example/en/section/economy/atom.xml"
    ));
    let json = get(&s.router, "/en/author/omar-khatib/feed.json").await;
    let v: serde_json::Value = serde_json::from_str(&json.body).unwrap();
    assert_eq!(v["version"], "https://jsonfeed.org/version/1.1");
    assert!(v["items"].as_array().is_some_and(|i| !i.is_empty()));
    // A tag feed, and what is not a feed.
    let page = get(
        &s.router,
        "/en/article/economist-dalia-farouk-bread-prices-are-a-barometer-of-trust",
    )
    .await;
    let tag = page
        .body
        .split("href=\"/en/tag/")
        .nth(1)
        .and_then(|t| t.split('"').next())
        .unwrap_or_default()
        .to_owned();
    assert_eq!(
        get(&s.router, &format!("/en/tag/{tag}/rss.xml"))
            .await
            .status,
        StatusCode::OK
    );
    assert_eq!(
        get(&s.router, "/en/section/nope/rss.xml").await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        get(&s.router, "/en/section/economy/feed.txt").await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        get(&s.router, "/xx/rss.xml").await.status,
        StatusCode::NOT_FOUND
    );
    // Pages name their feeds.
    let section = get(&s.router, "/en/section/economy").await;
    assert!(section.body.contains("<link rel=\"alternate\" type=\"application/rss+xml\" title=\"Economy — Arab Press (RSS)\" href=\"/en/section/economy/rss.xml\">"), "{}", section.body);
}

#[tokio::test]
async fn feed_guids_survive_edits_and_feeds_answer_conditional_gets() {
    let s = site().await;
    let first = get(&s.router, "/en/rss.xml").await;
    let etag = first
        .headers
        .get(header::ETAG)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    assert!(!etag.is_empty());
    assert!(first.headers.get(header::CACHE_CONTROL).is_some());
    let again = get_with(&s.router, "/en/rss.xml", &[("if-none-match", &etag)]).await;
    assert_eq!(again.status, StatusCode::NOT_MODIFIED);
    let channel = rss::Channel::read_from(first.body.as_bytes()).unwrap();
    let item = &channel.items()[0];
    let link = item.link().unwrap_or_default().to_owned();
    let guid = item
        .guid()
        .map(|g| g.value().to_owned())
        .unwrap_or_default();
    // Retitle the article: the feed changes, its GUID does not.
    let slug = link.rsplit('/').next().unwrap_or_default();
    let a = s
        .app
        .store()
        .article_by_slug(Lang::En, slug)
        .await
        .ok()
        .flatten()
        .unwrap_or_else(|| panic!("{slug}"));
    let mut d = ArticleDraft {
        lang: Lang::En,
        slug: Some(Slug::parse(slug).unwrap()),
        headline: format!("{} (updated)", a.summary.headline),
        standfirst: a.summary.standfirst.clone(),
        body_md: a.body_md.clone(),
        kind: a.summary.kind,
        section: Slug::parse("economy").unwrap(),
        tags: vec![],
        authors: a
            .authors
            .iter()
            .map(|x| Slug::parse(&x.slug).unwrap())
            .collect(),
        source: None,
        image: None,
        seo_title: None,
        seo_description: None,
    };
    if let Some(sec) = s
        .app
        .sections()
        .await
        .ok()
        .and_then(|all| all.iter().find(|x| x.id == a.summary.section_id).cloned())
    {
        d.section = Slug::parse(&sec.slug).unwrap();
    }
    s.app
        .update_article(a.summary.id, a.version, d)
        .await
        .unwrap();
    let after = get_with(&s.router, "/en/rss.xml", &[("if-none-match", &etag)]).await;
    assert_eq!(after.status, StatusCode::OK);
    let channel = rss::Channel::read_from(after.body.as_bytes()).unwrap();
    let same = channel
        .items()
        .iter()
        .find(|i| i.guid().is_some_and(|g| g.value() == guid))
        .unwrap_or_else(|| panic!("guid {guid} lost"));
    assert!(same.title().is_some_and(|t| t.ends_with("(updated)")));
}

#[tokio::test]
async fn sitemaps_index_articles_with_language_alternates() {
    let s = site().await;
    let index = get(&s.router, "/sitemap.xml").await;
    assert_eq!(index.status, StatusCode::OK);
    assert!(
        index
            .body
            .contains("<loc>http://test.example/sitemaps/articles/1.xml</loc>"),
        "{}",
        index.body
    );
    assert!(
        index
            .body
            .contains("<loc>http://test.example/sitemap-pages.xml</loc>")
    );
    let articles = get(&s.router, "/sitemaps/articles/1.xml").await;
    assert_eq!(articles.status, StatusCode::OK);
    assert_eq!(
        articles.body.matches("<url>").count(),
        52,
        "every demo article once"
    );
    assert!(
        articles.body.contains(
            "<xhtml:link rel=\"alternate\" hreflang=\"ar\" href=\"http://test.example/ar/article/%D"
        ),
        "{}",
        articles.body
    );
    assert!(articles.body.contains("<lastmod>"));
    assert_eq!(
        get(&s.router, "/sitemaps/articles/2.xml").await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        get(&s.router, "/sitemaps/articles/x.xml").await.status,
        StatusCode::NOT_FOUND
    );
    let pages = get(&s.router, "/sitemap-pages.xml").await;
    assert!(
        pages
            .body
            .contains("<loc>http://test.example/ar/section/economy</loc>")
    );
    let robots = get(&s.router, "/robots.txt").await;
    assert!(
        robots
            .body
            .contains("Sitemap: http://test.example/sitemap.xml")
    );
    assert!(robots.body.contains("Disallow: /ar/search"));
}

#[tokio::test]
async fn the_news_sitemap_lists_two_days_at_most() {
    let s = site().await;
    let news = get(&s.router, "/sitemap-news.xml").await;
    assert_eq!(news.status, StatusCode::OK);
    let n = news.body.matches("<url>").count();
    // The demo dates its articles from hours to weeks before the clock.
    let recent = s
        .app
        .store()
        .news_entries(now() - jiff::SignedDuration::from_hours(48), 5_000, now())
        .await
        .unwrap()
        .len();
    assert_eq!(n, recent);
    assert!(n > 0 && n < 52, "{n}");
    for tag in [
        "<news:name>",
        "<news:language>",
        "<news:publication_date>",
        "<news:title>",
    ] {
        assert_eq!(news.body.matches(tag).count(), n, "{tag}");
    }
}

// --- page metadata -----------------------------------------------------------------------

fn meta(html: &str, attr: &str, name: &str) -> Vec<String> {
    let needle = format!("<meta {attr}=\"{name}\" content=\"");
    html.split(&needle)
        .skip(1)
        .filter_map(|s| s.split('"').next())
        .map(str::to_owned)
        .collect()
}

#[tokio::test]
async fn article_pages_carry_canonical_social_and_structured_data() {
    let s = site().await;
    let path = "/en/article/economist-dalia-farouk-bread-prices-are-a-barometer-of-trust";
    let r = get(&s.router, path).await;
    let html = &r.body;
    let url = format!("http://test.example{path}");
    assert!(
        html.contains(&format!("<link rel=\"canonical\" href=\"{url}\">")),
        "{html}"
    );
    assert!(html.contains(&format!(
        "<link rel=\"alternate\" hreflang=\"en\" href=\"{url}\">"
    )));
    assert!(html.contains(
        "<link rel=\"alternate\" hreflang=\"ar\" href=\"http://test.example/ar/article/"
    ));
    assert_eq!(meta(html, "name", "robots"), ["max-image-preview:large"]);
    assert_eq!(meta(html, "property", "og:type"), ["article"]);
    assert_eq!(meta(html, "property", "og:locale"), ["en_US"]);
    assert_eq!(meta(html, "property", "og:locale:alternate"), ["ar_AR"]);
    assert_eq!(meta(html, "property", "og:url"), std::slice::from_ref(&url));
    assert_eq!(meta(html, "property", "article:section").len(), 1);
    assert!(!meta(html, "property", "article:tag").is_empty());
    assert!(meta(html, "property", "article:published_time")[0].ends_with("+00:00"));
    assert_eq!(meta(html, "name", "twitter:card").len(), 1);
    assert_eq!(meta(html, "name", "description").len(), 1);
    let json = html
        .split("<script type=\"application/ld+json\">")
        .nth(1)
        .and_then(|s| s.split("</script>").next())
        .unwrap_or_else(|| panic!("no JSON-LD"));
    let v: serde_json::Value = serde_json::from_str(json).unwrap_or_else(|e| panic!("{e}: {json}"));
    let article = &v[0];
    assert_eq!(article["@type"], "NewsArticle");
    for key in [
        "headline",
        "datePublished",
        "dateModified",
        "inLanguage",
        "articleSection",
        "isAccessibleForFree",
        "mainEntityOfPage",
    ] {
        assert!(!article[key].is_null(), "{key} missing: {article}");
    }
    assert!(
        article["datePublished"]
            .as_str()
            .is_some_and(|d| d.ends_with("+00:00"))
    );
    assert_eq!(article["author"][0]["@type"], "Person");
    assert!(
        article["author"][0]["url"]
            .as_str()
            .is_some_and(|u| u.starts_with("http://test.example/en/author/"))
    );
    // This article has no photo: search engines still get a raster image 1200 px wide or
    // more, the site's artwork with its size, and so do social sites.
    let image = &article["image"][0];
    assert_eq!(image["@type"], "ImageObject", "{article}");
    assert_eq!(
        image["url"], "http://test.example/podcast-artwork.png",
        "{article}"
    );
    assert_eq!(
        (image["width"].as_u64(), image["height"].as_u64()),
        (Some(1400), Some(1400))
    );
    let (status, headers, png) = common::get_bytes(&s.router, "/podcast-artwork.png", &[]).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers[header::CONTENT_TYPE], "image/png");
    assert_eq!(png_size(&png), (1400, 1400));
    assert_eq!(
        meta(html, "property", "og:image"),
        ["http://test.example/podcast-artwork.png"]
    );
    assert_eq!(
        meta(html, "name", "twitter:image"),
        ["http://test.example/podcast-artwork.png"]
    );
    assert_eq!(meta(html, "property", "og:image:alt"), ["Arab Press"]);
    assert_eq!(article["publisher"]["@type"], "NewsMediaOrganization");
    assert!(
        article["publisher"]["logo"]["url"]
            .as_str()
            .is_some_and(|u| u.ends_with("/static/img/logo.svg"))
    );
    assert_eq!(v[1]["@type"], "BreadcrumbList");
    assert_eq!(v[1]["itemListElement"].as_array().map(Vec::len), Some(3));
    // The logo it names is served.
    assert_eq!(
        get(&s.router, "/static/img/logo.svg").await.status,
        StatusCode::OK
    );
}

#[tokio::test]
async fn an_article_with_an_image_offers_it_in_three_shapes_and_the_home_page_a_search_action() {
    let s = site().await;
    let home = get(&s.router, "/ar/").await;
    let lead = article_links(&home.body)
        .into_iter()
        .next()
        .unwrap_or_default();
    let page = get(&s.router, &lead).await;
    let json = page
        .body
        .split("<script type=\"application/ld+json\">")
        .nth(1)
        .and_then(|s| s.split("</script>").next())
        .unwrap_or_default();
    let v: serde_json::Value = serde_json::from_str(json).unwrap_or_else(|e| panic!("{e}: {json}"));
    // A theme illustration is not an upload: offered once, with no invented size (uploads
    // get real 16:9, 4:3 and 1:1 crops: see the newsroom's upload test).
    let images = v[0]["image"].as_array().cloned().unwrap_or_default();
    assert_eq!(images.len(), 1, "{v}");
    assert!(
        images[0]["url"]
            .as_str()
            .is_some_and(|u| u.starts_with("http://test.example/static/"))
            && images[0].get("width").is_none()
    );
    assert_eq!(
        meta(&page.body, "name", "twitter:card"),
        ["summary_large_image"]
    );
    assert!(meta(&page.body, "property", "og:image")[0].starts_with("http://test.example/static/"));
    let site_json = home
        .body
        .split("<script type=\"application/ld+json\">")
        .nth(1)
        .and_then(|s| s.split("</script>").next())
        .unwrap_or_default();
    let w: serde_json::Value =
        serde_json::from_str(site_json).unwrap_or_else(|e| panic!("{e}: {site_json}"));
    assert_eq!(w["@type"], "WebSite");
    assert_eq!(
        w["potentialAction"]["target"]["urlTemplate"],
        "http://test.example/ar/search?q={search_term_string}"
    );
    // Search results and error pages are kept out of indexes.
    let search = get(&s.router, "/ar/search?q=x").await;
    assert_eq!(meta(&search.body, "name", "robots"), ["noindex, follow"]);
    let missing = get(&s.router, "/ar/article/nothing-here").await;
    assert_eq!(meta(&missing.body, "name", "robots"), ["noindex"]);
}

// --- content API -------------------------------------------------------------------------

async fn api_key(s: &Site_) -> String {
    s.app.create_api_key("tests").await.unwrap().1
}

#[tokio::test]
async fn the_api_needs_a_live_key_and_answers_errors_in_one_shape() {
    let s = site().await;
    let r = get(&s.router, "/api/v1/sections").await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    assert_eq!(Resp::json(&r)["error"]["code"], "unauthorized");
    let r = get_with(&s.router, "/api/v1/sections", &[("x-api-key", "ap_0000")]).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    let (k, secret) = s.app.create_api_key("partner").await.unwrap();
    let auth = format!("Bearer {secret}");
    let r = get_with(&s.router, "/api/v1/sections", &[("authorization", &auth)]).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(Resp::json(&r).as_array().map(Vec::len), Some(6));
    s.app.store().revoke_api_key(k.id, now()).await.unwrap();
    let r = get_with(&s.router, "/api/v1/sections", &[("authorization", &auth)]).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    let key = api_key(&s).await;
    let h = [("x-api-key", key.as_str())];
    for (path, status, code) in [
        (
            "/api/v1/articles?lang=fr",
            StatusCode::BAD_REQUEST,
            "bad_request",
        ),
        ("/api/v1/articles", StatusCode::BAD_REQUEST, "bad_request"),
        (
            "/api/v1/articles?lang=ar&limit=0",
            StatusCode::BAD_REQUEST,
            "bad_request",
        ),
        (
            "/api/v1/articles?lang=ar&limit=x",
            StatusCode::BAD_REQUEST,
            "bad_request",
        ),
        (
            "/api/v1/articles?lang=ar&cursor=yesterday",
            StatusCode::BAD_REQUEST,
            "bad_request",
        ),
        (
            "/api/v1/articles/999999",
            StatusCode::NOT_FOUND,
            "not_found",
        ),
        (
            "/api/v1/articles/abc",
            StatusCode::BAD_REQUEST,
            "bad_request",
        ),
        (
            "/api/v1/articles/fr/x",
            StatusCode::BAD_REQUEST,
            "bad_request",
        ),
        ("/api/v1/nothing/here", StatusCode::NOT_FOUND, "not_found"),
    ] {
        let r = get_with(&s.router, path, &h).await;
        assert_eq!(r.status, status, "{path}: {}", r.body);
        assert_eq!(Resp::json(&r)["error"]["code"], code, "{path}");
        assert!(
            Resp::json(&r)["error"]["message"]
                .as_str()
                .is_some_and(|m| !m.is_empty())
        );
    }
    // The OpenAPI document is public, version 3.1, and describes every endpoint.
    let doc = Resp::json(&get(&s.router, "/api/v1/openapi.json").await);
    assert!(
        doc["openapi"]
            .as_str()
            .is_some_and(|v| v.starts_with("3.1")),
        "{}",
        doc["openapi"]
    );
    for p in [
        "/api/v1/articles",
        "/api/v1/articles/{id}",
        "/api/v1/articles/{lang}/{slug}",
        "/api/v1/sections",
        "/api/v1/tags",
        "/api/v1/authors",
        "/api/v1/search",
    ] {
        assert!(doc["paths"][p]["get"].is_object(), "{p}");
    }
    assert_eq!(
        doc["components"]["securitySchemes"]["api_key"]["in"],
        "header"
    );
}

#[tokio::test]
async fn cursor_pages_return_every_article_once_while_news_is_published() {
    let s = site().await;
    let key = api_key(&s).await;
    let h = [("x-api-key", key.as_str())];
    let mut seen = Vec::new();
    let mut cursor: Option<String> = None;
    let mut published = 0;
    loop {
        let path = match &cursor {
            Some(c) => format!("/api/v1/articles?lang=en&limit=5&cursor={c}"),
            None => "/api/v1/articles?lang=en&limit=5".to_owned(),
        };
        let page = Resp::json(&get_with(&s.router, &path, &h).await);
        for item in page["items"].as_array().into_iter().flatten() {
            seen.push(item["id"].as_i64().unwrap_or_default());
        }
        // Breaking news between two pages does not shift the pages still to come.
        let mut d = draft(&format!("Breaking story {published}"), &[]);
        d.body_md = format!(
            "A different story, number {published}, about {}.",
            ["ports", "rain", "trade", "roads", "films"][published % 5]
        );
        s.app
            .create_article(d, ArticleStatus::Published, Some(now()))
            .await
            .unwrap();
        published += 1;
        match page["next_cursor"].as_str() {
            Some(c) => cursor = Some(c.to_owned()),
            None => break,
        }
    }
    let mut unique = seen.clone();
    unique.sort_unstable();
    unique.dedup();
    assert_eq!(unique.len(), seen.len(), "an article came twice: {seen:?}");
    let english_at_start = 26;
    assert_eq!(seen.len(), english_at_start, "{seen:?}");
    // One article, by id and by slug, with its body.
    let id = seen[0];
    let a = Resp::json(&get_with(&s.router, &format!("/api/v1/articles/{id}"), &h).await);
    assert!(a["body_html"].as_str().is_some_and(|b| b.contains("<p>")));
    let slug = a["slug"].as_str().unwrap_or_default().to_owned();
    let b = Resp::json(&get_with(&s.router, &format!("/api/v1/articles/en/{slug}"), &h).await);
    assert_eq!(b["id"], id);
    let tags = Resp::json(&get_with(&s.router, "/api/v1/tags?lang=ar", &h).await);
    assert!(
        tags.as_array()
            .is_some_and(|t| !t.is_empty() && t.iter().all(|x| x["lang"] == "ar"))
    );
    let authors = Resp::json(&get_with(&s.router, "/api/v1/authors", &h).await);
    assert_eq!(authors.as_array().map(Vec::len), Some(6));
}

#[tokio::test]
async fn each_key_is_rate_limited() {
    let s = site().await;
    let key = api_key(&s).await;
    let mut limited = None;
    for _ in 0..260 {
        let r = get_with(&s.router, "/api/v1/sections", &[("x-api-key", &key)]).await;
        if r.status == StatusCode::TOO_MANY_REQUESTS {
            limited = Some(r);
            break;
        }
    }
    let r = limited.unwrap_or_else(|| panic!("never limited"));
    assert_eq!(Resp::json(&r)["error"]["code"], "rate_limited");
    assert!(r.headers.get(header::RETRY_AFTER).is_some());
    // Another key has its own budget.
    let other = api_key(&s).await;
    assert_eq!(
        get_with(&s.router, "/api/v1/sections", &[("x-api-key", &other)])
            .await
            .status,
        StatusCode::OK
    );
}

#[tokio::test]
async fn search_api_answers_with_highlighted_runs() {
    let s = site().await;
    let key = api_key(&s).await;
    let r = get_with(
        &s.router,
        "/api/v1/search?q=solar&lang=en",
        &[("x-api-key", &key)],
    )
    .await;
    assert_eq!(r.status, StatusCode::OK);
    let v = Resp::json(&r);
    assert!(v["total"].as_u64().unwrap_or(0) >= 1, "{v}");
    assert_eq!(v["lang"], "en");
    let first = &v["results"][0];
    assert!(
        first["url"]
            .as_str()
            .unwrap_or_default()
            .starts_with("/en/article/"),
        "{v}"
    );
    assert!(
        first["snippet_runs"]
            .as_array()
            .is_some_and(|r| r.iter().any(|x| x["match"] == true)),
        "{v}"
    );
    let r = get_with(
        &s.router,
        "/api/v1/search?q=solar&lang=fr",
        &[("x-api-key", &key)],
    )
    .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert_eq!(Resp::json(&r)["error"]["code"], "bad_request");
}

// --- admin API ---------------------------------------------------------------------------

async fn send(router: &Router, method: &str, path: &str, token: &str, body: &str) -> Resp {
    let req = Request::builder()
        .method(method)
        .uri(path)
        .header("authorization", format!("Bearer {token}"))
        .header("content-type", "application/json")
        .body(Body::from(body.to_owned()))
        .unwrap();
    common::read(arabpress_testkit::send(router, req).await).await
}

async fn member(s: &Site_, email: &str, role: arabpress_core::Role) -> (i64, String) {
    let u = s
        .app
        .create_user(email, email, role, "correct horse battery")
        .await
        .unwrap();
    (u.id, s.app.create_token(u.id, "tests").await.unwrap())
}

fn new_article(headline: &str, status: &str) -> String {
    serde_json::json!({
        "lang": "en", "headline": headline, "standfirst": "A standfirst.",
        "body_md": format!("**Reporter:** What happened to {headline}?\n\n**Witness:** It changed."),
        "kind": "interview", "section": "economy", "tags": ["Ports"], "authors": ["omar-khatib"],
        "status": status,
    })
    .to_string()
}

#[tokio::test]
async fn roles_decide_who_may_publish_through_the_admin_api() {
    use arabpress_core::Role;
    let s = site().await;
    let (_, contributor) = member(&s, "c@example.org", Role::Contributor).await;
    let (_, author) = member(&s, "a@example.org", Role::Author).await;
    let (editor_id, editor) = member(&s, "e@example.org", Role::Editor).await;
    let r = &s.router;
    // A contributor writes drafts but cannot publish them, at creation or later.
    let d = send(
        r,
        "POST",
        "/api/v1/admin/articles",
        &contributor,
        &new_article("Harbour cranes idle", "draft"),
    )
    .await;
    assert_eq!(d.status, StatusCode::CREATED, "{}", d.body);
    let draft = Resp::json(&d);
    assert_eq!(draft["status"], "draft");
    let id = draft["id"].as_i64().unwrap_or_default();
    let refused = send(
        r,
        "POST",
        "/api/v1/admin/articles",
        &contributor,
        &new_article("Cranes restart", "published"),
    )
    .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN, "{}", refused.body);
    assert_eq!(Resp::json(&refused)["error"]["code"], "forbidden");
    let refused = send(
        r,
        "POST",
        &format!("/api/v1/admin/articles/{id}/publish"),
        &contributor,
        "",
    )
    .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    // An author publishes their own articles, not someone else's.
    let own = Resp::json(
        &send(
            r,
            "POST",
            "/api/v1/admin/articles",
            &author,
            &new_article("Port strike ends", "draft"),
        )
        .await,
    );
    let own_id = own["id"].as_i64().unwrap_or_default();
    assert_eq!(
        send(
            r,
            "POST",
            &format!("/api/v1/admin/articles/{own_id}/publish"),
            &author,
            ""
        )
        .await
        .status,
        StatusCode::OK
    );
    assert_eq!(
        send(
            r,
            "POST",
            &format!("/api/v1/admin/articles/{id}/publish"),
            &author,
            ""
        )
        .await
        .status,
        StatusCode::FORBIDDEN
    );
    let mut edit: serde_json::Value =
        serde_json::from_str(&new_article("Harbour cranes idle again", "draft"))
            .unwrap_or_default();
    edit["version"] = draft["version"].clone();
    if let Some(o) = edit.as_object_mut() {
        o.remove("status");
    }
    assert_eq!(
        send(
            r,
            "PUT",
            &format!("/api/v1/admin/articles/{id}"),
            &author,
            &edit.to_string()
        )
        .await
        .status,
        StatusCode::FORBIDDEN
    );
    // An editor edits and publishes anyone's; the public page appears and the audit log says who.
    let saved = send(
        r,
        "PUT",
        &format!("/api/v1/admin/articles/{id}"),
        &editor,
        &edit.to_string(),
    )
    .await;
    assert_eq!(saved.status, StatusCode::OK, "{}", saved.body);
    // The contributor's copy of version 1 is now stale: their save is refused, not lost silently.
    let stale = send(
        r,
        "PUT",
        &format!("/api/v1/admin/articles/{id}"),
        &contributor,
        &edit.to_string(),
    )
    .await;
    assert_eq!(stale.status, StatusCode::CONFLICT, "{}", stale.body);
    let published = Resp::json(
        &send(
            r,
            "POST",
            &format!("/api/v1/admin/articles/{id}/publish"),
            &editor,
            "{}",
        )
        .await,
    );
    assert_eq!(published["status"], "published");
    let page = get(r, published["url"].as_str().unwrap_or_default()).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body.contains("<b>Reporter</b>"),
        "interview turns render"
    );
    let log = s
        .app
        .store()
        .audit_of("article", id)
        .await
        .unwrap_or_default();
    assert_eq!(
        log.last().map(|e| (e.action.as_str(), e.user_id)),
        Some(("published", Some(editor_id)))
    );
    let gone = send(
        r,
        "POST",
        &format!("/api/v1/admin/articles/{id}/unpublish"),
        &editor,
        "",
    )
    .await;
    assert_eq!(gone.status, StatusCode::OK);
    assert_eq!(
        get(r, published["url"].as_str().unwrap_or_default())
            .await
            .status,
        StatusCode::GONE
    );
}

#[tokio::test]
async fn the_admin_api_refuses_bad_tokens_and_bad_json_with_a_message() {
    use arabpress_core::Role;
    let s = site().await;
    let (id, token) = member(&s, "x@example.org", Role::Editor).await;
    let r = &s.router;
    let none = send(
        r,
        "POST",
        "/api/v1/admin/articles",
        "",
        &new_article("x", "draft"),
    )
    .await;
    assert_eq!(none.status, StatusCode::UNAUTHORIZED);
    let wrong = send(
        r,
        "POST",
        "/api/v1/admin/articles",
        "apt_nope",
        &new_article("x", "draft"),
    )
    .await;
    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
    // An API key is not a personal token.
    let key = api_key(&s).await;
    assert_eq!(
        send(
            r,
            "POST",
            "/api/v1/admin/articles",
            &key,
            &new_article("x", "draft")
        )
        .await
        .status,
        StatusCode::UNAUTHORIZED
    );
    for (body, needle) in [
        ("{not json", "JSON"),
        ("{\"lang\": \"en\"}", "missing field"),
        (&new_article("", "draft"), "headline"),
        (
            &new_article("Fine", "published").replace("economy", "no-such-section"),
            "section",
        ),
        (&new_article("Fine", "scheduled"), "publish_at"),
        (
            &new_article("Fine", "draft").replace("\"interview\"", "\"poem\""),
            "unknown variant",
        ),
    ] {
        let res = send(r, "POST", "/api/v1/admin/articles", &token, body).await;
        assert_eq!(res.status, StatusCode::BAD_REQUEST, "{body}: {}", res.body);
        let v = Resp::json(&res);
        assert_eq!(v["error"]["code"], "bad_request");
        assert!(
            v["error"]["message"]
                .as_str()
                .is_some_and(|m| m.contains(needle)),
            "{needle}: {v}"
        );
    }
    assert_eq!(
        s.app.store().count_articles().await.unwrap_or_default(),
        52,
        "nothing was saved"
    );
    // A deactivated user's token stops working at once.
    s.app.store().set_active(id, false).await.unwrap();
    assert_eq!(
        send(
            r,
            "POST",
            "/api/v1/admin/articles",
            &token,
            &new_article("x", "draft")
        )
        .await
        .status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        send(r, "POST", "/api/v1/admin/articles/1/unpublish", &token, "")
            .await
            .status,
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test]
async fn a_scheduled_article_goes_live_on_time_everywhere_at_once() {
    use arabpress_core::Role;
    let s = site().await;
    let (_, editor) = member(&s, "sched@example.org", Role::Editor).await;
    let r = &s.router;
    let due = now() + jiff::SignedDuration::from_secs(60);
    let mut body: serde_json::Value =
        serde_json::from_str(&new_article("Embargoed budget figures", "scheduled"))
            .unwrap_or_default();
    body["publish_at"] = serde_json::json!(due.to_string());
    let created = send(
        r,
        "POST",
        "/api/v1/admin/articles",
        &editor,
        &body.to_string(),
    )
    .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
    let a = Resp::json(&created);
    assert_eq!(a["status"], "scheduled");
    let url = a["url"].as_str().unwrap_or_default().to_owned();
    // Before its time: nowhere, and the pages seen now are cached.
    let home = get(r, "/en/").await;
    assert!(!home.body.contains(&url));
    assert_eq!(get(r, &url).await.status, StatusCode::NOT_FOUND);
    assert!(
        !get(r, "/en/rss.xml")
            .await
            .body
            .contains("Embargoed budget figures")
    );
    assert!(
        s.app.run_due().await.unwrap_or_default().is_empty(),
        "not due yet"
    );
    // At its time the worker publishes it, once, and every cached view shows it.
    s.clock.set(due + jiff::SignedDuration::from_secs(1));
    let published = s.app.run_due().await.unwrap();
    assert_eq!(published.len(), 1);
    assert!(
        s.app.run_due().await.unwrap_or_default().is_empty(),
        "published once"
    );
    assert!(
        get(r, "/en/").await.body.contains(&url),
        "the cached home page was refreshed"
    );
    assert_eq!(get(r, &url).await.status, StatusCode::OK);
    assert!(
        get(r, "/en/rss.xml")
            .await
            .body
            .contains("Embargoed budget figures")
    );
    assert!(get(r, "/en/section/economy").await.body.contains(&url));
    let key = api_key(&s).await;
    let found = Resp::json(
        &get_with(
            r,
            "/api/v1/search?q=embargoed&lang=en",
            &[("x-api-key", &key)],
        )
        .await,
    );
    assert_eq!(found["total"], 1, "{found}");
    let id = a["id"].as_i64().unwrap_or_default();
    let log = s
        .app
        .store()
        .audit_of("article", id)
        .await
        .unwrap_or_default();
    let actions: Vec<&str> = log.iter().map(|e| e.action.as_str()).collect();
    assert_eq!(actions, ["scheduled", "published"]);
}

#[tokio::test]
async fn pages_name_what_they_show_for_a_cdn() {
    let s = site().await;
    let home = get(&s.router, "/en/").await;
    let lead = article_links(&home.body)
        .into_iter()
        .next()
        .unwrap_or_default();
    let page = get(&s.router, &lead).await;
    let h = |name: &str| {
        page.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned()
    };
    let keys = h("surrogate-key");
    assert!(
        keys.split(' ').any(|k| k.starts_with("article:")) && keys.contains("section:"),
        "{keys}"
    );
    assert_eq!(h("cache-tag"), keys.replace(' ', ","));
    assert!(h("cache-control").contains("stale-while-revalidate"));
}

/// A contributor's change to a published article waits for an editor: the API answers 202
/// "saved for review", the page and feed keep the published text, and the editor's apply
/// publishes it with an audit line.
async fn live_changes_by_contributors_wait_for_review(s: Site_) {
    use arabpress_core::Role;
    let (_, contributor) = member(&s, "c@example.org", Role::Contributor).await;
    let (editor_id, editor) = member(&s, "e@example.org", Role::Editor).await;
    let r = &s.router;
    let d = Resp::json(
        &send(
            r,
            "POST",
            "/api/v1/admin/articles",
            &contributor,
            &new_article("Harbour cranes idle", "in_review"),
        )
        .await,
    );
    let id = d["id"].as_i64().unwrap_or_default();
    let published = Resp::json(
        &send(
            r,
            "POST",
            &format!("/api/v1/admin/articles/{id}/publish"),
            &editor,
            "{}",
        )
        .await,
    );
    assert_eq!(published["status"], "published", "{published}");
    let url = published["url"].as_str().unwrap_or_default().to_owned();
    let mut edit: serde_json::Value =
        serde_json::from_str(&new_article("Harbour cranes sold off", "draft")).unwrap_or_default();
    edit["version"] = published["version"].clone();
    if let Some(o) = edit.as_object_mut() {
        o.remove("status");
    }
    let saved = send(
        r,
        "PUT",
        &format!("/api/v1/admin/articles/{id}"),
        &contributor,
        &edit.to_string(),
    )
    .await;
    assert_eq!(saved.status, StatusCode::ACCEPTED, "{}", saved.body);
    let v = Resp::json(&saved);
    assert_eq!(v["outcome"], "pending_review");
    assert!(
        v["message"]
            .as_str()
            .unwrap_or_default()
            .starts_with("saved for review"),
        "{v}"
    );
    assert_eq!(v["article"]["headline"], "Harbour cranes idle");
    let page = get(r, &url).await;
    assert!(
        page.body.contains("Harbour cranes idle") && !page.body.contains("sold off"),
        "the live page is unchanged"
    );
    let feed = get(r, "/en/rss.xml").await;
    assert!(
        feed.body.contains("Harbour cranes idle") && !feed.body.contains("sold off"),
        "the feed is unchanged"
    );
    let pending = s
        .app
        .store()
        .pending_revisions(Some(id))
        .await
        .unwrap_or_default();
    assert_eq!(pending.len(), 1);
    let editor_user = s
        .app
        .store()
        .user_by_id(editor_id)
        .await
        .ok()
        .flatten()
        .unwrap_or_else(|| panic!("no editor"));
    let a = s
        .app
        .apply_pending_as(
            &editor_user,
            id,
            pending[0].id,
            published["version"].as_i64().unwrap_or_default(),
        )
        .await
        .unwrap();
    assert_eq!(a.status, ArticleStatus::Published);
    let page = get(
        r,
        &arabpress_render::views::article_url(a.summary.lang, &a.summary.slug),
    )
    .await;
    assert!(page.body.contains("Harbour cranes sold off"), "applied");
    assert!(
        get(r, "/en/rss.xml")
            .await
            .body
            .contains("Harbour cranes sold off")
    );
    let log = s
        .app
        .store()
        .audit_of("article", id)
        .await
        .unwrap_or_default();
    assert_eq!(
        log.last().map(|e| (e.action.as_str(), e.user_id)),
        Some(("revision_applied", Some(editor_id)))
    );
}

common::both_sites!(
    live_changes_by_contributors_wait_for_review,
    super::live_changes_by_contributors_wait_for_review
);

/// Tokens expire (401 with a JSON error saying so), and revoked tokens are refused.
#[tokio::test]
async fn expired_and_revoked_tokens_are_refused() {
    use arabpress_core::Role;
    let s = site().await;
    let u = s
        .app
        .create_user("t@example.org", "T", Role::Author, "correct horse battery")
        .await
        .unwrap();
    let short = s.app.create_token_for_days(u.id, "short", 1).await.unwrap();
    assert!(matches!(
        s.app.create_token_for_days(u.id, "never", 0).await,
        Err(arabpress_app::AppError::Invalid(_))
    ));
    let long = s.app.create_token(u.id, "long").await.unwrap();
    let r = &s.router;
    let probe =
        |t: String| async move { send(r, "POST", "/api/v1/admin/articles", &t, "{}").await };
    assert_eq!(probe(short.clone()).await.status, StatusCode::BAD_REQUEST);
    s.clock
        .set(s.app.now() + jiff::SignedDuration::from_hours(25));
    let expired = probe(short).await;
    assert_eq!(expired.status, StatusCode::UNAUTHORIZED, "{}", expired.body);
    assert_eq!(Resp::json(&expired)["error"]["code"], "unauthorized");
    assert!(
        Resp::json(&expired)["error"]["message"]
            .as_str()
            .unwrap_or_default()
            .contains("expired"),
        "{}",
        expired.body
    );
    assert_eq!(probe(long.clone()).await.status, StatusCode::BAD_REQUEST);
    let tokens = s
        .app
        .tokens(Some("t@example.org"))
        .await
        .unwrap_or_default();
    let id = tokens
        .iter()
        .find(|t| t.name == "long")
        .map(|t| t.id)
        .unwrap_or_default();
    s.app.revoke_token(id, None).await.unwrap();
    assert_eq!(probe(long).await.status, StatusCode::UNAUTHORIZED);
    assert!(matches!(
        s.app.revoke_token(id, None).await,
        Err(arabpress_app::AppError::Invalid(_))
    ));
    assert!(matches!(
        s.app.revoke_token(9_999, None).await,
        Err(arabpress_app::AppError::NotFound)
    ));
}

/// With an https base_url every response carries HSTS; with http none does.
#[tokio::test]
async fn hsts_follows_the_base_url() {
    let s = common::site_at("https://news.example").await;
    let r = get_with(&s.router, "/ar/", &[("host", "127.0.0.1:8080")]).await;
    assert_eq!(
        r.headers
            .get(header::STRICT_TRANSPORT_SECURITY)
            .and_then(|v| v.to_str().ok()),
        Some("max-age=31536000")
    );
    let plain = site().await;
    let r = get_with(&plain.router, "/ar/", &[("host", "news.example")]).await;
    assert!(!r.headers.contains_key(header::STRICT_TRANSPORT_SECURITY));
}

/// The `<img class="card-image" …>` tags of a page, in order.
fn card_images(html: &str) -> Vec<&str> {
    html.match_indices("<img class=\"card-image\"")
        .filter_map(|(i, _)| html.get(i..).and_then(|t| t.split('>').next()))
        .collect()
}

#[tokio::test]
async fn the_first_image_a_reader_sees_is_fetched_first_and_the_rest_lazily() {
    let s = site().await;
    for path in [
        "/ar/",
        "/en/",
        "/en/section/economy",
        "/ar/section/politics",
    ] {
        let page = get(&s.router, path).await;
        let images = card_images(&page.body);
        let Some((first, rest)) = images.split_first() else {
            panic!("{path}: no card images");
        };
        assert!(
            first.contains("fetchpriority=\"high\"") && !first.contains("loading="),
            "{path}: {first}"
        );
        for img in rest {
            assert!(
                img.contains("loading=\"lazy\"") && !img.contains("fetchpriority"),
                "{path}: {img}"
            );
        }
    }
    // The home page's lead is drawn in three fifths of the page on a desktop, the whole
    // width on a phone; its `sizes` says so when it has resized copies.
    let home = get(&s.router, "/en/").await;
    let lead = card_images(&home.body)[0];
    assert!(
        !lead.contains("sizes=") || lead.contains("(min-width: 72rem) 41rem"),
        "{lead}"
    );
}

/// An article says when it was published in the style its cards use (the month named),
/// with the time, the zone and, on Arabic pages, the Hijri date beside it.
#[tokio::test]
async fn articles_give_their_date_time_zone_and_hijri_date() {
    let s = site().await;
    let times = |html: &str| {
        html.split("<p class=\"story-times\">")
            .nth(1)
            .and_then(|t| t.split("</p>").next())
            .unwrap_or_default()
            .to_owned()
    };
    let home = get(&s.router, "/ar/").await.body;
    let href = home
        .split("href=\"/ar/article/")
        .nth(1)
        .and_then(|h| h.split('"').next())
        .unwrap_or_default();
    let ar = times(&get(&s.router, &format!("/ar/article/{href}")).await.body);
    assert!(
        ar.contains("(غرينتش") && ar.contains("الموافق ") && ar.contains(" هـ"),
        "{ar}"
    );
    let shown = ar
        .split("</time>")
        .next()
        .and_then(|t| t.rsplit('>').next())
        .unwrap_or_default();
    assert!(
        !shown.is_empty() && !shown.contains('/'),
        "the month is named, not numbered: {ar}"
    );
    let en = times(
        &get(
            &s.router,
            "/en/article/economist-dalia-farouk-bread-prices-are-a-barometer-of-trust",
        )
        .await
        .body,
    );
    assert!(en.contains("(GMT") && !en.contains("الموافق"), "{en}");
}

/// A card names its section, except inside that section's own block or page.
#[tokio::test]
async fn cards_do_not_repeat_the_section_they_sit_in() {
    let s = site().await;
    let home = get(&s.router, "/en/").await.body;
    let latest = home
        .split("class=\"latest\"")
        .nth(1)
        .and_then(|b| b.split("</section>").next())
        .unwrap_or_default();
    assert!(latest.contains("class=\"card-kicker\""), "{latest}");
    let blocks: Vec<&str> = home
        .split("class=\"section-block\"")
        .skip(1)
        .map(|b| b.split("</section>").next().unwrap_or_default())
        .collect();
    assert!(!blocks.is_empty(), "{home}");
    assert!(
        blocks.iter().all(|b| !b.contains("card-kicker")),
        "{blocks:?}"
    );
    let section = get(&s.router, "/en/section/politics").await;
    assert_eq!(section.status, StatusCode::OK);
    assert!(
        section.body.contains("class=\"card\"") && !section.body.contains("card-kicker"),
        "{}",
        section.body
    );
    let tag = get(&s.router, "/en/tag/water").await;
    assert!(
        tag.body.contains("card-kicker"),
        "a tag page names each card's section"
    );
}

/// Every page's footer leads to the newsletter, search and the feeds, each of which answers.
#[tokio::test]
async fn the_footer_leads_to_the_newsletter_search_and_feeds() {
    let s = site().await;
    let page = get(&s.router, "/ar/").await.body;
    let footer = page
        .split("<footer class=\"site-footer\">")
        .nth(1)
        .unwrap_or_default();
    for path in [
        "/ar/newsletter",
        "/ar/search",
        "/ar/rss.xml",
        "/ar/atom.xml",
        "/ar/feed.json",
    ] {
        assert!(
            footer.contains(&format!("href=\"{path}\"")),
            "{path}: {footer}"
        );
        assert_eq!(get(&s.router, path).await.status, StatusCode::OK, "{path}");
    }
}

/// The width and height a PNG's header declares.
fn png_size(png: &[u8]) -> (u32, u32) {
    assert!(png.starts_with(b"\x89PNG\r\n\x1a\n"), "not a PNG");
    let be = |at: usize| u32::from_be_bytes([png[at], png[at + 1], png[at + 2], png[at + 3]]);
    (be(16), be(20))
}

/// The site says who publishes it, how to reach the newsroom and what it corrected: the
/// footer of every page leads to the three pages, in both languages; the corrections page
/// lists corrections of public articles in its own language, newest first, and follows
/// publishing and withdrawing at once; the publisher's structured data names the policy.
async fn the_site_says_who_publishes_it_and_what_it_corrected(s: Site_) {
    for lang in Lang::ALL {
        let home = get(&s.router, &format!("/{lang}/")).await.body;
        let footer = home
            .split("<footer class=\"site-footer\">")
            .nth(1)
            .unwrap_or_default();
        for page in ["about", "contact", "corrections"] {
            let path = format!("/{lang}/{page}");
            assert!(footer.contains(&format!("href=\"{path}\"")), "{path}");
            let r = get(&s.router, &path).await;
            assert_eq!(r.status, StatusCode::OK, "{path}");
            assert!(
                r.body.contains(&format!(
                    "href=\"http://test.example/{}/{page}\"",
                    lang.other()
                )),
                "{path} links its translation"
            );
        }
        assert!(
            home.contains(&format!(
                "\"correctionsPolicy\":\"http://test.example/{lang}/corrections\""
            )),
            "{home}"
        );
    }
    let about = get(&s.router, "/ar/about").await.body;
    assert!(
        about.contains("<h1 id=\"info-title\">عن عرب برس</h1>"),
        "{about}"
    );
    assert!(about.contains("href=\"/ar/section/economy\""), "{about}");
    let contact = get(&s.router, "/en/contact").await.body;
    assert!(contact.contains("href=\"mailto:newsroom@arabpress.example\""));

    let ar = get(&s.router, "/ar/corrections").await.body;
    assert!(ar.contains("والصحيح أنها بدأت يوم الإثنين"), "{ar}");
    assert!(ar.contains("href=\"/ar/article/"), "{ar}");
    assert!(
        !ar.contains("3.6 per cent"),
        "an English correction on the Arabic page"
    );
    let en = get(&s.router, "/en/corrections").await.body;
    assert!(en.contains("It was 3.6 per cent."), "{en}");
    assert!(!en.contains("يوم الإثنين"));

    let a = s
        .app
        .create_article(
            draft("Port reopens after storm", &[]),
            ArticleStatus::Draft,
            None,
        )
        .await
        .unwrap();
    s.app.publish(a.summary.id, None).await.unwrap();
    s.app
        .add_correction(a.summary.id, "The port reopened on Tuesday, not Monday.")
        .await
        .unwrap();
    let en = get(&s.router, "/en/corrections").await.body;
    let new = en.find("not Monday.").unwrap_or_else(|| panic!("{en}"));
    let old = en
        .find("It was 3.6 per cent.")
        .unwrap_or_else(|| panic!("{en}"));
    assert!(new < old, "the newest correction comes first");
    assert!(en.contains("href=\"/en/article/port-reopens-after-storm\""));
    s.app.unpublish(a.summary.id).await.unwrap();
    let en = get(&s.router, "/en/corrections").await.body;
    assert!(
        !en.contains("not Monday."),
        "a withdrawn article's correction stays listed"
    );
    assert!(en.contains("It was 3.6 per cent."));
}

common::both_sites!(
    the_site_says_who_publishes_it_and_what_it_corrected,
    super::the_site_says_who_publishes_it_and_what_it_corrected
);

/// Phones get a home-screen icon, browsers a PNG icon, and podcast directories an artwork
/// and an owner with an address, drawn from the theme's own pictures when no logo was
/// uploaded; already-compressed files are sent as they are, whatever the client accepts.
#[tokio::test]
async fn phones_and_podcast_directories_get_the_sites_pictures() {
    let s = site().await;
    let home = get(&s.router, "/ar/").await.body;
    assert!(home.contains("<link rel=\"apple-touch-icon\" href=\"/apple-touch-icon.png\">"));
    let compressed = [("accept-encoding", "br, gzip")];
    for (path, side) in [
        ("/apple-touch-icon.png", 180),
        ("/icon-192.png", 192),
        ("/podcast-artwork.png", 1400),
    ] {
        let (status, headers, png) = common::get_bytes(&s.router, path, &compressed).await;
        assert_eq!(status, StatusCode::OK, "{path}");
        assert_eq!(headers[header::CONTENT_TYPE], "image/png", "{path}");
        assert!(headers.get(header::CONTENT_ENCODING).is_none(), "{path}");
        assert_eq!(png_size(&png), (side, side), "{path}");
    }
    let podcast = get(&s.router, "/ar/podcast.xml").await.body;
    assert!(
        podcast.contains("<itunes:image href=\"http://test.example/podcast-artwork.png\"/>"),
        "{podcast}"
    );
    assert!(podcast.contains(
        "<itunes:owner><itunes:name>عرب برس</itunes:name><itunes:email>newsroom@arabpress.example</itunes:email></itunes:owner>"
    ), "{podcast}");
    // Without a public address, the owner is written to where the site's mail comes from:
    // directories refuse a feed whose owner has no address.
    s.app
        .store()
        .save_site_settings(
            &[("contact_email".to_owned(), "null".to_owned())],
            None,
            now(),
        )
        .await
        .unwrap();
    s.app.load_settings().await.unwrap();
    let podcast = get(&s.router, "/ar/podcast.xml").await.body;
    assert!(podcast.contains(
        "<itunes:owner><itunes:name>عرب برس</itunes:name><itunes:email>newsletter@test.example</itunes:email></itunes:owner>"
    ), "{podcast}");
}

/// The house font is served from the site itself: every face the stylesheet names exists,
/// as WOFF2 sent without another compression, an Arabic page's regular and bold (Arabic
/// and Latin in one file each) together within 100 KB, with the font's licence beside them.
#[tokio::test]
async fn the_house_font_is_served_by_the_site() {
    let s = site().await;
    let css = get(&s.router, "/static/site.css").await.body;
    let files: Vec<&str> = css
        .split("url(\"fonts/")
        .skip(1)
        .filter_map(|x| x.split('"').next())
        .collect();
    assert_eq!(files.len(), 8, "{files:?}");
    assert!(css.contains("font-display: swap"));
    let mut arabic = 0;
    for f in &files {
        let path = format!("/static/fonts/{f}");
        let (status, headers, bytes) =
            common::get_bytes(&s.router, &path, &[("accept-encoding", "br")]).await;
        assert_eq!(status, StatusCode::OK, "{path}");
        assert_eq!(headers[header::CONTENT_TYPE], "font/woff2", "{path}");
        assert!(headers.get(header::CONTENT_ENCODING).is_none(), "{path}");
        assert!(bytes.starts_with(b"wOF2"), "{path}");
        if f.starts_with("plex-sans-arabic-ar-") {
            arabic += bytes.len();
        }
    }
    assert!(
        arabic > 0 && arabic <= 100 * 1024,
        "Arabic faces: {arabic} bytes"
    );
    let licence = get(&s.router, "/static/fonts/OFL.txt").await;
    assert_eq!(licence.status, StatusCode::OK);
    assert!(licence.body.contains("SIL Open Font License"));
}

/// A beacon as a reader's browser sends it, with `extra` headers in place of its own.
async fn beacon(router: &Router, body: &str, extra: &[(&str, &str)]) -> StatusCode {
    let mut req = Request::builder()
        .method("POST")
        .uri("/reads")
        .body(Body::from(body.to_owned()))
        .unwrap();
    let h = req.headers_mut();
    for (k, v) in [
        (
            "content-type",
            "application/x-www-form-urlencoded;charset=UTF-8",
        ),
        (
            "user-agent",
            "Mozilla/5.0 (X11; Linux x86_64; rv:140.0) Gecko/20100101 Firefox/140.0",
        ),
        ("sec-fetch-site", "same-origin"),
    ]
    .iter()
    .chain(extra)
    {
        h.insert(
            header::HeaderName::from_bytes(k.as_bytes()).unwrap(),
            v.parse().unwrap(),
        );
    }
    common::read(arabpress_testkit::send(router, req).await)
        .await
        .status
}

/// The most-read list of a page, as its links in order.
fn most_read_of(html: &str) -> Vec<String> {
    html.split("<ol class=\"most-read-list\">")
        .nth(1)
        .and_then(|x| x.split("</ol>").next())
        .map(article_links)
        .unwrap_or_default()
}

/// Readings are counted without tracking and add up across nodes: a reader's beacon
/// counts; one from a browser that opts out (`DNT`, `Sec-GPC`), a robot or another site
/// does not, and the answer does not tell; what two nodes count adds up exactly in the
/// store; the home page and the section's first page show the most-read stories in order,
/// and a withdrawn story leaves the list.
async fn readings_are_counted_without_tracking_and_add_up_across_nodes(s: Site_) {
    let q = arabpress_store::ListQuery::latest(Lang::En, 50, now());
    let pool = s.app.store().list(&q).await.unwrap().items;
    let (a, b, c) = (&pool[2], &pool[5], &pool[7]);
    assert!(most_read_of(&get(&s.router, "/en/").await.body).is_empty());
    // Node A is this site; node B another app over the same database.
    let node_b = arabpress_testkit::app_in_memory(
        s.app.store(),
        jiff::tz::TimeZone::UTC,
        std::sync::Arc::clone(&s.clock),
    );
    let form = |id: i64| format!("a={id}&r=https%3A%2F%2Fwww.google.com%2Fsearch%3Fq%3Dsecret");
    for _ in 0..30 {
        assert_eq!(
            beacon(&s.router, &form(b.id), &[]).await,
            StatusCode::NO_CONTENT
        );
    }
    for _ in 0..20 {
        assert!(node_b.count_read(b.id, ""));
        assert!(node_b.count_read(a.id, "https://news.example.org/today"));
    }
    for _ in 0..5 {
        assert_eq!(
            beacon(&s.router, &form(c.id), &[]).await,
            StatusCode::NO_CONTENT
        );
    }
    // Not counted, and answered the same.
    for extra in [
        [("dnt", "1")],
        [("sec-gpc", "1")],
        [("sec-fetch-site", "cross-site")],
        [("user-agent", "Mozilla/5.0 (compatible; Googlebot/2.1)")],
    ] {
        for _ in 0..100 {
            assert_eq!(
                beacon(&s.router, &form(c.id), &extra).await,
                StatusCode::NO_CONTENT
            );
        }
    }
    for bad in ["", "a=", "a=-4", "a=x", "r=https%3A%2F%2Fx.example"] {
        assert_eq!(
            beacon(&s.router, bad, &[]).await,
            StatusCode::BAD_REQUEST,
            "{bad:?}"
        );
    }
    let big = format!("a=1&r={}", "x".repeat(5000));
    assert_eq!(
        beacon(&s.router, &big, &[]).await,
        StatusCode::PAYLOAD_TOO_LARGE
    );
    // A made-up article is dropped when written, not stored.
    assert_eq!(
        beacon(&s.router, "a=987654321", &[]).await,
        StatusCode::NO_CONTENT
    );
    assert_eq!(s.app.flush_reads().await.unwrap(), 35);
    assert_eq!(node_b.flush_reads().await.unwrap(), 40);
    assert_eq!(node_b.flush_reads().await.unwrap(), 0, "flushed twice");
    let since = now().as_second() - 3600;
    let reads = |id| s.app.store().reads_of(id, since);
    assert_eq!(
        (
            reads(b.id).await.unwrap(),
            reads(a.id).await.unwrap(),
            reads(c.id).await.unwrap()
        ),
        (50, 20, 5)
    );

    // The pages show them in order once they are rendered again (they are kept a while).
    s.app.cache().clear();
    let home = get(&s.router, "/en/").await.body;
    let want: Vec<String> = [b, a, c]
        .iter()
        .map(|x| format!("/en/article/{}", x.slug))
        .collect();
    assert_eq!(most_read_of(&home), want, "{home}");
    assert!(home.contains("<h2 id=\"most-read-title\" class=\"block-title\">Most read</h2>"));
    let sections = s.app.sections().await.unwrap();
    let sec = sections.iter().find(|x| x.id == b.section_id).unwrap();
    let page = get(&s.router, &format!("/en/section/{}", sec.slug))
        .await
        .body;
    let in_section: Vec<&String> = want
        .iter()
        .zip([b, a, c])
        .filter(|(_, x)| x.section_id == sec.id)
        .map(|(u, _)| u)
        .collect();
    assert_eq!(most_read_of(&page).iter().collect::<Vec<_>>(), in_section);
    // The Arabic pages count Arabic readings only.
    assert!(most_read_of(&get(&s.router, "/ar/").await.body).is_empty());
    // A withdrawn story leaves the list at once.
    s.app.unpublish(b.id).await.unwrap();
    let home = get(&s.router, "/en/").await.body;
    assert_eq!(most_read_of(&home), want[1..].to_vec());
}

common::both_sites!(
    readings_are_counted_without_tracking_and_add_up_across_nodes,
    super::readings_are_counted_without_tracking_and_add_up_across_nodes
);

/// The ribbon of a page: its story's link, if it shows one.
fn ribbon_of(html: &str) -> Option<String> {
    html.split("<aside class=\"breaking\"")
        .nth(1)
        .and_then(|x| x.split("</aside>").next())
        .and_then(|x| article_links(x).into_iter().next())
}

/// The breaking-news ribbon: an editor shows a published story above every page of its
/// language at once (cached pages included, on every node through the change feed), the
/// other language keeps its pages, a contributor may not, a draft cannot be shown, the
/// ribbon leaves by itself when its hours are over and at once when removed.
async fn breaking_news_shows_on_every_page_of_its_language_until_it_ends(s: Site_) {
    use arabpress_core::Role;
    let (editor, _) = member(&s, "desk@arabpress.example", Role::Editor).await;
    let (writer, _) = member(&s, "writer@arabpress.example", Role::Contributor).await;
    let editor = s.app.store().user_by_id(editor).await.unwrap().unwrap();
    let writer = s.app.store().user_by_id(writer).await.unwrap().unwrap();
    let q = arabpress_store::ListQuery::latest(Lang::En, 50, now());
    let pool = s.app.store().list(&q).await.unwrap().items;
    let story = &pool[4];
    let url = format!("/en/article/{}", story.slug);
    let pages = [
        "/en/",
        "/en/section/economy",
        "/en/about",
        "/en/search?q=water",
        url.as_str(),
    ];
    for p in pages {
        assert_eq!(ribbon_of(&get(&s.router, p).await.body), None, "{p}");
    }
    let arabic = get(&s.router, "/ar/").await.body;
    // A node that follows the change feed, with its own cached pages.
    let node_b = arabpress_testkit::app_in_memory(
        s.app.store(),
        jiff::tz::TimeZone::UTC,
        std::sync::Arc::clone(&s.clock),
    );
    node_b.start_following().await.unwrap();
    let b_router = arabpress_web::router(node_b.clone());
    assert_eq!(ribbon_of(&get(&b_router, "/en/").await.body), None);

    let refused = s.app.show_breaking_as(&writer, story.id, 6).await;
    assert!(
        matches!(refused, Err(arabpress_app::AppError::Forbidden(_))),
        "{refused:?}"
    );
    for hours in [0, 49] {
        let r = s.app.show_breaking_as(&editor, story.id, hours).await;
        assert!(r.is_err_and(|e| e.to_string().contains("1 to 48 hours")));
    }
    let until = s.app.show_breaking_as(&editor, story.id, 6).await.unwrap();
    for p in pages {
        let page = get(&s.router, p).await;
        assert_eq!(ribbon_of(&page.body), Some(url.clone()), "{p}");
        assert!(page.header("surrogate-key").contains("breaking"), "{p}");
    }
    assert_eq!(
        get(&s.router, "/ar/").await.body,
        arabic,
        "the Arabic pages keep theirs"
    );
    node_b.follow_changes().await.unwrap();
    assert_eq!(
        ribbon_of(&get(&b_router, "/en/").await.body),
        Some(url.clone()),
        "node B"
    );
    let audit = s.app.store().audit_of("article", story.id).await.unwrap();
    assert!(
        audit.iter().any(|a| a.action == "breaking_shown"),
        "{audit:?}"
    );

    assert!(s.app.remove_breaking_as(&editor, story.id).await.unwrap());
    assert!(!s.app.remove_breaking_as(&editor, story.id).await.unwrap());
    for p in pages {
        assert_eq!(ribbon_of(&get(&s.router, p).await.body), None, "{p}");
    }
    // Shown again, its hours over, the pages lose it by themselves.
    let again = s.app.show_breaking_as(&editor, story.id, 2).await.unwrap();
    assert!(again < until);
    assert_eq!(
        ribbon_of(&get(&s.router, "/en/").await.body),
        Some(url.clone())
    );
    s.clock.set(again);
    for p in pages {
        assert_eq!(ribbon_of(&get(&s.router, p).await.body), None, "{p}");
    }
    // Withdrawn while on the ribbon, it leaves every page at once, those that never listed
    // it included.
    s.clock.set(now());
    s.app.show_breaking_as(&editor, story.id, 2).await.unwrap();
    assert_eq!(
        ribbon_of(&get(&s.router, "/en/about").await.body),
        Some(url.clone())
    );
    s.app.unpublish(story.id).await.unwrap();
    assert_eq!(ribbon_of(&get(&s.router, "/en/about").await.body), None);
    // Only what readers may read goes on it.
    let draft = s
        .app
        .create_article(draft("Not yet out", &[]), ArticleStatus::Draft, None)
        .await
        .unwrap();
    let r = s.app.show_breaking_as(&editor, draft.summary.id, 6).await;
    assert!(r.is_err_and(|e| e.to_string().contains("only a published article")));
}

common::both_sites!(
    breaking_news_shows_on_every_page_of_its_language_until_it_ends,
    super::breaking_news_shows_on_every_page_of_its_language_until_it_ends
);
