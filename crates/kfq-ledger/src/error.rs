//! Faults in a ledger, each located to the cell where a clerk can fix it.

use std::fmt;
use std::sync::Arc;

use kfq_core::enterprise::CreditCodeError;
use kfq_core::lang::{Lang, Localized};
use kfq_core::money::AmountError;
use kfq_core::project::{ProjectCodeError, ProjectError};
use kfq_core::region::RegionError;
use kfq_core::round::EntryError;

/// Where in the files a record came from. `row` is the spreadsheet's own row number.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Place {
    pub file: String,
    pub sheet: String,
    pub row: usize,
    /// Where each column of the sheet is (key → index), to name a cell by its letter.
    pub columns: Arc<Vec<(&'static str, usize)>>,
}

/// What is wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    Unreadable(String),
    /// The content is not what the file's name says (an `.xlsx` that is not a zip archive, a
    /// `.csv` with binary bytes).
    NotItsType {
        expected: &'static str,
    },
    /// A sheet with more rows or columns than kfq reads.
    TooManyCells {
        rows: usize,
        columns: usize,
    },
    /// A workbook part that unpacks to far more than it is packed (a zip bomb), or a workbook
    /// that unpacks to more than kfq reads.
    TooPacked {
        part: String,
        unpacked: u64,
        ratio: u64,
    },
    UnknownSheet,
    MissingColumn,
    Required,
    Amount(AmountError),
    Date,
    Bool,
    Region(RegionError),
    NotACity,
    CreditCode(CreditCodeError),
    ProjectCode(ProjectCodeError),
    Category,
    ZoneLevel,
    ZoneKind,
    Round,
    Batch,
    Month,
    LandArea,
    /// The same key twice in the import; the first is at `first_row`.
    Duplicate {
        first_row: usize,
    },
    UnknownZone,
    UnknownProject,
    Project(ProjectError),
    Entry(EntryError),
    RoundLocked,
    /// A month's figure of a zone whose return is submitted or approved: frozen.
    Frozen(kfq_core::monthly_return::ReturnFault),
    /// An existing batch entry that the changed project would no longer satisfy.
    BreaksEntry {
        round: String,
        batch: String,
        why: EntryError,
    },
    CreditCodeOtherName {
        other: String,
    },
    /// What a book's rule says of the cell's value, in the reader's language.
    Field(String),
    /// A CSV in neither UTF-8 nor GB18030.
    Encoding,
    /// A workbook whose structure is broken (cut short, or damaged on the way).
    Damaged,
    /// A zone's own ledger: no header within the first rows.
    NoHeader {
        within: usize,
    },
    /// A zone's own ledger without a zone column, and no zone named for it.
    NoZoneColumn,
    /// A zone's own ledger without a category column or sections, and no category named.
    NoCategoryColumn,
    /// The zone named for a ledger is not one kfq knows.
    NoSuchZone(String),
    /// A ledger without codes names one project twice; the first is at `row`, of another file
    /// and sheet (“台账.xlsx › 工业项目”) if `elsewhere`.
    SameName {
        elsewhere: Option<String>,
        row: usize,
    },
}

