//! 读懂台账 — a zone's own project ledger brought to the template before it is planned: each sheet
//! that is neither the template's nor a book is understood (`kfq_ledger::understand`) with what
//! the user says of it (its zone, its projects' category, what its unknown columns hold — and
//! what the zone said of its last file); rows without a 项目编号 match the zone's projects by
//! name, and new ones get the next code of the zone's city and year. Nothing is written here.

use std::collections::HashMap;

use chrono::Datelike;
use kfq_core::project::Project;
use kfq_core::zone::Zone;
use kfq_ledger::understand::{self, Hints, Reading, Skip};
use kfq_ledger::{Cell, LedgerError, Place, Problem, Sheet, Table};
use serde::Serialize;

use crate::import::Stored;

/// What the user says of the files: the zone of a ledger without a zone column, the category of
/// projects without one, what unknown columns hold (header → field; "" sets one aside).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImportOptions {
    pub zone: Option<String>,
    pub category: Option<String>,
    pub mapping: HashMap<String, String>,
}

impl ImportOptions {
    /// Refuses a mapping to a field the 项目 sheet does not have (`--map 计划投资=total`).
    pub fn check(&self) -> Result<(), crate::AppError> {
        let fields = Table::Projects.columns();
        for (header, field) in &self.mapping {
            if !field.is_empty() && !fields.iter().any(|c| c.key == field) {
                return Err(crate::AppError::BadArgument {
                    name: "--map",
                    value: format!("{header}={field}"),
                    expected: crate::error::Expected::Mapping,
                });
            }
        }
        Ok(())
    }
}

/// A column of a sheet as read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ColumnRead {
    pub letter: String,
    pub header: String,
    /// The field of the 项目 sheet it fills (none: set aside).
    pub field: Option<&'static str>,
    /// Neither a field nor a column kfq sets aside: the user may say what it holds.
    pub unknown: bool,
}

/// A row not read as a project, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RowSkipped {
    pub row: usize,
    pub why: String,
}

/// What the import made of one sheet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SheetReading {
    pub file: String,
    pub sheet: String,
    /// `template` (a sheet of kfq's template), `ledger` (a zone's own, understood), `skipped`
    /// (no ledger found in it).
    pub kind: &'static str,
    pub header_rows: Option<(usize, usize)>,
    pub unit: Option<&'static str>,
    pub columns: Vec<ColumnRead>,
    pub projects: usize,
    pub skipped: Vec<RowSkipped>,
    /// Rows without a code matched to a project of their zone by name, and those given new codes.
    pub matched_by_name: usize,
    pub new_codes: usize,
}

impl SheetReading {
    fn of(kind: &'static str, sheet: &Sheet) -> SheetReading {
        SheetReading {
            file: sheet.file.clone(),
            sheet: sheet.name.clone(),
            kind,
            header_rows: None,
            unit: None,
            columns: Vec::new(),
            projects: 0,
            skipped: Vec::new(),
            matched_by_name: 0,
            new_codes: 0,
        }
    }

    /// The header's rows: `3`, or `3–4` for a header over two.
    fn header_span(&self) -> String {
        match self.header_rows {
            Some((a, b)) if a == b => a.to_string(),
            Some((a, b)) => format!("{a}–{b}"),
            None => String::new(),
        }
    }

