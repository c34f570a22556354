//! 调度会 — dispatch meetings of a zone, a city or the province: created with a proposed agenda
//! (projects with overdue or new blockers, stuck ones, those behind their annual plan), decided
//! item by item — a decision may open or update the project's blockers — and written up as
//! minutes (纪要, DOCX). Every change is audited in its own transaction.

use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;
use kfq_core::access::Action;
use kfq_core::blocker::{Blocker, BlockerLevel, Coded};
use kfq_core::meeting::{self, AgendaFact, AgendaItem, AgendaReason, Meeting, MeetingFault};
use kfq_core::monthly::Month;
use kfq_core::monthly_return as plan_rules;
use kfq_core::project::Project;
use kfq_core::report::stuck::{StuckKind, StuckThresholds};
use kfq_core::scope::Scope;
use kfq_core::{Amount, Lang};
use kfq_ledger::docx::{Block, Document};
use kfq_store::{Db, Tx};
use serde::Serialize;
use serde_json::{Map, Value};

use crate::blockers::BlockerView;
use crate::projects::FieldError;
use crate::{Actor, AppError, Expected};

/// A meeting as lists show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MeetingSummary {
    pub id: i64,
    /// Whose meeting: the zone's name or the region's code, as reports key a region.
    pub region: String,
    pub region_name: String,
    pub level: BlockerLevel,
    pub title: String,
    pub held_on: NaiveDate,
    pub chair: String,
    pub attendees: String,
    /// 纪要已定稿
    pub closed: bool,
    /// Items on the agenda, and how many have a decision.
    pub items: i64,
    pub decided: i64,
    pub version: i64,
}

/// A blocker of an item's project: open, or touched by the item's decision.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ItemBlocker {
    /// What the decision did to it: `opened`, `updated`, or null when it only stands open.
    pub decided: Option<String>,
    #[serde(flatten)]
    pub blocker: BlockerView,
}

/// An agenda item (议题) with its project and what was decided.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ItemView {
    pub id: i64,
    pub project_id: i64,
    pub code: String,
    pub project: String,
    pub zone: String,
    pub total_investment_wan: Amount,
    pub reasons: Vec<AgendaReason>,
    pub decision: String,
    pub version: i64,
    pub blockers: Vec<ItemBlocker>,
}

/// A meeting with its agenda.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MeetingView {
    #[serde(flatten)]
    pub meeting: MeetingSummary,
    pub agenda: Vec<ItemView>,
}

/// A meeting to hold.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewMeeting {
    /// A zone, a city or a province in the actor's scope; the actor's own when none.
    pub region: Option<String>,
    /// 第 N 周项目调度会 when none.
    pub title: Option<String>,
    pub held_on: NaiveDate,
    pub chair: String,
    pub attendees: String,
    /// Start with the proposed agenda (else an empty one).
    pub propose: bool,
}

fn summary(m: &Meeting, scope: &Scope, counts: (i64, i64)) -> MeetingSummary {
    MeetingSummary {
        id: m.id,
        region: scope.key(),
        region_name: scope.name(),
        level: m.level,
        title: m.title.clone(),
        held_on: m.held_on,
        chair: m.chair.clone(),
        attendees: m.attendees.clone(),
        closed: m.closed,
        items: counts.0,
        decided: counts.1,
        version: m.version,
    }
}

/// The meetings of the region asked for (the actor's scope when none) and of every zone and
/// city in it, the latest first.
pub async fn list(
    db: &Db,
    actor: &Actor,
    region: Option<&str>,
) -> Result<Vec<MeetingSummary>, AppError> {
    let zones = kfq_store::zones(db).await?;
    let wanted = actor.region(region, &zones)?;
    let counts: HashMap<i64, (i64, i64)> = kfq_store::agenda_counts(db)
        .await?
        .into_iter()
        .map(|(id, items, decided)| (id, (items, decided)))
        .collect();
    Ok(kfq_store::meetings(db)
        .await?
        .iter()
        .filter_map(|m| {
            let scope = Scope::from_stored(&m.scope, &zones).filter(|s| wanted.covers(s))?;
            Some(summary(
                m,
                &scope,
                counts.get(&m.id).copied().unwrap_or_default(),
            ))
        })
        .collect())
}

