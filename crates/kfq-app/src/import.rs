//! 台账导入 — bringing zones' ledgers into kfq: all of it or, at the first fault, none of it.
//!
//! A ledger is first planned against the stored data without writing anything (`plan`, pure):
//! every record is resolved, every rule checked, every fault collected. Only a faultless plan is
//! written, in one transaction, with an audit event per changed object.

use std::collections::HashMap;
use std::path::PathBuf;

use chrono::{DateTime, Utc};
use kfq_core::audit::AuditEvent;
use kfq_core::blocker::{Blocker, BlockerCategory, BlockerStatus};
use kfq_core::enterprise::Enterprise;
use kfq_core::money::Amount;
use kfq_core::monthly::{Month, MonthlyReport};
use kfq_core::project::{Project, ProjectError};
use kfq_core::round::{
    check_entry, date_at_ceremony, BatchEntry, BatchKind, EntryError, Round, RoundId,
};
use kfq_core::stage::Milestone;
use kfq_core::zone::Zone;
use kfq_core::Lang;
use kfq_ledger::records::{EnterpriseRecord, Located, ProjectRecord};
use kfq_ledger::{Ledger, LedgerError, Place, Problem, Sheet, Table};
use kfq_store::{Db, Tx};
use serde::Serialize;

pub use crate::reading::ImportOptions;
use crate::AppError;

/// What an import changed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ImportSummary {
    pub zones_created: usize,
    pub zones_updated: usize,
    pub enterprises_created: usize,
    pub enterprises_updated: usize,
    pub projects_created: usize,
    pub projects_updated: usize,
    pub rounds_created: usize,
    pub rounds_updated: usize,
    pub entries_written: usize,
    pub monthly_reports_written: usize,
    pub blockers_written: usize,
    /// Milestones dated on the round's day because the entry was made at the ceremony.
    pub dated_at_ceremony: Vec<String>,
    /// The open findings the imported projects raise (suspected duplicates, inconsistent
    /// figures): they do not stop the import; an official looks at them.
    pub warnings: Vec<kfq_core::checks::Finding>,
    /// How each sheet was read (a zone's own ledger understood, a sheet passed over).
    pub readings: Vec<crate::reading::SheetReading>,
}

/// How many warnings an import's summary prints; `kfq check` lists them all.
const WARNINGS_SHOWN: usize = 20;

impl ImportSummary {
    pub fn describe(&self, lang: Lang) -> String {
        let mut text = match lang {
            Lang::Zh => format!(
                "导入完成：开发区 新增 {} 更新 {}；企业 新增 {} 更新 {}；项目 新增 {} 更新 {}；活动 新增 {} 更新 {}；批次记录 {} 条；月报 {} 条；堵点 {} 条。",
                self.zones_created, self.zones_updated, self.enterprises_created, self.enterprises_updated,
                self.projects_created, self.projects_updated, self.rounds_created, self.rounds_updated,
                self.entries_written, self.monthly_reports_written, self.blockers_written
            ),
            Lang::En => format!(
                "Imported: zones {} new {} updated; enterprises {} new {} updated; projects {} new {} updated; rounds {} new {} updated; {} batch entries; {} monthly reports; {} blockers.",
                self.zones_created, self.zones_updated, self.enterprises_created, self.enterprises_updated,
                self.projects_created, self.projects_updated, self.rounds_created, self.rounds_updated,
                self.entries_written, self.monthly_reports_written, self.blockers_written
            ),
        };
        for reading in &self.readings {
            let line = reading.describe(lang);
            if !line.is_empty() {
                text.push('\n');
                text.push_str(&line);
            }
        }
        for note in &self.dated_at_ceremony {
            text.push('\n');
            text.push_str(note);
        }
        if !self.warnings.is_empty() {
            text.push('\n');
            text.push_str(&match lang {
                Lang::Zh => format!(
                    "检查提示 {} 条（不影响导入，请核实）：",
                    self.warnings.len()
                ),
                Lang::En => format!(
                    "{} warning(s) (imported all the same; please check):",
                    self.warnings.len()
                ),
            });
        }
        for w in self.warnings.iter().take(WARNINGS_SHOWN) {
            text.push_str(&format!(
                "\n  [{}] {}：{}",
                kfq_core::checks::rule_label(w.rule, lang),
                w.projects.join("、"),
                w.evidence
            ));
        }
        if self.warnings.len() > WARNINGS_SHOWN {
            text.push_str(&match lang {
                Lang::Zh => format!(
                    "\n  ……另有 {} 条，运行 kfq check 查看全部。",
                    self.warnings.len() - WARNINGS_SHOWN
                ),
                Lang::En => format!(
                    "\n  … {} more; run kfq check to see them all.",
                    self.warnings.len() - WARNINGS_SHOWN
                ),
            });
        }
        text
    }
}

/// What an import of files did: to the project ledger, or to the zones' books.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum Imported {
    Ledger(ImportSummary),
    Books(crate::books::BookSummary),
}

impl Imported {
    pub fn describe(&self, lang: Lang) -> String {
        match self {
            Imported::Ledger(s) => s.describe(lang),
            Imported::Books(s) => s.to_text(lang),
        }
    }
}

/// Reads the files' sheets (every fault of every file at once).
pub fn read_paths(paths: &[PathBuf]) -> Result<Vec<Sheet>, AppError> {
    let mut sheets = Vec::new();
    let mut errors = Vec::new();
    for path in paths {
        match kfq_ledger::workbook::read_file(path) {
            Ok(s) => sheets.extend(s),
            Err(e) => errors.push(*e),
        }
    }
    if errors.is_empty() {
        Ok(sheets)
    } else {
        Err(AppError::Ledger(errors))
    }
}

/// Reads the files and imports them: the zones' books (招商活动, 赋权事项, …) as books, in the
/// actor's scope; else the sheets of the project ledger as one ledger. A file set holding both
/// kinds is refused (each is all or nothing on its own).
pub async fn import_any(
    db: &Db,
    paths: &[PathBuf],
    actor: &crate::Actor,
    today: chrono::NaiveDate,
    options: &ImportOptions,
) -> Result<Imported, AppError> {
    let sheets = read_paths(paths)?;
    import_sheets(db, sheets, actor, today, options).await
}

