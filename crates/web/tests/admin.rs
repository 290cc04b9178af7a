//! The newsroom through its router: first-run setup, sign-in and its limits, each role
//! against each action, CSRF, concurrent edits, scheduling with a controlled clock,
//! revisions, uploads, invitations and sessions.

// clippy.toml allows these in #[test] functions; this covers the helpers too.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use arabpress_core::{ArticleStatus, Role};
use arabpress_testkit::png;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use std::net::SocketAddr;

mod common;
use common::browser::{Browser, PASSWORD, Upload, csrf_of, signed_in, with_users};
use common::{Resp, Site_, get, site};

fn version_of(html: &str) -> String {
    html.split("name=\"version\" value=\"")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .unwrap_or_default()
        .to_owned()
}

impl Browser<'_> {
    /// Saves the editor's form (multipart, as the browser sends it) with an optional file.
    async fn save(&mut self, path: &str, fields: &[(&str, &str)], file: Option<&[u8]>) -> Resp {
        let upload = file.map(|bytes| Upload {
            field: "image_file",
            filename: "photo.png",
            content_type: "image/png",
            bytes,
        });
        self.post_multipart(path, fields, upload).await
    }
}

fn location(r: &Resp) -> String {
    r.header("location").to_owned()
}

fn article_id(r: &Resp) -> i64 {
    let loc = location(r);
    loc.trim_start_matches("/admin/articles/")
        .split('?')
        .next()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("no article in {loc:?}: {} {}", r.status, r.body))
}

/// The editor's fields for a new Arabic interview, with the CSRF token and version.
fn story<'a>(
    csrf: &'a str,
    version: &'a str,
    headline: &'a str,
    action: &'a str,
) -> Vec<(&'a str, &'a str)> {
    vec![
        ("csrf", csrf),
        ("version", version),
        ("lang", "ar"),
        ("headline", headline),
        ("standfirst", "حوار عن المياه في المنطقة"),
        (
            "body",
            "**رنا قاسم:** ما الذي تغيّر؟\n\n**سامي حداد:** صار للمزارع والمهندس الأرقام نفسها.",
        ),
        ("kind", "interview"),
        ("section", "world"),
        ("tags", "مياه، جفاف"),
        ("author", "layla-haddad"),
        ("author", ""),
        ("slug", ""),
        ("action", action),
    ]
}

