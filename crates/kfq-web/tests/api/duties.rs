//! 三员分立: the system administrator creates accounts, the security administrator grants their
//! roles, the audit administrator reads the trail; none does another's work or sees projects.

use axum::http::StatusCode;
use kfq_core::access::Role;
use serde_json::json;

use crate::{App, PASSWORD};

async fn add_administrators(app: &App) {
    let operator = kfq_app::Actor::operator("fixture", kfq_core::Lang::Zh);
    for (username, role) in [
        ("xitong", Role::SystemAdmin),
        ("anquan", Role::SecurityAdmin),
        ("shenji", Role::AuditAdmin),
    ] {
        let new = kfq_app::users::NewUser {
            username: username.into(),
            display_name: String::new(),
            role,
            region: "140000".into(),
            password: PASSWORD.into(),
            must_change_password: false,
        };
        kfq_app::users::add_user(&app.db.db, &operator, new)
            .await
            .unwrap();
    }
}

#[tokio::test]
async fn an_account_is_created_by_one_administrator_granted_by_another_and_audited_for_a_third() {
    for app in App::both().await {
        add_administrators(&app).await;
        let engine = app.engine();
        let xitong = app.sign_in("xitong").await;
        let anquan = app.sign_in("anquan").await;
        let shenji = app.sign_in("shenji").await;

        // None of the three sees project data.
        for token in [&xitong, &anquan, &shenji] {
            let (status, _) = app.call("GET", "/api/v1/projects", Some(token), None).await;
            assert_eq!(status, StatusCode::FORBIDDEN, "{engine}");
            let (status, _) = app.call("GET", "/api/v1/checks", Some(token), None).await;
            assert_eq!(status, StatusCode::FORBIDDEN, "{engine}");
        }

        // The system administrator creates an account; it awaits its role.
        let (status, created) = app
            .call(
                "POST",
                "/api/v1/users",
                Some(&xitong),
                Some(json!({"username": "new.clerk", "display_name": "新办事员"})),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{engine}: {created}");
        assert_eq!(created["user"]["role"], "pending");
        let initial = created["initial_password"].as_str().unwrap().to_string();
        // …but cannot grant it a role: that is the security administrator's duty.
        let grant = json!({"role": "zone", "region": "吕梁经济技术开发区"});
        let (status, refused) = app
            .call(
                "PATCH",
                "/api/v1/users/new.clerk",
                Some(&xitong),
                Some(grant.clone()),
            )
            .await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{engine}");
        assert!(
            refused["error"].as_str().unwrap().contains("安全管理员"),
            "{refused}"
        );
        // The security administrator creates no account, and touches no administrator's.
        let (status, _) = app
            .call(
                "POST",
                "/api/v1/users",
                Some(&anquan),
                Some(json!({"username": "sneaky"})),
            )
            .await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{engine}");
        for target in ["xitong", "anquan"] {
            let (status, _) = app
                .call(
                    "PATCH",
                    &format!("/api/v1/users/{target}"),
                    Some(&anquan),
                    Some(json!({"role": "province", "region": "140000"})),
                )
                .await;
            assert_eq!(status, StatusCode::FORBIDDEN, "{engine}: {target}");
        }

        // Awaiting its role, the new account changes its password and sees nothing.
        let (status, session) = app
            .call(
                "POST",
                "/api/v1/session",
                None,
                Some(json!({"username": "new.clerk", "password": initial})),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{engine}");
        let clerk = session["session"].as_str().unwrap().to_string();
        let (status, _) = app
            .call(
                "POST",
                "/api/v1/me/password",
                Some(&clerk),
                Some(json!({"old": initial, "new": "Clerk-own-2024"})),
            )
            .await;
        assert_eq!(status, StatusCode::NO_CONTENT, "{engine}");
        let (status, _) = app
            .call("GET", "/api/v1/projects", Some(&clerk), None)
            .await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{engine}");

        // Granted, it sees its zone's project and no other.
        let (status, granted) = app
            .call(
                "PATCH",
                "/api/v1/users/new.clerk",
                Some(&anquan),
                Some(grant),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{engine}: {granted}");
        let (status, page) = app
            .call("GET", "/api/v1/projects", Some(&clerk), None)
            .await;
        assert_eq!(status, StatusCode::OK, "{engine}");
        let codes: Vec<&str> = page["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["code"].as_str().unwrap())
            .collect();
        assert_eq!(codes, ["LL-1"], "{engine}");

        // The audit administrator reads who granted what, before → after; nothing else.
        let (status, trail) = app
            .call("GET", "/api/v1/audit?action=grant", Some(&shenji), None)
            .await;
        assert_eq!(status, StatusCode::OK, "{engine}");
        let entry = &trail["entries"][0];
        assert_eq!(entry["user"], "anquan");
        assert_eq!(entry["object_id"], "new.clerk");
        assert_eq!(entry["before"]["role"], "pending");
        assert_eq!(entry["after"]["role"], "zone");
        assert_eq!(trail["entries"].as_array().unwrap().len(), 1);
        for (method, path) in [("GET", "/api/v1/users"), ("POST", "/api/v1/users")] {
            let (status, _) = app
                .call(method, path, Some(&shenji), Some(json!({"username": "x1"})))
                .await;
            assert_eq!(status, StatusCode::FORBIDDEN, "{engine}: {method} {path}");
        }
        // A city reads neither accounts nor the trail.
        let city = app.sign_in("lvliang").await;
        for path in ["/api/v1/users", "/api/v1/audit"] {
            let (status, _) = app.call("GET", path, Some(&city), None).await;
            assert_eq!(status, StatusCode::FORBIDDEN, "{engine}: {path}");
        }

        // Disabled, the account's session opens nothing and it cannot sign in.
        let (status, _) = app
            .call(
                "PATCH",
                "/api/v1/users/new.clerk",
                Some(&xitong),
                Some(json!({"disabled": true})),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{engine}");
        let (status, _) = app.call("GET", "/api/v1/me", Some(&clerk), None).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{engine}");
        let (status, refused) = app
            .call(
                "POST",
                "/api/v1/session",
                None,
                Some(json!({"username": "new.clerk", "password": "Clerk-own-2024"})),
            )
            .await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{engine}");
        assert!(
            refused["error"].as_str().unwrap().contains("停用"),
            "{refused}"
        );
        // Enabled and reset, it signs in with the new initial password only.
        let (status, _) = app
            .call(
                "PATCH",
                "/api/v1/users/new.clerk",
                Some(&xitong),
                Some(json!({"disabled": false})),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{engine}");
        let (status, reset) = app
            .call(
                "POST",
                "/api/v1/users/new.clerk/password",
                Some(&xitong),
                None,
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{engine}");
        let (status, _) = app
            .call(
                "POST",
                "/api/v1/session",
                None,
                Some(json!({"username": "new.clerk", "password": reset["initial_password"]})),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{engine}");
        let (status, _) = app
            .call(
                "POST",
                "/api/v1/users/new.clerk/password",
                Some(&anquan),
                None,
            )
            .await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{engine}");
    }
}

#[tokio::test]
async fn each_administrator_lands_on_their_own_page_and_the_audit_log_is_searched_and_exported() {
    for app in App::both().await {
        add_administrators(&app).await;
        let engine = app.engine();
        for (username, start) in [
            ("xitong", "/users"),
            ("anquan", "/users"),
            ("shenji", "/audit"),
        ] {
            let token = app.sign_in(username).await;
            let (status, headers, _) = app.call_raw("GET", "/", Some(&token), None).await;
            assert_eq!(status, StatusCode::SEE_OTHER, "{engine}: {username}");
            assert_eq!(headers["location"], start, "{engine}: {username}");
        }
        let shenji = app.sign_in("shenji").await;
        let (status, _, html) = app
            .call_raw(
                "GET",
                "/audit?user=shenji&action=sign_in",
                Some(&shenji),
                None,
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{engine}");
        assert!(html.contains("审计链完整"), "{engine}");
        assert!(
            html.contains("sign_in") && !html.contains("fixture"),
            "{engine}"
        );
        let (status, headers, csv) = app
            .call_raw("GET", "/audit/export.csv?object=user", Some(&shenji), None)
            .await;
        assert_eq!(status, StatusCode::OK, "{engine}");
        assert!(headers["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/csv"));
        assert!(
            csv.starts_with("\u{feff}序号,时间,用户,IP,操作"),
            "{engine}"
        );
        assert!(csv.contains(",sign_in,user,xitong,"), "{engine}: {csv}");
        // The export itself is in the trail.
        let (_, trail) = app
            .call("GET", "/api/v1/audit?action=export", Some(&shenji), None)
            .await;
        assert_eq!(trail["entries"][0]["object_type"], "audit", "{engine}");
        // Project pages stay closed to the administrators.
        let (status, _, _) = app.call_raw("GET", "/projects", Some(&shenji), None).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{engine}");
    }
}

#[tokio::test]
async fn the_security_administrator_sets_the_policy_within_its_bounds_and_it_takes_effect() {
    for app in App::both().await {
        add_administrators(&app).await;
        let engine = app.engine();
        let anquan = app.sign_in("anquan").await;
        let xitong = app.sign_in("xitong").await;
        let shenji = app.sign_in("shenji").await;
        let city = app.sign_in("lvliang").await;
        let province = app.sign_in("province").await;

        let stricter = json!({"password_min_length": 12, "password_min_kinds": "3",
                              "totp_required": ["province"]});
        let (status, refused) = app
            .call(
                "PATCH",
                "/api/v1/policy",
                Some(&xitong),
                Some(stricter.clone()),
            )
            .await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{engine}");
        assert!(refused["error"].as_str().unwrap().contains("安全管理员"));
        let (status, _) = app.call("GET", "/api/v1/policy", Some(&city), None).await;
        assert_eq!(
            status,
            StatusCode::FORBIDDEN,
            "{engine}: a city does not read it"
        );

        // Below the floor nothing changes, not even the rules given with it.
        let (status, refused) = app
            .call(
                "PATCH",
                "/api/v1/policy",
                Some(&anquan),
                Some(json!({"lockout_attempts": 3, "password_min_length": 6})),
            )
            .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{engine}");
        assert!(
            refused["error"].as_str().unwrap().contains("8 到 64"),
            "{refused}"
        );
        let (status, changed) = app
            .call("PATCH", "/api/v1/policy", Some(&anquan), Some(stricter))
            .await;
        assert_eq!(status, StatusCode::OK, "{engine}: {changed}");
        assert_eq!(
            changed["policy"]["lockout_attempts"], 5,
            "the refused change left nothing"
        );
        assert_eq!(changed["policy"]["password_min_length"], 12);

        // It takes effect: passwords of the old rule are refused, the province needs its
        // second factor before anything else.
        let (status, weak) = app
            .call(
                "POST",
                "/api/v1/me/password",
                Some(&city),
                Some(json!({"old": crate::PASSWORD, "new": "Lvliang-24"})),
            )
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{engine}: {weak}");
        assert!(weak["error"].as_str().unwrap().contains("至少 12 位"));
        let (status, _) = app
            .call("GET", "/api/v1/projects", Some(&province), None)
            .await;
        assert_eq!(
            status,
            StatusCode::FORBIDDEN,
            "{engine}: the province sets up TOTP first"
        );
        let (status, _) = app.call("GET", "/api/v1/projects", Some(&city), None).await;
        assert_eq!(status, StatusCode::OK, "{engine}: a city does not");

        // The audit administrator reads the policy and who changed it, before → after.
        let (status, read) = app.call("GET", "/api/v1/policy", Some(&shenji), None).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(read["policy"]["totp_required"], json!(["province"]));
        let (_, trail) = app
            .call("GET", "/api/v1/audit?object=policy", Some(&shenji), None)
            .await;
        let entry = &trail["entries"][0];
        assert_eq!(entry["user"], "anquan", "{engine}");
        assert_eq!(entry["before"]["password_min_length"], 8);
        assert_eq!(entry["after"]["password_min_length"], 12);
        assert_eq!(
            trail["entries"].as_array().unwrap().len(),
            1,
            "the refusal left no entry"
        );
    }
}
