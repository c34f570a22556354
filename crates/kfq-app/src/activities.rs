//! 招商活动 — the liaison offices, promotion events and attraction trips of the zones in the
//! actor's scope: listed, opened with the leads they produced, recorded and changed from the
//! version seen (audited as `activity`, keyed `{zone}/{name}`); and a region's figures by zone
//! (联络站、招商活动、外出招商, leads found and signed through them).

use std::collections::BTreeMap;

use chrono::NaiveDate;
use kfq_core::access::Action;
use kfq_core::activity::{self, Activity, ActivityFigures, ActivityKind, Coded};
use kfq_core::zone::Zone;
use kfq_core::Lang;
use kfq_store::{Db, StoreError};
use serde::Serialize;
use serde_json::{Map, Value};

use crate::leads::LeadView;
use crate::projects::{text_field, FieldError};
use crate::{Actor, AppError, Expected};

/// An activity as the list and its page show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ActivityView {
    pub id: i64,
    pub zone_id: i64,
    pub zone: String,
    pub kind: ActivityKind,
    pub name: String,
    pub place: String,
    pub started_on: NaiveDate,
    pub ended_on: Option<NaiveDate>,
    pub leader: String,
    pub people: String,
    pub met: String,
    pub note: String,
    pub version: i64,
}

fn view(a: &Activity, zone: &Zone) -> ActivityView {
    ActivityView {
        id: a.id,
        zone_id: zone.id,
        zone: zone.name.clone(),
        kind: a.kind,
        name: a.name.clone(),
        place: a.place.clone(),
        started_on: a.started_on,
        ended_on: a.ended_on,
        leader: a.leader.clone(),
        people: a.people.clone(),
        met: a.met.clone(),
        note: a.note.clone(),
        version: a.version,
    }
}

/// The activities of the actor's scope (or the region asked for), of one kind if asked, those
/// counted in the period if given, the latest first.
pub async fn list(
    db: &Db,
    actor: &Actor,
    region: Option<&str>,
    kind: Option<&str>,
    period: Option<(NaiveDate, NaiveDate)>,
) -> Result<Vec<ActivityView>, AppError> {
    let kind = match kind.map(str::trim).filter(|k| !k.is_empty()) {
        None => None,
        Some(k) => Some(ActivityKind::parse(k).ok_or_else(|| AppError::BadArgument {
            name: "kind",
            value: k.into(),
            expected: Expected::ActivityKind,
        })?),
    };
    if let Some((from, to)) = period {
        crate::reports::in_order(from, to)?;
    }
    let (_, in_scope) = crate::reports::zones_in_scope(db, actor, region).await?;
    Ok(kfq_store::activities(db)
        .await?
        .iter()
        .filter(|a| kind.is_none_or(|k| a.kind == k))
        .filter(|a| period.is_none_or(|(from, to)| a.counts_in(from, to)))
        .filter_map(|a| Some(view(a, in_scope.get(&a.zone_id)?)))
        .collect())
}

