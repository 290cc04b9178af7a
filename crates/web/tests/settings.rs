//! The newsroom's settings page through the router: who may use it, CSRF, every refusal
//! (in the member's language, nothing written), and what a save changes on public pages:
//! the masthead, navigation, footer links, structured data, the pop-up, the podcast
//! artwork; and the values the configuration file pins.

// clippy.toml allows these in #[test] functions; this covers the helpers too.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use arabpress_testkit::png;
use axum::http::StatusCode;

mod common;
use common::browser::{Browser, Upload, csrf_of, signed_in, with_users};
use common::{Resp, Site_, site};

/// Signs `who` in, with the newsroom in `lang`.
async fn sign_in<'a>(site: &'a Site_, who: &str, lang: &str) -> Browser<'a> {
    let mut b = signed_in(site, who).await;
    // The newsroom's language is the member's own.
    let r = b
        .submit(
            "/admin/account",
            "/admin/account/language",
            &[("lang", lang)],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    b
}

/// Posts the settings form as a browser would: the page's own fields, `changes` over
/// them, and a logo file when given.
async fn save(
    b: &mut Browser<'_>,
    changes: &[(&str, &str)],
    logo: Option<&[u8]>,
    csrf: bool,
) -> Resp {
    let page = b.get("/admin/settings").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    let token = if csrf {
        csrf_of(&page.body)
    } else {
        String::new()
    };
    let mut fields = vec![("csrf", token.as_str()), ("switches_present", "1")];
    fields.extend_from_slice(changes);
    let upload = logo.map(|bytes| Upload {
        field: "logo",
        filename: "logo",
        content_type: "application/octet-stream",
        bytes,
    });
    b.post_multipart("/admin/settings", &fields, upload).await
}

/// The settings rows the newsroom wrote: all but the demo's contact address.
async fn stored(s: &Site_) -> Vec<(String, String)> {
    let demo = serde_json::json!(arabpress_app::demo::DEMO_CONTACT).to_string();
    let mut rows = s.app.store().site_settings().await.unwrap();
    rows.retain(|(name, value)| !(name == "contact_email" && *value == demo));
    rows
}

async fn public(s: &Site_, path: &str) -> String {
    let r = common::get(&s.router, path).await;
    assert_eq!(r.status, StatusCode::OK, "{path}");
    r.body
}

