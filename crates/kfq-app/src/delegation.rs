//! 赋权事项 and 一件事一次办 — the powers delegated to the zones of the actor's scope and their
//! bundled services: listed, recorded and changed from the version seen (audited as
//! `delegated_power` and `service_bundle`, keyed `{zone}/{name}`), written out and read back as
//! the zones' books; and a region's figures by zone as of a day (省级、市级、县级赋权, 承接, 一件事).

use std::collections::BTreeMap;

use chrono::NaiveDate;
use kfq_core::delegation::{
    self, Coded, DelegatedPower, DelegationFigures, GrantLevel, ServiceBundle,
};
use kfq_core::zone::Zone;
use kfq_core::Lang;
use kfq_ledger::Book;
use kfq_store::Db;
use serde::Serialize;
use serde_json::{Map, Value};

use crate::books::{self, Ctx, Set, ZoneRecord};
use crate::render::ReportTable;
use crate::{Actor, AppError, Expected};

/// A delegated power as the list and its page show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PowerView {
    pub id: i64,
    pub zone_id: i64,
    pub zone: String,
    pub level: GrantLevel,
    pub name: String,
    pub code: String,
    pub granted_on: Option<NaiveDate>,
    pub taken_up_on: Option<NaiveDate>,
    pub note: String,
    pub version: i64,
}

fn power_view(p: &DelegatedPower, zone: &Zone) -> PowerView {
    PowerView {
        id: p.id,
        zone_id: zone.id,
        zone: zone.name.clone(),
        level: p.level,
        name: p.name.clone(),
        code: p.code.clone(),
        granted_on: p.granted_on,
        taken_up_on: p.taken_up_on,
        note: p.note.clone(),
        version: p.version,
    }
}

/// A bundled service as the list and its page show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BundleView {
    pub id: i64,
    pub zone_id: i64,
    pub zone: String,
    pub name: String,
    pub procedures: Vec<String>,
    pub launched_on: Option<NaiveDate>,
    pub note: String,
    pub version: i64,
}

fn bundle_view(b: &ServiceBundle, zone: &Zone) -> BundleView {
    BundleView {
        id: b.id,
        zone_id: zone.id,
        zone: zone.name.clone(),
        name: b.name.clone(),
        procedures: b.procedures.clone(),
        launched_on: b.launched_on,
        note: b.note.clone(),
        version: b.version,
    }
}

impl ZoneRecord for DelegatedPower {
    const BOOK: Book = Book::Powers;
    const OBJECT: &'static str = "delegated_power";
    const ITEM: &'static str = "power";
    type View = PowerView;

    fn view(&self, zone: &Zone) -> PowerView {
        power_view(self, zone)
    }

    fn blank(zone_id: i64, _today: NaiveDate) -> DelegatedPower {
        DelegatedPower::new(zone_id, GrantLevel::City, "")
    }

    fn key(&self) -> String {
        format!("{}|{}", self.level.code(), self.name)
    }

    fn label(&self) -> String {
        self.name.clone()
    }

    fn apply(self, fields: &Map<String, Value>, ctx: &Ctx) -> Result<DelegatedPower, AppError> {
        let lang = ctx.lang;
        books::apply_fields(
            self,
            fields,
            lang,
            Expected::PowerField,
            |p, key, text| {
                let slot = match key {
                    "name" => &mut p.name,
                    "code" => &mut p.code,
                    "note" => &mut p.note,
                    "level" => {
                        return books::coded(&text, Expected::GrantLevel, lang)
                            .map(|l| p.level = l)
                            .into()
                    }
                    "granted_on" => {
                        return books::day(&text, lang).map(|d| p.granted_on = d).into()
                    }
                    "taken_up_on" => {
                        return books::day(&text, lang).map(|d| p.taken_up_on = d).into()
                    }
                    _ => return Set::Unknown,
                };
                *slot = text;
                Set::Done
            },
            DelegatedPower::settle,
        )
    }

    fn json(&self) -> Value {
        serde_json::json!({
            "zone_id": self.zone_id, "level": self.level.code(), "name": self.name,
            "code": self.code, "granted_on": self.granted_on, "taken_up_on": self.taken_up_on,
            "note": self.note, "version": self.version,
        })
    }

