//! 审计 — writing one audit event in the transaction of the change it records; reading the
//! trail; proving its hash chain unbroken.

use chrono::{DateTime, Utc};
use kfq_core::audit::AuditEvent;
use kfq_store::Tx;
use serde::Serialize;

use crate::{Actor, AppError};

pub async fn append(
    tx: &mut Tx,
    actor: &Actor,
    action: &str,
    object_type: &str,
    object_id: &str,
    before: Option<String>,
    after: Option<String>,
) -> Result<(), AppError> {
    let event = AuditEvent {
        at: Utc::now(),
        actor: actor.username.clone(),
        action: action.into(),
        object_type: object_type.into(),
        object_id: object_id.into(),
        before,
        after,
        ip: actor.ip.clone(),
    };
    kfq_store::append_audit(tx, &[event]).await?;
    Ok(())
}

/// A project as the audit trail records it: every field, with the version it is at.
pub fn project_json(p: &kfq_core::project::Project) -> String {
    serde_json::json!({
        "code": p.code, "name": p.name, "zone_id": p.zone_id, "enterprise_id": p.enterprise_id,
        "chain": p.chain, "strategic_emerging": p.strategic_emerging, "category": p.category,
        "total_investment_wan": p.total_investment, "expected_output_wan": p.expected_output,
        "land_area_mu": p.land_area, "signed_on": p.dates.signed_on, "landed_on": p.dates.landed_on,
        "started_on": p.dates.started_on, "producing_on": p.dates.producing_on,
        "reached_on": p.dates.reached_on, "terminated_on": p.terminated_on, "version": p.version,
    })
    .to_string()
}

/// One entry of the trail as `kfq audit` and `GET /api/v1/audit` give it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Entry {
    pub id: i64,
    pub at: DateTime<Utc>,
    pub user: String,
    pub ip: Option<String>,
    pub action: String,
    pub object_type: String,
    pub object_id: String,
    pub before: Option<serde_json::Value>,
    pub after: Option<serde_json::Value>,
}

/// The trail, newest first: the entries `query` matches, at most `limit`.
pub async fn list(
    db: &kfq_store::Db,
    actor: &Actor,
    query: &kfq_store::AuditQuery,
    limit: i64,
) -> Result<Vec<Entry>, AppError> {
    actor.must(kfq_core::access::Action::ReadAudit)?;
    let json = |t: Option<String>| {
        t.map(|t| serde_json::from_str(&t).unwrap_or(serde_json::Value::String(t)))
    };
    Ok(kfq_store::audit_search(db, query, limit.clamp(1, 10_000))
        .await?
        .into_iter()
        .map(|(id, e)| Entry {
            id,
            at: e.at,
            user: e.actor,
            ip: e.ip,
            action: e.action,
            object_type: e.object_type,
            object_id: e.object_id,
            before: json(e.before),
            after: json(e.after),
        })
        .collect())
}

/// Walks the whole trail and checks every entry's hash against the one before.
pub async fn verify(
    db: &kfq_store::Db,
    actor: &Actor,
) -> Result<kfq_core::audit::ChainCheck, AppError> {
    actor.must(kfq_core::access::Action::ReadAudit)?;
    let anchor = kfq_store::audit_anchor(db).await?;
    Ok(kfq_core::audit::verify_chain(
        kfq_store::audit_trail(db).await?,
        anchor.as_ref().map(|a| a.hash.as_str()),
    ))
}

/// The shortest retention 等保 2.0 level 3 allows: six months.
pub const MIN_RETENTION_MONTHS: u32 = 6;

/// 日志保留 — removes the entries older than the retention (never younger than six months:
/// the database refuses that too), and records that it did, with how many and up to when.
/// Only the operator on the server runs it (`kfq audit prune`).
pub async fn prune(
    db: &kfq_store::Db,
    actor: &Actor,
    months: u32,
    now: DateTime<Utc>,
) -> Result<u64, AppError> {
    if actor.role != kfq_core::access::Role::Operator {
        return Err(AppError::Forbidden);
    }
    let months = months.max(MIN_RETENTION_MONTHS);
    let cutoff = now
        .checked_sub_months(chrono::Months::new(months))
        .ok_or(AppError::Internal)?;
    let mut tx = db.begin().await?;
    let removed = kfq_store::prune_audit(&mut tx, cutoff, now).await?;
    if removed > 0 {
        let after = serde_json::json!({ "removed": removed, "before": cutoff, "months": months });
        append(
            &mut tx,
            actor,
            "prune",
            "audit",
            "audit_events",
            None,
            Some(after.to_string()),
        )
        .await?;
    }
    tx.commit_outside_ledger().await?;
    Ok(removed)
}

