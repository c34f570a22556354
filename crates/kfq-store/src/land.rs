//! 标准地 and 承诺制 storage: zones' standard parcels and the commitments projects' owners filed.
//! Both name their project by id; they are read with its code.

use chrono::NaiveDate;
use kfq_core::commitment::{Coded, Commitment, CommitmentResult};
use kfq_core::land::{PlotRatio, StandardParcel};
use kfq_core::money::Amount;
use kfq_core::project::LandArea;

use crate::bulk::{insert_rows, insert_versioned, save_versioned, Value};
use crate::{on_db, on_tx, Db, StoreError, Tx};

type ParcelRow = (
    i64,
    i64,
    String,
    String,
    i64,
    Option<i64>,
    Option<i64>,
    Option<i64>,
    Option<i64>,
    Option<i64>,
    Option<NaiveDate>,
    String,
    i64,
    Option<String>,
);

const PARCEL_SELECT: &str = "SELECT l.id, l.zone_id, l.code, l.location, l.area_hundredths, \
     l.intensity_yuan, l.output_yuan, l.tax_yuan, l.plot_ratio_hundredths, l.project_id, \
     l.allocated_on, l.note, l.version, p.code FROM land_parcels l \
     LEFT JOIN projects p ON p.id = l.project_id";

fn parcel(r: ParcelRow) -> StandardParcel {
    let (
        id,
        zone_id,
        code,
        location,
        area,
        intensity,
        output,
        tax,
        ratio,
        project_id,
        on,
        note,
        version,
        project_code,
    ) = r;
    StandardParcel {
        id,
        zone_id,
        code,
        location,
        area: LandArea::from_hundredths(area),
        intensity: intensity.map(Amount::from_yuan),
        output: output.map(Amount::from_yuan),
        tax: tax.map(Amount::from_yuan),
        plot_ratio: ratio.map(PlotRatio::from_hundredths),
        project_id,
        project_code: project_code.unwrap_or_default(),
        allocated_on: on,
        note,
        version,
    }
}

/// Every standard parcel, by zone and code.
pub async fn parcels(db: &Db) -> Result<Vec<StandardParcel>, StoreError> {
    let sql = format!("{PARCEL_SELECT} ORDER BY l.zone_id, l.code, l.id");
    let rows: Vec<ParcelRow> = on_db!(db, pool => sqlx::query_as(&sql).fetch_all(pool).await)?;
    Ok(rows.into_iter().map(parcel).collect())
}

/// A standard parcel by id.
pub async fn parcel_by_id(db: &Db, id: i64) -> Result<Option<StandardParcel>, StoreError> {
    let sql = format!("{PARCEL_SELECT} WHERE l.id = $1");
    let row: Option<ParcelRow> =
        on_db!(db, pool => sqlx::query_as(&sql).bind(id).fetch_optional(pool).await)?;
    Ok(row.map(parcel))
}

/// A standard parcel as stored now, inside a transaction.
pub async fn parcel_in(tx: &mut Tx, id: i64) -> Result<Option<StandardParcel>, StoreError> {
    let sql = format!("{PARCEL_SELECT} WHERE l.id = $1");
    let row: Option<ParcelRow> =
        on_tx!(tx, conn => sqlx::query_as(&sql).bind(id).fetch_optional(conn).await)?;
    Ok(row.map(parcel))
}

const PARCEL_WRITTEN: [&str; 11] = [
    "zone_id",
    "code",
    "location",
    "area_hundredths",
    "intensity_yuan",
    "output_yuan",
    "tax_yuan",
    "plot_ratio_hundredths",
    "project_id",
    "allocated_on",
    "note",
];

fn parcel_values(p: &StandardParcel) -> Vec<Value> {
    let yuan = |a: Option<Amount>| Value::Int(a.map(Amount::yuan));
    vec![
        Value::Int(Some(p.zone_id)),
        Value::Text(Some(p.code.clone())),
        Value::Text(Some(p.location.clone())),
        Value::Int(Some(p.area.hundredths())),
        yuan(p.intensity),
        yuan(p.output),
        yuan(p.tax),
        Value::Int(p.plot_ratio.map(PlotRatio::hundredths)),
        Value::Int(p.project_id),
        Value::Date(p.allocated_on),
        Value::Text(Some(p.note.clone())),
    ]
}

/// Adds a standard parcel; its id.
pub async fn insert_parcel(tx: &mut Tx, p: &StandardParcel) -> Result<i64, StoreError> {
    insert_versioned(tx, "land_parcels", &PARCEL_WRITTEN, parcel_values(p)).await
}

