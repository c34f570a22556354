//! The quarterly reports as use cases: load the facts in scope, let the domain compute.

use std::collections::HashMap;

use chrono::NaiveDate;
use kfq_core::monthly::Month;
use kfq_core::region::regions;
use kfq_core::report::funnel::{funnel_stages, Funnel, FunnelFact, FunnelRules};
use kfq_core::report::round_summary::{summarize, EntryFact, RoundSummary, SummaryRow};
use kfq_core::report::stuck::{stuck_lists, StuckFact, StuckList, StuckThresholds};
use kfq_core::round::RoundId;
use kfq_core::zone::Zone;
use kfq_store::Db;
use serde::Serialize;

pub use crate::checks::{checks, Checks};
use crate::{Actor, AppError, Expected, Scope};

pub fn parse_round(text: &str) -> Result<RoundId, AppError> {
    RoundId::parse(text).map_err(|_| AppError::BadArgument {
        name: "round",
        value: text.into(),
        expected: Expected::Round,
    })
}

pub fn parse_date(name: &'static str, text: &str) -> Result<NaiveDate, AppError> {
    text.trim().parse().map_err(|_| AppError::BadArgument {
        name,
        value: text.into(),
        expected: Expected::Date,
    })
}

/// The scope `region` names, and its zones by id.
pub(crate) async fn zones_in_scope(
    db: &Db,
    actor: &Actor,
    region: Option<&str>,
) -> Result<(Scope, HashMap<i64, Zone>), AppError> {
    let zones = kfq_store::zones(db).await?;
    let scope = actor.region(region, &zones)?;
    let in_scope = zones
        .into_iter()
        .filter(|z| scope.contains(z))
        .map(|z| (z.id, z))
        .collect();
    Ok((scope, in_scope))
}

/// Today, on the server's clock: what reports and deadlines default to.
/// A period whose end comes before its start is refused, naming the end.
pub fn in_order(from: NaiveDate, to: NaiveDate) -> Result<(), AppError> {
    if from > to {
        return Err(AppError::BadArgument {
            name: "to",
            value: to.to_string(),
            expected: Expected::NotAfter(from.to_string()),
        });
    }
    Ok(())
}

/// The names of the zones the actor sees, in order: what a form offers to choose from.
pub async fn zone_names(db: &Db, actor: &Actor) -> Result<Vec<String>, AppError> {
    actor.must(kfq_core::access::Action::Read)?;
    let mut names: Vec<String> = kfq_store::zones(db)
        .await?
        .into_iter()
        .filter(|z| actor.sees(z))
        .map(|z| z.name)
        .collect();
    names.sort();
    Ok(names)
}

pub fn today() -> NaiveDate {
    chrono::Local::now().date_naive()
}

/// The date given, or today when none is (reports default to today).
pub fn as_of_or_today(name: &'static str, text: Option<&str>) -> Result<NaiveDate, AppError> {
    match text {
        Some(d) => parse_date(name, d),
        None => Ok(today()),
    }
}

