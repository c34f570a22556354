//! Writing the ledger: every function takes the transaction the whole change runs in.

use kfq_core::audit::AuditEvent;
use kfq_core::blocker::{Blocker, Coded};
use kfq_core::enterprise::Enterprise;
use kfq_core::monthly::MonthlyReport;
use kfq_core::project::Project;
use kfq_core::round::{BatchEntry, Round};
use kfq_core::zone::Zone;

use std::collections::HashMap;

use crate::bulk::{bind_all, insert_rows, insert_rows_returning, Value};
use crate::{on_tx, StoreError, Tx};

pub async fn insert_zone(tx: &mut Tx, zone: &Zone) -> Result<i64, StoreError> {
    const SQL: &str =
        "INSERT INTO zones (name, city, level, kind) VALUES ($1, $2, $3, $4) RETURNING id";
    Ok(on_tx!(tx, conn => sqlx::query_scalar(SQL)
        .bind(&zone.name)
        .bind(zone.city.to_string())
        .bind(zone.level.code())
        .bind(zone.kind.code())
        .fetch_one(conn)
        .await)?)
}

pub async fn update_zone(tx: &mut Tx, zone: &Zone) -> Result<(), StoreError> {
    const SQL: &str = "UPDATE zones SET name = $1, city = $2, level = $3, kind = $4 WHERE id = $5";
    on_tx!(tx, conn => sqlx::query(SQL)
        .bind(&zone.name)
        .bind(zone.city.to_string())
        .bind(zone.level.code())
        .bind(zone.kind.code())
        .bind(zone.id)
        .execute(conn)
        .await.map(|r| r.rows_affected()))?;
    Ok(())
}

pub async fn insert_enterprise(tx: &mut Tx, e: &Enterprise) -> Result<i64, StoreError> {
    const SQL: &str =
        "INSERT INTO enterprises (name, credit_code, chain_leader) VALUES ($1, $2, $3) RETURNING id";
    Ok(on_tx!(tx, conn => sqlx::query_scalar(SQL)
        .bind(&e.name)
        .bind(e.credit_code.as_ref().map(|c| c.to_string()))
        .bind(e.chain_leader)
        .fetch_one(conn)
        .await)?)
}

/// Inserts new enterprises and returns their ids by [`enterprise_key`].
pub async fn insert_enterprises(
    tx: &mut Tx,
    list: &[Enterprise],
) -> Result<HashMap<String, i64>, StoreError> {
    let rows: Vec<Vec<Value>> = list
        .iter()
        .map(|e| {
            vec![
                Value::Text(Some(e.name.clone())),
                Value::Text(e.credit_code.as_ref().map(|c| c.to_string())),
                Value::Bool(e.chain_leader),
            ]
        })
        .collect();
    let keys = insert_rows_returning(
        tx,
        "enterprises",
        &["name", "credit_code", "chain_leader"],
        "COALESCE(credit_code, '') || '|' || name",
        &rows,
    )
    .await?;
    Ok(keys.into_iter().map(|(id, key)| (key, id)).collect())
}

/// How [`insert_enterprises`] names an enterprise: its credit code (or nothing), `|`, its name.
pub fn enterprise_key(e: &Enterprise) -> String {
    format!(
        "{}|{}",
        e.credit_code.as_ref().map_or("", |c| c.as_str()),
        e.name
    )
}

pub async fn update_enterprise(tx: &mut Tx, e: &Enterprise) -> Result<(), StoreError> {
    const SQL: &str =
        "UPDATE enterprises SET name = $1, credit_code = $2, chain_leader = $3 WHERE id = $4";
    on_tx!(tx, conn => sqlx::query(SQL)
        .bind(&e.name)
        .bind(e.credit_code.as_ref().map(|c| c.to_string()))
        .bind(e.chain_leader)
        .bind(e.id)
        .execute(conn)
        .await.map(|r| r.rows_affected()))?;
    Ok(())
}

