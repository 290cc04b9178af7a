//! Newsroom accounts, personal API tokens (stored as SHA-256) and the audit log.

use crate::error::changed;
use crate::taxonomy::conflict;
use crate::{Store, StoreError};
use arabpress_core::user::normalise_email;
use arabpress_core::{Conflict, Role, User, ValidationError};
use jiff::Timestamp;
use sqlx::AssertSqlSafe;

type UserRow = (i64, String, String, String, i64, i64, String);

/// A line of the audit log with the actor's name and the subject's (see [`AuditLine`]).
type AuditRow = (
    i64,
    i64,
    Option<i64>,
    String,
    String,
    i64,
    String,
    Option<String>,
    Option<String>,
);

pub(crate) const USER_COLUMNS: &str =
    "u.id, u.email, u.name, u.role, u.active, u.created_at, u.ui_lang";

pub(crate) fn user(r: UserRow) -> Result<User, StoreError> {
    Ok(User {
        id: r.0,
        email: r.1,
        name: r.2,
        role: crate::rows::parse("user role", &r.3)?,
        active: r.4 != 0,
        created_at: crate::rows::ts(r.5)?,
        ui_lang: crate::rows::parse("user language", &r.6)?,
    })
}

/// A name as stored (of an account, a token, a key): white space collapsed, 1 to 100
/// characters; otherwise the validation error `id`, saying `message`.
pub(crate) fn checked_name(
    raw: &str,
    id: &'static str,
    message: &'static str,
) -> Result<String, StoreError> {
    let name = arabpress_core::article::collapse_ws(raw);
    if name.is_empty() || name.chars().count() > 100 {
        return Err(ValidationError::new("name", id, message).into());
    }
    Ok(name)
}

/// The user in the first columns of a row that selected [`USER_COLUMNS`] and more.
pub(crate) fn user_with_extra(row: &sqlx::any::AnyRow) -> Result<User, StoreError> {
    use sqlx::Row;
    user((
        row.try_get(0)?,
        row.try_get(1)?,
        row.try_get(2)?,
        row.try_get(3)?,
        row.try_get(4)?,
        row.try_get(5)?,
        row.try_get(6)?,
    ))
}

/// One line of the audit log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditEntry {
    /// When.
    pub at: Timestamp,
    /// Who (none when done by the system or a since-deleted user).
    pub user_id: Option<i64>,
    /// What: `published`, `unpublished`, `role_changed`…
    pub action: String,
    /// On what kind of thing: `article`, `user`.
    pub entity: String,
    /// Its id.
    pub entity_id: i64,
    /// Free detail (the new role, the scheduled time).
    pub detail: String,
}

/// Which lines of the audit log to read, newest first.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AuditQuery {
    /// Only this action.
    pub action: Option<String>,
    /// Only what this member did.
    pub user_id: Option<i64>,
    /// Only lines about this kind of thing (`article`, `user`…).
    pub entity: Option<String>,
    /// Only lines older than this one: the [`AuditPage::next`] of the page before.
    pub before: Option<i64>,
    /// Page size (at least one line).
    pub limit: u32,
}

/// A line of the audit log as the newsroom lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditLine {
    /// Its id (what a page's cursor names).
    pub id: i64,
    /// The line itself.
    pub entry: AuditEntry,
    /// The acting member's name (none when done by the system or a since-deleted user).
    pub user_name: Option<String>,
    /// What the thing is called now: an article's headline, a member's name; none for
    /// other kinds of thing, or when it is gone.
    pub subject: Option<String>,
}

/// One page of the audit log, newest first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditPage {
    /// The lines on this page.
    pub lines: Vec<AuditLine>,
    /// The `before` of the next, older page; none on the last page.
    pub next: Option<i64>,
}

/// A personal token as its owner and admins see it (never the secret).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenRow {
    /// Its id (what `token revoke` takes).
    pub id: i64,
    /// Whose it is.
    pub user_id: i64,
    /// The owner's address.
    pub email: String,
    /// What its owner called it.
    pub name: String,
    /// When it was made.
    pub created_at: Timestamp,
    /// When it stops working (none: made before tokens expired, and never since migrated).
    pub expires_at: Option<Timestamp>,
    /// When it was revoked.
    pub revoked_at: Option<Timestamp>,
}

