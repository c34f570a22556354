//! 专项台账 — the books a zone keeps beside its project ledger (招商活动, 赋权事项, 一件事一次办, …).
//! Each record of a book belongs to one zone: it is seen by whoever sees the zone, recorded and
//! changed from the version the user saw (audited, before → after), written out as the book's
//! sheet and read back from it. An import of books is all or nothing: every row is checked by
//! the rules the forms and the API use, every fault is named by file, sheet, row and column, and
//! only a clean file is written, in one transaction.

use std::collections::HashMap;
use std::future::Future;

use chrono::NaiveDate;
use kfq_core::access::Action;
use kfq_core::zone::Zone;
use kfq_core::Lang;
pub use kfq_ledger::books::{Book, BookColumn, Kind};
use kfq_ledger::{BookRow, BookSheet, LedgerError, Problem};
use kfq_store::{Db, StoreError, Tx};
use serde::Serialize;
use serde_json::{Map, Value};

use crate::import::Change;
use crate::projects::FieldError;
use crate::render::{ReportTable, Val};
use crate::{Actor, AppError};

/// A record a zone keeps in one of its books.
pub trait ZoneRecord: Clone + PartialEq + Send + Sync + Sized + 'static {
    /// The book it is kept in.
    const BOOK: Book;
    /// Its name in the audit trail.
    const OBJECT: &'static str;
    /// Its key in the API's answers (`{"power": …}`).
    const ITEM: &'static str;
    /// The field whose value a zone's book holds once only (its name, code or project).
    const KEY_FIELD: &'static str = "name";
    /// What recording or changing one takes (the zone's staff, unless the book says otherwise).
    const EDIT: Action = Action::EditProject;
    /// How the API and the pages show it.
    type View: Serialize + Send + Sync;

    fn view(&self, zone: &Zone) -> Self::View;

    fn id(&self) -> i64;
    fn zone_id(&self) -> i64;
    fn version(&self) -> i64;
    /// The record stored under this id at this version.
    fn stored_as(self, id: i64, version: i64) -> Self;
    /// A new record of a zone before its fields are applied.
    fn blank(zone_id: i64, today: NaiveDate) -> Self;
    /// What tells two records of one zone's book apart (its name; a name and a day).
    fn key(&self) -> String;
    /// How the audit trail and messages name it within its zone.
    fn label(&self) -> String;
    /// The fields of a change applied and the result checked: every wrong field at once.
    fn apply(self, fields: &Map<String, Value>, ctx: &Ctx) -> Result<Self, AppError>;
    /// The record as the audit trail keeps it.
    fn json(&self) -> Value;
    /// Its cells as the book's sheet has them, by field.
    fn cells(&self, lang: Lang) -> Vec<(&'static str, String)>;

    fn all(db: &Db) -> impl Future<Output = Result<Vec<Self>, StoreError>> + Send;
    fn one(db: &Db, id: i64) -> impl Future<Output = Result<Option<Self>, StoreError>> + Send;
    fn one_in(
        tx: &mut Tx,
        id: i64,
    ) -> impl Future<Output = Result<Option<Self>, StoreError>> + Send;
    fn insert(tx: &mut Tx, record: &Self) -> impl Future<Output = Result<i64, StoreError>> + Send;
    fn save(tx: &mut Tx, record: &Self) -> impl Future<Output = Result<(), StoreError>> + Send;
}

/// The parts of a [`ZoneRecord`] every record has alike: its id, zone and version (fields of
/// those names), and its storage, by the store's functions named in turn (all, one by id, one
/// inside a transaction, insert, save).
macro_rules! stored {
    ($ty:ty, $all:path, $one:path, $one_in:path, $insert:path, $save:path) => {
        fn id(&self) -> i64 {
            self.id
        }

        fn zone_id(&self) -> i64 {
            self.zone_id
        }

        fn version(&self) -> i64 {
            self.version
        }

        fn stored_as(self, id: i64, version: i64) -> $ty {
            Self {
                id,
                version,
                ..self
            }
        }

        async fn all(db: &kfq_store::Db) -> Result<Vec<$ty>, kfq_store::StoreError> {
            $all(db).await
        }

        async fn one(db: &kfq_store::Db, id: i64) -> Result<Option<$ty>, kfq_store::StoreError> {
            $one(db, id).await
        }

        async fn one_in(
            tx: &mut kfq_store::Tx,
            id: i64,
        ) -> Result<Option<$ty>, kfq_store::StoreError> {
            $one_in(tx, id).await
        }

        async fn insert(tx: &mut kfq_store::Tx, r: &$ty) -> Result<i64, kfq_store::StoreError> {
            $insert(tx, r).await
        }

        async fn save(tx: &mut kfq_store::Tx, r: &$ty) -> Result<(), kfq_store::StoreError> {
            $save(tx, r).await
        }
    };
}
pub(crate) use stored;

