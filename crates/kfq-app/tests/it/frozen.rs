//! Figures as they were reported: a locked round's funnel set back to the moment of locking,
//! while the ledger has moved on, and the changes since listed project by project.

use kfq_core::round::RoundId;
use kfq_core::Lang;
use serde_json::{json, Map, Value};

use crate::helpers::{both, name};

const ZONES: &str = "开发区名称,所属市,级别\n吕梁经济技术开发区,141100,省级\n";
const PROJECTS: &str = "项目编号,项目名称,所属开发区,项目类别,总投资（万元）,签约日期,开工日期\n\
LL-1,氢能重卡项目,吕梁经济技术开发区,产业类,60000,2024-01-10,2024-03-01\n\
LL-2,碳纤维生产线项目,吕梁经济技术开发区,产业类,40000,2024-01-12,\n";
const ROUNDS: &str = "活动,日期,主会场\n2024-1,2024-02-23,吕梁\n";
const ENTRIES: &str = "活动,批次,项目编号\n2024-1,签约,LL-1\n2024-1,签约,LL-2\n";

#[tokio::test]
async fn a_locked_round_keeps_its_reported_figures_and_says_what_changed_since() {
    for t in both().await {
        let db = &t.db;
        let dir = tempfile::tempdir().unwrap();
        let mut files = Vec::new();
        for (file, text) in [
            ("开发区", ZONES),
            ("项目", PROJECTS),
            ("活动", ROUNDS),
            ("三个一批", ENTRIES),
        ] {
            let path = dir.path().join(format!("{file}.csv"));
            std::fs::write(&path, text).unwrap();
            files.push(path);
        }
        kfq_app::import::import_files(db, &files, "clerk", Lang::Zh)
            .await
            .unwrap();
        let province = kfq_app::Actor::operator("province", Lang::Zh);
        let round = RoundId::parse("2024-1").unwrap();
        kfq_app::rounds::lock(db, &province, round).await.unwrap();
        let as_of = chrono::NaiveDate::from_ymd_opt(2024, 12, 31).unwrap();
        let funnel = |db: kfq_store::Db| async move {
            let f = kfq_app::reports::funnel(
                &db,
                &kfq_app::Actor::operator("reader", Lang::Zh),
                Some("141100"),
                round,
                round,
                as_of,
                &Default::default(),
            )
            .await
            .unwrap();
            serde_json::to_value(&f).unwrap()["stages"][0]["converted_count"].clone()
        };
        assert_eq!(funnel(db.clone()).await, json!(1), "{}", name(&t));

        // After the round was reported, the city dates LL-2's start: now both count as started.
        let ll2 = kfq_store::projects(db)
            .await
            .unwrap()
            .into_iter()
            .find(|p| p.code.as_str() == "LL-2")
            .unwrap();
        let city = kfq_app::Actor {
            user_id: None,
            username: "lvliang".into(),
            role: kfq_core::access::Role::City,
            scope: kfq_app::Scope::City {
                code: kfq_core::region::RegionCode::parse("141100").unwrap(),
            },
            lang: Lang::Zh,
            ip: None,
        };
        let mut patch = Map::new();
        patch.insert("started_on".into(), Value::String("2024-06-01".into()));
        kfq_app::projects::update(db, &city, ll2.id, ll2.version, &patch)
            .await
            .unwrap();
        assert_eq!(funnel(db.clone()).await, json!(2), "now");

        let (then, frozen) = kfq_app::frozen::view(db, &province, Some("141100"), Some("2024-1"))
            .await
            .unwrap();
        assert_eq!(
            funnel(then).await,
            json!(1),
            "as reported when 2024-1 was locked"
        );
        let (moment, changes) = frozen.unwrap();
        assert_eq!(moment.named, "2024-1");
        let listed: Vec<(&str, &str, &str, &str, &str)> = changes
            .iter()
            .map(|c| {
                (
                    c.code.as_str(),
                    c.field.as_str(),
                    c.from.as_str(),
                    c.to.as_str(),
                    c.by.as_str(),
                )
            })
            .collect();
        assert_eq!(
            listed,
            [("LL-2", "started_on", "", "2024-06-01", "lvliang")]
        );

        // A round not locked has no reported figures; a date is always accepted.
        let unlocked = kfq_app::frozen::view(db, &province, None, Some("2099-1")).await;
        assert!(unlocked.is_err());
        let (_, by_date) = kfq_app::frozen::view(db, &province, None, Some("2000-01-01"))
            .await
            .unwrap();
        assert!(by_date.unwrap().1.len() > 2, "everything came after 2000");
    }
}
