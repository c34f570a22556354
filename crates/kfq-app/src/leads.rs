//! 招商线索 — the leads of the zones in the actor's scope: listed and filtered, opened with their
//! log of contacts and visits, registered, changed from the version seen (a stale save is
//! refused), logged on, and signed — which creates the project and links it, in one
//! transaction. And a region's conversion (对接、签约、签约额、签约率) by zone, source and chain.
//! Every change is audited as `lead`, keyed `{zone}/{name}`.

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, NaiveDate, Utc};
use kfq_core::access::Action;
use kfq_core::lead::{self, Coded, Conversion, Lead, LeadSource, LeadStatus, VisitKind};
use kfq_core::money::Amount;
use kfq_core::zone::Zone;
use kfq_core::{Lang, Localized};
use kfq_store::{Db, StoreError, Visit};
use serde::Serialize;
use serde_json::{Map, Value};

use crate::projects::{text_field, FieldError, ProjectView};
use crate::{Actor, AppError, Expected};

/// A lead as the list and its page show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LeadView {
    pub id: i64,
    pub zone_id: i64,
    pub zone: String,
    pub city: String,
    pub name: String,
    pub source: LeadSource,
    pub chain: String,
    pub investor: String,
    /// 意向投资额（万元）; the amount signed once signed.
    pub expected_investment_wan: Option<Amount>,
    pub contact: String,
    pub owner: String,
    pub status: LeadStatus,
    pub registered_on: NaiveDate,
    pub signed_on: Option<NaiveDate>,
    pub dropped_on: Option<NaiveDate>,
    pub reason: String,
    /// The project signing made of it, with its code.
    pub project_id: Option<i64>,
    pub project_code: Option<String>,
    /// The 招商活动 that produced it.
    pub activity_id: Option<i64>,
    pub version: i64,
}

/// A line of a lead's log (跟进记录).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct VisitView {
    pub visited_on: NaiveDate,
    pub kind: VisitKind,
    pub people: String,
    pub note: String,
    pub author: String,
    pub at: DateTime<Utc>,
}

impl From<Visit> for VisitView {
    fn from(v: Visit) -> VisitView {
        VisitView {
            visited_on: v.visited_on,
            kind: v.kind,
            people: v.people,
            note: v.note,
            author: v.author,
            at: v.at,
        }
    }
}

fn view(l: &Lead, zone: &Zone, codes: &HashMap<i64, String>) -> LeadView {
    LeadView {
        id: l.id,
        zone_id: zone.id,
        zone: zone.name.clone(),
        city: zone.city.to_string(),
        name: l.name.clone(),
        source: l.source,
        chain: l.chain.clone(),
        investor: l.investor.clone(),
        expected_investment_wan: l.expected_investment,
        contact: l.contact.clone(),
        owner: l.owner.clone(),
        status: l.status,
        registered_on: l.registered_on,
        signed_on: l.signed_on,
        dropped_on: l.dropped_on,
        reason: l.reason.clone(),
        project_id: l.project_id,
        project_code: l.project_id.and_then(|id| codes.get(&id).cloned()),
        activity_id: l.activity_id,
        version: l.version,
    }
}

async fn project_codes(db: &Db) -> Result<HashMap<i64, String>, AppError> {
    let snapshot = db.snapshot().await?;
    Ok(snapshot
        .projects
        .iter()
        .map(|p| (p.id, p.code.to_string()))
        .collect())
}

/// What the list is filtered by; empty fields keep everything.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LeadQuery {
    pub region: Option<String>,
    pub status: Option<String>,
    pub source: Option<String>,
    pub chain: Option<String>,
    /// Text in the name, the investor or the contact.
    pub q: Option<String>,
    /// Only the open ones (接洽、考察、洽谈).
    pub open: bool,
}

fn given(text: Option<&str>) -> Option<&str> {
    text.map(str::trim).filter(|t| !t.is_empty())
}

fn parsed<T: Coded>(
    name: &'static str,
    text: Option<&str>,
    expected: Expected,
) -> Result<Option<T>, AppError> {
    match given(text) {
        None => Ok(None),
        Some(t) => T::parse(t).map(Some).ok_or(AppError::BadArgument {
            name,
            value: t.into(),
            expected,
        }),
    }
}

