//! What the newsroom needs beyond content: web sessions (so every node shares them), failed
//! logins (the rate limit's memory), one-time invitations, passwords and interface
//! languages, revisions, the newsroom's article list, and uploaded images.

use crate::error::changed;
use crate::plans::{Arg, bind_all};
use crate::rows::{self, SUMMARY_COLUMNS};
use crate::users::{USER_COLUMNS, user_with_extra};
use crate::{Store, StoreError};
use arabpress_core::model::ArticleSummary;
use arabpress_core::user::normalise_email;
use arabpress_core::{ArticleDraft, ArticleStatus, Conflict, Lang, Role, User};
use jiff::Timestamp;
use sqlx::{AssertSqlSafe, Row};

/// One saved version of an article.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Revision {
    /// The article version this save produced.
    pub version: i64,
    /// When it was saved.
    pub at: Timestamp,
    /// Who saved it (none for imports and the system).
    pub user_name: Option<String>,
    /// The headline it had.
    pub headline: String,
    /// The standfirst it had.
    pub standfirst: String,
    /// The body it had.
    pub body_md: String,
    /// Every field as saved (revisions written before this was recorded have none).
    pub draft: Option<ArticleDraft>,
}

/// A change to a published or scheduled article that waits for an editor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PendingRevision {
    /// Its id (it has no version of its own until applied).
    pub id: i64,
    /// The article it would change.
    pub article_id: i64,
    /// The article version it was based on.
    pub base_version: i64,
    /// When it was saved.
    pub at: Timestamp,
    /// Who saved it.
    pub user_id: Option<i64>,
    /// Their name.
    pub user_name: Option<String>,
    /// The article's live headline (for lists).
    pub live_headline: String,
    /// Every field as saved.
    pub draft: ArticleDraft,
}

/// A filter over every article, any status, for the newsroom's list.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NewsroomQuery {
    /// Only this status.
    pub status: Option<ArticleStatus>,
    /// Only this section.
    pub section_id: Option<i64>,
    /// Only articles with this author on the byline.
    pub author_id: Option<i64>,
    /// Only this language.
    pub lang: Option<Lang>,
    /// Only articles whose headline contains this text (case-insensitive for Latin script).
    pub headline: Option<String>,
    /// Only articles created by this user.
    pub created_by: Option<i64>,
    /// Page size.
    pub limit: u32,
    /// Rows to skip.
    pub offset: u32,
    /// Count the matching articles up to this many (the newsroom's list asks for
    /// [`NEWSROOM_COUNT_CAP`]); `None`: not counted.
    pub count_up_to: Option<u64>,
}

/// The most articles the newsroom's list counts: past it the list says "more than", so
/// that showing a page never walks a whole archive.
pub const NEWSROOM_COUNT_CAP: u64 = 10_000;

/// A page of the newsroom's list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewsroomPage {
    /// The rows on this page, most recently changed first.
    pub items: Vec<NewsroomArticle>,
    /// How many articles match, when counted and no more than the query's `count_up_to`;
    /// `None` when not counted or past it.
    pub total: Option<u64>,
    /// Whether a page follows this one.
    pub more: bool,
}

/// A row of the newsroom's list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewsroomArticle {
    /// What lists show.
    pub summary: ArticleSummary,
    /// Workflow status.
    pub status: ArticleStatus,
    /// When it is due, if scheduled.
    pub scheduled_at: Option<Timestamp>,
    /// Who created it.
    pub created_by: Option<String>,
}

/// An uploaded image.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MediaRow {
    /// Store id.
    pub id: i64,
    /// SHA-256 of the original bytes (hex): the same file uploaded twice is stored once.
    pub sha256: String,
    /// The original's type (`image/jpeg`, `image/png`, `image/webp`, `image/gif`).
    pub content_type: String,
    /// Pixel width of the original.
    pub width: u32,
    /// Pixel height of the original.
    pub height: u32,
    /// Size of the original in bytes.
    pub bytes: u64,
    /// The widths of the resized copies.
    pub widths: Vec<u32>,
    /// When it was uploaded.
    pub created_at: Timestamp,
}

