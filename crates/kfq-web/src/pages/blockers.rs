//! 堵点台账 — the blocker ledger's pages: the list in the user's scope (overdue ones flagged
//! and first), one blocker with its notes and the forms to change, escalate and note it, and
//! the form on a project's page that raises one.

use kfq_core::blocker::Coded;
use std::collections::HashMap;

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use kfq_app::blockers::{BlockerNote, BlockerQuery, BlockerView};
use kfq_app::AppError;
use kfq_core::access::Action;
use kfq_core::blocker::{BlockerCategory, BlockerLevel, BlockerStatus};
use kfq_core::{Lang, Localized};

use super::format::{moment, optional_date};
use super::{error_page, render, words, Choice, Chrome, PageUser};
use crate::AppState;

/// A blocker as a row of the list or the head of its page.
pub struct Row {
    pub id: i64,
    pub project_id: i64,
    pub code: String,
    pub project: String,
    pub zone: String,
    pub description: String,
    pub category: &'static str,
    pub status: &'static str,
    pub level: &'static str,
    pub owner: String,
    pub due_on: String,
    pub due_on_iso: String,
    pub resolved_on: String,
    pub resolution: String,
    pub overdue: bool,
    pub days_overdue: i64,
    pub version: i64,
}

pub fn row(b: &BlockerView, lang: Lang) -> Row {
    Row {
        id: b.id,
        project_id: b.project_id,
        code: b.code.clone(),
        project: b.project.clone(),
        zone: b.zone.clone(),
        description: b.description.clone(),
        category: b.category.label(lang),
        status: b.status.label(lang),
        level: b.level.label(lang),
        owner: format!("{} {}", b.owner_unit, b.owner).trim().to_string(),
        due_on: optional_date(b.due_on, lang),
        due_on_iso: b.due_on.map(|d| d.to_string()).unwrap_or_default(),
        resolved_on: optional_date(b.resolved_on, lang),
        resolution: b.resolution.clone(),
        overdue: b.overdue,
        days_overdue: b.days_overdue.unwrap_or_default(),
        version: b.version,
    }
}

/// A coded list as the options of a select, `current` selected.
pub fn choices<T: Coded>(lang: Lang, current: &str) -> Vec<Choice> {
    T::ALL
        .iter()
        .map(|v| Choice::new(v.code(), v.label(lang), current))
        .collect()
}

#[derive(Template)]
#[template(path = "blockers.html")]
struct ListPage {
    chrome: Chrome,
    rows: Vec<Row>,
    statuses: Vec<Choice>,
    categories: Vec<Choice>,
    levels: Vec<Choice>,
    overdue: bool,
    overdue_count: usize,
    error: Option<String>,
}

/// `GET /blockers?status=&category=&level=&overdue=1`: the ledger in the user's scope.
pub async fn list(
    State(s): State<AppState>,
    user: PageUser,
    Query(params): Query<HashMap<String, String>>,
) -> Response {
    let lang = user.lang();
    let get = |k: &str| params.get(k).cloned().unwrap_or_default();
    let query = BlockerQuery {
        region: params.get("region").cloned(),
        status: params.get("status").cloned(),
        category: params.get("category").cloned(),
        level: params.get("level").cloned(),
        overdue: params
            .get("overdue")
            .is_some_and(|v| v == "1" || v == "true"),
        project: params.get("project").cloned(),
    };
    let today = chrono::Local::now().date_naive();
    let (found, error) = match kfq_app::blockers::list(&s.db, &user.actor, &query, today).await {
        Ok(found) => (found, None),
        Err(e @ (AppError::Forbidden | AppError::UnknownRegion(_))) => return error_page(&user, e),
        Err(e) => (Vec::new(), Some(e.message(lang))),
    };
    let page = ListPage {
        chrome: user.chrome(words(lang).blocker_ledger, "blockers"),
        overdue_count: found.iter().filter(|b| b.overdue).count(),
        rows: found.iter().map(|b| row(b, lang)).collect(),
        statuses: choices::<BlockerStatus>(lang, &get("status")),
        categories: choices::<BlockerCategory>(lang, &get("category")),
        levels: choices::<BlockerLevel>(lang, &get("level")),
        overdue: query.overdue,
        error,
    };
    render(&page, StatusCode::OK)
}

#[derive(Template)]
#[template(path = "blocker.html")]
struct BlockerPage {
    chrome: Chrome,
    b: Row,
    notes: Vec<(String, String, String)>,
    statuses: Vec<Choice>,
    categories: Vec<Choice>,
    edits: bool,
    escalates: bool,
    error: Option<String>,
    done: Option<String>,
}

