//! 专项台账 — the books a zone keeps beside its project ledger (招商活动, 赋权事项, 一件事一次办,
//! …), one sheet each: their sheet names, headers and the field each header fills. Reading a
//! book finds its header row below any title rows, so a book exported by kfq (title, unit note,
//! header) reads back as it was written.

use std::collections::HashMap;
use std::sync::Arc;

use crate::error::column_letter;
use crate::records::parse_date;
use crate::{Cell, LedgerError, Place, Problem, Sheet};

/// One of the books, a sheet each.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Book {
    /// 招商活动 — liaison offices, promotion events, attraction trips.
    Activities,
    /// 赋权事项 — administrative powers delegated to a zone.
    Powers,
    /// 一件事一次办 — a zone's bundled services.
    Bundles,
    /// 标准地 — a zone's standard parcels and the projects they were sold to.
    Parcels,
    /// 承诺制 — the commitments projects' owners filed.
    Commitments,
    /// 入库入统 — projects' registration in the statistics database.
    Registrations,
    /// 化工园区安全风险等级复核 — the scored items of a chemical park's review.
    Findings,
    /// 目标任务 — zones' annual targets by indicator.
    Targets,
    /// 指标月报 — the figures zones enter month by month.
    Indicators,
}

/// How a book's cell is read before its field is checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Text,
    /// Any date a clerk types (a real date, 2024-03-15, 2024/3/15, 2024.3.15, 2024年3月15日),
    /// handed on as 2024-03-15.
    Date,
}

/// A column of a book: the field it fills, its headers (the first is the one written), whether
/// every row needs it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BookColumn {
    pub key: &'static str,
    pub headers: &'static [&'static str],
    pub english: &'static str,
    pub kind: Kind,
    pub required: bool,
}

const fn column(
    key: &'static str,
    headers: &'static [&'static str],
    english: &'static str,
    kind: Kind,
    required: bool,
) -> BookColumn {
    BookColumn {
        key,
        headers,
        english,
        kind,
        required,
    }
}

use Kind::{Date, Text};

const ZONE: BookColumn = column("zone", &["开发区", "所属开发区"], "Zone", Text, true);
const NOTE: BookColumn = column("note", &["备注"], "Note", Text, false);
/// The zone of a book whose rows name their project: the project's zone when left empty.
const ZONE_OF_PROJECT: BookColumn = column("zone", &["开发区", "所属开发区"], "Zone", Text, false);

const ACTIVITIES: &[BookColumn] = &[
    column("name", &["活动名称", "名称"], "Activity", Text, true),
    ZONE,
    column("kind", &["活动类别", "类别"], "Kind", Text, true),
    column("place", &["地点"], "Place", Text, false),
    column(
        "started_on",
        &["开始（设立）日期", "开始日期", "设立日期"],
        "Started",
        Date,
        true,
    ),
    column(
        "ended_on",
        &["结束（撤销）日期", "结束日期", "撤销日期"],
        "Ended",
        Date,
        false,
    ),
    column(
        "leader",
        &["带队领导/负责人", "带队领导", "负责人"],
        "Led by",
        Text,
        false,
    ),
    column("people", &["参加人员"], "People", Text, false),
    column("met", &["对接企业"], "Met", Text, false),
    NOTE,
];

const POWERS: &[BookColumn] = &[
    ZONE,
    column("level", &["赋权层级", "层级"], "Granted by", Text, true),
    column("name", &["事项名称", "赋权事项"], "Power", Text, true),
    column("code", &["事项编码", "编码"], "Code", Text, false),
    column("granted_on", &["赋权日期"], "Granted", Date, false),
    column("taken_up_on", &["承接日期"], "Taken up", Date, false),
    NOTE,
];

const BUNDLES: &[BookColumn] = &[
    ZONE,
    column(
        "name",
        &["一件事名称", "名称", "套餐名称"],
        "Service",
        Text,
        true,
    ),
    column(
        "procedures",
        &["包含事项", "整合事项"],
        "Procedures",
        Text,
        true,
    ),
    column("launched_on", &["上线日期"], "Launched", Date, false),
    NOTE,
];

