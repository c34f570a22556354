//! The pages: server-rendered HTML (askama templates in `templates/`), charts drawn by
//! `static/app.js` from JSON the page carries. Every page acts as the signed-in user through
//! the same use cases as the API.

mod activities;
mod admin;
mod assessment;
mod blockers;
mod books;
mod checks;
mod chemical;
mod dashboard;
mod delegation;
mod format;
mod land;
mod leads;
mod meetings;
mod monthly;
mod notifications;
mod procedures;
mod projects;
mod registration;
mod rounds;
mod upload;

mod words;
mod work;

use std::collections::HashMap;

use askama::Template;
use axum::extract::{FromRequestParts, Path, State};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::Form;
use kfq_app::users::UserView;
use kfq_app::{Actor, AppError};
use kfq_core::access::Action;
use kfq_core::assessment::{EnteredValue, Target};
use kfq_core::chemical::Finding;
use kfq_core::commitment::Commitment;
use kfq_core::delegation::{DelegatedPower, ServiceBundle};
use kfq_core::land::StandardParcel;
use kfq_core::registration::Registration;
use kfq_core::{Lang, Localized};

use crate::auth::{secret, visitor_lang};
use crate::AppState;
pub(crate) use projects::encode;
pub use words::{words, Words};

/// The pages' routes, added to `routes`.
pub fn routes(routes: crate::routes::Routes) -> crate::routes::Routes {
    routes
        .get("/", dashboard::page)
        .get("/login", login_page)
        .post("/login", login)
        .post("/logout", logout)
        .post("/lang", switch_lang)
        .get("/password", password_page)
        .post("/password", change_password)
        .post("/totp", start_totp)
        .post("/totp/confirm", confirm_totp)
        .post("/sessions/end", sign_out_everywhere)
        .get("/projects", projects::list)
        .post("/projects", projects::create)
        .get("/projects/new", projects::new_form)
        .post("/projects/enrol", projects::enrol_all)
        .get("/projects/export.csv", projects::export_csv)
        .get("/projects/export.xlsx", projects::export_xlsx)
        .get("/projects/{id}", projects::page)
        .post("/projects/{id}", projects::save)
        .post("/projects/{id}/stage", projects::stage)
        .get("/blockers", blockers::list)
        .post("/blockers", blockers::create)
        .get("/blockers/{id}", blockers::page)
        .post("/blockers/{id}", blockers::save)
        .post("/blockers/{id}/escalate", blockers::escalate)
        .post("/blockers/{id}/notes", blockers::note)
        .get("/agency", procedures::agency)
        .get("/notifications", notifications::page)
        .post("/notifications/read", notifications::read_all)
        .post("/notifications/{id}/read", notifications::read_one)
        .get("/import", upload::form)
        .upload("/import", upload::upload)
        .get("/books", books::index)
        .upload("/books/import", books::import)
        .get("/powers", books::list::<DelegatedPower>)
        .post("/powers", books::create::<DelegatedPower>)
        .get("/powers/export.xlsx", books::export::<DelegatedPower>)
        .get("/powers/template.xlsx", books::template::<DelegatedPower>)
        .get("/powers/{id}", books::page::<DelegatedPower>)
        .post("/powers/{id}", books::save::<DelegatedPower>)
        .get("/bundles", books::list::<ServiceBundle>)
        .post("/bundles", books::create::<ServiceBundle>)
        .get("/bundles/export.xlsx", books::export::<ServiceBundle>)
        .get("/bundles/template.xlsx", books::template::<ServiceBundle>)
        .get("/bundles/{id}", books::page::<ServiceBundle>)
        .post("/bundles/{id}", books::save::<ServiceBundle>)
        .get("/parcels", books::list::<StandardParcel>)
        .post("/parcels", books::create::<StandardParcel>)
        .get("/parcels/export.xlsx", books::export::<StandardParcel>)
        .get("/parcels/template.xlsx", books::template::<StandardParcel>)
        .get("/parcels/{id}", books::page::<StandardParcel>)
        .post("/parcels/{id}", books::save::<StandardParcel>)
        .get("/commitments", books::list::<Commitment>)
        .post("/commitments", books::create::<Commitment>)
        .get("/commitments/export.xlsx", books::export::<Commitment>)
        .get("/commitments/template.xlsx", books::template::<Commitment>)
        .get("/commitments/{id}", books::page::<Commitment>)
        .post("/commitments/{id}", books::save::<Commitment>)
        .get("/registrations", books::list::<Registration>)
        .post("/registrations", books::create::<Registration>)
        .post("/registrations/rule", registration::set_rule)
        .get("/registrations/export.xlsx", books::export::<Registration>)
        .get(
            "/registrations/template.xlsx",
            books::template::<Registration>,
        )
        .get("/registrations/{id}", books::page::<Registration>)
        .post("/registrations/{id}", books::save::<Registration>)
        .get("/chemical-review", books::list::<Finding>)
        .post("/chemical-review", books::create::<Finding>)
        .get("/chemical-review/export.xlsx", books::export::<Finding>)
        .get("/chemical-review/template.xlsx", books::template::<Finding>)
        .get("/chemical-review/{id}", books::page::<Finding>)
        .post("/chemical-review/{id}", books::save::<Finding>)
        .get("/targets", books::list::<Target>)
        .post("/targets", books::create::<Target>)
        .get("/targets/export.xlsx", books::export::<Target>)
        .get("/targets/template.xlsx", books::template::<Target>)
        .get("/targets/{id}", books::page::<Target>)
        .post("/targets/{id}", books::save::<Target>)
        .get("/indicators", books::list::<EnteredValue>)
        .post("/indicators", books::create::<EnteredValue>)
        .get("/indicators/export.xlsx", books::export::<EnteredValue>)
        .get("/indicators/template.xlsx", books::template::<EnteredValue>)
        .get("/indicators/{id}", books::page::<EnteredValue>)
        .post("/indicators/{id}", books::save::<EnteredValue>)
        .get("/assessment", assessment::ranking)
        .get("/activities", activities::list)
        .get("/activities/export.xlsx", activities::export_xlsx)
        .post("/activities", activities::create)
        .get("/activities/{id}", activities::page)
        .post("/activities/{id}", activities::save)
        .get("/leads", leads::list)
        .get("/leads/export.xlsx", leads::export_xlsx)
        .post("/leads", leads::create)
        .get("/leads/{id}", leads::page)
        .post("/leads/{id}", leads::save)
        .post("/leads/{id}/visits", leads::visit)
        .post("/leads/{id}/sign", leads::sign)
        .get("/projects/{id}/procedures", procedures::other)
        .get("/projects/{id}/procedures/{name}", procedures::page)
        .post("/projects/{id}/procedures/{name}", procedures::save)
        .get("/work", work::page)
        .post("/work/away", work::away)
        .post("/projects/{id}/assignment", work::assign)
        .get("/meetings", meetings::list)
        .post("/meetings", meetings::create)
        .get("/meetings/{id}", meetings::page)
        .post("/meetings/{id}/items", meetings::add_item)
        .post("/meetings/{id}/details", meetings::details)
        .post("/meetings/{id}/items/{item}", meetings::decide)
        .post("/meetings/{id}/items/{item}/remove", meetings::remove_item)
        .post(
            "/meetings/{id}/items/{item}/blockers",
            meetings::open_blocker,
        )
        .post("/meetings/{id}/{step}", meetings::settle)
        .get("/monthly", monthly::overview)
        .get("/monthly/{zone}/{month}", monthly::sheet)
        .post("/monthly/{zone}/{month}", monthly::fill)
        .post("/monthly/{zone}/{month}/{step}", monthly::step)
        .post("/projects/{id}/plan", monthly::set_plan)
        .get("/checks", checks::page)
        .post("/checks/dismiss", checks::dismiss)
        .get("/rounds", rounds::list)
        .post("/rounds", rounds::create)
        .get("/rounds/{id}", rounds::page)
        .post("/rounds/{id}/entries", rounds::enrol)
        .post("/rounds/{id}/lock", rounds::lock)
        .get("/users", admin::users)
        .post("/users", admin::create_user)
        .post("/users/{username}/grant", admin::grant)
        .post("/users/{username}/state", admin::set_state)
        .post("/users/{username}/password", admin::reset_password)
        .get("/policy", admin::policy)
        .post("/policy", admin::change_policy)
        .get("/audit", admin::audit)
        .get("/audit/export.csv", admin::audit_csv)
        .get("/static/{file}", asset)
}

