//! 专项台账 on the pages: the same pages for every book a zone keeps — its figures, the records
//! of the user's scope filtered by zone, by a coded column or by words, the form that records
//! one, one record with the form that changes it, the book as a workbook and its empty template,
//! and the upload that imports a filled one (all or nothing, every fault named by its cell).

use std::collections::HashMap;
use std::future::Future;

use askama::Template;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use kfq_app::books::{Book, Kind, ZoneRecord};
use kfq_app::reports::today;
use kfq_app::AppError;
use kfq_core::access::Action;
use kfq_core::zone::Zone;
use kfq_core::{Lang, Localized};

use super::{error_page, render, words, Choice, Chrome, PageUser};
use crate::AppState;

/// A figure of a book's page, with the id the browser tests find it by.
pub struct Card {
    pub id: &'static str,
    pub label: String,
    pub value: String,
}

impl Card {
    pub fn new(id: &'static str, label: &str, value: impl ToString) -> Card {
        Card {
            id,
            label: label.to_string(),
            value: value.to_string(),
        }
    }
}

/// A book's figures: cards, a table by zone, and what they count (their basis and day); lists
/// of projects the figures name, and the province's setting of how they are counted.
pub struct Figures {
    pub cards: Vec<Card>,
    pub headers: Vec<String>,
    pub zones: Vec<Vec<String>>,
    pub basis: String,
    pub lists: Vec<ProjectList>,
    pub setting: Option<Setting>,
}

/// Projects the figures name, each row linking to its project and to where it is dealt with.
pub struct ProjectList {
    pub id: &'static str,
    pub title: String,
    pub headers: Vec<String>,
    pub rows: Vec<ListRow>,
}

pub struct ListRow {
    /// Where its first cell leads (a project's page, a record's).
    pub link: Option<String>,
    pub cells: Vec<String>,
    /// Where to deal with it, and the link's words.
    pub action: Option<(String, String)>,
}

/// A setting of how a book's figures are counted, with the form that changes it (shown to those
/// who may).
pub struct Setting {
    pub action: &'static str,
    pub title: String,
    pub fields: Vec<Field>,
    pub may_change: bool,
}

/// What a book's figures stand at: a day, a period, or a month.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Span {
    AsOf,
    Period,
    Month,
    Year,
}

/// A book with pages of its own.
pub trait BookPage: ZoneRecord {
    /// Where its pages live: `/powers`, `/powers/{id}`, `/powers/export.xlsx`.
    const PATH: &'static str;

    /// What its figures stand at.
    const SPAN: Span = Span::AsOf;

    fn title(lang: Lang) -> &'static str;

    /// The choices of a coded column (its forms' selects and its filter), as (code, name).
    fn choices(_key: &str, _lang: Lang) -> Option<Vec<(&'static str, &'static str)>> {
        None
    }

    /// The figures above the list, for the region and day the page asks for.
    fn figures(
        s: &AppState,
        user: &PageUser,
        params: &HashMap<String, String>,
    ) -> impl Future<Output = Result<Figures, AppError>> + Send;
}

/// A column's header as the user reads it.
fn header(key: &str, book: Book, lang: Lang) -> String {
    book.columns()
        .iter()
        .find(|c| c.key == key)
        .map_or(key.to_string(), |c| match lang {
            Lang::Zh => c.headers[0].to_string(),
            Lang::En => c.english.to_string(),
        })
}

/// A field of a book's form.
pub struct Field {
    pub key: &'static str,
    pub label: String,
    /// `text`, `date` or `select`.
    pub kind: &'static str,
    pub choices: Vec<Choice>,
    pub value: String,
    pub required: bool,
}

