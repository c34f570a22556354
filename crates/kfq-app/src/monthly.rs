//! 月统计 — the monthly statistics cycle: a zone fills, per project under construction, the
//! month's investment and progress and submits; the city approves or sends it back; approved
//! figures roll up to the province. Who may do what follows the hierarchy; every change is
//! audited in its own transaction, and a change from a stale version is refused.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use kfq_core::access::Action;
use kfq_core::monthly::Month;
pub use kfq_core::monthly_return::Step;
use kfq_core::monthly_return::{self as rules, Coded, ReturnStatus, ZoneReturn};
use kfq_core::project::Project;
use kfq_core::zone::Zone;
use kfq_core::{Amount, Lang, Localized};
use kfq_store::{Db, MonthFigure, ReturnLogEntry, StoreError};
use serde::Serialize;

use crate::projects::FieldError;
use crate::{Actor, AppError, Expected};

/// The setting that holds the day of the next month returns are due.
const DEADLINE_KEY: &str = "monthly_deadline_day";
/// Returns are due on the 10th of the next month unless the province says otherwise.
pub const DEFAULT_DEADLINE_DAY: u32 = 10;
/// The longest progress note (形象进度) kept, in characters.
const PROGRESS_MAX: usize = 500;

/// The day of the next month a month's returns are due (`KFQ_MONTHLY_DEADLINE_DAY` until the
/// province sets one).
pub async fn deadline_day(db: &Db) -> Result<u32, AppError> {
    let stored = kfq_store::settings(db).await?;
    let day = stored
        .get(DEADLINE_KEY)
        .cloned()
        .or_else(|| std::env::var("KFQ_MONTHLY_DEADLINE_DAY").ok())
        .and_then(|d| d.trim().parse::<u32>().ok())
        .filter(|d| (1..=28).contains(d));
    Ok(day.unwrap_or(DEFAULT_DEADLINE_DAY))
}

/// The month a request names (`2026-10`, `2026年10月`…), or the one `today` lies in when it
/// names none; refused naming the parameter.
pub fn month_named(
    name: &'static str,
    text: Option<&str>,
    today: NaiveDate,
) -> Result<Month, AppError> {
    match text.map(str::trim).filter(|t| !t.is_empty()) {
        None => Ok(Month::of(today)),
        Some(t) => Month::parse(t).map_err(|_| AppError::BadArgument {
            name,
            value: t.into(),
            expected: Expected::Month,
        }),
    }
}

/// The province sets the day returns are due (1–28), audited before → after.
pub async fn set_deadline_day(db: &Db, actor: &Actor, day: i64) -> Result<u32, AppError> {
    actor.must(Action::ManageRounds)?;
    let day = u32::try_from(day)
        .ok()
        .filter(|d| (1..=28).contains(d))
        .ok_or_else(|| AppError::BadArgument {
            name: "deadline_day",
            value: day.to_string(),
            expected: Expected::DeadlineDay,
        })?;
    let before = deadline_day(db).await?;
    crate::audit::change_setting(db, actor, DEADLINE_KEY, before.to_string(), day.to_string())
        .await?;
    Ok(day)
}

/// Where a zone's return stands, as the city's and the province's overview lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Standing {
    pub zone_id: i64,
    pub zone: String,
    pub city: String,
    pub status: ReturnStatus,
    pub status_label: &'static str,
    pub revision: i64,
    /// Projects it reports this month, and how many have a figure.
    pub projects: usize,
    pub filled: usize,
    /// Past the deadline, never submitted (未报).
    pub missing: bool,
    /// First submitted after the deadline (迟报).
    pub late: bool,
    pub locked: bool,
    pub submitted_at: Option<DateTime<Utc>>,
    pub reviewed_at: Option<DateTime<Utc>>,
    pub comment: String,
    /// The figures as being filled.
    pub filled_wan: Amount,
    /// Of them, those of projects registered in the statistics database by the month's end
    /// (入库项目), and of the others (先入库，后有数: only the first count in the statistics).
    pub registered_wan: Amount,
    pub unregistered_wan: Amount,
    /// What its latest approved revision reported up, if any.
    pub approved_wan: Option<Amount>,
}

