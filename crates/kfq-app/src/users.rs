//! 用户 — accounts, sign-in, sessions and API tokens.
//!
//! Passwords are kept as argon2id hashes; session and token secrets are given to the user once
//! and kept only as SHA-256 hashes, so a copy of the database signs nobody in.

use chrono::{Duration, Utc};
use kfq_core::access::{Action, Role};
use kfq_core::scope::Scope;
use kfq_core::Lang;
use kfq_store::{Db, UserRow};
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::{Actor, AppError};

/// How long a session lasts without signing in again (the default of [`Policy`]).
pub const SESSION_HOURS: i64 = 12;

pub use crate::policy::Policy;

/// A session's last use is written at most this often (seconds), not on every request.
const TOUCH_SECONDS: i64 = 60;

/// A new account.
#[derive(Debug, Clone)]
pub struct NewUser {
    pub username: String,
    pub display_name: String,
    pub role: Role,
    /// A GB/T 2260 code, a city name or a zone's name.
    pub region: String,
    pub password: String,
    /// An initial password handed out: the user must choose their own at first sign-in.
    pub must_change_password: bool,
}

/// What the API tells a user about themselves.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UserView {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub scope: Scope,
    pub lang: Lang,
    pub must_change_password: bool,
    pub disabled: bool,
    /// Signs in with a second factor (动态口令).
    pub totp: bool,
    /// Must set up a second factor before anything else (`KFQ_TOTP_REQUIRED` names the role).
    pub must_enrol_totp: bool,
}

fn bad(name: &'static str, value: &str, expected: crate::Expected) -> AppError {
    AppError::BadArgument {
        name,
        value: value.into(),
        expected,
    }
}

/// Usernames are short plain identifiers, so that they read the same in logs and audits.
fn check_username(name: &str) -> Result<(), AppError> {
    let ok = (2..=32).contains(&name.chars().count())
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-'));
    if ok {
        Ok(())
    } else {
        Err(bad("username", name, crate::Expected::Username))
    }
}

/// At least `password_min_length` characters of at least `password_min_kinds` of the four
/// kinds 等保 names (capitals, small letters, digits, symbols; a Chinese character counts as
/// a small letter), and not the username.
pub fn check_password_with(
    policy: &Policy,
    username: &str,
    password: &str,
) -> Result<(), AppError> {
    let kinds = [
        password.chars().any(|c| c.is_uppercase()),
        password
            .chars()
            .any(|c| c.is_alphabetic() && !c.is_uppercase()),
        password.chars().any(|c| c.is_ascii_digit()),
        password.chars().any(|c| !c.is_alphanumeric()),
    ];
    let ok = password.chars().count() >= policy.password_min_length
        && kinds.iter().filter(|k| **k).count() >= policy.password_min_kinds
        && password != username;
    if ok {
        Ok(())
    } else {
        Err(AppError::WeakPassword {
            min_length: policy.password_min_length,
            min_kinds: policy.password_min_kinds,
        })
    }
}

/// The scope a role may have: a province user a province, a city user a city, zone staff a zone.
fn check_role_scope(role: Role, scope: &Scope, region: &str) -> Result<(), AppError> {
    let ok = match role {
        Role::Province => matches!(scope, Scope::Province { .. } | Scope::Country),
        Role::City => matches!(scope, Scope::City { .. }),
        Role::Zone | Role::Department => matches!(scope, Scope::Zone { .. }),
        Role::Agent => matches!(scope, Scope::Zone { .. } | Scope::City { .. }),
        Role::Leader => true,
        Role::SystemAdmin | Role::SecurityAdmin | Role::AuditAdmin | Role::Pending => {
            matches!(scope, Scope::Province { .. } | Scope::Country)
        }
        Role::Operator => false,
    };
    if ok {
        Ok(())
    } else {
        Err(bad("region", region, crate::Expected::RegionForRole(role)))
    }
}

