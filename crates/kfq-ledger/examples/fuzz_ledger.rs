//! The ledger reader's fuzz target: for a bounded time, files a clerk might upload — seeds of
//! every kind kfq reads (the template, a messy workbook with merged cells, CSV in UTF-8 and
//! GB18030, and an old .xls when LibreOffice is at hand) with their bytes flipped, cut, spliced
//! and repeated, and workbooks and CSV generated cell by cell from the words ledgers are made
//! of — go through everything a file meets on import: `read_file`, `understand`,
//! `header_columns`, the template's parser and the books'. A panic is a crash: its input is
//! kept under `target/fuzz-crashes/` and the run fails. Runs on the stable toolchain.
//!
//! `cargo run -p kfq-ledger --example fuzz_ledger -- [SECONDS] [SEED]` (default 60 s, a seed
//! from the clock; the seed is printed so that a run can be repeated).

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use kfq_core::Lang;
use kfq_ledger::understand::{self, Hints};
use kfq_ledger::workbook::{read_file, write_xlsx, TableRows};
use kfq_ledger::{Ledger, Table};
use rust_xlsxwriter::{Format, Workbook};

/// What ledgers are made of: headers, notes, totals, sections and values as people type them.
const WORDS: &[&str] = &[
    "项目名称",
    "项目名",
    "所属开发区",
    "园区",
    "项目单位",
    "建设单位",
    "总投资",
    "计划总投资",
    "总投资（亿元）",
    "投资情况",
    "年度计划",
    "累计完成",
    "序号",
    "备注",
    "项目类别",
    "是否战新",
    "签约日期",
    "开工时间",
    "投产日期",
    "用地面积（亩）",
    "统一社会信用代码",
    "项目编号",
    "单位：万元",
    "单位：亿元",
    "单位：元",
    "小计",
    "合计",
    "总计",
    "一、工业项目",
    "（二）基础设施",
    "三、",
    "产业类",
    "工业项目",
    "吕梁经济技术开发区",
    "3.5亿元",
    "1,200",
    "１２，０００",
    "8000万元",
    "-5",
    "0",
    "99999999999999999999",
    "1e308",
    "NaN",
    "2024.3.15",
    "2024年3月15日",
    "2024/03",
    "45366",
    "2024-13-45",
    "2024.2.30",
    "√",
    "×",
    "是",
    "否",
    "也许",
    "",
    " ",
    "\u{3000}",
    "91110000100017643K",
    "91110000100017643A",
    "=1+1",
    "@SUM(A1)",
    "\"",
    ",",
    "\n",
    "（",
    "亿",
    "万",
    "元",
    "—",
    "/",
    "赋权事项",
    "招商活动",
    "说明",
    "项目",
    "开发区",
    "🏭",
    "\u{202e}",
];

/// Where and why the last panic happened.
static LAST_PANIC: std::sync::Mutex<String> = std::sync::Mutex::new(String::new());

/// A small, fast generator (xorshift64*), so that a seed repeats a run exactly.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }

    fn word(&mut self) -> &'static str {
        WORDS[self.below(WORDS.len())]
    }
}

/// A generated sheet: rows of words, a few numbers, some merged ranges.
struct Generated {
    name: &'static str,
    rows: Vec<Vec<String>>,
    merged: Vec<(u32, u16, u32, u16)>,
}

fn generate(rng: &mut Rng) -> Vec<Generated> {
    let names = ["项目", "Sheet1", "工业项目", "赋权事项", "开发区", "台账"];
    (0..1 + rng.below(3))
        .map(|_| {
            let height = rng.below(30);
            let width = 1 + rng.below(12);
            let rows = (0..height)
                .map(|_| {
                    (0..rng.below(width + 1))
                        .map(|_| match rng.below(6) {
                            0 => rng.below(100_000).to_string(),
                            1 => format!("{}{}", rng.word(), rng.word()),
                            _ => rng.word().to_string(),
                        })
                        .collect()
                })
                .collect();
            let merged = (0..rng.below(4))
                .map(|_| {
                    let (r, c) = (rng.below(height.max(1)) as u32, rng.below(width) as u16);
                    (r, c, r + rng.below(3) as u32, c + rng.below(4) as u16)
                })
                .collect();
            Generated {
                name: names[rng.below(names.len())],
                rows,
                merged,
            }
        })
        .collect()
}

