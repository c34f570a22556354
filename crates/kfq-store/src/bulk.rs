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
}

/// Rows per statement: SQLite allows 32766 placeholders, PostgreSQL 65535.
const MAX_PLACEHOLDERS: usize = 30_000;

/// `INSERT INTO {table} ({columns}) VALUES (...), (...) {suffix}` in chunks.
pub(crate) async fn insert_rows(
    tx: &mut Tx,
    table: &str,
    columns: &[&str],
    suffix: &str,
    rows: &[Vec<Value>],
) -> Result<(), StoreError> {
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
        on_tx!(tx, conn => {
            let mut query = sqlx::query(&sql);
            for row in chunk {
                for value in row {
                    query = match value {
                        Value::Int(v) => query.bind(*v),
                        Value::Text(v) => query.bind(v.clone()),
                        Value::Date(v) => query.bind(*v),
                        Value::Bool(v) => query.bind(*v),
                        Value::Time(v) => query.bind(*v),
                    };
                }
            }
            query.execute(conn).await.map(|r| r.rows_affected())
        })?;
    }
    Ok(())
}