    fn cells(&self, lang: Lang) -> Vec<(&'static str, String)> {
        vec![
            ("level", books::coded_cell(self.level, lang)),
            ("name", self.name.clone()),
            ("code", self.code.clone()),
            ("granted_on", books::date_cell(self.granted_on)),
            ("taken_up_on", books::date_cell(self.taken_up_on)),
            ("note", self.note.clone()),
        ]
    }

    books::stored!(
        DelegatedPower,
        kfq_store::powers,
        kfq_store::power_by_id,
        kfq_store::power_in,
        kfq_store::insert_power,
        kfq_store::save_power
    );
}

impl ZoneRecord for ServiceBundle {
    const BOOK: Book = Book::Bundles;
    const OBJECT: &'static str = "service_bundle";
    const ITEM: &'static str = "bundle";
    type View = BundleView;

    fn view(&self, zone: &Zone) -> BundleView {
        bundle_view(self, zone)
    }

    fn blank(zone_id: i64, _today: NaiveDate) -> ServiceBundle {
        ServiceBundle::new(zone_id, "")
    }

    fn key(&self) -> String {
        self.name.clone()
    }

    fn label(&self) -> String {
        self.name.clone()
    }

    fn apply(self, fields: &Map<String, Value>, ctx: &Ctx) -> Result<ServiceBundle, AppError> {
        let lang = ctx.lang;
        books::apply_fields(
            self,
            fields,
            lang,
            Expected::BundleField,
            |b, key, text| {
                match key {
                    "name" => b.name = text,
                    "note" => b.note = text,
                    "procedures" => b.procedures = delegation::split_list(&text),
                    "launched_on" => {
                        return books::day(&text, lang).map(|d| b.launched_on = d).into()
                    }
                    _ => return Set::Unknown,
                }
                Set::Done
            },
            ServiceBundle::settle,
        )
    }

    fn json(&self) -> Value {
        serde_json::json!({
            "zone_id": self.zone_id, "name": self.name, "procedures": self.procedures,
            "launched_on": self.launched_on, "note": self.note, "version": self.version,
        })
    }

    fn cells(&self, _lang: Lang) -> Vec<(&'static str, String)> {
        vec![
            ("name", self.name.clone()),
            ("procedures", self.procedures.join("、")),
            ("launched_on", books::date_cell(self.launched_on)),
            ("note", self.note.clone()),
        ]
    }

    books::stored!(
        ServiceBundle,
        kfq_store::bundles,
        kfq_store::bundle_by_id,
        kfq_store::bundle_in,
        kfq_store::insert_bundle,
        kfq_store::save_bundle
    );
}

/// Which powers a list shows.
#[derive(Debug, Clone, Default)]
pub struct PowerFilter {
    /// 赋权层级, by code or name.
    pub level: Option<String>,
    /// `yes` for those taken up, `no` for those not (yet).
    pub taken_up: Option<String>,
    /// Words of the name or code.
    pub q: Option<String>,
}

fn given(text: &Option<String>) -> Option<&str> {
    text.as_deref().map(str::trim).filter(|t| !t.is_empty())
}

async fn powers_found(
    db: &Db,
    actor: &Actor,
    region: Option<&str>,
    filter: &PowerFilter,
) -> Result<Vec<(DelegatedPower, Zone)>, AppError> {
    let level = match given(&filter.level) {
        None => None,
        Some(l) => Some(GrantLevel::parse(l).ok_or_else(|| AppError::BadArgument {
            name: "level",
            value: l.into(),
            expected: Expected::GrantLevel,
        })?),
    };
    let taken_up = match given(&filter.taken_up) {
        None => None,
        Some("yes" | "1" | "true" | "是") => Some(true),
        Some("no" | "0" | "false" | "否") => Some(false),
        Some(other) => {
            return Err(AppError::BadArgument {
                name: "taken_up",
                value: other.into(),
                expected: Expected::Flag,
            })
        }
    };
    let q = given(&filter.q);
    let mut found = books::in_scope::<DelegatedPower>(db, actor, region).await?;
    found.retain(|(p, _)| {
        level.is_none_or(|l| p.level == l)
            && taken_up.is_none_or(|t| p.taken_up_on.is_some() == t)
            && q.is_none_or(|q| p.name.contains(q) || p.code.contains(q))
    });
    found.sort_by(|(a, za), (b, zb)| {
        (&za.name, a.level, &a.name).cmp(&(&zb.name, b.level, &b.name))
    });
    Ok(found)
}

