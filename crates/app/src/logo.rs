//! The site's logo, uploaded in the newsroom's settings: an SVG or a PNG, checked before it
//! is stored. An SVG is refused when it carries anything a browser would run or fetch
//! (script, event handlers, `foreignObject`, references to other files, a DOCTYPE with its
//! entities), since the logo is served from the site's own origin; a PNG is read with the
//! `image` crate within size limits read from its header first (so a small file declaring a
//! huge picture is refused before decoding). From a PNG a square podcast artwork (1400-3000
//! px, as podcast directories ask) is drawn, and from an SVG one of 3000 px drawn by resvg;
//! an SVG with text gets none, since the binary carries no fonts to draw text with (convert
//! the text to outlines, as logo files usually are, to get one). The artwork is also the
//! picture of an article without a photo (search engines and social sites want a raster
//! image of 1200 px or more), and the phones' home-screen icon and the browsers' PNG icon
//! are the artwork made small.
//!
//! Files: `{sha[0..2]}/{sha}/logo.svg` or `logo.png` (and `artwork.png`, `touch-icon.png`,
//! `icon.png`) in the media store, served at `/media/{sha}/…` like uploads.

use arabpress_render::views::THEME_ARTWORK_SIDE;
use image::{DynamicImage, ImageDecoder, ImageFormat, ImageReader, RgbaImage};
use quick_xml::events::{BytesStart, Event};
use std::io::Cursor;

/// The largest logo file accepted, in bytes.
pub const MAX_LOGO_BYTES: usize = 1 << 20;
/// The widest or tallest PNG logo accepted, in pixels.
pub const MAX_LOGO_SIDE: u32 = 4096;
/// The smallest side of the podcast artwork.
pub const ARTWORK_MIN: u32 = 1400;
/// The largest side of the podcast artwork.
pub const ARTWORK_MAX: u32 = 3000;
/// The side of the icon a phone puts on its home screen (`apple-touch-icon`), in pixels.
pub const TOUCH_ICON_SIDE: u32 = 180;
/// The side of the PNG icon (`<link rel="icon" sizes="192x192">`): browsers without SVG
/// icons draw their tabs from it, Android its home-screen shortcut.
pub const ICON_SIDE: u32 = 192;

// The theme's artwork is named in pages with its size (render's `THEME_ARTWORK_SIDE`):
// it must be one podcast directories take.
const _: () = assert!(
    THEME_ARTWORK_SIDE >= ARTWORK_MIN && THEME_ARTWORK_SIDE <= ARTWORK_MAX,
    "the theme's artwork must be a podcast size"
);
/// How deep an SVG's elements may nest.
const MAX_SVG_DEPTH: usize = 64;

/// Why a logo file was refused: a message id of the newsroom's Fluent files and its
/// arguments, so the member reads it in their language.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogoProblem {
    /// The message id.
    pub key: &'static str,
    /// Its arguments.
    pub args: Vec<(&'static str, String)>,
}

impl LogoProblem {
    fn new(key: &'static str) -> LogoProblem {
        LogoProblem {
            key,
            args: Vec::new(),
        }
    }

    fn with(mut self, name: &'static str, value: impl Into<String>) -> LogoProblem {
        self.args.push((name, value.into()));
        self
    }
}

/// A checked logo, ready to store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckedLogo {
    /// `logo.svg` or `logo.png`.
    pub file: &'static str,
    /// The bytes to store (a PNG without its metadata).
    pub bytes: Vec<u8>,
    /// Its size in pixels, when known.
    pub width: Option<u32>,
    /// Its height in pixels, when known.
    pub height: Option<u32>,
    /// The square podcast artwork (PNG), when one could be drawn.
    pub artwork: Option<Vec<u8>>,
    /// The artwork at [`TOUCH_ICON_SIDE`] pixels, for phones' home screens.
    pub touch_icon: Option<Vec<u8>>,
    /// The artwork at [`ICON_SIDE`] pixels, the browsers' PNG icon.
    pub icon: Option<Vec<u8>>,
}

