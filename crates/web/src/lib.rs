//! HTTP for the reader site: the axum router, the handlers (extract, call `app`, respond),
//! conditional GET and content negotiation over cached pages, security headers, and the
//! mapping of application errors to styled error pages in the reader's language.
//!
//! [`router`] builds the whole site from an [`App`], so tests drive it with
//! `router(app).oneshot(request)` and no socket.

mod admin;
mod api;
mod distribution;
mod error;
mod newsletter;
mod reads;
mod request;
mod respond;
mod search;
mod site;

pub use error::WebError;
pub use request::{IpRange, ProxyRangeError, TrustedProxies};

use arabpress_app::App;
use axum::Router;
use axum::http::{HeaderValue, header};
use axum::response::Response;
use tower_http::catch_panic::CatchPanicLayer;

/// What every handler can reach.
#[derive(Clone)]
pub struct WebState {
    /// The application.
    pub app: App,
    /// Request budgets of API keys.
    pub limiter: std::sync::Arc<api::RateLimiter>,
    /// The proxies whose `X-Forwarded-For`/`Forwarded` name the client's address.
    pub trusted_proxies: std::sync::Arc<TrustedProxies>,
}

/// The whole site, trusting no proxy: the client's address is the connection's peer.
pub fn router(app: App) -> Router {
    router_behind(app, TrustedProxies::default())
}

/// The whole site behind these proxies: from a peer inside one of their ranges, the
/// forwarding headers name the client whose address the sign-in and sign-up limits count.
pub fn router_behind(app: App, trusted_proxies: TrustedProxies) -> Router {
    let https = served_over_https(&app);
    site::routes()
        .merge(search::routes())
        .merge(reads::routes())
        .merge(newsletter::routes())
        .merge(admin::routes())
        .merge(distribution::routes())
        .merge(api::routes())
        .with_state(WebState {
            app,
            limiter: std::sync::Arc::default(),
            trusted_proxies: std::sync::Arc::new(trusted_proxies),
        })
        .layer(axum::middleware::map_response(move |res: Response| {
            security_headers(res, https)
        }))
        .layer(CatchPanicLayer::new())
}

/// The Content-Security-Policy of every response: no inline script, no framing.
pub const CSP: &str = "default-src 'self'; img-src 'self' data: https:; style-src 'self'; \
     script-src 'self'; media-src 'self'; form-action 'self'; base-uri 'self'; frame-ancestors 'none'; object-src 'none'";

/// Whether the site's configured `base_url` is https: then cookies are `Secure` and every
/// response carries HSTS, whatever `Host` a proxy passes on. Plain http is for local use.
pub(crate) fn served_over_https(app: &App) -> bool {
    app.theme()
        .site()
        .base_url
        .get(..8)
        .is_some_and(|s| s.eq_ignore_ascii_case("https://"))
}

/// How long browsers keep to https once they have seen the site over it (a year).
pub const HSTS: &str = "max-age=31536000";

async fn security_headers(mut res: Response, https: bool) -> Response {
    let h = res.headers_mut();
    if https {
        h.insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static(HSTS),
        );
    }
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CSP),
    );
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("strict-origin-when-cross-origin"),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    res
}
