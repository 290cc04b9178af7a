//! Before sign-in: the first-run setup that creates the owner, the sign-in form (limited
//! per account and per client address), signing out (here or everywhere), and accepting an
//! invitation. These forms carry a double-submit token in a cookie, as there is no session
//! yet.

use super::{
    Answer, FORM_COOKIE, MemberForm, OrRefuse, SESSION_COOKIE, cookie, csrf_refused, done_notice,
    msg, problem, render, see_other, set_cookie, with,
};
use crate::WebState;
use crate::request::{Fields, client_ip, parse_form, preferred};
use arabpress_app::{AppError, Forbidden, Session, same_secret};
use arabpress_core::{Lang, Role};
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde_json::{Value, json};
use std::collections::HashMap;

pub(super) fn routes() -> Router<WebState> {
    Router::new()
        .route("/admin/setup", get(setup_page).post(setup))
        .route("/admin/login", get(login_page).post(login))
        .route("/admin/logout", post(logout))
        .route("/admin/logout-everywhere", post(logout_everywhere))
        .route(
            "/admin/invite/{token}",
            get(invite_page).post(accept_invite),
        )
}

/// The language of a page shown before sign-in: `?lang=`, else the browser's preference.
fn guest_lang(state: &WebState, headers: &HeaderMap, q: &HashMap<String, String>) -> Lang {
    q.get("lang")
        .and_then(|l| l.parse().ok())
        .unwrap_or_else(|| preferred(state, headers))
}

// ---------------------------------------------------------------------------------------
// Before sign-in: setup, login, invitations

/// The double-submit token of a form shown before sign-in, and the cookie that carries it.
fn guest_token(
    state: &WebState,
    headers: &HeaderMap,
) -> Result<(String, Option<HeaderValue>), AppError> {
    match cookie(headers, FORM_COOKIE) {
        Some(t) if t.len() == 32 && t.bytes().all(|b| b.is_ascii_hexdigit()) => Ok((t, None)),
        _ => {
            let t = arabpress_app::random_hex(16)?;
            let c = set_cookie(state, FORM_COOKIE, &t, 3600);
            Ok((t, Some(c)))
        }
    }
}

fn guest_csrf_ok(headers: &HeaderMap, fields: &Fields) -> bool {
    cookie(headers, FORM_COOKIE).is_some_and(|c| same_secret(&c, fields.get("csrf")))
}