/// Checks an uploaded logo and draws its artwork and icons when it can. CPU-bound: call it
/// on the blocking pool.
pub fn check(bytes: &[u8]) -> Result<CheckedLogo, LogoProblem> {
    let mut logo = checked(bytes)?;
    if let Some(art) = logo.artwork.as_deref() {
        logo.touch_icon = Some(square_from_artwork(art, TOUCH_ICON_SIDE)?);
        logo.icon = Some(square_from_artwork(art, ICON_SIDE)?);
    }
    Ok(logo)
}

/// The side of the artwork drawn from a logo (`logo.png` or `logo.svg`, of this size when
/// known), as [`check`] draws it: a PNG's larger side within the podcast sizes, an SVG at
/// the largest.
pub fn artwork_side(file: &str, width: Option<u32>, height: Option<u32>) -> u32 {
    match (file, width, height) {
        ("logo.png", Some(w), Some(h)) => w.max(h).clamp(ARTWORK_MIN, ARTWORK_MAX),
        _ => ARTWORK_MAX,
    }
}

fn checked(bytes: &[u8]) -> Result<CheckedLogo, LogoProblem> {
    if bytes.is_empty() {
        return Err(LogoProblem::new("settings-logo-empty"));
    }
    if bytes.len() > MAX_LOGO_BYTES {
        return Err(LogoProblem::new("settings-logo-too-large")
            .with("limit", (MAX_LOGO_BYTES >> 10).to_string()));
    }
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        return png(bytes);
    }
    if looks_like_svg(bytes) {
        let (width, height, has_text) = svg(bytes)?;
        let artwork = if has_text {
            None
        } else {
            Some(svg_artwork(bytes)?)
        };
        return Ok(CheckedLogo {
            file: "logo.svg",
            bytes: bytes.to_vec(),
            width,
            height,
            artwork,
            touch_icon: None,
            icon: None,
        });
    }
    Err(LogoProblem::new("settings-logo-type"))
}

fn looks_like_svg(bytes: &[u8]) -> bool {
    let head = &bytes[..bytes.len().min(4096)];
    let text = String::from_utf8_lossy(head);
    let t = text.trim_start_matches('\u{feff}').trim_start();
    t.starts_with('<') && text.contains("<svg")
}

fn png(bytes: &[u8]) -> Result<CheckedLogo, LogoProblem> {
    let damaged = || LogoProblem::new("settings-logo-damaged");
    let mut limits = image::Limits::default();
    limits.max_image_width = Some(MAX_LOGO_SIDE);
    limits.max_image_height = Some(MAX_LOGO_SIDE);
    limits.max_alloc = Some(256 << 20);
    // The header alone first: a file declaring a huge picture is refused unread.
    if let Some((w, h)) = png_header_size(bytes)
        && (w > MAX_LOGO_SIDE || h > MAX_LOGO_SIDE)
    {
        return Err(too_many_pixels(Some((w, h))));
    }
    let mut reader = ImageReader::with_format(Cursor::new(bytes), ImageFormat::Png);
    reader.limits(limits);
    let decoder = match reader.into_decoder() {
        Ok(d) => d,
        Err(image::ImageError::Limits(_)) => {
            return Err(too_many_pixels(png_header_size(bytes)));
        }
        Err(_) => return Err(damaged()),
    };
    let (w, h) = decoder.dimensions();
    if w == 0 || h == 0 || w > MAX_LOGO_SIDE || h > MAX_LOGO_SIDE {
        return Err(too_many_pixels(Some((w, h))));
    }
    let img = DynamicImage::from_decoder(decoder).map_err(|_| damaged())?;
    let clean = crate::strip::strip_metadata(bytes, 1).ok_or_else(damaged)?;
    Ok(CheckedLogo {
        file: "logo.png",
        bytes: clean,
        width: Some(w),
        height: Some(h),
        artwork: Some(artwork(&img)?),
        touch_icon: None,
        icon: None,
    })
}

/// The width and height a PNG's header declares.
fn png_header_size(bytes: &[u8]) -> Option<(u32, u32)> {
    let w = bytes.get(16..20)?;
    let h = bytes.get(20..24)?;
    Some((
        u32::from_be_bytes([w[0], w[1], w[2], w[3]]),
        u32::from_be_bytes([h[0], h[1], h[2], h[3]]),
    ))
}

