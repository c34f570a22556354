//! 审批事项与领办代办 on the pages: one procedure of a project with the form that records it,
//! and a region's 领办代办 figures by zone and by procedure.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use kfq_app::procedures::{AgencyReport, ProcedureView};
use kfq_app::reports::today;
use kfq_app::AppError;
use kfq_core::access::Action;
use kfq_core::procedure::Coded;
use kfq_core::Localized;

use super::format::optional_date;
use super::{error_page, render, words, Choice, Chrome, PageUser};
use crate::AppState;

/// A procedure as the checklist on a project's page shows it.
pub struct ProcedureRow {
    pub name: String,
    pub standard: bool,
    pub agent: String,
    pub accepted_on: String,
    pub submitted_on: String,
    pub approved_on: String,
    pub commitment: bool,
    pub status: &'static str,
    pub status_code: &'static str,
    pub days: String,
}

pub fn rows(items: &[ProcedureView], lang: kfq_core::Lang) -> Vec<ProcedureRow> {
    items
        .iter()
        .map(|p| ProcedureRow {
            name: p.name.clone(),
            standard: p.standard,
            agent: p.agent.clone(),
            accepted_on: optional_date(p.accepted_on, lang),
            submitted_on: optional_date(p.submitted_on, lang),
            approved_on: optional_date(p.approved_on, lang),
            commitment: p.commitment,
            status: p.status.label(lang),
            status_code: p.status.code(),
            days: p.days.map(|d| d.to_string()).unwrap_or_default(),
        })
        .collect()
}

#[derive(Template)]
#[template(path = "procedure.html")]
struct ProcedurePage {
    chrome: Chrome,
    project_id: i64,
    code: String,
    p: ProcedureView,
    status_code: &'static str,
    status_label: &'static str,
    agents: Vec<Choice>,
    edits: bool,
    error: Option<String>,
}

fn iso(d: &Option<chrono::NaiveDate>) -> String {
    d.map(|d| d.to_string()).unwrap_or_default()
}

async fn procedure_page(
    s: &AppState,
    user: &PageUser,
    id: i64,
    name: &str,
    error: Option<String>,
) -> Response {
    let lang = user.lang();
    let result = async {
        let list = kfq_app::procedures::checklist(&s.db, &user.actor, id).await?;
        let agents = kfq_app::assignments::candidates(&s.db, &user.actor, id).await?;
        Ok::<_, AppError>((list, agents))
    };
    let (list, candidates) = match result.await {
        Ok(x) => x,
        Err(e) => return error_page(user, e),
    };
    let p = list
        .items
        .iter()
        .find(|p| p.name == name)
        .cloned()
        .unwrap_or_else(|| ProcedureView::blank(name));
    let mut agents = vec![Choice::new("", words(lang).nobody, &p.agent)];
    agents.extend(
        candidates
            .iter()
            .filter(|(d, _)| *d == kfq_core::assignment::Duty::Agent)
            .flat_map(|(_, people)| people)
            .map(|c| Choice::new(&c.username, c.label(), &p.agent)),
    );
    if !p.agent.is_empty() && !agents.iter().any(|a| a.value == p.agent) {
        agents.push(Choice::new(&p.agent, &p.agent, &p.agent));
    }
    let status = if error.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let page = ProcedurePage {
        chrome: user.chrome(words(lang).procedures, "projects"),
        project_id: id,
        code: list.code,
        status_code: p.status.code(),
        status_label: p.status.label(lang),
        p,
        agents,
        edits: user.actor.role.allows(Action::HandleProcedures),
        error,
    };
    render(&page, status)
}

/// `GET /projects/{id}/procedures/{name}`: one procedure and the form that records it.
pub async fn page(
    State(s): State<AppState>,
    user: PageUser,
    Path((id, name)): Path<(i64, String)>,
) -> Response {
    procedure_page(&s, &user, id, &name, None).await
}

/// `GET /projects/{id}/procedures?name=`: another procedure, by the name typed.
pub async fn other(
    State(s): State<AppState>,
    user: PageUser,
    Path(id): Path<i64>,
    Query(params): Query<HashMap<String, String>>,
) -> Response {
    let name = params.get("name").map(|n| n.trim()).unwrap_or_default();
    if !kfq_core::procedure::valid_name(name) {
        let refused = AppError::BadArgument {
            name: "name",
            value: name.into(),
            expected: kfq_app::Expected::ProcedureNames,
        };
        return error_page(&user, refused);
    }
    procedure_page(&s, &user, id, name, None).await
}

/// `POST /projects/{id}/procedures/{name}`: records it; back to the project's checklist.
pub async fn save(
    State(s): State<AppState>,
    user: PageUser,
    Path((id, name)): Path<(i64, String)>,
    Form(mut form): Form<HashMap<String, String>>,
) -> Response {
    let version = super::form_version(&form);
    // An unticked box is not sent at all.
    let ticked = form.remove("commitment").is_some();
    let mut fields = super::form_fields(form);
    fields.insert("commitment".into(), serde_json::Value::Bool(ticked));
    match kfq_app::procedures::save(&s.db, &user.actor, id, &name, version, &fields, today()).await
    {
        Ok(_) => Redirect::to(&format!("/projects/{id}?saved=1#procedures")).into_response(),
        Err(e @ (AppError::Forbidden | AppError::NotFound)) => error_page(&user, e),
        Err(e) => {
            let w = words(user.lang());
            let e = super::relabel(e, |field| match field {
                "agent" => Some(w.agent),
                "accepted_on" => Some(w.accepted_on),
                "submitted_on" => Some(w.submitted_on),
                "approved_on" => Some(w.approved_on),
                "commitment" => Some(w.commitment),
                "note" => Some(w.note),
                _ => None,
            });
            let message = e.message(user.lang());
            procedure_page(&s, &user, id, &name, Some(message)).await
        }
    }
}

#[derive(Template)]
#[template(path = "agency.html")]
struct AgencyPage {
    chrome: Chrome,
    r: AgencyReport,
    from: String,
    to: String,
}

/// `GET /agency?region=&from=&to=`: 领办代办 of the user's region, this year by default.
pub async fn agency(
    State(s): State<AppState>,
    user: PageUser,
    Query(params): Query<HashMap<String, String>>,
) -> Response {
    let lang = user.lang();
    let result = async {
        let get = |k: &str| params.get(k).map(String::as_str);
        let (from, to) = kfq_app::reports::period(("from", get("from")), ("to", get("to")))?;
        let region = params.get("region").map(String::as_str);
        kfq_app::procedures::report(&s.db, &user.actor, region, from, to).await
    };
    match result.await {
        Ok(r) => {
            let page = AgencyPage {
                chrome: user.chrome(words(lang).agency, "agency"),
                from: r.from.to_string(),
                to: r.to.to_string(),
                r,
            };
            render(&page, StatusCode::OK)
        }
        Err(e) => error_page(&user, e),
    }
}
