//! 审批事项 storage: the procedures of projects' checklists.

use chrono::NaiveDate;
use kfq_core::procedure::Procedure;

use crate::bulk::{insert_rows, Value};
use crate::{on_db, on_tx, Db, StoreError, Tx};

#[derive(sqlx::FromRow)]
struct Row {
    id: i64,
    project_id: i64,
    name: String,
    agent: String,
    accepted_on: Option<NaiveDate>,
    submitted_on: Option<NaiveDate>,
    approved_on: Option<NaiveDate>,
    commitment: bool,
    note: String,
    version: i64,
}

impl From<Row> for Procedure {
    fn from(r: Row) -> Procedure {
        Procedure {
            id: r.id,
            project_id: r.project_id,
            name: r.name,
            agent: r.agent,
            accepted_on: r.accepted_on,
            submitted_on: r.submitted_on,
            approved_on: r.approved_on,
            commitment: r.commitment,
            note: r.note,
            version: r.version,
        }
    }
}

const COLUMNS: &str = "id, project_id, name, agent, accepted_on, submitted_on, approved_on, \
    commitment, note, version";

/// Every stored procedure (a region's figures are counted from them).
pub async fn procedures(db: &Db) -> Result<Vec<Procedure>, StoreError> {
    let sql = format!("SELECT {COLUMNS} FROM procedures ORDER BY project_id, id");
    let rows: Vec<Row> = on_db!(db, pool => sqlx::query_as(&sql).fetch_all(pool).await)?;
    Ok(rows.into_iter().map(Procedure::from).collect())
}

/// A project's procedures.
pub async fn procedures_of(db: &Db, project_id: i64) -> Result<Vec<Procedure>, StoreError> {
    let sql = format!("SELECT {COLUMNS} FROM procedures WHERE project_id = $1 ORDER BY id");
    let rows: Vec<Row> =
        on_db!(db, pool => sqlx::query_as(&sql).bind(project_id).fetch_all(pool).await)?;
    Ok(rows.into_iter().map(Procedure::from).collect())
}

/// A project's procedure by name, if recorded.
pub async fn procedure(
    db: &Db,
    project_id: i64,
    name: &str,
) -> Result<Option<Procedure>, StoreError> {
    let sql = format!("SELECT {COLUMNS} FROM procedures WHERE project_id = $1 AND name = $2");
    let row: Option<Row> = on_db!(db, pool => sqlx::query_as(&sql).bind(project_id).bind(name).fetch_optional(pool).await)?;
    Ok(row.map(Procedure::from))
}

/// A project's procedure by name as stored now, inside a transaction.
pub async fn procedure_in(
    tx: &mut Tx,
    project_id: i64,
    name: &str,
) -> Result<Option<Procedure>, StoreError> {
    let sql = format!("SELECT {COLUMNS} FROM procedures WHERE project_id = $1 AND name = $2");
    let row: Option<Row> = on_tx!(tx, conn => sqlx::query_as(&sql).bind(project_id).bind(name).fetch_optional(conn).await)?;
    Ok(row.map(Procedure::from))
}

/// Saves a procedure if it is still at the version it was read at (0: not stored yet); its
/// version goes up by one. [`StoreError::Conflict`] when someone saved first.
pub async fn save_procedure(tx: &mut Tx, p: &Procedure) -> Result<(), StoreError> {
    const INSERT: &str = "INSERT INTO procedures (agent, accepted_on, submitted_on, approved_on, \
        commitment, note, project_id, name, version) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 1) \
        ON CONFLICT (project_id, name) DO NOTHING";
    const UPDATE: &str = "UPDATE procedures SET agent = $1, accepted_on = $2, submitted_on = $3, \
        approved_on = $4, commitment = $5, note = $6, version = version + 1 \
        WHERE project_id = $7 AND name = $8 AND version = $9";
    let sql = if p.version == 0 { INSERT } else { UPDATE };
    let changed = on_tx!(tx, conn => {
        let query = sqlx::query(sql)
            .bind(&p.agent)
            .bind(p.accepted_on)
            .bind(p.submitted_on)
            .bind(p.approved_on)
            .bind(p.commitment)
            .bind(&p.note)
            .bind(p.project_id)
            .bind(&p.name);
        let query = if p.version == 0 { query } else { query.bind(p.version) };
        query.execute(conn).await.map(|r| r.rows_affected())
    })?;
    if changed == 1 {
        Ok(())
    } else {
        Err(StoreError::Conflict)
    }
}

/// Adds many procedures at once (the demo).
pub async fn insert_procedures(tx: &mut Tx, list: &[Procedure]) -> Result<(), StoreError> {
    let rows: Vec<Vec<Value>> = list
        .iter()
        .map(|p| {
            vec![
                Value::Int(Some(p.project_id)),
                Value::Text(Some(p.name.clone())),
                Value::Text(Some(p.agent.clone())),
                Value::Date(p.accepted_on),
                Value::Date(p.submitted_on),
                Value::Date(p.approved_on),
                Value::Bool(p.commitment),
                Value::Text(Some(p.note.clone())),
            ]
        })
        .collect();
    insert_rows(
        tx,
        "procedures",
        &[
            "project_id",
            "name",
            "agent",
            "accepted_on",
            "submitted_on",
            "approved_on",
            "commitment",
            "note",
        ],
        "ON CONFLICT (project_id, name) DO NOTHING",
        &rows,
    )
    .await
}
