//! Outbound HTTP: the one place where the site makes requests to addresses that editors,
//! admins or imported files chose (wire feeds, webhooks, imported featured images, the CDN
//! purge hook), so that none of them can be used to reach the machine itself or the
//! network behind it. Every client is built here, with one policy:
//!
//! * only `http` and `https` addresses;
//! * by default no loopback, private (RFC 1918, `fc00::/7`), link-local (`169.254.0.0/16`,
//!   the cloud metadata address included, `fe80::/10`), unspecified, shared (CGNAT
//!   `100.64.0.0/10`), documentation, benchmarking, multicast, broadcast or reserved
//!   destination, nor an IPv6 address that embeds one of those (IPv4-mapped, NAT64);
//! * the check applies to the address actually connected to: host names go through a
//!   resolver that drops refused addresses before the connection is made (so a name that
//!   resolves, or is rebound, to an internal address fails), IP-literal hosts (which skip
//!   the resolver) are checked before the request and on every redirect hop;
//! * a refused destination and a failed connection are reported in generic words, never
//!   with what an internal server answered.
//!
//! `allow_private_network` lifts the address check (a site whose feeds or receivers are on
//! its own network); `purge_allow_private` lifts it for the purge hook only, which is often
//! a local cache. Host names can be pinned to an address ([`App::pin_host`], as curl's
//! `--resolve`): a pinned name is trusted as given, which is how tests put a public-looking
//! name in front of a server on loopback while the defaults stay strict.

use crate::{App, AppError};
use reqwest::Url;
use reqwest::dns::{Addrs, Name, Resolve, Resolving};
use std::collections::HashMap;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::time::Duration;

/// Which destinations outbound requests may reach.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct OutboundPolicy {
    /// Allow loopback, private, link-local and other non-public destinations for every
    /// outbound request (and the S3 endpoint).
    pub allow_private_network: bool,
    /// Allow them for the purge hook only (a CDN relay or a cache on the same network).
    pub purge_allow_private: bool,
}

/// What a request is for: each has its own time limit, redirect rule and user agent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Purpose {
    /// Webhook deliveries: never redirected.
    Webhook,
    /// Wire feed polls.
    Wire,
    /// Imported featured images.
    Image,
    /// The CDN purge hook: never redirected.
    Purge,
}

impl Purpose {
    fn timeout(self) -> Duration {
        match self {
            Purpose::Webhook | Purpose::Purge => crate::webhooks::WEBHOOK_TIMEOUT,
            Purpose::Wire | Purpose::Image => crate::remote::FETCH_TIMEOUT,
        }
    }

    /// Redirects followed at most (0: none).
    fn redirects(self) -> usize {
        match self {
            Purpose::Webhook | Purpose::Purge => 0,
            Purpose::Wire | Purpose::Image => 5,
        }
    }

    fn user_agent(self) -> &'static str {
        match self {
            Purpose::Webhook | Purpose::Purge => {
                concat!("arabpress-webhooks/", env!("CARGO_PKG_VERSION"))
            }
            Purpose::Wire => concat!("arabpress-wire/", env!("CARGO_PKG_VERSION")),
            Purpose::Image => concat!("arabpress-import/", env!("CARGO_PKG_VERSION")),
        }
    }
}

impl OutboundPolicy {
    fn allows_private(&self, purpose: Purpose) -> bool {
        self.allow_private_network || (purpose == Purpose::Purge && self.purge_allow_private)
    }
}

/// Why a destination is refused before anything is sent to it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    /// A loopback, private, link-local or otherwise non-public address.
    #[error("refused: destination is a private or loopback address")]
    Private,
    /// Not an `http` or `https` address with a host.
    #[error("refused: only http and https addresses are allowed")]
    Scheme,
    /// More redirects than allowed.
    #[error("too many redirects")]
    TooManyRedirects,
}

impl Refusal {
    /// The message id that explains the refusal in either language.
    pub fn id(&self) -> &'static str {
        match self {
            Refusal::Private => "invalid-url-private",
            Refusal::Scheme => "invalid-url-scheme",
            Refusal::TooManyRedirects => "invalid-url-redirects",
        }
    }

    /// The refusal as a validation error on `field`.
    pub fn on(&self, field: &'static str) -> arabpress_core::ValidationError {
        arabpress_core::ValidationError::new(field, self.id(), self.to_string())
    }
}

