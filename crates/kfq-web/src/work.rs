//! 包联责任 and 我的工作 through the API: a project's assignment, the user's own work, and
//! marking oneself away.

use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use axum::Json;
use kfq_app::{AppError, Expected};
use kfq_core::assignment::Coded;
use serde_json::{json, Map, Value};

use crate::api::path_id;
use crate::auth::{Body, Signed};
use crate::{ApiError, AppState};

type ApiResult = Result<Response, ApiError>;

/// `GET /api/v1/me/work`: the user's projects, blockers and due items.
pub async fn my_work(State(s): State<AppState>, signed: Signed) -> ApiResult {
    let today = kfq_app::reports::today();
    let work = kfq_app::assignments::my_work(&s.db, &signed.actor, today)
        .await
        .map_err(|e| ApiError::new(e, signed.actor.lang))?;
    Ok(Json(work).into_response())
}

/// `POST /api/v1/me/away` `{"away": true}`: away (the B角 takes the work) or back.
pub async fn away(
    State(s): State<AppState>,
    signed: Signed,
    Body(body): Body<Map<String, Value>>,
) -> ApiResult {
    let lang = signed.actor.lang;
    let away = match body.get("away") {
        Some(Value::Bool(b)) => *b,
        other => {
            return Err(ApiError::new(
                AppError::BadArgument {
                    name: "away",
                    value: other.map(Value::to_string).unwrap_or_default(),
                    expected: Expected::Flag,
                },
                lang,
            ))
        }
    };
    kfq_app::assignments::set_away(&s.db, &signed.actor, away)
        .await
        .map_err(|e| ApiError::new(e, lang))?;
    Ok(Json(json!({ "away": away })).into_response())
}

/// `GET /api/v1/projects/{id}/assignment`: its 包联领导, A角, B角 and 代办员, and the accounts
/// that may hold each duty.
pub async fn get(State(s): State<AppState>, signed: Signed, Path(id): Path<String>) -> ApiResult {
    let lang = signed.actor.lang;
    let id = path_id(&id, lang)?;
    let result = async {
        let assignment = kfq_app::assignments::get(&s.db, &signed.actor, id).await?;
        let candidates: Map<String, Value> =
            kfq_app::assignments::candidates(&s.db, &signed.actor, id)
                .await?
                .into_iter()
                .map(|(duty, people)| (duty.code().to_string(), json!(people)))
                .collect();
        Ok::<_, AppError>(json!({ "assignment": assignment, "candidates": candidates }))
    };
    let body = result.await.map_err(|e| ApiError::new(e, lang))?;
    Ok(Json(body).into_response())
}

/// `PUT /api/v1/projects/{id}/assignment` `{"version","leader","a_role","b_role","agent"}`.
pub async fn set(
    State(s): State<AppState>,
    signed: Signed,
    Path(id): Path<String>,
    headers: HeaderMap,
    Body(fields): Body<Map<String, Value>>,
) -> ApiResult {
    let lang = signed.actor.lang;
    let id = path_id(&id, lang)?;
    let (version, if_match) = crate::api::edited_version(&headers, &fields, lang)?;
    match kfq_app::assignments::set(&s.db, &signed.actor, id, version, &fields).await {
        Ok(assignment) => Ok(Json(json!({ "assignment": assignment })).into_response()),
        Err(e) => Err(ApiError::edited(e, lang, if_match)),
    }
}
