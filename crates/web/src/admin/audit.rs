//! The audit log, for owners and admins: every newsroom action (who, what, on what, when),
//! newest first, filtered by action, member or kind of thing, a page at a time below the
//! last line seen.

use super::{Answer, Member, OrRefuse, member_page, msg, when};
use crate::WebState;
use arabpress_app::{AUDIT_ACTIONS, AUDIT_ENTITIES, AUDIT_PAGE, AuditLine, AuditQuery};
use arabpress_core::Lang;
use axum::Router;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::routing::get;
use serde_json::{Value, json};
use std::collections::HashMap;

pub(super) fn routes() -> Router<WebState> {
    Router::new().route("/admin/audit", get(audit))
}

/// The message naming an action or a kind of thing: `admin-audit-{prefix}-{name}`, with
/// anything but letters, digits and `_` as `-` (Fluent ids allow no spaces).
fn label_key(prefix: &str, name: &str) -> String {
    let name: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '_' {
                c
            } else {
                '-'
            }
        })
        .collect();
    format!("admin-audit-{prefix}-{name}")
}

/// What an action or a kind of thing is called in `lang`; one the newsroom does not know
/// (written by another version) keeps its raw name.
fn label(state: &WebState, lang: Lang, prefix: &str, known: &[&str], name: &str) -> String {
    if known.contains(&name) {
        msg(state, lang, &label_key(prefix, name), &[])
    } else {
        name.to_owned()
    }
}

/// The choices of a filter: every known value, and the one asked for when it is not known.
fn choices(
    state: &WebState,
    lang: Lang,
    prefix: &str,
    known: &[&str],
    asked: Option<&str>,
) -> Vec<Value> {
    let unknown = asked.filter(|a| !known.contains(a));
    known
        .iter()
        .copied()
        .chain(unknown)
        .map(|v| json!({ "value": v, "label": label(state, lang, prefix, known, v) }))
        .collect()
}

/// Where a line's subject can be opened: an article's editor, the people page, a send.
fn subject_url(l: &AuditLine) -> Option<String> {
    let (entity, id) = (l.entry.entity.as_str(), l.entry.entity_id);
    match entity {
        "article" if l.subject.is_some() => Some(format!("/admin/articles/{id}")),
        "user" if l.subject.is_some() => Some("/admin/users".to_owned()),
        "send" if id > 0 => Some(format!("/admin/newsletter/sends/{id}")),
        _ => None,
    }
}

fn line(state: &WebState, lang: Lang, l: &AuditLine) -> Value {
    let e = &l.entry;
    let (at, at_iso) = when(state, lang, e.at);
    // A publication's detail is its time: shown as a time in the member's language.
    let detail_time = e
        .detail
        .parse::<jiff::Timestamp>()
        .ok()
        .map(|t| when(state, lang, t));
    json!({
        "id": l.id,
        "at": at,
        "at_iso": at_iso,
        "who": l.user_name,
        "who_id": e.user_id,
        "action": label(state, lang, "action", AUDIT_ACTIONS, &e.action),
        "entity": label(state, lang, "entity", AUDIT_ENTITIES, &e.entity),
        "entity_id": e.entity_id,
        "subject": l.subject,
        "url": subject_url(l),
        "detail": detail_time.is_none().then_some(e.detail.as_str()),
        "detail_time": detail_time.as_ref().map(|t| &t.0),
        "detail_iso": detail_time.as_ref().map(|t| &t.1),
    })
}

async fn audit(
    State(state): State<WebState>,
    Member(s): Member,
    Query(q): Query<HashMap<String, String>>,
) -> Answer {
    let lang = s.user.ui_lang;
    let text = |k: &str| {
        q.get(k)
            .map(|v| v.trim())
            .filter(|v| !v.is_empty())
            .map(|v| v.chars().take(100).collect::<String>())
    };
    let number = |k: &str| q.get(k).and_then(|v| v.trim().parse::<i64>().ok());
    let limit = q.get("limit").and_then(|v| v.trim().parse::<u32>().ok());
    let query = AuditQuery {
        action: text("action"),
        user_id: number("member"),
        entity: text("entity"),
        before: number("before"),
        limit: limit.unwrap_or(AUDIT_PAGE),
    };
    let log = state
        .app
        .audit_log_as(&s.user, query.clone())
        .await
        .or_refuse(&state, &s)?;
    // The filters as asked, for the links to the next page and back to the newest.
    let mut filters: Vec<(&str, String)> = Vec::new();
    if let Some(a) = &query.action {
        filters.push(("action", a.clone()));
    }
    if let Some(m) = query.user_id {
        filters.push(("member", m.to_string()));
    }
    if let Some(e) = &query.entity {
        filters.push(("entity", e.clone()));
    }
    if let Some(n) = limit {
        filters.push(("limit", n.to_string()));
    }
    let link = |before: Option<i64>| {
        let mut pairs = filters.clone();
        if let Some(b) = before {
            pairs.push(("before", b.to_string()));
        }
        if pairs.is_empty() {
            return "/admin/audit".to_owned();
        }
        let qs = form_urlencoded::Serializer::new(String::new())
            .extend_pairs(pairs)
            .finish();
        format!("/admin/audit?{qs}")
    };
    let members: Vec<Value> = log
        .members
        .iter()
        .map(|m| json!({ "id": m.id.to_string(), "name": m.name }))
        .collect();
    let title = msg(&state, lang, "admin-audit", &[]);
    Ok(member_page(
        &state,
        &s,
        StatusCode::OK,
        "audit",
        &title,
        json!({
            "lines": log.page.lines.iter().map(|l| line(&state, lang, l)).collect::<Vec<_>>(),
            "actions": choices(&state, lang, "action", AUDIT_ACTIONS, query.action.as_deref()),
            "entities": choices(&state, lang, "entity", AUDIT_ENTITIES, query.entity.as_deref()),
            "members": members,
            "f": {
                "action": query.action,
                "member": query.user_id.map(|m| m.to_string()),
                "entity": query.entity,
                "limit": limit,
            },
            "next_url": log.page.next.map(|n| link(Some(n))),
            "newest_url": query.before.is_some().then(|| link(None)),
        }),
    ))
}
