//! Given a ledger written as a real XLSX file, when imported, then these projects — or, for a
//! bad ledger, one precise message per fault and nothing written.

use kfq_app::import::import_files;
use kfq_app::AppError;
use kfq_core::{Lang, Localized};
use kfq_ledger::Table;

use crate::helpers::{both, headers, name, write_workbook};

const ZONE: &str = "吕梁经济技术开发区";

fn zones_sheet() -> (&'static str, Vec<Vec<&'static str>>) {
    (
        "开发区",
        vec![
            headers(Table::Zones),
            vec![ZONE, "吕梁市", "省级", "经开区"],
            vec!["孝义经济开发区", "141100", "省级", ""],
        ],
    )
}

fn project<'a>(
    code: &'a str,
    name: &'a str,
    wan: &'a str,
    signed: &'a str,
    started: &'a str,
) -> Vec<&'a str> {
    vec![
        code,
        name,
        ZONE,
        "吕梁华晟新材料有限公司",
        "91110000100017643K",
        "碳基新材料",
        "是",
        "产业类",
        wan,
        "50000",
        signed,
        "",
        started,
        "",
        "",
        "120.5",
        "",
    ]
}

#[tokio::test]
async fn a_good_ledger_is_imported_and_reimporting_it_updates_by_code() {
    for t in both().await {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("台账.xlsx");
        write_workbook(
            &path,
            &[
                zones_sheet(),
                (
                    "项目",
                    vec![
                        headers(Table::Projects),
                        project(
                            "LL-2024-001",
                            "年产20万吨针状焦项目",
                            "35000.5",
                            "2024-01-10",
                            "2024-03-02",
                        ),
                        project("LL-2024-002", "碳纤维生产线项目", "12000", "2024-02-01", ""),
                    ],
                ),
                (
                    "三个一批",
                    vec![
                        headers(Table::Entries),
                        vec!["2024年第一次", "开工", "LL-2024-001"],
                    ],
                ),
                (
                    "月报",
                    vec![
                        headers(Table::Monthly),
                        vec!["LL-2024-001", "2024-03", "1200.25"],
                        vec!["LL-2024-001", "2024年4月", "800"],
                    ],
                ),
            ],
        );
        let summary = import_files(&t.db, std::slice::from_ref(&path), "tester", Lang::Zh)
            .await
            .unwrap();
        assert_eq!(
            (
                summary.zones_created,
                summary.projects_created,
                summary.enterprises_created
            ),
            (2, 2, 1),
            "{}",
            name(&t)
        );
        assert_eq!(
            (
                summary.rounds_created,
                summary.entries_written,
                summary.monthly_reports_written
            ),
            (1, 1, 2)
        );

        let projects = kfq_store::load_projects(&t.db).await.unwrap();
        let p = projects
            .iter()
            .find(|p| p.code.as_str() == "LL-2024-001")
            .unwrap();
        assert_eq!(p.total_investment.wan_string(), "35000.5");
        assert_eq!(p.stage(), kfq_core::stage::Stage::Started);
        assert_eq!(p.land_area.map(|a| a.to_string()).as_deref(), Some("120.5"));
        assert_eq!(
            p.enterprise_id, projects[1].enterprise_id,
            "both rows name one enterprise"
        );
        let entries = kfq_store::load_entries(&t.db, None).await.unwrap();
        assert_eq!(
            entries[0].amount.wan_string(),
            "35000.5",
            "the entry froze the amount"
        );

        // Same ledger again: nothing changes. Then a changed amount updates that project only,
        // the batch entry keeps its frozen figure, and the change is audited before → after.
        let again = import_files(&t.db, std::slice::from_ref(&path), "tester", Lang::Zh)
            .await
            .unwrap();
        assert_eq!(
            (
                again.projects_updated,
                again.projects_created,
                again.entries_written
            ),
            (0, 0, 0)
        );
        let audited = kfq_store::count_audit_events(&t.db).await.unwrap();
        write_workbook(
            &path,
            &[(
                "项目",
                vec![
                    headers(Table::Projects),
                    project(
                        "LL-2024-001",
                        "年产20万吨针状焦项目",
                        "36000",
                        "2024-01-10",
                        "2024-03-02",
                    ),
                ],
            )],
        );
        let changed = import_files(&t.db, &[path], "tester", Lang::Zh)
            .await
            .unwrap();
        assert_eq!(changed.projects_updated, 1);
        let p = kfq_store::load_projects(&t.db)
            .await
            .unwrap()
            .into_iter()
            .find(|p| p.code.as_str() == "LL-2024-001")
            .unwrap();
        assert_eq!(p.total_investment.wan_string(), "36000");
        assert_eq!(p.version, 2);
        let entries = kfq_store::load_entries(&t.db, None).await.unwrap();
        assert_eq!(entries[0].amount.wan_string(), "35000.5");
        assert_eq!(
            kfq_store::count_audit_events(&t.db).await.unwrap(),
            audited + 1
        );
    }
}