/// What a change of a record is checked against besides its own fields.
pub struct Ctx<'a> {
    pub lang: Lang,
    /// Every project, for records that name one by its code (in the record's zone only).
    pub projects: &'a [kfq_core::project::Project],
    /// The province's checklist of the chemical parks' review.
    pub checklist: &'a kfq_core::chemical::Checklist,
    /// The province's scheme of assessment (the indicators zones enter).
    pub scheme: &'a kfq_core::assessment::Scheme,
}

/// What a [`Ctx`] borrows, read once before a change.
struct Loaded {
    snapshot: std::sync::Arc<kfq_store::Snapshot>,
    checklist: kfq_core::chemical::Checklist,
    scheme: kfq_core::assessment::Scheme,
}

impl Loaded {
    async fn of(db: &Db) -> Result<Loaded, AppError> {
        Ok(Loaded {
            snapshot: db.snapshot().await?,
            checklist: crate::chemical::checklist(db).await?,
            scheme: crate::assessment::scheme(db).await?,
        })
    }

    fn ctx(&self, lang: Lang) -> Ctx<'_> {
        Ctx {
            lang,
            projects: &self.snapshot.projects,
            checklist: &self.checklist,
            scheme: &self.scheme,
        }
    }
}

impl Ctx<'_> {
    /// The project of a zone by its code, or the refusal naming the field.
    pub(crate) fn project(&self, code: &str, zone_id: i64) -> Result<i64, String> {
        self.projects
            .iter()
            .find(|p| p.code.as_str() == code && p.zone_id == zone_id)
            .map(|p| p.id)
            .ok_or_else(|| {
                self.lang
                    .pick(
                        "本开发区没有这个项目编号",
                        "no project of the zone has this code",
                    )
                    .to_string()
            })
    }
}

pub(crate) fn field_error(field: &str, message: impl Into<String>) -> FieldError {
    FieldError {
        field: field.into(),
        message: message.into(),
    }
}

/// A rule of a record broken by a field (the domain's faults), named for the user.
pub(crate) trait Fault {
    fn field(&self) -> &'static str;
    fn message(&self, lang: Lang) -> String;
}

/// The domain's faults are named by their own `field` and `message`.
macro_rules! faults {
    ($($fault:path),*) => {$(
        impl Fault for $fault {
            fn field(&self) -> &'static str {
                <$fault>::field(*self)
            }

            fn message(&self, lang: Lang) -> String {
                <$fault>::message(*self, lang).into()
            }
        }
    )*};
}

faults!(
    kfq_core::activity::ActivityFault,
    kfq_core::delegation::DelegationFault,
    kfq_core::land::LandFault,
    kfq_core::commitment::CommitmentFault,
    kfq_core::registration::RegistrationFault,
    kfq_core::chemical::FindingFault,
    kfq_core::assessment::TargetFault
);

/// What one field's value did to a record: set, not a field of it, or refused (why).
pub(crate) enum Set {
    Done,
    Unknown,
    Refused(String),
}

impl From<Result<(), String>> for Set {
    fn from(r: Result<(), String>) -> Set {
        match r {
            Ok(()) => Set::Done,
            Err(why) => Set::Refused(why),
        }
    }
}

