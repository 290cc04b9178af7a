//! Importing a WordPress export (WXR) or a Ghost export. A WXR file is streamed
//! (`arabpress_ingest::wxr`);
//! items are mapped onto articles and written in batches, each batch in one transaction
//! (`Store::import_batch`), so a file that turns out to be broken half-way leaves every
//! earlier batch imported and nothing of the one it broke in. Importing the same file
//! again changes nothing: each post's origin is remembered.
//!
//! How WordPress maps onto arabpress:
//! * posts become articles (`news`); pages become `feature` articles in a `pages` section;
//!   attachments give featured images (their address, alt text and caption: the file stays
//!   where it is); menu items, revisions and other types are counted and left out;
//! * a post's first category's top-level ancestor is its section (the navigation stays
//!   short); the categories under it become tags, beside the post's own tags;
//! * authors are the post's Co-Authors Plus bylines (guest authors included) or else its
//!   creator, named as the export names them;
//! * `publish` → published at `post_date_gmt`, `future` → scheduled, `draft`, `pending` and
//!   `private` → draft (a private post is not made public), `trash` → left out;
//! * the HTML is kept as one HTML block (paragraphs made from blank lines, as WordPress
//!   does) and sanitised when rendered; titles and excerpts lose their markup;
//! * comments are not imported; the report counts them.
//!
//! A Ghost post's primary tag is its section and all its public tags its tags (`#internal`
//! tags are left out); members-only and email-only posts arrive as drafts.

use crate::{App, AppError};
use arabpress_core::article::{MAX_HEADLINE, MAX_STANDFIRST, MAX_TAGS};
use arabpress_core::{ArticleDraft, ArticleKind, ArticleStatus, Image, Lang, Slug};
use arabpress_ingest::IngestError;
use arabpress_ingest::wxr::{Item, Reader, Term};
use arabpress_store::{ImportArticle, ImportAuthor, ImportBatch, ImportSection, Imported};
use jiff::Timestamp;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::io::BufRead;

/// Articles written per transaction.
pub const IMPORT_BATCH: usize = 500;
/// A batch is written sooner when its bodies reach this many bytes, so long posts do not
/// pile up in memory.
const IMPORT_BATCH_BYTES: usize = 8 << 20;

/// How to import.
#[derive(Debug, Clone, Default)]
pub struct ImportOptions {
    /// The articles' language; by default the export's `<language>` (`ar…` or `en…`).
    pub lang: Option<Lang>,
    /// Articles per transaction; 0 means [`IMPORT_BATCH`].
    pub batch: usize,
}

/// An item left out, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Skipped {
    /// The item's id in the export.
    pub id: String,
    /// Its title.
    pub title: String,
    /// Why.
    pub reason: String,
}

/// What an import did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ContentReport {
    /// Where the content came from (`wxr:` and the site's address).
    pub source: String,
    /// Items read.
    pub items: u64,
    /// Posts read.
    pub posts: u64,
    /// Pages read.
    pub pages: u64,
    /// Attachments read.
    pub attachments: u64,
    /// Articles made.
    pub imported: u64,
    /// Articles an earlier import had made already.
    pub unchanged: u64,
    /// Sections made.
    pub sections_created: u64,
    /// Authors made.
    pub authors_created: u64,
    /// Featured images set.
    pub images: u64,
    /// Comments read and not imported.
    pub comments: u64,
    /// Items of other types (menu items, revisions, custom types) left out, by type.
    pub other_types: BTreeMap<String, u64>,
    /// Posts and pages left out, with the reason.
    pub skipped: Vec<Skipped>,
    /// Changes made to fit (a title cut to the longest headline…), per item.
    pub notes: Vec<Skipped>,
}

/// What fetching an import's featured images did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImageFetchReport {
    /// Remote images fetched and stored with the media (each address once).
    pub fetched: u64,
    /// Articles now showing a stored copy.
    pub articles: u64,
    /// Images that could not be fetched, with the reason: their articles keep the remote
    /// address (a later run tries them again).
    pub unreachable: Vec<(String, String)>,
}

/// How long fetching one image may take.
pub(crate) const IMAGE_FETCH_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(20);

/// Why an import stopped.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// The file could not be read; `report` says what was imported before (every batch
    /// before the one that broke).
    #[error("{error}")]
    File {
        /// What is wrong with the file.
        error: IngestError,
        /// What was imported before.
        report: Box<ContentReport>,
    },
    /// The store refused a batch (nothing of it was kept).
    #[error("{error}")]
    Store {
        /// The error.
        error: AppError,
        /// What was imported before.
        report: Box<ContentReport>,
    },
}

