//! What feeds and sitemaps read: whole articles for a feed, and the public addresses of
//! every article with its language versions and last change.

use crate::articles::{FULL_COLUMNS, not_hidden_duplicate};
use crate::plans::Arg;
use crate::rows::{self, SUMMARY_COLUMNS};
use crate::{Store, StoreError};
use arabpress_core::Lang;
use arabpress_core::model::{Article, Tag};
use jiff::Timestamp;
use sqlx::AssertSqlSafe;
use std::collections::HashMap;

/// A public article as a sitemap lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SitemapEntry {
    /// Store id.
    pub id: i64,
    /// Language.
    pub lang: Lang,
    /// Slug.
    pub slug: String,
    /// Headline.
    pub headline: String,
    /// Publication time.
    pub published_at: Timestamp,
    /// Last change.
    pub updated_at: Timestamp,
    /// Its public versions in other languages: language and slug.
    pub translations: Vec<(Lang, String)>,
}

type EntryRow = (i64, String, String, String, i64, i64, Option<i64>);
/// The start of a query for [`EntryRow`]s: public articles as of `$1`.
const ENTRIES: &str = "SELECT a.id, a.lang, a.slug, a.headline, a.published_at, a.updated_at, \
     a.translation_group FROM articles a WHERE a.status = 'published' AND a.published_at <= $1";

/// One sitemap file: [`ENTRIES`] with ids from `$2` to `$3`.
fn sitemap_file_sql() -> String {
    format!(
        "{ENTRIES} AND a.id >= $2 AND a.id <= $3 AND {} ORDER BY a.id",
        not_hidden_duplicate("$1")
    )
}

/// Whether the ids from `$2` to `$3` hold a public article as of `$1`.
fn sitemap_block_sql() -> String {
    format!(
        "SELECT 1 FROM articles a WHERE a.id >= $2 AND a.id <= $3 AND a.status = 'published' \
         AND a.published_at <= $1 AND {} LIMIT 1",
        not_hidden_duplicate("$1")
    )
}

/// The highest article id and the newest change to a public article as of `$1`.
/// `+published_at`: the time is checked on the rows the (status, updated_at) index yields
/// newest first, never used to pick the (status, published_at) index, which would sort
/// every public article to find the newest change.
const SITEMAP_SPAN: &str = "SELECT (SELECT MAX(id) FROM articles), \
     (SELECT updated_at FROM articles WHERE status = 'published' AND +published_at <= $1 \
      ORDER BY updated_at DESC LIMIT 1)";

/// The Google News sitemap: [`ENTRIES`] published at or after `$2`, newest first, at most `$3`.
fn news_sql() -> String {
    format!(
        "{ENTRIES} AND a.published_at >= $2 AND {} ORDER BY a.published_at DESC, a.id DESC LIMIT $3",
        not_hidden_duplicate("$1")
    )
}

/// Every version of the translation groups `groups` (a list of ids). Only the group is
/// asked of the database, which then has one way to find the rows (the group's index):
/// given the status or an order too, SQLite has walked every public article, or every
/// article by id, instead.
fn versions_sql(groups: &str) -> String {
    format!(
        "SELECT translation_group, id, lang, slug, status, published_at FROM articles \
         WHERE translation_group IN ({groups})"
    )
}

impl Store {
    /// The plans the database chooses for the sitemaps' reads (a file, a block's check,
    /// the index's span, the Google News sitemap, the language versions of their
    /// articles), one line per step, for checking that each walks an index.
    pub async fn sitemap_plans(&self, now: Timestamp) -> Result<Vec<String>, StoreError> {
        let now = Arg::Int(now.as_second());
        let range = [now.clone(), Arg::Int(1), Arg::Int(50_000)];
        let mut lines = self.plan(&sitemap_file_sql(), &range).await?;
        lines.extend(self.plan(&sitemap_block_sql(), &range).await?);
        lines.extend(self.plan(SITEMAP_SPAN, std::slice::from_ref(&now)).await?);
        let news = [now.clone(), Arg::Int(0), Arg::Int(1_000)];
        lines.extend(self.plan(&news_sql(), &news).await?);
        lines.extend(self.plan(&versions_sql("1,2"), &[]).await?);
        Ok(lines)
    }

