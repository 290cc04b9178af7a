//! The article editor: the new and edit pages, saving with a workflow step (save, submit
//! for review, publish, schedule, unpublish) and an optional image upload, the preview, and
//! what the editor says of the article's spoken version.

mod autosave;
mod form;
mod preview;

use self::autosave::{autosave_existing, autosave_new};
use self::form::{AUTHOR_SLOTS, EditorForm, field_anchor, field_label};
use self::preview::{preview, preview_of};
use super::{
    Answer, FormProblem, Member, OrRefuse, csrf_ok, csrf_refused, done_notice, explain,
    field_error, member_page, msg, read_multipart, see_other, when,
};
use crate::WebState;
use crate::request::Fields;
use arabpress_app::{AppError, Conflict, MAX_UPLOAD_BYTES, NewsroomQuery, Saved, Session, Step};
use arabpress_core::{ArticleKind, ArticleStatus, Lang, ValidationError};
use arabpress_render::views::clock_time;
use axum::Router;
use axum::extract::{DefaultBodyLimit, Multipart, Path, Query, State};
use axum::http::StatusCode;
use axum::routing::post;
use serde_json::{Value, json};
use std::collections::HashMap;

/// The most a preview or an automatic save may send: the fields without the file (the body
/// is at most 1 MiB; a plain form spells Arabic out three times longer).
const FORM_LIMIT: usize = 4 << 20;

pub(super) fn routes() -> Router<WebState> {
    let limit = DefaultBodyLimit::max(FORM_LIMIT);
    Router::new()
        .route("/admin/preview", post(preview).layer(limit))
        .route("/admin/articles/autosave", post(autosave_new).layer(limit))
        .route(
            "/admin/articles/{id}/autosave",
            post(autosave_existing).layer(limit),
        )
}

/// The sections the editor and the article list offer, and the journalists their author
/// fields hold (`chosen`, slugs or names typed out), named in `lang`. The other
/// journalists are suggested as one types (`/admin/lookup/authors`), never all listed.
pub(super) async fn options(
    state: &WebState,
    lang: Lang,
    chosen: &[String],
) -> Result<(Value, Value), AppError> {
    let sections: Vec<Value> = state
        .app
        .sections()
        .await?
        .iter()
        .map(|s| json!({ "slug": s.slug, "name": s.name(lang) }))
        .collect();
    let mut authors: Vec<Value> = Vec::new();
    for c in chosen.iter().filter(|c| !c.trim().is_empty()) {
        if let [a] = state.app.resolve_author(c).await?.as_slice() {
            authors.push(json!({ "slug": c, "name": a.name(lang) }));
        }
    }
    Ok((Value::from(sections), Value::from(authors)))
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

async fn editor_page(state: &WebState, s: &Session, code: StatusCode, v: EditorView<'_>) -> Answer {
    let lang = s.user.ui_lang;
    let loaded = async {
        let (sections, authors) = options(state, lang, &v.form.authors).await?;
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
                state.app.audio_state(a.summary.id).await?
            }
            _ => None,
        };
        // Until when the article is on the breaking-news ribbon, if it is.
        let ribbon = match &article {
            Some(a) if a.status == ArticleStatus::Published => state
                .app
                .breaking(a.summary.lang, state.app.now())
                .await?
                .filter(|(b, _)| b.id == a.summary.id)
                .map(|(_, until)| until),
            _ => None,
        };
        Ok::<_, AppError>((sections, authors, article, own, translations, audio, ribbon))
    }
    .await;
    let (sections, authors, article, own, translations, audio, ribbon) =
        loaded.or_refuse(state, s)?;
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
    Ok(member_page(
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
            "ribbon_until": ribbon.map(|t| when(state, lang, t).0),
            "ribbon_hours": arabpress_app::BREAKING_DEFAULT_HOURS,
            "ribbon_max_hours": arabpress_app::BREAKING_MAX_HOURS,
        }),
    ))
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
                "detail": msg(state, lang, "admin-audio-ready", &[("length", &clock_time(lang, secs))]),
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

