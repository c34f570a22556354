//! “三个一批” — the quarterly rounds and the three batches each round announces.

use std::fmt;

use chrono::NaiveDate;
use serde::{Serialize, Serializer};

use crate::lang::{Lang, Localized};
use crate::money::Amount;
use crate::project::Category;
use crate::stage::{Milestone, StageDates};

/// A round of the activity: its year and its number in the year (第几次, 1–4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct RoundId {
    pub year: i32,
    pub seq: u8,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("not a round: expected 2024-4 or 2024年第四次")]
pub struct RoundIdError;

impl Localized for RoundIdError {
    fn message(&self, lang: Lang) -> String {
        lang.pick(
            "不是有效的活动，应写作“2024-4”或“2024年第四次”",
            "is not a round; write 2024-4 or 2024年第四次",
        )
        .into()
    }
}

const SEQ_NAMES: [&str; 4] = ["一", "二", "三", "四"];

impl RoundId {
    pub fn new(year: i32, seq: u8) -> Option<RoundId> {
        ((1..=4).contains(&seq) && (2000..=2100).contains(&year)).then_some(RoundId { year, seq })
    }

    /// Parses `2024-4` or `2024年第四次` (also `2024年第4次`, `2024年第四次“三个一批”`).
    pub fn parse(text: &str) -> Result<RoundId, RoundIdError> {
        let text = text.trim();
        if let Some((y, s)) = text.split_once('-') {
            let year = y.trim().parse().map_err(|_| RoundIdError)?;
            let seq = s.trim().parse().map_err(|_| RoundIdError)?;
            return RoundId::new(year, seq).ok_or(RoundIdError);
        }
        let (y, rest) = text.split_once('年').ok_or(RoundIdError)?;
        let year = y.trim().parse().map_err(|_| RoundIdError)?;
        let rest = rest.trim().strip_prefix('第').ok_or(RoundIdError)?;
        let (n, _) = rest.split_once('次').ok_or(RoundIdError)?;
        let seq = match SEQ_NAMES.iter().position(|s| *s == n) {
            Some(p) => p as u8 + 1,
            None => n.parse().map_err(|_| RoundIdError)?,
        };
        RoundId::new(year, seq).ok_or(RoundIdError)
    }

    /// The last day of the quarter the round belongs to: a batch entry needs its stage by then.
    pub fn quarter_end(self) -> NaiveDate {
        let (month, day) = match self.seq {
            1 => (3, 31),
            2 => (6, 30),
            3 => (9, 30),
            _ => (12, 31),
        };
        NaiveDate::from_ymd_opt(self.year, month, day).unwrap_or_default()
    }

    /// `2024年第四次`
    pub fn label(self, lang: Lang) -> String {
        match lang {
            Lang::Zh => format!(
                "{}年第{}次",
                self.year,
                SEQ_NAMES[usize::from(self.seq - 1)]
            ),
            Lang::En => format!("{} round {}", self.year, self.seq),
        }
    }
}

impl fmt::Display for RoundId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-{}", self.year, self.seq)
    }
}

impl Serialize for RoundId {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// A round as held: when and where (主会场), and whether its figures are locked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Round {
    pub id: RoundId,
    pub held_on: Option<NaiveDate>,
    pub venue: String,
    /// Locked once announced: its batch figures never change afterwards.
    pub locked: bool,
}

/// The three batches of a round.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum BatchKind {
    /// 签约一批
    Sign,
    /// 开工一批
    Start,
    /// 投产一批
    Produce,
}

impl BatchKind {
    pub const ALL: [BatchKind; 3] = [BatchKind::Sign, BatchKind::Start, BatchKind::Produce];

    pub fn parse(text: &str) -> Option<BatchKind> {
        match text.trim().trim_end_matches("一批") {
            "签约" | "sign" => Some(BatchKind::Sign),
            "开工" | "start" => Some(BatchKind::Start),
            "投产" | "produce" => Some(BatchKind::Produce),
            _ => None,
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            BatchKind::Sign => "sign",
            BatchKind::Start => "start",
            BatchKind::Produce => "produce",
        }
    }

    /// `签约` / `signed`
    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            BatchKind::Sign => lang.pick("签约", "sign"),
            BatchKind::Start => lang.pick("开工", "start"),
            BatchKind::Produce => lang.pick("投产", "produce"),
        }
    }

    /// The milestone a project must have reached to be in this batch.
    pub fn milestone(self) -> Milestone {
        match self {
            BatchKind::Sign => Milestone::Signed,
            BatchKind::Start => Milestone::Started,
            BatchKind::Produce => Milestone::Producing,
        }
    }

    /// The milestone that counts as conversion of this batch (签约→开工, 开工→投产, 投产→达产).
    pub fn next_milestone(self) -> Milestone {
        match self {
            BatchKind::Sign => Milestone::Started,
            BatchKind::Start => Milestone::Producing,
            BatchKind::Produce => Milestone::Reached,
        }
    }
}

/// A project's place in a batch, with its figures frozen as they were announced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BatchEntry {
    pub round: RoundId,
    pub batch: BatchKind,
    pub project_id: i64,
    /// The zone the project belonged to when enrolled.
    pub zone_id: i64,
    /// 总投资 (签约投资额 for the signing batch) at entry.
    pub amount: Amount,
    pub expected_output: Option<Amount>,
    pub strategic_emerging: bool,
    pub category: Category,
}

impl Round {
    /// The last day of the round's quarter: that of the day it was held, or of its number in
    /// the year when the day is not known (a year with fewer rounds may hold its 第二次 in Q3).
    pub fn quarter_end(&self) -> NaiveDate {
        match self.held_on {
            Some(d) => {
                use chrono::Datelike;
                let seq = ((d.month() - 1) / 3 + 1) as u8;
                RoundId {
                    year: d.year(),
                    seq,
                }
                .quarter_end()
            }
            None => self.id.quarter_end(),
        }
    }
}

