//! Users, sessions and API tokens. Secrets arrive here already hashed.

use chrono::{DateTime, Utc};

use crate::{on_db, on_tx, Db, StoreError, Tx};

/// A user as stored; `scope` is a region code or `zone:<id>`.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct UserRow {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub password_hash: String,
    pub role: String,
    pub scope: String,
    pub lang: String,
    pub must_change_password: bool,
    /// A disabled account signs in no more; its sessions and tokens open nothing.
    pub disabled: bool,
    /// The confirmed TOTP secret (base32), when the user signs in with a second factor.
    pub totp_secret: Option<String>,
    /// A TOTP secret being set up, until a code confirms it.
    pub totp_pending: Option<String>,
    /// The last step whose code signed in.
    pub totp_last_step: Option<i64>,
    /// Marked away (外出): the B角 takes the work of the projects this user is the A角 of.
    pub away: bool,
}

const USER_COLUMNS: &str = "id, username, display_name, password_hash, role, scope, lang, \
    must_change_password, disabled, totp_secret, totp_pending, totp_last_step, away";

pub async fn insert_user(tx: &mut Tx, u: &UserRow, at: DateTime<Utc>) -> Result<i64, StoreError> {
    const SQL: &str =
        "INSERT INTO users (username, display_name, password_hash, role, scope, lang, \
        must_change_password, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id";
    Ok(on_tx!(tx, conn => sqlx::query_scalar(SQL)
        .bind(&u.username)
        .bind(&u.display_name)
        .bind(&u.password_hash)
        .bind(&u.role)
        .bind(&u.scope)
        .bind(&u.lang)
        .bind(u.must_change_password)
        .bind(at)
        .fetch_one(conn)
        .await)?)
}

pub async fn user_by_name(db: &Db, username: &str) -> Result<Option<UserRow>, StoreError> {
    let sql = format!("SELECT {USER_COLUMNS} FROM users WHERE username = $1");
    Ok(on_db!(db, pool => sqlx::query_as(&sql).bind(username).fetch_optional(pool).await)?)
}

pub async fn user_by_id(db: &Db, id: i64) -> Result<Option<UserRow>, StoreError> {
    let sql = format!("SELECT {USER_COLUMNS} FROM users WHERE id = $1");
    Ok(on_db!(db, pool => sqlx::query_as(&sql).bind(id).fetch_optional(pool).await)?)
}

pub async fn set_password(
    tx: &mut Tx,
    user_id: i64,
    hash: &str,
    must_change: bool,
) -> Result<(), StoreError> {
    const SQL: &str =
        "UPDATE users SET password_hash = $1, must_change_password = $2 WHERE id = $3";
    on_tx!(tx, conn => sqlx::query(SQL).bind(hash).bind(must_change).bind(user_id).execute(conn).await.map(|r| r.rows_affected()))?;
    Ok(())
}

/// Every account, by username.
pub async fn users(db: &Db) -> Result<Vec<UserRow>, StoreError> {
    let sql = format!("SELECT {USER_COLUMNS} FROM users ORDER BY username");
    Ok(on_db!(db, pool => sqlx::query_as(&sql).fetch_all(pool).await)?)
}

/// Gives an account its role and scope.
pub async fn set_user_role(
    tx: &mut Tx,
    user_id: i64,
    role: &str,
    scope: &str,
) -> Result<(), StoreError> {
    const SQL: &str = "UPDATE users SET role = $1, scope = $2 WHERE id = $3";
    on_tx!(tx, conn => sqlx::query(SQL).bind(role).bind(scope).bind(user_id).execute(conn).await.map(|r| r.rows_affected()))?;
    Ok(())
}

/// Sets what a user's second factor is: `secret` confirmed, `pending` being set up, the last
/// step used.
pub async fn set_user_totp(
    tx: &mut Tx,
    user_id: i64,
    secret: Option<&str>,
    pending: Option<&str>,
    last_step: Option<i64>,
) -> Result<(), StoreError> {
    const SQL: &str = "UPDATE users SET totp_secret = $1, totp_pending = $2, totp_last_step = $3 \
        WHERE id = $4";
    on_tx!(tx, conn => sqlx::query(SQL).bind(secret).bind(pending).bind(last_step).bind(user_id).execute(conn).await.map(|r| r.rows_affected()))?;
    Ok(())
}

/// Records the step of a code that signed in, unless a later one was recorded meanwhile (two
/// sign-ins racing with one code: one wins). Whether it was recorded.
pub async fn use_totp_step(tx: &mut Tx, user_id: i64, step: i64) -> Result<bool, StoreError> {
    const SQL: &str = "UPDATE users SET totp_last_step = $1 \
        WHERE id = $2 AND (totp_last_step IS NULL OR totp_last_step < $1)";
    Ok(
        on_tx!(tx, conn => sqlx::query(SQL).bind(step).bind(user_id).execute(conn).await.map(|r| r.rows_affected()))?
            == 1,
    )
}

