//! 安全策略 — the sign-in, password, session, second-factor and retention rules a level-3
//! system (等保 2.0) is expected to keep. The environment gives the defaults
//! (`KFQ_LOCKOUT_ATTEMPTS`, `KFQ_LOCKOUT_MINUTES`, `KFQ_SESSION_IDLE_MINUTES`,
//! `KFQ_SESSION_HOURS`, `KFQ_PASSWORD_MIN_LENGTH`, `KFQ_PASSWORD_MIN_KINDS`,
//! `KFQ_TOTP_REQUIRED`, `KFQ_AUDIT_RETENTION_MONTHS`); the security administrator changes them
//! in kfq (三员分立), within bounds no setting may cross, and every change is audited.

use kfq_core::access::Role;
use kfq_store::Db;
use serde::Serialize;

use crate::{Actor, AppError, Expected};

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Policy {
    /// Failed sign-ins of one username that lock it…
    pub lockout_attempts: i64,
    /// …within this many minutes, and for as long.
    pub lockout_minutes: i64,
    /// A session unused this long ends.
    pub idle_minutes: i64,
    /// A session ends this long after signing in, used or not.
    pub session_hours: i64,
    /// A password has at least this many characters…
    pub password_min_length: usize,
    /// …of at least this many kinds (of four: capitals, small letters, digits, symbols).
    pub password_min_kinds: usize,
    /// The roles that must sign in with a second factor.
    pub totp_required: Vec<Role>,
    /// Months of audit trail kept (never fewer than six).
    pub audit_retention_months: u32,
}

impl Default for Policy {
    fn default() -> Policy {
        Policy {
            lockout_attempts: 5,
            lockout_minutes: 15,
            idle_minutes: 30,
            session_hours: crate::users::SESSION_HOURS,
            password_min_length: 8,
            password_min_kinds: 2,
            totp_required: Vec::new(),
            audit_retention_months: crate::audit::MIN_RETENTION_MONTHS,
        }
    }
}

/// Each number of the policy: its key (in the API, the environment without `KFQ_`, the
/// settings table) and the bounds it is kept within.
const NUMBERS: &[(&str, &str, i64, i64)] = &[
    ("lockout_attempts", "KFQ_LOCKOUT_ATTEMPTS", 1, 20),
    ("lockout_minutes", "KFQ_LOCKOUT_MINUTES", 1, 1440),
    ("idle_minutes", "KFQ_SESSION_IDLE_MINUTES", 1, 240),
    ("session_hours", "KFQ_SESSION_HOURS", 1, 72),
    ("password_min_length", "KFQ_PASSWORD_MIN_LENGTH", 8, 64),
    ("password_min_kinds", "KFQ_PASSWORD_MIN_KINDS", 2, 4),
    (
        "audit_retention_months",
        "KFQ_AUDIT_RETENTION_MONTHS",
        6,
        1200,
    ),
];

impl Policy {
    /// The defaults with what the environment sets (read once).
    pub fn from_env() -> Policy {
        static POLICY: std::sync::OnceLock<Policy> = std::sync::OnceLock::new();
        POLICY
            .get_or_init(|| {
                let mut policy = Policy::default();
                for (key, var, ..) in NUMBERS {
                    if let Ok(text) = std::env::var(var) {
                        // A value out of bounds in the environment keeps the default.
                        let _ = policy.set(key, &serde_json::Value::String(text));
                    }
                }
                if let Ok(text) = std::env::var("KFQ_TOTP_REQUIRED") {
                    let _ = policy.set("totp_required", &serde_json::Value::String(text));
                }
                policy
            })
            .clone()
    }

    /// The policy in force: the environment's, with what the security administrator set.
    pub async fn load(db: &Db) -> Result<Policy, AppError> {
        let mut policy = Policy::from_env();
        for (key, value) in kfq_store::settings(db).await?.iter() {
            if let Some(key) = key.strip_prefix("policy.") {
                let value = serde_json::from_str(value)
                    .unwrap_or_else(|_| serde_json::Value::String(value.clone()));
                // A stored value kfq no longer takes keeps the environment's.
                let _ = policy.set(key, &value);
            }
        }
        Ok(policy)
    }