/// The leads of the zones in the actor's scope (or the region asked for): open ones first,
/// the latest first.
pub async fn list(db: &Db, actor: &Actor, query: &LeadQuery) -> Result<Vec<LeadView>, AppError> {
    let status: Option<LeadStatus> =
        parsed("status", query.status.as_deref(), Expected::LeadStatus)?;
    let source: Option<LeadSource> =
        parsed("source", query.source.as_deref(), Expected::LeadSource)?;
    let chain = given(query.chain.as_deref());
    let q = given(query.q.as_deref());
    let (_, in_scope) = crate::reports::zones_in_scope(db, actor, query.region.as_deref()).await?;
    let codes = project_codes(db).await?;
    let mut list: Vec<LeadView> = kfq_store::leads(db)
        .await?
        .iter()
        .filter(|l| status.is_none_or(|s| l.status == s))
        .filter(|l| source.is_none_or(|s| l.source == s))
        .filter(|l| chain.is_none_or(|c| l.chain == c))
        .filter(|l| !query.open || l.status.is_open())
        .filter(|l| {
            q.is_none_or(|q| l.name.contains(q) || l.investor.contains(q) || l.contact.contains(q))
        })
        .filter_map(|l| Some(view(l, in_scope.get(&l.zone_id)?, &codes)))
        .collect();
    list.sort_by(|a, b| {
        b.status
            .is_open()
            .cmp(&a.status.is_open())
            .then(b.registered_on.cmp(&a.registered_on))
            .then(b.id.cmp(&a.id))
    });
    Ok(list)
}

/// The lead and its zone, if the zone lies in the actor's scope (else: not found).
async fn visible(db: &Db, actor: &Actor, id: i64) -> Result<(Lead, Zone), AppError> {
    actor.must(Action::Read)?;
    let lead = kfq_store::lead(db, id).await?.ok_or(AppError::NotFound)?;
    let zone = kfq_store::zones(db)
        .await?
        .into_iter()
        .find(|z| z.id == lead.zone_id)
        .filter(|z| actor.sees(z))
        .ok_or(AppError::NotFound)?;
    Ok((lead, zone))
}

/// One lead with its log, oldest first.
pub async fn get(db: &Db, actor: &Actor, id: i64) -> Result<(LeadView, Vec<VisitView>), AppError> {
    let (lead, zone) = visible(db, actor, id).await?;
    let visits = kfq_store::visits(db, id).await?;
    let codes = project_codes(db).await?;
    Ok((
        view(&lead, &zone, &codes),
        visits.into_iter().map(VisitView::from).collect(),
    ))
}

/// The lead a project was signed from, if it was and the actor sees it.
pub async fn of_project(
    db: &Db,
    actor: &Actor,
    project_id: i64,
) -> Result<Option<LeadView>, AppError> {
    match kfq_store::lead_of_project(db, project_id).await? {
        Some(l) => get(db, actor, l.id).await.map(|(v, _)| Some(v)),
        None => Ok(None),
    }
}

fn json(l: &Lead) -> String {
    serde_json::json!({
        "zone_id": l.zone_id, "name": l.name, "source": l.source.code(), "chain": l.chain,
        "investor": l.investor, "expected_investment_wan": l.expected_investment,
        "contact": l.contact, "owner": l.owner, "status": l.status.code(),
        "registered_on": l.registered_on, "signed_on": l.signed_on,
        "dropped_on": l.dropped_on, "reason": l.reason, "project_id": l.project_id,
        "activity_id": l.activity_id,
        "version": l.version,
    })
    .to_string()
}

fn field(field: &str, message: String) -> FieldError {
    FieldError {
        field: field.into(),
        message,
    }
}

fn date_field(key: &str, text: &str, lang: Lang) -> Result<Option<NaiveDate>, FieldError> {
    if text.is_empty() {
        return Ok(None);
    }
    text.parse()
        .ok()
        .filter(|d| kfq_core::meeting::plausible_day(*d))
        .map(Some)
        .ok_or_else(|| field(key, Expected::Date.describe(lang)))
}

/// Applies the fields of a change (as the API and the pages send them) to a lead and checks it
/// against the one stored (None for a new lead): every field wrong at once.
fn checked(
    l: Lead,
    fields: &Map<String, Value>,
    before: Option<&Lead>,
    today: NaiveDate,
    lang: Lang,
) -> Result<Lead, AppError> {
    let (l, mut errors) = apply(l, fields, lang);
    match l.settle(before, today) {
        Ok(l) if errors.is_empty() => Ok(l),
        Ok(_) => Err(AppError::Invalid(errors)),
        Err(found) => {
            for f in found {
                if !errors.iter().any(|e| e.field == f.field()) {
                    errors.push(field(f.field(), f.message(lang).into()));
                }
            }
            Err(AppError::Invalid(errors))
        }
    }
}

