//! Search through the application: keeping the index, the near-duplicate groups and the
//! stored related stories in step with the store after every change, rebuilding and
//! catching up the index, and the reader's search (HTML page and API).

use crate::cache::CachedPage;
use crate::{App, AppError, BadRequest};
use arabpress_core::ArticleStatus;
use arabpress_core::Lang;
use arabpress_core::model::Article;
use arabpress_render::{Frame, SearchForm, SearchHit, SearchModel};
use arabpress_search::{
    IndexDoc, Matched, Opened, QueryProblem, RelatedQuery, SearchError, SearchIndex, SearchQuery,
    simhash,
};
use arabpress_store::Store;
use jiff::Timestamp;
use jiff::civil::Date;
use serde::Deserialize;
use std::sync::Arc;

/// At most this many changes not yet in the index are reflected with a publish; past it the
/// index is far behind and catches up in order instead (`sync_index`, `follow_changes`).
const REFLECT_PAGE: u32 = 100;

/// Results per search page.
pub const SEARCH_PER_PAGE: u32 = 10;

/// Related stories stored per article (the page shows up to six after de-duplication).
const RELATED_STORED: usize = 8;

/// The newest articles of a language whose fingerprints are all compared with a new
/// story's (the rest of the archive through the fingerprint blocks, see
/// [`arabpress_store::Store::fingerprint_candidates`]).
const RECENT_CANDIDATES: u32 = 1_000;

/// How near a fingerprint the blocks find beyond the newest must be to have its words read
/// (the blocks find every one within 7 bits and most within 11). Up to
/// [`simhash::NEAR_DUPLICATE_BITS`], a million random fingerprints hold a few dozen per
/// story, each an article read and rendered.
const ARCHIVE_DUPLICATE_BITS: u32 = 11;

/// Articles read per batch when rebuilding.
const REBUILD_BATCH: u32 = 200;

/// A reader's search as it arrives in the query string; every field may be missing or bad.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct SearchParams {
    /// The words.
    pub q: Option<String>,
    /// Section slug.
    pub section: Option<String>,
    /// Author slug.
    pub author: Option<String>,
    /// Earliest publication date, YYYY-MM-DD.
    pub from: Option<String>,
    /// Latest publication date, YYYY-MM-DD.
    pub to: Option<String>,
    /// 1-based page.
    pub page: Option<String>,
}

/// A search, answered: what the HTML page and the API both show.
#[derive(Debug, Clone)]
pub struct SearchOutcome {
    /// The form as understood.
    pub form: SearchForm,
    /// Matches in all.
    pub total: u64,
    /// 1-based page.
    pub page: u32,
    /// Results per page.
    pub per_page: u32,
    /// This page's results.
    pub hits: Vec<SearchHit>,
    /// No result had every word.
    pub partial: bool,
    /// A query that finds something, when this one found nothing.
    pub suggestion: Option<String>,
    /// Message id saying why nothing was searched.
    pub problem: Option<&'static str>,
    /// The query was cut.
    pub truncated: bool,
    /// Message id for a filter that was ignored.
    pub bad_filter: Option<&'static str>,
}

/// Every published article, in batches, by id.
#[derive(Default)]
struct Published {
    after: i64,
}

impl Published {
    async fn next(&mut self, store: &Store) -> Result<Option<Vec<Article>>, AppError> {
        let batch = store.articles_for_index(self.after, REBUILD_BATCH).await?;
        Ok(batch.last().map(|last| last.summary.id).map(|id| {
            self.after = id;
            batch
        }))
    }
}

