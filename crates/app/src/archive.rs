//! The site's own archive: `arabpress export` writes it and `arabpress import arabpress`
//! restores it into an empty site, on either engine. The format is documented in
//! `docs/archive.md`: JSON Lines, one object per line — a header, then every row of every
//! archived table (`arabpress_store::ARCHIVE_TABLES`, ids included), then every media file
//! (base64), then an end line with the counts. A restore runs in one transaction that
//! commits only at a complete end line, so a cut-short or damaged archive restores nothing.
//! Article bodies' HTML is rendered again from their Markdown on restore, never taken from
//! the archive, so an edited archive cannot bring unsanitised HTML in.

use crate::{App, AppError};
use arabpress_ingest::archive::{self, Line};
pub use arabpress_ingest::archive::{ARCHIVE_FORMAT, ARCHIVE_VERSION};
use arabpress_store::ARCHIVE_TABLES;
use base64::Engine as _;
use serde_json::{Value, json};
use std::io::{BufRead, Write};

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
        .map_err(|e| AppError::internal("writing the archive", e))?;
    out.write_all(b"\n")
        .map_err(|e| AppError::internal("writing the archive", e))
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
            .map_err(|e| AppError::internal("writing the archive", e))?;
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
            return Err(AppError::invalid_input(
                "this site already has content: an archive is restored into an empty site",
            ));
        }
        let bad = |line: u64, what: String| AppError::invalid_input(format!("line {line}: {what}"));
        let mut lines = input.lines();
        let header = match lines.next() {
            Some(Ok(l)) => archive::header(&l).map_err(|e| bad(1, e))?,
            Some(Err(e)) => return Err(bad(1, format!("unreadable ({e})"))),
            None => return Err(AppError::invalid_input("the archive is empty")),
        };
        let schema = header.schema;
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
            secrets: header.secrets,
            ..ArchiveReport::default()
        };
        let mut restore = self.store().restore().await?;
        let mut n = 1u64;
        let mut ended = false;
        let mut media: Vec<(String, Vec<u8>)> = Vec::new();
        for line in lines {
            n += 1;
            let line = line.map_err(|e| bad(n, format!("unreadable ({e})")))?;
            if ended {
                return Err(bad(n, "content after the end line".into()));
            }
            match archive::line(&line).map_err(|e| bad(n, e))? {
                Line::Row { table, mut row } => {
                    if table == "article_bodies" {
                        // The stored HTML is not trusted: it is rendered again from the
                        // Markdown, through the sanitiser, as a save would.
                        if let Some(md) = row.get("body_md").and_then(Value::as_str) {
                            let html = self
                                .render_body(md)
                                .await
                                .map_err(|e| bad(n, e.to_string()))?
                                .html;
                            row.insert("body_html".into(), Value::String(html));
                        }
                    } else if table == "webhooks"
                        && row.get("secret").and_then(Value::as_str) == Some("")
                    {
                        // An archive without secrets: the receiver gets a key nobody holds
                        // rather than an empty one anybody could sign with.
                        row.insert(
                            "secret".into(),
                            Value::String(crate::webhooks::new_webhook_secret()?),
                        );
                        report.new_webhook_secrets += 1;
                    }
                    restore
                        .insert(&table, &row)
                        .await
                        .map_err(|e| bad(n, e.to_string()))?;
                    match report.tables.last_mut() {
                        Some((t, c)) if *t == table => *c += 1,
                        _ => report.tables.push((table, 1)),
                    }
                }
                Line::Media { name, data: body } => {
                    report.media_files += 1;
                    report.media_bytes += body.len() as u64;
                    media.push((name, body));
                    // Written in groups, so a large archive's files are not all held at once.
                    if media.len() >= 64 {
                        self.put_media_objects(std::mem::take(&mut media), written)
                            .await?;
                    }
                }
                Line::End { rows, media: files } => {
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
                }
            }
            if n.is_multiple_of(1000) {
                progress(n);
            }
        }
        if !ended {
            return Err(AppError::invalid_input(format!(
                "the archive stops at line {n} without its end line (cut short?): nothing was restored"
            )));
        }
        self.put_media_objects(media, written).await?;
        restore.finish().await?;
        progress(n);
        self.forget_sections();
        // The restored site's name, logo, navigation and addresses, on this node's pages
        // from now (the others read them when they follow the feed).
        self.load_settings().await?;
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
