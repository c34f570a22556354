//! 读懂台账 — reading the project ledgers zones really keep, not only kfq's template: a title row
//! or two above the header, a unit note (“单位：万元”, “单位：亿元”), a header over two rows with
//! merged cells (“投资情况” over “总投资 | 年度计划 | 累计完成”), a 序号 column, blank rows, section
//! rows (“一、工业项目”), subtotal and total rows (小计, 合计), headers named as each zone names
//! them, and values as people type them (2024.3.15, 2024年3月15日, 2024/03, Excel serials,
//! full-width digits, thousands separators, “3.5亿元”, √). A sheet understood is rewritten as the
//! template's 项目 sheet, cell for cell in place, so that every fault the ledger's parser finds
//! still names the clerk's own sheet, row and column.

use std::collections::HashMap;

use chrono::NaiveDate;

use crate::error::column_letter;
use crate::records::parse_date;
use crate::template::ColumnKind;
use crate::{Cell, LedgerError, Place, Problem, Sheet, Table};

/// How far down a header may start (below titles and unit notes).
pub const HEADER_WITHIN: usize = 15;

/// The unit a sheet's or a column's amounts are in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    Yuan,
    Wan,
    Yi,
}

impl Unit {
    fn of(text: &str) -> Option<Unit> {
        if text.contains("亿元") || text.contains("亿") {
            Some(Unit::Yi)
        } else if text.contains("万元") || text.contains('万') {
            Some(Unit::Wan)
        } else if text.contains('元') {
            Some(Unit::Yuan)
        } else {
            None
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Unit::Yuan => "元",
            Unit::Wan => "万元",
            Unit::Yi => "亿元",
        }
    }
}

/// Half-width forms of what people type full-width: ０-９ Ａ-Ｚ ．，：／（） and the ideographic
/// space.
pub fn half_width(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            '\u{3000}' => ' ',
            _ => c,
        })
        .collect()
}

/// A header as compared: half-width, without spaces, line breaks or what stands in brackets.
fn bare(header: &str) -> String {
    let text = half_width(header);
    let mut out = String::new();
    let mut depth = 0;
    for c in text.chars() {
        match c {
            '(' | '[' | '【' => depth += 1,
            ')' | ']' | '】' => depth = (depth - 1).max(0),
            c if depth == 0 && !c.is_whitespace() && c != '*' => out.push(c),
            _ => {}
        }
    }
    out
}

/// The headers each field of the 项目 sheet goes by in the ledgers zones keep.
const SYNONYMS: &[(&str, &[&str])] = &[
    (
        "code",
        &["项目编号", "项目代码", "投资项目代码", "项目编码", "编号"],
    ),
    (
        "name",
        &[
            "项目名称",
            "项目名",
            "名称",
            "项目",
            "工程名称",
            "项目（工程）名称",
        ],
    ),
    (
        "zone",
        &[
            "所属开发区",
            "开发区",
            "开发区名称",
            "园区",
            "所在园区",
            "所属园区",
        ],
    ),
    (
        "enterprise",
        &[
            "项目单位",
            "建设单位",
            "企业名称",
            "投资主体",
            "业主单位",
            "实施主体",
            "项目业主",
            "投资方",
            "企业",
        ],
    ),
    (
        "credit_code",
        &["统一社会信用代码", "信用代码", "社会信用代码"],
    ),
    (
        "chain",
        &["产业链", "所属产业链", "所属行业", "行业", "产业领域"],
    ),
    (
        "strategic_emerging",
        &[
            "是否战新",
            "战新",
            "是否战略性新兴产业",
            "战略性新兴产业",
            "是否战新项目",
        ],
    ),
    ("category", &["项目类别", "项目类型", "类别", "项目性质"]),
    (
        "total_investment_wan",
        &["总投资", "计划总投资", "项目总投资", "投资总额", "总投资额"],
    ),
    (
        "expected_output_wan",
        &["预计年产值", "达产后年产值", "年产值", "预计产值"],
    ),
    ("signed_on", &["签约日期", "签约时间"]),
    (
        "landed_on",
        &["落地日期", "落地时间", "拿地日期", "供地日期"],
    ),
    (
        "started_on",
        &["开工日期", "开工时间", "实际开工时间", "实际开工日期"],
    ),
    ("producing_on", &["投产日期", "投产时间"]),
    ("reached_on", &["达产日期", "达产时间"]),
    (
        "land_area_mu",
        &["用地面积", "用地", "占地面积", "用地规模"],
    ),
    ("terminated_on", &["终止日期"]),
];

