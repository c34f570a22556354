//! 承诺制 + 标准地 — the standard parcels of the zones of the actor's scope with the projects they
//! were sold to, and the commitments projects' owners filed: listed, recorded and changed from
//! the version seen (audited as `land_parcel` and `commitment`), written out and read back as the
//! zones' books; and a region's figures over a period by zone (标准地 sold and their area,
//! parcels left, projects short of their indicators; 承诺制项目, checks, the share of new 备案
//! projects under 承诺制).

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::NaiveDate;
use kfq_core::commitment::{self, Coded, Commitment, CommitmentFigures, CommitmentResult};
use kfq_core::land::{self, LandFigures, PlotRatio, StandardParcel};
use kfq_core::money::Amount;
use kfq_core::project::{LandArea, Project};
use kfq_core::zone::Zone;
use kfq_core::Lang;
use kfq_store::Db;
use serde::Serialize;
use serde_json::{Map, Value};

use crate::books::{self, Book, Ctx, Set, ZoneRecord};
use crate::{Actor, AppError, Expected};

/// A standard parcel as the API and the pages show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ParcelView {
    pub id: i64,
    pub zone_id: i64,
    pub zone: String,
    pub code: String,
    pub location: String,
    pub area_mu: LandArea,
    pub intensity_wan: Option<Amount>,
    pub output_wan: Option<Amount>,
    pub tax_wan: Option<Amount>,
    pub plot_ratio: Option<PlotRatio>,
    pub project_id: Option<i64>,
    pub project: String,
    pub allocated_on: Option<NaiveDate>,
    pub note: String,
    pub version: i64,
}

/// A commitment as the API and the pages show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CommitmentView {
    pub id: i64,
    pub zone_id: i64,
    pub zone: String,
    pub project_id: i64,
    pub project: String,
    pub item: String,
    pub content: String,
    pub filed_on: NaiveDate,
    pub due_on: Option<NaiveDate>,
    pub verified_on: Option<NaiveDate>,
    pub result: CommitmentResult,
    /// Due and not checked today.
    pub overdue: bool,
    pub note: String,
    pub version: i64,
}

/// A money figure per 亩 as a field gives it (万元, exact): empty is none.
fn per_mu(text: &str, lang: Lang) -> Result<Option<Amount>, String> {
    if text.is_empty() {
        return Ok(None);
    }
    Amount::parse_wan(text)
        .map(Some)
        .map_err(|e| kfq_core::Localized::message(&e, lang))
}

fn wan(amount: Option<Amount>) -> String {
    amount.map(|a| a.wan_string()).unwrap_or_default()
}

impl ZoneRecord for StandardParcel {
    const BOOK: Book = Book::Parcels;
    const OBJECT: &'static str = "land_parcel";
    const ITEM: &'static str = "parcel";
    const KEY_FIELD: &'static str = "code";
    type View = ParcelView;

    fn view(&self, zone: &Zone) -> ParcelView {
        ParcelView {
            id: self.id,
            zone_id: zone.id,
            zone: zone.name.clone(),
            code: self.code.clone(),
            location: self.location.clone(),
            area_mu: self.area,
            intensity_wan: self.intensity,
            output_wan: self.output,
            tax_wan: self.tax,
            plot_ratio: self.plot_ratio,
            project_id: self.project_id,
            project: self.project_code.clone(),
            allocated_on: self.allocated_on,
            note: self.note.clone(),
            version: self.version,
        }
    }

    fn blank(zone_id: i64, _today: NaiveDate) -> StandardParcel {
        StandardParcel::new(zone_id, "", LandArea::default())
    }

    fn key(&self) -> String {
        self.code.clone()
    }

    fn label(&self) -> String {
        self.code.clone()
    }