/// Imports an uploaded file as [`import_any`] does; its name (only the last part counts) says
/// what it is: `.xlsx`, `.xls`, or `.csv` named after its sheet (`赋权事项.csv`).
pub async fn import_upload(
    db: &Db,
    name: &str,
    bytes: &[u8],
    actor: &crate::Actor,
    today: chrono::NaiveDate,
    options: &ImportOptions,
) -> Result<Imported, AppError> {
    let sheets = read_upload(name, bytes)?;
    import_sheets(db, sheets, actor, today, options).await
}

/// Reads an uploaded file; its name (only the last part counts) says what it is: `.xlsx`,
/// `.xls`, or `.csv` named after its sheet (`赋权事项.csv`).
pub fn read_upload(name: &str, bytes: &[u8]) -> Result<Vec<Sheet>, AppError> {
    // The file is kept under a short name of its own: its extension, and (for a CSV, whose
    // stem names its sheet) its stem cut to fit any file system.
    let given = std::path::Path::new(name);
    let ext: String = given
        .extension()
        .map(|e| e.to_string_lossy().chars().take(8).collect())
        .unwrap_or_else(|| "xlsx".into());
    let stem: String = given
        .file_stem()
        .map(|s| s.to_string_lossy().chars().take(40).collect())
        .filter(|s: &String| !s.trim().is_empty() && !s.contains(['/', '\\']))
        .unwrap_or_else(|| "upload".into());
    let name = format!("{stem}.{ext}");
    let kept = |why: std::io::Error| AppError::Output {
        path: name.clone(),
        why: why.to_string(),
    };
    let dir = tempfile::tempdir().map_err(kept)?;
    let path = dir.path().join(&name);
    std::fs::write(&path, bytes).map_err(kept)?;
    read_paths(&[path])
}

/// Imports sheets already read: books or the ledger, as [`import_any`].
pub async fn import_sheets(
    db: &Db,
    sheets: Vec<Sheet>,
    actor: &crate::Actor,
    today: chrono::NaiveDate,
    options: &ImportOptions,
) -> Result<Imported, AppError> {
    let lang = actor.lang;
    let holds_rows = |s: &Sheet| s.rows.iter().any(|r| r.iter().any(|c| !c.is_empty()));
    let (book_sheets, ledger_sheets): (Vec<Sheet>, Vec<Sheet>) = sheets
        .into_iter()
        .filter(|s| s.name != "说明" && holds_rows(s))
        .partition(|s| kfq_ledger::Book::from_sheet(&s.name).is_some());
    if book_sheets.is_empty() {
        let prepared = prepare(db, ledger_sheets, actor, options, today).await?;
        let summary = write_prepared(db, &prepared, &actor.username, lang).await?;
        crate::reading::remember(db, actor, options).await?;
        return Ok(Imported::Ledger(summary));
    }
    if let Some(other) = ledger_sheets.first() {
        let place = Place {
            file: other.file.clone(),
            sheet: other.name.clone(),
            ..Place::default()
        };
        let why = lang.pick(
            "专项台账（招商活动、赋权事项等）与项目台账请分开导入：本次文件中同时含有两类工作表",
            "import the zones' books (招商活动, 赋权事项, …) apart from the project ledger: these files hold both",
        );
        return Err(AppError::Ledger(vec![LedgerError::new(
            &place,
            Problem::Field(why.into()),
        )]));
    }
    let (books, errors) = kfq_ledger::books::read(&book_sheets);
    crate::books::import(db, actor, &books, errors, today)
        .await
        .map(Imported::Books)
}

/// Reads the files and imports them as one ledger.
pub async fn import_files(
    db: &Db,
    paths: &[PathBuf],
    actor: &str,
    lang: Lang,
) -> Result<ImportSummary, AppError> {
    let sheets = read_paths(paths)?;
    import_read(db, sheets, actor, lang).await
}

async fn import_read(
    db: &Db,
    sheets: Vec<Sheet>,
    actor: &str,
    lang: Lang,
) -> Result<ImportSummary, AppError> {
    let operator = crate::Actor::operator(actor, lang);
    let today = crate::reports::today();
    let prepared = prepare(db, sheets, &operator, &ImportOptions::default(), today).await?;
    write_prepared(db, &prepared, actor, lang).await
}

/// A ledger read, understood and planned against the stored data: what an import would write.
pub struct Prepared {
    pub ledger: Ledger,
    pub plan: Plan,
    pub readings: Vec<crate::reading::SheetReading>,
}

/// Reads the sheets (a zone's own ledger understood), checks them against the stored data and
/// the actor's scope, and plans the change; every fault at once, nothing written.
pub async fn prepare(
    db: &Db,
    sheets: Vec<Sheet>,
    actor: &crate::Actor,
    options: &ImportOptions,
    today: chrono::NaiveDate,
) -> Result<Prepared, AppError> {
    let lang = actor.lang;
    let stored = Stored::load(db).await?;
    let options = crate::reading::with_remembered(db, options).await?;
    let (sheets, readings, originals) =
        crate::reading::understood(sheets, &stored, &options, today).map_err(AppError::Ledger)?;
    let (ledger, mut errors) = Ledger::parse(&sheets);
    if actor.role != kfq_core::access::Role::Operator {
        actor.must(kfq_core::access::Action::EditProject)?;
        errors.extend(crate::reading::outside_scope(&ledger, &stored, actor));
    }
    match plan(&stored, &ledger, lang) {
        Ok(plan) if errors.is_empty() => Ok(Prepared {
            ledger,
            plan,
            readings,
        }),
        planned => {
            errors.extend(planned.err().unwrap_or_default());
            originals.restore(&mut errors);
            sort_errors(&mut errors);
            Err(AppError::Ledger(errors))
        }
    }
}

