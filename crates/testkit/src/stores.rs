//! Fresh, throw-away stores for tests, on SQLite always and on PostgreSQL when
//! `ARABPRESS_TEST_POSTGRES` holds a server URL (each test gets its own new database on that
//! server). Without the variable the PostgreSQL half of a test says it was skipped, on
//! stderr past the test harness's capture; under CI (`CI` set) a missing URL is an error
//! instead, so the PostgreSQL half of the suite is never skipped silently.

use arabpress_store::{Store, StoreError};
use std::sync::atomic::{AtomicU32, Ordering};

/// The variable naming the PostgreSQL server tests create their databases on.
pub const POSTGRES_VAR: &str = "ARABPRESS_TEST_POSTGRES";

/// Why a test store could not be made.
#[derive(Debug, thiserror::Error)]
pub enum SetupError {
    /// The temporary folder for a SQLite database could not be made.
    #[error("temporary folder for the test database: {0}")]
    TempDir(#[source] std::io::Error),
    /// CI must test both engines, and no server was named.
    #[error("ARABPRESS_TEST_POSTGRES is not set under CI")]
    NoServerUnderCi,
    /// The PostgreSQL server named by `ARABPRESS_TEST_POSTGRES` refused a new database.
    #[error("creating a test database on ARABPRESS_TEST_POSTGRES: {0}")]
    CreateDatabase(#[source] sqlx::Error),
    /// The store could not open (or migrate) the new database.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// A store and whatever keeps it alive (the SQLite database's folder, removed on drop).
pub struct TestStore {
    /// The store.
    pub store: Store,
    _dir: Option<tempfile::TempDir>,
}

static COUNTER: AtomicU32 = AtomicU32::new(0);

/// A name no other test of any process uses at the same time.
fn unique(prefix: &str) -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    format!(
        "{prefix}_{}_{}_{nanos}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    )
}

impl TestStore {
    /// A new SQLite store in a temporary folder.
    pub async fn sqlite() -> Result<TestStore, SetupError> {
        let dir = tempfile::Builder::new()
            .prefix("arabpress_test")
            .tempdir()
            .map_err(SetupError::TempDir)?;
        let url = format!("sqlite://{}", dir.path().join("test.sqlite").display());
        let store = Store::connect(&url).await?;
        Ok(TestStore {
            store,
            _dir: Some(dir),
        })
    }

    /// A new, empty PostgreSQL database on the server named by `ARABPRESS_TEST_POSTGRES`;
    /// `Ok(None)` when the variable is unset outside CI, after the line saying that the
    /// PostgreSQL half is skipped.
    pub async fn postgres() -> Result<Option<TestStore>, SetupError> {
        let Some(url) = postgres_database().await? else {
            return Ok(None);
        };
        let store = Store::connect(&url).await?;
        Ok(Some(TestStore { store, _dir: None }))
    }
}

/// The address of a new, empty PostgreSQL database on the server named by
/// `ARABPRESS_TEST_POSTGRES`, for a test that hands it to another program (the binary);
/// `Ok(None)` when the variable is unset outside CI, after the line saying that the
/// PostgreSQL half is skipped. A database outlives its test; the next test process drops
/// those of processes that have ended.
pub async fn postgres_database() -> Result<Option<String>, SetupError> {
    let Ok(admin_url) = std::env::var(POSTGRES_VAR) else {
        if std::env::var_os("CI").is_some() {
            return Err(SetupError::NoServerUnderCi);
        }
        crate::skipped("PostgreSQL (ARABPRESS_TEST_POSTGRES unset)");
        return Ok(None);
    };
    let name = unique("ap_test");
    create_database(&admin_url, &name)
        .await
        .map_err(SetupError::CreateDatabase)?;
    let base = admin_url
        .rsplit_once('/')
        .map(|(b, _)| b)
        .unwrap_or(&admin_url);
    Ok(Some(format!("{base}/{name}")))
}

/// Whether test process `pid` has ended, so what it left behind (databases, media folders)
/// can go. Only Linux can tell (no `/proc` entry); elsewhere nothing counts as ended.
pub(crate) fn process_ended(pid: u32) -> bool {
    cfg!(target_os = "linux") && !std::path::Path::new(&format!("/proc/{pid}")).exists()
}

/// The test process that made `name` (`{prefix}_{pid}_…`, see [`unique`]).
pub(crate) fn maker_pid(name: &str, prefix: &str) -> Option<u32> {
    name.strip_prefix(prefix)?
        .trim_start_matches(['_', '-'])
        .split(['_', '-'])
        .next()?
        .parse()
        .ok()
}

static SWEPT: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// Drops, once per process, the test databases of test processes that have ended, so a
/// server used run after run does not fill its disk. Best effort: a database another
/// process still holds stays.
async fn drop_ended_databases(admin: &sqlx::AnyPool) {
    if SWEPT.swap(true, Ordering::Relaxed) {
        return;
    }
    let names: Vec<String> =
        sqlx::query_scalar("SELECT datname::text FROM pg_database WHERE datname LIKE 'ap_test_%'")
            .fetch_all(admin)
            .await
            .unwrap_or_default();
    for name in names {
        if maker_pid(&name, "ap_test").is_some_and(process_ended) {
            // Without FORCE: a database someone is connected to stays.
            let drop = format!("DROP DATABASE IF EXISTS {name}");
            let _ = sqlx::query(sqlx::AssertSqlSafe(drop)).execute(admin).await;
        }
    }
}

/// Creates database `name` through the server's administrative database at `admin_url`.
async fn create_database(admin_url: &str, name: &str) -> Result<(), sqlx::Error> {
    sqlx::any::install_default_drivers();
    let admin = sqlx::any::AnyPoolOptions::new()
        .max_connections(1)
        .connect(admin_url)
        .await?;
    drop_ended_databases(&admin).await;
    sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
        .execute(&admin)
        .await?;
    admin.close().await;
    Ok(())
}

/// Runs one async test body against every configured engine:
/// `both_backends!(name, body_fn)` defines `mod name { sqlite, postgres }` tests, where
/// `body_fn(Store)` is an `async fn`. The PostgreSQL test prints
/// "skipped: PostgreSQL (ARABPRESS_TEST_POSTGRES unset)" when no server is named. The
/// calling crate needs `tokio` (with its `macros` feature) among its dev-dependencies.
#[macro_export]
macro_rules! both_backends {
    ($name:ident, $body:path) => {
        mod $name {
            #[tokio::test]
            async fn sqlite() {
                match $crate::TestStore::sqlite().await {
                    Ok(t) => $body(t.store.clone()).await,
                    Err(e) => panic!("sqlite test store: {e}"),
                }
            }
            #[tokio::test]
            async fn postgres() {
                match $crate::TestStore::postgres().await {
                    Ok(Some(t)) => $body(t.store.clone()).await,
                    Ok(None) => {}
                    Err(e) => panic!("postgres test store: {e}"),
                }
            }
        }
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn leftovers_name_the_process_that_made_them() {
        assert_eq!(
            maker_pid(&unique("ap_test"), "ap_test"),
            Some(std::process::id())
        );
        assert_eq!(
            maker_pid("arabpress-test-media-4242-7", "arabpress-test-media"),
            Some(4242)
        );
        assert_eq!(maker_pid("ap_testing", "ap_test"), None);
        assert_eq!(maker_pid("postgres", "ap_test"), None);
        assert!(!process_ended(std::process::id()));
    }
}
