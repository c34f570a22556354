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
use kfq_store::{Db, Snapshot, StoreError, Tx};
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

    fn id(&self) -> i64 {
        self.id
    }

    fn zone_id(&self) -> i64 {
        self.zone_id
    }

    fn version(&self) -> i64 {
        self.version
    }

    fn stored_as(self, id: i64, version: i64) -> Target {
        Target {
            id,
            version,
            ..self
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

    async fn all(db: &Db) -> Result<Vec<Target>, StoreError> {
        kfq_store::targets(db).await
    }

    async fn one(db: &Db, id: i64) -> Result<Option<Target>, StoreError> {
        kfq_store::target_by_id(db, id).await
    }

    async fn one_in(tx: &mut Tx, id: i64) -> Result<Option<Target>, StoreError> {
        kfq_store::target_in(tx, id).await
    }

    async fn insert(tx: &mut Tx, t: &Target) -> Result<i64, StoreError> {
        kfq_store::insert_target(tx, t).await
    }

    async fn save(tx: &mut Tx, t: &Target) -> Result<(), StoreError> {
        kfq_store::save_target(tx, t).await
    }
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

    fn id(&self) -> i64 {
        self.id
    }

    fn zone_id(&self) -> i64 {
        self.zone_id
    }

    fn version(&self) -> i64 {
        self.version
    }

    fn stored_as(self, id: i64, version: i64) -> EnteredValue {
        EnteredValue {
            id,
            version,
            ..self
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

    async fn all(db: &Db) -> Result<Vec<EnteredValue>, StoreError> {
        kfq_store::entered_values(db).await
    }

    async fn one(db: &Db, id: i64) -> Result<Option<EnteredValue>, StoreError> {
        kfq_store::entered_by_id(db, id).await
    }

    async fn one_in(tx: &mut Tx, id: i64) -> Result<Option<EnteredValue>, StoreError> {
        kfq_store::entered_in(tx, id).await
    }

    async fn insert(tx: &mut Tx, e: &EnteredValue) -> Result<i64, StoreError> {
        kfq_store::insert_entered(tx, e).await
    }

    async fn save(tx: &mut Tx, e: &EnteredValue) -> Result<(), StoreError> {
        kfq_store::save_entered(tx, e).await
    }
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
    let last = if year < today.year() {
        12
    } else {
        today.month()
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
                    let elapsed = Ratio::new(i64::from(month.month), 12);
                    let behind = !indicator.lower_is_better
                        && actual.is_some_and(|a| {
                            i128::from(a.scaled()) * 12
                                < i128::from(t.value.scaled()) * i128::from(elapsed.numerator)
                        });
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
    let mut zones: Vec<&Zone> = in_scope.values().collect();
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
                zones: assessment::rank(class, scheme.cap_percent, &catalogue, &candidates),
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
