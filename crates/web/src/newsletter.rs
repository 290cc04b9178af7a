//! The newsletter's reader pages: `/{lang}/newsletter` (the sign-up form's target),
//! `confirm`, `preferences` and `unsubscribe`, each reached by a signed link (`?t=`) from
//! a mail. None needs an account. `POST …/unsubscribe` is also the RFC 8058 one-click
//! address that mail clients call with `List-Unsubscribe=One-Click`.

use crate::WebState;
use crate::request::{client_ip, fail, lang_param, parse_form, preferred};
use arabpress_app::{AppError, LinkPurpose, SignupForm, SignupProblem, Subscriber};
use arabpress_core::Lang;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, FromRequestParts, Path, State};
use axum::http::request::Parts;
use axum::http::{Extensions, HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde_json::{Value, json};

pub(crate) fn routes() -> Router<WebState> {
    Router::new()
        .route("/{lang}/newsletter", get(signup_page).post(signup))
        .route("/{lang}/newsletter/confirm", get(confirm))
        .route(
            "/{lang}/newsletter/preferences",
            get(preferences).post(save_preferences),
        )
        .route(
            "/{lang}/newsletter/unsubscribe",
            get(unsubscribe_page).post(unsubscribe),
        )
        .layer(DefaultBodyLimit::max(FORM_LIMIT))
}

/// The largest form accepted.
const FORM_LIMIT: usize = 16 << 10;

fn token(q: Option<&str>) -> String {
    q.map(|q| {
        form_urlencoded::parse(q.as_bytes())
            .find(|(k, _)| k == "t")
            .map(|(_, v)| v.into_owned())
            .unwrap_or_default()
    })
    .unwrap_or_default()
}

/// What every newsletter page is asked with: the language in its path and, for pages
/// reached from a mail, the link's token (`?t=`). An unknown language is the site's 404.
struct Link {
    lang: Lang,
    token: String,
}

impl FromRequestParts<WebState> for Link {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &WebState) -> Result<Self, Response> {
        let path = Path::<String>::from_request_parts(parts, state).await;
        match path.map(|Path(l)| lang_param(&l)) {
            Ok(Ok(lang)) => Ok(Link {
                lang,
                token: token(parts.uri.query()),
            }),
            _ => {
                let lang = preferred(state, &parts.headers);
                Err(fail(state, &parts.headers, lang, AppError::NotFound).await)
            }
        }
    }
}

async fn page(
    state: &WebState,
    headers: &HeaderMap,
    lang: Lang,
    status: StatusCode,
    data: Value,
) -> Response {
    match state.app.newsletter_page(lang, &data).await {
        Ok(body) => {
            let mut res = (status, body).into_response();
            let h = res.headers_mut();
            h.insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/html; charset=utf-8"),
            );
            h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
            h.insert("x-robots-tag", HeaderValue::from_static("noindex"));
            res
        }
        Err(e) => fail(state, headers, lang, e).await,
    }
}

async fn invalid_link(state: &WebState, headers: &HeaderMap, lang: Lang) -> Response {
    page(
        state,
        headers,
        lang,
        StatusCode::NOT_FOUND,
        json!({ "mode": "invalid", "heading_key": "newsletter-invalid-title", "text_key": "newsletter-invalid-text" }),
    )
    .await
}

/// The answer when a mail's link did not lead anywhere: an unknown or spent token is the
/// invalid-link page, anything else an error page.
async fn link_failed(state: &WebState, headers: &HeaderMap, lang: Lang, e: AppError) -> Response {
    match e {
        AppError::NotFound => invalid_link(state, headers, lang).await,
        e => fail(state, headers, lang, e).await,
    }
}

/// A page saying something is done (`data` says what), with the link to the subscriber's
/// preferences.
async fn done_page(
    state: &WebState,
    headers: &HeaderMap,
    lang: Lang,
    s: &Subscriber,
    mut data: Value,
) -> Response {
    let prefs = state
        .app
        .link_url(LinkPurpose::Manage, lang, s.id, &s.email)
        .await
        .unwrap_or_default();
    if let Value::Object(m) = &mut data {
        m.insert("mode".into(), "done".into());
        m.insert("preferences_url".into(), prefs.into());
    }
    page(state, headers, lang, StatusCode::OK, data).await
}

async fn signup_page(State(state): State<WebState>, headers: HeaderMap, link: Link) -> Response {
    let lang = link.lang;
    page(
        &state,
        &headers,
        lang,
        StatusCode::OK,
        json!({ "mode": "signup", "heading_key": "newsletter-signup-title", "text_key": "newsletter-text", "lists": [] }),
    )
    .await
}

