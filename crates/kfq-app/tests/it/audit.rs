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
        let entries = kfq_app::audit::list(db, &province, None, Some("clerk"), 10)
            .await
            .unwrap();
        assert_eq!(entries.len(), 3);
        let project = entries.iter().find(|e| e.object_type == "project").unwrap();

        // Someone with the database's password raises the amount behind kfq's back.
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
        let entries = kfq_app::audit::list(db, &province, None, None, 10)
            .await
            .unwrap();
        let middle = entries[1].id;
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