/// Checks a password against its argon2 hash, off the async threads (it is slow on purpose).
async fn verify(password: &str, hash: String) -> Result<bool, AppError> {
    let given = password.to_string();
    tokio::task::spawn_blocking(move || password_auth::verify_password(given, &hash).is_ok())
        .await
        .map_err(|_| AppError::Internal)
}

async fn hash_password(password: &str) -> Result<String, AppError> {
    let password = password.to_string();
    tokio::task::spawn_blocking(move || password_auth::generate_hash(password))
        .await
        .map_err(|_| AppError::Internal)
}

/// 开户 — the system administrator opens an account awaiting its role (三员分立: the security
/// administrator grants it), in the administrator's own region, with an initial password shown
/// this once and changed at first sign-in.
pub async fn open_account(
    db: &Db,
    actor: &Actor,
    username: &str,
    display_name: &str,
) -> Result<(UserView, String), AppError> {
    let password = generate_password()?;
    let new = NewUser {
        username: username.trim().into(),
        display_name: display_name.trim().into(),
        role: Role::Pending,
        region: actor.scope.stored(),
        password: password.clone(),
        must_change_password: true,
    };
    Ok((add_user(db, actor, new).await?, password))
}

/// The scope a region names, if it lies within the actor's (for accounts: the administrators
/// see no project data, so [`Actor::region`] would refuse them).
fn account_scope(
    actor: &Actor,
    region: &str,
    zones: &[kfq_core::zone::Zone],
) -> Result<Scope, AppError> {
    match Scope::resolve(region, zones) {
        Some(scope) if actor.scope.covers(&scope) => Ok(scope),
        _ => Err(AppError::UnknownRegion(region.trim().into())),
    }
}

/// Creates an account. The system administrator creates accounts awaiting a role (三员分立:
/// the security administrator grants it); the operator on the server creates any.
pub async fn add_user(db: &Db, actor: &Actor, new: NewUser) -> Result<UserView, AppError> {
    actor.must(Action::ManageAccounts)?;
    if actor.role != Role::Operator && new.role != Role::Pending {
        return Err(AppError::Duty(Role::SecurityAdmin));
    }
    check_username(&new.username)?;
    let policy = Policy::load(db).await?;
    check_password_with(&policy, &new.username, &new.password)?;
    let zones = kfq_store::zones(db).await?;
    let scope = account_scope(actor, &new.region, &zones)?;
    check_role_scope(new.role, &scope, &new.region)?;
    if kfq_store::user_by_name(db, &new.username).await?.is_some() {
        return Err(AppError::UserExists(new.username));
    }
    let row = UserRow {
        id: 0,
        username: new.username,
        display_name: new.display_name,
        password_hash: hash_password(&new.password).await?,
        role: new.role.code().into(),
        scope: scope.stored(),
        lang: "zh".into(),
        must_change_password: new.must_change_password,
        disabled: false,
        totp_secret: None,
        totp_pending: None,
        totp_last_step: None,
        away: false,
    };
    let now = Utc::now();
    let mut tx = db.begin().await?;
    let id = kfq_store::insert_user(&mut tx, &row, now).await?;
    let after = serde_json::json!({"username": row.username, "role": row.role, "scope": row.scope})
        .to_string();
    crate::audit::append(
        &mut tx,
        actor,
        "create",
        "user",
        &row.username,
        None,
        Some(after),
    )
    .await?;
    tx.commit_outside_ledger().await?;
    Ok(UserView {
        id,
        username: row.username,
        display_name: row.display_name,
        role: new.role,
        scope,
        lang: Lang::Zh,
        must_change_password: row.must_change_password,
        disabled: false,
        totp: false,
        must_enrol_totp: policy.requires_totp(new.role),
    })
}

fn view(
    row: &UserRow,
    zones: &[kfq_core::zone::Zone],
    policy: &Policy,
) -> Result<UserView, AppError> {
    scoped_view(row, Scope::from_stored(&row.scope, zones), policy)
}

