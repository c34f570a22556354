//! Workbooks and CSV files in and out: cells only, no meaning yet.

use std::io::Write;
use std::path::Path;

use calamine::{open_workbook_auto, Data, Dimensions, Reader, Sheets};
use chrono::NaiveDate;
use rust_xlsxwriter::{
    ExcelDateTime, Format, FormatAlign, FormatBorder, Workbook, Worksheet, XlsxError,
};

use crate::cell::{number_text, Cell};
use crate::error::{LedgerError, Place, Problem};
use crate::template::{instructions, ColumnKind, Table};

/// Files larger than this are refused before they are read.
pub const MAX_FILE_BYTES: u64 = 64 * 1024 * 1024;

/// A workbook whose parts unpack to more than this in all is refused before it is read…
pub const MAX_UNPACKED_BYTES: u64 = 512 * 1024 * 1024;

/// …and so is one with a part over 1 MB that unpacks to more than this many times its size
/// (real sheets pack 5–30 times; a zip bomb thousands).
pub const MAX_PACKING_RATIO: u64 = 200;
/// The most rows a sheet may have (a national ledger of a million projects fits).
pub const MAX_ROWS: usize = 1_100_000;
/// The most columns a sheet may have (the template has fewer than 40).
pub const MAX_COLUMNS: usize = 256;

/// What a file of each kind starts with.
fn sniff(path: &Path, ext: &str) -> Result<(), Box<LedgerError>> {
    use std::io::Read;
    let mut head = [0u8; 4096];
    let n = std::fs::File::open(path)
        .and_then(|mut f| f.read(&mut head))
        .map_err(|e| unreadable(path, e))?;
    let head = &head[..n];
    let (ok, expected) = match ext {
        "xlsx" | "xlsm" | "ods" => (head.starts_with(b"PK\x03\x04"), "XLSX"),
        "xls" => (
            head.starts_with(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]),
            "XLS",
        ),
        _ => (!head.contains(&0), "CSV"),
    };
    if ok {
        Ok(())
    } else {
        Err(Box::new(LedgerError::new(
            &Place {
                file: file_name(path),
                ..Place::default()
            },
            Problem::NotItsType { expected },
        )))
    }
}

fn too_many_cells(path: &Path, sheet: &str, rows: usize, columns: usize) -> Box<LedgerError> {
    Box::new(LedgerError::new(
        &Place {
            file: file_name(path),
            sheet: sheet.to_string(),
            ..Place::default()
        },
        Problem::TooManyCells { rows, columns },
    ))
}

/// One sheet (or CSV file) as read: its rows of cells, and the row number of the first one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sheet {
    pub file: String,
    pub name: String,
    pub first_row: usize,
    pub rows: Vec<Vec<Cell>>,
    /// The template table the sheet holds when its name does not say (a zone's own ledger
    /// understood as the 项目 sheet); None: the one its name says.
    pub table: Option<crate::Table>,
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string())
}

fn unreadable(path: &Path, why: impl std::fmt::Display) -> Box<LedgerError> {
    Box::new(LedgerError::new(
        &Place {
            file: file_name(path),
            ..Place::default()
        },
        Problem::Unreadable(why.to_string()),
    ))
}

/// Reads an `.xlsx`/`.xls`/`.ods` workbook (every sheet) or a `.csv` file (one sheet named
/// after the file).
pub fn read_file(path: &Path) -> Result<Vec<Sheet>, Box<LedgerError>> {
    let size = std::fs::metadata(path)
        .map_err(|e| unreadable(path, e))?
        .len();
    if size > MAX_FILE_BYTES {
        return Err(unreadable(
            path,
            format!("{size} bytes, more than the {MAX_FILE_BYTES} allowed"),
        ));
    }
    let ext = path
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    if matches!(ext.as_str(), "csv" | "xlsx" | "xlsm" | "xls" | "ods") {
        sniff(path, &ext)?;
    }
    match ext.as_str() {
        "csv" => read_csv(path).map(|s| vec![s]),
        "xlsx" | "xlsm" | "xls" | "ods" => read_workbook(path),
        _ => Err(unreadable(path, "expected .xlsx, .xls or .csv")),
    }
}

