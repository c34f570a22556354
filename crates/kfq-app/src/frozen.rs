//! 上报口径 — figures as they were reported. The audit trail keeps every project, batch entry
//! and monthly figure as it was after each change, so the ledger can be set back to any moment:
//! the end of a day, or the moment a round was locked. Any report computed on that ledger gives
//! the figures as they were reported then; what changed since is listed project by project —
//! what, who, when.

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, Local, NaiveDate, TimeZone, Utc};
use kfq_core::audit::AuditEvent;
use kfq_core::money::Amount;
use kfq_core::project::{Category, LandArea, Project, ProjectCode};
use kfq_core::round::RoundId;
use kfq_core::stage::StageDates;
use kfq_store::{Db, Snapshot};
use serde::Serialize;
use serde_json::{Map, Value};

use crate::{Actor, AppError, Expected};

/// The moment a report is set back to, and what it was named by.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Moment {
    /// As the user wrote it: `2025-01-15` or `2024-4`.
    pub named: String,
    pub at: DateTime<Utc>,
}

/// Resolves `2025-01-15` (the end of that day, local time) or a round (`2024-4`, the moment it
/// was locked).
pub async fn moment(db: &Db, text: &str) -> Result<Moment, AppError> {
    let text = text.trim();
    if let Ok(day) = NaiveDate::parse_from_str(text, "%Y-%m-%d") {
        let end = day
            .succ_opt()
            .and_then(|d| d.and_hms_opt(0, 0, 0))
            .and_then(|t| Local.from_local_datetime(&t).earliest())
            .map(|t| t.with_timezone(&Utc) - chrono::Duration::microseconds(1));
        return end
            .map(|at| Moment {
                named: text.into(),
                at,
            })
            .ok_or(AppError::BadArgument {
                name: "reported_on",
                value: text.into(),
                expected: Expected::ReportedOn,
            });
    }
    let Ok(round) = RoundId::parse(text) else {
        return Err(AppError::BadArgument {
            name: "reported_on",
            value: text.into(),
            expected: Expected::ReportedOn,
        });
    };
    let locked = kfq_store::rounds(db)
        .await?
        .into_iter()
        .find(|r| r.id == round)
        .ok_or_else(|| AppError::UnknownRound(text.into()))?
        .locked;
    let events = kfq_store::audit_of(db, "round", &round.to_string()).await?;
    // Locked through the web or the CLI, or imported as locked.
    let at = events
        .iter()
        .rev()
        .find(|e| e.action == "lock")
        .or_else(|| {
            events.iter().rev().find(|e| {
                e.after
                    .as_deref()
                    .is_some_and(|a| a.contains("\"locked\":true"))
            })
        })
        .map(|e| e.at)
        .filter(|_| locked);
    at.map(|at| Moment {
        named: round.to_string(),
        at,
    })
    .ok_or(AppError::BadArgument {
        name: "reported_on",
        value: text.into(),
        expected: Expected::LockedRound,
    })
}

/// A project as the audit trail recorded it (see [`crate::audit::project_json`]).
fn project_from(id: i64, json: &Map<String, Value>) -> Option<Project> {
    let text = |k: &str| json.get(k).and_then(Value::as_str);
    let date = |k: &str| text(k).and_then(|t| NaiveDate::parse_from_str(t, "%Y-%m-%d").ok());
    let wan = |k: &str| text(k).and_then(|t| Amount::parse_wan(t).ok());
    Some(Project {
        id,
        code: ProjectCode::parse(text("code")?).ok()?,
        name: text("name")?.to_string(),
        zone_id: json.get("zone_id")?.as_i64()?,
        enterprise_id: json.get("enterprise_id").and_then(Value::as_i64),
        chain: text("chain").unwrap_or_default().to_string(),
        strategic_emerging: json.get("strategic_emerging")?.as_bool()?,
        category: Category::parse(text("category")?)?,
        total_investment: wan("total_investment_wan")?,
        expected_output: wan("expected_output_wan"),
        land_area: text("land_area_mu").and_then(LandArea::parse),
        dates: StageDates {
            signed_on: date("signed_on"),
            landed_on: date("landed_on"),
            started_on: date("started_on"),
            producing_on: date("producing_on"),
            reached_on: date("reached_on"),
        },
        terminated_on: date("terminated_on"),
        version: json.get("version").and_then(Value::as_i64).unwrap_or(0),
    })
}

fn json_of(text: Option<&str>) -> Option<Map<String, Value>> {
    text.and_then(|t| serde_json::from_str(t).ok())
}

/// The last recorded state of each object, by its audit id.
fn last_states(events: Vec<AuditEvent>) -> HashMap<String, AuditEvent> {
    let mut last = HashMap::new();
    for e in events {
        last.insert(e.object_id.clone(), e);
    }
    last
}