/// Columns zones keep that the 项目 sheet does not take: read and set aside, never asked about.
const SET_ASIDE: &[&str] = &[
    "序号",
    "备注",
    "建设内容",
    "建设内容及规模",
    "建设规模",
    "形象进度",
    "进展情况",
    "项目进展",
    "联系人",
    "联系电话",
    "包联领导",
    "责任人",
    "责任单位",
    "年度计划",
    "年度计划投资",
    "累计完成",
    "累计完成投资",
    "本年完成",
    "本年完成投资",
    "投资情况",
    "存在问题",
    "建设地点",
    "建设性质",
    "建设起止年限",
];

/// What a header names: a field of the 项目 sheet, or nothing kfq takes.
fn field_of(header: &str) -> Option<&'static str> {
    let bare = bare(header);
    if bare.is_empty() {
        return None;
    }
    SYNONYMS
        .iter()
        .find(|(_, names)| names.contains(&bare.as_str()))
        .map(|(key, _)| *key)
}

fn set_aside(header: &str) -> bool {
    SET_ASIDE.contains(&bare(header).as_str())
}

/// A column of a sheet as understood.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ColumnReading {
    pub index: usize,
    pub letter: String,
    pub header: String,
    /// The field it fills; None: set aside (序号, 备注, …) or not known.
    pub key: Option<&'static str>,
    /// Neither a field nor a column kfq knows to set aside: the user may map it.
    pub unknown: bool,
    /// The unit its header states (“总投资（亿元）”).
    pub unit: Option<Unit>,
}

/// Why a row was not read as a project.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Skip {
    /// 小计、合计、总计.
    Total,
    /// A section row (“一、工业项目”), and the category it sets for the rows below, if any.
    Section(String),
}

/// What the user says of a sheet the ledger does not say: its zone, its projects' category,
/// and what their unknown columns hold (header → field; "" to set one aside).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Hints {
    pub zone: Option<String>,
    pub category: Option<String>,
    pub mapping: HashMap<String, String>,
}