#[tokio::test]
async fn only_owners_and_admins_change_settings_and_only_with_the_token() {
    let s = site().await;
    with_users(&s).await;
    let mut editor = sign_in(&s, "editor", "en").await;
    let r = editor.get("/admin/settings").await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert!(!editor.get("/admin").await.body.contains("/admin/settings"));
    for who in ["admin", "owner"] {
        let mut b = sign_in(&s, who, "en").await;
        let page = b.get("/admin/settings").await;
        assert_eq!(page.status, StatusCode::OK, "{who}");
        assert!(
            page.body
                .contains("href=\"/admin/settings\" aria-current=\"page\"")
        );
        // Without the form's token: refused, nothing written.
        let r = save(&mut b, &[("name_en", "Token Press")], None, false).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{who}");
        assert!(stored(&s).await.is_empty());
    }
    // An editor's post (with a token of their own session) is refused too.
    let token = csrf_of(&editor.get("/admin").await.body);
    let r = editor
        .post_multipart(
            "/admin/settings",
            &[("csrf", token.as_str()), ("name_en", "Editor Press")],
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert!(stored(&s).await.is_empty());
}

/// Fields to change, a logo file, and words the refusal must carry.
type Case = (
    Vec<(&'static str, &'static str)>,
    Option<Vec<u8>>,
    &'static str,
);

#[tokio::test]
async fn bad_values_and_bad_logos_are_refused_in_the_members_language() {
    let s = site().await;
    with_users(&s).await;
    let mut b = sign_in(&s, "admin", "ar").await;
    let script = br#"<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>"#;
    let mut bomb = png(1, 1);
    bomb[16..20].copy_from_slice(&100_000u32.to_be_bytes());
    bomb[20..24].copy_from_slice(&100_000u32.to_be_bytes());
    let cases: Vec<Case> = vec![
        (
            vec![("time_zone", "Mars/Olympus")],
            None,
            "ليست منطقة زمنية معروفة",
        ),
        (
            vec![("default_lang", "fr")],
            None,
            "اختر العربية أو الإنجليزية",
        ),
        (
            vec![("social", "javascript:alert(1)")],
            None,
            "ليس عنوان http(s) لموقع",
        ),
        (vec![("name_en", "")], None, "اكتب من ١ إلى ٨٠ حرفًا"),
        (
            vec![("contact_email", "desk at gulfpress")],
            None,
            "ليس عنوان بريد إلكتروني",
        ),
        (vec![], Some(script.to_vec()), "يحمل نصًا برمجيًا"),
        (vec![], Some(bomb), "والحد الأقصى"),
        (
            vec![],
            Some(b"just some text".to_vec()),
            "يجب أن يكون الشعار ملف SVG أو PNG",
        ),
        // A good value beside a bad one: nothing is written.
        (
            vec![("name_en", "Half Press"), ("social", "ftp://x.example")],
            None,
            "ليس عنوان",
        ),
    ];
    for (changes, logo, want) in cases {
        let r = save(&mut b, &changes, logo.as_deref(), true).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{changes:?}");
        assert!(
            r.body.contains(want),
            "{changes:?}: {want} not in {}",
            r.body
        );
        assert!(r.body.contains("aria-invalid=\"true\""), "{changes:?}");
        assert!(stored(&s).await.is_empty(), "{changes:?} wrote something");
    }
    assert!(!public(&s, "/en/").await.contains("Half Press"));
}

#[tokio::test]
async fn a_save_changes_every_public_page_at_once_on_sqlite() {
    a_save_changes_every_public_page_at_once(site().await).await;
}

#[tokio::test]
async fn a_save_changes_every_public_page_at_once_on_postgres() {
    match common::site_on_postgres().await {
        Some(s) => a_save_changes_every_public_page_at_once(s).await,
        None => eprintln!("ARABPRESS_TEST_POSTGRES unset: PostgreSQL half skipped"),
    }
}

async fn a_save_changes_every_public_page_at_once(s: Site_) {
    with_users(&s).await;
    let home = public(&s, "/en/").await;
    assert!(home.contains("Arab Press"));
    let article = home
        .split("href=\"/en/article/")
        .nth(1)
        .and_then(|x| x.split('"').next())
        .map(|slug| format!("/en/article/{slug}"))
        .unwrap_or_else(|| panic!("no article on the home page"));
    let before = public(&s, &article).await;
    assert!(before.contains("id=\"newsletter-popup\""));
    let sections = s.app.sections().await.unwrap();
    let last = sections
        .last()
        .map(|x| x.id.to_string())
        .unwrap_or_default();
    let pos_field = format!("nav_en_pos_{last}");
    let mut b = sign_in(&s, "owner", "en").await;
    let r = save(
        &mut b,
        &[
            ("name_en", "Gulf Press"),
            ("tagline_en", "News from the Gulf"),
            (
                "social",
                "https://x.com/gulfpress\nhttps://www.facebook.com/gulfpress",
            ),
            ("nav_en_present", "1"),
            ("nav_en", &last),
            (&pos_field, "1"),
            ("comments", "1"),
            ("newsletter_popup", "1"),
            ("contact_email", " Desk@GulfPress.example "),
        ],
        Some(&png(600, 200)),
        true,
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let page = b.get("/admin/settings?done=settings").await;
    assert!(page.body.contains("Settings saved"), "{}", page.body);
    let home = public(&s, "/en/").await;
    assert!(home.contains("Gulf Press") && home.contains("News from the Gulf"));
    assert!(home.contains("class=\"site-logo\""), "{home}");
    assert!(home.contains("width=\"600\" height=\"200\""));
    assert!(home.contains("href=\"https://x.com/gulfpress\""));
    assert!(home.contains(">facebook.com<"));
    assert!(home.contains(
        "\"sameAs\":[\"https://x.com/gulfpress\",\"https://www.facebook.com/gulfpress\"]"
    ));
    // The English masthead's bar shows the one section chosen; the Arabic one all of them
    // (the phone menu before the bar lists the same).
    let nav = |html: &str| {
        html.matches("href=\"/en/section/").count() + html.matches("href=\"/ar/section/").count()
    };
    let en_nav = home
        .split("<nav class=\"sections\"")
        .nth(1)
        .and_then(|x| x.split("</nav>").next())
        .and_then(|x| x.split("</details>").nth(1))
        .unwrap_or_default();
    assert_eq!(nav(en_nav), 1, "{en_nav}");
    let ar = public(&s, "/ar/").await;
    let ar_nav = ar
        .split("<nav class=\"sections\"")
        .nth(1)
        .and_then(|x| x.split("</nav>").next())
        .and_then(|x| x.split("</details>").nth(1))
        .unwrap_or_default();
    assert_eq!(nav(ar_nav), sections.len());
    // The logo and its artwork are served; the artwork is square and podcast-sized.
    let settings = s.app.site_settings();
    let logo = settings.logo.clone().unwrap_or_else(|| panic!("no logo"));
    let art = common::get(&s.router, &format!("/media/{}/artwork.png", logo.sha256)).await;
    assert_eq!(art.status, StatusCode::OK);
    let r = s
        .app
        .media_file(&logo.sha256, "artwork.png")
        .await
        .ok()
        .flatten()
        .unwrap_or_else(|| panic!("no artwork"));
    let img = image::load_from_memory(&r.body).unwrap();
    assert_eq!((img.width(), img.height()), (1400, 1400));
    assert!(settings.comments);
    // Phones get a home-screen icon drawn from the logo; podcast directories its artwork
    // and the newsroom's address as the owner's.
    let icon = format!("/media/{}/touch-icon.png", logo.sha256);
    assert!(
        home.contains(&format!("<link rel=\"apple-touch-icon\" href=\"{icon}\">")),
        "{home}"
    );
    let r = s
        .app
        .media_file(&logo.sha256, "touch-icon.png")
        .await
        .ok()
        .flatten()
        .unwrap_or_else(|| panic!("no touch icon"));
    let img = image::load_from_memory(&r.body).unwrap();
    assert_eq!((img.width(), img.height()), (180, 180));
    let unprompted = common::get(&s.router, "/apple-touch-icon.png").await;
    assert_eq!(unprompted.status, StatusCode::TEMPORARY_REDIRECT);
    assert_eq!(unprompted.header("location"), icon);
    let podcast = public(&s, "/en/podcast.xml").await;
    assert!(
        podcast.contains(&format!("/media/{}/artwork.png\"", logo.sha256)),
        "{podcast}"
    );
    assert!(
        podcast.contains("<itunes:email>desk@gulfpress.example</itunes:email>"),
        "{podcast}"
    );
    let contact = public(&s, "/en/contact").await;
    assert!(
        contact.contains("href=\"mailto:desk@gulfpress.example\""),
        "{contact}"
    );
    // Browsers' tabs show the logo: a PNG icon drawn from it (no SVG icon for a PNG logo),
    // also at /favicon.ico.
    let png_icon = format!("/media/{}/icon.png", logo.sha256);
    assert!(
        home.contains(&format!(
            "<link rel=\"icon\" href=\"{png_icon}\" sizes=\"192x192\" type=\"image/png\">"
        )),
        "{home}"
    );
    assert!(!home.contains("type=\"image/svg+xml\""), "{home}");
    let r = s
        .app
        .media_file(&logo.sha256, "icon.png")
        .await
        .ok()
        .flatten()
        .unwrap_or_else(|| panic!("no icon"));
    let img = image::load_from_memory(&r.body).unwrap();
    assert_eq!((img.width(), img.height()), (192, 192));
    assert_eq!(
        common::get(&s.router, &png_icon).await.status,
        StatusCode::OK
    );
    let ico = common::get(&s.router, "/favicon.ico").await;
    assert_eq!(ico.status, StatusCode::TEMPORARY_REDIRECT);
    assert_eq!(ico.header("location"), png_icon);
    // An article without a photo is pictured by the logo's artwork, with its size, for
    // search engines and social sites.
    let plain = public(
        &s,
        "/en/article/economist-dalia-farouk-bread-prices-are-a-barometer-of-trust",
    )
    .await;
    let artwork = format!("http://test.example/media/{}/artwork.png", logo.sha256);
    let jsonld: serde_json::Value = plain
        .split("<script type=\"application/ld+json\">")
        .nth(1)
        .and_then(|x| x.split("</script>").next())
        .and_then(|x| serde_json::from_str(x).ok())
        .unwrap_or_else(|| panic!("no JSON-LD: {plain}"));
    assert_eq!(
        jsonld[0]["image"],
        serde_json::json!([{ "@type": "ImageObject", "url": artwork, "width": 1400, "height": 1400 }])
    );
    // The publisher, in every article's structured data, is shown by the uploaded logo.
    assert_eq!(
        jsonld[0]["publisher"]["logo"],
        serde_json::json!({
            "@type": "ImageObject",
            "url": format!("http://test.example{}", logo.url()),
            "width": 600,
            "height": 200,
        }),
        "{jsonld}"
    );
    assert_eq!(jsonld[0]["publisher"]["name"], "Gulf Press");
    assert!(
        plain.contains(&format!(
            "<meta property=\"og:image\" content=\"{artwork}\">"
        )),
        "{plain}"
    );
    // The pop-up switch really removes the pop-up.
    let r = save(&mut b, &[], None, true).await; // the switches section sent without the box ticked
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let after = public(&s, &article).await;
    assert!(!after.contains("id=\"newsletter-popup\""), "{after}");
    assert!(!s.app.site_settings().newsletter_popup);
    // Each change is in the audit log.
    let audit = s
        .app
        .store()
        .audit_of("settings", 0)
        .await
        .unwrap_or_default();
    for name in [
        "name_en",
        "tagline_en",
        "social",
        "nav_en",
        "comments",
        "logo",
        "newsletter_popup",
        "contact_email",
    ] {
        assert!(
            audit
                .iter()
                .any(|a| a.detail.starts_with(&format!("{name} = "))),
            "{name}"
        );
    }
    // An SVG logo is the SVG icon itself, with the PNG drawn from it beside it.
    let svg = br##"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 200 50"><rect width="200" height="50" fill="#c81e1e"/></svg>"##;
    let r = save(&mut b, &[], Some(svg), true).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let logo = s
        .app
        .site_settings()
        .logo
        .clone()
        .unwrap_or_else(|| panic!("no logo"));
    assert_eq!(logo.file, "logo.svg");
    let home = public(&s, "/en/").await;
    assert!(
        home.contains(&format!(
            "<link rel=\"icon\" href=\"/media/{}/icon.png\" sizes=\"192x192\" type=\"image/png\">\n\
             <link rel=\"icon\" href=\"/media/{}/logo.svg\" type=\"image/svg+xml\">",
            logo.sha256, logo.sha256
        )),
        "{home}"
    );
}

/// The first `<time datetime>` on a page that holds a time of day (the masthead's holds
/// a date): the instant and its written offset.
fn first_datetime(html: &str) -> (jiff::Timestamp, String) {
    let iso = html
        .split("<time datetime=\"")
        .skip(1)
        .filter_map(|x| x.split('"').next())
        .find(|x| x.contains('T'))
        .unwrap_or_else(|| panic!("no <time> with a time of day: {html}"));
    let ts = iso.parse().unwrap_or_else(|e| panic!("{iso}: {e}"));
    (ts, iso[iso.len().saturating_sub(6)..].to_owned())
}

#[tokio::test]
async fn a_saved_time_zone_and_default_language_take_effect_at_once() {
    let s = site().await;
    with_users(&s).await;
    let article = "/en/article/economist-dalia-farouk-bread-prices-are-a-barometer-of-trust";
    let root = common::get(&s.router, "/").await;
    assert_eq!(
        root.header("location"),
        "/ar/",
        "no Accept-Language: the default"
    );
    let before = first_datetime(&public(&s, article).await);
    assert_eq!(before.1, "+00:00");

    let mut b = sign_in(&s, "owner", "en").await;
    let r = save(
        &mut b,
        &[("time_zone", "Asia/Riyadh"), ("default_lang", "en")],
        None,
        true,
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);

    // A reader whose browser names no language now lands on the English site.
    let root = common::get(&s.router, "/").await;
    assert_eq!(root.header("location"), "/en/");
    // Dates are written in the new zone: the same moment, three hours ahead on the clock.
    let page = public(&s, article).await;
    let after = first_datetime(&page);
    assert_eq!((after.0, after.1.as_str()), (before.0, "+03:00"));
    assert!(page.contains("(GMT+3)"), "the zone readers see: {page}");
    assert!(!page.contains("(GMT)"), "{page}");
}

#[tokio::test]
async fn values_the_file_sets_are_shown_pinned_and_kept() {
    let s = common::site_adding(|b| {
        b.settings_pins(arabpress_app::SettingsPins {
            name_en: Some("File Press".into()),
            ..Default::default()
        })
    })
    .await;
    with_users(&s).await;
    s.app.load_settings().await.unwrap();
    let mut b = sign_in(&s, "admin", "en").await;
    let page = b.get("/admin/settings").await;
    assert!(page.body.contains("value=\"File Press\""), "{}", page.body);
    assert!(
        page.body
            .contains("disabled aria-describedby=\"pin-name_en\"")
    );
    assert!(
        page.body.contains("Set in the configuration file"),
        "{}",
        page.body
    );
    assert!(
        !page
            .body
            .contains("disabled aria-describedby=\"pin-name_ar\"")
    );
    // A forged field for the pinned value changes nothing; the free one is saved.
    let r = save(
        &mut b,
        &[("name_en", "Forged Press"), ("name_ar", "صحافة الخليج")],
        None,
        true,
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let home = public(&s, "/en/").await;
    assert!(home.contains("File Press") && !home.contains("Forged Press"));
    assert!(public(&s, "/ar/").await.contains("صحافة الخليج"));
    assert!(!stored(&s).await.iter().any(|(n, _)| n == "name_en"));
}

/// The house digits: by default the digits an editor types in Arabic text are written
/// Arabic-Indic, like the interface's; set to Western, the whole Arabic page (the masthead's
/// dates, Hijri included, and the articles) uses Western digits. English pages, addresses,
/// `datetime` values, structured data and Latin words never change.
#[tokio::test]
async fn arabic_pages_write_every_digit_in_the_house_style() {
    use arabpress_core::{ArticleDraft, ArticleKind, ArticleStatus, Lang, Slug};
    let s = site().await;
    with_users(&s).await;
    let draft = ArticleDraft {
        lang: Lang::Ar,
        slug: Some(Slug::parse("exports-2026").unwrap()),
        headline: "ارتفاع الصادرات 12 في المئة".into(),
        standfirst: "بلغت الصادرات 350 مليون دولار.".into(),
        body_md:
            "قال التقرير إن 40 شركة صدّرت منتجاتها في 2026، ومنها هواتف iPhone 15 ولقاحات COVID-19."
                .into(),
        kind: ArticleKind::News,
        section: Slug::parse("economy").unwrap(),
        tags: Vec::new(),
        authors: vec![Slug::parse("layla-haddad").unwrap()],
        source: None,
        image: None,
        seo_title: None,
        seo_description: None,
    };
    let a = s
        .app
        .create_article(draft, ArticleStatus::Draft, None)
        .await
        .unwrap();
    s.app.publish(a.summary.id, None).await.unwrap();
    let path = "/ar/article/exports-2026";
    let page = public(&s, path).await;
    for shown in [
        "ارتفاع الصادرات ١٢ في المئة",
        "بلغت الصادرات ٣٥٠ مليون دولار.",
        "قال التقرير إن ٤٠ شركة صدّرت منتجاتها في ٢٠٢٦،",
        "هواتف iPhone 15 ولقاحات COVID-19.",
        "٧ فبراير ٢٠٢٦",
    ] {
        assert!(page.contains(shown), "{shown} not in {page}");
    }
    assert!(page.contains("href=\"/ar/article/exports-2026\"") || page.contains("exports-2026\""));
    assert!(
        page.contains("\"headline\":\"ارتفاع الصادرات 12 في المئة\""),
        "JSON-LD keeps the text as written"
    );
    let english = public(&s, "/en/").await;

    let mut b = sign_in(&s, "owner", "ar").await;
    let r = save(&mut b, &[("digits", "western")], None, true).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let page = public(&s, path).await;
    for shown in [
        "ارتفاع الصادرات 12 في المئة",
        "قال التقرير إن 40 شركة صدّرت منتجاتها في 2026،",
        "7 فبراير 2026",
        "19 شعبان 1447 هـ",
        "data-digits=\"latn\"",
    ] {
        assert!(page.contains(shown), "{shown} not in {page}");
    }
    assert!(
        !page.chars().any(|c| ('\u{0660}'..='\u{0669}').contains(&c)),
        "{page}"
    );
    assert_eq!(
        public(&s, "/en/").await,
        english,
        "English pages do not change"
    );
    let r = save(&mut b, &[("digits", "roman")], None, true).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.body.contains("اختر الأرقام الهندية أو الغربية"),
        "{}",
        r.body
    );
}
