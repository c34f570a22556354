//! 招商活动 through the API: the list, one activity with its leads, recording and changing one,
//! and a region's figures.

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use kfq_app::reports::today;
use serde_json::{json, Map, Value};

use crate::api::{edited_version, path_id, Params};
use crate::auth::{Body, Signed};
use crate::{ApiError, AppState};

type ApiResult = Result<Response, ApiError>;

/// `GET /api/v1/activities?region=&kind=&from=&to=`: those counted in the period when one is
/// given (an office open in it, an event or trip started in it).
pub async fn list(State(s): State<AppState>, signed: Signed, params: Params) -> ApiResult {
    let lang = signed.actor.lang;
    let result = async {
        let get = |k: &str| params.get(k).map(String::as_str);
        let given = |k: &str| get(k).is_some_and(|v| !v.trim().is_empty());
        let period = if given("from") || given("to") {
            Some(kfq_app::reports::period(
                ("from", get("from")),
                ("to", get("to")),
            )?)
        } else {
            None
        };
        kfq_app::activities::list(&s.db, &signed.actor, get("region"), get("kind"), period).await
    };
    let items = result.await.map_err(|e| ApiError::new(e, lang))?;
    Ok(Json(json!({ "total": items.len(), "items": items })).into_response())
}

/// `POST /api/v1/activities` `{"zone","kind","name","place","started_on",…}`.
pub async fn create(
    State(s): State<AppState>,
    signed: Signed,
    Body(fields): Body<Map<String, Value>>,
) -> ApiResult {
    let activity = kfq_app::activities::create(&s.db, &signed.actor, &fields, today())
        .await
        .map_err(|e| ApiError::new(e, signed.actor.lang))?;
    Ok((StatusCode::CREATED, Json(json!({ "activity": activity }))).into_response())
}

/// `GET /api/v1/activities/{id}`: the activity and the leads that name it.
pub async fn get(State(s): State<AppState>, signed: Signed, Path(id): Path<String>) -> ApiResult {
    let lang = signed.actor.lang;
    let (activity, leads) = kfq_app::activities::get(&s.db, &signed.actor, path_id(&id, lang)?)
        .await
        .map_err(|e| ApiError::new(e, lang))?;
    Ok(Json(json!({ "activity": activity, "leads": leads })).into_response())
}

/// `PATCH /api/v1/activities/{id}` `{"version", …}`.
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
    match kfq_app::activities::update(&s.db, &signed.actor, id, version, &fields).await {
        Ok(activity) => Ok(Json(json!({ "activity": activity })).into_response()),
        Err(e) => Err(ApiError::edited(e, lang, if_match)),
    }
}

/// `GET /api/v1/reports/activities?region=&from=&to=` (this year by default).
pub async fn report(State(s): State<AppState>, signed: Signed, params: Params) -> ApiResult {
    let lang = signed.actor.lang;
    let result = async {
        let get = |k: &str| params.get(k).map(String::as_str);
        let (from, to) = kfq_app::reports::period(("from", get("from")), ("to", get("to")))?;
        kfq_app::activities::report(&s.db, &signed.actor, get("region"), from, to).await
    };
    let report = result.await.map_err(|e| ApiError::new(e, lang))?;
    Ok(Json(report).into_response())
}
