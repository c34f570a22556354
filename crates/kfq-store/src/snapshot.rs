//! The ledger as last read, kept in memory between changes. Every committed write bumps one
//! counter in the database (`kfq_data_version`); a reader compares it with its snapshot's and
//! reads again only when something changed — in this process or any other sharing the database.

use std::any::Any;
use std::collections::HashMap;
use std::sync::Arc;

use kfq_core::blocker::Blocker;
use kfq_core::enterprise::Enterprise;
use kfq_core::project::Project;
use kfq_core::round::{BatchEntry, Round};
use kfq_core::zone::Zone;

use crate::{on_db, Db, StoreError};

/// Everything the dashboards and lists read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Snapshot {
    pub version: i64,
    pub zones: Vec<Zone>,
    pub enterprises: Vec<Enterprise>,
    pub projects: Vec<Project>,
    pub rounds: Vec<Round>,
    pub entries: Vec<BatchEntry>,
    pub blockers: Vec<Blocker>,
    pub monthly: Vec<kfq_core::monthly::MonthlyReport>,
    /// Values computed from this snapshot (a region's check findings, …), kept until the
    /// snapshot is replaced; a copy of a snapshot starts without them.
    pub derived: Derived,
}

/// A cache of values derived from one snapshot, by key.
#[derive(Default)]
pub struct Derived(std::sync::Mutex<HashMap<String, Arc<dyn Any + Send + Sync>>>);

impl Clone for Derived {
    fn clone(&self) -> Derived {
        Derived::default()
    }
}

impl PartialEq for Derived {
    /// Derived values say nothing the snapshot's data do not.
    fn eq(&self, _: &Derived) -> bool {
        true
    }
}

impl Eq for Derived {}

impl std::fmt::Debug for Derived {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Derived")
    }
}

impl Snapshot {
    /// The value under `key`, computed by `make` the first time it is asked for.
    pub fn derived<T: Any + Send + Sync>(&self, key: &str, make: impl FnOnce() -> T) -> Arc<T> {
        if let Some(found) = self
            .derived
            .0
            .lock()
            .ok()
            .and_then(|held| held.get(key).cloned())
            .and_then(|v| v.downcast::<T>().ok())
        {
            return found;
        }
        let made = Arc::new(make());
        if let Ok(mut held) = self.derived.0.lock() {
            held.insert(key.to_string(), made.clone());
        }
        made
    }
}

impl Db {
    /// The current snapshot: the held one if the data have not changed since, else a new one.
    pub async fn snapshot(&self) -> Result<Arc<Snapshot>, StoreError> {
        if let Some(pinned) = &self.pinned {
            return Ok(pinned.clone());
        }
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
            monthly: crate::load_monthly_reports(self).await?,
            derived: Derived::default(),
        });
        if let Ok(mut slot) = self.snapshot.lock() {
            *slot = Some(fresh.clone());
        }
        Ok(fresh)
    }
}

/// The zones, as now: from the read model if the process holds one, else from their table
/// (never by reading the whole ledger).
pub async fn zones(db: &Db) -> Result<Vec<Zone>, StoreError> {
    match db.reading_if_held(|m| m.zones.clone()).await? {
        Some(zones) => Ok(zones),
        None => crate::load_zones(db).await,
    }
}

pub async fn enterprises(db: &Db) -> Result<Vec<Enterprise>, StoreError> {
    Ok(db.snapshot().await?.enterprises.clone())
}

pub async fn projects(db: &Db) -> Result<Vec<Project>, StoreError> {
    Ok(db.snapshot().await?.projects.clone())
}

pub async fn rounds(db: &Db) -> Result<Vec<Round>, StoreError> {
    match db.reading_if_held(|m| m.rounds.clone()).await? {
        Some(rounds) => Ok(rounds),
        None => crate::load_rounds(db).await,
    }
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
