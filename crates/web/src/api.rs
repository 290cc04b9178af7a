//! The read-only content API under `/api/v1`: articles (filtered, cursor-paginated, one by
//! id or slug), sections, tags, authors and search, for holders of an API key; every error
//! is JSON of one shape; each key is rate-limited. The OpenAPI 3.1 document at
//! `/api/v1/openapi.json` is generated from these handlers and types.

use crate::WebState;
use arabpress_app::{AppError, ArticleFilter, Saved, SearchParams};
use arabpress_core::Lang;
use arabpress_core::model::{Article, ArticleSummary};
use arabpress_core::{ArticleDraft, ArticleKind, ArticleStatus, Image, Slug, SourceCredit, User};
use arabpress_render::views::article_url;
use axum::Json;
use axum::Router;
use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Instant;
use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};
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
        .route("/api/v1/admin/articles", post(admin_create))
        .route("/api/v1/admin/articles/{id}", put(admin_update))
        .route("/api/v1/admin/articles/{id}/publish", post(admin_publish))
        .route(
            "/api/v1/admin/media",
            post(admin_media).layer(axum::extract::DefaultBodyLimit::disable()),
        )
        .route(
            "/api/v1/admin/articles/{id}/unpublish",
            post(admin_unpublish),
        )
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

/// A request refused before it reaches the application: status, code and message (small,
/// so that `Result`s carrying it stay cheap).
pub(crate) struct Refusal(StatusCode, &'static str, String);

impl IntoResponse for Refusal {
    fn into_response(self) -> Response {
        error(self.0, self.1, self.2)
    }
}

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
        e if e.is_disk_full() => {
            tracing::error!(error = %e, "the disk is full");
            error(
                StatusCode::INSUFFICIENT_STORAGE,
                "disk_full",
                "the server's disk is full: nothing was saved; try again once space is freed",
            )
        }
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

/// 401 with the challenge clients expect.
fn unauthorized(message: &str) -> Response {
    let mut res = error(StatusCode::UNAUTHORIZED, "unauthorized", message);
    res.headers_mut()
        .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
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
        return Err(unauthorized("an API key is required (X-Api-Key header)"));
    };
    let key = match state.app.api_key(secret).await {
        Ok(Some(k)) => k,
        Ok(None) => return Err(unauthorized("this API key is unknown or revoked")),
        Err(e) => return Err(app_error(e)),
    };
    match over_rate(state, key.id) {
        Some(r) => Err(r),
        None => Ok(()),
    }
}

/// Takes a request from a bucket (API keys by id, personal tokens by minus the user id);
/// when it is empty, the 429 answer with `Retry-After`.
fn over_rate(state: &WebState, bucket: i64) -> Option<Response> {
    state.limiter.take(bucket).err().map(|wait| {
        let mut res = error(
            StatusCode::TOO_MANY_REQUESTS,
            "rate_limited",
            format!("too many requests; retry in {wait} s"),
        );
        if let Ok(v) = HeaderValue::from_str(&wait.to_string()) {
            res.headers_mut().insert(header::RETRY_AFTER, v);
        }
        res
    })
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
        components.add_security_scheme(
            "token",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

/// The API's OpenAPI document.
#[derive(OpenApi)]
#[openapi(
    info(title = "arabpress API", version = "1", description = "The content API: read-only access to the published articles, sections, tags and authors of an arabpress site, and its search, with an API key in the X-Api-Key header (`arabpress apikey create NAME` makes one). The admin API under /api/v1/admin: create, edit, publish and withdraw articles with a personal token (`Authorization: Bearer apt_…`, made by `arabpress token create`), within the rights of its user's role."),
    paths(articles, article, article_by_slug, sections, tags, authors, search, admin_create, admin_update, admin_publish, admin_unpublish, admin_media),
    components(schemas(ApiError, ApiErrorBody, ApiLang, ApiImage, ApiSummary, ApiRef, ApiCorrection, ApiArticle, ApiArticleList, ApiSection, ApiTag, ApiAuthor, ApiRun, ApiHit, ApiResults, ApiDraft, ApiNewArticle, ApiUpdate, ApiPublish, ApiAdminArticle, ApiPendingChange, ApiKind, ApiNewStatus, ApiSource, ApiImageIn, ApiMedia)),
    modifiers(&Security),
)]
pub(crate) struct ApiDoc;

