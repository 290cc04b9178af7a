//! Newsroom accounts and what they may do: argon2id passwords, personal API tokens, and the
//! article operations of the admin API, each checked against the actor's role here (not in
//! the web layer) and written to the audit log.

use crate::{App, AppError};
use arabpress_core::model::Article;
use arabpress_core::{ArticleDraft, ArticleStatus, Role, User};
use argon2::Argon2;
use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use jiff::Timestamp;
use sha2::{Digest, Sha256};

/// Shortest password accepted.
pub const MIN_PASSWORD_CHARS: usize = 10;

/// Lower-case hex of `bytes`.
pub(crate) fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The SHA-256 (hex) under which a token or API key is stored.
pub(crate) fn token_hash(secret: &str) -> String {
    hex(&Sha256::digest(secret.as_bytes()))
}

/// HMAC-SHA256 of `message` under `key` (webhook signatures, newsletter links).
pub(crate) fn hmac_sha256(key: &[u8], message: &[u8]) -> Result<Vec<u8>, AppError> {
    use hmac::{Hmac, Mac};
    let mut mac = Hmac::<Sha256>::new_from_slice(key)
        .map_err(|e| AppError::Internal(format!("HMAC key: {e}")))?;
    mac.update(message);
    Ok(mac.finalize().into_bytes().to_vec())
}

/// Compares two secrets in time independent of where they differ.
pub fn same_secret(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

/// `bytes` random bytes as hex: the secret part of a token or API key.
pub fn random_hex(bytes: usize) -> Result<String, AppError> {
    let mut buf = vec![0u8; bytes];
    getrandom::fill(&mut buf).map_err(|e| AppError::Internal(format!("no randomness: {e}")))?;
    Ok(hex(&buf))
}

/// Checks a new password's length and hashes it with argon2id (off the async threads: a
/// hash takes tens of milliseconds by design).
pub(crate) async fn hash_password(password: &str) -> Result<String, AppError> {
    if password.chars().count() < MIN_PASSWORD_CHARS {
        return Err(AppError::Invalid(format!(
            "password: use at least {MIN_PASSWORD_CHARS} characters"
        )));
    }
    if password.len() > 1_000 {
        return Err(AppError::Invalid(
            "password: use at most 1,000 characters".into(),
        ));
    }
    let pw = password.to_owned();
    tokio::task::spawn_blocking(move || {
        Argon2::default()
            .hash_password(pw.as_bytes())
            .map(|h| h.to_string())
    })
    .await
    .map_err(|e| AppError::Internal(format!("password task: {e}")))?
    .map_err(|e| AppError::Internal(format!("hashing the password: {e}")))
}

/// The audit action of a publish: it went live, or it waits for its time.
fn publication(a: &Article) -> &'static str {
    if a.status == ArticleStatus::Scheduled {
        "scheduled"
    } else {
        "published"
    }
}

impl App {
    /// Creates an account with an argon2id password hash.
    pub async fn create_user(
        &self,
        email: &str,
        name: &str,
        role: Role,
        password: &str,
    ) -> Result<User, AppError> {
        let hash = hash_password(password).await?;
        Ok(self
            .store()
            .create_user(email, name, role, &hash, self.now())
            .await?)
    }

    /// The active account whose password this is, or `None` (wrong address, wrong
    /// password and deactivated accounts look the same to the caller).
    pub async fn verify_login(
        &self,
        email: &str,
        password: &str,
    ) -> Result<Option<User>, AppError> {
        let Some((user, hash)) = self.store().user_by_email(email).await? else {
            return Ok(None);
        };
        let pw = password.to_owned();
        let ok = tokio::task::spawn_blocking(move || {
            PasswordHash::new(&hash)
                .map(|h| Argon2::default().verify_password(pw.as_bytes(), &h).is_ok())
                .unwrap_or(false)
        })
        .await
        .map_err(|e| AppError::Internal(format!("password task: {e}")))?;
        Ok((ok && user.active).then_some(user))
    }

    /// Creates a personal API token for a user; the secret is returned once.
    pub async fn create_token(&self, user_id: i64, name: &str) -> Result<String, AppError> {
        let secret = format!("apt_{}", random_hex(24)?);
        self.store()
            .create_token(user_id, name, &token_hash(&secret), self.now())
            .await?;
        Ok(secret)
    }

    /// The active user a personal token belongs to.
    pub async fn user_for_token(&self, secret: &str) -> Result<Option<User>, AppError> {
        if !secret.starts_with("apt_") || secret.len() > 100 {
            return Ok(None);
        }
        Ok(self.store().user_by_token(&token_hash(secret)).await?)
    }