/// What every page shows around its content.
pub struct Chrome {
    pub w: &'static Words,
    pub html_lang: &'static str,
    pub title: String,
    pub nav: &'static str,
    pub signed_in: bool,
    pub user: String,
    pub role: String,
    pub scope: String,
    /// The nav shows project data to those who may read it (not the administrators of 三员分立),
    /// accounts to the system and security administrators, the audit log to those who read it.
    pub reads: bool,
    pub accounts: bool,
    pub audits: bool,
    /// Unread reminders (the badge beside 提醒).
    pub unread: i64,
}

impl Chrome {
    pub fn new(
        user: Option<&UserView>,
        lang: Lang,
        title: impl Into<String>,
        nav: &'static str,
    ) -> Chrome {
        Chrome {
            w: words(lang),
            html_lang: if lang == Lang::En { "en" } else { "zh-CN" },
            title: title.into(),
            nav,
            signed_in: user.is_some(),
            user: user.map_or(String::new(), |u| {
                if u.display_name.is_empty() {
                    u.username.clone()
                } else {
                    u.display_name.clone()
                }
            }),
            role: user.map_or(String::new(), |u| u.role.label(lang).to_string()),
            scope: user.map_or(String::new(), |u| u.scope.name()),
            reads: user.is_some_and(|u| u.role.allows(Action::Read)),
            accounts: user.is_some_and(|u| {
                u.role.allows(Action::ManageAccounts) || u.role.allows(Action::GrantRoles)
            }),
            audits: user.is_some_and(|u| u.role.allows(Action::ReadAudit)),
            unread: 0,
        }
    }
}

