//! 读模型 — what the dashboards read, held in memory and brought up to date project by project.
//!
//! Loaded once from the tables. After that, each request asks the database for its data version
//! and, when it moved, for the projects changed since (`kfq_changes`: noted by triggers, numbered
//! by the commit), reads those projects' rows again and patches the model under a short write
//! lock: the zone's figures of each round they are in, investment per zone and month, the zone's
//! projects and blockers. A write costs the model the rows of the projects it touched, whatever
//! the size of the ledger; every process on the database sees it at its next request. A frozen
//! ledger (a pinned snapshot) gets a model of its own, built once from the snapshot.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::sync::{Arc, RwLock};

use chrono::NaiveDate;
use kfq_core::blocker::Blocker;
use kfq_core::monthly::{Month, MonthlyReport};
use kfq_core::project::Project;
use kfq_core::report::round_summary::{summarize, EntryFact, SummaryRow};
use kfq_core::round::{BatchEntry, Round, RoundId};
use kfq_core::stage::StageDates;
use kfq_core::zone::Zone;
use kfq_core::Amount;

use crate::{on_db, Db, Snapshot, StoreError};

/// The batch entries of one zone in one round, each with its project's stage dates (what the
/// funnel asks of it), and what they add up to.
#[derive(Debug, Clone)]
struct Cell {
    entries: Vec<(BatchEntry, StageDates)>,
    figures: SummaryRow,
}

/// The dashboards' facts, by zone, round, month and project.
#[derive(Debug, Clone, Default)]
pub struct ReadModel {
    /// The data version it shows; `None` before the first load.
    pub version: Option<i64>,
    pub zones: Vec<Zone>,
    pub rounds: Vec<Round>,
    projects: HashMap<i64, Project>,
    /// Each zone's projects, by id.
    by_zone: HashMap<i64, BTreeSet<i64>>,
    cells: BTreeMap<RoundId, HashMap<i64, Cell>>,
    /// The (round, zone) cells each project has entries in.
    entry_cells: HashMap<i64, Vec<(RoundId, i64)>>,
    /// Each project's monthly reports, in month order.
    monthly: HashMap<i64, Vec<(Month, Amount)>>,
    /// Investment per month and zone, and how many reports it sums.
    zone_months: BTreeMap<Month, HashMap<i64, (Amount, u32)>>,
    blockers: HashMap<i64, Vec<Blocker>>,
    /// Each zone's projects that have blockers.
    zone_blockers: HashMap<i64, BTreeSet<i64>>,
    /// The due dates of each zone's open blockers, in order: how many are overdue on a day is
    /// one search.
    open_due: HashMap<i64, Vec<NaiveDate>>,
}

/// One project's rows as stored now (`project` None: it is gone).
#[derive(Debug, Clone, Default)]
struct ProjectRows {
    project: Option<Project>,
    entries: Vec<BatchEntry>,
    /// In month order.
    monthly: Vec<(Month, Amount)>,
    blockers: Vec<Blocker>,
}

/// The due date of a blocker still open (overdue once the day is past it).
fn open_due(b: &Blocker) -> Option<NaiveDate> {
    (b.status.is_open() && b.resolved_on.is_none())
        .then_some(b.due_on)
        .flatten()
}

/// More changed projects than this since the model's version: read everything again.
const MOST_CHANGES: usize = 50_000;

fn figures_of(round: RoundId, entries: &[(BatchEntry, StageDates)]) -> SummaryRow {
    let row = SummaryRow::new(String::new(), String::new());
    summarize(
        round,
        row.clone(),
        vec![row],
        entries.iter().map(|(e, _)| EntryFact::of(e, 0)),
    )
    .total
}

/// Each project's monthly reports, in month order.
pub(crate) type MonthlyByProject = HashMap<i64, Vec<(Month, Amount)>>;

