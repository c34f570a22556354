//! 堵点台账 — the blockers of the projects in the actor's scope: listed with what is overdue,
//! opened with their progress notes, raised, changed (a stale save is refused), escalated zone →
//! city → province, and noted on. Every change is audited in its own transaction.

use kfq_core::blocker::Coded;

use chrono::{NaiveDate, Utc};
use kfq_core::access::{Action, Role};
use kfq_core::blocker::{Blocker, BlockerCategory, BlockerLevel, BlockerStatus};
use kfq_core::Lang;
use kfq_store::{Db, StoreError};
use serde::Serialize;
use serde_json::{Map, Value};

use crate::projects::FieldError;
use crate::{Actor, AppError, Expected};

/// A blocker as the ledger shows it: with its project, zone and city, and whether it is overdue.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BlockerView {
    pub id: i64,
    pub project_id: i64,
    pub code: String,
    pub project: String,
    pub zone: String,
    pub city: String,
    pub description: String,
    pub category: BlockerCategory,
    pub status: BlockerStatus,
    pub level: BlockerLevel,
    pub owner_unit: String,
    pub owner: String,
    pub due_on: Option<NaiveDate>,
    pub resolved_on: Option<NaiveDate>,
    pub resolution: String,
    pub version: i64,
    pub overdue: bool,
    /// Days past the due date, when overdue.
    pub days_overdue: Option<i64>,
}

/// A progress note (进展记录) on a blocker.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BlockerNote {
    pub at: chrono::DateTime<Utc>,
    pub author: String,
    pub note: String,
}

async fn notes(db: &Db, id: i64) -> Result<Vec<BlockerNote>, AppError> {
    Ok(kfq_store::blocker_notes(db, id)
        .await?
        .into_iter()
        .map(|n| BlockerNote {
            at: n.at,
            author: n.author,
            note: n.note,
        })
        .collect())
}

/// What the ledger is filtered by; empty fields keep everything.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BlockerQuery {
    pub region: Option<String>,
    pub status: Option<String>,
    pub category: Option<String>,
    /// Escalated to this level (the province's 百项堵点: `province`).
    pub level: Option<String>,
    /// Only the overdue ones.
    pub overdue: bool,
    /// One project's, by its code.
    pub project: Option<String>,
}

fn bad(name: &'static str, value: &str, expected: Expected) -> AppError {
    AppError::BadArgument {
        name,
        value: value.into(),
        expected,
    }
}

/// A filter's coded value, if given: refused naming the parameter when it is none of them.
fn parsed<T: Coded>(
    name: &'static str,
    text: Option<&str>,
    expected: Expected,
) -> Result<Option<T>, AppError> {
    match text.map(str::trim).filter(|t| !t.is_empty()) {
        None => Ok(None),
        Some(t) => T::parse(t).map(Some).ok_or_else(|| bad(name, t, expected)),
    }
}

/// The blockers in the actor's scope (or the region asked for), most overdue first.
pub async fn list(
    db: &Db,
    actor: &Actor,
    query: &BlockerQuery,
    today: NaiveDate,
) -> Result<Vec<BlockerView>, AppError> {
    let status: Option<BlockerStatus> =
        parsed("status", query.status.as_deref(), Expected::BlockerStatus)?;
    let category: Option<BlockerCategory> = parsed(
        "category",
        query.category.as_deref(),
        Expected::BlockerCategory,
    )?;
    let level: Option<BlockerLevel> =
        parsed("level", query.level.as_deref(), Expected::BlockerLevel)?;
    let (_, in_scope) = crate::reports::zones_in_scope(db, actor, query.region.as_deref()).await?;
    let project_code = query
        .project
        .as_deref()
        .map(str::trim)
        .filter(|c| !c.is_empty());
    // Zone by zone from the read model: what the scope holds, not the whole ledger.
    let mut list: Vec<BlockerView> = db
        .reading(|m| {
            in_scope
                .values()
                .flat_map(|zone| m.blockers_of(zone.id).map(move |b| (zone, b)))
                .filter(|(_, b)| status.is_none_or(|s| b.status == s))
                .filter(|(_, b)| category.is_none_or(|c| b.category == c))
                .filter(|(_, b)| level.is_none_or(|l| b.level == l))
                .filter(|(_, b)| !query.overdue || b.is_overdue(today))
                .filter_map(|(zone, b)| {
                    let project = m.project(b.project_id)?;
                    if project_code.is_some_and(|c| c != project.code.as_str()) {
                        return None;
                    }
                    Some(view(b, project, zone, today))
                })
                .collect()
        })
        .await?;
    list.sort_by(|a, b| {
        b.days_overdue
            .cmp(&a.days_overdue)
            .then(a.code.cmp(&b.code))
            .then(a.id.cmp(&b.id))
    });
    Ok(list)
}

