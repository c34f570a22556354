//! 月报报送 — a zone's monthly return (月统计): the zone fills each project's investment of the
//! month and its progress (形象进度) and submits; the city reviews and approves it or sends it back
//! with a comment; approved figures roll up to the province. After the deadline (a day of the next
//! month) a return not yet submitted locks; figures reported up are frozen — a change needs the
//! level above to reopen the month, and every approved revision stays on record.

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;

use crate::coded::coded;
pub use crate::coded::Coded;
use crate::lang::{Lang, Localized};
use crate::money::Amount;
use crate::monthly::Month;
use crate::project::Project;

/// 报送状态 — where a zone's return for a month stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ReturnStatus {
    /// 填报中 — the zone is filling it (never submitted, or reopened).
    Draft,
    /// 已报送 — waiting for the city's review.
    Submitted,
    /// 已退回 — sent back by the city with a comment, to be fixed and submitted again.
    Returned,
    /// 已审核 — approved: its figures count in the city's and province's totals.
    Approved,
}

coded!(ReturnStatus {
    Draft => "draft", "填报中", "being filled";
    Submitted => "submitted", "已报送", "submitted";
    Returned => "returned", "已退回", "returned";
    Approved => "approved", "已审核", "approved";
});

/// 报送环节 — a step of the cycle, as the history records it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Step {
    /// 报送 — the zone sends the month up.
    Submit,
    /// 审核通过 — the level above accepts it.
    Approve,
    /// 退回 — the level above sends it back, saying why.
    #[serde(rename = "return")]
    SendBack,
    /// 重新打开 — the level above opens it again.
    Reopen,
}

coded!(Step {
    Submit => "submit", "报送", "submitted";
    Approve => "approve", "审核通过", "approved";
    SendBack => "return", "退回", "sent back";
    Reopen => "reopen", "重新打开", "reopened";
});

/// What a return's figures may not undergo now, and why.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReturnFault {
    /// Submitted or approved figures are frozen.
    #[error("the return is {0:?}")]
    Frozen(ReturnStatus),
    /// Past the deadline and never opened again.
    #[error("locked since {0}")]
    Locked(NaiveDate),
    /// Only a submitted return is approved or sent back.
    #[error("not submitted")]
    NotSubmitted(ReturnStatus),
    /// Only an approved return, or one locked by the deadline, is reopened.
    #[error("cannot reopen")]
    NotReopenable(ReturnStatus),
    /// Sending back and reopening say why.
    #[error("a comment is required")]
    CommentRequired,
}

impl Localized for ReturnFault {
    fn message(&self, lang: Lang) -> String {
        match (self, lang) {
            (ReturnFault::Frozen(s), Lang::Zh) => format!(
                "本月月报{}，数据已冻结：如需修改，请由上级退回或重新打开。",
                s.label(lang)
            ),
            (ReturnFault::Frozen(s), Lang::En) => format!(
                "this month's return is {}: its figures are frozen until the level above sends it back or reopens it.",
                s.label(lang)
            ),
            (ReturnFault::Locked(d), Lang::Zh) => format!(
                "本月月报已于 {d} 截止并锁定：请由上级重新打开后再填报。"
            ),
            (ReturnFault::Locked(d), Lang::En) => format!(
                "this month's return closed on {d} and is locked: the level above must reopen it first."
            ),
            (ReturnFault::NotSubmitted(s), Lang::Zh) => {
                format!("本月月报{}，尚未报送，不能审核或退回。", s.label(lang))
            }
            (ReturnFault::NotSubmitted(s), Lang::En) => format!(
                "this month's return is {}, not submitted: there is nothing to approve or send back.",
                s.label(lang)
            ),
            (ReturnFault::NotReopenable(s), Lang::Zh) => format!(
                "本月月报{}：只有已审核或已截止锁定的月报才需要重新打开。",
                s.label(lang)
            ),
            (ReturnFault::NotReopenable(s), Lang::En) => format!(
                "this month's return is {}: only an approved return or one locked by the deadline is reopened.",
                s.label(lang)
            ),
            (ReturnFault::CommentRequired, _) => lang
                .pick(
                    "请填写意见（退回原因或重新打开的理由）。",
                    "write a comment: why it is sent back or reopened.",
                )
                .into(),
        }
    }
}