// ---- admin API --------------------------------------------------------------------------

/// Kinds of piece.
#[derive(Debug, Clone, Copy, Deserialize, Serialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub(crate) enum ApiKind {
    News,
    Interview,
    Opinion,
    Analysis,
    Feature,
}

impl From<ApiKind> for ArticleKind {
    fn from(k: ApiKind) -> ArticleKind {
        match k {
            ApiKind::News => ArticleKind::News,
            ApiKind::Interview => ArticleKind::Interview,
            ApiKind::Opinion => ArticleKind::Opinion,
            ApiKind::Analysis => ArticleKind::Analysis,
            ApiKind::Feature => ArticleKind::Feature,
        }
    }
}

/// The state a new article starts in.
#[derive(Debug, Clone, Copy, Deserialize, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub(crate) enum ApiNewStatus {
    Draft,
    InReview,
    Published,
    Scheduled,
}

/// Credit for copy first published elsewhere.
#[derive(Debug, Clone, Deserialize, Serialize, ToSchema)]
pub(crate) struct ApiSource {
    name: String,
    url: Option<String>,
}

/// A featured image.
#[derive(Debug, Clone, Deserialize, Serialize, ToSchema)]
pub(crate) struct ApiImageIn {
    url: String,
    alt: String,
    caption: Option<String>,
    credit: Option<String>,
}

/// An article as a writer supplies it.
#[derive(Debug, Clone, Deserialize, Serialize, ToSchema)]
pub(crate) struct ApiDraft {
    lang: ApiLang,
    /// Generated from the headline when absent.
    #[schema(min_length = 1, max_length = 120)]
    slug: Option<String>,
    #[schema(min_length = 1, max_length = 200)]
    headline: String,
    #[serde(default)]
    #[schema(max_length = 600)]
    standfirst: String,
    /// Markdown; `**Name:**` opens an interview turn.
    #[schema(min_length = 1)]
    body_md: String,
    kind: ApiKind,
    /// Section slug (one of `/api/v1/sections`).
    #[schema(min_length = 1)]
    section: String,
    /// Tag names (created when new).
    #[serde(default)]
    tags: Vec<String>,
    /// Author slugs (of `/api/v1/authors`), in byline order.
    #[schema(min_items = 1)]
    authors: Vec<String>,
    source: Option<ApiSource>,
    image: Option<ApiImageIn>,
}

/// A new article.
#[derive(Debug, Clone, Deserialize, Serialize, ToSchema)]
pub(crate) struct ApiNewArticle {
    #[serde(flatten)]
    draft: ApiDraft,
    /// Default: draft.
    status: Option<ApiNewStatus>,
    /// For `scheduled` (or a back-dated `published`): RFC 3339.
    #[schema(format = DateTime)]
    publish_at: Option<String>,
}

/// A new version of an article.
#[derive(Debug, Clone, Deserialize, Serialize, ToSchema)]
pub(crate) struct ApiUpdate {
    /// The version the edit started from; a newer one on the server refuses the save.
    version: i64,
    #[serde(flatten)]
    draft: ApiDraft,
}

/// When to publish.
#[derive(Debug, Clone, Default, Deserialize, Serialize, ToSchema)]
pub(crate) struct ApiPublish {
    /// RFC 3339; absent: now.
    #[schema(format = DateTime)]
    at: Option<String>,
}

/// An article as the newsroom sees it.
#[derive(Serialize, ToSchema)]
pub(crate) struct ApiAdminArticle {
    #[serde(flatten)]
    article: ApiArticle,
    /// draft, in_review, scheduled, published, unpublished.
    status: String,
    /// Send it back with the next edit.
    version: i64,
    /// An earlier article this one repeats (a near-duplicate), if any.
    duplicate_of: Option<i64>,
}

/// A change saved for review: the article is published or scheduled and the token's role
/// may not publish it, so the change waits for an editor and the live article is unchanged.
#[derive(Serialize, ToSchema)]
pub(crate) struct ApiPendingChange {
    /// Always `pending_review`.
    outcome: &'static str,
    /// What happened, for people.
    message: String,
    /// The pending revision's id (an editor applies or discards it in the newsroom).
    pending_revision: i64,
    /// The article as it still is.
    article: ApiAdminArticle,
}

