//! Reading the stored ledger back as domain values.

use chrono::{DateTime, NaiveDate, Utc};
use kfq_core::blocker::Blocker;
use kfq_core::enterprise::{CreditCode, Enterprise};
use kfq_core::money::Amount;
use kfq_core::monthly::{Month, MonthlyReport};
use kfq_core::project::{Category, LandArea, Project, ProjectCode};
use kfq_core::region::RegionCode;
use kfq_core::round::{BatchEntry, BatchKind, Round, RoundId};
use kfq_core::stage::StageDates;
use kfq_core::zone::{Zone, ZoneKind, ZoneLevel};

use crate::{on_db, Db, StoreError, Tx};

fn corrupt(what: &str, value: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt(format!("{what}: {value}"))
}

#[derive(sqlx::FromRow)]
struct ZoneRow {
    id: i64,
    name: String,
    city: String,
    level: String,
    kind: String,
}

pub async fn load_zones(db: &Db) -> Result<Vec<Zone>, StoreError> {
    const SQL: &str = "SELECT id, name, city, level, kind FROM zones ORDER BY city, id";
    let rows: Vec<ZoneRow> = on_db!(db, pool => sqlx::query_as(SQL).fetch_all(pool).await)?;
    rows.into_iter()
        .map(|r| {
            Ok(Zone {
                id: r.id,
                city: RegionCode::parse(&r.city).map_err(|_| corrupt("zone city", &r.city))?,
                level: ZoneLevel::parse(&r.level).ok_or_else(|| corrupt("zone level", &r.level))?,
                kind: ZoneKind::parse(&r.kind).ok_or_else(|| corrupt("zone kind", &r.kind))?,
                name: r.name,
            })
        })
        .collect()
}

#[derive(sqlx::FromRow)]
struct EnterpriseRow {
    id: i64,
    name: String,
    credit_code: Option<String>,
    chain_leader: bool,
}

pub async fn load_enterprises(db: &Db) -> Result<Vec<Enterprise>, StoreError> {
    const SQL: &str = "SELECT id, name, credit_code, chain_leader FROM enterprises ORDER BY id";
    let rows: Vec<EnterpriseRow> = on_db!(db, pool => sqlx::query_as(SQL).fetch_all(pool).await)?;
    rows.into_iter()
        .map(|r| {
            let credit_code = r
                .credit_code
                .map(|c| CreditCode::parse(&c).map_err(|_| corrupt("credit code", c)))
                .transpose()?;
            Ok(Enterprise {
                id: r.id,
                name: r.name,
                credit_code,
                chain_leader: r.chain_leader,
            })
        })
        .collect()
}

#[derive(sqlx::FromRow)]
struct ProjectRow {
    id: i64,
    code: String,
    name: String,
    zone_id: i64,
    enterprise_id: Option<i64>,
    chain: String,
    strategic_emerging: bool,
    category: String,
    total_investment_yuan: i64,
    expected_output_yuan: Option<i64>,
    land_area_centimu: Option<i64>,
    signed_on: Option<NaiveDate>,
    landed_on: Option<NaiveDate>,
    started_on: Option<NaiveDate>,
    producing_on: Option<NaiveDate>,
    reached_on: Option<NaiveDate>,
    terminated_on: Option<NaiveDate>,
    version: i64,
}

const PROJECT_COLUMNS: &str = "id, code, name, zone_id, enterprise_id, chain, strategic_emerging, \
    category, total_investment_yuan, expected_output_yuan, land_area_centimu, signed_on, landed_on, \
    started_on, producing_on, reached_on, terminated_on, version";

impl TryFrom<ProjectRow> for Project {
    type Error = StoreError;

