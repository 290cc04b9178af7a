//! The template environment and one render function per page type.

use crate::dates::Dates;
use crate::messages::Messages;
use crate::views::{
    ArticleModel, CorrectionItem, HomeModel, InfoModel, ListKind, ListModel, ListTotal,
    MessageModel, SearchModel,
};
use crate::{PerLang, RenderError, assets};
use arabpress_core::Lang;
use fluent_bundle::{FluentArgs, FluentValue};
use jiff::tz::TimeZone;
use minijinja::value::{Kwargs, Value};
use minijinja::{AutoEscape, Environment, State, context};
use std::path::Path;
use std::sync::{Arc, RwLock};

/// The site identity the theme prints.
#[derive(Debug, Clone)]
pub struct Site {
    /// Site name per language.
    pub name: PerLang<String>,
    /// Tagline per language.
    pub tagline: PerLang<String>,
    /// Public base URL, without a trailing slash (e.g. `https://arabpress.example`).
    pub base_url: String,
    /// Feeds carry whole articles (`true`) or their standfirsts.
    pub full_content_feeds: bool,
    /// Article pages offer the newsletter in a pop-up (besides the box).
    pub newsletter_popup: bool,
}

/// What the newsroom's settings add to the site identity: the logo, the navigation of each
/// language, social links and the comments switch. The default is the site as shipped (the
/// theme's own logo, every section in the navigation, no social links, comments off).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Branding {
    /// The uploaded logo, if any.
    pub logo: Option<Logo>,
    /// The uploaded logo's square podcast artwork, when one was made.
    pub artwork: Option<Artwork>,
    /// The uploaded logo's home-screen icon, as a site path, when one was made.
    pub touch_icon: Option<String>,
    /// The uploaded logo's PNG icon (192 px), as a site path, when one was made.
    pub icon: Option<String>,
    /// The newsroom's public address (contact page, podcast owner), when set.
    pub contact_email: Option<String>,
    /// The address the site's mail is sent from, when mail is set up: the podcast owner's
    /// address when no public address is set.
    pub mail_from: Option<String>,
    /// How digits are written on Arabic pages.
    pub digits: crate::Digits,
    /// The sections in each language's masthead, by id and in order; `None`: every
    /// section, in the sections' own order.
    pub nav: PerLang<Option<Vec<i64>>>,
    /// The site's pages elsewhere (absolute http(s) URLs), for the footer and `sameAs`.
    pub social: Vec<String>,
    /// Readers may comment (for the comments feature; the theme only exposes it).
    pub comments: bool,
}

/// A square podcast artwork drawn from the uploaded logo.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Artwork {
    /// Its site path (`/media/{sha}/artwork.png`).
    pub url: String,
    /// Its side in pixels (1400-3000).
    pub side: u32,
}

/// An uploaded logo.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Logo {
    /// Its site path (`/media/{sha}/logo.svg` or `logo.png`).
    pub url: String,
    /// Its width in pixels, when known.
    pub width: Option<u32>,
    /// Its height in pixels, when known.
    pub height: Option<u32>,
}

// `TEMPLATES`: every template under `templates/` as (its name, its text), listed by build.rs.
include!(concat!(env!("OUT_DIR"), "/templates.rs"));

/// Writes a value into HTML: safe strings as they are, everything else with `& < > " '`
/// escaped (minijinja's default also escapes `/`, which bloats every URL for no gain).
fn html_formatter(
    out: &mut minijinja::Output<'_>,
    state: &mut State<'_, '_>,
    value: &Value,
) -> Result<(), minijinja::Error> {
    if value.is_safe()
        || *state.auto_escape() == AutoEscape::None
        || value.is_undefined()
        || value.is_none()
    {
        return minijinja::escape_formatter(out, state, value);
    }
    let text = value.to_string();
    let mut escaped = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '&' => escaped.push_str("&amp;"),
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            '"' => escaped.push_str("&quot;"),
            '\'' => escaped.push_str("&#39;"),
            other => escaped.push(other),
        }
    }
    out.write_str(&escaped)
        .map_err(|e| minijinja::Error::new(minijinja::ErrorKind::WriteFailure, e.to_string()))
}

