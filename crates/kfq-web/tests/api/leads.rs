//! 招商线索 through the API: the zone registers a lead and logs its visits, moves it along,
//! drops it only saying why, signs it into a project linked to it (in one step, refused whole
//! when the project is wrong); a stale change is refused; the city sees it and its conversion,
//! another city, a leader and the 代办员 cannot change or see what is not theirs.

use axum::http::StatusCode;
use serde_json::json;

use crate::{fields, App};

#[tokio::test]
async fn a_lead_is_registered_worked_and_signed_into_a_project_linked_to_it() {
    for app in App::both().await {
        let engine = app.engine();
        let zone = app.sign_in("lljkq").await;
        let dept = app.sign_in("lljkq.dept").await;
        let city = app.sign_in("lvliang").await;
        let other_city = app.sign_in("taiyuan").await;
        let leader = app.sign_in("lvliang.leader").await;
        let agent = app.sign_in("lljkq.agent").await;
        let province = app.sign_in("province").await;

        // Refused by field, nothing stored.
        let (status, refused) = app
            .call(
                "POST",
                "/api/v1/leads",
                Some(&zone),
                Some(
                    json!({"name": " ", "source": "朋友介绍", "registered_on": "2999-01-01",
                            "expected_investment_wan": "十亿"}),
                ),
            )
            .await;
        assert_eq!(
            status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{engine}: {refused}"
        );
        let named = fields(&refused);
        for f in ["source", "expected_investment_wan"] {
            assert!(named.contains(&f.to_string()), "{engine}: {f} in {refused}");
        }
        let (status, refused) = app
            .call(
                "POST",
                "/api/v1/leads",
                Some(&zone),
                Some(json!({"name": " ", "investor": "", "registered_on": "2999-01-01"})),
            )
            .await;
        assert_eq!(
            status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{engine}: {refused}"
        );
        let mut named = fields(&refused);
        named.sort();
        assert_eq!(named, ["investor", "name", "registered_on"], "{engine}");
        // The zone's staff register it (their zone by default); the 代办员 and a leader cannot.
        let new = json!({"name": "年产5万吨碳纤维项目", "investor": "江苏华晟新材料有限公司",
                         "source": "以商招商", "chain": "碳基新材料",
                         "expected_investment_wan": "150000.50", "contact": "王总 13900000000",
                         "owner": "lljkq.dept", "registered_on": "2024-03-01"});
        for token in [&agent, &leader] {
            let (status, body) = app
                .call("POST", "/api/v1/leads", Some(token), Some(new.clone()))
                .await;
            assert_eq!(status, StatusCode::FORBIDDEN, "{engine}: {body}");
        }
        let (status, made) = app
            .call("POST", "/api/v1/leads", Some(&dept), Some(new.clone()))
            .await;
        assert_eq!(status, StatusCode::CREATED, "{engine}: {made}");
        let lead = &made["lead"];
        assert_eq!(lead["zone"], "吕梁经济技术开发区");
        assert_eq!(lead["status"], "contact");
        assert_eq!(lead["source"], "referral");
        assert_eq!(lead["expected_investment_wan"], "150000.5");
        let id = lead["id"].as_i64().unwrap();
        let path = format!("/api/v1/leads/{id}");
        let (status, again) = app
            .call("POST", "/api/v1/leads", Some(&zone), Some(new.clone()))
            .await;
        assert_eq!(
            status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{engine}: {again}"
        );
        assert_eq!(fields(&again), ["name"], "one lead of a zone so named");
        // 太原's city names a zone it does not see: refused by field.
        let (status, body) = app
            .call(
                "POST",
                "/api/v1/leads",
                Some(&other_city),
                Some(json!({"zone": "吕梁经济技术开发区", "name": "x", "investor": "y"})),
            )
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{engine}: {body}");
        assert_eq!(fields(&body), ["zone"], "{engine}");

        // The log: a visit in the future and one with no note are refused.
        let visits = format!("{path}/visits");
        for (body, field) in [
            (
                json!({"visited_on": "2999-01-01", "note": "考察"}),
                "visited_on",
            ),
            (json!({"kind": "inspection"}), "note"),
            (json!({"kind": "飞鸽传书", "note": "x"}), "kind"),
        ] {
            let (status, refused) = app.call("POST", &visits, Some(&zone), Some(body)).await;
            assert_eq!(
                status,
                StatusCode::UNPROCESSABLE_ENTITY,
                "{engine}: {refused}"
            );
            assert_eq!(fields(&refused), [field], "{engine}");
        }
        let (status, logged) = app
            .call(
                "POST",
                &visits,
                Some(&zone),
                Some(json!({"visited_on": "2024-04-02", "kind": "来区考察",
                            "people": "王总、招商发展部", "note": "实地考察东区地块"})),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{engine}: {logged}");
        assert_eq!(logged["visit"]["kind"], "inspection");
        assert_eq!(logged["visit"]["author"], "lljkq");

        // Moved along; signing by hand and dropping without a reason are refused.
        let (status, moved) = app
            .call(
                "PATCH",
                &path,
                Some(&zone),
                Some(json!({"version": 1, "status": "negotiation"})),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{engine}: {moved}");
        assert_eq!(moved["lead"]["version"], 2);
        let (status, stale) = app
            .call(
                "PATCH",
                &path,
                Some(&zone),
                Some(json!({"version": 1, "owner": "someone"})),
            )
            .await;
        assert_eq!(status, StatusCode::CONFLICT, "{engine}: {stale}");
        for (body, field) in [
            (json!({"version": 2, "status": "signed"}), "status"),
            (json!({"version": 2, "status": "dropped"}), "reason"),
        ] {
            let (status, refused) = app.call("PATCH", &path, Some(&zone), Some(body)).await;
            assert_eq!(
                status,
                StatusCode::UNPROCESSABLE_ENTITY,
                "{engine}: {refused}"
            );
            assert_eq!(fields(&refused), [field], "{engine}");
        }
        // Others: the city reads it; 太原 and the 代办员's changes are refused.
        let (status, seen) = app.call("GET", &path, Some(&city), None).await;
        assert_eq!(status, StatusCode::OK, "{engine}: {seen}");
        assert_eq!(seen["visits"].as_array().unwrap().len(), 1);
        let (status, _) = app.call("GET", &path, Some(&other_city), None).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{engine}");
        let (status, _) = app
            .call(
                "PATCH",
                &path,
                Some(&agent),
                Some(json!({"version": 2, "owner": "x"})),
            )
            .await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{engine}");
        let (status, list) = app
            .call("GET", "/api/v1/leads", Some(&other_city), None)
            .await;
        assert_eq!(status, StatusCode::OK, "{engine}");
        assert_eq!(list["total"], 0, "{engine}: 太原 sees none of 吕梁's leads");

        // Signing: a project that cannot be made refuses the whole step.
        let sign = format!("{path}/sign");
        let (status, refused) = app
            .call(
                "POST",
                &sign,
                Some(&zone),
                Some(json!({"version": 2, "signed_on": "2024-02-01", "code": "LL-1"})),
            )
            .await;
        assert_eq!(
            status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{engine}: {refused}"
        );
        assert!(
            fields(&refused).contains(&"code".to_string()),
            "{engine}: {refused}"
        );
        let (status, refused) = app
            .call(
                "POST",
                &sign,
                Some(&zone),
                Some(json!({"version": 2, "signed_on": "2024-02-01", "code": "LL-LEAD-1"})),
            )
            .await;
        assert_eq!(
            status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{engine}: {refused}"
        );
        assert_eq!(
            fields(&refused),
            ["signed_on"],
            "not before the first contact"
        );
        let (_, unchanged) = app.call("GET", &path, Some(&zone), None).await;
        assert_eq!(unchanged["lead"]["status"], "negotiation", "{engine}");
        assert_eq!(unchanged["lead"]["version"], 2, "{engine}");
        let (status, signed) = app
            .call(
                "POST",
                &sign,
                Some(&zone),
                Some(
                    json!({"version": 2, "signed_on": "2024-05-20", "code": "LL-LEAD-1",
                            "total_investment_wan": "120000"}),
                ),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{engine}: {signed}");
        assert_eq!(signed["lead"]["status"], "signed");
        assert_eq!(signed["lead"]["project_code"], "LL-LEAD-1");
        assert_eq!(signed["lead"]["expected_investment_wan"], "120000");
        assert_eq!(signed["project"]["name"], "年产5万吨碳纤维项目");
        assert_eq!(signed["project"]["signed_on"], "2024-05-20");
        assert_eq!(signed["project"]["chain"], "碳基新材料");
        assert_eq!(signed["project"]["enterprise"], "江苏华晟新材料有限公司");
        assert_eq!(signed["lead"]["project_id"], signed["project"]["id"]);
        // Signed is final: no second signing, no going back.
        let (status, again) = app
            .call(
                "POST",
                &sign,
                Some(&zone),
                Some(json!({"version": 3, "code": "LL-LEAD-2"})),
            )
            .await;
        assert_eq!(
            status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{engine}: {again}"
        );
        let (status, back) = app
            .call(
                "PATCH",
                &path,
                Some(&zone),
                Some(json!({"version": 3, "status": "contact"})),
            )
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{engine}: {back}");
        // Nor does its amount change on the lead (it is the project's), nor its zone.
        for (body, field) in [
            (
                json!({"version": 3, "expected_investment_wan": "1"}),
                "expected_investment_wan",
            ),
            (json!({"version": 3, "zone": "孝义经济开发区"}), "zone"),
        ] {
            let (status, refused) = app.call("PATCH", &path, Some(&zone), Some(body)).await;
            assert_eq!(
                status,
                StatusCode::UNPROCESSABLE_ENTITY,
                "{engine}: {refused}"
            );
            assert_eq!(fields(&refused), [field], "{engine}");
        }

        // A second lead, dropped with a reason; the conversion counts both.
        let (_, other) = app
            .call(
                "POST",
                "/api/v1/leads",
                Some(&zone),
                Some(json!({"name": "光伏组件项目", "investor": "浙江某光伏公司",
                            "source": "推介会", "registered_on": "2024-06-01"})),
            )
            .await;
        let other_path = format!("/api/v1/leads/{}", other["lead"]["id"]);
        let (status, early) = app
            .call(
                "PATCH",
                &other_path,
                Some(&zone),
                Some(json!({"version": 1, "status": "dropped", "reason": "x",
                            "dropped_on": "2024-05-01"})),
            )
            .await;
        assert_eq!(
            status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{engine}: {early}"
        );
        assert_eq!(fields(&early), ["dropped_on"], "before the first contact");
        let (status, dropped) = app
            .call(
                "PATCH",
                &other_path,
                Some(&zone),
                Some(json!({"version": 1, "status": "放弃", "reason": "能耗指标不足"})),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{engine}: {dropped}");
        assert!(dropped["lead"]["dropped_on"].is_string(), "{engine}: dated");
        let report = "/api/v1/reports/leads?from=2024-01-01&to=2024-12-31";
        for token in [&city, &province, &zone] {
            let (status, r) = app.call("GET", report, Some(token), None).await;
            assert_eq!(status, StatusCode::OK, "{engine}: {r}");
            let f = &r["figures"];
            assert_eq!(f["leads"], 2, "{engine}: {r}");
            assert_eq!(f["signed"], 1, "{engine}");
            assert_eq!(f["signed_investment"], "120000");
            assert_eq!(f["rate"], "0.5000");
            let referral = r["sources"]
                .as_array()
                .unwrap()
                .iter()
                .find(|s| s["name"] == "referral")
                .unwrap();
            assert_eq!(referral["figures"]["signed"], 1, "{engine}");
        }
        let (_, r) = app.call("GET", report, Some(&other_city), None).await;
        assert_eq!(
            r["figures"]["leads"], 0,
            "{engine}: 太原 counts none of 吕梁's"
        );
        let (status, r) = app
            .call(
                "GET",
                "/api/v1/reports/leads?region=140100",
                Some(&city),
                None,
            )
            .await;
        assert_eq!(
            status,
            StatusCode::NOT_FOUND,
            "{engine}: another city's: {r}"
        );

        // Every change is in the audit trail, the signing with the project it made.
        let (status, audit) = app
            .call("GET", "/api/v1/audit?object=lead", Some(&province), None)
            .await;
        assert_eq!(status, StatusCode::OK, "{engine}: {audit}");
        let actions: Vec<&str> = audit["entries"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|e| e["action"].as_str())
            .collect();
        for action in ["create", "visit", "update", "sign"] {
            assert!(
                actions.contains(&action),
                "{engine}: {action} in {actions:?}"
            );
        }
        // The project page's data name the lead it came from.
        let project = signed["project"]["id"].as_i64().unwrap();
        let (status, page) = app
            .call_text(
                "GET",
                &format!("/projects/{project}"),
                Some(&zone),
                None,
                "",
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{engine}");
        assert!(page.contains(&format!("/leads/{id}")), "{engine}: linked");
    }
}
