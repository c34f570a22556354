//! Fresh databases for tests: a temporary SQLite file, or a new database on the PostgreSQL
//! server named by `KFQ_TEST_POSTGRES` (default `postgres://root@127.0.0.1:5432/test`).

use std::path::PathBuf;
use std::sync::atomic::{AtomicU32, Ordering};

use crate::{Db, DbUrl, StoreError};

/// A database that lives as long as the value; dropped PostgreSQL databases are cleaned up
/// by the next run (they are named `kfq_test_*`).
pub struct TestDb {
    pub db: Db,
    pub url: DbUrl,
    _dir: Option<tempfile::TempDir>,
}

pub fn postgres_base_url() -> String {
    std::env::var("KFQ_TEST_POSTGRES")
        .unwrap_or_else(|_| "postgres://root@127.0.0.1:5432/test".into())
}

impl TestDb {
    pub async fn sqlite() -> Result<TestDb, StoreError> {
        let dir = tempfile::tempdir().map_err(|source| StoreError::DataFolder {
            path: PathBuf::from("tmp"),
            source,
        })?;
        let url = DbUrl::Sqlite(dir.path().join("kfq.db"));
        let db = Db::open(&url).await?;
        Ok(TestDb {
            db,
            url,
            _dir: Some(dir),
        })
    }

    pub async fn postgres() -> Result<TestDb, StoreError> {
        static COUNTER: AtomicU32 = AtomicU32::new(0);
        let base = postgres_base_url();
        let name = format!(
            "kfq_test_{}_{}_{}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::SeqCst),
            chrono::Utc::now().timestamp_micros() % 1_000_000
        );
        let admin = sqlx::PgPool::connect(&base).await?;
        sqlx::query(&format!("CREATE DATABASE {name}"))
            .execute(&admin)
            .await?;
        admin.close().await;
        let (prefix, _) = base
            .rsplit_once('/')
            .ok_or_else(|| StoreError::BadUrl(base.clone()))?;
        let url = DbUrl::Postgres(format!("{prefix}/{name}"));
        let db = Db::open(&url).await?;
        Ok(TestDb {
            db,
            url,
            _dir: None,
        })
    }
}

impl TestDb {
    /// Runs a statement behind kfq's back, as someone with direct access to the database could:
    /// for tests that prove such tampering shows.
    /// Takes away the database's own guard of the audit trail (its triggers), as the owner of
    /// the database could, before [`TestDb::tamper`] alters entries.
    pub async fn allow_tampering(&self) -> Result<(), StoreError> {
        let statements: &[&str] = match self.db.backend() {
            crate::Backend::Sqlite => &[
                "DROP TRIGGER audit_events_are_never_changed",
                "DROP TRIGGER audit_events_are_kept_six_months",
            ],
            crate::Backend::Postgres => &["ALTER TABLE audit_events DISABLE TRIGGER USER"],
        };
        for sql in statements {
            self.tamper(sql).await?;
        }
        Ok(())
    }

    /// Runs a script of several statements as the database's owner.
    pub async fn tamper_script(&self, sql: &str) -> Result<(), StoreError> {
        let db = &self.db;
        crate::on_db!(db, pool => sqlx::raw_sql(sql).execute(pool).await.map(|r| r.rows_affected()))?;
        Ok(())
    }

    pub async fn tamper(&self, sql: &str) -> Result<u64, StoreError> {
        let db = &self.db;
        Ok(
            crate::on_db!(db, pool => sqlx::query(sql).execute(pool).await.map(|r| r.rows_affected()))?,
        )
    }
}

/// Runs one statement on a database kfq opened, as whoever it connected as.
pub async fn execute(db: &Db, sql: &str) -> Result<u64, StoreError> {
    Ok(crate::on_db!(db, pool => sqlx::query(sql).execute(pool).await.map(|r| r.rows_affected()))?)
}