/// The account as seen, with its stored scope already read (None: not understood).
fn scoped_view(row: &UserRow, scope: Option<Scope>, policy: &Policy) -> Result<UserView, AppError> {
    let corrupt = || {
        AppError::Store(kfq_store::StoreError::Corrupt(format!(
            "user {}",
            row.username
        )))
    };
    let role = Role::parse(&row.role).ok_or_else(corrupt)?;
    Ok(UserView {
        id: row.id,
        username: row.username.clone(),
        display_name: row.display_name.clone(),
        role,
        scope: scope.ok_or_else(corrupt)?,
        lang: Lang::parse(&row.lang).unwrap_or_default(),
        must_change_password: row.must_change_password,
        disabled: row.disabled,
        totp: row.totp_secret.is_some(),
        must_enrol_totp: row.totp_secret.is_none() && policy.requires_totp(role),
    })
}

impl UserView {
    pub fn actor(&self) -> Actor {
        Actor {
            user_id: Some(self.id),
            username: self.username.clone(),
            role: self.role,
            scope: self.scope.clone(),
            lang: self.lang,
            ip: None,
        }
    }
}

/// A fresh secret: 32 random bytes as hex, with a prefix saying what it is.
fn new_secret(prefix: &str) -> Result<String, AppError> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|_| AppError::Internal)?;
    Ok(format!("{prefix}{}", hex(&bytes)))
}

