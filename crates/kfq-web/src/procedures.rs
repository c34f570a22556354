//! 审批事项与领办代办 through the API: a project's checklist, recording a procedure, a region's
//! figures, and the province's standard list.

use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use axum::Json;
use kfq_app::reports::today;
use kfq_app::{AppError, Expected};
use serde_json::{json, Map, Value};

use crate::api::{path_id, Params};
use crate::auth::{Body, Signed};
use crate::{ApiError, AppState};

type ApiResult = Result<Response, ApiError>;

/// `GET /api/v1/projects/{id}/procedures`: the project's checklist.
pub async fn checklist(
    State(s): State<AppState>,
    signed: Signed,
    Path(id): Path<String>,
) -> ApiResult {
    let lang = signed.actor.lang;
    let list = kfq_app::procedures::checklist(&s.db, &signed.actor, path_id(&id, lang)?)
        .await
        .map_err(|e| ApiError::new(e, lang))?;
    Ok(Json(list).into_response())
}

/// `PUT /api/v1/projects/{id}/procedures/{name}` `{"version","agent","accepted_on",
/// "submitted_on","approved_on","commitment","note"}`.
pub async fn save(
    State(s): State<AppState>,
    signed: Signed,
    Path((id, name)): Path<(String, String)>,
    headers: HeaderMap,
    Body(fields): Body<Map<String, Value>>,
) -> ApiResult {
    let lang = signed.actor.lang;
    let id = path_id(&id, lang)?;
    let (version, if_match) = crate::api::edited_version(&headers, &fields, lang)?;
    let result =
        kfq_app::procedures::save(&s.db, &signed.actor, id, &name, version, &fields, today()).await;
    match result {
        Ok(list) => Ok(Json(list).into_response()),
        Err(e) => Err(ApiError::edited(e, lang, if_match)),
    }
}

/// `GET /api/v1/reports/agency?region=&from=&to=`: 领办代办 of a region (this year by default).
pub async fn report(State(s): State<AppState>, signed: Signed, params: Params) -> ApiResult {
    let lang = signed.actor.lang;
    let result = async {
        let get = |k: &str| params.get(k).map(String::as_str);
        let (from, to) = kfq_app::reports::period(("from", get("from")), ("to", get("to")))?;
        let region = params.get("region").map(String::as_str);
        kfq_app::procedures::report(&s.db, &signed.actor, region, from, to).await
    };
    let report = result.await.map_err(|e| ApiError::new(e, lang))?;
    Ok(Json(report).into_response())
}

/// `GET /api/v1/settings/procedures`: the standard checklist.
pub async fn standard(State(s): State<AppState>, signed: Signed) -> ApiResult {
    let lang = signed.actor.lang;
    signed
        .actor
        .must(kfq_core::access::Action::Read)
        .map_err(|e| ApiError::new(e, lang))?;
    let names = kfq_app::procedures::standard(&s.db)
        .await
        .map_err(|e| ApiError::new(e, lang))?;
    Ok(Json(json!({ "names": names })).into_response())
}

/// `PATCH /api/v1/settings/procedures` `{"names": [...]}`: the province sets it.
pub async fn set_standard(
    State(s): State<AppState>,
    signed: Signed,
    Body(body): Body<Map<String, Value>>,
) -> ApiResult {
    let lang = signed.actor.lang;
    let names: Option<Vec<String>> = body
        .get("names")
        .and_then(Value::as_array)
        .and_then(|l| l.iter().map(|v| v.as_str().map(str::to_string)).collect());
    let names = names.ok_or_else(|| {
        ApiError::new(
            AppError::BadArgument {
                name: "names",
                value: body.get("names").map(Value::to_string).unwrap_or_default(),
                expected: Expected::ProcedureNames,
            },
            lang,
        )
    })?;
    let names = kfq_app::procedures::set_standard(&s.db, &signed.actor, &names)
        .await
        .map_err(|e| ApiError::new(e, lang))?;
    Ok(Json(json!({ "names": names })).into_response())
}
