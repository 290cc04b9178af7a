//! Configuration: an optional `arabpress.toml`, then `ARABPRESS_*` environment variables
//! (one table, [`ENV`], maps each to the key it overrides),
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
    /// Lets wire feeds, webhooks, imported images and the S3 endpoint reach loopback,
    /// private and link-local addresses (refused by default).
    pub allow_private_network: Option<bool>,
    /// Lets the purge hook alone reach them (a cache on this machine or network).
    pub purge_allow_private: Option<bool>,
    /// Site identity.
    pub site: RawSite,
    /// Outgoing mail.
    pub mail: RawMail,
    /// The newsletter's schedule.
    pub newsletter: RawNewsletter,
    /// Where uploaded media are kept.
    pub media: RawMedia,
    /// Spoken articles.
    pub audio: RawAudio,
    /// Address ranges of the reverse proxies whose `X-Forwarded-For`/`Forwarded` headers
    /// name the client (`["10.0.0.0/8", "::1/128"]`); empty: those headers are ignored.
    pub trusted_proxies: Option<Vec<String>>,
}

/// `[audio]`: the speech engine.
#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RawAudio {
    /// Speak published articles (default true; the site runs without the engine either way).
    pub enabled: Option<bool>,
    /// The espeak-ng program; default `espeak-ng` from `PATH`.
    pub espeak: Option<String>,
    /// The LAME program; default `lame` from `PATH`.
    pub lame: Option<String>,
    /// The vowel-mark model (scripts/tashkeel-model.py) for Arabic words the table lacks.
    pub tashkeel_model: Option<PathBuf>,
}

/// `[media]`: a folder on this machine or an S3-compatible bucket.
#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RawMedia {
    /// `folder` (the default) or `s3`.
    pub store: Option<String>,
    /// The folder; default `data_dir/media`.
    pub folder: Option<PathBuf>,
    /// Bucket name (required with `store = "s3"`).
    pub s3_bucket: Option<String>,
    /// Region; default `us-east-1`.
    pub s3_region: Option<String>,
    /// The server's address for anything but AWS, e.g. `https://s3.example.net`.
    pub s3_endpoint: Option<String>,
    /// Access key id (or `AWS_ACCESS_KEY_ID`).
    pub s3_access_key_id: Option<String>,
    /// Secret access key (better: `ARABPRESS_S3_SECRET_ACCESS_KEY` or `AWS_SECRET_ACCESS_KEY`).
    pub s3_secret_access_key: Option<String>,
    /// Allows an `http://` endpoint.
    pub s3_allow_http: Option<bool>,
}

/// `[mail]`: who mail is from and how it leaves.
#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RawMail {
    /// `Name <address>`; default: the site's English name at `newsletter@` the site's host.
    pub from: Option<String>,
    /// `file` (the default: `.eml` files in `folder`) or `smtp`.
    pub transport: Option<String>,
    /// Where the file transport writes; default `data_dir/mail`.
    pub folder: Option<PathBuf>,
    /// SMTP server host.
    pub smtp_host: Option<String>,
    /// SMTP port; default 587 with `starttls`, 465 with `tls`, 25 with `none`.
    pub smtp_port: Option<u16>,
    /// `starttls` (default), `tls` or `none`.
    pub smtp_security: Option<String>,
    /// SMTP user name.
    pub smtp_user: Option<String>,
    /// SMTP password (better: `ARABPRESS_SMTP_PASSWORD`).
    pub smtp_password: Option<String>,
    /// Connections used at once; default 4.
    pub connections: Option<usize>,
    /// Messages per second at most; default 50; 0 for no limit.
    pub per_second: Option<u32>,
    /// Seconds a worker holds the messages it claimed; default 120.
    pub lease_seconds: Option<i64>,
    /// DKIM signing domain; with `dkim_selector` and `dkim_key_file`, turns signing on.
    pub dkim_domain: Option<String>,
    /// DKIM selector.
    pub dkim_selector: Option<String>,
    /// DKIM private key: PKCS#1 PEM (RSA) or base64 seed (Ed25519).
    pub dkim_key_file: Option<PathBuf>,
    /// `rsa` (default) or `ed25519`.
    pub dkim_algorithm: Option<String>,
}