pub(crate) fn view(
    b: &Blocker,
    project: &kfq_core::project::Project,
    zone: &kfq_core::zone::Zone,
    today: NaiveDate,
) -> BlockerView {
    let overdue = b.is_overdue(today);
    BlockerView {
        id: b.id,
        project_id: project.id,
        code: project.code.to_string(),
        project: project.name.clone(),
        zone: zone.name.clone(),
        city: zone.city.to_string(),
        description: b.description.clone(),
        category: b.category,
        status: b.status,
        level: b.level,
        owner_unit: b.owner_unit.clone(),
        owner: b.owner.clone(),
        due_on: b.due_on,
        resolved_on: b.resolved_on,
        resolution: b.resolution.clone(),
        version: b.version,
        overdue,
        days_overdue: b
            .due_on
            .filter(|_| overdue)
            .map(|due| (today - due).num_days()),
    }
}

/// The blocker and its project, if both lie in the actor's scope (else: not found).
async fn visible(
    db: &Db,
    actor: &Actor,
    id: i64,
) -> Result<(Blocker, kfq_core::project::Project, kfq_core::zone::Zone), AppError> {
    actor.must(Action::Read)?;
    let snapshot = db.snapshot().await?;
    let blocker = snapshot
        .blockers
        .iter()
        .find(|b| b.id == id)
        .ok_or(AppError::NotFound)?;
    let project = snapshot
        .projects
        .iter()
        .find(|p| p.id == blocker.project_id)
        .ok_or(AppError::NotFound)?;
    let zone = snapshot
        .zones
        .iter()
        .find(|z| z.id == project.zone_id)
        .filter(|z| actor.sees(z))
        .ok_or(AppError::NotFound)?;
    Ok((blocker.clone(), project.clone(), zone.clone()))
}

/// One blocker with its progress notes, oldest first.
pub async fn get(
    db: &Db,
    actor: &Actor,
    id: i64,
    today: NaiveDate,
) -> Result<(BlockerView, Vec<BlockerNote>), AppError> {
    let (blocker, project, zone) = visible(db, actor, id).await?;
    Ok((view(&blocker, &project, &zone, today), notes(db, id).await?))
}

/// The audit trail's record of a blocker (its key is `项目编号/问题描述`, as the import's).
pub(crate) fn json(b: &Blocker) -> String {
    serde_json::json!({
        "project_id": b.project_id, "description": b.description, "owner_unit": b.owner_unit,
        "owner": b.owner, "due_on": b.due_on, "resolved_on": b.resolved_on,
        "category": b.category.code(), "status": b.status.code(), "level": b.level.code(),
        "resolution": b.resolution, "version": b.version,
    })
    .to_string()
}

fn faults(faults: Vec<kfq_core::blocker::BlockerFault>, lang: Lang) -> AppError {
    AppError::Invalid(
        faults
            .iter()
            .map(|f| FieldError {
                field: f.field().into(),
                message: f.message(lang).into(),
            })
            .collect(),
    )
}

