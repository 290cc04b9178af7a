//! The read-only content API under `/api/v1`: articles (filtered, cursor-paginated, one by
//! id or slug), sections, tags, authors and search, for holders of an API key; every error
//! is JSON of one shape; each key is rate-limited. The OpenAPI 3.1 document at
//! `/api/v1/openapi.json` is generated from these handlers and types.

use crate::WebState;
use arabpress_app::{AppError, ArticleFilter, SearchParams};
use arabpress_core::Lang;
use arabpress_core::model::{Article, ArticleSummary};
use arabpress_render::views::article_url;
use axum::Json;
use axum::Router;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Instant;
use utoipa::openapi::security::{ApiKey, ApiKeyValue, SecurityScheme};
use utoipa::{IntoParams, Modify, OpenApi, ToSchema};

/// Requests a key may make per second, sustained.
const RATE_PER_SECOND: f64 = 20.0;
/// Requests a key may make at once after a quiet spell.
const BURST: f64 = 200.0;

pub(crate) fn routes() -> Router<WebState> {
    Router::new()
        .route("/api/v1/openapi.json", get(openapi))
        .route("/api/v1/articles", get(articles))
        .route("/api/v1/articles/{id}", get(article))
        .route("/api/v1/articles/{lang}/{slug}", get(article_by_slug))
        .route("/api/v1/sections", get(sections))
        .route("/api/v1/tags", get(tags))
        .route("/api/v1/authors", get(authors))
        .route("/api/v1/search", get(search))
        .route("/api/v1/{*rest}", get(unknown))
}

/// Token buckets per API key.
#[derive(Debug, Default)]
pub struct RateLimiter {
    buckets: Mutex<HashMap<i64, (f64, Instant)>>,
}

impl RateLimiter {
    /// Takes one request from the key's bucket; `Err(seconds)` says when to retry.
    fn take(&self, key: i64) -> Result<(), u64> {
        let Ok(mut b) = self.buckets.lock() else {
            return Ok(());
        };
        let now = Instant::now();
        let (tokens, at) = b.entry(key).or_insert((BURST, now));
        *tokens = (*tokens + now.duration_since(*at).as_secs_f64() * RATE_PER_SECOND).min(BURST);
        *at = now;
        if *tokens >= 1.0 {
            *tokens -= 1.0;
            Ok(())
        } else {
            Err(((1.0 - *tokens) / RATE_PER_SECOND).ceil().max(1.0) as u64)
        }
    }
}

// ---- shapes -----------------------------------------------------------------------------

/// Every error: a stable machine code and a message for people.
#[derive(Serialize, ToSchema)]
pub(crate) struct ApiError {
    error: ApiErrorBody,
}

#[derive(Serialize, ToSchema)]
pub(crate) struct ApiErrorBody {
    /// Stable code: `unauthorized`, `bad_request`, `not_found`, `rate_limited`, `internal`.
    code: &'static str,
    /// What went wrong.
    message: String,
}

/// A language.
#[derive(Debug, Clone, Copy, Deserialize, Serialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub(crate) enum ApiLang {
    /// Arabic.
    Ar,
    /// English.
    En,
}

impl From<ApiLang> for Lang {
    fn from(l: ApiLang) -> Lang {
        match l {
            ApiLang::Ar => Lang::Ar,
            ApiLang::En => Lang::En,
        }
    }
}

impl From<Lang> for ApiLang {
    fn from(l: Lang) -> ApiLang {
        match l {
            Lang::Ar => ApiLang::Ar,
            Lang::En => ApiLang::En,
        }
    }
}

/// A featured image.
#[derive(Serialize, ToSchema)]
pub(crate) struct ApiImage {
    url: String,
    alt: String,
    caption: Option<String>,
    credit: Option<String>,
}

