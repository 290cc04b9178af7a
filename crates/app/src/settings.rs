//! The site's settings as the newsroom edits them: name and tagline in both languages, time
//! zone, default language, logo, the navigation of each language's masthead, social links,
//! and the comments and newsletter pop-up switches. They live in the database
//! (`site_settings`), so every node shows the same site; `arabpress.toml` (or the
//! environment) gives the values it sets and those win (the settings page shows them as
//! pinned). The effective settings are computed here (file, else database, else the
//! defaults), handed to the theme, and reloaded by every node when the change feed carries
//! a `settings` event. Owners and admins may change them; each change is audited.

use crate::logo::{self, LogoProblem};
use crate::newsroom::forbidden;
use crate::{App, AppError};
use arabpress_core::{Lang, User};
use arabpress_render::{Artwork, Branding, Digits, Logo, PerLang, Site};
use jiff::tz::TimeZone;
use serde::{Deserialize, Serialize};
use std::sync::Arc;
use std::sync::atomic::Ordering;

pub use logo::{ARTWORK_MAX, ARTWORK_MIN, MAX_LOGO_BYTES, MAX_LOGO_SIDE};

/// The longest site name, in characters.
pub const MAX_NAME_CHARS: usize = 80;
/// The longest tagline, in characters.
pub const MAX_TAGLINE_CHARS: usize = 200;
/// The most social links.
pub const MAX_SOCIAL_LINKS: usize = 10;
/// The longest social link, in bytes.
pub const MAX_URL_BYTES: usize = 500;

/// The site's settings in effect.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SiteSettings {
    /// The site's name per language.
    pub name: PerLang<String>,
    /// The tagline per language.
    pub tagline: PerLang<String>,
    /// An IANA time zone name (`Asia/Riyadh`) or `UTC`.
    pub time_zone: String,
    /// The language of `/` when the browser names neither.
    pub default_lang: Lang,
    /// How digits are written on Arabic pages.
    pub digits: Digits,
    /// The uploaded logo.
    pub logo: Option<StoredLogo>,
    /// The sections in each language's masthead, by id and in order (`None`: all).
    pub nav: PerLang<Option<Vec<i64>>>,
    /// The site's pages elsewhere.
    pub social: Vec<String>,
    /// The newsroom's public address, on the contact page and as the podcast's owner.
    pub contact_email: Option<String>,
    /// Readers may comment.
    pub comments: bool,
    /// Article pages offer the newsletter in a pop-up.
    pub newsletter_popup: bool,
}

impl Default for SiteSettings {
    fn default() -> Self {
        SiteSettings {
            name: PerLang {
                ar: "عرب برس".into(),
                en: "Arab Press".into(),
            },
            tagline: PerLang {
                ar: "بالشعب و للشعب".into(),
                en: "بالشعب و للشعب".into(),
            },
            time_zone: "UTC".into(),
            default_lang: Lang::Ar,
            digits: Digits::ArabicIndic,
            logo: None,
            nav: PerLang::default(),
            social: Vec::new(),
            contact_email: None,
            comments: false,
            newsletter_popup: true,
        }
    }
}

/// A logo in the media store.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredLogo {
    /// The SHA-256 of the uploaded file.
    pub sha256: String,
    /// `logo.svg` or `logo.png`.
    pub file: String,
    /// Its width in pixels, when known.
    pub width: Option<u32>,
    /// Its height in pixels, when known.
    pub height: Option<u32>,
    /// The square podcast artwork's file (`artwork.png`), when one was made.
    pub artwork: Option<String>,
    /// The phones' home-screen icon's file (`touch-icon.png`), when one was made.
    #[serde(default)]
    pub touch_icon: Option<String>,
    /// The browsers' PNG icon's file (`icon.png`), when one was made (a logo uploaded
    /// before icons were drawn has none: the theme's stands in until it is uploaded again).
    #[serde(default)]
    pub icon: Option<String>,
}

