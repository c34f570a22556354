//! 招商线索 storage: zones' leads and their logs of contacts and visits.

use chrono::{DateTime, NaiveDate, Utc};
use kfq_core::lead::{Coded, Lead, LeadSource, LeadStatus, VisitKind};
use kfq_core::money::Amount;

use crate::bulk::{insert_rows, insert_rows_returning, insert_versioned, save_versioned, Value};
use crate::{on_db, on_tx, Db, StoreError, Tx};

#[derive(sqlx::FromRow)]
struct Row {
    id: i64,
    zone_id: i64,
    name: String,
    source: String,
    chain: String,
    investor: String,
    expected_investment_yuan: Option<i64>,
    contact: String,
    owner: String,
    status: String,
    registered_on: NaiveDate,
    signed_on: Option<NaiveDate>,
    dropped_on: Option<NaiveDate>,
    reason: String,
    project_id: Option<i64>,
    activity_id: Option<i64>,
    version: i64,
}

impl Row {
    fn lead(self) -> Result<Lead, StoreError> {
        let corrupt = |what: &str| StoreError::Corrupt(format!("lead {}: {what}", self.id));
        Ok(Lead {
            source: LeadSource::parse(&self.source).ok_or_else(|| corrupt("source"))?,
            status: LeadStatus::parse(&self.status).ok_or_else(|| corrupt("status"))?,
            id: self.id,
            zone_id: self.zone_id,
            name: self.name,
            chain: self.chain,
            investor: self.investor,
            expected_investment: self.expected_investment_yuan.map(Amount::from_yuan),
            contact: self.contact,
            owner: self.owner,
            registered_on: self.registered_on,
            signed_on: self.signed_on,
            dropped_on: self.dropped_on,
            reason: self.reason,
            project_id: self.project_id,
            activity_id: self.activity_id,
            version: self.version,
        })
    }
}

const COLUMNS: &str = "id, zone_id, name, source, chain, investor, expected_investment_yuan, \
    contact, owner, status, registered_on, signed_on, dropped_on, reason, project_id, \
    activity_id, version";

/// Every stored lead (a region's are picked by zone).
pub async fn leads(db: &Db) -> Result<Vec<Lead>, StoreError> {
    let sql = format!("SELECT {COLUMNS} FROM leads ORDER BY id");
    let rows: Vec<Row> = on_db!(db, pool => sqlx::query_as(&sql).fetch_all(pool).await)?;
    rows.into_iter().map(Row::lead).collect()
}

/// A lead by id.
pub async fn lead(db: &Db, id: i64) -> Result<Option<Lead>, StoreError> {
    let sql = format!("SELECT {COLUMNS} FROM leads WHERE id = $1");
    let row: Option<Row> =
        on_db!(db, pool => sqlx::query_as(&sql).bind(id).fetch_optional(pool).await)?;
    row.map(Row::lead).transpose()
}

/// The lead a project was signed from, if any.
pub async fn lead_of_project(db: &Db, project_id: i64) -> Result<Option<Lead>, StoreError> {
    let sql = format!("SELECT {COLUMNS} FROM leads WHERE project_id = $1");
    let row: Option<Row> =
        on_db!(db, pool => sqlx::query_as(&sql).bind(project_id).fetch_optional(pool).await)?;
    row.map(Row::lead).transpose()
}

/// A lead as stored now, inside a transaction.
pub async fn lead_in(tx: &mut Tx, id: i64) -> Result<Option<Lead>, StoreError> {
    let sql = format!("SELECT {COLUMNS} FROM leads WHERE id = $1");
    let row: Option<Row> =
        on_tx!(tx, conn => sqlx::query_as(&sql).bind(id).fetch_optional(conn).await)?;
    row.map(Row::lead).transpose()
}

fn values(l: &Lead) -> Vec<Value> {
    vec![
        Value::Int(Some(l.zone_id)),
        Value::Text(Some(l.name.clone())),
        Value::Text(Some(l.source.code().into())),
        Value::Text(Some(l.chain.clone())),
        Value::Text(Some(l.investor.clone())),
        Value::Int(l.expected_investment.map(Amount::yuan)),
        Value::Text(Some(l.contact.clone())),
        Value::Text(Some(l.owner.clone())),
        Value::Text(Some(l.status.code().into())),
        Value::Date(Some(l.registered_on)),
        Value::Date(l.signed_on),
        Value::Date(l.dropped_on),
        Value::Text(Some(l.reason.clone())),
        Value::Int(l.project_id),
        Value::Int(l.activity_id),
    ]
}

