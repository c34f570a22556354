//! kfq's web server: the JSON API under `/api/v1` (described by `/api/v1/openapi.json`).
//!
//! Invariants: only this crate knows HTTP; every handler gets the signed-in user as an
//! [`Actor`](kfq_app::Actor) and calls a use case of `kfq-app`, which checks scope and role —
//! no handler filters data itself.

mod activities;
mod api;
mod assessment;
mod auth;
mod books;
mod bulletins;
mod chemical;
mod delegation;
mod error;
mod land;
mod leads;
mod links;
mod meetings;
mod monthly;
mod pages;
mod procedures;
pub mod rate;
mod registration;
pub mod reminders;
mod routes;
mod work;

use axum::Router;
use kfq_core::assessment::{EnteredValue, Target};
use kfq_core::chemical::Finding;
use kfq_core::commitment::Commitment;
use kfq_core::delegation::{DelegatedPower, ServiceBundle};
use kfq_core::land::StandardParcel;
use kfq_core::registration::Registration;
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
    /// Where reminders go out of kfq, and how often they are swept.
    pub reminders: reminders::Reminders,
}

impl AppState {
    /// The state with the limits the environment sets.
    pub fn new(db: Db, lang: Lang) -> AppState {
        AppState {
            db,
            lang,
            limits: std::sync::Arc::new(rate::RateLimits::from_env()),
            reminders: reminders::Reminders::from_env(),
        }
    }
}

