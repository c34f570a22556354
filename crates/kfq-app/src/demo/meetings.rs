//! The demo's dispatch meetings (调度会): 吕梁经开区's Friday meetings of the last three weeks,
//! decided and final — the first opened a blocker that is overdue by now — a 吕梁市 meeting of
//! last month on what its zones escalated, and today's meeting of the zone with the agenda kfq
//! proposes, still to be decided. The ledger's blockers are dated back first, a few of them
//! raised this week, so that the agenda has new blockers as well as overdue ones.

use chrono::{Datelike, Days, NaiveDate, Weekday};
use serde_json::{Map, Value};

use crate::meetings::{self, NewMeeting};
use crate::{Actor, AppError};
use kfq_store::Db;

const ZONE: &str = "吕梁经济技术开发区";
const CITY: &str = "141100";
const ATTENDEES: &str =
    "规划建设部、经济发展部、招商服务中心、项目服务中心、市自然资源局开发区分局";

const DECISIONS: &[&str] = &[
    "由项目服务中心牵头，会同市自然资源局开发区分局加快办理用地手续，月底前完成组卷报批。",
    "请经济发展部对接合作银行，两周内完成贷款审批材料补正。",
    "规划建设部督促施工单位增加作业人员，倒排工期，确保按节点推进。",
    "招商服务中心协调供电公司，下周内完成专线接入方案审定。",
    "项目服务中心安排代办员全程帮办施工许可，压缩办理时限。",
];

/// The day each ledger blocker was raised: some weeks before it fell due (or before today when
/// it has no due date), and a few open ones this week.
async fn date_blockers(db: &Db, today: NaiveDate) -> Result<(), AppError> {
    let snapshot = db.snapshot().await?;
    let days: Vec<(i64, NaiveDate)> = snapshot
        .blockers
        .iter()
        .map(|b| {
            let fresh = b.status.is_open() && b.id % 17 == 0 && b.due_on.is_none_or(|d| d > today);
            let raised = if fresh {
                today - Days::new((b.id % 5) as u64)
            } else {
                b.due_on.unwrap_or(today) - Days::new(45 + (b.id % 30) as u64)
            };
            (b.id, raised.min(today))
        })
        .collect();
    let mut tx = db.begin().await?;
    kfq_store::set_blockers_raised_on(&mut tx, &days).await?;
    tx.commit().await?;
    Ok(())
}

/// The last `n` Fridays before `today`, oldest first.
fn fridays_before(today: NaiveDate, n: u64) -> Vec<NaiveDate> {
    let back =
        (today.weekday().num_days_from_monday() + 7 - Weekday::Fri.num_days_from_monday()) % 7;
    let last = today - Days::new(if back == 0 { 7 } else { u64::from(back) });
    (0..n).rev().map(|k| last - Days::new(7 * k)).collect()
}

fn fields(pairs: &[(&str, String)]) -> Map<String, Value> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), Value::String(v.clone())))
        .collect()
}

/// A past meeting: held, its first items decided, final.
async fn held(
    db: &Db,
    actor: &Actor,
    region: &str,
    day: NaiveDate,
    chair: &str,
    opens: Option<(NaiveDate, &str)>,
) -> Result<(), AppError> {
    let new = NewMeeting {
        region: Some(region.into()),
        title: None,
        held_on: day,
        chair: chair.into(),
        attendees: ATTENDEES.into(),
        propose: true,
    };
    let mut view = meetings::create(db, actor, &new).await?;
    let id = view.meeting.id;
    let items: Vec<(i64, i64)> = view.agenda.iter().map(|i| (i.id, i.version)).collect();
    for (n, (item, version)) in items.iter().take(5).enumerate() {
        let decision = DECISIONS[(n + day.day() as usize) % DECISIONS.len()];
        view = meetings::decide(db, actor, id, *item, *version, decision, day).await?;
    }
    if let (Some((due, what)), Some((item, _))) = (opens, items.first()) {
        let blocker = fields(&[
            ("description", what.into()),
            ("category", "utilities".into()),
            ("owner_unit", "规划建设部".into()),
            ("owner", "王建军".into()),
            ("due_on", due.to_string()),
        ]);
        view = meetings::open_blocker(db, actor, id, *item, &blocker, day).await?;
    }
    meetings::settle(db, actor, id, view.meeting.version, true, day).await?;
    Ok(())
}

/// Seeds the meetings, unless the database has some already.
pub async fn seed(db: &Db, actor: &Actor, today: NaiveDate) -> Result<(), AppError> {
    if kfq_store::any_meeting(db).await? {
        return Ok(());
    }
    date_blockers(db, today).await?;
    let fridays = fridays_before(today, 3);
    for (n, day) in fridays.iter().enumerate() {
        // The first meeting gave the blocker it opened five days: overdue by now; the latest
        // gave its own a fortnight.
        let opens = match n {
            0 => Some((*day + Days::new(5), "调度会交办：配套道路及雨污管网接入")),
            2 => Some((*day + Days::new(14), "调度会交办：施工用电临时接入")),
            _ => None,
        };
        held(db, actor, ZONE, *day, "管委会常务副主任 李明", opens).await?;
    }
    let city_day = fridays[0] - Days::new(14);
    held(db, actor, CITY, city_day, "市政府副市长 赵立新", None).await?;
    let today_meeting = NewMeeting {
        region: Some(ZONE.into()),
        title: None,
        held_on: today,
        chair: "管委会常务副主任 李明".into(),
        attendees: ATTENDEES.into(),
        propose: true,
    };
    meetings::create(db, actor, &today_meeting).await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_fridays_before_a_day_are_the_last_three_not_the_day_itself() {
        let d = |s: &str| s.parse::<NaiveDate>().unwrap();
        assert_eq!(
            fridays_before(d("2026-11-23"), 3),
            [d("2026-11-06"), d("2026-11-13"), d("2026-11-20")]
        );
        assert_eq!(
            fridays_before(d("2026-11-20"), 2),
            [d("2026-11-06"), d("2026-11-13")]
        );
    }
}
