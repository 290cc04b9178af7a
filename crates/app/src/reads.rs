//! Reads counted without tracking: an article page's script sends one beacon per reading
//! (not from browsers that send `DNT` or `Sec-GPC`, nor from robots: see `web::reads`);
//! each node adds them up in memory per article and hour, with the domain the reader came
//! from, and adds its totals to the store's every minute ([`App::flush_reads`]), so the
//! nodes' counts add up. No cookie, address or user agent is kept anywhere.
//!
//! A beacon rather than the server's own count of the pages it serves: behind a CDN most
//! readings never reach the server, and a beacon is only sent by a browser that runs the
//! page's script, which leaves out most robots.

use crate::{App, AppError};
use arabpress_core::Lang;
use arabpress_core::model::ArticleSummary;
use arabpress_store::ReadCounts;
use jiff::Timestamp;
use std::collections::HashMap;
use std::sync::{MutexGuard, PoisonError};

/// The most distinct entries (article and hour, or article, hour and domain) a node holds
/// between two flushes; reads past it are dropped, so a flood of made-up ids cannot grow
/// the memory.
pub const MAX_PENDING_READS: usize = 50_000;
/// The most referring domains a node keeps between two flushes: the referrer is the
/// sender's to choose, so made-up domains cannot crowd out the readings themselves.
pub const MAX_PENDING_REFERRERS: usize = 2_000;
/// How far back the most-read lists look, in hours.
pub const MOST_READ_HOURS: i64 = 24;
/// How many stories a most-read list shows.
pub const MOST_READ_SHOWN: usize = 5;
/// How long a page showing a most-read list is kept, in seconds (the counts move).
pub const MOST_READ_REFRESH: i64 = 600;

/// What this node has counted since its last flush.
#[derive(Debug, Default)]
pub(crate) struct Pending {
    reads: HashMap<(i64, i64), i64>,
    referrers: HashMap<(i64, i64, String), i64>,
}

impl Pending {
    fn len(&self) -> usize {
        self.reads.len() + self.referrers.len()
    }

    /// Adds `other`'s counts to these (a failed flush put back), within the same bound as
    /// counting: while the store is unreachable the buffer stays at its size.
    fn merge(&mut self, other: Pending) {
        for (k, n) in other.reads {
            if self.len() < MAX_PENDING_READS || self.reads.contains_key(&k) {
                *self.reads.entry(k).or_default() += n;
            }
        }
        for (k, n) in other.referrers {
            if self.len() < MAX_PENDING_READS || self.referrers.contains_key(&k) {
                *self.referrers.entry(k).or_default() += n;
            }
        }
    }
}

/// The domain a reader came from, from the page's `document.referrer`: the host of an
/// http(s) address, lowercase, without `www.`; `None` for no address, another scheme, an
/// address (not a name), or this site itself (`own_host`). No path or query is kept.
pub fn referrer_domain(referrer: &str, own_host: &str) -> Option<String> {
    if referrer.len() > 2048 {
        return None;
    }
    let url = url::Url::parse(referrer).ok()?;
    if !matches!(url.scheme(), "http" | "https") {
        return None;
    }
    let host = match url.host()? {
        url::Host::Domain(d) => d.to_ascii_lowercase(),
        url::Host::Ipv4(_) | url::Host::Ipv6(_) => return None,
    };
    let host = host.strip_prefix("www.").unwrap_or(&host).to_owned();
    let own = own_host.to_ascii_lowercase();
    let own = own.strip_prefix("www.").unwrap_or(&own);
    (host != own && host.contains('.') && host.len() <= 253).then_some(host)
}

/// The first second of the hour `at` falls in.
fn hour_of(at: Timestamp) -> i64 {
    at.as_second().div_euclid(3600) * 3600
}

