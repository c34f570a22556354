//! 开放数据 through the API: the caller's region's projects as an OC4IDS project package — each
//! with its status, milestones met and monthly investment — and nothing of another region; the
//! export is recorded in the audit trail.

use axum::http::StatusCode;
use serde_json::Value;

use crate::App;

#[tokio::test]
async fn the_region_publishes_its_own_projects_as_oc4ids() {
    for app in App::both().await {
        let engine = app.engine();
        let city = app.sign_in("lvliang").await;
        let province = app.sign_in("province").await;

        let (status, bytes) = app.download("/api/v1/export/oc4ids", &city).await;
        assert_eq!(status, StatusCode::OK, "{engine}");
        let package: Value = serde_json::from_slice(&bytes).unwrap();
        assert_eq!(package["version"], "0.9");
        let projects = package["projects"].as_array().unwrap();
        let ids: Vec<&str> = projects.iter().map(|p| p["id"].as_str().unwrap()).collect();
        assert_eq!(
            ids,
            ["oc4ids-kfq-LL-1", "oc4ids-kfq-XY-1"],
            "{engine}: 吕梁's only"
        );
        let ll = &projects[0];
        assert_eq!(
            ll["status"], "implementation",
            "{engine}: started 2024-03-01"
        );
        assert_eq!(ll["milestones"][1]["code"], "commencement", "{engine}");
        assert_eq!(
            ll["metrics"][0]["observations"][0]["value"]["amount"], 12_000_000i64,
            "{engine}: 1200 万元 in March 2024"
        );
        assert_eq!(
            projects[1]["status"], "identification",
            "{engine}: signed, no more"
        );
        let (status, _) = app
            .download("/api/v1/export/oc4ids?region=140100", &city)
            .await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{engine}: not 太原's");
        let (_, all) = app.download("/api/v1/export/oc4ids", &province).await;
        let all: Value = serde_json::from_slice(&all).unwrap();
        assert_eq!(all["projects"].as_array().unwrap().len(), 3, "{engine}");
        let audit = kfq_store::audit_of_kind(&app.db.db, "oc4ids", None, None)
            .await
            .unwrap();
        assert_eq!(audit.len(), 2, "{engine}: each export recorded");
    }
}
