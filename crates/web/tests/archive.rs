//! `arabpress export` and `import arabpress`: the demo site (with an uploaded image, a
//! subscriber and a user) written to an archive and restored into an empty site serves
//! the same bytes on every public page, and its own archive is the same file. A damaged or
//! cut-short archive restores nothing, and a site with content refuses one.

// clippy.toml allows these in #[test] functions; this covers the helpers too.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use arabpress_core::{Lang, Role};
use arabpress_testkit::png;
use common::{Site_, empty_site, empty_site_on_postgres, get, site};

async fn export(s: &Site_) -> Vec<u8> {
    let mut out = Vec::new();
    s.app
        .export_archive(&mut out, false, |_, _| {})
        .await
        .unwrap_or_else(|e| panic!("export: {e}"));
    out
}

/// Every public address of a site: home pages, each article, section, tag and author
/// page, feeds, sitemaps, a search, and the uploaded image's copies.
async fn addresses(s: &Site_, media: &[String]) -> Vec<String> {
    let mut out: Vec<String> = vec![
        "/ar/".into(),
        "/en/".into(),
        "/sitemap.xml".into(),
        "/sitemap-pages.xml".into(),
        "/sitemap-news.xml".into(),
        "/robots.txt".into(),
        "/ar/search?q=%D8%A7%D9%84%D8%AE%D8%A8%D8%B2".into(),
        "/en/search?q=bread".into(),
    ];
    for lang in [Lang::Ar, Lang::En] {
        for feed in ["rss.xml", "atom.xml", "feed.json"] {
            out.push(format!("/{lang}/{feed}"));
        }
        let q = arabpress_store::ListQuery::latest(lang, 200, common::now());
        let page = s.app.store().list(&q).await.unwrap();
        for a in &page.items {
            out.push(format!("/{lang}/article/{}", a.slug));
        }
        for sec in s.app.store().sections().await.unwrap() {
            out.push(format!("/{lang}/section/{}", sec.slug));
        }
        for a in s.app.store().authors().await.unwrap() {
            out.push(format!("/{lang}/author/{}", a.slug));
        }
    }
    for lang in [Lang::Ar, Lang::En] {
        let from = arabpress_store::TagsFrom::Start;
        for t in s
            .app
            .store()
            .tags_page(lang, "", from, 10_000)
            .await
            .unwrap()
        {
            out.push(format!("/{}/tag/{}", t.lang, t.slug));
        }
    }
    out.extend(media.iter().cloned());
    out.into_iter()
        .map(|p| {
            p.split('/')
                .map(|seg| {
                    if seg.is_ascii() {
                        seg.to_owned()
                    } else {
                        seg.bytes().map(|b| format!("%{b:02X}")).collect()
                    }
                })
                .collect::<Vec<_>>()
                .join("/")
        })
        .collect()
}

#[tokio::test]
async fn an_archive_restores_a_site_that_serves_the_same_pages() {
    let a = site().await;
    let editor = a
        .app
        .create_user(
            "desk@example.org",
            "Desk Editor",
            Role::Editor,
            "a long enough password",
        )
        .await
        .unwrap();
    let img = a.app.upload_image(&editor, png(1200, 675)).await.unwrap();
    let report = a
        .app
        .import_subscribers("email,langs,lists\nreader@example.org,ar,digest breaking\n")
        .await
        .unwrap();
    assert_eq!(report.added, 1);
    let media = vec![
        img.url.clone(),
        img.url.replace(".jpg", ".webp"),
        format!("/media/{}/crop-16x9.jpg", img.sha256),
    ];

    let archive = export(&a).await;
    let text = String::from_utf8_lossy(&archive);
    let header = text.lines().next().unwrap_or_default();
    assert!(
        header.contains("\"format\":\"arabpress-archive\""),
        "{header}"
    );
    assert!(!text.contains("$argon2"), "no password hashes unless asked");
    assert!(
        text.lines()
            .last()
            .is_some_and(|l| l.starts_with("{\"end\""))
    );

    let paths = addresses(&a, &media).await;
    let b = empty_site().await;
    restore_and_compare(&a, &b, &archive, &paths).await;
    // The same archive restores onto PostgreSQL (a site moving from one engine to the other).
    if let Some(pg) = empty_site_on_postgres().await {
        restore_and_compare(&a, &pg, &archive, &paths).await;
    }

    // The subscriber and the account came across; the account needs a new password.
    let subs = b
        .app
        .store()
        .subscribers(&arabpress_store::SubscriberQuery::default())
        .await
        .unwrap();
    assert_eq!(subs.items.len(), 1);
    assert!(
        b.app
            .verify_login("desk@example.org", "a long enough password")
            .await
            .unwrap()
            .is_none()
    );
    b.app
        .reset_password("desk@example.org", "another long password")
        .await
        .unwrap();
    assert!(
        b.app
            .verify_login("desk@example.org", "another long password")
            .await
            .unwrap()
            .is_some()
    );

    // A site with content refuses an archive.
    let refused = b.app.import_archive(archive.as_slice(), |_| {}).await;
    assert!(
        refused
            .as_ref()
            .is_err_and(|e| e.to_string().contains("empty site")),
        "{refused:?}"
    );
}