fn project_values(p: &Project) -> Vec<Value> {
    vec![
        Value::Text(Some(p.code.to_string())),
        Value::Text(Some(p.name.clone())),
        Value::Int(Some(p.zone_id)),
        Value::Int(p.enterprise_id),
        Value::Text(Some(p.chain.clone())),
        Value::Bool(p.strategic_emerging),
        Value::Text(Some(p.category.code().into())),
        Value::Int(Some(p.total_investment.yuan())),
        Value::Int(p.expected_output.map(|a| a.yuan())),
        Value::Int(p.land_area.map(|a| a.hundredths())),
        Value::Date(p.dates.signed_on),
        Value::Date(p.dates.landed_on),
        Value::Date(p.dates.started_on),
        Value::Date(p.dates.producing_on),
        Value::Date(p.dates.reached_on),
        Value::Date(p.terminated_on),
    ]
}

const PROJECT_FIELDS: [&str; 16] = [
    "code",
    "name",
    "zone_id",
    "enterprise_id",
    "chain",
    "strategic_emerging",
    "category",
    "total_investment_yuan",
    "expected_output_yuan",
    "land_area_centimu",
    "signed_on",
    "landed_on",
    "started_on",
    "producing_on",
    "reached_on",
    "terminated_on",
];

/// Binds `values` to `$1…` of `sql` and runs it, returning the single integer it yields.
async fn run_returning_id(tx: &mut Tx, sql: &str, values: &[Value]) -> Result<i64, StoreError> {
    on_tx!(tx, conn => {
        let q = bind_all!(sqlx::query_scalar(sql), values);
        q.fetch_optional(conn).await
    })?
    .ok_or(StoreError::Conflict)
}

pub async fn insert_project(tx: &mut Tx, p: &Project) -> Result<i64, StoreError> {
    let placeholders: Vec<String> = (1..=PROJECT_FIELDS.len())
        .map(|i| format!("${i}"))
        .collect();
    let sql = format!(
        "INSERT INTO projects ({}) VALUES ({}) RETURNING id",
        PROJECT_FIELDS.join(", "),
        placeholders.join(", ")
    );
    run_returning_id(tx, &sql, &project_values(p)).await
}

/// Inserts new projects and returns their ids by code.
pub async fn insert_projects(
    tx: &mut Tx,
    list: &[Project],
) -> Result<HashMap<String, i64>, StoreError> {
    let rows: Vec<Vec<Value>> = list.iter().map(project_values).collect();
    let keys = insert_rows_returning(tx, "projects", &PROJECT_FIELDS, "code", &rows).await?;
    Ok(keys.into_iter().map(|(id, code)| (code, id)).collect())
}

/// Saves a changed project if it is still at `p.version`, and returns its new version.
/// A project changed meanwhile by someone else is refused with [`StoreError::Conflict`].
pub async fn update_project(tx: &mut Tx, p: &Project) -> Result<i64, StoreError> {
    let sets: Vec<String> = PROJECT_FIELDS
        .iter()
        .enumerate()
        .map(|(i, f)| format!("{f} = ${}", i + 1))
        .collect();
    let n = PROJECT_FIELDS.len();
    let sql = format!(
        "UPDATE projects SET {}, version = version + 1 WHERE id = ${} AND version = ${} RETURNING version",
        sets.join(", "),
        n + 1,
        n + 2
    );
    let mut values = project_values(p);
    values.push(Value::Int(Some(p.id)));
    values.push(Value::Int(Some(p.version)));
    run_returning_id(tx, &sql, &values).await
}

pub async fn upsert_round(tx: &mut Tx, r: &Round) -> Result<(), StoreError> {
    const SQL: &str =
        "INSERT INTO rounds (year, seq, held_on, venue, locked) VALUES ($1, $2, $3, $4, $5) \
        ON CONFLICT (year, seq) DO UPDATE SET held_on = excluded.held_on, venue = excluded.venue, \
        locked = excluded.locked";
    on_tx!(tx, conn => sqlx::query(SQL)
        .bind(i64::from(r.id.year))
        .bind(i64::from(r.id.seq))
        .bind(r.held_on)
        .bind(&r.venue)
        .bind(r.locked)
        .execute(conn)
        .await.map(|r| r.rows_affected()))?;
    Ok(())
}

