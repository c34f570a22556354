//! 目标任务 and 考核 — zones' annual targets and the figures they enter monthly (audited as
//! `target` and `indicator_value`), written out and read back as books; the province's scheme
//! (`assessment_scheme` setting: classes, indicators and weights, the cap, the indicators
//! entered); a zone's progress on its targets month by month; and each class's ranking.

use std::collections::HashMap;

use chrono::{Datelike, NaiveDate};
use kfq_core::access::Action;
use kfq_core::assessment::{
    self, Candidate, EnteredValue, Figure, Indicator, Ranked, Scheme, Target, ZoneFacts,
};
use kfq_core::monthly::Month;
use kfq_core::rates::Ratio;
use kfq_core::zone::Zone;
use kfq_core::Lang;
use kfq_store::{Db, Snapshot};
use serde::Serialize;
use serde_json::{Map, Value};

use crate::books::{self, Book, Ctx, Set, ZoneRecord};
use crate::{Actor, AppError, Expected};

const SCHEME_KEY: &str = "assessment_scheme";

/// The province's scheme, or the default one when it set none.
pub async fn scheme(db: &Db) -> Result<Scheme, AppError> {
    let stored = kfq_store::settings(db).await?;
    Ok(stored
        .get(SCHEME_KEY)
        .and_then(|text| serde_json::from_str::<Scheme>(text).ok())
        .filter(|s| s.check().is_ok())
        .unwrap_or_default())
}

/// The province replaces the scheme, audited before → after.
pub async fn set_scheme(db: &Db, actor: &Actor, given: Value) -> Result<Scheme, AppError> {
    actor.must(Action::ManageRounds)?;
    let lang = actor.lang;
    let refused = |message: String| AppError::Invalid(vec![books::field_error("scheme", message)]);
    let scheme: Scheme =
        serde_json::from_value(given).map_err(|_| refused(Expected::Scheme.describe(lang)))?;
    scheme.check().map_err(|f| refused(f.message(lang)))?;
    let before = self::scheme(db).await?;
    let text = |s: &Scheme| serde_json::to_string(s).unwrap_or_default();
    crate::audit::change_setting(db, actor, SCHEME_KEY, text(&before), text(&scheme)).await?;
    Ok(scheme)
}

/// The indicator a field names, by its code or its name.
fn indicator_named<'a>(catalogue: &'a [Indicator], text: &str) -> Option<&'a Indicator> {
    catalogue.iter().find(|i| i.code == text || i.name == text)
}

/// A target as the API and the pages show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TargetView {
    pub id: i64,
    pub zone_id: i64,
    pub zone: String,
    pub year: i32,
    pub indicator: String,
    pub value: Figure,
    pub note: String,
    pub version: i64,
}

/// A figure entered as the API and the pages show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EnteredView {
    pub id: i64,
    pub zone_id: i64,
    pub zone: String,
    pub month: Month,
    pub indicator: String,
    pub value: Figure,
    pub note: String,
    pub version: i64,
}

fn figure_field(text: &str, lang: Lang) -> Result<Figure, String> {
    Figure::parse(text).ok_or_else(|| Expected::Figure.describe(lang))
}

impl ZoneRecord for Target {
    const BOOK: Book = Book::Targets;
    const OBJECT: &'static str = "target";
    const ITEM: &'static str = "target";
    const KEY_FIELD: &'static str = "indicator";
    /// 目标任务下达: the level above the zone sets its targets.
    const EDIT: Action = Action::SetTargets;
    type View = TargetView;

    fn view(&self, zone: &Zone) -> TargetView {
        TargetView {
            id: self.id,
            zone_id: zone.id,
            zone: zone.name.clone(),
            year: self.year,
            indicator: self.indicator.clone(),
            value: self.value,
            note: self.note.clone(),
            version: self.version,
        }
    }

    fn blank(zone_id: i64, today: NaiveDate) -> Target {
        Target::new(zone_id, today.year(), "")
    }

    fn key(&self) -> String {
        format!("{}|{}", self.year, self.indicator)
    }

    fn label(&self) -> String {
        format!("{}/{}", self.year, self.indicator)
    }

