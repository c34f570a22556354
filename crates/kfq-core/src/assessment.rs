//! 目标任务 and 分类考核/综合考核 — each zone's annual targets on any indicator, its progress month
//! by month, and the ranking of zones within their class on a weighted set of indicators.
//!
//! An indicator is counted from the data (签约额, 新开工项目, 开工率, 完成投资, 逾期堵点, …) or
//! entered by the zone each month (规上工业增加值, 税收, … as the province lists them). A figure
//! is a decimal to four places in the indicator's unit (万元, 个, %).
//!
//! Scoring, for each indicator of a zone's class: with a target, the weight times the share of
//! the target reached (actual ÷ target; for an indicator where less is better, target ÷ actual),
//! capped (120% by default); without one, the weight times the zone's figure over the best in its
//! class (for less-is-better, the best over the zone's). The total ranks the class.

use std::collections::HashMap;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize, Serializer};

use crate::blocker::Blocker;
use crate::coded::coded;
pub use crate::coded::Coded;
use crate::lang::Lang;
use crate::monthly::{Month, MonthlyReport};
use crate::project::Project;
use crate::rates::Ratio;
use crate::zone::Zone;

/// A figure in its indicator's unit, exact to 0.0001.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default, Hash)]
pub struct Figure(i64);

const SCALE: i64 = 10_000;

impl Figure {
    pub fn from_units(n: i64) -> Figure {
        Figure(n * SCALE)
    }

    pub fn from_scaled(n: i64) -> Figure {
        Figure(n)
    }

    /// Rounded half up (away from zero) to `places` decimals (at most four).
    pub fn rounded(self, places: u32) -> Figure {
        let step = 10i64.pow(4u32.saturating_sub(places));
        Figure((self.0.abs() + step / 2) / step * step * self.0.signum())
    }

    pub fn scaled(self) -> i64 {
        self.0
    }

    /// Parses `"63"`, `"89.93"`, `"-2.5"`; more than four decimals, or beyond ±10¹² units, is
    /// refused.
    pub fn parse(text: &str) -> Option<Figure> {
        let text = text.trim().trim_end_matches('%');
        let (negative, digits) = match text.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, text),
        };
        let (int, frac) = digits.split_once('.').unwrap_or((digits, ""));
        let all_digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
        if int.is_empty() || !all_digits(int) || !all_digits(frac) || frac.len() > 4 {
            return None;
        }
        let frac = format!("{frac:0<4}").parse::<i64>().ok()?;
        let value = int
            .parse::<i64>()
            .ok()?
            .checked_mul(SCALE)?
            .checked_add(frac)?;
        if value > 1_000_000_000_000 * SCALE {
            return None;
        }
        Some(Figure(if negative { -value } else { value }))
    }

    /// `part ÷ whole` as a percentage figure, rounded half up to 0.0001 (None over nothing).
    pub fn percent(part: i64, whole: i64) -> Option<Figure> {
        if whole <= 0 {
            return None;
        }
        let (part, whole) = (i128::from(part), i128::from(whole));
        let scaled = (2 * part * 100 * i128::from(SCALE) + whole) / (2 * whole);
        i64::try_from(scaled).ok().map(Figure)
    }
}

impl std::fmt::Display for Figure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let sign = if self.0 < 0 { "-" } else { "" };
        let text = crate::money::decimal_string(self.0.saturating_abs(), SCALE, None);
        write!(f, "{sign}{text}")
    }
}

impl Serialize for Figure {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl std::ops::Add for Figure {
    type Output = Figure;
    fn add(self, other: Figure) -> Figure {
        Figure(self.0.saturating_add(other.0))
    }
}

/// An indicator counted from kfq's own data.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Counted {
    /// 签约额 (万元): total investment of the projects signed in the year.
    SignedAmount,
    /// 签约项目 (个)
    SignedCount,
    /// 新开工项目 (个)
    StartedCount,
    /// 新开工项目总投资 (万元)
    StartedAmount,
    /// 投产项目 (个)
    ProducingCount,
    /// 完成投资 (万元): the monthly figures of the year.
    CompletedInvestment,
    /// 开工率 (%): of the projects signed in the year, those started, by count.
    StartRate,
    /// 逾期堵点 (个): blockers past due and not resolved at the month's end; less is better.
    OverdueBlockers,
}

