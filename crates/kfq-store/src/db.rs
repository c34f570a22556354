use std::path::PathBuf;
use std::str::FromStr;
use std::time::Duration;

use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};
use sqlx::{Postgres, Sqlite, Transaction};

/// What went wrong in the store. Internal causes are kept for the log, never shown as SQL.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database URL not understood: {0} (expected sqlite:///abs/path.db, sqlite://rel/path.db or postgres://…)")]
    BadUrl(String),
    #[error("cannot create the data folder {path}: {source}")]
    DataFolder {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("the database was changed by someone else meanwhile")]
    Conflict,
    #[error("database error: {0}")]
    Database(sqlx::Error),
    /// The database server cannot be reached now (down, restarting, the network cut); the
    /// request may be tried again.
    #[error("the database is unavailable: {0}")]
    Unavailable(sqlx::Error),
    /// The disk under the database is full: the write was not made, nothing stored changed.
    #[error("the disk is full: {0}")]
    DiskFull(sqlx::Error),
    #[error("stored value not understood: {0}")]
    Corrupt(String),
    /// A task reading the ledger stopped before it finished (it panicked or was cancelled).
    #[error("reading the ledger stopped: {0}")]
    Interrupted(String),
    /// What the engine does not do through kfq (with what to use instead).
    #[error("not on this engine: {0}")]
    Unsupported(&'static str),
    #[error("{path}: {problem:?}")]
    File { path: PathBuf, problem: FileProblem },
}

impl StoreError {
    /// A write refused because a unique key already holds the value (another writer was first).
    pub fn is_unique_violation(&self) -> bool {
        matches!(self, StoreError::Database(sqlx::Error::Database(db)) if db.is_unique_violation())
    }
}

impl From<sqlx::Error> for StoreError {
    fn from(e: sqlx::Error) -> StoreError {
        let full = matches!(&e, sqlx::Error::Database(db)
            if db.code().is_some_and(|code| matches!(code.as_ref(), "13" | "53100")));
        if full {
            // SQLITE_FULL, or PostgreSQL's disk_full.
            StoreError::DiskFull(e)
        } else if is_unavailable(&e) {
            StoreError::Unavailable(e)
        } else {
            StoreError::Database(e)
        }
    }
}

/// Whether an error says the server is out of reach rather than that the request was wrong:
/// no connection to be had, a connection broken, or the server shutting down or starting up
/// (SQLSTATE class 08, 57P01–57P03).
fn is_unavailable(e: &sqlx::Error) -> bool {
    match e {
        sqlx::Error::Io(_)
        | sqlx::Error::Tls(_)
        | sqlx::Error::PoolTimedOut
        | sqlx::Error::PoolClosed
        | sqlx::Error::WorkerCrashed => true,
        sqlx::Error::Database(db) => db.code().is_some_and(|code| {
            code.starts_with("08") || matches!(code.as_ref(), "57P01" | "57P02" | "57P03")
        }),
        _ => false,
    }
}

/// What is wrong with a backup or restore file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FileProblem {
    /// A backup never overwrites a file.
    Exists,
    /// A restore goes only where no database is.
    Occupied,
    /// The copy failed its integrity check.
    Damaged(String),
    Io(String),
    /// A backup key file that is not 32 hexadecimal digits.
    BadKey,
    /// A sealed backup that the key does not open: the wrong key, or the file was altered.
    WrongKeyOrAltered,
    /// A sealed backup restored without its key.
    NeedsKey,
}

/// Which engine a database runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// A database location as the user gives it (`--database` or `KFQ_DATABASE_URL`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DbUrl {
    /// `sqlite:///abs/path.db` or `sqlite://rel/path.db` (relative to the working folder).
    Sqlite(PathBuf),
    /// `postgres://user@host:port/db`
    Postgres(String),
}

impl DbUrl {
    pub fn parse(url: &str) -> Result<DbUrl, StoreError> {
        if let Some(path) = url.strip_prefix("sqlite://") {
            let path = path.split('?').next().unwrap_or_default();
            if path.is_empty() {
                return Err(StoreError::BadUrl(url.into()));
            }
            return Ok(DbUrl::Sqlite(PathBuf::from(path)));
        }
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            return Ok(DbUrl::Postgres(url.into()));
        }
        Err(StoreError::BadUrl(url.into()))
    }
}

/// A connection pool to one of the two engines, and the snapshot of the ledger read from it.
#[derive(Debug, Clone)]
pub struct Db {
    pub(crate) pool: Pool,
    pub(crate) snapshot: std::sync::Arc<std::sync::Mutex<Option<std::sync::Arc<crate::Snapshot>>>>,
    /// A ledger fixed in time (as it was reported at some moment): reads see it, not the
    /// database's current state.
    pub(crate) pinned: Option<std::sync::Arc<crate::Snapshot>>,
    /// The dashboards' read model, kept up to date change by change.
    pub(crate) read_model: std::sync::Arc<crate::read_model::Held>,
    /// The settings as last read, and when: read again after a few seconds, or at once after
    /// a change through this handle.
    pub(crate) settings: crate::settings::Cache,
}

