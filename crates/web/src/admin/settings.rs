//! The newsroom's settings page (`/admin/settings`), for owners and admins: the site's name
//! and tagline, time zone, default language, logo, each language's navigation, social
//! links and the comments and pop-up switches. A multipart form (it may carry a logo file)
//! with the session's CSRF token; `app` checks the role and every value, and each problem
//! comes back as a message id shown in the member's language beside its field. Values the
//! configuration file pins are shown disabled, with a note.

use super::{
    Answer, FormProblem, Member, OrRefuse, Refusal, Session, csrf_ok, csrf_refused, member_page,
    msg, read_multipart, see_other,
};
use crate::WebState;
use arabpress_app::{MAX_LOGO_BYTES, SettingsError, SettingsForm, SettingsProblem, SettingsView};
use arabpress_core::Lang;
use axum::Router;
use axum::extract::{DefaultBodyLimit, Multipart, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;
use serde_json::{Map, Value, json};
use std::collections::HashMap;

pub(super) fn routes() -> Router<WebState> {
    Router::new().route(
        "/admin/settings",
        get(show)
            .post(save)
            .layer(DefaultBodyLimit::max(MAX_LOGO_BYTES * 2)),
    )
}

/// Each section's row in a masthead's table: (id, ticked, order as typed).
type NavRows = HashMap<i64, (bool, String)>;

fn nav_rows_saved(view: &SettingsView, lang: Lang) -> NavRows {
    let chosen = view.settings.nav.get(lang);
    view.sections
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let (on, pos) = match chosen {
                None => (true, i + 1),
                Some(ids) => match ids.iter().position(|x| *x == s.id) {
                    Some(p) => (true, p + 1),
                    None => (false, ids.len() + i + 1),
                },
            };
            (s.id, (on, pos.to_string()))
        })
        .collect()
}

#[allow(clippy::too_many_arguments)]
fn page(
    state: &WebState,
    s: &Session,
    status: StatusCode,
    view: &SettingsView,
    form: Value,
    nav: [(Lang, NavRows); 2],
    problems: &[SettingsProblem],
    notice: Option<String>,
) -> Response {
    let lang = s.user.ui_lang;
    let mut by_field: Map<String, Value> = Map::new();
    let mut list = Vec::new();
    for p in problems {
        // Numbers in an Arabic message are written in Arabic-Indic digits.
        let args: Vec<(&str, String)> = p
            .args
            .iter()
            .map(|(k, v)| {
                let number = !v.is_empty() && v.bytes().all(|b| b.is_ascii_digit());
                let v = if number && lang == Lang::Ar {
                    arabpress_render::messages::to_arabic_digits(v)
                } else {
                    v.clone()
                };
                (*k, v)
            })
            .collect();
        let args: Vec<(&str, &str)> = args.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let text = msg(state, lang, p.key, &args);
        let joined = match by_field.get(p.field).and_then(Value::as_str) {
            Some(before) => format!("{before} {text}"),
            None => text.clone(),
        };
        by_field.insert(p.field.to_owned(), joined.into());
        list.push(json!({ "field": p.field, "text": text }));
    }
    let pinned: Map<String, Value> = view
        .pinned
        .iter()
        .map(|f| ((*f).to_owned(), Value::Bool(true)))
        .collect();
    let nav: Vec<Value> = nav
        .iter()
        .map(|(l, rows)| {
            json!({
                "lang": l.code(),
                "sections": view.sections.iter().map(|x| {
                    let (on, pos) = rows.get(&x.id).cloned().unwrap_or((false, String::new()));
                    json!({ "id": x.id, "name": x.name(*l), "checked": on, "position": pos })
                }).collect::<Vec<_>>(),
            })
        })
        .collect();
    let logo = view.settings.logo.as_ref().map(|l| {
        json!({
            "url": l.url(),
            "width": l.width,
            "height": l.height,
            "artwork": l.artwork.as_ref().map(|a| format!("/media/{}/{a}", l.sha256)),
        })
    });
    let title = msg(state, lang, "admin-settings", &[]);
    member_page(
        state,
        s,
        status,
        "settings",
        &title,
        json!({
            "form": form,
            "pinned_any": !pinned.is_empty(),
            "pinned": pinned,
            "problems": by_field,
            "problem_list": list,
            "nav": nav,
            "logo": logo,
            "logo_kib": MAX_LOGO_BYTES >> 10,
            "notice": notice,
        }),
    )
}

async fn show(
    State(state): State<WebState>,
    Member(s): Member,
    Query(q): Query<HashMap<String, String>>,
) -> Answer {
    let view = state
        .app
        .settings_view_as(&s.user)
        .await
        .or_refuse(&state, &s)?;
    let st = &view.settings;
    let form = json!({
        "name_ar": st.name.ar, "name_en": st.name.en,
        "tagline_ar": st.tagline.ar, "tagline_en": st.tagline.en,
        "time_zone": st.time_zone, "default_lang": st.default_lang.code(),
        "digits": st.digits.code(),
        "social": st.social.join("\n"),
        "contact_email": st.contact_email.as_deref().unwrap_or_default(),
        "comments": st.comments, "newsletter_popup": st.newsletter_popup,
    });
    let notice = (q.get("done").map(String::as_str) == Some("settings"))
        .then(|| msg(&state, s.user.ui_lang, "admin-settings-saved", &[]));
    let nav = [
        (Lang::Ar, nav_rows_saved(&view, Lang::Ar)),
        (Lang::En, nav_rows_saved(&view, Lang::En)),
    ];
    Ok(page(
        &state,
        &s,
        StatusCode::OK,
        &view,
        form,
        nav,
        &[],
        notice,
    ))
}

