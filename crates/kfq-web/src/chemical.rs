//! 化工园区安全风险等级复核 through the API: the findings, a region's year, and the province's
//! checklist. One finding is read, recorded and changed by the books' handlers.

use axum::extract::State;
use axum::response::{IntoResponse, Response};
use axum::Json;
use chrono::Datelike;
use kfq_app::reports::today;
use kfq_app::{AppError, Expected};
use serde_json::{json, Value};

use crate::api::Params;
use crate::auth::{Body, Signed};
use crate::{ApiError, AppState};

type ApiResult = Result<Response, ApiError>;

fn year(params: &Params) -> Result<Option<i32>, AppError> {
    match params
        .get("year")
        .map(|y| y.trim())
        .filter(|y| !y.is_empty())
    {
        None => Ok(None),
        Some(y) => y.parse().map(Some).map_err(|_| AppError::BadArgument {
            name: "year",
            value: y.into(),
            expected: Expected::Year,
        }),
    }
}

fn flag(params: &Params, key: &str) -> bool {
    params
        .get(key)
        .is_some_and(|v| matches!(v.as_str(), "1" | "true" | "yes"))
}

/// `GET /api/v1/chemical-findings?region=&year=&open=1&overdue=1`.
pub async fn list(State(s): State<AppState>, signed: Signed, params: Params) -> ApiResult {
    let lang = signed.actor.lang;
    let result = async {
        let region = params.get("region").map(String::as_str);
        let (open, overdue) = (flag(&params, "open"), flag(&params, "overdue"));
        kfq_app::chemical::findings(&s.db, &signed.actor, region, year(&params)?, open, overdue)
            .await
    };
    let items = result.await.map_err(|e| ApiError::new(e, lang))?;
    Ok(Json(json!({ "total": items.len(), "items": items })).into_response())
}

/// `GET /api/v1/reports/chemical-review?region=&year=&as_of=` (this year, today by default).
pub async fn report(State(s): State<AppState>, signed: Signed, params: Params) -> ApiResult {
    let lang = signed.actor.lang;
    let result = async {
        let year = year(&params)?.unwrap_or(today().year());
        let as_of = crate::api::as_of(&params)?;
        let region = params.get("region").map(String::as_str);
        kfq_app::chemical::report(&s.db, &signed.actor, region, year, as_of).await
    };
    let report = result.await.map_err(|e| ApiError::new(e, lang))?;
    Ok(Json(report).into_response())
}

/// `GET /api/v1/settings/chemical-checklist`.
pub async fn checklist(State(s): State<AppState>, signed: Signed) -> ApiResult {
    let lang = signed.actor.lang;
    let result = async {
        signed.actor.must(kfq_core::access::Action::Read)?;
        kfq_app::chemical::checklist(&s.db).await
    };
    let list = result.await.map_err(|e| ApiError::new(e, lang))?;
    Ok(Json(list).into_response())
}

/// `PUT /api/v1/settings/chemical-checklist` `{"aspects": […], "thresholds": {…}}`: the province
/// replaces it.
pub async fn set_checklist(
    State(s): State<AppState>,
    signed: Signed,
    Body(given): Body<Value>,
) -> ApiResult {
    let lang = signed.actor.lang;
    let list = kfq_app::chemical::set_checklist(&s.db, &signed.actor, given)
        .await
        .map_err(|e| ApiError::new(e, lang))?;
    Ok(Json(list).into_response())
}
