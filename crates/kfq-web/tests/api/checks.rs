//! Duplicates warned of as they are entered, and findings set aside with a reason.

use axum::http::StatusCode;
use serde_json::{json, Value};

use crate::App;

fn rules(findings: &Value) -> Vec<(String, Vec<String>)> {
    findings
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["rule"].as_str().unwrap().to_string(),
                f["projects"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|p| p.as_str().unwrap().to_string())
                    .collect(),
            )
        })
        .collect()
}

#[tokio::test]
async fn a_project_entered_twice_is_warned_of_and_the_city_sets_it_aside_with_a_reason() {
    for app in App::both().await {
        let zone = app.sign_in("lljkq").await;
        // LL-1 is 吕梁经开区氢能项目 of 50000万元 in the same zone: the same project again.
        let again = json!({"zone": "吕梁经济技术开发区", "name": "吕梁经开区氢能建设项目",
                           "category": "industrial", "total_investment_wan": "51000"});
        let (status, created) = app
            .call("POST", "/api/v1/projects", Some(&zone), Some(again))
            .await;
        assert_eq!(status, StatusCode::CREATED, "{} {created}", app.engine());
        let code = created["code"].as_str().unwrap().to_string();
        assert_eq!(
            rules(&created["warnings"]),
            [(
                "duplicate_project".to_string(),
                vec![code.clone(), "LL-1".to_string()]
            )],
            "{created}"
        );
        assert_eq!(created["warnings"][0]["score"], "1.00");
        let evidence = created["warnings"][0]["evidence"].as_str().unwrap();
        assert!(evidence.contains("吕梁经开区氢能项目"), "{evidence}");

        // A different phase is a different project: no warning.
        let phase = json!({"zone": "吕梁经济技术开发区", "name": "吕梁经开区氢能二期项目",
                           "category": "industrial", "total_investment_wan": "50000"});
        let (_, second) = app
            .call("POST", "/api/v1/projects", Some(&zone), Some(phase))
            .await;
        assert_eq!(second["warnings"], json!([]), "{second}");

        // XY-1 lies in 孝义, outside the zone's sight: the warning says one exists, not which.
        let other = json!({"zone": "吕梁经济技术开发区", "name": "孝义碳纤维项目",
                           "category": "industrial", "total_investment_wan": "30500"});
        let (_, copy) = app
            .call("POST", "/api/v1/projects", Some(&zone), Some(other))
            .await;
        let copy_code = copy["code"].as_str().unwrap().to_string();
        assert_eq!(
            rules(&copy["warnings"]),
            [("duplicate_project".to_string(), vec![copy_code.clone()])]
        );
        let hidden = copy["warnings"][0]["evidence"].as_str().unwrap();
        assert!(
            hidden.contains("辖区外") && !hidden.contains("孝义经济开发区"),
            "{hidden}"
        );

        // The city sees both pairs, and sets one aside; the zone cannot, the leader may not.
        let city = app.sign_in("lvliang").await;
        let (_, open) = app.call("GET", "/api/v1/checks", Some(&city), None).await;
        let pairs = rules(&open["findings"]);
        let xy = vec![copy_code.clone(), "XY-1".to_string()];
        assert!(
            pairs.contains(&("duplicate_project".into(), xy.clone())),
            "{open}"
        );
        let dismissal = json!({"rule": "duplicate_project", "projects": ["XY-1", copy_code],
                               "reason": "孝义与经开区合作项目，分别统计各自投资部分"});
        let (status, body) = app
            .call(
                "POST",
                "/api/v1/checks/dismissals",
                Some(&zone),
                Some(dismissal.clone()),
            )
            .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
        assert!(body["error"]
            .as_str()
            .unwrap()
            .contains("当前检查结果中没有这条"));
        let leader = app.sign_in("lvliang.leader").await;
        let (status, _) = app
            .call(
                "POST",
                "/api/v1/checks/dismissals",
                Some(&leader),
                Some(dismissal.clone()),
            )
            .await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        let (status, body) = app
            .call(
                "POST",
                "/api/v1/checks/dismissals",
                Some(&city),
                Some(json!({"rule": "duplicate_project", "projects": xy, "reason": "  "})),
            )
            .await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert!(body["error"].as_str().unwrap().contains("理由"), "{body}");

        let (status, body) = app
            .call(
                "POST",
                "/api/v1/checks/dismissals",
                Some(&city),
                Some(dismissal.clone()),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        assert_eq!(body["dismissed"]["by"], "lvliang");
        let (status, _) = app
            .call(
                "POST",
                "/api/v1/checks/dismissals",
                Some(&city),
                Some(dismissal),
            )
            .await;
        assert_eq!(status, StatusCode::CONFLICT, "a finding is set aside once");

        let (_, open) = app.call("GET", "/api/v1/checks", Some(&city), None).await;
        assert!(!rules(&open["findings"]).contains(&("duplicate_project".into(), xy.clone())));
        assert_eq!(open["dismissed"], 1);
        let (_, all) = app
            .call("GET", "/api/v1/checks?all=true", Some(&city), None)
            .await;
        let kept = all["findings"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["dismissed"].is_object())
            .unwrap();
        assert_eq!(
            kept["dismissed"]["reason"],
            "孝义与经开区合作项目，分别统计各自投资部分"
        );
        let audit = kfq_store::audit_of(
            &app.db.db,
            "finding",
            &format!("duplicate_project:{}", xy.join(",")),
        )
        .await
        .unwrap();
        assert_eq!(audit.len(), 1);
        assert_eq!(
            (audit[0].actor.as_str(), audit[0].action.as_str()),
            ("lvliang", "dismiss")
        );

        // The project's warnings no longer carry the pair set aside; the other pair stays.
        let id = copy["id"].as_i64().unwrap();
        let (_, project) = app
            .call("GET", &format!("/api/v1/projects/{id}"), Some(&zone), None)
            .await;
        assert_eq!(project["warnings"], json!([]), "{project}");
        let id = created["id"].as_i64().unwrap();
        let (_, project) = app
            .call("GET", &format!("/api/v1/projects/{id}"), Some(&zone), None)
            .await;
        assert_eq!(rules(&project["warnings"]).len(), 1, "{project}");
    }
}

/// Every number of the round summary and the funnel links to the list of projects that make
/// it, and the list holds exactly that many.
#[tokio::test]
async fn every_reported_number_links_to_the_projects_that_make_it() {
    for app in App::both().await {
        let token = app.sign_in("province").await;
        let (_, summary) = app
            .call("GET", "/api/v1/reports/round/2024-1", Some(&token), None)
            .await;
        let mut followed = 0;
        for row in summary["rows"].as_array().unwrap() {
            let cell = &row["sign"];
            let link = cell["projects"].as_str().unwrap();
            let (status, list) = app.call("GET", link, Some(&token), None).await;
            assert_eq!(status, axum::http::StatusCode::OK, "{link}");
            assert_eq!(list["total"], cell["count"], "{} {link}", app.engine());
            assert_eq!(list["total_investment_wan"], cell["amount_wan"], "{link}");
            followed += cell["count"].as_u64().unwrap();
        }
        assert_eq!(followed, 3, "{summary}");

        let (_, funnel) = app
            .call(
                "GET",
                "/api/v1/reports/funnel?from=2024-1&to=2024-1",
                Some(&token),
                None,
            )
            .await;
        let sign = &funnel["stages"][0];
        for (link, count) in [
            ("cohort_projects", "cohort_count"),
            ("converted_projects", "converted_count"),
        ] {
            let (_, list) = app
                .call("GET", sign[link].as_str().unwrap(), Some(&token), None)
                .await;
            assert_eq!(list["total"], sign[count], "{link}: {sign}");
        }
        assert_eq!(sign["converted_count"], 2, "LL-1 and TY-1 started: {sign}");
    }
}
