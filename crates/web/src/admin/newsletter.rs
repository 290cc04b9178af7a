//! The newsroom's newsletter pages: subscribers (filters, CSV import and export) and sends
//! (the digest drafts an editor reviews, breaking news, per-send numbers).

use super::{
    Answer, Member, MemberForm, OrRefuse, Session, csrf_ok, csrf_refused, done, done_notice,
    explain, member_page, msg, read_multipart, see_other, when,
};
use crate::WebState;
use arabpress_app::{ImportReport, SubscriberQuery};
use axum::Router;
use axum::extract::{DefaultBodyLimit, Multipart, Path, Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::IntoResponse;
use axum::routing::{get, post};
use serde_json::{Value, json};
use std::collections::HashMap;

/// Subscribers per page.
const PER_PAGE: u32 = 50;
/// The largest CSV accepted for import.
const MAX_CSV_BYTES: usize = 20 << 20;

pub(super) fn routes() -> Router<WebState> {
    Router::new()
        .route("/admin/newsletter", get(subscribers))
        .route(
            "/admin/newsletter/import",
            post(import).layer(DefaultBodyLimit::max(MAX_CSV_BYTES + (64 << 10))),
        )
        .route("/admin/newsletter/export.csv", get(export))
        .route("/admin/newsletter/sends", get(sends))
        .route("/admin/newsletter/sends/{id}", get(send).post(save_send))
        .route("/admin/articles/{id}/breaking", post(breaking))
        .route("/admin/articles/{id}/ribbon", post(ribbon))
        .route("/admin/articles/{id}/ribbon/remove", post(ribbon_remove))
}

fn query_of(q: &HashMap<String, String>) -> SubscriberQuery {
    let get = |k: &str| {
        q.get(k)
            .map(|v| v.trim().to_owned())
            .filter(|v| !v.is_empty())
    };
    SubscriberQuery {
        status: get("status")
            .filter(|s| ["pending", "confirmed", "unsubscribed", "bounced"].contains(&s.as_str())),
        lang: get("lang").filter(|l| l == "ar" || l == "en"),
        list: get("list"),
        q: get("q").map(|t| t.chars().take(200).collect()),
        limit: PER_PAGE,
        offset: 0,
    }
}

async fn subscribers_page(
    state: &WebState,
    s: &Session,
    q: &HashMap<String, String>,
    report: Option<&ImportReport>,
) -> Answer {
    let lang = s.user.ui_lang;
    let page: u32 = q
        .get("page")
        .and_then(|p| p.parse().ok())
        .unwrap_or(1)
        .clamp(1, 100_000);
    let mut query = query_of(q);
    query.offset = (page - 1) * PER_PAGE;
    let result = async {
        let list = state.app.subscribers_as(&s.user, &query).await?;
        let sections = state.app.sections().await?;
        Ok::<_, arabpress_app::AppError>((list, sections))
    }
    .await;
    let (list, sections) = result.or_refuse(state, s)?;
    let filters: String = form_urlencoded::Serializer::new(String::new())
        .extend_pairs(
            ["status", "lang", "list", "q"]
                .iter()
                .filter_map(|k| q.get(*k).map(|v| (*k, v.as_str()))),
        )
        .finish();
    let page_url = |p: u32| format!("/admin/newsletter?{filters}&page={p}");
    let rows: Vec<Value> = list
        .items
        .iter()
        .map(|x| {
            let (at, iso) = when(state, lang, x.created_at);
            json!({
                "email": x.email,
                "langs": x.langs,
                "lists": x.lists,
                "status": x.status,
                "source": x.source,
                "at": at,
                "at_iso": iso,
            })
        })
        .collect();
    let title = msg(state, lang, "admin-newsletter", &[]);
    Ok(member_page(
        state,
        s,
        if report.is_some_and(|r| r.added == 0 && !r.rejected.is_empty()) {
            StatusCode::UNPROCESSABLE_ENTITY
        } else {
            StatusCode::OK
        },
        "subscribers",
        &title,
        json!({
            "items": rows,
            "total": list.total,
            "f": {
                "status": q.get("status"),
                "lang": q.get("lang"),
                "list": q.get("list"),
                "q": q.get("q"),
            },
            "export_url": format!("/admin/newsletter/export.csv?{filters}"),
            "sections": sections.iter().map(|x| json!({ "slug": x.slug, "name": x.name(lang) })).collect::<Vec<_>>(),
            "prev_url": (page > 1).then(|| page_url(page - 1)),
            "next_url": (u64::from(page * PER_PAGE) < list.total).then(|| page_url(page + 1)),
            "report": report.map(|r| json!({
                "added": r.added,
                "rejected": r.rejected.iter().map(|(line, text, why)| json!({ "line": line, "text": text, "why": why })).collect::<Vec<_>>(),
            })),
            "notice": done_notice(state, lang, q.get("done")),
        }),
    ))
}

async fn subscribers(
    State(state): State<WebState>,
    Member(s): Member,
    Query(q): Query<HashMap<String, String>>,
) -> Answer {
    subscribers_page(&state, &s, &q, None).await
}

async fn import(State(state): State<WebState>, Member(s): Member, mp: Multipart) -> Answer {
    let (fields, file) = read_multipart(mp, "file", MAX_CSV_BYTES).await;
    if !csrf_ok(&s, &fields) {
        return Ok(csrf_refused(&state, s.user.ui_lang));
    }
    // The uploaded file, else the pasted text; either must be UTF-8.
    let text = match file {
        Ok(Some(b)) => String::from_utf8(b).map_err(|_| {
            arabpress_app::AppError::invalid_input(msg(
                &state,
                s.user.ui_lang,
                "admin-import-not-utf8",
                &[],
            ))
        }),
        Ok(None) => Ok(fields.get("csv").to_owned()),
        Err(p) => Err(arabpress_app::AppError::Invalid(p.explained())),
    };
    let text = text.or_refuse(&state, &s)?;
    let report = state
        .app
        .import_subscribers_as(&s.user, &text)
        .await
        .or_refuse(&state, &s)?;
    subscribers_page(&state, &s, &HashMap::new(), Some(&report)).await
}

async fn export(
    State(state): State<WebState>,
    Member(s): Member,
    Query(q): Query<HashMap<String, String>>,
) -> Answer {
    let csv = state
        .app
        .export_subscribers_as(&s.user, &query_of(&q))
        .await
        .or_refuse(&state, &s)?;
    let mut r = (StatusCode::OK, csv).into_response();
    let h = r.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/csv; charset=utf-8"),
    );
    h.insert(
        header::CONTENT_DISPOSITION,
        HeaderValue::from_static("attachment; filename=\"subscribers.csv\""),
    );
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(r)
}