/// A password to hand out once: 16 characters, capitals, small letters, digits and a symbol.
pub fn generate_password() -> Result<String, AppError> {
    const CHARS: &[u8] = b"abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let mut bytes = [0u8; 12];
    getrandom::fill(&mut bytes).map_err(|_| AppError::Internal)?;
    let body: String = bytes
        .iter()
        .map(|b| CHARS[*b as usize % CHARS.len()] as char)
        .collect();
    // Of all four kinds, whatever the policy asks.
    Ok(format!("{body}-7kQ"))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The hash a session or token secret is kept as.
pub fn secret_hash(secret: &str) -> String {
    hex(&Sha256::digest(secret.as_bytes()))
}

/// Signs in: the session's secret (for the cookie or `Authorization: Bearer`) and the user.
/// A wrong username and a wrong password are answered alike.
pub async fn sign_in(
    db: &Db,
    username: &str,
    password: &str,
) -> Result<(String, UserView), AppError> {
    sign_in_from(db, username, password, None).await
}

/// Signs in a request that came from `ip` (kept with the sign-in, or the failure, in the audit
/// trail).
pub async fn sign_in_from(
    db: &Db,
    username: &str,
    password: &str,
    ip: Option<String>,
) -> Result<(String, UserView), AppError> {
    sign_in_with(db, username, password, None, ip).await
}

/// Signs in with the code of a second factor too, for a user who has one: without the code
/// the answer asks for it; a wrong code fails (and counts towards the lock) as a wrong password
/// does.
pub async fn sign_in_with(
    db: &Db,
    username: &str,
    password: &str,
    totp: Option<&str>,
    ip: Option<String>,
) -> Result<(String, UserView), AppError> {
    let policy = Policy::load(db).await?;
    let now = Utc::now();
    let window = now - Duration::minutes(policy.lockout_minutes);
    // Failures count from the last successful sign-in within the window.
    let since = kfq_store::audit_last(db, "user", username, "sign_in")
        .await?
        .map_or(window, |last| last.max(window));
    let failures = kfq_store::audit_count(db, "user", username, "sign_in_failed", since).await?;
    if failures >= policy.lockout_attempts {
        return Err(AppError::LockedOut {
            minutes: policy.lockout_minutes,
        });
    }
    let row = kfq_store::user_by_name(db, username).await?;
    // An unknown user is checked against a hash too, so that timing does not tell who exists.
    static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    let hash = match &row {
        Some(r) => r.password_hash.clone(),
        None => DUMMY
            .get_or_init(|| password_auth::generate_hash("kfq-no-such-user"))
            .clone(),
    };
    let matches = verify(password, hash).await?;
    let second = match row.as_ref().filter(|_| matches) {
        None => Err(()),
        Some(r) => match r.totp_secret.as_deref() {
            None => Ok(None),
            Some(secret) => {
                let Some(typed) = totp.filter(|t| !t.trim().is_empty()) else {
                    return Err(AppError::TotpNeeded);
                };
                let unix = u64::try_from(now.timestamp()).unwrap_or_default();
                let used = r.totp_last_step.and_then(|s| u64::try_from(s).ok());
                kfq_core::totp::from_base32(secret)
                    .and_then(|secret| kfq_core::totp::check(&secret, typed, unix, used))
                    .map(Some)
                    .ok_or(())
            }
        },
    };
    let Some(row) = row.filter(|_| second.is_ok()) else {
        let locks = failures + 1 >= policy.lockout_attempts;
        let mut tx = db.begin().await?;
        let event = |action: &str| kfq_core::audit::AuditEvent {
            at: now,
            actor: username.to_string(),
            action: action.into(),
            object_type: "user".into(),
            object_id: username.to_string(),
            before: None,
            after: None,
            ip: ip.clone(),
        };
        let mut events = vec![event("sign_in_failed")];
        if locks {
            events.push(event("locked_out"));
        }
        kfq_store::append_audit(&mut tx, &events).await?;
        tx.commit_outside_ledger().await?;
        return Err(if locks {
            AppError::LockedOut {
                minutes: policy.lockout_minutes,
            }
        } else {
            AppError::BadCredentials
        });
    };
    let zones = kfq_store::zones(db).await?;
    let user = view(&row, &zones, &policy)?;
    let actor = Actor {
        ip: ip.clone(),
        ..user.actor()
    };
    if user.disabled {
        let mut tx = db.begin().await?;
        crate::audit::append(
            &mut tx,
            &actor,
            "sign_in_disabled",
            "user",
            &row.username,
            None,
            None,
        )
        .await?;
        tx.commit_outside_ledger().await?;
        return Err(AppError::Disabled);
    }
    let secret = new_secret("kfqs_")?;
    let mut tx = db.begin().await?;
    if let Ok(Some(step)) = second {
        let step = i64::try_from(step).map_err(|_| AppError::Internal)?;
        if !kfq_store::use_totp_step(&mut tx, row.id, step).await? {
            // Another sign-in used this code first.
            return Err(AppError::BadCredentials);
        }
    }
    kfq_store::delete_dead_sessions(&mut tx, now, now - Duration::minutes(policy.idle_minutes))
        .await?;
    kfq_store::insert_session(
        &mut tx,
        &secret_hash(&secret),
        row.id,
        now,
        now + Duration::hours(policy.session_hours),
    )
    .await?;
    crate::audit::append(
        &mut tx,
        &actor,
        "sign_in",
        "user",
        &row.username,
        None,
        None,
    )
    .await?;
    tx.commit_outside_ledger().await?;
    Ok((secret, user))
}

/// The user a session or token secret belongs to, if it is still valid.
pub async fn user_for_secret(db: &Db, secret: &str) -> Result<Option<UserView>, AppError> {
    let policy = Policy::load(db).await?;
    let now = Utc::now();
    let hash = secret_hash(secret);
    let idle_since = now - Duration::minutes(policy.idle_minutes);
    let id = match kfq_store::user_for_secret(db, &hash, now, idle_since).await? {
        None => return Ok(None),
        Some(kfq_store::Credential::Token { user_id }) => user_id,
        Some(kfq_store::Credential::Session { user_id, last_seen }) => {
            if now - last_seen > Duration::seconds(TOUCH_SECONDS) {
                let mut tx = db.begin().await?;
                kfq_store::touch_session(&mut tx, &hash, now).await?;
                tx.commit_outside_ledger().await?;
            }
            user_id
        }
    };
    let Some(row) = kfq_store::user_by_id(db, id).await?.filter(|r| !r.disabled) else {
        return Ok(None);
    };
    // Every request passes here: the scope is read against the read model's zones in place
    // when the process holds one, not against a copy of them.
    let scope = match db
        .reading_if_held(|m| Scope::from_stored(&row.scope, &m.zones))
        .await?
    {
        Some(scope) => scope,
        None => Scope::from_stored(&row.scope, &kfq_store::zones(db).await?),
    };
    Ok(Some(scoped_view(&row, scope, &policy)?))
}

/// Ends every session of the user, on every device (API tokens stay); how many ended.
pub async fn sign_out_everywhere(db: &Db, actor: &Actor) -> Result<u64, AppError> {
    let id = actor.user_id.ok_or(AppError::Forbidden)?;
    let mut tx = db.begin().await?;
    let ended = kfq_store::delete_sessions_of(&mut tx, id).await?;
    crate::audit::append(
        &mut tx,
        actor,
        "sign_out_everywhere",
        "user",
        &actor.username,
        None,
        Some(serde_json::json!({ "sessions": ended }).to_string()),
    )
    .await?;
    tx.commit_outside_ledger().await?;
    Ok(ended)
}

pub async fn sign_out(db: &Db, actor: &Actor, secret: &str) -> Result<(), AppError> {
    let mut tx = db.begin().await?;
    kfq_store::delete_session(&mut tx, &secret_hash(secret)).await?;
    crate::audit::append(
        &mut tx,
        actor,
        "sign_out",
        "user",
        &actor.username,
        None,
        None,
    )
    .await?;
    tx.commit_outside_ledger().await?;
    Ok(())
}

/// Creates an API token for a user; the secret is shown once and never stored.
pub async fn create_token(
    db: &Db,
    actor: &Actor,
    username: &str,
    name: &str,
) -> Result<String, AppError> {
    actor.must(Action::ManageAccounts)?;
    let row = kfq_store::user_by_name(db, username)
        .await?
        .ok_or_else(|| AppError::UnknownUser(username.into()))?;
    let secret = new_secret("kfqt_")?;
    let mut tx = db.begin().await?;
    kfq_store::insert_token(&mut tx, &secret_hash(&secret), row.id, name, Utc::now()).await?;
    crate::audit::append(&mut tx, actor, "create_token", "user", username, None, None).await?;
    tx.commit_outside_ledger().await?;
    Ok(secret)
}

pub async fn change_password(db: &Db, actor: &Actor, old: &str, new: &str) -> Result<(), AppError> {
    let id = actor.user_id.ok_or(AppError::Forbidden)?;
    sign_in_check(db, &actor.username, old).await?;
    check_password_with(&Policy::load(db).await?, &actor.username, new)?;
    let hash = hash_password(new).await?;
    let mut tx = db.begin().await?;
    kfq_store::set_password(&mut tx, id, &hash, false).await?;
    crate::audit::append(
        &mut tx,
        actor,
        "change_password",
        "user",
        &actor.username,
        None,
        None,
    )
    .await?;
    tx.commit_outside_ledger().await?;
    Ok(())
}

async fn sign_in_check(db: &Db, username: &str, password: &str) -> Result<(), AppError> {
    let row = kfq_store::user_by_name(db, username)
        .await?
        .ok_or(AppError::BadCredentials)?;
    let ok = verify(password, row.password_hash).await?;
    if ok {
        Ok(())
    } else {
        Err(AppError::BadCredentials)
    }
}

pub async fn set_lang(db: &Db, actor: &Actor, lang: Lang) -> Result<(), AppError> {
    let id = actor.user_id.ok_or(AppError::Forbidden)?;
    let mut tx = db.begin().await?;
    kfq_store::set_user_lang(&mut tx, id, if lang == Lang::En { "en" } else { "zh" }).await?;
    tx.commit_outside_ledger().await?;
    Ok(())
}

/// 账号管理 — every account, for the system and security administrators.
pub async fn list(db: &Db, actor: &Actor) -> Result<Vec<UserView>, AppError> {
    if !actor.role.allows(Action::ManageAccounts) && !actor.role.allows(Action::GrantRoles) {
        return Err(AppError::Forbidden);
    }
    let zones = kfq_store::zones(db).await?;
    let policy = Policy::load(db).await?;
    kfq_store::users(db)
        .await?
        .iter()
        .map(|row| view(row, &zones, &policy))
        .collect()
}

/// The operator at the command line seeing kfq as an account does (`kfq work --user`): that
/// account's role and scope, the operator's language.
pub async fn acting_as(db: &Db, operator: &Actor, username: &str) -> Result<Actor, AppError> {
    if operator.role != Role::Operator {
        return Err(AppError::Forbidden);
    }
    let row = kfq_store::user_by_name(db, username)
        .await?
        .ok_or_else(|| AppError::UnknownUser(username.into()))?;
    let zones = kfq_store::zones(db).await?;
    let user = view(&row, &zones, &Policy::load(db).await?)?;
    Ok(Actor {
        lang: operator.lang,
        ..user.actor()
    })
}

/// Every account that works with project data and may sign in, acting as it would (in its own
/// language): those the reminders are swept for.
pub(crate) async fn working_actors(db: &Db) -> Result<Vec<Actor>, AppError> {
    let zones = kfq_store::zones(db).await?;
    let policy = Policy::load(db).await?;
    let mut actors = Vec::new();
    for row in kfq_store::users(db).await?.iter().filter(|r| !r.disabled) {
        // An account that cannot be read is skipped, not the sweep of all the others.
        match view(row, &zones, &policy) {
            Ok(user) if Role::BUSINESS.contains(&user.role) => actors.push(user.actor()),
            Ok(_) => {}
            Err(e) => eprintln!("kfq: account {}: {e:?}", row.username),
        }
    }
    Ok(actors)
}

/// The account another administrator's work is about: it must exist, not be the actor's own
/// and, unless the operator acts, not be an administrator's.
async fn managed_account(
    db: &Db,
    actor: &Actor,
    username: &str,
) -> Result<(UserRow, UserView), AppError> {
    let row = kfq_store::user_by_name(db, username)
        .await?
        .ok_or_else(|| AppError::UnknownUser(username.into()))?;
    if actor.user_id == Some(row.id) {
        return Err(AppError::OwnAccount);
    }
    let zones = kfq_store::zones(db).await?;
    let user = view(&row, &zones, &Policy::load(db).await?)?;
    if user.role.is_administrator() && actor.role != Role::Operator {
        return Err(AppError::AdministratorAccount(row.username));
    }
    Ok((row, user))
}

fn account_json(role: Role, scope: &Scope, disabled: bool) -> String {
    serde_json::json!({"role": role.code(), "scope": scope.stored(), "disabled": disabled})
        .to_string()
}

/// 授权 — the security administrator gives an account a working role and scope (or takes it
/// back to awaiting one). Administrators' roles are the operator's to give.
pub async fn grant(
    db: &Db,
    actor: &Actor,
    username: &str,
    role: Role,
    region: &str,
) -> Result<UserView, AppError> {
    if !actor.role.allows(Action::GrantRoles) {
        return Err(if actor.role.allows(Action::ManageAccounts) {
            AppError::Duty(Role::SecurityAdmin)
        } else {
            AppError::Forbidden
        });
    }
    let (row, user) = managed_account(db, actor, username).await?;
    if !Role::BUSINESS.contains(&role) && role != Role::Pending && actor.role != Role::Operator {
        return Err(AppError::AdministratorAccount(username.into()));
    }
    let zones = kfq_store::zones(db).await?;
    let scope = account_scope(actor, region, &zones)?;
    check_role_scope(role, &scope, region)?;
    let mut tx = db.begin().await?;
    kfq_store::set_user_role(&mut tx, row.id, role.code(), &scope.stored()).await?;
    crate::audit::append(
        &mut tx,
        actor,
        "grant",
        "user",
        &row.username,
        Some(account_json(user.role, &user.scope, user.disabled)),
        Some(account_json(role, &scope, user.disabled)),
    )
    .await?;
    tx.commit_outside_ledger().await?;
    Ok(UserView {
        role,
        scope,
        ..user
    })
}

/// The system administrator disables an account (its sessions end, its tokens open nothing) or
/// enables it again.
pub async fn set_disabled(
    db: &Db,
    actor: &Actor,
    username: &str,
    disabled: bool,
) -> Result<UserView, AppError> {
    must_manage_accounts(actor)?;
    let (row, user) = managed_account(db, actor, username).await?;
    let mut tx = db.begin().await?;
    kfq_store::set_user_disabled(&mut tx, row.id, disabled).await?;
    if disabled {
        kfq_store::delete_sessions_of(&mut tx, row.id).await?;
    }
    crate::audit::append(
        &mut tx,
        actor,
        if disabled { "disable" } else { "enable" },
        "user",
        &row.username,
        Some(account_json(user.role, &user.scope, user.disabled)),
        Some(account_json(user.role, &user.scope, disabled)),
    )
    .await?;
    tx.commit_outside_ledger().await?;
    Ok(UserView { disabled, ..user })
}

/// The system administrator gives an account a new initial password (shown once; the user must
/// change it at the next sign-in) and ends its sessions.
pub async fn reset_password(db: &Db, actor: &Actor, username: &str) -> Result<String, AppError> {
    must_manage_accounts(actor)?;
    let (row, _) = managed_account(db, actor, username).await?;
    let password = generate_password()?;
    let hash = hash_password(&password).await?;
    let mut tx = db.begin().await?;
    kfq_store::set_password(&mut tx, row.id, &hash, true).await?;
    kfq_store::delete_sessions_of(&mut tx, row.id).await?;
    crate::audit::append(
        &mut tx,
        actor,
        "reset_password",
        "user",
        &row.username,
        None,
        None,
    )
    .await?;
    tx.commit_outside_ledger().await?;
    Ok(password)
}

fn must_manage_accounts(actor: &Actor) -> Result<(), AppError> {
    if actor.role.allows(Action::ManageAccounts) {
        Ok(())
    } else if actor.role.allows(Action::GrantRoles) {
        Err(AppError::Duty(Role::SystemAdmin))
    } else {
        Err(AppError::Forbidden)
    }
}

/// A second factor being set up: the secret to type into an authenticator app, or the
/// address to give it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TotpSetup {
    pub secret: String,
    pub uri: String,
}