#[derive(Debug, Clone)]
pub(crate) enum Pool {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

/// A write transaction. SQLite's begins IMMEDIATE, so it waits for the writer lock up front
/// instead of failing when a read turns into a write.
pub enum Tx {
    Sqlite(Transaction<'static, Sqlite>),
    Postgres(Transaction<'static, Postgres>),
}

/// Runs `$body` with `$conn` bound to the pool of whichever engine `$db` is.
#[macro_export]
#[doc(hidden)]
macro_rules! on_db {
    ($db:expr, $conn:ident => $body:expr) => {
        match &$db.pool {
            $crate::db::Pool::Sqlite($conn) => $body,
            $crate::db::Pool::Postgres($conn) => $body,
        }
    };
}

/// Runs `$body` with `$conn` bound to the connection of the transaction `$tx`.
#[macro_export]
#[doc(hidden)]
macro_rules! on_tx {
    ($tx:expr, $conn:ident => $body:expr) => {
        match $tx {
            $crate::Tx::Sqlite(t) => {
                let $conn = &mut **t;
                $body
            }
            $crate::Tx::Postgres(t) => {
                let $conn = &mut **t;
                $body
            }
        }
    };
}

impl Db {
    /// Opens the database, creating a missing SQLite file and its folder, and brings its
    /// schema up to date.
    pub async fn open(url: &DbUrl) -> Result<Db, StoreError> {
        let db = match url {
            DbUrl::Sqlite(path) => {
                if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
                    std::fs::create_dir_all(dir).map_err(|source| StoreError::DataFolder {
                        path: dir.to_path_buf(),
                        source,
                    })?;
                }
                let options = SqliteConnectOptions::new()
                    .filename(path)
                    .create_if_missing(true)
                    .journal_mode(SqliteJournalMode::Wal)
                    // FULL: a commit that answered OK survives a power cut.
                    .synchronous(SqliteSynchronous::Full)
                    .foreign_keys(true)
                    .busy_timeout(Duration::from_secs(30));
                let pool = SqlitePoolOptions::new()
                    .max_connections(8)
                    .connect_with(options)
                    .await?;
                Pool::Sqlite(pool)
            }
            DbUrl::Postgres(url) => {
                let options = PgConnectOptions::from_str(url)?;
                let pool = PgPoolOptions::new()
                    .max_connections(8)
                    .acquire_timeout(Duration::from_secs(10))
                    .connect_with(options)
                    .await?;
                Pool::Postgres(pool)
            }
        };
        let db = Db {
            pool: db,
            snapshot: Default::default(),
            settings: Default::default(),
            pinned: None,
            read_model: Default::default(),
        };
        crate::migrate::migrate(&db).await?;
        Ok(db)
    }

    /// The same database, read as the given ledger: every report computed on the handle sees
    /// that ledger. Writes through it still go to the database.
    pub fn pinned(&self, ledger: crate::Snapshot) -> Db {
        Db {
            pinned: Some(std::sync::Arc::new(ledger)),
            ..self.clone()
        }
    }

    pub fn backend(&self) -> Backend {
        match self.pool {
            Pool::Sqlite(_) => Backend::Sqlite,
            Pool::Postgres(_) => Backend::Postgres,
        }
    }

    pub async fn begin(&self) -> Result<Tx, StoreError> {
        Ok(match &self.pool {
            Pool::Sqlite(pool) => Tx::Sqlite(pool.begin_with("BEGIN IMMEDIATE").await?),
            Pool::Postgres(pool) => Tx::Postgres(pool.begin().await?),
        })
    }

    pub async fn close(&self) {
        on_db!(self, pool => pool.close().await)
    }
}

impl Tx {
    /// Commits: only after this returns is a change acknowledged. Every commit counts one more
    /// change of the data, so that every process reading this database refreshes its snapshot.
    pub async fn commit(mut self) -> Result<(), StoreError> {
        const BUMP: &str = "UPDATE kfq_data_version SET version = version + 1 WHERE id = 1";
        // The projects this transaction changed (noted by triggers) get its version.
        const NUMBER: &str = "UPDATE kfq_changes SET version = \
            (SELECT version FROM kfq_data_version WHERE id = 1) WHERE version IS NULL";
        on_tx!(&mut self, conn => sqlx::query(BUMP).execute(conn).await.map(|r| r.rows_affected()))?;
        on_tx!(&mut self, conn => sqlx::query(NUMBER).execute(conn).await.map(|r| r.rows_affected()))?;
        self.commit_outside_ledger().await
    }

    /// Commits a change to what no snapshot holds — users, sessions, tokens, the schema — so
    /// that signing in does not make every process read the ledger again.
    pub async fn commit_outside_ledger(self) -> Result<(), StoreError> {
        match self {
            Tx::Sqlite(t) => t.commit().await?,
            Tx::Postgres(t) => t.commit().await?,
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_name_the_engine_and_the_place() {
        assert_eq!(
            DbUrl::parse("sqlite:///var/lib/kfq/kfq.db").unwrap(),
            DbUrl::Sqlite("/var/lib/kfq/kfq.db".into())
        );
        assert_eq!(
            DbUrl::parse("sqlite://data/kfq.db").unwrap(),
            DbUrl::Sqlite("data/kfq.db".into())
        );
        assert!(matches!(
            DbUrl::parse("postgres://root@127.0.0.1:5432/test").unwrap(),
            DbUrl::Postgres(_)
        ));
        assert!(DbUrl::parse("mysql://x").is_err());
        assert!(DbUrl::parse("sqlite://").is_err());
    }
}
