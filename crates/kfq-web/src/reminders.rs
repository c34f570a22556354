//! 提醒 through the API and out to a webhook: a user's reminders and marking them read; the
//! server's loop that sweeps reminders now and then and delivers the outbox by a JSON POST to
//! the webhook the environment names, retried until the receiver answers 2xx.

use std::time::Duration;

use axum::extract::{Path, State};
use axum::http::{header, Method, Request, Uri};
use axum::response::{IntoResponse, Response};
use axum::Json;
use http_body_util::{BodyExt, Full};
use hyper_util::rt::TokioIo;
use kfq_app::reports::today;
use kfq_app::Actor;
use serde_json::json;

use crate::api::{path_id, Params};
use crate::auth::Signed;
use crate::{ApiError, AppState};

type ApiResult = Result<Response, ApiError>;

/// Where reminders go out of kfq: `KFQ_WEBHOOK_URL` (http://host[:port]/path), with
/// `KFQ_WEBHOOK_TOKEN` sent as a bearer token when set.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Webhook {
    pub url: String,
    pub token: Option<String>,
    /// Seconds before the first retry (doubled after each failure, at most an hour):
    /// `KFQ_WEBHOOK_RETRY_SECS`, 30 by default.
    pub retry_secs: u64,
}

/// How the reminders run: the webhook if any, and how often all accounts are swept
/// (`KFQ_REMINDER_INTERVAL_SECS`, 300 by default).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reminders {
    pub webhook: Option<Webhook>,
    pub interval_secs: u64,
}

fn env_secs(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.trim().parse().ok())
        .filter(|n| *n > 0)
        .unwrap_or(default)
}

impl Reminders {
    pub fn from_env() -> Reminders {
        let url = std::env::var("KFQ_WEBHOOK_URL")
            .ok()
            .map(|u| u.trim().to_string())
            .filter(|u| !u.is_empty());
        Reminders {
            webhook: url.map(|url| Webhook {
                url,
                token: std::env::var("KFQ_WEBHOOK_TOKEN")
                    .ok()
                    .filter(|t| !t.trim().is_empty()),
                retry_secs: env_secs("KFQ_WEBHOOK_RETRY_SECS", 30),
            }),
            interval_secs: env_secs("KFQ_REMINDER_INTERVAL_SECS", 300),
        }
    }
}

/// The parts of a webhook's address: host, port, path. Only `http://`: an intranet receiver, or
/// a TLS proxy in front of one.
pub fn target(url: &str) -> Result<(String, u16, String), String> {
    let uri: Uri = url
        .parse()
        .map_err(|_| format!("KFQ_WEBHOOK_URL “{url}” is not an address"))?;
    if uri.scheme_str() != Some("http") {
        return Err(format!(
            "KFQ_WEBHOOK_URL “{url}” must start with http:// (put a TLS proxy in front for https)"
        ));
    }
    let host = uri
        .host()
        .filter(|h| !h.is_empty())
        .ok_or_else(|| format!("KFQ_WEBHOOK_URL “{url}” names no host"))?;
    let port = match uri.port() {
        None => 80,
        Some(p) => p
            .as_str()
            .parse::<u16>()
            .ok()
            .filter(|p| *p > 0)
            .ok_or_else(|| format!("KFQ_WEBHOOK_URL “{url}” has no valid port"))?,
    };
    let path = uri.path_and_query().map_or("/", |p| p.as_str());
    Ok((host.to_string(), port, path.to_string()))
}

