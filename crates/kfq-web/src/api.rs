//! The handlers of `/api/v1`: read the request, call the use case as the signed-in actor,
//! answer JSON.

use std::collections::HashMap;

use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use kfq_app::frozen::annotate;
use kfq_app::projects::ProjectQuery;
use kfq_app::reports::parse_round;
use kfq_app::{AppError, Expected};
use kfq_core::report::funnel::FunnelRules;
use kfq_core::report::stuck::StuckThresholds;
use serde::Deserialize;
use serde_json::{json, Map, Value};

use crate::auth::{visitor_lang, Body, Signed};
use crate::{ApiError, AppState};

pub(crate) type Params = Query<HashMap<String, String>>;
type ApiResult = Result<Response, ApiError>;

pub async fn openapi() -> Response {
    (
        [(header::CONTENT_TYPE, "application/json")],
        include_str!("openapi.json"),
    )
        .into_response()
}

#[derive(Deserialize)]
pub struct Credentials {
    username: String,
    password: String,
    /// The code of the second factor, for a user who has one.
    #[serde(default)]
    totp: Option<String>,
}

/// `POST /api/v1/session`: signs in; the session is set as a cookie and returned for scripts.
pub async fn sign_in(
    State(s): State<AppState>,
    headers: HeaderMap,
    ip: crate::auth::ClientIp,
    Body(c): Body<Credentials>,
) -> ApiResult {
    let lang = visitor_lang(&headers, s.lang);
    let (secret, user) =
        kfq_app::users::sign_in_with(&s.db, &c.username, &c.password, c.totp.as_deref(), ip.0)
            .await
            .map_err(|e| ApiError::new(e, lang))?;
    let cookie = crate::auth::new_session_cookie(&s, &headers, &secret).await;
    Ok((
        [(header::SET_COOKIE, cookie)],
        Json(json!({"user": user, "session": secret})),
    )
        .into_response())
}

/// `DELETE /api/v1/session`: signs out.
pub async fn sign_out(State(s): State<AppState>, headers: HeaderMap, signed: Signed) -> ApiResult {
    kfq_app::users::sign_out(&s.db, &signed.actor, &signed.secret)
        .await
        .map_err(|e| ApiError::new(e, signed.actor.lang))?;
    let clear = crate::auth::cleared_session_cookie(&headers);
    Ok(([(header::SET_COOKIE, clear)], StatusCode::NO_CONTENT).into_response())
}

pub async fn me(signed: Signed) -> ApiResult {
    Ok(Json(json!({"user": signed.user})).into_response())
}

#[derive(Deserialize)]
pub struct PasswordChange {
    old: String,
    new: String,
}