fn lang_of(code: &str) -> Option<Lang> {
    let c = code.trim().to_ascii_lowercase();
    if c.starts_with("ar") {
        Some(Lang::Ar)
    } else if c.starts_with("en") {
        Some(Lang::En)
    } else {
        None
    }
}

/// Plain text of a bit of HTML (a title, an excerpt): markup dropped, entities decoded,
/// nothing else changed.
pub(crate) fn plain(html: &str) -> String {
    arabpress_core::article::collapse_ws(&arabpress_core::markdown::html_text(html))
}

/// A slug from a WordPress one (percent-encoded when not ASCII), or from a name.
pub(crate) fn slug_of(wp: &str, name: &str) -> Option<Slug> {
    let decoded = percent_encoding::percent_decode_str(wp).decode_utf8_lossy();
    Slug::parse(&decoded.to_lowercase())
        .ok()
        .or_else(|| Slug::generate(&decoded))
        .or_else(|| Slug::generate(name))
}

fn is_block_start(p: &str) -> bool {
    const BLOCKS: &[&str] = &[
        "<p",
        "<div",
        "<h1",
        "<h2",
        "<h3",
        "<h4",
        "<h5",
        "<h6",
        "<ul",
        "<ol",
        "<li",
        "<table",
        "<blockquote",
        "<pre",
        "<figure",
        "<hr",
        "<dl",
        "<section",
        "<article",
        "<aside",
        "<address",
        "<iframe",
        "<!--",
        "<form",
        "<fieldset",
        "<video",
        "<audio",
    ];
    let lower = p
        .trim_start()
        .get(..12)
        .unwrap_or(p.trim_start())
        .to_ascii_lowercase();
    BLOCKS.iter().any(|b| lower.starts_with(b))
}

/// WordPress HTML as a body: paragraphs from blank lines (as WordPress's `wpautop` makes
/// them), joined into one HTML block so that nothing in it is read as Markdown.
pub(crate) fn body_of(html: &str) -> String {
    let html = html.replace("\r\n", "\n");
    let mut out = String::with_capacity(html.len() + 64);
    out.push_str("<div class=\"imported\">\n");
    for para in html.split("\n\n") {
        let para = para.trim_matches('\n');
        if para.trim().is_empty() {
            continue;
        }
        // No blank line may remain inside: it would end the HTML block.
        let para = para
            .lines()
            .filter(|l| !l.trim().is_empty())
            .collect::<Vec<_>>()
            .join("\n");
        if is_block_start(&para) {
            out.push_str(&para);
        } else {
            out.push_str("<p>");
            out.push_str(&para);
            out.push_str("</p>");
        }
        out.push('\n');
    }
    out.push_str("</div>");
    // An import never fails on nesting: what lies deeper than the limit is flattened.
    arabpress_core::markdown::flatten_nesting(&out)
}

/// When a post was (or is to be) published: `post_date_gmt`, else `pubDate`, else
/// `post_date` in the site's time zone.
fn date_of(item: &Item, tz: &jiff::tz::TimeZone) -> Option<Timestamp> {
    let civil = |s: &str| jiff::civil::DateTime::strptime("%Y-%m-%d %H:%M:%S", s.trim()).ok();
    if !item.post_date_gmt.starts_with("0000")
        && let Some(dt) = civil(&item.post_date_gmt)
        && let Ok(t) = jiff::tz::TimeZone::UTC.to_timestamp(dt)
    {
        return Some(t);
    }
    if let Ok(z) = jiff::fmt::rfc2822::parse(item.pub_date.trim()) {
        return Some(z.timestamp());
    }
    if !item.post_date.starts_with("0000")
        && let Some(dt) = civil(&item.post_date)
        && let Ok(t) = tz.to_timestamp(dt)
    {
        return Some(t);
    }
    None
}

/// What the channel header says about the site's categories and people.
struct Header {
    categories: HashMap<String, Term>,
    guest_authors: HashMap<String, Term>,
    users: HashMap<String, String>,
}

impl Header {
    fn read<R: BufRead>(r: &Reader<R>) -> Header {
        let mut categories = HashMap::new();
        let mut guest_authors = HashMap::new();
        for t in r.terms() {
            match t.taxonomy.as_str() {
                "category" => {
                    categories.insert(t.slug.clone(), t.clone());
                }
                "author" => {
                    guest_authors.insert(t.slug.clone(), t.clone());
                }
                _ => {}
            }
        }
        let users = r
            .authors()
            .iter()
            .map(|a| {
                let name = if a.display_name.trim().is_empty() {
                    a.login.clone()
                } else {
                    a.display_name.trim().to_owned()
                };
                (a.login.clone(), name)
            })
            .collect();
        Header {
            categories,
            guest_authors,
            users,
        }
    }

