//! 招商线索 through the API: the list, one lead with its log, registering, changing, logging a
//! contact or visit, signing it into a project, and a region's conversion.

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use kfq_app::leads::LeadQuery;
use kfq_app::reports::today;
use serde_json::{json, Map, Value};

use crate::api::{edited_version, path_id, Params};
use crate::auth::{Body, Signed};
use crate::{ApiError, AppState};

type ApiResult = Result<Response, ApiError>;

/// The list's filters as the API and the pages take them.
pub fn query(params: &std::collections::HashMap<String, String>) -> LeadQuery {
    let get = |k: &str| params.get(k).cloned();
    LeadQuery {
        region: get("region"),
        status: get("status"),
        source: get("source"),
        chain: get("chain"),
        q: get("q"),
        open: params
            .get("open")
            .is_some_and(|v| matches!(v.trim(), "true" | "1" | "是")),
    }
}

/// `GET /api/v1/leads?region=&status=&source=&chain=&q=&open=1`.
pub async fn list(State(s): State<AppState>, signed: Signed, params: Params) -> ApiResult {
    let items = kfq_app::leads::list(&s.db, &signed.actor, &query(&params))
        .await
        .map_err(|e| ApiError::new(e, signed.actor.lang))?;
    Ok(Json(json!({ "total": items.len(), "items": items })).into_response())
}

/// `POST /api/v1/leads` `{"zone","name","investor","source",…}`: registers one.
pub async fn create(
    State(s): State<AppState>,
    signed: Signed,
    Body(fields): Body<Map<String, Value>>,
) -> ApiResult {
    let lead = kfq_app::leads::create(&s.db, &signed.actor, &fields, today())
        .await
        .map_err(|e| ApiError::new(e, signed.actor.lang))?;
    Ok((StatusCode::CREATED, Json(json!({ "lead": lead }))).into_response())
}

/// `GET /api/v1/leads/{id}`: one lead with its log.
pub async fn get(State(s): State<AppState>, signed: Signed, Path(id): Path<String>) -> ApiResult {
    let lang = signed.actor.lang;
    let (lead, visits) = kfq_app::leads::get(&s.db, &signed.actor, path_id(&id, lang)?)
        .await
        .map_err(|e| ApiError::new(e, lang))?;
    Ok(Json(json!({ "lead": lead, "visits": visits })).into_response())
}

/// `PATCH /api/v1/leads/{id}` `{"version","status","reason",…}`.
pub async fn patch(
    State(s): State<AppState>,
    signed: Signed,
    Path(id): Path<String>,
    headers: HeaderMap,
    Body(fields): Body<Map<String, Value>>,
) -> ApiResult {
    let lang = signed.actor.lang;
    let id = path_id(&id, lang)?;
    let (version, if_match) = edited_version(&headers, &fields, lang)?;
    match kfq_app::leads::update(&s.db, &signed.actor, id, version, &fields, today()).await {
        Ok(lead) => Ok(Json(json!({ "lead": lead })).into_response()),
        Err(e) => Err(ApiError::edited(e, lang, if_match)),
    }
}

/// `POST /api/v1/leads/{id}/visits` `{"visited_on","kind","people","note"}`.
pub async fn visit(
    State(s): State<AppState>,
    signed: Signed,
    Path(id): Path<String>,
    Body(fields): Body<Map<String, Value>>,
) -> ApiResult {
    let lang = signed.actor.lang;
    let visit = kfq_app::leads::visit(&s.db, &signed.actor, path_id(&id, lang)?, &fields, today())
        .await
        .map_err(|e| ApiError::new(e, lang))?;
    Ok((StatusCode::CREATED, Json(json!({ "visit": visit }))).into_response())
}

/// `POST /api/v1/leads/{id}/sign` `{"version","signed_on","total_investment_wan","code",…}`:
/// the lead signed and the project made of it.
pub async fn sign(
    State(s): State<AppState>,
    signed: Signed,
    Path(id): Path<String>,
    headers: HeaderMap,
    Body(fields): Body<Map<String, Value>>,
) -> ApiResult {
    let lang = signed.actor.lang;
    let id = path_id(&id, lang)?;
    let (version, if_match) = edited_version(&headers, &fields, lang)?;
    match kfq_app::leads::sign(&s.db, &signed.actor, id, version, &fields, today()).await {
        Ok((lead, project)) => Ok((
            StatusCode::CREATED,
            Json(json!({ "lead": lead, "project": project })),
        )
            .into_response()),
        Err(e) => Err(ApiError::edited(e, lang, if_match)),
    }
}

/// `GET /api/v1/reports/leads?region=&from=&to=`: conversion of a region's leads (this year by
/// default).
pub async fn report(State(s): State<AppState>, signed: Signed, params: Params) -> ApiResult {
    let lang = signed.actor.lang;
    let result = async {
        let get = |k: &str| params.get(k).map(String::as_str);
        let (from, to) = kfq_app::reports::period(("from", get("from")), ("to", get("to")))?;
        kfq_app::leads::report(&s.db, &signed.actor, get("region"), from, to).await
    };
    let report = result.await.map_err(|e| ApiError::new(e, lang))?;
    Ok(Json(report).into_response())
}
