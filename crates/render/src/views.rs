//! Page models (what the application hands the theme) and the views templates see: the
//! same data with URLs built, dates formatted in the page language and labels translated.

use crate::Theme;
use arabpress_core::model::{Article, ArticleSummary, Author, Correction, Section};
use arabpress_core::{Image, Lang, arabic};
use jiff::Timestamp;
use serde::Serialize;

/// What every page shares: language, the moment it is rendered for, the navigation.
#[derive(Debug, Clone)]
pub struct Frame {
    /// The page language.
    pub lang: Lang,
    /// "Now", for the masthead date.
    pub now: Timestamp,
    /// Sections for the navigation, in order.
    pub sections: Vec<Section>,
    /// This page's path, e.g. `/en/section/world`.
    pub path: String,
    /// The same page in the other language, when it exists; otherwise that language's home.
    pub alternate: Option<String>,
    /// The section the page belongs to, highlighted in the navigation.
    pub current_section: Option<i64>,
    /// The story on the breaking-news ribbon, and when it leaves it.
    pub breaking: Option<(ArticleSummary, Timestamp)>,
}

/// The home page: a lead story, the latest stories, a block per section, a list of headlines.
#[derive(Debug, Clone)]
pub struct HomeModel {
    /// Shared page data.
    pub frame: Frame,
    /// The top story.
    pub lead: Option<ArticleSummary>,
    /// The stories beside it, with their pictures when they have one.
    pub secondary: Vec<ArticleSummary>,
    /// The next newest stories, as a dense list.
    pub latest: Vec<ArticleSummary>,
    /// A few stories per section.
    pub blocks: Vec<(Section, Vec<ArticleSummary>)>,
    /// Further headlines.
    pub most_recent: Vec<ArticleSummary>,
    /// The stories read most lately.
    pub most_read: Vec<ArticleSummary>,
}

/// An article page.
#[derive(Debug, Clone)]
pub struct ArticleModel {
    /// Shared page data.
    pub frame: Frame,
    /// The article.
    pub article: Article,
    /// Its section.
    pub section: Option<Section>,
    /// The version in the other language, if published.
    pub translation: Option<ArticleSummary>,
    /// Related stories.
    pub related: Vec<ArticleSummary>,
    /// More headlines.
    pub more: Vec<ArticleSummary>,
}

/// What a list page lists.
#[derive(Debug, Clone)]
pub enum ListKind {
    /// A section's stories.
    Section(Section),
    /// A tag's stories.
    Tag(String),
    /// An author's stories.
    Author(Author),
}

/// A section, tag or author page.
#[derive(Debug, Clone)]
pub struct ListModel {
    /// Shared page data.
    pub frame: Frame,
    /// What is listed.
    pub kind: ListKind,
    /// This page's stories.
    pub items: Vec<ArticleSummary>,
    /// A section's stories read most lately (its first page only).
    pub most_read: Vec<ArticleSummary>,
    /// Stories in the whole list, on its first page (deeper pages do not count them, so
    /// that any depth costs the same; they show the dates they span instead).
    pub total: Option<ListTotal>,
    /// The page of newer stories, unless this is the first.
    pub newer: Option<String>,
    /// The page of older stories, if there are any.
    pub older: Option<String>,
}

/// How many stories a list holds, as its first page says it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ListTotal {
    /// This many.
    Exactly(u64),
    /// More than this many: a long list is counted no further.
    MoreThan(u64),
}

/// One search result: the article, and its headline and best passage with the matched
/// words flagged.
#[derive(Debug, Clone)]
pub struct SearchHit {
    /// The article.
    pub summary: ArticleSummary,
    /// Headline runs, each flagged when it is a match.
    pub headline: Vec<(String, bool)>,
    /// Passage runs, each flagged when it is a match.
    pub snippet: Vec<(String, bool)>,
}

/// The search page: the form (with the reader's query and filters) and the results.
#[derive(Debug, Clone, Default)]
pub struct SearchForm {
    /// The words searched.
    pub q: String,
    /// Section slug filter.
    pub section: String,
    /// Author slug filter.
    pub author: String,
    /// Earliest date (YYYY-MM-DD).
    pub from: String,
    /// Latest date (YYYY-MM-DD).
    pub to: String,
}