    fn try_from(r: ProjectRow) -> Result<Project, StoreError> {
        Ok(Project {
            id: r.id,
            code: ProjectCode::parse(&r.code).map_err(|_| corrupt("project code", &r.code))?,
            name: r.name,
            zone_id: r.zone_id,
            enterprise_id: r.enterprise_id,
            chain: r.chain,
            strategic_emerging: r.strategic_emerging,
            category: Category::parse(&r.category)
                .ok_or_else(|| corrupt("category", &r.category))?,
            total_investment: Amount::from_yuan(r.total_investment_yuan),
            expected_output: r.expected_output_yuan.map(Amount::from_yuan),
            land_area: r.land_area_centimu.map(LandArea::from_hundredths),
            dates: StageDates {
                signed_on: r.signed_on,
                landed_on: r.landed_on,
                started_on: r.started_on,
                producing_on: r.producing_on,
                reached_on: r.reached_on,
            },
            terminated_on: r.terminated_on,
            version: r.version,
        })
    }
}

/// Reads the rows of `sql` one at a time into values: no list of raw rows is held beside the
/// values (at national scale that list alone was hundreds of megabytes).
async fn collect<R, T>(
    db: &Db,
    sql: &str,
    each: impl Fn(R) -> Result<T, StoreError>,
) -> Result<Vec<T>, StoreError>
where
    R: for<'r> sqlx::FromRow<'r, sqlx::sqlite::SqliteRow>
        + for<'r> sqlx::FromRow<'r, sqlx::postgres::PgRow>
        + Send
        + Unpin,
{
    use futures_util::TryStreamExt;
    let mut values = Vec::new();
    on_db!(db, pool => {
        let mut rows = sqlx::query_as::<_, R>(sql).fetch(pool);
        while let Some(row) = rows.try_next().await? {
            values.push(each(row)?);
        }
    });
    Ok(values)
}

pub async fn load_projects(db: &Db) -> Result<Vec<Project>, StoreError> {
    let sql = format!("SELECT {PROJECT_COLUMNS} FROM projects ORDER BY code");
    collect(db, &sql, |r: ProjectRow| Project::try_from(r)).await
}

pub async fn count_projects(db: &Db) -> Result<i64, StoreError> {
    const SQL: &str = "SELECT COUNT(*) FROM projects";
    Ok(on_db!(db, pool => sqlx::query_scalar(SQL).fetch_one(pool).await)?)
}

#[derive(sqlx::FromRow)]
struct RoundRow {
    year: i64,
    seq: i64,
    held_on: Option<NaiveDate>,
    venue: String,
    locked: bool,
}

fn round_id(year: i64, seq: i64) -> Result<RoundId, StoreError> {
    i32::try_from(year)
        .ok()
        .zip(u8::try_from(seq).ok())
        .and_then(|(y, s)| RoundId::new(y, s))
        .ok_or_else(|| corrupt("round", format!("{year}-{seq}")))
}

pub async fn load_rounds(db: &Db) -> Result<Vec<Round>, StoreError> {
    const SQL: &str = "SELECT year, seq, held_on, venue, locked FROM rounds ORDER BY year, seq";
    let rows: Vec<RoundRow> = on_db!(db, pool => sqlx::query_as(SQL).fetch_all(pool).await)?;
    rows.into_iter()
        .map(|r| {
            Ok(Round {
                id: round_id(r.year, r.seq)?,
                held_on: r.held_on,
                venue: r.venue,
                locked: r.locked,
            })
        })
        .collect()
}

#[derive(sqlx::FromRow)]
struct EntryRow {
    round_year: i64,
    round_seq: i64,
    batch: String,
    project_id: i64,
    zone_id: i64,
    amount_yuan: i64,
    expected_output_yuan: Option<i64>,
    strategic_emerging: bool,
    category: String,
}

const ENTRY_COLUMNS: &str = "round_year, round_seq, batch, project_id, zone_id, amount_yuan, \
    expected_output_yuan, strategic_emerging, category";

impl TryFrom<EntryRow> for BatchEntry {
    type Error = StoreError;

    fn try_from(r: EntryRow) -> Result<BatchEntry, StoreError> {
        Ok(BatchEntry {
            round: round_id(r.round_year, r.round_seq)?,
            batch: BatchKind::parse(&r.batch).ok_or_else(|| corrupt("batch", &r.batch))?,
            project_id: r.project_id,
            zone_id: r.zone_id,
            amount: Amount::from_yuan(r.amount_yuan),
            expected_output: r.expected_output_yuan.map(Amount::from_yuan),
            strategic_emerging: r.strategic_emerging,
            category: Category::parse(&r.category)
                .ok_or_else(|| corrupt("category", &r.category))?,
        })
    }
}

