//! 包联责任 — who answers for a project: the leader in charge (包联领导), the responsible
//! person (A角) and the stand-in (B角) who takes the work while the A角 is away, and the
//! approval agent (代办员).

use serde::Serialize;

use crate::access::Role;
use crate::coded::coded;
pub use crate::coded::Coded;
use crate::lang::Lang;

/// A duty a person holds on a project.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Duty {
    /// 包联领导
    Leader,
    /// A角 — the responsible person.
    ARole,
    /// B角 — the stand-in.
    BRole,
    /// 代办员 — handles the project's approvals.
    Agent,
}

coded!(Duty {
    Leader => "leader", "包联领导", "leader in charge";
    ARole => "a_role", "A角", "responsible (A)";
    BRole => "b_role", "B角", "stand-in (B)";
    Agent => "agent", "代办员", "approval agent";
});

impl Duty {
    /// Whether an account of this role may hold the duty: 包联领导 are leaders or the staff of
    /// a zone, city or province; A角 and B角 the staff who do the work; 代办员 agents or zone
    /// staff.
    pub fn may_hold(self, role: Role) -> bool {
        match self {
            Duty::Leader => matches!(
                role,
                Role::Leader | Role::Zone | Role::City | Role::Province
            ),
            Duty::ARole | Duty::BRole => {
                matches!(role, Role::Zone | Role::Department | Role::City)
            }
            Duty::Agent => matches!(role, Role::Agent | Role::Zone | Role::Department),
        }
    }
}

/// 待办事项 — what kind of thing falls due in a user's work.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DueKind {
    /// 堵点 — a blocker overdue or due soon.
    Blocker,
    /// 月统计报送 — the zone's monthly return to submit.
    MonthlyReturn,
    /// 月统计审核 — a zone's monthly return to review.
    Review,
}

coded!(DueKind {
    Blocker => "blocker", "堵点", "blocker";
    MonthlyReturn => "monthly_return", "月统计报送", "monthly return";
    Review => "review", "月统计审核", "review";
});

/// A project's assignment: each duty's holder by username (empty: nobody).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct Assignment {
    pub project_id: i64,
    pub leader: String,
    pub a_role: String,
    pub b_role: String,
    pub agent: String,
    /// 0 while none is stored.
    pub version: i64,
}

/// What an assignment got wrong.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AssignmentFault {
    /// The same person as A角 and B角: nobody would stand in.
    SameAB,
}

impl AssignmentFault {
    pub fn message(self, lang: Lang) -> &'static str {
        match self {
            AssignmentFault::SameAB => lang.pick(
                "A角与B角不能是同一人",
                "the A and B roles cannot be the same person",
            ),
        }
    }
}

impl Assignment {
    /// The holder of a duty.
    pub fn holder(&self, duty: Duty) -> &str {
        match duty {
            Duty::Leader => &self.leader,
            Duty::ARole => &self.a_role,
            Duty::BRole => &self.b_role,
            Duty::Agent => &self.agent,
        }
    }

    pub fn set(&mut self, duty: Duty, username: &str) {
        let slot = match duty {
            Duty::Leader => &mut self.leader,
            Duty::ARole => &mut self.a_role,
            Duty::BRole => &mut self.b_role,
            Duty::Agent => &mut self.agent,
        };
        *slot = username.trim().to_string();
    }

    pub fn check(&self) -> Result<(), AssignmentFault> {
        if !self.a_role.is_empty() && self.a_role == self.b_role {
            return Err(AssignmentFault::SameAB);
        }
        Ok(())
    }

    /// Who does the project's work now: the A角, or the B角 while the A角 is away (or when
    /// there is no A角).
    pub fn responsible(&self, away: impl Fn(&str) -> bool) -> Option<&str> {
        let a = Some(self.a_role.as_str()).filter(|a| !a.is_empty());
        let b = Some(self.b_role.as_str()).filter(|b| !b.is_empty());
        match a {
            Some(a) if !away(a) => Some(a),
            _ => b.or(a),
        }
    }

    /// The duties `user` holds on the project.
    pub fn duties_of(&self, user: &str) -> Vec<Duty> {
        Duty::ALL
            .iter()
            .copied()
            .filter(|d| !user.is_empty() && self.holder(*d) == user)
            .collect()
    }

    /// Whether `user` stands in for the A角 now: the B角 while there is an A角 and they are away.
    pub fn covering(&self, user: &str, away: impl Fn(&str) -> bool) -> bool {
        !user.is_empty()
            && self.b_role == user
            && !self.a_role.is_empty()
            && self.a_role != user
            && away(&self.a_role)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn assignment() -> Assignment {
        Assignment {
            project_id: 1,
            leader: "zhang".into(),
            a_role: "wang".into(),
            b_role: "li".into(),
            agent: "zhao".into(),
            version: 1,
        }
    }

    #[test]
    fn the_b_role_takes_the_work_while_the_a_role_is_away() {
        let a = assignment();
        let nobody_away = |_: &str| false;
        let wang_away = |u: &str| u == "wang";
        assert_eq!(a.responsible(nobody_away), Some("wang"));
        assert!(!a.covering("li", nobody_away));
        assert_eq!(a.responsible(wang_away), Some("li"));
        assert!(a.covering("li", wang_away));
        assert!(!a.covering("wang", wang_away));
        let both_away = |u: &str| u == "wang" || u == "li";
        assert_eq!(a.responsible(both_away), Some("li"), "still the B角's");
        let no_a = Assignment {
            a_role: String::new(),
            ..assignment()
        };
        assert_eq!(no_a.responsible(nobody_away), Some("li"));
        assert!(!no_a.covering("li", nobody_away), "nobody to stand in for");
        assert_eq!(Assignment::default().responsible(nobody_away), None);
    }

    #[test]
    fn duties_are_read_by_person_and_roles_hold_only_their_duties() {
        let mut a = assignment();
        assert_eq!(a.duties_of("wang"), [Duty::ARole]);
        a.set(Duty::Agent, " wang ");
        assert_eq!(a.duties_of("wang"), [Duty::ARole, Duty::Agent]);
        assert!(a.duties_of("").is_empty());
        a.set(Duty::BRole, "wang");
        assert_eq!(a.check(), Err(AssignmentFault::SameAB));
        assert!(Duty::Leader.may_hold(Role::Leader));
        assert!(!Duty::ARole.may_hold(Role::Leader), "a leader reads only");
        assert!(Duty::Agent.may_hold(Role::Agent));
        assert!(!Duty::ARole.may_hold(Role::Agent));
        assert_eq!(Duty::parse("B角"), Some(Duty::BRole));
    }
}
