//! The content API's JSON shapes (and query parameters), as the OpenAPI document
//! describes them.

use arabpress_core::Lang;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// A language.
#[derive(Debug, Clone, Copy, Deserialize, Serialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub(crate) enum ApiLang {
    /// Arabic.
    Ar,
    /// English.
    En,
}

impl From<ApiLang> for Lang {
    fn from(l: ApiLang) -> Lang {
        match l {
            ApiLang::Ar => Lang::Ar,
            ApiLang::En => Lang::En,
        }
    }
}

impl From<Lang> for ApiLang {
    fn from(l: Lang) -> ApiLang {
        match l {
            Lang::Ar => ApiLang::Ar,
            Lang::En => ApiLang::En,
        }
    }
}

/// A featured image.
#[derive(Serialize, ToSchema)]
pub(crate) struct ApiImage {
    pub(super) url: String,
    pub(super) alt: String,
    pub(super) caption: Option<String>,
    pub(super) credit: Option<String>,
}

/// An article as lists show it.
#[derive(Serialize, ToSchema)]
pub(crate) struct ApiSummary {
    pub(super) id: i64,
    pub(super) lang: ApiLang,
    pub(super) slug: String,
    /// Path of the article page.
    pub(super) url: String,
    pub(super) headline: String,
    pub(super) standfirst: String,
    /// news, interview, analysis, opinion…
    pub(super) kind: String,
    pub(super) section_id: i64,
    /// RFC 3339.
    pub(super) published_at: Option<String>,
    /// RFC 3339.
    pub(super) updated_at: String,
    pub(super) image: Option<ApiImage>,
    pub(super) reading_minutes: u32,
}

/// A person or label attached to an article.
#[derive(Serialize, ToSchema)]
pub(crate) struct ApiRef {
    pub(super) id: i64,
    pub(super) slug: String,
    pub(super) name: String,
}

/// A dated correction.
#[derive(Serialize, ToSchema)]
pub(crate) struct ApiCorrection {
    /// RFC 3339.
    pub(super) date: String,
    pub(super) note: String,
}

/// A whole article.
#[derive(Serialize, ToSchema)]
pub(crate) struct ApiArticle {
    #[serde(flatten)]
    pub(super) summary: ApiSummary,
    /// Sanitised HTML.
    pub(super) body_html: String,
    pub(super) authors: Vec<ApiRef>,
    pub(super) tags: Vec<ApiRef>,
    pub(super) corrections: Vec<ApiCorrection>,
    pub(super) source_name: Option<String>,
    pub(super) source_url: Option<String>,
    /// Shared by the language versions of one story.
    pub(super) translation_group: Option<i64>,
}

/// One page of articles.
#[derive(Serialize, ToSchema)]
pub(crate) struct ApiArticleList {
    pub(super) items: Vec<ApiSummary>,
    /// Pass as `cursor` for the next page; absent on the last page.
    pub(super) next_cursor: Option<String>,
}

/// A section.
#[derive(Serialize, ToSchema)]
pub(crate) struct ApiSection {
    pub(super) id: i64,
    pub(super) slug: String,
    pub(super) name_ar: String,
    pub(super) name_en: String,
    pub(super) position: i64,
}

/// A tag.
#[derive(Serialize, ToSchema)]
pub(crate) struct ApiTag {
    pub(super) id: i64,
    pub(super) lang: ApiLang,
    pub(super) slug: String,
    pub(super) name: String,
}

/// An author.
#[derive(Serialize, ToSchema)]
pub(crate) struct ApiAuthor {
    pub(super) id: i64,
    pub(super) slug: String,
    pub(super) name_ar: String,
    pub(super) name_en: String,
    pub(super) bio_ar: String,
    pub(super) bio_en: String,
}

/// A run of text, flagged when it matched the query.
#[derive(Serialize, ToSchema)]
pub(crate) struct ApiRun {
    pub(super) text: String,
    #[serde(rename = "match")]
    pub(super) matched: bool,
}

/// A search result.
#[derive(Serialize, ToSchema)]
pub(crate) struct ApiHit {
    #[serde(flatten)]
    pub(super) summary: ApiSummary,
    pub(super) headline_runs: Vec<ApiRun>,
    pub(super) snippet_runs: Vec<ApiRun>,
}

/// Search results.
#[derive(Serialize, ToSchema)]
pub(crate) struct ApiResults {
    pub(super) query: String,
    pub(super) lang: ApiLang,
    pub(super) total: u64,
    pub(super) page: u32,
    pub(super) per_page: u32,
    /// False when no article had every word and results have some of them.
    pub(super) all_words: bool,
    /// A query that finds something, when this one found nothing.
    pub(super) suggestion: Option<String>,
    /// Why nothing was searched: `search-empty-query`, `search-only-stop-words`.
    pub(super) problem: Option<&'static str>,
    pub(super) truncated: bool,
    /// A filter that was not understood and was ignored.
    pub(super) ignored_filter: Option<&'static str>,
    pub(super) results: Vec<ApiHit>,
}

/// Filters of the article list.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct ListParams {
    /// Language of the articles.
    pub(super) lang: ApiLang,
    /// Section slug.
    pub(super) section: Option<String>,
    /// Tag slug.
    pub(super) tag: Option<String>,
    /// Author slug.
    pub(super) author: Option<String>,
    /// Articles per page.
    #[param(minimum = 1, maximum = 100)]
    pub(super) limit: Option<u32>,
    /// `next_cursor` of the previous page.
    #[param(pattern = r"^[0-9]{1,15}-[0-9]{1,18}$")]
    pub(super) cursor: Option<String>,
}

/// A language filter.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct LangParam {
    /// Only this language.
    pub(super) lang: Option<ApiLang>,
}

/// A search.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct SearchApiParams {
    /// Words to find; "quoted words" as a phrase.
    pub(super) q: Option<String>,
    /// Language searched.
    pub(super) lang: Option<ApiLang>,
    /// Section slug.
    pub(super) section: Option<String>,
    /// Author slug.
    pub(super) author: Option<String>,
    /// Published on or after (YYYY-MM-DD).
    #[param(format = Date)]
    pub(super) from: Option<String>,
    /// Published on or before (YYYY-MM-DD).
    #[param(format = Date)]
    pub(super) to: Option<String>,
    /// Page of results.
    #[param(minimum = 1, maximum = 1000)]
    pub(super) page: Option<u32>,
}