/// Wraps a serialisable view for a template context.
fn ser<T: serde::Serialize>(v: T) -> Value {
    Value::from(minijinja::value::Serde(v))
}

/// The loaded theme; shared by every request.
pub struct Theme {
    env: Environment<'static>,
    messages: Arc<Messages>,
    dates: Dates,
    /// Replaced as a whole when the newsroom's settings change; each render reads one.
    site: RwLock<Arc<Site>>,
    branding: RwLock<Arc<Branding>>,
    asset_version: String,
}

/// Reads a shared value, even from a lock a panicking writer left poisoned.
fn read<T>(lock: &RwLock<Arc<T>>) -> Arc<T> {
    match lock.read() {
        Ok(g) => Arc::clone(&g),
        Err(p) => Arc::clone(&p.into_inner()),
    }
}

fn write<T>(lock: &RwLock<Arc<T>>, value: T) {
    match lock.write() {
        Ok(mut g) => *g = Arc::new(value),
        Err(p) => *p.into_inner() = Arc::new(value),
    }
}

impl Theme {
    /// Loads the embedded theme; a file of the same name in `override_dir` replaces an
    /// embedded template. Every template is parsed here, so a broken theme fails at start.
    pub fn new(
        site: Site,
        tz: TimeZone,
        override_dir: Option<&Path>,
    ) -> Result<Theme, RenderError> {
        let messages = Arc::new(Messages::new()?);
        let mut env = Environment::new();
        // Plain-text mail parts are not HTML.
        env.set_auto_escape_callback(|name| {
            if name.ends_with(".txt") {
                AutoEscape::None
            } else {
                AutoEscape::Html
            }
        });
        env.set_formatter(html_formatter);
        env.set_syntax(
            minijinja::syntax::SyntaxConfig::builder()
                .trim_blocks(true)
                .lstrip_blocks(true)
                .build()?,
        );
        for (name, embedded) in TEMPLATES {
            let source = match override_dir.map(|d| d.join(name)).filter(|p| p.is_file()) {
                Some(p) => std::fs::read_to_string(&p).map_err(|source| RenderError::Io {
                    path: p.display().to_string(),
                    source,
                })?,
                None => (*embedded).to_owned(),
            };
            env.add_template_owned(*name, source)?;
        }
        let m = Arc::clone(&messages);
        env.add_function(
            "t",
            move |state: &State, key: &str, kwargs: Kwargs| -> Result<String, minijinja::Error> {
                let lang = state
                    .lookup("lang")
                    .and_then(|v| v.as_str().and_then(|s| s.parse::<Lang>().ok()))
                    .unwrap_or(Lang::En);
                let mut args = FluentArgs::new();
                for name in kwargs.args() {
                    let v: Value = kwargs.get(name)?;
                    let fv = match i64::try_from(v.clone()) {
                        Ok(n) => FluentValue::from(n),
                        Err(_) => FluentValue::from(v.to_string()),
                    };
                    args.set(name.to_owned(), fv);
                }
                Ok(m.get(lang, key, Some(&args)))
            },
        );
        Ok(Theme {
            env,
            messages,
            dates: Dates::new(tz)?,
            site: RwLock::new(Arc::new(site)),
            branding: RwLock::new(Arc::new(Branding::default())),
            asset_version: assets::version(),
        })
    }

    /// Date formatting for the site's zone.
    pub fn dates(&self) -> &Dates {
        &self.dates
    }

    /// UI messages.
    pub fn messages(&self) -> &Messages {
        &self.messages
    }

    /// The site identity.
    pub fn site(&self) -> Arc<Site> {
        read(&self.site)
    }

