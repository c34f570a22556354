//! The demo's 包联责任: every project of 吕梁经开区 still in the works has its A角 and B角 (the
//! zone's account and its 招商发展部 in turn, each the other's stand-in), its 代办员 and its
//! 包联领导 (the province's leader for the five largest, the zone's head for the rest), so that
//! each demo user's 我的工作 has projects, blockers and due items.

use chrono::NaiveDate;
use serde_json::{Map, Value};

use crate::{Actor, AppError};
use kfq_store::Db;

const ZONE: &str = "吕梁经济技术开发区";

/// Assigns the zone's projects, unless some project has an assignment already.
pub async fn seed(db: &Db, actor: &Actor, today: NaiveDate) -> Result<(), AppError> {
    if !kfq_store::assignments(db).await?.is_empty() {
        return Ok(());
    }
    let snapshot = db.snapshot().await?;
    let Some(zone) = snapshot.zones.iter().find(|z| z.name == ZONE) else {
        return Ok(());
    };
    let mut live: Vec<&kfq_core::project::Project> = snapshot
        .projects
        .iter()
        .filter(|p| p.zone_id == zone.id && p.terminated_on.is_none_or(|d| d > today))
        // Still in the works: not yet at full output.
        .filter(|p| p.dates.reached_on.is_none_or(|d| d > today))
        .collect();
    live.sort_by_key(|p| std::cmp::Reverse(p.total_investment));
    for (n, p) in live.iter().enumerate() {
        let leader = if n < 5 { "lingdao" } else { "lljkq" };
        // The zone's account and its 招商发展部 share the work, each the other's stand-in.
        let (a, b) = if n % 2 == 0 {
            ("lljkq", "lljkq.zhaoshang")
        } else {
            ("lljkq.zhaoshang", "lljkq")
        };
        let fields: Map<String, Value> = [
            ("leader", leader),
            ("a_role", a),
            ("b_role", b),
            ("agent", "lljkq.daiban"),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), Value::from(v)))
        .collect();
        crate::assignments::set(db, actor, p.id, 0, &fields).await?;
    }
    Ok(())
}
