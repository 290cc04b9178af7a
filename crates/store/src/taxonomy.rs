//! Sections, authors and tags: the vocabularies articles are filed under.

use crate::error::changed;
use crate::plans::{Arg, bind_all};
use crate::{Store, StoreError, rows};
use arabpress_core::model::{Author, Section, Tag};
use arabpress_core::{Conflict, Lang, Slug};
use sqlx::{AssertSqlSafe, Row};
use std::collections::HashMap;

/// Where a page of the newsroom's tag list starts, in the list's order (by name, then id).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TagsFrom {
    /// At the first tag.
    Start,
    /// Just after this tag.
    After(i64),
    /// Just before this tag (the page ends where the tag would be).
    Before(i64),
}

/// The statement of [`Store::tag_counts`], with its arguments (the ids).
fn tag_counts_statement(ids: &[i64]) -> (String, Vec<Arg>) {
    let marks = (1..=ids.len())
        .map(|n| format!("${n}"))
        .collect::<Vec<_>>()
        .join(", ");
    (
        format!(
            "SELECT x.tag_id, CAST(COUNT(*) AS BIGINT) FROM article_tags x \
             WHERE x.tag_id IN ({marks}) GROUP BY x.tag_id"
        ),
        ids.iter().copied().map(Arg::Int).collect(),
    )
}

/// Records a change to the sections in the change feed, in the change's transaction.
pub(crate) async fn section_changed(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    id: i64,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO change_events (created_at, entity, entity_id, action) VALUES ($1, 'section', $2, 'saved')",
    )
    .bind(jiff::Timestamp::now().as_second())
    .bind(id)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

impl Store {
    /// Creates a section; its slug must be new.
    pub async fn create_section(
        &self,
        slug: &Slug,
        name_ar: &str,
        name_en: &str,
        position: i64,
    ) -> Result<Section, StoreError> {
        let mut tx = self.begin_write().await?;
        let row = sqlx::query(
            "INSERT INTO sections (slug, name_ar, name_en, position) VALUES ($1, $2, $3, $4) \
             RETURNING id, slug, name_ar, name_en, position",
        )
        .bind(slug.as_str())
        .bind(name_ar)
        .bind(name_en)
        .bind(position)
        .fetch_one(&mut *tx)
        .await
        .map_err(|e| {
            conflict(
                e,
                Conflict::SectionExists {
                    slug: slug.as_str().to_owned(),
                },
            )
        })?;
        let section = rows::section(&row)?;
        section_changed(&mut tx, section.id).await?;
        tx.commit().await?;
        Ok(section)
    }

    /// Every section in navigation order.
    pub async fn sections(&self) -> Result<Vec<Section>, StoreError> {
        sqlx::query(
            "SELECT id, slug, name_ar, name_en, position FROM sections ORDER BY position, id",
        )
        .fetch_all(&self.pool)
        .await?
        .iter()
        .map(rows::section)
        .collect()
    }

    /// Creates an author; the slug must be new.
    pub async fn create_author(
        &self,
        slug: &Slug,
        name_ar: &str,
        name_en: &str,
        bio_ar: &str,
        bio_en: &str,
    ) -> Result<Author, StoreError> {
        let row = sqlx::query(
            "INSERT INTO authors (slug, name_ar, name_en, bio_ar, bio_en) VALUES ($1, $2, $3, $4, $5) \
             RETURNING id, slug, name_ar, name_en, bio_ar, bio_en",
        )
        .bind(slug.as_str())
        .bind(name_ar)
        .bind(name_en)
        .bind(bio_ar)
        .bind(bio_en)
        .fetch_one(&self.pool)
        .await
        .map_err(|e| {
            conflict(
                e,
                Conflict::AuthorExists {
                    slug: slug.as_str().to_owned(),
                },
            )
        })?;
        rows::author(&row)
    }

    /// One author by slug.
    pub async fn author_by_slug(&self, slug: &str) -> Result<Option<Author>, StoreError> {
        sqlx::query(
            "SELECT id, slug, name_ar, name_en, bio_ar, bio_en FROM authors WHERE slug = $1",
        )
        .bind(slug)
        .fetch_optional(&self.pool)
        .await?
        .as_ref()
        .map(rows::author)
        .transpose()
    }

    /// At most `limit` authors whose name (in either script) or slug holds `text`, case
    /// aside, by English name: what the newsroom's author pickers offer as one types,
    /// instead of listing every journalist.
    pub async fn find_authors(&self, text: &str, limit: u32) -> Result<Vec<Author>, StoreError> {
        sqlx::query(
            "SELECT id, slug, name_ar, name_en, bio_ar, bio_en FROM authors \
             WHERE LOWER(name_ar) LIKE LOWER($1) ESCAPE '\\' OR LOWER(name_en) LIKE LOWER($1) ESCAPE '\\' \
             OR slug LIKE LOWER($1) ESCAPE '\\' ORDER BY name_en, id LIMIT $2",
        )
        .bind(crate::newsroom::like_pattern_as_typed(text))
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await?
        .iter()
        .map(rows::author)
        .collect()
    }

