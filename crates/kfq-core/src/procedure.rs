//! 审批事项与领办代办 — a project's checklist of approval procedures, each handled by a 代办员
//! from acceptance (受理) through submission (报审) to approval (办结), some under 承诺制; and
//! the figures a zone reports of it: “领办代办事项 559 件”, and the time each took.

use chrono::NaiveDate;
use serde::Serialize;

use crate::coded::coded;
pub use crate::coded::Coded;
use crate::lang::Lang;

/// The standard checklist, in the order a zone's industrial project meets it, until the
/// province sets its own.
pub const STANDARD: &[&str] = &[
    "项目备案",
    "用地预审与选址意见书",
    "建设用地规划许可证",
    "建设工程规划许可证",
    "环境影响评价",
    "节能审查",
    "施工许可证",
    "竣工验收备案",
];

/// A name a procedure may have: not empty, at most 50 characters, none of the characters that
/// would break the address of its page (`/ \ ? # %`, `.` or `..` alone) or a line.
pub fn valid_name(name: &str) -> bool {
    let name = name.trim();
    !name.is_empty()
        && name.chars().count() <= 50
        && !matches!(name, "." | "..")
        && !name.contains(['/', '\\', '?', '#', '%', '\n', '\r'])
}

/// Where a procedure stands, read from its dates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ProcedureStatus {
    /// 待办
    Pending,
    /// 已受理 — the agent has taken it on.
    Accepted,
    /// 已报审 — submitted to the approving department.
    Submitted,
    /// 已办结
    Approved,
}

coded!(ProcedureStatus {
    Pending => "pending", "待办", "pending";
    Accepted => "accepted", "已受理", "accepted";
    Submitted => "submitted", "已报审", "submitted";
    Approved => "approved", "已办结", "approved";
});

/// One procedure on a project's checklist.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Procedure {
    pub id: i64,
    pub project_id: i64,
    /// 事项名称
    pub name: String,
    /// 代办员 (username; empty: the owner handles it).
    pub agent: String,
    /// 受理日期
    pub accepted_on: Option<NaiveDate>,
    /// 报审日期
    pub submitted_on: Option<NaiveDate>,
    /// 办结日期
    pub approved_on: Option<NaiveDate>,
    /// 承诺制: approved on the owner's commitment, checked afterwards.
    pub commitment: bool,
    pub note: String,
    /// 0 while not stored.
    pub version: i64,
}

/// What a procedure's change got wrong, by field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProcedureFault {
    /// A later step dated without the earlier one, or before it.
    OutOfOrder(&'static str),
    /// A day in the future.
    Future(&'static str),
}

impl ProcedureFault {
    pub fn field(self) -> &'static str {
        match self {
            ProcedureFault::OutOfOrder(f) | ProcedureFault::Future(f) => f,
        }
    }

    pub fn message(self, lang: Lang) -> &'static str {
        match self {
            ProcedureFault::OutOfOrder(_) => lang.pick(
                "日期须依次为受理、报审、办结，且不早于前一步",
                "dates go accepted, submitted, approved, none before the one before",
            ),
            ProcedureFault::Future(_) => {
                lang.pick("日期不能晚于今天", "a date cannot be in the future")
            }
        }
    }
}

impl Procedure {
    pub fn status(&self) -> ProcedureStatus {
        if self.approved_on.is_some() {
            ProcedureStatus::Approved
        } else if self.submitted_on.is_some() {
            ProcedureStatus::Submitted
        } else if self.accepted_on.is_some() {
            ProcedureStatus::Accepted
        } else {
            ProcedureStatus::Pending
        }
    }

    /// 办理时长 — days from acceptance to approval, once approved.
    pub fn days(&self) -> Option<i64> {
        Some((self.approved_on? - self.accepted_on?).num_days())
    }

    /// Its dates in order (each step needs the one before, on or after it) and none after
    /// `today`.
    pub fn check(&self, today: NaiveDate) -> Result<(), Vec<ProcedureFault>> {
        let mut faults = Vec::new();
        for (field, day) in [
            ("accepted_on", self.accepted_on),
            ("submitted_on", self.submitted_on),
            ("approved_on", self.approved_on),
        ] {
            if day.is_some_and(|d| d > today) {
                faults.push(ProcedureFault::Future(field));
            }
        }
        let accepted = self.accepted_on;
        if let Some(submitted) = self.submitted_on {
            if accepted.is_none_or(|a| submitted < a) {
                faults.push(ProcedureFault::OutOfOrder("submitted_on"));
            }
        }
        if let Some(approved) = self.approved_on {
            if self.submitted_on.is_none_or(|s| approved < s) {
                faults.push(ProcedureFault::OutOfOrder("approved_on"));
            }
        }
        if faults.is_empty() {
            Ok(())
        } else {
            Err(faults)
        }
    }
}