    fn apply(self, fields: &Map<String, Value>, ctx: &Ctx) -> Result<StandardParcel, AppError> {
        let lang = ctx.lang;
        books::apply_fields(
            self,
            fields,
            lang,
            Expected::ParcelField,
            |p, key, text| {
                let set = |slot: &mut Option<Amount>, text: &str| {
                    per_mu(text, lang).map(|a| *slot = a).into()
                };
                match key {
                    "code" => p.code = text,
                    "location" => p.location = text,
                    "note" => p.note = text,
                    "area_mu" => {
                        return match LandArea::parse(&text) {
                            Some(a) => {
                                p.area = a;
                                Set::Done
                            }
                            None => Set::Refused(Expected::Area.describe(lang)),
                        }
                    }
                    "intensity_wan" => return set(&mut p.intensity, &text),
                    "output_wan" => return set(&mut p.output, &text),
                    "tax_wan" => return set(&mut p.tax, &text),
                    "plot_ratio" => {
                        if text.is_empty() {
                            p.plot_ratio = None;
                        } else {
                            match PlotRatio::parse(&text) {
                                Some(r) => p.plot_ratio = Some(r),
                                None => return Set::Refused(Expected::Area.describe(lang)),
                            }
                        }
                    }
                    "project" => {
                        if text.is_empty() {
                            p.project_id = None;
                            p.project_code.clear();
                        } else {
                            match ctx.project(&text, p.zone_id) {
                                Ok(id) => {
                                    p.project_id = Some(id);
                                    p.project_code = text;
                                }
                                Err(why) => return Set::Refused(why),
                            }
                        }
                    }
                    "allocated_on" => {
                        return books::day(&text, lang).map(|d| p.allocated_on = d).into()
                    }
                    _ => return Set::Unknown,
                }
                Set::Done
            },
            StandardParcel::settle,
        )
    }

    fn json(&self) -> Value {
        serde_json::json!({
            "zone_id": self.zone_id, "code": self.code, "location": self.location,
            "area_mu": self.area, "intensity_wan": self.intensity, "output_wan": self.output,
            "tax_wan": self.tax, "plot_ratio": self.plot_ratio, "project_id": self.project_id,
            "allocated_on": self.allocated_on, "note": self.note, "version": self.version,
        })
    }

    fn cells(&self, _lang: Lang) -> Vec<(&'static str, String)> {
        vec![
            ("code", self.code.clone()),
            ("location", self.location.clone()),
            ("area_mu", self.area.to_string()),
            ("intensity_wan", wan(self.intensity)),
            ("output_wan", wan(self.output)),
            ("tax_wan", wan(self.tax)),
            (
                "plot_ratio",
                self.plot_ratio.map(|r| r.to_string()).unwrap_or_default(),
            ),
            ("project", self.project_code.clone()),
            ("allocated_on", books::date_cell(self.allocated_on)),
            ("note", self.note.clone()),
        ]
    }

    books::stored!(
        StandardParcel,
        kfq_store::parcels,
        kfq_store::parcel_by_id,
        kfq_store::parcel_in,
        kfq_store::insert_parcel,
        kfq_store::save_parcel
    );
}

impl ZoneRecord for Commitment {
    const BOOK: Book = Book::Commitments;
    const OBJECT: &'static str = "commitment";
    const ITEM: &'static str = "commitment";
    const KEY_FIELD: &'static str = "item";
    type View = CommitmentView;

    fn view(&self, zone: &Zone) -> CommitmentView {
        CommitmentView {
            id: self.id,
            zone_id: zone.id,
            zone: zone.name.clone(),
            project_id: self.project_id,
            project: self.project_code.clone(),
            item: self.item.clone(),
            content: self.content.clone(),
            filed_on: self.filed_on,
            due_on: self.due_on,
            verified_on: self.verified_on,
            result: self.result,
            overdue: self.overdue(crate::reports::today()),
            note: self.note.clone(),
            version: self.version,
        }
    }

    fn blank(zone_id: i64, today: NaiveDate) -> Commitment {
        Commitment::new(zone_id, 0, "", today)
    }

    fn key(&self) -> String {
        format!("{}|{}", self.project_code, self.item)
    }

    fn label(&self) -> String {
        format!("{}/{}", self.project_code, self.item)
    }

    fn apply(self, fields: &Map<String, Value>, ctx: &Ctx) -> Result<Commitment, AppError> {
        let lang = ctx.lang;
        books::apply_fields(
            self,
            fields,
            lang,
            Expected::CommitmentField,
            |c, key, text| {
                match key {
                    "item" => c.item = text,
                    "content" => c.content = text,
                    "note" => c.note = text,
                    "project" => match ctx.project(&text, c.zone_id) {
                        Ok(id) => {
                            c.project_id = id;
                            c.project_code = text;
                        }
                        Err(why) => return Set::Refused(why),
                    },
                    "result" => {
                        return books::coded(&text, Expected::CommitmentResult, lang)
                            .map(|r| c.result = r)
                            .into()
                    }
                    "filed_on" => {
                        return match books::day(&text, lang) {
                            Ok(Some(d)) => {
                                c.filed_on = d;
                                Set::Done
                            }
                            Ok(None) => Set::Refused(Expected::Date.describe(lang)),
                            Err(why) => Set::Refused(why),
                        }
                    }
                    "due_on" => return books::day(&text, lang).map(|d| c.due_on = d).into(),
                    "verified_on" => {
                        return books::day(&text, lang).map(|d| c.verified_on = d).into()
                    }
                    _ => return Set::Unknown,
                }
                Set::Done
            },
            Commitment::settle,
        )
    }

