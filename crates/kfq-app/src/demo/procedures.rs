//! The demo's 审批事项: each project's standard procedures dated from its milestones (备案 at
//! signing, planning and assessments after landing, 施工许可 before the start, 竣工验收 before
//! production), some under 承诺制 and quicker for it, those of 吕梁经开区 handled by its
//! 代办员; calibrated so that 2023's matters handled match what was published — 忻州 559
//! (领办代办事项 559 件), 吕梁 232 (领办代办 232 个).

use std::collections::HashMap;

use chrono::{Days, NaiveDate};
use kfq_core::procedure::{Procedure, STANDARD};
use kfq_core::project::Project;
use kfq_store::Db;

use crate::AppError;

/// Cities whose 2023 figure was published: (city code, matters handled).
const PUBLISHED_2023: &[(u32, usize)] = &[(140900, 559), (141100, 232)];
const AGENT_ZONE: &str = "吕梁经济技术开发区";
const AGENT: &str = "lljkq.daiban";

fn shift(day: NaiveDate, days: i64) -> Option<NaiveDate> {
    if days >= 0 {
        day.checked_add_days(Days::new(days as u64))
    } else {
        day.checked_sub_days(Days::new(days.unsigned_abs()))
    }
}

/// The procedures a project has met by `today`.
fn of_project(p: &Project, agent: &str, today: NaiveDate) -> Vec<Procedure> {
    let d = &p.dates;
    let anchors: [Option<NaiveDate>; 8] = [
        d.signed_on.and_then(|s| shift(s, 5)),
        d.signed_on.and_then(|s| shift(s, 15)),
        d.landed_on,
        d.landed_on.and_then(|l| shift(l, 20)),
        d.landed_on.and_then(|l| shift(l, 5)),
        d.landed_on.and_then(|l| shift(l, 8)),
        d.started_on.and_then(|s| shift(s, -20)),
        d.producing_on.and_then(|s| shift(s, -25)),
    ];
    anchors
        .iter()
        .enumerate()
        .filter_map(|(i, anchor)| {
            let accepted = anchor.filter(|a| *a <= today)?;
            let salt = (p.id as usize).wrapping_mul(7) + i * 13;
            let commitment = matches!(i, 3 | 4 | 6) && !salt.is_multiple_of(3);
            let takes = if commitment {
                1 + salt % 5
            } else {
                8 + salt % 30
            } as i64;
            let submitted = shift(accepted, takes / 3).filter(|d| *d <= today);
            let approved = shift(accepted, takes).filter(|d| *d <= today);
            Some(Procedure {
                project_id: p.id,
                name: STANDARD[i].to_string(),
                agent: agent.to_string(),
                accepted_on: Some(accepted),
                submitted_on: submitted.or(approved.map(|_| accepted)),
                approved_on: approved,
                commitment,
                ..Procedure::default()
            })
        })
        .collect()
}

/// Seeds the procedures, unless some are stored already.
pub async fn seed(db: &Db, today: NaiveDate) -> Result<(), AppError> {
    if !kfq_store::procedures(db).await?.is_empty() {
        return Ok(());
    }
    let snapshot = db.snapshot().await?;
    let city_of: HashMap<i64, (u32, &str)> = snapshot
        .zones
        .iter()
        .map(|z| (z.id, (z.city.value(), z.name.as_str())))
        .collect();
    let mut all = Vec::new();
    let mut in_2023: HashMap<u32, Vec<Procedure>> = HashMap::new();
    let year = |d: Option<NaiveDate>| d.map(|d| chrono::Datelike::year(&d));
    for p in &snapshot.projects {
        let Some((city, zone)) = city_of.get(&p.zone_id) else {
            continue;
        };
        let agent = if *zone == AGENT_ZONE { AGENT } else { "" };
        for procedure in of_project(p, agent, today) {
            let published = PUBLISHED_2023.iter().any(|(c, _)| c == city);
            if published && year(procedure.accepted_on) == Some(2023) {
                in_2023.entry(*city).or_default().push(procedure);
            } else {
                all.push(procedure);
            }
        }
    }
    for (city, count) in PUBLISHED_2023 {
        let list = in_2023.remove(city).unwrap_or_default();
        // Spread over the year's projects rather than the first few: every n-th, in order.
        let keep = (*count).min(list.len());
        let chosen: Vec<usize> = (0..keep).map(|k| k * list.len() / keep).collect();
        all.extend(
            list.into_iter()
                .enumerate()
                .filter(|(i, _)| chosen.binary_search(i).is_ok())
                .map(|(_, p)| p),
        );
    }
    let mut tx = db.begin().await?;
    kfq_store::insert_procedures(&mut tx, &all).await?;
    tx.commit_outside_ledger().await?;
    Ok(())
}
