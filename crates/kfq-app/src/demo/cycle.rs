//! The demo's monthly statistics (月统计): every month of the ledger reported and approved; the
//! months since the ledger's horizon filled for the projects still under construction, with
//! this year's plans; last month's returns in every state a city meets — approved, awaiting
//! review, sent back, missing, late — and this month's return of 吕梁经开区 half filled.

use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use kfq_core::audit::AuditEvent;
use kfq_core::monthly::Month;
use kfq_core::monthly_return::{self as rules, Coded, ReturnStatus, Step, ZoneReturn};
use kfq_core::rng::Rng;
use kfq_core::Amount;
use kfq_store::{Db, MonthFigure, ReturnLogEntry};

use crate::AppError;

/// 吕梁市: its zones show the city every state of last month's returns.
const LVLIANG: u32 = 141100;
/// The zone the demo's zone users work in.
const DEMO_ZONE: &str = "吕梁经济技术开发区";

const PROGRESS: &[&str] = &[
    "场地平整、基础施工",
    "主体结构施工",
    "主体封顶",
    "设备采购安装",
    "装饰装修、配套工程",
    "设备调试、试生产准备",
];

/// A moment on a day, at a time of the working day.
fn at(day: NaiveDate, hour: u32) -> DateTime<Utc> {
    Utc.from_utc_datetime(&day.and_hms_opt(hour, 0, 0).unwrap_or_default())
}

/// What a zone did with a month: its return's state and the history that led to it.
fn history(
    zone: i64,
    month: Month,
    status: ReturnStatus,
    late: bool,
    due: NaiveDate,
) -> (ZoneReturn, Vec<(i64, Month, ReturnLogEntry)>) {
    let submitted = if late {
        due + Duration::days(3)
    } else {
        due - Duration::days(4)
    };
    let reviewed = submitted + Duration::days(2);
    let entry = |day: NaiveDate, actor: &str, step: Step, comment: &str| {
        (
            zone,
            month,
            ReturnLogEntry {
                at: at(day, 10),
                actor: actor.into(),
                action: step.code().into(),
                comment: comment.into(),
            },
        )
    };
    let mut r = ZoneReturn::new(zone, month);
    let mut log = vec![entry(submitted, "demo", Step::Submit, "")];
    r.status = status;
    r.late = late;
    r.submitted_at = Some(at(submitted, 10));
    r.submitted_by = "demo".into();
    match status {
        ReturnStatus::Approved => {
            r.revision = 1;
            r.reviewed_at = Some(at(reviewed, 10));
            r.reviewed_by = "demo".into();
            log.push(entry(reviewed, "demo", Step::Approve, ""));
        }
        ReturnStatus::Returned => {
            r.comment = "部分项目本月投资与形象进度不符，请核实后重新报送".into();
            r.reviewed_at = Some(at(reviewed, 10));
            r.reviewed_by = "demo".into();
            log.push(entry(reviewed, "demo", Step::SendBack, &r.comment));
        }
        _ => {}
    }
    (r, log)
}

