//! 调度会 storage: meetings, their agendas and decisions, and the blockers decisions touched.

use chrono::NaiveDate;
use kfq_core::blocker::BlockerLevel;
use kfq_core::meeting::{reasons_parse, reasons_text, AgendaItem, Coded, Meeting};

use crate::{on_db, on_tx, Db, StoreError, Tx};

#[derive(sqlx::FromRow)]
struct MeetingRow {
    id: i64,
    scope: String,
    level: String,
    title: String,
    held_on: NaiveDate,
    chair: String,
    attendees: String,
    closed: bool,
    version: i64,
}

impl MeetingRow {
    fn meeting(self) -> Result<Meeting, StoreError> {
        Ok(Meeting {
            level: BlockerLevel::parse(&self.level)
                .ok_or_else(|| StoreError::Corrupt(format!("meeting {}: level", self.id)))?,
            id: self.id,
            scope: self.scope,
            title: self.title,
            held_on: self.held_on,
            chair: self.chair,
            attendees: self.attendees,
            closed: self.closed,
            version: self.version,
        })
    }
}

const MEETING_COLUMNS: &str = "id, scope, level, title, held_on, chair, attendees, closed, version";

/// Whether any meeting is stored.
pub async fn any_meeting(db: &Db) -> Result<bool, StoreError> {
    const SQL: &str = "SELECT id FROM meetings LIMIT 1";
    let found: Option<i64> =
        on_db!(db, pool => sqlx::query_scalar(SQL).fetch_optional(pool).await)?;
    Ok(found.is_some())
}

/// The day of a region's last meeting before `day`, if any.
pub async fn previous_meeting_day(
    db: &Db,
    scope: &str,
    day: NaiveDate,
) -> Result<Option<NaiveDate>, StoreError> {
    const SQL: &str = "SELECT held_on FROM meetings WHERE scope = $1 AND held_on < $2 \
        ORDER BY held_on DESC LIMIT 1";
    Ok(
        on_db!(db, pool => sqlx::query_scalar(SQL).bind(scope).bind(day).fetch_optional(pool).await)?,
    )
}

/// Every meeting, the latest first.
pub async fn meetings(db: &Db) -> Result<Vec<Meeting>, StoreError> {
    let sql = format!("SELECT {MEETING_COLUMNS} FROM meetings ORDER BY held_on DESC, id DESC");
    let rows: Vec<MeetingRow> = on_db!(db, pool => sqlx::query_as(&sql).fetch_all(pool).await)?;
    rows.into_iter().map(MeetingRow::meeting).collect()
}

/// One meeting.
pub async fn meeting(db: &Db, id: i64) -> Result<Option<Meeting>, StoreError> {
    let sql = format!("SELECT {MEETING_COLUMNS} FROM meetings WHERE id = $1");
    let row: Option<MeetingRow> =
        on_db!(db, pool => sqlx::query_as(&sql).bind(id).fetch_optional(pool).await)?;
    row.map(MeetingRow::meeting).transpose()
}

/// One meeting as stored now, inside a transaction.
pub async fn meeting_in(tx: &mut Tx, id: i64) -> Result<Option<Meeting>, StoreError> {
    let sql = format!("SELECT {MEETING_COLUMNS} FROM meetings WHERE id = $1");
    let row: Option<MeetingRow> =
        on_tx!(tx, conn => sqlx::query_as(&sql).bind(id).fetch_optional(conn).await)?;
    row.map(MeetingRow::meeting).transpose()
}

/// Adds a meeting; its id.
pub async fn insert_meeting(tx: &mut Tx, m: &Meeting) -> Result<i64, StoreError> {
    const SQL: &str = "INSERT INTO meetings (scope, level, title, held_on, chair, attendees, \
        closed, version) VALUES ($1, $2, $3, $4, $5, $6, $7, 1) RETURNING id";
    Ok(on_tx!(tx, conn => sqlx::query_scalar(SQL)
        .bind(&m.scope)
        .bind(m.level.code())
        .bind(&m.title)
        .bind(m.held_on)
        .bind(&m.chair)
        .bind(&m.attendees)
        .bind(m.closed)
        .fetch_one(conn)
        .await)?)
}

