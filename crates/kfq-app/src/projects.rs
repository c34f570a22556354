//! 项目 — finding, reading and editing projects, within the actor's scope.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use kfq_core::access::Action;
use kfq_core::enterprise::Enterprise;
use kfq_core::lang::Localized;
use kfq_core::money::Amount;
use kfq_core::project::{Category, LandArea, Project, ProjectError};
use kfq_core::region::RegionCode;
use kfq_core::report::stuck::{StuckKind, StuckThresholds};
use kfq_core::round::check_entry;
use kfq_core::stage::{Milestone, Stage};
use kfq_core::zone::Zone;
use kfq_store::Db;
use serde::Serialize;
use serde_json::{Map, Value};

use crate::{Actor, AppError, Expected};

/// A project as the API and the pages show it: the keys of the JSON export, plus `id`,
/// `version`, `stage` and `city`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProjectView {
    pub id: i64,
    pub version: i64,
    pub code: String,
    pub name: String,
    pub zone: String,
    pub zone_id: i64,
    pub city: RegionCode,
    pub enterprise: Option<String>,
    pub credit_code: Option<String>,
    pub chain: String,
    pub strategic_emerging: bool,
    pub category: Category,
    pub total_investment_wan: Amount,
    pub expected_output_wan: Option<Amount>,
    pub land_area_mu: Option<LandArea>,
    pub signed_on: Option<NaiveDate>,
    pub landed_on: Option<NaiveDate>,
    pub started_on: Option<NaiveDate>,
    pub producing_on: Option<NaiveDate>,
    pub reached_on: Option<NaiveDate>,
    pub terminated_on: Option<NaiveDate>,
    pub stage: Stage,
}

fn view(p: &Project, zone: &Zone, enterprise: Option<&Enterprise>) -> ProjectView {
    ProjectView {
        id: p.id,
        version: p.version,
        code: p.code.to_string(),
        name: p.name.clone(),
        zone: zone.name.clone(),
        zone_id: zone.id,
        city: zone.city,
        enterprise: enterprise.map(|e| e.name.clone()),
        credit_code: enterprise.and_then(|e| e.credit_code.as_ref().map(|c| c.to_string())),
        chain: p.chain.clone(),
        strategic_emerging: p.strategic_emerging,
        category: p.category,
        total_investment_wan: p.total_investment,
        expected_output_wan: p.expected_output,
        land_area_mu: p.land_area,
        signed_on: p.dates.signed_on,
        landed_on: p.dates.landed_on,
        started_on: p.dates.started_on,
        producing_on: p.dates.producing_on,
        reached_on: p.dates.reached_on,
        terminated_on: p.terminated_on,
        stage: p.stage(),
    }
}

/// What a project list asks for: filters, order and page. Unset filters match everything.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProjectQuery {
    pub city: Option<String>,
    pub zone: Option<String>,
    pub stage: Option<String>,
    pub chain: Option<String>,
    pub strategic: Option<bool>,
    pub category: Option<String>,
    pub min_wan: Option<Amount>,
    pub max_wan: Option<Amount>,
    /// Free text in the name, the enterprise or the code.
    pub q: Option<String>,
    /// Only the projects in this round's batches (`2024-4`, or a range `2022-1..2023-4`), or
    /// in their batch `batch`.
    pub round: Option<String>,
    pub batch: Option<String>,
    /// Only the projects with this milestone dated (`started_on`, …) on or before today.
    pub milestone: Option<String>,
    /// Only the projects stuck this way today (`signed_not_landed`, …; default thresholds).
    pub stuck: Option<String>,
    /// Only the projects that reported investment in this month (`2025-03`).
    pub reported: Option<String>,
    /// `code`, `name`, `amount`, `stage` or `zone`; a leading `-` sorts descending.
    pub sort: Option<String>,
    pub page: u32,
    pub per_page: u32,
}

impl ProjectQuery {
    /// Reads the query string of `/api/v1/projects` and of the list page.
    pub fn from_params(params: &HashMap<String, String>) -> Result<ProjectQuery, AppError> {
        let get = |k: &str| {
            params
                .get(k)
                .map(|v| v.trim().to_string())
                .filter(|v| !v.is_empty())
        };
        let amount = |k: &'static str| {
            get(k)
                .map(|v| {
                    Amount::parse_wan(&v).map_err(|_| AppError::BadArgument {
                        name: k,
                        value: v.clone(),
                        expected: Expected::Amount,
                    })
                })
                .transpose()
        };
        let number = |k: &'static str, default: u32, max: u32| -> Result<u32, AppError> {
            match get(k) {
                None => Ok(default),
                Some(v) => v
                    .parse::<u32>()
                    .ok()
                    .filter(|n| (1..=max).contains(n))
                    .ok_or(AppError::BadArgument {
                        name: k,
                        value: v,
                        expected: Expected::Number(max),
                    }),
            }
        };
        let strategic = match get("strategic").as_deref() {
            None => None,
            Some("true" | "1" | "是") => Some(true),
            Some("false" | "0" | "否") => Some(false),
            Some(other) => {
                return Err(AppError::BadArgument {
                    name: "strategic",
                    value: other.into(),
                    expected: Expected::Flag,
                })
            }
        };
        Ok(ProjectQuery {
            city: get("city"),
            zone: get("zone"),
            stage: get("stage"),
            chain: get("chain"),
            strategic,
            category: get("category"),
            min_wan: amount("min_wan")?,
            max_wan: amount("max_wan")?,
            q: get("q"),
            round: get("round"),
            batch: get("batch"),
            milestone: get("milestone"),
            stuck: get("stuck"),
            reported: get("reported"),
            sort: get("sort"),
            page: number("page", 1, 1_000_000)?,
            per_page: number("per_page", 20, 500)?,
        })
    }
}

