//! 首页 — the user's region at a glance: the latest round, the funnel, the monthly trend, the
//! stuck lists and the overdue blockers. Every figure links to the projects that make it.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use kfq_app::AppError;
use kfq_core::report::funnel::FunnelRules;
use kfq_core::report::round_summary::RoundSummary;
use kfq_core::report::stuck::StuckThresholds;
use kfq_core::round::{BatchKind, RoundId};
use kfq_core::scope::Scope;
use kfq_core::Lang;
use serde_json::{json, Map, Value};

use super::format::amount;
use super::{chart_json, error_page, json_number, render, words, Choice, Chrome, PageUser};
use crate::AppState;

pub struct Cell {
    pub count: u64,
    pub amount: String,
    pub href: String,
}

pub struct SummaryRow {
    pub name: String,
    pub cells: Vec<Cell>,
}

pub struct Summary {
    pub title: String,
    pub chart: String,
    pub rows: Vec<SummaryRow>,
}

pub struct FunnelRow {
    pub name: String,
    pub cohort_href: String,
    pub converted_href: String,
    pub count: String,
    pub converted: String,
    pub by_amount: String,
    pub by_count: String,
    pub formula_amount: String,
    pub formula_count: String,
}

pub struct StuckItem {
    pub id: i64,
    pub name: String,
    pub zone: String,
    pub amount: String,
    pub days: i64,
}

pub struct StuckList {
    pub name: String,
    pub href: String,
    pub count: u64,
    pub items: Vec<StuckItem>,
}

pub struct OverdueRow {
    pub id: i64,
    pub project: String,
    pub description: String,
    pub owner: String,
    pub days: i64,
}

#[derive(Template)]
#[template(path = "dashboard.html")]
struct Dashboard {
    chrome: Chrome,
    region_name: String,
    summary: Option<Summary>,
    summary_rounds: Vec<Choice>,
    from_rounds: Vec<Choice>,
    to_rounds: Vec<Choice>,
    funnel: Vec<FunnelRow>,
    trend_chart: String,
    stuck: Vec<StuckList>,
    overdue: Vec<OverdueRow>,
    overdue_count: usize,
    finding_groups: Vec<super::checks::FindingGroup>,
    findings_total: usize,
    /// When the figures are set back: what to, and the changes since.
    reported: Option<Reported>,
}

pub struct Reported {
    pub named: String,
    pub at: String,
    pub changes: Vec<super::projects::ChangeRow>,
}

/// The project list behind one cell of the summary: a row (city or zone) and a batch.
fn cell_href(round: RoundId, batch: BatchKind, scope: &Scope, row_key: &str) -> String {
    let by_city = matches!(scope, Scope::Country | Scope::Province { .. });
    crate::links::round_cell(crate::links::PAGES, round, batch, by_city, row_key)
}

fn summary(s: &RoundSummary, scope: &Scope, lang: Lang) -> Summary {
    let w = words(lang);
    let names: Vec<String> = s.rows.iter().map(|r| r.name.clone()).collect();
    let mut links = Map::new();
    for row in &s.rows {
        let hrefs: Vec<String> = BatchKind::ALL
            .iter()
            .map(|&b| cell_href(s.round, b, scope, &row.region))
            .collect();
        links.insert(row.name.clone(), json!(hrefs));
    }
    let labels = [w.sign_label, w.start_label, w.produce_label];
    let series: Vec<Value> = BatchKind::ALL
        .iter()
        .zip(labels)
        .map(|(&b, label)| {
            let data: Vec<Value> = s
                .rows
                .iter()
                .map(|r| json_number(&r.batch(b).amount_wan.yi_string(2)))
                .collect();
            json!({"type": "bar", "name": label, "data": data})
        })
        .collect();
    let option = json!({
        "tooltip": {"trigger": "axis"},
        "legend": {"top": 0},
        "grid": {"left": 50, "right": 20, "top": 30, "bottom": 40},
        "xAxis": {"type": "category", "data": names, "axisLabel": {"interval": 0, "rotate": if s.rows.len() > 8 { 30 } else { 0 }}},
        "yAxis": {"type": "value", "name": w.amount_yi},
        "series": series,
    });
    Summary {
        title: s.round.label(lang),
        chart: chart_json(option, Value::Object(links), lang),
        rows: s
            .rows
            .iter()
            .chain(std::iter::once(&s.total))
            .map(|row| {
                let is_total = std::ptr::eq(row, &s.total);
                SummaryRow {
                    name: if is_total {
                        w.total.to_string()
                    } else {
                        row.name.clone()
                    },
                    cells: BatchKind::ALL
                        .iter()
                        .map(|&b| Cell {
                            count: row.batch(b).count,
                            amount: row.batch(b).amount_wan.yi_string(2),
                            href: if is_total {
                                format!("/projects?round={}&batch={}", s.round, b.code())
                            } else {
                                cell_href(s.round, b, scope, &row.region)
                            },
                        })
                        .collect(),
                }
            })
            .collect(),
    }
}

