//! 化工园区安全风险等级复核 storage: the scored items of zones' reviews with their rectifications.

use chrono::NaiveDate;
use kfq_core::chemical::{Finding, Points};

use crate::bulk::{insert_rows, insert_versioned, save_versioned, Value};
use crate::{on_db, on_tx, Db, StoreError, Tx};

type Row = (
    i64,
    i64,
    i32,
    String,
    i64,
    String,
    String,
    String,
    Option<NaiveDate>,
    Option<NaiveDate>,
    String,
    i64,
);

const COLUMNS: &str = "id, zone_id, year, item, score_tenths, problem, evidence, owner, due_on, \
     rectified_on, note, version";

fn finding(r: Row) -> Finding {
    let (
        id,
        zone_id,
        year,
        item,
        score,
        problem,
        evidence,
        owner,
        due_on,
        rectified_on,
        note,
        version,
    ) = r;
    Finding {
        id,
        zone_id,
        year,
        item,
        score: Points::from_tenths(score),
        problem,
        evidence,
        owner,
        due_on,
        rectified_on,
        note,
        version,
    }
}

/// Every finding, by zone, year and item.
pub async fn findings(db: &Db) -> Result<Vec<Finding>, StoreError> {
    let sql = format!("SELECT {COLUMNS} FROM chemical_findings ORDER BY zone_id, year, item, id");
    let rows: Vec<Row> = on_db!(db, pool => sqlx::query_as(&sql).fetch_all(pool).await)?;
    Ok(rows.into_iter().map(finding).collect())
}

/// A finding by id.
pub async fn finding_by_id(db: &Db, id: i64) -> Result<Option<Finding>, StoreError> {
    let sql = format!("SELECT {COLUMNS} FROM chemical_findings WHERE id = $1");
    let row: Option<Row> =
        on_db!(db, pool => sqlx::query_as(&sql).bind(id).fetch_optional(pool).await)?;
    Ok(row.map(finding))
}

/// A finding as stored now, inside a transaction.
pub async fn finding_in(tx: &mut Tx, id: i64) -> Result<Option<Finding>, StoreError> {
    let sql = format!("SELECT {COLUMNS} FROM chemical_findings WHERE id = $1");
    let row: Option<Row> =
        on_tx!(tx, conn => sqlx::query_as(&sql).bind(id).fetch_optional(conn).await)?;
    Ok(row.map(finding))
}

const WRITTEN: [&str; 10] = [
    "zone_id",
    "year",
    "item",
    "score_tenths",
    "problem",
    "evidence",
    "owner",
    "due_on",
    "rectified_on",
    "note",
];

fn values(f: &Finding) -> Vec<Value> {
    vec![
        Value::Int(Some(f.zone_id)),
        Value::Int(Some(i64::from(f.year))),
        Value::Text(Some(f.item.clone())),
        Value::Int(Some(f.score.tenths())),
        Value::Text(Some(f.problem.clone())),
        Value::Text(Some(f.evidence.clone())),
        Value::Text(Some(f.owner.clone())),
        Value::Date(f.due_on),
        Value::Date(f.rectified_on),
        Value::Text(Some(f.note.clone())),
    ]
}

/// Adds a finding; its id.
pub async fn insert_finding(tx: &mut Tx, f: &Finding) -> Result<i64, StoreError> {
    insert_versioned(tx, "chemical_findings", &WRITTEN, values(f)).await
}

/// Saves a changed finding if it is still at the version it was read at.
pub async fn save_finding(tx: &mut Tx, f: &Finding) -> Result<(), StoreError> {
    save_versioned(
        tx,
        "chemical_findings",
        &WRITTEN,
        values(f),
        f.id,
        f.version,
    )
    .await
}

/// Adds many findings at once (the demo).
pub async fn insert_findings(tx: &mut Tx, list: &[Finding]) -> Result<(), StoreError> {
    let rows: Vec<Vec<Value>> = list.iter().map(values).collect();
    insert_rows(tx, "chemical_findings", &WRITTEN, "", &rows).await
}