impl Store {
    /// Creates an account. The password must already be hashed (argon2id, by `app`).
    pub async fn create_user(
        &self,
        email: &str,
        name: &str,
        role: Role,
        password_hash: &str,
        now: Timestamp,
    ) -> Result<User, StoreError> {
        let email = normalise_email(email)?;
        let name = checked_name(name, "invalid-name", "a name needs 1 to 100 characters")?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO users (email, name, role, password_hash, active, created_at) \
             VALUES ($1, $2, $3, $4, 1, $5) RETURNING id",
        )
        .bind(&email)
        .bind(&name)
        .bind(role.as_str())
        .bind(password_hash)
        .bind(now.as_second())
        .fetch_one(&self.pool)
        .await
        .map_err(|e| {
            conflict(
                e,
                Conflict::AccountExists {
                    email: email.clone(),
                },
            )
        })?;
        Ok(User {
            id,
            email,
            name,
            role,
            active: true,
            created_at: now,
            ui_lang: arabpress_core::Lang::Ar,
        })
    }

    /// How many accounts exist (none means the site still needs its owner).
    pub async fn count_users(&self) -> Result<u64, StoreError> {
        let n: i64 = sqlx::query_scalar("SELECT CAST(COUNT(*) AS BIGINT) FROM users")
            .fetch_one(&self.pool)
            .await?;
        Ok(u64::try_from(n).unwrap_or(0))
    }

    /// An account by login address, with its password hash.
    pub async fn user_by_email(&self, email: &str) -> Result<Option<(User, String)>, StoreError> {
        let Ok(email) = normalise_email(email) else {
            return Ok(None);
        };
        let row = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {USER_COLUMNS}, u.password_hash FROM users u WHERE u.email = $1"
        )))
        .bind(&email)
        .fetch_optional(&self.pool)
        .await?;
        row.map(|r| Ok((user_with_extra(&r)?, sqlx::Row::try_get(&r, 7)?)))
            .transpose()
    }

    /// An account by id.
    pub async fn user_by_id(&self, id: i64) -> Result<Option<User>, StoreError> {
        let row: Option<UserRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT {USER_COLUMNS} FROM users u WHERE u.id = $1"
        )))
        .bind(id)
        .fetch_optional(&self.pool)
        .await?;
        row.map(user).transpose()
    }

    /// Every account, by name.
    pub async fn users(&self) -> Result<Vec<User>, StoreError> {
        let rows: Vec<UserRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT {USER_COLUMNS} FROM users u ORDER BY u.name, u.id"
        )))
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter().map(user).collect()
    }

    /// Changes an account's role.
    pub async fn set_role(&self, id: i64, role: Role) -> Result<(), StoreError> {
        let done = sqlx::query("UPDATE users SET role = $1 WHERE id = $2")
            .bind(role.as_str())
            .bind(id)
            .execute(&self.pool)
            .await?;
        changed(&done, || format!("user {id}"))
    }

    /// Deactivates (or reactivates) an account; its articles stay.
    pub async fn set_active(&self, id: i64, active: bool) -> Result<(), StoreError> {
        let done = sqlx::query("UPDATE users SET active = $1 WHERE id = $2")
            .bind(i64::from(active))
            .bind(id)
            .execute(&self.pool)
            .await?;
        changed(&done, || format!("user {id}"))
    }

    /// Records a personal token by its hash, working until `expires_at`; returns its id.
    pub async fn create_token(
        &self,
        user_id: i64,
        name: &str,
        token_hash: &str,
        now: Timestamp,
        expires_at: Timestamp,
    ) -> Result<i64, StoreError> {
        let name = checked_name(
            name,
            "invalid-token-name",
            "a token needs a name of 1 to 100 characters",
        )?;
        sqlx::query_scalar(
            "INSERT INTO personal_tokens (user_id, name, token_hash, created_at, expires_at) \
             VALUES ($1, $2, $3, $4, $5) RETURNING id",
        )
        .bind(user_id)
        .bind(&name)
        .bind(token_hash)
        .bind(now.as_second())
        .bind(expires_at.as_second())
        .fetch_one(&self.pool)
        .await
        .map_err(|e| crate::taxonomy::missing(e, format!("user {user_id}")))
    }

    /// The active account holding an unrevoked token with this hash, with when the token
    /// expires (the caller compares it with its clock, to say so when it has).
    pub async fn token_owner(
        &self,
        token_hash: &str,
    ) -> Result<Option<(User, Option<Timestamp>)>, StoreError> {
        let row = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {USER_COLUMNS}, t.expires_at FROM personal_tokens t \
             JOIN users u ON u.id = t.user_id \
             WHERE t.token_hash = $1 AND t.revoked_at IS NULL AND u.active = 1"
        )))
        .bind(token_hash)
        .fetch_optional(&self.pool)
        .await?;
        let Some(row) = row else { return Ok(None) };
        let expires: Option<i64> = sqlx::Row::try_get(&row, 7)?;
        Ok(Some((
            user_with_extra(&row)?,
            crate::rows::opt_ts(expires)?,
        )))
    }

    /// Personal tokens, newest first: one user's, or everyone's (`None`). The secrets are
    /// not kept, so none is shown.
    pub async fn tokens(&self, user_id: Option<i64>) -> Result<Vec<TokenRow>, StoreError> {
        let filter = if user_id.is_some() {
            "WHERE t.user_id = $1"
        } else {
            ""
        };
        let mut q = sqlx::query_as::<_, (i64, i64, String, String, i64, Option<i64>, Option<i64>)>(
            sqlx::AssertSqlSafe(format!(
                "SELECT t.id, t.user_id, u.email, t.name, t.created_at, t.expires_at, t.revoked_at \
                 FROM personal_tokens t JOIN users u ON u.id = t.user_id {filter} \
                 ORDER BY t.id DESC"
            )),
        );
        if let Some(u) = user_id {
            q = q.bind(u);
        }
        let rows = q.fetch_all(&self.pool).await?;
        rows.into_iter()
            .map(|r| {
                Ok(TokenRow {
                    id: r.0,
                    user_id: r.1,
                    email: r.2,
                    name: r.3,
                    created_at: crate::rows::ts(r.4)?,
                    expires_at: crate::rows::opt_ts(r.5)?,
                    revoked_at: crate::rows::opt_ts(r.6)?,
                })
            })
            .collect()
    }

    /// Revokes one token (if it is not revoked already); returns whether it was live.
    pub async fn revoke_token(&self, id: i64, now: Timestamp) -> Result<bool, StoreError> {
        Ok(self.revoke_tokens_where("id", id, now).await? > 0)
    }

    /// Revokes every live token of a user; returns how many.
    pub async fn revoke_tokens_of(&self, user_id: i64, now: Timestamp) -> Result<u64, StoreError> {
        self.revoke_tokens_where("user_id", user_id, now).await
    }

    /// Revokes the live tokens whose `column` (`id` or `user_id`) is `value`; returns how
    /// many.
    async fn revoke_tokens_where(
        &self,
        column: &'static str,
        value: i64,
        now: Timestamp,
    ) -> Result<u64, StoreError> {
        let done = sqlx::query(AssertSqlSafe(format!(
            "UPDATE personal_tokens SET revoked_at = $1 WHERE {column} = $2 AND revoked_at IS NULL"
        )))
        .bind(now.as_second())
        .bind(value)
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected())
    }

    /// The active account holding a live token with this hash.
    pub async fn user_by_token(&self, token_hash: &str) -> Result<Option<User>, StoreError> {
        let row: Option<UserRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT {USER_COLUMNS} FROM personal_tokens t JOIN users u ON u.id = t.user_id \
             WHERE t.token_hash = $1 AND t.revoked_at IS NULL AND u.active = 1"
        )))
        .bind(token_hash)
        .fetch_optional(&self.pool)
        .await?;
        row.map(user).transpose()
    }

    /// Writes a line of the audit log.
    pub async fn audit(
        &self,
        user_id: Option<i64>,
        action: &str,
        entity: &str,
        entity_id: i64,
        detail: &str,
        now: Timestamp,
    ) -> Result<(), StoreError> {
        let mut conn = self.pool.acquire().await?;
        write_audit(&mut conn, user_id, action, entity, entity_id, detail, now).await
    }

    /// The audit log of one thing, oldest first.
    pub async fn audit_of(
        &self,
        entity: &str,
        entity_id: i64,
    ) -> Result<Vec<AuditEntry>, StoreError> {
        let rows: Vec<(i64, Option<i64>, String, String, i64, String)> = sqlx::query_as(
            "SELECT created_at, user_id, action, entity, entity_id, detail FROM audit_log \
             WHERE entity = $1 AND entity_id = $2 ORDER BY id",
        )
        .bind(entity)
        .bind(entity_id)
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter()
            .map(|r| {
                Ok(AuditEntry {
                    at: crate::rows::ts(r.0)?,
                    user_id: r.1,
                    action: r.2,
                    entity: r.3,
                    entity_id: r.4,
                    detail: r.5,
                })
            })
            .collect()
    }

    /// A page of the audit log, newest first, with the acting member's name. Paged on the
    /// id (each page starts below the last id of the one before), so lines written while
    /// someone reads never shift or repeat a page, and a deep page costs what the first
    /// does.
    pub async fn audit_log(&self, q: &AuditQuery) -> Result<AuditPage, StoreError> {
        let mut filter = vec!["1 = 1".to_owned()];
        let mut n = 0;
        let mut next = || {
            n += 1;
            format!("${n}")
        };
        if q.action.is_some() {
            filter.push(format!("a.action = {}", next()));
        }
        if q.user_id.is_some() {
            filter.push(format!("a.user_id = {}", next()));
        }
        if q.entity.is_some() {
            filter.push(format!("a.entity = {}", next()));
        }
        if q.before.is_some() {
            filter.push(format!("a.id < {}", next()));
        }
        let filter = filter.join(" AND ");
        let limit = next();
        let sql = format!(
            "SELECT a.id, a.created_at, a.user_id, a.action, a.entity, a.entity_id, a.detail, \
             u.name, COALESCE(ar.headline, t.name) FROM audit_log a \
             LEFT JOIN users u ON u.id = a.user_id \
             LEFT JOIN articles ar ON a.entity = 'article' AND ar.id = a.entity_id \
             LEFT JOIN users t ON a.entity = 'user' AND t.id = a.entity_id \
             WHERE {filter} ORDER BY a.id DESC LIMIT {limit}"
        );
        let mut query = sqlx::query_as::<_, AuditRow>(AssertSqlSafe(sql));
        if let Some(a) = &q.action {
            query = query.bind(a);
        }
        if let Some(u) = q.user_id {
            query = query.bind(u);
        }
        if let Some(e) = &q.entity {
            query = query.bind(e);
        }
        if let Some(b) = q.before {
            query = query.bind(b);
        }
        // One line more than the page shows: whether it exists says if there is a next page.
        let size = usize::try_from(q.limit.max(1)).unwrap_or(1);
        let rows = query
            .bind(i64::from(q.limit.max(1)) + 1)
            .fetch_all(&self.pool)
            .await?;
        let more = rows.len() > size;
        let lines = rows
            .into_iter()
            .take(size)
            .map(|r| {
                Ok(AuditLine {
                    id: r.0,
                    entry: AuditEntry {
                        at: crate::rows::ts(r.1)?,
                        user_id: r.2,
                        action: r.3,
                        entity: r.4,
                        entity_id: r.5,
                        detail: r.6,
                    },
                    user_name: r.7,
                    subject: r.8,
                })
            })
            .collect::<Result<Vec<_>, StoreError>>()?;
        let next = if more {
            lines.last().map(|l| l.id)
        } else {
            None
        };
        Ok(AuditPage { lines, next })
    }

    /// Who created an article, if a user did.
    pub async fn article_creator(&self, article_id: i64) -> Result<Option<i64>, StoreError> {
        let row: Option<Option<i64>> =
            sqlx::query_scalar("SELECT created_by FROM articles WHERE id = $1")
                .bind(article_id)
                .fetch_optional(&self.pool)
                .await?;
        row.ok_or_else(|| StoreError::NotFound(format!("article {article_id}")))
    }
}

