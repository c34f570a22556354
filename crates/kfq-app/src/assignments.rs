//! 包联责任 and 我的工作 — who answers for each project (包联领导, A角, B角, 代办员), set from
//! the version seen and audited; a user marking themselves away so the B角 takes their work;
//! and each user's own work: their projects, their blockers and what falls due.

use std::collections::{HashMap, HashSet};

use chrono::{Days, NaiveDate};
use kfq_core::access::{Action, Role};
use kfq_core::assignment::{Assignment, Coded, DueKind, Duty};
use kfq_core::monthly_return::ReturnStatus;
use kfq_core::reminder::{self, ReminderKind};
use kfq_core::scope::Scope;
use kfq_core::stage::Stage;
use kfq_store::{Db, StoreError, UserRow};
use serde::Serialize;
use serde_json::{Map, Value};

use crate::blockers::{BlockerQuery, BlockerView};
use crate::projects::FieldError;
use crate::{Actor, AppError, Expected};

/// Items due within this many days are “due soon” (临期).
pub use kfq_core::reminder::DUE_SOON_DAYS;

/// A person holding a duty.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Person {
    pub username: String,
    pub display_name: String,
    pub away: bool,
}

/// A duty and its holder, if any.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Holder {
    pub duty: Duty,
    pub person: Option<Person>,
}

/// A project's assignment as pages and the API show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AssignmentView {
    pub project_id: i64,
    pub code: String,
    pub holders: Vec<Holder>,
    /// Who does the work now: the A角, or the B角 while the A角 is away.
    pub responsible: Option<String>,
    /// 0 while none is stored.
    pub version: i64,
}

impl From<&UserRow> for Person {
    fn from(u: &UserRow) -> Person {
        Person {
            username: u.username.clone(),
            display_name: u.display_name.clone(),
            away: u.away,
        }
    }
}

impl Person {
    /// How a list names the account: its display name and username.
    pub fn label(&self) -> String {
        format!("{} {}", self.display_name, self.username)
            .trim()
            .to_string()
    }
}

/// The holder named by `username` (an account since removed keeps its name).
fn person(users: &HashMap<String, UserRow>, username: &str) -> Option<Person> {
    (!username.is_empty()).then(|| match users.get(username) {
        Some(u) => Person::from(u),
        None => Person {
            username: username.to_string(),
            display_name: String::new(),
            away: false,
        },
    })
}

/// A project's stored assignment, or an empty one (version 0).
async fn stored(db: &Db, project_id: i64) -> Result<Assignment, AppError> {
    Ok(kfq_store::assignment(db, project_id)
        .await?
        .unwrap_or(Assignment {
            project_id,
            ..Assignment::default()
        }))
}

async fn users_by_name(db: &Db) -> Result<HashMap<String, UserRow>, AppError> {
    Ok(kfq_store::users(db)
        .await?
        .into_iter()
        .map(|u| (u.username.clone(), u))
        .collect())
}

/// Away, or no longer able to work at all: a disabled account's B角 stands in too.
fn absent(users: &HashMap<String, UserRow>, username: &str) -> bool {
    users.get(username).is_some_and(|u| u.away || u.disabled)
}

fn view(a: &Assignment, code: &str, users: &HashMap<String, UserRow>) -> AssignmentView {
    let away = |u: &str| absent(users, u);
    AssignmentView {
        project_id: a.project_id,
        code: code.to_string(),
        holders: Duty::ALL
            .iter()
            .map(|d| Holder {
                duty: *d,
                person: person(users, a.holder(*d)),
            })
            .collect(),
        responsible: a.responsible(away).map(str::to_string),
        version: a.version,
    }
}

/// A project's assignment (empty, version 0, when none is set).
pub async fn get(db: &Db, actor: &Actor, project_id: i64) -> Result<AssignmentView, AppError> {
    actor.must(Action::Read)?;
    let snapshot = db.snapshot().await?;
    let project = actor.project(&snapshot, project_id)?;
    let stored = stored(db, project_id).await?;
    Ok(view(
        &stored,
        project.code.as_str(),
        &users_by_name(db).await?,
    ))
}

/// Whether an account may hold a duty on a project of this zone: active, of a role that holds
/// the duty, with the zone in its scope.
pub(crate) fn eligible(
    user: &UserRow,
    duty: Duty,
    zone: &kfq_core::zone::Zone,
    zones: &[kfq_core::zone::Zone],
) -> bool {
    let role = Role::parse(&user.role);
    !user.disabled
        && role.is_some_and(|r| duty.may_hold(r))
        && Scope::from_stored(&user.scope, zones).is_some_and(|s| s.contains(zone))
}