fn by_project(monthly: &[MonthlyReport]) -> MonthlyByProject {
    let mut grouped = MonthlyByProject::new();
    for r in monthly {
        grouped
            .entry(r.project_id)
            .or_default()
            .push((r.month, r.invested));
    }
    for reports in grouped.values_mut() {
        reports.sort_by_key(|(m, _)| *m);
    }
    grouped
}

/// The rows of every project, grouped by project.
fn group(
    projects: Vec<Project>,
    entries: Vec<BatchEntry>,
    monthly: MonthlyByProject,
    blockers: Vec<Blocker>,
) -> HashMap<i64, ProjectRows> {
    let mut rows: HashMap<i64, ProjectRows> = HashMap::with_capacity(projects.len());
    for p in projects {
        let id = p.id;
        rows.entry(id).or_default().project = Some(p);
    }
    for e in entries {
        rows.entry(e.project_id).or_default().entries.push(e);
    }
    for (id, reports) in monthly {
        rows.entry(id).or_default().monthly = reports;
    }
    for b in blockers {
        rows.entry(b.project_id).or_default().blockers.push(b);
    }
    rows
}

impl ReadModel {
    /// A model of these rows.
    pub fn build(
        version: i64,
        (zones, rounds): (Vec<Zone>, Vec<Round>),
        projects: Vec<Project>,
        entries: Vec<BatchEntry>,
        monthly: MonthlyByProject,
        blockers: Vec<Blocker>,
    ) -> ReadModel {
        let mut model = ReadModel {
            version: Some(version),
            zones,
            rounds,
            ..ReadModel::default()
        };
        // Row by row into place, no list copied: at national scale the lists are most of
        // the memory.
        model.projects.reserve(projects.len());
        for project in projects {
            model.add_project(project);
        }
        let mut dirty = HashSet::new();
        for e in entries {
            // An entry counts in its zone's figures even without its project's row (a frozen
            // ledger may lack it); it then has no stage dates.
            let dates = model
                .projects
                .get(&e.project_id)
                .map(|p| p.dates)
                .unwrap_or_default();
            dirty.insert(model.add_entry(e, dates));
        }
        for (id, reports) in monthly {
            if let Some(zone) = model.projects.get(&id).map(|p| p.zone_id) {
                model.add_monthly(id, zone, reports);
            }
        }
        for b in blockers {
            if let Some(zone) = model.projects.get(&b.project_id).map(|p| p.zone_id) {
                model.add_blocker(zone, b);
            }
        }
        model.refigure(dirty);
        model
    }

    /// The model of a snapshot (a frozen ledger).
    pub fn of_snapshot(s: &Snapshot) -> ReadModel {
        ReadModel::build(
            s.version,
            (s.zones.clone(), s.rounds.clone()),
            s.projects.clone(),
            s.entries.clone(),
            by_project(&s.monthly),
            s.blockers.clone(),
        )
    }

    /// Takes out everything project `id` added.
    fn remove(&mut self, id: i64, dirty: &mut HashSet<(RoundId, i64)>) {
        // Entries first: a frozen ledger may hold entries of a project it has no row for.
        for (round, zone) in self.entry_cells.remove(&id).unwrap_or_default() {
            if let Some(cell) = self.cells.get_mut(&round).and_then(|c| c.get_mut(&zone)) {
                cell.entries.retain(|(e, _)| e.project_id != id);
            }
            dirty.insert((round, zone));
        }
        let Some(old) = self.projects.remove(&id) else {
            return;
        };
        if let Some(ids) = self.by_zone.get_mut(&old.zone_id) {
            ids.remove(&id);
        }
        for (month, amount) in self.monthly.remove(&id).unwrap_or_default() {
            if let Some(zones) = self.zone_months.get_mut(&month) {
                if let Some(sum) = zones.get_mut(&old.zone_id) {
                    // What was added comes off: the sum cannot go below zero.
                    sum.0 = sum.0.checked_sub(amount).unwrap_or_default();
                    sum.1 -= 1;
                    if sum.1 == 0 {
                        zones.remove(&old.zone_id);
                    }
                }
                if zones.is_empty() {
                    self.zone_months.remove(&month);
                }
            }
        }
        for b in self.blockers.remove(&id).unwrap_or_default() {
            if let (Some(due), Some(dates)) = (open_due(&b), self.open_due.get_mut(&old.zone_id)) {
                if let Ok(at) = dates.binary_search(&due) {
                    dates.remove(at);
                }
            }
        }
        if let Some(ids) = self.zone_blockers.get_mut(&old.zone_id) {
            ids.remove(&id);
        }
    }

