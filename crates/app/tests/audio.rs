//! Spoken articles on SQLite and PostgreSQL: published articles are spoken once, again
//! only when their words change (the old file removed once the new one is in place); a
//! failing engine is recorded with its reason and the article reads as before; without an
//! engine the site runs and says why.
//!
//! The tests with the real engine (espeak-ng and LAME) run when it is installed, and must
//! run when `ARABPRESS_TEST_AUDIO` is set (as `scripts/test` does); the others need only
//! `/bin/sh`.

// clippy.toml allows these in #[test] functions; this covers the helpers too.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use arabpress_testkit as testkit;

use arabpress_app::{App, AudioOutcome, AudioSettings, AudioStatus, FixedClock};
use arabpress_core::{ArticleDraft, ArticleKind, ArticleStatus, Lang, Slug};
use arabpress_store::Store;
use jiff::SignedDuration;
use std::sync::Arc;

use testkit::now;

fn slug(s: &str) -> Slug {
    Slug::parse(s).unwrap()
}

async fn setup(store: &Store, audio: AudioSettings) -> (App, Arc<FixedClock>) {
    let clock = Arc::new(FixedClock::new(now()));
    let app = testkit::app_builder(store, jiff::tz::TimeZone::UTC, Arc::clone(&clock))
        .audio(audio)
        .build()
        .unwrap();
    app.create_section(&slug("world"), "العالم", "World", 1)
        .await
        .unwrap();
    store
        .create_author(&slug("hala"), "هالة منصور", "Hala Mansour", "", "")
        .await
        .unwrap();
    (app, clock)
}

fn draft(lang: Lang, headline: &str, body: &str) -> ArticleDraft {
    ArticleDraft {
        lang,
        slug: None,
        headline: headline.into(),
        standfirst: match lang {
            Lang::Ar => "قال الوزير إن الخطة تبدأ في الربيع".into(),
            Lang::En => "The minister said the plan starts in spring".into(),
        },
        body_md: body.into(),
        kind: ArticleKind::Interview,
        section: slug("world"),
        tags: vec![],
        authors: vec![slug("hala")],
        source: None,
        image: None,
        seo_title: None,
        seo_description: None,
    }
}

const AR_BODY: &str = "**هالة منصور:** متى تبدأ الخطة؟\n\n**وزير الزراعة:** أعلنت الحكومة اليوم خطة \
    جديدة لدعم المزارعين في المناطق الريفية وتحسين شبكات المياه، وستبدأ في الربيع المقبل.";
const EN_BODY: &str = "**Hala Mansour:** When does the plan start?\n\n**The minister:** The \
    government announced a new plan today to support farmers in rural areas and improve water \
    networks; it starts next spring.";

/// Saves an article with `status` (published now, or a draft).
async fn save(app: &App, d: ArticleDraft, status: ArticleStatus) -> arabpress_core::model::Article {
    let at = (status == ArticleStatus::Published).then(now);
    app.create_article(d, status, at).await.unwrap()
}

async fn page(app: &App, lang: Lang, slug: &str) -> (u16, String) {
    let p = app.article_page(lang, slug).await.unwrap();
    let (body, _) = p.body(arabpress_app::Encoding::Identity);
    (p.status, String::from_utf8_lossy(&body).into_owned())
}

