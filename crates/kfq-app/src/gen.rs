//! 合成数据 — a deterministic synthetic data set at national proportions, for measuring kfq
//! where real data cannot go: 31 provinces, their ~340 cities, about eight zones a city;
//! projects with log-normal amounts and realistic conversion (signed → landed → started →
//! producing → full output), their batch entries in the rounds 2022-1 to 2026-3, monthly
//! reports while under construction up to 2026-09, and blockers.
//!
//! The same scale and seed give the same data on every machine. Written province by province,
//! one transaction each, with bulk statements: a national set takes minutes, not hours.

use chrono::{Datelike, Duration, NaiveDate, Utc};
use kfq_core::blocker::{Blocker, BlockerCategory, BlockerLevel, BlockerStatus};
use kfq_core::money::Amount;
use kfq_core::monthly::{Month, MonthlyReport};
use kfq_core::project::{Category, Project, ProjectCode};
use kfq_core::region::{regions, RegionCode};
use kfq_core::rng::Rng;
use kfq_core::round::{BatchEntry, BatchKind, Round, RoundId};
use kfq_core::stage::StageDates;
use kfq_core::zone::{Zone, ZoneKind, ZoneLevel};
use kfq_store::Db;

use crate::AppError;

/// How much to generate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scale {
    /// 1,000,000 projects in every province.
    National,
    /// 32,000 projects in one province (山西, 140000): a province's share of the nation.
    Province,
    /// This many projects, spread over every province.
    Projects(u64),
}

impl Scale {
    /// `national`, `province` or a number of projects (`50000`, `50_000`).
    pub fn parse(text: &str) -> Option<Scale> {
        match text {
            "national" => Some(Scale::National),
            "province" => Some(Scale::Province),
            n => n
                .replace('_', "")
                .parse::<u64>()
                .ok()
                .filter(|n| *n > 0)
                .map(Scale::Projects),
        }
    }

    pub fn projects(self) -> u64 {
        match self {
            Scale::National => 1_000_000,
            Scale::Province => 32_000,
            Scale::Projects(n) => n,
        }
    }

    /// The provinces it covers: the 31 of the mainland (台湾, 香港 and 澳门 have no zones in
    /// these statistics).
    fn provinces(self) -> Vec<RegionCode> {
        let all = regions()
            .all()
            .iter()
            .filter(|r| r.parent.is_none())
            .map(|r| r.code)
            .filter(|c| {
                !["71", "81", "82"]
                    .iter()
                    .any(|p| c.to_string().starts_with(p))
            });
        match self {
            Scale::Province => all.filter(|c| c.to_string() == "140000").collect(),
            _ => all.collect(),
        }
    }
}

/// What was written.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Generated {
    pub provinces: u64,
    pub cities: u64,
    pub zones: u64,
    pub projects: u64,
    pub entries: u64,
    pub monthly: u64,
    pub blockers: u64,
}

/// The last month with reports, and the last round.
const LAST_MONTH: (i32, u32) = (2026, 9);
const FIRST_ROUND: (i32, u8) = (2022, 1);
const LAST_ROUND: (i32, u8) = (2026, 3);
/// Zones per city.
const ZONES_PER_CITY: u64 = 8;

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default()
}

const PRODUCTS: &[&str] = &[
    "高性能铝合金",
    "锂电池正极材料",
    "光伏组件",
    "氢能装备",
    "碳纤维",
    "生物医药",
    "半导体封测",
    "智能装备",
    "特种钢材",
    "新型建材",
    "数据中心",
    "绿色食品",
    "煤层气综合利用",
    "现代物流",
    "精细化工",
    "风电装备",
    "新能源汽车零部件",
    "电子信息材料",
    "节能环保装备",
    "农产品深加工",
];
const CHAINS: &[&str] = &[
    "新材料",
    "新能源",
    "高端装备",
    "现代医药",
    "信息技术",
    "节能环保",
    "现代煤化工",
    "特色食品",
];
const KINDS: &[(&str, ZoneKind, ZoneLevel)] = &[
    ("经济技术开发区", ZoneKind::Economic, ZoneLevel::National),
    (
        "高新技术产业开发区",
        ZoneKind::HighTech,
        ZoneLevel::National,
    ),
    ("经济开发区", ZoneKind::Economic, ZoneLevel::Provincial),
    ("高新区", ZoneKind::HighTech, ZoneLevel::Provincial),
    ("产业园区", ZoneKind::Economic, ZoneLevel::Provincial),
    ("工业园区", ZoneKind::Economic, ZoneLevel::Provincial),
    ("循环经济园区", ZoneKind::Economic, ZoneLevel::Provincial),
    ("新材料产业园", ZoneKind::Economic, ZoneLevel::Provincial),
];

/// The round of a day's quarter, if it is one of the rounds generated.
fn round_of(d: NaiveDate) -> Option<RoundId> {
    let seq = d.month().div_ceil(3) as u8;
    let key = (d.year(), seq);
    (key >= FIRST_ROUND && key <= LAST_ROUND)
        .then(|| RoundId::new(d.year(), seq))
        .flatten()
}

