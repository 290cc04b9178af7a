//! Uploaded images: the type is sniffed from the bytes (never trusted from the name or the
//! header), size and pixel count are bounded before decoding (one image is decoded at a
//! time, so two large uploads cannot double the memory peak), the original is kept without
//! its metadata (GPS position, camera, description: see `strip`), and resized copies in JPEG and WebP (for `srcset`) plus 16:9, 4:3 and 1:1 crops (for
//! structured data) are written beside it, to the media store (see `objects`). The
//! original is written last and the database row after it, so a row always names a
//! complete set; a failed upload removes what it wrote.
//!
//! Layout: `{sha[0..2]}/{sha}/original.{ext}`, `w{N}.jpg`, `w{N}.webp`,
//! `crop-16x9.jpg`, `crop-4x3.jpg`, `crop-1x1.jpg`; served at `/media/{sha}/{file}`.

use crate::{App, AppError};
use arabpress_core::{User, ValidationError};
use image::{DynamicImage, ImageDecoder, ImageFormat, ImageReader};
use sha2::{Digest, Sha256};
use std::io::Cursor;

/// The largest upload accepted, in bytes.
pub const MAX_UPLOAD_BYTES: usize = 20 << 20;
/// The most pixels an upload may decode to, checked from the header before decoding.
pub const MAX_PIXELS: u64 = 50_000_000;
/// How many images may be decoded and resized at once.
const IMAGE_PERMITS: usize = 1;

static IMAGE_WORK: std::sync::LazyLock<std::sync::Arc<tokio::sync::Semaphore>> =
    std::sync::LazyLock::new(|| std::sync::Arc::new(tokio::sync::Semaphore::new(IMAGE_PERMITS)));
/// The widths of the resized copies (the original's width caps them).
pub use arabpress_core::media::WIDTHS as MEDIA_WIDTHS;
use arabpress_core::media::{CROPS, ImageType};

/// A stored upload.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UploadedImage {
    /// Store id.
    pub id: i64,
    /// SHA-256 of the original.
    pub sha256: String,
    /// The URL to put in an article: the largest JPEG copy; the theme derives the `srcset`
    /// and the WebP sources from it.
    pub url: String,
    /// The original's size in pixels.
    pub width: u32,
    /// The original's height in pixels.
    pub height: u32,
}

/// A file to serve from the media folder.
#[derive(Debug)]
pub struct MediaFile {
    /// Its bytes.
    pub body: bytes::Bytes,
    /// Its `Content-Type`.
    pub content_type: &'static str,
}

/// A media file, or the part of it a `Range` header asked for.
#[derive(Debug)]
pub struct MediaPart {
    /// Its `Content-Type`.
    pub content_type: &'static str,
    /// The whole file's length in bytes.
    pub len: u64,
    /// What to send.
    pub body: PartBody,
}

/// The bytes a [`MediaPart`] sends.
#[derive(Debug)]
pub enum PartBody {
    /// The whole file (no range asked, or one a server may ignore).
    Whole(bytes::Bytes),
    /// Bytes `from..=to` of the file.
    Range {
        /// The first byte's offset.
        from: u64,
        /// The last byte's offset.
        to: u64,
        /// The bytes.
        bytes: bytes::Bytes,
    },
    /// The range lies wholly past the end (416).
    NotSatisfiable,
}

/// What processing produced, before it is moved into place.
#[derive(Debug)]
struct Processed {
    content_type: &'static str,
    width: u32,
    height: u32,
    widths: Vec<u32>,
    files: Vec<(String, Vec<u8>)>,
}

/// An image refused for the reason the message `id` gives.
fn invalid(id: &'static str, msg: impl Into<String>) -> AppError {
    AppError::Invalid(ValidationError::new("image", id, msg))
}

fn sniff(bytes: &[u8]) -> Result<(ImageFormat, &'static str, &'static str), AppError> {
    let t = ImageType::sniff(bytes).ok_or_else(|| {
        invalid(
            "invalid-image-format",
            "the file is not a JPEG, PNG, WebP or GIF image",
        )
    })?;
    let format = match t {
        ImageType::Jpeg => ImageFormat::Jpeg,
        ImageType::Png => ImageFormat::Png,
        ImageType::WebP => ImageFormat::WebP,
        ImageType::Gif => ImageFormat::Gif,
    };
    Ok((format, t.content_type(), t.extension()))
}

fn jpeg(img: &DynamicImage) -> Result<Vec<u8>, AppError> {
    let rgb = img.to_rgb8();
    let mut out = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 82)
        .encode_image(&rgb)
        .map_err(|e| AppError::internal("encoding JPEG", e))?;
    Ok(out)
}

