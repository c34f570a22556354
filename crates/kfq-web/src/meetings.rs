//! `/api/v1/meetings…` — dispatch meetings (调度会) through the API: listing and holding them,
//! the agenda, decisions that open or change blockers, final minutes, and the minutes as DOCX.

use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use kfq_app::meetings::{MeetingView, NewMeeting};
use kfq_app::reports::today;
use kfq_app::{AppError, Expected};
use kfq_core::Lang;
use serde_json::{json, Map, Value};

use crate::api::{path_id, Params};
use crate::auth::{Body, Signed};
use crate::{ApiError, AppState};

type ApiResult = Result<Response, ApiError>;

fn refused(name: &'static str, value: &Value, expected: Expected, lang: Lang) -> ApiError {
    ApiError::new(
        AppError::BadArgument {
            name,
            value: value.to_string(),
            expected,
        },
        lang,
    )
}

/// A text field: absent or null is none; anything but a string is refused, naming the field.
fn text(
    fields: &Map<String, Value>,
    key: &'static str,
    lang: Lang,
) -> Result<Option<String>, ApiError> {
    match fields.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(t)) => Ok(Some(t.clone())),
        Some(other) => Err(refused(key, other, Expected::Text, lang)),
    }
}

/// The meeting as the answer; a stale version that came in `If-Match` answers 412.
fn answer(
    result: Result<MeetingView, AppError>,
    status: StatusCode,
    if_match: Option<i64>,
    lang: Lang,
) -> ApiResult {
    match result {
        Ok(view) => Ok((status, Json(json!({ "meeting": view }))).into_response()),
        Err(e) => Err(ApiError::edited(e, lang, if_match)),
    }
}

/// `GET /api/v1/meetings?region=`: the meetings of the region and the zones and cities in it,
/// the latest first.
pub async fn list(State(s): State<AppState>, signed: Signed, params: Params) -> ApiResult {
    let region = params.get("region").map(String::as_str);
    let items = kfq_app::meetings::list(&s.db, &signed.actor, region)
        .await
        .map_err(|e| ApiError::new(e, signed.actor.lang))?;
    Ok(Json(json!({ "total": items.len(), "items": items })).into_response())
}

/// `POST /api/v1/meetings` `{"region","title","held_on","chair","attendees","propose"}`: holds
/// a meeting (the user's own region, today, 第 N 周项目调度会 and the proposed agenda by
/// default; `"propose": false` for an empty one).
pub async fn create(
    State(s): State<AppState>,
    signed: Signed,
    Body(fields): Body<Map<String, Value>>,
) -> ApiResult {
    let lang = signed.actor.lang;
    let held_on = text(&fields, "held_on", lang)?;
    let held_on = kfq_app::reports::as_of_or_today(
        "held_on",
        held_on.as_deref().filter(|t| !t.trim().is_empty()),
    )
    .map_err(|e| ApiError::new(e, lang))?;
    let propose = match fields.get("propose") {
        None | Some(Value::Null) => true,
        Some(Value::Bool(b)) => *b,
        Some(other) => return Err(refused("propose", other, Expected::Flag, lang)),
    };
    let new = NewMeeting {
        region: text(&fields, "region", lang)?,
        title: text(&fields, "title", lang)?,
        held_on,
        chair: text(&fields, "chair", lang)?.unwrap_or_default(),
        attendees: text(&fields, "attendees", lang)?.unwrap_or_default(),
        propose,
    };
    let result = kfq_app::meetings::create(&s.db, &signed.actor, &new).await;
    answer(result, StatusCode::CREATED, None, lang)
}

/// `GET /api/v1/meetings/{id}`: the meeting with its agenda; its version is the `ETag`.
pub async fn get(State(s): State<AppState>, signed: Signed, Path(m): Path<String>) -> ApiResult {
    let lang = signed.actor.lang;
    let view = kfq_app::meetings::get(&s.db, &signed.actor, path_id(&m, lang)?, today())
        .await
        .map_err(|e| ApiError::new(e, lang))?;
    let etag = format!("\"{}\"", view.meeting.version);
    Ok(([(header::ETAG, etag)], Json(json!({ "meeting": view }))).into_response())
}

/// `PATCH /api/v1/meetings/{id}` `{"version","title","held_on","chair","attendees"}`.
pub async fn update(
    State(s): State<AppState>,
    signed: Signed,
    Path(m): Path<String>,
    headers: HeaderMap,
    Body(fields): Body<Map<String, Value>>,
) -> ApiResult {
    let lang = signed.actor.lang;
    let (version, if_match) = crate::api::edited_version(&headers, &fields, lang)?;
    let result = kfq_app::meetings::update(
        &s.db,
        &signed.actor,
        path_id(&m, lang)?,
        version,
        &fields,
        today(),
    )
    .await;
    answer(result, StatusCode::OK, if_match, lang)
}

async fn settle(
    s: AppState,
    signed: Signed,
    m: String,
    headers: HeaderMap,
    fields: Map<String, Value>,
    close: bool,
) -> ApiResult {
    let lang = signed.actor.lang;
    let (version, if_match) = crate::api::edited_version(&headers, &fields, lang)?;
    let result = kfq_app::meetings::settle(
        &s.db,
        &signed.actor,
        path_id(&m, lang)?,
        version,
        close,
        today(),
    )
    .await;
    answer(result, StatusCode::OK, if_match, lang)
}

