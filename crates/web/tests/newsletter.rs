//! The newsletter as readers meet it: signing up, confirming, changing preferences and
//! leaving, through the router, with mail written by the file transport and read back.

// clippy.toml allows these in #[test] functions; this covers the helpers too.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use arabpress_core::Lang;
use arabpress_store::SubscriberQuery;
use axum::http::StatusCode;
use common::{Site_, get, now, post_form, site};
use jiff::SignedDuration;

/// A parsed message from the file transport.
struct Mail {
    to: String,
    subject: String,
    headers: String,
    text: String,
    html: String,
}

fn parse(raw: &str) -> Mail {
    let m = mail_parser::MessageParser::default()
        .parse(raw.as_bytes())
        .unwrap_or_else(|| panic!("not a message: {raw}"));
    let header_block = raw.split("\r\n\r\n").next().unwrap_or_default().to_owned();
    Mail {
        to: m
            .to()
            .and_then(|a| a.first())
            .and_then(|a| a.address())
            .unwrap_or_default()
            .to_owned(),
        subject: m.subject().unwrap_or_default().to_owned(),
        headers: header_block,
        text: m.body_text(0).map(|t| t.into_owned()).unwrap_or_default(),
        html: m.body_html(0).map(|t| t.into_owned()).unwrap_or_default(),
    }
}

/// The site-relative path of the first link in `text` to `/…/newsletter/{kind}`.
fn link(text: &str, kind: &str) -> String {
    let start = text
        .find(&format!("/newsletter/{kind}?t="))
        .unwrap_or_else(|| panic!("no {kind} link in {text}"));
    let from =
        text[..start].rfind("http://test.example").unwrap_or(start) + "http://test.example".len();
    text[from..]
        .split(|c: char| c.is_whitespace() || c == '"' || c == '>')
        .next()
        .unwrap_or_default()
        .to_owned()
}

async fn mails_after(s: &Site_, before: usize) -> Vec<Mail> {
    s.app
        .deliver_mail()
        .await
        .unwrap_or_else(|e| panic!("deliver: {e}"));
    s.mails()
        .iter()
        .skip(before)
        .map(|(_, raw)| parse(raw))
        .collect()
}

async fn published(s: &Site_, lang: Lang, nth: usize) -> i64 {
    let q = arabpress_store::ListQuery::latest(lang, 20, now());
    s.app.store().list(&q).await.unwrap().items[nth].id
}

async fn subscriber(s: &Site_, email: &str) -> arabpress_store::Subscriber {
    let page = s
        .app
        .store()
        .subscribers(&SubscriberQuery {
            q: Some(email.into()),
            ..SubscriberQuery::default()
        })
        .await
        .unwrap();
    assert_eq!(page.total, 1, "exactly one row for {email}");
    page.items[0].clone()
}

