//! 堵点台账 through the API: a zone raises a blocker on its project, the city and the province
//! see it (another city does not), a stale or incomplete change is refused, it is escalated
//! zone → city → province with notes, resolved, and every step is in the audit trail.

use axum::http::StatusCode;
use serde_json::json;

use crate::App;

#[tokio::test]
async fn a_blocker_is_raised_escalated_to_the_province_and_resolved_within_scope() {
    for app in App::both().await {
        let engine = app.engine();
        let ll = app.project_id("LL-1").await;
        let ty = app.project_id("TY-1").await;
        let zone = app.sign_in("lljkq").await;
        let city = app.sign_in("lvliang").await;
        let other_city = app.sign_in("taiyuan").await;
        let province = app.sign_in("province").await;
        let leader = app.sign_in("leader").await;

        let raise = |project: i64| {
            json!({"project_id": project, "description": "用地指标未落实", "category": "用地",
                   "owner_unit": "规划建设部", "owner": "王伟", "due_on": "2020-01-31",
                   "note": "已向市自然资源局报告"})
        };
        let (status, created) = app
            .call("POST", "/api/v1/blockers", Some(&zone), Some(raise(ll)))
            .await;
        assert_eq!(status, StatusCode::CREATED, "{engine}: {created}");
        let b = &created["blocker"];
        assert_eq!(b["category"], "land");
        assert_eq!(b["status"], "open");
        assert_eq!(b["level"], "zone");
        assert_eq!(b["overdue"], true, "due in 2020");
        let id = b["id"].as_i64().unwrap();
        let path = format!("/api/v1/blockers/{id}");
        // Not on another city's project, not by a leader, not twice.
        let (status, _) = app
            .call("POST", "/api/v1/blockers", Some(&zone), Some(raise(ty)))
            .await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{engine}");
        let (status, _) = app
            .call("POST", "/api/v1/blockers", Some(&leader), Some(raise(ll)))
            .await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{engine}");
        let (status, twice) = app
            .call("POST", "/api/v1/blockers", Some(&zone), Some(raise(ll)))
            .await;
        assert_eq!(
            status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{engine}: {twice}"
        );

        // The city and the province see it among the overdue; the other city does not.
        for (token, seen) in [(&city, true), (&province, true), (&other_city, false)] {
            let (status, page) = app
                .call("GET", "/api/v1/blockers?overdue=true", Some(token), None)
                .await;
            assert_eq!(status, StatusCode::OK);
            let ids: Vec<i64> = page["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|b| b["id"].as_i64().unwrap())
                .collect();
            assert_eq!(ids.contains(&id), seen, "{engine}: {page}");
        }
        let (status, _) = app.call("GET", &path, Some(&other_city), None).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{engine}");

        // Resolved without saying how: refused, naming the field; a stale version: conflict.
        let (status, refused) = app
            .call(
                "PATCH",
                &path,
                Some(&zone),
                Some(json!({"version": 1, "status": "resolved"})),
            )
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{engine}");
        assert_eq!(refused["errors"][0]["field"], "resolution", "{refused}");
        let (status, moved) = app
            .call(
                "PATCH",
                &path,
                Some(&zone),
                Some(json!({"version": 1, "status": "in_progress",
                   "note": "指标调剂方案已报市局"})),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{engine}: {moved}");
        assert_eq!(moved["blocker"]["version"], 2);
        let (status, _) = app
            .call(
                "PATCH",
                &path,
                Some(&city),
                Some(json!({"version": 1, "owner": "李强"})),
            )
            .await;
        assert_eq!(
            status,
            StatusCode::CONFLICT,
            "{engine}: the second save from version 1"
        );
        let (status, _) = app
            .call_with(
                "PATCH",
                &path,
                Some(&city),
                Some(json!({"owner": "李强"})),
                &[("if-match", "\"1\"")],
            )
            .await;
        assert_eq!(
            status,
            StatusCode::PRECONDITION_FAILED,
            "{engine}: the same, with the version in If-Match"
        );

        // Escalated by the zone to the city, by the city to the province — not by the zone twice.
        let (status, up) = app
            .call(
                "POST",
                &format!("{path}/escalate"),
                Some(&zone),
                Some(json!({"version": 2, "note": "开发区无法协调用地指标"})),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{engine}: {up}");
        assert_eq!(up["blocker"]["level"], "city");
        let (status, _) = app
            .call(
                "POST",
                &format!("{path}/escalate"),
                Some(&zone),
                Some(json!({"version": 3, "note": "再上报"})),
            )
            .await;
        assert_eq!(
            status,
            StatusCode::BAD_REQUEST,
            "{engine}: a zone does not lift a city's blocker"
        );
        let (status, up) = app
            .call(
                "POST",
                &format!("{path}/escalate"),
                Some(&city),
                Some(json!({"version": 3, "note": "列入省级百项堵点"})),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{engine}: {up}");
        let (_, hundred) = app
            .call(
                "GET",
                "/api/v1/blockers?level=province",
                Some(&province),
                None,
            )
            .await;
        assert_eq!(
            hundred["items"][0]["id"], id,
            "{engine}: the province's list"
        );

        // Resolved with how: no longer overdue; the notes tell the story, oldest first.
        let (status, done) = app
            .call(
                "PATCH",
                &path,
                Some(&province),
                Some(json!({"version": 4, "status": "resolved",
                   "resolution": "省自然资源厅调剂用地指标 120 亩"})),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{engine}: {done}");
        assert_eq!(done["blocker"]["overdue"], false);
        assert!(done["blocker"]["resolved_on"].is_string());
        let (status, _) = app
            .call(
                "POST",
                &format!("{path}/notes"),
                Some(&zone),
                Some(json!({"note": "已开工"})),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{engine}");
        let (_, whole) = app.call("GET", &path, Some(&city), None).await;
        let notes: Vec<&str> = whole["notes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|n| n["note"].as_str().unwrap())
            .collect();
        assert_eq!(
            notes,
            [
                "已向市自然资源局报告",
                "指标调剂方案已报市局",
                "开发区无法协调用地指标",
                "列入省级百项堵点",
                "已开工"
            ],
            "{engine}"
        );

        // Every step in the audit trail, who and before → after.
        let (_, trail) = app
            .call("GET", "/api/v1/audit?object=blocker", Some(&province), None)
            .await;
        let actions: Vec<(&str, &str)> = trail["entries"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|e| e["object_id"].as_str().unwrap().starts_with("LL-1/"))
            .map(|e| (e["action"].as_str().unwrap(), e["user"].as_str().unwrap()))
            .collect();
        assert_eq!(
            actions,
            [
                ("note", "lljkq"),
                ("update", "province"),
                ("escalate", "lvliang"),
                ("escalate", "lljkq"),
                ("update", "lljkq"),
                ("create", "lljkq")
            ],
            "{engine}"
        );
        // A blocker is not renamed into one the project has already.
        let mut other = raise(ll);
        other["description"] = json!("项目资本金到位不足");
        let (_, second) = app
            .call("POST", "/api/v1/blockers", Some(&zone), Some(other))
            .await;
        let renamed = json!({"version": 1, "description": "用地指标未落实"});
        let (status, refused) = app
            .call(
                "PATCH",
                &format!("/api/v1/blockers/{}", second["blocker"]["id"]),
                Some(&zone),
                Some(renamed),
            )
            .await;
        assert_eq!(
            status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{engine}: {refused}"
        );
        assert_eq!(refused["errors"][0]["field"], "description");
    }
}
