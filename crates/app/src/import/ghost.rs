//! Ghost: a JSON export read whole (`arabpress_ingest::ghost`); a post's primary tag is
//! its section, its public tags its tags, and members-only or email-only posts arrive as
//! drafts.

use super::batch::Pending;
use super::mapping::{
    Gathered, Mapped, headline_of, image_checked, pages_section, slug_of, uncategorized,
};
use super::{ContentReport, ImportError, ImportOptions};
use crate::App;
use crate::remote::{body_of, plain};
use arabpress_core::article::MAX_STANDFIRST;
use arabpress_core::{ArticleStatus, Image, Lang};
use arabpress_ingest::IngestError;
use arabpress_store::ImportSection;
use jiff::Timestamp;

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

impl App {
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
        let mut pending = Pending::new(options);
        for post in &site.posts {
            report.items += 1;
            if post.kind == "page" {
                report.pages += 1;
            } else {
                report.posts += 1;
            }
            self.gather_import(
                &mut pending,
                &mut report,
                (&post.id, &post.title),
                "no id, or one already read in this file",
                || map_ghost(post, lang),
            )
            .await?;
        }
        self.write_import_batch(&mut pending, &mut report).await?;
        Ok(report)
    }
}