    fn json(&self) -> Value {
        serde_json::json!({
            "zone_id": self.zone_id, "project_id": self.project_id, "item": self.item,
            "content": self.content, "filed_on": self.filed_on, "due_on": self.due_on,
            "verified_on": self.verified_on, "result": self.result.code(), "note": self.note,
            "version": self.version,
        })
    }

    fn cells(&self, lang: Lang) -> Vec<(&'static str, String)> {
        vec![
            ("project", self.project_code.clone()),
            ("item", self.item.clone()),
            ("content", self.content.clone()),
            ("filed_on", self.filed_on.to_string()),
            ("due_on", books::date_cell(self.due_on)),
            ("verified_on", books::date_cell(self.verified_on)),
            ("result", books::coded_cell(self.result, lang)),
            ("note", self.note.clone()),
        ]
    }

    books::stored!(
        Commitment,
        kfq_store::commitments,
        kfq_store::commitment_by_id,
        kfq_store::commitment_in,
        kfq_store::insert_commitment,
        kfq_store::save_commitment
    );
}

fn given(text: Option<&str>) -> Option<&str> {
    text.map(str::trim).filter(|t| !t.is_empty())
}

/// The standard parcels of the actor's scope (or the region asked for): sold or not if asked
/// (`sold` yes/no), with words of their code, place or project.
pub async fn parcels(
    db: &Db,
    actor: &Actor,
    region: Option<&str>,
    sold: Option<&str>,
    q: Option<&str>,
) -> Result<Vec<ParcelView>, AppError> {
    let sold = match given(sold) {
        None => None,
        Some("yes" | "1" | "true" | "是") => Some(true),
        Some("no" | "0" | "false" | "否") => Some(false),
        Some(other) => {
            return Err(AppError::BadArgument {
                name: "sold",
                value: other.into(),
                expected: Expected::Flag,
            })
        }
    };
    let q = given(q);
    Ok(books::in_scope::<StandardParcel>(db, actor, region)
        .await?
        .iter()
        .filter(|(p, _)| sold.is_none_or(|s| p.allocated_on.is_some() == s))
        .filter(|(p, _)| {
            q.is_none_or(|q| {
                p.code.contains(q) || p.location.contains(q) || p.project_code.contains(q)
            })
        })
        .map(|(p, z)| p.view(z))
        .collect())
}

/// The commitments of the actor's scope (or the region asked for): of one finding if asked,
/// only the overdue ones if asked, with words of their project or item.
pub async fn commitments(
    db: &Db,
    actor: &Actor,
    region: Option<&str>,
    result: Option<&str>,
    overdue: bool,
    q: Option<&str>,
) -> Result<Vec<CommitmentView>, AppError> {
    let result = match given(result) {
        None => None,
        Some(r) => Some(
            CommitmentResult::parse(r).ok_or_else(|| AppError::BadArgument {
                name: "result",
                value: r.into(),
                expected: Expected::CommitmentResult,
            })?,
        ),
    };
    let q = given(q);
    let today = crate::reports::today();
    Ok(books::in_scope::<Commitment>(db, actor, region)
        .await?
        .iter()
        .filter(|(c, _)| result.is_none_or(|r| c.result == r))
        .filter(|(c, _)| !overdue || c.overdue(today))
        .filter(|(c, _)| {
            q.is_none_or(|q| {
                c.project_code.contains(q) || c.item.contains(q) || c.content.contains(q)
            })
        })
        .map(|(c, z)| c.view(z))
        .collect())
}

/// A zone's line of the figures.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LandLine {
    pub name: String,
    pub land: LandFigures,
    pub commitments: CommitmentFigures,
}

