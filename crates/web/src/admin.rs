//! The newsroom at `/admin`: sign-in (with the first-run setup and invitations), the
//! dashboard, the article list, the editor (live preview, image upload, workflow buttons),
//! revisions, people and the user's own account; and `/media/…`, the uploaded images.
//!
//! Handlers extract, call `app` (which enforces every role rule) and render. Sessions are a
//! cookie naming a row in the store; every state-changing form carries the session's CSRF
//! token (before sign-in, a double-submit cookie does the same job). Pages are `no-store`
//! and `noindex`; the cookie is HttpOnly, SameSite=Lax, limited to `/admin`, and Secure
//! when the configured `base_url` is https.

mod newsletter;
mod wire;

use crate::WebState;
use arabpress_app::{
    AppError, MAX_UPLOAD_BYTES, MIN_PASSWORD_CHARS, NewsroomArticle, NewsroomQuery, Saved, Session,
    Step, same_secret,
};
use arabpress_core::{
    ArticleDraft, ArticleKind, ArticleStatus, Image, Lang, Role, Slug, SourceCredit, User,
};
use axum::Router;
use axum::body::Body;
use axum::extract::{DefaultBodyLimit, FromRequestParts, Multipart, Path, Query, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use serde_json::{Value, json};
use std::collections::HashMap;

const SESSION_COOKIE: &str = "ap_session";
const FORM_COOKIE: &str = "ap_form";
const PER_PAGE: u32 = 30;
/// Author slots in the editor (bylines rarely have more).
const AUTHOR_SLOTS: usize = 4;

pub(crate) fn routes() -> Router<WebState> {
    let editor_limit = DefaultBodyLimit::max(MAX_UPLOAD_BYTES * 3);
    Router::new()
        .route("/admin", get(dashboard))
        .route("/admin/", get(|| async { Redirect::to("/admin") }))
        .route("/admin/setup", get(setup_page).post(setup))
        .route("/admin/login", get(login_page).post(login))
        .route("/admin/logout", post(logout))
        .route("/admin/logout-everywhere", post(logout_everywhere))
        .route(
            "/admin/invite/{token}",
            get(invite_page).post(accept_invite),
        )
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
        .route("/admin/articles/{id}/revisions", get(revisions))
        .route("/admin/articles/{id}/restore", post(restore))
        .route(
            "/admin/articles/{id}/pending/{revision}/apply",
            post(apply_pending),
        )
        .route(
            "/admin/articles/{id}/pending/{revision}/discard",
            post(discard_pending),
        )
        .route("/admin/articles/{id}/correction", post(correction))
        .route("/admin/articles/{id}/translation", post(translation))
        .route("/admin/preview", post(preview))
        .route("/admin/taxonomy", get(taxonomy))
        .route("/admin/sections", post(create_section))
        .route("/admin/sections/{id}", post(update_section))
        .route("/admin/tags/{id}", post(rename_tag))
        .route("/admin/webhooks", get(webhooks).post(add_webhook))
        .route("/admin/webhooks/{id}/delete", post(delete_webhook))
        .route("/admin/users", get(users))
        .route("/admin/users/invite", post(invite))
        .route("/admin/users/{id}/role", post(set_role))
        .route("/admin/users/{id}/active", post(set_active))
        .route("/admin/account", get(account))
        .route("/admin/account/password", post(change_password))
        .route("/admin/account/language", post(set_language))
        .route("/admin/account/tokens/{id}/revoke", post(revoke_token))
        .route("/media/{sha}/{file}", get(media))
        .merge(newsletter::routes())
        .merge(wire::routes())
}

// ---------------------------------------------------------------------------------------
// Sessions, cookies, CSRF

fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

/// A cookie of the newsroom: `Secure` when the configured `base_url` is https (never
/// decided from the request's `Host`, which a proxy may set to anything).
fn set_cookie(state: &WebState, name: &str, value: &str, max_age: i64) -> HeaderValue {
    let secure = if crate::served_over_https(&state.app) {
        "; Secure"
    } else {
        ""
    };
    HeaderValue::from_str(&format!(
        "{name}={value}; Path=/admin; HttpOnly; SameSite=Lax; Max-Age={max_age}{secure}"
    ))
    .unwrap_or_else(|_| HeaderValue::from_static("ap_invalid=1"))
}

/// A signed-in newsroom member. Rejects with a redirect to sign-in (or to the first-run
/// setup when the site has no account yet).
pub(crate) struct Member(Session);

impl FromRequestParts<WebState> for Member {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &WebState) -> Result<Self, Response> {
        if let Some(token) = cookie(&parts.headers, SESSION_COOKIE) {
            match state.app.session(token).await {
                Ok(Some(s)) => return Ok(Member(s)),
                Ok(None) => {}
                Err(e) => return Err(failure(state, &parts.headers, state.default_lang, e).await),
            }
        }
        match state.app.needs_setup().await {
            Ok(true) => Err(see_other("/admin/setup")),
            Ok(false) => Err(see_other("/admin/login")),
            Err(e) => Err(failure(state, &parts.headers, state.default_lang, e).await),
        }
    }
}

/// A signed-in member's form, read and checked: its CSRF token must be the session's
/// (otherwise the form is refused with a page saying so, and nothing happens).
pub(crate) struct MemberForm(Session, Fields);

impl axum::extract::FromRequest<WebState> for MemberForm {
    type Rejection = Response;

    async fn from_request(req: axum::extract::Request, state: &WebState) -> Result<Self, Response> {
        let (mut parts, body) = req.into_parts();
        let Member(s) = Member::from_request_parts(&mut parts, state).await?;
        let Ok(bytes) = axum::body::to_bytes(body, 1 << 20).await else {
            return Err((StatusCode::PAYLOAD_TOO_LARGE, "form too large").into_response());
        };
        let f = parse_form(&bytes);
        if !csrf_ok(&s, &f) {
            return Err(csrf_refused(state, s.user.ui_lang));
        }
        Ok(MemberForm(s, f))
    }
}

pub(crate) fn see_other(to: &str) -> Response {
    let mut r = Redirect::to(to).into_response();
    *r.status_mut() = StatusCode::SEE_OTHER;
    no_store(&mut r);
    r
}

fn no_store(r: &mut Response) {
    let h = r.headers_mut();
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    h.insert(
        "x-robots-tag",
        HeaderValue::from_static("noindex, nofollow"),
    );
}

/// A form's fields; repeated names keep every value in order.
pub(crate) struct Fields(Vec<(String, String)>);

impl Fields {
    pub(crate) fn get(&self, name: &str) -> &str {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map_or("", |(_, v)| v.as_str())
    }
    pub(crate) fn all(&self, name: &str) -> Vec<String> {
        self.0
            .iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .collect()
    }
}

pub(crate) fn parse_form(body: &[u8]) -> Fields {
    Fields(arabpress_core::http::form_fields(body))
}

/// Refuses a form whose CSRF token is not the session's.
pub(crate) fn csrf_ok(s: &Session, fields: &Fields) -> bool {
    same_secret(&s.csrf, fields.get("csrf"))
}

// ---------------------------------------------------------------------------------------
// Rendering

pub(crate) fn msg(state: &WebState, lang: Lang, key: &str, args: &[(&str, &str)]) -> String {
    state.app.theme().messages().text(lang, key, args)
}

fn user_json(u: &User) -> Value {
    json!({
        "id": u.id,
        "name": u.name,
        "email": u.email,
        "role": u.role.as_str(),
        "can_manage_users": u.role.can_manage_users(),
        "can_manage_taxonomy": u.role.can_manage_taxonomy(),
        "can_send_newsletters": u.role.can_send_newsletters(),
        "can_manage_wire": u.role.can_manage_wire(),
    })
}

/// Adds `key` to a page's data.
fn with(mut data: Value, key: &str, value: Value) -> Value {
    if let Value::Object(m) = &mut data {
        m.insert(key.into(), value);
    }
    data
}

/// Renders a newsroom page (`data` carries the form token and the member, when any).
fn render(
    state: &WebState,
    lang: Lang,
    status: StatusCode,
    template: &str,
    title: &str,
    mut data: Value,
) -> Response {
    if let Value::Object(m) = &mut data {
        m.insert("title".into(), title.into());
        m.insert("page".into(), template.into());
        m.insert("min_password".into(), MIN_PASSWORD_CHARS.into());
    }
    match state.app.theme().admin(template, lang, &data) {
        Ok(html) => {
            let mut r = (status, html).into_response();
            r.headers_mut().insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/html; charset=utf-8"),
            );
            no_store(&mut r);
            r
        }
        Err(e) => {
            tracing::error!(error = %e, template, "newsroom page failed");
            (StatusCode::INTERNAL_SERVER_ERROR, "Internal Server Error").into_response()
        }
    }
}

