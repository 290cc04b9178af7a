//! The reader site's pages: home, article, section, tag and author lists, and message pages
//! (404, 410, notices). Each page is built from the store, rendered by the theme, cached
//! with the surrogate keys of everything it shows, and de-duplicated: no list shows an
//! article twice, nor two articles with the same headline, and a page never repeats an
//! article that an earlier block on it already shows.

use crate::cache::CachedPage;
use crate::{App, AppError, BadRequest};
use arabpress_core::http::{ListAt, ListCursor};
use arabpress_core::model::{ArticleSummary, Section};
use arabpress_core::{ArticleStatus, Lang, arabic};
use arabpress_render::views::{ListTotal, author_url, section_url};
use arabpress_render::{
    ArticleModel, Frame, HomeModel, InfoModel, InfoPage, ListKind, ListModel, MessageModel,
};
use arabpress_store::ListQuery;
use jiff::Timestamp;
use std::collections::HashSet;
use std::sync::Arc;

/// How long rendering one page may take before the reader gets a 503.
const RENDER_DEADLINE: std::time::Duration = std::time::Duration::from_secs(20);

/// Stories per page on section, tag and author pages.
pub const PER_PAGE: u32 = 12;

/// The most stories a list's first page counts: past it, the page says "more than"
/// this many, so that no page counts a section's or an author's whole archive (a first page
/// that holds the whole list counts it without a query).
pub const LIST_COUNT_CAP: u64 = 1_000;

/// Related stories an article page shows: one row of four cards on a desktop, two by two
/// on a phone. The search index stores more, so near-duplicates and the page's other lists
/// can be left out and still fill the row.
const RELATED_SHOWN: usize = 4;

/// Stories beside the front page's lead with small pictures, and in the dense list of the
/// newest beside them: with the lead, ten headlines on a desktop's first screen.
const SECONDARY: usize = 3;
const LATEST: usize = 6;

/// The content type of pages.
const HTML: &str = "text/html; charset=utf-8";

/// The most corrections the corrections page lists.
pub const CORRECTIONS_LISTED: i64 = 50;

/// Which list a list page shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ListSpec {
    /// A section, by slug.
    Section(String),
    /// A tag, by slug.
    Tag(String),
    /// An author, by slug.
    Author(String),
}

/// What a page has already shown, by id and by normalised headline.
#[derive(Default)]
struct Seen {
    ids: HashSet<i64>,
    headlines: HashSet<String>,
}

fn headline_key(h: &str) -> String {
    let mut out = String::with_capacity(h.len());
    let mut gap = false;
    let push = |out: &mut String, c: char, gap: &mut bool| {
        if *gap && !out.is_empty() {
            out.push(' ');
        }
        *gap = false;
        out.push(c);
    };
    for c in arabic::fold(h).chars() {
        match c {
            'a'..='z' | '0'..='9' | '\u{0621}'..='\u{064A}' | '\u{0671}'..='\u{06D3}' => {
                push(&mut out, c, &mut gap)
            }
            'A'..='Z' => push(&mut out, c.to_ascii_lowercase(), &mut gap),
            c if c.is_ascii() => gap |= c.is_ascii_whitespace(),
            c if c.is_alphanumeric() => {
                for l in c.to_lowercase() {
                    push(&mut out, l, &mut gap);
                }
            }
            c => gap |= c.is_whitespace(),
        }
    }
    out
}

impl Seen {
    fn mark(&mut self, s: &ArticleSummary) -> bool {
        let fresh_id = self.ids.insert(s.id);
        let fresh_headline = self.headlines.insert(headline_key(&s.headline));
        fresh_id && fresh_headline
    }

    /// Keeps up to `max` items not shown yet, marking them shown.
    fn take(
        &mut self,
        items: impl IntoIterator<Item = ArticleSummary>,
        max: usize,
    ) -> Vec<ArticleSummary> {
        let mut out = Vec::new();
        for s in items {
            if out.len() == max {
                break;
            }
            if self.mark(&s) {
                out.push(s);
            }
        }
        out
    }
}

