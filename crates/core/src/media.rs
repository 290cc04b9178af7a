//! The addresses of uploaded images. An upload is stored once per content hash with resized
//! copies at fixed widths (JPEG and WebP) and three crops; an article keeps the address of
//! its largest JPEG copy, `/media/{sha256}/w{N}.jpg`, from which every other address follows.

/// The widths of the resized copies (an original narrower than one is not enlarged: its
/// own width is then the largest copy).
pub const WIDTHS: &[u32] = &[480, 960, 1600];

/// The crops made for structured data, by name and ratio.
pub const CROPS: &[(&str, u32, u32)] = &[("16x9", 16, 9), ("4x3", 4, 3), ("1x1", 1, 1)];

/// The width of every crop.
pub const CROP_WIDTH: u32 = 1200;

/// The pixel size of the crop with ratio `rw:rh`.
pub fn crop_size(rw: u32, rh: u32) -> (u32, u32) {
    (CROP_WIDTH, CROP_WIDTH * rh / rw.max(1))
}

/// An uploaded image's address, taken apart.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MediaUrl<'a> {
    /// The content hash (64 lowercase hex digits).
    pub sha256: &'a str,
    /// The width of the largest copy.
    pub width: u32,
}

impl<'a> MediaUrl<'a> {
    /// Parses `/media/{sha}/w{N}.jpg`; anything else (an outside image, a theme asset) is
    /// not an upload.
    pub fn parse(url: &'a str) -> Option<MediaUrl<'a>> {
        let rest = url.strip_prefix("/media/")?;
        let (sha, file) = rest.split_once('/')?;
        let width = file.strip_prefix('w')?.strip_suffix(".jpg")?.parse().ok()?;
        let hex = sha.len() == 64 && sha.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'));
        hex.then_some(MediaUrl { sha256: sha, width })
    }

    /// Every copy's width, smallest first.
    pub fn widths(&self) -> Vec<u32> {
        let mut w: Vec<u32> = WIDTHS.iter().copied().filter(|&x| x < self.width).collect();
        w.push(self.width);
        w
    }

    /// A `srcset` over the copies in `ext` (`jpg` or `webp`).
    pub fn srcset(&self, ext: &str) -> String {
        self.widths()
            .iter()
            .map(|w| format!("/media/{}/w{w}.{ext} {w}w", self.sha256))
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// The address of a crop named in [`CROPS`].
    pub fn crop(&self, name: &str) -> String {
        format!("/media/{}/crop-{name}.jpg", self.sha256)
    }
}

/// The image formats an upload may be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImageType {
    /// JPEG.
    Jpeg,
    /// PNG.
    Png,
    /// WebP.
    WebP,
    /// GIF.
    Gif,
}

impl ImageType {
    /// The type told by a file's first bytes (its signature), never by its name or the
    /// `Content-Type` it came with; `None` for anything else (SVG, HTML, other images).
    pub fn sniff(bytes: &[u8]) -> Option<ImageType> {
        if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
            Some(ImageType::Png)
        } else if bytes.starts_with(&[0xff, 0xd8, 0xff]) {
            Some(ImageType::Jpeg)
        } else if bytes.starts_with(b"GIF89a") || bytes.starts_with(b"GIF87a") {
            Some(ImageType::Gif)
        } else if bytes.len() >= 12 && bytes.starts_with(b"RIFF") && &bytes[8..12] == b"WEBP" {
            Some(ImageType::WebP)
        } else {
            None
        }
    }

    /// Its `Content-Type`.
    pub fn content_type(self) -> &'static str {
        match self {
            ImageType::Jpeg => "image/jpeg",
            ImageType::Png => "image/png",
            ImageType::WebP => "image/webp",
            ImageType::Gif => "image/gif",
        }
    }

    /// The extension of its stored original.
    pub fn extension(self) -> &'static str {
        match self {
            ImageType::Jpeg => "jpg",
            ImageType::Png => "png",
            ImageType::WebP => "webp",
            ImageType::Gif => "gif",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn upload_addresses_expand_to_their_copies() {
        let sha = "a".repeat(64);
        let url = format!("/media/{sha}/w1000.jpg");
        let m = MediaUrl::parse(&url).unwrap_or_else(|| panic!("parse"));
        assert_eq!(m.widths(), vec![480, 960, 1000]);
        assert_eq!(
            m.srcset("webp"),
            format!(
                "/media/{sha}/w480.webp 480w, /media/{sha}/w960.webp 960w, /media/{sha}/w1000.webp 1000w"
            )
        );
        assert_eq!(m.crop("1x1"), format!("/media/{sha}/crop-1x1.jpg"));
        assert_eq!(MediaUrl::parse("/static/img/city.svg"), None);
        assert_eq!(MediaUrl::parse("/media/zz/w1.jpg"), None);
    }

    #[test]
    fn images_are_told_by_their_first_bytes() {
        assert_eq!(ImageType::sniff(b"\xff\xd8\xff\xe0"), Some(ImageType::Jpeg));
        assert_eq!(ImageType::sniff(b"\x89PNG\r\n\x1a\n"), Some(ImageType::Png));
        assert_eq!(ImageType::sniff(b"GIF87a"), Some(ImageType::Gif));
        assert_eq!(
            ImageType::sniff(b"RIFF\x10\0\0\0WEBPVP8 "),
            Some(ImageType::WebP)
        );
        assert_eq!(ImageType::sniff(b"RIFF\x10\0\0\0WAVE"), None);
        assert_eq!(ImageType::sniff(b"RIFF"), None);
        assert_eq!(ImageType::sniff(b"\x89PNG\r\n"), None);
        assert_eq!(
            ImageType::sniff(b"<svg xmlns='http://www.w3.org/2000/svg'/>"),
            None
        );
        assert_eq!(ImageType::sniff(b""), None);
        assert_eq!(ImageType::WebP.content_type(), "image/webp");
        assert_eq!(ImageType::Jpeg.extension(), "jpg");
    }
}
