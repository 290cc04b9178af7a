//! The newsroom's wire page: the feeds an editor registered, how each last went (stories
//! brought in, or why it was refused), and the form to add one; pause, resume, remove and
//! "poll now" buttons.

use super::{
    Answer, Member, MemberForm, OrRefuse, Session, done_notice, member_page, msg, problem,
    see_other, when,
};
use crate::WebState;
use arabpress_app::{AppError, WireFeedForm};
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use serde_json::{Value, json};
use std::collections::HashMap;

pub(super) fn routes() -> Router<WebState> {
    Router::new()
        .route("/admin/wire", get(wire).post(add))
        .route("/admin/wire/{id}/{action}", post(act))
}

async fn page(
    state: &WebState,
    s: &Session,
    status: StatusCode,
    form: Value,
    problem: Option<String>,
    notice: Option<String>,
) -> Answer {
    let lang = s.user.ui_lang;
    let feeds = state.app.wire_feeds_as(&s.user).await.or_refuse(state, s)?;
    let sections = state.app.sections().await.or_refuse(state, s)?;
    let rows: Vec<Value> = feeds
        .iter()
        .map(|f| {
            json!({
                "id": f.id,
                "url": f.url,
                "name": f.name,
                "lang": f.lang,
                "section": sections.iter().find(|x| x.id == f.section_id).map(|x| x.name(lang).to_owned()),
                "publish": f.publish,
                "active": f.active,
                "interval": f.interval_minutes,
                "status": f.last_status,
                "error": f.last_error,
                "items": f.items_total,
                "polled": f.last_polled_at.map(|t| when(state, lang, t).0),
                "polled_iso": f.last_polled_at.map(|t| when(state, lang, t).1),
                "next": f.active.then(|| when(state, lang, f.next_poll_at).0),
            })
        })
        .collect();
    let section_options: Vec<Value> = sections
        .iter()
        .map(|x| json!({ "slug": x.slug.as_str(), "name": x.name(lang) }))
        .collect();
    let title = msg(state, lang, "admin-wire", &[]);
    Ok(member_page(
        state,
        s,
        status,
        "wire",
        &title,
        json!({
            "feeds": rows,
            "sections": section_options,
            "form": form,
            "problem": problem,
            "notice": notice,
        }),
    ))
}

async fn wire(
    State(state): State<WebState>,
    Member(s): Member,
    Query(q): Query<HashMap<String, String>>,
) -> Answer {
    let notice = match q.get("done").map(String::as_str) {
        Some("polled") => Some(msg(
            &state,
            s.user.ui_lang,
            "admin-wire-polled",
            &[(
                "count",
                &q.get("n")
                    .and_then(|n| n.parse::<i64>().ok())
                    .unwrap_or(0)
                    .to_string(),
            )],
        )),
        other => done_notice(&state, s.user.ui_lang, other.map(str::to_owned).as_ref()),
    };
    // A failed check is a problem, shown as one (its reason is on the feed's card).
    let problem = (q.get("done").map(String::as_str) == Some("poll-failed"))
        .then(|| msg(&state, s.user.ui_lang, "admin-wire-poll-failed", &[]));
    let form = json!({ "lang": s.user.ui_lang.code(), "interval": 15 });
    page(&state, &s, StatusCode::OK, form, problem, notice).await
}

async fn add(State(state): State<WebState>, MemberForm(s, f): MemberForm) -> Answer {
    let form = WireFeedForm {
        url: f.get("url").trim().to_owned(),
        name: f.get("name").trim().to_owned(),
        lang: f.get("lang").to_owned(),
        section: f.get("section").to_owned(),
        publish: f.get("publish") == "1",
        interval_minutes: f.get("interval").trim().parse().unwrap_or(-1),
    };
    let added = state.app.add_wire_feed_as(&s.user, &form).await;
    match &added {
        Err(e @ (AppError::Invalid(_) | AppError::Conflict(_))) => {
            let m = problem(&state, s.user.ui_lang, e);
            let typed = json!({
                "url": form.url, "name": form.name, "lang": form.lang, "section": form.section,
                "publish": form.publish, "interval": f.get("interval"),
            });
            let problem = format!(
                "{} {m}",
                msg(&state, s.user.ui_lang, "admin-wire-refused", &[])
            );
            page(
                &state,
                &s,
                StatusCode::UNPROCESSABLE_ENTITY,
                typed,
                Some(problem),
                None,
            )
            .await
        }
        _ => {
            added.or_refuse(&state, &s)?;
            Ok(see_other("/admin/wire?done=wire-added"))
        }
    }
}

async fn act(
    State(state): State<WebState>,
    Path((id, action)): Path<(i64, String)>,
    MemberForm(s, _): MemberForm,
) -> Answer {
    let app = &state.app;
    let done = match action.as_str() {
        "pause" => app
            .set_wire_feed_active_as(&s.user, id, false)
            .await
            .map(|()| "wire-paused".to_owned()),
        "resume" => app
            .set_wire_feed_active_as(&s.user, id, true)
            .await
            .map(|()| "wire-resumed".to_owned()),
        "delete" => app
            .delete_wire_feed_as(&s.user, id)
            .await
            .map(|()| "wire-deleted".to_owned()),
        "poll" => app.poll_wire_feed_as(&s.user, id).await.map(|o| match o {
            Some(o) if o.status != "error" => format!("polled&n={}", o.new_items),
            _ => "poll-failed".to_owned(),
        }),
        _ => Err(AppError::NotFound),
    };
    let key = done.or_refuse(&state, &s)?;
    Ok(see_other(&format!("/admin/wire?done={key}")))
}
