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