fn apply(mut l: Lead, fields: &Map<String, Value>, lang: Lang) -> (Lead, Vec<FieldError>) {
    let mut errors = Vec::new();
    for (key, value) in fields {
        // Carried beside the fields, not fields of the lead.
        if matches!(key.as_str(), "version" | "zone" | "zone_id") {
            continue;
        }
        let text = match value {
            Value::Number(n)
                if matches!(key.as_str(), "expected_investment_wan" | "activity_id") =>
            {
                n.to_string()
            }
            _ => match text_field(key, value, lang) {
                Ok(t) => t.to_string(),
                Err(e) => {
                    errors.push(e);
                    continue;
                }
            },
        };
        let plain = match key.as_str() {
            "name" => Some(&mut l.name),
            "chain" => Some(&mut l.chain),
            "investor" => Some(&mut l.investor),
            "contact" => Some(&mut l.contact),
            "owner" => Some(&mut l.owner),
            "reason" => Some(&mut l.reason),
            _ => None,
        };
        if let Some(slot) = plain {
            *slot = text;
            continue;
        }
        let outcome: Result<(), FieldError> = match key.as_str() {
            "source" => LeadSource::parse(&text)
                .map(|s| l.source = s)
                .ok_or_else(|| field(key, Expected::LeadSource.describe(lang))),
            "status" => LeadStatus::parse(&text)
                .map(|s| l.status = s)
                .ok_or_else(|| field(key, Expected::LeadStatus.describe(lang))),
            "expected_investment_wan" if text.is_empty() => {
                l.expected_investment = None;
                Ok(())
            }
            "expected_investment_wan" => Amount::parse_wan(&text)
                .map(|a| l.expected_investment = Some(a))
                .map_err(|e| field(key, e.message(lang))),
            "registered_on" => match date_field(key, &text, lang) {
                Ok(Some(d)) => {
                    l.registered_on = d;
                    Ok(())
                }
                Ok(None) => Err(field(key, Expected::Date.describe(lang))),
                Err(e) => Err(e),
            },
            "dropped_on" => date_field(key, &text, lang).map(|d| l.dropped_on = d),
            "activity_id" if text.is_empty() => {
                l.activity_id = None;
                Ok(())
            }
            "activity_id" => text
                .parse::<i64>()
                .map(|id| l.activity_id = Some(id))
                .map_err(|_| field(key, Expected::ActivityOfZone.describe(lang))),
            other => Err(field(other, Expected::LeadField.describe(lang))),
        };
        if let Err(e) = outcome {
            errors.push(e);
        }
    }
    (l, errors)
}

fn name_taken(lang: Lang) -> AppError {
    AppError::Invalid(vec![field(
        "name",
        lang.pick(
            "本开发区已有同名的招商线索",
            "this zone has a lead so named already",
        )
        .into(),
    )])
}

/// A store error as the user hears it: a zone's leads are told apart by their names (the
/// database's unique key), so a name another lead of the zone has is the name's fault.
fn refused_store(e: StoreError, lang: Lang) -> AppError {
    if e.is_unique_violation() {
        name_taken(lang)
    } else {
        AppError::Store(e)
    }
}

fn key(zone: &Zone, l: &Lead) -> String {
    format!("{}/{}", zone.name, l.name)
}

/// The zone a request names (`zone`, by name) among those the actor sees, or the actor's own
/// when they see one only; refused by field otherwise.
pub(crate) async fn zone_of_request(
    db: &Db,
    actor: &Actor,
    fields: &Map<String, Value>,
) -> Result<Zone, AppError> {
    let lang = actor.lang;
    let zones: Vec<Zone> = kfq_store::zones(db)
        .await?
        .into_iter()
        .filter(|z| actor.sees(z))
        .collect();
    let named = fields
        .get("zone")
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|t| !t.is_empty());
    let zone = match named {
        Some(name) => zones.iter().find(|z| z.name == name),
        None if zones.len() == 1 => zones.first(),
        None => None,
    }
    .ok_or_else(|| {
        AppError::Invalid(vec![field(
            "zone",
            lang.pick("请选择本辖区内的开发区", "choose a zone of your region")
                .into(),
        )])
    })?
    .clone();
    Ok(zone)
}