/// How a sheet was understood, and the sheet rewritten as the template's 项目 sheet.
#[derive(Debug, Clone, PartialEq)]
pub struct Reading {
    pub file: String,
    pub sheet: String,
    /// The spreadsheet rows of the header (one or two).
    pub header_rows: (usize, usize),
    pub unit: Unit,
    pub columns: Vec<ColumnReading>,
    pub skipped: Vec<(usize, Skip)>,
    /// How many rows hold a project.
    pub projects: usize,
    /// The sheet names no project code: the caller fills the 项目编号 column, at `code_column`.
    pub code_column: usize,
    pub codes_given: bool,
    pub name_column: usize,
    pub zone_column: usize,
    /// The fields the sheet has no column for, and the column added for each: left empty, a
    /// known project's stored value is kept there (a ledger without 开工日期 clears no date).
    pub absent: Vec<(&'static str, usize)>,
    pub canonical: Sheet,
}

/// Whether a sheet looks like a project ledger at all (a header with a project's name and one
/// other field within the first rows).
pub fn looks_like_ledger(sheet: &Sheet) -> bool {
    find_header(sheet).is_some()
}

/// The best header: (first row index, last row index, the merged header texts).
fn find_header(sheet: &Sheet) -> Option<(usize, usize, Vec<String>)> {
    let texts = |r: usize| -> Vec<String> {
        sheet.rows.get(r).map_or(Vec::new(), |row| {
            row.iter().map(|c| half_width(&c.text())).collect()
        })
    };
    let score = |headers: &[String]| {
        let mut keys: Vec<&str> = headers.iter().filter_map(|h| field_of(h)).collect();
        keys.sort_unstable();
        keys.dedup();
        if keys.contains(&"name") {
            keys.len()
        } else {
            0
        }
    };
    let mut best: Option<(usize, usize, Vec<String>, usize)> = None;
    let rows = sheet.rows.len().min(HEADER_WITHIN);
    for r in 0..rows {
        let one = texts(r);
        let mut candidates = vec![(r, r, one.clone())];
        if r + 1 < sheet.rows.len() {
            // A header over two rows: the lower row's text where it has one, the upper's (a
            // cell merged down, or a group over several columns) where it has not.
            let lower = texts(r + 1);
            let width = one.len().max(lower.len());
            let merged: Vec<String> = (0..width)
                .map(|c| {
                    let low = lower.get(c).cloned().unwrap_or_default();
                    if low.trim().is_empty() {
                        one.get(c).cloned().unwrap_or_default()
                    } else {
                        low
                    }
                })
                .collect();
            // The upper row is part of the header when it adds a field, or names what a
            // header does (序号, 投资情况): not when it is a title or a unit note.
            let adds = score(&merged) > score(&lower);
            let heads = one.iter().any(|h| field_of(h).is_some() || set_aside(h));
            if adds || heads {
                candidates.push((r, r + 1, merged));
            }
        }
        for (first, last, headers) in candidates {
            let s = score(&headers);
            if s >= 2 && best.as_ref().is_none_or(|b| s > b.3) {
                best = Some((first, last, headers, s));
            }
        }
    }
    best.map(|(first, last, headers, _)| (first, last, headers))
}

/// The unit a note above the header states (“单位：亿元”), else 万元.
fn sheet_unit(sheet: &Sheet, header_first: usize) -> Unit {
    sheet
        .rows
        .iter()
        .take(header_first)
        .flatten()
        .map(|c| half_width(&c.text()))
        .filter(|t| t.contains("单位"))
        .find_map(|t| Unit::of(&t))
        .unwrap_or(Unit::Wan)
}

/// A total or subtotal row: 小计, 合计, 总计 in one of its first cells.
fn is_total(row: &[Cell]) -> bool {
    row.iter().take(4).any(|c| {
        let t: String = c.text().chars().filter(|c| !c.is_whitespace()).collect();
        t.contains("小计") || t.contains("合计") || t.contains("总计")
    })
}

/// A section row: one or two cells, the first a numbered heading (“一、工业项目”, “（二）基础
/// 设施”). Any other row is read as a project (and refused if it is not one): no row is dropped
/// unseen.
fn section_of(row: &[Cell]) -> Option<String> {
    let mut filled: Vec<String> = row
        .iter()
        .map(Cell::text)
        .filter(|t| !t.trim().is_empty())
        .collect();
    // A heading merged across the row reads the same in every cell.
    filled.dedup();
    let first = half_width(filled.first()?);
    let numerals = "一二三四五六七八九十";
    let rest = first.trim_start_matches(['(', '（']);
    let after: String = rest.chars().skip_while(|c| numerals.contains(*c)).collect();
    let numbered = rest.chars().next().is_some_and(|c| numerals.contains(c))
        && after.starts_with(['、', '.', ')', '）']);
    (filled.len() <= 2 && numbered).then_some(first)
}

/// The category a section's heading names, if it names one.
fn category_of(heading: &str) -> Option<&'static str> {
    if heading.contains("基础设施") {
        Some("基础设施类")
    } else if heading.contains("民生") || heading.contains("社会事业") {
        Some("社会民生类")
    } else if heading.contains("产业") || heading.contains("工业") || heading.contains("制造")
    {
        Some("产业类")
    } else {
        None
    }
}

/// An amount as typed, in 万元: “3.5亿元”, “3,500”, “3500万”, “35000000元”; the column's unit
/// where the cell states none.
fn amount_wan(cell: &Cell, unit: Unit) -> Result<Option<String>, Problem> {
    let text = half_width(&cell.text());
    let text: String = text
        .chars()
        .filter(|c| *c != ',' && !c.is_whitespace())
        .collect();
    if text.is_empty() || text == "-" || text == "—" || text == "/" {
        return Ok(None);
    }
    let unit = Unit::of(&text).unwrap_or(unit);
    let number = text
        .trim_end_matches("元")
        .trim_end_matches(['亿', '万'])
        .to_string();
    let money = match unit {
        Unit::Yi => kfq_core::money::MoneyUnit::Yi,
        Unit::Wan => kfq_core::money::MoneyUnit::Wan,
        Unit::Yuan => kfq_core::money::MoneyUnit::Yuan,
    };
    kfq_core::Amount::parse(&number, money)
        .map(|a| Some(a.wan_string()))
        .map_err(Problem::Amount)
}

