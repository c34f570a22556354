//! 月统计 — the monthly statistics pages: every zone's return of a month in the user's scope
//! with the approved total, and one zone's return, which its clerk fills and submits and the
//! city approves, sends back or reopens.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use kfq_app::monthly::{month_named, FigureInput, Line, Overview, Sheet, Standing, Step, Turn};
use kfq_app::reports::today;
use kfq_app::AppError;
use kfq_core::monthly::Month;
use kfq_core::monthly_return::Coded;
use kfq_core::{Amount, Lang, Localized};

use super::format::moment;
use super::{error_page, form_version, render, words, Chrome, PageUser};
use crate::AppState;

fn local(at: Option<chrono::DateTime<chrono::Utc>>) -> String {
    at.map(moment).unwrap_or_default()
}

fn wan(a: Option<Amount>) -> String {
    a.map(|a| a.wan_string()).unwrap_or_default()
}

fn parse_month(text: Option<&String>) -> Result<Month, AppError> {
    month_named("month", text.map(String::as_str), today())
}

#[derive(Template)]
#[template(path = "monthly.html")]
struct OverviewPage {
    chrome: Chrome,
    o: Overview,
    rows: Vec<(Standing, String, String, String, String)>,
    approved_wan: String,
    previous: Month,
    next: Month,
}

/// `GET /monthly?month=2026-10&region=`: every zone's return of the month in scope.
pub async fn overview(
    State(s): State<AppState>,
    user: PageUser,
    Query(params): Query<HashMap<String, String>>,
) -> Response {
    let lang = user.lang();
    let month = match parse_month(params.get("month")) {
        Ok(m) => m,
        Err(e) => return error_page(&user, e),
    };
    let region = params.get("region").map(String::as_str);
    let o = match kfq_app::monthly::overview(&s.db, &user.actor, region, month, today()).await {
        Ok(o) => o,
        Err(e) => return error_page(&user, e),
    };
    let page = OverviewPage {
        chrome: user.chrome(words(lang).monthly_statistics, "monthly"),
        rows: o
            .zones
            .iter()
            .map(|z| {
                (
                    z.clone(),
                    z.filled_wan.wan_string(),
                    wan(z.approved_wan),
                    local(z.submitted_at),
                    local(z.reviewed_at),
                )
            })
            .collect(),
        approved_wan: o.approved_wan.wan_string(),
        previous: o.month.previous(),
        next: o.month.next(),
        o,
    };
    render(&page, StatusCode::OK)
}

/// An approved revision as the page lists it: its number, total and (code, 万元, progress).
type RevisionRows = (i64, String, Vec<(String, String, String)>);

/// A line of the sheet as the form shows it.
struct Row {
    line: Line,
    invested: String,
    approved: String,
    planned: String,
    ytd: String,
}

#[derive(Template)]
#[template(path = "monthly_sheet.html")]
struct SheetPage {
    chrome: Chrome,
    sheet: Sheet,
    rows: Vec<Row>,
    total: String,
    revisions: Vec<RevisionRows>,
    /// When, who, what (named), the comment, and what (its code).
    history: Vec<(String, String, String, String, String)>,
    /// The return's status by its code (draft, submitted, returned, approved).
    status_code: &'static str,
    done: Option<String>,
    error: Option<String>,
}

async fn sheet_page(
    s: &AppState,
    user: &PageUser,
    zone: i64,
    month: Month,
    done: Option<String>,
    error: Option<String>,
) -> Response {
    let lang = user.lang();
    let sheet = match kfq_app::monthly::sheet(&s.db, &user.actor, zone, month, today()).await {
        Ok(sheet) => sheet,
        Err(e) => return error_page(user, e),
    };
    let status = if error.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let page = SheetPage {
        chrome: user.chrome(
            format!(
                "{} · {} · {}",
                words(lang).monthly_statistics,
                sheet.zone,
                month
            ),
            "monthly",
        ),
        rows: sheet
            .lines
            .iter()
            .map(|l| Row {
                invested: wan(l.invested_wan),
                approved: wan(l.approved_wan),
                planned: wan(l.planned_wan),
                ytd: l.year_to_date_wan.wan_string(),
                line: l.clone(),
            })
            .collect(),
        total: sheet.total_wan.wan_string(),
        revisions: sheet
            .revisions
            .iter()
            .map(|r| {
                (
                    r.revision,
                    r.total_wan.wan_string(),
                    r.figures
                        .iter()
                        .map(|f| {
                            (
                                f.code.clone(),
                                f.invested_wan.wan_string(),
                                f.progress.clone(),
                            )
                        })
                        .collect(),
                )
            })
            .collect(),
        history: sheet
            .history
            .iter()
            .map(|h| {
                (
                    moment(h.at),
                    h.user.clone(),
                    h.action_label.to_string(),
                    h.comment.clone(),
                    h.action.clone(),
                )
            })
            .collect(),
        status_code: sheet.state.status.code(),
        sheet,
        done,
        error,
    };
    render(&page, status)
}

