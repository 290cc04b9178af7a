//! An online backup of a SQLite site: a consistent copy of the database (`VACUUM INTO`,
//! taken while the server keeps serving and writing) and then the uploaded images. Images
//! are written before the database rows that name them and are never changed afterwards
//! (their names are their hashes), so copying them after the database snapshot gives a
//! backup in which every image the database names is present.

use crate::{App, AppError};
use std::path::{Path, PathBuf};

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

fn copy_tree(
    from: &Path,
    to: &Path,
    report: &mut BackupReport,
    progress: &dyn Fn(u64),
) -> std::io::Result<()> {
    if !from.is_dir() {
        return Ok(());
    }
    std::fs::create_dir_all(to)?;
    let mut stack: Vec<(PathBuf, PathBuf)> = vec![(from.to_path_buf(), to.to_path_buf())];
    while let Some((src, dst)) = stack.pop() {
        for entry in std::fs::read_dir(&src)? {
            let entry = entry?;
            let name = entry.file_name();
            // Uploads in progress are not part of the site yet.
            if name.to_string_lossy().starts_with(".upload-") {
                continue;
            }
            let (s, d) = (entry.path(), dst.join(&name));
            if entry.file_type()?.is_dir() {
                std::fs::create_dir_all(&d)?;
                stack.push((s, d));
            } else {
                report.media_bytes += std::fs::copy(&s, &d)?;
                report.media_files += 1;
                progress(report.media_files);
            }
        }
    }
    Ok(())
}

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
        let media = self.media_dir().to_path_buf();
        let target = out.join("media");
        // Copying is blocking file work; it runs beside the server's threads.
        tokio::task::spawn_blocking(move || {
            copy_tree(&media, &target, &mut report, &progress).map(|()| report)
        })
        .await
        .map_err(|e| AppError::Internal(format!("backup task: {e}")))?
        .map_err(|e| AppError::Internal(format!("copying media: {e}")))
    }
}
