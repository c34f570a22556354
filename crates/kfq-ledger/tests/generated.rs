//! The ledger parser fed generated sheets: every table of the template, each cell drawn from
//! good values, near misses and junk (formulas, quotes, huge numbers, odd dates, other scripts).
//! None panics; every fault names its file, sheet and row, and a cell's fault its column; a row
//! either becomes a record or is named in a fault, never silently dropped. Fixed seed
//! (SplitMix64), so a failure reproduces; `-- --nocapture` prints the counts.

use chrono::NaiveDate;
use kfq_ledger::{Cell, Ledger, Sheet, Table};

/// The generator of inputs: the core's SplitMix64.
struct Gen(kfq_core::rng::Rng);

impl Gen {
    fn next(&mut self) -> u64 {
        self.0.next_u64()
    }

    fn pick<'a>(&mut self, from: &[&'a str]) -> &'a str {
        from[(self.next() % from.len() as u64) as usize]
    }

    fn cell(&mut self) -> Cell {
        const TEXTS: &[&str] = &[
            "吕梁经济技术开发区",
            "中北高新区",
            "141100",
            "140000",
            "999999",
            "LL-1",
            "LL-2",
            "产业类",
            "基础设施类",
            "其他类",
            "签约",
            "开工",
            "投产",
            "2024-1",
            "2024-9",
            "2024年第四次",
            "氢能重卡项目",
            "=HYPERLINK(\"http://x\")",
            "\"引号\"",
            "a,b",
            "line\nbreak",
            "91140100MA0L7CKW1X",
            "91140100MA0L7CKW1Y",
            "省级",
            "国家级",
            "2024-02-30",
            "2024-13-01",
            "2024/3/1",
            "2024年3月1日",
            "是",
            "否",
            "true",
            "",
            "  ",
            "Ωmega",
            "١٢٣",
            "1e309",
            "-5",
            "0.000001",
            "亿",
            "3亿元",
            "5万元",
            "𠀀𠀁",
            "\u{0}",
            "2025-03",
            "2025-3",
            "张三",
            "限办",
            "\u{202e}逆序",
        ];
        const NUMBERS: &[&str] = &[
            "0",
            "1",
            "12.5",
            "-3",
            "1e20",
            "50000",
            "0.1",
            "99999999999999999999",
        ];
        match self.next() % 10 {
            0 => Cell::Empty,
            1..=5 => Cell::Text(self.pick(TEXTS).to_string()),
            6 | 7 => Cell::Number(self.pick(NUMBERS).to_string()),
            8 => {
                let year = 1990 + (self.next() % 60) as i32;
                let month = 1 + (self.next() % 12) as u32;
                Cell::Date(NaiveDate::from_ymd_opt(year, month, 1).unwrap_or_default())
            }
            _ => Cell::Bool(self.next().is_multiple_of(2)),
        }
    }
}

fn filled(row: &[Cell]) -> bool {
    row.iter().any(|c| !c.is_empty())
}

#[test]
fn generated_sheets_never_panic_and_every_fault_says_where() {
    let mut g = Gen(kfq_core::rng::Rng::new(20261123));
    let (mut rows_total, mut parsed, mut faults) = (0usize, 0usize, 0usize);
    for round in 0..200 {
        let sheets: Vec<Sheet> = Table::ALL
            .iter()
            .map(|&table| {
                let mut headers: Vec<Cell> = table.headers().into_iter().map(Cell::Text).collect();
                if round % 7 == 3 {
                    let last = headers.len() - 1;
                    headers.swap(0, last); // columns in another order
                }
                if round % 11 == 5 {
                    headers.pop(); // a column missing
                }
                let width = headers.len() + (g.next() % 3) as usize;
                let mut rows = vec![headers];
                for _ in 0..(g.next() % 30) {
                    rows.push((0..width).map(|_| g.cell()).collect());
                }
                Sheet {
                    file: format!("生成{round}.xlsx"),
                    name: table.sheet().to_string(),
                    first_row: 1,
                    rows,
                    table: None,
                }
            })
            .collect();
        let data_rows: usize = sheets
            .iter()
            .map(|s| s.rows.iter().skip(1).filter(|r| filled(r)).count())
            .sum();
        rows_total += data_rows;
        let (ledger, errors) = Ledger::parse(&sheets);
        for e in &errors {
            let message = e.message(kfq_core::Lang::Zh);
            assert!(message.contains(&e.place.file), "names the file: {message}");
            if e.place.row > 0 {
                let row = e.place.row.to_string();
                assert!(message.contains(&row), "names the row: {message}");
            }
            if let Some((header, letter)) = &e.column {
                assert!(
                    message.contains(header.as_str()) || message.contains(letter.as_str()),
                    "names the column: {message}"
                );
            }
        }
        let records = ledger.zones.len()
            + ledger.enterprises.len()
            + ledger.projects.len()
            + ledger.rounds.len()
            + ledger.entries.len()
            + ledger.monthly.len()
            + ledger.blockers.len();
        parsed += records;
        faults += errors.len();
        // A row is a record or has a fault: records never outnumber the rows given, and
        // fewer records than rows always come with faults.
        assert!(
            records <= data_rows,
            "{records} records from {data_rows} rows"
        );
        if records < data_rows {
            assert!(!errors.is_empty(), "rows dropped without a word");
        }
    }
    eprintln!(
        "ledger parser: 200 generated workbooks of 7 sheets, {rows_total} rows, {parsed} records, {faults} faults named"
    );
    assert!(rows_total > 10_000);
}