const WRITTEN: [&str; 15] = [
    "zone_id",
    "name",
    "source",
    "chain",
    "investor",
    "expected_investment_yuan",
    "contact",
    "owner",
    "status",
    "registered_on",
    "signed_on",
    "dropped_on",
    "reason",
    "project_id",
    "activity_id",
];

/// Adds a lead; its id.
pub async fn insert_lead(tx: &mut Tx, l: &Lead) -> Result<i64, StoreError> {
    insert_versioned(tx, "leads", &WRITTEN, values(l)).await
}

/// Saves a changed lead if it is still at the version it was read at (`l.version`); its
/// version goes up by one. [`StoreError::Conflict`] when someone saved first.
pub async fn save_lead(tx: &mut Tx, l: &Lead) -> Result<(), StoreError> {
    save_versioned(tx, "leads", &WRITTEN, values(l), l.id, l.version).await
}

/// Adds many leads at once (the demo): each one's id by `{zone_id}|{name}`.
pub async fn insert_leads(
    tx: &mut Tx,
    list: &[Lead],
) -> Result<std::collections::HashMap<String, i64>, StoreError> {
    let rows: Vec<Vec<Value>> = list.iter().map(values).collect();
    let key = "CAST(zone_id AS TEXT) || '|' || name";
    let ids = insert_rows_returning(tx, "leads", &WRITTEN, key, &rows).await?;
    Ok(ids.into_iter().map(|(id, key)| (key, id)).collect())
}

/// A line of a lead's log of contacts and visits (跟进记录).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Visit {
    pub id: i64,
    pub lead_id: i64,
    pub visited_on: NaiveDate,
    pub kind: VisitKind,
    /// Who took part.
    pub people: String,
    pub note: String,
    /// Who recorded it, and when.
    pub author: String,
    pub at: DateTime<Utc>,
}

type VisitRow = (
    i64,
    i64,
    NaiveDate,
    String,
    String,
    String,
    String,
    DateTime<Utc>,
);

/// A lead's log, oldest first.
pub async fn visits(db: &Db, lead_id: i64) -> Result<Vec<Visit>, StoreError> {
    const SQL: &str = "SELECT id, lead_id, visited_on, kind, people, note, author, at \
        FROM lead_visits WHERE lead_id = $1 ORDER BY visited_on, id";
    let rows: Vec<VisitRow> =
        on_db!(db, pool => sqlx::query_as(SQL).bind(lead_id).fetch_all(pool).await)?;
    rows.into_iter()
        .map(
            |(id, lead_id, visited_on, kind, people, note, author, at)| {
                Ok(Visit {
                    kind: VisitKind::parse(&kind)
                        .ok_or_else(|| StoreError::Corrupt(format!("lead visit {id}: kind")))?,
                    id,
                    lead_id,
                    visited_on,
                    people,
                    note,
                    author,
                    at,
                })
            },
        )
        .collect()
}

fn visit_values(v: &Visit) -> Vec<Value> {
    vec![
        Value::Int(Some(v.lead_id)),
        Value::Date(Some(v.visited_on)),
        Value::Text(Some(v.kind.code().into())),
        Value::Text(Some(v.people.clone())),
        Value::Text(Some(v.note.clone())),
        Value::Text(Some(v.author.clone())),
        Value::Time(v.at),
    ]
}

const VISIT_COLUMNS: [&str; 7] = [
    "lead_id",
    "visited_on",
    "kind",
    "people",
    "note",
    "author",
    "at",
];

/// Adds lines to leads' logs.
pub async fn insert_visits(tx: &mut Tx, list: &[Visit]) -> Result<(), StoreError> {
    let rows: Vec<Vec<Value>> = list.iter().map(visit_values).collect();
    insert_rows(tx, "lead_visits", &VISIT_COLUMNS, "", &rows).await
}
