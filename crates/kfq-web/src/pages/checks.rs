//! 数据检查 — the open findings in the user's region, each with its rule, evidence and the
//! projects it names (linked), and a form to set one aside with a reason. The project page and
//! the dashboard show the same rows.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use kfq_app::checks::CheckFinding;
use kfq_app::AppError;
use kfq_core::checks::{rule_label, Finding, Severity};
use kfq_core::region::{regions, RegionCode};
use kfq_core::Lang;

use super::projects::encode;
use super::{error_page, render, words, Chrome, PageUser};
use crate::AppState;

/// A project a finding names: linked when the user may open it.
pub struct Named {
    pub id: Option<i64>,
    pub code: String,
}

pub struct FindingRow {
    pub rule: String,
    pub rule_code: &'static str,
    pub error: bool,
    pub projects: Vec<Named>,
    /// The codes, comma-joined, as the dismissal form sends them.
    pub key: String,
    pub score: String,
    pub evidence: String,
    pub dismissed: Option<String>,
}

pub fn rows(
    findings: &[(Finding, Option<kfq_app::checks::Dismissal>)],
    ids: &HashMap<String, i64>,
    lang: Lang,
) -> Vec<FindingRow> {
    findings
        .iter()
        .map(|(f, d)| FindingRow {
            rule: rule_label(f.rule, lang).into(),
            rule_code: f.rule,
            error: f.severity == Severity::Error,
            projects: f
                .projects
                .iter()
                .map(|c| Named {
                    id: ids.get(c).copied(),
                    code: c.clone(),
                })
                .collect(),
            key: f.projects.join(","),
            score: f.score.clone().unwrap_or_default(),
            evidence: f.evidence.clone(),
            dismissed: d.as_ref().map(|d| {
                format!(
                    "{} {}：{}",
                    d.by,
                    d.at.with_timezone(&chrono::Local).format("%Y-%m-%d"),
                    d.reason
                )
            }),
        })
        .collect()
}

/// The rows of the open findings of these projects, as the user may see them.
pub async fn open_rows(
    s: &AppState,
    user: &PageUser,
    codes: &[String],
) -> Result<Vec<FindingRow>, AppError> {
    let open: Vec<_> = kfq_app::checks::warnings(&s.db, &user.actor, codes)
        .await?
        .into_iter()
        .map(|f| (f, None))
        .collect();
    Ok(rows(&open, &visible_ids(s, user).await?, user.lang()))
}

/// The projects the user may open, by code.
pub async fn visible_ids(s: &AppState, user: &PageUser) -> Result<HashMap<String, i64>, AppError> {
    let zones: HashMap<i64, bool> = kfq_store::zones(&s.db)
        .await?
        .iter()
        .map(|z| (z.id, user.actor.sees(z)))
        .collect();
    Ok(kfq_store::projects(&s.db)
        .await?
        .into_iter()
        .filter(|p| zones.get(&p.zone_id).copied().unwrap_or(false))
        .map(|p| (p.code.to_string(), p.id))
        .collect())
}

/// One line of the dashboard's findings card: a city (province view) or a rule (below).
pub struct FindingGroup {
    pub name: String,
    pub href: String,
    pub duplicates: usize,
    pub errors: usize,
    pub others: usize,
    pub total: usize,
}

/// The open findings grouped by city when the user oversees a province or the country, else
/// by rule.
pub fn groups(findings: &[CheckFinding], by_city: bool, lang: Lang) -> Vec<FindingGroup> {
    // Keyed by city code or rule name; cities come out in code order.
    let mut groups: std::collections::BTreeMap<String, FindingGroup> = Default::default();
    for f in findings {
        let key = if by_city {
            f.city.clone()
        } else {
            f.rule.to_string()
        };
        let g = groups.entry(key).or_insert_with(|| {
            let (name, href) = if by_city {
                let name = RegionCode::parse(&f.city)
                    .map(|c| regions().name(c).to_string())
                    .unwrap_or_else(|_| f.city.clone());
                (name, format!("/checks?region={}", f.city))
            } else {
                (
                    rule_label(f.rule, lang).to_string(),
                    format!("/checks?rule={}", f.rule),
                )
            };
            FindingGroup {
                name,
                href,
                duplicates: 0,
                errors: 0,
                others: 0,
                total: 0,
            }
        });
        g.total += 1;
        if f.rule == "duplicate_project" || f.rule == "duplicate_sign_entry" {
            g.duplicates += 1;
        } else if f.severity == Severity::Error {
            g.errors += 1;
        } else {
            g.others += 1;
        }
    }
    groups.into_values().collect()
}