/// All batch entries, or only those of the rounds `from..=to`.
pub async fn load_entries(
    db: &Db,
    range: Option<(RoundId, RoundId)>,
) -> Result<Vec<BatchEntry>, StoreError> {
    let (from, to) = range.unwrap_or((RoundId { year: 0, seq: 1 }, RoundId { year: 9999, seq: 4 }));
    let sql = format!(
        "SELECT {ENTRY_COLUMNS} FROM batch_entries \
         WHERE round_year * 10 + round_seq BETWEEN $1 AND $2 \
         ORDER BY round_year, round_seq, batch, project_id"
    );
    let key = |r: RoundId| i64::from(r.year) * 10 + i64::from(r.seq);
    let rows: Vec<EntryRow> = on_db!(db, pool => sqlx::query_as(sql.as_str())
        .bind(key(from))
        .bind(key(to))
        .fetch_all(pool)
        .await)?;
    rows.into_iter().map(BatchEntry::try_from).collect()
}

#[derive(sqlx::FromRow)]
struct MonthlyRow {
    project_id: i64,
    month: i64,
    invested_yuan: i64,
}

impl TryFrom<MonthlyRow> for MonthlyReport {
    type Error = StoreError;

    fn try_from(r: MonthlyRow) -> Result<MonthlyReport, StoreError> {
        Ok(MonthlyReport {
            project_id: r.project_id,
            month: Month::from_key(r.month).ok_or_else(|| corrupt("month", r.month))?,
            invested: Amount::from_yuan(r.invested_yuan),
        })
    }
}

/// Every project's monthly reports, read as a stream straight into one list per project (no
/// list of all 13 million rows is ever held).
pub(crate) async fn monthly_by_project(
    db: &Db,
) -> Result<std::collections::HashMap<i64, Vec<(Month, Amount)>>, StoreError> {
    use futures_util::TryStreamExt;
    const SQL: &str = "SELECT project_id, month, invested_yuan FROM monthly_reports";
    let mut by_project: std::collections::HashMap<i64, Vec<(Month, Amount)>> =
        std::collections::HashMap::new();
    on_db!(db, pool => {
        let mut rows = sqlx::query_as::<_, MonthlyRow>(SQL).fetch(pool);
        while let Some(r) = rows.try_next().await? {
            let month = Month::from_key(r.month).ok_or_else(|| corrupt("month", r.month))?;
            by_project
                .entry(r.project_id)
                .or_default()
                .push((month, Amount::from_yuan(r.invested_yuan)));
        }
    });
    for reports in by_project.values_mut() {
        reports.sort_by_key(|(m, _)| *m);
        reports.shrink_to_fit();
    }
    Ok(by_project)
}

pub async fn load_monthly_reports(db: &Db) -> Result<Vec<MonthlyReport>, StoreError> {
    const SQL: &str =
        "SELECT project_id, month, invested_yuan FROM monthly_reports ORDER BY project_id, month";
    collect(db, SQL, |r: MonthlyRow| MonthlyReport::try_from(r)).await
}

/// The monthly reports of one project, in month order.
pub async fn monthly_reports_of(
    db: &Db,
    project_id: i64,
) -> Result<Vec<MonthlyReport>, StoreError> {
    const SQL: &str = "SELECT project_id, month, invested_yuan FROM monthly_reports WHERE project_id = $1 ORDER BY month";
    let rows: Vec<MonthlyRow> =
        on_db!(db, pool => sqlx::query_as(SQL).bind(project_id).fetch_all(pool).await)?;
    rows.into_iter().map(MonthlyReport::try_from).collect()
}

#[derive(sqlx::FromRow)]
struct BlockerRow {
    id: i64,
    project_id: i64,
    description: String,
    owner_unit: String,
    owner: String,
    due_on: Option<NaiveDate>,
    resolved_on: Option<NaiveDate>,
    raised_on: Option<NaiveDate>,
    category: String,
    status: String,
    level: String,
    resolution: String,
    version: i64,
}

