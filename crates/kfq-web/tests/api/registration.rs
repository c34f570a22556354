//! 入库入统 through the API: a started project of 500 万元 or more that is not registered is on the
//! month's 应入未入 list until its zone records it registered (found by its code alone); then,
//! without a figure for the month, it is 有库无数, and the monthly overview counts its figure as
//! a registered project's. Only the province changes the rule; 太原 sees none of it.

use axum::http::StatusCode;
use serde_json::{json, Value};

use crate::App;

fn codes(list: &Value) -> Vec<String> {
    list.as_array()
        .map(|l| {
            l.iter()
                .map(|p| p["code"].as_str().unwrap_or_default().to_string())
                .collect()
        })
        .unwrap_or_default()
}

#[tokio::test]
async fn a_qualifying_project_is_listed_until_registered_and_its_figures_count_as_registered() {
    for app in App::both().await {
        let engine = app.engine();
        let zone = app.sign_in("lljkq").await;
        let city = app.sign_in("lvliang").await;
        let province = app.sign_in("province").await;
        let other_city = app.sign_in("taiyuan").await;

        // LL-1 (5亿, started 2024-03-01) reported 1200 in March 2024 and nothing in April.
        let march = "/api/v1/reports/registration?month=2024-03";
        let (status, r) = app.call("GET", march, Some(&city), None).await;
        assert_eq!(status, StatusCode::OK, "{engine}: {r}");
        assert_eq!(codes(&r["should_register"]), ["LL-1"], "{engine}: {r}");
        assert_eq!(r["figures"]["unregistered_wan"], "1200", "{engine}: {r}");

        let (status, refused) = app
            .call(
                "POST",
                "/api/v1/registrations",
                Some(&zone),
                Some(json!({"project": "LL-1", "status": "registered"})),
            )
            .await;
        assert_eq!(
            status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{engine}: {refused}"
        );
        assert_eq!(refused["errors"][0]["field"], "registered_on", "{engine}");
        let (status, made) = app
            .call(
                "POST",
                "/api/v1/registrations",
                Some(&zone),
                Some(
                    json!({"project": "LL-1", "status": "已入库", "applied_on": "2024-03-10",
                            "registered_on": "2024-03-28", "stats_code": "1411002024000001"}),
                ),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{engine}: {made}");
        assert_eq!(
            made["registration"]["zone"], "吕梁经济技术开发区",
            "{engine}"
        );
        let (status, _) = app
            .call(
                "POST",
                "/api/v1/registrations",
                Some(&zone),
                Some(json!({"project": "TY-1", "status": "applied"})),
            )
            .await;
        assert_eq!(
            status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{engine}: 太原's project is none of the zone's"
        );

        let (_, r) = app.call("GET", march, Some(&city), None).await;
        assert!(codes(&r["should_register"]).is_empty(), "{engine}: {r}");
        assert_eq!(
            (
                &r["figures"]["registered_wan"],
                &r["figures"]["unregistered_wan"]
            ),
            (&json!("1200"), &json!("0")),
            "{engine}: {r}"
        );
        let (_, april) = app
            .call(
                "GET",
                "/api/v1/reports/registration?month=2024-04",
                Some(&city),
                None,
            )
            .await;
        assert_eq!(codes(&april["no_figures"]), ["LL-1"], "{engine}: {april}");
        let (_, overview) = app
            .call(
                "GET",
                "/api/v1/monthly?month=2024-03&region=141100",
                Some(&city),
                None,
            )
            .await;
        assert_eq!(overview["registered_wan"], "1200", "{engine}: {overview}");
        let (_, theirs) = app.call("GET", march, Some(&other_city), None).await;
        assert_eq!(theirs["figures"]["registered"], 0, "{engine}: {theirs}");

        // The province raises the threshold above LL-1: it no longer qualifies.
        let rule = json!({"threshold_wan": "60000", "needs_start": true});
        let (status, _) = app
            .call(
                "PATCH",
                "/api/v1/settings/registration",
                Some(&zone),
                Some(rule.clone()),
            )
            .await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{engine}");
        let (status, bad) = app
            .call(
                "PATCH",
                "/api/v1/settings/registration",
                Some(&province),
                Some(json!({"threshold_wan": "-1"})),
            )
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{engine}: {bad}");
        let (status, set) = app
            .call(
                "PATCH",
                "/api/v1/settings/registration",
                Some(&province),
                Some(rule),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{engine}: {set}");
        let (_, r) = app.call("GET", march, Some(&city), None).await;
        assert_eq!(r["figures"]["qualifying"], 0, "{engine}: {r}");
        let (_, got) = app
            .call("GET", "/api/v1/settings/registration", Some(&city), None)
            .await;
        assert_eq!(got["threshold_wan"], "60000", "{engine}: {got}");
    }
}
