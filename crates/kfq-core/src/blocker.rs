//! 堵点 — a problem holding a project back, with the person answerable and a deadline: the
//! blocker ledger (堵点台账) “列出时间表，建立台账，将责任落实到人”.

use chrono::NaiveDate;
use serde::Serialize;

use crate::coded::coded;
pub use crate::coded::Coded;
use crate::lang::Lang;

/// 问题类别 — what kind of problem it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum BlockerCategory {
    /// 用地
    Land,
    /// 资金
    Funding,
    /// 审批手续
    Approval,
    /// 水电气热
    Utilities,
    /// 施工
    Construction,
    /// 其他
    Other,
}

/// 办理状态 — where the blocker stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum BlockerStatus {
    /// 未解决
    Open,
    /// 推进中
    InProgress,
    /// 已解决（销号）
    Resolved,
    /// 无法解决
    CannotResolve,
}

/// 协调层级 — the level the blocker has been escalated to: the zone solves it, or the city, or
/// the province (the province's 百项堵点 list).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum BlockerLevel {
    Zone,
    City,
    Province,
}

coded!(BlockerCategory {
    Land => "land", "用地", "land";
    Funding => "funding", "资金", "funding";
    Approval => "approval", "审批手续", "approvals";
    Utilities => "utilities", "水电气热", "utilities";
    Construction => "construction", "施工", "construction";
    Other => "other", "其他", "other";
});

coded!(BlockerStatus {
    Open => "open", "未解决", "open";
    InProgress => "in_progress", "推进中", "in progress";
    Resolved => "resolved", "已解决", "resolved";
    CannotResolve => "cannot_resolve", "无法解决", "cannot be resolved";
});

coded!(BlockerLevel {
    Zone => "zone", "开发区", "zone";
    City => "city", "市级", "city";
    Province => "province", "省级", "province";
});

impl BlockerCategory {
    /// The kind a description most likely names, for ledgers that carry no 问题类别 column:
    /// the first kind one of whose words it contains, else 其他.
    pub fn guess(description: &str) -> BlockerCategory {
        const WORDS: &[(BlockerCategory, &[&str])] = &[
            (
                BlockerCategory::Land,
                &["用地", "土地", "征地", "拆迁", "地块", "规划"],
            ),
            (
                BlockerCategory::Funding,
                &["资金", "资本金", "融资", "贷款", "拨付"],
            ),
            (
                BlockerCategory::Approval,
                &[
                    "审批", "手续", "许可", "环评", "能评", "备案", "批复", "验收",
                ],
            ),
            (
                BlockerCategory::Utilities,
                &[
                    "电力",
                    "供电",
                    "用电",
                    "供水",
                    "管网",
                    "天然气",
                    "供气",
                    "供热",
                    "水电",
                ],
            ),
            (
                BlockerCategory::Construction,
                &["施工", "工期", "队伍", "进场"],
            ),
        ];
        WORDS
            .iter()
            .find(|(_, words)| words.iter().any(|w| description.contains(w)))
            .map_or(BlockerCategory::Other, |(kind, _)| *kind)
    }
}

impl BlockerStatus {
    /// Still to be worked on.
    pub fn is_open(self) -> bool {
        matches!(self, BlockerStatus::Open | BlockerStatus::InProgress)
    }
}

impl BlockerLevel {
    /// The level above, if any.
    pub fn above(self) -> Option<BlockerLevel> {
        match self {
            BlockerLevel::Zone => Some(BlockerLevel::City),
            BlockerLevel::City => Some(BlockerLevel::Province),
            BlockerLevel::Province => None,
        }
    }
}

/// A blocker in the ledger (堵点台账).
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
    /// 提出日期 — the day it was raised (unknown for blockers recorded before kfq kept it).
    pub raised_on: Option<NaiveDate>,
    pub category: BlockerCategory,
    pub status: BlockerStatus,
    pub level: BlockerLevel,
    /// 解决情况 — how it was resolved, or why it cannot be.
    pub resolution: String,
    /// Raised on every change: a save from an older version is refused.
    pub version: i64,
}

/// What a blocker's change got wrong, by field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BlockerFault {
    /// 问题描述 is empty.
    NoDescription,
    /// Resolved, or found impossible, without saying how or why.
    NoResolution,
    /// Resolved on a day in the future.
    ResolvedLater,
}

impl BlockerFault {
    pub fn field(&self) -> &'static str {
        match self {
            BlockerFault::NoDescription => "description",
            BlockerFault::NoResolution => "resolution",
            BlockerFault::ResolvedLater => "resolved_on",
        }
    }

    pub fn message(&self, lang: Lang) -> &'static str {
        match self {
            BlockerFault::NoDescription => lang.pick("请写明问题", "describe the problem"),
            BlockerFault::NoResolution => lang.pick(
                "销号或认定无法解决时，须写明解决情况或原因",
                "say how it was resolved, or why it cannot be",
            ),
            BlockerFault::ResolvedLater => lang.pick(
                "解决日期不能晚于今天",
                "the day it was resolved cannot be in the future",
            ),
        }
    }
}