fn stats_json(st: &arabpress_app::SendStats) -> Value {
    json!({
        "queued": st.queued,
        "sent": st.sent,
        "failed": st.failed,
        "bounced": st.bounced,
        "cancelled": st.cancelled,
    })
}

async fn sends(
    State(state): State<WebState>,
    Member(s): Member,
    Query(q): Query<HashMap<String, String>>,
) -> Answer {
    let lang = s.user.ui_lang;
    let list = state.app.sends_as(&s.user).await.or_refuse(&state, &s)?;
    let rows: Vec<Value> = list
        .iter()
        .map(|(x, st)| {
            let (at, iso) = when(&state, lang, x.created_at);
            json!({
                "id": x.id,
                "kind": x.kind,
                "lang": x.lang,
                "list": x.list,
                "subject": x.subject,
                "status": x.status,
                "at": at,
                "at_iso": iso,
                "stats": stats_json(st),
            })
        })
        .collect();
    let title = msg(&state, lang, "admin-sends", &[]);
    Ok(member_page(
        &state,
        &s,
        StatusCode::OK,
        "sends",
        &title,
        json!({ "sends": rows, "notice": done_notice(&state, lang, q.get("done")) }),
    ))
}

async fn send_page(
    state: &WebState,
    s: &Session,
    id: i64,
    notice: Option<String>,
    error: Option<String>,
) -> Answer {
    let lang = s.user.ui_lang;
    let v = state.app.send_as(&s.user, id).await.or_refuse(state, s)?;
    let story = |a: &arabpress_core::model::ArticleSummary| json!({ "id": a.id, "headline": a.headline, "lang": a.lang.code(), "dir": a.lang.dir() });
    let title = state
        .app
        .theme()
        .messages()
        .count(lang, "admin-send-title", "id", id);
    Ok(member_page(
        state,
        s,
        if error.is_some() {
            StatusCode::UNPROCESSABLE_ENTITY
        } else {
            StatusCode::OK
        },
        "send",
        &title,
        json!({
            "send": {
                "id": v.send.id,
                "kind": v.send.kind,
                "lang": v.send.lang,
                "dir": if v.send.lang == "ar" { "rtl" } else { "ltr" },
                "list": v.send.list,
                "subject": v.send.subject,
                "intro": v.send.intro,
                "status": v.send.status,
                "queued_at": v.send.queued_at.map(|t| when(state, lang, t).0),
                "finished_at": v.send.finished_at.map(|t| when(state, lang, t).0),
            },
            "stats": stats_json(&v.stats),
            "articles": v.articles.iter().map(story).collect::<Vec<_>>(),
            "candidates": v.candidates.iter().map(story).collect::<Vec<_>>(),
            "notice": notice,
            "error": error,
        }),
    ))
}

