//! Sections and tags: creating and editing sections (names in both languages, position in
//! the navigation), and the tags of one language a page at a time by name, found by part of
//! their name or slug, each with its article count, renamed in place.

use super::{Answer, Member, MemberForm, OrRefuse, done, done_notice, member_page, msg};
use crate::WebState;
use crate::request::Fields;
use arabpress_app::{Session, TagsFrom};
use arabpress_core::Lang;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use serde_json::json;
use std::collections::HashMap;

/// Where a saved section leads: back to the list, saying so.
const SAVED: &str = "/admin/taxonomy?done=taxonomy";

/// A page of the tag list: the tags' language, the text their name or slug holds, and
/// where the page starts. Read from the page's address, and from a rename form's hidden
/// fields, so that a renamed tag's page is the one shown again.
struct TagListAt {
    lang: Lang,
    text: String,
    from: TagsFrom,
}

impl TagListAt {
    /// From the fields `get` reads (`lang`, `q`, `after`, `before`); the tags are in the
    /// member's own language unless `lang` names the other; a cursor that is not a number
    /// is the first page.
    fn read<'a>(get: impl Fn(&str) -> &'a str, member: Lang) -> TagListAt {
        let id = |k: &str| get(k).trim().parse::<i64>().ok();
        let from = match (id("after"), id("before")) {
            (Some(a), _) => TagsFrom::After(a),
            (None, Some(b)) => TagsFrom::Before(b),
            (None, None) => TagsFrom::Start,
        };
        TagListAt {
            lang: get("lang").parse().unwrap_or(member),
            text: get("q").trim().chars().take(100).collect(),
            from,
        }
    }

    /// The fields that name this list (its language, its search) and, when `from` is not
    /// the start, the page.
    fn fields(&self, from: TagsFrom) -> Vec<(&'static str, String)> {
        let mut pairs = vec![("lang", self.lang.code().to_owned())];
        if !self.text.is_empty() {
            pairs.push(("q", self.text.clone()));
        }
        match from {
            TagsFrom::Start => {}
            TagsFrom::After(id) => pairs.push(("after", id.to_string())),
            TagsFrom::Before(id) => pairs.push(("before", id.to_string())),
        }
        pairs
    }

    /// The address of this list at `from`, saying that a change was saved when `done`.
    fn url(&self, from: TagsFrom, done: bool) -> String {
        let mut pairs = self.fields(from);
        if done {
            pairs.push(("done", "taxonomy".to_owned()));
        }
        let qs = form_urlencoded::Serializer::new(String::new())
            .extend_pairs(pairs)
            .finish();
        format!("/admin/taxonomy?{qs}")
    }
}

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
    let at = TagListAt::read(|k| q.get(k).map_or("", String::as_str), lang);
    let (sections, list) = state
        .app
        .taxonomy_as(&s.user, at.lang, &at.text, at.from)
        .await
        .or_refuse(&state, &s)?;
    let next = sections.iter().map(|x| x.position).max().unwrap_or(0) + 1;
    let title = msg(&state, lang, "admin-taxonomy", &[]);
    let hidden: Vec<_> = at
        .fields(at.from)
        .into_iter()
        .map(|(name, value)| json!({ "name": name, "value": value }))
        .collect();
    Ok(member_page(
        &state,
        &s,
        StatusCode::OK,
        "taxonomy",
        &title,
        json!({
            "sections": sections.iter().map(|x| json!({ "id": x.id, "slug": x.slug, "name_ar": x.name_ar, "name_en": x.name_en, "position": x.position })).collect::<Vec<_>>(),
            "tags": list.tags.iter().map(|(t, n)| json!({ "id": t.id, "slug": t.slug, "name": t.name, "lang": t.lang.code(), "count": n })).collect::<Vec<_>>(),
            "tag_lang": at.lang.code(),
            "per_page": arabpress_app::TAGS_PER_PAGE,
            "tag_q": &at.text,
            "tag_list": hidden,
            "prev_url": list.before.map(|id| at.url(TagsFrom::Before(id), false)),
            "next_url": list.after.map(|id| at.url(TagsFrom::After(id), false)),
            "all_url": (at.from != TagsFrom::Start || !at.text.is_empty())
                .then(|| {
                    let all = TagListAt { lang: at.lang, text: String::new(), from: TagsFrom::Start };
                    all.url(TagsFrom::Start, false)
                }),
            "next_position": next,
            "notice": done_notice(&state, lang, q.get("done")),
        }),
    ))
}

async fn save_section(state: WebState, s: Session, id: Option<i64>, f: Fields) -> Answer {
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
    done(&state, &s, outcome, SAVED)
}

async fn create_section(State(state): State<WebState>, MemberForm(s, f): MemberForm) -> Answer {
    save_section(state, s, None, f).await
}

async fn update_section(
    State(state): State<WebState>,
    Path(id): Path<i64>,
    MemberForm(s, f): MemberForm,
) -> Answer {
    save_section(state, s, Some(id), f).await
}

async fn rename_tag(
    State(state): State<WebState>,
    Path(id): Path<i64>,
    MemberForm(s, f): MemberForm,
) -> Answer {
    let outcome = state.app.rename_tag_as(&s.user, id, f.get("name")).await;
    // Back to the page the tag was renamed on.
    let at = TagListAt::read(|k| f.get(k), s.user.ui_lang);
    done(&state, &s, outcome, &at.url(at.from, true))
}
