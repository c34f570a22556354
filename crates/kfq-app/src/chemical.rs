//! 化工园区安全风险等级复核 — the scored items of the chemical parks' reviews in the actor's scope
//! (audited as `chemical_finding`, keyed `{zone}/{year}/{item}`), written out and read back as
//! the zones' book; the province's checklist (`chemical_checklist` setting: aspects, items, the
//! grades' thresholds); and a region's year: each zone's score and grade, and the
//! rectifications still open, overdue first.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use kfq_core::access::Action;
use kfq_core::chemical::{self, Assessment, Checklist, Finding, Points};
use kfq_core::zone::Zone;
use kfq_core::Lang;
use kfq_store::Db;
use serde::Serialize;
use serde_json::{Map, Value};

use crate::books::{self, Book, Ctx, Set, ZoneRecord};
use crate::{Actor, AppError, Expected};

const CHECKLIST_KEY: &str = "chemical_checklist";

/// The province's checklist, or the national guide's when it set none.
pub async fn checklist(db: &Db) -> Result<Checklist, AppError> {
    let stored = kfq_store::settings(db).await?;
    Ok(stored
        .get(CHECKLIST_KEY)
        .and_then(|text| serde_json::from_str::<Checklist>(text).ok())
        .filter(|c| c.check().is_ok())
        .unwrap_or_default())
}

/// The province replaces the checklist (all of it: aspects, items, thresholds), audited
/// before → after. Findings already scored keep their scores.
pub async fn set_checklist(db: &Db, actor: &Actor, given: Value) -> Result<Checklist, AppError> {
    actor.must(Action::ManageRounds)?;
    let lang = actor.lang;
    let refused =
        |message: String| AppError::Invalid(vec![books::field_error("checklist", message)]);
    let list: Checklist =
        serde_json::from_value(given).map_err(|_| refused(Expected::Checklist.describe(lang)))?;
    list.check().map_err(|f| refused(f.message(lang)))?;
    let before = checklist(db).await?;
    let text = |c: &Checklist| serde_json::to_string(c).unwrap_or_default();
    crate::audit::change_setting(db, actor, CHECKLIST_KEY, text(&before), text(&list)).await?;
    Ok(list)
}

/// A finding as the API and the pages show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FindingView {
    pub id: i64,
    pub zone_id: i64,
    pub zone: String,
    pub year: i32,
    pub item: String,
    pub score: Points,
    pub problem: String,
    pub evidence: String,
    pub owner: String,
    pub due_on: Option<NaiveDate>,
    pub rectified_on: Option<NaiveDate>,
    /// Its rectification is past due and not done today.
    pub overdue: bool,
    pub note: String,
    pub version: i64,
}

impl ZoneRecord for Finding {
    const BOOK: Book = Book::Findings;
    const OBJECT: &'static str = "chemical_finding";
    const ITEM: &'static str = "finding";
    const KEY_FIELD: &'static str = "item";
    type View = FindingView;

    fn view(&self, zone: &Zone) -> FindingView {
        FindingView {
            id: self.id,
            zone_id: zone.id,
            zone: zone.name.clone(),
            year: self.year,
            item: self.item.clone(),
            score: self.score,
            problem: self.problem.clone(),
            evidence: self.evidence.clone(),
            owner: self.owner.clone(),
            due_on: self.due_on,
            rectified_on: self.rectified_on,
            overdue: self.overdue(crate::reports::today()),
            note: self.note.clone(),
            version: self.version,
        }
    }

    fn blank(zone_id: i64, today: NaiveDate) -> Finding {
        Finding::new(zone_id, chrono::Datelike::year(&today), "")
    }

    fn key(&self) -> String {
        format!("{}|{}", self.year, self.item)
    }

    fn label(&self) -> String {
        format!("{}/{}", self.year, self.item)
    }

    fn apply(self, fields: &Map<String, Value>, ctx: &Ctx) -> Result<Finding, AppError> {
        let lang = ctx.lang;
        books::apply_fields(
            self,
            fields,
            lang,
            Expected::FindingField,
            |f, key, text| {
                match key {
                    "item" => f.item = text,
                    "problem" => f.problem = text,
                    "evidence" => f.evidence = text,
                    "owner" => f.owner = text,
                    "note" => f.note = text,
                    "year" => match text.parse::<i32>() {
                        Ok(y) => f.year = y,
                        Err(_) => return Set::Refused(Expected::Year.describe(lang)),
                    },
                    "score" => match Points::parse(&text) {
                        Some(p) => f.score = p,
                        None => return Set::Refused(Expected::Score.describe(lang)),
                    },
                    "due_on" => return books::day(&text, lang).map(|d| f.due_on = d).into(),
                    "rectified_on" => {
                        return books::day(&text, lang).map(|d| f.rectified_on = d).into()
                    }
                    _ => return Set::Unknown,
                }
                Set::Done
            },
            |f| f.settle(ctx.checklist),
        )
    }

    fn json(&self) -> Value {
        serde_json::json!({
            "zone_id": self.zone_id, "year": self.year, "item": self.item, "score": self.score,
            "problem": self.problem, "evidence": self.evidence, "owner": self.owner,
            "due_on": self.due_on, "rectified_on": self.rectified_on, "note": self.note,
            "version": self.version,
        })
    }