/// Applies a change's fields (texts, as forms and the API send them) one by one through `set`,
/// then checks the whole through `settle`: every wrong field is named at once, each once.
/// `version`, `zone` and `zone_id` are the caller's, not the record's.
pub(crate) fn apply_fields<T, F: Fault>(
    mut record: T,
    fields: &Map<String, Value>,
    lang: Lang,
    unknown: crate::Expected,
    mut set: impl FnMut(&mut T, &str, String) -> Set,
    settle: impl FnOnce(T) -> Result<T, Vec<F>>,
) -> Result<T, AppError> {
    let mut errors = Vec::new();
    for (key, value) in fields {
        if matches!(key.as_str(), "version" | "zone" | "zone_id") {
            continue;
        }
        let text = match crate::projects::text_field(key, value, lang) {
            Ok(t) => t.to_string(),
            Err(e) => {
                errors.push(e);
                continue;
            }
        };
        match set(&mut record, key, text) {
            Set::Done => {}
            Set::Unknown => errors.push(field_error(key, unknown.describe(lang))),
            Set::Refused(why) => errors.push(field_error(key, why)),
        }
    }
    match settle(record) {
        Ok(r) if errors.is_empty() => Ok(r),
        Ok(_) => Err(AppError::Invalid(errors)),
        Err(found) => {
            for f in found {
                if !errors.iter().any(|e| e.field == f.field()) {
                    errors.push(field_error(f.field(), f.message(lang)));
                }
            }
            Err(AppError::Invalid(errors))
        }
    }
}

/// A day as a field gives it: empty is none.
pub(crate) fn day(text: &str, lang: Lang) -> Result<Option<NaiveDate>, String> {
    if text.is_empty() {
        return Ok(None);
    }
    text.parse()
        .map(Some)
        .map_err(|_| crate::Expected::Date.describe(lang))
}

/// A value of a closed list by its code or its Chinese name.
pub(crate) fn coded<C: kfq_core::coded::Coded>(
    text: &str,
    expected: crate::Expected,
    lang: Lang,
) -> Result<C, String> {
    C::parse(text).ok_or_else(|| expected.describe(lang))
}

/// A write refused because the zone's book holds the key already: refused by its field.
fn refuse_taken<T: ZoneRecord>(e: StoreError, lang: Lang) -> AppError {
    if e.is_unique_violation() {
        taken::<T>(lang)
    } else {
        AppError::Store(e)
    }
}

/// The zone's book holds this record already, named at its key's field.
fn taken<T: ZoneRecord>(lang: Lang) -> AppError {
    AppError::Invalid(vec![field_error(
        T::KEY_FIELD,
        lang.pick(
            "台账中已有这条记录，请打开它修改",
            "the book holds this record already: open it to change it",
        ),
    )])
}

/// Refuses a record whose key another record of its zone's book holds already (the books whose
/// key the database cannot hold, like an activity's name and day, are kept by this alone).
async fn refuse_clash<T: ZoneRecord>(db: &Db, record: &T, lang: Lang) -> Result<(), AppError> {
    let key = record.key();
    let clash = T::all(db)
        .await?
        .iter()
        .any(|r| r.zone_id() == record.zone_id() && r.id() != record.id() && r.key() == key);
    if clash {
        return Err(taken::<T>(lang));
    }
    Ok(())
}

fn audit_key<T: ZoneRecord>(zone: &Zone, record: &T) -> String {
    format!("{}/{}", zone.name, record.label())
}

/// The record and its zone, if the zone lies in the actor's scope (else: not found).
pub async fn visible<T: ZoneRecord>(
    db: &Db,
    actor: &Actor,
    id: i64,
) -> Result<(T, Zone), AppError> {
    actor.must(Action::Read)?;
    let record = T::one(db, id).await?.ok_or(AppError::NotFound)?;
    let zone = kfq_store::zones(db)
        .await?
        .into_iter()
        .find(|z| z.id == record.zone_id())
        .filter(|z| actor.sees(z))
        .ok_or(AppError::NotFound)?;
    Ok((record, zone))
}