/// Saves a changed meeting if it is still at the version it was read at; its version goes up
/// by one. [`StoreError::Conflict`] when someone saved first.
pub async fn update_meeting(tx: &mut Tx, m: &Meeting) -> Result<(), StoreError> {
    const SQL: &str = "UPDATE meetings SET title = $1, held_on = $2, chair = $3, attendees = $4, \
        closed = $5, version = version + 1 WHERE id = $6 AND version = $7";
    let changed = on_tx!(tx, conn => sqlx::query(SQL)
        .bind(&m.title)
        .bind(m.held_on)
        .bind(&m.chair)
        .bind(&m.attendees)
        .bind(m.closed)
        .bind(m.id)
        .bind(m.version)
        .execute(conn)
        .await
        .map(|r| r.rows_affected()))?;
    if changed == 1 {
        Ok(())
    } else {
        Err(StoreError::Conflict)
    }
}

#[derive(sqlx::FromRow)]
struct ItemRow {
    id: i64,
    meeting_id: i64,
    project_id: i64,
    position: i64,
    reasons: String,
    decision: String,
    version: i64,
}

impl ItemRow {
    fn item(self) -> Result<AgendaItem, StoreError> {
        Ok(AgendaItem {
            reasons: reasons_parse(&self.reasons)
                .ok_or_else(|| StoreError::Corrupt(format!("agenda item {}: reasons", self.id)))?,
            id: self.id,
            meeting_id: self.meeting_id,
            project_id: self.project_id,
            position: self.position,
            decision: self.decision,
            version: self.version,
        })
    }
}

const ITEM_COLUMNS: &str = "id, meeting_id, project_id, position, reasons, decision, version";

const AGENDA: &str = "FROM agenda_items WHERE meeting_id = $1 ORDER BY position, id";

/// A meeting's agenda, in order.
pub async fn agenda(db: &Db, meeting_id: i64) -> Result<Vec<AgendaItem>, StoreError> {
    let sql = format!("SELECT {ITEM_COLUMNS} {AGENDA}");
    let rows: Vec<ItemRow> =
        on_db!(db, pool => sqlx::query_as(&sql).bind(meeting_id).fetch_all(pool).await)?;
    rows.into_iter().map(ItemRow::item).collect()
}

/// One item of a meeting's agenda as stored now, inside a transaction.
pub async fn agenda_item_in(
    tx: &mut Tx,
    meeting_id: i64,
    item_id: i64,
) -> Result<Option<AgendaItem>, StoreError> {
    let sql = format!("SELECT {ITEM_COLUMNS} FROM agenda_items WHERE meeting_id = $1 AND id = $2");
    let row: Option<ItemRow> = on_tx!(tx, conn => sqlx::query_as(&sql).bind(meeting_id).bind(item_id).fetch_optional(conn).await)?;
    row.map(ItemRow::item).transpose()
}

/// A meeting's agenda as stored now, inside a transaction.
pub async fn agenda_in(tx: &mut Tx, meeting_id: i64) -> Result<Vec<AgendaItem>, StoreError> {
    let sql = format!("SELECT {ITEM_COLUMNS} {AGENDA}");
    let rows: Vec<ItemRow> =
        on_tx!(tx, conn => sqlx::query_as(&sql).bind(meeting_id).fetch_all(conn).await)?;
    rows.into_iter().map(ItemRow::item).collect()
}

/// Each meeting's number of items and of items with a decision.
pub async fn agenda_counts(db: &Db) -> Result<Vec<(i64, i64, i64)>, StoreError> {
    const SQL: &str = "SELECT meeting_id, CAST(COUNT(*) AS BIGINT), \
        CAST(SUM(CASE WHEN decision <> '' THEN 1 ELSE 0 END) AS BIGINT) \
        FROM agenda_items GROUP BY meeting_id";
    Ok(on_db!(db, pool => sqlx::query_as(SQL).fetch_all(pool).await)?)
}

/// Puts a project on a meeting's agenda after the items it has; the item's id.
pub async fn insert_agenda_item(tx: &mut Tx, item: &AgendaItem) -> Result<i64, StoreError> {
    const SQL: &str = "INSERT INTO agenda_items (meeting_id, project_id, position, reasons, \
        decision, version) VALUES ($1, $2, $3, $4, $5, 1) RETURNING id";
    Ok(on_tx!(tx, conn => sqlx::query_scalar(SQL)
        .bind(item.meeting_id)
        .bind(item.project_id)
        .bind(item.position)
        .bind(reasons_text(&item.reasons))
        .bind(&item.decision)
        .fetch_one(conn)
        .await)?)
}

