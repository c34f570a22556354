//! The dashboard questions as plain SQL (直接查询): what a reporting tool would run against the
//! tables and their indexes, one query per question, on either engine. kfq answers the same
//! questions from its read model; these are the reference its answers are tested against and
//! measured next to (`kfq bench`).

use chrono::NaiveDate;
use kfq_core::monthly::Month;
use kfq_core::round::RoundId;

use crate::{on_db, Db, StoreError};

/// One batch of one group (a city, a province) of a round, as SQL sums it.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct BatchSums {
    /// The group: a city code (round by city) or the first two digits of one (by province).
    pub key: String,
    pub batch: String,
    pub count: i64,
    pub amount_yuan: i64,
    pub strategic_count: i64,
    pub strategic_yuan: i64,
    pub industrial_count: i64,
    pub industrial_yuan: i64,
    pub expected_output_yuan: i64,
}

const BATCH_SUMS: &str = "b.batch, COUNT(*) AS count, \
    CAST(SUM(b.amount_yuan) AS BIGINT) AS amount_yuan, \
    CAST(SUM(CASE WHEN b.strategic_emerging THEN 1 ELSE 0 END) AS BIGINT) AS strategic_count, \
    CAST(SUM(CASE WHEN b.strategic_emerging THEN b.amount_yuan ELSE 0 END) AS BIGINT) AS strategic_yuan, \
    CAST(SUM(CASE WHEN b.category = 'industrial' THEN 1 ELSE 0 END) AS BIGINT) AS industrial_count, \
    CAST(SUM(CASE WHEN b.category = 'industrial' THEN b.amount_yuan ELSE 0 END) AS BIGINT) AS industrial_yuan, \
    CAST(SUM(COALESCE(b.expected_output_yuan, 0)) AS BIGINT) AS expected_output_yuan";

/// A round's batches by city, in the province whose code starts with `province` (two digits).
pub async fn round_by_city(
    db: &Db,
    round: RoundId,
    province: &str,
) -> Result<Vec<BatchSums>, StoreError> {
    let sql = format!(
        "SELECT z.city AS key, {BATCH_SUMS} FROM batch_entries b JOIN zones z ON z.id = b.zone_id \
         WHERE b.round_year = $1 AND b.round_seq = $2 AND substr(z.city, 1, 2) = $3 \
         GROUP BY z.city, b.batch"
    );
    Ok(on_db!(db, pool => sqlx::query_as(&sql)
        .bind(i64::from(round.year))
        .bind(i64::from(round.seq))
        .bind(province)
        .fetch_all(pool)
        .await)?)
}

/// A round's batches by province (the first two digits of the city code).
pub async fn round_by_province(db: &Db, round: RoundId) -> Result<Vec<BatchSums>, StoreError> {
    let sql = format!(
        "SELECT substr(z.city, 1, 2) AS key, {BATCH_SUMS} FROM batch_entries b \
         JOIN zones z ON z.id = b.zone_id WHERE b.round_year = $1 AND b.round_seq = $2 \
         GROUP BY substr(z.city, 1, 2), b.batch"
    );
    Ok(on_db!(db, pool => sqlx::query_as(&sql)
        .bind(i64::from(round.year))
        .bind(i64::from(round.seq))
        .fetch_all(pool)
        .await)?)
}

/// Blockers open and past their due date on `today`, by province (two digits).
pub async fn overdue_by_province(
    db: &Db,
    today: NaiveDate,
) -> Result<Vec<(String, i64)>, StoreError> {
    const SQL: &str = "SELECT substr(z.city, 1, 2), COUNT(*) FROM blockers k \
        JOIN projects p ON p.id = k.project_id JOIN zones z ON z.id = p.zone_id \
        WHERE k.status IN ('open', 'in_progress') AND k.resolved_on IS NULL AND k.due_on < $1 \
        GROUP BY substr(z.city, 1, 2)";
    Ok(on_db!(db, pool => sqlx::query_as(SQL).bind(today).fetch_all(pool).await)?)
}

/// One batch of a funnel: its entries, the industrial ones, and those that reached the
/// batch's next milestone by the day — with their entry amounts and their projects'
/// investment completed by the day's month.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct FunnelSums {
    pub batch: String,
    pub count: i64,
    pub amount_yuan: i64,
    pub industrial_count: i64,
    pub industrial_yuan: i64,
    pub converted_count: i64,
    pub converted_yuan: i64,
    pub converted_completed_yuan: i64,
    pub industrial_converted_count: i64,
    pub industrial_converted_yuan: i64,
    pub industrial_converted_completed_yuan: i64,
}

