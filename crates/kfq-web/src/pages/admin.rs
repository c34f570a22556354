//! 账号管理与审计 — the pages of the three administrators of 三员分立: the system administrator
//! creates, disables and resets accounts; the security administrator grants roles and scopes;
//! the province and the audit administrator search the audit log and export it.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use kfq_app::users::UserView;
use kfq_app::AppError;
use kfq_core::access::{Action, Role};
use kfq_core::Localized;

use super::{error_page, render, Chrome, PageUser};
use crate::AppState;

/// Where an administrator lands instead of the dashboard (`None`: the dashboard is theirs).
pub fn start_page(user: &PageUser) -> Option<Response> {
    let role = user.actor.role;
    if role.allows(Action::Read) {
        return None;
    }
    Some(
        if role.allows(Action::ManageAccounts) || role.allows(Action::GrantRoles) {
            Redirect::to("/users").into_response()
        } else if role.allows(Action::ReadAudit) {
            Redirect::to("/audit").into_response()
        } else {
            let message = super::words(user.lang()).awaiting_role.to_string();
            error_page_with(user, message, StatusCode::FORBIDDEN)
        },
    )
}

fn error_page_with(user: &PageUser, message: String, status: StatusCode) -> Response {
    let page = super::ErrorPage {
        chrome: user.chrome(user.lang().pick("提示", "Note"), ""),
        message,
    };
    render(&page, status)
}

pub struct RoleOption {
    pub code: &'static str,
    pub label: &'static str,
}

pub struct AccountRow {
    pub username: String,
    pub display_name: String,
    pub role: String,
    pub role_code: &'static str,
    pub region: String,
    pub disabled: bool,
    /// Administrators' accounts are the operator's to manage: no buttons.
    pub managed: bool,
}

#[derive(Template)]
#[template(path = "users.html")]
struct UsersPage {
    chrome: Chrome,
    rows: Vec<AccountRow>,
    roles: Vec<RoleOption>,
    /// The system administrator's forms: create, disable, reset.
    manages: bool,
    /// The security administrator's form: grant.
    grants: bool,
    done: Option<String>,
    secret: Option<(String, String)>,
    error: Option<String>,
}

async fn users_page(
    s: &AppState,
    user: &PageUser,
    done: Option<String>,
    secret: Option<(String, String)>,
    error: Option<String>,
) -> Response {
    let lang = user.lang();
    let accounts = match kfq_app::users::list(&s.db, &user.actor).await {
        Ok(accounts) => accounts,
        Err(e) => return error_page(user, e),
    };
    let row = |u: &UserView| AccountRow {
        username: u.username.clone(),
        display_name: u.display_name.clone(),
        role: u.role.label(lang).into(),
        role_code: u.role.code(),
        region: u.scope.name(),
        disabled: u.disabled,
        managed: !u.role.is_administrator() && user.actor.user_id != Some(u.id),
    };
    let status = if error.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let page = UsersPage {
        chrome: user.chrome(super::words(lang).accounts, "users"),
        rows: accounts.iter().map(row).collect(),
        roles: Role::BUSINESS
            .iter()
            .chain([Role::Pending].iter())
            .map(|r| RoleOption {
                code: r.code(),
                label: r.label(lang),
            })
            .collect(),
        manages: user.actor.role.allows(Action::ManageAccounts),
        grants: user.actor.role.allows(Action::GrantRoles),
        done,
        secret,
        error,
    };
    render(&page, status)
}

/// `GET /users`: the accounts, with the forms of the administrator's own duty.
pub async fn users(State(s): State<AppState>, user: PageUser) -> Response {
    users_page(&s, &user, None, None, None).await
}

fn field<'a>(form: &'a HashMap<String, String>, name: &str) -> &'a str {
    form.get(name)
        .map(String::as_str)
        .unwrap_or_default()
        .trim()
}

/// `POST /users`: the system administrator creates an account awaiting its role.
pub async fn create_user(
    State(s): State<AppState>,
    user: PageUser,
    Form(form): Form<HashMap<String, String>>,
) -> Response {
    let (username, name) = (field(&form, "username"), field(&form, "display_name"));
    let result = kfq_app::users::open_account(&s.db, &user.actor, username, name)
        .await
        .map(|(created, password)| (created.username, password));
    match result {
        Ok(secret) => users_page(&s, &user, None, Some(secret), None).await,
        Err(e) => users_page(&s, &user, None, None, Some(e.message(user.lang()))).await,
    }
}