/// The search page.
#[derive(Debug, Clone)]
pub struct SearchModel {
    /// Shared page data.
    pub frame: Frame,
    /// What was asked.
    pub form: SearchForm,
    /// Authors for the author filter.
    pub authors: Vec<Author>,
    /// Results on this page.
    pub hits: Vec<SearchHit>,
    /// Matches in all.
    pub total: u64,
    /// 1-based page.
    pub page: u32,
    /// Results per page.
    pub per_page: u32,
    /// No result had every word; these have some.
    pub partial: bool,
    /// A query that finds something, when this one found nothing.
    pub suggestion: Option<String>,
    /// Message id explaining why nothing was searched, if so.
    pub problem: Option<&'static str>,
    /// The query was cut to its first words.
    pub truncated: bool,
    /// A filter value was not understood (message id).
    pub bad_filter: Option<&'static str>,
}

/// A page that only says something: errors, notices.
#[derive(Debug, Clone)]
pub struct MessageModel {
    /// Shared page data.
    pub frame: Frame,
    /// Message id of the title.
    pub title_key: &'static str,
    /// Message id of the text.
    pub text_key: &'static str,
}

/// The site's own pages about itself, linked from every page's footer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InfoPage {
    /// Who publishes the site and by what principles (`/{lang}/about`).
    About,
    /// How to reach the newsroom (`/{lang}/contact`).
    Contact,
    /// The corrections policy and the latest corrections (`/{lang}/corrections`).
    Corrections,
}

impl InfoPage {
    /// Every one, in the footer's order.
    pub const ALL: [InfoPage; 3] = [InfoPage::About, InfoPage::Contact, InfoPage::Corrections];

    /// Its path segment (`about`, `contact`, `corrections`).
    pub fn segment(self) -> &'static str {
        match self {
            InfoPage::About => "about",
            InfoPage::Contact => "contact",
            InfoPage::Corrections => "corrections",
        }
    }
}

/// Data for one of the site's pages about itself.
pub struct InfoModel {
    /// Shared page data.
    pub frame: Frame,
    /// Which page.
    pub page: InfoPage,
    /// For the corrections page: the newest corrections, each with its (public) article.
    pub corrections: Vec<(ArticleSummary, Correction)>,
}

#[derive(Serialize)]
pub(crate) struct BreakingView {
    id: i64,
    headline: String,
    url: String,
    date: String,
    iso: String,
}

#[derive(Serialize)]
pub(crate) struct CorrectionItem {
    pub(crate) headline: String,
    pub(crate) url: String,
    pub(crate) date: String,
    pub(crate) iso: String,
    pub(crate) note: String,
}

#[derive(Serialize)]
pub(crate) struct NavItem {
    name: String,
    url: String,
    slug: String,
    current: bool,
}

#[derive(Serialize)]
pub(crate) struct SocialLink {
    url: String,
    /// The host, without `www.`.
    label: String,
}

#[derive(Serialize)]
pub(crate) struct LogoView {
    url: String,
    width: Option<u32>,
    height: Option<u32>,
}

#[derive(Serialize)]
pub(crate) struct Chrome {
    newsletter_popup: bool,
    comments_enabled: bool,
    logo: Option<LogoView>,
    /// The phones' home-screen icon: the uploaded logo's, else the theme's.
    touch_icon: String,
    /// The SVG icon, when there is one ([`Theme::svg_icon`]).
    svg_icon: Option<String>,
    /// The PNG icon ([`Theme::png_icon`]).
    png_icon: String,
    /// The house digits' numbering system (`arab`, `latn`), for scripts and style sheets.
    digits: &'static str,
    /// The breaking-news ribbon's story.
    breaking: Option<BreakingView>,
    social: Vec<SocialLink>,
    lang: &'static str,
    dir: &'static str,
    other_lang: &'static str,
    other_dir: &'static str,
    site_name: String,
    tagline: String,
    tagline_lang: &'static str,
    tagline_dir: &'static str,
    today: String,
    today_iso: String,
    hijri: Option<String>,
    nav: Vec<NavItem>,
    home_url: String,
    alternate_url: String,
    path: String,
    feed_base: String,
    canonical: String,
    og_locale: &'static str,
    og_locale_alternate: &'static str,
    base_url: String,
    asset_version: String,
}

#[derive(Serialize)]
pub(crate) struct ImageView {
    url: String,
    alt: String,
    caption: Option<String>,
    credit: Option<String>,
    /// For uploads: the resized JPEG copies.
    srcset: Option<String>,
    /// For uploads: the same sizes in WebP.
    webp_srcset: Option<String>,
}

#[derive(Serialize)]
pub(crate) struct Card {
    url: String,
    headline: String,
    standfirst: String,
    date: String,
    /// Date, time and zone, for the card's hover text (the script may say "2 hours ago").
    full_date: String,
    iso: String,
    section_name: String,
    section_url: String,
    kind: String,
    reading: String,
    image: Option<ImageView>,
}

#[derive(Serialize)]
pub(crate) struct Link {
    name: String,
    url: String,
}

