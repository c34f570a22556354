//! 招商线索 on the pages: the list in the user's region with this year's conversion (对接、签约、
//! 签约额、签约率) by zone and source and the form that registers a lead; one lead with its log
//! and the forms to change it, log a contact, and sign it into a project.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use kfq_app::leads::{ConversionReport, LeadView, VisitView};
use kfq_app::reports::today;
use kfq_app::AppError;
use kfq_core::access::Action;
use kfq_core::lead::{Coded, LeadSource, LeadStatus, VisitKind};
use kfq_core::{Lang, Localized};

use super::blockers::choices;
use super::format::{amount, date, moment, optional_date};
use super::{error_page, render, words, Choice, Chrome, PageUser};
use crate::AppState;

/// A lead as a row of the list or the head of its page.
pub struct Row {
    pub id: i64,
    pub zone: String,
    pub name: String,
    pub source: &'static str,
    pub chain: String,
    pub investor: String,
    pub amount: String,
    pub amount_wan: String,
    pub contact: String,
    pub owner: String,
    pub status: &'static str,
    pub status_code: &'static str,
    pub registered_on: String,
    pub registered_iso: String,
    pub signed_on: String,
    pub dropped_on: String,
    pub reason: String,
    pub project_id: i64,
    pub project_code: String,
    pub version: i64,
}

fn row(l: &LeadView, lang: Lang) -> Row {
    Row {
        id: l.id,
        zone: l.zone.clone(),
        name: l.name.clone(),
        source: l.source.label(lang),
        chain: l.chain.clone(),
        investor: l.investor.clone(),
        amount: l
            .expected_investment_wan
            .map(|a| amount(a, lang))
            .unwrap_or_default(),
        amount_wan: l
            .expected_investment_wan
            .map(|a| a.wan_string())
            .unwrap_or_default(),
        contact: l.contact.clone(),
        owner: l.owner.clone(),
        status: l.status.label(lang),
        status_code: l.status.code(),
        registered_on: date(l.registered_on, lang),
        registered_iso: l.registered_on.to_string(),
        signed_on: optional_date(l.signed_on, lang),
        dropped_on: optional_date(l.dropped_on, lang),
        reason: l.reason.clone(),
        project_id: l.project_id.unwrap_or_default(),
        project_code: l.project_code.clone().unwrap_or_default(),
        version: l.version,
    }
}

/// A line of the conversion tables, figures written out.
pub struct Figures {
    pub label: String,
    pub leads: usize,
    pub signed: usize,
    pub amount: String,
    pub rate: String,
    pub dropped: usize,
    pub open: usize,
}

fn figures(label: &str, f: &kfq_core::lead::Conversion) -> Figures {
    Figures {
        label: label.to_string(),
        leads: f.leads,
        signed: f.signed,
        amount: f.signed_investment.yi_string(2),
        rate: f.rate.percent(),
        dropped: f.dropped,
        open: f.open,
    }
}

#[derive(Template)]
#[template(path = "leads.html")]
struct ListPage {
    chrome: Chrome,
    rows: Vec<Row>,
    region: String,
    total: Figures,
    zones: Vec<Figures>,
    sources: Vec<Figures>,
    chains: Vec<Figures>,
    from: String,
    to: String,
    statuses: Vec<Choice>,
    source_choices: Vec<Choice>,
    new_sources: Vec<Choice>,
    zone_choices: Vec<Choice>,
    q: String,
    open: bool,
    /// The filters, for the export's link.
    query: String,
    edits: bool,
    today: String,
    error: Option<String>,
}

/// `GET /leads?status=&source=&q=&open=1&from=&to=`: the leads of the user's region, with the
/// conversion over the period (this year by default).
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
    let get = |k: &str| params.get(k).cloned().unwrap_or_default();
    let query = crate::leads::query(params);
    let result = async {
        let (from, to) = kfq_app::reports::period(
            ("from", params.get("from").map(String::as_str)),
            ("to", params.get("to").map(String::as_str)),
        )?;
        let region = params.get("region").map(String::as_str);
        let report = kfq_app::leads::report(&s.db, &user.actor, region, from, to).await?;
        let found = kfq_app::leads::list(&s.db, &user.actor, &query).await?;
        Ok::<(ConversionReport, Vec<LeadView>), AppError>((report, found))
    };
    let (report, found) = match result.await {
        Ok(x) => x,
        Err(e) => return error_page(user, e),
    };
    let edits = user.actor.role.allows(Action::EditProject);
    let zone_choices: Vec<Choice> = report
        .zones
        .iter()
        .map(|z| Choice::new(&z.name, &z.label, &get("zone")))
        .collect();
    let status = if error.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let page = ListPage {
        chrome: user.chrome(words(lang).leads, "leads"),
        rows: found.iter().map(|l| row(l, lang)).collect(),
        region: report.name.clone(),
        total: figures(&report.name, &report.figures),
        zones: report
            .zones
            .iter()
            .filter(|l| l.figures.leads > 0)
            .map(|l| figures(&l.label, &l.figures))
            .collect(),
        sources: report
            .sources
            .iter()
            .map(|l| figures(&l.label, &l.figures))
            .collect(),
        chains: report
            .chains
            .iter()
            .map(|l| figures(&l.label, &l.figures))
            .collect(),
        from: report.from.to_string(),
        to: report.to.to_string(),
        statuses: choices::<LeadStatus>(lang, &get("status")),
        source_choices: choices::<LeadSource>(lang, &get("source")),
        new_sources: choices::<LeadSource>(lang, "liaison_office"),
        zone_choices,
        q: get("q"),
        open: query.open,
        query: super::projects::query_of(params),
        edits,
        today: today().to_string(),
        error,
    };
    render(&page, status)
}