/// The form's fields, filled with the record's values, or with what the user typed into a form
/// that was refused (so nothing has to be typed again).
fn form_fields<T: BookPage>(
    record: Option<&T>,
    typed: Option<&HashMap<String, String>>,
    lang: Lang,
) -> Vec<Field> {
    // A new record's form starts from what a new record holds (this year, today…), bar zeros.
    let cells = match record {
        Some(r) => r.cells(Lang::Zh),
        None => T::blank(0, today())
            .cells(Lang::Zh)
            .into_iter()
            .filter(|(_, v)| v != "0")
            .collect(),
    };
    T::BOOK
        .columns()
        .iter()
        .filter(|c| c.key != "zone")
        .map(|c| {
            let stored = cells.iter().find(|(k, _)| *k == c.key).map(|(_, v)| v);
            let value = match typed.and_then(|t| t.get(c.key)) {
                Some(v) => v.clone(),
                None => stored.cloned().unwrap_or_default(),
            };
            let choices = T::choices(c.key, lang);
            let kind = match (&choices, c.kind) {
                (Some(_), _) => "select",
                (None, Kind::Date) => "date",
                (None, Kind::Text) => "text",
            };
            let zh_of = |code: &str| {
                T::choices(c.key, Lang::Zh)
                    .and_then(|all| all.into_iter().find(|(k, _)| *k == code))
                    .map(|(_, zh)| zh)
            };
            Field {
                key: c.key,
                label: header(c.key, T::BOOK, lang),
                kind,
                choices: choices
                    .unwrap_or_default()
                    .into_iter()
                    .map(|(code, name)| Choice {
                        selected: code == value || zh_of(code) == Some(value.as_str()),
                        value: code.to_string(),
                        label: name.to_string(),
                    })
                    .collect(),
                value,
                required: c.required,
            }
        })
        .collect()
}

/// A record as a row of the list: its id and its cells in the book's order.
pub struct Row {
    pub id: i64,
    pub cells: Vec<String>,
}

/// A coded column offered as a filter.
pub struct Filter {
    pub key: &'static str,
    pub label: String,
    pub choices: Vec<Choice>,
}

#[derive(Template)]
#[template(path = "book.html")]
struct ListPage {
    chrome: Chrome,
    title: &'static str,
    path: &'static str,
    sheet: &'static str,
    f: Figures,
    headers: Vec<String>,
    rows: Vec<Row>,
    /// The column whose cell links to the record's page: its name.
    link: usize,
    zone_choices: Vec<Choice>,
    /// The zone the new record's form holds (what was typed, or the list's zone).
    new_zone: String,
    /// The book's rows name a project, whose zone is theirs when none is chosen.
    zone_from_project: bool,
    filters: Vec<Filter>,
    q: String,
    as_of: String,
    span: &'static str,
    from: String,
    to: String,
    month: String,
    year: String,
    fields: Vec<Field>,
    query: String,
    edits: bool,
    error: Option<String>,
}

/// The records of the user's scope the page's filters keep.
async fn found<T: BookPage>(
    s: &AppState,
    user: &PageUser,
    params: &HashMap<String, String>,
) -> Result<Vec<(T, Zone)>, AppError> {
    let get = |k: &str| params.get(k).map(|v| v.trim()).filter(|v| !v.is_empty());
    let mut found = kfq_app::books::in_scope::<T>(&s.db, &user.actor, get("region")).await?;
    let zh = |key: &str, code: &str| {
        T::choices(key, Lang::Zh)
            .and_then(|all| all.into_iter().find(|(k, _)| *k == code))
            .map_or(code.to_string(), |(_, name)| name.to_string())
    };
    found.retain(|(r, zone)| {
        let cells = r.cells(Lang::Zh);
        let cell = |key: &str| {
            cells
                .iter()
                .find(|(k, _)| *k == key)
                .map_or("", |(_, v)| v.as_str())
        };
        get("zone").is_none_or(|z| zone.name == z)
            && get("q").is_none_or(|q| cells.iter().any(|(_, v)| v.contains(q)))
            && T::BOOK.columns().iter().all(|c| {
                T::choices(c.key, Lang::Zh).is_none()
                    || get(c.key).is_none_or(|code| cell(c.key) == zh(c.key, code))
            })
    });
    Ok(found)
}