impl StoredLogo {
    /// The logo's site path.
    pub fn url(&self) -> String {
        format!("/media/{}/{}", self.sha256, self.file)
    }
}

/// The settings `arabpress.toml` or the environment sets; each wins over the database.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SettingsPins {
    /// `[site.name] ar`.
    pub name_ar: Option<String>,
    /// `[site.name] en`.
    pub name_en: Option<String>,
    /// `[site.tagline] ar`.
    pub tagline_ar: Option<String>,
    /// `[site.tagline] en`.
    pub tagline_en: Option<String>,
    /// `time_zone`.
    pub time_zone: Option<String>,
    /// `default_lang`.
    pub default_lang: Option<Lang>,
    /// `[newsletter] popup`.
    pub newsletter_popup: Option<bool>,
}

impl SettingsPins {
    /// The names of the settings pinned (as the settings form names its fields).
    pub fn pinned(&self) -> Vec<&'static str> {
        let mut out = Vec::new();
        for (name, set) in [
            ("name_ar", self.name_ar.is_some()),
            ("name_en", self.name_en.is_some()),
            ("tagline_ar", self.tagline_ar.is_some()),
            ("tagline_en", self.tagline_en.is_some()),
            ("time_zone", self.time_zone.is_some()),
            ("default_lang", self.default_lang.is_some()),
            ("newsletter_popup", self.newsletter_popup.is_some()),
        ] {
            if set {
                out.push(name);
            }
        }
        out
    }

    fn apply(&self, s: &mut SiteSettings) {
        let set = |to: &mut String, from: &Option<String>| {
            if let Some(v) = from {
                v.clone_into(to);
            }
        };
        set(&mut s.name.ar, &self.name_ar);
        set(&mut s.name.en, &self.name_en);
        set(&mut s.tagline.ar, &self.tagline_ar);
        set(&mut s.tagline.en, &self.tagline_en);
        set(&mut s.time_zone, &self.time_zone);
        if let Some(l) = self.default_lang {
            s.default_lang = l;
        }
        if let Some(p) = self.newsletter_popup {
            s.newsletter_popup = p;
        }
    }
}

/// What the settings page submitted. A field left `None` is not changed (a pinned field is
/// disabled in the form, so the browser does not send it).
#[derive(Debug, Clone, Default)]
pub struct SettingsForm {
    /// Site name in Arabic.
    pub name_ar: Option<String>,
    /// Site name in English.
    pub name_en: Option<String>,
    /// Tagline in Arabic.
    pub tagline_ar: Option<String>,
    /// Tagline in English.
    pub tagline_en: Option<String>,
    /// Time zone name.
    pub time_zone: Option<String>,
    /// `ar` or `en`.
    pub default_lang: Option<String>,
    /// `arabic-indic` or `western`.
    pub digits: Option<String>,
    /// The Arabic masthead: (section id, position) of each section shown.
    pub nav_ar: Option<Vec<(String, String)>>,
    /// The English masthead, likewise.
    pub nav_en: Option<Vec<(String, String)>>,
    /// Social links, one a line.
    pub social: Option<String>,
    /// The public address; empty removes it.
    pub contact_email: Option<String>,
    /// Readers may comment.
    pub comments: Option<bool>,
    /// The newsletter pop-up.
    pub newsletter_popup: Option<bool>,
    /// A new logo file.
    pub logo: Option<Vec<u8>>,
    /// Remove the logo.
    pub remove_logo: bool,
}

/// One thing wrong with a submitted form: the field, and a message id (with arguments) of
/// the Fluent files, so the member reads it in their language.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SettingsProblem {
    /// The form field (`name_ar`, `social`, `logo`…).
    pub field: &'static str,
    /// The message id.
    pub key: &'static str,
    /// Its arguments.
    pub args: Vec<(&'static str, String)>,
}