#[derive(Template)]
#[template(path = "checks.html")]
struct ChecksPage {
    chrome: Chrome,
    region: String,
    region_name: String,
    all: bool,
    rules: Vec<super::Choice>,
    findings: Vec<FindingRow>,
    dismissed_count: usize,
    editable: bool,
    back: String,
    done: bool,
    error: Option<String>,
}

pub async fn page(
    State(s): State<AppState>,
    user: PageUser,
    Query(params): Query<HashMap<String, String>>,
) -> Response {
    show(&s, &user, &params, None, StatusCode::OK).await
}

async fn show(
    s: &AppState,
    user: &PageUser,
    params: &HashMap<String, String>,
    error: Option<String>,
    status: StatusCode,
) -> Response {
    let lang = user.lang();
    let region = params.get("region").cloned().unwrap_or_default();
    let rule = params.get("rule").cloned().unwrap_or_default();
    let all = params.get("all").is_some_and(|v| v == "1" || v == "true");
    let result = async {
        let checks = kfq_app::checks::checks_with(
            &s.db,
            &user.actor,
            Some(region.as_str()).filter(|r| !r.is_empty()),
            all,
        )
        .await?;
        let ids = visible_ids(s, user).await?;
        Ok::<_, AppError>((checks, ids))
    };
    let (checks, ids) = match result.await {
        Ok(x) => x,
        Err(e) => return error_page(user, e),
    };
    let chosen: Vec<(Finding, Option<kfq_app::checks::Dismissal>)> = checks
        .findings
        .into_iter()
        .filter(|f| rule.is_empty() || f.rule == rule)
        .map(|f| (f.finding, f.dismissed))
        .collect();
    let mut query = format!("region={}&rule={}", encode(&region), encode(&rule));
    if all {
        query.push_str("&all=1");
    }
    let page = ChecksPage {
        chrome: user.chrome(words(lang).findings, "checks"),
        region_name: checks.name,
        region,
        all,
        rules: kfq_core::checks::RULES
            .iter()
            .map(|r| super::Choice {
                value: r.to_string(),
                label: rule_label(r, lang).to_string(),
                selected: *r == rule,
            })
            .collect(),
        findings: rows(&chosen, &ids, lang),
        dismissed_count: checks.dismissed,
        editable: user
            .actor
            .role
            .allows(kfq_core::access::Action::EditProject),
        back: format!("/checks?{query}"),
        done: params.contains_key("done"),
        error,
    };
    render(&page, status)
}

/// `POST /checks/dismiss`: rule, projects (comma-joined codes), reason, and the page to go
/// back to.
pub async fn dismiss(
    State(s): State<AppState>,
    user: PageUser,
    Form(form): Form<HashMap<String, String>>,
) -> Response {
    let get = |k: &str| form.get(k).map(String::as_str).unwrap_or_default();
    let projects: Vec<String> = get("projects")
        .split(',')
        .map(|c| c.trim().to_string())
        .filter(|c| !c.is_empty())
        .collect();
    // Only a path of this site: never a redirect elsewhere.
    let back = Some(get("back"))
        .filter(|b| b.starts_with('/') && !b.starts_with("//") && !b.contains('\\'))
        .unwrap_or("/checks");
    match kfq_app::checks::dismiss(&s.db, &user.actor, get("rule"), &projects, get("reason")).await
    {
        Ok(_) => {
            let sep = if back.contains('?') { '&' } else { '?' };
            Redirect::to(&format!("{back}{sep}done=1")).into_response()
        }
        Err(e @ (AppError::BadArgument { .. } | AppError::AlreadyDismissed(_))) => {
            let message = kfq_core::Localized::message(&e, user.lang());
            show(
                &s,
                &user,
                &HashMap::new(),
                Some(message),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(e) => error_page(&user, e),
    }
}
