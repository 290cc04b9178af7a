//! Feeds, sitemaps and `robots.txt`. Errors are plain status codes with a short text body:
//! these addresses are read by programs, not people.

use crate::WebState;
use crate::request::lang_param;
use crate::respond::page_response;
use arabpress_app::{AppError, CachedPage, FeedScope};
use arabpress_render::feeds::FeedFormat;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use std::sync::Arc;

/// Feeds change when news breaks: readers may keep them five minutes.
const FEED_CACHE: &str = "public, max-age=300, stale-while-revalidate=600";

pub(crate) fn routes() -> Router<WebState> {
    Router::new()
        .route("/robots.txt", get(robots))
        .route("/sitemap.xml", get(sitemap_index))
        .route("/sitemap-pages.xml", get(sitemap_pages))
        .route("/sitemap-news.xml", get(news_sitemap))
        .route("/sitemaps/articles/{file}", get(sitemap_articles))
        .route("/{lang}/rss.xml", get(site_rss))
        .route("/{lang}/atom.xml", get(site_atom))
        .route("/{lang}/feed.json", get(site_json))
        .route("/{lang}/podcast.xml", get(podcast))
        .route("/{lang}/section/{slug}/{file}", get(section_feed))
        .route("/{lang}/tag/{slug}/{file}", get(tag_feed))
        .route("/{lang}/author/{slug}/{file}", get(author_feed))
}

fn plain(status: StatusCode, text: &'static str) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        text,
    )
        .into_response()
}

fn answer(headers: &HeaderMap, result: Result<Arc<CachedPage>, AppError>) -> Response {
    match result {
        Ok(page) => page_response(headers, &page, FEED_CACHE),
        Err(AppError::NotFound) => plain(StatusCode::NOT_FOUND, "not found\n"),
        Err(AppError::BadRequest(_)) => plain(StatusCode::BAD_REQUEST, "bad request\n"),
        Err(AppError::Timeout) => plain(StatusCode::SERVICE_UNAVAILABLE, "try again\n"),
        Err(e) => {
            tracing::error!(error = %e, "feed or sitemap failed");
            plain(StatusCode::INTERNAL_SERVER_ERROR, "internal error\n")
        }
    }
}

async fn robots(State(state): State<WebState>) -> Response {
    let mut res = state.app.robots_txt().into_response();
    res.headers_mut().insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=3600"),
    );
    res
}

async fn sitemap_index(State(state): State<WebState>, headers: HeaderMap) -> Response {
    answer(&headers, state.app.sitemap_index().await)
}

async fn sitemap_pages(State(state): State<WebState>, headers: HeaderMap) -> Response {
    answer(&headers, state.app.sitemap_pages().await)
}

async fn news_sitemap(State(state): State<WebState>, headers: HeaderMap) -> Response {
    answer(&headers, state.app.news_sitemap().await)
}

async fn sitemap_articles(
    State(state): State<WebState>,
    headers: HeaderMap,
    Path(file): Path<String>,
) -> Response {
    match file
        .strip_suffix(".xml")
        .and_then(|n| n.parse::<u64>().ok())
    {
        Some(n) => answer(&headers, state.app.sitemap_articles(n).await),
        None => plain(StatusCode::NOT_FOUND, "not found\n"),
    }
}

async fn feed(
    state: &WebState,
    headers: &HeaderMap,
    lang: &str,
    scope: FeedScope,
    format: Option<FeedFormat>,
) -> Response {
    let (Ok(lang), Some(format)) = (lang_param(lang), format) else {
        return plain(StatusCode::NOT_FOUND, "not found\n");
    };
    answer(headers, state.app.feed(lang, &scope, format).await)
}

async fn site_rss(State(s): State<WebState>, h: HeaderMap, Path(lang): Path<String>) -> Response {
    feed(&s, &h, &lang, FeedScope::Site, Some(FeedFormat::Rss)).await
}

/// The spoken articles of a language as a podcast.
async fn podcast(State(s): State<WebState>, h: HeaderMap, Path(lang): Path<String>) -> Response {
    feed(&s, &h, &lang, FeedScope::Spoken, Some(FeedFormat::Rss)).await
}

async fn site_atom(State(s): State<WebState>, h: HeaderMap, Path(lang): Path<String>) -> Response {
    feed(&s, &h, &lang, FeedScope::Site, Some(FeedFormat::Atom)).await
}

async fn site_json(State(s): State<WebState>, h: HeaderMap, Path(lang): Path<String>) -> Response {
    feed(&s, &h, &lang, FeedScope::Site, Some(FeedFormat::Json)).await
}

async fn section_feed(
    State(s): State<WebState>,
    h: HeaderMap,
    Path((lang, slug, file)): Path<(String, String, String)>,
) -> Response {
    let format = FeedFormat::from_file_name(&file);
    feed(&s, &h, &lang, FeedScope::Section(slug), format).await
}

async fn tag_feed(
    State(s): State<WebState>,
    h: HeaderMap,
    Path((lang, slug, file)): Path<(String, String, String)>,
) -> Response {
    let format = FeedFormat::from_file_name(&file);
    feed(&s, &h, &lang, FeedScope::Tag(slug), format).await
}

async fn author_feed(
    State(s): State<WebState>,
    h: HeaderMap,
    Path((lang, slug, file)): Path<(String, String, String)>,
) -> Response {
    let format = FeedFormat::from_file_name(&file);
    feed(&s, &h, &lang, FeedScope::Author(slug), format).await
}