    /// Whether `actor` created the article.
    pub(crate) async fn owns(&self, actor: &User, article_id: i64) -> Result<bool, AppError> {
        Ok(self.store().article_creator(article_id).await? == Some(actor.id))
    }

    /// Saves a new article for `actor`: anyone may write a draft or submit one for review;
    /// publishing it at once needs the right to publish.
    pub async fn create_as(
        &self,
        actor: &User,
        draft: ArticleDraft,
        status: ArticleStatus,
        publish_at: Option<Timestamp>,
    ) -> Result<Article, AppError> {
        let publishing = matches!(status, ArticleStatus::Published | ArticleStatus::Scheduled);
        if publishing && !actor.role.can_publish(true) {
            return Err(AppError::Forbidden(format!(
                "a {} cannot publish; save it as a draft or submit it for review",
                actor.role
            )));
        }
        if status == ArticleStatus::Unpublished {
            return Err(AppError::Invalid(
                "status: a new article cannot be unpublished".into(),
            ));
        }
        let saved_as = if publishing {
            ArticleStatus::Draft
        } else {
            status
        };
        let a = self
            .write_new(draft, saved_as, None, Some(actor.id))
            .await?;
        if !publishing {
            return Ok(a);
        }
        // Published now, back-dated, or scheduled when the time is still to come.
        let a = self.publish(a.summary.id, publish_at).await?;
        self.audit_article(actor, publication(&a), &a).await?;
        Ok(a)
    }

    /// Saves a new version of an article for `actor` (their own, or any for an editor).
    pub async fn update_as(
        &self,
        actor: &User,
        id: i64,
        expected_version: i64,
        draft: ArticleDraft,
    ) -> Result<Article, AppError> {
        if !actor.role.can_edit(self.owns(actor, id).await?) {
            return Err(AppError::Forbidden(format!(
                "a {} can edit only their own articles",
                actor.role
            )));
        }
        self.write_update(id, expected_version, draft, Some(actor.id))
            .await
    }

    /// Publishes (now, or at `at`) for `actor`.
    pub async fn publish_as(
        &self,
        actor: &User,
        id: i64,
        at: Option<Timestamp>,
    ) -> Result<Article, AppError> {
        if !actor.role.can_publish(self.owns(actor, id).await?) {
            return Err(AppError::Forbidden(format!(
                "a {} cannot publish this article",
                actor.role
            )));
        }
        let a = self.publish(id, at).await?;
        self.audit_article(actor, publication(&a), &a).await?;
        Ok(a)
    }

    /// Withdraws an article for `actor`.
    pub async fn unpublish_as(&self, actor: &User, id: i64) -> Result<Article, AppError> {
        if !actor.role.can_publish(self.owns(actor, id).await?) {
            return Err(AppError::Forbidden(format!(
                "a {} cannot withdraw this article",
                actor.role
            )));
        }
        let a = self.unpublish(id).await?;
        self.audit_article(actor, "unpublished", &a).await?;
        Ok(a)
    }

    /// Changes a user's role, for an admin; only the owner may make or unmake owners.
    pub async fn set_role_as(
        &self,
        actor: &User,
        user_id: i64,
        role: Role,
    ) -> Result<(), AppError> {
        let target = self
            .store()
            .user_by_id(user_id)
            .await?
            .ok_or(AppError::NotFound)?;
        let owner_involved = role == Role::Owner || target.role == Role::Owner;
        if !actor.role.can_manage_users() || (owner_involved && actor.role != Role::Owner) {
            return Err(AppError::Forbidden(format!(
                "a {} cannot change this role",
                actor.role
            )));
        }
        self.store().set_role(user_id, role).await?;
        self.store()
            .audit(
                Some(actor.id),
                "role_changed",
                "user",
                user_id,
                &format!("{} → {role}", target.role),
                self.now(),
            )
            .await?;
        Ok(())
    }

    async fn audit_article(&self, actor: &User, action: &str, a: &Article) -> Result<(), AppError> {
        let detail = a
            .scheduled_at
            .or(a.summary.published_at)
            .map(|t| t.to_string())
            .unwrap_or_default();
        self.store()
            .audit(
                Some(actor.id),
                action,
                "article",
                a.summary.id,
                &detail,
                self.now(),
            )
            .await?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn secrets_compare_whole() {
        assert!(super::same_secret("abc", "abc"));
        assert!(!super::same_secret("abc", "abd"));
        assert!(!super::same_secret("abc", "ab"));
    }
}