/// Restores `archive` into the empty site `b`, then checks that every page of `paths` is
/// the same on `a` and `b`, and that `b`'s own archive is the same file.
async fn restore_and_compare(a: &Site_, b: &Site_, archive: &[u8], paths: &[String]) {
    let restored = b
        .app
        .import_archive(archive, |_| {})
        .await
        .unwrap_or_else(|e| panic!("restore: {e}"));
    assert!(restored.rows() > 100, "{restored:?}");
    assert_eq!(
        restored.media_files,
        u64::try_from(img_files(a).await).unwrap_or(0)
    );
    b.app.rebuild_search_index(&|_, _| {}).await.unwrap();
    let mut served = 0;
    for path in paths {
        let (x, y) = (get(&a.router, path).await, get(&b.router, path).await);
        served += usize::from(x.status == 200);
        assert_eq!(y.status, x.status, "{path}");
        assert!(y.body == x.body, "{path} differs after the round trip");
    }
    assert!(served > 80, "{served} of {} pages served", paths.len());
    // The near-duplicate index is written again from the restored articles.
    let first = a.app.store().articles_for_index(0, 1).await.unwrap();
    let x = first.first().expect("a published article");
    let fp = x.fingerprint.expect("a fingerprint");
    let near = |s: &Site_| {
        let store = s.app.store().clone();
        async move {
            let found = store
                .fingerprint_candidates(x.summary.lang, -1, fp, (16, 11), 1)
                .await
                .unwrap();
            found.iter().map(|f| f.id).collect::<Vec<_>>()
        }
    };
    let (before, after) = (near(a).await, near(b).await);
    assert!(before.contains(&x.summary.id), "{before:?}");
    assert_eq!(after, before);
    assert!(
        export(b).await == archive,
        "the restored site's own archive is the same file"
    );
}

async fn img_files(s: &Site_) -> usize {
    let dir = s.app.media_dir().unwrap().to_path_buf();
    let mut n = 0;
    let mut stack = vec![dir];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            if e.path().is_dir() {
                stack.push(e.path());
            } else {
                n += 1;
            }
        }
    }
    n
}

#[tokio::test]
async fn a_damaged_archive_restores_nothing() {
    let a = site().await;
    let archive = String::from_utf8(export(&a).await).unwrap();
    let lines: Vec<&str> = archive.lines().collect();
    let cut = lines[..lines.len() - 1].join("\n");
    let mut damaged: Vec<String> = lines.iter().map(|l| (*l).to_owned()).collect();
    damaged[20] = damaged[20].replace("\"row\"", "\"rwo\"");
    let wrong_column = archive.replacen("\"headline\"", "\"headline; DROP TABLE users\"", 1);
    for (what, bad, needle) in [
        ("cut short", cut, "without its end line"),
        ("a damaged line", damaged.join("\n"), "line 21"),
        (
            "an unknown column",
            wrong_column,
            "not one this version has",
        ),
        (
            "not an archive",
            "{\"hello\": 1}\n".to_owned(),
            "not an arabpress archive",
        ),
    ] {
        let b = empty_site().await;
        let r = b.app.import_archive(bad.as_bytes(), |_| {}).await;
        assert!(
            r.as_ref().is_err_and(|e| e.to_string().contains(needle)),
            "{what}: {r:?}"
        );
        assert!(
            b.app.store().is_empty_site().await.unwrap(),
            "{what}: nothing restored"
        );
        assert_eq!(img_files(&b).await, 0, "{what}: no media written");
    }
}