fn admin_view(a: Article) -> ApiAdminArticle {
    ApiAdminArticle {
        status: a.status.to_string(),
        version: a.version,
        duplicate_of: a.duplicate_of,
        article: full(a),
    }
}

fn bad_field(field: &str, message: impl std::fmt::Display) -> Refusal {
    Refusal(
        StatusCode::BAD_REQUEST,
        "bad_request",
        format!("{field}: {message}"),
    )
}

fn slug(field: &'static str, raw: &str) -> Result<Slug, Refusal> {
    Slug::parse(raw).map_err(|e| bad_field(field, e))
}

fn draft(d: ApiDraft) -> Result<ArticleDraft, Refusal> {
    Ok(ArticleDraft {
        lang: d.lang.into(),
        slug: d.slug.as_deref().map(|s| slug("slug", s)).transpose()?,
        headline: d.headline,
        standfirst: d.standfirst,
        body_md: d.body_md,
        kind: d.kind.into(),
        section: slug("section", &d.section)?,
        tags: d.tags,
        authors: d
            .authors
            .iter()
            .map(|a| slug("authors", a))
            .collect::<Result<_, _>>()?,
        source: d.source.map(|s| SourceCredit {
            name: s.name,
            url: s.url,
        }),
        image: d.image.map(|i| Image {
            url: i.url,
            alt: i.alt,
            caption: i.caption,
            credit: i.credit,
        }),
        seo_title: None,
        seo_description: None,
    })
}

fn time(field: &str, raw: Option<&str>) -> Result<Option<jiff::Timestamp>, Refusal> {
    raw.map(|t| {
        t.parse::<jiff::Timestamp>()
            .map_err(|_| bad_field(field, format!("{t:?} is not an RFC 3339 time")))
    })
    .transpose()
}

fn bad_json(e: &JsonRejection) -> Response {
    error(StatusCode::BAD_REQUEST, "bad_request", e.body_text())
}

fn admin_error(e: AppError) -> Response {
    match e {
        AppError::Forbidden(m) => error(StatusCode::FORBIDDEN, "forbidden", m),
        AppError::Conflict(m) => error(StatusCode::CONFLICT, "conflict", m),
        other => app_error(other),
    }
}

/// Checks the request's personal token and its rate; answers with its user.
async fn token_user(state: &WebState, headers: &HeaderMap) -> Result<User, Response> {
    let secret = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim)
        .filter(|s| !s.is_empty());
    let Some(secret) = secret else {
        return Err(unauthorized(
            "a personal token is required (Authorization: Bearer …)",
        ));
    };
    let user = match state.app.user_for_token(secret).await {
        Ok(Some(u)) => u,
        Ok(None) => {
            return Err(unauthorized(
                "this token is unknown, revoked, or its user is deactivated",
            ));
        }
        Err(AppError::Unauthorized(m)) => return Err(unauthorized(&m)),
        Err(e) => return Err(app_error(e)),
    };
    match over_rate(state, -user.id) {
        Some(r) => Err(r),
        None => Ok(user),
    }
}

fn parse_id(raw: &str) -> Result<i64, Refusal> {
    raw.parse::<i64>().map_err(|_| {
        Refusal(
            StatusCode::BAD_REQUEST,
            "bad_request",
            format!("{raw:?} is not an article id"),
        )
    })
}

/// Create an article (a draft, for review, published or scheduled, within the token's role).
#[utoipa::path(post, path = "/api/v1/admin/articles", request_body = ApiNewArticle, security(("token" = [])),
    responses(
        (status = 201, description = "Created", body = ApiAdminArticle),
        (status = 400, description = "Bad JSON or a broken rule, with the field", body = ApiError),
        (status = 401, description = "No valid token", body = ApiError),
        (status = 403, description = "The role does not allow it", body = ApiError),
        (status = 409, description = "The slug is taken", body = ApiError),
        (status = 429, description = "Too many requests", body = ApiError),
    ))]
