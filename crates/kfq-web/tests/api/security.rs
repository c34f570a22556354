//! Sign-in and session controls a level-3 system keeps (等保 2.0): lockout after failed
//! sign-ins, idle sessions ending, signing out everywhere, initial passwords changed first, and
//! cross-site requests refused.

use axum::http::StatusCode;
use chrono::{Duration, Utc};
use kfq_core::access::Role;
use kfq_core::Lang;
use serde_json::json;

use crate::{App, PASSWORD};

async fn try_sign_in(app: &App, username: &str, password: &str) -> (StatusCode, serde_json::Value) {
    app.call(
        "POST",
        "/api/v1/session",
        None,
        Some(json!({"username": username, "password": password})),
    )
    .await
}

#[tokio::test]
async fn five_failed_sign_ins_lock_the_account_and_are_audited() {
    for app in App::both().await {
        for attempt in 1..=4 {
            let (status, _) = try_sign_in(&app, "lvliang", "wrong-password-1").await;
            assert_eq!(status, StatusCode::UNAUTHORIZED, "attempt {attempt}");
        }
        let (status, body) = try_sign_in(&app, "lvliang", "wrong-password-1").await;
        assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "{body}");
        assert!(body["error"].as_str().unwrap().contains("锁定"), "{body}");
        // Locked: even the right password is refused for now…
        let (status, _) = try_sign_in(&app, "lvliang", PASSWORD).await;
        assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
        // …while other accounts sign in as ever.
        app.sign_in("taiyuan").await;
        let audit = kfq_store::audit_of(&app.db.db, "user", "lvliang")
            .await
            .unwrap();
        let actions: Vec<&str> = audit.iter().map(|e| e.action.as_str()).collect();
        assert_eq!(
            actions.iter().filter(|a| **a == "sign_in_failed").count(),
            5,
            "{actions:?}"
        );
        assert_eq!(actions.iter().filter(|a| **a == "locked_out").count(), 1);
    }
}

#[tokio::test]
async fn a_failed_sign_in_before_a_good_one_does_not_count_towards_a_lock() {
    for app in App::both().await {
        for _ in 0..4 {
            try_sign_in(&app, "lvliang", "wrong-password-1").await;
        }
        app.sign_in("lvliang").await;
        for _ in 0..4 {
            let (status, _) = try_sign_in(&app, "lvliang", "wrong-password-1").await;
            assert_eq!(status, StatusCode::UNAUTHORIZED, "{}", app.engine());
        }
    }
}

#[tokio::test]
async fn an_idle_session_ends_and_signing_out_everywhere_ends_them_all() {
    for app in App::both().await {
        let first = app.sign_in("lvliang").await;
        let second = app.sign_in("lvliang").await;
        let (status, _) = app.call("GET", "/api/v1/me", Some(&first), None).await;
        assert_eq!(status, StatusCode::OK);

        // Unused for 31 minutes: the session is over.
        let mut tx = app.db.db.begin().await.unwrap();
        kfq_store::touch_session(
            &mut tx,
            &kfq_app::users::secret_hash(&first),
            Utc::now() - Duration::minutes(31),
        )
        .await
        .unwrap();
        tx.commit_outside_ledger().await.unwrap();
        let (status, _) = app.call("GET", "/api/v1/me", Some(&first), None).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{}", app.engine());

        let operator = kfq_app::Actor::operator("fixture", Lang::Zh);
        let token = kfq_app::users::create_token(&app.db.db, &operator, "lvliang", "script")
            .await
            .unwrap();
        let third = app.sign_in("lvliang").await;
        let (status, body) = app
            .call("DELETE", "/api/v1/me/sessions", Some(&third), None)
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        for session in [&second, &third] {
            let (status, _) = app.call("GET", "/api/v1/me", Some(session), None).await;
            assert_eq!(status, StatusCode::UNAUTHORIZED);
        }
        let (status, _) = app.call("GET", "/api/v1/me", Some(&token), None).await;
        assert_eq!(status, StatusCode::OK, "an API token is not a session");
    }
}