/// A member's page: their language, their CSRF token.
pub(crate) fn member_page(
    state: &WebState,
    s: &Session,
    status: StatusCode,
    template: &str,
    title: &str,
    data: Value,
) -> Response {
    let data = with(data, "csrf", s.csrf.clone().into());
    let data = with(data, "user", user_json(&s.user));
    render(state, s.user.ui_lang, status, template, title, data)
}

/// A notice page for a member (refusals, missing articles).
fn member_notice(state: &WebState, s: &Session, status: StatusCode, key: &str) -> Response {
    let lang = s.user.ui_lang;
    let text = msg(state, lang, key, &[]);
    member_page(state, s, status, "notice", &text, json!({ "text": "" }))
}

/// The page for an error an action did not expect.
async fn failure(state: &WebState, headers: &HeaderMap, lang: Lang, e: AppError) -> Response {
    crate::WebError { error: e, lang }
        .render(state, headers)
        .await
}

/// Maps an action's error to a notice for the member.
pub(crate) async fn refused(
    state: &WebState,
    s: &Session,
    headers: &HeaderMap,
    e: AppError,
) -> Response {
    match e {
        AppError::Forbidden(_) => {
            member_notice(state, s, StatusCode::FORBIDDEN, "admin-error-forbidden")
        }
        AppError::NotFound => {
            member_notice(state, s, StatusCode::NOT_FOUND, "admin-error-not-found")
        }
        AppError::Invalid(m) | AppError::BadRequest(m) | AppError::Conflict(m) => {
            let lang = s.user.ui_lang;
            let title = msg(state, lang, "admin-error-invalid", &[]);
            member_page(
                state,
                s,
                StatusCode::UNPROCESSABLE_ENTITY,
                "notice",
                &title,
                json!({ "text": m }),
            )
        }
        AppError::Unauthorized(_) => {
            member_notice(state, s, StatusCode::UNAUTHORIZED, "admin-error-password")
        }
        other => failure(state, headers, s.user.ui_lang, other).await,
    }
}

pub(crate) fn csrf_refused(state: &WebState, lang: Lang) -> Response {
    let title = msg(state, lang, "admin-error-csrf", &[]);
    render(
        state,
        lang,
        StatusCode::FORBIDDEN,
        "notice",
        &title,
        json!({ "text": "" }),
    )
}

/// The language of a page shown before sign-in: `?lang=`, else the browser's preference.
fn guest_lang(state: &WebState, headers: &HeaderMap, q: &HashMap<String, String>) -> Lang {
    q.get("lang")
        .and_then(|l| l.parse().ok())
        .unwrap_or_else(|| crate::site::preferred(state, headers))
}

pub(crate) fn done_notice(state: &WebState, lang: Lang, done: Option<&String>) -> Option<String> {
    let key = match done?.as_str() {
        "saved" => "admin-saved",
        "pending" => "admin-saved-for-review",
        "applied" => "admin-pending-applied",
        "discarded" => "admin-pending-discarded",
        "token-revoked" => "admin-token-revoked",
        "submitted" => "admin-submitted",
        "published" => "admin-published",
        "unpublished" => "admin-unpublished",
        "corrected" => "admin-corrected",
        "linked" => "admin-linked",
        "password" => "admin-password-changed",
        "role" => "admin-role-changed",
        "deactivated" => "admin-deactivated",
        "reactivated" => "admin-reactivated",
        "signed-out" => "admin-signed-out",
        "taxonomy" => "admin-taxonomy-saved",
        "webhook-deleted" => "admin-webhook-deleted",
        "wire-added" => "admin-wire-added",
        "wire-paused" => "admin-wire-paused",
        "wire-resumed" => "admin-wire-resumed",
        "wire-deleted" => "admin-wire-deleted",
        "send-saved" => "admin-send-saved",
        "send-queued" => "admin-send-queued",
        _ => return None,
    };
    Some(msg(state, lang, key, &[]))
}

pub(crate) fn when(state: &WebState, lang: Lang, t: jiff::Timestamp) -> (String, String) {
    let d = state.app.theme().dates();
    (d.date_time(lang, t), d.iso(t))
}