    /// The top-level ancestor of a category, and the names on the way down to it.
    fn lineage(&self, slug: &str) -> (String, Vec<String>) {
        let mut at = slug.to_owned();
        let mut below = Vec::new();
        for _ in 0..32 {
            match self.categories.get(&at) {
                Some(t) if !t.parent.is_empty() && t.parent != at => {
                    below.push(t.name.clone());
                    at = t.parent.clone();
                }
                _ => break,
            }
        }
        (at, below)
    }

    fn category_name(&self, slug: &str, fallback: &str) -> String {
        self.categories
            .get(slug)
            .map(|t| t.name.trim().to_owned())
            .filter(|n| !n.is_empty())
            .unwrap_or_else(|| fallback.trim().to_owned())
    }
}

/// A post or page mapped onto an article, with what it needs.
struct Mapped {
    article: ImportArticle,
    section: ImportSection,
    authors: Vec<ImportAuthor>,
    thumbnail: Option<String>,
    notes: Vec<String>,
}

/// What a post has become before it is an article: both importers gather this, then
/// [`Gathered::finish`] makes the draft.
struct Gathered {
    headline: String,
    standfirst: String,
    body_md: String,
    page: bool,
    section: ImportSection,
    tags: Vec<String>,
    authors: Vec<ImportAuthor>,
    image: Option<Image>,
    notes: Vec<String>,
}

/// A headline from a title: markup dropped, cut to the longest headline with a note.
fn headline_of(title: &str, notes: &mut Vec<String>) -> Result<String, String> {
    let headline = plain(title);
    if headline.is_empty() {
        return Err("no title".into());
    }
    if headline.chars().count() > MAX_HEADLINE {
        notes.push(format!("title cut to {MAX_HEADLINE} characters"));
        return Ok(arabpress_core::markdown::excerpt(
            &headline,
            MAX_HEADLINE - 1,
        ));
    }
    Ok(headline)
}

/// The section of pages.
fn pages_section() -> Result<ImportSection, String> {
    Ok(ImportSection {
        slug: Slug::parse("pages").map_err(|e| e.to_string())?,
        name_ar: "صفحات".into(),
        name_en: "Pages".into(),
    })
}

impl Gathered {
    /// Adds a tag by its (HTML) name, once whatever its case.
    fn add_tag(&mut self, name: &str) {
        let t = plain(name);
        if !t.is_empty()
            && !self
                .tags
                .iter()
                .any(|x| x.to_lowercase() == t.to_lowercase())
        {
            self.tags.push(t);
        }
    }

    /// Adds a byline once (`cap-` is Co-Authors Plus's prefix for guest authors).
    fn add_author(&mut self, slug: &str, name: &str, bio: &str) {
        let name = plain(name);
        let slug = slug.strip_prefix("cap-").unwrap_or(slug);
        let Some(slug) = slug_of(slug, &name) else {
            return;
        };
        if self.authors.iter().any(|a| a.slug == slug) {
            return;
        }
        let name = if name.is_empty() {
            slug.as_str().to_owned()
        } else {
            name
        };
        self.authors.push(ImportAuthor {
            slug,
            name_ar: name.clone(),
            name_en: name,
            bio: plain(bio),
        });
    }

    /// The article: the tags cut to the most allowed (with a note), a staff byline when
    /// there is none, validated.
    fn finish(
        mut self,
        lang: Lang,
        slug: &str,
        source_id: &str,
        status: ArticleStatus,
        published_at: Option<Timestamp>,
        thumbnail: Option<String>,
    ) -> Result<Mapped, String> {
        if self.tags.len() > MAX_TAGS {
            self.notes.push(format!(
                "{} tags: the first {MAX_TAGS} kept",
                self.tags.len()
            ));
            self.tags.truncate(MAX_TAGS);
        }
        if self.authors.is_empty() {
            self.add_author("staff", "Staff", "");
        }
        if status == ArticleStatus::Scheduled && published_at.is_none() {
            return Err("scheduled without a date".into());
        }
        let draft = ArticleDraft {
            lang,
            slug: slug_of(slug, &self.headline),
            headline: self.headline,
            standfirst: self.standfirst,
            body_md: self.body_md,
            kind: if self.page {
                ArticleKind::Feature
            } else {
                ArticleKind::News
            },
            section: self.section.slug.clone(),
            tags: self.tags,
            authors: self.authors.iter().map(|a| a.slug.clone()).collect(),
            source: None,
            image: self.image,
            seo_title: None,
            seo_description: None,
        }
        .validate()
        .map_err(|e| e.to_string())?;
        Ok(Mapped {
            article: ImportArticle {
                source_id: source_id.to_owned(),
                draft,
                status,
                published_at,
            },
            section: self.section,
            authors: self.authors,
            thumbnail,
            notes: self.notes,
        })
    }
}