/// 月报汇总 — every zone's return of a month in a region, with the approved total.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Overview {
    pub region: String,
    pub name: String,
    pub month: Month,
    pub deadline: NaiveDate,
    pub zones: Vec<Standing>,
    /// Zones by status, and those missing.
    pub submitted: usize,
    pub approved: usize,
    pub returned: usize,
    pub missing: usize,
    /// What the region's approved returns report (上报数): only approved figures count.
    pub approved_wan: Amount,
    /// The figures being filled of registered projects, and of the others.
    pub registered_wan: Amount,
    pub unregistered_wan: Amount,
}

/// Which projects the zones asked for report in a month, and the figures filled: read from the
/// read model and, for the lines only, by key — never the whole ledger, so a zone's return
/// costs what the zone holds at any scale.
struct Books {
    month: Month,
    /// The day the month's returns are due.
    due: NaiveDate,
    zones: Vec<Zone>,
    figures: HashMap<i64, MonthFigure>,
    returns: HashMap<i64, ZoneReturn>,
    /// Each zone's lines: the projects it reports, by code.
    lines: HashMap<i64, Vec<Project>>,
    /// 本年累计 of each line's project.
    year_to_date: HashMap<i64, Amount>,
}

impl Books {
    /// The books of `month` for the zones `zone_ids`.
    async fn of(db: &Db, month: Month, zone_ids: &[i64]) -> Result<Books, AppError> {
        // The projects a zone reports: under construction in the month, or with a figure in it.
        let (zones, lines, year_to_date) = db
            .reading(|m| {
                let mut lines: HashMap<i64, Vec<Project>> = HashMap::new();
                for zone in zone_ids {
                    let mut list: Vec<Project> = m
                        .projects_of(*zone)
                        .filter(|p| {
                            rules::reported_in(p, month) || m.invested(p.id, month).is_some()
                        })
                        .cloned()
                        .collect();
                    if !list.is_empty() {
                        list.sort_by(|a, b| a.code.as_str().cmp(b.code.as_str()));
                        lines.insert(*zone, list);
                    }
                }
                let year_to_date: HashMap<i64, Amount> = lines
                    .values()
                    .flatten()
                    .map(|p| (p.id, m.year_to_date(p.id, month)))
                    .collect();
                let wanted: std::collections::HashSet<&i64> = zone_ids.iter().collect();
                let zones = m
                    .zones
                    .iter()
                    .filter(|z| wanted.contains(&z.id))
                    .cloned()
                    .collect();
                (zones, lines, year_to_date)
            })
            .await?;
        let ids: Vec<i64> = lines.values().flatten().map(|p| p.id).collect();
        Ok(Books {
            month,
            due: rules::deadline(month, deadline_day(db).await?),
            zones,
            figures: match zone_ids {
                // A zone's projects with a figure in the month are among its lines.
                [zone] => kfq_store::month_figures_of_zone(db, month, *zone).await?,
                _ => kfq_store::month_figures_of(db, month, &ids).await?,
            }
            .into_iter()
            .map(|f| (f.project_id, f))
            .collect(),
            returns: returns_of(db, month, zone_ids)
                .await?
                .into_iter()
                .map(|r| (r.zone_id, r))
                .collect(),
            lines,
            year_to_date,
        })
    }

    /// The projects a zone reports this month, by code.
    fn projects(&self, zone_id: i64) -> Vec<&Project> {
        self.lines
            .get(&zone_id)
            .map(|list| list.iter().collect())
            .unwrap_or_default()
    }

    /// The zone's return as stored, or one nobody has touched yet.
    fn state(&self, zone_id: i64) -> ZoneReturn {
        self.returns
            .get(&zone_id)
            .cloned()
            .unwrap_or_else(|| ZoneReturn::new(zone_id, self.month))
    }

