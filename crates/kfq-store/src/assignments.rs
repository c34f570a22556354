//! 包联责任 storage: each project's assignment, and who is away.

use kfq_core::assignment::Assignment;

use crate::{on_db, on_tx, Db, StoreError, Tx};

const COLUMNS: &str = "project_id, leader, a_role, b_role, agent, version";

type Row = (i64, String, String, String, String, i64);

fn from_row((project_id, leader, a_role, b_role, agent, version): Row) -> Assignment {
    Assignment {
        project_id,
        leader,
        a_role,
        b_role,
        agent,
        version,
    }
}

/// Every stored assignment.
pub async fn assignments(db: &Db) -> Result<Vec<Assignment>, StoreError> {
    let sql = format!("SELECT {COLUMNS} FROM project_assignments ORDER BY project_id");
    let rows: Vec<Row> = on_db!(db, pool => sqlx::query_as(&sql).fetch_all(pool).await)?;
    Ok(rows.into_iter().map(from_row).collect())
}

/// A project's assignment, if one is stored.
pub async fn assignment(db: &Db, project_id: i64) -> Result<Option<Assignment>, StoreError> {
    let sql = format!("SELECT {COLUMNS} FROM project_assignments WHERE project_id = $1");
    let row: Option<Row> =
        on_db!(db, pool => sqlx::query_as(&sql).bind(project_id).fetch_optional(pool).await)?;
    Ok(row.map(from_row))
}

/// A project's assignment as stored now, inside a transaction.
pub async fn assignment_in(tx: &mut Tx, project_id: i64) -> Result<Option<Assignment>, StoreError> {
    let sql = format!("SELECT {COLUMNS} FROM project_assignments WHERE project_id = $1");
    let row: Option<Row> =
        on_tx!(tx, conn => sqlx::query_as(&sql).bind(project_id).fetch_optional(conn).await)?;
    Ok(row.map(from_row))
}

/// Saves an assignment if it is still at the version it was read at (0: none stored yet); its
/// version goes up by one. [`StoreError::Conflict`] when someone saved first.
pub async fn save_assignment(tx: &mut Tx, a: &Assignment) -> Result<(), StoreError> {
    const INSERT: &str = "INSERT INTO project_assignments (leader, a_role, b_role, agent, \
        project_id, version) VALUES ($1, $2, $3, $4, $5, 1) ON CONFLICT (project_id) DO NOTHING";
    const UPDATE: &str = "UPDATE project_assignments SET leader = $1, a_role = $2, b_role = $3, \
        agent = $4, version = version + 1 WHERE project_id = $5 AND version = $6";
    let sql = if a.version == 0 { INSERT } else { UPDATE };
    let changed = on_tx!(tx, conn => {
        let query = sqlx::query(sql)
            .bind(&a.leader)
            .bind(&a.a_role)
            .bind(&a.b_role)
            .bind(&a.agent)
            .bind(a.project_id);
        let query = if a.version == 0 { query } else { query.bind(a.version) };
        query.execute(conn).await.map(|r| r.rows_affected())
    })?;
    if changed == 1 {
        Ok(())
    } else {
        Err(StoreError::Conflict)
    }
}

/// Marks a user away (外出) or back.
pub async fn set_user_away(tx: &mut Tx, user_id: i64, away: bool) -> Result<(), StoreError> {
    const SQL: &str = "UPDATE users SET away = $1 WHERE id = $2";
    on_tx!(tx, conn => sqlx::query(SQL).bind(away).bind(user_id).execute(conn).await.map(|r| r.rows_affected()))?;
    Ok(())
}
