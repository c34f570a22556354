//! Settings changed in kfq itself (the security policy), kept as text by key.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};

use crate::{on_db, on_tx, Db, StoreError, Tx};

/// How long settings read from the database are used before they are read again (another kfq
/// process may have changed them).
const FRESH: Duration = Duration::from_secs(2);

pub(crate) type Cache = Arc<Mutex<Option<(Instant, Arc<BTreeMap<String, String>>)>>>;

/// Every stored setting, by key.
pub async fn settings(db: &Db) -> Result<Arc<BTreeMap<String, String>>, StoreError> {
    if let Ok(cache) = db.settings.lock() {
        if let Some((_, values)) = cache.as_ref().filter(|(at, _)| at.elapsed() < FRESH) {
            return Ok(values.clone());
        }
    }
    const SQL: &str = "SELECT key, value FROM settings";
    let rows: Vec<(String, String)> =
        on_db!(db, pool => sqlx::query_as(SQL).fetch_all(pool).await)?;
    let values = Arc::new(rows.into_iter().collect::<BTreeMap<_, _>>());
    if let Ok(mut cache) = db.settings.lock() {
        *cache = Some((Instant::now(), values.clone()));
    }
    Ok(values)
}

/// Stores settings (inserted or replaced), and forgets the cached ones of `db`.
pub async fn set_settings(
    db: &Db,
    tx: &mut Tx,
    values: &[(String, String)],
    at: DateTime<Utc>,
    by: &str,
) -> Result<(), StoreError> {
    const SQL: &str = "INSERT INTO settings (key, value, changed_at, changed_by) \
        VALUES ($1, $2, $3, $4) ON CONFLICT (key) DO UPDATE SET value = excluded.value, \
        changed_at = excluded.changed_at, changed_by = excluded.changed_by";
    for (key, value) in values {
        on_tx!(tx, conn => sqlx::query(SQL).bind(key).bind(value).bind(at).bind(by).execute(conn).await.map(|r| r.rows_affected()))?;
    }
    if let Ok(mut cache) = db.settings.lock() {
        *cache = None;
    }
    Ok(())
}