#[tokio::test]
async fn a_bad_ledger_is_refused_with_one_precise_message_per_fault_and_nothing_written() {
    for t in both().await {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("坏台账.xlsx");
        write_workbook(
            &path,
            &[
                zones_sheet(),
                (
                    "项目",
                    vec![
                        headers(Table::Projects),
                        project("P-1", "项目一", "1000", "2024-05-01", "2024-03-01"),
                        {
                            let mut row = project("P-2", "项目二", "1000", "", "");
                            row[2] = "火星开发区";
                            row
                        },
                        {
                            let mut row = project("P-3", "项目三", "1000", "", "");
                            row[4] = "91110000100017643A";
                            row
                        },
                        project("P-4", "项目四", "-3", "", ""),
                        project("P-5", "项目五", "三千", "", ""),
                        project("P-1", "项目一（重复）", "1000", "", ""),
                    ],
                ),
            ],
        );
        let err = import_files(&t.db, &[path], "tester", Lang::Zh)
            .await
            .unwrap_err();
        let AppError::Ledger(errors) = &err else {
            panic!("{err:?}")
        };
        let messages: Vec<String> = errors.iter().map(|e| e.message(Lang::Zh)).collect();
        assert_eq!(
            messages,
            [
                "坏台账.xlsx › 工作表“项目” › 第 2 行 › M 列“开工日期” › 值“2024-03-01”：开工日期 2024-03-01 早于签约日期 2024-05-01",
                "坏台账.xlsx › 工作表“项目” › 第 3 行 › C 列“所属开发区” › 值“火星开发区”：没有这个开发区（请先在“开发区”表中登记）",
                "坏台账.xlsx › 工作表“项目” › 第 4 行 › E 列“统一社会信用代码” › 值“91110000100017643A”：统一社会信用代码校验位错误：应为 K，实际为 A",
                "坏台账.xlsx › 工作表“项目” › 第 5 行 › I 列“总投资（万元）” › 值“-3”：金额不能为负数",
                "坏台账.xlsx › 工作表“项目” › 第 6 行 › I 列“总投资（万元）” › 值“三千”：不是数字",
                "坏台账.xlsx › 工作表“项目” › 第 7 行 › A 列“项目编号” › 值“P-1”：与第 2 行重复",
            ],
            "{}",
            name(&t)
        );
        assert!(err
            .message(Lang::En)
            .contains("row 5, column I (总投资（万元）), value '-3': amount must not be negative"));
        assert!(err
            .message(Lang::Zh)
            .ends_with("共 6 处错误，未导入任何数据。"));
        assert_eq!(
            kfq_store::load_zones(&t.db).await.unwrap().len(),
            0,
            "the good zone rows were not written either"
        );
        assert_eq!(kfq_store::count_projects(&t.db).await.unwrap(), 0);
        assert_eq!(kfq_store::count_audit_events(&t.db).await.unwrap(), 0);
    }
}

