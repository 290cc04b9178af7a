//! The site's own archive: `arabpress export` writes it and `arabpress import arabpress`
//! restores it into an empty site, on either engine. The format is documented in
//! `docs/archive.md`: JSON Lines, one object per line — a header, then every row of every
//! archived table (`arabpress_store::ARCHIVE_TABLES`, ids included), then every media file
//! (base64), then an end line with the counts. A restore runs in one transaction that
//! commits only at a complete end line, so a cut-short or damaged archive restores nothing.
//! Article bodies' HTML is rendered again from their Markdown on restore, never taken from
//! the archive, so an edited archive cannot bring unsanitised HTML in.

use crate::{App, AppError};
use arabpress_store::ARCHIVE_TABLES;
use base64::Engine as _;
use serde_json::{Value, json};
use std::io::{BufRead, Write};

/// The archive format's name, in its header.
pub const ARCHIVE_FORMAT: &str = "arabpress-archive";
/// The format's version.
pub const ARCHIVE_VERSION: u64 = 1;

/// What an export wrote or a restore read.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ArchiveReport {
    /// Rows per table, in archive order.
    pub tables: Vec<(String, u64)>,
    /// Media files.
    pub media_files: u64,
    /// Their bytes.
    pub media_bytes: u64,
    /// Whether secrets (password hashes, tokens, API key hashes, webhook and link-signing
    /// keys) are in it.
    pub secrets: bool,
    /// Webhooks restored without their signing key, which were given a new random one
    /// (their receivers reject deliveries until the webhook is registered again).
    pub new_webhook_secrets: u64,
}

impl ArchiveReport {
    /// Rows in all.
    pub fn rows(&self) -> u64 {
        self.tables.iter().map(|(_, n)| n).sum()
    }
}

fn write_line(out: &mut impl Write, v: &Value) -> Result<(), AppError> {
    serde_json::to_writer(&mut *out, v)
        .map_err(|e| AppError::Internal(format!("writing the archive: {e}")))?;
    out.write_all(b"\n")
        .map_err(|e| AppError::Internal(format!("writing the archive: {e}")))
}

/// Whether `name` is a media object's name (`ab/{sha}/{file}`), so an archive cannot write
/// anywhere else.
fn media_name(name: &str) -> bool {
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
        && file
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_'))
}

impl App {
    /// Writes the whole site to `out`. `progress` is told each table (or "media") and the
    /// rows written so far.
    pub async fn export_archive(
        &self,
        out: &mut impl Write,
        with_secrets: bool,
        progress: impl Fn(&str, u64),
    ) -> Result<ArchiveReport, AppError> {
        let mut report = ArchiveReport {
            secrets: with_secrets,
            ..ArchiveReport::default()
        };
        write_line(
            out,
            &json!({
                "format": ARCHIVE_FORMAT,
                "version": ARCHIVE_VERSION,
                "schema": self.store().schema_version().await?,
                "exported_at": self.now().to_string(),
                "generator": concat!("arabpress ", env!("CARGO_PKG_VERSION")),
                "secrets": with_secrets,
            }),
        )?;
        for table in ARCHIVE_TABLES {
            let mut written = 0u64;
            let mut failed = None;
            self.store()
                .archive_rows(table, with_secrets, |row| {
                    if failed.is_none()
                        && let Err(e) = write_line(out, &json!({ "table": table, "row": row }))
                    {
                        failed = Some(e);
                    }
                    written += 1;
                    if written.is_multiple_of(1000) {
                        progress(table, written);
                    }
                    Ok(())
                })
                .await?;
            if let Some(e) = failed {
                return Err(e);
            }
            progress(table, written);
            report.tables.push(((*table).to_owned(), written));
        }
        let engine = base64::engine::general_purpose::STANDARD;
        for (name, _) in self.media_objects().await? {
            let body = self.media_object(&name).await?;
            report.media_bytes += body.len() as u64;
            report.media_files += 1;
            write_line(out, &json!({ "media": name, "data": engine.encode(&body) }))?;
            progress("media", report.media_files);
        }
        write_line(
            out,
            &json!({ "end": { "rows": report.rows(), "media": report.media_files } }),
        )?;
        out.flush()
            .map_err(|e| AppError::Internal(format!("writing the archive: {e}")))?;
        Ok(report)
    }

    /// Restores an archive into this site, which must be empty. Nothing is kept unless the
    /// whole archive reads well (media files written on the way are removed again).
    /// `progress` is told the lines read so far.
    pub async fn import_archive(
        &self,
        input: impl BufRead,
        progress: impl Fn(u64),
    ) -> Result<ArchiveReport, AppError> {
        let mut written = Vec::new();
        let done = self.restore_from(input, progress, &mut written).await;
        if done.is_err() {
            for name in written {
                if let Err(e) = self.delete_object(&name).await {
                    tracing::warn!(%name, error = %e, "removing a media file of a failed restore");
                }
            }
        }
        done
    }

