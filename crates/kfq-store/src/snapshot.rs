//! The ledger as last read, kept in memory between changes. Every committed write bumps one
//! counter in the database (`kfq_data_version`); a reader compares it with its snapshot's and
//! reads again only when something changed — in this process or any other sharing the database.

use std::sync::Arc;

use kfq_core::blocker::Blocker;
use kfq_core::enterprise::Enterprise;
use kfq_core::project::Project;
use kfq_core::round::{BatchEntry, Round};
use kfq_core::zone::Zone;

use crate::{on_db, Db, StoreError};

/// Everything the dashboards and lists read, except the monthly figures (summed in SQL).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Snapshot {
    pub version: i64,
    pub zones: Vec<Zone>,
    pub enterprises: Vec<Enterprise>,
    pub projects: Vec<Project>,
    pub rounds: Vec<Round>,
    pub entries: Vec<BatchEntry>,
    pub blockers: Vec<Blocker>,
}

impl Db {
    /// The current snapshot: the held one if the data have not changed since, else a new one.
    pub async fn snapshot(&self) -> Result<Arc<Snapshot>, StoreError> {
        const VERSION: &str = "SELECT version FROM kfq_data_version WHERE id = 1";
        let version: i64 = on_db!(self, pool => sqlx::query_scalar(VERSION).fetch_one(pool).await)?;
        let held = self.snapshot.lock().ok().and_then(|s| s.clone());
        if let Some(s) = held.filter(|s| s.version == version) {
            return Ok(s);
        }
        // Read after the version: a write landing meanwhile is seen at the next request.
        let fresh = Arc::new(Snapshot {
            version,
            zones: crate::load_zones(self).await?,
            enterprises: crate::load_enterprises(self).await?,
            projects: crate::load_projects(self).await?,
            rounds: crate::load_rounds(self).await?,
            entries: crate::load_entries(self, None).await?,
            blockers: crate::load_blockers(self).await?,
        });
        if let Ok(mut slot) = self.snapshot.lock() {
            *slot = Some(fresh.clone());
        }
        Ok(fresh)
    }
}

/// The zones, as of the current snapshot.
pub async fn zones(db: &Db) -> Result<Vec<Zone>, StoreError> {
    Ok(db.snapshot().await?.zones.clone())
}

pub async fn enterprises(db: &Db) -> Result<Vec<Enterprise>, StoreError> {
    Ok(db.snapshot().await?.enterprises.clone())
}

pub async fn projects(db: &Db) -> Result<Vec<Project>, StoreError> {
    Ok(db.snapshot().await?.projects.clone())
}

pub async fn rounds(db: &Db) -> Result<Vec<Round>, StoreError> {
    Ok(db.snapshot().await?.rounds.clone())
}

pub async fn blockers(db: &Db) -> Result<Vec<Blocker>, StoreError> {
    Ok(db.snapshot().await?.blockers.clone())
}

/// The batch entries of the rounds `from..=to` (all when None), as of the current snapshot.
pub async fn entries(
    db: &Db,
    range: Option<(kfq_core::round::RoundId, kfq_core::round::RoundId)>,
) -> Result<Vec<BatchEntry>, StoreError> {
    let snapshot = db.snapshot().await?;
    Ok(snapshot
        .entries
        .iter()
        .filter(|e| range.is_none_or(|(from, to)| e.round >= from && e.round <= to))
        .cloned()
        .collect())
}