/// A date as typed: a real date, an Excel serial, 2024.3.15, 2024年3月15日, 2024/03 (the first of
/// the month), full-width digits.
fn date_of(cell: &Cell) -> Result<Option<NaiveDate>, Problem> {
    if cell.is_empty() {
        return Ok(None);
    }
    if let Cell::Date(d) = cell {
        return Ok(Some(*d));
    }
    let text = half_width(&cell.text()).trim().to_string();
    // An Excel serial day (1900 system): 45366 is 2024-03-15.
    if let Ok(serial) = text.parse::<i64>() {
        if (20_000..=80_000).contains(&serial) {
            let base = NaiveDate::from_ymd_opt(1899, 12, 30).ok_or(Problem::Date)?;
            return base
                .checked_add_days(chrono::Days::new(serial as u64))
                .map(Some)
                .ok_or(Problem::Date);
        }
        return Err(Problem::Date);
    }
    let trimmed = text.trim_end_matches('日').trim_end_matches('月');
    let parts: Vec<&str> = trimmed
        .split(['-', '/', '.', '年', '月'])
        .filter(|p| !p.is_empty())
        .collect();
    if let [y, m] = parts.as_slice() {
        let (Ok(y), Ok(m)) = (y.parse(), m.parse()) else {
            return Err(Problem::Date);
        };
        return NaiveDate::from_ymd_opt(y, m, 1)
            .map(Some)
            .ok_or(Problem::Date);
    }
    parse_date(&Cell::Text(text)).map(Some)
}

fn flag_of(cell: &Cell) -> Result<Option<bool>, Problem> {
    if let Cell::Bool(b) = cell {
        return Ok(Some(*b));
    }
    let text = half_width(&cell.text()).trim().to_lowercase();
    match text.as_str() {
        "" | "/" | "-" | "—" => Ok(None),
        "是" | "√" | "✓" | "✔" | "y" | "yes" | "true" | "1" | "有" => Ok(Some(true)),
        "否" | "×" | "✗" | "n" | "no" | "false" | "0" | "无" => Ok(Some(false)),
        _ => Err(Problem::Bool),
    }
}

/// A cell rewritten as the template reads it.
fn canonical(cell: &Cell, kind: ColumnKind, key: &str, unit: Unit) -> Result<Cell, Problem> {
    if key == "category" {
        // 工业项目, 基础设施项目, 民生项目: named as the sections are.
        let text = half_width(&cell.text()).trim().to_string();
        let named = kfq_core::project::Category::parse(&text).is_none();
        return Ok(match category_of(&text).filter(|_| named) {
            Some(category) => Cell::Text(category.into()),
            None => Cell::text_or_empty(text),
        });
    }
    Ok(match kind {
        ColumnKind::Amount => amount_wan(cell, unit)?.map_or(Cell::Empty, Cell::Number),
        ColumnKind::Date => date_of(cell)?.map_or(Cell::Empty, Cell::Date),
        ColumnKind::Bool => match flag_of(cell)? {
            Some(true) => Cell::Text("是".into()),
            Some(false) => Cell::Text("否".into()),
            None => Cell::Empty,
        },
        ColumnKind::Number => {
            let text: String = half_width(&cell.text())
                .chars()
                .filter(|c| *c != ',' && !c.is_whitespace())
                .collect();
            Cell::text_or_empty(text.trim_end_matches('亩').to_string())
        }
        ColumnKind::Text if matches!(key, "code" | "credit_code") => {
            Cell::text_or_empty(half_width(&cell.text()).trim().to_string())
        }
        ColumnKind::Text => cell.clone(),
    })
}

