//! The project list (filters, sort, pages, export) and the project page (timeline, edit,
//! stage, batches, monthly figures, blockers, history).

use kfq_core::blocker::Coded;
use std::collections::HashMap;

use askama::Template;
use axum::extract::{Path, Query, RawQuery, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use kfq_app::projects::{FieldChange, FieldError, ProjectPage, ProjectQuery, ProjectView};
use kfq_app::AppError;
use kfq_core::project::Category;
use kfq_core::region::regions;
use kfq_core::stage::{Milestone, Stage};
use kfq_core::{Lang, Localized};
use serde_json::{json, Map, Value};

use super::format::{amount, optional_date};
use super::{chart_json, error_page, json_number, render, words, Choice, Chrome, PageUser};
use crate::AppState;

pub struct Row {
    pub id: i64,
    pub code: String,
    pub name: String,
    pub zone: String,
    pub stage: String,
    pub stage_code: &'static str,
    pub amount: String,
    pub strategic: bool,
    pub signed_on: String,
    pub started_on: String,
}

#[derive(Template)]
#[template(path = "projects.html")]
struct ListPage {
    chrome: Chrome,
    can_edit: bool,
    can_enrol: bool,
    open_rounds: Vec<Choice>,
    batch_options: Vec<Choice>,
    cities: Vec<Choice>,
    zones: Vec<Choice>,
    stages: Vec<Choice>,
    chains: Vec<Choice>,
    strategic: Vec<Choice>,
    categories: Vec<Choice>,
    sorts: Vec<Choice>,
    min_wan: String,
    max_wan: String,
    q: String,
    round: String,
    batch: String,
    round_label: String,
    error: Option<String>,
    total: usize,
    total_amount: String,
    query: String,
    rows: Vec<Row>,
    page: u32,
    pages: u32,
    previous: Option<String>,
    next: Option<String>,
}

const STAGES: [Stage; 7] = [
    Stage::Planned,
    Stage::Signed,
    Stage::Landed,
    Stage::Started,
    Stage::Producing,
    Stage::Reached,
    Stage::Terminated,
];

fn row(p: &ProjectView, lang: Lang) -> Row {
    Row {
        id: p.id,
        code: p.code.clone(),
        name: p.name.clone(),
        zone: p.zone.clone(),
        stage: p.stage.label(lang).into(),
        stage_code: p.stage.code(),
        amount: amount(p.total_investment_wan, lang),
        strategic: p.strategic_emerging,
        signed_on: optional_date(p.signed_on, lang),
        started_on: optional_date(p.started_on, lang),
    }
}

/// The query string with `page` replaced.
fn with_page(params: &HashMap<String, String>, page: u32) -> String {
    let mut kept = params.clone();
    kept.remove("page");
    let query = query_of(&kept);
    let sep = if query.is_empty() { "" } else { "&" };
    format!("/projects?{query}{sep}page={page}")
}

/// Parameters as a query string, in a stable order, each part percent-encoded.
pub fn query_of(params: &HashMap<String, String>) -> String {
    let mut pairs: Vec<(&String, &String)> = params.iter().collect();
    pairs.sort();
    pairs
        .iter()
        .map(|(k, v)| format!("{}={}", encode(k), encode(v)))
        .collect::<Vec<_>>()
        .join("&")
}

pub fn encode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

pub async fn list(
    State(s): State<AppState>,
    user: PageUser,
    Query(params): Query<HashMap<String, String>>,
    RawQuery(raw): RawQuery,
) -> Response {
    let lang = user.lang();
    let w = words(lang);
    let get = |k: &str| params.get(k).cloned().unwrap_or_default();
    let (page, error) = match ProjectQuery::from_params(&params) {
        Ok(q) => match kfq_app::projects::list(&s.db, &user.actor, &q).await {
            Ok(p) => (p, None),
            Err(AppError::Forbidden) => return error_page(&user, AppError::Forbidden),
            Err(e) => (empty_page(), Some(e.message(lang))),
        },
        Err(e) => (empty_page(), Some(e.message(lang))),
    };
    let zones = match kfq_store::zones(&s.db).await {
        Ok(z) => z,
        Err(e) => return error_page(&user, e.into()),
    };
    let visible: Vec<_> = zones.iter().filter(|z| user.actor.sees(z)).collect();
    let mut city_codes: Vec<_> = visible.iter().map(|z| z.city).collect();
    city_codes.sort();
    city_codes.dedup();
    let city = get("city");
    let cities = city_codes
        .iter()
        .map(|c| Choice::new(c.to_string(), regions().name(*c), &city))
        .collect();
    let zone_choices = visible
        .iter()
        .filter(|z| city.is_empty() || z.city.to_string() == city)
        .map(|z| Choice::new(z.name.clone(), z.name.clone(), &get("zone")))
        .collect();
    let chains = kfq_app::projects::chains(&s.db, &user.actor)
        .await
        .unwrap_or_default()
        .into_iter()
        .map(|c| Choice::new(c.clone(), c, &get("chain")))
        .collect();
    let sort_choices = [
        ("code", lang.pick("按编号", "by code")),
        (
            "-amount",
            lang.pick("按总投资（从高到低）", "by investment, largest first"),
        ),
        (
            "amount",
            lang.pick("按总投资（从低到高）", "by investment, smallest first"),
        ),
        ("name", lang.pick("按名称", "by name")),
        ("zone", lang.pick("按开发区", "by zone")),
        ("stage", lang.pick("按阶段", "by stage")),
    ]
    .iter()
    .map(|(v, l)| Choice::new(*v, *l, &get("sort")))
    .collect();
    let pages = (page.total as u32).div_ceil(page.per_page.max(1)).max(1);
    let round = get("round");
    let round_label = match kfq_core::round::RoundId::parse(&round) {
        Ok(r) => {
            let batch = kfq_core::round::BatchKind::parse(&get("batch"))
                .map(|b| format!(" {}{}", b.label(lang), lang.pick("一批", " batch")))
                .unwrap_or_default();
            format!("{}{batch}", r.label(lang))
        }
        Err(_) => String::new(),
    };
    let template = ListPage {
        chrome: user.chrome(w.projects, "projects"),
        can_edit: user
            .actor
            .role
            .allows(kfq_core::access::Action::EditProject),
        can_enrol: user
            .actor
            .role
            .allows(kfq_core::access::Action::EnrolProject),
        open_rounds: kfq_app::rounds::list(&s.db)
            .await
            .unwrap_or_default()
            .iter()
            .rev()
            .filter(|r| !r.locked)
            .map(|r| Choice::new(r.id.to_string(), r.id.label(lang), ""))
            .collect(),
        batch_options: super::batch_choices(lang),
        cities,
        zones: zone_choices,
        stages: STAGES
            .iter()
            .map(|st| Choice::new(st.code(), st.label(lang), &get("stage")))
            .collect(),
        chains,
        strategic: vec![
            Choice::new("true", w.yes, &get("strategic")),
            Choice::new("false", w.no, &get("strategic")),
        ],
        categories: [
            Category::Industrial,
            Category::Infrastructure,
            Category::Social,
        ]
        .iter()
        .map(|c| Choice::new(c.code(), c.label(lang), &get("category")))
        .collect(),
        sorts: sort_choices,
        min_wan: get("min_wan"),
        max_wan: get("max_wan"),
        q: get("q"),
        round,
        batch: get("batch"),
        round_label,
        error,
        total: page.total,
        total_amount: amount(page.total_investment_wan, lang),
        query: raw.unwrap_or_default(),
        rows: page.items.iter().map(|p| row(p, lang)).collect(),
        page: page.page,
        pages,
        previous: (page.page > 1).then(|| with_page(&params, page.page - 1)),
        next: (page.page < pages).then(|| with_page(&params, page.page + 1)),
    };
    render(&template, StatusCode::OK)
}

fn empty_page() -> ProjectPage {
    ProjectPage {
        total: 0,
        page: 1,
        per_page: 20,
        total_investment_wan: kfq_core::Amount::ZERO,
        items: Vec::new(),
    }
}

/// Every project the list shows (all pages), for the exports.
async fn everything(
    s: &AppState,
    user: &PageUser,
    params: &HashMap<String, String>,
) -> Result<Vec<ProjectView>, AppError> {
    let query = ProjectQuery::from_params(params)?;
    kfq_app::projects::list_all(&s.db, &user.actor, &query).await
}

pub async fn export_csv(
    State(s): State<AppState>,
    user: PageUser,
    Query(params): Query<HashMap<String, String>>,
) -> Response {
    match exported(&s, &user, &params, "csv").await {
        Ok(items) => {
            let body = kfq_app::projects::csv(&items, user.lang());
            download(body, "text/csv; charset=utf-8", "projects.csv")
        }
        Err(e) => error_page(&user, e),
    }
}

/// Every project the filters select, the export recorded in the audit trail.
async fn exported(
    s: &AppState,
    user: &PageUser,
    params: &HashMap<String, String>,
    format: &str,
) -> Result<Vec<ProjectView>, AppError> {
    let items = everything(s, user, params).await?;
    let filters: serde_json::Map<String, Value> = params
        .iter()
        .map(|(k, v)| (k.clone(), Value::String(v.clone())))
        .collect();
    kfq_app::audit::record_export(
        &s.db,
        &user.actor,
        "projects",
        json!({"format": format, "filters": filters, "rows": items.len()}),
    )
    .await?;
    Ok(items)
}

pub async fn export_xlsx(
    State(s): State<AppState>,
    user: PageUser,
    Query(params): Query<HashMap<String, String>>,
) -> Response {
    let result = match exported(&s, &user, &params, "xlsx").await {
        Ok(items) => kfq_app::projects::xlsx(&items, user.lang()),
        Err(e) => Err(e),
    };
    match result {
        Ok(body) => download(
            body,
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "projects.xlsx",
        ),
        Err(e) => error_page(&user, e),
    }
}

pub(super) fn download(body: Vec<u8>, kind: &'static str, name: &str) -> Response {
    let disposition = format!("attachment; filename=\"{name}\"");
    (
        [
            (header::CONTENT_TYPE, kind.to_string()),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        body,
    )
        .into_response()
}

pub struct Milestoned {
    pub key: &'static str,
    pub label: &'static str,
    pub date: String,
    pub done: bool,
}

pub struct Field {
    pub name: &'static str,
    pub label: &'static str,
    pub kind: &'static str,
    pub value: String,
    pub options: Vec<Choice>,
    pub error: String,
}

pub struct EntryRow {
    pub round: String,
    pub round_label: String,
    pub batch: String,
    pub amount: String,
}

pub struct BlockerRow {
    pub id: i64,
    pub description: String,
    pub status: &'static str,
    pub owner: String,
    pub due_on: String,
    pub resolved_on: String,
    pub overdue: bool,
}

pub struct ChangeRow {
    pub field: String,
    pub from: String,
    pub to: String,
    pub by: String,
    pub at: String,
}

pub struct Summary {
    pub id: i64,
    pub version: i64,
    pub code: String,
    pub name: String,
    pub zone: String,
    pub city: String,
    pub enterprise: String,
    pub amount: String,
    pub stage: String,
    pub stage_code: &'static str,
}

#[derive(Template)]
#[template(path = "project.html")]
struct ProjectPageView {
    chrome: Chrome,
    p: Summary,
    saved: bool,
    error: Option<String>,
    conflict: Vec<ChangeRow>,
    milestones: Vec<Milestoned>,
    editable: bool,
    fields: Vec<Field>,
    entries: Vec<EntryRow>,
    monthly_chart: String,
    blockers: Vec<BlockerRow>,
    blocker_categories: Vec<super::Choice>,
    history: Vec<ChangeRow>,
    findings: Vec<super::checks::FindingRow>,
    back: String,
    assignment_version: i64,
    procedures: Vec<super::procedures::ProcedureRow>,
    duties: Vec<super::work::DutyRow>,
    responsible: String,
    /// The lead it was signed from: (id, name).
    lead: Option<(i64, String)>,
}

pub(super) fn field_label(name: &str, w: &super::Words) -> &'static str {
    match name {
        "name" => w.name,
        "zone" => w.zone,
        "chain" => w.chain,
        "strategic_emerging" => w.strategic,
        "category" => w.category,
        "total_investment_wan" => w.total_investment_wan,
        "expected_output_wan" => w.expected_output_wan,
        "land_area_mu" => w.land_area,
        "signed_on" => w.signed_on,
        "landed_on" => w.landed_on,
        "started_on" => w.started_on,
        "producing_on" => w.producing_on,
        "reached_on" => w.reached_on,
        "terminated_on" => w.terminated_on,
        _ => "",
    }
}

/// The form's fields: the values typed (when re-shown after an error) or the project's.
fn fields(
    p: &ProjectView,
    typed: Option<&HashMap<String, String>>,
    errors: &[FieldError],
    zones: &[String],
    lang: Lang,
) -> Vec<Field> {
    let w = words(lang);
    let value =
        |name: &str, stored: String| typed.and_then(|t| t.get(name).cloned()).unwrap_or(stored);
    let error = |name: &str| {
        errors
            .iter()
            .filter(|e| e.field == name)
            .map(|e| e.message.clone())
            .collect::<Vec<_>>()
            .join("；")
    };
    let date = |d: Option<chrono::NaiveDate>| d.map(|d| d.to_string()).unwrap_or_default();
    let text = |name: &'static str, kind: &'static str, stored: String| Field {
        name,
        label: field_label(name, w),
        kind,
        value: value(name, stored),
        options: Vec::new(),
        error: error(name),
    };
    let select = |name: &'static str, stored: String, options: Vec<(String, String)>| {
        let current = value(name, stored);
        Field {
            name,
            label: field_label(name, w),
            kind: "select",
            value: current.clone(),
            options: options
                .into_iter()
                .map(|(v, l)| Choice::new(v, l, &current))
                .collect(),
            error: error(name),
        }
    };
    vec![
        text("name", "text", p.name.clone()),
        select(
            "zone",
            p.zone.clone(),
            zones.iter().map(|z| (z.clone(), z.clone())).collect(),
        ),
        text("chain", "text", p.chain.clone()),
        select(
            "strategic_emerging",
            p.strategic_emerging.to_string(),
            vec![("true".into(), w.yes.into()), ("false".into(), w.no.into())],
        ),
        select(
            "category",
            p.category.code().into(),
            [
                Category::Industrial,
                Category::Infrastructure,
                Category::Social,
            ]
            .iter()
            .map(|c| (c.code().to_string(), c.label(lang).to_string()))
            .collect(),
        ),
        text(
            "total_investment_wan",
            "text",
            p.total_investment_wan.wan_string(),
        ),
        text(
            "expected_output_wan",
            "text",
            p.expected_output_wan
                .map(|a| a.wan_string())
                .unwrap_or_default(),
        ),
        text(
            "land_area_mu",
            "text",
            p.land_area_mu.map(|a| a.to_string()).unwrap_or_default(),
        ),
        text("signed_on", "date", date(p.signed_on)),
        text("landed_on", "date", date(p.landed_on)),
        text("started_on", "date", date(p.started_on)),
        text("producing_on", "date", date(p.producing_on)),
        text("reached_on", "date", date(p.reached_on)),
        text("terminated_on", "date", date(p.terminated_on)),
    ]
}

