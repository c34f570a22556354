//! 入库入统 through the API: the registrations, a region's month, and the province's rule. One
//! registration is read, recorded and changed by the books' handlers.

use axum::extract::State;
use axum::response::{IntoResponse, Response};
use axum::Json;
use kfq_app::reports::today;
use serde_json::{json, Map, Value};

use crate::api::Params;
use crate::auth::{Body, Signed};
use crate::{ApiError, AppState};

type ApiResult = Result<Response, ApiError>;

fn get<'a>(params: &'a Params, key: &str) -> Option<&'a str> {
    params.get(key).map(String::as_str)
}

/// `GET /api/v1/registrations?region=&status=&q=`.
pub async fn list(State(s): State<AppState>, signed: Signed, params: Params) -> ApiResult {
    let lang = signed.actor.lang;
    let (region, status, q) = (
        get(&params, "region"),
        get(&params, "status"),
        get(&params, "q"),
    );
    let items = kfq_app::registration::list(&s.db, &signed.actor, region, status, q)
        .await
        .map_err(|e| ApiError::new(e, lang))?;
    Ok(Json(json!({ "total": items.len(), "items": items })).into_response())
}

/// `GET /api/v1/reports/registration?region=&month=` (last month by default).
pub async fn report(State(s): State<AppState>, signed: Signed, params: Params) -> ApiResult {
    let lang = signed.actor.lang;
    let result = async {
        let month = match get(&params, "month").filter(|m| !m.trim().is_empty()) {
            Some(m) => kfq_app::monthly::month_named("month", Some(m), today())?,
            None => kfq_core::monthly::Month::of(today()).previous(),
        };
        kfq_app::registration::report(&s.db, &signed.actor, get(&params, "region"), month).await
    };
    let report = result.await.map_err(|e| ApiError::new(e, lang))?;
    Ok(Json(report).into_response())
}

fn rule_json(rule: &kfq_core::registration::RegistrationRule) -> Value {
    json!({"threshold_wan": rule.threshold, "needs_start": rule.needs_start})
}

/// `GET /api/v1/settings/registration`: who must register.
pub async fn rule(State(s): State<AppState>, signed: Signed) -> ApiResult {
    let lang = signed.actor.lang;
    let result = async {
        signed.actor.must(kfq_core::access::Action::Read)?;
        kfq_app::registration::rule(&s.db).await
    };
    let rule = result.await.map_err(|e| ApiError::new(e, lang))?;
    Ok(Json(rule_json(&rule)).into_response())
}

/// `PATCH /api/v1/settings/registration` `{"threshold_wan": "500", "needs_start": true}`: the
/// province sets it.
pub async fn set_rule(
    State(s): State<AppState>,
    signed: Signed,
    Body(fields): Body<Map<String, Value>>,
) -> ApiResult {
    let lang = signed.actor.lang;
    let rule = kfq_app::registration::set_rule(&s.db, &signed.actor, &fields)
        .await
        .map_err(|e| ApiError::new(e, lang))?;
    Ok(Json(rule_json(&rule)).into_response())
}
