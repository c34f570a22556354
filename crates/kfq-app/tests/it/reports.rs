//! Given the demo data, the reports reproduce the figures the newspapers printed.

use chrono::NaiveDate;
use kfq_app::reports::{funnel, round_summary, stuck};
use kfq_core::report::funnel::FunnelRules;
use kfq_core::report::stuck::StuckThresholds;
use kfq_core::round::RoundId;
use kfq_core::Lang;

use crate::helpers::{both, name};

/// A city's published cells: code, then count and 亿元 of each batch (None = not published).
type PublishedRow = (
    &'static str,
    u64,
    Option<&'static str>,
    Option<u64>,
    Option<&'static str>,
    Option<u64>,
    Option<&'static str>,
);

fn yi(a: kfq_core::Amount) -> String {
    a.yi_string(2)
}

#[tokio::test]
async fn the_demo_reproduces_the_published_figures() {
    for t in both().await {
        let db = &t.db;
        kfq_app::demo::load(db, Lang::Zh).await.expect("demo loads");
        let op = kfq_app::Actor::operator("tester", Lang::Zh);

        // 领办代办 in 2023: 忻州 559 件, 吕梁 232 个 (published-figures.md).
        let year = |y: &str| y.parse::<chrono::NaiveDate>().unwrap();
        for (city, handled) in [("140900", 559), ("141100", 232)] {
            let agency = kfq_app::procedures::report(
                db,
                &op,
                Some(city),
                year("2023-01-01"),
                year("2023-12-31"),
            )
            .await
            .unwrap();
            assert_eq!(agency.figures.handled, handled, "{city}");
        }

        // 晋城经开区 2024: 对接项目 184 个，签约 13 个、157 亿 — each signed lead a project
        // of the zone signed that year.
        let leads = kfq_app::leads::report(
            db,
            &op,
            Some("晋城经济技术开发区"),
            year("2024-01-01"),
            year("2024-12-31"),
        )
        .await
        .unwrap();
        assert_eq!(leads.figures.leads, 184);
        assert_eq!(leads.figures.signed, 13);
        assert_eq!(yi(leads.figures.signed_investment), "157.00");
        let query = kfq_app::leads::LeadQuery {
            region: Some("晋城经济技术开发区".into()),
            status: Some("signed".into()),
            ..Default::default()
        };
        let snapshot = db.snapshot().await.unwrap();
        let signed = kfq_app::leads::list(db, &op, &query).await.unwrap();
        let in_2024: Vec<_> = signed
            .iter()
            .filter(|l| {
                l.signed_on
                    .is_some_and(|d| d.to_string().starts_with("2024"))
            })
            .collect();
        assert_eq!(in_2024.len(), 13);

        // 吕梁 2023: 13 liaison offices, 17 招商活动, 47 外出招商 (seeds 004); the leads they
        // brought are all the zones' own.
        let activities = kfq_app::activities::report(
            db,
            &op,
            Some("141100"),
            year("2023-01-01"),
            year("2023-12-31"),
        )
        .await
        .unwrap();
        let f = activities.figures;
        assert_eq!((f.liaison_offices, f.events, f.trips), (13, 17, 47));
        assert!(f.leads > 0 && f.signed > 0, "{f:?}");
        for l in in_2024 {
            let project = snapshot
                .projects
                .iter()
                .find(|p| Some(p.id) == l.project_id)
                .expect("linked");
            assert_eq!(project.dates.signed_on, l.signed_on, "{}", l.name);
            assert_eq!(project.zone_id, l.zone_id);
        }

        // 吕梁 2023: 省级赋权 58 项、市级 3846 项、县级 1033 项，开发区承接 3567 项 (seeds 004);
        // 晋城经开区 2024: 29 项“一件事一次办” (seeds 003).
        let delegation = kfq_app::delegation::report(db, &op, Some("141100"), year("2023-12-31"))
            .await
            .unwrap();
        let f = delegation.figures;
        assert_eq!(
            (f.province, f.city, f.county, f.taken_up),
            (58, 3846, 1033, 3567)
        );
        let jincheng =
            kfq_app::delegation::report(db, &op, Some("晋城经济技术开发区"), year("2024-12-31"))
                .await
                .unwrap();
        assert_eq!(jincheng.figures.bundles, 29);

        // 2023: 忻州 标准地 76 宗 4146.29 亩, 承诺制备案项目 110 个; 吕梁 标准地 40 宗 2718.16 亩,
        // 承诺制项目 143 个 (seeds 004); 晋城经开区 2024: 新备案 100% 承诺制 (seeds 003).
        for (city, sold, area, committed) in [
            ("140900", 76, "4146.29", 110),
            ("141100", 40, "2718.16", 143),
        ] {
            let r =
                kfq_app::land::report(db, &op, Some(city), year("2023-01-01"), year("2023-12-31"))
                    .await
                    .unwrap();
            assert_eq!(
                (
                    r.land.sold,
                    r.land.sold_area.to_string(),
                    r.commitments.projects
                ),
                (sold, area.to_string(), committed),
                "{city}"
            );
        }
        let r = kfq_app::land::report(
            db,
            &op,
            Some("晋城经济技术开发区"),
            year("2024-01-01"),
            year("2024-12-31"),
        )
        .await
        .unwrap();
        assert!(r.commitments.new_filings > 0);
        assert_eq!(r.commitments.commitment_rate.percent(), "100.00%");

        // 长子经开区: 全年规上工业增加值目标 63 亿 (seeds), the 2024 target.
        let progress =
            kfq_app::assessment::progress(db, &op, "长子经济技术开发区", 2024, year("2026-12-01"))
                .await
                .unwrap();
        let added = progress
            .targets
            .iter()
            .find(|t| t.indicator.code == "industrial_added_value")
            .expect("a target of 规上工业增加值");
        assert_eq!(added.target.to_string(), "630000");

        // 2024年第四次, province by city: (city, sign n, 亿, start n, 亿, produce n, 亿); None = unpublished.
        let published: &[PublishedRow] = &[
            ("140100", 14, None, None, None, None, None),
            ("140200", 17, None, Some(20), None, Some(16), None),
            ("140600", 9, None, Some(11), None, Some(12), None),
            (
                "140900",
                16,
                Some("27.16"),
                Some(15),
                Some("29.22"),
                Some(13),
                Some("12.41"),
            ),
            (
                "140300",
                14,
                Some("62.50"),
                Some(10),
                Some("53.70"),
                Some(6),
                Some("11.90"),
            ),
            (
                "141100",
                12,
                Some("50.25"),
                Some(13),
                Some("27.56"),
                Some(11),
                Some("9.74"),
            ),
            (
                "140500",
                13,
                Some("21.72"),
                Some(16),
                Some("17.87"),
                Some(14),
                Some("18.16"),
            ),
            (
                "141000",
                26,
                Some("179.60"),
                Some(23),
                Some("55.10"),
                Some(19),
                Some("76.50"),
            ),
            ("140400", 18, None, Some(17), None, Some(18), None),
        ];
        let s = round_summary(db, &op, RoundId { year: 2024, seq: 4 }, Some("140000"))
            .await
            .unwrap();
        assert_eq!(s.rows.len(), 11, "{}", name(&t));
        for &(city, sn, sa, tn, ta, pn, pa) in published {
            let row = s.rows.iter().find(|r| r.region == city).unwrap();
            assert_eq!(row.sign.count, sn, "{} {city} sign", name(&t));
            if let Some(a) = sa {
                assert_eq!(yi(row.sign.amount_wan), a, "{city} sign amount");
            }
            if let Some(n) = tn {
                assert_eq!(row.start.count, n, "{city} start");
            }
            if let Some(a) = ta {
                assert_eq!(yi(row.start.amount_wan), a, "{city} start amount");
            }
            if let Some(n) = pn {
                assert_eq!(row.produce.count, n, "{city} produce");
            }
            if let Some(a) = pa {
                assert_eq!(yi(row.produce.amount_wan), a, "{city} produce amount");
            }
        }
        let t4 = &s.total;
        assert_eq!(
            (t4.sign.count, yi(t4.sign.amount_wan).as_str()),
            (187, "567.00")
        );
        assert_eq!(
            (t4.start.count, yi(t4.start.amount_wan).as_str()),
            (181, "350.60")
        );
        assert_eq!(
            (t4.produce.count, yi(t4.produce.amount_wan).as_str()),
            (170, "418.70")
        );
        let sum = |code: &str| {
            s.rows
                .iter()
                .find(|r| r.region == code)
                .map_or(0, |r| r.sign.count)
        };
        assert_eq!(sum("140700") + sum("140800"), 48);

        // 忻州's 战新 subsets; 晋城's industrial output; 吕梁's big and 战新 counts.
        let xinzhou = s.rows.iter().find(|r| r.region == "140900").unwrap();
        assert_eq!(
            (
                xinzhou.sign.strategic.count,
                yi(xinzhou.sign.strategic.amount_wan).as_str()
            ),
            (10, "22.76")
        );
        assert_eq!(
            (
                xinzhou.start.strategic.count,
                yi(xinzhou.start.strategic.amount_wan).as_str()
            ),
            (9, "25.91")
        );
        assert_eq!(
            (
                xinzhou.produce.strategic.count,
                yi(xinzhou.produce.strategic.amount_wan).as_str()
            ),
            (8, "8.94")
        );
        let jincheng = s.rows.iter().find(|r| r.region == "140500").unwrap();
        assert_eq!(jincheng.produce.industrial.count, 8);
        assert_eq!(yi(jincheng.produce.expected_output_wan), "14.69");
        let lvliang = s.rows.iter().find(|r| r.region == "141100").unwrap();
        let strategic: u64 = [&lvliang.sign, &lvliang.start, &lvliang.produce]
            .iter()
            .map(|b| b.strategic.count)
            .sum();
        assert_eq!(strategic, 19);
        let datong = s.rows.iter().find(|r| r.region == "140200").unwrap();
        let datong_total =
            datong.sign.amount_wan + datong.start.amount_wan + datong.produce.amount_wan;
        assert!(datong_total > kfq_core::Amount::from_wan(780_000));

        // 2024年第一次: 忻州 and 吕梁.
        let s1 = round_summary(db, &op, RoundId { year: 2024, seq: 1 }, Some("140000"))
            .await
            .unwrap();
        let row = |code: &str| s1.rows.iter().find(|r| r.region == code).unwrap().clone();
        let x = row("140900");
        assert_eq!(
            (x.sign.count, yi(x.sign.amount_wan).as_str()),
            (27, "38.58")
        );
        assert_eq!(
            (x.start.count, yi(x.start.amount_wan).as_str()),
            (23, "45.84")
        );
        assert_eq!(
            (x.produce.count, yi(x.produce.amount_wan).as_str()),
            (15, "19.74")
        );
        let l = row("141100");
        assert_eq!(
            (
                l.sign.count,
                yi(l.sign.amount_wan).as_str(),
                yi(l.sign.expected_output_wan).as_str()
            ),
            (10, "20.64", "53.89")
        );
        assert_eq!(
            (
                l.start.count,
                yi(l.start.amount_wan).as_str(),
                yi(l.start.expected_output_wan).as_str()
            ),
            (17, "15.20", "6.88")
        );
        assert_eq!(
            (
                l.produce.count,
                yi(l.produce.amount_wan).as_str(),
                yi(l.produce.expected_output_wan).as_str()
            ),
            (16, "28.23", "51.14")
        );

        // 吕梁's six rounds of 2022–2023 as of 2023-12-31.
        let as_of = NaiveDate::from_ymd_opt(2023, 12, 31).unwrap();
        let f = funnel(
            db,
            &op,
            Some("141100"),
            RoundId { year: 2022, seq: 1 },
            RoundId { year: 2023, seq: 4 },
            as_of,
            &FunnelRules::default(),
        )
        .await
        .unwrap();
        let sign = &f.stages[0];
        assert_eq!((sign.count, yi(sign.amount_wan).as_str()), (120, "354.97"));
        assert_eq!(
            (sign.converted_count, yi(sign.converted_amount_wan).as_str()),
            (108, "319.23")
        );
        assert_eq!(sign.rate_by_amount.decimal(4).as_deref(), Some("0.8993"));
        assert_eq!(sign.rate_by_count.decimal(4).as_deref(), Some("0.9000"));
        let start = &f.stages[1];
        assert_eq!(
            (start.count, yi(start.amount_wan).as_str()),
            (123, "376.91")
        );
        assert_eq!(
            (
                start.converted_count,
                yi(start.converted_amount_wan).as_str()
            ),
            (94, "162.54")
        );
        assert_eq!(start.rate_by_amount.percent(), "43.13%");
        let produce = &f.stages[2];
        assert_eq!(
            (produce.count, yi(produce.amount_wan).as_str()),
            (112, "263.25")
        );
        assert_eq!((produce.cohort_count, produce.converted_count), (61, 61));
        assert_eq!(produce.rate_by_count.percent(), "100.00%");

        // The stuck lists are sorted by amount and only hold projects in that stage.
        let report = stuck(
            db,
            &op,
            Some("141100"),
            NaiveDate::from_ymd_opt(2025, 12, 31).unwrap(),
            &StuckThresholds::default(),
        )
        .await
        .unwrap();
        assert_eq!(report.lists.len(), 3);
        for list in &report.lists {
            assert!(list
                .items
                .windows(2)
                .all(|w| w[0].amount_wan >= w[1].amount_wan));
            assert!(list.items.iter().all(|i| i.days >= list.min_days));
        }
        assert!(
            !report.lists[0].items.is_empty(),
            "吕梁 has projects signed but not landed"
        );
    }
}

