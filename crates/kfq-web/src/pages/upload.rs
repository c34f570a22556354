//! 导入台账 — a project ledger uploaded from the browser, previewed before it is imported: how
//! each sheet was read, the columns kfq did not know (the user says what each holds, and the
//! zone remembers it), the zone and category the ledger does not state, what would be added and
//! changed, every fault by its cell; then imported, all or nothing, on the user's word.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Multipart, State};
use axum::http::StatusCode;
use axum::response::Response;
use kfq_app::import::ImportOptions;
use kfq_app::preview::{PlannedProject, Preview};
use kfq_app::reports::today;
use kfq_app::AppError;
use kfq_core::access::Action;
use kfq_core::project::Category;
use kfq_core::{Lang, Localized};
use kfq_ledger::Table;

use super::books::{fault_rows, FaultRow};
use super::{error_page, render, words, Choice, Chrome, PageUser};
use crate::AppState;

/// A column as the preview shows it: what it fills, or the choice of what it holds.
pub struct ColumnRow {
    pub letter: String,
    pub header: String,
    pub field: String,
    /// The choices for a column the user may map (unknown, or mapped by them before).
    pub choices: Vec<Choice>,
}

pub struct SheetRows {
    pub file: String,
    pub sheet: String,
    pub header_rows: String,
    pub columns: Vec<ColumnRow>,
}

#[derive(Template)]
#[template(path = "upload.html")]
struct UploadPage {
    chrome: Chrome,
    token: String,
    file: String,
    zones: Vec<Choice>,
    categories: Vec<Choice>,
    sheets: Vec<SheetRows>,
    readings: Vec<String>,
    books: String,
    added: Vec<PlannedProject>,
    changed: Vec<(PlannedProject, String)>,
    unchanged: usize,
    faults: Vec<FaultRow>,
    done: Vec<String>,
    error: Option<String>,
}

/// A field's name as the template's header gives it (`total_investment_wan` → 总投资（万元）).
fn field_label(key: &str) -> String {
    Table::Projects
        .columns()
        .iter()
        .find(|c| c.key == key)
        .map_or_else(|| key.to_string(), |c| c.header.to_string())
}

/// What a mappable column may hold: not said (`-`), set aside (empty), or a field.
fn field_choices(current: &str, lang: Lang) -> Vec<Choice> {
    let mut choices = vec![
        Choice::new(
            "-",
            lang.pick("（未指定：不导入）", "(not said: not imported)"),
            current,
        ),
        Choice::new(
            "",
            lang.pick("不导入，以后也不再询问", "set aside, and do not ask again"),
            current,
        ),
    ];
    choices.extend(
        Table::Projects
            .columns()
            .iter()
            .map(|c| Choice::new(c.key, c.header, current)),
    );
    choices
}

impl UploadPage {
    fn new(chrome: Chrome) -> UploadPage {
        UploadPage {
            chrome,
            token: String::new(),
            file: String::new(),
            zones: Vec::new(),
            categories: Vec::new(),
            sheets: Vec::new(),
            readings: Vec::new(),
            books: String::new(),
            added: Vec::new(),
            changed: Vec::new(),
            unchanged: 0,
            faults: Vec::new(),
            done: Vec::new(),
            error: None,
        }
    }

    /// The zone and category choices, with the options chosen.
    async fn choices(&mut self, s: &AppState, user: &PageUser, options: &ImportOptions) {
        let lang = user.lang();
        let zone = options.zone.clone().unwrap_or_default();
        let mut zones = vec![Choice::new(
            "",
            lang.pick("（按表中所填）", "(as the ledger says)"),
            &zone,
        )];
        if let Ok(all) = kfq_store::zones(&s.db).await {
            zones.extend(
                all.iter()
                    .filter(|z| user.actor.sees(z))
                    .map(|z| Choice::new(z.name.clone(), z.name.clone(), &zone)),
            );
        }
        self.zones = zones;
        let category = options.category.clone().unwrap_or_default();
        let mut categories = vec![Choice::new(
            "",
            lang.pick("（按表中所填）", "(as the ledger says)"),
            &category,
        )];
        categories.extend(
            Category::ALL
                .iter()
                .map(|c| Choice::new(c.label(Lang::Zh), c.label(lang), &category)),
        );
        self.categories = categories;
    }

    fn show(&mut self, preview: Preview, options: &ImportOptions, lang: Lang) {
        self.sheets = preview
            .sheets
            .iter()
            .map(|s| SheetRows {
                file: s.file.clone(),
                sheet: s.sheet.clone(),
                header_rows: if s.header_rows.0 == s.header_rows.1 {
                    s.header_rows.0.to_string()
                } else {
                    format!("{}–{}", s.header_rows.0, s.header_rows.1)
                },
                columns: s
                    .columns
                    .iter()
                    .map(|c| {
                        let mapped = options.mapping.get(&c.header);
                        let mappable = c.unknown || mapped.is_some();
                        ColumnRow {
                            letter: c.letter.clone(),
                            header: c.header.clone(),
                            field: c.field.map(field_label).unwrap_or_else(|| {
                                lang.pick("（不导入）", "(not imported)").into()
                            }),
                            choices: if mappable {
                                field_choices(mapped.map_or("-", String::as_str), lang)
                            } else {
                                Vec::new()
                            },
                        }
                    })
                    .collect(),
            })
            .collect();
        self.readings = preview
            .readings
            .iter()
            .map(|r| r.describe(lang))
            .filter(|l| !l.is_empty())
            .collect();
        self.books = preview.books.join("、");
        self.unchanged = preview.unchanged;
        self.added = preview.added;
        self.changed = preview
            .changed
            .into_iter()
            .map(|p| {
                let fields: Vec<String> = p.fields.iter().map(|f| field_label(f)).collect();
                (p, fields.join("、"))
            })
            .collect();
        self.faults = fault_rows(&preview.faults, lang);
    }
}