/// The statement of [`Store::pending_revisions`]: of one article (`$1`), or of all.
fn pending_sql(of_one: bool) -> String {
    let filter = if of_one { "AND r.article_id = $1" } else { "" };
    format!(
        "SELECT r.id, r.article_id, r.version, r.created_at, r.user_id, u.name, r.headline, \
         r.standfirst, r.body_md, r.draft_json, a.headline AS live_headline \
         FROM revisions r JOIN articles a ON a.id = r.article_id \
         LEFT JOIN users u ON u.id = r.user_id WHERE r.pending = 1 {filter} ORDER BY r.id"
    )
}

/// How the newsroom's list finds `text` in headlines (the condition, with `mark` for its
/// argument, and the argument). On SQLite, three letters or more are a phrase of the
/// trigram index `article_headlines` (migration 0021), which reads the headlines holding
/// them instead of every headline; fewer, and on PostgreSQL (whose trigram index serves
/// `LIKE` itself), a `LIKE` pattern.
fn headline_filter(backend: crate::Backend, text: &str, mark: &str) -> (String, String) {
    if backend == crate::Backend::Sqlite && text.chars().count() >= 3 {
        (
            format!(
                "a.id IN (SELECT rowid FROM article_headlines WHERE article_headlines MATCH {mark})"
            ),
            format!("\"{}\"", text.replace('"', "\"\"")),
        )
    } else {
        (
            format!("LOWER(a.headline) LIKE {mark} ESCAPE '\\'"),
            like_pattern(text),
        )
    }
}

/// Escapes `%`, `_` and `\` for a `LIKE … ESCAPE '\'` pattern, lower-cased.
fn like_pattern(text: &str) -> String {
    like_pattern_as_typed(&text.to_lowercase())
}

/// Escapes `%`, `_` and `\` for a `LIKE … ESCAPE '\'` pattern, case kept: for a statement
/// that lower-cases both sides with the database's own `LOWER`, so that the two agree on
/// letters beyond A to Z (SQLite lower-cases only those).
pub(crate) fn like_pattern_as_typed(text: &str) -> String {
    let mut p = String::with_capacity(text.len() + 2);
    p.push('%');
    for c in text.chars() {
        if matches!(c, '%' | '_' | '\\') {
            p.push('\\');
        }
        p.push(c);
    }
    p.push('%');
    p
}

impl Store {
    /// Records a signed-in session by the hash of its cookie.
    pub async fn create_session(
        &self,
        token_hash: &str,
        user_id: i64,
        csrf: &str,
        now: Timestamp,
        expires_at: Timestamp,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO sessions (token_hash, user_id, csrf, created_at, expires_at) \
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(token_hash)
        .bind(user_id)
        .bind(csrf)
        .bind(now.as_second())
        .bind(expires_at.as_second())
        .execute(&self.pool)
        .await
        .map_err(|e| crate::taxonomy::missing(e, format!("user {user_id}")))?;
        Ok(())
    }

    /// The active user of a live session, with the session's CSRF secret.
    pub async fn session_user(
        &self,
        token_hash: &str,
        now: Timestamp,
    ) -> Result<Option<(User, String)>, StoreError> {
        let row = sqlx::query(AssertSqlSafe(format!(
            "SELECT {USER_COLUMNS}, s.csrf FROM sessions s JOIN users u ON u.id = s.user_id \
             WHERE s.token_hash = $1 AND s.expires_at > $2 AND u.active = 1"
        )))
        .bind(token_hash)
        .bind(now.as_second())
        .fetch_optional(&self.pool)
        .await?;
        let Some(row) = row else { return Ok(None) };
        Ok(Some((user_with_extra(&row)?, row.try_get(7)?)))
    }