/// `GET {path}?zone=&q=&<coded column>=`: the book's figures, its records and the form.
pub async fn list<T: BookPage>(
    State(s): State<AppState>,
    user: PageUser,
    Query(params): Query<HashMap<String, String>>,
) -> Response {
    list_page::<T>(&s, &user, &params, None, None).await
}

async fn list_page<T: BookPage>(
    s: &AppState,
    user: &PageUser,
    params: &HashMap<String, String>,
    error: Option<String>,
    typed: Option<&HashMap<String, String>>,
) -> Response {
    let lang = user.lang();
    let result = async {
        let f = T::figures(s, user, params).await?;
        let records = found::<T>(s, user, params).await?;
        let zones = kfq_app::reports::zone_names(&s.db, &user.actor).await?;
        Ok::<_, AppError>((f, records, zones))
    };
    let (f, records, zones) = match result.await {
        Ok(x) => x,
        Err(e) => return error_page(user, e),
    };
    let rows = records
        .iter()
        .map(|(r, zone)| Row {
            id: r.id(),
            cells: kfq_app::books::row_cells(r, zone, lang),
        })
        .collect();
    let param = |k: &str| params.get(k).cloned().unwrap_or_default();
    let filters = T::BOOK
        .columns()
        .iter()
        .filter_map(|c| {
            let choices = T::choices(c.key, lang)?;
            let current = param(c.key);
            Some(Filter {
                key: c.key,
                label: header(c.key, T::BOOK, lang),
                choices: choices
                    .into_iter()
                    .map(|(code, name)| Choice::new(code, name, &current))
                    .collect(),
            })
        })
        .collect();
    let status = if error.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let zone = param("zone");
    let page = ListPage {
        chrome: user.chrome(T::title(lang), "books"),
        title: T::title(lang),
        path: T::PATH,
        sheet: T::BOOK.sheet(),
        f,
        headers: T::BOOK.headers(lang == Lang::En),
        rows,
        link: ["name", "code", "item"]
            .iter()
            .find_map(|key| T::BOOK.columns().iter().position(|c| c.key == *key))
            .unwrap_or_default(),
        zone_choices: zones.iter().map(|z| Choice::new(z, z, &zone)).collect(),
        new_zone: typed
            .and_then(|t| t.get("zone"))
            .cloned()
            .unwrap_or_else(|| zone.clone()),
        zone_from_project: T::BOOK
            .columns()
            .iter()
            .any(|c| c.key == "zone" && !c.required),
        filters,
        q: param("q"),
        as_of: param("as_of"),
        span: match T::SPAN {
            Span::AsOf => "as_of",
            Span::Period => "period",
            Span::Month => "month",
            Span::Year => "year",
        },
        from: param("from"),
        to: param("to"),
        month: param("month"),
        year: param("year"),
        // A link may fill the new record's form (`?project=LL-1`).
        fields: form_fields::<T>(None, typed.or(Some(params)), lang),
        query: super::projects::query_of(params),
        edits: user.actor.role.allows(T::EDIT),
        error,
    };
    render(&page, status)
}