/// The activity and its zone, if the zone lies in the actor's scope (else: not found).
async fn visible(db: &Db, actor: &Actor, id: i64) -> Result<(Activity, Zone), AppError> {
    actor.must(Action::Read)?;
    let activity = kfq_store::activity(db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let zone = kfq_store::zones(db)
        .await?
        .into_iter()
        .find(|z| z.id == activity.zone_id)
        .filter(|z| actor.sees(z))
        .ok_or(AppError::NotFound)?;
    Ok((activity, zone))
}

/// One activity with the leads that name it.
pub async fn get(
    db: &Db,
    actor: &Actor,
    id: i64,
) -> Result<(ActivityView, Vec<LeadView>), AppError> {
    let (activity, zone) = visible(db, actor, id).await?;
    let leads = crate::leads::of_activity(db, actor, id).await?;
    Ok((view(&activity, &zone), leads))
}

/// Whether `activity_id` names an activity of the zone (a lead may name only its own zone's).
pub(crate) async fn of_zone(db: &Db, activity_id: i64, zone_id: i64) -> Result<bool, AppError> {
    Ok(kfq_store::activity(db, activity_id)
        .await?
        .is_some_and(|a| a.zone_id == zone_id))
}

fn json(a: &Activity) -> String {
    serde_json::json!({
        "zone_id": a.zone_id, "kind": a.kind.code(), "name": a.name, "place": a.place,
        "started_on": a.started_on, "ended_on": a.ended_on, "leader": a.leader,
        "people": a.people, "met": a.met, "note": a.note, "version": a.version,
    })
    .to_string()
}

fn field(field: &str, message: String) -> FieldError {
    FieldError {
        field: field.into(),
        message,
    }
}

/// Applies the fields of a change and checks the result: every wrong field at once.
fn checked(mut a: Activity, fields: &Map<String, Value>, lang: Lang) -> Result<Activity, AppError> {
    let mut errors = Vec::new();
    for (key, value) in fields {
        if matches!(key.as_str(), "version" | "zone" | "zone_id") {
            continue;
        }
        let text = match text_field(key, value, lang) {
            Ok(t) => t.to_string(),
            Err(e) => {
                errors.push(e);
                continue;
            }
        };
        let date = |t: &str| -> Result<Option<NaiveDate>, FieldError> {
            if t.is_empty() {
                return Ok(None);
            }
            t.parse()
                .map(Some)
                .map_err(|_| field(key, Expected::Date.describe(lang)))
        };
        let plain = match key.as_str() {
            "name" => Some(&mut a.name),
            "place" => Some(&mut a.place),
            "leader" => Some(&mut a.leader),
            "people" => Some(&mut a.people),
            "met" => Some(&mut a.met),
            "note" => Some(&mut a.note),
            _ => None,
        };
        if let Some(slot) = plain {
            *slot = text;
            continue;
        }
        let outcome = match key.as_str() {
            "kind" => ActivityKind::parse(&text)
                .map(|k| a.kind = k)
                .ok_or_else(|| field(key, Expected::ActivityKind.describe(lang))),
            "started_on" => match date(&text) {
                Ok(Some(d)) => {
                    a.started_on = d;
                    Ok(())
                }
                Ok(None) => Err(field(key, Expected::Date.describe(lang))),
                Err(e) => Err(e),
            },
            "ended_on" => date(&text).map(|d| a.ended_on = d),
            other => Err(field(other, Expected::ActivityField.describe(lang))),
        };
        if let Err(e) = outcome {
            errors.push(e);
        }
    }
    match a.settle() {
        Ok(a) if errors.is_empty() => Ok(a),
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

/// Records an activity of a zone in the actor's scope: `zone` (its name; the actor's own when
/// they work at one), `kind`, `name`, `started_on` (today when not given) and the rest.
pub async fn create(
    db: &Db,
    actor: &Actor,
    fields: &Map<String, Value>,
    today: NaiveDate,
) -> Result<ActivityView, AppError> {
    actor.must(Action::EditProject)?;
    let lang = actor.lang;
    let zone = crate::leads::zone_of_request(db, actor, fields).await?;
    let kind = fields
        .get("kind")
        .and_then(Value::as_str)
        .and_then(ActivityKind::parse)
        .unwrap_or(ActivityKind::Trip);
    let activity = checked(Activity::new(zone.id, kind, "", today), fields, lang)?;
    let mut tx = db.begin().await?;
    let id = kfq_store::insert_activity(&mut tx, &activity).await?;
    let saved = Activity { id, ..activity };
    crate::audit::append(
        &mut tx,
        actor,
        "create",
        "activity",
        &format!("{}/{}", zone.name, saved.name),
        None,
        Some(json(&saved)),
    )
    .await?;
    tx.commit().await?;
    get(db, actor, id).await.map(|(v, _)| v)
}

/// Changes an activity from the version the user saw (a stale save is refused); it stays with
/// its zone.
pub async fn update(
    db: &Db,
    actor: &Actor,
    id: i64,
    version: i64,
    fields: &Map<String, Value>,
) -> Result<ActivityView, AppError> {
    let (stored, zone) = visible(db, actor, id).await?;
    actor.must(Action::EditProject)?;
    crate::leads::stays_in_zone(fields, &zone, actor.lang)?;
    let changed = checked(
        Activity {
            version,
            ..stored.clone()
        },
        fields,
        actor.lang,
    )?;
    let mut tx = db.begin().await?;
    let current = kfq_store::activity_in(&mut tx, id)
        .await?
        .ok_or(AppError::NotFound)?;
    if current.version != version {
        return Err(AppError::Store(StoreError::Conflict));
    }
    kfq_store::save_activity(&mut tx, &changed).await?;
    crate::audit::append(
        &mut tx,
        actor,
        "update",
        "activity",
        &format!("{}/{}", zone.name, current.name),
        Some(json(&current)),
        Some(json(&Activity {
            version: version + 1,
            ..changed
        })),
    )
    .await?;
    tx.commit().await?;
    get(db, actor, id).await.map(|(v, _)| v)
}

/// A zone's line of the figures.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ActivityLine {
    pub name: String,
    pub figures: ActivityFigures,
}

/// 招商活动 of a region over a period: in all and by zone.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ActivityReport {
    pub region: String,
    pub name: String,
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub figures: ActivityFigures,
    pub zones: Vec<ActivityLine>,
}

/// The figures of a region's activities (the actor's scope by default) over `from..=to`.
pub async fn report(
    db: &Db,
    actor: &Actor,
    region: Option<&str>,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<ActivityReport, AppError> {
    crate::reports::in_order(from, to)?;
    let (scope, in_scope) = crate::reports::zones_in_scope(db, actor, region).await?;
    let activities: Vec<Activity> = kfq_store::activities(db)
        .await?
        .into_iter()
        .filter(|a| in_scope.contains_key(&a.zone_id))
        .collect();
    let leads: Vec<kfq_core::lead::Lead> = kfq_store::leads(db)
        .await?
        .into_iter()
        .filter(|l| in_scope.contains_key(&l.zone_id))
        .collect();
    let mut by_zone: BTreeMap<&str, (Vec<&Activity>, Vec<&kfq_core::lead::Lead>)> = in_scope
        .values()
        .map(|z| (z.name.as_str(), Default::default()))
        .collect();
    for a in &activities {
        if let Some(z) = in_scope.get(&a.zone_id) {
            by_zone.entry(z.name.as_str()).or_default().0.push(a);
        }
    }
    for l in &leads {
        if let Some(z) = in_scope.get(&l.zone_id) {
            by_zone.entry(z.name.as_str()).or_default().1.push(l);
        }
    }
    let mut zones: Vec<ActivityLine> = by_zone
        .iter()
        .map(|(name, (a, l))| ActivityLine {
            name: name.to_string(),
            figures: activity::figures(a.iter().copied(), l.iter().copied(), from, to),
        })
        .filter(|l| l.figures != ActivityFigures::default())
        .collect();
    zones.sort_by(|a, b| {
        let total = |f: &ActivityFigures| f.liaison_offices + f.events + f.trips;
        total(&b.figures)
            .cmp(&total(&a.figures))
            .then(a.name.cmp(&b.name))
    });
    Ok(ActivityReport {
        region: scope.key(),
        name: scope.name(),
        from,
        to,
        figures: activity::figures(&activities, &leads, from, to),
        zones,
    })
}