fn map_item(
    item: &Item,
    header: &Header,
    lang: Lang,
    tz: &jiff::tz::TimeZone,
) -> Result<Mapped, String> {
    let page = item.post_type == "page";
    let mut notes = Vec::new();
    let status = match item.status.as_str() {
        "publish" => ArticleStatus::Published,
        "future" => ArticleStatus::Scheduled,
        "draft" | "pending" | "auto-draft" => ArticleStatus::Draft,
        "private" => {
            notes.push("private on WordPress: imported as a draft".to_owned());
            ArticleStatus::Draft
        }
        "trash" => return Err("in the trash".into()),
        other => return Err(format!("status {other:?} is not one an article can have")),
    };
    if item.password_protected && status == ArticleStatus::Published {
        return Err("password-protected: not made public".into());
    }
    let title = if plain(&item.title).is_empty() {
        item.slug.replace('-', " ")
    } else {
        item.title.clone()
    };
    let headline = headline_of(&title, &mut notes)?;
    let content = if item.content.trim().is_empty() {
        if item.excerpt.trim().is_empty() {
            return Err("no content".into());
        }
        notes.push("no content: the excerpt is the body".to_owned());
        &item.excerpt
    } else {
        &item.content
    };
    let body_md = body_of(content);
    if body_md.len() > arabpress_core::article::MAX_BODY_BYTES {
        return Err("the content is larger than 1 MiB".into());
    }
    let standfirst = {
        let s = plain(&item.excerpt);
        if s.chars().count() > MAX_STANDFIRST {
            notes.push(format!("excerpt cut to {MAX_STANDFIRST} characters"));
            arabpress_core::markdown::excerpt(&s, MAX_STANDFIRST - 1)
        } else {
            s
        }
    };
    // The section: the first category's top-level ancestor; the ones under it and the
    // other categories become tags.
    let first = item.terms.iter().find(|t| t.domain == "category");
    let (section, below) = match (page, first) {
        (true, _) => (pages_section()?, Vec::new()),
        (false, Some(t)) => {
            let (top, below) = header.lineage(&t.slug);
            let name = plain(&header.category_name(&top, &top));
            let section = ImportSection {
                slug: slug_of(&top, &name).ok_or("its category has no usable slug")?,
                name_ar: name.clone(),
                name_en: name,
            };
            (section, below)
        }
        (false, None) => (uncategorized()?, Vec::new()),
    };
    let mut g = Gathered {
        headline,
        standfirst,
        body_md,
        page,
        section,
        tags: Vec::new(),
        authors: Vec::new(),
        image: None,
        notes,
    };
    if !page {
        for name in &below {
            g.add_tag(name);
        }
        for t in item.terms.iter().filter(|t| t.domain == "category").skip(1) {
            g.add_tag(&header.category_name(&t.slug, &t.name));
        }
    }
    for t in item.terms.iter().filter(|t| t.domain == "post_tag") {
        g.add_tag(&t.name);
    }
    // Bylines: Co-Authors Plus terms, else the creator.
    for t in item.terms.iter().filter(|t| t.domain == "author") {
        let guest = header.guest_authors.get(&t.slug);
        let name = header
            .users
            .get(t.slug.strip_prefix("cap-").unwrap_or(&t.slug))
            .cloned()
            .or_else(|| guest.map(|x| x.name.clone()))
            .unwrap_or_else(|| t.name.clone());
        let bio = guest.map(|x| x.description.as_str()).unwrap_or("");
        g.add_author(&t.slug, &name, bio);
    }
    let login = item.creator.trim();
    if g.authors.is_empty() && !login.is_empty() {
        let name = header
            .users
            .get(login)
            .cloned()
            .unwrap_or_else(|| login.to_owned());
        g.add_author(login, &name, "");
    }
    let thumbnail = item
        .meta("_thumbnail_id")
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(str::to_owned);
    g.finish(
        lang,
        &item.slug,
        &item.post_id,
        status,
        date_of(item, tz),
        thumbnail,
    )
}

/// The section of posts filed nowhere.
fn uncategorized() -> Result<ImportSection, String> {
    Ok(ImportSection {
        slug: Slug::parse("uncategorized").map_err(|e| e.to_string())?,
        name_ar: "غير مصنف".into(),
        name_en: "Uncategorized".into(),
    })
}

