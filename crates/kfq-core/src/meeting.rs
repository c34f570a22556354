//! 调度会 — the dispatch meeting (“周调度”) of a zone, a city or the province: an agenda of the
//! projects that need a decision, what was decided on each, and the minutes (纪要).

use chrono::NaiveDate;
use serde::Serialize;

use crate::blocker::{Blocker, BlockerLevel};
use crate::coded::coded;
pub use crate::coded::Coded;
use crate::lang::Lang;
use crate::money::Amount;
use crate::scope::Scope;

/// Why a project is on the agenda (上会事由).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AgendaReason {
    /// 堵点逾期 — a blocker past its due date.
    OverdueBlocker,
    /// 新增堵点 — a blocker raised since the last meeting.
    NewBlocker,
    /// 停滞 — 签约未落、落而未投 or 投未达效 for too long.
    Stuck,
    /// 滞后年度计划 — behind the share of its annual plan due by last month.
    BehindPlan,
    /// 临时增加 — put on the agenda by hand.
    Added,
}

coded!(AgendaReason {
    OverdueBlocker => "overdue_blocker", "堵点逾期", "overdue blocker";
    NewBlocker => "new_blocker", "新增堵点", "new blocker";
    Stuck => "stuck", "推进停滞", "stuck";
    BehindPlan => "behind_plan", "滞后年度计划", "behind annual plan";
    Added => "added", "临时增加", "added";
});

/// How reasons are stored: their codes, comma-separated, in order.
pub fn reasons_text(reasons: &[AgendaReason]) -> String {
    reasons
        .iter()
        .map(|r| r.code())
        .collect::<Vec<_>>()
        .join(",")
}

/// Reads stored reasons back; None when one is unknown.
pub fn reasons_parse(text: &str) -> Option<Vec<AgendaReason>> {
    text.split(',')
        .filter(|t| !t.is_empty())
        .map(AgendaReason::parse)
        .collect()
}

/// The level a meeting works at: the blockers escalated to it or above come before it.
pub fn level_of(scope: &Scope) -> BlockerLevel {
    match scope {
        Scope::Zone { .. } => BlockerLevel::Zone,
        Scope::City { .. } => BlockerLevel::City,
        Scope::Province { .. } | Scope::Country => BlockerLevel::Province,
    }
}

/// What the agenda needs to know of a project.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AgendaFact<'a> {
    pub project_id: i64,
    pub amount: Amount,
    /// The project's blockers (all of them; those below the meeting's level are passed over).
    pub blockers: Vec<&'a Blocker>,
    pub stuck: bool,
    pub behind_plan: bool,
}

/// A proposed agenda item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Proposal {
    pub project_id: i64,
    pub reasons: Vec<AgendaReason>,
}

/// At most this many items are proposed: a meeting gets through a few dozen projects.
pub const AGENDA_LIMIT: usize = 20;

/// 拟定议程 — the projects a meeting at `level` held on `held_on` should take, given blockers
/// raised on or after `since` count as new: those with overdue or new blockers at the meeting's
/// level or above, stuck ones and those behind plan. Overdue blockers first (the most first),
/// then by number of reasons, then the largest investment; at most [`AGENDA_LIMIT`].
pub fn propose(
    facts: &[AgendaFact],
    level: BlockerLevel,
    since: NaiveDate,
    held_on: NaiveDate,
) -> Vec<Proposal> {
    let mut ranked: Vec<(usize, &AgendaFact, Vec<AgendaReason>)> = facts
        .iter()
        .filter_map(|fact| {
            let before_us = || fact.blockers.iter().filter(|b| b.level >= level);
            let overdue = before_us().filter(|b| b.is_overdue(held_on)).count();
            let new = before_us().any(|b| {
                b.status.is_open() && b.raised_on.is_some_and(|d| d >= since && d <= held_on)
            });
            let reasons: Vec<AgendaReason> = [
                (overdue > 0, AgendaReason::OverdueBlocker),
                (new, AgendaReason::NewBlocker),
                (fact.stuck, AgendaReason::Stuck),
                (fact.behind_plan, AgendaReason::BehindPlan),
            ]
            .into_iter()
            .filter_map(|(yes, reason)| yes.then_some(reason))
            .collect();
            (!reasons.is_empty()).then_some((overdue, fact, reasons))
        })
        .collect();
    ranked.sort_by(|(oa, a, ra), (ob, b, rb)| {
        ob.cmp(oa)
            .then(rb.len().cmp(&ra.len()))
            .then(b.amount.cmp(&a.amount))
            .then(a.project_id.cmp(&b.project_id))
    });
    ranked
        .into_iter()
        .take(AGENDA_LIMIT)
        .map(|(_, fact, reasons)| Proposal {
            project_id: fact.project_id,
            reasons,
        })
        .collect()
}