/// The accounts that may hold each duty on a project (for the form's choices).
pub async fn candidates(
    db: &Db,
    actor: &Actor,
    project_id: i64,
) -> Result<Vec<(Duty, Vec<Person>)>, AppError> {
    let snapshot = db.snapshot().await?;
    let project = actor.project(&snapshot, project_id)?;
    let zone = snapshot
        .zones
        .iter()
        .find(|z| z.id == project.zone_id)
        .ok_or(AppError::NotFound)?;
    let users = kfq_store::users(db).await?;
    Ok(Duty::ALL
        .iter()
        .map(|d| {
            let people = users
                .iter()
                .filter(|u| eligible(u, *d, zone, &snapshot.zones))
                .map(Person::from)
                .collect();
            (*d, people)
        })
        .collect())
}

fn json(a: &Assignment) -> String {
    serde_json::json!({
        "leader": a.leader, "a_role": a.a_role, "b_role": a.b_role, "agent": a.agent,
        "version": a.version,
    })
    .to_string()
}

/// Sets a project's assignment from the version seen (0 for the first): the fields `leader`,
/// `a_role`, `b_role`, `agent` name accounts by username (empty: nobody), each refused,
/// naming the field, unless the account may hold that duty in the project's zone.
pub async fn set(
    db: &Db,
    actor: &Actor,
    project_id: i64,
    version: i64,
    fields: &Map<String, Value>,
) -> Result<AssignmentView, AppError> {
    actor.must(Action::EditProject)?;
    let snapshot = db.snapshot().await?;
    let project = actor.project(&snapshot, project_id)?.clone();
    let zone = snapshot
        .zones
        .iter()
        .find(|z| z.id == project.zone_id)
        .ok_or(AppError::NotFound)?;
    let users = users_by_name(db).await?;
    let stored = stored(db, project_id).await?;
    let mut changed = Assignment {
        version,
        ..stored.clone()
    };
    let mut errors = Vec::new();
    let mut fail = |field: &str, message: String| {
        errors.push(FieldError {
            field: field.into(),
            message,
        })
    };
    for (field, value) in fields {
        if field == "version" {
            continue;
        }
        let Some(duty) = Duty::parse(field) else {
            fail(field, Expected::AssignmentField.describe(actor.lang));
            continue;
        };
        let username = match crate::projects::text_field(field, value, actor.lang) {
            Ok(name) => name,
            Err(e) => {
                fail(field, e.message);
                continue;
            }
        };
        // A holder kept as they were is not checked again: another duty can change even when
        // this one's holder has since been disabled or moved.
        let fits = username.is_empty()
            || username == stored.holder(duty)
            || users
                .get(username)
                .is_some_and(|u| eligible(u, duty, zone, &snapshot.zones));
        if fits {
            changed.set(duty, username);
        } else {
            fail(
                field,
                Expected::Holder(duty.label(actor.lang).to_string(), username.to_string())
                    .describe(actor.lang),
            );
        }
    }
    if let Err(fault) = changed.check() {
        fail("b_role", fault.message(actor.lang).to_string());
    }
    if !errors.is_empty() {
        return Err(AppError::Invalid(errors));
    }
    let mut tx = db.begin().await?;
    let current = kfq_store::assignment_in(&mut tx, project_id).await?;
    if current.as_ref().map_or(0, |c| c.version) != version {
        return Err(AppError::Store(StoreError::Conflict));
    }
    kfq_store::save_assignment(&mut tx, &changed).await?;
    let saved = Assignment {
        version: version + 1,
        ..changed
    };
    crate::audit::append(
        &mut tx,
        actor,
        if version == 0 { "create" } else { "update" },
        "assignment",
        project.code.as_str(),
        current.as_ref().map(json),
        Some(json(&saved)),
    )
    .await?;
    tx.commit_outside_ledger().await?;
    Ok(view(
        &saved,
        project.code.as_str(),
        &users_by_name(db).await?,
    ))
}

