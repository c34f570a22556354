//! Who is asking: a session cookie (`kfq_session`) or `Authorization: Bearer` with a session
//! or API token secret.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{header, HeaderMap};
use kfq_app::users::UserView;
use kfq_app::{Actor, AppError};
use kfq_core::Lang;

use crate::{ApiError, AppState};

pub const COOKIE: &str = "kfq_session";

/// What a user who signed in with an initial password, or without the second factor their
/// role requires, may reach before changing it or setting it up.
pub const MAY_WITH_INITIAL_PASSWORD: &[&str] = &[
    "/api/v1/me",
    "/api/v1/me/password",
    "/api/v1/me/totp",
    "/api/v1/me/totp/confirm",
    "/api/v1/session",
    "/password",
    "/totp",
    "/totp/confirm",
    "/logout",
    "/lang",
];

/// Whether an unsafe request that a browser sends with its session cookie comes from kfq's own
/// pages (CSRF): its `Origin` (or, without one, its `Referer`) names the host it was sent to.
/// Requests with `Authorization` carry no ambient credential and need no such proof.
pub fn same_origin(method: &axum::http::Method, headers: &HeaderMap) -> bool {
    use axum::http::Method;
    if matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
        || headers.contains_key(header::AUTHORIZATION)
    {
        return true;
    }
    let has_cookie = headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .any(|v| {
            v.split(';')
                .any(|c| c.trim().starts_with(&format!("{COOKIE}=")))
        });
    if !has_cookie {
        return true;
    }
    let Some(host) = headers.get(header::HOST).and_then(|h| h.to_str().ok()) else {
        return false;
    };
    let source = headers
        .get(header::ORIGIN)
        .or_else(|| headers.get(header::REFERER))
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let authority = source
        .split_once("://")
        .map_or("", |(_, rest)| rest.split('/').next().unwrap_or_default());
    authority.eq_ignore_ascii_case(host)
}

/// The secret a request carries, if any.
pub fn secret(headers: &HeaderMap) -> Option<String> {
    if let Some(bearer) = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
    {
        return Some(bearer.trim().to_string());
    }
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .find_map(|c| {
            c.trim()
                .strip_prefix(&format!("{COOKIE}="))
                .map(str::to_string)
        })
}

/// The language a visitor who is not signed in asked for.
pub fn visitor_lang(headers: &HeaderMap, default: Lang) -> Lang {
    headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .map_or(default, |v| {
            if v.trim_start().starts_with("en") {
                Lang::En
            } else {
                default
            }
        })
}

/// Whether kfq stands behind a reverse proxy it trusts (`KFQ_TRUST_PROXY=1`).
fn trust_proxy() -> bool {
    static TRUST: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    *TRUST.get_or_init(|| std::env::var("KFQ_TRUST_PROXY").is_ok_and(|v| v == "1" || v == "true"))
}

/// The cookie that ends the browser's session (on signing out).
pub fn cleared_session_cookie(headers: &HeaderMap) -> String {
    session_cookie_for(headers, None, 0)
}

/// The session cookie of a new session, kept by the browser as long as the policy in force
/// lets a session live (the server ends it then anyway).
pub async fn new_session_cookie(state: &AppState, headers: &HeaderMap, secret: &str) -> String {
    let hours = match kfq_app::users::Policy::load(&state.db).await {
        Ok(policy) => policy.session_hours,
        Err(_) => kfq_app::users::Policy::from_env().session_hours,
    };
    session_cookie_for(headers, Some(secret), hours)
}

/// The session cookie (or, without a secret, the one that clears it): never readable by
/// scripts, not sent with cross-site requests, and `Secure` when kfq is reached over HTTPS —
/// `KFQ_SECURE_COOKIES=1`, or a trusted proxy saying `X-Forwarded-Proto: https`.
fn session_cookie_for(headers: &HeaderMap, secret: Option<&str>, hours: i64) -> String {
    static SECURE: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    let always = *SECURE
        .get_or_init(|| std::env::var("KFQ_SECURE_COOKIES").is_ok_and(|v| v == "1" || v == "true"));
    let https = trust_proxy()
        && headers
            .get("x-forwarded-proto")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.trim().eq_ignore_ascii_case("https"));
    let secure = if always || https { "; Secure" } else { "" };
    match secret {
        Some(secret) => format!(
            "{COOKIE}={secret}; Path=/; HttpOnly; SameSite=Lax{secure}; Max-Age={}",
            hours * 3600
        ),
        None => format!("{COOKIE}=; Path=/; HttpOnly; SameSite=Lax{secure}; Max-Age=0"),
    }
}