/// A form sent before sign-in, read: the language it asks for (else the site's) and its
/// fields, once its double-submit token checks out; else `Err` with the language of the
/// page refusing it.
fn guest_form(state: &WebState, headers: &HeaderMap, body: &[u8]) -> Result<(Lang, Fields), Lang> {
    let f = parse_form(body);
    let lang = f.get("lang").parse().unwrap_or(state.app.default_lang());
    if !guest_csrf_ok(headers, &f) {
        return Err(lang);
    }
    Ok((lang, f))
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
pub(super) fn signed_in(state: &WebState, s: &Session, to: &str) -> Response {
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
) -> Answer {
    let lang = guest_lang(&state, &headers, &q);
    if !state
        .app
        .needs_setup()
        .await
        .or_refuse_guest(&state, lang)?
    {
        return Ok(see_other("/admin/login"));
    }
    Ok(guest_page(
        &state,
        &headers,
        lang,
        StatusCode::OK,
        "setup",
        "admin-setup-title",
        None,
        json!({}),
    ))
}

async fn setup(
    State(state): State<WebState>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Answer {
    let (lang, f) = match guest_form(&state, &headers, &body) {
        Ok(form) => form,
        Err(lang) => return Ok(csrf_refused(&state, lang)),
    };
    let keep = json!({ "name": f.get("name"), "email": f.get("email") });
    let owner = state
        .app
        .setup_owner(f.get("email"), f.get("name"), f.get("password"), lang)
        .await;
    match &owner {
        Err(AppError::Forbidden(Forbidden::SetupDone)) => return Ok(see_other("/admin/login")),
        Err(e @ (AppError::Invalid(_) | AppError::Conflict(_))) => {
            return Ok(guest_page(
                &state,
                &headers,
                lang,
                StatusCode::UNPROCESSABLE_ENTITY,
                "setup",
                "admin-setup-title",
                Some(problem(&state, lang, e)),
                keep,
            ));
        }
        _ => {}
    }
    let s = owner.or_refuse_guest(&state, lang)?;
    Ok(signed_in(&state, &s, "/admin"))
}

async fn login_page(
    State(state): State<WebState>,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
) -> Answer {
    let lang = guest_lang(&state, &headers, &q);
    if state
        .app
        .needs_setup()
        .await
        .or_refuse_guest(&state, lang)?
    {
        return Ok(see_other("/admin/setup"));
    }
    let notice = done_notice(&state, lang, q.get("done"));
    Ok(guest_page(
        &state,
        &headers,
        lang,
        StatusCode::OK,
        "login",
        "admin-login-title",
        None,
        json!({ "notice": notice }),
    ))
}
async fn login(State(state): State<WebState>, req: axum::extract::Request) -> Answer {
    let (parts, body) = req.into_parts();
    let ip = client_ip(&state, &parts.extensions, &parts.headers);
    let headers = parts.headers;
    let Ok(body) = axum::body::to_bytes(body, 64 << 10).await else {
        return Ok((StatusCode::PAYLOAD_TOO_LARGE, "form too large").into_response());
    };
    let (lang, f) = match guest_form(&state, &headers, &body) {
        Ok(form) => form,
        Err(lang) => return Ok(csrf_refused(&state, lang)),
    };
    let keep = json!({ "email": f.get("email") });
    let session = state.app.login(f.get("email"), f.get("password"), ip).await;
    // Wrong credentials and the limit are said beside the form, which keeps the address.
    let (status, e, retry_after) = match &session {
        Err(AppError::Unauthorized(_)) => (
            StatusCode::UNAUTHORIZED,
            msg(&state, lang, "admin-error-login", &[]),
            None,
        ),
        Err(AppError::RateLimited(limit)) => {
            let minutes = arabpress_app::LOGIN_WINDOW_MINUTES.to_string();
            let e = msg(
                &state,
                lang,
                "admin-error-limited",
                &[("minutes", &minutes)],
            );
            (StatusCode::TOO_MANY_REQUESTS, e, Some(limit.retry_after()))
        }
        _ => {
            let s = session.or_refuse_guest(&state, lang)?;
            return Ok(signed_in(&state, &s, "/admin"));
        }
    };
    let mut r = guest_page(
        &state,
        &headers,
        lang,
        status,
        "login",
        "admin-login-title",
        Some(e),
        keep,
    );
    if let Some(seconds) = retry_after {
        r.headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from(seconds));
    }
    Ok(r)
}

/// Once the sign-out (`outcome`) is done, back to the sign-in page with the session
/// cookie removed; else the error page.
fn signed_out<T>(state: &WebState, s: &Session, outcome: Result<T, AppError>) -> Answer {
    let lang = s.user.ui_lang;
    outcome.or_refuse(state, s)?;
    let mut r = see_other(&format!("/admin/login?lang={lang}&done=signed-out"));
    r.headers_mut()
        .append(header::SET_COOKIE, set_cookie(state, SESSION_COOKIE, "", 0));
    Ok(r)
}

async fn logout(State(state): State<WebState>, MemberForm(s, _): MemberForm) -> Answer {
    let outcome = state.app.logout(&s.token).await;
    signed_out(&state, &s, outcome)
}

async fn logout_everywhere(State(state): State<WebState>, MemberForm(s, _): MemberForm) -> Answer {
    let outcome = state.app.logout_everywhere(&s.user).await;
    signed_out(&state, &s, outcome)
}

/// The page for an invitation that is used, expired or unknown.
fn invite_gone(state: &WebState, headers: &HeaderMap, lang: Lang) -> Response {
    let e = msg(state, lang, "admin-error-invite", &[]);
    guest_page(
        state,
        headers,
        lang,
        StatusCode::GONE,
        "notice",
        "admin-invite-title",
        Some(e),
        json!({ "text": "" }),
    )
}

async fn invite_page(
    State(state): State<WebState>,
    headers: HeaderMap,
    Path(token): Path<String>,
    Query(q): Query<HashMap<String, String>>,
) -> Answer {
    let lang = guest_lang(&state, &headers, &q);
    let Some((email, role)) = state
        .app
        .invite(&token)
        .await
        .or_refuse_guest(&state, lang)?
    else {
        return Ok(invite_gone(&state, &headers, lang));
    };
    Ok(guest_page(
        &state,
        &headers,
        lang,
        StatusCode::OK,
        "invite",
        "admin-invite-title",
        None,
        json!({ "email": email, "role": role.as_str(), "token": token }),
    ))
}

async fn accept_invite(
    State(state): State<WebState>,
    headers: HeaderMap,
    Path(token): Path<String>,
    body: axum::body::Bytes,
) -> Answer {
    let (lang, f) = match guest_form(&state, &headers, &body) {
        Ok(form) => form,
        Err(lang) => return Ok(csrf_refused(&state, lang)),
    };
    let accepted = state
        .app
        .accept_invite(&token, f.get("name"), f.get("password"), lang)
        .await;
    match &accepted {
        Err(AppError::Gone | AppError::NotFound) => return Ok(invite_gone(&state, &headers, lang)),
        Err(e @ (AppError::Invalid(_) | AppError::Conflict(_))) => {
            let m = problem(&state, lang, e);
            let (email, role) = match state.app.invite(&token).await {
                Ok(Some((e, r))) => (e, r.as_str()),
                _ => (String::new(), Role::Contributor.as_str()),
            };
            return Ok(guest_page(
                &state,
                &headers,
                lang,
                StatusCode::UNPROCESSABLE_ENTITY,
                "invite",
                "admin-invite-title",
                Some(m),
                json!({ "email": email, "role": role, "token": token, "name": f.get("name") }),
            ));
        }
        _ => {}
    }
    let s = accepted.or_refuse_guest(&state, lang)?;
    Ok(signed_in(&state, &s, "/admin"))
}