impl App {
    fn pending_reads(&self) -> MutexGuard<'_, Pending> {
        // The map holds plain counts, whole after any panic: a poisoned lock is still
        // usable.
        self.inner
            .reads
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }

    /// Counts one reading of `article` now, and the domain the reader came from (from the
    /// page's `document.referrer`; nothing when it is this site or not a web address).
    /// False when this node's buffer is full and the reading was dropped.
    pub fn count_read(&self, article: i64, referrer: &str) -> bool {
        if article <= 0 {
            return false;
        }
        let own = url::Url::parse(&self.theme().site().base_url)
            .ok()
            .and_then(|u| u.host_str().map(str::to_owned))
            .unwrap_or_default();
        let from = referrer_domain(referrer, &own);
        let hour = hour_of(self.now());
        let mut p = self.pending_reads();
        let full = p.len() >= MAX_PENDING_READS;
        if full && !p.reads.contains_key(&(article, hour)) {
            return false;
        }
        *p.reads.entry((article, hour)).or_default() += 1;
        if let Some(domain) = from {
            let key = (article, hour, domain);
            let room = !full && p.referrers.len() < MAX_PENDING_REFERRERS;
            if room || p.referrers.contains_key(&key) {
                *p.referrers.entry(key).or_default() += 1;
            }
        }
        true
    }

    /// Adds this node's counts to the store's; when that fails they are kept for the next
    /// flush. Returns the readings written (those of articles that exist).
    pub async fn flush_reads(&self) -> Result<u64, AppError> {
        let taken = std::mem::take(&mut *self.pending_reads());
        if taken.len() == 0 {
            return Ok(0);
        }
        let counts = ReadCounts {
            reads: taken.reads.iter().map(|(&(a, h), &n)| (a, h, n)).collect(),
            referrers: taken
                .referrers
                .iter()
                .map(|((a, h, d), &n)| (*a, *h, d.clone(), n))
                .collect(),
        };
        match self.store().add_reads(&counts).await {
            Ok(n) => Ok(n),
            Err(e) => {
                self.pending_reads().merge(taken);
                Err(e.into())
            }
        }
    }

    /// The public stories in `lang` (of one section, when given) read most in the last
    /// [`MOST_READ_HOURS`], most read first.
    pub async fn most_read(
        &self,
        lang: Lang,
        section: Option<i64>,
        now: Timestamp,
    ) -> Result<Vec<ArticleSummary>, AppError> {
        let since = now.as_second() - MOST_READ_HOURS * 3600;
        // A few more than shown, for those withdrawn since or hidden as duplicates.
        let want = i64::try_from(MOST_READ_SHOWN * 2).unwrap_or(10);
        let ids = self.store().most_read(lang, section, since, want).await?;
        let mut list = self.store().summaries_by_ids(&ids, now).await?;
        list.truncate(MOST_READ_SHOWN);
        Ok(list)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_referring_domain_is_kept() {
        let d = |r: &str| referrer_domain(r, "arabpress.example");
        assert_eq!(
            d("https://www.Google.com/search?q=secret#x").as_deref(),
            Some("google.com")
        );
        assert_eq!(
            d("http://news.example.org:8080/a/b").as_deref(),
            Some("news.example.org")
        );
        for none in [
            "",
            "android-app://com.example",
            "https://arabpress.example/ar/",
            "https://www.arabpress.example/en/",
            "http://127.0.0.1/x",
            "http://[::1]/",
            "https://localhost/",
            "not a url",
        ] {
            assert_eq!(d(none), None, "{none}");
        }
    }

    #[test]
    fn hours_start_on_the_hour() {
        let at = Timestamp::from_second(1_770_458_399).unwrap_or(Timestamp::UNIX_EPOCH);
        assert_eq!(hour_of(at), 1_770_454_800);
        assert_eq!(hour_of(Timestamp::UNIX_EPOCH), 0);
    }

    #[test]
    fn a_failed_flush_is_put_back_without_losing_counts() {
        let mut a = Pending::default();
        a.reads.insert((1, 0), 2);
        let mut b = Pending::default();
        b.reads.insert((1, 0), 3);
        b.referrers.insert((1, 0, "x.example".into()), 1);
        a.merge(b);
        assert_eq!(a.reads[&(1, 0)], 5);
        assert_eq!(a.len(), 2);
        // Put back into a full buffer, new entries are dropped and known ones still add.
        let mut full = Pending::default();
        for i in 0..MAX_PENDING_READS {
            full.reads
                .insert((i64::try_from(i).unwrap_or(0) + 10, 0), 1);
        }
        full.merge(a);
        assert_eq!(full.len(), MAX_PENDING_READS);
        let mut again = Pending::default();
        again.reads.insert((10, 0), 4);
        full.merge(again);
        assert_eq!(full.reads[&(10, 0)], 5);
    }
}
