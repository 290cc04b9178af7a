//! Articles: creating, editing, publishing and correcting them, and the queries behind every
//! public list. Lists only ever show published articles whose time has come, and each
//! article appears at most once in a list (every query selects from `articles` once,
//! joining only to filter or rank).

use crate::error::changed;
use crate::plans::{Arg, bind_all};
use crate::rows::{self, SUMMARY_COLUMNS};
use crate::taxonomy::conflict;
use crate::{Backend, Store, StoreError};
use arabpress_core::model::{Article, ArticleSummary, Author, Correction, SpokenAudio, Tag};
use arabpress_core::{
    ArticleDraft, ArticleStatus, Conflict, Lang, Slug, SourceCredit, ValidationError,
};
use jiff::Timestamp;
use sqlx::any::{AnyArguments, AnyRow};
use sqlx::{Any, Arguments, AssertSqlSafe, Row, Transaction};
use std::collections::HashMap;

/// A filter over published articles, newest first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListQuery {
    /// Only this language.
    pub lang: Lang,
    /// Only this section.
    pub section_id: Option<i64>,
    /// Only articles with this tag.
    pub tag_id: Option<i64>,
    /// Only articles by this author.
    pub author_id: Option<i64>,
    /// Leave these out (e.g. the lead story already shown above the list).
    pub exclude: Vec<i64>,
    /// Page size.
    pub limit: u32,
    /// Rows to skip.
    pub offset: u32,
    /// Articles published after this instant are not yet public.
    pub now: Timestamp,
    /// Count the whole list up to this many (a list's first page shows how many stories it
    /// holds; a sidebar does not): the count reads no further than one past it, so that
    /// showing a first page never walks a whole section's archive. `None`: not counted.
    pub count_up_to: Option<u64>,
    /// Only articles after this one in the list's order (publication time and id, newest
    /// first): a cursor that stays put while newer articles are published.
    pub before: Option<(Timestamp, i64)>,
    /// Only articles before this one in the list's order: the `limit` nearest to it (still
    /// listed newest first).
    pub after: Option<(Timestamp, i64)>,
}

impl ListQuery {
    /// The newest `limit` published articles in `lang` as of `now`.
    pub fn latest(lang: Lang, limit: u32, now: Timestamp) -> Self {
        ListQuery {
            lang,
            section_id: None,
            tag_id: None,
            author_id: None,
            exclude: Vec::new(),
            limit,
            offset: 0,
            now,
            count_up_to: None,
            before: None,
            after: None,
        }
    }
}

/// One row of [`Store::parts_column`]: `[part, id, slug, t1, t2, t3, t4, n]`.
type PartRow = (String, i64, String, String, String, String, String, i64);

/// The lists an article page shows besides the article.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Neighbours {
    /// Its published versions in other languages.
    pub translations: Vec<ArticleSummary>,
    /// Related stories, best first.
    pub related: Vec<ArticleSummary>,
    /// The newest stories in its language (it may be among them).
    pub latest: Vec<ArticleSummary>,
}

/// One page of a list and the size of the whole list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Page<T> {
    /// The rows on this page.
    pub items: Vec<T>,
    /// How many rows the whole list has (the page's own length when not counted). A public
    /// list's count ([`Store::list`]) may stop one past its `count_up_to`: a total above
    /// that bound means "more than it".
    pub total: u64,
}

/// A correction to print on an article.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewCorrection {
    /// The article corrected.
    pub article_id: i64,
    /// What was wrong and what was changed.
    pub note: String,
}

pub(crate) const FULL_COLUMNS: &str = "a.status, b.body_md, b.body_html, a.source_name, a.source_url, \
     a.translation_group, a.created_at, a.scheduled_at, a.version, a.duplicate_of, a.fingerprint, \
     a.seo_title, a.seo_description, a.created_by, \
     (SELECT x.sha FROM article_audio x WHERE x.article_id = a.id) AS audio_sha, \
     (SELECT x.bytes FROM article_audio x WHERE x.article_id = a.id) AS audio_bytes, \
     (SELECT x.duration_ms FROM article_audio x WHERE x.article_id = a.id) AS audio_ms";

impl Store {
    /// Saves a new article with its authors, tags and a first revision, in one transaction.
    /// A generated slug that is taken gets a numeric suffix; a slug the writer chose that is
    /// taken is a [`StoreError::Conflict`].
    /// `by` is the newsroom user writing it, when a person does.
    pub async fn create_article(
        &self,
        draft: ArticleDraft,
        status: ArticleStatus,
        published_at: Option<Timestamp>,
        by: Option<i64>,
        now: Timestamp,
    ) -> Result<Article, StoreError> {
        let mut tx = self.begin_write().await?;
        let id = insert_article(
            &mut tx,
            &mut Known::default(),
            draft,
            status,
            published_at,
            by,
            now,
        )
        .await?;
        self.commit_and_read(tx, id).await
    }

