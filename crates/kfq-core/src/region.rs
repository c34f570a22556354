//! 行政区划 — provinces and prefecture-level cities, by their GB/T 2260 codes.

use std::collections::HashMap;
use std::fmt;
use std::sync::OnceLock;

use serde::{Serialize, Serializer};

use crate::lang::{Lang, Localized};

/// A six-digit GB/T 2260 administrative division code, e.g. `140100` (太原市).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct RegionCode(u32);

/// Why a text is not a known region code.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RegionError {
    #[error("not a six-digit GB/T 2260 code")]
    Malformed,
    #[error("no such province or prefecture-level city")]
    Unknown,
}

impl Localized for RegionError {
    fn message(&self, lang: Lang) -> String {
        let (zh, en) = match self {
            RegionError::Malformed => (
                "不是六位行政区划代码（GB/T 2260）",
                "is not a six-digit GB/T 2260 code",
            ),
            RegionError::Unknown => (
                "没有这个省或地级市",
                "is no known province or prefecture-level city",
            ),
        };
        lang.pick(zh, en).to_string()
    }
}

impl RegionCode {
    /// Parses a code and checks it names a province or prefecture-level city in the catalogue.
    pub fn parse(text: &str) -> Result<RegionCode, RegionError> {
        let text = text.trim();
        if text.len() != 6 || !text.bytes().all(|b| b.is_ascii_digit()) {
            return Err(RegionError::Malformed);
        }
        let code = RegionCode(text.parse().map_err(|_| RegionError::Malformed)?);
        if regions().get(code).is_none() {
            return Err(RegionError::Unknown);
        }
        Ok(code)
    }

    pub fn value(self) -> u32 {
        self.0
    }

    pub fn is_province(self) -> bool {
        self.0.is_multiple_of(10_000)
    }

    /// The province this code lies in (itself for a province).
    pub fn province(self) -> RegionCode {
        RegionCode(self.0 / 10_000 * 10_000)
    }

    /// True when `other` is this region or lies inside it.
    pub fn contains(self, other: RegionCode) -> bool {
        self == other || (self.is_province() && other.province() == self)
    }
}

impl fmt::Display for RegionCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:06}", self.0)
    }
}

impl Serialize for RegionCode {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// One province or prefecture-level city.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Region {
    pub code: RegionCode,
    pub name: String,
    pub parent: Option<RegionCode>,
}

/// The catalogue of provinces and prefecture-level cities, from `data/regions.csv`
/// (source and derivation in `data/regions.SOURCE.md`).
#[derive(Debug)]
pub struct Regions {
    list: Vec<Region>,
    by_code: HashMap<RegionCode, usize>,
}

impl Regions {
    fn load(csv: &str) -> Regions {
        let mut list = Vec::new();
        for line in csv.lines().skip(1).filter(|l| !l.trim().is_empty()) {
            let mut parts = line.split(',');
            let (Some(code), Some(name), parent) = (parts.next(), parts.next(), parts.next())
            else {
                continue;
            };
            let Ok(code) = code.parse::<u32>() else {
                continue;
            };
            let parent = parent
                .filter(|p| !p.is_empty())
                .and_then(|p| p.parse().ok())
                .map(RegionCode);
            list.push(Region {
                code: RegionCode(code),
                name: name.to_string(),
                parent,
            });
        }
        let by_code = list.iter().enumerate().map(|(i, r)| (r.code, i)).collect();
        Regions { list, by_code }
    }

    pub fn get(&self, code: RegionCode) -> Option<&Region> {
        self.by_code.get(&code).map(|&i| &self.list[i])
    }

    pub fn name(&self, code: RegionCode) -> &str {
        self.get(code).map_or("", |r| r.name.as_str())
    }

    /// Finds a region by its code or its name (`太原市`, or `太原` without the suffix).
    pub fn find(&self, text: &str) -> Option<&Region> {
        let text = text.trim();
        if let Ok(code) = RegionCode::parse(text) {
            return self.get(code);
        }
        self.list.iter().find(|r| r.name == text).or_else(|| {
            self.list
                .iter()
                .find(|r| r.name.trim_end_matches(['市', '省']) == text)
        })
    }

    /// The prefecture-level cities of a province, in code order.
    pub fn cities_of(&self, province: RegionCode) -> impl Iterator<Item = &Region> {
        self.list.iter().filter(move |r| r.parent == Some(province))
    }

    pub fn all(&self) -> &[Region] {
        &self.list
    }
}

/// The built-in catalogue.
pub fn regions() -> &'static Regions {
    static REGIONS: OnceLock<Regions> = OnceLock::new();
    REGIONS.get_or_init(|| Regions::load(include_str!("../data/regions.csv")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_catalogue_holds_every_province_and_shanxis_eleven_cities() {
        let all = regions().all();
        assert_eq!(all.iter().filter(|r| r.parent.is_none()).count(), 34);
        let shanxi = RegionCode::parse("140000").unwrap();
        let cities: Vec<&str> = regions()
            .cities_of(shanxi)
            .map(|r| r.name.as_str())
            .collect();
        assert_eq!(
            cities,
            [
                "太原市",
                "大同市",
                "阳泉市",
                "长治市",
                "晋城市",
                "朔州市",
                "晋中市",
                "运城市",
                "忻州市",
                "临汾市",
                "吕梁市"
            ]
        );
    }

    #[test]
    fn codes_are_checked_for_form_and_existence() {
        assert_eq!(RegionCode::parse("14010"), Err(RegionError::Malformed));
        assert_eq!(RegionCode::parse("14010x"), Err(RegionError::Malformed));
        assert_eq!(RegionCode::parse("149900"), Err(RegionError::Unknown));
        let taiyuan = RegionCode::parse(" 140100 ").unwrap();
        assert_eq!(taiyuan.to_string(), "140100");
        assert_eq!(taiyuan.province().to_string(), "140000");
    }

    #[test]
    fn a_province_contains_its_cities_and_a_city_only_itself() {
        let shanxi = RegionCode::parse("140000").unwrap();
        let taiyuan = RegionCode::parse("140100").unwrap();
        let lvliang = RegionCode::parse("141100").unwrap();
        assert!(shanxi.contains(taiyuan));
        assert!(taiyuan.contains(taiyuan));
        assert!(!taiyuan.contains(lvliang));
        assert!(!taiyuan.contains(shanxi));
    }

    #[test]
    fn regions_are_found_by_name_with_or_without_suffix() {
        assert_eq!(
            regions()
                .find("吕梁")
                .map(|r| r.code.to_string())
                .as_deref(),
            Some("141100")
        );
        assert_eq!(
            regions().find("太原市").map(|r| r.code.value()),
            Some(140100)
        );
        assert_eq!(regions().find("山西").map(|r| r.code.value()), Some(140000));
        assert!(regions().find("火星").is_none());
    }
}
