//! Signing in and out, filters, and two people editing the same project.

use axum::http::StatusCode;
use serde_json::json;

use crate::{App, PASSWORD};

#[tokio::test]
async fn sign_in_sign_out_and_tokens() {
    for app in App::both().await {
        let (status, body) = app
            .call(
                "POST",
                "/api/v1/session",
                None,
                Some(json!({"username": "lvliang", "password": "wrong"})),
            )
            .await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{}", app.engine());
        let (_, unknown) = app
            .call(
                "POST",
                "/api/v1/session",
                None,
                Some(json!({"username": "nobody", "password": "wrong"})),
            )
            .await;
        assert_eq!(
            body, unknown,
            "a wrong password and an unknown user are answered alike"
        );

        let token = app.sign_in("lvliang").await;
        let (status, me) = app.call("GET", "/api/v1/me", Some(&token), None).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(me["user"]["role"], "city");
        assert_eq!(me["user"]["scope"]["code"], "141100");
        let (status, _) = app
            .call("DELETE", "/api/v1/session", Some(&token), None)
            .await;
        assert_eq!(status, StatusCode::NO_CONTENT);
        let (status, _) = app.call("GET", "/api/v1/me", Some(&token), None).await;
        assert_eq!(
            status,
            StatusCode::UNAUTHORIZED,
            "signed out means signed out"
        );

        let operator = kfq_app::Actor::operator("t", kfq_core::Lang::Zh);
        let api_token = kfq_app::users::create_token(&app.db.db, &operator, "lvliang", "script")
            .await
            .unwrap();
        let (status, page) = app
            .call("GET", "/api/v1/projects", Some(&api_token), None)
            .await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(page["total"], 2);

        let session = app.sign_in("lljkq").await;
        let change = json!({"old": PASSWORD, "new": "short"});
        let (status, body) = app
            .call("POST", "/api/v1/me/password", Some(&session), Some(change))
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        let change = json!({"old": PASSWORD, "new": "Another-pass-9"});
        let (status, _) = app
            .call("POST", "/api/v1/me/password", Some(&session), Some(change))
            .await;
        assert_eq!(status, StatusCode::NO_CONTENT);
        let (status, _) = app
            .call(
                "POST",
                "/api/v1/session",
                None,
                Some(json!({"username": "lljkq", "password": "Another-pass-9"})),
            )
            .await;
        assert_eq!(status, StatusCode::OK);
    }
}