/// The day a month's return is due: `day` of the next month (the month's last day when the
/// next is shorter).
pub fn deadline(month: Month, day: u32) -> NaiveDate {
    let next = month.next();
    let day = day.clamp(1, 31);
    (1..=day)
        .rev()
        .find_map(|d| NaiveDate::from_ymd_opt(next.year, next.month, d))
        .unwrap_or(NaiveDate::MIN)
}

/// A zone's return for one month.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ZoneReturn {
    pub zone_id: i64,
    pub month: Month,
    pub status: ReturnStatus,
    /// How many times it has been approved (each approval freezes a revision of its figures).
    pub revision: i64,
    /// Opened again by the level above after it closed: editable past the deadline.
    pub reopened: bool,
    /// First submitted after the deadline (迟报).
    pub late: bool,
    pub submitted_at: Option<DateTime<Utc>>,
    pub submitted_by: String,
    pub reviewed_at: Option<DateTime<Utc>>,
    pub reviewed_by: String,
    /// The reviewer's comment: why it was sent back, or reopened.
    pub comment: String,
    /// 0 until first stored; a change from an older version is refused.
    pub version: i64,
}

impl ZoneReturn {
    /// A month nobody has touched yet.
    pub fn new(zone_id: i64, month: Month) -> ZoneReturn {
        ZoneReturn {
            zone_id,
            month,
            status: ReturnStatus::Draft,
            revision: 0,
            reopened: false,
            late: false,
            submitted_at: None,
            submitted_by: String::new(),
            reviewed_at: None,
            reviewed_by: String::new(),
            comment: String::new(),
            version: 0,
        }
    }

    /// Closed by the deadline: still a draft, never reopened, and `today` is past `due`.
    pub fn locked(&self, today: NaiveDate, due: NaiveDate) -> bool {
        self.status == ReturnStatus::Draft && !self.reopened && today > due
    }

    /// 未报 — past the deadline and never submitted.
    pub fn missing(&self, today: NaiveDate, due: NaiveDate) -> bool {
        self.submitted_at.is_none() && today > due
    }

    /// Whether the zone may change the figures now.
    pub fn may_fill(&self, today: NaiveDate, due: NaiveDate) -> Result<(), ReturnFault> {
        match self.status {
            ReturnStatus::Submitted | ReturnStatus::Approved => {
                Err(ReturnFault::Frozen(self.status))
            }
            _ if self.locked(today, due) => Err(ReturnFault::Locked(due)),
            _ => Ok(()),
        }
    }

    /// Whether the level above may approve it or send it back now: only once submitted.
    pub fn may_review(&self) -> Result<(), ReturnFault> {
        if self.status == ReturnStatus::Submitted {
            Ok(())
        } else {
            Err(ReturnFault::NotSubmitted(self.status))
        }
    }

    /// Whether the level above may reopen it now: approved, or locked by the deadline.
    pub fn may_reopen(&self, today: NaiveDate, due: NaiveDate) -> Result<(), ReturnFault> {
        if self.status == ReturnStatus::Approved || self.locked(today, due) {
            Ok(())
        } else {
            Err(ReturnFault::NotReopenable(self.status))
        }
    }

    /// 报送 — the zone sends the month up for review.
    pub fn submit(
        mut self,
        by: &str,
        at: DateTime<Utc>,
        due: NaiveDate,
    ) -> Result<ZoneReturn, ReturnFault> {
        self.may_fill(at.date_naive(), due)?;
        if self.submitted_at.is_none() {
            self.late = at.date_naive() > due;
        }
        self.status = ReturnStatus::Submitted;
        self.submitted_at = Some(at);
        self.submitted_by = by.into();
        Ok(self)
    }