/// Why `ip` may not be reached by default, or `None` for a public address.
pub fn non_public(ip: IpAddr) -> Option<&'static str> {
    match ip {
        IpAddr::V4(v4) => non_public_v4(v4),
        IpAddr::V6(v6) => non_public_v6(v6),
    }
}

fn non_public_v4(ip: Ipv4Addr) -> Option<&'static str> {
    let [a, b, c, _] = ip.octets();
    Some(match (a, b, c) {
        (0, _, _) => "unspecified",
        (127, _, _) => "loopback",
        (10, _, _) | (192, 168, _) => "private",
        (172, b, _) if (16..32).contains(&b) => "private",
        (100, b, _) if (64..128).contains(&b) => "shared (CGNAT)",
        (169, 254, _) => "link-local",
        (192, 0, 0) => "IETF protocol assignment",
        (192, 0, 2) | (198, 51, 100) | (203, 0, 113) => "documentation",
        (198, 18 | 19, _) => "benchmarking",
        (224..=239, _, _) => "multicast",
        (255, 255, 255) if ip == Ipv4Addr::BROADCAST => "broadcast",
        (240..=255, _, _) => "reserved",
        _ => return None,
    })
}

fn non_public_v6(ip: Ipv6Addr) -> Option<&'static str> {
    if let Some(v4) = ip.to_ipv4_mapped() {
        return non_public_v4(v4);
    }
    let s = ip.segments();
    Some(match s {
        [0, 0, 0, 0, 0, 0, 0, 0] => "unspecified",
        [0, 0, 0, 0, 0, 0, 0, 1] => "loopback",
        // IPv4-compatible (deprecated): never a public destination.
        [0, 0, 0, 0, 0, 0, _, _] => "IPv4-compatible",
        // NAT64: the IPv4 address it stands for decides.
        [0x64, 0xff9b, 0, 0, 0, 0, hi, lo] => {
            let [a, b] = hi.to_be_bytes();
            let [c, d] = lo.to_be_bytes();
            return non_public_v4(Ipv4Addr::new(a, b, c, d));
        }
        [x, ..] if x & 0xfe00 == 0xfc00 => "private (unique local)",
        [x, ..] if x & 0xffc0 == 0xfe80 => "link-local",
        [x, ..] if x & 0xffc0 == 0xfec0 => "site-local",
        [x, ..] if x & 0xff00 == 0xff00 => "multicast",
        [0x2001, 0x0db8, ..] => "documentation",
        _ => return None,
    })
}

/// Checks an address before a request or a redirect: its scheme, and its host when it is
/// an IP literal (names are checked when they are resolved).
pub(crate) fn check_url(url: &Url, allow_private: bool) -> Result<(), Refusal> {
    if !matches!(url.scheme(), "http" | "https") {
        return Err(Refusal::Scheme);
    }
    let Some(host) = url.host_str().filter(|h| !h.is_empty()) else {
        return Err(Refusal::Scheme);
    };
    let Some(ip) = literal_ip(host) else {
        return Ok(());
    };
    if allow_private || non_public(ip).is_none() {
        Ok(())
    } else {
        Err(Refusal::Private)
    }
}

/// The address of an IP-literal host (`[…]` for IPv6, as URLs write it), `None` for a name.
fn literal_ip(host: &str) -> Option<IpAddr> {
    host.strip_prefix('[')
        .and_then(|h| h.strip_suffix(']'))
        .unwrap_or(host)
        .parse()
        .ok()
}

/// Parses and checks an address given by a user or a file.
pub(crate) fn parse_checked(url: &str, allow_private: bool) -> Result<Url, Refusal> {
    let parsed = Url::parse(url.trim()).map_err(|_| Refusal::Scheme)?;
    check_url(&parsed, allow_private)?;
    Ok(parsed)
}

/// Resolves host names with the system resolver and keeps only the addresses the policy
/// allows; a name left with none is refused.
struct VettingResolver {
    allow_private: bool,
}