/// One page of a filtered, sorted list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProjectPage {
    pub total: usize,
    pub page: u32,
    pub per_page: u32,
    pub total_investment_wan: Amount,
    pub items: Vec<ProjectView>,
}

/// Everything the project use cases read, loaded once per request.
struct Book {
    zones: HashMap<i64, Zone>,
    enterprises: HashMap<i64, Enterprise>,
}

impl Book {
    async fn load(db: &Db) -> Result<Book, AppError> {
        Ok(Book {
            zones: kfq_store::zones(db)
                .await?
                .into_iter()
                .map(|z| (z.id, z))
                .collect(),
            enterprises: kfq_store::enterprises(db)
                .await?
                .into_iter()
                .map(|e| (e.id, e))
                .collect(),
        })
    }

    fn view(&self, p: &Project) -> Option<ProjectView> {
        let zone = self.zones.get(&p.zone_id)?;
        Some(view(
            p,
            zone,
            p.enterprise_id.and_then(|id| self.enterprises.get(&id)),
        ))
    }
}

fn stage_matches(stage: Stage, wanted: &str) -> bool {
    stage.code() == wanted || stage.label(kfq_core::Lang::Zh) == wanted
}

/// The projects in the actor's scope that match the query, one page of them.
pub async fn list(db: &Db, actor: &Actor, query: &ProjectQuery) -> Result<ProjectPage, AppError> {
    actor.must(kfq_core::access::Action::Read)?;
    let book = Book::load(db).await?;
    let zones: Vec<Zone> = book.zones.values().cloned().collect();
    let city = query
        .city
        .as_deref()
        .map(|c| actor.region(Some(c), &zones))
        .transpose()?;
    let zone = query
        .zone
        .as_deref()
        .map(|z| actor.region(Some(z), &zones))
        .transpose()?;
    let category = query
        .category
        .as_deref()
        .map(|c| {
            Category::parse(c).ok_or(AppError::BadArgument {
                name: "category",
                value: c.into(),
                expected: Expected::Category,
            })
        })
        .transpose()?;
    let text = query.q.as_deref().map(str::to_lowercase);
    // Latin letters may be the pinyin initials of a name: `qnzk` finds 氢能重卡.
    let initials_query = text
        .as_deref()
        .is_some_and(|t| t.len() >= 2 && t.chars().all(|c| c.is_ascii_lowercase()));
    let enrolled = enrolled_in(db, query).await?;
    let today = chrono::Local::now().date_naive();
    let milestone = query
        .milestone
        .as_deref()
        .map(|m| {
            Milestone::from_field(m).ok_or(AppError::BadArgument {
                name: "milestone",
                value: m.into(),
                expected: Expected::Milestone,
            })
        })
        .transpose()?;
    let stuck = query
        .stuck
        .as_deref()
        .map(|k| {
            StuckKind::parse(k).ok_or(AppError::BadArgument {
                name: "stuck",
                value: k.into(),
                expected: Expected::Stuck,
            })
        })
        .transpose()?;
    let thresholds = StuckThresholds::default();
    let reported = reported_in(db, query).await?;
    // Read from the snapshot in place: the list is the busiest page, no copy of every project.
    let snapshot = db.snapshot().await?;
    let mut items: Vec<ProjectView> = snapshot
        .projects
        .iter()
        .filter(|p| book.zones.get(&p.zone_id).is_some_and(|z| actor.sees(z)))
        .filter_map(|p| book.view(p))
        .filter(|v| {
            let in_zone = |scope: &Option<kfq_core::scope::Scope>| {
                scope
                    .as_ref()
                    .is_none_or(|s| book.zones.get(&v.zone_id).is_some_and(|z| s.contains(z)))
            };
            in_zone(&city)
                && in_zone(&zone)
                && query
                    .stage
                    .as_deref()
                    .is_none_or(|s| stage_matches(v.stage, s))
                && query.chain.as_deref().is_none_or(|c| v.chain == c)
                && query.strategic.is_none_or(|s| v.strategic_emerging == s)
                && category.is_none_or(|c| v.category == c)
                && enrolled.as_ref().is_none_or(|ids| ids.contains(&v.id))
                && milestone.is_none_or(|m| dated(v, m).is_some_and(|d| d <= today))
                && stuck.is_none_or(|k| {
                    k.since(&stage_dates(v), v.terminated_on, today, &thresholds)
                        .is_some()
                })
                && reported.as_ref().is_none_or(|ids| ids.contains(&v.id))
                && query.min_wan.is_none_or(|m| v.total_investment_wan >= m)
                && query.max_wan.is_none_or(|m| v.total_investment_wan <= m)
                && text.as_deref().is_none_or(|t| {
                    v.name.to_lowercase().contains(t)
                        || v.code.to_lowercase().contains(t)
                        || v.enterprise
                            .as_deref()
                            .is_some_and(|e| e.to_lowercase().contains(t))
                        || (initials_query && initials(&v.name).contains(t))
                })
        })
        .collect();
    sort(&mut items, query.sort.as_deref())?;
    let total = items.len();
    let total_investment_wan = items.iter().map(|v| v.total_investment_wan).sum();
    let start = ((query.page.max(1) - 1) as usize).saturating_mul(query.per_page as usize);
    let items = items
        .into_iter()
        .skip(start)
        .take(query.per_page as usize)
        .collect();
    Ok(ProjectPage {
        total,
        page: query.page.max(1),
        per_page: query.per_page,
        total_investment_wan,
        items,
    })
}