/// A signed-in visitor of the pages; anyone else is sent to the sign-in page.
pub struct PageUser {
    pub user: UserView,
    pub actor: Actor,
    pub secret: String,
    /// Unread reminders when the page was asked for.
    pub unread: i64,
}

impl PageUser {
    pub fn lang(&self) -> Lang {
        self.actor.lang
    }

    pub fn chrome(&self, title: impl Into<String>, nav: &'static str) -> Chrome {
        Chrome {
            unread: self.unread,
            ..Chrome::new(Some(&self.user), self.lang(), title, nav)
        }
    }
}

impl FromRequestParts<AppState> for PageUser {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<PageUser, Response> {
        let to_login = || Redirect::to("/login").into_response();
        let secret = secret(&parts.headers).ok_or_else(to_login)?;
        let user = match kfq_app::users::user_for_secret(&state.db, &secret).await {
            Ok(Some(user)) => user,
            Ok(None) => return Err(to_login()),
            // The database cannot be reached (or failed): say so, do not ask to sign in again.
            Err(e) => {
                let lang = visitor_lang(&parts.headers, state.lang);
                return Err(visitor_error_page(lang, e));
            }
        };
        if (user.must_change_password || user.must_enrol_totp)
            && !crate::auth::MAY_WITH_INITIAL_PASSWORD.contains(&parts.uri.path())
        {
            return Err(Redirect::to("/password").into_response());
        }
        let actor = kfq_app::Actor {
            ip: crate::auth::ClientIp::of(parts).0,
            ..user.actor()
        };
        // The badge is a courtesy: a page still shows when it cannot be counted.
        let unread = kfq_app::reminders::unread(&state.db, &actor)
            .await
            .unwrap_or_default();
        Ok(PageUser {
            actor,
            user,
            secret,
            unread,
        })
    }
}

/// Renders a template, or a plain error if the template itself fails.
pub fn render(template: &impl Template, status: StatusCode) -> Response {
    match template.render() {
        Ok(html) => (status, Html(html)).into_response(),
        Err(e) => {
            eprintln!("kfq: template: {e}");
            (StatusCode::INTERNAL_SERVER_ERROR, "internal error").into_response()
        }
    }
}

#[derive(Template)]
#[template(path = "error.html")]
pub(super) struct ErrorPage {
    chrome: Chrome,
    message: String,
}

/// An error as a page for a visitor not (yet) known as a user.
pub fn visitor_error_page(lang: Lang, error: AppError) -> Response {
    let message = error.message(lang);
    let status = crate::ApiError::new(error, lang).status();
    let message = match status {
        StatusCode::INTERNAL_SERVER_ERROR => AppError::Internal.message(lang),
        _ => message,
    };
    let page = ErrorPage {
        chrome: Chrome::new(None, lang, lang.pick("出错了", "Error"), ""),
        message,
    };
    render(&page, status)
}

/// An error as a page in the user's language, with the status the API would give.
pub fn error_page(user: &PageUser, error: AppError) -> Response {
    let message = error.message(user.lang());
    let status = crate::ApiError::new(error, user.lang()).status();
    let message = match status {
        StatusCode::INTERNAL_SERVER_ERROR => AppError::Internal.message(user.lang()),
        _ => message,
    };
    let page = ErrorPage {
        chrome: user.chrome(user.lang().pick("出错了", "Error"), ""),
        message,
    };
    render(&page, status)
}

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    chrome: Chrome,
    error: Option<String>,
    username: String,
}

async fn login_page(State(s): State<AppState>, headers: HeaderMap) -> Response {
    let lang = visitor_lang(&headers, s.lang);
    render(
        &LoginPage {
            chrome: Chrome::new(None, lang, words(lang).sign_in, ""),
            error: None,
            username: String::new(),
        },
        StatusCode::OK,
    )
}

