//! What every route family reads from a request the same way: the reader's language (from
//! the path, else `Accept-Language`), urlencoded form fields, the client's address (behind
//! trusted proxies, from `X-Forwarded-For` or `Forwarded`), and the styled error page or
//! cached page a handler answers with. The site, search, newsletter, distribution and
//! newsroom modules all build on this one, and none of them on each other, so the modules
//! of `web` form a tree.

use crate::respond::{PUBLIC_PAGE, page_response};
use crate::{WebError, WebState};
use arabpress_app::{AppError, BadRequest, CachedPage};
use arabpress_core::Lang;
use axum::extract::Path;
use axum::extract::rejection::PathRejection;
use axum::http::{Extensions, HeaderMap, header};
use axum::response::Response;
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;

/// The language a request should be answered in when its path does not say: the
/// browser's, else the site's default language from its settings (which the newsroom may
/// change while the server runs).
pub(crate) fn preferred(state: &WebState, headers: &HeaderMap) -> Lang {
    headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .and_then(Lang::from_accept_language)
        .unwrap_or_else(|| state.app.default_lang())
}

/// Parses the language segment; anything else is a 404 in the reader's language.
pub(crate) fn lang_param(raw: &str) -> Result<Lang, ()> {
    raw.parse::<Lang>().map_err(|_| ())
}

/// The language of a `/{lang}/…` path. A malformed path is answered with the 400 page and
/// an unknown language with the 404 page, both in the reader's preferred language.
pub(crate) async fn path_lang(
    state: &WebState,
    headers: &HeaderMap,
    path: Result<Path<String>, PathRejection>,
) -> Result<Lang, Response> {
    let fallback = preferred(state, headers);
    match path.map(|Path(l)| lang_param(&l)) {
        Ok(Ok(lang)) => Ok(lang),
        Ok(Err(())) => Err(fail(state, headers, fallback, AppError::NotFound).await),
        Err(_) => Err(fail(
            state,
            headers,
            fallback,
            AppError::BadRequest(BadRequest::Path),
        )
        .await),
    }
}

/// The styled error page for `error`, in `lang`.
pub(crate) async fn fail(
    state: &WebState,
    headers: &HeaderMap,
    lang: Lang,
    error: AppError,
) -> Response {
    WebError { error, lang }.render(state, headers).await
}

/// Answers with the page, or with the error page in the page's language.
pub(crate) async fn respond(
    state: &WebState,
    headers: &HeaderMap,
    lang: Lang,
    result: Result<Arc<CachedPage>, AppError>,
) -> Response {
    match result {
        Ok(page) => page_response(headers, &page, PUBLIC_PAGE),
        Err(e) => fail(state, headers, lang, e).await,
    }
}

/// A form's fields; repeated names keep every value in order.
pub(crate) struct Fields(Vec<(String, String)>);

impl Fields {
    /// Fields read some other way (a multipart form's text parts).
    pub(crate) fn from_pairs(pairs: Vec<(String, String)>) -> Fields {
        Fields(pairs)
    }
    pub(crate) fn get(&self, name: &str) -> &str {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map_or("", |(_, v)| v.as_str())
    }
    pub(crate) fn all(&self, name: &str) -> Vec<String> {
        self.0
            .iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .collect()
    }
}

/// An `application/x-www-form-urlencoded` body's fields.
pub(crate) fn parse_form(body: &[u8]) -> Fields {
    Fields(arabpress_core::http::form_fields(body))
}

/// The client's address, for the limits that count per address (sign-in, newsletter
/// sign-up). It is the connection's peer, unless the peer is a trusted proxy: then the
/// rightmost hop of `X-Forwarded-For` (else of `Forwarded: for=`) that is not itself a
/// trusted proxy. From any other peer those headers are ignored, so a client cannot name
/// its own address.
pub(crate) fn client_ip(
    state: &WebState,
    extensions: &Extensions,
    headers: &HeaderMap,
) -> Option<IpAddr> {
    let peer = extensions
        .get::<axum::extract::ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip().to_canonical())?;
    Some(state.trusted_proxies.client(peer, headers))
}

/// Why a `trusted_proxies` entry was refused.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ProxyRangeError {
    /// The address part is not an IPv4 or IPv6 address.
    #[error("{0:?} is not an address range such as 10.0.0.0/8 or ::1/128")]
    Address(String),
    /// The prefix length is not a number within the address's width.
    #[error("{0:?}: the prefix length must be a number from 0 to {1}")]
    Prefix(String, u8),
    /// Bits beyond the prefix are set, so the range is ambiguous.
    #[error("{0:?} has bits set beyond its prefix; the range is {1}")]
    HostBits(String, String),
}

/// One range of addresses, `address/prefix` (a bare address is the range of itself).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IpRange {
    addr: IpAddr,
    prefix: u8,
}