/// The pinyin initials of a text's Chinese characters (other characters as they are, lower-cased):
/// `年产20万吨` → `nc20wd`.
pub fn initials(text: &str) -> String {
    use pinyin::ToPinyin;
    text.chars()
        .zip(text.to_pinyin())
        .map(|(c, p)| match p {
            Some(p) => p.first_letter().to_string(),
            None => c.to_lowercase().to_string(),
        })
        .collect()
}

/// The projects of the round (and batch) the query names, if it names one.
async fn enrolled_in(
    db: &Db,
    query: &ProjectQuery,
) -> Result<Option<std::collections::HashSet<i64>>, AppError> {
    let Some(round) = query.round.as_deref() else {
        return Ok(None);
    };
    let (from, to) = match round.split_once("..") {
        Some((a, b)) => (
            crate::reports::parse_round(a)?,
            crate::reports::parse_round(b)?,
        ),
        None => {
            let r = crate::reports::parse_round(round)?;
            (r, r)
        }
    };
    let batch = query
        .batch
        .as_deref()
        .map(|b| {
            kfq_core::round::BatchKind::parse(b).ok_or(AppError::BadArgument {
                name: "batch",
                value: b.into(),
                expected: Expected::Batch,
            })
        })
        .transpose()?;
    let entries = kfq_store::entries(db, Some((from, to))).await?;
    Ok(Some(
        entries
            .into_iter()
            .filter(|e| batch.is_none_or(|b| e.batch == b))
            .map(|e| e.project_id)
            .collect(),
    ))
}

/// Every project the query selects, in its order, on one page (for exports and pickers).
pub async fn list_all(
    db: &Db,
    actor: &Actor,
    query: &ProjectQuery,
) -> Result<Vec<ProjectView>, AppError> {
    let all = ProjectQuery {
        page: 1,
        per_page: u32::MAX,
        ..query.clone()
    };
    Ok(list(db, actor, &all).await?.items)
}

fn sort(items: &mut [ProjectView], by: Option<&str>) -> Result<(), AppError> {
    let by = by.unwrap_or("code");
    let (key, descending) = match by.strip_prefix('-') {
        Some(k) => (k, true),
        None => (by, false),
    };
    match key {
        "code" => items.sort_by(|a, b| a.code.cmp(&b.code)),
        "name" => items.sort_by(|a, b| a.name.cmp(&b.name).then(a.code.cmp(&b.code))),
        "amount" => items.sort_by(|a, b| {
            a.total_investment_wan
                .cmp(&b.total_investment_wan)
                .then(a.code.cmp(&b.code))
        }),
        "zone" => items.sort_by(|a, b| a.zone.cmp(&b.zone).then(a.code.cmp(&b.code))),
        "stage" => {
            items.sort_by(|a, b| a.stage.code().cmp(b.stage.code()).then(a.code.cmp(&b.code)))
        }
        _ => {
            return Err(AppError::BadArgument {
                name: "sort",
                value: by.into(),
                expected: Expected::Sort,
            })
        }
    }
    if descending {
        items.reverse();
    }
    Ok(())
}