coded!(Counted {
    SignedAmount => "signed_amount", "签约额", "amount signed";
    SignedCount => "signed_count", "签约项目", "projects signed";
    StartedCount => "started_count", "新开工项目", "projects started";
    StartedAmount => "started_amount", "新开工项目总投资", "investment of projects started";
    ProducingCount => "producing_count", "投产项目", "projects in production";
    CompletedInvestment => "completed_investment", "完成投资", "investment completed";
    StartRate => "start_rate", "开工率", "start rate";
    OverdueBlockers => "overdue_blockers", "逾期堵点", "overdue blockers";
});

impl Counted {
    pub fn unit(self, lang: Lang) -> &'static str {
        match self {
            Counted::SignedAmount | Counted::StartedAmount | Counted::CompletedInvestment => {
                lang.pick("万元", "10k yuan")
            }
            Counted::StartRate => "%",
            _ => lang.pick("个", "projects"),
        }
    }
}

/// An indicator the zones enter month by month (the province lists them).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entered {
    /// `industrial_added_value`
    pub code: String,
    /// 规上工业增加值
    pub name: String,
    /// 万元
    pub unit: String,
}

/// The indicators zones enter unless the province lists others.
pub fn default_entered() -> Vec<Entered> {
    [
        ("industrial_added_value", "规上工业增加值", "万元"),
        ("tax_revenue", "税收收入", "万元"),
    ]
    .iter()
    .map(|(code, name, unit)| Entered {
        code: code.to_string(),
        name: name.to_string(),
        unit: unit.to_string(),
    })
    .collect()
}

/// An indicator as targets and the ranking name it: counted or entered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Indicator {
    pub code: String,
    pub name: String,
    pub unit: String,
    /// Less is better (逾期堵点).
    pub lower_is_better: bool,
    pub counted: Option<Counted>,
}

/// Every indicator: those counted, then those entered.
pub fn catalogue(entered: &[Entered], lang: Lang) -> Vec<Indicator> {
    let counted = Counted::ALL.iter().map(|c| Indicator {
        code: c.code().into(),
        name: c.label(lang).into(),
        unit: c.unit(lang).into(),
        lower_is_better: *c == Counted::OverdueBlockers,
        counted: Some(*c),
    });
    let entered = entered.iter().map(|e| Indicator {
        code: e.code.clone(),
        name: e.name.clone(),
        unit: e.unit.clone(),
        lower_is_better: false,
        counted: None,
    });
    counted.chain(entered).collect()
}

/// 年度目标 — a zone's target for an indicator in a year.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    pub id: i64,
    pub zone_id: i64,
    pub year: i32,
    pub indicator: String,
    pub value: Figure,
    pub note: String,
    pub version: i64,
}

/// 指标月报 — what a zone entered for an indicator in a month (the month's own figure).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnteredValue {
    pub id: i64,
    pub zone_id: i64,
    pub month: Month,
    pub indicator: String,
    pub value: Figure,
    pub note: String,
    pub version: i64,
}

/// What a target's or an entered figure's change got wrong, by field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TargetFault {
    /// Not an indicator of the catalogue (or, for a figure entered, one counted by kfq).
    UnknownIndicator,
    /// A year before 2000 or after 2100.
    Year,
    /// Less than nothing where it cannot be.
    Negative,
}

impl TargetFault {
    pub fn field(self) -> &'static str {
        match self {
            TargetFault::UnknownIndicator => "indicator",
            TargetFault::Year => "year",
            TargetFault::Negative => "value",
        }
    }

    pub fn message(self, lang: Lang) -> &'static str {
        match self {
            TargetFault::UnknownIndicator => lang.pick(
                "没有这个指标（或该指标由系统统计，不需填报）",
                "no such indicator (or kfq counts it: nothing to enter)",
            ),
            TargetFault::Year => lang.pick(
                "年度须在 2000 年至 2100 年之间",
                "the year must lie between 2000 and 2100",
            ),
            TargetFault::Negative => lang.pick("不能为负数", "it cannot be negative"),
        }
    }
}