/// What a prepared import would do: projects added and changed, and how each sheet was read.
pub fn describe_plan(prepared: &Prepared, lang: Lang) -> String {
    let plan = &prepared.plan;
    let added = plan
        .projects
        .iter()
        .filter(|p| p.change.before.is_none())
        .count();
    let changed = plan
        .projects
        .iter()
        .filter(|p| p.change.before.is_some() && !p.change.is_noop())
        .count();
    let same = plan.projects.len() - added - changed;
    let mut text = match lang {
        Lang::Zh => format!(
            "预览（未写入）：项目 新增 {added} 个，更新 {changed} 个，不变 {same} 个；开发区 新增 {}；月报 {} 条；堵点 {} 条。",
            plan.zones.iter().filter(|z| z.before.is_none()).count(),
            plan.monthly.len(),
            plan.blockers.len()
        ),
        Lang::En => format!(
            "Preview (nothing written): projects {added} new, {changed} changed, {same} unchanged; zones {} new; {} monthly figures; {} blockers.",
            plan.zones.iter().filter(|z| z.before.is_none()).count(),
            plan.monthly.len(),
            plan.blockers.len()
        ),
    };
    for reading in &prepared.readings {
        let line = reading.describe(lang);
        if !line.is_empty() {
            text.push('\n');
            text.push_str(&line);
        }
    }
    text
}

/// Writes a prepared import (one transaction) and runs the checks over what it touched.
pub async fn write_prepared(
    db: &Db,
    prepared: &Prepared,
    actor: &str,
    lang: Lang,
) -> Result<ImportSummary, AppError> {
    let mut summary = write_and_check(db, &prepared.plan, &prepared.ledger, actor, lang).await?;
    summary.readings = prepared.readings.clone();
    Ok(summary)
}

fn sort_errors(errors: &mut [LedgerError]) {
    errors.sort_by(|a, b| {
        (&a.place.file, &a.place.sheet, a.place.row).cmp(&(
            &b.place.file,
            &b.place.sheet,
            b.place.row,
        ))
    });
}

/// The stored data an import is planned against.
#[derive(Debug, Clone, Default)]
pub struct Stored {
    pub zones: Vec<Zone>,
    pub enterprises: Vec<Enterprise>,
    pub projects: Vec<Project>,
    pub rounds: Vec<Round>,
    pub entries: Vec<BatchEntry>,
    pub monthly: HashMap<(i64, Month), Amount>,
    pub blockers: Vec<Blocker>,
    /// Zone-months whose returns were submitted or approved: their figures are frozen.
    pub frozen: HashMap<(i64, Month), kfq_core::monthly_return::ReturnStatus>,
}

impl Stored {
    pub async fn load(db: &Db) -> Result<Stored, AppError> {
        Ok(Stored {
            zones: kfq_store::load_zones(db).await?,
            enterprises: kfq_store::load_enterprises(db).await?,
            projects: kfq_store::load_projects(db).await?,
            rounds: kfq_store::load_rounds(db).await?,
            entries: kfq_store::load_entries(db, None).await?,
            monthly: kfq_store::load_monthly_reports(db)
                .await?
                .into_iter()
                .map(|m| ((m.project_id, m.month), m.invested))
                .collect(),
            blockers: kfq_store::load_blockers(db).await?,
            frozen: kfq_store::frozen_months(db)
                .await?
                .into_iter()
                .map(|(zone, month, status)| ((zone, month), status))
                .collect(),
        })
    }
}

pub async fn import_ledger(
    db: &Db,
    ledger: &Ledger,
    actor: &str,
    lang: Lang,
) -> Result<ImportSummary, AppError> {
    let stored = Stored::load(db).await?;
    let plan = plan(&stored, ledger, lang).map_err(AppError::Ledger)?;
    write_and_check(db, &plan, ledger, actor, lang).await
}

/// Writes the plan in one transaction, then runs the checks over the projects it touched: the
/// warnings come with the summary, they stop nothing.
async fn write_and_check(
    db: &Db,
    plan: &Plan,
    ledger: &Ledger,
    actor: &str,
    lang: Lang,
) -> Result<ImportSummary, AppError> {
    let mut tx = db.begin().await?;
    let mut summary = write(&mut tx, plan, actor, Utc::now()).await?;
    tx.commit().await?;
    let codes: Vec<String> = ledger
        .projects
        .iter()
        .map(|p| p.record.code.to_string())
        .chain(ledger.entries.iter().map(|e| e.record.project.to_string()))
        .chain(ledger.monthly.iter().map(|m| m.record.project.to_string()))
        .collect::<std::collections::BTreeSet<String>>()
        .into_iter()
        .collect();
    summary.warnings =
        crate::checks::warnings(db, &crate::Actor::operator(actor, lang), &codes).await?;
    Ok(summary)
}

/// A change to one object: what it was (None when new) and what it becomes.
#[derive(Debug, Clone, PartialEq)]
pub struct Change<T> {
    pub before: Option<T>,
    pub after: T,
}

impl<T: PartialEq> Change<T> {
    fn is_noop(&self) -> bool {
        self.before.as_ref() == Some(&self.after)
    }
}

/// A project to write, with its references by key: new zones and enterprises have no id yet.
#[derive(Debug, Clone, PartialEq)]
pub struct ProjectChange {
    pub change: Change<Project>,
    pub zone: String,
    pub enterprise: Option<usize>,
}

/// A batch entry to write, referring to its project by code and its zone by name.
#[derive(Debug, Clone, PartialEq)]
pub struct EntryChange {
    pub change: Change<BatchEntry>,
    pub project: String,
    pub zone: String,
}

/// Everything an import will write, checked.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Plan {
    pub zones: Vec<Change<Zone>>,
    pub enterprises: Vec<Change<Enterprise>>,
    pub projects: Vec<ProjectChange>,
    pub rounds: Vec<Change<Round>>,
    pub entries: Vec<EntryChange>,
    pub monthly: Vec<(String, Change<MonthlyReport>)>,
    pub blockers: Vec<(String, Change<Blocker>)>,
    pub notes: Vec<String>,
    /// The ids of the zones already stored, by name.
    pub stored_zone_ids: HashMap<String, i64>,
}

