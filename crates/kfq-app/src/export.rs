//! 导出 — every table in the template's layout, as XLSX, CSV files or JSON.

use std::collections::{HashMap, HashSet};
use std::path::Path;

use kfq_ledger::records::{
    row_json, BlockerRecord, EnterpriseRecord, EntryRecord, Located, MonthlyRecord, ProjectRecord,
    RoundRecord, ZoneRecord,
};
use kfq_ledger::workbook::{write_csv, write_xlsx, TableRows};
use kfq_ledger::Ledger;
use kfq_store::Db;

use crate::{Actor, AppError, Scope};

/// The output formats of `kfq export`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportFormat {
    Xlsx,
    /// One CSV file per table, named after its sheet, in a folder.
    Csv,
    Json,
}

fn located<T>(record: T) -> Located<T> {
    Located {
        place: Default::default(),
        record,
    }
}

/// The stored data within `region` (all of it when None) as a ledger.
pub async fn ledger_of(db: &Db, actor: &Actor, region: Option<&str>) -> Result<Ledger, AppError> {
    let zones = kfq_store::load_zones(db).await?;
    let scope = actor.region(region, &zones)?;
    let in_scope = |z: &&kfq_core::zone::Zone| scope.contains(z);
    let mut zones: Vec<_> = zones.iter().filter(in_scope).cloned().collect();
    zones.sort_by(|a, b| (a.city, &a.name).cmp(&(b.city, &b.name)));
    let zone_names: HashMap<i64, String> = zones.iter().map(|z| (z.id, z.name.clone())).collect();

    let projects: Vec<_> = kfq_store::load_projects(db)
        .await?
        .into_iter()
        .filter(|p| zone_names.contains_key(&p.zone_id))
        .collect();
    let codes: HashMap<i64, String> = projects
        .iter()
        .map(|p| (p.id, p.code.to_string()))
        .collect();
    let used: HashSet<i64> = projects.iter().filter_map(|p| p.enterprise_id).collect();
    let mut enterprises: Vec<_> = kfq_store::load_enterprises(db)
        .await?
        .into_iter()
        .filter(|e| scope == Scope::Country || used.contains(&e.id))
        .collect();
    enterprises.sort_by(|a, b| (&a.name, &a.credit_code).cmp(&(&b.name, &b.credit_code)));
    let enterprise_of: HashMap<i64, &kfq_core::enterprise::Enterprise> =
        enterprises.iter().map(|e| (e.id, e)).collect();

    let mut ledger = Ledger {
        zones: zones
            .iter()
            .map(|z| {
                located(ZoneRecord {
                    name: z.name.clone(),
                    city: z.city,
                    level: z.level,
                    kind: z.kind,
                })
            })
            .collect(),
        enterprises: enterprises
            .iter()
            .map(|e| {
                located(EnterpriseRecord {
                    name: e.name.clone(),
                    credit_code: e.credit_code.clone(),
                    chain_leader: e.chain_leader,
                })
            })
            .collect(),
        ..Ledger::default()
    };
    for p in &projects {
        let enterprise = p.enterprise_id.and_then(|id| enterprise_of.get(&id));
        ledger.projects.push(located(ProjectRecord {
            code: p.code.clone(),
            name: p.name.clone(),
            zone: zone_names.get(&p.zone_id).cloned().unwrap_or_default(),
            enterprise: enterprise.map(|e| e.name.clone()).unwrap_or_default(),
            credit_code: enterprise.and_then(|e| e.credit_code.clone()),
            chain: p.chain.clone(),
            strategic_emerging: p.strategic_emerging,
            category: p.category,
            total_investment: p.total_investment,
            expected_output: p.expected_output,
            dates: p.dates,
            land_area: p.land_area,
            terminated_on: p.terminated_on,
        }));
    }
    for r in kfq_store::load_rounds(db).await? {
        ledger.rounds.push(located(RoundRecord {
            id: r.id,
            held_on: r.held_on,
            venue: r.venue,
            locked: r.locked,
        }));
    }
    let mut entries: Vec<EntryRecord> = kfq_store::load_entries(db, None)
        .await?
        .into_iter()
        .filter_map(|e| {
            Some(EntryRecord {
                round: e.round,
                batch: e.batch,
                project: kfq_core::project::ProjectCode::parse(codes.get(&e.project_id)?).ok()?,
                amount: Some(e.amount),
                expected_output: e.expected_output,
                strategic_emerging: Some(e.strategic_emerging),
                category: Some(e.category),
                zone: zone_names.get(&e.zone_id).cloned(),
            })
        })
        .collect();
    entries.sort_by(|a, b| (a.round, a.batch, &a.project).cmp(&(b.round, b.batch, &b.project)));
    ledger.entries = entries.into_iter().map(located).collect();
    let code_of = |id: i64| {
        codes
            .get(&id)
            .and_then(|c| kfq_core::project::ProjectCode::parse(c).ok())
    };
    let mut monthly: Vec<MonthlyRecord> = kfq_store::load_monthly_reports(db)
        .await?
        .into_iter()
        .filter_map(|m| {
            Some(MonthlyRecord {
                project: code_of(m.project_id)?,
                month: m.month,
                invested: m.invested,
            })
        })
        .collect();
    monthly.sort_by(|a, b| (&a.project, a.month).cmp(&(&b.project, b.month)));
    ledger.monthly = monthly.into_iter().map(located).collect();
    let mut blockers: Vec<BlockerRecord> = kfq_store::load_blockers(db)
        .await?
        .into_iter()
        .filter_map(|b| {
            Some(BlockerRecord {
                project: code_of(b.project_id)?,
                description: b.description,
                owner_unit: b.owner_unit,
                owner: b.owner,
                due_on: b.due_on,
                resolved_on: b.resolved_on,
            })
        })
        .collect();
    blockers.sort_by(|a, b| (&a.project, &a.description).cmp(&(&b.project, &b.description)));
    ledger.blockers = blockers.into_iter().map(located).collect();
    Ok(ledger)
}

