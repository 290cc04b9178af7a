//! Reading other platforms' content for import. [`wxr`] streams a WordPress export (WXR):
//! the file is read once, item by item, so its size is bounded by the disk, not memory.
//! [`ghost`] reads a Ghost export (JSON, read whole: Ghost's own exports are small) and
//! renders its Lexical or Mobiledoc bodies to HTML. [`archive`] reads the lines of the
//! site's own archive (`arabpress export`). Nothing here touches the store; `app`
//! maps what is read onto articles.

pub mod archive;
pub mod feed;
pub mod ghost;
pub mod wxr;

/// Why a file cannot be read.
#[derive(Debug, thiserror::Error)]
pub enum IngestError {
    /// The XML is not well formed (or not UTF-8). `offset` is the byte where reading
    /// stopped; [`line_and_column`] turns it into a position a person can find.
    #[error("{what} at byte {offset}")]
    Malformed {
        /// What is wrong.
        what: String,
        /// Byte offset in the file.
        offset: u64,
    },
    /// The file is well formed but is not what it claims to be.
    #[error("{0}")]
    Invalid(String),
    /// Reading the file failed.
    #[error("reading: {0}")]
    Io(#[from] std::io::Error),
}

/// The 1-based line and column of byte `offset` in `reader`'s content.
pub fn line_and_column(reader: impl std::io::Read, offset: u64) -> std::io::Result<(u64, u64)> {
    use std::io::Read as _;
    let mut line = 1;
    let mut column = 1;
    let mut left = offset;
    let mut buf = [0u8; 64 * 1024];
    let mut reader = reader.take(offset);
    while left > 0 {
        let n = reader.read(&mut buf)?;
        if n == 0 {
            break;
        }
        for &b in &buf[..n] {
            if b == b'\n' {
                line += 1;
                column = 1;
            } else if b & 0xC0 != 0x80 {
                // Count characters, not the continuation bytes of UTF-8.
                column += 1;
            }
        }
        left = left.saturating_sub(n as u64);
    }
    Ok((line, column))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_become_lines_and_columns() {
        let text = "ab\nçd\nef";
        assert_eq!(line_and_column(text.as_bytes(), 0).ok(), Some((1, 1)));
        assert_eq!(line_and_column(text.as_bytes(), 3).ok(), Some((2, 1)));
        // "ç" is two bytes and one column.
        assert_eq!(line_and_column(text.as_bytes(), 5).ok(), Some((2, 2)));
        assert_eq!(line_and_column(text.as_bytes(), 7).ok(), Some((3, 1)));
    }
}