#[tokio::test]
async fn signing_up_takes_a_confirmed_address_and_never_makes_a_duplicate() {
    let s = site().await;
    let r = post_form(
        &s.router,
        "/ar/newsletter",
        "email=Reader%40Example.org&langs=both&list=digest&list=breaking&website=",
    )
    .await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.contains("تفقّد بريدك") && r.body.contains("reader@example.org"));
    assert_eq!(r.headers["cache-control"], "no-store");

    let mails = mails_after(&s, 0).await;
    assert_eq!(mails.len(), 1);
    let confirm = &mails[0];
    assert_eq!(confirm.to, "reader@example.org");
    assert_eq!(confirm.subject, "أكّد اشتراكك في النشرة البريدية");
    assert!(confirm.html.contains("dir=\"rtl\""));
    assert!(
        !confirm.headers.contains("List-Unsubscribe"),
        "a confirmation is not list mail"
    );
    let confirm_link = link(&confirm.text, "confirm");

    // Until confirmed, nothing is sent to the address.
    let first = published(&s, Lang::Ar, 0).await;
    let (_, queued) = s.app.breaking_news(first, None).await.unwrap();
    assert_eq!(queued, 0, "a pending address gets no newsletter");

    // Signing up again a minute later: still one row, no second mail.
    s.clock.set(now() + SignedDuration::from_mins(1));
    let again = post_form(
        &s.router,
        "/ar/newsletter",
        "email=reader%40example.org&langs=both&list=breaking&list=digest",
    )
    .await;
    assert_eq!(again.status, StatusCode::OK);
    assert!(mails_after(&s, 1).await.is_empty(), "no flood of mails");
    assert_eq!(subscriber(&s, "reader@example.org").await.status, "pending");

    // A forged or altered link does nothing.
    let forged = format!("{}0", confirm_link);
    let r = get(&s.router, &forged).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert!(r.body.contains("هذا الرابط لا يعمل"));
    assert_eq!(subscriber(&s, "reader@example.org").await.status, "pending");

    let r = get(&s.router, &confirm_link).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(r.body.contains("تمّ اشتراكك"));
    assert_eq!(
        subscriber(&s, "reader@example.org").await.status,
        "confirmed"
    );

    // Now breaking news reaches it, as list mail with a one-click unsubscribe.
    let second = published(&s, Lang::Ar, 1).await;
    let (_, queued) = s.app.breaking_news(second, None).await.unwrap();
    assert_eq!(queued, 1);
    let mails = mails_after(&s, 1).await;
    assert_eq!(mails.len(), 1);
    let m = &mails[0];
    assert!(
        m.headers
            .contains("List-Unsubscribe: <http://test.example/ar/newsletter/unsubscribe?t="),
        "{}",
        m.headers
    );
    assert!(
        m.headers
            .contains("List-Unsubscribe-Post: List-Unsubscribe=One-Click")
    );
    assert!(m.headers.contains("Content-Type: multipart/alternative"));
    assert!(m.headers.contains("Message-ID: <"));
    assert!(m.html.contains("<html lang=\"ar\" dir=\"rtl\">"));
    assert!(m.text.contains("/ar/article/"), "{}", m.text);
    assert!(m.text.contains("/newsletter/unsubscribe?t="));
    assert!(!m.text.contains("%%"), "every link filled in");

    // The same article cannot go out twice.
    let twice = s.app.breaking_news(second, None).await;
    assert!(
        matches!(twice, Err(arabpress_app::AppError::Conflict(_))),
        "{twice:?}"
    );

    // Signing up a confirmed address again sends its preferences link, changes nothing.
    s.clock.set(now() + SignedDuration::from_mins(30));
    post_form(
        &s.router,
        "/en/newsletter",
        "email=reader%40example.org&langs=en&list=digest",
    )
    .await;
    let mails = mails_after(&s, 2).await;
    assert_eq!(mails.len(), 1);
    assert_eq!(mails[0].subject, "اشتراكك في النشرة البريدية");
    let sub = subscriber(&s, "reader@example.org").await;
    assert_eq!(sub.langs, "both");
    assert_eq!(sub.lists, vec!["breaking", "digest"]);
}

#[tokio::test]
async fn confirmation_links_expire() {
    let s = site().await;
    post_form(
        &s.router,
        "/en/newsletter",
        "email=late%40example.org&langs=en&list=digest",
    )
    .await;
    let mails = mails_after(&s, 0).await;
    assert_eq!(mails[0].subject, "Confirm your newsletter subscription");
    assert!(mails[0].html.contains("<html lang=\"en\" dir=\"ltr\">"));
    let confirm = link(&mails[0].text, "confirm");
    s.clock
        .set(now() + SignedDuration::from_hours(24 * arabpress_app::CONFIRM_DAYS + 1));
    let r = get(&s.router, &confirm).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert!(r.body.contains("This link does not work"));
    assert_eq!(subscriber(&s, "late@example.org").await.status, "pending");
}