/// The ledger as the JSON export: one array per table, English snake_case keys.
pub fn ledger_json(tables: &[TableRows]) -> serde_json::Value {
    let map: serde_json::Map<String, serde_json::Value> = tables
        .iter()
        .map(|t| {
            let rows = t
                .rows
                .iter()
                .map(|r| serde_json::Value::Object(row_json(t.table, r)))
                .collect();
            (t.table.key().to_string(), serde_json::Value::Array(rows))
        })
        .collect();
    serde_json::Value::Object(map)
}

/// Writes the stored data within `region` to `path` in `format`.
pub async fn export(
    db: &Db,
    actor: &Actor,
    region: Option<&str>,
    format: ExportFormat,
    path: &Path,
) -> Result<usize, AppError> {
    let ledger = ledger_of(db, actor, region).await?;
    let tables = ledger.to_tables();
    let output = |why: String| AppError::Output {
        path: path.display().to_string(),
        why,
    };
    match format {
        ExportFormat::Xlsx => write_xlsx(path, &tables, true).map_err(|e| output(e.to_string()))?,
        ExportFormat::Csv => {
            std::fs::create_dir_all(path).map_err(|e| output(e.to_string()))?;
            for t in &tables {
                write_csv(&path.join(format!("{}.csv", t.table.sheet())), t)
                    .map_err(|e| output(e.to_string()))?;
            }
        }
        ExportFormat::Json => {
            let json = serde_json::to_string_pretty(&ledger_json(&tables))
                .map_err(|e| output(e.to_string()))?;
            std::fs::write(path, json).map_err(|e| output(e.to_string()))?;
        }
    }
    let rows = tables.iter().map(|t| t.rows.len()).sum();
    crate::audit::record_export(
        db,
        actor,
        "ledger",
        serde_json::json!({"region": region, "format": format!("{format:?}").to_lowercase(), "rows": rows}),
    )
    .await?;
    Ok(rows)
}

/// Writes the empty ledger template: a 说明 sheet and one sheet per table.
pub fn write_template(path: &Path) -> Result<(), AppError> {
    let tables: Vec<TableRows> = kfq_ledger::Table::ALL
        .iter()
        .map(|&table| TableRows {
            table,
            rows: Vec::new(),
        })
        .collect();
    write_xlsx(path, &tables, true).map_err(|e| AppError::Output {
        path: path.display().to_string(),
        why: e.to_string(),
    })
}

/// A table as a CSV file Excel opens as it is: a byte-order mark, CRLF lines, and text that
/// looks like a formula (`=HYPERLINK(…)`) prefixed with `'` so that it stays text.
pub fn csv_table(header: &[&str], rows: impl IntoIterator<Item = Vec<String>>) -> Vec<u8> {
    let quote = |cell: &str| {
        let cell = if cell.starts_with(['=', '+', '-', '@']) && cell.parse::<f64>().is_err() {
            format!("'{cell}")
        } else {
            cell.to_string()
        };
        if cell.contains([',', '"', '\n', '\r']) {
            format!("\"{}\"", cell.replace('"', "\"\""))
        } else {
            cell
        }
    };
    let line = |cells: &mut dyn Iterator<Item = &str>| {
        let mut text = cells.map(quote).collect::<Vec<_>>().join(",");
        text.push_str("\r\n");
        text
    };
    let mut out = String::from("\u{feff}");
    out.push_str(&line(&mut header.iter().copied()));
    for row in rows {
        out.push_str(&line(&mut row.iter().map(String::as_str)));
    }
    out.into_bytes()
}