fn article_keys<'a>(keys: &mut Vec<String>, items: impl IntoIterator<Item = &'a ArticleSummary>) {
    keys.extend(items.into_iter().map(|s| format!("article:{}", s.id)));
}

impl App {
    /// Every author, by English name.
    pub async fn authors(&self) -> Result<Vec<arabpress_core::model::Author>, AppError> {
        Ok(self.store().authors().await?)
    }

    /// The article with this slug in this language, whatever its status.
    pub async fn article_by_slug(
        &self,
        lang: Lang,
        slug: &str,
    ) -> Result<Option<arabpress_core::model::Article>, AppError> {
        Ok(self.store().article_by_slug(lang, slug).await?)
    }

    /// How many articles the site holds, in every status.
    pub async fn count_articles(&self) -> Result<u64, AppError> {
        Ok(self.store().count_articles().await?)
    }

    pub(crate) async fn frame(
        &self,
        lang: Lang,
        now: Timestamp,
        path: String,
        alternate: Option<String>,
        current: Option<i64>,
    ) -> Result<Frame, AppError> {
        Ok(Frame {
            lang,
            now,
            sections: self.sections().await?.to_vec(),
            path,
            alternate,
            current_section: current,
            breaking: self.ribbon(lang, now).await,
        })
    }

    /// Unix second of the next local midnight: pages print today's date.
    fn expiry(&self, now: Timestamp) -> i64 {
        let tz = self.theme().dates().tz().clone();
        let zoned = now.to_zoned_datetime(tz.clone());
        zoned
            .date()
            .tomorrow()
            .ok()
            .and_then(|d| d.to_zoned_datetime(tz).ok())
            .map(|z| z.timestamp().as_second())
            .unwrap_or(now.as_second() + 3_600)
    }

    pub(crate) async fn cached<F>(
        &self,
        path: String,
        build: F,
    ) -> Result<Arc<CachedPage>, AppError>
    where
        F: AsyncFnOnce(Timestamp) -> Result<(u16, String, Vec<String>), AppError>,
    {
        self.cached_as(path, HTML, None, build).await
    }

    /// [`App::cached`] for a response of another type (feeds, sitemaps), kept at most
    /// `ttl` seconds when given (for content that ages out by the clock).
    pub(crate) async fn cached_as<F>(
        &self,
        path: String,
        content_type: &'static str,
        ttl: Option<i64>,
        build: F,
    ) -> Result<Arc<CachedPage>, AppError>
    where
        F: AsyncFnOnce(Timestamp) -> Result<(u16, String, Vec<String>), AppError>,
    {
        let now = self.now();
        if let Some(p) = self.cache().get(&path, now.as_second()) {
            return Ok(p);
        }
        let generation = self.cache().generation();
        // Only rendering waits on the database, so only rendering has a deadline; a
        // cached page is answered without arming a timer.
        let (status, html, mut keys) = tokio::time::timeout(RENDER_DEADLINE, build(now))
            .await
            .map_err(|_| AppError::Timeout)??;
        let mut ttl = ttl;
        if content_type == HTML {
            // Every page shows the breaking-news ribbon: it carries the ribbon's key and its
            // story's (so withdrawing or retitling the story drops it), and is kept no
            // longer than the ribbon lasts (an unreadable ribbon leaves the page its usual
            // life, as error pages need).
            keys.push(crate::breaking::BREAKING_KEY.to_owned());
            for (article, end) in self.store().breaking_now(now).await.unwrap_or_default() {
                keys.push(format!("article:{article}"));
                let left = end - now.as_second();
                ttl = Some(ttl.map_or(left, |t| t.min(left)));
            }
        }
        let page = Arc::new(CachedPage::new(
            status,
            content_type,
            html,
            keys,
            ttl.map_or(self.expiry(now), |t| {
                self.expiry(now).min(now.as_second() + t)
            }),
        ));
        self.cache().insert(path, Arc::clone(&page), generation);
        Ok(page)
    }