    /// Whole articles by id, in the order given; ids that are not public now are left out.
    pub async fn public_articles_by_ids(
        &self,
        ids: &[i64],
        now: Timestamp,
    ) -> Result<Vec<Article>, StoreError> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let list = ids.iter().map(i64::to_string).collect::<Vec<_>>().join(",");
        let sql = format!(
            "SELECT {SUMMARY_COLUMNS}, {FULL_COLUMNS}, {} FROM articles a JOIN article_bodies b ON b.article_id = a.id \
             WHERE a.id IN ({list}) AND a.status = 'published' AND a.published_at <= $1",
            self.parts_column()
        );
        let rows = sqlx::query(AssertSqlSafe(sql))
            .bind(now.as_second())
            .fetch_all(&self.pool)
            .await?;
        let mut by_id = HashMap::with_capacity(rows.len());
        for row in &rows {
            let a = self.full(row).await?;
            by_id.insert(a.summary.id, a);
        }
        Ok(ids.iter().filter_map(|id| by_id.remove(id)).collect())
    }

    /// Public articles (one per near-duplicate group) whose ids are in `ids`, by id: one
    /// sitemap file. Files are blocks of ids, so a file's address always lists the same
    /// articles and reading any file is a range of the primary key, however deep the
    /// archive (an offset would walk every article before it).
    pub async fn sitemap_entries(
        &self,
        ids: std::ops::RangeInclusive<i64>,
        now: Timestamp,
    ) -> Result<Vec<SitemapEntry>, StoreError> {
        let rows: Vec<EntryRow> = sqlx::query_as(AssertSqlSafe(sitemap_file_sql()))
            .bind(now.as_second())
            .bind(*ids.start())
            .bind(*ids.end())
            .fetch_all(&self.pool)
            .await?;
        self.entries(rows, now).await
    }

    /// Whether the block of ids `ids` holds a public article (one per near-duplicate
    /// group): a primary-key range read that stops at the first. A sitemap file must list
    /// at least one address, so a block of drafts is left out of the index.
    pub async fn sitemap_block_listed(
        &self,
        ids: std::ops::RangeInclusive<i64>,
        now: Timestamp,
    ) -> Result<bool, StoreError> {
        let found: Option<i32> = sqlx::query_scalar(AssertSqlSafe(sitemap_block_sql()))
            .bind(now.as_second())
            .bind(*ids.start())
            .bind(*ids.end())
            .fetch_optional(&self.pool)
            .await?;
        Ok(found.is_some())
    }

    /// What the sitemap index needs: the highest article id (how many blocks of ids there
    /// are) and the newest change to a public article. Two index look-ups, whatever the
    /// archive's size.
    pub async fn sitemap_span(
        &self,
        now: Timestamp,
    ) -> Result<(i64, Option<Timestamp>), StoreError> {
        let (last_id, newest): (Option<i64>, Option<i64>) = sqlx::query_as(SITEMAP_SPAN)
            .bind(now.as_second())
            .fetch_one(&self.pool)
            .await?;
        Ok((last_id.unwrap_or(0), rows::opt_ts(newest)?))
    }

    /// Public articles published at or after `since`, newest first, at most `limit`: the
    /// Google News sitemap.
    pub async fn news_entries(
        &self,
        since: Timestamp,
        limit: u32,
        now: Timestamp,
    ) -> Result<Vec<SitemapEntry>, StoreError> {
        let rows: Vec<EntryRow> = sqlx::query_as(AssertSqlSafe(news_sql()))
            .bind(now.as_second())
            .bind(since.as_second())
            .bind(i64::from(limit))
            .fetch_all(&self.pool)
            .await?;
        self.entries(rows, now).await
    }

    async fn entries(
        &self,
        rows: Vec<EntryRow>,
        now: Timestamp,
    ) -> Result<Vec<SitemapEntry>, StoreError> {
        let groups: Vec<String> = rows
            .iter()
            .filter_map(|r| r.6)
            .map(|g| g.to_string())
            .collect();
        let mut versions: HashMap<i64, Vec<(i64, Lang, String)>> = HashMap::new();
        if !groups.is_empty() {
            let mut found: Vec<(i64, i64, String, String, String, Option<i64>)> =
                sqlx::query_as(AssertSqlSafe(versions_sql(&groups.join(","))))
                    .fetch_all(&self.pool)
                    .await?;
            found.retain(|(_, _, _, _, status, published)| {
                status == "published" && published.is_some_and(|p| p <= now.as_second())
            });
            found.sort_by_key(|(_, id, ..)| *id);
            for (group, id, lang, slug, ..) in found {
                versions.entry(group).or_default().push((
                    id,
                    rows::parse("article language", &lang)?,
                    slug,
                ));
            }
        }
        rows.into_iter()
            .map(|(id, lang, slug, headline, published, updated, group)| {
                let translations = group
                    .and_then(|g| versions.get(&g))
                    .map(|v| {
                        v.iter()
                            .filter(|(other, _, _)| *other != id)
                            .map(|(_, l, s)| (*l, s.clone()))
                            .collect()
                    })
                    .unwrap_or_default();
                Ok(SitemapEntry {
                    id,
                    lang: rows::parse("article language", &lang)?,
                    slug,
                    headline,
                    published_at: rows::ts(published)?,
                    updated_at: rows::ts(updated)?,
                    translations,
                })
            })
            .collect()
    }

    /// Tags that label at least one public article, by language and slug.
    pub async fn tags_in_use(&self, now: Timestamp) -> Result<Vec<Tag>, StoreError> {
        sqlx::query(
            "SELECT t.id, t.lang, t.slug, t.name FROM tags t WHERE EXISTS (SELECT 1 FROM article_tags at \
             JOIN articles a ON a.id = at.article_id WHERE at.tag_id = t.id AND a.status = 'published' \
             AND a.published_at <= $1) ORDER BY t.lang, t.slug",
        )
        .bind(now.as_second())
        .fetch_all(&self.pool)
        .await?
        .iter()
        .map(rows::tag)
        .collect()
    }
}
