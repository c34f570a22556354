//! 我的工作 and 包联责任 on the pages: the user's own projects, blockers and due items with the
//! switch that marks them away; the assignment form on a project's page.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use kfq_app::assignments::MyWork;
use kfq_app::AppError;
use kfq_core::assignment::{Coded, Duty};

use super::blockers::{row, Row};
use super::format::optional_date;
use super::{error_page, render, words, Choice, Chrome, PageUser};
use crate::AppState;

/// A duty on a project's page: who holds it, and the accounts that may.
pub struct DutyRow {
    pub code: &'static str,
    pub label: &'static str,
    pub holder: String,
    pub away: bool,
    pub choices: Vec<Choice>,
}

/// The project's assignment for its page: the version seen, each duty, who works it now.
pub async fn duty_rows(
    s: &AppState,
    user: &PageUser,
    id: i64,
) -> Result<(i64, Vec<DutyRow>, String), AppError> {
    let lang = user.lang();
    let assignment = kfq_app::assignments::get(&s.db, &user.actor, id).await?;
    let candidates = kfq_app::assignments::candidates(&s.db, &user.actor, id).await?;
    let rows = assignment
        .holders
        .iter()
        .map(|h| {
            let current = h.person.as_ref().map_or("", |p| p.username.as_str());
            let mut choices = vec![Choice::new("", words(lang).nobody, current)];
            // The holder stays a choice even when no longer eligible, so that saving another
            // duty does not silently take this one away (kept as it was, it is not checked again).
            if let Some(p) = h.person.as_ref() {
                let listed = candidates.iter().any(|(d, people)| {
                    *d == h.duty && people.iter().any(|c| c.username == p.username)
                });
                if !listed {
                    choices.push(Choice::new(&p.username, p.label(), current));
                }
            }
            choices.extend(
                candidates
                    .iter()
                    .filter(|(d, _)| *d == h.duty)
                    .flat_map(|(_, people)| people)
                    .map(|p| Choice::new(&p.username, p.label(), current)),
            );
            DutyRow {
                code: h.duty.code(),
                label: h.duty.label(lang),
                holder: h.person.as_ref().map(|p| p.label()).unwrap_or_default(),
                away: h.person.as_ref().is_some_and(|p| p.away),
                choices,
            }
        })
        .collect();
    Ok((
        assignment.version,
        rows,
        assignment.responsible.unwrap_or_default(),
    ))
}

/// `POST /projects/{id}/assignment`: sets the project's 包联领导, A角, B角 and 代办员.
pub async fn assign(
    State(s): State<AppState>,
    user: PageUser,
    Path(id): Path<i64>,
    Form(form): Form<HashMap<String, String>>,
) -> Response {
    let version = super::form_version(&form);
    let fields = super::form_fields(form);
    match kfq_app::assignments::set(&s.db, &user.actor, id, version, &fields).await {
        Ok(_) => Redirect::to(&format!("/projects/{id}?saved=1")).into_response(),
        Err(e) => {
            let lang = user.lang();
            let named = super::relabel(e, |f| Duty::parse(f).map(|d| d.label(lang)));
            error_page(&user, named)
        }
    }
}

struct ProjectLine {
    project_id: i64,
    code: String,
    name: String,
    zone: String,
    stage: &'static str,
    duties: Vec<&'static str>,
    covering_for: String,
}

struct DueLine {
    kind: &'static str,
    kind_label: &'static str,
    title: String,
    due_on: String,
    overdue: bool,
    link: String,
}

#[derive(Template)]
#[template(path = "work.html")]
struct WorkPage {
    chrome: Chrome,
    away: bool,
    projects: Vec<ProjectLine>,
    blockers: Vec<Row>,
    due: Vec<DueLine>,
    error: Option<String>,
}

fn page_of(user: &PageUser, work: &MyWork, error: Option<String>) -> Response {
    let lang = user.lang();
    let page = WorkPage {
        chrome: user.chrome(words(lang).my_work, "work"),
        away: work.away,
        projects: work
            .projects
            .iter()
            .map(|p| ProjectLine {
                project_id: p.project_id,
                code: p.code.clone(),
                name: p.name.clone(),
                zone: p.zone.clone(),
                stage: p.stage.label(lang),
                duties: p.duties.iter().map(|d| d.label(lang)).collect(),
                covering_for: p.covering_for.clone().unwrap_or_default(),
            })
            .collect(),
        blockers: work.blockers.iter().map(|b| row(b, lang)).collect(),
        due: work
            .due
            .iter()
            .map(|d| DueLine {
                kind: d.kind.code(),
                kind_label: d.kind.label(lang),
                title: d.title.clone(),
                due_on: optional_date(d.due_on, lang),
                overdue: d.overdue,
                link: d.link.clone(),
            })
            .collect(),
        error,
    };
    render(&page, StatusCode::OK)
}

/// `GET /work`: 我的工作.
pub async fn page(State(s): State<AppState>, user: PageUser) -> Response {
    let today = kfq_app::reports::today();
    match kfq_app::assignments::my_work(&s.db, &user.actor, today).await {
        Ok(work) => page_of(&user, &work, None),
        Err(e) => error_page(&user, e),
    }
}

/// `POST /work/away` `away=1|0`: away, or back.
pub async fn away(
    State(s): State<AppState>,
    user: PageUser,
    Form(form): Form<HashMap<String, String>>,
) -> Response {
    let away = form.get("away").is_some_and(|v| v == "1");
    match kfq_app::assignments::set_away(&s.db, &user.actor, away).await {
        Ok(()) => Redirect::to("/work").into_response(),
        Err(e) => error_page(&user, e),
    }
}