/// `[newsletter]`.
#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RawNewsletter {
    /// Local hour (0-23) the daily digest is made; -1 turns it off. Default 7.
    pub digest_hour: Option<i8>,
    /// Send the digest as soon as it is made instead of waiting for an editor.
    pub digest_auto: Option<bool>,
    /// Offer the newsletter in a pop-up on article pages; default true.
    pub popup: Option<bool>,
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
    /// Which destinations outbound requests may reach.
    pub outbound: arabpress_app::OutboundPolicy,
    /// Whole articles in feeds (else standfirsts).
    pub full_content_feeds: bool,
    /// Site name.
    pub name: PerLang<String>,
    /// Tagline.
    pub tagline: PerLang<String>,
    /// Outgoing mail.
    pub mail: MailConfig,
    /// Article pages offer the newsletter in a pop-up.
    pub newsletter_popup: bool,
    /// Where uploaded media are kept.
    pub media: arabpress_app::MediaStorage,
    /// The speech engine.
    pub audio: arabpress_app::AudioSettings,
    /// The proxies whose forwarding headers name the client.
    pub trusted_proxies: arabpress_web::TrustedProxies,
    /// The site settings this file (or the environment) sets: they win over the ones
    /// saved in the newsroom, whose page shows them as pinned.
    pub pins: arabpress_app::SettingsPins,
}

