//! 调度会 — the meetings' pages: the list with the form that holds one, and a meeting with its
//! agenda, each item's decision and the blocker it may open, the minutes' state and download.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use kfq_app::meetings::{MeetingSummary, NewMeeting};
use kfq_app::reports::today;
use kfq_app::AppError;
use kfq_core::access::Action;
use kfq_core::blocker::{BlockerCategory, Coded};
use kfq_core::Localized;

use super::blockers::{choices, row, Row};
use super::format::date;
use super::{error_page, render, words, Choice, Chrome, PageUser};
use crate::AppState;

struct ListRow {
    id: i64,
    held_on: String,
    title: String,
    region: String,
    chair: String,
    items: i64,
    decided: i64,
    closed: bool,
}

#[derive(Template)]
#[template(path = "meetings.html")]
struct ListPage {
    chrome: Chrome,
    rows: Vec<ListRow>,
    edits: bool,
    today: String,
    error: Option<String>,
}

fn list_row(m: &MeetingSummary, lang: kfq_core::Lang) -> ListRow {
    ListRow {
        id: m.id,
        held_on: date(m.held_on, lang),
        title: m.title.clone(),
        region: m.region_name.clone(),
        chair: m.chair.clone(),
        items: m.items,
        decided: m.decided,
        closed: m.closed,
    }
}

async fn list_page(s: &AppState, user: &PageUser, error: Option<String>) -> Response {
    let lang = user.lang();
    let found = match kfq_app::meetings::list(&s.db, &user.actor, None).await {
        Ok(found) => found,
        Err(e) => return error_page(user, e),
    };
    let status = if error.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let page = ListPage {
        chrome: user.chrome(words(lang).meetings, "meetings"),
        rows: found.iter().map(|m| list_row(m, lang)).collect(),
        edits: user.actor.role.allows(Action::EditProject),
        today: today().to_string(),
        error,
    };
    render(&page, status)
}

/// `GET /meetings`: the meetings in the user's scope and the form that holds one.
pub async fn list(State(s): State<AppState>, user: PageUser) -> Response {
    list_page(&s, &user, None).await
}

/// `POST /meetings`: holds a meeting; on to its agenda.
pub async fn create(
    State(s): State<AppState>,
    user: PageUser,
    Form(form): Form<HashMap<String, String>>,
) -> Response {
    let lang = user.lang();
    let given = |k: &str| {
        form.get(k)
            .map(|v| v.trim().to_string())
            .filter(|v| !v.is_empty())
    };
    // A wrong date is named with what was typed, as the API names it.
    let held_on = match kfq_app::reports::as_of_or_today("held_on", given("held_on").as_deref()) {
        Ok(d) => d,
        Err(e) => return list_page(&s, &user, Some(e.message(lang))).await,
    };
    let new = NewMeeting {
        region: given("region"),
        title: given("title"),
        held_on,
        chair: given("chair").unwrap_or_default(),
        attendees: given("attendees").unwrap_or_default(),
        propose: form.contains_key("propose"),
    };
    match kfq_app::meetings::create(&s.db, &user.actor, &new).await {
        Ok(view) => Redirect::to(&format!("/meetings/{}", view.meeting.id)).into_response(),
        Err(e @ AppError::Forbidden) => error_page(&user, e),
        Err(e) => list_page(&s, &user, Some(e.message(lang))).await,
    }
}

struct ItemRow {
    id: i64,
    project_id: i64,
    code: String,
    project: String,
    zone: String,
    /// (code, name) of each reason.
    reasons: Vec<(&'static str, &'static str)>,
    /// Each blocker with what the decision did to it: its code and its name.
    blockers: Vec<(Row, String, String)>,
    decision: String,
    version: i64,
}

#[derive(Template)]
#[template(path = "meeting.html")]
struct MeetingPage {
    chrome: Chrome,
    m: MeetingSummary,
    held_on: String,
    items: Vec<ItemRow>,
    categories: Vec<Choice>,
    edits: bool,
    error: Option<String>,
    done: Option<String>,
}

async fn meeting_page(
    s: &AppState,
    user: &PageUser,
    id: i64,
    done: Option<String>,
    error: Option<String>,
) -> Response {
    let lang = user.lang();
    let w = words(lang);
    let view = match kfq_app::meetings::get(&s.db, &user.actor, id, today()).await {
        Ok(view) => view,
        Err(e) => return error_page(user, e),
    };
    let status = if error.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let items = view
        .agenda
        .iter()
        .map(|i| ItemRow {
            id: i.id,
            project_id: i.project_id,
            code: i.code.clone(),
            project: i.project.clone(),
            zone: i.zone.clone(),
            reasons: i
                .reasons
                .iter()
                .map(|r| (r.code(), r.label(lang)))
                .collect(),
            blockers: i
                .blockers
                .iter()
                .map(|b| {
                    let decided = b.decided.clone().unwrap_or_default();
                    let name = match decided.as_str() {
                        "opened" => w.decided_opened,
                        "updated" => w.decided_updated,
                        _ => "",
                    };
                    (row(&b.blocker, lang), decided, name.to_string())
                })
                .collect(),
            decision: i.decision.clone(),
            version: i.version,
        })
        .collect();
    let page = MeetingPage {
        chrome: user.chrome(w.meetings, "meetings"),
        held_on: date(view.meeting.held_on, lang),
        m: view.meeting,
        items,
        categories: choices::<BlockerCategory>(lang, BlockerCategory::Other.code()),
        edits: user.actor.role.allows(Action::EditProject),
        error,
        done,
    };
    render(&page, status)
}