    /// The logo, navigation, social links and switches set in the newsroom.
    pub fn branding(&self) -> Arc<Branding> {
        read(&self.branding)
    }

    /// Replaces the site identity, the branding and the time zone (the newsroom's
    /// settings changed); pages rendered from now on show them.
    pub fn apply(&self, site: Site, branding: Branding, tz: TimeZone) {
        write(&self.site, site);
        write(&self.branding, branding);
        self.dates.set_tz(tz);
    }

    /// The assets fingerprint used in `/static/…?v=` URLs.
    pub fn asset_version(&self) -> &str {
        &self.asset_version
    }

    fn render(&self, name: &str, ctx: Value) -> Result<String, RenderError> {
        Ok(self.env.get_template(name)?.render(ctx)?)
    }

    /// A reader's page: rendered, then, in Arabic, its digits written in the house style.
    fn page(&self, lang: Lang, name: &str, ctx: Value) -> Result<String, RenderError> {
        let html = self.render(name, ctx)?;
        Ok(match lang {
            Lang::Ar => crate::digits::house_style(&html, self.branding().digits),
            Lang::En => html,
        })
    }

    /// The home page.
    pub fn home(&self, m: &HomeModel) -> Result<String, RenderError> {
        let s = &m.frame.sections;
        let blocks: Vec<Value> = m
            .blocks
            .iter()
            .map(|(sec, items)| {
                context! {
                    name => sec.name(m.frame.lang),
                    url => crate::views::section_url(m.frame.lang, &sec.slug),
                    slug => &sec.slug,
                    items => ser(self.cards(items, s)),
                }
            })
            .collect();
        self.page(
            m.frame.lang,
            "home.html",
            context! {
                ..ser(self.chrome(&m.frame)),
                ..context! {
                    page_kind => "home",
                    title => self.site().name.get(m.frame.lang),
                    description => self.site().tagline.get(m.frame.lang),
                    jsonld => self.home_jsonld(m.frame.lang),
                    lead => m.lead.as_ref().map(|l| ser(self.card(l, s))),
                    secondary => ser(self.cards(&m.secondary, s)),
                    latest => ser(self.cards(&m.latest, s)),
                    blocks => blocks,
                    most_recent => ser(self.cards(&m.most_recent, s)),
                    most_read => ser(self.cards(&m.most_read, s)),
                }
            },
        )
    }

    /// An article page.
    pub fn article(&self, m: &ArticleModel) -> Result<String, RenderError> {
        let s = &m.frame.sections;
        let a = &m.article;
        let (share_image, share_alt) = self.share_image(a);
        self.page(
            m.frame.lang,
            "article.html",
            context! {
                ..ser(self.chrome(&m.frame)),
                ..context! {
                    page_kind => "article",
                    title => format!(
                        "{} — {}",
                        a.seo_title.as_deref().unwrap_or(&a.summary.headline),
                        self.site().name.get(m.frame.lang)
                    ),
                    description => a.seo_description.as_deref().unwrap_or(&a.summary.standfirst),
                    og_type => "article",
                    og_title => &a.summary.headline,
                    og_image => share_image,
                    og_image_alt => share_alt,
                    jsonld => self.article_jsonld(a, m.section.as_ref()),
                    meta_published => a.summary.published_at.map(|t| self.dates().iso(t)),
                    meta_modified => self.dates().iso(a.summary.updated_at),
                    meta_section => m.section.as_ref().map(|x| x.name(m.frame.lang).to_owned()),
                    meta_tags => a.tags.iter().map(|t| t.name.clone()).collect::<Vec<_>>(),
                    article => ser(self.article_view(a, s)),
                    translation => m.translation.as_ref().map(|t| ser(self.card(t, s))),
                    related => ser(self.cards(&m.related, s)),
                    more => ser(self.cards(&m.more, s)),
                }
            },
        )
    }