const PARCELS: &[BookColumn] = &[
    ZONE,
    column("code", &["地块编号", "宗地编号"], "Parcel", Text, true),
    column(
        "location",
        &["坐落", "位置", "地块位置"],
        "Location",
        Text,
        false,
    ),
    column(
        "area_mu",
        &["面积（亩）", "面积", "用地面积（亩）"],
        "Area (mu)",
        Text,
        true,
    ),
    column(
        "intensity_wan",
        &["投资强度（万元/亩）", "投资强度"],
        "Investment per mu (10k yuan)",
        Text,
        false,
    ),
    column(
        "output_wan",
        &["亩均产值（万元/亩）", "亩均产值"],
        "Output per mu (10k yuan)",
        Text,
        false,
    ),
    column(
        "tax_wan",
        &["亩均税收（万元/亩）", "亩均税收"],
        "Tax per mu (10k yuan)",
        Text,
        false,
    ),
    column("plot_ratio", &["容积率"], "Plot ratio", Text, false),
    column(
        "project",
        &["项目编号", "受让项目编号"],
        "Project",
        Text,
        false,
    ),
    column("allocated_on", &["出让日期"], "Sold", Date, false),
    NOTE,
];

const COMMITMENTS: &[BookColumn] = &[
    ZONE_OF_PROJECT,
    column("project", &["项目编号"], "Project", Text, true),
    column("item", &["承诺事项"], "Commitment", Text, true),
    column("content", &["承诺内容"], "Content", Text, false),
    column("filed_on", &["承诺日期"], "Filed", Date, true),
    column("due_on", &["履诺期限"], "Due", Date, false),
    column("verified_on", &["核查日期"], "Checked", Date, false),
    column("result", &["核查结果"], "Finding", Text, false),
    NOTE,
];

const REGISTRATIONS: &[BookColumn] = &[
    ZONE_OF_PROJECT,
    column("project", &["项目编号"], "Project", Text, true),
    column("status", &["入库状态", "状态"], "Status", Text, true),
    column("applied_on", &["申报日期"], "Applied", Date, false),
    column("registered_on", &["入库日期"], "Registered", Date, false),
    column(
        "stats_code",
        &["统计库编号", "统计库项目编号"],
        "Statistics code",
        Text,
        false,
    ),
    NOTE,
];

const FINDINGS: &[BookColumn] = &[
    ZONE,
    column("year", &["复核年度", "年度"], "Year", Text, true),
    column("item", &["条目编号", "评估项编号"], "Item", Text, true),
    column("score", &["得分"], "Score", Text, true),
    column("problem", &["存在问题"], "Problem", Text, false),
    column("evidence", &["佐证材料"], "Evidence", Text, false),
    column(
        "owner",
        &["整改责任人", "整改责任单位"],
        "Owner",
        Text,
        false,
    ),
    column("due_on", &["整改期限"], "Due", Date, false),
    column("rectified_on", &["整改完成日期"], "Rectified", Date, false),
    NOTE,
];

const TARGETS: &[BookColumn] = &[
    ZONE,
    column("year", &["年度"], "Year", Text, true),
    column("indicator", &["指标", "指标代码"], "Indicator", Text, true),
    column("value", &["目标值", "年度目标"], "Target", Text, true),
    NOTE,
];

const INDICATORS: &[BookColumn] = &[
    ZONE,
    column("month", &["月份"], "Month", Text, true),
    column("indicator", &["指标", "指标代码"], "Indicator", Text, true),
    column(
        "value",
        &["本月数值", "数值", "本月"],
        "This month",
        Text,
        true,
    ),
    NOTE,
];

impl Book {
    pub const ALL: [Book; 9] = [
        Book::Activities,
        Book::Powers,
        Book::Bundles,
        Book::Parcels,
        Book::Commitments,
        Book::Registrations,
        Book::Findings,
        Book::Targets,
        Book::Indicators,
    ];

