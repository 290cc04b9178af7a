//! Feeds (RSS, Atom, JSON Feed) for the site, each section, tag and author in each
//! language; sitemaps; `robots.txt`. All cached like pages, with the surrogate keys of what
//! they list, so a publish refreshes exactly the feeds it changes.

use crate::cache::CachedPage;
use crate::{App, AppError};
use arabpress_core::Lang;
use arabpress_render::feeds::{FeedFormat, FeedModel, NewsUrl, SitemapUrl};
use arabpress_render::views::{article_url, author_url, section_url, tag_url};
use arabpress_store::{ListQuery, SitemapEntry};
use std::sync::Arc;

/// Articles per feed.
pub const FEED_ITEMS: u32 = 30;
/// URLs per sitemap file (the protocol's limit).
pub const SITEMAP_URLS: u32 = 50_000;
/// How far back the Google News sitemap reaches, and how many articles it lists at most.
const NEWS_WINDOW_HOURS: i64 = 48;
const NEWS_MAX_URLS: u32 = 1_000;

const XML: &str = "application/xml; charset=utf-8";

/// What a feed follows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FeedScope {
    /// The whole site in one language.
    Site,
    /// A section, by slug.
    Section(String),
    /// A tag, by slug.
    Tag(String),
    /// An author, by slug.
    Author(String),
    /// The spoken articles: a podcast (RSS only).
    Spoken,
}

impl App {
    /// A feed of `scope` in `lang`; `NotFound` for an unknown section, tag or author.
    pub async fn feed(
        &self,
        lang: Lang,
        scope: &FeedScope,
        format: FeedFormat,
    ) -> Result<Arc<CachedPage>, AppError> {
        let page_path = match scope {
            FeedScope::Site | FeedScope::Spoken => format!("/{lang}/"),
            FeedScope::Section(s) => section_url(lang, s),
            FeedScope::Tag(s) => tag_url(lang, s),
            FeedScope::Author(s) => author_url(lang, s),
        };
        let feed_path = match scope {
            FeedScope::Site => format!("/{lang}/{}", format.file_name()),
            FeedScope::Spoken if format == FeedFormat::Rss => format!("/{lang}/podcast.xml"),
            FeedScope::Spoken => return Err(AppError::NotFound),
            _ => format!("{page_path}/{}", format.file_name()),
        };
        self.cached_as(
            feed_path.clone(),
            format.content_type(),
            None,
            async |now| {
                let sections = self.sections().await?;
                let mut q = ListQuery::latest(lang, FEED_ITEMS, now);
                let mut keys = vec!["sections".to_owned(), format!("feed:{lang}")];
                let subject = match scope {
                    FeedScope::Site => {
                        keys.push(format!("latest:{lang}"));
                        None
                    }
                    FeedScope::Spoken => {
                        keys.push(format!("latest:{lang}"));
                        Some(self.theme().messages().get(lang, "podcast-subject", None))
                    }
                    FeedScope::Section(slug) => {
                        let s = sections
                            .iter()
                            .find(|s| &s.slug == slug)
                            .ok_or(AppError::NotFound)?;
                        q.section_id = Some(s.id);
                        keys.push(format!("section:{}", s.id));
                        Some(s.name(lang).to_owned())
                    }
                    FeedScope::Tag(slug) => {
                        let t = self
                            .store()
                            .tag_by_slug(lang, slug)
                            .await?
                            .ok_or(AppError::NotFound)?;
                        q.tag_id = Some(t.id);
                        keys.push(format!("tag:{}", t.id));
                        Some(t.name)
                    }
                    FeedScope::Author(slug) => {
                        let a = self
                            .store()
                            .author_by_slug(slug)
                            .await?
                            .ok_or(AppError::NotFound)?;
                        q.author_id = Some(a.id);
                        keys.push(format!("author:{}", a.id));
                        Some(a.name(lang).to_owned())
                    }
                };
                let ids: Vec<i64> = if *scope == FeedScope::Spoken {
                    self.store()
                        .spoken_article_ids(lang, now, FEED_ITEMS)
                        .await?
                } else {
                    self.store()
                        .list(&q)
                        .await?
                        .items
                        .iter()
                        .map(|s| s.id)
                        .collect()
                };
                let articles = self.store().public_articles_by_ids(&ids, now).await?;
                keys.extend(articles.iter().map(|a| format!("article:{}", a.summary.id)));
                let body = self.theme().feed(
                    &FeedModel {
                        lang,
                        subject,
                        page_path,
                        feed_path,
                        articles: &articles,
                        sections: &sections,
                        full_content: self.theme().site().full_content_feeds,
                        now,
                        podcast: *scope == FeedScope::Spoken,
                    },
                    format,
                )?;
                Ok((200, body, keys))
            },
        )
        .await
    }