fn article_rows(state: &WebState, lang: Lang, items: &[NewsroomArticle]) -> Vec<Value> {
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

// ---------------------------------------------------------------------------------------
// Before sign-in: setup, login, invitations

/// The double-submit token of a form shown before sign-in, and the cookie that carries it.
fn guest_token(
    state: &WebState,
    headers: &HeaderMap,
) -> Result<(String, Option<HeaderValue>), AppError> {
    match cookie(headers, FORM_COOKIE) {
        Some(t) if t.len() == 32 && t.bytes().all(|b| b.is_ascii_hexdigit()) => {
            Ok((t.to_owned(), None))
        }
        _ => {
            let t = arabpress_app::random_hex(16)?;
            let c = set_cookie(state, FORM_COOKIE, &t, 3600);
            Ok((t, Some(c)))
        }
    }
}

fn guest_csrf_ok(headers: &HeaderMap, fields: &Fields) -> bool {
    cookie(headers, FORM_COOKIE).is_some_and(|c| same_secret(c, fields.get("csrf")))
}

#[allow(clippy::too_many_arguments)]
fn guest_page(
    state: &WebState,
    headers: &HeaderMap,
    lang: Lang,
    status: StatusCode,
    template: &str,
    title_key: &str,
    error: Option<String>,
    mut data: Value,
) -> Response {
    let (token, set) = match guest_token(state, headers) {
        Ok(t) => t,
        Err(e) => {
            tracing::error!(error = %e, "no form token");
            return (StatusCode::INTERNAL_SERVER_ERROR, "Internal Server Error").into_response();
        }
    };
    if let (Value::Object(m), Some(e)) = (&mut data, error) {
        m.insert("error".into(), e.into());
    }
    let title = msg(state, lang, title_key, &[]);
    let data = with(data, "csrf", token.into());
    let mut r = render(state, lang, status, template, &title, data);
    if let Some(c) = set {
        r.headers_mut().append(header::SET_COOKIE, c);
    }
    r
}

/// Signs the browser in: the session cookie, then on to `to`.
fn signed_in(state: &WebState, s: &Session, to: &str) -> Response {
    let mut r = see_other(to);
    r.headers_mut().append(
        header::SET_COOKIE,
        set_cookie(
            state,
            SESSION_COOKIE,
            &s.token,
            arabpress_app::SESSION_DAYS * 86_400,
        ),
    );
    r
}

async fn setup_page(
    State(state): State<WebState>,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let lang = guest_lang(&state, &headers, &q);
    match state.app.needs_setup().await {
        Ok(true) => guest_page(
            &state,
            &headers,
            lang,
            StatusCode::OK,
            "setup",
            "admin-setup-title",
            None,
            json!({}),
        ),
        Ok(false) => see_other("/admin/login"),
        Err(e) => failure(&state, &headers, lang, e).await,
    }
}

async fn setup(
    State(state): State<WebState>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Response {
    let f = parse_form(&body);
    let lang = f.get("lang").parse().unwrap_or(state.default_lang);
    if !guest_csrf_ok(&headers, &f) {
        return csrf_refused(&state, lang);
    }
    let keep = json!({ "name": f.get("name"), "email": f.get("email") });
    match state
        .app
        .setup_owner(f.get("email"), f.get("name"), f.get("password"), lang)
        .await
    {
        Ok(s) => signed_in(&state, &s, "/admin"),
        Err(AppError::Forbidden(_)) => see_other("/admin/login"),
        Err(AppError::Invalid(m) | AppError::Conflict(m)) => guest_page(
            &state,
            &headers,
            lang,
            StatusCode::UNPROCESSABLE_ENTITY,
            "setup",
            "admin-setup-title",
            Some(m),
            keep,
        ),
        Err(e) => failure(&state, &headers, lang, e).await,
    }
}

async fn login_page(
    State(state): State<WebState>,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let lang = guest_lang(&state, &headers, &q);
    match state.app.needs_setup().await {
        Ok(true) => return see_other("/admin/setup"),
        Ok(false) => {}
        Err(e) => return failure(&state, &headers, lang, e).await,
    }
    let notice = done_notice(&state, lang, q.get("done"));
    guest_page(
        &state,
        &headers,
        lang,
        StatusCode::OK,
        "login",
        "admin-login-title",
        None,
        json!({ "notice": notice }),
    )
}

pub(crate) fn client_ip(parts_ext: &axum::http::Extensions) -> Option<std::net::IpAddr> {
    parts_ext
        .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
        .map(|c| c.0.ip())
}

async fn login(State(state): State<WebState>, req: axum::extract::Request) -> Response {
    let (parts, body) = req.into_parts();
    let headers = parts.headers;
    let ip = client_ip(&parts.extensions);
    let Ok(body) = axum::body::to_bytes(body, 64 << 10).await else {
        return (StatusCode::PAYLOAD_TOO_LARGE, "form too large").into_response();
    };
    let f = parse_form(&body);
    let lang = f.get("lang").parse().unwrap_or(state.default_lang);
    if !guest_csrf_ok(&headers, &f) {
        return csrf_refused(&state, lang);
    }
    let keep = json!({ "email": f.get("email") });
    match state.app.login(f.get("email"), f.get("password"), ip).await {
        Ok(s) => signed_in(&state, &s, "/admin"),
        Err(AppError::Unauthorized(_)) => {
            let e = msg(&state, lang, "admin-error-login", &[]);
            guest_page(
                &state,
                &headers,
                lang,
                StatusCode::UNAUTHORIZED,
                "login",
                "admin-login-title",
                Some(e),
                keep,
            )
        }
        Err(AppError::RateLimited(_)) => {
            let minutes = arabpress_app::LOGIN_WINDOW_MINUTES.to_string();
            let e = msg(
                &state,
                lang,
                "admin-error-limited",
                &[("minutes", &minutes)],
            );
            let mut r = guest_page(
                &state,
                &headers,
                lang,
                StatusCode::TOO_MANY_REQUESTS,
                "login",
                "admin-login-title",
                Some(e),
                keep,
            );
            r.headers_mut().insert(
                header::RETRY_AFTER,
                HeaderValue::from(arabpress_app::LOGIN_WINDOW_MINUTES * 60),
            );
            r
        }
        Err(e) => failure(&state, &headers, lang, e).await,
    }
}

/// Back to the sign-in page, with the session cookie removed.
fn signed_out(state: &WebState, lang: Lang) -> Response {
    let mut r = see_other(&format!("/admin/login?lang={lang}&done=signed-out"));
    r.headers_mut()
        .append(header::SET_COOKIE, set_cookie(state, SESSION_COOKIE, "", 0));
    r
}

async fn logout(
    State(state): State<WebState>,
    headers: HeaderMap,
    MemberForm(s, _): MemberForm,
) -> Response {
    if let Err(e) = state.app.logout(&s.token).await {
        return failure(&state, &headers, s.user.ui_lang, e).await;
    }
    signed_out(&state, s.user.ui_lang)
}

async fn logout_everywhere(
    State(state): State<WebState>,
    headers: HeaderMap,
    MemberForm(s, _): MemberForm,
) -> Response {
    if let Err(e) = state.app.logout_everywhere(&s.user).await {
        return failure(&state, &headers, s.user.ui_lang, e).await;
    }
    signed_out(&state, s.user.ui_lang)
}

async fn invite_page(
    State(state): State<WebState>,
    headers: HeaderMap,
    Path(token): Path<String>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let lang = guest_lang(&state, &headers, &q);
    match state.app.invite(&token).await {
        Ok(Some((email, role))) => guest_page(
            &state,
            &headers,
            lang,
            StatusCode::OK,
            "invite",
            "admin-invite-title",
            None,
            json!({ "email": email, "role": role.as_str(), "token": token }),
        ),
        Ok(None) => {
            let e = msg(&state, lang, "admin-error-invite", &[]);
            guest_page(
                &state,
                &headers,
                lang,
                StatusCode::GONE,
                "notice",
                "admin-invite-title",
                Some(e),
                json!({ "text": "" }),
            )
        }
        Err(e) => failure(&state, &headers, lang, e).await,
    }
}

async fn accept_invite(
    State(state): State<WebState>,
    headers: HeaderMap,
    Path(token): Path<String>,
    body: axum::body::Bytes,
) -> Response {
    let f = parse_form(&body);
    let lang = f.get("lang").parse().unwrap_or(state.default_lang);
    if !guest_csrf_ok(&headers, &f) {
        return csrf_refused(&state, lang);
    }
    match state
        .app
        .accept_invite(&token, f.get("name"), f.get("password"), lang)
        .await
    {
        Ok(s) => signed_in(&state, &s, "/admin"),
        Err(AppError::Gone | AppError::NotFound) => {
            let e = msg(&state, lang, "admin-error-invite", &[]);
            guest_page(
                &state,
                &headers,
                lang,
                StatusCode::GONE,
                "notice",
                "admin-invite-title",
                Some(e),
                json!({ "text": "" }),
            )
        }
        Err(AppError::Invalid(m) | AppError::Conflict(m)) => {
            let (email, role) = match state.app.invite(&token).await {
                Ok(Some((e, r))) => (e, r.as_str()),
                _ => (String::new(), Role::Contributor.as_str()),
            };
            guest_page(
                &state,
                &headers,
                lang,
                StatusCode::UNPROCESSABLE_ENTITY,
                "invite",
                "admin-invite-title",
                Some(m),
                json!({ "email": email, "role": role, "token": token, "name": f.get("name") }),
            )
        }
        Err(e) => failure(&state, &headers, lang, e).await,
    }
}

// ---------------------------------------------------------------------------------------
// Dashboard and lists

async fn dashboard(
    State(state): State<WebState>,
    headers: HeaderMap,
    Member(s): Member,
) -> Response {
    let lang = s.user.ui_lang;
    match state.app.dashboard(&s.user).await {
        Ok(d) => {
            let title = msg(&state, lang, "admin-dashboard", &[]);
            member_page(
                &state,
                &s,
                StatusCode::OK,
                "dashboard",
                &title,
                json!({
                    "in_review": article_rows(&state, lang, &d.in_review),
                    "pending": d.pending.iter().map(|p| {
                        let (at, iso) = when(&state, lang, p.at);
                        json!({
                            "id": p.id,
                            "article_id": p.article_id,
                            "headline": p.live_headline,
                            "by": p.user_name,
                            "at": at,
                            "at_iso": iso,
                        })
                    }).collect::<Vec<_>>(),
                    "scheduled": article_rows(&state, lang, &d.scheduled),
                    "my_drafts": article_rows(&state, lang, &d.my_drafts),
                    "published": article_rows(&state, lang, &d.published),
                    "audio": match &d.audio {
                        arabpress_app::AudioStatus::On(engine) => json!({ "on": true, "detail": engine }),
                        arabpress_app::AudioStatus::Off(why) => json!({ "on": false, "detail": why }),
                    },
                    "audio_counts": {
                        "ready": d.audio_counts.ready,
                        "failed": d.audio_counts.failed,
                        "waiting": d.audio_counts.waiting,
                    },
                }),
            )
        }
        Err(e) => failure(&state, &headers, lang, e).await,
    }
}

async fn options(state: &WebState, lang: Lang) -> Result<(Value, Value), AppError> {
    let sections: Vec<Value> = state
        .app
        .sections()
        .await?
        .iter()
        .map(|s| json!({ "slug": s.slug, "name": s.name(lang) }))
        .collect();
    let authors: Vec<Value> = state
        .app
        .store()
        .authors()
        .await?
        .iter()
        .map(|a| json!({ "slug": a.slug, "name": a.name(lang) }))
        .collect();
    Ok((Value::from(sections), Value::from(authors)))
}

async fn articles(
    State(state): State<WebState>,
    headers: HeaderMap,
    Member(s): Member,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let lang = s.user.ui_lang;
    let get = |k: &str| q.get(k).map(String::as_str).unwrap_or("");
    let page: u32 = get("page").parse().unwrap_or(1).clamp(1, 10_000);
    let result = async {
        let sections = state.app.sections().await?;
        let authors = state.app.store().authors().await?;
        let query = NewsroomQuery {
            status: get("status").parse::<ArticleStatus>().ok(),
            section_id: sections
                .iter()
                .find(|x| x.slug == get("section"))
                .map(|x| x.id),
            author_id: authors
                .iter()
                .find(|x| x.slug == get("author"))
                .map(|x| x.id),
            lang: get("lang").parse().ok(),
            headline: Some(get("q").chars().take(200).collect()),
            created_by: None,
            limit: PER_PAGE,
            offset: (page - 1) * PER_PAGE,
        };
        let list = state.app.newsroom_articles(&s.user, query).await?;
        let (sections, authors) = options(&state, lang).await?;
        Ok::<_, AppError>((list, sections, authors))
    }
    .await;
    match result {
        Ok((list, sections, authors)) => {
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
            let more = u64::from(page * PER_PAGE) < list.total;
            let title = msg(&state, lang, "admin-articles", &[]);
            member_page(
                &state,
                &s,
                StatusCode::OK,
                "articles",
                &title,
                json!({
                    "items": article_rows(&state, lang, &list.items),
                    "total": list.total,
                    "statuses": ArticleStatus::ALL.iter().map(|x| x.as_str()).collect::<Vec<_>>(),
                    "sections": sections,
                    "authors": authors,
                    "f": { "q": get("q"), "status": get("status"), "section": get("section"), "author": get("author"), "lang": get("lang") },
                    "prev_url": (page > 1).then(|| link(page - 1)),
                    "next_url": more.then(|| link(page + 1)),
                }),
            )
        }
        Err(e) => failure(&state, &headers, lang, e).await,
    }
}

// ---------------------------------------------------------------------------------------
// The editor

/// The editor's fields as typed, so a refused save shows them again unchanged.
#[derive(Debug, Clone, Default, serde::Serialize)]
struct EditorForm {
    version: i64,
    lang: String,
    headline: String,
    standfirst: String,
    body: String,
    kind: String,
    section: String,
    tags: String,
    authors: Vec<String>,
    slug: String,
    source_name: String,
    source_url: String,
    image_url: String,
    image_alt: String,
    image_caption: String,
    image_credit: String,
    seo_title: String,
    seo_description: String,
    publish_at: String,
}

impl EditorForm {
    fn from_draft(d: &ArticleDraft, version: i64) -> EditorForm {
        let mut authors: Vec<String> = d.authors.iter().map(|a| a.as_str().to_owned()).collect();
        authors.resize(AUTHOR_SLOTS.max(authors.len() + 1), String::new());
        let img = d.image.as_ref();
        EditorForm {
            version,
            lang: d.lang.code().into(),
            headline: d.headline.clone(),
            standfirst: d.standfirst.clone(),
            body: d.body_md.clone(),
            kind: d.kind.as_str().into(),
            section: d.section.as_str().into(),
            tags: d.tags.join(", "),
            authors,
            slug: d
                .slug
                .as_ref()
                .map(|s| s.as_str().to_owned())
                .unwrap_or_default(),
            source_name: d
                .source
                .as_ref()
                .map(|s| s.name.clone())
                .unwrap_or_default(),
            source_url: d
                .source
                .as_ref()
                .and_then(|s| s.url.clone())
                .unwrap_or_default(),
            image_url: img.map(|i| i.url.clone()).unwrap_or_default(),
            image_alt: img.map(|i| i.alt.clone()).unwrap_or_default(),
            image_caption: img.and_then(|i| i.caption.clone()).unwrap_or_default(),
            image_credit: img.and_then(|i| i.credit.clone()).unwrap_or_default(),
            seo_title: d.seo_title.clone().unwrap_or_default(),
            seo_description: d.seo_description.clone().unwrap_or_default(),
            publish_at: String::new(),
        }
    }

    fn from_fields(f: &Fields) -> EditorForm {
        let mut authors = f.all("author");
        authors.resize(AUTHOR_SLOTS.max(authors.len()), String::new());
        EditorForm {
            version: f.get("version").parse().unwrap_or(0),
            lang: f.get("lang").into(),
            headline: f.get("headline").into(),
            standfirst: f.get("standfirst").into(),
            body: f.get("body").replace("\r\n", "\n"),
            kind: f.get("kind").into(),
            section: f.get("section").into(),
            tags: f.get("tags").into(),
            authors,
            slug: f.get("slug").trim().into(),
            source_name: f.get("source_name").into(),
            source_url: f.get("source_url").trim().into(),
            image_url: f.get("image_url").trim().into(),
            image_alt: f.get("image_alt").into(),
            image_caption: f.get("image_caption").into(),
            image_credit: f.get("image_credit").into(),
            seo_title: f.get("seo_title").into(),
            seo_description: f.get("seo_description").into(),
            publish_at: f.get("publish_at").trim().into(),
        }
    }

    /// The draft the form describes; the first problem is named with its field.
    fn draft(&self) -> Result<ArticleDraft, (String, String)> {
        let bad = |field: &str, m: String| (field.to_owned(), m);
        let lang: Lang = self.lang.parse().map_err(|e| bad("lang", format!("{e}")))?;
        let kind: ArticleKind = self.kind.parse().map_err(|e| bad("kind", format!("{e}")))?;
        let section = Slug::parse(&self.section).map_err(|e| bad("section", e.to_string()))?;
        let authors = self
            .authors
            .iter()
            .filter(|a| !a.trim().is_empty())
            .map(|a| Slug::parse(a.trim()).map_err(|e| bad("author1", e.to_string())))
            .collect::<Result<Vec<_>, _>>()?;
        let slug = if self.slug.is_empty() {
            None
        } else {
            Some(Slug::parse(&self.slug).map_err(|e| bad("slug", e.to_string()))?)
        };
        let opt = |s: &str| Some(s.trim().to_owned()).filter(|s| !s.is_empty());
        Ok(ArticleDraft {
            lang,
            slug,
            headline: self.headline.clone(),
            standfirst: self.standfirst.clone(),
            body_md: self.body.clone(),
            kind,
            section,
            tags: self
                .tags
                .split([',', '،'])
                .map(str::trim)
                .filter(|t| !t.is_empty())
                .map(str::to_owned)
                .collect(),
            authors,
            source: opt(&self.source_name).map(|name| SourceCredit {
                name,
                url: opt(&self.source_url),
            }),
            image: opt(&self.image_url).map(|url| Image {
                url,
                alt: self.image_alt.clone(),
                caption: opt(&self.image_caption),
                credit: opt(&self.image_credit),
            }),
            seo_title: opt(&self.seo_title),
            seo_description: opt(&self.seo_description),
        })
    }
}

/// The field label key for a field named in a validation error.
fn field_label(field: &str) -> &'static str {
    match field {
        "headline" => "admin-headline",
        "standfirst" => "admin-standfirst",
        "body" => "admin-body",
        "slug" => "admin-slug",
        "authors" | "author1" => "admin-authors",
        "tags" => "admin-tags",
        "section" => "admin-section",
        "kind" => "admin-kind",
        "lang" => "admin-language",
        "source" => "admin-source-name",
        "source_url" => "admin-source-url",
        "image_url" | "image" => "admin-image",
        "image_alt" => "admin-image-alt",
        "seo_title" => "admin-seo-title",
        "seo_description" => "admin-seo-description",
        "publish_at" => "admin-publishing",
        _ => "admin-problems",
    }
}

/// The form element a field's error links to.
fn field_anchor(field: &str) -> &str {
    match field {
        "authors" => "author1",
        "source" => "source_name",
        "image" => "image_file",
        "image_url" => "image_file",
        "lang" | "headline" | "standfirst" | "body" | "slug" | "author1" | "tags" | "section"
        | "kind" | "source_url" | "image_alt" | "seo_title" | "seo_description" | "publish_at" => {
            field
        }
        _ => "headline",
    }
}

struct EditorView<'a> {
    id: Option<i64>,
    form: &'a EditorForm,
    status: ArticleStatus,
    notice: Option<String>,
    error: Option<String>,
    field_error: Option<(String, String)>,
    preview: Option<String>,
}