async fn blocker_page(
    s: &AppState,
    user: &PageUser,
    id: i64,
    done: Option<String>,
    error: Option<String>,
) -> Response {
    let lang = user.lang();
    let today = chrono::Local::now().date_naive();
    let (b, notes) = match kfq_app::blockers::get(&s.db, &user.actor, id, today).await {
        Ok(found) => found,
        Err(e) => return error_page(user, e),
    };
    let edits = user.actor.role.allows(Action::EditProject);
    let status = if error.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let page = BlockerPage {
        chrome: user.chrome(words(lang).blocker_ledger, "blockers"),
        statuses: choices::<BlockerStatus>(lang, b.status.code()),
        categories: choices::<BlockerCategory>(lang, b.category.code()),
        escalates: edits && b.status.is_open() && b.level.above().is_some(),
        edits,
        notes: notes
            .iter()
            .map(|n: &BlockerNote| (moment(n.at), n.author.clone(), n.note.clone()))
            .collect(),
        b: row(&b, lang),
        error,
        done,
    };
    render(&page, status)
}

/// `GET /blockers/{id}`: one blocker, its notes and the forms (`?saved=1` after a change).
pub async fn page(
    State(s): State<AppState>,
    user: PageUser,
    Path(id): Path<i64>,
    Query(params): Query<HashMap<String, String>>,
) -> Response {
    let done = params
        .contains_key("saved")
        .then(|| words(user.lang()).saved.to_string());
    blocker_page(&s, &user, id, done, None).await
}

/// A refusal as the page shows it: fields named as the form names them, not by their codes.
pub(super) fn labelled(error: AppError, lang: Lang) -> AppError {
    let AppError::Invalid(errors) = error else {
        return error;
    };
    let w = words(lang);
    super::relabel(AppError::Invalid(errors), |field| match field {
        "description" => Some(w.description),
        "category" => Some(w.blocker_category),
        "status" => Some(w.status),
        "owner_unit" => Some(w.owner_unit),
        "owner" => Some(w.owner_person),
        "due_on" => Some(w.due_on),
        "resolved_on" => Some(w.resolved_on),
        "resolution" => Some(w.resolution),
        _ => None,
    })
}

async fn after(s: &AppState, user: &PageUser, id: i64, result: Result<(), AppError>) -> Response {
    match result {
        // Post, then redirect: a refresh of the page does not send the change again.
        Ok(()) => Redirect::to(&format!("/blockers/{id}?saved=1")).into_response(),
        Err(e @ (AppError::Forbidden | AppError::NotFound)) => error_page(user, e),
        Err(e) => {
            let message = labelled(e, user.lang()).message(user.lang());
            blocker_page(s, user, id, None, Some(message)).await
        }
    }
}

/// `POST /blockers/{id}`: saves a change (status, owner, due date, resolution, note).
pub async fn save(
    State(s): State<AppState>,
    user: PageUser,
    Path(id): Path<i64>,
    Form(form): Form<HashMap<String, String>>,
) -> Response {
    let version = super::form_version(&form);
    let today = chrono::Local::now().date_naive();
    let fields = super::form_fields(form);
    let result = kfq_app::blockers::update(&s.db, &user.actor, id, version, &fields, today).await;
    after(&s, &user, id, result.map(|_| ())).await
}

/// `POST /blockers/{id}/escalate`: one level up, with why.
pub async fn escalate(
    State(s): State<AppState>,
    user: PageUser,
    Path(id): Path<i64>,
    Form(form): Form<HashMap<String, String>>,
) -> Response {
    let version = super::form_version(&form);
    let note = form.get("note").cloned().unwrap_or_default();
    let today = chrono::Local::now().date_naive();
    let result = kfq_app::blockers::escalate(&s.db, &user.actor, id, version, &note, today).await;
    after(&s, &user, id, result.map(|_| ())).await
}

/// `POST /blockers/{id}/notes`: a progress note.
pub async fn note(
    State(s): State<AppState>,
    user: PageUser,
    Path(id): Path<i64>,
    Form(form): Form<HashMap<String, String>>,
) -> Response {
    let text = form.get("note").cloned().unwrap_or_default();
    let result = kfq_app::blockers::note(&s.db, &user.actor, id, &text).await;
    after(&s, &user, id, result.map(|_| ())).await
}

/// `POST /blockers`: raises a blocker from a project's page; on to the blocker's page.
pub async fn create(
    State(s): State<AppState>,
    user: PageUser,
    Form(form): Form<HashMap<String, String>>,
) -> Response {
    let today = chrono::Local::now().date_naive();
    let fields = super::form_fields(form);
    match kfq_app::blockers::create(&s.db, &user.actor, &fields, today).await {
        Ok(b) => Redirect::to(&format!("/blockers/{}", b.id)).into_response(),
        Err(e) => error_page(&user, labelled(e, user.lang())),
    }
}