    /// The sheet's name (and the stem of its CSV file).
    pub fn sheet(self) -> &'static str {
        match self {
            Book::Activities => "招商活动",
            Book::Powers => "赋权事项",
            Book::Bundles => "一件事一次办",
            Book::Parcels => "标准地",
            Book::Commitments => "承诺制",
            Book::Registrations => "入库入统",
            Book::Findings => "安全风险复核",
            Book::Targets => "目标任务",
            Book::Indicators => "指标月报",
        }
    }

    /// The name of the book in English (its sheet's name in an English export).
    pub fn english(self) -> &'static str {
        match self {
            Book::Activities => "activities",
            Book::Powers => "powers",
            Book::Bundles => "bundles",
            Book::Parcels => "parcels",
            Book::Commitments => "commitments",
            Book::Registrations => "registrations",
            Book::Findings => "chemical-review",
            Book::Targets => "targets",
            Book::Indicators => "indicators",
        }
    }

    pub fn columns(self) -> &'static [BookColumn] {
        match self {
            Book::Activities => ACTIVITIES,
            Book::Powers => POWERS,
            Book::Bundles => BUNDLES,
            Book::Parcels => PARCELS,
            Book::Commitments => COMMITMENTS,
            Book::Registrations => REGISTRATIONS,
            Book::Findings => FINDINGS,
            Book::Targets => TARGETS,
            Book::Indicators => INDICATORS,
        }
    }

    /// The book a sheet (or CSV file stem) holds: by its Chinese or English name, or a title
    /// that ends in one (“招商活动台账”).
    pub fn from_sheet(name: &str) -> Option<Book> {
        let name = name.trim();
        let bare = name.trim_end_matches("台账");
        Book::ALL.into_iter().find(|b| {
            b.sheet() == bare || b.english().eq_ignore_ascii_case(name) || name == b.sheet()
        })
    }

    /// The headers a written book carries, in the language asked for.
    pub fn headers(self, english: bool) -> Vec<String> {
        self.columns()
            .iter()
            .map(|c| {
                if english {
                    c.english.to_string()
                } else {
                    c.headers[0].to_string()
                }
            })
            .collect()
    }
}

/// A row of a book as read: where it is and the text of each field it has (dates as
/// 2024-03-15).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BookRow {
    pub place: Place,
    pub fields: Vec<(&'static str, String)>,
    /// The fields whose cells could not be read (their faults are reported already): the row is
    /// still checked for its other faults, never written.
    pub unread: Vec<&'static str>,
}

impl BookRow {
    /// The text of a field ('' when the sheet has no such column or the cell is empty).
    pub fn get(&self, key: &str) -> &str {
        self.fields
            .iter()
            .find(|(k, _)| *k == key)
            .map_or("", |(_, v)| v.as_str())
    }

    /// A fault in the cell of `key` (the row's, when the sheet has no such column).
    pub fn fault(&self, book: Book, key: &str, problem: Problem) -> LedgerError {
        let header = book
            .columns()
            .iter()
            .find(|c| c.key == key)
            .map_or(key, |c| c.headers[0]);
        let mut error = LedgerError::new(&self.place, problem);
        let letter = self
            .place
            .columns
            .iter()
            .find(|(k, _)| *k == key)
            .map(|(_, i)| column_letter(*i));
        error.column = Some((header.to_string(), letter.unwrap_or_default()));
        error.value = self.get(key).to_string();
        error
    }
}

/// The rows of one book's sheet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BookSheet {
    pub book: Book,
    pub rows: Vec<BookRow>,
}

/// How many rows from the top a header row may lie (below a title and a unit note).
const HEADER_WITHIN: usize = 10;

fn header_matches(cell: &Cell, column: &BookColumn) -> bool {
    let text = cell.text();
    let text = text.trim();
    !text.is_empty()
        && (column.headers.contains(&text)
            || column.english.eq_ignore_ascii_case(text)
            || column.key == text)
}

