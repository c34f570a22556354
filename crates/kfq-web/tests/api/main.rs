//! The JSON API as a script or the browser uses it, on SQLite and PostgreSQL: sign-in, every
//! role against every scope, edits and their conflicts.

use axum::body::Body;
use axum::http::{Request, StatusCode};
use axum::Router;
use http_body_util::BodyExt;
use kfq_core::access::Role;
use kfq_core::Lang;
use kfq_store::testing::TestDb;
use serde_json::{json, Value};
use tower::ServiceExt;

mod access;
mod activities;
mod assessment;
mod blockers;
mod bulletins;
mod checks;
mod chemical;
mod dashboards;
mod delegation;
mod duties;
mod land;
mod leads;
mod ledger_import;
mod meetings;
mod monthly;
mod open_data;
mod outage;
mod procedures;
mod projects;
mod registration;
mod reminders;
mod rounds;
mod security;
mod work;

/// Two cities, two zones in 吕梁 and one in 太原, a project in each zone, one round.
const ZONES: &str = "开发区名称,所属市,级别\n吕梁经济技术开发区,141100,省级\n孝义经济开发区,141100,省级\n中北高新区,140100,省级\n";
const PROJECTS: &str = "项目编号,项目名称,所属开发区,项目类别,总投资（万元）,签约日期,开工日期\n\
LL-1,吕梁经开区氢能项目,吕梁经济技术开发区,产业类,50000,2024-01-10,2024-03-01\n\
XY-1,孝义碳纤维项目,孝义经济开发区,产业类,30000,2024-02-01,\n\
TY-1,太原半导体项目,中北高新区,产业类,80000,2024-01-05,2024-02-20\n";
const ROUNDS: &str = "活动,日期,主会场\n2024-1,2024-02-23,太原\n";
const ENTRIES: &str = "活动,批次,项目编号\n2024-1,签约,LL-1\n2024-1,签约,XY-1\n2024-1,签约,TY-1\n";
const MONTHLY: &str = "项目编号,月份,本月完成投资（万元）\nLL-1,2024-03,1200\nTY-1,2024-04,800\n";
/// One blocker, in 太原 (its description names the project, so a leak shows in any answer).
const BLOCKERS: &str = "项目编号,问题描述,责任单位,责任人,限办日期\nTY-1,太原半导体项目电力增容未批,供电公司,赵六,2024-03-31\n";

/// The fields a refusal names (422 `errors`), in order.
pub fn fields(refused: &Value) -> Vec<String> {
    let mut found: Vec<String> = refused["errors"]
        .as_array()
        .map(|e| {
            e.iter()
                .map(|e| e["field"].as_str().unwrap_or_default().to_string())
                .collect()
        })
        .unwrap_or_default();
    found.sort();
    found
}

/// The users of the fixture: name, role, region.
pub const USERS: &[(&str, Role, &str)] = &[
    ("province", Role::Province, "140000"),
    ("lvliang", Role::City, "141100"),
    ("taiyuan", Role::City, "140100"),
    ("lljkq", Role::Zone, "吕梁经济技术开发区"),
    ("lljkq.dept", Role::Department, "吕梁经济技术开发区"),
    ("lljkq.agent", Role::Agent, "吕梁经济技术开发区"),
    ("leader", Role::Leader, "140000"),
    ("lvliang.leader", Role::Leader, "141100"),
];

pub const PASSWORD: &str = "Kfq-test-2024";

pub struct App {
    pub router: Router,
    pub db: TestDb,
}

impl App {
    pub async fn both() -> Vec<App> {
        let sqlite = TestDb::sqlite().await.unwrap();
        let postgres = TestDb::postgres().await.unwrap_or_else(|e| {
            panic!("PostgreSQL is needed for the tests (KFQ_TEST_POSTGRES): {e}")
        });
        let mut apps = Vec::new();
        for db in [sqlite, postgres] {
            apps.push(App::with_fixture(db).await);
        }
        apps
    }

    async fn with_fixture(db: TestDb) -> App {
        let dir = tempfile::tempdir().unwrap();
        let mut files = Vec::new();
        for (name, text) in [
            ("开发区", ZONES),
            ("项目", PROJECTS),
            ("活动", ROUNDS),
            ("三个一批", ENTRIES),
            ("月报", MONTHLY),
            ("堵点", BLOCKERS),
        ] {
            let path = dir.path().join(format!("{name}.csv"));
            std::fs::write(&path, text).unwrap();
            files.push(path);
        }
        kfq_app::import::import_files(&db.db, &files, "fixture", Lang::Zh)
            .await
            .unwrap();
        let operator = kfq_app::Actor::operator("fixture", Lang::Zh);
        for &(username, role, region) in USERS {
            let new = kfq_app::users::NewUser {
                username: username.into(),
                display_name: String::new(),
                role,
                region: region.into(),
                password: PASSWORD.into(),
                must_change_password: false,
            };
            kfq_app::users::add_user(&db.db, &operator, new)
                .await
                .unwrap();
        }
        let router = kfq_web::router(kfq_web::AppState::new(db.db.clone(), Lang::Zh));
        App { router, db }
    }

