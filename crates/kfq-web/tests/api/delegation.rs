//! 赋权事项 and 一件事一次办 through the API: the zone records powers and bundles (every wrong
//! field named), takes a power up from the version it saw (a stale change refused), the figures
//! count them as of a day; a book of powers imports all or nothing — a fault names its row and
//! column and writes nothing, a row for a zone outside the caller's region is refused there —
//! and what the page exports imports back unchanged.

use axum::http::StatusCode;
use serde_json::{json, Value};

use crate::{fields, App};

async fn import(app: &App, token: &str, file: &str, body: &str) -> (StatusCode, Value) {
    let uri = format!("/api/v1/books/import?file={}", urlencode(file));
    let (status, text) = app
        .call_text("POST", &uri, Some(token), Some("text/csv"), body)
        .await;
    (status, serde_json::from_str(&text).unwrap_or(Value::Null))
}

fn urlencode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'.' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[tokio::test]
async fn powers_and_bundles_are_recorded_taken_up_and_counted_in_their_region_only() {
    for app in App::both().await {
        let engine = app.engine();
        let zone = app.sign_in("lljkq").await;
        let city = app.sign_in("lvliang").await;
        let other_city = app.sign_in("taiyuan").await;
        let leader = app.sign_in("lvliang.leader").await;

        let (status, refused) = app
            .call(
                "POST",
                "/api/v1/powers",
                Some(&zone),
                Some(
                    json!({"level": "乡级", "name": " ", "granted_on": "2023-06-01",
                            "taken_up_on": "2023-13-01"}),
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
            ["level", "name", "taken_up_on"],
            "{engine}"
        );
        let permit = json!({"level": "市级", "name": "建筑工程施工许可证核发",
                            "code": "141100-C-0001", "granted_on": "2023-02-01"});
        let (status, _) = app
            .call(
                "POST",
                "/api/v1/powers",
                Some(&leader),
                Some(permit.clone()),
            )
            .await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{engine}");
        let (status, made) = app
            .call("POST", "/api/v1/powers", Some(&zone), Some(permit.clone()))
            .await;
        assert_eq!(status, StatusCode::CREATED, "{engine}: {made}");
        assert_eq!(made["power"]["level"], "city");
        assert_eq!(made["power"]["zone"], "吕梁经济技术开发区");
        let id = made["power"]["id"].as_i64().unwrap();
        let (status, twice) = app
            .call("POST", "/api/v1/powers", Some(&zone), Some(permit))
            .await;
        assert_eq!(
            status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{engine}: {twice}"
        );
        assert_eq!(fields(&twice), ["name"], "{engine}");

        // Taken up from the version seen; a stale change and one before the grant are refused.
        let path = format!("/api/v1/powers/{id}");
        let (status, early) = app
            .call(
                "PATCH",
                &path,
                Some(&zone),
                Some(json!({"version": 1, "taken_up_on": "2023-01-05"})),
            )
            .await;
        assert_eq!(
            status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{engine}: {early}"
        );
        assert_eq!(fields(&early), ["taken_up_on"], "{engine}");
        let (status, taken) = app
            .call(
                "PATCH",
                &path,
                Some(&zone),
                Some(json!({"version": 1, "taken_up_on": "2023-03-05"})),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{engine}: {taken}");
        assert_eq!(taken["power"]["version"], 2);
        let (status, _) = app
            .call(
                "PATCH",
                &path,
                Some(&zone),
                Some(json!({"version": 1, "note": "晚了"})),
            )
            .await;
        assert_eq!(status, StatusCode::CONFLICT, "{engine}");
        let (status, _) = app.call("GET", &path, Some(&other_city), None).await;
        assert_eq!(
            status,
            StatusCode::NOT_FOUND,
            "{engine}: 太原 does not see 吕梁's"
        );

        let (status, one) = app
            .call(
                "POST",
                "/api/v1/bundles",
                Some(&zone),
                Some(json!({"name": "开办企业一件事", "procedures": "营业执照"})),
            )
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{engine}: {one}");
        assert_eq!(fields(&one), ["procedures"], "{engine}");
        let (status, bundle) = app
            .call(
                "POST",
                "/api/v1/bundles",
                Some(&city),
                Some(json!({"zone": "孝义经济开发区", "name": "开办企业一件事",
                            "procedures": "营业执照、公章刻制，发票申领", "launched_on": "2023-04-01"})),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{engine}: {bundle}");
        assert_eq!(bundle["bundle"]["procedures"].as_array().unwrap().len(), 3);

        // As of the end of March 2023 the power is taken up and the bundle not yet in use.
        for (as_of, taken_up, bundles) in [
            ("2023-03-31", 1, 0),
            ("2023-12-31", 1, 1),
            ("2023-02-28", 0, 0),
        ] {
            let uri = format!("/api/v1/reports/delegation?as_of={as_of}");
            let (status, r) = app.call("GET", &uri, Some(&city), None).await;
            assert_eq!(status, StatusCode::OK, "{engine}: {r}");
            assert_eq!(r["figures"]["taken_up"], taken_up, "{engine} {as_of}: {r}");
            assert_eq!(r["figures"]["bundles"], bundles, "{engine} {as_of}: {r}");
        }
        let (_, r) = app
            .call(
                "GET",
                "/api/v1/reports/delegation?as_of=2023-12-31",
                Some(&other_city),
                None,
            )
            .await;
        assert_eq!(
            r["figures"]["granted"], 0,
            "{engine}: 太原 counts none of 吕梁's"
        );
        let (status, _) = app
            .call("GET", "/api/v1/powers?level=乡级", Some(&city), None)
            .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{engine}");
        let (_, listed) = app
            .call("GET", "/api/v1/powers?taken_up=yes", Some(&city), None)
            .await;
        assert_eq!(listed["total"], 1, "{engine}: {listed}");
    }
}

#[tokio::test]
async fn a_book_imports_all_or_nothing_in_the_callers_region_and_its_export_imports_back() {
    for app in App::both().await {
        let engine = app.engine();
        let zone = app.sign_in("lljkq").await;
        let city = app.sign_in("lvliang").await;
        let before = kfq_store::powers(&app.db.db).await.unwrap();

        // Row 3 has a level nobody grants at, row 4 a day that is no day: nothing is written.
        let broken = "开发区,赋权层级,事项名称,赋权日期,承接日期\n\
            吕梁经济技术开发区,市级,建设工程规划许可证核发,2023-02-01,2023-03-01\n\
            吕梁经济技术开发区,乡级,排污许可证核发,2023-02-01,\n\
            吕梁经济技术开发区,县级,取水许可,2023-02-30,\n";
        let (status, refused) = import(&app, &zone, "赋权事项.csv", broken).await;
        assert_eq!(
            status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{engine}: {refused}"
        );
        let at: Vec<(i64, String)> = refused["faults"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| {
                (
                    f["row"].as_i64().unwrap(),
                    f["letter"].as_str().unwrap().to_string(),
                )
            })
            .collect();
        assert_eq!(
            at,
            [(3, "B".to_string()), (4, "D".to_string())],
            "{engine}: {refused}"
        );
        assert_eq!(
            kfq_store::powers(&app.db.db).await.unwrap(),
            before,
            "{engine}"
        );

        // A zone's clerk cannot import for a zone it does not keep.
        let elsewhere = "开发区,赋权层级,事项名称\n孝义经济开发区,市级,取水许可\n";
        let (status, refused) = import(&app, &zone, "赋权事项.csv", elsewhere).await;
        assert_eq!(
            status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{engine}: {refused}"
        );
        assert_eq!(
            refused["faults"][0]["column"], "开发区",
            "{engine}: {refused}"
        );

        let good = "吕梁经开区赋权事项台账\n\
            开发区,层级,事项名称,赋权日期,承接日期\n\
            吕梁经济技术开发区,市级,建设工程规划许可证核发,2023/2/1,2023年3月1日\n\
            孝义经济开发区,县级,取水许可,2023.2.1,\n";
        let (status, done) = import(&app, &city, "赋权事项.csv", good).await;
        assert_eq!(status, StatusCode::OK, "{engine}: {done}");
        assert_eq!(done["books"][0]["added"], 2, "{engine}: {done}");
        let (_, listed) = app.call("GET", "/api/v1/powers", Some(&city), None).await;
        let taken: Vec<&Value> = listed["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| &p["taken_up_on"])
            .collect();
        assert!(taken.contains(&&json!("2023-03-01")), "{engine}: {listed}");

        // The book as the page exports it imports back: nothing added, nothing changed.
        let (status, bytes) = app.download("/powers/export.xlsx", &city).await;
        assert_eq!(status, StatusCode::OK, "{engine}");
        let uri = "/api/v1/books/import?file=powers.xlsx";
        let request = axum::http::Request::post(uri)
            .header("authorization", format!("Bearer {city}"))
            .body(axum::body::Body::from(bytes))
            .unwrap();
        let response = tower::ServiceExt::oneshot(app.router.clone(), request)
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::OK, "{engine}");
        let body = http_body_util::BodyExt::collect(response.into_body())
            .await
            .unwrap()
            .to_bytes();
        let again: Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(
            (
                &again["books"][0]["added"],
                &again["books"][0]["changed"],
                &again["books"][0]["unchanged"]
            ),
            (&json!(0), &json!(0), &json!(2)),
            "{engine}: {again}"
        );
        let audit = kfq_store::audit_of_kind(&app.db.db, "delegated_power", None, None)
            .await
            .unwrap();
        let imported = audit.iter().filter(|e| e.actor == "lvliang").count();
        assert_eq!(imported, 2, "{engine}: each power audited once");
    }
}