/// Validated mail settings.
#[derive(Debug, Clone)]
pub struct MailConfig {
    /// The `From` mailbox.
    pub from: String,
    /// Where mail goes.
    pub transport: arabpress_mail::Transport,
    /// DKIM signing, when configured.
    pub dkim: Option<arabpress_mail::DkimSettings>,
    /// Connections at once.
    pub connections: usize,
    /// Messages per second at most (0: no limit).
    pub per_second: u32,
    /// Claim lease in seconds.
    pub lease_seconds: i64,
    /// Digest hour, if any.
    pub digest_hour: Option<i8>,
    /// Queue digests at once.
    pub digest_auto: bool,
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

/// What an `ARABPRESS_*` variable holds, so a bad value is reported by the variable's name.
#[derive(Clone, Copy)]
enum Kind {
    /// Taken as written.
    Text,
    /// A whole number in `min..=max`.
    Whole(i64, i64),
    /// `true`/`1`/`yes` or `false`/`0`/`no` (also `on`/`off`).
    Flag,
    /// Comma-separated, blanks dropped.
    List,
}

/// Every environment variable and the key of the file it sets (a dotted path). A variable
/// overrides the file's key; the merged table is then read exactly like the file.
const ENV: &[(&str, &str, Kind)] = {
    use Kind::*;
    &[
        ("ARABPRESS_LISTEN", "listen", Text),
        ("ARABPRESS_DATA_DIR", "data_dir", Text),
        ("ARABPRESS_DATABASE_URL", "database_url", Text),
        ("ARABPRESS_BASE_URL", "base_url", Text),
        ("ARABPRESS_DEFAULT_LANG", "default_lang", Text),
        ("ARABPRESS_TIME_ZONE", "time_zone", Text),
        ("ARABPRESS_CACHE_MB", "cache_mb", Whole(0, i64::MAX)),
        ("ARABPRESS_FEEDS", "feeds", Text),
        ("ARABPRESS_THEME_DIR", "theme_dir", Text),
        ("ARABPRESS_PURGE_URL", "purge_url", Text),
        (
            "ARABPRESS_ALLOW_PRIVATE_NETWORK",
            "allow_private_network",
            Flag,
        ),
        ("ARABPRESS_PURGE_ALLOW_PRIVATE", "purge_allow_private", Flag),
        ("ARABPRESS_TRUSTED_PROXIES", "trusted_proxies", List),
        ("ARABPRESS_SITE_NAME_AR", "site.name.ar", Text),
        ("ARABPRESS_SITE_NAME_EN", "site.name.en", Text),
        ("ARABPRESS_TAGLINE_AR", "site.tagline.ar", Text),
        ("ARABPRESS_TAGLINE_EN", "site.tagline.en", Text),
        ("ARABPRESS_AUDIO", "audio.enabled", Flag),
        ("ARABPRESS_TASHKEEL_MODEL", "audio.tashkeel_model", Text),
        ("ARABPRESS_MAIL_FROM", "mail.from", Text),
        ("ARABPRESS_MAIL_TRANSPORT", "mail.transport", Text),
        ("ARABPRESS_SMTP_HOST", "mail.smtp_host", Text),
        (
            "ARABPRESS_SMTP_PORT",
            "mail.smtp_port",
            Whole(0, u16::MAX as i64),
        ),
        ("ARABPRESS_SMTP_SECURITY", "mail.smtp_security", Text),
        ("ARABPRESS_SMTP_USER", "mail.smtp_user", Text),
        ("ARABPRESS_SMTP_PASSWORD", "mail.smtp_password", Text),
        (
            "ARABPRESS_MAIL_CONNECTIONS",
            "mail.connections",
            Whole(0, u32::MAX as i64),
        ),
        (
            "ARABPRESS_MAIL_PER_SECOND",
            "mail.per_second",
            Whole(0, u32::MAX as i64),
        ),
        (
            "ARABPRESS_MAIL_LEASE_SECONDS",
            "mail.lease_seconds",
            Whole(i64::MIN, i64::MAX),
        ),
        (
            "ARABPRESS_DIGEST_HOUR",
            "newsletter.digest_hour",
            Whole(-1, 23),
        ),
        ("ARABPRESS_MEDIA_STORE", "media.store", Text),
        ("ARABPRESS_MEDIA_FOLDER", "media.folder", Text),
        ("ARABPRESS_S3_BUCKET", "media.s3_bucket", Text),
        ("ARABPRESS_S3_REGION", "media.s3_region", Text),
        ("ARABPRESS_S3_ENDPOINT", "media.s3_endpoint", Text),
        ("ARABPRESS_S3_ACCESS_KEY_ID", "media.s3_access_key_id", Text),
        (
            "ARABPRESS_S3_SECRET_ACCESS_KEY",
            "media.s3_secret_access_key",
            Text,
        ),
        ("ARABPRESS_S3_ALLOW_HTTP", "media.s3_allow_http", Flag),
    ]
};

/// The value variable `var` holds, as the file would write it; an error names `var`.
fn env_value(var: &str, kind: Kind, v: &str) -> Result<toml::Value> {
    Ok(match kind {
        Kind::Text => toml::Value::String(v.to_owned()),
        Kind::Whole(min, max) => match v.trim().parse::<i64>() {
            Ok(n) if (min..=max).contains(&n) => toml::Value::Integer(n),
            Ok(n) => bail!("{var}: {n} is out of range ({min} to {max})"),
            Err(_) => bail!("{var}: expected a whole number, got {v:?}"),
        },
        Kind::Flag => match v.trim() {
            "true" | "1" | "yes" | "on" => toml::Value::Boolean(true),
            "false" | "0" | "no" | "off" => toml::Value::Boolean(false),
            _ => bail!("{var}: expected true or false, got {v:?}"),
        },
        Kind::List => toml::Value::Array(
            v.split(',')
                .map(str::trim)
                .filter(|r| !r.is_empty())
                .map(|r| toml::Value::String(r.to_owned()))
                .collect(),
        ),
    })
}

/// Sets `path` (`a.b.c`) in `table` to `value`, making the tables on the way.
fn set_path(table: &mut toml::Table, path: &str, value: toml::Value) {
    match path.split_once('.') {
        None => {
            table.insert(path.to_owned(), value);
        }
        Some((head, rest)) => {
            let entry = table
                .entry(head)
                .or_insert_with(|| toml::Value::Table(toml::Table::new()));
            if !entry.is_table() {
                // A scalar where the file needs a table is the file's error; the variable
                // replaces it, and the table is read as usual.
                *entry = toml::Value::Table(toml::Table::new());
            }
            if let toml::Value::Table(t) = entry {
                set_path(t, rest, value);
            }
        }
    }
}

impl RawConfig {
    /// Reads a config file, then the `ARABPRESS_*` variables `env` holds. `required` says
    /// whether a missing file is an error.
    pub fn load(
        path: &Path,
        required: bool,
        env: impl Fn(&str) -> Option<String>,
    ) -> Result<RawConfig> {
        let text = match std::fs::read_to_string(path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound && !required => String::new(),
            Err(e) => return Err(e).with_context(|| format!("reading {}", path.display())),
        };
        RawConfig::layered(&text, Some(path), env)
    }

    /// Parses config text alone; errors name the key and the line.
    #[cfg(test)]
    pub fn parse(text: &str) -> Result<RawConfig> {
        RawConfig::parse_with_env(text, |_| None)
    }