/// Remembers the first row of each key, to report repeats.
struct FirstSeen<K>(HashMap<K, usize>);

impl<K: std::hash::Hash + Eq> FirstSeen<K> {
    fn new() -> Self {
        FirstSeen(HashMap::new())
    }

    /// None the first time; the first row when `key` was seen before.
    fn repeat(&mut self, key: K, row: usize) -> Option<usize> {
        match self.0.get(&key) {
            Some(&first) => Some(first),
            None => {
                self.0.insert(key, row);
                None
            }
        }
    }
}

fn enterprise_key(record: &EnterpriseRecord) -> String {
    match &record.credit_code {
        Some(code) => format!("code:{code}"),
        None => format!("name:{}", record.name),
    }
}

/// Plans an import: resolves every record against the stored data and checks every rule.
pub fn plan(stored: &Stored, ledger: &Ledger, lang: Lang) -> Result<Plan, Vec<LedgerError>> {
    let mut planner = Planner::new(stored, &ledger.unparsed, lang);
    planner.plan.stored_zone_ids = stored
        .zones
        .iter()
        .map(|z| (z.name.clone(), z.id))
        .collect();
    planner.zones(ledger);
    planner.enterprises(&ledger.enterprises);
    planner.projects(&ledger.projects);
    planner.rounds(ledger);
    planner.entries(ledger);
    planner.entries_still_hold(&ledger.projects);
    planner.monthly(ledger);
    planner.blockers(ledger);
    if planner.errors.is_empty() {
        Ok(planner.plan)
    } else {
        let mut errors = planner.errors;
        sort_errors(&mut errors);
        Err(errors)
    }
}

struct Planner<'a> {
    stored: &'a Stored,
    lang: Lang,
    plan: Plan,
    errors: Vec<LedgerError>,
    /// Project code → index in `plan.projects`, for projects this import touches.
    project_index: HashMap<String, usize>,
    /// Project code → stored project, for the others.
    stored_projects: HashMap<&'a str, &'a Project>,
    /// Where each project's record is, to report entries it would break.
    project_places: HashMap<String, Place>,
    /// Planned enterprises by credit code, and (those without one) by name.
    enterprise_index: HashMap<String, usize>,
    /// Keys of rows that did not parse: their faults are reported already.
    unparsed: &'a [(Table, String)],
    /// Stored enterprises by credit code and by name (an enterprise with a code is found by
    /// its name too, so that a ledger without codes still meets it).
    stored_enterprises: HashMap<String, &'a Enterprise>,
    /// Stored batch entries by project.
    stored_entries: HashMap<i64, Vec<&'a BatchEntry>>,
}

impl<'a> Planner<'a> {
    fn new(stored: &'a Stored, unparsed: &'a [(Table, String)], lang: Lang) -> Self {
        Planner {
            stored,
            lang,
            plan: Plan::default(),
            errors: Vec::new(),
            project_index: HashMap::new(),
            stored_projects: stored
                .projects
                .iter()
                .map(|p| (p.code.as_str(), p))
                .collect(),
            project_places: HashMap::new(),
            enterprise_index: HashMap::new(),
            unparsed,
            stored_enterprises: stored
                .enterprises
                .iter()
                .filter(|e| e.credit_code.is_some())
                .flat_map(|e| {
                    let code = e.credit_code.as_ref().map(|c| format!("code:{c}"));
                    code.into_iter()
                        .chain([format!("name:{}", e.name)])
                        .map(move |k| (k, e))
                })
                // Inserted after, so that a name finds the enterprise without a code first.
                .chain(
                    stored
                        .enterprises
                        .iter()
                        .filter(|e| e.credit_code.is_none())
                        .map(|e| (format!("name:{}", e.name), e)),
                )
                .collect(),
            stored_entries: stored.entries.iter().fold(HashMap::new(), |mut map, e| {
                map.entry(e.project_id).or_insert_with(Vec::new).push(e);
                map
            }),
        }
    }

    fn fault(
        &mut self,
        place: &Place,
        table: Table,
        key: &str,
        value: impl Into<String>,
        problem: Problem,
    ) {
        let value = value.into();
        let unparsed = |t: Table| self.unparsed.iter().any(|(u, k)| *u == t && *k == value);
        let echo = match problem {
            Problem::UnknownZone => unparsed(Table::Zones),
            Problem::UnknownProject => unparsed(Table::Projects),
            _ => false,
        };
        if echo {
            return;
        }
        self.errors
            .push(LedgerError::in_column(place, table, key, value, problem));
    }

    fn zones(&mut self, ledger: &Ledger) {
        let mut seen = FirstSeen::new();
        for Located { place, record } in &ledger.zones {
            if let Some(first) = seen.repeat(record.name.clone(), place.row) {
                self.fault(
                    place,
                    Table::Zones,
                    "name",
                    &record.name,
                    Problem::Duplicate { first_row: first },
                );
                continue;
            }
            let before = self
                .stored
                .zones
                .iter()
                .find(|z| z.name == record.name)
                .cloned();
            let after = Zone {
                id: before.as_ref().map_or(0, |z| z.id),
                name: record.name.clone(),
                city: record.city,
                level: record.level,
                kind: record.kind,
            };
            self.plan.zones.push(Change { before, after });
        }
    }

    fn zone_known(&self, name: &str) -> bool {
        self.plan.zones.iter().any(|z| z.after.name == name)
            || self.stored.zones.iter().any(|z| z.name == name)
    }

    /// The enterprise with this credit code, or (without a code) this name, planned or stored.
    fn find_enterprise(&self, record: &EnterpriseRecord) -> Option<usize> {
        self.enterprise_index.get(&enterprise_key(record)).copied()
    }

