//! 专项台账 through the API: one record of a zone's book read, recorded and changed (the same
//! three handlers for every book), and a file of books imported.

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use kfq_app::books::ZoneRecord;
use kfq_app::reports::today;
use serde_json::{json, Map, Value};

use crate::api::{edited_version, path_id, Params};
use crate::auth::{Body, Signed};
use crate::{ApiError, AppState};

type ApiResult = Result<Response, ApiError>;

/// `GET /api/v1/{book}/{id}`: `{"<item>": …}` with its version as the `ETag`.
pub async fn get<T: ZoneRecord>(
    State(s): State<AppState>,
    signed: Signed,
    Path(id): Path<String>,
) -> ApiResult {
    let lang = signed.actor.lang;
    let (record, zone) = kfq_app::books::visible::<T>(&s.db, &signed.actor, path_id(&id, lang)?)
        .await
        .map_err(|e| ApiError::new(e, lang))?;
    let etag = format!("\"{}\"", record.version());
    let answer = Json(json!({ T::ITEM: record.view(&zone) }));
    Ok(([(axum::http::header::ETAG, etag)], answer).into_response())
}

/// `POST /api/v1/{book}` `{"zone", …}`: 201 with the record.
pub async fn create<T: ZoneRecord>(
    State(s): State<AppState>,
    signed: Signed,
    Body(fields): Body<Map<String, Value>>,
) -> ApiResult {
    let (record, zone) = kfq_app::books::create::<T>(&s.db, &signed.actor, &fields, today())
        .await
        .map_err(|e| ApiError::new(e, signed.actor.lang))?;
    Ok((
        StatusCode::CREATED,
        Json(json!({ T::ITEM: record.view(&zone) })),
    )
        .into_response())
}

/// `PATCH /api/v1/{book}/{id}` `{"version", …}` (or `If-Match`): a stale version is refused.
pub async fn patch<T: ZoneRecord>(
    State(s): State<AppState>,
    signed: Signed,
    Path(id): Path<String>,
    headers: HeaderMap,
    Body(fields): Body<Map<String, Value>>,
) -> ApiResult {
    let lang = signed.actor.lang;
    let id = path_id(&id, lang)?;
    let (version, if_match) = edited_version(&headers, &fields, lang)?;
    match kfq_app::books::update::<T>(&s.db, &signed.actor, id, version, &fields).await {
        Ok((record, zone)) => Ok(Json(json!({ T::ITEM: record.view(&zone) })).into_response()),
        Err(e) => Err(ApiError::edited(e, lang, if_match)),
    }
}

/// The largest file an import takes (the reader refuses larger ones too).
pub const MAX_UPLOAD_BYTES: usize = 64 * 1024 * 1024;

/// `POST /api/v1/books/import?file=赋权事项.xlsx`, the file as the body: the zones' books it
/// holds imported in the caller's scope, all or nothing (`{"books": [{"sheet", "added",
/// "changed", "unchanged"}]}`), or 422 with every fault located (`faults`).
pub async fn import(
    State(s): State<AppState>,
    signed: Signed,
    params: Params,
    body: Bytes,
) -> ApiResult {
    let lang = signed.actor.lang;
    let name = params.get("file").map(String::as_str).unwrap_or_default();
    let options = kfq_app::import::ImportOptions::default();
    let done = kfq_app::import::import_upload(&s.db, name, &body, &signed.actor, today(), &options)
        .await
        .map_err(|e| ApiError::new(e, lang))?;
    Ok(Json(done).into_response())
}

/// `POST /api/v1/import?file=台账.xlsx[&zone=…][&category=…][&map=HEADER=FIELD…][&preview=true]`,
/// the file as the body: a project ledger (kfq's template or a zone's own layout) or the zones'
/// books, imported in the caller's region, all or nothing — or, with `preview=true`, what the
/// import would do and every fault, nothing written.
pub async fn import_file(
    State(s): State<AppState>,
    signed: Signed,
    Query(pairs): Query<Vec<(String, String)>>,
    body: Bytes,
) -> ApiResult {
    let lang = signed.actor.lang;
    let mut name = String::new();
    let mut preview = false;
    let mut options = kfq_app::import::ImportOptions::default();
    for (key, value) in pairs {
        let value = value.trim().to_string();
        match key.as_str() {
            "file" => name = value,
            "zone" if !value.is_empty() => options.zone = Some(value),
            "category" if !value.is_empty() => options.category = Some(value),
            "preview" => preview = matches!(value.as_str(), "true" | "1" | "yes"),
            "map" => {
                let Some((header, field)) = value.split_once('=') else {
                    let e = kfq_app::AppError::BadArgument {
                        name: "map",
                        value,
                        expected: kfq_app::error::Expected::Mapping,
                    };
                    return Err(ApiError::new(e, lang));
                };
                options
                    .mapping
                    .insert(header.trim().to_string(), field.trim().to_string());
            }
            _ => {}
        }
    }
    let result = async {
        options.check()?;
        let sheets = kfq_app::import::read_upload(&name, &body)?;
        if preview {
            let p =
                kfq_app::preview::preview(&s.db, sheets, &signed.actor, &options, today()).await?;
            let faults: Vec<Value> = p
                .faults
                .iter()
                .map(|f| crate::error::fault_json(f, lang))
                .collect();
            let mut answer = serde_json::to_value(&p).unwrap_or_default();
            answer["faults"] = Value::Array(faults);
            return Ok(answer);
        }
        let done =
            kfq_app::import::import_sheets(&s.db, sheets, &signed.actor, today(), &options).await?;
        Ok::<_, kfq_app::AppError>(serde_json::to_value(&done).unwrap_or_default())
    };
    let answer = result.await.map_err(|e| ApiError::new(e, lang))?;
    Ok(Json(answer).into_response())
}

/// `GET /api/v1/export/oc4ids?region=`: the region's projects as an OC4IDS 0.9 project package
/// (`application/json`, a file to save), the export recorded in the audit trail.
pub async fn oc4ids(State(s): State<AppState>, signed: Signed, params: Params) -> ApiResult {
    let lang = signed.actor.lang;
    let result = async {
        let region = params.get("region").map(String::as_str);
        let package = kfq_app::oc4ids::package(&s.db, &signed.actor, region, today()).await?;
        let count = package["projects"].as_array().map_or(0, Vec::len);
        let detail = json!({"format": "oc4ids", "region": region, "rows": count});
        kfq_app::audit::record_export(&s.db, &signed.actor, "oc4ids", detail).await?;
        Ok::<_, kfq_app::AppError>(package)
    };
    let package = result.await.map_err(|e| ApiError::new(e, lang))?;
    Ok((
        [(
            axum::http::header::CONTENT_DISPOSITION,
            "attachment; filename=\"oc4ids.json\"",
        )],
        Json(package),
    )
        .into_response())
}