    /// One line for the import's summary.
    pub fn describe(&self, lang: kfq_core::Lang) -> String {
        let unknown: Vec<&str> = self
            .columns
            .iter()
            .filter(|c| c.unknown)
            .map(|c| c.header.as_str())
            .collect();
        match (self.kind, lang) {
            ("skipped", kfq_core::Lang::Zh) => {
                format!(
                    "{} › 工作表“{}”：未找到台账表头，未读取",
                    self.file, self.sheet
                )
            }
            ("skipped", kfq_core::Lang::En) => format!(
                "{}, sheet {}: no ledger header found; not read",
                self.file, self.sheet
            ),
            ("template", _) => String::new(),
            (_, kfq_core::Lang::Zh) => {
                let mut line = format!(
                    "{} › 工作表“{}”：按项目台账读取，表头第 {} 行，金额单位{}，项目 {} 个",
                    self.file,
                    self.sheet,
                    self.header_span(),
                    self.unit.unwrap_or("万元"),
                    self.projects
                );
                if !self.skipped.is_empty() {
                    line.push_str(&format!("，跳过合计/分节行 {} 行", self.skipped.len()));
                }
                if self.matched_by_name + self.new_codes > 0 {
                    line.push_str(&format!(
                        "；无项目编号：按名称对上 {} 个，新编号 {} 个",
                        self.matched_by_name, self.new_codes
                    ));
                }
                if !unknown.is_empty() {
                    line.push_str(&format!("；未导入的列：{}", unknown.join("、")));
                }
                line
            }
            (_, kfq_core::Lang::En) => {
                let mut line = format!(
                    "{}, sheet {}: read as a project ledger, header row {}, amounts in {}, {} projects",
                    self.file,
                    self.sheet,
                    self.header_span(),
                    self.unit.unwrap_or("万元"),
                    self.projects
                );
                if !self.skipped.is_empty() {
                    line.push_str(&format!(
                        ", {} total or section rows passed over",
                        self.skipped.len()
                    ));
                }
                if self.matched_by_name + self.new_codes > 0 {
                    line.push_str(&format!(
                        "; without codes: {} matched by name, {} new",
                        self.matched_by_name, self.new_codes
                    ));
                }
                if !unknown.is_empty() {
                    line.push_str(&format!("; columns not imported: {}", unknown.join(", ")));
                }
                line
            }
        }
    }
}

fn reading_of(r: &Reading) -> SheetReading {
    SheetReading {
        file: r.file.clone(),
        sheet: r.sheet.clone(),
        kind: "ledger",
        header_rows: Some(r.header_rows),
        unit: Some(r.unit.label()),
        columns: r
            .columns
            .iter()
            .map(|c| ColumnRead {
                letter: c.letter.clone(),
                header: c.header.clone(),
                field: c.key,
                unknown: c.unknown,
            })
            .collect(),
        projects: r.projects,
        skipped: r
            .skipped
            .iter()
            .map(|(row, skip)| RowSkipped {
                row: *row,
                why: match skip {
                    Skip::Total => "合计".into(),
                    Skip::Section(heading) => heading.clone(),
                },
            })
            .collect(),
        matched_by_name: 0,
        new_codes: 0,
    }
}

/// A name as compared: half-width, without spaces.
fn same_name(name: &str) -> String {
    understand::half_width(name)
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect()
}

/// New codes of a zone's city and a year: `141100-2026-0007`, after the highest one taken.
struct Codes {
    next: HashMap<String, u32>,
}

impl Codes {
    fn of(projects: &[Project]) -> Codes {
        let mut next: HashMap<String, u32> = HashMap::new();
        for p in projects {
            if let Some((prefix, seq)) = p.code.as_str().rsplit_once('-') {
                if let Ok(n) = seq.parse::<u32>() {
                    let slot = next.entry(prefix.to_string()).or_insert(1);
                    *slot = (*slot).max(n + 1);
                }
            }
        }
        Codes { next }
    }

    fn take(&mut self, zone: &Zone, year: i32) -> String {
        let prefix = format!("{}-{year}", zone.city.value());
        let slot = self.next.entry(prefix.clone()).or_insert(1);
        let code = format!("{prefix}-{:04}", *slot);
        *slot += 1;
        code
    }
}

