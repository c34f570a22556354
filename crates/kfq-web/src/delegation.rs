//! 赋权事项 and 一件事一次办 through the API: the lists and a region's figures. One record is read,
//! recorded and changed by the books' handlers (`books::get`, `create`, `patch`).

use axum::extract::State;
use axum::response::{IntoResponse, Response};
use axum::Json;
use kfq_app::delegation::PowerFilter;
use serde_json::json;

use crate::api::Params;
use crate::auth::Signed;
use crate::{ApiError, AppState};

type ApiResult = Result<Response, ApiError>;

fn filter(params: &Params) -> PowerFilter {
    PowerFilter {
        level: params.get("level").cloned(),
        taken_up: params.get("taken_up").cloned(),
        q: params.get("q").cloned(),
    }
}

/// `GET /api/v1/powers?region=&level=&taken_up=yes|no&q=`.
pub async fn powers(State(s): State<AppState>, signed: Signed, params: Params) -> ApiResult {
    let lang = signed.actor.lang;
    let region = params.get("region").map(String::as_str);
    let items = kfq_app::delegation::powers(&s.db, &signed.actor, region, &filter(&params))
        .await
        .map_err(|e| ApiError::new(e, lang))?;
    Ok(Json(json!({ "total": items.len(), "items": items })).into_response())
}

/// `GET /api/v1/bundles?region=`.
pub async fn bundles(State(s): State<AppState>, signed: Signed, params: Params) -> ApiResult {
    let lang = signed.actor.lang;
    let region = params.get("region").map(String::as_str);
    let items = kfq_app::delegation::bundles(&s.db, &signed.actor, region)
        .await
        .map_err(|e| ApiError::new(e, lang))?;
    Ok(Json(json!({ "total": items.len(), "items": items })).into_response())
}

/// `GET /api/v1/reports/delegation?region=&as_of=` (today by default).
pub async fn report(State(s): State<AppState>, signed: Signed, params: Params) -> ApiResult {
    let lang = signed.actor.lang;
    let result = async {
        let as_of = crate::api::as_of(&params)?;
        let region = params.get("region").map(String::as_str);
        kfq_app::delegation::report(&s.db, &signed.actor, region, as_of).await
    };
    let report = result.await.map_err(|e| ApiError::new(e, lang))?;
    Ok(Json(report).into_response())
}
