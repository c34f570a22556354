//! 目标任务 and 考核 through the API: the targets and the figures entered, a zone's progress, the
//! ranking of a region's zones, and the province's scheme. One target or figure is read,
//! recorded and changed by the books' handlers.

use axum::extract::State;
use axum::response::{IntoResponse, Response};
use axum::Json;
use chrono::Datelike;
use kfq_app::books::ZoneRecord;
use kfq_app::reports::today;
use kfq_app::{AppError, Expected};
use kfq_core::assessment::{EnteredValue, Target};
use kfq_core::monthly::Month;
use serde_json::{json, Value};

use crate::api::Params;
use crate::auth::{Body, Signed};
use crate::{ApiError, AppState};

type ApiResult = Result<Response, ApiError>;

fn given<'a>(params: &'a Params, key: &str) -> Option<&'a str> {
    params.get(key).map(|v| v.trim()).filter(|v| !v.is_empty())
}

fn year(params: &Params) -> Result<i32, AppError> {
    match given(params, "year") {
        None => Ok(today().year()),
        Some(y) => y.parse().map_err(|_| AppError::BadArgument {
            name: "year",
            value: y.into(),
            expected: Expected::Year,
        }),
    }
}

/// The month asked for, or last month.
fn month(params: &Params) -> Result<Month, AppError> {
    match given(params, "month") {
        Some(m) => kfq_app::monthly::month_named("month", Some(m), today()),
        None => Ok(Month::of(today()).previous()),
    }
}

/// `GET /api/v1/targets?region=&year=`: the targets of the caller's region (of a year if asked).
pub async fn targets(State(s): State<AppState>, signed: Signed, params: Params) -> ApiResult {
    let lang = signed.actor.lang;
    let result = async {
        let year = given(&params, "year").map(|_| year(&params)).transpose()?;
        let found =
            kfq_app::books::in_scope::<Target>(&s.db, &signed.actor, given(&params, "region"))
                .await?;
        Ok::<_, AppError>(
            found
                .iter()
                .filter(|(t, _)| year.is_none_or(|y| t.year == y))
                .map(|(t, z)| t.view(z))
                .collect::<Vec<_>>(),
        )
    };
    let items = result.await.map_err(|e| ApiError::new(e, lang))?;
    Ok(Json(json!({ "total": items.len(), "items": items })).into_response())
}

/// `GET /api/v1/indicator-values?region=&month=`: the figures entered (of a month if asked).
pub async fn entered(State(s): State<AppState>, signed: Signed, params: Params) -> ApiResult {
    let lang = signed.actor.lang;
    let result = async {
        let month = given(&params, "month")
            .map(|_| month(&params))
            .transpose()?;
        let found = kfq_app::books::in_scope::<EnteredValue>(
            &s.db,
            &signed.actor,
            given(&params, "region"),
        )
        .await?;
        Ok::<_, AppError>(
            found
                .iter()
                .filter(|(e, _)| month.is_none_or(|m| e.month == m))
                .map(|(e, z)| e.view(z))
                .collect::<Vec<_>>(),
        )
    };
    let items = result.await.map_err(|e| ApiError::new(e, lang))?;
    Ok(Json(json!({ "total": items.len(), "items": items })).into_response())
}

/// `GET /api/v1/reports/targets?zone=&year=`: a zone's progress on its targets, month by month.
pub async fn progress(State(s): State<AppState>, signed: Signed, params: Params) -> ApiResult {
    let lang = signed.actor.lang;
    let result = async {
        let zone = given(&params, "zone").ok_or_else(|| AppError::BadArgument {
            name: "zone",
            value: String::new(),
            expected: Expected::Region,
        })?;
        kfq_app::assessment::progress(&s.db, &signed.actor, zone, year(&params)?, today()).await
    };
    let report = result.await.map_err(|e| ApiError::new(e, lang))?;
    Ok(Json(report).into_response())
}

/// `GET /api/v1/reports/assessment?region=&month=`: the ranking of the region's zones within
/// their classes, the year to the end of the month (last month by default).
pub async fn ranking(State(s): State<AppState>, signed: Signed, params: Params) -> ApiResult {
    let lang = signed.actor.lang;
    let result = async {
        let month = month(&params)?;
        kfq_app::assessment::ranking(&s.db, &signed.actor, given(&params, "region"), month).await
    };
    let report = result.await.map_err(|e| ApiError::new(e, lang))?;
    Ok(Json(report).into_response())
}

/// `GET /api/v1/settings/assessment`: the scheme of assessment.
pub async fn scheme(State(s): State<AppState>, signed: Signed) -> ApiResult {
    let lang = signed.actor.lang;
    let result = async {
        signed.actor.must(kfq_core::access::Action::Read)?;
        kfq_app::assessment::scheme(&s.db).await
    };
    let scheme = result.await.map_err(|e| ApiError::new(e, lang))?;
    Ok(Json(scheme).into_response())
}

/// `PUT /api/v1/settings/assessment`: the province replaces the scheme.
pub async fn set_scheme(
    State(s): State<AppState>,
    signed: Signed,
    Body(given): Body<Value>,
) -> ApiResult {
    let lang = signed.actor.lang;
    let scheme = kfq_app::assessment::set_scheme(&s.db, &signed.actor, given)
        .await
        .map_err(|e| ApiError::new(e, lang))?;
    Ok(Json(scheme).into_response())
}
