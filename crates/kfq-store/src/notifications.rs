//! 提醒 storage: users' notifications, and the outbox that delivers them to the webhook.

use chrono::{DateTime, NaiveDate, Utc};
use kfq_core::reminder::{Coded, ReminderKind};

use crate::{on_db, on_tx, Db, StoreError, Tx};

/// A reminder as stored for one user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notification {
    pub id: i64,
    pub username: String,
    /// The item and the state it was found in: told once.
    pub key: String,
    pub kind: ReminderKind,
    pub title: String,
    pub link: String,
    pub due_on: Option<NaiveDate>,
    pub created_at: DateTime<Utc>,
    pub read_at: Option<DateTime<Utc>>,
}

type Row = (
    i64,
    String,
    String,
    String,
    String,
    String,
    Option<NaiveDate>,
    DateTime<Utc>,
    Option<DateTime<Utc>>,
);

const COLUMNS: &str = "id, username, item_key, kind, title, link, due_on, created_at, read_at";

fn from_row(r: Row) -> Result<Notification, StoreError> {
    let (id, username, key, kind, title, link, due_on, created_at, read_at) = r;
    Ok(Notification {
        kind: ReminderKind::parse(&kind)
            .ok_or_else(|| StoreError::Corrupt(format!("notification {id}: kind")))?,
        id,
        username,
        key,
        title,
        link,
        due_on,
        created_at,
        read_at,
    })
}

/// Stores a reminder unless the user has one of that key already: its id when new.
pub async fn insert_notification(tx: &mut Tx, n: &Notification) -> Result<Option<i64>, StoreError> {
    const SQL: &str = "INSERT INTO notifications (username, item_key, kind, title, link, due_on, \
        created_at) VALUES ($1, $2, $3, $4, $5, $6, $7) \
        ON CONFLICT (username, item_key) DO NOTHING RETURNING id";
    Ok(on_tx!(tx, conn => sqlx::query_scalar(SQL)
        .bind(&n.username)
        .bind(&n.key)
        .bind(n.kind.code())
        .bind(&n.title)
        .bind(&n.link)
        .bind(n.due_on)
        .bind(n.created_at)
        .fetch_optional(conn)
        .await)?)
}

/// A user's reminders, unread first, the latest first; only the unread ones if asked.
pub async fn notifications_of(
    db: &Db,
    username: &str,
    unread_only: bool,
    limit: i64,
) -> Result<Vec<Notification>, StoreError> {
    let sql = format!(
        "SELECT {COLUMNS} FROM notifications WHERE username = $1 AND ($2 = 0 OR read_at IS NULL) \
         ORDER BY CASE WHEN read_at IS NULL THEN 0 ELSE 1 END, id DESC LIMIT $3"
    );
    let rows: Vec<Row> = on_db!(db, pool => sqlx::query_as(&sql)
        .bind(username)
        .bind(i64::from(unread_only))
        .bind(limit)
        .fetch_all(pool)
        .await)?;
    rows.into_iter().map(from_row).collect()
}

/// How many of a user's reminders are unread.
pub async fn unread_count(db: &Db, username: &str) -> Result<i64, StoreError> {
    const SQL: &str = "SELECT COUNT(*) FROM notifications WHERE username = $1 AND read_at IS NULL";
    Ok(on_db!(db, pool => sqlx::query_scalar(SQL).bind(username).fetch_one(pool).await)?)
}

/// Marks a user's reminder read (all of them when `id` is None); how many were unread.
pub async fn mark_read(
    tx: &mut Tx,
    username: &str,
    id: Option<i64>,
    at: DateTime<Utc>,
) -> Result<u64, StoreError> {
    const SQL: &str = "UPDATE notifications SET read_at = $1 \
        WHERE username = $2 AND read_at IS NULL AND ($3 = 0 OR id = $3)";
    Ok(on_tx!(tx, conn => sqlx::query(SQL)
        .bind(at)
        .bind(username)
        .bind(id.unwrap_or(0))
        .execute(conn)
        .await
        .map(|r| r.rows_affected()))?)
}