    /// 未报: past the deadline, never submitted, with projects to report (a zone with nothing
    /// under construction owes no return).
    fn missing(&self, state: &ZoneReturn, today: NaiveDate) -> bool {
        self.lines.contains_key(&state.zone_id) && state.missing(today, self.due)
    }

    /// The zone, if the actor sees it (else: not found).
    fn zone(&self, actor: &Actor, zone_id: i64) -> Result<Zone, AppError> {
        actor.must(Action::Read)?;
        self.zones
            .iter()
            .find(|z| z.id == zone_id && actor.sees(z))
            .cloned()
            .ok_or(AppError::NotFound)
    }
}

/// The stored returns of a month of the zones given: one zone's by its key (what a clerk's
/// every save reads), more zones' with the month's.
async fn returns_of(db: &Db, month: Month, zone_ids: &[i64]) -> Result<Vec<ZoneReturn>, AppError> {
    let returns = match zone_ids {
        [zone] => kfq_store::monthly_returns_of_zone(db, *zone).await?,
        _ => kfq_store::monthly_returns(db, month).await?,
    };
    Ok(returns.into_iter().filter(|r| r.month == month).collect())
}

/// The returns of a month in the actor's scope (or the region asked for), zone by zone.
pub async fn overview(
    db: &Db,
    actor: &Actor,
    region: Option<&str>,
    month: Month,
    today: NaiveDate,
) -> Result<Overview, AppError> {
    let (scope, in_scope) = crate::reports::zones_in_scope(db, actor, region).await?;
    let zone_ids: Vec<i64> = in_scope.keys().copied().collect();
    let books = Books::of(db, month, &zone_ids).await?;
    let due = books.due;
    let approved: HashMap<i64, Amount> = kfq_store::approved_totals(db, month)
        .await?
        .into_iter()
        .collect();
    let invested = books.figures.values().map(|f| (f.project_id, f.invested));
    let statistics = crate::registration::MonthStandings::of_lines(db, invested).await?;
    let mut zones: Vec<&Zone> = in_scope.values().collect();
    zones.sort_by(|a, b| (a.city, &a.name).cmp(&(b.city, &b.name)));
    let standings: Vec<Standing> = zones
        .into_iter()
        .map(|zone| {
            let state = books.state(zone.id);
            let projects = books.projects(zone.id);
            let figures: Vec<&MonthFigure> = projects
                .iter()
                .filter_map(|p| books.figures.get(&p.id))
                .collect();
            let (mut registered_wan, mut unregistered_wan) = (Amount::default(), Amount::default());
            for p in &projects {
                if let Some(f) = books.figures.get(&p.id) {
                    if statistics.standing(p, month).registered {
                        registered_wan += f.invested;
                    } else {
                        unregistered_wan += f.invested;
                    }
                }
            }
            Standing {
                zone_id: zone.id,
                zone: zone.name.clone(),
                city: kfq_core::region::regions().name(zone.city).to_string(),
                status: state.status,
                status_label: state.status.label(actor.lang),
                revision: state.revision,
                projects: projects.len(),
                filled: figures.len(),
                missing: books.missing(&state, today),
                late: state.late,
                locked: state.locked(today, due),
                submitted_at: state.submitted_at,
                reviewed_at: state.reviewed_at,
                comment: state.comment.clone(),
                filled_wan: figures.iter().map(|f| f.invested).sum(),
                registered_wan,
                unregistered_wan,
                approved_wan: approved.get(&zone.id).copied(),
            }
        })
        .collect();
    let count = |s: ReturnStatus| standings.iter().filter(|z| z.status == s).count();
    Ok(Overview {
        region: scope.key(),
        name: scope.name(),
        month,
        deadline: due,
        submitted: count(ReturnStatus::Submitted),
        approved: count(ReturnStatus::Approved),
        returned: count(ReturnStatus::Returned),
        missing: standings.iter().filter(|z| z.missing).count(),
        approved_wan: standings.iter().filter_map(|z| z.approved_wan).sum(),
        registered_wan: standings.iter().map(|z| z.registered_wan).sum(),
        unregistered_wan: standings.iter().map(|z| z.unregistered_wan).sum(),
        zones: standings,
    })
}