impl Blocker {
    /// A new blocker on a project, open at the zone.
    pub fn new(project_id: i64, description: &str, category: BlockerCategory) -> Blocker {
        Blocker {
            id: 0,
            project_id,
            description: description.trim().to_string(),
            owner_unit: String::new(),
            owner: String::new(),
            due_on: None,
            resolved_on: None,
            raised_on: None,
            category,
            status: BlockerStatus::Open,
            level: BlockerLevel::Zone,
            resolution: String::new(),
            version: 1,
        }
    }

    /// Overdue: past its due date on `today` and still to be worked on.
    pub fn is_overdue(&self, today: NaiveDate) -> bool {
        self.status.is_open()
            && self.resolved_on.is_none()
            && self.due_on.is_some_and(|d| d < today)
    }

    /// Brings the dates in line with the status after a change made on `today`: a resolved
    /// blocker carries the day it was resolved, a reopened one none; and checks what a saved
    /// blocker must hold.
    pub fn settle(mut self, today: NaiveDate) -> Result<Blocker, Vec<BlockerFault>> {
        self.description = self.description.trim().to_string();
        self.resolution = self.resolution.trim().to_string();
        match self.status {
            BlockerStatus::Resolved => {
                self.resolved_on = Some(self.resolved_on.unwrap_or(today));
            }
            _ => self.resolved_on = None,
        }
        let mut faults = Vec::new();
        if self.description.is_empty() {
            faults.push(BlockerFault::NoDescription);
        }
        if !self.status.is_open() && self.resolution.is_empty() {
            faults.push(BlockerFault::NoResolution);
        }
        if self.resolved_on.is_some_and(|d| d > today) {
            faults.push(BlockerFault::ResolvedLater);
        }
        if faults.is_empty() {
            Ok(self)
        } else {
            Err(faults)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn blocker() -> Blocker {
        Blocker {
            owner_unit: "规划建设部".into(),
            owner: "王伟".into(),
            due_on: Some(d("2024-06-30")),
            ..Blocker::new(1, "用地指标未落实", BlockerCategory::Land)
        }
    }

    #[test]
    fn a_blocker_is_overdue_only_past_due_and_still_open() {
        let mut b = blocker();
        assert!(!b.is_overdue(d("2024-06-30")));
        assert!(b.is_overdue(d("2024-07-01")));
        b.status = BlockerStatus::InProgress;
        assert!(
            b.is_overdue(d("2024-07-01")),
            "being worked on is still overdue"
        );
        b.status = BlockerStatus::CannotResolve;
        assert!(!b.is_overdue(d("2024-08-01")));
        b.status = BlockerStatus::Resolved;
        b.resolved_on = Some(d("2024-07-15"));
        assert!(!b.is_overdue(d("2024-08-01")));
    }

    #[test]
    fn resolving_needs_a_word_on_how_and_dates_follow_the_status() {
        let today = d("2024-07-10");
        let mut b = blocker();
        b.status = BlockerStatus::Resolved;
        assert_eq!(
            b.clone().settle(today),
            Err(vec![BlockerFault::NoResolution])
        );
        b.resolution = "  市自然资源局调剂指标  ".into();
        let settled = b.settle(today).unwrap();
        assert_eq!(settled.resolved_on, Some(today));
        assert_eq!(settled.resolution, "市自然资源局调剂指标");
        let mut reopened = settled;
        reopened.status = BlockerStatus::Open;
        assert_eq!(reopened.settle(today).unwrap().resolved_on, None);
        let mut later = blocker();
        later.status = BlockerStatus::Resolved;
        later.resolution = "已解决".into();
        later.resolved_on = Some(d("2024-08-01"));
        assert_eq!(later.settle(today), Err(vec![BlockerFault::ResolvedLater]));
        let mut empty = Blocker::new(1, "  ", BlockerCategory::Other);
        empty.status = BlockerStatus::CannotResolve;
        assert_eq!(
            empty.settle(today),
            Err(vec![
                BlockerFault::NoDescription,
                BlockerFault::NoResolution
            ])
        );
    }

    #[test]
    fn codes_and_chinese_names_read_back_and_escalation_goes_up_to_the_province() {
        for c in BlockerCategory::ALL {
            assert_eq!(BlockerCategory::parse(c.code()), Some(*c));
            assert_eq!(BlockerCategory::parse(c.label(Lang::Zh)), Some(*c));
        }
        assert_eq!(
            BlockerStatus::parse("推进中"),
            Some(BlockerStatus::InProgress)
        );
        assert_eq!(
            BlockerCategory::guess("用地指标尚未落实"),
            BlockerCategory::Land
        );
        assert_eq!(
            BlockerCategory::guess("银行贷款审批滞后"),
            BlockerCategory::Funding
        );
        assert_eq!(
            BlockerCategory::guess("环评批复尚未取得"),
            BlockerCategory::Approval
        );
        assert_eq!(
            BlockerCategory::guess("配套电力线路未接入"),
            BlockerCategory::Utilities
        );
        assert_eq!(
            BlockerCategory::guess("冬季施工组织困难"),
            BlockerCategory::Construction
        );
        assert_eq!(
            BlockerCategory::guess("投资方战略调整"),
            BlockerCategory::Other
        );
        assert_eq!(BlockerLevel::Zone.above(), Some(BlockerLevel::City));
        assert_eq!(BlockerLevel::City.above(), Some(BlockerLevel::Province));
        assert_eq!(BlockerLevel::Province.above(), None);
    }
}
