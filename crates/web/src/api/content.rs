//! The content API's handlers: published articles (list, by id, by slug), sections, tags,
//! authors and search, each behind an API key.

use super::keys::KeyHolder;
use super::shapes::*;
use super::{Answer, ApiError, ApiQuery, ArticleId, KeyRefusals, Refusal, ok};
use crate::WebState;
use arabpress_app::{ArticleFilter, SearchParams};
use arabpress_core::Lang;
use arabpress_core::model::{Article, ArticleSummary};
use arabpress_render::views::article_url;
use axum::extract::{Path, State};
use axum::http::StatusCode;

fn summary(s: ArticleSummary) -> ApiSummary {
    ApiSummary {
        url: article_url(s.lang, &s.slug),
        id: s.id,
        lang: s.lang.into(),
        slug: s.slug,
        headline: s.headline,
        standfirst: s.standfirst,
        kind: s.kind.to_string(),
        section_id: s.section_id,
        published_at: s.published_at.map(|t| t.to_string()),
        updated_at: s.updated_at.to_string(),
        image: s.image.map(|i| ApiImage {
            url: i.url,
            alt: i.alt,
            caption: i.caption,
            credit: i.credit,
        }),
        reading_minutes: s.reading_minutes,
    }
}

pub(super) fn full(a: Article) -> ApiArticle {
    let lang = a.summary.lang;
    ApiArticle {
        body_html: a.body_html,
        authors: a
            .authors
            .iter()
            .map(|x| ApiRef {
                id: x.id,
                slug: x.slug.clone(),
                name: x.name(lang).to_owned(),
            })
            .collect(),
        tags: a
            .tags
            .into_iter()
            .map(|t| ApiRef {
                id: t.id,
                slug: t.slug,
                name: t.name,
            })
            .collect(),
        corrections: a
            .corrections
            .into_iter()
            .map(|c| ApiCorrection {
                date: c.created_at.to_string(),
                note: c.note,
            })
            .collect(),
        source_name: a.source.as_ref().map(|s| s.name.clone()),
        source_url: a.source.and_then(|s| s.url),
        translation_group: a.translation_group,
        summary: summary(a.summary),
    }
}

/// Published articles, newest first.
#[utoipa::path(get, path = "/api/v1/articles", params(ListParams), security(("api_key" = [])),
    responses(
        (status = 200, description = "A page of articles", body = ApiArticleList),
        (status = 400, description = "A bad filter or cursor", body = ApiError),
        KeyRefusals,
    ))]
pub(super) async fn articles(
    State(state): State<WebState>,
    _: KeyHolder,
    ApiQuery(p): ApiQuery<ListParams>,
) -> Answer {
    let filter = ArticleFilter {
        lang: Some(p.lang.into()),
        section: p.section,
        tag: p.tag,
        author: p.author,
        limit: p.limit,
        cursor: p.cursor,
    };
    let page = state.app.api_articles(&filter).await?;
    Ok(ok(ApiArticleList {
        items: page.items.into_iter().map(summary).collect(),
        next_cursor: page.next_cursor,
    }))
}

/// One published article by id.
#[utoipa::path(get, path = "/api/v1/articles/{id}", security(("api_key" = [])),
    params(("id" = i64, Path, description = "Article id", minimum = 1)),
    responses(
        (status = 200, description = "The article", body = ApiArticle),
        (status = 400, description = "Not an id", body = ApiError),
        (status = 404, description = "No such published article", body = ApiError),
        KeyRefusals,
    ))]
pub(super) async fn article(
    State(state): State<WebState>,
    _: KeyHolder,
    ArticleId(id): ArticleId,
) -> Answer {
    let a = state.app.api_article(id).await?;
    Ok(ok(full(a)))
}

/// One published article by language and slug.
#[utoipa::path(get, path = "/api/v1/articles/{lang}/{slug}", security(("api_key" = [])),
    params(
        ("lang" = ApiLang, Path, description = "Language"),
        ("slug" = String, Path, description = "Slug, as in the article's address"),
    ),
    responses(
        (status = 200, description = "The article", body = ApiArticle),
        (status = 400, description = "Not a language", body = ApiError),
        (status = 404, description = "No such published article", body = ApiError),
        KeyRefusals,
    ))]
