//! 备份与恢复 — a consistent copy of a live SQLite database, and putting one back.

use std::path::Path;

use crate::{Db, FileProblem, StoreError};

/// Writes a consistent copy of the database to `path` while it serves (SQLite's
/// `VACUUM INTO`: one read transaction, so the copy is the database at one instant). The file
/// must not exist yet. With a key, the copy is sealed with SM4 ([`crate::sealed`]).
/// PostgreSQL is backed up with its own tools (`pg_dump`).
pub async fn backup_to(
    db: &Db,
    path: &Path,
    key: Option<&crate::sealed::BackupKey>,
) -> Result<(), StoreError> {
    let crate::db::Pool::Sqlite(pool) = &db.pool else {
        return Err(StoreError::Unsupported(
            "kfq backup copies SQLite databases; back up PostgreSQL with pg_dump",
        ));
    };
    if path.exists() {
        return Err(StoreError::File {
            path: path.to_path_buf(),
            problem: FileProblem::Exists,
        });
    }
    let Some(key) = key else {
        sqlx::query("VACUUM INTO $1")
            .bind(path.to_string_lossy().into_owned())
            .execute(pool)
            .await?;
        return Ok(());
    };
    // The plain copy lives only until it is sealed, beside the sealed one.
    let plain = path.with_extension("unsealed");
    let _ = std::fs::remove_file(&plain);
    let copied = sqlx::query("VACUUM INTO $1")
        .bind(plain.to_string_lossy().into_owned())
        .execute(pool)
        .await;
    let result = match copied {
        Ok(_) => crate::sealed::seal(&plain, path, key),
        Err(e) => Err(e.into()),
    };
    let _ = std::fs::remove_file(&plain);
    result
}

/// Puts a backup in place as the SQLite database at `target`, which must not hold a database
/// yet (restore into a fresh location, then point kfq at it). The copy is opened, migrated and
/// checked for integrity before it is moved into place. A sealed backup needs its key.
pub async fn restore_from(
    backup: &Path,
    target: &Path,
    key: Option<&crate::sealed::BackupKey>,
) -> Result<(), StoreError> {
    let fail = |path: &Path, problem: FileProblem| StoreError::File {
        path: path.to_path_buf(),
        problem,
    };
    let io = |path: &Path, e: std::io::Error| fail(path, FileProblem::Io(e.to_string()));
    if target.exists() {
        return Err(fail(target, FileProblem::Occupied));
    }
    if let Some(dir) = target.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|e| io(dir, e))?;
    }
    let staging = target.with_extension("restoring");
    let _ = std::fs::remove_file(&staging);
    if crate::sealed::is_sealed(backup)? {
        let key = key.ok_or_else(|| fail(backup, FileProblem::NeedsKey))?;
        crate::sealed::open(backup, &staging, key)?;
    } else {
        std::fs::copy(backup, &staging).map_err(|e| io(backup, e))?;
    }
    let db = Db::open(&crate::DbUrl::Sqlite(staging.clone())).await?;
    let crate::db::Pool::Sqlite(pool) = &db.pool else {
        return Err(StoreError::Unsupported("restore writes SQLite databases"));
    };
    let check: String = sqlx::query_scalar("PRAGMA integrity_check")
        .fetch_one(pool)
        .await?;
    db.close().await;
    if check != "ok" {
        let _ = std::fs::remove_file(&staging);
        return Err(fail(backup, FileProblem::Damaged(check)));
    }
    std::fs::rename(&staging, target).map_err(|e| io(target, e))
}

/// SQLite's own check of every page of the database: `ok`, or what it found wrong.
/// (PostgreSQL keeps its own consistency; it answers `ok`.)
pub async fn integrity_check(db: &Db) -> Result<String, StoreError> {
    match &db.pool {
        crate::db::Pool::Sqlite(pool) => Ok(sqlx::query_scalar("PRAGMA integrity_check")
            .fetch_one(pool)
            .await?),
        crate::db::Pool::Postgres(_) => Ok("ok".into()),
    }
}