/// Writes generated sheets as a workbook (numbers as numbers, merges that do not overlap).
fn write_generated(path: &Path, sheets: &[Generated]) -> bool {
    let mut workbook = Workbook::new();
    let mut used = Vec::new();
    for s in sheets {
        if used.contains(&s.name) {
            continue;
        }
        used.push(s.name);
        let sheet = workbook.add_worksheet();
        if sheet.set_name(s.name).is_err() {
            return false;
        }
        for (r, row) in s.rows.iter().enumerate() {
            for (c, text) in row.iter().enumerate() {
                let (r, c) = (r as u32, c as u16);
                let _ = match text.parse::<f64>() {
                    Ok(n) if n.is_finite() => sheet.write_number(r, c, n),
                    _ => sheet.write_string(r, c, text),
                };
            }
        }
        let mut taken: Vec<(u32, u16, u32, u16)> = Vec::new();
        for &(r1, c1, r2, c2) in &s.merged {
            let overlaps = taken
                .iter()
                .any(|&(a1, b1, a2, b2)| r1 <= a2 && a1 <= r2 && c1 <= b2 && b1 <= c2);
            if (r1, c1) == (r2, c2) || overlaps {
                continue;
            }
            let text = s.rows.get(r1 as usize).and_then(|row| row.get(c1 as usize));
            let text = text.map_or("", String::as_str);
            if sheet
                .merge_range(r1, c1, r2, c2, text, &Format::new())
                .is_ok()
            {
                taken.push((r1, c1, r2, c2));
            }
        }
    }
    workbook.save(path).is_ok()
}

fn csv_of(sheet: &Generated) -> String {
    let mut text = String::new();
    for row in &sheet.rows {
        let cells: Vec<String> = row
            .iter()
            .map(|c| format!("\"{}\"", c.replace('"', "\"\"")))
            .collect();
        text.push_str(&cells.join(","));
        text.push('\n');
    }
    text
}

/// The seeds: one file of every kind kfq reads, laid out as ledgers are.
fn seeds(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut seeds = Vec::new();
    let template = dir.join("template.xlsx");
    let tables: Vec<TableRows> = Table::ALL
        .iter()
        .map(|&table| TableRows {
            table,
            rows: Vec::new(),
        })
        .collect();
    if write_xlsx(&template, &tables, true).is_ok() {
        if let Ok(bytes) = std::fs::read(&template) {
            seeds.push(("xlsx".into(), bytes));
        }
    }
    let messy = Generated {
        name: "台账",
        rows: vec![
            vec!["吕梁经开区2024年重点项目台账".into()],
            vec!["单位：亿元".into()],
            ["序号", "项目名称", "所属开发区", "投资情况", "", "签约日期"]
                .map(String::from)
                .to_vec(),
            ["", "", "", "总投资", "累计完成", ""]
                .map(String::from)
                .to_vec(),
            vec!["一、工业项目".into()],
            [
                "1",
                "碳纤维项目",
                "吕梁经济技术开发区",
                "3.5",
                "1",
                "2024.3.15",
            ]
            .map(String::from)
            .to_vec(),
            ["", "合计", "", "3.5", "1", ""].map(String::from).to_vec(),
        ],
        merged: vec![
            (0, 0, 0, 5),
            (2, 0, 3, 0),
            (2, 1, 3, 1),
            (2, 3, 2, 4),
            (4, 0, 4, 5),
        ],
    };
    let path = dir.join("messy.xlsx");
    if write_generated(&path, std::slice::from_ref(&messy)) {
        if let Ok(bytes) = std::fs::read(&path) {
            seeds.push(("xlsx".into(), bytes.clone()));
            // The old format, where LibreOffice can write it.
            let converted = std::process::Command::new("soffice")
                .arg(format!("-env:UserInstallation=file://{}/lo", dir.display()))
                .args(["--headless", "--convert-to", "xls", "--outdir"])
                .arg(dir)
                .arg(&path)
                .output();
            if converted.is_ok_and(|o| o.status.success()) {
                if let Ok(xls) = std::fs::read(dir.join("messy.xls")) {
                    seeds.push(("xls".into(), xls));
                }
            }
        }
    }
    let text = csv_of(&messy);
    seeds.push(("csv".into(), text.clone().into_bytes()));
    let (gbk, _, _) = encoding_rs::GB18030.encode(&text);
    seeds.push(("csv".into(), gbk.into_owned()));
    seeds
}

/// Flips, cuts, splices and repeats bytes of a seed.
fn mutate(rng: &mut Rng, seed: &[u8]) -> Vec<u8> {
    let mut bytes = seed.to_vec();
    for _ in 0..1 + rng.below(8) {
        let len = bytes.len().max(1);
        match rng.below(5) {
            0 => {
                let i = rng.below(len);
                if let Some(b) = bytes.get_mut(i) {
                    *b ^= 1 << rng.below(8);
                }
            }
            1 => {
                let i = rng.below(len);
                if let Some(b) = bytes.get_mut(i) {
                    *b = rng.next() as u8;
                }
            }
            2 => bytes.truncate(rng.below(len)),
            3 => {
                let (a, n) = (rng.below(len), rng.below(64));
                let chunk: Vec<u8> = bytes.iter().skip(a).take(n).copied().collect();
                let at = rng.below(bytes.len() + 1);
                bytes.splice(at..at, chunk);
            }
            _ => {
                let (a, n) = (rng.below(len), rng.below(256));
                let end = (a + n).min(bytes.len());
                if a < end {
                    bytes.drain(a..end);
                }
            }
        }
    }
    bytes
}

