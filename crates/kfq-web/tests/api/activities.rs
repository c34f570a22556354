//! 招商活动 through the API: the zone records a trip and an office, a lead names the trip (only
//! an activity of its own zone), the figures count them by kind and the leads they brought; a
//! stale change is refused; the city reads them, another city sees none, a leader and the
//! 代办员 change nothing.

use axum::http::StatusCode;
use serde_json::json;

use crate::{fields, App};

#[tokio::test]
async fn activities_are_recorded_named_by_leads_and_counted_in_their_region_only() {
    for app in App::both().await {
        let engine = app.engine();
        let zone = app.sign_in("lljkq").await;
        let city = app.sign_in("lvliang").await;
        let other_city = app.sign_in("taiyuan").await;
        let leader = app.sign_in("lvliang.leader").await;
        let agent = app.sign_in("lljkq.agent").await;
        let province = app.sign_in("province").await;

        let (status, refused) = app
            .call(
                "POST",
                "/api/v1/activities",
                Some(&zone),
                Some(
                    json!({"kind": "飞行", "name": " ", "started_on": "2024-05-03",
                            "ended_on": "2024-05-01"}),
                ),
            )
            .await;
        assert_eq!(
            status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{engine}: {refused}"
        );
        assert_eq!(fields(&refused), ["ended_on", "kind", "name"], "{engine}");
        let trip = json!({"kind": "外出招商", "name": "赴苏州新材料企业招商", "place": "苏州",
                          "started_on": "2024-05-01", "ended_on": "2024-05-03",
                          "leader": "王伟", "people": "李强、张敏", "met": "华晟新材料有限公司"});
        for token in [&leader, &agent] {
            let (status, _) = app
                .call(
                    "POST",
                    "/api/v1/activities",
                    Some(token),
                    Some(trip.clone()),
                )
                .await;
            assert_eq!(status, StatusCode::FORBIDDEN, "{engine}");
        }
        let (status, made) = app
            .call("POST", "/api/v1/activities", Some(&zone), Some(trip))
            .await;
        assert_eq!(status, StatusCode::CREATED, "{engine}: {made}");
        assert_eq!(made["activity"]["kind"], "trip");
        assert_eq!(made["activity"]["zone"], "吕梁经济技术开发区");
        let trip_id = made["activity"]["id"].as_i64().unwrap();
        let (status, office) = app
            .call(
                "POST",
                "/api/v1/activities",
                Some(&city),
                Some(
                    json!({"zone": "吕梁经济技术开发区", "kind": "liaison_office",
                            "name": "长三角（上海）联络站", "started_on": "2023-03-01"}),
                ),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{engine}: {office}");
        // 太原's city records one in its own zone; 吕梁's leads cannot name it.
        let (status, theirs) = app
            .call(
                "POST",
                "/api/v1/activities",
                Some(&other_city),
                Some(
                    json!({"zone": "中北高新区", "kind": "event", "name": "太原推介会",
                            "started_on": "2024-04-01"}),
                ),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{engine}: {theirs}");
        let theirs_id = theirs["activity"]["id"].as_i64().unwrap();

        let lead = |activity: i64| {
            json!({"name": format!("碳纤维项目{activity}"), "investor": "华晟新材料有限公司",
                   "source": "outbound", "registered_on": "2024-05-02",
                   "activity_id": activity})
        };
        let (status, refused) = app
            .call("POST", "/api/v1/leads", Some(&zone), Some(lead(theirs_id)))
            .await;
        assert_eq!(
            status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{engine}: {refused}"
        );
        assert_eq!(fields(&refused), ["activity_id"], "{engine}");
        let (status, found) = app
            .call("POST", "/api/v1/leads", Some(&zone), Some(lead(trip_id)))
            .await;
        assert_eq!(status, StatusCode::CREATED, "{engine}: {found}");
        assert_eq!(found["lead"]["activity_id"], trip_id);

        // The trip with the lead it brought; 太原 does not see it.
        let path = format!("/api/v1/activities/{trip_id}");
        let (status, got) = app.call("GET", &path, Some(&city), None).await;
        assert_eq!(status, StatusCode::OK, "{engine}: {got}");
        assert_eq!(got["leads"][0]["name"], format!("碳纤维项目{trip_id}"));
        let (status, _) = app.call("GET", &path, Some(&other_city), None).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{engine}");
        let (_, listed) = app
            .call("GET", "/api/v1/activities", Some(&other_city), None)
            .await;
        assert_eq!(listed["total"], 1, "{engine}: only its own: {listed}");

        // Changed from the version seen; a stale change is refused.
        let (status, changed) = app
            .call(
                "PATCH",
                &path,
                Some(&zone),
                Some(json!({"version": 1, "met": "华晟新材料有限公司、泰和储能有限公司"})),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{engine}: {changed}");
        assert_eq!(changed["activity"]["version"], 2);
        let (status, _) = app
            .call(
                "PATCH",
                &path,
                Some(&zone),
                Some(json!({"version": 1, "place": "无锡"})),
            )
            .await;
        assert_eq!(status, StatusCode::CONFLICT, "{engine}");
        let (status, _) = app
            .call(
                "PATCH",
                &path,
                Some(&agent),
                Some(json!({"version": 2, "place": "无锡"})),
            )
            .await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{engine}");

        // The figures of 2024: the office (open since 2023), the trip, the lead it brought.
        let report = "/api/v1/reports/activities?from=2024-01-01&to=2024-12-31";
        for token in [&zone, &city, &province] {
            let (status, r) = app.call("GET", report, Some(token), None).await;
            assert_eq!(status, StatusCode::OK, "{engine}: {r}");
            let lvliang = r["zones"]
                .as_array()
                .unwrap()
                .iter()
                .find(|z| z["name"] == "吕梁经济技术开发区")
                .unwrap_or_else(|| panic!("{engine}: {r}"));
            let f = &lvliang["figures"];
            assert_eq!(
                (
                    &f["liaison_offices"],
                    &f["events"],
                    &f["trips"],
                    &f["leads"]
                ),
                (&json!(1), &json!(0), &json!(1), &json!(1)),
                "{engine}: {r}"
            );
        }
        let (_, r) = app.call("GET", report, Some(&other_city), None).await;
        assert_eq!(
            r["figures"]["trips"], 0,
            "{engine}: 太原 counts none of 吕梁's"
        );
        assert_eq!(r["figures"]["events"], 1, "{engine}: its own event");
        let (status, _) = app
            .call("GET", "/api/v1/activities?kind=飞行", Some(&zone), None)
            .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{engine}");
        let (status, backwards) = app
            .call(
                "GET",
                "/api/v1/reports/activities?from=2024-12-31&to=2024-01-01",
                Some(&zone),
                None,
            )
            .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{engine}: {backwards}");
        let (status, moved) = app
            .call(
                "PATCH",
                &path,
                Some(&zone),
                Some(json!({"version": 2, "zone": "孝义经济开发区"})),
            )
            .await;
        assert_eq!(
            status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{engine}: {moved}"
        );
        assert_eq!(fields(&moved), ["zone"], "{engine}");

        // The period's activities and the leads as workbooks a clerk opens: 吕梁's only.
        let dir = tempfile::tempdir().unwrap();
        for (uri, name, own, foreign) in [
            (
                "/activities/export.xlsx?from=2024-01-01&to=2024-12-31",
                "a.xlsx",
                "赴苏州新材料企业招商",
                "太原推介会",
            ),
            ("/leads/export.xlsx", "l.xlsx", "华晟新材料有限公司", "太原"),
        ] {
            let (status, bytes) = app.download(uri, &city).await;
            assert_eq!(status, StatusCode::OK, "{engine}: {uri}");
            let file = dir.path().join(name);
            std::fs::write(&file, bytes).unwrap();
            let sheets = kfq_ledger::workbook::read_file(&file).unwrap();
            let cells: Vec<String> = sheets[0]
                .rows
                .iter()
                .flatten()
                .map(kfq_ledger::Cell::text)
                .collect();
            assert!(cells.iter().any(|c| c == own), "{engine}: {uri}: {cells:?}");
            assert!(
                !cells.iter().any(|c| c.contains(foreign)),
                "{engine}: {uri}"
            );
        }
    }
}