    /// Adds a project's rows (nothing when the project is gone).
    fn add(&mut self, id: i64, rows: ProjectRows, dirty: &mut HashSet<(RoundId, i64)>) {
        let Some(project) = rows.project else {
            return;
        };
        let (zone, dates) = (project.zone_id, project.dates);
        self.add_project(project);
        for e in rows.entries {
            dirty.insert(self.add_entry(e, dates));
        }
        self.add_monthly(id, zone, rows.monthly);
        for b in rows.blockers {
            self.add_blocker(zone, b);
        }
    }

    fn add_project(&mut self, project: Project) {
        self.by_zone
            .entry(project.zone_id)
            .or_default()
            .insert(project.id);
        self.projects.insert(project.id, project);
    }

    /// Puts an entry in its (round, zone) cell, which it returns.
    fn add_entry(&mut self, e: BatchEntry, dates: StageDates) -> (RoundId, i64) {
        let place = (e.round, e.zone_id);
        let places = self.entry_cells.entry(e.project_id).or_default();
        if !places.contains(&place) {
            places.push(place);
        }
        self.cells
            .entry(e.round)
            .or_default()
            .entry(e.zone_id)
            .or_insert_with(|| Cell {
                entries: Vec::new(),
                figures: SummaryRow::new(String::new(), String::new()),
            })
            .entries
            .push((e, dates));
        place
    }

    fn add_monthly(&mut self, id: i64, zone: i64, reports: Vec<(Month, Amount)>) {
        for (month, amount) in &reports {
            let sum = self
                .zone_months
                .entry(*month)
                .or_default()
                .entry(zone)
                .or_default();
            sum.0 += *amount;
            sum.1 += 1;
        }
        if !reports.is_empty() {
            self.monthly.insert(id, reports);
        }
    }

    fn add_blocker(&mut self, zone: i64, b: Blocker) {
        if let Some(due) = open_due(&b) {
            let dates = self.open_due.entry(zone).or_default();
            let at = dates.partition_point(|d| *d <= due);
            dates.insert(at, due);
        }
        self.zone_blockers
            .entry(zone)
            .or_default()
            .insert(b.project_id);
        self.blockers.entry(b.project_id).or_default().push(b);
    }

    /// Adds up again the cells whose entries changed.
    fn refigure(&mut self, dirty: HashSet<(RoundId, i64)>) {
        for (round, zone) in dirty {
            let Some(zones) = self.cells.get_mut(&round) else {
                continue;
            };
            match zones.get_mut(&zone) {
                Some(cell) if cell.entries.is_empty() => {
                    zones.remove(&zone);
                }
                Some(cell) => {
                    cell.entries.shrink_to_fit();
                    cell.figures = figures_of(round, &cell.entries);
                }
                None => {}
            }
            if zones.is_empty() {
                self.cells.remove(&round);
            }
        }
    }

    /// Replaces the projects `ids` with their rows as stored now.
    fn patch(&mut self, ids: &[i64], mut rows: HashMap<i64, ProjectRows>) {
        let mut dirty = HashSet::new();
        for id in ids {
            self.remove(*id, &mut dirty);
            self.add(*id, rows.remove(id).unwrap_or_default(), &mut dirty);
        }
        self.refigure(dirty);
    }

