//! 赋权事项 and 一件事一次办 — the administrative powers the province, the city and the county
//! delegated to a zone (and whether the zone has taken each up, so that “区内事、区内办”), and the
//! zone's bundled services, each one application for several procedures. A region's figures come
//! out as the seeds quote them: “省级赋权 58 项、市级 3846 项、县级 1033 项，开发区承接 3567 项”,
//! “29 项一件事一次办”.

use chrono::NaiveDate;
use serde::Serialize;

use crate::coded::coded;
pub use crate::coded::Coded;
use crate::lang::Lang;
use crate::meeting::plausible_day;
use crate::rates::Ratio;

/// 赋权层级 — who delegated the power.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum GrantLevel {
    /// 省级赋权
    Province,
    /// 市级赋权
    City,
    /// 县级赋权
    County,
}

coded!(GrantLevel {
    Province => "province", "省级", "province";
    City => "city", "市级", "city";
    County => "county", "县级", "county";
});

/// 赋权事项 — a power delegated to a zone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DelegatedPower {
    pub id: i64,
    pub zone_id: i64,
    pub level: GrantLevel,
    /// 事项名称 — “建设工程规划许可证核发”.
    pub name: String,
    /// 事项编码 — the code of the item in the delegating government's catalogue.
    pub code: String,
    /// 赋权日期
    pub granted_on: Option<NaiveDate>,
    /// 承接日期 — when the zone took it up (none: not yet).
    pub taken_up_on: Option<NaiveDate>,
    pub note: String,
    pub version: i64,
}

/// What a change of a power or a bundle got wrong, by field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DelegationFault {
    NoName,
    /// A date before 1949 or after 2100 (the field named).
    When(&'static str),
    /// Taken up before it was granted.
    TakenUpBeforeGranted,
    /// A bundle of fewer than two procedures is not a bundle.
    TooFewProcedures,
    /// The same procedure twice in one bundle.
    RepeatedProcedure,
}

impl DelegationFault {
    pub fn field(self) -> &'static str {
        match self {
            DelegationFault::NoName => "name",
            DelegationFault::When(field) => field,
            DelegationFault::TakenUpBeforeGranted => "taken_up_on",
            DelegationFault::TooFewProcedures | DelegationFault::RepeatedProcedure => "procedures",
        }
    }

    pub fn message(self, lang: Lang) -> &'static str {
        match self {
            DelegationFault::NoName => lang.pick("请填写名称", "give it a name"),
            DelegationFault::When(_) => lang.pick(
                "日期须在 1949 年至 2100 年之间",
                "the date must lie between 1949 and 2100",
            ),
            DelegationFault::TakenUpBeforeGranted => lang.pick(
                "承接日期不能早于赋权日期",
                "it cannot be taken up before it was granted",
            ),
            DelegationFault::TooFewProcedures => lang.pick(
                "一件事至少整合两个事项（用顿号或逗号分隔）",
                "a bundle joins at least two procedures (separated by commas)",
            ),
            DelegationFault::RepeatedProcedure => {
                lang.pick("同一事项重复列出", "a procedure is listed twice")
            }
        }
    }
}

fn trimmed<'a>(texts: impl IntoIterator<Item = &'a mut String>) {
    for text in texts {
        *text = text.trim().to_string();
    }
}

fn check_day(day: Option<NaiveDate>, field: &'static str, faults: &mut Vec<DelegationFault>) {
    if day.is_some_and(|d| !plausible_day(d)) {
        faults.push(DelegationFault::When(field));
    }
}

fn settled<T>(value: T, faults: Vec<DelegationFault>) -> Result<T, Vec<DelegationFault>> {
    if faults.is_empty() {
        Ok(value)
    } else {
        Err(faults)
    }
}

impl DelegatedPower {
    pub fn new(zone_id: i64, level: GrantLevel, name: &str) -> DelegatedPower {
        DelegatedPower {
            id: 0,
            zone_id,
            level,
            name: name.trim().to_string(),
            code: String::new(),
            granted_on: None,
            taken_up_on: None,
            note: String::new(),
            version: 1,
        }
    }

