//! The reader site's routes: `/` (language by `Accept-Language`), `/{lang}/` home,
//! `/{lang}/article/{slug}`, `/{lang}/section|tag|author/{slug}?page=N`, the newsletter
//! box's target, static assets, `/favicon.ico` and `/healthz`. Anything else is a styled 404.

use crate::WebState;
use crate::request::{fail, lang_param, path_lang, preferred, respond};
use crate::respond::page_response;
use arabpress_app::{AppError, BadRequest, CachedPage, ListSpec, ThemePicture};
use arabpress_core::Lang;
use arabpress_core::http::ListAt;
use arabpress_render::InfoPage;
use arabpress_render::assets;
use arabpress_render::views::{THEME_ARTWORK, THEME_ICON, THEME_TOUCH_ICON};
use axum::Router;
use axum::extract::rejection::PathRejection;
use axum::extract::{OriginalUri, Path, RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use std::collections::HashMap;
use std::sync::OnceLock;

pub(crate) fn routes() -> Router<WebState> {
    let router = Router::new()
        .route("/", get(root))
        .route("/healthz", get(healthz))
        .route("/static/{*path}", get(static_asset))
        .route("/favicon.ico", get(favicon))
        .route(THEME_TOUCH_ICON, get(touch_icon))
        .route(THEME_ICON, get(theme_icon))
        .route(THEME_ARTWORK, get(podcast_artwork))
        .route("/{lang}", get(lang_root))
        .route("/{lang}/", get(home))
        .route("/{lang}/article/{slug}", get(article))
        .route("/{lang}/section/{slug}", get(section))
        .route("/{lang}/tag/{slug}", get(tag))
        .route("/{lang}/author/{slug}", get(author))
        .fallback(not_found);
    InfoPage::ALL.into_iter().fold(router, |router, page| {
        router.route(
            &format!("/{{lang}}/{}", page.segment()),
            get(
                move |state: State<WebState>,
                      headers: HeaderMap,
                      path: Result<Path<String>, PathRejection>| {
                    info(state, headers, path, page)
                },
            ),
        )
    })
}

/// The language named by a path's first segment, if it is one.
fn lang_of_path(path: &str) -> Option<Lang> {
    path.trim_start_matches('/')
        .split('/')
        .next()
        .and_then(|s| s.parse().ok())
}

async fn root(State(state): State<WebState>, headers: HeaderMap) -> Response {
    let lang = preferred(&state, &headers);
    let mut res = Redirect::to(&format!("/{lang}/")).into_response();
    res.headers_mut()
        .insert(header::VARY, HeaderValue::from_static("Accept-Language"));
    res.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    res
}

async fn healthz(State(state): State<WebState>) -> Response {
    match state.app.check_database().await {
        Ok(()) => (
            StatusCode::OK,
            [(header::CONTENT_TYPE, "application/json")],
            r#"{"status":"ok"}"#,
        )
            .into_response(),
        Err(e) => {
            tracing::error!(error = %e, "health check failed");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                [(header::CONTENT_TYPE, "application/json")],
                r#"{"status":"unavailable"}"#,
            )
                .into_response()
        }
    }
}