/// The meeting, if the actor may see it (else: not found), with its scope.
async fn visible(db: &Db, actor: &Actor, id: i64) -> Result<(Meeting, Scope), AppError> {
    actor.must(Action::Read)?;
    let meeting = kfq_store::meeting(db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let zones = kfq_store::zones(db).await?;
    let scope = Scope::from_stored(&meeting.scope, &zones)
        .filter(|s| actor.scope.covers(s))
        .ok_or(AppError::NotFound)?;
    Ok((meeting, scope))
}

/// One meeting with its agenda: each item's project, reasons, decision, and the project's open
/// blockers with those the decision opened or changed.
pub async fn get(
    db: &Db,
    actor: &Actor,
    id: i64,
    today: NaiveDate,
) -> Result<MeetingView, AppError> {
    let (meeting, scope) = visible(db, actor, id).await?;
    let items = kfq_store::agenda(db, id).await?;
    let touched: HashMap<(i64, i64), String> = kfq_store::decision_blockers(db, id)
        .await?
        .into_iter()
        .map(|(item, blocker, action)| ((item, blocker), action))
        .collect();
    let snapshot = db.snapshot().await?;
    let projects: HashMap<i64, &Project> = snapshot.projects.iter().map(|p| (p.id, p)).collect();
    let zones: HashMap<i64, &kfq_core::zone::Zone> =
        snapshot.zones.iter().map(|z| (z.id, z)).collect();
    let mut blockers: HashMap<i64, Vec<&Blocker>> = HashMap::new();
    for b in &snapshot.blockers {
        blockers.entry(b.project_id).or_default().push(b);
    }
    let agenda: Vec<ItemView> = items
        .iter()
        .filter_map(|item| {
            let project = projects.get(&item.project_id)?;
            // A project moved out of the caller's scope since it was put on is not shown.
            let zone = zones.get(&project.zone_id).filter(|z| actor.sees(z))?;
            let blockers = blockers
                .get(&project.id)
                .into_iter()
                .flatten()
                .filter_map(|b| {
                    let decided = touched.get(&(item.id, b.id)).cloned();
                    (b.status.is_open() || decided.is_some()).then(|| ItemBlocker {
                        decided,
                        blocker: crate::blockers::view(b, project, zone, today),
                    })
                })
                .collect();
            Some(ItemView {
                id: item.id,
                project_id: project.id,
                code: project.code.to_string(),
                project: project.name.clone(),
                zone: zone.name.clone(),
                total_investment_wan: project.total_investment,
                reasons: item.reasons.clone(),
                decision: item.decision.clone(),
                version: item.version,
                blockers,
            })
        })
        .collect();
    let decided = agenda.iter().filter(|i| !i.decision.is_empty()).count();
    Ok(MeetingView {
        meeting: summary(&meeting, &scope, (agenda.len() as i64, decided as i64)),
        agenda,
    })
}

/// 拟定议程 — the agenda kfq proposes for a meeting of `scope` held on `held_on`: blockers
/// raised since the scope's previous meeting (or in the week before) count as new.
async fn proposal(
    db: &Db,
    scope: &Scope,
    held_on: NaiveDate,
) -> Result<Vec<meeting::Proposal>, AppError> {
    let stored = scope.stored();
    let since = kfq_store::previous_meeting_day(db, &stored, held_on)
        .await?
        .unwrap_or_else(|| {
            held_on
                .checked_sub_days(chrono::Days::new(7))
                .unwrap_or(held_on)
        });
    let snapshot = db.snapshot().await?;
    let in_scope: HashSet<i64> = snapshot
        .zones
        .iter()
        .filter(|z| scope.contains(z))
        .map(|z| z.id)
        .collect();
    let month = Month::of(held_on).previous();
    let plans: HashMap<i64, Amount> = kfq_store::annual_plans(db, month.year)
        .await?
        .into_iter()
        .collect();
    let done = plan_rules::year_to_date(&snapshot.monthly, month);
    let mut blockers: HashMap<i64, Vec<&Blocker>> = HashMap::new();
    for b in &snapshot.blockers {
        blockers.entry(b.project_id).or_default().push(b);
    }
    let thresholds = StuckThresholds::default();
    let facts: Vec<AgendaFact> = snapshot
        .projects
        .iter()
        .filter(|p| in_scope.contains(&p.zone_id))
        .filter(|p| p.terminated_on.is_none_or(|d| d > held_on))
        .map(|p| AgendaFact {
            project_id: p.id,
            amount: p.total_investment,
            blockers: blockers.get(&p.id).cloned().unwrap_or_default(),
            stuck: StuckKind::ALL.iter().any(|k| {
                k.since(&p.dates, p.terminated_on, held_on, &thresholds)
                    .is_some()
            }),
            behind_plan: plan_rules::reported_in(p, month)
                && plans.get(&p.id).is_some_and(|plan| {
                    let completed = done.get(&p.id).copied().unwrap_or(Amount::ZERO);
                    plan_rules::behind_plan(*plan, completed, month)
                }),
        })
        .collect();
    Ok(meeting::propose(
        &facts,
        meeting::level_of(scope),
        since,
        held_on,
    ))
}

/// The audit trail's key for a meeting.
fn key(m: &Meeting) -> String {
    format!("{}/{}", m.held_on, m.title)
}

fn json(m: &Meeting) -> String {
    serde_json::json!({
        "scope": m.scope, "level": m.level.code(), "title": m.title, "held_on": m.held_on,
        "chair": m.chair, "attendees": m.attendees, "closed": m.closed, "version": m.version,
    })
    .to_string()
}

fn item_json(item: &AgendaItem, code: &str) -> String {
    serde_json::json!({
        "project": code, "reasons": meeting::reasons_text(&item.reasons),
        "decision": item.decision, "version": item.version,
    })
    .to_string()
}

fn no_title(lang: Lang) -> AppError {
    AppError::Invalid(vec![FieldError {
        field: "title".into(),
        message: lang
            .pick("请填写会议名称", "give the meeting a title")
            .into(),
    }])
}

/// 召开调度会 — a meeting for a zone, a city or the province in the actor's scope, with the
/// proposed agenda (unless asked for an empty one).
pub async fn create(db: &Db, actor: &Actor, new: &NewMeeting) -> Result<MeetingView, AppError> {
    actor.must(Action::EditProject)?;
    let zones = kfq_store::zones(db).await?;
    let scope = actor.region(new.region.as_deref(), &zones)?;
    if scope == Scope::Country {
        return Err(AppError::BadArgument {
            name: "region",
            value: scope.key(),
            expected: Expected::MeetingRegion,
        });
    }
    if !meeting::plausible_day(new.held_on) {
        return Err(AppError::BadArgument {
            name: "held_on",
            value: new.held_on.to_string(),
            expected: Expected::Date,
        });
    }
    let title = match new.title.as_deref().map(str::trim) {
        None => meeting::default_title(new.held_on, actor.lang),
        Some("") => return Err(no_title(actor.lang)),
        Some(t) => t.to_string(),
    };
    let meeting = Meeting {
        id: 0,
        scope: scope.stored(),
        level: meeting::level_of(&scope),
        title,
        held_on: new.held_on,
        chair: new.chair.trim().to_string(),
        attendees: new.attendees.trim().to_string(),
        closed: false,
        version: 1,
    };
    let proposed = if new.propose {
        proposal(db, &scope, new.held_on).await?
    } else {
        Vec::new()
    };
    let mut tx = db.begin().await?;
    let id = kfq_store::insert_meeting(&mut tx, &meeting).await?;
    for (position, p) in proposed.iter().enumerate() {
        let item = AgendaItem {
            id: 0,
            meeting_id: id,
            project_id: p.project_id,
            position: position as i64 + 1,
            reasons: p.reasons.clone(),
            decision: String::new(),
            version: 1,
        };
        kfq_store::insert_agenda_item(&mut tx, &item).await?;
    }
    crate::audit::append(
        &mut tx,
        actor,
        "create",
        "meeting",
        &key(&meeting),
        None,
        Some(json(&meeting)),
    )
    .await?;
    tx.commit_outside_ledger().await?;
    get(db, actor, id, new.held_on).await
}

/// The meeting as stored now, if it may still change; its version raised so that a change
/// racing this one (closing the minutes, another change) is refused.
async fn open_for_change(tx: &mut Tx, id: i64) -> Result<Meeting, AppError> {
    let current = kfq_store::meeting_in(tx, id)
        .await?
        .ok_or(AppError::NotFound)?;
    current.may_change().map_err(AppError::Meeting)?;
    kfq_store::update_meeting(tx, &current).await?;
    Ok(current)
}

/// The meeting opened for change (as [`open_for_change`]) and the item as stored now: gone
/// since the caller read it, not found.
async fn open_item(tx: &mut Tx, id: i64, item_id: i64) -> Result<(Meeting, AgendaItem), AppError> {
    let meeting = open_for_change(tx, id).await?;
    let item = kfq_store::agenda_item_in(tx, id, item_id)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok((meeting, item))
}

/// A meeting's details changed (title, held_on, chair, attendees) from the version seen.
pub async fn update(
    db: &Db,
    actor: &Actor,
    id: i64,
    version: i64,
    fields: &Map<String, Value>,
    today: NaiveDate,
) -> Result<MeetingView, AppError> {
    let (stored, _) = visible(db, actor, id).await?;
    actor.must(Action::EditProject)?;
    stored.may_change().map_err(AppError::Meeting)?;
    let mut changed = Meeting {
        version,
        ..stored.clone()
    };
    let mut errors = Vec::new();
    for (field, value) in fields {
        if field == "version" {
            continue;
        }
        let text = match crate::projects::text_field(field, value, actor.lang) {
            Ok(text) => text,
            Err(e) => {
                errors.push(e);
                continue;
            }
        };
        match field.as_str() {
            "title" if text.is_empty() => return Err(no_title(actor.lang)),
            "title" => changed.title = text.into(),
            "chair" => changed.chair = text.into(),
            "attendees" => changed.attendees = text.into(),
            "held_on" => match text.parse().ok().filter(|d| meeting::plausible_day(*d)) {
                Some(d) => changed.held_on = d,
                None => errors.push(FieldError {
                    field: "held_on".into(),
                    message: Expected::Date.describe(actor.lang),
                }),
            },
            other => errors.push(FieldError {
                field: other.into(),
                message: actor
                    .lang
                    .pick(
                        "调度会没有这一项（title、held_on、chair、attendees）",
                        "not a field of a meeting (title, held_on, chair, attendees)",
                    )
                    .into(),
            }),
        }
    }
    if !errors.is_empty() {
        return Err(AppError::Invalid(errors));
    }
    write_meeting(db, actor, &stored, changed, "update", None).await?;
    get(db, actor, id, today).await
}

async fn write_meeting(
    db: &Db,
    actor: &Actor,
    before: &Meeting,
    after: Meeting,
    action: &str,
    minutes: Option<&[u8]>,
) -> Result<(), AppError> {
    let mut tx = db.begin().await?;
    kfq_store::update_meeting(&mut tx, &after).await?;
    kfq_store::set_minutes(&mut tx, after.id, minutes).await?;
    let saved = Meeting {
        version: after.version + 1,
        ..after
    };
    crate::audit::append(
        &mut tx,
        actor,
        action,
        "meeting",
        &key(before),
        Some(json(before)),
        Some(json(&saved)),
    )
    .await?;
    tx.commit_outside_ledger().await?;
    Ok(())
}

/// 纪要定稿 (`close`) or 重新打开 (`reopen`), from the version seen. Final minutes are kept as
/// they were made final (in the language of whoever made them so), until reopened.
pub async fn settle(
    db: &Db,
    actor: &Actor,
    id: i64,
    version: i64,
    close: bool,
    today: NaiveDate,
) -> Result<MeetingView, AppError> {
    let (stored, _) = visible(db, actor, id).await?;
    actor.must(Action::EditProject)?;
    let seen = Meeting {
        version,
        ..stored.clone()
    };
    let changed = if close { seen.close() } else { seen.reopen() }.map_err(AppError::Meeting)?;
    let action = if close { "close" } else { "reopen" };
    let kept = if close {
        Some(rendered(db, actor, id, today).await?.0)
    } else {
        None
    };
    write_meeting(db, actor, &stored, changed, action, kept.as_deref()).await?;
    get(db, actor, id, today).await
}

/// 临时增加议题 — puts a project of the meeting's region (and the actor's scope) on its agenda.
pub async fn add_item(
    db: &Db,
    actor: &Actor,
    id: i64,
    project_id: i64,
    today: NaiveDate,
) -> Result<MeetingView, AppError> {
    let (_, scope) = visible(db, actor, id).await?;
    actor.must(Action::EditProject)?;
    let snapshot = db.snapshot().await?;
    let project = actor.project(&snapshot, project_id)?;
    if !snapshot
        .zones
        .iter()
        .any(|z| z.id == project.zone_id && scope.contains(z))
    {
        return Err(AppError::NotFound);
    }
    let mut tx = db.begin().await?;
    let meeting = open_for_change(&mut tx, id).await?;
    let items = kfq_store::agenda_in(&mut tx, id).await?;
    if items.iter().any(|i| i.project_id == project.id) {
        return Err(AppError::Meeting(MeetingFault::OnAgenda));
    }
    let item = AgendaItem {
        id: 0,
        meeting_id: id,
        project_id: project.id,
        position: items.iter().map(|i| i.position).max().unwrap_or(0) + 1,
        reasons: vec![AgendaReason::Added],
        decision: String::new(),
        version: 1,
    };
    kfq_store::insert_agenda_item(&mut tx, &item).await?;
    crate::audit::append(
        &mut tx,
        actor,
        "create",
        "agenda_item",
        &format!("{}/{}", key(&meeting), project.code),
        None,
        Some(item_json(&item, project.code.as_str())),
    )
    .await?;
    tx.commit_outside_ledger().await?;
    get(db, actor, id, today).await
}

/// The item of a visible meeting, with the meeting and the item's project code.
async fn item_of(
    db: &Db,
    actor: &Actor,
    id: i64,
    item_id: i64,
) -> Result<(Meeting, AgendaItem, String), AppError> {
    let (meeting, _) = visible(db, actor, id).await?;
    actor.must(Action::EditProject)?;
    let item = kfq_store::agenda(db, id)
        .await?
        .into_iter()
        .find(|i| i.id == item_id)
        .ok_or(AppError::NotFound)?;
    let snapshot = db.snapshot().await?;
    let code = actor.project(&snapshot, item.project_id)?.code.to_string();
    Ok((meeting, item, code))
}

/// Takes an item off the agenda from the item's version seen (a decision recorded since is
/// not thrown away unseen); the blockers its decision touched stay as they are.
pub async fn remove_item(
    db: &Db,
    actor: &Actor,
    id: i64,
    item_id: i64,
    version: i64,
    today: NaiveDate,
) -> Result<MeetingView, AppError> {
    let (_, _, code) = item_of(db, actor, id, item_id).await?;
    let mut tx = db.begin().await?;
    let (meeting, item) = open_item(&mut tx, id, item_id).await?;
    kfq_store::delete_agenda_item(
        &mut tx,
        &AgendaItem {
            version,
            ..item.clone()
        },
    )
    .await?;
    crate::audit::append(
        &mut tx,
        actor,
        "delete",
        "agenda_item",
        &format!("{}/{code}", key(&meeting)),
        Some(item_json(&item, &code)),
        None,
    )
    .await?;
    tx.commit_outside_ledger().await?;
    get(db, actor, id, today).await
}

/// 议定事项 — records what was decided on an item, from the item's version seen.
pub async fn decide(
    db: &Db,
    actor: &Actor,
    id: i64,
    item_id: i64,
    version: i64,
    decision: &str,
    today: NaiveDate,
) -> Result<MeetingView, AppError> {
    let (_, _, code) = item_of(db, actor, id, item_id).await?;
    let mut tx = db.begin().await?;
    let (meeting, item) = open_item(&mut tx, id, item_id).await?;
    let changed = AgendaItem {
        decision: decision.trim().to_string(),
        version,
        ..item.clone()
    };
    kfq_store::update_agenda_item(&mut tx, &changed).await?;
    crate::audit::append(
        &mut tx,
        actor,
        "decide",
        "agenda_item",
        &format!("{}/{code}", key(&meeting)),
        Some(item_json(&item, &code)),
        Some(item_json(
            &AgendaItem {
                version: version + 1,
                ..changed
            },
            &code,
        )),
    )
    .await?;
    tx.commit_outside_ledger().await?;
    get(db, actor, id, today).await
}

/// The note a decision leaves on the blockers it touches: the meeting and what it decided.
fn decision_note(
    meeting: &Meeting,
    item: &AgendaItem,
    extra: Option<String>,
    lang: Lang,
) -> String {
    let said = extra
        .or_else(|| (!item.decision.is_empty()).then(|| item.decision.clone()))
        .unwrap_or_default();
    match lang {
        Lang::Zh => format!(
            "{}（{}）议定：{said}",
            meeting.title,
            lang.date(meeting.held_on)
        ),
        Lang::En => format!("{} ({}) decided: {said}", meeting.title, meeting.held_on),
    }
}

/// A decision opens a blocker on the item's project (description, category, owner_unit,
/// owner, due_on…, as when raising one), noted with the meeting and linked to the item.
pub async fn open_blocker(
    db: &Db,
    actor: &Actor,
    id: i64,
    item_id: i64,
    fields: &Map<String, Value>,
    today: NaiveDate,
) -> Result<MeetingView, AppError> {
    let (meeting, item, _) = item_of(db, actor, id, item_id).await?;
    meeting.may_change().map_err(AppError::Meeting)?;
    let mut fields = fields.clone();
    fields.insert("project_id".into(), Value::from(item.project_id));
    let (blocker, project) = crate::blockers::new_blocker(db, actor, &fields, today).await?;
    let mut tx = db.begin().await?;
    let (meeting, item) = open_item(&mut tx, id, item_id).await?;
    let note = decision_note(
        &meeting,
        &item,
        crate::blockers::note_of(&fields),
        actor.lang,
    );
    let blocker_id =
        crate::blockers::insert_in(&mut tx, actor, &project, blocker, Some(note)).await?;
    kfq_store::link_decision_blocker(&mut tx, item_id, blocker_id, "opened").await?;
    tx.commit().await?;
    get(db, actor, id, today).await
}

/// A decision changes a blocker of the item's project (owner, due date, status…) from the
/// blocker's version seen, noted with the meeting and linked to the item.
#[allow(clippy::too_many_arguments)]
pub async fn update_blocker(
    db: &Db,
    actor: &Actor,
    id: i64,
    item_id: i64,
    blocker_id: i64,
    version: i64,
    fields: &Map<String, Value>,
    today: NaiveDate,
) -> Result<MeetingView, AppError> {
    let (meeting, item, _) = item_of(db, actor, id, item_id).await?;
    meeting.may_change().map_err(AppError::Meeting)?;
    let (stored, changed, project) =
        crate::blockers::change(db, actor, blocker_id, version, fields, today).await?;
    if stored.project_id != item.project_id {
        return Err(AppError::BadArgument {
            name: "blocker_id",
            value: blocker_id.to_string(),
            expected: Expected::ItemBlocker,
        });
    }
    let mut tx = db.begin().await?;
    let (meeting, item) = open_item(&mut tx, id, item_id).await?;
    let note = decision_note(
        &meeting,
        &item,
        crate::blockers::note_of(fields),
        actor.lang,
    );
    crate::blockers::save_in(
        &mut tx,
        actor,
        &project,
        &stored,
        changed,
        Some(note),
        "update",
    )
    .await?;
    kfq_store::link_decision_blocker(&mut tx, item_id, blocker_id, "updated").await?;
    tx.commit().await?;
    get(db, actor, id, today).await
}

/// 会议纪要 — the minutes of a meeting as a document: when and who, each item with why it came
/// up and what was decided, and the list of blockers with the person answerable and the date.
pub fn minutes(view: &MeetingView, lang: Lang) -> Document {
    let m = &view.meeting;
    let pick = |zh: &str, en: &str| lang.pick(zh, en).to_string();
    let mut blocks = vec![
        Block::Title(match lang {
            Lang::Zh => format!("{}纪要", m.title),
            Lang::En => format!("Minutes: {}", m.title),
        }),
        Block::Line(format!(
            "{}{}",
            pick("时间：", "Date: "),
            lang.date(m.held_on)
        )),
    ];
    if !m.chair.is_empty() {
        blocks.push(Block::Line(format!(
            "{}{}",
            pick("主持：", "Chair: "),
            m.chair
        )));
    }
    if !m.attendees.is_empty() {
        blocks.push(Block::Line(format!(
            "{}{}",
            pick("参会：", "Present: "),
            m.attendees
        )));
    }
    blocks.push(Block::Paragraph(match lang {
        Lang::Zh => format!(
            "{}，{}召开{}，逐一研究{}个项目推进中的困难和问题。现将会议议定事项纪要如下：",
            lang.date(m.held_on),
            m.region_name,
            m.title,
            view.agenda.len()
        ),
        Lang::En => format!(
            "On {}, {} held the {} and took {} project(s) one by one. It decided as follows:",
            m.held_on,
            m.region_name,
            m.title,
            view.agenda.len()
        ),
    }));
    blocks.push(Block::Heading(pick("一、议定事项", "1. Decisions")));
    let (decided_items, undecided): (Vec<&ItemView>, Vec<&ItemView>) =
        view.agenda.iter().partition(|i| !i.decision.is_empty());
    for (n, item) in decided_items.iter().enumerate() {
        let reasons: Vec<&str> = item.reasons.iter().map(|r| r.label(lang)).collect();
        blocks.push(Block::Paragraph(match lang {
            Lang::Zh => format!(
                "（{}）{}（{}，{}）。上会事由：{}。会议议定：{}",
                n + 1,
                item.project,
                item.code,
                item.zone,
                reasons.join("、"),
                item.decision
            ),
            Lang::En => format!(
                "({}) {} ({}, {}). On the agenda for: {}. Decided: {}",
                n + 1,
                item.project,
                item.code,
                item.zone,
                reasons.join(", "),
                item.decision
            ),
        }));
    }
    if !undecided.is_empty() {
        blocks.push(Block::Paragraph(match lang {
            Lang::Zh => format!(
                "会议还听取了{}个项目的推进情况汇报，未形成议定事项。",
                undecided.len()
            ),
            Lang::En => format!(
                "The meeting also heard {} project(s) without deciding on them.",
                undecided.len()
            ),
        }));
    }
    let decided: Vec<&ItemBlocker> = view
        .agenda
        .iter()
        .flat_map(|i| &i.blockers)
        .filter(|b| b.decided.is_some() || b.blocker.overdue)
        .collect();
    if !decided.is_empty() {
        blocks.push(Block::Heading(pick(
            "二、堵点责任清单",
            "2. Blockers and who answers for them",
        )));
        blocks.push(Block::Table {
            header: [
                ("序号", "No."),
                ("项目", "Project"),
                ("问题", "Problem"),
                ("责任单位", "Unit"),
                ("责任人", "Person"),
                ("限办日期", "Due"),
                ("状态", "Status"),
            ]
            .iter()
            .map(|(zh, en)| pick(zh, en))
            .collect(),
            rows: decided
                .iter()
                .enumerate()
                .map(|(n, b)| {
                    let b = &b.blocker;
                    let mut status = b.status.label(lang).to_string();
                    if b.overdue {
                        status.push_str(lang.pick("（逾期）", " (overdue)"));
                    }
                    vec![
                        (n + 1).to_string(),
                        b.project.clone(),
                        b.description.clone(),
                        b.owner_unit.clone(),
                        b.owner.clone(),
                        b.due_on.map(|d| lang.date(d)).unwrap_or_default(),
                        status,
                    ]
                })
                .collect(),
        });
    }
    blocks.push(Block::Signature(m.region_name.clone()));
    blocks.push(Block::Signature(lang.date(m.held_on)));
    Document { blocks }
}

/// The minutes as a DOCX file's bytes — as kept when made final, else as they stand — the
/// export recorded in the audit trail.
pub async fn minutes_docx(
    db: &Db,
    actor: &Actor,
    id: i64,
    today: NaiveDate,
) -> Result<Vec<u8>, AppError> {
    let (meeting, _) = visible(db, actor, id).await?;
    let kept = if meeting.closed {
        kfq_store::final_minutes(db, id).await?
    } else {
        None
    };
    let (bytes, rows) = match kept {
        Some(bytes) => (bytes, None),
        None => {
            let (bytes, rows) = rendered(db, actor, id, today).await?;
            (bytes, Some(rows))
        }
    };
    crate::audit::record_export(
        db,
        actor,
        "minutes",
        serde_json::json!({"meeting": id, "title": meeting.title, "rows": rows, "final": meeting.closed}),
    )
    .await?;
    Ok(bytes)
}

/// The minutes as they stand now, as a DOCX file's bytes, with the number of items.
async fn rendered(
    db: &Db,
    actor: &Actor,
    id: i64,
    today: NaiveDate,
) -> Result<(Vec<u8>, usize), AppError> {
    let view = get(db, actor, id, today).await?;
    let bytes = minutes(&view, actor.lang)
        .write()
        .map_err(|_| AppError::Internal)?;
    Ok((bytes, view.agenda.len()))
}
