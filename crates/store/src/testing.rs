//! Fresh, throw-away stores for tests, on SQLite always and on PostgreSQL when
//! `ARABPRESS_TEST_POSTGRES` holds a server URL. Under CI (`CI` set) a missing PostgreSQL
//! URL is an error, so the PostgreSQL half of the suite is never skipped silently.

use crate::{Store, StoreError};
use std::sync::atomic::{AtomicU32, Ordering};

/// A store and whatever keeps it alive (the SQLite folder).
pub struct TestStore {
    /// The store.
    pub store: Store,
    _dir: Option<tempfile_dir::Dir>,
}

mod tempfile_dir {
    /// A temporary folder removed on drop.
    pub struct Dir(pub std::path::PathBuf);
    impl Drop for Dir {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }
}

static COUNTER: AtomicU32 = AtomicU32::new(0);

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
    pub async fn sqlite() -> Result<TestStore, StoreError> {
        let dir = std::env::temp_dir().join(unique("arabpress_test"));
        std::fs::create_dir_all(&dir).map_err(|e| StoreError::Corrupt(format!("temp dir: {e}")))?;
        let url = format!("sqlite://{}", dir.join("test.sqlite").display());
        let store = Store::connect(&url).await?;
        Ok(TestStore {
            store,
            _dir: Some(tempfile_dir::Dir(dir)),
        })
    }

    /// A new, empty PostgreSQL database on the server named by `ARABPRESS_TEST_POSTGRES`;
    /// `Ok(None)` when the variable is unset outside CI.
    pub async fn postgres() -> Result<Option<TestStore>, StoreError> {
        let Ok(admin_url) = std::env::var("ARABPRESS_TEST_POSTGRES") else {
            if std::env::var_os("CI").is_some() {
                return Err(StoreError::BadUrl(
                    "ARABPRESS_TEST_POSTGRES is not set under CI".into(),
                ));
            }
            return Ok(None);
        };
        let name = unique("ap_test");
        let admin = Store::connect_raw(&admin_url).await?;
        sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
            .execute(&admin)
            .await?;
        admin.close().await;
        let base = admin_url
            .rsplit_once('/')
            .map(|(b, _)| b)
            .unwrap_or(&admin_url);
        let store = Store::connect(&format!("{base}/{name}")).await?;
        Ok(Some(TestStore { store, _dir: None }))
    }
}

impl Store {
    async fn connect_raw(url: &str) -> Result<sqlx::AnyPool, StoreError> {
        sqlx::any::install_default_drivers();
        Ok(sqlx::any::AnyPoolOptions::new()
            .max_connections(1)
            .connect(url)
            .await?)
    }
}

/// Runs one async test body against every configured backend:
/// `both_backends!(name, body_fn)` defines `mod name { sqlite, postgres }` tests, where
/// `body_fn(Store)` is an `async fn`.
#[macro_export]
macro_rules! both_backends {
    ($name:ident, $body:path) => {
        mod $name {
            #[tokio::test]
            async fn sqlite() {
                match $crate::testing::TestStore::sqlite().await {
                    Ok(t) => $body(t.store.clone()).await,
                    Err(e) => panic!("sqlite test store: {e}"),
                }
            }
            #[tokio::test]
            async fn postgres() {
                match $crate::testing::TestStore::postgres().await {
                    Ok(Some(t)) => $body(t.store.clone()).await,
                    Ok(None) => eprintln!("ARABPRESS_TEST_POSTGRES unset: PostgreSQL half skipped"),
                    Err(e) => panic!("postgres test store: {e}"),
                }
            }
        }
    };
}