/// Every route: the pages', then the API's.
fn routes() -> routes::Routes {
    pages::routes(routes::Routes::default())
        .get("/health", || async { "ok" })
        .get("/api/v1/openapi.json", api::openapi)
        .post("/api/v1/session", api::sign_in)
        .delete("/api/v1/session", api::sign_out)
        .get("/api/v1/me", api::me)
        .post("/api/v1/me/password", api::change_password)
        .post("/api/v1/me/totp", api::start_totp)
        .post("/api/v1/me/totp/confirm", api::confirm_totp)
        .delete("/api/v1/me/sessions", api::end_sessions)
        .get("/api/v1/projects", api::projects)
        .post("/api/v1/projects", api::create_project)
        .get("/api/v1/projects/{id}", api::project)
        .patch("/api/v1/projects/{id}", api::patch_project)
        .get("/api/v1/rounds", api::rounds)
        .post("/api/v1/rounds", api::create_round)
        .get("/api/v1/rounds/{id}", api::round_view)
        .post("/api/v1/rounds/{id}/entries", api::enrol)
        .post("/api/v1/rounds/{id}/lock", api::lock_round)
        .get("/api/v1/reports/round/{round}", api::round)
        .get("/api/v1/reports/funnel", api::funnel)
        .get("/api/v1/reports/stuck", api::stuck)
        .get("/api/v1/reports/trend", api::trend)
        .get("/api/v1/reports/overview", api::overview)
        .get("/api/v1/audit", api::audit)
        .get("/api/v1/users", api::users)
        .post("/api/v1/users", api::create_user)
        .patch("/api/v1/users/{username}", api::patch_user)
        .post("/api/v1/users/{username}/password", api::reset_password)
        .delete("/api/v1/users/{username}/totp", api::reset_totp)
        .get("/api/v1/blockers", api::blockers)
        .post("/api/v1/blockers", api::create_blocker)
        .get("/api/v1/blockers/{id}", api::blocker)
        .patch("/api/v1/blockers/{id}", api::patch_blocker)
        .post("/api/v1/blockers/{id}/escalate", api::escalate_blocker)
        .post("/api/v1/blockers/{id}/notes", api::note_blocker)
        .get("/api/v1/monthly", monthly::overview)
        .get("/api/v1/monthly/{zone}/{month}", monthly::sheet)
        .patch("/api/v1/monthly/{zone}/{month}", monthly::fill)
        .post("/api/v1/monthly/{zone}/{month}/{step}", monthly::step)
        .put("/api/v1/projects/{id}/plans/{year}", monthly::set_plan)
        .get("/api/v1/settings/monthly", monthly::settings)
        .patch("/api/v1/settings/monthly", monthly::change_settings)
        .get("/api/v1/projects/{id}/procedures", procedures::checklist)
        .put("/api/v1/projects/{id}/procedures/{name}", procedures::save)
        .get("/api/v1/reports/agency", procedures::report)
        .get("/api/v1/leads", leads::list)
        .post("/api/v1/leads", leads::create)
        .get("/api/v1/leads/{id}", leads::get)
        .patch("/api/v1/leads/{id}", leads::patch)
        .post("/api/v1/leads/{id}/visits", leads::visit)
        .post("/api/v1/leads/{id}/sign", leads::sign)
        .get("/api/v1/reports/leads", leads::report)
        .get("/api/v1/activities", activities::list)
        .post("/api/v1/activities", activities::create)
        .get("/api/v1/activities/{id}", activities::get)
        .patch("/api/v1/activities/{id}", activities::patch)
        .get("/api/v1/reports/activities", activities::report)
        .get("/api/v1/powers", delegation::powers)
        .post("/api/v1/powers", books::create::<DelegatedPower>)
        .get("/api/v1/powers/{id}", books::get::<DelegatedPower>)
        .patch("/api/v1/powers/{id}", books::patch::<DelegatedPower>)
        .get("/api/v1/bundles", delegation::bundles)
        .post("/api/v1/bundles", books::create::<ServiceBundle>)
        .get("/api/v1/bundles/{id}", books::get::<ServiceBundle>)
        .patch("/api/v1/bundles/{id}", books::patch::<ServiceBundle>)
        .get("/api/v1/reports/delegation", delegation::report)
        .get("/api/v1/parcels", land::parcels)
        .post("/api/v1/parcels", books::create::<StandardParcel>)
        .get("/api/v1/parcels/{id}", books::get::<StandardParcel>)
        .patch("/api/v1/parcels/{id}", books::patch::<StandardParcel>)
        .get("/api/v1/commitments", land::commitments)
        .post("/api/v1/commitments", books::create::<Commitment>)
        .get("/api/v1/commitments/{id}", books::get::<Commitment>)
        .patch("/api/v1/commitments/{id}", books::patch::<Commitment>)
        .get("/api/v1/reports/land", land::report)
        .get("/api/v1/registrations", registration::list)
        .post("/api/v1/registrations", books::create::<Registration>)
        .get("/api/v1/registrations/{id}", books::get::<Registration>)
        .patch("/api/v1/registrations/{id}", books::patch::<Registration>)
        .get("/api/v1/reports/registration", registration::report)
        .get("/api/v1/settings/registration", registration::rule)
        .patch("/api/v1/settings/registration", registration::set_rule)
        .get("/api/v1/chemical-findings", chemical::list)
        .post("/api/v1/chemical-findings", books::create::<Finding>)
        .get("/api/v1/chemical-findings/{id}", books::get::<Finding>)
        .patch("/api/v1/chemical-findings/{id}", books::patch::<Finding>)
        .get("/api/v1/reports/chemical-review", chemical::report)
        .get("/api/v1/settings/chemical-checklist", chemical::checklist)
        .put(
            "/api/v1/settings/chemical-checklist",
            chemical::set_checklist,
        )
        .get("/api/v1/targets", assessment::targets)
        .post("/api/v1/targets", books::create::<Target>)
        .get("/api/v1/targets/{id}", books::get::<Target>)
        .patch("/api/v1/targets/{id}", books::patch::<Target>)
        .get("/api/v1/indicator-values", assessment::entered)
        .post("/api/v1/indicator-values", books::create::<EnteredValue>)
        .get("/api/v1/indicator-values/{id}", books::get::<EnteredValue>)
        .patch(
            "/api/v1/indicator-values/{id}",
            books::patch::<EnteredValue>,
        )
        .get("/api/v1/reports/targets", assessment::progress)
        .get("/api/v1/reports/assessment", assessment::ranking)
        .get("/api/v1/settings/assessment", assessment::scheme)
        .put("/api/v1/settings/assessment", assessment::set_scheme)
        .upload("/api/v1/books/import", books::import)
        .upload("/api/v1/import", books::import_file)
        .get("/api/v1/export/oc4ids", books::oc4ids)
        .get("/api/v1/me/notifications", reminders::list)
        .post("/api/v1/me/notifications/read", reminders::read_all)
        .post("/api/v1/me/notifications/{id}/read", reminders::read_one)
        .get("/api/v1/settings/procedures", procedures::standard)
        .patch("/api/v1/settings/procedures", procedures::set_standard)
        .get("/api/v1/me/work", work::my_work)
        .post("/api/v1/me/away", work::away)
        .get("/api/v1/projects/{id}/assignment", work::get)
        .put("/api/v1/projects/{id}/assignment", work::set)
        .get("/api/v1/meetings", meetings::list)
        .post("/api/v1/meetings", meetings::create)
        .get("/api/v1/meetings/{id}", meetings::get)
        .patch("/api/v1/meetings/{id}", meetings::update)
        .post("/api/v1/meetings/{id}/close", meetings::close)
        .post("/api/v1/meetings/{id}/reopen", meetings::reopen)
        .get("/api/v1/meetings/{id}/minutes.docx", meetings::minutes)
        .get("/api/v1/bulletins/{kind}/{file}", bulletins::bulletin)
        .post("/api/v1/meetings/{id}/items", meetings::add_item)
        .patch("/api/v1/meetings/{id}/items/{item}", meetings::decide)
        .delete("/api/v1/meetings/{id}/items/{item}", meetings::remove_item)
        .post(
            "/api/v1/meetings/{id}/items/{item}/blockers",
            meetings::open_blocker,
        )
        .patch(
            "/api/v1/meetings/{id}/items/{item}/blockers/{blocker}",
            meetings::update_blocker,
        )
        .get("/api/v1/policy", api::policy)
        .patch("/api/v1/policy", api::change_policy)
        .get("/api/v1/checks", api::checks)
        .post("/api/v1/checks/dismissals", api::dismiss)
}

