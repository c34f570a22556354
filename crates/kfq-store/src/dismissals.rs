//! Findings set aside by an official, with the reason.

use chrono::{DateTime, Utc};

use crate::{on_db, on_tx, Db, StoreError, Tx};

/// A dismissal as stored; `projects` is the finding's codes, sorted and joined by commas.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct DismissalRow {
    pub rule: String,
    pub projects: String,
    pub reason: String,
    pub dismissed_by: String,
    pub dismissed_at: DateTime<Utc>,
}

/// Records a dismissal; a finding already dismissed is refused as a conflict.
pub async fn insert_dismissal(tx: &mut Tx, d: &DismissalRow) -> Result<(), StoreError> {
    const SQL: &str = "INSERT INTO finding_dismissals (rule, projects, reason, dismissed_by, \
        dismissed_at) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (rule, projects) DO NOTHING";
    let inserted = on_tx!(tx, conn => sqlx::query(SQL)
        .bind(&d.rule)
        .bind(&d.projects)
        .bind(&d.reason)
        .bind(&d.dismissed_by)
        .bind(d.dismissed_at)
        .execute(conn)
        .await
        .map(|r| r.rows_affected()))?;
    if inserted == 0 {
        return Err(StoreError::Conflict);
    }
    Ok(())
}

/// Every dismissal (a few per project at most; read whole).
pub async fn dismissals(db: &Db) -> Result<Vec<DismissalRow>, StoreError> {
    const SQL: &str = "SELECT rule, projects, reason, dismissed_by, dismissed_at \
        FROM finding_dismissals ORDER BY id";
    Ok(on_db!(db, pool => sqlx::query_as(SQL).fetch_all(pool).await)?)
}
