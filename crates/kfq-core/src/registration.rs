//! 入库入统 — a project's entry into the fixed-asset investment statistics database (固定资产投资
//! 统计库). By the national rule a project qualifies once its planned total reaches 500 万元 and
//! its main works have started; no figure counts before it is registered (“先入库，后有数”), and
//! once registered it reports every month it is under construction. A zone keeps two lists from
//! it: projects under construction that qualify but are not registered (应入未入) and registered
//! ones with no figure for the month (有库无数).

use chrono::NaiveDate;
use serde::Serialize;

use crate::coded::coded;
pub use crate::coded::Coded;
use crate::lang::Lang;
use crate::meeting::plausible_day;
use crate::money::Amount;
use crate::monthly::Month;
use crate::project::Project;

/// 入库状态
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RegistrationStatus {
    /// 未申报
    NotApplied,
    /// 已申报 — materials filed with the statistics bureau.
    Applied,
    /// 已入库
    Registered,
    /// 未通过 — refused; may be filed again.
    Rejected,
}

coded!(RegistrationStatus {
    NotApplied => "not_applied", "未申报", "not applied";
    Applied => "applied", "已申报", "applied";
    Registered => "registered", "已入库", "registered";
    Rejected => "rejected", "未通过", "rejected";
});

/// When a project must be registered: the province may set another threshold or leave out the
/// start of works.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct RegistrationRule {
    /// 计划总投资 at least this much (500 万元 by default).
    #[serde(rename = "threshold_wan")]
    pub threshold: Amount,
    /// And its main works started (开工).
    pub needs_start: bool,
}

impl Default for RegistrationRule {
    fn default() -> RegistrationRule {
        RegistrationRule {
            threshold: Amount::from_wan(500),
            needs_start: true,
        }
    }
}

impl RegistrationRule {
    /// Qualifies for registration by the end of `as_of` (and is not terminated by then).
    pub fn qualifies(&self, project: &Project, as_of: NaiveDate) -> bool {
        let started = project.dates.started_on.is_some_and(|d| d <= as_of);
        let ended = project.terminated_on.is_some_and(|d| d <= as_of);
        project.total_investment >= self.threshold && (started || !self.needs_start) && !ended
    }
}

/// A project's registration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Registration {
    pub id: i64,
    pub zone_id: i64,
    pub project_id: i64,
    pub project_code: String,
    pub status: RegistrationStatus,
    /// 申报日期
    pub applied_on: Option<NaiveDate>,
    /// 入库日期
    pub registered_on: Option<NaiveDate>,
    /// 统计库项目编号 — the code the statistics system gave it.
    pub stats_code: String,
    pub note: String,
    pub version: i64,
}

/// What a registration's change got wrong, by field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RegistrationFault {
    NoProject,
    /// A day before 1949 or after 2100 (the field named).
    When(&'static str),
    /// Registered without its day.
    RegisteredWhen,
    /// A day of registration while not registered.
    NotRegistered,
    /// Registered before it was applied for.
    BeforeApplied,
}

impl RegistrationFault {
    pub fn field(self) -> &'static str {
        match self {
            RegistrationFault::NoProject => "project",
            RegistrationFault::When(field) => field,
            RegistrationFault::RegisteredWhen | RegistrationFault::BeforeApplied => "registered_on",
            RegistrationFault::NotRegistered => "status",
        }
    }

    pub fn message(self, lang: Lang) -> &'static str {
        match self {
            RegistrationFault::NoProject => lang.pick("请填写项目编号", "give the project's code"),
            RegistrationFault::When(_) => lang.pick(
                "日期须在 1949 年至 2100 年之间",
                "the date must lie between 1949 and 2100",
            ),
            RegistrationFault::RegisteredWhen => lang.pick(
                "已入库须填写入库日期",
                "a registered project needs the day it was registered",
            ),
            RegistrationFault::NotRegistered => lang.pick(
                "填写了入库日期，入库状态应为 已入库",
                "a day of registration needs the status registered",
            ),
            RegistrationFault::BeforeApplied => lang.pick(
                "入库日期不能早于申报日期",
                "it cannot be registered before it was applied for",
            ),
        }
    }
}

impl Registration {
    pub fn new(zone_id: i64, project_id: i64) -> Registration {
        Registration {
            id: 0,
            zone_id,
            project_id,
            project_code: String::new(),
            status: RegistrationStatus::NotApplied,
            applied_on: None,
            registered_on: None,
            stats_code: String::new(),
            note: String::new(),
            version: 1,
        }
    }

    /// Trims its texts; checks its days and that a registration goes with its day.
    pub fn settle(mut self) -> Result<Registration, Vec<RegistrationFault>> {
        for text in [&mut self.stats_code, &mut self.note] {
            *text = text.trim().to_string();
        }
        let mut faults = Vec::new();
        if self.project_id == 0 {
            faults.push(RegistrationFault::NoProject);
        }
        for (field, day) in [
            ("applied_on", self.applied_on),
            ("registered_on", self.registered_on),
        ] {
            if day.is_some_and(|d| !plausible_day(d)) {
                faults.push(RegistrationFault::When(field));
            }
        }
        let registered = self.status == RegistrationStatus::Registered;
        match (registered, self.registered_on) {
            (true, None) => faults.push(RegistrationFault::RegisteredWhen),
            (false, Some(_)) => faults.push(RegistrationFault::NotRegistered),
            (true, Some(on)) if self.applied_on.is_some_and(|a| on < a) => {
                faults.push(RegistrationFault::BeforeApplied)
            }
            _ => {}
        }
        if faults.is_empty() {
            Ok(self)
        } else {
            Err(faults)
        }
    }