/// Adds batch entries, replacing the figures of entries already there.
pub async fn upsert_entries(tx: &mut Tx, entries: &[BatchEntry]) -> Result<(), StoreError> {
    let rows: Vec<Vec<Value>> = entries
        .iter()
        .map(|e| {
            vec![
                Value::Int(Some(i64::from(e.round.year))),
                Value::Int(Some(i64::from(e.round.seq))),
                Value::Text(Some(e.batch.code().into())),
                Value::Int(Some(e.project_id)),
                Value::Int(Some(e.zone_id)),
                Value::Int(Some(e.amount.yuan())),
                Value::Int(e.expected_output.map(|a| a.yuan())),
                Value::Bool(e.strategic_emerging),
                Value::Text(Some(e.category.code().into())),
            ]
        })
        .collect();
    insert_rows(
        tx,
        "batch_entries",
        &[
            "round_year",
            "round_seq",
            "batch",
            "project_id",
            "zone_id",
            "amount_yuan",
            "expected_output_yuan",
            "strategic_emerging",
            "category",
        ],
        "ON CONFLICT (round_year, round_seq, batch, project_id) DO UPDATE SET \
         zone_id = excluded.zone_id, amount_yuan = excluded.amount_yuan, \
         expected_output_yuan = excluded.expected_output_yuan, \
         strategic_emerging = excluded.strategic_emerging, category = excluded.category",
        &rows,
    )
    .await
}

pub async fn upsert_monthly_reports(
    tx: &mut Tx,
    reports: &[MonthlyReport],
) -> Result<(), StoreError> {
    let rows: Vec<Vec<Value>> = reports
        .iter()
        .map(|r| {
            vec![
                Value::Int(Some(r.project_id)),
                Value::Int(Some(r.month.key())),
                Value::Int(Some(r.invested.yuan())),
            ]
        })
        .collect();
    insert_rows(
        tx,
        "monthly_reports",
        &["project_id", "month", "invested_yuan"],
        "ON CONFLICT (project_id, month) DO UPDATE SET invested_yuan = excluded.invested_yuan",
        &rows,
    )
    .await
}

/// Adds blockers; one with the same project and description is updated in place.
pub async fn upsert_blockers(tx: &mut Tx, blockers: &[Blocker]) -> Result<(), StoreError> {
    let rows: Vec<Vec<Value>> = blockers
        .iter()
        .map(|b| {
            vec![
                Value::Int(Some(b.project_id)),
                Value::Text(Some(b.description.clone())),
                Value::Text(Some(b.owner_unit.clone())),
                Value::Text(Some(b.owner.clone())),
                Value::Date(b.due_on),
                Value::Date(b.resolved_on),
                Value::Text(Some(b.status.code().into())),
                Value::Text(Some(b.category.code().into())),
                Value::Date(b.raised_on),
            ]
        })
        .collect();
    insert_rows(
        tx,
        "blockers",
        &[
            "project_id",
            "description",
            "owner_unit",
            "owner",
            "due_on",
            "resolved_on",
            "status",
            "category",
            "raised_on",
        ],
        // A ledger that gives a day of resolution resolves the blocker; one that takes it away
        // reopens it. A stored blocker keeps its category, level and notes (the template has no
        // columns for them); a new one takes the category the import guessed.
        "ON CONFLICT (project_id, description) DO UPDATE SET owner_unit = excluded.owner_unit, \
         owner = excluded.owner, due_on = excluded.due_on, resolved_on = excluded.resolved_on, \
         status = CASE WHEN excluded.resolved_on IS NOT NULL THEN 'resolved' \
                       WHEN blockers.status = 'resolved' THEN 'open' ELSE blockers.status END, \
         version = blockers.version + 1",
        &rows,
    )
    .await
}

/// The hash function the audit chain uses for new entries (`KFQ_AUDIT_HASH`: `sm3`, the
/// default, or `sha256`).
pub fn audit_hash() -> kfq_core::audit::ChainHash {
    static HASH: std::sync::OnceLock<kfq_core::audit::ChainHash> = std::sync::OnceLock::new();
    *HASH.get_or_init(|| {
        std::env::var("KFQ_AUDIT_HASH")
            .ok()
            .and_then(|v| kfq_core::audit::ChainHash::parse(&v))
            .unwrap_or_default()
    })
}

