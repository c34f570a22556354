//! 审批事项与领办代办 through the API: the zone and its 代办员 record a project's procedure step
//! by step, dates in order and the agent an account that may be one there; a stale save is
//! refused; the region's figures count it with the days it took; the province sets the standard
//! checklist; nobody outside the region touches it.

use axum::http::StatusCode;
use serde_json::{json, Value};

use crate::App;

fn item<'a>(list: &'a Value, name: &str) -> &'a Value {
    list["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["name"] == name)
        .unwrap_or_else(|| panic!("{name} in {list}"))
}

#[tokio::test]
async fn a_procedure_is_recorded_step_by_step_and_counted_with_the_days_it_took() {
    for app in App::both().await {
        let engine = app.engine();
        let ll = app.project_id("LL-1").await;
        let zone = app.sign_in("lljkq").await;
        let agent = app.sign_in("lljkq.agent").await;
        let leader = app.sign_in("lvliang.leader").await;
        let other_city = app.sign_in("taiyuan").await;
        let city = app.sign_in("lvliang").await;
        let province = app.sign_in("province").await;
        let list_path = format!("/api/v1/projects/{ll}/procedures");
        // 施工许可证, as a path segment.
        let path = format!("{list_path}/%E6%96%BD%E5%B7%A5%E8%AE%B8%E5%8F%AF%E8%AF%81");

        let (status, list) = app.call("GET", &list_path, Some(&zone), None).await;
        assert_eq!(status, StatusCode::OK, "{engine}: {list}");
        assert_eq!(
            list["items"].as_array().unwrap().len(),
            8,
            "the standard list"
        );
        assert_eq!(item(&list, "施工许可证")["status"], "pending");

        // Refused by field: a date before the one before, an agent who may not be one.
        for (body, field) in [
            (
                json!({"version": 0, "accepted_on": "2024-03-10", "approved_on": "2024-03-01"}),
                "approved_on",
            ),
            (
                json!({"version": 0, "submitted_on": "2024-03-10"}),
                "submitted_on",
            ),
            (json!({"version": 0, "agent": "lvliang.leader"}), "agent"),
            (
                json!({"version": 0, "accepted_on": "2024-13-01"}),
                "accepted_on",
            ),
            (
                json!({"version": 0, "accepted_on": "0001-01-01"}),
                "accepted_on",
            ),
            (
                json!({"version": 0, "accepted_on": "2024-03-01", "approved_on": "2024-03-09"}),
                "approved_on",
            ),
        ] {
            let (status, refused) = app.call("PUT", &path, Some(&zone), Some(body)).await;
            assert_eq!(
                status,
                StatusCode::UNPROCESSABLE_ENTITY,
                "{engine}: {refused}"
            );
            assert_eq!(refused["errors"][0]["field"], field, "{engine}: {refused}");
        }
        let accept = json!({"version": 0, "agent": "lljkq.agent", "accepted_on": "2024-02-01",
                            "commitment": true});
        for (token, expected) in [
            (&leader, StatusCode::FORBIDDEN),
            (&other_city, StatusCode::NOT_FOUND),
        ] {
            let (status, _) = app
                .call("PUT", &path, Some(token), Some(accept.clone()))
                .await;
            assert_eq!(status, expected, "{engine}");
        }
        let (status, saved) = app
            .call("PUT", &path, Some(&zone), Some(accept.clone()))
            .await;
        assert_eq!(status, StatusCode::OK, "{engine}: {saved}");
        assert_eq!(item(&saved, "施工许可证")["status"], "accepted");
        let (status, _) = app.call("PUT", &path, Some(&zone), Some(accept)).await;
        assert_eq!(status, StatusCode::CONFLICT, "{engine}: stale");

        // The 代办员 takes it on from there.
        let (status, done) = app
            .call(
                "PUT",
                &path,
                Some(&agent),
                Some(json!({"version": 1, "submitted_on": "2024-02-05", "approved_on": "2024-02-13"})),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{engine}: {done}");
        let permit = item(&done, "施工许可证");
        assert_eq!(
            (&permit["status"], &permit["days"]),
            (&json!("approved"), &json!(12))
        );

        // Counted in the city's figures for the period; not in another period.
        let (_, figures) = app
            .call(
                "GET",
                "/api/v1/reports/agency?region=141100&from=2024-01-01&to=2024-12-31",
                Some(&city),
                None,
            )
            .await;
        assert_eq!(
            (
                &figures["handled"],
                &figures["approved"],
                &figures["commitment"],
                &figures["average_days"]
            ),
            (&json!(1), &json!(1), &json!(1), &json!("12.0")),
            "{engine}: {figures}"
        );
        assert_eq!(figures["zones"][0]["name"], "吕梁经济技术开发区");
        assert_eq!(figures["procedures"][0]["name"], "施工许可证");
        let (_, before) = app
            .call(
                "GET",
                "/api/v1/reports/agency?region=141100&from=2023-01-01&to=2023-12-31",
                Some(&city),
                None,
            )
            .await;
        assert_eq!(before["handled"], 0);
        let (status, _) = app
            .call(
                "GET",
                "/api/v1/reports/agency?region=141100",
                Some(&other_city),
                None,
            )
            .await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{engine}");

        // The province sets the standard list; the checklist follows, recorded items kept.
        let names = json!({"names": ["项目备案", "施工许可证", "消防设计审查"]});
        let (status, _) = app
            .call(
                "PATCH",
                "/api/v1/settings/procedures",
                Some(&zone),
                Some(names.clone()),
            )
            .await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{engine}");
        let (status, _) = app
            .call(
                "PATCH",
                "/api/v1/settings/procedures",
                Some(&province),
                Some(json!({"names": ["项目备案", "项目备案"]})),
            )
            .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{engine}: repeated");
        let (status, _) = app
            .call(
                "PATCH",
                "/api/v1/settings/procedures",
                Some(&province),
                Some(names),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{engine}");
        let (_, list) = app.call("GET", &list_path, Some(&zone), None).await;
        let listed: Vec<&str> = list["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["name"].as_str().unwrap())
            .collect();
        assert_eq!(
            listed,
            ["项目备案", "施工许可证", "消防设计审查"],
            "{engine}"
        );
        assert_eq!(item(&list, "施工许可证")["status"], "approved");

        let (_, trail) = app
            .call(
                "GET",
                "/api/v1/audit?object=procedure",
                Some(&province),
                None,
            )
            .await;
        let actions: Vec<(&str, &str)> = trail["entries"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| (e["action"].as_str().unwrap(), e["user"].as_str().unwrap()))
            .collect();
        assert_eq!(
            actions,
            [("update", "lljkq.agent"), ("create", "lljkq")],
            "{engine}"
        );
    }
}
