//! The newsroom at `/admin`: sign-in (with the first-run setup and invitations), the
//! dashboard, the article list, the editor (live preview, image upload, workflow buttons),
//! revisions, people and the user's own account, the audit log; and `/media/…`, the
//! uploaded images.
//!
//! Handlers extract, call `app` (which enforces every role rule) and render. Sessions are a
//! cookie naming a row in the store; every state-changing form carries the session's CSRF
//! token (before sign-in, a double-submit cookie does the same job). Pages are `no-store`
//! and `noindex`; the cookie is HttpOnly, SameSite=Lax, limited to `/admin`, and Secure
//! when the configured `base_url` is https.
//!
//! This module is the newsroom's root: its routes, the [`Member`] extractor and CSRF, and
//! how every page renders and how errors are shown. Each page family is a child module
//! with its own routes and view models.

mod articles;
mod audit;
mod dashboard;
mod editor;
mod jobs;
mod lookup;
mod media;
mod newsletter;
mod people;
mod revisions;
mod settings;
mod sign_in;
mod taxonomy;
mod webhooks;
mod wire;

use crate::WebState;
use crate::request::{Fields, parse_form};
use arabpress_app::{AppError, MIN_PASSWORD_CHARS, Session, same_secret};
use arabpress_core::{Lang, User, ValidationError};
use axum::Router;
use axum::extract::{FromRequestParts, Multipart};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use cookie::{Cookie, SameSite};
use serde_json::{Value, json};

const SESSION_COOKIE: &str = "ap_session";
const FORM_COOKIE: &str = "ap_form";

/// Every newsroom page family, merged.
pub(crate) fn routes() -> Router<WebState> {
    Router::new()
        .route("/admin/", get(|| async { Redirect::to("/admin") }))
        .merge(sign_in::routes())
        .merge(dashboard::routes())
        .merge(articles::routes())
        .merge(editor::routes())
        .merge(revisions::routes())
        .merge(taxonomy::routes())
        .merge(webhooks::routes())
        .merge(people::routes())
        .merge(media::routes())
        .merge(newsletter::routes())
        .merge(wire::routes())
        .merge(settings::routes())
        .merge(audit::routes())
        .merge(jobs::routes())
        .merge(lookup::routes())
}

// ---------------------------------------------------------------------------------------
// Sessions, cookies, CSRF

/// The value of the request's cookie `name`, from any of its `Cookie` headers.
fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(Cookie::split_parse)
        .flatten()
        .find(|c| c.name() == name)
        .map(|c| c.value().to_owned())
}

/// A cookie of the newsroom: `Secure` when the configured `base_url` is https (never
/// decided from the request's `Host`, which a proxy may set to anything).
fn set_cookie(state: &WebState, name: &str, value: &str, max_age: i64) -> HeaderValue {
    let c = Cookie::build((name, value))
        .path("/admin")
        .http_only(true)
        .same_site(SameSite::Lax)
        .max_age(cookie::time::Duration::seconds(max_age))
        .secure(crate::served_over_https(&state.app))
        .build();
    HeaderValue::from_str(&c.to_string())
        .unwrap_or_else(|_| HeaderValue::from_static("ap_invalid=1"))
}

/// A signed-in newsroom member. Rejects with a redirect to sign-in (or to the first-run
/// setup when the site has no account yet).
pub(crate) struct Member(Session);

