//! An article's history: its revisions with diffs between any two, restoring one, the
//! changes saved for review (applied or discarded by an editor), corrections and the link
//! to its translation.

use super::{
    Answer, Member, MemberForm, OrRefuse, Refusal, done, member_notice, member_page, msg,
    see_other, when,
};
use crate::WebState;
use arabpress_app::{AppError, Revision, Saved, Session};
use arabpress_core::{Lang, ValidationError};
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use serde_json::{Value, json};
use std::collections::HashMap;

pub(super) fn routes() -> Router<WebState> {
    Router::new()
        .route("/admin/articles/{id}/revisions", get(revisions))
        .route("/admin/articles/{id}/restore", post(restore))
        .route(
            "/admin/articles/{id}/pending/{revision}/apply",
            post(apply_pending),
        )
        .route(
            "/admin/articles/{id}/pending/{revision}/discard",
            post(discard_pending),
        )
        .route("/admin/articles/{id}/correction", post(correction))
        .route("/admin/articles/{id}/translation", post(translation))
}

// ---------------------------------------------------------------------------------------
// Revisions, corrections, translations

async fn revisions(
    State(state): State<WebState>,
    Member(s): Member,
    Path(id): Path<i64>,
    Query(q): Query<HashMap<String, String>>,
) -> Answer {
    let lang = s.user.ui_lang;
    let range = q
        .get("from")
        .and_then(|f| f.parse::<i64>().ok())
        .zip(q.get("to").and_then(|t| t.parse::<i64>().ok()));
    let loaded = async {
        let a = state.app.article_for(&s.user, id).await?;
        let revs = state.app.revisions_as(&s.user, id).await?;
        let pending = state.app.pending_as(&s.user, id).await?;
        let diff = match range {
            Some((from, to)) => Some(state.app.diff_as(&s.user, id, from, to).await?),
            None => None,
        };
        Ok::<_, AppError>((a, revs, pending, diff))
    }
    .await;
    let (a, revs, pending, diff) = loaded.or_refuse(&state, &s)?;
    let number = |version: i64| revision_number(lang, &revs, version);
    let rows: Vec<Value> = revs
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let (at, iso) = when(&state, lang, r.at);
            json!({
                "number": number(r.version),
                "version": r.version,
                "at": at,
                "at_iso": iso,
                "by": r.user_name,
                "headline": r.headline,
                "current": i == 0,
                "previous": revs.get(i + 1).map(|p| p.version),
            })
        })
        .collect();
    let title = msg(
        &state,
        lang,
        "admin-revisions-title",
        &[("headline", &a.summary.headline)],
    );
    let can_apply = s.user.role.can_publish(a.created_by == Some(s.user.id));
    let pending: Vec<Value> = pending
        .iter()
        .map(|p| {
            let (at, iso) = when(&state, lang, p.at);
            json!({
                "id": p.id,
                "base_version": number(p.base_version),
                "at": at,
                "at_iso": iso,
                "by": p.user_name,
                "headline": p.draft.headline,
                "standfirst": p.draft.standfirst,
                "body": p.draft.body_md,
            })
        })
        .collect();
    let (from, to) = range.unwrap_or_default();
    Ok(member_page(
        &state,
        &s,
        StatusCode::OK,
        "revisions",
        &title,
        json!({
            "article_id": id,
            "current_version": a.version,
            "pending": pending,
            "can_apply": can_apply,
            "revisions": rows,
            "from": number(from),
            "to": number(to),
            "diff": diff.map(|d| d.iter().map(|l| json!({
                "kind": match l.tag { '+' => "add", '-' => "del", _ => "same" },
                "text": l.text,
            })).collect::<Vec<_>>()),
        }),
    ))
}

