//! 赋权事项 and 一件事一次办 storage: the powers delegated to zones and the zones' bundled
//! services.

use chrono::NaiveDate;
use kfq_core::delegation::{Coded, DelegatedPower, GrantLevel, ServiceBundle};

use crate::bulk::{insert_rows, insert_versioned, save_versioned, Value};
use crate::{on_db, on_tx, Db, StoreError, Tx};

type PowerRow = (
    i64,
    i64,
    String,
    String,
    String,
    Option<NaiveDate>,
    Option<NaiveDate>,
    String,
    i64,
);

const POWER_COLUMNS: &str =
    "id, zone_id, level, name, code, granted_on, taken_up_on, note, version";

fn power(r: PowerRow) -> Result<DelegatedPower, StoreError> {
    let (id, zone_id, level, name, code, granted_on, taken_up_on, note, version) = r;
    Ok(DelegatedPower {
        level: GrantLevel::parse(&level)
            .ok_or_else(|| StoreError::Corrupt(format!("delegated power {id}: level")))?,
        id,
        zone_id,
        name,
        code,
        granted_on,
        taken_up_on,
        note,
        version,
    })
}

/// Every delegated power, by zone, level and name.
pub async fn powers(db: &Db) -> Result<Vec<DelegatedPower>, StoreError> {
    let sql = format!("SELECT {POWER_COLUMNS} FROM delegated_powers ORDER BY zone_id, name, id");
    let rows: Vec<PowerRow> = on_db!(db, pool => sqlx::query_as(&sql).fetch_all(pool).await)?;
    rows.into_iter().map(power).collect()
}

/// A delegated power by id.
pub async fn power_by_id(db: &Db, id: i64) -> Result<Option<DelegatedPower>, StoreError> {
    let sql = format!("SELECT {POWER_COLUMNS} FROM delegated_powers WHERE id = $1");
    let row: Option<PowerRow> =
        on_db!(db, pool => sqlx::query_as(&sql).bind(id).fetch_optional(pool).await)?;
    row.map(power).transpose()
}

/// A delegated power as stored now, inside a transaction.
pub async fn power_in(tx: &mut Tx, id: i64) -> Result<Option<DelegatedPower>, StoreError> {
    let sql = format!("SELECT {POWER_COLUMNS} FROM delegated_powers WHERE id = $1");
    let row: Option<PowerRow> =
        on_tx!(tx, conn => sqlx::query_as(&sql).bind(id).fetch_optional(conn).await)?;
    row.map(power).transpose()
}

const POWER_WRITTEN: [&str; 7] = [
    "zone_id",
    "level",
    "name",
    "code",
    "granted_on",
    "taken_up_on",
    "note",
];

fn power_values(p: &DelegatedPower) -> Vec<Value> {
    vec![
        Value::Int(Some(p.zone_id)),
        Value::Text(Some(p.level.code().into())),
        Value::Text(Some(p.name.clone())),
        Value::Text(Some(p.code.clone())),
        Value::Date(p.granted_on),
        Value::Date(p.taken_up_on),
        Value::Text(Some(p.note.clone())),
    ]
}

/// Adds a delegated power; its id.
pub async fn insert_power(tx: &mut Tx, p: &DelegatedPower) -> Result<i64, StoreError> {
    insert_versioned(tx, "delegated_powers", &POWER_WRITTEN, power_values(p)).await
}

/// Saves a changed power if it is still at the version it was read at.
pub async fn save_power(tx: &mut Tx, p: &DelegatedPower) -> Result<(), StoreError> {
    save_versioned(
        tx,
        "delegated_powers",
        &POWER_WRITTEN,
        power_values(p),
        p.id,
        p.version,
    )
    .await
}

/// Adds many powers at once (the demo).
pub async fn insert_powers(tx: &mut Tx, list: &[DelegatedPower]) -> Result<(), StoreError> {
    let rows: Vec<Vec<Value>> = list.iter().map(power_values).collect();
    insert_rows(tx, "delegated_powers", &POWER_WRITTEN, "", &rows).await
}

type BundleRow = (i64, i64, String, String, Option<NaiveDate>, String, i64);

const BUNDLE_COLUMNS: &str = "id, zone_id, name, procedures, launched_on, note, version";

fn bundle(r: BundleRow) -> ServiceBundle {
    let (id, zone_id, name, procedures, launched_on, note, version) = r;
    ServiceBundle {
        id,
        zone_id,
        name,
        procedures: procedures.lines().map(str::to_string).collect(),
        launched_on,
        note,
        version,
    }
}

/// Every bundled service, by zone and name.
pub async fn bundles(db: &Db) -> Result<Vec<ServiceBundle>, StoreError> {
    let sql = format!("SELECT {BUNDLE_COLUMNS} FROM service_bundles ORDER BY zone_id, name, id");
    let rows: Vec<BundleRow> = on_db!(db, pool => sqlx::query_as(&sql).fetch_all(pool).await)?;
    Ok(rows.into_iter().map(bundle).collect())
}

/// A bundled service by id.
pub async fn bundle_by_id(db: &Db, id: i64) -> Result<Option<ServiceBundle>, StoreError> {
    let sql = format!("SELECT {BUNDLE_COLUMNS} FROM service_bundles WHERE id = $1");
    let row: Option<BundleRow> =
        on_db!(db, pool => sqlx::query_as(&sql).bind(id).fetch_optional(pool).await)?;
    Ok(row.map(bundle))
}

/// A bundled service as stored now, inside a transaction.
pub async fn bundle_in(tx: &mut Tx, id: i64) -> Result<Option<ServiceBundle>, StoreError> {
    let sql = format!("SELECT {BUNDLE_COLUMNS} FROM service_bundles WHERE id = $1");
    let row: Option<BundleRow> =
        on_tx!(tx, conn => sqlx::query_as(&sql).bind(id).fetch_optional(conn).await)?;
    Ok(row.map(bundle))
}

const BUNDLE_WRITTEN: [&str; 5] = ["zone_id", "name", "procedures", "launched_on", "note"];

fn bundle_values(b: &ServiceBundle) -> Vec<Value> {
    vec![
        Value::Int(Some(b.zone_id)),
        Value::Text(Some(b.name.clone())),
        Value::Text(Some(b.procedures.join("\n"))),
        Value::Date(b.launched_on),
        Value::Text(Some(b.note.clone())),
    ]
}

/// Adds a bundled service; its id.
pub async fn insert_bundle(tx: &mut Tx, b: &ServiceBundle) -> Result<i64, StoreError> {
    insert_versioned(tx, "service_bundles", &BUNDLE_WRITTEN, bundle_values(b)).await
}

/// Saves a changed bundle if it is still at the version it was read at.
pub async fn save_bundle(tx: &mut Tx, b: &ServiceBundle) -> Result<(), StoreError> {
    save_versioned(
        tx,
        "service_bundles",
        &BUNDLE_WRITTEN,
        bundle_values(b),
        b.id,
        b.version,
    )
    .await
}

/// Adds many bundles at once (the demo).
pub async fn insert_bundles(tx: &mut Tx, list: &[ServiceBundle]) -> Result<(), StoreError> {
    let rows: Vec<Vec<Value>> = list.iter().map(bundle_values).collect();
    insert_rows(tx, "service_bundles", &BUNDLE_WRITTEN, "", &rows).await
}
