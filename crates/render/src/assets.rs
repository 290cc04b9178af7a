//! Static assets (stylesheet, script, demo illustrations) embedded in the binary, each with
//! a content type. URLs carry a content hash (`?v=`) so they can be cached for a year.

/// An embedded file.
pub struct Asset {
    /// The path under `/static/`.
    pub path: &'static str,
    /// The bytes.
    pub body: &'static [u8],
    /// The `Content-Type`.
    pub content_type: &'static str,
}

macro_rules! asset {
    ($path:literal, $ct:literal) => {
        Asset {
            path: $path,
            body: include_bytes!(concat!("../assets/", $path)),
            content_type: $ct,
        }
    };
}

/// Every embedded asset.
pub const ASSETS: &[Asset] = &[
    asset!("site.css", "text/css; charset=utf-8"),
    asset!("site.js", "text/javascript; charset=utf-8"),
    asset!("admin.css", "text/css; charset=utf-8"),
    asset!("admin.js", "text/javascript; charset=utf-8"),
    asset!("img/diplomacy.svg", "image/svg+xml"),
    asset!("img/markets.svg", "image/svg+xml"),
    asset!("img/city.svg", "image/svg+xml"),
    asset!("img/tech.svg", "image/svg+xml"),
    asset!("img/culture.svg", "image/svg+xml"),
    asset!("img/logo.svg", "image/svg+xml"),
    asset!("img/desert.svg", "image/svg+xml"),
];

/// Looks an asset up by its path under `/static/`.
pub fn get(path: &str) -> Option<&'static Asset> {
    ASSETS.iter().find(|a| a.path == path)
}

/// A short fingerprint of all assets, for cache-busting URLs.
pub fn version() -> String {
    // FNV-1a over every asset: stable across builds of the same files.
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for a in ASSETS {
        for &b in a.path.as_bytes().iter().chain(a.body) {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
    }
    format!("{:08x}", h >> 32)
}