    /// A section, tag or author page.
    pub fn list(&self, m: &ListModel) -> Result<String, RenderError> {
        let lang = m.frame.lang;
        let mut args = FluentArgs::new();
        let (kind, name, bio) = match &m.kind {
            ListKind::Section(s) => ("section", s.name(lang).to_owned(), None),
            ListKind::Tag(t) => ("tag", t.clone(), None),
            ListKind::Author(a) => (
                "author",
                a.name(lang).to_owned(),
                Some(a.bio(lang).to_owned()),
            ),
        };
        args.set("name", name.clone());
        let heading = self
            .messages
            .get(lang, &format!("{kind}-page-title"), Some(&args));
        // A deeper page says which days its stories span, newest first as listed.
        let span = m.total.is_none().then(|| {
            let days: Vec<String> = [m.items.first(), m.items.last()]
                .into_iter()
                .flatten()
                .filter_map(|s| s.published_at)
                .map(|at| self.dates().short_date(lang, at))
                .collect();
            match days.as_slice() {
                [newest, oldest] if newest != oldest => format!("{oldest} – {newest}"),
                [day, ..] => day.clone(),
                [] => String::new(),
            }
        });
        let title = match &span {
            Some(span) => format!("{heading} — {span} — {}", self.site().name.get(lang)),
            None => format!("{heading} — {}", self.site().name.get(lang)),
        };
        self.page(
            m.frame.lang,
            "list.html",
            context! {
                ..ser(self.chrome(&m.frame)),
                ..context! {
                    page_kind => kind,
                    title => title,
                    heading => heading,
                    bio => bio.filter(|b| !b.is_empty()),
                    total => m.total.map(|t| match t {
                        ListTotal::Exactly(n) | ListTotal::MoreThan(n) => n,
                    }),
                    total_over => matches!(m.total, Some(ListTotal::MoreThan(_))),
                    span => span,
                    items => ser(self.cards(&m.items, &m.frame.sections)),
                    most_read => ser(self.cards(&m.most_read, &m.frame.sections)),
                    newer_url => &m.newer,
                    older_url => &m.older,
                }
            },
        )
    }

    /// The search page.
    pub fn search(&self, m: &SearchModel) -> Result<String, RenderError> {
        let lang = m.frame.lang;
        let heading = if m.form.q.trim().is_empty() {
            self.messages.get(lang, "search-title", None)
        } else {
            let mut a = FluentArgs::new();
            a.set("query", m.form.q.trim().to_owned());
            self.messages.get(lang, "search-results-for", Some(&a))
        };
        let pager = crate::views::pager(&m.frame.path, m.page, m.per_page, m.total);
        let title = format!("{heading} — {}", self.site().name.get(lang));
        self.page(
            m.frame.lang,
            "search.html",
            context! {
                ..ser(self.chrome(&m.frame)),
                ..context! {
                    page_kind => "search",
                    title => title,
                    heading => heading,
                    noindex => true,
                    q => m.form.q.clone(),
                    filter_section => m.form.section.clone(),
                    filter_author => m.form.author.clone(),
                    filter_from => m.form.from.clone(),
                    filter_to => m.form.to.clone(),
                    authors => m.authors.iter().map(|a| context!{ slug => a.slug.clone(), name => a.name(lang).to_owned() }).collect::<Vec<_>>(),
                    sections => m.frame.sections.iter().map(|s| context!{ slug => s.slug.clone(), name => s.name(lang).to_owned() }).collect::<Vec<_>>(),
                    total => m.total,
                    searched => m.problem.is_none() && !m.form.q.trim().is_empty(),
                    hits => ser(self.hits(&m.hits, &m.frame.sections)),
                    partial => m.partial,
                    suggestion => m.suggestion.clone(),
                    problem => m.problem,
                    truncated => m.truncated,
                    bad_filter => m.bad_filter,
                    pager => ser(pager),
                }
            },
        )
    }

