//! 化工园区安全风险等级复核 through the API: the zone scores its park item by item (an item not
//! on the checklist, a score above the item's points, a rectification without its owner are
//! refused by field); the park is graded once every item is scored, a veto item scored nothing
//! makes it A; a rectification past its day is overdue until done; only the province replaces
//! the checklist, and a checklist out of order is refused.

use axum::http::StatusCode;
use serde_json::json;

use crate::{fields, App};

#[tokio::test]
async fn a_park_is_graded_once_every_item_is_scored_and_its_rectifications_are_chased() {
    for app in App::both().await {
        let engine = app.engine();
        let zone = app.sign_in("lljkq").await;
        let city = app.sign_in("lvliang").await;
        let province = app.sign_in("province").await;
        let other_city = app.sign_in("taiyuan").await;

        let (status, refused) = app
            .call(
                "POST",
                "/api/v1/chemical-findings",
                Some(&zone),
                Some(json!({"year": "2025", "item": "9.9", "score": "2.55",
                            "due_on": "2025-09-30"})),
            )
            .await;
        assert_eq!(
            status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{engine}: {refused}"
        );
        assert_eq!(fields(&refused), ["item", "owner", "score"], "{engine}");
        let (status, refused) = app
            .call(
                "POST",
                "/api/v1/chemical-findings",
                Some(&zone),
                Some(json!({"year": "2025", "item": "6.1", "score": "2.7"})),
            )
            .await;
        assert_eq!(
            status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{engine}: {refused}"
        );
        assert_eq!(fields(&refused), ["score"], "{engine}: 6.1 is worth 2.6");

        // Every item of the national checklist in full but 4.3, which lost two points and has a
        // rectification due at the end of September.
        let checklist = kfq_core::chemical::Checklist::default();
        let mut fire_station = 0;
        for item in checklist.items() {
            let mut body = json!({"year": "2025", "item": item.code,
                                  "score": kfq_core::chemical::Points::from_tenths(item.max).to_string()});
            if item.code == "4.3" {
                body = json!({"year": "2025", "item": "4.3", "score": "1",
                              "problem": "消防站尚未建成", "owner": "园区应急管理局",
                              "due_on": "2025-09-30"});
            }
            let (status, made) = app
                .call("POST", "/api/v1/chemical-findings", Some(&zone), Some(body))
                .await;
            assert_eq!(status, StatusCode::CREATED, "{engine}: {made}");
            if item.code == "4.3" {
                fire_station = made["finding"]["id"].as_i64().unwrap();
            }
        }
        let report = "/api/v1/reports/chemical-review?year=2025&as_of=2025-10-15";
        let (status, r) = app.call("GET", report, Some(&city), None).await;
        assert_eq!(status, StatusCode::OK, "{engine}: {r}");
        let park = &r["zones"][0]["assessment"];
        assert_eq!(
            (&park["score"], &park["grade"], &park["overdue"]),
            (&json!("98"), &json!("D"), &json!(1)),
            "{engine}: {r}"
        );
        assert_eq!(r["open"][0]["item"], "4.3", "{engine}");
        let (_, theirs) = app.call("GET", report, Some(&other_city), None).await;
        assert!(
            theirs["zones"].as_array().unwrap().is_empty(),
            "{engine}: {theirs}"
        );

        // Done in October: no longer open. A veto item scored nothing makes the park A.
        let path = format!("/api/v1/chemical-findings/{fire_station}");
        let (status, done) = app
            .call(
                "PATCH",
                &path,
                Some(&zone),
                Some(json!({"version": 1, "rectified_on": "2025-10-10"})),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{engine}: {done}");
        let (_, listed) = app
            .call(
                "GET",
                "/api/v1/chemical-findings?year=2025&open=1",
                Some(&city),
                None,
            )
            .await;
        assert_eq!(listed["total"], 0, "{engine}: {listed}");
        let (_, all) = app
            .call(
                "GET",
                "/api/v1/chemical-findings?year=2025",
                Some(&zone),
                None,
            )
            .await;
        let approval = all["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["item"] == "1.1")
            .unwrap();
        let (status, _) = app
            .call(
                "PATCH",
                &format!("/api/v1/chemical-findings/{}", approval["id"]),
                Some(&zone),
                Some(json!({"version": 1, "score": "0", "problem": "未经省级人民政府认定"})),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{engine}");
        let (_, r) = app.call("GET", report, Some(&city), None).await;
        assert_eq!(r["zones"][0]["assessment"]["grade"], "A", "{engine}: {r}");
        assert_eq!(r["zones"][0]["assessment"]["vetoed"], true, "{engine}");

        // The province replaces the checklist; the city cannot, and thresholds out of order are
        // refused.
        let mut mine = serde_json::to_value(&checklist).unwrap();
        mine["thresholds"] = json!({"d": 900, "c": 800, "b": 600});
        let (status, _) = app
            .call(
                "PUT",
                "/api/v1/settings/chemical-checklist",
                Some(&city),
                Some(mine.clone()),
            )
            .await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{engine}");
        let mut wrong = mine.clone();
        wrong["thresholds"] = json!({"d": 600, "c": 800, "b": 900});
        let (status, refused) = app
            .call(
                "PUT",
                "/api/v1/settings/chemical-checklist",
                Some(&province),
                Some(wrong),
            )
            .await;
        assert_eq!(
            status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{engine}: {refused}"
        );
        let (status, _) = app
            .call(
                "PUT",
                "/api/v1/settings/chemical-checklist",
                Some(&province),
                Some(mine),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{engine}");
        let (_, got) = app
            .call(
                "GET",
                "/api/v1/settings/chemical-checklist",
                Some(&zone),
                None,
            )
            .await;
        assert_eq!(got["thresholds"]["d"], 900, "{engine}: {got}");
    }
}
