//! Application services: everything the reader site and the newsroom do, independent of
//! HTTP. The web layer extracts a request and calls one function here; this crate reads the
//! store, asks the theme for HTML, and keeps rendered pages in the page cache, invalidating
//! exactly the pages an article change affects.
//!
//! [`App`] is put together once by [`App::builder`] and shared by every request. Its
//! methods are grouped by service, one module each:
//!
//! | service | module |
//! |---|---|
//! | reader pages, feeds and sitemaps, the page cache | `pages`, `distribution`, `cache` |
//! | search, related stories, the change feed across nodes | `search`, `follow` |
//! | saving, publishing, scheduling (below the role checks of `accounts`) | `publish` |
//! | the newsroom: sessions, the editor, review, revisions, audit | `newsroom`, `accounts` |
//! | site settings and logo | `settings`, `logo` |
//! | media: uploads, resized copies, the object store | `media`, `objects`, `strip` |
//! | the newsletter and its outbox | `newsletter`, `outbox` |
//! | spoken articles | `audio` |
//! | the content API's keys and queries | `api` |
//! | webhooks, wire feeds, imports, the archive, backups | `webhooks`, `wire`, `import`, `archive`, `backup` |
//! | outbound requests (one policy for every fetch) | `outbound`, `remote` |

mod accounts;
mod api;
mod archive;
mod audio;
mod backup;
mod breaking;
mod builder;
mod cache;
mod clock;
pub mod demo;
mod distribution;
mod error;
mod follow;
mod import;
pub mod jobs;
mod logo;
mod media;
mod newsletter;
mod newsroom;
mod objects;
mod outbound;
mod outbox;
mod pages;
mod publish;
mod purge;
mod reads;
mod remote;
mod search;
mod settings;
mod strip;
mod webhooks;
mod wire;

pub use accounts::{
    AUDIT_ACTIONS, AUDIT_ENTITIES, AUDIT_PAGE, AUDIT_PAGE_MAX, AuditLog, MIN_PASSWORD_CHARS,
    PASSWORD_PERMITS, Saved, TOKEN_DAYS, generated_password, random_hex, same_secret,
};
pub use api::{API_MAX_LIMIT, ArticleFilter, ArticlePage};
pub use arabpress_core::Conflict;
pub use arabpress_store::{AudioCounts, AudioState};
pub use arabpress_store::{AuditLine, AuditPage, AuditQuery, Delivery, Webhook};
pub use arabpress_store::{FailedJob, JobReport, JobStatus, QueueCount, SPEAK, TagsFrom, WEBHOOKS};
pub use arabpress_store::{
    NEWSROOM_COUNT_CAP, NewsroomArticle, NewsroomPage, NewsroomQuery, PendingRevision, Revision,
    TokenRow,
};
pub use arabpress_store::{Send, SendStats, Subscriber, SubscriberQuery};
pub use archive::{ARCHIVE_FORMAT, ARCHIVE_VERSION, ArchiveReport};
pub use audio::{AUDIO_FILE, AudioOutcome, AudioSettings, AudioStatus};
pub use backup::{BACKUP_DATABASE, BackupReport};
pub use breaking::{BREAKING_DEFAULT_HOURS, BREAKING_MAX_HOURS};
pub use builder::AppBuilder;
pub use cache::{CachedPage, Encoding, PageCache};
pub use clock::{Clock, FixedClock, SystemClock};
pub use distribution::{FEED_ITEMS, FeedScope, SITEMAP_URLS};
pub use error::{AppError, BadRequest, Forbidden, RateLimit, Unauthorized};
pub use follow::Writing;
pub use import::{
    ContentReport, IMPORT_BATCH, ImageFetchReport, ImportError, ImportOptions, Skipped,
};
pub use logo::{ICON_SIDE, TOUCH_ICON_SIDE, ThemePicture};
pub use media::{MAX_UPLOAD_BYTES, MEDIA_WIDTHS, MediaFile, MediaPart, PartBody, UploadedImage};
pub use newsletter::{
    CONFIRM_DAYS, DIGEST_STORIES, ImportReport, LinkPurpose, MAIL_QUIET_MINUTES, MailSettings,
    SIGNUPS_PER_IP_PER_HOUR, SendView, SignupForm, SignupProblem, normalise_email,
};
pub use newsroom::{
    Dashboard, DiffLine, INVITE_DAYS, LOGIN_ATTEMPTS_BEFORE_SLOWING, LOGIN_FAILURES_PER_ACCOUNT,
    LOGIN_FAILURES_PER_IP, LOGIN_SLOW_SECONDS, LOGIN_WINDOW_MINUTES, SESSION_DAYS, Session, Step,
    TAGS_PER_PAGE, TagList,
};
pub use objects::{MediaStorage, S3Settings};
pub use outbound::{OutboundPolicy, Refusal, non_public};
pub use outbox::{MAIL_MAX_ATTEMPTS, mail_backoff};
pub use pages::{CORRECTIONS_LISTED, LIST_COUNT_CAP, ListSpec, PER_PAGE};
pub use reads::{
    MAX_PENDING_READS, MOST_READ_HOURS, MOST_READ_REFRESH, MOST_READ_SHOWN, referrer_domain,
};
pub use search::{SEARCH_PER_PAGE, SearchOutcome, SearchParams};
pub use settings::{
    ARTWORK_MAX, ARTWORK_MIN, MAX_LOGO_BYTES, MAX_LOGO_SIDE, SettingsError, SettingsForm,
    SettingsPins, SettingsProblem, SettingsView, SiteSettings, StoredLogo,
};
pub use webhooks::{WEBHOOK_EVENTS, WEBHOOK_MAX_ATTEMPTS, next_attempt, webhook_signature};
pub use wire::{MAX_FEED_BYTES, PollOutcome, WireFeedForm};