/// A refusal as the page shows it: fields named as the forms name them.
fn labelled(error: AppError, lang: Lang) -> AppError {
    let w = words(lang);
    super::relabel(error, |field| match field {
        "zone" => Some(w.zone),
        "name" => Some(w.lead_name),
        "source" => Some(w.lead_source),
        "chain" => Some(w.chain),
        "investor" => Some(w.investor),
        "expected_investment_wan" => Some(w.expected_investment),
        "contact" => Some(w.contact_person),
        "owner" => Some(w.lead_owner),
        "status" => Some(w.status),
        "registered_on" => Some(w.first_contact),
        "reason" => Some(w.drop_reason),
        "visited_on" => Some(w.visited_on),
        "kind" => Some(w.visit_kind),
        "people" => Some(w.people),
        "note" => Some(w.note),
        "signed_on" => Some(w.signed_on),
        "category" => Some(w.category),
        "total_investment_wan" => Some(w.total_investment_wan),
        "code" => Some(w.code),
        "activity_id" => Some(w.from_activity),
        _ => None,
    })
}

/// `POST /leads`: registers a lead; on to its page.
pub async fn create(
    State(s): State<AppState>,
    user: PageUser,
    Form(form): Form<HashMap<String, String>>,
) -> Response {
    let fields = super::form_fields(form);
    match kfq_app::leads::create(&s.db, &user.actor, &fields, today()).await {
        Ok(l) => Redirect::to(&format!("/leads/{}", l.id)).into_response(),
        Err(e @ (AppError::Forbidden | AppError::NotFound)) => error_page(&user, e),
        Err(e) => {
            let message = labelled(e, user.lang()).message(user.lang());
            list_page(&s, &user, &HashMap::new(), Some(message)).await
        }
    }
}