    /// 审核通过 — the city accepts the figures; they are frozen as a new revision.
    pub fn approve(mut self, by: &str, at: DateTime<Utc>) -> Result<ZoneReturn, ReturnFault> {
        self.may_review()?;
        self.status = ReturnStatus::Approved;
        self.revision += 1;
        self.reopened = false;
        self.reviewed_at = Some(at);
        self.reviewed_by = by.into();
        self.comment.clear();
        Ok(self)
    }

    /// 退回 — the city sends the figures back to the zone, saying why.
    pub fn send_back(
        mut self,
        by: &str,
        at: DateTime<Utc>,
        comment: &str,
    ) -> Result<ZoneReturn, ReturnFault> {
        self.may_review()?;
        self.comment = required(comment)?;
        self.status = ReturnStatus::Returned;
        self.reviewed_at = Some(at);
        self.reviewed_by = by.into();
        Ok(self)
    }

    /// 重新打开 — the level above opens an approved month (its revision stays on record) or one
    /// locked by the deadline, for the zone to fill again.
    pub fn reopen(
        mut self,
        by: &str,
        at: DateTime<Utc>,
        due: NaiveDate,
        reason: &str,
    ) -> Result<ZoneReturn, ReturnFault> {
        self.may_reopen(at.date_naive(), due)?;
        self.comment = required(reason)?;
        self.status = ReturnStatus::Draft;
        self.reopened = true;
        self.reviewed_at = Some(at);
        self.reviewed_by = by.into();
        Ok(self)
    }
}

fn required(text: &str) -> Result<String, ReturnFault> {
    let text = text.trim();
    if text.is_empty() {
        Err(ReturnFault::CommentRequired)
    } else {
        Ok(text.into())
    }
}

/// Whether a project is reported in a month: under construction (施工) at some time in it —
/// started by its end, not yet producing and not terminated before its start.
pub fn reported_in(project: &Project, month: Month) -> bool {
    let Some(first) = NaiveDate::from_ymd_opt(month.year, month.month, 1) else {
        return false;
    };
    let last = deadline(month, 1).pred_opt().unwrap_or(first);
    let dates = &project.dates;
    dates.started_on.is_some_and(|d| d <= last)
        && dates.producing_on.is_none_or(|d| d >= first)
        && project.terminated_on.is_none_or(|d| d >= first)
}

/// 序时进度 — the share of the year's plan due by the end of `month`: plan × months elapsed / 12.
pub fn due_by(planned: Amount, month: Month) -> Amount {
    Amount::from_yuan(planned.yuan() * i64::from(month.month) / 12)
}

/// 滞后于年度计划 — completed this year (to `month`) short of what is due by then.
pub fn behind_plan(planned: Amount, completed: Amount, month: Month) -> bool {
    completed < due_by(planned, month)
}