/// Fills the 项目编号 of rows without one: the code of the zone's project of that name, else a
/// new one. Two rows of one zone with one name are one project named twice: refused at the
/// second, since without a code nothing tells them apart.
fn fill_codes(
    reading: &mut Reading,
    stored: &Stored,
    codes: &mut Codes,
    year: i32,
    named: &mut HashMap<(i64, String), (String, usize)>,
) -> Result<(usize, usize), Box<LedgerError>> {
    let by_name: HashMap<(i64, String), &str> = stored
        .projects
        .iter()
        .map(|p| ((p.zone_id, same_name(&p.name)), p.code.as_str()))
        .collect();
    let (_, header) = reading.header_rows;
    let first_data = header + 1 - reading.canonical.first_row;
    let (mut matched, mut new) = (0, 0);
    let first_row = reading.canonical.first_row;
    for (r, row) in reading
        .canonical
        .rows
        .iter_mut()
        .enumerate()
        .skip(first_data)
    {
        let name = row
            .get(reading.name_column)
            .map(Cell::text)
            .unwrap_or_default();
        if name.trim().is_empty() {
            continue;
        }
        let zone_name = row
            .get(reading.zone_column)
            .map(Cell::text)
            .unwrap_or_default();
        let Some(zone) = stored.zones.iter().find(|z| z.name == zone_name.trim()) else {
            // An unknown zone is the plan's to name; a code is needed to reach it.
            row[reading.code_column] = Cell::Text(format!("UNKNOWN-ZONE-{}", new + matched + 1));
            continue;
        };
        let here = format!("{} › {}", reading.file, reading.sheet);
        if let Some((there, first)) = named.get(&(zone.id, same_name(&name))) {
            let place = Place {
                file: reading.file.clone(),
                sheet: reading.sheet.clone(),
                row: first_row + r,
                ..Place::default()
            };
            let header = reading
                .columns
                .iter()
                .find(|c| c.index == reading.name_column)
                .map_or("项目名称", |c| c.header.as_str());
            let problem = Problem::SameName {
                elsewhere: (*there != here).then(|| there.clone()),
                row: *first,
            };
            return Err(Box::new(LedgerError::new(&place, problem).at(
                header,
                reading.name_column,
                name.trim(),
            )));
        }
        named.insert((zone.id, same_name(&name)), (here, first_row + r));
        let code = match by_name.get(&(zone.id, same_name(&name))) {
            Some(code) => {
                matched += 1;
                code.to_string()
            }
            None => {
                new += 1;
                codes.take(zone, year)
            }
        };
        row[reading.code_column] = Cell::Text(code);
    }
    Ok((matched, new))
}

/// A known project's stored value of a field, as the template's cell holds it.
fn stored_cell(p: &Project, key: &str, stored: &Stored) -> Cell {
    let enterprise = p
        .enterprise_id
        .and_then(|id| stored.enterprises.iter().find(|e| e.id == id));
    let day = |d: Option<chrono::NaiveDate>| d.map_or(Cell::Empty, Cell::Date);
    match key {
        "enterprise" => Cell::text_or_empty(enterprise.map(|e| e.name.clone()).unwrap_or_default()),
        "credit_code" => Cell::text_or_empty(
            enterprise
                .and_then(|e| e.credit_code.as_ref())
                .map(|c| c.as_str().to_string())
                .unwrap_or_default(),
        ),
        "chain" => Cell::text_or_empty(p.chain.clone()),
        "strategic_emerging" => Cell::Text(if p.strategic_emerging { "是" } else { "否" }.into()),
        "expected_output_wan" => p
            .expected_output
            .map_or(Cell::Empty, |a| Cell::Number(a.wan_string())),
        "land_area_mu" => p
            .land_area
            .map_or(Cell::Empty, |a| Cell::Number(a.to_string())),
        "signed_on" => day(p.dates.signed_on),
        "landed_on" => day(p.dates.landed_on),
        "started_on" => day(p.dates.started_on),
        "producing_on" => day(p.dates.producing_on),
        "reached_on" => day(p.dates.reached_on),
        "terminated_on" => day(p.terminated_on),
        _ => Cell::Empty,
    }
}

/// Keeps what a known project's ledger row does not say: each field the sheet has no column
/// for is given the project's stored value.
fn fill_absent(reading: &mut Reading, stored: &Stored) {
    if reading.absent.is_empty() {
        return;
    }
    let (_, header) = reading.header_rows;
    let first_data = header + 1 - reading.canonical.first_row;
    for row in reading.canonical.rows.iter_mut().skip(first_data) {
        let code = row
            .get(reading.code_column)
            .map(Cell::text)
            .unwrap_or_default();
        let Some(p) = stored.projects.iter().find(|p| p.code.as_str() == code) else {
            continue;
        };
        let enterprise_column = reading
            .columns
            .iter()
            .find(|c| c.key == Some("enterprise"))
            .map(|c| c.index);
        let same_enterprise = enterprise_column.is_none_or(|i| {
            let named = row.get(i).map(Cell::text).unwrap_or_default();
            stored_cell(p, "enterprise", stored).text() == named.trim()
        });
        for &(key, index) in &reading.absent {
            // A credit code belongs to its enterprise: kept only while the row names it.
            if key == "credit_code" && !same_enterprise {
                continue;
            }
            if let Some(cell) = row.get_mut(index) {
                *cell = stored_cell(p, key, stored);
            }
        }
    }
}

/// The sheets as the clerk wrote them, to name a fault the template's parser finds in a sheet
/// rewritten by its own header and value.
#[derive(Debug, Default)]
pub struct Originals(Vec<(Vec<understand::ColumnReading>, Sheet)>);