/// The records of the zones of the actor's scope (or of the region asked for), each with its
/// zone, in the store's order.
pub async fn in_scope<T: ZoneRecord>(
    db: &Db,
    actor: &Actor,
    region: Option<&str>,
) -> Result<Vec<(T, Zone)>, AppError> {
    let (_, zones) = crate::reports::zones_in_scope(db, actor, region).await?;
    Ok(T::all(db)
        .await?
        .into_iter()
        .filter_map(|r| {
            let zone = zones.get(&r.zone_id())?.clone();
            Some((r, zone))
        })
        .collect())
}

/// Records a new record in a zone of the actor's scope: `zone` by name (the actor's own when
/// they work at one), the rest by field.
pub async fn create<T: ZoneRecord>(
    db: &Db,
    actor: &Actor,
    fields: &Map<String, Value>,
    today: NaiveDate,
) -> Result<(T, Zone), AppError> {
    actor.must(T::EDIT)?;
    let lang = actor.lang;
    let loaded = Loaded::of(db).await?;
    let ctx = loaded.ctx(lang);
    let named = |key: &str| {
        fields
            .get(key)
            .and_then(Value::as_str)
            .map(str::trim)
            .filter(|t| !t.is_empty())
    };
    // A record naming its project belongs to the project's zone when it names none.
    let zone = match (named("zone"), named("project")) {
        (None, Some(code)) => {
            let zones = kfq_store::zones(db).await?;
            let of_project = ctx
                .projects
                .iter()
                .find(|p| p.code.as_str() == code)
                .and_then(|p| zones.into_iter().find(|z| z.id == p.zone_id))
                .filter(|z| actor.sees(z));
            match of_project {
                Some(z) => z,
                None => crate::leads::zone_of_request(db, actor, fields).await?,
            }
        }
        _ => crate::leads::zone_of_request(db, actor, fields).await?,
    };
    let record = T::blank(zone.id, today).apply(fields, &ctx)?;
    refuse_clash(db, &record, lang).await?;
    let mut tx = db.begin().await?;
    let id = T::insert(&mut tx, &record)
        .await
        .map_err(|e| refuse_taken::<T>(e, lang))?;
    let saved = record.stored_as(id, 1);
    crate::audit::append(
        &mut tx,
        actor,
        "create",
        T::OBJECT,
        &audit_key(&zone, &saved),
        None,
        Some(saved.json().to_string()),
    )
    .await?;
    // The books are read from their tables, not from the ledger's snapshot.
    tx.commit_outside_ledger().await?;
    Ok((saved, zone))
}

/// Changes a record from the version the user saw (a stale change is refused with a conflict);
/// it stays with its zone.
pub async fn update<T: ZoneRecord>(
    db: &Db,
    actor: &Actor,
    id: i64,
    version: i64,
    fields: &Map<String, Value>,
) -> Result<(T, Zone), AppError> {
    let (stored, zone) = visible::<T>(db, actor, id).await?;
    actor.must(T::EDIT)?;
    let lang = actor.lang;
    // A change made from an older version is refused before its fields are looked at: fixing
    // a field must not carry it past someone else's save.
    if stored.version() != version {
        return Err(AppError::Store(StoreError::Conflict));
    }
    crate::leads::stays_in_zone(fields, &zone, lang)?;
    let loaded = Loaded::of(db).await?;
    let ctx = loaded.ctx(lang);
    let changed = stored.stored_as(id, version).apply(fields, &ctx)?;
    refuse_clash(db, &changed, lang).await?;
    let mut tx = db.begin().await?;
    let current = T::one_in(&mut tx, id).await?.ok_or(AppError::NotFound)?;
    if current.version() != version {
        return Err(AppError::Store(StoreError::Conflict));
    }
    T::save(&mut tx, &changed)
        .await
        .map_err(|e| refuse_taken::<T>(e, lang))?;
    let saved = changed.stored_as(id, version + 1);
    crate::audit::append(
        &mut tx,
        actor,
        "update",
        T::OBJECT,
        &audit_key(&zone, &current),
        Some(current.json().to_string()),
        Some(saved.json().to_string()),
    )
    .await?;
    // The books are read from their tables, not from the ledger's snapshot.
    tx.commit_outside_ledger().await?;
    Ok((saved, zone))
}