/// A project's line on a zone's monthly return.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Line {
    pub project_id: i64,
    pub code: String,
    pub name: String,
    /// This month's investment, once filled.
    pub invested_wan: Option<Amount>,
    /// 形象进度.
    pub progress: String,
    /// What the latest approved revision reported, if approved once.
    pub approved_wan: Option<Amount>,
    /// 年度计划投资 of the month's year, if set.
    pub planned_wan: Option<Amount>,
    /// Completed this year up to and including this month (本年累计).
    pub year_to_date_wan: Amount,
    /// 滞后于序时进度: behind the share of the year's plan due by this month.
    pub behind_plan: bool,
}

/// An approved revision's figures (both versions of a reopened month stay on record).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Revision {
    pub revision: i64,
    pub total_wan: Amount,
    pub figures: Vec<RevisionFigure>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RevisionFigure {
    pub project_id: i64,
    pub code: String,
    pub invested_wan: Amount,
    pub progress: String,
}

/// What the actor may do with the return now.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Allowed {
    pub fill: bool,
    pub submit: bool,
    pub approve: bool,
    pub send_back: bool,
    pub reopen: bool,
}

/// An entry of the return's history (报送记录).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HistoryEntry {
    pub at: DateTime<Utc>,
    pub user: String,
    pub action: String,
    pub action_label: &'static str,
    pub comment: String,
}

/// 月报表 — one zone's return of one month: its state, its lines and its history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Sheet {
    pub zone: String,
    pub city: String,
    #[serde(flatten)]
    pub state: ZoneReturn,
    pub status_label: &'static str,
    pub deadline: NaiveDate,
    pub locked: bool,
    pub missing: bool,
    pub allowed: Allowed,
    pub lines: Vec<Line>,
    pub total_wan: Amount,
    pub revisions: Vec<Revision>,
    pub history: Vec<HistoryEntry>,
}

/// One zone's return of a month.
pub async fn sheet(
    db: &Db,
    actor: &Actor,
    zone_id: i64,
    month: Month,
    today: NaiveDate,
) -> Result<Sheet, AppError> {
    let books = Books::of(db, month, &[zone_id]).await?;
    let zone = books.zone(actor, zone_id)?;
    let due = books.due;
    let state = books.state(zone_id);
    let projects = books.projects(zone_id);
    let codes: HashMap<i64, String> = db
        .reading(|m| {
            m.projects_of(zone_id)
                .map(|p| (p.id, p.code.to_string()))
                .collect()
        })
        .await?;
    let mut revisions = Vec::new();
    for revision in 1..=state.revision {
        let figures = kfq_store::revision_figures(db, zone_id, month, revision).await?;
        revisions.push(Revision {
            revision,
            total_wan: figures.iter().map(|f| f.invested).sum(),
            figures: figures
                .into_iter()
                .map(|f| RevisionFigure {
                    code: codes.get(&f.project_id).cloned().unwrap_or_default(),
                    project_id: f.project_id,
                    invested_wan: f.invested,
                    progress: f.progress,
                })
                .collect(),
        });
    }
    let approved: HashMap<i64, Amount> = revisions
        .last()
        .map(|r| {
            r.figures
                .iter()
                .map(|f| (f.project_id, f.invested_wan))
                .collect()
        })
        .unwrap_or_default();
    let plans: HashMap<i64, Amount> = kfq_store::annual_plans_of_zone(db, month.year, zone_id)
        .await?
        .into_iter()
        .collect();
    let lines: Vec<Line> = projects
        .iter()
        .map(|p| {
            let figure = books.figures.get(&p.id);
            let planned = plans.get(&p.id).copied();
            let ytd = books
                .year_to_date
                .get(&p.id)
                .copied()
                .unwrap_or(Amount::ZERO);
            Line {
                project_id: p.id,
                code: p.code.to_string(),
                name: p.name.clone(),
                invested_wan: figure.map(|f| f.invested),
                progress: figure.map(|f| f.progress.clone()).unwrap_or_default(),
                approved_wan: approved.get(&p.id).copied(),
                planned_wan: planned,
                year_to_date_wan: ytd,
                behind_plan: planned.is_some_and(|plan| rules::behind_plan(plan, ytd, month)),
            }
        })
        .collect();
    let history = kfq_store::monthly_return_log(db, zone_id, month)
        .await?
        .into_iter()
        .map(|e| HistoryEntry {
            action_label: Step::parse(&e.action).map_or("", |step| step.label(actor.lang)),
            at: e.at,
            user: e.actor,
            action: e.action,
            comment: e.comment,
        })
        .collect();
    let fills = actor.role.allows(Action::FillMonthly) && state.may_fill(today, due).is_ok();
    let reviews = actor.role.allows(Action::ReviewMonthly) && state.may_review().is_ok();
    let allowed = Allowed {
        fill: fills,
        submit: fills,
        approve: reviews,
        send_back: reviews,
        reopen: actor.role.allows(Action::ReviewMonthly) && state.may_reopen(today, due).is_ok(),
    };
    Ok(Sheet {
        zone: zone.name,
        city: kfq_core::region::regions().name(zone.city).to_string(),
        status_label: state.status.label(actor.lang),
        deadline: due,
        locked: state.locked(today, due),
        missing: books.missing(&state, today),
        total_wan: lines.iter().filter_map(|l| l.invested_wan).sum(),
        allowed,
        lines,
        revisions,
        history,
        state,
    })
}

