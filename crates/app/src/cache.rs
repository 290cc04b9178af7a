//! The page cache: rendered pages kept in memory, each compressed at most once per encoding
//! (gzip, brotli) on first demand, with a strong ETag from the page's bytes.
//!
//! Every page carries the surrogate keys of what it shows (`article:12`, `section:3`,
//! `latest:ar`…). A change invalidates exactly the pages holding one of its keys. A page
//! rendered while an invalidation ran is not stored (the generation check), so a stale page
//! can never outlive the change that made it stale. Pages also expire at the next local
//! midnight, because the masthead prints today's date.

use bytes::Bytes;
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::io::Write;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock};

/// A content coding a client accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    /// No compression.
    Identity,
    /// `gzip`.
    Gzip,
    /// `br`.
    Brotli,
}

impl Encoding {
    /// The best coding an `Accept-Encoding` header allows (brotli, then gzip), honouring
    /// `q=0`.
    pub fn negotiate(header: Option<&str>) -> Encoding {
        let Some(h) = header else {
            return Encoding::Identity;
        };
        let mut br = false;
        let mut gz = false;
        for part in h.split(',') {
            let mut it = part.trim().split(';');
            let name = it.next().unwrap_or("").trim().to_ascii_lowercase();
            let refused = it.any(|p| {
                p.trim()
                    .strip_prefix("q=")
                    .and_then(|q| q.trim().parse::<f32>().ok())
                    == Some(0.0)
            });
            match name.as_str() {
                "br" => br = !refused,
                "gzip" | "x-gzip" => gz = !refused,
                "*" if !refused => {
                    gz = true;
                }
                _ => {}
            }
        }
        if br {
            Encoding::Brotli
        } else if gz {
            Encoding::Gzip
        } else {
            Encoding::Identity
        }
    }

    /// The `Content-Encoding` value, if any.
    pub fn header(self) -> Option<&'static str> {
        match self {
            Encoding::Identity => None,
            Encoding::Gzip => Some("gzip"),
            Encoding::Brotli => Some("br"),
        }
    }
}

/// A rendered page.
#[derive(Debug)]
pub struct CachedPage {
    /// HTTP status (pages for 404/410 are cached too).
    pub status: u16,
    /// The `Content-Type`.
    pub content_type: &'static str,
    body: Bytes,
    gzip: OnceLock<Bytes>,
    brotli: OnceLock<Bytes>,
    etag: String,
    etags: [Bytes; 3],
    /// Surrogate keys: what the page shows.
    pub keys: Vec<String>,
    /// The keys as CDN header values: space-separated, comma-separated.
    surrogate: Bytes,
    cache_tags: Bytes,
    /// Unix second after which the page must be rendered again.
    pub expires_at: i64,
}

impl CachedPage {
    /// A page from its HTML (or any text: a feed, a stylesheet).
    pub fn new(
        status: u16,
        content_type: &'static str,
        body: impl Into<Bytes>,
        keys: Vec<String>,
        expires_at: i64,
    ) -> Self {
        let body: Bytes = body.into();
        let digest = Sha256::digest(&body);
        let etag = hex::encode(&digest[..10]);
        let etags = [
            Bytes::from(format!("\"{etag}\"")),
            Bytes::from(format!("\"{etag}-gz\"")),
            Bytes::from(format!("\"{etag}-br\"")),
        ];
        let surrogate = Bytes::from(keys.join(" "));
        let cache_tags = Bytes::from(keys.join(","));
        CachedPage {
            etags,
            surrogate,
            cache_tags,
            status,
            content_type,
            body,
            gzip: OnceLock::new(),
            brotli: OnceLock::new(),
            etag,
            keys,
            expires_at,
        }
    }

    /// True when compressing the body can make it smaller: text, JSON, XML, SVG and script;
    /// not fonts or raster images, which are compressed already.
    pub fn compressible(&self) -> bool {
        let t = self.content_type;
        t.starts_with("text/") || ["json", "xml", "javascript"].iter().any(|k| t.contains(k))
    }

    /// The surrogate keys, space-separated, for `Surrogate-Key` (Fastly, Varnish) and, with
    /// commas, `Cache-Tag` (Cloudflare).
    pub fn surrogate_keys(&self) -> (&Bytes, &Bytes) {
        (&self.surrogate, &self.cache_tags)
    }

    /// The body in an encoding, compressing on first use. Falls back to identity if the
    /// compressor fails (it writes to memory, so it does not in practice).
    pub fn body(&self, enc: Encoding) -> (Bytes, Encoding) {
        let enc = if self.compressible() {
            enc
        } else {
            Encoding::Identity
        };
        let compressed = match enc {
            Encoding::Identity => None,
            Encoding::Gzip => Some(
                self.gzip
                    .get_or_init(|| gzip(&self.body).unwrap_or_default()),
            ),
            Encoding::Brotli => Some(
                self.brotli
                    .get_or_init(|| brotli(&self.body).unwrap_or_default()),
            ),
        };
        match compressed {
            Some(c) if !c.is_empty() => (c.clone(), enc),
            _ => (self.body.clone(), Encoding::Identity),
        }
    }

