//! 月统计 storage: zones' monthly returns, their history, the figures frozen at each approval,
//! and the annual plans.

use chrono::{DateTime, Utc};
use kfq_core::monthly::Month;
use kfq_core::monthly_return::{Coded, ReturnStatus, ZoneReturn};
use kfq_core::Amount;

use crate::bulk::{insert_rows, Value};
use crate::{on_db, on_tx, Db, StoreError, Tx};

#[derive(sqlx::FromRow)]
struct ReturnRow {
    zone_id: i64,
    month: i64,
    status: String,
    revision: i64,
    reopened: bool,
    late: bool,
    submitted_at: Option<DateTime<Utc>>,
    submitted_by: String,
    reviewed_at: Option<DateTime<Utc>>,
    reviewed_by: String,
    comment: String,
    version: i64,
}

impl ReturnRow {
    fn zone_return(self) -> Result<ZoneReturn, StoreError> {
        let corrupt = |what: &str| {
            StoreError::Corrupt(format!(
                "monthly return {}/{}: {what}",
                self.zone_id, self.month
            ))
        };
        Ok(ZoneReturn {
            month: Month::from_key(self.month).ok_or_else(|| corrupt("month"))?,
            status: ReturnStatus::parse(&self.status).ok_or_else(|| corrupt("status"))?,
            zone_id: self.zone_id,
            revision: self.revision,
            reopened: self.reopened,
            late: self.late,
            submitted_at: self.submitted_at,
            submitted_by: self.submitted_by,
            reviewed_at: self.reviewed_at,
            reviewed_by: self.reviewed_by,
            comment: self.comment,
            version: self.version,
        })
    }
}

const RETURN_COLUMNS: &str = "zone_id, month, status, revision, reopened, late, submitted_at, \
    submitted_by, reviewed_at, reviewed_by, comment, version";

/// Every zone's stored return for a month (zones that have not started one have none).
pub async fn monthly_returns(db: &Db, month: Month) -> Result<Vec<ZoneReturn>, StoreError> {
    let sql = format!("SELECT {RETURN_COLUMNS} FROM monthly_returns WHERE month = $1");
    let rows: Vec<ReturnRow> =
        on_db!(db, pool => sqlx::query_as(&sql).bind(month.key()).fetch_all(pool).await)?;
    rows.into_iter().map(ReturnRow::zone_return).collect()
}

/// The zone-months whose figures are frozen (submitted or approved), with their status.
pub async fn frozen_months(db: &Db) -> Result<Vec<(i64, Month, ReturnStatus)>, StoreError> {
    const SQL: &str = "SELECT zone_id, month, status FROM monthly_returns \
        WHERE status IN ('submitted', 'approved')";
    let rows: Vec<(i64, i64, String)> =
        on_db!(db, pool => sqlx::query_as(SQL).fetch_all(pool).await)?;
    rows.into_iter()
        .map(|(zone, month, status)| {
            let corrupt = || StoreError::Corrupt(format!("monthly return {zone}/{month}"));
            Ok((
                zone,
                Month::from_key(month).ok_or_else(corrupt)?,
                ReturnStatus::parse(&status).ok_or_else(corrupt)?,
            ))
        })
        .collect()
}

/// One zone's returns for every month it has stored, oldest first.
pub async fn monthly_returns_of_zone(db: &Db, zone_id: i64) -> Result<Vec<ZoneReturn>, StoreError> {
    let sql =
        format!("SELECT {RETURN_COLUMNS} FROM monthly_returns WHERE zone_id = $1 ORDER BY month");
    let rows: Vec<ReturnRow> =
        on_db!(db, pool => sqlx::query_as(&sql).bind(zone_id).fetch_all(pool).await)?;
    rows.into_iter().map(ReturnRow::zone_return).collect()
}

