//! The quarterly reports as use cases: load the facts in scope, let the domain compute.

use std::collections::HashMap;
use std::sync::{Arc, RwLock, RwLockReadGuard};

use chrono::NaiveDate;
use kfq_core::monthly::Month;
use kfq_core::region::regions;
use kfq_core::report::funnel::{funnel_stages, ConvertedAmount, Funnel, FunnelFact, FunnelRules};
use kfq_core::report::round_summary::{summarize, RoundSummary, SummaryRow};
use kfq_core::report::stuck::{stuck_lists, StuckFact, StuckList, StuckThresholds};
use kfq_core::round::RoundId;
use kfq_core::zone::Zone;
use kfq_store::{Db, ReadModel};
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
    scope_of(actor, region, &kfq_store::zones(db).await?)
}

/// The scope `region` names among `zones`, and its zones by id.
fn scope_of(
    actor: &Actor,
    region: Option<&str>,
    zones: &[Zone],
) -> Result<(Scope, HashMap<i64, Zone>), AppError> {
    let scope = actor.region(region, zones)?;
    let in_scope = zones
        .iter()
        .filter(|z| scope.contains(z))
        .map(|z| (z.id, z.clone()))
        .collect();
    Ok((scope, in_scope))
}

/// The dashboards' read model, up to date, to read from (without awaiting while it is held).
async fn read_model(db: &Db) -> Result<Arc<RwLock<ReadModel>>, AppError> {
    Ok(db.read_model().await?)
}

fn reading(model: &RwLock<ReadModel>) -> Result<RwLockReadGuard<'_, ReadModel>, AppError> {
    model.read().map_err(|_| AppError::Internal)
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

/// The round's summary over `rows`, each zone's figures added to its row.
fn summary_of_zones(
    model: &ReadModel,
    round: RoundId,
    total: SummaryRow,
    mut rows: Vec<SummaryRow>,
    row_of_zone: &HashMap<i64, usize>,
) -> RoundSummary {
    for (zone, row) in row_of_zone {
        if let (Some(figures), Some(row)) = (model.figures(round, *zone), rows.get_mut(*row)) {
            row.add(figures);
        }
    }
    summarize(round, total, rows, std::iter::empty())
}

/// “三个一批”活动情况汇总 of one round for a region.
pub async fn round_summary(
    db: &Db,
    actor: &Actor,
    round: RoundId,
    region: Option<&str>,
) -> Result<RoundSummary, AppError> {
    let handle = read_model(db).await?;
    let model = reading(&handle)?;
    if !model.rounds.iter().any(|r| r.id == round) {
        return Err(AppError::UnknownRound(round.to_string()));
    }
    let scope = actor.region(region, &model.zones)?;
    let (rows, row_of_zone) = summary_rows(&scope, &model.zones);
    Ok(summary_of_zones(
        &model,
        round,
        SummaryRow::new(scope.key(), scope.name()),
        rows,
        &row_of_zone,
    ))
}

/// The batch entries of rounds `from..=to` of the zones in `in_scope`.
fn entries_in<'m>(
    model: &'m ReadModel,
    rounds: (RoundId, RoundId),
    in_scope: &'m HashMap<i64, Zone>,
) -> impl Iterator<Item = &'m kfq_core::round::BatchEntry> {
    in_scope
        .keys()
        .flat_map(move |zone| model.entries_of(rounds, *zone))
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
    let handle = read_model(db).await?;
    let model = reading(&handle)?;
    let (_, in_scope) = scope_of(actor, region, &model.zones)?;
    let mut lines: Vec<EntryLine> = entries_in(&model, (from, to), &in_scope)
        .filter_map(|e| {
            let zone = in_scope.get(&e.zone_id)?;
            let p = model.project(e.project_id)?;
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
    let handle = read_model(db).await?;
    let model = reading(&handle)?;
    let (scope, in_scope) = scope_of(actor, region, &model.zones)?;
    let month = Month::of(as_of);
    let facts: Vec<FunnelFact> = in_scope
        .keys()
        .flat_map(|zone| model.entries_with_dates((from, to), *zone))
        .map(|(e, dates)| {
            // Investment completed counts only where a rate counts it, for entries that
            // converted: the others are not looked up.
            let counted = rules.rule(e.batch).converted_amount
                == ConvertedAmount::CompletedInvestment
                && dates.reached_by(e.batch.next_milestone(), as_of);
            FunnelFact {
                batch: e.batch,
                amount: e.amount,
                category: e.category,
                dates: *dates,
                completed: if counted {
                    model.completed_by(e.project_id, month)
                } else {
                    kfq_core::Amount::ZERO
                },
            }
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
    let handle = read_model(db).await?;
    let model = reading(&handle)?;
    let (scope, in_scope) = scope_of(actor, region, &model.zones)?;
    let facts: Vec<StuckFact> = in_scope
        .keys()
        .flat_map(|z| model.projects_of(*z))
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
    let handle = read_model(db).await?;
    let model = reading(&handle)?;
    let (scope, in_scope) = scope_of(actor, region, &model.zones)?;
    let until = until
        .or_else(|| model.last_month())
        .unwrap_or_else(|| Month::of(chrono::Local::now().date_naive()));
    let mut months = vec![until];
    while months.len() < count.max(1) {
        months.insert(0, months[0].previous());
    }
    let invested = months
        .iter()
        .map(|month| {
            in_scope
                .keys()
                .map(|zone| model.invested_in(*zone, *month))
                .sum()
        })
        .collect();
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
    let handle = read_model(db).await?;
    let model = reading(&handle)?;
    let (_, in_scope) = scope_of(actor, region, &model.zones)?;
    let mut list: Vec<OverdueBlocker> = in_scope
        .keys()
        .flat_map(|z| model.blockers_of(*z))
        .filter(|b| b.is_overdue(today))
        .filter_map(|b| {
            let project = model.project(b.project_id)?;
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
    let handle = read_model(db).await?;
    let model = reading(&handle)?;
    if !model.rounds.iter().any(|r| r.id == round) {
        return Err(AppError::UnknownRound(round.to_string()));
    }
    let scope = actor.region(None, &model.zones)?;
    let in_scope: HashMap<i64, &Zone> = model
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
    let summary = summary_of_zones(
        &model,
        round,
        SummaryRow::new(scope.key(), scope.name()),
        rows,
        &row_of_zone,
    );
    let mut overdue = vec![0u64; provinces.len()];
    for (zone, row) in &row_of_zone {
        let count = model.overdue_count(*zone, today);
        if let Some(slot) = overdue.get_mut(*row) {
            *slot += count as u64;
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