/// The values an archive written with secrets holds in secret columns and tables.
fn secret_values(archive: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for line in archive.lines() {
        let v: serde_json::Value = serde_json::from_str(line).unwrap_or_default();
        let (Some(table), Some(row)) = (v["table"].as_str(), v["row"].as_object()) else {
            continue;
        };
        let column = match table {
            "users" => "password_hash",
            "webhooks" => "secret",
            "api_keys" => "key_hash",
            "personal_tokens" => "token_hash",
            "site_keys" => "value",
            _ => continue,
        };
        if let Some(s) = row.get(column).and_then(|x| x.as_str()) {
            out.push((format!("{table}.{column}"), s.to_owned()));
        }
    }
    out
}

#[tokio::test]
async fn an_archive_holds_secrets_only_when_asked_and_restores_either_way() {
    let a = site().await;
    let admin = a
        .app
        .create_user(
            "admin@example.org",
            "Site Admin",
            Role::Admin,
            "a long enough password",
        )
        .await
        .unwrap();
    let hook = a
        .app
        .create_webhook_as(
            &admin,
            "https://hooks.example.org/in",
            &["article.published".to_owned()],
        )
        .await
        .unwrap();
    a.app.create_api_key("partner").await.unwrap();
    a.app.create_token(admin.id, "laptop").await.unwrap();
    // The newsletter's link-signing key exists once a link has been signed.
    let link = a
        .app
        .link_token(
            arabpress_app::LinkPurpose::Unsubscribe,
            1,
            "reader@example.org",
        )
        .await
        .unwrap();

    let mut with = Vec::new();
    a.app
        .export_archive(&mut with, true, |_, _| {})
        .await
        .unwrap();
    let with = String::from_utf8(with).unwrap();
    let secrets = secret_values(&with);
    for kind in [
        "users.password_hash",
        "webhooks.secret",
        "api_keys.key_hash",
        "personal_tokens.token_hash",
        "site_keys.value",
    ] {
        assert!(
            secrets.iter().any(|(k, v)| k == kind && !v.is_empty()),
            "with secrets, the archive holds {kind}"
        );
    }
    assert!(with.contains(&hook.secret));

    let without = String::from_utf8(export(&a).await).unwrap();
    for (kind, value) in secrets.iter().filter(|(_, v)| !v.is_empty()) {
        assert!(
            !without.contains(value.as_str()),
            "without secrets, {kind} must not be in the archive"
        );
    }
    assert!(
        without.contains("hooks.example.org"),
        "the webhook itself is kept"
    );

    // Without secrets: the webhook gets a new key nobody had, the site a new link key, so a
    // link signed with the old key no longer works.
    let b = empty_site().await;
    let report = b
        .app
        .import_archive(without.as_bytes(), |_| {})
        .await
        .unwrap_or_else(|e| panic!("restore without secrets: {e}"));
    assert_eq!(report.new_webhook_secrets, 1);
    let hooks = b.app.store().webhooks().await.unwrap();
    assert_eq!(hooks.len(), 1);
    assert!(hooks[0].secret.starts_with("whsec_") && hooks[0].secret != hook.secret);
    let relinked = b
        .app
        .link_token(
            arabpress_app::LinkPurpose::Unsubscribe,
            1,
            "reader@example.org",
        )
        .await
        .unwrap();
    assert_ne!(relinked, link, "a new link-signing key");

    // With secrets: everything comes back as it was.
    let c = empty_site().await;
    let report = c
        .app
        .import_archive(with.as_bytes(), |_| {})
        .await
        .unwrap_or_else(|e| panic!("restore with secrets: {e}"));
    assert_eq!(report.new_webhook_secrets, 0);
    let hooks = c.app.store().webhooks().await.unwrap();
    assert_eq!(hooks[0].secret, hook.secret);
    let same = c
        .app
        .link_token(
            arabpress_app::LinkPurpose::Unsubscribe,
            1,
            "reader@example.org",
        )
        .await
        .unwrap();
    assert_eq!(same, link, "the link-signing key came back");
    assert!(
        c.app
            .verify_login("admin@example.org", "a long enough password")
            .await
            .unwrap()
            .is_some()
    );
}