/// A zone's return for a month as stored now, inside a transaction.
pub async fn monthly_return_in(
    tx: &mut Tx,
    zone_id: i64,
    month: Month,
) -> Result<Option<ZoneReturn>, StoreError> {
    let sql =
        format!("SELECT {RETURN_COLUMNS} FROM monthly_returns WHERE zone_id = $1 AND month = $2");
    let row: Option<ReturnRow> = on_tx!(tx, conn => sqlx::query_as(&sql).bind(zone_id).bind(month.key()).fetch_optional(conn).await)?;
    row.map(ReturnRow::zone_return).transpose()
}

/// Saves a return if it is still at the version it was read at (0: not stored yet); its
/// version goes up by one. [`StoreError::Conflict`] when someone saved first.
pub async fn save_monthly_return(tx: &mut Tx, r: &ZoneReturn) -> Result<(), StoreError> {
    const INSERT: &str = "INSERT INTO monthly_returns (status, revision, reopened, late, \
        submitted_at, submitted_by, reviewed_at, reviewed_by, comment, zone_id, month, version) \
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, 1) \
        ON CONFLICT (zone_id, month) DO NOTHING";
    const UPDATE: &str = "UPDATE monthly_returns SET status = $1, revision = $2, reopened = $3, \
        late = $4, submitted_at = $5, submitted_by = $6, reviewed_at = $7, reviewed_by = $8, \
        comment = $9, version = version + 1 WHERE zone_id = $10 AND month = $11 AND version = $12";
    let sql = if r.version == 0 { INSERT } else { UPDATE };
    let changed = on_tx!(tx, conn => {
        let query = sqlx::query(sql)
            .bind(r.status.code())
            .bind(r.revision)
            .bind(r.reopened)
            .bind(r.late)
            .bind(r.submitted_at)
            .bind(&r.submitted_by)
            .bind(r.reviewed_at)
            .bind(&r.reviewed_by)
            .bind(&r.comment)
            .bind(r.zone_id)
            .bind(r.month.key());
        let query = if r.version == 0 { query } else { query.bind(r.version) };
        query.execute(conn).await.map(|done| done.rows_affected())
    })?;
    if changed == 1 {
        Ok(())
    } else {
        Err(StoreError::Conflict)
    }
}

/// An entry of a return's history (报送记录).
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ReturnLogEntry {
    pub at: DateTime<Utc>,
    pub actor: String,
    pub action: String,
    pub comment: String,
}

pub async fn log_monthly_return(
    tx: &mut Tx,
    zone_id: i64,
    month: Month,
    entry: &ReturnLogEntry,
) -> Result<(), StoreError> {
    const SQL: &str =
        "INSERT INTO monthly_return_log (zone_id, month, at, actor, action, comment) \
        VALUES ($1, $2, $3, $4, $5, $6)";
    on_tx!(tx, conn => sqlx::query(SQL).bind(zone_id).bind(month.key()).bind(entry.at).bind(&entry.actor).bind(&entry.action).bind(&entry.comment).execute(conn).await.map(|r| r.rows_affected()))?;
    Ok(())
}

/// A return's history, oldest first.
pub async fn monthly_return_log(
    db: &Db,
    zone_id: i64,
    month: Month,
) -> Result<Vec<ReturnLogEntry>, StoreError> {
    const SQL: &str = "SELECT at, actor, action, comment FROM monthly_return_log \
        WHERE zone_id = $1 AND month = $2 ORDER BY id";
    Ok(
        on_db!(db, pool => sqlx::query_as(SQL).bind(zone_id).bind(month.key()).fetch_all(pool).await)?,
    )
}

/// A project's figure of a month: the investment and the progress (形象进度).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MonthFigure {
    pub project_id: i64,
    pub invested: Amount,
    pub progress: String,
}

#[derive(sqlx::FromRow)]
struct FigureRow {
    project_id: i64,
    invested_yuan: i64,
    progress: String,
}

