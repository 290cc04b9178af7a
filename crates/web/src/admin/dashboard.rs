//! The newsroom's front page: what waits for review, pending changes, scheduled pieces,
//! the member's drafts, the latest published, and how the spoken versions stand.

use super::articles::article_rows;
use super::{Answer, Member, OrRefuse, member_page, msg, when};
use crate::WebState;
use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::get;
use serde_json::json;

pub(super) fn routes() -> Router<WebState> {
    Router::new().route("/admin", get(dashboard))
}
// ---------------------------------------------------------------------------------------
// Dashboard and lists

async fn dashboard(State(state): State<WebState>, Member(s): Member) -> Answer {
    let lang = s.user.ui_lang;
    let d = state.app.dashboard(&s.user).await.or_refuse(&state, &s)?;
    let title = msg(&state, lang, "admin-dashboard", &[]);
    Ok(member_page(
        &state,
        &s,
        StatusCode::OK,
        "dashboard",
        &title,
        json!({
            "in_review": article_rows(&state, lang, &d.in_review),
            "pending": d.pending.iter().map(|p| {
                let (at, iso) = when(&state, lang, p.at);
                json!({
                    "id": p.id,
                    "article_id": p.article_id,
                    "headline": p.live_headline,
                    "by": p.user_name,
                    "at": at,
                    "at_iso": iso,
                })
            }).collect::<Vec<_>>(),
            "scheduled": article_rows(&state, lang, &d.scheduled),
            "my_drafts": article_rows(&state, lang, &d.my_drafts),
            "published": article_rows(&state, lang, &d.published),
            "audio": match &d.audio {
                arabpress_app::AudioStatus::On(engine) => json!({ "on": true, "detail": engine }),
                arabpress_app::AudioStatus::Off(why) => json!({ "on": false, "detail": why }),
            },
            "audio_counts": {
                "ready": d.audio_counts.ready,
                "failed": d.audio_counts.failed,
                "waiting": d.audio_counts.waiting,
            },
        }),
    ))
}
