//! 入库入统 — each project's registration in the statistics database, kept by its zone
//! (audited as `registration`, keyed `{zone}/{code}`), written out and read back as the zones'
//! book; the province's rule of who must register (`registration_rule` setting); and a
//! region's month: projects that qualify, registered, 应入未入 and 有库无数 by zone, with the
//! month's investment of registered projects and of the others.

use std::collections::{BTreeMap, HashMap};

use chrono::NaiveDate;
use kfq_core::access::Action;
use kfq_core::money::Amount;
use kfq_core::monthly::Month;
use kfq_core::project::Project;
use kfq_core::registration::{
    self, Coded, Registration, RegistrationFigures, RegistrationRule, RegistrationStatus,
};
use kfq_core::zone::Zone;
use kfq_core::Lang;
use kfq_store::Db;
use serde::Serialize;
use serde_json::{Map, Value};

use crate::books::{self, Book, Ctx, Set, ZoneRecord};
use crate::{Actor, AppError, Expected};

const RULE_KEY: &str = "registration_rule";

/// A registration as the API and the pages show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RegistrationView {
    pub id: i64,
    pub zone_id: i64,
    pub zone: String,
    pub project_id: i64,
    pub project: String,
    pub status: RegistrationStatus,
    pub applied_on: Option<NaiveDate>,
    pub registered_on: Option<NaiveDate>,
    pub stats_code: String,
    pub note: String,
    pub version: i64,
}

impl ZoneRecord for Registration {
    const BOOK: Book = Book::Registrations;
    const OBJECT: &'static str = "registration";
    const ITEM: &'static str = "registration";
    const KEY_FIELD: &'static str = "project";
    type View = RegistrationView;

    fn view(&self, zone: &Zone) -> RegistrationView {
        RegistrationView {
            id: self.id,
            zone_id: zone.id,
            zone: zone.name.clone(),
            project_id: self.project_id,
            project: self.project_code.clone(),
            status: self.status,
            applied_on: self.applied_on,
            registered_on: self.registered_on,
            stats_code: self.stats_code.clone(),
            note: self.note.clone(),
            version: self.version,
        }
    }

    fn blank(zone_id: i64, _today: NaiveDate) -> Registration {
        Registration::new(zone_id, 0)
    }

    fn key(&self) -> String {
        self.project_code.clone()
    }

    fn label(&self) -> String {
        self.project_code.clone()
    }

    fn apply(self, fields: &Map<String, Value>, ctx: &Ctx) -> Result<Registration, AppError> {
        let lang = ctx.lang;
        books::apply_fields(
            self,
            fields,
            lang,
            Expected::RegistrationField,
            |r, key, text| {
                match key {
                    "stats_code" => r.stats_code = text,
                    "note" => r.note = text,
                    "project" => match ctx.project(&text, r.zone_id) {
                        Ok(id) => {
                            r.project_id = id;
                            r.project_code = text;
                        }
                        Err(why) => return Set::Refused(why),
                    },
                    "status" => {
                        return books::coded(&text, Expected::RegistrationStatus, lang)
                            .map(|s| r.status = s)
                            .into()
                    }
                    "applied_on" => {
                        return books::day(&text, lang).map(|d| r.applied_on = d).into()
                    }
                    "registered_on" => {
                        return books::day(&text, lang).map(|d| r.registered_on = d).into()
                    }
                    _ => return Set::Unknown,
                }
                Set::Done
            },
            Registration::settle,
        )
    }

    fn json(&self) -> Value {
        serde_json::json!({
            "zone_id": self.zone_id, "project_id": self.project_id, "status": self.status.code(),
            "applied_on": self.applied_on, "registered_on": self.registered_on,
            "stats_code": self.stats_code, "note": self.note, "version": self.version,
        })
    }

    fn cells(&self, lang: Lang) -> Vec<(&'static str, String)> {
        vec![
            ("project", self.project_code.clone()),
            ("status", books::coded_cell(self.status, lang)),
            ("applied_on", books::date_cell(self.applied_on)),
            ("registered_on", books::date_cell(self.registered_on)),
            ("stats_code", self.stats_code.clone()),
            ("note", self.note.clone()),
        ]
    }

    books::stored!(
        Registration,
        kfq_store::registrations,
        kfq_store::registration_by_id,
        kfq_store::registration_in,
        kfq_store::insert_registration,
        kfq_store::save_registration
    );
}