/// `GET /meetings/{id}` (`?saved=1` after a change).
pub async fn page(
    State(s): State<AppState>,
    user: PageUser,
    Path(id): Path<i64>,
    axum::extract::Query(params): axum::extract::Query<HashMap<String, String>>,
) -> Response {
    let done = params
        .contains_key("saved")
        .then(|| words(user.lang()).saved.to_string());
    meeting_page(&s, &user, id, done, None).await
}

async fn after<T>(s: &AppState, user: &PageUser, id: i64, result: Result<T, AppError>) -> Response {
    match result {
        // Post, then redirect: a refresh of the page does not send the change again.
        Ok(_) => Redirect::to(&format!("/meetings/{id}?saved=1")).into_response(),
        Err(e @ (AppError::Forbidden | AppError::NotFound)) => error_page(user, e),
        Err(e) => {
            let message = e.message(user.lang());
            meeting_page(s, user, id, None, Some(message)).await
        }
    }
}

/// `POST /meetings/{id}/close` and `/reopen`: the minutes final, or open again.
pub async fn settle(
    State(s): State<AppState>,
    user: PageUser,
    Path((id, step)): Path<(i64, String)>,
    Form(form): Form<HashMap<String, String>>,
) -> Response {
    let close = match step.as_str() {
        "close" => true,
        "reopen" => false,
        _ => return error_page(&user, AppError::NotFound),
    };
    let version = super::form_version(&form);
    let result = kfq_app::meetings::settle(&s.db, &user.actor, id, version, close, today()).await;
    after(&s, &user, id, result).await
}

/// `POST /meetings/{id}/items` `code=`: puts a project on the agenda by its code.
pub async fn add_item(
    State(s): State<AppState>,
    user: PageUser,
    Path(id): Path<i64>,
    Form(form): Form<HashMap<String, String>>,
) -> Response {
    let code = form.get("code").map(|c| c.trim()).unwrap_or_default();
    let result = async {
        let snapshot = s.db.snapshot().await?;
        let project = snapshot
            .projects
            .iter()
            .find(|p| p.code.as_str() == code)
            .ok_or(AppError::NotFound)?;
        kfq_app::meetings::add_item(&s.db, &user.actor, id, project.id, today()).await
    };
    match result.await {
        Err(AppError::NotFound) => {
            let message = words(user.lang()).no_such_project.replace("{}", code);
            meeting_page(&s, &user, id, None, Some(message)).await
        }
        other => after(&s, &user, id, other).await,
    }
}

/// `POST /meetings/{id}/items/{item}`: the item's decision.
pub async fn decide(
    State(s): State<AppState>,
    user: PageUser,
    Path((id, item)): Path<(i64, i64)>,
    Form(form): Form<HashMap<String, String>>,
) -> Response {
    let version = super::form_version(&form);
    let decision = form.get("decision").cloned().unwrap_or_default();
    let result =
        kfq_app::meetings::decide(&s.db, &user.actor, id, item, version, &decision, today()).await;
    after(&s, &user, id, result).await
}

/// `POST /meetings/{id}/items/{item}/remove`: off the agenda.
pub async fn remove_item(
    State(s): State<AppState>,
    user: PageUser,
    Path((id, item)): Path<(i64, i64)>,
    Form(form): Form<HashMap<String, String>>,
) -> Response {
    let version = super::form_version(&form);
    let result =
        kfq_app::meetings::remove_item(&s.db, &user.actor, id, item, version, today()).await;
    after(&s, &user, id, result).await
}

/// `POST /meetings/{id}/items/{item}/blockers`: the decision opens a blocker.
pub async fn open_blocker(
    State(s): State<AppState>,
    user: PageUser,
    Path((id, item)): Path<(i64, i64)>,
    Form(form): Form<HashMap<String, String>>,
) -> Response {
    let fields = super::form_fields(form);
    let result =
        kfq_app::meetings::open_blocker(&s.db, &user.actor, id, item, &fields, today()).await;
    // Fields named as the form names them.
    let result = result.map_err(|e| super::blockers::labelled(e, user.lang()));
    after(&s, &user, id, result).await
}

/// `POST /meetings/{id}/details`: the meeting's title, day, chair and attendees.
pub async fn details(
    State(s): State<AppState>,
    user: PageUser,
    Path(id): Path<i64>,
    Form(form): Form<HashMap<String, String>>,
) -> Response {
    let version = super::form_version(&form);
    let fields = super::form_fields(form);
    let result = kfq_app::meetings::update(&s.db, &user.actor, id, version, &fields, today()).await;
    after(&s, &user, id, result).await
}