    /// Trims its texts and checks its dates.
    pub fn settle(mut self) -> Result<DelegatedPower, Vec<DelegationFault>> {
        trimmed([&mut self.name, &mut self.code, &mut self.note]);
        let mut faults = Vec::new();
        if self.name.is_empty() {
            faults.push(DelegationFault::NoName);
        }
        check_day(self.granted_on, "granted_on", &mut faults);
        check_day(self.taken_up_on, "taken_up_on", &mut faults);
        if let (Some(granted), Some(taken)) = (self.granted_on, self.taken_up_on) {
            if taken < granted && faults.is_empty() {
                faults.push(DelegationFault::TakenUpBeforeGranted);
            }
        }
        settled(self, faults)
    }

    /// Granted by the end of `as_of` (a power with no date of grant counts as granted).
    pub fn granted_by(&self, as_of: NaiveDate) -> bool {
        self.granted_on.is_none_or(|d| d <= as_of)
    }

    /// Taken up by the zone by `as_of`.
    pub fn taken_up_by(&self, as_of: NaiveDate) -> bool {
        self.granted_by(as_of) && self.taken_up_on.is_some_and(|d| d <= as_of)
    }
}

/// 一件事一次办 — one application for several procedures.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServiceBundle {
    pub id: i64,
    pub zone_id: i64,
    /// 名称 — “开办企业一件事”.
    pub name: String,
    /// 包含事项 — the procedures it joins, in order.
    pub procedures: Vec<String>,
    /// 上线日期 — when applicants could first use it (none: not yet).
    pub launched_on: Option<NaiveDate>,
    pub note: String,
    pub version: i64,
}

