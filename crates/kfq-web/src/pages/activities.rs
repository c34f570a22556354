//! 招商活动 on the pages: a region's liaison offices, events and trips with the period's figures
//! (联络站、招商活动、外出招商, leads found and signed through them) and the form that records one;
//! one activity with the form that changes it, its leads, and a form registering a lead from it.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use kfq_app::activities::{ActivityReport, ActivityView};
use kfq_app::reports::today;
use kfq_app::AppError;
use kfq_core::access::Action;
use kfq_core::activity::{ActivityKind, Coded};
use kfq_core::{Lang, Localized};

use super::blockers::choices;
use super::format::{date, optional_date};
use super::{error_page, render, words, Choice, Chrome, PageUser};
use crate::AppState;

/// An activity as a row of the list or the head of its page.
pub struct Row {
    pub id: i64,
    pub zone: String,
    pub kind: &'static str,
    pub kind_code: &'static str,
    pub name: String,
    pub place: String,
    pub started_on: String,
    pub started_iso: String,
    pub ended_on: String,
    pub ended_iso: String,
    pub leader: String,
    pub people: String,
    pub met: String,
    pub note: String,
    pub version: i64,
}

fn row(a: &ActivityView, lang: Lang) -> Row {
    Row {
        id: a.id,
        zone: a.zone.clone(),
        kind: a.kind.label(lang),
        kind_code: a.kind.code(),
        name: a.name.clone(),
        place: a.place.clone(),
        started_on: date(a.started_on, lang),
        started_iso: a.started_on.to_string(),
        ended_on: optional_date(a.ended_on, lang),
        ended_iso: a.ended_on.map(|d| d.to_string()).unwrap_or_default(),
        leader: a.leader.clone(),
        people: a.people.clone(),
        met: a.met.clone(),
        note: a.note.clone(),
        version: a.version,
    }
}

#[derive(Template)]
#[template(path = "activities.html")]
struct ListPage {
    chrome: Chrome,
    r: ActivityReport,
    rows: Vec<Row>,
    kinds: Vec<Choice>,
    new_kinds: Vec<Choice>,
    zone_choices: Vec<Choice>,
    from: String,
    to: String,
    /// The filters, for the export's link.
    query: String,
    edits: bool,
    today: String,
    error: Option<String>,
}

/// `GET /activities?kind=&from=&to=`: the period's activities (this year by default) and figures.
pub async fn list(
    State(s): State<AppState>,
    user: PageUser,
    Query(params): Query<HashMap<String, String>>,
) -> Response {
    list_page(&s, &user, &params, None).await
}

async fn list_page(
    s: &AppState,
    user: &PageUser,
    params: &HashMap<String, String>,
    error: Option<String>,
) -> Response {
    let lang = user.lang();
    let get = |k: &str| params.get(k).map(String::as_str);
    let result = async {
        let (from, to) = kfq_app::reports::period(("from", get("from")), ("to", get("to")))?;
        let region = get("region");
        let r = kfq_app::activities::report(&s.db, &user.actor, region, from, to).await?;
        let found =
            kfq_app::activities::list(&s.db, &user.actor, region, get("kind"), Some((from, to)))
                .await?;
        let zones = kfq_app::reports::zone_names(&s.db, &user.actor).await?;
        Ok::<_, AppError>((r, found, zones))
    };
    let (r, found, zones) = match result.await {
        Ok(x) => x,
        Err(e) => return error_page(user, e),
    };
    let status = if error.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let page = ListPage {
        chrome: user.chrome(words(lang).activities, "activities"),
        rows: found.iter().map(|a| row(a, lang)).collect(),
        kinds: choices::<ActivityKind>(lang, get("kind").unwrap_or_default()),
        new_kinds: choices::<ActivityKind>(lang, "trip"),
        zone_choices: zones.iter().map(|z| Choice::new(z, z, "")).collect(),
        from: r.from.to_string(),
        to: r.to.to_string(),
        query: super::projects::query_of(params),
        r,
        edits: user.actor.role.allows(Action::EditProject),
        today: today().to_string(),
        error,
    };
    render(&page, status)
}

