//! 一致性检查 — rules that catch figures an official could not defend: completed investment
//! above the total, a month far outside the project's own history, production without a start,
//! a batch figure that strays from the project's, a 开工一批 entry for a project that started
//! long before, a 战新 flag that flips between rounds. Each finding names its rule, its
//! figures and its projects.

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate};
use serde::Serialize;

use crate::duplicates::Candidate;
use crate::lang::Lang;
use crate::money::Amount;
use crate::monthly::MonthlyReport;
use crate::project::Project;
use crate::round::{BatchEntry, BatchKind, Round};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    Warning,
    Error,
}

/// One finding of one rule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    pub rule: &'static str,
    pub severity: Severity,
    /// The codes of the projects concerned.
    pub projects: Vec<String>,
    /// How sure the rule is, as a decimal string (for the similarity rules of later issues).
    pub score: Option<String>,
    pub evidence: String,
}

/// The rules' thresholds (policy; the defaults are argued in ARCHITECTURE.md).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CheckRules {
    /// A month counts as an outlier above this multiple of the project's median month…
    pub outlier_factor: i64,
    /// …and above this amount.
    pub outlier_floor: Amount,
    /// A batch entry strays when it differs from the project's total by more than this per cent.
    pub entry_tolerance_percent: i64,
    /// A 开工一批 entry is late when the project started at least this many quarters earlier.
    pub late_start_quarters: i32,
}

impl Default for CheckRules {
    fn default() -> CheckRules {
        CheckRules {
            outlier_factor: 5,
            outlier_floor: Amount::from_wan(1_000),
            entry_tolerance_percent: 20,
            late_start_quarters: 2,
        }
    }
}

pub const RULES: [&str; 8] = [
    "duplicate_project",
    "duplicate_sign_entry",
    "completed_above_total",
    "monthly_outlier",
    "producing_without_started",
    "entry_amount_differs",
    "late_start_enrolment",
    "strategic_flag_flips",
];

/// A rule's name as an official reads it.
pub fn rule_label(rule: &str, lang: Lang) -> &'static str {
    let (zh, en) = match rule {
        "duplicate_project" => ("疑似重复项目", "suspected duplicate"),
        "duplicate_sign_entry" => ("重复列入签约一批", "signed in two rounds"),
        "completed_above_total" => ("完成投资超总投资", "completed above total"),
        "monthly_outlier" => ("月度投资异常", "monthly outlier"),
        "producing_without_started" => ("未开工先投产", "producing, never started"),
        "entry_amount_differs" => ("批次投资额与项目不符", "batch amount differs"),
        "late_start_enrolment" => (
            "早已开工又列开工一批",
            "started long before its start batch",
        ),
        "strategic_flag_flips" => ("战新标识前后不一", "战新 flag flips"),
        _ => ("其他", "other"),
    };
    lang.pick(zh, en)
}

fn quarter_index(d: NaiveDate) -> i32 {
    d.year() * 4 + (d.month0() / 3) as i32
}

/// Runs every rule over the projects given (with their monthly figures and batch entries).
pub fn check(
    projects: &[Project],
    monthly: &[MonthlyReport],
    entries: &[BatchEntry],
    rounds: &[Round],
    rules: &CheckRules,
    lang: Lang,
) -> Vec<Finding> {
    let mut months: BTreeMap<i64, Vec<&MonthlyReport>> = BTreeMap::new();
    for m in monthly {
        months.entry(m.project_id).or_default().push(m);
    }
    let mut by_project: BTreeMap<i64, Vec<&BatchEntry>> = BTreeMap::new();
    for e in entries {
        by_project.entry(e.project_id).or_default().push(e);
    }
    let mut findings = Vec::new();
    for p in projects {
        let own = months.get(&p.id).map(Vec::as_slice).unwrap_or_default();
        let own_entries = by_project.get(&p.id).map(Vec::as_slice).unwrap_or_default();
        findings.extend(completed_above_total(p, own, lang));
        findings.extend(monthly_outlier(p, own, rules, lang));
        findings.extend(producing_without_started(p, lang));
        findings.extend(entry_amount_differs(p, own_entries, rules, lang));
        findings.extend(late_start_enrolment(p, own_entries, rounds, rules, lang));
        findings.extend(strategic_flag_flips(p, own_entries, lang));
        findings.extend(duplicate_sign_entry(p, own_entries, lang));
    }
    findings
}