#[tokio::test]
async fn a_city_report_has_a_row_per_zone_and_unknown_things_are_refused() {
    for t in both().await {
        let db = &t.db;
        kfq_app::demo::load(db, Lang::Zh).await.unwrap();
        let op = kfq_app::Actor::operator("tester", Lang::Zh);
        let s = round_summary(db, &op, RoundId { year: 2024, seq: 4 }, Some("吕梁市"))
            .await
            .unwrap();
        assert_eq!(s.region, "141100");
        assert_eq!(s.rows.len(), 5, "吕梁 has five zones in the demo");
        assert_eq!(s.total.sign.count, 12);
        assert!(s.rows.iter().any(|r| r.name == "吕梁经济技术开发区"));
        let zone = round_summary(
            db,
            &op,
            RoundId { year: 2024, seq: 4 },
            Some("吕梁经济技术开发区"),
        )
        .await
        .unwrap();
        assert_eq!(zone.rows.len(), 1);
        let unknown = round_summary(db, &op, RoundId { year: 2019, seq: 1 }, Some("140000"))
            .await
            .unwrap_err();
        assert!(matches!(unknown, kfq_app::AppError::UnknownRound(_)));
        let nowhere = round_summary(db, &op, RoundId { year: 2024, seq: 4 }, Some("149900"))
            .await
            .unwrap_err();
        assert!(matches!(nowhere, kfq_app::AppError::UnknownRegion(_)));
    }
}