use arabpress_render::Theme;
use arabpress_store::Store;
use std::sync::Arc;

/// The application: the store, the theme, the page cache and the clock, shared by every
/// request (cheap to clone).
#[derive(Clone)]
pub struct App {
    inner: Arc<Inner>,
}

struct Inner {
    store: Store,
    theme: Theme,
    cache: PageCache,
    search: Arc<arabpress_search::SearchIndex>,
    clock: Arc<dyn Clock>,
    /// Where media are stored: a folder on this machine, or a bucket.
    storage: objects::MediaStorage,
    /// The media store, opened on first use (a bucket: when the app is built).
    objects: std::sync::OnceLock<objects::Objects>,
    /// Which destinations outbound requests may reach, and their clients.
    outbound: std::sync::RwLock<outbound::Outbound>,
    /// Where surrogate keys are sent after a change, when configured.
    purge_url: Option<String>,
    /// How mail is delivered, when configured.
    mail: Option<newsletter::MailSettings>,
    /// Wakes this node's mail worker when mail is queued here.
    mail_wake: Arc<tokio::sync::Notify>,
    /// The key newsletter links are signed with, read from the store once.
    link_key: std::sync::OnceLock<Vec<u8>>,
    /// The last change-feed event this node has applied.
    followed: std::sync::atomic::AtomicI64,
    /// Writes of this node not yet reflected in the index ([`App::writing`]).
    writes_in_flight: std::sync::atomic::AtomicUsize,
    /// A round of the CDN purge is running on this node ([`App::purge`]), and another was
    /// asked for meanwhile.
    purging: std::sync::atomic::AtomicBool,
    purge_again: std::sync::atomic::AtomicBool,
    /// The last change to the sections this node has seen.
    sections_seen: std::sync::atomic::AtomicI64,
    /// The last ribbon change this node has applied.
    breaking_seen: std::sync::atomic::AtomicI64,
    /// The sections, read once: every page's navigation shows them and they change rarely
    /// (through [`App::create_section`], which clears this).
    sections: std::sync::RwLock<Option<Arc<Vec<arabpress_core::model::Section>>>>,
    /// How the speech engine is found.
    audio: audio::AudioSettings,
    /// The speech engine, or why there is none, found on first use.
    engine: std::sync::OnceLock<Result<arabpress_audio::Engine, String>>,
    /// Bounds concurrent password hashing and checking (argon2 takes ~19 MiB each).
    passwords: tokio::sync::Semaphore,
    /// How many password hashes and checks have run.
    password_work: std::sync::atomic::AtomicU64,
    /// The site's settings as this node last read them, and what the file pins.
    settings: settings::Held,
    /// Readings counted on this node since its last flush.
    reads: std::sync::Mutex<reads::Pending>,
    /// This node's name in the jobs' reports: its host name and process id.
    node: String,
    /// The last `job` change event this node has applied.
    jobs_seen: std::sync::atomic::AtomicI64,
    /// What starts a round of each job this node runs at once, by job key.
    job_wakes: std::sync::Mutex<std::collections::HashMap<&'static str, Arc<tokio::sync::Notify>>>,
    /// The dashboard's counts of spoken articles and when they were counted: counting
    /// reads every published article, so it is done at most once a minute.
    audio_counts: std::sync::Mutex<Option<(jiff::Timestamp, arabpress_store::AudioCounts)>>,
}