/// Creates an article through the editor as `b`; returns its id.
async fn write(b: &mut Browser<'_>, headline: &str, action: &str) -> i64 {
    let csrf = csrf_of(&b.get("/admin/articles/new").await.body);
    let r = b
        .save(
            "/admin/articles",
            &story(&csrf, "0", headline, action),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    article_id(&r)
}

#[tokio::test]
async fn the_first_visit_sets_up_the_owner_once() {
    let s = site().await;
    let mut b = Browser::new(&s);
    let r = b.get("/admin").await;
    assert_eq!(
        (r.status, location(&r).as_str()),
        (StatusCode::SEE_OTHER, "/admin/setup")
    );
    let page = b.get("/admin/setup?lang=ar").await;
    assert!(
        page.body.contains("dir=\"rtl\"") && page.body.contains("إعداد غرفة الأخبار"),
        "{}",
        page.body
    );
    // Without the form's token: refused, nothing created.
    let r = b
        .post(
            "/admin/setup",
            &[
                ("email", "o@x.example"),
                ("name", "O"),
                ("password", PASSWORD),
                ("lang", "ar"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert!(s.app.needs_setup().await.unwrap_or(false));
    // A short password: a clear message, the typed name kept.
    let r = b
        .submit(
            "/admin/setup",
            "/admin/setup",
            &[
                ("email", "o@x.example"),
                ("name", "Layla"),
                ("password", "short"),
                ("lang", "en"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.body.contains("at least 10 characters") && r.body.contains("value=\"Layla\""),
        "{}",
        r.body
    );
    let r = b
        .submit(
            "/admin/setup",
            "/admin/setup",
            &[
                ("email", "o@x.example"),
                ("name", "Layla"),
                ("password", PASSWORD),
                ("lang", "en"),
            ],
        )
        .await;
    assert_eq!(
        (r.status, location(&r).as_str()),
        (StatusCode::SEE_OTHER, "/admin")
    );
    let cookie = r
        .headers
        .get(header::SET_COOKIE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    assert!(
        cookie.starts_with("ap_session=")
            && cookie.contains("HttpOnly")
            && cookie.contains("SameSite=Lax")
            && cookie.contains("Path=/admin"),
        "{cookie}"
    );
    assert!(
        !cookie.contains("Secure"),
        "no Secure cookie on loopback: {cookie}"
    );
    let dash = b.get("/admin").await;
    assert_eq!(dash.status, StatusCode::OK);
    assert!(
        dash.body.contains("Layla") && dash.body.contains("lang=\"en\""),
        "{}",
        dash.body
    );
    let owner = s
        .app
        .store()
        .user_by_email("o@x.example")
        .await
        .ok()
        .flatten()
        .map(|(u, _)| u.role);
    assert_eq!(owner, Some(Role::Owner));
    // Setup is gone once an account exists.
    let mut other = Browser::new(&s);
    let r = other.get("/admin/setup").await;
    assert_eq!(location(&r), "/admin/login");
    let r = other
        .submit(
            "/admin/login",
            "/admin/setup",
            &[
                ("email", "x@x.example"),
                ("name", "X"),
                ("password", PASSWORD),
            ],
        )
        .await;
    assert_eq!(location(&r), "/admin/login");
    assert_eq!(s.app.store().count_users().await.ok(), Some(1));
}

#[tokio::test]
async fn cookies_are_secure_when_base_url_is_https_and_pages_carry_security_headers() {
    // An http base_url (local use): no Secure flag, whatever Host says.
    let plain = site().await;
    with_users(&plain).await;
    let mut b = Browser::new(&plain);
    b.host = "news.example";
    let r = b.login("editor@x.example", PASSWORD).await;
    let cookie = r
        .headers
        .get(header::SET_COOKIE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    assert!(
        cookie.starts_with("ap_session=") && !cookie.contains("Secure"),
        "{cookie}"
    );
    assert!(!r.headers.contains_key(header::STRICT_TRANSPORT_SECURITY));
    // An https base_url: Secure even when a proxy passes Host: 127.0.0.1, and HSTS.
    let s = common::site_at("https://news.example").await;
    with_users(&s).await;
    let mut b = Browser::new(&s);
    b.host = "127.0.0.1";
    let r = b.login("editor@x.example", PASSWORD).await;
    let cookie = r
        .headers
        .get(header::SET_COOKIE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    assert!(cookie.contains("; Secure"), "{cookie}");
    assert_eq!(
        r.headers
            .get(header::STRICT_TRANSPORT_SECURITY)
            .and_then(|v| v.to_str().ok()),
        Some("max-age=31536000")
    );
    let page = b.get("/admin/articles/new").await;
    let h = |name: &str| {
        page.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned()
    };
    let csp = h("content-security-policy");
    assert!(
        csp.contains("script-src 'self'")
            && !csp.contains("unsafe-inline")
            && csp.contains("frame-ancestors 'none'"),
        "{csp}"
    );
    assert_eq!(h("x-content-type-options"), "nosniff");
    assert!(!h("referrer-policy").is_empty());
    assert_eq!(h("cache-control"), "no-store");
    assert!(
        h("x-robots-tag").contains("noindex")
            && page
                .body
                .contains("<meta name=\"robots\" content=\"noindex")
    );
    assert!(!page.body.contains("<script>"), "no inline script");
}

#[tokio::test]
async fn sign_in_is_limited_per_account_and_per_address() {
    let s = site().await;
    with_users(&s).await;
    let mut b = Browser::new(&s);
    for _ in 0..5 {
        let r = b.login("author@x.example", "wrong password!").await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED);
        assert!(
            r.body.contains("Wrong email address or password"),
            "{}",
            r.body
        );
        assert!(
            r.body.contains("value=\"author@x.example\""),
            "the address is kept"
        );
    }
    // Now even the right password is refused for that account, with a clear message…
    let r = b.login("author@x.example", PASSWORD).await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(
        r.body.contains("Too many failed sign-ins") && r.headers.contains_key(header::RETRY_AFTER),
        "{}",
        r.body
    );
    // …but only from that address: the owner elsewhere still signs in (an attacker cannot
    // lock anyone out)…
    let mut elsewhere = Browser::new(&s);
    elsewhere.ip = "198.51.100.7:1".parse().unwrap();
    assert_eq!(
        elsewhere.login("author@x.example", PASSWORD).await.status,
        StatusCode::SEE_OTHER
    );
    // …and other accounts too.
    assert_eq!(
        elsewhere.login("editor@x.example", PASSWORD).await.status,
        StatusCode::SEE_OTHER
    );
    // One address failing on many accounts is stopped too.
    let mut bot = Browser::new(&s);
    bot.ip = "203.0.113.9:1".parse().unwrap();
    for i in 0..20 {
        let r = bot
            .login(&format!("nobody{i}@x.example"), "guess guess guess")
            .await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    }
    assert_eq!(
        bot.login("editor@x.example", PASSWORD).await.status,
        StatusCode::TOO_MANY_REQUESTS
    );
    // After the window, the account signs in again.
    s.clock
        .set(s.app.now() + jiff::SignedDuration::from_mins(16));
    assert_eq!(
        b.login("author@x.example", PASSWORD).await.status,
        StatusCode::SEE_OTHER
    );
}

#[tokio::test]
async fn forwarded_for_names_the_client_only_from_a_trusted_proxy_on_sqlite() {
    forwarded_for_names_the_client_only_from_a_trusted_proxy(site().await).await;
}

#[tokio::test]
async fn forwarded_for_names_the_client_only_from_a_trusted_proxy_on_postgres() {
    match common::site_on_postgres().await {
        Some(s) => forwarded_for_names_the_client_only_from_a_trusted_proxy(s).await,
        None => eprintln!("ARABPRESS_TEST_POSTGRES unset: PostgreSQL half skipped"),
    }
}

/// Sign-in failures are counted per client address; `X-Forwarded-For` names that address
/// only when the connection comes from a trusted proxy.
async fn forwarded_for_names_the_client_only_from_a_trusted_proxy(mut s: Site_) {
    with_users(&s).await;
    let proxies = arabpress_web::TrustedProxies::parse(&["10.0.0.0/8"]).unwrap();
    s.router = arabpress_web::router_behind(s.app.clone(), proxies);
    // A client that is not a proxy names a new address on every try: it is still counted
    // at its own, and locked out there.
    let mut direct = Browser::new(&s);
    for i in 0..5 {
        direct.forwarded_for = Some(format!("198.51.100.{i}"));
        let r = direct.login("author@x.example", "wrong password!").await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    }
    direct.forwarded_for = Some("198.51.100.99".into());
    assert_eq!(
        direct.login("author@x.example", PASSWORD).await.status,
        StatusCode::TOO_MANY_REQUESTS,
        "a spoofed X-Forwarded-For does not move the limit to another address"
    );
    // Behind the trusted proxy, each client is counted at the address the proxy names.
    let mut guesser = Browser::new(&s);
    guesser.ip = "10.0.0.5:40000".parse().unwrap();
    guesser.forwarded_for = Some("203.0.113.77".into());
    for _ in 0..5 {
        let r = guesser.login("editor@x.example", "wrong password!").await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    }
    assert_eq!(
        guesser.login("editor@x.example", PASSWORD).await.status,
        StatusCode::TOO_MANY_REQUESTS
    );
    let mut owner = Browser::new(&s);
    owner.ip = "10.0.0.5:40001".parse().unwrap();
    owner.forwarded_for = Some("203.0.113.78".into());
    assert_eq!(
        owner.login("editor@x.example", PASSWORD).await.status,
        StatusCode::SEE_OTHER,
        "another client behind the same proxy is not locked out"
    );
}

#[tokio::test]
async fn each_role_may_do_what_it_should_and_nothing_more() {
    let s = site().await;
    with_users(&s).await;
    let mut contributor = signed_in(&s, "contributor").await;
    let mut author = signed_in(&s, "author").await;
    let mut editor = signed_in(&s, "editor").await;
    let mut admin = signed_in(&s, "admin").await;

    // Contributor: drafts and review, never publishing.
    let draft = write(&mut contributor, "مسودة المساهم", "save").await;
    let csrf = csrf_of(&contributor.get("/admin/articles/new").await.body);
    let r = contributor
        .save(
            "/admin/articles",
            &story(&csrf, "0", "نشر مباشر", "publish"),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert!(r.body.contains("value=\"نشر مباشر\""), "the text is kept");
    let page = contributor.get(&format!("/admin/articles/{draft}")).await;
    assert!(
        !page.body.contains("value=\"publish\""),
        "no publish button for a contributor"
    );
    let r = contributor
        .save(
            &format!("/admin/articles/{draft}"),
            &story(&csrf_of(&page.body), "1", "مسودة المساهم", "publish"),
            None,
        )
        .await;
    assert_eq!(
        r.status,
        StatusCode::FORBIDDEN,
        "the rule holds without the button"
    );
    let r = contributor
        .save(
            &format!("/admin/articles/{draft}"),
            &story(&csrf_of(&page.body), "1", "مسودة المساهم", "review"),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let a = s
        .app
        .store()
        .article_by_id(draft)
        .await
        .ok()
        .flatten()
        .map(|a| a.status);
    assert_eq!(a, Some(ArticleStatus::InReview));
    assert_eq!(
        contributor.get("/admin/users").await.status,
        StatusCode::FORBIDDEN
    );

    // Author: publishes their own, cannot touch someone else's.
    let own = write(&mut author, "خبر الكاتب", "publish").await;
    assert_eq!(
        get(
            &s.router,
            &s.app
                .store()
                .article_by_id(own)
                .await
                .ok()
                .flatten()
                .map(|a| format!("/ar/article/{}", a.summary.slug))
                .unwrap_or_default()
        )
        .await
        .status,
        StatusCode::OK
    );
    assert_eq!(
        author.get(&format!("/admin/articles/{draft}")).await.status,
        StatusCode::FORBIDDEN
    );
    let csrf = csrf_of(&author.get("/admin/articles/new").await.body);
    let r = author
        .save(
            &format!("/admin/articles/{draft}"),
            &story(&csrf, "2", "استيلاء", "publish"),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(
        author.get("/admin/users").await.status,
        StatusCode::FORBIDDEN
    );

    // Editor: edits and publishes anyone's; withdraws; no user management.
    let page = editor.get(&format!("/admin/articles/{draft}")).await;
    assert_eq!(page.status, StatusCode::OK);
    let v = version_of(&page.body);
    let r = editor
        .save(
            &format!("/admin/articles/{draft}"),
            &story(
                &csrf_of(&page.body),
                &v,
                "مسودة المساهم بعد التحرير",
                "publish",
            ),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let page = editor.get(&format!("/admin/articles/{own}")).await;
    let v = s
        .app
        .store()
        .article_by_id(own)
        .await
        .ok()
        .flatten()
        .map(|a| a.version.to_string())
        .unwrap_or_default();
    let r = editor
        .save(
            &format!("/admin/articles/{own}"),
            &story(&csrf_of(&page.body), &v, "خبر الكاتب", "unpublish"),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(
        s.app
            .store()
            .article_by_id(own)
            .await
            .ok()
            .flatten()
            .map(|a| a.status),
        Some(ArticleStatus::Unpublished)
    );
    assert_eq!(
        editor.get("/admin/users").await.status,
        StatusCode::FORBIDDEN
    );
    let r = editor
        .submit(
            "/admin",
            "/admin/users/invite",
            &[("email", "new@x.example"), ("role", "editor")],
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);

    // Admin: people and roles, but not the owner's.
    assert_eq!(admin.get("/admin/users").await.status, StatusCode::OK);
    let contributor_id = s
        .app
        .store()
        .user_by_email("contributor@x.example")
        .await
        .ok()
        .flatten()
        .map(|(u, _)| u.id)
        .unwrap_or_default();
    let owner_id = s
        .app
        .store()
        .user_by_email("owner@x.example")
        .await
        .ok()
        .flatten()
        .map(|(u, _)| u.id)
        .unwrap_or_default();
    let r = admin
        .submit(
            "/admin/users",
            &format!("/admin/users/{contributor_id}/role"),
            &[("role", "author")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let r = admin
        .submit(
            "/admin/users",
            &format!("/admin/users/{owner_id}/role"),
            &[("role", "contributor")],
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = admin
        .submit(
            "/admin/users",
            &format!("/admin/users/{owner_id}/active"),
            &[("active", "0")],
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);

    // The audit log names who published, withdrew and changed roles.
    let log = |entity: &'static str, id: i64| {
        let store = s.app.store().clone();
        async move {
            store
                .audit_of(entity, id)
                .await
                .unwrap_or_default()
                .into_iter()
                .map(|e| e.action)
                .collect::<Vec<_>>()
        }
    };
    assert!(log("article", own).await.contains(&"published".to_owned()));
    assert!(
        log("article", own)
            .await
            .contains(&"unpublished".to_owned())
    );
    assert!(
        log("user", contributor_id)
            .await
            .contains(&"role_changed".to_owned())
    );
}

#[tokio::test]
async fn forms_without_the_session_token_change_nothing() {
    let s = site().await;
    with_users(&s).await;
    let mut b = signed_in(&s, "editor").await;
    let id = write(&mut b, "خبر محمي", "save").await;
    for token in ["", "0000000000000000deadbeefdeadbeef"] {
        let r = b
            .save(
                &format!("/admin/articles/{id}"),
                &story(token, "1", "عنوان مزوّر", "publish"),
                None,
            )
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
        for path in ["/admin/logout", "/admin/account/password", "/admin/preview"] {
            let r = b
                .post(
                    path,
                    &[
                        ("csrf", token),
                        ("current", PASSWORD),
                        ("new", "another password"),
                    ],
                )
                .await;
            assert_eq!(r.status, StatusCode::FORBIDDEN, "{path}");
        }
    }
    let a = s.app.store().article_by_id(id).await.ok().flatten();
    assert_eq!(
        a.map(|a| (a.summary.headline, a.status)),
        Some(("خبر محمي".to_owned(), ArticleStatus::Draft))
    );
    assert_eq!(
        b.get("/admin").await.status,
        StatusCode::OK,
        "still signed in"
    );
}

#[tokio::test]
async fn a_second_save_of_the_same_version_is_refused_and_keeps_its_text() {
    let s = site().await;
    with_users(&s).await;
    let mut first = signed_in(&s, "editor").await;
    let mut second = signed_in(&s, "admin").await;
    let id = write(&mut first, "خبر مشترك", "save").await;
    let path = format!("/admin/articles/{id}");
    let (p1, p2) = (first.get(&path).await.body, second.get(&path).await.body);
    assert!(
        p1.contains("name=\"version\" value=\"1\"") && p2.contains("name=\"version\" value=\"1\"")
    );
    let r = first
        .save(
            &path,
            &story(&csrf_of(&p1), "1", "تعديل المحرر الأول", "save"),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let r = second
        .save(
            &path,
            &story(&csrf_of(&p2), "1", "تعديل المحرر الثاني", "save"),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert!(
        r.body.contains("Someone else saved this article") || r.body.contains("حفظ شخص آخر"),
        "{}",
        r.body
    );
    assert!(
        r.body.contains("value=\"تعديل المحرر الثاني\""),
        "the second editor's text is still there"
    );
    let a = s.app.store().article_by_id(id).await.ok().flatten();
    assert_eq!(
        a.map(|a| a.summary.headline),
        Some("تعديل المحرر الأول".to_owned())
    );
}

/// A form field that is not UTF-8 is refused with a message naming it, not read with
/// replacement characters; nothing is saved and the rest of the text comes back.
#[tokio::test]
async fn an_editor_field_that_is_not_utf8_is_refused() {
    let s = site().await;
    with_users(&s).await;
    let mut b = signed_in(&s, "editor").await;
    let csrf = csrf_of(&b.get("/admin/articles/new").await.body);
    let boundary = "----arabpress-test-boundary";
    let mut body = Vec::new();
    for (k, v) in story(&csrf, "0", "PLACEHOLDER", "save") {
        body.extend_from_slice(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n")
                .as_bytes(),
        );
        if k == "headline" {
            body.extend_from_slice(b"Harbour \xff\xfe reopens");
        } else {
            body.extend_from_slice(v.as_bytes());
        }
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    let before = s.app.store().count_articles().await.ok();
    let r = b
        .send(
            "POST",
            "/admin/articles",
            Some(format!("multipart/form-data; boundary={boundary}")),
            body,
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(
        r.body.contains("نص الحقل «headline» ليس بترميز UTF-8 صالح"),
        "{}",
        r.body
    );
    assert_eq!(s.app.store().count_articles().await.ok(), before);
}

#[tokio::test]
async fn a_scheduled_article_goes_live_when_its_time_comes() {
    let s = site().await;
    with_users(&s).await;
    let mut b = signed_in(&s, "editor").await;
    let csrf = csrf_of(&b.get("/admin/articles/new").await.body);
    let mut fields = story(&csrf, "0", "خبر مجدول للنشر", "schedule");
    // A time already past is refused with a clear message, the text kept.
    fields.push(("publish_at", "2026-02-07T09:00"));
    let r = b.save("/admin/articles", &fields, None).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("value=\"خبر مجدول للنشر\""));
    fields.pop();
    // The site's zone is UTC here; one hour ahead of the test clock.
    fields.push(("publish_at", "2026-02-07T11:00:00"));
    let r = b.save("/admin/articles", &fields, None).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let id = article_id(&r);
    let a = s
        .app
        .store()
        .article_by_id(id)
        .await
        .ok()
        .flatten()
        .unwrap_or_else(|| panic!("saved"));
    assert_eq!(a.status, ArticleStatus::Scheduled);
    let url = format!("/ar/article/{}", a.summary.slug);
    assert!(
        b.get("/admin").await.body.contains("خبر مجدول للنشر"),
        "the dashboard lists it as scheduled"
    );
    assert_eq!(get(&s.router, &url).await.status, StatusCode::NOT_FOUND);
    assert!(
        !get(&s.router, "/ar/")
            .await
            .body
            .contains("خبر مجدول للنشر")
    );
    assert_eq!(
        s.app.run_due().await.unwrap_or_default(),
        Vec::<i64>::new(),
        "not yet"
    );
    s.clock
        .set(s.app.now() + jiff::SignedDuration::from_mins(61));
    assert_eq!(s.app.run_due().await.unwrap_or_default(), vec![id]);
    assert_eq!(get(&s.router, &url).await.status, StatusCode::OK);
    assert!(
        get(&s.router, "/ar/")
            .await
            .body
            .contains("خبر مجدول للنشر"),
        "the home page shows it at once"
    );
    assert!(
        get(&s.router, "/ar/rss.xml")
            .await
            .body
            .contains("خبر مجدول للنشر")
    );
    assert_eq!(
        s.app.run_due().await.unwrap_or_default(),
        Vec::<i64>::new(),
        "published once"
    );
}

#[tokio::test]
async fn revisions_are_listed_compared_and_restored() {
    let s = site().await;
    with_users(&s).await;
    let mut b = signed_in(&s, "editor").await;
    let id = write(&mut b, "العنوان الأول", "save").await;
    let path = format!("/admin/articles/{id}");
    let csrf = csrf_of(&b.get(&path).await.body);
    let r = b
        .save(&path, &story(&csrf, "1", "العنوان الثاني", "save"), None)
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let list = b.get(&format!("{path}/revisions")).await;
    assert_eq!(list.status, StatusCode::OK);
    assert!(
        list.body.contains("العنوان الأول")
            && list.body.contains("العنوان الثاني")
            && list.body.contains(">editor<"),
        "{}",
        list.body
    );
    let diff = b.get(&format!("{path}/revisions?from=1&to=2")).await;
    assert!(
        diff.body.contains("<del>− العنوان الأول</del>")
            && diff.body.contains("<ins>+ العنوان الثاني</ins>"),
        "{}",
        diff.body
    );
    let r = b
        .submit(
            &format!("{path}/revisions"),
            &format!("{path}/restore"),
            &[("revision", "1"), ("version", "2")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let a = s
        .app
        .store()
        .article_by_id(id)
        .await
        .ok()
        .flatten()
        .unwrap_or_else(|| panic!("article"));
    assert_eq!(
        (a.summary.headline.as_str(), a.version),
        ("العنوان الأول", 3)
    );
    let restored = b.get(&location(&r)).await;
    assert!(restored.body.contains("١"), "{}", restored.body);
    // Publishing advances the version without a revision: the list still counts 1, 2, 3…
    // in the member's digits.
    let r = b
        .save(&path, &story(&csrf, "3", "العنوان الأول", "publish"), None)
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let a = s.app.store().article_by_id(id).await.unwrap().unwrap();
    let count = s.app.store().revisions(id).await.unwrap().len();
    assert_ne!(a.version as usize, count, "the version has a gap");
    let list = b.get(&format!("{path}/revisions")).await;
    let current = arabpress_render::messages::to_arabic_digits(&count.to_string());
    assert!(
        list.body.contains(&format!("<td>{current} (")),
        "{}",
        list.body
    );
    // Restoring from an outdated page is refused like any stale save.
    let r = b
        .submit(
            &format!("{path}/revisions"),
            &format!("{path}/restore"),
            &[("revision", "2"), ("version", "2")],
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert_eq!(
        s.app
            .store()
            .revisions(id)
            .await
            .map(|r| r.len())
            .unwrap_or_default(),
        count,
        "nothing added"
    );
}

fn leftovers(dir: &std::path::Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .map(|d| {
            d.filter_map(|e| e.ok())
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default()
}

#[tokio::test]
async fn uploads_are_checked_resized_and_served_with_webp() {
    let s = site().await;
    with_users(&s).await;
    let mut b = signed_in(&s, "editor").await;
    let csrf = csrf_of(&b.get("/admin/articles/new").await.body);
    // Not an image (whatever its name says): refused, the text kept, nothing stored.
    let mut fields = story(&csrf, "0", "خبر مع صورة", "publish");
    fields.push(("image_alt", "نهر في الصباح"));
    let r = b
        .save(
            "/admin/articles",
            &fields,
            Some(b"<?php echo 'not an image'; ?>"),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.body
            .contains("الملف ليس صورة بصيغة JPEG أو PNG أو WebP أو GIF.")
            && r.body.contains("value=\"خبر مع صورة\""),
        "{}",
        r.body
    );
    // A PNG cut short: refused the same way.
    let mut broken = png(300, 200);
    broken.truncate(100);
    let r = b.save("/admin/articles", &fields, Some(&broken)).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    // Too large: refused before decoding.
    let huge = vec![0u8; arabpress_app::MAX_UPLOAD_BYTES + 1];
    let r = b.save("/admin/articles", &fields, Some(&huge)).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.body.contains("حجم الملف أكبر من ٢٠ ميغابايت."),
        "{}",
        r.body
    );
    assert!(
        leftovers(s.app.media_dir().unwrap()).is_empty(),
        "nothing half-written: {:?}",
        leftovers(s.app.media_dir().unwrap())
    );
    assert!(
        s.app
            .store()
            .recent_media(10)
            .await
            .unwrap_or_default()
            .is_empty()
    );

    let r = b
        .save("/admin/articles", &fields, Some(&png(1200, 800)))
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let a = s
        .app
        .store()
        .article_by_id(article_id(&r))
        .await
        .ok()
        .flatten()
        .unwrap_or_else(|| panic!("saved"));
    let img = a
        .summary
        .image
        .clone()
        .unwrap_or_else(|| panic!("an image"));
    assert!(
        img.url.starts_with("/media/") && img.url.ends_with("/w1200.jpg"),
        "{}",
        img.url
    );
    let original = get(&s.router, &img.url.replace("w1200.jpg", "original.png")).await;
    assert_eq!(
        original
            .headers
            .get(header::CONTENT_TYPE)
            .map(|v| v.as_bytes()),
        Some(&b"image/png"[..])
    );
    let webp = get(&s.router, &img.url.replace("w1200.jpg", "w480.webp")).await;
    assert_eq!(webp.status, StatusCode::OK);
    assert_eq!(
        webp.headers.get(header::CONTENT_TYPE).map(|v| v.as_bytes()),
        Some(&b"image/webp"[..])
    );
    assert!(
        webp.headers
            .get(header::CACHE_CONTROL)
            .is_some_and(|v| v.to_str().unwrap_or("").contains("immutable"))
    );
    assert_eq!(
        get(&s.router, &img.url.replace("w1200.jpg", "..%2F..%2Fsecret"))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    let page = get(&s.router, &format!("/ar/article/{}", a.summary.slug)).await;
    assert!(
        page.body.contains("<source type=\"image/webp\"") && page.body.contains("w480.webp 480w"),
        "srcset in WebP"
    );
    assert!(
        page.body.contains("crop-16x9.jpg") && page.body.contains("crop-1x1.jpg"),
        "crops in the structured data"
    );
}

#[tokio::test]
async fn invitations_deactivation_passwords_and_signing_out_everywhere() {
    let s = site().await;
    with_users(&s).await;
    let mut admin = signed_in(&s, "admin").await;
    let r = admin
        .submit(
            "/admin/users",
            "/admin/users/invite",
            &[("email", "Newcomer@X.example"), ("role", "author")],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    let link = r
        .body
        .split("id=\"invite-link\" readonly value=\"")
        .nth(1)
        .and_then(|x| x.split('"').next())
        .unwrap_or_default()
        .to_owned();
    let path = link.trim_start_matches("http://test.example").to_owned();
    assert!(path.starts_with("/admin/invite/"), "{link}");
    let mut newcomer = Browser::new(&s);
    let page = newcomer.get(&format!("{path}?lang=en")).await;
    assert!(
        page.body.contains("newcomer@x.example") && page.body.contains("author"),
        "{}",
        page.body
    );
    let r = newcomer
        .submit(
            &path,
            &path,
            &[("name", "Newcomer"), ("password", PASSWORD), ("lang", "en")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(newcomer.get("/admin").await.status, StatusCode::OK);
    // The link works once.
    let mut again = Browser::new(&s);
    assert_eq!(again.get(&path).await.status, StatusCode::GONE);

    // The newcomer writes; then is deactivated: their session ends, their article stays.
    let id = write(&mut newcomer, "مقال الزميل الجديد", "publish").await;
    let uid = s
        .app
        .store()
        .user_by_email("newcomer@x.example")
        .await
        .ok()
        .flatten()
        .map(|(u, _)| u.id)
        .unwrap_or_default();
    let r = admin
        .submit(
            "/admin/users",
            &format!("/admin/users/{uid}/active"),
            &[("active", "0")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(location(&newcomer.get("/admin").await), "/admin/login");
    assert_eq!(
        newcomer.login("newcomer@x.example", PASSWORD).await.status,
        StatusCode::UNAUTHORIZED
    );
    assert!(
        s.app
            .store()
            .article_by_id(id)
            .await
            .ok()
            .flatten()
            .is_some_and(|a| a.status == ArticleStatus::Published)
    );

    // Changing a password ends the other sessions, keeps this one, and the old one stops working.
    let mut phone = signed_in(&s, "editor").await;
    let mut laptop = signed_in(&s, "editor").await;
    let r = laptop
        .submit(
            "/admin/account",
            "/admin/account/password",
            &[("current", "wrong one!!"), ("new", "a brand new password")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    let r = laptop
        .submit(
            "/admin/account",
            "/admin/account/password",
            &[("current", PASSWORD), ("new", "a brand new password")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(laptop.get("/admin").await.status, StatusCode::OK);
    assert_eq!(location(&phone.get("/admin").await), "/admin/login");
    assert_eq!(
        phone.login("editor@x.example", PASSWORD).await.status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        phone
            .login("editor@x.example", "a brand new password")
            .await
            .status,
        StatusCode::SEE_OTHER
    );
    // Signing out everywhere ends both.
    let r = laptop
        .submit("/admin/account", "/admin/logout-everywhere", &[])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(location(&laptop.get("/admin").await), "/admin/login");
    assert_eq!(location(&phone.get("/admin").await), "/admin/login");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn deeply_nested_bodies_are_refused_and_health_answers_meanwhile() {
    let s = site().await;
    with_users(&s).await;
    let mut b = signed_in(&s, "contributor").await;
    let quotes = ">".repeat(100_000);
    let divs = "<div>".repeat(20_000);
    for body in [&quotes, &divs] {
        let fields = [
            ("lang", "en"),
            ("headline", "Deep"),
            ("body", body.as_str()),
        ];
        let (preview, health) = tokio::join!(
            b.submit("/admin/articles/new", "/admin/preview", &fields),
            get(&s.router, "/healthz"),
        );
        assert_eq!(health.body, r#"{"status":"ok"}"#);
        assert_eq!(preview.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            preview.body.contains("أعمق من ٣٢ مستوى"),
            "{}",
            preview.body
        );
    }
    // A large body within the limit previews while health still answers.
    let big = format!(
        "{}deep\n\n{}",
        "> ".repeat(32),
        "A paragraph of words.\n\n".repeat(4_000)
    );
    let fields = [("lang", "en"), ("headline", "Big"), ("body", big.as_str())];
    let (preview, health) = tokio::join!(
        b.submit("/admin/articles/new", "/admin/preview", &fields),
        get(&s.router, "/healthz"),
    );
    assert_eq!(health.body, r#"{"status":"ok"}"#);
    assert_eq!(preview.status, StatusCode::OK);
    assert_eq!(preview.body.matches("<blockquote>").count(), 32);
    // Saving is refused the same way, and nothing is written.
    let csrf = csrf_of(&b.get("/admin/articles/new").await.body);
    let mut fields = story(&csrf, "0", "عمق لا يحفظ", "save");
    for f in &mut fields {
        if f.0 == "body" {
            f.1 = &quotes;
        }
    }
    let r = b.save("/admin/articles", &fields, None).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("أعمق من ٣٢ مستوى"), "{}", r.body);
    let list = b.get("/admin/articles?q=عمق").await;
    assert!(
        list.body.contains("0 articles") || list.body.contains("لا مقالات"),
        "nothing saved"
    );
}

#[tokio::test]
async fn the_preview_renders_like_the_public_page_and_sanitises() {
    let s = site().await;
    with_users(&s).await;
    let mut b = signed_in(&s, "contributor").await;
    let r = b
        .submit("/admin/articles/new", "/admin/preview", &[
            ("lang", "ar"),
            ("headline", "حوار"),
            ("body", "**Efi Koutsokosta\":** Why?\n\n**Ursula von der Leyen:** Because.\n\n<script>alert(1)</script>\n\n> اقتباس"),
        ])
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(
        r.body.contains(
            "<div class=\"qa-turn qa-q\"><p class=\"qa-speaker\"><b>Efi Koutsokosta</b></p>"
        ),
        "{}",
        r.body
    );
    assert!(
        r.body.contains("<blockquote>") && !r.body.contains("<script>"),
        "{}",
        r.body
    );
    assert!(r.body.contains("lang=\"ar\" dir=\"rtl\""));
    // The editor's own Preview button works without script, and saves nothing.
    let csrf = csrf_of(&b.get("/admin/articles/new").await.body);
    let r = b
        .save(
            "/admin/articles",
            &story(&csrf, "0", "معاينة فقط", "preview"),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.contains("qa-speaker") && r.body.contains("value=\"معاينة فقط\""));
    let list = b.get("/admin/articles?q=معاينة").await;
    assert!(
        list.body.contains("0 articles") || list.body.contains("لا مقالات"),
        "nothing saved"
    );
}

#[tokio::test]
async fn the_newsroom_list_filters_and_arabic_slugs_stay_readable() {
    let s = site().await;
    with_users(&s).await;
    let mut b = signed_in(&s, "editor").await;
    let one = write(&mut b, "قمة المياه في عمّان", "save").await;
    let two = write(&mut b, "قمة المياه في عمّان", "save").await;
    let (a, c) = (
        s.app
            .store()
            .article_by_id(one)
            .await
            .ok()
            .flatten()
            .map(|a| a.summary.slug)
            .unwrap_or_default(),
        s.app
            .store()
            .article_by_id(two)
            .await
            .ok()
            .flatten()
            .map(|a| a.summary.slug)
            .unwrap_or_default(),
    );
    assert_eq!(a, "قمة-المياه-في-عمان");
    assert_ne!(a, c, "unique per language");
    let drafts = b
        .get("/admin/articles?status=draft&lang=ar&q=%D9%82%D9%85%D8%A9")
        .await;
    assert!(
        drafts.body.contains(&format!("/admin/articles/{one}"))
            && drafts.body.contains(&format!("/admin/articles/{two}"))
    );
    let published = b.get("/admin/articles?status=published&q=%D9%82%D9%85%D8%A9%20%D8%A7%D9%84%D9%85%D9%8A%D8%A7%D9%87%20%D9%81%D9%8A%20%D8%B9%D9%85%D9%91%D8%A7%D9%86").await;
    assert!(!published.body.contains(&format!("/admin/articles/{one}")));
    let by_author = b
        .get("/admin/articles?author=layla-haddad&section=world")
        .await;
    assert!(by_author.body.contains(&format!("/admin/articles/{one}")));
    let other = b
        .get("/admin/articles?author=omar-khatib&status=draft")
        .await;
    assert!(!other.body.contains(&format!("/admin/articles/{one}")));
}

#[tokio::test]
async fn the_admin_api_takes_image_uploads() {
    let s = site().await;
    with_users(&s).await;
    let uid = s
        .app
        .store()
        .user_by_email("author@x.example")
        .await
        .ok()
        .flatten()
        .map(|(u, _)| u.id)
        .unwrap_or_default();
    let token = s.app.create_token(uid, "uploads").await.unwrap();
    let upload = |auth: Option<String>, body: Vec<u8>| {
        let router = s.router.clone();
        async move {
            let mut req = Request::builder()
                .method("POST")
                .uri("/api/v1/admin/media")
                .header(header::CONTENT_TYPE, "application/octet-stream");
            if let Some(a) = auth {
                req = req.header(header::AUTHORIZATION, a);
            }
            let req = req.body(Body::from(body)).unwrap();
            let r = common::read(arabpress_testkit::send(&router, req).await).await;
            (
                r.status,
                serde_json::from_str::<serde_json::Value>(&r.body).unwrap_or_default(),
            )
        }
    };
    let bearer = Some(format!("Bearer {token}"));
    let (status, v) = upload(bearer.clone(), png(800, 600)).await;
    assert_eq!(status, StatusCode::CREATED, "{v}");
    let url = v["url"].as_str().unwrap_or_default().to_owned();
    assert!(
        url.ends_with("/w800.jpg")
            && v["webp_srcset"]
                .as_str()
                .is_some_and(|x| x.contains("w480.webp 480w")),
        "{v}"
    );
    assert_eq!(get(&s.router, &url).await.status, StatusCode::OK);
    // The same bytes again: the same record.
    let (_, again) = upload(bearer.clone(), png(800, 600)).await;
    assert_eq!(again["id"], v["id"]);
    let (status, v) = upload(bearer.clone(), b"GIF89a-not-really".to_vec()).await;
    assert_eq!(
        (status, v["error"]["code"].as_str()),
        (StatusCode::BAD_REQUEST, Some("bad_request")),
        "{v}"
    );
    let (status, v) = upload(bearer, vec![0; arabpress_app::MAX_UPLOAD_BYTES + 10]).await;
    assert_eq!(
        (status, v["error"]["code"].as_str()),
        (StatusCode::PAYLOAD_TOO_LARGE, Some("too_large")),
        "{v}"
    );
    let (status, _) = upload(None, png(10, 10)).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}

/// The addresses of a page's `rel` links, `&amp;` read back as `&`.
fn rel_link(html: &str, rel: &str) -> Option<String> {
    let marker = format!("rel=\"{rel}\"");
    html.split("<a href=\"")
        .skip(1)
        .find(|a| a.split('>').next().is_some_and(|tag| tag.contains(&marker)))
        .and_then(|a| a.split('"').next())
        .map(|h| h.replace("&amp;", "&"))
}

/// The tags a page of the newsroom's tag list shows, by the value of their name field.
fn tag_names(html: &str) -> Vec<String> {
    html.split("<input name=\"name\" value=\"")
        .skip(1)
        .filter_map(|s| s.split('"').next())
        .map(str::to_owned)
        .collect()
}

/// Sections and tags: the tags of one language by name, fifty to a page both ways, found by
/// part of their name, counted for the page only; a renamed tag's page is shown again.
async fn the_tag_list_pages_through_the_tags_and_finds_them(s: Site_) {
    use arabpress_store::{ImportArticle, ImportBatch};
    with_users(&s).await;
    // 120 tags named "Topic 000" to "Topic 119", two to an article; "Topic 000" on two.
    let article = |i: usize, tags: Vec<String>| {
        let mut d = arabpress_core::ArticleDraft {
            lang: arabpress_core::Lang::En,
            slug: None,
            headline: format!("Topic story {i}"),
            standfirst: String::new(),
            body_md: "A body.".into(),
            kind: arabpress_core::ArticleKind::News,
            section: arabpress_core::Slug::parse("world").unwrap(),
            tags,
            authors: vec![arabpress_core::Slug::parse("layla-haddad").unwrap()],
            source: None,
            image: None,
            seo_title: None,
            seo_description: None,
        };
        d.tags.sort();
        ImportArticle {
            source_id: format!("topic-{i}"),
            draft: d,
            status: ArticleStatus::Draft,
            published_at: None,
        }
    };
    let mut articles: Vec<ImportArticle> = (0..60)
        .map(|i| {
            article(
                i,
                vec![
                    format!("Topic {:03}", 2 * i),
                    format!("Topic {:03}", 2 * i + 1),
                ],
            )
        })
        .collect();
    articles.push(article(60, vec!["Topic 000".into()]));
    let batch = ImportBatch {
        source: "test:topics".into(),
        articles,
        ..ImportBatch::default()
    };
    s.app
        .store()
        .import_batch(batch, common::now())
        .await
        .unwrap();
    let mut editor = signed_in(&s, "editor").await;

    let first = editor.get("/admin/taxonomy?lang=en&q=topic").await;
    assert_eq!(first.status, StatusCode::OK, "{}", first.body);
    let names = tag_names(&first.body);
    assert_eq!(names.len(), 50, "{}", first.body);
    assert_eq!(
        (names[0].as_str(), names[49].as_str()),
        ("Topic 000", "Topic 049")
    );
    assert!(
        first.body.contains("<td>2</td>"),
        "Topic 000 is on two articles"
    );
    assert_eq!(rel_link(&first.body, "prev"), None);
    let next = rel_link(&first.body, "next").expect("a next page");
    assert!(
        first.body.contains(">الوسوم التالية</a>"),
        "the pager names what it pages: {}",
        first.body
    );
    assert!(
        next.starts_with("/admin/taxonomy?lang=en&q=topic&after="),
        "{next}"
    );
    let second = editor.get(&next).await;
    let names = tag_names(&second.body);
    assert_eq!(
        (names[0].as_str(), names[49].as_str()),
        ("Topic 050", "Topic 099")
    );
    let third = editor
        .get(&rel_link(&second.body, "next").expect("a third page"))
        .await;
    let names = tag_names(&third.body);
    assert_eq!((names.len(), names[0].as_str()), (20, "Topic 100"));
    assert_eq!(rel_link(&third.body, "next"), None, "nothing follows");
    // Back: the page before the second is the first.
    let back = editor
        .get(&rel_link(&second.body, "prev").expect("a previous page"))
        .await;
    assert_eq!(tag_names(&back.body), tag_names(&first.body));
    assert_eq!(rel_link(&back.body, "prev"), None);

    // Without a search, the tags of the member's language (Arabic: the newsroom is in
    // Arabic for them), and the other language's on asking.
    let arabic = editor.get("/admin/taxonomy").await;
    let names = tag_names(&arabic.body);
    assert!(
        !names.is_empty() && names.iter().all(|n| !n.starts_with("Topic")),
        "{names:?}"
    );
    assert!(arabic.body.contains("ابحث في الوسوم"), "{}", arabic.body);
    let all = editor.get("/admin/taxonomy?lang=en").await;
    assert!(tag_names(&all.body).iter().any(|n| n == "Topic 000"));
    let none = editor.get("/admin/taxonomy?lang=en&q=no+such+tag").await;
    assert!(tag_names(&none.body).is_empty());
    assert!(none.body.contains("لا يوجد وسم مطابق."), "{}", none.body);

    // Renamed on the second page, back to the second page.
    let csrf = csrf_of(&second.body);
    let after = next.split("after=").nth(1).unwrap_or_default().to_owned();
    let id = second
        .body
        .split("action=\"/admin/tags/")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .unwrap_or_default()
        .to_owned();
    let r = editor
        .post(
            &format!("/admin/tags/{id}"),
            &[
                ("csrf", &csrf),
                ("lang", "en"),
                ("q", "topic"),
                ("after", &after),
                ("name", "Topic 050 renamed"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(
        location(&r),
        format!("/admin/taxonomy?lang=en&q=topic&after={after}&done=taxonomy")
    );
    assert_eq!(
        tag_names(&editor.get(&location(&r)).await.body)[0],
        "Topic 050 renamed"
    );
}

common::both_sites!(
    the_tag_list_pages_through_the_tags_and_finds_them,
    super::the_tag_list_pages_through_the_tags_and_finds_them
);

#[tokio::test]
async fn editors_manage_sections_and_tags_and_corrections_appear_dated() {
    let s = site().await;
    with_users(&s).await;
    let mut author = signed_in(&s, "author").await;
    assert_eq!(
        author.get("/admin/taxonomy").await.status,
        StatusCode::FORBIDDEN
    );
    let r = author
        .submit(
            "/admin",
            "/admin/sections",
            &[
                ("slug", "health"),
                ("name_ar", "صحة"),
                ("name_en", "Health"),
                ("position", "9"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let mut editor = signed_in(&s, "editor").await;
    let page = editor.get("/admin/taxonomy").await;
    assert_eq!(page.status, StatusCode::OK);
    let r = editor
        .submit(
            "/admin/taxonomy",
            "/admin/sections",
            &[
                ("slug", "health"),
                ("name_ar", "صحة"),
                ("name_en", "Health"),
                ("position", "9"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert!(
        get(&s.router, "/en/")
            .await
            .body
            .contains("href=\"/en/section/health\""),
        "the navigation shows it at once"
    );
    let r = editor
        .submit(
            "/admin/taxonomy",
            "/admin/sections",
            &[
                ("slug", "health"),
                ("name_ar", "صحة"),
                ("name_en", "Health"),
            ],
        )
        .await;
    assert_eq!(
        r.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "a taken slug is refused"
    );
    // Control characters would be stored and shown in every page's navigation: refused.
    let r = editor
        .submit(
            "/admin/taxonomy",
            "/admin/sections",
            &[
                ("slug", "nul"),
                ("name_ar", "صحة\u{0}"),
                ("name_en", "Health\u{1b}[31m"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(r.body.contains("لا يُسمح هنا بمحارف التحكم."), "{}", r.body);
    assert!(
        !get(&s.router, "/en/")
            .await
            .body
            .contains("/en/section/nul"),
        "nothing was saved"
    );
    let tags = s
        .app
        .store()
        .tags_page(
            arabpress_core::Lang::En,
            "",
            arabpress_store::TagsFrom::Start,
            1_000,
        )
        .await
        .unwrap_or_default();
    let ids: Vec<i64> = tags.iter().map(|t| t.id).collect();
    let counts = s.app.store().tag_counts(&ids).await.unwrap_or_default();
    let tag = tags
        .into_iter()
        .find(|t| counts.contains_key(&t.id))
        .unwrap_or_else(|| panic!("a tag"));
    let r = editor
        .submit(
            "/admin/taxonomy",
            &format!("/admin/tags/{}", tag.id),
            &[("name", "Renamed Tag")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let r = editor
        .submit(
            "/admin/taxonomy",
            &format!("/admin/tags/{}", tag.id),
            &[("name", "\u{0}\u{1}\u{2}")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(
        get(&s.router, &format!("/en/tag/{}", tag.slug))
            .await
            .body
            .contains("Renamed Tag")
    );

    // A correction on a published article appears on its page with the date.
    let id = write(&mut editor, "خبر يحتاج تصحيحاً", "publish").await;
    let r = editor
        .submit(
            &format!("/admin/articles/{id}"),
            &format!("/admin/articles/{id}/correction"),
            &[("note", "صُحّح اسم الوزيرة.")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let slug = s
        .app
        .store()
        .article_by_id(id)
        .await
        .ok()
        .flatten()
        .map(|a| a.summary.slug)
        .unwrap_or_default();
    let page = get(&s.router, &format!("/ar/article/{slug}")).await;
    assert!(
        page.body.contains("صُحّح اسم الوزيرة.") && page.body.contains("<time"),
        "{}",
        page.body
    );
}

/// A receiver on loopback that records every delivery and answers 500 to the first.
async fn receiver() -> (
    String,
    std::sync::Arc<std::sync::Mutex<Vec<(axum::http::HeaderMap, String)>>>,
) {
    use std::sync::{Arc, Mutex};
    let got: Arc<Mutex<Vec<(axum::http::HeaderMap, String)>>> = Arc::default();
    let seen = Arc::clone(&got);
    let app = axum::Router::new().route(
        "/hook",
        axum::routing::post(move |headers: axum::http::HeaderMap, body: String| {
            let seen = Arc::clone(&seen);
            async move {
                let mut v = seen.lock().unwrap_or_else(|e| e.into_inner());
                v.push((headers, body));
                if v.len() == 1 {
                    StatusCode::INTERNAL_SERVER_ERROR
                } else {
                    StatusCode::NO_CONTENT
                }
            }
        }),
    );
    let addr = common::serve_on_loopback(app).await;
    (format!("http://{addr}/hook"), got)
}

#[tokio::test]
async fn webhooks_are_signed_retried_logged_and_never_block_publishing() {
    let s = site().await;
    with_users(&s).await;
    let (url, got) = receiver().await;
    // The receivers are on this machine.
    s.app
        .set_outbound_policy(arabpress_testkit::allow_private_network());
    // A receiver that is down: nothing listens on this port any more.
    let dead = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        format!("http://{}/hook", l.local_addr().unwrap())
    };
    let mut editor = signed_in(&s, "editor").await;
    assert_eq!(
        editor.get("/admin/webhooks").await.status,
        StatusCode::FORBIDDEN
    );
    let mut admin = signed_in(&s, "admin").await;
    let r = admin
        .submit(
            "/admin/webhooks",
            "/admin/webhooks",
            &[
                ("url", &url),
                ("event", "article.published"),
                ("event", "article.unpublished"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let secret = r
        .body
        .split("id=\"secret\" readonly value=\"")
        .nth(1)
        .and_then(|x| x.split('"').next())
        .unwrap_or_default()
        .to_owned();
    assert!(
        secret.starts_with("whsec_"),
        "the secret is shown once: {}",
        r.body
    );
    let r = admin
        .submit(
            "/admin/webhooks",
            "/admin/webhooks",
            &[("url", &dead), ("event", "article.published")],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    let r = admin
        .submit(
            "/admin/webhooks",
            "/admin/webhooks",
            &[("url", "ftp://x.example"), ("event", "article.published")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);

    // Publishing answers at once, whatever the receivers do.
    let id = write(&mut editor, "خبر يُبلَّغ به الشركاء", "publish").await;
    assert!(
        got.lock().map(|g| g.is_empty()).unwrap_or(false),
        "nothing is sent during the request"
    );
    assert_eq!(s.app.deliver_webhooks().await.ok(), Some(2));
    assert_eq!(
        got.lock().map(|g| g.len()).unwrap_or(0),
        1,
        "the first attempt (answered 500)"
    );
    assert_eq!(
        s.app.deliver_webhooks().await.ok(),
        Some(0),
        "a retry waits for its time"
    );
    s.clock
        .set(s.app.now() + jiff::SignedDuration::from_secs(31));
    assert_eq!(s.app.deliver_webhooks().await.ok(), Some(2));
    let (headers, body) = got
        .lock()
        .map(|g| g[1].clone())
        .unwrap_or_else(|_| panic!("lock"));
    let v: serde_json::Value = serde_json::from_str(&body).unwrap_or_default();
    assert_eq!(
        (v["event"].as_str(), v["article"]["id"].as_i64()),
        (Some("article.published"), Some(id))
    );
    assert_eq!(
        headers
            .get("x-arabpress-event")
            .and_then(|h| h.to_str().ok()),
        Some("article.published")
    );
    let sig = headers
        .get("x-arabpress-signature")
        .and_then(|h| h.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let t: i64 = sig
        .trim_start_matches("t=")
        .split(',')
        .next()
        .and_then(|t| t.parse().ok())
        .unwrap_or(0);
    assert_eq!(
        sig,
        arabpress_app::webhook_signature(&secret, t, &body),
        "HMAC-SHA256 over time and body"
    );
    assert_ne!(
        sig,
        arabpress_app::webhook_signature("whsec_wrong", t, &body)
    );

    // Withdrawing is announced too; "updated" was not asked for.
    let path = format!("/admin/articles/{id}");
    let page = editor.get(&path).await;
    let r = editor
        .save(
            &path,
            &story(
                &csrf_of(&page.body),
                &version_of(&page.body),
                "خبر يُبلَّغ به الشركاء",
                "unpublish",
            ),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    s.app.deliver_webhooks().await.unwrap();
    let events: Vec<String> = got
        .lock()
        .map(|g| {
            g.iter()
                .map(|(h, _)| {
                    h.get("x-arabpress-event")
                        .and_then(|v| v.to_str().ok())
                        .unwrap_or("")
                        .to_owned()
                })
                .collect()
        })
        .unwrap_or_default();
    assert_eq!(
        events,
        [
            "article.published",
            "article.published",
            "article.unpublished"
        ]
    );

    // The dead receiver is retried with growing waits, then marked failed; the log shows it.
    for _ in 0..10 {
        s.clock
            .set(s.app.now() + jiff::SignedDuration::from_hours(7));
        s.app.deliver_webhooks().await.unwrap();
    }
    let hooks = s.app.store().webhooks().await.unwrap_or_default();
    let dead_log = s
        .app
        .store()
        .deliveries(hooks[1].id, 10)
        .await
        .unwrap_or_default();
    assert_eq!(
        dead_log
            .iter()
            .map(|d| (d.status.as_str(), d.attempts))
            .collect::<Vec<_>>(),
        [("failed", arabpress_app::WEBHOOK_MAX_ATTEMPTS)]
    );
    assert!(dead_log[0].last_error.is_some());
    let page = admin.get("/admin/webhooks").await;
    // (The admin's newsroom is in Arabic: وصل "delivered", فشل "failed".)
    assert!(
        page.body.contains("<td>وصل</td>")
            && page.body.contains("<td>فشل</td>")
            && !page.body.contains(&secret),
        "the log, without the secret"
    );
}

/// Receivers on this machine, by address or by name, are refused when registered; one
/// stored while the setting was on is refused when sent to; a receiver that redirects is
/// not followed. The log says so in generic words.
#[tokio::test]
async fn webhooks_never_reach_internal_addresses() {
    use arabpress_testkit::REFUSED;
    let s = site().await;
    with_users(&s).await;
    let (inside, got) = receiver().await;
    let addr: SocketAddr = inside
        .trim_start_matches("http://")
        .trim_end_matches("/hook")
        .parse()
        .unwrap_or_else(|e| panic!("{inside}: {e}"));
    let mut admin = signed_in(&s, "admin").await;
    let metadata = "http://169.254.169.254/latest/meta-data/".to_owned();
    for url in arabpress_testkit::internal_urls(addr, "/hook")
        .into_iter()
        .chain([metadata])
    {
        let r = admin
            .submit(
                "/admin/webhooks",
                "/admin/webhooks",
                &[("url", &url), ("event", "article.published")],
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{url}");
        assert!(
            r.body
                .contains("العنوان مرفوض: يشير إلى عنوان خاص أو داخلي."),
            "{url}: {}",
            r.body
        );
    }
    assert!(
        s.app
            .store()
            .webhooks()
            .await
            .unwrap_or_default()
            .is_empty()
    );

    // A public-looking name (pinned to a server here) that redirects to the receiver.
    let outside = arabpress_testkit::redirector(&s.app, inside.clone(), "/hook").await;
    // A receiver stored while the setting was on.
    s.app
        .set_outbound_policy(arabpress_testkit::allow_private_network());
    for url in [&outside, &inside] {
        let r = admin
            .submit(
                "/admin/webhooks",
                "/admin/webhooks",
                &[("url", url), ("event", "article.published")],
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{url}: {}", r.body);
    }
    s.app
        .set_outbound_policy(arabpress_app::OutboundPolicy::default());

    let mut editor = signed_in(&s, "editor").await;
    write(&mut editor, "خبر لا يصل إلى الداخل", "publish").await;
    assert_eq!(s.app.deliver_webhooks().await.ok(), Some(2));
    assert!(
        got.lock().map(|g| g.is_empty()).unwrap_or(false),
        "nothing reached the receiver inside"
    );
    for w in s.app.store().webhooks().await.unwrap_or_default() {
        let log = s.app.store().deliveries(w.id, 5).await.unwrap_or_default();
        let want = if w.url == outside {
            "redirect refused"
        } else {
            REFUSED
        };
        assert_eq!(
            log.iter()
                .map(|d| (d.response_status, d.last_error.as_deref()))
                .collect::<Vec<_>>(),
            [(None, Some(want))],
            "{}",
            w.url
        );
    }
    let page = admin.get("/admin/webhooks").await;
    assert!(
        page.body.contains(REFUSED) && page.body.contains("redirect refused"),
        "{}",
        page.body
    );
}

#[tokio::test]
async fn editors_run_the_newsletter_and_contributors_cannot() {
    let s = site().await;
    with_users(&s).await;
    let mut contributor = signed_in(&s, "contributor").await;
    assert_eq!(
        contributor.get("/admin/newsletter").await.status,
        StatusCode::FORBIDDEN
    );
    assert!(
        !contributor
            .get("/admin")
            .await
            .body
            .contains("href=\"/admin/newsletter\"")
    );

    let mut editor = signed_in(&s, "editor").await;
    let page = editor.get("/admin/newsletter").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("٠ مشتركاً"), "Arabic by default");
    editor.work_in("en").await;
    let page = editor.get("/admin/newsletter").await;
    assert!(page.body.contains("0 subscribers"), "{}", page.body);

    // Import a CSV file through the form: a report names each rejected row.
    let csrf = csrf_of(&page.body);
    let b = "----arabpress-test-boundary";
    let csv =
        "email,langs,lists\nreader@example.org,en,digest breaking\nbroken-address,en,digest\n";
    let body = format!(
        "--{b}\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n{csrf}\r\n\
         --{b}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"list.csv\"\r\nContent-Type: text/csv\r\n\r\n{csv}\r\n\
         --{b}--\r\n"
    );
    let r = editor
        .send(
            "POST",
            "/admin/newsletter/import",
            Some(format!("multipart/form-data; boundary={b}")),
            body.into_bytes(),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(r.body.contains("1 added, 1 rejected"), "{}", r.body);
    assert!(r.body.contains("broken-address"));
    // Without the form token nothing is imported.
    let r = editor
        .send(
            "POST",
            "/admin/newsletter/import",
            Some(format!("multipart/form-data; boundary={b}")),
            format!("--{b}\r\nContent-Disposition: form-data; name=\"csv\"\r\n\r\nx@example.org\r\n--{b}--\r\n").into_bytes(),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);

    let filtered = editor
        .get("/admin/newsletter?status=confirmed&q=reader")
        .await;
    assert!(filtered.body.contains("reader@example.org"));
    assert!(filtered.body.contains("1 subscribers"));
    let export = editor
        .get("/admin/newsletter/export.csv?list=breaking")
        .await;
    assert_eq!(
        export.headers[header::CONTENT_TYPE],
        "text/csv; charset=utf-8"
    );
    assert!(
        export
            .body
            .contains("reader@example.org,en,digest breaking,confirmed,import")
    );

    // The day's digest waits as a draft; the editor trims it and sends it.
    let made = s.app.make_digests().await.unwrap();
    assert_eq!(made.len(), 1);
    let id = made[0].id;
    let list = editor.get("/admin/newsletter/sends").await;
    assert!(list.body.contains(&format!("/admin/newsletter/sends/{id}")));
    let page = editor.get(&format!("/admin/newsletter/sends/{id}")).await;
    assert_eq!(page.status, StatusCode::OK);
    let first = made[0].article_ids[0].to_string();
    let r = editor
        .submit(
            &format!("/admin/newsletter/sends/{id}"),
            &format!("/admin/newsletter/sends/{id}"),
            &[("subject", ""), ("story", &first), ("action", "send")],
        )
        .await;
    assert_eq!(
        r.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "an empty subject is refused"
    );
    let r = editor
        .submit(
            &format!("/admin/newsletter/sends/{id}"),
            &format!("/admin/newsletter/sends/{id}"),
            &[
                ("subject", "This morning at Arab Press"),
                ("intro", "Three stories to start the day."),
                ("story", &first),
                ("action", "send"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(s.app.deliver_mail().await.unwrap_or_default(), 1);
    let page = editor.get(&format!("/admin/newsletter/sends/{id}")).await;
    assert!(
        page.body.contains("0 waiting, 1 sent, 0 failed, 0 bounced"),
        "{}",
        page.body
    );
    let (_, raw) = s.mails().pop().unwrap_or_default();
    assert!(raw.contains("Subject: This morning at Arab Press"));
    // A queued send can no longer be edited.
    let r = editor
        .submit(
            &format!("/admin/newsletter/sends/{id}"),
            &format!("/admin/newsletter/sends/{id}"),
            &[
                ("subject", "Changed"),
                ("story", &first),
                ("action", "save"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);

    // Breaking news from the editor, once per article; an author may not send it.
    let article = write(&mut editor, "عاجل: اتفاق على تقاسم المياه", "publish").await;
    let edit = editor.get(&format!("/admin/articles/{article}")).await;
    assert!(
        edit.body
            .contains(&format!("/admin/articles/{article}/breaking"))
    );
    let mut author = signed_in(&s, "author").await;
    let r = author
        .submit(
            "/admin",
            &format!("/admin/articles/{article}/breaking"),
            &[],
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = editor
        .submit(
            &format!("/admin/articles/{article}"),
            &format!("/admin/articles/{article}/breaking"),
            &[],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert!(location(&r).starts_with("/admin/newsletter/sends/"));
    let r = editor
        .submit(
            &format!("/admin/articles/{article}"),
            &format!("/admin/articles/{article}/breaking"),
            &[],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("already sent as breaking news"));
}

#[tokio::test]
async fn editors_register_wire_feeds_and_authors_cannot() {
    let s = site().await;
    with_users(&s).await;
    // A feed server on loopback with one story.
    let rss = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><rss version=\"2.0\"><channel><title>Wire</title>\
               <item><guid>w-1</guid><link>https://wire.example/rain</link><title>أمطار غزيرة في عمّان</title>\
               <description>هطلت أمطار غزيرة على عمّان صباح اليوم.</description></item></channel></rss>";
    let feeds =
        axum::Router::new().route("/wire.xml", axum::routing::get(move || async move { rss }));
    let addr = common::serve_on_loopback(feeds).await;
    let url = format!("http://{addr}/wire.xml");
    s.app
        .set_outbound_policy(arabpress_testkit::allow_private_network());

    let mut author = signed_in(&s, "author").await;
    assert_eq!(
        author.get("/admin/wire").await.status,
        StatusCode::FORBIDDEN
    );
    assert!(
        !author
            .get("/admin")
            .await
            .body
            .contains("href=\"/admin/wire\"")
    );

    let mut editor = signed_in(&s, "editor").await;
    let page = editor.get("/admin/wire").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("إضافة خلاصة"), "Arabic by default");
    // A bad address: refused with the reason, what was typed kept.
    let r = editor
        .submit(
            "/admin/wire",
            "/admin/wire",
            &[
                ("url", "not a url"),
                ("name", "وكالة الأنباء"),
                ("lang", "ar"),
                ("section", "economy"),
                ("publish", "1"),
                ("interval", "15"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.body.contains("لم تُضف الخلاصة") && r.body.contains("value=\"وكالة الأنباء\""),
        "{}",
        r.body
    );
    // Without the form's token nothing is added.
    let r = editor
        .post(
            "/admin/wire",
            &[
                ("url", url.as_str()),
                ("name", "X"),
                ("lang", "ar"),
                ("section", "economy"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = editor
        .submit(
            "/admin/wire",
            "/admin/wire",
            &[
                ("url", url.as_str()),
                ("name", "وكالة الأنباء"),
                ("lang", "ar"),
                ("section", "economy"),
                ("publish", "1"),
                ("interval", "15"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let page = editor.get("/admin/wire?done=wire-added").await;
    assert!(
        page.body.contains("أُضيفت الخلاصة") && page.body.contains(&url),
        "{}",
        page.body
    );
    let id = s.app.store().wire_feeds().await.unwrap()[0].id;
    let r = editor
        .submit("/admin/wire", &format!("/admin/wire/{id}/poll"), &[])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let to = r
        .headers
        .get("location")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    assert_eq!(to, "/admin/wire?done=polled&n=1");
    let page = editor.get(&to).await;
    assert!(
        page.body.contains("فُحصت الخلاصة: 1 خبر جديد"),
        "{}",
        page.body
    );
    // The story is on the site, credited.
    let story = common::get(&s.router, "/ar/").await;
    assert!(story.body.contains("أمطار غزيرة في عمّان"));
    // Paused, it says so; removed, it is gone (its story stays).
    editor
        .submit("/admin/wire", &format!("/admin/wire/{id}/pause"), &[])
        .await;
    assert!(editor.get("/admin/wire").await.body.contains("موقوفة"));
    editor
        .submit("/admin/wire", &format!("/admin/wire/{id}/delete"), &[])
        .await;
    assert!(!editor.get("/admin/wire").await.body.contains(&url));
    assert!(
        common::get(&s.router, "/ar/")
            .await
            .body
            .contains("أمطار غزيرة في عمّان")
    );
}

#[tokio::test]
async fn the_newsroom_says_when_articles_are_not_spoken_and_why() {
    let s = common::site_adding(|b| {
        b.audio(arabpress_app::AudioSettings {
            enabled: true,
            espeak: "arabpress-no-such-espeak".into(),
            lame: "lame".into(),
            tashkeel_model: None,
        })
    })
    .await;
    with_users(&s).await;
    let mut b = signed_in(&s, "editor").await;
    let dash = b.get("/admin").await;
    assert_eq!(dash.status, StatusCode::OK);
    assert!(
        dash.body
            .contains("arabpress-no-such-espeak is not available"),
        "the reason is shown"
    );
    // Every published demo article waits for its audio.
    let published = s.app.store().audio_counts().await.unwrap();
    assert!(published.waiting > 0 && published.ready == 0);
    // A published article's editor says the same.
    let id = s
        .app
        .store()
        .list(&arabpress_store::ListQuery::latest(
            arabpress_core::Lang::En,
            1,
            common::now(),
        ))
        .await
        .unwrap()
        .items[0]
        .id;
    let edit = b.get(&format!("/admin/articles/{id}")).await;
    assert!(
        edit.body.contains("class=\"audio-status off\""),
        "{}",
        edit.body
    );
}

/// Thirty wrong passwords at once on one account from one address: the attempt is recorded
/// before the password is checked, so at most five are checked and the rest are refused by
/// the limit. An unknown address costs a (dummy) check like a known one.
async fn concurrent_guesses_are_limited(s: Site_) {
    with_users(&s).await;
    let ip: std::net::IpAddr = "203.0.113.50".parse().unwrap();
    let before = s.app.password_work();
    let mut set = tokio::task::JoinSet::new();
    for _ in 0..30 {
        let app = s.app.clone();
        set.spawn(async move {
            app.login("author@x.example", "wrong password!", Some(ip))
                .await
                .map(|_| ())
        });
    }
    let (mut wrong, mut limited) = (0, 0);
    while let Some(r) = set.join_next().await {
        match r.unwrap() {
            Err(arabpress_app::AppError::Unauthorized(_)) => wrong += 1,
            Err(arabpress_app::AppError::RateLimited(_)) => limited += 1,
            other => panic!("unexpected {other:?}"),
        }
    }
    let checked = s.app.password_work() - before;
    assert!(
        checked <= 5 && wrong <= 5,
        "{checked} checked, {wrong} wrong"
    );
    assert_eq!(wrong + limited, 30);
    // An unknown address is checked against a dummy hash.
    let other: std::net::IpAddr = "203.0.113.51".parse().unwrap();
    let before2 = s.app.password_work();
    let r = s
        .app
        .login("nobody@x.example", "some password", Some(other))
        .await;
    assert!(
        matches!(r, Err(arabpress_app::AppError::Unauthorized(_))),
        "{r:?}"
    );
    assert_eq!(s.app.password_work() - before2, 1, "a dummy check ran");
    // The owner's right password from another address gets in.
    assert!(
        s.app
            .login("author@x.example", PASSWORD, Some(other))
            .await
            .is_ok()
    );
}

common::both_sites!(
    concurrent_guesses_are_limited,
    super::concurrent_guesses_are_limited
);

/// A made-up invitation token is refused before any password hashing: it answers even
/// while every hashing permit is held, and the hash counter does not move.
#[tokio::test]
async fn a_made_up_invitation_costs_no_hashing() {
    let s = site().await;
    with_users(&s).await;
    let mut b = Browser::new(&s);
    let token = csrf_of(&b.get("/admin/login?lang=en").await.body);
    let before = s.app.password_work();
    let held = s.app.hold_password_permits().await.unwrap();
    let r = tokio::time::timeout(
        std::time::Duration::from_secs(20),
        b.post(
            "/admin/invite/0123456789abcdef0123456789abcdef0123456789abcdef",
            &[
                ("csrf", token.as_str()),
                ("name", "Intruder"),
                ("password", "a long enough password"),
                ("lang", "en"),
            ],
        ),
    )
    .await
    .unwrap_or_else(|_| panic!("the bogus invitation waited for a hashing permit"));
    drop(held);
    assert_eq!(r.status, StatusCode::GONE, "{}", r.body);
    assert!(r.body.contains("invitation"), "{}", r.body);
    assert_eq!(s.app.password_work(), before, "nothing was hashed");
}

/// A contributor's save of a published article, through the newsroom, waits for review:
/// the page and feed stay, the editor sees it on the dashboard and the revisions page and
/// applies it, which publishes it with an audit line.
async fn newsroom_changes_to_live_articles_wait_for_review(s: Site_) {
    with_users(&s).await;
    let mut c = signed_in(&s, "contributor").await;
    let id = write(&mut c, "عنوان منشور", "review").await;
    let editor = s
        .app
        .store()
        .user_by_email("editor@x.example")
        .await
        .ok()
        .flatten()
        .unwrap_or_else(|| panic!("editor"))
        .0;
    let a = s.app.publish_as(&editor, id, None).await.unwrap();
    let public = arabpress_render::views::article_url(a.summary.lang, &a.summary.slug);
    let path = format!("/admin/articles/{id}");
    let page = c.get(&path).await;
    let (csrf, version) = (csrf_of(&page.body), version_of(&page.body));
    let r = c
        .save(&path, &story(&csrf, &version, "عنوان بديل", "save"), None)
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert!(location(&r).ends_with("done=pending"), "{}", location(&r));
    let notice = c.get(&location(&r)).await;
    assert!(
        notice.body.contains("حُفظ التعديل للمراجعة") || notice.body.contains("Saved for review"),
        "{}",
        notice.body
    );
    let live = get(&s.router, &public).await;
    assert!(
        live.body.contains("عنوان منشور") && !live.body.contains("عنوان بديل"),
        "the live page is unchanged"
    );
    let feed = get(&s.router, "/ar/rss.xml").await;
    assert!(!feed.body.contains("عنوان بديل"), "the feed is unchanged");
    // A restore by the contributor waits too.
    let r = c
        .submit(
            &format!("{path}/revisions"),
            &format!("{path}/restore"),
            &[("revision", "1"), ("version", &version)],
        )
        .await;
    assert!(
        location(&r).ends_with("done=pending"),
        "{} {}",
        r.status,
        r.body
    );
    let mut e = signed_in(&s, "editor").await;
    let dash = e.get("/admin").await;
    assert!(
        dash.body
            .contains(&format!("/admin/articles/{id}/revisions#pending-")),
        "{}",
        dash.body
    );
    let revs = e.get(&format!("{path}/revisions")).await;
    assert!(revs.body.contains("عنوان بديل"), "{}", revs.body);
    // Based on the published article: named by the revision it was published from, as the
    // list numbers it, never by a version the list does not show.
    let shown = s.app.store().revisions(id).await.unwrap().len();
    let based = format!(
        "مبني على النسخة {}",
        arabpress_render::messages::to_arabic_digits(&shown.to_string())
    );
    assert!(revs.body.contains(&based), "{based}: {}", revs.body);
    let pending = s
        .app
        .store()
        .pending_revisions(Some(id))
        .await
        .unwrap_or_default();
    assert_eq!(pending.len(), 2);
    let change = pending
        .iter()
        .find(|p| p.draft.headline == "عنوان بديل")
        .map(|p| p.id)
        .unwrap_or_default();
    // The contributor cannot apply their own change.
    let r = c
        .submit(
            &format!("{path}/revisions"),
            &format!("{path}/pending/{change}/apply"),
            &[("version", &version)],
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = e
        .submit(
            &format!("{path}/revisions"),
            &format!("{path}/pending/{change}/apply"),
            &[("version", &version)],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let now = s
        .app
        .store()
        .article_by_id(id)
        .await
        .ok()
        .flatten()
        .unwrap_or_else(|| panic!("article"));
    assert_eq!(now.status, ArticleStatus::Published);
    let live = get(
        &s.router,
        &arabpress_render::views::article_url(now.summary.lang, &now.summary.slug),
    )
    .await;
    assert!(live.body.contains("عنوان بديل"), "applied and live");
    let log = s
        .app
        .store()
        .audit_of("article", id)
        .await
        .unwrap_or_default();
    assert_eq!(
        log.last().map(|x| (x.action.as_str(), x.user_id)),
        Some(("revision_applied", Some(editor.id)))
    );
    // The other change is discarded.
    let other = pending
        .iter()
        .find(|p| p.id != change)
        .map(|p| p.id)
        .unwrap_or_default();
    let r = e
        .submit(
            &format!("{path}/revisions"),
            &format!("{path}/pending/{other}/discard"),
            &[],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert!(
        s.app
            .store()
            .pending_revisions(Some(id))
            .await
            .unwrap_or_default()
            .is_empty()
    );
}

common::both_sites!(
    newsroom_changes_to_live_articles_wait_for_review,
    super::newsroom_changes_to_live_articles_wait_for_review
);

/// Members see and revoke their own tokens in the newsroom, admins anyone's; signing out
/// everywhere, a new password and deactivation revoke every token of the account.
#[tokio::test]
async fn tokens_are_revoked_in_the_newsroom_and_with_the_account() {
    let s = site().await;
    with_users(&s).await;
    let uid = |email: &'static str| {
        let app = s.app.clone();
        async move {
            app.store()
                .user_by_email(email)
                .await
                .ok()
                .flatten()
                .unwrap_or_else(|| panic!("{email}"))
                .0
                .id
        }
    };
    let author = uid("author@x.example").await;
    let editor = uid("editor@x.example").await;
    let works = |t: String| {
        let app = s.app.clone();
        async move { matches!(app.user_for_token(&t).await, Ok(Some(_))) }
    };
    let mk = |u: i64, name: &'static str| {
        let app = s.app.clone();
        async move { app.create_token(u, name).await.unwrap() }
    };
    let laptop = mk(author, "laptop").await;
    let phone = mk(author, "phone").await;
    let editors = mk(editor, "editor-ci").await;
    let mut b = signed_in(&s, "author").await;
    let page = b.get("/admin/account").await;
    assert!(
        page.body.contains("laptop") && !page.body.contains("editor-ci"),
        "{}",
        page.body
    );
    let id_of = |name: &str| {
        let app = s.app.clone();
        let name = name.to_owned();
        async move {
            app.tokens(None)
                .await
                .unwrap_or_default()
                .into_iter()
                .find(|t| t.name == name)
                .map(|t| t.id)
                .unwrap_or_default()
        }
    };
    // Someone else's token is not the author's to revoke.
    let r = b
        .submit(
            "/admin/account",
            &format!("/admin/account/tokens/{}/revoke", id_of("editor-ci").await),
            &[],
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert!(works(editors.clone()).await);
    let r = b
        .submit(
            "/admin/account",
            &format!("/admin/account/tokens/{}/revoke", id_of("laptop").await),
            &[],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert!(!works(laptop).await && works(phone.clone()).await);
    // An admin sees and revokes anyone's.
    let mut admin = signed_in(&s, "admin").await;
    assert!(admin.get("/admin/account").await.body.contains("editor-ci"));
    let r = admin
        .submit(
            "/admin/account",
            &format!("/admin/account/tokens/{}/revoke", id_of("editor-ci").await),
            &[],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert!(!works(editors).await);
    // Signing out everywhere revokes the rest.
    let r = b
        .submit("/admin/account", "/admin/logout-everywhere", &[])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert!(!works(phone).await);
    // So does a new password…
    let t = mk(author, "again").await;
    let mut b = signed_in(&s, "author").await;
    let r = b
        .submit(
            "/admin/account",
            "/admin/account/password",
            &[("current", PASSWORD), ("new", "a brand new password")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert!(!works(t).await);
    // …and deactivation.
    let t = mk(editor, "last").await;
    assert!(works(t.clone()).await);
    let r = admin
        .submit(
            "/admin/users",
            &format!("/admin/users/{editor}/active"),
            &[("active", "0")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    s.app
        .set_active_as(
            &s.app
                .store()
                .user_by_email("admin@x.example")
                .await
                .ok()
                .flatten()
                .unwrap_or_else(|| panic!("admin"))
                .0,
            editor,
            true,
        )
        .await
        .unwrap();
    assert!(
        !works(t).await,
        "a reactivated account's old tokens stay revoked"
    );
}

#[tokio::test]
async fn the_editor_gives_the_audio_length_in_the_members_digits_on_sqlite() {
    the_editor_gives_the_audio_length_in_the_members_digits(site().await).await;
}

#[tokio::test]
async fn the_editor_gives_the_audio_length_in_the_members_digits_on_postgres() {
    match common::site_on_postgres().await {
        Some(s) => the_editor_gives_the_audio_length_in_the_members_digits(s).await,
        None => eprintln!("ARABPRESS_TEST_POSTGRES unset: PostgreSQL half skipped"),
    }
}

/// The spoken version's length in the editor is written as the player writes it: in
/// Arabic-Indic digits for a member who works in Arabic.
async fn the_editor_gives_the_audio_length_in_the_members_digits(s: Site_) {
    with_users(&s).await;
    let store = s.app.store();
    let now = s.app.now();
    let until = now + jiff::SignedDuration::from_mins(5);
    let jobs = store
        .claim_jobs(arabpress_store::SPEAK, "test-claim", now, until, 1)
        .await
        .unwrap();
    let ids: Vec<i64> = jobs.iter().map(|j| j.subject).collect();
    let claimed = store
        .claim_audio(&ids, "test-claim", now, until)
        .await
        .unwrap();
    let (id, version) = claimed
        .first()
        .copied()
        .unwrap_or_else(|| panic!("no article"));
    let audio = arabpress_core::model::SpokenAudio {
        sha: "ab".repeat(32),
        bytes: 1000,
        duration_ms: 65_000,
    };
    store
        .record_audio(id, "test-claim", &audio, "script", version, now)
        .await
        .unwrap();
    let mut b = signed_in(&s, "editor").await;
    let ar = b.get(&format!("/admin/articles/{id}")).await;
    assert!(
        ar.body.contains("جاهز (١:٠٥)"),
        "the length in Arabic-Indic digits, as the player shows it: {}",
        ar.body
    );
    b.work_in("en").await;
    let en = b.get(&format!("/admin/articles/{id}")).await;
    assert!(en.body.contains("ready (1:05)"), "{}", en.body);
}

/// A refused field is explained in the member's own language, beside the field it names;
/// switching the newsroom to English switches the explanation, never the rule.
async fn validation_messages_speak_the_members_language_and_mark_the_field(s: Site_) {
    with_users(&s).await;
    let mut b = signed_in(&s, "editor").await;
    let csrf = csrf_of(&b.get("/admin/articles/new").await.body);
    let long = "خ".repeat(301);
    let r = b
        .save("/admin/articles", &story(&csrf, "0", &long, "save"), None)
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.body.contains("href=\"#headline\"")
            && r.body.contains("الحد الأقصى ٣٠٠ حرف (وفي النص ٣٠١)."),
        "the Arabic newsroom names the field and the limit in Arabic: {}",
        r.body
    );
    assert!(!r.body.contains("at most 300 characters"));
    let mut fields = story(&csrf, "0", "عنوان صالح", "save");
    fields.retain(|(k, _)| *k != "slug");
    fields.push(("slug", "Bad Slug"));
    let r = b.save("/admin/articles", &fields, None).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("href=\"#slug\""), "{}", r.body);
    assert!(
        r.body.contains("لا يحتوي المعرّف إلا على حروف صغيرة"),
        "{}",
        r.body
    );
    // A slug another article holds: a conflict, explained beside the slug field too.
    let mut fields = story(&csrf, "0", "عنوان أول", "save");
    fields.retain(|(k, _)| *k != "slug");
    fields.push(("slug", "water-talks"));
    let r = b.save("/admin/articles", &fields, None).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let path = format!("/admin/articles/{}", article_id(&r));
    // Forms that lost their version or their chosen article are refused in Arabic too.
    for (to, pairs, said) in [
        (
            "restore",
            &[("revision", "1"), ("version", "x")][..],
            "لم يحدد النموذج النسخة المطلوبة",
        ),
        (
            "translation",
            &[("other", "")][..],
            "اختر المقال الذي يترجم هذا المقال",
        ),
    ] {
        let r = b.submit(&path, &format!("{path}/{to}"), pairs).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{to}");
        assert!(r.body.contains(said), "{to}: {}", r.body);
    }
    let r = b.save("/admin/articles", &fields, None).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("href=\"#slug\""), "{}", r.body);
    assert!(
        r.body
            .contains("المعرّف «water-talks» مستخدم لمقال آخر بهذه اللغة"),
        "{}",
        r.body
    );
    let r = b
        .post(
            "/admin/account/language",
            &[("csrf", &csrf), ("lang", "en")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let csrf = csrf_of(&b.get("/admin/articles/new").await.body);
    let r = b
        .save("/admin/articles", &story(&csrf, "0", &long, "save"), None)
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.body.contains("At most 300 characters (this has 301)."),
        "{}",
        r.body
    );
    assert!(
        r.body.contains(&format!("value=\"{long}\"")),
        "the text typed is kept"
    );
}

common::both_sites!(
    validation_messages_speak_the_members_language_and_mark_the_field,
    super::validation_messages_speak_the_members_language_and_mark_the_field
);

/// A scheduled article can be taken back to draft: it then never goes live by itself, an
/// article that is no longer scheduled is refused with a reason, and only those who may
/// publish it can do it.
async fn scheduled_articles_go_back_to_draft(s: Site_) {
    with_users(&s).await;
    let mut b = signed_in(&s, "editor").await;
    let csrf = csrf_of(&b.get("/admin/articles/new").await.body);
    let mut fields = story(&csrf, "0", "خبر يُلغى موعده", "schedule");
    fields.push(("publish_at", "2026-02-07T11:00:00"));
    let r = b.save("/admin/articles", &fields, None).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let id = article_id(&r);
    let page = b.get(&format!("/admin/articles/{id}")).await.body;
    assert!(page.contains(&format!("action=\"/admin/articles/{id}/unschedule\"")));
    let mut c = signed_in(&s, "contributor").await;
    let ccsrf = csrf_of(&c.get("/admin").await.body);
    let r = c
        .post(
            &format!("/admin/articles/{id}/unschedule"),
            &[("csrf", &ccsrf)],
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let status = |s: &Site_| {
        let store = s.app.store().clone();
        async move {
            store
                .article_by_id(id)
                .await
                .ok()
                .flatten()
                .map(|a| a.status)
        }
    };
    assert_eq!(status(&s).await, Some(ArticleStatus::Scheduled));
    let r = b
        .post(
            &format!("/admin/articles/{id}/unschedule"),
            &[("csrf", &csrf)],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(
        location(&r),
        format!("/admin/articles/{id}?done=unscheduled")
    );
    assert!(
        b.get(&location(&r))
            .await
            .body
            .contains("أُلغيت الجدولة؛ عاد المقال مسودة.")
    );
    assert_eq!(status(&s).await, Some(ArticleStatus::Draft));
    s.clock
        .set(s.app.now() + jiff::SignedDuration::from_mins(61));
    assert_eq!(
        s.app.run_due().await.unwrap_or_default(),
        Vec::<i64>::new(),
        "a draft does not go live at the old time"
    );
    let r = b
        .post(
            &format!("/admin/articles/{id}/unschedule"),
            &[("csrf", &csrf)],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("المقال غير مجدول"), "{}", r.body);
    let audit = s
        .app
        .store()
        .audit_of("article", id)
        .await
        .unwrap_or_default();
    assert!(audit.iter().any(|e| e.action == "unscheduled"), "{audit:?}");
}

common::both_sites!(
    scheduled_articles_go_back_to_draft,
    super::scheduled_articles_go_back_to_draft
);

/// "Speak again" makes a published article due for the audio worker even though its text
/// has not changed; drafts are refused and contributors may not ask.
async fn articles_are_spoken_again_on_request(s: Site_) {
    with_users(&s).await;
    let mut b = signed_in(&s, "editor").await;
    let id = write(&mut b, "خبر يُقرأ من جديد", "publish").await;
    let store = s.app.store().clone();
    // The speaking jobs due now, leased for a minute and let go again.
    let due = || {
        let store = store.clone();
        let now = s.app.now();
        async move {
            let until = now + jiff::SignedDuration::from_secs(60);
            let jobs = store
                .claim_jobs(arabpress_store::SPEAK, "test-claim", now, until, 100)
                .await
                .unwrap();
            for j in &jobs {
                store.release_job(j, "test-claim", None).await.unwrap();
            }
            jobs
        }
    };
    let job = due()
        .await
        .into_iter()
        .find(|j| j.subject == id)
        .unwrap_or_else(|| panic!("a new article is due"));
    let now = s.app.now();
    let until = now + jiff::SignedDuration::from_secs(60);
    let claimed = store
        .claim_audio(&[id], "test-claim", now, until)
        .await
        .unwrap();
    let version = claimed
        .first()
        .map(|(_, v)| *v)
        .unwrap_or_else(|| panic!("the article is free to speak: {claimed:?}"));
    let spoken = arabpress_core::model::SpokenAudio {
        sha: "ab".repeat(32),
        bytes: 1_000,
        duration_ms: 61_000,
    };
    store
        .record_audio(
            id,
            "test-claim",
            &spoken,
            "script-hash",
            version,
            s.app.now(),
        )
        .await
        .unwrap();
    let jobs = store
        .claim_jobs(arabpress_store::SPEAK, "done", now, until, 100)
        .await
        .unwrap();
    let job = jobs
        .iter()
        .find(|j| j.subject == job.subject)
        .unwrap_or_else(|| panic!("the job is still queued"));
    assert!(store.finish_job(job, "done").await.unwrap());
    assert!(
        !due().await.iter().any(|j| j.subject == id),
        "heard once, not due again"
    );
    let csrf = csrf_of(&b.get(&format!("/admin/articles/{id}")).await.body);
    let mut c = signed_in(&s, "contributor").await;
    let ccsrf = csrf_of(&c.get("/admin").await.body);
    let r = c
        .post(
            &format!("/admin/articles/{id}/speak-again"),
            &[("csrf", &ccsrf)],
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = b
        .post(
            &format!("/admin/articles/{id}/speak-again"),
            &[("csrf", &csrf)],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(
        location(&r),
        format!("/admin/articles/{id}?done=speak-again")
    );
    let state = store.audio_state(id).await.ok().flatten();
    assert_eq!(
        state.and_then(|x| x.audio),
        Some(spoken),
        "the audio it has is served until the new file is made"
    );
    assert!(due().await.iter().any(|j| j.subject == id), "due again");
    let audit = store.audit_of("article", id).await.unwrap_or_default();
    assert!(
        audit.iter().any(|e| e.action == "audio_requeued"),
        "{audit:?}"
    );
    let draft = write(&mut b, "مسودة لا تُقرأ", "save").await;
    let r = b
        .post(
            &format!("/admin/articles/{draft}/speak-again"),
            &[("csrf", &csrf)],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.body.contains("لا يُحوَّل إلى صوت إلا المقال المنشور."),
        "{}",
        r.body
    );
}

common::both_sites!(
    articles_are_spoken_again_on_request,
    super::articles_are_spoken_again_on_request
);

/// The ids of the audit log's lines on a page, top to bottom.
fn audit_rows(html: &str) -> Vec<i64> {
    html.split("<tr id=\"audit-")
        .skip(1)
        .filter_map(|s| s.split('"').next())
        .filter_map(|s| s.parse().ok())
        .collect()
}

/// The address of a page's "older" link, if it has one.
fn next_link(html: &str) -> Option<String> {
    let before = html.split("\" rel=\"next\"").next()?;
    if before.len() == html.len() {
        return None;
    }
    let href = before.rsplit("href=\"").next()?;
    Some(href.replace("&amp;", "&"))
}

/// The audit log page: an admin reads what an editor did (newest first, in Arabic, with
/// the editor's name and a link to the article), filters by action, member and kind of
/// thing, and pages back with no line shown twice; an editor may not open it, nor see it
/// in the navigation.
async fn the_audit_log_page_shows_who_did_what(s: Site_) {
    with_users(&s).await;
    let mut editor = signed_in(&s, "editor").await;
    let id = write(&mut editor, "خبر في السجل", "publish").await;
    let page = editor.get(&format!("/admin/articles/{id}")).await;
    let version = s
        .app
        .store()
        .article_by_id(id)
        .await
        .ok()
        .flatten()
        .map(|a| a.version.to_string())
        .unwrap_or_default();
    let r = editor
        .save(
            &format!("/admin/articles/{id}"),
            &story(&csrf_of(&page.body), &version, "خبر في السجل", "unpublish"),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert!(
        !editor
            .get("/admin")
            .await
            .body
            .contains("href=\"/admin/audit\""),
        "no link to the log for an editor"
    );
    let r = editor.get("/admin/audit").await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
    assert!(!r.body.contains("خبر في السجل"), "{}", r.body);

    let mut admin = signed_in(&s, "admin").await;
    let r = admin.get("/admin/audit").await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let page = r.body;
    assert!(
        page.contains("<a href=\"/admin/audit\" aria-current=\"page\">سجل التدقيق</a>"),
        "in the navigation: {page}"
    );
    assert!(
        !page.contains("admin-audit-"),
        "every label has a message: {page}"
    );
    let withdrawn = page
        .find("<td>سحب من النشر</td>")
        .unwrap_or_else(|| panic!("the withdrawal: {page}"));
    let published = page
        .find("<td>نشر</td>")
        .unwrap_or_else(|| panic!("the publication: {page}"));
    assert!(withdrawn < published, "newest first");
    let row_start = page[..withdrawn].rfind("<tr id=\"audit-").unwrap_or(0);
    let row = &page[row_start..withdrawn];
    assert!(row.contains("<bdi>editor</bdi>"), "who: {row}");
    assert!(
        row.contains("<time datetime=") && row.contains('٢'),
        "when, in Arabic-Indic digits: {row}"
    );
    let link = format!("<a href=\"/admin/articles/{id}\"><bdi>خبر في السجل</bdi></a>");
    assert_eq!(page.matches(&link).count(), 2, "{page}");

    // A role change, a line written by the system, an action this version does not know.
    let contributor_id = s
        .app
        .store()
        .user_by_email("contributor@x.example")
        .await
        .ok()
        .flatten()
        .map(|(u, _)| u.id)
        .unwrap_or_default();
    let r = admin
        .submit(
            "/admin/users",
            &format!("/admin/users/{contributor_id}/role"),
            &[("role", "author")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    s.app
        .store()
        .audit(None, "archived_by_cli", "article", id, "", s.app.now())
        .await
        .unwrap();
    let page = admin.get("/admin/audit").await.body;
    assert!(page.contains("<td>archived_by_cli</td>"), "{page}");
    assert!(page.contains("<td>النظام</td>"), "{page}");
    assert!(page.contains("<td>تغيير الدور</td>"), "{page}");
    assert!(
        page.contains("<a href=\"/admin/users\"><bdi>contributor</bdi></a>"),
        "{page}"
    );
    let everything = audit_rows(&page);
    assert!(everything.len() >= 4, "{everything:?}");
    assert!(everything.windows(2).all(|w| w[0] > w[1]), "{everything:?}");

    // Filters.
    let only = admin.get("/admin/audit?action=unpublished").await.body;
    assert!(only.contains("<td>سحب من النشر</td>"), "{only}");
    assert!(!only.contains("<td>نشر</td>"), "{only}");
    assert_eq!(audit_rows(&only).len(), 1, "{only}");
    assert!(
        only.contains("<option value=\"unpublished\" selected>"),
        "{only}"
    );
    let editor_id = s
        .app
        .store()
        .user_by_email("editor@x.example")
        .await
        .ok()
        .flatten()
        .map(|(u, _)| u.id)
        .unwrap_or_default();
    let theirs = admin.get(&format!("/admin/audit?member={editor_id}")).await;
    assert_eq!(audit_rows(&theirs.body).len(), 2, "{}", theirs.body);
    let users = admin.get("/admin/audit?entity=user").await.body;
    assert!(users.contains("<td>تغيير الدور</td>"), "{users}");
    assert!(!users.contains("<td>نشر</td>"), "{users}");
    let none = admin.get("/admin/audit?action=nothing_like_it").await.body;
    assert!(audit_rows(&none).is_empty());
    assert!(none.contains("لا سطر في السجل يطابق هذا الاختيار."), "{none}");

    // One line a page: each line once, in order, then no older page.
    let mut at = "/admin/audit?limit=1".to_owned();
    let mut paged = Vec::new();
    for _ in 0..everything.len() + 1 {
        let r = admin.get(&at).await;
        assert_eq!(r.status, StatusCode::OK, "{at}: {}", r.body);
        let rows = audit_rows(&r.body);
        assert_eq!(rows.len(), 1, "{at}: {}", r.body);
        paged.extend(rows);
        match next_link(&r.body) {
            Some(next) => at = next,
            None => break,
        }
    }
    assert_eq!(paged, everything);
    assert!(at.contains("limit=1"), "the page size is kept: {at}");
    assert!(at.contains("before="), "{at}");
    // A filter is kept across pages.
    let first = admin
        .get(&format!("/admin/audit?limit=1&member={editor_id}"))
        .await
        .body;
    let next = next_link(&first).unwrap_or_else(|| panic!("{first}"));
    assert!(next.contains(&format!("member={editor_id}")), "{next}");
    let older = admin.get(&next).await.body;
    assert!(older.contains("<td>نشر</td>"), "{older}");
    assert_eq!(next_link(&older), None, "{older}");
    assert!(older.contains("العودة إلى الأحدث"), "{older}");

    // The same page in English.
    admin.work_in("en").await;
    let en = admin.get("/admin/audit").await.body;
    assert!(en.contains("<td>Withdrawn</td>"), "{en}");
    assert!(en.contains("<td>The system</td>"), "{en}");
    assert!(!en.contains("admin-audit-"), "{en}");
}

common::both_sites!(
    the_audit_log_page_shows_who_did_what,
    super::the_audit_log_page_shows_who_did_what
);

/// The value of the hidden field `name` in a page.
fn hidden(html: &str, name: &str) -> String {
    html.split(&format!("name=\"{name}\" value=\""))
        .nth(1)
        .and_then(|s| s.split('"').next())
        .unwrap_or_default()
        .to_owned()
}

/// An image chosen in the editor is kept whatever else happens to the form: a preview shows
/// it (with caption, credit, byline and section, as a reader will see them), and a field
/// refused on save sends the form back holding it, so the writer never chooses it twice.
async fn an_upload_survives_preview_and_a_refused_field(s: Site_) {
    with_users(&s).await;
    let mut b = signed_in(&s, "editor").await;
    let csrf = csrf_of(&b.get("/admin/articles/new").await.body);
    let mut fields = story(&csrf, "0", "حوار مع صورة", "preview");
    fields.extend([
        ("image_alt", "سدّ في الصباح"),
        ("image_caption", "سدّ الملك طلال"),
        ("image_credit", "عرب برس"),
    ]);
    let r = b
        .save("/admin/articles", &fields, Some(&png(800, 500)))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let url = hidden(&r.body, "image_url");
    assert!(url.starts_with("/media/"), "the image is kept: {url:?}");
    let preview = r
        .body
        .split("id=\"preview\"")
        .nth(1)
        .unwrap_or_default()
        .to_owned();
    assert!(
        preview.contains(&format!("src=\"{url}\""))
            && preview.contains("alt=\"سدّ في الصباح\"")
            && preview.contains("سدّ الملك طلال")
            && preview.contains("عرب برس"),
        "the preview shows the image as readers will: {preview}"
    );
    assert!(
        preview.contains("ليلى حداد") && preview.contains("بقلم"),
        "the byline, in the article's language: {preview}"
    );
    assert!(
        preview.contains("class=\"kicker\"") && preview.contains("حوار"),
        "section and kind: {preview}"
    );
    // A refused field with a new file: the form comes back holding the new image.
    let long = "خ".repeat(301);
    let mut refused = story(&csrf, "0", &long, "save");
    refused.push(("image_url", url.as_str()));
    let r = b
        .save("/admin/articles", &refused, Some(&png(640, 480)))
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    let second = hidden(&r.body, "image_url");
    assert!(
        second.starts_with("/media/") && second != url,
        "the new image is kept: {second:?}"
    );
    // Publishing the corrected form, with no file chosen again, keeps that image, and
    // readers see it.
    let mut fixed = story(&csrf, "0", "حوار مع صورة", "publish");
    fixed.extend([("image_url", second.as_str()), ("image_alt", "سدّ")]);
    let r = b.save("/admin/articles", &fixed, None).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let a = s
        .app
        .store()
        .article_by_id(article_id(&r))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(a.status, ArticleStatus::Published);
    assert_eq!(a.summary.image.map(|i| i.url), Some(second.clone()));
    let public = get(&s.router, &format!("/ar/article/{}", a.summary.slug)).await;
    assert!(
        public.body.contains(&second) && public.body.contains("alt=\"سدّ\""),
        "the published page shows the image: {}",
        public.body
    );
}

common::both_sites!(
    an_upload_survives_preview_and_a_refused_field,
    super::an_upload_survives_preview_and_a_refused_field
);

/// Sends the editor's fields to its autosave address; the answer is JSON.
async fn autosave(
    b: &mut Browser<'_>,
    path: &str,
    fields: &[(&str, &str)],
) -> (StatusCode, serde_json::Value) {
    let r = b.save(path, fields, None).await;
    let v = serde_json::from_str(&r.body)
        .unwrap_or_else(|e| panic!("JSON from {path}: {e}: {} {}", r.status, r.body));
    (r.status, v)
}

/// A draft is saved by itself as it is written: the first save makes the article, each
/// later one is a revision, and none ever replaces a newer save or touches an article that
/// left draft. A refused field, a stale form or another writer's article are answered with
/// a reason the editor can show.
async fn drafts_are_saved_automatically_and_never_over_newer_work(s: Site_) {
    with_users(&s).await;
    let mut b = signed_in(&s, "editor").await;
    let page = b.get("/admin/articles/new").await.body;
    assert!(
        page.contains("data-autosave=\"/admin/articles/autosave\""),
        "{page}"
    );
    let csrf = csrf_of(&page);
    let (code, v) = autosave(
        &mut b,
        "/admin/articles/autosave",
        &story(&csrf, "0", "مسودة تُحفظ وحدها", "save"),
    )
    .await;
    assert_eq!(code, StatusCode::OK, "{v}");
    let id = v["id"].as_i64().unwrap();
    let first = v["version"].as_i64().unwrap();
    assert_eq!(v["url"], format!("/admin/articles/{id}"));
    assert!(
        v["message"].as_str().unwrap().contains("تلقائيًا"),
        "said in the member's language: {v}"
    );
    let path = format!("/admin/articles/{id}/autosave");
    let fv = first.to_string();
    let (code, v) = autosave(
        &mut b,
        &path,
        &story(&csrf, &fv, "مسودة تُحفظ وحدها، مرة ثانية", "save"),
    )
    .await;
    assert_eq!(code, StatusCode::OK, "{v}");
    let second = v["version"].as_i64().unwrap();
    assert!(second > first);
    let editor = s
        .app
        .user_by_email("editor@x.example")
        .await
        .unwrap()
        .unwrap();
    let revisions = s.app.revisions_as(&editor, id).await.unwrap();
    assert_eq!(revisions.len(), 2, "each save is a revision");
    // A tab still holding the first version: refused, the newer text kept.
    let (code, v) = autosave(&mut b, &path, &story(&csrf, &fv, "نص قديم", "save")).await;
    assert_eq!(code, StatusCode::CONFLICT, "{v}");
    assert!(v["error"].as_str().unwrap().contains("شخص آخر"), "{v}");
    let a = s.app.store().article_by_id(id).await.unwrap().unwrap();
    assert_eq!(a.summary.headline, "مسودة تُحفظ وحدها، مرة ثانية");
    // A field that cannot be saved yet is named.
    let sv = second.to_string();
    let long = "خ".repeat(301);
    let (code, v) = autosave(&mut b, &path, &story(&csrf, &sv, &long, "save")).await;
    assert_eq!(code, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert_eq!(v["field"], "headline");
    assert!(v["error"].as_str().unwrap().contains("٣٠٠"), "{v}");
    // A form that arrives cut off saves nothing (the fields after the cut would be lost).
    let bnd = "----arabpress-test-boundary";
    let cut = format!(
        "--{bnd}\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n{csrf}\r\n\
         --{bnd}\r\nContent-Disposition: form-data; name=\"headline\"\r\n\r\nمقطو"
    );
    let r = b
        .send(
            "POST",
            &path,
            Some(format!("multipart/form-data; boundary={bnd}")),
            cut.into_bytes(),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    // An image, then "remove the image" ticked: each saved as it is.
    let mut with_image = story(&csrf, &sv, "مسودة تُحفظ وحدها، مرة ثانية", "save");
    with_image.extend([
        ("image_url", "https://example.org/photo.jpg"),
        ("image_alt", "صورة"),
    ]);
    let (code, v) = autosave(&mut b, &path, &with_image).await;
    assert_eq!(code, StatusCode::OK, "{v}");
    let a = s.app.store().article_by_id(id).await.unwrap().unwrap();
    assert!(a.summary.image.is_some());
    let with_image_version = v["version"].as_i64().unwrap().to_string();
    let mut removed = story(
        &csrf,
        &with_image_version,
        "مسودة تُحفظ وحدها، مرة ثانية",
        "save",
    );
    removed.extend([
        ("image_url", "https://example.org/photo.jpg"),
        ("image_alt", "صورة"),
        ("image_remove", "1"),
    ]);
    let (code, v) = autosave(&mut b, &path, &removed).await;
    assert_eq!(code, StatusCode::OK, "{v}");
    let a = s.app.store().article_by_id(id).await.unwrap().unwrap();
    assert!(a.summary.image.is_none(), "the image is gone once saved");
    let second = v["version"].as_i64().unwrap();
    let sv = second.to_string();
    // Without the form's token: refused, nothing saved.
    let mut no_token = story("", &sv, "بلا رمز", "save");
    no_token.retain(|(k, _)| *k != "csrf");
    let (code, _) = autosave(&mut b, &path, &no_token).await;
    assert_eq!(code, StatusCode::FORBIDDEN);
    // Another writer's article, and one that does not exist.
    let mut author = signed_in(&s, "author").await;
    let acsrf = csrf_of(&author.get("/admin/articles/new").await.body);
    let (code, _) = autosave(&mut author, &path, &story(&acsrf, &sv, "ليس لي", "save")).await;
    assert_eq!(code, StatusCode::FORBIDDEN);
    let (code, _) = autosave(
        &mut b,
        "/admin/articles/99999999/autosave",
        &story(&csrf, "1", "لا مقال", "save"),
    )
    .await;
    assert_eq!(code, StatusCode::NOT_FOUND);
    let a = s.app.store().article_by_id(id).await.unwrap().unwrap();
    assert_eq!(a.summary.headline, "مسودة تُحفظ وحدها، مرة ثانية");
    assert_eq!(a.version, second);
    // Published: the editor no longer saves by itself, and the server refuses if asked.
    let r = b
        .save(
            &format!("/admin/articles/{id}"),
            &story(&csrf, &sv, "مسودة نُشرت", "publish"),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let page = b.get(&format!("/admin/articles/{id}")).await.body;
    assert!(
        !page.contains("data-autosave="),
        "no autosave on a live article"
    );
    let live = version_of(&page);
    let (code, v) = autosave(&mut b, &path, &story(&csrf, &live, "تعديل حي", "save")).await;
    assert_eq!(code, StatusCode::CONFLICT, "{v}");
    assert!(v["error"].as_str().unwrap().contains("المسودة"), "{v}");
    let a = s.app.store().article_by_id(id).await.unwrap().unwrap();
    assert_eq!(a.summary.headline, "مسودة نُشرت");
    assert_eq!(a.status, ArticleStatus::Published);
}

common::both_sites!(
    drafts_are_saved_automatically_and_never_over_newer_work,
    super::drafts_are_saved_automatically_and_never_over_newer_work
);

/// A member who is one of the site's journalists finds their own name in a new article's
/// byline; one who is not finds it empty.
#[tokio::test]
async fn a_new_article_is_bylined_to_the_member_writing_it() {
    let s = site().await;
    with_users(&s).await;
    s.app
        .create_user("layla@x.example", "ليلى حداد", Role::Author, PASSWORD)
        .await
        .unwrap();
    let mut b = signed_in(&s, "layla").await;
    let page = b.get("/admin/articles/new").await.body;
    let first = page
        .split("id=\"author1\"")
        .nth(1)
        .and_then(|s| s.split("</datalist>").next())
        .unwrap_or_default();
    assert!(first.contains("value=\"layla-haddad\""), "{first}");
    assert!(first.contains(">ليلى حداد</option>") || first.contains(">Layla Haddad</option>"));
    let mut b = signed_in(&s, "editor").await;
    let page = b.get("/admin/articles/new").await.body;
    assert!(!page.contains("layla-haddad"));
}

/// The dashboard shows only what holds something, and names what is empty once.
#[tokio::test]
async fn the_dashboard_shows_what_waits_and_names_the_empty_once() {
    let s = site().await;
    with_users(&s).await;
    let mut b = signed_in(&s, "author").await;
    let csrf = csrf_of(&b.get("/admin").await.body);
    let r = b
        .post(
            "/admin/account/language",
            &[("csrf", &csrf), ("lang", "en")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let dash = b.get("/admin").await.body;
    assert!(
        dash.contains("Waiting for review, Scheduled, My drafts: nothing for now."),
        "{dash}"
    );
    assert!(!dash.contains("<h2 id=\"drafts\">"), "no empty section");
    assert_eq!(
        dash.matches("Recently published").count(),
        2,
        "a heading and the table's hidden caption, once each: {dash}"
    );
    write(&mut b, "A draft of my own", "save").await;
    let dash = b.get("/admin").await.body;
    assert!(dash.contains("<h2 id=\"drafts\">My drafts</h2>"), "{dash}");
    assert!(dash.contains("A draft of my own"));
    assert!(
        dash.contains("Waiting for review, Scheduled: nothing for now."),
        "{dash}"
    );
}

/// The background jobs page: owners and admins see each node's jobs (a failing one with its
/// reason, in the member's language) and ask for a round now; an editor may do neither.
async fn the_jobs_page_shows_each_nodes_jobs_and_runs_one_now(s: Site_) {
    with_users(&s).await;
    let now = common::now();
    let store = s.app.store();
    let failing = arabpress_app::JobReport {
        running: false,
        last_ok_at: Some(now - jiff::SignedDuration::from_mins(3)),
        last_failed_at: Some(now),
        last_error: Some("the feed answered 503".into()),
        failures: 2,
        next_at: Some(now + jiff::SignedDuration::from_mins(1)),
    };
    let quiet = arabpress_app::JobReport {
        failures: 0,
        last_error: None,
        last_failed_at: None,
        ..failing.clone()
    };
    store
        .report_job("web-2:41", "wire-feeds", &failing, now)
        .await
        .unwrap();
    store
        .report_job("web-2:41", "publish-due", &quiet, now)
        .await
        .unwrap();
    store
        .report_job(
            "old-host:7",
            "mail",
            &quiet,
            now - jiff::SignedDuration::from_hours(1),
        )
        .await
        .unwrap();
    let mut editor = signed_in(&s, "editor").await;
    assert_eq!(
        editor.get("/admin/jobs").await.status,
        StatusCode::FORBIDDEN
    );
    assert!(!editor.get("/admin").await.body.contains("/admin/jobs"));
    let mut admin = signed_in(&s, "admin").await;
    admin.work_in("ar").await;
    let page = admin.get("/admin/jobs").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    let b = &page.body;
    for said in [
        "web-2:41",
        "جلب موجزات الوكالات",
        "تتعثر (مرتين متتاليتين)",
        "the feed answered 503",
        "نشر المقالات المجدولة",
        "في الانتظار",
        "old-host:7",
        "انقطعت أخباره",
    ] {
        assert!(b.contains(said), "{said}: {b}");
    }
    assert!(
        b.find("نشر المقالات المجدولة") < b.find("جلب موجزات الوكالات"),
        "jobs in their usual order"
    );
    let r = admin
        .submit("/admin/jobs", "/admin/jobs/wire-feeds/run", &[])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(r.header("location"), "/admin/jobs?done=job-asked");
    let (asked, _) = store.job_rounds_after(0).await.unwrap();
    assert_eq!(asked, ["wire-feeds"]);
    let done = admin.get("/admin/jobs?done=job-asked").await;
    assert!(done.body.contains("سيبدأ كل خادم"), "{}", done.body);
    let r = admin
        .submit("/admin/jobs", "/admin/jobs/no-such-job/run", &[])
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let r = editor
        .submit("/admin", "/admin/jobs/wire-feeds/run", &[])
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let (asked, _) = store.job_rounds_after(0).await.unwrap();
    assert_eq!(asked.len(), 1, "nothing more was asked");
}

common::both_sites!(
    the_jobs_page_shows_each_nodes_jobs_and_runs_one_now,
    super::the_jobs_page_shows_each_nodes_jobs_and_runs_one_now
);

/// The work queued with each change is on the jobs page: how much waits, which job fails
/// and why (with its article), and a button that makes the failures due again at once and
/// asks the servers for a round; an editor may not press it.
async fn the_jobs_page_shows_the_queued_work_and_retries_failures(s: Site_) {
    with_users(&s).await;
    let mut b = signed_in(&s, "editor").await;
    let id = write(&mut b, "خبر ينتظر صوته", "publish").await;
    let store = s.app.store();
    let now = s.app.now();
    let until = now + jiff::SignedDuration::from_mins(1);
    let jobs = store
        .claim_jobs(arabpress_store::SPEAK, "test", now, until, 1_000)
        .await
        .unwrap();
    let job = jobs
        .iter()
        .find(|j| j.subject == id)
        .unwrap_or_else(|| panic!("publishing queued the speaking: {jobs:?}"));
    let later = now + jiff::SignedDuration::from_hours(1);
    store
        .retry_job(job, "test", "Error: voice \"ar\" not found", later)
        .await
        .unwrap();
    for j in jobs.iter().filter(|j| j.subject != id) {
        store.release_job(j, "test", None).await.unwrap();
    }
    let mut admin = signed_in(&s, "admin").await;
    admin.work_in("ar").await;
    let page = admin.get("/admin/jobs").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    let b = &page.body;
    for said in [
        "الأعمال المنتظرة",
        "قراءة المقالات صوتياً",
        "تعثرت (مرة واحدة)",
        "voice &quot;ar&quot; not found",
        &format!("href=\"/admin/articles/{id}\""),
        "أعد المتعثر الآن",
    ] {
        assert!(b.contains(said), "{said}: {b}");
    }
    assert!(
        store
            .claim_jobs(arabpress_store::SPEAK, "early", now, until, 1_000)
            .await
            .unwrap()
            .iter()
            .all(|j| j.subject != id),
        "not due before its retry"
    );
    let mut editor = signed_in(&s, "editor").await;
    let r = editor
        .submit("/admin", "/admin/jobs/speak/retry", &[])
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = admin
        .submit("/admin/jobs", "/admin/jobs/speak/retry", &[])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(r.header("location"), "/admin/jobs?done=jobs-retried");
    let again = store
        .claim_jobs(arabpress_store::SPEAK, "again", now, until, 1_000)
        .await
        .unwrap();
    let job = again
        .iter()
        .find(|j| j.subject == id)
        .unwrap_or_else(|| panic!("due again at once: {again:?}"));
    assert_eq!(job.attempts, 1, "its failure is still counted");
    let (asked, _) = store.job_rounds_after(0).await.unwrap();
    assert_eq!(asked, ["speak"]);
    let done = admin.get("/admin/jobs?done=jobs-retried").await;
    assert!(
        done.body.contains("حان وقت الأعمال المتعثرة"),
        "{}",
        done.body
    );
}

common::both_sites!(
    the_jobs_page_shows_the_queued_work_and_retries_failures,
    super::the_jobs_page_shows_the_queued_work_and_retries_failures
);

/// The byline and tag pickers suggest what is typed instead of listing every journalist
/// or tag; without the script, a journalist's name typed out is taken for them.
#[tokio::test]
async fn pickers_suggest_instead_of_listing_everyone() {
    let s = site().await;
    with_users(&s).await;
    let mut b = signed_in(&s, "editor").await;
    let json = |r: &Resp| -> Vec<(String, String)> {
        let v: serde_json::Value = serde_json::from_str(&r.body).unwrap();
        v.as_array()
            .unwrap()
            .iter()
            .map(|i| {
                (
                    i["value"].as_str().unwrap().to_owned(),
                    i["label"].as_str().unwrap().to_owned(),
                )
            })
            .collect()
    };
    let by_name = b.get("/admin/lookup/authors?q=khat").await;
    assert_eq!(by_name.status, StatusCode::OK, "{}", by_name.body);
    let found = json(&by_name);
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].0, "omar-khatib");
    assert!(found[0].1.contains("Omar Khatib") && found[0].1.contains("عمر الخطيب"));
    let arabic = json(
        &b.get("/admin/lookup/authors?q=%D8%A7%D9%84%D8%AE%D8%B7%D9%8A%D8%A8")
            .await,
    );
    assert_eq!(arabic.first().map(|a| a.0.as_str()), Some("omar-khatib"));
    assert!(json(&b.get("/admin/lookup/authors?q=").await).is_empty());
    assert!(
        json(&b.get("/admin/lookup/authors?q=%25").await).is_empty(),
        "% is a letter, not a pattern"
    );
    let tags = json(
        &b.get("/admin/lookup/tags?lang=ar&q=%D8%A7%D9%84%D8%A3%D8%B1%D8%AF")
            .await,
    );
    assert!(tags.iter().any(|t| t.0 == "الأردن"), "{tags:?}");
    assert!(
        json(
            &b.get("/admin/lookup/tags?lang=en&q=%D8%A7%D9%84%D8%A3%D8%B1%D8%AF")
                .await
        )
        .is_empty()
    );
    // Signed out: the sign-in page, never the names.
    let out = Browser::new(&s).get("/admin/lookup/authors?q=khat").await;
    assert_ne!(out.status, StatusCode::OK);
    assert!(!out.body.contains("omar-khatib"));

    // A new article's page names no journalist it does not hold.
    let page = b.get("/admin/articles/new").await;
    assert!(!page.body.contains("nour-mansour") && !page.body.contains("Nour Mansour"));
    // A name typed out is the journalist; a name of nobody is refused, naming the field.
    let csrf = csrf_of(&page.body);
    let mut fields = story(&csrf, "0", "حوار بالاسم", "save");
    for f in fields.iter_mut().filter(|f| f.0 == "author") {
        f.1 = if f.1.is_empty() {
            ""
        } else {
            "  omar   KHATIB "
        };
    }
    let r = b.save("/admin/articles", &fields, None).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let edit = b.get(&location(&r)).await;
    assert!(edit.body.contains("value=\"omar-khatib\""), "{}", edit.body);
    assert!(
        edit.body.contains(">Omar Khatib</option>") || edit.body.contains(">عمر الخطيب</option>")
    );
    for f in fields
        .iter_mut()
        .filter(|f| f.0 == "author" && !f.1.is_empty())
    {
        f.1 = "Nobody Here";
    }
    fields.iter_mut().for_each(|f| {
        if f.0 == "headline" {
            f.1 = "حوار باسم لا أحد";
        }
    });
    let r = b.save("/admin/articles", &fields, None).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    // The message, not only the field sent back.
    assert!(
        r.body.contains("“Nobody Here”") || r.body.contains("«Nobody Here»"),
        "{}",
        r.body
    );
    // A name two journalists share is refused, asking for one of them.
    for slug in ["sara-ali", "sara-ali-2"] {
        s.app
            .store()
            .create_author(
                &arabpress_core::Slug::parse(slug).unwrap(),
                "سارة علي",
                "Sara Ali",
                "",
                "",
            )
            .await
            .unwrap();
    }
    for f in fields.iter_mut() {
        match f.0 {
            "author" if !f.1.is_empty() => f.1 = "Sara Ali",
            "headline" => f.1 = "حوار باسم مشترك",
            _ => {}
        }
    }
    let r = b.save("/admin/articles", &fields, None).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(
        r.body.contains("More than one journalist") || r.body.contains("أكثر من كاتب"),
        "{}",
        r.body
    );
    // The list's filter takes a name too, and shows only that journalist's articles; a
    // name of nobody shows none.
    write(&mut b, "حوار بقلم ليلى", "save").await;
    let list = b.get("/admin/articles?author=Omar+Khatib").await;
    assert!(list.body.contains("حوار بالاسم"), "{}", list.body);
    assert!(!list.body.contains("حوار بقلم ليلى"), "{}", list.body);
    assert!(!list.body.contains("nour-mansour"));
    let list = b.get("/admin/articles?author=Nobody+Here").await;
    assert!(!list.body.contains("حوار بالاسم") && !list.body.contains("حوار بقلم ليلى"));
}
