//! 调度会 through the API: a zone holds its meeting on the agenda kfq proposes, decides, opens a
//! blocker that is overdue, writes the minutes and makes them final; the city and the province
//! see it, another city and the read-only roles cannot touch it; a city's meeting takes what
//! its zones escalated and its stuck projects, nothing outside the city.

use axum::http::StatusCode;
use serde_json::{json, Value};

use crate::App;

fn codes(meeting: &Value) -> Vec<String> {
    meeting["agenda"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["code"].as_str().unwrap().to_string())
        .collect()
}

fn item<'a>(meeting: &'a Value, code: &str) -> &'a Value {
    meeting["agenda"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["code"] == code)
        .unwrap_or_else(|| panic!("{code} on the agenda: {meeting}"))
}

#[tokio::test]
async fn a_zone_meeting_decides_opens_an_overdue_blocker_and_its_minutes_become_final() {
    for app in App::both().await {
        let engine = app.engine();
        let ll = app.project_id("LL-1").await;
        let xy = app.project_id("XY-1").await;
        let ty = app.project_id("TY-1").await;
        let zone = app.sign_in("lljkq").await;
        let city = app.sign_in("lvliang").await;
        let other_city = app.sign_in("taiyuan").await;
        let province = app.sign_in("province").await;
        let leader = app.sign_in("leader").await;
        let agent = app.sign_in("lljkq.agent").await;

        // A blocker past its due date puts LL-1 on the agenda; raised today, it is new too.
        let (status, raised) = app
            .call(
                "POST",
                "/api/v1/blockers",
                Some(&zone),
                Some(json!({"project_id": ll, "description": "用地指标未落实",
                            "category": "land", "due_on": "2024-01-31"})),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{engine}: {raised}");
        let old_blocker = raised["blocker"]["id"].as_i64().unwrap();

        for token in [&leader, &agent] {
            let (status, _) = app
                .call("POST", "/api/v1/meetings", Some(token), Some(json!({})))
                .await;
            assert_eq!(status, StatusCode::FORBIDDEN, "{engine}: reads only");
        }
        let (status, held) = app
            .call(
                "POST",
                "/api/v1/meetings",
                Some(&zone),
                Some(json!({"chair": "李明", "attendees": "规划建设部"})),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{engine}: {held}");
        let m = &held["meeting"];
        assert_eq!(m["region"], "吕梁经济技术开发区");
        assert_eq!(m["level"], "zone");
        assert!(
            m["title"].as_str().unwrap().ends_with("周项目调度会"),
            "{m}"
        );
        assert_eq!(
            codes(m),
            ["LL-1"],
            "{engine}: only its own project with a blocker"
        );
        assert_eq!(
            item(m, "LL-1")["reasons"],
            json!(["overdue_blocker", "new_blocker"])
        );
        let id = m["id"].as_i64().unwrap();
        let path = format!("/api/v1/meetings/{id}");

        // Seen up the hierarchy, not by another city (not even listed).
        for (token, seen) in [(&city, true), (&province, true), (&other_city, false)] {
            let (status, _) = app.call("GET", &path, Some(token), None).await;
            let expected = if seen {
                StatusCode::OK
            } else {
                StatusCode::NOT_FOUND
            };
            assert_eq!(status, expected, "{engine}");
            let (_, list) = app.call("GET", "/api/v1/meetings", Some(token), None).await;
            let listed = list["items"]
                .as_array()
                .unwrap()
                .iter()
                .any(|i| i["id"] == id);
            assert_eq!(listed, seen, "{engine}: {list}");
        }

        // A project put on by hand: its own zone's and the city's, never another city's.
        let add = |project: i64| json!({ "project_id": project });
        let items = format!("{path}/items");
        let (status, _) = app.call("POST", &items, Some(&zone), Some(add(xy))).await;
        assert_eq!(
            status,
            StatusCode::NOT_FOUND,
            "{engine}: 孝义 is not the zone's"
        );
        let (status, _) = app.call("POST", &items, Some(&city), Some(add(ty))).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{engine}");
        let (status, twice) = app.call("POST", &items, Some(&zone), Some(add(ll))).await;
        assert_eq!(status, StatusCode::CONFLICT, "{engine}: {twice}");

        // The decision, from the version seen; a stale one is refused.
        let ll_item = item(m, "LL-1")["id"].as_i64().unwrap();
        let item_path = format!("{path}/items/{ll_item}");
        let decision = "由规划建设部牵头，两周内完成用地组卷报批。";
        let (status, decided) = app
            .call(
                "PATCH",
                &item_path,
                Some(&zone),
                Some(json!({"version": 1, "decision": decision})),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{engine}: {decided}");
        assert_eq!(decided["meeting"]["decided"], 1);
        let (status, _) = app
            .call(
                "PATCH",
                &item_path,
                Some(&city),
                Some(json!({"version": 1, "decision": "另行研究"})),
            )
            .await;
        assert_eq!(status, StatusCode::CONFLICT, "{engine}: stale");

        // The decision opens a blocker due before today: overdue in the ledger, noted with the
        // meeting; and changes the old one: new owner, a later date.
        let (status, opened) = app
            .call(
                "POST",
                &format!("{item_path}/blockers"),
                Some(&zone),
                Some(json!({"description": "配套道路未接通", "category": "施工",
                            "owner_unit": "规划建设部", "owner": "王建军",
                            "due_on": "2024-02-29"})),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{engine}: {opened}");
        let blockers = item(&opened["meeting"], "LL-1")["blockers"].clone();
        let new_one = blockers
            .as_array()
            .unwrap()
            .iter()
            .find(|b| b["decided"] == "opened")
            .unwrap_or_else(|| panic!("{engine}: {blockers}"));
        assert_eq!(new_one["overdue"], true);
        let new_id = new_one["id"].as_i64().unwrap();
        let (_, overdue) = app
            .call("GET", "/api/v1/blockers?overdue=true", Some(&city), None)
            .await;
        assert!(
            overdue["items"]
                .as_array()
                .unwrap()
                .iter()
                .any(|b| b["id"] == new_id),
            "{engine}: {overdue}"
        );
        let (_, notes) = app
            .call(
                "GET",
                &format!("/api/v1/blockers/{new_id}"),
                Some(&city),
                None,
            )
            .await;
        let note = notes["notes"][0]["note"].as_str().unwrap();
        assert!(
            note.contains("周项目调度会") && note.contains(decision),
            "{note}"
        );
        let (status, updated) = app
            .call(
                "PATCH",
                &format!("{item_path}/blockers/{old_blocker}"),
                Some(&zone),
                Some(json!({"version": 1, "owner": "李四", "due_on": "2099-12-31"})),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{engine}: {updated}");
        let old = item(&updated["meeting"], "LL-1")["blockers"]
            .as_array()
            .unwrap()
            .iter()
            .find(|b| b["id"] == old_blocker)
            .cloned()
            .unwrap();
        assert_eq!(
            (&old["decided"], &old["owner"], &old["overdue"]),
            (&json!("updated"), &json!("李四"), &json!(false))
        );
        // Only the item's project's blockers.
        let ty_blocker = kfq_store::load_blockers(&app.db.db)
            .await
            .unwrap()
            .into_iter()
            .find(|b| b.project_id == ty)
            .unwrap();
        let (status, _) = app
            .call(
                "PATCH",
                &format!("{item_path}/blockers/{}", ty_blocker.id),
                Some(&province),
                Some(json!({"version": ty_blocker.version, "owner": "越权"})),
            )
            .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{engine}");

        // The minutes: the decision, the blocker with who answers for it and by when.
        let (status, headers, _) = app
            .call_raw("GET", &format!("{path}/minutes.docx"), Some(&city), None)
            .await;
        assert_eq!(status, StatusCode::OK, "{engine}");
        assert!(headers["content-type"]
            .to_str()
            .unwrap()
            .contains("wordprocessingml"));
        let minutes = minutes_text(&app, &format!("{path}/minutes.docx"), &city).await;
        for expected in [
            decision,
            "配套道路未接通",
            "王建军",
            "2024年2月29日",
            "李明",
        ] {
            assert!(
                minutes.contains(expected),
                "{engine}: {expected} in {minutes}"
            );
        }
        let (status, _, _) = app
            .call_raw(
                "GET",
                &format!("{path}/minutes.docx"),
                Some(&other_city),
                None,
            )
            .await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{engine}");

        // Final: nothing changes until reopened.
        let (_, current) = app.call("GET", &path, Some(&zone), None).await;
        let version = current["meeting"]["version"].as_i64().unwrap();
        let (status, closed) = app
            .call(
                "POST",
                &format!("{path}/close"),
                Some(&zone),
                Some(json!({ "version": version })),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{engine}: {closed}");
        assert_eq!(closed["meeting"]["closed"], true);
        let (status, refused) = app
            .call(
                "PATCH",
                &item_path,
                Some(&zone),
                Some(json!({"version": 2, "decision": "改"})),
            )
            .await;
        assert_eq!(status, StatusCode::CONFLICT, "{engine}");
        assert!(
            refused["error"].as_str().unwrap().contains("定稿"),
            "{refused}"
        );
        // Final minutes stay as they were made final: the blocker resolved since is still
        // listed overdue in them, until they are reopened.
        let final_minutes = minutes_text(&app, &format!("{path}/minutes.docx"), &zone).await;
        assert!(final_minutes.contains("未解决（逾期）"), "{final_minutes}");
        let (status, _) = app
            .call(
                "PATCH",
                &format!("/api/v1/blockers/{new_id}"),
                Some(&zone),
                Some(json!({"version": 1, "status": "resolved", "resolution": "道路已接通"})),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{engine}");
        assert_eq!(
            minutes_text(&app, &format!("{path}/minutes.docx"), &city).await,
            final_minutes
        );
        let (status, _) = app
            .call(
                "POST",
                &format!("{path}/reopen"),
                Some(&city),
                Some(json!({ "version": version + 1 })),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{engine}");
        let reopened = minutes_text(&app, &format!("{path}/minutes.docx"), &city).await;
        assert!(
            reopened.contains("已解决") && !reopened.contains("（逾期）"),
            "{engine}: {reopened}"
        );

        // Off the agenda only from the item's version seen.
        let (_, current) = app.call("GET", &path, Some(&zone), None).await;
        let seen = item(&current["meeting"], "LL-1")["version"]
            .as_i64()
            .unwrap();
        let (status, _) = app.call("DELETE", &item_path, Some(&zone), None).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{engine}: no version");
        let stale = format!("{item_path}?version={}", seen - 1);
        let (status, _) = app.call("DELETE", &stale, Some(&zone), None).await;
        assert_eq!(status, StatusCode::CONFLICT, "{engine}");
        let (status, removed) = app
            .call(
                "DELETE",
                &format!("{item_path}?version={seen}"),
                Some(&zone),
                None,
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{engine}: {removed}");
        assert!(codes(&removed["meeting"]).is_empty());
        let (_, still) = app
            .call(
                "GET",
                &format!("/api/v1/blockers/{new_id}"),
                Some(&zone),
                None,
            )
            .await;
        assert_eq!(still["blocker"]["status"], "resolved", "the blockers stay");

        // Every step audited, with who.
        let (_, trail) = app
            .call("GET", "/api/v1/audit?object=meeting", Some(&province), None)
            .await;
        let actions: Vec<(&str, &str)> = trail["entries"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| (e["action"].as_str().unwrap(), e["user"].as_str().unwrap()))
            .collect();
        assert_eq!(
            actions,
            [
                ("reopen", "lvliang"),
                ("close", "lljkq"),
                ("create", "lljkq")
            ],
            "{engine}"
        );
        let (_, trail) = app
            .call(
                "GET",
                "/api/v1/audit?object=agenda_item",
                Some(&province),
                None,
            )
            .await;
        let (removal, decided) = (&trail["entries"][0], &trail["entries"][1]);
        assert_eq!(removal["action"], "delete", "{engine}: {trail}");
        assert_eq!(removal["before"]["decision"], decision);
        assert_eq!(decided["action"], "decide", "{engine}: {trail}");
        assert_eq!(decided["after"]["decision"], decision);
        assert_eq!(decided["before"]["decision"], "");

        // A project moved to another zone since it was put on leaves this zone's view of the
        // meeting; the city, which sees both zones, still finds it there.
        let (status, _) = app.call("POST", &items, Some(&zone), Some(add(ll))).await;
        assert_eq!(status, StatusCode::CREATED, "{engine}");
        let (_, project) = app
            .call("GET", &format!("/api/v1/projects/{ll}"), Some(&city), None)
            .await;
        let moved = json!({"version": project["version"], "zone": "孝义经济开发区"});
        let (status, answer) = app
            .call(
                "PATCH",
                &format!("/api/v1/projects/{ll}"),
                Some(&city),
                Some(moved),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{engine}: {answer}");
        let (_, seen) = app.call("GET", &path, Some(&zone), None).await;
        assert!(codes(&seen["meeting"]).is_empty(), "{engine}: {seen}");
        let (_, seen) = app.call("GET", &path, Some(&city), None).await;
        assert_eq!(codes(&seen["meeting"]), ["LL-1"], "{engine}");
    }
}

async fn minutes_text(app: &App, path: &str, token: &str) -> String {
    let request = axum::http::Request::get(path)
        .header("authorization", format!("Bearer {token}"))
        .body(axum::body::Body::empty())
        .unwrap();
    let response = tower::ServiceExt::oneshot(app.router.clone(), request)
        .await
        .unwrap();
    let bytes = http_body_util::BodyExt::collect(response.into_body())
        .await
        .unwrap()
        .to_bytes();
    kfq_ledger::docx::paragraphs(&bytes).unwrap().join("\n")
}

#[tokio::test]
async fn a_city_meeting_takes_what_its_zones_escalated_and_only_within_the_city() {
    for app in App::both().await {
        let engine = app.engine();
        let ll = app.project_id("LL-1").await;
        let zone = app.sign_in("lljkq").await;
        let city = app.sign_in("lvliang").await;
        let province = app.sign_in("province").await;

        let (_, raised) = app
            .call(
                "POST",
                "/api/v1/blockers",
                Some(&zone),
                Some(json!({"project_id": ll, "description": "银行贷款审批滞后",
                            "category": "funding", "due_on": "2024-01-31"})),
            )
            .await;
        let blocker = raised["blocker"]["id"].as_i64().unwrap();
        let hold = json!({"region": "141100", "propose": true});
        let (status, first) = app
            .call("POST", "/api/v1/meetings", Some(&city), Some(hold.clone()))
            .await;
        assert_eq!(status, StatusCode::CREATED, "{engine}: {first}");
        assert_eq!(first["meeting"]["level"], "city");
        // 孝义's project signed and never landed is the city's to chase; 吕梁经开区's blocker is
        // still the zone's to solve.
        assert_eq!(codes(&first["meeting"]), ["XY-1"], "{engine}: {first}");
        assert_eq!(item(&first["meeting"], "XY-1")["reasons"], json!(["stuck"]));
        let (status, _) = app
            .call(
                "POST",
                &format!("/api/v1/blockers/{blocker}/escalate"),
                Some(&zone),
                Some(json!({"version": 1, "note": "需市级协调"})),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{engine}");
        let (_, second) = app
            .call("POST", "/api/v1/meetings", Some(&city), Some(hold))
            .await;
        assert_eq!(
            codes(&second["meeting"]),
            ["LL-1", "XY-1"],
            "{engine}: {second}"
        );

        // Not another city's, not the city's from a zone; the province holds any.
        for (token, region) in [(&city, "140100"), (&zone, "141100")] {
            let (status, _) = app
                .call(
                    "POST",
                    "/api/v1/meetings",
                    Some(token),
                    Some(json!({ "region": region })),
                )
                .await;
            assert_eq!(status, StatusCode::NOT_FOUND, "{engine}: {region}");
        }
        let (status, provincial) = app
            .call(
                "POST",
                "/api/v1/meetings",
                Some(&province),
                Some(
                    json!({"title": "全省重点项目调度会", "held_on": "2026-11-20",
                            "propose": false}),
                ),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{engine}: {provincial}");
        assert_eq!(provincial["meeting"]["level"], "province");
        assert_eq!(provincial["meeting"]["held_on"], "2026-11-20");
        let (status, bad) = app
            .call(
                "POST",
                "/api/v1/meetings",
                Some(&province),
                Some(json!({"held_on": "2026-13-01"})),
            )
            .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{engine}: {bad}");
        let (status, bad) = app
            .call(
                "PATCH",
                &format!("/api/v1/meetings/{}", provincial["meeting"]["id"]),
                Some(&province),
                Some(json!({"version": 1, "title": "  "})),
            )
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{engine}: {bad}");
        assert_eq!(bad["errors"][0]["field"], "title");
        // Values of the wrong kind, or a year typed wrong, are refused, not taken as empty.
        let meeting_path = format!("/api/v1/meetings/{}", provincial["meeting"]["id"]);
        for body in [
            json!({"version": 1, "chair": 5}),
            json!({"version": 1, "held_on": "20266-11-20"}),
        ] {
            let (status, bad) = app
                .call("PATCH", &meeting_path, Some(&province), Some(body))
                .await;
            assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{engine}: {bad}");
        }
        for body in [
            json!({"held_on": "0226-11-20"}),
            json!({"chair": ["李明"]}),
            json!({"propose": "false"}),
        ] {
            let (status, bad) = app
                .call("POST", "/api/v1/meetings", Some(&province), Some(body))
                .await;
            assert_eq!(status, StatusCode::BAD_REQUEST, "{engine}: {bad}");
        }
        // The city lists its own meetings, not the province's.
        let (_, list) = app.call("GET", "/api/v1/meetings", Some(&city), None).await;
        assert_eq!(list["total"], 2, "{engine}: {list}");
    }
}