/// A dispatch meeting.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Meeting {
    pub id: i64,
    /// Whose meeting: a zone, a city or the province, as a user's scope is stored.
    pub scope: String,
    pub level: BlockerLevel,
    /// 会议名称, e.g. 第 12 周项目调度会.
    pub title: String,
    /// 召开日期
    pub held_on: NaiveDate,
    /// 主持人
    pub chair: String,
    /// 参会单位
    pub attendees: String,
    /// 纪要已定稿: decisions can no longer change until it is reopened.
    pub closed: bool,
    pub version: i64,
}

/// An item on a meeting's agenda (议题) and what was decided (议定事项).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AgendaItem {
    pub id: i64,
    pub meeting_id: i64,
    pub project_id: i64,
    pub position: i64,
    pub reasons: Vec<AgendaReason>,
    pub decision: String,
    pub version: i64,
}

/// What a meeting's change got wrong.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MeetingFault {
    /// The minutes are final: reopen them first.
    Closed,
    /// Reopening minutes that are not final.
    NotClosed,
    /// The project is on the agenda already.
    OnAgenda,
}

impl MeetingFault {
    pub fn message(self, lang: Lang) -> &'static str {
        match self {
            MeetingFault::Closed => lang.pick(
                "会议纪要已定稿，不能再修改；如需修改请先重新打开",
                "the minutes are final: reopen them to change anything",
            ),
            MeetingFault::NotClosed => lang.pick("会议纪要尚未定稿", "the minutes are not final"),
            MeetingFault::OnAgenda => lang.pick(
                "该项目已在本次会议议程中",
                "the project is on this meeting's agenda already",
            ),
        }
    }
}

impl Meeting {
    /// Whether its agenda and decisions may still change.
    pub fn may_change(&self) -> Result<(), MeetingFault> {
        if self.closed {
            Err(MeetingFault::Closed)
        } else {
            Ok(())
        }
    }

    /// 纪要定稿
    pub fn close(self) -> Result<Meeting, MeetingFault> {
        self.may_change()?;
        Ok(Meeting {
            closed: true,
            ..self
        })
    }

    /// 重新打开
    pub fn reopen(self) -> Result<Meeting, MeetingFault> {
        if !self.closed {
            return Err(MeetingFault::NotClosed);
        }
        Ok(Meeting {
            closed: false,
            ..self
        })
    }
}

/// A day a meeting can be held on: kfq keeps meetings from 1949 to 2100 (a year typed wrong,
/// 0226 or 20266, is refused rather than stored).
pub fn plausible_day(day: NaiveDate) -> bool {
    use chrono::Datelike;
    (1949..=2100).contains(&day.year())
}