/// Why a save was refused.
#[derive(Debug, thiserror::Error)]
pub enum SettingsError {
    /// The form has problems; nothing was written.
    #[error("settings refused: {}", .0.iter().map(|p| p.key).collect::<Vec<_>>().join(", "))]
    Invalid(Vec<SettingsProblem>),
    /// Anything else (role, store).
    #[error(transparent)]
    App(#[from] AppError),
}

/// The settings page's data.
#[derive(Debug, Clone)]
pub struct SettingsView {
    /// The settings in effect.
    pub settings: SiteSettings,
    /// The fields the configuration file pins.
    pub pinned: Vec<&'static str>,
    /// Every section, in their own order.
    pub sections: Arc<Vec<arabpress_core::model::Section>>,
}

/// What this node holds of the settings.
pub(crate) struct Held {
    pins: SettingsPins,
    current: std::sync::RwLock<Option<Arc<SiteSettings>>>,
    /// The newest change-feed event this node has applied the settings of.
    seen: std::sync::atomic::AtomicI64,
}

impl Held {
    /// Nothing read yet; `pins` win over the database.
    pub(crate) fn new(pins: SettingsPins) -> Held {
        Held {
            pins,
            current: std::sync::RwLock::new(None),
            seen: std::sync::atomic::AtomicI64::new(0),
        }
    }
}

fn problem(field: &'static str, key: &'static str) -> SettingsProblem {
    SettingsProblem {
        field,
        key,
        args: Vec::new(),
    }
}

/// The time zone named `name` (`UTC` or an IANA name).
pub fn time_zone(name: &str) -> Option<TimeZone> {
    if name == "UTC" {
        Some(TimeZone::UTC)
    } else {
        TimeZone::get(name).ok()
    }
}

/// Checks an http(s) address a reader will follow.
fn web_url(v: &str) -> bool {
    let lower = v.to_ascii_lowercase();
    let rest = lower
        .strip_prefix("https://")
        .or_else(|| lower.strip_prefix("http://"));
    let Some(rest) = rest else {
        return false;
    };
    let host = rest.split(['/', '?', '#']).next().unwrap_or_default();
    let host = host.rsplit_once('@').map_or(host, |(_, h)| h);
    v.len() <= MAX_URL_BYTES
        && !host.is_empty()
        && host.contains('.')
        && !v
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || c == '"' || c == '<' || c == '>')
        && host
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '.' | '-' | ':' | '[' | ']'))
}

fn text_field(
    field: &'static str,
    value: &str,
    max: usize,
    problems: &mut Vec<SettingsProblem>,
) -> String {
    if value.chars().any(|c| c.is_control()) {
        problems.push(problem(field, "settings-error-control"));
    }
    let v = arabpress_core::article::collapse_ws(value);
    if v.is_empty() || v.chars().count() > max {
        problems.push(SettingsProblem {
            field,
            key: "settings-error-length",
            args: vec![("max", max.to_string())],
        });
    }
    v
}

/// Reads a masthead's choice: the ids of the sections ticked, ordered by their position
/// field (then by the sections' own order); `None` when that is every section in their own
/// order (so a section added later shows too).
fn nav_choice(
    field: &'static str,
    picked: &[(String, String)],
    sections: &[arabpress_core::model::Section],
    problems: &mut Vec<SettingsProblem>,
) -> Option<Vec<i64>> {
    let mut chosen: Vec<(i64, usize, i64)> = Vec::new();
    for (id, pos) in picked {
        let Some(index) = id
            .trim()
            .parse::<i64>()
            .ok()
            .and_then(|id| sections.iter().position(|s| s.id == id))
        else {
            problems.push(problem(field, "settings-error-section"));
            continue;
        };
        let pos = if pos.trim().is_empty() {
            i64::try_from(index).unwrap_or(i64::MAX).saturating_add(1)
        } else {
            match pos.trim().parse::<i64>() {
                Ok(p) if (0..=1000).contains(&p) => p,
                _ => {
                    problems.push(problem(field, "settings-error-position"));
                    continue;
                }
            }
        };
        let id = sections.get(index).map_or(0, |s| s.id);
        if !chosen.iter().any(|c| c.0 == id) {
            chosen.push((id, index, pos));
        }
    }
    chosen.sort_by_key(|&(_, index, pos)| (pos, index));
    let ids: Vec<i64> = chosen.iter().map(|c| c.0).collect();
    let all: Vec<i64> = sections.iter().map(|s| s.id).collect();
    (ids != all).then_some(ids)
}