/// A step asked for, from the version of the return the user saw, with its comment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Turn<'a> {
    pub step: Step,
    pub version: i64,
    pub comment: &'a str,
}

/// A figure as a clerk fills it: the project, the month's investment in 万元 and the progress.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct FigureInput {
    pub project_id: i64,
    /// Empty: not filled yet.
    pub invested_wan: String,
    pub progress: String,
}

/// 填报 — the zone saves figures of the month (all or nothing), from the version of the return
/// it saw. Refused while the return is submitted or approved, or locked by the deadline.
pub async fn fill(
    db: &Db,
    actor: &Actor,
    zone_id: i64,
    month: Month,
    version: i64,
    inputs: &[FigureInput],
    today: NaiveDate,
) -> Result<Sheet, AppError> {
    actor.must(Action::Read)?;
    // The zone, if seen, and its projects' codes by id: what a figure is checked against and
    // named by (the lines are the answer's business, read after the write).
    let (zone, projects): (Option<Zone>, HashMap<i64, String>) = db
        .reading(|m| {
            let zone = m.zones.iter().find(|z| z.id == zone_id && actor.sees(z));
            let codes = match zone {
                Some(_) => m
                    .projects_of(zone_id)
                    .map(|p| (p.id, p.code.to_string()))
                    .collect(),
                None => HashMap::new(),
            };
            (zone.cloned(), codes)
        })
        .await?;
    zone.ok_or(AppError::NotFound)?;
    actor.must(Action::FillMonthly)?;
    let due = rules::deadline(month, deadline_day(db).await?);
    let mut errors = Vec::new();
    let mut figures = Vec::new();
    for (i, input) in inputs.iter().enumerate() {
        let field = |name: &str| format!("figures[{i}].{name}");
        let Some(code) = projects.get(&input.project_id) else {
            errors.push(FieldError {
                field: field("project_id"),
                message: match actor.lang {
                    Lang::Zh => format!("本开发区没有 id 为 {} 的项目", input.project_id),
                    Lang::En => format!("no project with id {} in this zone", input.project_id),
                },
            });
            continue;
        };
        let text = input.invested_wan.trim();
        if text.is_empty() {
            continue;
        }
        let invested = match Amount::parse_wan(text) {
            Ok(a) if a >= Amount::ZERO => a,
            Ok(_) => {
                errors.push(FieldError {
                    field: field("invested_wan"),
                    message: format!(
                        "{}：{}",
                        code,
                        actor
                            .lang
                            .pick("投资额不能为负数", "investment cannot be negative")
                    ),
                });
                continue;
            }
            Err(e) => {
                errors.push(FieldError {
                    field: field("invested_wan"),
                    message: format!("{}：“{text}”{}", code, e.message(actor.lang)),
                });
                continue;
            }
        };
        let progress = input.progress.trim().to_string();
        if progress.chars().count() > PROGRESS_MAX {
            errors.push(FieldError {
                field: field("progress"),
                message: format!(
                    "{}：{}",
                    code,
                    match actor.lang {
                        Lang::Zh => format!("形象进度不超过 {PROGRESS_MAX} 字"),
                        Lang::En => format!("progress is at most {PROGRESS_MAX} characters"),
                    }
                ),
            });
            continue;
        }
        figures.push((
            code.clone(),
            MonthFigure {
                project_id: input.project_id,
                invested,
                progress,
            },
        ));
    }
    if !errors.is_empty() {
        return Err(AppError::Invalid(errors));
    }
    let mut tx = db.begin().await?;
    let stored = current(&mut tx, zone_id, month, version).await?;
    stored.may_fill(today, due)?;
    let written: Vec<i64> = figures.iter().map(|(_, f)| f.project_id).collect();
    let now: HashMap<i64, MonthFigure> = kfq_store::month_figures_of_in(&mut tx, month, &written)
        .await?
        .into_iter()
        .map(|f| (f.project_id, f))
        .collect();
    for (code, figure) in &figures {
        let before = now.get(&figure.project_id);
        if before == Some(figure) {
            continue;
        }
        kfq_store::set_month_figures(&mut tx, &[(month, figure.clone())]).await?;
        crate::audit::append(
            &mut tx,
            actor,
            if before.is_some() { "update" } else { "create" },
            "monthly_report",
            &format!("{code}/{month}"),
            before.map(figure_json),
            Some(figure_json(figure)),
        )
        .await?;
    }
    kfq_store::save_monthly_return(&mut tx, &stored).await?;
    tx.commit().await?;
    sheet(db, actor, zone_id, month, today).await
}

