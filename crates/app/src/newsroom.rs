//! The newsroom's services: signing in (sessions in the store, so every web node shares
//! them, and a failed-login limit per account and per address), the first owner, invitations,
//! passwords, deactivation; the editorial workflow beyond publishing (review, corrections,
//! translations), revisions with diffs and restore, the preview, and the newsroom's lists.
//! Every rule about who may do what is checked here, whatever the client.

use crate::accounts::{Saved, random_hex, token_hash};
use crate::{App, AppError, Forbidden, RateLimit, Unauthorized};
use arabpress_core::model::Article;
use arabpress_core::{
    ArticleDraft, ArticleStatus, Conflict, Lang, Role, Slug, User, ValidationError,
};
use arabpress_store::{
    NewsroomArticle, NewsroomPage, NewsroomQuery, PendingRevision, Revision, TagsFrom,
};
use jiff::{SignedDuration, Timestamp};
use std::net::IpAddr;

/// How long a session lasts without signing in again.
pub const SESSION_DAYS: i64 = 14;
/// Suggestions an author or tag picker offers at a time.
pub const PICKER_SUGGESTIONS: u32 = 10;
/// Tags a page of the newsroom's tag list shows.
pub const TAGS_PER_PAGE: u32 = 50;
/// How long an invitation link works.
pub const INVITE_DAYS: i64 = 7;
/// The window over which failed logins are counted.
pub const LOGIN_WINDOW_MINUTES: i64 = 15;
/// Sign-in attempts allowed per account from one client address in the window; more are
/// refused (from that address only: the owner elsewhere still signs in).
pub const LOGIN_FAILURES_PER_ACCOUNT: u64 = 5;
/// Sign-in attempts allowed per client address in the window, whatever the account.
pub const LOGIN_FAILURES_PER_IP: u64 = 20;
/// Sign-in attempts on one account from every address in the window beyond which each
/// further attempt waits [`LOGIN_SLOW_SECONDS`] before its password is checked (slower
/// guessing, but no lock-out anyone could cause).
pub const LOGIN_ATTEMPTS_BEFORE_SLOWING: u64 = 20;
/// The wait of a sign-in on an account under attack.
pub const LOGIN_SLOW_SECONDS: u64 = 2;

/// A signed-in browser.
#[derive(Debug, Clone)]
pub struct Session {
    /// The cookie's value (only its hash is stored).
    pub token: String,
    /// The secret every state-changing form must echo.
    pub csrf: String,
    /// Who is signed in.
    pub user: User,
}

/// The newsroom's front page.
#[derive(Debug, Clone)]
pub struct Dashboard {
    /// Articles waiting for an editor.
    pub in_review: Vec<NewsroomArticle>,
    /// Changes to published or scheduled articles waiting for an editor (an editor sees
    /// every one, anyone else their own).
    pub pending: Vec<PendingRevision>,
    /// Articles due to be published, soonest first.
    pub scheduled: Vec<NewsroomArticle>,
    /// The user's own drafts.
    pub my_drafts: Vec<NewsroomArticle>,
    /// The latest published.
    pub published: Vec<NewsroomArticle>,
    /// Whether articles are spoken here, and if not, why.
    pub audio: crate::AudioStatus,
    /// How many published articles have audio, failed or wait.
    pub audio_counts: arabpress_store::AudioCounts,
}

/// One line of a revision diff.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DiffLine {
    /// `' '` kept, `'-'` removed, `'+'` added.
    pub tag: char,
    /// The line, without its newline.
    pub text: String,
}

/// The workflow step a save asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// Keep as a draft (or as it is).
    Save,
    /// Submit to an editor.
    Review,
    /// Publish now.
    Publish,
    /// Publish at a time.
    Schedule(Timestamp),
    /// Withdraw.
    Unpublish,
}

/// A page of the newsroom's tag list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TagList {
    /// The tags shown, by name, each with how many articles (any status) carry it.
    pub tags: Vec<(arabpress_core::model::Tag, u64)>,
    /// The tag the previous page ends before (the first shown), when tags come before.
    pub before: Option<i64>,
    /// The tag the next page starts after (the last shown), when tags follow.
    pub after: Option<i64>,
}

/// The refusal of an action `actor`'s role does not allow.
pub(crate) fn forbidden(actor: &User, action: &'static str) -> AppError {
    AppError::Forbidden(Forbidden::Role {
        role: actor.role,
        action,
    })
}

/// The refusal of a save made by itself on an article that is no longer a draft.
fn not_a_draft() -> AppError {
    AppError::Conflict(Conflict::NotADraft)
}

/// The text a revision diff compares: headline, standfirst, then the body.
fn diff_text(headline: &str, standfirst: &str, body: &str) -> String {
    format!("{headline}\n\n{standfirst}\n\n{}\n", body.trim_end())
}