/// A record's cells in its book's order (the zone's name in the zone's column).
pub fn row_cells<T: ZoneRecord>(record: &T, zone: &Zone, lang: Lang) -> Vec<String> {
    let mut cells = record.cells(lang);
    cells.push(("zone", zone.name.clone()));
    T::BOOK
        .columns()
        .iter()
        .map(|c| {
            cells
                .iter()
                .find(|(k, _)| *k == c.key)
                .map(|(_, t)| t.clone())
                .unwrap_or_default()
        })
        .collect()
}

/// A book as a clerk keeps it: a title, the book's headers, a row per record. It reads back
/// through [`import`] as it was written.
pub fn table<'a, T: ZoneRecord>(
    records: impl IntoIterator<Item = (&'a T, &'a Zone)>,
    title: &str,
    lang: Lang,
) -> ReportTable {
    let rows = records
        .into_iter()
        .map(|(r, zone)| {
            row_cells(r, zone, lang)
                .into_iter()
                .map(Val::Text)
                .collect()
        })
        .collect();
    ReportTable {
        title: title.to_string(),
        unit: String::new(),
        headers: T::BOOK.headers(lang == Lang::En),
        rows,
        total: None,
        notes: Vec::new(),
    }
}

/// A coded value as a book's cell: its Chinese name, or its code in an English book (both read
/// back).
pub(crate) fn coded_cell<C: kfq_core::coded::Coded>(value: C, lang: Lang) -> String {
    match lang {
        Lang::Zh => value.label(Lang::Zh).to_string(),
        Lang::En => value.code().to_string(),
    }
}

pub(crate) fn date_cell(day: Option<NaiveDate>) -> String {
    day.map(|d| d.to_string()).unwrap_or_default()
}

/// What an import did to one book.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BookCount {
    pub sheet: &'static str,
    pub added: usize,
    pub changed: usize,
    pub unchanged: usize,
}

/// What an import of books did, book by book.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Default)]
pub struct BookSummary {
    pub books: Vec<BookCount>,
}

impl BookSummary {
    pub fn to_text(&self, lang: Lang) -> String {
        self.books
            .iter()
            .map(|c| match lang {
                Lang::Zh => format!(
                    "{}：新增 {}，更新 {}，未变 {}",
                    c.sheet, c.added, c.changed, c.unchanged
                ),
                Lang::En => format!(
                    "{}: {} added, {} changed, {} unchanged",
                    c.sheet, c.added, c.changed, c.unchanged
                ),
            })
            .collect::<Vec<_>>()
            .join("\n")
    }
}

/// The rows of one book, checked and ready to write in the import's transaction.
trait Staged: Send + Sync {
    fn write<'a>(
        &'a self,
        tx: &'a mut Tx,
        actor: &'a Actor,
        zones: &'a [Zone],
    ) -> std::pin::Pin<Box<dyn Future<Output = Result<BookCount, AppError>> + Send + 'a>>;
}

impl<T: ZoneRecord> Staged for Vec<Change<T>> {
    fn write<'a>(
        &'a self,
        tx: &'a mut Tx,
        actor: &'a Actor,
        zones: &'a [Zone],
    ) -> std::pin::Pin<Box<dyn Future<Output = Result<BookCount, AppError>> + Send + 'a>> {
        Box::pin(write(tx, actor, zones, self))
    }
}