/// A period as users give it, each end named as they named it: from 1 January of this year
/// and to today when an end is not given (or given empty).
pub fn period(
    (from_name, from): (&'static str, Option<&str>),
    (to_name, to): (&'static str, Option<&str>),
) -> Result<(NaiveDate, NaiveDate), AppError> {
    fn given(t: Option<&str>) -> Option<&str> {
        t.filter(|t| !t.trim().is_empty())
    }
    let today = today();
    let from = match given(from) {
        Some(t) => parse_date(from_name, t)?,
        None => NaiveDate::from_ymd_opt(chrono::Datelike::year(&today), 1, 1).unwrap_or(today),
    };
    Ok((from, as_of_or_today(to_name, given(to))?))
}

/// The rows of a summary for a scope: its cities (province), its zones (city) or itself (zone),
/// and which row each zone's entries fall in.
fn summary_rows(scope: &Scope, zones: &[Zone]) -> (Vec<SummaryRow>, HashMap<i64, usize>) {
    let mut rows = Vec::new();
    let mut row_of_zone = HashMap::new();
    match scope {
        Scope::Country => {
            let provinces: Vec<_> = regions()
                .all()
                .iter()
                .filter(|r| r.parent.is_none())
                .collect();
            for zone in zones {
                let province = zone.city.province();
                if let Some(i) = provinces.iter().position(|p| p.code == province) {
                    row_of_zone.insert(zone.id, i);
                }
            }
            for p in provinces {
                rows.push(SummaryRow::new(p.code.to_string(), p.name.clone()));
            }
        }
        Scope::Province { code } => {
            let cities: Vec<_> = regions().cities_of(*code).collect();
            for city in &cities {
                rows.push(SummaryRow::new(city.code.to_string(), city.name.clone()));
            }
            for zone in zones {
                if let Some(i) = cities.iter().position(|c| c.code == zone.city) {
                    row_of_zone.insert(zone.id, i);
                }
            }
        }
        Scope::City { .. } | Scope::Zone { .. } => {
            for zone in zones.iter().filter(|z| scope.contains(z)) {
                row_of_zone.insert(zone.id, rows.len());
                rows.push(SummaryRow::new(zone.name.clone(), zone.name.clone()));
            }
        }
    }
    (rows, row_of_zone)
}

/// A batch entry as a summary adds it up, in the row of its zone (None outside the rows).
fn entry_fact(
    e: &kfq_core::round::BatchEntry,
    row_of_zone: &HashMap<i64, usize>,
) -> Option<EntryFact> {
    Some(EntryFact {
        row: *row_of_zone.get(&e.zone_id)?,
        batch: e.batch,
        amount: e.amount,
        expected_output: e.expected_output,
        strategic_emerging: e.strategic_emerging,
        category: e.category,
    })
}

/// “三个一批”活动情况汇总 of one round for a region.
pub async fn round_summary(
    db: &Db,
    actor: &Actor,
    round: RoundId,
    region: Option<&str>,
) -> Result<RoundSummary, AppError> {
    let rounds = kfq_store::rounds(db).await?;
    if !rounds.iter().any(|r| r.id == round) {
        return Err(AppError::UnknownRound(round.to_string()));
    }
    let zones = kfq_store::zones(db).await?;
    let scope = actor.region(region, &zones)?;
    let (rows, row_of_zone) = summary_rows(&scope, &zones);
    let entries = kfq_store::entries(db, Some((round, round))).await?;
    let facts = entries.iter().filter_map(|e| entry_fact(e, &row_of_zone));
    Ok(summarize(
        round,
        SummaryRow::new(scope.key(), scope.name()),
        rows,
        facts,
    ))
}

/// One batch entry behind a report's numbers, with its project: the lineage of a figure.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EntryLine {
    pub round: RoundId,
    pub batch: kfq_core::round::BatchKind,
    pub code: String,
    pub name: String,
    pub zone: String,
    pub city: String,
    pub category: kfq_core::project::Category,
    pub strategic_emerging: bool,
    /// As frozen at entry.
    pub amount_wan: kfq_core::Amount,
    /// Whether it reached the batch's next milestone by the date asked (funnels only).
    pub converted: Option<bool>,
}

/// The batch entries of rounds `from..=to` in a region, each with its project, in round,
/// batch and code order; with `as_of`, whether each converted by then.
pub async fn entry_lines(
    db: &Db,
    actor: &Actor,
    region: Option<&str>,
    (from, to): (RoundId, RoundId),
    as_of: Option<NaiveDate>,
) -> Result<Vec<EntryLine>, AppError> {
    let (_, in_scope) = zones_in_scope(db, actor, region).await?;
    let snapshot = db.snapshot().await?;
    let mut lines: Vec<EntryLine> = snapshot
        .entries
        .iter()
        .filter(|e| e.round >= from && e.round <= to)
        .filter_map(|e| {
            let zone = in_scope.get(&e.zone_id)?;
            let p = snapshot.project(e.project_id)?;
            Some(EntryLine {
                round: e.round,
                batch: e.batch,
                code: p.code.to_string(),
                name: p.name.clone(),
                zone: zone.name.clone(),
                city: regions().name(zone.city).to_string(),
                category: e.category,
                strategic_emerging: e.strategic_emerging,
                amount_wan: e.amount,
                converted: as_of.map(|day| {
                    p.dates
                        .get(e.batch.next_milestone())
                        .is_some_and(|d| d <= day)
                }),
            })
        })
        .collect();
    lines.sort_by(|a, b| (a.round, a.batch, &a.code).cmp(&(b.round, b.batch, &b.code)));
    Ok(lines)
}

/// The conversion funnel over rounds `from..=to`, as of a date (default today).
pub async fn funnel(
    db: &Db,
    actor: &Actor,
    region: Option<&str>,
    from: RoundId,
    to: RoundId,
    as_of: NaiveDate,
    rules: &FunnelRules,
) -> Result<Funnel, AppError> {
    if from > to {
        return Err(AppError::BadArgument {
            name: "from",
            value: from.to_string(),
            expected: Expected::NotAfter(to.to_string()),
        });
    }
    let (scope, in_scope) = zones_in_scope(db, actor, region).await?;
    let snapshot = db.snapshot().await?;
    let month = Month::of(as_of);
    let facts: Vec<FunnelFact> = snapshot
        .entries
        .iter()
        .filter(|e| e.round >= from && e.round <= to && in_scope.contains_key(&e.zone_id))
        .filter_map(|e| {
            let project = snapshot.project(e.project_id)?;
            Some(FunnelFact {
                batch: e.batch,
                amount: e.amount,
                category: e.category,
                dates: project.dates,
                completed: snapshot.completed_by(e.project_id, month),
            })
        })
        .collect();
    Ok(Funnel {
        region: scope.key(),
        name: scope.name(),
        from,
        to,
        as_of,
        stages: funnel_stages(&facts, as_of, rules, actor.lang),
    })
}

/// 签约未落、落而未投、投未达效 for a region.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StuckReport {
    pub region: String,
    pub name: String,
    pub as_of: NaiveDate,
    pub lists: Vec<StuckList>,
}