    /// The home page of a language.
    pub async fn home_page(&self, lang: Lang) -> Result<Arc<CachedPage>, AppError> {
        let path = format!("/{lang}/");
        let ttl = Some(crate::MOST_READ_REFRESH);
        self.cached_as(path.clone(), HTML, ttl, async |now| {
            let frame = self.frame(lang, now, path, None, None).await?;
            let pool = self
                .store()
                .list(&ListQuery::latest(lang, 40, now))
                .await?
                .items;
            let mut seen = Seen::default();
            let lead_idx = pool.iter().position(|s| s.image.is_some()).unwrap_or(0);
            let lead = pool.get(lead_idx).cloned();
            if let Some(l) = &lead {
                seen.mark(l);
            }
            // Beside the lead: the next stories with a picture, shown with it small, then
            // a dense list of the newest; on a desktop all of them are on the first screen.
            let mut secondary = seen.take(
                pool.iter().filter(|s| s.image.is_some()).cloned(),
                SECONDARY,
            );
            secondary.extend(seen.take(pool.iter().cloned(), SECONDARY - secondary.len()));
            let latest = seen.take(pool.iter().cloned(), LATEST);
            let mut blocks = Vec::new();
            let mut keys = vec![format!("latest:{lang}"), "sections".to_owned()];
            for section in &frame.sections {
                let q = ListQuery {
                    section_id: Some(section.id),
                    ..ListQuery::latest(lang, 12, now)
                };
                let items = seen.take(self.store().list(&q).await?.items, 4);
                keys.push(format!("section:{}", section.id));
                if !items.is_empty() {
                    blocks.push((section.clone(), items));
                }
            }
            let most_recent = seen.take(pool.iter().cloned(), 10);
            // Most read may repeat a story shown above: it is a ranking, not more news.
            let most_read = self.most_read(lang, None, now).await?;
            article_keys(
                &mut keys,
                lead.iter()
                    .chain(&secondary)
                    .chain(&latest)
                    .chain(&most_recent)
                    .chain(&most_read)
                    .chain(blocks.iter().flat_map(|b| &b.1)),
            );
            let html = self.theme().home(&HomeModel {
                frame,
                lead,
                secondary,
                latest,
                blocks,
                most_recent,
                most_read,
            })?;
            Ok((200, html, keys))
        })
        .await
    }

    /// An article page; `NotFound` unless published and due, `Gone` once withdrawn.
    pub async fn article_page(&self, lang: Lang, slug: &str) -> Result<Arc<CachedPage>, AppError> {
        let path = format!("/{lang}/article/{slug}");
        self.cached(path.clone(), async |now| {
            arabpress_core::Slug::parse(slug).map_err(|_| AppError::NotFound)?;
            let article = self
                .store()
                .article_by_slug(lang, slug)
                .await?
                .ok_or(AppError::NotFound)?;
            match article.status {
                ArticleStatus::Published
                    if article.summary.published_at.is_some_and(|p| p <= now) => {}
                ArticleStatus::Unpublished => return Err(AppError::Gone),
                _ => return Err(AppError::NotFound),
            }
            let lists = self
                .store()
                .article_neighbours(&article, 8, 16, now)
                .await?;
            let translation = lists.translations.into_iter().next();
            let alternate = translation
                .as_ref()
                .map(|t| arabpress_render::views::article_url(t.lang, &t.slug));
            let frame = self
                .frame(lang, now, path, alternate, Some(article.summary.section_id))
                .await?;
            let section = frame
                .sections
                .iter()
                .find(|s| s.id == article.summary.section_id)
                .cloned();
            let mut seen = Seen::default();
            seen.mark(&article.summary);
            if let Some(t) = &translation {
                seen.ids.insert(t.id);
            }
            let related = seen.take(lists.related, RELATED_SHOWN);
            let more = seen.take(lists.latest, 8);
            let mut keys = vec![
                format!("article:{}", article.summary.id),
                format!("latest:{lang}"),
                format!("section:{}", article.summary.section_id),
                "sections".to_owned(),
            ];
            keys.extend(article.tags.iter().map(|t| format!("tag:{}", t.id)));
            keys.extend(article.authors.iter().map(|a| format!("author:{}", a.id)));
            article_keys(&mut keys, related.iter().chain(&more).chain(&translation));
            let html = self.theme().article(&ArticleModel {
                frame,
                article,
                section,
                translation,
                related,
                more,
            })?;
            Ok((200, html, keys))
        })
        .await
    }