    fn stored_enterprise(&self, record: &EnterpriseRecord) -> Option<&'a Enterprise> {
        match &record.credit_code {
            Some(code) => self
                .stored_enterprises
                .get(&format!("code:{code}"))
                .copied(),
            None => self
                .stored_enterprises
                .get(&format!("name:{}", record.name))
                .copied(),
        }
    }

    /// Adds an enterprise to the plan (or finds it there) and returns its index.
    fn plan_enterprise(&mut self, record: &EnterpriseRecord, explicit: bool) -> usize {
        if let Some(i) = self.find_enterprise(record) {
            if explicit {
                let e = &mut self.plan.enterprises[i].after;
                e.name = record.name.clone();
                e.chain_leader = record.chain_leader;
            }
            return i;
        }
        let before = self.stored_enterprise(record).cloned();
        let mut after = before.clone().unwrap_or(Enterprise {
            id: 0,
            name: record.name.clone(),
            credit_code: record.credit_code.clone(),
            chain_leader: record.chain_leader,
        });
        if explicit {
            after.name = record.name.clone();
            after.chain_leader = record.chain_leader;
        }
        self.plan.enterprises.push(Change { before, after });
        let index = self.plan.enterprises.len() - 1;
        self.enterprise_index.insert(enterprise_key(record), index);
        index
    }

    fn enterprises(&mut self, rows: &[Located<EnterpriseRecord>]) {
        let mut seen = FirstSeen::new();
        for Located { place, record } in rows {
            let key = record
                .credit_code
                .as_ref()
                .map_or(record.name.clone(), |c| c.to_string());
            if let Some(first) = seen.repeat(key.clone(), place.row) {
                let column = if record.credit_code.is_some() {
                    "credit_code"
                } else {
                    "name"
                };
                self.fault(
                    place,
                    Table::Enterprises,
                    column,
                    key,
                    Problem::Duplicate { first_row: first },
                );
                continue;
            }
            self.plan_enterprise(record, true);
        }
    }

    fn project_enterprise(&mut self, place: &Place, record: &ProjectRecord) -> Option<usize> {
        if record.enterprise.is_empty() && record.credit_code.is_none() {
            return None;
        }
        let wanted = EnterpriseRecord {
            name: record.enterprise.clone(),
            credit_code: record.credit_code.clone(),
            chain_leader: false,
        };
        let index = self.plan_enterprise(&wanted, false);
        let name = self.plan.enterprises[index].after.name.clone();
        if !record.enterprise.is_empty()
            && record.credit_code.is_some()
            && name != record.enterprise
        {
            let code = record
                .credit_code
                .as_ref()
                .map(|c| c.to_string())
                .unwrap_or_default();
            self.fault(
                place,
                Table::Projects,
                "credit_code",
                code,
                Problem::CreditCodeOtherName { other: name },
            );
        }
        Some(index)
    }

    fn projects(&mut self, rows: &[Located<ProjectRecord>]) {
        let mut seen = FirstSeen::new();
        for Located { place, record } in rows {
            let code = record.code.to_string();
            if let Some(first) = seen.repeat(code.clone(), place.row) {
                self.fault(
                    place,
                    Table::Projects,
                    "code",
                    &code,
                    Problem::Duplicate { first_row: first },
                );
                continue;
            }
            if !self.zone_known(&record.zone) {
                self.fault(
                    place,
                    Table::Projects,
                    "zone",
                    &record.zone,
                    Problem::UnknownZone,
                );
            }
            let enterprise = self.project_enterprise(place, record);
            let before = self
                .stored_projects
                .get(code.as_str())
                .map(|p| (*p).clone());
            let after = Project {
                id: before.as_ref().map_or(0, |p| p.id),
                code: record.code.clone(),
                name: record.name.clone(),
                zone_id: before.as_ref().map_or(0, |p| p.zone_id),
                enterprise_id: before.as_ref().and_then(|p| p.enterprise_id),
                chain: record.chain.clone(),
                strategic_emerging: record.strategic_emerging,
                category: record.category,
                total_investment: record.total_investment,
                expected_output: record.expected_output,
                land_area: record.land_area,
                dates: record.dates,
                terminated_on: record.terminated_on,
                version: before.as_ref().map_or(1, |p| p.version),
            };
            for problem in after.check() {
                let (key, value) = match &problem {
                    ProjectError::EmptyName => ("name", String::new()),
                    ProjectError::OutOfOrder(o) => {
                        (Milestone::field(o.later), o.later_on.to_string())
                    }
                    ProjectError::TerminatedTooEarly { terminated_on, .. } => {
                        ("terminated_on", terminated_on.to_string())
                    }
                };
                self.fault(
                    place,
                    Table::Projects,
                    key,
                    value,
                    Problem::Project(problem),
                );
            }
            self.project_places.insert(code.clone(), place.clone());
            self.project_index.insert(code, self.plan.projects.len());
            self.plan.projects.push(ProjectChange {
                change: Change { before, after },
                zone: record.zone.clone(),
                enterprise,
            });
        }
    }

    fn zone_name(&self, id: i64) -> String {
        self.stored
            .zones
            .iter()
            .find(|z| z.id == id)
            .map_or(String::new(), |z| z.name.clone())
    }

    /// The project with this code as it will be after the import, with its zone's name.
    fn project(&self, code: &str) -> Option<(Project, String)> {
        if let Some(&i) = self.project_index.get(code) {
            let p = &self.plan.projects[i];
            return Some((p.change.after.clone(), p.zone.clone()));
        }
        let p = self.stored_projects.get(code)?;
        Some(((*p).clone(), self.zone_name(p.zone_id)))
    }

    /// Brings a stored project into the plan (to date a milestone at a ceremony).
    fn touch_project(&mut self, code: &str) -> Option<usize> {
        if let Some(&i) = self.project_index.get(code) {
            return Some(i);
        }
        let p = (*self.stored_projects.get(code)?).clone();
        let zone = self.zone_name(p.zone_id);
        self.plan.projects.push(ProjectChange {
            change: Change {
                before: Some(p.clone()),
                after: p,
            },
            zone,
            enterprise: None,
        });
        let i = self.plan.projects.len() - 1;
        self.project_index.insert(code.to_string(), i);
        Some(i)
    }

    fn rounds(&mut self, ledger: &Ledger) {
        let mut seen = FirstSeen::new();
        for Located { place, record } in &ledger.rounds {
            if let Some(first) = seen.repeat(record.id, place.row) {
                self.fault(
                    place,
                    Table::Rounds,
                    "round",
                    record.id.to_string(),
                    Problem::Duplicate { first_row: first },
                );
                continue;
            }
            let before = self
                .stored
                .rounds
                .iter()
                .find(|r| r.id == record.id)
                .cloned();
            let after = Round {
                id: record.id,
                held_on: record.held_on,
                venue: record.venue.clone(),
                locked: record.locked,
            };
            if before.as_ref().is_some_and(|b| b.locked && *b != after) {
                self.fault(
                    place,
                    Table::Rounds,
                    "round",
                    record.id.to_string(),
                    Problem::RoundLocked,
                );
                continue;
            }
            self.plan.rounds.push(Change { before, after });
        }
        // Rounds named only in the 三个一批 sheet are created without a date.
        for Located { record, .. } in &ledger.entries {
            let known = self.plan.rounds.iter().any(|r| r.after.id == record.round)
                || self.stored.rounds.iter().any(|r| r.id == record.round);
            if !known {
                self.plan.rounds.push(Change {
                    before: None,
                    after: Round {
                        id: record.round,
                        held_on: None,
                        venue: String::new(),
                        locked: false,
                    },
                });
            }
        }
    }

    fn round(&self, id: RoundId) -> Option<Round> {
        self.plan
            .rounds
            .iter()
            .map(|r| &r.after)
            .chain(self.stored.rounds.iter())
            .find(|r| r.id == id)
            .cloned()
    }

    fn entries(&mut self, ledger: &Ledger) {
        let mut seen = FirstSeen::new();
        for Located { place, record } in &ledger.entries {
            let code = record.project.to_string();
            if let Some(first) = seen.repeat((record.round, record.batch, code.clone()), place.row)
            {
                self.fault(
                    place,
                    Table::Entries,
                    "project",
                    &code,
                    Problem::Duplicate { first_row: first },
                );
                continue;
            }
            let Some((mut project, mut zone)) = self.project(&code) else {
                self.fault(
                    place,
                    Table::Entries,
                    "project",
                    &code,
                    Problem::UnknownProject,
                );
                continue;
            };
            let Some(round) = self.round(record.round) else {
                continue;
            };
            if let Err(why) = check_entry(&round, record.batch, &project.dates) {
                match (&why, date_at_ceremony(&round, record.batch, &project.dates)) {
                    (EntryError::MissingDate { milestone }, Some(dates)) => {
                        if let Some(i) = self.touch_project(&code) {
                            self.plan.projects[i].change.after.dates = dates;
                            project.dates = dates;
                        }
                        self.plan.notes.push(self.ceremony_note(
                            &code,
                            &round,
                            record.batch,
                            *milestone,
                        ));
                    }
                    _ => {
                        self.fault(place, Table::Entries, "project", &code, Problem::Entry(why));
                        continue;
                    }
                }
            }
            if let Some(z) = &record.zone {
                if !self.zone_known(z) {
                    self.fault(place, Table::Entries, "zone", z, Problem::UnknownZone);
                    continue;
                }
                zone.clone_from(z);
            }
            let after = BatchEntry {
                round: record.round,
                batch: record.batch,
                project_id: project.id,
                zone_id: 0,
                amount: record.amount.unwrap_or(project.total_investment),
                expected_output: record.expected_output.or(project.expected_output),
                strategic_emerging: record
                    .strategic_emerging
                    .unwrap_or(project.strategic_emerging),
                category: record.category.unwrap_or(project.category),
            };
            let before = self
                .stored_entries
                .get(&project.id)
                .and_then(|list| {
                    list.iter()
                        .find(|e| e.round == after.round && e.batch == after.batch)
                })
                .map(|e| (*e).clone());
            let unchanged = before.as_ref().is_some_and(|b| {
                let zone_same = self.zone_name(b.zone_id) == zone;
                BatchEntry {
                    zone_id: 0,
                    ..b.clone()
                } == after
                    && zone_same
            });
            let stored_locked = self
                .stored
                .rounds
                .iter()
                .any(|r| r.id == round.id && r.locked);
            if stored_locked && !unchanged {
                self.fault(
                    place,
                    Table::Entries,
                    "round",
                    record.round.to_string(),
                    Problem::RoundLocked,
                );
                continue;
            }
            self.plan.entries.push(EntryChange {
                change: Change { before, after },
                project: code,
                zone,
            });
        }
    }

    fn ceremony_note(&self, code: &str, round: &Round, batch: BatchKind, m: Milestone) -> String {
        let held = round.held_on.map(|d| d.to_string()).unwrap_or_default();
        match self.lang {
            Lang::Zh => format!(
                "项目 {code} 列入 {} {}一批，无{}日期，已按活动日期 {held} 补记。",
                round.id.label(Lang::Zh),
                batch.label(Lang::Zh),
                m.label(Lang::Zh)
            ),
            Lang::En => format!(
                "Project {code} entered the {} batch of {} with no {} date; dated on the round's day {held}.",
                batch.label(Lang::En),
                round.id,
                m.label(Lang::En)
            ),
        }
    }

    /// A changed project must still satisfy the batches it is already in.
    fn entries_still_hold(&mut self, rows: &[Located<ProjectRecord>]) {
        for Located { record, .. } in rows {
            let code = record.code.to_string();
            let Some(&i) = self.project_index.get(&code) else {
                continue;
            };
            let project = self.plan.projects[i].change.after.clone();
            if project.id == 0 {
                continue;
            }
            let stored: Vec<&BatchEntry> = self
                .stored_entries
                .get(&project.id)
                .cloned()
                .unwrap_or_default();
            if stored.is_empty() {
                continue;
            }
            let replanned: Vec<(RoundId, BatchKind)> = self
                .plan
                .entries
                .iter()
                .filter(|e| e.project == code)
                .map(|e| (e.change.after.round, e.change.after.batch))
                .collect();
            for entry in stored {
                if replanned.contains(&(entry.round, entry.batch)) {
                    continue;
                }
                let Some(round) = self.round(entry.round) else {
                    continue;
                };
                if let Err(why) = check_entry(&round, entry.batch, &project.dates) {
                    let place = self.project_places.get(&code).cloned().unwrap_or_default();
                    let key = Milestone::field(entry.batch.milestone());
                    let value = project
                        .dates
                        .get(entry.batch.milestone())
                        .map(|d| d.to_string())
                        .unwrap_or_default();
                    let problem = Problem::BreaksEntry {
                        round: entry.round.label(self.lang),
                        batch: entry.batch.label(self.lang).into(),
                        why,
                    };
                    self.fault(&place, Table::Projects, key, value, problem);
                }
            }
        }
    }

    fn project_id_known(&mut self, place: &Place, table: Table, code: &str) -> Option<i64> {
        match self.project(code) {
            Some((p, _)) => Some(p.id),
            None => {
                self.fault(place, table, "project", code, Problem::UnknownProject);
                None
            }
        }
    }

    fn monthly(&mut self, ledger: &Ledger) {
        let mut seen = FirstSeen::new();
        for Located { place, record } in &ledger.monthly {
            let code = record.project.to_string();
            if let Some(first) = seen.repeat((code.clone(), record.month), place.row) {
                self.fault(
                    place,
                    Table::Monthly,
                    "month",
                    record.month.to_string(),
                    Problem::Duplicate { first_row: first },
                );
                continue;
            }
            let Some(id) = self.project_id_known(place, Table::Monthly, &code) else {
                continue;
            };
            let after = MonthlyReport {
                project_id: id,
                month: record.month,
                invested: record.invested,
            };
            let before = self
                .stored
                .monthly
                .get(&(id, record.month))
                .filter(|_| id != 0)
                .map(|&invested| MonthlyReport {
                    invested,
                    ..after.clone()
                });
            let zone = self
                .stored
                .projects
                .iter()
                .find(|p| p.id == id)
                .map(|p| p.zone_id);
            let frozen = zone.and_then(|z| self.stored.frozen.get(&(z, record.month)));
            if let (Some(&status), false) = (
                frozen,
                before
                    .as_ref()
                    .is_some_and(|b| b.invested == after.invested),
            ) {
                self.fault(
                    place,
                    Table::Monthly,
                    "invested_wan",
                    record.invested.wan_string(),
                    Problem::Frozen(kfq_core::monthly_return::ReturnFault::Frozen(status)),
                );
                continue;
            }
            self.plan.monthly.push((code, Change { before, after }));
        }
    }

    fn blockers(&mut self, ledger: &Ledger) {
        let stored_blockers: HashMap<(i64, &str), &Blocker> = self
            .stored
            .blockers
            .iter()
            .map(|b| ((b.project_id, b.description.as_str()), b))
            .collect();
        let mut seen = FirstSeen::new();
        for Located { place, record } in &ledger.blockers {
            let code = record.project.to_string();
            if let Some(first) = seen.repeat((code.clone(), record.description.clone()), place.row)
            {
                self.fault(
                    place,
                    Table::Blockers,
                    "description",
                    &record.description,
                    Problem::Duplicate { first_row: first },
                );
                continue;
            }
            let Some(id) = self.project_id_known(place, Table::Blockers, &code) else {
                continue;
            };
            let before = stored_blockers
                .get(&(id, record.description.as_str()))
                .map(|b| (*b).clone());
            // The template carries no category, level or resolution: a stored blocker keeps
            // its own, a new one's kind is guessed from its words; a day of resolution resolves
            // it, and taking it away reopens it.
            let kept = before.clone().unwrap_or_else(|| {
                let kind = BlockerCategory::guess(&record.description);
                Blocker {
                    raised_on: Some(chrono::Local::now().date_naive()),
                    ..Blocker::new(id, &record.description, kind)
                }
            });
            let status = match (record.resolved_on, kept.status) {
                (Some(_), _) => BlockerStatus::Resolved,
                (None, BlockerStatus::Resolved) => BlockerStatus::Open,
                (None, other) => other,
            };
            let after = Blocker {
                project_id: id,
                description: record.description.clone(),
                owner_unit: record.owner_unit.clone(),
                owner: record.owner.clone(),
                due_on: record.due_on,
                resolved_on: record.resolved_on,
                status,
                ..kept
            };
            self.plan.blockers.push((code, Change { before, after }));
        }
    }
}