/// Refuses a zip-packed workbook (xlsx, xlsm, ods) that would unpack to too much, reading only
/// its table of contents.
fn check_packing(path: &Path) -> Result<(), Box<LedgerError>> {
    let file = std::fs::File::open(path).map_err(|e| unreadable(path, e))?;
    let mut archive = zip::ZipArchive::new(file).map_err(|e| unreadable(path, e))?;
    let place = Place {
        file: file_name(path),
        ..Place::default()
    };
    let too_packed = |part: &str, unpacked: u64, packed: u64| {
        Box::new(LedgerError::new(
            &place,
            Problem::TooPacked {
                part: part.to_string(),
                unpacked,
                ratio: unpacked / packed.max(1),
            },
        ))
    };
    let (mut unpacked, mut packed) = (0u64, 0u64);
    for i in 0..archive.len() {
        let part = archive.by_index_raw(i).map_err(|e| unreadable(path, e))?;
        let (size, compressed) = (part.size(), part.compressed_size());
        let name = part.name().map(|n| n.to_string()).unwrap_or_default();
        if size > 1024 * 1024 && size / compressed.max(1) > MAX_PACKING_RATIO {
            return Err(too_packed(&name, size, compressed));
        }
        unpacked = unpacked.saturating_add(size);
        packed = packed.saturating_add(compressed);
        if unpacked > MAX_UNPACKED_BYTES {
            return Err(too_packed(&name, unpacked, packed));
        }
    }
    Ok(())
}

/// Reads a workbook's sheets. The workbook reader panics on some damaged files (a truncated
/// .xls: calamine's compound-file reader slices past its buffer — found by the fuzz target,
/// `examples/fuzz_ledger.rs`); such a file is refused as damaged, as any unreadable one is.
fn read_workbook(path: &Path) -> Result<Vec<Sheet>, Box<LedgerError>> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| read_sheets(path)))
        .unwrap_or_else(|_| Err(damaged(path)))
}

fn damaged(path: &Path) -> Box<LedgerError> {
    Box::new(LedgerError::new(
        &Place {
            file: file_name(path),
            ..Place::default()
        },
        Problem::Damaged,
    ))
}

fn read_sheets(path: &Path) -> Result<Vec<Sheet>, Box<LedgerError>> {
    let zipped = path.extension().is_some_and(|e| {
        matches!(
            e.to_string_lossy().to_ascii_lowercase().as_str(),
            "xlsx" | "xlsm" | "ods"
        )
    });
    if zipped {
        check_packing(path)?;
    } else {
        let bytes = std::fs::read(path).map_err(|e| unreadable(path, e))?;
        if crate::compound::check(&bytes).is_err() {
            return Err(damaged(path));
        }
    }
    let mut workbook = open_workbook_auto(path).map_err(|e| unreadable(path, e))?;
    let mut sheets = Vec::new();
    for name in workbook.sheet_names() {
        let range = workbook
            .worksheet_range(&name)
            .map_err(|e| unreadable(path, e))?;
        let (first_row, first_col) = range.start().unwrap_or((0, 0));
        let (height, width) = range.get_size();
        let (height, width) = (height + first_row as usize, width + first_col as usize);
        if height > MAX_ROWS || width > MAX_COLUMNS {
            return Err(too_many_cells(path, &name, height, width));
        }
        let mut rows: Vec<Vec<Cell>> = range
            .rows()
            .map(|row| {
                let mut cells = vec![Cell::Empty; first_col as usize];
                cells.extend(row.iter().map(cell_of));
                cells
            })
            .collect();
        let merged = match &mut workbook {
            Sheets::Xlsx(x) => x
                .merge_cells_by_sheet_name(&name)
                .map_err(|e| unreadable(path, e))?,
            Sheets::Xls(x) => x
                .merge_cells_by_sheet_name(&name)
                .map_err(|e| unreadable(path, e))?,
            Sheets::Xlsb(_) | Sheets::Ods(_) => Vec::new(),
        };
        spread_merged(&mut rows, first_row as usize, &merged);
        sheets.push(Sheet {
            file: file_name(path),
            name,
            first_row: first_row as usize + 1,
            rows,
            table: None,
        });
    }
    Ok(sheets)
}

/// Gives every cell of a merged range the value its top-left cell holds, as a person reading the
/// sheet sees it: a header merged down two rows names both, a zone merged over five projects is
/// each one's zone. Only the cells the sheet holds are filled: a range merged to the sheet's end
/// costs nothing.
fn spread_merged(rows: &mut [Vec<Cell>], first_row: usize, merged: &[Dimensions]) {
    for range in merged {
        let (top, left) = (range.start.0 as usize, range.start.1 as usize);
        let (bottom, right) = (range.end.0 as usize, range.end.1 as usize);
        let Some(value) = top
            .checked_sub(first_row)
            .and_then(|r| rows.get(r))
            .and_then(|row| row.get(left))
            .filter(|c| !c.is_empty())
            .cloned()
        else {
            continue;
        };
        let right = right.min(MAX_COLUMNS - 1);
        if left > right {
            continue;
        }

        for r in top.max(first_row)..=bottom {
            let Some(row) = rows.get_mut(r - first_row) else {
                break;
            };
            if row.len() <= right {
                row.resize(right + 1, Cell::Empty);
            }
            for cell in &mut row[left..=right] {
                if cell.is_empty() {
                    *cell = value.clone();
                }
            }
        }
    }
}