impl Localized for Problem {
    fn message(&self, lang: Lang) -> String {
        let zh = lang == Lang::Zh;
        match self {
            Problem::TooPacked {
                part,
                unpacked,
                ratio,
            } if zh => format!(
                "工作簿的“{part}”解压后达 {unpacked} 字节（为压缩大小的 {ratio} 倍），超出读取上限，疑似压缩炸弹，未读取"
            ),
            Problem::TooPacked {
                part,
                unpacked,
                ratio,
            } => format!(
                "the workbook's part '{part}' unpacks to {unpacked} bytes ({ratio} times its packed size), beyond what kfq reads; not read (a zip bomb?)"
            ),
            Problem::NotItsType { expected } if zh => {
                format!("文件内容不是 {expected} 格式（与扩展名不符），未读取")
            }
            Problem::NotItsType { expected } => {
                format!("the content is not {expected} (as the file's name says); not read")
            }
            Problem::TooManyCells { rows, columns } if zh => format!(
                "表过大：{rows} 行、{columns} 列，超出读取上限（每表 {} 行、{} 列），未读取；请拆分后导入",
                crate::workbook::MAX_ROWS,
                crate::workbook::MAX_COLUMNS
            ),
            Problem::TooManyCells { rows, columns } => format!(
                "the sheet is too large: {rows} rows and {columns} columns, beyond what kfq reads ({} rows, {} columns a sheet); not read — split it",
                crate::workbook::MAX_ROWS,
                crate::workbook::MAX_COLUMNS
            ),
            Problem::Unreadable(why) if zh => format!("文件无法读取：{why}"),
            Problem::Unreadable(why) => format!("cannot read the file: {why}"),
            Problem::UnknownSheet => {
                let books: Vec<&str> = crate::Book::ALL.iter().map(|b| b.sheet()).collect();
                if zh {
                    format!(
                        "不是台账模板中的表（开发区、企业、项目、活动、三个一批、月报、堵点）或专项台账（{}）",
                        books.join("、")
                    )
                } else {
                    format!(
                        "is not a sheet of the ledger template (开发区, 企业, 项目, 活动, 三个一批, 月报, 堵点) or of a book ({})",
                        books.join(", ")
                    )
                }
            }
                        Problem::MissingColumn => lang.pick("缺少这一列", "this column is missing").into(),
                                    Problem::Damaged => lang
                .pick(
                    "工作簿已损坏（文件不完整或结构错误），无法读取；请在 Excel/WPS 中打开后另存为 .xlsx 再导入",
                    "the workbook is damaged (cut short or broken) and cannot be read; open it in Excel or WPS, save it as .xlsx and import that",
                )
                .into(),
            Problem::Encoding => lang
                .pick(
                    "文件既不是 UTF-8 也不是 GB18030（GBK）编码的文本，未读取；请另存为 UTF-8 或 GBK 编码的 CSV",
                    "the file is text in neither UTF-8 nor GB18030 (GBK); not read — save the CSV as UTF-8 or GBK",
                )
                .into(),
            Problem::NoHeader { within } if zh => format!(
                "前 {within} 行中找不到表头（须有“项目名称”列和至少一个其他项目字段，如“总投资”“所属开发区”）"
            ),
            Problem::NoHeader { within } => format!(
                "no header in the first {within} rows (a 项目名称 column and one other field, such as 总投资 or 所属开发区)"
            ),
            Problem::NoZoneColumn => lang
                .pick(
                    "表中没有开发区列：请指明这是哪个开发区的台账（kfq import --zone 开发区名称，或在预览中选择）",
                    "the sheet has no zone column: say whose ledger it is (kfq import --zone NAME, or choose the zone in the preview)",
                )
                .into(),
            Problem::NoCategoryColumn => lang
                .pick(
                    "表中没有项目类别列：请指明项目类别（kfq import --category 产业类，或在预览中选择）",
                    "the sheet has no category column: name the projects' category (kfq import --category 产业类, or choose it in the preview)",
                )
                .into(),
            Problem::NoSuchZone(zone) if zh => {
                format!("指定的开发区“{zone}”不存在（请用开发区的全称，如“吕梁经济技术开发区”）")
            }
            Problem::NoSuchZone(zone) => {
                format!("there is no zone named {zone} (give the zone's full name)")
            }
                        Problem::SameName { elsewhere, row } if zh => format!(
                "与{}第 {row} 行同名：表中没有项目编号时按名称识别项目，同一开发区的两行不能同名",
                elsewhere.as_ref().map_or(String::new(), |e| format!("{e} "))
            ),
            Problem::SameName { elsewhere, row } => format!(
                "the same name as row {row}{}: without 项目编号 projects are known by name, and two rows of one zone cannot share one",
                elsewhere.as_ref().map_or(String::new(), |e| format!(" of {e}"))
            ),
            Problem::Required => lang.pick("不能为空", "must not be empty").into(),
            Problem::Amount(e) => e.message(lang),
            Problem::Date => lang
                .pick("不是有效日期，应写作 2024-03-15", "is not a date; write 2024-03-15")
                .into(),
            Problem::Bool => lang.pick("应填“是”或“否”", "must be 是 or 否 (yes or no)").into(),
            Problem::Region(e) => e.message(lang),
            Problem::NotACity => lang
                .pick("不是地级市", "is not a prefecture-level city")
                .into(),
            Problem::CreditCode(e) => e.message(lang),
            Problem::ProjectCode(e) => e.message(lang),
            Problem::Category => lang
                .pick(
                    "项目类别应为 产业类、基础设施类 或 社会民生类",
                    "category must be 产业类, 基础设施类 or 社会民生类",
                )
                .into(),
            Problem::ZoneLevel => lang
                .pick("级别应为 国家级 或 省级", "level must be 国家级 or 省级")
                .into(),
            Problem::ZoneKind => lang
                .pick(
                    "类型应为 经开区、高新区、综改区 或 其他",
                    "kind must be 经开区, 高新区, 综改区 or 其他",
                )
                .into(),
            Problem::Round => kfq_core::round::RoundIdError.message(lang),
            Problem::Batch => lang
                .pick("批次应为 签约、开工 或 投产", "batch must be 签约, 开工 or 投产")
                .into(),
            Problem::Month => kfq_core::monthly::MonthError.message(lang),
            Problem::LandArea => lang
                .pick(
                    "用地面积应为不超过两位小数的非负数（亩）",
                    "land area must be a non-negative number of 亩 with at most two decimals",
                )
                .into(),
            Problem::Duplicate { first_row } if zh => format!("与第 {first_row} 行重复"),
            Problem::Duplicate { first_row } => format!("repeats row {first_row}"),
            Problem::UnknownZone => lang
                .pick(
                    "没有这个开发区（请先在“开发区”表中登记）",
                    "no such zone (register it in the 开发区 sheet first)",
                )
                .into(),
            Problem::UnknownProject => lang
                .pick(
                    "没有这个项目编号（请先在“项目”表中登记）",
                    "no such project code (register it in the 项目 sheet first)",
                )
                .into(),
            Problem::Project(e) => e.message(lang),
            Problem::Entry(e) => e.message(lang),
            Problem::Frozen(fault) => fault.message(lang),
            Problem::RoundLocked => lang
                .pick(
                    "该次活动已锁定，批次数据不能再改",
                    "the round is locked; its batches cannot change",
                )
                .into(),
            Problem::BreaksEntry { round, batch, why } if zh => {
                format!("修改后不再符合已列入的 {round} {batch}一批：{}", why.message(lang))
            }
            Problem::BreaksEntry { round, batch, why } => format!(
                "after this change the project no longer fits its entry in {round} {batch}: {}",
                why.message(lang)
            ),
            Problem::CreditCodeOtherName { other } if zh => {
                format!("该统一社会信用代码已属于企业“{other}”")
            }
            Problem::CreditCodeOtherName { other } => {
                format!("this credit code already belongs to “{other}”")
            }
            Problem::Field(message) => message.clone(),
        }
    }
}