    fn apply(self, fields: &Map<String, Value>, ctx: &Ctx) -> Result<Target, AppError> {
        let lang = ctx.lang;
        let catalogue = assessment::catalogue(&ctx.scheme.entered, lang);
        books::apply_fields(
            self,
            fields,
            lang,
            Expected::TargetField,
            |t, key, text| {
                match key {
                    "note" => t.note = text,
                    "indicator" => {
                        t.indicator =
                            indicator_named(&catalogue, &text).map_or(text, |i| i.code.clone())
                    }
                    "year" => match text.parse::<i32>() {
                        Ok(y) => t.year = y,
                        Err(_) => return Set::Refused(Expected::Year.describe(lang)),
                    },
                    "value" => return figure_field(&text, lang).map(|v| t.value = v).into(),
                    _ => return Set::Unknown,
                }
                Set::Done
            },
            |t| t.settle(&catalogue),
        )
    }

    fn json(&self) -> Value {
        serde_json::json!({
            "zone_id": self.zone_id, "year": self.year, "indicator": self.indicator,
            "value": self.value, "note": self.note, "version": self.version,
        })
    }

    fn cells(&self, _lang: Lang) -> Vec<(&'static str, String)> {
        vec![
            ("year", self.year.to_string()),
            ("indicator", self.indicator.clone()),
            ("value", self.value.to_string()),
            ("note", self.note.clone()),
        ]
    }

    books::stored!(
        Target,
        kfq_store::targets,
        kfq_store::target_by_id,
        kfq_store::target_in,
        kfq_store::insert_target,
        kfq_store::save_target
    );
}

impl ZoneRecord for EnteredValue {
    const BOOK: Book = Book::Indicators;
    const OBJECT: &'static str = "indicator_value";
    const ITEM: &'static str = "value";
    const KEY_FIELD: &'static str = "indicator";
    type View = EnteredView;

    fn view(&self, zone: &Zone) -> EnteredView {
        EnteredView {
            id: self.id,
            zone_id: zone.id,
            zone: zone.name.clone(),
            month: self.month,
            indicator: self.indicator.clone(),
            value: self.value,
            note: self.note.clone(),
            version: self.version,
        }
    }

    fn blank(zone_id: i64, today: NaiveDate) -> EnteredValue {
        EnteredValue::new(zone_id, Month::of(today), "")
    }

    fn key(&self) -> String {
        format!("{}|{}", self.month, self.indicator)
    }

    fn label(&self) -> String {
        format!("{}/{}", self.month, self.indicator)
    }

    fn apply(self, fields: &Map<String, Value>, ctx: &Ctx) -> Result<EnteredValue, AppError> {
        let lang = ctx.lang;
        let entered = &ctx.scheme.entered;
        books::apply_fields(
            self,
            fields,
            lang,
            Expected::EnteredField,
            |e, key, text| {
                match key {
                    "note" => e.note = text,
                    "indicator" => {
                        e.indicator = entered
                            .iter()
                            .find(|i| i.code == text || i.name == text)
                            .map_or(text, |i| i.code.clone())
                    }
                    "month" => match Month::parse(&text) {
                        Ok(m) => e.month = m,
                        Err(_) => return Set::Refused(Expected::Month.describe(lang)),
                    },
                    "value" => return figure_field(&text, lang).map(|v| e.value = v).into(),
                    _ => return Set::Unknown,
                }
                Set::Done
            },
            |e| e.settle(entered),
        )
    }

    fn json(&self) -> Value {
        serde_json::json!({
            "zone_id": self.zone_id, "month": self.month, "indicator": self.indicator,
            "value": self.value, "note": self.note, "version": self.version,
        })
    }

    fn cells(&self, _lang: Lang) -> Vec<(&'static str, String)> {
        vec![
            ("month", self.month.to_string()),
            ("indicator", self.indicator.clone()),
            ("value", self.value.to_string()),
            ("note", self.note.clone()),
        ]
    }

    books::stored!(
        EnteredValue,
        kfq_store::entered_values,
        kfq_store::entered_by_id,
        kfq_store::entered_in,
        kfq_store::insert_entered,
        kfq_store::save_entered
    );
}