impl From<FigureRow> for MonthFigure {
    fn from(r: FigureRow) -> MonthFigure {
        MonthFigure {
            project_id: r.project_id,
            invested: Amount::from_yuan(r.invested_yuan),
            progress: r.progress,
        }
    }
}

/// Every project's figure of a month, as being filled (the live ledger).
const MONTH_FIGURES: &str =
    "SELECT project_id, invested_yuan, progress FROM monthly_reports WHERE month = $1";

pub async fn month_figures(db: &Db, month: Month) -> Result<Vec<MonthFigure>, StoreError> {
    let rows: Vec<FigureRow> =
        on_db!(db, pool => sqlx::query_as(MONTH_FIGURES).bind(month.key()).fetch_all(pool).await)?;
    Ok(rows.into_iter().map(MonthFigure::from).collect())
}

/// The same, inside a transaction (what an approval freezes).
pub async fn month_figures_in(tx: &mut Tx, month: Month) -> Result<Vec<MonthFigure>, StoreError> {
    let rows: Vec<FigureRow> =
        on_tx!(tx, conn => sqlx::query_as(MONTH_FIGURES).bind(month.key()).fetch_all(conn).await)?;
    Ok(rows.into_iter().map(MonthFigure::from).collect())
}

/// The figures of a month of the projects `ids` (a return's lines), read by key a thousand
/// ids at a time: what one zone's return reads, not the whole month of every zone.
pub async fn month_figures_of(
    db: &Db,
    month: Month,
    ids: &[i64],
) -> Result<Vec<MonthFigure>, StoreError> {
    let mut figures = Vec::with_capacity(ids.len());
    for chunk in ids.chunks(1000) {
        let sql = figures_of(chunk);
        let rows: Vec<FigureRow> =
            on_db!(db, pool => sqlx::query_as(&sql).bind(month.key()).fetch_all(pool).await)?;
        figures.extend(rows.into_iter().map(MonthFigure::from));
    }
    Ok(figures)
}

/// The figures of a month of one zone's projects (a statement prepared once, unlike a list of
/// ids).
pub async fn month_figures_of_zone(
    db: &Db,
    month: Month,
    zone_id: i64,
) -> Result<Vec<MonthFigure>, StoreError> {
    const SQL: &str = "SELECT r.project_id, r.invested_yuan, r.progress FROM monthly_reports r \
        JOIN projects p ON p.id = r.project_id WHERE p.zone_id = $1 AND r.month = $2 \
        ORDER BY r.project_id";
    let rows: Vec<FigureRow> = on_db!(db, pool => sqlx::query_as(SQL).bind(zone_id).bind(month.key()).fetch_all(pool).await)?;
    Ok(rows.into_iter().map(MonthFigure::from).collect())
}

/// The same, inside a transaction (what a fill compares with and an approval freezes).
pub async fn month_figures_of_in(
    tx: &mut Tx,
    month: Month,
    ids: &[i64],
) -> Result<Vec<MonthFigure>, StoreError> {
    let mut figures = Vec::with_capacity(ids.len());
    for chunk in ids.chunks(1000) {
        let sql = figures_of(chunk);
        let rows: Vec<FigureRow> =
            on_tx!(tx, conn => sqlx::query_as(&sql).bind(month.key()).fetch_all(conn).await)?;
        figures.extend(rows.into_iter().map(MonthFigure::from));
    }
    Ok(figures)
}

fn figures_of(ids: &[i64]) -> String {
    format!(
        "SELECT project_id, invested_yuan, progress FROM monthly_reports \
         WHERE month = $1 AND project_id IN ({}) ORDER BY project_id",
        crate::read::id_list(ids)
    )
}