/// `GET /import`: the upload form.
pub async fn form(State(s): State<AppState>, user: PageUser) -> Response {
    if let Err(e) = user.actor.must(Action::EditProject) {
        return error_page(&user, e);
    }
    let mut page = UploadPage::new(user.chrome(words(user.lang()).import_ledger, "projects"));
    page.choices(&s, &user, &ImportOptions::default()).await;
    render(&page, StatusCode::OK)
}

/// What the form sent.
#[derive(Default)]
struct Sent {
    name: String,
    bytes: Vec<u8>,
    token: String,
    go: String,
    options: ImportOptions,
}

async fn sent(mut form: Multipart) -> Sent {
    let mut sent = Sent::default();
    let mut mapping = HashMap::new();
    while let Ok(Some(field)) = form.next_field().await {
        let key = field.name().unwrap_or_default().to_string();
        if key == "file" {
            sent.name = field.file_name().unwrap_or_default().to_string();
            match field.bytes().await {
                Ok(b) => sent.bytes = b.to_vec(),
                Err(_) => break,
            }
            continue;
        }
        let value = field.text().await.unwrap_or_default();
        let value = value.trim().to_string();
        match key.as_str() {
            "token" => sent.token = value,
            "go" => sent.go = value,
            "zone" if !value.is_empty() => sent.options.zone = Some(value),
            "category" if !value.is_empty() => sent.options.category = Some(value),
            _ => {
                if let Some(header) = key.strip_prefix("map:") {
                    if value != "-" {
                        mapping.insert(header.to_string(), value);
                    }
                }
            }
        }
    }
    sent.options.mapping = mapping;
    sent
}

/// `POST /import` (multipart: `file` or the `token` of a file uploaded before, `zone`,
/// `category`, `map:HEADER` for each column the user maps, `go` = `preview` or `import`): the
/// preview, or — on the user's word — the import, all or nothing.
pub async fn upload(State(s): State<AppState>, user: PageUser, form: Multipart) -> Response {
    let lang = user.lang();
    let w = words(lang);
    if let Err(e) = user.actor.must(Action::EditProject) {
        return error_page(&user, e);
    }
    let sent = sent(form).await;
    let mut page = UploadPage::new(user.chrome(w.import_ledger, "projects"));
    page.choices(&s, &user, &sent.options).await;
    let owner = user.actor.username.clone();
    let kept = if sent.bytes.is_empty() {
        kfq_app::staged::take(&owner, &sent.token)
            .map(|(name, bytes)| (sent.token.clone(), name, bytes))
    } else {
        kfq_app::staged::keep(&owner, &sent.name, &sent.bytes)
            .map(|token| (token, sent.name.clone(), sent.bytes.clone()))
    };
    let (token, name, bytes) = match kept {
        Ok(kept) => kept,
        Err(AppError::NotFound) => {
            page.error = Some(w.choose_file.into());
            return render(&page, StatusCode::UNPROCESSABLE_ENTITY);
        }
        Err(e) => return error_page(&user, e),
    };
    page.token = token.clone();
    page.file = name.clone();
    let sheets = match kfq_app::import::read_upload(&name, &bytes) {
        Ok(sheets) => sheets,
        Err(AppError::Ledger(faults)) => {
            kfq_app::staged::forget(&token);
            page.token.clear();
            page.faults = fault_rows(&faults, lang);
            page.error = Some(w.nothing_imported.into());
            return render(&page, StatusCode::UNPROCESSABLE_ENTITY);
        }
        Err(e) => return error_page(&user, e),
    };
    if sent.go == "import" {
        let done = kfq_app::import::import_sheets(
            &s.db,
            sheets.clone(),
            &user.actor,
            today(),
            &sent.options,
        )
        .await;
        match done {
            Ok(done) => {
                kfq_app::staged::forget(&token);
                page.token.clear();
                page.done = done.describe(lang).lines().map(str::to_string).collect();
                return render(&page, StatusCode::OK);
            }
            Err(AppError::Ledger(_)) => {
                // Refused: the preview below names every fault.
                page.error = Some(w.nothing_imported.into());
            }
            Err(AppError::Forbidden) => return error_page(&user, AppError::Forbidden),
            Err(e) => page.error = Some(e.message(lang)),
        }
    }
    match kfq_app::preview::preview(&s.db, sheets, &user.actor, &sent.options, today()).await {
        Ok(preview) => {
            let refused = !preview.faults.is_empty();
            page.show(preview, &sent.options, lang);
            if refused && page.error.is_none() {
                page.error = Some(w.preview_faults.into());
            }
            let status = if refused {
                StatusCode::UNPROCESSABLE_ENTITY
            } else {
                StatusCode::OK
            };
            render(&page, status)
        }
        Err(e @ AppError::Forbidden) => error_page(&user, e),
        Err(e) => {
            page.error = Some(e.message(lang));
            render(&page, StatusCode::UNPROCESSABLE_ENTITY)
        }
    }
}