/// A change that would move a record (a lead, an activity) to another zone is refused: it stays
/// with its zone (drop or close it and record it in the other).
pub(crate) fn stays_in_zone(
    fields: &Map<String, Value>,
    zone: &Zone,
    lang: Lang,
) -> Result<(), AppError> {
    let moved = ["zone", "zone_id"].iter().any(|k| match fields.get(*k) {
        Some(Value::String(name)) => name.trim() != zone.name,
        Some(Value::Number(n)) => n.as_i64() != Some(zone.id),
        Some(Value::Null) | None => false,
        Some(_) => true,
    });
    if moved {
        return Err(AppError::Invalid(vec![field(
            "zone",
            lang.pick(
                "所属开发区不能更改（可在另一开发区重新登记）",
                "it stays with its zone (record it again in the other)",
            )
            .into(),
        )]));
    }
    Ok(())
}

/// The leads that name an activity, visible to the actor.
pub(crate) async fn of_activity(
    db: &Db,
    actor: &Actor,
    activity_id: i64,
) -> Result<Vec<LeadView>, AppError> {
    let zones = kfq_store::zones(db).await?;
    let codes = project_codes(db).await?;
    Ok(kfq_store::leads(db)
        .await?
        .iter()
        .filter(|l| l.activity_id == Some(activity_id))
        .filter_map(|l| {
            let zone = zones.iter().find(|z| z.id == l.zone_id && actor.sees(z))?;
            Some(view(l, zone, &codes))
        })
        .collect())
}

/// A lead names only an activity of its own zone.
async fn activity_checked(db: &Db, lead: &Lead, lang: Lang) -> Result<(), AppError> {
    match lead.activity_id {
        Some(id) if !crate::activities::of_zone(db, id, lead.zone_id).await? => {
            Err(AppError::Invalid(vec![field(
                "activity_id",
                Expected::ActivityOfZone.describe(lang),
            )]))
        }
        _ => Ok(()),
    }
}

/// Registers a lead of a zone in the actor's scope: `zone` (its name; the actor's own zone when
/// they work at one), `name`, `investor`, and the other fields as in a change; first contacted
/// `registered_on` (today when not given), at 接洽 unless a status is given.
pub async fn create(
    db: &Db,
    actor: &Actor,
    fields: &Map<String, Value>,
    today: NaiveDate,
) -> Result<LeadView, AppError> {
    actor.must(Action::EditProject)?;
    let lang = actor.lang;
    let zone = zone_of_request(db, actor, fields).await?;
    let lead = checked(Lead::new(zone.id, "", "", today), fields, None, today, lang)?;
    activity_checked(db, &lead, lang).await?;
    let mut tx = db.begin().await?;
    let id = kfq_store::insert_lead(&mut tx, &lead)
        .await
        .map_err(|e| refused_store(e, lang))?;
    let saved = Lead { id, ..lead };
    crate::audit::append(
        &mut tx,
        actor,
        "create",
        "lead",
        &key(&zone, &saved),
        None,
        Some(json(&saved)),
    )
    .await?;
    tx.commit().await?;
    get(db, actor, id).await.map(|(v, _)| v)
}

/// Writes a changed lead from the version it was read at, with its audit event, in the
/// caller's transaction; someone's save in between is a conflict.
async fn save_in(
    tx: &mut kfq_store::Tx,
    actor: &Actor,
    zone: &Zone,
    after: &Lead,
    action: &str,
) -> Result<(), AppError> {
    let current = kfq_store::lead_in(tx, after.id)
        .await?
        .ok_or(AppError::NotFound)?;
    if current.version != after.version {
        return Err(AppError::Store(StoreError::Conflict));
    }
    kfq_store::save_lead(tx, after)
        .await
        .map_err(|e| refused_store(e, actor.lang))?;
    let saved = Lead {
        version: after.version + 1,
        ..after.clone()
    };
    crate::audit::append(
        tx,
        actor,
        action,
        "lead",
        &key(zone, &current),
        Some(json(&current)),
        Some(json(&saved)),
    )
    .await?;
    Ok(())
}

