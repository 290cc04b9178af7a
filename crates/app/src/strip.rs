//! Removing metadata from the image files the site serves. A camera or phone writes where
//! and when a photo was taken (Exif GPS), who took it and on what, and often a description
//! (XMP, IPTC, comments): for a newsroom that can expose a source. Every file served under
//! `/media` is either re-encoded from pixels (the resized copies and crops) or, for the
//! original, passed through [`strip_metadata`], which keeps the image data bit for bit and
//! drops every metadata block: in JPEG the APPn segments other than JFIF, ICC profiles and
//! Adobe's colour marker, comments and whatever follows the end of the image; in PNG the
//! `eXIf`, `tEXt`, `zTXt`, `iTXt` and `tIME` chunks; in WebP the `EXIF` and `XMP ` chunks;
//! in GIF comments and application blocks other than the looping one. A JPEG's orientation
//! is kept, as a minimal Exif block that holds nothing else.

/// The file without its metadata; `None` when its structure cannot be followed (the caller
/// then refuses the file).
pub(crate) fn strip_metadata(bytes: &[u8], orientation: u8) -> Option<Vec<u8>> {
    match bytes {
        [0xFF, 0xD8, ..] => strip_jpeg(bytes, orientation),
        [0x89, b'P', b'N', b'G', ..] => strip_png(bytes),
        [
            b'R',
            b'I',
            b'F',
            b'F',
            _,
            _,
            _,
            _,
            b'W',
            b'E',
            b'B',
            b'P',
            ..,
        ] => strip_webp(bytes),
        [b'G', b'I', b'F', ..] => strip_gif(bytes),
        _ => None,
    }
}

/// An Exif APP1 segment holding only the orientation tag.
fn orientation_segment(orientation: u8) -> Vec<u8> {
    let mut s = vec![0xFF, 0xE1, 0x00, 0x22];
    s.extend_from_slice(b"Exif\0\0");
    // Big-endian TIFF header, first IFD at offset 8.
    s.extend_from_slice(b"MM\x00\x2a\x00\x00\x00\x08");
    // One entry: 0x0112 Orientation, SHORT, count 1, the value, then no next IFD.
    s.extend_from_slice(&[0x00, 0x01, 0x01, 0x12, 0x00, 0x03, 0x00, 0x00, 0x00, 0x01]);
    s.extend_from_slice(&[0x00, orientation, 0x00, 0x00]);
    s.extend_from_slice(&[0x00, 0x00, 0x00, 0x00]);
    s
}

fn strip_jpeg(b: &[u8], orientation: u8) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(b.len());
    out.extend_from_slice(&b[..2]);
    let mut i = 2;
    let mut oriented = orientation <= 1;
    loop {
        // Fill bytes may precede a marker.
        while b.get(i) == Some(&0xFF) && b.get(i + 1) == Some(&0xFF) {
            i += 1;
        }
        if b.get(i) != Some(&0xFF) {
            return None;
        }
        let marker = *b.get(i + 1)?;
        if matches!(marker, 0x01 | 0xD0..=0xD7) {
            out.extend_from_slice(&b[i..i + 2]);
            i += 2;
            continue;
        }
        if marker == 0xD9 {
            out.extend_from_slice(&b[i..i + 2]);
            return Some(out);
        }
        let len = usize::from(u16::from_be_bytes([*b.get(i + 2)?, *b.get(i + 3)?]));
        if len < 2 {
            return None;
        }
        let seg = b.get(i..i + 2 + len)?;
        let payload = &seg[4..];
        let keep = match marker {
            0xE0 | 0xEE => true,
            0xE2 => payload.starts_with(b"ICC_PROFILE\0"),
            0xE1 | 0xE3..=0xED | 0xEF | 0xFE => false,
            _ => true,
        };
        if !oriented && !matches!(marker, 0xE0) {
            out.extend_from_slice(&orientation_segment(orientation));
            oriented = true;
        }
        if keep {
            out.extend_from_slice(seg);
        }
        i += 2 + len;
        if marker == 0xDA {
            // Entropy-coded data: a 0xFF in it is followed by 0x00 or a restart marker, so
            // the first FF D9 is the end of the image; what follows it is dropped.
            let rest = &b[i..];
            let end = rest.windows(2).position(|w| w == [0xFF, 0xD9])?;
            out.extend_from_slice(&rest[..end + 2]);
            return Some(out);
        }
    }
}

