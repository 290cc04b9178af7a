//! Structured data for search engines (schema.org JSON-LD): `NewsArticle` and
//! `BreadcrumbList` on article pages, `WebSite` with a `SearchAction` on the home page.

use crate::Theme;
use crate::views::{article_url, author_url, section_url};
use arabpress_core::Lang;
use arabpress_core::model::{Article, Section};
use serde_json::{Value, json};

/// JSON for a `<script type="application/ld+json">` block: `<` is escaped so that no
/// text inside can close the script element.
fn script_json(v: &Value) -> String {
    v.to_string().replace('<', "\\u003c")
}

impl Theme {
    /// The site's logo as an `ImageObject`: the one uploaded in the settings, else the
    /// theme's.
    fn logo(&self) -> Value {
        match &self.branding().logo {
            Some(l) => {
                let mut v = json!({ "@type": "ImageObject", "url": self.absolute_url(&l.url) });
                if let (Some(w), Some(h)) = (l.width, l.height) {
                    v["width"] = json!(w);
                    v["height"] = json!(h);
                }
                v
            }
            None => json!({
                "@type": "ImageObject",
                "url": self.absolute_url("/static/img/logo.svg"),
                "width": 512,
                "height": 512,
            }),
        }
    }

    fn publisher(&self, lang: Lang) -> Value {
        let branding = self.branding();
        let logo = self.logo();
        let mut publisher = json!({
            "@type": "NewsMediaOrganization",
            "name": self.site().name.get(lang),
            "url": self.absolute_url(&format!("/{lang}/")),
            "logo": logo,
            "publishingPrinciples": self.absolute_url(&format!("/{lang}/about")),
            "correctionsPolicy": self.absolute_url(&format!("/{lang}/corrections")),
        });
        if let Some(email) = &branding.contact_email {
            publisher["email"] = json!(email);
        }
        if !branding.social.is_empty() {
            publisher["sameAs"] = json!(branding.social);
        }
        publisher
    }

    fn image_url(&self, url: &str) -> String {
        if url.starts_with('/') {
            self.absolute_url(url)
        } else {
            url.to_owned()
        }
    }

    /// `NewsArticle` and `BreadcrumbList` for an article page.
    pub(crate) fn article_jsonld(&self, a: &Article, section: Option<&Section>) -> String {
        let lang = a.summary.lang;
        let url = self.absolute_url(&article_url(lang, &a.summary.slug));
        let mut article = json!({
            "@context": "https://schema.org",
            "@type": "NewsArticle",
            "mainEntityOfPage": { "@type": "WebPage", "@id": url },
            "url": url,
            "headline": a.summary.headline,
            "description": a.summary.standfirst,
            "inLanguage": lang.code(),
            "dateModified": self.dates().iso(a.summary.updated_at),
            "author": a.authors.iter().map(|x| json!({
                "@type": "Person",
                "name": x.name(lang),
                "url": self.absolute_url(&author_url(lang, &x.slug)),
            })).collect::<Vec<_>>(),
            "publisher": self.publisher(lang),
            "isAccessibleForFree": true,
            "keywords": a.tags.iter().map(|t| t.name.as_str()).collect::<Vec<_>>(),
        });
        if let Some(p) = a.summary.published_at {
            article["datePublished"] = json!(self.dates().iso(p));
        }
        if let Some(s) = section {
            article["articleSection"] = json!(s.name(lang));
        }
        if let Some(img) = &a.summary.image {
            // The three shapes search engines ask for: an upload has real crops of known
            // size; an image from elsewhere is offered as it is, its size unknown.
            article["image"] = match arabpress_core::media::MediaUrl::parse(&img.url) {
                Some(m) => json!(
                    arabpress_core::media::CROPS
                        .iter()
                        .map(|&(name, rw, rh)| {
                            let (w, h) = arabpress_core::media::crop_size(rw, rh);
                            json!({ "@type": "ImageObject", "url": self.image_url(&m.crop(name)), "width": w, "height": h })
                        })
                        .collect::<Vec<_>>()
                ),
                None => json!([{ "@type": "ImageObject", "url": self.image_url(&img.url) }]),
            };
        } else {
            // Search engines want an image for every article, raster and 1200 px wide or
            // more (an SVG logo is neither): without a photo, the site's square artwork.
            let (url, side) = self.artwork();
            article["image"] =
                json!([{ "@type": "ImageObject", "url": url, "width": side, "height": side }]);
        }
        let mut crumbs = vec![json!({
            "@type": "ListItem", "position": 1,
            "name": self.site().name.get(lang),
            "item": self.absolute_url(&format!("/{lang}/")),
        })];
        if let Some(s) = section {
            crumbs.push(json!({
                "@type": "ListItem", "position": 2,
                "name": s.name(lang),
                "item": self.absolute_url(&section_url(lang, &s.slug)),
            }));
        }
        crumbs.push(json!({
            "@type": "ListItem", "position": crumbs.len() + 1,
            "name": a.summary.headline,
            "item": url,
        }));
        let breadcrumbs = json!({
            "@context": "https://schema.org",
            "@type": "BreadcrumbList",
            "itemListElement": crumbs,
        });
        script_json(&json!([article, breadcrumbs]))
    }

    /// `WebSite` with the site search as a `SearchAction`, for the home page.
    pub(crate) fn home_jsonld(&self, lang: Lang) -> String {
        script_json(&json!({
            "@context": "https://schema.org",
            "@type": "WebSite",
            "name": self.site().name.get(lang),
            "url": self.absolute_url(&format!("/{lang}/")),
            "inLanguage": lang.code(),
            "publisher": self.publisher(lang),
            "potentialAction": {
                "@type": "SearchAction",
                "target": {
                    "@type": "EntryPoint",
                    "urlTemplate": format!("{}/{lang}/search?q={{search_term_string}}", self.site().base_url),
                },
                "query-input": "required name=search_term_string",
            },
        }))
    }

    /// The image shown when an article is shared, as an absolute URL, and its alternative
    /// text: its photo, else the site's artwork (named by the site's name).
    pub(crate) fn share_image(&self, a: &Article) -> (String, String) {
        match &a.summary.image {
            Some(i) => (self.image_url(&i.url), i.alt.clone()),
            None => (
                self.artwork().0,
                self.site().name.get(a.summary.lang).clone(),
            ),
        }
    }
}