/// A refusal as the page shows it: fields named by their headers.
fn labelled<T: BookPage>(error: AppError, lang: Lang) -> String {
    let headers: Vec<(&'static str, String)> = T::BOOK
        .columns()
        .iter()
        .map(|c| (c.key, header(c.key, T::BOOK, lang)))
        .collect();
    let relabelled = super::relabel(error, |field| {
        headers
            .iter()
            .find(|(k, _)| *k == field)
            .map(|(_, h)| h.as_str())
    });
    relabelled.message(lang)
}

/// `POST {path}`: records one; on to its page.
pub async fn create<T: BookPage>(
    State(s): State<AppState>,
    user: PageUser,
    Form(form): Form<HashMap<String, String>>,
) -> Response {
    let fields = super::form_fields(form.clone());
    match kfq_app::books::create::<T>(&s.db, &user.actor, &fields, today()).await {
        Ok((r, _)) => Redirect::to(&format!("{}/{}", T::PATH, r.id())).into_response(),
        Err(e @ (AppError::Forbidden | AppError::NotFound)) => error_page(&user, e),
        Err(e) => {
            let message = labelled::<T>(e, user.lang());
            list_page::<T>(&s, &user, &HashMap::new(), Some(message), Some(&form)).await
        }
    }
}

#[derive(Template)]
#[template(path = "book_record.html")]
struct RecordPage {
    chrome: Chrome,
    title: &'static str,
    path: &'static str,
    id: i64,
    name: String,
    zone: String,
    version: i64,
    details: Vec<(String, String)>,
    fields: Vec<Field>,
    edits: bool,
    error: Option<String>,
    done: Option<String>,
}

async fn record_page<T: BookPage>(
    s: &AppState,
    user: &PageUser,
    id: i64,
    done: Option<String>,
    refused: Option<(String, &HashMap<String, String>)>,
) -> Response {
    let (error, typed) = match refused {
        Some((message, typed)) => (Some(message), Some(typed)),
        None => (None, None),
    };
    let lang = user.lang();
    let (record, zone) = match kfq_app::books::visible::<T>(&s.db, &user.actor, id).await {
        Ok(found) => found,
        Err(e) => return error_page(user, e),
    };
    let cells = record.cells(lang);
    let details = T::BOOK
        .columns()
        .iter()
        .filter(|c| c.key != "zone")
        .map(|c| {
            let value = cells.iter().find(|(k, _)| *k == c.key);
            (
                header(c.key, T::BOOK, lang),
                value.map(|(_, v)| v.clone()).unwrap_or_default(),
            )
        })
        .collect();
    let status = if error.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let page = RecordPage {
        chrome: user.chrome(T::title(lang), "books"),
        title: T::title(lang),
        path: T::PATH,
        id,
        name: record.label(),
        zone: zone.name.clone(),
        // A refused save keeps the version it was made from (a stale one was refused apart).
        version: typed
            .and_then(|t| t.get("version"))
            .and_then(|v| v.trim().parse().ok())
            .unwrap_or(record.version()),
        details,
        fields: form_fields::<T>(Some(&record), typed, lang),
        edits: user.actor.role.allows(T::EDIT),
        error,
        done,
    };
    render(&page, status)
}

/// `GET {path}/{id}`.
pub async fn page<T: BookPage>(
    State(s): State<AppState>,
    user: PageUser,
    Path(id): Path<i64>,
    Query(params): Query<HashMap<String, String>>,
) -> Response {
    let done = params
        .contains_key("saved")
        .then(|| words(user.lang()).saved.to_string());
    record_page::<T>(&s, &user, id, done, None).await
}

/// `POST {path}/{id}`: saves a change from the version the form was filled from.
pub async fn save<T: BookPage>(
    State(s): State<AppState>,
    user: PageUser,
    Path(id): Path<i64>,
    Form(form): Form<HashMap<String, String>>,
) -> Response {
    let version = super::form_version(&form);
    let fields = super::form_fields(form.clone());
    match kfq_app::books::update::<T>(&s.db, &user.actor, id, version, &fields).await {
        Ok(_) => Redirect::to(&format!("{}/{id}?saved=1", T::PATH)).into_response(),
        Err(e @ (AppError::Forbidden | AppError::NotFound)) => error_page(&user, e),
        // A stale save shows the record as it is now: what was typed is based on the old one.
        Err(e @ AppError::Store(kfq_store::StoreError::Conflict)) => {
            let message = labelled::<T>(e, user.lang());
            let now = HashMap::new();
            let page = record_page::<T>(&s, &user, id, None, Some((message, &now)));
            page.await
        }
        Err(e) => {
            let message = labelled::<T>(e, user.lang());
            record_page::<T>(&s, &user, id, None, Some((message, &form))).await
        }
    }
}

/// `GET {path}/export.xlsx?…`: the records the list shows, as the book's sheet (it imports back).
pub async fn export<T: BookPage>(
    State(s): State<AppState>,
    user: PageUser,
    Query(params): Query<HashMap<String, String>>,
) -> Response {
    let lang = user.lang();
    let sheet = match lang {
        Lang::Zh => T::BOOK.sheet(),
        Lang::En => T::BOOK.english(),
    };
    let result = found::<T>(&s, &user, &params).await.map(|records| {
        let title = format!("{}{}", T::title(lang), lang.pick("台账", ""));
        let table = kfq_app::books::table(records.iter().map(|(r, z)| (r, z)), &title, lang);
        (records.len(), (sheet, table))
    });
    super::workbook(&s, &user, T::BOOK.english(), &params, result).await
}

/// `GET {path}/template.xlsx`: the book's empty sheet, headers only, to fill and import.
pub async fn template<T: BookPage>(user: PageUser) -> Response {
    let lang = user.lang();
    let sheet = match lang {
        Lang::Zh => T::BOOK.sheet(),
        Lang::En => T::BOOK.english(),
    };
    let table = kfq_app::books::table::<T>(
        [],
        &format!("{}{}", T::title(lang), lang.pick("台账", "")),
        lang,
    );
    let file = format!("{}.xlsx", T::BOOK.english());
    match kfq_app::render::xlsx_bytes(&file, &[(sheet.to_string(), table)]) {
        Ok(body) => super::projects::download(
            body,
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            &file,
        ),
        Err(e) => error_page(&user, e),
    }
}

/// A fault of an import as the result page lists it.
pub struct FaultRow {
    pub sheet: String,
    pub row: String,
    pub column: String,
    pub value: String,
    pub message: String,
}

/// The faults of an import, a row each: sheet, row, column (letter and header), value, problem.
pub fn fault_rows(faults: &[kfq_ledger::LedgerError], lang: Lang) -> Vec<FaultRow> {
    faults
        .iter()
        .map(|f| {
            let (column, letter) = f.column.clone().unwrap_or_default();
            FaultRow {
                sheet: f.place.sheet.clone(),
                row: if f.place.row > 0 {
                    f.place.row.to_string()
                } else {
                    String::new()
                },
                column: format!("{letter} {column}").trim().to_string(),
                value: f.value.clone(),
                message: f.problem.message(lang),
            }
        })
        .collect()
}

#[derive(Template)]
#[template(path = "book_import.html")]
struct ImportPage {
    chrome: Chrome,
    back: String,
    file: String,
    done: Vec<String>,
    faults: Vec<FaultRow>,
    error: Option<String>,
}

/// Where an upload form may send the user back to: one of kfq's own pages, nothing else.
fn back_to(text: &str) -> String {
    let ok = text.starts_with('/')
        && !text.starts_with("//")
        && !text.contains('\\')
        && !text.chars().any(char::is_control);
    if ok {
        text.to_string()
    } else {
        "/books".into()
    }
}

/// `POST /books/import` (multipart: `file`, `back`): the uploaded books imported in the user's
/// scope; the result page lists what it did or every fault, by cell.
pub async fn import(State(s): State<AppState>, user: PageUser, mut form: Multipart) -> Response {
    let lang = user.lang();
    let (mut name, mut bytes, mut back) = (String::new(), Vec::new(), String::from("/books"));
    loop {
        match form.next_field().await {
            Ok(Some(field)) => {
                let key = field.name().unwrap_or_default().to_string();
                if key == "file" {
                    name = field.file_name().unwrap_or_default().to_string();
                    match field.bytes().await {
                        Ok(b) => bytes = b.to_vec(),
                        Err(_) => break,
                    }
                } else if key == "back" {
                    back = back_to(&field.text().await.unwrap_or_default());
                }
            }
            Ok(None) => break,
            Err(_) => break,
        }
    }
    let mut page = ImportPage {
        chrome: user.chrome(words(lang).import_books, "books"),
        back,
        file: name.clone(),
        done: Vec::new(),
        faults: Vec::new(),
        error: None,
    };
    if bytes.is_empty() {
        page.error = Some(words(lang).choose_file.into());
        return render(&page, StatusCode::UNPROCESSABLE_ENTITY);
    }
    let options = kfq_app::import::ImportOptions::default();
    match kfq_app::import::import_upload(&s.db, &name, &bytes, &user.actor, today(), &options).await
    {
        Ok(done) => {
            page.done = done.describe(lang).lines().map(str::to_string).collect();
            render(&page, StatusCode::OK)
        }
        Err(AppError::Ledger(faults)) => {
            page.faults = fault_rows(&faults, lang);
            page.error = Some(words(lang).nothing_imported.into());
            render(&page, StatusCode::UNPROCESSABLE_ENTITY)
        }
        Err(e @ AppError::Forbidden) => error_page(&user, e),
        Err(e) => {
            page.error = Some(e.message(lang));
            render(&page, StatusCode::UNPROCESSABLE_ENTITY)
        }
    }
}

/// A book on the index page: where it is, what it is for, how many records the user sees.
pub struct Entry {
    pub id: &'static str,
    pub path: &'static str,
    pub title: &'static str,
    pub about: &'static str,
    /// How many records the user sees (a report has none).
    pub count: Option<usize>,
}

#[derive(Template)]
#[template(path = "books.html")]
struct IndexPage {
    chrome: Chrome,
    entries: Vec<Entry>,
    edits: bool,
}

async fn entry<T: BookPage>(
    s: &AppState,
    user: &PageUser,
    about: &'static str,
) -> Result<Entry, AppError> {
    let count = kfq_app::books::in_scope::<T>(&s.db, &user.actor, None)
        .await?
        .len();
    Ok(Entry {
        id: T::BOOK.english(),
        path: T::PATH,
        title: T::title(user.lang()),
        about,
        count: Some(count),
    })
}

/// `GET /books`: every book of the zones the user sees, with how many records each holds, and
/// the upload that imports any of them.
pub async fn index(State(s): State<AppState>, user: PageUser) -> Response {
    let lang = user.lang();
    let w = words(lang);
    let result = async {
        Ok::<_, AppError>(vec![
            entry::<kfq_core::delegation::DelegatedPower>(&s, &user, w.about_powers).await?,
            entry::<kfq_core::delegation::ServiceBundle>(&s, &user, w.about_bundles).await?,
            entry::<kfq_core::land::StandardParcel>(&s, &user, w.about_parcels).await?,
            entry::<kfq_core::commitment::Commitment>(&s, &user, w.about_commitments).await?,
            entry::<kfq_core::registration::Registration>(&s, &user, w.about_registrations).await?,
            entry::<kfq_core::chemical::Finding>(&s, &user, w.about_chemical).await?,
            entry::<kfq_core::assessment::Target>(&s, &user, w.about_targets).await?,
            entry::<kfq_core::assessment::EnteredValue>(&s, &user, w.about_entered).await?,
        ])
    };
    let mut entries = match result.await {
        Ok(e) => e,
        Err(e) => return error_page(&user, e),
    };
    let activities =
        kfq_app::books::in_scope::<kfq_core::activity::Activity>(&s.db, &user.actor, None)
            .await
            .map(|a| a.len())
            .unwrap_or_default();
    entries.push(Entry {
        id: "activities",
        path: "/activities",
        title: w.activities,
        about: w.about_activities,
        count: Some(activities),
    });
    entries.push(Entry {
        id: "assessment",
        path: "/assessment",
        title: w.assessment,
        about: w.about_assessment,
        count: None,
    });
    entries.push(Entry {
        id: "agency",
        path: "/agency",
        title: w.agency,
        about: w.about_agency,
        count: None,
    });
    let page = IndexPage {
        chrome: user.chrome(w.books, "books"),
        entries,
        edits: user.actor.role.allows(Action::EditProject),
    };
    render(&page, StatusCode::OK)
}
