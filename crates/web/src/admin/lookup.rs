//! What the newsroom's pickers suggest as one types: journalists for the editor's byline
//! slots and the article list's filter, tags for the editor's tag field. Answered in JSON
//! (`[{"value": …, "label": …}]`), at most `PICKER_SUGGESTIONS`, so that no page lists a
//! large newsroom's every journalist or tag. Without the script the fields take a slug or a
//! full name typed out.

use crate::WebState;
use crate::admin::{Answer, Member, OrRefuse, no_store};
use axum::Router;
use axum::extract::{Query, State};
use axum::response::IntoResponse;
use axum::routing::get;
use serde_json::json;
use std::collections::HashMap;

pub(super) fn routes() -> Router<WebState> {
    Router::new()
        .route("/admin/lookup/authors", get(authors))
        .route("/admin/lookup/tags", get(tags))
}

/// `?q=`: journalists whose name or slug holds it; the value is the slug, the label the
/// name in the member's language with the other script's beside it.
async fn authors(
    State(state): State<WebState>,
    Member(s): Member,
    Query(q): Query<HashMap<String, String>>,
) -> Answer {
    let text = q.get("q").map(String::as_str).unwrap_or_default();
    let found = state.app.find_authors(text).await.or_refuse(&state, &s)?;
    let lang = s.user.ui_lang;
    let other = lang.other();
    let items: Vec<_> = found
        .iter()
        .map(|a| {
            let (mine, theirs) = (a.name(lang), a.name(other));
            let label = if mine == theirs {
                mine.to_owned()
            } else {
                format!("{mine} — {theirs}")
            };
            json!({ "value": a.slug, "label": label })
        })
        .collect();
    let mut r = axum::Json(items).into_response();
    no_store(&mut r);
    Ok(r)
}

/// `?lang=ar|en&q=`: tags of that language whose name or slug holds it; value and label
/// are the name, as the tag field takes names.
async fn tags(
    State(state): State<WebState>,
    Member(s): Member,
    Query(q): Query<HashMap<String, String>>,
) -> Answer {
    let text = q.get("q").map(String::as_str).unwrap_or_default();
    let lang = q
        .get("lang")
        .and_then(|l| l.parse().ok())
        .unwrap_or(s.user.ui_lang);
    let found = state
        .app
        .find_tags(lang, text)
        .await
        .or_refuse(&state, &s)?;
    let items: Vec<_> = found
        .iter()
        .map(|t| json!({ "value": t.name, "label": t.name }))
        .collect();
    let mut r = axum::Json(items).into_response();
    no_store(&mut r);
    Ok(r)
}
