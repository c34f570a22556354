//! 提醒 — what kfq tells a user without being asked: an item falling due within
//! [`DUE_SOON_DAYS`], an item overdue, a monthly return sent back, a return awaiting review. Each
//! reminder has a key that names the item in the state it was found in, so a sweep repeated
//! finds it again instead of telling twice, and a new state (now overdue, sent back again) is a
//! new reminder. Reminders also leave by an outbox to a webhook, retried with a growing wait.

use chrono::NaiveDate;
use serde::Serialize;

use crate::coded::coded;
pub use crate::coded::Coded;
use crate::lang::Lang;

/// How many days ahead an item counts as falling due.
pub const DUE_SOON_DAYS: u64 = 3;

/// 提醒类别 — why the user is told.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ReminderKind {
    /// 即将到期 — due within [`DUE_SOON_DAYS`].
    DueSoon,
    /// 已逾期
    Overdue,
    /// 被退回 — a monthly return the level above sent back.
    Returned,
    /// 待审核 — a return submitted to the user's level.
    Review,
}

coded!(ReminderKind {
    DueSoon => "due_soon", "即将到期", "due soon";
    Overdue => "overdue", "已逾期", "overdue";
    Returned => "returned", "被退回", "sent back";
    Review => "review", "待审核", "to review";
});

impl ReminderKind {
    /// The kind of a dated item on `today`: overdue past its day, due soon within
    /// [`DUE_SOON_DAYS`] of it; nothing to tell otherwise.
    pub fn of_due(due_on: NaiveDate, today: NaiveDate) -> Option<ReminderKind> {
        let days = (due_on - today).num_days();
        if days < 0 {
            Some(ReminderKind::Overdue)
        } else if days <= DUE_SOON_DAYS as i64 {
            Some(ReminderKind::DueSoon)
        } else {
            None
        }
    }
}

/// The key of a reminder: the item (`blocker/17`), why, and the state it was found in (its due
/// date, a return's version), so the same state is told once.
pub fn key(item: &str, kind: ReminderKind, state: &str) -> String {
    format!("{item}/{}/{state}", kind.code())
}

/// Seconds to wait before the next try after `attempts` failed deliveries: `base`, doubled with
/// each failure, at most an hour. Delivery never gives up: what is acknowledged is not lost.
pub fn retry_after(attempts: i64, base: u64) -> u64 {
    let doubled = base
        .max(1)
        .saturating_mul(1u64 << attempts.clamp(1, 20).saturating_sub(1));
    doubled.min(3600)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn an_item_is_due_soon_within_three_days_and_overdue_after_its_day() {
        let today = d("2024-06-10");
        assert_eq!(ReminderKind::of_due(d("2024-06-14"), today), None);
        assert_eq!(
            ReminderKind::of_due(d("2024-06-13"), today),
            Some(ReminderKind::DueSoon)
        );
        assert_eq!(
            ReminderKind::of_due(today, today),
            Some(ReminderKind::DueSoon)
        );
        assert_eq!(
            ReminderKind::of_due(d("2024-06-09"), today),
            Some(ReminderKind::Overdue)
        );
    }

    #[test]
    fn a_new_state_is_a_new_key_and_retries_wait_longer_up_to_an_hour() {
        let soon = key("blocker/7", ReminderKind::DueSoon, "2024-06-12");
        assert_eq!(soon, "blocker/7/due_soon/2024-06-12");
        assert_ne!(soon, key("blocker/7", ReminderKind::Overdue, "2024-06-12"));
        assert_eq!(retry_after(1, 30), 30);
        assert_eq!(retry_after(2, 30), 60);
        assert_eq!(retry_after(4, 30), 240);
        assert_eq!(retry_after(40, 30), 3600);
        assert_eq!(retry_after(0, 0), 1);
    }
}