/// Appends to the audit trail, in the same transaction as the change it records, each entry
/// chained by hash to the one before. Appends are serialised (SQLite's writer lock; on
/// PostgreSQL a transaction-scoped advisory lock), so the chain never forks.
pub async fn append_audit(tx: &mut Tx, events: &[AuditEvent]) -> Result<(), StoreError> {
    if events.is_empty() {
        return Ok(());
    }
    if let Tx::Postgres(t) = tx {
        sqlx::query("SELECT pg_advisory_xact_lock(7306513)")
            .execute(&mut **t)
            .await?;
    }
    const LAST: &str =
        "SELECT hash FROM audit_events WHERE hash IS NOT NULL ORDER BY id DESC LIMIT 1";
    let last: Option<String> =
        on_tx!(tx, conn => sqlx::query_scalar(LAST).fetch_optional(conn).await)?;
    let mut previous = match last {
        Some(hash) => hash,
        None => audit_anchor_in(tx)
            .await?
            .map(|a| a.hash)
            .unwrap_or_default(),
    };
    let algorithm = audit_hash();
    let rows: Vec<Vec<Value>> = events
        .iter()
        .map(|e| {
            let e = AuditEvent {
                at: AuditEvent::stored_at(e.at),
                ..e.clone()
            };
            let hash = kfq_core::audit::chain_hash(algorithm, &previous, &e);
            previous = hash.clone();
            vec![
                Value::Time(e.at),
                Value::Text(Some(e.actor)),
                Value::Text(Some(e.action)),
                Value::Text(Some(e.object_type)),
                Value::Text(Some(e.object_id)),
                Value::Text(e.before),
                Value::Text(e.after),
                Value::Text(e.ip),
                Value::Text(Some(hash)),
            ]
        })
        .collect();
    insert_rows(
        tx,
        "audit_events",
        &[
            "at",
            "actor",
            "action",
            "object_type",
            "object_id",
            "before",
            "after",
            "ip",
            "hash",
        ],
        "",
        &rows,
    )
    .await
}

/// Where the audit chain starts after retention removed its oldest entries.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct AuditAnchor {
    /// The hash of the last entry removed: the first remaining entry's hash covers it.
    pub hash: String,
    /// The id of that entry.
    pub through_id: i64,
    /// How many entries retention has removed in all.
    pub removed: i64,
    pub at: chrono::DateTime<chrono::Utc>,
}

const ANCHOR: &str = "SELECT hash, through_id, removed, at FROM audit_anchor WHERE id = 1";

async fn audit_anchor_in(tx: &mut Tx) -> Result<Option<AuditAnchor>, StoreError> {
    Ok(on_tx!(tx, conn => sqlx::query_as(ANCHOR).fetch_optional(conn).await)?)
}

/// The anchor of the audit chain, if retention has removed entries.
pub async fn audit_anchor(db: &crate::Db) -> Result<Option<AuditAnchor>, StoreError> {
    Ok(crate::on_db!(db, pool => sqlx::query_as(ANCHOR).fetch_optional(pool).await)?)
}

