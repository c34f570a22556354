//! The demo's 标准地 and 承诺制: industrial projects receive standard parcels on the day they land
//! (the indicators set by the zone's level, most projects meeting them), each zone keeps a few
//! parcels unsold, and projects' owners file commitments for their approvals after signing,
//! most checked and kept by the due day. Calibrated to what was published for 2023 (seeds 004):
//! 忻州 标准地 76 宗 4146.29 亩 and 承诺制 110 个, 吕梁 40 宗 2718.16 亩 and 承诺制项目 143 个; and
//! 晋城经开区's new filings of 2024 all under 承诺制 (seeds 003: 新备案 50 个 100% 承诺制).

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::{Datelike, Days, NaiveDate};
use kfq_core::commitment::{Commitment, CommitmentResult};
use kfq_core::land::{PlotRatio, StandardParcel};
use kfq_core::money::Amount;
use kfq_core::project::{Category, LandArea, Project};
use kfq_core::rng::Rng;
use kfq_core::zone::{Zone, ZoneLevel};
use kfq_store::Db;

use crate::AppError;

/// 2023 as published: (city, parcels sold, their area in hundredths of 亩, projects under 承诺制).
const PUBLISHED_2023: &[(u32, usize, i64, usize)] =
    &[(140900, 76, 414_629, 110), (141100, 40, 271_816, 143)];
/// 晋城经开区: every project filed (项目备案) in 2024 is under 承诺制.
const ALL_COMMITTED: (&str, i32) = ("晋城经济技术开发区", 2024);
const ITEMS: &[(&str, &str)] = &[
    ("建设工程规划许可", "按规划条件完成设计，开工前提交设计方案"),
    ("施工许可", "落实质量安全责任，竣工前提交竣工验收材料"),
    ("环评", "落实环评文件各项污染防治措施，投产前完成环保验收"),
    ("能评", "按节能报告控制能耗指标，投产后一年内完成节能验收"),
    ("消防设计审查", "按消防技术标准设计施工，竣工后申请消防验收"),
    ("水土保持", "落实水土保持方案，完工后完成设施验收"),
];

fn year_of(d: Option<NaiveDate>) -> Option<i32> {
    d.map(|d| d.year())
}

/// The zone's indicators: stricter in a national zone.
fn indicators(p: &mut StandardParcel, level: ZoneLevel, rng: &mut Rng) {
    let national = level == ZoneLevel::National;
    p.intensity = Some(Amount::from_wan(if national { 300 } else { 200 }));
    p.output = Some(Amount::from_wan(if national { 400 } else { 300 }));
    p.tax = Some(Amount::from_wan(if national { 20 } else { 15 }));
    p.plot_ratio = Some(PlotRatio::from_hundredths(100 + rng.range(0, 5) * 10));
}

/// Most projects were chosen because they meet the parcel's indicators: the zone's standard,
/// or (where the project's plan is below it) a little under what the project reaches; about
/// one parcel in seven keeps a standard its project falls short of.
fn fit(parcel: &mut StandardParcel, p: &Project, rng: &mut Rng) {
    if rng.chance(15) {
        return;
    }
    let area = parcel.area.hundredths().max(1);
    let per_mu =
        |total: Amount| Amount::from_wan((total.yuan() * 100 / area * 9 / 10 / 10_000).max(1));
    if let Some(min) = parcel.intensity {
        parcel.intensity = Some(min.min(per_mu(p.total_investment)));
    }
    if let (Some(min), Some(output)) = (parcel.output, p.expected_output) {
        parcel.output = Some(min.min(per_mu(output)));
    }
}

/// An area for a project: what its investment buys at about the zone's intensity (a little
/// over or under it).
fn area_for(p: &Project, intensity_wan: i64, rng: &mut Rng) -> i64 {
    let wan = p.total_investment.yuan() / 10_000;
    (wan * 100 * 100 / (intensity_wan * rng.range(85, 120))).max(500)
}

/// Scales the areas so that they add up to `total` exactly.
fn scaled(areas: &mut [i64], total: i64) {
    let sum: i64 = areas.iter().sum();
    if sum <= 0 || areas.is_empty() {
        return;
    }
    for a in areas.iter_mut() {
        *a = (i128::from(*a) * i128::from(total) / i128::from(sum)).max(1) as i64;
    }
    let short = total - areas.iter().sum::<i64>();
    if let Some(last) = areas.last_mut() {
        *last += short;
    }
}