/// Changes a lead from the version the user saw: status (not 签约: see [`sign`]), investor,
/// amount, contact, owner, reason for dropping it…
pub async fn update(
    db: &Db,
    actor: &Actor,
    id: i64,
    version: i64,
    fields: &Map<String, Value>,
    today: NaiveDate,
) -> Result<LeadView, AppError> {
    let (stored, zone) = visible(db, actor, id).await?;
    actor.must(Action::EditProject)?;
    stays_in_zone(fields, &zone, actor.lang)?;
    let changed = checked(
        Lead {
            version,
            ..stored.clone()
        },
        fields,
        Some(&stored),
        today,
        actor.lang,
    )?;
    activity_checked(db, &changed, actor.lang).await?;
    let mut tx = db.begin().await?;
    save_in(&mut tx, actor, &zone, &changed, "update").await?;
    tx.commit().await?;
    get(db, actor, id).await.map(|(v, _)| v)
}

/// Adds a line to a lead's log: `visited_on` (today when not given; not in the future), `kind`
/// (call, visit, inspection, talks, other), `people` and `note` (required).
pub async fn visit(
    db: &Db,
    actor: &Actor,
    id: i64,
    fields: &Map<String, Value>,
    today: NaiveDate,
) -> Result<VisitView, AppError> {
    let (lead, zone) = visible(db, actor, id).await?;
    actor.must(Action::EditProject)?;
    let lang = actor.lang;
    let mut errors = Vec::new();
    let mut text = |k: &str| match fields.get(k).map(|v| text_field(k, v, lang)) {
        None => String::new(),
        Some(Ok(t)) => t.to_string(),
        Some(Err(e)) => {
            errors.push(e);
            String::new()
        }
    };
    let (on, kind, people, note) = (
        text("visited_on"),
        text("kind"),
        text("people"),
        text("note"),
    );
    let visited_on = match date_field("visited_on", &on, lang) {
        Ok(Some(d)) if d > today => {
            errors.push(field(
                "visited_on",
                lang.pick("跟进日期不能晚于今天", "cannot be in the future")
                    .into(),
            ));
            today
        }
        Ok(d) => d.unwrap_or(today),
        Err(e) => {
            errors.push(e);
            today
        }
    };
    let kind = match kind.as_str() {
        "" => VisitKind::Other,
        k => VisitKind::parse(k).unwrap_or_else(|| {
            errors.push(field("kind", Expected::VisitKind.describe(lang)));
            VisitKind::Other
        }),
    };
    if note.is_empty() {
        errors.push(field(
            "note",
            lang.pick("请写明跟进情况", "say what came of it").into(),
        ));
    }
    for k in fields.keys() {
        if !matches!(k.as_str(), "visited_on" | "kind" | "people" | "note") {
            errors.push(field(k, Expected::VisitField.describe(lang)));
        }
    }
    if !errors.is_empty() {
        return Err(AppError::Invalid(errors));
    }
    let line = Visit {
        id: 0,
        lead_id: id,
        visited_on,
        kind,
        people,
        note,
        author: actor.username.clone(),
        at: Utc::now(),
    };
    let mut tx = db.begin().await?;
    kfq_store::insert_visits(&mut tx, std::slice::from_ref(&line)).await?;
    crate::audit::append(
        &mut tx,
        actor,
        "visit",
        "lead",
        &key(&zone, &lead),
        None,
        Some(
            serde_json::json!({
                "visited_on": line.visited_on, "kind": line.kind.code(),
                "people": line.people, "note": line.note,
            })
            .to_string(),
        ),
    )
    .await?;
    tx.commit_outside_ledger().await?;
    Ok(VisitView::from(line))
}