    /// Changes one rule, within its bounds.
    fn set(&mut self, key: &str, value: &serde_json::Value) -> Result<(), AppError> {
        let text = match value {
            serde_json::Value::String(t) => t.trim().to_string(),
            other => other.to_string(),
        };
        let bad = |expected| AppError::BadArgument {
            name: NUMBERS
                .iter()
                .map(|(k, ..)| *k)
                .chain(["totp_required"])
                .find(|k| *k == key)
                .unwrap_or("policy"),
            value: text.clone(),
            expected,
        };
        if key == "totp_required" {
            let roles: Option<Vec<Role>> = match value {
                serde_json::Value::Array(items) => items
                    .iter()
                    .map(|v| v.as_str().and_then(Role::parse))
                    .collect(),
                _ => text
                    .split([',', '，', ' '])
                    .filter(|t| !t.is_empty())
                    .map(Role::parse)
                    .collect(),
            };
            self.totp_required = roles.ok_or_else(|| bad(Expected::Role))?;
            return Ok(());
        }
        let &(_, _, min, max) = NUMBERS
            .iter()
            .find(|(k, ..)| *k == key)
            .ok_or_else(|| bad(Expected::PolicyKey))?;
        let n = text
            .parse::<i64>()
            .ok()
            .filter(|n| (min..=max).contains(n))
            .ok_or_else(|| bad(Expected::Between(min, max)))?;
        match key {
            "lockout_attempts" => self.lockout_attempts = n,
            "lockout_minutes" => self.lockout_minutes = n,
            "idle_minutes" => self.idle_minutes = n,
            "session_hours" => self.session_hours = n,
            "password_min_length" => self.password_min_length = n as usize,
            "password_min_kinds" => self.password_min_kinds = n as usize,
            _ => self.audit_retention_months = n as u32,
        }
        Ok(())
    }

    /// Whether the role must sign in with a second factor.
    pub fn requires_totp(&self, role: Role) -> bool {
        self.totp_required.contains(&role)
    }

    fn json(&self) -> serde_json::Value {
        serde_json::to_value(self).unwrap_or_default()
    }
}

/// Who may read the policy: the administrators and the province.
fn may_read(actor: &Actor) -> bool {
    actor.role.is_administrator() || matches!(actor.role, Role::Province | Role::Operator)
}

/// The policy in force, for those who may read it.
pub async fn show(db: &Db, actor: &Actor) -> Result<Policy, AppError> {
    if !may_read(actor) {
        return Err(AppError::Forbidden);
    }
    Policy::load(db).await
}

/// 设置安全策略 — the security administrator (or the operator) changes rules of the policy:
/// all given or none, each within its bounds, recorded in the audit trail before → after.
pub async fn change(
    db: &Db,
    actor: &Actor,
    changes: &serde_json::Map<String, serde_json::Value>,
) -> Result<Policy, AppError> {
    if !matches!(actor.role, Role::SecurityAdmin | Role::Operator) {
        return Err(if may_read(actor) {
            AppError::Duty(Role::SecurityAdmin)
        } else {
            AppError::Forbidden
        });
    }
    let before = Policy::load(db).await?;
    let mut after = before.clone();
    for (key, value) in changes {
        after.set(key, value)?;
    }
    let rules = after.json();
    let stored: Vec<(String, String)> = changes
        .keys()
        .filter_map(|key| {
            rules
                .get(key)
                .map(|v| (format!("policy.{key}"), v.to_string()))
        })
        .collect();
    let mut tx = db.begin().await?;
    kfq_store::set_settings(db, &mut tx, &stored, chrono::Utc::now(), &actor.username).await?;
    crate::audit::append(
        &mut tx,
        actor,
        "update",
        "policy",
        "security",
        Some(before.json().to_string()),
        Some(rules.to_string()),
    )
    .await?;
    tx.commit_outside_ledger().await?;
    Ok(after)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_rule_keeps_within_its_bounds() {
        let mut policy = Policy::default();
        policy
            .set("lockout_attempts", &serde_json::json!(3))
            .unwrap();
        assert_eq!(policy.lockout_attempts, 3);
        policy
            .set("password_min_length", &serde_json::json!("12"))
            .unwrap();
        assert_eq!(policy.password_min_length, 12);
        // Never weaker than 等保 allows: passwords of 8 and two kinds, six months of audit.
        assert!(policy
            .set("password_min_length", &serde_json::json!(6))
            .is_err());
        assert!(policy
            .set("password_min_kinds", &serde_json::json!(1))
            .is_err());
        assert!(policy
            .set("audit_retention_months", &serde_json::json!(3))
            .is_err());
        assert!(policy.set("no_such_rule", &serde_json::json!(3)).is_err());
        policy
            .set(
                "totp_required",
                &serde_json::json!(["province", "secadmin"]),
            )
            .unwrap();
        assert!(policy.requires_totp(Role::SecurityAdmin));
        policy
            .set("totp_required", &serde_json::json!("city, 省级"))
            .unwrap();
        assert_eq!(policy.totp_required, [Role::City, Role::Province]);
        assert!(policy
            .set("totp_required", &serde_json::json!("emperor"))
            .is_err());
        let told = policy
            .set("idle_minutes", &serde_json::json!(0))
            .unwrap_err();
        assert!(kfq_core::Localized::message(&told, kfq_core::Lang::Zh).contains("1 到 240"));
    }
}
