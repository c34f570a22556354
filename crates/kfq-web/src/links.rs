//! 溯源 — where each number comes from: the list of projects behind a cell of a report, for the
//! pages (`/projects?…`) and for the API (`/api/v1/projects?…`), built in one place so that the
//! screen, the API and the counts agree.

use kfq_core::report::funnel::{Cohort, Funnel, FunnelStage};
use kfq_core::report::round_summary::RoundSummary;
use kfq_core::round::{BatchKind, RoundId};
use serde_json::Value;

use crate::pages::encode;

/// The pages' project list.
pub const PAGES: &str = "/projects";
/// The API's project list.
pub const API: &str = "/api/v1/projects";

/// The projects of one batch of one round in one row of a summary: a city (rows of a province's
/// or the country's report) or a zone (rows of a city's).
pub fn round_cell(
    base: &str,
    round: RoundId,
    batch: BatchKind,
    by_city: bool,
    row: &str,
) -> String {
    let filter = if by_city { "city" } else { "zone" };
    format!(
        "{base}?round={round}&batch={}&{filter}={}",
        batch.code(),
        encode(row)
    )
}

/// The projects a funnel stage counts (its cohort) and those of them that converted.
pub fn funnel_stage(
    base: &str,
    from: RoundId,
    to: RoundId,
    stage: &FunnelStage,
) -> (String, String) {
    let cohort = format!(
        "{base}?round={}..{}&batch={}{}",
        from.min(to),
        to.max(from),
        stage.batch.code(),
        match stage.cohort {
            Cohort::All => "",
            Cohort::Industrial => "&category=industrial",
        }
    );
    let converted = format!(
        "{cohort}&milestone={}",
        stage.batch.next_milestone().field()
    );
    (cohort, converted)
}

/// Whether a summary's rows are cities (a province's or the country's report).
pub fn rows_are_cities(summary: &RoundSummary) -> bool {
    summary.region.is_empty() || summary.region.ends_with("0000")
}

/// Adds to each batch's figures of each row a `projects` link to the API's list behind them.
pub fn annotate_round(json: &mut Value, summary: &RoundSummary) {
    let by_city = rows_are_cities(summary);
    let Some(rows) = json.get_mut("rows").and_then(Value::as_array_mut) else {
        return;
    };
    for (row, value) in summary.rows.iter().zip(rows) {
        for batch in BatchKind::ALL {
            if let Some(figures) = value.get_mut(batch.code()).and_then(Value::as_object_mut) {
                figures.insert(
                    "projects".into(),
                    Value::String(round_cell(API, summary.round, batch, by_city, &row.region)),
                );
            }
        }
    }
}

/// Adds to each stage of a funnel `cohort_projects` and `converted_projects` links.
pub fn annotate_funnel(json: &mut Value, funnel: &Funnel) {
    let Some(stages) = json.get_mut("stages").and_then(Value::as_array_mut) else {
        return;
    };
    for (stage, value) in funnel.stages.iter().zip(stages) {
        let (cohort, converted) = funnel_stage(API, funnel.from, funnel.to, stage);
        if let Some(map) = value.as_object_mut() {
            map.insert("cohort_projects".into(), Value::String(cohort));
            map.insert("converted_projects".into(), Value::String(converted));
        }
    }
}