    /// Parses config text with the `ARABPRESS_*` variables of `env` (a lookup function, so
    /// tests need not touch the process environment) over it. An empty variable counts as
    /// unset.
    #[cfg(test)]
    pub fn parse_with_env(text: &str, env: impl Fn(&str) -> Option<String>) -> Result<RawConfig> {
        RawConfig::layered(text, None, env)
    }

    /// The file's `text` (read from `path`, named in its errors), then the environment.
    fn layered(
        text: &str,
        path: Option<&Path>,
        env: impl Fn(&str) -> Option<String>,
    ) -> Result<RawConfig> {
        // The file alone first, for errors that point at its line.
        let file: RawConfig = toml::from_str(text).map_err(|e| match path {
            Some(p) => anyhow!("in {}: bad configuration: {e}", p.display()),
            None => anyhow!("bad configuration: {e}"),
        })?;
        let mut table: Option<toml::Table> = None;
        for &(var, key, kind) in ENV {
            let Some(v) = env(var).filter(|v| !v.is_empty()) else {
                continue;
            };
            let value = env_value(var, kind, &v)?;
            if table.is_none() {
                table = Some(
                    text.parse()
                        .map_err(|e| anyhow!("bad configuration: {e}"))?,
                );
            }
            if let Some(t) = table.as_mut() {
                set_path(t, key, value);
            }
        }
        match table {
            None => Ok(file),
            Some(t) => RawConfig::deserialize(toml::Value::Table(t))
                .map_err(|e| anyhow!("bad configuration from the environment: {e}")),
        }
    }

