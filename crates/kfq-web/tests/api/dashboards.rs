//! The dashboards' questions as JSON, each within the reader's scope and timed in a
//! `Server-Timing` header: the trend of monthly investment and the overview by province.

use axum::http::StatusCode;
use serde_json::json;

use crate::App;

#[tokio::test]
async fn the_trend_and_the_overview_answer_within_scope_with_their_timing() {
    for app in App::both().await {
        let engine = app.engine();
        let province = app.sign_in("province").await;
        let lvliang = app.sign_in("lvliang").await;

        let uri = "/api/v1/reports/trend?months=3&until=2024-04";
        let (status, headers, body) = app.call_raw("GET", uri, Some(&province), None).await;
        assert_eq!(status, StatusCode::OK, "{engine}: {body}");
        let timing = headers["server-timing"].to_str().unwrap();
        assert!(timing.starts_with("app;dur="), "{engine}: {timing}");
        let ms: f64 = timing["app;dur=".len()..].parse().unwrap();
        assert!(ms >= 0.0, "{engine}: {timing}");
        let trend: serde_json::Value = serde_json::from_str(&body).unwrap();
        assert_eq!(
            trend["months"],
            json!(["2024-02", "2024-03", "2024-04"]),
            "{engine}"
        );
        assert_eq!(
            trend["invested_wan"],
            json!(["0", "1200", "800"]),
            "{engine}"
        );
        // 吕梁 sees its own March, not 太原's April.
        let (_, trend) = app.call("GET", uri, Some(&lvliang), None).await;
        assert_eq!(trend["invested_wan"], json!(["0", "1200", "0"]), "{engine}");

        let uri = "/api/v1/reports/overview?round=2024-1&as_of=2024-06-30";
        let (status, headers, body) = app.call_raw("GET", uri, Some(&province), None).await;
        assert_eq!(status, StatusCode::OK, "{engine}: {body}");
        assert!(headers.contains_key("server-timing"), "{engine}");
        let overview: serde_json::Value = serde_json::from_str(&body).unwrap();
        let line = &overview["provinces"][0];
        assert_eq!(
            overview["provinces"].as_array().unwrap().len(),
            1,
            "{engine}"
        );
        assert_eq!(line["region"], "140000", "{engine}");
        assert_eq!(line["name"], "山西省", "{engine}");
        assert_eq!(line["sign"]["count"], 3, "{engine}");
        assert_eq!(line["sign"]["amount_wan"], "160000", "{engine}");
        // 太原's blocker, due 2024-03-31, is overdue on 30 June.
        assert_eq!(line["overdue_blockers"], 1, "{engine}");
        assert_eq!(overview["total"]["overdue_blockers"], 1, "{engine}");
        let (_, overview) = app.call("GET", uri, Some(&lvliang), None).await;
        let line = &overview["provinces"][0];
        assert_eq!(
            (&line["sign"]["count"], &line["sign"]["amount_wan"]),
            (&json!(2), &json!("80000")),
            "{engine}: 吕梁's two zones only"
        );
        assert_eq!(
            line["overdue_blockers"], 0,
            "{engine}: the blocker is 太原's"
        );
        // Before it fell due, nothing was overdue.
        let (_, early) = app
            .call(
                "GET",
                "/api/v1/reports/overview?round=2024-1&as_of=2024-03-31",
                Some(&province),
                None,
            )
            .await;
        assert_eq!(early["total"]["overdue_blockers"], 0, "{engine}");

        for (bad, status) in [
            ("/api/v1/reports/trend?months=0", StatusCode::BAD_REQUEST),
            (
                "/api/v1/reports/trend?until=2024-13",
                StatusCode::BAD_REQUEST,
            ),
            ("/api/v1/reports/overview", StatusCode::BAD_REQUEST),
            (
                "/api/v1/reports/overview?round=2030-1",
                StatusCode::NOT_FOUND,
            ),
        ] {
            let (got, body) = app.call("GET", bad, Some(&province), None).await;
            assert_eq!(got, status, "{engine}: {bad}: {body}");
        }
    }
}
