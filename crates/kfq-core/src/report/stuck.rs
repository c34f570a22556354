//! 签约未落、落而未投、投未达效 — the three lists of stuck projects chased one by one.

use chrono::NaiveDate;
use serde::Serialize;

use crate::lang::Lang;
use crate::money::Amount;
use crate::stage::{Stage, StageDates};

/// A project as the stuck lists need it.
#[derive(Debug, Clone)]
pub struct StuckFact {
    pub code: String,
    pub name: String,
    pub zone: String,
    pub amount: Amount,
    pub dates: StageDates,
    pub terminated_on: Option<NaiveDate>,
}

/// The three ways a project can be stuck.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum StuckKind {
    /// 签约未落 — signed, not landed.
    SignedNotLanded,
    /// 落而未投 — landed, construction not started.
    LandedNotStarted,
    /// 投未达效 — producing, output target not reached.
    ProducingNotReached,
}

impl StuckKind {
    pub const ALL: [StuckKind; 3] = [
        StuckKind::SignedNotLanded,
        StuckKind::LandedNotStarted,
        StuckKind::ProducingNotReached,
    ];

    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            StuckKind::SignedNotLanded => lang.pick("签约未落", "signed, not landed"),
            StuckKind::LandedNotStarted => lang.pick("落而未投", "landed, not started"),
            StuckKind::ProducingNotReached => lang.pick("投未达效", "producing, below target"),
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            StuckKind::SignedNotLanded => "signed_not_landed",
            StuckKind::LandedNotStarted => "landed_not_started",
            StuckKind::ProducingNotReached => "producing_not_reached",
        }
    }

    pub fn parse(code: &str) -> Option<StuckKind> {
        StuckKind::ALL.into_iter().find(|k| k.code() == code)
    }

    /// Since when a project has been stuck this way by `as_of`, if it has for long enough.
    pub fn since(
        self,
        dates: &StageDates,
        terminated_on: Option<NaiveDate>,
        as_of: NaiveDate,
        thresholds: &StuckThresholds,
    ) -> Option<NaiveDate> {
        if dates.stage_as_of(as_of, terminated_on) != self.stage() {
            return None;
        }
        let (_, since) = dates.latest_by(as_of)?;
        ((as_of - since).num_days() >= thresholds.days(self)).then_some(since)
    }

    fn stage(self) -> Stage {
        match self {
            StuckKind::SignedNotLanded => Stage::Signed,
            StuckKind::LandedNotStarted => Stage::Landed,
            StuckKind::ProducingNotReached => Stage::Producing,
        }
    }
}

/// How long a project may stay in a stage before it counts as stuck (policy, configurable).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct StuckThresholds {
    pub signed_not_landed_days: i64,
    pub landed_not_started_days: i64,
    pub producing_not_reached_days: i64,
}

impl Default for StuckThresholds {
    /// Half a year to land or to start; a year to reach the target output.
    fn default() -> StuckThresholds {
        StuckThresholds {
            signed_not_landed_days: 180,
            landed_not_started_days: 180,
            producing_not_reached_days: 365,
        }
    }
}

impl StuckThresholds {
    pub fn uniform(days: i64) -> StuckThresholds {
        StuckThresholds {
            signed_not_landed_days: days,
            landed_not_started_days: days,
            producing_not_reached_days: days,
        }
    }

    fn days(&self, kind: StuckKind) -> i64 {
        match kind {
            StuckKind::SignedNotLanded => self.signed_not_landed_days,
            StuckKind::LandedNotStarted => self.landed_not_started_days,
            StuckKind::ProducingNotReached => self.producing_not_reached_days,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StuckItem {
    pub code: String,
    pub name: String,
    pub zone: String,
    pub amount_wan: Amount,
    /// The date of the stage the project is stuck in.
    pub since: NaiveDate,
    pub days: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StuckList {
    pub kind: StuckKind,
    pub name: String,
    pub min_days: i64,
    pub count: u64,
    pub amount_wan: Amount,
    pub items: Vec<StuckItem>,
}

/// The three lists, each sorted by amount (largest first), as of a date.
pub fn stuck_lists(
    facts: &[StuckFact],
    as_of: NaiveDate,
    thresholds: &StuckThresholds,
    lang: Lang,
) -> Vec<StuckList> {
    StuckKind::ALL
        .iter()
        .map(|&kind| {
            let min_days = thresholds.days(kind);
            let mut items: Vec<StuckItem> = facts
                .iter()
                .filter_map(|f| {
                    let since = kind.since(&f.dates, f.terminated_on, as_of, thresholds)?;
                    Some(StuckItem {
                        code: f.code.clone(),
                        name: f.name.clone(),
                        zone: f.zone.clone(),
                        amount_wan: f.amount,
                        since,
                        days: (as_of - since).num_days(),
                    })
                })
                .collect();
            items.sort_by(|a, b| b.amount_wan.cmp(&a.amount_wan).then(a.code.cmp(&b.code)));
            StuckList {
                kind,
                name: kind.label(lang).into(),
                min_days,
                count: items.len() as u64,
                amount_wan: items.iter().map(|i| i.amount_wan).sum(),
                items,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn fact(code: &str, wan: i64, dates: StageDates) -> StuckFact {
        StuckFact {
            code: code.into(),
            name: format!("{code}项目"),
            zone: "吕梁经济技术开发区".into(),
            amount: Amount::from_wan(wan),
            dates,
            terminated_on: None,
        }
    }

    #[test]
    fn projects_stuck_past_the_threshold_are_listed_by_amount() {
        let signed = |s: &str| StageDates {
            signed_on: Some(d(s)),
            ..Default::default()
        };
        let facts = [
            fact("A", 100, signed("2024-01-01")),
            fact("B", 900, signed("2024-02-01")),
            fact("C", 500, signed("2024-11-01")),
            fact(
                "D",
                700,
                StageDates {
                    signed_on: Some(d("2023-01-01")),
                    started_on: Some(d("2023-06-01")),
                    ..Default::default()
                },
            ),
        ];
        let lists = stuck_lists(
            &facts,
            d("2024-12-31"),
            &StuckThresholds::default(),
            Lang::Zh,
        );
        let codes: Vec<&str> = lists[0].items.iter().map(|i| i.code.as_str()).collect();
        assert_eq!(codes, ["B", "A"]);
        assert_eq!(lists[0].items[1].days, 365);
        assert_eq!(lists[0].name, "签约未落");
        assert!(lists[1].items.is_empty());
    }
}