/// The funnel of rounds `from..=to` in a province (two digits), as of a day.
pub async fn funnel(
    db: &Db,
    (from, to): (RoundId, RoundId),
    province: &str,
    as_of: NaiveDate,
) -> Result<Vec<FunnelSums>, StoreError> {
    const SQL: &str = "SELECT batch, COUNT(*) AS count, \
        CAST(SUM(amount) AS BIGINT) AS amount_yuan, \
        CAST(SUM(industrial) AS BIGINT) AS industrial_count, \
        CAST(SUM(industrial * amount) AS BIGINT) AS industrial_yuan, \
        CAST(SUM(converted) AS BIGINT) AS converted_count, \
        CAST(SUM(converted * amount) AS BIGINT) AS converted_yuan, \
        CAST(SUM(converted * completed) AS BIGINT) AS converted_completed_yuan, \
        CAST(SUM(industrial * converted) AS BIGINT) AS industrial_converted_count, \
        CAST(SUM(industrial * converted * amount) AS BIGINT) AS industrial_converted_yuan, \
        CAST(SUM(industrial * converted * completed) AS BIGINT) AS industrial_converted_completed_yuan \
        FROM (SELECT b.batch, b.amount_yuan AS amount, \
          CASE WHEN b.category = 'industrial' THEN 1 ELSE 0 END AS industrial, \
          CASE WHEN (CASE b.batch WHEN 'sign' THEN p.started_on WHEN 'start' THEN p.producing_on \
                     ELSE p.reached_on END) <= $3 THEN 1 ELSE 0 END AS converted, \
          COALESCE((SELECT SUM(m.invested_yuan) FROM monthly_reports m \
                    WHERE m.project_id = b.project_id AND m.month <= $4), 0) AS completed \
          FROM batch_entries b JOIN zones z ON z.id = b.zone_id \
          JOIN projects p ON p.id = b.project_id \
          WHERE b.round_year * 10 + b.round_seq BETWEEN $1 AND $2 \
            AND substr(z.city, 1, 2) = $5) e \
        GROUP BY batch";
    let key = |r: RoundId| i64::from(r.year) * 10 + i64::from(r.seq);
    Ok(on_db!(db, pool => sqlx::query_as(SQL)
        .bind(key(from))
        .bind(key(to))
        .bind(as_of)
        .bind(Month::of(as_of).key())
        .bind(province)
        .fetch_all(pool)
        .await)?)
}

/// Investment completed per month (`from..=to`) in a province (two digits), months without a
/// report left out.
pub async fn trend(
    db: &Db,
    province: &str,
    (from, to): (Month, Month),
) -> Result<Vec<(i64, i64)>, StoreError> {
    const SQL: &str =
        "SELECT m.month, CAST(SUM(m.invested_yuan) AS BIGINT) FROM monthly_reports m \
        JOIN projects p ON p.id = m.project_id JOIN zones z ON z.id = p.zone_id \
        WHERE m.month BETWEEN $1 AND $2 AND substr(z.city, 1, 2) = $3 \
        GROUP BY m.month ORDER BY m.month";
    Ok(on_db!(db, pool => sqlx::query_as(SQL)
        .bind(from.key())
        .bind(to.key())
        .bind(province)
        .fetch_all(pool)
        .await)?)
}

/// A project stuck in its stage past the threshold: the first `limit` of each stage by amount
/// (largest first, then code), with the whole list's count and amount.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct StuckRow {
    /// signed, landed or producing.
    pub stage: String,
    pub code: String,
    pub name: String,
    pub amount_yuan: i64,
    pub since: NaiveDate,
    pub list_count: i64,
    pub list_yuan: i64,
}

/// The three stuck lists of one zone as of a day; `before` gives, per stage (signed, landed,
/// producing), the last day a project may have entered it and count as stuck.
pub async fn stuck(
    db: &Db,
    zone_id: i64,
    as_of: NaiveDate,
    before: [NaiveDate; 3],
    limit: i64,
) -> Result<Vec<StuckRow>, StoreError> {
    const SQL: &str = "SELECT stage, code, name, amount_yuan, since, list_count, list_yuan FROM ( \
        SELECT stage, code, name, amount_yuan, since, \
          ROW_NUMBER() OVER (PARTITION BY stage ORDER BY amount_yuan DESC, code) AS place, \
          COUNT(*) OVER (PARTITION BY stage) AS list_count, \
          CAST(SUM(amount_yuan) OVER (PARTITION BY stage) AS BIGINT) AS list_yuan \
        FROM (SELECT p.code, p.name, p.total_investment_yuan AS amount_yuan, \
          CASE WHEN p.terminated_on <= $1 THEN 'terminated' \
               WHEN p.reached_on <= $1 THEN 'reached' \
               WHEN p.producing_on <= $1 THEN 'producing' \
               WHEN p.started_on <= $1 THEN 'started' \
               WHEN p.landed_on <= $1 THEN 'landed' \
               WHEN p.signed_on <= $1 THEN 'signed' END AS stage, \
          CASE WHEN p.reached_on <= $1 THEN p.reached_on \
               WHEN p.producing_on <= $1 THEN p.producing_on \
               WHEN p.started_on <= $1 THEN p.started_on \
               WHEN p.landed_on <= $1 THEN p.landed_on \
               ELSE p.signed_on END AS since \
          FROM projects p WHERE p.zone_id = $2) s \
        WHERE (stage = 'signed' AND since <= $3) OR (stage = 'landed' AND since <= $4) \
           OR (stage = 'producing' AND since <= $5)) ranked \
        WHERE place <= $6 ORDER BY stage, place";
    Ok(on_db!(db, pool => sqlx::query_as(SQL)
        .bind(as_of)
        .bind(zone_id)
        .bind(before[0])
        .bind(before[1])
        .bind(before[2])
        .bind(limit)
        .fetch_all(pool)
        .await)?)
}
