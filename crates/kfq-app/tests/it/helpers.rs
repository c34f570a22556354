use std::path::Path;

use kfq_store::testing::TestDb;
use kfq_store::Backend;

/// A fresh database of each engine.
pub async fn both() -> Vec<TestDb> {
    let sqlite = TestDb::sqlite()
        .await
        .expect("a SQLite database in a temporary folder");
    let postgres = TestDb::postgres().await.unwrap_or_else(|e| {
        panic!(
            "PostgreSQL is needed for the tests (set KFQ_TEST_POSTGRES; default postgres://root@127.0.0.1:5432/test): {e}"
        )
    });
    vec![sqlite, postgres]
}

pub fn name(db: &TestDb) -> &'static str {
    match db.db.backend() {
        Backend::Sqlite => "sqlite",
        Backend::Postgres => "postgres",
    }
}

/// Writes a workbook with the given sheets (rows of text; numbers given as text stay text
/// unless they parse, as a clerk's typed numbers would be numbers).
pub fn write_workbook(path: &Path, sheets: &[(&str, Vec<Vec<&str>>)]) {
    let mut workbook = rust_xlsxwriter::Workbook::new();
    for (name, rows) in sheets {
        let sheet = workbook.add_worksheet();
        sheet.set_name(*name).expect("sheet name");
        for (r, row) in rows.iter().enumerate() {
            for (c, text) in row.iter().enumerate() {
                if text.is_empty() {
                    continue;
                }
                let (r, c) = (r as u32, c as u16);
                match text.parse::<f64>() {
                    Ok(n) if r > 0 && !text.starts_with('0') => sheet.write_number(r, c, n),
                    _ => sheet.write_string(r, c, *text),
                }
                .expect("cell");
            }
        }
    }
    workbook.save(path).expect("workbook saved");
}

pub fn headers(table: kfq_ledger::Table) -> Vec<&'static str> {
    table.columns().iter().map(|c| c.header).collect()
}
