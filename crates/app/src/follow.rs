//! Keeping a node in step with the others: each change any node makes writes a row to the
//! change feed in the same transaction as the change; every node reads the feed from where
//! it left off and drops the cached pages the change touches (the keys of the article as it
//! is now: `article:ID` covers every page that listed it before) and re-indexes the article
//! in its own search index. A CDN in front is told the keys by the purge (`purge.rs`),
//! which follows the same feed once for the whole site.

use crate::{App, AppError};
use std::sync::atomic::Ordering;

/// Counts a write of this node from before its change is committed until it has been
/// reflected in the search index and the related stories (made by `App::writing`).
pub struct Writing<'a>(&'a std::sync::atomic::AtomicUsize);

impl Drop for Writing<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

impl App {
    /// Marks a write that changes articles as in flight until the guard is dropped (after
    /// its reflection): [`App::follow_changes`] keeps the index's position short of it.
    pub(crate) fn writing(&self) -> Writing<'_> {
        self.inner.writes_in_flight.fetch_add(1, Ordering::SeqCst);
        Writing(&self.inner.writes_in_flight)
    }

    /// A write in flight on this node until the guard is dropped, for tests that commit a
    /// change through the store and stop before reflecting it (as a process killed there).
    #[cfg(feature = "testing")]
    pub fn write_in_flight(&self) -> Writing<'_> {
        self.writing()
    }

    /// Listens for the changes other nodes commit (PostgreSQL's LISTEN); `None` on SQLite,
    /// where the change feed is read on a timer instead.
    pub async fn listen_changes(
        &self,
    ) -> Result<Option<arabpress_store::ChangeListener>, AppError> {
        Ok(self.store().listen_changes().await?)
    }

    /// Starts following the change feed where this node's search index stands (what came
    /// before is in the index; the page cache starts empty).
    pub async fn start_following(&self) -> Result<(), AppError> {
        let at = self.with_index(|ix| ix.change_id()).await?;
        self.inner.followed.store(at, Ordering::SeqCst);
        let now = self.store().last_change_id().await?;
        self.inner.sections_seen.store(now, Ordering::SeqCst);
        self.inner.breaking_seen.store(now, Ordering::SeqCst);
        self.inner.jobs_seen.store(now, Ordering::SeqCst);
        Ok(())
    }

    /// Applies the changes made since the last call (by any node); returns how many articles
    /// they touched.
    pub async fn follow_changes(&self) -> Result<usize, AppError> {
        // Settings, sections and the ribbon first: every page shows them.
        self.follow_settings().await?;
        self.follow_breaking().await?;
        self.follow_job_requests().await?;
        let seen = self.inner.sections_seen.load(Ordering::SeqCst);
        if let Some(id) = self.store().section_change_after(seen).await? {
            self.forget_sections();
            self.inner.sections_seen.store(id, Ordering::SeqCst);
        }
        let from = self.inner.followed.load(Ordering::SeqCst);
        let changes = self.store().article_changes_since(from, 1_000).await?;
        let Some(last) = changes.last() else {
            return Ok(0);
        };
        let to = last.change_id;
        let mut ids: Vec<i64> = changes.iter().map(|c| c.article_id).collect();
        ids.sort_unstable();
        ids.dedup();
        // The index first: once a page shows the change, search shows it too.
        self.index_articles(&ids).await?;
        // A write on this node between its commit and its reflection (related stories,
        // duplicate groups) may be among these changes: the index's position stays where it
        // is until none is in flight, so a process killed in between replays the change at
        // start and stores the related stories then. Read after the changes, so a write
        // whose change was read counted itself before it committed.
        let in_flight = self.inner.writes_in_flight.load(Ordering::SeqCst) > 0;
        self.with_index(move |ix| ix.commit(if in_flight { ix.change_id()? } else { to }))
            .await?;
        for &id in &ids {
            if let Some(a) = self.store().article_by_id(id).await? {
                self.invalidate(None, Some(&a));
            }
        }
        self.inner.followed.store(to, Ordering::SeqCst);
        Ok(ids.len())
    }
}