fn too_many_pixels(size: Option<(u32, u32)>) -> LogoProblem {
    let (w, h) = size.unwrap_or((0, 0));
    LogoProblem::new("settings-logo-pixels")
        .with("width", w.to_string())
        .with("height", h.to_string())
        .with("limit", MAX_LOGO_SIDE.to_string())
}

/// A white square (its side the logo's larger side, within 1400-3000 px) with the logo
/// centred on it at most 80 % of the side, enlarged or reduced to fit.
fn artwork(logo: &DynamicImage) -> Result<Vec<u8>, LogoProblem> {
    let side = artwork_side("logo.png", Some(logo.width()), Some(logo.height()));
    let room = side * 4 / 5;
    let scaled = logo.resize(room, room, image::imageops::FilterType::CatmullRom);
    let mut canvas = RgbaImage::from_pixel(side, side, image::Rgba([255, 255, 255, 255]));
    let x = i64::from((side - scaled.width()) / 2);
    let y = i64::from((side - scaled.height()) / 2);
    image::imageops::overlay(&mut canvas, &scaled.to_rgba8(), x, y);
    opaque_png(canvas)
}

/// A white square of the largest podcast size with the SVG drawn centred on it at 80 % of
/// the side. The SVG has been checked first: nothing in it is fetched or run.
fn svg_artwork(bytes: &[u8]) -> Result<Vec<u8>, LogoProblem> {
    draw_svg(bytes, ARTWORK_MAX, WHITE, 0.8)
}

const WHITE: [u8; 3] = [255, 255, 255];

/// A square PNG of `side` pixels: `background`, with the SVG drawn centred on it at `fill`
/// of the side, keeping its proportions.
pub fn draw_svg(
    bytes: &[u8],
    side: u32,
    background: [u8; 3],
    fill: f32,
) -> Result<Vec<u8>, LogoProblem> {
    use resvg::tiny_skia::{Color, Pixmap, Transform};
    let invalid = || LogoProblem::new("settings-logo-svg-invalid");
    let tree = resvg::usvg::Tree::from_data(bytes, &resvg::usvg::Options::default())
        .map_err(|_| invalid())?;
    let size = tree.size();
    let (w, h) = (size.width(), size.height());
    if !(w.is_finite() && h.is_finite() && w > 0.0 && h > 0.0) {
        return Err(invalid());
    }
    let room = side as f32 * fill;
    let scale = (room / w).min(room / h);
    let (x, y) = (
        (side as f32 - w * scale) / 2.0,
        (side as f32 - h * scale) / 2.0,
    );
    let mut pixmap = Pixmap::new(side, side).ok_or_else(invalid)?;
    let [r, g, b] = background;
    pixmap.fill(Color::from_rgba8(r, g, b, 255));
    resvg::render(
        &tree,
        Transform::from_row(scale, 0.0, 0.0, scale, x, y),
        &mut pixmap.as_mut(),
    );
    // Every pixel is opaque (drawn over an opaque colour), so the premultiplied bytes are
    // plain RGBA.
    let canvas = RgbaImage::from_raw(side, side, pixmap.take()).ok_or_else(invalid)?;
    opaque_png(canvas)
}

/// An icon for the site from a square podcast artwork (PNG): the same picture at `side`
/// pixels ([`TOUCH_ICON_SIDE`] for phones' home screens, [`ICON_SIDE`] for browsers).
pub fn square_from_artwork(artwork: &[u8], side: u32) -> Result<Vec<u8>, LogoProblem> {
    let img = image::load_from_memory_with_format(artwork, ImageFormat::Png)
        .map_err(|_| LogoProblem::new("settings-logo-damaged"))?;
    let small = img.resize_exact(side, side, image::imageops::FilterType::Lanczos3);
    opaque_png(small.to_rgba8())
}

/// The theme's own pictures, for a site without an uploaded logo that gives them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ThemePicture {
    /// The phones' home-screen icon, from `assets/img/icon.svg`, edge to edge on its
    /// colour (phones round the corners themselves).
    TouchIcon,
    /// The browsers' PNG icon, from `assets/img/icon.svg` like the touch icon, at
    /// [`ICON_SIDE`].
    Icon,
    /// The podcast artwork, from `assets/img/logo.svg`, at the smallest size podcast
    /// directories take (`THEME_ARTWORK_SIDE`); also an article's picture when it has no
    /// photo.
    Artwork,
}

