//! Given the project ledgers zones really keep — titles above the header, unit notes, merged
//! headers, 序号 and 小计 rows, headers named their own way, values typed every which way, no
//! zone or code column, several sheets, .xlsx, .xls and CSV in UTF-8 or GB18030 — when
//! imported, then exactly the projects a clerk reads in them; and given ten broken ones, each
//! is refused naming the cell at fault, and nothing is written.

use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use kfq_app::import::{import_any, import_files, ImportOptions, Imported};
use kfq_app::{Actor, AppError};
use kfq_core::{Lang, Localized};
use kfq_ledger::Table;
use kfq_store::Db;
use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};

use crate::helpers::{both, headers, name, write_workbook};

const LVLIANG: &str = "吕梁经济技术开发区";
const XIAOYI: &str = "孝义经济开发区";
const TODAY: (i32, u32, u32) = (2024, 12, 1);

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(TODAY.0, TODAY.1, TODAY.2).expect("a date")
}

/// A sheet as a clerk lays it out: rows of cells and the ranges merged over them.
struct Laid {
    name: &'static str,
    rows: Vec<Vec<&'static str>>,
    /// (first row, first column, last row, last column), from 0.
    merged: Vec<(u32, u16, u32, u16)>,
}

fn laid(name: &'static str, rows: Vec<Vec<&'static str>>) -> Laid {
    Laid {
        name,
        rows,
        merged: Vec::new(),
    }
}

/// Writes the sheets as Excel does when a clerk types them: a number as a number (unless it is
/// quoted with a leading '), `@2024-03-15` as a date cell, anything else as text; merged ranges
/// hold their text in the first cell.
fn write_laid(path: &Path, sheets: &[Laid]) {
    let mut workbook = Workbook::new();
    let date_format = Format::new().set_num_format("yyyy-mm-dd");
    for laid in sheets {
        let sheet = workbook.add_worksheet();
        sheet.set_name(laid.name).expect("sheet name");
        for &(r1, c1, r2, c2) in &laid.merged {
            let text = laid.rows[r1 as usize]
                .get(c1 as usize)
                .copied()
                .unwrap_or("");
            sheet
                .merge_range(r1, c1, r2, c2, text, &Format::new())
                .expect("merged range");
        }
        for (r, row) in laid.rows.iter().enumerate() {
            for (c, text) in row.iter().enumerate() {
                let (r, c) = (r as u32, c as u16);
                let in_merge = laid
                    .merged
                    .iter()
                    .any(|&(r1, c1, r2, c2)| (r1..=r2).contains(&r) && (c1..=c2).contains(&c));
                if text.is_empty() || in_merge {
                    continue;
                }
                if let Some(day) = text.strip_prefix('@') {
                    let date = ExcelDateTime::parse_from_str(day).expect("a test date");
                    sheet.write_datetime_with_format(r, c, &date, &date_format)
                } else if let Some(quoted) = text.strip_prefix('\'') {
                    sheet.write_string(r, c, quoted)
                } else {
                    match text.parse::<f64>() {
                        Ok(n) => sheet.write_number(r, c, n),
                        Err(_) => sheet.write_string(r, c, *text),
                    }
                }
                .expect("cell");
            }
        }
    }
    workbook.save(path).expect("workbook saved");
}

fn write_csv(path: &Path, rows: &[Vec<&str>]) -> String {
    let mut text = String::new();
    for row in rows {
        let cells: Vec<String> = row
            .iter()
            .map(|c| {
                if c.contains([',', '"']) {
                    format!("\"{}\"", c.replace('"', "\"\""))
                } else {
                    c.to_string()
                }
            })
            .collect();
        text.push_str(&cells.join(","));
        text.push_str("\r\n");
    }
    std::fs::write(path, &text).expect("csv written");
    text
}

