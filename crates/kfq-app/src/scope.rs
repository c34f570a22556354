//! 范围 — the part of the country a report or export covers: a province, a city or a zone.

use kfq_core::region::{regions, RegionCode};
use kfq_core::zone::Zone;

use crate::AppError;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    Province(RegionCode),
    City(RegionCode),
    Zone {
        id: i64,
        name: String,
        city: RegionCode,
    },
}

impl Scope {
    /// Reads `--region`: a GB/T 2260 code, a province or city name, or a zone's name.
    pub fn resolve(text: &str, zones: &[Zone]) -> Result<Scope, AppError> {
        let text = text.trim();
        if let Some(zone) = zones.iter().find(|z| z.name == text) {
            return Ok(Scope::Zone {
                id: zone.id,
                name: zone.name.clone(),
                city: zone.city,
            });
        }
        match regions().find(text) {
            Some(r) if r.code.is_province() => Ok(Scope::Province(r.code)),
            Some(r) => Ok(Scope::City(r.code)),
            None => Err(AppError::UnknownRegion(text.into())),
        }
    }

    pub fn contains(&self, zone: &Zone) -> bool {
        match self {
            Scope::Province(p) => zone.city.province() == *p,
            Scope::City(c) => zone.city == *c,
            Scope::Zone { id, .. } => zone.id == *id,
        }
    }

    /// The key reports print for the scope: the code, or the zone's name.
    pub fn key(&self) -> String {
        match self {
            Scope::Province(c) | Scope::City(c) => c.to_string(),
            Scope::Zone { name, .. } => name.clone(),
        }
    }

    pub fn name(&self) -> String {
        match self {
            Scope::Province(c) | Scope::City(c) => regions().name(*c).to_string(),
            Scope::Zone { name, .. } => name.clone(),
        }
    }
}
