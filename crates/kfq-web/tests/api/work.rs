//! 包联责任 and 我的工作 through the API: a zone assigns its project's 包联领导, A角, B角 and
//! 代办员 from accounts that may hold them; each sees the project, its blockers and what falls
//! due in their work; when the A角 marks themselves away the B角 stands in; nobody outside the
//! project's region assigns it or reads its assignment.

use axum::http::StatusCode;
use serde_json::{json, Value};

use crate::App;

fn codes(work: &Value) -> Vec<&str> {
    work["projects"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["code"].as_str().unwrap())
        .collect()
}

#[tokio::test]
async fn the_b_role_takes_the_a_roles_work_while_they_are_away_and_only_fitting_accounts_are_assigned(
) {
    for app in App::both().await {
        let engine = app.engine();
        let ll = app.project_id("LL-1").await;
        let zone = app.sign_in("lljkq").await;
        let dept = app.sign_in("lljkq.dept").await;
        let agent = app.sign_in("lljkq.agent").await;
        let city_leader = app.sign_in("lvliang.leader").await;
        let other_city = app.sign_in("taiyuan").await;
        let path = format!("/api/v1/projects/{ll}/assignment");

        let (status, empty) = app.call("GET", &path, Some(&zone), None).await;
        assert_eq!(status, StatusCode::OK, "{engine}: {empty}");
        assert_eq!(empty["assignment"]["version"], 0);
        let candidates: Vec<&str> = empty["candidates"]["a_role"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["username"].as_str().unwrap())
            .collect();
        assert!(
            candidates.contains(&"lljkq.dept") && !candidates.contains(&"lljkq.agent"),
            "{engine}: {candidates:?}"
        );

        // Accounts that cannot hold the duty, or lie outside the zone, are refused by field.
        for (body, field) in [
            (json!({"version": 0, "a_role": "lljkq.agent"}), "a_role"),
            (json!({"version": 0, "a_role": "taiyuan"}), "a_role"),
            (json!({"version": 0, "agent": "nobody.here"}), "agent"),
            (
                json!({"version": 0, "a_role": "lljkq", "b_role": "lljkq"}),
                "b_role",
            ),
            (json!({"version": 0, "boss": "lljkq"}), "boss"),
            (json!({"version": 0, "leader": 7}), "leader"),
        ] {
            let (status, refused) = app.call("PUT", &path, Some(&zone), Some(body)).await;
            assert_eq!(
                status,
                StatusCode::UNPROCESSABLE_ENTITY,
                "{engine}: {refused}"
            );
            assert_eq!(refused["errors"][0]["field"], field, "{engine}: {refused}");
        }
        let assign = json!({"version": 0, "leader": "lvliang.leader", "a_role": "lljkq",
                            "b_role": "lljkq.dept", "agent": "lljkq.agent"});
        for (token, expected) in [
            (&city_leader, StatusCode::FORBIDDEN),
            (&agent, StatusCode::FORBIDDEN),
            (&other_city, StatusCode::NOT_FOUND),
        ] {
            let (status, _) = app
                .call("PUT", &path, Some(token), Some(assign.clone()))
                .await;
            assert_eq!(status, expected, "{engine}");
        }
        let (status, _) = app.call("GET", &path, Some(&other_city), None).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{engine}");
        let (status, set) = app
            .call("PUT", &path, Some(&zone), Some(assign.clone()))
            .await;
        assert_eq!(status, StatusCode::OK, "{engine}: {set}");
        assert_eq!(set["assignment"]["responsible"], "lljkq");
        assert_eq!(set["assignment"]["version"], 1);
        let (status, _) = app.call("PUT", &path, Some(&zone), Some(assign)).await;
        assert_eq!(status, StatusCode::CONFLICT, "{engine}: stale");

        // A blocker due in two days: in the A角's and the B角's work, due soon.
        let soon = (chrono::Local::now().date_naive() + chrono::Days::new(2)).to_string();
        let (status, raised) = app
            .call(
                "POST",
                "/api/v1/blockers",
                Some(&zone),
                Some(json!({"project_id": ll, "description": "环评批复待取得",
                            "category": "approval", "due_on": soon})),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{engine}: {raised}");
        let blocker = raised["blocker"]["id"].clone();
        let (_, mine) = app.call("GET", "/api/v1/me/work", Some(&zone), None).await;
        assert_eq!(codes(&mine), ["LL-1"], "{engine}: {mine}");
        assert_eq!(mine["projects"][0]["duties"], json!(["a_role"]));
        assert!(mine["blockers"]
            .as_array()
            .unwrap()
            .iter()
            .any(|b| b["id"] == blocker));
        assert!(
            mine["due"]
                .as_array()
                .unwrap()
                .iter()
                .any(|d| d["kind"] == "blocker" && d["link"] == format!("/blockers/{blocker}")),
            "{engine}: {mine}"
        );
        let (_, leader_work) = app
            .call("GET", "/api/v1/me/work", Some(&city_leader), None)
            .await;
        assert_eq!(leader_work["projects"][0]["duties"], json!(["leader"]));
        let (_, dept_work) = app.call("GET", "/api/v1/me/work", Some(&dept), None).await;
        assert_eq!(dept_work["projects"][0]["covering_for"], Value::Null);

        // Away: the B角 stands in; back: the A角 again.
        let (status, _) = app
            .call(
                "POST",
                "/api/v1/me/away",
                Some(&zone),
                Some(json!({"away": "yes"})),
            )
            .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{engine}");
        let (status, _) = app
            .call(
                "POST",
                "/api/v1/me/away",
                Some(&zone),
                Some(json!({"away": true})),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{engine}");
        let (_, dept_work) = app.call("GET", "/api/v1/me/work", Some(&dept), None).await;
        assert_eq!(
            dept_work["projects"][0]["covering_for"], "lljkq",
            "{engine}"
        );
        let (_, now) = app.call("GET", &path, Some(&dept), None).await;
        assert_eq!(now["assignment"]["responsible"], "lljkq.dept");
        let (_, mine) = app.call("GET", "/api/v1/me/work", Some(&zone), None).await;
        assert_eq!(mine["away"], true);
        app.call(
            "POST",
            "/api/v1/me/away",
            Some(&zone),
            Some(json!({"away": false})),
        )
        .await;
        let (_, now) = app.call("GET", &path, Some(&dept), None).await;
        assert_eq!(now["assignment"]["responsible"], "lljkq");

        // Audited: who assigned whom, who went away and came back.
        let province = app.sign_in("province").await;
        let (_, trail) = app
            .call(
                "GET",
                "/api/v1/audit?object=assignment",
                Some(&province),
                None,
            )
            .await;
        let entry = &trail["entries"][0];
        assert_eq!(
            (&entry["action"], &entry["user"]),
            (&json!("create"), &json!("lljkq"))
        );
        assert_eq!(entry["after"]["b_role"], "lljkq.dept");
        let (_, trail) = app
            .call(
                "GET",
                "/api/v1/audit?object=user&user=lljkq",
                Some(&province),
                None,
            )
            .await;
        let actions: Vec<&str> = trail["entries"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["action"].as_str().unwrap())
            .filter(|a| *a == "away" || *a == "back")
            .collect();
        assert_eq!(actions, ["back", "away"], "{engine}: {trail}");
    }
}