#[derive(Template)]
#[template(path = "lead.html")]
struct LeadPage {
    chrome: Chrome,
    l: Row,
    /// The zone's activities to choose from, and the one the lead names: (id, name).
    activities: Vec<Choice>,
    activity: Option<(i64, String)>,
    visits: Vec<(String, String, &'static str, String, String, String)>,
    statuses: Vec<Choice>,
    sources: Vec<Choice>,
    kinds: Vec<Choice>,
    categories: Vec<Choice>,
    edits: bool,
    signs: bool,
    today: String,
    error: Option<String>,
    done: Option<String>,
}

async fn lead_page(
    s: &AppState,
    user: &PageUser,
    id: i64,
    done: Option<String>,
    error: Option<String>,
) -> Response {
    let lang = user.lang();
    let (l, visits) = match kfq_app::leads::get(&s.db, &user.actor, id).await {
        Ok(found) => found,
        Err(e) => return error_page(user, e),
    };
    let activities =
        match kfq_app::activities::list(&s.db, &user.actor, Some(&l.zone), None, None).await {
            Ok(list) => list,
            Err(e) => return error_page(user, e),
        };
    let current = l.activity_id.map(|id| id.to_string()).unwrap_or_default();
    let activity = activities
        .iter()
        .find(|a| Some(a.id) == l.activity_id)
        .map(|a| (a.id, a.name.clone()));
    let mut activity_choices = vec![Choice::new("", words(lang).nobody, &current)];
    activity_choices.extend(activities.iter().map(|a| {
        let label = format!("{} · {} · {}", a.started_on, a.kind.label(lang), a.name);
        Choice::new(a.id.to_string(), label, &current)
    }));
    let edits = user.actor.role.allows(Action::EditProject);
    // A signed lead keeps its status; the others may go to any but 签约 (that is signing).
    let statuses = LeadStatus::ALL
        .iter()
        .filter(|s| (**s == LeadStatus::Signed) == (l.status == LeadStatus::Signed))
        .map(|s| Choice::new(s.code(), s.label(lang), l.status.code()))
        .collect();
    let status = if error.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let page = LeadPage {
        chrome: user.chrome(words(lang).leads, "leads"),
        activities: activity_choices,
        activity,
        statuses,
        sources: choices::<LeadSource>(lang, l.source.code()),
        kinds: choices::<VisitKind>(lang, "visit"),
        categories: [
            kfq_core::project::Category::Industrial,
            kfq_core::project::Category::Infrastructure,
            kfq_core::project::Category::Social,
        ]
        .iter()
        .map(|c| Choice::new(c.code(), c.label(lang), ""))
        .collect(),
        signs: edits && l.status.is_open(),
        edits,
        visits: visits
            .iter()
            .map(|v: &VisitView| {
                (
                    date(v.visited_on, lang),
                    v.kind.code().to_string(),
                    v.kind.label(lang),
                    v.people.clone(),
                    v.note.clone(),
                    format!("{} {}", v.author, moment(v.at)),
                )
            })
            .collect(),
        l: row(&l, lang),
        today: today().to_string(),
        error,
        done,
    };
    render(&page, status)
}

/// `GET /leads/{id}`: one lead, its log and the forms (`?saved=1` after a change).
pub async fn page(
    State(s): State<AppState>,
    user: PageUser,
    Path(id): Path<i64>,
    Query(params): Query<HashMap<String, String>>,
) -> Response {
    let done = params
        .contains_key("saved")
        .then(|| words(user.lang()).saved.to_string());
    lead_page(&s, &user, id, done, None).await
}

async fn after(s: &AppState, user: &PageUser, id: i64, result: Result<(), AppError>) -> Response {
    match result {
        Ok(()) => Redirect::to(&format!("/leads/{id}?saved=1")).into_response(),
        Err(e @ (AppError::Forbidden | AppError::NotFound)) => error_page(user, e),
        Err(e) => {
            let message = labelled(e, user.lang()).message(user.lang());
            lead_page(s, user, id, None, Some(message)).await
        }
    }
}

/// `POST /leads/{id}`: saves a change.
pub async fn save(
    State(s): State<AppState>,
    user: PageUser,
    Path(id): Path<i64>,
    Form(form): Form<HashMap<String, String>>,
) -> Response {
    let version = super::form_version(&form);
    let fields = super::form_fields(form);
    let result = kfq_app::leads::update(&s.db, &user.actor, id, version, &fields, today()).await;
    after(&s, &user, id, result.map(|_| ())).await
}

/// `POST /leads/{id}/visits`: a line of the log.
pub async fn visit(
    State(s): State<AppState>,
    user: PageUser,
    Path(id): Path<i64>,
    Form(form): Form<HashMap<String, String>>,
) -> Response {
    let fields = super::form_fields(form);
    let result = kfq_app::leads::visit(&s.db, &user.actor, id, &fields, today()).await;
    after(&s, &user, id, result.map(|_| ())).await
}

/// `POST /leads/{id}/sign`: signs it; on to the new project's page.
pub async fn sign(
    State(s): State<AppState>,
    user: PageUser,
    Path(id): Path<i64>,
    Form(form): Form<HashMap<String, String>>,
) -> Response {
    let version = super::form_version(&form);
    let mut fields = super::form_fields(form);
    // Fields left empty keep the lead's own.
    fields.retain(|_, v| v.as_str().is_none_or(|t| !t.trim().is_empty()));
    match kfq_app::leads::sign(&s.db, &user.actor, id, version, &fields, today()).await {
        Ok((_, project)) => Redirect::to(&format!("/projects/{}", project.id)).into_response(),
        Err(e) => after(&s, &user, id, Err(e)).await,
    }
}

/// `GET /leads/export.xlsx?…`: the leads the filters select as a workbook (the export audited).
pub async fn export_xlsx(
    State(s): State<AppState>,
    user: PageUser,
    Query(params): Query<HashMap<String, String>>,
) -> Response {
    let lang = user.lang();
    let found = kfq_app::leads::list(&s.db, &user.actor, &crate::leads::query(&params)).await;
    let sheet = |found: &[LeadView]| (words(lang).leads, kfq_app::render::leads_table(found, lang));
    super::workbook(
        &s,
        &user,
        "leads",
        &params,
        found.map(|f| (f.len(), sheet(&f))),
    )
    .await
}

/// The lead a project came from, as its page links it: (id, name).
pub async fn of_project(s: &AppState, user: &PageUser, project_id: i64) -> Option<(i64, String)> {
    kfq_app::leads::of_project(&s.db, &user.actor, project_id)
        .await
        .ok()
        .flatten()
        .map(|l| (l.id, l.name))
}