pub async fn stuck(
    db: &Db,
    actor: &Actor,
    region: Option<&str>,
    as_of: NaiveDate,
    thresholds: &StuckThresholds,
) -> Result<StuckReport, AppError> {
    let (scope, in_scope) = zones_in_scope(db, actor, region).await?;
    let snapshot = db.snapshot().await?;
    let facts: Vec<StuckFact> = snapshot
        .projects
        .iter()
        .filter_map(|p| {
            let zone = in_scope.get(&p.zone_id)?;
            Some(StuckFact {
                code: p.code.to_string(),
                name: p.name.clone(),
                zone: zone.name.clone(),
                amount: p.total_investment,
                dates: p.dates,
                terminated_on: p.terminated_on,
            })
        })
        .collect();
    Ok(StuckReport {
        region: scope.key(),
        name: scope.name(),
        as_of,
        lists: stuck_lists(&facts, as_of, thresholds, actor.lang),
    })
}

/// 月度投资走势 — investment completed per month in a region.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Trend {
    pub region: String,
    pub name: String,
    pub months: Vec<kfq_core::monthly::Month>,
    pub invested_wan: Vec<kfq_core::Amount>,
}

/// The `count` months up to and including `until` (default: the latest month reported).
pub async fn trend(
    db: &Db,
    actor: &Actor,
    region: Option<&str>,
    until: Option<Month>,
    count: usize,
) -> Result<Trend, AppError> {
    let (scope, in_scope) = zones_in_scope(db, actor, region).await?;
    let until = match until {
        Some(m) => m,
        None => kfq_store::last_month(db)
            .await?
            .unwrap_or_else(|| Month::of(chrono::Local::now().date_naive())),
    };
    let mut months = vec![until];
    while months.len() < count.max(1) {
        months.insert(0, months[0].previous());
    }
    let mut invested = vec![kfq_core::Amount::ZERO; months.len()];
    for (zone, month, amount) in kfq_store::monthly_by_zone(db, months[0], until).await? {
        if let (true, Some(i)) = (
            in_scope.contains_key(&zone),
            months.iter().position(|m| *m == month),
        ) {
            invested[i] += amount;
        }
    }
    Ok(Trend {
        region: scope.key(),
        name: scope.name(),
        months,
        invested_wan: invested,
    })
}

/// An overdue blocker (逾期堵点), with its project.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OverdueBlocker {
    pub project_id: i64,
    pub code: String,
    pub project: String,
    pub zone: String,
    pub description: String,
    pub owner_unit: String,
    pub owner: String,
    pub due_on: NaiveDate,
    pub days_overdue: i64,
}