/// An article as lists show it.
#[derive(Serialize, ToSchema)]
pub(crate) struct ApiSummary {
    id: i64,
    lang: ApiLang,
    slug: String,
    /// Path of the article page.
    url: String,
    headline: String,
    standfirst: String,
    /// news, interview, analysis, opinion…
    kind: String,
    section_id: i64,
    /// RFC 3339.
    published_at: Option<String>,
    /// RFC 3339.
    updated_at: String,
    image: Option<ApiImage>,
    reading_minutes: u32,
}

/// A person or label attached to an article.
#[derive(Serialize, ToSchema)]
pub(crate) struct ApiRef {
    id: i64,
    slug: String,
    name: String,
}

/// A dated correction.
#[derive(Serialize, ToSchema)]
pub(crate) struct ApiCorrection {
    /// RFC 3339.
    date: String,
    note: String,
}

/// A whole article.
#[derive(Serialize, ToSchema)]
pub(crate) struct ApiArticle {
    #[serde(flatten)]
    summary: ApiSummary,
    /// Sanitised HTML.
    body_html: String,
    authors: Vec<ApiRef>,
    tags: Vec<ApiRef>,
    corrections: Vec<ApiCorrection>,
    source_name: Option<String>,
    source_url: Option<String>,
    /// Shared by the language versions of one story.
    translation_group: Option<i64>,
}

/// One page of articles.
#[derive(Serialize, ToSchema)]
pub(crate) struct ApiArticleList {
    items: Vec<ApiSummary>,
    /// Pass as `cursor` for the next page; absent on the last page.
    next_cursor: Option<String>,
}

/// A section.
#[derive(Serialize, ToSchema)]
pub(crate) struct ApiSection {
    id: i64,
    slug: String,
    name_ar: String,
    name_en: String,
    position: i64,
}

/// A tag.
#[derive(Serialize, ToSchema)]
pub(crate) struct ApiTag {
    id: i64,
    lang: ApiLang,
    slug: String,
    name: String,
}

/// An author.
#[derive(Serialize, ToSchema)]
pub(crate) struct ApiAuthor {
    id: i64,
    slug: String,
    name_ar: String,
    name_en: String,
    bio_ar: String,
    bio_en: String,
}

/// A run of text, flagged when it matched the query.
#[derive(Serialize, ToSchema)]
pub(crate) struct ApiRun {
    text: String,
    #[serde(rename = "match")]
    matched: bool,
}

/// A search result.
#[derive(Serialize, ToSchema)]
pub(crate) struct ApiHit {
    #[serde(flatten)]
    summary: ApiSummary,
    headline_runs: Vec<ApiRun>,
    snippet_runs: Vec<ApiRun>,
}

/// Search results.
#[derive(Serialize, ToSchema)]
pub(crate) struct ApiResults {
    query: String,
    lang: ApiLang,
    total: u64,
    page: u32,
    per_page: u32,
    /// False when no article had every word and results have some of them.
    all_words: bool,
    /// A query that finds something, when this one found nothing.
    suggestion: Option<String>,
    /// Why nothing was searched: `search-empty-query`, `search-only-stop-words`.
    problem: Option<&'static str>,
    truncated: bool,
    /// A filter that was not understood and was ignored.
    ignored_filter: Option<&'static str>,
    results: Vec<ApiHit>,
}

/// Filters of the article list.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct ListParams {
    /// Language of the articles.
    lang: ApiLang,
    /// Section slug.
    section: Option<String>,
    /// Tag slug.
    tag: Option<String>,
    /// Author slug.
    author: Option<String>,
    /// Articles per page.
    #[param(minimum = 1, maximum = 100)]
    limit: Option<u32>,
    /// `next_cursor` of the previous page.
    #[param(pattern = r"^[0-9]{1,15}-[0-9]{1,18}$")]
    cursor: Option<String>,
}

/// A language filter.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct LangParam {
    /// Only this language.
    lang: Option<ApiLang>,
}