    /// A newsroom page: `template` under `admin/`, with `data` (built by the web layer)
    /// merged over the newsroom's chrome (language, direction, site name, assets).
    pub fn admin(
        &self,
        template: &str,
        lang: Lang,
        data: &serde_json::Value,
    ) -> Result<String, RenderError> {
        self.render(
            &format!("admin/{template}.html"),
            context! {
                ..ser(data),
                ..context! {
                    lang => lang.code(),
                    dir => lang.dir(),
                    other_lang => lang.other().code(),
                    site_name => self.site().name.get(lang),
                    asset_version => &self.asset_version,
                }
            },
        )
    }

    /// A mail: `mail/{template}.html` and `mail/{template}.txt` with `data` over the
    /// site identity, in `lang`. Returns the HTML and the plain text.
    pub fn mail(
        &self,
        template: &str,
        lang: Lang,
        data: &serde_json::Value,
    ) -> Result<(String, String), RenderError> {
        let ctx = context! {
            ..ser(data),
            ..context! {
                lang => lang.code(),
                dir => lang.dir(),
                align => if lang.dir() == "rtl" { "right" } else { "left" },
                site_name => self.site().name.get(lang),
                tagline => self.site().tagline.get(lang),
                base_url => &self.site().base_url,
            }
        };
        Ok((
            self.render(&format!("mail/{template}.html"), ctx.clone())?,
            self.render(&format!("mail/{template}.txt"), ctx)?,
        ))
    }

    /// A newsletter page for readers (sign-up result, preferences, unsubscribe), with
    /// `data` over the site's chrome.
    pub fn newsletter_page(
        &self,
        frame: &crate::views::Frame,
        data: &serde_json::Value,
    ) -> Result<String, RenderError> {
        let heading = data
            .get("heading_key")
            .and_then(|k| k.as_str())
            .map(|k| self.messages.get(frame.lang, k, None))
            .unwrap_or_default();
        self.page(
            frame.lang,
            "newsletter.html",
            context! {
                ..ser(data),
                ..ser(self.chrome(frame)),
                ..context! {
                    page_kind => "newsletter",
                    title => format!("{heading} — {}", self.site().name.get(frame.lang)),
                }
            },
        )
    }

    /// One of the site's pages about itself: about, contact, or the corrections policy with
    /// the newest corrections.
    pub fn info(&self, m: &InfoModel) -> Result<String, RenderError> {
        let lang = m.frame.lang;
        let site = self.site().name.get(lang).clone();
        let mut args = FluentArgs::new();
        args.set("site", site.clone());
        let heading = self.messages.get(
            lang,
            &format!("info-{}-title", m.page.segment()),
            Some(&args),
        );
        let corrections: Vec<CorrectionItem> = m
            .corrections
            .iter()
            .map(|(a, c)| CorrectionItem {
                headline: a.headline.clone(),
                url: crate::views::article_url(lang, &a.slug),
                date: self.dates().zoned_date_time(lang, c.created_at),
                iso: self.dates().iso(c.created_at),
                note: c.note.clone(),
            })
            .collect();
        self.page(
            lang,
            "info.html",
            context! {
                ..ser(self.chrome(&m.frame)),
                ..context! {
                    page_kind => m.page.segment(),
                    title => format!("{heading} — {site}"),
                    description => self.messages.get(lang, &format!("info-{}-description", m.page.segment()), Some(&args)),
                    heading => heading,
                    corrections => ser(corrections),
                    contact_email => self.branding().contact_email.clone(),
                }
            },
        )
    }

    /// An error or notice page.
    pub fn message(&self, m: &MessageModel) -> Result<String, RenderError> {
        let lang = m.frame.lang;
        self.page(
            lang,
            "message.html",
            context! {
                ..ser(self.chrome(&m.frame)),
                ..context! {
                    page_kind => "message",
                    title => format!("{} — {}", self.messages.get(lang, m.title_key, None), self.site().name.get(lang)),
                    heading => self.messages.get(lang, m.title_key, None),
                    text => self.messages.get(lang, m.text_key, None),
                }
            },
        )
    }
}