/// 绑定动态口令 — starts setting up a second factor for the signed-in user: a new secret,
/// kept aside until a code from it confirms it ([`confirm_totp`]).
pub async fn start_totp(db: &Db, actor: &Actor) -> Result<TotpSetup, AppError> {
    let id = actor.user_id.ok_or(AppError::Forbidden)?;
    let row = kfq_store::user_by_id(db, id)
        .await?
        .ok_or(AppError::SignedOut)?;
    let mut bytes = [0u8; 20];
    getrandom::fill(&mut bytes).map_err(|_| AppError::Internal)?;
    let secret = kfq_core::totp::base32(&bytes);
    let mut tx = db.begin().await?;
    kfq_store::set_user_totp(
        &mut tx,
        id,
        row.totp_secret.as_deref(),
        Some(&secret),
        row.totp_last_step,
    )
    .await?;
    tx.commit_outside_ledger().await?;
    Ok(TotpSetup {
        uri: kfq_core::totp::uri("kfq", &row.username, &bytes),
        secret,
    })
}

/// Confirms the second factor being set up with a code from it; from then on the user signs
/// in with a code. Audited.
pub async fn confirm_totp(db: &Db, actor: &Actor, code: &str) -> Result<(), AppError> {
    let id = actor.user_id.ok_or(AppError::Forbidden)?;
    let row = kfq_store::user_by_id(db, id)
        .await?
        .ok_or(AppError::SignedOut)?;
    let pending = row.totp_pending.as_deref().ok_or(AppError::BadArgument {
        name: "code",
        value: code.into(),
        expected: crate::Expected::TotpSetup,
    })?;
    let unix = u64::try_from(Utc::now().timestamp()).unwrap_or_default();
    let step = kfq_core::totp::from_base32(pending)
        .and_then(|secret| kfq_core::totp::check(&secret, code, unix, None))
        .ok_or_else(|| AppError::BadArgument {
            name: "code",
            value: code.into(),
            expected: crate::Expected::TotpCode,
        })?;
    let step = i64::try_from(step).ok();
    write_totp(db, actor, &row, Some(pending), step, "totp_enrolled").await
}