/// A search.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct SearchApiParams {
    /// Words to find; "quoted words" as a phrase.
    q: Option<String>,
    /// Language searched.
    lang: Option<ApiLang>,
    /// Section slug.
    section: Option<String>,
    /// Author slug.
    author: Option<String>,
    /// Published on or after (YYYY-MM-DD).
    #[param(format = Date)]
    from: Option<String>,
    /// Published on or before (YYYY-MM-DD).
    #[param(format = Date)]
    to: Option<String>,
    /// Page of results.
    #[param(minimum = 1, maximum = 1000)]
    page: Option<u32>,
}

// ---- helpers ----------------------------------------------------------------------------

fn error(status: StatusCode, code: &'static str, message: impl Into<String>) -> Response {
    (
        status,
        Json(ApiError {
            error: ApiErrorBody {
                code,
                message: message.into(),
            },
        }),
    )
        .into_response()
}

fn app_error(e: AppError) -> Response {
    match e {
        AppError::NotFound | AppError::Gone => {
            error(StatusCode::NOT_FOUND, "not_found", "no such article")
        }
        AppError::BadRequest(m) | AppError::Invalid(m) => {
            error(StatusCode::BAD_REQUEST, "bad_request", m)
        }
        AppError::Timeout => error(
            StatusCode::SERVICE_UNAVAILABLE,
            "unavailable",
            "try again shortly",
        ),
        other => {
            tracing::error!(error = %other, "API request failed");
            error(
                StatusCode::INTERNAL_SERVER_ERROR,
                "internal",
                "the request failed; try again",
            )
        }
    }
}

fn bad_query(e: &QueryRejection) -> Response {
    error(StatusCode::BAD_REQUEST, "bad_request", e.body_text())
}

fn ok<T: Serialize>(body: T) -> Response {
    let mut res = Json(body).into_response();
    res.headers_mut().insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, max-age=30"),
    );
    res
}

/// Checks the request's key (`X-Api-Key: …` or `Authorization: Bearer …`) and its rate.
async fn authorize(state: &WebState, headers: &HeaderMap) -> Result<(), Response> {
    let presented = headers
        .get("x-api-key")
        .and_then(|v| v.to_str().ok())
        .or_else(|| {
            headers
                .get(header::AUTHORIZATION)
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.strip_prefix("Bearer "))
        })
        .map(str::trim);
    let Some(secret) = presented.filter(|s| !s.is_empty()) else {
        let mut res = error(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            "an API key is required (X-Api-Key header)",
        );
        res.headers_mut()
            .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        return Err(res);
    };
    let key = match state.app.api_key(secret).await {
        Ok(Some(k)) => k,
        Ok(None) => {
            return Err(error(
                StatusCode::UNAUTHORIZED,
                "unauthorized",
                "this API key is unknown or revoked",
            ));
        }
        Err(e) => return Err(app_error(e)),
    };
    if let Err(wait) = state.limiter.take(key.id) {
        let mut res = error(
            StatusCode::TOO_MANY_REQUESTS,
            "rate_limited",
            format!("too many requests; retry in {wait} s"),
        );
        if let Ok(v) = HeaderValue::from_str(&wait.to_string()) {
            res.headers_mut().insert(header::RETRY_AFTER, v);
        }
        return Err(res);
    }
    Ok(())
}

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

fn full(a: Article) -> ApiArticle {
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

// ---- handlers ---------------------------------------------------------------------------

/// The OpenAPI document of this API.
async fn openapi() -> Response {
    let mut res = Json(ApiDoc::openapi()).into_response();
    res.headers_mut().insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=300"),
    );
    res
}

async fn unknown() -> Response {
    error(StatusCode::NOT_FOUND, "not_found", "no such API endpoint")
}