pub async fn change_password(
    State(s): State<AppState>,
    signed: Signed,
    Body(p): Body<PasswordChange>,
) -> ApiResult {
    kfq_app::users::change_password(&s.db, &signed.actor, &p.old, &p.new)
        .await
        .map_err(|e| ApiError::new(e, signed.actor.lang))?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// `GET /api/v1/projects?city=&zone=&stage=&chain=&strategic=&category=&min_wan=&max_wan=&q=&sort=&page=&per_page=`
pub async fn projects(State(s): State<AppState>, signed: Signed, params: Params) -> ApiResult {
    let lang = signed.actor.lang;
    let query = ProjectQuery::from_params(&params).map_err(|e| ApiError::new(e, lang))?;
    let page = kfq_app::projects::list(&s.db, &signed.actor, &query)
        .await
        .map_err(|e| ApiError::new(e, lang))?;
    Ok(Json(page).into_response())
}

/// The version a change was made from: `If-Match` (then a conflict answers 412) or a
/// `version` field.
pub(crate) fn edited_version(
    headers: &HeaderMap,
    body: &Map<String, Value>,
    lang: kfq_core::Lang,
) -> Result<(i64, Option<i64>), ApiError> {
    let if_match = headers
        .get(header::IF_MATCH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| {
            v.trim()
                .trim_start_matches("W/")
                .trim_matches('"')
                .parse::<i64>()
                .ok()
        });
    let version = if_match
        .or_else(|| body.get("version").and_then(Value::as_i64))
        .ok_or_else(|| {
            ApiError::new(
                AppError::BadArgument {
                    name: "version",
                    value: String::new(),
                    expected: Expected::Version,
                },
                lang,
            )
        })?;
    Ok((version, if_match))
}

/// An id in a path: one that is not a number names nothing, answered as any unknown one.
pub(crate) fn path_id(text: &str, lang: kfq_core::Lang) -> Result<i64, ApiError> {
    text.parse()
        .map_err(|_| ApiError::new(AppError::NotFound, lang))
}

pub async fn project(
    State(s): State<AppState>,
    signed: Signed,
    Path(id): Path<String>,
) -> ApiResult {
    let lang = signed.actor.lang;
    let view = kfq_app::projects::get(&s.db, &signed.actor, path_id(&id, lang)?)
        .await
        .map_err(|e| ApiError::new(e, lang))?;
    let etag = format!("\"{}\"", view.version);
    let code = view.code.clone();
    let answer = with_warnings(&s, &signed.actor, view, &[code]).await?;
    Ok(([(header::ETAG, etag)], Json(answer)).into_response())
}

/// `PATCH /api/v1/projects/{id}`: the version edited comes in `If-Match` or a `version` field.
pub async fn patch_project(
    State(s): State<AppState>,
    signed: Signed,
    Path(id): Path<String>,
    headers: HeaderMap,
    Body(patch): Body<Map<String, Value>>,
) -> ApiResult {
    let lang = signed.actor.lang;
    let id = path_id(&id, lang)?;
    let (version, if_match) = edited_version(&headers, &patch, lang)?;
    match kfq_app::projects::update(&s.db, &signed.actor, id, version, &patch).await {
        Ok(view) => {
            let etag = format!("\"{}\"", view.version);
            let code = view.code.clone();
            let answer = with_warnings(&s, &signed.actor, view, &[code]).await?;
            Ok(([(header::ETAG, etag)], Json(answer)).into_response())
        }
        Err(e) => Err(ApiError::edited(e, lang, if_match)),
    }
}

fn param<'a>(
    params: &'a Params,
    name: &'static str,
    expected: Expected,
) -> Result<&'a str, AppError> {
    params
        .get(name)
        .map(String::as_str)
        .ok_or(AppError::BadArgument {
            name,
            value: String::new(),
            expected,
        })
}

/// The database as reported at `reported_on` (a date or a locked round), with the changes
/// since; as it is now when the parameter is absent.
async fn reported(
    s: &AppState,
    signed: &Signed,
    region: Option<&str>,
    params: &Params,
) -> Result<(kfq_store::Db, Option<kfq_app::frozen::Frozen>), AppError> {
    let reported_on = params.get("reported_on").map(String::as_str);
    kfq_app::frozen::view(&s.db, &signed.actor, region, reported_on).await
}

pub(crate) fn as_of(params: &Params) -> Result<chrono::NaiveDate, AppError> {
    kfq_app::reports::as_of_or_today("as_of", params.get("as_of").map(String::as_str))
}

/// `GET /api/v1/audit?since=&until=&user=&action=&object=&limit=`: the audit trail, newest
/// first (the province and the audit administrator).
pub async fn audit(State(s): State<AppState>, signed: Signed, params: Params) -> ApiResult {
    let result = async {
        let query = audit_query(&params)?;
        let limit = params
            .get("limit")
            .and_then(|l| l.parse::<i64>().ok())
            .unwrap_or(200);
        let entries = kfq_app::audit::list(&s.db, &signed.actor, &query, limit).await?;
        Ok::<_, AppError>(Json(json!({ "entries": entries })).into_response())
    };
    result
        .await
        .map_err(|e| ApiError::new(e, signed.actor.lang))
}

/// The audit search a query string asks for (the API and the audit page share it).
pub(crate) fn audit_query(
    params: &HashMap<String, String>,
) -> Result<kfq_store::AuditQuery, AppError> {
    let get = |k: &str| params.get(k).cloned();
    kfq_app::audit::query(
        params.get("since").map(String::as_str),
        params.get("until").map(String::as_str),
        get("user"),
        get("action"),
        get("object"),
    )
}

/// `GET /api/v1/users`: every account (the system and security administrators).
pub async fn users(State(s): State<AppState>, signed: Signed) -> ApiResult {
    let items = kfq_app::users::list(&s.db, &signed.actor)
        .await
        .map_err(|e| ApiError::new(e, signed.actor.lang))?;
    Ok(Json(json!({ "items": items })).into_response())
}