async fn editor_page(
    state: &WebState,
    headers: &HeaderMap,
    s: &Session,
    code: StatusCode,
    v: EditorView<'_>,
) -> Response {
    let lang = s.user.ui_lang;
    let loaded = async {
        let (sections, authors) = options(state, lang).await?;
        let article = match v.id {
            Some(id) => Some(state.app.article_for(&s.user, id).await?),
            None => None,
        };
        let own = article
            .as_ref()
            .is_none_or(|a| a.created_by == Some(s.user.id));
        let translations = match &article {
            Some(a) => {
                let q = NewsroomQuery {
                    lang: Some(a.summary.lang.other()),
                    limit: 100,
                    ..NewsroomQuery::default()
                };
                state.app.newsroom_articles(&s.user, q).await?.items
            }
            None => Vec::new(),
        };
        let audio = match &article {
            Some(a) if a.status == ArticleStatus::Published => {
                state.app.store().audio_state(a.summary.id).await?
            }
            _ => None,
        };
        Ok::<_, AppError>((sections, authors, article, own, translations, audio))
    }
    .await;
    let (sections, authors, article, own, translations, audio) = match loaded {
        Ok(x) => x,
        Err(e) => return refused(state, s, headers, e).await,
    };
    let kinds: Vec<&str> = ArticleKind::ALL.iter().map(|k| k.as_str()).collect();
    let status = article.as_ref().map_or(v.status, |a| a.status);
    let scheduled = article
        .as_ref()
        .and_then(|a| a.scheduled_at)
        .filter(|_| status == ArticleStatus::Scheduled)
        .map(|t| when(state, lang, t).0);
    let public_url = article
        .as_ref()
        .filter(|a| a.status == ArticleStatus::Published)
        .map(|a| format!("/{}/article/{}", a.summary.lang, a.summary.slug));
    let title_key = if v.id.is_some() {
        "admin-edit-title"
    } else {
        "admin-new-title"
    };
    let title = msg(state, lang, title_key, &[]);
    let field_errors: Vec<Value> = v
        .field_error
        .iter()
        .map(|(f, m)| {
            json!({ "field": field_anchor(f), "label": msg(state, lang, field_label(f), &[]), "message": m })
        })
        .collect();
    let error = v.error.or_else(|| {
        (!field_errors.is_empty()).then(|| msg(state, lang, "admin-error-invalid", &[]))
    });
    let tz = state
        .app
        .theme()
        .dates()
        .tz()
        .iana_name()
        .unwrap_or("UTC")
        .to_owned();
    member_page(
        state,
        s,
        code,
        "edit",
        &title,
        json!({
            "article_id": v.id,
            "action": v.id.map_or("/admin/articles".to_owned(), |id| format!("/admin/articles/{id}")),
            "form": v.form,
            "status": status.as_str(),
            "scheduled_at": scheduled,
            "public_url": public_url,
            "sections": sections,
            "authors": authors,
            "kinds": kinds,
            "time_zone": tz,
            "max_upload_mib": MAX_UPLOAD_BYTES >> 20,
            "can_publish": s.user.role.can_publish(own),
            "can_review": matches!(status, ArticleStatus::Draft | ArticleStatus::Unpublished),
            "translations": translations.iter().map(|a| json!({ "id": a.summary.id, "headline": a.summary.headline, "lang": a.summary.lang.code() })).collect::<Vec<_>>(),
            "notice": v.notice,
            "error": error,
            "field_errors": field_errors,
            "preview": v.preview,
            "audio": public_url.as_ref().map(|_| audio_view(state, lang, audio.as_ref())),
        }),
    )
}