impl ThemePicture {
    /// Draws it as a PNG. CPU-bound: call it on the blocking pool.
    pub fn draw(self) -> Result<Vec<u8>, LogoProblem> {
        let (file, side) = match self {
            ThemePicture::TouchIcon => ("img/icon.svg", TOUCH_ICON_SIDE),
            ThemePicture::Icon => ("img/icon.svg", ICON_SIDE),
            ThemePicture::Artwork => ("img/logo.svg", THEME_ARTWORK_SIDE),
        };
        let svg = arabpress_render::assets::ASSETS
            .iter()
            .find(|a| a.path == file)
            .ok_or_else(|| LogoProblem::new("settings-logo-svg-invalid"))?;
        // The theme's red, so the icon's rounded corners meet a background of their colour.
        draw_svg(svg.body, side, [0x8a, 0x1c, 0x1c], 1.0)
    }
}

/// An opaque canvas as an RGB PNG.
fn opaque_png(canvas: RgbaImage) -> Result<Vec<u8>, LogoProblem> {
    let rgb = DynamicImage::ImageRgba8(canvas).to_rgb8();
    let mut out = Vec::new();
    rgb.write_to(&mut Cursor::new(&mut out), ImageFormat::Png)
        .map_err(|_| LogoProblem::new("settings-logo-damaged"))?;
    Ok(out)
}

/// Elements that run code, embed other documents or media, or can rewrite a link when
/// animated: none has a place in a logo.
const REFUSED_ELEMENTS: &[&str] = &[
    "script",
    "foreignobject",
    "iframe",
    "embed",
    "object",
    "audio",
    "video",
    "handler",
    "listener",
    "set",
    "animate",
    "animatemotion",
    "animatetransform",
    "animatecolor",
];

/// Checks an SVG file; returns its size when it states one, and whether it has text.
fn svg(bytes: &[u8]) -> Result<(Option<u32>, Option<u32>, bool), LogoProblem> {
    let invalid = || LogoProblem::new("settings-logo-svg-invalid");
    let unsafe_ = |what: &str| LogoProblem::new("settings-logo-svg-unsafe").with("what", what);
    let text = std::str::from_utf8(bytes).map_err(|_| invalid())?;
    let mut reader = quick_xml::Reader::from_str(text);
    reader.config_mut().check_end_names = true;
    let mut depth = 0usize;
    let mut size = None;
    let mut in_style = false;
    let mut has_text = false;
    loop {
        let event = reader.read_event().map_err(|_| invalid())?;
        match event {
            Event::Start(ref e) | Event::Empty(ref e) => {
                let opens = matches!(event, Event::Start(_));
                let name = String::from_utf8_lossy(e.local_name().as_ref()).to_lowercase();
                if depth == 0 {
                    if size.is_some() || name != "svg" {
                        // Not an SVG, or a second root element.
                        return Err(invalid());
                    }
                    size = Some(svg_size(e));
                }
                has_text |= name == "text";
                if REFUSED_ELEMENTS.contains(&name.as_str()) {
                    return Err(unsafe_(&format!("<{name}>")));
                }
                check_attributes(e)?;
                if opens {
                    in_style = name == "style";
                    depth += 1;
                    if depth > MAX_SVG_DEPTH {
                        return Err(invalid());
                    }
                }
            }
            Event::End(_) => {
                depth = depth.saturating_sub(1);
                in_style = false;
            }
            Event::Text(t) => {
                let t = t.decode().map_err(|_| invalid())?;
                if in_style {
                    check_css(&t)?;
                }
            }
            Event::CData(c) => {
                let c = c.decode().map_err(|_| invalid())?;
                if in_style {
                    check_css(&c)?;
                }
            }
            Event::GeneralRef(r) => {
                // Only the five predefined entities and character references: a custom
                // entity would need a DOCTYPE, which is refused.
                let name = r.decode().map_err(|_| invalid())?;
                let known = matches!(&*name, "amp" | "lt" | "gt" | "quot" | "apos")
                    || name.starts_with('#');
                if !known {
                    return Err(unsafe_("&entity;"));
                }
            }
            Event::DocType(_) => return Err(unsafe_("<!DOCTYPE>")),
            Event::PI(_) => return Err(unsafe_("<?…?>")),
            Event::Comment(_) | Event::Decl(_) => {}
            Event::Eof => break,
        }
    }
    match size {
        Some((w, h)) if depth == 0 => Ok((w, h, has_text)),
        _ => Err(invalid()),
    }
}