pub async fn page(
    State(s): State<AppState>,
    user: PageUser,
    Query(params): Query<HashMap<String, String>>,
) -> Response {
    // The administrators of 三员分立 see no project data: each starts at their own work.
    if let Some(start) = super::admin::start_page(&user) {
        return start;
    }
    match build(&s, &user, &params).await {
        Ok(page) => render(&page, StatusCode::OK),
        Err(e) => error_page(&user, e),
    }
}

async fn build(
    s: &AppState,
    user: &PageUser,
    params: &HashMap<String, String>,
) -> Result<Dashboard, AppError> {
    let lang = user.lang();
    let w = words(lang);
    let actor = &user.actor;
    let today = chrono::Local::now().date_naive();
    // `reported_on` sets every figure back to a date or a locked round's lock.
    let (db, frozen) = kfq_app::frozen::view(
        &s.db,
        actor,
        None,
        params.get("reported_on").map(String::as_str),
    )
    .await?;
    let rounds = kfq_app::rounds::list(&db).await?;
    let latest = rounds.last().map(|r| r.id);
    // The round asked for, or the latest one with entries in the user's region.
    let mut shown = None;
    for id in params
        .get("round")
        .and_then(|t| RoundId::parse(t).ok())
        .into_iter()
        .chain(rounds.iter().rev().map(|r| r.id))
    {
        let s = kfq_app::reports::round_summary(&db, actor, id, None).await?;
        let empty = s.total.sign.count + s.total.start.count + s.total.produce.count == 0;
        if !empty || params.contains_key("round") {
            shown = Some(s);
            break;
        }
    }
    let summary_round = shown
        .as_ref()
        .map(|s| s.round.to_string())
        .unwrap_or_default();
    let summary = shown.map(|s| summary(&s, &actor.scope, lang));
    let chosen = |key: &str, default: Option<RoundId>| {
        params
            .get(key)
            .and_then(|t| RoundId::parse(t).ok())
            .or(default)
    };
    let from = chosen(
        "from",
        rounds
            .iter()
            .map(|r| r.id)
            .find(|r| latest.is_some_and(|l| r.year >= l.year - 1)),
    );
    let to = chosen("to", latest);
    let mut funnel = Vec::new();
    if let (Some(from), Some(to)) = (from, to) {
        let f = kfq_app::reports::funnel(
            &db,
            actor,
            None,
            from.min(to),
            to.max(from),
            today,
            &FunnelRules::default(),
        )
        .await?;
        for stage in &f.stages {
            let (cohort_href, converted_href) =
                crate::links::funnel_stage(crate::links::PAGES, from, to, stage);
            funnel.push(FunnelRow {
                cohort_href,
                converted_href,
                name: format!(
                    "{}{}（{}）",
                    stage.batch.label(lang),
                    lang.pick("一批", " batch"),
                    stage.rate_name
                ),
                count: stage.cohort_count.to_string(),
                converted: stage.converted_count.to_string(),
                by_amount: stage.rate_by_amount.percent(),
                by_count: stage.rate_by_count.percent(),
                formula_amount: stage.formula_by_amount.clone(),
                formula_count: stage.formula_by_count.clone(),
            });
        }
    }
    let round_choices = |current: Option<RoundId>| {
        let current = current.map(|r| r.to_string()).unwrap_or_default();
        rounds
            .iter()
            .map(|r| Choice::new(r.id.to_string(), r.id.label(lang), &current))
            .collect()
    };
    let trend = kfq_app::reports::trend(&db, actor, None, None, 24).await?;
    let trend_option = json!({
        "tooltip": {"trigger": "axis"},
        "grid": {"left": 50, "right": 20, "top": 20, "bottom": 30},
        "xAxis": {"type": "category", "data": trend.months.iter().map(|m| m.to_string()).collect::<Vec<_>>()},
        "yAxis": {"type": "value"},
        "series": [{"type": "line", "smooth": true, "areaStyle": {}, "data": trend.invested_wan.iter().map(|a| json_number(&a.yi_string(2))).collect::<Vec<_>>()}],
    });
    let stuck =
        kfq_app::reports::stuck(&db, actor, None, today, &StuckThresholds::default()).await?;
    let ids = project_ids(s).await?;
    let overdue = kfq_app::reports::overdue_blockers(&db, actor, None, today).await?;
    let checks = kfq_app::checks::checks(&db, actor, None).await?;
    let by_city = matches!(actor.scope, Scope::Country | Scope::Province { .. });
    let reported = frozen.map(|(moment, changes)| Reported {
        named: moment.named,
        at: super::format::moment(moment.at),
        changes: changes
            .into_iter()
            .map(|c| super::projects::ChangeRow {
                field: format!("{} {} · {}", c.code, c.name, change_label(&c, lang)),
                from: c.from,
                to: c.to,
                by: c.by,
                at: super::format::moment(c.at),
            })
            .collect(),
    });
    Ok(Dashboard {
        reported,
        finding_groups: super::checks::groups(&checks.findings, by_city, lang),
        findings_total: checks.findings.len(),
        chrome: user.chrome(w.dashboard, "dashboard"),
        region_name: actor.scope.name(),
        summary,
        summary_rounds: rounds
            .iter()
            .rev()
            .map(|r| Choice::new(r.id.to_string(), r.id.label(lang), &summary_round))
            .collect(),
        from_rounds: round_choices(from),
        to_rounds: round_choices(to),
        funnel,
        trend_chart: chart_json(
            trend_option,
            Value::Object(
                trend
                    .months
                    .iter()
                    .map(|m| (m.to_string(), json!([format!("/projects?reported={m}")])))
                    .collect(),
            ),
            lang,
        ),
        stuck: stuck
            .lists
            .iter()
            .map(|l| StuckList {
                name: l.name.clone(),
                href: format!("/projects?stuck={}&sort=-amount", l.kind.code()),
                count: l.count,
                items: l
                    .items
                    .iter()
                    .take(5)
                    .map(|i| StuckItem {
                        id: ids.get(&i.code).copied().unwrap_or_default(),
                        name: i.name.clone(),
                        zone: i.zone.clone(),
                        amount: amount(i.amount_wan, lang),
                        days: i.days,
                    })
                    .collect(),
            })
            .collect(),
        overdue_count: overdue.len(),
        overdue: overdue
            .iter()
            .take(10)
            .map(|b| OverdueRow {
                id: b.project_id,
                project: b.project.clone(),
                description: b.description.clone(),
                owner: format!("{} {}", b.owner_unit, b.owner),
                days: b.days_overdue,
            })
            .collect(),
    })
}