impl App {
    fn pins(&self) -> SettingsPins {
        self.inner.settings.pins.clone()
    }

    /// The settings in effect (the defaults and the pins until the first load).
    pub fn site_settings(&self) -> Arc<SiteSettings> {
        if let Some(s) = self
            .inner
            .settings
            .current
            .read()
            .ok()
            .and_then(|g| g.clone())
        {
            return s;
        }
        let mut s = SiteSettings::default();
        self.pins().apply(&mut s);
        Arc::new(s)
    }

    /// The language of `/` when the browser names neither.
    pub fn default_lang(&self) -> Lang {
        self.site_settings().default_lang
    }

    /// Reads the settings from the store, layers the pins over them, and hands them to the
    /// theme; drops every cached page when they changed (every page shows the masthead).
    pub async fn load_settings(&self) -> Result<Arc<SiteSettings>, AppError> {
        // The feed's position first, so a change committed meanwhile is read again later.
        let at = self.store().last_change_id().await?;
        let rows = self.store().site_settings().await?;
        let mut s = SiteSettings::default();
        for (name, value) in &rows {
            if let Err(e) = apply_row(&mut s, name, value) {
                tracing::warn!(setting = %name, error = %e, "ignoring a stored setting");
            }
        }
        self.pins().apply(&mut s);
        let s = Arc::new(s);
        let before = self
            .inner
            .settings
            .current
            .read()
            .ok()
            .and_then(|g| g.clone());
        if let Ok(mut g) = self.inner.settings.current.write() {
            *g = Some(Arc::clone(&s));
        }
        self.inner.settings.seen.fetch_max(at, Ordering::SeqCst);
        self.apply_to_theme(&s);
        if before.as_deref() != Some(&*s) {
            self.cache().clear();
            self.purge();
        }
        Ok(s)
    }

    /// Reloads the settings when the change feed has a settings event this node has not
    /// applied (another node saved them).
    pub(crate) async fn follow_settings(&self) -> Result<(), AppError> {
        let seen = self.inner.settings.seen.load(Ordering::SeqCst);
        if let Some(id) = self.store().settings_change_after(seen).await? {
            self.load_settings().await?;
            self.inner.settings.seen.fetch_max(id, Ordering::SeqCst);
        }
        Ok(())
    }

    fn apply_to_theme(&self, s: &SiteSettings) {
        let theme = self.theme();
        let old = theme.site();
        let site = Site {
            name: s.name.clone(),
            tagline: s.tagline.clone(),
            base_url: old.base_url.clone(),
            full_content_feeds: old.full_content_feeds,
            newsletter_popup: s.newsletter_popup,
        };
        let branding = Branding {
            logo: s.logo.as_ref().map(|l| Logo {
                url: l.url(),
                width: l.width,
                height: l.height,
            }),
            artwork: s.logo.as_ref().and_then(|l| {
                l.artwork.as_ref().map(|a| Artwork {
                    url: format!("/media/{}/{a}", l.sha256),
                    side: logo::artwork_side(&l.file, l.width, l.height),
                })
            }),
            touch_icon: s.logo.as_ref().and_then(|l| {
                l.touch_icon
                    .as_ref()
                    .map(|a| format!("/media/{}/{a}", l.sha256))
            }),
            icon: s
                .logo
                .as_ref()
                .and_then(|l| l.icon.as_ref().map(|a| format!("/media/{}/{a}", l.sha256))),
            // An address on a reserved `.invalid` domain (the configuration's default for a
            // site without a dotted host) reaches no one, so it names no owner.
            mail_from: self
                .mail()
                .map(|m| m.mailer.address())
                .filter(|a| !a.to_ascii_lowercase().ends_with(".invalid")),
            nav: s.nav.clone(),
            social: s.social.clone(),
            contact_email: s.contact_email.clone(),
            digits: s.digits,
            comments: s.comments,
        };
        let tz = time_zone(&s.time_zone).unwrap_or_else(|| {
            tracing::warn!(zone = %s.time_zone, "unknown time zone; using UTC");
            TimeZone::UTC
        });
        theme.apply(site, branding, tz);
    }

