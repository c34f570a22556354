//! 堵点 — a problem holding a project back, with the person answerable and a deadline.

use chrono::NaiveDate;

/// A blocker in the ledger (堵点台账): “列出时间表，建立台账，将责任落实到人”.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Blocker {
    pub id: i64,
    pub project_id: i64,
    /// 问题描述
    pub description: String,
    /// 责任单位
    pub owner_unit: String,
    /// 责任人
    pub owner: String,
    /// 限办日期
    pub due_on: Option<NaiveDate>,
    /// 解决日期 — set when resolved (销号).
    pub resolved_on: Option<NaiveDate>,
}

impl Blocker {
    /// Overdue: past its due date on `today` and not resolved.
    pub fn is_overdue(&self, today: NaiveDate) -> bool {
        self.resolved_on.is_none() && self.due_on.is_some_and(|d| d < today)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_blocker_is_overdue_only_past_due_and_unresolved() {
        let d = |s: &str| s.parse::<NaiveDate>().unwrap();
        let mut b = Blocker {
            id: 1,
            project_id: 1,
            description: "用地指标未落实".into(),
            owner_unit: "规划建设部".into(),
            owner: "王伟".into(),
            due_on: Some(d("2024-06-30")),
            resolved_on: None,
        };
        assert!(!b.is_overdue(d("2024-06-30")));
        assert!(b.is_overdue(d("2024-07-01")));
        b.resolved_on = Some(d("2024-07-15"));
        assert!(!b.is_overdue(d("2024-08-01")));
    }
}