/// The province's rule (500 万元 and started, unless it set another).
pub async fn rule(db: &Db) -> Result<RegistrationRule, AppError> {
    let stored = kfq_store::settings(db).await?;
    let Some(text) = stored.get(RULE_KEY) else {
        return Ok(RegistrationRule::default());
    };
    let value: Value = serde_json::from_str(text).unwrap_or(Value::Null);
    let default = RegistrationRule::default();
    Ok(RegistrationRule {
        threshold: value
            .get("threshold_wan")
            .and_then(Value::as_str)
            .and_then(|t| Amount::parse_wan(t).ok())
            .unwrap_or(default.threshold),
        needs_start: value
            .get("needs_start")
            .and_then(Value::as_bool)
            .unwrap_or(default.needs_start),
    })
}

fn rule_json(r: &RegistrationRule) -> String {
    serde_json::json!({"threshold_wan": r.threshold.wan_string(), "needs_start": r.needs_start})
        .to_string()
}

/// The province changes the rule (`threshold_wan`, `needs_start`), audited before → after.
pub async fn set_rule(
    db: &Db,
    actor: &Actor,
    fields: &Map<String, Value>,
) -> Result<RegistrationRule, AppError> {
    actor.must(Action::ManageRounds)?;
    let before = rule(db).await?;
    let mut after = before;
    let mut errors = Vec::new();
    for (key, value) in fields {
        match (key.as_str(), value) {
            ("threshold_wan", Value::String(t)) => match Amount::parse_wan(t) {
                Ok(a) => after.threshold = a,
                Err(e) => errors.push(books::field_error(
                    key,
                    kfq_core::Localized::message(&e, actor.lang),
                )),
            },
            ("needs_start", Value::Bool(b)) => after.needs_start = *b,
            ("needs_start", Value::String(t)) => match t.trim() {
                "true" | "1" | "是" | "on" => after.needs_start = true,
                "false" | "0" | "否" | "" => after.needs_start = false,
                _ => errors.push(books::field_error(key, Expected::Flag.describe(actor.lang))),
            },
            ("threshold_wan" | "needs_start", _) => {
                errors.push(books::field_error(key, Expected::Text.describe(actor.lang)))
            }
            _ => errors.push(books::field_error(
                key,
                Expected::RegistrationRule.describe(actor.lang),
            )),
        }
    }
    if !errors.is_empty() {
        return Err(AppError::Invalid(errors));
    }
    crate::audit::change_setting(db, actor, RULE_KEY, rule_json(&before), rule_json(&after))
        .await?;
    Ok(after)
}

/// The registrations of the actor's scope (or the region asked for), of one status if asked,
/// with words of the project's code or the statistics code.
pub async fn list(
    db: &Db,
    actor: &Actor,
    region: Option<&str>,
    status: Option<&str>,
    q: Option<&str>,
) -> Result<Vec<RegistrationView>, AppError> {
    fn given(t: Option<&str>) -> Option<&str> {
        t.map(str::trim).filter(|t| !t.is_empty())
    }
    let status = match given(status) {
        None => None,
        Some(s) => Some(
            RegistrationStatus::parse(s).ok_or_else(|| AppError::BadArgument {
                name: "status",
                value: s.into(),
                expected: Expected::RegistrationStatus,
            })?,
        ),
    };
    let q = given(q);
    Ok(books::in_scope::<Registration>(db, actor, region)
        .await?
        .iter()
        .filter(|(r, _)| status.is_none_or(|s| r.status == s))
        .filter(|(r, _)| q.is_none_or(|q| r.project_code.contains(q) || r.stats_code.contains(q)))
        .map(|(r, z)| r.view(z))
        .collect())
}

/// A project of a month's lists.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ListedProject {
    pub id: i64,
    pub code: String,
    pub name: String,
    pub zone: String,
    pub total_investment_wan: Amount,
    pub started_on: Option<NaiveDate>,
    pub status: RegistrationStatus,
    /// Its registration's id, where one is recorded (applied for, refused…).
    pub registration_id: Option<i64>,
}

/// A zone's line of the month.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RegistrationLine {
    pub name: String,
    pub figures: RegistrationFigures,
}