    pub fn engine(&self) -> &'static str {
        match self.db.db.backend() {
            kfq_store::Backend::Sqlite => "sqlite",
            kfq_store::Backend::Postgres => "postgres",
        }
    }

    pub async fn call(
        &self,
        method: &str,
        uri: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> (StatusCode, Value) {
        self.call_with(method, uri, token, body, &[]).await
    }

    pub async fn call_with(
        &self,
        method: &str,
        uri: &str,
        token: Option<&str>,
        body: Option<Value>,
        headers: &[(&str, &str)],
    ) -> (StatusCode, Value) {
        let (status, _, text) = self.send(method, uri, token, body, headers).await;
        (status, serde_json::from_str(&text).unwrap_or(Value::Null))
    }

    /// A request answered as it is: status, headers and body text.
    pub async fn call_raw(
        &self,
        method: &str,
        uri: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> (StatusCode, axum::http::HeaderMap, String) {
        self.send(method, uri, token, body, &[]).await
    }

    /// A GET whose answer is a file: its bytes as they came.
    pub async fn download(&self, uri: &str, token: &str) -> (StatusCode, Vec<u8>) {
        let request = Request::builder()
            .method("GET")
            .uri(uri)
            .header("authorization", format!("Bearer {token}"))
            .body(Body::empty())
            .unwrap();
        let response = self.router.clone().oneshot(request).await.unwrap();
        let status = response.status();
        let bytes = response.into_body().collect().await.unwrap().to_bytes();
        (status, bytes.to_vec())
    }

    /// A form as a page sends it (`application/x-www-form-urlencoded`).
    pub async fn call_form(
        &self,
        method: &str,
        uri: &str,
        token: Option<&str>,
        form: &str,
    ) -> (StatusCode, String) {
        let kind = "application/x-www-form-urlencoded";
        self.call_text(method, uri, token, Some(kind), form).await
    }

    /// A body sent as it is, with the content type given (or none).
    pub async fn call_text(
        &self,
        method: &str,
        uri: &str,
        token: Option<&str>,
        content_type: Option<&str>,
        body: &str,
    ) -> (StatusCode, String) {
        let mut request = Request::builder().method(method).uri(uri);
        if let Some(kind) = content_type {
            request = request.header("content-type", kind);
        }
        if let Some(token) = token {
            request = request.header("authorization", format!("Bearer {token}"));
        }
        let request = request.body(Body::from(body.to_string())).unwrap();
        let response = self.router.clone().oneshot(request).await.unwrap();
        let status = response.status();
        let bytes = response.into_body().collect().await.unwrap().to_bytes();
        (status, String::from_utf8_lossy(&bytes).into_owned())
    }

    async fn send(
        &self,
        method: &str,
        uri: &str,
        token: Option<&str>,
        body: Option<Value>,
        headers: &[(&str, &str)],
    ) -> (StatusCode, axum::http::HeaderMap, String) {
        let mut request = Request::builder().method(method).uri(uri);
        if let Some(token) = token {
            request = request.header("authorization", format!("Bearer {token}"));
        }
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        let request = match body {
            Some(b) => request
                .header("content-type", "application/json")
                .body(Body::from(b.to_string())),
            None => request.body(Body::empty()),
        }
        .unwrap();
        let response = self.router.clone().oneshot(request).await.unwrap();
        let (status, headers) = (response.status(), response.headers().clone());
        let bytes = response.into_body().collect().await.unwrap().to_bytes();
        (
            status,
            headers,
            String::from_utf8_lossy(&bytes).into_owned(),
        )
    }

    /// Signs in and returns the session secret.
    pub async fn sign_in(&self, username: &str) -> String {
        let (status, body) = self
            .call(
                "POST",
                "/api/v1/session",
                None,
                Some(json!({"username": username, "password": PASSWORD})),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{username}: {body}");
        body["session"].as_str().unwrap().to_string()
    }

    pub async fn project_id(&self, code: &str) -> i64 {
        kfq_store::load_projects(&self.db.db)
            .await
            .unwrap()
            .into_iter()
            .find(|p| p.code.as_str() == code)
            .unwrap()
            .id
    }
}