#[tokio::test]
async fn the_trend_and_the_overdue_blockers_add_up_to_their_records() {
    for t in both().await {
        let db = &t.db;
        kfq_app::demo::load(db, Lang::Zh).await.unwrap();
        let op = kfq_app::Actor::operator("tester", Lang::Zh);
        let trend = kfq_app::reports::trend(db, &op, Some("141100"), None, 24)
            .await
            .unwrap();
        assert_eq!(trend.months.len(), 24);
        // The demo's monthly statistics run up to the month it is loaded in.
        assert_eq!(
            trend.months.last().copied(),
            Some(kfq_core::monthly::Month::of(
                chrono::Local::now().date_naive()
            )),
            "{}",
            name(&t)
        );
        let zones = kfq_store::load_zones(db).await.unwrap();
        let lvliang: Vec<i64> = zones
            .iter()
            .filter(|z| z.city.value() == 141_100)
            .map(|z| z.id)
            .collect();
        let projects = kfq_store::load_projects(db).await.unwrap();
        let in_lvliang: std::collections::HashSet<i64> = projects
            .iter()
            .filter(|p| lvliang.contains(&p.zone_id))
            .map(|p| p.id)
            .collect();
        let reports = kfq_store::load_monthly_reports(db).await.unwrap();
        for (month, invested) in trend.months.iter().zip(&trend.invested_wan) {
            let expected: kfq_core::Amount = reports
                .iter()
                .filter(|r| r.month == *month && in_lvliang.contains(&r.project_id))
                .map(|r| r.invested)
                .sum();
            assert_eq!(*invested, expected, "{month}");
        }

        let today = NaiveDate::from_ymd_opt(2025, 12, 31).unwrap();
        let overdue = kfq_app::reports::overdue_blockers(db, &op, Some("141100"), today)
            .await
            .unwrap();
        let blockers = kfq_store::load_blockers(db).await.unwrap();
        let expected = blockers
            .iter()
            .filter(|b| b.is_overdue(today) && in_lvliang.contains(&b.project_id))
            .count();
        assert_eq!(overdue.len(), expected);
        assert!(overdue
            .windows(2)
            .all(|w| w[0].days_overdue >= w[1].days_overdue));
    }
}