/// 入库入统 of a region in a month: in all, by zone, and the two lists.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RegistrationReport {
    pub region: String,
    pub name: String,
    pub month: Month,
    pub rule: RegistrationRule,
    pub figures: RegistrationFigures,
    pub zones: Vec<RegistrationLine>,
    /// 应入未入, the largest first.
    pub should_register: Vec<ListedProject>,
    /// 有库无数, the largest first.
    pub no_figures: Vec<ListedProject>,
}

/// What each project of the zones given stands at in `month`, with its investment of the month.
pub(crate) struct MonthStandings {
    pub rule: RegistrationRule,
    registrations: HashMap<i64, Registration>,
    invested: HashMap<i64, Amount>,
}

impl MonthStandings {
    pub(crate) async fn of(db: &Db, month: Month) -> Result<MonthStandings, AppError> {
        let figures = kfq_store::month_figures(db, month).await?;
        MonthStandings::of_lines(db, figures.into_iter().map(|f| (f.project_id, f.invested))).await
    }

    /// The same, with the month's figures already read (a return's lines).
    pub(crate) async fn of_lines(
        db: &Db,
        invested: impl Iterator<Item = (i64, Amount)>,
    ) -> Result<MonthStandings, AppError> {
        let invested = invested.collect();
        Ok(MonthStandings {
            rule: rule(db).await?,
            registrations: kfq_store::registrations(db)
                .await?
                .into_iter()
                .map(|r| (r.project_id, r))
                .collect(),
            invested,
        })
    }

    pub(crate) fn standing(&self, p: &Project, month: Month) -> registration::Standing {
        let reported = self.invested.contains_key(&p.id);
        registration::standing(
            p,
            self.registrations.get(&p.id),
            &self.rule,
            month,
            reported,
        )
    }

    pub(crate) fn invested(&self, project_id: i64) -> Option<Amount> {
        self.invested.get(&project_id).copied()
    }

    fn status(&self, project_id: i64) -> RegistrationStatus {
        self.registrations
            .get(&project_id)
            .map_or(RegistrationStatus::NotApplied, |r| r.status)
    }
}

/// The region's month (the actor's scope by default).
pub async fn report(
    db: &Db,
    actor: &Actor,
    region: Option<&str>,
    month: Month,
) -> Result<RegistrationReport, AppError> {
    let (scope, in_scope) = crate::reports::zones_in_scope(db, actor, region).await?;
    let snapshot = db.snapshot().await?;
    let standings = MonthStandings::of(db, month).await?;
    let mut figures = RegistrationFigures::default();
    let mut by_zone: BTreeMap<&str, RegistrationFigures> = BTreeMap::new();
    let (mut should_register, mut no_figures) = (Vec::new(), Vec::new());
    for p in &snapshot.projects {
        let Some(zone) = in_scope.get(&p.zone_id) else {
            continue;
        };
        let s = standings.standing(p, month);
        let invested = standings.invested(p.id);
        figures.add(s, invested);
        by_zone
            .entry(zone.name.as_str())
            .or_default()
            .add(s, invested);
        let listed = || ListedProject {
            id: p.id,
            code: p.code.as_str().to_string(),
            name: p.name.clone(),
            zone: zone.name.clone(),
            total_investment_wan: p.total_investment,
            started_on: p.dates.started_on,
            status: standings.status(p.id),
            registration_id: standings.registrations.get(&p.id).map(|r| r.id),
        };
        if s.should_register {
            should_register.push(listed());
        }
        if s.no_figures {
            no_figures.push(listed());
        }
    }
    for list in [&mut should_register, &mut no_figures] {
        list.sort_by(|a, b| {
            b.total_investment_wan
                .cmp(&a.total_investment_wan)
                .then(a.code.cmp(&b.code))
        });
    }
    let mut zones: Vec<RegistrationLine> = by_zone
        .into_iter()
        .filter(|(_, f)| f.qualifying + f.registered > 0)
        .map(|(name, figures)| RegistrationLine {
            name: name.to_string(),
            figures,
        })
        .collect();
    zones.sort_by(|a, b| {
        b.figures
            .should_register
            .cmp(&a.figures.should_register)
            .then(a.name.cmp(&b.name))
    });
    Ok(RegistrationReport {
        region: scope.key(),
        name: scope.name(),
        month,
        rule: standings.rule,
        figures,
        zones,
        should_register,
        no_figures,
    })
}
