//! Telling a CDN in front which cached pages changed: a POST of `{"keys": […]}` (the
//! surrogate keys pages carry) to the purge hook.
//!
//! The purge follows the change feed once for the whole site, from a position kept in the
//! store ([`arabpress_store::Store::claim_purge`]). A change event is written in the
//! transaction of its change, and the position moves past it only once its keys were sent,
//! so nothing is lost to a process killed between a commit and its purge, to a hook that
//! is down, or to a node that stops: the next round, on any node with the worker, sends
//! it. A round runs at once after every change this node makes ([`App::purge`]) and every
//! 5 s as the `purge-cdn` job. An article's change purges its keys now and the
//! keys purged at its last change, so a story moved to another section purges both.

use crate::breaking::BREAKING_KEY;
use crate::jobs::Next;
use crate::outbound::{Purpose, describe};
use crate::publish::link_keys;
use crate::{App, AppError};
use jiff::{SignedDuration, Timestamp};
use std::collections::BTreeSet;
use std::sync::atomic::Ordering;

/// Changes read and purged in one request.
const BATCH: u32 = 500;

/// How long a round may hold the purge before another node may take it over.
const LEASE: SignedDuration = SignedDuration::from_secs(60);

impl App {
    /// Starts a round of the purge in the background, unless one is running here (it then
    /// runs another when done): a slow or failing hook never holds up the change.
    pub(crate) fn purge(&self) {
        if self.inner.purge_url.is_none() {
            return;
        }
        self.inner.purge_again.store(true, Ordering::SeqCst);
        if self.inner.purging.swap(true, Ordering::SeqCst) {
            return;
        }
        let Ok(handle) = tokio::runtime::Handle::try_current() else {
            self.inner.purging.store(false, Ordering::SeqCst);
            return;
        };
        let app = self.clone();
        handle.spawn(async move {
            loop {
                while app.inner.purge_again.swap(false, Ordering::SeqCst) {
                    app.purge_until_idle().await;
                }
                app.inner.purging.store(false, Ordering::SeqCst);
                // A call between the last look and the line above found a round running.
                if !app.inner.purge_again.load(Ordering::SeqCst)
                    || app.inner.purging.swap(true, Ordering::SeqCst)
                {
                    break;
                }
            }
        });
    }

    /// Runs rounds until the feed is purged to its end or a round fails (the position then
    /// stays, and the `purge-cdn` job sends it later).
    async fn purge_until_idle(&self) {
        loop {
            match self.purge_changes().await {
                Ok(Next::More) => {}
                Ok(Next::Idle) => return,
                Err(e) => {
                    tracing::warn!(error = %e, "purge hook failed; will retry");
                    return;
                }
            }
        }
    }

    /// One round of the purge: sends the keys of the next changes not yet purged and moves
    /// the position past them. [`Next::More`] when more changes wait; `Idle` when none do,
    /// or another node holds the purge. Without a purge hook the position moves to the
    /// feed's end, so that a hook configured later starts from there.
    pub async fn purge_changes(&self) -> Result<Next, AppError> {
        if self.inner.purge_url.is_none() {
            self.store().skip_purge().await?;
            return Ok(Next::Idle);
        }
        // Real time, not the app's clock: the lease is between processes.
        let now = Timestamp::now();
        let Some(from) = self.store().claim_purge(now + LEASE, now).await? else {
            return Ok(Next::Idle);
        };
        match self.purge_after(from).await {
            Ok(Some((to, kept, more))) => {
                self.store().release_purge(Some((to, &kept))).await?;
                Ok(if more { Next::More } else { Next::Idle })
            }
            Ok(None) => {
                self.store().release_purge(None).await?;
                Ok(Next::Idle)
            }
            Err(e) => {
                if let Err(release) = self.store().release_purge(None).await {
                    tracing::warn!(error = %release, "giving the purge back failed");
                }
                Err(e)
            }
        }
    }

    /// Sends the keys of the changes after `from`: the position reached, each article's
    /// keys to keep, and whether a full batch was read. `None` when nothing changed.
    async fn purge_after(
        &self,
        from: i64,
    ) -> Result<Option<(i64, Vec<(i64, String)>, bool)>, AppError> {
        let changes = self.store().changes_after(from, BATCH).await?;
        let Some(last) = changes.last() else {
            return Ok(None);
        };
        let to = last.id;
        let mut all = BTreeSet::new();
        let mut ids: Vec<i64> = Vec::new();
        for c in &changes {
            match c.entity.as_str() {
                "article" => ids.push(c.entity_id),
                "breaking" => {
                    all.insert(BREAKING_KEY.to_owned());
                }
                // Every page shows the site's name and its sections.
                "settings" | "section" => {
                    all.insert("sections".to_owned());
                }
                _ => {}
            }
        }
        ids.sort_unstable();
        ids.dedup();
        for (_, before) in self.store().purged_keys(&ids).await? {
            let before: Vec<String> = serde_json::from_str(&before).unwrap_or_default();
            all.extend(before);
        }
        let links = self.store().article_links(&ids).await?;
        let mut kept = Vec::with_capacity(ids.len());
        for &id in &ids {
            let mut now = Vec::new();
            match links.binary_search_by_key(&id, |l| l.id) {
                Ok(i) => link_keys(&links[i], &mut now),
                Err(_) => now.push(format!("article:{id}")),
            }
            kept.push((id, serde_json::json!(now).to_string()));
            all.extend(now);
        }
        if !all.is_empty() {
            let all: Vec<String> = all.into_iter().collect();
            self.send_purge(&all)
                .await
                .map_err(|e| AppError::internal("telling the CDN what changed", e))?;
        }
        Ok(Some((to, kept, changes.len() == BATCH as usize)))
    }

    /// Sends `keys` to the purge hook now and says how it went: `Err` with a reason that
    /// names no internal answer when the hook is refused, unreachable or says no.
    pub async fn send_purge(&self, keys: &[String]) -> Result<(), String> {
        let Some(url) = &self.inner.purge_url else {
            return Ok(());
        };
        let client = self.outbound(Purpose::Purge).map_err(|e| e.to_string())?;
        let body = serde_json::json!({ "keys": keys }).to_string();
        let r = client
            .post(url)
            .map_err(|r| r.to_string())?
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .body(body)
            .send()
            .await
            .map_err(|e| describe(&e))?;
        if r.status().is_success() {
            Ok(())
        } else if r.status().is_redirection() {
            Err("redirect refused".into())
        } else {
            Err(format!("the hook answered {}", r.status().as_u16()))
        }
    }
}