#[derive(Serialize)]
pub(crate) struct CorrectionView {
    date: String,
    iso: String,
    note: String,
}

#[derive(Serialize)]
pub(crate) struct ArticleView {
    id: i64,
    card: Card,
    body_html: String,
    authors: Vec<Link>,
    tags: Vec<Link>,
    published: Option<String>,
    published_iso: Option<String>,
    /// The Umm al-Qura date of publication, on Arabic pages.
    published_hijri: Option<String>,
    updated: Option<String>,
    updated_iso: Option<String>,
    source_name: Option<String>,
    source_url: Option<String>,
    corrections: Vec<CorrectionView>,
    is_interview: bool,
    audio: Option<AudioView>,
}

/// The spoken article, for the player.
#[derive(Serialize)]
pub(crate) struct AudioView {
    url: String,
    /// Total time as the player prints it ("4:12", in the page's digits).
    total: String,
    /// Whole seconds.
    seconds: i64,
}

/// `m:ss` (or `h:mm:ss`), in Arabic-Indic digits on Arabic pages.
pub fn clock_time(lang: Lang, seconds: i64) -> String {
    let s = seconds.max(0);
    let text = if s >= 3600 {
        format!("{}:{:02}:{:02}", s / 3600, s / 60 % 60, s % 60)
    } else {
        format!("{}:{:02}", s / 60, s % 60)
    };
    match lang {
        Lang::Ar => crate::messages::to_arabic_digits(&text),
        Lang::En => text,
    }
}

#[derive(Serialize)]
pub(crate) struct Run {
    text: String,
    mark: bool,
}

#[derive(Serialize)]
pub(crate) struct HitView {
    card: Card,
    headline: Vec<Run>,
    snippet: Vec<Run>,
}

#[derive(Serialize)]
pub(crate) struct Pager {
    page: u32,
    pages: u32,
    prev_url: Option<String>,
    next_url: Option<String>,
}

/// The Open Graph locale of a language.
fn og_locale(lang: Lang) -> &'static str {
    match lang {
        Lang::Ar => "ar_AR",
        Lang::En => "en_US",
    }
}

/// The URL of an article.
pub fn article_url(lang: Lang, slug: &str) -> String {
    format!("/{lang}/article/{slug}")
}

/// The URL of a section page.
pub fn section_url(lang: Lang, slug: &str) -> String {
    format!("/{lang}/section/{slug}")
}

/// The URL of a tag page.
pub fn tag_url(lang: Lang, slug: &str) -> String {
    format!("/{lang}/tag/{slug}")
}

/// The URL of an author page.
pub fn author_url(lang: Lang, slug: &str) -> String {
    format!("/{lang}/author/{slug}")
}

/// Where the theme's own home-screen icon is served (drawn from `assets/img/icon.svg`),
/// for a site without an uploaded logo; also the path phones ask for unprompted.
pub const THEME_TOUCH_ICON: &str = "/apple-touch-icon.png";
/// Where the theme's own podcast artwork is served (drawn from `assets/img/logo.svg`), for a
/// site without an uploaded logo that gives one.
pub const THEME_ARTWORK: &str = "/podcast-artwork.png";
/// The side of the theme's podcast artwork in pixels: the smallest podcast directories
/// take, and wider than the 1200 px search engines ask of an article's picture.
pub const THEME_ARTWORK_SIDE: u32 = 1400;
/// Where the theme's own PNG icon is served (drawn from `assets/img/icon.svg` at 192 px),
/// for a site without an uploaded logo that gives one.
pub const THEME_ICON: &str = "/icon-192.png";
/// The theme's SVG icon.
const THEME_SVG_ICON: &str = "/static/img/icon.svg";

impl Theme {
    /// The site's square artwork, as an absolute URL and its side in pixels: the uploaded
    /// logo's, else the theme's (also when the uploaded logo gave none, as the podcast
    /// feeds do). The picture of an article without a photo.
    pub fn artwork(&self) -> (String, u32) {
        match &self.branding().artwork {
            Some(a) => (self.absolute_url(&a.url), a.side),
            None => (self.absolute_url(THEME_ARTWORK), THEME_ARTWORK_SIDE),
        }
    }

    /// The site's PNG icon, as a site path: the uploaded logo's, else the theme's.
    pub fn png_icon(&self) -> String {
        self.branding()
            .icon
            .clone()
            .unwrap_or_else(|| THEME_ICON.to_owned())
    }

