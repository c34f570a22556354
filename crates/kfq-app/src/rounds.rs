//! “三个一批”活动 — creating a round, enrolling projects into its batches, locking it.

use chrono::NaiveDate;
use kfq_core::access::Action;
use kfq_core::lang::Localized;
use kfq_core::money::Amount;
use kfq_core::project::Category;
use kfq_core::round::{
    check_entry, date_at_ceremony, BatchEntry, BatchKind, EntryError, Round, RoundId,
};
use kfq_store::Db;
use serde::Serialize;

use crate::{Actor, AppError};

/// A batch entry as a round's page lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EntryView {
    pub batch: BatchKind,
    pub project_id: i64,
    pub code: String,
    pub name: String,
    pub zone: String,
    pub amount_wan: Amount,
    pub strategic_emerging: bool,
    pub category: Category,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RoundView {
    pub round: RoundId,
    pub held_on: Option<NaiveDate>,
    pub venue: String,
    pub locked: bool,
    /// The entries within the actor's scope.
    pub entries: Vec<EntryView>,
}

pub async fn list(db: &Db) -> Result<Vec<Round>, AppError> {
    Ok(kfq_store::rounds(db).await?)
}

async fn find(db: &Db, id: RoundId) -> Result<Round, AppError> {
    kfq_store::rounds(db)
        .await?
        .into_iter()
        .find(|r| r.id == id)
        .ok_or_else(|| AppError::UnknownRound(id.to_string()))
}

/// A round with the entries the actor may see.
pub async fn view(db: &Db, actor: &Actor, id: RoundId) -> Result<RoundView, AppError> {
    actor.must(kfq_core::access::Action::Read)?;
    let round = find(db, id).await?;
    let zones = kfq_store::zones(db).await?;
    let projects = kfq_store::projects(db).await?;
    let mut entries: Vec<EntryView> = kfq_store::entries(db, Some((id, id)))
        .await?
        .into_iter()
        .filter_map(|e| {
            let zone = zones
                .iter()
                .find(|z| z.id == e.zone_id)
                .filter(|z| actor.sees(z))?;
            let project = projects.iter().find(|p| p.id == e.project_id)?;
            Some(EntryView {
                batch: e.batch,
                project_id: e.project_id,
                code: project.code.to_string(),
                name: project.name.clone(),
                zone: zone.name.clone(),
                amount_wan: e.amount,
                strategic_emerging: e.strategic_emerging,
                category: e.category,
            })
        })
        .collect();
    entries.sort_by(|a, b| (a.batch, &a.code).cmp(&(b.batch, &b.code)));
    Ok(RoundView {
        round: round.id,
        held_on: round.held_on,
        venue: round.venue,
        locked: round.locked,
        entries,
    })
}