/// The default title of a meeting held on a day: 第 N 周项目调度会 (ISO week).
pub fn default_title(held_on: NaiveDate, lang: Lang) -> String {
    use chrono::Datelike;
    let week = held_on.iso_week().week();
    match lang {
        Lang::Zh => format!("{}年第{week}周项目调度会", held_on.year()),
        Lang::En => format!(
            "Project dispatch meeting, week {week} of {}",
            held_on.year()
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::blocker::{BlockerCategory, BlockerStatus};

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn blocker(due: &str, raised: &str, level: BlockerLevel) -> Blocker {
        Blocker {
            due_on: Some(d(due)),
            raised_on: Some(d(raised)),
            level,
            ..Blocker::new(1, "用地指标未落实", BlockerCategory::Land)
        }
    }

    fn fact(project_id: i64, wan: i64, blockers: Vec<&Blocker>) -> AgendaFact<'_> {
        AgendaFact {
            project_id,
            amount: Amount::from_yuan(wan * 10_000),
            blockers,
            stuck: false,
            behind_plan: false,
        }
    }

    #[test]
    fn the_agenda_takes_overdue_and_new_blockers_stuck_and_lagging_projects_most_overdue_first() {
        let held = d("2026-11-20");
        let since = d("2026-11-13");
        let overdue = blocker("2026-11-01", "2026-09-01", BlockerLevel::Zone);
        let overdue_too = blocker("2026-11-10", "2026-09-01", BlockerLevel::Zone);
        let fresh = blocker("2026-12-31", "2026-11-16", BlockerLevel::Zone);
        let old_not_due = blocker("2026-12-31", "2026-10-01", BlockerLevel::Zone);
        let mut resolved = overdue.clone();
        resolved.status = BlockerStatus::Resolved;
        resolved.resolved_on = Some(d("2026-11-02"));
        let facts = vec![
            fact(1, 100, vec![&old_not_due]),
            fact(2, 50, vec![&overdue]),
            fact(3, 10, vec![&overdue, &overdue_too]),
            fact(4, 900, vec![&fresh]),
            fact(5, 900, vec![&resolved]),
            AgendaFact {
                stuck: true,
                behind_plan: true,
                ..fact(6, 5, vec![])
            },
            AgendaFact {
                behind_plan: true,
                ..fact(7, 800, vec![])
            },
        ];
        let agenda = propose(&facts, BlockerLevel::Zone, since, held);
        let order: Vec<i64> = agenda.iter().map(|p| p.project_id).collect();
        assert_eq!(order, [3, 2, 6, 4, 7], "nothing to decide on 1 and 5");
        assert_eq!(agenda[0].reasons, [AgendaReason::OverdueBlocker]);
        assert_eq!(
            agenda[2].reasons,
            [AgendaReason::Stuck, AgendaReason::BehindPlan]
        );
        assert_eq!(agenda[3].reasons, [AgendaReason::NewBlocker]);
    }

    #[test]
    fn a_city_meeting_takes_only_blockers_escalated_to_it_and_the_agenda_is_capped() {
        let held = d("2026-11-20");
        let at_zone = blocker("2026-11-01", "2026-11-15", BlockerLevel::Zone);
        let at_city = blocker("2026-11-01", "2026-09-01", BlockerLevel::City);
        let at_province = blocker("2026-12-01", "2026-11-15", BlockerLevel::Province);
        let facts = vec![
            fact(1, 10, vec![&at_zone]),
            fact(2, 10, vec![&at_city]),
            fact(3, 10, vec![&at_province]),
        ];
        let city = propose(&facts, BlockerLevel::City, d("2026-11-13"), held);
        assert_eq!(
            city.iter().map(|p| p.project_id).collect::<Vec<_>>(),
            [2, 3]
        );
        let province = propose(&facts, BlockerLevel::Province, d("2026-11-13"), held);
        assert_eq!(
            province.iter().map(|p| p.project_id).collect::<Vec<_>>(),
            [3]
        );
        let many: Vec<AgendaFact> = (0..100)
            .map(|id| AgendaFact {
                stuck: true,
                ..fact(id, id, vec![])
            })
            .collect();
        let agenda = propose(&many, BlockerLevel::Zone, d("2026-11-13"), held);
        assert_eq!(agenda.len(), AGENDA_LIMIT);
        assert_eq!(agenda[0].project_id, 99, "the largest first");
    }

    #[test]
    fn final_minutes_change_only_after_reopening_and_reasons_read_back() {
        let meeting = Meeting {
            id: 1,
            scope: "zone:1".into(),
            level: BlockerLevel::Zone,
            title: default_title(d("2026-11-20"), Lang::Zh),
            held_on: d("2026-11-20"),
            chair: "张主任".into(),
            attendees: String::new(),
            closed: false,
            version: 1,
        };
        assert_eq!(meeting.title, "2026年第47周项目调度会");
        assert_eq!(meeting.clone().reopen(), Err(MeetingFault::NotClosed));
        let closed = meeting.close().unwrap();
        assert_eq!(closed.may_change(), Err(MeetingFault::Closed));
        assert_eq!(closed.clone().close(), Err(MeetingFault::Closed));
        assert!(closed.reopen().unwrap().may_change().is_ok());
        assert!(plausible_day(d("2026-11-20")));
        assert!(!plausible_day(d("0226-11-20")) && !plausible_day(d("+20266-11-20")));
        let reasons = [AgendaReason::OverdueBlocker, AgendaReason::BehindPlan];
        assert_eq!(
            reasons_parse(&reasons_text(&reasons)).as_deref(),
            Some(&reasons[..])
        );
        assert_eq!(reasons_parse(""), Some(vec![]));
        assert_eq!(reasons_parse("overdue_blocker,nonsense"), None);
    }
}
