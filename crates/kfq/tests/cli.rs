//! The command line as a user types it: the README's commands, on a SQLite file.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::OnceLock;

fn kfq(db: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_kfq"))
        .args(args)
        .env("KFQ_DATABASE_URL", format!("sqlite://{}", db.display()))
        .env_remove("KFQ_LANG")
        .output()
        .expect("kfq runs")
}

fn stdout(out: &Output) -> String {
    assert!(
        out.status.success(),
        "kfq failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// One database with the demo loaded by `kfq demo`, shared by the tests that only read it.
fn demo_db() -> &'static Path {
    static DB: OnceLock<PathBuf> = OnceLock::new();
    DB.get_or_init(|| {
        let dir = Box::leak(Box::new(tempfile::tempdir().unwrap()));
        let db = dir.path().join("data").join("kfq.db");
        let out = kfq(&db, &["demo"]);
        assert!(
            stdout(&out).contains("项目 新增"),
            "the demo reports what it loaded"
        );
        db
    })
}

fn json(out: &Output) -> serde_json::Value {
    serde_json::from_str(&stdout(out)).expect("valid JSON")
}

#[test]
fn the_round_report_as_json_reproduces_the_published_table() {
    let out = kfq(
        demo_db(),
        &[
            "report", "round", "2024-4", "--region", "140000", "--format", "json",
        ],
    );
    let report = json(&out);
    assert_eq!(report["round"], "2024-4");
    assert_eq!(report["region"], "140000");
    let rows = report["rows"].as_array().unwrap();
    assert_eq!(rows.len(), 11);
    assert_eq!(rows[0]["region"], "140100");
    assert_eq!(rows[0]["name"], "太原市");
    assert_eq!(rows[0]["sign"]["count"], 14);
    let xinzhou = rows.iter().find(|r| r["region"] == "140900").unwrap();
    assert_eq!(xinzhou["sign"]["amount_wan"], "271600");
    assert_eq!(xinzhou["start"]["amount_wan"], "292200");
    assert_eq!(xinzhou["produce"]["count"], 13);
    assert_eq!(xinzhou["sign"]["strategic"]["count"], 10);
    assert_eq!(report["total"]["sign"]["count"], 187);
    assert_eq!(report["total"]["sign"]["amount_wan"], "5670000");
    assert_eq!(report["total"]["start"]["amount_wan"], "3506000");
    assert_eq!(report["total"]["produce"]["amount_wan"], "4187000");
}

#[test]
fn the_funnel_as_json_carries_rates_as_decimal_strings_with_their_formulas() {
    let out = kfq(
        demo_db(),
        &[
            "report",
            "funnel",
            "--region",
            "141100",
            "--from",
            "2022-1",
            "--to",
            "2023-4",
            "--as-of",
            "2023-12-31",
            "--format",
            "json",
        ],
    );
    let f = json(&out);
    assert_eq!(
        (f["region"].as_str(), f["from"].as_str(), f["to"].as_str()),
        (Some("141100"), Some("2022-1"), Some("2023-4"))
    );
    assert_eq!(f["as_of"], "2023-12-31");
    let sign = &f["stages"][0];
    assert_eq!(sign["batch"], "sign");
    assert_eq!(sign["count"], 120);
    assert_eq!(sign["amount_wan"], "3549700");
    assert_eq!(sign["converted_count"], 108);
    assert_eq!(sign["converted_amount_wan"], "3192300");
    assert_eq!(sign["rate_by_amount"], "0.8993");
    assert_eq!(sign["rate_by_count"], "0.9000");
    assert!(sign["formula_by_amount"]
        .as_str()
        .unwrap()
        .starts_with("开工率（按金额）="));
    assert_eq!(f["stages"][1]["rate_by_amount"], "0.4313");
    assert_eq!(f["stages"][2]["rate_by_count"], "1.0000");
}

#[test]
fn reports_print_as_tables_and_write_workbooks() {
    let table = stdout(&kfq(
        demo_db(),
        &["report", "round", "2024-4", "--region", "141100"],
    ));
    assert!(table.contains("吕梁市2024年第四次“三个一批”活动情况汇总表"));
    assert!(table.contains("吕梁经济技术开发区"));
    let stuck = stdout(&kfq(
        demo_db(),
        &[
            "report",
            "stuck",
            "--region",
            "140900",
            "--as-of",
            "2025-12-31",
        ],
    ));
    for list in ["签约未落", "落而未投", "投未达效"] {
        assert!(stuck.contains(list), "{list}");
    }
    let english = stdout(&kfq(
        demo_db(),
        &[
            "--lang",
            "en",
            "report",
            "funnel",
            "--region",
            "141100",
            "--from",
            "2022-1",
            "--to",
            "2023-4",
            "--as-of",
            "2023-12-31",
        ],
    ));
    assert!(english.contains("start rate (by amount)"), "{english}");

    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("汇总.xlsx");
    stdout(&kfq(
        demo_db(),
        &[
            "report",
            "round",
            "2024-4",
            "--region",
            "140000",
            "--format",
            "xlsx",
            "-o",
            file.to_str().unwrap(),
        ],
    ));
    let sheets = kfq_ledger::workbook::read_file(&file).unwrap();
    let title = sheets[0].rows[0][0].text();
    assert_eq!(title, "山西省2024年第四次“三个一批”活动情况汇总表");
    let total = sheets[0]
        .rows
        .iter()
        .find(|r| r[0].text() == "合计")
        .expect("a totals row");
    assert_eq!(total[1].text(), "187");
    assert_eq!(total[2].text(), "567");
    // The workbook carries the projects behind the figures: as many entries per batch as the
    // summary counts.
    let lineage = sheets
        .iter()
        .find(|s| s.name == "项目清单")
        .expect("a sheet of the projects behind the figures");
    let count = |batch: &str| {
        lineage
            .rows
            .iter()
            .filter(|r| {
                r.get(1).is_some_and(|c| c.text() == batch) && r[0].text() == "2024年第四次"
            })
            .count()
    };
    assert_eq!(
        (count("签约"), count("开工"), count("投产")),
        (187, 181, 170)
    );
}

#[test]
fn a_bad_ledger_fails_with_its_faults_named_and_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("kfq.db");
    let csv = dir.path().join("项目.csv");
    std::fs::write(&csv, "项目编号,项目名称,所属开发区,项目类别,总投资（万元）\nX-1,某项目,不存在的开发区,产业类,-5\n").unwrap();
    let out = kfq(&db, &["import", csv.to_str().unwrap()]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains(
            "项目.csv › 工作表“项目” › 第 2 行 › E 列“总投资（万元）” › 值“-5”：金额不能为负数"
        ),
        "{err}"
    );
    assert!(err.contains("未导入任何数据"));
    let out = kfq(&db, &["--lang", "en", "import", csv.to_str().unwrap()]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("row 2, column E (总投资（万元）), value '-5': amount must not be negative"),
        "{err}"
    );
    let export = dir.path().join("out.json");
    stdout(&kfq(
        &db,
        &["export", "--format", "json", "-o", export.to_str().unwrap()],
    ));
    let data: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(export).unwrap()).unwrap();
    assert_eq!(data["projects"].as_array().map(Vec::len), Some(0));
}