impl App {
    /// The store, under the services. Public only to tests (the `testing` feature, which
    /// the test-support crate turns on); `web` and `cli` go through the services.
    #[cfg(feature = "testing")]
    pub fn store(&self) -> &Store {
        &self.inner.store
    }

    /// The store, under the services.
    #[cfg(not(feature = "testing"))]
    pub(crate) fn store(&self) -> &Store {
        &self.inner.store
    }

    /// Whether the database answers (`/healthz`).
    pub async fn check_database(&self) -> Result<(), AppError> {
        Ok(self.store().ping().await?)
    }

    /// The database engine the site runs on.
    pub fn database(&self) -> arabpress_store::Backend {
        self.store().backend()
    }

    /// The theme.
    pub fn theme(&self) -> &Theme {
        &self.inner.theme
    }

    /// The folder of uploaded images when they are kept on this machine (`None` with a
    /// bucket).
    pub fn media_dir(&self) -> Option<&std::path::Path> {
        match &self.inner.storage {
            objects::MediaStorage::Folder(dir) => Some(dir),
            objects::MediaStorage::S3(_) => None,
        }
    }

    /// The search index.
    pub fn search_index(&self) -> &Arc<arabpress_search::SearchIndex> {
        &self.inner.search
    }

    /// The page cache.
    pub fn cache(&self) -> &PageCache {
        &self.inner.cache
    }

    /// The sections in navigation order, from memory after the first read.
    pub async fn sections(&self) -> Result<Arc<Vec<arabpress_core::model::Section>>, AppError> {
        if let Some(s) = self.inner.sections.read().ok().and_then(|g| g.clone()) {
            return Ok(s);
        }
        let fresh = Arc::new(self.store().sections().await?);
        if let Ok(mut g) = self.inner.sections.write() {
            *g = Some(Arc::clone(&fresh));
        }
        Ok(fresh)
    }

    /// Creates a section and refreshes every page's navigation.
    pub async fn create_section(
        &self,
        slug: &arabpress_core::Slug,
        name_ar: &str,
        name_en: &str,
        position: i64,
    ) -> Result<arabpress_core::model::Section, AppError> {
        let s = self
            .store()
            .create_section(slug, name_ar, name_en, position)
            .await?;
        self.forget_sections();
        Ok(s)
    }

    /// Drops the remembered sections and the pages that list them.
    pub(crate) fn forget_sections(&self) {
        if let Ok(mut g) = self.inner.sections.write() {
            *g = None;
        }
        self.cache().invalidate(&["sections".to_owned()]);
    }

    /// Stops cleanly: waits for the search index's background merges and closes the
    /// store's connections.
    pub async fn close(&self) {
        let ix = Arc::clone(self.search_index());
        match tokio::task::spawn_blocking(move || ix.close()).await {
            Ok(Ok(())) => {}
            Ok(Err(e)) => tracing::warn!(error = %e, "closing the search index"),
            Err(e) => tracing::warn!(error = %e, "closing the search index"),
        }
        self.store().close().await;
    }

    /// The current time, from the application's clock.
    pub fn now(&self) -> jiff::Timestamp {
        self.inner.clock.now()
    }
}

#[cfg(test)]
mod send_sync {
    fn is_send<T: Send>(_: &T) {}
    fn shared<T: Send + Sync>() {}

    #[allow(dead_code)]
    fn app_futures_are_send(app: &super::App) {
        shared::<super::App>();
        is_send(&app.home_page(arabpress_core::Lang::Ar));
        is_send(&app.article_page(arabpress_core::Lang::Ar, "x"));
        let p = crate::SearchParams::default();
        is_send(&app.search_page(arabpress_core::Lang::Ar, &p));
        is_send(&app.search(arabpress_core::Lang::Ar, &p));
        is_send(&app.rebuild_index(&|_, _| {}));
        is_send(&app.publish_or_schedule(1, None));
    }
}