    async fn restore_from(
        &self,
        input: impl BufRead,
        progress: impl Fn(u64),
        written: &mut Vec<String>,
    ) -> Result<ArchiveReport, AppError> {
        if !self.store().is_empty_site().await? {
            return Err(AppError::Invalid(
                "this site already has content: an archive is restored into an empty site".into(),
            ));
        }
        let bad = |line: u64, what: String| AppError::Invalid(format!("line {line}: {what}"));
        let mut lines = input.lines();
        let header: Value = match lines.next() {
            Some(Ok(l)) => {
                serde_json::from_str(&l).map_err(|e| bad(1, format!("not JSON ({e})")))?
            }
            Some(Err(e)) => return Err(bad(1, format!("unreadable ({e})"))),
            None => return Err(AppError::Invalid("the archive is empty".into())),
        };
        if header.get("format").and_then(Value::as_str) != Some(ARCHIVE_FORMAT) {
            return Err(bad(1, "not an arabpress archive".into()));
        }
        let version = header.get("version").and_then(Value::as_u64).unwrap_or(0);
        if version == 0 || version > ARCHIVE_VERSION {
            return Err(bad(
                1,
                format!(
                    "archive format version {version}; this program reads up to {ARCHIVE_VERSION}"
                ),
            ));
        }
        let schema = header.get("schema").and_then(Value::as_i64).unwrap_or(0);
        let ours = self.store().schema_version().await?;
        if schema > ours {
            return Err(bad(
                1,
                format!(
                    "written by a newer version (schema {schema}; this one has {ours}): upgrade first"
                ),
            ));
        }
        let mut report = ArchiveReport {
            secrets: header
                .get("secrets")
                .and_then(Value::as_bool)
                .unwrap_or(false),
            ..ArchiveReport::default()
        };
        let mut restore = self.store().restore().await?;
        let engine = base64::engine::general_purpose::STANDARD;
        let mut n = 1u64;
        let mut ended = false;
        let mut media: Vec<(String, Vec<u8>)> = Vec::new();
        for line in lines {
            n += 1;
            let line = line.map_err(|e| bad(n, format!("unreadable ({e})")))?;
            if ended {
                return Err(bad(n, "content after the end line".into()));
            }
            let v: Value =
                serde_json::from_str(&line).map_err(|e| bad(n, format!("not JSON ({e})")))?;
            if let (Some(table), Some(row)) = (
                v.get("table").and_then(Value::as_str),
                v.get("row").and_then(Value::as_object),
            ) {
                // The stored HTML is not trusted: it is rendered again from the Markdown,
                // through the sanitiser, as a save would.
                let fresh;
                let row = match row.get("body_md").and_then(Value::as_str) {
                    Some(md) if table == "article_bodies" => {
                        let mut r = row.clone();
                        let html = self
                            .render_body(md)
                            .await
                            .map_err(|e| bad(n, e.to_string()))?
                            .html;
                        r.insert("body_html".into(), Value::String(html));
                        fresh = r;
                        &fresh
                    }
                    _ if table == "webhooks"
                        && row.get("secret").and_then(Value::as_str) == Some("") =>
                    {
                        // An archive without secrets: the receiver gets a key nobody holds
                        // rather than an empty one anybody could sign with.
                        let mut r = row.clone();
                        r.insert(
                            "secret".into(),
                            Value::String(crate::webhooks::new_webhook_secret()?),
                        );
                        report.new_webhook_secrets += 1;
                        fresh = r;
                        &fresh
                    }
                    _ => row,
                };
                restore
                    .insert(table, row)
                    .await
                    .map_err(|e| bad(n, e.to_string()))?;
                match report.tables.last_mut() {
                    Some((t, c)) if t == table => *c += 1,
                    _ => report.tables.push((table.to_owned(), 1)),
                }
            } else if let (Some(name), Some(data)) = (
                v.get("media").and_then(Value::as_str),
                v.get("data").and_then(Value::as_str),
            ) {
                if !media_name(name) {
                    return Err(bad(n, format!("{name:?} is not a media file's name")));
                }
                let body = engine
                    .decode(data)
                    .map_err(|e| bad(n, format!("the file's data is not base64 ({e})")))?;
                report.media_files += 1;
                report.media_bytes += body.len() as u64;
                media.push((name.to_owned(), body));
                // Written in groups, so a large archive's files are not all held at once.
                if media.len() >= 64 {
                    self.put_media_objects(std::mem::take(&mut media), written)
                        .await?;
                }
            } else if let Some(end) = v.get("end").and_then(Value::as_object) {
                let rows = end.get("rows").and_then(Value::as_u64);
                let files = end.get("media").and_then(Value::as_u64);
                if rows != Some(report.rows()) || files != Some(report.media_files) {
                    return Err(bad(
                        n,
                        format!(
                            "the end line counts {rows:?} rows and {files:?} files; the archive has {} and {}",
                            report.rows(),
                            report.media_files
                        ),
                    ));
                }
                ended = true;
            } else {
                return Err(bad(
                    n,
                    "neither a row, a media file nor the end line".into(),
                ));
            }
            if n.is_multiple_of(1000) {
                progress(n);
            }
        }
        if !ended {
            return Err(AppError::Invalid(format!(
                "the archive stops at line {n} without its end line (cut short?): nothing was restored"
            )));
        }
        self.put_media_objects(media, written).await?;
        restore.finish().await?;
        progress(n);
        self.forget_sections();
        self.cache().clear();
        Ok(report)
    }

    async fn put_media_objects(
        &self,
        files: Vec<(String, Vec<u8>)>,
        written: &mut Vec<String>,
    ) -> Result<(), AppError> {
        for (name, body) in files {
            self.put_object(&name, body).await?;
            written.push(name);
        }
        Ok(())
    }
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
        assert!(!media_name("ab/short/x.jpg"));
    }
}