#[tokio::test]
async fn batch_entries_follow_the_stage_rules_and_locked_rounds_do_not_change() {
    for t in both().await {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("活动.xlsx");
        write_workbook(
            &path,
            &[
                zones_sheet(),
                (
                    "项目",
                    vec![
                        headers(Table::Projects),
                        project("A-1", "未签约的项目", "5000", "", ""),
                        project("A-2", "四月才开工的项目", "5000", "", "2024-04-15"),
                    ],
                ),
                (
                    "活动",
                    vec![
                        headers(Table::Rounds),
                        vec!["2024-1", "2024-02-23", "太原", "是"],
                    ],
                ),
                (
                    "三个一批",
                    vec![
                        headers(Table::Entries),
                        vec!["2024-1", "签约", "A-1"],
                        vec!["2024-1", "开工", "A-2"],
                    ],
                ),
            ],
        );
        let err = import_files(&t.db, std::slice::from_ref(&path), "tester", Lang::Zh)
            .await
            .unwrap_err();
        let AppError::Ledger(errors) = &err else {
            panic!("{err:?}")
        };
        assert_eq!(errors.len(), 1, "{}: {}", name(&t), err.message(Lang::Zh));
        assert!(errors[0]
            .message(Lang::Zh)
            .contains("开工日期 2024-04-15 晚于本次活动所在季度末 2024-03-31"));

        // Without the late one, the signing entry dates the signature on the round's day.
        write_workbook(
            &path,
            &[
                zones_sheet(),
                (
                    "项目",
                    vec![
                        headers(Table::Projects),
                        project("A-1", "未签约的项目", "5000", "", ""),
                    ],
                ),
                (
                    "活动",
                    vec![
                        headers(Table::Rounds),
                        vec!["2024-1", "2024-02-23", "太原", "是"],
                    ],
                ),
                (
                    "三个一批",
                    vec![headers(Table::Entries), vec!["2024-1", "签约", "A-1"]],
                ),
            ],
        );
        let summary = import_files(&t.db, std::slice::from_ref(&path), "tester", Lang::Zh)
            .await
            .unwrap();
        assert_eq!(summary.dated_at_ceremony.len(), 1);
        let p = &kfq_store::load_projects(&t.db).await.unwrap()[0];
        assert_eq!(
            p.dates.signed_on,
            chrono::NaiveDate::from_ymd_opt(2024, 2, 23)
        );

        // The round is locked: a new entry in it is refused.
        write_workbook(
            &path,
            &[
                (
                    "项目",
                    vec![
                        headers(Table::Projects),
                        project("A-3", "后补的项目", "5000", "2024-01-05", ""),
                    ],
                ),
                (
                    "三个一批",
                    vec![headers(Table::Entries), vec!["2024-1", "签约", "A-3"]],
                ),
            ],
        );
        let err = import_files(&t.db, &[path], "tester", Lang::En)
            .await
            .unwrap_err();
        assert!(
            err.message(Lang::En).contains("the round is locked"),
            "{}",
            err.message(Lang::En)
        );
        assert_eq!(kfq_store::count_projects(&t.db).await.unwrap(), 1);
    }
}

#[tokio::test]
async fn csv_files_named_after_their_sheet_import_like_sheets() {
    for t in both().await {
        let dir = tempfile::tempdir().unwrap();
        let zones = dir.path().join("开发区.csv");
        std::fs::write(
            &zones,
            format!("\u{feff}开发区名称,所属市,级别\n{ZONE},吕梁市,省级\n"),
        )
        .unwrap();
        let projects = dir.path().join("项目.csv");
        std::fs::write(
            &projects,
            format!("项目编号,项目名称,所属开发区,项目类别,总投资（万元）\nC-1,氢能重卡项目,{ZONE},产业类,\"1,500\"\n"),
        )
        .unwrap();
        let summary = import_files(&t.db, &[zones, projects], "tester", Lang::Zh)
            .await
            .unwrap();
        assert_eq!(summary.projects_created, 1, "{}", name(&t));
        let p = &kfq_store::load_projects(&t.db).await.unwrap()[0];
        assert_eq!(p.total_investment.wan_string(), "1500");
        assert_eq!(p.enterprise_id, None);
    }
}