impl Resolve for VettingResolver {
    fn resolve(&self, name: Name) -> Resolving {
        let allow_private = self.allow_private;
        let host = name.as_str().to_owned();
        Box::pin(async move {
            let found: Vec<SocketAddr> =
                tokio::net::lookup_host((host.as_str(), 0)).await?.collect();
            let kept: Vec<SocketAddr> = found
                .iter()
                .copied()
                .filter(|a| allow_private || non_public(a.ip()).is_none())
                .collect();
            if kept.is_empty() && !found.is_empty() {
                return Err(Box::new(Refusal::Private) as Box<dyn std::error::Error + Send + Sync>);
            }
            let addrs: Addrs = Box::new(kept.into_iter());
            Ok(addrs)
        })
    }
}

/// The redirect rule: none, or up to `max` hops each checked like the first address.
fn redirect_policy(max: usize, allow_private: bool) -> reqwest::redirect::Policy {
    if max == 0 {
        return reqwest::redirect::Policy::none();
    }
    reqwest::redirect::Policy::custom(move |attempt| {
        // `previous` holds the first address too.
        if attempt.previous().len() > max {
            return attempt.error(Refusal::TooManyRedirects);
        }
        match check_url(attempt.url(), allow_private) {
            Ok(()) => attempt.follow(),
            Err(r) => attempt.error(r),
        }
    })
}

/// The policy, pinned names and the clients made from them.
pub(crate) struct Outbound {
    policy: OutboundPolicy,
    pinned: Vec<(String, SocketAddr)>,
    clients: HashMap<Purpose, reqwest::Client>,
}

impl Outbound {
    /// No clients made yet, no names pinned.
    pub(crate) fn new(policy: OutboundPolicy) -> Outbound {
        Outbound {
            policy,
            pinned: Vec::new(),
            clients: HashMap::new(),
        }
    }
}

/// A client for one purpose with the policy it was made with.
#[derive(Clone)]
pub(crate) struct Http {
    client: reqwest::Client,
    allow_private: bool,
}

impl Http {
    /// A GET of `url`, refused before anything is sent when the address is.
    pub(crate) fn get(&self, url: &str) -> Result<reqwest::RequestBuilder, Refusal> {
        Ok(self.client.get(parse_checked(url, self.allow_private)?))
    }

    /// A POST to `url`, refused before anything is sent when the address is.
    pub(crate) fn post(&self, url: &str) -> Result<reqwest::RequestBuilder, Refusal> {
        Ok(self.client.post(parse_checked(url, self.allow_private)?))
    }
}

/// The one client builder every outbound request goes through.
fn build(
    policy: OutboundPolicy,
    pinned: &[(String, SocketAddr)],
    purpose: Purpose,
) -> Result<Http, AppError> {
    let allow_private = policy.allows_private(purpose);
    let mut b = reqwest::Client::builder()
        .timeout(purpose.timeout())
        .user_agent(purpose.user_agent())
        // A proxy would resolve names itself, past the check.
        .no_proxy()
        .dns_resolver(VettingResolver { allow_private })
        .redirect(redirect_policy(purpose.redirects(), allow_private));
    // Pinned names skip the resolver, and so the check: they are trusted as given.
    for (host, addr) in pinned {
        b = b.resolve(host, *addr);
    }
    let client = b
        .build()
        .map_err(|e| AppError::internal("HTTP client", e))?;
    Ok(Http {
        client,
        allow_private,
    })
}

/// What a failed request says, in words that tell nothing of what answered: the refusal,
/// "timed out", "could not connect", or a generic failure.
pub(crate) fn describe(e: &reqwest::Error) -> String {
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(e);
    while let Some(s) = source {
        if let Some(r) = s.downcast_ref::<Refusal>() {
            return r.to_string();
        }
        source = s.source();
    }
    if e.is_timeout() {
        "timed out".into()
    } else if e.is_connect() {
        "could not connect".into()
    } else if e.is_redirect() {
        "too many redirects".into()
    } else if e.is_body() || e.is_decode() {
        "the answer could not be read".into()
    } else {
        "the request failed".into()
    }
}

