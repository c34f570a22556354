//! 项目阶段 — the lifecycle of a project: signed → landed → started → producing → reached target.

use chrono::NaiveDate;
use serde::Serialize;

use crate::lang::{Lang, Localized};

/// A dated milestone of the lifecycle. The order of the variants is the order of the lifecycle.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Milestone {
    /// 签约 — the investment agreement is signed.
    Signed,
    /// 落地 — the project is physically committed (company registered, land, code).
    Landed,
    /// 开工 — the first permanent works have broken ground.
    Started,
    /// 投产 — built and handed over to production.
    Producing,
    /// 达产 — output reaches the designed or contracted level.
    Reached,
}

impl Milestone {
    pub const ALL: [Milestone; 5] = [
        Milestone::Signed,
        Milestone::Landed,
        Milestone::Started,
        Milestone::Producing,
        Milestone::Reached,
    ];

    /// The field that holds the milestone's date, in the ledger's JSON and the API.
    pub fn field(self) -> &'static str {
        match self {
            Milestone::Signed => "signed_on",
            Milestone::Landed => "landed_on",
            Milestone::Started => "started_on",
            Milestone::Producing => "producing_on",
            Milestone::Reached => "reached_on",
        }
    }

    pub fn from_field(field: &str) -> Option<Milestone> {
        Milestone::ALL.into_iter().find(|m| m.field() == field)
    }

    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            Milestone::Signed => lang.pick("签约", "signed"),
            Milestone::Landed => lang.pick("落地", "landed"),
            Milestone::Started => lang.pick("开工", "started"),
            Milestone::Producing => lang.pick("投产", "producing"),
            Milestone::Reached => lang.pick("达产", "reached target"),
        }
    }
}

/// Where a project stands: its latest dated milestone, or nothing yet, or terminated.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    /// 储备 — no milestone dated yet.
    Planned,
    Signed,
    Landed,
    Started,
    Producing,
    Reached,
    /// 终止 — the project was abandoned.
    Terminated,
}

impl Stage {
    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            Stage::Planned => lang.pick("储备", "planned"),
            Stage::Signed => lang.pick("已签约", "signed"),
            Stage::Landed => lang.pick("已落地", "landed"),
            Stage::Started => lang.pick("在建", "under construction"),
            Stage::Producing => lang.pick("已投产", "producing"),
            Stage::Reached => lang.pick("已达产", "reached target"),
            Stage::Terminated => lang.pick("已终止", "terminated"),
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Stage::Planned => "planned",
            Stage::Signed => "signed",
            Stage::Landed => "landed",
            Stage::Started => "started",
            Stage::Producing => "producing",
            Stage::Reached => "reached",
            Stage::Terminated => "terminated",
        }
    }
}

impl From<Milestone> for Stage {
    fn from(m: Milestone) -> Stage {
        match m {
            Milestone::Signed => Stage::Signed,
            Milestone::Landed => Stage::Landed,
            Milestone::Started => Stage::Started,
            Milestone::Producing => Stage::Producing,
            Milestone::Reached => Stage::Reached,
        }
    }
}

/// The dates of a project's milestones. Any of them may be unknown: real ledgers often omit
/// 签约 and 落地, and government-funded projects sign no agreement.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct StageDates {
    pub signed_on: Option<NaiveDate>,
    pub landed_on: Option<NaiveDate>,
    pub started_on: Option<NaiveDate>,
    pub producing_on: Option<NaiveDate>,
    pub reached_on: Option<NaiveDate>,
}

/// Two milestone dates out of order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("{later:?} on {later_on} is before {earlier:?} on {earlier_on}")]
pub struct OutOfOrder {
    pub earlier: Milestone,
    pub earlier_on: NaiveDate,
    pub later: Milestone,
    pub later_on: NaiveDate,
}

impl Localized for OutOfOrder {
    fn message(&self, lang: Lang) -> String {
        match lang {
            Lang::Zh => format!(
                "{}日期 {} 早于{}日期 {}",
                self.later.label(lang),
                self.later_on,
                self.earlier.label(lang),
                self.earlier_on
            ),
            Lang::En => format!(
                "the {} date {} is before the {} date {}",
                self.later.label(lang),
                self.later_on,
                self.earlier.label(lang),
                self.earlier_on
            ),
        }
    }
}

impl StageDates {
    pub fn get(&self, m: Milestone) -> Option<NaiveDate> {
        match m {
            Milestone::Signed => self.signed_on,
            Milestone::Landed => self.landed_on,
            Milestone::Started => self.started_on,
            Milestone::Producing => self.producing_on,
            Milestone::Reached => self.reached_on,
        }
    }

