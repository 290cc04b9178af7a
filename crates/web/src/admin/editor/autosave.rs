//! Drafts the editor's script saves by itself, every 30 seconds and when a field loses
//! focus: saved as a revision, never over another member's newer save, answered in JSON.

use super::form::{EditorForm, field_anchor, field_label};
use super::read_editor;
use crate::WebState;
use crate::admin::{Member, csrf_ok, explain, field_error, msg, no_store, when};
use arabpress_app::{AppError, Conflict, Session};
use arabpress_core::{Lang, ValidationError};
use axum::extract::{Multipart, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

pub(super) async fn autosave_new(
    State(state): State<WebState>,
    Member(s): Member,
    mp: Multipart,
) -> Result<Response, NotSaved> {
    autosave(state, s, None, mp).await
}

pub(super) async fn autosave_existing(
    State(state): State<WebState>,
    Member(s): Member,
    Path(id): Path<i64>,
    mp: Multipart,
) -> Result<Response, NotSaved> {
    autosave(state, s, Some(id), mp).await
}

/// A JSON answer the page is not to cache.
fn answer(code: StatusCode, body: Value) -> Response {
    let mut r = (code, axum::Json(body)).into_response();
    no_store(&mut r);
    r
}

/// Why an automatic save was not made, answered in JSON in the member's language: 409
/// when someone saved since or the article is no longer a draft (the script stops saving
/// by itself and says why); 422 naming the field that keeps it from being saved yet; 403
/// for a member who may not; 404; 500 for the rest, logged.
pub(super) struct NotSaved(Box<(WebState, Lang, AppError)>);

impl NotSaved {
    fn new(state: &WebState, s: &Session, error: AppError) -> Self {
        NotSaved(Box::new((state.clone(), s.user.ui_lang, error)))
    }
}

impl IntoResponse for NotSaved {
    fn into_response(self) -> Response {
        let (state, lang, error) = *self.0;
        let invalid = |v: &ValidationError| {
            let (field, reason) = field_error(&state, lang, v);
            let label = msg(&state, lang, field_label(&field), &[]);
            let e = msg(
                &state,
                lang,
                "admin-autosave-invalid",
                &[("field", &label), ("reason", &reason)],
            );
            answer(
                StatusCode::UNPROCESSABLE_ENTITY,
                json!({ "error": e, "field": field_anchor(&field) }),
            )
        };
        let (code, key) = match error {
            AppError::Conflict(Conflict::StaleVersion { .. }) => {
                (StatusCode::CONFLICT, "admin-autosave-stale")
            }
            AppError::Conflict(c @ Conflict::NotADraft) => {
                let e = explain(&state, lang, &c.explained());
                return answer(StatusCode::CONFLICT, json!({ "error": e }));
            }
            AppError::Invalid(v) => return invalid(&v),
            AppError::Conflict(c) => return invalid(&c.explained()),
            AppError::Forbidden(_) => (StatusCode::FORBIDDEN, "admin-error-forbidden"),
            AppError::NotFound => (StatusCode::NOT_FOUND, "admin-error-not-found"),
            other => {
                tracing::error!(error = %other, "saving a draft automatically failed");
                (StatusCode::INTERNAL_SERVER_ERROR, "admin-autosave-failed")
            }
        };
        let e = msg(&state, lang, key, &[]);
        answer(code, json!({ "error": e }))
    }
}

/// Saves a draft the editor's script sent by itself, and answers in JSON: 200 with the
/// article's id, new version and address, 403 for a stale form, 422 for a form that came
/// cut off, or [`NotSaved`]'s answer. A chosen image waits for a save by hand.
async fn autosave(
    state: WebState,
    s: Session,
    id: Option<i64>,
    mp: Multipart,
) -> Result<Response, NotSaved> {
    let lang = s.user.ui_lang;
    // The script sends no file; a read error means the form came cut off, and saving
    // what was read would empty the fields after the cut.
    let (fields, read) = read_editor(mp).await;
    if !csrf_ok(&s, &fields) {
        let e = msg(&state, lang, "admin-error-csrf", &[]);
        return Ok(answer(StatusCode::FORBIDDEN, json!({ "error": e })));
    }
    if let Err(p) = read {
        let e = msg(&state, lang, "admin-autosave-failed", &[]);
        return Ok(answer(
            StatusCode::UNPROCESSABLE_ENTITY,
            json!({ "error": format!("{e} {}", explain(&state, lang, &p.explained())) }),
        ));
    }
    let mut form = EditorForm::from_fields(&fields);
    if fields.get("image_remove") == "1" {
        form.clear_image();
    }
    let refuse = |e: AppError| NotSaved::new(&state, &s, e);
    super::resolve_bylines(&state, &mut form)
        .await
        .map_err(refuse)?;
    let draft = form.draft().map_err(|v| refuse(AppError::Invalid(v)))?;
    let a = state
        .app
        .autosave_as(&s.user, id, form.version, draft)
        .await
        .map_err(refuse)?;
    let at = when(&state, lang, a.summary.updated_at).0;
    let id = a.summary.id;
    Ok(answer(
        StatusCode::OK,
        json!({
            "id": id,
            "version": a.version,
            "url": format!("/admin/articles/{id}"),
            "autosave": format!("/admin/articles/{id}/autosave"),
            "message": msg(&state, lang, "admin-autosaved", &[("when", &at)]),
        }),
    ))
}