fn text_field<'a>(body: &'a Value, name: &'static str) -> Result<Option<&'a str>, AppError> {
    match body.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(text)) => Ok(Some(text)),
        Some(other) => Err(AppError::BadArgument {
            name,
            value: other.to_string(),
            expected: Expected::Text,
        }),
    }
}

/// `POST /api/v1/users` `{"username", "display_name"}`: a new account awaiting its role, with
/// an initial password shown this once (the system administrator; 三员分立).
pub async fn create_user(
    State(s): State<AppState>,
    signed: Signed,
    Body(body): Body<Value>,
) -> ApiResult {
    let result = async {
        let username = text_field(&body, "username")?.unwrap_or_default();
        let display_name = text_field(&body, "display_name")?.unwrap_or_default();
        let (user, password) =
            kfq_app::users::open_account(&s.db, &signed.actor, username, display_name).await?;
        Ok::<_, AppError>(
            (
                StatusCode::CREATED,
                Json(json!({ "user": user, "initial_password": password })),
            )
                .into_response(),
        )
    };
    result
        .await
        .map_err(|e| ApiError::new(e, signed.actor.lang))
}

/// `PATCH /api/v1/users/{username}`: `{"role", "region"}` grants a role (the security
/// administrator); `{"disabled": true|false}` disables or enables the account (the system
/// administrator).
pub async fn patch_user(
    State(s): State<AppState>,
    signed: Signed,
    Path(username): Path<String>,
    Body(body): Body<Value>,
) -> ApiResult {
    let result = async {
        let mut user = None;
        if let Some(role) = text_field(&body, "role")? {
            let role = kfq_core::access::Role::parse(role).ok_or(AppError::BadArgument {
                name: "role",
                value: role.into(),
                expected: Expected::Role,
            })?;
            let region = text_field(&body, "region")?.unwrap_or_default();
            user =
                Some(kfq_app::users::grant(&s.db, &signed.actor, &username, role, region).await?);
        }
        match body.get("disabled") {
            None => {}
            Some(Value::Bool(disabled)) => {
                user = Some(
                    kfq_app::users::set_disabled(&s.db, &signed.actor, &username, *disabled)
                        .await?,
                );
            }
            Some(other) => {
                return Err(AppError::BadArgument {
                    name: "disabled",
                    value: other.to_string(),
                    expected: Expected::Flag,
                })
            }
        }
        let user = user.ok_or(AppError::BadArgument {
            name: "role",
            value: String::new(),
            expected: Expected::AccountChange,
        })?;
        Ok(Json(json!({ "user": user })).into_response())
    };
    result
        .await
        .map_err(|e| ApiError::new(e, signed.actor.lang))
}

/// `POST /api/v1/users/{username}/password`: a new initial password, shown this once (the
/// system administrator); the account's sessions end.
pub async fn reset_password(
    State(s): State<AppState>,
    signed: Signed,
    Path(username): Path<String>,
) -> ApiResult {
    let password = kfq_app::users::reset_password(&s.db, &signed.actor, &username)
        .await
        .map_err(|e| ApiError::new(e, signed.actor.lang))?;
    Ok(Json(json!({ "username": username, "initial_password": password })).into_response())
}

/// `POST /api/v1/me/totp`: starts setting up a second factor: `{"secret","uri"}` for the
/// authenticator app; it takes effect once a code confirms it.
pub async fn start_totp(State(s): State<AppState>, signed: Signed) -> ApiResult {
    let setup = kfq_app::users::start_totp(&s.db, &signed.actor)
        .await
        .map_err(|e| ApiError::new(e, signed.actor.lang))?;
    Ok(Json(json!(setup)).into_response())
}

