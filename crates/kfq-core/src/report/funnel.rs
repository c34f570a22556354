//! 转化漏斗 — how the batches of several rounds converted to their next stage by a date.
//!
//! Published reports compute the rates on different bases (see `research/domain.md` §1.3), so
//! each rate is a definition — cohort, numerator and basis — and is printed with its formula.

use chrono::NaiveDate;
use serde::Serialize;

use crate::lang::Lang;
use crate::money::Amount;
use crate::project::Category;
use crate::rates::Ratio;
use crate::round::{BatchKind, RoundId};
use crate::stage::StageDates;

/// One batch entry of the cohort, with the project's milestones as known now.
#[derive(Debug, Clone, Copy)]
pub struct FunnelFact {
    pub batch: BatchKind,
    /// The investment frozen at entry.
    pub amount: Amount,
    pub category: Category,
    pub dates: StageDates,
    /// Investment the project completed up to the as-of date (sum of its monthly reports);
    /// read only for a converted entry whose rate counts completed investment, so a caller
    /// may leave it zero elsewhere.
    pub completed: Amount,
}

/// Which entries of a batch a rate is computed over.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Cohort {
    All,
    /// 产业类 only: 达产 makes sense only for projects that produce.
    Industrial,
}

/// What the amount of a converted entry is taken to be.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ConvertedAmount {
    /// The entry's frozen investment (开工项目总投资).
    EntryAmount,
    /// The investment the project completed by the as-of date (投产项目已完成投资).
    CompletedInvestment,
}

/// The definition of one batch's rate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct RateRule {
    pub cohort: Cohort,
    pub converted_amount: ConvertedAmount,
}

/// The definitions of the three rates. The defaults follow the 吕梁 report of January 2024:
/// 开工率 by the signed amount of started projects, 投产率 by the completed investment of producing
/// projects, 达产率 over 产业类 projects.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct FunnelRules {
    pub sign: RateRule,
    pub start: RateRule,
    pub produce: RateRule,
}

impl Default for FunnelRules {
    fn default() -> FunnelRules {
        FunnelRules {
            sign: RateRule {
                cohort: Cohort::All,
                converted_amount: ConvertedAmount::EntryAmount,
            },
            start: RateRule {
                cohort: Cohort::All,
                converted_amount: ConvertedAmount::CompletedInvestment,
            },
            produce: RateRule {
                cohort: Cohort::Industrial,
                converted_amount: ConvertedAmount::EntryAmount,
            },
        }
    }
}

impl FunnelRules {
    pub fn rule(&self, batch: BatchKind) -> RateRule {
        match batch {
            BatchKind::Sign => self.sign,
            BatchKind::Start => self.start,
            BatchKind::Produce => self.produce,
        }
    }
}

/// One batch kind across the rounds of the funnel.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FunnelStage {
    pub batch: BatchKind,
    /// 开工率 / 投产率 / 达产率
    pub rate_name: String,
    pub count: u64,
    pub amount_wan: Amount,
    pub cohort: Cohort,
    pub cohort_count: u64,
    pub cohort_amount_wan: Amount,
    pub converted_count: u64,
    pub converted_amount_wan: Amount,
    pub rate_by_amount: Ratio,
    pub rate_by_count: Ratio,
    pub formula_by_amount: String,
    pub formula_by_count: String,
}

/// The funnel across rounds `from..=to`, as of a date.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Funnel {
    pub region: String,
    pub name: String,
    pub from: RoundId,
    pub to: RoundId,
    pub as_of: NaiveDate,
    pub stages: Vec<FunnelStage>,
}

pub fn rate_name(batch: BatchKind, lang: Lang) -> &'static str {
    match batch {
        BatchKind::Sign => lang.pick("开工率", "start rate"),
        BatchKind::Start => lang.pick("投产率", "production rate"),
        BatchKind::Produce => lang.pick("达产率", "target rate"),
    }
}

/// Computes each batch's conversion by `as_of` under `rules`.
pub fn funnel_stages(
    facts: &[FunnelFact],
    as_of: NaiveDate,
    rules: &FunnelRules,
    lang: Lang,
) -> Vec<FunnelStage> {
    BatchKind::ALL
        .iter()
        .map(|&batch| stage(facts, batch, as_of, rules.rule(batch), lang))
        .collect()
}

fn stage(
    facts: &[FunnelFact],
    batch: BatchKind,
    as_of: NaiveDate,
    rule: RateRule,
    lang: Lang,
) -> FunnelStage {
    let entries: Vec<&FunnelFact> = facts.iter().filter(|f| f.batch == batch).collect();
    let in_cohort = |f: &&&FunnelFact| match rule.cohort {
        Cohort::All => true,
        Cohort::Industrial => f.category == Category::Industrial,
    };
    let cohort: Vec<&FunnelFact> = entries.iter().filter(in_cohort).copied().collect();
    let converted: Vec<&FunnelFact> = cohort
        .iter()
        .filter(|f| f.dates.reached_by(batch.next_milestone(), as_of))
        .copied()
        .collect();
    let cohort_amount: Amount = cohort.iter().map(|f| f.amount).sum();
    let converted_amount: Amount = converted
        .iter()
        .map(|f| match rule.converted_amount {
            ConvertedAmount::EntryAmount => f.amount,
            ConvertedAmount::CompletedInvestment => f.completed,
        })
        .sum();
    let (formula_by_amount, formula_by_count) = formulas(batch, rule, lang);
    FunnelStage {
        batch,
        rate_name: rate_name(batch, lang).into(),
        count: entries.len() as u64,
        amount_wan: entries.iter().map(|f| f.amount).sum(),
        cohort: rule.cohort,
        cohort_count: cohort.len() as u64,
        cohort_amount_wan: cohort_amount,
        converted_count: converted.len() as u64,
        converted_amount_wan: converted_amount,
        rate_by_amount: Ratio::new(converted_amount.yuan(), cohort_amount.yuan()),
        rate_by_count: Ratio::new(converted.len() as i64, cohort.len() as i64),
        formula_by_amount,
        formula_by_count,
    }
}

