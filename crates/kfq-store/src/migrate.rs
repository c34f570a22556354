//! Each engine has its own migrations folder; both hold the same versions (tested).

use crate::{on_db, Db, StoreError};

pub(crate) const SQLITE: &[(i64, &str)] = &[
    (1, include_str!("../migrations/sqlite/0001_foundation.sql")),
    (2, include_str!("../migrations/sqlite/0002_users.sql")),
    (
        3,
        include_str!("../migrations/sqlite/0003_data_version.sql"),
    ),
    (4, include_str!("../migrations/sqlite/0004_dismissals.sql")),
    (5, include_str!("../migrations/sqlite/0005_audit_chain.sql")),
    (
        6,
        include_str!("../migrations/sqlite/0006_separation_of_duties.sql"),
    ),
    (7, include_str!("../migrations/sqlite/0007_totp.sql")),
    (8, include_str!("../migrations/sqlite/0008_settings.sql")),
    (
        9,
        include_str!("../migrations/sqlite/0009_blocker_ledger.sql"),
    ),
    (
        10,
        include_str!("../migrations/sqlite/0010_monthly_statistics.sql"),
    ),
    (
        11,
        include_str!("../migrations/sqlite/0011_dispatch_meetings.sql"),
    ),
    (
        12,
        include_str!("../migrations/sqlite/0012_assignments.sql"),
    ),
    (13, include_str!("../migrations/sqlite/0013_procedures.sql")),
    (14, include_str!("../migrations/sqlite/0014_leads.sql")),
    (15, include_str!("../migrations/sqlite/0015_reminders.sql")),
    (16, include_str!("../migrations/sqlite/0016_activities.sql")),
    (17, include_str!("../migrations/sqlite/0017_delegation.sql")),
    (
        18,
        include_str!("../migrations/sqlite/0018_land_and_commitments.sql"),
    ),
    (
        19,
        include_str!("../migrations/sqlite/0019_registrations.sql"),
    ),
    (
        20,
        include_str!("../migrations/sqlite/0020_chemical_reviews.sql"),
    ),
    (21, include_str!("../migrations/sqlite/0021_targets.sql")),
    (22, include_str!("../migrations/sqlite/0022_change_log.sql")),
    (
        23,
        include_str!("../migrations/sqlite/0023_change_log_zones.sql"),
    ),
];
pub(crate) const POSTGRES: &[(i64, &str)] = &[
    (
        1,
        include_str!("../migrations/postgres/0001_foundation.sql"),
    ),
    (2, include_str!("../migrations/postgres/0002_users.sql")),
    (
        3,
        include_str!("../migrations/postgres/0003_data_version.sql"),
    ),
    (
        4,
        include_str!("../migrations/postgres/0004_dismissals.sql"),
    ),
    (
        5,
        include_str!("../migrations/postgres/0005_audit_chain.sql"),
    ),
    (
        6,
        include_str!("../migrations/postgres/0006_separation_of_duties.sql"),
    ),
    (7, include_str!("../migrations/postgres/0007_totp.sql")),
    (8, include_str!("../migrations/postgres/0008_settings.sql")),
    (
        9,
        include_str!("../migrations/postgres/0009_blocker_ledger.sql"),
    ),
    (
        10,
        include_str!("../migrations/postgres/0010_monthly_statistics.sql"),
    ),
    (
        11,
        include_str!("../migrations/postgres/0011_dispatch_meetings.sql"),
    ),
    (
        12,
        include_str!("../migrations/postgres/0012_assignments.sql"),
    ),
    (
        13,
        include_str!("../migrations/postgres/0013_procedures.sql"),
    ),
    (14, include_str!("../migrations/postgres/0014_leads.sql")),
    (
        15,
        include_str!("../migrations/postgres/0015_reminders.sql"),
    ),
    (
        16,
        include_str!("../migrations/postgres/0016_activities.sql"),
    ),
    (
        17,
        include_str!("../migrations/postgres/0017_delegation.sql"),
    ),
    (
        18,
        include_str!("../migrations/postgres/0018_land_and_commitments.sql"),
    ),
    (
        19,
        include_str!("../migrations/postgres/0019_registrations.sql"),
    ),
    (
        20,
        include_str!("../migrations/postgres/0020_chemical_reviews.sql"),
    ),
    (21, include_str!("../migrations/postgres/0021_targets.sql")),
    (
        22,
        include_str!("../migrations/postgres/0022_change_log.sql"),
    ),
    (
        23,
        include_str!("../migrations/postgres/0023_change_log_zones.sql"),
    ),
];

const CREATE_LEDGER: &str =
    "CREATE TABLE IF NOT EXISTS kfq_migrations (version BIGINT PRIMARY KEY, applied_at TEXT NOT NULL)";

/// Applies the migrations not yet applied, each in its own transaction.
pub(crate) async fn migrate(db: &Db) -> Result<(), StoreError> {
    let migrations = match db.backend() {
        crate::Backend::Sqlite => SQLITE,
        crate::Backend::Postgres => POSTGRES,
    };
    // A server role without the right to create tables (scripts/postgres-roles.sql) starts on
    // a database whose migrations are all applied: it needs to read the ledger, nothing more.
    let known: Result<Vec<i64>, sqlx::Error> = on_db!(db, pool => sqlx::query_scalar("SELECT version FROM kfq_migrations").fetch_all(pool).await);
    if known.is_ok_and(|known| migrations.iter().all(|(v, _)| known.contains(v))) {
        return Ok(());
    }
    on_db!(db, pool => sqlx::query(CREATE_LEDGER).execute(pool).await.map(|r| r.rows_affected()))?;
    for &(version, sql) in migrations {
        let mut tx = db.begin().await?;
        if let crate::Tx::Postgres(t) = &mut tx {
            // Several kfq processes may start at once against one server.
            sqlx::query("SELECT pg_advisory_xact_lock(7306512)")
                .execute(&mut **t)
                .await
                .map(|r| r.rows_affected())?;
        }
        let applied: Option<i64> = crate::on_tx!(&mut tx, conn =>
            sqlx::query_scalar("SELECT version FROM kfq_migrations WHERE version = $1")
                .bind(version)
                .fetch_optional(conn)
                .await)?;
        if applied.is_none() {
            crate::on_tx!(&mut tx, conn => sqlx::raw_sql(sql).execute(&mut *conn).await.map(|r| r.rows_affected()))?;
            let now = chrono::Utc::now().to_rfc3339();
            crate::on_tx!(&mut tx, conn =>
                sqlx::query("INSERT INTO kfq_migrations (version, applied_at) VALUES ($1, $2)")
                    .bind(version)
                    .bind(&now)
                    .execute(conn)
                    .await.map(|r| r.rows_affected()))?;
        }
        tx.commit_outside_ledger().await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn both_engines_have_the_same_migration_versions() {
        let versions = |m: &[(i64, &str)]| m.iter().map(|(v, _)| *v).collect::<Vec<_>>();
        assert_eq!(versions(super::SQLITE), versions(super::POSTGRES));
    }
}