/// `duplicate_project`: the projects suspected to be one project entered twice (see
/// [`crate::duplicates`]), one finding per pair, most alike first.
pub fn duplicate_projects(candidates: &[Candidate], lang: Lang) -> Vec<Finding> {
    crate::duplicates::suspected(candidates, lang)
        .found
        .into_iter()
        .map(|d| Finding {
            rule: "duplicate_project",
            severity: Severity::Warning,
            projects: vec![d.a, d.b],
            score: Some(crate::money::decimal_string(d.score, 1000, Some(2))),
            evidence: d.evidence,
        })
        .collect()
}

fn duplicate_sign_entry(p: &Project, entries: &[&BatchEntry], lang: Lang) -> Option<Finding> {
    let rounds: Vec<String> = entries
        .iter()
        .filter(|e| e.batch == BatchKind::Sign)
        .map(|e| e.round.to_string())
        .collect();
    (rounds.len() > 1).then(|| {
        let evidence = match lang {
            Lang::Zh => format!("在 {} 的签约一批中重复列入", rounds.join("、")),
            Lang::En => format!("in the signing batch of {} alike", rounds.join(", ")),
        };
        finding("duplicate_sign_entry", Severity::Warning, p, evidence)
    })
}

fn finding(rule: &'static str, severity: Severity, p: &Project, evidence: String) -> Finding {
    Finding {
        rule,
        severity,
        projects: vec![p.code.to_string()],
        score: None,
        evidence,
    }
}

fn completed_above_total(p: &Project, months: &[&MonthlyReport], lang: Lang) -> Option<Finding> {
    let completed: Amount = months.iter().map(|m| m.invested).sum();
    (completed > p.total_investment).then(|| {
        let evidence = match lang {
            Lang::Zh => format!(
                "累计完成投资 {} 万元，超过总投资 {} 万元",
                completed.wan_string(),
                p.total_investment.wan_string()
            ),
            Lang::En => format!(
                "completed {} (10k yuan), above the total investment of {}",
                completed.wan_string(),
                p.total_investment.wan_string()
            ),
        };
        finding("completed_above_total", Severity::Error, p, evidence)
    })
}

fn monthly_outlier(
    p: &Project,
    months: &[&MonthlyReport],
    rules: &CheckRules,
    lang: Lang,
) -> Vec<Finding> {
    if months.len() < 4 {
        return Vec::new();
    }
    let mut sorted: Vec<Amount> = months.iter().map(|m| m.invested).collect();
    sorted.sort();
    let median = sorted[sorted.len() / 2];
    months
        .iter()
        .filter(|m| {
            m.invested > rules.outlier_floor
                && m.invested.yuan() > median.yuan().saturating_mul(rules.outlier_factor)
        })
        .map(|m| {
            let evidence = match lang {
                Lang::Zh => format!(
                    "{} 完成投资 {} 万元，超过该项目月度中位数 {} 万元的 {} 倍",
                    m.month,
                    m.invested.wan_string(),
                    median.wan_string(),
                    rules.outlier_factor
                ),
                Lang::En => format!(
                    "{}: {} (10k yuan), more than {} times the project's median month of {}",
                    m.month,
                    m.invested.wan_string(),
                    rules.outlier_factor,
                    median.wan_string()
                ),
            };
            finding("monthly_outlier", Severity::Warning, p, evidence)
        })
        .collect()
}

fn producing_without_started(p: &Project, lang: Lang) -> Option<Finding> {
    let producing = p.dates.producing_on?;
    p.dates.started_on.is_none().then(|| {
        let evidence = match lang {
            Lang::Zh => format!("投产日期 {producing}，但没有开工日期"),
            Lang::En => format!("producing since {producing} with no start date"),
        };
        finding("producing_without_started", Severity::Warning, p, evidence)
    })
}

