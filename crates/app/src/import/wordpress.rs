//! WordPress: a WXR export streamed item by item (`arabpress_ingest::wxr`) and mapped
//! onto articles as the module above describes; attachments give featured images, even
//! when described after their post.

use super::batch::Pending;
use super::mapping::{
    Gathered, Mapped, headline_of, image_checked, pages_section, slug_of, uncategorized,
};
use super::{ContentReport, ImportError, ImportOptions, Skipped};
use crate::App;
use crate::remote::{body_of, plain};
use arabpress_core::article::MAX_STANDFIRST;
use arabpress_core::{ArticleStatus, Image, Lang, Slug};
use arabpress_ingest::IngestError;
use arabpress_ingest::wxr::{Item, Reader, Term};
use arabpress_store::ImportSection;
use jiff::Timestamp;
use std::collections::HashMap;
use std::io::BufRead;

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
        let mut pending = Pending::new(options);
        // Attachments seen (id → image).
        let mut attachments: HashMap<String, Item> = HashMap::new();
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
            let attached = |mut m: Mapped| {
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
                m
            };
            self.gather_import(
                &mut pending,
                &mut report,
                (&item.post_id, &item.title),
                "no post id, or one already read in this file",
                || map_item(&item, h, *lang, &tz).map(attached),
            )
            .await?;
        }
        self.write_import_batch(&mut pending, &mut report).await?;
        // Featured images described after their post.
        for (id, thumbnail, headline) in std::mem::take(&mut pending.waiting) {
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
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_are_decoded_and_languages_read() {
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