/// Everything a file meets on import; a panic anywhere is a crash.
fn exercise(path: &Path) {
    let Ok(sheets) = read_file(path) else {
        return;
    };
    let hints = Hints {
        zone: Some("吕梁经济技术开发区".into()),
        category: Some("产业类".into()),
        mapping: [("投资情况".to_string(), "total_investment_wan".to_string())].into(),
    };
    for sheet in &sheets {
        let _ = understand::looks_like_ledger(sheet);
        let _ = understand::header_columns(sheet, &hints);
        let _ = understand::understand(sheet, &hints);
        let _ = understand::understand(sheet, &Hints::default());
    }
    let _ = Ledger::parse(&sheets);
    let _ = kfq_ledger::books::read(&sheets);
}

fn main() {
    let mut args = std::env::args().skip(1).peekable();
    // `--replay FILE…`: each kept input once more, through every step, to see what it does.
    if args.peek().is_some_and(|a| a == "--replay") {
        for file in args.skip(1) {
            exercise(Path::new(&file));
            match read_file(Path::new(&file)) {
                Ok(sheets) => println!("fuzz-ledger: {file}: {} sheets read", sheets.len()),
                Err(e) => println!("fuzz-ledger: {file}: refused ({})", e.message(Lang::En)),
            }
        }
        return;
    }
    let seconds: u64 = args.next().and_then(|a| a.parse().ok()).unwrap_or(60);
    let seed: u64 = args.next().and_then(|a| a.parse().ok()).unwrap_or_else(|| {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(1, |d| d.as_nanos() as u64)
            | 1
    });
    let mut rng = Rng(seed);
    let work = std::env::temp_dir().join(format!("kfq-fuzz-{}", std::process::id()));
    if let Err(e) = std::fs::create_dir_all(&work) {
        eprintln!("fuzz-ledger: cannot make {}: {e}", work.display());
        std::process::exit(2);
    }
    let crashes = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target/fuzz-crashes");
    let seeds = seeds(&work);
    println!(
        "fuzz-ledger: seed {seed}, {seconds} s, {} seed files ({})",
        seeds.len(),
        seeds
            .iter()
            .map(|s| s.0.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    );
    // A panic is reported once per crash, with where it happened.
    std::panic::set_hook(Box::new(|info| {
        let at = info
            .location()
            .map_or(String::new(), |l| format!("{}:{}", l.file(), l.line()));
        if let Ok(mut last) = LAST_PANIC.lock() {
            let payload = info.payload();
            let why = payload
                .downcast_ref::<&str>()
                .copied()
                .or_else(|| payload.downcast_ref::<String>().map(String::as_str))
                .unwrap_or("?");
            *last = format!("{at}: {why}");
        }
    }));
    let deadline = Instant::now() + Duration::from_secs(seconds);
    let (mut mutated, mut generated, mut crashed) = (0u64, 0u64, 0u64);
    while Instant::now() < deadline {
        let (ext, bytes) = if rng.below(2) == 0 && !seeds.is_empty() {
            mutated += 1;
            let (ext, seed) = &seeds[rng.below(seeds.len())];
            (ext.clone(), mutate(&mut rng, seed))
        } else {
            generated += 1;
            let sheets = generate(&mut rng);
            if rng.below(3) == 0 {
                let text = sheets.first().map(csv_of).unwrap_or_default();
                let bytes = if rng.below(2) == 0 {
                    encoding_rs::GB18030.encode(&text).0.into_owned()
                } else {
                    text.into_bytes()
                };
                ("csv".to_string(), bytes)
            } else {
                let path = work.join("generated.xlsx");
                if !write_generated(&path, &sheets) {
                    continue;
                }
                ("xlsx".to_string(), std::fs::read(&path).unwrap_or_default())
            }
        };
        let names = ["项目", "赋权事项", "台账"];
        let path = work.join(format!("{}.{ext}", names[rng.below(names.len())]));
        let written = std::fs::File::create(&path).and_then(|mut f| f.write_all(&bytes));
        if written.is_err() {
            continue;
        }
        if std::panic::catch_unwind(|| exercise(&path)).is_err() {
            crashed += 1;
            let _ = std::fs::create_dir_all(&crashes);
            let kept = crashes.join(format!("crash-{seed}-{crashed}.{ext}"));
            let _ = std::fs::write(&kept, &bytes);
            let why = LAST_PANIC.lock().map(|l| l.clone()).unwrap_or_default();
            println!(
                "fuzz-ledger: CRASH ({why}) on an input kept as {}",
                kept.display()
            );
        }
    }
    let _ = std::fs::remove_dir_all(&work);
    println!(
        "fuzz-ledger: {} inputs ({mutated} mutated files, {generated} generated workbooks and CSV), {crashed} crashes",
        mutated + generated
    );
    if crashed > 0 {
        println!("# fail 1");
        std::process::exit(1);
    }
    println!("# pass 1");
}