/// 领办代办 figures over some procedures: those accepted in the period (件数), how many of them
/// were approved by its end, how many under 承诺制, and the average days from acceptance to
/// approval of those approved.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct AgencyFigures {
    pub handled: usize,
    pub approved: usize,
    pub commitment: usize,
    /// Average 办理时长 in days, to one decimal (none before the first approval).
    pub average_days: Option<String>,
}

/// The figures of the procedures accepted from `from` to `to`, both included.
pub fn figures<'a>(
    procedures: impl IntoIterator<Item = &'a Procedure>,
    from: NaiveDate,
    to: NaiveDate,
) -> AgencyFigures {
    let mut f = AgencyFigures::default();
    let mut days = 0i64;
    for p in procedures {
        if !p.accepted_on.is_some_and(|d| d >= from && d <= to) {
            continue;
        }
        f.handled += 1;
        f.commitment += usize::from(p.commitment);
        if let Some(d) = p.days().filter(|_| p.approved_on.is_some_and(|a| a <= to)) {
            f.approved += 1;
            days += d;
        }
    }
    if f.approved > 0 {
        // Tenths, rounded half up, in whole numbers: exact.
        let n = f.approved as i64;
        let tenths = (days * 20 + n) / (2 * n);
        f.average_days = Some(format!("{}.{}", tenths / 10, tenths % 10));
    }
    f
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn procedure(accepted: &str, approved: Option<&str>) -> Procedure {
        Procedure {
            name: "施工许可证".into(),
            accepted_on: Some(d(accepted)),
            submitted_on: approved.map(|_| d(accepted)),
            approved_on: approved.map(d),
            ..Procedure::default()
        }
    }

    #[test]
    fn names_that_would_break_an_address_are_not_names() {
        assert!(valid_name("施工许可证"));
        assert!(!valid_name("  "));
        assert!(!valid_name("消防设计审查/备案"));
        assert!(!valid_name("..") && !valid_name("a\\b"));
        assert!(!valid_name(&"审".repeat(51)));
    }

    #[test]
    fn status_and_time_taken_follow_the_dates_and_the_dates_keep_their_order() {
        let today = d("2026-11-20");
        let mut p = Procedure::default();
        assert_eq!(p.status(), ProcedureStatus::Pending);
        p.accepted_on = Some(d("2026-10-01"));
        assert_eq!(p.status(), ProcedureStatus::Accepted);
        p.submitted_on = Some(d("2026-10-10"));
        p.approved_on = Some(d("2026-10-21"));
        assert_eq!(p.status(), ProcedureStatus::Approved);
        assert_eq!(p.days(), Some(20));
        assert_eq!(p.check(today), Ok(()));
        p.approved_on = Some(d("2026-10-05"));
        assert_eq!(
            p.check(today),
            Err(vec![ProcedureFault::OutOfOrder("approved_on")])
        );
        p.approved_on = Some(d("2026-12-01"));
        assert_eq!(
            p.check(today),
            Err(vec![ProcedureFault::Future("approved_on")])
        );
        let unaccepted = Procedure {
            submitted_on: Some(d("2026-10-10")),
            ..Procedure::default()
        };
        assert_eq!(
            unaccepted.check(today),
            Err(vec![ProcedureFault::OutOfOrder("submitted_on")])
        );
    }

    #[test]
    fn a_period_counts_what_was_accepted_in_it_and_averages_the_approved_exactly() {
        let list = [
            procedure("2023-01-10", Some("2023-01-20")),
            procedure("2023-03-01", Some("2023-03-06")),
            Procedure {
                commitment: true,
                ..procedure("2023-12-31", None)
            },
            procedure("2022-12-31", Some("2023-01-05")),
        ];
        let f = figures(&list, d("2023-01-01"), d("2023-12-31"));
        assert_eq!(
            f,
            AgencyFigures {
                handled: 3,
                approved: 2,
                commitment: 1,
                average_days: Some("7.5".into()),
            }
        );
        assert_eq!(
            figures(&list[..0], d("2023-01-01"), d("2023-12-31")).average_days,
            None
        );
        let late = [procedure("2023-12-20", Some("2024-01-05"))];
        let f = figures(&late, d("2023-01-01"), d("2023-12-31"));
        assert_eq!(
            (f.handled, f.approved),
            (1, 0),
            "approved after the period's end"
        );
        let thirds = [
            procedure("2023-01-01", Some("2023-01-02")),
            procedure("2023-01-01", Some("2023-01-02")),
            procedure("2023-01-01", Some("2023-01-03")),
        ];
        assert_eq!(
            figures(&thirds, d("2023-01-01"), d("2023-12-31"))
                .average_days
                .as_deref(),
            Some("1.3"),
            "4/3 days"
        );
    }
}
