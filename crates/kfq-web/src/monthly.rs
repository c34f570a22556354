//! `/api/v1/monthly…` — the monthly statistics cycle (月统计) through the API: the overview of
//! a month, a zone's return, filling it, its steps, annual plans, progress photos and the
//! deadline.

use std::collections::HashMap;

use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use kfq_app::monthly::{FigureInput, Step, Turn};
use kfq_app::{AppError, Expected};
use kfq_core::monthly::Month;
use serde_json::{json, Map, Value};

use crate::auth::{Body, Signed};
use crate::{ApiError, AppState};

type ApiResult = Result<Response, ApiError>;

pub(crate) fn month(text: &str, lang: kfq_core::Lang) -> Result<Month, ApiError> {
    Month::parse(text).map_err(|_| {
        ApiError::new(
            AppError::BadArgument {
                name: "month",
                value: text.into(),
                expected: Expected::Month,
            },
            lang,
        )
    })
}

/// A zone's id in a path: one that is not a number names no zone.
fn zone_id(text: &str, lang: kfq_core::Lang) -> Result<i64, ApiError> {
    text.parse()
        .map_err(|_| ApiError::new(AppError::NotFound, lang))
}

fn today() -> chrono::NaiveDate {
    chrono::Local::now().date_naive()
}

/// `GET /api/v1/monthly?month=2026-10&region=`: every zone's return of the month in scope,
/// with the approved total (the month being filled when none is named).
pub async fn overview(
    State(s): State<AppState>,
    signed: Signed,
    Query(params): Query<HashMap<String, String>>,
) -> ApiResult {
    let lang = signed.actor.lang;
    let month = match params.get("month").filter(|m| !m.trim().is_empty()) {
        Some(m) => month(m, lang)?,
        None => Month::of(today()),
    };
    let overview = kfq_app::monthly::overview(
        &s.db,
        &signed.actor,
        params.get("region").map(String::as_str),
        month,
        today(),
    )
    .await
    .map_err(|e| ApiError::new(e, lang))?;
    Ok(Json(overview).into_response())
}

/// `GET /api/v1/monthly/{zone_id}/{month}`: one zone's return with its lines, revisions and
/// history; its version is the `ETag`.
pub async fn sheet(
    State(s): State<AppState>,
    signed: Signed,
    Path((zone, m)): Path<(String, String)>,
) -> ApiResult {
    let lang = signed.actor.lang;
    let sheet = kfq_app::monthly::sheet(
        &s.db,
        &signed.actor,
        zone_id(&zone, lang)?,
        month(&m, lang)?,
        today(),
    )
    .await
    .map_err(|e| ApiError::new(e, lang))?;
    let etag = format!("\"{}\"", sheet.state.version);
    Ok(([(header::ETAG, etag)], Json(sheet)).into_response())
}

fn version(
    headers: &HeaderMap,
    body: &Map<String, Value>,
    lang: kfq_core::Lang,
) -> Result<i64, ApiError> {
    crate::api::edited_version(headers, body, lang).map(|(v, _)| v)
}

/// `PATCH /api/v1/monthly/{zone_id}/{month}` `{"version", "figures": [{"project_id",
/// "invested_wan", "progress"}]}`: the zone fills figures, all or none.
pub async fn fill(
    State(s): State<AppState>,
    signed: Signed,
    Path((zone, m)): Path<(String, String)>,
    headers: HeaderMap,
    Body(body): Body<Map<String, Value>>,
) -> ApiResult {
    let lang = signed.actor.lang;
    let version = version(&headers, &body, lang)?;
    let inputs = figures(&body, lang)?;
    let sheet = kfq_app::monthly::fill(
        &s.db,
        &signed.actor,
        zone_id(&zone, lang)?,
        month(&m, lang)?,
        version,
        &inputs,
        today(),
    )
    .await
    .map_err(|e| ApiError::new(e, lang))?;
    Ok(Json(sheet).into_response())
}