fn strip_png(b: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(b.len());
    out.extend_from_slice(b.get(..8)?);
    let mut i = 8;
    while i < b.len() {
        let len = usize::try_from(u32::from_be_bytes(b.get(i..i + 4)?.try_into().ok()?)).ok()?;
        let kind = b.get(i + 4..i + 8)?;
        let chunk = b.get(i..i + 12 + len)?;
        if !matches!(kind, b"eXIf" | b"tEXt" | b"zTXt" | b"iTXt" | b"tIME") {
            out.extend_from_slice(chunk);
        }
        i += 12 + len;
        if kind == b"IEND" {
            break;
        }
    }
    Some(out)
}

fn strip_webp(b: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(b.len());
    out.extend_from_slice(b.get(..12)?);
    let declared = usize::try_from(u32::from_le_bytes(b.get(4..8)?.try_into().ok()?)).ok()?;
    let end = (declared + 8).min(b.len());
    let mut i = 12;
    while i + 8 <= end {
        let kind = b.get(i..i + 4)?;
        let len =
            usize::try_from(u32::from_le_bytes(b.get(i + 4..i + 8)?.try_into().ok()?)).ok()?;
        let padded = len + (len & 1);
        let chunk = b.get(i..(i + 8 + padded).min(end))?;
        match kind {
            b"EXIF" | b"XMP " => {}
            b"VP8X" => {
                let mut c = chunk.to_vec();
                // The flags byte: bit 3 says Exif follows, bit 2 XMP.
                if let Some(flags) = c.get_mut(8) {
                    *flags &= !0b0000_1100;
                }
                out.extend_from_slice(&c);
            }
            _ => out.extend_from_slice(chunk),
        }
        i += 8 + padded;
    }
    let size = u32::try_from(out.len() - 8).ok()?;
    out[4..8].copy_from_slice(&size.to_le_bytes());
    Some(out)
}

fn strip_gif(b: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(b.len());
    let flags = *b.get(10)?;
    let mut i = 13;
    if flags & 0x80 != 0 {
        i += 3 * (1 << ((flags & 0x07) + 1));
    }
    out.extend_from_slice(b.get(..i)?);
    // Sub-blocks: a length byte then that many bytes, until a zero length.
    let sub_blocks = |mut j: usize| -> Option<usize> {
        loop {
            let n = usize::from(*b.get(j)?);
            j += 1 + n;
            if n == 0 {
                return Some(j);
            }
        }
    };
    loop {
        match *b.get(i)? {
            0x3B => {
                out.push(0x3B);
                return Some(out);
            }
            0x21 => {
                let label = *b.get(i + 1)?;
                let end = sub_blocks(i + 2)?;
                let keep = match label {
                    0xFE => false,
                    0xFF => {
                        let id = b.get(i + 3..i + 14)?;
                        id == b"NETSCAPE2.0" || id == b"ANIMEXTS1.0"
                    }
                    _ => true,
                };
                if keep {
                    out.extend_from_slice(b.get(i..end)?);
                }
                i = end;
            }
            0x2C => {
                let packed = *b.get(i + 9)?;
                let mut j = i + 10;
                if packed & 0x80 != 0 {
                    j += 3 * (1 << ((packed & 0x07) + 1));
                }
                // The LZW code size, then the image data's sub-blocks.
                let end = sub_blocks(j + 1)?;
                out.extend_from_slice(b.get(i..end)?);
                i = end;
            }
            _ => return None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn png_text_and_exif_chunks_are_dropped() {
        let img = image::RgbImage::from_pixel(4, 4, image::Rgb([10, 20, 30]));
        let mut png = Vec::new();
        image::DynamicImage::ImageRgb8(img)
            .write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
            .unwrap();
        // A tEXt chunk after IHDR (CRC not checked by the stripper).
        let text = b"Comment\0GPS 33.5N 36.3E";
        let mut chunk = (text.len() as u32).to_be_bytes().to_vec();
        chunk.extend_from_slice(b"tEXt");
        chunk.extend_from_slice(text);
        chunk.extend_from_slice(&[0, 0, 0, 0]);
        let at = 8 + 25;
        let mut with = png[..at].to_vec();
        with.extend_from_slice(&chunk);
        with.extend_from_slice(&png[at..]);
        let out = strip_metadata(&with, 1).unwrap_or_else(|| panic!("not stripped"));
        assert_eq!(out, png);
    }
}
