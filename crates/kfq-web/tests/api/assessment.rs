//! 目标任务 and 综合考核 through the API: the city sets its zone's targets (the zone cannot set
//! its own; an unknown indicator is refused) and the zone enters its monthly figure (an
//! indicator kfq counts itself refused); its progress counts the year to date against the
//! target; the ranking weighs each indicator against the whole province, and changes when the
//! province changes the weights — which a city cannot.

use axum::http::StatusCode;
use serde_json::{json, Value};

use crate::App;

fn zone_of<'a>(ranking: &'a Value, name: &str) -> &'a Value {
    ranking["classes"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|c| c["zones"].as_array().into_iter().flatten())
        .find(|z| z["zone"] == name)
        .unwrap_or(&Value::Null)
}

#[tokio::test]
async fn targets_and_monthly_figures_give_progress_and_a_ranking_weighed_as_the_province_says() {
    for app in App::both().await {
        let engine = app.engine();
        let zone = app.sign_in("lljkq").await;
        let city = app.sign_in("lvliang").await;
        let province = app.sign_in("province").await;
        let other_city = app.sign_in("taiyuan").await;

        let (status, _) = app
            .call(
                "POST",
                "/api/v1/targets",
                Some(&zone),
                Some(json!({"year": "2024", "indicator": "签约额", "value": "1"})),
            )
            .await;
        assert_eq!(
            status,
            StatusCode::FORBIDDEN,
            "{engine}: a zone sets no target of its own"
        );
        let (status, refused) = app
            .call(
                "POST",
                "/api/v1/targets",
                Some(&city),
                Some(
                    json!({"zone": "吕梁经济技术开发区", "year": "2024", "indicator": "gdp",
                            "value": "1"}),
                ),
            )
            .await;
        assert_eq!(
            status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{engine}: {refused}"
        );
        assert_eq!(refused["errors"][0]["field"], "indicator", "{engine}");
        for (indicator, value) in [("签约额", "100000"), ("industrial_added_value", "1200")] {
            let (status, made) = app
                .call(
                    "POST",
                    "/api/v1/targets",
                    Some(&city),
                    Some(json!({"zone": "吕梁经济技术开发区", "year": "2024",
                                "indicator": indicator, "value": value})),
                )
                .await;
            assert_eq!(status, StatusCode::CREATED, "{engine}: {made}");
        }
        let (status, refused) = app
            .call(
                "POST",
                "/api/v1/indicator-values",
                Some(&zone),
                Some(json!({"month": "2024-03", "indicator": "signed_amount", "value": "5"})),
            )
            .await;
        assert_eq!(
            status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{engine}: kfq counts the amount signed itself: {refused}"
        );
        for (month, value) in [("2024-02", "300"), ("2024-03", "450.5")] {
            let (status, made) = app
                .call(
                    "POST",
                    "/api/v1/indicator-values",
                    Some(&zone),
                    Some(json!({"month": month, "indicator": "规上工业增加值", "value": value})),
                )
                .await;
            assert_eq!(status, StatusCode::CREATED, "{engine}: {made}");
        }

        // LL-1 (5亿) was signed in January: half the 10亿 target; 750.5 of the 1200 entered.
        let (status, p) = app
            .call(
                "GET",
                "/api/v1/reports/targets?zone=吕梁经济技术开发区&year=2024",
                Some(&city),
                None,
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{engine}: {p}");
        let of = |code: &str| {
            p["targets"]
                .as_array()
                .unwrap()
                .iter()
                .find(|t| t["indicator"]["code"] == code)
                .cloned()
                .unwrap_or(Value::Null)
        };
        let march = |t: &Value| t["months"][2].clone();
        assert_eq!(
            march(&of("signed_amount"))["actual"],
            "50000",
            "{engine}: {p}"
        );
        assert_eq!(
            march(&of("signed_amount"))["completion"],
            "0.5000",
            "{engine}"
        );
        assert_eq!(
            march(&of("industrial_added_value"))["actual"],
            "750.5",
            "{engine}"
        );
        assert_eq!(
            march(&of("industrial_added_value"))["behind"],
            false,
            "{engine}"
        );
        let (status, _) = app
            .call(
                "GET",
                "/api/v1/reports/targets?zone=吕梁经济技术开发区&year=2024",
                Some(&other_city),
                None,
            )
            .await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{engine}: not 太原's zone");

        // Ranked on the amount signed alone, against the whole province: 太原's 中北 signed the
        // most (80000, no target: 100 points), 吕梁经开区 reached half its 100000 target (50),
        // 孝义 has no target and signed 3/8 of the province's best (37.5). 吕梁's city sees its
        // two zones in their provincial places.
        let scheme = json!({"classes": [{"name": "全部开发区", "indicators": [
                                {"indicator": "signed_amount", "weight": 100}]}],
                            "cap_percent": 120});
        let (status, _) = app
            .call(
                "PUT",
                "/api/v1/settings/assessment",
                Some(&city),
                Some(scheme.clone()),
            )
            .await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{engine}");
        let (status, refused) = app
            .call(
                "PUT",
                "/api/v1/settings/assessment",
                Some(&province),
                Some(json!({"classes": [{"name": "x", "indicators": [{"indicator": "gdp", "weight": 1}]}],
                            "cap_percent": 120})),
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
                "/api/v1/settings/assessment",
                Some(&province),
                Some(scheme),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{engine}");
        let (status, r) = app
            .call(
                "GET",
                "/api/v1/reports/assessment?month=2024-03",
                Some(&city),
                None,
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{engine}: {r}");
        let (ll, xy) = (
            zone_of(&r, "吕梁经济技术开发区"),
            zone_of(&r, "孝义经济开发区"),
        );
        assert_eq!(
            (&ll["total"], &ll["rank"]),
            (&json!("50"), &json!(2)),
            "{engine}: {r}"
        );
        assert_eq!(
            (&xy["total"], &xy["rank"]),
            (&json!("37.5"), &json!(3)),
            "{engine}: {r}"
        );
        assert!(
            zone_of(&r, "中北高新区").is_null(),
            "{engine}: not 吕梁's to see"
        );
        let (_, theirs) = app
            .call(
                "GET",
                "/api/v1/reports/assessment?month=2024-03",
                Some(&other_city),
                None,
            )
            .await;
        assert!(
            zone_of(&theirs, "吕梁经济技术开发区").is_null(),
            "{engine}: {theirs}"
        );
    }
}
