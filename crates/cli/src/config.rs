//! Configuration: an optional `arabpress.toml`, then `ARABPRESS_*` environment variables,
//! then command-line flags, each overriding the one before. The raw file is parsed strictly
//! (an unknown key is an error naming it) and then validated into [`Settings`], whose
//! errors name the key and the problem.

use anyhow::{Context, Result, anyhow, bail};
use arabpress_core::Lang;
use arabpress_render::PerLang;
use jiff::tz::TimeZone;
use serde::Deserialize;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

/// The file as written; every field optional.
#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RawConfig {
    /// Address to listen on, e.g. `127.0.0.1:8080`.
    pub listen: Option<String>,
    /// Data folder (SQLite database, media).
    pub data_dir: Option<PathBuf>,
    /// `sqlite://…` or `postgres://…`; default: `data_dir/arabpress.sqlite`.
    pub database_url: Option<String>,
    /// Public URL of the site, for canonical links.
    pub base_url: Option<String>,
    /// `ar` or `en`.
    pub default_lang: Option<String>,
    /// IANA time zone, e.g. `Asia/Riyadh`.
    pub time_zone: Option<String>,
    /// Page cache size in MiB; 0 turns the cache off.
    pub cache_mb: Option<u64>,
    /// Folder whose templates override the embedded theme.
    pub theme_dir: Option<PathBuf>,
    /// What feeds carry: `full` articles or the standfirst as an `excerpt`.
    pub feeds: Option<String>,
    /// An address told (POST `{"keys": [...]}`) which surrogate keys each change affects.
    pub purge_url: Option<String>,
    /// Site identity.
    pub site: RawSite,
}

/// `[site]`.
#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RawSite {
    /// `[site.name]`: `ar`, `en`.
    pub name: Option<RawPerLang>,
    /// `[site.tagline]`: `ar`, `en`.
    pub tagline: Option<RawPerLang>,
}

/// A per-language string where either language may be left out.
#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RawPerLang {
    /// Arabic.
    pub ar: Option<String>,
    /// English.
    pub en: Option<String>,
}

/// Validated settings.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Listen address.
    pub listen: SocketAddr,
    /// Data folder.
    pub data_dir: PathBuf,
    /// Database URL.
    pub database_url: String,
    /// Public base URL without trailing slash.
    pub base_url: String,
    /// Default language.
    pub default_lang: Lang,
    /// Site time zone.
    pub time_zone: TimeZone,
    /// Its name, for display.
    pub time_zone_name: String,
    /// Page cache size in bytes.
    pub cache_bytes: usize,
    /// Theme override folder.
    pub theme_dir: Option<PathBuf>,
    /// The CDN purge hook, if any.
    pub purge_url: Option<String>,
    /// Whole articles in feeds (else standfirsts).
    pub full_content_feeds: bool,
    /// Site name.
    pub name: PerLang<String>,
    /// Tagline.
    pub tagline: PerLang<String>,
}

/// Command-line overrides.
#[derive(Debug, Default, Clone)]
pub struct Overrides {
    /// `--data`.
    pub data_dir: Option<PathBuf>,
    /// `--listen`.
    pub listen: Option<String>,
    /// `--no-cache`.
    pub no_cache: bool,
}

impl RawConfig {
    /// Reads a config file. `required` says whether a missing file is an error.
    pub fn load(path: &Path, required: bool) -> Result<RawConfig> {
        match std::fs::read_to_string(path) {
            Ok(text) => RawConfig::parse(&text).with_context(|| format!("in {}", path.display())),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound && !required => {
                Ok(RawConfig::default())
            }
            Err(e) => Err(e).with_context(|| format!("reading {}", path.display())),
        }
    }

    /// Parses config text; errors name the key and the line.
    pub fn parse(text: &str) -> Result<RawConfig> {
        toml::from_str(text).map_err(|e| anyhow!("bad configuration: {e}"))
    }

