//! `/api/v1/monthly…` — the monthly statistics cycle (月统计) through the API: the overview of
//! a month, a zone's return, filling it, its steps, annual plans and the deadline.

use std::collections::HashMap;

use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap};
use axum::response::{IntoResponse, Response};
use axum::Json;
use kfq_app::monthly::{month_named, FigureInput, Sheet, Step, Turn};
use kfq_app::reports::today;
use kfq_app::{AppError, Expected};
use kfq_core::coded::Coded;
use kfq_core::monthly::Month;
use kfq_core::Lang;
use serde_json::{json, Map, Value};

use crate::auth::{Body, Signed};
use crate::{ApiError, AppState};

type ApiResult = Result<Response, ApiError>;

/// The zone and month a path names: a zone id that is not a number names no zone.
fn target(zone: &str, month: &str, lang: Lang) -> Result<(i64, Month), ApiError> {
    let zone = crate::api::path_id(zone, lang)?;
    let month = month_named("month", Some(month), today()).map_err(|e| ApiError::new(e, lang))?;
    Ok((zone, month))
}

/// A changed return as the answer; a stale version that came in `If-Match` answers 412.
fn changed(result: Result<Sheet, AppError>, if_match: Option<i64>, lang: Lang) -> ApiResult {
    match result {
        Ok(sheet) => Ok(Json(sheet).into_response()),
        Err(e) => Err(ApiError::edited(e, lang, if_match)),
    }
}

/// `GET /api/v1/monthly?month=2026-10&region=`: every zone's return of the month in scope,
/// with the approved total (the month being filled when none is named).
pub async fn overview(
    State(s): State<AppState>,
    signed: Signed,
    Query(params): Query<HashMap<String, String>>,
) -> ApiResult {
    let lang = signed.actor.lang;
    let result = async {
        let month = month_named("month", params.get("month").map(String::as_str), today())?;
        let region = params.get("region").map(String::as_str);
        kfq_app::monthly::overview(&s.db, &signed.actor, region, month, today()).await
    };
    let overview = result.await.map_err(|e| ApiError::new(e, lang))?;
    Ok(Json(overview).into_response())
}

/// `GET /api/v1/monthly/{zone_id}/{month}`: one zone's return with its lines, revisions and
/// history; its version is the `ETag`.
pub async fn sheet(
    State(s): State<AppState>,
    signed: Signed,
    Path((zone, month)): Path<(String, String)>,
) -> ApiResult {
    let lang = signed.actor.lang;
    let (zone, month) = target(&zone, &month, lang)?;
    let sheet = kfq_app::monthly::sheet(&s.db, &signed.actor, zone, month, today())
        .await
        .map_err(|e| ApiError::new(e, lang))?;
    let etag = format!("\"{}\"", sheet.state.version);
    Ok(([(header::ETAG, etag)], Json(sheet)).into_response())
}

/// `PATCH /api/v1/monthly/{zone_id}/{month}` `{"version", "figures": [{"project_id",
/// "invested_wan", "progress"}]}`: the zone fills figures, all or none.
pub async fn fill(
    State(s): State<AppState>,
    signed: Signed,
    Path((zone, month)): Path<(String, String)>,
    headers: HeaderMap,
    Body(body): Body<Map<String, Value>>,
) -> ApiResult {
    let lang = signed.actor.lang;
    let (zone, month) = target(&zone, &month, lang)?;
    let (version, if_match) = crate::api::edited_version(&headers, &body, lang)?;
    let inputs = figures(&body).map_err(|e| ApiError::new(e, lang))?;
    let result =
        kfq_app::monthly::fill(&s.db, &signed.actor, zone, month, version, &inputs, today()).await;
    changed(result, if_match, lang)
}

/// The `figures` of a fill: each with a project id, the amount (a string or a number of 万元)
/// and the progress. A malformed item is refused by its place in the list.
fn figures(body: &Map<String, Value>) -> Result<Vec<FigureInput>, AppError> {
    let bad = |name: &'static str, value: &Value| AppError::BadArgument {
        name,
        value: value.to_string(),
        expected: Expected::Figures,
    };
    let list = match body.get("figures") {
        Some(Value::Array(list)) => list,
        other => return Err(bad("figures", other.unwrap_or(&Value::Null))),
    };
    let text = |item: &Value, key: &str| match item.get(key) {
        None | Some(Value::Null) => Some(String::new()),
        Some(Value::String(t)) => Some(t.clone()),
        Some(Value::Number(n)) if key == "invested_wan" => Some(n.to_string()),
        Some(_) => None,
    };
    list.iter()
        .map(|item| {
            let project_id = item
                .get("project_id")
                .and_then(Value::as_i64)
                .ok_or_else(|| bad("figures[].project_id", item))?;
            Ok(FigureInput {
                project_id,
                invested_wan: text(item, "invested_wan")
                    .ok_or_else(|| bad("figures[].invested_wan", item))?,
                progress: text(item, "progress").ok_or_else(|| bad("figures[].progress", item))?,
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
    Path((zone, month, step)): Path<(String, String, String)>,
    headers: HeaderMap,
    Body(body): Body<Map<String, Value>>,
) -> ApiResult {
    let lang = signed.actor.lang;
    let step = Step::parse(&step).ok_or_else(|| ApiError::new(AppError::NotFound, lang))?;
    let (zone, month) = target(&zone, &month, lang)?;
    let (version, if_match) = crate::api::edited_version(&headers, &body, lang)?;
    let turn = Turn {
        step,
        version,
        comment: body
            .get("comment")
            .and_then(Value::as_str)
            .unwrap_or_default(),
    };
    let now = chrono::Utc::now();
    let result = kfq_app::monthly::step(&s.db, &signed.actor, zone, month, turn, now).await;
    changed(result, if_match, lang)
}

/// A JSON value as the text a use case parses: a string as it is, a number written out.
fn text_of(value: Option<&Value>) -> String {
    match value {
        Some(Value::String(t)) => t.clone(),
        Some(other) => other.to_string(),
        None => String::new(),
    }
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
    let id = crate::api::path_id(&id, lang)?;
    let planned = text_of(body.get("planned_wan"));
    let (year, planned) = kfq_app::monthly::set_plan(&s.db, &signed.actor, id, &year, &planned)
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
    let result = async {
        let raw = body.get("deadline_day");
        let day = raw
            .and_then(Value::as_i64)
            .ok_or_else(|| AppError::BadArgument {
                name: "deadline_day",
                value: text_of(raw),
                expected: Expected::DeadlineDay,
            })?;
        kfq_app::monthly::set_deadline_day(&s.db, &signed.actor, day).await
    };
    let day = result.await.map_err(|e| ApiError::new(e, lang))?;
    Ok(Json(json!({ "deadline_day": day })).into_response())
}