async fn save(State(state): State<WebState>, Member(s): Member, mp: Multipart) -> Answer {
    let (f, file) = read_multipart(mp, "logo", MAX_LOGO_BYTES).await;
    if !csrf_ok(&s, &f) {
        return Ok(csrf_refused(&state, s.user.ui_lang));
    }
    // The role first: someone who may not change settings learns nothing about the form.
    let view = state
        .app
        .settings_view_as(&s.user)
        .await
        .or_refuse(&state, &s)?;
    let present = |name: &str| !f.all(name).is_empty();
    let text = |name: &str| present(name).then(|| f.get(name).to_owned());
    let nav_of = |l: &str| {
        present(&format!("nav_{l}_present")).then(|| {
            f.all(&format!("nav_{l}"))
                .into_iter()
                .map(|id| {
                    let pos = f.get(&format!("nav_{l}_pos_{}", id.trim())).to_owned();
                    (id, pos)
                })
                .collect::<Vec<_>>()
        })
    };
    let switches = present("switches_present");
    let mut form = SettingsForm {
        name_ar: text("name_ar"),
        name_en: text("name_en"),
        tagline_ar: text("tagline_ar"),
        tagline_en: text("tagline_en"),
        time_zone: text("time_zone"),
        default_lang: text("default_lang"),
        digits: text("digits"),
        nav_ar: nav_of("ar"),
        nav_en: nav_of("en"),
        social: text("social"),
        contact_email: text("contact_email"),
        comments: switches.then(|| f.get("comments") == "1"),
        newsletter_popup: switches.then(|| f.get("newsletter_popup") == "1"),
        logo: None,
        remove_logo: f.get("remove_logo") == "1",
    };
    let typed_nav = |l: Lang| -> NavRows {
        let picked = nav_of(l.code()).unwrap_or_default();
        view.sections
            .iter()
            .map(|x| {
                let on = picked.iter().any(|(id, _)| id.trim() == x.id.to_string());
                let pos = f.get(&format!("nav_{}_pos_{}", l.code(), x.id)).to_owned();
                (x.id, (on, pos))
            })
            .collect()
    };
    let st = &view.settings;
    let typed = json!({
        "name_ar": form.name_ar.clone().unwrap_or_else(|| st.name.ar.clone()),
        "name_en": form.name_en.clone().unwrap_or_else(|| st.name.en.clone()),
        "tagline_ar": form.tagline_ar.clone().unwrap_or_else(|| st.tagline.ar.clone()),
        "tagline_en": form.tagline_en.clone().unwrap_or_else(|| st.tagline.en.clone()),
        "time_zone": form.time_zone.clone().unwrap_or_else(|| st.time_zone.clone()),
        "default_lang": form.default_lang.clone().unwrap_or_else(|| st.default_lang.code().to_owned()),
        "digits": form.digits.clone().unwrap_or_else(|| st.digits.code().to_owned()),
        "social": form.social.clone().unwrap_or_default(),
        "contact_email": form.contact_email.clone().unwrap_or_default(),
        "comments": form.comments.unwrap_or(st.comments),
        "newsletter_popup": form.newsletter_popup.unwrap_or(st.newsletter_popup),
    });
    let refuse = |problems: Vec<SettingsProblem>| {
        page(
            &state,
            &s,
            StatusCode::UNPROCESSABLE_ENTITY,
            &view,
            typed.clone(),
            [
                (Lang::Ar, typed_nav(Lang::Ar)),
                (Lang::En, typed_nav(Lang::En)),
            ],
            &problems,
            None,
        )
    };
    match file {
        Ok(bytes) => form.logo = bytes,
        Err(v) => {
            // A file over the limit (or cut off by the body limit) is named as such; any
            // other unreadable form is refused whole.
            let key = if matches!(v, FormProblem::TooLarge { .. } | FormProblem::CutOff(_)) {
                "settings-logo-too-large"
            } else {
                "settings-error-form"
            };
            return Ok(refuse(vec![SettingsProblem {
                field: if key == "settings-error-form" {
                    "form"
                } else {
                    "logo"
                },
                key,
                args: vec![("limit", (MAX_LOGO_BYTES >> 10).to_string())],
            }]));
        }
    }
    match state.app.save_settings_as(&s.user, form).await {
        Ok(_) => Ok(see_other("/admin/settings?done=settings")),
        Err(SettingsError::Invalid(problems)) => Ok(refuse(problems)),
        Err(SettingsError::App(e)) => Err(Refusal::member(&state, &s, e)),
    }
}
