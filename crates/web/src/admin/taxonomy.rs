//! Sections and tags: the list with article counts, creating and editing sections (names
//! in both languages, position in the navigation) and renaming tags.

use super::{Answer, Member, MemberForm, OrRefuse, done_notice, done_or_refused, member_page, msg};
use crate::WebState;
use crate::request::Fields;
use arabpress_app::Session;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use serde_json::json;
use std::collections::HashMap;

/// Where a saved section or tag leads: back to the list, saying so.
const SAVED: &str = "/admin/taxonomy?done=taxonomy";

pub(super) fn routes() -> Router<WebState> {
    Router::new()
        .route("/admin/taxonomy", get(taxonomy))
        .route("/admin/sections", post(create_section))
        .route("/admin/sections/{id}", post(update_section))
        .route("/admin/tags/{id}", post(rename_tag))
}

// ---------------------------------------------------------------------------------------
// Sections and tags

async fn taxonomy(
    State(state): State<WebState>,
    Member(s): Member,
    Query(q): Query<HashMap<String, String>>,
) -> Answer {
    let lang = s.user.ui_lang;
    let (sections, tags) = state.app.taxonomy_as(&s.user).await.or_refuse(&state, &s)?;
    let next = sections.iter().map(|x| x.position).max().unwrap_or(0) + 1;
    let title = msg(&state, lang, "admin-taxonomy", &[]);
    Ok(member_page(
        &state,
        &s,
        StatusCode::OK,
        "taxonomy",
        &title,
        json!({
            "sections": sections.iter().map(|x| json!({ "id": x.id, "slug": x.slug, "name_ar": x.name_ar, "name_en": x.name_en, "position": x.position })).collect::<Vec<_>>(),
            "tags": tags.iter().map(|(t, n)| json!({ "id": t.id, "slug": t.slug, "name": t.name, "lang": t.lang.code(), "count": n })).collect::<Vec<_>>(),
            "next_position": next,
            "notice": done_notice(&state, lang, q.get("done")),
        }),
    ))
}

async fn save_section(state: WebState, s: Session, id: Option<i64>, f: Fields) -> Response {
    let position = f.get("position").trim().parse::<i64>().unwrap_or(0);
    let outcome = state
        .app
        .save_section_as(
            &s.user,
            id,
            f.get("slug").trim(),
            f.get("name_ar"),
            f.get("name_en"),
            position,
        )
        .await;
    done_or_refused(&state, &s, outcome, SAVED)
}

async fn create_section(State(state): State<WebState>, MemberForm(s, f): MemberForm) -> Response {
    save_section(state, s, None, f).await
}

async fn update_section(
    State(state): State<WebState>,
    Path(id): Path<i64>,
    MemberForm(s, f): MemberForm,
) -> Response {
    save_section(state, s, Some(id), f).await
}

async fn rename_tag(
    State(state): State<WebState>,
    Path(id): Path<i64>,
    MemberForm(s, f): MemberForm,
) -> Response {
    let outcome = state.app.rename_tag_as(&s.user, id, f.get("name")).await;
    done_or_refused(&state, &s, outcome, SAVED)
}