/// `GET /activities/export.xlsx?kind=&from=&to=`: the period's activities as a workbook (the
/// export audited).
pub async fn export_xlsx(
    State(s): State<AppState>,
    user: PageUser,
    Query(params): Query<HashMap<String, String>>,
) -> Response {
    let lang = user.lang();
    let get = |k: &str| params.get(k).map(String::as_str);
    let found = async {
        let period = kfq_app::reports::period(("from", get("from")), ("to", get("to")))?;
        let region = get("region");
        let (rows, table) =
            kfq_app::activities::book(&s.db, &user.actor, region, get("kind"), Some(period))
                .await?;
        let sheet = match lang {
            Lang::Zh => kfq_app::books::Book::Activities.sheet(),
            Lang::En => kfq_app::books::Book::Activities.english(),
        };
        Ok((rows, (sheet, table)))
    };
    let found = found.await;
    super::workbook(&s, &user, "activities", &params, found).await
}

/// A refusal as the page shows it: fields named as the forms name them.
fn labelled(error: AppError, lang: Lang) -> AppError {
    let w = words(lang);
    super::relabel(error, |field| match field {
        "zone" => Some(w.zone),
        "kind" => Some(w.activity_kind),
        "name" => Some(w.activity_name),
        "place" => Some(w.place),
        "started_on" => Some(w.started_on_activity),
        "ended_on" => Some(w.ended_on_activity),
        "leader" => Some(w.activity_leader),
        "people" => Some(w.people),
        "met" => Some(w.met),
        "note" => Some(w.note),
        _ => None,
    })
}

/// `POST /activities`: records an activity; on to its page.
pub async fn create(
    State(s): State<AppState>,
    user: PageUser,
    Form(form): Form<HashMap<String, String>>,
) -> Response {
    let fields = super::form_fields(form);
    match kfq_app::activities::create(&s.db, &user.actor, &fields, today()).await {
        Ok(a) => Redirect::to(&format!("/activities/{}", a.id)).into_response(),
        Err(e @ (AppError::Forbidden | AppError::NotFound)) => error_page(&user, e),
        Err(e) => {
            let message = labelled(e, user.lang()).message(user.lang());
            list_page(&s, &user, &HashMap::new(), Some(message)).await
        }
    }
}

#[derive(Template)]
#[template(path = "activity.html")]
struct ActivityPage {
    chrome: Chrome,
    a: Row,
    leads: Vec<(i64, String, String, &'static str)>,
    kinds: Vec<Choice>,
    source: &'static str,
    edits: bool,
    error: Option<String>,
    done: Option<String>,
}

async fn activity_page(
    s: &AppState,
    user: &PageUser,
    id: i64,
    done: Option<String>,
    error: Option<String>,
) -> Response {
    let lang = user.lang();
    let (a, leads) = match kfq_app::activities::get(&s.db, &user.actor, id).await {
        Ok(found) => found,
        Err(e) => return error_page(user, e),
    };
    let status = if error.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let page = ActivityPage {
        chrome: user.chrome(words(lang).activities, "activities"),
        kinds: choices::<ActivityKind>(lang, a.kind.code()),
        source: match a.kind {
            ActivityKind::LiaisonOffice => "liaison_office",
            ActivityKind::Event => "promotion",
            ActivityKind::Trip => "outbound",
        },
        leads: leads
            .iter()
            .map(|l| {
                (
                    l.id,
                    l.name.clone(),
                    l.investor.clone(),
                    kfq_core::lead::Coded::label(l.status, lang),
                )
            })
            .collect(),
        a: row(&a, lang),
        edits: user.actor.role.allows(Action::EditProject),
        error,
        done,
    };
    render(&page, status)
}

/// `GET /activities/{id}`.
pub async fn page(
    State(s): State<AppState>,
    user: PageUser,
    Path(id): Path<i64>,
    Query(params): Query<HashMap<String, String>>,
) -> Response {
    let done = params
        .contains_key("saved")
        .then(|| words(user.lang()).saved.to_string());
    activity_page(&s, &user, id, done, None).await
}

/// `POST /activities/{id}`: saves a change.
pub async fn save(
    State(s): State<AppState>,
    user: PageUser,
    Path(id): Path<i64>,
    Form(form): Form<HashMap<String, String>>,
) -> Response {
    let version = super::form_version(&form);
    let fields = super::form_fields(form);
    match kfq_app::activities::update(&s.db, &user.actor, id, version, &fields).await {
        Ok(_) => Redirect::to(&format!("/activities/{id}?saved=1")).into_response(),
        Err(e @ (AppError::Forbidden | AppError::NotFound)) => error_page(&user, e),
        Err(e) => {
            let message = labelled(e, user.lang()).message(user.lang());
            activity_page(&s, &user, id, None, Some(message)).await
        }
    }
}