    /// Replaces an article's content. `expected_version` is the version the writer started
    /// from; if someone saved in between, the save is refused and nothing changes.
    pub async fn update_article(
        &self,
        id: i64,
        expected_version: i64,
        draft: ArticleDraft,
        by: Option<i64>,
        now: Timestamp,
    ) -> Result<Article, StoreError> {
        let explicit_slug = draft.slug.is_some();
        let draft = draft.validate()?;
        let rendered = crate::render_body(&draft.body_md).await?;
        let mut tx = self.begin_write().await?;
        let section_id = section_id(&mut tx, &draft.section).await?;
        let slug = free_slug(&mut tx, &draft, explicit_slug, Some(id)).await?;
        let updated = sqlx::query_with(
            "UPDATE articles SET lang = $1, slug = $2, headline = $3, standfirst = $4, \
             reading_minutes = $5, kind = $6, section_id = $7, source_name = $8, \
             source_url = $9, image_url = $10, image_alt = $11, image_caption = $12, image_credit = $13, \
             seo_title = $14, seo_description = $15, updated_at = $16, version = version + 1 \
             WHERE id = $17 AND version = $18",
            content_args(&draft, &slug, &rendered.text, section_id)?,
        )
        .bind(now.as_second())
        .bind(id)
        .bind(expected_version)
        .execute(&mut *tx)
        .await
        .map_err(|e| conflict(e, slug_taken(&slug, draft.lang)))?;
        if updated.rows_affected() == 0 {
            let exists: Option<i64> =
                sqlx::query_scalar("SELECT version FROM articles WHERE id = $1")
                    .bind(id)
                    .fetch_optional(&mut *tx)
                    .await?;
            return Err(match exists {
                None => StoreError::NotFound(format!("article {id}")),
                Some(v) => StoreError::Conflict(Conflict::StaleVersion {
                    current: v,
                    opened: expected_version,
                }),
            });
        }
        sqlx::query("UPDATE article_bodies SET body_md = $1, body_html = $2 WHERE article_id = $3")
            .bind(&draft.body_md)
            .bind(&rendered.html)
            .bind(id)
            .execute(&mut *tx)
            .await?;
        sqlx::query("DELETE FROM article_authors WHERE article_id = $1")
            .bind(id)
            .execute(&mut *tx)
            .await?;
        sqlx::query("DELETE FROM article_tags WHERE article_id = $1")
            .bind(id)
            .execute(&mut *tx)
            .await?;
        write_links(&mut tx, &mut Known::default(), id, &draft).await?;
        insert_revision(&mut *tx, id, expected_version + 1, &draft, by, false, now).await?;
        change_event(&mut tx, id, "updated", now).await?;
        crate::queue::speak_later(&mut tx, id, now).await?;
        let status: String = sqlx::query_scalar("SELECT status FROM articles WHERE id = $1")
            .bind(id)
            .fetch_one(&mut *tx)
            .await?;
        if status == ArticleStatus::Published.as_str() {
            crate::webhooks::queue_article_event(&mut tx, "article.updated", id, now).await?;
        }
        self.commit_and_read(tx, id).await
    }