/// A search of the trail from what a user typed: `since` and `until` as dates (`until` to the
/// end of its day) or RFC 3339 times; empty texts match everything.
pub fn query(
    since: Option<&str>,
    until: Option<&str>,
    user: Option<String>,
    action: Option<String>,
    object: Option<String>,
) -> Result<kfq_store::AuditQuery, AppError> {
    let until = match given(until) {
        None => None,
        Some(text) => Some(match DateTime::parse_from_rfc3339(text) {
            Ok(t) => t.with_timezone(&Utc),
            Err(_) => {
                let day = crate::reports::parse_date("until", text)?;
                (day + chrono::Days::new(1))
                    .and_time(chrono::NaiveTime::MIN)
                    .and_utc()
                    - chrono::Duration::nanoseconds(1)
            }
        }),
    };
    for (name, text) in [("user", &user), ("action", &action), ("object", &object)] {
        if let Some(text) = text.as_ref().filter(|t| t.contains('\0')) {
            return Err(AppError::BadArgument {
                name,
                value: text.replace('\0', "\\0"),
                expected: crate::Expected::NoNul,
            });
        }
    }
    let keep = |t: Option<String>| t.filter(|t| !t.trim().is_empty());
    Ok(kfq_store::AuditQuery {
        since: given(since).map(parse_since).transpose()?,
        until,
        user: keep(user),
        action: keep(action),
        object: keep(object),
    })
}

fn given(text: Option<&str>) -> Option<&str> {
    text.map(str::trim).filter(|t| !t.is_empty())
}

/// `2025-01-15` (the start of that day, UTC) or an RFC 3339 time, for `since`.
pub fn parse_since(text: &str) -> Result<DateTime<Utc>, AppError> {
    if let Ok(t) = DateTime::parse_from_rfc3339(text.trim()) {
        return Ok(t.with_timezone(&Utc));
    }
    let day = crate::reports::parse_date("since", text)?;
    Ok(day.and_time(chrono::NaiveTime::MIN).and_utc())
}

/// Stores one setting, audited as `setting` with its value before and after, in one
/// transaction.
pub(crate) async fn change_setting(
    db: &kfq_store::Db,
    actor: &Actor,
    key: &str,
    before: String,
    after: String,
) -> Result<(), AppError> {
    let mut tx = db.begin().await?;
    kfq_store::set_settings(
        db,
        &mut tx,
        &[(key.into(), after.clone())],
        Utc::now(),
        &actor.username,
    )
    .await?;
    append(
        &mut tx,
        actor,
        "update",
        "setting",
        key,
        Some(before),
        Some(after),
    )
    .await?;
    tx.commit_outside_ledger().await?;
    Ok(())
}

/// Records that data left kfq: what was exported, by whom, from where, with which filters and
/// how many rows.
pub async fn record_export(
    db: &kfq_store::Db,
    actor: &Actor,
    what: &str,
    detail: serde_json::Value,
) -> Result<(), AppError> {
    let mut tx = db.begin().await?;
    append(
        &mut tx,
        actor,
        "export",
        what,
        &actor.username,
        None,
        Some(detail.to_string()),
    )
    .await?;
    tx.commit_outside_ledger().await?;
    Ok(())
}

/// The entries as a CSV file (the audit page's export).
pub fn csv(entries: &[Entry], lang: kfq_core::Lang) -> Vec<u8> {
    let header = match lang {
        kfq_core::Lang::Zh => [
            "序号",
            "时间",
            "用户",
            "IP",
            "操作",
            "对象类型",
            "对象",
            "修改前",
            "修改后",
        ],
        kfq_core::Lang::En => [
            "id",
            "at",
            "user",
            "ip",
            "action",
            "object_type",
            "object_id",
            "before",
            "after",
        ],
    };
    let text = |v: &Option<serde_json::Value>| v.as_ref().map_or(String::new(), |v| v.to_string());
    crate::export::csv_table(
        &header,
        entries.iter().map(|e| {
            vec![
                e.id.to_string(),
                e.at.to_rfc3339(),
                e.user.clone(),
                e.ip.clone().unwrap_or_default(),
                e.action.clone(),
                e.object_type.clone(),
                e.object_id.clone(),
                text(&e.before),
                text(&e.after),
            ]
        }),
    )
}