/// Saves an item's decision if the item is still at the version it was read at.
pub async fn update_agenda_item(tx: &mut Tx, item: &AgendaItem) -> Result<(), StoreError> {
    const SQL: &str = "UPDATE agenda_items SET decision = $1, version = version + 1 \
        WHERE id = $2 AND version = $3";
    let changed = on_tx!(tx, conn => sqlx::query(SQL)
        .bind(&item.decision)
        .bind(item.id)
        .bind(item.version)
        .execute(conn)
        .await
        .map(|r| r.rows_affected()))?;
    if changed == 1 {
        Ok(())
    } else {
        Err(StoreError::Conflict)
    }
}

/// Takes an item off the agenda (with its links to blockers; the blockers stay) if it is
/// still at the version it was read at. [`StoreError::Conflict`] when it changed or went.
pub async fn delete_agenda_item(tx: &mut Tx, item: &AgendaItem) -> Result<(), StoreError> {
    const LINKS: &str = "DELETE FROM decision_blockers WHERE item_id IN \
        (SELECT id FROM agenda_items WHERE id = $1 AND version = $2)";
    const ITEM: &str = "DELETE FROM agenda_items WHERE id = $1 AND version = $2";
    on_tx!(tx, conn => sqlx::query(LINKS)
        .bind(item.id).bind(item.version).execute(conn).await.map(|r| r.rows_affected()))?;
    let deleted = on_tx!(tx, conn => sqlx::query(ITEM)
        .bind(item.id).bind(item.version).execute(conn).await.map(|r| r.rows_affected()))?;
    if deleted == 1 {
        Ok(())
    } else {
        Err(StoreError::Conflict)
    }
}

/// Keeps the minutes as they were made final (None: they are open again).
pub async fn set_minutes(
    tx: &mut Tx,
    meeting_id: i64,
    minutes: Option<&[u8]>,
) -> Result<(), StoreError> {
    on_tx!(tx, conn => sqlx::query("UPDATE meetings SET minutes = $1 WHERE id = $2")
        .bind(minutes).bind(meeting_id).execute(conn).await.map(|r| r.rows_affected()))?;
    Ok(())
}

/// The minutes kept when the meeting's minutes were made final.
pub async fn final_minutes(db: &Db, meeting_id: i64) -> Result<Option<Vec<u8>>, StoreError> {
    const SQL: &str = "SELECT minutes FROM meetings WHERE id = $1";
    let found: Option<Option<Vec<u8>>> =
        on_db!(db, pool => sqlx::query_scalar(SQL).bind(meeting_id).fetch_optional(pool).await)?;
    Ok(found.flatten())
}

/// Records that an item's decision opened (`opened`) or changed (`updated`) a blocker; a
/// blocker it opened stays recorded as opened.
pub async fn link_decision_blocker(
    tx: &mut Tx,
    item_id: i64,
    blocker_id: i64,
    action: &str,
) -> Result<(), StoreError> {
    const SQL: &str = "INSERT INTO decision_blockers (item_id, blocker_id, action) \
        VALUES ($1, $2, $3) ON CONFLICT (item_id, blocker_id) DO NOTHING";
    on_tx!(tx, conn => sqlx::query(SQL).bind(item_id).bind(blocker_id).bind(action).execute(conn).await.map(|r| r.rows_affected()))?;
    Ok(())
}

/// The blockers a meeting's decisions touched: (item, blocker, `opened`|`updated`).
pub async fn decision_blockers(
    db: &Db,
    meeting_id: i64,
) -> Result<Vec<(i64, i64, String)>, StoreError> {
    const SQL: &str = "SELECT d.item_id, d.blocker_id, d.action FROM decision_blockers d \
        JOIN agenda_items i ON i.id = d.item_id WHERE i.meeting_id = $1 \
        ORDER BY d.item_id, d.blocker_id";
    Ok(on_db!(db, pool => sqlx::query_as(SQL).bind(meeting_id).fetch_all(pool).await)?)
}