/// The theme's stylesheets, scripts and pictures: compressed once, on first demand, in the
/// coding the client asks for (as pages are), with a strong ETag; their URLs carry a
/// content hash, so they are cached for a year.
async fn static_asset(headers: HeaderMap, Path(path): Path<String>) -> Response {
    static PAGES: OnceLock<HashMap<&'static str, CachedPage>> = OnceLock::new();
    let pages = PAGES.get_or_init(|| {
        assets::ASSETS
            .iter()
            .map(|a| {
                let page = CachedPage::new(200, a.content_type, a.body, Vec::new(), i64::MAX);
                (a.path, page)
            })
            .collect()
    });
    match pages.get(path.as_str()) {
        Some(page) => page_response(&headers, page, "public, max-age=31536000, immutable"),
        None => (
            StatusCode::NOT_FOUND,
            [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
            "not found",
        )
            .into_response(),
    }
}

/// `/favicon.ico`, asked for by browsers and crawlers that read no `<link rel="icon">`:
/// the site's PNG icon (the uploaded logo's when it gave one), which every client reads.
/// Temporary, since a new logo changes it.
async fn favicon(State(state): State<WebState>) -> Response {
    Redirect::temporary(&state.app.theme().png_icon()).into_response()
}

/// The PNG icon of a site whose logo gave none (pages name the uploaded one).
async fn theme_icon(State(state): State<WebState>, headers: HeaderMap) -> Response {
    match state.app.theme().branding().icon.as_deref() {
        Some(uploaded) => Redirect::temporary(uploaded).into_response(),
        None => theme_picture(&headers, ThemePicture::Icon).await,
    }
}

/// The phones' home-screen icon (linked from every page, and asked for by phones without a
/// link): the uploaded logo's when it gave one, else the theme's.
async fn touch_icon(State(state): State<WebState>, headers: HeaderMap) -> Response {
    match state.app.theme().branding().touch_icon.as_deref() {
        Some(uploaded) => Redirect::temporary(uploaded).into_response(),
        None => theme_picture(&headers, ThemePicture::TouchIcon).await,
    }
}

/// The podcast artwork of a site whose logo gave none (the feeds name the uploaded one).
async fn podcast_artwork(State(state): State<WebState>, headers: HeaderMap) -> Response {
    match &state.app.theme().branding().artwork {
        Some(uploaded) => Redirect::temporary(&uploaded.url).into_response(),
        None => theme_picture(&headers, ThemePicture::Artwork).await,
    }
}

/// A theme picture, drawn on the blocking pool on first demand and kept.
async fn theme_picture(headers: &HeaderMap, which: ThemePicture) -> Response {
    static TOUCH_ICON: tokio::sync::OnceCell<CachedPage> = tokio::sync::OnceCell::const_new();
    static ICON: tokio::sync::OnceCell<CachedPage> = tokio::sync::OnceCell::const_new();
    static ARTWORK: tokio::sync::OnceCell<CachedPage> = tokio::sync::OnceCell::const_new();
    let cell = match which {
        ThemePicture::TouchIcon => &TOUCH_ICON,
        ThemePicture::Icon => &ICON,
        ThemePicture::Artwork => &ARTWORK,
    };
    let page = cell
        .get_or_try_init(|| async move {
            match tokio::task::spawn_blocking(move || which.draw()).await {
                Ok(Ok(png)) => Ok(CachedPage::new(200, "image/png", png, Vec::new(), i64::MAX)),
                Ok(Err(problem)) => Err(format!("{which:?}: {}", problem.key)),
                Err(e) => Err(format!("{which:?}: {e}")),
            }
        })
        .await;
    match page {
        Ok(page) => page_response(headers, page, "public, max-age=86400"),
        Err(e) => {
            tracing::error!(error = %e, "drawing a theme picture failed");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}

async fn lang_root(
    State(state): State<WebState>,
    headers: HeaderMap,
    path: Result<Path<String>, PathRejection>,
) -> Response {
    match path_lang(&state, &headers, path).await {
        Ok(lang) => Redirect::permanent(&format!("/{lang}/")).into_response(),
        Err(r) => r,
    }
}

/// The site's pages about itself.
async fn info(
    State(state): State<WebState>,
    headers: HeaderMap,
    path: Result<Path<String>, PathRejection>,
    page: InfoPage,
) -> Response {
    let lang = match path_lang(&state, &headers, path).await {
        Ok(lang) => lang,
        Err(r) => return r,
    };
    let result = state.app.info_page(lang, page).await;
    respond(&state, &headers, lang, result).await
}

async fn home(
    State(state): State<WebState>,
    headers: HeaderMap,
    path: Result<Path<String>, PathRejection>,
) -> Response {
    let lang = match path_lang(&state, &headers, path).await {
        Ok(lang) => lang,
        Err(r) => return r,
    };
    let result = state.app.home_page(lang).await;
    respond(&state, &headers, lang, result).await
}

/// Extracts `(lang, slug)`, answering malformed paths with 400 and unknown languages with
/// 404 (the application answers impossible slugs with 404 on a cache miss).
async fn lang_slug(
    state: &WebState,
    headers: &HeaderMap,
    path: Result<Path<(String, String)>, PathRejection>,
) -> Result<(Lang, String), Response> {
    let fallback = preferred(state, headers);
    let Ok(Path((l, slug))) = path else {
        return Err(fail(
            state,
            headers,
            fallback,
            AppError::BadRequest(BadRequest::Path),
        )
        .await);
    };
    let Ok(lang) = lang_param(&l) else {
        return Err(fail(state, headers, fallback, AppError::NotFound).await);
    };
    Ok((lang, slug))
}

async fn article(
    State(state): State<WebState>,
    headers: HeaderMap,
    path: Result<Path<(String, String)>, PathRejection>,
) -> Response {
    let (lang, slug) = match lang_slug(&state, &headers, path).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    let result = state.app.article_page(lang, &slug).await;
    respond(&state, &headers, lang, result).await
}

/// Where a list page starts: `page` (absent means 1, anything but a number from 1 to 10,000
/// is a bad request), or `before`/`after` a story. Other parameters (tracking codes…) are
/// ignored.
fn list_param(query: Option<&str>) -> Result<ListAt, AppError> {
    arabpress_core::http::list_position(query)
        .map_err(|why| AppError::BadRequest(BadRequest::ListQuery(why)))
}

async fn list(
    state: WebState,
    headers: HeaderMap,
    path: Result<Path<(String, String)>, PathRejection>,
    query: Option<String>,
    make: fn(String) -> ListSpec,
) -> Response {
    let (lang, slug) = match lang_slug(&state, &headers, path).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    let at = match list_param(query.as_deref()) {
        Ok(at) => at,
        Err(e) => return fail(&state, &headers, lang, e).await,
    };
    let result = state.app.list_page(lang, &make(slug), at).await;
    respond(&state, &headers, lang, result).await
}

async fn section(
    State(s): State<WebState>,
    h: HeaderMap,
    p: Result<Path<(String, String)>, PathRejection>,
    RawQuery(q): RawQuery,
) -> Response {
    list(s, h, p, q, ListSpec::Section).await
}

async fn tag(
    State(s): State<WebState>,
    h: HeaderMap,
    p: Result<Path<(String, String)>, PathRejection>,
    RawQuery(q): RawQuery,
) -> Response {
    list(s, h, p, q, ListSpec::Tag).await
}

async fn author(
    State(s): State<WebState>,
    h: HeaderMap,
    p: Result<Path<(String, String)>, PathRejection>,
    RawQuery(q): RawQuery,
) -> Response {
    list(s, h, p, q, ListSpec::Author).await
}

async fn not_found(
    State(state): State<WebState>,
    headers: HeaderMap,
    OriginalUri(uri): OriginalUri,
) -> Response {
    let lang = lang_of_path(uri.path()).unwrap_or_else(|| preferred(&state, &headers));
    fail(&state, &headers, lang, AppError::NotFound).await
}
