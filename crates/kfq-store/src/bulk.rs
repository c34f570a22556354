//! Inserting many rows in few statements: the demo data and large imports write tens of
//! thousands of monthly figures.

use chrono::{DateTime, NaiveDate, Utc};

use crate::{on_tx, StoreError, Tx};

/// A value bound to a placeholder.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Int(Option<i64>),
    Text(Option<String>),
    Date(Option<NaiveDate>),
    Bool(bool),
    Time(DateTime<Utc>),
    /// A moment that may be unknown (NULL typed as a timestamp).
    MaybeTime(Option<DateTime<Utc>>),
}

/// Binds each [`Value`] in turn to a query of either engine.
macro_rules! bind_all {
    ($query:expr, $values:expr) => {{
        let mut query = $query;
        for value in $values {
            query = match value {
                Value::Int(v) => query.bind(*v),
                Value::Text(v) => query.bind(v.clone()),
                Value::Date(v) => query.bind(*v),
                Value::Bool(v) => query.bind(*v),
                Value::Time(v) => query.bind(*v),
                Value::MaybeTime(v) => query.bind(*v),
            };
        }
        query
    }};
}
pub(crate) use bind_all;

/// Placeholders per statement. Both engines allow tens of thousands, but sqlx's SQLite driver
/// spends time growing with the square of a statement's placeholders: 30,000 made the demo load
/// take a minute, 500 takes it to six seconds.
const MAX_PLACEHOLDERS: usize = 500;

/// `INSERT INTO {table} ({columns}) VALUES (...), (...) {suffix}` in chunks.
pub(crate) async fn insert_rows(
    tx: &mut Tx,
    table: &str,
    columns: &[&str],
    suffix: &str,
    rows: &[Vec<Value>],
) -> Result<(), StoreError> {
    insert_chunks(tx, table, columns, suffix, rows, false)
        .await
        .map(|_| ())
}

/// Inserts the rows and returns, for each, its new id and the text of `key_expr` (a SQL
/// expression over the inserted row that identifies it), in no particular order.
pub(crate) async fn insert_rows_returning(
    tx: &mut Tx,
    table: &str,
    columns: &[&str],
    key_expr: &str,
    rows: &[Vec<Value>],
) -> Result<Vec<(i64, String)>, StoreError> {
    let suffix = format!("RETURNING id, {key_expr}");
    insert_chunks(tx, table, columns, &suffix, rows, true).await
}

async fn insert_chunks(
    tx: &mut Tx,
    table: &str,
    columns: &[&str],
    suffix: &str,
    rows: &[Vec<Value>],
    returning: bool,
) -> Result<Vec<(i64, String)>, StoreError> {
    let mut keys = Vec::new();
    let width = columns.len();
    let per_chunk = (MAX_PLACEHOLDERS / width).max(1);
    for chunk in rows.chunks(per_chunk) {
        let mut sql = format!("INSERT INTO {table} ({}) VALUES ", columns.join(", "));
        let mut n = 0;
        for (i, _) in chunk.iter().enumerate() {
            if i > 0 {
                sql.push_str(", ");
            }
            sql.push('(');
            for c in 0..width {
                if c > 0 {
                    sql.push_str(", ");
                }
                n += 1;
                sql.push_str(&format!("${n}"));
            }
            sql.push(')');
        }
        sql.push(' ');
        sql.push_str(suffix);
        let found: Vec<(i64, String)> = on_tx!(tx, conn => {
            let query = bind_all!(sqlx::query_as(&sql), chunk.iter().flatten());
            if returning {
                query.fetch_all(conn).await
            } else {
                query.fetch_all(conn).await.map(|_: Vec<(i64, String)>| Vec::new())
            }
        })?;
        keys.extend(found);
    }
    Ok(keys)
}

/// Inserts one row of a versioned table (version 1); its id.
pub(crate) async fn insert_versioned(
    tx: &mut Tx,
    table: &str,
    columns: &[&str],
    values: Vec<Value>,
) -> Result<i64, StoreError> {
    let placeholders: Vec<String> = (1..=columns.len()).map(|i| format!("${i}")).collect();
    let sql = format!(
        "INSERT INTO {table} ({}, version) VALUES ({}, 1) RETURNING id",
        columns.join(", "),
        placeholders.join(", ")
    );
    Ok(
        on_tx!(tx, conn => bind_all!(sqlx::query_scalar(&sql), values.iter())
        .fetch_one(conn)
        .await)?,
    )
}

/// Saves one row of a versioned table if it is still at `version`; its version goes up by one.
/// [`StoreError::Conflict`] when someone saved first.
pub(crate) async fn save_versioned(
    tx: &mut Tx,
    table: &str,
    columns: &[&str],
    mut values: Vec<Value>,
    id: i64,
    version: i64,
) -> Result<(), StoreError> {
    let sets: Vec<String> = columns
        .iter()
        .enumerate()
        .map(|(i, c)| format!("{c} = ${}", i + 1))
        .collect();
    let n = columns.len();
    let sql = format!(
        "UPDATE {table} SET {}, version = version + 1 WHERE id = ${} AND version = ${}",
        sets.join(", "),
        n + 1,
        n + 2
    );
    values.push(Value::Int(Some(id)));
    values.push(Value::Int(Some(version)));
    let changed = on_tx!(tx, conn => bind_all!(sqlx::query(&sql), values.iter())
        .execute(conn)
        .await
        .map(|r| r.rows_affected()))?;
    if changed == 1 {
        Ok(())
    } else {
        Err(StoreError::Conflict)
    }
}