    /// The uncompressed body.
    pub fn raw(&self) -> &Bytes {
        &self.body
    }

    /// The strong ETag of a representation (each encoding has its own), quoted.
    pub fn etag(&self, enc: Encoding) -> &Bytes {
        match enc {
            Encoding::Identity => &self.etags[0],
            Encoding::Gzip => &self.etags[1],
            Encoding::Brotli => &self.etags[2],
        }
    }

    /// True when an `If-None-Match` header names any representation of this page.
    pub fn matches(&self, if_none_match: &str) -> bool {
        if_none_match.trim() == "*"
            || if_none_match.split(',').any(|t| {
                let t = t.trim().trim_start_matches("W/").trim_matches('"');
                t == self.etag
                    || t.strip_suffix("-gz").or_else(|| t.strip_suffix("-br")) == Some(&self.etag)
            })
    }

    fn weight(&self) -> usize {
        self.body.len() * 2 + self.keys.iter().map(|k| k.len() + 16).sum::<usize>() + 256
    }
}

fn gzip(data: &[u8]) -> std::io::Result<Bytes> {
    let mut enc = flate2::write::GzEncoder::new(
        Vec::with_capacity(data.len() / 3),
        flate2::Compression::best(),
    );
    enc.write_all(data)?;
    Ok(Bytes::from(enc.finish()?))
}

fn brotli(data: &[u8]) -> std::io::Result<Bytes> {
    let mut out = Vec::with_capacity(data.len() / 3);
    {
        let mut w = brotli::CompressorWriter::new(&mut out, 16 * 1024, 9, 22);
        w.write_all(data)?;
        w.flush()?;
    }
    Ok(Bytes::from(out))
}

#[derive(Default)]
struct Inner {
    pages: HashMap<String, (Arc<CachedPage>, u64)>,
    by_key: HashMap<String, HashSet<String>>,
    order: BTreeMap<u64, String>,
    bytes: usize,
    seq: u64,
}

/// Rendered pages by request path.
pub struct PageCache {
    max_bytes: usize,
    inner: Mutex<Inner>,
    generation: AtomicU64,
    hits: AtomicU64,
    misses: AtomicU64,
}

impl PageCache {
    /// A cache holding at most `max_bytes` (0: keep nothing).
    pub fn new(max_bytes: usize) -> Self {
        PageCache {
            max_bytes,
            inner: Mutex::new(Inner::default()),
            generation: AtomicU64::new(0),
            hits: AtomicU64::new(0),
            misses: AtomicU64::new(0),
        }
    }

    /// True when the cache keeps pages.
    pub fn enabled(&self) -> bool {
        self.max_bytes > 0
    }

    /// The invalidation generation; pass it back to [`PageCache::insert`].
    pub fn generation(&self) -> u64 {
        self.generation.load(Ordering::Acquire)
    }

    /// A fresh page for `path`, if cached and not expired at `now` (Unix seconds).
    pub fn get(&self, path: &str, now: i64) -> Option<Arc<CachedPage>> {
        if !self.enabled() {
            return None;
        }
        let inner = self.inner.lock().ok()?;
        let found = inner
            .pages
            .get(path)
            .filter(|(p, _)| p.expires_at > now)
            .map(|(p, _)| Arc::clone(p));
        drop(inner);
        match &found {
            Some(_) => self.hits.fetch_add(1, Ordering::Relaxed),
            None => self.misses.fetch_add(1, Ordering::Relaxed),
        };
        found
    }

    /// Stores a page rendered from data read at `generation`; dropped if anything was
    /// invalidated since.
    pub fn insert(&self, path: String, page: Arc<CachedPage>, generation: u64) {
        if !self.enabled() || page.weight() > self.max_bytes / 4 {
            return;
        }
        let Ok(mut inner) = self.inner.lock() else {
            return;
        };
        if self.generation.load(Ordering::Acquire) != generation {
            return;
        }
        remove(&mut inner, &path);
        inner.seq += 1;
        let seq = inner.seq;
        for k in &page.keys {
            inner
                .by_key
                .entry(k.clone())
                .or_default()
                .insert(path.clone());
        }
        inner.bytes += page.weight();
        inner.order.insert(seq, path.clone());
        inner.pages.insert(path, (page, seq));
        while inner.bytes > self.max_bytes {
            let Some((_, oldest)) = inner.order.pop_first() else {
                break;
            };
            remove(&mut inner, &oldest);
        }
    }