fn parcels(
    zones: &HashMap<i64, &Zone>,
    projects: &[&Project],
    today: NaiveDate,
) -> Vec<StandardParcel> {
    let mut rng = Rng::new(0x6c61_6e64);
    let by_id: HashMap<i64, &Project> = projects.iter().map(|p| (p.id, *p)).collect();
    let mut by_city: BTreeMap<u32, Vec<&Project>> = BTreeMap::new();
    for p in projects {
        let landed = p
            .dates
            .landed_on
            .filter(|d| *d <= today && d.year() >= 2022);
        if p.category == Category::Industrial && landed.is_some() {
            if let Some(z) = zones.get(&p.zone_id) {
                by_city.entry(z.city.value()).or_default().push(p);
            }
        }
    }
    let mut list = Vec::new();
    let mut seq: HashMap<i64, usize> = HashMap::new();
    let mut code = |zone: &Zone, year: i32| {
        let n = seq.entry(zone.id).or_default();
        *n += 1;
        format!("{}-{year}-{:02}-{:03}", zone.city.value(), zone.id % 100, n)
    };
    for (city, mut landed) in by_city {
        landed.sort_by_key(|p| (p.dates.landed_on, p.id));
        let published = PUBLISHED_2023.iter().find(|(c, ..)| *c == city);
        let (in_2023, others): (Vec<&Project>, Vec<&Project>) = landed
            .into_iter()
            .partition(|p| year_of(p.dates.landed_on) == Some(2023));
        let mut sold: Vec<&Project> = others.into_iter().filter(|_| rng.chance(35)).collect();
        let mut calibrated = Vec::new();
        match published {
            // The published number of parcels: one per project landed that year, the largest
            // projects taking a second one when there are fewer projects than parcels.
            Some(&(_, count, _, _)) if !in_2023.is_empty() => {
                let mut by_size = in_2023.clone();
                by_size.sort_by_key(|p| std::cmp::Reverse((p.total_investment, p.id)));
                let keep = count.min(in_2023.len());
                let step = |k: usize| k * in_2023.len() / keep.max(1);
                calibrated = (0..keep).map(|k| in_2023[step(k)]).collect();
                calibrated.extend(by_size.into_iter().cycle().take(count - keep));
            }
            _ => sold.extend(in_2023.into_iter().filter(|_| rng.chance(35))),
        }
        let mut make = |p: &Project, rng: &mut Rng| {
            let zone = zones[&p.zone_id];
            let on = p.dates.landed_on.unwrap_or(today);
            let mut parcel =
                StandardParcel::new(zone.id, &code(zone, on.year()), LandArea::default());
            indicators(&mut parcel, zone.level, rng);
            let intensity = parcel.intensity.map_or(200, |a| a.yuan() / 10_000);
            parcel.area = LandArea::from_hundredths(area_for(p, intensity, rng));
            parcel.location = format!("{}{}号地块", zone.name, rng.range(1, 60));
            parcel.project_id = Some(p.id);
            parcel.project_code = p.code.as_str().to_string();
            parcel.allocated_on = Some(on);
            parcel
        };
        let mut group: Vec<StandardParcel> = calibrated.iter().map(|p| make(p, &mut rng)).collect();
        if let Some(&(_, _, total, _)) = published {
            let mut areas: Vec<i64> = group.iter().map(|p| p.area.hundredths()).collect();
            scaled(&mut areas, total);
            for (p, a) in group.iter_mut().zip(areas) {
                p.area = LandArea::from_hundredths(a);
            }
        }
        group.extend(sold.iter().map(|p| make(p, &mut rng)));
        for parcel in &mut group {
            if let Some(p) = parcel.project_id.and_then(|id| by_id.get(&id)) {
                fit(parcel, p, &mut rng);
            }
        }
        list.extend(group);
    }
    // Parcels ready and not sold yet: a few in every zone.
    let mut zones: Vec<&&Zone> = zones.values().collect();
    zones.sort_by_key(|z| z.id);
    for zone in zones {
        for _ in 0..rng.range(2, 5) {
            let mut parcel = StandardParcel::new(
                zone.id,
                &code(zone, today.year()),
                LandArea::from_hundredths(rng.range(20, 150) * 100),
            );
            indicators(&mut parcel, zone.level, &mut rng);
            parcel.location = format!("{}{}号地块", zone.name, rng.range(60, 99));
            list.push(parcel);
        }
    }
    list
}

/// The day a project's owner files its commitments: after signing.
fn filing_day(p: &Project) -> Option<NaiveDate> {
    p.dates.signed_on?.checked_add_days(Days::new(20))
}