/// The formulas of a rate in words, printed beside every figure.
pub fn formulas(batch: BatchKind, rule: RateRule, lang: Lang) -> (String, String) {
    let name = rate_name(batch, lang);
    let next = batch.next_milestone().label(lang);
    let batch_label = batch.label(lang);
    match lang {
        Lang::Zh => {
            let cohort = match rule.cohort {
                Cohort::All => "",
                Cohort::Industrial => "产业类",
            };
            let numerator = match rule.converted_amount {
                ConvertedAmount::EntryAmount => format!("已{next}{cohort}项目列入时总投资"),
                ConvertedAmount::CompletedInvestment => {
                    format!("已{next}{cohort}项目截至统计日已完成投资")
                }
            };
            (
                format!("{name}（按金额）= {numerator} ÷ {batch_label}一批{cohort}项目总投资"),
                format!("{name}（按个数）= 已{next}{cohort}项目个数 ÷ {batch_label}一批{cohort}项目个数"),
            )
        }
        Lang::En => {
            let cohort = match rule.cohort {
                Cohort::All => "",
                Cohort::Industrial => "industrial ",
            };
            let numerator = match rule.converted_amount {
                ConvertedAmount::EntryAmount => {
                    format!("investment at entry of {cohort}projects {next} by the date")
                }
                ConvertedAmount::CompletedInvestment => {
                    format!("investment completed by the date of {cohort}projects {next}")
                }
            };
            (
                format!("{name} (by amount) = {numerator} ÷ investment of the {cohort}{batch_label} batch"),
                format!("{name} (by count) = {cohort}projects {next} by the date ÷ {cohort}projects in the {batch_label} batch"),
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn fact(batch: BatchKind, wan: i64, category: Category, next_on: Option<&str>) -> FunnelFact {
        let mut dates = StageDates::default();
        dates.set(batch.milestone(), Some(d("2022-06-01")));
        dates.set(batch.next_milestone(), next_on.map(d));
        FunnelFact {
            batch,
            amount: Amount::from_wan(wan),
            category,
            dates,
            completed: Amount::from_wan(wan / 2),
        }
    }

    #[test]
    fn the_start_rate_counts_signed_entries_started_by_the_date() {
        let facts = [
            fact(
                BatchKind::Sign,
                300,
                Category::Industrial,
                Some("2023-01-01"),
            ),
            fact(BatchKind::Sign, 100, Category::Social, Some("2024-01-01")),
        ];
        let stages = funnel_stages(&facts, d("2023-12-31"), &FunnelRules::default(), Lang::Zh);
        let sign = &stages[0];
        assert_eq!((sign.count, sign.converted_count), (2, 1));
        assert_eq!(sign.converted_amount_wan, Amount::from_wan(300));
        assert_eq!(sign.rate_by_amount.decimal(4).as_deref(), Some("0.7500"));
        assert_eq!(sign.rate_by_count.decimal(4).as_deref(), Some("0.5000"));
        assert_eq!(
            sign.formula_by_amount,
            "开工率（按金额）= 已开工项目列入时总投资 ÷ 签约一批项目总投资"
        );
    }

    #[test]
    fn the_production_rate_by_amount_uses_completed_investment() {
        let facts = [
            fact(
                BatchKind::Start,
                400,
                Category::Industrial,
                Some("2023-05-01"),
            ),
            fact(BatchKind::Start, 600, Category::Industrial, None),
        ];
        let stages = funnel_stages(&facts, d("2023-12-31"), &FunnelRules::default(), Lang::Zh);
        assert_eq!(stages[1].converted_amount_wan, Amount::from_wan(200));
        assert_eq!(
            stages[1].rate_by_amount.decimal(4).as_deref(),
            Some("0.2000")
        );
    }

    #[test]
    fn the_target_rate_is_over_industrial_projects_only() {
        let facts = [
            fact(
                BatchKind::Produce,
                100,
                Category::Industrial,
                Some("2023-05-01"),
            ),
            fact(BatchKind::Produce, 100, Category::Social, None),
        ];
        let stages = funnel_stages(&facts, d("2023-12-31"), &FunnelRules::default(), Lang::En);
        let produce = &stages[2];
        assert_eq!((produce.count, produce.cohort_count), (2, 1));
        assert_eq!(produce.rate_by_count.decimal(4).as_deref(), Some("1.0000"));
    }

    #[test]
    fn an_empty_batch_has_no_rate() {
        let stages = funnel_stages(&[], d("2023-12-31"), &FunnelRules::default(), Lang::Zh);
        assert_eq!(stages[0].rate_by_amount.decimal(4), None);
    }
}