/// `POST /api/v1/meetings/{id}/close` `{"version"}`: 纪要定稿 — nothing changes after.
pub async fn close(
    State(s): State<AppState>,
    signed: Signed,
    Path(m): Path<String>,
    headers: HeaderMap,
    Body(fields): Body<Map<String, Value>>,
) -> ApiResult {
    settle(s, signed, m, headers, fields, true).await
}

/// `POST /api/v1/meetings/{id}/reopen` `{"version"}`: final minutes open again.
pub async fn reopen(
    State(s): State<AppState>,
    signed: Signed,
    Path(m): Path<String>,
    headers: HeaderMap,
    Body(fields): Body<Map<String, Value>>,
) -> ApiResult {
    settle(s, signed, m, headers, fields, false).await
}

/// `POST /api/v1/meetings/{id}/items` `{"project_id"}`: puts a project on the agenda.
pub async fn add_item(
    State(s): State<AppState>,
    signed: Signed,
    Path(m): Path<String>,
    Body(fields): Body<Map<String, Value>>,
) -> ApiResult {
    let lang = signed.actor.lang;
    let project = kfq_app::blockers::project_id_of(&fields).map_err(|e| ApiError::new(e, lang))?;
    let result =
        kfq_app::meetings::add_item(&s.db, &signed.actor, path_id(&m, lang)?, project, today())
            .await;
    answer(result, StatusCode::CREATED, None, lang)
}

/// `PATCH /api/v1/meetings/{id}/items/{item}` `{"version","decision"}`: 议定事项.
pub async fn decide(
    State(s): State<AppState>,
    signed: Signed,
    Path((m, item)): Path<(String, String)>,
    headers: HeaderMap,
    Body(fields): Body<Map<String, Value>>,
) -> ApiResult {
    let lang = signed.actor.lang;
    let (version, if_match) = crate::api::edited_version(&headers, &fields, lang)?;
    let decision = text(&fields, "decision", lang)?
        .ok_or_else(|| refused("decision", &Value::Null, Expected::Text, lang))?;
    let result = kfq_app::meetings::decide(
        &s.db,
        &signed.actor,
        path_id(&m, lang)?,
        path_id(&item, lang)?,
        version,
        &decision,
        today(),
    )
    .await;
    answer(result, StatusCode::OK, if_match, lang)
}

/// `DELETE /api/v1/meetings/{id}/items/{item}?version=` (or `If-Match`): takes it off the
/// agenda from the item's version seen.
pub async fn remove_item(
    State(s): State<AppState>,
    signed: Signed,
    Path((m, item)): Path<(String, String)>,
    headers: HeaderMap,
    params: Params,
) -> ApiResult {
    let lang = signed.actor.lang;
    let query: Map<String, Value> = params
        .get("version")
        .and_then(|v| v.trim().parse::<i64>().ok())
        .map(|v| ("version".to_string(), Value::from(v)))
        .into_iter()
        .collect();
    let (version, if_match) = crate::api::edited_version(&headers, &query, lang)?;
    let result = kfq_app::meetings::remove_item(
        &s.db,
        &signed.actor,
        path_id(&m, lang)?,
        path_id(&item, lang)?,
        version,
        today(),
    )
    .await;
    answer(result, StatusCode::OK, if_match, lang)
}

/// `POST /api/v1/meetings/{id}/items/{item}/blockers` `{"description","category",
/// "owner_unit","owner","due_on","note"}`: the decision opens a blocker on the item's project.
pub async fn open_blocker(
    State(s): State<AppState>,
    signed: Signed,
    Path((m, item)): Path<(String, String)>,
    Body(fields): Body<Map<String, Value>>,
) -> ApiResult {
    let lang = signed.actor.lang;
    let result = kfq_app::meetings::open_blocker(
        &s.db,
        &signed.actor,
        path_id(&m, lang)?,
        path_id(&item, lang)?,
        &fields,
        today(),
    )
    .await;
    answer(result, StatusCode::CREATED, None, lang)
}

/// `PATCH /api/v1/meetings/{id}/items/{item}/blockers/{blocker}` `{"version","status",
/// "owner","due_on",…,"note"}`: the decision changes one of the project's blockers.
pub async fn update_blocker(
    State(s): State<AppState>,
    signed: Signed,
    Path((m, item, blocker)): Path<(String, String, String)>,
    headers: HeaderMap,
    Body(fields): Body<Map<String, Value>>,
) -> ApiResult {
    let lang = signed.actor.lang;
    let (version, if_match) = crate::api::edited_version(&headers, &fields, lang)?;
    let result = kfq_app::meetings::update_blocker(
        &s.db,
        &signed.actor,
        path_id(&m, lang)?,
        path_id(&item, lang)?,
        path_id(&blocker, lang)?,
        version,
        &fields,
        today(),
    )
    .await;
    answer(result, StatusCode::OK, if_match, lang)
}

pub const DOCX: &str = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";

/// `GET /api/v1/meetings/{id}/minutes.docx`: 会议纪要 as a Word document.
pub async fn minutes(
    State(s): State<AppState>,
    signed: Signed,
    Path(m): Path<String>,
) -> ApiResult {
    let lang = signed.actor.lang;
    let bytes = kfq_app::meetings::minutes_docx(&s.db, &signed.actor, path_id(&m, lang)?, today())
        .await
        .map_err(|e| ApiError::new(e, lang))?;
    let disposition = format!("attachment; filename=\"minutes-{m}.docx\"");
    Ok((
        [
            (header::CONTENT_TYPE, DOCX.to_string()),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        bytes,
    )
        .into_response())
}
