//! 标准地 and 承诺制 through the API: the lists and a region's figures. One record is read,
//! recorded and changed by the books' handlers (`books::get`, `create`, `patch`).

use axum::extract::State;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::json;

use crate::api::Params;
use crate::auth::Signed;
use crate::{ApiError, AppState};

type ApiResult = Result<Response, ApiError>;

fn get<'a>(params: &'a Params, key: &str) -> Option<&'a str> {
    params.get(key).map(String::as_str)
}

/// `GET /api/v1/parcels?region=&sold=yes|no&q=`.
pub async fn parcels(State(s): State<AppState>, signed: Signed, params: Params) -> ApiResult {
    let lang = signed.actor.lang;
    let (region, sold, q) = (
        get(&params, "region"),
        get(&params, "sold"),
        get(&params, "q"),
    );
    let items = kfq_app::land::parcels(&s.db, &signed.actor, region, sold, q)
        .await
        .map_err(|e| ApiError::new(e, lang))?;
    Ok(Json(json!({ "total": items.len(), "items": items })).into_response())
}

/// `GET /api/v1/commitments?region=&result=&overdue=1&q=`.
pub async fn commitments(State(s): State<AppState>, signed: Signed, params: Params) -> ApiResult {
    let lang = signed.actor.lang;
    let overdue = get(&params, "overdue").is_some_and(|v| matches!(v, "1" | "true" | "yes"));
    let items = kfq_app::land::commitments(
        &s.db,
        &signed.actor,
        get(&params, "region"),
        get(&params, "result"),
        overdue,
        get(&params, "q"),
    )
    .await
    .map_err(|e| ApiError::new(e, lang))?;
    Ok(Json(json!({ "total": items.len(), "items": items })).into_response())
}

/// `GET /api/v1/reports/land?region=&from=&to=` (this year by default).
pub async fn report(State(s): State<AppState>, signed: Signed, params: Params) -> ApiResult {
    let lang = signed.actor.lang;
    let result = async {
        let (from, to) =
            kfq_app::reports::period(("from", get(&params, "from")), ("to", get(&params, "to")))?;
        kfq_app::land::report(&s.db, &signed.actor, get(&params, "region"), from, to).await
    };
    let report = result.await.map_err(|e| ApiError::new(e, lang))?;
    Ok(Json(report).into_response())
}