impl App {
    /// Changes which destinations outbound requests may reach; clients made before are
    /// dropped. Only for tests, which turn a policy on and off within one site: an app
    /// takes its policy from [`crate::AppBuilder::outbound_policy`].
    #[cfg(feature = "testing")]
    pub fn set_outbound_policy(&self, policy: OutboundPolicy) {
        if let Ok(mut o) = self.inner.outbound.write() {
            o.policy = policy;
            o.clients.clear();
        }
    }

    /// The outbound policy.
    pub fn outbound_policy(&self) -> OutboundPolicy {
        self.inner
            .outbound
            .read()
            .map(|o| o.policy)
            .unwrap_or_default()
    }

    /// Resolves `host` to `addr` for every outbound request, trusted as given (as curl's
    /// `--resolve`): a port of 0 means the scheme's. For tests, and for a name that must
    /// reach one fixed address.
    pub fn pin_host(&self, host: &str, addr: SocketAddr) {
        if let Ok(mut o) = self.inner.outbound.write() {
            o.pinned.push((host.to_ascii_lowercase(), addr));
            o.clients.clear();
        }
    }

    /// The client for `purpose`, made on first use.
    pub(crate) fn outbound(&self, purpose: Purpose) -> Result<Http, AppError> {
        if let Ok(o) = self.inner.outbound.read()
            && let Some(c) = o.clients.get(&purpose)
        {
            return Ok(Http {
                client: c.clone(),
                allow_private: o.policy.allows_private(purpose),
            });
        }
        let mut o = self
            .inner
            .outbound
            .write()
            .map_err(|_| AppError::internal("outbound clients", "lock poisoned"))?;
        let http = build(o.policy, &o.pinned, purpose)?;
        o.clients.insert(purpose, http.client.clone());
        Ok(http)
    }

    /// Checks an address an editor or admin registers: its scheme, its host when it is an
    /// IP literal, and what its name resolves to now (a name that does not resolve is let
    /// through: the request will be checked again when it is made).
    pub(crate) async fn vet_destination(&self, url: &str, purpose: Purpose) -> Result<(), Refusal> {
        let (allow_private, pinned) = match self.inner.outbound.read() {
            Ok(o) => (
                o.policy.allows_private(purpose),
                o.pinned.iter().map(|(h, _)| h.clone()).collect::<Vec<_>>(),
            ),
            Err(_) => (false, Vec::new()),
        };
        let parsed = parse_checked(url, allow_private)?;
        let Some(name) = parsed.host_str().filter(|h| literal_ip(h).is_none()) else {
            return Ok(());
        };
        if allow_private || pinned.iter().any(|h| h.eq_ignore_ascii_case(name)) {
            return Ok(());
        }
        let port = parsed.port_or_known_default().unwrap_or(80);
        match tokio::net::lookup_host((name, port)).await {
            Ok(addrs) => {
                let mut addrs = addrs.peekable();
                if addrs.peek().is_some() && addrs.any(|a| non_public(a.ip()).is_some()) {
                    return Err(Refusal::Private);
                }
                Ok(())
            }
            Err(_) => Ok(()),
        }
    }
}

