//! Keeps a site's files to its own account. The data folder holds the database (password
//! hashes, webhook keys, the key newsletter links are signed with, subscribers' addresses),
//! its write-ahead log, mail waiting to go and exports: nobody else on the machine should
//! read them. Folders are made 0700 and files 0600 when they are created, and folders or
//! database files left looser by an older version are tightened when the site opens them.
//! (std offers no umask, and setting it would need `unsafe`, so each creation says its mode.)

use std::fs::{DirBuilder, File, OpenOptions, Permissions};
use std::io;
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt, PermissionsExt};
use std::path::Path;

/// The mode of a private folder.
pub const DIR_MODE: u32 = 0o700;
/// The mode of a private file.
pub const FILE_MODE: u32 = 0o600;

/// Creates `dir` (and missing parents) readable only by this account, or tightens it when
/// it exists with more open permissions. Returns whether an existing folder was tightened.
pub fn private_dir(dir: &Path) -> io::Result<bool> {
    if !dir.exists() {
        DirBuilder::new()
            .recursive(true)
            .mode(DIR_MODE)
            .create(dir)?;
        // A parent that existed keeps its mode; the folder itself may predate us if another
        // process made it meanwhile.
    }
    tighten(dir, DIR_MODE)
}

/// Sets `path`'s mode to `mode` when it grants anything more (group or others). Returns
/// whether it changed.
pub fn tighten(path: &Path, mode: u32) -> io::Result<bool> {
    let now = std::fs::metadata(path)?.permissions().mode() & 0o777;
    if now & !mode == 0 {
        return Ok(false);
    }
    std::fs::set_permissions(path, Permissions::from_mode(mode))?;
    Ok(true)
}

/// Options that create a file readable and writable only by this account.
pub fn private_options() -> OpenOptions {
    let mut o = OpenOptions::new();
    o.mode(FILE_MODE);
    o
}

/// Creates a new file (`path` must not exist) readable only by this account.
pub fn create_private(path: &Path) -> io::Result<File> {
    private_options().write(true).create_new(true).open(path)
}

/// Makes a SQLite database file and its `-wal`, `-shm` and `-journal` companions private.
/// An empty file is created first when missing, so SQLite (which gives its companions the
/// database file's mode) never makes them readable by others. Returns what was tightened.
pub fn private_sqlite(db: &Path) -> io::Result<Vec<std::path::PathBuf>> {
    if let Some(parent) = db
        .parent()
        .filter(|p| !p.as_os_str().is_empty() && !p.exists())
    {
        DirBuilder::new()
            .recursive(true)
            .mode(DIR_MODE)
            .create(parent)?;
    }
    match private_options().write(true).create_new(true).open(db) {
        Ok(_) => {}
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {}
        Err(e) => return Err(e),
    }
    let mut changed = Vec::new();
    let name = db.as_os_str().to_owned();
    for suffix in ["", "-wal", "-shm", "-journal"] {
        let mut p = name.clone();
        p.push(suffix);
        let p = std::path::PathBuf::from(p);
        match tighten(&p, FILE_MODE) {
            Ok(true) => changed.push(p),
            Ok(false) => {}
            Err(e) if e.kind() == io::ErrorKind::NotFound => {}
            Err(e) => return Err(e),
        }
    }
    Ok(changed)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mode(p: &Path) -> u32 {
        std::fs::metadata(p)
            .map(|m| m.permissions().mode() & 0o777)
            .unwrap_or_else(|e| panic!("{}: {e}", p.display()))
    }

    #[test]
    fn folders_and_files_are_created_private_and_loose_ones_tightened() {
        let root = tempfile::tempdir().unwrap();
        let dir = root.path().join("data");
        assert!(!private_dir(&dir).unwrap());
        assert_eq!(mode(&dir), 0o700);
        std::fs::set_permissions(&dir, Permissions::from_mode(0o755)).unwrap();
        assert!(private_dir(&dir).unwrap());
        assert_eq!(mode(&dir), 0o700);

        let f = dir.join("export.jsonl");
        create_private(&f).unwrap();
        assert_eq!(mode(&f), 0o600);
        assert!(
            create_private(&f).is_err(),
            "an existing file is not replaced"
        );

        let db = dir.join("arabpress.sqlite");
        std::fs::write(dir.join("arabpress.sqlite-wal"), b"").unwrap();
        std::fs::set_permissions(
            dir.join("arabpress.sqlite-wal"),
            Permissions::from_mode(0o644),
        )
        .unwrap();
        let changed = private_sqlite(&db).unwrap();
        assert_eq!(changed, vec![dir.join("arabpress.sqlite-wal")]);
        assert_eq!(mode(&db), 0o600);
        assert_eq!(mode(&dir.join("arabpress.sqlite-wal")), 0o600);
    }

    #[tokio::test]
    async fn a_sqlite_store_and_its_log_are_private() {
        let root = tempfile::tempdir().unwrap();
        let db = root.path().join("site").join("arabpress.sqlite");
        let store = crate::Store::connect(&format!("sqlite://{}", db.display()))
            .await
            .unwrap();
        assert_eq!(mode(&root.path().join("site")), 0o700);
        for suffix in ["", "-wal", "-shm"] {
            let p = std::path::PathBuf::from(format!("{}{suffix}", db.display()));
            assert_eq!(mode(&p), 0o600, "{}", p.display());
        }
        store.close().await;
        // A database left readable by others is tightened when opened again.
        std::fs::set_permissions(&db, Permissions::from_mode(0o644)).unwrap();
        let store = crate::Store::connect(&format!("sqlite://{}", db.display()))
            .await
            .unwrap();
        assert_eq!(mode(&db), 0o600);
        store.close().await;
    }
}
