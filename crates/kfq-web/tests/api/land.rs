//! 标准地 and 承诺制 through the API: the zone records a parcel and sells it to its project (a
//! project of another zone, a sale without its day, a bad plot ratio are refused by field), the
//! figures count it and find the project short of the intensity; a commitment is filed, found
//! kept only with the day of the check, and counted — all in the caller's region only.

use axum::http::StatusCode;
use serde_json::json;

use crate::{fields, App};

#[tokio::test]
async fn parcels_are_sold_to_their_zones_projects_and_checked_against_their_indicators() {
    for app in App::both().await {
        let engine = app.engine();
        let zone = app.sign_in("lljkq").await;
        let other_city = app.sign_in("taiyuan").await;
        let agent = app.sign_in("lljkq.agent").await;

        let (status, refused) = app
            .call(
                "POST",
                "/api/v1/parcels",
                Some(&zone),
                Some(
                    json!({"code": "LL-2024-01", "area_mu": "0", "plot_ratio": "1.234",
                            "project": "TY-1", "allocated_on": "2024-03-01"}),
                ),
            )
            .await;
        assert_eq!(
            status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{engine}: {refused}"
        );
        assert_eq!(
            fields(&refused),
            ["area_mu", "plot_ratio", "project"],
            "{engine}: 太原's project is not one of the zone's"
        );
        let (status, refused) = app
            .call(
                "POST",
                "/api/v1/parcels",
                Some(&zone),
                Some(json!({"code": "LL-2024-01", "area_mu": "100", "project": "LL-1"})),
            )
            .await;
        assert_eq!(
            status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{engine}: {refused}"
        );
        assert_eq!(fields(&refused), ["allocated_on"], "{engine}");
        // 5亿 over 200 亩 is 250 万元/亩, short of the 300 the parcel asks.
        let parcel = json!({"code": "LL-2024-01", "location": "园区东区", "area_mu": "200",
                            "intensity_wan": "300", "output_wan": "400", "plot_ratio": "1.2",
                            "project": "LL-1", "allocated_on": "2024-03-01"});
        let (status, _) = app
            .call(
                "POST",
                "/api/v1/parcels",
                Some(&agent),
                Some(parcel.clone()),
            )
            .await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{engine}");
        let (status, made) = app
            .call("POST", "/api/v1/parcels", Some(&zone), Some(parcel))
            .await;
        assert_eq!(status, StatusCode::CREATED, "{engine}: {made}");
        assert_eq!(made["parcel"]["project"], "LL-1");
        assert_eq!(made["parcel"]["area_mu"], "200");
        assert_eq!(made["parcel"]["intensity_wan"], "300");
        let id = made["parcel"]["id"].as_i64().unwrap();
        let (status, _) = app
            .call(
                "POST",
                "/api/v1/parcels",
                Some(&zone),
                Some(json!({"code": "LL-2024-02", "area_mu": "55.5"})),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{engine}");

        let report = "/api/v1/reports/land?from=2024-01-01&to=2024-12-31";
        let (status, r) = app.call("GET", report, Some(&zone), None).await;
        assert_eq!(status, StatusCode::OK, "{engine}: {r}");
        assert_eq!(
            (
                &r["land"]["sold"],
                &r["land"]["sold_area"],
                &r["land"]["available"]
            ),
            (&json!(1), &json!("200"), &json!(1)),
            "{engine}: {r}"
        );
        assert_eq!(r["land"]["short"], 1, "{engine}: {r}");
        assert_eq!(r["short"][0]["code"], "LL-2024-01");
        assert_eq!(r["short"][0]["compliance"]["intensity"], false);
        // Corrected to what the project reaches, it is no longer short.
        let path = format!("/api/v1/parcels/{id}");
        let (status, fixed) = app
            .call(
                "PATCH",
                &path,
                Some(&zone),
                Some(json!({"version": 1, "intensity_wan": "250"})),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{engine}: {fixed}");
        let (_, r) = app.call("GET", report, Some(&zone), None).await;
        assert_eq!(r["land"]["short"], 0, "{engine}: {r}");
        let (status, _) = app.call("GET", &path, Some(&other_city), None).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{engine}");
        let (_, theirs) = app.call("GET", report, Some(&other_city), None).await;
        assert_eq!(theirs["land"]["sold"], 0, "{engine}: {theirs}");
        let (_, unsold) = app
            .call("GET", "/api/v1/parcels?sold=no", Some(&zone), None)
            .await;
        assert_eq!(unsold["total"], 1, "{engine}: {unsold}");
    }
}

#[tokio::test]
async fn commitments_are_filed_checked_with_their_day_and_counted() {
    for app in App::both().await {
        let engine = app.engine();
        let zone = app.sign_in("lljkq").await;
        let city = app.sign_in("lvliang").await;

        let (status, refused) = app
            .call(
                "POST",
                "/api/v1/commitments",
                Some(&zone),
                Some(
                    json!({"project": "LL-1", "item": "施工许可", "filed_on": "2024-02-01",
                            "due_on": "2024-01-01", "result": "kept"}),
                ),
            )
            .await;
        assert_eq!(
            status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{engine}: {refused}"
        );
        assert_eq!(fields(&refused), ["due_on", "verified_on"], "{engine}");
        let (status, made) = app
            .call(
                "POST",
                "/api/v1/commitments",
                Some(&zone),
                Some(
                    json!({"project": "LL-1", "item": "施工许可", "filed_on": "2024-02-01",
                            "content": "竣工前提交竣工验收材料", "due_on": "2024-05-01"}),
                ),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{engine}: {made}");
        assert_eq!(made["commitment"]["result"], "pending");
        assert_eq!(
            made["commitment"]["overdue"], true,
            "{engine}: past due, unchecked"
        );
        let id = made["commitment"]["id"].as_i64().unwrap();
        let (status, twice) = app
            .call(
                "POST",
                "/api/v1/commitments",
                Some(&city),
                Some(
                    json!({"zone": "吕梁经济技术开发区", "project": "LL-1", "item": "施工许可",
                            "filed_on": "2024-02-01"}),
                ),
            )
            .await;
        assert_eq!(
            status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{engine}: {twice}"
        );

        let report = "/api/v1/reports/land?from=2024-01-01&to=2024-12-31";
        let (_, r) = app.call("GET", report, Some(&city), None).await;
        let c = &r["commitments"];
        assert_eq!(
            (&c["projects"], &c["items"], &c["overdue"], &c["kept"]),
            (&json!(1), &json!(1), &json!(1), &json!(0)),
            "{engine}: {r}"
        );
        let (_, overdue) = app
            .call("GET", "/api/v1/commitments?overdue=1", Some(&city), None)
            .await;
        assert_eq!(overdue["total"], 1, "{engine}: {overdue}");

        let path = format!("/api/v1/commitments/{id}");
        let (status, refused) = app
            .call(
                "PATCH",
                &path,
                Some(&zone),
                Some(json!({"version": 1, "verified_on": "2024-04-20"})),
            )
            .await;
        assert_eq!(
            status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{engine}: {refused}"
        );
        assert_eq!(
            fields(&refused),
            ["result"],
            "{engine}: a day needs its finding"
        );
        let (status, kept) = app
            .call(
                "PATCH",
                &path,
                Some(&zone),
                Some(json!({"version": 1, "verified_on": "2024-04-20", "result": "已履诺"})),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{engine}: {kept}");
        assert_eq!(kept["commitment"]["overdue"], false);
        let (_, r) = app.call("GET", report, Some(&city), None).await;
        assert_eq!(
            (&r["commitments"]["kept"], &r["commitments"]["overdue"]),
            (&json!(1), &json!(0)),
            "{engine}: {r}"
        );
        let (status, _) = app
            .call("GET", "/api/v1/commitments?result=maybe", Some(&city), None)
            .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{engine}");
    }
}