#[tokio::test]
async fn bad_sign_ups_get_a_clear_message_and_store_nothing() {
    let s = site().await;
    let r = post_form(
        &s.router,
        "/ar/newsletter",
        "email=not-an-address&langs=ar&list=digest",
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("يُرجى إدخال عنوان بريد إلكتروني صحيح"));
    assert!(
        r.body.contains("value=\"not-an-address\""),
        "what was typed is kept"
    );
    let r = post_form(
        &s.router,
        "/en/newsletter",
        "email=a%40example.org&langs=en",
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("Please choose at least one newsletter."));
    let r = post_form(
        &s.router,
        "/en/newsletter",
        "email=a%40example.org&langs=en&list=section%3Anowhere",
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let r = post_form(
        &s.router,
        "/en/newsletter",
        "email=a%40example.org&langs=fr&list=digest",
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);

    // A robot filling in the hidden field is told nothing and stores nothing.
    let r = post_form(
        &s.router,
        "/en/newsletter",
        "email=robot%40example.org&langs=en&list=digest&website=http%3A%2F%2Fspam.example",
    )
    .await;
    assert_eq!(r.status, StatusCode::OK);
    let all = s
        .app
        .store()
        .subscribers(&SubscriberQuery::default())
        .await
        .unwrap();
    assert_eq!(all.total, 0, "nothing stored");
    assert!(mails_after(&s, 0).await.is_empty());

    // One address may sign up ten times an hour.
    for i in 1..arabpress_app::SIGNUPS_PER_IP_PER_HOUR {
        let r = post_form(
            &s.router,
            "/en/newsletter",
            &format!("email=r{i}%40example.org&langs=en&list=digest"),
        )
        .await;
        assert_eq!(r.status, StatusCode::OK, "sign-up {i}");
    }
    let r = post_form(
        &s.router,
        "/en/newsletter",
        "email=one-more%40example.org&langs=en&list=digest",
    )
    .await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(r.headers["retry-after"], "3600");
    assert!(r.body.contains("Too many sign-ups"));
    s.clock.set(now() + SignedDuration::from_mins(61));
    let r = post_form(
        &s.router,
        "/en/newsletter",
        "email=one-more%40example.org&langs=en&list=digest",
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "the window passes");
}

#[tokio::test]
async fn unsubscribing_takes_one_click_and_preferences_need_no_account() {
    let s = site().await;
    let report = s
        .app
        .import_subscribers("email,langs,lists\nstay@example.org,ar,breaking digest\nleave@example.org,both,breaking\n")
        .await
        .unwrap();
    assert_eq!(report.added, 2, "{report:?}");

    let (send, queued) = s
        .app
        .breaking_news(published(&s, Lang::Ar, 0).await, None)
        .await
        .unwrap();
    assert_eq!(queued, 2);
    let mails = mails_after(&s, 0).await;
    assert_eq!(mails.len(), 2);
    let leave = mails
        .iter()
        .find(|m| m.to == "leave@example.org")
        .unwrap_or_else(|| panic!("no mail to leave@"));
    let unsubscribe = link(&leave.headers, "unsubscribe");

    // The link shows a button; nothing happens on a mere visit (link scanners).
    let r = get(&s.router, &unsubscribe).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(
        r.body
            .contains("<form class=\"unsubscribe\" method=\"post\"")
    );
    assert_eq!(
        subscriber(&s, "leave@example.org").await.status,
        "confirmed"
    );

    // Queue a second send, then leave before it is delivered: one click, at once.
    let (_, queued) = s
        .app
        .breaking_news(published(&s, Lang::Ar, 1).await, None)
        .await
        .unwrap();
    assert_eq!(queued, 2);
    let r = post_form(&s.router, &unsubscribe, "List-Unsubscribe=One-Click").await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.contains("أُلغي اشتراكك"));
    assert_eq!(
        subscriber(&s, "leave@example.org").await.status,
        "unsubscribed"
    );
    let mails = mails_after(&s, 2).await;
    assert_eq!(
        mails.len(),
        1,
        "the queued message to the leaver is dropped"
    );
    assert_eq!(mails[0].to, "stay@example.org");
    let stats = s.app.store().send_stats(send.id + 1).await.unwrap();
    assert_eq!((stats.sent, stats.cancelled), (1, 1));

    // Preferences from the link in the mail: change lists and language.
    let prefs = link(&mails[0].text, "preferences");
    let r = get(&s.router, &prefs).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.contains("stay@example.org"));
    let r = post_form(&s.router, &prefs, "langs=en&list=digest").await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.contains("حُفظت اختياراتك"));
    let sub = subscriber(&s, "stay@example.org").await;
    assert_eq!(
        (sub.langs.as_str(), sub.lists.clone()),
        ("en", vec!["digest".to_owned()])
    );
    let r = post_form(&s.router, &prefs, "langs=en&list=section%3Anowhere").await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        subscriber(&s, "stay@example.org").await.lists,
        vec!["digest"]
    );
    // Ticking nothing is leaving.
    let r = post_form(&s.router, &prefs, "langs=en").await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(
        subscriber(&s, "stay@example.org").await.status,
        "unsubscribed"
    );
    // A link for one purpose does not work for another.
    let as_unsubscribe = prefs.replace("/preferences?", "/unsubscribe?");
    assert_eq!(
        post_form(&s.router, &as_unsubscribe, "").await.status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn the_daily_digest_is_made_once_a_day_per_language_and_list() {
    let s = site().await;
    s.app
        .import_subscribers("a@example.org,ar,digest\nb@example.org,en,digest\n")
        .await
        .unwrap();
    // Before the hour: nothing.
    s.clock.set("2026-02-07T06:30:00Z".parse().unwrap());
    let made = s.app.make_digests().await.unwrap();
    assert!(made.is_empty());
    s.clock.set(now());
    let made = s.app.make_digests().await.unwrap();
    let mut keys: Vec<(String, String)> = made
        .iter()
        .map(|m| (m.lang.clone(), m.list.clone()))
        .collect();
    keys.sort();
    assert_eq!(
        keys,
        vec![
            ("ar".into(), "digest".into()),
            ("en".into(), "digest".into())
        ],
        "sections without readers get none"
    );
    assert!(
        made.iter()
            .all(|m| m.status == "draft" && !m.article_ids.is_empty())
    );
    assert!(
        made.iter()
            .all(|m| m.article_ids.len() <= arabpress_app::DIGEST_STORIES)
    );
    let ar = made
        .iter()
        .find(|m| m.lang == "ar")
        .map(|m| m.subject.clone());
    assert!(
        ar.unwrap_or_default()
            .starts_with("عرب برس: أهم أخبار اليوم")
    );
    // Drafts wait for an editor: nothing is queued.
    assert_eq!(s.app.store().outbox_pending().await.unwrap_or(9), 0);
    // Later the same day, and on a second node: no second digest.
    s.clock.set(now() + SignedDuration::from_hours(3));
    assert!(s.app.make_digests().await.unwrap_or_default().is_empty());
}

#[tokio::test]
async fn subscriber_imports_report_every_rejected_row_and_exports_round_trip() {
    let s = site().await;
    let csv = "email,langs,lists\n\
               good@example.org,ar,digest breaking\n\
               not an address,ar,digest\n\
               lang@example.org,fr,digest\n\
               list@example.org,en,weekly\n\
               GOOD@example.org,en,digest\n\
               section@example.org,both,section:economy\n\
               =1+2@mail.example,en,digest\n";
    let report = s.app.import_subscribers(csv).await.unwrap();
    assert_eq!(report.added, 3);
    let lines: Vec<usize> = report.rejected.iter().map(|r| r.0).collect();
    assert_eq!(lines, vec![3, 4, 5, 6], "{report:?}");
    assert!(report.rejected[0].2.contains("not an email address"));
    assert!(report.rejected[1].2.contains("not ar, en or both"));
    assert!(report.rejected[2].2.contains("weekly"));
    assert!(report.rejected[3].2.contains("earlier in the file"));
    // Again: nothing changes, and each row says why.
    let again = s.app.import_subscribers(csv).await.unwrap();
    assert_eq!(again.added, 0);
    assert!(
        again
            .rejected
            .iter()
            .any(|r| r.2.contains("already on file (confirmed)"))
    );
    let out = s
        .app
        .export_subscribers(&SubscriberQuery::default())
        .await
        .unwrap();
    let rows: Vec<&str> = out.lines().collect();
    assert_eq!(
        rows[0],
        "email,langs,lists,status,source,created_at,confirmed_at"
    );
    assert!(rows[1].starts_with("good@example.org,ar,digest breaking,confirmed,import,"));
    assert!(rows[2].starts_with("section@example.org,both,section:economy,confirmed,import,"));
    // A spreadsheet shows the address as text, not the formula's result.
    assert!(
        rows[3].starts_with("'=1+2@mail.example,en,digest,"),
        "{}",
        rows[3]
    );
    assert_eq!(rows.len(), 4);
    // And the export imports back as the same address.
    let back = s.app.import_subscribers(&out).await.unwrap();
    assert_eq!(back.added, 0);
    assert!(
        back.rejected
            .iter()
            .all(|r| r.2.contains("already") || r.2.contains("on file")),
        "{back:?}"
    );
}

#[tokio::test]
async fn a_message_a_killed_worker_handed_over_is_not_sent_again() {
    let s = site().await;
    let report = s
        .app
        .import_subscribers(
            "email,langs,lists\none@example.org,ar,breaking\ntwo@example.org,ar,breaking\nthree@example.org,ar,breaking\n",
        )
        .await
        .unwrap();
    assert_eq!(report.added, 3, "{report:?}");
    let (send, queued) = s
        .app
        .breaking_news(published(&s, Lang::Ar, 0).await, None)
        .await
        .unwrap();
    assert_eq!(queued, 3);

    // A worker claims the three messages, hands the first to the server (its journal line
    // is written just before the final dot) and is killed before the database hears of it.
    let store = s.app.store();
    let held = store
        .claim_outbox(
            "dead-worker",
            now(),
            now() + SignedDuration::from_mins(1),
            10,
        )
        .await
        .unwrap();
    assert_eq!(held.len(), 3);
    let journals = store
        .sqlite_path()
        .and_then(|p| p.parent().map(|d| d.join("outbox-journal")))
        .unwrap_or_else(|| panic!("the site runs on a SQLite file"));
    std::fs::create_dir_all(&journals).unwrap();
    let journal = journals.join("dead-lane.journal");
    std::fs::write(&journal, format!("{} dead-worker\n", held[0].id)).unwrap();

    // While the dead worker's lease lasts, nothing is sent; but its journal is applied.
    assert!(mails_after(&s, 0).await.is_empty());
    assert!(
        !journal.exists(),
        "a dead lane's journal is removed once applied"
    );
    let stats = store.send_stats(send.id).await.unwrap();
    assert_eq!((stats.sent, stats.queued), (1, 2), "{stats:?}");

    // Once it runs out, the other two go, and the handed-over one is not sent again.
    s.clock.set(now() + SignedDuration::from_mins(2));
    let mails = mails_after(&s, 0).await;
    let mut to: Vec<&str> = mails.iter().map(|m| m.to.as_str()).collect();
    to.sort_unstable();
    let mut others: Vec<&str> = held[1..].iter().map(|i| i.email.as_str()).collect();
    others.sort_unstable();
    assert_eq!(to, others);
    let stats = store.send_stats(send.id).await.unwrap();
    assert_eq!((stats.sent, stats.queued), (3, 0), "{stats:?}");
    // A live lane's journal is gone too once its lane ends.
    let left: Vec<_> = std::fs::read_dir(&journals)
        .map(|d| d.flatten().map(|e| e.file_name()).collect())
        .unwrap_or_default();
    assert!(left.is_empty(), "{left:?}");
}