async fn signup(
    State(state): State<WebState>,
    headers: HeaderMap,
    extensions: Extensions,
    link: Link,
    body: Bytes,
) -> Response {
    let lang = link.lang;
    let f = parse_form(&body);
    let form = SignupForm {
        email: f.get("email").to_owned(),
        langs: match f.get("langs") {
            "" => lang.code().to_owned(),
            l => l.to_owned(),
        },
        lists: f.all("list"),
        trap: f.get("website").to_owned(),
    };
    let ip = client_ip(&state, &extensions, &headers)
        .map_or_else(|| "unknown".to_owned(), |ip| ip.to_string());
    let again = |error_key: &str| {
        json!({
            "mode": "signup",
            "heading_key": "newsletter-signup-title",
            "error_key": error_key,
            "email": form.email,
            "langs": form.langs,
            "lists": form.lists,
        })
    };
    match state.app.subscribe(&form, &ip).await {
        Ok(email) => {
            page(
                &state,
                &headers,
                lang,
                StatusCode::OK,
                json!({ "mode": "sent", "heading_key": "newsletter-sent-title", "text_key": "newsletter-sent-text", "email": email }),
            )
            .await
        }
        Err(AppError::RateLimited(limit)) => {
            let mut res = page(
                &state,
                &headers,
                lang,
                StatusCode::TOO_MANY_REQUESTS,
                again("newsletter-error-rate"),
            )
            .await;
            res.headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(limit.retry_after()));
            res
        }
        Err(e) => match SignupProblem::of(&e) {
            Some(p) => {
                page(&state, &headers, lang, StatusCode::UNPROCESSABLE_ENTITY, again(p.key())).await
            }
            None => fail(&state, &headers, lang, e).await,
        },
    }
}

async fn confirm(State(state): State<WebState>, headers: HeaderMap, link: Link) -> Response {
    let (lang, t) = (link.lang, link.token);
    match state.app.confirm_subscription(&t).await {
        Ok(s) => {
            let data = json!({ "heading_key": "newsletter-confirmed-title", "text_key": "newsletter-confirmed-text" });
            done_page(&state, &headers, lang, &s, data).await
        }
        Err(e) => link_failed(&state, &headers, lang, e).await,
    }
}

async fn preferences_page(
    state: &WebState,
    headers: &HeaderMap,
    lang: Lang,
    token: &str,
    s: &Subscriber,
    saved: bool,
    error_key: Option<&str>,
) -> Response {
    let unsubscribe = state
        .app
        .link_token(LinkPurpose::Unsubscribe, s.id, &s.email)
        .await
        .unwrap_or_default();
    let status = if error_key.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    page(
        state,
        headers,
        lang,
        status,
        json!({
            "mode": "preferences",
            "heading_key": "newsletter-preferences-title",
            "text_key": "newsletter-preferences-text",
            "email": s.email,
            "token": token,
            "unsubscribe_token": unsubscribe,
            "langs": s.langs,
            "lists": s.lists,
            "saved": saved,
            "error_key": error_key,
        }),
    )
    .await
}

async fn preferences(State(state): State<WebState>, headers: HeaderMap, link: Link) -> Response {
    let (lang, t) = (link.lang, link.token);
    match state.app.subscriber_by_token(LinkPurpose::Manage, &t).await {
        Ok(s) => preferences_page(&state, &headers, lang, &t, &s, false, None).await,
        Err(e) => link_failed(&state, &headers, lang, e).await,
    }
}

async fn save_preferences(
    State(state): State<WebState>,
    headers: HeaderMap,
    link: Link,
    body: Bytes,
) -> Response {
    let (lang, t) = (link.lang, link.token);
    let f = parse_form(&body);
    match state
        .app
        .save_newsletter_preferences(&t, f.get("langs"), &f.all("list"))
        .await
    {
        Ok(s) if s.status == "unsubscribed" => unsubscribed(&state, &headers, lang, &s).await,
        Ok(s) => preferences_page(&state, &headers, lang, &t, &s, true, None).await,
        Err(AppError::NotFound) => invalid_link(&state, &headers, lang).await,
        Err(e) => match (
            SignupProblem::of(&e),
            state.app.subscriber_by_token(LinkPurpose::Manage, &t).await,
        ) {
            (Some(p), Ok(s)) => {
                preferences_page(&state, &headers, lang, &t, &s, false, Some(p.key())).await
            }
            _ => fail(&state, &headers, lang, e).await,
        },
    }
}

async fn unsubscribe_page(
    State(state): State<WebState>,
    headers: HeaderMap,
    link: Link,
) -> Response {
    let (lang, t) = (link.lang, link.token);
    match state.app.subscriber_by_token(LinkPurpose::Unsubscribe, &t).await {
        Ok(s) => {
            page(
                &state,
                &headers,
                lang,
                StatusCode::OK,
                json!({ "mode": "unsubscribe", "heading_key": "newsletter-unsubscribe-title", "text_key": "newsletter-unsubscribe-text", "email": s.email, "token": t }),
            )
            .await
        }
        Err(e) => link_failed(&state, &headers, lang, e).await,
    }
}

async fn unsubscribed(
    state: &WebState,
    headers: &HeaderMap,
    lang: Lang,
    s: &Subscriber,
) -> Response {
    let data = json!({ "heading_key": "newsletter-unsubscribed-title", "text_key": "newsletter-unsubscribed-text", "email": s.email });
    done_page(state, headers, lang, s, data).await
}

/// Unsubscribes at once: the button on the page, the footer form, or a mail client's
/// one-click POST (whatever its body).
async fn unsubscribe(State(state): State<WebState>, headers: HeaderMap, link: Link) -> Response {
    let (lang, t) = (link.lang, link.token);
    match state.app.unsubscribe_by_token(&t).await {
        Ok(s) => unsubscribed(&state, &headers, lang, &s).await,
        Err(e) => link_failed(&state, &headers, lang, e).await,
    }
}