    /// The site's SVG icon, as a site path: an uploaded SVG logo, the theme's icon when no
    /// logo was uploaded, and none for a PNG logo (its PNG icon stands alone).
    fn svg_icon(&self) -> Option<String> {
        match &self.branding().logo {
            Some(l) if l.url.ends_with(".svg") => Some(l.url.clone()),
            Some(_) => None,
            None => Some(format!("{THEME_SVG_ICON}?v={}", self.asset_version())),
        }
    }

    /// Who owns the podcasts, for `itunes:email`: the newsroom's public address, else the
    /// address its mail is sent from.
    pub fn podcast_owner_email(&self) -> Option<String> {
        let b = self.branding();
        b.contact_email.clone().or_else(|| b.mail_from.clone())
    }
}

impl Theme {
    pub(crate) fn chrome(&self, f: &Frame) -> Chrome {
        let lang = f.lang;
        let local = self.dates().local(f.now).date();
        let tagline = self.site().tagline.get(lang).clone();
        let tagline_ar = arabic::has_arabic(&tagline);
        let branding = self.branding();
        Chrome {
            newsletter_popup: self.site().newsletter_popup,
            comments_enabled: branding.comments,
            logo: branding.logo.as_ref().map(|l| LogoView {
                url: l.url.clone(),
                width: l.width,
                height: l.height,
            }),
            touch_icon: branding
                .touch_icon
                .clone()
                .unwrap_or_else(|| THEME_TOUCH_ICON.to_owned()),
            svg_icon: self.svg_icon(),
            png_icon: self.png_icon(),
            digits: match lang {
                Lang::Ar => branding.digits.system(),
                Lang::En => "latn",
            },
            breaking: f.breaking.as_ref().map(|(s, _)| BreakingView {
                id: s.id,
                headline: s.headline.clone(),
                url: article_url(lang, &s.slug),
                date: self
                    .dates()
                    .short_date(lang, s.published_at.unwrap_or(s.updated_at)),
                iso: self.dates().iso(s.published_at.unwrap_or(s.updated_at)),
            }),
            social: branding
                .social
                .iter()
                .map(|url| SocialLink {
                    url: url.clone(),
                    label: social_label(url),
                })
                .collect(),
            lang: lang.code(),
            dir: lang.dir(),
            other_lang: lang.other().code(),
            other_dir: lang.other().dir(),
            site_name: self.site().name.get(lang).clone(),
            tagline_lang: if tagline_ar { "ar" } else { "en" },
            tagline_dir: if tagline_ar { "rtl" } else { "ltr" },
            tagline,
            today: self.dates().long_date(lang, local),
            today_iso: local.to_string(),
            hijri: (lang == Lang::Ar).then(|| self.dates().hijri_date(local)),
            nav: nav_sections(&f.sections, branding.nav.get(lang).as_deref())
                .into_iter()
                .map(|s| NavItem {
                    name: s.name(lang).to_owned(),
                    url: section_url(lang, &s.slug),
                    slug: s.slug.clone(),
                    current: f.current_section == Some(s.id),
                })
                .collect(),
            home_url: format!("/{lang}/"),
            alternate_url: f
                .alternate
                .clone()
                .unwrap_or_else(|| format!("/{}/", lang.other())),
            path: f.path.clone(),
            canonical: self.absolute_url(&f.path),
            og_locale: og_locale(lang),
            og_locale_alternate: og_locale(lang.other()),
            feed_base: f
                .path
                .split('?')
                .next()
                .unwrap_or_default()
                .trim_end_matches('/')
                .to_owned(),
            base_url: self.site().base_url.clone(),
            asset_version: self.asset_version().to_owned(),
        }
    }

    pub(crate) fn card(&self, s: &ArticleSummary, sections: &[Section]) -> Card {
        let lang = s.lang;
        let section = sections.iter().find(|x| x.id == s.section_id);
        Card {
            url: article_url(lang, &s.slug),
            headline: s.headline.clone(),
            standfirst: s.standfirst.clone(),
            date: s
                .published_at
                .map(|t| self.dates().short_date(lang, t))
                .unwrap_or_default(),
            full_date: s
                .published_at
                .map(|t| self.dates().zoned_date_time(lang, t))
                .unwrap_or_default(),
            iso: s
                .published_at
                .map(|t| self.dates().iso(t))
                .unwrap_or_default(),
            section_name: section.map(|x| x.name(lang).to_owned()).unwrap_or_default(),
            section_url: section
                .map(|x| section_url(lang, &x.slug))
                .unwrap_or_default(),
            kind: self.messages().get(lang, &format!("kind-{}", s.kind), None),
            reading: self.messages().count(
                lang,
                "reading-time",
                "minutes",
                i64::from(s.reading_minutes),
            ),
            image: s.image.as_ref().map(image_view),
        }
    }