/// Checks the S3 endpoint an operator configured. `object_store` makes its own
/// connections, so its address is checked once, here, when the media store is set up: a
/// literal address, or what the name resolves to now, must be public unless
/// `allow_private_network` is set. A name that does not resolve yet is let through.
pub(crate) fn check_s3_endpoint(endpoint: &str, policy: OutboundPolicy) -> Result<(), AppError> {
    let allow_private = policy.allow_private_network;
    let refused = |r: Refusal| {
        AppError::invalid_input(format!(
            "media.s3_endpoint: {r} (set allow_private_network = true for a server on this network)"
        ))
    };
    let parsed = parse_checked(endpoint, allow_private).map_err(refused)?;
    if allow_private {
        return Ok(());
    }
    if let Some(name) = parsed.host_str().filter(|h| literal_ip(h).is_none()) {
        use std::net::ToSocketAddrs;
        let port = parsed.port_or_known_default().unwrap_or(443);
        if let Ok(addrs) = (name, port).to_socket_addrs()
            && addrs.into_iter().any(|a| non_public(a.ip()).is_some())
        {
            return Err(refused(Refusal::Private));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap_or_else(|e| panic!("{s}: {e}"))
    }

    #[test]
    fn every_non_public_range_is_refused() {
        for (addr, why) in [
            ("0.0.0.0", "unspecified"),
            ("0.1.2.3", "unspecified"),
            ("127.0.0.1", "loopback"),
            ("127.255.255.254", "loopback"),
            ("10.0.0.1", "private"),
            ("10.255.255.255", "private"),
            ("172.16.0.1", "private"),
            ("172.31.255.255", "private"),
            ("192.168.1.1", "private"),
            ("100.64.0.1", "shared (CGNAT)"),
            ("100.127.255.255", "shared (CGNAT)"),
            ("169.254.169.254", "link-local"),
            ("169.254.0.1", "link-local"),
            ("192.0.0.8", "IETF protocol assignment"),
            ("192.0.2.1", "documentation"),
            ("198.51.100.7", "documentation"),
            ("203.0.113.9", "documentation"),
            ("198.18.0.1", "benchmarking"),
            ("198.19.255.255", "benchmarking"),
            ("224.0.0.1", "multicast"),
            ("239.255.255.250", "multicast"),
            ("240.0.0.1", "reserved"),
            ("255.255.255.255", "broadcast"),
            ("::", "unspecified"),
            ("::1", "loopback"),
            ("::127.0.0.1", "IPv4-compatible"),
            ("::ffff:127.0.0.1", "loopback"),
            ("::ffff:10.1.2.3", "private"),
            ("::ffff:169.254.169.254", "link-local"),
            ("64:ff9b::7f00:1", "loopback"),
            ("64:ff9b::a9fe:a9fe", "link-local"),
            ("fc00::1", "private (unique local)"),
            ("fd12:3456::1", "private (unique local)"),
            ("fe80::1", "link-local"),
            ("febf::1", "link-local"),
            ("fec0::1", "site-local"),
            ("ff02::1", "multicast"),
            ("2001:db8::1", "documentation"),
        ] {
            assert_eq!(non_public(ip(addr)), Some(why), "{addr}");
        }
    }

    #[test]
    fn public_addresses_pass() {
        for addr in [
            "1.1.1.1",
            "8.8.8.8",
            "93.184.216.34",
            "100.63.255.255",
            "100.128.0.1",
            "172.15.255.255",
            "172.32.0.1",
            "169.253.0.1",
            "192.0.1.1",
            "198.17.0.1",
            "223.255.255.255",
            "2606:4700:4700::1111",
            "2a00:1450:4001::200e",
            "::ffff:8.8.8.8",
            "64:ff9b::808:808",
        ] {
            assert_eq!(non_public(ip(addr)), None, "{addr}");
        }
    }

    #[test]
    fn literal_hosts_schemes_and_spellings_are_checked() {
        for url in [
            "http://127.0.0.1:8080/",
            "http://[::1]/",
            "http://0.0.0.0/",
            "http://2130706433/",
            "http://127.1/",
            "http://0x7f.0.0.1/",
            "http://[::ffff:127.0.0.1]/",
            "https://169.254.169.254/latest/meta-data/",
        ] {
            assert_eq!(
                parse_checked(url, false).err(),
                Some(Refusal::Private),
                "{url}"
            );
            assert!(
                parse_checked(url, true).is_ok(),
                "{url} with the setting on"
            );
        }
        for url in [
            "file:///etc/passwd",
            "ftp://example.org/",
            "gopher://x/",
            "data:text/plain,x",
            "javascript:alert(1)",
            "not a url",
        ] {
            assert_eq!(
                parse_checked(url, true).err(),
                Some(Refusal::Scheme),
                "{url}"
            );
        }
        assert!(parse_checked("https://news.example/feed.xml", false).is_ok());
        assert!(parse_checked("http://8.8.8.8/", false).is_ok());
    }

    #[test]
    fn the_purge_override_applies_to_the_purge_hook_only() {
        let p = OutboundPolicy {
            allow_private_network: false,
            purge_allow_private: true,
        };
        assert!(p.allows_private(Purpose::Purge));
        for other in [Purpose::Webhook, Purpose::Wire, Purpose::Image] {
            assert!(!p.allows_private(other));
        }
        assert!(!OutboundPolicy::default().allows_private(Purpose::Purge));
    }
}