#[tokio::test]
async fn the_list_filters_sorts_and_pages() {
    for app in App::both().await {
        let token = app.sign_in("province").await;
        let (_, page) = app
            .call("GET", "/api/v1/projects?sort=-amount", Some(&token), None)
            .await;
        let codes: Vec<&str> = page["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["code"].as_str().unwrap())
            .collect();
        assert_eq!(codes, ["TY-1", "LL-1", "XY-1"], "{}", app.engine());
        assert_eq!(page["total_investment_wan"], "160000");
        let first = &page["items"][0];
        for key in [
            "id",
            "version",
            "stage",
            "city",
            "code",
            "name",
            "zone",
            "total_investment_wan",
            "signed_on",
            "strategic_emerging",
        ] {
            assert!(first.get(key).is_some(), "{key}");
        }
        assert_eq!(first["city"], "140100");
        assert_eq!(first["stage"], "started");

        // Each filter, as a clerk would combine them, and the projects it must give.
        let cases: &[(&str, &[&str], &str)] = &[
            ("city=141100&stage=signed", &["XY-1"], "a city and a stage"),
            ("q=%E6%B0%A2%E8%83%BD", &["LL-1"], "text search finds 氢能"),
            ("q=qnxm", &["LL-1"], "pinyin initials find 氢能项目"),
            ("min_wan=40000&max_wan=60000", &["LL-1"], "an amount range"),
            ("per_page=2&page=2&sort=code", &["XY-1"], "the second page"),
            (
                "stuck=signed_not_landed",
                &["XY-1"],
                "signed 2024-02-01 and never landed",
            ),
            (
                "reported=2024-03",
                &["LL-1"],
                "LL-1 alone reported in 2024-03",
            ),
            (
                "round=2024-1..2024-4&batch=sign&milestone=started_on&sort=code",
                &["LL-1", "TY-1"],
                "the signing batch's projects that have started",
            ),
        ];
        for (query, expected, why) in cases {
            let uri = format!("/api/v1/projects?{query}");
            let (_, page) = app.call("GET", &uri, Some(&token), None).await;
            let codes: Vec<&str> = page["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|p| p["code"].as_str().unwrap())
                .collect();
            assert_eq!(codes, *expected, "{} {why}", app.engine());
        }
        let (status, _) = app
            .call("GET", "/api/v1/projects?stuck=lost", Some(&token), None)
            .await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        let (status, body) = app
            .call("GET", "/api/v1/projects?sort=height", Some(&token), None)
            .await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert!(body["error"].as_str().unwrap().contains("sort"));
    }
}

#[tokio::test]
async fn the_second_save_from_the_same_version_is_refused_with_what_changed() {
    for app in App::both().await {
        let id = app.project_id("LL-1").await;
        let uri = format!("/api/v1/projects/{id}");
        let zone_clerk = app.sign_in("lljkq").await;
        let city_clerk = app.sign_in("lvliang").await;
        let (_, seen_by_zone) = app.call("GET", &uri, Some(&zone_clerk), None).await;
        let (_, seen_by_city) = app.call("GET", &uri, Some(&city_clerk), None).await;
        let version = seen_by_zone["version"].as_i64().unwrap();
        assert_eq!(seen_by_city["version"].as_i64().unwrap(), version);

        let (status, saved) = app
            .call(
                "PATCH",
                &uri,
                Some(&zone_clerk),
                Some(json!({"version": version, "total_investment_wan": "52000"})),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{} {saved}", app.engine());
        assert_eq!(saved["version"].as_i64(), Some(version + 1));

        let (status, refused) = app
            .call(
                "PATCH",
                &uri,
                Some(&city_clerk),
                Some(json!({"version": version, "name": "城市改的名字"})),
            )
            .await;
        assert_eq!(status, StatusCode::CONFLICT);
        assert!(refused["error"].as_str().unwrap().contains("已被他人修改"));
        assert_eq!(refused["current"]["total_investment_wan"], "52000");
        let change = &refused["changes"][0];
        assert_eq!(
            (change["field"].as_str(), change["by"].as_str()),
            (Some("total_investment_wan"), Some("lljkq"))
        );
        assert_eq!(
            (change["from"].as_str(), change["to"].as_str()),
            (Some("50000"), Some("52000"))
        );

        let stale = format!("\"{version}\"");
        let (status, _) = app
            .call_with(
                "PATCH",
                &uri,
                Some(&city_clerk),
                Some(json!({"name": "城市改的名字"})),
                &[("if-match", &stale)],
            )
            .await;
        assert_eq!(status, StatusCode::PRECONDITION_FAILED);

        let (_, project) = app.call("GET", &uri, Some(&city_clerk), None).await;
        assert_eq!(
            project["name"], "吕梁经开区氢能项目",
            "the refused save changed nothing"
        );
    }
}

#[tokio::test]
async fn a_patch_breaking_a_rule_names_each_field() {
    for app in App::both().await {
        let id = app.project_id("LL-1").await;
        let uri = format!("/api/v1/projects/{id}");
        let token = app.sign_in("lljkq").await;
        let patch = json!({"version": 1, "started_on": "2023-01-01", "total_investment_wan": "-5", "colour": "red"});
        let (status, body) = app.call("PATCH", &uri, Some(&token), Some(patch)).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{}", app.engine());
        let fields: Vec<&str> = body["errors"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["field"].as_str().unwrap())
            .collect();
        assert!(
            fields.contains(&"total_investment_wan") && fields.contains(&"colour"),
            "{fields:?}"
        );
        assert!(
            fields.contains(&"started_on"),
            "开工 before 签约 is named: {fields:?}"
        );

        // Moving 签约 after the round's quarter would break the project's entry in 2024-1.
        let patch = json!({"version": 1, "signed_on": "2024-04-01", "started_on": "2024-05-01"});
        let (status, body) = app.call("PATCH", &uri, Some(&token), Some(patch)).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            body["errors"][0]["message"]
                .as_str()
                .unwrap()
                .contains("已列入2024年第一次签约一批"),
            "{body}"
        );
        let (status, body) = app
            .call("PATCH", &uri, Some(&token), Some(json!({"name": "x"})))
            .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "no version: {body}");
    }
}

#[tokio::test]
async fn a_body_that_is_not_json_or_not_its_shape_is_refused_in_the_callers_words() {
    let app = App::both().await.remove(0);
    let token = app.sign_in("lljkq").await;
    let json = Some("application/json");
    for (kind, body, status, says) in [
        (json, "{not json", 400, "请求体不是有效的 JSON"),
        (None, "{}", 415, "Content-Type: application/json"),
        (json, r#"{"round": 2024}"#, 422, "请求体的字段不符合要求"),
    ] {
        let path = if status == 422 {
            "/api/v1/rounds"
        } else {
            "/api/v1/projects"
        };
        let (got, text) = app.call_text("POST", path, Some(&token), kind, body).await;
        assert_eq!(got.as_u16(), status, "{body}: {text}");
        let answer: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert!(answer["error"].as_str().unwrap().contains(says), "{text}");
    }
}

#[tokio::test]
async fn a_nul_character_in_an_address_or_body_is_refused_on_both_engines() {
    for app in App::both().await {
        let engine = app.engine();
        let token = app.sign_in("province").await;
        let id = app.project_id("LL-1").await;
        let json = Some("application/json");
        let form = Some("application/x-www-form-urlencoded");
        let patch = format!("/api/v1/projects/{id}");
        for (method, path, kind, body) in [
            (
                "PATCH",
                patch.as_str(),
                json,
                r#"{"version":1,"chain":"氢\u0000能"}"#,
            ),
            ("GET", "/api/v1/audit?user=%00", None, ""),
            ("GET", "/api/v1/projects?q=a%00b", None, ""),
            (
                "POST",
                "/checks/dismiss",
                form,
                "rule=duplicate_project&projects=LL-1&reason=%00",
            ),
        ] {
            let (status, text) = app.call_text(method, path, Some(&token), kind, body).await;
            assert_eq!(status.as_u16(), 400, "{engine}: {method} {path}: {text}");
            assert!(text.contains("NUL"), "{engine}: {text}");
        }
        let (_, project) = app.call("GET", &patch, Some(&token), None).await;
        assert_eq!(project["version"], 1, "{engine}: nothing changed");
    }
}

/// The list a clerk exports is laid out as he would lay it out by hand — title, unit note, the
/// header on the third row, amounts as numbers and days as dates, a 合计 row — and a name that
/// starts with `=` stays text, never a formula.
#[tokio::test]
async fn the_exported_list_is_a_clerks_workbook() {
    for app in App::both().await {
        let engine = app.engine();
        let token = app.sign_in("province").await;
        let id = app.project_id("XY-1").await;
        let (status, body) = app
            .call(
                "PATCH",
                &format!("/api/v1/projects/{id}"),
                Some(&token),
                Some(json!({"version": 1, "name": "=1+1碳纤维项目"})),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{engine}: {body}");
        let (status, bytes) = app.download("/projects/export.xlsx", &token).await;
        assert_eq!(status, StatusCode::OK, "{engine}");
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("清单.xlsx");
        std::fs::write(&file, &bytes).unwrap();
        let sheets = kfq_ledger::workbook::read_file(&file).unwrap();
        let rows: Vec<Vec<String>> = sheets[0]
            .rows
            .iter()
            .map(|r| r.iter().map(kfq_ledger::Cell::text).collect())
            .collect();
        assert_eq!(rows[0][0], "项目清单", "{engine}");
        assert_eq!(rows[1][0], "单位：万元", "{engine}");
        let header = &rows[2];
        let amount = header.iter().position(|h| h == "总投资（万元）");
        let amount = amount.unwrap_or_else(|| panic!("{engine}: {header:?}"));
        let name = header.iter().position(|h| h == "项目名称").unwrap();
        let signed = header.iter().position(|h| h == "签约日期").unwrap();
        let xy = rows.iter().find(|r| r[0] == "XY-1").unwrap();
        assert_eq!(
            xy[name], "=1+1碳纤维项目",
            "{engine}: a name, not a formula"
        );
        assert_eq!(xy[amount], "30000", "{engine}");
        let xy_cells = sheets[0]
            .rows
            .iter()
            .find(|r| r[0].text() == "XY-1")
            .unwrap();
        assert!(
            matches!(xy_cells[signed], kfq_ledger::Cell::Date(d) if d.to_string() == "2024-02-01"),
            "{engine}: {:?}",
            xy_cells[signed]
        );
        assert!(
            matches!(xy_cells[amount], kfq_ledger::Cell::Number(_)),
            "{engine}"
        );
        let total = rows.iter().find(|r| r[0] == "合计").unwrap();
        assert_eq!(total[1], "3 个项目", "{engine}");
        assert_eq!(total[amount], "160000", "{engine}");
        // Nothing in the file is a formula: the sheet's XML holds no <f> element.
        let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
        let mut xml = String::new();
        std::io::Read::read_to_string(
            &mut zip.by_name("xl/worksheets/sheet1.xml").unwrap(),
            &mut xml,
        )
        .unwrap();
        assert!(!xml.contains("<f>"), "{engine}");
    }
}
