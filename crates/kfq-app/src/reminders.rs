//! 提醒 — reminders in kfq and out of it. A sweep reads each working account's 我的工作 and
//! stores, once per item and state, a reminder of what falls due within three days, what is
//! overdue, a return sent back and one awaiting review; each new reminder is queued in the
//! outbox in the same transaction, so what is stored is delivered even if kfq stops before
//! sending it (and waits there while no webhook is configured). Delivery claims a message
//! before sending it, so two processes never send the same one, and is tried until the receiver
//! takes it, waiting longer after each failure.

use std::future::Future;

use chrono::{DateTime, NaiveDate, Utc};
use kfq_core::access::Action;
use kfq_core::reminder::{self, Coded, ReminderKind};
use kfq_store::{Db, Notification, OutboxMessage};
use serde::Serialize;

use crate::{Actor, AppError};

/// A reminder as the user sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NotificationView {
    pub id: i64,
    pub kind: ReminderKind,
    pub title: String,
    pub link: String,
    pub due_on: Option<NaiveDate>,
    pub created_at: DateTime<Utc>,
    pub read: bool,
}

impl From<Notification> for NotificationView {
    fn from(n: Notification) -> NotificationView {
        NotificationView {
            id: n.id,
            kind: n.kind,
            title: n.title,
            link: n.link,
            due_on: n.due_on,
            created_at: n.created_at,
            read: n.read_at.is_some(),
        }
    }
}

/// The message the webhook receives for a reminder.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Message<'a> {
    /// The reminder's id: a receiver that sees it twice (a delivery whose answer was lost) can
    /// tell.
    pub id: i64,
    pub username: &'a str,
    pub kind: &'static str,
    pub kind_label: &'static str,
    pub title: &'a str,
    /// The kfq page where it is done, from the server's root.
    pub link: &'a str,
    pub due_on: Option<NaiveDate>,
    pub created_at: DateTime<Utc>,
}

/// What a sweep did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct Sweep {
    /// Accounts swept.
    pub users: usize,
    /// New reminders stored, each queued in the outbox.
    pub created: usize,
    /// Accounts whose sweep failed (logged; the others are swept all the same).
    pub failed: usize,
}

/// Stores the reminders of one account that it has not been told yet, each queued for the
/// webhook. How many were new.
async fn sweep_one(
    db: &Db,
    actor: &Actor,
    today: NaiveDate,
    now: DateTime<Utc>,
) -> Result<usize, AppError> {
    let work = crate::assignments::my_work(db, actor, today).await?;
    let fresh: Vec<Notification> = work
        .due
        .iter()
        .filter_map(|d| {
            Some(Notification {
                id: 0,
                username: actor.username.clone(),
                key: d.key.clone(),
                kind: d.reminder?,
                title: d.title.clone(),
                link: d.link.clone(),
                due_on: d.due_on,
                created_at: now,
                read_at: None,
            })
        })
        .filter(|n| !n.key.is_empty())
        .collect();
    if fresh.is_empty() {
        return Ok(0);
    }
    let mut tx = db.begin().await?;
    let mut created = 0;
    for n in &fresh {
        let Some(id) = kfq_store::insert_notification(&mut tx, n).await? else {
            continue;
        };
        created += 1;
        let message = Message {
            id,
            username: &n.username,
            kind: n.kind.code(),
            kind_label: n.kind.label(actor.lang),
            title: &n.title,
            link: &n.link,
            due_on: n.due_on,
            created_at: n.created_at,
        };
        let payload = serde_json::to_string(&message).map_err(|_| AppError::Internal)?;
        kfq_store::enqueue(&mut tx, id, &payload, now).await?;
    }
    tx.commit_outside_ledger().await?;
    Ok(created)
}

/// Sweeps every working account (the operator's task: the server's loop, `kfq reminders`).
/// One account's failure is logged and counted; the others are swept all the same.
pub async fn sweep(db: &Db, actor: &Actor, today: NaiveDate) -> Result<Sweep, AppError> {
    if actor.role != kfq_core::access::Role::Operator {
        return Err(AppError::Forbidden);
    }
    let now = whole_second(Utc::now());
    let mut sweep = Sweep::default();
    for user in crate::users::working_actors(db).await? {
        sweep.users += 1;
        match sweep_one(db, &user, today, now).await {
            Ok(created) => sweep.created += created,
            Err(e) => {
                eprintln!("kfq: reminders of {}: {e:?}", user.username);
                sweep.failed += 1;
            }
        }
    }
    Ok(sweep)
}

/// Stored times are to the second, so they compare alike on either engine.
fn whole_second(t: DateTime<Utc>) -> DateTime<Utc> {
    DateTime::from_timestamp(t.timestamp(), 0).unwrap_or(t)
}

