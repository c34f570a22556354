//! 承诺制 — a project's owner commits in writing to meet the conditions of an approval (施工许可,
//! 环评, 能评, …) instead of waiting for it; the zone checks afterwards whether each commitment
//! was kept (事中事后监管). Each commitment item is a line of the zone's book; a region's figures
//! come out as the seeds quote them: “承诺制项目 143 个”, “新备案 50 个 100% 承诺制”.

use std::collections::HashSet;

use chrono::NaiveDate;
use serde::Serialize;

use crate::coded::coded;
pub use crate::coded::Coded;
use crate::lang::Lang;
use crate::meeting::plausible_day;
use crate::rates::Ratio;

/// 核查结果 — what the check after the fact found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CommitmentResult {
    /// 待核查
    Pending,
    /// 已履诺
    Kept,
    /// 未履诺
    Broken,
}

coded!(CommitmentResult {
    Pending => "pending", "待核查", "to be checked";
    Kept => "kept", "已履诺", "kept";
    Broken => "broken", "未履诺", "broken";
});

/// One commitment of a project.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Commitment {
    pub id: i64,
    pub zone_id: i64,
    pub project_id: i64,
    pub project_code: String,
    /// 承诺事项 — the approval committed to (施工许可, 环评, …).
    pub item: String,
    /// 承诺内容 — what the owner promised.
    pub content: String,
    /// 承诺日期 — the day the written commitment was filed.
    pub filed_on: NaiveDate,
    /// 履诺期限 — by when it must be kept.
    pub due_on: Option<NaiveDate>,
    /// 核查日期
    pub verified_on: Option<NaiveDate>,
    pub result: CommitmentResult,
    pub note: String,
    pub version: i64,
}

/// What a commitment's change got wrong, by field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CommitmentFault {
    NoProject,
    NoItem,
    /// A day before 1949 or after 2100 (the field named).
    When(&'static str),
    /// Due, or checked, before it was filed (the field named).
    BeforeFiled(&'static str),
    /// Found kept or broken without the day of the check.
    CheckedWhen,
    /// A day of the check, but found neither kept nor broken.
    NoFinding,
}

impl CommitmentFault {
    pub fn field(self) -> &'static str {
        match self {
            CommitmentFault::NoProject => "project",
            CommitmentFault::NoItem => "item",
            CommitmentFault::When(field) | CommitmentFault::BeforeFiled(field) => field,
            CommitmentFault::CheckedWhen => "verified_on",
            CommitmentFault::NoFinding => "result",
        }
    }

    pub fn message(self, lang: Lang) -> &'static str {
        match self {
            CommitmentFault::NoProject => lang.pick("请填写项目编号", "give the project's code"),
            CommitmentFault::NoItem => lang.pick("请填写承诺事项", "name what was committed to"),
            CommitmentFault::When(_) => lang.pick(
                "日期须在 1949 年至 2100 年之间",
                "the date must lie between 1949 and 2100",
            ),
            CommitmentFault::BeforeFiled(_) => {
                lang.pick("不能早于承诺日期", "it cannot be before the day filed")
            }
            CommitmentFault::CheckedWhen => lang.pick(
                "已核查（已履诺或未履诺）须填写核查日期",
                "a finding (kept or broken) needs the day of the check",
            ),
            CommitmentFault::NoFinding => lang.pick(
                "填写了核查日期，请选择核查结果：已履诺或未履诺",
                "a day of the check needs its finding: kept or broken",
            ),
        }
    }
}

impl Commitment {
    pub fn new(zone_id: i64, project_id: i64, item: &str, filed_on: NaiveDate) -> Commitment {
        Commitment {
            id: 0,
            zone_id,
            project_id,
            project_code: String::new(),
            item: item.trim().to_string(),
            content: String::new(),
            filed_on,
            due_on: None,
            verified_on: None,
            result: CommitmentResult::Pending,
            note: String::new(),
            version: 1,
        }
    }

    /// Trims its texts; checks its days are in order and the finding goes with its day.
    pub fn settle(mut self) -> Result<Commitment, Vec<CommitmentFault>> {
        for text in [&mut self.item, &mut self.content, &mut self.note] {
            *text = text.trim().to_string();
        }
        let mut faults = Vec::new();
        if self.project_id == 0 {
            faults.push(CommitmentFault::NoProject);
        }
        if self.item.is_empty() {
            faults.push(CommitmentFault::NoItem);
        }
        if !plausible_day(self.filed_on) {
            faults.push(CommitmentFault::When("filed_on"));
        }
        for (field, day) in [("due_on", self.due_on), ("verified_on", self.verified_on)] {
            match day {
                Some(d) if !plausible_day(d) => faults.push(CommitmentFault::When(field)),
                Some(d) if d < self.filed_on => faults.push(CommitmentFault::BeforeFiled(field)),
                _ => {}
            }
        }
        match (self.result, self.verified_on) {
            (CommitmentResult::Pending, Some(_)) => faults.push(CommitmentFault::NoFinding),
            (CommitmentResult::Kept | CommitmentResult::Broken, None) => {
                faults.push(CommitmentFault::CheckedWhen)
            }
            _ => {}
        }
        if faults.is_empty() {
            Ok(self)
        } else {
            Err(faults)
        }
    }

