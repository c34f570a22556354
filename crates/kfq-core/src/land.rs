//! 标准地 — land a zone prepares with its control indicators set beforehand (投资强度, 亩均产值,
//! 亩均税收, 容积率), after the regional assessments are done, and sells (出让) to a project that
//! commits to them. The indicators are checked against the project: its investment over the
//! parcel's area once the land is sold, its expected output per 亩 once it reaches full output
//! (达产). A zone's figures come out as the seeds quote them: “标准地 76 宗 4146.29 亩”.

use chrono::NaiveDate;
use serde::{Serialize, Serializer};

use crate::lang::Lang;
use crate::meeting::plausible_day;
use crate::money::Amount;
use crate::project::{LandArea, Project};

/// 容积率 — floor area over land area, exact to 0.01.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct PlotRatio(i64);

impl PlotRatio {
    /// Parses `"1.2"`; more than two decimals or a negative value is refused.
    pub fn parse(text: &str) -> Option<PlotRatio> {
        LandArea::parse(text).map(|a| PlotRatio(a.hundredths()))
    }

    pub fn hundredths(self) -> i64 {
        self.0
    }

    pub fn from_hundredths(h: i64) -> PlotRatio {
        PlotRatio(h)
    }
}

impl std::fmt::Display for PlotRatio {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&crate::money::decimal_string(self.0, 100, None))
    }
}

impl Serialize for PlotRatio {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// 标准地 — one parcel with its control indicators, and the project it was sold to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StandardParcel {
    pub id: i64,
    pub zone_id: i64,
    /// 地块编号 — “JC-2023-07”.
    pub code: String,
    /// 坐落 — where it lies.
    pub location: String,
    /// 面积（亩）
    pub area: LandArea,
    /// 投资强度 — investment per 亩 the buyer must reach (万元/亩), at least.
    pub intensity: Option<Amount>,
    /// 亩均产值 — output per 亩 at full output (万元/亩), at least.
    pub output: Option<Amount>,
    /// 亩均税收 — tax per 亩 at full output (万元/亩), at least.
    pub tax: Option<Amount>,
    /// 容积率 — at least.
    pub plot_ratio: Option<PlotRatio>,
    /// The project it was sold to (its id, and its code for the books).
    pub project_id: Option<i64>,
    pub project_code: String,
    /// 出让日期
    pub allocated_on: Option<NaiveDate>,
    pub note: String,
    pub version: i64,
}

/// What a parcel's change got wrong, by field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LandFault {
    NoCode,
    /// No area, or none at all.
    NoArea,
    /// Sold on a day but to no project, or to a project on no day.
    SoldWithout(&'static str),
    /// A day before 1949 or after 2100.
    AllocatedWhen,
}

impl LandFault {
    pub fn field(self) -> &'static str {
        match self {
            LandFault::NoCode => "code",
            LandFault::NoArea => "area_mu",
            LandFault::SoldWithout(field) => field,
            LandFault::AllocatedWhen => "allocated_on",
        }
    }

    pub fn message(self, lang: Lang) -> &'static str {
        match self {
            LandFault::NoCode => lang.pick("请填写地块编号", "give the parcel's code"),
            LandFault::NoArea => {
                lang.pick("面积须大于零（亩）", "the area must be above zero (亩)")
            }
            LandFault::SoldWithout("project") => lang.pick(
                "已出让的地块须填写受让项目的项目编号",
                "a parcel sold names the project it was sold to",
            ),
            LandFault::SoldWithout(_) => lang.pick(
                "出让给项目的地块须填写出让日期",
                "a parcel sold to a project needs the day it was sold",
            ),
            LandFault::AllocatedWhen => lang.pick(
                "出让日期须在 1949 年至 2100 年之间",
                "the day sold must lie between 1949 and 2100",
            ),
        }
    }
}

/// How a sold parcel's project meets its indicators: None where it is not checked (yet).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct Compliance {
    /// 投资强度: the project's total investment ÷ the area, against the indicator.
    pub intensity: Option<bool>,
    /// 亩均产值: the project's expected output ÷ the area, once it reached full output.
    pub output: Option<bool>,
}