    /// Applies `ARABPRESS_*` variables from `env` (a lookup function, so tests need not
    /// touch the process environment).
    pub fn apply_env(&mut self, env: impl Fn(&str) -> Option<String>) -> Result<()> {
        let s = |k: &str| env(k).filter(|v| !v.is_empty());
        if let Some(v) = s("ARABPRESS_LISTEN") {
            self.listen = Some(v);
        }
        if let Some(v) = s("ARABPRESS_DATA_DIR") {
            self.data_dir = Some(v.into());
        }
        if let Some(v) = s("ARABPRESS_DATABASE_URL") {
            self.database_url = Some(v);
        }
        if let Some(v) = s("ARABPRESS_BASE_URL") {
            self.base_url = Some(v);
        }
        if let Some(v) = s("ARABPRESS_DEFAULT_LANG") {
            self.default_lang = Some(v);
        }
        if let Some(v) = s("ARABPRESS_TIME_ZONE") {
            self.time_zone = Some(v);
        }
        if let Some(v) = s("ARABPRESS_CACHE_MB") {
            self.cache_mb = Some(v.parse().map_err(|_| {
                anyhow!("ARABPRESS_CACHE_MB: expected a whole number of MiB, got {v:?}")
            })?);
        }
        if let Some(v) = s("ARABPRESS_FEEDS") {
            self.feeds = Some(v);
        }
        if let Some(v) = s("ARABPRESS_THEME_DIR") {
            self.theme_dir = Some(v.into());
        }
        if let Some(v) = s("ARABPRESS_PURGE_URL") {
            self.purge_url = Some(v);
        }
        let name = self.site.name.get_or_insert_with(RawPerLang::default);
        if let Some(v) = s("ARABPRESS_SITE_NAME_AR") {
            name.ar = Some(v);
        }
        if let Some(v) = s("ARABPRESS_SITE_NAME_EN") {
            name.en = Some(v);
        }
        let tagline = self.site.tagline.get_or_insert_with(RawPerLang::default);
        if let Some(v) = s("ARABPRESS_TAGLINE_AR") {
            tagline.ar = Some(v);
        }
        if let Some(v) = s("ARABPRESS_TAGLINE_EN") {
            tagline.en = Some(v);
        }
        Ok(())
    }