    /// Ends one session.
    pub async fn delete_session(&self, token_hash: &str) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
            .bind(token_hash)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Ends every session of a user (signing out everywhere, a new password, deactivation);
    /// returns how many ended.
    pub async fn delete_sessions_of(&self, user_id: i64) -> Result<u64, StoreError> {
        let done = sqlx::query("DELETE FROM sessions WHERE user_id = $1")
            .bind(user_id)
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected())
    }

    /// Forgets expired sessions and failed logins older than `before`.
    pub async fn purge_sessions(
        &self,
        now: Timestamp,
        before: Timestamp,
    ) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM sessions WHERE expires_at <= $1")
            .bind(now.as_second())
            .execute(&self.pool)
            .await?;
        sqlx::query("DELETE FROM login_failures WHERE created_at < $1")
            .bind(before.as_second())
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Remembers a failed login for each scope (`account:…`, `ip:…`).
    pub async fn record_login_failure(
        &self,
        scopes: &[&str],
        now: Timestamp,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin_write().await?;
        for scope in scopes {
            sqlx::query("INSERT INTO login_failures (scope, created_at) VALUES ($1, $2)")
                .bind(*scope)
                .bind(now.as_second())
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Records one sign-in attempt in each scope (`pair:…`, `account:…`, `ip:…`) before
    /// its password is checked, then counts each scope's attempts since `since`, this one
    /// included. The insert is one statement committed before the count, so of N
    /// concurrent attempts the k-th to commit sees at least k: a limit of L lets at most L
    /// through, on either engine. Returns the ids written (to forget them when the
    /// password is right) and the counts, in the order of `scopes`.
    pub async fn record_login_attempt(
        &self,
        scopes: &[&str],
        now: Timestamp,
        since: Timestamp,
    ) -> Result<(Vec<i64>, Vec<u64>), StoreError> {
        if scopes.is_empty() {
            return Ok((Vec::new(), Vec::new()));
        }
        let insert = crate::articles::rows_sql(
            "INSERT INTO login_failures (scope, created_at) VALUES ",
            scopes.len(),
            |n| format!("(${}, $1)", n + 2),
        ) + " RETURNING id";
        let mut q = sqlx::query_scalar::<_, i64>(AssertSqlSafe(insert)).bind(now.as_second());
        for scope in scopes {
            q = q.bind(*scope);
        }
        let ids = q.fetch_all(&self.pool).await?;
        let mut counts = Vec::with_capacity(scopes.len());
        for scope in scopes {
            counts.push(self.login_failures(scope, since).await?);
        }
        Ok((ids, counts))
    }

    /// Forgets the attempts with these ids (a sign-in that succeeded).
    pub async fn forget_login_attempts(&self, ids: &[i64]) -> Result<(), StoreError> {
        for id in ids {
            sqlx::query("DELETE FROM login_failures WHERE id = $1")
                .bind(*id)
                .execute(&self.pool)
                .await?;
        }
        Ok(())
    }

    /// Failed logins in a scope since a time.
    pub async fn login_failures(&self, scope: &str, since: Timestamp) -> Result<u64, StoreError> {
        let n: i64 = sqlx::query_scalar(
            "SELECT CAST(COUNT(*) AS BIGINT) FROM login_failures WHERE scope = $1 AND created_at >= $2",
        )
        .bind(scope)
        .bind(since.as_second())
        .fetch_one(&self.pool)
        .await?;
        Ok(u64::try_from(n).unwrap_or(0))
    }

    /// Forgets a scope's failed logins (after a successful one).
    pub async fn clear_login_failures(&self, scope: &str) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM login_failures WHERE scope = $1")
            .bind(scope)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Replaces a user's password hash.
    pub async fn set_password(&self, user_id: i64, password_hash: &str) -> Result<(), StoreError> {
        let done = sqlx::query("UPDATE users SET password_hash = $1 WHERE id = $2")
            .bind(password_hash)
            .bind(user_id)
            .execute(&self.pool)
            .await?;
        changed(&done, || format!("user {user_id}"))
    }

    /// Sets the language of a user's newsroom interface.
    pub async fn set_ui_lang(&self, user_id: i64, lang: Lang) -> Result<(), StoreError> {
        sqlx::query("UPDATE users SET ui_lang = $1 WHERE id = $2")
            .bind(lang.code())
            .bind(user_id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Records an invitation by the hash of its one-time token.
    pub async fn create_invite(
        &self,
        token_hash: &str,
        email: &str,
        role: Role,
        invited_by: i64,
        now: Timestamp,
        expires_at: Timestamp,
    ) -> Result<String, StoreError> {
        let email = normalise_email(email)?;
        let taken: Option<i64> = sqlx::query_scalar("SELECT id FROM users WHERE email = $1")
            .bind(&email)
            .fetch_optional(&self.pool)
            .await?;
        if taken.is_some() {
            return Err(StoreError::Conflict(Conflict::AccountExists { email }));
        }
        sqlx::query(
            "INSERT INTO invites (token_hash, email, role, invited_by, created_at, expires_at) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(token_hash)
        .bind(&email)
        .bind(role.as_str())
        .bind(invited_by)
        .bind(now.as_second())
        .bind(expires_at.as_second())
        .execute(&self.pool)
        .await?;
        Ok(email)
    }

    /// The address and role of an unused, unexpired invitation.
    pub async fn invite(
        &self,
        token_hash: &str,
        now: Timestamp,
    ) -> Result<Option<(String, Role)>, StoreError> {
        let row: Option<(String, String)> = sqlx::query_as(
            "SELECT email, role FROM invites WHERE token_hash = $1 AND used_at IS NULL AND expires_at > $2",
        )
        .bind(token_hash)
        .bind(now.as_second())
        .fetch_optional(&self.pool)
        .await?;
        row.map(|(e, r)| Ok((e, rows::parse("invite role", &r)?)))
            .transpose()
    }

    /// Uses an invitation: marks it used and creates the account, in one transaction, so a
    /// token makes at most one account.
    pub async fn accept_invite(
        &self,
        token_hash: &str,
        name: &str,
        password_hash: &str,
        now: Timestamp,
    ) -> Result<User, StoreError> {
        let name =
            crate::users::checked_name(name, "invalid-name", "a name needs 1 to 100 characters")?;
        let mut tx = self.begin_write().await?;
        let row: Option<(String, String)> = sqlx::query_as(
            "UPDATE invites SET used_at = $1 WHERE token_hash = $2 AND used_at IS NULL \
             AND expires_at > $1 RETURNING email, role",
        )
        .bind(now.as_second())
        .bind(token_hash)
        .fetch_optional(&mut *tx)
        .await?;
        let Some((email, role)) = row else {
            return Err(StoreError::NotFound(
                "this invitation (it was used, or it expired)".into(),
            ));
        };
        let role: Role = rows::parse("invite role", &role)?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO users (email, name, role, password_hash, active, created_at) \
             VALUES ($1, $2, $3, $4, 1, $5) RETURNING id",
        )
        .bind(&email)
        .bind(&name)
        .bind(role.as_str())
        .bind(password_hash)
        .bind(now.as_second())
        .fetch_one(&mut *tx)
        .await
        .map_err(|e| {
            crate::taxonomy::conflict(
                e,
                Conflict::AccountExists {
                    email: email.clone(),
                },
            )
        })?;
        tx.commit().await?;
        self.user_by_id(id)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("user {id}")))
    }

    /// Every saved version of an article, newest first.
    pub async fn revisions(&self, article_id: i64) -> Result<Vec<Revision>, StoreError> {
        let rows = sqlx::query(
            "SELECT r.version, r.created_at, u.name, r.headline, r.standfirst, r.body_md, r.draft_json \
             FROM revisions r LEFT JOIN users u ON u.id = r.user_id WHERE r.article_id = $1 \
             AND r.pending = 0 ORDER BY r.version DESC, r.id DESC",
        )
        .bind(article_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(revision).collect()
    }

    /// One saved version of an article.
    pub async fn revision(
        &self,
        article_id: i64,
        version: i64,
    ) -> Result<Option<Revision>, StoreError> {
        let row = sqlx::query(
            "SELECT r.version, r.created_at, u.name, r.headline, r.standfirst, r.body_md, r.draft_json \
             FROM revisions r LEFT JOIN users u ON u.id = r.user_id \
             WHERE r.article_id = $1 AND r.version = $2 AND r.pending = 0 ORDER BY r.id DESC LIMIT 1",
        )
        .bind(article_id)
        .bind(version)
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref().map(revision).transpose()
    }

    /// Keeps a change to an article as a pending revision (based on `base_version`),
    /// leaving the article as it is; returns the revision's id.
    pub async fn add_pending_revision(
        &self,
        article_id: i64,
        base_version: i64,
        draft: &ArticleDraft,
        by: i64,
        now: Timestamp,
    ) -> Result<i64, StoreError> {
        crate::articles::insert_revision(
            &self.pool,
            article_id,
            base_version,
            draft,
            Some(by),
            true,
            now,
        )
        .await
    }

    /// Pending revisions, oldest first: of one article, or of every article (`None`).
    pub async fn pending_revisions(
        &self,
        article_id: Option<i64>,
    ) -> Result<Vec<PendingRevision>, StoreError> {
        let mut q = sqlx::query(AssertSqlSafe(pending_sql(article_id.is_some())));
        if let Some(a) = article_id {
            q = q.bind(a);
        }
        let rows = q.fetch_all(&self.pool).await?;
        rows.iter().map(pending).collect()
    }

    /// One pending revision of an article.
    pub async fn pending_revision(
        &self,
        article_id: i64,
        id: i64,
    ) -> Result<Option<PendingRevision>, StoreError> {
        Ok(self
            .pending_revisions(Some(article_id))
            .await?
            .into_iter()
            .find(|p| p.id == id))
    }

    /// Removes a pending revision (applied or discarded); returns whether it was there.
    pub async fn delete_pending_revision(
        &self,
        article_id: i64,
        id: i64,
    ) -> Result<bool, StoreError> {
        let done =
            sqlx::query("DELETE FROM revisions WHERE id = $1 AND article_id = $2 AND pending = 1")
                .bind(id)
                .bind(article_id)
                .execute(&self.pool)
                .await?;
        Ok(done.rows_affected() > 0)
    }

    /// The newsroom list's two statements, each with its arguments: its page (the filter's
    /// arguments, then the limit of one row more than the page, and the offset), and its
    /// count (the filter's, then the bound past `q.count_up_to`, or past
    /// [`NEWSROOM_COUNT_CAP`] when no count is asked).
    fn newsroom_statements(&self, q: &NewsroomQuery) -> ((String, Vec<Arg>), (String, Vec<Arg>)) {
        let mut filter = vec!["1 = 1".to_owned()];
        let mut n = 0;
        let mut next = || {
            n += 1;
            format!("${n}")
        };
        // On SQLite the list checks the section, language and creator on the rows that
        // the (status, updated_at) or (updated_at) index yields newest first (`+` keeps
        // the planner off their own indexes): it stops after a page, where an index on the
        // language would hand it half the archive to sort. The count, which has no order,
        // keeps them (`{plain}` is replaced below).
        let plain = "{plain}";
        if q.status.is_some() {
            filter.push(format!("a.status = {}", next()));
        }
        if q.section_id.is_some() {
            filter.push(format!("{plain}a.section_id = {}", next()));
        }
        // By author: the list checks the rows it walks newest first; the count starts from
        // the author's own link rows instead of walking every article.
        let by_author = q.author_id.map(|_| next()).unwrap_or_default();
        if q.author_id.is_some() {
            filter.push("{by_author}".to_owned());
        }
        if q.lang.is_some() {
            filter.push(format!("{plain}a.lang = {}", next()));
        }
        let headline = q
            .headline
            .as_deref()
            .map(|text| headline_filter(self.backend, text, &next()));
        if let Some((sql, _)) = &headline {
            filter.push(sql.clone());
        }
        if q.created_by.is_some() {
            filter.push(format!("{plain}a.created_by = {}", next()));
        }
        let filter = filter.join(" AND ");
        let list_filter = filter.replace(
            plain,
            match self.backend {
                crate::Backend::Sqlite => "+",
                crate::Backend::Postgres => "",
            },
        );
        let list_filter = list_filter.replace(
            "{by_author}",
            &format!(
                "EXISTS (SELECT 1 FROM article_authors aa WHERE aa.article_id = a.id AND aa.author_id = {by_author})"
            ),
        );
        let filter = filter.replace(plain, "").replace(
            "{by_author}",
            &format!("a.id IN (SELECT aa.article_id FROM article_authors aa WHERE aa.author_id = {by_author})"),
        );
        let (limit, offset) = (next(), next());
        let list = format!(
            "SELECT {SUMMARY_COLUMNS}, a.status, a.scheduled_at, u.name AS creator \
             FROM articles a LEFT JOIN users u ON u.id = a.created_by \
             WHERE {list_filter} ORDER BY a.updated_at DESC, a.id DESC LIMIT {limit} OFFSET {offset}"
        );
        // The filter's arguments, in the order of its marks.
        let mut args = Vec::new();
        if let Some(s) = q.status {
            args.push(Arg::Text(s.as_str().to_owned()));
        }
        if let Some(s) = q.section_id {
            args.push(Arg::Int(s));
        }
        if let Some(a) = q.author_id {
            args.push(Arg::Int(a));
        }
        if let Some(l) = q.lang {
            args.push(Arg::Text(l.code().to_owned()));
        }
        if let Some((_, text)) = headline {
            args.push(Arg::Text(text));
        }
        if let Some(c) = q.created_by {
            args.push(Arg::Int(c));
        }
        let count = format!(
            "SELECT CAST(COUNT(*) AS BIGINT) FROM (SELECT 1 FROM articles a WHERE {filter} \
             LIMIT {limit}) AS counted"
        );
        let mut page_args = args.clone();
        page_args.extend([
            Arg::Int(i64::from(q.limit) + 1),
            Arg::Int(i64::from(q.offset)),
        ]);
        let cap = q.count_up_to.unwrap_or(NEWSROOM_COUNT_CAP);
        args.push(Arg::Int(
            i64::try_from(cap).unwrap_or(i64::MAX).saturating_add(1),
        ));
        ((list, page_args), (count, args))
    }

    /// The plans the database chooses for the newsroom list's page and count (see
    /// [`Store::newsroom_articles`]), one line per step, for checking that it walks an index.
    pub async fn newsroom_plans(&self, q: &NewsroomQuery) -> Result<Vec<String>, StoreError> {
        let ((list, list_args), (count, count_args)) = self.newsroom_statements(q);
        let mut lines = self.plan(&list, &list_args).await?;
        lines.extend(self.plan(&count, &count_args).await?);
        Ok(lines)
    }

    /// The plans the database chooses for what the newsroom's dashboard reads (see
    /// `App::dashboard`): the newest ten articles of each status, everyone's and those
    /// created by `user_id` (a contributor sees only theirs), the changes waiting for
    /// review, and the spoken versions' counts.
    pub async fn dashboard_plans(&self, user_id: i64) -> Result<Vec<String>, StoreError> {
        let mut lines = Vec::new();
        for status in [
            ArticleStatus::InReview,
            ArticleStatus::Scheduled,
            ArticleStatus::Draft,
            ArticleStatus::Published,
        ] {
            for created_by in [None, Some(user_id)] {
                let q = NewsroomQuery {
                    status: Some(status),
                    created_by,
                    limit: 10,
                    ..NewsroomQuery::default()
                };
                let ((list, args), _) = self.newsroom_statements(&q);
                lines.extend(self.plan(&list, &args).await?);
            }
        }
        lines.extend(self.plan(&pending_sql(false), &[]).await?);
        lines.extend(self.plan(crate::audio::AUDIO_COUNTS, &[]).await?);
        Ok(lines)
    }

    /// Every article matching a newsroom filter, any status, most recently changed first.
    /// A page reads its own rows and one more (whether a page follows) through the
    /// `updated_at` index; the count, when asked, stops past `q.count_up_to`.
    pub async fn newsroom_articles(&self, q: &NewsroomQuery) -> Result<NewsroomPage, StoreError> {
        let ((list, list_args), (count, count_args)) = self.newsroom_statements(q);
        let mut rows = bind_all(sqlx::query(AssertSqlSafe(list)), &list_args)
            .fetch_all(&self.pool)
            .await?;
        let more = rows.len() > q.limit as usize;
        rows.truncate(q.limit as usize);
        let total = if let Some(cap) = q.count_up_to {
            let n: i64 = bind_all(sqlx::query(AssertSqlSafe(count)), &count_args)
                .fetch_one(&self.pool)
                .await?
                .try_get(0)?;
            u64::try_from(n).ok().filter(|n| *n <= cap)
        } else {
            None
        };
        let items = rows
            .iter()
            .map(|row| {
                let status: String = row.try_get("status")?;
                Ok(NewsroomArticle {
                    summary: rows::summary(row)?,
                    status: rows::parse("article status", &status)?,
                    scheduled_at: rows::opt_ts(row.try_get("scheduled_at")?)?,
                    created_by: row.try_get("creator")?,
                })
            })
            .collect::<Result<Vec<_>, StoreError>>()?;
        Ok(NewsroomPage { items, total, more })
    }

    /// Records an uploaded image; the same bytes uploaded again return the first record.
    #[allow(clippy::too_many_arguments)]
    pub async fn insert_media(
        &self,
        sha256: &str,
        content_type: &str,
        width: u32,
        height: u32,
        bytes: u64,
        widths: &[u32],
        uploaded_by: Option<i64>,
        now: Timestamp,
    ) -> Result<MediaRow, StoreError> {
        if let Some(m) = self.media_by_hash(sha256).await? {
            return Ok(m);
        }
        let widths_text = widths
            .iter()
            .map(u32::to_string)
            .collect::<Vec<_>>()
            .join(",");
        let inserted = sqlx::query(
            "INSERT INTO media (sha256, content_type, width, height, bytes, widths, uploaded_by, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(sha256)
        .bind(content_type)
        .bind(i64::from(width))
        .bind(i64::from(height))
        .bind(i64::try_from(bytes).unwrap_or(i64::MAX))
        .bind(widths_text)
        .bind(uploaded_by)
        .bind(now.as_second())
        .execute(&self.pool)
        .await;
        // Two uploads of the same file racing: the loser reads the winner's row.
        if let Err(e) = inserted
            && !StoreError::is_unique_violation(&e)
        {
            return Err(e.into());
        }
        self.media_by_hash(sha256)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("media {sha256}")))
    }

    /// An uploaded image by the hash of its bytes.
    pub async fn media_by_hash(&self, sha256: &str) -> Result<Option<MediaRow>, StoreError> {
        let row = sqlx::query(
            "SELECT id, sha256, content_type, width, height, bytes, widths, created_at FROM media WHERE sha256 = $1",
        )
        .bind(sha256)
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref().map(media).transpose()
    }

    /// The most recent uploads, newest first.
    pub async fn recent_media(&self, limit: u32) -> Result<Vec<MediaRow>, StoreError> {
        let rows = sqlx::query(
            "SELECT id, sha256, content_type, width, height, bytes, widths, created_at FROM media \
             ORDER BY id DESC LIMIT $1",
        )
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(media).collect()
    }
}

fn revision(row: &sqlx::any::AnyRow) -> Result<Revision, StoreError> {
    let json: Option<String> = row.try_get("draft_json")?;
    Ok(Revision {
        version: row.try_get("version")?,
        at: rows::ts(row.try_get("created_at")?)?,
        user_name: row.try_get("name")?,
        headline: row.try_get("headline")?,
        standfirst: row.try_get("standfirst")?,
        body_md: row.try_get("body_md")?,
        draft: json
            .map(|j| serde_json::from_str(&j))
            .transpose()
            .map_err(|e| StoreError::Corrupt(format!("revision draft: {e}")))?,
    })
}

fn pending(row: &sqlx::any::AnyRow) -> Result<PendingRevision, StoreError> {
    let json: Option<String> = row.try_get("draft_json")?;
    let draft = match json {
        Some(j) => serde_json::from_str(&j)
            .map_err(|e| StoreError::Corrupt(format!("pending revision draft: {e}")))?,
        None => {
            return Err(StoreError::Corrupt(
                "pending revision without its draft".into(),
            ));
        }
    };
    Ok(PendingRevision {
        id: row.try_get("id")?,
        article_id: row.try_get("article_id")?,
        base_version: row.try_get("version")?,
        at: rows::ts(row.try_get("created_at")?)?,
        user_id: row.try_get("user_id")?,
        user_name: row.try_get("name")?,
        live_headline: row.try_get("live_headline")?,
        draft,
    })
}

fn media(row: &sqlx::any::AnyRow) -> Result<MediaRow, StoreError> {
    let num = |name: &str| -> Result<u32, StoreError> {
        let v: i64 = row.try_get(name)?;
        u32::try_from(v).map_err(|_| StoreError::Corrupt(format!("media {name} {v}")))
    };
    let widths: String = row.try_get("widths")?;
    Ok(MediaRow {
        id: row.try_get("id")?,
        sha256: row.try_get("sha256")?,
        content_type: row.try_get("content_type")?,
        width: num("width")?,
        height: num("height")?,
        bytes: u64::try_from(row.try_get::<i64, _>("bytes")?).unwrap_or(0),
        widths: widths
            .split(',')
            .filter(|w| !w.is_empty())
            .map(|w| rows::parse("media width", w))
            .collect::<Result<_, _>>()?,
        created_at: rows::ts(row.try_get("created_at")?)?,
    })
}