/// Disables an account or enables it again.
pub async fn set_user_disabled(
    tx: &mut Tx,
    user_id: i64,
    disabled: bool,
) -> Result<(), StoreError> {
    const SQL: &str = "UPDATE users SET disabled = $1 WHERE id = $2";
    on_tx!(tx, conn => sqlx::query(SQL).bind(disabled).bind(user_id).execute(conn).await.map(|r| r.rows_affected()))?;
    Ok(())
}

pub async fn set_user_lang(tx: &mut Tx, user_id: i64, lang: &str) -> Result<(), StoreError> {
    const SQL: &str = "UPDATE users SET lang = $1 WHERE id = $2";
    on_tx!(tx, conn => sqlx::query(SQL).bind(lang).bind(user_id).execute(conn).await.map(|r| r.rows_affected()))?;
    Ok(())
}

pub async fn insert_session(
    tx: &mut Tx,
    secret_hash: &str,
    user_id: i64,
    at: DateTime<Utc>,
    expires_at: DateTime<Utc>,
) -> Result<(), StoreError> {
    const SQL: &str =
        "INSERT INTO sessions (secret_hash, user_id, created_at, last_seen, expires_at) \
        VALUES ($1, $2, $3, $4, $5)";
    on_tx!(tx, conn => sqlx::query(SQL)
        .bind(secret_hash)
        .bind(user_id)
        .bind(at)
        .bind(at)
        .bind(expires_at)
        .execute(conn)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(())
}

/// How a secret signs in: a session (with when it was last used) or an API token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Credential {
    Session {
        user_id: i64,
        last_seen: DateTime<Utc>,
    },
    Token {
        user_id: i64,
    },
}

/// The user a live session (not past its lifetime, used since `idle_since`) or an API token
/// belongs to.
pub async fn user_for_secret(
    db: &Db,
    secret_hash: &str,
    now: DateTime<Utc>,
    idle_since: DateTime<Utc>,
) -> Result<Option<Credential>, StoreError> {
    const SESSION: &str = "SELECT user_id, last_seen FROM sessions \
        WHERE secret_hash = $1 AND expires_at > $2 AND last_seen > $3";
    const TOKEN: &str = "SELECT user_id FROM api_tokens WHERE secret_hash = $1";
    let session: Option<(i64, DateTime<Utc>)> = on_db!(db, pool => sqlx::query_as(SESSION).bind(secret_hash).bind(now).bind(idle_since).fetch_optional(pool).await)?;
    if let Some((user_id, last_seen)) = session {
        return Ok(Some(Credential::Session { user_id, last_seen }));
    }
    let token: Option<i64> =
        on_db!(db, pool => sqlx::query_scalar(TOKEN).bind(secret_hash).fetch_optional(pool).await)?;
    Ok(token.map(|user_id| Credential::Token { user_id }))
}

/// Records that a session was used at `at` (it stays alive for the idle timeout from then).
pub async fn touch_session(
    tx: &mut Tx,
    secret_hash: &str,
    at: DateTime<Utc>,
) -> Result<(), StoreError> {
    const SQL: &str = "UPDATE sessions SET last_seen = $1 WHERE secret_hash = $2";
    on_tx!(tx, conn => sqlx::query(SQL).bind(at).bind(secret_hash).execute(conn).await.map(|r| r.rows_affected()))?;
    Ok(())
}

/// Ends every session of a user (API tokens stay); how many there were.
pub async fn delete_sessions_of(tx: &mut Tx, user_id: i64) -> Result<u64, StoreError> {
    const SQL: &str = "DELETE FROM sessions WHERE user_id = $1";
    Ok(
        on_tx!(tx, conn => sqlx::query(SQL).bind(user_id).execute(conn).await.map(|r| r.rows_affected()))?,
    )
}

/// Forgets sessions past their lifetime or idle since before `idle_since`.
pub async fn delete_dead_sessions(
    tx: &mut Tx,
    now: DateTime<Utc>,
    idle_since: DateTime<Utc>,
) -> Result<u64, StoreError> {
    const SQL: &str = "DELETE FROM sessions WHERE expires_at <= $1 OR last_seen <= $2";
    Ok(
        on_tx!(tx, conn => sqlx::query(SQL).bind(now).bind(idle_since).execute(conn).await.map(|r| r.rows_affected()))?,
    )
}

pub async fn delete_session(tx: &mut Tx, secret_hash: &str) -> Result<(), StoreError> {
    const SQL: &str = "DELETE FROM sessions WHERE secret_hash = $1";
    on_tx!(tx, conn => sqlx::query(SQL).bind(secret_hash).execute(conn).await.map(|r| r.rows_affected()))?;
    Ok(())
}

pub async fn insert_token(
    tx: &mut Tx,
    secret_hash: &str,
    user_id: i64,
    name: &str,
    at: DateTime<Utc>,
) -> Result<(), StoreError> {
    const SQL: &str =
        "INSERT INTO api_tokens (secret_hash, user_id, name, created_at) VALUES ($1, $2, $3, $4)";
    on_tx!(tx, conn => sqlx::query(SQL)
        .bind(secret_hash)
        .bind(user_id)
        .bind(name)
        .bind(at)
        .execute(conn)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(())
}