async fn send(
    State(state): State<WebState>,
    Member(s): Member,
    Path(id): Path<i64>,
    Query(q): Query<HashMap<String, String>>,
) -> Answer {
    let notice = done_notice(&state, s.user.ui_lang, q.get("done"));
    send_page(&state, &s, id, notice, None).await
}

async fn save_send(
    State(state): State<WebState>,
    Path(id): Path<i64>,
    MemberForm(s, f): MemberForm,
) -> Answer {
    let ids: Vec<i64> = f
        .all("story")
        .iter()
        .filter_map(|x| x.parse().ok())
        .collect();
    let saved = state
        .app
        .update_send_as(&s.user, id, f.get("subject"), f.get("intro"), &ids)
        .await;
    if let Err(arabpress_app::AppError::Invalid(v)) = &saved {
        let m = explain(&state, s.user.ui_lang, v);
        return send_page(&state, &s, id, None, Some(m)).await;
    }
    saved.or_refuse(&state, &s)?;
    if f.get("action") != "send" {
        return Ok(see_other(&format!(
            "/admin/newsletter/sends/{id}?done=send-saved"
        )));
    }
    let outcome = state.app.queue_send_as(&s.user, id).await;
    let to = format!("/admin/newsletter/sends/{id}?done=send-queued");
    done(&state, &s, outcome, &to)
}

/// Shows the article on the breaking-news ribbon for the hours chosen.
async fn ribbon(
    State(state): State<WebState>,
    Path(id): Path<i64>,
    MemberForm(s, f): MemberForm,
) -> Answer {
    let hours = f.get("hours").trim().parse::<i64>().unwrap_or(0);
    let outcome = state.app.show_breaking_as(&s.user, id, hours).await;
    done(
        &state,
        &s,
        outcome,
        &format!("/admin/articles/{id}?done=ribbon-shown"),
    )
}

/// Takes the article off the ribbon.
async fn ribbon_remove(
    State(state): State<WebState>,
    Path(id): Path<i64>,
    MemberForm(s, _): MemberForm,
) -> Answer {
    let outcome = state.app.remove_breaking_as(&s.user, id).await;
    done(
        &state,
        &s,
        outcome,
        &format!("/admin/articles/{id}?done=ribbon-removed"),
    )
}

async fn breaking(
    State(state): State<WebState>,
    Path(id): Path<i64>,
    MemberForm(s, _): MemberForm,
) -> Answer {
    let (send, _) = state
        .app
        .breaking_news_as(&s.user, id)
        .await
        .or_refuse(&state, &s)?;
    Ok(see_other(&format!(
        "/admin/newsletter/sends/{}?done=send-queued",
        send.id
    )))
}
