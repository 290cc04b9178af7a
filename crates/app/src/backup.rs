//! An online backup of a SQLite site: a consistent copy of the database (`VACUUM INTO`,
//! taken while the server keeps serving and writing) and then the uploaded images. Images
//! are written before the database rows that name them and are never changed afterwards
//! (their names are their hashes), so copying them after the database snapshot gives a
//! backup in which every image the database names is present. Images are read through the
//! media store, so a site whose media are in a bucket gets them copied into the backup too.
//!
//! Everything is written into a temporary folder beside `out` (`.NAME.partial-PID`),
//! synced to disk and renamed to `out` at the end, so a folder with the backup's name is
//! always a whole backup, even when the process is killed half way. The files are readable
//! by this account only (they hold password hashes and keys).

use crate::{App, AppError};
use std::path::Path;

/// What a backup wrote.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BackupReport {
    /// Size of the database copy.
    pub database_bytes: u64,
    /// Image files copied.
    pub media_files: u64,
    /// Their total size.
    pub media_bytes: u64,
}

/// The database file's name inside a backup (and inside a data folder).
pub const BACKUP_DATABASE: &str = "arabpress.sqlite";

impl App {
    /// Backs the site up into `out`, a new or empty folder: `arabpress.sqlite` and
    /// `media/`. `progress` is told how many image files have been copied.
    pub async fn backup<F>(&self, out: &Path, progress: F) -> Result<BackupReport, AppError>
    where
        F: Fn(u64) + Send + 'static,
    {
        let not_empty = std::fs::read_dir(out).is_ok_and(|mut d| d.next().is_some());
        if not_empty {
            return Err(AppError::invalid_input(format!(
                "out: {} is not empty; give a new folder",
                out.display()
            )));
        }
        let name = out
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .ok_or_else(|| {
                AppError::invalid_input(format!("out: {} names no folder", out.display()))
            })?;
        let partial = out.with_file_name(format!(".{name}.partial-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&partial);
        let done = self.backup_into(&partial, progress).await;
        let done = done.and_then(|report| {
            let io = |e: std::io::Error| {
                AppError::internal(format!("out: finishing {}", out.display()), e)
            };
            // An empty `out` (allowed above) is replaced; a non-empty one is refused.
            if out.exists() {
                std::fs::remove_dir(out).map_err(io)?;
            }
            std::fs::rename(&partial, out).map_err(io)?;
            sync_dir(out.parent().unwrap_or(Path::new(".")));
            Ok(report)
        });
        if done.is_err() {
            let _ = std::fs::remove_dir_all(&partial);
        }
        done
    }

    async fn backup_into<F>(&self, out: &Path, progress: F) -> Result<BackupReport, AppError>
    where
        F: Fn(u64) + Send + 'static,
    {
        arabpress_store::private::private_dir(out).map_err(|e| {
            AppError::invalid_input(format!("out: cannot create {}: {e}", out.display()))
        })?;
        let db = out.join(BACKUP_DATABASE);
        self.store().backup_to(&db).await.map_err(|e| match e {
            arabpress_store::StoreError::Unsupported(m) => AppError::invalid_input(m),
            other => other.into(),
        })?;
        let synced = arabpress_store::private::tighten(&db, arabpress_store::private::FILE_MODE)
            .and_then(|_| std::fs::File::open(&db)?.sync_all());
        synced.map_err(|e| AppError::internal(format!("writing {}", db.display()), e))?;
        let mut report = BackupReport {
            database_bytes: std::fs::metadata(&db).map(|m| m.len()).unwrap_or(0),
            ..BackupReport::default()
        };
        let target = out.join("media");
        for (name, _) in self.media_objects().await? {
            let body = self.media_object(&name).await?;
            let path = target.join(&name);
            let written = tokio::task::spawn_blocking(move || write_synced(&path, &body))
                .await
                .map_err(|e| AppError::internal("copying media", e))?;
            let len = written.map_err(|e| AppError::internal("copying media", e))?;
            report.media_files += 1;
            report.media_bytes += len;
            progress(report.media_files);
        }
        sync_dir(out);
        Ok(report)
    }
}

/// Writes `body` to a new private file at `path` (creating its folders) and syncs it.
fn write_synced(path: &Path, body: &[u8]) -> std::io::Result<u64> {
    use std::io::Write;
    if let Some(parent) = path.parent() {
        arabpress_store::private::private_dir(parent)?;
    }
    let mut f = arabpress_store::private::private_options()
        .write(true)
        .create(true)
        .truncate(true)
        .open(path)?;
    f.write_all(body)?;
    f.sync_all()?;
    Ok(u64::try_from(body.len()).unwrap_or(u64::MAX))
}

/// Syncs a folder's entries to disk (best effort: some file systems refuse).
fn sync_dir(dir: &Path) {
    if let Ok(d) = std::fs::File::open(dir) {
        let _ = d.sync_all();
    }
}
