//! People and the member's own account: the members with their roles (invite, change a
//! role, deactivate), and the account page (password, language, personal tokens).

use super::sign_in::signed_in;
use super::{
    Answer, Member, MemberForm, OrRefuse, Refusal, done, done_notice, member_page, msg, see_other,
    when,
};
use crate::WebState;
use arabpress_app::{AppError, Session};
use arabpress_core::{Lang, Role};
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::routing::{get, post};
use serde_json::{Value, json};
use std::collections::HashMap;

pub(super) fn routes() -> Router<WebState> {
    Router::new()
        .route("/admin/users", get(users))
        .route("/admin/users/invite", post(invite))
        .route("/admin/users/{id}/role", post(set_role))
        .route("/admin/users/{id}/active", post(set_active))
        .route("/admin/account", get(account))
        .route("/admin/account/password", post(change_password))
        .route("/admin/account/language", post(set_language))
        .route("/admin/account/tokens/{id}/revoke", post(revoke_token))
}

// ---------------------------------------------------------------------------------------
// People and the member's own account

async fn users_page(
    state: &WebState,
    s: &Session,
    extra: Value,
    q: &HashMap<String, String>,
) -> Answer {
    let lang = s.user.ui_lang;
    let users = state.app.users_as(&s.user).await.or_refuse(state, s)?;
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
    let mut data =
        json!({ "users": rows, "roles": roles, "notice": done_notice(state, lang, q.get("done")) });
    if let (Value::Object(m), Value::Object(e)) = (&mut data, extra) {
        m.extend(e);
    }
    let title = msg(state, lang, "admin-users", &[]);
    Ok(member_page(state, s, StatusCode::OK, "users", &title, data))
}

async fn users(
    State(state): State<WebState>,
    Member(s): Member,
    Query(q): Query<HashMap<String, String>>,
) -> Answer {
    users_page(&state, &s, json!({}), &q).await
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
) -> Answer {
    let role = role_of(&state, &s, f.get("role"))?;
    let token = state
        .app
        .invite_as(&s.user, f.get("email"), role)
        .await
        .or_refuse(&state, &s)?;
    let link = format!("{}/admin/invite/{token}", base_url(&state, &headers));
    users_page(
        &state,
        &s,
        json!({
            "invite_link": link,
            "invite_email": f.get("email").trim().to_lowercase(),
            "invite_days": arabpress_app::INVITE_DAYS,
        }),
        &HashMap::new(),
    )
    .await
}

/// The role a form names, or the member's notice that it names none.
fn role_of(state: &WebState, s: &Session, name: &str) -> Result<Role, Refusal> {
    name.parse::<Role>()
        .map_err(AppError::Invalid)
        .or_refuse(state, s)
}

async fn set_role(
    State(state): State<WebState>,
    Path(id): Path<i64>,
    MemberForm(s, f): MemberForm,
) -> Answer {
    let role = role_of(&state, &s, f.get("role"))?;
    let outcome = state.app.set_role_as(&s.user, id, role).await;
    done(&state, &s, outcome, "/admin/users?done=role")
}

async fn set_active(
    State(state): State<WebState>,
    Path(id): Path<i64>,
    MemberForm(s, f): MemberForm,
) -> Answer {
    let active = f.get("active") == "1";
    let outcome = state.app.set_active_as(&s.user, id, active).await;
    let to = if active {
        "/admin/users?done=reactivated"
    } else {
        "/admin/users?done=deactivated"
    };
    done(&state, &s, outcome, to)
}

async fn account(
    State(state): State<WebState>,
    Member(s): Member,
    Query(q): Query<HashMap<String, String>>,
) -> Answer {
    let lang = s.user.ui_lang;
    let title = msg(&state, lang, "admin-account", &[]);
    // Admins see every member's tokens, to revoke a lost one.
    let all = s.user.role.can_manage_users();
    let tokens = state
        .app
        .tokens_as(&s.user, all)
        .await
        .or_refuse(&state, &s)?;
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
    Ok(member_page(
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
    ))
}

async fn revoke_token(
    State(state): State<WebState>,
    Path(id): Path<i64>,
    MemberForm(s, _): MemberForm,
) -> Answer {
    let outcome = state.app.revoke_token_as(&s.user, id).await;
    done(&state, &s, outcome, "/admin/account?done=token-revoked")
}

async fn change_password(State(state): State<WebState>, MemberForm(s, f): MemberForm) -> Answer {
    let fresh = state
        .app
        .change_password(&s.user, f.get("current"), f.get("new"))
        .await
        .or_refuse(&state, &s)?;
    Ok(signed_in(&state, &fresh, "/admin/account?done=password"))
}

async fn set_language(
    State(state): State<WebState>,
    headers: HeaderMap,
    MemberForm(s, f): MemberForm,
) -> Answer {
    let lang: Lang = f.get("lang").parse().unwrap_or(s.user.ui_lang);
    state
        .app
        .set_ui_lang(&s.user, lang)
        .await
        .or_refuse(&state, &s)?;
    let back = headers
        .get(header::REFERER)
        .and_then(|r| r.to_str().ok())
        .and_then(|r| r.find("/admin").map(|i| r[i..].to_owned()))
        .filter(|p| !p.contains("//"))
        .unwrap_or_else(|| "/admin".into());
    Ok(see_other(&back))
}