/// POSTs one JSON message to the webhook: Ok when it answers 2xx within ten seconds.
pub async fn post(hook: &Webhook, payload: String) -> Result<(), String> {
    let (host, port, path) = target(&hook.url)?;
    let send = async {
        // An IPv6 address is written in brackets in the address and the Host header, not to
        // connect.
        let bare = host.trim_start_matches('[').trim_end_matches(']');
        let stream = tokio::net::TcpStream::connect((bare, port))
            .await
            .map_err(|e| format!("connect {host}:{port}: {e}"))?;
        let (mut sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
            .await
            .map_err(|e| format!("handshake: {e}"))?;
        tokio::spawn(connection);
        let mut request = Request::builder()
            .method(Method::POST)
            .uri(path.as_str())
            .header(header::HOST, format!("{host}:{port}"))
            .header(header::CONTENT_TYPE, "application/json; charset=utf-8")
            .header(header::USER_AGENT, "kfq");
        if let Some(token) = &hook.token {
            request = request.header(header::AUTHORIZATION, format!("Bearer {token}"));
        }
        let request = request
            .body(Full::new(hyper::body::Bytes::from(payload)))
            .map_err(|e| e.to_string())?;
        let response = sender
            .send_request(request)
            .await
            .map_err(|e| format!("send: {e}"))?;
        let status = response.status();
        // Read the answer to its end, so the receiver is not cut off mid-reply.
        let _ = response.into_body().collect().await;
        if status.is_success() {
            Ok(())
        } else {
            Err(format!("answered {status}"))
        }
    };
    tokio::time::timeout(Duration::from_secs(10), send)
        .await
        .map_err(|_| "no answer within 10 s".to_string())?
}

/// The server's loops: one sweeps every account now and every `interval_secs`; with a webhook,
/// another delivers the outbox every two seconds (a slow receiver does not hold up the
/// sweeps). Errors are logged and the loops go on.
pub fn spawn(db: kfq_store::Db, reminders: Reminders) {
    let sweeps = db.clone();
    tokio::spawn(async move {
        let operator = Actor::operator("reminders", kfq_core::Lang::Zh);
        loop {
            if let Err(e) = kfq_app::reminders::sweep(&sweeps, &operator, today()).await {
                eprintln!("kfq: reminders: {e:?}");
            }
            tokio::time::sleep(Duration::from_secs(reminders.interval_secs)).await;
        }
    });
    if let Some(hook) = reminders.webhook {
        tokio::spawn(async move {
            loop {
                let sent = kfq_app::reminders::deliver(&db, hook.retry_secs, 20, |payload| {
                    post(&hook, payload)
                })
                .await;
                if let Err(e) = sent {
                    eprintln!("kfq: webhook: {e:?}");
                }
                tokio::time::sleep(Duration::from_secs(2)).await;
            }
        });
    }
}

/// `GET /api/v1/me/notifications?unread=1`: `{"unread", "items"}`.
pub async fn list(State(s): State<AppState>, signed: Signed, params: Params) -> ApiResult {
    let lang = signed.actor.lang;
    let unread_only = params
        .get("unread")
        .is_some_and(|v| matches!(v.trim(), "1" | "true" | "是"));
    let (unread, items) = kfq_app::reminders::list(&s.db, &signed.actor, unread_only, today())
        .await
        .map_err(|e| ApiError::new(e, lang))?;
    Ok(Json(json!({ "unread": unread, "items": items })).into_response())
}

/// `POST /api/v1/me/notifications/{id}/read`: `{"unread"}` left.
pub async fn read_one(
    State(s): State<AppState>,
    signed: Signed,
    Path(id): Path<String>,
) -> ApiResult {
    let lang = signed.actor.lang;
    let id = path_id(&id, lang)?;
    let unread = kfq_app::reminders::mark_read(&s.db, &signed.actor, Some(id))
        .await
        .map_err(|e| ApiError::new(e, lang))?;
    Ok(Json(json!({ "unread": unread })).into_response())
}

/// `POST /api/v1/me/notifications/read`: all read; `{"unread": 0}`.
pub async fn read_all(State(s): State<AppState>, signed: Signed) -> ApiResult {
    let lang = signed.actor.lang;
    let unread = kfq_app::reminders::mark_read(&s.db, &signed.actor, None)
        .await
        .map_err(|e| ApiError::new(e, lang))?;
    Ok(Json(json!({ "unread": unread })).into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_webhook_is_an_http_address_with_a_host() {
        assert_eq!(
            target("http://10.1.2.3:8088/kfq/hook?x=1"),
            Ok(("10.1.2.3".into(), 8088, "/kfq/hook?x=1".into()))
        );
        assert_eq!(
            target("http://im.gov.local"),
            Ok(("im.gov.local".into(), 80, "/".into()))
        );
        assert!(target("https://im.gov.local/hook").is_err());
        assert!(target("im.gov.local/hook").is_err());
        assert_eq!(
            target("http://[::1]:9000/h"),
            Ok(("[::1]".into(), 9000, "/h".into()))
        );
    }
}