/// 日志保留 — removes the audit entries recorded before `cutoff`, oldest first and without a
/// gap, and moves the chain's anchor to the last one removed. The database itself refuses to
/// remove an entry younger than six months (a trigger), whatever `cutoff` says. Returns how
/// many were removed.
pub async fn prune_audit(
    tx: &mut Tx,
    cutoff: chrono::DateTime<chrono::Utc>,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<u64, StoreError> {
    if let Tx::Postgres(t) = tx {
        sqlx::query("SELECT pg_advisory_xact_lock(7306513)")
            .execute(&mut **t)
            .await?;
    }
    // Removing by id, up to the newest entry before the cutoff, keeps what remains of the
    // chain whole.
    const LAST: &str = "SELECT id, hash FROM audit_events WHERE at < $1 ORDER BY id DESC LIMIT 1";
    let last: Option<(i64, Option<String>)> =
        on_tx!(tx, conn => sqlx::query_as(LAST).bind(cutoff).fetch_optional(conn).await)?;
    let Some((through_id, hash)) = last else {
        return Ok(0);
    };
    const DELETE: &str = "DELETE FROM audit_events WHERE id <= $1";
    let removed = on_tx!(tx, conn => sqlx::query(DELETE).bind(through_id).execute(conn).await.map(|r| r.rows_affected()))?;
    let previous = audit_anchor_in(tx).await?;
    // An entry from before the chain carries no hash: the chain then starts afresh.
    let hash = hash.unwrap_or_default();
    let total = previous.map_or(0, |a| a.removed) + i64::try_from(removed).unwrap_or(i64::MAX);
    const UPSERT: &str = "INSERT INTO audit_anchor (id, hash, through_id, removed, at) \
        VALUES (1, $1, $2, $3, $4) ON CONFLICT (id) DO UPDATE SET hash = excluded.hash, \
        through_id = excluded.through_id, removed = excluded.removed, at = excluded.at";
    on_tx!(tx, conn => sqlx::query(UPSERT).bind(hash).bind(through_id).bind(total).bind(now).execute(conn).await.map(|r| r.rows_affected()))?;
    Ok(removed)
}

/// Adds a blocker made in kfq; its id.
pub async fn insert_blocker(tx: &mut Tx, b: &Blocker) -> Result<i64, StoreError> {
    const SQL: &str = "INSERT INTO blockers (project_id, description, owner_unit, owner, due_on, \
        resolved_on, category, status, level, resolution, raised_on, version) \
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, 1) RETURNING id";
    Ok(on_tx!(tx, conn => sqlx::query_scalar(SQL)
        .bind(b.project_id)
        .bind(&b.description)
        .bind(&b.owner_unit)
        .bind(&b.owner)
        .bind(b.due_on)
        .bind(b.resolved_on)
        .bind(b.category.code())
        .bind(b.status.code())
        .bind(b.level.code())
        .bind(&b.resolution)
        .bind(b.raised_on)
        .fetch_one(conn)
        .await)?)
}

/// Saves a changed blocker if it is still at the version it was read at (`b.version`); its
/// version goes up by one. [`StoreError::Conflict`] when someone saved first.
pub async fn update_blocker(tx: &mut Tx, b: &Blocker) -> Result<(), StoreError> {
    const SQL: &str = "UPDATE blockers SET description = $1, owner_unit = $2, owner = $3, \
        due_on = $4, resolved_on = $5, category = $6, status = $7, level = $8, resolution = $9, \
        version = version + 1 WHERE id = $10 AND version = $11";
    let changed = on_tx!(tx, conn => sqlx::query(SQL)
        .bind(&b.description)
        .bind(&b.owner_unit)
        .bind(&b.owner)
        .bind(b.due_on)
        .bind(b.resolved_on)
        .bind(b.category.code())
        .bind(b.status.code())
        .bind(b.level.code())
        .bind(&b.resolution)
        .bind(b.id)
        .bind(b.version)
        .execute(conn)
        .await
        .map(|r| r.rows_affected()))?;
    if changed == 1 {
        Ok(())
    } else {
        Err(StoreError::Conflict)
    }
}

/// Adds a progress note to a blocker.
pub async fn insert_blocker_note(
    tx: &mut Tx,
    blocker_id: i64,
    at: chrono::DateTime<chrono::Utc>,
    author: &str,
    note: &str,
) -> Result<(), StoreError> {
    const SQL: &str =
        "INSERT INTO blocker_notes (blocker_id, at, author, note) VALUES ($1, $2, $3, $4)";
    on_tx!(tx, conn => sqlx::query(SQL).bind(blocker_id).bind(at).bind(author).bind(note).execute(conn).await.map(|r| r.rows_affected()))?;
    Ok(())
}

/// Sets the day blockers were raised (the demo dates its ledger's blockers this way).
pub async fn set_blockers_raised_on(
    tx: &mut Tx,
    days: &[(i64, chrono::NaiveDate)],
) -> Result<(), StoreError> {
    for (id, day) in days {
        on_tx!(tx, conn => sqlx::query("UPDATE blockers SET raised_on = $1 WHERE id = $2")
            .bind(day).bind(id).execute(conn).await.map(|r| r.rows_affected()))?;
    }
    Ok(())
}
