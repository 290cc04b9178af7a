//! Newsroom accounts and what they may do: argon2id passwords, personal API tokens, and the
//! article operations of the admin API, each checked against the actor's role here (not in
//! the web layer) and written to the audit log; and reading that log back, for owners and
//! admins.

use crate::{App, AppError, Unauthorized};
use arabpress_core::model::Article;
use arabpress_core::{ArticleDraft, ArticleStatus, Conflict, Role, User, ValidationError};
use arabpress_store::{AuditPage, AuditQuery, TokenRow};
use argon2::Argon2;
use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use jiff::Timestamp;
use sha2::{Digest, Sha256};

/// Shortest password accepted.
pub const MIN_PASSWORD_CHARS: usize = 10;

/// Lower-case hex of `bytes`.
pub(crate) fn hex(bytes: &[u8]) -> String {
    hex::encode(bytes)
}

/// The SHA-256 (hex) under which a token or API key is stored.
pub(crate) fn token_hash(secret: &str) -> String {
    hex(&Sha256::digest(secret.as_bytes()))
}

/// HMAC-SHA256 of `message` under `key` (webhook signatures, newsletter links).
pub(crate) fn hmac_sha256(key: &[u8], message: &[u8]) -> Result<Vec<u8>, AppError> {
    use hmac::{Hmac, Mac};
    let mut mac =
        Hmac::<Sha256>::new_from_slice(key).map_err(|e| AppError::internal("HMAC key", e))?;
    mac.update(message);
    Ok(mac.finalize().into_bytes().to_vec())
}

/// Whether `tag_hex` is the first `bytes` bytes of the HMAC-SHA256 of `message`, as hex;
/// compared in constant time by `hmac` itself.
pub(crate) fn hmac_sha256_verify(
    key: &[u8],
    message: &[u8],
    tag_hex: &str,
    bytes: usize,
) -> Result<bool, AppError> {
    use hmac::{Hmac, Mac};
    let Ok(tag) = hex::decode(tag_hex) else {
        return Ok(false);
    };
    if tag.len() != bytes {
        return Ok(false);
    }
    let mut mac =
        Hmac::<Sha256>::new_from_slice(key).map_err(|e| AppError::internal("HMAC key", e))?;
    mac.update(message);
    Ok(mac.verify_truncated_left(&tag).is_ok())
}

/// Compares two secrets in time independent of where they differ.
pub fn same_secret(a: &str, b: &str) -> bool {
    use subtle::ConstantTimeEq;
    // The length is not secret (every token of a kind has the same); the bytes are compared
    // in constant time.
    a.len() == b.len() && bool::from(a.as_bytes().ct_eq(b.as_bytes()))
}

/// Characters of a generated password: letters and digits that cannot be mistaken for one
/// another (no 0/O, 1/l/I).
const PASSWORD_ALPHABET: &[u8] = b"abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";

/// A random password of 20 characters from [`PASSWORD_ALPHABET`], each character equally
/// likely: random bytes past the largest multiple of the alphabet's size are drawn again
/// rather than folded in (which would favour the first characters).
pub fn generated_password() -> Result<String, AppError> {
    const LEN: usize = 20;
    let n = PASSWORD_ALPHABET.len();
    let limit = 256 - 256 % n;
    let mut out = String::with_capacity(LEN);
    let mut buf = [0u8; 32];
    while out.len() < LEN {
        getrandom::fill(&mut buf).map_err(|e| AppError::internal("no randomness", e))?;
        for b in buf.iter().map(|b| usize::from(*b)).filter(|b| *b < limit) {
            if out.len() == LEN {
                break;
            }
            out.push(char::from(PASSWORD_ALPHABET[b % n]));
        }
    }
    Ok(out)
}

/// `bytes` random bytes as hex: the secret part of a token or API key.
pub fn random_hex(bytes: usize) -> Result<String, AppError> {
    let mut buf = vec![0u8; bytes];
    getrandom::fill(&mut buf).map_err(|e| AppError::internal("no randomness", e))?;
    Ok(hex(&buf))
}

/// How many password hashes or checks run at once; more wait in line. Each argon2id run
/// holds about 19 MiB, so this bounds what a flood of sign-ins or invitations can take.
pub const PASSWORD_PERMITS: usize = 2;

/// How many days a personal token works unless its maker says otherwise.
pub const TOKEN_DAYS: i64 = 90;

/// The longest life a personal token may be given, in days.
pub const TOKEN_MAX_DAYS: i64 = 3_650;