impl Target {
    pub fn new(zone_id: i64, year: i32, indicator: &str) -> Target {
        Target {
            id: 0,
            zone_id,
            year,
            indicator: indicator.trim().to_string(),
            value: Figure::default(),
            note: String::new(),
            version: 1,
        }
    }

    /// Checks it names an indicator of the catalogue, a plausible year, no negative target.
    pub fn settle(mut self, catalogue: &[Indicator]) -> Result<Target, Vec<TargetFault>> {
        self.indicator = self.indicator.trim().to_string();
        self.note = self.note.trim().to_string();
        let mut faults = Vec::new();
        if !catalogue.iter().any(|i| i.code == self.indicator) {
            faults.push(TargetFault::UnknownIndicator);
        }
        if !(2000..=2100).contains(&self.year) {
            faults.push(TargetFault::Year);
        }
        if self.value.0 < 0 {
            faults.push(TargetFault::Negative);
        }
        if faults.is_empty() {
            Ok(self)
        } else {
            Err(faults)
        }
    }
}

impl EnteredValue {
    pub fn new(zone_id: i64, month: Month, indicator: &str) -> EnteredValue {
        EnteredValue {
            id: 0,
            zone_id,
            month,
            indicator: indicator.trim().to_string(),
            value: Figure::default(),
            note: String::new(),
            version: 1,
        }
    }

    /// Checks it names an entered indicator and a plausible month (a figure may be negative: a
    /// correction of the months before).
    pub fn settle(mut self, entered: &[Entered]) -> Result<EnteredValue, Vec<TargetFault>> {
        self.indicator = self.indicator.trim().to_string();
        self.note = self.note.trim().to_string();
        let mut faults = Vec::new();
        if !entered.iter().any(|e| e.code == self.indicator) {
            faults.push(TargetFault::UnknownIndicator);
        }
        if !(2000..=2100).contains(&self.month.year) {
            faults.push(TargetFault::Year);
        }
        if faults.is_empty() {
            Ok(self)
        } else {
            Err(faults)
        }
    }
}

/// A zone's data for counting its indicators.
pub struct ZoneFacts<'a> {
    pub projects: Vec<&'a Project>,
    pub monthly: Vec<&'a MonthlyReport>,
    pub blockers: Vec<&'a Blocker>,
    pub entered: Vec<&'a EnteredValue>,
}

fn last_day(month: Month) -> NaiveDate {
    crate::monthly_return::deadline(month, 1)
        .pred_opt()
        .unwrap_or(NaiveDate::MIN)
}

impl ZoneFacts<'_> {
    /// The indicator's figure for the year to the end of `month` (None where it has no value:
    /// a rate over nothing).
    pub fn measure(&self, indicator: &Indicator, month: Month) -> Option<Figure> {
        let start = NaiveDate::from_ymd_opt(month.year, 1, 1)?;
        let end = last_day(month);
        let within = |d: Option<NaiveDate>| d.is_some_and(|d| start <= d && d <= end);
        // 1 万元 is 10,000 元: a sum in 元 is the same sum in 万元 to four places.
        let to_wan = Figure;
        let Some(counted) = indicator.counted else {
            return Some(
                self.entered
                    .iter()
                    .filter(|e| e.indicator == indicator.code)
                    .filter(|e| e.month.year == month.year && e.month.month <= month.month)
                    .map(|e| e.value)
                    .fold(Figure::default(), |a, b| a + b),
            );
        };
        let signed: Vec<&&Project> = self
            .projects
            .iter()
            .filter(|p| within(p.dates.signed_on))
            .collect();
        let started = || self.projects.iter().filter(|p| within(p.dates.started_on));
        Some(match counted {
            Counted::SignedAmount => to_wan(signed.iter().map(|p| p.total_investment.yuan()).sum()),
            Counted::SignedCount => Figure::from_units(signed.len() as i64),
            Counted::StartedCount => Figure::from_units(started().count() as i64),
            Counted::StartedAmount => to_wan(started().map(|p| p.total_investment.yuan()).sum()),
            Counted::ProducingCount => Figure::from_units(
                self.projects
                    .iter()
                    .filter(|p| within(p.dates.producing_on))
                    .count() as i64,
            ),
            Counted::CompletedInvestment => to_wan(
                self.monthly
                    .iter()
                    .filter(|m| m.month.year == month.year && m.month.month <= month.month)
                    .map(|m| m.invested.yuan())
                    .sum(),
            ),
            Counted::StartRate => {
                let begun = signed
                    .iter()
                    .filter(|p| p.dates.started_on.is_some_and(|d| d <= end))
                    .count();
                return Figure::percent(begun as i64, signed.len() as i64);
            }
            Counted::OverdueBlockers => Figure::from_units(
                self.blockers
                    .iter()
                    .filter(|b| b.due_on.is_some_and(|d| d < end))
                    .filter(|b| match b.resolved_on {
                        Some(r) => r > end,
                        None => b.status.is_open(),
                    })
                    .count() as i64,
            ),
        })
    }
}