fn non_empty(s: &Option<String>) -> Option<&str> {
    s.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

impl App {
    pub(crate) async fn with_index<T, F>(&self, f: F) -> Result<T, AppError>
    where
        T: Send + 'static,
        F: FnOnce(&SearchIndex) -> Result<T, SearchError> + Send + 'static,
    {
        let ix = Arc::clone(self.search_index());
        tokio::task::spawn_blocking(move || f(&ix))
            .await
            .map_err(|e| AppError::internal("search task", e))?
            .map_err(AppError::from)
    }

    /// Whether the index should hold the article: published, and not a near-duplicate of
    /// a public article (lists and search show one story of a group).
    async fn indexable(&self, a: &Article) -> Result<bool, AppError> {
        if a.status != ArticleStatus::Published {
            return Ok(false);
        }
        Ok(match a.duplicate_of {
            Some(c) => self
                .store()
                .summaries_by_ids(&[c], Timestamp::MAX)
                .await?
                .is_empty(),
            None => true,
        })
    }

    /// Records the article's fingerprint and groups it with the story it repeats, if any:
    /// an article whose fingerprint is near and whose words bear it out
    /// ([`simhash::same_story`]). Readers see one article of a group, its lead: the fuller
    /// text (a tenth more terms or more; a credit line or a corrected word leaves the lead
    /// where it is), so a longer version of a story takes the lead from the shorter one,
    /// and only a published article takes it.
    async fn group_duplicates(&self, a: &Article) -> Result<(), AppError> {
        let id = a.summary.id;
        let started = std::time::Instant::now();
        let body = self.render_body(&a.body_md).await?.text;
        let fp = simhash::fingerprint(&a.summary.headline, &body);
        let text = format!("{}\n{body}", a.summary.headline);
        let looking = std::time::Instant::now();
        let candidates = self
            .store()
            .fingerprint_candidates(
                a.summary.lang,
                id,
                fp,
                (simhash::NEAR_DUPLICATE_BITS, ARCHIVE_DUPLICATE_BITS),
                RECENT_CANDIDATES,
            )
            .await?;
        let lookup = looking.elapsed();
        let mut lead = None;
        for c in &candidates {
            let group = c.duplicate_of.unwrap_or(c.id);
            if group == id || lead.is_some_and(|l| l <= group) {
                continue;
            }
            if let Some(other) = self.store().article_by_id(c.id).await?
                && simhash::same_story(&text, &self.text_of(&other).await?)
            {
                lead = Some(group);
            }
        }
        tracing::debug!(
            article = id,
            candidates = candidates.len(),
            lookup_micros = lookup.as_micros(),
            micros = started.elapsed().as_micros(),
            "near-duplicate check"
        );
        let Some(lead) = lead else {
            self.store().set_fingerprint(id, fp, None).await?;
            return Ok(());
        };
        let replaced = self.store().article_by_id(lead).await?;
        let fuller = a.status == ArticleStatus::Published
            && match &replaced {
                Some(l) if l.status == ArticleStatus::Published => {
                    let t = self.text_of(l).await?;
                    simhash::same_story(&text, &t) && simhash::fuller(&text, &t)
                }
                // A lead no longer public gives way to any published copy.
                _ => true,
            };
        if fuller {
            let moved = self
                .store()
                .regroup(id, fp, None, Some(lead), self.now())
                .await?;
            // Lists that showed the old lead show this one now.
            self.invalidate(replaced.as_ref(), None);
            self.invalidate_articles(&moved).await?;
            tracing::info!(
                article = id,
                replaces = lead,
                "near-duplicate, fuller: leads its group"
            );
        } else {
            let moved = self
                .store()
                .regroup(id, fp, Some(lead), Some(id), self.now())
                .await?;
            self.invalidate_articles(&moved).await?;
            tracing::info!(article = id, duplicate_of = lead, "near-duplicate");
        }
        Ok(())
    }

    /// When a group's lead leaves publication, its fullest published copy leads instead,
    /// so readers see one version of the story, not every copy at once.
    async fn hand_on_lead(&self, a: &Article) -> Result<(), AppError> {
        let mut best: Option<(Article, String)> = None;
        for m in self.store().duplicates_of(a.summary.id).await? {
            let Some(m) = self.store().article_by_id(m).await? else {
                continue;
            };
            if m.status != ArticleStatus::Published {
                continue;
            }
            let t = self.text_of(&m).await?;
            if best.as_ref().is_none_or(|(_, b)| simhash::fuller(&t, b)) {
                best = Some((m, t));
            }
        }
        let Some((m, _)) = best else { return Ok(()) };
        let fp = match m.fingerprint {
            Some(fp) => fp,
            None => simhash::fingerprint(
                &m.summary.headline,
                &self.render_body(&m.body_md).await?.text,
            ),
        };
        let moved = self
            .store()
            .regroup(m.summary.id, fp, None, Some(a.summary.id), self.now())
            .await?;
        self.invalidate(Some(&m), None);
        self.invalidate_articles(&moved).await?;
        tracing::info!(
            article = m.summary.id,
            replaces = a.summary.id,
            "leads its group now"
        );
        Ok(())
    }

    /// Drops the cached pages that carry these articles.
    async fn invalidate_articles(&self, ids: &[i64]) -> Result<(), AppError> {
        for &i in ids {
            if let Some(x) = self.store().article_by_id(i).await? {
                self.invalidate(Some(&x), None);
            }
        }
        Ok(())
    }

    /// An article's headline and body as plain text, as [`App::group_duplicates`] reads it.
    async fn text_of(&self, o: &Article) -> Result<String, AppError> {
        Ok(format!(
            "{}\n{}",
            o.summary.headline,
            self.render_body(&o.body_md).await?.text
        ))
    }

    /// Brings the index, the duplicate groups and the stored related stories in step with
    /// the store after articles `ids` changed (`content` when their text changed). The
    /// change is already committed: a failure here is logged, and the index catches up
    /// from the change feed at the next start.
    pub(crate) async fn reflect(&self, ids: &[i64], content: bool) {
        if let Err(e) = self.try_reflect(ids, content).await {
            tracing::error!(error = %e, ?ids, "updating the search index failed; it will catch up at restart");
        }
    }

    /// Re-indexes articles whose indexed text changed without a change of their own (a tag
    /// of theirs was renamed). Like [`App::reflect`], a failure is logged.
    pub(crate) async fn reindex_articles(&self, ids: &[i64]) {
        let done = async {
            self.index_articles(ids).await?;
            self.with_index(|ix| ix.commit(ix.change_id()?)).await
        };
        if let Err(e) = done.await {
            tracing::error!(error = %e, articles = ids.len(), "updating the search index failed; it will catch up at restart");
        }
    }

    async fn try_reflect(&self, ids: &[i64], content: bool) -> Result<(), AppError> {
        for &id in ids {
            // New text regroups an article; so does publishing one grouped under another
            // while it waited, since a published article may take its group's lead.
            let Some(a) = self.store().article_by_id(id).await? else {
                continue;
            };
            if content || (a.duplicate_of.is_some() && a.status == ArticleStatus::Published) {
                self.group_duplicates(&a).await?;
            } else if a.status != ArticleStatus::Published && a.duplicate_of.is_none() {
                // A lead leaving publication hands the lead on.
                self.hand_on_lead(&a).await?;
            }
        }
        // The index's position in the change feed moves only past changes reflected here.
        // Another task may have committed a change and not reflected it yet: that change is
        // read from the feed and reflected here too, so a process killed before the other
        // task gets to it loses nothing. When the index lags far behind (a page of changes
        // or more), it stays where it is for `sync_index` and `follow_changes`.
        let at = self.with_index(|ix| ix.change_id()).await?;
        let pending = self.store().article_changes_since(at, REFLECT_PAGE).await?;
        let (to, mut articles) = match pending.last() {
            Some(last) if pending.len() < REFLECT_PAGE as usize => (
                last.change_id,
                pending.iter().map(|c| c.article_id).collect::<Vec<_>>(),
            ),
            _ => (at, Vec::new()),
        };
        articles.extend_from_slice(ids);
        articles.sort_unstable();
        articles.dedup();
        let mut touched = articles.clone();
        for &id in &articles {
            // A story's duplicates show when it does not, and hide when it shows.
            touched.extend(self.store().duplicates_of(id).await?);
        }
        self.index_articles(&touched).await?;
        // Committed at the old position until the related stories are stored: a process
        // killed in between replays the changes at start (see `sync_index`).
        self.with_index(move |ix| ix.commit(at)).await?;
        for &id in &articles {
            self.refresh_related(id).await?;
        }
        self.with_index(move |ix| ix.commit(to)).await?;
        Ok(())
    }

    /// Adds, replaces or removes articles in the index (not committed).
    pub(crate) async fn index_articles(&self, ids: &[i64]) -> Result<(), AppError> {
        for &id in ids {
            match self.store().article_by_id(id).await? {
                Some(a) if self.indexable(&a).await? => {
                    let doc = IndexDoc::from_article(&a);
                    self.with_index(move |ix| ix.upsert(&doc)).await?;
                }
                _ => self.with_index(move |ix| ix.delete(id)).await?,
            }
        }
        Ok(())
    }

    /// The related stories of an article, from the index.
    async fn find_related(&self, a: &Article) -> Result<Vec<i64>, AppError> {
        let body = self.render_body(&a.body_md).await?.text;
        let text = format!("{}\n\n{}", a.summary.standfirst, body);
        let headline = a.summary.headline.clone();
        let tag_ids: Vec<i64> = a.tags.iter().map(|t| t.id).collect();
        let exclude: Vec<i64> = a.duplicate_of.into_iter().collect();
        let fingerprint = a
            .fingerprint
            .unwrap_or_else(|| simhash::fingerprint(&headline, &body));
        let (id, lang, section_id, group) = (
            a.summary.id,
            a.summary.lang,
            a.summary.section_id,
            a.translation_group,
        );
        let published_at = a.summary.published_at.unwrap_or(a.created_at);
        let now = self.now();
        self.with_index(move |ix| {
            ix.related(&RelatedQuery {
                id,
                lang,
                headline: &headline,
                text: &text,
                tag_ids: &tag_ids,
                section_id,
                published_at,
                translation_group: group,
                fingerprint,
                exclude: &exclude,
                now,
                limit: RELATED_STORED,
            })
        })
        .await
    }

    /// Recomputes and stores the related stories of `id` and of the stories around it: a
    /// new story then also appears beside the older ones it relates to, and a withdrawn one
    /// is replaced wherever it was listed.
    async fn refresh_related(&self, id: i64) -> Result<(), AppError> {
        let Some(a) = self.store().article_by_id(id).await? else {
            return Ok(());
        };
        let mut around = self.store().relating_to(id).await?;
        if a.status == ArticleStatus::Published {
            let related = self.find_related(&a).await?;
            self.store().set_related(id, &related).await?;
            around.extend(related);
        } else {
            self.store().set_related(id, &[]).await?;
        }
        around.sort_unstable();
        around.dedup();
        let mut keys = vec![format!("article:{id}")];
        for other in around.into_iter().filter(|&o| o != id) {
            if let Some(o) = self.store().article_by_id(other).await?
                && o.status == ArticleStatus::Published
            {
                let related = self.find_related(&o).await?;
                self.store().set_related(other, &related).await?;
                keys.push(format!("article:{other}"));
            }
        }
        self.cache().invalidate(&keys);
        Ok(())
    }

    /// Rebuilds the index from the store, then every article's related stories.
    /// `progress(done, total)` is called as it goes (two passes over the published
    /// articles). Returns how many articles were indexed.
    pub async fn rebuild_index(
        &self,
        progress: &(dyn Fn(u64, u64) + Sync),
    ) -> Result<u64, AppError> {
        self.rebuild(progress, true).await
    }

    /// Rebuilds the index alone from the store, leaving the related stories the database
    /// holds as they are (a lost index folder, a restored archive).
    pub async fn rebuild_search_index(
        &self,
        progress: &(dyn Fn(u64, u64) + Sync),
    ) -> Result<u64, AppError> {
        self.rebuild(progress, false).await
    }

    async fn rebuild(
        &self,
        progress: &(dyn Fn(u64, u64) + Sync),
        relate: bool,
    ) -> Result<u64, AppError> {
        let change = self.store().last_change_id().await?;
        let total = self.store().count_published().await?;
        let passes = if relate { 2 } else { 1 };
        self.with_index(|ix| ix.clear()).await?;
        let mut done = 0;
        let mut indexed = 0;
        let mut batches = Published::default();
        while let Some(batch) = batches.next(self.store()).await? {
            let mut docs = Vec::with_capacity(batch.len());
            for a in &batch {
                if self.indexable(a).await? {
                    docs.push(IndexDoc::from_article(a));
                }
            }
            done += batch.len() as u64;
            indexed += docs.len() as u64;
            self.with_index(move |ix| docs.iter().try_for_each(|d| ix.add(d)))
                .await?;
            progress(done, total * passes);
        }
        self.with_index(move |ix| ix.commit(change)).await?;
        if relate {
            let mut batches = Published::default();
            while let Some(batch) = batches.next(self.store()).await? {
                for a in &batch {
                    let related = self.find_related(a).await?;
                    self.store().set_related(a.summary.id, &related).await?;
                }
                done += batch.len() as u64;
                progress(done.min(total * 2), total * 2);
            }
        }
        self.cache().clear();
        Ok(indexed)
    }

    /// Brings a just-opened index up to date: rebuilds it when it is new (or empty while the
    /// store is not), otherwise replays the change feed since its last commit. Related
    /// stories are kept in the database and left as they are.
    pub async fn sync_index(&self, opened: Opened) -> Result<(), AppError> {
        let published = self.store().count_published().await?;
        if opened == Opened::Empty || (self.search_index().num_docs() == 0 && published > 0) {
            let started = std::time::Instant::now();
            let n = self.rebuild_search_index(&|_, _| {}).await?;
            tracing::info!(
                articles = n,
                ms = started.elapsed().as_millis() as u64,
                "search index rebuilt"
            );
            return Ok(());
        }
        let mut from = self.with_index(|ix| ix.change_id()).await?;
        let mut replayed = 0;
        loop {
            let changes = self.store().article_changes_since(from, 1_000).await?;
            let Some(last) = changes.last() else { break };
            let to = last.change_id;
            let mut ids: Vec<i64> = changes.iter().map(|c| c.article_id).collect();
            ids.sort_unstable();
            ids.dedup();
            replayed += ids.len();
            self.index_articles(&ids).await?;
            // Related stories and cached pages are redone for each change the index had
            // not taken in (the CDN purge keeps its own place in the feed): the process may
            // have died between the commit of the change and their update. They read the
            // index, so it is committed first at the old position, and moved on only once
            // they are done (both are idempotent).
            self.with_index(move |ix| ix.commit(from)).await?;
            for &id in &ids {
                self.refresh_related(id).await?;
                if let Some(a) = self.store().article_by_id(id).await? {
                    self.invalidate(None, Some(&a));
                }
            }
            self.with_index(move |ix| ix.commit(to)).await?;
            from = to;
        }
        if replayed > 0 {
            tracing::info!(
                articles = replayed,
                "search index caught up from the change feed"
            );
        }
        Ok(())
    }

    /// Runs a reader's search in `lang`.
    pub async fn search(&self, lang: Lang, p: &SearchParams) -> Result<SearchOutcome, AppError> {
        let page = match non_empty(&p.page) {
            None => 1,
            Some(s) => s
                .parse::<u32>()
                .ok()
                .filter(|n| (1..=1_000).contains(n))
                .ok_or(AppError::BadRequest(BadRequest::PageRange { max: 1_000 }))?,
        };
        let mut form = SearchForm {
            q: p.q.clone().unwrap_or_default(),
            ..SearchForm::default()
        };
        let mut bad_filter = None;
        let mut section_id = None;
        if let Some(slug) = non_empty(&p.section) {
            match self.sections().await?.iter().find(|s| s.slug == slug) {
                Some(s) => {
                    section_id = Some(s.id);
                    form.section = s.slug.clone();
                }
                None => bad_filter = Some("search-bad-filter"),
            }
        }
        let mut author_id = None;
        if let Some(slug) = non_empty(&p.author) {
            match self.store().author_by_slug(slug).await? {
                Some(a) => {
                    author_id = Some(a.id);
                    form.author = a.slug;
                }
                None => bad_filter = Some("search-bad-filter"),
            }
        }
        let tz = self.theme().dates().tz().clone();
        let day = |s: &str| -> Option<Date> { s.parse::<Date>().ok() };
        let mut bound = |raw: &Option<String>, next_day: bool, out: &mut String| {
            let s = non_empty(raw)?;
            let Some(d) = day(s) else {
                bad_filter = Some("search-bad-date");
                return None;
            };
            *out = d.to_string();
            let d = if next_day { d.tomorrow().ok()? } else { d };
            d.to_zoned_datetime(tz.clone()).ok().map(|z| z.timestamp())
        };
        let mut from_text = String::new();
        let mut to_text = String::new();
        let from = bound(&p.from, false, &mut from_text);
        let to = bound(&p.to, true, &mut to_text);
        form.from = from_text;
        form.to = to_text;
        let mut outcome = SearchOutcome {
            form,
            total: 0,
            page,
            per_page: SEARCH_PER_PAGE,
            hits: Vec::new(),
            partial: false,
            suggestion: None,
            problem: None,
            truncated: false,
            bad_filter,
        };
        let now = self.now();
        let text = outcome.form.q.clone();
        let results = self
            .with_index(move |ix| {
                ix.search(&SearchQuery {
                    text: &text,
                    lang: Some(lang),
                    section_id,
                    author_id,
                    from,
                    to,
                    now,
                    offset: ((page - 1) * SEARCH_PER_PAGE) as usize,
                    limit: SEARCH_PER_PAGE as usize,
                })
            })
            .await?;
        outcome.problem = results.problem.map(|p| match p {
            QueryProblem::Empty => "search-empty-query",
            QueryProblem::OnlyStopWords => "search-only-stop-words",
        });
        outcome.total = results.total as u64;
        outcome.partial = results.matched == Matched::SomeWords;
        outcome.suggestion = results.suggestion;
        outcome.truncated = results.truncated;
        let ids: Vec<i64> = results.hits.iter().map(|h| h.id).collect();
        let mut summaries = self.store().summaries_by_ids(&ids, now).await?;
        for h in results.hits {
            let Some(pos) = summaries.iter().position(|s| s.id == h.id) else {
                continue;
            };
            outcome.hits.push(SearchHit {
                summary: summaries.swap_remove(pos),
                headline: h.headline.segments(),
                snippet: h.snippet.segments(),
            });
        }
        Ok(outcome)
    }

    /// The search page of a language, cached per query until an article in the language
    /// changes.
    pub async fn search_page(
        &self,
        lang: Lang,
        p: &SearchParams,
    ) -> Result<Arc<CachedPage>, AppError> {
        let raw = [
            ("q", &p.q),
            ("section", &p.section),
            ("author", &p.author),
            ("from", &p.from),
            ("to", &p.to),
            ("page", &p.page),
        ];
        let key = {
            let mut key = form_urlencoded::Serializer::new(format!("/{lang}/search?"));
            for (k, v) in raw {
                if let Some(v) = non_empty(v) {
                    key.append_pair(k, v);
                }
            }
            key.finish()
        };
        self.cached(key, async |now| {
            let outcome = self.search(lang, p).await?;
            let query = {
                let mut query = form_urlencoded::Serializer::new(String::new());
                for (k, v) in [
                    ("q", outcome.form.q.trim()),
                    ("section", outcome.form.section.as_str()),
                    ("author", outcome.form.author.as_str()),
                    ("from", outcome.form.from.as_str()),
                    ("to", outcome.form.to.as_str()),
                ] {
                    if !v.is_empty() {
                        query.append_pair(k, v);
                    }
                }
                query.finish()
            };
            let path = if query.is_empty() {
                format!("/{lang}/search")
            } else {
                format!("/{lang}/search?{query}")
            };
            let frame = Frame {
                lang,
                now,
                sections: self.sections().await?.to_vec(),
                path,
                alternate: None,
                current_section: None,
                breaking: self.ribbon(lang, now).await,
            };
            let mut keys = vec!["sections".to_owned(), format!("latest:{lang}")];
            keys.extend(
                outcome
                    .hits
                    .iter()
                    .map(|h| format!("article:{}", h.summary.id)),
            );
            let html = self.theme().search(&SearchModel {
                frame,
                form: outcome.form,
                authors: self.store().authors().await?,
                hits: outcome.hits,
                total: outcome.total,
                page: outcome.page,
                per_page: outcome.per_page,
                partial: outcome.partial,
                suggestion: outcome.suggestion,
                problem: outcome.problem,
                truncated: outcome.truncated,
                bad_filter: outcome.bad_filter,
            })?;
            Ok((200, html, keys))
        })
        .await
    }
}