    pub fn set(&mut self, m: Milestone, date: Option<NaiveDate>) {
        let slot = match m {
            Milestone::Signed => &mut self.signed_on,
            Milestone::Landed => &mut self.landed_on,
            Milestone::Started => &mut self.started_on,
            Milestone::Producing => &mut self.producing_on,
            Milestone::Reached => &mut self.reached_on,
        };
        *slot = date;
    }

    /// The dates present must follow the lifecycle: signed ≤ landed ≤ started ≤ producing ≤ reached.
    /// Every pair out of order is reported, so a clerk sees all of a row's problems at once.
    pub fn check_order(&self) -> Vec<OutOfOrder> {
        let dated: Vec<(Milestone, NaiveDate)> = Milestone::ALL
            .iter()
            .filter_map(|&m| self.get(m).map(|d| (m, d)))
            .collect();
        let mut problems = Vec::new();
        for (i, &(later, later_on)) in dated.iter().enumerate() {
            // Only the nearest earlier milestone that is later in time is reported.
            if let Some(&(earlier, earlier_on)) =
                dated[..i].iter().rev().find(|(_, d)| *d > later_on)
            {
                problems.push(OutOfOrder {
                    earlier,
                    earlier_on,
                    later,
                    later_on,
                });
            }
        }
        problems
    }

    /// The latest dated milestone, if any.
    pub fn latest(&self) -> Option<(Milestone, NaiveDate)> {
        Milestone::ALL
            .iter()
            .rev()
            .find_map(|&m| self.get(m).map(|d| (m, d)))
    }

    /// The latest milestone dated on or before `as_of`.
    pub fn latest_by(&self, as_of: NaiveDate) -> Option<(Milestone, NaiveDate)> {
        Milestone::ALL
            .iter()
            .rev()
            .find_map(|&m| self.get(m).filter(|d| *d <= as_of).map(|d| (m, d)))
    }

    /// Whether milestone `m` was reached by `as_of`: the latest one dated on or before it.
    pub fn reached_by(&self, m: Milestone, as_of: NaiveDate) -> bool {
        self.get(m).is_some_and(|d| d <= as_of)
    }

    /// The stage as of a date: the latest milestone dated on or before it.
    pub fn stage_as_of(&self, as_of: NaiveDate, terminated_on: Option<NaiveDate>) -> Stage {
        if terminated_on.is_some_and(|t| t <= as_of) {
            return Stage::Terminated;
        }
        Milestone::ALL
            .iter()
            .rev()
            .find(|&&m| self.reached_by(m, as_of))
            .map_or(Stage::Planned, |&m| m.into())
    }
}

/// The stage of a project today: its latest dated milestone, unless it was terminated.
pub fn stage_of(dates: &StageDates, terminated_on: Option<NaiveDate>) -> Stage {
    if terminated_on.is_some() {
        return Stage::Terminated;
    }
    dates.latest().map_or(Stage::Planned, |(m, _)| m.into())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn the_stage_is_the_latest_dated_milestone_even_with_gaps() {
        let dates = StageDates {
            started_on: Some(d("2023-05-01")),
            ..Default::default()
        };
        assert_eq!(stage_of(&dates, None), Stage::Started);
        assert_eq!(stage_of(&StageDates::default(), None), Stage::Planned);
        assert_eq!(stage_of(&dates, Some(d("2024-01-01"))), Stage::Terminated);
    }

    #[test]
    fn dates_in_order_with_unknown_earlier_ones_are_fine() {
        let dates = StageDates {
            landed_on: None,
            signed_on: None,
            started_on: Some(d("2023-05-01")),
            producing_on: Some(d("2024-05-01")),
            reached_on: Some(d("2024-05-01")),
        };
        assert!(dates.check_order().is_empty());
    }

    #[test]
    fn a_milestone_before_an_earlier_one_is_reported_with_both_dates() {
        let dates = StageDates {
            signed_on: Some(d("2024-03-01")),
            started_on: Some(d("2024-01-01")),
            ..Default::default()
        };
        let problems = dates.check_order();
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].earlier, Milestone::Signed);
        assert_eq!(problems[0].later, Milestone::Started);
        assert_eq!(
            problems[0].message(Lang::Zh),
            "开工日期 2024-01-01 早于签约日期 2024-03-01"
        );
    }

    #[test]
    fn the_stage_as_of_a_date_ignores_later_milestones() {
        let dates = StageDates {
            signed_on: Some(d("2022-03-01")),
            started_on: Some(d("2023-06-01")),
            ..Default::default()
        };
        assert_eq!(dates.stage_as_of(d("2022-12-31"), None), Stage::Signed);
        assert_eq!(dates.stage_as_of(d("2023-06-01"), None), Stage::Started);
        assert_eq!(dates.stage_as_of(d("2021-01-01"), None), Stage::Planned);
    }
}