/// Converts a workbook to the old .xls format as Excel 97–2003 saves it (LibreOffice, which
/// the test set-up installs).
fn to_xls(xlsx: &Path) -> PathBuf {
    let dir = xlsx.parent().expect("a folder");
    let profile = dir.join("lo-profile");
    let status = std::process::Command::new("soffice")
        .arg(format!(
            "-env:UserInstallation=file://{}",
            profile.display()
        ))
        .args(["--headless", "--convert-to", "xls", "--outdir"])
        .arg(dir)
        .arg(xlsx)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()
        .expect(
            "LibreOffice (soffice) is needed for the .xls ledger: ./scripts/test.sh installs it",
        );
    assert!(status.success(), "soffice converted {}", xlsx.display());
    xlsx.with_extension("xls")
}

/// The stored projects, a line each: name, zone, enterprise, category, 总投资 (万元), signed,
/// started, producing, 战新, chain, land (亩).
async fn projects(db: &Db) -> BTreeSet<String> {
    let zones = kfq_store::load_zones(db).await.unwrap();
    let enterprises = kfq_store::load_enterprises(db).await.unwrap();
    let day = |d: Option<NaiveDate>| d.map_or("-".to_string(), |d| d.to_string());
    kfq_store::load_projects(db)
        .await
        .unwrap()
        .iter()
        .map(|p| {
            let zone = zones
                .iter()
                .find(|z| z.id == p.zone_id)
                .map_or("?", |z| &z.name);
            let enterprise = p
                .enterprise_id
                .and_then(|id| enterprises.iter().find(|e| e.id == id))
                .map_or("-", |e| &e.name);
            format!(
                "{}|{zone}|{enterprise}|{}|{}|{}|{}|{}|{}|{}|{}",
                p.name,
                p.category.label(Lang::Zh),
                p.total_investment.wan_string(),
                day(p.dates.signed_on),
                day(p.dates.started_on),
                day(p.dates.producing_on),
                if p.strategic_emerging { "战新" } else { "-" },
                if p.chain.is_empty() { "-" } else { &p.chain },
                p.land_area.map_or("-".to_string(), |a| a.to_string()),
            )
        })
        .collect()
}

/// A database holding two zones and one project of 吕梁经开区's, as the template imports them.
async fn seeded(db: &Db, dir: &Path) {
    let path = dir.join("底账.xlsx");
    let mut project = vec![""; headers(Table::Projects).len()];
    project[0] = "141100-2024-0007";
    project[1] = "氢能重卡整车制造项目";
    project[2] = LVLIANG;
    project[5] = "新能源汽车";
    project[6] = "是";
    project[7] = "产业类";
    project[8] = "1000";
    project[10] = "2024-01-05";
    write_workbook(
        &path,
        &[
            (
                "开发区",
                vec![
                    headers(Table::Zones),
                    vec![LVLIANG, "吕梁市", "国家级", "经开区"],
                    vec![XIAOYI, "吕梁市", "省级", ""],
                ],
            ),
            ("项目", vec![headers(Table::Projects), project]),
        ],
    );
    import_files(db, &[path], "tester", Lang::Zh).await.unwrap();
}

fn options(zone: Option<&str>, category: Option<&str>, map: &[(&str, &str)]) -> ImportOptions {
    ImportOptions {
        zone: zone.map(str::to_string),
        category: category.map(str::to_string),
        mapping: map
            .iter()
            .map(|(h, f)| (h.to_string(), f.to_string()))
            .collect::<HashMap<_, _>>(),
    }
}

/// One messy ledger: its files, what the user says of them, and the projects it adds or
/// changes (lines as [`projects`] writes them).
struct Case {
    files: Vec<PathBuf>,
    options: ImportOptions,
    expect: Vec<&'static str>,
}