/// Applies the fields of a change (as the API and the pages send them) to a blocker.
fn apply(mut b: Blocker, fields: &Map<String, Value>, lang: Lang) -> Result<Blocker, AppError> {
    let mut errors = Vec::new();
    for (key, value) in fields {
        let text = match value {
            Value::String(t) => Some(t.trim().to_string()),
            Value::Null => None,
            other => Some(other.to_string()),
        };
        let text_or_empty = text.clone().unwrap_or_default();
        let mut fail = |field: &str, message: String| {
            errors.push(FieldError {
                field: field.into(),
                message,
            })
        };
        match key.as_str() {
            "description" => b.description = text_or_empty,
            "owner_unit" => b.owner_unit = text_or_empty,
            "owner" => b.owner = text_or_empty,
            "resolution" => b.resolution = text_or_empty,
            "category" => match BlockerCategory::parse(&text_or_empty) {
                Some(c) => b.category = c,
                None => fail("category", Expected::BlockerCategory.describe(lang)),
            },
            "status" => match BlockerStatus::parse(&text_or_empty) {
                Some(s) => b.status = s,
                None => fail("status", Expected::BlockerStatus.describe(lang)),
            },
            "due_on" | "resolved_on" => {
                let date = match text.as_deref().filter(|t| !t.is_empty()) {
                    None => Ok(None),
                    Some(t) => t.parse::<NaiveDate>().map(Some),
                };
                match (key.as_str(), date) {
                    ("due_on", Ok(d)) => b.due_on = d,
                    (_, Ok(d)) => b.resolved_on = d,
                    (field, Err(_)) => fail(field, Expected::Date.describe(lang)),
                }
            }
            // Carried beside the fields, not fields of the blocker.
            "version" | "note" | "project_id" => {}
            other => fail(other, Expected::BlockerField.describe(lang)),
        }
    }
    if errors.is_empty() {
        Ok(b)
    } else {
        Err(AppError::Invalid(errors))
    }
}

/// A blocker raised in kfq on a project in the actor's scope (`project_id`, `description`,
/// `category` and the other fields as in a change); open, at the zone.
pub async fn create(
    db: &Db,
    actor: &Actor,
    fields: &Map<String, Value>,
    today: NaiveDate,
) -> Result<BlockerView, AppError> {
    let (blocker, project) = new_blocker(db, actor, fields, today).await?;
    let mut tx = db.begin().await?;
    let id = insert_in(&mut tx, actor, &project, blocker, note_of(fields)).await?;
    tx.commit().await?;
    get(db, actor, id, today).await.map(|(v, _)| v)
}

/// A blocker to raise from the fields of a request, checked, with its project.
pub(crate) async fn new_blocker(
    db: &Db,
    actor: &Actor,
    fields: &Map<String, Value>,
    today: NaiveDate,
) -> Result<(Blocker, kfq_core::project::Project), AppError> {
    actor.must(Action::EditProject)?;
    let project_id = project_id_of(fields)?;
    let snapshot = db.snapshot().await?;
    let project = actor.project(&snapshot, project_id)?.clone();
    let fresh = Blocker {
        raised_on: Some(today),
        ..Blocker::new(project.id, "", BlockerCategory::Other)
    };
    let blocker = apply(fresh, fields, actor.lang)?
        .settle(today)
        .map_err(|f| faults(f, actor.lang))?;
    described_once(&snapshot, &blocker, actor.lang)?;
    Ok((blocker, project))
}

/// Writes a new blocker with its audit event (and first note) in the caller's transaction;
/// its id.
pub(crate) async fn insert_in(
    tx: &mut kfq_store::Tx,
    actor: &Actor,
    project: &kfq_core::project::Project,
    blocker: Blocker,
    note: Option<String>,
) -> Result<i64, AppError> {
    let id = kfq_store::insert_blocker(tx, &blocker).await?;
    let saved = Blocker { id, ..blocker };
    crate::audit::append(
        tx,
        actor,
        "create",
        "blocker",
        &format!("{}/{}", project.code, saved.description),
        None,
        Some(json(&saved)),
    )
    .await?;
    if let Some(note) = note {
        kfq_store::insert_blocker_note(tx, id, Utc::now(), &actor.username, &note).await?;
    }
    Ok(id)
}

/// The `project_id` of a request, a number or a string of one; refused naming it otherwise.
pub fn project_id_of(fields: &Map<String, Value>) -> Result<i64, AppError> {
    let given = fields.get("project_id");
    given
        .and_then(|v| {
            v.as_i64()
                .or_else(|| v.as_str().and_then(|s| s.trim().parse().ok()))
        })
        .ok_or_else(|| {
            let value = given.map(|v| v.to_string()).unwrap_or_default();
            bad("project_id", &value, Expected::Project)
        })
}

