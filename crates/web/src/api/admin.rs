//! The admin API under `/api/v1/admin`: create, edit, publish and withdraw articles and
//! upload images with a personal token, within the rights of its user's role.

use super::content::full;
use super::keys::TokenHolder;
use super::shapes::{ApiArticle, ApiLang};
use super::{Answer, ApiError, ApiJson, ArticleId, Refusal, TokenRefusals, ok};
use crate::WebState;
use arabpress_app::Saved;
use arabpress_core::model::Article;
use arabpress_core::{ArticleDraft, ArticleKind, ArticleStatus, Image, Slug, SourceCredit};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

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

/// Create an article (a draft, for review, published or scheduled, within the token's role).
#[utoipa::path(post, path = "/api/v1/admin/articles", request_body = ApiNewArticle, security(("token" = [])),
    responses(
        (status = 201, description = "Created", body = ApiAdminArticle),
        (status = 400, description = "Bad JSON or a broken rule, with the field", body = ApiError),
        (status = 409, description = "The slug is taken", body = ApiError),
        TokenRefusals,
    ))]
pub(super) async fn admin_create(
    State(state): State<WebState>,
    TokenHolder(user): TokenHolder,
    ApiJson(b): ApiJson<ApiNewArticle>,
) -> Answer {
    let d = draft(b.draft)?;
    let at = time("publish_at", b.publish_at.as_deref())?;
    let status = match b.status.unwrap_or(ApiNewStatus::Draft) {
        ApiNewStatus::Draft => ArticleStatus::Draft,
        ApiNewStatus::InReview => ArticleStatus::InReview,
        ApiNewStatus::Published => ArticleStatus::Published,
        ApiNewStatus::Scheduled if at.is_none() => {
            return Err(bad_field("publish_at", "a scheduled article needs a time"));
        }
        ApiNewStatus::Scheduled => ArticleStatus::Scheduled,
    };
    let a = state.app.create_as(&user, d, status, at).await?;
    Ok((StatusCode::CREATED, Json(admin_view(a))).into_response())
}

/// Save a new version of an article (own articles; any for an editor).
#[utoipa::path(put, path = "/api/v1/admin/articles/{id}", request_body = ApiUpdate, security(("token" = [])),
    params(("id" = i64, Path, description = "Article id", minimum = 1)),
    responses(
        (status = 200, description = "Saved", body = ApiAdminArticle),
        (status = 202, description = "Saved for review: the article is live and the role may not publish it, so an editor applies the change", body = ApiPendingChange),
        (status = 400, description = "Bad JSON or a broken rule, with the field", body = ApiError),
        (status = 404, description = "No such article", body = ApiError),
        (status = 409, description = "Someone saved a newer version, or the slug is taken", body = ApiError),
        TokenRefusals,
    ))]
pub(super) async fn admin_update(
    State(state): State<WebState>,
    TokenHolder(user): TokenHolder,
    ArticleId(id): ArticleId,
    ApiJson(b): ApiJson<ApiUpdate>,
) -> Answer {
    let d = draft(b.draft)?;
    Ok(match state.app.update_as(&user, id, b.version, d).await? {
        Saved::Applied(a) => ok(admin_view(a)),
        Saved::Pending { article, revision } => (
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
    })
}

/// Publish an article now or at a time (own articles for an author; any for an editor).
#[utoipa::path(post, path = "/api/v1/admin/articles/{id}/publish", request_body(content = Option<ApiPublish>), security(("token" = [])),
    params(("id" = i64, Path, description = "Article id", minimum = 1)),
    responses(
        (status = 200, description = "Published or scheduled", body = ApiAdminArticle),
        (status = 400, description = "A bad time", body = ApiError),
        (status = 404, description = "No such article", body = ApiError),
        TokenRefusals,
    ))]
pub(super) async fn admin_publish(
    State(state): State<WebState>,
    TokenHolder(user): TokenHolder,
    ArticleId(id): ArticleId,
    body: axum::body::Bytes,
) -> Answer {
    // An empty body means "now".
    let p: ApiPublish = if body.iter().all(u8::is_ascii_whitespace) {
        ApiPublish::default()
    } else {
        serde_json::from_slice(&body).map_err(|e| bad_field("the JSON body", e))?
    };
    let at = time("at", p.at.as_deref())?;
    let a = state.app.publish_as(&user, id, at).await?;
    Ok(ok(admin_view(a)))
}

/// Withdraw a published article; its address answers 410 Gone.
#[utoipa::path(post, path = "/api/v1/admin/articles/{id}/unpublish", security(("token" = [])),
    params(("id" = i64, Path, description = "Article id", minimum = 1)),
    responses(
        (status = 200, description = "Withdrawn", body = ApiAdminArticle),
        (status = 400, description = "Not an id", body = ApiError),
        (status = 404, description = "No such article", body = ApiError),
        TokenRefusals,
    ))]
pub(super) async fn admin_unpublish(
    State(state): State<WebState>,
    TokenHolder(user): TokenHolder,
    ArticleId(id): ArticleId,
) -> Answer {
    let a = state.app.unpublish_as(&user, id).await?;
    Ok(ok(admin_view(a)))
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
pub(super) async fn admin_media(
    State(state): State<WebState>,
    TokenHolder(user): TokenHolder,
    body: axum::body::Body,
) -> Answer {
    let limit = arabpress_app::MAX_UPLOAD_BYTES;
    let Ok(bytes) = axum::body::to_bytes(body, limit).await else {
        return Err(Refusal(
            StatusCode::PAYLOAD_TOO_LARGE,
            "too_large",
            format!("the file is larger than {} MiB", limit >> 20),
        ));
    };
    let img = state.app.upload_image(&user, bytes.to_vec()).await?;
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
    Ok(r)
}