/// The width and height an `<svg>` states, in whole pixels: its `width` and `height`
/// when they are plain numbers (or `px`), else its `viewBox`.
fn svg_size(e: &BytesStart<'_>) -> (Option<u32>, Option<u32>) {
    let attr = |name: &str| {
        e.attributes()
            .flatten()
            .find(|a| a.key.as_ref() == name.as_bytes())
            .map(|a| String::from_utf8_lossy(&a.value).into_owned())
    };
    let number = |v: Option<String>| -> Option<u32> {
        let v = v?;
        let n: f64 = v.trim().trim_end_matches("px").trim().parse().ok()?;
        (n.is_finite() && (1.0..=100_000.0).contains(&n)).then(|| n.round() as u32)
    };
    let (w, h) = (number(attr("width")), number(attr("height")));
    if w.is_some() && h.is_some() {
        return (w, h);
    }
    let vb: Vec<Option<u32>> = attr("viewBox")
        .unwrap_or_default()
        .split([' ', ','])
        .filter(|p| !p.is_empty())
        .map(|p| number(Some(p.to_owned())))
        .collect();
    match vb.as_slice() {
        [_, _, Some(w), Some(h)] => (Some(*w), Some(*h)),
        _ => (None, None),
    }
}

/// What is left of a value once whitespace and control characters are gone, lowercased:
/// browsers ignore them inside a URL's scheme (`java\tscript:`).
fn squeezed(v: &str) -> String {
    v.chars()
        .filter(|c| !c.is_whitespace() && !c.is_control())
        .flat_map(char::to_lowercase)
        .collect()
}

/// Refuses event handlers, references to anything but a fragment of the file itself, and
/// style that loads something.
fn check_attributes(e: &BytesStart<'_>) -> Result<(), LogoProblem> {
    let unsafe_ = |what: &str| LogoProblem::new("settings-logo-svg-unsafe").with("what", what);
    for a in e.attributes() {
        let a = a.map_err(|_| LogoProblem::new("settings-logo-svg-invalid"))?;
        let key = String::from_utf8_lossy(a.key.as_ref()).to_lowercase();
        let local = String::from_utf8_lossy(a.key.local_name().as_ref()).to_lowercase();
        let value = a
            .normalized_value(quick_xml::XmlVersion::Implicit1_0)
            .map_err(|_| LogoProblem::new("settings-logo-svg-invalid"))?;
        let v = squeezed(&value);
        if local.starts_with("on") {
            return Err(unsafe_(&key));
        }
        if matches!(local.as_str(), "href" | "src") && !v.is_empty() && !v.starts_with('#') {
            return Err(unsafe_(&format!("{key}=\"{}\"", truncate(&value))));
        }
        if local == "style" {
            check_css(&value)?;
        } else if v.contains("url(") && !only_fragment_urls(&v) {
            return Err(unsafe_(&format!("{key}=\"{}\"", truncate(&value))));
        }
        if v.contains("javascript:") {
            return Err(unsafe_(&key));
        }
    }
    Ok(())
}

/// Refuses CSS that loads or runs anything: `@import`, `url(…)` other than `url(#id)`,
/// `expression(…)`.
fn check_css(css: &str) -> Result<(), LogoProblem> {
    let v = squeezed(css);
    let bad = v.contains("@import")
        || v.contains("expression(")
        || v.contains("javascript:")
        || !only_fragment_urls(&v);
    if bad {
        return Err(LogoProblem::new("settings-logo-svg-unsafe").with("what", "style"));
    }
    Ok(())
}

/// True when every `url(` in `v` (squeezed) names a fragment of this file.
fn only_fragment_urls(v: &str) -> bool {
    v.match_indices("url(").all(|(i, _)| {
        let rest = v.get(i + 4..).unwrap_or_default();
        let rest = rest.trim_start_matches(['"', '\'']);
        rest.starts_with('#')
    })
}