/// A project's blockers are told apart by their descriptions (the ledger's key): another of
/// the same project so described is refused, naming the field.
fn described_once(
    snapshot: &kfq_store::Snapshot,
    blocker: &Blocker,
    lang: Lang,
) -> Result<(), AppError> {
    let taken = snapshot.blockers.iter().any(|b| {
        b.id != blocker.id
            && b.project_id == blocker.project_id
            && b.description == blocker.description
    });
    if taken {
        return Err(AppError::Invalid(vec![FieldError {
            field: "description".into(),
            message: lang
                .pick(
                    "该项目已有相同描述的堵点",
                    "this project has a blocker so described already",
                )
                .into(),
        }]));
    }
    Ok(())
}

pub(crate) fn note_of(fields: &Map<String, Value>) -> Option<String> {
    fields
        .get("note")
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .map(str::to_string)
}

/// Changes a blocker from the version the user saw: status, owner, due date, resolution…,
/// with an optional progress note. A save from an older version is refused (409).
pub async fn update(
    db: &Db,
    actor: &Actor,
    id: i64,
    version: i64,
    fields: &Map<String, Value>,
    today: NaiveDate,
) -> Result<BlockerView, AppError> {
    let (stored, changed, project) = change(db, actor, id, version, fields, today).await?;
    let mut tx = db.begin().await?;
    save_in(
        &mut tx,
        actor,
        &project,
        &stored,
        changed,
        note_of(fields),
        "update",
    )
    .await?;
    tx.commit().await?;
    get(db, actor, id, today).await.map(|(v, _)| v)
}

/// A blocker as stored and as the fields of a request change it, checked, with its project.
pub(crate) async fn change(
    db: &Db,
    actor: &Actor,
    id: i64,
    version: i64,
    fields: &Map<String, Value>,
    today: NaiveDate,
) -> Result<(Blocker, Blocker, kfq_core::project::Project), AppError> {
    let (stored, project, _) = visible(db, actor, id).await?;
    actor.must(Action::EditProject)?;
    let changed = apply(
        Blocker {
            version,
            ..stored.clone()
        },
        fields,
        actor.lang,
    )?
    .settle(today)
    .map_err(|f| faults(f, actor.lang))?;
    described_once(&*db.snapshot().await?, &changed, actor.lang)?;
    Ok((stored, changed, project))
}

/// Writes a changed blocker with its audit event (and note) in the caller's transaction.
pub(crate) async fn save_in(
    tx: &mut kfq_store::Tx,
    actor: &Actor,
    project: &kfq_core::project::Project,
    before: &Blocker,
    after: Blocker,
    note: Option<String>,
    action: &str,
) -> Result<(), AppError> {
    // The version is checked against the database itself, not the snapshot.
    let current = kfq_store::blocker_in(tx, after.id)
        .await?
        .ok_or(AppError::NotFound)?;
    if current.version != after.version {
        return Err(AppError::Store(StoreError::Conflict));
    }
    kfq_store::update_blocker(tx, &after).await?;
    let saved = Blocker {
        version: after.version + 1,
        ..after
    };
    crate::audit::append(
        tx,
        actor,
        action,
        "blocker",
        &format!("{}/{}", project.code, before.description),
        Some(json(&current)),
        Some(json(&saved)),
    )
    .await?;
    if let Some(note) = note {
        kfq_store::insert_blocker_note(tx, saved.id, Utc::now(), &actor.username, &note).await?;
    }
    Ok(())
}

/// The level an actor works at: zone staff the zone, a city the city, the province (and the
/// operator) the province.
fn level_of(role: Role) -> Option<BlockerLevel> {
    match role {
        Role::Zone | Role::Department => Some(BlockerLevel::Zone),
        Role::City => Some(BlockerLevel::City),
        Role::Province | Role::Operator => Some(BlockerLevel::Province),
        _ => None,
    }
}