async fn articles_are_spoken_once_and_again_when_their_words_change(store: Store) {
    if !testkit::speech_engine_installed() {
        return;
    }
    let (app, clock) = setup(&store, AudioSettings::default()).await;
    assert!(matches!(app.audio_status(), AudioStatus::On(_)));
    let ar = save(
        &app,
        draft(Lang::Ar, "خطة جديدة لدعم المزارعين", AR_BODY),
        ArticleStatus::Published,
    )
    .await;
    let en = save(
        &app,
        draft(Lang::En, "A new plan for farmers", EN_BODY),
        ArticleStatus::Published,
    )
    .await;
    let draft_only = save(
        &app,
        draft(Lang::En, "Not yet", EN_BODY),
        ArticleStatus::Draft,
    )
    .await;
    // Before its audio exists, a page has no player.
    let (_, html) = page(&app, Lang::En, &en.summary.slug).await;
    assert!(!html.contains("data-player"));

    let done = app.speak_due(10).await.unwrap();
    let mut made: Vec<i64> = done
        .iter()
        .map(|o| match o {
            AudioOutcome::Made { id, audio, words } => {
                // About 160 words a minute: a plausible length for the text.
                let expected = (*words as i64) * 60_000 / 160;
                assert!(
                    audio.duration_ms > expected / 3 && audio.duration_ms < expected * 3,
                    "{words} words in {} ms",
                    audio.duration_ms
                );
                *id
            }
            other => panic!("{other:?}"),
        })
        .collect();
    made.sort_unstable();
    assert_eq!(
        made,
        [ar.summary.id, en.summary.id],
        "drafts are not spoken"
    );
    assert!(!made.contains(&draft_only.summary.id));

    // The file is in the media store, as MP3, and the page plays it.
    let a = store
        .article_by_id(ar.summary.id)
        .await
        .unwrap()
        .and_then(|a| a.audio)
        .unwrap_or_else(|| panic!("no audio recorded"));
    let file = app
        .media_file(&a.sha, arabpress_app::AUDIO_FILE)
        .await
        .unwrap()
        .unwrap_or_else(|| panic!("the audio file is missing"));
    assert_eq!(file.content_type, "audio/mpeg");
    assert_eq!(file.body.len() as i64, a.bytes);
    let (status, html) = page(&app, Lang::Ar, &ar.summary.slug).await;
    assert_eq!(status, 200);
    assert!(
        html.contains(&format!("src=\"{}\"", a.path())),
        "the page has no player"
    );
    assert!(html.contains("استمع إلى هذا المقال"));

    // Nothing is due any more; an edit that leaves the words alone speaks nothing.
    assert!(app.speak_due(10).await.unwrap().is_empty());
    let mut same_words = draft(Lang::Ar, "خطة جديدة لدعم المزارعين", AR_BODY);
    same_words.slug = Some(slug(&ar.summary.slug));
    same_words.tags = vec!["زراعة".into()];
    app.update_article(ar.summary.id, ar.version, same_words)
        .await
        .unwrap();
    let again = app.speak_due(10).await.unwrap();
    assert_eq!(again, [AudioOutcome::Unchanged(ar.summary.id)]);
    let kept = store
        .audio_state(ar.summary.id)
        .await
        .unwrap()
        .and_then(|s| s.audio);
    assert_eq!(kept.as_ref(), Some(&a), "unchanged words keep their audio");

    // New words: new audio, and the old file goes once the new one is in place.
    clock.set(now() + SignedDuration::from_mins(5));
    let current = store
        .article_by_id(ar.summary.id)
        .await
        .unwrap()
        .unwrap_or_else(|| panic!("gone"));
    let mut edited = draft(
        Lang::Ar,
        "خطة جديدة لدعم المزارعين",
        &format!("{AR_BODY}\n\nوقال إن التمويل يأتي من الموازنة العامة."),
    );
    edited.slug = Some(slug(&ar.summary.slug));
    app.update_article(ar.summary.id, current.version, edited)
        .await
        .unwrap();
    let again = app.speak_due(10).await.unwrap();
    let new = match again.as_slice() {
        [AudioOutcome::Made { audio, .. }] => audio.clone(),
        other => panic!("{other:?}"),
    };
    assert_ne!(new.sha, a.sha);
    assert!(new.duration_ms > a.duration_ms);
    assert!(
        app.media_file(&a.sha, arabpress_app::AUDIO_FILE)
            .await
            .unwrap()
            .is_none(),
        "the replaced file is removed"
    );
    let (_, html) = page(&app, Lang::Ar, &ar.summary.slug).await;
    assert!(html.contains(&new.path()), "the page plays the new audio");
}
testkit::both_backends!(
    articles_are_spoken_once_and_again_when_their_words_change,
    super::articles_are_spoken_once_and_again_when_their_words_change
);

/// Writes an executable shell script.
fn script(dir: &std::path::Path, name: &str, body: &str) -> String {
    let path = dir.join(name);
    std::fs::write(&path, format!("#!/bin/sh\n{body}\n")).unwrap();
    let ok = std::process::Command::new("chmod")
        .arg("+x")
        .arg(&path)
        .status()
        .is_ok_and(|s| s.success());
    assert!(ok, "chmod");
    path.to_string_lossy().into_owned()
}