/// Writes a checked plan in the caller's transaction and returns what it changed.
pub async fn write(
    tx: &mut Tx,
    plan: &Plan,
    actor: &str,
    at: DateTime<Utc>,
) -> Result<ImportSummary, AppError> {
    let mut summary = ImportSummary {
        dated_at_ceremony: plan.notes.clone(),
        ..ImportSummary::default()
    };
    let mut audit = Audit {
        actor,
        at,
        events: Vec::new(),
    };

    let mut zone_ids: HashMap<String, i64> = HashMap::new();
    for z in &plan.zones {
        let mut zone = z.after.clone();
        match &z.before {
            None => {
                zone.id = kfq_store::insert_zone(tx, &zone).await?;
                summary.zones_created += 1;
            }
            Some(_) if !z.is_noop() => {
                kfq_store::update_zone(tx, &zone).await?;
                summary.zones_updated += 1;
            }
            Some(_) => {}
        }
        audit.record(
            "zone",
            &zone.name,
            z.before.as_ref().map(zone_json),
            zone_json(&zone),
            z.is_noop(),
        );
        zone_ids.insert(zone.name.clone(), zone.id);
    }
    for (name, id) in &plan.stored_zone_ids {
        zone_ids.entry(name.clone()).or_insert(*id);
    }

    let new_enterprises: Vec<Enterprise> = plan
        .enterprises
        .iter()
        .filter(|e| e.before.is_none())
        .map(|e| e.after.clone())
        .collect();
    let created = kfq_store::insert_enterprises(tx, &new_enterprises).await?;
    summary.enterprises_created = created.len();
    let mut enterprise_ids = Vec::with_capacity(plan.enterprises.len());
    for e in &plan.enterprises {
        let mut enterprise = e.after.clone();
        if e.before.is_none() {
            enterprise.id = created
                .get(&kfq_store::enterprise_key(&enterprise))
                .copied()
                .unwrap_or_default();
        } else if !e.is_noop() {
            kfq_store::update_enterprise(tx, &enterprise).await?;
            summary.enterprises_updated += 1;
        }
        audit.record(
            "enterprise",
            &enterprise.id.to_string(),
            e.before.as_ref().map(enterprise_json),
            enterprise_json(&enterprise),
            e.is_noop(),
        );
        enterprise_ids.push(enterprise.id);
    }

    let resolve = |p: &ProjectChange| {
        let mut project = p.change.after.clone();
        project.zone_id = zone_ids.get(&p.zone).copied().unwrap_or(project.zone_id);
        if let Some(i) = p.enterprise {
            project.enterprise_id = enterprise_ids.get(i).copied();
        }
        project
    };
    let new_projects: Vec<Project> = plan
        .projects
        .iter()
        .filter(|p| p.change.before.is_none())
        .map(resolve)
        .collect();
    let mut project_ids = kfq_store::insert_projects(tx, &new_projects).await?;
    summary.projects_created = new_projects.len();
    for p in &plan.projects {
        let mut project = resolve(p);
        let code = project.code.to_string();
        match &p.change.before {
            None => project.id = project_ids.get(&code).copied().unwrap_or_default(),
            Some(before) if *before != project => {
                project.version = kfq_store::update_project(tx, &project).await?;
                summary.projects_updated += 1;
            }
            Some(_) => continue,
        }
        audit.record(
            "project",
            &code,
            p.change.before.as_ref().map(crate::audit::project_json),
            crate::audit::project_json(&project),
            false,
        );
        project_ids.insert(code, project.id);
    }

    for r in &plan.rounds {
        if r.is_noop() {
            continue;
        }
        kfq_store::upsert_round(tx, &r.after).await?;
        if r.before.is_some() {
            summary.rounds_updated += 1;
        } else {
            summary.rounds_created += 1;
        }
        audit.record(
            "round",
            &r.after.id.to_string(),
            r.before.as_ref().map(round_json),
            round_json(&r.after),
            false,
        );
    }

    let mut entries = Vec::new();
    for e in &plan.entries {
        let mut entry = e.change.after.clone();
        entry.project_id = project_ids
            .get(&e.project)
            .copied()
            .unwrap_or(entry.project_id);
        entry.zone_id = zone_ids.get(&e.zone).copied().unwrap_or(entry.zone_id);
        if e.change.before.as_ref() == Some(&entry) {
            continue;
        }
        let id = format!("{}/{}/{}", entry.round, entry.batch.code(), e.project);
        audit.record(
            "batch_entry",
            &id,
            e.change.before.as_ref().map(entry_json),
            entry_json(&entry),
            false,
        );
        entries.push(entry);
    }
    kfq_store::upsert_entries(tx, &entries).await?;
    summary.entries_written = entries.len();

    let mut monthly = Vec::new();
    for (code, m) in &plan.monthly {
        let mut report = m.after.clone();
        report.project_id = project_ids.get(code).copied().unwrap_or(report.project_id);
        if m.before.as_ref().map(|b| b.invested) == Some(report.invested) {
            continue;
        }
        let id = format!("{code}/{}", report.month);
        let json = |r: &MonthlyReport| serde_json::json!({"invested_wan": r.invested}).to_string();
        audit.record(
            "monthly_report",
            &id,
            m.before.as_ref().map(json),
            json(&report),
            false,
        );
        monthly.push(report);
    }
    kfq_store::upsert_monthly_reports(tx, &monthly).await?;
    summary.monthly_reports_written = monthly.len();

    let mut blockers = Vec::new();
    for (code, b) in &plan.blockers {
        let mut blocker = b.after.clone();
        blocker.project_id = project_ids.get(code).copied().unwrap_or(blocker.project_id);
        if b.before.as_ref() == Some(&blocker) {
            continue;
        }
        let id = format!("{code}/{}", blocker.description);
        audit.record(
            "blocker",
            &id,
            b.before.as_ref().map(crate::blockers::json),
            crate::blockers::json(&blocker),
            false,
        );
        blockers.push(blocker);
    }
    kfq_store::upsert_blockers(tx, &blockers).await?;
    summary.blockers_written = blockers.len();

    kfq_store::append_audit(tx, &audit.events).await?;
    Ok(summary)
}

