//! Wiring: turns the configuration (file, `ARABPRESS_*` environment, flags) into
//! [`Settings`] and opens the site they describe (store, theme, search index, media, mail,
//! audio) as one [`App`]. Every command goes through here, so a setting is applied the same
//! way whether the site is served or an operator runs a one-off command.

use crate::config::{Overrides, RawConfig, Settings};
use anyhow::{Context, Result};
use arabpress_app::{App, SystemClock};
use arabpress_render::{Site, Theme};
use arabpress_store::Store;
use std::path::PathBuf;
use std::sync::Arc;

/// What `open` does with the search index.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum IndexUse {
    /// Open it and bring it up to date (serving).
    Sync,
    /// Open it as it is (rebuilding).
    Open,
    /// Leave it alone (a server may hold it): a throw-away index in memory.
    None,
}

/// The settings: the file (`--config`, or `./arabpress.toml` when it exists), then the
/// `ARABPRESS_*` environment, then the command line's overrides.
pub fn settings(cli_config: Option<&PathBuf>, o: &Overrides) -> Result<Settings> {
    let env = |k: &str| std::env::var(k).ok();
    let raw = match cli_config {
        Some(p) => RawConfig::load(p, true, env)?,
        None => RawConfig::load(std::path::Path::new("arabpress.toml"), false, env)?,
    };
    raw.validate(o)
}

/// Opens the store, the theme and the search index; with [`IndexUse::Sync`], a new or
/// outdated index is rebuilt or caught up from the change feed before the app is returned.
pub async fn open(s: &Settings, index_use: IndexUse) -> Result<App> {
    if s.database_url.starts_with("sqlite:") {
        let tightened = arabpress_store::private::private_dir(&s.data_dir)
            .with_context(|| format!("creating {}", s.data_dir.display()))?;
        if tightened {
            tracing::warn!(
                folder = %s.data_dir.display(),
                "the data folder was readable by other accounts; now 0700"
            );
        }
    }
    let store = Store::connect(&s.database_url)
        .await
        .context("opening the database")?;
    let site = Site {
        name: s.name.clone(),
        tagline: s.tagline.clone(),
        base_url: s.base_url.clone(),
        full_content_feeds: s.full_content_feeds,
        newsletter_popup: s.newsletter_popup,
    };
    let theme = Theme::new(site, s.time_zone.clone(), s.theme_dir.as_deref())
        .context("loading the theme")?;
    let index_dir = s.data_dir.join("index");
    let (index, opened) = if index_use == IndexUse::None {
        (
            arabpress_search::SearchIndex::in_memory()?,
            arabpress_search::Opened::Existing,
        )
    } else {
        // A rebuild (`reindex`) gets every core; a server keeps its writer small.
        let size = if index_use == IndexUse::Open {
            arabpress_search::WriterSize::Bulk
        } else {
            arabpress_search::WriterSize::Serving
        };
        arabpress_search::SearchIndex::open_with(&index_dir, size)
            .with_context(|| format!("opening the search index in {}", index_dir.display()))?
    };
    let m = &s.mail;
    let mail = arabpress_app::MailSettings {
        mailer: arabpress_mail::Mailer::new(&m.from, m.transport.clone(), m.dkim.as_ref())
            .context("setting up mail")?,
        connections: m.connections,
        per_second: m.per_second,
        lease_seconds: m.lease_seconds,
        digest_hour: m.digest_hour,
        digest_auto: m.digest_auto,
    };
    let media_dir = match &s.media {
        arabpress_app::MediaStorage::Folder(dir) => dir.clone(),
        arabpress_app::MediaStorage::S3(_) => s.data_dir.join("media"),
    };
    let mut builder = App::builder(
        store,
        theme,
        Arc::new(index),
        Arc::new(SystemClock),
        media_dir,
    )
    .cache_bytes(s.cache_bytes)
    .settings_pins(s.pins.clone())
    .outbound_policy(s.outbound)
    .media_storage(s.media.clone())
    .audio(s.audio.clone())
    .mail(mail);
    // Set before the index catches up, which re-sends the purges of the changes it replays.
    if let Some(url) = &s.purge_url {
        builder = builder.purge_url(url.clone());
    }
    let app = builder
        .build()
        .with_context(|| format!("setting up the site (media store: {})", s.media))?;
    app.load_settings()
        .await
        .context("reading the site settings")?;
    if index_use == IndexUse::Sync {
        app.sync_index(opened)
            .await
            .context("bringing the search index up to date")?;
    }
    Ok(app)
}

/// Opens the site, runs `f` on it and closes it again (the search index is written out)
/// whether or not `f` succeeded.
pub async fn with_app<T>(
    s: &Settings,
    index_use: IndexUse,
    f: impl AsyncFnOnce(&App) -> Result<T>,
) -> Result<T> {
    let app = open(s, index_use).await?;
    let result = f(&app).await;
    app.close().await;
    result
}
