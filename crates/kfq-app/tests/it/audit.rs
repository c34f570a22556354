//! The audit trail: chained by hash, so that an entry altered or removed behind kfq's back
//! shows, on both engines.

use kfq_core::audit::ChainCheck;
use kfq_core::Lang;

use crate::helpers::{both, name};

#[tokio::test]
async fn the_chain_holds_over_every_change_and_names_the_first_entry_altered() {
    for t in both().await {
        let db = &t.db;
        let dir = tempfile::tempdir().unwrap();
        let zones = dir.path().join("开发区.csv");
        std::fs::write(
            &zones,
            "开发区名称,所属市,级别\n吕梁经济技术开发区,141100,省级\n孝义经济开发区,141100,省级\n",
        )
        .unwrap();
        let projects = dir.path().join("项目.csv");
        std::fs::write(
            &projects,
            "项目编号,项目名称,所属开发区,项目类别,总投资（万元）\nLL-1,氢能重卡项目,吕梁经济技术开发区,产业类,60000\n",
        )
        .unwrap();
        kfq_app::import::import_files(db, &[zones, projects], "clerk", Lang::Zh)
            .await
            .unwrap();
        let province = kfq_app::Actor::operator("auditor", Lang::Zh);
        let whole = kfq_app::audit::verify(db, &province).await.unwrap();
        assert_eq!(
            whole,
            ChainCheck::Whole {
                entries: 3,
                unchained: 0
            },
            "{}",
            name(&t)
        );
        let clerk = kfq_store::AuditQuery {
            user: Some("clerk".into()),
            ..Default::default()
        };
        let entries = kfq_app::audit::list(db, &province, &clerk, 10)
            .await
            .unwrap();
        assert_eq!(entries.len(), 3);
        let project = entries.iter().find(|e| e.object_type == "project").unwrap();

        // Someone who owns the database takes its guard away and raises the amount behind
        // kfq's back.
        t.allow_tampering().await.unwrap();
        t.tamper(&format!(
            "UPDATE audit_events SET after = REPLACE(after, '60000', '90000') WHERE id = {}",
            project.id
        ))
        .await
        .unwrap();
        assert_eq!(
            kfq_app::audit::verify(db, &province).await.unwrap(),
            ChainCheck::BrokenAt {
                id: project.id,
                entries_before: 2
            }
        );
        // Only the province reads the trail.
        let city = kfq_app::Actor {
            role: kfq_core::access::Role::City,
            ..province.clone()
        };
        assert!(kfq_app::audit::verify(db, &city).await.is_err());
    }
}

#[tokio::test]
async fn an_entry_removed_from_the_middle_shows() {
    for t in both().await {
        let db = &t.db;
        let dir = tempfile::tempdir().unwrap();
        let zones = dir.path().join("开发区.csv");
        std::fs::write(&zones, "开发区名称,所属市,级别\n甲开发区,141100,省级\n乙开发区,141100,省级\n丙开发区,141100,省级\n").unwrap();
        kfq_app::import::import_files(db, &[zones], "clerk", Lang::Zh)
            .await
            .unwrap();
        let province = kfq_app::Actor::operator("auditor", Lang::Zh);
        let entries = kfq_app::audit::list(db, &province, &Default::default(), 10)
            .await
            .unwrap();
        let middle = entries[1].id;
        t.allow_tampering().await.unwrap();
        t.tamper(&format!("DELETE FROM audit_events WHERE id = {middle}"))
            .await
            .unwrap();
        assert!(
            matches!(
                kfq_app::audit::verify(db, &province).await.unwrap(),
                ChainCheck::BrokenAt { id, .. } if id == middle + 1
            ),
            "{}",
            name(&t)
        );
    }
}

fn old_event(i: i64, at: chrono::DateTime<chrono::Utc>) -> kfq_core::audit::AuditEvent {
    kfq_core::audit::AuditEvent {
        at,
        actor: "clerk".into(),
        action: "update".into(),
        object_type: "project".into(),
        object_id: format!("OLD-{i}"),
        before: None,
        after: Some(format!("{{\"n\":{i}}}")),
        ip: Some("10.0.0.9".into()),
    }
}

#[tokio::test]
async fn the_database_itself_refuses_to_change_an_entry_or_remove_a_young_one() {
    for t in both().await {
        let db = &t.db;
        let mut tx = db.begin().await.unwrap();
        kfq_store::append_audit(&mut tx, &[old_event(1, chrono::Utc::now())])
            .await
            .unwrap();
        tx.commit_outside_ledger().await.unwrap();
        for sql in [
            "UPDATE audit_events SET actor = 'someone else'",
            "DELETE FROM audit_events",
        ] {
            let refused = t.tamper(sql).await.unwrap_err().to_string();
            assert!(
                refused.contains("audit_events"),
                "{}: {sql}: {refused}",
                name(&t)
            );
        }
        // Not through retention either, whatever cutoff it is given.
        let now = chrono::Utc::now();
        let mut tx = db.begin().await.unwrap();
        assert!(
            kfq_store::prune_audit(&mut tx, now + chrono::Duration::days(1), now)
                .await
                .is_err()
        );
        drop(tx);
        let province = kfq_app::Actor::operator("auditor", Lang::Zh);
        let all = kfq_app::audit::list(db, &province, &Default::default(), 10)
            .await
            .unwrap();
        assert_eq!(all.len(), 1, "{}", name(&t));
        assert_eq!(all[0].user, "clerk");
    }
}