fn commitments_of(
    p: &Project,
    filed_on: NaiveDate,
    today: NaiveDate,
    rng: &mut Rng,
) -> Vec<Commitment> {
    let count = rng.range(2, 3) as usize;
    let first = rng.range(0, ITEMS.len() as i64 - 1) as usize;
    (0..count)
        .map(|k| {
            let (item, content) = ITEMS[(first + k) % ITEMS.len()];
            let mut c = Commitment::new(p.zone_id, p.id, item, filed_on);
            c.project_code = p.code.as_str().to_string();
            c.content = content.to_string();
            let due = filed_on.checked_add_days(Days::new(180));
            c.due_on = due;
            let checked = due
                .and_then(|d| d.checked_sub_days(Days::new(rng.range(0, 60) as u64)))
                .filter(|d| *d <= today && *d >= filed_on);
            if let Some(day) = checked {
                match rng.range(1, 100) {
                    1..=85 => {
                        c.verified_on = Some(day);
                        c.result = CommitmentResult::Kept;
                    }
                    86..=93 => {
                        c.verified_on = Some(day);
                        c.result = CommitmentResult::Broken;
                    }
                    _ => {}
                }
            }
            c
        })
        .collect()
}

async fn commitments(
    db: &Db,
    zones: &HashMap<i64, &Zone>,
    projects: &[&Project],
    today: NaiveDate,
) -> Result<Vec<Commitment>, AppError> {
    let mut rng = Rng::new(0x7072_6f6d);
    let city = |p: &Project| zones.get(&p.zone_id).map_or(0, |z| z.city.value());
    let published = |p: &Project| PUBLISHED_2023.iter().find(|(c, ..)| *c == city(p));
    let mut filed: BTreeMap<i64, NaiveDate> = BTreeMap::new();
    for p in projects {
        let Some(day) = filing_day(p).filter(|d| *d <= today) else {
            continue;
        };
        if published(p).is_some() && day.year() == 2023 {
            continue;
        }
        if rng.chance(40) {
            filed.insert(p.id, day);
        }
    }
    // The calibrated cities' 2023: the published number of projects, signed or landed that year.
    let start = NaiveDate::from_ymd_opt(2023, 1, 1).unwrap_or(today);
    let end = NaiveDate::from_ymd_opt(2023, 12, 31).unwrap_or(today);
    for &(code, _, _, count) in PUBLISHED_2023 {
        let candidates: Vec<&&Project> = projects
            .iter()
            .filter(|p| city(p) == code && !filed.contains_key(&p.id))
            .filter(|p| {
                year_of(p.dates.signed_on) == Some(2023) || year_of(p.dates.landed_on) == Some(2023)
            })
            .collect();
        let keep = count.min(candidates.len());
        for k in 0..keep {
            let p = candidates[k * candidates.len() / keep];
            let day = filing_day(p).unwrap_or(start).clamp(start, end);
            filed.insert(p.id, day);
        }
    }
    // 晋城经开区: the commitment filed on the day of each 2024 项目备案.
    let (zone_name, year) = ALL_COMMITTED;
    let theirs: HashSet<i64> = projects
        .iter()
        .filter(|p| zones.get(&p.zone_id).is_some_and(|z| z.name == zone_name))
        .map(|p| p.id)
        .collect();
    for procedure in kfq_store::procedures(db).await? {
        let Some(accepted) = procedure.accepted_on.filter(|d| d.year() == year) else {
            continue;
        };
        if procedure.name == kfq_core::procedure::STANDARD[0]
            && theirs.contains(&procedure.project_id)
        {
            filed.insert(procedure.project_id, accepted);
        }
    }
    let by_id: HashMap<i64, &&Project> = projects.iter().map(|p| (p.id, p)).collect();
    let mut list = Vec::new();
    let mut seen = HashSet::new();
    for (id, day) in filed {
        if let Some(p) = by_id.get(&id).filter(|_| seen.insert(id)) {
            list.extend(commitments_of(p, day, today, &mut rng));
        }
    }
    Ok(list)
}

/// Adds the standard parcels and the commitments, in one transaction.
pub async fn seed(db: &Db, today: NaiveDate) -> Result<(), AppError> {
    let snapshot = db.snapshot().await?;
    let zones: HashMap<i64, &Zone> = snapshot.zones.iter().map(|z| (z.id, z)).collect();
    let projects: Vec<&Project> = snapshot
        .projects
        .iter()
        .filter(|p| p.terminated_on.is_none())
        .collect();
    let parcels = parcels(&zones, &projects, today);
    let commitments = commitments(db, &zones, &projects, today).await?;
    let mut tx = db.begin().await?;
    kfq_store::insert_parcels(&mut tx, &parcels).await?;
    kfq_store::insert_commitments(&mut tx, &commitments).await?;
    tx.commit_outside_ledger().await?;
    Ok(())
}
