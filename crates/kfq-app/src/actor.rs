//! 操作人 — who is acting, with their role and scope. Every use case that reads or changes
//! project data takes the actor and checks it here, so that no adapter (CLI, web, API, job) can
//! reach data outside the actor's scope.

use kfq_core::access::{Action, Role};
use kfq_core::scope::Scope;
use kfq_core::zone::Zone;
use kfq_core::Lang;

use crate::AppError;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    pub user_id: Option<i64>,
    pub username: String,
    pub role: Role,
    pub scope: Scope,
    pub lang: Lang,
    /// The client's address, when the request came over the network (kept in the audit trail).
    pub ip: Option<String>,
}

impl Actor {
    /// The operator at the command line, who may do everything everywhere.
    pub fn operator(name: impl Into<String>, lang: Lang) -> Actor {
        Actor {
            user_id: None,
            username: name.into(),
            role: Role::Operator,
            scope: Scope::Country,
            lang,
            ip: None,
        }
    }

    /// The scope a request names (or the actor's own when it names none). A region outside the
    /// actor's scope is answered exactly as one that does not exist.
    /// The administrators of 三员分立 and accounts awaiting a role see no project data.
    pub fn region(&self, text: Option<&str>, zones: &[Zone]) -> Result<Scope, AppError> {
        self.must(Action::Read)?;
        let Some(text) = text.filter(|t| !t.trim().is_empty()) else {
            return Ok(self.scope.clone());
        };
        match Scope::resolve(text, zones) {
            Some(scope) if self.scope.covers(&scope) => Ok(scope),
            _ => Err(AppError::UnknownRegion(text.trim().into())),
        }
    }

    pub fn sees(&self, zone: &Zone) -> bool {
        self.role.allows(Action::Read) && self.scope.contains(zone)
    }

    /// The project with this id, if it lies in the actor's scope: else not found, exactly as
    /// one that does not exist.
    pub fn project<'a>(
        &self,
        snapshot: &'a kfq_store::Snapshot,
        id: i64,
    ) -> Result<&'a kfq_core::project::Project, AppError> {
        snapshot
            .projects
            .iter()
            .find(|p| p.id == id)
            .filter(|p| {
                snapshot
                    .zones
                    .iter()
                    .any(|z| z.id == p.zone_id && self.sees(z))
            })
            .ok_or(AppError::NotFound)
    }

    pub fn must(&self, action: Action) -> Result<(), AppError> {
        if self.role.allows(action) {
            Ok(())
        } else {
            Err(AppError::Forbidden)
        }
    }
}