impl BlockerRow {
    fn blocker(self) -> Result<Blocker, StoreError> {
        use kfq_core::blocker::{BlockerCategory, BlockerLevel, BlockerStatus, Coded};
        let corrupt = |what: &str| StoreError::Corrupt(format!("blocker {}: {what}", self.id));
        Ok(Blocker {
            category: BlockerCategory::parse(&self.category).ok_or_else(|| corrupt("category"))?,
            status: BlockerStatus::parse(&self.status).ok_or_else(|| corrupt("status"))?,
            level: BlockerLevel::parse(&self.level).ok_or_else(|| corrupt("level"))?,
            id: self.id,
            project_id: self.project_id,
            description: self.description,
            owner_unit: self.owner_unit,
            owner: self.owner,
            due_on: self.due_on,
            resolved_on: self.resolved_on,
            raised_on: self.raised_on,
            resolution: self.resolution,
            version: self.version,
        })
    }
}

const BLOCKER_COLUMNS: &str = "id, project_id, description, owner_unit, owner, due_on, \
    resolved_on, raised_on, category, status, level, resolution, version";

pub async fn load_blockers(db: &Db) -> Result<Vec<Blocker>, StoreError> {
    let sql = format!("SELECT {BLOCKER_COLUMNS} FROM blockers ORDER BY project_id, id");
    collect(db, &sql, BlockerRow::blocker).await
}

/// One blocker as stored now (not from the snapshot), inside a transaction.
pub async fn blocker_in(tx: &mut Tx, id: i64) -> Result<Option<Blocker>, StoreError> {
    let sql = format!("SELECT {BLOCKER_COLUMNS} FROM blockers WHERE id = $1");
    let row: Option<BlockerRow> =
        crate::on_tx!(tx, conn => sqlx::query_as(&sql).bind(id).fetch_optional(conn).await)?;
    row.map(BlockerRow::blocker).transpose()
}

/// A progress note on a blocker.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct BlockerNote {
    pub id: i64,
    pub blocker_id: i64,
    pub at: chrono::DateTime<chrono::Utc>,
    pub author: String,
    pub note: String,
}

/// A blocker's progress notes, oldest first.
pub async fn blocker_notes(db: &Db, blocker_id: i64) -> Result<Vec<BlockerNote>, StoreError> {
    const SQL: &str = "SELECT id, blocker_id, at, author, note FROM blocker_notes \
        WHERE blocker_id = $1 ORDER BY id";
    Ok(on_db!(db, pool => sqlx::query_as(SQL).bind(blocker_id).fetch_all(pool).await)?)
}

/// How many audit events are stored (for tests and the status line).
pub async fn count_audit_events(db: &Db) -> Result<i64, StoreError> {
    const SQL: &str = "SELECT COUNT(*) FROM audit_events";
    Ok(on_db!(db, pool => sqlx::query_scalar(SQL).fetch_one(pool).await)?)
}

#[derive(sqlx::FromRow)]
struct AuditRow {
    at: chrono::DateTime<chrono::Utc>,
    actor: String,
    action: String,
    object_type: String,
    object_id: String,
    before: Option<String>,
    after: Option<String>,
    ip: Option<String>,
}

const AUDIT_COLUMNS: &str = "at, actor, action, object_type, object_id, before, after, ip";

/// The audit events of one kind of object, oldest first: up to and including `until`, or
/// after `since`.
pub async fn audit_of_kind(
    db: &Db,
    object_type: &str,
    since: Option<DateTime<Utc>>,
    until: Option<DateTime<Utc>>,
) -> Result<Vec<kfq_core::audit::AuditEvent>, StoreError> {
    const SQL: &str =
        "SELECT at, actor, action, object_type, object_id, before, after, ip FROM audit_events \
        WHERE object_type = $1 AND at > $2 AND at <= $3 ORDER BY id";
    // Bounds within four-digit years: SQLite compares the stored texts.
    let since = since.unwrap_or(DateTime::<Utc>::UNIX_EPOCH);
    let until = until.unwrap_or_else(|| {
        NaiveDate::from_ymd_opt(9999, 12, 31)
            .and_then(|d| d.and_hms_opt(0, 0, 0))
            .map_or(DateTime::<Utc>::UNIX_EPOCH, |t| t.and_utc())
    });
    let rows: Vec<AuditRow> = on_db!(db, pool => sqlx::query_as(SQL).bind(object_type).bind(since).bind(until).fetch_all(pool).await)?;
    Ok(rows.into_iter().map(AuditRow::event).collect())
}