/// What the editor says of a published article's spoken version.
fn audio_view(state: &WebState, lang: Lang, audio: Option<&arabpress_app::AudioState>) -> Value {
    let off = match state.app.audio_status() {
        arabpress_app::AudioStatus::Off(why) => Some(why),
        arabpress_app::AudioStatus::On(_) => None,
    };
    match (audio, off) {
        (Some(a), _) if a.audio.is_some() => {
            let file = a.audio.as_ref();
            let secs = file.map_or(0, |f| f.seconds());
            json!({
                "state": "ready",
                "url": file.map(|f| f.path()),
                "detail": msg(state, lang, "admin-audio-ready", &[("length", &format!("{}:{:02}", secs / 60, secs % 60))]),
            })
        }
        (Some(a), _) if a.error.is_some() => json!({
            "state": "failed",
            "detail": msg(state, lang, "admin-audio-failed", &[("error", a.error.as_deref().unwrap_or_default())]),
        }),
        (_, Some(why)) => {
            json!({ "state": "off", "detail": format!("{} {why}", msg(state, lang, "admin-audio-off", &[])) })
        }
        _ => json!({ "state": "waiting", "detail": msg(state, lang, "admin-audio-waiting", &[]) }),
    }
}

async fn new_article(
    State(state): State<WebState>,
    headers: HeaderMap,
    Member(s): Member,
) -> Response {
    let sections = match state.app.sections().await {
        Ok(x) => x,
        Err(e) => return failure(&state, &headers, s.user.ui_lang, e).await,
    };
    let form = EditorForm {
        lang: s.user.ui_lang.code().into(),
        kind: ArticleKind::News.as_str().into(),
        section: sections.first().map(|x| x.slug.clone()).unwrap_or_default(),
        authors: vec![String::new(); AUTHOR_SLOTS],
        ..EditorForm::default()
    };
    editor_page(
        &state,
        &headers,
        &s,
        StatusCode::OK,
        EditorView {
            id: None,
            form: &form,
            status: ArticleStatus::Draft,
            notice: None,
            error: None,
            field_error: None,
            preview: None,
        },
    )
    .await
}

async fn edit(
    State(state): State<WebState>,
    headers: HeaderMap,
    Member(s): Member,
    Path(id): Path<i64>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let lang = s.user.ui_lang;
    let loaded = async {
        let a = state.app.article_for(&s.user, id).await?;
        let d = state.app.draft_of(&a).await?;
        Ok::<_, AppError>((a, d))
    }
    .await;
    let (a, d) = match loaded {
        Ok(x) => x,
        Err(e) => return refused(&state, &s, &headers, e).await,
    };
    let mut form = EditorForm::from_draft(&d, a.version);
    if let Some(at) = a
        .scheduled_at
        .filter(|_| a.status == ArticleStatus::Scheduled)
    {
        form.publish_at = state
            .app
            .theme()
            .dates()
            .local(at)
            .strftime("%Y-%m-%dT%H:%M:%S")
            .to_string();
    }
    let notice = match q.get("done").map(String::as_str) {
        Some("scheduled") => a.scheduled_at.map(|t| {
            let w = when(&state, lang, t).0;
            msg(&state, lang, "admin-scheduled-notice", &[("when", &w)])
        }),
        Some("restored") => Some(msg(
            &state,
            lang,
            "admin-restored",
            &[("version", q.get("from").map_or("", String::as_str))],
        )),
        _ => done_notice(&state, lang, q.get("done")),
    };
    editor_page(
        &state,
        &headers,
        &s,
        StatusCode::OK,
        EditorView {
            id: Some(id),
            form: &form,
            status: a.status,
            notice,
            error: None,
            field_error: None,
            preview: None,
        },
    )
    .await
}

/// Reads the editor's multipart form. Text fields are kept whatever happens to the file, so
/// a refused image never costs the writer their text.
async fn read_editor(mp: Multipart) -> (Fields, Result<Option<Vec<u8>>, String>) {
    read_multipart(mp, "image_file", MAX_UPLOAD_BYTES).await
}

/// Reads a multipart form: text fields, and the file in `file_field` (at most `limit`
/// bytes; a larger one is an error naming the limit).
pub(crate) async fn read_multipart(
    mut mp: Multipart,
    file_field: &str,
    limit: usize,
) -> (Fields, Result<Option<Vec<u8>>, String>) {
    let mut fields = Vec::new();
    let mut file: Result<Option<Vec<u8>>, String> = Ok(None);
    loop {
        let mut field = match mp.next_field().await {
            Ok(Some(f)) => f,
            Ok(None) => break,
            Err(e) => {
                file = Err(format!("the form could not be read ({e})"));
                break;
            }
        };
        let name = field.name().unwrap_or("").to_owned();
        if name == file_field {
            let mut buf = Vec::new();
            let mut too_big = false;
            loop {
                match field.chunk().await {
                    Ok(Some(c)) => {
                        if buf.len() + c.len() > limit {
                            too_big = true;
                            buf.clear();
                        } else if !too_big {
                            buf.extend_from_slice(&c);
                        }
                    }
                    Ok(None) => break,
                    Err(e) => {
                        file = Err(format!("the upload was cut off ({e})"));
                        break;
                    }
                }
            }
            if too_big {
                file = Err(format!(
                    "{file_field}: the file is larger than {} MiB",
                    limit >> 20
                ));
            } else if !buf.is_empty() && file.is_ok() {
                file = Ok(Some(buf));
            }
        } else {
            match field.bytes().await {
                Ok(b) => match String::from_utf8(b.to_vec()) {
                    Ok(t) => fields.push((name, t)),
                    Err(e) => {
                        // Refused rather than read with U+FFFD in place of the broken bytes;
                        // the rest of the text is kept for the form shown again.
                        file = Err(format!("{name}: the text is not valid UTF-8"));
                        fields.push((name, String::from_utf8_lossy(e.as_bytes()).into_owned()));
                    }
                },
                Err(e) => {
                    file = Err(format!("the form could not be read ({e})"));
                    break;
                }
            }
        }
    }
    (Fields(fields), file)
}

async fn create(
    State(state): State<WebState>,
    headers: HeaderMap,
    Member(s): Member,
    mp: Multipart,
) -> Response {
    save(state, headers, s, None, mp).await
}

async fn update(
    State(state): State<WebState>,
    headers: HeaderMap,
    Member(s): Member,
    Path(id): Path<i64>,
    mp: Multipart,
) -> Response {
    save(state, headers, s, Some(id), mp).await
}

/// Parses `datetime-local` input as a time in the site's zone.
fn parse_local(state: &WebState, text: &str) -> Option<jiff::Timestamp> {
    let dt: jiff::civil::DateTime = text.parse().ok()?;
    state.app.theme().dates().tz().to_timestamp(dt).ok()
}