/// The ten messy ledgers (and one more file from a zone that said what its column holds).
fn messy_cases(dir: &Path) -> Vec<Case> {
    let mut cases = Vec::new();
    let at = |name: &str| dir.join(name);

    // 1. Title and unit note over the header (merged across), 序号, a blank row, 小计 and 合计;
    //    a date typed as a date cell.
    let path = at("吕梁经开区2024年重点项目台账.xlsx");
    write_laid(
        &path,
        &[Laid {
            name: "重点项目",
            rows: vec![
                vec!["吕梁经济技术开发区2024年重点项目台账"],
                vec!["填报单位：招商服务局", "", "", "", "", "", "单位：万元"],
                vec![
                    "序号",
                    "项目名称",
                    "所属开发区",
                    "项目单位",
                    "项目类别",
                    "总投资",
                    "签约日期",
                    "开工日期",
                    "备注",
                ],
                vec![
                    "1",
                    "年产10万吨碳纤维项目",
                    LVLIANG,
                    "吕梁华晟新材料有限公司",
                    "产业类",
                    "85000",
                    "@2024-03-15",
                    "",
                    "重点",
                ],
                vec![],
                vec![
                    "2",
                    "高端装备产业园",
                    LVLIANG,
                    "山西装备制造有限公司",
                    "产业类",
                    "12000.5",
                    "'2024-04-01",
                    "'2024-06-01",
                ],
                vec!["小计", "", "", "", "", "97000.5"],
                vec!["合计", "", "", "", "", "97000.5"],
            ],
            merged: vec![(0, 0, 0, 8), (1, 0, 1, 5), (1, 6, 1, 8)],
        }],
    );
    cases.push(Case {
        files: vec![path],
        options: options(None, None, &[]),
        expect: vec![
            "年产10万吨碳纤维项目|吕梁经济技术开发区|吕梁华晟新材料有限公司|产业类|85000|2024-03-15|-|-|-|-|-",
            "高端装备产业园|吕梁经济技术开发区|山西装备制造有限公司|产业类|12000.5|2024-04-01|2024-06-01|-|-|-|-",
        ],
    });

    // 2. Amounts in 亿元 by the note; a cell stating its own unit keeps it.
    let path = at("孝义经开区项目表（亿元）.xlsx");
    write_laid(
        &path,
        &[laid(
            "Sheet1",
            vec![
                vec!["孝义经济开发区重点项目推进表"],
                vec!["单位：亿元"],
                vec![
                    "项目名称",
                    "所属开发区",
                    "建设单位",
                    "项目类型",
                    "计划总投资",
                    "签约时间",
                ],
                vec![
                    "焦化副产品深加工项目",
                    XIAOYI,
                    "孝义鹏飞实业有限公司",
                    "产业类",
                    "3.5",
                    "'2024.3.15",
                ],
                vec![
                    "园区污水处理厂",
                    XIAOYI,
                    "孝义市城投公司",
                    "基础设施类",
                    "1.25",
                    "'2024年5月8日",
                ],
                vec!["职工公寓", XIAOYI, "", "社会民生类", "'8000万元", ""],
            ],
        )],
    );
    cases.push(Case {
        files: vec![path],
        options: options(None, None, &[]),
        expect: vec![
            "焦化副产品深加工项目|孝义经济开发区|孝义鹏飞实业有限公司|产业类|35000|2024-03-15|-|-|-|-|-",
            "园区污水处理厂|孝义经济开发区|孝义市城投公司|基础设施类|12500|2024-05-08|-|-|-|-|-",
            "职工公寓|孝义经济开发区|-|社会民生类|8000|-|-|-|-|-|-",
        ],
    });

    // 3. A header over two rows, merged down and across (投资情况 over 总投资 | 年度计划 | 累计
    //    完成), no zone column (the user names the zone), sections that give the category.
    let path = at("吕梁经开区项目台账（合并表头）.xlsx");
    write_laid(
        &path,
        &[Laid {
            name: "台账",
            rows: vec![
                vec!["吕梁经开区2024年项目建设台账"],
                vec![
                    "序号",
                    "项目名称",
                    "企业名称",
                    "投资情况",
                    "",
                    "",
                    "建设周期",
                    "",
                ],
                vec![
                    "",
                    "",
                    "",
                    "总投资",
                    "年度计划",
                    "累计完成",
                    "开工时间",
                    "投产时间",
                ],
                vec!["一、工业项目"],
                vec![
                    "1",
                    "锂电池正极材料项目",
                    "吕梁锂能科技有限公司",
                    "60000",
                    "20000",
                    "15000",
                    "'2024/03",
                    "'2024/11",
                ],
                vec!["二、基础设施项目"],
                vec![
                    "1",
                    "园区道路改造工程",
                    "吕梁开发投资集团",
                    "4500",
                    "4500",
                    "3000",
                    "'2024.5.6",
                    "",
                ],
            ],
            merged: vec![
                (0, 0, 0, 7),
                (1, 0, 2, 0),
                (1, 1, 2, 1),
                (1, 2, 2, 2),
                (1, 3, 1, 5),
                (1, 6, 1, 7),
                (3, 0, 3, 7),
                (5, 0, 5, 7),
            ],
        }],
    );
    cases.push(Case {
        files: vec![path],
        options: options(Some(LVLIANG), None, &[]),
        expect: vec![
            "锂电池正极材料项目|吕梁经济技术开发区|吕梁锂能科技有限公司|产业类|60000|-|2024-03-01|2024-11-01|-|-|-",
            "园区道路改造工程|吕梁经济技术开发区|吕梁开发投资集团|基础设施类|4500|-|2024-05-06|-|-|-|-",
        ],
    });

    // 4. Headers named each zone's way, with units in them; 战新 ticked; a UTF-8 CSV with BOM.
    let path = at("项目汇总.csv");
    let text = write_csv(
        &path,
        &[
            vec![
                "项目名",
                "园区",
                "企业名称",
                "类别",
                "总投资（亿元）",
                "达产后年产值（亿元）",
                "是否战新",
                "所属产业链",
                "用地面积（亩）",
                "落地时间",
            ],
            vec![
                "半导体封测基地",
                XIAOYI,
                "孝义芯通半导体有限公司",
                "产业",
                "2.8",
                "5",
                "√",
                "集成电路",
                "120.5",
                "2024-07-01",
            ],
            vec![
                "物流仓储中心",
                XIAOYI,
                "孝义顺达物流有限公司",
                "产业类",
                "0.6",
                "",
                "",
                "现代物流",
                "45",
                "",
            ],
        ],
    );
    std::fs::write(&path, format!("\u{feff}{text}")).expect("csv written");
    cases.push(Case {
        files: vec![path],
        options: options(None, None, &[]),
        expect: vec![
            "半导体封测基地|孝义经济开发区|孝义芯通半导体有限公司|产业类|28000|-|-|-|战新|集成电路|120.5",
            "物流仓储中心|孝义经济开发区|孝义顺达物流有限公司|产业类|6000|-|-|-|-|现代物流|45",
        ],
    });

    // 5. A column kfq does not know (投资额度), mapped by the user for their zone.
    let path = at("孝义经开区新签约项目.xlsx");
    write_laid(
        &path,
        &[laid(
            "新签约",
            vec![
                vec!["项目名称", "项目类别", "投资额度", "签约日期"],
                vec!["新能源电池回收项目", "产业类", "15000", "'2024-08-20"],
            ],
        )],
    );
    cases.push(Case {
        files: vec![path],
        options: options(Some(XIAOYI), None, &[("投资额度", "total_investment_wan")]),
        expect: vec!["新能源电池回收项目|孝义经济开发区|-|产业类|15000|2024-08-20|-|-|-|-|-"],
    });
    // … and the zone's next file, with the same column, needs no mapping: it is remembered.
    let path = at("孝义经开区新签约项目（第二批）.xlsx");
    write_laid(
        &path,
        &[laid(
            "新签约",
            vec![
                vec!["项目名称", "项目类别", "投资额度"],
                vec!["氢能加注站", "基础设施类", "3000"],
            ],
        )],
    );
    cases.push(Case {
        files: vec![path],
        options: options(Some(XIAOYI), None, &[]),
        expect: vec!["氢能加注站|孝义经济开发区|-|基础设施类|3000|-|-|-|-|-|-"],
    });

    // 6. Values as people type them: an Excel serial day, 2024.3.15, 2024年3月15日, 2024/03,
    //    full-width digits and commas, thousands separators, “3.5亿元”, 是/否/√/空.
    let path = at("各种写法.xlsx");
    write_laid(
        &path,
        &[laid(
            "项目",
            vec![
                vec![
                    "项目名称",
                    "所属开发区",
                    "项目类别",
                    "总投资",
                    "是否战新",
                    "签约日期",
                    "开工日期",
                    "投产日期",
                ],
                vec![
                    "光伏组件项目",
                    LVLIANG,
                    "产业类",
                    "'１２，０００",
                    "是",
                    "45366",
                    "'2024.4.1",
                    "'2024年9月30日",
                ],
                vec![
                    "储能电站项目",
                    LVLIANG,
                    "产业类",
                    "'1,200",
                    "√",
                    "'2024/03",
                    "",
                    "",
                ],
                vec![
                    "数据中心项目",
                    LVLIANG,
                    "产业类",
                    "'3.5亿元",
                    "否",
                    "'２０２４－０５－０６",
                    "",
                    "",
                ],
                vec![
                    "冷链物流项目",
                    LVLIANG,
                    "产业类",
                    "'2,500.75 万元",
                    "",
                    "",
                    "",
                    "",
                ],
            ],
        )],
    );
    cases.push(Case {
        files: vec![path],
        options: options(None, None, &[]),
        expect: vec![
            "光伏组件项目|吕梁经济技术开发区|-|产业类|12000|2024-03-15|2024-04-01|2024-09-30|战新|-|-",
            "储能电站项目|吕梁经济技术开发区|-|产业类|1200|2024-03-01|-|-|战新|-|-",
            "数据中心项目|吕梁经济技术开发区|-|产业类|35000|2024-05-06|-|-|-|-|-",
            "冷链物流项目|吕梁经济技术开发区|-|产业类|2500.75|-|-|-|-|-|-",
        ],
    });

    // 7. No code column: a row matches the zone's project of that name (spaces and full-width
    //    forms aside) and changes what it states — what it has no column for (签约日期, 产业链,
    //    战新) stays as stored.
    let path = at("吕梁经开区台账（无编号）.xlsx");
    write_laid(
        &path,
        &[laid(
            "项目",
            vec![
                vec!["项目名称", "所属开发区", "项目类别", "总投资", "开工日期"],
                vec![
                    " 氢能重卡整车制造项目 ",
                    LVLIANG,
                    "产业类",
                    "1500",
                    "'2024-10-08",
                ],
            ],
        )],
    );
    cases.push(Case {
        files: vec![path],
        options: options(None, None, &[]),
                expect: vec!["氢能重卡整车制造项目|吕梁经济技术开发区|-|产业类|1500|2024-01-05|2024-10-08|-|战新|新能源汽车|-"],
    });

    // 8. Several sheets: each its own title, the zone merged down over its projects, a 说明
    //    sheet and an empty one passed over.
    let path = at("吕梁经开区分类台账.xlsx");
    let header = vec!["序号", "所属开发区", "项目名称", "项目类别", "总投资"];
    write_laid(
        &path,
        &[
            Laid {
                name: "工业项目",
                rows: vec![
                    vec!["工业项目台账"],
                    header.clone(),
                    vec!["1", LVLIANG, "特种钢材深加工项目", "工业项目", "22000"],
                    vec!["2", "", "铝镁合金压铸项目", "工业项目", "18000"],
                ],
                merged: vec![(0, 0, 0, 4), (2, 1, 3, 1)],
            },
            Laid {
                name: "基础设施项目",
                rows: vec![
                    vec!["基础设施项目台账"],
                    header,
                    vec!["1", LVLIANG, "标准化厂房三期", "基础设施项目", "9000"],
                ],
                merged: vec![(0, 0, 0, 4)],
            },
            laid("填表说明", vec![vec!["请于每月5日前报送。"]]),
            laid("Sheet3", vec![]),
        ],
    );
    cases.push(Case {
        files: vec![path],
        options: options(None, None, &[]),
        expect: vec![
            "特种钢材深加工项目|吕梁经济技术开发区|-|产业类|22000|-|-|-|-|-|-",
            "铝镁合金压铸项目|吕梁经济技术开发区|-|产业类|18000|-|-|-|-|-|-",
            "标准化厂房三期|吕梁经济技术开发区|-|基础设施类|9000|-|-|-|-|-|-",
        ],
    });

    // 9. A CSV saved by Excel on a Chinese system: GB18030, a title and a unit note.
    let path = at("孝义经开区台账GBK.csv");
    let text = "孝义经济开发区项目台账\r\n单位：万元\r\n序号,项目名称,所属开发区,项目类别,总投资\r\n1,煤层气综合利用项目,孝义经济开发区,产业类,\"26,000\"\r\n,合计,,,\"26,000\"\r\n";
    let (bytes, _, lossy) = encoding_rs::GB18030.encode(text);
    assert!(!lossy);
    std::fs::write(&path, &bytes).expect("csv written");
    cases.push(Case {
        files: vec![path],
        options: options(None, None, &[]),
        expect: vec!["煤层气综合利用项目|孝义经济开发区|-|产业类|26000|-|-|-|-|-|-"],
    });

    // 10. The old .xls format, as Excel 97–2003 saves it: a title, a merged header.
    let path = at("吕梁经开区旧台账.xlsx");
    write_laid(
        &path,
        &[Laid {
            name: "2024",
            rows: vec![
                vec!["吕梁经开区2024年续建项目"],
                vec!["项目名称", "所属开发区", "项目类别", "投资（万元）", ""],
                vec!["", "", "", "总投资", "本年完成"],
                vec!["生物医药产业园", LVLIANG, "产业类", "48000", "12000"],
            ],
            merged: vec![
                (0, 0, 0, 4),
                (1, 0, 2, 0),
                (1, 1, 2, 1),
                (1, 2, 2, 2),
                (1, 3, 1, 4),
            ],
        }],
    );
    cases.push(Case {
        files: vec![to_xls(&path)],
        options: options(None, None, &[]),
        expect: vec!["生物医药产业园|吕梁经济技术开发区|-|产业类|48000|-|-|-|-|-|-"],
    });
    cases
}