fn map_ghost(post: &arabpress_ingest::ghost::Post, lang: Lang) -> Result<Mapped, String> {
    let page = post.kind == "page";
    let mut notes = Vec::new();
    let members_only = !matches!(post.visibility.as_str(), "" | "public");
    let status = match post.status.as_str() {
        "published" if members_only => {
            notes.push(format!("{} on Ghost: imported as a draft", post.visibility));
            ArticleStatus::Draft
        }
        "published" => ArticleStatus::Published,
        "scheduled" => ArticleStatus::Scheduled,
        "draft" => ArticleStatus::Draft,
        "sent" => {
            notes.push("sent by email only on Ghost: imported as a draft".to_owned());
            ArticleStatus::Draft
        }
        other => return Err(format!("status {other:?} is not one an article can have")),
    };
    let headline = headline_of(&post.title, &mut notes)?;
    if post.html.trim().is_empty() {
        return Err("no content".into());
    }
    let body_md = body_of(&post.html);
    if body_md.len() > arabpress_core::article::MAX_BODY_BYTES {
        return Err("the content is larger than 1 MiB".into());
    }
    let public: Vec<&arabpress_ingest::ghost::Tag> = post
        .tags
        .iter()
        .filter(|t| !t.name.starts_with('#'))
        .collect();
    let section = match (page, public.first()) {
        (true, _) => pages_section()?,
        (false, Some(t)) => {
            let name = plain(&t.name);
            ImportSection {
                slug: slug_of(&t.slug, &name).ok_or("its primary tag has no usable slug")?,
                name_ar: name.clone(),
                name_en: name,
            }
        }
        (false, None) => uncategorized()?,
    };
    let image = (!post.feature_image.is_empty()).then(|| Image {
        url: post.feature_image.clone(),
        alt: Some(plain(&post.feature_image_alt))
            .filter(|a| !a.is_empty())
            .unwrap_or_else(|| headline.clone()),
        caption: Some(plain(&post.feature_image_caption)).filter(|c| !c.is_empty()),
        credit: None,
    });
    let image = match image.map(|i| image_checked(i, &headline)) {
        Some(Ok(img)) => Some(img),
        Some(Err(why)) => {
            notes.push(why);
            None
        }
        None => None,
    };
    let mut g = Gathered {
        standfirst: arabpress_core::markdown::excerpt(&plain(&post.excerpt), MAX_STANDFIRST - 1),
        headline,
        body_md,
        page,
        section,
        tags: Vec::new(),
        authors: Vec::new(),
        image,
        notes,
    };
    for t in &public {
        g.add_tag(&t.name);
    }
    for a in &post.authors {
        g.add_author(&a.slug, &a.name, &a.bio);
    }
    g.finish(
        lang,
        &post.slug,
        &post.id,
        status,
        post.published_at.parse::<Timestamp>().ok(),
        None,
    )
}

/// The featured image an attachment describes (none when it has no address).
fn image_of(attachment: &Item, headline: &str) -> Option<Image> {
    if attachment.attachment_url.is_empty() {
        return None;
    }
    let alt = attachment
        .meta("_wp_attachment_image_alt")
        .map(plain)
        .filter(|a| !a.is_empty())
        .unwrap_or_else(|| {
            let t = plain(&attachment.title);
            if t.is_empty() { headline.to_owned() } else { t }
        });
    let caption = Some(plain(&attachment.excerpt)).filter(|c| !c.is_empty());
    Some(Image {
        url: attachment.attachment_url.clone(),
        alt,
        caption,
        credit: None,
    })
}

/// A featured image from an export as the site may show and fetch it: its address an
/// absolute http(s) one (a `file:`, `data:` or `javascript:` address, or a path on the old
/// site, is refused with the reason), its alt text within the article rules.
fn image_checked(mut img: Image, headline: &str) -> Result<Image, String> {
    let url = img.url.trim();
    let ok = (url.starts_with("https://") || url.starts_with("http://"))
        && url.len() <= 2_000
        && !url
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || c == '"' || c == '<' || c == '>')
        && reqwest::Url::parse(url).is_ok_and(|u| u.host_str().is_some_and(|h| !h.is_empty()));
    if !ok {
        let shown: String = url.chars().take(80).collect();
        return Err(format!(
            "featured image {shown:?} left out: only http(s) addresses are kept"
        ));
    }
    img.url = url.to_owned();
    img.alt = arabpress_core::article::collapse_ws(&img.alt);
    if img.alt.is_empty() {
        img.alt = headline.to_owned();
    }
    if img.alt.chars().count() > 300 {
        img.alt = arabpress_core::markdown::excerpt(&img.alt, 299);
    }
    if img.alt.chars().any(char::is_control) {
        img.alt = headline.to_owned();
    }
    Ok(img)
}