#[tokio::test]
async fn retention_removes_only_entries_older_than_it_and_the_chain_still_verifies() {
    for t in both().await {
        let db = &t.db;
        let now = chrono::Utc::now();
        let mut tx = db.begin().await.unwrap();
        let events: Vec<_> = (0..8)
            .map(|i| {
                // Two years ago and one month apart, then three from the last five months.
                let at = if i < 5 {
                    now - chrono::Duration::days(730 - 30 * i)
                } else {
                    now - chrono::Duration::days(150 - 30 * (i - 5))
                };
                old_event(i, at)
            })
            .collect();
        kfq_store::append_audit(&mut tx, &events).await.unwrap();
        tx.commit_outside_ledger().await.unwrap();
        let operator = kfq_app::Actor::operator("ops", Lang::Zh);
        // The province reads the trail but does not prune it.
        let province = kfq_app::Actor {
            role: kfq_core::access::Role::Province,
            ..operator.clone()
        };
        assert!(kfq_app::audit::prune(db, &province, 6, now).await.is_err());
        // Asked for less than six months, retention keeps six.
        let removed = kfq_app::audit::prune(db, &operator, 1, now).await.unwrap();
        assert_eq!(removed, 5, "{}", name(&t));
        let left = kfq_app::audit::list(db, &operator, &Default::default(), 100)
            .await
            .unwrap();
        let ids: Vec<&str> = left.iter().map(|e| e.object_id.as_str()).collect();
        assert_eq!(
            ids,
            ["audit_events", "OLD-7", "OLD-6", "OLD-5"],
            "{}: the prune itself is recorded",
            name(&t)
        );
        assert_eq!(left[0].action, "prune");
        assert_eq!(left[0].after.as_ref().unwrap()["removed"], 5);
        assert_eq!(
            kfq_app::audit::verify(db, &operator).await.unwrap(),
            ChainCheck::Whole {
                entries: 4,
                unchained: 0
            },
            "{}",
            name(&t)
        );
        // Pruning again removes nothing and records nothing.
        assert_eq!(
            kfq_app::audit::prune(db, &operator, 6, now).await.unwrap(),
            0
        );
        // The first remaining entry is still guarded by the chain: altering it shows.
        t.allow_tampering().await.unwrap();
        t.tamper("UPDATE audit_events SET ip = '10.6.6.6' WHERE object_id = 'OLD-5'")
            .await
            .unwrap();
        assert!(matches!(
            kfq_app::audit::verify(db, &operator).await.unwrap(),
            ChainCheck::BrokenAt {
                entries_before: 0,
                ..
            }
        ));
    }
}

#[tokio::test]
async fn on_postgres_the_server_role_has_no_right_to_change_or_remove_audit_entries() {
    let owner = kfq_store::testing::TestDb::postgres().await.unwrap();
    let kfq_store::DbUrl::Postgres(url) = &owner.url else {
        unreachable!("a PostgreSQL test database");
    };
    owner
        .tamper_script(include_str!("../../../../scripts/postgres-roles.sql"))
        .await
        .unwrap();
    // kfq connects as the role the script made (the test server trusts local connections).
    let as_server = url.replacen("://root@", "://kfq_app@", 1);
    assert_ne!(&as_server, url, "the test URL names its user");
    let db = kfq_store::Db::open(&kfq_store::DbUrl::Postgres(as_server))
        .await
        .unwrap();
    // It works: an import writes projects and audit entries…
    let dir = tempfile::tempdir().unwrap();
    let zones = dir.path().join("开发区.csv");
    std::fs::write(&zones, "开发区名称,所属市,级别\n甲开发区,141100,省级\n").unwrap();
    kfq_app::import::import_files(&db, &[zones], "clerk", Lang::Zh)
        .await
        .unwrap();
    // …but cannot take the database's guard away, nor change or remove an entry without it.
    for sql in [
        "ALTER TABLE audit_events DISABLE TRIGGER USER",
        "UPDATE audit_events SET actor = 'someone else'",
        "DELETE FROM audit_events",
        "TRUNCATE audit_events",
    ] {
        let refused = kfq_store::testing::execute(&db, sql).await.unwrap_err();
        assert!(
            refused.to_string().contains("audit_events"),
            "{sql}: {refused}"
        );
    }
    let operator = kfq_app::Actor::operator("auditor", Lang::Zh);
    let check = kfq_app::audit::verify(&db, &operator).await.unwrap();
    assert!(
        matches!(check, ChainCheck::Whole { entries, .. } if entries >= 1),
        "{check:?}"
    );
}