impl Compliance {
    /// Falls short of an indicator that is checked.
    pub fn short(self) -> bool {
        self.intensity == Some(false) || self.output == Some(false)
    }
}

/// `amount` ÷ `area` ≥ `per_mu`, in integers.
fn reaches(amount: Amount, area: LandArea, per_mu: Amount) -> bool {
    i128::from(amount.yuan()) * 100 >= i128::from(per_mu.yuan()) * i128::from(area.hundredths())
}

impl StandardParcel {
    pub fn new(zone_id: i64, code: &str, area: LandArea) -> StandardParcel {
        StandardParcel {
            id: 0,
            zone_id,
            code: code.trim().to_string(),
            location: String::new(),
            area,
            intensity: None,
            output: None,
            tax: None,
            plot_ratio: None,
            project_id: None,
            project_code: String::new(),
            allocated_on: None,
            note: String::new(),
            version: 1,
        }
    }

    /// Trims its texts; checks its area, and that a sale names both its project and its day.
    pub fn settle(mut self) -> Result<StandardParcel, Vec<LandFault>> {
        for text in [&mut self.code, &mut self.location, &mut self.note] {
            *text = text.trim().to_string();
        }
        let mut faults = Vec::new();
        if self.code.is_empty() {
            faults.push(LandFault::NoCode);
        }
        if self.area.hundredths() <= 0 {
            faults.push(LandFault::NoArea);
        }
        if self.allocated_on.is_some_and(|d| !plausible_day(d)) {
            faults.push(LandFault::AllocatedWhen);
        }
        match (self.project_id.is_some(), self.allocated_on.is_some()) {
            (true, false) => faults.push(LandFault::SoldWithout("allocated_on")),
            (false, true) => faults.push(LandFault::SoldWithout("project")),
            _ => {}
        }
        if faults.is_empty() {
            Ok(self)
        } else {
            Err(faults)
        }
    }

    /// Sold by the end of `as_of`.
    pub fn sold_by(&self, as_of: NaiveDate) -> bool {
        self.allocated_on.is_some_and(|d| d <= as_of)
    }

    /// How its project meets the indicators as of `as_of`: the investment intensity once sold,
    /// the output per 亩 once the project reached full output.
    pub fn compliance(&self, project: &Project, as_of: NaiveDate) -> Compliance {
        if !self.sold_by(as_of) || self.area.hundredths() <= 0 {
            return Compliance::default();
        }
        let reached = project.dates.reached_on.is_some_and(|d| d <= as_of);
        Compliance {
            intensity: self
                .intensity
                .map(|min| reaches(project.total_investment, self.area, min)),
            output: match (self.output, project.expected_output) {
                (Some(min), Some(output)) if reached => Some(reaches(output, self.area, min)),
                _ => None,
            },
        }
    }
}

/// A zone's (or region's) standard land over a period.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct LandFigures {
    /// 出让标准地 — parcels sold in the period (宗) and their area (亩).
    pub sold: usize,
    pub sold_area: LandArea,
    /// Parcels not sold by the end of the period, and their area.
    pub available: usize,
    pub available_area: LandArea,
    /// Parcels sold by the end whose project falls short of an indicator checked by then.
    pub short: usize,
}