async fn admin_create(
    State(state): State<WebState>,
    headers: HeaderMap,
    body: Result<Json<ApiNewArticle>, JsonRejection>,
) -> Response {
    let user = match token_user(&state, &headers).await {
        Ok(u) => u,
        Err(r) => return r,
    };
    let Json(b) = match body {
        Ok(b) => b,
        Err(e) => return bad_json(&e),
    };
    let d = match draft(b.draft) {
        Ok(d) => d,
        Err(r) => return r.into_response(),
    };
    let at = match time("publish_at", b.publish_at.as_deref()) {
        Ok(t) => t,
        Err(r) => return r.into_response(),
    };
    let status = match b.status.unwrap_or(ApiNewStatus::Draft) {
        ApiNewStatus::Draft => ArticleStatus::Draft,
        ApiNewStatus::InReview => ArticleStatus::InReview,
        ApiNewStatus::Published => ArticleStatus::Published,
        ApiNewStatus::Scheduled if at.is_none() => {
            return bad_field("publish_at", "a scheduled article needs a time").into_response();
        }
        ApiNewStatus::Scheduled => ArticleStatus::Scheduled,
    };
    match state.app.create_as(&user, d, status, at).await {
        Ok(a) => (StatusCode::CREATED, Json(admin_view(a))).into_response(),
        Err(e) => admin_error(e),
    }
}

/// Save a new version of an article (own articles; any for an editor).
#[utoipa::path(put, path = "/api/v1/admin/articles/{id}", request_body = ApiUpdate, security(("token" = [])),
    params(("id" = i64, Path, description = "Article id", minimum = 1)),
    responses(
        (status = 200, description = "Saved", body = ApiAdminArticle),
        (status = 202, description = "Saved for review: the article is live and the role may not publish it, so an editor applies the change", body = ApiPendingChange),
        (status = 400, description = "Bad JSON or a broken rule, with the field", body = ApiError),
        (status = 401, description = "No valid token", body = ApiError),
        (status = 403, description = "The role does not allow it", body = ApiError),
        (status = 404, description = "No such article", body = ApiError),
        (status = 409, description = "Someone saved a newer version, or the slug is taken", body = ApiError),
        (status = 429, description = "Too many requests", body = ApiError),
    ))]
async fn admin_update(
    State(state): State<WebState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: Result<Json<ApiUpdate>, JsonRejection>,
) -> Response {
    let user = match token_user(&state, &headers).await {
        Ok(u) => u,
        Err(r) => return r,
    };
    let id = match parse_id(&id) {
        Ok(i) => i,
        Err(r) => return r.into_response(),
    };
    let Json(b) = match body {
        Ok(b) => b,
        Err(e) => return bad_json(&e),
    };
    let d = match draft(b.draft) {
        Ok(d) => d,
        Err(r) => return r.into_response(),
    };
    match state.app.update_as(&user, id, b.version, d).await {
        Ok(Saved::Applied(a)) => ok(admin_view(a)),
        Ok(Saved::Pending { article, revision }) => (
            StatusCode::ACCEPTED,
            Json(ApiPendingChange {
                outcome: "pending_review",
                message: format!(
                    "saved for review: the article is {} and a {} cannot change it; \
                     an editor will apply or discard pending revision {revision}",
                    article.status, user.role
                ),
                pending_revision: revision,
                article: admin_view(article),
            }),
        )
            .into_response(),
        Err(e) => admin_error(e),
    }
}

/// Publish an article now or at a time (own articles for an author; any for an editor).
#[utoipa::path(post, path = "/api/v1/admin/articles/{id}/publish", request_body(content = Option<ApiPublish>), security(("token" = [])),
    params(("id" = i64, Path, description = "Article id", minimum = 1)),
    responses(
        (status = 200, description = "Published or scheduled", body = ApiAdminArticle),
        (status = 400, description = "A bad time", body = ApiError),
        (status = 401, description = "No valid token", body = ApiError),
        (status = 403, description = "The role does not allow it", body = ApiError),
        (status = 404, description = "No such article", body = ApiError),
        (status = 429, description = "Too many requests", body = ApiError),
    ))]