    /// Not checked by the end of `as_of`, though due by then.
    pub fn overdue(&self, as_of: NaiveDate) -> bool {
        let checked = self.verified_on.is_some_and(|d| d <= as_of);
        !checked && self.due_on.is_some_and(|d| d < as_of)
    }
}

/// A zone's (or region's) 承诺制 over a period.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct CommitmentFigures {
    /// 承诺制项目 — projects with a commitment filed in the period.
    pub projects: usize,
    /// Their commitments filed in the period.
    pub items: usize,
    /// Of all commitments, those found kept, or broken, by a check in the period.
    pub kept: usize,
    pub broken: usize,
    /// Those due and still not checked at the end of the period.
    pub overdue: usize,
    /// 新备案项目 — projects whose 项目备案 was accepted in the period…
    pub new_filings: usize,
    /// …of which under 承诺制 (a commitment filed by the end of the period).
    pub new_under_commitment: usize,
    /// 承诺制比例 — new_under_commitment ÷ new_filings, by count.
    pub commitment_rate: Ratio,
}

/// The figures of `items` over `from..=to`; `new_filings` are the projects whose 项目备案 was
/// accepted in the period.
pub fn figures<'a>(
    items: impl IntoIterator<Item = &'a Commitment>,
    new_filings: &HashSet<i64>,
    from: NaiveDate,
    to: NaiveDate,
) -> CommitmentFigures {
    let within = |d: NaiveDate| from <= d && d <= to;
    let mut projects = HashSet::new();
    let mut committed = HashSet::new();
    let mut f = CommitmentFigures {
        projects: 0,
        items: 0,
        kept: 0,
        broken: 0,
        overdue: 0,
        new_filings: new_filings.len(),
        new_under_commitment: 0,
        commitment_rate: Ratio::new(0, 0),
    };
    for c in items {
        if c.filed_on <= to {
            committed.insert(c.project_id);
        }
        if within(c.filed_on) {
            f.items += 1;
            projects.insert(c.project_id);
        }
        if c.verified_on.is_some_and(within) {
            match c.result {
                CommitmentResult::Kept => f.kept += 1,
                CommitmentResult::Broken => f.broken += 1,
                CommitmentResult::Pending => {}
            }
        }
        if c.filed_on <= to && c.overdue(to) {
            f.overdue += 1;
        }
    }
    f.projects = projects.len();
    f.new_under_commitment = new_filings.intersection(&committed).count();
    f.commitment_rate = Ratio::new(f.new_under_commitment as i64, f.new_filings as i64);
    f
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn a_finding_goes_with_its_day_and_no_day_comes_before_the_filing() {
        let mut c = Commitment::new(1, 7, "施工许可", d("2023-05-01"));
        c.due_on = Some(d("2023-04-01"));
        c.result = CommitmentResult::Kept;
        let faults = c.settle().unwrap_err();
        assert_eq!(
            faults.iter().map(|f| f.field()).collect::<Vec<_>>(),
            ["due_on", "verified_on"]
        );
        let mut c = Commitment::new(1, 7, "环评", d("2023-05-01"));
        c.verified_on = Some(d("2023-09-01"));
        assert_eq!(c.settle(), Err(vec![CommitmentFault::NoFinding]));
    }

    #[test]
    fn a_period_counts_projects_committed_checks_made_and_the_share_of_new_filings() {
        let mut permit = Commitment::new(1, 7, "施工许可", d("2023-05-01"));
        permit.due_on = Some(d("2023-08-01"));
        let mut assessment = Commitment::new(1, 7, "环评", d("2023-05-01"));
        assessment.verified_on = Some(d("2023-10-01"));
        assessment.result = CommitmentResult::Kept;
        let earlier = Commitment::new(1, 8, "能评", d("2022-11-01"));
        let new_filings = HashSet::from([7, 8, 9]);
        let f = figures(
            [&permit, &assessment, &earlier],
            &new_filings,
            d("2023-01-01"),
            d("2023-12-31"),
        );
        assert_eq!((f.projects, f.items, f.kept, f.overdue), (1, 2, 1, 1));
        assert_eq!((f.new_filings, f.new_under_commitment), (3, 2));
        assert_eq!(f.commitment_rate.percent(), "66.67%");
        assert!(
            !permit.overdue(d("2023-08-01")),
            "due that day, not overdue yet"
        );
    }
}