fn entry_amount_differs(
    p: &Project,
    entries: &[&BatchEntry],
    rules: &CheckRules,
    lang: Lang,
) -> Vec<Finding> {
    entries
        .iter()
        .filter(|e| {
            let diff = (e.amount.yuan() - p.total_investment.yuan()).abs();
            diff.saturating_mul(100) > p.total_investment.yuan().saturating_mul(rules.entry_tolerance_percent)
        })
        .map(|e| {
            let evidence = match lang {
                Lang::Zh => format!(
                    "{}{}一批列入金额 {} 万元，与项目总投资 {} 万元相差超过 {}%",
                    e.round.label(lang),
                    e.batch.label(lang),
                    e.amount.wan_string(),
                    p.total_investment.wan_string(),
                    rules.entry_tolerance_percent
                ),
                Lang::En => format!(
                    "entered in the {} batch of {} at {}, more than {}% off the total investment of {}",
                    e.batch.label(lang),
                    e.round,
                    e.amount.wan_string(),
                    rules.entry_tolerance_percent,
                    p.total_investment.wan_string()
                ),
            };
            finding("entry_amount_differs", Severity::Warning, p, evidence)
        })
        .collect()
}

fn late_start_enrolment(
    p: &Project,
    entries: &[&BatchEntry],
    rounds: &[Round],
    rules: &CheckRules,
    lang: Lang,
) -> Vec<Finding> {
    let Some(started) = p.dates.started_on else {
        return Vec::new();
    };
    entries
        .iter()
        .filter(|e| e.batch == BatchKind::Start)
        .filter_map(|e| {
            let round = rounds.iter().find(|r| r.id == e.round)?;
            let round_quarter = quarter_index(round.quarter_end());
            (round_quarter - quarter_index(started) >= rules.late_start_quarters).then(|| {
                let evidence = match lang {
                    Lang::Zh => format!(
                        "列入{}开工一批，但 {} 已开工，早于该次活动 {} 个季度以上",
                        round.id.label(lang),
                        started,
                        rules.late_start_quarters
                    ),
                    Lang::En => format!(
                        "in the start batch of {} although it started on {}, {} or more quarters earlier",
                        round.id, started, rules.late_start_quarters
                    ),
                };
                finding("late_start_enrolment", Severity::Warning, p, evidence)
            })
        })
        .collect()
}

