//! 招商活动 — the liaison offices, promotion events and attraction trips of the zones in the
//! actor's scope: listed, opened with the leads they produced, recorded and changed from the
//! version seen (audited as `activity`, keyed `{zone}/{name}`); and a region's figures by zone
//! (联络站、招商活动、外出招商, leads found and signed through them).

use std::collections::BTreeMap;

use chrono::NaiveDate;
use kfq_core::activity::{self, Activity, ActivityFigures, ActivityKind, Coded};
use kfq_core::zone::Zone;
use kfq_core::Lang;
use kfq_ledger::Book;
use kfq_store::Db;
use serde::Serialize;
use serde_json::{Map, Value};

use crate::books::{self, Ctx, Set, ZoneRecord};
use crate::leads::LeadView;
use crate::render::ReportTable;
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
/// counted in the period if given, the latest first; each with its zone.
async fn found(
    db: &Db,
    actor: &Actor,
    region: Option<&str>,
    kind: Option<&str>,
    period: Option<(NaiveDate, NaiveDate)>,
) -> Result<Vec<(Activity, Zone)>, AppError> {
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
    Ok(books::in_scope::<Activity>(db, actor, region)
        .await?
        .into_iter()
        .filter(|(a, _)| kind.is_none_or(|k| a.kind == k))
        .filter(|(a, _)| period.is_none_or(|(from, to)| a.counts_in(from, to)))
        .collect())
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
    let found = found(db, actor, region, kind, period).await?;
    Ok(found.iter().map(|(a, z)| view(a, z)).collect())
}

/// The same activities as the book a clerk keeps (and imports back): how many, and the sheet.
pub async fn book(
    db: &Db,
    actor: &Actor,
    region: Option<&str>,
    kind: Option<&str>,
    period: Option<(NaiveDate, NaiveDate)>,
) -> Result<(usize, ReportTable), AppError> {
    let found = found(db, actor, region, kind, period).await?;
    let lang = actor.lang;
    let title = lang.pick("招商活动台账", "Attraction activities");
    let table = books::table(found.iter().map(|(a, z)| (a, z)), title, lang);
    Ok((found.len(), table))
}

/// One activity with the leads that name it.
pub async fn get(
    db: &Db,
    actor: &Actor,
    id: i64,
) -> Result<(ActivityView, Vec<LeadView>), AppError> {
    let (activity, zone) = books::visible::<Activity>(db, actor, id).await?;
    let leads = crate::leads::of_activity(db, actor, id).await?;
    Ok((view(&activity, &zone), leads))
}

/// Whether `activity_id` names an activity of the zone (a lead may name only its own zone's).
pub(crate) async fn of_zone(db: &Db, activity_id: i64, zone_id: i64) -> Result<bool, AppError> {
    Ok(kfq_store::activity(db, activity_id)
        .await?
        .is_some_and(|a| a.zone_id == zone_id))
}

impl ZoneRecord for Activity {
    const BOOK: Book = Book::Activities;
    const OBJECT: &'static str = "activity";
    const ITEM: &'static str = "activity";
    type View = ActivityView;

    fn view(&self, zone: &Zone) -> ActivityView {
        view(self, zone)
    }

    fn blank(zone_id: i64, today: NaiveDate) -> Activity {
        Activity::new(zone_id, ActivityKind::Trip, "", today)
    }

    fn key(&self) -> String {
        format!("{}|{}|{}", self.kind.code(), self.name, self.started_on)
    }

    fn label(&self) -> String {
        self.name.clone()
    }

    fn apply(self, fields: &Map<String, Value>, ctx: &Ctx) -> Result<Activity, AppError> {
        let lang = ctx.lang;
        checked(self, fields, lang)
    }

    fn json(&self) -> Value {
        serde_json::json!({
            "zone_id": self.zone_id, "kind": self.kind.code(), "name": self.name,
            "place": self.place, "started_on": self.started_on, "ended_on": self.ended_on,
            "leader": self.leader, "people": self.people, "met": self.met, "note": self.note,
            "version": self.version,
        })
    }

    fn cells(&self, lang: Lang) -> Vec<(&'static str, String)> {
        vec![
            ("name", self.name.clone()),
            ("kind", books::coded_cell(self.kind, lang)),
            ("place", self.place.clone()),
            ("started_on", self.started_on.to_string()),
            ("ended_on", books::date_cell(self.ended_on)),
            ("leader", self.leader.clone()),
            ("people", self.people.clone()),
            ("met", self.met.clone()),
            ("note", self.note.clone()),
        ]
    }

    books::stored!(
        Activity,
        kfq_store::activities,
        kfq_store::activity,
        kfq_store::activity_in,
        kfq_store::insert_activity,
        kfq_store::save_activity
    );
}

/// Applies the fields of a change and checks the result: every wrong field at once.
fn checked(a: Activity, fields: &Map<String, Value>, lang: Lang) -> Result<Activity, AppError> {
    books::apply_fields(
        a,
        fields,
        lang,
        Expected::ActivityField,
        |a, key, text| {
            let slot = match key {
                "name" => &mut a.name,
                "place" => &mut a.place,
                "leader" => &mut a.leader,
                "people" => &mut a.people,
                "met" => &mut a.met,
                "note" => &mut a.note,
                "kind" => {
                    return books::coded(&text, Expected::ActivityKind, lang)
                        .map(|k| a.kind = k)
                        .into()
                }
                "started_on" => {
                    return match books::day(&text, lang) {
                        Ok(Some(d)) => {
                            a.started_on = d;
                            Set::Done
                        }
                        Ok(None) => Set::Refused(Expected::Date.describe(lang)),
                        Err(why) => Set::Refused(why),
                    }
                }
                "ended_on" => return books::day(&text, lang).map(|d| a.ended_on = d).into(),
                _ => return Set::Unknown,
            };
            *slot = text;
            Set::Done
        },
        Activity::settle,
    )
}

/// Records an activity of a zone in the actor's scope: `zone` (its name; the actor's own when
/// they work at one), `kind`, `name`, `started_on` (today when not given) and the rest.
pub async fn create(
    db: &Db,
    actor: &Actor,
    fields: &Map<String, Value>,
    today: NaiveDate,
) -> Result<ActivityView, AppError> {
    let (activity, zone) = books::create::<Activity>(db, actor, fields, today).await?;
    Ok(view(&activity, &zone))
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
    let (activity, zone) = books::update::<Activity>(db, actor, id, version, fields).await?;
    Ok(view(&activity, &zone))
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