/// 上报 — escalates a blocker one level up (zone → city → province) with a note on why; only
/// from the level it is at or one the actor works above.
pub async fn escalate(
    db: &Db,
    actor: &Actor,
    id: i64,
    version: i64,
    note: &str,
    today: NaiveDate,
) -> Result<BlockerView, AppError> {
    let (stored, project, _) = visible(db, actor, id).await?;
    actor.must(Action::EditProject)?;
    let mine = level_of(actor.role).ok_or(AppError::Forbidden)?;
    let above = stored
        .level
        .above()
        .ok_or_else(|| bad("level", stored.level.code(), Expected::EscalateFrom))?;
    if stored.level > mine || !stored.status.is_open() {
        return Err(bad("level", stored.level.code(), Expected::EscalateFrom));
    }
    let note = note.trim();
    if note.is_empty() {
        return Err(bad("note", note, Expected::Reason));
    }
    let changed = Blocker {
        level: above,
        version,
        ..stored.clone()
    };
    let mut tx = db.begin().await?;
    save_in(
        &mut tx,
        actor,
        &project,
        &stored,
        changed,
        Some(note.to_string()),
        "escalate",
    )
    .await?;
    tx.commit().await?;
    get(db, actor, id, today).await.map(|(v, _)| v)
}

/// Lifts every open blocker overdue by more than a rule's days to that rule's level (never
/// down), with a note saying so, in one transaction: `[(365, City), (730, Province)]` sends a
/// year overdue to the city and two to the province. How many were lifted.
pub async fn escalate_overdue(
    db: &Db,
    actor: &Actor,
    rules: &[(i64, BlockerLevel)],
    today: NaiveDate,
) -> Result<usize, AppError> {
    actor.must(Action::EditProject)?;
    let list = list(
        db,
        actor,
        &BlockerQuery {
            overdue: true,
            ..Default::default()
        },
        today,
    )
    .await?;
    let snapshot = db.snapshot().await?;
    let mut tx = db.begin().await?;
    let mut lifted = 0;
    for view in list {
        let days = view.days_overdue.unwrap_or_default();
        let Some(target) = rules
            .iter()
            .filter(|(after, _)| days > *after)
            .map(|(_, level)| *level)
            .max()
        else {
            continue;
        };
        let Some(stored) = snapshot.blockers.iter().find(|b| b.id == view.id) else {
            continue;
        };
        if stored.level >= target {
            continue;
        }
        let after = Blocker {
            level: target,
            ..stored.clone()
        };
        kfq_store::update_blocker(&mut tx, &after).await?;
        crate::audit::append(
            &mut tx,
            actor,
            "escalate",
            "blocker",
            &format!("{}/{}", view.code, stored.description),
            Some(json(stored)),
            Some(json(&Blocker {
                version: stored.version + 1,
                ..after
            })),
        )
        .await?;
        let note = match actor.lang {
            Lang::Zh => format!("逾期 {days} 天，提请{}协调", target.label(Lang::Zh)),
            Lang::En => format!(
                "{days} days overdue: raised to the {}",
                target.label(Lang::En)
            ),
        };
        kfq_store::insert_blocker_note(&mut tx, view.id, Utc::now(), &actor.username, &note)
            .await?;
        lifted += 1;
    }
    tx.commit().await?;
    Ok(lifted)
}

/// Adds a progress note (记录进展) without changing the blocker.
pub async fn note(db: &Db, actor: &Actor, id: i64, text: &str) -> Result<BlockerNote, AppError> {
    let (blocker, project, _) = visible(db, actor, id).await?;
    actor.must(Action::EditProject)?;
    let text = text.trim();
    if text.is_empty() {
        return Err(bad("note", text, Expected::Reason));
    }
    let mut tx = db.begin().await?;
    kfq_store::insert_blocker_note(&mut tx, id, Utc::now(), &actor.username, text).await?;
    crate::audit::append(
        &mut tx,
        actor,
        "note",
        "blocker",
        &format!("{}/{}", project.code, blocker.description),
        None,
        Some(serde_json::json!({ "note": text }).to_string()),
    )
    .await?;
    tx.commit_outside_ledger().await?;
    notes(db, id).await?.pop().ok_or(AppError::Internal)
}