/// How many lines a page of the audit log shows unless asked for another number.
pub const AUDIT_PAGE: u32 = 50;

/// The most lines one page of the audit log shows.
pub const AUDIT_PAGE_MAX: u32 = 200;

/// Every action the audit log records, grouped by what they are about; the newsroom offers
/// them as a filter and names each in the member's language (a line whose action is not
/// here, such as one written by an older version, shows its raw name).
pub const AUDIT_ACTIONS: &[&str] = &[
    "published",
    "scheduled",
    "unpublished",
    "unscheduled",
    "audio_requeued",
    "corrected",
    "change_pending",
    "revision_applied",
    "revision_discarded",
    "restored",
    "setup",
    "invited",
    "role_changed",
    "deactivated",
    "reactivated",
    "password_changed",
    "password_reset",
    "signed_out_everywhere",
    "token_revoked",
    "section_saved",
    "tag_renamed",
    "webhook_created",
    "webhook_deleted",
    "wire_feed_added",
    "wire_feed_removed",
    "newsletter sent",
    "setting_changed",
    "breaking_shown",
    "breaking_removed",
];

/// Every kind of thing an audit line is about.
pub const AUDIT_ENTITIES: &[&str] = &[
    "article",
    "user",
    "section",
    "tag",
    "webhook",
    "wire_feed",
    "send",
    "settings",
];

/// A page of the audit log as an owner or admin reads it.
#[derive(Debug, Clone)]
pub struct AuditLog {
    /// The lines, newest first, and the cursor of the next page.
    pub page: AuditPage,
    /// Every member, by name (what the log can be filtered by).
    pub members: Vec<User>,
}

/// The hash a password is checked against when the address has no account, so an unknown
/// address costs what a known one does.
static DUMMY_HASH: std::sync::OnceLock<String> = std::sync::OnceLock::new();

/// Checks a new password's length (before any hashing).
fn check_new_password(password: &str) -> Result<(), AppError> {
    if password.chars().count() < MIN_PASSWORD_CHARS {
        return Err(AppError::Invalid(
            ValidationError::new(
                "password",
                "invalid-password-short",
                format!("use at least {MIN_PASSWORD_CHARS} characters"),
            )
            .with("min", MIN_PASSWORD_CHARS),
        ));
    }
    if password.len() > 1_000 {
        return Err(AppError::invalid(
            "password",
            "invalid-password-long",
            "use at most 1,000 characters",
        ));
    }
    Ok(())
}

/// What became of a save.
#[derive(Debug, Clone)]
pub enum Saved {
    /// The article changed; here it is.
    Applied(Article),
    /// The article is published or scheduled and the actor may not publish it: the change
    /// waits as a pending revision (this id) for an editor, and the article is unchanged.
    Pending {
        /// The article as it still is.
        article: Article,
        /// The pending revision's id.
        revision: i64,
    },
}

impl Saved {
    /// The article as it now is (unchanged when the save is pending).
    pub fn article(&self) -> &Article {
        match self {
            Saved::Applied(a) | Saved::Pending { article: a, .. } => a,
        }
    }
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
    /// Every account, for the operator's `arabpress user list`.
    pub async fn all_users(&self) -> Result<Vec<User>, AppError> {
        Ok(self.store().users().await?)
    }

    /// The account with this address, if any.
    pub async fn user_by_email(&self, email: &str) -> Result<Option<User>, AppError> {
        Ok(self.store().user_by_email(email).await?.map(|(u, _)| u))
    }