/// Gives an account its confirmed second factor (or none), forgetting any being set up, and
/// records it.
async fn write_totp(
    db: &Db,
    actor: &Actor,
    row: &UserRow,
    secret: Option<&str>,
    last_step: Option<i64>,
    action: &str,
) -> Result<(), AppError> {
    let mut tx = db.begin().await?;
    kfq_store::set_user_totp(&mut tx, row.id, secret, None, last_step).await?;
    crate::audit::append(
        &mut tx,
        actor,
        action,
        "user",
        &row.username,
        Some(serde_json::json!({"totp": row.totp_secret.is_some()}).to_string()),
        Some(serde_json::json!({"totp": secret.is_some()}).to_string()),
    )
    .await?;
    tx.commit_outside_ledger().await?;
    Ok(())
}

/// The system administrator (or the operator) removes an account's second factor, for a user
/// who lost their phone; they set up a new one at their next sign-in if it is required.
pub async fn reset_totp(db: &Db, actor: &Actor, username: &str) -> Result<(), AppError> {
    must_manage_accounts(actor)?;
    let (row, _) = managed_account(db, actor, username).await?;
    write_totp(db, actor, &row, None, None, "totp_reset").await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_need_length_two_kinds_and_not_the_username() {
        assert!(check_password_with(&Policy::default(), "wang", "abcdefg1").is_ok());
        assert!(check_password_with(&Policy::default(), "wang", "短密码1").is_err());
        assert!(check_password_with(&Policy::default(), "wang", "abcdefgh").is_err());
        assert!(check_password_with(&Policy::default(), "wang1234", "wang1234").is_err());
        // A stricter policy: 12 characters of three kinds.
        let strict = Policy {
            password_min_length: 12,
            password_min_kinds: 3,
            ..Policy::default()
        };
        assert!(check_password_with(&strict, "wang", "abcdefgh1234").is_err());
        assert!(check_password_with(&strict, "wang", "Abcdefgh1234").is_ok());
        assert!(check_password_with(&strict, "wang", "Abc-1234").is_err());
        let told = check_password_with(&strict, "wang", "abc").unwrap_err();
        assert!(kfq_core::Localized::message(&told, Lang::Zh).contains("至少 12 位"));
        assert!(kfq_core::Localized::message(&told, Lang::Zh).contains("至少三类"));
    }

    #[test]
    fn usernames_are_plain() {
        assert!(check_username("lvliang.city").is_ok());
        assert!(check_username("吕梁").is_err());
        assert!(check_username("a").is_err());
    }

    #[test]
    fn secrets_are_stored_only_as_their_hash() {
        let s = new_secret("kfqs_").unwrap();
        assert_eq!(s.len(), 5 + 64);
        assert_ne!(secret_hash(&s), s);
        assert_eq!(secret_hash(&s), secret_hash(&s));
    }
}