#[tokio::test]
async fn an_initial_password_opens_nothing_but_its_change() {
    for app in App::both().await {
        let operator = kfq_app::Actor::operator("fixture", Lang::Zh);
        let new = kfq_app::users::NewUser {
            username: "newcomer".into(),
            display_name: String::new(),
            role: Role::City,
            region: "141100".into(),
            password: "Initial-pass-1".into(),
            must_change_password: true,
        };
        kfq_app::users::add_user(&app.db.db, &operator, new)
            .await
            .unwrap();
        let (status, body) = try_sign_in(&app, "newcomer", "Initial-pass-1").await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let session = body["session"].as_str().unwrap().to_string();
        let (status, body) = app
            .call("GET", "/api/v1/projects", Some(&session), None)
            .await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        assert!(
            body["error"].as_str().unwrap().contains("初始密码"),
            "{body}"
        );
        let (status, me) = app.call("GET", "/api/v1/me", Some(&session), None).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(me["user"]["must_change_password"], true, "{me}");
        let (status, body) = app
            .call(
                "POST",
                "/api/v1/me/password",
                Some(&session),
                Some(json!({"old": "Initial-pass-1", "new": "My-own-pass-2"})),
            )
            .await;
        assert!(status.is_success(), "{status} {body}");
        let (status, _) = app
            .call("GET", "/api/v1/projects", Some(&session), None)
            .await;
        assert_eq!(status, StatusCode::OK);
    }
}

#[tokio::test]
async fn a_change_sent_with_the_cookie_from_another_site_is_refused() {
    for app in App::both().await {
        let secret = app.sign_in("lvliang").await;
        let cookie = format!("kfq_session={secret}");
        let body =
            json!({"rule": "duplicate_project", "projects": ["LL-1", "XY-1"], "reason": "x"});
        let (status, refused) = app
            .call_with(
                "POST",
                "/api/v1/checks/dismissals",
                None,
                Some(body.clone()),
                &[
                    ("cookie", &cookie),
                    ("host", "kfq.example"),
                    ("origin", "http://evil.example"),
                ],
            )
            .await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{refused}");
        assert!(refused["error"].as_str().unwrap().contains("跨站"));
        let (status, _) = app
            .call_with(
                "POST",
                "/api/v1/checks/dismissals",
                None,
                Some(body.clone()),
                &[("cookie", &cookie), ("host", "kfq.example")],
            )
            .await;
        assert_eq!(status, StatusCode::FORBIDDEN, "no origin at all");
        // From kfq's own page the request goes through (and fails only for what it asks).
        let (status, answer) = app
            .call_with(
                "POST",
                "/api/v1/checks/dismissals",
                None,
                Some(body),
                &[
                    ("cookie", &cookie),
                    ("host", "kfq.example"),
                    ("origin", "https://kfq.example"),
                ],
            )
            .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{answer}");
    }
}

#[tokio::test]
async fn hostile_text_is_shown_and_exported_as_text_and_the_cookie_stays_out_of_scripts() {
    for app in App::both().await {
        let (status, headers, _) = app
            .call_raw(
                "POST",
                "/api/v1/session",
                None,
                Some(json!({"username": "lljkq", "password": PASSWORD})),
            )
            .await;
        assert_eq!(status, StatusCode::OK);
        let cookie = headers
            .get("set-cookie")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default();
        assert!(
            cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"),
            "{cookie}"
        );

        let token = app.sign_in("lljkq").await;
        let mut ids = Vec::new();
        for name in [
            "<script>alert(1)</script>",
            "=HYPERLINK(\"http://evil.example\",\"x\")",
        ] {
            let new = json!({"zone": "吕梁经济技术开发区", "name": name, "category": "industrial",
                             "total_investment_wan": "100"});
            let (status, created) = app
                .call("POST", "/api/v1/projects", Some(&token), Some(new))
                .await;
            assert_eq!(status, StatusCode::CREATED, "{created}");
            assert_eq!(created["name"], name, "stored as typed");
            ids.push(created["id"].as_i64().unwrap());
        }
        let (_, _, page) = app
            .call_raw("GET", &format!("/projects/{}", ids[0]), Some(&token), None)
            .await;
        let shown: Vec<&str> = page.lines().filter(|l| l.contains("alert(1)")).collect();
        assert!(
            page.contains("&#60;script&#62;alert(1)&#60;/script&#62;"),
            "escaped: {shown:?}"
        );
        assert!(!page.contains("<script>alert(1)"), "never as markup");
        let (_, _, csv) = app
            .call_raw(
                "GET",
                "/projects/export.csv?q=HYPERLINK",
                Some(&token),
                None,
            )
            .await;
        assert!(
            csv.contains("\"'=HYPERLINK(\"\"http://evil.example\"\",\"\"x\"\")\""),
            "a formula stays text: {csv}"
        );
    }
}