impl Originals {
    /// Names the fault's cell as the clerk's sheet does: its own header and the value as typed;
    /// a column kfq added (the zone or category the user gave, the code it filled) by name only.
    pub fn restore(&self, errors: &mut [LedgerError]) {
        for error in errors {
            let Some((columns, sheet)) = self
                .0
                .iter()
                .find(|(_, s)| s.file == error.place.file && s.name == error.place.sheet)
            else {
                continue;
            };
            let Some((header, letter)) = &mut error.column else {
                continue;
            };
            match columns.iter().find(|c| c.letter == *letter) {
                Some(c) => {
                    *header = c.header.clone();
                    if let Some(cell) = error
                        .place
                        .row
                        .checked_sub(sheet.first_row)
                        .and_then(|r| sheet.rows.get(r))
                        .and_then(|row| row.get(c.index))
                    {
                        error.value = cell.text();
                    }
                }
                None => letter.clear(),
            }
        }
    }
}

/// Whether a sheet is one of kfq's template: named as one and headed as one. A zone's own
/// ledger on a sheet it happens to call 项目 is understood, not refused column by column.
fn in_template(sheet: &Sheet) -> bool {
    let Some(table) = Table::from_sheet(&sheet.name) else {
        return false;
    };
    if table != Table::Projects {
        return true;
    }
    let first: Vec<String> = sheet
        .rows
        .first()
        .map(|row| row.iter().map(Cell::text).collect())
        .unwrap_or_default();
    let template = table
        .columns()
        .iter()
        .filter(|c| c.required)
        .all(|c| first.iter().any(|h| h == c.header));
    template || !understand::looks_like_ledger(sheet)
}

/// The sheets as the ledger's parser reads them, and what was made of each. A sheet of kfq's
/// template passes as it is; a zone's own ledger is understood; a sheet with no ledger in it is
/// passed over (and said so).
pub fn understood(
    sheets: Vec<Sheet>,
    stored: &Stored,
    options: &ImportOptions,
    today: chrono::NaiveDate,
) -> Result<(Vec<Sheet>, Vec<SheetReading>, Originals), Vec<LedgerError>> {
    let hints = Hints {
        zone: options.zone.clone(),
        category: options.category.clone(),
        mapping: options.mapping.clone(),
    };
    let mut codes = Codes::of(&stored.projects);
    let mut out = Vec::new();
    let mut readings = Vec::new();
    let mut errors = Vec::new();
    let mut originals = Originals::default();
    let mut named = HashMap::new();
    let zones_given = sheets
        .iter()
        .any(|s| Table::from_sheet(&s.name) == Some(Table::Zones));
    if let Some(zone) = options.zone.as_ref() {
        if !zones_given && !stored.zones.iter().any(|z| z.name == zone.trim()) {
            let file = sheets.first().map(|s| s.file.clone()).unwrap_or_default();
            return Err(vec![LedgerError::new(
                &Place {
                    file,
                    ..Place::default()
                },
                Problem::NoSuchZone(zone.trim().to_string()),
            )]);
        }
    }
    for sheet in sheets {
        if sheet.table.is_some() || in_template(&sheet) || sheet.name == "说明" {
            readings.push(SheetReading::of("template", &sheet));
            out.push(sheet);
            continue;
        }
        if !understand::looks_like_ledger(&sheet) {
            readings.push(SheetReading::of("skipped", &sheet));
            continue;
        }
        match understand::understand(&sheet, &hints) {
            Ok(mut reading) => {
                let mut read = reading_of(&reading);
                if !reading.codes_given {
                    match fill_codes(&mut reading, stored, &mut codes, today.year(), &mut named) {
                        Ok((matched, new)) => {
                            read.matched_by_name = matched;
                            read.new_codes = new;
                        }
                        Err(e) => errors.push(*e),
                    }
                }
                fill_absent(&mut reading, stored);
                readings.push(read);
                originals.0.push((reading.columns.clone(), sheet));
                out.push(reading.canonical);
            }
            Err(found) => errors.extend(found),
        }
    }
    if errors.is_empty() && out.is_empty() {
        errors.extend(readings.iter().map(|r| {
            let place = Place {
                file: r.file.clone(),
                sheet: r.sheet.clone(),
                ..Place::default()
            };
            // A sheet that is no book and has no ledger's header in it.
            let problem = if r.kind == "skipped" {
                Problem::NoHeader {
                    within: understand::HEADER_WITHIN,
                }
            } else {
                Problem::UnknownSheet
            };
            LedgerError::new(&place, problem)
        }));
    }
    if errors.is_empty() {
        Ok((out, readings, originals))
    } else {
        Err(errors)
    }
}

