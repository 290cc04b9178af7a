//! An online backup of a SQLite site: a consistent copy of the database (`VACUUM INTO`,
//! taken while the server keeps serving and writing) and then the uploaded images. Images
//! are written before the database rows that name them and are never changed afterwards
//! (their names are their hashes), so copying them after the database snapshot gives a
//! backup in which every image the database names is present. Images are read through the
//! media store, so a site whose media are in a bucket gets them copied into the backup too.

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
            return Err(AppError::Invalid(format!(
                "out: {} is not empty; give a new folder",
                out.display()
            )));
        }
        std::fs::create_dir_all(out)
            .map_err(|e| AppError::Invalid(format!("out: cannot create {}: {e}", out.display())))?;
        let db = out.join(BACKUP_DATABASE);
        self.store().backup_to(&db).await.map_err(|e| match e {
            arabpress_store::StoreError::Unsupported(m) => AppError::Invalid(m),
            other => other.into(),
        })?;
        let mut report = BackupReport {
            database_bytes: std::fs::metadata(&db).map(|m| m.len()).unwrap_or(0),
            ..BackupReport::default()
        };
        let target = out.join("media");
        for (name, _) in self.media_objects().await? {
            let body = self.media_object(&name).await?;
            let path = target.join(&name);
            let written = async {
                if let Some(parent) = path.parent() {
                    tokio::fs::create_dir_all(parent).await?;
                }
                tokio::fs::write(&path, &body).await
            }
            .await;
            written.map_err(|e| AppError::Internal(format!("copying media: {e}")))?;
            report.media_files += 1;
            report.media_bytes += u64::try_from(body.len()).unwrap_or(u64::MAX);
            progress(report.media_files);
        }
        Ok(report)
    }
}
