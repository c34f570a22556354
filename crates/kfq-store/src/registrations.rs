//! 入库入统 storage: each project's registration in the statistics database, read with the
//! project's code.

use chrono::NaiveDate;
use kfq_core::registration::{Coded, Registration, RegistrationStatus};

use crate::bulk::{insert_rows, insert_versioned, save_versioned, Value};
use crate::{on_db, on_tx, Db, StoreError, Tx};

type Row = (
    i64,
    i64,
    i64,
    String,
    Option<NaiveDate>,
    Option<NaiveDate>,
    String,
    String,
    i64,
    String,
);

/// A registration belongs to its project's zone, wherever the project moves.
const SELECT: &str = "SELECT r.id, p.zone_id, r.project_id, r.status, r.applied_on, \
     r.registered_on, r.stats_code, r.note, r.version, p.code FROM registrations r \
     JOIN projects p ON p.id = r.project_id";

fn registration(r: Row) -> Result<Registration, StoreError> {
    let (
        id,
        zone_id,
        project_id,
        status,
        applied_on,
        registered_on,
        stats_code,
        note,
        version,
        code,
    ) = r;
    Ok(Registration {
        status: RegistrationStatus::parse(&status)
            .ok_or_else(|| StoreError::Corrupt(format!("registration {id}: status")))?,
        id,
        zone_id,
        project_id,
        project_code: code,
        applied_on,
        registered_on,
        stats_code,
        note,
        version,
    })
}

/// Every registration, by zone and project.
pub async fn registrations(db: &Db) -> Result<Vec<Registration>, StoreError> {
    let sql = format!("{SELECT} ORDER BY p.zone_id, p.code");
    let rows: Vec<Row> = on_db!(db, pool => sqlx::query_as(&sql).fetch_all(pool).await)?;
    rows.into_iter().map(registration).collect()
}

/// A registration by id.
pub async fn registration_by_id(db: &Db, id: i64) -> Result<Option<Registration>, StoreError> {
    let sql = format!("{SELECT} WHERE r.id = $1");
    let row: Option<Row> =
        on_db!(db, pool => sqlx::query_as(&sql).bind(id).fetch_optional(pool).await)?;
    row.map(registration).transpose()
}

/// A registration as stored now, inside a transaction.
pub async fn registration_in(tx: &mut Tx, id: i64) -> Result<Option<Registration>, StoreError> {
    let sql = format!("{SELECT} WHERE r.id = $1");
    let row: Option<Row> =
        on_tx!(tx, conn => sqlx::query_as(&sql).bind(id).fetch_optional(conn).await)?;
    row.map(registration).transpose()
}

const WRITTEN: [&str; 7] = [
    "zone_id",
    "project_id",
    "status",
    "applied_on",
    "registered_on",
    "stats_code",
    "note",
];

fn values(r: &Registration) -> Vec<Value> {
    vec![
        Value::Int(Some(r.zone_id)),
        Value::Int(Some(r.project_id)),
        Value::Text(Some(r.status.code().into())),
        Value::Date(r.applied_on),
        Value::Date(r.registered_on),
        Value::Text(Some(r.stats_code.clone())),
        Value::Text(Some(r.note.clone())),
    ]
}

/// Adds a registration; its id.
pub async fn insert_registration(tx: &mut Tx, r: &Registration) -> Result<i64, StoreError> {
    insert_versioned(tx, "registrations", &WRITTEN, values(r)).await
}

/// Saves a changed registration if it is still at the version it was read at.
pub async fn save_registration(tx: &mut Tx, r: &Registration) -> Result<(), StoreError> {
    save_versioned(tx, "registrations", &WRITTEN, values(r), r.id, r.version).await
}

/// Adds many registrations at once (the demo).
pub async fn insert_registrations(tx: &mut Tx, list: &[Registration]) -> Result<(), StoreError> {
    let rows: Vec<Vec<Value>> = list.iter().map(values).collect();
    insert_rows(tx, "registrations", &WRITTEN, "", &rows).await
}