    /// Waits for one of the [`PASSWORD_PERMITS`] and counts the hash or check it allows.
    async fn password_permit(&self) -> Result<tokio::sync::SemaphorePermit<'_>, AppError> {
        let permit = self
            .inner
            .passwords
            .acquire()
            .await
            .map_err(|e| AppError::internal("password permits", e))?;
        self.inner
            .password_work
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        Ok(permit)
    }

    /// Checks a new password's length and hashes it with argon2id, off the async threads
    /// and at most [`PASSWORD_PERMITS`] at a time.
    pub(crate) async fn hash_password(&self, password: &str) -> Result<String, AppError> {
        check_new_password(password)?;
        let _permit = self.password_permit().await?;
        let pw = password.to_owned();
        tokio::task::spawn_blocking(move || {
            Argon2::default()
                .hash_password(pw.as_bytes())
                .map(|h| h.to_string())
        })
        .await
        .map_err(|e| AppError::internal("password task", e))?
        .map_err(|e| AppError::internal("hashing the password", e))
    }

    /// Whether `password` matches `hash`; with no hash (no such account) a dummy hash is
    /// checked instead, so the answer takes as long. At most [`PASSWORD_PERMITS`] at a time.
    async fn check_password(&self, hash: Option<String>, password: &str) -> Result<bool, AppError> {
        let _permit = self.password_permit().await?;
        let real = hash.is_some();
        let pw = password.to_owned();
        tokio::task::spawn_blocking(move || {
            let hash = match hash {
                Some(h) => h,
                None => DUMMY_HASH
                    .get_or_init(|| {
                        Argon2::default()
                            .hash_password(b"no account has this password")
                            .map(|h| h.to_string())
                            .unwrap_or_default()
                    })
                    .clone(),
            };
            let ok = PasswordHash::new(&hash)
                .map(|h| Argon2::default().verify_password(pw.as_bytes(), &h).is_ok())
                .unwrap_or(false);
            real && ok
        })
        .await
        .map_err(|e| AppError::internal("password task", e))
    }

    /// How many password hashes and checks this process has run (an unknown address
    /// counts too: it is checked against a dummy hash).
    pub fn password_work(&self) -> u64 {
        self.inner
            .password_work
            .load(std::sync::atomic::Ordering::Relaxed)
    }

    /// Holds every password permit until the returned guard is dropped, so no hash or
    /// check can start meanwhile (for operators draining a node, and for tests).
    pub async fn hold_password_permits(
        &self,
    ) -> Result<tokio::sync::SemaphorePermit<'_>, AppError> {
        self.inner
            .passwords
            .acquire_many(u32::try_from(PASSWORD_PERMITS).unwrap_or(u32::MAX))
            .await
            .map_err(|e| AppError::internal("password permits", e))
    }

    /// Creates an account with an argon2id password hash.
    pub async fn create_user(
        &self,
        email: &str,
        name: &str,
        role: Role,
        password: &str,
    ) -> Result<User, AppError> {
        let hash = self.hash_password(password).await?;
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
        let found = self.store().user_by_email(email).await?;
        let (user, hash) = match found {
            Some((u, h)) => (Some(u), Some(h)),
            None => (None, None),
        };
        let ok = self.check_password(hash, password).await?;
        Ok(user.filter(|u| ok && u.active))
    }

    /// Creates a personal API token for a user, working for [`TOKEN_DAYS`] days; the
    /// secret is returned once.
    pub async fn create_token(&self, user_id: i64, name: &str) -> Result<String, AppError> {
        self.create_token_for_days(user_id, name, TOKEN_DAYS).await
    }

    /// Creates a personal API token working for `days` days (1 to 3,650); the secret is
    /// returned once.
    pub async fn create_token_for_days(
        &self,
        user_id: i64,
        name: &str,
        days: i64,
    ) -> Result<String, AppError> {
        if !(1..=TOKEN_MAX_DAYS).contains(&days) {
            return Err(AppError::Invalid(
                ValidationError::new(
                    "expires-in-days",
                    "invalid-token-days",
                    format!("a token works for 1 to {TOKEN_MAX_DAYS} days, not {days}"),
                )
                .with("max", TOKEN_MAX_DAYS),
            ));
        }
        let secret = format!("apt_{}", random_hex(24)?);
        let now = self.now();
        let expires = now
            .checked_add(jiff::SignedDuration::from_hours(24 * days))
            .map_err(|e| AppError::internal("token expiry", e))?;
        self.store()
            .create_token(user_id, name, &token_hash(&secret), now, expires)
            .await?;
        Ok(secret)
    }

    /// The active user a personal token belongs to; `None` when the token is unknown,
    /// revoked or its user deactivated. An expired token is refused with a message saying
    /// when it expired.
    pub async fn user_for_token(&self, secret: &str) -> Result<Option<User>, AppError> {
        if !secret.starts_with("apt_") || secret.len() > 100 {
            return Ok(None);
        }
        match self.store().token_owner(&token_hash(secret)).await? {
            Some((_, Some(expires))) if expires <= self.now() => {
                Err(AppError::Unauthorized(Unauthorized::TokenExpired {
                    at: expires,
                }))
            }
            Some((user, _)) => Ok(Some(user)),
            None => Ok(None),
        }
    }

    /// Personal tokens: the actor's own, or (for an admin) everyone's with `all`.
    pub async fn tokens_as(&self, actor: &User, all: bool) -> Result<Vec<TokenRow>, AppError> {
        if all && !actor.role.can_manage_users() {
            return Err(crate::newsroom::forbidden(
                actor,
                "see other members' tokens",
            ));
        }
        Ok(self.store().tokens((!all).then_some(actor.id)).await?)
    }

    /// Revokes a token: a member their own, an admin anyone's.
    pub async fn revoke_token_as(&self, actor: &User, id: i64) -> Result<(), AppError> {
        let all = self.store().tokens(None).await?;
        let t = all.iter().find(|t| t.id == id).ok_or(AppError::NotFound)?;
        if t.user_id != actor.id && !actor.role.can_manage_users() {
            return Err(crate::newsroom::forbidden(
                actor,
                "revoke another member's token",
            ));
        }
        self.revoke_token(id, Some(actor.id)).await
    }

    /// Revokes a token by id (an operator at the command line, or [`App::revoke_token_as`]).
    pub async fn revoke_token(&self, id: i64, actor: Option<i64>) -> Result<(), AppError> {
        let all = self.store().tokens(None).await?;
        let t = all.iter().find(|t| t.id == id).ok_or(AppError::NotFound)?;
        if !self.store().revoke_token(id, self.now()).await? {
            return Err(AppError::invalid(
                "token",
                "invalid-token-revoked",
                format!("token {id} is already revoked"),
            ));
        }
        self.store()
            .audit(
                actor,
                "token_revoked",
                "user",
                t.user_id,
                &format!("token {id} ({})", t.name),
                self.now(),
            )
            .await?;
        Ok(())
    }

    /// Every personal token, or one member's, for an operator.
    pub async fn tokens(&self, email: Option<&str>) -> Result<Vec<TokenRow>, AppError> {
        let user = match email {
            Some(e) => Some(
                self.store()
                    .user_by_email(e)
                    .await?
                    .ok_or_else(|| {
                        AppError::invalid(
                            "email",
                            "invalid-no-account",
                            format!("no account has the address {e}"),
                        )
                    })?
                    .0
                    .id,
            ),
            None => None,
        };
        Ok(self.store().tokens(user).await?)
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
            return Err(crate::newsroom::forbidden(
                actor,
                "publish; save it as a draft or submit it for review",
            ));
        }
        if status == ArticleStatus::Unpublished {
            return Err(AppError::invalid(
                "status",
                "invalid-withdraw-new",
                "a new article cannot be unpublished",
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
        let a = self.publish_or_schedule(a.summary.id, publish_at).await?;
        self.audit_article(actor, publication(&a), &a).await?;
        Ok(a)
    }

    /// Saves a new version of an article for `actor` (their own, or any for an editor).
    /// A published or scheduled article changes only for someone who may publish it; for
    /// anyone else the change is kept as a pending revision for an editor to apply or
    /// discard, and the live article stays as it is.
    pub async fn update_as(
        &self,
        actor: &User,
        id: i64,
        expected_version: i64,
        draft: ArticleDraft,
    ) -> Result<Saved, AppError> {
        let own = self.owns(actor, id).await?;
        if !actor.role.can_edit(own) {
            return Err(crate::newsroom::forbidden(
                actor,
                "edit another writer's article",
            ));
        }
        let current = self
            .store()
            .article_by_id(id)
            .await?
            .ok_or(AppError::NotFound)?;
        let live = matches!(
            current.status,
            ArticleStatus::Published | ArticleStatus::Scheduled
        );
        if live && !actor.role.can_publish(own) {
            if current.version != expected_version {
                return Err(AppError::Conflict(Conflict::StaleVersion {
                    current: current.version,
                    opened: expected_version,
                }));
            }
            // The same checks as a save, so a pending change can always be applied.
            let draft = draft.validate().map_err(AppError::Invalid)?;
            let revision = self
                .store()
                .add_pending_revision(id, expected_version, &draft, actor.id, self.now())
                .await?;
            self.store()
                .audit(
                    Some(actor.id),
                    "change_pending",
                    "article",
                    id,
                    &format!("pending revision {revision}"),
                    self.now(),
                )
                .await?;
            return Ok(Saved::Pending {
                article: current,
                revision,
            });
        }
        self.write_update(id, expected_version, draft, Some(actor.id))
            .await
            .map(Saved::Applied)
    }

    /// Publishes (now, or at `at`) for `actor`.
    pub async fn publish_as(
        &self,
        actor: &User,
        id: i64,
        at: Option<Timestamp>,
    ) -> Result<Article, AppError> {
        if !actor.role.can_publish(self.owns(actor, id).await?) {
            return Err(crate::newsroom::forbidden(actor, "publish this article"));
        }
        let a = self.publish_or_schedule(id, at).await?;
        self.audit_article(actor, publication(&a), &a).await?;
        Ok(a)
    }

    /// Withdraws an article for `actor`.
    pub async fn unpublish_as(&self, actor: &User, id: i64) -> Result<Article, AppError> {
        if !actor.role.can_publish(self.owns(actor, id).await?) {
            return Err(crate::newsroom::forbidden(actor, "withdraw this article"));
        }
        let a = self
            .set_status(id, ArticleStatus::Unpublished, None)
            .await?;
        self.audit_article(actor, "unpublished", &a).await?;
        Ok(a)
    }

    /// Takes a scheduled article back to draft for `actor`, who needs the right to publish
    /// it; the audit log records it.
    pub async fn unschedule_as(&self, actor: &User, id: i64) -> Result<Article, AppError> {
        if !actor.role.can_publish(self.owns(actor, id).await?) {
            return Err(crate::newsroom::forbidden(actor, "unschedule this article"));
        }
        let a = self.unschedule(id).await?;
        self.audit_article(actor, "unscheduled", &a).await?;
        Ok(a)
    }

    /// Asks for a published article to be spoken again, for `actor`, who needs the right to
    /// publish it. The audio worker makes a new file on its next round; the old one is
    /// served until then.
    pub async fn speak_again_as(&self, actor: &User, id: i64) -> Result<(), AppError> {
        if !actor.role.can_publish(self.owns(actor, id).await?) {
            return Err(crate::newsroom::forbidden(
                actor,
                "have this article spoken again",
            ));
        }
        let a = self
            .store()
            .article_by_id(id)
            .await?
            .ok_or(AppError::NotFound)?;
        if a.status != ArticleStatus::Published {
            return Err(AppError::invalid(
                "status",
                "invalid-speak-unpublished",
                "only a published article is spoken",
            ));
        }
        self.store().requeue_audio(id, self.now()).await?;
        self.audit_article(actor, "audio_requeued", &a).await
    }

    /// The account `id`, or [`AppError::NotFound`].
    pub(crate) async fn user_or_not_found(&self, id: i64) -> Result<User, AppError> {
        self.store().user_by_id(id).await?.ok_or(AppError::NotFound)
    }

    /// Changes a user's role, for an admin; only the owner may make or unmake owners.
    pub async fn set_role_as(
        &self,
        actor: &User,
        user_id: i64,
        role: Role,
    ) -> Result<(), AppError> {
        let target = self.user_or_not_found(user_id).await?;
        let owner_involved = role == Role::Owner || target.role == Role::Owner;
        if !actor.role.can_manage_users() || (owner_involved && actor.role != Role::Owner) {
            return Err(crate::newsroom::forbidden(actor, "change this role"));
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

    /// A page of the audit log, newest first, for an owner or admin: `query.limit` is
    /// held between 1 and [`AUDIT_PAGE_MAX`] (0 means [`AUDIT_PAGE`]).
    pub async fn audit_log_as(
        &self,
        actor: &User,
        query: AuditQuery,
    ) -> Result<AuditLog, AppError> {
        if !actor.role.can_manage_users() {
            return Err(crate::newsroom::forbidden(actor, "read the audit log"));
        }
        let limit = match query.limit {
            0 => AUDIT_PAGE,
            n => n.min(AUDIT_PAGE_MAX),
        };
        let page = self
            .store()
            .audit_log(&AuditQuery { limit, ..query })
            .await?;
        Ok(AuditLog {
            page,
            members: self.store().users().await?,
        })
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
    use super::*;

    #[test]
    fn generated_passwords_are_long_unambiguous_and_differ() {
        let a = generated_password().unwrap();
        let b = generated_password().unwrap();
        assert_eq!(a.chars().count(), 20);
        assert!(a.bytes().all(|c| PASSWORD_ALPHABET.contains(&c)), "{a}");
        assert!(!a.contains(['0', 'O', '1', 'l', 'I']), "{a}");
        assert_ne!(a, b);
        assert!(a.chars().count() >= MIN_PASSWORD_CHARS);
    }

    #[test]
    fn secrets_compare_whole() {
        assert!(super::same_secret("abc", "abc"));
        assert!(!super::same_secret("abc", "abd"));
        assert!(!super::same_secret("abc", "ab"));
    }
}