fn mapping_key(zone: &str) -> String {
    format!("import_mapping:{zone}")
}

/// The options, with what the zone said of its last file's unknown columns where the user says
/// nothing new of them.
pub async fn with_remembered(
    db: &kfq_store::Db,
    options: &ImportOptions,
) -> Result<ImportOptions, crate::AppError> {
    let Some(zone) = &options.zone else {
        return Ok(options.clone());
    };
    let stored = kfq_store::settings(db).await?;
    let mut mapping: HashMap<String, String> = stored
        .get(&mapping_key(zone))
        .and_then(|text| serde_json::from_str(text).ok())
        .unwrap_or_default();
    mapping.extend(options.mapping.clone());
    Ok(ImportOptions {
        mapping,
        ..options.clone()
    })
}

/// Keeps what the user said of a zone's unknown columns for the zone's next file (audited as a
/// setting).
pub async fn remember(
    db: &kfq_store::Db,
    actor: &crate::Actor,
    options: &ImportOptions,
) -> Result<(), crate::AppError> {
    let (Some(zone), false) = (&options.zone, options.mapping.is_empty()) else {
        return Ok(());
    };
    let before = with_remembered(
        db,
        &ImportOptions {
            mapping: HashMap::new(),
            ..options.clone()
        },
    )
    .await?;
    let after = with_remembered(db, options).await?;
    if before.mapping == after.mapping {
        return Ok(());
    }
    let text = |m: &HashMap<String, String>| {
        let sorted: std::collections::BTreeMap<_, _> = m.iter().collect();
        serde_json::to_string(&sorted).unwrap_or_default()
    };
    crate::audit::change_setting(
        db,
        actor,
        &mapping_key(zone),
        text(&before.mapping),
        text(&after.mapping),
    )
    .await
}

/// What a user who is not the operator may not import: any sheet but the projects', a project
/// of a zone outside their region, or a code of a project outside it.
pub fn outside_scope(
    ledger: &kfq_ledger::Ledger,
    stored: &Stored,
    actor: &crate::Actor,
) -> Vec<LedgerError> {
    let lang = actor.lang;
    let mut faults = Vec::new();
    let others = [
        ledger.zones.first().map(|l| &l.place),
        ledger.enterprises.first().map(|l| &l.place),
        ledger.rounds.first().map(|l| &l.place),
        ledger.entries.first().map(|l| &l.place),
        ledger.monthly.first().map(|l| &l.place),
        ledger.blockers.first().map(|l| &l.place),
    ];
    for place in others.into_iter().flatten() {
        let why = lang.pick(
            "在页面上只能导入项目台账；开发区、企业、活动、三个一批、月报、堵点请用各自的页面或由管理员用 kfq import 导入",
            "only a project ledger is imported here; zones, enterprises, rounds, batches, monthly figures and blockers have pages of their own, or the operator imports them with kfq import",
        );
        let sheet_place = Place {
            row: 0,
            ..place.clone()
        };
        faults.push(LedgerError::new(&sheet_place, Problem::Field(why.into())));
    }
    for located in &ledger.projects {
        let p = &located.record;
        let zone = stored.zones.iter().find(|z| z.name == p.zone);
        if zone.is_some_and(|z| !actor.sees(z)) {
            let why = lang.pick("不在您的辖区内", "outside your region");
            faults.push(LedgerError::in_column(
                &located.place,
                Table::Projects,
                "zone",
                p.zone.clone(),
                Problem::Field(why.into()),
            ));
        }
        let theirs = stored
            .projects
            .iter()
            .find(|s| s.code == p.code)
            .and_then(|s| stored.zones.iter().find(|z| z.id == s.zone_id))
            .is_some_and(|z| !actor.sees(z));
        if theirs {
            let why = lang.pick(
                "这个项目编号属于您辖区外的项目",
                "this code is a project's outside your region",
            );
            faults.push(LedgerError::in_column(
                &located.place,
                Table::Projects,
                "code",
                p.code.as_str(),
                Problem::Field(why.into()),
            ));
        }
    }
    faults
}