impl IpRange {
    /// Whether `ip` lies in the range (an IPv4-mapped IPv6 address counts as IPv4).
    pub fn contains(&self, ip: IpAddr) -> bool {
        match (self.addr, ip.to_canonical()) {
            (IpAddr::V4(net), IpAddr::V4(ip)) => {
                mask(u128::from(u32::from(ip)), 32, self.prefix) == u128::from(u32::from(net))
            }
            (IpAddr::V6(net), IpAddr::V6(ip)) => {
                mask(u128::from(ip), 128, self.prefix) == u128::from(net)
            }
            _ => false,
        }
    }
}

/// `bits` with everything past the first `prefix` of its `width` bits cleared.
fn mask(bits: u128, width: u8, prefix: u8) -> u128 {
    let host = u32::from(width.saturating_sub(prefix));
    if host >= 128 {
        0
    } else {
        bits & !((1u128 << host) - 1)
    }
}

impl std::str::FromStr for IpRange {
    type Err = ProxyRangeError;

    fn from_str(raw: &str) -> Result<Self, Self::Err> {
        let text = raw.trim();
        let (addr, prefix) = text.split_once('/').unwrap_or((text, ""));
        let addr: IpAddr = addr
            .parse()
            .map_err(|_| ProxyRangeError::Address(raw.to_owned()))?;
        let width: u8 = if addr.is_ipv4() { 32 } else { 128 };
        let prefix = if text.contains('/') {
            prefix
                .parse::<u8>()
                .ok()
                .filter(|p| *p <= width)
                .ok_or_else(|| ProxyRangeError::Prefix(raw.to_owned(), width))?
        } else {
            width
        };
        let bits = match addr {
            IpAddr::V4(a) => u128::from(u32::from(a)),
            IpAddr::V6(a) => u128::from(a),
        };
        let net = mask(bits, width, prefix);
        if net != bits {
            let shown = match addr {
                IpAddr::V4(_) => IpAddr::from(u32::try_from(net).unwrap_or_default().to_be_bytes()),
                IpAddr::V6(_) => IpAddr::from(net.to_be_bytes()),
            };
            return Err(ProxyRangeError::HostBits(
                raw.to_owned(),
                format!("{shown}/{prefix}"),
            ));
        }
        Ok(IpRange { addr, prefix })
    }
}

impl std::fmt::Display for IpRange {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.addr, self.prefix)
    }
}

/// The proxies whose forwarding headers are believed (`trusted_proxies`). Empty, the
/// default, believes none: the client is always the connection's peer.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TrustedProxies(Vec<IpRange>);

impl TrustedProxies {
    /// These ranges.
    pub fn new(ranges: Vec<IpRange>) -> Self {
        TrustedProxies(ranges)
    }

    /// Parses each entry; the first bad one is the error.
    pub fn parse<S: AsRef<str>>(entries: &[S]) -> Result<Self, ProxyRangeError> {
        entries
            .iter()
            .map(|e| e.as_ref().parse())
            .collect::<Result<_, _>>()
            .map(TrustedProxies)
    }

    /// The ranges, as configured.
    pub fn ranges(&self) -> &[IpRange] {
        &self.0
    }

    fn trusts(&self, ip: IpAddr) -> bool {
        self.0.iter().any(|r| r.contains(ip))
    }

    /// The client behind `peer`: `peer` itself unless it is trusted; then walk the
    /// forwarding chain from the right, past trusted proxies, to the first hop that is not
    /// one. A hop that is not an address (`unknown`, an obfuscated name) ends the walk at
    /// the proxy that reported it.
    fn client(&self, peer: IpAddr, headers: &HeaderMap) -> IpAddr {
        if !self.trusts(peer) {
            return peer;
        }
        let hops = forwarded_for(headers);
        let mut client = peer;
        for hop in hops.iter().rev() {
            let Some(ip) = hop_address(hop) else {
                break;
            };
            client = ip;
            if !self.trusts(ip) {
                break;
            }
        }
        client
    }
}

/// The hops a request passed, leftmost first: `X-Forwarded-For` when present, else the
/// `for=` parameters of `Forwarded` (RFC 7239). Every line of the header counts.
fn forwarded_for(headers: &HeaderMap) -> Vec<String> {
    let lines = |name: header::HeaderName| {
        headers
            .get_all(name)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .map(|s| s.trim().to_owned())
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>()
    };
    let xff = lines(header::HeaderName::from_static("x-forwarded-for"));
    if !xff.is_empty() {
        return xff;
    }
    lines(header::FORWARDED)
        .iter()
        .filter_map(|element| {
            element.split(';').find_map(|pair| {
                let (k, v) = pair.trim().split_once('=')?;
                k.trim()
                    .eq_ignore_ascii_case("for")
                    .then(|| v.trim().trim_matches('"').to_owned())
            })
        })
        .collect()
}

