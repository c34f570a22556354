//! kfq's web server: the JSON API under `/api/v1` (described by `/api/v1/openapi.json`).
//!
//! Invariants: only this crate knows HTTP; every handler gets the signed-in user as an
//! [`Actor`](kfq_app::Actor) and calls a use case of `kfq-app`, which checks scope and role —
//! no handler filters data itself.

mod api;
mod auth;
mod error;
mod links;
mod pages;
pub mod rate;

use axum::routing::{get, post};
use axum::Router;
use kfq_core::Lang;
use kfq_store::Db;

pub use error::ApiError;

/// What every handler shares.
#[derive(Clone)]
pub struct AppState {
    pub db: Db,
    /// The language for visitors who are not signed in.
    pub lang: Lang,
    /// How often one address may sign in and call the API.
    pub limits: std::sync::Arc<rate::RateLimits>,
}

impl AppState {
    /// The state with the limits the environment sets.
    pub fn new(db: Db, lang: Lang) -> AppState {
        AppState {
            db,
            lang,
            limits: std::sync::Arc::new(rate::RateLimits::from_env()),
        }
    }
}

pub fn router(state: AppState) -> Router {
    Router::new()
        .merge(pages::routes())
        .route("/health", get(|| async { "ok" }))
        .route("/api/v1/openapi.json", get(api::openapi))
        .route("/api/v1/session", post(api::sign_in).delete(api::sign_out))
        .route("/api/v1/me", get(api::me))
        .route("/api/v1/me/password", post(api::change_password))
        .route("/api/v1/me/totp", post(api::start_totp))
        .route("/api/v1/me/totp/confirm", post(api::confirm_totp))
        .route(
            "/api/v1/me/sessions",
            axum::routing::delete(api::end_sessions),
        )
        .route(
            "/api/v1/projects",
            get(api::projects).post(api::create_project),
        )
        .route(
            "/api/v1/projects/{id}",
            get(api::project).patch(api::patch_project),
        )
        .route("/api/v1/rounds", get(api::rounds).post(api::create_round))
        .route("/api/v1/rounds/{id}", get(api::round_view))
        .route("/api/v1/rounds/{id}/entries", post(api::enrol))
        .route("/api/v1/rounds/{id}/lock", post(api::lock_round))
        .route("/api/v1/reports/round/{round}", get(api::round))
        .route("/api/v1/reports/funnel", get(api::funnel))
        .route("/api/v1/reports/stuck", get(api::stuck))
        .route("/api/v1/audit", get(api::audit))
        .route("/api/v1/users", get(api::users).post(api::create_user))
        .route(
            "/api/v1/users/{username}",
            axum::routing::patch(api::patch_user),
        )
        .route(
            "/api/v1/users/{username}/password",
            post(api::reset_password),
        )
        .route(
            "/api/v1/users/{username}/totp",
            axum::routing::delete(api::reset_totp),
        )
        .route("/api/v1/checks", get(api::checks))
        .route("/api/v1/checks/dismissals", post(api::dismiss))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            refuse_cross_site,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            limit_rate,
        ))
        .layer(axum::middleware::map_response(security_headers))
        .with_state(state)
}

/// Answers 429 to an address over its limit of sign-ins or API calls this minute.
async fn limit_rate(
    axum::extract::State(state): axum::extract::State<AppState>,
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    use axum::response::IntoResponse;
    let Some(kind) = rate::kind_of(request.method(), request.uri().path()) else {
        return next.run(request).await;
    };
    let address = auth::ClientIp::from(request.headers(), request.extensions())
        .0
        .unwrap_or_default();
    match state
        .limits
        .admit(kind, &address, std::time::Instant::now())
    {
        Ok(()) => next.run(request).await,
        Err(seconds) => {
            let lang = auth::visitor_lang(request.headers(), state.lang);
            let message = match lang {
                Lang::Zh => format!("请求过于频繁，请 {seconds} 秒后再试。"),
                Lang::En => format!("too many requests; try again in {seconds} seconds."),
            };
            (
                axum::http::StatusCode::TOO_MANY_REQUESTS,
                [(axum::http::header::RETRY_AFTER, seconds.to_string())],
                axum::Json(serde_json::json!({ "error": message })),
            )
                .into_response()
        }
    }
}

/// Refuses a state-changing request a browser sent with kfq's cookie from another site (CSRF).
async fn refuse_cross_site(
    axum::extract::State(state): axum::extract::State<AppState>,
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    use axum::response::IntoResponse;
    if auth::same_origin(request.method(), request.headers()) {
        return next.run(request).await;
    }
    let lang = auth::visitor_lang(request.headers(), state.lang);
    let message = lang.pick(
        "拒绝跨站请求：该操作必须从本系统的页面发出。",
        "cross-site request refused: this must be sent from kfq's own pages.",
    );
    (
        axum::http::StatusCode::FORBIDDEN,
        axum::Json(serde_json::json!({ "error": message })),
    )
        .into_response()
}

/// Every answer tells the browser to run only kfq's own scripts and styles, never to frame the
/// page, never to guess a content type, and to send no referrer outside.
async fn security_headers(mut response: axum::response::Response) -> axum::response::Response {
    use axum::http::{header, HeaderValue};
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
             frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
        ),
    );
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("same-origin"),
    );
    response
}

/// Serves until interrupted, printing the address it listens on.
pub async fn serve(db: Db, addr: &str, lang: Lang) -> std::io::Result<()> {
    let listener = tokio::net::TcpListener::bind(addr).await?;
    let local = listener.local_addr()?;
    eprintln!(
        "{} http://{local}/",
        lang.pick("kfq 已启动：", "kfq is listening on")
    );
    let app = router(AppState::new(db, lang));
    axum::serve(
        listener,
        app.into_make_service_with_connect_info::<std::net::SocketAddr>(),
    )
    .with_graceful_shutdown(async {
        let _ = tokio::signal::ctrl_c().await;
    })
    .await
}
