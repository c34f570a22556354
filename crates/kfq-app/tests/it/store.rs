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

/// Many clients edit one project at once from the same version: exactly one wins, every other
/// is refused as a conflict, and the project ends with the winner's change and one more version.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_edits_of_one_version_have_exactly_one_winner() {
    for t in both().await {
        let dir = tempfile::tempdir().unwrap();
        let (zones, projects) = (dir.path().join("开发区.csv"), dir.path().join("项目.csv"));
        std::fs::write(
            &zones,
            "开发区名称,所属市,级别\n吕梁经济技术开发区,141100,省级\n",
        )
        .unwrap();
        std::fs::write(
            &projects,
            "项目编号,项目名称,所属开发区,项目类别,总投资（万元）\nLL-1,氢能重卡项目,吕梁经济技术开发区,产业类,60000\n",
        )
        .unwrap();
        kfq_app::import::import_files(&t.db, &[zones, projects], "clerk", Lang::Zh)
            .await
            .unwrap();
        let project = kfq_store::load_projects(&t.db).await.unwrap().remove(0);
        let editors: Vec<_> = (0..12)
            .map(|i| {
                let db = t.db.clone();
                let (id, version) = (project.id, project.version);
                tokio::spawn(async move {
                    let actor = kfq_app::Actor::operator(format!("editor{i}"), Lang::Zh);
                    let mut patch = serde_json::Map::new();
                    patch.insert(
                        "total_investment_wan".into(),
                        format!("{}", 61_000 + i).into(),
                    );
                    kfq_app::projects::update(&db, &actor, id, version, &patch).await
                })
            })
            .collect();
        let mut winners = Vec::new();
        let mut conflicts = 0;
        for (i, editor) in editors.into_iter().enumerate() {
            match editor.await.unwrap() {
                Ok(view) => winners.push((i, view)),
                Err(kfq_app::AppError::Conflict(_)) => conflicts += 1,
                Err(other) => panic!("{}: {other:?}", name(&t)),
            }
        }
        assert_eq!(winners.len(), 1, "{}", name(&t));
        assert_eq!(conflicts, 11);
        let (winner, view) = &winners[0];
        let stored = kfq_store::load_projects(&t.db).await.unwrap().remove(0);
        assert_eq!(stored.version, project.version + 1);
        assert_eq!(stored.version, view.version);
        assert_eq!(
            stored.total_investment,
            kfq_core::Amount::from_wan(61_000 + *winner as i64)
        );
    }
}