/// A revision's number as the newsroom shows it: 1, 2, 3… from the first save, in the
/// member's digits. The article's version, which publishing and other status changes also
/// advance, stays in addresses and forms, where the gaps it has do not show; a version with
/// no revision of its own (a pending change based on a publish) is numbered as the newest
/// revision before it. `revs` are newest first.
fn revision_number(lang: Lang, revs: &[Revision], version: i64) -> String {
    let n = revs
        .iter()
        .position(|r| r.version <= version)
        .map_or(version, |i| (revs.len() - i) as i64);
    match lang {
        Lang::Ar => arabpress_render::messages::to_arabic_digits(&n.to_string()),
        Lang::En => n.to_string(),
    }
}

async fn restore(
    State(state): State<WebState>,
    Path(id): Path<i64>,
    MemberForm(s, f): MemberForm,
) -> Answer {
    let (Ok(rev), Ok(version)) = (
        f.get("revision").parse::<i64>(),
        f.get("version").parse::<i64>(),
    ) else {
        return Err(not_a_number(&state, &s, "revision"));
    };
    let restored = state.app.restore_as(&s.user, id, rev, version).await;
    if let Err(AppError::Conflict(_)) = restored {
        return Ok(member_notice(
            &state,
            &s,
            StatusCode::CONFLICT,
            "admin-error-conflict",
        ));
    }
    Ok(match restored.or_refuse(&state, &s)? {
        Saved::Pending { .. } => see_other(&format!("/admin/articles/{id}?done=pending")),
        Saved::Applied(_) => {
            // The notice names the revision as the list does.
            let lang = s.user.ui_lang;
            let from = match state.app.revisions_as(&s.user, id).await {
                Ok(revs) => revision_number(lang, &revs, rev),
                Err(_) => rev.to_string(),
            };
            let from = form_urlencoded::byte_serialize(from.as_bytes()).collect::<String>();
            see_other(&format!("/admin/articles/{id}?done=restored&from={from}"))
        }
    })
}

/// The refusal of a form whose `field` should hold a version number.
fn not_a_number(state: &WebState, s: &Session, field: &'static str) -> Refusal {
    let v = ValidationError::new(field, "invalid-version", "not a version number");
    Refusal::member(state, s, AppError::Invalid(v))
}

async fn apply_pending(
    State(state): State<WebState>,
    Path((id, revision)): Path<(i64, i64)>,
    MemberForm(s, f): MemberForm,
) -> Answer {
    let Ok(version) = f.get("version").parse::<i64>() else {
        return Err(not_a_number(&state, &s, "version"));
    };
    let applied = state
        .app
        .apply_pending_as(&s.user, id, revision, version)
        .await;
    if let Err(AppError::Conflict(_)) = applied {
        return Ok(member_notice(
            &state,
            &s,
            StatusCode::CONFLICT,
            "admin-error-conflict",
        ));
    }
    done(
        &state,
        &s,
        applied,
        &format!("/admin/articles/{id}?done=applied"),
    )
}

async fn discard_pending(
    State(state): State<WebState>,
    Path((id, revision)): Path<(i64, i64)>,
    MemberForm(s, _): MemberForm,
) -> Answer {
    let outcome = state.app.discard_pending_as(&s.user, id, revision).await;
    let to = format!("/admin/articles/{id}?done=discarded");
    done(&state, &s, outcome, &to)
}

async fn correction(
    State(state): State<WebState>,
    Path(id): Path<i64>,
    MemberForm(s, f): MemberForm,
) -> Answer {
    let outcome = state
        .app
        .add_correction_as(&s.user, id, f.get("note"))
        .await;
    let to = format!("/admin/articles/{id}?done=corrected");
    done(&state, &s, outcome, &to)
}

async fn translation(
    State(state): State<WebState>,
    Path(id): Path<i64>,
    MemberForm(s, f): MemberForm,
) -> Answer {
    let Ok(other) = f.get("other").parse::<i64>() else {
        let v = ValidationError::new("other", "invalid-translation-choose", "choose an article");
        return Err(Refusal::member(&state, &s, AppError::Invalid(v)));
    };
    let outcome = state.app.link_translation_as(&s.user, id, other).await;
    let to = format!("/admin/articles/{id}?done=linked");
    done(&state, &s, outcome, &to)
}
