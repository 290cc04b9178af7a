//! Outgoing webhooks: the endpoints registered, each one's recent deliveries and retries,
//! adding one (its signing secret shown once) and removing one.

use super::{Answer, Member, MemberForm, OrRefuse, done, done_notice, member_page, msg, when};
use crate::WebState;
use arabpress_app::Session;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use serde_json::{Value, json};
use std::collections::HashMap;

pub(super) fn routes() -> Router<WebState> {
    Router::new()
        .route("/admin/webhooks", get(webhooks).post(add_webhook))
        .route("/admin/webhooks/{id}/delete", post(delete_webhook))
}

// ---------------------------------------------------------------------------------------
// Webhooks

async fn webhooks_page(
    state: &WebState,
    s: &Session,
    created: Option<Value>,
    notice: Option<String>,
) -> Answer {
    let lang = s.user.ui_lang;
    let hooks = state.app.webhooks_as(&s.user).await.or_refuse(state, s)?;
    let rows: Vec<Value> = hooks
        .iter()
        .map(|(w, log)| {
            json!({
                "id": w.id,
                "url": w.url,
                "events": w.events,
                "deliveries": log.iter().map(|d| {
                    let (at, iso) = when(state, lang, d.created_at);
                    json!({
                        "id": d.id,
                        "event": d.event,
                        "status": d.status,
                        "attempts": d.attempts,
                        "answer": d.response_status.map(|c| c.to_string()).or_else(|| d.last_error.clone()).unwrap_or_default(),
                        "at": at,
                        "at_iso": iso,
                        "next": arabpress_app::next_attempt(d).map(|t| when(state, lang, t).0),
                    })
                }).collect::<Vec<_>>(),
            })
        })
        .collect();
    let title = msg(state, lang, "admin-webhooks", &[]);
    Ok(member_page(
        state,
        s,
        StatusCode::OK,
        "webhooks",
        &title,
        json!({
            "webhooks": rows,
            "events": arabpress_app::WEBHOOK_EVENTS,
            "created": created,
            "notice": notice,
        }),
    ))
}

async fn webhooks(
    State(state): State<WebState>,
    Member(s): Member,
    Query(q): Query<HashMap<String, String>>,
) -> Answer {
    let notice = done_notice(&state, s.user.ui_lang, q.get("done"));
    webhooks_page(&state, &s, None, notice).await
}

async fn add_webhook(State(state): State<WebState>, MemberForm(s, f): MemberForm) -> Answer {
    let w = state
        .app
        .create_webhook_as(&s.user, f.get("url"), &f.all("event"))
        .await
        .or_refuse(&state, &s)?;
    webhooks_page(&state, &s, Some(json!({ "secret": w.secret })), None).await
}

async fn delete_webhook(
    State(state): State<WebState>,
    Path(id): Path<i64>,
    MemberForm(s, _): MemberForm,
) -> Answer {
    let outcome = state.app.delete_webhook_as(&s.user, id).await;
    done(&state, &s, outcome, "/admin/webhooks?done=webhook-deleted")
}