/// `POST /users/{username}/grant`: the security administrator grants a role and region.
pub async fn grant(
    State(s): State<AppState>,
    user: PageUser,
    Path(username): Path<String>,
    Form(form): Form<HashMap<String, String>>,
) -> Response {
    let result = async {
        let role_text = field(&form, "role");
        let role = Role::parse(role_text).ok_or(AppError::BadArgument {
            name: "role",
            value: role_text.into(),
            expected: kfq_app::Expected::Role,
        })?;
        kfq_app::users::grant(&s.db, &user.actor, &username, role, field(&form, "region")).await
    };
    answer(&s, &user, result.await.map(|_| ())).await
}

/// `POST /users/{username}/state`: the system administrator disables or enables an account.
pub async fn set_state(
    State(s): State<AppState>,
    user: PageUser,
    Path(username): Path<String>,
    Form(form): Form<HashMap<String, String>>,
) -> Response {
    let disabled = field(&form, "disabled") == "true";
    let result = kfq_app::users::set_disabled(&s.db, &user.actor, &username, disabled).await;
    answer(&s, &user, result.map(|_| ())).await
}

/// `POST /users/{username}/password`: the system administrator resets a password.
pub async fn reset_password(
    State(s): State<AppState>,
    user: PageUser,
    Path(username): Path<String>,
) -> Response {
    match kfq_app::users::reset_password(&s.db, &user.actor, &username).await {
        Ok(password) => users_page(&s, &user, None, Some((username, password)), None).await,
        Err(e) => users_page(&s, &user, None, None, Some(e.message(user.lang()))).await,
    }
}

async fn answer(s: &AppState, user: &PageUser, result: Result<(), AppError>) -> Response {
    match result {
        Ok(()) => {
            let saved = super::words(user.lang()).saved.to_string();
            users_page(s, user, Some(saved), None, None).await
        }
        Err(AppError::Forbidden) => error_page(user, AppError::Forbidden),
        Err(e) => users_page(s, user, None, None, Some(e.message(user.lang()))).await,
    }
}

pub struct AuditRow {
    pub id: i64,
    pub at: String,
    pub user: String,
    pub ip: String,
    pub action: String,
    pub object: String,
    pub before: String,
    pub after: String,
}

#[derive(Template)]
#[template(path = "audit.html")]
struct AuditPage {
    chrome: Chrome,
    since: String,
    until: String,
    user: String,
    action: String,
    object: String,
    rows: Vec<AuditRow>,
    /// The query string of the search, for the export link.
    query: String,
    chain: String,
    chain_whole: bool,
}

const PAGE_ROWS: i64 = 500;

/// `GET /audit?since=&until=&user=&action=&object=`: the audit log, newest first, searchable,
/// with the state of its hash chain.
pub async fn audit(
    State(s): State<AppState>,
    user: PageUser,
    Query(params): Query<HashMap<String, String>>,
) -> Response {
    let lang = user.lang();
    let result = async {
        let query = crate::api::audit_query(&params)?;
        let entries = kfq_app::audit::list(&s.db, &user.actor, &query, PAGE_ROWS).await?;
        let chain = kfq_app::audit::verify(&s.db, &user.actor).await?;
        Ok::<_, AppError>((entries, chain))
    };
    let (entries, chain) = match result.await {
        Ok(found) => found,
        Err(e) => return error_page(&user, e),
    };
    let w = super::words(lang);
    let (chain, chain_whole) = match chain {
        kfq_core::audit::ChainCheck::Whole { entries, .. } => {
            (format!("{}（{entries}）", w.chain_whole), true)
        }
        kfq_core::audit::ChainCheck::BrokenAt { id, entries_before } => (
            AppError::AuditChainBroken { id, entries_before }.message(lang),
            false,
        ),
    };
    let text = |v: &Option<serde_json::Value>| v.as_ref().map_or(String::new(), |v| v.to_string());
    let get = |k: &str| params.get(k).cloned().unwrap_or_default();
    let query: String = ["since", "until", "user", "action", "object"]
        .iter()
        .filter(|k| !get(k).is_empty())
        .map(|k| format!("{k}={}", super::encode(&get(k))))
        .collect::<Vec<_>>()
        .join("&");
    let page = AuditPage {
        chrome: user.chrome(w.audit_log, "audit"),
        since: get("since"),
        until: get("until"),
        user: get("user"),
        action: get("action"),
        object: get("object"),
        rows: entries
            .iter()
            .map(|e| AuditRow {
                id: e.id,
                at: e
                    .at
                    .with_timezone(&chrono::Local)
                    .format("%Y-%m-%d %H:%M:%S")
                    .to_string(),
                user: e.user.clone(),
                ip: e.ip.clone().unwrap_or_default(),
                action: e.action.clone(),
                object: format!("{} {}", e.object_type, e.object_id),
                before: text(&e.before),
                after: text(&e.after),
            })
            .collect(),
        query,
        chain,
        chain_whole,
    };
    render(&page, StatusCode::OK)
}