#[tokio::test]
async fn ten_messy_ledgers_import_to_exactly_the_projects_a_clerk_reads_in_them() {
    let dir = tempfile::tempdir().unwrap();
    let cases = messy_cases(dir.path());
    for t in both().await {
        seeded(&t.db, dir.path()).await;
        let operator = Actor::operator("tester", Lang::Zh);
        for case in &cases {
            let before = projects(&t.db).await;
            let imported = import_any(&t.db, &case.files, &operator, today(), &case.options)
                .await
                .unwrap_or_else(|e| {
                    panic!("{:?} on {}: {}", case.files, name(&t), e.message(Lang::Zh))
                });
            let Imported::Ledger(summary) = imported else {
                panic!("{:?} read as books", case.files)
            };
            let after = projects(&t.db).await;
            let changed: BTreeSet<&str> = after.difference(&before).map(String::as_str).collect();
            let expected: BTreeSet<&str> = case.expect.iter().copied().collect();
            assert_eq!(changed, expected, "{:?} on {}", case.files, name(&t));
            assert_eq!(
                summary.projects_created + summary.projects_updated,
                case.expect.len(),
                "{:?}: no total, section or blank row became a project",
                case.files
            );
        }
        let codes: Vec<String> = kfq_store::load_projects(&t.db)
            .await
            .unwrap()
            .iter()
            .map(|p| p.code.as_str().to_string())
            .collect();
        assert!(
            codes.contains(&"141100-2024-0008".to_string()),
            "new projects of 吕梁 take codes after the zone's 0007: {codes:?}"
        );
        assert_eq!(
            codes
                .iter()
                .filter(|c| c.as_str() == "141100-2024-0007")
                .count(),
            1,
            "the project matched by name kept its code"
        );
    }
}

