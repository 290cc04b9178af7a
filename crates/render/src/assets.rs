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

// `ASSETS`: every file under `assets/`, listed by build.rs.
include!(concat!(env!("OUT_DIR"), "/assets.rs"));

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