    /// A section, tag or author page, at `at`: its first page, an old `?page=N` link, or
    /// the stories before or after one of them. Pages link to their neighbours by story
    /// (`?before=`/`?after=`), so a link keeps its stories as new ones are published and
    /// a page deep in the archive reads as few index entries as the first.
    pub async fn list_page(
        &self,
        lang: Lang,
        spec: &ListSpec,
        at: ListAt,
    ) -> Result<Arc<CachedPage>, AppError> {
        let (kind_path, slug) = match spec {
            ListSpec::Section(s) => ("section", s),
            ListSpec::Tag(s) => ("tag", s),
            ListSpec::Author(s) => ("author", s),
        };
        let base = format!("/{lang}/{kind_path}/{slug}");
        let cursor = |c: ListCursor| {
            Timestamp::from_second(c.at)
                .map(|t| (t, c.id))
                .map_err(|_| AppError::BadRequest(BadRequest::ListPosition(c.to_string())))
        };
        let (path, page, before, after) = match at {
            ListAt::Page(0) => return Err(AppError::BadRequest(BadRequest::PageZero)),
            ListAt::Page(1) => (base.clone(), 1, None, None),
            ListAt::Page(n) => (format!("{base}?page={n}"), n, None, None),
            ListAt::Before(c) => (format!("{base}?before={c}"), 0, Some(cursor(c)?), None),
            ListAt::After(c) => (format!("{base}?after={c}"), 0, None, Some(cursor(c)?)),
        };
        let link = |key: &str, s: &ArticleSummary| {
            s.published_at.map(|t| {
                let c = ListCursor {
                    at: t.as_second(),
                    id: s.id,
                };
                format!("{base}?{key}={c}")
            })
        };
        // The first page of a section (which a page after a recent story may turn out to be)
        // shows its most-read stories, which move.
        let ttl = (matches!(at, ListAt::Page(1) | ListAt::After(_))
            && matches!(spec, ListSpec::Section(_)))
        .then_some(crate::MOST_READ_REFRESH);
        self.cached_as(path, HTML, ttl, async |now| {
            arabpress_core::Slug::parse(slug).map_err(|_| AppError::NotFound)?;
            let sections: Vec<Section> = self.sections().await?.to_vec();
            // One story more than a page shows, to know whether there is a page beyond.
            let mut q = ListQuery {
                offset: page.saturating_sub(1).saturating_mul(PER_PAGE),
                before,
                after,
                ..ListQuery::latest(lang, PER_PAGE + 1, now)
            };
            let mut keys = vec!["sections".to_owned()];
            let (kind, alternate, current) = match spec {
                ListSpec::Section(s) => {
                    let sec = sections
                        .iter()
                        .find(|x| &x.slug == s)
                        .cloned()
                        .ok_or(AppError::NotFound)?;
                    q.section_id = Some(sec.id);
                    keys.push(format!("section:{}", sec.id));
                    let id = sec.id;
                    (
                        ListKind::Section(sec),
                        Some(section_url(lang.other(), s)),
                        Some(id),
                    )
                }
                ListSpec::Tag(s) => {
                    let tag = self
                        .store()
                        .tag_by_slug(lang, s)
                        .await?
                        .ok_or(AppError::NotFound)?;
                    q.tag_id = Some(tag.id);
                    keys.push(format!("tag:{}", tag.id));
                    (ListKind::Tag(tag.name), None, None)
                }
                ListSpec::Author(s) => {
                    let author = self
                        .store()
                        .author_by_slug(s)
                        .await?
                        .ok_or(AppError::NotFound)?;
                    q.author_id = Some(author.id);
                    keys.push(format!("author:{}", author.id));
                    (
                        ListKind::Author(author),
                        Some(author_url(lang.other(), s)),
                        None,
                    )
                }
            };
            let mut first = page == 1;
            q.count_up_to = first.then_some(LIST_COUNT_CAP);
            let mut result = self.store().list(&q).await?;
            if q.after.is_some() && result.items.len() <= PER_PAGE as usize {
                // No more than a page of stories after the cursor: they are the newest, and
                // the first page shows them with the ones before them.
                q.after = None;
                q.count_up_to = Some(LIST_COUNT_CAP);
                result = self.store().list(&q).await?;
                first = true;
            }
            let total = first.then_some(if result.total > LIST_COUNT_CAP {
                ListTotal::MoreThan(LIST_COUNT_CAP)
            } else {
                ListTotal::Exactly(result.total)
            });
            let mut rows = result.items;
            if rows.is_empty() && !first {
                return Err(AppError::NotFound);
            }
            // The extra story is the newest when walking towards newer ones, else the oldest.
            let beyond = rows.len() > PER_PAGE as usize;
            if beyond && q.after.is_some() {
                rows.remove(0);
            }
            rows.truncate(PER_PAGE as usize);
            let newer = match rows.first() {
                Some(s) if !first => link("after", s),
                _ => None,
            };
            // After a cursor, the cursor's story and those before it are older.
            let older = match rows.last() {
                Some(s) if beyond || q.after.is_some() => link("before", s),
                _ => None,
            };
            let items = Seen::default().take(rows, PER_PAGE as usize);
            let most_read = match (&kind, first) {
                (ListKind::Section(sec), true) => self.most_read(lang, Some(sec.id), now).await?,
                _ => Vec::new(),
            };
            article_keys(&mut keys, items.iter().chain(&most_read));
            let frame = Frame {
                lang,
                now,
                sections,
                path: base.clone(),
                alternate,
                current_section: current,
                breaking: self.ribbon(lang, now).await,
            };
            let html = self.theme().list(&ListModel {
                frame,
                kind,
                items,
                most_read,
                total,
                newer,
                older,
            })?;
            Ok((200, html, keys))
        })
        .await
    }

