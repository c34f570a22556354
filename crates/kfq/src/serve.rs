//! `kfq serve`: the reports as JSON over HTTP, and a landing page. The full web application
//! (sign-in, projects, rounds, dashboards) is the web issue's; until then kfq listens on the
//! loopback address only by default.

use std::collections::HashMap;

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use kfq_app::reports::parse_round;
use kfq_app::{AppError, Expected};
use kfq_core::report::funnel::FunnelRules;
use kfq_core::report::stuck::StuckThresholds;
use kfq_core::{Lang, Localized};
use kfq_store::Db;

#[derive(Clone)]
struct AppState {
    db: Db,
    lang: Lang,
}

pub async fn serve(db: Db, addr: &str, lang: Lang) -> Result<(), AppError> {
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|e| AppError::Output {
            path: addr.into(),
            why: e.to_string(),
        })?;
    let local = listener
        .local_addr()
        .map(|a| a.to_string())
        .unwrap_or_else(|_| addr.into());
    eprintln!(
        "{} http://{local}/",
        lang.pick("kfq 已启动：", "kfq is listening on")
    );
    axum::serve(listener, router(AppState { db, lang }))
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await
        .map_err(|e| AppError::Output {
            path: local,
            why: e.to_string(),
        })
}

fn router(state: AppState) -> Router {
    Router::new()
        .route("/", get(index))
        .route("/health", get(|| async { "ok" }))
        .route("/api/v1/reports/round/{round}", get(round))
        .route("/api/v1/reports/funnel", get(funnel))
        .route("/api/v1/reports/stuck", get(stuck))
        .with_state(state)
}

struct ApiError(AppError, Lang);

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = match &self.0 {
            AppError::UnknownRegion(_) | AppError::UnknownRound(_) => StatusCode::NOT_FOUND,
            AppError::BadArgument { .. } | AppError::Ledger(_) => StatusCode::BAD_REQUEST,
            _ => StatusCode::INTERNAL_SERVER_ERROR,
        };
        (
            status,
            Json(serde_json::json!({"error": self.0.message(self.1)})),
        )
            .into_response()
    }
}

type Params = Query<HashMap<String, String>>;

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

async fn round(
    State(s): State<AppState>,
    Path(round): Path<String>,
    params: Params,
) -> Result<Response, ApiError> {
    let result = async {
        let summary = kfq_app::reports::round_summary(
            &s.db,
            parse_round(&round)?,
            param(&params, "region", Expected::Region)?,
        )
        .await?;
        Ok::<_, AppError>(Json(summary).into_response())
    };
    result.await.map_err(|e| ApiError(e, s.lang))
}

async fn funnel(State(s): State<AppState>, params: Params) -> Result<Response, ApiError> {
    let result = async {
        let as_of = crate::cli::as_of_or_today("as_of", params.get("as_of").map(String::as_str))?;
        let funnel = kfq_app::reports::funnel(
            &s.db,
            param(&params, "region", Expected::Region)?,
            parse_round(param(&params, "from", Expected::Round)?)?,
            parse_round(param(&params, "to", Expected::Round)?)?,
            as_of,
            &FunnelRules::default(),
            s.lang,
        )
        .await?;
        Ok::<_, AppError>(Json(funnel).into_response())
    };
    result.await.map_err(|e| ApiError(e, s.lang))
}

async fn stuck(State(s): State<AppState>, params: Params) -> Result<Response, ApiError> {
    let result = async {
        let as_of = crate::cli::as_of_or_today("as_of", params.get("as_of").map(String::as_str))?;
        let region =
            params
                .get("region")
                .or_else(|| params.get("zone"))
                .ok_or(AppError::BadArgument {
                    name: "region",
                    value: String::new(),
                    expected: Expected::Region,
                })?;
        let report =
            kfq_app::reports::stuck(&s.db, region, as_of, &StuckThresholds::default(), s.lang)
                .await?;
        Ok::<_, AppError>(Json(report).into_response())
    };
    result.await.map_err(|e| ApiError(e, s.lang))
}

async fn index() -> Html<&'static str> {
    Html(include_str!("index.html"))
}
