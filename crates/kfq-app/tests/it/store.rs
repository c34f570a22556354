//! The store's promises, on both engines.

use kfq_core::Lang;
use kfq_store::StoreError;

use crate::helpers::{both, name};

#[tokio::test]
async fn a_stale_version_is_refused_as_a_conflict() {
    for t in both().await {
        kfq_app::demo::load(&t.db, Lang::Zh).await.unwrap();
        let mut project = kfq_store::load_projects(&t.db).await.unwrap().remove(0);
        project.name.push_str("（改）");
        let mut tx = t.db.begin().await.unwrap();
        let version = kfq_store::update_project(&mut tx, &project).await.unwrap();
        tx.commit().await.unwrap();
        assert_eq!(version, project.version + 1, "{}", name(&t));

        // A second edit made from the same old version loses.
        project.name.push('2');
        let mut tx = t.db.begin().await.unwrap();
        let stale = kfq_store::update_project(&mut tx, &project).await;
        assert!(matches!(stale, Err(StoreError::Conflict)), "{}", name(&t));
    }
}

#[tokio::test]
async fn opening_an_existing_database_keeps_its_data_and_schema() {
    for t in both().await {
        kfq_app::demo::load(&t.db, Lang::Zh).await.unwrap();
        let before = kfq_store::count_projects(&t.db).await.unwrap();
        t.db.close().await;
        let reopened = kfq_store::Db::open(&t.url).await.unwrap();
        assert_eq!(
            kfq_store::count_projects(&reopened).await.unwrap(),
            before,
            "{}",
            name(&t)
        );
    }
}

#[tokio::test]
async fn a_snapshot_follows_every_ledger_change_made_by_any_process() {
    for t in both().await {
        let writer = &t.db;
        let reader = kfq_store::Db::open(&t.url).await.unwrap();
        kfq_app::demo::load(writer, Lang::Zh).await.unwrap();
        let before = reader.snapshot().await.unwrap();
        let mut project = before.projects[0].clone();
        assert_eq!(
            reader.snapshot().await.unwrap().version,
            before.version,
            "unchanged data, same snapshot"
        );

        project.name = "另一进程改的名字".into();
        let mut tx = writer.begin().await.unwrap();
        kfq_store::update_project(&mut tx, &project).await.unwrap();
        tx.commit().await.unwrap();
        let after = reader.snapshot().await.unwrap();
        assert!(after.version > before.version, "{}", name(&t));
        assert_eq!(
            after
                .projects
                .iter()
                .find(|p| p.id == project.id)
                .unwrap()
                .name,
            "另一进程改的名字"
        );

        // Signing in writes a session, which no snapshot holds: the snapshot stays.
        let operator = kfq_app::Actor::operator("t", Lang::Zh);
        let user = kfq_app::users::NewUser {
            username: "snap".into(),
            display_name: String::new(),
            role: kfq_core::access::Role::City,
            region: "141100".into(),
            password: "Snapshot-2024".into(),
            must_change_password: false,
        };
        kfq_app::users::add_user(writer, &operator, user)
            .await
            .unwrap();
        kfq_app::users::sign_in(writer, "snap", "Snapshot-2024")
            .await
            .unwrap();
        assert_eq!(reader.snapshot().await.unwrap().version, after.version);
    }
}
