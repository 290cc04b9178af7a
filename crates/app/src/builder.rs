//! Putting an [`App`] together: what it cannot run without is given to [`App::builder`],
//! everything the configuration may add (a media bucket, mail, the speech engine, the
//! purge hook, the outbound policy, the settings the file pins) is given to the builder,
//! and [`AppBuilder::build`] checks it all at once, before the first request.

use crate::audio::AudioSettings;
use crate::newsletter::MailSettings;
use crate::objects::{self, MediaStorage, S3Settings};
use crate::outbound::{Outbound, OutboundPolicy};
use crate::settings::{Held, SettingsPins};
use crate::{App, AppError, Clock, Inner, PageCache};
use arabpress_render::Theme;
use arabpress_store::Store;
use std::path::PathBuf;
use std::sync::Arc;

/// The parts of an [`App`] still to be put together ([`App::builder`]).
#[must_use = "an AppBuilder does nothing until build() is called"]
pub struct AppBuilder {
    store: Store,
    theme: Theme,
    search: Arc<arabpress_search::SearchIndex>,
    clock: Arc<dyn Clock>,
    media_dir: PathBuf,
    cache_bytes: usize,
    storage: Option<MediaStorage>,
    outbound: OutboundPolicy,
    purge_url: Option<String>,
    mail: Option<MailSettings>,
    audio: AudioSettings,
    pins: SettingsPins,
}

impl App {
    /// Starts an app over `store`, drawing pages with `theme`, searching `search`, telling
    /// time by `clock`, and keeping uploaded media in `media_dir` (unless
    /// [`AppBuilder::media_storage`] names a bucket).
    pub fn builder(
        store: Store,
        theme: Theme,
        search: Arc<arabpress_search::SearchIndex>,
        clock: Arc<dyn Clock>,
        media_dir: PathBuf,
    ) -> AppBuilder {
        AppBuilder {
            store,
            theme,
            search,
            clock,
            media_dir,
            cache_bytes: 0,
            storage: None,
            outbound: OutboundPolicy::default(),
            purge_url: None,
            mail: None,
            audio: AudioSettings::default(),
            pins: SettingsPins::default(),
        }
    }
}

impl AppBuilder {
    /// Bounds the page cache to `bytes`; 0 (the default) turns it off.
    pub fn cache_bytes(mut self, bytes: usize) -> Self {
        self.cache_bytes = bytes;
        self
    }

    /// Where media are stored, when not in the media folder.
    pub fn media_storage(mut self, storage: MediaStorage) -> Self {
        self.storage = Some(storage);
        self
    }

    /// Which destinations outbound requests may reach (by default only public addresses).
    pub fn outbound_policy(mut self, policy: OutboundPolicy) -> Self {
        self.outbound = policy;
        self
    }

    /// The address told about every change (a CDN's purge endpoint, or a relay to it).
    pub fn purge_url(mut self, url: String) -> Self {
        self.purge_url = Some(url);
        self
    }

    /// How mail is delivered (without it, mail waits in the outbox).
    pub fn mail(mut self, settings: MailSettings) -> Self {
        self.mail = Some(settings);
        self
    }

    /// How the speech engine is found (by default `espeak-ng` and `lame` from `PATH`).
    pub fn audio(mut self, settings: AudioSettings) -> Self {
        self.audio = settings;
        self
    }

    /// What the configuration file pins of the site's settings.
    pub fn settings_pins(mut self, pins: SettingsPins) -> Self {
        self.pins = pins;
        self
    }

    /// The app, once its parts are checked. Refused: a purge address that is not http(s),
    /// or is a private or loopback address literal while the outbound policy
    /// (`purge_allow_private`) does not allow it (a name is checked each time it is
    /// resolved); a bucket endpoint on a private address unless `allow_private_network`
    /// (`object_store` makes its own connections, so the endpoint is checked here, once);
    /// a media store that cannot be opened.
    pub fn build(self) -> Result<App, AppError> {
        // Webhooks, and media in a bucket, speak TLS through rustls with the ring provider
        // (as mail does). Installing it again is harmless.
        let _ = rustls::crypto::ring::default_provider().install_default();
        if let Some(url) = &self.purge_url {
            let allow = self.outbound;
            crate::outbound::parse_checked(
                url,
                allow.allow_private_network || allow.purge_allow_private,
            )
            .map_err(|r| {
                AppError::invalid_input(format!(
                    "purge_url: {r} (set purge_allow_private = true for a cache on this network)"
                ))
            })?;
        }
        let objects = std::sync::OnceLock::new();
        if let Some(storage) = &self.storage {
            if let MediaStorage::S3(S3Settings {
                endpoint: Some(e), ..
            }) = storage
            {
                crate::outbound::check_s3_endpoint(e, self.outbound)?;
            }
            let _ = objects.set(objects::open(storage)?);
        }
        let storage = self.storage.unwrap_or(MediaStorage::Folder(self.media_dir));
        Ok(App {
            inner: Arc::new(Inner {
                store: self.store,
                theme: self.theme,
                search: self.search,
                cache: PageCache::new(self.cache_bytes),
                clock: self.clock,
                storage,
                objects,
                outbound: std::sync::RwLock::new(Outbound::new(self.outbound)),
                purge_url: self.purge_url,
                followed: std::sync::atomic::AtomicI64::new(0),
                writes_in_flight: std::sync::atomic::AtomicUsize::new(0),
                purging: std::sync::atomic::AtomicBool::new(false),
                purge_again: std::sync::atomic::AtomicBool::new(false),
                sections_seen: std::sync::atomic::AtomicI64::new(0),
                breaking_seen: std::sync::atomic::AtomicI64::new(0),
                mail: self.mail,
                mail_wake: Arc::new(tokio::sync::Notify::new()),
                link_key: std::sync::OnceLock::new(),
                sections: std::sync::RwLock::new(None),
                audio: self.audio,
                engine: std::sync::OnceLock::new(),
                passwords: tokio::sync::Semaphore::new(crate::accounts::PASSWORD_PERMITS),
                password_work: std::sync::atomic::AtomicU64::new(0),
                settings: Held::new(self.pins),
                reads: std::sync::Mutex::default(),
                node: crate::jobs::node_name(),
                jobs_seen: std::sync::atomic::AtomicI64::new(0),
                job_wakes: std::sync::Mutex::default(),
                audio_counts: std::sync::Mutex::default(),
            }),
        })
    }
}