/// The `figures` of a fill: each with a project id, the amount (a string or a number of 万元)
/// and the progress.
fn figures(body: &Map<String, Value>, lang: kfq_core::Lang) -> Result<Vec<FigureInput>, ApiError> {
    let bad = || {
        ApiError::new(
            AppError::BadArgument {
                name: "figures",
                value: body
                    .get("figures")
                    .map(Value::to_string)
                    .unwrap_or_default(),
                expected: Expected::Figures,
            },
            lang,
        )
    };
    let list = body
        .get("figures")
        .and_then(Value::as_array)
        .ok_or_else(bad)?;
    list.iter()
        .map(|item| {
            let project_id = item
                .get("project_id")
                .and_then(Value::as_i64)
                .ok_or_else(bad)?;
            let invested_wan = match item.get("invested_wan") {
                None | Some(Value::Null) => String::new(),
                Some(Value::String(t)) => t.clone(),
                Some(Value::Number(n)) => n.to_string(),
                Some(_) => return Err(bad()),
            };
            let progress = match item.get("progress") {
                None | Some(Value::Null) => String::new(),
                Some(Value::String(t)) => t.clone(),
                Some(_) => return Err(bad()),
            };
            Ok(FigureInput {
                project_id,
                invested_wan,
                progress,
            })
        })
        .collect()
}

/// `POST /api/v1/monthly/{zone_id}/{month}/{step}` `{"version", "comment"}`: `submit` (the
/// zone), `approve`, `return` or `reopen` (the city or the province; the last two need a
/// comment).
pub async fn step(
    State(s): State<AppState>,
    signed: Signed,
    Path((zone, m, step)): Path<(String, String, String)>,
    headers: HeaderMap,
    Body(body): Body<Map<String, Value>>,
) -> ApiResult {
    let lang = signed.actor.lang;
    let step = match step.as_str() {
        "submit" => Step::Submit,
        "approve" => Step::Approve,
        "return" => Step::SendBack,
        "reopen" => Step::Reopen,
        _ => return Err(ApiError::new(AppError::NotFound, lang)),
    };
    let turn = Turn {
        step,
        version: version(&headers, &body, lang)?,
        comment: body
            .get("comment")
            .and_then(Value::as_str)
            .unwrap_or_default(),
    };
    let sheet = kfq_app::monthly::step(
        &s.db,
        &signed.actor,
        zone_id(&zone, lang)?,
        month(&m, lang)?,
        turn,
        chrono::Utc::now(),
    )
    .await
    .map_err(|e| ApiError::new(e, lang))?;
    Ok(Json(sheet).into_response())
}

/// `PUT /api/v1/projects/{id}/plans/{year}` `{"planned_wan": "1200"}`: a project's investment
/// plan for a year (年度计划投资).
pub async fn set_plan(
    State(s): State<AppState>,
    signed: Signed,
    Path((id, year)): Path<(String, String)>,
    Body(body): Body<Map<String, Value>>,
) -> ApiResult {
    let lang = signed.actor.lang;
    let id: i64 = id
        .parse()
        .map_err(|_| ApiError::new(AppError::NotFound, lang))?;
    let year: i32 = year.parse().map_err(|_| {
        ApiError::new(
            AppError::BadArgument {
                name: "year",
                value: year.clone(),
                expected: Expected::Between(1900, 2200),
            },
            lang,
        )
    })?;
    let planned = match body.get("planned_wan") {
        Some(Value::String(t)) => t.clone(),
        Some(Value::Number(n)) => n.to_string(),
        other => other.map(Value::to_string).unwrap_or_default(),
    };
    let planned = kfq_app::monthly::set_plan(&s.db, &signed.actor, id, year, &planned)
        .await
        .map_err(|e| ApiError::new(e, lang))?;
    Ok(Json(json!({"project_id": id, "year": year, "planned_wan": planned})).into_response())
}

/// `GET /api/v1/settings/monthly`: the day of the next month returns are due.
pub async fn settings(State(s): State<AppState>, signed: Signed) -> ApiResult {
    let lang = signed.actor.lang;
    signed
        .actor
        .must(kfq_core::access::Action::Read)
        .map_err(|e| ApiError::new(e, lang))?;
    let day = kfq_app::monthly::deadline_day(&s.db)
        .await
        .map_err(|e| ApiError::new(e, lang))?;
    Ok(Json(json!({ "deadline_day": day })).into_response())
}

/// `PATCH /api/v1/settings/monthly` `{"deadline_day": 10}`: the province sets it.
pub async fn change_settings(
    State(s): State<AppState>,
    signed: Signed,
    Body(body): Body<Map<String, Value>>,
) -> ApiResult {
    let lang = signed.actor.lang;
    let day = body
        .get("deadline_day")
        .and_then(Value::as_i64)
        .unwrap_or(0);
    let day = kfq_app::monthly::set_deadline_day(&s.db, &signed.actor, day)
        .await
        .map_err(|e| ApiError::new(e, lang))?;
    Ok((StatusCode::OK, Json(json!({ "deadline_day": day }))).into_response())
}
