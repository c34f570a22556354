//! 招商活动 storage: zones' liaison offices, promotion events and attraction trips.

use chrono::NaiveDate;
use kfq_core::activity::{Activity, ActivityKind, Coded};

use crate::bulk::{insert_rows_returning, insert_versioned, save_versioned, Value};
use crate::{on_db, on_tx, Db, StoreError, Tx};

type Row = (
    i64,
    i64,
    String,
    String,
    String,
    NaiveDate,
    Option<NaiveDate>,
    String,
    String,
    String,
    String,
    i64,
);

const COLUMNS: &str =
    "id, zone_id, kind, name, place, started_on, ended_on, leader, people, met, note, version";

fn from_row(r: Row) -> Result<Activity, StoreError> {
    let (id, zone_id, kind, name, place, started_on, ended_on, leader, people, met, note, version) =
        r;
    Ok(Activity {
        kind: ActivityKind::parse(&kind)
            .ok_or_else(|| StoreError::Corrupt(format!("activity {id}: kind")))?,
        id,
        zone_id,
        name,
        place,
        started_on,
        ended_on,
        leader,
        people,
        met,
        note,
        version,
    })
}

/// Every stored activity, the latest first.
pub async fn activities(db: &Db) -> Result<Vec<Activity>, StoreError> {
    let sql = format!("SELECT {COLUMNS} FROM activities ORDER BY started_on DESC, id DESC");
    let rows: Vec<Row> = on_db!(db, pool => sqlx::query_as(&sql).fetch_all(pool).await)?;
    rows.into_iter().map(from_row).collect()
}

/// An activity by id.
pub async fn activity(db: &Db, id: i64) -> Result<Option<Activity>, StoreError> {
    let sql = format!("SELECT {COLUMNS} FROM activities WHERE id = $1");
    let row: Option<Row> =
        on_db!(db, pool => sqlx::query_as(&sql).bind(id).fetch_optional(pool).await)?;
    row.map(from_row).transpose()
}

/// An activity as stored now, inside a transaction.
pub async fn activity_in(tx: &mut Tx, id: i64) -> Result<Option<Activity>, StoreError> {
    let sql = format!("SELECT {COLUMNS} FROM activities WHERE id = $1");
    let row: Option<Row> =
        on_tx!(tx, conn => sqlx::query_as(&sql).bind(id).fetch_optional(conn).await)?;
    row.map(from_row).transpose()
}

const WRITTEN: [&str; 10] = [
    "zone_id",
    "kind",
    "name",
    "place",
    "started_on",
    "ended_on",
    "leader",
    "people",
    "met",
    "note",
];

fn values(a: &Activity) -> Vec<Value> {
    vec![
        Value::Int(Some(a.zone_id)),
        Value::Text(Some(a.kind.code().into())),
        Value::Text(Some(a.name.clone())),
        Value::Text(Some(a.place.clone())),
        Value::Date(Some(a.started_on)),
        Value::Date(a.ended_on),
        Value::Text(Some(a.leader.clone())),
        Value::Text(Some(a.people.clone())),
        Value::Text(Some(a.met.clone())),
        Value::Text(Some(a.note.clone())),
    ]
}

/// Adds an activity; its id.
pub async fn insert_activity(tx: &mut Tx, a: &Activity) -> Result<i64, StoreError> {
    insert_versioned(tx, "activities", &WRITTEN, values(a)).await
}

/// Saves a changed activity if it is still at the version it was read at; its version goes up
/// by one. [`StoreError::Conflict`] when someone saved first.
pub async fn save_activity(tx: &mut Tx, a: &Activity) -> Result<(), StoreError> {
    save_versioned(tx, "activities", &WRITTEN, values(a), a.id, a.version).await
}

/// Adds many activities at once (the demo): each one's id by `{zone_id}|{name}`.
pub async fn insert_activities(
    tx: &mut Tx,
    list: &[Activity],
) -> Result<std::collections::HashMap<String, i64>, StoreError> {
    let rows: Vec<Vec<Value>> = list.iter().map(values).collect();
    let key = "CAST(zone_id AS TEXT) || '|' || name";
    let ids = insert_rows_returning(tx, "activities", &WRITTEN, key, &rows).await?;
    Ok(ids.into_iter().map(|(id, key)| (key, id)).collect())
}