/// Every (method, path) the server answers, as the router has them: the access tests walk it.
pub fn route_table() -> Vec<(&'static str, &'static str)> {
    routes().into_parts().1
}

pub fn router(state: AppState) -> Router {
    let (router, _) = routes().into_parts();
    router
        .layer(axum::middleware::from_fn(server_timing))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            refuse_cross_site,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            refuse_nul,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            limit_rate,
        ))
        .layer(axum::middleware::map_response(security_headers))
        .with_state(state)
}

/// The largest JSON or form body kfq reads (axum's default for JSON too).
const MAX_BODY_BYTES: usize = 2 * 1024 * 1024;

/// Refuses a request that carries a NUL character in its address or its JSON or form body
/// (`%00`, `\u0000`): nobody types one, and PostgreSQL keeps none in text, so it would only
/// end in a database error.
async fn refuse_nul(
    axum::extract::State(state): axum::extract::State<AppState>,
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    use axum::http::StatusCode;
    use axum::response::IntoResponse;
    let lang = auth::visitor_lang(request.headers(), state.lang);
    let refuse = |status: StatusCode, zh: &str, en: &str| {
        let message = lang.pick(zh, en);
        (status, axum::Json(serde_json::json!({ "error": message }))).into_response()
    };
    let nul_zh = "请求中含有 NUL 字符（%00 或 \\u0000），未处理。";
    let nul_en = "the request carries a NUL character (%00 or \\u0000); not processed.";
    let address = request.uri().to_string().to_ascii_lowercase();
    if address.contains("%00") {
        return refuse(StatusCode::BAD_REQUEST, nul_zh, nul_en);
    }
    let kind = request
        .headers()
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_ascii_lowercase();
    let form = kind.starts_with("application/x-www-form-urlencoded");
    if !form && !kind.starts_with("application/json") {
        return next.run(request).await;
    }
    let (parts, body) = request.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, MAX_BODY_BYTES).await else {
        return refuse(
            StatusCode::PAYLOAD_TOO_LARGE,
            "请求体过大（上限 2 MB），未处理。",
            "the body is too large (2 MB at most); not processed.",
        );
    };
    let has = |needle: &[u8]| {
        bytes
            .windows(needle.len())
            .any(|w| w.eq_ignore_ascii_case(needle))
    };
    if bytes.contains(&0) || has(b"\\u0000") || (form && has(b"%00")) {
        return refuse(StatusCode::BAD_REQUEST, nul_zh, nul_en);
    }
    next.run(axum::extract::Request::from_parts(
        parts,
        axum::body::Body::from(bytes),
    ))
    .await
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
/// `Server-Timing: app;dur=1.234` on every API answer: the milliseconds kfq spent on it (the
/// session check, the use case and the JSON), as a browser's developer tools show it.
async fn server_timing(
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    let api = request.uri().path().starts_with("/api/");
    let start = std::time::Instant::now();
    let mut response = next.run(request).await;
    if api {
        let ms = start.elapsed().as_secs_f64() * 1000.0;
        if let Ok(value) = axum::http::HeaderValue::from_str(&format!("app;dur={ms:.3}")) {
            response.headers_mut().insert("server-timing", value);
        }
    }
    response
}

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
    let state = AppState::new(db, lang);
    if let Some(hook) = &state.reminders.webhook {
        reminders::target(&hook.url)
            .map_err(|why| std::io::Error::new(std::io::ErrorKind::InvalidInput, why))?;
    }
    reminders::spawn(state.db.clone(), state.reminders.clone());
    let app = router(state);
    axum::serve(
        listener,
        app.into_make_service_with_connect_info::<std::net::SocketAddr>(),
    )
    .with_graceful_shutdown(async {
        let _ = tokio::signal::ctrl_c().await;
    })
    .await
}