/// One project, if it exists and lies in the actor's scope; otherwise NotFound, alike.
pub async fn get(db: &Db, actor: &Actor, id: i64) -> Result<ProjectView, AppError> {
    actor.must(kfq_core::access::Action::Read)?;
    let book = Book::load(db).await?;
    let project = kfq_store::load_project(db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let zone = book.zones.get(&project.zone_id).ok_or(AppError::NotFound)?;
    if !actor.sees(zone) {
        return Err(AppError::NotFound);
    }
    book.view(&project).ok_or(AppError::NotFound)
}

/// A field the user must correct, with the reason in their language.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

/// A text field of a change as JSON carries it: a string, trimmed; null as empty; anything
/// else refused naming the field.
pub(crate) fn text_field<'a>(
    field: &str,
    value: &'a serde_json::Value,
    lang: kfq_core::Lang,
) -> Result<&'a str, FieldError> {
    match value {
        serde_json::Value::String(t) => Ok(t.trim()),
        serde_json::Value::Null => Ok(""),
        _ => Err(FieldError {
            field: field.into(),
            message: crate::Expected::Text.describe(lang),
        }),
    }
}

/// A field changed by someone else since the version the user edited.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldChange {
    pub field: String,
    pub from: Value,
    pub to: Value,
    pub by: String,
    pub at: DateTime<Utc>,
}

/// A save refused because the project moved on: what it is now, and what changed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Conflict {
    pub current: ProjectView,
    pub changes: Vec<FieldChange>,
}

fn field_error(field: &str, message: String) -> FieldError {
    FieldError {
        field: field.into(),
        message,
    }
}

/// Applies the fields of a JSON patch to a project, collecting every field in error.
fn apply(
    p: &mut Project,
    patch: &Map<String, Value>,
    zones: &[Zone],
    actor: &Actor,
) -> Vec<FieldError> {
    let lang = actor.lang;
    let mut errors = Vec::new();
    let text = |v: &Value| v.as_str().map(str::trim).map(str::to_string);
    for (key, value) in patch {
        let bad = |what: &str| field_error(key, what.to_string());
        let outcome: Result<(), FieldError> = match key.as_str() {
            "name" => text(value)
                .filter(|t| !t.is_empty())
                .map(|t| p.name = t)
                .ok_or_else(|| bad(lang.pick("项目名称不能为空", "the name must not be empty"))),
            "chain" => {
                p.chain = text(value).unwrap_or_default();
                Ok(())
            }
            "strategic_emerging" => value
                .as_bool()
                .map(|b| p.strategic_emerging = b)
                .ok_or_else(|| bad(lang.pick("应为 true 或 false", "must be true or false"))),
            "category" => text(value)
                .and_then(|t| Category::parse(&t))
                .map(|c| p.category = c)
                .ok_or_else(|| bad(&Expected::Category.describe(lang))),
            "zone" => match text(value).and_then(|t| zones.iter().find(|z| z.name == t)) {
                Some(z) if actor.sees(z) => {
                    p.zone_id = z.id;
                    Ok(())
                }
                _ => Err(bad(lang.pick("没有这个开发区", "no such zone"))),
            },
            "total_investment_wan" => {
                match text(value).or_else(|| value.as_number().map(|n| n.to_string())) {
                    Some(t) => Amount::parse_wan(&t)
                        .map(|a| p.total_investment = a)
                        .map_err(|e| bad(&e.message(lang))),
                    None => Err(bad(lang.pick("不能为空", "must not be empty"))),
                }
            }
            "expected_output_wan" => {
                match text(value).or_else(|| value.as_number().map(|n| n.to_string())) {
                    None => {
                        p.expected_output = None;
                        Ok(())
                    }
                    Some(t) => Amount::parse_wan(&t)
                        .map(|a| p.expected_output = Some(a))
                        .map_err(|e| bad(&e.message(lang))),
                }
            }
            "land_area_mu" => {
                match text(value).or_else(|| value.as_number().map(|n| n.to_string())) {
                    None => {
                        p.land_area = None;
                        Ok(())
                    }
                    Some(t) => LandArea::parse(&t)
                        .map(|a| p.land_area = Some(a))
                        .ok_or_else(|| {
                            bad(lang.pick(
                                "用地面积应为不超过两位小数的非负数",
                                "a land area is a non-negative number with at most two decimals",
                            ))
                        }),
                }
            }
            "signed_on" | "landed_on" | "started_on" | "producing_on" | "reached_on"
            | "terminated_on" => match value {
                Value::Null => {
                    set_date(p, key, None);
                    Ok(())
                }
                v => match text(v).and_then(|t| t.parse::<NaiveDate>().ok()) {
                    Some(d) => {
                        set_date(p, key, Some(d));
                        Ok(())
                    }
                    None => Err(bad(&Expected::Date.describe(lang))),
                },
            },
            "version" | "id" | "code" | "stage" | "city" | "zone_id" | "enterprise"
            | "credit_code" => Ok(()),
            _ => Err(bad(
                lang.pick("不能修改这个字段", "this field cannot be changed")
            )),
        };
        if let Err(e) = outcome {
            errors.push(e);
        }
    }
    errors
}