/// A class of zones assessed together, its indicators and their weights.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ZoneClass {
    pub name: String,
    /// The zones' levels (`national`, `provincial`); empty: any.
    #[serde(default)]
    pub levels: Vec<String>,
    /// The zones' kinds (`economic`, `high_tech`, …); empty: any.
    #[serde(default)]
    pub kinds: Vec<String>,
    pub indicators: Vec<Weighted>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Weighted {
    pub indicator: String,
    pub weight: i64,
}

/// 考核办法 — the classes, in order (a zone is in the first whose levels and kinds it matches),
/// the cap on a target's share reached (in percent), and the indicators zones enter.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Scheme {
    pub classes: Vec<ZoneClass>,
    pub cap_percent: i64,
    #[serde(default = "default_entered")]
    pub entered: Vec<Entered>,
}

impl Default for Scheme {
    fn default() -> Scheme {
        let set = |weights: &[(&str, i64)]| {
            weights
                .iter()
                .map(|(indicator, weight)| Weighted {
                    indicator: indicator.to_string(),
                    weight: *weight,
                })
                .collect()
        };
        let common = [
            ("signed_amount", 20),
            ("started_count", 15),
            ("start_rate", 15),
            ("completed_investment", 25),
            ("industrial_added_value", 15),
            ("overdue_blockers", 10),
        ];
        Scheme {
            classes: vec![
                ZoneClass {
                    name: "国家级开发区".into(),
                    levels: vec!["national".into()],
                    kinds: Vec::new(),
                    indicators: set(&common),
                },
                ZoneClass {
                    name: "省级开发区".into(),
                    levels: Vec::new(),
                    kinds: Vec::new(),
                    indicators: set(&common),
                },
            ],
            cap_percent: 120,
            entered: default_entered(),
        }
    }
}

/// What is wrong with a scheme the province gives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SchemeFault {
    NoClasses,
    /// An indicator not in the catalogue (named).
    UnknownIndicator(String),
    /// A weight of nothing or less.
    Weight(String),
    /// A cap under 100%.
    Cap,
}

impl SchemeFault {
    pub fn message(&self, lang: Lang) -> String {
        match (self, lang) {
            (SchemeFault::NoClasses, _) => lang
                .pick("考核办法至少要有一个类别", "the scheme needs a class")
                .into(),
            (SchemeFault::UnknownIndicator(i), Lang::Zh) => format!("没有指标“{i}”"),
            (SchemeFault::UnknownIndicator(i), Lang::En) => format!("no indicator '{i}'"),
            (SchemeFault::Weight(i), Lang::Zh) => format!("指标“{i}”的权重须大于零"),
            (SchemeFault::Weight(i), Lang::En) => format!("the weight of '{i}' must be above zero"),
            (SchemeFault::Cap, _) => lang
                .pick("完成率上限不能低于 100", "the cap cannot be under 100")
                .into(),
        }
    }
}

impl Scheme {
    pub fn check(&self) -> Result<(), SchemeFault> {
        if self.classes.is_empty() {
            return Err(SchemeFault::NoClasses);
        }
        let known = catalogue(&self.entered, Lang::Zh);
        for w in self.classes.iter().flat_map(|c| &c.indicators) {
            if !known.iter().any(|i| i.code == w.indicator) {
                return Err(SchemeFault::UnknownIndicator(w.indicator.clone()));
            }
            if w.weight <= 0 {
                return Err(SchemeFault::Weight(w.indicator.clone()));
            }
        }
        if self.cap_percent < 100 {
            return Err(SchemeFault::Cap);
        }
        Ok(())
    }