#[tokio::test]
async fn the_checks_find_what_a_ledger_gets_wrong_and_the_demo_only_its_planted_duplicates() {
    for t in both().await {
        let db = &t.db;
        kfq_app::demo::load(db, Lang::Zh).await.unwrap();
        let op = kfq_app::Actor::operator("tester", Lang::Zh);
        // The demo's only findings are the duplicates it plants: each pairs a project with its
        // copy in another zone of the same city, written differently, not enrolled anywhere.
        let demo = kfq_app::reports::checks(db, &op, Some("140000"))
            .await
            .unwrap();
        assert_eq!(
            demo.findings.len(),
            kfq_app::demo::PLANTED_DUPLICATES,
            "{}: {:?}",
            name(&t),
            demo.findings
        );
        let snapshot = db.snapshot().await.unwrap();
        for f in &demo.findings {
            assert_eq!(f.rule, "duplicate_project");
            assert_eq!(f.score.as_deref(), Some("1.00"));
            let [a, b] = [&f.projects[0], &f.projects[1]].map(|code| {
                snapshot
                    .projects
                    .iter()
                    .find(|p| p.code.as_str() == code.as_str())
                    .unwrap()
            });
            assert_ne!(a.zone_id, b.zone_id, "{f:?}");
            let enrolled = |id| {
                snapshot
                    .entries
                    .iter()
                    .filter(|e| e.project_id == id)
                    .count()
            };
            assert_eq!(
                enrolled(a.id).min(enrolled(b.id)),
                0,
                "one of the pair is the unenrolled copy: {f:?}"
            );
        }
        let lvliang = kfq_app::reports::checks(db, &op, Some("141100"))
            .await
            .unwrap();
        assert!(lvliang.findings.is_empty(), "{:?}", lvliang.findings);

        let dir = tempfile::tempdir().unwrap();
        let projects = dir.path().join("项目.csv");
        std::fs::write(
            &projects,
            "项目编号,项目名称,所属开发区,项目类别,总投资（万元）,开工日期,投产日期\n\
             BAD-1,超额完成的项目,吕梁经济技术开发区,产业类,1000,2024-01-10,\n\
             BAD-2,未开工就投产的项目,吕梁经济技术开发区,产业类,1000,,2024-06-01\n",
        )
        .unwrap();
        let monthly = dir.path().join("月报.csv");
        std::fs::write(
            &monthly,
            "项目编号,月份,本月完成投资（万元）\nBAD-1,2024-02,700\nBAD-1,2024-03,400\n",
        )
        .unwrap();
        let summary = kfq_app::import::import_files(db, &[projects, monthly], "tester", Lang::Zh)
            .await
            .unwrap();
        // The import goes through and says what it found on the way.
        let warned: Vec<(&str, &str)> = summary
            .warnings
            .iter()
            .map(|f| (f.rule, f.projects[0].as_str()))
            .collect();
        assert_eq!(
            warned,
            [
                ("completed_above_total", "BAD-1"),
                ("producing_without_started", "BAD-2")
            ]
        );
        assert!(summary.describe(Lang::Zh).contains("检查提示 2 条"));
        let found = kfq_app::reports::checks(db, &op, Some("141100"))
            .await
            .unwrap();
        let rules: Vec<(&str, &str)> = found
            .findings
            .iter()
            .map(|f| (f.rule, f.projects[0].as_str()))
            .collect();
        assert_eq!(
            rules,
            [
                ("completed_above_total", "BAD-1"),
                ("producing_without_started", "BAD-2")
            ]
        );
        assert_eq!(
            found.findings[0].evidence,
            "累计完成投资 1100 万元，超过总投资 1000 万元"
        );
        let elsewhere = kfq_app::reports::checks(db, &op, Some("140100"))
            .await
            .unwrap();
        assert!(
            elsewhere
                .findings
                .iter()
                .all(|f| f.rule == "duplicate_project"
                    && f.projects.iter().all(|p| p.starts_with("140100-"))),
            "太原 has none of 吕梁's findings: {:?}",
            elsewhere.findings
        );
    }
}