async fn save(
    state: WebState,
    headers: HeaderMap,
    s: Session,
    id: Option<i64>,
    mp: Multipart,
) -> Response {
    let lang = s.user.ui_lang;
    let (fields, file) = read_editor(mp).await;
    if !csrf_ok(&s, &fields) {
        return csrf_refused(&state, lang);
    }
    let mut form = EditorForm::from_fields(&fields);
    let status = ArticleStatus::Draft;
    let show = |form: EditorForm,
                code: StatusCode,
                error: Option<String>,
                field_error: Option<(String, String)>,
                preview: Option<String>| {
        let state = state.clone();
        let headers = headers.clone();
        let s = s.clone();
        async move {
            editor_page(
                &state,
                &headers,
                &s,
                code,
                EditorView {
                    id,
                    form: &form,
                    status,
                    notice: None,
                    error,
                    field_error,
                    preview,
                },
            )
            .await
        }
    };
    let action = fields.get("action");
    if action == "preview" {
        let html = state.app.preview(&form.body).await.and_then(|body_html| {
            preview_html(
                &state,
                lang,
                &form.lang,
                &form.headline,
                &form.standfirst,
                &body_html,
            )
        });
        return match html {
            Ok(p) => show(form, StatusCode::OK, None, None, Some(p)).await,
            Err(AppError::Invalid(m)) => {
                show(
                    form,
                    StatusCode::UNPROCESSABLE_ENTITY,
                    None,
                    Some(split_field(&m)),
                    None,
                )
                .await
            }
            Err(e) => failure(&state, &headers, lang, e).await,
        };
    }
    match file {
        Err(m) => {
            let e = format!("{} {m}", msg(&state, lang, "admin-error-image", &[]));
            return show(form, StatusCode::UNPROCESSABLE_ENTITY, Some(e), None, None).await;
        }
        Ok(Some(bytes)) => match state.app.upload_image(&s.user, bytes).await {
            Ok(img) => form.image_url = img.url,
            Err(AppError::Invalid(m)) => {
                let e = format!("{} {m}", msg(&state, lang, "admin-error-image", &[]));
                return show(form, StatusCode::UNPROCESSABLE_ENTITY, Some(e), None, None).await;
            }
            Err(e) => return failure(&state, &headers, lang, e).await,
        },
        Ok(None) => {}
    }
    if fields.get("image_remove") == "1" {
        form.image_url.clear();
        form.image_alt.clear();
        form.image_caption.clear();
        form.image_credit.clear();
    }
    let draft = match form.draft() {
        Ok(d) => d,
        Err(fe) => return show(form, StatusCode::UNPROCESSABLE_ENTITY, None, Some(fe), None).await,
    };
    let step = match action {
        "review" => Step::Review,
        "publish" => Step::Publish,
        "unpublish" => Step::Unpublish,
        "schedule" => match parse_local(&state, &form.publish_at) {
            Some(at) => Step::Schedule(at),
            None => {
                let m = msg(&state, lang, "admin-error-publish-at", &[]);
                return show(
                    form,
                    StatusCode::UNPROCESSABLE_ENTITY,
                    None,
                    Some(("publish_at".into(), m)),
                    None,
                )
                .await;
            }
        },
        _ => Step::Save,
    };
    match state
        .app
        .save_as(&s.user, id, form.version, draft, step)
        .await
    {
        Ok(Saved::Pending { article, .. }) => see_other(&format!(
            "/admin/articles/{}?done=pending",
            article.summary.id
        )),
        Ok(Saved::Applied(a)) => {
            let done = match step {
                Step::Save => "saved",
                Step::Review => "submitted",
                Step::Publish => "published",
                Step::Schedule(_) => "scheduled",
                Step::Unpublish => "unpublished",
            };
            see_other(&format!("/admin/articles/{}?done={done}", a.summary.id))
        }
        Err(AppError::Conflict(m)) if id.is_some() && m.contains("saved by someone else") => {
            let e = msg(&state, lang, "admin-error-conflict", &[]);
            show(form, StatusCode::CONFLICT, Some(e), None, None).await
        }
        Err(AppError::Invalid(m) | AppError::Conflict(m)) => {
            let fe = split_field(&m);
            let fe = if fe.0 == "publish_at" {
                (fe.0, msg(&state, lang, "admin-error-publish-at", &[]))
            } else {
                fe
            };
            show(form, StatusCode::UNPROCESSABLE_ENTITY, None, Some(fe), None).await
        }
        Err(AppError::Forbidden(_)) => {
            let e = msg(&state, lang, "admin-error-forbidden", &[]);
            show(form, StatusCode::FORBIDDEN, Some(e), None, None).await
        }
        Err(e) => refused(&state, &s, &headers, e).await,
    }
}

/// `field: message` (as the core's validation errors read) into its parts.
fn split_field(m: &str) -> (String, String) {
    let m = m.strip_prefix("invalid input: ").unwrap_or(m);
    match m.split_once(": ") {
        Some((f, rest)) if f.bytes().all(|b| b.is_ascii_lowercase() || b == b'_') => {
            (f.to_owned(), rest.to_owned())
        }
        _ => ("headline".into(), m.to_owned()),
    }
}

fn preview_html(
    state: &WebState,
    ui: Lang,
    article_lang: &str,
    headline: &str,
    standfirst: &str,
    body_html: &str,
) -> Result<String, AppError> {
    let al: Lang = article_lang.parse().unwrap_or(ui);
    Ok(state.app.theme().admin(
        "preview",
        ui,
        &json!({
            "article_lang": al.code(),
            "article_dir": al.dir(),
            "headline": arabpress_core::article::collapse_ws(headline),
            "standfirst": arabpress_core::article::collapse_ws(standfirst),
            "body_html": body_html,
        }),
    )?)
}

async fn preview(State(state): State<WebState>, MemberForm(s, f): MemberForm) -> Response {
    let lang = s.user.ui_lang;
    let html = state
        .app
        .preview(&f.get("body").replace("\r\n", "\n"))
        .await
        .and_then(|b| {
            preview_html(
                &state,
                lang,
                f.get("lang"),
                f.get("headline"),
                f.get("standfirst"),
                &b,
            )
        });
    let mut r = match html {
        Ok(h) => (StatusCode::OK, h).into_response(),
        Err(e) => (StatusCode::UNPROCESSABLE_ENTITY, e.to_string()).into_response(),
    };
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    no_store(&mut r);
    r
}

// ---------------------------------------------------------------------------------------
// Revisions, corrections, translations

async fn revisions(
    State(state): State<WebState>,
    headers: HeaderMap,
    Member(s): Member,
    Path(id): Path<i64>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let lang = s.user.ui_lang;
    let range = q
        .get("from")
        .and_then(|f| f.parse::<i64>().ok())
        .zip(q.get("to").and_then(|t| t.parse::<i64>().ok()));
    let loaded = async {
        let a = state.app.article_for(&s.user, id).await?;
        let revs = state.app.revisions_as(&s.user, id).await?;
        let pending = state.app.pending_as(&s.user, id).await?;
        let diff = match range {
            Some((from, to)) => Some(state.app.diff_as(&s.user, id, from, to).await?),
            None => None,
        };
        Ok::<_, AppError>((a, revs, pending, diff))
    }
    .await;
    let (a, revs, pending, diff) = match loaded {
        Ok(x) => x,
        Err(e) => return refused(&state, &s, &headers, e).await,
    };
    let rows: Vec<Value> = revs
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let (at, iso) = when(&state, lang, r.at);
            json!({
                "version": r.version,
                "at": at,
                "at_iso": iso,
                "by": r.user_name,
                "headline": r.headline,
                "current": i == 0,
                "previous": revs.get(i + 1).map(|p| p.version),
            })
        })
        .collect();
    let title = msg(
        &state,
        lang,
        "admin-revisions-title",
        &[("headline", &a.summary.headline)],
    );
    let can_apply = s.user.role.can_publish(a.created_by == Some(s.user.id));
    let pending: Vec<Value> = pending
        .iter()
        .map(|p| {
            let (at, iso) = when(&state, lang, p.at);
            json!({
                "id": p.id,
                "base_version": p.base_version,
                "at": at,
                "at_iso": iso,
                "by": p.user_name,
                "headline": p.draft.headline,
                "standfirst": p.draft.standfirst,
                "body": p.draft.body_md,
            })
        })
        .collect();
    let (from, to) = range.unwrap_or_default();
    member_page(
        &state,
        &s,
        StatusCode::OK,
        "revisions",
        &title,
        json!({
            "article_id": id,
            "current_version": a.version,
            "pending": pending,
            "can_apply": can_apply,
            "revisions": rows,
            "from": from,
            "to": to,
            "diff": diff.map(|d| d.iter().map(|l| json!({
                "kind": match l.tag { '+' => "add", '-' => "del", _ => "same" },
                "text": l.text,
            })).collect::<Vec<_>>()),
        }),
    )
}

async fn restore(
    State(state): State<WebState>,
    headers: HeaderMap,
    Path(id): Path<i64>,
    MemberForm(s, f): MemberForm,
) -> Response {
    let (Ok(rev), Ok(version)) = (
        f.get("revision").parse::<i64>(),
        f.get("version").parse::<i64>(),
    ) else {
        return refused(
            &state,
            &s,
            &headers,
            AppError::BadRequest("revision: not a version number".into()),
        )
        .await;
    };
    match state.app.restore_as(&s.user, id, rev, version).await {
        Ok(Saved::Pending { .. }) => see_other(&format!("/admin/articles/{id}?done=pending")),
        Ok(Saved::Applied(_)) => {
            see_other(&format!("/admin/articles/{id}?done=restored&from={rev}"))
        }
        Err(AppError::Conflict(_)) => {
            member_notice(&state, &s, StatusCode::CONFLICT, "admin-error-conflict")
        }
        Err(e) => refused(&state, &s, &headers, e).await,
    }
}

async fn apply_pending(
    State(state): State<WebState>,
    headers: HeaderMap,
    Path((id, revision)): Path<(i64, i64)>,
    MemberForm(s, f): MemberForm,
) -> Response {
    let Ok(version) = f.get("version").parse::<i64>() else {
        return refused(
            &state,
            &s,
            &headers,
            AppError::BadRequest("version: not a version number".into()),
        )
        .await;
    };
    match state
        .app
        .apply_pending_as(&s.user, id, revision, version)
        .await
    {
        Ok(_) => see_other(&format!("/admin/articles/{id}?done=applied")),
        Err(AppError::Conflict(_)) => {
            member_notice(&state, &s, StatusCode::CONFLICT, "admin-error-conflict")
        }
        Err(e) => refused(&state, &s, &headers, e).await,
    }
}

