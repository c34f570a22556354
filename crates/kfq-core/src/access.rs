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
    /// 系统管理员 — the system administrator of 三员分立: creates accounts, disables them and
    /// resets their passwords; sees no project data and grants no powers.
    SystemAdmin,
    /// 安全管理员 — the security administrator: grants roles and scopes to accounts; sees no
    /// project data.
    SecurityAdmin,
    /// 审计管理员 — the audit administrator: reads the audit trail, nothing else.
    AuditAdmin,
    /// 待授权 — an account the system administrator created and the security administrator has
    /// not yet granted a role: it may sign in and change its password, nothing more.
    Pending,
    /// 命令行操作员 — whoever runs `kfq` on the server itself. They hold the database file, so kfq
    /// does not pretend to stop them; this role is never stored or granted.
    Operator,
}

/// Something a user may be allowed to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Read,
    EditProject,
    EnrolProject,
    /// Create and lock rounds: the province runs them.
    ManageRounds,
    /// Create accounts, disable and enable them, reset their passwords (系统管理员).
    ManageAccounts,
    /// Grant an account its role and scope (安全管理员).
    GrantRoles,
    /// Read the audit trail (the province and the audit administrator).
    ReadAudit,
    /// Fill a zone's monthly return and submit it (填报、报送): the zone's own staff.
    FillMonthly,
    /// Approve a monthly return, send it back or reopen it (审核、退回、重新打开): the level
    /// above the zone.
    ReviewMonthly,
    /// Record the approval procedures of a project (审批事项): the zone's staff, the level above
    /// and the 代办员 who handle them.
    HandleProcedures,
    /// Set zones' annual targets (目标任务下达): the level above the zone.
    SetTargets,
}

impl Role {
    /// Every role an account can hold.
    pub const ALL: [Role; 10] = [
        Role::Province,
        Role::City,
        Role::Zone,
        Role::Department,
        Role::Agent,
        Role::Leader,
        Role::SystemAdmin,
        Role::SecurityAdmin,
        Role::AuditAdmin,
        Role::Pending,
    ];

    /// The roles that work with project data (业务角色), which the security administrator grants.
    pub const BUSINESS: [Role; 6] = [
        Role::Province,
        Role::City,
        Role::Zone,
        Role::Department,
        Role::Agent,
        Role::Leader,
    ];

    /// One of the three administrators of 三员分立.
    pub fn is_administrator(self) -> bool {
        matches!(
            self,
            Role::SystemAdmin | Role::SecurityAdmin | Role::AuditAdmin
        )
    }

    pub fn parse(text: &str) -> Option<Role> {
        match text.trim() {
            "province" | "省级" => Some(Role::Province),
            "city" | "市级" => Some(Role::City),
            "zone" | "开发区" => Some(Role::Zone),
            "department" | "部室" => Some(Role::Department),
            "agent" | "代办员" => Some(Role::Agent),
            "leader" | "领导" => Some(Role::Leader),
            "sysadmin" | "系统管理员" => Some(Role::SystemAdmin),
            "secadmin" | "安全管理员" => Some(Role::SecurityAdmin),
            "auditadmin" | "审计管理员" => Some(Role::AuditAdmin),
            "pending" | "待授权" => Some(Role::Pending),
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
            Role::SystemAdmin => "sysadmin",
            Role::SecurityAdmin => "secadmin",
            Role::AuditAdmin => "auditadmin",
            Role::Pending => "pending",
            Role::Operator => "operator",
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
            Role::SystemAdmin => lang.pick("系统管理员", "system administrator"),
            Role::SecurityAdmin => lang.pick("安全管理员", "security administrator"),
            Role::AuditAdmin => lang.pick("审计管理员", "audit administrator"),
            Role::Pending => lang.pick("待授权", "awaiting a role"),
            Role::Operator => lang.pick("命令行操作员", "operator"),
        }
    }

    /// Whether the role may do `action` (within its scope).
    pub fn allows(self, action: Action) -> bool {
        if self == Role::Operator {
            return true;
        }
        match action {
            Action::Read => Role::BUSINESS.contains(&self),
            Action::EditProject => matches!(
                self,
                Role::Province | Role::City | Role::Zone | Role::Department
            ),
            Action::EnrolProject => matches!(self, Role::Province | Role::City | Role::Zone),
            Action::ManageRounds => self == Role::Province,
            Action::ManageAccounts => self == Role::SystemAdmin,
            Action::GrantRoles => self == Role::SecurityAdmin,
            Action::ReadAudit => matches!(self, Role::Province | Role::AuditAdmin),
            Action::FillMonthly => matches!(self, Role::Zone | Role::Department),
            Action::ReviewMonthly => matches!(self, Role::Province | Role::City),
            Action::HandleProcedures => matches!(
                self,
                Role::Province | Role::City | Role::Zone | Role::Department | Role::Agent
            ),
            Action::SetTargets => matches!(self, Role::Province | Role::City),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn leaders_and_agents_read_only_and_only_the_province_runs_rounds() {
        for role in Role::BUSINESS {
            assert!(role.allows(Action::Read));
        }
        for role in Role::ALL {
            assert_eq!(Role::parse(role.code()), Some(role));
        }
        assert_eq!(
            Role::parse("operator"),
            None,
            "the operator is never granted"
        );
        assert!(!Role::Leader.allows(Action::EditProject));
        assert!(!Role::Agent.allows(Action::EditProject));
        assert!(
            Role::Agent.allows(Action::HandleProcedures),
            "代办员 handle procedures"
        );
        assert!(!Role::Leader.allows(Action::HandleProcedures));
        assert!(Role::Zone.allows(Action::EditProject));
        assert!(Role::Province.allows(Action::ManageRounds));
        assert!(Role::Zone.allows(Action::FillMonthly));
        assert!(
            !Role::Zone.allows(Action::ReviewMonthly),
            "a zone does not approve itself"
        );
        assert!(Role::City.allows(Action::ReviewMonthly));
        assert!(!Role::City.allows(Action::FillMonthly));
        assert!(!Role::City.allows(Action::ManageRounds));
        assert_eq!(Role::parse("市级"), Some(Role::City));
    }

    #[test]
    fn the_three_administrators_cannot_do_each_others_work_or_touch_project_data() {
        let powers = |role: Role| {
            [
                Action::Read,
                Action::EditProject,
                Action::EnrolProject,
                Action::ManageRounds,
                Action::ManageAccounts,
                Action::GrantRoles,
                Action::ReadAudit,
                Action::FillMonthly,
                Action::ReviewMonthly,
            ]
            .into_iter()
            .filter(|a| role.allows(*a))
            .collect::<Vec<_>>()
        };
        assert_eq!(powers(Role::SystemAdmin), [Action::ManageAccounts]);
        assert_eq!(powers(Role::SecurityAdmin), [Action::GrantRoles]);
        assert_eq!(powers(Role::AuditAdmin), [Action::ReadAudit]);
        assert_eq!(powers(Role::Pending), []);
        for role in Role::BUSINESS {
            assert!(!role.allows(Action::ManageAccounts) && !role.allows(Action::GrantRoles));
        }
    }
}