    pub fn project(&self, id: i64) -> Option<&Project> {
        self.projects.get(&id)
    }

    /// A zone's projects, in id order.
    pub fn projects_of(&self, zone: i64) -> impl Iterator<Item = &Project> {
        self.by_zone
            .get(&zone)
            .into_iter()
            .flatten()
            .filter_map(|id| self.projects.get(id))
    }

    /// A zone's batch entries of the rounds `from..=to`.
    pub fn entries_of(
        &self,
        (from, to): (RoundId, RoundId),
        zone: i64,
    ) -> impl Iterator<Item = &BatchEntry> {
        self.cells
            .range(from..)
            .take_while(move |(round, _)| **round <= to)
            .filter_map(move |(_, zones)| zones.get(&zone))
            .flat_map(|cell| cell.entries.iter())
            .map(|(e, _)| e)
    }

    /// A zone's batch entries of the rounds `from..=to`, each with its project's stage dates.
    pub fn entries_with_dates(
        &self,
        (from, to): (RoundId, RoundId),
        zone: i64,
    ) -> impl Iterator<Item = &(BatchEntry, StageDates)> {
        self.cells
            .range(from..)
            .take_while(move |(round, _)| **round <= to)
            .filter_map(move |(_, zones)| zones.get(&zone))
            .flat_map(|cell| cell.entries.iter())
    }

    /// A zone's three batches in a round, added up.
    pub fn figures(&self, round: RoundId, zone: i64) -> Option<&SummaryRow> {
        self.cells
            .get(&round)
            .and_then(|zones| zones.get(&zone))
            .map(|cell| &cell.figures)
    }

    /// What a project completed up to and including `month`.
    pub fn completed_by(&self, project: i64, month: Month) -> Amount {
        self.monthly
            .get(&project)
            .map(|reports| {
                reports
                    .iter()
                    .take_while(|(m, _)| *m <= month)
                    .map(|(_, a)| *a)
                    .sum()
            })
            .unwrap_or_default()
    }

    /// A project's figure of a month, if one is filled.
    pub fn invested(&self, project: i64, month: Month) -> Option<Amount> {
        let reports = self.monthly.get(&project)?;
        let at = reports.binary_search_by_key(&month, |(m, _)| *m).ok()?;
        reports.get(at).map(|(_, a)| *a)
    }

    /// 本年累计 — what a project completed in `month`'s year up to and including it.
    pub fn year_to_date(&self, project: i64, month: Month) -> Amount {
        self.monthly
            .get(&project)
            .map(|reports| {
                reports
                    .iter()
                    .filter(|(m, _)| m.year == month.year && *m <= month)
                    .map(|(_, a)| *a)
                    .sum()
            })
            .unwrap_or_default()
    }

    /// What a zone invested in a month.
    pub fn invested_in(&self, zone: i64, month: Month) -> Amount {
        self.zone_months
            .get(&month)
            .and_then(|zones| zones.get(&zone))
            .map(|(a, _)| *a)
            .unwrap_or_default()
    }

    /// How many of a zone's blockers are overdue on `today` (open, unresolved, due before it).
    pub fn overdue_count(&self, zone: i64, today: NaiveDate) -> usize {
        self.open_due
            .get(&zone)
            .map_or(0, |dates| dates.partition_point(|d| *d < today))
    }

    /// The latest month with a report.
    pub fn last_month(&self) -> Option<Month> {
        self.zone_months.keys().next_back().copied()
    }

    /// The blockers of a zone's projects.
    pub fn blockers_of(&self, zone: i64) -> impl Iterator<Item = &Blocker> {
        self.zone_blockers
            .get(&zone)
            .into_iter()
            .flatten()
            .filter_map(|id| self.blockers.get(id))
            .flatten()
    }
}

/// The live model of a database and the lock that lets one request at a time bring it up to
/// date.
#[derive(Debug, Default)]
pub(crate) struct Held {
    refresh: tokio::sync::Mutex<()>,
    model: Arc<RwLock<ReadModel>>,
}