impl App {
    /// Whether the site still needs its first account.
    pub async fn needs_setup(&self) -> Result<bool, AppError> {
        Ok(self.store().count_users().await? == 0)
    }

    /// Creates the owner account on a site with no account yet, and signs them in.
    pub async fn setup_owner(
        &self,
        email: &str,
        name: &str,
        password: &str,
        lang: Lang,
    ) -> Result<Session, AppError> {
        if !self.needs_setup().await? {
            return Err(AppError::Forbidden(Forbidden::SetupDone));
        }
        let user = self.create_user(email, name, Role::Owner, password).await?;
        self.store().set_ui_lang(user.id, lang).await?;
        self.store()
            .audit(Some(user.id), "setup", "user", user.id, "owner", self.now())
            .await?;
        self.start_session(user).await
    }

    async fn start_session(&self, mut user: User) -> Result<Session, AppError> {
        let token = random_hex(32)?;
        let csrf = random_hex(16)?;
        let now = self.now();
        self.store()
            .create_session(
                &token_hash(&token),
                user.id,
                &csrf,
                now,
                now.checked_add(SignedDuration::from_hours(24 * SESSION_DAYS))
                    .map_err(|e| AppError::internal("session expiry", e))?,
            )
            .await?;
        if let Some(fresh) = self.store().user_by_id(user.id).await? {
            user = fresh;
        }
        Ok(Session { token, csrf, user })
    }

    /// Signs in with a password. Each attempt is recorded before the password is checked
    /// (so concurrent guesses cannot all slip under the limit), then counted: after
    /// [`LOGIN_FAILURES_PER_ACCOUNT`] attempts on an account from one address, or
    /// [`LOGIN_FAILURES_PER_IP`] from one address, within [`LOGIN_WINDOW_MINUTES`], that
    /// address is refused until the window has passed. Beyond
    /// [`LOGIN_ATTEMPTS_BEFORE_SLOWING`] attempts on the account from everywhere, each
    /// attempt waits [`LOGIN_SLOW_SECONDS`] first, so the owner's right password from
    /// another address still gets in. An unknown address costs a password check too.
    pub async fn login(
        &self,
        email: &str,
        password: &str,
        ip: Option<IpAddr>,
    ) -> Result<Session, AppError> {
        let now = self.now();
        let since = now
            .checked_sub(SignedDuration::from_mins(LOGIN_WINDOW_MINUTES))
            .unwrap_or(Timestamp::UNIX_EPOCH);
        let who = email.trim().to_lowercase();
        let from = ip.map_or_else(|| "-".to_owned(), |ip| ip.to_string());
        let pair = format!("pair:{who}|{from}");
        let account = format!("account:{who}");
        let address = ip.map(|ip| format!("ip:{ip}"));
        let mut scopes = vec![pair.as_str(), account.as_str()];
        scopes.extend(address.as_deref());
        let store = self.store();
        let (ids, counts) = store.record_login_attempt(&scopes, now, since).await?;
        let count = |i: usize| counts.get(i).copied().unwrap_or(0);
        if count(0) > LOGIN_FAILURES_PER_ACCOUNT
            || (address.is_some() && count(2) > LOGIN_FAILURES_PER_IP)
        {
            return Err(AppError::RateLimited(RateLimit::SignIn));
        }
        if count(1) > LOGIN_ATTEMPTS_BEFORE_SLOWING {
            tokio::time::sleep(std::time::Duration::from_secs(LOGIN_SLOW_SECONDS)).await;
        }
        match self.verify_login(email, password).await? {
            Some(user) => {
                store.forget_login_attempts(&ids).await?;
                store.clear_login_failures(&pair).await?;
                self.start_session(user).await
            }
            None => Err(AppError::Unauthorized(Unauthorized::WrongCredentials)),
        }
    }

    /// Forgets expired sessions, and failed sign-ins and newsletter sign-ups older than
    /// their rate-limit windows.
    pub async fn purge_sessions(&self) -> Result<(), AppError> {
        let now = self.now();
        let before = now
            .checked_sub(SignedDuration::from_mins(LOGIN_WINDOW_MINUTES))
            .unwrap_or(Timestamp::UNIX_EPOCH);
        self.store().purge_sessions(now, before).await?;
        // Newsletter sign-ups are counted over the last hour.
        self.store()
            .purge_signup_attempts(now - SignedDuration::from_hours(1))
            .await?;
        // The query planner's statistics, as the archive grows; a failure (the database
        // busy for longer than its timeout) waits for the next round.
        if let Err(e) = self.store().optimize().await {
            tracing::warn!(error = %e, "updating the query planner's statistics failed");
        }
        // The job reports of nodes gone for a day.
        self.store()
            .prune_job_statuses(now - SignedDuration::from_hours(24))
            .await?;
        Ok(())
    }