/// Creates a round (the province runs them). An existing round is refused.
pub async fn create(
    db: &Db,
    actor: &Actor,
    id: RoundId,
    held_on: Option<NaiveDate>,
    venue: &str,
) -> Result<(), AppError> {
    actor.must(Action::ManageRounds)?;
    if find(db, id).await.is_ok() {
        return Err(AppError::RoundExists(id.to_string()));
    }
    let round = Round {
        id,
        held_on,
        venue: venue.trim().into(),
        locked: false,
    };
    let mut tx = db.begin().await?;
    kfq_store::upsert_round(&mut tx, &round).await?;
    let after =
        serde_json::json!({"round": id, "held_on": held_on, "venue": round.venue}).to_string();
    crate::audit::append(
        &mut tx,
        actor,
        "create",
        "round",
        &id.to_string(),
        None,
        Some(after),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Locks a round once announced: its figures never change afterwards.
pub async fn lock(db: &Db, actor: &Actor, id: RoundId) -> Result<(), AppError> {
    actor.must(Action::ManageRounds)?;
    let mut round = find(db, id).await?;
    if round.locked {
        return Ok(());
    }
    round.locked = true;
    let mut tx = db.begin().await?;
    kfq_store::upsert_round(&mut tx, &round).await?;
    crate::audit::append(&mut tx, actor, "lock", "round", &id.to_string(), None, None).await?;
    tx.commit().await?;
    Ok(())
}

/// A checked enrolment: the project (dated at the round if it had to be) and its entry.
struct Enrolment {
    before: kfq_core::project::Project,
    after: kfq_core::project::Project,
    entry: BatchEntry,
}

/// Checks that a project can enter the batch; dates the missing milestone on the round's day
/// when `date_at_round` and the lifecycle order allow.
fn prepare(
    round: &Round,
    batch: BatchKind,
    project: kfq_core::project::Project,
    date_at_round: bool,
    actor: &Actor,
) -> Result<Enrolment, String> {
    let mut after = project.clone();
    if let Err(why) = check_entry(round, batch, &project.dates) {
        match (
            &why,
            date_at_round,
            date_at_ceremony(round, batch, &project.dates),
        ) {
            (EntryError::MissingDate { .. }, true, Some(dates)) => after.dates = dates,
            _ => return Err(why.message(actor.lang)),
        }
    }
    let entry = BatchEntry {
        round: round.id,
        batch,
        project_id: project.id,
        zone_id: after.zone_id,
        amount: after.total_investment,
        expected_output: after.expected_output,
        strategic_emerging: after.strategic_emerging,
        category: after.category,
    };
    Ok(Enrolment {
        before: project,
        after,
        entry,
    })
}

/// Enrols projects in a batch, freezing their figures: all of them, or — if any cannot enter —
/// none, with the reason for each that cannot.
pub async fn enrol_many(
    db: &Db,
    actor: &Actor,
    id: RoundId,
    batch: BatchKind,
    project_ids: &[i64],
    date_at_round: bool,
) -> Result<usize, AppError> {
    actor.must(Action::EnrolProject)?;
    let round = find(db, id).await?;
    if round.locked {
        return Err(AppError::RoundLocked(id.to_string()));
    }
    let mut ready = Vec::new();
    let mut refused = Vec::new();
    for &project_id in project_ids {
        let view = crate::projects::get(db, actor, project_id).await?;
        let project = kfq_store::load_project(db, project_id)
            .await?
            .ok_or(AppError::NotFound)?;
        match prepare(&round, batch, project, date_at_round, actor) {
            Ok(e) => ready.push(e),
            Err(why) => refused.push(format!("{}：{why}", view.code)),
        }
    }
    if !refused.is_empty() {
        return Err(AppError::CannotEnrol(refused.join("；")));
    }
    let mut tx = db.begin().await?;
    for e in &mut ready {
        let code = e.after.code.to_string();
        if e.after != e.before {
            e.after.version = kfq_store::update_project(&mut tx, &e.after).await?;
            let (before, after) = (
                crate::audit::project_json(&e.before),
                crate::audit::project_json(&e.after),
            );
            crate::audit::append(
                &mut tx,
                actor,
                "update",
                "project",
                &code,
                Some(before),
                Some(after),
            )
            .await?;
        }
        let after = serde_json::json!({"amount_wan": e.entry.amount, "strategic_emerging": e.entry.strategic_emerging}).to_string();
        let object = format!("{id}/{}/{code}", batch.code());
        crate::audit::append(
            &mut tx,
            actor,
            "create",
            "batch_entry",
            &object,
            None,
            Some(after),
        )
        .await?;
    }
    let entries: Vec<BatchEntry> = ready.iter().map(|e| e.entry.clone()).collect();
    kfq_store::upsert_entries(&mut tx, &entries).await?;
    tx.commit().await?;
    Ok(entries.len())
}

/// Enrols one project in a batch (see [`enrol_many`]).
pub async fn enrol(
    db: &Db,
    actor: &Actor,
    id: RoundId,
    batch: BatchKind,
    project_id: i64,
    date_at_round: bool,
) -> Result<(), AppError> {
    crate::projects::get(db, actor, project_id).await?;
    match enrol_many(db, actor, id, batch, &[project_id], date_at_round).await {
        Err(AppError::CannotEnrol(why)) => Err(AppError::CannotEnrol(
            why.split_once('：')
                .map_or(why.clone(), |(_, r)| r.to_string()),
        )),
        other => other.map(|_| ()),
    }
}