    /// Moves an article to `status`. Publishing sets the publication time (kept when the
    /// article was published before, unless `published_at` gives a new one).
    pub async fn set_status(
        &self,
        id: i64,
        status: ArticleStatus,
        published_at: Option<Timestamp>,
        now: Timestamp,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin_write().await?;
        let before: Option<String> =
            sqlx::query_scalar("SELECT status FROM articles WHERE id = $1")
                .bind(id)
                .fetch_optional(&mut *tx)
                .await?;
        let when = match status {
            ArticleStatus::Published => Some(published_at.unwrap_or(now).as_second()),
            _ => published_at.map(|t| t.as_second()),
        };
        let done = sqlx::query(
            "UPDATE articles SET status = $1, published_at = COALESCE($2, published_at), updated_at = $3, \
             version = version + 1 WHERE id = $4",
        )
        .bind(status.as_str())
        .bind(when)
        .bind(now.as_second())
        .bind(id)
        .execute(&mut *tx)
        .await?;
        changed(&done, || format!("article {id}"))?;
        change_event(&mut tx, id, status.as_str(), now).await?;
        crate::queue::speak_later(&mut tx, id, now).await?;
        let was_published = before.as_deref() == Some(ArticleStatus::Published.as_str());
        let event = match status {
            ArticleStatus::Published => Some("article.published"),
            ArticleStatus::Unpublished if was_published => Some("article.unpublished"),
            _ => None,
        };
        if let Some(event) = event {
            crate::webhooks::queue_article_event(&mut tx, event, id, now).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Schedules an article to go live at `at`: it stays out of every public list until
    /// [`Store::publish_due`] runs at or after that time.
    pub async fn schedule(&self, id: i64, at: Timestamp, now: Timestamp) -> Result<(), StoreError> {
        let mut tx = self.begin_write().await?;
        let done = sqlx::query(
            "UPDATE articles SET status = 'scheduled', scheduled_at = $1, updated_at = $2, \
             version = version + 1 WHERE id = $3",
        )
        .bind(at.as_second())
        .bind(now.as_second())
        .bind(id)
        .execute(&mut *tx)
        .await?;
        changed(&done, || format!("article {id}"))?;
        change_event(&mut tx, id, "scheduled", now).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Takes a scheduled article back to draft, forgetting its time. Returns false when it
    /// is not scheduled (any more): the check and the change are one conditional `UPDATE`,
    /// so an article the publishing worker has just taken live stays live.
    pub async fn unschedule(&self, id: i64, now: Timestamp) -> Result<bool, StoreError> {
        let mut tx = self.begin_write().await?;
        let done = sqlx::query(
            "UPDATE articles SET status = 'draft', scheduled_at = NULL, updated_at = $1, \
             version = version + 1 WHERE id = $2 AND status = 'scheduled'",
        )
        .bind(now.as_second())
        .bind(id)
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() == 0 {
            return Ok(false);
        }
        change_event(&mut tx, id, "draft", now).await?;
        tx.commit().await?;
        Ok(true)
    }

    /// Publishes every scheduled article whose time has come, and returns their ids. Each
    /// goes live once: the status change is the claim, so two workers (or two nodes) running
    /// together never publish one article twice.
    pub async fn publish_due(&self, now: Timestamp) -> Result<Vec<i64>, StoreError> {
        let mut tx = self.begin_write().await?;
        let ids: Vec<i64> = sqlx::query_scalar(
            "UPDATE articles SET status = 'published', published_at = scheduled_at, scheduled_at = NULL, \
             updated_at = $1, version = version + 1 WHERE status = 'scheduled' AND scheduled_at <= $1 \
             RETURNING id",
        )
        .bind(now.as_second())
        .fetch_all(&mut *tx)
        .await?;
        for id in &ids {
            change_event(&mut tx, *id, "published", now).await?;
            crate::queue::queue_job(&mut tx, crate::queue::SPEAK, *id, now).await?;
            crate::webhooks::queue_article_event(&mut tx, "article.published", *id, now).await?;
        }
        tx.commit().await?;
        Ok(ids)
    }

    /// Adds a dated correction note to an article.
    pub async fn add_correction(
        &self,
        c: NewCorrection,
        now: Timestamp,
    ) -> Result<Correction, StoreError> {
        let note = arabpress_core::article::collapse_ws(&c.note);
        if note.is_empty() || note.chars().count() > 2_000 {
            return Err(ValidationError::new(
                "note",
                "invalid-correction-note",
                "a correction needs 1 to 2000 characters",
            )
            .into());
        }
        let mut tx = self.begin_write().await?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO corrections (article_id, created_at, note) VALUES ($1, $2, $3) RETURNING id",
        )
        .bind(c.article_id)
        .bind(now.as_second())
        .bind(&note)
        .fetch_one(&mut *tx)
        .await
        .map_err(|e| crate::taxonomy::missing(e, format!("article {}", c.article_id)))?;
        sqlx::query("UPDATE articles SET updated_at = $1 WHERE id = $2")
            .bind(now.as_second())
            .bind(c.article_id)
            .execute(&mut *tx)
            .await?;
        change_event(&mut tx, c.article_id, "corrected", now).await?;
        tx.commit().await?;
        Ok(Correction {
            id,
            created_at: now,
            note,
        })
    }

    /// The newest corrections of published articles in `lang`, newest first, each with its
    /// article's id (the caller keeps the articles still public now).
    pub async fn recent_corrections(
        &self,
        lang: Lang,
        limit: i64,
    ) -> Result<Vec<(i64, Correction)>, StoreError> {
        let rows: Vec<(i64, i64, i64, String)> = sqlx::query_as(
            "SELECT c.article_id, c.id, c.created_at, c.note FROM corrections c \
             JOIN articles a ON a.id = c.article_id \
             WHERE a.lang = $1 AND a.status = 'published' \
             ORDER BY c.created_at DESC, c.id DESC LIMIT $2",
        )
        .bind(lang.code())
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter()
            .map(|(article, id, at, note)| {
                Ok((
                    article,
                    Correction {
                        id,
                        created_at: rows::ts(at)?,
                        note,
                    },
                ))
            })
            .collect()
    }

    /// Marks two articles in different languages as translations of each other.
    pub async fn link_translations(
        &self,
        a: i64,
        b: i64,
        now: Timestamp,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin_write().await?;
        let langs: Vec<(i64, String, Option<i64>)> = sqlx::query_as(
            "SELECT id, lang, translation_group FROM articles WHERE id = $1 OR id = $2",
        )
        .bind(a)
        .bind(b)
        .fetch_all(&mut *tx)
        .await?;
        if langs.len() != 2 {
            return Err(StoreError::NotFound(format!("article {a} or {b}")));
        }
        if langs[0].1 == langs[1].1 {
            return Err(ValidationError::new(
                "translation",
                "invalid-translation-lang",
                "a translation must be in the other language",
            )
            .into());
        }
        let group = langs.iter().filter_map(|r| r.2).min().unwrap_or(a.min(b));
        sqlx::query("UPDATE articles SET translation_group = $1 WHERE id = $2 OR id = $3")
            .bind(group)
            .bind(a)
            .bind(b)
            .execute(&mut *tx)
            .await?;
        change_event(&mut tx, a, "translation", now).await?;
        change_event(&mut tx, b, "translation", now).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Commits `tx` and reads back the article `id` it wrote.
    async fn commit_and_read(
        &self,
        tx: Transaction<'static, Any>,
        id: i64,
    ) -> Result<Article, StoreError> {
        tx.commit().await?;
        self.article_by_id(id)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("article {id}")))
    }

    /// One article, any status.
    pub async fn article_by_id(&self, id: i64) -> Result<Option<Article>, StoreError> {
        let sql = format!(
            "SELECT {SUMMARY_COLUMNS}, {FULL_COLUMNS}, {} FROM articles a JOIN article_bodies b ON b.article_id = a.id \
             WHERE a.id = $1",
            self.parts_column()
        );
        let row = sqlx::query(AssertSqlSafe(sql))
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        match row {
            Some(row) => Ok(Some(self.full(&row).await?)),
            None => Ok(None),
        }
    }

    /// One article by language and slug, any status.
    pub async fn article_by_slug(
        &self,
        lang: Lang,
        slug: &str,
    ) -> Result<Option<Article>, StoreError> {
        let sql = format!(
            "SELECT {SUMMARY_COLUMNS}, {FULL_COLUMNS}, {} FROM articles a JOIN article_bodies b ON b.article_id = a.id \
             WHERE a.lang = $1 AND a.slug = $2",
            self.parts_column()
        );
        let row = sqlx::query(AssertSqlSafe(sql))
            .bind(lang.code())
            .bind(slug)
            .fetch_optional(&self.pool)
            .await?;
        match row {
            Some(row) => Ok(Some(self.full(&row).await?)),
            None => Ok(None),
        }
    }

    /// A column holding an article's authors, tags and corrections as one JSON array of
    /// `[part, id, slug, t1, t2, t3, t4, n]` rows, ordered (authors by byline position, tags
    /// by name, corrections by date), so that a whole article loads in one query.
    pub(crate) fn parts_column(&self) -> String {
        let parts = "SELECT 'a' AS part, au.id AS id, au.slug AS slug, au.name_ar AS t1, au.name_en AS t2, \
             au.bio_ar AS t3, au.bio_en AS t4, aa.position AS n FROM article_authors aa \
             JOIN authors au ON au.id = aa.author_id WHERE aa.article_id = a.id \
             UNION ALL SELECT 't', t.id, t.slug, t.lang, t.name, '', '', CAST(0 AS BIGINT) \
             FROM article_tags at JOIN tags t ON t.id = at.tag_id WHERE at.article_id = a.id \
             UNION ALL SELECT 'c', c.id, '', c.note, '', '', '', c.created_at FROM corrections c \
             WHERE c.article_id = a.id";
        let (agg, array) = match self.backend {
            Backend::Sqlite => ("json_group_array", "json_array"),
            Backend::Postgres => ("json_agg", "json_build_array"),
        };
        format!(
            "(SELECT COALESCE(CAST({agg}({array}(p.part, p.id, p.slug, p.t1, p.t2, p.t3, p.t4, p.n) \
             ORDER BY p.part, p.n, p.t2, p.id) AS TEXT), '[]') FROM ({parts}) p) AS parts"
        )
    }

    pub(crate) async fn full(&self, row: &AnyRow) -> Result<Article, StoreError> {
        let summary = rows::summary(row)?;
        let status: String = row.try_get("status")?;
        let source_name: Option<String> = row.try_get("source_name")?;
        let parts: String = row.try_get("parts")?;
        let parts: Vec<PartRow> = serde_json::from_str(&parts)
            .map_err(|e| StoreError::Corrupt(format!("article parts: {e}")))?;
        let (mut authors, mut tags, mut corrections) = (Vec::new(), Vec::new(), Vec::new());
        for (part, id, slug, t1, t2, t3, t4, n) in parts {
            match part.as_str() {
                "a" => authors.push(Author {
                    id,
                    slug,
                    name_ar: t1,
                    name_en: t2,
                    bio_ar: t3,
                    bio_en: t4,
                }),
                "t" => tags.push(Tag {
                    id,
                    lang: rows::parse("tag language", &t1)?,
                    slug,
                    name: t2,
                }),
                _ => corrections.push(Correction {
                    id,
                    created_at: rows::ts(n)?,
                    note: t1,
                }),
            }
        }
        Ok(Article {
            status: rows::parse("article status", &status)?,
            body_md: row.try_get("body_md")?,
            body_html: row.try_get("body_html")?,
            source: source_name
                .map(|name| -> Result<SourceCredit, StoreError> {
                    Ok(SourceCredit {
                        name,
                        url: row.try_get("source_url")?,
                    })
                })
                .transpose()?,
            authors,
            tags,
            corrections,
            translation_group: row.try_get("translation_group")?,
            created_at: rows::ts(row.try_get("created_at")?)?,
            scheduled_at: rows::opt_ts(row.try_get("scheduled_at")?)?,
            version: row.try_get("version")?,
            duplicate_of: row.try_get("duplicate_of")?,
            fingerprint: row
                .try_get::<Option<i64>, _>("fingerprint")?
                .map(|f| u64::from_ne_bytes(f.to_ne_bytes())),
            seo_title: row.try_get("seo_title")?,
            seo_description: row.try_get("seo_description")?,
            created_by: row.try_get("created_by")?,
            audio: match (
                row.try_get::<Option<String>, _>("audio_sha")?,
                row.try_get::<Option<i64>, _>("audio_bytes")?,
                row.try_get::<Option<i64>, _>("audio_ms")?,
            ) {
                (Some(sha), Some(bytes), Some(duration_ms)) => Some(SpokenAudio {
                    sha,
                    bytes,
                    duration_ms,
                }),
                _ => None,
            },
            summary,
        })
    }

    /// The two statements of a list, each with its arguments: its count (the filter's
    /// arguments, then the bound past `q.count_up_to`), and its page (the filter's, then the
    /// limit and offset).
    fn list_statements(&self, q: &ListQuery) -> ((String, Vec<Arg>), (String, Vec<Arg>)) {
        // A tag or author list walks that link table's index, whose rows carry their
        // article's list keys (kept by triggers, see migration 0020): counting an author's
        // whole archive and skipping to a deep page of it read that index alone. Other
        // lists walk the articles' own list indexes.
        let (from, id, at, link) = match (q.tag_id, q.author_id) {
            (Some(tag), _) => (
                "article_tags x",
                "x.article_id",
                "x.listed_at",
                Some(("x.tag_id", tag)),
            ),
            (None, Some(author)) => (
                "article_authors x",
                "x.article_id",
                "x.listed_at",
                Some(("x.author_id", author)),
            ),
            (None, None) => ("articles a", "a.id", "a.published_at", None),
        };
        let mut binds: Vec<i64> = Vec::new();
        let mut n = 2;
        let mut filter = match link {
            None => format!(
                "a.lang = $1 AND a.status = 'published' AND a.published_at <= $2 AND {}",
                not_hidden_duplicate("$2")
            ),
            Some((column, value)) => {
                n += 1;
                binds.push(value);
                format!(
                    "{column} = $3 AND x.lang = $1 AND x.listed_at <= $2 AND {}",
                    not_hidden_duplicate_of("x.duplicate_of", "$2")
                )
            }
        };
        if let Some(section) = q.section_id {
            n += 1;
            if link.is_none() {
                filter.push_str(&format!(" AND a.section_id = ${n}"));
            } else {
                filter.push_str(&format!(
                    " AND EXISTS (SELECT 1 FROM articles a WHERE a.id = {id} AND a.section_id = ${n})"
                ));
            }
            binds.push(section);
        }
        if let (Some(_), Some(author)) = (q.tag_id, q.author_id) {
            n += 1;
            filter.push_str(&format!(
                " AND {id} IN (SELECT article_id FROM article_authors WHERE author_id = ${n})"
            ));
            binds.push(author);
        }
        for excluded in &q.exclude {
            n += 1;
            filter.push_str(&format!(" AND {id} <> ${n}"));
            binds.push(*excluded);
        }
        // A cursor: the articles past one story in the list's order, towards older (`<`) or
        // newer (`>`) ones.
        for (cursor, past) in [(q.before, "<"), (q.after, ">")] {
            if let Some((cursor_at, cursor_id)) = cursor {
                filter.push_str(&format!(
                    " AND ({at} {past} ${} OR ({at} = ${} AND {id} {past} ${}))",
                    n + 1,
                    n + 1,
                    n + 2
                ));
                n += 2;
                binds.push(cursor_at.as_second());
                binds.push(cursor_id);
            }
        }
        // Walking towards newer articles reads the index forwards; the page is still listed
        // newest first.
        let direction = if q.after.is_some() { "ASC" } else { "DESC" };
        let count_sql = format!(
            "SELECT CAST(COUNT(*) AS BIGINT) FROM (SELECT 1 FROM {from} WHERE {filter} LIMIT ${}) AS counted",
            n + 1
        );
        // The page's ids first, from the index alone (skipping to a deep page walks index
        // entries, not rows), then their rows.
        let list_sql = self.summaries_as_json(
            &format!(
                "SELECT {SUMMARY_COLUMNS} FROM articles a WHERE a.id IN (SELECT {id} FROM {from} \
                 WHERE {filter} ORDER BY {at} {direction}, {id} {direction} LIMIT ${} OFFSET ${})",
                n + 1,
                n + 2
            ),
            "s.published_at DESC, s.id DESC",
        );
        let mut args = vec![
            Arg::Text(q.lang.code().to_owned()),
            Arg::Int(q.now.as_second()),
        ];
        args.extend(binds.into_iter().map(Arg::Int));
        let mut page_args = args.clone();
        page_args.extend([Arg::Int(i64::from(q.limit)), Arg::Int(i64::from(q.offset))]);
        let bound = q.count_up_to.unwrap_or(0).saturating_add(1);
        args.push(Arg::Int(i64::try_from(bound).unwrap_or(i64::MAX)));
        ((count_sql, args), (list_sql, page_args))
    }

    /// Published articles matching a filter, newest first, with the total count when asked
    /// (`q.count_up_to`). A first page shorter than its limit is the whole list, and counts
    /// itself; otherwise the count reads the list's index entries up to one past the bound.
    pub async fn list(&self, q: &ListQuery) -> Result<Page<ArticleSummary>, StoreError> {
        let ((count_sql, count_args), (list_sql, list_args)) = self.list_statements(q);
        let json: String = bind_all(sqlx::query(AssertSqlSafe(list_sql)), &list_args)
            .fetch_one(&self.pool)
            .await?
            .try_get(0)?;
        let items = rows::summaries_from_json(&json)?;
        let shown = items.len() as u64;
        let total = match q.count_up_to {
            Some(_) if q.offset == 0 && shown < u64::from(q.limit) => shown,
            Some(_) => {
                let n: i64 = bind_all(sqlx::query(AssertSqlSafe(count_sql)), &count_args)
                    .fetch_one(&self.pool)
                    .await?
                    .try_get(0)?;
                u64::try_from(n).unwrap_or(shown)
            }
            None => shown,
        };
        Ok(Page { items, total })
    }

    /// The plans the database chooses for a list's count and page (see [`Store::list`]),
    /// one line per step, for checking that a list walks an index.
    pub async fn list_plans(&self, q: &ListQuery) -> Result<Vec<String>, StoreError> {
        let ((count_sql, count_args), (list_sql, list_args)) = self.list_statements(q);
        let mut lines = self.plan(&count_sql, &count_args).await?;
        lines.extend(self.plan(&list_sql, &list_args).await?);
        Ok(lines)
    }

    /// Wraps a query selecting [`SUMMARY_COLUMNS`] so that the database returns its rows as
    /// one JSON array in one row, in `order`. Lists then cost one hand-off between the
    /// database and the request instead of one per row, which is most of the time an
    /// uncached page spends on SQLite.
    pub(crate) fn summaries_as_json(&self, inner: &str, order: &str) -> String {
        let fields = rows::SUMMARY_FIELDS
            .iter()
            .map(|f| format!("'{f}', s.{f}"))
            .collect::<Vec<_>>()
            .join(", ");
        let (agg, object) = match self.backend {
            Backend::Sqlite => ("json_group_array", "json_object"),
            Backend::Postgres => ("json_agg", "json_build_object"),
        };
        format!(
            "SELECT COALESCE(CAST({agg}({object}({fields}) ORDER BY {order}) AS TEXT), '[]') FROM ({inner}) s"
        )
    }

    /// The statement of [`Store::article_neighbours`], with its arguments: $1 language, $2
    /// article id, $3 translation group (-1: none), $4 now, $5 related limit, $6 latest
    /// limit.
    fn neighbours_statement(
        &self,
        article: &Article,
        related: u32,
        latest: u32,
        now: Timestamp,
    ) -> (String, Vec<Arg>) {
        let translations = self.summaries_as_json(
            &format!(
                "SELECT {SUMMARY_COLUMNS} FROM articles a WHERE a.translation_group = $3 AND a.id <> $2 \
                 AND a.lang <> $1 AND a.status = 'published' AND a.published_at <= $4"
            ),
            "s.id",
        );
        let related_sql = self.summaries_as_json(
            &format!(
                "SELECT {SUMMARY_COLUMNS}, r.position AS position FROM related_articles r \
                 JOIN articles a ON a.id = r.related_id WHERE r.article_id = $2 AND a.status = 'published' \
                 AND a.published_at <= $4 AND COALESCE(a.translation_group, 0) <> $3 ORDER BY r.position LIMIT $5"
            ),
            "s.position",
        );
        let latest_sql = self.summaries_as_json(
            &format!(
                "SELECT {SUMMARY_COLUMNS} FROM articles a WHERE a.lang = $1 AND a.status = 'published' \
                 AND a.published_at <= $4 AND {} ORDER BY a.published_at DESC, a.id DESC LIMIT $6",
                not_hidden_duplicate("$4")
            ),
            "s.published_at DESC, s.id DESC",
        );
        // The three arrays are already JSON text: concatenating them (`||` in both engines)
        // spares the database parsing them again.
        let sql = format!(
            "SELECT '{{\"t\":' || ({translations}) || ',\"r\":' || ({related_sql}) || ',\"l\":' || ({latest_sql}) || '}}'"
        );
        let args = vec![
            Arg::Text(article.summary.lang.code().to_owned()),
            Arg::Int(article.summary.id),
            Arg::Int(article.translation_group.unwrap_or(-1)),
            Arg::Int(now.as_second()),
            Arg::Int(i64::from(related)),
            Arg::Int(i64::from(latest)),
        ];
        (sql, args)
    }

    /// Everything an article page lists besides the article, in one round trip: its
    /// published translations, up to `related` of its stored related stories (see
    /// [`Store::set_related`]; withdrawn ones and translations are left out) and the `latest`
    /// newest stories in its language.
    pub async fn article_neighbours(
        &self,
        article: &Article,
        related: u32,
        latest: u32,
        now: Timestamp,
    ) -> Result<Neighbours, StoreError> {
        let (sql, args) = self.neighbours_statement(article, related, latest, now);
        let json: String = bind_all(sqlx::query(AssertSqlSafe(sql)), &args)
            .fetch_one(&self.pool)
            .await?
            .try_get(0)?;
        rows::neighbours_from_json(&json)
    }

    /// The plan the database chooses for [`Store::article_neighbours`] (translations,
    /// stored related stories, latest), one line per step.
    pub async fn neighbours_plans(
        &self,
        article: &Article,
        now: Timestamp,
    ) -> Result<Vec<String>, StoreError> {
        let (sql, args) = self.neighbours_statement(article, 8, 16, now);
        self.plan(&sql, &args).await
    }

    /// How many articles the store holds, any status.
    pub async fn count_articles(&self) -> Result<u64, StoreError> {
        let n: i64 = sqlx::query_scalar("SELECT CAST(COUNT(*) AS BIGINT) FROM articles")
            .fetch_one(&self.pool)
            .await?;
        Ok(u64::try_from(n).unwrap_or(0))
    }

    /// The newest change-feed id, 0 when nothing has changed yet.
    pub async fn last_change_id(&self) -> Result<i64, StoreError> {
        let n: Option<i64> = sqlx::query_scalar("SELECT MAX(id) FROM change_events")
            .fetch_one(&self.pool)
            .await?;
        Ok(n.unwrap_or(0))
    }
}

/// The condition, over `articles a`, that leaves out a near-duplicate while the article it
/// duplicates is public (`now` names the parameter holding the current time). The
/// `duplicate_of IS NULL` test comes first so that most rows never reach the look-up: a
/// bare NOT EXISTS became, on PostgreSQL, an anti-join that hashed every public article
/// for each list.
pub(crate) fn not_hidden_duplicate(now: &str) -> String {
    not_hidden_duplicate_of("a.duplicate_of", now)
}

/// [`not_hidden_duplicate`] for a row whose near-duplicate link is the column `link`.
fn not_hidden_duplicate_of(link: &str, now: &str) -> String {
    format!(
        "({link} IS NULL OR NOT EXISTS (SELECT 1 FROM articles c WHERE c.id = {link} \
         AND c.status = 'published' AND c.published_at <= {now}))"
    )
}

/// What saving an article writes from its (validated) draft, as the first arguments of the
/// statement, `$1` to `$15`: lang, slug, headline, standfirst, reading_minutes, kind,
/// section_id, source_name, source_url, image_url, image_alt, image_caption, image_credit,
/// seo_title, seo_description. Creating and editing share it, so they write the same.
fn content_args(
    draft: &ArticleDraft,
    slug: &Slug,
    body_text: &str,
    section_id: i64,
) -> Result<AnyArguments, StoreError> {
    let img = draft.image.as_ref();
    let src = draft.source.as_ref();
    let mut args = AnyArguments::default();
    let add = |r: Result<(), sqlx::error::BoxDynError>| r.map_err(sqlx::Error::Encode);
    add(args.add(draft.lang.code()))?;
    add(args.add(slug.as_str()))?;
    add(args.add(&draft.headline))?;
    add(args.add(&draft.standfirst))?;
    add(args.add(i64::from(arabpress_core::article::reading_minutes(
        body_text,
    ))))?;
    add(args.add(draft.kind.as_str()))?;
    add(args.add(section_id))?;
    add(args.add(src.map(|s| s.name.clone())))?;
    add(args.add(src.and_then(|s| s.url.clone())))?;
    add(args.add(img.map(|i| i.url.clone())))?;
    add(args.add(img.map(|i| i.alt.clone())))?;
    add(args.add(img.and_then(|i| i.caption.clone())))?;
    add(args.add(img.and_then(|i| i.credit.clone())))?;
    add(args.add(&draft.seo_title))?;
    add(args.add(&draft.seo_description))?;
    Ok(args)
}

/// Ids of sections, authors and tags looked up inside one transaction, so that a batch of
/// articles asks the database for each once. Only valid for the transaction it was filled
/// in: it is dropped with it.
#[derive(Debug, Default)]
pub(crate) struct Known {
    sections: HashMap<String, i64>,
    authors: HashMap<String, i64>,
    tags: HashMap<(Lang, String), i64>,
}

impl Known {
    async fn section(
        &mut self,
        tx: &mut Transaction<'static, Any>,
        slug: &Slug,
    ) -> Result<i64, StoreError> {
        if let Some(id) = self.sections.get(slug.as_str()) {
            return Ok(*id);
        }
        let id = section_id(tx, slug).await?;
        self.sections.insert(slug.as_str().to_owned(), id);
        Ok(id)
    }