/// Collects the audit events of one import.
struct Audit<'a> {
    actor: &'a str,
    at: DateTime<Utc>,
    events: Vec<AuditEvent>,
}

impl Audit<'_> {
    fn record(
        &mut self,
        object_type: &str,
        object_id: &str,
        before: Option<String>,
        after: String,
        noop: bool,
    ) {
        if noop {
            return;
        }
        self.events.push(AuditEvent {
            at: self.at,
            actor: self.actor.to_string(),
            action: if before.is_some() { "update" } else { "create" }.into(),
            object_type: object_type.into(),
            object_id: object_id.into(),
            before,
            after: Some(after),
            ip: None,
        });
    }
}

fn zone_json(z: &Zone) -> String {
    serde_json::json!({"name": z.name, "city": z.city, "level": z.level, "kind": z.kind})
        .to_string()
}

fn enterprise_json(e: &Enterprise) -> String {
    serde_json::json!({"name": e.name, "credit_code": e.credit_code, "chain_leader": e.chain_leader}).to_string()
}

fn round_json(r: &Round) -> String {
    serde_json::json!({"round": r.id, "held_on": r.held_on, "venue": r.venue, "locked": r.locked})
        .to_string()
}

fn entry_json(e: &BatchEntry) -> String {
    serde_json::json!({
        "round": e.round, "batch": e.batch, "project_id": e.project_id, "zone_id": e.zone_id,
        "amount_wan": e.amount, "expected_output_wan": e.expected_output,
        "strategic_emerging": e.strategic_emerging, "category": e.category,
    })
    .to_string()
}