/// The header's columns and what each fills, with the user's mapping.
fn columns_of(headers: &[String], hints: &Hints) -> Vec<ColumnReading> {
    let mut columns: Vec<ColumnReading> = headers
        .iter()
        .enumerate()
        .filter(|(_, h)| !h.trim().is_empty())
        .map(|(index, header)| {
            let mapped = hints.mapping.get(header.trim()).map(String::as_str);
            let key = match mapped {
                Some("") => None,
                Some(k) => Table::Projects
                    .columns()
                    .iter()
                    .find(|c| c.key == k)
                    .map(|c| c.key),
                None => field_of(header),
            };
            ColumnReading {
                index,
                letter: column_letter(index),
                header: header.trim().to_string(),
                unknown: key.is_none() && mapped.is_none() && !set_aside(header),
                unit: Unit::of(header).filter(|_| header.contains('（') || header.contains('(')),
                key,
            }
        })
        .collect();
    // A field named by two columns is read from the first.
    let mut seen = Vec::new();
    for c in &mut columns {
        if let Some(k) = c.key {
            if seen.contains(&k) {
                c.key = None;
            } else {
                seen.push(k);
            }
        }
    }
    columns
}

/// A sheet's header rows and columns as the user's mapping reads them, whether or not the
/// sheet can be imported: what the preview asks the user about.
pub fn header_columns(
    sheet: &Sheet,
    hints: &Hints,
) -> Option<((usize, usize), Vec<ColumnReading>)> {
    let (first, last, headers) = find_header(sheet)?;
    Some((
        (sheet.first_row + first, sheet.first_row + last),
        columns_of(&headers, hints),
    ))
}

