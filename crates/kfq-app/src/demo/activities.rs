//! The demo's 招商活动: from 2023 every zone has a liaison office or two, a few promotion events
//! and its leaders' trips each year; 吕梁市's 2023 is as published (seeds 004): 13 “双招双引”
//! liaison offices of 吕梁、文水、兴县 in 京津冀、长三角、粤港澳, 17 招商活动, 47 外出招商.
//! Leads from a liaison office, an event or a trip name the activity of their zone that came
//! just before them.

use chrono::{Datelike, Days, NaiveDate};
use kfq_core::activity::{Activity, ActivityKind};
use kfq_core::lead::{Lead, LeadSource};
use kfq_core::rng::Rng;
use kfq_core::zone::Zone;
use kfq_store::Tx;

use super::names;
use crate::AppError;

const FIRST_YEAR: i32 = 2023;
const REGIONS: &[&str] = &["京津冀", "长三角", "粤港澳大湾区"];
const CITIES: &[&str] = &[
    "北京", "天津", "上海", "苏州", "杭州", "宁波", "深圳", "广州", "东莞", "合肥", "西安", "郑州",
];
const EVENTS: &[&str] = &[
    "“双招双引”推介会",
    "行业峰会",
    "项目路演",
    "产业对接会",
    "链主企业恳谈会",
];
/// 吕梁市 2023 as published: liaison offices by zone, events by zone, trips by zone.
const OFFICES_2023: &[(&str, usize)] = &[
    ("吕梁经济技术开发区", 6),
    ("文水经济开发区", 4),
    ("兴县经济技术开发区", 3),
];
const EVENTS_2023: &[(&str, usize)] = &[
    ("吕梁经济技术开发区", 8),
    ("孝义经济开发区", 4),
    ("汾阳杏花村经济开发区", 3),
    ("文水经济开发区", 2),
];
const TRIPS_2023: &[(&str, usize)] = &[
    ("吕梁经济技术开发区", 20),
    ("孝义经济开发区", 10),
    ("汾阳杏花村经济开发区", 7),
    ("兴县经济技术开发区", 5),
    ("文水经济开发区", 5),
];
const LVLIANG: u32 = 141100;

fn on(year: i32, rng: &mut Rng, last: u32) -> NaiveDate {
    NaiveDate::from_yo_opt(year, rng.range(1, i64::from(last)) as u32).unwrap_or(NaiveDate::MIN)
}

fn count(list: &[(&str, usize)], zone: &str) -> usize {
    list.iter().find(|(z, _)| *z == zone).map_or(0, |(_, n)| *n)
}

/// The activities of one zone from [`FIRST_YEAR`] to `today`.
fn of_zone(zone: &Zone, today: NaiveDate) -> Vec<Activity> {
    let mut rng = Rng::new(0x6163_7469 ^ zone.id as u64);
    let lvliang = zone.city.value() == LVLIANG;
    let mut list = Vec::new();
    let person = |rng: &mut Rng| format!("{}{}", rng.pick(names::SURNAMES), rng.pick(names::GIVEN));
    // Liaison offices: set up in 2022 or 2023, one in ten closed since.
    let offices = if lvliang {
        count(OFFICES_2023, &zone.name)
    } else {
        rng.range(0, 2) as usize
    };
    for i in 0..offices {
        let region = REGIONS[i % REGIONS.len()];
        let city = *rng.pick(CITIES);
        let mut a = Activity::new(
            zone.id,
            ActivityKind::LiaisonOffice,
            &format!("{region}（{city}）“双招双引”联络站{}", i + 1),
            on(2022 + (i % 2) as i32, &mut rng, 300),
        );
        a.place = format!("{region}·{city}");
        a.leader = person(&mut rng);
        if !lvliang && rng.chance(10) {
            a.ended_on = Some(on(2025, &mut rng, 300));
        }
        list.push(a);
    }
    for year in FIRST_YEAR..=today.year() {
        let last = if year == today.year() {
            today.ordinal().max(1)
        } else {
            365
        };
        let published = lvliang && year == FIRST_YEAR;
        let (events, trips) = if published {
            (
                count(EVENTS_2023, &zone.name),
                count(TRIPS_2023, &zone.name),
            )
        } else {
            let share = f64::from(last) / 365.0;
            let scale = |n: i64| ((n as f64) * share).round() as usize;
            (scale(rng.range(1, 5)), scale(rng.range(2, 10)))
        };
        for i in 0..events {
            let (chain, _) = *rng.pick(names::CHAINS);
            let kind = *rng.pick(EVENTS);
            let started = on(year, &mut rng, last);
            let mut a = Activity::new(
                zone.id,
                ActivityKind::Event,
                &format!("{year}年{chain}{kind}（第{}场）", i + 1),
                started,
            );
            a.place = if rng.chance(50) {
                zone.name.clone()
            } else {
                rng.pick(CITIES).to_string()
            };
            a.ended_on = Some(started);
            a.leader = person(&mut rng);
            list.push(a);
        }
        for i in 0..trips {
            let city = *rng.pick(CITIES);
            let started = on(year, &mut rng, last);
            let days = rng.range(1, 4) as u64;
            let mut a = Activity::new(
                zone.id,
                ActivityKind::Trip,
                &format!("{year}年赴{city}招商（第{}次）", i + 1),
                started,
            );
            a.place = city.to_string();
            a.ended_on = started
                .checked_add_days(Days::new(days))
                .map(|d| d.min(today).max(started));
            a.leader = person(&mut rng);
            a.people = format!("{}、{}", person(&mut rng), person(&mut rng));
            a.met = format!(
                "{}{}{}",
                names::brand(rng.range(0, names::brand_count() as i64 - 1) as usize),
                rng.pick(names::TRADES),
                rng.pick(names::SUFFIXES)
            );
            list.push(a);
        }
    }
    list
}

/// Adds every zone's activities; those stored, with their ids.
pub async fn seed(
    tx: &mut Tx,
    zones: &[Zone],
    today: NaiveDate,
) -> Result<Vec<Activity>, AppError> {
    let all: Vec<Activity> = zones.iter().flat_map(|z| of_zone(z, today)).collect();
    let ids = kfq_store::insert_activities(tx, &all).await?;
    Ok(all
        .into_iter()
        .filter_map(|a| {
            let id = *ids.get(&format!("{}|{}", a.zone_id, a.name))?;
            Some(Activity { id, ..a })
        })
        .collect())
}

/// The activity a lead came from: of its zone and the kind its source names, the latest that
/// began before it (within three months for an event or trip, open then for an office).
pub fn source_of(lead: &Lead, activities: &[Activity]) -> Option<i64> {
    let kind = match lead.source {
        LeadSource::LiaisonOffice => ActivityKind::LiaisonOffice,
        LeadSource::Promotion => ActivityKind::Event,
        LeadSource::Outbound => ActivityKind::Trip,
        _ => return None,
    };
    activities
        .iter()
        .filter(|a| a.zone_id == lead.zone_id && a.kind == kind)
        .filter(|a| a.started_on <= lead.registered_on)
        .filter(|a| match kind {
            ActivityKind::LiaisonOffice => a.ended_on.is_none_or(|e| e >= lead.registered_on),
            _ => (lead.registered_on - a.started_on).num_days() <= 90,
        })
        .max_by_key(|a| (a.started_on, a.id))
        .map(|a| a.id)
}
