//! The preview: the article as a reader would see it, for the Preview button and the
//! editor's live preview pane.

use super::form::EditorForm;
use super::{FORM_LIMIT, read_editor};
use crate::WebState;
use crate::admin::{Answer, Member, OrRefuse, csrf_ok, csrf_refused, explain, no_store};
use crate::request::parse_form;
use arabpress_app::AppError;
use arabpress_core::{ArticleKind, Lang};
use axum::extract::{FromRequest, Multipart, Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::IntoResponse;
use serde_json::json;

/// The article as a reader would see it, in its own language: section, headline,
/// standfirst, byline, lead image with caption and credit, and the body rendered by the
/// same code as the public page. Used by the Preview button and by the live preview.
pub(super) async fn preview_of(
    state: &WebState,
    ui: Lang,
    form: &EditorForm,
) -> Result<String, AppError> {
    let al: Lang = form.lang.parse().unwrap_or(ui);
    let body_html = state.app.preview(&form.body).await?;
    let section = state
        .app
        .sections()
        .await?
        .iter()
        .find(|x| x.slug == form.section)
        .map(|x| x.name(al).to_owned());
    let mut authors: Vec<String> = Vec::new();
    for slot in form.authors.iter().filter(|a| !a.trim().is_empty()) {
        if let [j] = state.app.resolve_author(slot).await?.as_slice() {
            authors.push(j.name(al).to_owned());
        }
    }
    let collapse = arabpress_core::article::collapse_ws;
    let image = Some(form.image_url.trim())
        .filter(|u| !u.is_empty())
        .map(|url| {
            json!({
                "url": url,
                "alt": collapse(&form.image_alt),
                "caption": collapse(&form.image_caption),
                "credit": collapse(&form.image_credit),
            })
        });
    let theme = state.app.theme();
    let html = theme.admin(
        "preview",
        al,
        &json!({
            "article_lang": al.code(),
            "article_dir": al.dir(),
            "section": section,
            "kind": form.kind.parse::<ArticleKind>().ok().map(|k| k.as_str()),
            "headline": collapse(&form.headline),
            "standfirst": collapse(&form.standfirst),
            "authors": authors,
            "image": image,
            "body_html": body_html,
        }),
    )?;
    // Digits as readers will see them.
    Ok(match al {
        Lang::Ar => arabpress_render::digits::house_style(&html, theme.branding().digits),
        Lang::En => html,
    })
}

/// The live preview: the editor's fields as they are now, rendered as [`preview_of`] does.
/// Takes the form as the editor's script sends it (multipart, without the file) or as a
/// plain form.
pub(super) async fn preview(
    State(state): State<WebState>,
    Member(s): Member,
    req: Request,
) -> Answer {
    let lang = s.user.ui_lang;
    let multipart = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("multipart/"));
    let fields = if multipart {
        match Multipart::from_request(req, &state).await {
            Ok(mp) => read_editor(mp).await.0,
            Err(rejection) => return Ok(rejection.into_response()),
        }
    } else {
        match axum::body::to_bytes(req.into_body(), FORM_LIMIT).await {
            Ok(bytes) => parse_form(&bytes),
            Err(_) => return Ok((StatusCode::PAYLOAD_TOO_LARGE, "form too large").into_response()),
        }
    };
    if !csrf_ok(&s, &fields) {
        return Ok(csrf_refused(&state, lang));
    }
    let form = EditorForm::from_fields(&fields);
    let preview = preview_of(&state, lang, &form).await;
    let mut r = match &preview {
        Err(AppError::Invalid(v)) => {
            (StatusCode::UNPROCESSABLE_ENTITY, explain(&state, lang, v)).into_response()
        }
        _ => (StatusCode::OK, preview.or_refuse(&state, &s)?).into_response(),
    };
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    no_store(&mut r);
    Ok(r)
}
