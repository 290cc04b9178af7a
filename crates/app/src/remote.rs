//! Remote bodies: fetching what another site serves (a wire feed, an imported featured
//! image) and reading the HTML it carries. A fetch goes through a client from
//! [`crate::outbound`] (the one builder, with its address policy), is refused when the
//! server does not answer with success or when the body passes its size cap (whatever the
//! headers claimed), and fails in words that tell nothing of what answered. The HTML of a
//! feed item or an imported post becomes plain text ([`plain`]) or a body that keeps its
//! markup as one HTML block ([`body_of`]). The wire and the importers both use this, so
//! neither reaches into the other.

use crate::outbound::{Http, Refusal, describe};
use reqwest::StatusCode;
use reqwest::header::{ETAG, HeaderName, IF_MODIFIED_SINCE, IF_NONE_MATCH, LAST_MODIFIED};

/// How long fetching one remote body (a feed, an image) may take.
pub(crate) const FETCH_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(20);

/// Why a remote body could not be had.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub(crate) enum FetchError {
    /// The address was refused before anything was sent.
    #[error("{0}")]
    Refused(#[from] Refusal),
    /// The request failed (in the generic words of [`describe`]).
    #[error("{0}")]
    Failed(String),
    /// The server answered with something other than success.
    #[error("the server answered {0}")]
    Status(StatusCode),
    /// The body (or its declared length) passed the cap, in bytes.
    #[error("larger than {} MiB", .0 >> 20)]
    TooLarge(usize),
}

impl From<reqwest::Error> for FetchError {
    fn from(e: reqwest::Error) -> Self {
        FetchError::Failed(describe(&e))
    }
}

/// The validators of a conditional GET: those kept from the last answer, or those the new
/// answer carried.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Validators {
    /// The `ETag`.
    pub(crate) etag: Option<String>,
    /// The `Last-Modified` date, as sent.
    pub(crate) last_modified: Option<String>,
}

/// What a fetch got.
#[derive(Debug)]
pub(crate) enum Fetched {
    /// The server says the body has not changed since the validators sent.
    NotModified,
    /// The body, with the validators to send next time.
    Body(Vec<u8>, Validators),
}

/// GETs `url`, conditionally when `since` holds validators, and reads at most `max` bytes.
pub(crate) async fn get(
    client: &Http,
    url: &str,
    max: usize,
    since: &Validators,
) -> Result<Fetched, FetchError> {
    let mut req = client.get(url)?;
    if let Some(etag) = &since.etag {
        req = req.header(IF_NONE_MATCH, etag);
    }
    if let Some(lm) = &since.last_modified {
        req = req.header(IF_MODIFIED_SINCE, lm);
    }
    let resp = req.send().await?;
    if resp.status() == StatusCode::NOT_MODIFIED {
        return Ok(Fetched::NotModified);
    }
    if !resp.status().is_success() {
        return Err(FetchError::Status(resp.status()));
    }
    let header = |name: HeaderName| {
        resp.headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    };
    let validators = Validators {
        etag: header(ETAG),
        last_modified: header(LAST_MODIFIED),
    };
    let body = read_capped(resp, max).await?;
    Ok(Fetched::Body(body, validators))
}

/// GETs `url` and reads at most `max` bytes of it (an answer of `304 Not Modified`, to a
/// request that sent no validators, is a refusal like any other that is not success).
pub(crate) async fn get_body(client: &Http, url: &str, max: usize) -> Result<Vec<u8>, FetchError> {
    match get(client, url, max, &Validators::default()).await? {
        Fetched::Body(body, _) => Ok(body),
        Fetched::NotModified => Err(FetchError::Status(StatusCode::NOT_MODIFIED)),
    }
}

/// A response's body, refused once it passes `max` bytes (whatever its headers claimed).
async fn read_capped(mut resp: reqwest::Response, max: usize) -> Result<Vec<u8>, FetchError> {
    if resp.content_length().is_some_and(|n| n > max as u64) {
        return Err(FetchError::TooLarge(max));
    }
    let mut body = Vec::new();
    while let Some(chunk) = resp.chunk().await? {
        if body.len() + chunk.len() > max {
            return Err(FetchError::TooLarge(max));
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

/// Plain text of a bit of HTML (a title, an excerpt): markup dropped, entities decoded,
/// nothing else changed.
pub(crate) fn plain(html: &str) -> String {
    arabpress_core::article::collapse_ws(&arabpress_core::markdown::html_text(html))
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

/// Remote HTML as a body: paragraphs from blank lines (as WordPress's `wpautop` makes
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
    fn titles_lose_markup() {
        assert_eq!(
            plain("Markup: <b>Title</b> &amp; <em>More</em>"),
            "Markup: Title & More"
        );
    }

    #[test]
    fn fetch_errors_read_as_before() {
        assert_eq!(
            FetchError::TooLarge(5 << 20).to_string(),
            "larger than 5 MiB"
        );
        assert_eq!(
            FetchError::Status(StatusCode::NOT_FOUND).to_string(),
            "the server answered 404 Not Found"
        );
        assert_eq!(
            FetchError::from(Refusal::Private).to_string(),
            Refusal::Private.to_string()
        );
    }
}