/// Writes one audit line on `conn`: in a transaction, it commits or rolls back with the
/// change it records.
pub(crate) async fn write_audit(
    conn: &mut sqlx::AnyConnection,
    user_id: Option<i64>,
    action: &str,
    entity: &str,
    entity_id: i64,
    detail: &str,
    now: Timestamp,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO audit_log (created_at, user_id, action, entity, entity_id, detail) \
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(now.as_second())
    .bind(user_id)
    .bind(action)
    .bind(entity)
    .bind(entity_id)
    .bind(detail)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// What is deleted together with an audit line naming its address (the row is gone, so the
/// line is all that says what it was).
#[derive(Debug, Clone, Copy)]
pub(crate) enum Audited {
    /// A webhook receiver (`webhook_deleted`).
    Webhook,
    /// A wire feed (`wire_feed_removed`).
    WireFeed,
}

impl Store {
    /// Deletes row `id` of `what` and writes its audit line in one transaction; a row that
    /// is not there is `NotFound`, and no line is written.
    pub(crate) async fn delete_audited(
        &self,
        what: Audited,
        id: i64,
        by: Option<i64>,
        now: Timestamp,
    ) -> Result<(), StoreError> {
        let (delete, action, entity) = match what {
            Audited::Webhook => (
                "DELETE FROM webhooks WHERE id = $1 RETURNING url",
                "webhook_deleted",
                "webhook",
            ),
            Audited::WireFeed => (
                "DELETE FROM wire_feeds WHERE id = $1 RETURNING url",
                "wire_feed_removed",
                "wire_feed",
            ),
        };
        let mut tx = self.begin_write().await?;
        let url: Option<String> = sqlx::query_scalar(delete)
            .bind(id)
            .fetch_optional(&mut *tx)
            .await?;
        let Some(url) = url else {
            return Err(StoreError::NotFound(format!("{entity} {id}")));
        };
        write_audit(&mut tx, by, action, entity, id, &url, now).await?;
        tx.commit().await?;
        Ok(())
    }
}
