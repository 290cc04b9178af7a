//! The article list (`/admin/articles`: filters by status, section, author, language and
//! headline, paged) and the routes of the articles' editor, whose pages are in
//! [`super::editor`].

use super::editor::{create, edit, new_article, options, update};
use super::{Answer, Member, MemberForm, OrRefuse, done, member_page, msg, when};
use crate::WebState;
use arabpress_app::{AppError, MAX_UPLOAD_BYTES, NewsroomArticle, NewsroomQuery};
use arabpress_core::{ArticleStatus, Lang};
use axum::Router;
use axum::extract::{DefaultBodyLimit, Path, Query, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use serde_json::{Value, json};
use std::collections::HashMap;

const PER_PAGE: u32 = 30;

pub(super) fn routes() -> Router<WebState> {
    let editor_limit = DefaultBodyLimit::max(MAX_UPLOAD_BYTES * 3);
    Router::new()
        .route(
            "/admin/articles",
            get(articles).post(create).layer(editor_limit),
        )
        .route("/admin/articles/new", get(new_article))
        .route(
            "/admin/articles/{id}",
            get(edit)
                .post(update)
                .layer(DefaultBodyLimit::max(MAX_UPLOAD_BYTES * 3)),
        )
        .route("/admin/articles/{id}/unschedule", post(unschedule))
        .route("/admin/articles/{id}/speak-again", post(speak_again))
}

/// Takes a scheduled article back to draft.
async fn unschedule(
    State(state): State<WebState>,
    Path(id): Path<i64>,
    MemberForm(s, _): MemberForm,
) -> Answer {
    let outcome = state.app.unschedule_as(&s.user, id).await;
    let to = format!("/admin/articles/{id}?done=unscheduled");
    done(&state, &s, outcome, &to)
}

/// Has a published article spoken again on the audio worker's next round.
async fn speak_again(
    State(state): State<WebState>,
    Path(id): Path<i64>,
    MemberForm(s, _): MemberForm,
) -> Answer {
    let outcome = state.app.speak_again_as(&s.user, id).await;
    let to = format!("/admin/articles/{id}?done=speak-again");
    done(&state, &s, outcome, &to)
}

pub(super) fn article_rows(state: &WebState, lang: Lang, items: &[NewsroomArticle]) -> Vec<Value> {
    items
        .iter()
        .map(|a| {
            let t = a.scheduled_at.unwrap_or(a.summary.updated_at);
            let (w, iso) = when(state, lang, t);
            json!({
                "id": a.summary.id,
                "headline": a.summary.headline,
                "lang": a.summary.lang.code(),
                "dir": a.summary.lang.dir(),
                "status": a.status.as_str(),
                "when": w,
                "when_iso": iso,
                "created_by": a.created_by,
            })
        })
        .collect()
}

async fn articles(
    State(state): State<WebState>,
    Member(s): Member,
    Query(q): Query<HashMap<String, String>>,
) -> Answer {
    let lang = s.user.ui_lang;
    let get = |k: &str| q.get(k).map(String::as_str).unwrap_or("");
    let page: u32 = get("page").parse().unwrap_or(1).clamp(1, 10_000);
    let result = async {
        let sections = state.app.sections().await?;
        let author = state.app.resolve_author(get("author")).await?;
        // A filter naming nobody, or a name two journalists share, holds no article: the
        // list says so rather than show every article under the filter's name.
        let author_id = match (get("author").trim().is_empty(), author.as_slice()) {
            (true, _) => None,
            (false, [a]) => Some(a.id),
            (false, _) => Some(0),
        };
        let query = NewsroomQuery {
            status: get("status").parse::<ArticleStatus>().ok(),
            section_id: sections
                .iter()
                .find(|x| x.slug == get("section"))
                .map(|x| x.id),
            author_id,
            lang: get("lang").parse().ok(),
            headline: Some(get("q").chars().take(200).collect()),
            created_by: None,
            limit: PER_PAGE,
            offset: (page - 1) * PER_PAGE,
            count_up_to: Some(arabpress_app::NEWSROOM_COUNT_CAP),
        };
        let list = state.app.newsroom_articles(&s.user, query).await?;
        let (sections, authors) = options(&state, lang, &[get("author").to_owned()]).await?;
        Ok::<_, AppError>((list, sections, authors))
    }
    .await;
    let (list, sections, authors) = result.or_refuse(&state, &s)?;
    let link = |p: u32| {
        let mut query: Vec<(String, String)> = q
            .iter()
            .filter(|(k, _)| k.as_str() != "page")
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        query.sort();
        query.push(("page".into(), p.to_string()));
        let qs = form_urlencoded::Serializer::new(String::new())
            .extend_pairs(query)
            .finish();
        format!("/admin/articles?{qs}")
    };
    let more = list.more;
    let title = msg(&state, lang, "admin-articles", &[]);
    Ok(member_page(
        &state,
        &s,
        StatusCode::OK,
        "articles",
        &title,
        json!({
            "items": article_rows(&state, lang, &list.items),
            "total": list.total,
            "count_cap": arabpress_app::NEWSROOM_COUNT_CAP,
            "statuses": ArticleStatus::ALL.iter().map(|x| x.as_str()).collect::<Vec<_>>(),
            "sections": sections,
            "authors": authors,
            "f": { "q": get("q"), "status": get("status"), "section": get("section"), "author": get("author"), "lang": get("lang") },
            "prev_url": (page > 1).then(|| link(page - 1)),
            "next_url": more.then(|| link(page + 1)),
        }),
    ))
}
