//! 审计 — who changed what, when, from what to what.

use chrono::{DateTime, Utc};

/// One change, as the audit trail keeps it. `before` and `after` are JSON of the object.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditEvent {
    pub at: DateTime<Utc>,
    /// The user (or `cli:<os user>` for the command line).
    pub actor: String,
    /// `create`, `update`, `import`, …
    pub action: String,
    pub object_type: String,
    pub object_id: String,
    pub before: Option<String>,
    pub after: Option<String>,
}