/// Saves a changed parcel if it is still at the version it was read at.
pub async fn save_parcel(tx: &mut Tx, p: &StandardParcel) -> Result<(), StoreError> {
    save_versioned(
        tx,
        "land_parcels",
        &PARCEL_WRITTEN,
        parcel_values(p),
        p.id,
        p.version,
    )
    .await
}

/// Adds many parcels at once (the demo).
pub async fn insert_parcels(tx: &mut Tx, list: &[StandardParcel]) -> Result<(), StoreError> {
    let rows: Vec<Vec<Value>> = list.iter().map(parcel_values).collect();
    insert_rows(tx, "land_parcels", &PARCEL_WRITTEN, "", &rows).await
}

type CommitmentRow = (
    i64,
    i64,
    i64,
    String,
    String,
    NaiveDate,
    Option<NaiveDate>,
    Option<NaiveDate>,
    String,
    String,
    i64,
    String,
);

/// A commitment belongs to its project's zone, wherever the project moves.
const COMMITMENT_SELECT: &str = "SELECT c.id, p.zone_id, c.project_id, c.item, c.content, \
     c.filed_on, c.due_on, c.verified_on, c.result, c.note, c.version, p.code FROM commitments c \
     JOIN projects p ON p.id = c.project_id";

fn commitment(r: CommitmentRow) -> Result<Commitment, StoreError> {
    let (
        id,
        zone_id,
        project_id,
        item,
        content,
        filed_on,
        due_on,
        verified_on,
        result,
        note,
        version,
        code,
    ) = r;
    Ok(Commitment {
        result: CommitmentResult::parse(&result)
            .ok_or_else(|| StoreError::Corrupt(format!("commitment {id}: result")))?,
        id,
        zone_id,
        project_id,
        project_code: code,
        item,
        content,
        filed_on,
        due_on,
        verified_on,
        note,
        version,
    })
}

/// Every commitment, by zone, project and item.
pub async fn commitments(db: &Db) -> Result<Vec<Commitment>, StoreError> {
    let sql = format!("{COMMITMENT_SELECT} ORDER BY p.zone_id, p.code, c.item, c.id");
    let rows: Vec<CommitmentRow> = on_db!(db, pool => sqlx::query_as(&sql).fetch_all(pool).await)?;
    rows.into_iter().map(commitment).collect()
}

/// A commitment by id.
pub async fn commitment_by_id(db: &Db, id: i64) -> Result<Option<Commitment>, StoreError> {
    let sql = format!("{COMMITMENT_SELECT} WHERE c.id = $1");
    let row: Option<CommitmentRow> =
        on_db!(db, pool => sqlx::query_as(&sql).bind(id).fetch_optional(pool).await)?;
    row.map(commitment).transpose()
}

/// A commitment as stored now, inside a transaction.
pub async fn commitment_in(tx: &mut Tx, id: i64) -> Result<Option<Commitment>, StoreError> {
    let sql = format!("{COMMITMENT_SELECT} WHERE c.id = $1");
    let row: Option<CommitmentRow> =
        on_tx!(tx, conn => sqlx::query_as(&sql).bind(id).fetch_optional(conn).await)?;
    row.map(commitment).transpose()
}

const COMMITMENT_WRITTEN: [&str; 9] = [
    "zone_id",
    "project_id",
    "item",
    "content",
    "filed_on",
    "due_on",
    "verified_on",
    "result",
    "note",
];

fn commitment_values(c: &Commitment) -> Vec<Value> {
    vec![
        Value::Int(Some(c.zone_id)),
        Value::Int(Some(c.project_id)),
        Value::Text(Some(c.item.clone())),
        Value::Text(Some(c.content.clone())),
        Value::Date(Some(c.filed_on)),
        Value::Date(c.due_on),
        Value::Date(c.verified_on),
        Value::Text(Some(c.result.code().into())),
        Value::Text(Some(c.note.clone())),
    ]
}

/// Adds a commitment; its id.
pub async fn insert_commitment(tx: &mut Tx, c: &Commitment) -> Result<i64, StoreError> {
    insert_versioned(tx, "commitments", &COMMITMENT_WRITTEN, commitment_values(c)).await
}

/// Saves a changed commitment if it is still at the version it was read at.
pub async fn save_commitment(tx: &mut Tx, c: &Commitment) -> Result<(), StoreError> {
    save_versioned(
        tx,
        "commitments",
        &COMMITMENT_WRITTEN,
        commitment_values(c),
        c.id,
        c.version,
    )
    .await
}

/// Adds many commitments at once (the demo).
pub async fn insert_commitments(tx: &mut Tx, list: &[Commitment]) -> Result<(), StoreError> {
    let rows: Vec<Vec<Value>> = list.iter().map(commitment_values).collect();
    insert_rows(tx, "commitments", &COMMITMENT_WRITTEN, "", &rows).await
}