    /// The session a cookie names, if it is live and its user active.
    pub async fn session(&self, token: &str) -> Result<Option<Session>, AppError> {
        if token.len() != 64 || !token.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Ok(None);
        }
        Ok(self
            .store()
            .session_user(&token_hash(token), self.now())
            .await?
            .map(|(user, csrf)| Session {
                token: token.to_owned(),
                csrf,
                user,
            }))
    }

    /// Signs this browser out.
    pub async fn logout(&self, token: &str) -> Result<(), AppError> {
        Ok(self.store().delete_session(&token_hash(token)).await?)
    }

    /// Signs a user out of every browser and revokes every personal token of theirs.
    pub async fn logout_everywhere(&self, user: &User) -> Result<u64, AppError> {
        let n = self.store().delete_sessions_of(user.id).await?;
        let tokens = self.store().revoke_tokens_of(user.id, self.now()).await?;
        self.store()
            .audit(
                Some(user.id),
                "signed_out_everywhere",
                "user",
                user.id,
                &format!("{n} sessions, {tokens} tokens"),
                self.now(),
            )
            .await?;
        Ok(n)
    }

    /// Changes a password after checking the current one; every session of the user ends,
    /// every personal token is revoked, and a new session is returned for the browser that
    /// made the change.
    pub async fn change_password(
        &self,
        user: &User,
        current: &str,
        new: &str,
    ) -> Result<Session, AppError> {
        if self.verify_login(&user.email, current).await?.is_none() {
            return Err(AppError::Unauthorized(Unauthorized::WrongCurrentPassword));
        }
        let hash = self.hash_password(new).await?;
        self.store().set_password(user.id, &hash).await?;
        self.store().delete_sessions_of(user.id).await?;
        self.store().revoke_tokens_of(user.id, self.now()).await?;
        self.store()
            .audit(
                Some(user.id),
                "password_changed",
                "user",
                user.id,
                "",
                self.now(),
            )
            .await?;
        self.start_session(user.clone()).await
    }

    /// Sets a new password for the account with this address, for an operator at the
    /// command line (a restored archive without secrets, a forgotten password); every
    /// session of the account ends and every personal token is revoked.
    pub async fn reset_password(&self, email: &str, new: &str) -> Result<User, AppError> {
        let (user, _) = self
            .store()
            .user_by_email(email.trim())
            .await?
            .ok_or_else(|| {
                AppError::invalid(
                    "email",
                    "invalid-no-account",
                    format!("no account has the address {email}"),
                )
            })?;
        let hash = self.hash_password(new).await?;
        self.store().set_password(user.id, &hash).await?;
        self.store().delete_sessions_of(user.id).await?;
        self.store().revoke_tokens_of(user.id, self.now()).await?;
        self.store()
            .audit(None, "password_reset", "user", user.id, "", self.now())
            .await?;
        Ok(user)
    }

    /// Sets the language of a user's newsroom.
    pub async fn set_ui_lang(&self, user: &User, lang: Lang) -> Result<(), AppError> {
        Ok(self.store().set_ui_lang(user.id, lang).await?)
    }

    /// Invites someone: returns the one-time token for the link `/admin/invite/{token}`.
    pub async fn invite_as(
        &self,
        actor: &User,
        email: &str,
        role: Role,
    ) -> Result<String, AppError> {
        if !actor.role.can_manage_users() || (role == Role::Owner && actor.role != Role::Owner) {
            return Err(forbidden(actor, "invite with this role"));
        }
        let token = random_hex(24)?;
        let now = self.now();
        let expires = now
            .checked_add(SignedDuration::from_hours(24 * INVITE_DAYS))
            .map_err(|e| AppError::internal("invite expiry", e))?;
        let email = self
            .store()
            .create_invite(&token_hash(&token), email, role, actor.id, now, expires)
            .await?;
        self.store()
            .audit(
                Some(actor.id),
                "invited",
                "user",
                0,
                &format!("{email} as {role}"),
                now,
            )
            .await?;
        Ok(token)
    }

    /// The address and role an invitation is for, if it can still be used.
    pub async fn invite(&self, token: &str) -> Result<Option<(String, Role)>, AppError> {
        if token.len() > 100 {
            return Ok(None);
        }
        Ok(self.store().invite(&token_hash(token), self.now()).await?)
    }

    /// Accepts an invitation: creates the account and signs it in. A token works once.
    /// The token is checked before the password is hashed, so a made-up token costs no
    /// hashing.
    pub async fn accept_invite(
        &self,
        token: &str,
        name: &str,
        password: &str,
        lang: Lang,
    ) -> Result<Session, AppError> {
        if self.invite(token).await?.is_none() {
            return Err(AppError::Gone);
        }
        let hash = self.hash_password(password).await?;
        let user = self
            .store()
            .accept_invite(&token_hash(token), name, &hash, self.now())
            .await
            .map_err(|e| match e {
                arabpress_store::StoreError::NotFound(_) => AppError::Gone,
                other => other.into(),
            })?;
        self.store().set_ui_lang(user.id, lang).await?;
        self.start_session(user).await
    }

    /// Deactivates (or reactivates) an account, for an admin. The account's articles stay;
    /// its sessions end and its personal tokens are revoked at once.
    pub async fn set_active_as(
        &self,
        actor: &User,
        user_id: i64,
        active: bool,
    ) -> Result<(), AppError> {
        let target = self.user_or_not_found(user_id).await?;
        if !actor.role.can_manage_users()
            || target.id == actor.id
            || (target.role == Role::Owner && actor.role != Role::Owner)
        {
            return Err(forbidden(actor, "change this account"));
        }
        self.store().set_active(user_id, active).await?;
        if !active {
            self.store().delete_sessions_of(user_id).await?;
            self.store().revoke_tokens_of(user_id, self.now()).await?;
        }
        self.store()
            .audit(
                Some(actor.id),
                if active { "reactivated" } else { "deactivated" },
                "user",
                user_id,
                &target.email,
                self.now(),
            )
            .await?;
        Ok(())
    }

    /// Every account, for an admin.
    pub async fn users_as(&self, actor: &User) -> Result<Vec<User>, AppError> {
        if !actor.role.can_manage_users() {
            return Err(forbidden(actor, "manage users"));
        }
        Ok(self.store().users().await?)
    }

    /// An article for its editor: anyone may open their own, editors any.
    pub async fn article_for(&self, actor: &User, id: i64) -> Result<Article, AppError> {
        let a = self
            .store()
            .article_by_id(id)
            .await?
            .ok_or(AppError::NotFound)?;
        if !actor.role.can_edit(a.created_by == Some(actor.id)) {
            return Err(forbidden(actor, "open another writer's article"));
        }
        Ok(a)
    }

    /// The fields of an article as a draft, as the editor shows them.
    pub async fn draft_of(&self, a: &Article) -> Result<ArticleDraft, AppError> {
        let sections = self.sections().await?;
        let section = sections
            .iter()
            .find(|s| s.id == a.summary.section_id)
            .ok_or_else(|| {
                AppError::internal(format!("article {}", a.summary.id), "it has no section")
            })?;
        let slug = |s: &str| {
            Slug::parse(s).map_err(|e| AppError::internal(format!("stored slug {s:?}"), e))
        };
        Ok(ArticleDraft {
            lang: a.summary.lang,
            slug: Some(slug(&a.summary.slug)?),
            headline: a.summary.headline.clone(),
            standfirst: a.summary.standfirst.clone(),
            body_md: a.body_md.clone(),
            kind: a.summary.kind,
            section: slug(&section.slug)?,
            tags: a.tags.iter().map(|t| t.name.clone()).collect(),
            authors: a
                .authors
                .iter()
                .map(|x| slug(&x.slug))
                .collect::<Result<_, _>>()?,
            source: a.source.clone(),
            image: a.summary.image.clone(),
            seo_title: a.seo_title.clone(),
            seo_description: a.seo_description.clone(),
        })
    }

    /// Saves what the editor sent and takes the workflow step asked for, as one action of
    /// `actor`: a new article when `id` is `None`, otherwise a new version of `id` based on
    /// `expected_version` (refused when someone saved since).
    pub async fn save_as(
        &self,
        actor: &User,
        id: Option<i64>,
        expected_version: i64,
        draft: ArticleDraft,
        step: Step,
    ) -> Result<Saved, AppError> {
        let publishing = matches!(step, Step::Publish | Step::Schedule(_));
        if let Step::Schedule(at) = step
            && at <= self.now()
        {
            return Err(AppError::invalid(
                "publish_at",
                "invalid-publish-at-past",
                "the time to publish has already passed",
            ));
        }
        let a = match id {
            None => {
                let status = match step {
                    Step::Review => ArticleStatus::InReview,
                    Step::Unpublish => {
                        return Err(AppError::invalid(
                            "status",
                            "invalid-withdraw-new",
                            "a new article cannot be withdrawn",
                        ));
                    }
                    _ => ArticleStatus::Draft,
                };
                if publishing && !actor.role.can_publish(true) {
                    return Err(forbidden(actor, "publish; submit it for review instead"));
                }
                self.create_as(actor, draft, status, None).await?
            }
            Some(id) => {
                if (publishing || step == Step::Unpublish)
                    && !actor.role.can_publish(self.owns(actor, id).await?)
                {
                    return Err(forbidden(actor, "publish or withdraw this article"));
                }
                match self.update_as(actor, id, expected_version, draft).await? {
                    Saved::Applied(a) => a,
                    pending @ Saved::Pending { .. } => return Ok(pending),
                }
            }
        };
        let id = a.summary.id;
        let a = match step {
            Step::Save => Ok(a),
            Step::Review => {
                if a.status == ArticleStatus::InReview {
                    return Ok(Saved::Applied(a));
                }
                if !matches!(a.status, ArticleStatus::Draft | ArticleStatus::Unpublished) {
                    return Err(AppError::invalid(
                        "status",
                        "invalid-review-not-draft",
                        "only a draft can be submitted for review",
                    ));
                }
                self.set_status_to(id, ArticleStatus::InReview).await
            }
            Step::Publish => self.publish_as(actor, id, None).await,
            Step::Schedule(at) => self.publish_as(actor, id, Some(at)).await,
            Step::Unpublish => self.unpublish_as(actor, id).await,
        }?;
        Ok(Saved::Applied(a))
    }

    /// Saves a draft the editor sent by itself while someone writes: a new draft when `id`
    /// is `None`, otherwise a new version of `id` (a revision, like any save). Only drafts are
    /// saved this way: an article in review, scheduled or live changes only when someone
    /// presses a button, and a save based on an older version is refused as stale.
    pub async fn autosave_as(
        &self,
        actor: &User,
        id: Option<i64>,
        expected_version: i64,
        draft: ArticleDraft,
    ) -> Result<Article, AppError> {
        if let Some(id) = id {
            let a = self.article_for(actor, id).await?;
            if a.status != ArticleStatus::Draft {
                return Err(not_a_draft());
            }
        }
        match self
            .save_as(actor, id, expected_version, draft, Step::Save)
            .await?
        {
            Saved::Applied(a) => Ok(a),
            Saved::Pending { .. } => Err(not_a_draft()),
        }
    }

    /// Adds a dated correction to a published article, for someone who may publish it.
    pub async fn add_correction_as(
        &self,
        actor: &User,
        id: i64,
        note: &str,
    ) -> Result<Article, AppError> {
        if !actor.role.can_publish(self.owns(actor, id).await?) {
            return Err(forbidden(actor, "correct this article"));
        }
        let note = arabpress_core::article::collapse_ws(note);
        if note.is_empty() || note.chars().count() > 1_000 {
            return Err(AppError::invalid(
                "correction",
                "invalid-correction-note",
                "write a note of 1 to 1,000 characters",
            ));
        }
        let a = self.article_for(actor, id).await?;
        if a.status != ArticleStatus::Published {
            return Err(AppError::invalid(
                "correction",
                "invalid-correction-unpublished",
                "only a published article takes a correction",
            ));
        }
        let a = self.write_correction(id, &note).await?;
        self.store()
            .audit(
                Some(actor.id),
                "corrected",
                "article",
                id,
                &note,
                self.now(),
            )
            .await?;
        Ok(a)
    }

    /// Links an article to its translation (given by id), for someone who may edit both.
    pub async fn link_translation_as(
        &self,
        actor: &User,
        id: i64,
        other: i64,
    ) -> Result<(), AppError> {
        let (a, b) = (
            self.article_for(actor, id).await?,
            self.article_for(actor, other).await?,
        );
        if a.summary.lang == b.summary.lang {
            return Err(AppError::invalid(
                "translation",
                "invalid-translation-lang",
                "a translation is in the other language",
            ));
        }
        self.link_translations(id, other).await
    }

    /// The saved versions of an article, newest first.
    pub async fn revisions_as(&self, actor: &User, id: i64) -> Result<Vec<Revision>, AppError> {
        self.article_for(actor, id).await?;
        Ok(self.store().revisions(id).await?)
    }

    /// The line diff from version `from` to version `to` (headline, standfirst, body).
    pub async fn diff_as(
        &self,
        actor: &User,
        id: i64,
        from: i64,
        to: i64,
    ) -> Result<Vec<DiffLine>, AppError> {
        self.article_for(actor, id).await?;
        let get = |v| async move {
            self.store()
                .revision(id, v)
                .await?
                .ok_or(AppError::NotFound)
        };
        let (a, b) = (get(from).await?, get(to).await?);
        let (a, b) = (
            diff_text(&a.headline, &a.standfirst, &a.body_md),
            diff_text(&b.headline, &b.standfirst, &b.body_md),
        );
        let diff = similar::TextDiff::from_lines(&a, &b);
        Ok(diff
            .iter_all_changes()
            .map(|c| DiffLine {
                tag: match c.tag() {
                    similar::ChangeTag::Equal => ' ',
                    similar::ChangeTag::Delete => '-',
                    similar::ChangeTag::Insert => '+',
                },
                text: c.value().trim_end_matches('\n').to_owned(),
            })
            .collect())
    }

    /// Restores an earlier version as a new save (so the restore itself can be undone).
    pub async fn restore_as(
        &self,
        actor: &User,
        id: i64,
        version: i64,
        expected_version: i64,
    ) -> Result<Saved, AppError> {
        let current = self.article_for(actor, id).await?;
        let rev = self
            .store()
            .revision(id, version)
            .await?
            .ok_or(AppError::NotFound)?;
        let draft = match rev.draft {
            Some(d) => d,
            None => ArticleDraft {
                headline: rev.headline,
                standfirst: rev.standfirst,
                body_md: rev.body_md,
                ..self.draft_of(&current).await?
            },
        };
        let saved = self.update_as(actor, id, expected_version, draft).await?;
        if let Saved::Applied(_) = saved {
            self.store()
                .audit(
                    Some(actor.id),
                    "restored",
                    "article",
                    id,
                    &format!("version {version}"),
                    self.now(),
                )
                .await?;
        }
        Ok(saved)
    }

    /// The pending changes of an article: an editor sees every one, anyone else their own.
    pub async fn pending_as(
        &self,
        actor: &User,
        id: i64,
    ) -> Result<Vec<PendingRevision>, AppError> {
        let a = self.article_for(actor, id).await?;
        let all = self.store().pending_revisions(Some(id)).await?;
        let editor = actor.role.can_publish(a.created_by == Some(actor.id));
        Ok(all
            .into_iter()
            .filter(|p| editor || p.user_id == Some(actor.id))
            .collect())
    }

    /// Applies a pending change as a new version, for someone who may publish the article:
    /// a published article shows it at once. `expected_version` is the version the editor
    /// looked at.
    pub async fn apply_pending_as(
        &self,
        actor: &User,
        id: i64,
        revision: i64,
        expected_version: i64,
    ) -> Result<Article, AppError> {
        if !actor.role.can_publish(self.owns(actor, id).await?) {
            return Err(forbidden(actor, "apply a change to this article"));
        }
        let p = self
            .store()
            .pending_revision(id, revision)
            .await?
            .ok_or(AppError::NotFound)?;
        let a = self
            .write_update(id, expected_version, p.draft, Some(actor.id))
            .await?;
        self.store().delete_pending_revision(id, revision).await?;
        self.store()
            .audit(
                Some(actor.id),
                "revision_applied",
                "article",
                id,
                &format!(
                    "pending revision {revision} by {} as version {} ({})",
                    p.user_name.as_deref().unwrap_or("?"),
                    a.version,
                    a.status.as_str()
                ),
                self.now(),
            )
            .await?;
        Ok(a)
    }

    /// Discards a pending change: someone who may publish the article, or its writer.
    pub async fn discard_pending_as(
        &self,
        actor: &User,
        id: i64,
        revision: i64,
    ) -> Result<(), AppError> {
        let p = self
            .store()
            .pending_revision(id, revision)
            .await?
            .ok_or(AppError::NotFound)?;
        if p.user_id != Some(actor.id) && !actor.role.can_publish(self.owns(actor, id).await?) {
            return Err(forbidden(actor, "discard this change"));
        }
        self.store().delete_pending_revision(id, revision).await?;
        self.store()
            .audit(
                Some(actor.id),
                "revision_discarded",
                "article",
                id,
                &format!("pending revision {revision}"),
                self.now(),
            )
            .await?;
        Ok(())
    }

    /// The newsroom's list. Contributors see only what they created.
    pub async fn newsroom_articles(
        &self,
        actor: &User,
        mut q: NewsroomQuery,
    ) -> Result<NewsroomPage, AppError> {
        if actor.role < Role::Author {
            q.created_by = Some(actor.id);
        }
        q.headline = q.headline.filter(|h| !h.trim().is_empty());
        Ok(self.store().newsroom_articles(&q).await?)
    }

    /// At most [`PICKER_SUGGESTIONS`] journalists whose name (either script) or slug holds
    /// `text`: what an author picker offers as one types. Nothing for an empty text, so a
    /// picker never lists every journalist.
    pub async fn find_authors(
        &self,
        text: &str,
    ) -> Result<Vec<arabpress_core::model::Author>, AppError> {
        let text = picker_text(text);
        if text.is_empty() {
            return Ok(Vec::new());
        }
        Ok(self.store().find_authors(&text, PICKER_SUGGESTIONS).await?)
    }

    /// At most [`PICKER_SUGGESTIONS`] tags in `lang` whose name or slug holds `text`: what
    /// the editor's tag field suggests.
    pub async fn find_tags(
        &self,
        lang: Lang,
        text: &str,
    ) -> Result<Vec<arabpress_core::model::Tag>, AppError> {
        let text = picker_text(text);
        if text.is_empty() {
            return Ok(Vec::new());
        }
        Ok(self
            .store()
            .find_tags(lang, &text, PICKER_SUGGESTIONS)
            .await?)
    }

    /// The journalists an author picker's value names: the one with that slug, or, typed
    /// without the picker's suggestions (script off), those whose full name in either
    /// script it is, case aside: none, one, or two when a name is shared (the caller asks
    /// for the slug then).
    pub async fn resolve_author(
        &self,
        value: &str,
    ) -> Result<Vec<arabpress_core::model::Author>, AppError> {
        let value = arabpress_core::article::collapse_ws(value);
        if value.is_empty() {
            return Ok(Vec::new());
        }
        if Slug::parse(&value).is_ok()
            && let Some(a) = self.store().author_by_slug(&value).await?
        {
            return Ok(vec![a]);
        }
        Ok(self.store().authors_named(&value).await?)
    }

    /// How the spoken versions stand, counted at most once a minute on this node (the
    /// count reads every published article).
    async fn dashboard_audio_counts(&self) -> Result<arabpress_store::AudioCounts, AppError> {
        let now = self.now();
        let fresh = |at: Timestamp| now.duration_since(at).abs() < SignedDuration::from_mins(1);
        let held = match self.inner.audio_counts.lock() {
            Ok(held) => *held,
            Err(poisoned) => *poisoned.into_inner(),
        };
        if let Some((at, counts)) = held
            && fresh(at)
        {
            return Ok(counts);
        }
        let counts = self.store().audio_counts().await?;
        match self.inner.audio_counts.lock() {
            Ok(mut held) => *held = Some((now, counts)),
            Err(poisoned) => *poisoned.into_inner() = Some((now, counts)),
        }
        Ok(counts)
    }

    /// What the dashboard shows.
    pub async fn dashboard(&self, actor: &User) -> Result<Dashboard, AppError> {
        let list = |status: ArticleStatus, mine: bool| {
            let q = NewsroomQuery {
                status: Some(status),
                created_by: mine.then_some(actor.id),
                limit: 10,
                ..NewsroomQuery::default()
            };
            async move { self.newsroom_articles(actor, q).await.map(|p| p.items) }
        };
        let mut scheduled = list(ArticleStatus::Scheduled, false).await?;
        scheduled.sort_by_key(|a| a.scheduled_at);
        let editor = actor.role.can_publish(false);
        let pending = self
            .store()
            .pending_revisions(None)
            .await?
            .into_iter()
            .filter(|p| editor || p.user_id == Some(actor.id))
            .collect();
        Ok(Dashboard {
            in_review: list(ArticleStatus::InReview, false).await?,
            pending,
            scheduled,
            my_drafts: list(ArticleStatus::Draft, true).await?,
            published: list(ArticleStatus::Published, false).await?,
            audio: self.audio_status(),
            audio_counts: self.dashboard_audio_counts().await?,
        })
    }

    /// Every section, and a page of [`TAGS_PER_PAGE`] tags in `lang` whose name or slug
    /// holds `text` (all of them when it is empty), by name from `from`, each with how many
    /// articles carry it (counted for the tags shown only), for an editor.
    pub async fn taxonomy_as(
        &self,
        actor: &User,
        lang: Lang,
        text: &str,
        from: TagsFrom,
    ) -> Result<(Vec<arabpress_core::model::Section>, TagList), AppError> {
        if !actor.role.can_manage_taxonomy() {
            return Err(forbidden(actor, "manage sections and tags"));
        }
        let per_page = TAGS_PER_PAGE as usize;
        // One tag more than a page shows: whether a page follows in the direction walked.
        let mut tags = self
            .store()
            .tags_page(lang, &picker_text(text), from, TAGS_PER_PAGE + 1)
            .await?;
        let beyond = tags.len() > per_page;
        let (before, after) = match from {
            // Walking back: the extra tag is the earliest; the cursor's tag follows the page.
            TagsFrom::Before(_) => {
                if beyond {
                    tags.remove(0);
                }
                (
                    tags.first().filter(|_| beyond).map(|t| t.id),
                    tags.last().map(|t| t.id),
                )
            }
            TagsFrom::Start | TagsFrom::After(_) => {
                tags.truncate(per_page);
                (
                    tags.first()
                        .filter(|_| matches!(from, TagsFrom::After(_)))
                        .map(|t| t.id),
                    tags.last().filter(|_| beyond).map(|t| t.id),
                )
            }
        };
        let ids: Vec<i64> = tags.iter().map(|t| t.id).collect();
        let counts = self.store().tag_counts(&ids).await?;
        let tags = tags
            .into_iter()
            .map(|t| {
                let n = counts.get(&t.id).copied().unwrap_or(0);
                (t, n)
            })
            .collect();
        Ok((
            self.sections().await?.as_ref().clone(),
            TagList {
                tags,
                before,
                after,
            },
        ))
    }

    /// Creates (`id` none) or renames and moves a section, for an editor. Every page's
    /// navigation changes, so the whole page cache is dropped.
    pub async fn save_section_as(
        &self,
        actor: &User,
        id: Option<i64>,
        slug: &str,
        name_ar: &str,
        name_en: &str,
        position: i64,
    ) -> Result<(), AppError> {
        if !actor.role.can_manage_taxonomy() {
            return Err(forbidden(actor, "manage sections"));
        }
        for (field, raw) in [("name_ar", name_ar), ("name_en", name_en)] {
            if has_stray_control(raw) {
                return Err(AppError::invalid(
                    field,
                    "invalid-control",
                    "control characters are not allowed",
                ));
            }
        }
        let (ar, en) = (
            arabpress_core::article::collapse_ws(name_ar),
            arabpress_core::article::collapse_ws(name_en),
        );
        for (field, n) in [("name_ar", &ar), ("name_en", &en)] {
            if n.is_empty() || n.chars().count() > 60 {
                return Err(AppError::Invalid(
                    ValidationError::new(
                        field,
                        "invalid-name-length",
                        "a name needs 1 to 60 characters",
                    )
                    .with("max", 60),
                ));
            }
        }
        match id {
            None => {
                let slug = Slug::parse(slug).map_err(|e| AppError::Invalid(e.on("slug")))?;
                self.create_section(&slug, &ar, &en, position).await?;
            }
            Some(id) => {
                self.store().update_section(id, &ar, &en, position).await?;
                self.forget_sections();
            }
        }
        self.cache().clear();
        self.store()
            .audit(
                Some(actor.id),
                "section_saved",
                "section",
                id.unwrap_or(0),
                &format!("{ar} / {en}"),
                self.now(),
            )
            .await?;
        Ok(())
    }

    /// Renames a tag, for an editor; pages that show it are rendered afresh and search
    /// finds its articles by the new name (on every node: the rename is in the change
    /// feed).
    pub async fn rename_tag_as(&self, actor: &User, id: i64, name: &str) -> Result<(), AppError> {
        if !actor.role.can_manage_taxonomy() {
            return Err(forbidden(actor, "manage tags"));
        }
        if has_stray_control(name) {
            return Err(AppError::invalid(
                "name",
                "invalid-control",
                "control characters are not allowed",
            ));
        }
        let name = arabpress_core::article::collapse_ws(name);
        if name.is_empty() || name.chars().count() > 60 {
            return Err(AppError::Invalid(
                ValidationError::new(
                    "name",
                    "invalid-name-length",
                    "a tag needs 1 to 60 characters",
                )
                .with("max", 60),
            ));
        }
        let articles = self.store().rename_tag(id, &name).await?;
        self.cache().clear();
        self.reindex_articles(&articles).await;
        self.store()
            .audit(Some(actor.id), "tag_renamed", "tag", id, &name, self.now())
            .await?;
        Ok(())
    }

    /// The body as the public page renders it (sanitised HTML), for the editor's preview.
    /// The same rules as a save apply: too large or too deeply nested is refused.
    pub async fn preview(&self, body_md: &str) -> Result<String, AppError> {
        if body_md.len() > arabpress_core::article::MAX_BODY_BYTES {
            return Err(AppError::invalid(
                "body",
                "invalid-body-too-large",
                "the body is larger than 1 MiB",
            ));
        }
        let body = arabpress_core::article::clean_body(body_md);
        arabpress_core::markdown::check_nesting(&body).map_err(|m| {
            AppError::Invalid(
                ValidationError::new("body", "invalid-body-nesting", m)
                    .with("max", arabpress_core::markdown::MAX_NESTING),
            )
        })?;
        Ok(self.render_body(&body).await?.html)
    }

    /// Renders a Markdown body on the blocking pool, a few at a time and within a time
    /// budget (see [`arabpress_store::render_body`]); the queue is shared with the store's
    /// saves, so no path that renders can stall the runtime.
    pub async fn render_body(
        &self,
        body_md: &str,
    ) -> Result<arabpress_core::markdown::Rendered, AppError> {
        Ok(arabpress_store::render_body(body_md).await?)
    }
}

/// Whether a name holds a control character other than white space (a NUL, an escape
/// sequence): such a name is refused rather than shown in every page's navigation.
fn has_stray_control(name: &str) -> bool {
    name.chars().any(|c| c.is_control() && !c.is_whitespace())
}

/// What a picker looks for: the text with its spaces collapsed, at most 100 characters.
fn picker_text(text: &str) -> String {
    arabpress_core::article::collapse_ws(text)
        .chars()
        .take(100)
        .collect()
}
