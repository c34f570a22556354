//! 审批事项与领办代办 — each project's checklist of approval procedures from the province's
//! standard list (and any others the zone adds), recorded by the zone or its 代办员 from the
//! version seen and audited; and a region's figures: matters handled, approved, under 承诺制,
//! and the average time each took, by zone and by procedure.

use std::collections::{BTreeMap, HashMap};

use chrono::NaiveDate;
use kfq_core::access::Action;
use kfq_core::assignment::Duty;
use kfq_core::procedure::{self, AgencyFigures, Coded, Procedure, ProcedureStatus, STANDARD};
use kfq_store::{Db, StoreError};
use serde::Serialize;
use serde_json::{Map, Value};

use crate::projects::FieldError;
use crate::{Actor, AppError, Expected};

const STANDARD_KEY: &str = "procedures";

/// The standard checklist: the province's, else [`STANDARD`].
pub async fn standard(db: &Db) -> Result<Vec<String>, AppError> {
    let settings = kfq_store::settings(db).await?;
    Ok(match settings.get(STANDARD_KEY) {
        Some(list) => list.lines().map(str::to_string).collect(),
        None => STANDARD.iter().map(|s| s.to_string()).collect(),
    })
}

/// The province sets the standard checklist: names in order, none empty or repeated.
pub async fn set_standard(
    db: &Db,
    actor: &Actor,
    names: &[String],
) -> Result<Vec<String>, AppError> {
    actor.must(Action::ManageRounds)?;
    let names: Vec<String> = names.iter().map(|n| n.trim().to_string()).collect();
    let mut seen = std::collections::HashSet::new();
    if names.is_empty()
        || names
            .iter()
            .any(|n| !procedure::valid_name(n) || !seen.insert(n))
    {
        return Err(AppError::BadArgument {
            name: "names",
            value: names.join("、"),
            expected: Expected::ProcedureNames,
        });
    }
    let before = standard(db).await?;
    crate::audit::change_setting(db, actor, STANDARD_KEY, before.join("\n"), names.join("\n"))
        .await?;
    Ok(names)
}

/// A procedure on a project's checklist.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProcedureView {
    pub name: String,
    /// On the standard list.
    pub standard: bool,
    pub agent: String,
    pub accepted_on: Option<NaiveDate>,
    pub submitted_on: Option<NaiveDate>,
    pub approved_on: Option<NaiveDate>,
    pub commitment: bool,
    pub note: String,
    pub status: ProcedureStatus,
    /// 办理时长, once approved.
    pub days: Option<i64>,
    /// 0 while not recorded.
    pub version: i64,
}

impl ProcedureView {
    /// A procedure not on the standard list and not recorded yet.
    pub fn blank(name: &str) -> ProcedureView {
        view(
            &Procedure {
                name: name.to_string(),
                ..Procedure::default()
            },
            false,
        )
    }
}

/// A project's checklist.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Checklist {
    pub project_id: i64,
    pub code: String,
    pub items: Vec<ProcedureView>,
}

fn view(p: &Procedure, standard: bool) -> ProcedureView {
    ProcedureView {
        name: p.name.clone(),
        standard,
        agent: p.agent.clone(),
        accepted_on: p.accepted_on,
        submitted_on: p.submitted_on,
        approved_on: p.approved_on,
        commitment: p.commitment,
        note: p.note.clone(),
        status: p.status(),
        days: p.days(),
        version: p.version,
    }
}

/// A project's checklist: the standard procedures in order (recorded or still to do), then any
/// other recorded on it.
pub async fn checklist(db: &Db, actor: &Actor, project_id: i64) -> Result<Checklist, AppError> {
    actor.must(Action::Read)?;
    let snapshot = db.snapshot().await?;
    let project = actor.project(&snapshot, project_id)?;
    let stored = kfq_store::procedures_of(db, project_id).await?;
    let names = standard(db).await?;
    let mut items: Vec<ProcedureView> = names
        .iter()
        .map(|name| match stored.iter().find(|p| &p.name == name) {
            Some(p) => view(p, true),
            None => view(
                &Procedure {
                    project_id,
                    name: name.clone(),
                    ..Procedure::default()
                },
                true,
            ),
        })
        .collect();
    items.extend(
        stored
            .iter()
            .filter(|p| !names.contains(&p.name))
            .map(|p| view(p, false)),
    );
    Ok(Checklist {
        project_id,
        code: project.code.to_string(),
        items,
    })
}