/// What to look for in the audit trail; empty fields match everything.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AuditQuery {
    /// Entries after this moment…
    pub since: Option<DateTime<Utc>>,
    /// …and not after this one.
    pub until: Option<DateTime<Utc>>,
    /// Of this user.
    pub user: Option<String>,
    /// Of this action (`update`, `sign_in_failed`, `export`, …).
    pub action: Option<String>,
    /// About this object: its type (`project`, `user`) or its id (a project's code, a username).
    pub object: Option<String>,
}

/// One page of the audit trail, newest first.
pub async fn audit_search(
    db: &Db,
    query: &AuditQuery,
    limit: i64,
) -> Result<Vec<(i64, kfq_core::audit::AuditEvent)>, StoreError> {
    let sql = format!(
        "SELECT id, {AUDIT_COLUMNS} FROM audit_events WHERE at > $1 AND at <= $2 \
         AND ($3 = '' OR actor = $3) AND ($4 = '' OR action = $4) \
         AND ($5 = '' OR object_type = $5 OR object_id = $5) ORDER BY id DESC LIMIT $6"
    );
    let since = query.since.unwrap_or(DateTime::<Utc>::UNIX_EPOCH);
    // Times are compared as text on SQLite: the end of year 9999, not chrono's far future.
    let until = query.until.unwrap_or_else(|| {
        chrono::NaiveDate::from_ymd_opt(9999, 12, 31)
            .and_then(|d| d.and_hms_opt(23, 59, 59))
            .map_or(DateTime::<Utc>::UNIX_EPOCH, |t| t.and_utc())
    });
    let text = |t: &Option<String>| t.as_deref().map(str::trim).unwrap_or_default().to_string();
    let (user, action, object) = (text(&query.user), text(&query.action), text(&query.object));
    let rows: Vec<IdAuditRow> = on_db!(db, pool => sqlx::query_as(&sql)
        .bind(since)
        .bind(until)
        .bind(&user)
        .bind(&action)
        .bind(&object)
        .bind(limit)
        .fetch_all(pool)
        .await)?;
    Ok(rows.into_iter().map(|r| (r.id, r.row.event())).collect())
}

/// The whole trail in the order it was written, with each entry's stored hash.
pub async fn audit_trail(
    db: &Db,
) -> Result<Vec<(i64, kfq_core::audit::AuditEvent, Option<String>)>, StoreError> {
    let sql = format!("SELECT id, {AUDIT_COLUMNS}, hash FROM audit_events ORDER BY id");
    let rows: Vec<ChainRow> = on_db!(db, pool => sqlx::query_as(&sql).fetch_all(pool).await)?;
    Ok(rows
        .into_iter()
        .map(|r| (r.id, r.row.event(), r.hash))
        .collect())
}

#[derive(sqlx::FromRow)]
struct IdAuditRow {
    id: i64,
    #[sqlx(flatten)]
    row: AuditRow,
}

#[derive(sqlx::FromRow)]
struct ChainRow {
    id: i64,
    #[sqlx(flatten)]
    row: AuditRow,
    hash: Option<String>,
}

/// How many times `action` was recorded on the object after `since`.
pub async fn audit_count(
    db: &Db,
    object_type: &str,
    object_id: &str,
    action: &str,
    since: DateTime<Utc>,
) -> Result<i64, StoreError> {
    const SQL: &str = "SELECT COUNT(*) FROM audit_events \
        WHERE object_type = $1 AND object_id = $2 AND action = $3 AND at > $4";
    Ok(
        on_db!(db, pool => sqlx::query_scalar(SQL).bind(object_type).bind(object_id).bind(action).bind(since).fetch_one(pool).await)?,
    )
}

