//! The typed rows of each table, parsed from sheets with every fault located, and turned back
//! into cells for export.

use std::collections::HashMap;

use chrono::NaiveDate;
use kfq_core::enterprise::CreditCode;
use kfq_core::money::Amount;
use kfq_core::monthly::Month;
use kfq_core::project::{Category, LandArea, ProjectCode};
use kfq_core::region::{regions, RegionCode};
use kfq_core::round::{BatchKind, RoundId};
use kfq_core::stage::StageDates;
use kfq_core::zone::{ZoneKind, ZoneLevel};

use crate::cell::Cell;
use crate::error::{LedgerError, Place, Problem};
use crate::template::{Column, Table};
use crate::workbook::{Sheet, TableRows};

/// A record and the row it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Located<T> {
    pub place: Place,
    pub record: T,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ZoneRecord {
    pub name: String,
    pub city: RegionCode,
    pub level: ZoneLevel,
    pub kind: ZoneKind,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnterpriseRecord {
    pub name: String,
    pub credit_code: Option<CreditCode>,
    pub chain_leader: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProjectRecord {
    pub code: ProjectCode,
    pub name: String,
    pub zone: String,
    pub enterprise: String,
    pub credit_code: Option<CreditCode>,
    pub chain: String,
    pub strategic_emerging: bool,
    pub category: Category,
    pub total_investment: Amount,
    pub expected_output: Option<Amount>,
    pub dates: StageDates,
    pub land_area: Option<LandArea>,
    pub terminated_on: Option<NaiveDate>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoundRecord {
    pub id: RoundId,
    pub held_on: Option<NaiveDate>,
    pub venue: String,
    pub locked: bool,
}

/// A batch entry; the figures left empty are taken from the project as it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EntryRecord {
    pub round: RoundId,
    pub batch: BatchKind,
    pub project: ProjectCode,
    pub amount: Option<Amount>,
    pub expected_output: Option<Amount>,
    pub strategic_emerging: Option<bool>,
    pub category: Option<Category>,
    pub zone: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MonthlyRecord {
    pub project: ProjectCode,
    pub month: Month,
    pub invested: Amount,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BlockerRecord {
    pub project: ProjectCode,
    pub description: String,
    pub owner_unit: String,
    pub owner: String,
    pub due_on: Option<NaiveDate>,
    pub resolved_on: Option<NaiveDate>,
}

/// Everything read from a set of ledger files, table by table.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Ledger {
    pub zones: Vec<Located<ZoneRecord>>,
    pub enterprises: Vec<Located<EnterpriseRecord>>,
    pub projects: Vec<Located<ProjectRecord>>,
    pub rounds: Vec<Located<RoundRecord>>,
    pub entries: Vec<Located<EntryRecord>>,
    pub monthly: Vec<Located<MonthlyRecord>>,
    pub blockers: Vec<Located<BlockerRecord>>,
    /// The key (zone name, project code) of each row that did not parse, so that later checks
    /// do not also report the rows that refer to it.
    pub unparsed: Vec<(Table, String)>,
}

impl Ledger {
    /// Parses the sheets into the records of the rows that parsed and the faults of those that
    /// did not. Empty sheets and rows are skipped.
    pub fn parse(sheets: &[Sheet]) -> (Ledger, Vec<LedgerError>) {
        let mut ledger = Ledger::default();
        let mut errors = Vec::new();
        for sheet in sheets {
            let Some(header_at) = sheet
                .rows
                .iter()
                .position(|r| r.iter().any(|c| !c.is_empty()))
            else {
                continue;
            };
            let mut place = Place {
                file: sheet.file.clone(),
                sheet: sheet.name.clone(),
                row: sheet.first_row + header_at,
                columns: Default::default(),
            };
            let Some(table) = sheet.table.or_else(|| Table::from_sheet(&sheet.name)) else {
                if sheet.name != "说明" && crate::Book::from_sheet(&sheet.name).is_none() {
                    errors.push(LedgerError::new(&place, Problem::UnknownSheet));
                }
                continue;
            };
            let header: Vec<String> = sheet.rows[header_at].iter().map(Cell::text).collect();
            let mut index = HashMap::new();
            for column in table.columns() {
                match header
                    .iter()
                    .position(|h| h == column.header || h == column.key)
                {
                    Some(i) => {
                        index.insert(column.key, i);
                    }
                    None if column.required => errors.push(LedgerError {
                        column: Some((column.header.into(), String::new())),
                        ..LedgerError::new(&place, Problem::MissingColumn)
                    }),
                    None => {}
                }
            }
            if table
                .columns()
                .iter()
                .any(|c| c.required && !index.contains_key(c.key))
            {
                continue;
            }
            place.columns = std::sync::Arc::new(index.iter().map(|(k, i)| (*k, *i)).collect());
            for (offset, cells) in sheet.rows.iter().enumerate().skip(header_at + 1) {
                if cells.iter().all(Cell::is_empty) {
                    continue;
                }
                let mut row = RowReader {
                    table,
                    cells,
                    index: &index,
                    place: Place {
                        row: sheet.first_row + offset,
                        ..place.clone()
                    },
                    errors: &mut errors,
                };
                ledger.push_row(table, &mut row);
            }
        }
        (ledger, errors)
    }

    fn push_row(&mut self, table: Table, row: &mut RowReader) {
        let place = row.place.clone();
        let before = row.errors.len();
        let key = match table {
            Table::Zones => Some(row.text("name")),
            Table::Projects => Some(row.text("code")),
            _ => None,
        };
        macro_rules! keep {
            ($list:ident, $record:expr) => {{
                let record = $record;
                if row.errors.len() == before {
                    if let Some(record) = record {
                        self.$list.push(Located { place, record });
                    }
                }
            }};
        }
        match table {
            Table::Zones => keep!(zones, zone_record(row)),
            Table::Enterprises => keep!(enterprises, enterprise_record(row)),
            Table::Projects => keep!(projects, project_record(row)),
            Table::Rounds => keep!(rounds, round_record(row)),
            Table::Entries => keep!(entries, entry_record(row)),
            Table::Monthly => keep!(monthly, monthly_record(row)),
            Table::Blockers => keep!(blockers, blocker_record(row)),
        }
        if let Some(key) = key.filter(|_| row.errors.len() > before) {
            self.unparsed.push((table, key));
        }
    }

    /// The ledger as tables of cells, in the template's layout.
    pub fn to_tables(&self) -> Vec<TableRows> {
        fn rows<T>(list: &[Located<T>], f: impl Fn(&T) -> Vec<Cell>) -> Vec<Vec<Cell>> {
            list.iter().map(|l| f(&l.record)).collect()
        }
        vec![
            TableRows {
                table: Table::Zones,
                rows: rows(&self.zones, ZoneRecord::cells),
            },
            TableRows {
                table: Table::Enterprises,
                rows: rows(&self.enterprises, EnterpriseRecord::cells),
            },
            TableRows {
                table: Table::Projects,
                rows: rows(&self.projects, ProjectRecord::cells),
            },
            TableRows {
                table: Table::Rounds,
                rows: rows(&self.rounds, RoundRecord::cells),
            },
            TableRows {
                table: Table::Entries,
                rows: rows(&self.entries, EntryRecord::cells),
            },
            TableRows {
                table: Table::Monthly,
                rows: rows(&self.monthly, MonthlyRecord::cells),
            },
            TableRows {
                table: Table::Blockers,
                rows: rows(&self.blockers, BlockerRecord::cells),
            },
        ]
    }
}

/// Reads the cells of one row by column key, collecting the faults it finds.
struct RowReader<'a> {
    table: Table,
    cells: &'a [Cell],
    index: &'a HashMap<&'static str, usize>,
    place: Place,
    errors: &'a mut Vec<LedgerError>,
}

impl RowReader<'_> {
    fn column(&self, key: &str) -> Option<(&'static Column, usize)> {
        let column = self.table.columns().iter().find(|c| c.key == key)?;
        Some((column, *self.index.get(key)?))
    }

    fn cell(&self, key: &str) -> &Cell {
        self.column(key)
            .and_then(|(_, i)| self.cells.get(i))
            .unwrap_or(&Cell::Empty)
    }

    fn fault(&mut self, key: &str, problem: Problem) {
        let (header, index) = self.column(key).map_or(("", 0), |(c, i)| (c.header, i));
        let value = self.cell(key).text();
        self.errors
            .push(LedgerError::new(&self.place, problem).at(header, index, value));
    }

    /// Parses an optional cell: None when empty, a fault when it does not parse.
    fn optional<T>(
        &mut self,
        key: &str,
        parse: impl FnOnce(&Cell) -> Result<T, Problem>,
    ) -> Option<T> {
        let cell = self.cell(key).clone();
        if cell.is_empty() {
            return None;
        }
        match parse(&cell) {
            Ok(v) => Some(v),
            Err(p) => {
                self.fault(key, p);
                None
            }
        }
    }

    fn required<T>(
        &mut self,
        key: &str,
        parse: impl FnOnce(&Cell) -> Result<T, Problem>,
    ) -> Option<T> {
        if self.cell(key).is_empty() {
            self.fault(key, Problem::Required);
            return None;
        }
        self.optional(key, parse)
    }

    fn text(&mut self, key: &str) -> String {
        self.cell(key).text()
    }

    fn required_text(&mut self, key: &str) -> Option<String> {
        self.required(key, |c| Ok(c.text()))
    }

    fn flag(&mut self, key: &str) -> bool {
        self.optional(key, parse_bool).unwrap_or(false)
    }

    fn date(&mut self, key: &str) -> Option<NaiveDate> {
        self.optional(key, parse_date)
    }
}

fn parse_amount(cell: &Cell) -> Result<Amount, Problem> {
    Amount::parse_wan(&cell.text()).map_err(Problem::Amount)
}

fn parse_bool(cell: &Cell) -> Result<bool, Problem> {
    match cell {
        Cell::Bool(b) => Ok(*b),
        other => match other.text().to_lowercase().as_str() {
            "是" | "√" | "y" | "yes" | "true" | "1" => Ok(true),
            "否" | "×" | "n" | "no" | "false" | "0" => Ok(false),
            _ => Err(Problem::Bool),
        },
    }
}

/// Dates as cells hold them: a real date, `2024-03-15`, `2024/3/15`, `2024.3.15` or `2024年3月15日`.
pub fn parse_date(cell: &Cell) -> Result<NaiveDate, Problem> {
    match cell {
        Cell::Date(d) => Ok(*d),
        other => {
            let text = other.text();
            let text = text.trim().trim_end_matches('日');
            let parts: Vec<&str> = text.split(['-', '/', '.', '年', '月']).collect();
            let [y, m, d] = parts.as_slice() else {
                return Err(Problem::Date);
            };
            let (Ok(y), Ok(m), Ok(d)) = (y.parse(), m.parse(), d.parse()) else {
                return Err(Problem::Date);
            };
            NaiveDate::from_ymd_opt(y, m, d).ok_or(Problem::Date)
        }
    }
}

fn parse_city(cell: &Cell) -> Result<RegionCode, Problem> {
    let text = cell.text();
    let region = match RegionCode::parse(&text) {
        Ok(code) => code,
        Err(e) => regions()
            .find(&text)
            .map(|r| r.code)
            .ok_or(Problem::Region(e))?,
    };
    if region.is_province() {
        return Err(Problem::NotACity);
    }
    Ok(region)
}

fn zone_record(row: &mut RowReader) -> Option<ZoneRecord> {
    let name = row.required_text("name");
    let city = row.required("city", parse_city);
    let level = row.required("level", |c| {
        ZoneLevel::parse(&c.text()).ok_or(Problem::ZoneLevel)
    });
    let kind = row.optional("kind", |c| {
        ZoneKind::parse(&c.text()).ok_or(Problem::ZoneKind)
    });
    let name = name?;
    Some(ZoneRecord {
        kind: kind.unwrap_or_else(|| ZoneKind::from_name(&name)),
        name,
        city: city?,
        level: level?,
    })
}

fn enterprise_record(row: &mut RowReader) -> Option<EnterpriseRecord> {
    let name = row.required_text("name");
    let credit_code = row.optional("credit_code", |c| {
        CreditCode::parse(&c.text()).map_err(Problem::CreditCode)
    });
    let chain_leader = row.flag("chain_leader");
    Some(EnterpriseRecord {
        name: name?,
        credit_code,
        chain_leader,
    })
}

fn project_code(cell: &Cell) -> Result<ProjectCode, Problem> {
    ProjectCode::parse(&cell.text()).map_err(Problem::ProjectCode)
}

fn category(cell: &Cell) -> Result<Category, Problem> {
    Category::parse(&cell.text()).ok_or(Problem::Category)
}

fn project_record(row: &mut RowReader) -> Option<ProjectRecord> {
    let code = row.required("code", project_code);
    let name = row.required_text("name");
    let zone = row.required_text("zone");
    let enterprise = row.text("enterprise");
    let credit_code = row.optional("credit_code", |c| {
        CreditCode::parse(&c.text()).map_err(Problem::CreditCode)
    });
    let chain = row.text("chain");
    let strategic_emerging = row.flag("strategic_emerging");
    let category = row.required("category", category);
    let total_investment = row.required("total_investment_wan", parse_amount);
    let expected_output = row.optional("expected_output_wan", parse_amount);
    let dates = StageDates {
        signed_on: row.date("signed_on"),
        landed_on: row.date("landed_on"),
        started_on: row.date("started_on"),
        producing_on: row.date("producing_on"),
        reached_on: row.date("reached_on"),
    };
    let land_area = row.optional("land_area_mu", |c| {
        LandArea::parse(&c.text()).ok_or(Problem::LandArea)
    });
    let terminated_on = row.date("terminated_on");
    Some(ProjectRecord {
        code: code?,
        name: name?,
        zone: zone?,
        enterprise,
        credit_code,
        chain,
        strategic_emerging,
        category: category?,
        total_investment: total_investment?,
        expected_output,
        dates,
        land_area,
        terminated_on,
    })
}

fn round_id(cell: &Cell) -> Result<RoundId, Problem> {
    RoundId::parse(&cell.text()).map_err(|_| Problem::Round)
}

fn round_record(row: &mut RowReader) -> Option<RoundRecord> {
    let id = row.required("round", round_id);
    let held_on = row.date("held_on");
    let venue = row.text("venue");
    let locked = row.flag("locked");
    Some(RoundRecord {
        id: id?,
        held_on,
        venue,
        locked,
    })
}

fn entry_record(row: &mut RowReader) -> Option<EntryRecord> {
    let round = row.required("round", round_id);
    let batch = row.required("batch", |c| {
        BatchKind::parse(&c.text()).ok_or(Problem::Batch)
    });
    let project = row.required("project", project_code);
    let amount = row.optional("amount_wan", parse_amount);
    let expected_output = row.optional("expected_output_wan", parse_amount);
    let strategic_emerging = row.optional("strategic_emerging", parse_bool);
    let category = row.optional("category", category);
    let zone = Some(row.text("zone")).filter(|z| !z.is_empty());
    Some(EntryRecord {
        round: round?,
        batch: batch?,
        project: project?,
        amount,
        expected_output,
        strategic_emerging,
        category,
        zone,
    })
}

fn monthly_record(row: &mut RowReader) -> Option<MonthlyRecord> {
    let project = row.required("project", project_code);
    let month = row.required("month", |c| match c {
        Cell::Date(d) => Ok(Month::of(*d)),
        other => Month::parse(&other.text()).map_err(|_| Problem::Month),
    });
    let invested = row.required("invested_wan", parse_amount);
    Some(MonthlyRecord {
        project: project?,
        month: month?,
        invested: invested?,
    })
}

fn blocker_record(row: &mut RowReader) -> Option<BlockerRecord> {
    let project = row.required("project", project_code);
    let description = row.required_text("description");
    let owner_unit = row.text("owner_unit");
    let owner = row.text("owner");
    let due_on = row.date("due_on");
    let resolved_on = row.date("resolved_on");
    Some(BlockerRecord {
        project: project?,
        description: description?,
        owner_unit,
        owner,
        due_on,
        resolved_on,
    })
}

fn amount_cell(a: Amount) -> Cell {
    Cell::Number(a.wan_string())
}

fn opt<T>(value: Option<T>, f: impl FnOnce(T) -> Cell) -> Cell {
    value.map_or(Cell::Empty, f)
}

impl ZoneRecord {
    fn cells(&self) -> Vec<Cell> {
        vec![
            Cell::Text(self.name.clone()),
            Cell::Text(self.city.to_string()),
            Cell::Text(self.level.label(kfq_core::Lang::Zh).into()),
            Cell::Text(self.kind.label(kfq_core::Lang::Zh).into()),
        ]
    }
}

impl EnterpriseRecord {
    fn cells(&self) -> Vec<Cell> {
        vec![
            Cell::Text(self.name.clone()),
            opt(self.credit_code.as_ref(), |c| Cell::Text(c.to_string())),
            Cell::Bool(self.chain_leader),
        ]
    }
}

impl ProjectRecord {
    fn cells(&self) -> Vec<Cell> {
        let d = self.dates;
        vec![
            Cell::Text(self.code.to_string()),
            Cell::Text(self.name.clone()),
            Cell::Text(self.zone.clone()),
            Cell::text_or_empty(self.enterprise.clone()),
            opt(self.credit_code.as_ref(), |c| Cell::Text(c.to_string())),
            Cell::text_or_empty(self.chain.clone()),
            Cell::Bool(self.strategic_emerging),
            Cell::Text(self.category.label(kfq_core::Lang::Zh).into()),
            amount_cell(self.total_investment),
            opt(self.expected_output, amount_cell),
            opt(d.signed_on, Cell::Date),
            opt(d.landed_on, Cell::Date),
            opt(d.started_on, Cell::Date),
            opt(d.producing_on, Cell::Date),
            opt(d.reached_on, Cell::Date),
            opt(self.land_area, |a| Cell::Number(a.to_string())),
            opt(self.terminated_on, Cell::Date),
        ]
    }
}

impl RoundRecord {
    fn cells(&self) -> Vec<Cell> {
        vec![
            Cell::Text(self.id.to_string()),
            opt(self.held_on, Cell::Date),
            Cell::text_or_empty(self.venue.clone()),
            Cell::Bool(self.locked),
        ]
    }
}

impl EntryRecord {
    fn cells(&self) -> Vec<Cell> {
        vec![
            Cell::Text(self.round.to_string()),
            Cell::Text(self.batch.label(kfq_core::Lang::Zh).into()),
            Cell::Text(self.project.to_string()),
            opt(self.amount, amount_cell),
            opt(self.expected_output, amount_cell),
            opt(self.strategic_emerging, Cell::Bool),
            opt(self.category, |c| {
                Cell::Text(c.label(kfq_core::Lang::Zh).into())
            }),
            opt(self.zone.clone(), Cell::Text),
        ]
    }
}

impl MonthlyRecord {
    fn cells(&self) -> Vec<Cell> {
        vec![
            Cell::Text(self.project.to_string()),
            Cell::Text(self.month.to_string()),
            amount_cell(self.invested),
        ]
    }
}

impl BlockerRecord {
    fn cells(&self) -> Vec<Cell> {
        vec![
            Cell::Text(self.project.to_string()),
            Cell::Text(self.description.clone()),
            Cell::text_or_empty(self.owner_unit.clone()),
            Cell::text_or_empty(self.owner.clone()),
            opt(self.due_on, Cell::Date),
            opt(self.resolved_on, Cell::Date),
        ]
    }
}

/// A row of cells as a JSON object with the table's English keys: amounts and other numbers
/// as decimal strings (so no JSON parser rounds them), dates as ISO 8601, flags as booleans.
pub fn row_json(table: Table, cells: &[Cell]) -> serde_json::Map<String, serde_json::Value> {
    use crate::template::ColumnKind;
    use serde_json::Value;
    table
        .columns()
        .iter()
        .zip(cells.iter().chain(std::iter::repeat(&Cell::Empty)))
        .map(|(column, cell)| {
            let value = match (cell, column.kind) {
                (Cell::Empty, _) => Value::Null,
                (Cell::Bool(b), _) => Value::Bool(*b),
                (cell, ColumnKind::Bool) => parse_bool(cell).map_or(Value::Null, Value::Bool),
                (cell, _) => Value::String(cell.text()),
            };
            (column.key.to_string(), value)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use kfq_core::Lang;

    fn sheet(name: &str, rows: Vec<Vec<&str>>) -> Sheet {
        Sheet {
            file: "台账.csv".into(),
            name: name.into(),
            first_row: 1,
            rows: rows
                .into_iter()
                .map(|r| r.into_iter().map(Cell::text_or_empty).collect())
                .collect(),
            table: None,
        }
    }

    #[test]
    fn a_project_row_becomes_a_record() {
        let s = sheet(
            "项目",
            vec![
                Table::Projects
                    .headers()
                    .iter()
                    .map(String::as_str)
                    .collect(),
                vec![
                    "140100-2024-0001",
                    "半导体硅片材料生产基地",
                    "中北高新技术产业开发区",
                    "",
                    "",
                    "第三代半导体",
                    "是",
                    "产业类",
                    "12,000.5",
                    "",
                    "2024年3月15日",
                    "",
                    "2024/6/1",
                    "",
                    "",
                    "120.5",
                    "",
                ],
            ],
        );
        let (ledger, errors) = Ledger::parse(&[s]);
        assert!(errors.is_empty());
        let p = &ledger.projects[0];
        assert_eq!(p.place.row, 2);
        assert_eq!(p.record.total_investment, Amount::from_yuan(120_005_000));
        assert!(p.record.strategic_emerging);
        assert_eq!(p.record.dates.signed_on, "2024-03-15".parse().ok());
        assert_eq!(p.record.dates.started_on, "2024-06-01".parse().ok());
        assert_eq!(
            p.record.land_area.map(|a| a.to_string()).as_deref(),
            Some("120.5")
        );
    }

    #[test]
    fn every_bad_cell_of_a_row_is_reported_and_no_record_kept() {
        let s = sheet(
            "项目",
            vec![
                Table::Projects
                    .headers()
                    .iter()
                    .map(String::as_str)
                    .collect(),
                vec![
                    "X 1",
                    "项目",
                    "某开发区",
                    "",
                    "91110000100017643A",
                    "",
                    "也许",
                    "工业",
                    "-3",
                    "abc",
                    "2024-02-30",
                ],
            ],
        );
        let (ledger, errors) = Ledger::parse(&[s]);
        assert!(ledger.projects.is_empty());
        assert_eq!(ledger.unparsed, [(Table::Projects, "X 1".to_string())]);
        let columns: Vec<&str> = errors
            .iter()
            .map(|e| e.column.as_ref().map_or("", |c| c.1.as_str()))
            .collect();
        assert_eq!(columns, ["A", "E", "G", "H", "I", "J", "K"]);
        assert!(errors[4].message(Lang::Zh).contains("金额不能为负数"));
    }

    #[test]
    fn a_missing_required_column_is_named() {
        let s = sheet(
            "月报",
            vec![vec!["项目编号", "月份"], vec!["A1", "2024-03"]],
        );
        let (_, errors) = Ledger::parse(&[s]);
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].problem, Problem::MissingColumn);
        assert!(errors[0].message(Lang::Zh).contains("本月完成投资（万元）"));
    }

    #[test]
    fn an_unknown_non_empty_sheet_is_refused_and_empty_ones_ignored() {
        let (_, errors) =
            Ledger::parse(&[sheet("Sheet1", vec![vec!["a"]]), sheet("Sheet2", vec![])]);
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].problem, Problem::UnknownSheet);
    }

    #[test]
    fn cities_are_read_by_name_or_code_but_not_provinces() {
        assert_eq!(
            parse_city(&Cell::Text("吕梁市".into())).map(|c| c.value()),
            Ok(141_100)
        );
        assert_eq!(
            parse_city(&Cell::Number("140100".into())).map(|c| c.value()),
            Ok(140_100)
        );
        assert_eq!(
            parse_city(&Cell::Text("140000".into())),
            Err(Problem::NotACity)
        );
    }
}