    /// Drops every page carrying any of `keys`; returns how many were dropped.
    pub fn invalidate(&self, keys: &[String]) -> usize {
        self.generation.fetch_add(1, Ordering::AcqRel);
        let Ok(mut inner) = self.inner.lock() else {
            return 0;
        };
        let mut paths = HashSet::new();
        for k in keys {
            if let Some(set) = inner.by_key.get(k) {
                paths.extend(set.iter().cloned());
            }
        }
        for p in &paths {
            remove(&mut inner, p);
        }
        paths.len()
    }

    /// Drops everything.
    pub fn clear(&self) {
        self.generation.fetch_add(1, Ordering::AcqRel);
        if let Ok(mut inner) = self.inner.lock() {
            *inner = Inner::default();
        }
    }

    /// (pages, bytes, hits, misses), for health and benchmarks.
    pub fn stats(&self) -> (usize, usize, u64, u64) {
        let (n, b) = self
            .inner
            .lock()
            .map(|i| (i.pages.len(), i.bytes))
            .unwrap_or((0, 0));
        (
            n,
            b,
            self.hits.load(Ordering::Relaxed),
            self.misses.load(Ordering::Relaxed),
        )
    }
}

fn remove(inner: &mut Inner, path: &str) {
    if let Some((page, seq)) = inner.pages.remove(path) {
        inner.bytes = inner.bytes.saturating_sub(page.weight());
        inner.order.remove(&seq);
        for k in &page.keys {
            if let Some(set) = inner.by_key.get_mut(k) {
                set.remove(path);
                if set.is_empty() {
                    inner.by_key.remove(k);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(body: &str, keys: &[&str]) -> Arc<CachedPage> {
        Arc::new(CachedPage::new(
            200,
            "text/html",
            body.to_owned(),
            keys.iter().map(|s| s.to_string()).collect(),
            i64::MAX,
        ))
    }

    #[test]
    fn invalidation_is_exact() {
        let c = PageCache::new(1 << 20);
        let g = c.generation();
        c.insert("/a".into(), page("a", &["article:1", "latest:en"]), g);
        c.insert("/b".into(), page("b", &["article:2"]), g);
        assert!(c.get("/a", 0).is_some());
        assert_eq!(c.invalidate(&["article:1".into()]), 1);
        assert!(c.get("/a", 0).is_none());
        assert!(c.get("/b", 0).is_some());
    }

    #[test]
    fn a_page_rendered_during_an_invalidation_is_not_kept() {
        let c = PageCache::new(1 << 20);
        let g = c.generation();
        c.invalidate(&["article:1".into()]);
        c.insert("/a".into(), page("a", &["article:1"]), g);
        assert!(c.get("/a", 0).is_none());
    }

    #[test]
    fn expired_pages_and_size_bound() {
        let c = PageCache::new(4_000);
        let g = c.generation();
        let p = Arc::new(CachedPage::new(
            200,
            "text/html",
            "x".to_owned(),
            vec![],
            100,
        ));
        c.insert("/x".into(), p, g);
        assert!(c.get("/x", 99).is_some());
        assert!(c.get("/x", 100).is_none());
        for i in 0..50 {
            c.insert(format!("/{i}"), page(&"y".repeat(300), &[]), g);
        }
        let (n, bytes, _, _) = c.stats();
        assert!(bytes <= 4_000 && n < 50, "{n} pages, {bytes} bytes");
    }

    #[test]
    fn compression_round_trips_and_etags_differ() {
        let p = page(&"مرحبا بالعالم ".repeat(200), &[]);
        let (gz, enc) = p.body(Encoding::Gzip);
        assert_eq!(enc, Encoding::Gzip);
        let mut out = String::new();
        std::io::Read::read_to_string(&mut flate2::read::GzDecoder::new(&gz[..]), &mut out)
            .unwrap_or_default();
        assert_eq!(out.as_bytes(), &p.raw()[..]);
        let (br, _) = p.body(Encoding::Brotli);
        let mut out = Vec::new();
        std::io::Read::read_to_end(&mut brotli::Decompressor::new(&br[..], 4096), &mut out)
            .unwrap_or_default();
        assert_eq!(&out[..], &p.raw()[..]);
        assert!(br.len() < p.raw().len() / 4);
        assert_ne!(p.etag(Encoding::Gzip), p.etag(Encoding::Identity));
        assert!(p.matches(&String::from_utf8_lossy(p.etag(Encoding::Brotli))));
        assert!(p.matches("*"));
        assert!(p.matches(&format!(
            "W/\"nope\", {}",
            String::from_utf8_lossy(p.etag(Encoding::Gzip))
        )));
        assert!(!p.matches("\"nope\""));
    }

    #[test]
    fn negotiation() {
        assert_eq!(
            Encoding::negotiate(Some("gzip, deflate, br")),
            Encoding::Brotli
        );
        assert_eq!(
            Encoding::negotiate(Some("gzip;q=1, br;q=0")),
            Encoding::Gzip
        );
        assert_eq!(Encoding::negotiate(Some("identity")), Encoding::Identity);
        assert_eq!(Encoding::negotiate(None), Encoding::Identity);
    }
}
