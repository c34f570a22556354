//! 提醒 through the API and the webhook: a blocker due tomorrow and one overdue are told to the
//! zone once each, a return sent back is told (and told again when sent back again), the city
//! is told what awaits its review; nobody reads or marks another's; the outbox delivers each by
//! a JSON POST, waits after a failure, and delivers once the receiver is up — never twice.

use std::sync::{Arc, Mutex};

use axum::http::StatusCode;
use kfq_web::reminders::{post, Webhook};
use serde_json::{json, Value};

use crate::App;

/// What the receiver got: the authorization header and the message.
type Received = (Option<String>, Value);

fn kinds(list: &Value) -> Vec<(String, String)> {
    let mut found: Vec<(String, String)> = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| {
            (
                n["kind"].as_str().unwrap().to_string(),
                n["link"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    found.sort();
    found
}

#[tokio::test]
async fn due_overdue_and_sent_back_items_are_told_once_per_state_and_only_to_their_user() {
    let today = chrono::Local::now().date_naive();
    let month = kfq_core::monthly::Month::of(today).to_string();
    for app in App::both().await {
        let engine = app.engine();
        let ll = app.project_id("LL-1").await;
        let zone = app.sign_in("lljkq").await;
        let city = app.sign_in("lvliang").await;
        let other_city = app.sign_in("taiyuan").await;
        let mine = "/api/v1/me/notifications";

        let (status, empty) = app.call("GET", mine, Some(&zone), None).await;
        assert_eq!(status, StatusCode::OK, "{engine}: {empty}");
        assert_eq!(empty["unread"], 0, "{engine}: nothing due yet");

        // One blocker due tomorrow, one overdue, one due in a week (not yet told).
        let mut ids = Vec::new();
        for (description, days) in [("明日到期", 1), ("已逾期", -2), ("下周到期", 7)] {
            let due = today + chrono::Duration::days(days);
            let (status, made) = app
                .call(
                    "POST",
                    "/api/v1/blockers",
                    Some(&zone),
                    Some(json!({"project_id": ll, "description": description,
                                "category": "用地", "owner": "lljkq", "due_on": due.to_string()})),
                )
                .await;
            assert_eq!(status, StatusCode::CREATED, "{engine}: {made}");
            ids.push(made["blocker"]["id"].as_i64().unwrap());
        }
        let (_, told) = app.call("GET", mine, Some(&zone), None).await;
        assert_eq!(
            kinds(&told),
            [
                ("due_soon".to_string(), format!("/blockers/{}", ids[0])),
                ("overdue".to_string(), format!("/blockers/{}", ids[1])),
            ],
            "{engine}: {told}"
        );
        assert_eq!(told["unread"], 2);
        // Asked again: nothing is told twice.
        let (_, again) = app.call("GET", mine, Some(&zone), None).await;
        assert_eq!(again["items"].as_array().unwrap().len(), 2, "{engine}");
        // 太原 is told nothing of 吕梁's, and cannot mark 吕梁's read.
        let (_, theirs) = app.call("GET", mine, Some(&other_city), None).await;
        assert_eq!(theirs["unread"], 0, "{engine}: {theirs}");
        let first = told["items"][0]["id"].as_i64().unwrap();
        let (status, _) = app
            .call(
                "POST",
                &format!("{mine}/{first}/read"),
                Some(&other_city),
                None,
            )
            .await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{engine}");
        let (status, left) = app
            .call("POST", &format!("{mine}/{first}/read"), Some(&zone), None)
            .await;
        assert_eq!(status, StatusCode::OK, "{engine}: {left}");
        assert_eq!(left["unread"], 1);
        let (_, unread) = app
            .call("GET", &format!("{mine}?unread=1"), Some(&zone), None)
            .await;
        assert_eq!(unread["items"].as_array().unwrap().len(), 1, "{engine}");

        // The month: submitted, the city is told to review; sent back, the zone is told; sent
        // back again after a fix, told again.
        let (_, overview) = app.call("GET", "/api/v1/monthly", Some(&zone), None).await;
        let zid = overview["zones"][0]["zone_id"].as_i64().unwrap();
        let path = format!("/api/v1/monthly/{zid}/{month}");
        let figures = |version: i64| {
            json!({"version": version, "figures": [
                {"project_id": ll, "invested_wan": "100", "progress": "施工"}]})
        };
        app.call("PATCH", &path, Some(&zone), Some(figures(0)))
            .await;
        let (status, sheet) = app
            .call(
                "POST",
                &format!("{path}/submit"),
                Some(&zone),
                Some(json!({"version": 1})),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{engine}: {sheet}");
        let (_, review) = app.call("GET", mine, Some(&city), None).await;
        assert!(
            kinds(&review).contains(&("review".to_string(), format!("/monthly/{zid}/{month}"))),
            "{engine}: {review}"
        );
        let mut version = 2;
        for round in 1..=2 {
            let (status, sheet) = app
                .call(
                    "POST",
                    &format!("{path}/return"),
                    Some(&city),
                    Some(json!({"version": version, "comment": "数据有误"})),
                )
                .await;
            assert_eq!(status, StatusCode::OK, "{engine}: {sheet}");
            version += 1;
            let (_, told) = app.call("GET", mine, Some(&zone), None).await;
            let returned = kinds(&told)
                .iter()
                .filter(|(k, link)| k == "returned" && *link == format!("/monthly/{zid}/{month}"))
                .count();
            assert_eq!(returned, round, "{engine}: told each time it is sent back");
            // A moment later, so the next return is a new state to the second.
            tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
            app.call(
                "POST",
                &format!("{path}/submit"),
                Some(&zone),
                Some(json!({"version": version})),
            )
            .await;
            version += 1;
        }
        let (status, all) = app
            .call("POST", &format!("{mine}/read"), Some(&zone), None)
            .await;
        assert_eq!(status, StatusCode::OK, "{engine}");
        assert_eq!(all["unread"], 0);
    }
}

#[tokio::test]
async fn the_outbox_waits_after_a_failed_delivery_and_delivers_once_the_receiver_is_up() {
    let today = chrono::Local::now().date_naive();
    for app in App::both().await {
        let engine = app.engine();
        let ll = app.project_id("LL-1").await;
        let zone = app.sign_in("lljkq").await;
        let due = today + chrono::Duration::days(1);
        app.call(
            "POST",
            "/api/v1/blockers",
            Some(&zone),
            Some(json!({"project_id": ll, "description": "供电线路迁改",
                        "category": "水电气热", "owner": "lljkq",
                        "due_on": due.to_string()})),
        )
        .await;
        let operator = kfq_app::Actor::operator("test", kfq_core::Lang::Zh);
        let sweep = kfq_app::reminders::sweep(&app.db.db, &operator, today)
            .await
            .unwrap();
        assert!(sweep.created >= 1, "{engine}: {sweep:?}");
        let queued = sweep.created;

        // A message is claimed by one sender only: a second process sending at the same time
        // skips it (and it is due again once the claim lapses).
        let now = chrono::DateTime::from_timestamp(chrono::Utc::now().timestamp(), 0).unwrap();
        let waiting = kfq_store::outbox_due(&app.db.db, now, 10).await.unwrap();
        let first = &waiting[0];
        let claim = now + chrono::Duration::seconds(60);
        assert!(kfq_store::outbox_claim(&app.db.db, first.id, now, claim)
            .await
            .unwrap());
        assert!(!kfq_store::outbox_claim(&app.db.db, first.id, now, claim)
            .await
            .unwrap());
        assert!(kfq_store::outbox_claim(&app.db.db, first.id, claim, now)
            .await
            .unwrap());

        // A port with nobody behind it.
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        drop(listener);
        let hook = Webhook {
            url: format!("http://{addr}/kfq/hook"),
            token: Some("s3cret".into()),
            retry_secs: 1,
        };
        let send = |payload: String| post(&hook, payload);
        let tried = kfq_app::reminders::deliver(&app.db.db, hook.retry_secs, 100, send)
            .await
            .unwrap();
        assert_eq!((tried.delivered, tried.failed), (0, queued), "{engine}");
        let outbox = kfq_app::reminders::outbox(&app.db.db, &operator, 10)
            .await
            .unwrap();
        assert!(outbox
            .iter()
            .all(|m| m.attempts == 1 && !m.last_error.is_empty()));
        // Not tried again before its time.
        let early = kfq_app::reminders::deliver(&app.db.db, hook.retry_secs, 100, send)
            .await
            .unwrap();
        assert_eq!((early.delivered, early.failed), (0, 0), "{engine}: waits");

        // The receiver comes up on that port; after the wait everything arrives, once.
        let received: Arc<Mutex<Vec<Received>>> = Arc::default();
        let sink = received.clone();
        let receiver = axum::Router::new().route(
            "/kfq/hook",
            axum::routing::post(
                move |headers: axum::http::HeaderMap, axum::Json(body): axum::Json<Value>| {
                    let sink = sink.clone();
                    async move {
                        let auth = headers
                            .get("authorization")
                            .and_then(|v| v.to_str().ok())
                            .map(str::to_string);
                        sink.lock().unwrap().push((auth, body));
                        "ok"
                    }
                },
            ),
        );
        let listener = tokio::net::TcpListener::bind(addr).await.unwrap();
        let server = tokio::spawn(async move { axum::serve(listener, receiver).await });
        tokio::time::sleep(std::time::Duration::from_millis(2100)).await;
        let sent = kfq_app::reminders::deliver(&app.db.db, hook.retry_secs, 100, send)
            .await
            .unwrap();
        assert_eq!((sent.delivered, sent.failed), (queued, 0), "{engine}");
        let again = kfq_app::reminders::deliver(&app.db.db, hook.retry_secs, 100, send)
            .await
            .unwrap();
        assert_eq!(again.delivered, 0, "{engine}: never twice");
        server.abort();
        let got = received.lock().unwrap().clone();
        assert_eq!(got.len(), queued, "{engine}");
        let (auth, message) = got
            .iter()
            .find(|(_, m)| m["username"] == "lljkq")
            .expect("the zone's reminder");
        assert_eq!(auth.as_deref(), Some("Bearer s3cret"));
        assert_eq!(message["kind"], "due_soon");
        assert_eq!(message["kind_label"], "即将到期");
        assert_eq!(message["due_on"], due.to_string());
        assert!(message["link"].as_str().unwrap().starts_with("/blockers/"));
        assert!(message["title"].as_str().unwrap().contains("供电线路迁改"));
        // The zone reads the same reminder in kfq.
        let (_, mine) = app
            .call("GET", "/api/v1/me/notifications", Some(&zone), None)
            .await;
        assert_eq!(mine["items"][0]["id"], message["id"], "{engine}");
    }
}