    /// The class a zone is assessed in.
    pub fn class_of(&self, zone: &Zone) -> Option<&ZoneClass> {
        self.classes.iter().find(|c| {
            (c.levels.is_empty() || c.levels.iter().any(|l| l == zone.level.code()))
                && (c.kinds.is_empty() || c.kinds.iter().any(|k| k == zone.kind.code()))
        })
    }
}

/// An indicator's part of a zone's score.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Part {
    pub indicator: String,
    pub weight: i64,
    pub actual: Option<Figure>,
    pub target: Option<Figure>,
    /// actual ÷ target (target ÷ actual where less is better), uncapped.
    pub completion: Option<Ratio>,
    /// Points earned, to 0.01.
    pub points: Figure,
}

/// A zone's line of its class's ranking.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Ranked {
    pub zone_id: i64,
    pub zone: String,
    pub rank: usize,
    pub total: Figure,
    pub parts: Vec<Part>,
}

/// A zone to rank: its figures and targets by indicator code.
pub struct Candidate {
    pub zone_id: i64,
    pub zone: String,
    pub actual: HashMap<String, Option<Figure>>,
    pub target: HashMap<String, Figure>,
}

/// `weight × share`, in scaled figures, where `share` = num ÷ den capped at `cap`%.
fn points(weight: i64, num: i64, den: i64, cap_percent: i64) -> Figure {
    if den <= 0 {
        return Figure::default();
    }
    let share = (i128::from(num) * 10_000 / i128::from(den)).min(i128::from(cap_percent) * 100);
    let scaled = i128::from(weight) * i128::from(SCALE) * share.max(0) / 10_000;
    // Points to 0.01: what a printed ranking shows and adds up.
    Figure((scaled / 100 * 100) as i64)
}

/// Ranks the candidates of one class on its indicators, the highest total first; equal totals
/// share a rank.
pub fn rank(
    class: &ZoneClass,
    cap_percent: i64,
    catalogue: &[Indicator],
    candidates: &[Candidate],
) -> Vec<Ranked> {
    let lower = |code: &str| {
        catalogue
            .iter()
            .any(|i| i.code == code && i.lower_is_better)
    };
    let mut ranked: Vec<Ranked> = candidates
        .iter()
        .map(|c| {
            let parts: Vec<Part> = class
                .indicators
                .iter()
                .map(|w| {
                    let actual = c.actual.get(&w.indicator).copied().flatten();
                    let target = c.target.get(&w.indicator).copied();
                    let less = lower(&w.indicator);
                    let (completion, earned) = match (actual, target) {
                        (Some(a), Some(t)) if less => {
                            let share = Ratio::new(t.0, a.0.max(0));
                            let full = a.0 <= t.0;
                            let earned = if full {
                                points(w.weight, 1, 1, 100)
                            } else {
                                points(w.weight, t.0, a.0, cap_percent)
                            };
                            (Some(share), earned)
                        }
                        (Some(a), Some(t)) => (
                            Some(Ratio::new(a.0, t.0)),
                            points(w.weight, a.0, t.0, cap_percent),
                        ),
                        (Some(a), None) => {
                            let figures = candidates
                                .iter()
                                .filter_map(|o| o.actual.get(&w.indicator).copied().flatten());
                            let earned = if less {
                                let best = figures.min().unwrap_or(a);
                                if a.0 <= 0 {
                                    points(w.weight, 1, 1, 100)
                                } else {
                                    points(w.weight, best.0, a.0, 100)
                                }
                            } else {
                                let best = figures.max().unwrap_or(a);
                                points(w.weight, a.0, best.0, 100)
                            };
                            (None, earned)
                        }
                        (None, _) => (None, Figure::default()),
                    };
                    Part {
                        indicator: w.indicator.clone(),
                        weight: w.weight,
                        actual,
                        target,
                        completion,
                        points: earned,
                    }
                })
                .collect();
            Ranked {
                zone_id: c.zone_id,
                zone: c.zone.clone(),
                rank: 0,
                total: parts
                    .iter()
                    .map(|p| p.points)
                    .fold(Figure::default(), |a, b| a + b),
                parts,
            }
        })
        .collect();
    ranked.sort_by(|a, b| b.total.cmp(&a.total).then(a.zone.cmp(&b.zone)));
    let mut previous: Option<(Figure, usize)> = None;
    for (i, r) in ranked.iter_mut().enumerate() {
        r.rank = match previous {
            Some((total, rank)) if total == r.total => rank,
            _ => i + 1,
        };
        previous = Some((r.total, r.rank));
    }
    ranked
}