fn webp(img: &DynamicImage) -> Result<Vec<u8>, AppError> {
    let rgb = img.to_rgb8();
    let mem = webp::Encoder::from_rgb(rgb.as_raw(), rgb.width(), rgb.height())
        .encode_simple(false, 75.0)
        .map_err(|e| AppError::internal("encoding WebP", format!("{e:?}")))?;
    Ok(mem.to_vec())
}

fn process(bytes: &[u8]) -> Result<Processed, AppError> {
    let (format, content_type, ext) = sniff(bytes)?;
    let mut limits = image::Limits::default();
    limits.max_image_width = Some(30_000);
    limits.max_image_height = Some(30_000);
    limits.max_alloc = Some(1 << 30);
    let mut reader = ImageReader::with_format(Cursor::new(bytes), format);
    reader.limits(limits);
    let mut decoder = reader.into_decoder().map_err(|e| {
        invalid(
            "invalid-image-unreadable",
            format!("the file cannot be read ({e})"),
        )
    })?;
    let (w, h) = decoder.dimensions();
    if w == 0 || h == 0 || u64::from(w) * u64::from(h) > MAX_PIXELS {
        return Err(AppError::Invalid(
            ValidationError::new(
                "image",
                "invalid-image-pixels",
                format!(
                    "{w}×{h} pixels is outside the accepted size (at most {} megapixels)",
                    MAX_PIXELS / 1_000_000
                ),
            )
            .with("width", w)
            .with("height", h)
            .with("max", MAX_PIXELS / 1_000_000),
        ));
    }
    let orientation = decoder.orientation().map_err(|e| {
        invalid(
            "invalid-image-unreadable",
            format!("the file cannot be read ({e})"),
        )
    })?;
    let original = crate::strip::strip_metadata(bytes, orientation.to_exif()).ok_or_else(|| {
        invalid(
            "invalid-image-damaged",
            "the file is damaged (its structure cannot be followed)",
        )
    })?;
    let mut img = DynamicImage::from_decoder(decoder).map_err(|e| {
        invalid(
            "invalid-image-damaged",
            format!("the file is damaged ({e})"),
        )
    })?;
    img.apply_orientation(orientation);
    let (w, h) = (img.width(), img.height());
    let mut widths: Vec<u32> = MEDIA_WIDTHS.iter().copied().filter(|&x| x < w).collect();
    let top = w.min(MEDIA_WIDTHS.iter().copied().max().unwrap_or(w));
    if !widths.contains(&top) {
        widths.push(top);
    }
    let mut files = vec![(format!("original.{ext}"), original)];
    // The largest copy is made from the original; the smaller copies and the crops from it
    // (a 12-megapixel photo is scaled once, not seven times).
    let scale = |from: &DynamicImage, width: u32| {
        let height = (u64::from(h) * u64::from(width) / u64::from(w)).max(1);
        let height = u32::try_from(height).unwrap_or(u32::MAX);
        from.resize_exact(width, height, image::imageops::FilterType::CatmullRom)
    };
    let base = if top < w { scale(&img, top) } else { img };
    for &width in &widths {
        let copy = if width == base.width() {
            base.clone()
        } else {
            scale(&base, width)
        };
        files.push((format!("w{width}.jpg"), jpeg(&copy)?));
        files.push((format!("w{width}.webp"), webp(&copy)?));
    }
    let (bw, bh) = (base.width(), base.height());
    for &(name, rw, rh) in CROPS {
        // The largest centred rectangle of the ratio, scaled to the crop size.
        let (cw, ch) = if u64::from(bw) * u64::from(rh) > u64::from(bh) * u64::from(rw) {
            (bh * rw / rh, bh)
        } else {
            (bw, bw * rh / rw)
        };
        let (cw, ch) = (cw.max(1), ch.max(1));
        let cropped = base.crop_imm((bw - cw) / 2, (bh - ch) / 2, cw, ch);
        // Always the same size, so structured data can state it.
        let (out_w, out_h) = arabpress_core::media::crop_size(rw, rh);
        let scaled = cropped.resize_exact(out_w, out_h, image::imageops::FilterType::CatmullRom);
        files.push((format!("crop-{name}.jpg"), jpeg(&scaled)?));
    }
    Ok(Processed {
        content_type,
        width: w,
        height: h,
        widths,
        files,
    })
}