/// Reads a sheet as a zone keeps its project ledger, with what the user says of it. Refused
/// (every fault named by its cell) when no header can be found, a field the 项目 sheet needs
/// has no column and no hint, or a value cannot be read.
pub fn understand(sheet: &Sheet, hints: &Hints) -> Result<Reading, Vec<LedgerError>> {
    let place = Place {
        file: sheet.file.clone(),
        sheet: sheet.name.clone(),
        row: sheet.first_row,
        columns: Default::default(),
    };
    let Some((first, last, headers)) = find_header(sheet) else {
        return Err(vec![LedgerError::new(
            &place,
            Problem::NoHeader {
                within: HEADER_WITHIN,
            },
        )]);
    };
    let unit = sheet_unit(sheet, first);
    let columns = columns_of(&headers, hints);
    let has = |key: &str| columns.iter().any(|c| c.key == Some(key));
    let header_place = Place {
        row: sheet.first_row + last,
        ..place.clone()
    };
    let mut errors = Vec::new();
    let mut missing = |header: &str, problem: Problem| {
        let mut e = LedgerError::new(&header_place, problem);
        e.column = Some((header.to_string(), String::new()));
        errors.push(e);
    };
    if !has("total_investment_wan") {
        missing("总投资", Problem::MissingColumn);
    }
    if !has("zone") && hints.zone.is_none() {
        missing("所属开发区", Problem::NoZoneColumn);
    }
    if !has("category") && hints.category.is_none() && !has_sections(sheet, last) {
        missing("项目类别", Problem::NoCategoryColumn);
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let width = sheet
        .rows
        .iter()
        .map(Vec::len)
        .max()
        .unwrap_or(0)
        .max(headers.len());
    // Columns the sheet lacks and kfq fills (zone, category, code) go after its own.
    let mut extra = width;
    let mut add_column = |_: &'static str| {
        extra += 1;
        extra - 1
    };
    let zone_column = columns
        .iter()
        .find(|c| c.key == Some("zone"))
        .map_or_else(|| add_column("zone"), |c| c.index);
    let category_column = columns
        .iter()
        .find(|c| c.key == Some("category"))
        .map_or_else(|| add_column("category"), |c| c.index);
    let codes_given = has("code");
    let code_column = columns
        .iter()
        .find(|c| c.key == Some("code"))
        .map_or_else(|| add_column("code"), |c| c.index);
    let name_column = columns
        .iter()
        .find(|c| c.key == Some("name"))
        .map_or(0, |c| c.index);
    let absent: Vec<(&'static str, usize)> = Table::Projects
        .columns()
        .iter()
        .map(|c| c.key)
        .filter(|k| !matches!(*k, "zone" | "category" | "code") && !has(k))
        .map(|k| (k, add_column(k)))
        .collect();
    let header_of = |key: &str| {
        Table::Projects
            .columns()
            .iter()
            .find(|c| c.key == key)
            .map_or("", |c| c.header)
    };
    let mut rows: Vec<Vec<Cell>> = vec![vec![Cell::Empty; extra]; sheet.rows.len()];
    for c in &columns {
        if let Some(k) = c.key {
            rows[last][c.index] = Cell::Text(header_of(k).into());
        }
    }
    for (key, index) in [
        ("zone", zone_column),
        ("category", category_column),
        ("code", code_column),
    ]
    .into_iter()
    .chain(absent.iter().copied())
    {
        rows[last][index] = Cell::Text(header_of(key).into());
    }
    let mut skipped = Vec::new();
    let mut projects = 0;
    let mut section_category: Option<&'static str> = None;
    let kinds: HashMap<&str, ColumnKind> = Table::Projects
        .columns()
        .iter()
        .map(|c| (c.key, c.kind))
        .collect();
    for (r, row) in sheet.rows.iter().enumerate().skip(last + 1) {
        let number = sheet.first_row + r;
        if row.iter().all(Cell::is_empty) {
            continue;
        }
        if is_total(row) {
            skipped.push((number, Skip::Total));
            continue;
        }
        if let Some(heading) = section_of(row) {
            if let Some(category) = category_of(&heading) {
                section_category = Some(category);
            }
            skipped.push((number, Skip::Section(heading)));
            continue;
        }
        projects += 1;
        for c in &columns {
            let (Some(key), Some(cell)) = (c.key, row.get(c.index)) else {
                continue;
            };
            let kind = kinds.get(key).copied().unwrap_or(ColumnKind::Text);
            match canonical(cell, kind, key, c.unit.unwrap_or(unit)) {
                Ok(value) => rows[r][c.index] = value,
                Err(problem) => {
                    let row_place = Place {
                        row: number,
                        ..place.clone()
                    };
                    errors.push(LedgerError::new(&row_place, problem).at(
                        &c.header,
                        c.index,
                        cell.text(),
                    ));
                }
            }
        }
        if let Some(zone) = hints
            .zone
            .as_ref()
            .filter(|_| rows[r][zone_column].is_empty())
        {
            rows[r][zone_column] = Cell::Text(zone.clone());
        }
        if rows[r][category_column].is_empty() {
            // The section's category, else the one the user named.
            let category = section_category
                .map(str::to_string)
                .or_else(|| hints.category.clone());
            rows[r][category_column] = Cell::text_or_empty(category.unwrap_or_default());
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(Reading {
        file: sheet.file.clone(),
        sheet: sheet.name.clone(),
        header_rows: (sheet.first_row + first, sheet.first_row + last),
        unit,
        columns,
        skipped,
        projects,
        code_column,
        codes_given,
        name_column,
        zone_column,
        absent,
        canonical: Sheet {
            file: sheet.file.clone(),
            name: sheet.name.clone(),
            first_row: sheet.first_row,
            rows,
            table: Some(Table::Projects),
        },
    })
}

/// Whether the rows below the header hold sections that name a category.
fn has_sections(sheet: &Sheet, last: usize) -> bool {
    sheet
        .rows
        .iter()
        .skip(last + 1)
        .filter_map(|r| section_of(r))
        .any(|h| category_of(&h).is_some())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(t: &str) -> Cell {
        Cell::text_or_empty(t)
    }

    fn sheet(rows: &[&[&str]]) -> Sheet {
        Sheet {
            file: "台账.xlsx".into(),
            name: "Sheet1".into(),
            first_row: 1,
            rows: rows
                .iter()
                .map(|r| r.iter().map(|c| text(c)).collect())
                .collect(),
            table: None,
        }
    }

    #[test]
    fn amounts_are_read_as_typed_in_the_columns_unit_or_their_own() {
        let wan = |t: &str, unit| amount_wan(&text(t), unit).unwrap();
        assert_eq!(wan("3.5亿元", Unit::Wan).as_deref(), Some("35000"));
        assert_eq!(wan("1,200", Unit::Wan).as_deref(), Some("1200"));
        assert_eq!(wan("１２，０００", Unit::Wan).as_deref(), Some("12000"));
        assert_eq!(wan("2.8", Unit::Yi).as_deref(), Some("28000"));
        assert_eq!(wan("8000万元", Unit::Yi).as_deref(), Some("8000"));
        assert_eq!(wan("35000000元", Unit::Wan).as_deref(), Some("3500"));
        assert_eq!(wan("—", Unit::Wan), None);
        assert!(amount_wan(&text("三千万"), Unit::Wan).is_err());
    }

    #[test]
    fn dates_are_read_as_typed() {
        let day = |t: &str| date_of(&text(t)).unwrap().map(|d| d.to_string());
        let march = Some("2024-03-15".to_string());
        assert_eq!(day("45366"), march, "an Excel serial day");
        assert_eq!(day("2024.3.15"), march);
        assert_eq!(day("2024年3月15日"), march);
        assert_eq!(day("２０２４－０３－１５"), march);
        assert_eq!(day("2024/03").as_deref(), Some("2024-03-01"));
        assert_eq!(day(""), None);
        assert!(date_of(&text("2024.13.45")).is_err());
        assert!(date_of(&text("123")).is_err(), "a small number is no day");
    }

    #[test]
    fn yes_and_no_as_ticked() {
        for yes in ["是", "√", "Y", "有"] {
            assert_eq!(flag_of(&text(yes)), Ok(Some(true)), "{yes}");
        }
        for no in ["否", "×", "无"] {
            assert_eq!(flag_of(&text(no)), Ok(Some(false)), "{no}");
        }
        assert_eq!(flag_of(&text("")), Ok(None));
        assert_eq!(flag_of(&text("也许")), Err(Problem::Bool));
    }

    #[test]
    fn the_header_is_found_below_the_title_and_unit_note_and_over_two_rows() {
        let s = sheet(&[
            &["XX经济技术开发区2024年重点项目台账"],
            &["单位：亿元"],
            &["序号", "项目名称", "建设单位", "投资情况", "", ""],
            &["", "", "", "总投资", "年度计划", "累计完成"],
            &["一、工业项目"],
            &["1", "甲项目", "甲公司", "3.5", "1", "0.5"],
            &["小计", "", "", "3.5"],
            &["合计", "", "", "3.5"],
        ]);
        let hints = Hints {
            zone: Some("吕梁经济技术开发区".into()),
            ..Hints::default()
        };
        let r = understand(&s, &hints).unwrap();
        assert_eq!(r.header_rows, (3, 4));
        assert_eq!(r.unit, Unit::Yi);
        assert_eq!(r.projects, 1);
        assert_eq!(
            r.skipped,
            vec![
                (5, Skip::Section("一、工业项目".into())),
                (7, Skip::Total),
                (8, Skip::Total)
            ]
        );
        let keys: Vec<Option<&str>> = r.columns.iter().map(|c| c.key).collect();
        assert_eq!(
            keys,
            [
                None,
                Some("name"),
                Some("enterprise"),
                Some("total_investment_wan"),
                None,
                None
            ]
        );
        let row = &r.canonical.rows[5];
        assert_eq!(row[3], Cell::Number("35000".into()));
        assert_eq!(row[r.zone_column].text(), "吕梁经济技术开发区");
        assert_eq!(row[r.zone_column + 1].text(), "产业类", "from the section");
    }

    #[test]
    fn a_sheet_without_a_header_or_a_needed_field_is_refused_at_its_header() {
        let notes = sheet(&[&["请于每月5日前报送"]]);
        let err = understand(&notes, &Hints::default()).unwrap_err();
        assert_eq!(
            err[0].problem,
            Problem::NoHeader {
                within: HEADER_WITHIN
            }
        );
        let no_zone = sheet(&[
            &["标题"],
            &["项目名称", "项目类别", "总投资"],
            &["甲", "产业类", "1"],
        ]);
        let err = understand(&no_zone, &Hints::default()).unwrap_err();
        assert_eq!(err.len(), 1);
        assert_eq!(err[0].problem, Problem::NoZoneColumn);
        assert_eq!(err[0].place.row, 2);
        let mapped = Hints {
            zone: Some("Z".into()),
            mapping: [("项目类别".to_string(), String::new())].into(),
            ..Hints::default()
        };
        let err = understand(&no_zone, &mapped).unwrap_err();
        assert_eq!(
            err[0].problem,
            Problem::NoCategoryColumn,
            "a column set aside by the user"
        );
    }
}