fn set_date(p: &mut Project, key: &str, date: Option<NaiveDate>) {
    match key {
        "terminated_on" => p.terminated_on = date,
        _ => {
            if let Some(m) = Milestone::from_field(key) {
                p.dates.set(m, date);
            }
        }
    }
}

fn stage_dates(v: &ProjectView) -> kfq_core::stage::StageDates {
    kfq_core::stage::StageDates {
        signed_on: v.signed_on,
        landed_on: v.landed_on,
        started_on: v.started_on,
        producing_on: v.producing_on,
        reached_on: v.reached_on,
    }
}

/// The projects that reported investment in the month the query names, if it names one.
async fn reported_in(
    db: &Db,
    query: &ProjectQuery,
) -> Result<Option<std::collections::HashSet<i64>>, AppError> {
    let Some(text) = query.reported.as_deref() else {
        return Ok(None);
    };
    let month = kfq_core::monthly::Month::parse(text).map_err(|_| AppError::BadArgument {
        name: "reported",
        value: text.into(),
        expected: Expected::Month,
    })?;
    let snapshot = db.snapshot().await?;
    Ok(Some(
        snapshot
            .monthly
            .iter()
            .filter(|r| r.month == month)
            .map(|r| r.project_id)
            .collect(),
    ))
}

fn dated(v: &ProjectView, m: Milestone) -> Option<NaiveDate> {
    match m {
        Milestone::Signed => v.signed_on,
        Milestone::Landed => v.landed_on,
        Milestone::Started => v.started_on,
        Milestone::Producing => v.producing_on,
        Milestone::Reached => v.reached_on,
    }
}

/// Saves a patch made from `version`. A patch from an older version is refused with what
/// changed since; a patch that breaks a rule is refused with every field in error.
pub async fn update(
    db: &Db,
    actor: &Actor,
    id: i64,
    version: i64,
    patch: &Map<String, Value>,
) -> Result<ProjectView, AppError> {
    // Scope first: a project outside it is not found, whatever the role.
    let current = get(db, actor, id).await?;
    actor.must(Action::EditProject)?;
    let mut project = kfq_store::load_project(db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    if project.version != version {
        return Err(conflict(db, current, version).await);
    }
    let before = project.clone();
    let zones = kfq_store::zones(db).await?;
    let mut errors = apply(&mut project, patch, &zones, actor);
    for problem in project.check() {
        let field = match &problem {
            ProjectError::EmptyName => "name",
            ProjectError::OutOfOrder(o) => Milestone::field(o.later),
            ProjectError::TerminatedTooEarly { .. } => "terminated_on",
        };
        errors.push(field_error(field, problem.message(actor.lang)));
    }
    let rounds = kfq_store::rounds(db).await?;
    for entry in kfq_store::entries(db, None)
        .await?
        .iter()
        .filter(|e| e.project_id == id)
    {
        let Some(round) = rounds.iter().find(|r| r.id == entry.round) else {
            continue;
        };
        if let Err(why) = check_entry(round, entry.batch, &project.dates) {
            let field = Milestone::field(entry.batch.milestone());
            let message = match actor.lang {
                kfq_core::Lang::Zh => format!(
                    "已列入{}{}一批：{}",
                    round.id.label(actor.lang),
                    entry.batch.label(actor.lang),
                    why.message(actor.lang)
                ),
                kfq_core::Lang::En => format!(
                    "entered in the {} batch of {}: {}",
                    entry.batch.label(actor.lang),
                    round.id,
                    why.message(actor.lang)
                ),
            };
            errors.push(field_error(field, message));
        }
    }
    if !errors.is_empty() {
        return Err(AppError::Invalid(errors));
    }
    if project == before {
        return Ok(current);
    }
    let mut tx = db.begin().await?;
    let new_version = match kfq_store::update_project(&mut tx, &project).await {
        Err(kfq_store::StoreError::Conflict) => {
            // Let go of the writer's lock and the connection before reading what changed:
            // under load every other connection may be waiting for that lock.
            drop(tx);
            return Err(conflict(db, current, version).await);
        }
        other => other?,
    };
    project.version = new_version;
    crate::audit::append(
        &mut tx,
        actor,
        "update",
        "project",
        project.code.as_str(),
        Some(crate::audit::project_json(&before)),
        Some(crate::audit::project_json(&project)),
    )
    .await?;
    tx.commit().await?;
    get(db, actor, id).await
}

/// What changed since `version`, from the audit trail.
async fn conflict(db: &Db, current: ProjectView, version: i64) -> AppError {
    let events = kfq_store::audit_of(db, "project", &current.code)
        .await
        .unwrap_or_default();
    let parse = |s: &Option<String>| {
        s.as_deref()
            .and_then(|t| serde_json::from_str::<Map<String, Value>>(t).ok())
    };
    let mut changes = Vec::new();
    for event in &events {
        let (Some(before), Some(after)) = (parse(&event.before), parse(&event.after)) else {
            continue;
        };
        let from_version = before.get("version").and_then(Value::as_i64).unwrap_or(0);
        if from_version < version {
            continue;
        }
        for (field, to) in &after {
            let from = before.get(field).cloned().unwrap_or(Value::Null);
            if field != "version" && from != *to {
                changes.push(FieldChange {
                    field: field.clone(),
                    from,
                    to: to.clone(),
                    by: event.actor.clone(),
                    at: event.at,
                });
            }
        }
    }
    AppError::Conflict(Box::new(Conflict { current, changes }))
}

/// One change in a project's history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HistoryItem {
    pub at: DateTime<Utc>,
    pub by: String,
    pub action: String,
    pub changes: Vec<(String, String, String)>,
}