async fn login(
    State(s): State<AppState>,
    headers: HeaderMap,
    ip: crate::auth::ClientIp,
    Form(form): Form<HashMap<String, String>>,
) -> Response {
    let lang = visitor_lang(&headers, s.lang);
    let username = form.get("username").cloned().unwrap_or_default();
    let password = form.get("password").cloned().unwrap_or_default();
    let totp = form.get("totp").map(String::as_str);
    match kfq_app::users::sign_in_with(&s.db, username.trim(), &password, totp, ip.0).await {
        Ok((secret, _)) => {
            let cookie = crate::auth::new_session_cookie(&s, &headers, &secret).await;
            ([(header::SET_COOKIE, cookie)], Redirect::to("/")).into_response()
        }
        Err(e) => render(
            &LoginPage {
                chrome: Chrome::new(None, lang, words(lang).sign_in, ""),
                error: Some(e.message(lang)),
                username,
            },
            StatusCode::UNAUTHORIZED,
        ),
    }
}

async fn logout(State(s): State<AppState>, headers: HeaderMap, user: PageUser) -> Response {
    let _ = kfq_app::users::sign_out(&s.db, &user.actor, &user.secret).await;
    let clear = crate::auth::cleared_session_cookie(&headers);
    ([(header::SET_COOKIE, clear)], Redirect::to("/login")).into_response()
}

/// Ends every session of the user, this one too.
async fn sign_out_everywhere(
    State(s): State<AppState>,
    headers: HeaderMap,
    user: PageUser,
) -> Response {
    if let Err(e) = kfq_app::users::sign_out_everywhere(&s.db, &user.actor).await {
        return error_page(&user, e);
    }
    let clear = crate::auth::cleared_session_cookie(&headers);
    ([(header::SET_COOKIE, clear)], Redirect::to("/login")).into_response()
}

async fn switch_lang(
    State(s): State<AppState>,
    user: PageUser,
    headers: HeaderMap,
    Form(form): Form<HashMap<String, String>>,
) -> Response {
    let lang = form
        .get("lang")
        .and_then(|l| Lang::parse(l))
        .unwrap_or_default();
    if let Err(e) = kfq_app::users::set_lang(&s.db, &user.actor, lang).await {
        return error_page(&user, e);
    }
    let back = headers
        .get(header::REFERER)
        .and_then(|r| r.to_str().ok())
        .and_then(|r| {
            r.find("://")
                .and_then(|i| r[i + 3..].find('/').map(|j| r[i + 3 + j..].to_string()))
        })
        .unwrap_or_else(|| "/".into());
    Redirect::to(&back).into_response()
}

#[derive(Template)]
#[template(path = "password.html")]
struct PasswordPage {
    chrome: Chrome,
    error: Option<String>,
    done: bool,
    totp_on: bool,
    totp_required: bool,
    totp_setup: Option<kfq_app::users::TotpSetup>,
}

impl PasswordPage {
    fn of(user: &PageUser, error: Option<String>, done: bool) -> PasswordPage {
        PasswordPage {
            chrome: user.chrome(words(user.lang()).change_password, ""),
            error,
            done,
            totp_on: user.user.totp,
            totp_required: user.user.must_enrol_totp,
            totp_setup: None,
        }
    }
}

/// Starts setting up a second factor: the page shows the secret and asks for a code.
async fn start_totp(State(s): State<AppState>, user: PageUser) -> Response {
    match kfq_app::users::start_totp(&s.db, &user.actor).await {
        Ok(setup) => render(
            &PasswordPage {
                totp_setup: Some(setup),
                ..PasswordPage::of(&user, None, false)
            },
            StatusCode::OK,
        ),
        Err(e) => error_page(&user, e),
    }
}