/// A hop's address: `192.0.2.1`, `192.0.2.1:4711`, `2001:db8::1` or `[2001:db8::1]:4711`.
fn hop_address(hop: &str) -> Option<IpAddr> {
    hop.parse::<IpAddr>()
        .ok()
        .or_else(|| hop.parse::<SocketAddr>().ok().map(|s| s.ip()))
        .or_else(|| {
            hop.strip_prefix('[')
                .and_then(|h| h.strip_suffix(']'))
                .and_then(|h| h.parse().ok())
        })
        .map(|ip: IpAddr| ip.to_canonical())
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn ranges(list: &[&str]) -> TrustedProxies {
        TrustedProxies::parse(list).unwrap()
    }

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.append(*k, HeaderValue::from_str(v).unwrap());
        }
        h
    }

    #[test]
    fn ranges_parse_and_contain() {
        let r: IpRange = "10.0.0.0/8".parse().unwrap();
        assert!(r.contains(ip("10.200.3.4")));
        assert!(
            r.contains(ip("::ffff:10.1.2.3")),
            "IPv4-mapped counts as IPv4"
        );
        assert!(!r.contains(ip("11.0.0.1")));
        let one: IpRange = "::1/128".parse().unwrap();
        assert!(one.contains(ip("::1")) && !one.contains(ip("::2")));
        let bare: IpRange = "192.0.2.7".parse().unwrap();
        assert_eq!(bare.to_string(), "192.0.2.7/32");
        let all: IpRange = "0.0.0.0/0".parse().unwrap();
        assert!(all.contains(ip("203.0.113.1")) && !all.contains(ip("2001:db8::1")));
        let v6: IpRange = "2001:db8::/32".parse().unwrap();
        assert!(v6.contains(ip("2001:db8:ffff::1")) && !v6.contains(ip("2001:db9::1")));
    }

    #[test]
    fn bad_ranges_say_what_is_wrong() {
        let err = |s: &str| s.parse::<IpRange>().err();
        assert!(matches!(err("ten/8"), Some(ProxyRangeError::Address(_))));
        assert!(matches!(err(""), Some(ProxyRangeError::Address(_))));
        assert!(matches!(
            err("10.0.0.0/33"),
            Some(ProxyRangeError::Prefix(_, 32))
        ));
        assert!(matches!(
            err("::/129"),
            Some(ProxyRangeError::Prefix(_, 128))
        ));
        assert!(matches!(
            err("10.0.0.0/x"),
            Some(ProxyRangeError::Prefix(..))
        ));
        assert_eq!(
            err("10.1.0.0/8").map(|e| e.to_string()),
            Some("\"10.1.0.0/8\" has bits set beyond its prefix; the range is 10.0.0.0/8".into())
        );
    }

    #[test]
    fn forwarding_headers_are_read_only_from_trusted_peers() {
        let p = ranges(&["10.0.0.0/8", "::1/128"]);
        let spoof = headers(&[("x-forwarded-for", "198.51.100.1")]);
        // An untrusted peer's headers are ignored.
        assert_eq!(p.client(ip("203.0.113.9"), &spoof), ip("203.0.113.9"));
        // No proxies configured: never read.
        assert_eq!(
            TrustedProxies::default().client(ip("10.0.0.1"), &spoof),
            ip("10.0.0.1")
        );
        // A trusted peer: the rightmost hop that is not a proxy, whatever the client
        // wrote further left.
        let chain = headers(&[("x-forwarded-for", "1.2.3.4, 198.51.100.1, 10.0.0.2")]);
        assert_eq!(p.client(ip("10.0.0.1"), &chain), ip("198.51.100.1"));
        let lines = headers(&[
            ("x-forwarded-for", "1.2.3.4"),
            ("x-forwarded-for", "[2001:db8::5]:80"),
        ]);
        assert_eq!(p.client(ip("::1"), &lines), ip("2001:db8::5"));
        // Forwarded, when there is no X-Forwarded-For.
        let fwd = headers(&[(
            "forwarded",
            "for=192.0.2.60;proto=http, For=\"[2001:db8:cafe::17]:4711\"",
        )]);
        assert_eq!(p.client(ip("10.9.9.9"), &fwd), ip("2001:db8:cafe::17"));
        // An unreadable hop stops at the proxy that reported it.
        let hidden = headers(&[("forwarded", "for=_hidden, for=10.0.0.3")]);
        assert_eq!(p.client(ip("10.0.0.1"), &hidden), ip("10.0.0.3"));
        // No header: the peer.
        assert_eq!(p.client(ip("10.0.0.1"), &HeaderMap::new()), ip("10.0.0.1"));
    }
}