/// Byline fields typed out as a journalist's name (the picker's script off) hold that
/// journalist's slug from here on. A field that names nobody is left as typed, for the
/// draft to refuse (`invalid-no-author`); a name that two journalists share is refused
/// here, asking for the slug.
async fn resolve_bylines(state: &WebState, form: &mut EditorForm) -> Result<(), AppError> {
    for slot in form.authors.iter_mut().filter(|a| !a.trim().is_empty()) {
        match state.app.resolve_author(slot).await?.as_slice() {
            [a] => slot.clone_from(&a.slug),
            [] => {}
            _ => {
                let name = slot.trim();
                return Err(AppError::Invalid(
                    ValidationError::new(
                        "authors",
                        "invalid-author-shared-name",
                        format!("more than one journalist is named {name}"),
                    )
                    .with("name", name),
                ));
            }
        }
    }
    Ok(())
}

pub(super) async fn new_article(State(state): State<WebState>, Member(s): Member) -> Answer {
    // A new article is bylined to the member writing it when they are one of the site's
    // journalists (the same name in either script); the byline can still be changed.
    let loaded = async {
        Ok::<_, AppError>((
            state.app.sections().await?,
            state.app.resolve_author(&s.user.name).await?,
        ))
    };
    let (sections, me) = loaded.await.or_refuse(&state, &s)?;
    let mut authors = vec![String::new(); AUTHOR_SLOTS];
    if let (Some(slot), [j]) = (authors.first_mut(), me.as_slice()) {
        slot.clone_from(&j.slug);
    }
    let form = EditorForm {
        lang: s.user.ui_lang.code().into(),
        kind: ArticleKind::News.as_str().into(),
        section: sections.first().map(|x| x.slug.clone()).unwrap_or_default(),
        authors,
        ..EditorForm::default()
    };
    editor_page(
        &state,
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

pub(super) async fn edit(
    State(state): State<WebState>,
    Member(s): Member,
    Path(id): Path<i64>,
    Query(q): Query<HashMap<String, String>>,
) -> Answer {
    let lang = s.user.ui_lang;
    let loaded = async {
        let a = state.app.article_for(&s.user, id).await?;
        let d = state.app.draft_of(&a).await?;
        Ok::<_, AppError>((a, d))
    }
    .await;
    let (a, d) = loaded.or_refuse(&state, &s)?;
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
async fn read_editor(mp: Multipart) -> (Fields, Result<Option<Vec<u8>>, FormProblem>) {
    read_multipart(mp, "image_file", MAX_UPLOAD_BYTES).await
}

pub(super) async fn create(
    State(state): State<WebState>,
    Member(s): Member,
    mp: Multipart,
) -> Answer {
    save(state, s, None, mp).await
}

pub(super) async fn update(
    State(state): State<WebState>,
    Member(s): Member,
    Path(id): Path<i64>,
    mp: Multipart,
) -> Answer {
    save(state, s, Some(id), mp).await
}

/// Parses `datetime-local` input as a time in the site's zone.
fn parse_local(state: &WebState, text: &str) -> Option<jiff::Timestamp> {
    let dt: jiff::civil::DateTime = text.parse().ok()?;
    state.app.theme().dates().tz().to_timestamp(dt).ok()
}

async fn save(state: WebState, s: Session, id: Option<i64>, mp: Multipart) -> Answer {
    let lang = s.user.ui_lang;
    let (fields, file) = read_editor(mp).await;
    if !csrf_ok(&s, &fields) {
        return Ok(csrf_refused(&state, lang));
    }
    let mut form = EditorForm::from_fields(&fields);
    let status = ArticleStatus::Draft;
    let show = |form: EditorForm,
                code: StatusCode,
                error: Option<String>,
                field_error: Option<(String, String)>,
                preview: Option<String>| {
        let state = state.clone();
        let s = s.clone();
        async move {
            editor_page(
                &state,
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
    // The image is stored first, so that a preview or a refused field does not cost the
    // writer the file they chose: the form comes back holding the stored image's address.
    match file {
        Err(p) => {
            let m = explain(&state, lang, &p.explained());
            let e = format!("{} {m}", msg(&state, lang, "admin-error-image", &[]));
            return show(form, StatusCode::UNPROCESSABLE_ENTITY, Some(e), None, None).await;
        }
        Ok(Some(bytes)) => {
            let uploaded = state.app.upload_image(&s.user, bytes).await;
            if let Err(AppError::Invalid(v)) = &uploaded {
                let m = explain(&state, lang, v);
                let e = format!("{} {m}", msg(&state, lang, "admin-error-image", &[]));
                return show(form, StatusCode::UNPROCESSABLE_ENTITY, Some(e), None, None).await;
            }
            form.image_url = uploaded.or_refuse(&state, &s)?.url;
        }
        Ok(None) => {}
    }
    let action = fields.get("action");
    if action == "preview" {
        let preview = preview_of(&state, lang, &form).await;
        if let Err(AppError::Invalid(v)) = &preview {
            let fe = field_error(&state, lang, v);
            return show(form, StatusCode::UNPROCESSABLE_ENTITY, None, Some(fe), None).await;
        }
        let p = preview.or_refuse(&state, &s)?;
        return show(form, StatusCode::OK, None, None, Some(p)).await;
    }
    if fields.get("image_remove") == "1" {
        form.clear_image();
    }
    let resolved = resolve_bylines(&state, &mut form).await;
    if let Err(AppError::Invalid(v)) = &resolved {
        let fe = field_error(&state, lang, v);
        return show(form, StatusCode::UNPROCESSABLE_ENTITY, None, Some(fe), None).await;
    }
    resolved.or_refuse(&state, &s)?;
    let draft = match form.draft() {
        Ok(d) => d,
        Err(v) => {
            let fe = field_error(&state, lang, &v);
            return show(form, StatusCode::UNPROCESSABLE_ENTITY, None, Some(fe), None).await;
        }
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
    let saved = state
        .app
        .save_as(&s.user, id, form.version, draft, step)
        .await;
    // Refusals the editor shows above or beside the form, which comes back as typed.
    let shown = match &saved {
        Err(AppError::Conflict(Conflict::StaleVersion { .. })) if id.is_some() => Some((
            StatusCode::CONFLICT,
            Some(msg(&state, lang, "admin-error-conflict", &[])),
            None,
        )),
        Err(AppError::Invalid(v)) => {
            let fe = if v.field == "publish_at" {
                (
                    v.field.to_owned(),
                    msg(&state, lang, "admin-error-publish-at", &[]),
                )
            } else {
                field_error(&state, lang, v)
            };
            Some((StatusCode::UNPROCESSABLE_ENTITY, None, Some(fe)))
        }
        Err(AppError::Conflict(c)) => Some((
            StatusCode::UNPROCESSABLE_ENTITY,
            None,
            Some(field_error(&state, lang, &c.explained())),
        )),
        Err(AppError::Forbidden(_)) => Some((
            StatusCode::FORBIDDEN,
            Some(msg(&state, lang, "admin-error-forbidden", &[])),
            None,
        )),
        _ => None,
    };
    if let Some((code, error, field_error)) = shown {
        return show(form, code, error, field_error, None).await;
    }
    Ok(match saved.or_refuse(&state, &s)? {
        Saved::Pending { article, .. } => see_other(&format!(
            "/admin/articles/{}?done=pending",
            article.summary.id
        )),
        Saved::Applied(a) => {
            let done = match step {
                Step::Save => "saved",
                Step::Review => "submitted",
                Step::Publish => "published",
                Step::Schedule(_) => "scheduled",
                Step::Unpublish => "unpublished",
            };
            see_other(&format!("/admin/articles/{}?done={done}", a.summary.id))
        }
    })
}
