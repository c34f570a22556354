//! The demo's 化工园区安全风险等级复核: the zones hosting chemical parks were reviewed last year
//! and this, item by item on the national checklist: most items met in full, some with points
//! lost and a rectification — most done by their due day, some still open, a few overdue — one
//! park graded lower for an item it lost most of, and this year's review of one park still
//! under way.

use chrono::{Datelike, Days, NaiveDate};
use kfq_core::chemical::{Checklist, Finding, Points};
use kfq_core::rng::Rng;
use kfq_store::Db;

use crate::AppError;

/// The zones that host a chemical park, and how well each keeps it (the chance, in percent, that
/// an item loses points).
const PARKS: &[(&str, i64)] = &[
    ("清徐开发区", 25),
    ("潞城经济技术开发区", 15),
    ("介休经济技术开发区", 35),
    ("孝义经济开发区", 20),
];
const OWNERS: &[&str] = &[
    "园区应急管理局",
    "园区规划建设部",
    "园区安全监管科",
    "园区消防救援站",
    "园区管委会综合办公室",
];
const PROBLEMS: &[&str] = &[
    "相关制度未按要求修订",
    "台账资料不完整",
    "设施建设滞后于规划",
    "部分企业未落实",
    "演练记录缺失",
    "监测数据未接入平台",
];

fn findings_of(
    zone_id: i64,
    slack: i64,
    year: i32,
    scored: usize,
    checklist: &Checklist,
    today: NaiveDate,
    rng: &mut Rng,
) -> Vec<Finding> {
    let reviewed = NaiveDate::from_ymd_opt(year, 6, 15)
        .unwrap_or(today)
        .min(today);
    checklist
        .items()
        .take(scored)
        .map(|item| {
            let mut f = Finding::new(zone_id, year, &item.code);
            f.score = Points::from_tenths(item.max);
            f.evidence = format!("{year}年复核材料第{}册", item.code);
            if !item.veto && rng.chance(slack) {
                let lost = rng.range(5, item.max * 2 / 3);
                f.score = Points::from_tenths(item.max - lost);
                f.problem = format!("{}：{}", item.text, rng.pick(PROBLEMS));
                f.owner = rng.pick(OWNERS).to_string();
                f.due_on = reviewed.checked_add_days(Days::new(rng.range(60, 240) as u64));
                let done = f
                    .due_on
                    .and_then(|d| d.checked_sub_days(Days::new(rng.range(0, 40) as u64)))
                    .filter(|d| *d <= today);
                if rng.chance(70) {
                    f.rectified_on = done;
                }
            }
            f
        })
        .collect()
}

/// Adds last year's and this year's reviews of the parks, in one transaction.
pub async fn seed(db: &Db, today: NaiveDate) -> Result<(), AppError> {
    let zones = kfq_store::zones(db).await?;
    let checklist = Checklist::default();
    let items = checklist.items().count();
    let mut rng = Rng::new(0x6368_656d);
    let mut list = Vec::new();
    for (i, (name, slack)) in PARKS.iter().enumerate() {
        let Some(zone) = zones.iter().find(|z| z.name == *name) else {
            continue;
        };
        for year in [today.year() - 1, today.year()] {
            let scored = if year == today.year() && i == PARKS.len() - 1 {
                items * 2 / 3
            } else {
                items
            };
            list.extend(findings_of(
                zone.id, *slack, year, scored, &checklist, today, &mut rng,
            ));
        }
    }
    let mut tx = db.begin().await?;
    kfq_store::insert_findings(&mut tx, &list).await?;
    tx.commit_outside_ledger().await?;
    Ok(())
}