#[cfg(test)]
mod tests {
    use super::*;

    fn candidate(name: &str, figures: &[(&str, i64)], targets: &[(&str, i64)]) -> Candidate {
        Candidate {
            zone_id: name.len() as i64,
            zone: name.into(),
            actual: figures
                .iter()
                .map(|(k, v)| (k.to_string(), Some(Figure::from_units(*v))))
                .collect(),
            target: targets
                .iter()
                .map(|(k, v)| (k.to_string(), Figure::from_units(*v)))
                .collect(),
        }
    }

    #[test]
    fn figures_keep_four_decimals_and_percentages_are_exact() {
        assert_eq!(
            Figure::parse("63").map(|f| f.to_string()),
            Some("63".into())
        );
        assert_eq!(
            Figure::parse("89.93%").map(|f| f.to_string()),
            Some("89.93".into())
        );
        assert_eq!(
            Figure::parse("-2.5").map(|f| f.to_string()),
            Some("-2.5".into())
        );
        assert_eq!(Figure::parse("1.23456"), None);
        assert_eq!(
            Figure::percent(108, 120).map(|f| f.to_string()),
            Some("90".into())
        );
        assert_eq!(
            Figure::percent(1, 3).map(|f| f.to_string()),
            Some("33.3333".into())
        );
        assert_eq!(Figure::percent(1, 0), None);
    }

    #[test]
    fn a_target_reached_earns_its_weight_capped_and_without_targets_the_best_sets_the_bar() {
        let class = ZoneClass {
            name: "省级".into(),
            levels: Vec::new(),
            kinds: Vec::new(),
            indicators: vec![
                Weighted {
                    indicator: "signed_amount".into(),
                    weight: 60,
                },
                Weighted {
                    indicator: "overdue_blockers".into(),
                    weight: 40,
                },
            ],
        };
        let cat = catalogue(&default_entered(), Lang::Zh);
        // 甲 signed 150 against 100 (capped at 120%: 72 points) and has no overdue blocker;
        // 乙 signed 50 against 100 (30) and has 4 where 甲 has 0; 丙 has no target: half the best.
        let candidates = [
            candidate(
                "甲",
                &[("signed_amount", 150), ("overdue_blockers", 0)],
                &[("signed_amount", 100)],
            ),
            candidate(
                "乙",
                &[("signed_amount", 50), ("overdue_blockers", 4)],
                &[("signed_amount", 100)],
            ),
            candidate("丙", &[("signed_amount", 75), ("overdue_blockers", 2)], &[]),
        ];
        let ranked = rank(&class, 120, &cat, &candidates);
        let line = |name: &str| ranked.iter().find(|r| r.zone == name).unwrap();
        assert_eq!(line("甲").total.to_string(), "112");
        assert_eq!(line("甲").rank, 1);
        assert_eq!(line("乙").parts[0].points.to_string(), "30");
        assert_eq!(
            line("乙").parts[1].points.to_string(),
            "0",
            "the best has none: 0 ÷ 4"
        );
        assert_eq!(
            line("丙").parts[0].points.to_string(),
            "30",
            "75 of the best 150"
        );
        assert_eq!(line("丙").parts[1].points.to_string(), "0");
        assert_eq!(
            line("乙").parts[0].completion.map(|c| c.percent()),
            Some("50.00%".into())
        );
    }

    #[test]
    fn a_scheme_names_known_indicators_with_weights() {
        assert_eq!(Scheme::default().check(), Ok(()));
        let mut s = Scheme::default();
        s.classes[0].indicators[0].indicator = "gdp".into();
        assert_eq!(s.check(), Err(SchemeFault::UnknownIndicator("gdp".into())));
        let s = Scheme {
            cap_percent: 90,
            ..Scheme::default()
        };
        assert_eq!(s.check(), Err(SchemeFault::Cap));
    }
}