/// The project's change history, newest first, from the audit trail.
pub async fn history(db: &Db, actor: &Actor, id: i64) -> Result<Vec<HistoryItem>, AppError> {
    actor.must(kfq_core::access::Action::Read)?;
    let view = get(db, actor, id).await?;
    let parse = |s: &Option<String>| {
        s.as_deref()
            .and_then(|t| serde_json::from_str::<Map<String, Value>>(t).ok())
    };
    let show = |v: Option<&Value>| match v {
        None | Some(Value::Null) => "—".to_string(),
        Some(Value::String(s)) => s.clone(),
        Some(other) => other.to_string(),
    };
    let mut items: Vec<HistoryItem> = kfq_store::audit_of(db, "project", &view.code)
        .await?
        .into_iter()
        .map(|e| {
            let before = parse(&e.before).unwrap_or_default();
            let after = parse(&e.after).unwrap_or_default();
            let changes = after
                .iter()
                .filter(|(k, v)| {
                    k.as_str() != "version"
                        && before.get(*k) != Some(*v)
                        && !(before.is_empty() && v.is_null())
                })
                .map(|(k, v)| (k.clone(), show(before.get(k)), show(Some(v))))
                .collect();
            HistoryItem {
                at: e.at,
                by: e.actor,
                action: e.action,
                changes,
            }
        })
        .collect();
    items.reverse();
    Ok(items)
}

/// The industry chains of the projects in the actor's scope, for the list's filter.
pub async fn chains(db: &Db, actor: &Actor) -> Result<Vec<String>, AppError> {
    actor.must(kfq_core::access::Action::Read)?;
    let zones: HashMap<i64, Zone> = kfq_store::zones(db)
        .await?
        .into_iter()
        .map(|z| (z.id, z))
        .collect();
    let mut chains: Vec<String> = kfq_store::projects(db)
        .await?
        .into_iter()
        .filter(|p| !p.chain.is_empty() && zones.get(&p.zone_id).is_some_and(|z| actor.sees(z)))
        .map(|p| p.chain)
        .collect();
    chains.sort();
    chains.dedup();
    Ok(chains)
}

/// The columns of a project list export, with the cells of one project.
fn export_columns(lang: kfq_core::Lang) -> Vec<&'static str> {
    let zh = [
        "项目编号",
        "项目名称",
        "所属开发区",
        "所属市",
        "项目单位",
        "产业链",
        "是否战新",
        "项目类别",
        "总投资（万元）",
        "预计年产值（万元）",
        "阶段",
        "签约日期",
        "落地日期",
        "开工日期",
        "投产日期",
        "达产日期",
    ];
    let en = [
        "Code",
        "Project",
        "Zone",
        "City",
        "Enterprise",
        "Industry chain",
        "Strategic emerging",
        "Category",
        "Total investment (10k yuan)",
        "Expected output (10k yuan)",
        "Stage",
        "Signed",
        "Landed",
        "Started",
        "Producing",
        "Reached target",
    ];
    match lang {
        kfq_core::Lang::Zh => zh.to_vec(),
        kfq_core::Lang::En => en.to_vec(),
    }
}

fn export_cells(p: &ProjectView, lang: kfq_core::Lang) -> Vec<String> {
    let date = |d: Option<NaiveDate>| d.map(|d| d.to_string()).unwrap_or_default();
    vec![
        p.code.clone(),
        p.name.clone(),
        p.zone.clone(),
        kfq_core::region::regions().name(p.city).to_string(),
        p.enterprise.clone().unwrap_or_default(),
        p.chain.clone(),
        lang.pick(
            if p.strategic_emerging { "是" } else { "否" },
            if p.strategic_emerging { "yes" } else { "no" },
        )
        .into(),
        p.category.label(lang).into(),
        p.total_investment_wan.wan_string(),
        p.expected_output_wan
            .map(|a| a.wan_string())
            .unwrap_or_default(),
        p.stage.label(lang).into(),
        date(p.signed_on),
        date(p.landed_on),
        date(p.started_on),
        date(p.producing_on),
        date(p.reached_on),
    ]
}