/// Fills what minimal exports leave out: an item with no type is a post, with no status a
/// published one, with no id known by its guid or link; a category with no domain is a
/// category, with no slug one made from its name.
fn normalise(mut item: Item) -> Item {
    if item.post_type.is_empty() {
        item.post_type = "post".into();
    }
    if item.status.is_empty() {
        item.status = "publish".into();
    }
    if item.post_id.is_empty() {
        item.post_id = [&item.guid, &item.link]
            .into_iter()
            .find(|s| !s.trim().is_empty())
            .map(|s| s.trim().to_owned())
            .unwrap_or_default();
    }
    for t in &mut item.terms {
        if t.domain.is_empty() {
            t.domain = "category".into();
        }
        if t.slug.is_empty() {
            t.slug = Slug::generate(&plain(&t.name))
                .map(|s| s.as_str().to_owned())
                .unwrap_or_default();
        }
    }
    item
}

/// The batch being gathered.
#[derive(Default)]
struct Pending {
    mapped: Vec<Mapped>,
}

impl Pending {
    /// Whether the batch is due to be written.
    fn full(&self, batch_size: usize) -> bool {
        self.mapped.len() >= batch_size
            || self
                .mapped
                .iter()
                .map(|m| m.article.draft.body_md.len())
                .sum::<usize>()
                >= IMPORT_BATCH_BYTES
    }
}

impl App {
    /// Imports a WordPress export read from `source`. `progress` is told the bytes read so
    /// far after each item. Blocking reads happen on this task: run it where that is fine (a
    /// command, not a request).
    pub async fn import_wxr<R: BufRead>(
        &self,
        source: R,
        options: &ImportOptions,
        progress: impl Fn(u64),
    ) -> Result<ContentReport, ImportError> {
        let mut reader = Reader::new(source);
        let mut report = ContentReport::default();
        let tz = self.theme().dates().tz().clone();
        let mut header: Option<(Header, Lang)> = None;
        let mut pending = Pending::default();
        // Attachments seen (id → image), and posts waiting for one described later.
        let mut attachments: HashMap<String, Item> = HashMap::new();
        let mut waiting: Vec<(i64, String, String)> = Vec::new();
        let mut seen: HashSet<String> = HashSet::new();
        loop {
            let item = match reader.next_item() {
                Ok(Some(item)) => item,
                Ok(None) => break,
                Err(error) => {
                    return Err(ImportError::File {
                        error,
                        report: Box::new(report),
                    });
                }
            };
            progress(reader.position());
            let item = normalise(item);
            if header.is_none() {
                let lang = match options.lang.or_else(|| lang_of(&reader.channel().language)) {
                    Some(l) => l,
                    None => {
                        return Err(ImportError::File {
                            error: IngestError::Invalid(format!(
                                "the export's language is {:?}: give the language of its articles (ar or en)",
                                reader.channel().language
                            )),
                            report: Box::new(report),
                        });
                    }
                };
                let site = [&reader.channel().base_site_url, &reader.channel().link]
                    .into_iter()
                    .find(|s| !s.trim().is_empty())
                    .map(|s| s.trim().trim_end_matches('/').to_owned())
                    .unwrap_or_else(|| reader.channel().title.trim().to_owned());
                report.source = format!("wxr:{site}");
                header = Some((Header::read(&reader), lang));
            }
            let Some((h, lang)) = header.as_ref() else {
                continue;
            };
            report.items += 1;
            report.comments += u64::from(item.comments);
            match item.post_type.as_str() {
                "post" | "page" => {}
                "attachment" => {
                    report.attachments += 1;
                    attachments.insert(item.post_id.clone(), item);
                    continue;
                }
                other => {
                    let key = if other.is_empty() { "(none)" } else { other };
                    *report.other_types.entry(key.to_owned()).or_default() += 1;
                    continue;
                }
            }
            if item.post_type == "page" {
                report.pages += 1;
            } else {
                report.posts += 1;
            }
            let skip = |reason: String| Skipped {
                id: item.post_id.clone(),
                title: plain(&item.title),
                reason,
            };
            if item.post_id.is_empty() || !seen.insert(item.post_id.clone()) {
                report
                    .skipped
                    .push(skip("no post id, or one already read in this file".into()));
                continue;
            }
            match map_item(&item, h, *lang, &tz) {
                Ok(mut m) => {
                    if let Some(t) = &m.thumbnail
                        && let Some(att) = attachments.get(t)
                    {
                        let headline = &m.article.draft.headline;
                        match image_of(att, headline).map(|i| image_checked(i, headline)) {
                            Some(Ok(img)) => m.article.draft.image = Some(img),
                            Some(Err(why)) => m.notes.push(why),
                            None => {}
                        }
                        m.thumbnail = None;
                    }
                    for n in &m.notes {
                        report.notes.push(skip(n.clone()));
                    }
                    pending.mapped.push(m);
                }
                Err(reason) => report.skipped.push(skip(reason)),
            }
            let batch_size = if options.batch == 0 {
                IMPORT_BATCH
            } else {
                options.batch
            };
            if pending.full(batch_size) {
                self.write_import_batch(&mut pending, &mut report, &mut waiting)
                    .await?;
            }
        }
        self.write_import_batch(&mut pending, &mut report, &mut waiting)
            .await?;
        // Featured images described after their post.
        for (id, thumbnail, headline) in waiting {
            let Some(found) = attachments
                .get(&thumbnail)
                .and_then(|a| image_of(a, &headline))
            else {
                continue;
            };
            match image_checked(found, &headline) {
                Err(reason) => report.notes.push(Skipped {
                    id: thumbnail,
                    title: headline,
                    reason,
                }),
                Ok(img) => {
                    let set = self.store().set_imported_image(id, &img, self.now()).await;
                    if let Err(e) = set {
                        return Err(ImportError::Store {
                            error: e.into(),
                            report: Box::new(report),
                        });
                    }
                    report.images += 1;
                }
            }
        }
        Ok(report)
    }