    /// The settings page's data, for an owner or admin.
    pub async fn settings_view_as(&self, actor: &User) -> Result<SettingsView, AppError> {
        if !actor.role.can_manage_users() {
            return Err(forbidden(actor, "change the site's settings"));
        }
        Ok(SettingsView {
            settings: (*self.site_settings()).clone(),
            pinned: self.pins().pinned(),
            sections: self.sections().await?,
        })
    }

    /// Checks and saves the settings page, for an owner or admin: every problem is
    /// reported at once and nothing is written while any remains. Only what changed is
    /// written (one audit line each), with a change event in the same transaction; then
    /// this node applies them (the others do when they follow the feed).
    pub async fn save_settings_as(
        &self,
        actor: &User,
        form: SettingsForm,
    ) -> Result<SiteSettings, SettingsError> {
        if !actor.role.can_manage_users() || !actor.active {
            return Err(forbidden(actor, "change the site's settings").into());
        }
        let pinned = self.pins().pinned();
        let free = |f: &str| !pinned.contains(&f);
        let current = self.site_settings();
        let sections = self.sections().await?;
        let mut problems = Vec::new();
        let mut changes: Vec<(&'static str, serde_json::Value)> = Vec::new();
        let mut change = |name: &'static str, new: serde_json::Value, old: serde_json::Value| {
            if new != old {
                changes.push((name, new));
            }
        };
        for (field, value, old, max) in [
            ("name_ar", &form.name_ar, &current.name.ar, MAX_NAME_CHARS),
            ("name_en", &form.name_en, &current.name.en, MAX_NAME_CHARS),
            (
                "tagline_ar",
                &form.tagline_ar,
                &current.tagline.ar,
                MAX_TAGLINE_CHARS,
            ),
            (
                "tagline_en",
                &form.tagline_en,
                &current.tagline.en,
                MAX_TAGLINE_CHARS,
            ),
        ] {
            if let Some(v) = value.as_deref().filter(|_| free(field)) {
                let v = text_field(field, v, max, &mut problems);
                change(field, v.into(), old.as_str().into());
            }
        }
        if let Some(tz) = form.time_zone.as_deref().filter(|_| free("time_zone")) {
            let tz = tz.trim();
            if time_zone(tz).is_none() {
                problems.push(SettingsProblem {
                    field: "time_zone",
                    key: "settings-error-time-zone",
                    args: vec![("value", tz.chars().take(60).collect())],
                });
            }
            change("time_zone", tz.into(), current.time_zone.as_str().into());
        }
        if let Some(l) = form
            .default_lang
            .as_deref()
            .filter(|_| free("default_lang"))
        {
            match l.parse::<Lang>() {
                Ok(l) => change(
                    "default_lang",
                    l.code().into(),
                    current.default_lang.code().into(),
                ),
                Err(_) => problems.push(problem("default_lang", "settings-error-language")),
            }
        }
        if let Some(d) = form.digits.as_deref() {
            match Digits::parse(d.trim()) {
                Some(d) => change("digits", d.code().into(), current.digits.code().into()),
                None => problems.push(problem("digits", "settings-error-digits")),
            }
        }
        for (field, picked, old) in [
            ("nav_ar", &form.nav_ar, &current.nav.ar),
            ("nav_en", &form.nav_en, &current.nav.en),
        ] {
            if let Some(picked) = picked {
                let new = nav_choice(field, picked, &sections, &mut problems);
                change(field, serde_json::json!(new), serde_json::json!(old));
            }
        }
        if let Some(text) = &form.social {
            let links: Vec<String> = text
                .lines()
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .map(str::to_owned)
                .collect();
            if links.len() > MAX_SOCIAL_LINKS {
                problems.push(SettingsProblem {
                    field: "social",
                    key: "settings-error-social-count",
                    args: vec![("max", MAX_SOCIAL_LINKS.to_string())],
                });
            }
            for l in &links {
                if !web_url(l) {
                    problems.push(SettingsProblem {
                        field: "social",
                        key: "settings-error-url",
                        args: vec![("value", l.chars().take(80).collect())],
                    });
                }
            }
            change(
                "social",
                serde_json::json!(links),
                serde_json::json!(current.social),
            );
        }
        if let Some(email) = &form.contact_email {
            let email = email.trim();
            let new = if email.is_empty() {
                None
            } else {
                match arabpress_core::user::normalise_email(email) {
                    Ok(e) => Some(e),
                    Err(_) => {
                        problems.push(SettingsProblem {
                            field: "contact_email",
                            key: "settings-error-email",
                            args: vec![("value", email.chars().take(80).collect())],
                        });
                        None
                    }
                }
            };
            change(
                "contact_email",
                serde_json::json!(new),
                serde_json::json!(current.contact_email),
            );
        }
        if let Some(on) = form.comments {
            change("comments", on.into(), current.comments.into());
        }
        if let Some(on) = form.newsletter_popup.filter(|_| free("newsletter_popup")) {
            change(
                "newsletter_popup",
                on.into(),
                current.newsletter_popup.into(),
            );
        }
        let mut checked = None;
        if let Some(bytes) = form.logo {
            let done = tokio::task::spawn_blocking(move || logo::check(&bytes))
                .await
                .map_err(|e| AppError::internal("logo task", e))?;
            match done {
                Ok(l) => checked = Some(l),
                Err(LogoProblem { key, args }) => problems.push(SettingsProblem {
                    field: "logo",
                    key,
                    args,
                }),
            }
        } else if form.remove_logo && current.logo.is_some() {
            change(
                "logo",
                serde_json::Value::Null,
                serde_json::json!(current.logo),
            );
        }
        if !problems.is_empty() {
            return Err(SettingsError::Invalid(problems));
        }
        if let Some(l) = checked {
            let stored = self.store_logo(l).await?;
            change(
                "logo",
                serde_json::json!(stored),
                serde_json::json!(current.logo),
            );
        }
        let rows: Vec<(String, String)> = changes
            .iter()
            .map(|(n, v)| ((*n).to_owned(), v.to_string()))
            .collect();
        self.store()
            .save_site_settings(&rows, Some(actor.id), self.now())
            .await
            .map_err(AppError::from)?;
        let s = self.load_settings().await?;
        Ok((*s).clone())
    }