    fn cells(&self, _lang: Lang) -> Vec<(&'static str, String)> {
        vec![
            ("year", self.year.to_string()),
            ("item", self.item.clone()),
            ("score", self.score.to_string()),
            ("problem", self.problem.clone()),
            ("evidence", self.evidence.clone()),
            ("owner", self.owner.clone()),
            ("due_on", books::date_cell(self.due_on)),
            ("rectified_on", books::date_cell(self.rectified_on)),
            ("note", self.note.clone()),
        ]
    }

    books::stored!(
        Finding,
        kfq_store::findings,
        kfq_store::finding_by_id,
        kfq_store::finding_in,
        kfq_store::insert_finding,
        kfq_store::save_finding
    );
}

/// The findings of the actor's scope (or the region asked for), of a year if asked, only those
/// with a rectification open (or overdue) if asked.
pub async fn findings(
    db: &Db,
    actor: &Actor,
    region: Option<&str>,
    year: Option<i32>,
    open: bool,
    overdue: bool,
) -> Result<Vec<FindingView>, AppError> {
    let today = crate::reports::today();
    Ok(books::in_scope::<Finding>(db, actor, region)
        .await?
        .iter()
        .filter(|(f, _)| year.is_none_or(|y| f.year == y))
        .filter(|(f, _)| !open || f.open(today))
        .filter(|(f, _)| !overdue || f.overdue(today))
        .map(|(f, z)| f.view(z))
        .collect())
}

/// A zone's review of the year.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ZoneReview {
    pub zone_id: i64,
    pub name: String,
    pub assessment: Assessment,
    /// Each aspect's score out of its points.
    pub aspects: Vec<AspectScore>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AspectScore {
    pub code: String,
    pub name: String,
    pub score: Points,
    pub max: Points,
}

/// A rectification still open at the day asked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OpenRectification {
    pub id: i64,
    pub zone: String,
    pub item: String,
    pub text: String,
    pub problem: String,
    pub owner: String,
    pub due_on: Option<NaiveDate>,
    pub overdue: bool,
}

/// The reviews of a region's chemical parks in a year, as of a day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReviewReport {
    pub region: String,
    pub name: String,
    pub year: i32,
    pub as_of: NaiveDate,
    /// How many zones' reviews stand at each grade (complete reviews only).
    pub grades: BTreeMap<String, usize>,
    pub zones: Vec<ZoneReview>,
    pub open: Vec<OpenRectification>,
    pub checklist: Checklist,
}

/// The region's reviews of `year` (the actor's scope by default) as of `as_of`.
pub async fn report(
    db: &Db,
    actor: &Actor,
    region: Option<&str>,
    year: i32,
    as_of: NaiveDate,
) -> Result<ReviewReport, AppError> {
    let (scope, in_scope) = crate::reports::zones_in_scope(db, actor, region).await?;
    let list = checklist(db).await?;
    let mut by_zone: BTreeMap<i64, Vec<Finding>> = BTreeMap::new();
    for f in kfq_store::findings(db).await? {
        if f.year == year && in_scope.contains_key(&f.zone_id) {
            by_zone.entry(f.zone_id).or_default().push(f);
        }
    }
    let mut zones = Vec::new();
    let mut open = Vec::new();
    let mut grades = BTreeMap::new();
    for (zone_id, found) in &by_zone {
        let Some(zone) = in_scope.get(zone_id) else {
            continue;
        };
        let assessment = chemical::assess(&list, found, as_of);
        if let Some(g) = assessment.grade {
            *grades
                .entry(kfq_core::chemical::Coded::code(g).to_string())
                .or_default() += 1;
        }
        let aspects = list
            .aspects
            .iter()
            .map(|a| AspectScore {
                code: a.code.clone(),
                name: a.name.clone(),
                score: found
                    .iter()
                    .filter(|f| a.items.iter().any(|i| i.code == f.item))
                    .map(|f| f.score)
                    .sum(),
                max: Points::from_tenths(a.items.iter().map(|i| i.max).sum()),
            })
            .collect();
        for f in found.iter().filter(|f| f.open(as_of)) {
            open.push(OpenRectification {
                id: f.id,
                zone: zone.name.clone(),
                item: f.item.clone(),
                text: list
                    .item(&f.item)
                    .map(|i| i.text.clone())
                    .unwrap_or_default(),
                problem: f.problem.clone(),
                owner: f.owner.clone(),
                due_on: f.due_on,
                overdue: f.overdue(as_of),
            });
        }
        zones.push(ZoneReview {
            zone_id: zone.id,
            name: zone.name.clone(),
            assessment,
            aspects,
        });
    }
    zones.sort_by(|a, b| {
        (a.assessment.grade, a.assessment.score, &a.name).cmp(&(
            b.assessment.grade,
            b.assessment.score,
            &b.name,
        ))
    });
    open.sort_by(|a, b| (!a.overdue, a.due_on, &a.zone).cmp(&(!b.overdue, b.due_on, &b.zone)));
    Ok(ReviewReport {
        region: scope.key(),
        name: scope.name(),
        year,
        as_of,
        grades,
        zones,
        open,
        checklist: list,
    })
}