/// Reads the sheets that hold books; the others are left to the project ledger. Every fault is
/// returned, each located to its cell; a row keeps the fields that could be read, so that its
/// other faults can still be found.
pub fn read(sheets: &[Sheet]) -> (Vec<BookSheet>, Vec<LedgerError>) {
    let mut books = Vec::new();
    let mut errors = Vec::new();
    for sheet in sheets {
        let Some(book) = Book::from_sheet(&sheet.name) else {
            continue;
        };
        let place = Place {
            file: sheet.file.clone(),
            sheet: sheet.name.clone(),
            row: sheet.first_row,
            columns: Arc::default(),
        };
        if sheet.rows.iter().all(|r| r.iter().all(Cell::is_empty)) {
            continue;
        }
        let columns = book.columns();
        let found = sheet.rows.iter().take(HEADER_WITHIN).position(|r| {
            columns
                .iter()
                .filter(|c| c.required)
                .all(|c| r.iter().any(|cell| header_matches(cell, c)))
        });
        let Some(header_at) = found else {
            let first = sheet
                .rows
                .iter()
                .position(|r| r.iter().any(|c| !c.is_empty()))
                .unwrap_or(0);
            let header = &sheet.rows[first];
            for c in columns.iter().filter(|c| c.required) {
                if !header.iter().any(|cell| header_matches(cell, c)) {
                    let mut e = LedgerError::new(
                        &Place {
                            row: sheet.first_row + first,
                            ..place.clone()
                        },
                        Problem::MissingColumn,
                    );
                    e.column = Some((c.headers[0].to_string(), String::new()));
                    errors.push(e);
                }
            }
            continue;
        };
        let header = &sheet.rows[header_at];
        let index: HashMap<&'static str, usize> = columns
            .iter()
            .filter_map(|c| Some((c.key, header.iter().position(|h| header_matches(h, c))?)))
            .collect();
        let place = Place {
            columns: Arc::new(index.iter().map(|(k, i)| (*k, *i)).collect()),
            ..place
        };
        let mut rows = Vec::new();
        for (offset, cells) in sheet.rows.iter().enumerate().skip(header_at + 1) {
            if cells.iter().all(Cell::is_empty) {
                continue;
            }
            let row_place = Place {
                row: sheet.first_row + offset,
                ..place.clone()
            };
            let mut fields = Vec::new();
            let mut unread = Vec::new();
            for c in columns {
                let Some(&i) = index.get(c.key) else { continue };
                let cell = cells.get(i).unwrap_or(&Cell::Empty);
                let text = if cell.is_empty() {
                    String::new()
                } else if c.kind == Date {
                    match parse_date(cell) {
                        Ok(d) => d.to_string(),
                        Err(p) => {
                            errors.push(LedgerError::new(&row_place, p).at(
                                c.headers[0],
                                i,
                                cell.text(),
                            ));
                            continue;
                        }
                    }
                } else {
                    cell.text()
                };
                if c.required && text.is_empty() {
                    errors.push(LedgerError::new(&row_place, Problem::Required).at(
                        c.headers[0],
                        i,
                        "",
                    ));
                    unread.push(c.key);
                }
                fields.push((c.key, text));
            }
            rows.push(BookRow {
                place: row_place,
                fields,
                unread,
            });
        }
        books.push(BookSheet { book, rows });
    }
    (books, errors)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sheet(name: &str, rows: &[&[&str]]) -> Sheet {
        Sheet {
            file: "台账.xlsx".into(),
            name: name.into(),
            first_row: 1,
            rows: rows
                .iter()
                .map(|r| r.iter().map(|t| Cell::text_or_empty(*t)).collect())
                .collect(),
            table: None,
        }
    }

    #[test]
    fn a_book_is_read_below_its_title_with_any_known_header_and_any_typed_date() {
        let s = sheet(
            "赋权事项台账",
            &[
                &["吕梁经开区赋权事项台账", "", ""],
                &["", "", ""],
                &["赋权事项", "所属开发区", "层级", "承接日期"],
                &[
                    "建设工程规划许可",
                    "吕梁经济技术开发区",
                    "市级",
                    "2023年3月5日",
                ],
                &["", "", "", ""],
                &["施工许可", "吕梁经济技术开发区", "县级", ""],
            ],
        );
        let (books, errors) = read(&[s]);
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(books[0].book, Book::Powers);
        let rows = &books[0].rows;
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].place.row, 4);
        assert_eq!(rows[0].get("taken_up_on"), "2023-03-05");
        assert_eq!(rows[1].place.row, 6);
        assert_eq!(rows[1].get("level"), "县级");
        let e = rows[1].fault(Book::Powers, "level", Problem::Required);
        assert_eq!(e.column, Some(("赋权层级".into(), "C".into())));
    }

    #[test]
    fn a_missing_column_an_empty_required_cell_and_a_wrong_date_are_named() {
        let missing = sheet(
            "一件事一次办",
            &[&["开发区", "名称"], &["吕梁", "开办企业"]],
        );
        let (_, errors) = read(&[missing]);
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].problem, Problem::MissingColumn);
        assert_eq!(errors[0].column.as_ref().unwrap().0, "包含事项");
        let wrong = sheet(
            "赋权事项",
            &[
                &["开发区", "赋权层级", "事项名称", "赋权日期"],
                &["吕梁经济技术开发区", "", "施工许可", "2023-13-01"],
            ],
        );
        let (_, errors) = read(&[wrong]);
        let found: Vec<(String, Problem)> = errors
            .iter()
            .map(|e| (e.column.clone().unwrap().1, e.problem.clone()))
            .collect();
        assert_eq!(
            found,
            [("B".into(), Problem::Required), ("D".into(), Problem::Date)]
        );
    }

    #[test]
    fn sheets_of_the_project_ledger_are_not_books() {
        assert_eq!(Book::from_sheet("项目"), None);
        assert_eq!(Book::from_sheet("activities"), Some(Book::Activities));
        assert_eq!(Book::from_sheet("招商活动台账"), Some(Book::Activities));
    }
}
