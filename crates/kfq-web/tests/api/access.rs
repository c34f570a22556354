//! Every role × scope, for reading, listing, reports and writing; ids guessed too.

use axum::http::StatusCode;
use kfq_core::access::{Action, Role};
use serde_json::json;

use crate::{App, USERS};

/// Which zone each fixture project is in, and the city of that zone.
const PROJECTS: &[(&str, &str, &str)] = &[
    ("LL-1", "吕梁经济技术开发区", "141100"),
    ("XY-1", "孝义经济开发区", "141100"),
    ("TY-1", "中北高新区", "140100"),
];

fn in_scope(region: &str, zone: &str, city: &str) -> bool {
    region == "140000" || region == city || region == zone
}

#[tokio::test]
async fn every_role_reads_lists_and_changes_only_what_lies_in_its_scope() {
    for app in App::both().await {
        for &(username, role, region) in USERS {
            let token = app.sign_in(username).await;
            let (status, page) = app
                .call("GET", "/api/v1/projects", Some(&token), None)
                .await;
            assert_eq!(status, StatusCode::OK);
            let mut listed: Vec<&str> = page["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|p| p["code"].as_str().unwrap())
                .collect();
            listed.sort_unstable();
            let mut expected: Vec<&str> = PROJECTS
                .iter()
                .filter(|(_, z, c)| in_scope(region, z, c))
                .map(|(code, ..)| *code)
                .collect();
            expected.sort_unstable();
            assert_eq!(listed, expected, "{} {username} lists", app.engine());

            for &(code, zone, city) in PROJECTS {
                let id = app.project_id(code).await;
                let visible = in_scope(region, zone, city);
                let (status, project) = app
                    .call("GET", &format!("/api/v1/projects/{id}"), Some(&token), None)
                    .await;
                let want = if visible {
                    StatusCode::OK
                } else {
                    StatusCode::NOT_FOUND
                };
                assert_eq!(status, want, "{} {username} reads {code}", app.engine());
                let version = if visible {
                    project["version"].as_i64().unwrap()
                } else {
                    1
                };
                let patch = json!({"version": version, "chain": format!("{username}改")});
                let (status, _) = app
                    .call(
                        "PATCH",
                        &format!("/api/v1/projects/{id}"),
                        Some(&token),
                        Some(patch),
                    )
                    .await;
                let want = match (visible, role.allows(Action::EditProject)) {
                    (false, _) => StatusCode::NOT_FOUND,
                    (true, true) => StatusCode::OK,
                    (true, false) => StatusCode::FORBIDDEN,
                };
                assert_eq!(
                    status,
                    want,
                    "{} {username} ({role:?}) changes {code}",
                    app.engine()
                );
            }

            for region_asked in ["140000", "141100", "140100", "吕梁经济技术开发区"] {
                let uri = format!(
                    "/api/v1/reports/round/2024-1?region={}",
                    urlencode(region_asked)
                );
                let (status, _) = app.call("GET", &uri, Some(&token), None).await;
                let covered = region == "140000"
                    || region == region_asked
                    || (region == "141100" && region_asked == "吕梁经济技术开发区");
                let want = if covered {
                    StatusCode::OK
                } else {
                    StatusCode::NOT_FOUND
                };
                assert_eq!(
                    status,
                    want,
                    "{} {username} asks for the round of {region_asked}",
                    app.engine()
                );
            }
            let (status, _) = app
                .call("GET", "/api/v1/projects?city=140100", Some(&token), None)
                .await;
            let want = if region == "140000" || region == "140100" {
                StatusCode::OK
            } else {
                StatusCode::NOT_FOUND
            };
            assert_eq!(status, want, "{username} filters by another city");
        }
    }
}

#[tokio::test]
async fn guessed_and_unknown_ids_answer_alike_and_nothing_without_sign_in() {
    for app in App::both().await {
        let token = app.sign_in("taiyuan").await;
        let lvliang = app.project_id("LL-1").await;
        let (hidden, hidden_body) = app
            .call(
                "GET",
                &format!("/api/v1/projects/{lvliang}"),
                Some(&token),
                None,
            )
            .await;
        let (missing, missing_body) = app
            .call("GET", "/api/v1/projects/999999", Some(&token), None)
            .await;
        let (garbage, _) = app
            .call("GET", "/api/v1/projects/abc", Some(&token), None)
            .await;
        assert_eq!(
            (hidden, missing, garbage),
            (
                StatusCode::NOT_FOUND,
                StatusCode::NOT_FOUND,
                StatusCode::NOT_FOUND
            )
        );
        assert_eq!(
            hidden_body, missing_body,
            "the answer does not tell that the project exists"
        );

        let (status, body) = app.call("GET", "/api/v1/projects", None, None).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
        assert_eq!(body["error"], "请先登录。");
        let (status, _) = app
            .call("GET", "/api/v1/projects", Some("kfqs_forged"), None)
            .await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
    }
}

#[tokio::test]
async fn only_the_province_manages_users_and_roles_keep_to_their_scope() {
    for app in App::both().await {
        let city = kfq_app::Actor {
            user_id: None,
            username: "lvliang".into(),
            role: Role::City,
            scope: kfq_core::scope::Scope::City {
                code: kfq_core::region::RegionCode::parse("141100").unwrap(),
            },
            lang: kfq_core::Lang::Zh,
            ip: None,
        };
        let new = kfq_app::users::NewUser {
            username: "sneaky".into(),
            display_name: String::new(),
            role: Role::Province,
            region: "140000".into(),
            password: "Sneaky-2024".into(),
            must_change_password: false,
        };
        let err = kfq_app::users::add_user(&app.db.db, &city, new.clone())
            .await
            .unwrap_err();
        assert!(
            matches!(err, kfq_app::AppError::Forbidden),
            "{}",
            app.engine()
        );
        let operator = kfq_app::Actor::operator("t", kfq_core::Lang::Zh);
        let wrong = kfq_app::users::NewUser {
            role: Role::City,
            ..new
        };
        let err = kfq_app::users::add_user(&app.db.db, &operator, wrong)
            .await
            .unwrap_err();
        assert!(kfq_core::Localized::message(&err, kfq_core::Lang::Zh)
            .contains("市级用户的范围应为地级市"));
    }
}

fn urlencode(text: &str) -> String {
    text.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

#[tokio::test]
async fn exports_hold_only_what_the_user_may_see() {
    for app in App::both().await {
        for (user, lines) in [("lvliang", 3), ("lljkq", 2), ("province", 4)] {
            let token = app.sign_in(user).await;
            let request = axum::http::Request::get("/projects/export.csv")
                .header("authorization", format!("Bearer {token}"))
                .body(axum::body::Body::empty())
                .unwrap();
            let response = tower::ServiceExt::oneshot(app.router.clone(), request)
                .await
                .unwrap();
            assert_eq!(response.status(), StatusCode::OK);
            let bytes = http_body_util::BodyExt::collect(response.into_body())
                .await
                .unwrap()
                .to_bytes();
            let csv = String::from_utf8(bytes.to_vec()).unwrap();
            assert_eq!(csv.lines().count(), lines, "{} {user}: {csv}", app.engine());
            if user != "province" {
                assert!(
                    !csv.contains("TY-1"),
                    "太原's project is not exported to {user}"
                );
            }
        }
    }
}

#[tokio::test]
async fn every_answer_carries_the_security_headers() {
    let app = App::both().await.remove(0);
    for uri in ["/login", "/api/v1/projects", "/static/app.js"] {
        let request = axum::http::Request::get(uri)
            .body(axum::body::Body::empty())
            .unwrap();
        let response = tower::ServiceExt::oneshot(app.router.clone(), request)
            .await
            .unwrap();
        let headers = response.headers();
        let csp = headers
            .get("content-security-policy")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        assert!(
            csp.contains("script-src 'self'") && csp.contains("frame-ancestors 'none'"),
            "{uri}: {csp}"
        );
        assert_eq!(
            headers.get("x-frame-options").map(|v| v.as_bytes()),
            Some(&b"DENY"[..]),
            "{uri}"
        );
        assert_eq!(
            headers.get("x-content-type-options").map(|v| v.as_bytes()),
            Some(&b"nosniff"[..])
        );
        assert_eq!(
            headers.get("referrer-policy").map(|v| v.as_bytes()),
            Some(&b"same-origin"[..])
        );
    }
}

/// What a path's parameters are filled with: everything names 太原's project or the province's
/// account, which a 吕梁 city user must not reach.
fn out_of_scope(path: &str, taiyuan: &Taiyuan) -> String {
    let id = if path.contains("meetings") {
        taiyuan.meeting
    } else if path.contains("leads") {
        taiyuan.lead
    } else if path.contains("activities") {
        taiyuan.activity
    } else if path.contains("powers") {
        taiyuan.power
    } else if path.contains("bundles") {
        taiyuan.bundle
    } else if path.contains("parcels") {
        taiyuan.parcel
    } else if path.contains("commitments") {
        taiyuan.commitment
    } else if path.contains("registrations") {
        taiyuan.registration
    } else if path.contains("chemical") {
        taiyuan.finding
    } else if path.contains("targets") {
        taiyuan.target
    } else if path.contains("indicator-values") || path.contains("indicators") {
        taiyuan.entered
    } else if path.contains("notifications") {
        taiyuan.notification
    } else if path.contains("blockers") {
        taiyuan.blocker
    } else {
        taiyuan.project
    };
    path.replace("{id}", &id.to_string())
        .replace("{round}", "2024-1")
        .replace("{username}", "province")
        .replace("{file}", "app.css")
        .replace("{zone}", &taiyuan.zone.to_string())
        .replace("{item}", &taiyuan.item.to_string())
        .replace("{name}", "permit")
        .replace("{blocker}", &taiyuan.blocker.to_string())
        .replace("{month}", "2024-04")
        .replace("{step}", "approve")
        .replace("{year}", "2024")
}

/// 太原's objects, by id.
struct Taiyuan {
    project: i64,
    blocker: i64,
    zone: i64,
    meeting: i64,
    item: i64,
    lead: i64,
    notification: i64,
    activity: i64,
    power: i64,
    bundle: i64,
    parcel: i64,
    commitment: i64,
    registration: i64,
    finding: i64,
    target: i64,
    entered: i64,
}

/// Routes anyone may reach without signing in.
const PUBLIC: &[(&str, &str)] = &[
    ("GET", "/login"),
    ("POST", "/login"),
    ("GET", "/health"),
    ("GET", "/api/v1/openapi.json"),
    ("POST", "/api/v1/session"),
    ("GET", "/static/{file}"),
];

/// The user the route walk acts as.
const WALKER: &str = "lvliang";

#[tokio::test]
async fn no_route_in_the_table_shows_or_changes_what_lies_outside_the_callers_scope() {
    let table = kfq_web::route_table();
    assert!(table.len() > 50, "the whole table: {}", table.len());
    for app in App::both().await {
        let engine = app.engine();
        let ty = app.project_id("TY-1").await;
        let blockers_before = kfq_store::load_blockers(&app.db.db).await.unwrap();
        let ty_blocker = blockers_before
            .iter()
            .find(|b| b.project_id == ty)
            .map(|b| b.id)
            .unwrap();
        let before = kfq_store::load_projects(&app.db.db).await.unwrap();
        let ty_zone = before.iter().find(|p| p.id == ty).unwrap().zone_id;
        let month = kfq_core::monthly::Month::new(2024, 4).unwrap();
        let figures_before = kfq_store::month_figures(&app.db.db, month).await.unwrap();
        let province_before = kfq_store::user_by_name(&app.db.db, "province")
            .await
            .unwrap();
        // An API token: the walk signs out and ends sessions on its way, a token stays.
        let operator = kfq_app::Actor::operator("test", kfq_core::Lang::Zh);
        // 太原's dispatch meeting, with its project on the agenda.
        let new = kfq_app::meetings::NewMeeting {
            region: Some("140100".into()),
            title: None,
            held_on: "2024-04-05".parse().unwrap(),
            chair: String::new(),
            attendees: String::new(),
            propose: false,
        };
        let held = kfq_app::meetings::create(&app.db.db, &operator, &new)
            .await
            .unwrap();
        let today = "2024-04-05".parse().unwrap();
        let meeting =
            kfq_app::meetings::add_item(&app.db.db, &operator, held.meeting.id, ty, today)
                .await
                .unwrap();
        // 太原's lead, named so that a leak shows.
        let lead: serde_json::Map<String, serde_json::Value> = serde_json::from_value(json!({
            "zone": "中北高新区", "name": "太原半导体项目二期", "investor": "某半导体公司",
            "registered_on": "2024-03-01"}))
        .unwrap();
        let lead = kfq_app::leads::create(&app.db.db, &operator, &lead, today)
            .await
            .unwrap();
        // 太原's attraction trip, named so that a leak shows.
        let trip: serde_json::Map<String, serde_json::Value> = serde_json::from_value(json!({
            "zone": "中北高新区", "kind": "trip", "name": "太原半导体项目招商",
            "started_on": "2024-03-01"}))
        .unwrap();
        let activity = kfq_app::activities::create(&app.db.db, &operator, &trip, today)
            .await
            .unwrap();
        let activities_before = kfq_store::activities(&app.db.db).await.unwrap();
        // 太原's delegated power and bundled service, named so that a leak shows.
        let power: serde_json::Map<String, serde_json::Value> = serde_json::from_value(json!({
            "zone": "中北高新区", "level": "city", "name": "太原半导体项目用地审批"}))
        .unwrap();
        let (power, _) = kfq_app::books::create::<kfq_core::delegation::DelegatedPower>(
            &app.db.db, &operator, &power, today,
        )
        .await
        .unwrap();
        let bundle: serde_json::Map<String, serde_json::Value> = serde_json::from_value(json!({
            "zone": "中北高新区", "name": "太原半导体项目开工一件事",
            "procedures": "施工许可、质量监督"}))
        .unwrap();
        let (bundle, _) = kfq_app::books::create::<kfq_core::delegation::ServiceBundle>(
            &app.db.db, &operator, &bundle, today,
        )
        .await
        .unwrap();
        // 太原's standard parcel, sold to its project, and its project's commitment.
        let parcel: serde_json::Map<String, serde_json::Value> = serde_json::from_value(json!({
            "zone": "中北高新区", "code": "TY-2024-01", "area_mu": "80",
            "location": "太原半导体项目东侧", "project": "TY-1", "allocated_on": "2024-03-01"}))
        .unwrap();
        let (parcel, _) = kfq_app::books::create::<kfq_core::land::StandardParcel>(
            &app.db.db, &operator, &parcel, today,
        )
        .await
        .unwrap();
        let promise: serde_json::Map<String, serde_json::Value> = serde_json::from_value(json!({
            "zone": "中北高新区", "project": "TY-1", "item": "施工许可",
            "content": "太原半导体项目按期验收", "filed_on": "2024-03-01"}))
        .unwrap();
        let (promise, _) = kfq_app::books::create::<kfq_core::commitment::Commitment>(
            &app.db.db, &operator, &promise, today,
        )
        .await
        .unwrap();
        let registration: serde_json::Map<String, serde_json::Value> =
            serde_json::from_value(json!({
                "project": "TY-1", "status": "applied", "applied_on": "2024-03-01",
                "note": "太原半导体项目入库申报"}))
            .unwrap();
        let (registration, _) = kfq_app::books::create::<kfq_core::registration::Registration>(
            &app.db.db,
            &operator,
            &registration,
            today,
        )
        .await
        .unwrap();
        let registrations_before = kfq_store::registrations(&app.db.db).await.unwrap();
        let finding: serde_json::Map<String, serde_json::Value> = serde_json::from_value(json!({
            "zone": "中北高新区", "year": "2024", "item": "4.3", "score": "1",
            "problem": "太原半导体项目周边消防站未建", "owner": "某局", "due_on": "2024-09-30"}))
        .unwrap();
        let (finding, _) = kfq_app::books::create::<kfq_core::chemical::Finding>(
            &app.db.db, &operator, &finding, today,
        )
        .await
        .unwrap();
        let findings_before = kfq_store::findings(&app.db.db).await.unwrap();
        let target: serde_json::Map<String, serde_json::Value> = serde_json::from_value(json!({
            "zone": "中北高新区", "year": "2024", "indicator": "signed_amount", "value": "80000",
            "note": "太原半导体项目签约目标"}))
        .unwrap();
        let (target, _) = kfq_app::books::create::<kfq_core::assessment::Target>(
            &app.db.db, &operator, &target, today,
        )
        .await
        .unwrap();
        let entered: serde_json::Map<String, serde_json::Value> = serde_json::from_value(json!({
            "zone": "中北高新区", "month": "2024-03", "indicator": "tax_revenue", "value": "12",
            "note": "太原半导体项目税收"}))
        .unwrap();
        let (entered, _) = kfq_app::books::create::<kfq_core::assessment::EnteredValue>(
            &app.db.db, &operator, &entered, today,
        )
        .await
        .unwrap();
        let targets_before = kfq_store::targets(&app.db.db).await.unwrap();
        let entered_before = kfq_store::entered_values(&app.db.db).await.unwrap();
        let parcels_before = kfq_store::parcels(&app.db.db).await.unwrap();
        let commitments_before = kfq_store::commitments(&app.db.db).await.unwrap();
        let powers_before = kfq_store::powers(&app.db.db).await.unwrap();
        let bundles_before = kfq_store::bundles(&app.db.db).await.unwrap();
        let leads_before = kfq_store::leads(&app.db.db).await.unwrap();
        // A reminder of 太原's city user, unread.
        let mut tx = app.db.db.begin().await.unwrap();
        let reminder = kfq_store::Notification {
            id: 0,
            username: "taiyuan".into(),
            key: "blocker/1/overdue/2024-03-31".into(),
            kind: kfq_core::reminder::ReminderKind::Overdue,
            title: "太原半导体项目电力增容未批".into(),
            link: format!("/blockers/{ty_blocker}"),
            due_on: None,
            created_at: chrono::Utc::now(),
            read_at: None,
        };
        let notification = kfq_store::insert_notification(&mut tx, &reminder)
            .await
            .unwrap()
            .unwrap();
        tx.commit().await.unwrap();
        let objects = Taiyuan {
            activity: activity.id,
            power: power.id,
            bundle: bundle.id,
            parcel: parcel.id,
            commitment: promise.id,
            registration: registration.id,
            finding: finding.id,
            target: target.id,
            entered: entered.id,
            notification,
            lead: lead.id,
            project: ty,
            blocker: ty_blocker,
            zone: ty_zone,
            meeting: meeting.meeting.id,
            item: meeting.agenda[0].id,
        };
        let city = kfq_app::users::create_token(&app.db.db, &operator, WALKER, "walk")
            .await
            .unwrap();
        let bodies = [
            Some(json!({})),
            Some(json!({
                "version": 1, "chain": "越权修改", "name": "越权", "zone": "中北高新区",
                "category": "产业类", "total_investment_wan": "1", "batch": "sign",
                "project_id": ty, "role": "province", "region": "140000", "disabled": true,
                "rule": "duplicate_project", "projects": ["TY-1"], "reason": "越权",
                "round": "2024-9", "username": "sneaky", "code": "123456",
            })),
        ];
        let form = format!(
            "version=1&chain=越权&name=越权&zone=中北高新区&category=产业类&\
             total_investment_wan=1&role=province&region=140000&disabled=true&\
             rule=duplicate_project&projects=TY-1&reason=越权&batch=sign&\
             project_id={ty}&round=2024-9&username=sneaky&code=123456&stage=started"
        );
        for &(method, path) in &table {
            let uri = out_of_scope(path, &objects);
            // Unsigned: only the public routes answer; the rest ask for a sign-in.
            let (status, _, _) = app.call_raw(method, &uri, None, None).await;
            if !PUBLIC.contains(&(method, path)) {
                assert!(
                    matches!(status.as_u16(), 401 | 303 | 403),
                    "{engine}: {method} {uri} unsigned answered {status}"
                );
            }
            // Signed in as 吕梁's city, asking for 太原 every way the route takes it: in the
            // path, the query, a JSON body and a form.
            for query in [
                "",
                "?region=140100",
                "?zone=中北高新区&city=140100&q=半导体",
            ] {
                let target = format!("{uri}{query}");
                let mut answers = Vec::new();
                if method == "GET" {
                    let (status, _, text) = app.call_raw(method, &target, Some(&city), None).await;
                    answers.push((status, text));
                } else {
                    for body in &bodies {
                        let (status, _, text) = app
                            .call_raw(method, &target, Some(&city), body.clone())
                            .await;
                        answers.push((status, text));
                    }
                    answers.push(app.call_form(method, &target, Some(&city), &form).await);
                }
                for (status, text) in answers {
                    if path == "/api/v1/projects" && method == "GET" && query.is_empty() {
                        assert_eq!(status, StatusCode::OK, "{engine}: still signed in");
                    }
                    assert!(
                        status.as_u16() < 500,
                        "{engine}: {method} {target} answered {status}: {text}"
                    );
                    for secret in ["太原半导体项目", "TY-1\"", ">TY-1<", "TY-1,"] {
                        assert!(
                            !text.contains(secret),
                            "{engine}: {method} {target} ({status}) shows {secret}"
                        );
                    }
                }
            }
        }
        // And nothing outside the city changed: 太原's project, the province's account.
        let after = kfq_store::load_projects(&app.db.db).await.unwrap();
        let taiyuan =
            |all: &[kfq_core::project::Project]| all.iter().find(|p| p.id == ty).cloned().unwrap();
        assert_eq!(taiyuan(&after), taiyuan(&before), "{engine}");
        assert_eq!(
            kfq_store::load_blockers(&app.db.db).await.unwrap(),
            blockers_before,
            "{engine}: 太原's blocker unchanged"
        );
        assert_eq!(
            kfq_store::month_figures(&app.db.db, month).await.unwrap(),
            figures_before,
            "{engine}: 太原's April unchanged"
        );
        assert!(
            kfq_store::monthly_returns(&app.db.db, month)
                .await
                .unwrap()
                .is_empty(),
            "{engine}: nobody moved a return"
        );
        assert_eq!(
            kfq_store::user_by_name(&app.db.db, "province")
                .await
                .unwrap(),
            province_before,
            "{engine}"
        );
        let meeting_after = kfq_app::meetings::get(&app.db.db, &operator, objects.meeting, today)
            .await
            .unwrap();
        assert_eq!(meeting_after, meeting, "{engine}: 太原's meeting unchanged");
        assert_eq!(
            kfq_store::leads(&app.db.db).await.unwrap(),
            leads_before,
            "{engine}: 太原's lead unchanged, none added there"
        );
        assert_eq!(
            kfq_store::activities(&app.db.db).await.unwrap(),
            activities_before,
            "{engine}: 太原's activity unchanged, none added there"
        );
        assert_eq!(
            kfq_store::registrations(&app.db.db).await.unwrap(),
            registrations_before,
            "{engine}: 太原's registration unchanged, none added there"
        );
        assert_eq!(
            kfq_store::targets(&app.db.db).await.unwrap(),
            targets_before,
            "{engine}: 太原's target unchanged, none added there"
        );
        assert_eq!(
            kfq_store::entered_values(&app.db.db).await.unwrap(),
            entered_before,
            "{engine}: 太原's figures unchanged, none added there"
        );
        assert_eq!(
            kfq_app::assessment::scheme(&app.db.db).await.unwrap(),
            kfq_core::assessment::Scheme::default(),
            "{engine}: the city cannot change the province's scheme"
        );
        assert_eq!(
            kfq_store::findings(&app.db.db).await.unwrap(),
            findings_before,
            "{engine}: 太原's review unchanged, none added there"
        );
        assert_eq!(
            kfq_app::chemical::checklist(&app.db.db).await.unwrap(),
            kfq_core::chemical::Checklist::default(),
            "{engine}: the city cannot change the province's checklist"
        );
        assert_eq!(
            kfq_app::registration::rule(&app.db.db).await.unwrap(),
            kfq_core::registration::RegistrationRule::default(),
            "{engine}: the city cannot change the province's rule"
        );
        assert_eq!(
            kfq_store::parcels(&app.db.db).await.unwrap(),
            parcels_before,
            "{engine}: 太原's parcel unchanged, none added there"
        );
        assert_eq!(
            kfq_store::commitments(&app.db.db).await.unwrap(),
            commitments_before,
            "{engine}: 太原's commitment unchanged, none added there"
        );
        assert_eq!(
            kfq_store::powers(&app.db.db).await.unwrap(),
            powers_before,
            "{engine}: 太原's power unchanged, none added there"
        );
        assert_eq!(
            kfq_store::bundles(&app.db.db).await.unwrap(),
            bundles_before,
            "{engine}: 太原's bundle unchanged, none added there"
        );
        assert_eq!(
            kfq_store::unread_count(&app.db.db, "taiyuan")
                .await
                .unwrap(),
            1,
            "{engine}: 太原's reminder still unread"
        );
        assert!(
            kfq_store::visits(&app.db.db, lead.id)
                .await
                .unwrap()
                .is_empty(),
            "{engine}: nothing logged on 太原's lead"
        );
        assert!(
            kfq_store::assignments(&app.db.db)
                .await
                .unwrap()
                .iter()
                .all(|a| a.project_id != ty),
            "{engine}: nobody assigned 太原's project"
        );
    }
}