/// Plans a sheet of a book of records `T`.
async fn staged<T: ZoneRecord>(
    db: &Db,
    (actor, ctx): (&Actor, &Ctx<'_>),
    zones: &[Zone],
    sheet: &BookSheet,
    today: NaiveDate,
    errors: &mut Vec<LedgerError>,
) -> Result<Box<dyn Staged>, AppError> {
    actor.must(T::EDIT)?;
    Ok(Box::new(
        plan::<T>(db, ctx, zones, sheet, today, errors).await?,
    ))
}

fn row_fields(row: &BookRow) -> Map<String, Value> {
    row.fields
        .iter()
        .filter(|(k, _)| *k != "zone" && !row.unread.contains(k))
        .map(|(k, v)| (k.to_string(), Value::String(v.clone())))
        .collect()
}

/// A refusal of a row's fields, each named at its cell (but those whose cells could not be
/// read, named already).
fn located(book: Book, row: &BookRow, error: AppError, lang: Lang) -> Vec<LedgerError> {
    use kfq_core::Localized;
    match error {
        AppError::Invalid(fields) => fields
            .into_iter()
            .filter(|f| !row.unread.contains(&f.field.as_str()))
            .map(|f| row.fault(book, &f.field, Problem::Field(f.message)))
            .collect(),
        other => vec![LedgerError::new(
            &row.place,
            Problem::Field(other.message(lang)),
        )],
    }
}

/// Checks a sheet's rows against the records stored: each row matches a record of its zone by
/// key (then changes it) or is a new one.
async fn plan<T: ZoneRecord>(
    db: &Db,
    ctx: &Ctx<'_>,
    zones: &[Zone],
    sheet: &BookSheet,
    today: NaiveDate,
    errors: &mut Vec<LedgerError>,
) -> Result<Vec<Change<T>>, AppError> {
    let lang = ctx.lang;
    let book = sheet.book;
    let mut stored: HashMap<(i64, String), T> = T::all(db)
        .await?
        .into_iter()
        .filter(|r| zones.iter().any(|z| z.id == r.zone_id()))
        .map(|r| ((r.zone_id(), r.key()), r))
        .collect();
    let mut first_row: HashMap<(i64, String), usize> = HashMap::new();
    let mut changes = Vec::new();
    for row in &sheet.rows {
        let of_project = || {
            let project = ctx
                .projects
                .iter()
                .find(|p| p.code.as_str() == row.get("project"))?;
            zones.iter().find(|z| z.id == project.zone_id)
        };
        let zone = match row.get("zone") {
            "" => of_project(),
            name => zones.iter().find(|z| z.name == name),
        };
        let Some(zone) = zone else {
            if row.unread.contains(&"zone") || row.unread.contains(&"project") {
                continue;
            }
            let (key, why) = if row.get("zone").is_empty() && !row.get("project").is_empty() {
                let why = lang.pick(
                    "没有这个项目编号，或项目不在您的辖区内",
                    "no project of your region has this code",
                );
                ("project", why)
            } else {
                let why = lang.pick(
                    "没有这个开发区，或不在您的辖区内",
                    "no such zone in your region",
                );
                ("zone", why)
            };
            errors.push(row.fault(book, key, Problem::Field(why.into())));
            continue;
        };
        let fields = row_fields(row);
        let fresh = match T::blank(zone.id, today).apply(&fields, ctx) {
            Ok(_) if !row.unread.is_empty() => continue,
            Ok(r) => r,
            Err(e) => {
                errors.extend(located(book, row, e, lang));
                continue;
            }
        };
        let key = (zone.id, fresh.key());
        if let Some(&first) = first_row.get(&key) {
            errors.push(LedgerError::new(
                &row.place,
                Problem::Duplicate { first_row: first },
            ));
            continue;
        }
        first_row.insert(key.clone(), row.place.row);
        match stored.remove(&key) {
            None => changes.push(Change {
                before: None,
                after: fresh,
            }),
            Some(before) => match before.clone().apply(&fields, ctx) {
                Ok(after) => changes.push(Change {
                    before: Some(before),
                    after,
                }),
                Err(e) => errors.extend(located(book, row, e, lang)),
            },
        }
    }
    Ok(changes)
}

/// A write of a planned import that met a record written since it was planned (another import,
/// a form): the import is refused as a conflict, nothing of it written.
fn changed_since(e: StoreError) -> AppError {
    if e.is_unique_violation() {
        AppError::Store(StoreError::Conflict)
    } else {
        AppError::Store(e)
    }
}

/// Writes a book's changes and their audit rows; what it did.
async fn write<T: ZoneRecord>(
    tx: &mut Tx,
    actor: &Actor,
    zones: &[Zone],
    changes: &[Change<T>],
) -> Result<BookCount, AppError> {
    let mut count = BookCount {
        sheet: T::BOOK.sheet(),
        added: 0,
        changed: 0,
        unchanged: 0,
    };
    let zone_of = |r: &T| zones.iter().find(|z| z.id == r.zone_id());
    for change in changes {
        let Some(zone) = zone_of(&change.after) else {
            continue;
        };
        let (action, before, after) = match &change.before {
            Some(before) if *before == change.after => {
                count.unchanged += 1;
                continue;
            }
            Some(before) => {
                T::save(tx, &change.after).await.map_err(changed_since)?;
                count.changed += 1;
                let after = change
                    .after
                    .clone()
                    .stored_as(before.id(), before.version() + 1);
                ("update", Some(before.json().to_string()), after)
            }
            None => {
                let id = T::insert(tx, &change.after).await.map_err(changed_since)?;
                count.added += 1;
                ("create", None, change.after.clone().stored_as(id, 1))
            }
        };
        crate::audit::append(
            tx,
            actor,
            action,
            T::OBJECT,
            &audit_key(zone, &after),
            before,
            Some(after.json().to_string()),
        )
        .await?;
    }
    Ok(count)
}

/// Imports the books' sheets as one change: every row checked first, every fault returned at
/// once with those found reading the cells (`errors`), and nothing written; else all written
/// in one transaction.
pub async fn import(
    db: &Db,
    actor: &Actor,
    sheets: &[BookSheet],
    mut errors: Vec<LedgerError>,
    today: NaiveDate,
) -> Result<BookSummary, AppError> {
    actor.must(Action::EditProject)?;
    let zones: Vec<Zone> = kfq_store::zones(db)
        .await?
        .into_iter()
        .filter(|z| actor.sees(z))
        .collect();
    let mut planned = Vec::new();
    let loaded = Loaded::of(db).await?;
    let ctx = loaded.ctx(actor.lang);
    // Two sheets of one book (a workbook's 招商活动 and a CSV's) are one book: a row repeated
    // across them is a repeated row.
    let mut merged: Vec<BookSheet> = Vec::new();
    for sheet in sheets {
        match merged.iter_mut().find(|m| m.book == sheet.book) {
            Some(m) => m.rows.extend(sheet.rows.iter().cloned()),
            None => merged.push(sheet.clone()),
        }
    }
    for sheet in &merged {
        use kfq_core::{
            activity, assessment, chemical, commitment, delegation, land, registration,
        };
        let (c, z, e) = ((actor, &ctx), &zones, &mut errors);
        planned.push(match sheet.book {
            Book::Activities => staged::<activity::Activity>(db, c, z, sheet, today, e).await?,
            Book::Powers => staged::<delegation::DelegatedPower>(db, c, z, sheet, today, e).await?,
            Book::Bundles => staged::<delegation::ServiceBundle>(db, c, z, sheet, today, e).await?,
            Book::Parcels => staged::<land::StandardParcel>(db, c, z, sheet, today, e).await?,
            Book::Commitments => {
                staged::<commitment::Commitment>(db, c, z, sheet, today, e).await?
            }
            Book::Registrations => {
                staged::<registration::Registration>(db, c, z, sheet, today, e).await?
            }
            Book::Findings => staged::<chemical::Finding>(db, c, z, sheet, today, e).await?,
            Book::Targets => staged::<assessment::Target>(db, c, z, sheet, today, e).await?,
            Book::Indicators => {
                staged::<assessment::EnteredValue>(db, c, z, sheet, today, e).await?
            }
        });
    }
    if !errors.is_empty() {
        let letter = |e: &LedgerError| {
            let l = e.column.as_ref().map_or("", |(_, l)| l.as_str());
            (l.len(), l.to_string())
        };
        errors.sort_by(|a, b| {
            (&a.place.file, &a.place.sheet, a.place.row, letter(a)).cmp(&(
                &b.place.file,
                &b.place.sheet,
                b.place.row,
                letter(b),
            ))
        });
        return Err(AppError::Ledger(errors));
    }
    let mut tx = db.begin().await?;
    let mut summary = BookSummary::default();
    for p in &planned {
        summary.books.push(p.write(&mut tx, actor, &zones).await?);
    }
    // The books are read from their tables, not from the ledger's snapshot.
    tx.commit_outside_ledger().await?;
    Ok(summary)
}