/// One broken ledger: its file, what the user says of it, and every fault it must be refused
/// with (the messages a clerk reads, in order).
struct Broken {
    file: PathBuf,
    options: ImportOptions,
    faults: Vec<&'static str>,
}

/// A zone's ledger of 吕梁经开区 in its own layout, with a title, and the rows given.
fn zone_sheet(path: &Path, rows: Vec<Vec<&'static str>>) {
    let mut all = vec![
        vec!["吕梁经开区2024年重点项目台账"],
        vec![
            "序号",
            "项目名称",
            "所属开发区",
            "项目单位",
            "统一社会信用代码",
            "项目类别",
            "总投资",
            "是否战新",
            "签约日期",
            "开工日期",
        ],
    ];
    all.extend(rows);
    write_laid(path, &[laid("台账", all)]);
}

fn broken_cases(dir: &Path) -> Vec<Broken> {
    let at = |name: &str| dir.join(name);
    let good = |n: &'static str, name: &'static str| {
        vec![n, name, LVLIANG, "", "", "产业类", "1000", "", "", ""]
    };
    let with = |mut row: Vec<&'static str>, column: usize, value: &'static str| {
        row[column] = value;
        row
    };
    let mut cases = Vec::new();
    let none = || options(None, None, &[]);

    // 1. No header anywhere: a sheet of notes.
    let file = at("坏01-无表头.xlsx");
    write_laid(
        &file,
        &[laid(
            "Sheet1",
            vec![
                vec!["关于报送重点项目的通知"],
                vec!["请各开发区于5日前报送。"],
            ],
        )],
    );
    cases.push(Broken {
        file,
        options: none(),
        faults: vec!["坏01-无表头.xlsx › 工作表“Sheet1”：前 15 行中找不到表头"],
    });

    // 2. An amount that is not one.
    let file = at("坏02-金额.xlsx");
    zone_sheet(
        &file,
        vec![good("1", "甲项目"), with(good("2", "乙项目"), 6, "三千万")],
    );
    cases.push(Broken {
        file,
        options: none(),
        faults: vec![
            "坏02-金额.xlsx › 工作表“台账” › 第 4 行 › G 列“总投资” › 值“三千万”：不是数字",
        ],
    });

    // 3. A day that is not one.
    let file = at("坏03-日期.xlsx");
    zone_sheet(&file, vec![with(good("1", "甲项目"), 9, "'2024.13.45")]);
    cases.push(Broken {
        file,
        options: none(),
        faults: vec!["坏03-日期.xlsx › 工作表“台账” › 第 3 行 › J 列“开工日期” › 值“2024.13.45”："],
    });

    // 4. A yes/no that is neither.
    let file = at("坏04-是否.xlsx");
    zone_sheet(&file, vec![with(good("1", "甲项目"), 7, "也许")]);
    cases.push(Broken {
        file,
        options: none(),
        faults: vec!["坏04-是否.xlsx › 工作表“台账” › 第 3 行 › H 列“是否战新” › 值“也许”："],
    });

    // 5. No zone column, and no zone named.
    let file = at("坏05-无开发区.xlsx");
    write_laid(
        &file,
        &[laid(
            "台账",
            vec![
                vec!["项目名称", "项目类别", "总投资"],
                vec!["甲项目", "产业类", "100"],
            ],
        )],
    );
    cases.push(Broken {
        file,
        options: none(),
        faults: vec![
            "坏05-无开发区.xlsx › 工作表“台账” › 第 1 行 › 列“所属开发区”：表中没有开发区列",
        ],
    });

    // 6. A zone named that kfq does not know.
    let file = at("坏06-开发区不存在.xlsx");
    write_laid(
        &file,
        &[laid(
            "台账",
            vec![
                vec!["项目名称", "项目类别", "总投资"],
                vec!["甲项目", "产业类", "100"],
            ],
        )],
    );
    cases.push(Broken {
        file,
        options: options(Some("火星开发区"), None, &[]),
        faults: vec!["坏06-开发区不存在.xlsx：指定的开发区“火星开发区”不存在"],
    });

    // 7. A 统一社会信用代码 whose check character is wrong, named in the clerk's own column.
    let file = at("坏07-信用代码.xlsx");
    zone_sheet(
        &file,
        vec![with(
            with(good("1", "甲项目"), 3, "吕梁华晟新材料有限公司"),
            4,
            "91110000100017643A",
        )],
    );
    cases.push(Broken {
        file,
        options: none(),
        faults: vec!["坏07-信用代码.xlsx › 工作表“台账” › 第 3 行 › E 列“统一社会信用代码” › 值“91110000100017643A”：统一社会信用代码校验位错误：应为 K，实际为 A"],
    });

    // 8. A negative amount with its unit in the cell: named as typed.
    let file = at("坏08-负数.xlsx");
    zone_sheet(&file, vec![with(good("1", "甲项目"), 6, "'-5亿元")]);
    cases.push(Broken {
        file,
        options: none(),
        faults: vec![
            "坏08-负数.xlsx › 工作表“台账” › 第 3 行 › G 列“总投资” › 值“-5亿元”：金额不能为负数",
        ],
    });

    // 9. One name twice, and no codes to tell the rows apart.
    let file = at("坏09-重名.xlsx");
    zone_sheet(
        &file,
        vec![
            good("1", "甲项目"),
            good("2", "乙项目"),
            good("3", "甲项目"),
        ],
    );
    cases.push(Broken {
        file,
        options: none(),
        faults: vec![
            "坏09-重名.xlsx › 工作表“台账” › 第 5 行 › B 列“项目名称” › 值“甲项目”：与第 3 行同名",
        ],
    });

    // 10. Started before it was signed: the later milestone's cell, as typed.
    let file = at("坏10-日期顺序.xlsx");
    zone_sheet(
        &file,
        vec![with(
            with(good("1", "甲项目"), 8, "'2024年5月1日"),
            9,
            "'2024.3.1",
        )],
    );
    cases.push(Broken {
        file,
        options: none(),
        faults: vec!["坏10-日期顺序.xlsx › 工作表“台账” › 第 3 行 › J 列“开工日期” › 值“2024.3.1”：开工日期 2024-03-01 早于签约日期 2024-05-01"],
    });

    // 11. A CSV in neither UTF-8 nor GB18030.
    let file = at("坏11-编码.csv");
    std::fs::write(&file, b"\xff\xff,\xfe\xfe\r\n").expect("written");
    cases.push(Broken {
        file,
        options: none(),
        faults: vec!["坏11-编码.csv：文件既不是 UTF-8 也不是 GB18030（GBK）编码的文本"],
    });

    // 13. An old .xls cut short on its way (the workbook reader panics on some such files:
    //     refused as damaged all the same, the server unharmed).
    let whole = at("坏13-损坏.xlsx");
    zone_sheet(&whole, vec![good("1", "甲项目")]);
    let xls = to_xls(&whole);
    let bytes = std::fs::read(&xls).expect("xls");
    let file = at("坏13-损坏.xls");
    std::fs::write(&file, &bytes[..bytes.len() / 2]).expect("written");
    cases.push(Broken {
        file,
        options: none(),
        faults: vec!["坏13-损坏.xls："],
    });

    // 12. No 总投资 column at all.
    let file = at("坏12-无总投资.xlsx");
    write_laid(
        &file,
        &[laid(
            "台账",
            vec![
                vec!["项目名称", "所属开发区", "项目类别", "签约日期"],
                vec!["甲项目", LVLIANG, "产业类", "'2024-01-01"],
            ],
        )],
    );
    cases.push(Broken {
        file,
        options: none(),
        faults: vec!["坏12-无总投资.xlsx › 工作表“台账” › 第 1 行 › 列“总投资”：缺少这一列"],
    });
    cases
}