/// The figures of `parcels` over `from..=to`, their projects found by id in `projects`.
pub fn figures<'a>(
    parcels: impl IntoIterator<Item = &'a StandardParcel>,
    projects: &std::collections::HashMap<i64, &Project>,
    from: NaiveDate,
    to: NaiveDate,
) -> LandFigures {
    let mut f = LandFigures {
        sold: 0,
        sold_area: LandArea::default(),
        available: 0,
        available_area: LandArea::default(),
        short: 0,
    };
    let add = |a: LandArea, b: LandArea| LandArea::from_hundredths(a.hundredths() + b.hundredths());
    for p in parcels {
        if p.allocated_on.is_some_and(|d| from <= d && d <= to) {
            f.sold += 1;
            f.sold_area = add(f.sold_area, p.area);
        }
        if !p.sold_by(to) {
            f.available += 1;
            f.available_area = add(f.available_area, p.area);
        } else if let Some(project) = p.project_id.and_then(|id| projects.get(&id)) {
            if p.compliance(project, to).short() {
                f.short += 1;
            }
        }
    }
    f
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::project::{Category, ProjectCode};
    use crate::stage::StageDates;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn project(total_wan: i64, output_wan: i64, reached: Option<&str>) -> Project {
        Project {
            id: 9,
            code: ProjectCode::parse("LL-9").unwrap(),
            name: "新材料项目".into(),
            zone_id: 1,
            enterprise_id: None,
            chain: String::new(),
            strategic_emerging: false,
            category: Category::Industrial,
            total_investment: Amount::from_wan(total_wan),
            expected_output: Some(Amount::from_wan(output_wan)),
            land_area: None,
            dates: StageDates {
                signed_on: Some(d("2023-01-10")),
                landed_on: Some(d("2023-03-01")),
                started_on: Some(d("2023-05-01")),
                producing_on: reached.map(d),
                reached_on: reached.map(d),
            },
            terminated_on: None,
            version: 1,
        }
    }

    fn parcel(area: &str, sold: Option<&str>) -> StandardParcel {
        let mut p = StandardParcel::new(1, "JC-01", LandArea::parse(area).unwrap());
        p.intensity = Some(Amount::from_wan(300));
        p.output = Some(Amount::from_wan(500));
        if let Some(day) = sold {
            p.allocated_on = Some(d(day));
            p.project_id = Some(9);
        }
        p
    }

    #[test]
    fn the_indicators_are_checked_against_the_project_once_sold_and_at_full_output() {
        let sold = parcel("100", Some("2023-03-01"));
        // 3亿 over 100 亩 is 300 万元/亩: it reaches the intensity exactly.
        let on_target = project(30_000, 40_000, None);
        assert_eq!(
            sold.compliance(&on_target, d("2023-12-31")),
            Compliance {
                intensity: Some(true),
                output: None
            }
        );
        let short = project(29_999, 40_000, Some("2024-06-01"));
        let c = sold.compliance(&short, d("2024-12-31"));
        assert_eq!((c.intensity, c.output), (Some(false), Some(false)));
        assert!(c.short());
        assert_eq!(
            sold.compliance(&short, d("2023-01-01")),
            Compliance::default(),
            "not sold yet"
        );
    }

    #[test]
    fn a_period_counts_parcels_sold_in_it_with_their_area_and_those_left() {
        let a = parcel("4146.29", Some("2023-05-01"));
        let b = parcel("10.5", Some("2022-12-31"));
        let c = parcel("20", None);
        let p = project(10_000, 10_000, None);
        let projects = std::collections::HashMap::from([(9, &p)]);
        let f = figures([&a, &b, &c], &projects, d("2023-01-01"), d("2023-12-31"));
        assert_eq!(
            (f.sold, f.sold_area.to_string()),
            (1, "4146.29".to_string())
        );
        assert_eq!(
            (f.available, f.available_area.to_string()),
            (1, "20".to_string())
        );
        assert_eq!(f.short, 1, "only the large one falls short of 300 万元/亩");
    }

    #[test]
    fn a_sale_names_its_project_and_its_day() {
        let mut p = StandardParcel::new(1, " ", LandArea::default());
        p.allocated_on = Some(d("2023-05-01"));
        let faults = p.settle().unwrap_err();
        assert_eq!(
            faults.iter().map(|f| f.field()).collect::<Vec<_>>(),
            ["code", "area_mu", "project"]
        );
        assert_eq!(
            PlotRatio::parse("1.2").map(|r| r.to_string()),
            Some("1.2".into())
        );
        assert_eq!(PlotRatio::parse("1.234"), None);
    }
}