/// One fault: where, in which column, the value found, and what is wrong with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LedgerError {
    pub place: Place,
    /// The column's header and its letter (`H`), when the fault is in one cell.
    pub column: Option<(String, String)>,
    pub value: String,
    pub problem: Problem,
}

impl LedgerError {
    pub fn new(place: &Place, problem: Problem) -> LedgerError {
        LedgerError {
            place: place.clone(),
            column: None,
            value: String::new(),
            problem,
        }
    }

    /// A fault in the cell of column `key` of the row at `place`.
    pub fn in_column(
        place: &Place,
        table: crate::Table,
        key: &str,
        value: impl Into<String>,
        problem: Problem,
    ) -> LedgerError {
        let header = table
            .columns()
            .iter()
            .find(|c| c.key == key)
            .map_or(key, |c| c.header);
        let letter = place
            .columns
            .iter()
            .find(|(k, _)| *k == key)
            .map_or(String::new(), |(_, i)| column_letter(*i));
        LedgerError {
            column: Some((header.to_string(), letter)),
            value: value.into(),
            ..LedgerError::new(place, problem)
        }
    }

    pub fn at(mut self, header: &str, index: usize, value: impl Into<String>) -> LedgerError {
        self.column = Some((header.to_string(), column_letter(index)));
        self.value = value.into();
        self
    }

    /// `台账.xlsx › 项目 › 第 5 行 › H 列“总投资（万元）” › 值“-3”：金额不能为负数`
    pub fn message(&self, lang: Lang) -> String {
        let mut parts = vec![self.place.file.clone()];
        if !self.place.sheet.is_empty() {
            parts.push(match lang {
                Lang::Zh => format!("工作表“{}”", self.place.sheet),
                Lang::En => format!("sheet {}", self.place.sheet),
            });
        }
        if self.place.row > 0 {
            parts.push(match lang {
                Lang::Zh => format!("第 {} 行", self.place.row),
                Lang::En => format!("row {}", self.place.row),
            });
        }
        if let Some((header, letter)) = &self.column {
            parts.push(match (lang, letter.is_empty()) {
                (Lang::Zh, true) => format!("列“{header}”"),
                (Lang::Zh, false) => format!("{letter} 列“{header}”"),
                (Lang::En, true) => format!("column {header}"),
                (Lang::En, false) => format!("column {letter} ({header})"),
            });
        }
        let value = match (lang, self.value.is_empty()) {
            (_, true) => String::new(),
            (Lang::Zh, false) => format!("值“{}”", self.value),
            (Lang::En, false) => format!("value '{}'", self.value),
        };
        if !value.is_empty() {
            parts.push(value);
        }
        let sep = lang.pick(" › ", ", ");
        let colon = lang.pick("：", ": ");
        format!("{}{colon}{}", parts.join(sep), self.problem.message(lang))
    }
}

impl fmt::Display for LedgerError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message(Lang::Zh))
    }
}

/// `0 → A`, `25 → Z`, `26 → AA`.
pub fn column_letter(index: usize) -> String {
    let mut n = index + 1;
    let mut letters = Vec::new();
    while n > 0 {
        let rem = (n - 1) % 26;
        letters.push((b'A' + rem as u8) as char);
        n = (n - 1) / 26;
    }
    letters.iter().rev().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_name_file_sheet_row_column_and_value() {
        let place = Place {
            file: "台账.xlsx".into(),
            sheet: "项目".into(),
            row: 5,
            ..Place::default()
        };
        let e = LedgerError::new(&place, Problem::Amount(AmountError::Negative)).at(
            "总投资（万元）",
            8,
            "-3",
        );
        assert_eq!(
            e.message(Lang::Zh),
            "台账.xlsx › 工作表“项目” › 第 5 行 › I 列“总投资（万元）” › 值“-3”：金额不能为负数"
        );
        assert_eq!(
            e.message(Lang::En),
            "台账.xlsx, sheet 项目, row 5, column I (总投资（万元）), value '-3': amount must not be negative"
        );
    }

    #[test]
    fn column_letters_go_past_z() {
        assert_eq!(column_letter(0), "A");
        assert_eq!(column_letter(25), "Z");
        assert_eq!(column_letter(26), "AA");
        assert_eq!(column_letter(27), "AB");
    }
}