async fn admin_publish(
    State(state): State<WebState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: axum::body::Bytes,
) -> Response {
    let user = match token_user(&state, &headers).await {
        Ok(u) => u,
        Err(r) => return r,
    };
    let id = match parse_id(&id) {
        Ok(i) => i,
        Err(r) => return r.into_response(),
    };
    // An empty body means "now".
    let p: ApiPublish = if body.iter().all(u8::is_ascii_whitespace) {
        ApiPublish::default()
    } else {
        match serde_json::from_slice(&body) {
            Ok(p) => p,
            Err(e) => {
                return error(
                    StatusCode::BAD_REQUEST,
                    "bad_request",
                    format!("the JSON body: {e}"),
                );
            }
        }
    };
    let at = match time("at", p.at.as_deref()) {
        Ok(t) => t,
        Err(r) => return r.into_response(),
    };
    match state.app.publish_as(&user, id, at).await {
        Ok(a) => ok(admin_view(a)),
        Err(e) => admin_error(e),
    }
}

/// Withdraw a published article; its address answers 410 Gone.
#[utoipa::path(post, path = "/api/v1/admin/articles/{id}/unpublish", security(("token" = [])),
    params(("id" = i64, Path, description = "Article id", minimum = 1)),
    responses(
        (status = 200, description = "Withdrawn", body = ApiAdminArticle),
        (status = 400, description = "Not an id", body = ApiError),
        (status = 401, description = "No valid token", body = ApiError),
        (status = 403, description = "The role does not allow it", body = ApiError),
        (status = 404, description = "No such article", body = ApiError),
        (status = 429, description = "Too many requests", body = ApiError),
    ))]
async fn admin_unpublish(
    State(state): State<WebState>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    let user = match token_user(&state, &headers).await {
        Ok(u) => u,
        Err(r) => return r,
    };
    let id = match parse_id(&id) {
        Ok(i) => i,
        Err(r) => return r.into_response(),
    };
    match state.app.unpublish_as(&user, id).await {
        Ok(a) => ok(admin_view(a)),
        Err(e) => admin_error(e),
    }
}

/// An uploaded image, ready to be an article's `image.url`.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub(crate) struct ApiMedia {
    id: i64,
    /// The largest JPEG copy; resized JPEG and WebP copies and 16:9, 4:3 and 1:1 crops
    /// sit beside it.
    url: String,
    /// `srcset` of the JPEG copies.
    srcset: String,
    /// `srcset` of the WebP copies.
    webp_srcset: String,
    /// The original's size in pixels.
    width: u32,
    height: u32,
}

/// Upload an image (JPEG, PNG, WebP or GIF, at most 20 MiB) as the request body. The type
/// is read from the bytes; the same file uploaded twice is stored once.
#[utoipa::path(post, path = "/api/v1/admin/media", security(("token" = [])),
    request_body(content = Vec<u8>, content_type = "application/octet-stream", description = "The image file"),
    responses(
        (status = 201, description = "Stored", body = ApiMedia),
        (status = 400, description = "Not a readable image, or too many pixels", body = ApiError),
        (status = 401, description = "No valid token", body = ApiError),
        (status = 413, description = "Larger than 20 MiB", body = ApiError),
        (status = 429, description = "Too many requests", body = ApiError),
    ))]
async fn admin_media(
    State(state): State<WebState>,
    headers: HeaderMap,
    body: axum::body::Body,
) -> Response {
    let user = match token_user(&state, &headers).await {
        Ok(u) => u,
        Err(r) => return r,
    };
    let limit = arabpress_app::MAX_UPLOAD_BYTES;
    let Ok(bytes) = axum::body::to_bytes(body, limit).await else {
        return error(
            StatusCode::PAYLOAD_TOO_LARGE,
            "too_large",
            format!("the file is larger than {} MiB", limit >> 20),
        );
    };
    match state.app.upload_image(&user, bytes.to_vec()).await {
        Ok(img) => {
            let m = arabpress_core::media::MediaUrl::parse(&img.url);
            let mut r = ok(ApiMedia {
                id: img.id,
                srcset: m.as_ref().map(|m| m.srcset("jpg")).unwrap_or_default(),
                webp_srcset: m.as_ref().map(|m| m.srcset("webp")).unwrap_or_default(),
                url: img.url,
                width: img.width,
                height: img.height,
            });
            *r.status_mut() = StatusCode::CREATED;
            r
        }
        Err(e) => admin_error(e),
    }
}