/// Splits a list as clerks type it: 、，,；; or one per line.
pub fn split_list(text: &str) -> Vec<String> {
    text.split(['、', '，', ',', '；', ';', '\n'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

impl ServiceBundle {
    pub fn new(zone_id: i64, name: &str) -> ServiceBundle {
        ServiceBundle {
            id: 0,
            zone_id,
            name: name.trim().to_string(),
            procedures: Vec::new(),
            launched_on: None,
            note: String::new(),
            version: 1,
        }
    }

    /// Trims its texts; checks it joins at least two different procedures and its date.
    pub fn settle(mut self) -> Result<ServiceBundle, Vec<DelegationFault>> {
        trimmed([&mut self.name, &mut self.note]);
        self.procedures = self
            .procedures
            .iter()
            .map(|p| p.trim().to_string())
            .filter(|p| !p.is_empty())
            .collect();
        let mut faults = Vec::new();
        if self.name.is_empty() {
            faults.push(DelegationFault::NoName);
        }
        let mut seen = std::collections::HashSet::new();
        if self.procedures.len() < 2 {
            faults.push(DelegationFault::TooFewProcedures);
        } else if !self.procedures.iter().all(|p| seen.insert(p.as_str())) {
            faults.push(DelegationFault::RepeatedProcedure);
        }
        check_day(self.launched_on, "launched_on", &mut faults);
        settled(self, faults)
    }

    /// In use by the end of `as_of`.
    pub fn launched_by(&self, as_of: NaiveDate) -> bool {
        self.launched_on.is_some_and(|d| d <= as_of)
    }
}

/// A zone's (or region's) delegated powers and bundled services as of a day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct DelegationFigures {
    /// 省级赋权 — powers the province delegated.
    pub province: usize,
    /// 市级赋权
    pub city: usize,
    /// 县级赋权
    pub county: usize,
    /// All powers delegated, whoever delegated them.
    pub granted: usize,
    /// 承接赋权 — of all delegated, those the zones have taken up.
    pub taken_up: usize,
    /// 承接率 — taken up over granted, by count.
    pub take_up_rate: Ratio,
    /// 一件事一次办 in use.
    pub bundles: usize,
    /// The procedures those bundles join.
    pub bundled_procedures: usize,
}

impl Default for DelegationFigures {
    fn default() -> DelegationFigures {
        DelegationFigures {
            province: 0,
            city: 0,
            county: 0,
            granted: 0,
            taken_up: 0,
            take_up_rate: Ratio::new(0, 0),
            bundles: 0,
            bundled_procedures: 0,
        }
    }
}

/// The figures of `powers` and `bundles` as of the end of `as_of`.
pub fn figures<'a>(
    powers: impl IntoIterator<Item = &'a DelegatedPower>,
    bundles: impl IntoIterator<Item = &'a ServiceBundle>,
    as_of: NaiveDate,
) -> DelegationFigures {
    let mut f = DelegationFigures::default();
    for p in powers.into_iter().filter(|p| p.granted_by(as_of)) {
        match p.level {
            GrantLevel::Province => f.province += 1,
            GrantLevel::City => f.city += 1,
            GrantLevel::County => f.county += 1,
        }
        if p.taken_up_by(as_of) {
            f.taken_up += 1;
        }
    }
    for b in bundles.into_iter().filter(|b| b.launched_by(as_of)) {
        f.bundles += 1;
        f.bundled_procedures += b.procedures.len();
    }
    f.granted = f.province + f.city + f.county;
    f.take_up_rate = Ratio::new(f.taken_up as i64, f.granted as i64);
    f
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn a_power_counts_by_its_level_once_granted_and_as_taken_up_once_the_zone_took_it() {
        let mut planning = DelegatedPower::new(1, GrantLevel::City, "建设工程规划许可证核发");
        planning.granted_on = Some(d("2023-02-01"));
        planning.taken_up_on = Some(d("2023-03-05"));
        let mut permit = DelegatedPower::new(1, GrantLevel::County, "建筑工程施工许可证核发");
        permit.granted_on = Some(d("2023-06-01"));
        let undated = DelegatedPower::new(1, GrantLevel::Province, "企业投资项目备案");
        let bundle = ServiceBundle {
            procedures: split_list("营业执照、公章刻制，税务登记"),
            launched_on: Some(d("2023-04-01")),
            ..ServiceBundle::new(1, "开办企业一件事")
        };
        let f = figures([&planning, &permit, &undated], [&bundle], d("2023-03-31"));
        assert_eq!(
            (f.province, f.city, f.county, f.taken_up, f.bundles),
            (1, 1, 0, 1, 0)
        );
        let f = figures([&planning, &permit, &undated], [&bundle], d("2023-12-31"));
        assert_eq!(
            (f.granted, f.taken_up, f.bundles, f.bundled_procedures),
            (3, 1, 1, 3)
        );
        assert_eq!(f.take_up_rate.percent(), "33.33%");
    }

    #[test]
    fn a_power_is_not_taken_up_before_it_is_granted_and_a_bundle_joins_two_procedures() {
        let mut early = DelegatedPower::new(1, GrantLevel::City, " 施工许可 ");
        early.granted_on = Some(d("2023-06-01"));
        early.taken_up_on = Some(d("2023-05-01"));
        assert_eq!(
            early.settle(),
            Err(vec![DelegationFault::TakenUpBeforeGranted])
        );
        let mut old = DelegatedPower::new(1, GrantLevel::City, "");
        old.granted_on = Some(d("1900-01-01"));
        let faults = old.settle().unwrap_err();
        assert_eq!(
            faults.iter().map(|f| f.field()).collect::<Vec<_>>(),
            ["name", "granted_on"]
        );
        let one = ServiceBundle {
            procedures: split_list("营业执照"),
            ..ServiceBundle::new(1, "开办企业")
        };
        assert_eq!(one.settle(), Err(vec![DelegationFault::TooFewProcedures]));
        let twice = ServiceBundle {
            procedures: split_list("营业执照；营业执照"),
            ..ServiceBundle::new(1, "开办企业")
        };
        assert_eq!(
            twice.settle(),
            Err(vec![DelegationFault::RepeatedProcedure])
        );
    }
}