fn cell_of(data: &Data) -> Cell {
    match data {
        Data::Empty => Cell::Empty,
        Data::Int(i) => Cell::Number(i.to_string()),
        Data::Float(f) => Cell::Number(number_text(*f)),
        Data::String(s) => Cell::Text(s.clone()),
        Data::Bool(b) => Cell::Bool(*b),
        Data::DateTime(dt) => match dt.as_datetime() {
            Some(dt) => Cell::Date(dt.date()),
            None => Cell::Number(number_text(dt.as_f64())),
        },
        Data::DateTimeIso(s) => s
            .get(..10)
            .and_then(|d| d.parse::<NaiveDate>().ok())
            .map_or_else(|| Cell::Text(s.clone()), Cell::Date),
        Data::DurationIso(s) => Cell::Text(s.clone()),
        Data::Error(e) => Cell::Text(format!("#{e:?}")),
    }
}

fn read_csv(path: &Path) -> Result<Sheet, Box<LedgerError>> {
    let bytes = std::fs::read(path).map_err(|e| unreadable(path, e))?;
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes);
    if bytes.contains(&0) {
        // A NUL byte anywhere: binary content, and no database keeps it in text.
        return Err(Box::new(LedgerError::new(
            &Place {
                file: file_name(path),
                ..Place::default()
            },
            Problem::NotItsType { expected: "CSV" },
        )));
    }
    // Excel and WPS on a Chinese system save CSV as GB18030 (GBK): read it so when it is not
    // UTF-8, and refuse what is neither.
    let text = match std::str::from_utf8(bytes) {
        Ok(text) => std::borrow::Cow::Borrowed(text),
        Err(_) => {
            let (text, had_errors) = encoding_rs::GB18030.decode_without_bom_handling(bytes);
            if had_errors {
                let place = Place {
                    file: file_name(path),
                    ..Place::default()
                };
                return Err(Box::new(LedgerError::new(&place, Problem::Encoding)));
            }
            text
        }
    };
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut rows = Vec::new();
    let name = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    for record in reader.records() {
        let record = record.map_err(|e| unreadable(path, e))?;
        if rows.len() >= MAX_ROWS || record.len() > MAX_COLUMNS {
            return Err(too_many_cells(path, &name, rows.len() + 1, record.len()));
        }
        rows.push(
            record
                .iter()
                .map(|f| Cell::text_or_empty(f.trim()))
                .collect(),
        );
    }
    Ok(Sheet {
        file: file_name(path),
        name,
        first_row: 1,
        rows,
        table: None,
    })
}

/// A table ready to be written: its rows of cells in the template's column order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableRows {
    pub table: Table,
    pub rows: Vec<Vec<Cell>>,
}

/// Writes the tables as one workbook in the template's layout, after a 说明 sheet if asked.
pub fn write_xlsx(
    path: &Path,
    tables: &[TableRows],
    with_instructions: bool,
) -> Result<(), XlsxError> {
    let mut workbook = Workbook::new();
    if with_instructions {
        write_instructions(workbook.add_worksheet())?;
    }
    let header = Format::new()
        .set_bold()
        .set_background_color("#DCE6F1")
        .set_border(FormatBorder::Thin)
        .set_align(FormatAlign::Center);
    let number = Format::new().set_num_format("#,##0.00##");
    let date = Format::new().set_num_format("yyyy-mm-dd");
    for t in tables {
        let sheet = workbook.add_worksheet();
        sheet.set_name(t.table.sheet())?;
        let columns = t.table.columns();
        for (c, column) in columns.iter().enumerate() {
            let c = c as u16;
            sheet.write_string_with_format(0, c, column.header, &header)?;
            sheet.set_column_width(c, column.width)?;
        }
        sheet.set_freeze_panes(1, 0)?;
        for (r, row) in t.rows.iter().enumerate() {
            let r = r as u32 + 1;
            for (c, (cell, column)) in row.iter().zip(columns).enumerate() {
                let c = c as u16;
                match cell {
                    Cell::Empty => {}
                    Cell::Number(n) => match n.parse::<f64>() {
                        Ok(v) if column.kind != ColumnKind::Text => {
                            sheet.write_number_with_format(r, c, v, &number)?;
                        }
                        _ => {
                            sheet.write_string(r, c, n)?;
                        }
                    },
                    Cell::Date(d) => {
                        use chrono::Datelike;
                        let dt = ExcelDateTime::from_ymd(
                            d.year() as u16,
                            d.month() as u8,
                            d.day() as u8,
                        )?;
                        sheet.write_datetime_with_format(r, c, &dt, &date)?;
                    }
                    other => {
                        sheet.write_string(r, c, other.text())?;
                    }
                }
            }
        }
    }
    workbook.save(path)
}