/// Published articles, newest first.
#[utoipa::path(get, path = "/api/v1/articles", params(ListParams), security(("api_key" = [])),
    responses(
        (status = 200, description = "A page of articles", body = ApiArticleList),
        (status = 400, description = "A bad filter or cursor", body = ApiError),
        (status = 401, description = "No valid API key", body = ApiError),
        (status = 429, description = "Too many requests", body = ApiError),
    ))]
async fn articles(
    State(state): State<WebState>,
    headers: HeaderMap,
    q: Result<Query<ListParams>, QueryRejection>,
) -> Response {
    if let Err(r) = authorize(&state, &headers).await {
        return r;
    }
    let Query(p) = match q {
        Ok(q) => q,
        Err(e) => return bad_query(&e),
    };
    let filter = ArticleFilter {
        lang: Some(p.lang.into()),
        section: p.section,
        tag: p.tag,
        author: p.author,
        limit: p.limit,
        cursor: p.cursor,
    };
    match state.app.api_articles(&filter).await {
        Ok(page) => ok(ApiArticleList {
            items: page.items.into_iter().map(summary).collect(),
            next_cursor: page.next_cursor,
        }),
        Err(e) => app_error(e),
    }
}

/// One published article by id.
#[utoipa::path(get, path = "/api/v1/articles/{id}", security(("api_key" = [])),
    params(("id" = i64, Path, description = "Article id", minimum = 1)),
    responses(
        (status = 200, description = "The article", body = ApiArticle),
        (status = 400, description = "Not an id", body = ApiError),
        (status = 401, description = "No valid API key", body = ApiError),
        (status = 404, description = "No such published article", body = ApiError),
        (status = 429, description = "Too many requests", body = ApiError),
    ))]
async fn article(
    State(state): State<WebState>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    if let Err(r) = authorize(&state, &headers).await {
        return r;
    }
    let Ok(id) = id.parse::<i64>() else {
        return error(
            StatusCode::BAD_REQUEST,
            "bad_request",
            format!("{id:?} is not an article id"),
        );
    };
    match state.app.api_article(id).await {
        Ok(a) => ok(full(a)),
        Err(e) => app_error(e),
    }
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
        (status = 401, description = "No valid API key", body = ApiError),
        (status = 404, description = "No such published article", body = ApiError),
        (status = 429, description = "Too many requests", body = ApiError),
    ))]
async fn article_by_slug(
    State(state): State<WebState>,
    headers: HeaderMap,
    Path((lang, slug)): Path<(String, String)>,
) -> Response {
    if let Err(r) = authorize(&state, &headers).await {
        return r;
    }
    let Ok(lang) = lang.parse::<Lang>() else {
        return error(
            StatusCode::BAD_REQUEST,
            "bad_request",
            format!("{lang:?} is not ar or en"),
        );
    };
    match state.app.api_article_by_slug(lang, &slug).await {
        Ok(a) => ok(full(a)),
        Err(e) => app_error(e),
    }
}

/// Every section.
#[utoipa::path(get, path = "/api/v1/sections", security(("api_key" = [])),
    responses(
        (status = 200, description = "Sections in navigation order", body = Vec<ApiSection>),
        (status = 401, description = "No valid API key", body = ApiError),
        (status = 429, description = "Too many requests", body = ApiError),
    ))]
async fn sections(State(state): State<WebState>, headers: HeaderMap) -> Response {
    if let Err(r) = authorize(&state, &headers).await {
        return r;
    }
    match state.app.sections().await {
        Ok(all) => ok(all
            .iter()
            .map(|s| ApiSection {
                id: s.id,
                slug: s.slug.clone(),
                name_ar: s.name_ar.clone(),
                name_en: s.name_en.clone(),
                position: s.position,
            })
            .collect::<Vec<_>>()),
        Err(e) => app_error(e),
    }
}

/// Tags that label published articles.
#[utoipa::path(get, path = "/api/v1/tags", params(LangParam), security(("api_key" = [])),
    responses(
        (status = 200, description = "Tags", body = Vec<ApiTag>),
        (status = 400, description = "A bad language", body = ApiError),
        (status = 401, description = "No valid API key", body = ApiError),
        (status = 429, description = "Too many requests", body = ApiError),
    ))]