/// Sets projects' figures of months (added or replaced).
pub async fn set_month_figures(
    tx: &mut Tx,
    figures: &[(Month, MonthFigure)],
) -> Result<(), StoreError> {
    let rows: Vec<Vec<Value>> = figures
        .iter()
        .map(|(month, f)| {
            vec![
                Value::Int(Some(f.project_id)),
                Value::Int(Some(month.key())),
                Value::Int(Some(f.invested.yuan())),
                Value::Text(Some(f.progress.clone())),
            ]
        })
        .collect();
    insert_rows(
        tx,
        "monthly_reports",
        &["project_id", "month", "invested_yuan", "progress"],
        "ON CONFLICT (project_id, month) DO UPDATE SET invested_yuan = excluded.invested_yuan, \
         progress = excluded.progress",
        &rows,
    )
    .await
}

/// Freezes the figures a zone's return reported up, as its revision `revision`.
pub async fn freeze_revision(
    tx: &mut Tx,
    zone_id: i64,
    month: Month,
    revision: i64,
    figures: &[MonthFigure],
) -> Result<(), StoreError> {
    let rows: Vec<Vec<Value>> = figures
        .iter()
        .map(|f| {
            vec![
                Value::Int(Some(zone_id)),
                Value::Int(Some(month.key())),
                Value::Int(Some(revision)),
                Value::Int(Some(f.project_id)),
                Value::Int(Some(f.invested.yuan())),
                Value::Text(Some(f.progress.clone())),
            ]
        })
        .collect();
    insert_rows(
        tx,
        "monthly_revisions",
        &[
            "zone_id",
            "month",
            "revision",
            "project_id",
            "invested_yuan",
            "progress",
        ],
        "",
        &rows,
    )
    .await
}

/// Stores returns never stored before, each at version 1, with their histories — a ledger's
/// past months brought in at once (the demo's).
pub async fn insert_monthly_returns(
    tx: &mut Tx,
    returns: &[ZoneReturn],
    log: &[(i64, Month, ReturnLogEntry)],
) -> Result<(), StoreError> {
    let rows: Vec<Vec<Value>> = returns
        .iter()
        .map(|r| {
            vec![
                Value::Int(Some(r.zone_id)),
                Value::Int(Some(r.month.key())),
                Value::Text(Some(r.status.code().into())),
                Value::Int(Some(r.revision)),
                Value::Bool(r.reopened),
                Value::Bool(r.late),
                Value::MaybeTime(r.submitted_at),
                Value::Text(Some(r.submitted_by.clone())),
                Value::MaybeTime(r.reviewed_at),
                Value::Text(Some(r.reviewed_by.clone())),
                Value::Text(Some(r.comment.clone())),
                Value::Int(Some(1)),
            ]
        })
        .collect();
    insert_rows(
        tx,
        "monthly_returns",
        &[
            "zone_id",
            "month",
            "status",
            "revision",
            "reopened",
            "late",
            "submitted_at",
            "submitted_by",
            "reviewed_at",
            "reviewed_by",
            "comment",
            "version",
        ],
        "",
        &rows,
    )
    .await?;
    let rows: Vec<Vec<Value>> = log
        .iter()
        .map(|(zone, month, e)| {
            vec![
                Value::Int(Some(*zone)),
                Value::Int(Some(month.key())),
                Value::Time(e.at),
                Value::Text(Some(e.actor.clone())),
                Value::Text(Some(e.action.clone())),
                Value::Text(Some(e.comment.clone())),
            ]
        })
        .collect();
    insert_rows(
        tx,
        "monthly_return_log",
        &["zone_id", "month", "at", "actor", "action", "comment"],
        "",
        &rows,
    )
    .await
}

/// The figures of one revision of a zone's return.
pub async fn revision_figures(
    db: &Db,
    zone_id: i64,
    month: Month,
    revision: i64,
) -> Result<Vec<MonthFigure>, StoreError> {
    const SQL: &str = "SELECT project_id, invested_yuan, progress FROM monthly_revisions \
        WHERE zone_id = $1 AND month = $2 AND revision = $3 ORDER BY project_id";
    let rows: Vec<FigureRow> = on_db!(db, pool => sqlx::query_as(SQL).bind(zone_id).bind(month.key()).bind(revision).fetch_all(pool).await)?;
    Ok(rows.into_iter().map(MonthFigure::from).collect())
}