async fn discard_pending(
    State(state): State<WebState>,
    headers: HeaderMap,
    Path((id, revision)): Path<(i64, i64)>,
    MemberForm(s, _): MemberForm,
) -> Response {
    match state.app.discard_pending_as(&s.user, id, revision).await {
        Ok(()) => see_other(&format!("/admin/articles/{id}?done=discarded")),
        Err(e) => refused(&state, &s, &headers, e).await,
    }
}

async fn correction(
    State(state): State<WebState>,
    headers: HeaderMap,
    Path(id): Path<i64>,
    MemberForm(s, f): MemberForm,
) -> Response {
    match state
        .app
        .add_correction_as(&s.user, id, f.get("note"))
        .await
    {
        Ok(_) => see_other(&format!("/admin/articles/{id}?done=corrected")),
        Err(e) => refused(&state, &s, &headers, e).await,
    }
}

async fn translation(
    State(state): State<WebState>,
    headers: HeaderMap,
    Path(id): Path<i64>,
    MemberForm(s, f): MemberForm,
) -> Response {
    let Ok(other) = f.get("other").parse::<i64>() else {
        return refused(
            &state,
            &s,
            &headers,
            AppError::BadRequest("translation: choose an article".into()),
        )
        .await;
    };
    match state.app.link_translation_as(&s.user, id, other).await {
        Ok(()) => see_other(&format!("/admin/articles/{id}?done=linked")),
        Err(e) => refused(&state, &s, &headers, e).await,
    }
}

// ---------------------------------------------------------------------------------------
// Sections and tags

async fn taxonomy(
    State(state): State<WebState>,
    headers: HeaderMap,
    Member(s): Member,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let lang = s.user.ui_lang;
    match state.app.taxonomy_as(&s.user).await {
        Ok((sections, tags)) => {
            let next = sections.iter().map(|x| x.position).max().unwrap_or(0) + 1;
            let title = msg(&state, lang, "admin-taxonomy", &[]);
            member_page(
                &state,
                &s,
                StatusCode::OK,
                "taxonomy",
                &title,
                json!({
                    "sections": sections.iter().map(|x| json!({ "id": x.id, "slug": x.slug, "name_ar": x.name_ar, "name_en": x.name_en, "position": x.position })).collect::<Vec<_>>(),
                    "tags": tags.iter().map(|(t, n)| json!({ "id": t.id, "slug": t.slug, "name": t.name, "lang": t.lang.code(), "count": n })).collect::<Vec<_>>(),
                    "next_position": next,
                    "notice": done_notice(&state, lang, q.get("done")),
                }),
            )
        }
        Err(e) => refused(&state, &s, &headers, e).await,
    }
}

async fn save_section(
    state: WebState,
    headers: HeaderMap,
    s: Session,
    id: Option<i64>,
    f: Fields,
) -> Response {
    let position = f.get("position").trim().parse::<i64>().unwrap_or(0);
    match state
        .app
        .save_section_as(
            &s.user,
            id,
            f.get("slug").trim(),
            f.get("name_ar"),
            f.get("name_en"),
            position,
        )
        .await
    {
        Ok(()) => see_other("/admin/taxonomy?done=taxonomy"),
        Err(e) => refused(&state, &s, &headers, e).await,
    }
}

async fn create_section(
    State(state): State<WebState>,
    headers: HeaderMap,
    MemberForm(s, f): MemberForm,
) -> Response {
    save_section(state, headers, s, None, f).await
}

async fn update_section(
    State(state): State<WebState>,
    headers: HeaderMap,
    Path(id): Path<i64>,
    MemberForm(s, f): MemberForm,
) -> Response {
    save_section(state, headers, s, Some(id), f).await
}

async fn rename_tag(
    State(state): State<WebState>,
    headers: HeaderMap,
    Path(id): Path<i64>,
    MemberForm(s, f): MemberForm,
) -> Response {
    match state.app.rename_tag_as(&s.user, id, f.get("name")).await {
        Ok(()) => see_other("/admin/taxonomy?done=taxonomy"),
        Err(e) => refused(&state, &s, &headers, e).await,
    }
}

// ---------------------------------------------------------------------------------------
// Webhooks

async fn webhooks_page(
    state: &WebState,
    headers: &HeaderMap,
    s: &Session,
    created: Option<Value>,
    notice: Option<String>,
) -> Response {
    let lang = s.user.ui_lang;
    match state.app.webhooks_as(&s.user).await {
        Ok(hooks) => {
            let rows: Vec<Value> = hooks
                .iter()
                .map(|(w, log)| {
                    json!({
                        "id": w.id,
                        "url": w.url,
                        "events": w.events,
                        "deliveries": log.iter().map(|d| {
                            let (at, iso) = when(state, lang, d.created_at);
                            json!({
                                "id": d.id,
                                "event": d.event,
                                "status": d.status,
                                "attempts": d.attempts,
                                "answer": d.response_status.map(|c| c.to_string()).or_else(|| d.last_error.clone()).unwrap_or_default(),
                                "at": at,
                                "at_iso": iso,
                                "next": arabpress_app::next_attempt(d).map(|t| when(state, lang, t).0),
                            })
                        }).collect::<Vec<_>>(),
                    })
                })
                .collect();
            let title = msg(state, lang, "admin-webhooks", &[]);
            member_page(
                state,
                s,
                StatusCode::OK,
                "webhooks",
                &title,
                json!({
                    "webhooks": rows,
                    "events": arabpress_app::WEBHOOK_EVENTS,
                    "created": created,
                    "notice": notice,
                }),
            )
        }
        Err(e) => refused(state, s, headers, e).await,
    }
}

async fn webhooks(
    State(state): State<WebState>,
    headers: HeaderMap,
    Member(s): Member,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let notice = done_notice(&state, s.user.ui_lang, q.get("done"));
    webhooks_page(&state, &headers, &s, None, notice).await
}

async fn add_webhook(
    State(state): State<WebState>,
    headers: HeaderMap,
    MemberForm(s, f): MemberForm,
) -> Response {
    match state
        .app
        .create_webhook_as(&s.user, f.get("url"), &f.all("event"))
        .await
    {
        Ok(w) => {
            webhooks_page(
                &state,
                &headers,
                &s,
                Some(json!({ "secret": w.secret })),
                None,
            )
            .await
        }
        Err(e) => refused(&state, &s, &headers, e).await,
    }
}

async fn delete_webhook(
    State(state): State<WebState>,
    headers: HeaderMap,
    Path(id): Path<i64>,
    MemberForm(s, _): MemberForm,
) -> Response {
    match state.app.delete_webhook_as(&s.user, id).await {
        Ok(()) => see_other("/admin/webhooks?done=webhook-deleted"),
        Err(e) => refused(&state, &s, &headers, e).await,
    }
}

// ---------------------------------------------------------------------------------------
// People and the member's own account

async fn users_page(
    state: &WebState,
    headers: &HeaderMap,
    s: &Session,
    extra: Value,
    q: &HashMap<String, String>,
) -> Response {
    let lang = s.user.ui_lang;
    match state.app.users_as(&s.user).await {
        Ok(users) => {
            let rows: Vec<Value> = users
                .iter()
                .map(|u| {
                    let editable = u.id != s.user.id && (u.role != Role::Owner || s.user.role == Role::Owner);
                    json!({ "id": u.id, "name": u.name, "email": u.email, "role": u.role.as_str(), "active": u.active, "editable": editable })
                })
                .collect();
            let roles: Vec<&str> = Role::ALL
                .iter()
                .filter(|r| **r != Role::Owner || s.user.role == Role::Owner)
                .map(|r| r.as_str())
                .collect();
            let mut data = json!({ "users": rows, "roles": roles, "notice": done_notice(state, lang, q.get("done")) });
            if let (Value::Object(m), Value::Object(e)) = (&mut data, extra) {
                m.extend(e);
            }
            let title = msg(state, lang, "admin-users", &[]);
            member_page(state, s, StatusCode::OK, "users", &title, data)
        }
        Err(e) => refused(state, s, headers, e).await,
    }
}

async fn users(
    State(state): State<WebState>,
    headers: HeaderMap,
    Member(s): Member,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    users_page(&state, &headers, &s, json!({}), &q).await
}

fn base_url(state: &WebState, headers: &HeaderMap) -> String {
    let configured = state.app.theme().site().base_url.clone();
    if !configured.is_empty() {
        return configured;
    }
    headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .map(|h| format!("http://{h}"))
        .unwrap_or_default()
}