/// A change's field as an official reads it: 开工日期, or 2024年第一次 签约一批 · 列入时总投资.
fn change_label(c: &kfq_app::frozen::Change, lang: Lang) -> String {
    let w = words(lang);
    let (record, key) = c.field.rsplit_once('.').unwrap_or(("", c.field.as_str()));
    let named = match key {
        "amount_wan" => w.total_investment_wan,
        "invested_wan" => w.invested_this_month,
        other => super::projects::field_label(other, w),
    };
    let named = if named.is_empty() { key } else { named };
    let mut parts = record.split('/');
    match c.object.as_str() {
        "batch_entry" => {
            let round = parts.next().and_then(|r| RoundId::parse(r).ok());
            let batch = parts.next().and_then(BatchKind::parse);
            match (round, batch) {
                (Some(r), Some(b)) => format!(
                    "{} {}{} · {named}",
                    r.label(lang),
                    b.label(lang),
                    lang.pick("一批", " batch")
                ),
                _ => named.to_string(),
            }
        }
        "monthly_report" => format!("{} · {named}", parts.nth(1).unwrap_or_default()),
        _ => named.to_string(),
    }
}

async fn project_ids(s: &AppState) -> Result<HashMap<String, i64>, AppError> {
    Ok(kfq_store::projects(&s.db)
        .await?
        .into_iter()
        .map(|p| (p.code.to_string(), p.id))
        .collect())
}