/// The audit trail's record of a month's figure (as the import writes it).
pub(crate) fn figure_json(f: &MonthFigure) -> String {
    serde_json::json!({"invested_wan": f.invested, "progress": f.progress}).to_string()
}

/// The return as stored now, if still at `version` (0: never stored): else a conflict.
async fn current(
    tx: &mut kfq_store::Tx,
    zone_id: i64,
    month: Month,
    version: i64,
) -> Result<ZoneReturn, AppError> {
    let stored = kfq_store::monthly_return_in(tx, zone_id, month)
        .await?
        .unwrap_or_else(|| ZoneReturn::new(zone_id, month));
    if stored.version != version {
        return Err(AppError::Store(StoreError::Conflict));
    }
    Ok(stored)
}

/// Moves a zone's return one step (报送, 审核通过, 退回, 重新打开) from the version the user saw,
/// with the comment sending back and reopening need. Submitting needs every line filled;
/// approving freezes the figures as a new revision.
pub async fn step(
    db: &Db,
    actor: &Actor,
    zone_id: i64,
    month: Month,
    turn: Turn<'_>,
    now: DateTime<Utc>,
) -> Result<Sheet, AppError> {
    let Turn {
        step,
        version,
        comment,
    } = turn;
    let books = Books::of(db, month, &[zone_id]).await?;
    let zone = books.zone(actor, zone_id)?;
    actor.must(match step {
        Step::Submit => Action::FillMonthly,
        _ => Action::ReviewMonthly,
    })?;
    let due = books.due;
    let lines: Vec<&Project> = books.projects(zone_id);
    let mut tx = db.begin().await?;
    let stored = current(&mut tx, zone_id, month, version).await?;
    let ids: Vec<i64> = lines.iter().map(|p| p.id).collect();
    let figures: Vec<MonthFigure> = kfq_store::month_figures_of_in(&mut tx, month, &ids).await?;
    let who = actor.username.as_str();
    let after = match step {
        Step::Submit => {
            let unfilled: Vec<FieldError> = lines
                .iter()
                .filter(|p| !figures.iter().any(|f| f.project_id == p.id))
                .map(|p| FieldError {
                    field: format!("project:{}", p.code),
                    message: format!(
                        "{} {}：{}",
                        p.code,
                        p.name,
                        actor.lang.pick(
                            "本月完成投资未填报（没有投资请填 0）",
                            "this month's investment is not filled (write 0 if none)"
                        )
                    ),
                })
                .collect();
            if !unfilled.is_empty() {
                stored.may_fill(now.date_naive(), due)?;
                return Err(AppError::Invalid(unfilled));
            }
            stored.clone().submit(who, now, due)?
        }
        Step::Approve => stored.clone().approve(who, now)?,
        Step::SendBack => stored.clone().send_back(who, now, comment)?,
        Step::Reopen => stored.clone().reopen(who, now, due, comment)?,
    };
    if step == Step::Approve {
        kfq_store::freeze_revision(&mut tx, zone_id, month, after.revision, &figures).await?;
    }
    kfq_store::save_monthly_return(&mut tx, &after).await?;
    kfq_store::log_monthly_return(
        &mut tx,
        zone_id,
        month,
        &ReturnLogEntry {
            at: now,
            actor: who.into(),
            action: step.code().into(),
            comment: comment.trim().into(),
        },
    )
    .await?;
    crate::audit::append(
        &mut tx,
        actor,
        step.code(),
        "monthly_return",
        &format!("{}/{month}", zone.name),
        Some(return_json(&stored)),
        Some(return_json(&ZoneReturn {
            version: stored.version + 1,
            ..after
        })),
    )
    .await?;
    tx.commit_outside_ledger().await?;
    sheet(db, actor, zone_id, month, now.date_naive()).await
}