#[test]
fn the_template_has_a_sheet_per_table_and_imports_as_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let template = dir.path().join("台账模板.xlsx");
    stdout(&kfq(
        &dir.path().join("kfq.db"),
        &["template", "-o", template.to_str().unwrap()],
    ));
    let names: Vec<String> = kfq_ledger::workbook::read_file(&template)
        .unwrap()
        .into_iter()
        .map(|s| s.name)
        .collect();
    assert_eq!(
        names,
        [
            "说明",
            "开发区",
            "企业",
            "项目",
            "活动",
            "三个一批",
            "月报",
            "堵点"
        ]
    );
    let out = stdout(&kfq(
        &dir.path().join("kfq.db"),
        &["import", template.to_str().unwrap()],
    ));
    assert!(out.contains("项目 新增 0"));
}

/// A minimal HTTP/1.1 exchange over loopback: status code and body.
fn http(
    addr: &str,
    method: &str,
    path: &str,
    auth: Option<&str>,
    body: Option<&str>,
) -> (u16, String) {
    let mut stream = std::net::TcpStream::connect(addr).unwrap();
    let mut request = format!("{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n");
    if let Some(token) = auth {
        request.push_str(&format!("Authorization: Bearer {token}\r\n"));
    }
    let body = body.unwrap_or("");
    request.push_str(&format!(
        "Content-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    ));
    stream.write_all(request.as_bytes()).unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    let status = response[9..12].parse().unwrap();
    let body = response.split("\r\n\r\n").nth(1).unwrap_or("").to_string();
    (status, body)
}

fn add_user(db: &Path, username: &str, role: &str, region: &str, password: &str) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_kfq"))
        .args([
            "user",
            "add",
            "--username",
            username,
            "--role",
            role,
            "--region",
            region,
            "--password-stdin",
        ])
        .env("KFQ_DATABASE_URL", format!("sqlite://{}", db.display()))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(format!("{password}\n").as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(stdout(&out).contains(username));
}

#[test]
fn the_server_answers_a_signed_in_user_within_their_scope() {
    add_user(demo_db(), "cli.lvliang", "city", "141100", "Lvliang-2024");
    let mut child = Command::new(env!("CARGO_BIN_EXE_kfq"))
        .args(["serve", "--addr", "127.0.0.1:0"])
        .env(
            "KFQ_DATABASE_URL",
            format!("sqlite://{}", demo_db().display()),
        )
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stderr = child.stderr.take().unwrap();
    let mut seen = String::new();
    let mut buf = [0u8; 256];
    let addr = loop {
        let n = stderr.read(&mut buf).unwrap();
        assert!(n > 0, "the server printed its address: {seen}");
        seen.push_str(&String::from_utf8_lossy(&buf[..n]));
        if let Some(rest) = seen.split("http://").nth(1).filter(|r| r.contains('/')) {
            break rest.split('/').next().unwrap().to_string();
        }
    };
    let report = "/api/v1/reports/round/2024-4?region=140000";
    let (status, _) = http(&addr, "GET", report, None, None);
    assert_eq!(status, 401, "reports need a signed-in user");
    let (status, body) = http(
        &addr,
        "POST",
        "/api/v1/session",
        None,
        Some(r#"{"username":"cli.lvliang","password":"Lvliang-2024"}"#),
    );
    assert_eq!(status, 200, "{body}");
    let session: serde_json::Value = serde_json::from_str(&body).unwrap();
    let token = session["session"].as_str().unwrap().to_string();
    let (status, _) = http(&addr, "GET", report, Some(&token), None);
    assert_eq!(
        status, 404,
        "a city user asking for the province is told it does not exist"
    );
    let (status, body) = http(
        &addr,
        "GET",
        "/api/v1/reports/round/2024-4",
        Some(&token),
        None,
    );
    child.kill().unwrap();
    let _ = child.wait();
    assert_eq!(status, 200, "{body}");
    let report: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(report["region"], "141100");
    assert_eq!(report["total"]["produce"]["count"], 11);
}

#[test]
fn the_checks_answer_in_the_contracted_json() {
    let out = kfq(
        demo_db(),
        &["check", "--region", "140000", "--format", "json"],
    );
    let checks = json(&out);
    let findings = checks["findings"].as_array().expect("findings");
    assert!(!findings.is_empty(), "the demo plants duplicates: {checks}");
    for f in findings {
        for key in ["rule", "severity", "projects", "score", "evidence"] {
            assert!(f.get(key).is_some(), "{key} in {f}");
        }
    }
    let table = stdout(&kfq(demo_db(), &["check", "--region", "141100"]));
    assert!(table.contains("吕梁市数据一致性检查"));

    // 大同's planted duplicate, set aside with a reason, leaves the open list and stays in --all.
    let datong = json(&kfq(
        demo_db(),
        &["check", "--region", "140200", "--format", "json"],
    ));
    let finding = &datong["findings"][0];
    assert_eq!(finding["rule"], "duplicate_project", "{datong}");
    assert_eq!(finding["score"], "1.00");
    let codes: Vec<&str> = finding["projects"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap())
        .collect();
    let mut args = vec!["dismiss", "duplicate_project"];
    args.extend(&codes);
    args.extend(["--reason", "已核实：同一项目，由大同经开区统计"]);
    let out = kfq(demo_db(), &args);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let again = kfq(demo_db(), &args);
    assert!(!again.status.success(), "a finding is set aside once");
    assert!(String::from_utf8_lossy(&again.stderr).contains("已由"));
    let open = json(&kfq(
        demo_db(),
        &["check", "--region", "140200", "--format", "json"],
    ));
    assert_eq!(open["findings"], serde_json::json!([]), "{open}");
    assert_eq!(open["dismissed"], 1);
    let all = json(&kfq(
        demo_db(),
        &["check", "--region", "140200", "--format", "json", "--all"],
    ));
    assert_eq!(
        all["findings"][0]["dismissed"]["reason"],
        "已核实：同一项目，由大同经开区统计"
    );
}

#[test]
fn the_blocker_ledger_of_a_city_lists_its_overdue_blockers_first() {
    let out = kfq(
        demo_db(),
        &[
            "blockers",
            "--region",
            "141100",
            "--overdue",
            "--format",
            "json",
        ],
    );
    let ledger = json(&out);
    let items = ledger["items"].as_array().unwrap();
    assert!(!items.is_empty(), "the demo has overdue blockers in 吕梁");
    assert_eq!(ledger["total"], items.len());
    assert!(items
        .iter()
        .all(|b| b["overdue"] == true && b["city"] == "141100"));
    let days: Vec<i64> = items
        .iter()
        .map(|b| b["days_overdue"].as_i64().unwrap())
        .collect();
    assert!(days.windows(2).all(|w| w[0] >= w[1]), "most overdue first");
    let table = stdout(&kfq(
        demo_db(),
        &["blockers", "--region", "吕梁市", "--overdue"],
    ));
    assert!(
        table.contains("堵点台账") && table.contains("逾期"),
        "{table}"
    );
    // Two years overdue, the demo's oldest went up to the province's 百项堵点; none went down.
    let hundred = json(&kfq(
        demo_db(),
        &["blockers", "--level", "province", "--format", "json"],
    ));
    let top = hundred["items"].as_array().unwrap();
    assert!(!top.is_empty());
    assert!(top
        .iter()
        .all(|b| b["days_overdue"].as_i64().unwrap() > 730));
    let refused = kfq(demo_db(), &["blockers", "--status", "done"]);
    assert!(!refused.status.success());
    assert!(String::from_utf8_lossy(&refused.stderr).contains("状态应为"));
}

/// `kfq report bulletin round 2024-4 --region 140000 -o 通报.docx` on the demo: the province's
/// paper printed these figures (published-figures.md), and the bulletin prints them again in
/// the paper's own words, in the right sections; the PDF carries the same text.
#[test]
fn the_round_bulletin_of_the_demo_prints_the_papers_figures_in_docx_and_pdf() {
    let dir = tempfile::tempdir().unwrap();
    let bulletin = |file: &Path| {
        let args = [
            "report", "bulletin", "round", "2024-4", "--region", "140000", "-o",
        ];
        let mut all = args.to_vec();
        all.push(file.to_str().unwrap());
        kfq(demo_db(), &all)
    };
    let docx = dir.path().join("通报.docx");
    let out = bulletin(&docx);
    stdout(&out);
    let text = kfq_ledger::docx::paragraphs(&std::fs::read(&docx).unwrap()).unwrap();
    let opening = text
        .iter()
        .find(|p| p.starts_with("2024年第四次“三个一批”活动"))
        .unwrap_or_else(|| panic!("{text:?}"));
    assert!(
        opening.starts_with(
            "2024年第四次“三个一批”活动，全省开发区共签约项目187个、总投资567亿元，\
             开工项目181个、总投资350.6亿元，投产项目170个、总投资418.7亿元。"
        ),
        "{opening}"
    );
    // The 战新 share it states is the round report's own: 战新 ÷ all, of the three batches.
    let summary = json(&kfq(
        demo_db(),
        &[
            "report", "round", "2024-4", "--region", "140000", "--format", "json",
        ],
    ));
    let wan = |v: &serde_json::Value| -> i64 {
        let t = v.as_str().unwrap();
        t.parse::<f64>()
            .map(|f| (f * 10_000.0).round() as i64)
            .unwrap()
    };
    let (mut strategic, mut all) = (0i64, 0i64);
    for batch in ["sign", "start", "produce"] {
        strategic += wan(&summary["total"][batch]["strategic"]["amount_wan"]);
        all += wan(&summary["total"][batch]["amount_wan"]);
    }
    let permille = (strategic * 2000 / all + 1) / 2;
    let share = format!("占三批项目总投资的{}.{}%", permille / 10, permille % 10);
    assert!(opening.contains(&share), "{opening} / {share}");
    let xinzhou = text
        .iter()
        .position(|p| p.ends_with("忻州：16个项目签约 15个项目开工，13个项目投产"))
        .unwrap_or_else(|| panic!("{text:?}"));
    assert!(
        text[xinzhou + 1].starts_with(
            "此次活动中，忻州市共签约16个项目，总投资27.16亿元，其中战新项目10个，总投资22.76亿元；\
             开工项目15个，总投资29.22亿元，其中战新项目9个，总投资25.91亿元；\
             投产项目13个，总投资12.41亿元，其中战新项目8个，总投资8.94亿元。"
        ),
        "{}",
        text[xinzhou + 1]
    );
    assert!(text
        .iter()
        .any(|p| p.ends_with("大同：17个项目签约 20个项目开工，16个项目投产")));

    // The same as PDF, with the official faces this machine lacks named as substituted.
    let pdf = dir.path().join("通报.pdf");
    let out = bulletin(&pdf);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let said = String::from_utf8_lossy(&out.stderr);
    let installed = Command::new("fc-list")
        .args([":", "family"])
        .output()
        .unwrap();
    if !String::from_utf8_lossy(&installed.stdout).contains("仿宋_GB2312") {
        assert!(said.contains("字体替代：仿宋_GB2312 → "), "{said}");
    }
    let text = Command::new("pdftotext")
        .args([pdf.to_str().unwrap(), "-"])
        .output()
        .expect("pdftotext (poppler-utils)");
    let text: String = String::from_utf8_lossy(&text.stdout)
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    assert!(
        text.contains("此次活动中，忻州市共签约16个项目，总投资27.16亿元"),
        "{text}"
    );

    // The monthly report and the quarterly bulletin, and a file that is neither.
    for args in [
        ["report", "monthly", "2024-10"],
        ["report", "quarterly", "2024-4"],
    ] {
        let file = dir.path().join(format!("{}.docx", args[1]));
        let mut all = args.to_vec();
        all.extend(["--region", "141100", "-o", file.to_str().unwrap()]);
        stdout(&kfq(demo_db(), &all));
        let text = kfq_ledger::docx::paragraphs(&std::fs::read(&file).unwrap()).unwrap();
        assert!(text[0].contains("吕梁市"), "{text:?}");
        assert!(
            !text.join("").contains("太原"),
            "only 吕梁's zones: {text:?}"
        );
    }
    let refused = kfq(
        demo_db(),
        &[
            "report",
            "monthly",
            "2024-10",
            "--region",
            "141100",
            "-o",
            "月报.txt",
        ],
    );
    assert!(!refused.status.success());
    assert!(String::from_utf8_lossy(&refused.stderr).contains(".docx 或 .pdf"));
}

/// `kfq gen --scale N`: the same data for the same scale and seed, at the national proportions
/// (31 provinces, eight zones a city, about two batch entries a project), readable by the
/// reports; a database with projects is never mixed with synthetic data.
#[test]
fn gen_writes_the_same_synthetic_data_for_the_same_seed_and_refuses_a_used_database() {
    let dir = tempfile::tempdir().unwrap();
    let counts = |name: &str| {
        let db = dir.path().join(name);
        let out = kfq(&db, &["gen", "--scale", "3000"]);
        let said = stdout(&out);
        let figures: Vec<u64> = said
            .split(|c: char| !c.is_ascii_digit() && c != '.')
            .filter_map(|t| t.parse().ok())
            .collect();
        (db, figures[..7].to_vec())
    };
    let (db, first) = counts("a.db");
    let (_, second) = counts("b.db");
    assert_eq!(first, second, "deterministic");
    let [provinces, cities, zones, projects, entries, monthly, _] = first[..] else {
        panic!("{first:?}")
    };
    assert_eq!(provinces, 31);
    assert!(cities > 300, "{cities}");
    assert_eq!(zones, cities * 8, "eight zones a city");
    assert_eq!(projects, 3000);
    assert!(
        (1.5..2.5).contains(&(entries as f64 / projects as f64)),
        "{entries}"
    );
    assert!(monthly > projects * 5, "{monthly}");
    let summary = json(&kfq(
        &db,
        &[
            "report", "round", "2024-4", "--region", "140000", "--format", "json",
        ],
    ));
    assert!(
        summary["total"]["sign"]["count"].as_u64().unwrap() > 0,
        "{summary}"
    );
    let again = kfq(&db, &["gen", "--scale", "10"]);
    assert!(!again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("空数据库"));
}