    /// Fetches the featured images of the articles imported from `source` that still point
    /// at the old site, stores each that answers as an upload (resized copies and all) and
    /// points its articles at the copy; an image that cannot be fetched is reported and its
    /// articles keep the remote address. `progress(done, total)` follows along.
    pub async fn fetch_imported_images(
        &self,
        source: &str,
        mut progress: impl FnMut(u64, u64),
    ) -> Result<ImageFetchReport, AppError> {
        use futures_util::StreamExt;
        let images = self.store().imported_remote_images(source).await?;
        let total = images.len() as u64;
        let client = self.outbound(crate::outbound::Purpose::Image)?;
        let fetches = futures_util::stream::iter(images.into_iter().map(|(url, ids)| {
            let client = client.clone();
            async move {
                let got = async {
                    let resp = client
                        .get(&url)
                        .map_err(|r| r.to_string())?
                        .send()
                        .await
                        .map_err(|e| crate::outbound::describe(&e))?;
                    if !resp.status().is_success() {
                        return Err(format!("the server answered {}", resp.status()));
                    }
                    crate::wire::read_capped(resp, crate::MAX_UPLOAD_BYTES).await
                }
                .await;
                (url, ids, got)
            }
        }))
        .buffer_unordered(4);
        futures_util::pin_mut!(fetches);
        let mut report = ImageFetchReport::default();
        let mut done = 0;
        while let Some((url, ids, got)) = fetches.next().await {
            done += 1;
            progress(done, total);
            let stored = match got {
                Ok(bytes) => self
                    .store_image(bytes, None)
                    .await
                    .map_err(|e| e.to_string()),
                Err(e) => Err(e),
            };
            match stored {
                Ok(img) => {
                    let changed = self
                        .store()
                        .replace_image_url(&ids, &url, &img.url, self.now())
                        .await?;
                    report.fetched += 1;
                    report.articles += changed.len() as u64;
                }
                Err(why) => report.unreachable.push((url, why)),
            }
        }
        report.unreachable.sort();
        Ok(report)
    }

    /// Imports a Ghost export (its bytes). The articles' language must be given: Ghost
    /// exports do not say it.
    pub async fn import_ghost(
        &self,
        bytes: &[u8],
        options: &ImportOptions,
    ) -> Result<ContentReport, ImportError> {
        let mut report = ContentReport::default();
        let site = match arabpress_ingest::ghost::read(bytes) {
            Ok(s) => s,
            Err(error) => {
                return Err(ImportError::File {
                    error,
                    report: Box::new(report),
                });
            }
        };
        let Some(lang) = options.lang else {
            return Err(ImportError::File {
                error: IngestError::Invalid(
                    "a Ghost export does not say its language: give it (ar or en)".into(),
                ),
                report: Box::new(report),
            });
        };
        let origin = [&site.url, &site.title]
            .into_iter()
            .find(|s| !s.trim().is_empty())
            .map(|s| s.trim().trim_end_matches('/').to_owned())
            .unwrap_or_else(|| "export".into());
        report.source = format!("ghost:{origin}");
        let batch_size = if options.batch == 0 {
            IMPORT_BATCH
        } else {
            options.batch
        };
        let mut pending = Pending::default();
        let mut waiting = Vec::new();
        let mut seen = HashSet::new();
        for post in &site.posts {
            report.items += 1;
            if post.kind == "page" {
                report.pages += 1;
            } else {
                report.posts += 1;
            }
            let skip = |reason: String| Skipped {
                id: post.id.clone(),
                title: plain(&post.title),
                reason,
            };
            if post.id.is_empty() || !seen.insert(post.id.clone()) {
                report
                    .skipped
                    .push(skip("no id, or one already read in this file".into()));
                continue;
            }
            match map_ghost(post, lang) {
                Ok(m) => {
                    for n in &m.notes {
                        report.notes.push(skip(n.clone()));
                    }
                    pending.mapped.push(m);
                }
                Err(reason) => report.skipped.push(skip(reason)),
            }
            if pending.full(batch_size) {
                self.write_import_batch(&mut pending, &mut report, &mut waiting)
                    .await?;
            }
        }
        self.write_import_batch(&mut pending, &mut report, &mut waiting)
            .await?;
        Ok(report)
    }