/// Why a project cannot enter a batch.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EntryError {
    #[error("no {milestone:?} date")]
    MissingDate { milestone: Milestone },
    #[error("{milestone:?} on {date}, after the quarter ends on {quarter_end}")]
    TooLate {
        milestone: Milestone,
        date: NaiveDate,
        quarter_end: NaiveDate,
    },
}

impl Localized for EntryError {
    fn message(&self, lang: Lang) -> String {
        match (self, lang) {
            (EntryError::MissingDate { milestone }, Lang::Zh) => {
                format!(
                    "项目没有{}日期，不能列入{}一批",
                    milestone.label(lang),
                    milestone.label(lang)
                )
            }
            (EntryError::MissingDate { milestone }, Lang::En) => {
                format!("the project has no {} date", milestone.label(lang))
            }
            (
                EntryError::TooLate {
                    milestone,
                    date,
                    quarter_end,
                },
                Lang::Zh,
            ) => format!(
                "{}日期 {date} 晚于本次活动所在季度末 {quarter_end}",
                milestone.label(lang)
            ),
            (
                EntryError::TooLate {
                    milestone,
                    date,
                    quarter_end,
                },
                Lang::En,
            ) => format!(
                "the {} date {date} is after the round's quarter end {quarter_end}",
                milestone.label(lang)
            ),
        }
    }
}

/// A batch entry needs the matching stage date on or before the round's quarter end.
pub fn check_entry(round: &Round, batch: BatchKind, dates: &StageDates) -> Result<(), EntryError> {
    let milestone = batch.milestone();
    let date = dates
        .get(milestone)
        .ok_or(EntryError::MissingDate { milestone })?;
    let quarter_end = round.quarter_end();
    if date > quarter_end {
        return Err(EntryError::TooLate {
            milestone,
            date,
            quarter_end,
        });
    }
    Ok(())
}

/// An entry made at the ceremony may date the missing milestone on the round's day.
/// Returns the completed dates, or None when that would break the lifecycle order.
pub fn date_at_ceremony(round: &Round, batch: BatchKind, dates: &StageDates) -> Option<StageDates> {
    let held_on = round.held_on?;
    let milestone = batch.milestone();
    if dates.get(milestone).is_some() {
        return None;
    }
    let mut completed = *dates;
    completed.set(milestone, Some(held_on));
    completed.check_order().is_empty().then_some(completed)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn rounds_parse_in_both_notations() {
        let r = RoundId { year: 2024, seq: 4 };
        assert_eq!(RoundId::parse("2024-4"), Ok(r));
        assert_eq!(RoundId::parse("2024年第四次"), Ok(r));
        assert_eq!(RoundId::parse("2024年第4次"), Ok(r));
        assert_eq!(RoundId::parse("2024年第四次“三个一批”"), Ok(r));
        assert_eq!(RoundId::parse("2024-5"), Err(RoundIdError));
        assert_eq!(RoundId::parse("第四次"), Err(RoundIdError));
        assert_eq!(r.label(Lang::Zh), "2024年第四次");
        assert_eq!(r.to_string(), "2024-4");
        assert_eq!(r.quarter_end(), d("2024-12-31"));
    }

    #[test]
    fn an_entry_needs_its_stage_by_the_quarter_end() {
        let round = Round {
            id: RoundId { year: 2024, seq: 1 },
            held_on: None,
            venue: String::new(),
            locked: false,
        };
        let mut dates = StageDates::default();
        assert_eq!(
            check_entry(&round, BatchKind::Start, &dates),
            Err(EntryError::MissingDate {
                milestone: Milestone::Started
            })
        );
        dates.started_on = Some(d("2024-04-01"));
        assert!(matches!(
            check_entry(&round, BatchKind::Start, &dates),
            Err(EntryError::TooLate { .. })
        ));
        dates.started_on = Some(d("2024-03-31"));
        assert_eq!(check_entry(&round, BatchKind::Start, &dates), Ok(()));
    }

    #[test]
    fn a_round_held_later_in_the_year_uses_the_quarter_it_was_held_in() {
        let round = Round {
            id: RoundId { year: 2022, seq: 2 },
            held_on: Some(d("2022-08-26")),
            venue: String::new(),
            locked: false,
        };
        assert_eq!(round.quarter_end(), d("2022-09-30"));
    }

    #[test]
    fn the_ceremony_may_date_a_missing_milestone_unless_order_breaks() {
        let round = Round {
            id: RoundId { year: 2024, seq: 4 },
            held_on: Some(d("2024-11-26")),
            venue: "临汾侯马".into(),
            locked: false,
        };
        let dates = StageDates::default();
        let completed = date_at_ceremony(&round, BatchKind::Sign, &dates).unwrap();
        assert_eq!(completed.signed_on, Some(d("2024-11-26")));
        let landed_earlier = StageDates {
            landed_on: Some(d("2024-10-01")),
            ..Default::default()
        };
        assert_eq!(
            date_at_ceremony(&round, BatchKind::Sign, &landed_earlier),
            None
        );
    }

    #[test]
    fn batches_parse_with_or_without_yipi() {
        assert_eq!(BatchKind::parse("签约一批"), Some(BatchKind::Sign));
        assert_eq!(BatchKind::parse("开工"), Some(BatchKind::Start));
        assert_eq!(BatchKind::parse("produce"), Some(BatchKind::Produce));
        assert_eq!(BatchKind::parse("竣工"), None);
    }
}