/// What each zone reported up for a month: the sum of its latest approved revision (zones with
/// none approved are absent).
pub async fn approved_totals(db: &Db, month: Month) -> Result<Vec<(i64, Amount)>, StoreError> {
    const SQL: &str =
        "SELECT v.zone_id, CAST(SUM(v.invested_yuan) AS BIGINT) FROM monthly_revisions v \
        JOIN monthly_returns r ON r.zone_id = v.zone_id AND r.month = v.month \
        AND r.revision = v.revision WHERE v.month = $1 GROUP BY v.zone_id";
    let rows: Vec<(i64, i64)> =
        on_db!(db, pool => sqlx::query_as(SQL).bind(month.key()).fetch_all(pool).await)?;
    Ok(rows
        .into_iter()
        .map(|(zone, yuan)| (zone, Amount::from_yuan(yuan)))
        .collect())
}

/// The investment plans of a year (年度计划投资), by project.
pub async fn annual_plans(db: &Db, year: i32) -> Result<Vec<(i64, Amount)>, StoreError> {
    const SQL: &str = "SELECT project_id, planned_yuan FROM annual_plans WHERE year = $1";
    let rows: Vec<(i64, i64)> =
        on_db!(db, pool => sqlx::query_as(SQL).bind(i64::from(year)).fetch_all(pool).await)?;
    Ok(rows
        .into_iter()
        .map(|(p, yuan)| (p, Amount::from_yuan(yuan)))
        .collect())
}

/// The plans of a year of one zone's projects.
pub async fn annual_plans_of_zone(
    db: &Db,
    year: i32,
    zone_id: i64,
) -> Result<Vec<(i64, Amount)>, StoreError> {
    const SQL: &str = "SELECT a.project_id, a.planned_yuan FROM annual_plans a \
        JOIN projects p ON p.id = a.project_id WHERE p.zone_id = $1 AND a.year = $2";
    let rows: Vec<(i64, i64)> = on_db!(db, pool => sqlx::query_as(SQL).bind(zone_id).bind(i64::from(year)).fetch_all(pool).await)?;
    Ok(rows
        .into_iter()
        .map(|(p, yuan)| (p, Amount::from_yuan(yuan)))
        .collect())
}

/// Every year's investment plans: (project, year, plan), by project and year.
pub async fn all_annual_plans(db: &Db) -> Result<Vec<(i64, i32, Amount)>, StoreError> {
    const SQL: &str =
        "SELECT project_id, year, planned_yuan FROM annual_plans ORDER BY project_id, year";
    let rows: Vec<(i64, i64, i64)> = on_db!(db, pool => sqlx::query_as(SQL).fetch_all(pool).await)?;
    Ok(rows
        .into_iter()
        .filter_map(|(p, year, yuan)| Some((p, i32::try_from(year).ok()?, Amount::from_yuan(yuan))))
        .collect())
}

/// Sets projects' plans for a year (added or replaced): (project, year, plan).
pub async fn set_annual_plans(tx: &mut Tx, plans: &[(i64, i32, Amount)]) -> Result<(), StoreError> {
    let rows: Vec<Vec<Value>> = plans
        .iter()
        .map(|(project, year, planned)| {
            vec![
                Value::Int(Some(*project)),
                Value::Int(Some(i64::from(*year))),
                Value::Int(Some(planned.yuan())),
            ]
        })
        .collect();
    insert_rows(
        tx,
        "annual_plans",
        &["project_id", "year", "planned_yuan"],
        "ON CONFLICT (project_id, year) DO UPDATE SET planned_yuan = excluded.planned_yuan",
        &rows,
    )
    .await
}
