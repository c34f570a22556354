//! 范围 — the part of the hierarchy a user, a report or an export covers: a province, a city
//! or a zone. A zone sees its zone, a city its zones, the province all.

use serde::Serialize;

use crate::region::{regions, RegionCode};
use crate::zone::Zone;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "level", rename_all = "snake_case")]
pub enum Scope {
    /// 全国 — every province: the command line's operator, a national deployment.
    Country,
    Province {
        code: RegionCode,
    },
    City {
        code: RegionCode,
    },
    Zone {
        id: i64,
        name: String,
        city: RegionCode,
    },
}

impl Scope {
    /// Reads a region as users write it: a GB/T 2260 code, a province or city name, or a zone's
    /// name. None when it names nothing known.
    pub fn resolve(text: &str, zones: &[Zone]) -> Option<Scope> {
        let text = text.trim();
        if let Some(zone) = zones.iter().find(|z| z.name == text) {
            return Some(Scope::of_zone(zone));
        }
        let region = regions().find(text)?;
        Some(if region.code.is_province() {
            Scope::Province { code: region.code }
        } else {
            Scope::City { code: region.code }
        })
    }

    pub fn of_zone(zone: &Zone) -> Scope {
        Scope::Zone {
            id: zone.id,
            name: zone.name.clone(),
            city: zone.city,
        }
    }

    /// How a user's scope is stored: the region code, or `zone:<id>`.
    pub fn stored(&self) -> String {
        match self {
            Scope::Country => "country".into(),
            Scope::Province { code } | Scope::City { code } => code.to_string(),
            Scope::Zone { id, .. } => format!("zone:{id}"),
        }
    }

    /// Reads a stored scope back.
    pub fn from_stored(text: &str, zones: &[Zone]) -> Option<Scope> {
        if text == "country" {
            return Some(Scope::Country);
        }
        match text.strip_prefix("zone:") {
            Some(id) => {
                let id: i64 = id.parse().ok()?;
                zones.iter().find(|z| z.id == id).map(Scope::of_zone)
            }
            None => {
                let code = RegionCode::parse(text).ok()?;
                Some(if code.is_province() {
                    Scope::Province { code }
                } else {
                    Scope::City { code }
                })
            }
        }
    }

    pub fn contains(&self, zone: &Zone) -> bool {
        match self {
            Scope::Country => true,
            Scope::Province { code } => zone.city.province() == *code,
            Scope::City { code } => zone.city == *code,
            Scope::Zone { id, .. } => zone.id == *id,
        }
    }

    /// Whether everything in `other` lies inside this scope.
    pub fn covers(&self, other: &Scope) -> bool {
        match (self, other) {
            (Scope::Country, _) => true,
            (Scope::Province { code }, Scope::Province { code: o }) => code == o,
            (Scope::Province { code }, Scope::City { code: o }) => o.province() == *code,
            (Scope::Province { code }, Scope::Zone { city, .. }) => city.province() == *code,
            (Scope::City { code }, Scope::City { code: o }) => code == o,
            (Scope::City { code }, Scope::Zone { city, .. }) => city == code,
            (Scope::Zone { id, .. }, Scope::Zone { id: o, .. }) => id == o,
            _ => false,
        }
    }

    /// The key reports print for the scope: the code, or the zone's name.
    pub fn key(&self) -> String {
        match self {
            Scope::Country => "100000".into(),
            Scope::Province { code } | Scope::City { code } => code.to_string(),
            Scope::Zone { name, .. } => name.clone(),
        }
    }

    pub fn name(&self) -> String {
        match self {
            Scope::Country => "全国".into(),
            Scope::Province { code } | Scope::City { code } => regions().name(*code).to_string(),
            Scope::Zone { name, .. } => name.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::zone::{ZoneKind, ZoneLevel};

    fn zone(id: i64, name: &str, city: &str) -> Zone {
        Zone {
            id,
            name: name.into(),
            city: RegionCode::parse(city).unwrap(),
            level: ZoneLevel::Provincial,
            kind: ZoneKind::Economic,
        }
    }

    #[test]
    fn a_zone_sees_its_zone_a_city_its_zones_the_province_all() {
        let zones = [
            zone(1, "吕梁经济技术开发区", "141100"),
            zone(2, "中北高新区", "140100"),
        ];
        let province = Scope::resolve("140000", &zones).unwrap();
        let lvliang = Scope::resolve("吕梁市", &zones).unwrap();
        let zone1 = Scope::resolve("吕梁经济技术开发区", &zones).unwrap();
        assert!(province.contains(&zones[0]) && province.contains(&zones[1]));
        assert!(lvliang.contains(&zones[0]) && !lvliang.contains(&zones[1]));
        assert!(zone1.contains(&zones[0]) && !zone1.contains(&zones[1]));
        assert!(province.covers(&lvliang) && province.covers(&zone1));
        assert!(lvliang.covers(&zone1) && !lvliang.covers(&province));
        assert!(!zone1.covers(&lvliang));
        let taiyuan = Scope::resolve("140100", &zones).unwrap();
        assert!(!lvliang.covers(&taiyuan));
    }

    #[test]
    fn scopes_are_stored_and_read_back() {
        let zones = [zone(7, "孝义经济开发区", "141100")];
        for text in ["140000", "141100", "孝义经济开发区"] {
            let scope = Scope::resolve(text, &zones).unwrap();
            assert_eq!(Scope::from_stored(&scope.stored(), &zones), Some(scope));
        }
        assert_eq!(Scope::from_stored("zone:99", &zones), None);
    }
}
