//! 月统计 through the API: the zone fills and submits, the city sends back, the zone fixes,
//! the city approves and the province's total moves; a reopened month keeps both revisions;
//! after the deadline an unsent month locks and shows as missing; every role within its scope.

use axum::http::StatusCode;
use serde_json::{json, Value};

use crate::App;

/// The month being filled today: open until the 10th of the next month.
fn this_month() -> String {
    kfq_core::monthly::Month::of(chrono::Local::now().date_naive()).to_string()
}

async fn zone_id(app: &App, token: &str, zone: &str) -> i64 {
    let (status, overview) = app.call("GET", "/api/v1/monthly", Some(token), None).await;
    assert_eq!(status, StatusCode::OK, "{overview}");
    overview["zones"]
        .as_array()
        .unwrap()
        .iter()
        .find(|z| z["zone"] == zone)
        .and_then(|z| z["zone_id"].as_i64())
        .unwrap_or_else(|| panic!("{zone} in {overview}"))
}

async fn approved_total(app: &App, token: &str, month: &str) -> String {
    let (status, overview) = app
        .call(
            "GET",
            &format!("/api/v1/monthly?month={month}"),
            Some(token),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{overview}");
    overview["approved_wan"].as_str().unwrap().to_string()
}

/// A step of a return (`submit`, `approve`, `return`, `reopen`) as a user takes it.
async fn step(app: &App, path: &str, token: &str, step: &str, body: Value) -> (StatusCode, Value) {
    app.call("POST", &format!("{path}/{step}"), Some(token), Some(body))
        .await
}

fn fill(version: i64, project: i64, wan: &str, progress: &str) -> Value {
    json!({"version": version, "figures": [
        {"project_id": project, "invested_wan": wan, "progress": progress}]})
}

#[tokio::test]
async fn a_month_goes_up_sent_back_fixed_approved_and_reopened_with_both_revisions_kept() {
    let month = this_month();
    for app in App::both().await {
        let engine = app.engine();
        let ll = app.project_id("LL-1").await;
        let zone = app.sign_in("lljkq").await;
        let city = app.sign_in("lvliang").await;
        let other_city = app.sign_in("taiyuan").await;
        let province = app.sign_in("province").await;
        let leader = app.sign_in("lvliang.leader").await;
        let zid = zone_id(&app, &zone, "吕梁经济技术开发区").await;
        let path = format!("/api/v1/monthly/{zid}/{month}");
        let before = approved_total(&app, &province, &month).await;

        // The zone's return lists its project under construction, not yet filled.
        let (status, sheet) = app.call("GET", &path, Some(&zone), None).await;
        assert_eq!(status, StatusCode::OK, "{engine}: {sheet}");
        assert_eq!(sheet["status"], "draft");
        assert_eq!(sheet["version"], 0);
        assert_eq!(sheet["allowed"]["fill"], true);
        assert_eq!(sheet["lines"][0]["code"], "LL-1");
        assert_eq!(sheet["lines"][0]["invested_wan"], Value::Null);

        // Submitting with a line unfilled is refused naming the project.
        let (status, refused) = step(&app, &path, &zone, "submit", json!({"version": 0})).await;
        assert_eq!(
            status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{engine}: {refused}"
        );
        assert!(refused.to_string().contains("LL-1"), "{refused}");

        // A figure that is no amount is refused by field; nothing is saved.
        let (status, refused) = app
            .call("PATCH", &path, Some(&zone), Some(fill(0, ll, "三百", "")))
            .await;
        assert_eq!(
            status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{engine}: {refused}"
        );
        assert_eq!(refused["errors"][0]["field"], "figures[0].invested_wan");
        // Only the zone fills; another city does not even see it.
        for (token, expected) in [
            (&city, StatusCode::FORBIDDEN),
            (&leader, StatusCode::FORBIDDEN),
            (&other_city, StatusCode::NOT_FOUND),
        ] {
            let (status, _) = app
                .call("PATCH", &path, Some(token), Some(fill(0, ll, "1", "")))
                .await;
            assert_eq!(status, expected, "{engine}");
        }
        let (status, _) = app.call("GET", &path, Some(&other_city), None).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{engine}");

        let (status, sheet) = app
            .call(
                "PATCH",
                &path,
                Some(&zone),
                Some(fill(0, ll, "350.5", "主体结构施工")),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{engine}: {sheet}");
        assert_eq!(sheet["version"], 1);
        assert_eq!(sheet["total_wan"], "350.5");
        // A save from the version before loses the race.
        let (status, _) = app
            .call("PATCH", &path, Some(&zone), Some(fill(0, ll, "1", "")))
            .await;
        assert_eq!(status, StatusCode::CONFLICT, "{engine}");
        // …and says so as a failed precondition when the version came in If-Match.
        let (status, _) = app
            .call_with(
                "PATCH",
                &path,
                Some(&zone),
                Some(json!({"figures": []})),
                &[("if-match", "\"0\"")],
            )
            .await;
        assert_eq!(status, StatusCode::PRECONDITION_FAILED, "{engine}");

        let (status, sheet) = step(&app, &path, &zone, "submit", json!({"version": 1})).await;
        assert_eq!(status, StatusCode::OK, "{engine}: {sheet}");
        assert_eq!(sheet["status"], "submitted");
        // Submitted figures are frozen; the zone cannot approve itself.
        let (status, frozen) = app
            .call("PATCH", &path, Some(&zone), Some(fill(2, ll, "1", "")))
            .await;
        assert_eq!(status, StatusCode::CONFLICT, "{engine}: {frozen}");
        assert!(
            frozen["error"].as_str().unwrap().contains("冻结"),
            "{frozen}"
        );
        let (status, _) = step(&app, &path, &zone, "approve", json!({"version": 2})).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{engine}");
        let (status, _) = step(&app, &path, &other_city, "approve", json!({"version": 2})).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{engine}");

        // The city sends it back, saying why; the zone sees why, fixes and submits again.
        let (status, _) = step(
            &app,
            &path,
            &city,
            "return",
            json!({"version": 2, "comment": " "}),
        )
        .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{engine}");
        let (status, sheet) = step(
            &app,
            &path,
            &city,
            "return",
            json!({"version": 2, "comment": "本月投资与形象进度不符"}),
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{engine}: {sheet}");
        let (_, sheet) = app.call("GET", &path, Some(&zone), None).await;
        assert_eq!(sheet["status"], "returned");
        assert_eq!(sheet["comment"], "本月投资与形象进度不符");
        assert_eq!(
            approved_total(&app, &province, &month).await,
            before,
            "{engine}"
        );
        let (status, _) = app
            .call(
                "PATCH",
                &path,
                Some(&zone),
                Some(fill(3, ll, "300", "主体结构施工")),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{engine}");
        step(&app, &path, &zone, "submit", json!({"version": 4})).await;
        let (status, sheet) = step(&app, &path, &city, "approve", json!({"version": 5})).await;
        assert_eq!(status, StatusCode::OK, "{engine}: {sheet}");
        assert_eq!(
            (sheet["status"].as_str(), sheet["revision"].as_i64()),
            (Some("approved"), Some(1))
        );
        let raised = approved_total(&app, &province, &month).await;
        assert_ne!(
            raised, before,
            "{engine}: the province total moves on approval"
        );

        // Reopened by the province: the approved figures stay reported until approved again.
        let (status, sheet) = step(
            &app,
            &path,
            &province,
            "reopen",
            json!({"version": 6, "comment": "统计口径更正"}),
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{engine}: {sheet}");
        app.call(
            "PATCH",
            &path,
            Some(&zone),
            Some(fill(7, ll, "320", "主体封顶")),
        )
        .await;
        assert_eq!(
            approved_total(&app, &province, &month).await,
            raised,
            "{engine}"
        );
        step(&app, &path, &zone, "submit", json!({"version": 8})).await;
        let (status, sheet) = step(&app, &path, &city, "approve", json!({"version": 9})).await;
        assert_eq!(status, StatusCode::OK, "{engine}: {sheet}");
        let totals: Vec<&str> = sheet["revisions"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["total_wan"].as_str().unwrap())
            .collect();
        assert_eq!(totals, ["300", "320"], "{engine}: both versions stay");
        let steps: Vec<&str> = sheet["history"]
            .as_array()
            .unwrap()
            .iter()
            .map(|h| h["action"].as_str().unwrap())
            .collect();
        assert_eq!(
            steps,
            ["submit", "return", "submit", "approve", "reopen", "submit", "approve"],
            "{engine}"
        );
        // Every step is in the audit trail.
        let (_, trail) = app
            .call(
                "GET",
                "/api/v1/audit?action=approve&limit=10",
                Some(&province),
                None,
            )
            .await;
        let approvals = trail["entries"].as_array().map(|e| {
            e.iter()
                .filter(|e| e["object_type"] == "monthly_return")
                .count()
        });
        assert_eq!(approvals, Some(2), "{engine}: {trail}");
    }
}

#[tokio::test]
async fn after_the_deadline_an_unsent_month_locks_shows_as_missing_and_is_reopened_by_the_city() {
    for app in App::both().await {
        let engine = app.engine();
        let ll = app.project_id("LL-1").await;
        let zone = app.sign_in("lljkq").await;
        let city = app.sign_in("lvliang").await;
        let zid = zone_id(&app, &zone, "吕梁经济技术开发区").await;
        // May 2024 was due on 10 June 2024.
        let path = format!("/api/v1/monthly/{zid}/2024-05");
        let (status, refused) = app
            .call("PATCH", &path, Some(&zone), Some(fill(0, ll, "10", "")))
            .await;
        assert_eq!(status, StatusCode::CONFLICT, "{engine}: {refused}");
        assert!(
            refused["error"].as_str().unwrap().contains("2024-06-10"),
            "{refused}"
        );
        let (_, overview) = app
            .call("GET", "/api/v1/monthly?month=2024-05", Some(&city), None)
            .await;
        let standing = overview["zones"]
            .as_array()
            .unwrap()
            .iter()
            .find(|z| z["zone_id"] == zid)
            .cloned()
            .unwrap();
        assert_eq!(standing["missing"], true, "{engine}: {standing}");
        assert_eq!(standing["locked"], true);
        assert_eq!(
            overview["missing"], 1,
            "孝义 has nothing under construction: {overview}"
        );

        let (status, sheet) = step(
            &app,
            &path,
            &city,
            "reopen",
            json!({"version": 0, "comment": "同意补报"}),
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{engine}: {sheet}");
        let (status, _) = app
            .call(
                "PATCH",
                &path,
                Some(&zone),
                Some(fill(1, ll, "10", "设备安装")),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{engine}");
        let (status, sheet) = step(&app, &path, &zone, "submit", json!({"version": 2})).await;
        assert_eq!(status, StatusCode::OK, "{engine}: {sheet}");
        assert_eq!(sheet["late"], true, "{engine}: 迟报");
        assert_eq!(sheet["missing"], false);
    }
}

#[tokio::test]
async fn plans_and_the_deadline_are_set_by_whom_they_belong_to() {
    for app in App::both().await {
        let engine = app.engine();
        let ll = app.project_id("LL-1").await;
        let ty = app.project_id("TY-1").await;
        let zone = app.sign_in("lljkq").await;
        let province = app.sign_in("province").await;
        let plan = |id: i64| format!("/api/v1/projects/{id}/plans/2024");
        let (status, saved) = app
            .call(
                "PUT",
                &plan(ll),
                Some(&zone),
                Some(json!({"planned_wan": "12000"})),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{engine}: {saved}");
        let (status, _) = app
            .call(
                "PUT",
                &plan(ty),
                Some(&zone),
                Some(json!({"planned_wan": "1"})),
            )
            .await;
        assert_eq!(
            status,
            StatusCode::NOT_FOUND,
            "{engine}: another city's project"
        );
        let (status, _) = app
            .call(
                "PUT",
                &plan(ll),
                Some(&zone),
                Some(json!({"planned_wan": "-5"})),
            )
            .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{engine}");
        // 1,200 of a 12,000 plan by March is behind the 3,000 due (序时进度).
        let zid = zone_id(&app, &zone, "吕梁经济技术开发区").await;
        let (_, sheet) = app
            .call(
                "GET",
                &format!("/api/v1/monthly/{zid}/2024-03"),
                Some(&zone),
                None,
            )
            .await;
        let line = &sheet["lines"][0];
        assert_eq!(line["planned_wan"], "12000", "{engine}: {sheet}");
        assert_eq!(line["year_to_date_wan"], "1200");
        assert_eq!(line["behind_plan"], true);

        for (token, day, expected) in [
            (&zone, 5, StatusCode::FORBIDDEN),
            (&province, 40, StatusCode::BAD_REQUEST),
            (&province, 5, StatusCode::OK),
        ] {
            let body = json!({ "deadline_day": day });
            let (status, _) = app
                .call("PATCH", "/api/v1/settings/monthly", Some(token), Some(body))
                .await;
            assert_eq!(status, expected, "{engine}: {day}");
        }
        let (_, sheet) = app
            .call(
                "GET",
                &format!("/api/v1/monthly/{zid}/2024-03"),
                Some(&zone),
                None,
            )
            .await;
        assert_eq!(sheet["deadline"], "2024-04-05", "{engine}");
    }
}

#[tokio::test]
async fn an_import_cannot_change_figures_reported_up_but_may_repeat_them() {
    for app in App::both().await {
        let engine = app.engine();
        let zone = app.sign_in("lljkq").await;
        let city = app.sign_in("lvliang").await;
        let zid = zone_id(&app, &zone, "吕梁经济技术开发区").await;
        // March 2024 (LL-1: 1,200 万元) is past its deadline: reopened, submitted, approved.
        let path = format!("/api/v1/monthly/{zid}/2024-03");
        for (token, name, body) in [
            (&city, "reopen", json!({"version": 0, "comment": "补报"})),
            (&zone, "submit", json!({"version": 1})),
            (&city, "approve", json!({"version": 2})),
        ] {
            let (status, answer) = step(&app, &path, token, name, body).await;
            assert_eq!(status, StatusCode::OK, "{engine} {name}: {answer}");
        }
        let dir = tempfile::tempdir().unwrap();
        let import = |figure: &str| {
            let file = dir.path().join("月报.csv");
            std::fs::write(
                &file,
                format!("项目编号,月份,本月完成投资（万元）\nLL-1,2024-03,{figure}\n"),
            )
            .unwrap();
            file
        };
        let changed = import("1300");
        let refused =
            kfq_app::import::import_files(&app.db.db, &[changed], "clerk", kfq_core::Lang::Zh)
                .await
                .err()
                .map(|e| kfq_core::Localized::message(&e, kfq_core::Lang::Zh))
                .unwrap_or_default();
        assert!(
            refused.contains("冻结") && refused.contains("第 2 行"),
            "{engine}: {refused}"
        );
        let same = import("1200");
        kfq_app::import::import_files(&app.db.db, &[same], "clerk", kfq_core::Lang::Zh)
            .await
            .unwrap_or_else(|e| panic!("{engine}: the same figure again is no change: {e}"));
    }
}