/// Every zone's facts, from the snapshot and the figures entered.
struct Facts<'a> {
    by_zone: HashMap<i64, ZoneFacts<'a>>,
}

impl<'a> Facts<'a> {
    fn of(snapshot: &'a Snapshot, entered: &'a [EnteredValue]) -> Facts<'a> {
        let mut by_zone: HashMap<i64, ZoneFacts<'a>> = HashMap::new();
        let mut zone_of = HashMap::new();
        let blank = || ZoneFacts {
            projects: Vec::new(),
            monthly: Vec::new(),
            blockers: Vec::new(),
            entered: Vec::new(),
        };
        for p in &snapshot.projects {
            zone_of.insert(p.id, p.zone_id);
            by_zone
                .entry(p.zone_id)
                .or_insert_with(blank)
                .projects
                .push(p);
        }
        for m in &snapshot.monthly {
            if let Some(z) = zone_of.get(&m.project_id) {
                by_zone.entry(*z).or_insert_with(blank).monthly.push(m);
            }
        }
        for b in &snapshot.blockers {
            if let Some(z) = zone_of.get(&b.project_id) {
                by_zone.entry(*z).or_insert_with(blank).blockers.push(b);
            }
        }
        for e in entered {
            by_zone
                .entry(e.zone_id)
                .or_insert_with(blank)
                .entered
                .push(e);
        }
        Facts { by_zone }
    }

    fn measure(&self, zone_id: i64, indicator: &Indicator, month: Month) -> Option<Figure> {
        match self.by_zone.get(&zone_id) {
            Some(facts) => facts.measure(indicator, month),
            None => ZoneFacts {
                projects: Vec::new(),
                monthly: Vec::new(),
                blockers: Vec::new(),
                entered: Vec::new(),
            }
            .measure(indicator, month),
        }
    }
}

/// A month of a target's progress: the year to date, and how far along it is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProgressMonth {
    pub month: Month,
    pub actual: Option<Figure>,
    /// actual ÷ target.
    pub completion: Option<Ratio>,
    /// Behind 序时进度: less than the share of the year gone (for less-is-better, never).
    pub behind: bool,
}

/// A target and its months.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TargetProgress {
    pub indicator: Indicator,
    pub target: Figure,
    pub months: Vec<ProgressMonth>,
}

/// A zone's targets of a year and its progress on each, month by month to `until`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Progress {
    pub zone_id: i64,
    pub zone: String,
    pub year: i32,
    pub targets: Vec<TargetProgress>,
}

/// Behind: a sum of the year under the share of its target the months gone call for (序时进度:
/// target × months ÷ 12); a rate under its target; never an indicator where less is better.
fn lags(indicator: &Indicator, actual: Figure, target: Figure, month: Month) -> bool {
    if indicator.lower_is_better {
        return false;
    }
    if indicator.counted == Some(assessment::Counted::StartRate) {
        return actual < target;
    }
    i128::from(actual.scaled()) * 12 < i128::from(target.scaled()) * i128::from(month.month)
}

/// The progress of a zone of the actor's scope (`zone` by name) on its targets of `year`, to
/// the month of `today` (or December of a past year).
pub async fn progress(
    db: &Db,
    actor: &Actor,
    zone: &str,
    year: i32,
    today: NaiveDate,
) -> Result<Progress, AppError> {
    let (_, zones) = crate::reports::zones_in_scope(db, actor, Some(zone)).await?;
    let zone = zones
        .into_values()
        .find(|z| z.name == zone)
        .ok_or_else(|| AppError::UnknownRegion(zone.to_string()))?;
    let scheme = scheme(db).await?;
    let catalogue = assessment::catalogue(&scheme.entered, actor.lang);
    let snapshot = db.snapshot().await?;
    let entered = kfq_store::entered_values(db).await?;
    let facts = Facts::of(&snapshot, &entered);
    // A past year's twelve months, this year's so far, none of a year to come.
    let last = match year.cmp(&today.year()) {
        std::cmp::Ordering::Less => 12,
        std::cmp::Ordering::Equal => today.month(),
        std::cmp::Ordering::Greater => 0,
    };
    let targets = kfq_store::targets(db)
        .await?
        .into_iter()
        .filter(|t| t.zone_id == zone.id && t.year == year)
        .filter_map(|t| {
            let indicator = catalogue.iter().find(|i| i.code == t.indicator)?.clone();
            let months = (1..=last)
                .filter_map(|m| Month::new(year, m))
                .map(|month| {
                    let actual = facts.measure(zone.id, &indicator, month);
                    let completion = actual.map(|a| Ratio::new(a.scaled(), t.value.scaled()));
                    let behind = actual.is_some_and(|a| lags(&indicator, a, t.value, month));
                    ProgressMonth {
                        month,
                        actual,
                        completion,
                        behind,
                    }
                })
                .collect();
            Some(TargetProgress {
                indicator,
                target: t.value,
                months,
            })
        })
        .collect();
    Ok(Progress {
        zone_id: zone.id,
        zone: zone.name.clone(),
        year,
        targets,
    })
}