/// `GET /monthly/{zone}/{month}`: one zone's return (`?saved=1` after a change).
pub async fn sheet(
    State(s): State<AppState>,
    user: PageUser,
    Path((zone, month)): Path<(i64, String)>,
    Query(params): Query<HashMap<String, String>>,
) -> Response {
    let month = match parse_month(Some(&month)) {
        Ok(m) => m,
        Err(e) => return error_page(&user, e),
    };
    let done = params
        .contains_key("saved")
        .then(|| words(user.lang()).saved.to_string());
    sheet_page(&s, &user, zone, month, done, None).await
}

/// A refusal named as the form names things: `figures[0].invested_wan` is the project's line.
fn explained(error: AppError, lang: Lang) -> String {
    match error {
        AppError::Invalid(errors) => errors
            .iter()
            .map(|e| e.message.clone())
            .collect::<Vec<_>>()
            .join("；"),
        other => other.message(lang),
    }
}

async fn after(
    s: &AppState,
    user: &PageUser,
    zone: i64,
    month: Month,
    result: Result<Sheet, AppError>,
) -> Response {
    match result {
        // Post, then redirect: a refresh of the page does not send the change again.
        Ok(_) => Redirect::to(&format!("/monthly/{zone}/{month}?saved=1")).into_response(),
        Err(e @ (AppError::Forbidden | AppError::NotFound)) => error_page(user, e),
        Err(e) => {
            let message = explained(e, user.lang());
            sheet_page(s, user, zone, month, None, Some(message)).await
        }
    }
}

/// `POST /monthly/{zone}/{month}`: the clerk saves the figures of the form
/// (`invested_{project}`, `progress_{project}`).
pub async fn fill(
    State(s): State<AppState>,
    user: PageUser,
    Path((zone, month)): Path<(i64, String)>,
    Form(form): Form<HashMap<String, String>>,
) -> Response {
    let month = match parse_month(Some(&month)) {
        Ok(m) => m,
        Err(e) => return error_page(&user, e),
    };
    let mut inputs: Vec<FigureInput> = form
        .iter()
        .filter_map(|(k, v)| {
            let id = k.strip_prefix("invested_")?.parse().ok()?;
            Some(FigureInput {
                project_id: id,
                invested_wan: v.clone(),
                progress: form
                    .get(&format!("progress_{id}"))
                    .cloned()
                    .unwrap_or_default(),
            })
        })
        .collect();
    inputs.sort_by_key(|i| i.project_id);
    let result = kfq_app::monthly::fill(
        &s.db,
        &user.actor,
        zone,
        month,
        form_version(&form),
        &inputs,
        today(),
    )
    .await;
    after(&s, &user, zone, month, result).await
}

/// `POST /monthly/{zone}/{month}/{step}`: submit, approve, return or reopen, with a comment.
pub async fn step(
    State(s): State<AppState>,
    user: PageUser,
    Path((zone, month, step)): Path<(i64, String, String)>,
    Form(form): Form<HashMap<String, String>>,
) -> Response {
    let month = match parse_month(Some(&month)) {
        Ok(m) => m,
        Err(e) => return error_page(&user, e),
    };
    let Some(step) = Step::parse(&step) else {
        return error_page(&user, AppError::NotFound);
    };
    let comment = form.get("comment").cloned().unwrap_or_default();
    let turn = Turn {
        step,
        version: form_version(&form),
        comment: &comment,
    };
    let result =
        kfq_app::monthly::step(&s.db, &user.actor, zone, month, turn, chrono::Utc::now()).await;
    after(&s, &user, zone, month, result).await
}

/// `POST /projects/{id}/plan`: a project's investment plan for a year, from its page.
pub async fn set_plan(
    State(s): State<AppState>,
    user: PageUser,
    Path(id): Path<i64>,
    Form(form): Form<HashMap<String, String>>,
) -> Response {
    let field = |k: &str| form.get(k).map_or("", String::as_str);
    match kfq_app::monthly::set_plan(&s.db, &user.actor, id, field("year"), field("planned_wan"))
        .await
    {
        Ok(_) => Redirect::to(&format!("/projects/{id}?saved=1")).into_response(),
        Err(e) => error_page(&user, e),
    }
}