async fn tags(
    State(state): State<WebState>,
    headers: HeaderMap,
    q: Result<Query<LangParam>, QueryRejection>,
) -> Response {
    if let Err(r) = authorize(&state, &headers).await {
        return r;
    }
    let Query(p) = match q {
        Ok(q) => q,
        Err(e) => return bad_query(&e),
    };
    let only = p.lang.map(Lang::from);
    match state.app.store().tags_in_use(state.app.now()).await {
        Ok(all) => ok(all
            .into_iter()
            .filter(|t| only.is_none_or(|l| l == t.lang))
            .map(|t| ApiTag {
                id: t.id,
                lang: t.lang.into(),
                slug: t.slug,
                name: t.name,
            })
            .collect::<Vec<_>>()),
        Err(e) => app_error(e.into()),
    }
}

/// Every author.
#[utoipa::path(get, path = "/api/v1/authors", security(("api_key" = [])),
    responses(
        (status = 200, description = "Authors", body = Vec<ApiAuthor>),
        (status = 401, description = "No valid API key", body = ApiError),
        (status = 429, description = "Too many requests", body = ApiError),
    ))]
async fn authors(State(state): State<WebState>, headers: HeaderMap) -> Response {
    if let Err(r) = authorize(&state, &headers).await {
        return r;
    }
    match state.app.store().authors().await {
        Ok(all) => ok(all
            .into_iter()
            .map(|a| ApiAuthor {
                id: a.id,
                slug: a.slug,
                name_ar: a.name_ar,
                name_en: a.name_en,
                bio_ar: a.bio_ar,
                bio_en: a.bio_en,
            })
            .collect::<Vec<_>>()),
        Err(e) => app_error(e.into()),
    }
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
        (status = 401, description = "No valid API key", body = ApiError),
        (status = 429, description = "Too many requests", body = ApiError),
    ))]
async fn search(
    State(state): State<WebState>,
    headers: HeaderMap,
    q: Result<Query<SearchApiParams>, QueryRejection>,
) -> Response {
    if let Err(r) = authorize(&state, &headers).await {
        return r;
    }
    let Query(p) = match q {
        Ok(q) => q,
        Err(e) => return bad_query(&e),
    };
    let lang = p.lang.map_or(state.default_lang, Lang::from);
    for (name, value) in [("from", &p.from), ("to", &p.to)] {
        if let Some(v) = value
            && v.parse::<jiff::civil::Date>().is_err()
        {
            return error(
                StatusCode::BAD_REQUEST,
                "bad_request",
                format!("{name} must be a date such as 2026-02-07, not {v:?}"),
            );
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
    match state.app.search(lang, &params).await {
        Ok(o) => ok(ApiResults {
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
        }),
        Err(e) => app_error(e),
    }
}

struct Security;

impl Modify for Security {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "api_key",
            SecurityScheme::ApiKey(ApiKey::Header(ApiKeyValue::new("X-Api-Key"))),
        );
    }
}

/// The API's OpenAPI document.
#[derive(OpenApi)]
#[openapi(
    info(title = "arabpress content API", version = "1", description = "Read-only access to the published articles, sections, tags and authors of an arabpress site, and its search. Send an API key in the X-Api-Key header (`arabpress apikey create NAME` makes one)."),
    paths(articles, article, article_by_slug, sections, tags, authors, search),
    components(schemas(ApiError, ApiErrorBody, ApiLang, ApiImage, ApiSummary, ApiRef, ApiCorrection, ApiArticle, ApiArticleList, ApiSection, ApiTag, ApiAuthor, ApiRun, ApiHit, ApiResults)),
    modifiers(&Security),
)]
pub(crate) struct ApiDoc;