    /// One of the site's pages about itself. The corrections page lists the newest
    /// corrections of public articles; a correction invalidates it through `latest:{lang}`.
    pub async fn info_page(&self, lang: Lang, page: InfoPage) -> Result<Arc<CachedPage>, AppError> {
        let path = format!("/{lang}/{}", page.segment());
        self.cached(path.clone(), async |now| {
            let alternate = Some(format!("/{}/{}", lang.other(), page.segment()));
            let frame = self.frame(lang, now, path, alternate, None).await?;
            let mut keys = vec!["sections".to_owned()];
            let mut corrections = Vec::new();
            if page == InfoPage::Corrections {
                keys.push(format!("latest:{lang}"));
                let found = self
                    .store()
                    .recent_corrections(lang, CORRECTIONS_LISTED)
                    .await?;
                let mut ids: Vec<i64> = found.iter().map(|(id, _)| *id).collect();
                ids.sort_unstable();
                ids.dedup();
                let public = self.store().summaries_by_ids(&ids, now).await?;
                article_keys(&mut keys, &public);
                corrections = found
                    .into_iter()
                    .filter_map(|(id, c)| {
                        public.iter().find(|s| s.id == id).map(|s| (s.clone(), c))
                    })
                    .collect();
            }
            let html = self.theme().info(&InfoModel {
                frame,
                page,
                corrections,
            })?;
            Ok((200, html, keys))
        })
        .await
    }

    /// A page that only carries a message (errors, notices), cached per language.
    pub async fn message_page(
        &self,
        lang: Lang,
        status: u16,
        title_key: &'static str,
        text_key: &'static str,
    ) -> Result<Arc<CachedPage>, AppError> {
        self.cached(
            format!("message:{lang}:{status}:{title_key}"),
            async |now| {
                let frame = self
                    .frame(lang, now, format!("/{lang}/"), None, None)
                    .await?;
                let html = self.theme().message(&MessageModel {
                    frame,
                    title_key,
                    text_key,
                })?;
                Ok((status, html, vec!["sections".to_owned()]))
            },
        )
        .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headline_keys_ignore_marks_case_and_punctuation() {
        assert_eq!(
            headline_key("Trump’s Board of Peace: Breakthrough?"),
            headline_key("trumps board of peace  breakthrough")
        );
        assert_eq!(headline_key("أعلنت الحكومةُ"), headline_key("اعلنت الحكومه"));
    }
}
