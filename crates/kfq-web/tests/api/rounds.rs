//! Creating projects and running a round through the API.

use axum::http::StatusCode;
use serde_json::json;

use crate::App;

#[tokio::test]
async fn zone_staff_create_projects_in_their_zone_only() {
    for app in App::both().await {
        let token = app.sign_in("lljkq").await;
        let new = json!({"zone": "吕梁经济技术开发区", "name": "新建储能项目", "category": "industrial",
                         "total_investment_wan": "8800", "signed_on": "2026-03-01",
                         "enterprise": "吕梁储能科技有限公司", "credit_code": "91110000100017643K"});
        let (status, created) = app
            .call("POST", "/api/v1/projects", Some(&token), Some(new))
            .await;
        assert_eq!(status, StatusCode::CREATED, "{} {created}", app.engine());
        assert_eq!(
            created["code"], "141100-2026-0001",
            "a code is given from the city and year"
        );
        assert_eq!(created["stage"], "signed");
        assert_eq!(created["enterprise"], "吕梁储能科技有限公司");

        let elsewhere = json!({"zone": "中北高新区", "name": "x", "category": "industrial", "total_investment_wan": "1"});
        let (status, body) = app
            .call("POST", "/api/v1/projects", Some(&token), Some(elsewhere))
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(body["errors"][0]["field"], "zone");

        let (status, body) = app
            .call(
                "POST",
                "/api/v1/projects",
                Some(&token),
                Some(json!({"code": "LL-1"})),
            )
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        let fields: Vec<&str> = body["errors"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["field"].as_str().unwrap())
            .collect();
        for f in ["zone", "name", "category", "total_investment_wan", "code"] {
            assert!(fields.contains(&f), "{f} is named: {fields:?}");
        }

        let leader = app.sign_in("leader").await;
        let ok = json!({"zone": "吕梁经济技术开发区", "name": "x", "category": "industrial", "total_investment_wan": "1"});
        let (status, _) = app
            .call("POST", "/api/v1/projects", Some(&leader), Some(ok))
            .await;
        assert_eq!(status, StatusCode::FORBIDDEN);
    }
}

#[tokio::test]
async fn the_province_runs_a_round_that_cities_fill_within_their_scope() {
    for app in App::both().await {
        let province = app.sign_in("province").await;
        let city = app.sign_in("lvliang").await;
        let round = json!({"round": "2024-2", "held_on": "2024-05-24", "venue": "朔州"});
        let (status, _) = app
            .call("POST", "/api/v1/rounds", Some(&city), Some(round.clone()))
            .await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{}", app.engine());
        let (status, _) = app
            .call(
                "POST",
                "/api/v1/rounds",
                Some(&province),
                Some(round.clone()),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED);
        let (status, _) = app
            .call("POST", "/api/v1/rounds", Some(&province), Some(round))
            .await;
        assert_eq!(status, StatusCode::CONFLICT, "a round is created once");

        // XY-1 was signed in February and has no start date: the city enrols it into the
        // signing batch; into the start batch only with its start dated at the round.
        let xiaoyi = app.project_id("XY-1").await;
        let sign = json!({"batch": "sign", "project_id": xiaoyi});
        let (status, view) = app
            .call(
                "POST",
                "/api/v1/rounds/2024-2/entries",
                Some(&city),
                Some(sign),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{view}");
        assert_eq!(view["entries"][0]["code"], "XY-1");
        assert_eq!(
            view["entries"][0]["amount_wan"], "30000",
            "the amount is frozen at entry"
        );
        let start = json!({"batch": "start", "project_id": xiaoyi});
        let (status, body) = app
            .call(
                "POST",
                "/api/v1/rounds/2024-2/entries",
                Some(&city),
                Some(start),
            )
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(body["error"].as_str().unwrap().contains("开工"), "{body}");
        let start = json!({"batch": "start", "project_id": xiaoyi, "date_at_round": true});
        let (status, _) = app
            .call(
                "POST",
                "/api/v1/rounds/2024-2/entries",
                Some(&city),
                Some(start),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED);
        let (_, project) = app
            .call(
                "GET",
                &format!("/api/v1/projects/{xiaoyi}"),
                Some(&city),
                None,
            )
            .await;
        assert_eq!(project["started_on"], "2024-05-24");

        let taiyuan = app.project_id("TY-1").await;
        let other = json!({"batch": "sign", "project_id": taiyuan});
        let (status, _) = app
            .call(
                "POST",
                "/api/v1/rounds/2024-2/entries",
                Some(&city),
                Some(other),
            )
            .await;
        assert_eq!(
            status,
            StatusCode::NOT_FOUND,
            "another city's project is not found"
        );

        let (status, _) = app
            .call("POST", "/api/v1/rounds/2024-2/lock", Some(&city), None)
            .await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        let (status, locked) = app
            .call("POST", "/api/v1/rounds/2024-2/lock", Some(&province), None)
            .await;
        assert_eq!(
            (status, locked["locked"].as_bool()),
            (StatusCode::OK, Some(true))
        );
        let lvliang = app.project_id("LL-1").await;
        let late = json!({"batch": "sign", "project_id": lvliang});
        let (status, body) = app
            .call(
                "POST",
                "/api/v1/rounds/2024-2/entries",
                Some(&city),
                Some(late),
            )
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(body["error"].as_str().unwrap().contains("已锁定"));

        let (_, list) = app.call("GET", "/api/v1/rounds", Some(&city), None).await;
        assert_eq!(list["rounds"].as_array().unwrap().len(), 2);
        let (_, seen_by_taiyuan) = app
            .call(
                "GET",
                "/api/v1/rounds/2024-2",
                Some(&app.sign_in("taiyuan").await),
                None,
            )
            .await;
        assert_eq!(
            seen_by_taiyuan["entries"].as_array().unwrap().len(),
            0,
            "太原 sees none of 吕梁's entries"
        );
    }
}

#[tokio::test]
async fn a_filtered_list_is_enrolled_all_or_nothing() {
    for app in App::both().await {
        let province = app.sign_in("province").await;
        let round = json!({"round": "2024-3", "held_on": "2024-08-23", "venue": "阳泉"});
        app.call("POST", "/api/v1/rounds", Some(&province), Some(round))
            .await;
        let city = app.sign_in("lvliang").await;
        let post = |body: String| {
            let request = axum::http::Request::post("/projects/enrol")
                .header("authorization", format!("Bearer {city}"))
                .header("content-type", "application/x-www-form-urlencoded")
                .body(axum::body::Body::from(body))
                .unwrap();
            tower::ServiceExt::oneshot(app.router.clone(), request)
        };
        // XY-1 has not started: the whole list is refused, naming it.
        let response = post("query=city%3D141100&round=2024-3&batch=start".into())
            .await
            .unwrap();
        assert_eq!(
            response.status(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "{}",
            app.engine()
        );
        let (_, view) = app
            .call("GET", "/api/v1/rounds/2024-3", Some(&city), None)
            .await;
        assert_eq!(
            view["entries"].as_array().unwrap().len(),
            0,
            "nothing was enrolled"
        );
        // Dated at the round, both enter.
        let response = post("query=city%3D141100&round=2024-3&batch=start&date_at_round=1".into())
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        let (_, view) = app
            .call("GET", "/api/v1/rounds/2024-3", Some(&city), None)
            .await;
        let mut codes: Vec<&str> = view["entries"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["code"].as_str().unwrap())
            .collect();
        codes.sort_unstable();
        assert_eq!(codes, ["LL-1", "XY-1"]);
    }
}