/// The user's reminders, unread first (only those if asked), after telling them what is new
/// (so the list is current when they look), with how many are unread.
pub async fn list(
    db: &Db,
    actor: &Actor,
    unread_only: bool,
    today: NaiveDate,
) -> Result<(i64, Vec<NotificationView>), AppError> {
    actor.must(Action::Read)?;
    sweep_one(db, actor, today, whole_second(Utc::now())).await?;
    let items = kfq_store::notifications_of(db, &actor.username, unread_only, 200).await?;
    let unread = kfq_store::unread_count(db, &actor.username).await?;
    Ok((
        unread,
        items.into_iter().map(NotificationView::from).collect(),
    ))
}

/// How many of the user's reminders are unread (the badge in the navigation).
pub async fn unread(db: &Db, actor: &Actor) -> Result<i64, AppError> {
    Ok(kfq_store::unread_count(db, &actor.username).await?)
}

/// Opens one of the user's reminders: marks it read and answers the page where it is done.
/// Another user's reminder is not found.
pub async fn open(db: &Db, actor: &Actor, id: i64) -> Result<String, AppError> {
    actor.must(Action::Read)?;
    let n = kfq_store::notification(db, &actor.username, id)
        .await?
        .ok_or(AppError::NotFound)?;
    mark_read(db, actor, Some(id)).await?;
    Ok(n.link)
}

/// Marks one of the user's reminders read, or all of them; how many are still unread. Another
/// user's reminder is not found.
pub async fn mark_read(db: &Db, actor: &Actor, id: Option<i64>) -> Result<i64, AppError> {
    actor.must(Action::Read)?;
    if let Some(id) = id {
        if kfq_store::notification(db, &actor.username, id)
            .await?
            .is_none()
        {
            return Err(AppError::NotFound);
        }
    }
    let mut tx = db.begin().await?;
    kfq_store::mark_read(&mut tx, &actor.username, id, whole_second(Utc::now())).await?;
    tx.commit_outside_ledger().await?;
    unread(db, actor).await
}

/// What a round of delivery did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct Delivery {
    pub delivered: usize,
    pub failed: usize,
}

/// How long a claimed message is held for the process sending it: longer than a send takes.
const CLAIM_SECS: i64 = 60;

/// Tries each message due by now once with `send` (the webhook's POST), at most `limit` of
/// them: each is claimed first (another process sending at the same time skips it), delivered
/// ones are recorded, failed ones wait [`reminder::retry_after`] (from `base_secs`, counted from
/// the failure) before the next try.
pub async fn deliver<F, Fut>(
    db: &Db,
    base_secs: u64,
    limit: i64,
    send: F,
) -> Result<Delivery, AppError>
where
    F: Fn(String) -> Fut,
    Fut: Future<Output = Result<(), String>>,
{
    let mut done = Delivery::default();
    for m in kfq_store::outbox_due(db, whole_second(Utc::now()), limit).await? {
        let now = whole_second(Utc::now());
        let claim = now + chrono::Duration::seconds(CLAIM_SECS);
        if !kfq_store::outbox_claim(db, m.id, now, claim).await? {
            continue;
        }
        match send(m.payload.clone()).await {
            Ok(()) => {
                kfq_store::outbox_delivered(db, m.id, whole_second(Utc::now())).await?;
                done.delivered += 1;
            }
            Err(why) => {
                let wait = reminder::retry_after(m.attempts + 1, base_secs);
                let next = whole_second(Utc::now()) + chrono::Duration::seconds(wait as i64);
                kfq_store::outbox_failed(db, m.id, next, &why).await?;
                done.failed += 1;
            }
        }
    }
    Ok(done)
}

/// A message of the outbox as the operator sees it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OutboxView {
    pub id: i64,
    pub notification_id: i64,
    pub attempts: i64,
    pub next_attempt_at: DateTime<Utc>,
    pub delivered_at: Option<DateTime<Utc>>,
    pub last_error: String,
    pub message: serde_json::Value,
}

impl From<OutboxMessage> for OutboxView {
    fn from(m: OutboxMessage) -> OutboxView {
        OutboxView {
            id: m.id,
            notification_id: m.notification_id,
            attempts: m.attempts,
            next_attempt_at: m.next_attempt_at,
            delivered_at: m.delivered_at,
            last_error: m.last_error,
            message: serde_json::from_str(&m.payload).unwrap_or(serde_json::Value::Null),
        }
    }
}

/// The outbox, the latest first (the operator's view).
pub async fn outbox(db: &Db, actor: &Actor, limit: i64) -> Result<Vec<OutboxView>, AppError> {
    if actor.role != kfq_core::access::Role::Operator {
        return Err(AppError::Forbidden);
    }
    Ok(kfq_store::outbox(db, limit)
        .await?
        .into_iter()
        .map(OutboxView::from)
        .collect())
}