#[tokio::test]
async fn broken_ledgers_are_refused_naming_each_cell_at_fault_and_nothing_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let cases = broken_cases(dir.path());
    for t in both().await {
        seeded(&t.db, dir.path()).await;
        let operator = Actor::operator("tester", Lang::Zh);
        let before = projects(&t.db).await;
        let audited = kfq_store::count_audit_events(&t.db).await.unwrap();
        for case in &cases {
            let err = import_any(
                &t.db,
                std::slice::from_ref(&case.file),
                &operator,
                today(),
                &case.options,
            )
            .await
            .expect_err("a broken ledger is refused");
            let AppError::Ledger(faults) = &err else {
                panic!("{:?}: {err:?}", case.file)
            };
            let messages: Vec<String> = faults.iter().map(|f| f.message(Lang::Zh)).collect();

            assert_eq!(
                messages.len(),
                case.faults.len(),
                "{:?} on {}: {messages:#?}",
                case.file,
                name(&t)
            );
            for (message, expected) in messages.iter().zip(&case.faults) {
                assert!(
                    message.starts_with(expected),
                    "{:?} on {}:\n{message}\nshould start\n{expected}",
                    case.file,
                    name(&t)
                );
            }
        }
        assert_eq!(projects(&t.db).await, before, "nothing was written");
        assert_eq!(kfq_store::count_audit_events(&t.db).await.unwrap(), audited);
    }
}