/// The powers delegated to the zones of the actor's scope (or the region asked for).
pub async fn powers(
    db: &Db,
    actor: &Actor,
    region: Option<&str>,
    filter: &PowerFilter,
) -> Result<Vec<PowerView>, AppError> {
    let found = powers_found(db, actor, region, filter).await?;
    Ok(found.iter().map(|(p, z)| power_view(p, z)).collect())
}

/// The same powers as the zones' book of them.
pub async fn powers_book(
    db: &Db,
    actor: &Actor,
    region: Option<&str>,
    filter: &PowerFilter,
) -> Result<(usize, ReportTable), AppError> {
    let found = powers_found(db, actor, region, filter).await?;
    let title = actor.lang.pick("赋权事项台账", "Delegated powers");
    let table = books::table(found.iter().map(|(p, z)| (p, z)), title, actor.lang);
    Ok((found.len(), table))
}

async fn bundles_found(
    db: &Db,
    actor: &Actor,
    region: Option<&str>,
) -> Result<Vec<(ServiceBundle, Zone)>, AppError> {
    let mut found = books::in_scope::<ServiceBundle>(db, actor, region).await?;
    found.sort_by(|(a, za), (b, zb)| (&za.name, &a.name).cmp(&(&zb.name, &b.name)));
    Ok(found)
}

/// The bundled services of the zones of the actor's scope (or the region asked for).
pub async fn bundles(
    db: &Db,
    actor: &Actor,
    region: Option<&str>,
) -> Result<Vec<BundleView>, AppError> {
    let found = bundles_found(db, actor, region).await?;
    Ok(found.iter().map(|(b, z)| bundle_view(b, z)).collect())
}

/// The same bundles as the zones' book of them.
pub async fn bundles_book(
    db: &Db,
    actor: &Actor,
    region: Option<&str>,
) -> Result<(usize, ReportTable), AppError> {
    let found = bundles_found(db, actor, region).await?;
    let title = actor.lang.pick("一件事一次办台账", "Bundled services");
    let table = books::table(found.iter().map(|(b, z)| (b, z)), title, actor.lang);
    Ok((found.len(), table))
}

/// A zone's line of the figures.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DelegationLine {
    pub name: String,
    pub figures: DelegationFigures,
}

/// 赋权事项 and 一件事一次办 of a region as of a day: in all and by zone.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DelegationReport {
    pub region: String,
    pub name: String,
    pub as_of: NaiveDate,
    pub figures: DelegationFigures,
    pub zones: Vec<DelegationLine>,
}

/// The figures of a region (the actor's scope by default) as of the end of `as_of`.
pub async fn report(
    db: &Db,
    actor: &Actor,
    region: Option<&str>,
    as_of: NaiveDate,
) -> Result<DelegationReport, AppError> {
    let (scope, in_scope) = crate::reports::zones_in_scope(db, actor, region).await?;
    let powers: Vec<DelegatedPower> = kfq_store::powers(db)
        .await?
        .into_iter()
        .filter(|p| in_scope.contains_key(&p.zone_id))
        .collect();
    let bundles: Vec<ServiceBundle> = kfq_store::bundles(db)
        .await?
        .into_iter()
        .filter(|b| in_scope.contains_key(&b.zone_id))
        .collect();
    let mut by_zone: BTreeMap<&str, (Vec<&DelegatedPower>, Vec<&ServiceBundle>)> = BTreeMap::new();
    for p in &powers {
        if let Some(z) = in_scope.get(&p.zone_id) {
            by_zone.entry(z.name.as_str()).or_default().0.push(p);
        }
    }
    for b in &bundles {
        if let Some(z) = in_scope.get(&b.zone_id) {
            by_zone.entry(z.name.as_str()).or_default().1.push(b);
        }
    }
    let mut zones: Vec<DelegationLine> = by_zone
        .iter()
        .map(|(name, (p, b))| DelegationLine {
            name: name.to_string(),
            figures: delegation::figures(p.iter().copied(), b.iter().copied(), as_of),
        })
        .filter(|l| l.figures != DelegationFigures::default())
        .collect();
    zones.sort_by(|a, b| {
        b.figures
            .taken_up
            .cmp(&a.figures.taken_up)
            .then(a.name.cmp(&b.name))
    });
    Ok(DelegationReport {
        region: scope.key(),
        name: scope.name(),
        as_of,
        figures: delegation::figures(&powers, &bundles, as_of),
        zones,
    })
}