/// Blockers past their due date and unresolved on `today`, the longest overdue first.
pub async fn overdue_blockers(
    db: &Db,
    actor: &Actor,
    region: Option<&str>,
    today: NaiveDate,
) -> Result<Vec<OverdueBlocker>, AppError> {
    let (_, in_scope) = zones_in_scope(db, actor, region).await?;
    let snapshot = db.snapshot().await?;
    let mut list: Vec<OverdueBlocker> = snapshot
        .blockers
        .iter()
        .filter(|b| b.is_overdue(today))
        .filter_map(|b| {
            let project = snapshot.project(b.project_id)?;
            let zone = in_scope.get(&project.zone_id)?;
            let due_on = b.due_on?;
            Some(OverdueBlocker {
                project_id: project.id,
                code: project.code.to_string(),
                project: project.name.clone(),
                zone: zone.name.clone(),
                description: b.description.clone(),
                owner_unit: b.owner_unit.clone(),
                owner: b.owner.clone(),
                due_on,
                days_overdue: (today - due_on).num_days(),
            })
        })
        .collect();
    list.sort_by(|a, b| {
        b.days_overdue
            .cmp(&a.days_overdue)
            .then(a.code.cmp(&b.code))
    });
    Ok(list)
}

/// A province's line of the national overview: its three batches of the round, and the
/// blockers of its projects overdue on the day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OverviewLine {
    #[serde(flatten)]
    pub row: SummaryRow,
    pub overdue_blockers: u64,
}

/// 全国概览 — a round by province, with overdue blockers: what a national (or provincial)
/// official opens first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Overview {
    pub round: RoundId,
    pub as_of: NaiveDate,
    pub region: String,
    pub name: String,
    pub provinces: Vec<OverviewLine>,
    pub total: OverviewLine,
}

/// The round's batches by province within the actor's scope, and the blockers overdue on
/// `today` in each.
pub async fn overview(
    db: &Db,
    actor: &Actor,
    round: RoundId,
    today: NaiveDate,
) -> Result<Overview, AppError> {
    let snapshot = db.snapshot().await?;
    if !snapshot.rounds.iter().any(|r| r.id == round) {
        return Err(AppError::UnknownRound(round.to_string()));
    }
    let scope = actor.region(None, &snapshot.zones)?;
    let in_scope: HashMap<i64, &Zone> = snapshot
        .zones
        .iter()
        .filter(|z| scope.contains(z))
        .map(|z| (z.id, z))
        .collect();
    let mut provinces: Vec<kfq_core::region::RegionCode> =
        in_scope.values().map(|z| z.city.province()).collect();
    provinces.sort();
    provinces.dedup();
    let row_of_zone: HashMap<i64, usize> = in_scope
        .values()
        .filter_map(|z| Some((z.id, provinces.binary_search(&z.city.province()).ok()?)))
        .collect();
    let rows = provinces
        .iter()
        .map(|p| SummaryRow::new(p.to_string(), regions().name(*p)))
        .collect();
    let facts = snapshot
        .entries
        .iter()
        .filter(|e| e.round == round)
        .filter_map(|e| entry_fact(e, &row_of_zone));
    let summary = summarize(
        round,
        SummaryRow::new(scope.key(), scope.name()),
        rows,
        facts,
    );
    let mut overdue = vec![0u64; provinces.len()];
    for b in snapshot.blockers.iter().filter(|b| b.is_overdue(today)) {
        let row = snapshot
            .project(b.project_id)
            .and_then(|p| row_of_zone.get(&p.zone_id));
        if let Some(row) = row {
            overdue[*row] += 1;
        }
    }
    let total_overdue = overdue.iter().sum();
    Ok(Overview {
        round,
        as_of: today,
        region: summary.region,
        name: summary.name,
        provinces: summary
            .rows
            .into_iter()
            .zip(overdue)
            .map(|(row, overdue_blockers)| OverviewLine {
                row,
                overdue_blockers,
            })
            .collect(),
        total: OverviewLine {
            row: summary.total,
            overdue_blockers: total_overdue,
        },
    })
}