/// The list as CSV (UTF-8 with a byte-order mark). A cell that a spreadsheet would take for a
/// formula (= + - @) is prefixed with an apostrophe, so it stays text.
pub fn csv(items: &[ProjectView], lang: kfq_core::Lang) -> Vec<u8> {
    crate::export::csv_table(
        &export_columns(lang),
        items.iter().map(|p| export_cells(p, lang)),
    )
}

/// The list as a clerk lays it out: a title, 单位：万元, the header frozen and repeated on every
/// printed page (A4 landscape, one page wide), amounts as numbers and days as dates, a 合计 row;
/// text is always text, never a formula.
pub fn xlsx(items: &[ProjectView], lang: kfq_core::Lang) -> Result<Vec<u8>, AppError> {
    use crate::render::{ReportTable, Val};
    let text = |t: String| Val::Text(t);
    let day = |d: Option<NaiveDate>| d.map_or(Val::Text(String::new()), Val::Day);
    let rows: Vec<Vec<Val>> = items
        .iter()
        .map(|p| {
            let cells = export_cells(p, lang);
            let mut row: Vec<Val> = cells.iter().take(8).cloned().map(text).collect();
            row.push(Val::Wan(p.total_investment_wan));
            row.push(
                p.expected_output_wan
                    .map_or(Val::Text(String::new()), Val::Wan),
            );
            row.push(text(p.stage.label(lang).into()));
            for d in [
                p.signed_on,
                p.landed_on,
                p.started_on,
                p.producing_on,
                p.reached_on,
            ] {
                row.push(day(d));
            }
            row
        })
        .collect();
    let sum = |f: &dyn Fn(&ProjectView) -> Option<kfq_core::Amount>| {
        items.iter().filter_map(f).sum::<kfq_core::Amount>()
    };
    let mut total = vec![Val::Text(String::new()); export_columns(lang).len()];
    total[0] = text(lang.pick("合计", "Total").into());
    total[1] = text(format!(
        "{}{}",
        items.len(),
        lang.pick(" 个项目", " projects")
    ));
    total[8] = Val::Wan(sum(&|p| Some(p.total_investment_wan)));
    total[9] = Val::Wan(sum(&|p| p.expected_output_wan));
    let table = ReportTable {
        title: lang.pick("项目清单", "Projects").into(),
        unit: lang
            .pick("单位：万元", "Amounts in 万元 (10,000 yuan)")
            .into(),
        headers: export_columns(lang).iter().map(|h| h.to_string()).collect(),
        rows,
        total: Some(total),
        notes: vec![format!(
            "{}{}",
            lang.pick("导出日期：", "Exported on "),
            crate::reports::today()
        )],
    };
    let sheet = lang.pick("项目清单", "Projects").to_string();
    crate::render::xlsx_bytes("projects.xlsx", &[(sheet, table)])
}

/// Creates a project from fields as the API and the form send them. `zone`, `name`,
/// `category` and `total_investment_wan` are required; without a `code`, one is given
/// (`<city>-<year>-<serial>`). `enterprise` and `credit_code` name the 项目单位.
pub async fn create(
    db: &Db,
    actor: &Actor,
    fields: &Map<String, Value>,
) -> Result<ProjectView, AppError> {
    let new = prepare(db, actor, fields).await?;
    let mut tx = db.begin().await?;
    let project = insert_in(&mut tx, actor, new).await?;
    tx.commit().await?;
    get(db, actor, project.id).await
}

/// A project to create, checked, with its 项目单位: one already known (by id) or one to add.
pub(crate) struct NewProject {
    pub project: Project,
    enterprise: Option<Result<i64, Enterprise>>,
}