/// A class's ranking.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ClassRanking {
    pub class: String,
    /// The class's indicators with their weights, in order.
    pub indicators: Vec<(Indicator, i64)>,
    pub zones: Vec<Ranked>,
}

/// 综合考核 of a region's zones for the year to the end of `month`, class by class.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Ranking {
    pub region: String,
    pub name: String,
    pub year: i32,
    pub month: Month,
    pub cap_percent: i64,
    pub classes: Vec<ClassRanking>,
}

/// Ranks the zones of a region (the actor's scope by default) within their classes.
pub async fn ranking(
    db: &Db,
    actor: &Actor,
    region: Option<&str>,
    month: Month,
) -> Result<Ranking, AppError> {
    let (scope, in_scope) = crate::reports::zones_in_scope(db, actor, region).await?;
    let scheme = scheme(db).await?;
    let catalogue = assessment::catalogue(&scheme.entered, actor.lang);
    let snapshot = db.snapshot().await?;
    let entered = kfq_store::entered_values(db).await?;
    let facts = Facts::of(&snapshot, &entered);
    let targets = kfq_store::targets(db).await?;
    // Zones are ranked against their whole class in their province, whoever looks: a city sees
    // its zones' places in the province's ranking.
    let provinces: std::collections::HashSet<kfq_core::region::RegionCode> =
        in_scope.values().map(|z| z.city.province()).collect();
    let mut zones: Vec<&Zone> = snapshot
        .zones
        .iter()
        .filter(|z| provinces.contains(&z.city.province()))
        .collect();
    zones.sort_by(|a, b| (a.city, &a.name).cmp(&(b.city, &b.name)));
    let classes = scheme
        .classes
        .iter()
        .map(|class| {
            let candidates: Vec<Candidate> = zones
                .iter()
                .filter(|z| scheme.class_of(z).is_some_and(|c| c.name == class.name))
                .map(|z| Candidate {
                    zone_id: z.id,
                    zone: z.name.clone(),
                    actual: class
                        .indicators
                        .iter()
                        .filter_map(|w| catalogue.iter().find(|i| i.code == w.indicator))
                        .map(|i| (i.code.clone(), facts.measure(z.id, i, month)))
                        .collect(),
                    target: targets
                        .iter()
                        .filter(|t| t.zone_id == z.id && t.year == month.year)
                        .map(|t| (t.indicator.clone(), t.value))
                        .collect(),
                })
                .collect();
            ClassRanking {
                class: class.name.clone(),
                indicators: class
                    .indicators
                    .iter()
                    .filter_map(|w| {
                        let i = catalogue.iter().find(|i| i.code == w.indicator)?;
                        Some((i.clone(), w.weight))
                    })
                    .collect(),
                zones: assessment::rank(class, scheme.cap_percent, &catalogue, &candidates)
                    .into_iter()
                    .filter(|r| in_scope.contains_key(&r.zone_id))
                    .collect(),
            }
        })
        .filter(|c| !c.zones.is_empty())
        .collect();
    Ok(Ranking {
        region: scope.key(),
        name: scope.name(),
        year: month.year,
        month,
        cap_percent: scheme.cap_percent,
        classes,
    })
}
