//! 目标任务 and 指标月报 storage: zones' annual targets and the figures they enter monthly.

use kfq_core::assessment::{EnteredValue, Figure, Target};
use kfq_core::monthly::Month;

use crate::bulk::{insert_rows, insert_versioned, save_versioned, Value};
use crate::{on_db, on_tx, Db, StoreError, Tx};

type TargetRow = (i64, i64, i32, String, i64, String, i64);

const TARGET_COLUMNS: &str = "id, zone_id, year, indicator, value_scaled, note, version";

fn target(r: TargetRow) -> Target {
    let (id, zone_id, year, indicator, value, note, version) = r;
    Target {
        id,
        zone_id,
        year,
        indicator,
        value: Figure::from_scaled(value),
        note,
        version,
    }
}

/// Every target, by zone, year and indicator.
pub async fn targets(db: &Db) -> Result<Vec<Target>, StoreError> {
    let sql = format!("SELECT {TARGET_COLUMNS} FROM targets ORDER BY zone_id, year, indicator");
    let rows: Vec<TargetRow> = on_db!(db, pool => sqlx::query_as(&sql).fetch_all(pool).await)?;
    Ok(rows.into_iter().map(target).collect())
}

/// A target by id.
pub async fn target_by_id(db: &Db, id: i64) -> Result<Option<Target>, StoreError> {
    let sql = format!("SELECT {TARGET_COLUMNS} FROM targets WHERE id = $1");
    let row: Option<TargetRow> =
        on_db!(db, pool => sqlx::query_as(&sql).bind(id).fetch_optional(pool).await)?;
    Ok(row.map(target))
}

/// A target as stored now, inside a transaction.
pub async fn target_in(tx: &mut Tx, id: i64) -> Result<Option<Target>, StoreError> {
    let sql = format!("SELECT {TARGET_COLUMNS} FROM targets WHERE id = $1");
    let row: Option<TargetRow> =
        on_tx!(tx, conn => sqlx::query_as(&sql).bind(id).fetch_optional(conn).await)?;
    Ok(row.map(target))
}

const TARGET_WRITTEN: [&str; 5] = ["zone_id", "year", "indicator", "value_scaled", "note"];

fn target_values(t: &Target) -> Vec<Value> {
    vec![
        Value::Int(Some(t.zone_id)),
        Value::Int(Some(i64::from(t.year))),
        Value::Text(Some(t.indicator.clone())),
        Value::Int(Some(t.value.scaled())),
        Value::Text(Some(t.note.clone())),
    ]
}

/// Adds a target; its id.
pub async fn insert_target(tx: &mut Tx, t: &Target) -> Result<i64, StoreError> {
    insert_versioned(tx, "targets", &TARGET_WRITTEN, target_values(t)).await
}

/// Saves a changed target if it is still at the version it was read at.
pub async fn save_target(tx: &mut Tx, t: &Target) -> Result<(), StoreError> {
    save_versioned(
        tx,
        "targets",
        &TARGET_WRITTEN,
        target_values(t),
        t.id,
        t.version,
    )
    .await
}

/// Adds many targets at once (the demo).
pub async fn insert_targets(tx: &mut Tx, list: &[Target]) -> Result<(), StoreError> {
    let rows: Vec<Vec<Value>> = list.iter().map(target_values).collect();
    insert_rows(tx, "targets", &TARGET_WRITTEN, "", &rows).await
}

type EnteredRow = (i64, i64, i64, String, i64, String, i64);

const ENTERED_COLUMNS: &str = "id, zone_id, month, indicator, value_scaled, note, version";

fn entered(r: EnteredRow) -> Result<EnteredValue, StoreError> {
    let (id, zone_id, month, indicator, value, note, version) = r;
    Ok(EnteredValue {
        month: Month::from_key(month)
            .ok_or_else(|| StoreError::Corrupt(format!("indicator value {id}: month")))?,
        id,
        zone_id,
        indicator,
        value: Figure::from_scaled(value),
        note,
        version,
    })
}

/// Every figure entered, by zone, month and indicator.
pub async fn entered_values(db: &Db) -> Result<Vec<EnteredValue>, StoreError> {
    let sql = format!(
        "SELECT {ENTERED_COLUMNS} FROM indicator_values ORDER BY zone_id, month, indicator"
    );
    let rows: Vec<EnteredRow> = on_db!(db, pool => sqlx::query_as(&sql).fetch_all(pool).await)?;
    rows.into_iter().map(entered).collect()
}

/// A figure entered, by id.
pub async fn entered_by_id(db: &Db, id: i64) -> Result<Option<EnteredValue>, StoreError> {
    let sql = format!("SELECT {ENTERED_COLUMNS} FROM indicator_values WHERE id = $1");
    let row: Option<EnteredRow> =
        on_db!(db, pool => sqlx::query_as(&sql).bind(id).fetch_optional(pool).await)?;
    row.map(entered).transpose()
}

/// A figure entered as stored now, inside a transaction.
pub async fn entered_in(tx: &mut Tx, id: i64) -> Result<Option<EnteredValue>, StoreError> {
    let sql = format!("SELECT {ENTERED_COLUMNS} FROM indicator_values WHERE id = $1");
    let row: Option<EnteredRow> =
        on_tx!(tx, conn => sqlx::query_as(&sql).bind(id).fetch_optional(conn).await)?;
    row.map(entered).transpose()
}

const ENTERED_WRITTEN: [&str; 5] = ["zone_id", "month", "indicator", "value_scaled", "note"];

fn entered_values_of(e: &EnteredValue) -> Vec<Value> {
    vec![
        Value::Int(Some(e.zone_id)),
        Value::Int(Some(e.month.key())),
        Value::Text(Some(e.indicator.clone())),
        Value::Int(Some(e.value.scaled())),
        Value::Text(Some(e.note.clone())),
    ]
}

/// Adds a figure entered; its id.
pub async fn insert_entered(tx: &mut Tx, e: &EnteredValue) -> Result<i64, StoreError> {
    insert_versioned(
        tx,
        "indicator_values",
        &ENTERED_WRITTEN,
        entered_values_of(e),
    )
    .await
}

/// Saves a changed figure if it is still at the version it was read at.
pub async fn save_entered(tx: &mut Tx, e: &EnteredValue) -> Result<(), StoreError> {
    save_versioned(
        tx,
        "indicator_values",
        &ENTERED_WRITTEN,
        entered_values_of(e),
        e.id,
        e.version,
    )
    .await
}

/// Adds many figures at once (the demo).
pub async fn insert_entered_values(tx: &mut Tx, list: &[EnteredValue]) -> Result<(), StoreError> {
    let rows: Vec<Vec<Value>> = list.iter().map(entered_values_of).collect();
    insert_rows(tx, "indicator_values", &ENTERED_WRITTEN, "", &rows).await
}