    /// The authors (two at most, by id) whose full name in either script is `name`, case
    /// aside: who a byline typed out names.
    pub async fn authors_named(&self, name: &str) -> Result<Vec<Author>, StoreError> {
        sqlx::query(
            "SELECT id, slug, name_ar, name_en, bio_ar, bio_en FROM authors \
             WHERE LOWER(name_ar) = LOWER($1) OR LOWER(name_en) = LOWER($1) ORDER BY id LIMIT 2",
        )
        .bind(name)
        .fetch_all(&self.pool)
        .await?
        .iter()
        .map(rows::author)
        .collect()
    }

    /// Every author, by English name.
    pub async fn authors(&self) -> Result<Vec<Author>, StoreError> {
        sqlx::query(
            "SELECT id, slug, name_ar, name_en, bio_ar, bio_en FROM authors ORDER BY name_en, id",
        )
        .fetch_all(&self.pool)
        .await?
        .iter()
        .map(rows::author)
        .collect()
    }

    /// Renames a section and moves it in the navigation (its slug, and so its address,
    /// stays).
    pub async fn update_section(
        &self,
        id: i64,
        name_ar: &str,
        name_en: &str,
        position: i64,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin_write().await?;
        let done = sqlx::query(
            "UPDATE sections SET name_ar = $1, name_en = $2, position = $3 WHERE id = $4",
        )
        .bind(name_ar)
        .bind(name_en)
        .bind(position)
        .bind(id)
        .execute(&mut *tx)
        .await?;
        changed(&done, || format!("section {id}"))?;
        section_changed(&mut tx, id).await?;
        tx.commit().await?;
        Ok(())
    }

    /// The newest change to the sections after change `after`, if any: other nodes read
    /// it to refresh the navigation they keep in memory.
    pub async fn section_change_after(&self, after: i64) -> Result<Option<i64>, StoreError> {
        Ok(sqlx::query_scalar(
            "SELECT MAX(id) FROM change_events WHERE entity = 'section' AND id > $1",
        )
        .bind(after)
        .fetch_one(&self.pool)
        .await?)
    }

    /// How many articles (any status) carry each of the tags `ids`, in one grouped read of
    /// their link rows (the `article_tags_listed` index, by tag): the counts of the tags a
    /// page of the newsroom's list shows, never of every tag. A tag no article carries is
    /// left out.
    pub async fn tag_counts(&self, ids: &[i64]) -> Result<HashMap<i64, u64>, StoreError> {
        if ids.is_empty() {
            return Ok(HashMap::new());
        }
        let (sql, args) = tag_counts_statement(ids);
        let rows = bind_all(sqlx::query(AssertSqlSafe(sql)), &args)
            .persistent(false)
            .fetch_all(&self.pool)
            .await?;
        rows.iter()
            .map(|r| {
                let id: i64 = r.try_get(0)?;
                let n: i64 = r.try_get(1)?;
                Ok((id, u64::try_from(n).unwrap_or(0)))
            })
            .collect()
    }

    /// Renames a tag (its slug, and so its address, stays). Every article carrying it gets
    /// a change event in the same transaction, so each node re-indexes them and drops the
    /// pages that show them. Returns those articles.
    pub async fn rename_tag(&self, id: i64, name: &str) -> Result<Vec<i64>, StoreError> {
        let mut tx = self.begin_write().await?;
        let done = sqlx::query("UPDATE tags SET name = $1 WHERE id = $2")
            .bind(name)
            .bind(id)
            .execute(&mut *tx)
            .await?;
        changed(&done, || format!("tag {id}"))?;
        let articles: Vec<i64> = sqlx::query_scalar(
            "SELECT article_id FROM article_tags WHERE tag_id = $1 ORDER BY article_id",
        )
        .bind(id)
        .fetch_all(&mut *tx)
        .await?;
        sqlx::query(
            "INSERT INTO change_events (created_at, entity, entity_id, action) \
             SELECT $1, 'article', article_id, 'tag_renamed' FROM article_tags WHERE tag_id = $2",
        )
        .bind(jiff::Timestamp::now().as_second())
        .bind(id)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(articles)
    }

    /// At most `limit` tags in `lang` whose name or slug holds `text`, case aside, by name:
    /// what the editor's tag field suggests as one types.
    pub async fn find_tags(
        &self,
        lang: Lang,
        text: &str,
        limit: u32,
    ) -> Result<Vec<Tag>, StoreError> {
        self.tags_page(lang, text, TagsFrom::Start, limit).await
    }