/// `GET /audit/export.csv?…`: the entries the search finds (up to 10,000), as CSV; the export
/// itself is recorded in the audit trail.
pub async fn audit_csv(
    State(s): State<AppState>,
    user: PageUser,
    Query(params): Query<HashMap<String, String>>,
) -> Response {
    let result = async {
        let query = crate::api::audit_query(&params)?;
        let entries = kfq_app::audit::list(&s.db, &user.actor, &query, 10_000).await?;
        let filters: serde_json::Map<String, serde_json::Value> = params
            .iter()
            .map(|(k, v)| (k.clone(), serde_json::Value::String(v.clone())))
            .collect();
        kfq_app::audit::record_export(
            &s.db,
            &user.actor,
            "audit",
            serde_json::json!({"format": "csv", "filters": filters, "rows": entries.len()}),
        )
        .await?;
        Ok::<_, AppError>(kfq_app::audit::csv(&entries, user.lang()))
    };
    match result.await {
        Ok(body) => super::projects::download(body, "text/csv; charset=utf-8", "audit.csv"),
        Err(e) => error_page(&user, e),
    }
}

pub struct PolicyRow {
    pub key: &'static str,
    pub label: &'static str,
    pub value: String,
}

#[derive(Template)]
#[template(path = "policy.html")]
struct PolicyPage {
    chrome: Chrome,
    rows: Vec<PolicyRow>,
    /// The security administrator's form.
    sets: bool,
    done: Option<String>,
    error: Option<String>,
}

fn policy_rows(policy: &kfq_app::policy::Policy, lang: kfq_core::Lang) -> Vec<PolicyRow> {
    let row = |key, zh, en, value: String| PolicyRow {
        key,
        label: lang.pick(zh, en),
        value,
    };
    vec![
        row(
            "lockout_attempts",
            "连续登录失败锁定次数",
            "failed sign-ins that lock",
            policy.lockout_attempts.to_string(),
        ),
        row(
            "lockout_minutes",
            "统计与锁定时长（分钟）",
            "lock window and length (minutes)",
            policy.lockout_minutes.to_string(),
        ),
        row(
            "idle_minutes",
            "会话空闲超时（分钟）",
            "idle session timeout (minutes)",
            policy.idle_minutes.to_string(),
        ),
        row(
            "session_hours",
            "会话最长时长（小时）",
            "longest session (hours)",
            policy.session_hours.to_string(),
        ),
        row(
            "password_min_length",
            "密码最短长度",
            "shortest password",
            policy.password_min_length.to_string(),
        ),
        row(
            "password_min_kinds",
            "密码至少包含的字符种类",
            "kinds of characters a password needs",
            policy.password_min_kinds.to_string(),
        ),
        row(
            "totp_required",
            "须用动态口令的角色",
            "roles that need a second factor",
            policy
                .totp_required
                .iter()
                .map(|r| r.code())
                .collect::<Vec<_>>()
                .join(","),
        ),
        row(
            "audit_retention_months",
            "审计日志保留（月）",
            "audit trail kept (months)",
            policy.audit_retention_months.to_string(),
        ),
    ]
}

async fn policy_page(
    s: &AppState,
    user: &PageUser,
    done: Option<String>,
    error: Option<String>,
) -> Response {
    let policy = match kfq_app::policy::show(&s.db, &user.actor).await {
        Ok(policy) => policy,
        Err(e) => return error_page(user, e),
    };
    let lang = user.lang();
    let status = if error.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let page = PolicyPage {
        chrome: user.chrome(super::words(lang).policy, "policy"),
        rows: policy_rows(&policy, lang),
        sets: matches!(user.actor.role, Role::SecurityAdmin),
        done,
        error,
    };
    render(&page, status)
}

/// `GET /policy`: the security policy; the security administrator's form to change it.
pub async fn policy(State(s): State<AppState>, user: PageUser) -> Response {
    policy_page(&s, &user, None, None).await
}

/// `POST /policy`: the security administrator changes the policy (all fields or none).
pub async fn change_policy(
    State(s): State<AppState>,
    user: PageUser,
    Form(form): Form<HashMap<String, String>>,
) -> Response {
    let changes = super::form_fields(form);
    match kfq_app::policy::change(&s.db, &user.actor, &changes).await {
        Ok(_) => {
            let saved = super::words(user.lang()).saved.to_string();
            policy_page(&s, &user, Some(saved), None).await
        }
        Err(e @ (AppError::Forbidden | AppError::Duty(_))) => error_page(&user, e),
        Err(e) => policy_page(&s, &user, None, Some(e.message(user.lang()))).await,
    }
}