impl FromRequestParts<WebState> for Member {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &WebState) -> Result<Self, Response> {
        // No member yet: an error is answered in the site's language.
        let lang = state.app.default_lang();
        if let Some(token) = cookie(&parts.headers, SESSION_COOKIE) {
            let session = state.app.session(&token).await;
            if let Some(s) = session
                .or_refuse_guest(state, lang)
                .map_err(|r| r.into_response())?
            {
                return Ok(Member(s));
            }
        }
        let first_run = state.app.needs_setup().await;
        if first_run
            .or_refuse_guest(state, lang)
            .map_err(|r| r.into_response())?
        {
            Err(see_other("/admin/setup"))
        } else {
            Err(see_other("/admin/login"))
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

/// Refuses a form whose CSRF token is not the session's.
pub(crate) fn csrf_ok(s: &Session, fields: &Fields) -> bool {
    same_secret(&s.csrf, fields.get("csrf"))
}

// ---------------------------------------------------------------------------------------
// Rendering

pub(crate) fn msg(state: &WebState, lang: Lang, key: &str, args: &[(&str, &str)]) -> String {
    state.app.theme().messages().text(lang, key, args)
}

/// What a validation error says, in the member's language.
pub(crate) fn explain(state: &WebState, lang: Lang, v: &ValidationError) -> String {
    state.app.theme().messages().validation(lang, v)
}

/// What a refused input or a conflict says, in the member's language.
pub(crate) fn problem(state: &WebState, lang: Lang, e: &AppError) -> String {
    match e {
        AppError::Invalid(v) => explain(state, lang, v),
        AppError::Conflict(c) => explain(state, lang, &c.explained()),
        AppError::BadRequest(m) => m.to_string(),
        other => other.to_string(),
    }
}

/// A validation error as the form shows it: the field to mark (the headline when the error
/// names none) and the message beside it.
pub(crate) fn field_error(state: &WebState, lang: Lang, v: &ValidationError) -> (String, String) {
    let field = if v.field.is_empty() {
        "headline"
    } else {
        v.field
    };
    (field.to_owned(), explain(state, lang, v))
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

/// The newsroom's page for an error an action did not expect, in the member's language:
/// 503 when rendering ran out of time, 507 when the disk is full, 429 when rate limited, 500
/// otherwise. The cause is logged, never shown.
fn failure(state: &WebState, lang: Lang, e: AppError) -> Response {
    let status = match &e {
        AppError::Timeout => StatusCode::SERVICE_UNAVAILABLE,
        AppError::RateLimited(_) => StatusCode::TOO_MANY_REQUESTS,
        AppError::Gone => StatusCode::GONE,
        e if e.is_disk_full() => StatusCode::INSUFFICIENT_STORAGE,
        _ => StatusCode::INTERNAL_SERVER_ERROR,
    };
    if status.is_server_error() {
        tracing::error!(error = %e, "newsroom action failed");
    }
    let title = msg(state, lang, "error-title", &[]);
    let text = msg(state, lang, "admin-error-failed", &[]);
    render(
        state,
        lang,
        status,
        "notice",
        &title,
        json!({ "text": text }),
    )
}

/// An action's error as the member sees it: a notice in their language saying why it was
/// refused (403, 404, 422 with the validation message, 401), or [`failure`]'s page.
fn refused(state: &WebState, s: &Session, e: AppError) -> Response {
    match e {
        AppError::Forbidden(_) => {
            member_notice(state, s, StatusCode::FORBIDDEN, "admin-error-forbidden")
        }
        AppError::NotFound => {
            member_notice(state, s, StatusCode::NOT_FOUND, "admin-error-not-found")
        }
        AppError::Invalid(_) | AppError::BadRequest(_) | AppError::Conflict(_) => {
            let lang = s.user.ui_lang;
            let m = problem(state, lang, &e);
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
        other => failure(state, s.user.ui_lang, other),
    }
}

/// Whom a [`Refusal`] answers.
enum Audience {
    /// A signed-in member: [`refused`]'s notice, in their language and with their menu.
    Member(Session),
    /// Someone not signed in yet (the setup, sign-in and invitation pages): [`failure`]'s
    /// page in the language the request asked for.
    Guest(Lang),
}

/// A newsroom handler's error, answered with [`refused`]'s page for a member or
/// [`failure`]'s for a guest, so that handlers return [`Answer`] and use `?` on the
/// application's results: every error a newsroom page meets is rendered here.
pub(crate) struct Refusal(Box<(WebState, Audience, AppError)>);

impl Refusal {
    /// `error`, answered to the member of `s`.
    pub(crate) fn member(state: &WebState, s: &Session, error: AppError) -> Self {
        Refusal(Box::new((
            state.clone(),
            Audience::Member(s.clone()),
            error,
        )))
    }

    /// `error`, answered to someone not signed in, in `lang`.
    pub(crate) fn guest(state: &WebState, lang: Lang, error: AppError) -> Self {
        Refusal(Box::new((state.clone(), Audience::Guest(lang), error)))
    }
}

impl IntoResponse for Refusal {
    fn into_response(self) -> Response {
        let (state, audience, error) = *self.0;
        match audience {
            Audience::Member(s) => refused(&state, &s, error),
            Audience::Guest(lang) => failure(&state, lang, error),
        }
    }
}

/// What a newsroom handler answers: its page, or the notice of why not.
pub(crate) type Answer = Result<Response, Refusal>;

/// Turns an application result into one a handler can `?`.
pub(crate) trait OrRefuse<T> {
    /// The value, or a [`Refusal`] for the member of `s`.
    fn or_refuse(self, state: &WebState, s: &Session) -> Result<T, Refusal>;
    /// The value, or a [`Refusal`] for a guest reading `lang`.
    fn or_refuse_guest(self, state: &WebState, lang: Lang) -> Result<T, Refusal>;
}

impl<T> OrRefuse<T> for Result<T, AppError> {
    fn or_refuse(self, state: &WebState, s: &Session) -> Result<T, Refusal> {
        self.map_err(|error| Refusal::member(state, s, error))
    }

    fn or_refuse_guest(self, state: &WebState, lang: Lang) -> Result<T, Refusal> {
        self.map_err(|error| Refusal::guest(state, lang, error))
    }
}

/// How a form's action ends: on success, a redirect to `to` (the page, with the `?done=`
/// that names its notice); otherwise the notice saying why it was refused.
pub(crate) fn done<T>(
    state: &WebState,
    s: &Session,
    outcome: Result<T, AppError>,
    to: &str,
) -> Answer {
    outcome.or_refuse(state, s)?;
    Ok(see_other(to))
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
        "unscheduled" => "admin-unscheduled-done",
        "speak-again" => "admin-speak-again-done",
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
        "ribbon-shown" => "admin-ribbon-shown",
        "ribbon-removed" => "admin-ribbon-removed",
        "job-asked" => "admin-jobs-asked",
        "jobs-retried" => "admin-jobs-retried",
        _ => return None,
    };
    Some(msg(state, lang, key, &[]))
}

pub(crate) fn when(state: &WebState, lang: Lang, t: jiff::Timestamp) -> (String, String) {
    let d = state.app.theme().dates();
    (d.date_time(lang, t), d.iso(t))
}

/// Why a multipart form could not be read whole.
#[derive(Debug)]
pub(crate) enum FormProblem {
    /// The file in `field` is larger than the limit.
    TooLarge {
        /// The form's file field.
        field: String,
        /// The limit, in MiB.
        max_mib: usize,
    },
    /// The upload stopped before its end (the reason, in English).
    CutOff(String),
    /// The text field `field` is not UTF-8.
    NotUtf8 {
        /// The field's name.
        field: String,
    },
    /// The form could not be read to its end (the reason, in English).
    Unreadable(String),
}

impl FormProblem {
    /// The problem as a form shows it, in the member's language through its message id.
    pub(crate) fn explained(&self) -> ValidationError {
        match self {
            FormProblem::TooLarge { field, max_mib } => ValidationError::new(
                "file",
                "invalid-upload-large",
                format!("{field}: the file is larger than {max_mib} MiB"),
            )
            .with("max", max_mib),
            FormProblem::CutOff(e) => ValidationError::new(
                "file",
                "invalid-upload-cut-off",
                format!("the upload was cut off ({e})"),
            ),
            FormProblem::NotUtf8 { field } => ValidationError::new(
                "form",
                "invalid-form-utf8",
                format!("{field}: the text is not valid UTF-8"),
            )
            .with("field", field),
            FormProblem::Unreadable(e) => ValidationError::new(
                "form",
                "invalid-form-unreadable",
                format!("the form could not be read ({e})"),
            ),
        }
    }
}

/// Reads a multipart form: text fields, and the file in `file_field` (at most `limit`
/// bytes; a larger one is a [`FormProblem::TooLarge`]). Problems are said in the member's
/// language like any validation error.
pub(crate) async fn read_multipart(
    mut mp: Multipart,
    file_field: &str,
    limit: usize,
) -> (Fields, Result<Option<Vec<u8>>, FormProblem>) {
    let mut fields = Vec::new();
    let mut file: Result<Option<Vec<u8>>, FormProblem> = Ok(None);
    loop {
        let mut field = match mp.next_field().await {
            Ok(Some(f)) => f,
            Ok(None) => break,
            Err(e) => {
                file = Err(FormProblem::Unreadable(e.to_string()));
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
                        file = Err(FormProblem::CutOff(e.to_string()));
                        break;
                    }
                }
            }
            if too_big {
                file = Err(FormProblem::TooLarge {
                    field: file_field.to_owned(),
                    max_mib: limit >> 20,
                });
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
                        file = Err(FormProblem::NotUtf8 {
                            field: name.clone(),
                        });
                        fields.push((name, String::from_utf8_lossy(e.as_bytes()).into_owned()));
                    }
                },
                Err(e) => {
                    file = Err(FormProblem::Unreadable(e.to_string()));
                    break;
                }
            }
        }
    }
    (Fields::from_pairs(fields), file)
}