    /// A page of the tags in `lang` whose name or slug holds `text` (every tag when it is
    /// empty), case aside, in the order of [`Store::find_tags`] (name, then id): at most
    /// `limit` from `from`, listed in that order whichever way the page walks. A page
    /// reads the `tags_name` index (migration 0024) from its cursor, so a page deep in
    /// twenty thousand tags costs what the first does.
    pub async fn tags_page(
        &self,
        lang: Lang,
        text: &str,
        from: TagsFrom,
        limit: u32,
    ) -> Result<Vec<Tag>, StoreError> {
        let Some((sql, args)) = self.tags_statement(lang, text, from, limit).await? else {
            return Ok(Vec::new());
        };
        let mut tags = bind_all(sqlx::query(AssertSqlSafe(sql)), &args)
            .fetch_all(&self.pool)
            .await?
            .iter()
            .map(rows::tag)
            .collect::<Result<Vec<_>, _>>()?;
        if matches!(from, TagsFrom::Before(_)) {
            tags.reverse();
        }
        Ok(tags)
    }

    /// The statement of a page of [`Store::tags_page`] with its arguments, or `None` when
    /// its cursor names no tag of `lang`: the tag's name is read first, so that the page
    /// starts at (name, id) in the index rather than at the language's first tag.
    async fn tags_statement(
        &self,
        lang: Lang,
        text: &str,
        from: TagsFrom,
        limit: u32,
    ) -> Result<Option<(String, Vec<Arg>)>, StoreError> {
        let mut args = vec![Arg::Text(lang.code().to_owned())];
        let mut filter = String::from("t.lang = $1");
        if !text.is_empty() {
            args.push(Arg::Text(crate::newsroom::like_pattern_as_typed(text)));
            let n = args.len();
            filter.push_str(&format!(
                " AND (LOWER(t.name) LIKE LOWER(${n}) ESCAPE '\\' OR t.slug LIKE LOWER(${n}) ESCAPE '\\')"
            ));
        }
        let (cursor, past, order) = match from {
            TagsFrom::Start => (None, ">", "ASC"),
            TagsFrom::After(id) => (Some(id), ">", "ASC"),
            TagsFrom::Before(id) => (Some(id), "<", "DESC"),
        };
        if let Some(id) = cursor {
            let name: Option<String> =
                sqlx::query_scalar("SELECT name FROM tags WHERE id = $1 AND lang = $2")
                    .bind(id)
                    .bind(lang.code())
                    .fetch_optional(&self.pool)
                    .await?;
            let Some(name) = name else { return Ok(None) };
            args.push(Arg::Text(name));
            args.push(Arg::Int(id));
            let n = args.len();
            filter.push_str(&format!(" AND (t.name, t.id) {past} (${}, ${n})", n - 1));
        }
        args.push(Arg::Int(i64::from(limit)));
        let sql = format!(
            "SELECT t.id, t.lang, t.slug, t.name FROM tags t WHERE {filter} \
             ORDER BY t.name {order}, t.id {order} LIMIT ${}",
            args.len()
        );
        Ok(Some((sql, args)))
    }

    /// The plans the database chooses for the newsroom's tag list (see
    /// [`Store::tags_page`], [`Store::tag_counts`]): the first page, a page after and one
    /// before a tag, each with and without a search, and the counts of the tags `ids`; one
    /// line per step. `cursor` must be a tag of `lang`.
    pub async fn tag_list_plans(
        &self,
        lang: Lang,
        cursor: i64,
        ids: &[i64],
    ) -> Result<Vec<String>, StoreError> {
        let mut lines = Vec::new();
        for text in ["", "ga"] {
            for from in [
                TagsFrom::Start,
                TagsFrom::After(cursor),
                TagsFrom::Before(cursor),
            ] {
                if let Some((sql, args)) = self.tags_statement(lang, text, from, 51).await? {
                    lines.extend(self.plan(&sql, &args).await?);
                }
            }
        }
        let (sql, args) = tag_counts_statement(ids);
        lines.extend(self.plan(&sql, &args).await?);
        Ok(lines)
    }

    /// One tag by language and slug.
    pub async fn tag_by_slug(&self, lang: Lang, slug: &str) -> Result<Option<Tag>, StoreError> {
        sqlx::query("SELECT id, lang, slug, name FROM tags WHERE lang = $1 AND slug = $2")
            .bind(lang.code())
            .bind(slug)
            .fetch_optional(&self.pool)
            .await?
            .as_ref()
            .map(rows::tag)
            .transpose()
    }
}

/// Maps a foreign-key violation (a row naming something that does not exist) to
/// [`StoreError::NotFound`] naming `what`.
pub(crate) fn missing(err: sqlx::Error, what: String) -> StoreError {
    match err {
        sqlx::Error::Database(ref db)
            if db.is_foreign_key_violation() || db.code().as_deref() == Some("23503") =>
        {
            StoreError::NotFound(what)
        }
        other => StoreError::Database(other),
    }
}

/// Maps a uniqueness violation to [`StoreError::Conflict`] saying `what` it conflicts with.
pub(crate) fn conflict(err: sqlx::Error, what: Conflict) -> StoreError {
    if StoreError::is_unique_violation(&err) {
        StoreError::Conflict(what)
    } else {
        StoreError::Database(err)
    }
}