fn date_of(
    field: &str,
    value: &Value,
    lang: kfq_core::Lang,
) -> Result<Option<NaiveDate>, FieldError> {
    let bad = || FieldError {
        field: field.into(),
        message: Expected::Date.describe(lang),
    };
    match value {
        Value::Null => Ok(None),
        Value::String(t) if t.trim().is_empty() => Ok(None),
        Value::String(t) => t
            .trim()
            .parse()
            .ok()
            .filter(|d| kfq_core::meeting::plausible_day(*d))
            .map(Some)
            .ok_or_else(bad),
        _ => Err(bad()),
    }
}

fn json(p: &Procedure) -> String {
    serde_json::json!({
        "agent": p.agent, "accepted_on": p.accepted_on, "submitted_on": p.submitted_on,
        "approved_on": p.approved_on, "commitment": p.commitment, "note": p.note,
        "version": p.version,
    })
    .to_string()
}

/// Records a procedure of a project from the version seen (0 the first time): `agent` (a
/// 代办员's username, or empty), `accepted_on`, `submitted_on`, `approved_on`, `commitment`,
/// `note`. Refused by field when wrong; a stale version is a conflict.
#[allow(clippy::too_many_arguments)]
pub async fn save(
    db: &Db,
    actor: &Actor,
    project_id: i64,
    name: &str,
    version: i64,
    fields: &Map<String, Value>,
    today: NaiveDate,
) -> Result<Checklist, AppError> {
    actor.must(Action::HandleProcedures)?;
    let snapshot = db.snapshot().await?;
    let project = actor.project(&snapshot, project_id)?.clone();
    let name = name.trim();
    if !procedure::valid_name(name) {
        return Err(AppError::BadArgument {
            name: "name",
            value: name.into(),
            expected: Expected::ProcedureNames,
        });
    }
    let stored = kfq_store::procedure(db, project_id, name)
        .await?
        .unwrap_or(Procedure {
            project_id,
            name: name.into(),
            ..Procedure::default()
        });
    // Fields not sent keep what is stored at the version the user saw, or it is stale.
    if stored.version != version {
        return Err(AppError::Store(StoreError::Conflict));
    }
    let mut changed = stored.clone();
    let lang = actor.lang;
    let mut errors = Vec::new();
    for (field, value) in fields {
        let text = || crate::projects::text_field(field, value, lang).map(str::to_string);
        let result = match field.as_str() {
            "version" | "name" => Ok(()),
            "agent" => text().map(|t| changed.agent = t),
            "note" => text().map(|t| changed.note = t),
            "commitment" => match value {
                Value::Bool(b) => {
                    changed.commitment = *b;
                    Ok(())
                }
                Value::String(t) => {
                    changed.commitment = matches!(t.trim(), "true" | "1" | "on" | "是");
                    Ok(())
                }
                _ => Err(FieldError {
                    field: field.clone(),
                    message: Expected::Flag.describe(lang),
                }),
            },
            "accepted_on" => date_of(field, value, lang).map(|d| changed.accepted_on = d),
            "submitted_on" => date_of(field, value, lang).map(|d| changed.submitted_on = d),
            "approved_on" => date_of(field, value, lang).map(|d| changed.approved_on = d),
            other => Err(FieldError {
                field: other.into(),
                message: Expected::ProcedureField.describe(lang),
            }),
        };
        if let Err(e) = result {
            errors.push(e);
        }
    }
    errors.extend(agent_fault(db, &snapshot, &project, &stored, &changed, lang).await?);
    if let Err(faults) = changed.check(today) {
        errors.extend(faults.into_iter().map(|f| FieldError {
            field: f.field().into(),
            message: f.message(lang).into(),
        }));
    }
    if !errors.is_empty() {
        return Err(AppError::Invalid(errors));
    }
    let mut tx = db.begin().await?;
    let current = kfq_store::procedure_in(&mut tx, project_id, name).await?;
    if current.as_ref().map_or(0, |c| c.version) != version {
        return Err(AppError::Store(StoreError::Conflict));
    }
    kfq_store::save_procedure(&mut tx, &changed).await?;
    crate::audit::append(
        &mut tx,
        actor,
        if version == 0 { "create" } else { "update" },
        "procedure",
        &format!("{}/{name}", project.code),
        current.as_ref().map(json),
        Some(json(&Procedure {
            version: version + 1,
            ..changed
        })),
    )
    .await?;
    tx.commit_outside_ledger().await?;
    checklist(db, actor, project_id).await
}