    /// Validates into settings, with command-line overrides applied last.
    pub fn validate(self, o: &Overrides) -> Result<Settings> {
        let listen_text = o
            .listen
            .clone()
            .or(self.listen)
            .unwrap_or_else(|| "127.0.0.1:8080".into());
        let listen: SocketAddr = listen_text.parse().map_err(|_| {
            anyhow!("listen: {listen_text:?} is not an address such as 127.0.0.1:8080")
        })?;
        let data_dir = o
            .data_dir
            .clone()
            .or(self.data_dir)
            .unwrap_or_else(|| PathBuf::from("data"));
        let database_url = match self.database_url {
            Some(u)
                if u.starts_with("sqlite:")
                    || u.starts_with("postgres://")
                    || u.starts_with("postgresql://") =>
            {
                u
            }
            Some(u) => bail!("database_url: {u:?} must start with sqlite:// or postgres://"),
            None => format!("sqlite://{}", data_dir.join("arabpress.sqlite").display()),
        };
        let base_url = self.base_url.unwrap_or_else(|| format!("http://{listen}"));
        if !(base_url.starts_with("http://") || base_url.starts_with("https://")) {
            bail!("base_url: {base_url:?} must start with http:// or https://");
        }
        let default_lang = match self.default_lang {
            Some(l) => l
                .parse::<Lang>()
                .map_err(|e| anyhow!("default_lang: {e}"))?,
            None => Lang::Ar,
        };
        let time_zone_name = self.time_zone.unwrap_or_else(|| "UTC".into());
        let time_zone = if time_zone_name == "UTC" {
            TimeZone::UTC
        } else {
            TimeZone::get(&time_zone_name).map_err(|e| {
                anyhow!("time_zone: {time_zone_name:?} is not a known IANA time zone ({e})")
            })?
        };
        let cache_mb = if o.no_cache {
            0
        } else {
            self.cache_mb.unwrap_or(64)
        };
        if cache_mb > 64 * 1024 {
            bail!("cache_mb: {cache_mb} MiB is more than 64 GiB");
        }
        let per_lang =
            |raw: Option<RawPerLang>, key: &str, ar: &str, en: &str| -> Result<PerLang<String>> {
                let raw = raw.unwrap_or_default();
                let v = PerLang {
                    ar: raw.ar.unwrap_or_else(|| ar.into()),
                    en: raw.en.unwrap_or_else(|| en.into()),
                };
                if v.ar.trim().is_empty() || v.en.trim().is_empty() {
                    bail!("{key}: must not be empty");
                }
                Ok(v)
            };
        let full_content_feeds = match self.feeds.as_deref() {
            None | Some("full") => true,
            Some("excerpt") => false,
            Some(other) => bail!("feeds: {other:?} must be \"full\" or \"excerpt\""),
        };
        if let Some(u) = &self.purge_url
            && !(u.starts_with("http://") || u.starts_with("https://"))
        {
            bail!("purge_url: {u:?} must be an http(s) address");
        }
        Ok(Settings {
            purge_url: self.purge_url,
            full_content_feeds,
            listen,
            database_url,
            data_dir,
            base_url: base_url.trim_end_matches('/').to_owned(),
            default_lang,
            time_zone,
            time_zone_name,
            cache_bytes: usize::try_from(cache_mb * 1024 * 1024).unwrap_or(usize::MAX),
            theme_dir: self.theme_dir,
            name: per_lang(self.site.name, "site.name", "عرب برس", "Arab Press")?,
            tagline: per_lang(
                self.site.tagline,
                "site.tagline",
                "بالشعب و للشعب",
                "بالشعب و للشعب",
            )?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(text: &str) -> Result<Settings> {
        RawConfig::parse(text)?.validate(&Overrides::default())
    }

    #[test]
    fn defaults_are_the_arab_press() {
        let s = settings("").unwrap_or_else(|e| panic!("{e:#}"));
        assert_eq!(s.listen.to_string(), "127.0.0.1:8080");
        assert_eq!(s.name.en, "Arab Press");
        assert_eq!(s.name.ar, "عرب برس");
        assert_eq!(s.tagline.ar, "بالشعب و للشعب");
        assert_eq!(s.default_lang, Lang::Ar);
        assert!(
            s.database_url.starts_with("sqlite://") && s.database_url.ends_with("arabpress.sqlite")
        );
    }

    #[test]
    fn errors_name_the_key() {
        let e = |t: &str| {
            settings(t)
                .err()
                .map(|e| format!("{e:#}"))
                .unwrap_or_default()
        };
        assert!(
            e("listn = \"x\"").contains("listn"),
            "{}",
            e("listn = \"x\"")
        );
        assert!(e("listen = \"nowhere\"").starts_with("listen:"));
        assert!(e("default_lang = \"fr\"").starts_with("default_lang:"));
        assert!(e("time_zone = \"Mars/Olympus\"").starts_with("time_zone:"));
        assert!(e("database_url = \"mysql://x\"").starts_with("database_url:"));
        assert!(e("cache_mb = \"lots\"").contains("cache_mb"));
        assert!(e("[site.name]\nar = \"\"").starts_with("site.name:"));
        assert!(e("[site]\ncolour = 1").contains("colour"));
    }

    #[test]
    fn env_then_flags_override_the_file() {
        let mut raw =
            RawConfig::parse("listen = \"127.0.0.1:9000\"\n[site.name]\nen = \"File Press\"")
                .unwrap_or_default();
        raw.apply_env(|k| match k {
            "ARABPRESS_LISTEN" => Some("127.0.0.1:9001".into()),
            "ARABPRESS_SITE_NAME_EN" => Some("Env Press".into()),
            _ => None,
        })
        .unwrap_or_else(|e| panic!("{e:#}"));
        let s = raw.validate(&Overrides {
            listen: Some("127.0.0.1:9002".into()),
            ..Overrides::default()
        });
        let s = s.unwrap_or_else(|e| panic!("{e:#}"));
        assert_eq!(s.listen.port(), 9002);
        assert_eq!(s.name.en, "Env Press");
        let mut raw = RawConfig::default();
        let bad = raw.apply_env(|k| (k == "ARABPRESS_CACHE_MB").then(|| "many".into()));
        assert!(
            bad.err()
                .map(|e| e.to_string())
                .unwrap_or_default()
                .starts_with("ARABPRESS_CACHE_MB")
        );
    }
}
