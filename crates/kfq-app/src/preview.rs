//! 导入预览 — what importing a file would do, shown before the user confirms it: how each sheet
//! was read (its header's columns and what each fills, so that the user can say what an unknown
//! one holds), the projects it would add and change, and every fault — all without writing.

use kfq_ledger::understand::{self, Hints};
use kfq_ledger::{LedgerError, Sheet, Table};
use serde::Serialize;

use crate::import::{prepare, ImportOptions};
use crate::reading::{ColumnRead, SheetReading};
use crate::AppError;

/// A sheet's header as read, whether or not the sheet can be imported.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SheetColumns {
    pub file: String,
    pub sheet: String,
    pub header_rows: (usize, usize),
    pub columns: Vec<ColumnRead>,
}

/// A project the import would add or change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PlannedProject {
    pub code: String,
    pub name: String,
    pub zone: String,
    pub total_investment_wan: String,
    /// The fields a change touches (empty for a new project).
    pub fields: Vec<&'static str>,
}

/// What the import would do.
#[derive(Debug, Clone, Serialize)]
pub struct Preview {
    pub sheets: Vec<SheetColumns>,
    pub readings: Vec<SheetReading>,
    pub added: Vec<PlannedProject>,
    pub changed: Vec<PlannedProject>,
    pub unchanged: usize,
    /// Sheets of the zones' books: imported as books when confirmed, not previewed here.
    pub books: Vec<String>,
    /// Every fault; a preview with any is one the import would refuse.
    #[serde(skip)]
    pub faults: Vec<LedgerError>,
}

/// The columns of each sheet that reads as a zone's own ledger.
fn sheet_columns(sheets: &[Sheet], options: &ImportOptions) -> Vec<SheetColumns> {
    let hints = Hints {
        zone: options.zone.clone(),
        category: options.category.clone(),
        mapping: options.mapping.clone(),
    };
    sheets
        .iter()
        .filter(|s| s.table.is_none() && Table::from_sheet(&s.name) != Some(Table::Zones))
        .filter_map(|s| {
            let (header_rows, columns) = understand::header_columns(s, &hints)?;
            Some(SheetColumns {
                file: s.file.clone(),
                sheet: s.name.clone(),
                header_rows,
                columns: columns
                    .iter()
                    .map(|c| ColumnRead {
                        letter: c.letter.clone(),
                        header: c.header.clone(),
                        field: c.key,
                        unknown: c.unknown,
                    })
                    .collect(),
            })
        })
        .collect()
}

/// The fields of a project that differ between two versions of it.
fn changed_fields(
    before: &kfq_core::project::Project,
    after: &kfq_core::project::Project,
) -> Vec<&'static str> {
    let mut fields = Vec::new();
    let mut differs = |field, yes: bool| {
        if yes {
            fields.push(field);
        }
    };
    differs("name", before.name != after.name);
    differs("zone", before.zone_id != after.zone_id);
    differs("enterprise", before.enterprise_id != after.enterprise_id);
    differs("chain", before.chain != after.chain);
    differs(
        "strategic_emerging",
        before.strategic_emerging != after.strategic_emerging,
    );
    differs("category", before.category != after.category);
    differs(
        "total_investment_wan",
        before.total_investment != after.total_investment,
    );
    differs(
        "expected_output_wan",
        before.expected_output != after.expected_output,
    );
    differs("land_area_mu", before.land_area != after.land_area);
    differs("signed_on", before.dates.signed_on != after.dates.signed_on);
    differs("landed_on", before.dates.landed_on != after.dates.landed_on);
    differs(
        "started_on",
        before.dates.started_on != after.dates.started_on,
    );
    differs(
        "producing_on",
        before.dates.producing_on != after.dates.producing_on,
    );
    differs(
        "reached_on",
        before.dates.reached_on != after.dates.reached_on,
    );
    differs("terminated_on", before.terminated_on != after.terminated_on);
    fields
}

/// What importing the sheets would do for the actor, with the options; nothing is written.
/// Faults are part of the answer (the user fixes the file or says more of it), not an error;
/// only an actor who may import nothing is refused.
pub async fn preview(
    db: &kfq_store::Db,
    sheets: Vec<Sheet>,
    actor: &crate::Actor,
    options: &ImportOptions,
    today: chrono::NaiveDate,
) -> Result<Preview, AppError> {
    options.check()?;
    let options = crate::reading::with_remembered(db, options).await?;
    let holds_rows = |s: &Sheet| s.rows.iter().any(|r| r.iter().any(|c| !c.is_empty()));
    let (book_sheets, ledger_sheets): (Vec<Sheet>, Vec<Sheet>) = sheets
        .into_iter()
        .filter(|s| s.name != "说明" && holds_rows(s))
        .partition(|s| kfq_ledger::Book::from_sheet(&s.name).is_some());
    let mut out = Preview {
        sheets: sheet_columns(&ledger_sheets, &options),
        readings: Vec::new(),
        added: Vec::new(),
        changed: Vec::new(),
        unchanged: 0,
        books: book_sheets.iter().map(|s| s.name.clone()).collect(),
        faults: Vec::new(),
    };
    if ledger_sheets.is_empty() {
        return Ok(out);
    }
    let prepared = match prepare(db, ledger_sheets, actor, &options, today).await {
        Ok(prepared) => prepared,
        Err(AppError::Ledger(faults)) => {
            out.faults = faults;
            return Ok(out);
        }
        Err(e) => return Err(e),
    };
    out.readings = prepared.readings;
    for p in &prepared.plan.projects {
        let after = &p.change.after;
        let planned = |fields| PlannedProject {
            code: after.code.as_str().to_string(),
            name: after.name.clone(),
            zone: p.zone.clone(),
            total_investment_wan: after.total_investment.wan_string(),
            fields,
        };
        match &p.change.before {
            None => out.added.push(planned(Vec::new())),
            Some(before) => {
                let fields = changed_fields(before, after);
                if fields.is_empty() {
                    out.unchanged += 1;
                } else {
                    out.changed.push(planned(fields));
                }
            }
        }
    }
    Ok(out)
}