fn truncate(v: &str) -> String {
    let mut t: String = v.chars().take(60).collect();
    if t.len() < v.len() {
        t.push('…');
    }
    t
}

#[cfg(test)]
mod tests {
    use super::*;

    fn png_of(w: u32, h: u32) -> Vec<u8> {
        let img =
            DynamicImage::ImageRgba8(RgbaImage::from_pixel(w, h, image::Rgba([200, 30, 30, 255])));
        let mut out = Vec::new();
        img.write_to(&mut Cursor::new(&mut out), ImageFormat::Png)
            .unwrap();
        out
    }

    fn key(r: Result<CheckedLogo, LogoProblem>) -> &'static str {
        match r {
            Ok(_) => "accepted",
            Err(p) => p.key,
        }
    }

    #[test]
    fn a_png_logo_gets_a_square_artwork_within_podcast_sizes() {
        for (w, h, side) in [(300, 100, 1400), (2000, 1000, 2000), (4000, 500, 3000)] {
            let l = check(&png_of(w, h)).unwrap();
            assert_eq!((l.file, l.width, l.height), ("logo.png", Some(w), Some(h)));
            let art = image::load_from_memory(l.artwork.as_deref().unwrap_or_default()).unwrap();
            assert_eq!((art.width(), art.height()), (side, side), "{w}×{h}");
            assert_eq!(artwork_side(l.file, l.width, l.height), side, "{w}×{h}");
            for (icon, icon_side) in [(&l.touch_icon, TOUCH_ICON_SIDE), (&l.icon, ICON_SIDE)] {
                let icon = image::load_from_memory(icon.as_deref().unwrap_or_default()).unwrap();
                assert_eq!((icon.width(), icon.height()), (icon_side, icon_side));
            }
            // The logo is in the middle, the corners are white.
            let rgb = art.to_rgb8();
            assert_eq!(rgb.get_pixel(0, 0).0, [255, 255, 255]);
            assert_eq!(rgb.get_pixel(side / 2, side / 2).0, [200, 30, 30]);
        }
    }

    #[test]
    fn bad_files_are_refused_with_a_reason() {
        assert_eq!(key(check(b"")), "settings-logo-empty");
        assert_eq!(key(check(b"GIF89a....")), "settings-logo-type");
        assert_eq!(key(check(b"hello, not an image")), "settings-logo-type");
        assert_eq!(
            key(check(&vec![b' '; MAX_LOGO_BYTES + 1])),
            "settings-logo-too-large"
        );
        // A PNG signature and nothing readable after it.
        assert_eq!(
            key(check(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDRxx")),
            "settings-logo-damaged"
        );
        // A bomb: a tiny file whose header declares 100,000 × 100,000 pixels.
        let mut bomb = png_of(1, 1);
        bomb[16..20].copy_from_slice(&100_000u32.to_be_bytes());
        bomb[20..24].copy_from_slice(&100_000u32.to_be_bytes());
        let r = check(&bomb);
        assert_eq!(key(r.clone()), "settings-logo-pixels");
        let args = r.err().map(|p| p.args).unwrap_or_default();
        assert!(args.contains(&("width", "100000".to_owned())), "{args:?}");
        assert_eq!(key(check(&png_of(5000, 10))), "settings-logo-pixels");
    }

    #[test]
    fn a_plain_svg_is_kept_with_its_size() {
        let svg = br##"<?xml version="1.0"?>
<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" viewBox="0 0 120 40">
  <defs><linearGradient id="g"><stop offset="0" stop-color="#c00"/></linearGradient>
  <style>.a { fill: url(#g); }</style></defs>
  <!-- a comment -->
  <rect class="a" width="120" height="40" fill="url(#g)"/>
  <use xlink:href="#g"/>
  <text x="4" y="30">Arab &amp; Press</text>
</svg>"##;
        let l = check(svg).unwrap();
        assert_eq!(
            (l.file, l.width, l.height),
            ("logo.svg", Some(120), Some(40))
        );
        assert!(l.artwork.is_none(), "text cannot be drawn without fonts");
        let sized = br#"<svg xmlns="http://www.w3.org/2000/svg" width="64px" height="32"/>"#;
        let l = check(sized).unwrap();
        assert_eq!((l.width, l.height), (Some(64), Some(32)));
    }

    #[test]
    fn an_svg_logo_is_drawn_centred_on_a_square_artwork() {
        // A wide red bar: 200 × 50 units, drawn at 80 % of a 3000 px side.
        let svg = br##"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 200 50"><rect width="200" height="50" fill="#c81e1e"/></svg>"##;
        let l = check(svg).unwrap();
        let art = image::load_from_memory(l.artwork.as_deref().unwrap_or_default()).unwrap();
        assert_eq!((art.width(), art.height()), (ARTWORK_MAX, ARTWORK_MAX));
        assert_eq!(artwork_side(l.file, l.width, l.height), ARTWORK_MAX);
        let icon = image::load_from_memory(l.icon.as_deref().unwrap_or_default()).unwrap();
        assert_eq!((icon.width(), icon.height()), (ICON_SIDE, ICON_SIDE));
        let rgb = art.to_rgb8();
        assert_eq!(rgb.get_pixel(0, 0).0, [255, 255, 255], "white corners");
        assert_eq!(
            rgb.get_pixel(1500, 1500).0,
            [200, 30, 30],
            "the logo in the middle"
        );
        // 2400 px wide (300 to 2700), 600 px tall (1200 to 1800).
        assert_eq!(rgb.get_pixel(310, 1500).0, [200, 30, 30]);
        assert_eq!(rgb.get_pixel(290, 1500).0, [255, 255, 255]);
        assert_eq!(rgb.get_pixel(1500, 1190).0, [255, 255, 255]);
        // An SVG whose size cannot be worked out is refused, not stored without artwork.
        let sizeless = br#"<svg xmlns="http://www.w3.org/2000/svg" width="0" height="0"/>"#;
        assert_eq!(key(check(sizeless)), "settings-logo-svg-invalid");
    }

    #[test]
    fn an_svg_that_runs_or_fetches_anything_is_refused() {
        let svg = |inner: &str| {
            format!(
                r#"<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink">{inner}</svg>"#
            )
        };
        for bad in [
            "<script>alert(1)</script>",
            "<SCRIPT>alert(1)</SCRIPT>",
            r#"<rect onload="alert(1)"/>"#,
            r#"<rect ONCLICK="alert(1)"/>"#,
            r#"<a href="javascript:alert(1)"><rect/></a>"#,
            r#"<a xlink:href="&#106;avascript:alert(1)"><rect/></a>"#,
            r#"<image href="https://tracker.example/p.png"/>"#,
            r#"<image xlink:href="data:image/svg+xml;base64,PHN2Zz4="/>"#,
            r#"<use href="other.svg#x"/>"#,
            r#"<foreignObject><p>x</p></foreignObject>"#,
            r#"<style>@import url(https://x.example/a.css);</style>"#,
            r#"<style>rect { fill: url( "https://x.example/f.svg#g" ) }</style>"#,
            r#"<rect style="fill:url(https://x.example/f.svg#g)"/>"#,
            r#"<rect fill="url(https://x.example/f.svg#g)"/>"#,
            r#"<set attributeName="href" to="javascript:alert(1)"/>"#,
            r#"<iframe src="https://x.example"/>"#,
        ] {
            assert_eq!(
                key(check(svg(bad).as_bytes())),
                "settings-logo-svg-unsafe",
                "{bad}"
            );
        }
        let doctype = r#"<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY x "y">]><svg xmlns="http://www.w3.org/2000/svg">&x;</svg>"#;
        assert_eq!(key(check(doctype.as_bytes())), "settings-logo-svg-unsafe");
        let stylesheet = r#"<?xml-stylesheet href="https://x.example/a.css"?><svg xmlns="http://www.w3.org/2000/svg"/>"#;
        assert_eq!(
            key(check(stylesheet.as_bytes())),
            "settings-logo-svg-unsafe"
        );
        for broken in [
            "<svg xmlns=\"http://www.w3.org/2000/svg\"><rect></svg>",
            "<html><svg/></html>",
            "<svg/><svg/>",
        ] {
            assert_eq!(
                key(check(broken.as_bytes())),
                "settings-logo-svg-invalid",
                "{broken}"
            );
        }
    }
}
