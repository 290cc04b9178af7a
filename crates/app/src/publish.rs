//! Writing content through the application: every change goes to the store in one
//! transaction (which also writes the change feed), then invalidates exactly the cached
//! pages that show the article, its lists, sections, tags and authors.

use crate::{App, AppError};
use arabpress_core::model::Article;
use arabpress_core::{ArticleDraft, ArticleStatus};
use arabpress_store::NewCorrection;
use jiff::Timestamp;

/// The surrogate keys of the pages that show `a`.
pub(crate) fn keys(a: &Article, out: &mut Vec<String>) {
    keys_of(
        a.summary.id,
        a.summary.lang.code(),
        a.summary.section_id,
        a.tags.iter().map(|t| t.id),
        a.authors.iter().map(|x| x.id),
        out,
    );
}

/// The same keys from what the store reads of many articles at once.
pub(crate) fn link_keys(l: &arabpress_store::ArticleLinks, out: &mut Vec<String>) {
    keys_of(
        l.id,
        &l.lang,
        l.section_id,
        l.tag_ids.iter().copied(),
        l.author_ids.iter().copied(),
        out,
    );
}

fn keys_of(
    id: i64,
    lang: &str,
    section: i64,
    tags: impl Iterator<Item = i64>,
    authors: impl Iterator<Item = i64>,
    out: &mut Vec<String>,
) {
    out.push(format!("article:{id}"));
    out.push(format!("latest:{lang}"));
    out.push(format!("section:{section}"));
    out.extend(tags.map(|t| format!("tag:{t}")));
    out.extend(authors.map(|x| format!("author:{x}")));
}

impl App {
    pub(crate) fn invalidate(&self, before: Option<&Article>, after: Option<&Article>) {
        let mut k = Vec::new();
        for a in before.into_iter().chain(after) {
            keys(a, &mut k);
        }
        k.sort();
        k.dedup();
        let n = self.cache().invalidate(&k);
        tracing::debug!(pages = n, keys = ?k, "invalidated");
        self.purge();
    }

    async fn reload(&self, id: i64) -> Result<Article, AppError> {
        self.store()
            .article_by_id(id)
            .await?
            .ok_or(AppError::NotFound)
    }

    /// Saves a new article, unchecked: no member, no role, no audit line. For tests (the
    /// `testing` feature); the newsroom, the API and the importers go through the checked
    /// paths. When it repeats an earlier story (a near-duplicate), the returned article
    /// names that story in `duplicate_of`.
    #[cfg(feature = "testing")]
    pub async fn create_article(
        &self,
        draft: ArticleDraft,
        status: ArticleStatus,
        published_at: Option<Timestamp>,
    ) -> Result<Article, AppError> {
        self.write_new(draft, status, published_at, None).await
    }

    /// Saves a new article, recording the user who wrote it (`None`: the site itself, as
    /// the demo content). When it repeats an earlier story (a near-duplicate), the
    /// returned article names that story in `duplicate_of`.
    pub(crate) async fn write_new(
        &self,
        draft: ArticleDraft,
        status: ArticleStatus,
        published_at: Option<Timestamp>,
        by: Option<i64>,
    ) -> Result<Article, AppError> {
        let _writing = self.writing();
        let a = self
            .store()
            .create_article(draft, status, published_at, by, self.now())
            .await?;
        self.invalidate(None, Some(&a));
        self.reflect(&[a.summary.id], true).await;
        self.reload(a.summary.id).await
    }

    /// Saves a new version of an article, unchecked (as [`App::create_article`]), refusing
    /// an edit of an outdated version. For tests.
    #[cfg(feature = "testing")]
    pub async fn update_article(
        &self,
        id: i64,
        expected_version: i64,
        draft: ArticleDraft,
    ) -> Result<Article, AppError> {
        self.write_update(id, expected_version, draft, None).await
    }

    /// Saves a new version of an article, refusing an edit of an outdated version and
    /// recording the user who saved the revision.
    pub(crate) async fn write_update(
        &self,
        id: i64,
        expected_version: i64,
        draft: ArticleDraft,
        by: Option<i64>,
    ) -> Result<Article, AppError> {
        let _writing = self.writing();
        let before = self.reload(id).await?;
        let after = self
            .store()
            .update_article(id, expected_version, draft, by, self.now())
            .await?;
        self.invalidate(Some(&before), Some(&after));
        self.reflect(&[id], true).await;
        // Webhook deliveries were queued by the store with the change.
        self.reload(id).await
    }