/// Checks the fields of a project to create (as [`create`] takes them), reading what it needs
/// before any transaction.
pub(crate) async fn prepare(
    db: &Db,
    actor: &Actor,
    fields: &Map<String, Value>,
) -> Result<NewProject, AppError> {
    actor.must(Action::EditProject)?;
    let zones = kfq_store::zones(db).await?;
    let lang = actor.lang;
    let text = |k: &str| {
        fields
            .get(k)
            .and_then(Value::as_str)
            .map(str::trim)
            .unwrap_or_default()
            .to_string()
    };
    let mut errors = Vec::new();
    let required = lang.pick("不能为空", "must not be empty");
    for key in ["zone", "name", "category", "total_investment_wan"] {
        if text(key).is_empty() && !fields.get(key).is_some_and(Value::is_number) {
            errors.push(field_error(key, required.into()));
        }
    }
    let zone = zones
        .iter()
        .find(|z| z.name == text("zone") && actor.sees(z));
    let mut project = Project {
        id: 0,
        code: kfq_core::project::ProjectCode::parse("NEW").map_err(|_| AppError::Internal)?,
        name: String::new(),
        zone_id: zone.map_or(0, |z| z.id),
        enterprise_id: None,
        chain: String::new(),
        strategic_emerging: false,
        category: Category::Industrial,
        total_investment: Amount::ZERO,
        expected_output: None,
        land_area: None,
        dates: Default::default(),
        terminated_on: None,
        version: 1,
    };
    let mut patch = fields.clone();
    patch.retain(|k, v| {
        !(matches!(k.as_str(), "code" | "enterprise" | "credit_code")
            || (v.as_str() == Some("") && k != "name"))
    });
    let applied = apply(&mut project, &patch, &zones, actor);
    let new_errors: Vec<FieldError> = applied
        .into_iter()
        .filter(|e| !errors.iter().any(|r| r.field == e.field))
        .collect();
    errors.extend(new_errors);
    for problem in project.check() {
        if let ProjectError::OutOfOrder(o) = &problem {
            errors.push(field_error(
                Milestone::field(o.later),
                problem.message(lang),
            ));
        }
    }
    let existing = kfq_store::projects(db).await?;
    let code = match text("code").as_str() {
        "" => zone.map(|z| next_code(&existing, z.city, &project)),
        given => match kfq_core::project::ProjectCode::parse(given) {
            Ok(c) if existing.iter().any(|p| p.code == c) => {
                errors.push(field_error(
                    "code",
                    lang.pick("项目编号已存在", "this code is taken").into(),
                ));
                None
            }
            Ok(c) => Some(c),
            Err(e) => {
                errors.push(field_error("code", e.message(lang)));
                None
            }
        },
    };
    let credit_code = match text("credit_code").as_str() {
        "" => None,
        given => match kfq_core::enterprise::CreditCode::parse(given) {
            Ok(c) => Some(c),
            Err(e) => {
                errors.push(field_error("credit_code", e.message(lang)));
                None
            }
        },
    };
    if !errors.is_empty() {
        return Err(AppError::Invalid(errors));
    }
    let (Some(code), Some(_)) = (code, zone) else {
        return Err(AppError::Invalid(errors));
    };
    project.code = code;
    let enterprise_name = text("enterprise");
    // Read before the transaction: a transaction waiting on a second connection could wait on
    // the others, all waiting for its lock.
    let known = kfq_store::enterprises(db)
        .await?
        .into_iter()
        .find(|e| match &credit_code {
            Some(c) => e.credit_code.as_ref() == Some(c),
            None => e.name == enterprise_name,
        });
    let named = !enterprise_name.is_empty() || credit_code.is_some();
    let enterprise = named.then_some(match known {
        Some(e) => Ok(e.id),
        None => Err(Enterprise {
            id: 0,
            name: enterprise_name,
            credit_code,
            chain_leader: false,
        }),
    });
    Ok(NewProject {
        project,
        enterprise,
    })
}

/// Writes a prepared project (and its new 项目单位) with its audit event in the caller's
/// transaction; the project as stored.
pub(crate) async fn insert_in(
    tx: &mut kfq_store::Tx,
    actor: &Actor,
    new: NewProject,
) -> Result<Project, AppError> {
    let mut project = new.project;
    project.enterprise_id = match new.enterprise {
        None => None,
        Some(Ok(id)) => Some(id),
        Some(Err(e)) => Some(kfq_store::insert_enterprise(tx, &e).await?),
    };
    project.id = kfq_store::insert_project(tx, &project).await?;
    crate::audit::append(
        tx,
        actor,
        "create",
        "project",
        project.code.as_str(),
        None,
        Some(crate::audit::project_json(&project)),
    )
    .await?;
    Ok(project)
}

/// The next free `<city>-<year>-<serial>` code, the year being that of the first milestone.
fn next_code(
    existing: &[Project],
    city: RegionCode,
    project: &Project,
) -> kfq_core::project::ProjectCode {
    use chrono::Datelike;
    let year = Milestone::ALL
        .iter()
        .find_map(|&m| project.dates.get(m))
        .map_or_else(|| chrono::Local::now().year(), |d| d.year());
    let prefix = format!("{city}-{year}-");
    let serial = existing
        .iter()
        .filter_map(|p| {
            p.code
                .as_str()
                .strip_prefix(&prefix)
                .and_then(|s| s.parse::<u32>().ok())
        })
        .max()
        .unwrap_or(0)
        + 1;
    kfq_core::project::ProjectCode::parse(&format!("{prefix}{serial:04}"))
        .unwrap_or_else(|_| project.code.clone())
}

#[cfg(test)]
mod tests {
    #[test]
    fn initials_follow_the_pinyin_of_each_character() {
        assert_eq!(super::initials("氢能重卡项目"), "qnzkxm");
        assert_eq!(super::initials("年产20万吨针状焦"), "nc20wdzzj");
    }
}
