//! 开放数据 — the projects of the actor's scope (or the region asked for) as an OC4IDS project
//! package (see `kfq_ledger::oc4ids`). The publisher's prefix comes from `KFQ_OC4IDS_PREFIX`
//! (the one the OC4IDS Helpdesk registered; `oc4ids-kfq` until then) and its name from
//! `KFQ_OC4IDS_PUBLISHER` (the region's name by default).

use std::collections::HashMap;

use chrono::NaiveDate;
use kfq_core::money::Amount;
use kfq_core::monthly::MonthlyReport;
use kfq_ledger::oc4ids::{self, Context};
use kfq_store::Db;
use serde_json::Value;

use crate::{Actor, AppError};

/// The package of every project of the region, as of `today`.
pub async fn package(
    db: &Db,
    actor: &Actor,
    region: Option<&str>,
    today: NaiveDate,
) -> Result<Value, AppError> {
    actor.must(kfq_core::access::Action::Read)?;
    let (scope, zones) = crate::reports::zones_in_scope(db, actor, region).await?;
    let snapshot = db.snapshot().await?;
    let enterprises: HashMap<i64, &kfq_core::enterprise::Enterprise> =
        snapshot.enterprises.iter().map(|e| (e.id, e)).collect();
    let mut monthly: HashMap<i64, Vec<&MonthlyReport>> = HashMap::new();
    for m in &snapshot.monthly {
        monthly.entry(m.project_id).or_default().push(m);
    }
    let mut plans: HashMap<i64, Vec<(i32, Amount)>> = HashMap::new();
    for (project, year, amount) in kfq_store::all_annual_plans(db).await? {
        plans.entry(project).or_default().push((year, amount));
    }
    let prefix = std::env::var("KFQ_OC4IDS_PREFIX").unwrap_or_else(|_| "oc4ids-kfq".into());
    let publisher = std::env::var("KFQ_OC4IDS_PUBLISHER").unwrap_or_else(|_| scope.name());
    let regions = kfq_core::region::regions();
    let mut projects: Vec<&kfq_core::project::Project> = snapshot
        .projects
        .iter()
        .filter(|p| zones.contains_key(&p.zone_id))
        .collect();
    projects.sort_by(|a, b| a.code.as_str().cmp(b.code.as_str()));
    let published: Vec<Value> = projects
        .iter()
        .filter_map(|p| {
            let zone = zones.get(&p.zone_id)?;
            let mut months = monthly.get(&p.id).cloned().unwrap_or_default();
            months.sort_by_key(|m| m.month);
            let enterprise = p
                .enterprise_id
                .and_then(|id| enterprises.get(&id))
                .map(|e| (e.name.as_str(), e.credit_code.as_ref().map(|c| c.as_str())));
            let context = Context {
                prefix: &prefix,
                zone,
                city: regions.name(zone.city),
                enterprise,
                monthly: &months,
                plans: plans.get(&p.id).map(Vec::as_slice).unwrap_or_default(),
                as_of: today,
            };
            Some(oc4ids::project(p, &context))
        })
        .collect();
    let now = chrono::Utc::now().format("%Y-%m-%dT%H:%M:%SZ").to_string();
    let uri = format!("urn:kfq:oc4ids:{}:{today}", scope.key());
    Ok(oc4ids::package(published, &publisher, &uri, &now))
}