    /// Writes the gathered batch and counts it in the report.
    async fn write_import_batch(
        &self,
        pending: &mut Pending,
        report: &mut ContentReport,
        waiting: &mut Vec<(i64, String, String)>,
    ) -> Result<(), ImportError> {
        if pending.mapped.is_empty() {
            return Ok(());
        }
        let (batch, after) = prepare_batch(pending, &report.source);
        let written = self.store().import_batch(batch, self.now()).await;
        self.count_batch((written, after), report, waiting)
    }

    fn count_batch(
        &self,
        (written, after): Written,
        report: &mut ContentReport,
        waiting: &mut Vec<(i64, String, String)>,
    ) -> Result<(), ImportError> {
        let outcome = match written {
            Ok(o) => o,
            Err(e) => {
                return Err(ImportError::Store {
                    error: e.into(),
                    report: Box::new(report.clone()),
                });
            }
        };
        report.sections_created += outcome.sections_created;
        report.authors_created += outcome.authors_created;
        if outcome.sections_created > 0 {
            self.forget_sections();
        }
        for ((has_image, thumbnail, headline), done) in after.into_iter().zip(&outcome.articles) {
            match done {
                Imported::Created(id) => {
                    report.imported += 1;
                    if has_image {
                        report.images += 1;
                    }
                    if let Some(t) = thumbnail {
                        waiting.push((*id, t, headline));
                    }
                }
                Imported::Existing(_) => report.unchanged += 1,
            }
        }
        Ok(())
    }
}

/// What the report needs of each article once it is written: whether it has an image,
/// the image it waits for, its headline.
type After = Vec<(bool, Option<String>, String)>;
/// A batch's outcome with what the report needs of it.
type Written = (
    Result<arabpress_store::BatchOutcome, arabpress_store::StoreError>,
    After,
);

/// Takes the gathered articles as a batch, with the sections and authors they need (each
/// once); the articles move into it.
fn prepare_batch(pending: &mut Pending, source: &str) -> (ImportBatch, After) {
    let mapped = std::mem::take(&mut pending.mapped);
    let mut batch = ImportBatch {
        source: source.to_owned(),
        ..ImportBatch::default()
    };
    let mut after = Vec::with_capacity(mapped.len());
    for m in mapped {
        if !batch.sections.iter().any(|s| s.slug == m.section.slug) {
            batch.sections.push(m.section);
        }
        for a in m.authors {
            if !batch.authors.iter().any(|x| x.slug == a.slug) {
                batch.authors.push(a);
            }
        }
        after.push((
            m.article.draft.image.is_some(),
            m.thumbnail,
            m.article.draft.headline.clone(),
        ));
        batch.articles.push(m.article);
    }
    (batch, after)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wordpress_paragraphs_become_one_html_block() {
        let b = body_of(
            "First line\nsame paragraph.\n\n<ul>\n<li>a</li>\n\n<li>b</li>\n</ul>\n\n# not a heading",
        );
        assert_eq!(
            b,
            "<div class=\"imported\">\n<p>First line\nsame paragraph.</p>\n<ul>\n<li>a</li>\n<li>b</li>\n</ul>\n<p># not a heading</p>\n</div>"
        );
        let html = arabpress_core::markdown::render(&b).html;
        assert!(html.contains("<li>b</li>"), "{html}");
        assert!(!html.contains("<h1"), "Markdown is not read inside: {html}");
    }

    #[test]
    fn titles_lose_markup_and_slugs_are_decoded() {
        assert_eq!(
            plain("Markup: <b>Title</b> &amp; <em>More</em>"),
            "Markup: Title & More"
        );
        assert_eq!(
            slug_of("%d8%a7%d9%84%d8%a3%d8%ae%d8%a8%d8%a7%d8%b1", "x")
                .map(|s| s.as_str().to_owned()),
            Some("الأخبار".to_owned())
        );
        assert_eq!(lang_of("en-US"), Some(Lang::En));
        assert_eq!(lang_of("ar-SA"), Some(Lang::Ar));
        assert_eq!(lang_of("fr"), None);
    }
}