#[tokio::test]
async fn the_province_reads_the_audit_trail_with_sign_ins_and_exports_and_nobody_else_does() {
    for app in App::both().await {
        let clerk = app.sign_in("lljkq").await;
        let (status, _, _) = app
            .call_raw(
                "GET",
                "/projects/export.csv?stage=signed",
                Some(&clerk),
                None,
            )
            .await;
        assert_eq!(status, StatusCode::OK);
        let city = app.sign_in("lvliang").await;
        let (status, _) = app.call("GET", "/api/v1/audit", Some(&city), None).await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        let province = app.sign_in("province").await;
        let (status, trail) = app
            .call("GET", "/api/v1/audit?user=lljkq", Some(&province), None)
            .await;
        assert_eq!(status, StatusCode::OK, "{trail}");
        let entries = trail["entries"].as_array().unwrap();
        let actions: Vec<&str> = entries
            .iter()
            .map(|e| e["action"].as_str().unwrap())
            .collect();
        assert_eq!(actions, ["export", "sign_in"], "newest first: {trail}");
        assert_eq!(entries[0]["after"]["filters"]["stage"], "signed");
        for key in [
            "at",
            "user",
            "ip",
            "action",
            "object_type",
            "object_id",
            "before",
            "after",
        ] {
            assert!(entries[0].get(key).is_some(), "{key}");
        }
    }
}

#[tokio::test]
async fn an_address_trying_too_often_is_told_to_wait_and_others_are_not() {
    use axum::extract::ConnectInfo;
    use tower::ServiceExt;
    let app = App::both().await.remove(0);
    let state = kfq_web::AppState {
        limits: std::sync::Arc::new(kfq_web::rate::RateLimits::new(5, 10)),
        ..kfq_web::AppState::new(app.db.db.clone(), Lang::Zh)
    };
    let router = kfq_web::router(state);
    let token = app.sign_in("lvliang").await;
    let send = |from: [u8; 4], method: &str, uri: &str, body: Option<serde_json::Value>| {
        let mut request = axum::http::Request::builder()
            .method(method)
            .uri(uri)
            .header("authorization", format!("Bearer {token}"));
        if body.is_some() {
            request = request.header("content-type", "application/json");
        }
        let mut request = request
            .body(axum::body::Body::from(
                body.map(|b| b.to_string()).unwrap_or_default(),
            ))
            .unwrap();
        let peer = std::net::SocketAddr::from((from, 40000));
        request.extensions_mut().insert(ConnectInfo(peer));
        router.clone().oneshot(request)
    };
    let guess = |n: u32| Some(json!({"username": format!("nobody{n}"), "password": "Wrong-2024"}));
    for n in 0..5 {
        let answer = send([10, 0, 0, 1], "POST", "/api/v1/session", guess(n))
            .await
            .unwrap();
        assert_eq!(answer.status(), StatusCode::UNAUTHORIZED);
    }
    let answer = send([10, 0, 0, 1], "POST", "/api/v1/session", guess(5))
        .await
        .unwrap();
    assert_eq!(answer.status(), StatusCode::TOO_MANY_REQUESTS);
    let wait: u64 = answer.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=60).contains(&wait));
    // Another address still gets an answer on the merits.
    let answer = send([10, 0, 0, 2], "POST", "/api/v1/session", guess(6))
        .await
        .unwrap();
    assert_eq!(answer.status(), StatusCode::UNAUTHORIZED);

    for _ in 0..10 {
        let answer = send([10, 0, 0, 3], "GET", "/api/v1/projects", None)
            .await
            .unwrap();
        assert_eq!(answer.status(), StatusCode::OK);
    }
    let answer = send([10, 0, 0, 3], "GET", "/api/v1/projects", None)
        .await
        .unwrap();
    assert_eq!(answer.status(), StatusCode::TOO_MANY_REQUESTS);
    // The pages are not counted as API calls.
    let answer = send([10, 0, 0, 3], "GET", "/projects", None).await.unwrap();
    assert_eq!(answer.status(), StatusCode::OK);
}
