//! The demo's 入库入统: a project that qualifies (500 万元 or more, started) is applied for within
//! weeks of its start and registered about a month later with its statistics code; about one
//! in sixteen is still not registered — not yet applied for, awaiting the bureau, or refused —
//! so that every zone's 应入未入 list has something in it.

use chrono::{Datelike, Days, NaiveDate};
use kfq_core::project::Project;
use kfq_core::registration::{Registration, RegistrationRule, RegistrationStatus};
use kfq_core::rng::Rng;
use kfq_store::Db;

use crate::AppError;

fn after(day: NaiveDate, days: i64) -> Option<NaiveDate> {
    day.checked_add_days(Days::new(days as u64))
}

fn of_project(p: &Project, city: u32, today: NaiveDate, rng: &mut Rng) -> Option<Registration> {
    let rule = RegistrationRule::default();
    let started = p.dates.started_on?;
    if !rule.qualifies(p, today) {
        return None;
    }
    let mut r = Registration::new(p.zone_id, p.id);
    r.project_code = p.code.as_str().to_string();
    let applied = after(started, rng.range(5, 20)).filter(|d| *d <= today);
    let registered = applied
        .and_then(|a| after(a, rng.range(15, 40)))
        .filter(|d| *d <= today);
    match (rng.range(1, 100), applied, registered) {
        (1..=3, ..) => return None,
        (4..=5, Some(a), _) => {
            r.status = RegistrationStatus::Rejected;
            r.applied_on = Some(a);
            r.note = "申报材料不全，需补充施工许可证".into();
        }
        (6, Some(a), _) | (_, Some(a), None) => {
            r.status = RegistrationStatus::Applied;
            r.applied_on = Some(a);
        }
        (_, Some(a), Some(on)) => {
            r.status = RegistrationStatus::Registered;
            r.applied_on = Some(a);
            r.registered_on = Some(on);
            r.stats_code = format!("{city}{}{:06}", on.year(), p.id);
        }
        (_, None, _) => return None,
    }
    Some(r)
}

/// Adds the registrations of every project that qualifies, in one transaction.
pub async fn seed(db: &Db, today: NaiveDate) -> Result<(), AppError> {
    let snapshot = db.snapshot().await?;
    let mut rng = Rng::new(0x7275_6b75);
    let city = |zone_id: i64| {
        snapshot
            .zones
            .iter()
            .find(|z| z.id == zone_id)
            .map_or(0, |z| z.city.value())
    };
    let list: Vec<Registration> = snapshot
        .projects
        .iter()
        .filter_map(|p| of_project(p, city(p.zone_id), today, &mut rng))
        .collect();
    let mut tx = db.begin().await?;
    kfq_store::insert_registrations(&mut tx, &list).await?;
    tx.commit_outside_ledger().await?;
    Ok(())
}