pub(super) async fn article_by_slug(
    State(state): State<WebState>,
    _: KeyHolder,
    Path((lang, slug)): Path<(String, String)>,
) -> Answer {
    let Ok(lang) = lang.parse::<Lang>() else {
        return Err(Refusal(
            StatusCode::BAD_REQUEST,
            "bad_request",
            format!("{lang:?} is not ar or en"),
        ));
    };
    let a = state.app.api_article_by_slug(lang, &slug).await?;
    Ok(ok(full(a)))
}

/// Every section.
#[utoipa::path(get, path = "/api/v1/sections", security(("api_key" = [])),
    responses(
        (status = 200, description = "Sections in navigation order", body = Vec<ApiSection>),
        KeyRefusals,
    ))]
pub(super) async fn sections(State(state): State<WebState>, _: KeyHolder) -> Answer {
    let all = state.app.sections().await?;
    Ok(ok(all
        .iter()
        .map(|s| ApiSection {
            id: s.id,
            slug: s.slug.clone(),
            name_ar: s.name_ar.clone(),
            name_en: s.name_en.clone(),
            position: s.position,
        })
        .collect::<Vec<_>>()))
}

/// Tags that label published articles.
#[utoipa::path(get, path = "/api/v1/tags", params(LangParam), security(("api_key" = [])),
    responses(
        (status = 200, description = "Tags", body = Vec<ApiTag>),
        (status = 400, description = "A bad language", body = ApiError),
        KeyRefusals,
    ))]
pub(super) async fn tags(
    State(state): State<WebState>,
    _: KeyHolder,
    ApiQuery(p): ApiQuery<LangParam>,
) -> Answer {
    let only = p.lang.map(Lang::from);
    let all = state.app.tags_in_use().await?;
    Ok(ok(all
        .into_iter()
        .filter(|t| only.is_none_or(|l| l == t.lang))
        .map(|t| ApiTag {
            id: t.id,
            lang: t.lang.into(),
            slug: t.slug,
            name: t.name,
        })
        .collect::<Vec<_>>()))
}

/// Every author.
#[utoipa::path(get, path = "/api/v1/authors", security(("api_key" = [])),
    responses(
        (status = 200, description = "Authors", body = Vec<ApiAuthor>),
        KeyRefusals,
    ))]
pub(super) async fn authors(State(state): State<WebState>, _: KeyHolder) -> Answer {
    let all = state.app.authors().await?;
    Ok(ok(all
        .into_iter()
        .map(|a| ApiAuthor {
            id: a.id,
            slug: a.slug,
            name_ar: a.name_ar,
            name_en: a.name_en,
            bio_ar: a.bio_ar,
            bio_en: a.bio_en,
        })
        .collect::<Vec<_>>()))
}

fn runs(r: Vec<(String, bool)>) -> Vec<ApiRun> {
    r.into_iter()
        .map(|(text, matched)| ApiRun { text, matched })
        .collect()
}

/// Search published articles (Arabic and English analysis, relevance with recency).
#[utoipa::path(get, path = "/api/v1/search", params(SearchApiParams), security(("api_key" = [])),
    responses(
        (status = 200, description = "Results", body = ApiResults),
        (status = 400, description = "A bad parameter", body = ApiError),
        KeyRefusals,
    ))]
pub(super) async fn search(
    State(state): State<WebState>,
    _: KeyHolder,
    ApiQuery(p): ApiQuery<SearchApiParams>,
) -> Answer {
    let lang = p.lang.map_or(state.app.default_lang(), Lang::from);
    for (name, value) in [("from", &p.from), ("to", &p.to)] {
        if let Some(v) = value
            && v.parse::<jiff::civil::Date>().is_err()
        {
            return Err(Refusal(
                StatusCode::BAD_REQUEST,
                "bad_request",
                format!("{name} must be a date such as 2026-02-07, not {v:?}"),
            ));
        }
    }
    let params = SearchParams {
        q: p.q,
        section: p.section,
        author: p.author,
        from: p.from,
        to: p.to,
        page: p.page.map(|n| n.to_string()),
    };
    let o = state.app.search(lang, &params).await?;
    Ok(ok(ApiResults {
        query: o.form.q.trim().to_owned(),
        lang: lang.into(),
        total: o.total,
        page: o.page,
        per_page: o.per_page,
        all_words: !o.partial,
        suggestion: o.suggestion,
        problem: o.problem,
        truncated: o.truncated,
        ignored_filter: o.bad_filter,
        results: o
            .hits
            .into_iter()
            .map(|h| ApiHit {
                summary: summary(h.summary),
                headline_runs: runs(h.headline),
                snippet_runs: runs(h.snippet),
            })
            .collect(),
    }))
}
