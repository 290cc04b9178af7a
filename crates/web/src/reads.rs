//! `POST /reads`: the beacon an article page's script sends once per reading (see
//! `app::reads`), a form of the article's id (`a`) and the page's referrer (`r`). Not
//! counted: a browser that asks not to be tracked (`DNT: 1` or `Sec-GPC: 1`), a robot by
//! its user agent, and a request another site made (`Sec-Fetch-Site`). A well-formed
//! beacon is answered `204` whether it was counted or not; a malformed one `400`.

use crate::WebState;
use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::routing::post;

/// The largest beacon read.
const MAX_BEACON_BYTES: usize = 4096;

/// Words in the user agents of robots, crawlers, link previews, headless browsers and
/// HTTP libraries (compared in lowercase).
const ROBOTS: &[&str] = &[
    "bot",
    "crawl",
    "spider",
    "slurp",
    "headless",
    "lighthouse",
    "preview",
    "facebookexternalhit",
    "curl",
    "wget",
    "python",
    "java/",
    "go-http",
    "okhttp",
    "libwww",
    "httpclient",
    "phantomjs",
    "selenium",
];

pub(crate) fn routes() -> Router<WebState> {
    Router::new().route("/reads", post(beacon))
}

async fn beacon(State(state): State<WebState>, headers: HeaderMap, body: Bytes) -> StatusCode {
    if body.len() > MAX_BEACON_BYTES {
        return StatusCode::PAYLOAD_TOO_LARGE;
    }
    let mut article = None;
    let mut referrer = String::new();
    for (k, v) in form_urlencoded::parse(&body) {
        match &*k {
            "a" => article = v.parse::<i64>().ok().filter(|id| *id > 0),
            "r" => referrer = v.into_owned(),
            _ => {}
        }
    }
    let Some(article) = article else {
        return StatusCode::BAD_REQUEST;
    };
    if counted(&headers) {
        state.app.count_read(article, &referrer);
    }
    StatusCode::NO_CONTENT
}

/// Whether a beacon is counted (see the module's notes).
fn counted(h: &HeaderMap) -> bool {
    let text = |name: &str| h.get(name).and_then(|v| v.to_str().ok()).map(str::trim);
    if text("dnt") == Some("1") || text("sec-gpc") == Some("1") {
        return false;
    }
    if text("sec-fetch-site").is_some_and(|s| s != "same-origin") {
        return false;
    }
    let agent = text(header::USER_AGENT.as_str())
        .unwrap_or_default()
        .to_ascii_lowercase();
    !agent.is_empty() && !ROBOTS.iter().any(|r| agent.contains(r))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.insert(*k, v.parse().unwrap_or_else(|_| panic!("{v}")));
        }
        h
    }

    #[test]
    fn readers_are_counted_and_robots_and_opt_outs_are_not() {
        let firefox = "Mozilla/5.0 (X11; Linux x86_64; rv:140.0) Gecko/20100101 Firefox/140.0";
        assert!(counted(&headers(&[("user-agent", firefox)])));
        assert!(counted(&headers(&[
            ("user-agent", firefox),
            ("sec-fetch-site", "same-origin"),
            ("dnt", "0"),
        ])));
        for h in [
            headers(&[("user-agent", firefox), ("dnt", "1")]),
            headers(&[("user-agent", firefox), ("sec-gpc", "1")]),
            headers(&[("user-agent", firefox), ("sec-fetch-site", "cross-site")]),
            headers(&[("user-agent", "Mozilla/5.0 (compatible; Googlebot/2.1)")]),
            headers(&[("user-agent", "Mozilla/5.0 HeadlessChrome/140.0")]),
            headers(&[("user-agent", "curl/8.5.0")]),
            headers(&[]),
        ] {
            assert!(!counted(&h), "{h:?}");
        }
    }
}