/// One project's life, drawn: its milestones up to the data's last day.
fn milestones(rng: &mut Rng, signed: NaiveDate, end: NaiveDate) -> StageDates {
    let mut dates = StageDates {
        signed_on: Some(signed),
        ..StageDates::default()
    };
    let step = |rng: &mut Rng, from: NaiveDate, lo: i64, hi: i64, percent: i64| {
        let next = from + Duration::days(rng.range(lo, hi));
        (rng.chance(percent) && next <= end).then_some(next)
    };
    dates.landed_on = step(rng, signed, 0, 120, 88);
    dates.started_on = dates.landed_on.and_then(|d| step(rng, d, 20, 240, 85));
    dates.producing_on = dates.started_on.and_then(|d| step(rng, d, 300, 1000, 80));
    dates.reached_on = dates.producing_on.and_then(|d| step(rng, d, 180, 540, 60));
    dates
}

/// Writes the synthetic data set into the database, province by province; `progress` is told
/// the projects written so far after each province.
pub async fn generate(
    db: &Db,
    scale: Scale,
    seed: u64,
    mut progress: impl FnMut(u64, u64),
) -> Result<Generated, AppError> {
    let provinces = scale.provinces();
    let cities: Vec<Vec<RegionCode>> = provinces
        .iter()
        .map(|p| regions().cities_of(*p).map(|c| c.code).collect())
        .collect();
    let city_count: u64 = cities.iter().map(|c| c.len() as u64).sum::<u64>().max(1);
    let total = scale.projects();
    let per_city = total.div_ceil(city_count);
    let zones_per_city = ZONES_PER_CITY.min(per_city).max(1);
    let end = day(LAST_MONTH.0, LAST_MONTH.1, 30);
    let first = day(2021, 7, 1);
    let span = (end - first).num_days();
    let mut done = Generated {
        provinces: provinces.len() as u64,
        cities: city_count,
        ..Generated::default()
    };

    let mut tx = db.begin().await?;
    let mut round = RoundId::new(FIRST_ROUND.0, FIRST_ROUND.1);
    while let Some(id) = round.filter(|r| (r.year, r.seq) <= LAST_ROUND) {
        let held_on = id.quarter_end() - Duration::days(40);
        let r = Round {
            id,
            held_on: Some(held_on),
            venue: String::new(),
            locked: held_on < end,
        };
        kfq_store::upsert_round(&mut tx, &r).await?;
        round = match id.seq {
            4 => RoundId::new(id.year + 1, 1),
            s => RoundId::new(id.year, s + 1),
        };
    }
    tx.commit().await?;

    let mut rng = Rng::new(seed);
    let mut serial: u64 = 0;
    for province_cities in &cities {
        let mut tx = db.begin().await?;
        let mut projects = Vec::new();
        for city in province_cities {
            let city_name = regions().name(*city).to_string();
            let short = city_name.trim_end_matches('市').to_string();
            let mut zone_ids = Vec::new();
            for (name, kind, level) in KINDS.iter().take(zones_per_city as usize) {
                let zone = Zone {
                    id: 0,
                    name: format!("{short}{name}"),
                    city: *city,
                    level: *level,
                    kind: *kind,
                };
                zone_ids.push(kfq_store::insert_zone(&mut tx, &zone).await?);
                done.zones += 1;
            }
            let here = per_city.min(total.saturating_sub(serial));
            for _ in 0..here {
                serial += 1;
                let zone_id = zone_ids[rng.range(0, zone_ids.len() as i64 - 1) as usize];
                let signed = first + Duration::days(rng.range(0, span));
                let industrial = rng.chance(78);
                // Log-normal, median 15,000 万元 (the demo's spread of project sizes).
                let amount = 15 * rng.weight() as i64;
                let code = format!("G{city}-{serial:07}");
                projects.push(Project {
                    id: 0,
                    code: ProjectCode::parse(&code).map_err(|e| AppError::Output {
                        path: code.clone(),
                        why: e.to_string(),
                    })?,
                    name: format!("{short}{}项目（{serial}）", rng.pick(PRODUCTS)),
                    zone_id,
                    enterprise_id: None,
                    chain: rng.pick(CHAINS).to_string(),
                    strategic_emerging: rng.chance(40),
                    category: match (industrial, rng.chance(50)) {
                        (true, _) => Category::Industrial,
                        (false, true) => Category::Infrastructure,
                        (false, false) => Category::Social,
                    },
                    total_investment: Amount::from_wan(amount),
                    expected_output: industrial.then(|| Amount::from_wan(amount * 12 / 10)),
                    land_area: None,
                    dates: milestones(&mut rng, signed, end),
                    terminated_on: None,
                    version: 1,
                });
            }
        }
        let ids = kfq_store::insert_projects(&mut tx, &projects).await?;
        let (mut entries, mut monthly, mut blockers) = (Vec::new(), Vec::new(), Vec::new());
        for p in &projects {
            let Some(&id) = ids.get(p.code.as_str()) else {
                continue;
            };
            for (kind, on) in [
                (BatchKind::Sign, p.dates.signed_on),
                (BatchKind::Start, p.dates.started_on),
                (BatchKind::Produce, p.dates.producing_on),
            ] {
                if let Some(round) = on.and_then(round_of) {
                    entries.push(BatchEntry {
                        round,
                        batch: kind,
                        project_id: id,
                        zone_id: p.zone_id,
                        amount: p.total_investment,
                        expected_output: p.expected_output,
                        strategic_emerging: p.strategic_emerging,
                        category: p.category,
                    });
                }
            }
            // Monthly reports while under construction: the investment spread over the months.
            if let Some(started) = p.dates.started_on {
                let last = Month::of(p.dates.producing_on.unwrap_or(end).min(end));
                let mut month = Month::of(started);
                let months = (last.key() - month.key() + 1).max(1);
                let share = p.total_investment.yuan() * 7 / 10 / months;
                while month <= last {
                    let spread = rng.range(50, 150);
                    monthly.push(MonthlyReport {
                        project_id: id,
                        month,
                        invested: Amount::from_yuan(share * spread / 100 / 100 * 100),
                    });
                    month = month.next();
                }
            }
            if rng.chance(46) {
                let raised =
                    p.dates.signed_on.unwrap_or(first) + Duration::days(rng.range(10, 400));
                if raised <= end {
                    let resolved = rng.chance(70);
                    let due = raised + Duration::days(rng.range(30, 120));
                    blockers.push(Blocker {
                        id: 0,
                        project_id: id,
                        description: format!(
                            "{}协调事项",
                            rng.pick(&["用地", "资金", "审批", "供电"])
                        ),
                        owner_unit: "开发区管委会".into(),
                        owner: String::new(),
                        due_on: Some(due),
                        resolved_on: resolved.then(|| due - Duration::days(rng.range(0, 20))),
                        raised_on: Some(raised),
                        category: *rng.pick(&[
                            BlockerCategory::Land,
                            BlockerCategory::Funding,
                            BlockerCategory::Approval,
                            BlockerCategory::Utilities,
                        ]),
                        status: if resolved {
                            BlockerStatus::Resolved
                        } else {
                            BlockerStatus::Open
                        },
                        level: BlockerLevel::Zone,
                        resolution: if resolved {
                            "已协调解决".into()
                        } else {
                            String::new()
                        },
                        version: 1,
                    });
                }
            }
        }
        kfq_store::upsert_entries(&mut tx, &entries).await?;
        kfq_store::upsert_monthly_reports(&mut tx, &monthly).await?;
        kfq_store::upsert_blockers(&mut tx, &blockers).await?;
        tx.commit().await?;
        done.projects += projects.len() as u64;
        done.entries += entries.len() as u64;
        done.monthly += monthly.len() as u64;
        done.blockers += blockers.len() as u64;
        progress(done.projects, total);
    }
    let mut tx = db.begin().await?;
    let event = kfq_core::audit::AuditEvent {
        at: Utc::now(),
        actor: "gen".into(),
        action: "generate".into(),
        object_type: "dataset".into(),
        object_id: format!("{:?}", scale),
        before: None,
        after: Some(format!("{done:?}")),
        ip: None,
    };
    kfq_store::append_audit(&mut tx, &[event]).await?;
    tx.commit().await?;
    Ok(done)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scales_are_named_or_counted() {
        assert_eq!(Scale::parse("national"), Some(Scale::National));
        assert_eq!(Scale::parse("50_000"), Some(Scale::Projects(50_000)));
        assert_eq!(Scale::parse("0"), None);
        assert_eq!(Scale::parse("huge"), None);
        assert_eq!(Scale::National.provinces().len(), 31);
        assert_eq!(Scale::Province.provinces().len(), 1);
    }

    #[test]
    fn a_projects_life_keeps_its_milestones_in_order_and_before_the_end() {
        let mut rng = Rng::new(7);
        let end = day(2026, 9, 30);
        for _ in 0..10_000 {
            let signed = day(2021, 7, 1) + Duration::days(rng.range(0, 1917));
            let d = milestones(&mut rng, signed, end);
            let all = [
                d.signed_on,
                d.landed_on,
                d.started_on,
                d.producing_on,
                d.reached_on,
            ];
            let known: Vec<NaiveDate> = all.iter().flatten().copied().collect();
            assert!(known.windows(2).all(|w| w[0] <= w[1]), "{d:?}");
            assert!(known.iter().all(|d| *d <= end.max(signed)));
            // A later milestone never without the earlier one.
            let present: Vec<bool> = all.iter().map(Option::is_some).collect();
            assert!(present.windows(2).all(|w| w[0] || !w[1]), "{d:?}");
        }
        assert_eq!(round_of(day(2022, 2, 1)), RoundId::new(2022, 1));
        assert_eq!(round_of(day(2026, 10, 1)), None);
        assert_eq!(round_of(day(2021, 12, 31)), None);
    }
}