async fn data_version(db: &Db) -> Result<i64, StoreError> {
    const VERSION: &str = "SELECT version FROM kfq_data_version WHERE id = 1";
    Ok(on_db!(db, pool => sqlx::query_scalar(VERSION).fetch_one(pool).await)?)
}

/// Reads the tables the model is made of, each in its own task on its own connection (the
/// decoding of rows, not the database, is what takes the time: two cores decode twice as fast).
async fn load(db: &Db, version: i64) -> Result<ReadModel, StoreError> {
    fn joined<T>(
        done: Result<Result<T, StoreError>, tokio::task::JoinError>,
    ) -> Result<T, StoreError> {
        done.map_err(|e| StoreError::Interrupted(e.to_string()))?
    }
    let (a, b, c, d) = (db.clone(), db.clone(), db.clone(), db.clone());
    let projects = tokio::spawn(async move { crate::load_projects(&a).await });
    let entries = tokio::spawn(async move { crate::load_entries(&b, None).await });
    let monthly = tokio::spawn(async move { crate::read::monthly_by_project(&c).await });
    let blockers = tokio::spawn(async move { crate::load_blockers(&d).await });
    let (zones, rounds) = (crate::load_zones(db).await?, crate::load_rounds(db).await?);
    Ok(ReadModel::build(
        version,
        (zones, rounds),
        joined(projects.await)?,
        joined(entries.await)?,
        joined(monthly.await)?,
        joined(blockers.await)?,
    ))
}

impl Db {
    /// What `read` finds in the read model, brought up to date first; the model is held for
    /// reading only while `read` runs (it cannot await).
    pub async fn reading<T>(&self, read: impl FnOnce(&ReadModel) -> T) -> Result<T, StoreError> {
        let model = self.read_model().await?;
        let held = model
            .read()
            .map_err(|_| StoreError::Interrupted("the read model's lock was poisoned".into()))?;
        Ok(read(&held))
    }

    /// The same, if this process holds a model already (a frozen ledger always does); None
    /// before the first load, so that a short task (a CLI command, a login) reading a small
    /// table does not load the whole model for it.
    pub async fn reading_if_held<T>(
        &self,
        read: impl FnOnce(&ReadModel) -> T,
    ) -> Result<Option<T>, StoreError> {
        let held = self.pinned.is_some()
            || self
                .read_model
                .model
                .read()
                .is_ok_and(|m| m.version.is_some());
        match held {
            true => self.reading(read).await.map(Some),
            false => Ok(None),
        }
    }