/// Confirms the second factor with a code from the app.
async fn confirm_totp(
    State(s): State<AppState>,
    user: PageUser,
    Form(form): Form<HashMap<String, String>>,
) -> Response {
    let code = form.get("code").map(String::as_str).unwrap_or_default();
    match kfq_app::users::confirm_totp(&s.db, &user.actor, code).await {
        Ok(()) => render(
            &PasswordPage {
                totp_on: true,
                totp_required: false,
                ..PasswordPage::of(&user, None, true)
            },
            StatusCode::OK,
        ),
        Err(e) => render(
            &PasswordPage::of(&user, Some(e.message(user.lang())), false),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
    }
}

async fn password_page(user: PageUser) -> Response {
    render(&PasswordPage::of(&user, None, false), StatusCode::OK)
}

async fn change_password(
    State(s): State<AppState>,
    user: PageUser,
    Form(form): Form<HashMap<String, String>>,
) -> Response {
    let old = form.get("old").map(String::as_str).unwrap_or_default();
    let new = form.get("new").map(String::as_str).unwrap_or_default();
    match kfq_app::users::change_password(&s.db, &user.actor, old, new).await {
        Ok(()) => render(&PasswordPage::of(&user, None, true), StatusCode::OK),
        Err(e) => render(
            &PasswordPage::of(&user, Some(e.message(user.lang())), false),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
    }
}

const ECHARTS: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/echarts.min.js"));

/// The assets, served from the binary itself: no CDN, nothing from outside.
async fn asset(Path(file): Path<String>) -> Response {
    let (body, kind): (&[u8], &str) = match file.as_str() {
        "app.css" => (
            include_bytes!("../../static/app.css"),
            "text/css; charset=utf-8",
        ),
        "app.js" => (
            include_bytes!("../../static/app.js"),
            "text/javascript; charset=utf-8",
        ),
        "echarts.min.js" => (ECHARTS, "text/javascript; charset=utf-8"),
        _ => return StatusCode::NOT_FOUND.into_response(),
    };
    (
        [
            (header::CONTENT_TYPE, kind),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        body,
    )
        .into_response()
}

/// A `<select>` option.
/// A submitted form as the fields of a change, the way the API receives them.
/// The version a form was filled from (its hidden `version` field; 0 when it has none).
/// A refusal as a page shows it: each field named by the label its form gives it (`label`),
/// not by its code; fields without one keep their code.
pub fn relabel<'a>(error: AppError, label: impl Fn(&str) -> Option<&'a str>) -> AppError {
    let AppError::Invalid(errors) = error else {
        return error;
    };
    AppError::Invalid(
        errors
            .into_iter()
            .map(|e| kfq_app::projects::FieldError {
                field: label(&e.field).map_or(e.field, str::to_string),
                message: e.message,
            })
            .collect(),
    )
}

/// A list downloaded as a one-sheet workbook `{what}.xlsx`, the export recorded in the audit
/// trail with the filters and how many rows it held.
pub async fn workbook(
    s: &AppState,
    user: &PageUser,
    what: &str,
    filters: &HashMap<String, String>,
    found: Result<(usize, (&str, kfq_app::render::ReportTable)), AppError>,
) -> Response {
    let file = format!("{what}.xlsx");
    let result = async {
        let (rows, (sheet, table)) = found?;
        let detail = serde_json::json!({"format": "xlsx", "filters": filters, "rows": rows});
        kfq_app::audit::record_export(&s.db, &user.actor, what, detail).await?;
        kfq_app::render::xlsx_bytes(&file, &[(sheet.to_string(), table)])
    };
    match result.await {
        Ok(body) => projects::download(
            body,
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            &file,
        ),
        Err(e) => error_page(user, e),
    }
}

pub fn form_version(form: &HashMap<String, String>) -> i64 {
    form.get("version")
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or_default()
}

pub fn form_fields(form: HashMap<String, String>) -> serde_json::Map<String, serde_json::Value> {
    form.into_iter()
        .map(|(k, v)| (k, serde_json::Value::String(v)))
        .collect()
}

pub struct Choice {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

impl Choice {
    pub fn new(value: impl Into<String>, label: impl Into<String>, current: &str) -> Choice {
        let value = value.into();
        Choice {
            selected: value == current,
            value,
            label: label.into(),
        }
    }
}

/// The three batches as options: 签约一批, 开工一批, 投产一批.
pub fn batch_choices(lang: Lang) -> Vec<Choice> {
    kfq_core::round::BatchKind::ALL
        .iter()
        .map(|b| {
            Choice::new(
                b.code(),
                format!("{}{}", b.label(lang), lang.pick("一批", " batch")),
                "",
            )
        })
        .collect()
}

/// Chart data for `app.js`: the ECharts option, links per category and series, and the notice
/// shown when charts are not installed.
pub fn chart_json(option: serde_json::Value, links: serde_json::Value, lang: Lang) -> String {
    let spec = serde_json::json!({"option": option, "links": links, "missing": words(lang).charts_missing});
    // Inside <script type="application/json">: keep "</" from closing the element.
    spec.to_string().replace("</", "<\\/")
}

/// A decimal string as a JSON number (for charts), without passing through binary floats here.
pub fn json_number(text: &str) -> serde_json::Value {
    serde_json::from_str(text).unwrap_or(serde_json::Value::Null)
}