async fn a_failing_engine_is_recorded_and_the_article_reads_as_before(store: Store) {
    let dir = tempfile::tempdir().unwrap();
    let espeak = script(
        dir.path(),
        "espeak-ng",
        "case \"$1\" in --version) echo 'eSpeak NG 1.51 (broken)';; \
         *) echo 'Error: voice \"ar\" not found' >&2; exit 1;; esac",
    );
    let lame = script(dir.path(), "lame", "echo 'LAME 3.100'; cat >/dev/null");
    let (app, clock) = setup(
        &store,
        AudioSettings {
            enabled: true,
            espeak,
            lame,
            tashkeel_model: None,
        },
    )
    .await;
    let a = save(
        &app,
        draft(Lang::Ar, "خطة جديدة لدعم المزارعين", AR_BODY),
        ArticleStatus::Published,
    )
    .await;
    let done = app.speak_due(10).await.unwrap();
    match done.as_slice() {
        [AudioOutcome::Failed(id, why)] => {
            assert_eq!(*id, a.summary.id);
            assert!(why.contains("voice \"ar\" not found"), "{why}");
        }
        other => panic!("{other:?}"),
    }
    let state = store
        .audio_state(a.summary.id)
        .await
        .unwrap()
        .unwrap_or_else(|| panic!("no audio row"));
    assert!(state.audio.is_none());
    assert!(
        state
            .error
            .as_deref()
            .is_some_and(|e| e.contains("not found"))
    );
    assert_eq!(state.failures, 1);
    let counts = store.audio_counts().await.unwrap();
    assert_eq!((counts.ready, counts.failed, counts.waiting), (0, 1, 0));
    // The article reads as before, without a player.
    let (status, html) = page(&app, Lang::Ar, &a.summary.slug).await;
    assert_eq!(status, 200);
    assert!(html.contains("خطة جديدة لدعم المزارعين") && !html.contains("data-player"));
    // Not tried again at once; tried again once its retry is due.
    assert!(app.speak_due(10).await.unwrap().is_empty());
    clock.set(now() + SignedDuration::from_mins(6));
    let retried = app.speak_due(10).await.unwrap();
    assert!(
        matches!(retried.as_slice(), [AudioOutcome::Failed(..)]),
        "{retried:?}"
    );
    let state = store
        .audio_state(a.summary.id)
        .await
        .unwrap()
        .unwrap_or_else(|| panic!("no audio row"));
    assert_eq!(state.failures, 2);
    // The wait doubles: ten minutes after the second failure.
    assert_eq!(
        state.retry_at,
        Some(now() + SignedDuration::from_mins(6) + SignedDuration::from_mins(10))
    );
}
testkit::both_backends!(
    a_failing_engine_is_recorded_and_the_article_reads_as_before,
    super::a_failing_engine_is_recorded_and_the_article_reads_as_before
);

async fn without_an_engine_the_site_runs_and_says_why(store: Store) {
    let (app, _) = setup(
        &store,
        AudioSettings {
            enabled: true,
            espeak: "arabpress-no-such-espeak".into(),
            lame: "lame".into(),
            tashkeel_model: None,
        },
    )
    .await;
    match app.audio_status() {
        AudioStatus::Off(why) => assert!(why.contains("arabpress-no-such-espeak"), "{why}"),
        on => panic!("{on:?}"),
    }
    let a = save(
        &app,
        draft(Lang::En, "A new plan for farmers", EN_BODY),
        ArticleStatus::Published,
    )
    .await;
    assert!(app.speak_due(10).await.unwrap().is_empty());
    let (status, html) = page(&app, Lang::En, &a.summary.slug).await;
    assert_eq!(status, 200);
    assert!(!html.contains("data-player"));
    let counts = store.audio_counts().await.unwrap();
    assert_eq!((counts.ready, counts.failed, counts.waiting), (0, 0, 1));
}
testkit::both_backends!(
    without_an_engine_the_site_runs_and_says_why,
    super::without_an_engine_the_site_runs_and_says_why
);

async fn a_model_that_cannot_be_read_turns_audio_off_with_the_reason(store: Store) {
    if !testkit::speech_engine_installed() {
        return;
    }
    let (app, _) = setup(
        &store,
        AudioSettings {
            tashkeel_model: Some("/nonexistent/tashkeel.safetensors".into()),
            ..AudioSettings::default()
        },
    )
    .await;
    match app.audio_status() {
        AudioStatus::Off(why) => assert!(
            why.contains("reading the vowel-mark model /nonexistent/tashkeel.safetensors"),
            "{why}"
        ),
        on => panic!("{on:?}"),
    }
}
testkit::both_backends!(
    a_model_that_cannot_be_read_turns_audio_off_with_the_reason,
    super::a_model_that_cannot_be_read_turns_audio_off_with_the_reason
);