/// The 代办员 named must be an account that may be one in the project's zone (one kept as it
/// was is not checked again).
async fn agent_fault(
    db: &Db,
    snapshot: &kfq_store::Snapshot,
    project: &kfq_core::project::Project,
    stored: &Procedure,
    changed: &Procedure,
    lang: kfq_core::Lang,
) -> Result<Option<FieldError>, AppError> {
    if changed.agent.is_empty() || changed.agent == stored.agent {
        return Ok(None);
    }
    let zone = snapshot
        .zones
        .iter()
        .find(|z| z.id == project.zone_id)
        .ok_or(AppError::NotFound)?;
    let fits = kfq_store::user_by_name(db, &changed.agent)
        .await?
        .is_some_and(|u| crate::assignments::eligible(&u, Duty::Agent, zone, &snapshot.zones));
    Ok((!fits).then(|| FieldError {
        field: "agent".into(),
        message: Expected::Holder(Duty::Agent.label(lang).into(), changed.agent.clone())
            .describe(lang),
    }))
}

/// A zone's or a procedure's figures.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AgencyLine {
    pub name: String,
    #[serde(flatten)]
    pub figures: AgencyFigures,
}

/// 领办代办 of a region over a period: its figures, each zone's and each procedure's.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AgencyReport {
    pub region: String,
    pub name: String,
    pub from: NaiveDate,
    pub to: NaiveDate,
    #[serde(flatten)]
    pub figures: AgencyFigures,
    pub zones: Vec<AgencyLine>,
    pub procedures: Vec<AgencyLine>,
}

/// The procedures accepted from `from` to `to` in the region's projects, counted.
pub async fn report(
    db: &Db,
    actor: &Actor,
    region: Option<&str>,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<AgencyReport, AppError> {
    let (scope, in_scope) = crate::reports::zones_in_scope(db, actor, region).await?;
    let snapshot = db.snapshot().await?;
    let zone_of: HashMap<i64, i64> = snapshot
        .projects
        .iter()
        .filter(|p| in_scope.contains_key(&p.zone_id))
        .map(|p| (p.id, p.zone_id))
        .collect();
    let all: Vec<Procedure> = kfq_store::procedures(db)
        .await?
        .into_iter()
        .filter(|p| zone_of.contains_key(&p.project_id))
        .collect();
    let mut by_zone: BTreeMap<String, Vec<&Procedure>> = in_scope
        .values()
        .map(|z| (z.name.clone(), Vec::new()))
        .collect();
    let mut by_name: BTreeMap<&str, Vec<&Procedure>> = BTreeMap::new();
    for p in &all {
        if let Some(zone) = zone_of.get(&p.project_id).and_then(|z| in_scope.get(z)) {
            by_zone.entry(zone.name.clone()).or_default().push(p);
        }
        by_name.entry(&p.name).or_default().push(p);
    }
    let line = |name: &str, list: &[&Procedure]| AgencyLine {
        name: name.to_string(),
        figures: procedure::figures(list.iter().copied(), from, to),
    };
    let mut zones: Vec<AgencyLine> = by_zone.iter().map(|(n, l)| line(n, l)).collect();
    zones.sort_by(|a, b| {
        b.figures
            .handled
            .cmp(&a.figures.handled)
            .then(a.name.cmp(&b.name))
    });
    let names = standard(db).await?;
    let mut procedures: Vec<AgencyLine> = by_name
        .iter()
        .map(|(n, l)| line(n, l))
        .filter(|l| l.figures.handled > 0)
        .collect();
    procedures.sort_by_key(|l| {
        names
            .iter()
            .position(|n| *n == l.name)
            .unwrap_or(usize::MAX)
    });
    Ok(AgencyReport {
        region: scope.key(),
        name: scope.name(),
        from,
        to,
        figures: procedure::figures(&all, from, to),
        zones,
        procedures,
    })
}