    pub(crate) fn cards(&self, list: &[ArticleSummary], sections: &[Section]) -> Vec<Card> {
        list.iter().map(|s| self.card(s, sections)).collect()
    }

    pub(crate) fn article_view(&self, a: &Article, sections: &[Section]) -> ArticleView {
        let lang = a.summary.lang;
        let published = a.summary.published_at;
        // "Updated" only when the article changed meaningfully after publication.
        let updated = a.summary.updated_at;
        let show_updated = published.is_some_and(|p| updated.as_second() - p.as_second() > 60);
        ArticleView {
            id: a.summary.id,
            card: self.card(&a.summary, sections),
            body_html: a.body_html.clone(),
            authors: a
                .authors
                .iter()
                .map(|au| Link {
                    name: au.name(lang).to_owned(),
                    url: author_url(lang, &au.slug),
                })
                .collect(),
            tags: a
                .tags
                .iter()
                .map(|t| Link {
                    name: t.name.clone(),
                    url: tag_url(lang, &t.slug),
                })
                .collect(),
            published: published.map(|t| self.dates().zoned_date_time(lang, t)),
            published_iso: published.map(|t| self.dates().iso(t)),
            published_hijri: published
                .filter(|_| lang == Lang::Ar)
                .map(|t| self.dates().hijri_date(self.dates().local(t).date())),
            updated: show_updated.then(|| self.dates().zoned_date_time(lang, updated)),
            updated_iso: show_updated.then(|| self.dates().iso(updated)),
            source_name: a.source.as_ref().map(|s| s.name.clone()),
            source_url: a.source.as_ref().and_then(|s| s.url.clone()),
            corrections: a
                .corrections
                .iter()
                .map(|c| CorrectionView {
                    date: self.dates().zoned_date_time(lang, c.created_at),
                    iso: self.dates().iso(c.created_at),
                    note: c.note.clone(),
                })
                .collect(),
            is_interview: a.summary.kind == arabpress_core::ArticleKind::Interview,
            audio: a.audio.as_ref().map(|x| AudioView {
                url: x.path(),
                total: clock_time(lang, x.seconds()),
                seconds: x.seconds(),
            }),
        }
    }

    pub(crate) fn hits(&self, hits: &[SearchHit], sections: &[Section]) -> Vec<HitView> {
        let runs = |r: &[(String, bool)]| {
            r.iter()
                .map(|(text, mark)| Run {
                    text: text.clone(),
                    mark: *mark,
                })
                .collect()
        };
        hits.iter()
            .map(|h| HitView {
                card: self.card(&h.summary, sections),
                headline: runs(&h.headline),
                snippet: runs(&h.snippet),
            })
            .collect()
    }
}

/// The sections a masthead shows: those `chosen` (by id, in that order, leaving out any
/// that no longer exists), or every section when nothing was chosen.
pub(crate) fn nav_sections<'a>(all: &'a [Section], chosen: Option<&[i64]>) -> Vec<&'a Section> {
    match chosen {
        None => all.iter().collect(),
        Some(ids) => ids
            .iter()
            .filter_map(|id| all.iter().find(|s| s.id == *id))
            .collect(),
    }
}

/// How a social link is labelled: its host, without `www.`.
fn social_label(url: &str) -> String {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let host = rest.split(['/', '?', '#']).next().unwrap_or(rest);
    let host = host.rsplit_once('@').map_or(host, |(_, h)| h);
    host.strip_prefix("www.").unwrap_or(host).to_owned()
}

/// Page links for a list at `path` (which may already carry a query string).
pub(crate) fn pager(path: &str, page: u32, per_page: u32, total: u64) -> Pager {
    let per = u64::from(per_page.max(1));
    let pages = u32::try_from(total.div_ceil(per))
        .unwrap_or(u32::MAX)
        .max(1);
    let sep = if path.contains('?') { '&' } else { '?' };
    let url = |p: u32| {
        if p <= 1 {
            path.to_owned()
        } else {
            format!("{path}{sep}page={p}")
        }
    };
    Pager {
        page,
        pages,
        prev_url: (page > 1).then(|| url(page - 1)),
        next_url: (page < pages).then(|| url(page + 1)),
    }
}

fn image_view(i: &Image) -> ImageView {
    let upload = arabpress_core::media::MediaUrl::parse(&i.url);
    ImageView {
        url: i.url.clone(),
        alt: i.alt.clone(),
        caption: i.caption.clone(),
        credit: i.credit.clone(),
        srcset: upload.as_ref().map(|m| m.srcset("jpg")),
        webp_srcset: upload.as_ref().map(|m| m.srcset("webp")),
    }
}