/// The ledger as it stood at `at`: projects as last recorded by then, and only the projects,
/// batch entries, monthly figures and blockers recorded by then. Zones, enterprises and rounds
/// are taken as they are now (none of them carries a figure).
pub async fn ledger_at(db: &Db, at: DateTime<Utc>) -> Result<Snapshot, AppError> {
    let now = db.snapshot().await?;
    let mut then = Snapshot::clone(&now);
    let projects = last_states(kfq_store::audit_of_kind(db, "project", None, Some(at)).await?);
    let codes: HashMap<i64, String> = now
        .projects
        .iter()
        .map(|p| (p.id, p.code.to_string()))
        .collect();
    then.projects = now
        .projects
        .iter()
        .filter_map(|p| {
            let e = projects.get(p.code.as_str())?;
            json_of(e.after.as_deref()).and_then(|j| project_from(p.id, &j))
        })
        .collect();
    let entries = last_states(kfq_store::audit_of_kind(db, "batch_entry", None, Some(at)).await?);
    then.entries.retain(|e| {
        codes.get(&e.project_id).is_some_and(|code| {
            entries.contains_key(&format!("{}/{}/{code}", e.round, e.batch.code()))
        })
    });
    for e in &mut then.entries {
        let Some(code) = codes.get(&e.project_id) else {
            continue;
        };
        let recorded = entries
            .get(&format!("{}/{}/{code}", e.round, e.batch.code()))
            .and_then(|r| json_of(r.after.as_deref()));
        if let Some(amount) = recorded
            .as_ref()
            .and_then(|j| j.get("amount_wan"))
            .and_then(Value::as_str)
            .and_then(|t| Amount::parse_wan(t).ok())
        {
            e.amount = amount;
        }
    }
    let monthly =
        last_states(kfq_store::audit_of_kind(db, "monthly_report", None, Some(at)).await?);
    then.monthly = now
        .monthly
        .iter()
        .filter_map(|m| {
            let code = codes.get(&m.project_id)?;
            let e = monthly.get(&format!("{code}/{}", m.month))?;
            let invested = json_of(e.after.as_deref())?
                .get("invested_wan")?
                .as_str()
                .and_then(|t| Amount::parse_wan(t).ok())?;
            Some(kfq_core::monthly::MonthlyReport { invested, ..*m })
        })
        .collect();
    let blockers = last_states(kfq_store::audit_of_kind(db, "blocker", None, Some(at)).await?);
    then.blockers.retain(|b| {
        codes
            .get(&b.project_id)
            .is_some_and(|code| blockers.contains_key(&format!("{code}/{}", b.description)))
    });
    Ok(then)
}

/// A read handle on the ledger as it stood at the moment.
pub async fn reported(db: &Db, moment: &Moment) -> Result<Db, AppError> {
    Ok(db.pinned(ledger_at(db, moment.at).await?))
}

/// One change since the moment: which project, which field, from what to what, who, when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Change {
    pub code: String,
    pub name: String,
    /// `project` for the project's own fields, `monthly_report` for a month's figure,
    /// `batch_entry` for an entry.
    pub object: String,
    pub field: String,
    pub from: String,
    pub to: String,
    pub by: String,
    pub at: DateTime<Utc>,
}

fn shown(v: Option<&Value>) -> String {
    match v {
        None | Some(Value::Null) => String::new(),
        Some(Value::String(s)) => s.clone(),
        Some(other) => other.to_string(),
    }
}

/// What changed after the moment in the projects of a region (the caller's scope when none),
/// project by project, oldest change first.
pub async fn changes_since(
    db: &Db,
    actor: &Actor,
    region: Option<&str>,
    moment: &Moment,
) -> Result<Vec<Change>, AppError> {
    let (_, in_scope) = crate::reports::zones_in_scope(db, actor, region).await?;
    let snapshot = db.snapshot().await?;
    let names: BTreeMap<String, String> = snapshot
        .projects
        .iter()
        .filter(|p| in_scope.contains_key(&p.zone_id))
        .map(|p| (p.code.to_string(), p.name.clone()))
        .collect();
    let mut changes = Vec::new();
    for kind in ["project", "batch_entry", "monthly_report"] {
        for e in kfq_store::audit_of_kind(db, kind, Some(moment.at), None).await? {
            // project: CODE; batch_entry: ROUND/BATCH/CODE; monthly_report: CODE/MONTH.
            let code = match kind {
                "batch_entry" => e.object_id.rsplit('/').next().unwrap_or_default(),
                _ => e.object_id.split('/').next().unwrap_or_default(),
            };
            let Some(name) = names.get(code) else {
                continue;
            };
            let before = json_of(e.before.as_deref()).unwrap_or_default();
            let after = json_of(e.after.as_deref()).unwrap_or_default();
            for (field, value) in &after {
                if field == "version" || before.get(field) == Some(value) {
                    continue;
                }
                if before.is_empty() && value.is_null() {
                    continue;
                }
                changes.push(Change {
                    code: code.to_string(),
                    name: name.clone(),
                    object: kind.to_string(),
                    field: match kind {
                        "project" => field.clone(),
                        _ => format!("{}.{field}", e.object_id),
                    },
                    from: shown(before.get(field)),
                    to: shown(Some(value)),
                    by: e.actor.clone(),
                    at: e.at,
                });
            }
        }
    }
    changes.sort_by(|a, b| (&a.code, a.at).cmp(&(&b.code, b.at)));
    Ok(changes)
}

/// The moment figures were set back to, and what changed since.
pub type Frozen = (Moment, Vec<Change>);

/// The database read as reported at the moment named (unchanged when none), and the changes
/// since in the region: what a report `--reported-on` is computed from.
pub async fn view(
    db: &Db,
    actor: &Actor,
    region: Option<&str>,
    reported_on: Option<&str>,
) -> Result<(Db, Option<Frozen>), AppError> {
    let Some(text) = reported_on.filter(|t| !t.trim().is_empty()) else {
        return Ok((db.clone(), None));
    };
    let moment = moment(db, text).await?;
    let changes = changes_since(db, actor, region, &moment).await?;
    let then = reported(db, &moment).await?;
    Ok((then, Some((moment, changes))))
}

/// A report's JSON with the moment and the changes added, when it was set back.
pub fn annotate(report: impl Serialize, frozen: Option<&Frozen>) -> Value {
    let mut json = serde_json::to_value(report).unwrap_or(Value::Null);
    if let (Some((moment, changes)), Value::Object(map)) = (frozen, &mut json) {
        map.insert("reported_on".into(), serde_json::json!(moment));
        map.insert("changes".into(), serde_json::json!(changes));
    }
    json
}