    /// `/sitemap.xml`: the index of the sitemap files.
    pub async fn sitemap_index(&self) -> Result<Arc<CachedPage>, AppError> {
        self.cached_as("/sitemap.xml".into(), XML, None, async |now| {
            let (last_id, newest) = self.store().sitemap_span(now).await?;
            let mut list = vec![("/sitemap-pages.xml".to_owned(), newest)];
            for n in 1..=sitemap_files(last_id) {
                if self
                    .store()
                    .sitemap_block_listed(sitemap_block(n), now)
                    .await?
                {
                    list.push((format!("/sitemaps/articles/{n}.xml"), newest));
                }
            }
            let body = self.theme().sitemap_index(&list)?;
            Ok((200, body, sitemap_keys()))
        })
        .await
    }

    /// `/sitemaps/articles/N.xml` (N from 1): the public articles with ids in the Nth block
    /// of 50,000, with their language versions as `hreflang` alternates. A block without
    /// a public article is not found (and not in the index): a sitemap lists one address
    /// at least.
    pub async fn sitemap_articles(&self, n: u64) -> Result<Arc<CachedPage>, AppError> {
        if n == 0 {
            return Err(AppError::NotFound);
        }
        self.cached_as(
            format!("/sitemaps/articles/{n}.xml"),
            XML,
            None,
            async |now| {
                let entries = self.store().sitemap_entries(sitemap_block(n), now).await?;
                if entries.is_empty() {
                    return Err(AppError::NotFound);
                }
                let urls: Vec<SitemapUrl> = entries.iter().map(article_sitemap_url).collect();
                let body = self.theme().sitemap(&urls)?;
                Ok((200, body, sitemap_keys()))
            },
        )
        .await
    }

    /// `/sitemap-pages.xml`: home, section, tag and author pages in both languages.
    pub async fn sitemap_pages(&self) -> Result<Arc<CachedPage>, AppError> {
        self.cached_as("/sitemap-pages.xml".into(), XML, None, async |now| {
            let both = |f: &dyn Fn(Lang) -> String| -> Vec<SitemapUrl> {
                [Lang::Ar, Lang::En]
                    .into_iter()
                    .map(|l| SitemapUrl {
                        path: f(l),
                        lastmod: None,
                        alternates: vec![(Lang::Ar, f(Lang::Ar)), (Lang::En, f(Lang::En))],
                    })
                    .collect()
            };
            let mut urls = both(&|l| format!("/{l}/"));
            for s in self.sections().await?.iter() {
                urls.extend(both(&|l| section_url(l, &s.slug)));
            }
            for a in self.store().authors().await? {
                urls.extend(both(&|l| author_url(l, &a.slug)));
            }
            for t in self.store().tags_in_use(now).await? {
                urls.push(SitemapUrl {
                    path: tag_url(t.lang, &t.slug),
                    lastmod: None,
                    alternates: Vec::new(),
                });
            }
            let body = self.theme().sitemap(&urls)?;
            Ok((200, body, sitemap_keys()))
        })
        .await
    }

    /// `/sitemap-news.xml`: articles of the last two days, at most 1,000, newest first.
    pub async fn news_sitemap(&self) -> Result<Arc<CachedPage>, AppError> {
        // Articles age out of it by the clock, so it is kept five minutes at most.
        self.cached_as("/sitemap-news.xml".into(), XML, Some(300), async |now| {
            let since = now - jiff::SignedDuration::from_hours(NEWS_WINDOW_HOURS);
            let entries = self.store().news_entries(since, NEWS_MAX_URLS, now).await?;
            let items: Vec<NewsUrl> = entries
                .iter()
                .map(|e| NewsUrl {
                    path: article_url(e.lang, &e.slug),
                    lang: e.lang,
                    title: e.headline.clone(),
                    published: e.published_at,
                })
                .collect();
            let body = self.theme().news_sitemap(&items)?;
            Ok((200, body, sitemap_keys()))
        })
        .await
    }

    /// `robots.txt`.
    pub fn robots_txt(&self) -> String {
        self.theme().robots_txt()
    }
}

/// Sitemaps change with any article in either language.
fn sitemap_keys() -> Vec<String> {
    vec![
        "sections".to_owned(),
        "latest:ar".to_owned(),
        "latest:en".to_owned(),
    ]
}

fn article_sitemap_url(e: &SitemapEntry) -> SitemapUrl {
    let path = article_url(e.lang, &e.slug);
    let mut alternates = Vec::new();
    if !e.translations.is_empty() {
        alternates.push((e.lang, path.clone()));
        alternates.extend(e.translations.iter().map(|(l, s)| (*l, article_url(*l, s))));
    }
    SitemapUrl {
        path,
        lastmod: Some(e.updated_at),
        alternates,
    }
}

/// How many blocks of [`SITEMAP_URLS`] ids there are up to the highest id.
fn sitemap_files(last_id: i64) -> u64 {
    u64::try_from(last_id)
        .unwrap_or(0)
        .div_ceil(u64::from(SITEMAP_URLS))
}

/// The ids of article sitemap file `n` (from 1).
fn sitemap_block(n: u64) -> std::ops::RangeInclusive<i64> {
    let block = i64::from(SITEMAP_URLS);
    let first = i64::try_from(n.saturating_sub(1))
        .unwrap_or(i64::MAX)
        .saturating_mul(block)
        .saturating_add(1);
    first..=first.saturating_add(block - 1)
}
