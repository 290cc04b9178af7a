//! The content API's services: API keys (created once, stored hashed, revocable) and the
//! read-only queries behind `/api/v1`, each answering only what is public now.

use crate::accounts::{random_hex, token_hash};
use crate::{App, AppError, BadRequest};
use arabpress_core::Lang;
use arabpress_core::model::{Article, ArticleSummary};
use arabpress_store::{ApiKey, ListQuery};
use jiff::Timestamp;

/// Most articles in one page of the list.
pub const API_MAX_LIMIT: u32 = 100;

/// A filter over the article list, with a cursor from the previous page.
#[derive(Debug, Clone, Default)]
pub struct ArticleFilter {
    /// Language (required).
    pub lang: Option<Lang>,
    /// Section slug.
    pub section: Option<String>,
    /// Tag slug.
    pub tag: Option<String>,
    /// Author slug.
    pub author: Option<String>,
    /// Page size, 1 to 100 (default 20).
    pub limit: Option<u32>,
    /// The `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

/// One page of articles and the cursor of the next (none on the last page).
#[derive(Debug, Clone)]
pub struct ArticlePage {
    /// Articles, newest first.
    pub items: Vec<ArticleSummary>,
    /// Pass as `cursor` for the next page.
    pub next_cursor: Option<String>,
}

/// A cursor names the last article of a page: its publication second and id.
fn encode_cursor(s: &ArticleSummary) -> Option<String> {
    s.published_at
        .map(|p| format!("{}-{}", p.as_second(), s.id))
}

fn decode_cursor(c: &str) -> Result<(Timestamp, i64), AppError> {
    let bad = || AppError::BadRequest(BadRequest::Cursor(c.to_owned()));
    let (at, id) = c.split_once('-').ok_or_else(bad)?;
    let at = at.parse::<i64>().map_err(|_| bad())?;
    let id = id.parse::<i64>().map_err(|_| bad())?;
    Ok((Timestamp::from_second(at).map_err(|_| bad())?, id))
}

impl App {
    /// Every API key, newest first (names and dates; the secrets are not kept).
    pub async fn api_keys(&self) -> Result<Vec<ApiKey>, AppError> {
        Ok(self.store().api_keys().await?)
    }

    /// Revokes an API key: requests with it are refused from now on.
    pub async fn revoke_api_key(&self, id: i64) -> Result<(), AppError> {
        Ok(self.store().revoke_api_key(id, self.now()).await?)
    }

    /// The tags that at least one published article carries, by language and slug.
    pub async fn tags_in_use(&self) -> Result<Vec<arabpress_core::model::Tag>, AppError> {
        Ok(self.store().tags_in_use(self.now()).await?)
    }

    /// Creates an API key; the secret is returned once and never stored.
    pub async fn create_api_key(&self, name: &str) -> Result<(ApiKey, String), AppError> {
        let secret = format!("ap_{}", random_hex(24)?);
        let key = self
            .store()
            .create_api_key(name, &token_hash(&secret), self.now())
            .await?;
        Ok((key, secret))
    }

    /// The live key a request presents, if any.
    pub async fn api_key(&self, secret: &str) -> Result<Option<ApiKey>, AppError> {
        if !secret.starts_with("ap_") || secret.len() > 100 {
            return Ok(None);
        }
        Ok(self.store().api_key_by_hash(&token_hash(secret)).await?)
    }

    /// Public articles, newest first, one page at a time. A cursor stays valid while
    /// articles are published: each article is returned exactly once.
    pub async fn api_articles(&self, f: &ArticleFilter) -> Result<ArticlePage, AppError> {
        let lang = f
            .lang
            .ok_or(AppError::BadRequest(BadRequest::LangRequired))?;
        let limit = f.limit.unwrap_or(20);
        if !(1..=API_MAX_LIMIT).contains(&limit) {
            return Err(AppError::BadRequest(BadRequest::Limit {
                max: API_MAX_LIMIT,
            }));
        }
        let now = self.now();
        let mut q = ListQuery::latest(lang, limit + 1, now);
        q.before = f.cursor.as_deref().map(decode_cursor).transpose()?;
        // A filter naming nothing matches nothing: an empty page, not an error.
        let none = || ArticlePage {
            items: Vec::new(),
            next_cursor: None,
        };
        if let Some(slug) = f.section.as_deref().filter(|s| !s.is_empty()) {
            let sections = self.sections().await?;
            match sections.iter().find(|s| s.slug == slug) {
                Some(s) => q.section_id = Some(s.id),
                None => return Ok(none()),
            }
        }
        if let Some(slug) = f.tag.as_deref().filter(|s| !s.is_empty()) {
            match self.store().tag_by_slug(lang, slug).await? {
                Some(t) => q.tag_id = Some(t.id),
                None => return Ok(none()),
            }
        }
        if let Some(slug) = f.author.as_deref().filter(|s| !s.is_empty()) {
            match self.store().author_by_slug(slug).await? {
                Some(a) => q.author_id = Some(a.id),
                None => return Ok(none()),
            }
        }
        let mut items = self.store().list(&q).await?.items;
        let more = items.len() > limit as usize;
        items.truncate(limit as usize);
        let next_cursor = if more {
            items.last().and_then(encode_cursor)
        } else {
            None
        };
        Ok(ArticlePage { items, next_cursor })
    }

    /// One public article by id.
    pub async fn api_article(&self, id: i64) -> Result<Article, AppError> {
        let a = self
            .store()
            .public_articles_by_ids(&[id], self.now())
            .await?;
        a.into_iter().next().ok_or(AppError::NotFound)
    }

    /// One public article by language and slug.
    pub async fn api_article_by_slug(&self, lang: Lang, slug: &str) -> Result<Article, AppError> {
        let a = self
            .store()
            .article_by_slug(lang, slug)
            .await?
            .ok_or(AppError::NotFound)?;
        self.api_article(a.summary.id).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_and_bad_ones_are_refused() {
        let at = Timestamp::from_second(1_770_000_000).unwrap();
        assert_eq!(decode_cursor("1770000000-42").ok(), Some((at, 42)));
        for bad in ["", "x", "1-", "-1", "1-x", "99999999999999999-1"] {
            assert!(decode_cursor(bad).is_err(), "{bad}");
        }
    }
}
