//! Drafts the editor's script saves by itself, every 30 seconds and when a field loses
//! focus: saved as a revision, never over another member's newer save, answered in JSON.

use super::form::{EditorForm, field_anchor, field_label};
use super::read_editor;
use crate::WebState;
use crate::admin::{Member, csrf_ok, explain, field_error, msg, no_store, when};
use arabpress_app::{AppError, Conflict, Session};
use arabpress_core::ValidationError;
use axum::extract::{Multipart, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

pub(super) async fn autosave_new(
    State(state): State<WebState>,
    Member(s): Member,
    mp: Multipart,
) -> Response {
    autosave(state, s, None, mp).await
}

pub(super) async fn autosave_existing(
    State(state): State<WebState>,
    Member(s): Member,
    Path(id): Path<i64>,
    mp: Multipart,
) -> Response {
    autosave(state, s, Some(id), mp).await
}

/// Saves a draft the editor's script sent by itself, and answers in JSON: 200 with the
/// article's id, new version and address; 409 when someone saved since or the article is
/// no longer a draft (the script stops saving by itself and says why); 422 naming the field
/// that keeps it from being saved yet; 403 for a stale form or a member who may not. A
/// chosen image waits for a save by hand.
async fn autosave(state: WebState, s: Session, id: Option<i64>, mp: Multipart) -> Response {
    let lang = s.user.ui_lang;
    let answer = |code: StatusCode, body: Value| {
        let mut r = (code, axum::Json(body)).into_response();
        no_store(&mut r);
        r
    };
    // The script sends no file; a read error means the form came cut off, and saving
    // what was read would empty the fields after the cut.
    let (fields, read) = read_editor(mp).await;
    if !csrf_ok(&s, &fields) {
        let e = msg(&state, lang, "admin-error-csrf", &[]);
        return answer(StatusCode::FORBIDDEN, json!({ "error": e }));
    }
    if let Err(p) = read {
        let e = msg(&state, lang, "admin-autosave-failed", &[]);
        return answer(
            StatusCode::UNPROCESSABLE_ENTITY,
            json!({ "error": format!("{e} {}", explain(&state, lang, &p.explained())) }),
        );
    }
    let mut form = EditorForm::from_fields(&fields);
    if fields.get("image_remove") == "1" {
        form.clear_image();
    }
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
    match super::resolve_bylines(&state, &mut form).await {
        Ok(()) => {}
        Err(AppError::Invalid(v)) => return invalid(&v),
        Err(e) => {
            tracing::error!(error = %e, "saving a draft automatically failed");
            let e = msg(&state, lang, "admin-autosave-failed", &[]);
            return answer(StatusCode::INTERNAL_SERVER_ERROR, json!({ "error": e }));
        }
    }
    let draft = match form.draft() {
        Ok(d) => d,
        Err(v) => return invalid(&v),
    };
    match state
        .app
        .autosave_as(&s.user, id, form.version, draft)
        .await
    {
        Ok(a) => {
            let at = when(&state, lang, a.summary.updated_at).0;
            let id = a.summary.id;
            answer(
                StatusCode::OK,
                json!({
                    "id": id,
                    "version": a.version,
                    "url": format!("/admin/articles/{id}"),
                    "autosave": format!("/admin/articles/{id}/autosave"),
                    "message": msg(&state, lang, "admin-autosaved", &[("when", &at)]),
                }),
            )
        }
        Err(AppError::Conflict(Conflict::StaleVersion { .. })) => {
            let e = msg(&state, lang, "admin-autosave-stale", &[]);
            answer(StatusCode::CONFLICT, json!({ "error": e }))
        }
        Err(AppError::Conflict(c @ Conflict::NotADraft)) => answer(
            StatusCode::CONFLICT,
            json!({ "error": explain(&state, lang, &c.explained()) }),
        ),
        Err(AppError::Invalid(v)) => invalid(&v),
        Err(AppError::Conflict(c)) => invalid(&c.explained()),
        Err(AppError::Forbidden(_)) => {
            let e = msg(&state, lang, "admin-error-forbidden", &[]);
            answer(StatusCode::FORBIDDEN, json!({ "error": e }))
        }
        Err(AppError::NotFound) => {
            let e = msg(&state, lang, "admin-error-not-found", &[]);
            answer(StatusCode::NOT_FOUND, json!({ "error": e }))
        }
        Err(e) => {
            tracing::error!(error = %e, "saving a draft automatically failed");
            let e = msg(&state, lang, "admin-autosave-failed", &[]);
            answer(StatusCode::INTERNAL_SERVER_ERROR, json!({ "error": e }))
        }
    }
}