/// Seeds the cycle up to the month `today` lies in.
pub(super) async fn seed(db: &Db, today: NaiveDate, deadline_day: u32) -> Result<(), AppError> {
    let snapshot = db.snapshot().await?;
    let demo_zone = snapshot
        .zones
        .iter()
        .find(|z| z.name == DEMO_ZONE)
        .map(|z| z.id);
    // Loaded once: a second load of the demo leaves the cycle as the users left it.
    if let Some(zone) = demo_zone {
        if !kfq_store::monthly_returns_of_zone(db, zone)
            .await?
            .is_empty()
        {
            return Ok(());
        }
    }
    let current = Month::of(today);
    let last_ledger = Month::of(super::HORIZON);
    let mut rng = Rng::new(super::SEED ^ 0x006d_6f6e_7468_6c79);

    // The months after the ledger's horizon: each project under construction invests a share
    // of what it has still to invest.
    let mut completed: std::collections::HashMap<i64, Amount> = Default::default();
    for r in &snapshot.monthly {
        *completed.entry(r.project_id).or_insert(Amount::ZERO) += r.invested;
    }
    let mut new_figures: Vec<(Month, MonthFigure, String)> = Vec::new();
    let mut plans = Vec::new();
    let mut month = last_ledger.next();
    while month <= current {
        for p in snapshot
            .projects
            .iter()
            .filter(|p| rules::reported_in(p, month))
        {
            // This month, only 吕梁经开区 has begun, with half its lines.
            if month == current && (Some(p.zone_id) != demo_zone || rng.chance(50)) {
                continue;
            }
            let total = p.total_investment.yuan();
            let done = completed.get(&p.id).copied().unwrap_or(Amount::ZERO).yuan();
            let share = total * rng.range(8, 30) / 1000;
            let invested = Amount::from_wan(share.min((total - done).max(0)) / 10_000);
            *completed.entry(p.id).or_insert(Amount::ZERO) += invested;
            let stage = (done * PROGRESS.len() as i64 / total.max(1)).clamp(0, 5) as usize;
            new_figures.push((
                month,
                MonthFigure {
                    project_id: p.id,
                    invested,
                    progress: PROGRESS[stage].into(),
                },
                p.code.to_string(),
            ));
            if month.month == 1 {
                // A quarter of the projects plan more than they will do: behind plan.
                let percent = if rng.chance(25) { 40 } else { 18 };
                plans.push((
                    p.id,
                    month.year,
                    Amount::from_wan(total * percent / 100 / 10_000),
                ));
            }
        }
        month = month.next();
    }

    // Every month with figures, up to the last, has its returns; last month's in every state.
    let mut figures: std::collections::BTreeMap<(Month, i64), Vec<MonthFigure>> =
        Default::default();
    let zone_of: std::collections::HashMap<i64, i64> = snapshot
        .projects
        .iter()
        .map(|p| (p.id, p.zone_id))
        .collect();
    for r in &snapshot.monthly {
        if let Some(zone) = zone_of.get(&r.project_id) {
            figures
                .entry((r.month, *zone))
                .or_default()
                .push(MonthFigure {
                    project_id: r.project_id,
                    invested: r.invested,
                    progress: String::new(),
                });
        }
    }
    for (month, f, _) in &new_figures {
        if let Some(zone) = zone_of.get(&f.project_id) {
            figures.entry((*month, *zone)).or_default().push(f.clone());
        }
    }
    let previous = current.previous();
    // Zones that did not report last month (未报): they filled nothing either.
    let mut missing = std::collections::HashSet::new();
    let mut lvliang_seen = 0;
    let mut returns = Vec::new();
    let mut log = Vec::new();
    let mut frozen = Vec::new();
    for ((month, zone_id), list) in &figures {
        let Some(zone) = snapshot.zones.iter().find(|z| z.id == *zone_id) else {
            continue;
        };
        if *month == current {
            returns.push(ZoneReturn::new(*zone_id, *month));
            continue;
        }
        let due = rules::deadline(*month, deadline_day);
        let (status, late) = if *month < previous {
            (ReturnStatus::Approved, false)
        } else if zone.city.value() == LVLIANG && zone.name != DEMO_ZONE {
            lvliang_seen += 1;
            match lvliang_seen {
                1 => (ReturnStatus::Submitted, false),
                2 => (ReturnStatus::Returned, false),
                3 => {
                    missing.insert(*zone_id);
                    continue;
                }
                _ => (ReturnStatus::Approved, false),
            }
        } else {
            match zone.id % 9 {
                4 => {
                    missing.insert(*zone_id);
                    continue;
                }
                6 => (ReturnStatus::Approved, true),
                7 => (ReturnStatus::Submitted, false),
                _ => (ReturnStatus::Approved, false),
            }
        };
        let (r, entries) = history(*zone_id, *month, status, late, due);
        if r.revision == 1 {
            frozen.push((*zone_id, *month, list.clone()));
        }
        returns.push(r);
        if *month > last_ledger {
            log.extend(entries);
        }
    }

    // Everything but what the missing zones did not fill is written at once.
    let written: Vec<&(Month, MonthFigure, String)> = new_figures
        .iter()
        .filter(|(m, f, _)| {
            *m != previous
                || !zone_of
                    .get(&f.project_id)
                    .is_some_and(|z| missing.contains(z))
        })
        .collect();
    let mut tx = db.begin().await?;
    let rows: Vec<(Month, MonthFigure)> = written.iter().map(|(m, f, _)| (*m, f.clone())).collect();
    kfq_store::set_month_figures(&mut tx, &rows).await?;
    let mut events = Vec::new();
    for (month, f, code) in written {
        events.push(AuditEvent {
            at: Utc::now(),
            actor: "demo".into(),
            action: "create".into(),
            object_type: "monthly_report".into(),
            object_id: format!("{code}/{month}"),
            before: None,
            after: Some(crate::monthly::figure_json(f)),
            ip: None,
        });
    }
    kfq_store::append_audit(&mut tx, &events).await?;
    kfq_store::set_annual_plans(&mut tx, &plans).await?;
    kfq_store::insert_monthly_returns(&mut tx, &returns, &log).await?;
    for (zone, month, list) in &frozen {
        kfq_store::freeze_revision(&mut tx, *zone, *month, 1, list).await?;
    }
    tx.commit().await?;
    Ok(())
}
