//! Writing one audit event in the transaction of the change it records.

use chrono::Utc;
use kfq_core::audit::AuditEvent;
use kfq_store::Tx;

use crate::{Actor, AppError};

pub async fn append(
    tx: &mut Tx,
    actor: &Actor,
    action: &str,
    object_type: &str,
    object_id: &str,
    before: Option<String>,
    after: Option<String>,
) -> Result<(), AppError> {
    let event = AuditEvent {
        at: Utc::now(),
        actor: actor.username.clone(),
        action: action.into(),
        object_type: object_type.into(),
        object_id: object_id.into(),
        before,
        after,
    };
    kfq_store::append_audit(tx, &[event]).await?;
    Ok(())
}

/// A project as the audit trail records it: every field, with the version it is at.
pub fn project_json(p: &kfq_core::project::Project) -> String {
    serde_json::json!({
        "code": p.code, "name": p.name, "zone_id": p.zone_id, "enterprise_id": p.enterprise_id,
        "chain": p.chain, "strategic_emerging": p.strategic_emerging, "category": p.category,
        "total_investment_wan": p.total_investment, "expected_output_wan": p.expected_output,
        "land_area_mu": p.land_area, "signed_on": p.dates.signed_on, "landed_on": p.dates.landed_on,
        "started_on": p.dates.started_on, "producing_on": p.dates.producing_on,
        "reached_on": p.dates.reached_on, "terminated_on": p.terminated_on, "version": p.version,
    })
    .to_string()
}