fn write_instructions(sheet: &mut Worksheet) -> Result<(), XlsxError> {
    sheet.set_name("说明")?;
    let bold = Format::new().set_bold();
    let wrap = Format::new().set_text_wrap();
    sheet.set_column_width(0, 14)?;
    sheet.set_column_width(1, 90)?;
    for (r, (title, text)) in instructions().iter().enumerate() {
        sheet.write_string_with_format(r as u32, 0, title, &bold)?;
        sheet.write_string_with_format(r as u32, 1, text, &wrap)?;
    }
    Ok(())
}

/// Writes one table as a UTF-8 CSV with a byte-order mark (so that Excel and WPS read it).
pub fn write_csv(path: &Path, t: &TableRows) -> std::io::Result<()> {
    let mut out = Vec::from(&b"\xEF\xBB\xBF"[..]);
    {
        let mut writer = csv::Writer::from_writer(&mut out);
        writer.write_record(t.table.headers())?;
        for row in &t.rows {
            writer.write_record(row.iter().map(Cell::text))?;
        }
        writer.flush()?;
    }
    std::fs::File::create(path)?.write_all(&out)
}

#[cfg(test)]
mod packing_tests {
    use super::*;
    use std::io::Write;

    #[test]
    fn a_zip_bomb_is_refused_before_it_is_read_and_a_real_workbook_is_not() {
        let dir = tempfile::tempdir().unwrap();
        let bomb = dir.path().join("炸弹.xlsx");
        let mut zip = zip::ZipWriter::new(std::fs::File::create(&bomb).unwrap());
        let options = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        zip.start_file("xl/worksheets/sheet1.xml", options).unwrap();
        let zeros = vec![b'0'; 1024 * 1024];
        for _ in 0..24 {
            zip.write_all(&zeros).unwrap();
        }
        zip.finish().unwrap();
        assert!(std::fs::metadata(&bomb).unwrap().len() < 200 * 1024);
        let refused = read_file(&bomb).unwrap_err();
        assert!(
            matches!(&refused.problem, Problem::TooPacked { part, .. } if part == "xl/worksheets/sheet1.xml"),
            "{refused:?}"
        );
        assert!(refused.message(kfq_core::Lang::Zh).contains("疑似压缩炸弹"));

        let real = dir.path().join("模板.xlsx");
        let tables: Vec<TableRows> = Table::ALL
            .iter()
            .map(|&table| TableRows {
                table,
                rows: Vec::new(),
            })
            .collect();
        write_xlsx(&real, &tables, true).unwrap();
        assert!(read_file(&real).is_ok());
    }

    #[test]
    fn a_file_that_is_not_what_its_name_says_or_too_wide_is_refused_unread() {
        let dir = tempfile::tempdir().unwrap();
        let renamed = dir.path().join("项目.xlsx");
        std::fs::write(&renamed, "项目编号,项目名称\nLL-1,氢能\n").unwrap();
        let refused = read_file(&renamed).unwrap_err();
        assert!(matches!(
            refused.problem,
            Problem::NotItsType { expected: "XLSX" }
        ));
        assert!(refused.message(kfq_core::Lang::Zh).contains("项目.xlsx"));
        let binary = dir.path().join("项目.csv");
        std::fs::write(&binary, b"PK\x03\x04\x00\x00binary").unwrap();
        let refused = read_file(&binary).unwrap_err();
        assert!(matches!(
            refused.problem,
            Problem::NotItsType { expected: "CSV" }
        ));

        let wide_csv = dir.path().join("宽表.csv");
        let header: Vec<String> = (0..=MAX_COLUMNS).map(|c| format!("列{c}")).collect();
        std::fs::write(&wide_csv, header.join(",")).unwrap();
        let refused = read_file(&wide_csv).unwrap_err();
        assert!(
            matches!(refused.problem, Problem::TooManyCells { columns, .. } if columns == MAX_COLUMNS + 1),
            "{refused:?}"
        );
        let message = refused.message(kfq_core::Lang::Zh);
        assert!(
            message.contains("宽表") && message.contains("拆分"),
            "{message}"
        );

        let wide_xlsx = dir.path().join("宽表.xlsx");
        let mut workbook = rust_xlsxwriter::Workbook::new();
        let sheet = workbook.add_worksheet();
        sheet.set_name("项目").unwrap();
        sheet.write_string(0, MAX_COLUMNS as u16, "太宽").unwrap();
        workbook.save(&wide_xlsx).unwrap();
        let refused = read_file(&wide_xlsx).unwrap_err();
        assert!(
            matches!(refused.problem, Problem::TooManyCells { columns, .. } if columns == MAX_COLUMNS + 1),
            "{refused:?}"
        );
    }
}