/// 外出 — the user marks themselves away (the B角 of their projects takes the work) or back.
pub async fn set_away(db: &Db, actor: &Actor, away: bool) -> Result<(), AppError> {
    actor.must(Action::Read)?;
    let user_id = actor.user_id.ok_or(AppError::Forbidden)?;
    let was = kfq_store::user_by_id(db, user_id)
        .await?
        .is_some_and(|u| u.away);
    let mut tx = db.begin().await?;
    kfq_store::set_user_away(&mut tx, user_id, away).await?;
    crate::audit::append(
        &mut tx,
        actor,
        if away { "away" } else { "back" },
        "user",
        &actor.username,
        Some(serde_json::json!({ "away": was }).to_string()),
        Some(serde_json::json!({ "away": away }).to_string()),
    )
    .await?;
    tx.commit_outside_ledger().await?;
    Ok(())
}

/// A project of the user's.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MyProject {
    pub project_id: i64,
    pub code: String,
    pub name: String,
    pub zone: String,
    pub stage: Stage,
    pub duties: Vec<Duty>,
    /// The A角 this user stands in for while they are away.
    pub covering_for: Option<String>,
}

/// What falls due: a blocker, a zone's monthly return to submit, one to review.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DueItem {
    pub kind: DueKind,
    pub title: String,
    pub due_on: Option<NaiveDate>,
    pub overdue: bool,
    /// The page where it is done.
    pub link: String,
    /// Why the user is reminded of it (提醒), and the key of the item in this state.
    pub reminder: Option<ReminderKind>,
    pub key: String,
}

/// A due item's reminder: dated items by their day, then the reason given; keyed by the item
/// and the state it is in.
fn reminded(
    item: &str,
    due_on: Option<NaiveDate>,
    or: Option<ReminderKind>,
    state: &str,
    today: NaiveDate,
) -> (Option<ReminderKind>, String) {
    let kind = or.or_else(|| due_on.and_then(|d| ReminderKind::of_due(d, today)));
    let key = kind
        .map(|k| reminder::key(item, k, state))
        .unwrap_or_default();
    (kind, key)
}

/// One of the user's projects, if they hold a duty on it and see its zone.
fn my_project(
    m: &kfq_store::ReadModel,
    a: &Assignment,
    actor: &Actor,
    today: NaiveDate,
    away: &impl Fn(&str) -> bool,
) -> Option<MyProject> {
    let duties = a.duties_of(&actor.username);
    if duties.is_empty() {
        return None;
    }
    let p = m.project(a.project_id)?;
    let zone = m
        .zones
        .iter()
        .find(|z| z.id == p.zone_id)
        .filter(|z| actor.sees(z))?;
    Some(MyProject {
        project_id: p.id,
        code: p.code.to_string(),
        name: p.name.clone(),
        zone: zone.name.clone(),
        stage: p.dates.stage_as_of(today, p.terminated_on),
        duties,
        covering_for: a.covering(&actor.username, away).then(|| a.a_role.clone()),
    })
}

/// 我的工作 — a user's projects, blockers and due items.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MyWork {
    pub username: String,
    pub away: bool,
    pub projects: Vec<MyProject>,
    pub blockers: Vec<BlockerView>,
    pub due: Vec<DueItem>,
}

/// The user's work on `today`: the projects they hold a duty on (the B角's marked when the A角
/// is away), the open blockers of those projects and those they are named the owner of, and
/// what falls due — blockers overdue or due within [`DUE_SOON_DAYS`], the zone's monthly
/// return still to submit, returns awaiting the user's review.
pub async fn my_work(db: &Db, actor: &Actor, today: NaiveDate) -> Result<MyWork, AppError> {
    actor.must(Action::Read)?;
    let users = users_by_name(db).await?;
    let me = users.get(&actor.username);
    let display_name = me.map(|u| u.display_name.clone()).unwrap_or_default();
    let away = |u: &str| absent(&users, u);
    let assignments = kfq_store::assignments(db).await?;
    // The projects assigned, looked up in the read model (not the whole ledger read).
    let mut projects: Vec<MyProject> = db
        .reading(|m| {
            assignments
                .iter()
                .filter_map(|a| my_project(m, a, actor, today, &away))
                .collect()
        })
        .await?;
    projects.sort_by(|a, b| {
        b.covering_for
            .is_some()
            .cmp(&a.covering_for.is_some())
            .then(a.code.cmp(&b.code))
    });
    let mine: HashSet<i64> = projects.iter().map(|p| p.project_id).collect();
    let owner_names: Vec<&str> = [actor.username.as_str(), display_name.as_str()]
        .into_iter()
        .filter(|n| !n.is_empty())
        .collect();
    let blockers: Vec<BlockerView> =
        crate::blockers::list(db, actor, &BlockerQuery::default(), today)
            .await?
            .into_iter()
            .filter(|b| b.status.is_open())
            .filter(|b| mine.contains(&b.project_id) || owner_names.contains(&b.owner.as_str()))
            .collect();
    let soon = today
        .checked_add_days(Days::new(DUE_SOON_DAYS))
        .unwrap_or(today);
    let mut due: Vec<DueItem> = blockers
        .iter()
        .filter(|b| b.due_on.is_some_and(|d| d <= soon))
        .map(|b| {
            let due = b.due_on.map(|d| d.to_string()).unwrap_or_default();
            let item = format!("blocker/{}", b.id);
            let (reminder, key) = reminded(&item, b.due_on, None, &due, today);
            DueItem {
                kind: DueKind::Blocker,
                title: format!("{} · {}", b.project, b.description),
                due_on: b.due_on,
                overdue: b.overdue,
                link: format!("/blockers/{}", b.id),
                reminder,
                key,
            }
        })
        .collect();
    due.extend(returns_due(db, actor, today).await?);
    // Overdue first, then by date; undated (reviews) last.
    due.sort_by_key(|d| (!d.overdue, d.due_on.is_none(), d.due_on));
    Ok(MyWork {
        username: actor.username.clone(),
        away: me.is_some_and(|u| u.away),
        projects,
        blockers,
        due,
    })
}