async fn invite(
    State(state): State<WebState>,
    headers: HeaderMap,
    MemberForm(s, f): MemberForm,
) -> Response {
    let role = match f.get("role").parse::<Role>() {
        Ok(r) => r,
        Err(e) => return refused(&state, &s, &headers, AppError::Invalid(e.to_string())).await,
    };
    match state.app.invite_as(&s.user, f.get("email"), role).await {
        Ok(token) => {
            let link = format!("{}/admin/invite/{token}", base_url(&state, &headers));
            users_page(
                &state,
                &headers,
                &s,
                json!({
                    "invite_link": link,
                    "invite_email": f.get("email").trim().to_lowercase(),
                    "invite_days": arabpress_app::INVITE_DAYS.to_string(),
                }),
                &HashMap::new(),
            )
            .await
        }
        Err(e) => refused(&state, &s, &headers, e).await,
    }
}

async fn set_role(
    State(state): State<WebState>,
    headers: HeaderMap,
    Path(id): Path<i64>,
    MemberForm(s, f): MemberForm,
) -> Response {
    let role = match f.get("role").parse::<Role>() {
        Ok(r) => r,
        Err(e) => return refused(&state, &s, &headers, AppError::Invalid(e.to_string())).await,
    };
    match state.app.set_role_as(&s.user, id, role).await {
        Ok(()) => see_other("/admin/users?done=role"),
        Err(e) => refused(&state, &s, &headers, e).await,
    }
}

async fn set_active(
    State(state): State<WebState>,
    headers: HeaderMap,
    Path(id): Path<i64>,
    MemberForm(s, f): MemberForm,
) -> Response {
    let active = f.get("active") == "1";
    match state.app.set_active_as(&s.user, id, active).await {
        Ok(()) => see_other(if active {
            "/admin/users?done=reactivated"
        } else {
            "/admin/users?done=deactivated"
        }),
        Err(e) => refused(&state, &s, &headers, e).await,
    }
}

async fn account(
    State(state): State<WebState>,
    headers: HeaderMap,
    Member(s): Member,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let lang = s.user.ui_lang;
    let title = msg(&state, lang, "admin-account", &[]);
    // Admins see every member's tokens, to revoke a lost one.
    let all = s.user.role.can_manage_users();
    let tokens = match state.app.tokens_as(&s.user, all).await {
        Ok(t) => t,
        Err(e) => return failure(&state, &headers, lang, e).await,
    };
    let now = state.app.now();
    let tokens: Vec<Value> = tokens
        .iter()
        .map(|t| {
            let (created, created_iso) = when(&state, lang, t.created_at);
            let expires = t.expires_at.map(|e| when(&state, lang, e));
            let state_key = if t.revoked_at.is_some() {
                "admin-token-revoked-state"
            } else if t.expires_at.is_some_and(|e| e <= now) {
                "admin-token-expired"
            } else {
                "admin-token-live"
            };
            json!({
                "id": t.id,
                "name": t.name,
                "email": t.email,
                "created": created,
                "created_iso": created_iso,
                "expires": expires.as_ref().map(|e| e.0.clone()),
                "expires_iso": expires.map(|e| e.1),
                "state": msg(&state, lang, state_key, &[]),
                "live": state_key == "admin-token-live",
            })
        })
        .collect();
    member_page(
        &state,
        &s,
        StatusCode::OK,
        "account",
        &title,
        json!({
            "notice": done_notice(&state, lang, q.get("done")),
            "tokens": tokens,
            "all_tokens": all,
        }),
    )
}

async fn revoke_token(
    State(state): State<WebState>,
    headers: HeaderMap,
    Path(id): Path<i64>,
    MemberForm(s, _): MemberForm,
) -> Response {
    match state.app.revoke_token_as(&s.user, id).await {
        Ok(()) => see_other("/admin/account?done=token-revoked"),
        Err(e) => refused(&state, &s, &headers, e).await,
    }
}

async fn change_password(
    State(state): State<WebState>,
    headers: HeaderMap,
    MemberForm(s, f): MemberForm,
) -> Response {
    match state
        .app
        .change_password(&s.user, f.get("current"), f.get("new"))
        .await
    {
        Ok(fresh) => signed_in(&state, &fresh, "/admin/account?done=password"),
        Err(e) => refused(&state, &s, &headers, e).await,
    }
}

async fn set_language(
    State(state): State<WebState>,
    headers: HeaderMap,
    MemberForm(s, f): MemberForm,
) -> Response {
    let lang: Lang = f.get("lang").parse().unwrap_or(s.user.ui_lang);
    if let Err(e) = state.app.set_ui_lang(&s.user, lang).await {
        return failure(&state, &headers, s.user.ui_lang, e).await;
    }
    let back = headers
        .get(header::REFERER)
        .and_then(|r| r.to_str().ok())
        .and_then(|r| r.find("/admin").map(|i| r[i..].to_owned()))
        .filter(|p| !p.contains("//"))
        .unwrap_or_else(|| "/admin".into());
    see_other(&back)
}

// ---------------------------------------------------------------------------------------
// Uploaded images

async fn media(
    State(state): State<WebState>,
    headers: HeaderMap,
    Path((sha, file)): Path<(String, String)>,
) -> Response {
    match state.app.media_file(&sha, &file).await {
        Ok(Some(m)) => {
            let etag = format!("\"{sha}-{file}\"");
            let len = m.body.len() as u64;
            // A range is honoured unless If-Range names another version.
            let if_range_ok = headers
                .get(header::IF_RANGE)
                .is_none_or(|v| v.as_bytes() == etag.as_bytes());
            let range = if if_range_ok {
                byte_range(headers.get(header::RANGE), len)
            } else {
                Ok(None)
            };
            let (status, body, content_range) = match range {
                Ok(None) => (StatusCode::OK, m.body, None),
                Ok(Some((from, to))) => (
                    StatusCode::PARTIAL_CONTENT,
                    m.body.slice(from as usize..=to as usize),
                    Some(format!("bytes {from}-{to}/{len}")),
                ),
                Err(()) => (
                    StatusCode::RANGE_NOT_SATISFIABLE,
                    m.body.slice(0..0),
                    Some(format!("bytes */{len}")),
                ),
            };
            let mut r = Response::new(Body::from(body));
            *r.status_mut() = status;
            let h = r.headers_mut();
            h.insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static(m.content_type),
            );
            h.insert(header::ACCEPT_RANGES, HeaderValue::from_static("bytes"));
            if let Some(cr) = content_range.and_then(|v: String| HeaderValue::from_str(&v).ok()) {
                h.insert(header::CONTENT_RANGE, cr);
            }
            // The address names the content's hash: it never changes.
            h.insert(
                header::CACHE_CONTROL,
                HeaderValue::from_static("public, max-age=31536000, immutable"),
            );
            h.insert(
                header::ETAG,
                HeaderValue::from_str(&etag).unwrap_or_else(|_| HeaderValue::from_static("\"m\"")),
            );
            r
        }
        Ok(None) => {
            crate::site::fail(&state, &headers, state.default_lang, AppError::NotFound).await
        }
        Err(e) => failure(&state, &headers, state.default_lang, e).await,
    }
}

/// The one byte range a `Range` header asks of a body of `len` bytes
/// ([`arabpress_core::http::byte_range`]): `Ok(None)` serves the whole body, `Err(())` is a
/// range wholly past the end (416).
fn byte_range(header: Option<&HeaderValue>, len: u64) -> Result<Option<(u64, u64)>, ()> {
    arabpress_core::http::byte_range(header.and_then(|h| h.to_str().ok()), len).map_err(|_| ())
}

#[cfg(test)]
mod range_tests {
    use super::byte_range;
    use axum::http::HeaderValue;

    fn r(h: &str, len: u64) -> Result<Option<(u64, u64)>, ()> {
        byte_range(
            Some(&HeaderValue::from_str(h).unwrap_or_else(|e| panic!("{e}"))),
            len,
        )
    }

    #[test]
    fn ranges_are_read_as_rfc_9110_says() {
        assert_eq!(byte_range(None, 100), Ok(None));
        assert_eq!(r("bytes=0-0", 100), Ok(Some((0, 0))));
        assert_eq!(r("bytes=10-19", 100), Ok(Some((10, 19))));
        assert_eq!(r("bytes=90-", 100), Ok(Some((90, 99))));
        assert_eq!(r("bytes=90-500", 100), Ok(Some((90, 99))));
        assert_eq!(r("bytes=-10", 100), Ok(Some((90, 99))));
        assert_eq!(r("bytes=-500", 100), Ok(Some((0, 99))));
        assert_eq!(r("bytes=100-", 100), Err(()));
        assert_eq!(r("bytes=-0", 100), Err(()));
        // Ignored: the whole body is served.
        assert_eq!(r("bytes=0-1,5-6", 100), Ok(None));
        assert_eq!(r("items=0-1", 100), Ok(None));
        assert_eq!(r("bytes=5-2", 100), Ok(None));
        assert_eq!(r("bytes=x-", 100), Ok(None));
    }
}