fn show(v: &Value) -> String {
    match v {
        Value::Null => "—".into(),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// What the page needs besides the project: re-shown input, errors, a conflict.
#[derive(Default)]
struct Outcome {
    saved: bool,
    typed: Option<HashMap<String, String>>,
    errors: Vec<FieldError>,
    error: Option<String>,
    conflict: Vec<FieldChange>,
}

async fn show_page(
    s: &AppState,
    user: &PageUser,
    id: i64,
    outcome: Outcome,
    status: StatusCode,
) -> Response {
    let lang = user.lang();
    let w = words(lang);
    let result = async {
        let p = kfq_app::projects::get(&s.db, &user.actor, id).await?;
        let history = kfq_app::projects::history(&s.db, &user.actor, id).await?;
        let zones: Vec<String> = kfq_store::zones(&s.db)
            .await?
            .into_iter()
            .filter(|z| user.actor.sees(z))
            .map(|z| z.name)
            .collect();
        let entries = kfq_store::entries(&s.db, None).await?;
        let monthly = kfq_store::monthly_reports_of(&s.db, id).await?;
        let blockers = kfq_store::blockers(&s.db).await?;
        let findings = super::checks::open_rows(s, user, std::slice::from_ref(&p.code)).await?;
        Ok::<_, AppError>((p, history, zones, entries, monthly, blockers, findings))
    };
    let (p, history, zones, entries, monthly, blockers, findings) = match result.await {
        Ok(x) => x,
        Err(e) => return error_page(user, e),
    };
    let (assignment_version, duties, responsible) = match super::work::duty_rows(s, user, id).await
    {
        Ok(x) => x,
        Err(e) => return error_page(user, e),
    };
    let procedures = match kfq_app::procedures::checklist(&s.db, &user.actor, id).await {
        Ok(list) => super::procedures::rows(&list.items, lang),
        Err(e) => return error_page(user, e),
    };
    let lead = super::leads::of_project(s, user, id).await;
    let today = chrono::Local::now().date_naive();
    let dates = kfq_core::stage::StageDates {
        signed_on: p.signed_on,
        landed_on: p.landed_on,
        started_on: p.started_on,
        producing_on: p.producing_on,
        reached_on: p.reached_on,
    };
    let milestones = Milestone::ALL
        .iter()
        .map(|&m| Milestoned {
            key: m.field(),
            label: m.label(lang),
            date: optional_date(dates.get(m), lang),
            done: dates.get(m).is_some(),
        })
        .collect();
    let months: Vec<_> = monthly.iter().filter(|m| m.project_id == id).collect();
    let chart = json!({
        "grid": {"left": 60, "right": 20, "top": 20, "bottom": 30},
        "tooltip": {"trigger": "axis"},
        "xAxis": {"type": "category", "data": months.iter().map(|m| m.month.to_string()).collect::<Vec<_>>()},
        "yAxis": {"type": "value", "name": w.unit_wan},
        "series": [{"type": "bar", "name": w.invested_this_month, "data": months.iter().map(|m| json_number(&m.invested.wan_string())).collect::<Vec<_>>()}],
    });
    let conflict = outcome
        .conflict
        .iter()
        .map(|c| ChangeRow {
            field: field_label(&c.field, w).to_string(),
            from: show(&c.from),
            to: show(&c.to),
            by: c.by.clone(),
            at: super::format::moment(c.at),
        })
        .collect();
    let history_rows = history
        .iter()
        .flat_map(|h| {
            let at = super::format::moment(h.at);
            h.changes.iter().map(move |(field, from, to)| ChangeRow {
                field: field.clone(),
                from: from.clone(),
                to: to.clone(),
                by: h.by.clone(),
                at: at.clone(),
            })
        })
        .map(|mut r| {
            let label = field_label(&r.field, w);
            if !label.is_empty() {
                r.field = label.to_string();
            }
            r
        })
        .take(200)
        .collect();
    let page = ProjectPageView {
        procedures,
        assignment_version,
        duties,
        responsible,
        lead,
        chrome: user.chrome(p.name.clone(), "projects"),
        p: Summary {
            id: p.id,
            version: p.version,
            code: p.code.clone(),
            name: p.name.clone(),
            zone: p.zone.clone(),
            city: regions().name(p.city).to_string(),
            enterprise: p.enterprise.clone().unwrap_or_default(),
            amount: amount(p.total_investment_wan, lang),
            stage: p.stage.label(lang).into(),
            stage_code: p.stage.code(),
        },
        saved: outcome.saved,
        error: outcome.error,
        conflict,
        milestones,
        editable: user
            .actor
            .role
            .allows(kfq_core::access::Action::EditProject),
        fields: fields(&p, outcome.typed.as_ref(), &outcome.errors, &zones, lang),
        entries: entries
            .iter()
            .filter(|e| e.project_id == id)
            .map(|e| EntryRow {
                round: e.round.to_string(),
                round_label: e.round.label(lang),
                batch: format!("{}{}", e.batch.label(lang), lang.pick("一批", "")),
                amount: amount(e.amount, lang),
            })
            .collect(),
        monthly_chart: chart_json(chart, Value::Null, lang),
        blockers: blockers
            .iter()
            .filter(|b| b.project_id == id)
            .map(|b| BlockerRow {
                id: b.id,
                description: b.description.clone(),
                status: b.status.label(lang),
                owner: format!("{} {}", b.owner_unit, b.owner),
                due_on: optional_date(b.due_on, lang),
                resolved_on: optional_date(b.resolved_on, lang),
                overdue: b.is_overdue(today),
            })
            .collect(),
        blocker_categories: super::blockers::choices::<kfq_core::blocker::BlockerCategory>(
            lang, "other",
        ),
        history: history_rows,
        findings,
        back: format!("/projects/{id}"),
    };
    render(&page, status)
}

pub async fn page(
    State(s): State<AppState>,
    user: PageUser,
    Path(id): Path<String>,
    Query(params): Query<HashMap<String, String>>,
) -> Response {
    let Ok(id) = id.parse::<i64>() else {
        return error_page(&user, AppError::NotFound);
    };
    let outcome = Outcome {
        saved: params.contains_key("saved"),
        ..Outcome::default()
    };
    show_page(&s, &user, id, outcome, StatusCode::OK).await
}

/// The form as a JSON patch: empty inputs clear optional fields.
fn patch_of(form: &HashMap<String, String>) -> Map<String, Value> {
    let mut patch = Map::new();
    for (key, value) in form {
        let value = value.trim();
        let json = match key.as_str() {
            "version" => continue,
            "strategic_emerging" => Value::Bool(value == "true"),
            "signed_on"
            | "landed_on"
            | "started_on"
            | "producing_on"
            | "reached_on"
            | "terminated_on"
            | "expected_output_wan"
            | "land_area_mu"
                if value.is_empty() =>
            {
                Value::Null
            }
            _ => Value::String(value.to_string()),
        };
        patch.insert(key.clone(), json);
    }
    patch
}

async fn apply(
    s: &AppState,
    user: &PageUser,
    id: i64,
    form: HashMap<String, String>,
    typed: bool,
) -> Response {
    let version = form
        .get("version")
        .and_then(|v| v.parse::<i64>().ok())
        .unwrap_or(0);
    match kfq_app::projects::update(&s.db, &user.actor, id, version, &patch_of(&form)).await {
        Ok(_) => Redirect::to(&format!("/projects/{id}?saved=1")).into_response(),
        Err(AppError::Invalid(errors)) => {
            let error = Some(
                user.lang()
                    .pick("请更正标出的字段。", "Please correct the fields marked.")
                    .to_string(),
            );
            let outcome = Outcome {
                typed: typed.then_some(form),
                errors,
                error,
                ..Outcome::default()
            };
            show_page(s, user, id, outcome, StatusCode::UNPROCESSABLE_ENTITY).await
        }
        Err(AppError::Conflict(c)) => {
            let outcome = Outcome {
                conflict: c.changes,
                ..Outcome::default()
            };
            show_page(s, user, id, outcome, StatusCode::CONFLICT).await
        }
        Err(e) => {
            let outcome = Outcome {
                error: Some(e.message(user.lang())),
                ..Outcome::default()
            };
            show_page(s, user, id, outcome, StatusCode::UNPROCESSABLE_ENTITY).await
        }
    }
}

pub async fn save(
    State(s): State<AppState>,
    user: PageUser,
    Path(id): Path<i64>,
    Form(form): Form<HashMap<String, String>>,
) -> Response {
    apply(&s, &user, id, form, true).await
}

/// Records one milestone's date, as an explicit action.
pub async fn stage(
    State(s): State<AppState>,
    user: PageUser,
    Path(id): Path<i64>,
    Form(form): Form<HashMap<String, String>>,
) -> Response {
    let key = form.get("milestone").cloned().unwrap_or_default();
    let allowed = [
        "signed_on",
        "landed_on",
        "started_on",
        "producing_on",
        "reached_on",
    ];
    if !allowed.contains(&key.as_str()) {
        return error_page(&user, AppError::NotFound);
    }
    let mut patch = HashMap::new();
    patch.insert(
        "version".to_string(),
        form.get("version").cloned().unwrap_or_default(),
    );
    patch.insert(key, form.get("date").cloned().unwrap_or_default());
    apply(&s, &user, id, patch, false).await
}

#[derive(Template)]
#[template(path = "new_project.html")]
struct NewProjectPage {
    chrome: Chrome,
    error: Option<String>,
    fields: Vec<Field>,
}

fn blank() -> ProjectView {
    ProjectView {
        id: 0,
        version: 0,
        code: String::new(),
        name: String::new(),
        zone: String::new(),
        zone_id: 0,
        city: regions().all()[0].code,
        enterprise: None,
        credit_code: None,
        chain: String::new(),
        strategic_emerging: false,
        category: Category::Industrial,
        total_investment_wan: kfq_core::Amount::ZERO,
        expected_output_wan: None,
        land_area_mu: None,
        signed_on: None,
        landed_on: None,
        started_on: None,
        producing_on: None,
        reached_on: None,
        terminated_on: None,
        stage: Stage::Planned,
    }
}

async fn new_page(
    s: &AppState,
    user: &PageUser,
    typed: Option<HashMap<String, String>>,
    errors: Vec<FieldError>,
    status: StatusCode,
) -> Response {
    let lang = user.lang();
    let w = words(lang);
    let zones: Vec<String> = match kfq_store::zones(&s.db).await {
        Ok(z) => z
            .into_iter()
            .filter(|z| user.actor.sees(z))
            .map(|z| z.name)
            .collect(),
        Err(e) => return error_page(user, e.into()),
    };
    let value = |k: &str| {
        typed
            .as_ref()
            .and_then(|t| t.get(k).cloned())
            .unwrap_or_default()
    };
    let error = |k: &str| {
        errors
            .iter()
            .filter(|e| e.field == k)
            .map(|e| e.message.clone())
            .collect::<Vec<_>>()
            .join("；")
    };
    let mut list = vec![Field {
        name: "code",
        label: w.code_hint,
        kind: "text",
        value: value("code"),
        options: Vec::new(),
        error: error("code"),
    }];
    let mut rest = fields(&blank(), typed.as_ref(), &errors, &zones, lang);
    rest.insert(
        2,
        Field {
            name: "enterprise",
            label: w.enterprise,
            kind: "text",
            value: value("enterprise"),
            options: Vec::new(),
            error: error("enterprise"),
        },
    );
    rest.insert(
        3,
        Field {
            name: "credit_code",
            label: w.credit_code,
            kind: "text",
            value: value("credit_code"),
            options: Vec::new(),
            error: error("credit_code"),
        },
    );
    list.extend(rest);
    let error_line = (!errors.is_empty()).then(|| {
        lang.pick("请更正标出的字段。", "Please correct the fields marked.")
            .to_string()
    });
    render(
        &NewProjectPage {
            chrome: user.chrome(w.new_project, "projects"),
            error: error_line,
            fields: list,
        },
        status,
    )
}

pub async fn new_form(State(s): State<AppState>, user: PageUser) -> Response {
    new_page(&s, &user, None, Vec::new(), StatusCode::OK).await
}

pub async fn create(
    State(s): State<AppState>,
    user: PageUser,
    Form(form): Form<HashMap<String, String>>,
) -> Response {
    let fields = patch_of(&form);
    match kfq_app::projects::create(&s.db, &user.actor, &fields).await {
        Ok(view) => Redirect::to(&format!("/projects/{}?saved=1", view.id)).into_response(),
        Err(AppError::Invalid(errors)) => {
            new_page(
                &s,
                &user,
                Some(form),
                errors,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(e) => error_page(&user, e),
    }
}

/// Enrols every project the list's filters select into a round's batch: all or none.
pub async fn enrol_all(
    State(s): State<AppState>,
    user: PageUser,
    Form(form): Form<HashMap<String, String>>,
) -> Response {
    let query = form.get("query").cloned().unwrap_or_default();
    let uri: axum::http::Uri = match format!("/projects?{query}").parse() {
        Ok(u) => u,
        Err(_) => return error_page(&user, AppError::NotFound),
    };
    let params = Query::<HashMap<String, String>>::try_from_uri(&uri)
        .map(|q| q.0)
        .unwrap_or_default();
    let result = async {
        let round = kfq_app::reports::parse_round(
            form.get("round").map(String::as_str).unwrap_or_default(),
        )?;
        let batch = form
            .get("batch")
            .and_then(|b| kfq_core::round::BatchKind::parse(b))
            .ok_or(AppError::NotFound)?;
        let ids: Vec<i64> = everything(&s, &user, &params)
            .await?
            .iter()
            .map(|p| p.id)
            .collect();
        kfq_app::rounds::enrol_many(
            &s.db,
            &user.actor,
            round,
            batch,
            &ids,
            form.contains_key("date_at_round"),
        )
        .await?;
        Ok::<_, AppError>(round)
    };
    match result.await {
        Ok(round) => Redirect::to(&format!("/rounds/{round}")).into_response(),
        Err(e) => error_page(&user, e),
    }
}