/// The client's address: the connection's peer, or — behind a reverse proxy kfq is told to
/// trust (`KFQ_TRUST_PROXY=1`) — the first address of `X-Forwarded-For`.
pub struct ClientIp(pub Option<String>);

impl ClientIp {
    pub fn of(parts: &Parts) -> ClientIp {
        ClientIp::from(&parts.headers, &parts.extensions)
    }

    pub fn from(headers: &HeaderMap, extensions: &axum::http::Extensions) -> ClientIp {
        let trust = trust_proxy();
        let forwarded = headers
            .get("x-forwarded-for")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(',').next())
            .map(|v| v.trim().to_string())
            .filter(|v| trust && !v.is_empty());
        let peer = extensions
            .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
            .map(|c| c.0.ip().to_string());
        ClientIp(forwarded.or(peer))
    }
}

impl<S: Send + Sync> FromRequestParts<S> for ClientIp {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<ClientIp, Self::Rejection> {
        Ok(ClientIp::of(parts))
    }
}

/// A signed-in user, as the actor every use case takes.
pub struct Signed {
    pub user: UserView,
    pub actor: Actor,
    pub secret: String,
}

impl FromRequestParts<AppState> for Signed {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Signed, ApiError> {
        let lang = visitor_lang(&parts.headers, state.lang);
        let secret =
            secret(&parts.headers).ok_or_else(|| ApiError::new(AppError::SignedOut, lang))?;
        let user = kfq_app::users::user_for_secret(&state.db, &secret)
            .await
            .map_err(|e| ApiError::new(e, lang))?
            .ok_or_else(|| ApiError::new(AppError::SignedOut, lang))?;
        // An initial password opens only the way to change it.
        if user.must_change_password && !MAY_WITH_INITIAL_PASSWORD.contains(&parts.uri.path()) {
            return Err(ApiError::new(AppError::MustChangePassword, user.lang));
        }
        if user.must_enrol_totp && !MAY_WITH_INITIAL_PASSWORD.contains(&parts.uri.path()) {
            return Err(ApiError::new(AppError::MustEnrolTotp, user.lang));
        }
        Ok(Signed {
            actor: kfq_app::Actor {
                ip: ClientIp::of(parts).0,
                ..user.actor()
            },
            user,
            secret,
        })
    }
}

/// A JSON request body. A body that is not JSON, not sent as JSON or not of the expected shape
/// is answered like every other refusal: `{"error"}` in the caller's language, saying what is
/// wrong (axum's own answers are English plain text).
pub struct Body<T>(pub T);

impl<T: serde::de::DeserializeOwned> axum::extract::FromRequest<AppState> for Body<T> {
    type Rejection = axum::response::Response;

    async fn from_request(
        request: axum::extract::Request,
        state: &AppState,
    ) -> Result<Body<T>, Self::Rejection> {
        use axum::extract::rejection::JsonRejection;
        use axum::response::IntoResponse;
        let lang = visitor_lang(request.headers(), state.lang);
        match axum::Json::<T>::from_request(request, state).await {
            Ok(axum::Json(value)) => Ok(Body(value)),
            Err(rejection) => {
                let status = rejection.status();
                let (zh, en) = match &rejection {
                    JsonRejection::MissingJsonContentType(_) => (
                        "请求体须为 JSON（Content-Type: application/json）".to_string(),
                        "the body must be JSON (Content-Type: application/json)".to_string(),
                    ),
                    JsonRejection::JsonSyntaxError(e) => (
                        format!("请求体不是有效的 JSON：{}", e.body_text()),
                        format!("the body is not valid JSON: {}", e.body_text()),
                    ),
                    JsonRejection::JsonDataError(e) => (
                        format!("请求体的字段不符合要求：{}", e.body_text()),
                        format!("the body's fields are not as expected: {}", e.body_text()),
                    ),
                    other => (
                        format!("无法读取请求体：{}", other.body_text()),
                        format!("cannot read the body: {}", other.body_text()),
                    ),
                };
                let message = match lang {
                    Lang::Zh => zh,
                    Lang::En => en,
                };
                Err((status, axum::Json(serde_json::json!({ "error": message }))).into_response())
            }
        }
    }
}
