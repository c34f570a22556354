//! The dashboards answer from kfq's read model exactly what plain SQL answers from the tables:
//! every figure of the five questions, on both engines, for several provinces and days —
//! today, a day in the past (`as_of`), and after a write.

use chrono::NaiveDate;
use kfq_app::bench::{differences, kfq_answer, sql_answer, Question, Questions};
use kfq_core::region::RegionCode;
use kfq_core::Lang;

use crate::helpers::{both, name};

#[tokio::test]
async fn the_read_model_answers_what_plain_sql_answers() {
    for t in both().await {
        let db = &t.db;
        kfq_app::gen::generate(db, kfq_app::gen::Scale::Projects(4000), 7, |_, _| {})
            .await
            .expect("a small national data set");
        let op = kfq_app::Actor::operator("tester", Lang::Zh);
        let day = |d: &str| d.parse::<NaiveDate>().unwrap();
        let mut asked = 0;
        let mut answered = std::collections::BTreeSet::new();
        for (province, as_of) in [
            ("140000", day("2026-09-30")),
            ("440000", day("2025-06-15")),
            ("650000", day("2023-03-31")),
        ] {
            let province = RegionCode::parse(province).unwrap();
            let q = Questions::pick(db, province, as_of).await.unwrap();
            for question in Question::ALL {
                let kfq = kfq_answer(db, &op, &q, question).await.unwrap();
                let sql = sql_answer(db, &q, question).await.unwrap();
                if !kfq.is_empty() {
                    answered.insert(format!("{question:?}"));
                }
                assert_eq!(
                    differences(&kfq, &sql),
                    Vec::<String>::new(),
                    "{} {province} {as_of} {question:?}",
                    name(&t)
                );
                asked += 1;
            }
        }
        // A month-end report and a project that starts: what kfq answers next is what the
        // tables say.
        let q = Questions::pick(db, RegionCode::parse("140000").unwrap(), day("2026-09-30"))
            .await
            .unwrap();
        let before = kfq_answer(db, &op, &q, Question::Trend).await.unwrap();
        // A second process on the same database, its read model loaded before the write.
        let other = kfq_store::Db::open(&t.url).await.unwrap();
        assert_eq!(
            kfq_answer(&other, &op, &q, Question::Trend).await.unwrap(),
            before
        );
        let snapshot = db.snapshot().await.unwrap();
        let project = snapshot
            .projects
            .iter()
            .find(|p| p.zone_id == q.zone.0 && p.dates.started_on.is_none())
            .cloned()
            .expect("a project of the zone not started yet");
        let mut tx = db.begin().await.unwrap();
        kfq_store::upsert_monthly_reports(
            &mut tx,
            &[kfq_core::monthly::MonthlyReport {
                project_id: project.id,
                month: q.until,
                invested: kfq_core::Amount::from_wan(1234),
            }],
        )
        .await
        .unwrap();
        let mut started = project.clone();
        started.dates.landed_on = started.dates.landed_on.or(Some(day("2026-01-05")));
        started.dates.started_on = Some(day("2026-09-01"));
        kfq_store::update_project(&mut tx, &started).await.unwrap();
        tx.commit().await.unwrap();
        let after = kfq_answer(db, &op, &q, Question::Trend).await.unwrap();
        assert_ne!(before, after, "{}: the month's figure moved", name(&t));
        assert_eq!(
            kfq_answer(&other, &op, &q, Question::Trend).await.unwrap(),
            after,
            "{}: the other process sees the write at its next request",
            name(&t)
        );
        for question in Question::ALL {
            let kfq = kfq_answer(db, &op, &q, question).await.unwrap();
            let sql = sql_answer(db, &q, question).await.unwrap();
            assert_eq!(
                differences(&kfq, &sql),
                Vec::<String>::new(),
                "{} after a write: {question:?}",
                name(&t)
            );
        }
        assert_eq!(asked, 15);
        assert_eq!(
            answered.len(),
            5,
            "{}: every question has figures somewhere",
            name(&t)
        );
    }
}

/// The zones a process reads from its held model follow another process's writes: a zone
/// added is there at the next read, and a write of a project (which does not read the zones
/// again) leaves them all in place.
#[tokio::test]
async fn a_held_model_sees_a_zone_another_process_adds() {
    for t in both().await {
        let db = &t.db;
        kfq_app::gen::generate(db, kfq_app::gen::Scale::Projects(300), 7, |_, _| {})
            .await
            .expect("a small national data set");
        db.read_model().await.expect("the model, held from now on");
        let before = kfq_store::zones(db).await.unwrap();
        let other = kfq_store::Db::open(&t.url).await.unwrap();
        let added = kfq_core::zone::Zone {
            name: "读模型测试开发区".into(),
            ..before[0].clone()
        };
        let mut tx = other.begin().await.unwrap();
        kfq_store::insert_zone(&mut tx, &added).await.unwrap();
        tx.commit().await.unwrap();
        let after = kfq_store::zones(db).await.unwrap();
        assert_eq!(after.len(), before.len() + 1, "{}", name(&t));
        assert!(after.iter().any(|z| z.name == added.name), "{}", name(&t));

        let snapshot = other.snapshot().await.unwrap();
        let mut project = snapshot.projects[0].clone();
        project.name.push_str("（改）");
        let mut tx = other.begin().await.unwrap();
        kfq_store::update_project(&mut tx, &project).await.unwrap();
        tx.commit().await.unwrap();
        assert_eq!(kfq_store::zones(db).await.unwrap(), after, "{}", name(&t));
        let renamed = db
            .reading(|m| m.project(project.id).map(|p| p.name.clone()))
            .await
            .unwrap();
        assert_eq!(renamed, Some(project.name.clone()), "{}", name(&t));
    }
}
