//! 角色与权限 — who may do what. Where a user may do it is their [`Scope`](crate::scope::Scope).

use serde::Serialize;

use crate::lang::Lang;

/// A user's role.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// 省级 — the provincial commerce department.
    Province,
    /// 市级 — a city commerce bureau.
    City,
    /// 开发区 — a zone's management committee.
    Zone,
    /// 部室 — a department of a zone committee.
    Department,
    /// 代办员 — an approval agent.
    Agent,
    /// 领导 — a leader, who reads.
    Leader,
}

/// Something a user may be allowed to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Read,
    EditProject,
    EnrolProject,
    /// Create and lock rounds: the province runs them.
    ManageRounds,
    ManageUsers,
    /// Read the audit trail (the province; the audit administrator of 三员分立 when it comes).
    ReadAudit,
}

impl Role {
    pub const ALL: [Role; 6] = [
        Role::Province,
        Role::City,
        Role::Zone,
        Role::Department,
        Role::Agent,
        Role::Leader,
    ];

    pub fn parse(text: &str) -> Option<Role> {
        match text.trim() {
            "province" | "省级" => Some(Role::Province),
            "city" | "市级" => Some(Role::City),
            "zone" | "开发区" => Some(Role::Zone),
            "department" | "部室" => Some(Role::Department),
            "agent" | "代办员" => Some(Role::Agent),
            "leader" | "领导" => Some(Role::Leader),
            _ => None,
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Role::Province => "province",
            Role::City => "city",
            Role::Zone => "zone",
            Role::Department => "department",
            Role::Agent => "agent",
            Role::Leader => "leader",
        }
    }

    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            Role::Province => lang.pick("省级", "province"),
            Role::City => lang.pick("市级", "city"),
            Role::Zone => lang.pick("开发区", "zone"),
            Role::Department => lang.pick("部室", "department"),
            Role::Agent => lang.pick("代办员", "agent"),
            Role::Leader => lang.pick("领导", "leader"),
        }
    }

    /// Whether the role may do `action` (within its scope).
    pub fn allows(self, action: Action) -> bool {
        match action {
            Action::Read => true,
            Action::EditProject => matches!(
                self,
                Role::Province | Role::City | Role::Zone | Role::Department
            ),
            Action::EnrolProject => matches!(self, Role::Province | Role::City | Role::Zone),
            Action::ManageRounds | Action::ManageUsers | Action::ReadAudit => {
                self == Role::Province
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn leaders_and_agents_read_only_and_only_the_province_runs_rounds() {
        for role in Role::ALL {
            assert!(role.allows(Action::Read));
            assert_eq!(Role::parse(role.code()), Some(role));
        }
        assert!(!Role::Leader.allows(Action::EditProject));
        assert!(!Role::Agent.allows(Action::EditProject));
        assert!(Role::Zone.allows(Action::EditProject));
        assert!(Role::Province.allows(Action::ManageRounds));
        assert!(!Role::City.allows(Action::ManageRounds));
        assert_eq!(Role::parse("市级"), Some(Role::City));
    }
}