fn strategic_flag_flips(p: &Project, entries: &[&BatchEntry], lang: Lang) -> Option<Finding> {
    let yes: Vec<String> = entries
        .iter()
        .filter(|e| e.strategic_emerging)
        .map(|e| e.round.to_string())
        .collect();
    let no: Vec<String> = entries
        .iter()
        .filter(|e| !e.strategic_emerging)
        .map(|e| e.round.to_string())
        .collect();
    (!yes.is_empty() && !no.is_empty()).then(|| {
        let evidence = match lang {
            Lang::Zh => format!("{} 列为战新，{} 未列为战新", yes.join("、"), no.join("、")),
            Lang::En => format!(
                "strategic emerging in {}, not in {}",
                yes.join(", "),
                no.join(", ")
            ),
        };
        finding("strategic_flag_flips", Severity::Warning, p, evidence)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::monthly::Month;
    use crate::project::{Category, ProjectCode};
    use crate::round::RoundId;
    use crate::stage::StageDates;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn project(wan: i64, dates: StageDates) -> Project {
        Project {
            id: 1,
            code: ProjectCode::parse("P-1").unwrap(),
            name: "测试项目".into(),
            zone_id: 1,
            enterprise_id: None,
            chain: String::new(),
            strategic_emerging: true,
            category: Category::Industrial,
            total_investment: Amount::from_wan(wan),
            expected_output: None,
            land_area: None,
            dates,
            terminated_on: None,
            version: 1,
        }
    }

    fn month(m: u32, wan: i64) -> MonthlyReport {
        MonthlyReport {
            project_id: 1,
            month: Month {
                year: 2024,
                month: m,
            },
            invested: Amount::from_wan(wan),
        }
    }

    fn entry(year: i32, seq: u8, batch: BatchKind, wan: i64, strategic: bool) -> BatchEntry {
        BatchEntry {
            round: RoundId { year, seq },
            batch,
            project_id: 1,
            zone_id: 1,
            amount: Amount::from_wan(wan),
            expected_output: None,
            strategic_emerging: strategic,
            category: Category::Industrial,
        }
    }

    fn rules_fired(
        p: &Project,
        monthly: &[MonthlyReport],
        entries: &[BatchEntry],
        rounds: &[Round],
    ) -> Vec<&'static str> {
        check(
            std::slice::from_ref(p),
            monthly,
            entries,
            rounds,
            &CheckRules::default(),
            Lang::Zh,
        )
        .iter()
        .map(|f| f.rule)
        .collect()
    }

    fn round(year: i32, seq: u8, held: &str) -> Round {
        Round {
            id: RoundId { year, seq },
            held_on: Some(d(held)),
            venue: String::new(),
            locked: true,
        }
    }

    #[test]
    fn completed_investment_above_the_total_is_an_error_and_equal_is_not() {
        let p = project(1000, StageDates::default());
        assert_eq!(
            rules_fired(&p, &[month(1, 600), month(2, 401)], &[], &[]),
            ["completed_above_total"]
        );
        assert!(rules_fired(&p, &[month(1, 600), month(2, 400)], &[], &[]).is_empty());
    }

    #[test]
    fn a_month_far_above_the_projects_own_months_is_an_outlier() {
        let p = project(1_000_000, StageDates::default());
        let normal = [
            month(1, 1000),
            month(2, 1200),
            month(3, 900),
            month(4, 1100),
        ];
        assert!(rules_fired(&p, &normal, &[], &[]).is_empty());
        let mut spiky = normal.to_vec();
        spiky.push(month(5, 9000));
        let found = check(&[p], &spiky, &[], &[], &CheckRules::default(), Lang::Zh);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].rule, "monthly_outlier");
        assert!(found[0].evidence.contains("2024-05"));
    }

    #[test]
    fn production_needs_a_start() {
        let producing = StageDates {
            producing_on: Some(d("2024-06-01")),
            ..Default::default()
        };
        assert_eq!(
            rules_fired(&project(1000, producing), &[], &[], &[]),
            ["producing_without_started"]
        );
        let both = StageDates {
            started_on: Some(d("2023-06-01")),
            ..producing
        };
        assert!(rules_fired(&project(1000, both), &[], &[], &[]).is_empty());
    }

    #[test]
    fn batch_figures_may_differ_from_the_project_only_within_the_tolerance() {
        let p = project(10_000, StageDates::default());
        let near = [entry(2024, 1, BatchKind::Sign, 11_900, true)];
        assert!(rules_fired(&p, &[], &near, &[]).is_empty());
        let far = [entry(2024, 1, BatchKind::Sign, 13_000, true)];
        assert_eq!(rules_fired(&p, &[], &far, &[]), ["entry_amount_differs"]);
    }

    #[test]
    fn a_start_batch_entry_for_a_project_started_two_quarters_before_is_late() {
        let started = StageDates {
            started_on: Some(d("2024-02-10")),
            ..Default::default()
        };
        let p = project(1000, started);
        let rounds = [round(2024, 2, "2024-05-24"), round(2024, 3, "2024-08-23")];
        let in_next_quarter = [entry(2024, 2, BatchKind::Start, 1000, true)];
        assert!(rules_fired(&p, &[], &in_next_quarter, &rounds).is_empty());
        let two_later = [entry(2024, 3, BatchKind::Start, 1000, true)];
        assert_eq!(
            rules_fired(&p, &[], &two_later, &rounds),
            ["late_start_enrolment"]
        );
    }

    #[test]
    fn a_project_signed_at_two_rounds_is_named_once() {
        let p = project(1000, StageDates::default());
        let once = [
            entry(2024, 1, BatchKind::Sign, 1000, true),
            entry(2024, 3, BatchKind::Start, 1000, true),
        ];
        assert!(rules_fired(&p, &[], &once, &[]).is_empty());
        let twice = [
            entry(2024, 1, BatchKind::Sign, 1000, true),
            entry(2024, 3, BatchKind::Sign, 1000, true),
        ];
        assert_eq!(rules_fired(&p, &[], &twice, &[]), ["duplicate_sign_entry"]);
    }

    #[test]
    fn a_strategic_flag_that_flips_between_rounds_is_named() {
        let p = project(1000, StageDates::default());
        let steady = [
            entry(2024, 1, BatchKind::Sign, 1000, true),
            entry(2024, 3, BatchKind::Start, 1000, true),
        ];
        assert!(rules_fired(&p, &[], &steady, &[]).is_empty());
        let flipped = [
            entry(2024, 1, BatchKind::Sign, 1000, true),
            entry(2024, 3, BatchKind::Start, 1000, false),
        ];
        let found = check(&[p], &[], &flipped, &[], &CheckRules::default(), Lang::Zh);
        assert_eq!(found[0].rule, "strategic_flag_flips");
        assert_eq!(found[0].evidence, "2024-1 列为战新，2024-3 未列为战新");
    }
}