    /// Validates into settings, with command-line overrides applied last.
    pub fn validate(self, o: &Overrides) -> Result<Settings> {
        let pins = self.pins()?;
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
        let name = per_lang(self.site.name, "site.name", "عرب برس", "Arab Press")?;
        let newsletter_popup = self.newsletter.popup.unwrap_or(true);
        let mail = mail_config(self.mail, self.newsletter, &data_dir, &base_url, &name.en)?;
        let media = media_storage(self.media, &data_dir)?;
        let defaults = arabpress_app::AudioSettings::default();
        let audio = arabpress_app::AudioSettings {
            enabled: self.audio.enabled.unwrap_or(defaults.enabled),
            espeak: self.audio.espeak.unwrap_or(defaults.espeak),
            lame: self.audio.lame.unwrap_or(defaults.lame),
            tashkeel_model: self.audio.tashkeel_model,
        };
        let trusted_proxies =
            arabpress_web::TrustedProxies::parse(&self.trusted_proxies.unwrap_or_default())
                .map_err(|e| anyhow!("trusted_proxies: {e}"))?;
        Ok(Settings {
            trusted_proxies,
            pins,
            mail,
            media,
            audio,
            newsletter_popup,
            purge_url: self.purge_url,
            outbound: arabpress_app::OutboundPolicy {
                allow_private_network: self.allow_private_network.unwrap_or(false),
                purge_allow_private: self.purge_allow_private.unwrap_or(false),
            },
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
            name,
            tagline: per_lang(
                self.site.tagline,
                "site.tagline",
                "بالشعب و للشعب",
                "بالشعب و للشعب",
            )?,
        })
    }
}

impl RawConfig {
    /// The site settings given here, as given (checked as `validate` checks them).
    fn pins(&self) -> Result<arabpress_app::SettingsPins> {
        let name = self.site.name.as_ref();
        let tagline = self.site.tagline.as_ref();
        Ok(arabpress_app::SettingsPins {
            name_ar: name.and_then(|n| n.ar.clone()),
            name_en: name.and_then(|n| n.en.clone()),
            tagline_ar: tagline.and_then(|n| n.ar.clone()),
            tagline_en: tagline.and_then(|n| n.en.clone()),
            time_zone: self.time_zone.clone(),
            default_lang: self
                .default_lang
                .as_deref()
                .map(|l| l.parse::<Lang>().map_err(|e| anyhow!("default_lang: {e}")))
                .transpose()?,
            newsletter_popup: self.newsletter.popup,
        })
    }
}

/// Validates `[media]`.
fn media_storage(m: RawMedia, data_dir: &Path) -> Result<arabpress_app::MediaStorage> {
    use arabpress_app::{MediaStorage, S3Settings};
    match m.store.as_deref().unwrap_or("folder") {
        "folder" => Ok(MediaStorage::Folder(
            m.folder.unwrap_or_else(|| data_dir.join("media")),
        )),
        "s3" => {
            let bucket = m
                .s3_bucket
                .filter(|b| !b.trim().is_empty())
                .ok_or_else(|| anyhow!("media.s3_bucket: required with store = \"s3\""))?;
            let allow_http = m.s3_allow_http.unwrap_or(false);
            if let Some(e) = &m.s3_endpoint {
                if e.starts_with("http://") && !allow_http {
                    bail!(
                        "media.s3_endpoint: {e:?} is plain http; set media.s3_allow_http = true to allow it"
                    );
                }
                if !(e.starts_with("http://") || e.starts_with("https://")) {
                    bail!("media.s3_endpoint: {e:?} must be an http(s) address");
                }
            }
            if m.s3_access_key_id.is_some() != m.s3_secret_access_key.is_some() {
                bail!(
                    "media.s3_access_key_id and media.s3_secret_access_key: give both or neither"
                );
            }
            Ok(MediaStorage::S3(S3Settings {
                bucket,
                region: m.s3_region.unwrap_or_else(|| "us-east-1".into()),
                endpoint: m.s3_endpoint,
                access_key_id: m.s3_access_key_id,
                secret_access_key: m.s3_secret_access_key,
                allow_http,
            }))
        }
        other => bail!("media.store: {other:?} must be \"folder\" or \"s3\""),
    }
}

/// Validates `[mail]` and `[newsletter]`.
fn mail_config(
    m: RawMail,
    n: RawNewsletter,
    data_dir: &Path,
    base_url: &str,
    site_name: &str,
) -> Result<MailConfig> {
    use arabpress_mail::{DkimSettings, Security, SmtpSettings, Transport};
    let from = match m.from {
        Some(f) => f,
        None => {
            let host = base_url
                .split("://")
                .nth(1)
                .unwrap_or_default()
                .split(['/', ':'])
                .next()
                .unwrap_or_default();
            let host = if host.contains('.') && host.chars().any(|c| c.is_ascii_alphabetic()) {
                host
            } else {
                "arabpress.invalid"
            };
            format!("{site_name} <newsletter@{host}>")
        }
    };
    let transport = match m.transport.as_deref().unwrap_or("file") {
        "file" => Transport::Folder(m.folder.unwrap_or_else(|| data_dir.join("mail"))),
        "smtp" => {
            let host = m
                .smtp_host
                .filter(|h| !h.is_empty())
                .ok_or_else(|| anyhow!("mail.smtp_host: required with transport = \"smtp\""))?;
            let security = match m.smtp_security.as_deref().unwrap_or("starttls") {
                "starttls" => Security::StartTls,
                "tls" => Security::Tls,
                "none" => Security::None,
                other => bail!("mail.smtp_security: {other:?} must be starttls, tls or none"),
            };
            let port = m.smtp_port.unwrap_or(match security {
                Security::StartTls => 587,
                Security::Tls => 465,
                Security::None => 25,
            });
            let credentials = match (m.smtp_user, m.smtp_password) {
                (Some(u), Some(p)) => Some((u, p)),
                (None, None) => None,
                _ => bail!("mail.smtp_user and mail.smtp_password: give both or neither"),
            };
            Transport::Smtp(SmtpSettings {
                host,
                port,
                security,
                credentials,
                timeout: std::time::Duration::from_secs(30),
            })
        }
        other => bail!("mail.transport: {other:?} must be \"file\" or \"smtp\""),
    };
    let dkim = match (m.dkim_domain, m.dkim_selector, m.dkim_key_file) {
        (None, None, None) => None,
        (Some(domain), Some(selector), Some(file)) => {
            let key = std::fs::read_to_string(&file)
                .with_context(|| format!("mail.dkim_key_file: reading {}", file.display()))?;
            let ed25519 = match m.dkim_algorithm.as_deref().unwrap_or("rsa") {
                "rsa" => false,
                "ed25519" => true,
                other => bail!("mail.dkim_algorithm: {other:?} must be rsa or ed25519"),
            };
            Some(DkimSettings {
                domain,
                selector,
                key,
                ed25519,
            })
        }
        _ => bail!(
            "mail.dkim_domain, mail.dkim_selector and mail.dkim_key_file: give all three or none"
        ),
    };
    let connections = m.connections.unwrap_or(4);
    if !(1..=64).contains(&connections) {
        bail!("mail.connections: {connections} must be between 1 and 64");
    }
    let lease_seconds = m.lease_seconds.unwrap_or(120);
    if !(10..=86_400).contains(&lease_seconds) {
        bail!("mail.lease_seconds: {lease_seconds} must be between 10 and 86400");
    }
    let digest_hour = match n.digest_hour.unwrap_or(7) {
        -1 => None,
        h @ 0..=23 => Some(h),
        h => bail!("newsletter.digest_hour: {h} must be 0 to 23, or -1 for none"),
    };
    // Checked here so a bad address or key stops the start, not the first send.
    arabpress_mail::Mailer::new(&from, transport.clone(), dkim.as_ref())
        .map_err(|e| anyhow!("mail: {e}"))?;
    Ok(MailConfig {
        from,
        transport,
        dkim,
        connections,
        per_second: m.per_second.unwrap_or(50),
        lease_seconds,
        digest_hour,
        digest_auto: n.digest_auto.unwrap_or(false),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(text: &str) -> Result<Settings> {
        RawConfig::parse(text)?.validate(&Overrides::default())
    }

    #[test]
    fn trusted_proxies_are_ranges_and_a_bad_one_is_named() {
        let s = settings("").unwrap();
        assert!(s.trusted_proxies.ranges().is_empty(), "none by default");
        let s = settings("trusted_proxies = [\"10.0.0.0/8\", \"::1/128\"]").unwrap();
        let shown: Vec<String> = s
            .trusted_proxies
            .ranges()
            .iter()
            .map(|r| r.to_string())
            .collect();
        assert_eq!(shown, ["10.0.0.0/8", "::1/128"]);
        let e = settings("trusted_proxies = [\"10.0.0.0/40\"]")
            .err()
            .map(|e| format!("{e:#}"))
            .unwrap_or_default();
        assert!(
            e.contains("trusted_proxies") && e.contains("10.0.0.0/40"),
            "{e}"
        );
        let raw = RawConfig::parse_with_env("", |k| {
            (k == "ARABPRESS_TRUSTED_PROXIES").then(|| "127.0.0.1, 192.168.0.0/16".into())
        })
        .unwrap();
        let s = raw.validate(&Overrides::default()).unwrap();
        assert_eq!(s.trusted_proxies.ranges().len(), 2);
        let raw = RawConfig::parse_with_env("", |k| {
            (k == "ARABPRESS_TRUSTED_PROXIES").then(|| "proxy.local".into())
        })
        .unwrap();
        let e = raw
            .validate(&Overrides::default())
            .err()
            .map(|e| format!("{e:#}"))
            .unwrap_or_default();
        assert!(
            e.contains("trusted_proxies") && e.contains("proxy.local"),
            "{e}"
        );
    }

    #[test]
    fn defaults_are_the_arab_press() {
        let s = settings("").unwrap();
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
        assert!(e("[mail]\ntransport = \"pigeon\"").starts_with("mail.transport:"));
        assert!(e("[mail]\ntransport = \"smtp\"").starts_with("mail.smtp_host:"));
        assert!(
            e("[mail]\nsmtp_user = \"u\"\ntransport = \"smtp\"\nsmtp_host = \"h\"")
                .starts_with("mail.smtp_user")
        );
        assert!(e("[mail]\nfrom = \"not an address\"").starts_with("mail:"));
        assert!(e("[newsletter]\ndigest_hour = 24").starts_with("newsletter.digest_hour:"));
    }

    #[test]
    fn env_then_flags_override_the_file() {
        let raw = RawConfig::parse_with_env(
            "listen = \"127.0.0.1:9000\"\n[site.name]\nen = \"File Press\"",
            |k| match k {
                "ARABPRESS_LISTEN" => Some("127.0.0.1:9001".into()),
                "ARABPRESS_SITE_NAME_EN" => Some("Env Press".into()),
                _ => None,
            },
        )
        .unwrap();
        let s = raw.validate(&Overrides {
            listen: Some("127.0.0.1:9002".into()),
            ..Overrides::default()
        });
        let s = s.unwrap();
        assert_eq!(s.listen.port(), 9002);
        assert_eq!(s.name.en, "Env Press");
        let bad =
            RawConfig::parse_with_env("", |k| (k == "ARABPRESS_CACHE_MB").then(|| "many".into()));
        assert!(
            bad.err()
                .map(|e| e.to_string())
                .unwrap_or_default()
                .starts_with("ARABPRESS_CACHE_MB")
        );
    }

    #[test]
    fn every_variable_sets_a_key_of_the_file_and_is_documented() {
        let readme = include_str!("../../../README.md");
        for &(var, key, kind) in ENV {
            let sample = match kind {
                Kind::Text | Kind::List => "x",
                Kind::Whole(..) => "1",
                Kind::Flag => "on",
            };
            let raw = RawConfig::parse_with_env("", |k| (k == var).then(|| sample.into()));
            assert!(raw.is_ok(), "{var} sets {key}: {:?}", raw.err());
            assert!(readme.contains(var), "the README documents {var}");
        }
        // A number out of its key's range is named by the variable.
        let e =
            RawConfig::parse_with_env("", |k| (k == "ARABPRESS_SMTP_PORT").then(|| "70000".into()))
                .err()
                .map(|e| e.to_string())
                .unwrap_or_default();
        assert!(
            e.starts_with("ARABPRESS_SMTP_PORT: 70000 is out of range"),
            "{e}"
        );
        // The variable wins over the file, whose other keys stay.
        let raw = RawConfig::parse_with_env("[mail]\nsmtp_port = 25\nsmtp_host = \"h\"", |k| {
            (k == "ARABPRESS_SMTP_PORT").then(|| "2525".into())
        })
        .unwrap();
        assert_eq!(
            (raw.mail.smtp_port, raw.mail.smtp_host.as_deref()),
            (Some(2525), Some("h"))
        );
    }

    #[test]
    fn the_file_pins_only_the_site_settings_it_sets() {
        let s = settings("").unwrap();
        assert_eq!(s.pins, arabpress_app::SettingsPins::default());
        assert!(s.pins.pinned().is_empty());
        let s = settings(
            "time_zone = \"Asia/Riyadh\"\ndefault_lang = \"en\"\n[site.name]\nen = \"File Press\"\n[newsletter]\npopup = false",
        )
        .unwrap();
        assert_eq!(
            s.pins.pinned(),
            vec!["name_en", "time_zone", "default_lang", "newsletter_popup"]
        );
        assert_eq!(s.pins.name_en.as_deref(), Some("File Press"));
        assert_eq!(s.pins.default_lang, Some(Lang::En));
        // The environment pins too.
        let raw =
            RawConfig::parse_with_env("", |k| (k == "ARABPRESS_TAGLINE_AR").then(|| "خبر".into()))
                .unwrap();
        let s = raw.validate(&Overrides::default()).unwrap();
        assert_eq!(s.pins.pinned(), vec!["tagline_ar"]);
    }

    #[test]
    fn private_destinations_are_refused_unless_allowed() {
        let s = settings("").unwrap();
        assert_eq!(s.outbound, arabpress_app::OutboundPolicy::default());
        assert!(!s.outbound.allow_private_network && !s.outbound.purge_allow_private);
        let s = settings("allow_private_network = true\npurge_allow_private = true").unwrap();
        assert!(s.outbound.allow_private_network && s.outbound.purge_allow_private);
        let raw = RawConfig::parse_with_env("", |k| {
            (k == "ARABPRESS_ALLOW_PRIVATE_NETWORK").then(|| "true".into())
        })
        .unwrap();
        let s = raw.validate(&Overrides::default()).unwrap();
        assert!(s.outbound.allow_private_network && !s.outbound.purge_allow_private);
        let bad = RawConfig::parse_with_env("", |k| {
            (k == "ARABPRESS_PURGE_ALLOW_PRIVATE").then(|| "maybe".into())
        });
        assert!(
            bad.err()
                .map(|e| e.to_string())
                .unwrap_or_default()
                .starts_with("ARABPRESS_PURGE_ALLOW_PRIVATE")
        );
        assert!(
            settings("allow_private_network = \"yes\"")
                .err()
                .map(|e| format!("{e:#}"))
                .unwrap_or_default()
                .contains("allow_private_network")
        );
    }
}