    async fn author(
        &mut self,
        tx: &mut Transaction<'static, Any>,
        slug: &Slug,
    ) -> Result<i64, StoreError> {
        if let Some(id) = self.authors.get(slug.as_str()) {
            return Ok(*id);
        }
        let id: i64 = sqlx::query_scalar("SELECT id FROM authors WHERE slug = $1")
            .bind(slug.as_str())
            .fetch_optional(&mut **tx)
            .await?
            .ok_or_else(|| {
                ValidationError::new(
                    "authors",
                    "invalid-no-author",
                    format!("there is no author {slug}"),
                )
                .with("slug", slug.as_str())
            })?;
        self.authors.insert(slug.as_str().to_owned(), id);
        Ok(id)
    }

    /// The tag `name` in `lang`, made when missing.
    async fn tag(
        &mut self,
        tx: &mut Transaction<'static, Any>,
        lang: Lang,
        name: &str,
    ) -> Result<i64, StoreError> {
        // A name with no letters or digits ("🔥") still gets a stable slug, so one such tag
        // cannot fail a save or a whole import batch.
        let slug = Slug::generate(name).unwrap_or_else(|| Slug::fallback("tag", name));
        let key = (lang, slug.as_str().to_owned());
        if let Some(id) = self.tags.get(&key) {
            return Ok(*id);
        }
        let existing: Option<i64> =
            sqlx::query_scalar("SELECT id FROM tags WHERE lang = $1 AND slug = $2")
                .bind(lang.code())
                .bind(slug.as_str())
                .fetch_optional(&mut **tx)
                .await?;
        let id = match existing {
            Some(id) => id,
            None => {
                // Another transaction may be making the same tag at the same moment: then
                // this insert does nothing and the row that one committed is read back.
                sqlx::query(
                    "INSERT INTO tags (lang, slug, name) VALUES ($1, $2, $3) \
                     ON CONFLICT (lang, slug) DO NOTHING",
                )
                .bind(lang.code())
                .bind(slug.as_str())
                .bind(name)
                .execute(&mut **tx)
                .await?;
                sqlx::query_scalar("SELECT id FROM tags WHERE lang = $1 AND slug = $2")
                    .bind(lang.code())
                    .bind(slug.as_str())
                    .fetch_one(&mut **tx)
                    .await?
            }
        };
        self.tags.insert(key, id);
        Ok(id)
    }
}

/// Inserts a new article with its body, links, first revision and change event (and, when
/// published, the job that speaks it), inside `tx`; returns its id. A generated slug that is taken gets a numeric suffix; a slug the
/// writer chose that is taken is a [`StoreError::Conflict`].
pub(crate) async fn insert_article(
    tx: &mut Transaction<'static, Any>,
    known: &mut Known,
    draft: ArticleDraft,
    status: ArticleStatus,
    published_at: Option<Timestamp>,
    by: Option<i64>,
    now: Timestamp,
) -> Result<i64, StoreError> {
    let explicit_slug = draft.slug.is_some();
    let draft = draft.validate()?;
    let rendered = crate::render_body(&draft.body_md).await?;
    let section_id = known.section(tx, &draft.section).await?;
    let slug = free_slug(tx, &draft, explicit_slug, None).await?;
    let id: i64 = sqlx::query_scalar_with(
        "INSERT INTO articles (lang, slug, headline, standfirst, reading_minutes, \
             kind, section_id, source_name, source_url, image_url, image_alt, image_caption, \
             image_credit, seo_title, seo_description, status, created_at, published_at, \
             updated_at, version, created_by) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, \
             $18, $19, 1, $20) RETURNING id",
        content_args(&draft, &slug, &rendered.text, section_id)?,
    )
    .bind(status.as_str())
    .bind(now.as_second())
    .bind(published_at.map(|t| t.as_second()))
    // A back-dated article (imported, or written offline) was last changed when it
    // was published, not when it reached this store.
    .bind(published_at.map_or(now, |p| p.min(now)).as_second())
    .bind(by)
    .fetch_one(&mut **tx)
    .await
    .map_err(|e| conflict(e, slug_taken(&slug, draft.lang)))?;
    write_body(tx, id, &draft.body_md, &rendered.html).await?;
    write_links(tx, known, id, &draft).await?;
    insert_revision(&mut **tx, id, 1, &draft, by, false, now).await?;
    change_event(tx, id, "created", now).await?;
    if status == ArticleStatus::Published {
        crate::queue::queue_job(tx, crate::queue::SPEAK, id, now).await?;
    }
    Ok(id)
}

async fn section_id(tx: &mut Transaction<'static, Any>, slug: &Slug) -> Result<i64, StoreError> {
    sqlx::query_scalar("SELECT id FROM sections WHERE slug = $1")
        .bind(slug.as_str())
        .fetch_optional(&mut **tx)
        .await?
        .ok_or_else(|| {
            ValidationError::new(
                "section",
                "invalid-no-section",
                format!("there is no section {slug}"),
            )
            .with("slug", slug.as_str())
            .into()
        })
}

async fn free_slug(
    tx: &mut Transaction<'static, Any>,
    draft: &ArticleDraft,
    explicit: bool,
    own_id: Option<i64>,
) -> Result<Slug, StoreError> {
    let base = draft
        .slug
        .clone()
        .ok_or_else(|| ValidationError::new("slug", "invalid-required", "missing"))?;
    let mut candidate = base.clone();
    for n in 2..1000 {
        let holder: Option<i64> =
            sqlx::query_scalar("SELECT id FROM articles WHERE lang = $1 AND slug = $2")
                .bind(draft.lang.code())
                .bind(candidate.as_str())
                .fetch_optional(&mut **tx)
                .await?;
        match holder {
            None => return Ok(candidate),
            Some(h) if Some(h) == own_id => return Ok(candidate),
            Some(_) if explicit => {
                return Err(StoreError::Conflict(slug_taken(&candidate, draft.lang)));
            }
            Some(_) => candidate = base.with_suffix(n),
        }
    }
    Err(StoreError::Conflict(Conflict::NoFreeSlug {
        slug: base.as_str().to_owned(),
    }))
}

/// The conflict of a slug another article in `lang` holds.
fn slug_taken(slug: &Slug, lang: Lang) -> Conflict {
    Conflict::SlugTaken {
        slug: slug.as_str().to_owned(),
        lang,
    }
}

async fn write_body(
    tx: &mut Transaction<'static, Any>,
    id: i64,
    md: &str,
    html: &str,
) -> Result<(), StoreError> {
    sqlx::query("INSERT INTO article_bodies (article_id, body_md, body_html) VALUES ($1, $2, $3)")
        .bind(id)
        .bind(md)
        .bind(html)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Links an article to its authors (in order) and tags, one statement for each kind. Two
/// tag names that come to the same tag ("Gaza Strip" and "gaza-strip") link it once.
async fn write_links(
    tx: &mut Transaction<'static, Any>,
    known: &mut Known,
    id: i64,
    draft: &ArticleDraft,
) -> Result<(), StoreError> {
    let mut authors = Vec::with_capacity(draft.authors.len());
    for author in &draft.authors {
        authors.push(known.author(tx, author).await?);
    }
    let mut tags: Vec<i64> = Vec::with_capacity(draft.tags.len());
    for name in &draft.tags {
        let tag = known.tag(tx, draft.lang, name).await?;
        if !tags.contains(&tag) {
            tags.push(tag);
        }
    }
    if !authors.is_empty() {
        let sql = rows_sql(
            "INSERT INTO article_authors (article_id, author_id, position) VALUES ",
            authors.len(),
            |n| format!("($1, ${}, {})", n + 2, n),
        );
        let mut q = sqlx::query(AssertSqlSafe(sql)).bind(id);
        for author in authors {
            q = q.bind(author);
        }
        q.execute(&mut **tx).await?;
    }
    if !tags.is_empty() {
        let sql = rows_sql(
            "INSERT INTO article_tags (article_id, tag_id) VALUES ",
            tags.len(),
            |n| format!("($1, ${})", n + 2),
        );
        let mut q = sqlx::query(AssertSqlSafe(sql)).bind(id);
        for tag in tags {
            q = q.bind(tag);
        }
        q.execute(&mut **tx).await?;
    }
    Ok(())
}

/// `head` followed by `rows` comma-separated row tuples, `row(n)` for the n-th (from 0).
pub(crate) fn rows_sql(head: &str, rows: usize, row: impl Fn(usize) -> String) -> String {
    let mut sql = String::from(head);
    for n in 0..rows {
        if n > 0 {
            sql.push_str(", ");
        }
        sql.push_str(&row(n));
    }
    sql
}

/// Writes a revision of article `id` at `version`, by `by`: a kept one, or a `pending` one
/// (a change waiting for review, based on `version`); returns its id.
pub(crate) async fn insert_revision<'e>(
    exec: impl sqlx::Executor<'e, Database = Any>,
    id: i64,
    version: i64,
    draft: &ArticleDraft,
    by: Option<i64>,
    pending: bool,
    now: Timestamp,
) -> Result<i64, StoreError> {
    let json = serde_json::to_string(draft)
        .map_err(|e| StoreError::Corrupt(format!("revision of article {id}: {e}")))?;
    sqlx::query_scalar(
        "INSERT INTO revisions (article_id, version, created_at, headline, standfirst, body_md, \
         user_id, draft_json, pending) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
    )
    .bind(id)
    .bind(version)
    .bind(now.as_second())
    .bind(&draft.headline)
    .bind(&draft.standfirst)
    .bind(&draft.body_md)
    .bind(by)
    .bind(json)
    .bind(i64::from(pending))
    .fetch_one(exec)
    .await
    .map_err(|e| crate::taxonomy::missing(e, format!("article {id}")))
}

pub(crate) async fn change_event(
    tx: &mut Transaction<'static, Any>,
    id: i64,
    action: &str,
    now: Timestamp,
) -> Result<(), StoreError> {
    sqlx::query("INSERT INTO change_events (created_at, entity, entity_id, action) VALUES ($1, 'article', $2, $3)")
        .bind(now.as_second())
        .bind(id)
        .bind(action)
        .execute(&mut **tx)
        .await?;
    Ok(())
}