/// The monthly returns the user should act on, this month's and last: their zone's sent back
/// (at any time) or still to submit within [`DUE_SOON_DAYS`] of its deadline; those awaiting
/// their review.
async fn returns_due(db: &Db, actor: &Actor, today: NaiveDate) -> Result<Vec<DueItem>, AppError> {
    let fills = actor.role.allows(Action::FillMonthly) && matches!(actor.scope, Scope::Zone { .. });
    let reviews = actor.role.allows(Action::ReviewMonthly);
    if !fills && !reviews {
        return Ok(Vec::new());
    }
    let month = crate::monthly::month_named("month", None, today)?;
    let soon = today
        .checked_add_days(Days::new(DUE_SOON_DAYS))
        .unwrap_or(today);
    let mut due = Vec::new();
    for month in [month.previous(), month] {
        let overview = crate::monthly::overview(db, actor, None, month, today).await?;
        for z in &overview.zones {
            let link = format!("/monthly/{}/{}", z.zone_id, overview.month);
            // A zone with nothing under construction that month owes no return.
            let to_submit = z.projects > 0
                && (z.status == ReturnStatus::Returned
                    || (z.status == ReturnStatus::Draft && overview.deadline <= soon));
            let item = format!("monthly/{}/{}", z.zone_id, overview.month);
            let moment = |at: Option<chrono::DateTime<chrono::Utc>>| {
                at.map(|t| t.timestamp_micros().to_string())
                    .unwrap_or_default()
            };
            if fills && to_submit && !z.locked {
                let (reminder, key) = if z.status == ReturnStatus::Returned {
                    let state = moment(z.reviewed_at);
                    reminded(&item, None, Some(ReminderKind::Returned), &state, today)
                } else {
                    let state = overview.deadline.to_string();
                    reminded(&item, Some(overview.deadline), None, &state, today)
                };
                due.push(DueItem {
                    reminder,
                    key,
                    kind: DueKind::MonthlyReturn,
                    title: match actor.lang {
                        kfq_core::Lang::Zh => {
                            format!("报送{}月统计（{}）", overview.month, z.status_label)
                        }
                        kfq_core::Lang::En => {
                            format!("submit the {} return ({})", overview.month, z.status_label)
                        }
                    },
                    due_on: Some(overview.deadline),
                    overdue: today > overview.deadline,
                    link,
                });
            } else if reviews && z.status == ReturnStatus::Submitted {
                let state = moment(z.submitted_at);
                let (reminder, key) =
                    reminded(&item, None, Some(ReminderKind::Review), &state, today);
                due.push(DueItem {
                    reminder,
                    key,
                    kind: DueKind::Review,
                    title: match actor.lang {
                        kfq_core::Lang::Zh => format!("审核{}{}月统计", z.zone, overview.month),
                        kfq_core::Lang::En => {
                            format!("review {}'s {} return", z.zone, overview.month)
                        }
                    },
                    due_on: None,
                    overdue: false,
                    link,
                });
            }
        }
    }
    Ok(due)
}
