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

/// A snapshot's projects by id (their place in `projects`).
type ProjectIndex = std::collections::HashMap<i64, usize>;
/// Each project's monthly reports: their range in `monthly` (sorted by project, then month).
type MonthlyIndex = std::collections::HashMap<i64, std::ops::Range<usize>>;
/// Investment per month and zone, sorted by month then zone.
type ZoneMonths = Vec<(kfq_core::monthly::Month, i64, kfq_core::Amount)>;

impl Snapshot {
    /// The project with this id, found through an index built once per snapshot.
    pub fn project(&self, id: i64) -> Option<&Project> {
        let index = self.derived("index:projects", || -> ProjectIndex {
            self.projects
                .iter()
                .enumerate()
                .map(|(i, p)| (p.id, i))
                .collect()
        });
        index.get(&id).and_then(|i| self.projects.get(*i))
    }

    /// What a project completed up to and including `month` (its monthly reports summed).
    pub fn completed_by(
        &self,
        project_id: i64,
        month: kfq_core::monthly::Month,
    ) -> kfq_core::Amount {
        let index = self.derived("index:monthly", || -> MonthlyIndex {
            let mut index = MonthlyIndex::new();
            for (i, r) in self.monthly.iter().enumerate() {
                index
                    .entry(r.project_id)
                    .and_modify(|range| range.end = i + 1)
                    .or_insert(i..i + 1);
            }
            index
        });
        index
            .get(&project_id)
            .and_then(|range| self.monthly.get(range.clone()))
            .map(|reports| {
                reports
                    .iter()
                    .filter(|r| r.project_id == project_id && r.month <= month)
                    .map(|r| r.invested)
                    .sum()
            })
            .unwrap_or_default()
    }

    /// Investment per month and zone, summed once per snapshot.
    fn zone_months(&self) -> Arc<ZoneMonths> {
        self.derived("sum:zone-months", || -> ZoneMonths {
            let zone_of: std::collections::HashMap<i64, i64> =
                self.projects.iter().map(|p| (p.id, p.zone_id)).collect();
            let mut totals: std::collections::HashMap<
                (kfq_core::monthly::Month, i64),
                kfq_core::Amount,
            > = Default::default();
            for r in &self.monthly {
                if let Some(&zone) = zone_of.get(&r.project_id) {
                    *totals.entry((r.month, zone)).or_default() += r.invested;
                }
            }
            let mut list: ZoneMonths = totals.into_iter().map(|((m, z), a)| (m, z, a)).collect();
            list.sort_by_key(|(m, z, _)| (*m, *z));
            list
        })
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

/// Investment per zone and month for months `from..=to` (from sums kept with the snapshot).
pub async fn monthly_by_zone(
    db: &Db,
    from: kfq_core::monthly::Month,
    to: kfq_core::monthly::Month,
) -> Result<Vec<(i64, kfq_core::monthly::Month, kfq_core::Amount)>, StoreError> {
    let sums = db.snapshot().await?.zone_months();
    let start = sums.partition_point(|(m, _, _)| *m < from);
    let end = sums.partition_point(|(m, _, _)| *m <= to);
    Ok(sums[start..end.max(start)]
        .iter()
        .map(|(m, z, a)| (*z, *m, *a))
        .collect())
}

/// The latest month with a report.
pub async fn last_month(db: &Db) -> Result<Option<kfq_core::monthly::Month>, StoreError> {
    Ok(db
        .snapshot()
        .await?
        .zone_months()
        .last()
        .map(|(m, _, _)| *m))
}