/// 本年累计 — each project's investment completed in `month`'s year up to and including it.
pub fn year_to_date(
    monthly: &[crate::monthly::MonthlyReport],
    month: Month,
) -> std::collections::HashMap<i64, Amount> {
    let mut done = std::collections::HashMap::new();
    for r in monthly
        .iter()
        .filter(|r| r.month.year == month.year && r.month <= month)
    {
        *done.entry(r.project_id).or_insert(Amount::ZERO) += r.invested;
    }
    done
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn at(y: i32, m: u32, d: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(y, m, d, 9, 0, 0).single().unwrap()
    }

    fn october() -> Month {
        Month::new(2026, 10).unwrap()
    }

    #[test]
    fn a_month_is_due_on_its_day_of_the_next_month() {
        assert_eq!(
            deadline(october(), 10),
            NaiveDate::from_ymd_opt(2026, 11, 10).unwrap()
        );
        // January's return due on the 31st falls on February's last day.
        assert_eq!(
            deadline(Month::new(2026, 1).unwrap(), 31),
            NaiveDate::from_ymd_opt(2026, 2, 28).unwrap()
        );
        assert_eq!(
            deadline(Month::new(2026, 12).unwrap(), 5),
            NaiveDate::from_ymd_opt(2027, 1, 5).unwrap()
        );
    }

    #[test]
    fn the_cycle_runs_fill_submit_return_fix_approve_reopen() {
        let due = deadline(october(), 10);
        let r = ZoneReturn::new(7, october());
        assert_eq!(r.may_fill(due, due), Ok(()));
        let r = r.submit("zone", at(2026, 11, 3), due).unwrap();
        assert_eq!(r.status, ReturnStatus::Submitted);
        assert!(!r.late);
        assert_eq!(
            r.may_fill(due, due),
            Err(ReturnFault::Frozen(ReturnStatus::Submitted))
        );
        assert_eq!(
            r.clone().send_back("city", at(2026, 11, 4), "  "),
            Err(ReturnFault::CommentRequired)
        );
        let r = r
            .send_back("city", at(2026, 11, 12), "3 号项目投资偏大")
            .unwrap();
        assert_eq!(r.status, ReturnStatus::Returned);
        // Sent back after the deadline: the zone may still fix it, and is not late for that.
        assert_eq!(r.may_fill(at(2026, 11, 13).date_naive(), due), Ok(()));
        let r = r.submit("zone", at(2026, 11, 13), due).unwrap();
        assert!(!r.late, "first submitted on time");
        assert_eq!(
            r.clone().reopen("city", at(2026, 11, 14), due, "why"),
            Err(ReturnFault::NotReopenable(ReturnStatus::Submitted))
        );
        let r = r.approve("city", at(2026, 11, 14)).unwrap();
        assert_eq!((r.status, r.revision), (ReturnStatus::Approved, 1));
        assert_eq!(
            r.clone().approve("city", at(2026, 11, 14)),
            Err(ReturnFault::NotSubmitted(ReturnStatus::Approved))
        );
        let r = r
            .reopen("province", at(2026, 12, 1), due, "统计口径更正")
            .unwrap();
        assert_eq!(r.status, ReturnStatus::Draft);
        assert_eq!(r.may_fill(at(2026, 12, 1).date_naive(), due), Ok(()));
        let r = r
            .submit("zone", at(2026, 12, 2), due)
            .unwrap()
            .approve("city", at(2026, 12, 3))
            .unwrap();
        assert_eq!(r.revision, 2, "both revisions stay on record");
    }

    #[test]
    fn after_the_deadline_an_unsent_month_locks_and_shows_as_missing_until_reopened() {
        let due = deadline(october(), 10);
        let r = ZoneReturn::new(7, october());
        let after = at(2026, 11, 11);
        assert!(r.missing(after.date_naive(), due));
        assert!(!r.missing(due, due));
        assert_eq!(
            r.may_fill(after.date_naive(), due),
            Err(ReturnFault::Locked(due))
        );
        assert_eq!(
            r.clone().submit("zone", after, due),
            Err(ReturnFault::Locked(due))
        );
        let r = r.reopen("city", after, due, "补报").unwrap();
        let r = r.submit("zone", at(2026, 11, 12), due).unwrap();
        assert!(r.late, "迟报");
        assert!(!r.missing(after.date_naive(), due));
    }

    #[test]
    fn behind_plan_compares_with_the_share_of_the_year_elapsed() {
        let plan = Amount::from_wan(1200);
        let june = Month::new(2026, 6).unwrap();
        assert_eq!(due_by(plan, june), Amount::from_wan(600));
        assert!(behind_plan(plan, Amount::from_wan(599), june));
        assert!(!behind_plan(plan, Amount::from_wan(600), june));
        let report = |m: u32, wan: i64| crate::monthly::MonthlyReport {
            project_id: 1,
            month: Month::new(2026, m).unwrap(),
            invested: Amount::from_wan(wan),
        };
        let reports = [report(1, 100), report(6, 50), report(7, 999)];
        assert_eq!(year_to_date(&reports, june)[&1], Amount::from_wan(150));
        assert_eq!(
            Month::new(2026, 1).unwrap().previous().to_string(),
            "2025-12"
        );
    }
}