/// Whether `name` is a file the media folder can hold (so a request cannot name any other).
fn servable(name: &str) -> Option<&'static str> {
    match name {
        crate::AUDIO_FILE => return Some("audio/mpeg"),
        // The site's logo, and the podcast artwork and icons drawn from it (see `logo`).
        "logo.svg" => return Some("image/svg+xml"),
        "logo.png" | "artwork.png" | "touch-icon.png" | "icon.png" => return Some("image/png"),
        _ => {}
    }
    let (stem, ext) = name.rsplit_once('.')?;
    let ct = match ext {
        "jpg" => "image/jpeg",
        "png" => "image/png",
        "webp" => "image/webp",
        "gif" => "image/gif",
        _ => return None,
    };
    let ok = stem == "original"
        || stem.strip_prefix('w').is_some_and(|n| {
            !n.is_empty() && n.len() <= 5 && n.bytes().all(|b| b.is_ascii_digit())
        })
        || CROPS
            .iter()
            .any(|(c, _, _)| stem.strip_prefix("crop-") == Some(*c));
    ok.then_some(ct)
}

fn is_sha(s: &str) -> bool {
    s.len() == 64 && s.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

impl App {
    /// Checks, stores and resizes an uploaded image for `actor` (anyone who writes).
    pub async fn upload_image(
        &self,
        actor: &User,
        bytes: Vec<u8>,
    ) -> Result<UploadedImage, AppError> {
        if !actor.active {
            return Err(AppError::Forbidden(crate::Forbidden::Deactivated {
                action: "upload",
            }));
        }
        self.store_image(bytes, Some(actor.id)).await
    }

    /// Checks, stores and resizes an image (an upload by user `by`, or an imported one).
    pub(crate) async fn store_image(
        &self,
        bytes: Vec<u8>,
        by: Option<i64>,
    ) -> Result<UploadedImage, AppError> {
        if bytes.is_empty() {
            return Err(invalid("invalid-image-empty", "the file is empty"));
        }
        if bytes.len() > MAX_UPLOAD_BYTES {
            return Err(AppError::Invalid(
                ValidationError::new(
                    "image",
                    "invalid-image-large",
                    format!("the file is larger than {} MiB", MAX_UPLOAD_BYTES >> 20),
                )
                .with("max", MAX_UPLOAD_BYTES >> 20),
            ));
        }
        let sha = hex::encode(Sha256::digest(&bytes));
        let existing = self.store().media_by_hash(&sha).await?;
        let row = match existing {
            Some(row)
                if self
                    .media_exists(&sha, &original_name(&row.content_type))
                    .await? =>
            {
                row
            }
            _ => {
                let permit = std::sync::Arc::clone(&IMAGE_WORK)
                    .acquire_owned()
                    .await
                    .map_err(|e| AppError::internal("image queue", e))?;
                let p = tokio::task::spawn_blocking(move || {
                    let _permit = permit;
                    process(&bytes)
                })
                .await
                .map_err(|e| AppError::internal("image task", e))??;
                let bytes_len = p.files.first().map_or(0, |(_, b)| b.len());
                // The original goes last: its presence says the copies are all there.
                let mut files = p.files;
                files.rotate_left(1);
                self.put_media(&sha, files).await?;
                self.store()
                    .insert_media(
                        &sha,
                        p.content_type,
                        p.width,
                        p.height,
                        u64::try_from(bytes_len).unwrap_or(u64::MAX),
                        &p.widths,
                        by,
                        self.now(),
                    )
                    .await?
            }
        };
        let top = row.widths.iter().copied().max().unwrap_or(row.width);
        Ok(UploadedImage {
            id: row.id,
            url: format!("/media/{}/w{top}.jpg", row.sha256),
            sha256: row.sha256,
            width: row.width,
            height: row.height,
        })
    }

    /// A media file, if `sha` and `name` name one.
    pub async fn media_file(&self, sha: &str, name: &str) -> Result<Option<MediaFile>, AppError> {
        let Some(content_type) = servable(name).filter(|_| is_sha(sha)) else {
            return Ok(None);
        };
        let Some(body) = self.media_bytes(sha, name).await? else {
            return Ok(None);
        };
        // Originals stored before metadata was stripped on upload are stripped here; one
        // whose structure cannot be followed is not served.
        let body = if name.starts_with("original.") {
            match served_original(&body) {
                Some(clean) => bytes::Bytes::from(clean),
                None => return Ok(None),
            }
        } else {
            body
        };
        Ok(Some(MediaFile { body, content_type }))
    }

    /// A media file, or the part of it that `range` (a `Range` header's value, RFC 9110)
    /// asks for. A range is read alone from the store, never the whole object: a listener
    /// seeking in a long spoken article costs what they hear. Originals are cleaned as they
    /// are read, so their length is known only from the whole; they are read whole.
    pub async fn media_part(
        &self,
        sha: &str,
        name: &str,
        range: Option<&str>,
    ) -> Result<Option<MediaPart>, AppError> {
        use arabpress_core::http::byte_range;
        if range.is_none() || name.starts_with("original.") {
            let Some(f) = self.media_file(sha, name).await? else {
                return Ok(None);
            };
            let len = f.body.len() as u64;
            let body = match byte_range(range, len) {
                Ok(None) => PartBody::Whole(f.body),
                Ok(Some((from, to))) => PartBody::Range {
                    from,
                    to,
                    bytes: f.body.slice(from as usize..=to as usize),
                },
                Err(_) => PartBody::NotSatisfiable,
            };
            return Ok(Some(MediaPart {
                content_type: f.content_type,
                len,
                body,
            }));
        }
        let Some(content_type) = servable(name).filter(|_| is_sha(sha)) else {
            return Ok(None);
        };
        let Some(len) = self.media_size(sha, name).await? else {
            return Ok(None);
        };
        let body = match byte_range(range, len) {
            Ok(None) => self.media_bytes(sha, name).await?.map(PartBody::Whole),
            Ok(Some((from, to))) => self
                .media_range(sha, name, from, to)
                .await?
                .map(|bytes| PartBody::Range { from, to, bytes }),
            Err(_) => Some(PartBody::NotSatisfiable),
        };
        Ok(body.map(|body| MediaPart {
            content_type,
            len,
            body,
        }))
    }
}

/// An original without its metadata, keeping its orientation.
fn served_original(body: &[u8]) -> Option<Vec<u8>> {
    let orientation = ImageReader::new(Cursor::new(body))
        .with_guessed_format()
        .ok()
        .and_then(|r| r.into_decoder().ok())
        .and_then(|mut d| d.orientation().ok())
        .map_or(1, |o| o.to_exif());
    crate::strip::strip_metadata(body, orientation)
}

/// The original's file name for a content type.
fn original_name(content_type: &str) -> String {
    let ext = match content_type {
        "image/png" => "png",
        "image/webp" => "webp",
        "image/gif" => "gif",
        _ => "jpg",
    };
    format!("original.{ext}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_media_file_names_are_served() {
        assert_eq!(servable("w960.webp"), Some("image/webp"));
        assert_eq!(servable("original.png"), Some("image/png"));
        assert_eq!(servable("crop-16x9.jpg"), Some("image/jpeg"));
        assert_eq!(servable("spoken.mp3"), Some("audio/mpeg"));
        assert_eq!(servable("other.mp3"), None);
        for bad in [
            "../x.jpg",
            "w.jpg",
            "crop-2x1.jpg",
            "original.svg",
            "w960.webp/x",
            "x",
        ] {
            assert_eq!(servable(bad), None, "{bad}");
        }
        assert!(!is_sha("../../etc"));
    }

    #[test]
    fn anything_but_an_image_is_refused_by_its_bytes() {
        assert!(matches!(
            sniff(b"<svg xmlns='http://www.w3.org/2000/svg'/>"),
            Err(AppError::Invalid(_))
        ));
        assert!(matches!(sniff(b"GIF89a"), Ok((ImageFormat::Gif, _, _))));
        // A PNG signature with nothing after it is sniffed as PNG and then fails to decode.
        let e = process(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR");
        assert!(matches!(e, Err(AppError::Invalid(_))), "{e:?}");
    }

    /// A JPEG carrying an Exif block with a GPS position, a description and a rotation,
    /// plus a comment: the camera's view of where the source stood.
    fn jpeg_with_gps() -> Vec<u8> {
        let img = DynamicImage::ImageRgb8(image::RgbImage::from_fn(64, 32, |x, _| {
            image::Rgb([(x * 4) as u8, 60, 90])
        }));
        let mut plain = Vec::new();
        img.write_to(&mut Cursor::new(&mut plain), ImageFormat::Jpeg)
            .unwrap();
        // TIFF, little-endian: IFD0 with ImageDescription, Orientation (6: rotate 90°) and
        // a GPS IFD pointer; the GPS IFD with latitude ref N and longitude ref E.
        let mut tiff: Vec<u8> = b"II\x2a\x00\x08\x00\x00\x00".to_vec();
        let desc = b"Source at the checkpoint\0";
        let ifd0_len = 2 + 3 * 12 + 4;
        let desc_at = 8 + ifd0_len;
        let gps_at = desc_at + desc.len();
        tiff.extend_from_slice(&3u16.to_le_bytes());
        for (tag, kind, count, value) in [
            (0x010Eu16, 2u16, desc.len() as u32, desc_at as u32),
            (0x0112, 3, 1, 6),
            (0x8825, 4, 1, gps_at as u32),
        ] {
            tiff.extend_from_slice(&tag.to_le_bytes());
            tiff.extend_from_slice(&kind.to_le_bytes());
            tiff.extend_from_slice(&count.to_le_bytes());
            tiff.extend_from_slice(&value.to_le_bytes());
        }
        tiff.extend_from_slice(&0u32.to_le_bytes());
        tiff.extend_from_slice(desc);
        tiff.extend_from_slice(&2u16.to_le_bytes());
        for (tag, value) in [(0x0001u16, *b"N\0\0\0"), (0x0003, *b"E\0\0\0")] {
            tiff.extend_from_slice(&tag.to_le_bytes());
            tiff.extend_from_slice(&2u16.to_le_bytes());
            tiff.extend_from_slice(&2u32.to_le_bytes());
            tiff.extend_from_slice(&value);
        }
        tiff.extend_from_slice(&0u32.to_le_bytes());
        let mut app1 = vec![0xFF, 0xE1];
        app1.extend_from_slice(&((2 + 6 + tiff.len()) as u16).to_be_bytes());
        app1.extend_from_slice(b"Exif\0\0");
        app1.extend_from_slice(&tiff);
        let comment = b"GPS 33.5138 N 36.2765 E";
        let mut com = vec![0xFF, 0xFE];
        com.extend_from_slice(&((2 + comment.len()) as u16).to_be_bytes());
        com.extend_from_slice(comment);
        let mut out = plain[..2].to_vec();
        out.extend_from_slice(&app1);
        out.extend_from_slice(&com);
        out.extend_from_slice(&plain[2..]);
        out
    }

    #[test]
    fn the_served_original_carries_no_gps_or_description() {
        let upload = jpeg_with_gps();
        let contains = |hay: &[u8], needle: &[u8]| hay.windows(needle.len()).any(|w| w == needle);
        assert!(contains(&upload, b"Source at the checkpoint"));
        // The decoder sees the rotation, so the test file is what a phone writes.
        let p = process(&upload).unwrap();
        assert_eq!(
            (p.width, p.height),
            (32, 64),
            "rotated by its Exif orientation"
        );
        for (name, file) in &p.files {
            for secret in [&b"Source at the checkpoint"[..], b"GPS 33.5138"] {
                assert!(!contains(file, secret), "{name} keeps {secret:?}");
            }
        }
        let original = p
            .files
            .iter()
            .find(|(n, _)| n == "original.jpg")
            .map(|(_, b)| b.clone())
            .unwrap_or_default();
        // Still a JPEG of the same picture, still upright when shown.
        let mut d = ImageReader::with_format(Cursor::new(&original), ImageFormat::Jpeg)
            .into_decoder()
            .unwrap();
        assert_eq!(d.dimensions(), (64, 32));
        assert_eq!(d.orientation().map(|o| o.to_exif()).ok(), Some(6));
        // An original stored before stripping is cleaned when served.
        let served = served_original(&upload).unwrap_or_default();
        assert_eq!(served, original);
    }

    #[test]
    fn an_image_gets_copies_in_both_formats_and_three_crops() {
        let img = DynamicImage::ImageRgb8(image::RgbImage::from_fn(1000, 500, |x, y| {
            image::Rgb([(x % 256) as u8, (y % 256) as u8, 90])
        }));
        let mut png = Vec::new();
        img.write_to(&mut Cursor::new(&mut png), ImageFormat::Png)
            .unwrap();
        let p = process(&png).unwrap();
        assert_eq!(
            (p.width, p.height, p.content_type),
            (1000, 500, "image/png")
        );
        assert_eq!(p.widths, vec![480, 960, 1000]);
        let names: Vec<&str> = p.files.iter().map(|(n, _)| n.as_str()).collect();
        for want in [
            "original.png",
            "w480.jpg",
            "w480.webp",
            "w1000.webp",
            "crop-1x1.jpg",
        ] {
            assert!(names.contains(&want), "{names:?}");
        }
        let crop = p
            .files
            .iter()
            .find(|(n, _)| n == "crop-16x9.jpg")
            .map(|(_, b)| b.clone());
        let crop = image::load_from_memory(&crop.unwrap_or_default()).unwrap();
        assert_eq!((crop.width(), crop.height()), (1200, 675));
        let webp = p
            .files
            .iter()
            .find(|(n, _)| n == "w960.webp")
            .map(|(_, b)| b.clone());
        let webp = image::load_from_memory(&webp.unwrap_or_default()).unwrap();
        assert_eq!((webp.width(), webp.height()), (960, 480));
    }
}
