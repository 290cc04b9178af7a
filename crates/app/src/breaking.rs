//! The breaking-news ribbon: an editor shows a published article above every page of its
//! language for a few hours (or until removing it). Pages carry the `breaking` surrogate
//! key, so showing or removing a ribbon drops them on every node (the change feed's
//! `breaking` events) and at the CDN; a page showing a ribbon is kept no longer than the
//! ribbon lasts.

use crate::newsroom::forbidden;
use crate::{App, AppError};
use arabpress_core::model::ArticleSummary;
use arabpress_core::{ArticleStatus, Lang, User};
use jiff::{SignedDuration, Timestamp};
use std::sync::atomic::Ordering;

/// The longest an article stays on the ribbon, in hours.
pub const BREAKING_MAX_HOURS: i64 = 48;
/// How long the newsroom offers to show it, in hours.
pub const BREAKING_DEFAULT_HOURS: i64 = 6;
/// The surrogate key every page carries for the ribbon.
pub(crate) const BREAKING_KEY: &str = "breaking";

impl App {
    /// Shows a published article on its language's ribbon for `hours` (1 to
    /// [`BREAKING_MAX_HOURS`]), replacing the one there; for members who may publish it.
    pub async fn show_breaking_as(
        &self,
        actor: &User,
        article: i64,
        hours: i64,
    ) -> Result<Timestamp, AppError> {
        let a = self.ribbon_article(actor, article).await?;
        if !(1..=BREAKING_MAX_HOURS).contains(&hours) {
            return Err(AppError::invalid(
                "hours",
                "invalid-breaking-hours",
                format!("show it for 1 to {BREAKING_MAX_HOURS} hours"),
            ));
        }
        let now = self.now();
        let public = a.status == ArticleStatus::Published
            && a.summary.published_at.is_some_and(|p| p <= now);
        if !public {
            return Err(AppError::invalid(
                "status",
                "invalid-breaking-unpublished",
                "only a published article can be sent as breaking news",
            ));
        }
        let until = now
            .checked_add(SignedDuration::from_hours(hours))
            .map_err(|e| AppError::internal("ribbon end", e))?;
        self.store()
            .set_breaking(a.summary.lang, article, until, Some(actor.id), now)
            .await?;
        self.breaking_changed();
        Ok(until)
    }

    /// Takes an article off the ribbon; false when it was not there.
    pub async fn remove_breaking_as(&self, actor: &User, article: i64) -> Result<bool, AppError> {
        self.ribbon_article(actor, article).await?;
        let gone = self
            .store()
            .clear_breaking(article, Some(actor.id), self.now())
            .await?;
        if gone {
            self.breaking_changed();
        }
        Ok(gone)
    }

    /// The article, when `actor` may put it on the ribbon or take it off: who may
    /// publish it.
    async fn ribbon_article(
        &self,
        actor: &User,
        article: i64,
    ) -> Result<arabpress_core::model::Article, AppError> {
        let a = self
            .store()
            .article_by_id(article)
            .await?
            .ok_or(AppError::NotFound)?;
        let own = a.created_by == Some(actor.id);
        if !actor.active || !actor.role.can_publish(own) {
            return Err(forbidden(actor, "change the breaking news"));
        }
        Ok(a)
    }

    /// The story on `lang`'s ribbon now, with when it leaves it, while it is public.
    pub async fn breaking(
        &self,
        lang: Lang,
        now: Timestamp,
    ) -> Result<Option<(ArticleSummary, Timestamp)>, AppError> {
        let Some((id, until)) = self.store().breaking(lang, now).await? else {
            return Ok(None);
        };
        let found = self.store().summaries_by_ids(&[id], now).await?;
        Ok(found.into_iter().next().map(|s| (s, until)))
    }

    /// [`App::breaking`] for a page's frame: a page (an error page above all) is rendered
    /// without the ribbon rather than not at all when it cannot be read.
    pub(crate) async fn ribbon(
        &self,
        lang: Lang,
        now: Timestamp,
    ) -> Option<(ArticleSummary, Timestamp)> {
        self.breaking(lang, now).await.unwrap_or_else(|e| {
            tracing::warn!(error = %e, "reading the breaking-news ribbon failed");
            None
        })
    }

    /// Drops every page (they all carry the ribbon's key), here and at the CDN.
    fn breaking_changed(&self) {
        self.cache().invalidate(&[BREAKING_KEY.to_owned()]);
        self.purge();
    }

    /// Applies ribbon changes other nodes made (called by the follower).
    pub(crate) async fn follow_breaking(&self) -> Result<(), AppError> {
        let seen = self.inner.breaking_seen.load(Ordering::SeqCst);
        if let Some(id) = self.store().breaking_change_after(seen).await? {
            self.cache().invalidate(&[BREAKING_KEY.to_owned()]);
            self.inner.breaking_seen.fetch_max(id, Ordering::SeqCst);
        }
        Ok(())
    }
}