/// `POST /api/v1/me/totp/confirm` `{"code"}`: confirms the second factor being set up.
pub async fn confirm_totp(
    State(s): State<AppState>,
    signed: Signed,
    Body(body): Body<Value>,
) -> ApiResult {
    let result = async {
        let code = text_field(&body, "code")?.unwrap_or_default();
        kfq_app::users::confirm_totp(&s.db, &signed.actor, code).await
    };
    result
        .await
        .map_err(|e| ApiError::new(e, signed.actor.lang))?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// `DELETE /api/v1/users/{username}/totp`: removes an account's second factor (the system
/// administrator, for a user who lost their phone).
pub async fn reset_totp(
    State(s): State<AppState>,
    signed: Signed,
    Path(username): Path<String>,
) -> ApiResult {
    kfq_app::users::reset_totp(&s.db, &signed.actor, &username)
        .await
        .map_err(|e| ApiError::new(e, signed.actor.lang))?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// `GET /api/v1/policy`: the security policy in force (the administrators and the province).
pub async fn policy(State(s): State<AppState>, signed: Signed) -> ApiResult {
    let policy = kfq_app::policy::show(&s.db, &signed.actor)
        .await
        .map_err(|e| ApiError::new(e, signed.actor.lang))?;
    Ok(Json(json!({ "policy": policy })).into_response())
}

/// `PATCH /api/v1/policy` `{"lockout_attempts": 5, …}`: changes rules of the policy, all or
/// none (the security administrator).
pub async fn change_policy(
    State(s): State<AppState>,
    signed: Signed,
    Body(changes): Body<Map<String, Value>>,
) -> ApiResult {
    let policy = kfq_app::policy::change(&s.db, &signed.actor, &changes)
        .await
        .map_err(|e| ApiError::new(e, signed.actor.lang))?;
    Ok(Json(json!({ "policy": policy })).into_response())
}

/// `GET /api/v1/blockers?region=&status=&category=&level=&overdue=true&project=`: the blocker
/// ledger in scope, most overdue first.
pub async fn blockers(State(s): State<AppState>, signed: Signed, params: Params) -> ApiResult {
    let get = |k: &str| params.get(k).cloned();
    let query = kfq_app::blockers::BlockerQuery {
        region: get("region"),
        status: get("status"),
        category: get("category"),
        level: get("level"),
        overdue: params
            .get("overdue")
            .is_some_and(|v| matches!(v.trim(), "true" | "1" | "是")),
        project: get("project"),
    };
    let today = chrono::Local::now().date_naive();
    let items = kfq_app::blockers::list(&s.db, &signed.actor, &query, today)
        .await
        .map_err(|e| ApiError::new(e, signed.actor.lang))?;
    Ok(Json(json!({ "total": items.len(), "items": items })).into_response())
}

/// `POST /api/v1/blockers` `{"project_id","description","category",…,"note"}`: raises one.
pub async fn create_blocker(
    State(s): State<AppState>,
    signed: Signed,
    Body(fields): Body<Map<String, Value>>,
) -> ApiResult {
    let today = chrono::Local::now().date_naive();
    let blocker = kfq_app::blockers::create(&s.db, &signed.actor, &fields, today)
        .await
        .map_err(|e| ApiError::new(e, signed.actor.lang))?;
    Ok((StatusCode::CREATED, Json(json!({ "blocker": blocker }))).into_response())
}

/// `GET /api/v1/blockers/{id}`: one blocker with its progress notes.
pub async fn blocker(
    State(s): State<AppState>,
    signed: Signed,
    Path(id): Path<String>,
) -> ApiResult {
    let lang = signed.actor.lang;
    let today = chrono::Local::now().date_naive();
    let (blocker, notes) = kfq_app::blockers::get(&s.db, &signed.actor, path_id(&id, lang)?, today)
        .await
        .map_err(|e| ApiError::new(e, lang))?;
    Ok(Json(json!({ "blocker": blocker, "notes": notes })).into_response())
}

/// `PATCH /api/v1/blockers/{id}` `{"version", "status", "resolution", …, "note"}`.
pub async fn patch_blocker(
    State(s): State<AppState>,
    signed: Signed,
    Path(id): Path<String>,
    headers: HeaderMap,
    Body(fields): Body<Map<String, Value>>,
) -> ApiResult {
    let lang = signed.actor.lang;
    let id = path_id(&id, lang)?;
    let (version, if_match) = edited_version(&headers, &fields, lang)?;
    let today = chrono::Local::now().date_naive();
    match kfq_app::blockers::update(&s.db, &signed.actor, id, version, &fields, today).await {
        Ok(blocker) => Ok(Json(json!({ "blocker": blocker })).into_response()),
        Err(e) => Err(ApiError::edited(e, lang, if_match)),
    }
}

/// `POST /api/v1/blockers/{id}/escalate` `{"version","note"}`: one level up, with why.
pub async fn escalate_blocker(
    State(s): State<AppState>,
    signed: Signed,
    Path(id): Path<String>,
    headers: HeaderMap,
    Body(fields): Body<Map<String, Value>>,
) -> ApiResult {
    let lang = signed.actor.lang;
    let id = path_id(&id, lang)?;
    let (version, _) = edited_version(&headers, &fields, lang)?;
    let note = fields
        .get("note")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let today = chrono::Local::now().date_naive();
    let blocker = kfq_app::blockers::escalate(&s.db, &signed.actor, id, version, note, today)
        .await
        .map_err(|e| ApiError::new(e, lang))?;
    Ok(Json(json!({ "blocker": blocker })).into_response())
}

/// `POST /api/v1/blockers/{id}/notes` `{"note"}`: a progress note.
pub async fn note_blocker(
    State(s): State<AppState>,
    signed: Signed,
    Path(id): Path<String>,
    Body(fields): Body<Map<String, Value>>,
) -> ApiResult {
    let lang = signed.actor.lang;
    let note = fields
        .get("note")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let saved = kfq_app::blockers::note(&s.db, &signed.actor, path_id(&id, lang)?, note)
        .await
        .map_err(|e| ApiError::new(e, lang))?;
    Ok((StatusCode::CREATED, Json(json!({ "note": saved }))).into_response())
}

/// `DELETE /api/v1/me/sessions`: ends every session of the user (API tokens stay).
pub async fn end_sessions(State(s): State<AppState>, signed: Signed) -> ApiResult {
    let ended = kfq_app::users::sign_out_everywhere(&s.db, &signed.actor)
        .await
        .map_err(|e| ApiError::new(e, signed.actor.lang))?;
    Ok(Json(json!({ "ended": ended })).into_response())
}

/// `GET /api/v1/reports/round/{year}-{seq}?region=CODE` (default: the user's own region).
pub async fn round(
    State(s): State<AppState>,
    signed: Signed,
    Path(round): Path<String>,
    params: Params,
) -> ApiResult {
    let result = async {
        let round = parse_round(&round)?;
        let region = params.get("region").map(String::as_str);
        let (db, frozen) = reported(&s, &signed, region, &params).await?;
        let summary = kfq_app::reports::round_summary(&db, &signed.actor, round, region).await?;
        let mut json = annotate(&summary, frozen.as_ref());
        crate::links::annotate_round(&mut json, &summary);
        Ok::<_, AppError>(Json(json).into_response())
    };
    result
        .await
        .map_err(|e| ApiError::new(e, signed.actor.lang))
}

/// `GET /api/v1/reports/funnel?region=&from=&to=&as_of=`
pub async fn funnel(State(s): State<AppState>, signed: Signed, params: Params) -> ApiResult {
    let result = async {
        let region = params.get("region").map(String::as_str);
        let (db, frozen) = reported(&s, &signed, region, &params).await?;
        let funnel = kfq_app::reports::funnel(
            &db,
            &signed.actor,
            region,
            parse_round(param(&params, "from", Expected::Round)?)?,
            parse_round(param(&params, "to", Expected::Round)?)?,
            as_of(&params)?,
            &FunnelRules::default(),
        )
        .await?;
        let mut json = annotate(&funnel, frozen.as_ref());
        crate::links::annotate_funnel(&mut json, &funnel);
        Ok::<_, AppError>(Json(json).into_response())
    };
    result
        .await
        .map_err(|e| ApiError::new(e, signed.actor.lang))
}

/// `GET /api/v1/reports/stuck?region=` (or `zone=`) `&as_of=&limit=`
pub async fn stuck(State(s): State<AppState>, signed: Signed, params: Params) -> ApiResult {
    let result = async {
        let region = params
            .get("region")
            .or_else(|| params.get("zone"))
            .map(String::as_str);
        let (db, frozen) = reported(&s, &signed, region, &params).await?;
        let mut report = kfq_app::reports::stuck(
            &db,
            &signed.actor,
            region,
            as_of(&params)?,
            &StuckThresholds::default(),
        )
        .await?;
        if let Some(limit) = params.get("limit").and_then(|l| l.parse::<usize>().ok()) {
            for list in &mut report.lists {
                list.items.truncate(limit);
            }
        }
        Ok::<_, AppError>(Json(annotate(report, frozen.as_ref())).into_response())
    };
    result
        .await
        .map_err(|e| ApiError::new(e, signed.actor.lang))
}

/// `GET /api/v1/reports/trend?region=&months=24&until=2024-10`: investment completed per month
/// (the latest month reported by default).
pub async fn trend(State(s): State<AppState>, signed: Signed, params: Params) -> ApiResult {
    let result = async {
        let region = params.get("region").map(String::as_str);
        let months = match params.get("months") {
            None => 24,
            Some(text) => text
                .parse::<usize>()
                .ok()
                .filter(|n| (1..=120).contains(n))
                .ok_or(AppError::BadArgument {
                    name: "months",
                    value: text.clone(),
                    expected: Expected::Number(120),
                })?,
        };
        let until = params
            .get("until")
            .map(|m| {
                kfq_core::monthly::Month::parse(m).map_err(|_| AppError::BadArgument {
                    name: "until",
                    value: m.clone(),
                    expected: Expected::Month,
                })
            })
            .transpose()?;
        let trend = kfq_app::reports::trend(&s.db, &signed.actor, region, until, months).await?;
        Ok::<_, AppError>(Json(trend).into_response())
    };
    result
        .await
        .map_err(|e| ApiError::new(e, signed.actor.lang))
}

/// `GET /api/v1/reports/overview?round=2024-4&as_of=`: the round by province, with the blockers
/// overdue on the day (today by default).
pub async fn overview(State(s): State<AppState>, signed: Signed, params: Params) -> ApiResult {
    let result = async {
        let round = parse_round(param(&params, "round", Expected::Round)?)?;
        let overview =
            kfq_app::reports::overview(&s.db, &signed.actor, round, as_of(&params)?).await?;
        Ok::<_, AppError>(Json(overview).into_response())
    };
    result
        .await
        .map_err(|e| ApiError::new(e, signed.actor.lang))
}

/// `POST /api/v1/projects`: creates a project (201 with it); fields as in a PATCH, plus
/// `code` (optional), `enterprise` and `credit_code`.
pub async fn create_project(
    State(s): State<AppState>,
    signed: Signed,
    Body(fields): Body<Map<String, Value>>,
) -> ApiResult {
    let lang = signed.actor.lang;
    let view = kfq_app::projects::create(&s.db, &signed.actor, &fields)
        .await
        .map_err(|e| ApiError::new(e, lang))?;
    let code = view.code.clone();
    let answer = with_warnings(&s, &signed.actor, view, &[code]).await?;
    Ok((StatusCode::CREATED, Json(answer)).into_response())
}

/// `GET /api/v1/rounds`
pub async fn rounds(State(s): State<AppState>, signed: Signed) -> ApiResult {
    let rounds = kfq_app::rounds::list(&s.db)
        .await
        .map_err(|e| ApiError::new(e, signed.actor.lang))?;
    let list: Vec<Value> = rounds
        .iter()
        .map(|r| json!({"round": r.id, "held_on": r.held_on, "venue": r.venue, "locked": r.locked}))
        .collect();
    Ok(Json(json!({"rounds": list})).into_response())
}

#[derive(Deserialize)]
pub struct NewRound {
    round: String,
    held_on: Option<String>,
    #[serde(default)]
    venue: String,
}

/// `POST /api/v1/rounds` `{"round":"2026-4","held_on":"2026-11-20","venue":"太原"}`
pub async fn create_round(
    State(s): State<AppState>,
    signed: Signed,
    Body(r): Body<NewRound>,
) -> ApiResult {
    let result = async {
        let id = parse_round(&r.round)?;
        let held_on = r
            .held_on
            .as_deref()
            .map(|d| kfq_app::reports::parse_date("held_on", d))
            .transpose()?;
        kfq_app::rounds::create(&s.db, &signed.actor, id, held_on, &r.venue).await?;
        kfq_app::rounds::view(&s.db, &signed.actor, id).await
    };
    match result.await {
        Ok(view) => Ok((StatusCode::CREATED, Json(view)).into_response()),
        Err(e) => Err(ApiError::new(e, signed.actor.lang)),
    }
}

/// `GET /api/v1/rounds/{year}-{seq}`: the round with its entries in the caller's scope.
pub async fn round_view(
    State(s): State<AppState>,
    signed: Signed,
    Path(id): Path<String>,
) -> ApiResult {
    let result = async { kfq_app::rounds::view(&s.db, &signed.actor, parse_round(&id)?).await };
    result
        .await
        .map(|v| Json(v).into_response())
        .map_err(|e| ApiError::new(e, signed.actor.lang))
}

#[derive(Deserialize)]
pub struct Enrolment {
    batch: String,
    project_id: i64,
    #[serde(default)]
    date_at_round: bool,
}

/// `POST /api/v1/rounds/{id}/entries` `{"batch":"sign","project_id":1,"date_at_round":true}`
pub async fn enrol(
    State(s): State<AppState>,
    signed: Signed,
    Path(id): Path<String>,
    Body(e): Body<Enrolment>,
) -> ApiResult {
    let result = async {
        let id = parse_round(&id)?;
        let batch = kfq_core::round::BatchKind::parse(&e.batch).ok_or(AppError::BadArgument {
            name: "batch",
            value: e.batch.clone(),
            expected: Expected::Batch,
        })?;
        kfq_app::rounds::enrol(
            &s.db,
            &signed.actor,
            id,
            batch,
            e.project_id,
            e.date_at_round,
        )
        .await?;
        let code = kfq_app::projects::get(&s.db, &signed.actor, e.project_id)
            .await?
            .code;
        Ok::<_, AppError>((kfq_app::rounds::view(&s.db, &signed.actor, id).await?, code))
    };
    match result.await {
        Ok((view, code)) => {
            let answer = with_warnings(&s, &signed.actor, view, &[code]).await?;
            Ok((StatusCode::CREATED, Json(answer)).into_response())
        }
        Err(e) => Err(ApiError::new(e, signed.actor.lang)),
    }
}

/// `POST /api/v1/rounds/{id}/lock`
pub async fn lock_round(
    State(s): State<AppState>,
    signed: Signed,
    Path(id): Path<String>,
) -> ApiResult {
    let result = async {
        let id = parse_round(&id)?;
        kfq_app::rounds::lock(&s.db, &signed.actor, id).await?;
        kfq_app::rounds::view(&s.db, &signed.actor, id).await
    };
    result
        .await
        .map(|v| Json(v).into_response())
        .map_err(|e| ApiError::new(e, signed.actor.lang))
}

/// `GET /api/v1/checks?region=`: the consistency findings in the caller's scope.
pub async fn checks(State(s): State<AppState>, signed: Signed, params: Params) -> ApiResult {
    let region = params.get("region").map(String::as_str);
    let all = params.get("all").is_some_and(|v| v == "true" || v == "1");
    let checks = kfq_app::checks::checks_with(&s.db, &signed.actor, region, all)
        .await
        .map_err(|e| ApiError::new(e, signed.actor.lang))?;
    Ok(Json(checks).into_response())
}

#[derive(Deserialize)]
pub struct NewDismissal {
    rule: String,
    projects: Vec<String>,
    #[serde(default)]
    reason: String,
}

/// `POST /api/v1/checks/dismissals` `{"rule","projects":[codes],"reason"}`: sets a finding
/// aside; answers the finding with its dismissal.
pub async fn dismiss(
    State(s): State<AppState>,
    signed: Signed,
    Body(d): Body<NewDismissal>,
) -> ApiResult {
    let finding = kfq_app::checks::dismiss(&s.db, &signed.actor, &d.rule, &d.projects, &d.reason)
        .await
        .map_err(|e| ApiError::new(e, signed.actor.lang))?;
    Ok((StatusCode::CREATED, Json(finding)).into_response())
}

/// The answer with the open findings the change raised for its projects, under `warnings`.
async fn with_warnings(
    s: &AppState,
    actor: &kfq_app::Actor,
    answer: impl serde::Serialize,
    codes: &[String],
) -> Result<Value, ApiError> {
    let warnings = kfq_app::checks::warnings(&s.db, actor, codes)
        .await
        .map_err(|e| ApiError::new(e, actor.lang))?;
    let mut value =
        serde_json::to_value(answer).map_err(|_| ApiError::new(AppError::Internal, actor.lang))?;
    if let Value::Object(map) = &mut value {
        map.insert("warnings".into(), json!(warnings));
    }
    Ok(value)
}