/// When `action` was last recorded on the object.
pub async fn audit_last(
    db: &Db,
    object_type: &str,
    object_id: &str,
    action: &str,
) -> Result<Option<DateTime<Utc>>, StoreError> {
    const SQL: &str = "SELECT MAX(at) FROM audit_events \
        WHERE object_type = $1 AND object_id = $2 AND action = $3";
    Ok(
        on_db!(db, pool => sqlx::query_scalar(SQL).bind(object_type).bind(object_id).bind(action).fetch_one(pool).await)?,
    )
}

/// The audit events of one object, oldest first.
pub async fn audit_of(
    db: &Db,
    object_type: &str,
    object_id: &str,
) -> Result<Vec<kfq_core::audit::AuditEvent>, StoreError> {
    const SQL: &str =
        "SELECT at, actor, action, object_type, object_id, before, after, ip FROM audit_events \
        WHERE object_type = $1 AND object_id = $2 ORDER BY id";
    let rows: Vec<AuditRow> = on_db!(db, pool => sqlx::query_as(SQL).bind(object_type).bind(object_id).fetch_all(pool).await)?;
    Ok(rows.into_iter().map(AuditRow::event).collect())
}

impl AuditRow {
    fn event(self) -> kfq_core::audit::AuditEvent {
        kfq_core::audit::AuditEvent {
            at: self.at,
            actor: self.actor,
            action: self.action,
            object_type: self.object_type,
            object_id: self.object_id,
            before: self.before,
            after: self.after,
            ip: self.ip,
        }
    }
}

pub async fn load_project(db: &Db, id: i64) -> Result<Option<Project>, StoreError> {
    let sql = format!("SELECT {PROJECT_COLUMNS} FROM projects WHERE id = $1");
    let row: Option<ProjectRow> =
        on_db!(db, pool => sqlx::query_as(&sql).bind(id).fetch_optional(pool).await)?;
    row.map(Project::try_from).transpose()
}

/// Ids written into a statement's `IN (…)`: integers only, so nothing a user typed.
pub(crate) fn id_list(ids: &[i64]) -> String {
    ids.iter().map(i64::to_string).collect::<Vec<_>>().join(",")
}

/// The rows of the projects `ids` (the project itself, its batch entries, its monthly reports,
/// its blockers), read in chunks of a thousand ids: what the read model reads again for the
/// projects changed since its version.
pub(crate) async fn rows_of_projects(
    db: &Db,
    ids: &[i64],
) -> Result<
    (
        Vec<Project>,
        Vec<BatchEntry>,
        Vec<MonthlyReport>,
        Vec<Blocker>,
    ),
    StoreError,
> {
    let (mut projects, mut entries, mut monthly, mut blockers) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for chunk in ids.chunks(1000) {
        let list = id_list(chunk);
        let sql = format!("SELECT {PROJECT_COLUMNS} FROM projects WHERE id IN ({list})");
        let rows: Vec<ProjectRow> = on_db!(db, pool => sqlx::query_as(&sql).fetch_all(pool).await)?;
        for r in rows {
            projects.push(Project::try_from(r)?);
        }
        let sql = format!("SELECT {ENTRY_COLUMNS} FROM batch_entries WHERE project_id IN ({list})");
        let rows: Vec<EntryRow> = on_db!(db, pool => sqlx::query_as(&sql).fetch_all(pool).await)?;
        for r in rows {
            entries.push(BatchEntry::try_from(r)?);
        }
        let sql = format!(
            "SELECT project_id, month, invested_yuan FROM monthly_reports \
             WHERE project_id IN ({list}) ORDER BY project_id, month"
        );
        let rows: Vec<MonthlyRow> = on_db!(db, pool => sqlx::query_as(&sql).fetch_all(pool).await)?;
        for r in rows {
            monthly.push(MonthlyReport::try_from(r)?);
        }
        let sql = format!(
            "SELECT {BLOCKER_COLUMNS} FROM blockers WHERE project_id IN ({list}) ORDER BY project_id, id"
        );
        let rows: Vec<BlockerRow> = on_db!(db, pool => sqlx::query_as(&sql).fetch_all(pool).await)?;
        for r in rows {
            blockers.push(r.blocker()?);
        }
    }
    Ok((projects, entries, monthly, blockers))
}