    /// Publishes an article, unchecked (as [`App::create_article`]). For tests.
    #[cfg(feature = "testing")]
    pub async fn publish(&self, id: i64, at: Option<Timestamp>) -> Result<Article, AppError> {
        self.publish_or_schedule(id, at).await
    }

    /// Publishes an article now (or back-dated to a past `at`), or schedules it when `at` is
    /// in the future: the scheduler ([`App::run_due`]) then publishes it on time.
    pub(crate) async fn publish_or_schedule(
        &self,
        id: i64,
        at: Option<Timestamp>,
    ) -> Result<Article, AppError> {
        match at {
            Some(at) if at > self.now() => {
                let _writing = self.writing();
                let before = self.reload(id).await?;
                self.store().schedule(id, at, self.now()).await?;
                let after = self.reload(id).await?;
                // Leaving the public lists (if it was public) is a change like any other.
                self.invalidate(Some(&before), Some(&after));
                self.reflect(&[id], false).await;
                Ok(after)
            }
            _ => self.set_status(id, ArticleStatus::Published, at).await,
        }
    }

    /// Publishes the scheduled articles whose time has come: their pages, lists, feeds and
    /// search results change at that moment, with or without a visitor. Returns their ids.
    pub async fn run_due(&self) -> Result<Vec<i64>, AppError> {
        let _writing = self.writing();
        let ids = self.store().publish_due(self.now()).await?;
        for &id in &ids {
            let a = self.reload(id).await?;
            self.invalidate(None, Some(&a));
            let at = a
                .summary
                .published_at
                .map(|t| t.to_string())
                .unwrap_or_default();
            self.store()
                .audit(
                    None,
                    "published",
                    "article",
                    id,
                    &format!("scheduled for {at}"),
                    self.now(),
                )
                .await?;
            tracing::info!(article = id, "scheduled article published");
        }
        if !ids.is_empty() {
            self.reflect(&ids, false).await;
        }
        Ok(ids)
    }

    /// Withdraws a published article, unchecked (as [`App::create_article`]); its address
    /// answers 410 Gone. For tests.
    #[cfg(feature = "testing")]
    pub async fn unpublish(&self, id: i64) -> Result<Article, AppError> {
        self.set_status(id, ArticleStatus::Unpublished, None).await
    }

    /// Takes a scheduled article back to draft. An article that is not scheduled (it may
    /// have gone live a moment ago) is refused and left as it is.
    pub(crate) async fn unschedule(&self, id: i64) -> Result<Article, AppError> {
        let before = self.reload(id).await?;
        if !self.store().unschedule(id, self.now()).await? {
            return Err(AppError::invalid(
                "status",
                "invalid-not-scheduled",
                format!("the article is {}, not scheduled", before.status),
            ));
        }
        let after = self.reload(id).await?;
        self.invalidate(Some(&before), Some(&after));
        Ok(after)
    }

    /// Moves an article to a status outside publishing (e.g. in review).
    pub(crate) async fn set_status_to(
        &self,
        id: i64,
        status: ArticleStatus,
    ) -> Result<Article, AppError> {
        self.set_status(id, status, None).await
    }

    pub(crate) async fn set_status(
        &self,
        id: i64,
        status: ArticleStatus,
        at: Option<Timestamp>,
    ) -> Result<Article, AppError> {
        let _writing = self.writing();
        let before = self.reload(id).await?;
        self.store().set_status(id, status, at, self.now()).await?;
        let after = self.reload(id).await?;
        self.invalidate(Some(&before), Some(&after));
        self.reflect(&[id], false).await;
        Ok(after)
    }

    /// Adds a dated correction note to an article, unchecked (as [`App::create_article`]).
    /// For tests.
    #[cfg(feature = "testing")]
    pub async fn add_correction(&self, id: i64, note: &str) -> Result<Article, AppError> {
        self.write_correction(id, note).await
    }

    /// Adds a dated correction note to an article.
    pub(crate) async fn write_correction(&self, id: i64, note: &str) -> Result<Article, AppError> {
        self.store()
            .add_correction(
                NewCorrection {
                    article_id: id,
                    note: note.to_owned(),
                },
                self.now(),
            )
            .await?;
        let after = self.reload(id).await?;
        self.invalidate(None, Some(&after));
        Ok(after)
    }

    /// Links two articles as translations of each other.
    pub(crate) async fn link_translations(&self, a: i64, b: i64) -> Result<(), AppError> {
        let _writing = self.writing();
        self.store().link_translations(a, b, self.now()).await?;
        let (x, y) = (self.reload(a).await?, self.reload(b).await?);
        self.invalidate(Some(&x), Some(&y));
        self.reflect(&[a, b], false).await;
        Ok(())
    }
}