/// 签约转项目 — signs an open lead from the version seen: creates its project (the fields of a new
/// project; by default the lead's name, zone, chain and investor as 项目单位, the amount it
/// means to invest as 总投资, 产业类) signed on `signed_on` (today when not given), and links
/// the lead to it, both in one transaction. The lead and the project.
pub async fn sign(
    db: &Db,
    actor: &Actor,
    id: i64,
    version: i64,
    fields: &Map<String, Value>,
    today: NaiveDate,
) -> Result<(LeadView, ProjectView), AppError> {
    let (stored, zone) = visible(db, actor, id).await?;
    actor.must(Action::EditProject)?;
    let lang = actor.lang;
    let mut project_fields: Map<String, Value> = Map::new();
    let defaults = [
        ("name", stored.name.clone()),
        ("chain", stored.chain.clone()),
        ("enterprise", stored.investor.clone()),
        ("category", "industrial".to_string()),
        ("signed_on", today.to_string()),
        (
            "total_investment_wan",
            stored
                .expected_investment
                .map(|a| a.wan_string())
                .unwrap_or_default(),
        ),
    ];
    for (k, v) in defaults {
        project_fields.insert(k.into(), Value::String(v));
    }
    for (k, v) in fields {
        if k != "version" {
            project_fields.insert(k.clone(), v.clone());
        }
    }
    project_fields.insert("zone".into(), Value::String(zone.name.clone()));
    let new = crate::projects::prepare(db, actor, &project_fields).await?;
    let on = new.project.dates.signed_on.unwrap_or(today);
    let amount = new.project.total_investment;
    let check = Lead {
        version,
        ..stored.clone()
    }
    .sign(0, on, amount, today)
    .map_err(|f| AppError::Invalid(vec![field(f.field(), f.message(lang).into())]))?;
    let mut tx = db.begin().await?;
    let project = crate::projects::insert_in(&mut tx, actor, new).await?;
    let signed = Lead {
        project_id: Some(project.id),
        ..check
    };
    save_in(&mut tx, actor, &zone, &signed, "sign").await?;
    tx.commit().await?;
    let lead = get(db, actor, id).await?.0;
    let project = crate::projects::get(db, actor, project.id).await?;
    Ok((lead, project))
}

/// One line of the conversion report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ConversionLine {
    /// The zone's name, the source's code or the chain.
    pub name: String,
    /// The source's or chain's label in the reader's language (the zone's name for a zone).
    pub label: String,
    pub figures: Conversion,
}

/// 招商线索转化 — a region's leads over a period: in all, by zone, by source and by chain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ConversionReport {
    pub region: String,
    pub name: String,
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub figures: Conversion,
    pub zones: Vec<ConversionLine>,
    pub sources: Vec<ConversionLine>,
    pub chains: Vec<ConversionLine>,
}

/// The conversion of the leads of a region (the actor's scope by default) over `from..=to`.
pub async fn report(
    db: &Db,
    actor: &Actor,
    region: Option<&str>,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<ConversionReport, AppError> {
    crate::reports::in_order(from, to)?;
    let (scope, in_scope) = crate::reports::zones_in_scope(db, actor, region).await?;
    let all: Vec<Lead> = kfq_store::leads(db)
        .await?
        .into_iter()
        .filter(|l| in_scope.contains_key(&l.zone_id))
        .collect();
    let lang = actor.lang;
    let mut by_zone: BTreeMap<&str, Vec<&Lead>> = in_scope
        .values()
        .map(|z| (z.name.as_str(), Vec::new()))
        .collect();
    let mut by_source: BTreeMap<LeadSource, Vec<&Lead>> = BTreeMap::new();
    let mut by_chain: BTreeMap<&str, Vec<&Lead>> = BTreeMap::new();
    for l in &all {
        if let Some(z) = in_scope.get(&l.zone_id) {
            by_zone.entry(z.name.as_str()).or_default().push(l);
        }
        by_source.entry(l.source).or_default().push(l);
        by_chain.entry(l.chain.as_str()).or_default().push(l);
    }
    let line = |name: &str, label: &str, list: &[&Lead]| ConversionLine {
        name: name.to_string(),
        label: label.to_string(),
        figures: lead::conversion(list.iter().copied(), from, to),
    };
    let by_most = |a: &ConversionLine, b: &ConversionLine| {
        b.figures
            .leads
            .cmp(&a.figures.leads)
            .then(b.figures.signed.cmp(&a.figures.signed))
            .then(a.name.cmp(&b.name))
    };
    let mut zones: Vec<ConversionLine> = by_zone.iter().map(|(n, l)| line(n, n, l)).collect();
    zones.sort_by(by_most);
    let sources: Vec<ConversionLine> = LeadSource::ALL
        .iter()
        .map(|s| {
            let list = by_source.get(s).map(Vec::as_slice).unwrap_or_default();
            line(s.code(), s.label(lang), list)
        })
        .collect();
    let mut chains: Vec<ConversionLine> = by_chain
        .iter()
        .map(|(c, l)| {
            let label = if c.is_empty() {
                lang.pick("（未列产业链）", "(no chain)")
            } else {
                c
            };
            line(c, label, l)
        })
        .filter(|l| l.figures.leads > 0)
        .collect();
    chains.sort_by(by_most);
    Ok(ConversionReport {
        region: scope.key(),
        name: scope.name(),
        from,
        to,
        figures: lead::conversion(&all, from, to),
        zones,
        sources,
        chains,
    })
}