    /// Writes a checked logo (and its artwork) to the media store, the logo last.
    async fn store_logo(&self, l: logo::CheckedLogo) -> Result<StoredLogo, AppError> {
        use sha2::{Digest, Sha256};
        let sha = hex::encode(Sha256::digest(&l.bytes));
        let mut files = Vec::new();
        let artwork = l.artwork.map(|a| {
            files.push(("artwork.png".to_owned(), a));
            "artwork.png".to_owned()
        });
        let touch_icon = l.touch_icon.map(|a| {
            files.push(("touch-icon.png".to_owned(), a));
            "touch-icon.png".to_owned()
        });
        let icon = l.icon.map(|a| {
            files.push(("icon.png".to_owned(), a));
            "icon.png".to_owned()
        });
        files.push((l.file.to_owned(), l.bytes));
        self.put_media(&sha, files).await?;
        Ok(StoredLogo {
            sha256: sha,
            file: l.file.to_owned(),
            width: l.width,
            height: l.height,
            artwork,
            touch_icon,
            icon,
        })
    }
}

/// Applies one stored row to `s`.
fn apply_row(s: &mut SiteSettings, name: &str, value: &str) -> Result<(), String> {
    let v: serde_json::Value = serde_json::from_str(value).map_err(|e| e.to_string())?;
    let text = || v.as_str().map(str::to_owned).ok_or("not text");
    let flag = || v.as_bool().ok_or("not true or false");
    match name {
        "name_ar" => s.name.ar = text()?,
        "name_en" => s.name.en = text()?,
        "tagline_ar" => s.tagline.ar = text()?,
        "tagline_en" => s.tagline.en = text()?,
        "time_zone" => {
            let tz = text()?;
            if time_zone(&tz).is_none() {
                return Err(format!("unknown time zone {tz:?}"));
            }
            s.time_zone = tz;
        }
        "default_lang" => s.default_lang = text()?.parse().map_err(|_| "not ar or en")?,
        "digits" => s.digits = Digits::parse(&text()?).ok_or("not arabic-indic or western")?,
        "logo" => s.logo = serde_json::from_value(v).map_err(|e| e.to_string())?,
        "nav_ar" => s.nav.ar = serde_json::from_value(v).map_err(|e| e.to_string())?,
        "nav_en" => s.nav.en = serde_json::from_value(v).map_err(|e| e.to_string())?,
        "social" => s.social = serde_json::from_value(v).map_err(|e| e.to_string())?,
        "contact_email" => {
            s.contact_email = serde_json::from_value(v).map_err(|e| e.to_string())?;
        }
        "comments" => s.comments = flag()?,
        "newsletter_popup" => s.newsletter_popup = flag()?,
        other => return Err(format!("unknown setting {other:?}")),
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn social_links_must_be_web_addresses() {
        for good in [
            "https://x.com/arabpress",
            "http://facebook.com/arabpress?ref=1",
            "https://www.youtube.com/@arabpress",
        ] {
            assert!(web_url(good), "{good}");
        }
        for bad in [
            "javascript:alert(1)",
            "ftp://x.example/a",
            "https://",
            "https://localhost",
            "https://x.example/a b",
            "https://x.example/\"onmouseover=\"x",
            "//x.example",
            "x.example",
        ] {
            assert!(!web_url(bad), "{bad}");
        }
    }

    #[test]
    fn stored_rows_are_read_and_bad_ones_reported() {
        let mut s = SiteSettings::default();
        assert!(apply_row(&mut s, "name_en", "\"Gulf Press\"").is_ok());
        assert!(apply_row(&mut s, "nav_ar", "[3, 1]").is_ok());
        assert!(apply_row(&mut s, "comments", "true").is_ok());
        assert_eq!(s.name.en, "Gulf Press");
        assert_eq!(s.nav.ar, Some(vec![3, 1]));
        assert!(s.comments);
        assert!(apply_row(&mut s, "time_zone", "\"Mars/Olympus\"").is_err());
        assert!(apply_row(&mut s, "default_lang", "\"fr\"").is_err());
        assert!(apply_row(&mut s, "colour", "\"red\"").is_err());
        assert_eq!(s.time_zone, "UTC");
    }

    #[test]
    fn pins_win_and_are_listed() {
        let pins = SettingsPins {
            name_en: Some("File Press".into()),
            time_zone: Some("Asia/Riyadh".into()),
            newsletter_popup: Some(false),
            ..SettingsPins::default()
        };
        let mut s = SiteSettings::default();
        s.name.en = "Database Press".into();
        pins.apply(&mut s);
        assert_eq!(s.name.en, "File Press");
        assert_eq!(s.time_zone, "Asia/Riyadh");
        assert!(!s.newsletter_popup);
        assert_eq!(
            pins.pinned(),
            vec!["name_en", "time_zone", "newsletter_popup"]
        );
    }
}