    /// Registered by the end of `as_of`.
    pub fn registered_by(&self, as_of: NaiveDate) -> bool {
        self.status == RegistrationStatus::Registered
            && self.registered_on.is_some_and(|d| d <= as_of)
    }
}

/// The last day of a month.
fn month_end(month: Month) -> NaiveDate {
    crate::monthly_return::deadline(month, 1)
        .pred_opt()
        .unwrap_or(NaiveDate::MIN)
}

/// Where a project stands with the statistics in a month.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Standing {
    /// Qualifies by the end of the month.
    pub qualifies: bool,
    /// Registered by the end of the month.
    pub registered: bool,
    /// 应入未入: qualifies, under construction in the month, not registered.
    pub should_register: bool,
    /// 有库无数: registered, under construction in the month, and no figure for it.
    pub no_figures: bool,
}

/// A project's standing in `month`: `registration` its registration if any, `reported` whether
/// it has a figure for the month.
pub fn standing(
    project: &Project,
    registration: Option<&Registration>,
    rule: &RegistrationRule,
    month: Month,
    reported: bool,
) -> Standing {
    let end = month_end(month);
    let qualifies = rule.qualifies(project, end);
    let registered = registration.is_some_and(|r| r.registered_by(end));
    let building = crate::monthly_return::reported_in(project, month);
    Standing {
        qualifies,
        registered,
        should_register: qualifies && building && !registered,
        no_figures: registered && building && !reported,
    }
}

/// A zone's (or region's) registration in a month.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Default)]
pub struct RegistrationFigures {
    /// Projects that qualify by the month's end.
    pub qualifying: usize,
    /// Projects registered by the month's end.
    pub registered: usize,
    /// 应入未入
    pub should_register: usize,
    /// 有库无数
    pub no_figures: usize,
    /// The month's investment of registered projects, and of the others (先入库，后有数).
    pub registered_wan: Amount,
    pub unregistered_wan: Amount,
}

impl RegistrationFigures {
    /// Adds a project's standing and its investment in the month.
    pub fn add(&mut self, s: Standing, invested: Option<Amount>) {
        self.qualifying += usize::from(s.qualifies);
        self.registered += usize::from(s.registered);
        self.should_register += usize::from(s.should_register);
        self.no_figures += usize::from(s.no_figures);
        if let Some(amount) = invested {
            if s.registered {
                self.registered_wan += amount;
            } else {
                self.unregistered_wan += amount;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::project::{Category, ProjectCode};
    use crate::stage::StageDates;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn project(total_wan: i64, started: Option<&str>) -> Project {
        Project {
            id: 7,
            code: ProjectCode::parse("LL-7").unwrap(),
            name: "新材料项目".into(),
            zone_id: 1,
            enterprise_id: None,
            chain: String::new(),
            strategic_emerging: false,
            category: Category::Industrial,
            total_investment: Amount::from_wan(total_wan),
            expected_output: None,
            land_area: None,
            dates: StageDates {
                signed_on: Some(d("2024-01-10")),
                started_on: started.map(d),
                ..StageDates::default()
            },
            terminated_on: None,
            version: 1,
        }
    }

    #[test]
    fn a_project_qualifies_at_500_wan_once_started_and_the_province_may_say_otherwise() {
        let rule = RegistrationRule::default();
        let as_of = d("2024-06-30");
        assert!(rule.qualifies(&project(500, Some("2024-03-01")), as_of));
        assert!(!rule.qualifies(&project(499, Some("2024-03-01")), as_of));
        assert!(!rule.qualifies(&project(800, None), as_of));
        assert!(!rule.qualifies(&project(800, Some("2024-07-01")), as_of));
        let looser = RegistrationRule {
            threshold: Amount::from_wan(300),
            needs_start: false,
        };
        assert!(looser.qualifies(&project(300, None), as_of));
    }

    #[test]
    fn the_month_finds_those_that_should_register_and_those_registered_without_figures() {
        let rule = RegistrationRule::default();
        let june = Month::new(2024, 6).unwrap();
        let p = project(5_000, Some("2024-03-01"));
        let s = standing(&p, None, &rule, june, true);
        assert!(s.should_register && !s.registered);
        let mut r = Registration::new(1, 7);
        r.status = RegistrationStatus::Registered;
        r.registered_on = Some(d("2024-04-15"));
        let s = standing(&p, Some(&r), &rule, june, false);
        assert!(s.registered && s.no_figures && !s.should_register);
        let s = standing(&p, Some(&r), &rule, Month::new(2024, 3).unwrap(), false);
        assert!(s.should_register, "not registered yet in March");
        let mut f = RegistrationFigures::default();
        f.add(
            standing(&p, Some(&r), &rule, june, true),
            Some(Amount::from_wan(120)),
        );
        f.add(
            standing(&p, None, &rule, june, true),
            Some(Amount::from_wan(30)),
        );
        assert_eq!(
            (
                f.registered_wan.wan_string(),
                f.unregistered_wan.wan_string()
            ),
            ("120".to_string(), "30".to_string())
        );
    }

    #[test]
    fn a_registration_goes_with_its_day() {
        let mut r = Registration::new(1, 7);
        r.status = RegistrationStatus::Registered;
        assert_eq!(r.settle(), Err(vec![RegistrationFault::RegisteredWhen]));
        let mut r = Registration::new(1, 7);
        r.registered_on = Some(d("2024-04-15"));
        assert_eq!(r.settle(), Err(vec![RegistrationFault::NotRegistered]));
        let mut r = Registration::new(1, 7);
        r.status = RegistrationStatus::Registered;
        r.applied_on = Some(d("2024-05-01"));
        r.registered_on = Some(d("2024-04-15"));
        assert_eq!(r.settle(), Err(vec![RegistrationFault::BeforeApplied]));
    }
}