    /// The dashboards' read model, up to date with every write committed before the call.
    pub async fn read_model(&self) -> Result<Arc<RwLock<ReadModel>>, StoreError> {
        if let Some(pinned) = &self.pinned {
            return Ok(pinned.derived("read-model", || RwLock::new(ReadModel::of_snapshot(pinned))));
        }
        let held = &self.read_model;
        let shown = |model: &Arc<RwLock<ReadModel>>| model.read().ok().and_then(|m| m.version);
        let version = data_version(self).await?;
        if shown(&held.model) == Some(version) {
            return Ok(held.model.clone());
        }
        let _one_at_a_time = held.refresh.lock().await;
        // Read the version again: another request may have brought the model up meanwhile.
        let version = data_version(self).await?;
        let since = match shown(&held.model) {
            Some(v) if v == version => return Ok(held.model.clone()),
            Some(v) if v < version => v,
            _ => {
                let fresh = load(self, version).await?;
                if let Ok(mut model) = held.model.write() {
                    *model = fresh;
                }
                return Ok(held.model.clone());
            }
        };
        // No upper bound: a project changed again since `version` was read has had its row
        // renumbered, and must not be skipped (reading it at its newer state does no harm).
        // NULL: a change committed without being numbered is read too.
        const CHANGED: &str =
            "SELECT project_id FROM kfq_changes WHERE version > $1 OR version IS NULL";
        let ids: Vec<i64> = on_db!(self, pool => sqlx::query_scalar(CHANGED)
            .bind(since)
            .fetch_all(pool)
            .await)?;
        if ids.len() > MOST_CHANGES {
            let fresh = load(self, version).await?;
            if let Ok(mut model) = held.model.write() {
                *model = fresh;
            }
            return Ok(held.model.clone());
        }
        // Project 0 stands for the zones and the rounds (migration 0023): read again only
        // when one of them was written.
        let (places, ids): (Vec<i64>, Vec<i64>) = ids.into_iter().partition(|id| *id == 0);
        let (projects, entries, monthly, blockers) =
            crate::read::rows_of_projects(self, &ids).await?;
        let rows = group(projects, entries, by_project(&monthly), blockers);
        let places = match places.is_empty() {
            true => None,
            false => Some((
                crate::load_zones(self).await?,
                crate::load_rounds(self).await?,
            )),
        };
        if let Ok(mut model) = held.model.write() {
            model.patch(&ids, rows);
            if let Some((zones, rounds)) = places {
                model.zones = zones;
                model.rounds = rounds;
            }
            model.version = Some(version);
        }
        Ok(held.model.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use kfq_core::blocker::{BlockerCategory, BlockerStatus};
    use kfq_core::project::{Category, ProjectCode};
    use kfq_core::round::BatchKind;

    fn day(text: &str) -> NaiveDate {
        text.parse().unwrap()
    }

    fn project(id: i64, zone: i64) -> Project {
        Project {
            id,
            code: ProjectCode::parse(&format!("140100-2024-{id:04}")).unwrap(),
            name: format!("项目{id}"),
            zone_id: zone,
            enterprise_id: None,
            chain: String::new(),
            strategic_emerging: id % 2 == 0,
            category: Category::Industrial,
            total_investment: Amount::from_wan(1000 * id),
            expected_output: None,
            land_area: None,
            dates: Default::default(),
            terminated_on: None,
            version: 1,
        }
    }

    fn entry(id: i64, zone: i64, seq: u8, batch: BatchKind) -> BatchEntry {
        BatchEntry {
            round: RoundId { year: 2024, seq },
            batch,
            project_id: id,
            zone_id: zone,
            amount: Amount::from_wan(1000 * id),
            expected_output: Some(Amount::from_wan(id)),
            strategic_emerging: id % 2 == 0,
            category: Category::Industrial,
        }
    }

    fn report(id: i64, month: u32, wan: i64) -> MonthlyReport {
        MonthlyReport {
            project_id: id,
            month: Month::new(2024, month).unwrap(),
            invested: Amount::from_wan(wan),
        }
    }

    fn blocker(id: i64, due: &str) -> Blocker {
        let mut b = Blocker::new(id, &format!("堵点{id}"), BlockerCategory::Land);
        b.due_on = Some(day(due));
        b
    }

    type Rows = (
        Vec<Project>,
        Vec<BatchEntry>,
        Vec<MonthlyReport>,
        Vec<Blocker>,
    );

    fn model(version: i64, (projects, entries, monthly, blockers): Rows) -> ReadModel {
        let monthly = by_project(&monthly);
        ReadModel::build(
            version,
            (vec![], vec![]),
            projects,
            entries,
            monthly,
            blockers,
        )
    }

    /// Everything the dashboards can ask of a model, over zones 1..=3, rounds 2024-1..4 and
    /// the months of 2024.
    fn answers(m: &ReadModel) -> Vec<String> {
        let mut out = Vec::new();
        for zone in 1..=3 {
            for seq in 1..=4 {
                let round = RoundId { year: 2024, seq };
                out.push(format!("{zone} {round} {:?}", m.figures(round, zone)));
                let mut entries: Vec<_> = m.entries_of((round, round), zone).cloned().collect();
                entries.sort_by_key(|e| (e.project_id, e.batch));
                out.push(format!("{entries:?}"));
            }
            for month in 1..=12 {
                out.push(format!(
                    "{zone} {month} {:?}",
                    m.invested_in(zone, Month::new(2024, month).unwrap())
                ));
            }
            let ids: Vec<i64> = m.projects_of(zone).map(|p| p.id).collect();
            out.push(format!("{zone} projects {ids:?}"));
            out.push(format!(
                "{zone} overdue {}",
                m.overdue_count(zone, day("2024-07-01"))
            ));
            let blockers: Vec<_> = m.blockers_of(zone).map(|b| &b.description).collect();
            out.push(format!("{zone} blockers {blockers:?}"));
        }
        for id in 1..=4 {
            out.push(format!(
                "{id} completed {:?}",
                m.completed_by(id, Month::new(2024, 6).unwrap())
            ));
        }
        out.push(format!("last {:?}", m.last_month()));
        out
    }

    #[test]
    fn a_patched_model_answers_as_one_read_afresh() {
        let before: Rows = (
            vec![project(1, 1), project(2, 1), project(3, 2), project(4, 3)],
            vec![
                entry(1, 1, 1, BatchKind::Sign),
                entry(2, 1, 1, BatchKind::Sign),
                entry(2, 1, 2, BatchKind::Start),
                entry(3, 2, 1, BatchKind::Sign),
            ],
            vec![
                report(1, 3, 100),
                report(1, 4, 50),
                report(2, 4, 70),
                report(3, 12, 9),
            ],
            vec![blocker(1, "2024-05-01"), blocker(3, "2024-09-01")],
        );
        let mut patched = model(1, before);
        // Project 2 moves to zone 2 and reports again, 3 leaves, 1's blocker is resolved and
        // 4 gets its first entry, report and blocker.
        let mut moved = project(2, 2);
        moved.name = "项目2（迁入）".into();
        let mut resolved = blocker(1, "2024-05-01");
        resolved.status = BlockerStatus::Resolved;
        resolved.resolved_on = Some(day("2024-06-01"));
        let after: Rows = (
            vec![project(1, 1), moved, project(4, 3)],
            vec![
                entry(1, 1, 1, BatchKind::Sign),
                entry(2, 1, 1, BatchKind::Sign),
                entry(2, 2, 3, BatchKind::Start),
                entry(4, 3, 3, BatchKind::Sign),
            ],
            vec![
                report(1, 3, 100),
                report(1, 4, 50),
                report(2, 4, 80),
                report(2, 5, 5),
                report(4, 1, 1),
            ],
            vec![resolved, blocker(4, "2024-06-30")],
        );
        let (projects, entries, monthly, blockers) = after.clone();
        let changed = [2, 3, 1, 4];
        let mine = |id: i64| changed.contains(&id);
        patched.patch(
            &changed,
            group(
                projects.into_iter().filter(|p| mine(p.id)).collect(),
                entries.into_iter().filter(|e| mine(e.project_id)).collect(),
                by_project(&monthly),
                blockers
                    .into_iter()
                    .filter(|b| mine(b.project_id))
                    .collect(),
            ),
        );
        let fresh = model(2, after);
        assert_eq!(answers(&patched), answers(&fresh));
        assert_eq!(patched.overdue_count(3, day("2024-07-01")), 1);
        assert_eq!(
            patched.invested_in(2, Month::new(2024, 12).unwrap()),
            Amount::ZERO
        );
        assert!(patched.figures(RoundId { year: 2024, seq: 2 }, 1).is_none());
        let (first, last) = (
            RoundId { year: 2024, seq: 1 },
            RoundId { year: 2024, seq: 4 },
        );
        assert_eq!(
            patched.entries_of((last, first), 1).count(),
            0,
            "a range backwards"
        );
        assert_eq!(patched.entries_of((first, last), 1).count(), 2);
    }
}