fn return_json(r: &ZoneReturn) -> String {
    serde_json::json!({
        "status": r.status.code(), "revision": r.revision, "reopened": r.reopened,
        "late": r.late, "comment": r.comment, "version": r.version,
    })
    .to_string()
}

/// Sets a project's investment plan for a year (年度计划投资), in 万元; audited.
pub async fn set_plan(
    db: &Db,
    actor: &Actor,
    project_id: i64,
    year: &str,
    planned_wan: &str,
) -> Result<(i32, Amount), AppError> {
    actor.must(Action::EditProject)?;
    let snapshot = db.snapshot().await?;
    let project = actor.project(&snapshot, project_id)?;
    let planned = Amount::parse_wan(planned_wan)
        .ok()
        .filter(|a| *a >= Amount::ZERO)
        .ok_or_else(|| AppError::BadArgument {
            name: "planned_wan",
            value: planned_wan.into(),
            expected: Expected::Amount,
        })?;
    let year = year
        .trim()
        .parse::<i32>()
        .ok()
        .filter(|y| (1900..=2200).contains(y))
        .ok_or_else(|| AppError::BadArgument {
            name: "year",
            value: year.into(),
            expected: Expected::Between(1900, 2200),
        })?;
    let before = kfq_store::annual_plans(db, year)
        .await?
        .into_iter()
        .find(|(p, _)| *p == project_id)
        .map(|(_, a)| a);
    let mut tx = db.begin().await?;
    kfq_store::set_annual_plans(&mut tx, &[(project_id, year, planned)]).await?;
    let json = |a: Amount| serde_json::json!({ "planned_wan": a }).to_string();
    crate::audit::append(
        &mut tx,
        actor,
        if before.is_some() { "update" } else { "create" },
        "annual_plan",
        &format!("{}/{year}", project.code),
        before.map(json),
        Some(json(planned)),
    )
    .await?;
    tx.commit_outside_ledger().await?;
    Ok((year, planned))
}
