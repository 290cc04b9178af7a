//! The lines of the site's own archive (`arabpress export`, read back by `arabpress import
//! arabpress`; the format is in `docs/archive.md`): JSON Lines, a header, then rows, media
//! files and an end line. Each line is read here on its own, without the store, so that a
//! restore only writes what a line that read well says, and so that the reader is tested
//! and fuzzed apart from the database.

use base64::Engine as _;
use serde_json::{Map, Value};

/// The archive format's name, in its header.
pub const ARCHIVE_FORMAT: &str = "arabpress-archive";
/// The format's version.
pub const ARCHIVE_VERSION: u64 = 1;

/// What an archive's first line says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Header {
    /// The format version (1 to [`ARCHIVE_VERSION`]).
    pub version: u64,
    /// The database schema version of the site that wrote it (0 when absent).
    pub schema: i64,
    /// Whether secrets (password hashes, personal tokens) are in it.
    pub secrets: bool,
}

/// One line after the header.
#[derive(Debug, Clone, PartialEq)]
pub enum Line {
    /// A row of an archived table, keyed by column name.
    Row {
        /// The table.
        table: String,
        /// The row.
        row: Map<String, Value>,
    },
    /// A media file.
    Media {
        /// Its object name (see [`media_name`]).
        name: String,
        /// Its bytes.
        data: Vec<u8>,
    },
    /// The end line, with the counts it claims.
    End {
        /// Rows in all.
        rows: Option<u64>,
        /// Media files.
        media: Option<u64>,
    },
}

/// Reads the header line; the error says what is wrong with it.
pub fn header(line: &str) -> Result<Header, String> {
    let header: Value = serde_json::from_str(line).map_err(|e| format!("not JSON ({e})"))?;
    if header.get("format").and_then(Value::as_str) != Some(ARCHIVE_FORMAT) {
        return Err("not an arabpress archive".into());
    }
    let version = header.get("version").and_then(Value::as_u64).unwrap_or(0);
    if version == 0 || version > ARCHIVE_VERSION {
        return Err(format!(
            "archive format version {version}; this program reads up to {ARCHIVE_VERSION}"
        ));
    }
    Ok(Header {
        version,
        schema: header.get("schema").and_then(Value::as_i64).unwrap_or(0),
        secrets: header
            .get("secrets")
            .and_then(Value::as_bool)
            .unwrap_or(false),
    })
}

/// Reads a line after the header; the error says what is wrong with it.
pub fn line(line: &str) -> Result<Line, String> {
    let mut v: Value = serde_json::from_str(line).map_err(|e| format!("not JSON ({e})"))?;
    if let (Some(table), Some(_)) = (
        v.get("table").and_then(Value::as_str),
        v.get("row").and_then(Value::as_object),
    ) {
        let table = table.to_owned();
        let row = match v.get_mut("row").map(Value::take) {
            Some(Value::Object(row)) => row,
            _ => Map::new(),
        };
        Ok(Line::Row { table, row })
    } else if let (Some(name), Some(data)) = (
        v.get("media").and_then(Value::as_str),
        v.get("data").and_then(Value::as_str),
    ) {
        if !media_name(name) {
            return Err(format!("{name:?} is not a media file's name"));
        }
        let data = base64::engine::general_purpose::STANDARD
            .decode(data)
            .map_err(|e| format!("the file's data is not base64 ({e})"))?;
        Ok(Line::Media {
            name: name.to_owned(),
            data,
        })
    } else if let Some(end) = v.get("end").and_then(Value::as_object) {
        Ok(Line::End {
            rows: end.get("rows").and_then(Value::as_u64),
            media: end.get("media").and_then(Value::as_u64),
        })
    } else {
        Err("neither a row, a media file nor the end line".into())
    }
}

/// Whether `name` is a media object's name (`ab/{sha}/{file}`), so an archive cannot write
/// anywhere else. The file's name is letters, digits, `-`, `_` and single dots, not first:
/// no `..` anywhere, even where it could not climb (`w48..jpg`), so no store has to judge it.
pub fn media_name(name: &str) -> bool {
    let mut parts = name.split('/');
    let (Some(a), Some(sha), Some(file), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return false;
    };
    let hex = |s: &str| s.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'));
    a.len() == 2
        && sha.len() == 64
        && hex(sha)
        && sha.starts_with(a)
        && !file.is_empty()
        && !file.starts_with('.')
        && !file.contains("..")
        && file
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_media_names_are_written() {
        let sha = "ab".repeat(32);
        assert!(media_name(&format!("ab/{sha}/w960.jpg")));
        assert!(!media_name(&format!("cd/{sha}/w960.jpg")));
        assert!(!media_name(&format!("ab/{sha}/../../etc/passwd")));
        assert!(!media_name(&format!("ab/{sha}/.hidden")));
        // Found by fuzzing (fuzz/fuzz_targets/archive.rs): a double dot inside a name.
        assert!(!media_name(&format!("ab/{sha}/w48..jpg")));
        assert!(!media_name("ab/short/x.jpg"));
    }

    #[test]
    fn headers_are_checked() {
        assert_eq!(
            header(r#"{"format":"arabpress-archive","version":1,"schema":7,"secrets":true}"#),
            Ok(Header {
                version: 1,
                schema: 7,
                secrets: true
            })
        );
        assert_eq!(
            header(r#"{"format":"other","version":1}"#),
            Err("not an arabpress archive".into())
        );
        assert_eq!(
            header(r#"{"format":"arabpress-archive","version":2}"#),
            Err("archive format version 2; this program reads up to 1".into())
        );
        assert!(header("{").is_err_and(|e| e.starts_with("not JSON (")));
    }

    #[test]
    fn each_kind_of_line_is_read() {
        let sha = "ab".repeat(32);
        assert_eq!(
            line(r#"{"table":"sections","row":{"id":1,"slug":"news"}}"#),
            Ok(Line::Row {
                table: "sections".into(),
                row: serde_json::from_str(r#"{"id":1,"slug":"news"}"#).unwrap_or_default(),
            })
        );
        assert_eq!(
            line(&format!(r#"{{"media":"ab/{sha}/w480.jpg","data":"aGk="}}"#)),
            Ok(Line::Media {
                name: format!("ab/{sha}/w480.jpg"),
                data: b"hi".to_vec()
            })
        );
        assert_eq!(
            line(r#"{"end":{"rows":3,"media":-1}}"#),
            Ok(Line::End {
                rows: Some(3),
                media: None
            })
        );
        assert_eq!(
            line(r#"{"media":"../etc/passwd","data":""}"#),
            Err(r#""../etc/passwd" is not a media file's name"#.into())
        );
        assert!(
            line(&format!(r#"{{"media":"ab/{sha}/x","data":"*"}}"#))
                .is_err_and(|e| e.starts_with("the file's data is not base64"))
        );
        assert_eq!(
            line(r#"{"table":"sections","row":[1]}"#),
            Err("neither a row, a media file nor the end line".into())
        );
        assert_eq!(
            line("[]"),
            Err("neither a row, a media file nor the end line".into())
        );
    }
}