/// A user's reminder by id (None for another user's).
pub async fn notification(
    db: &Db,
    username: &str,
    id: i64,
) -> Result<Option<Notification>, StoreError> {
    let sql = format!("SELECT {COLUMNS} FROM notifications WHERE username = $1 AND id = $2");
    let row: Option<Row> = on_db!(db, pool => sqlx::query_as(&sql).bind(username).bind(id).fetch_optional(pool).await)?;
    row.map(from_row).transpose()
}

/// A message waiting in the outbox (or delivered).
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct OutboxMessage {
    pub id: i64,
    pub notification_id: i64,
    /// The JSON body to POST.
    pub payload: String,
    pub attempts: i64,
    pub next_attempt_at: DateTime<Utc>,
    pub delivered_at: Option<DateTime<Utc>>,
    pub last_error: String,
}

/// Queues a reminder's delivery, in the transaction that stored it, due at once.
pub async fn enqueue(
    tx: &mut Tx,
    notification_id: i64,
    payload: &str,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    const SQL: &str = "INSERT INTO outbox (notification_id, payload, next_attempt_at) \
        VALUES ($1, $2, $3)";
    on_tx!(tx, conn => sqlx::query(SQL)
        .bind(notification_id)
        .bind(payload)
        .bind(now)
        .execute(conn)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(())
}

const OUTBOX_COLUMNS: &str =
    "id, notification_id, payload, attempts, next_attempt_at, delivered_at, last_error";

/// Messages not yet delivered whose next try is due by `now`, oldest first.
pub async fn outbox_due(
    db: &Db,
    now: DateTime<Utc>,
    limit: i64,
) -> Result<Vec<OutboxMessage>, StoreError> {
    let sql = format!(
        "SELECT {OUTBOX_COLUMNS} FROM outbox WHERE delivered_at IS NULL \
         AND next_attempt_at <= $1 ORDER BY id LIMIT $2"
    );
    Ok(on_db!(db, pool => sqlx::query_as(&sql).bind(now).bind(limit).fetch_all(pool).await)?)
}

/// Every message, the latest first (for the operator's view).
pub async fn outbox(db: &Db, limit: i64) -> Result<Vec<OutboxMessage>, StoreError> {
    let sql = format!("SELECT {OUTBOX_COLUMNS} FROM outbox ORDER BY id DESC LIMIT $1");
    Ok(on_db!(db, pool => sqlx::query_as(&sql).bind(limit).fetch_all(pool).await)?)
}

/// Claims a message for one process to send: moves its next try on to `until` if it is still
/// undelivered and due by `now`. False when another process claimed (or delivered) it first.
pub async fn outbox_claim(
    db: &Db,
    id: i64,
    now: DateTime<Utc>,
    until: DateTime<Utc>,
) -> Result<bool, StoreError> {
    const SQL: &str = "UPDATE outbox SET next_attempt_at = $1 \
        WHERE id = $2 AND delivered_at IS NULL AND next_attempt_at <= $3";
    let changed = on_db!(db, pool => sqlx::query(SQL)
        .bind(until)
        .bind(id)
        .bind(now)
        .execute(pool)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(changed == 1)
}

/// Records a delivery.
pub async fn outbox_delivered(db: &Db, id: i64, at: DateTime<Utc>) -> Result<(), StoreError> {
    const SQL: &str = "UPDATE outbox SET delivered_at = $1, attempts = attempts + 1, \
        last_error = '' WHERE id = $2";
    on_db!(db, pool => sqlx::query(SQL).bind(at).bind(id).execute(pool).await.map(|r| r.rows_affected()))?;
    Ok(())
}

/// Records a failed try and when to try again.
pub async fn outbox_failed(
    db: &Db,
    id: i64,
    next_attempt_at: DateTime<Utc>,
    error: &str,
) -> Result<(), StoreError> {
    const SQL: &str = "UPDATE outbox SET attempts = attempts + 1, next_attempt_at = $1, \
        last_error = $2 WHERE id = $3";
    on_db!(db, pool => sqlx::query(SQL).bind(next_attempt_at).bind(error).bind(id).execute(pool).await.map(|r| r.rows_affected()))?;
    Ok(())
}