/// A sold parcel whose project falls short of an indicator checked by the period's end.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ShortParcel {
    pub id: i64,
    pub zone: String,
    pub code: String,
    pub project: String,
    pub area_mu: LandArea,
    pub compliance: land::Compliance,
}

/// 承诺制 + 标准地 of a region over a period: in all, by zone, and the parcels short of their
/// indicators.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LandReport {
    pub region: String,
    pub name: String,
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub land: LandFigures,
    pub commitments: CommitmentFigures,
    pub zones: Vec<LandLine>,
    pub short: Vec<ShortParcel>,
}

/// A zone's parcels, commitments, and projects filed (项目备案) in the period.
type ZoneBooks<'a> = (Vec<&'a StandardParcel>, Vec<&'a Commitment>, HashSet<i64>);

/// The figures of a region (the actor's scope by default) over `from..=to`.
pub async fn report(
    db: &Db,
    actor: &Actor,
    region: Option<&str>,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<LandReport, AppError> {
    crate::reports::in_order(from, to)?;
    let (scope, in_scope) = crate::reports::zones_in_scope(db, actor, region).await?;
    let snapshot = db.snapshot().await?;
    let projects: HashMap<i64, &Project> = snapshot.projects.iter().map(|p| (p.id, p)).collect();
    let parcels: Vec<StandardParcel> = kfq_store::parcels(db)
        .await?
        .into_iter()
        .filter(|p| in_scope.contains_key(&p.zone_id))
        .collect();
    let items: Vec<Commitment> = kfq_store::commitments(db)
        .await?
        .into_iter()
        .filter(|c| in_scope.contains_key(&c.zone_id))
        .collect();
    // 新备案: projects of the region whose 项目备案 was accepted in the period.
    let mut filed_by_zone: HashMap<i64, HashSet<i64>> = HashMap::new();
    for p in kfq_store::procedures(db).await? {
        let in_period = p.accepted_on.is_some_and(|d| from <= d && d <= to);
        if p.name != kfq_core::procedure::STANDARD[0] || !in_period {
            continue;
        }
        if let Some(project) = projects.get(&p.project_id) {
            if in_scope.contains_key(&project.zone_id) {
                filed_by_zone
                    .entry(project.zone_id)
                    .or_default()
                    .insert(project.id);
            }
        }
    }
    let mut by_zone: BTreeMap<&str, ZoneBooks> = BTreeMap::new();
    for z in in_scope.values() {
        let filed = filed_by_zone.remove(&z.id).unwrap_or_default();
        by_zone.insert(z.name.as_str(), (Vec::new(), Vec::new(), filed));
    }
    for p in &parcels {
        if let Some(line) = in_scope
            .get(&p.zone_id)
            .and_then(|z| by_zone.get_mut(z.name.as_str()))
        {
            line.0.push(p);
        }
    }
    for c in &items {
        if let Some(line) = in_scope
            .get(&c.zone_id)
            .and_then(|z| by_zone.get_mut(z.name.as_str()))
        {
            line.1.push(c);
        }
    }
    let mut all_filed = HashSet::new();
    let mut zones: Vec<LandLine> = by_zone
        .iter()
        .map(|(name, (p, c, filed))| {
            all_filed.extend(filed.iter().copied());
            LandLine {
                name: name.to_string(),
                land: land::figures(p.iter().copied(), &projects, from, to),
                commitments: commitment::figures(c.iter().copied(), filed, from, to),
            }
        })
        .filter(|l| {
            l.land.sold + l.land.available + l.commitments.items + l.commitments.new_filings > 0
        })
        .collect();
    zones.sort_by(|a, b| {
        b.land
            .sold_area
            .cmp(&a.land.sold_area)
            .then(a.name.cmp(&b.name))
    });
    let short = parcels
        .iter()
        .filter_map(|p| {
            let project = projects.get(&p.project_id?)?;
            let compliance = p.compliance(project, to);
            compliance.short().then(|| ShortParcel {
                id: p.id,
                zone: in_scope
                    .get(&p.zone_id)
                    .map(|z| z.name.clone())
                    .unwrap_or_default(),
                code: p.code.clone(),
                project: p.project_code.clone(),
                area_mu: p.area,
                compliance,
            })
        })
        .collect();
    Ok(LandReport {
        region: scope.key(),
        name: scope.name(),
        from,
        to,
        land: land::figures(&parcels, &projects, from, to),
        commitments: commitment::figures(&items, &all_filed, from, to),
        zones,
        short,
    })
}
