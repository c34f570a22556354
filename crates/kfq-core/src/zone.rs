//! 开发区 — development zones: their level, kind and the city they belong to.

use serde::Serialize;

use crate::lang::Lang;
use crate::region::RegionCode;

/// 级别 — whether the State Council or the province approved the zone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ZoneLevel {
    /// 国家级
    National,
    /// 省级
    Provincial,
}

impl ZoneLevel {
    pub fn parse(text: &str) -> Option<ZoneLevel> {
        match text.trim() {
            "国家级" | "国家" | "national" => Some(ZoneLevel::National),
            "省级" | "省" | "provincial" => Some(ZoneLevel::Provincial),
            _ => None,
        }
    }

    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            ZoneLevel::National => lang.pick("国家级", "national"),
            ZoneLevel::Provincial => lang.pick("省级", "provincial"),
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            ZoneLevel::National => "national",
            ZoneLevel::Provincial => "provincial",
        }
    }
}

/// 类型 — the kind of zone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ZoneKind {
    /// 经济技术开发区 / 经济开发区
    Economic,
    /// 高新技术产业开发区
    HighTech,
    /// 转型综合改革示范区
    Comprehensive,
    /// 现代农业产业示范区 and other specialised zones
    Other,
}

impl ZoneKind {
    pub fn parse(text: &str) -> Option<ZoneKind> {
        match text.trim() {
            "经开区" | "经济技术开发区" | "经济开发区" | "economic" => {
                Some(ZoneKind::Economic)
            }
            "高新区" | "高新技术产业开发区" | "high_tech" => Some(ZoneKind::HighTech),
            "综改区" | "综改示范区" | "转型综合改革示范区" | "comprehensive" => {
                Some(ZoneKind::Comprehensive)
            }
            "其他" | "other" => Some(ZoneKind::Other),
            _ => None,
        }
    }

    /// The kind a zone's name suggests, for ledgers that leave the column empty.
    pub fn from_name(name: &str) -> ZoneKind {
        if name.contains("高新") {
            ZoneKind::HighTech
        } else if name.contains("综改") || name.contains("综合改革") {
            ZoneKind::Comprehensive
        } else if name.contains("经济") || name.contains("经开") {
            ZoneKind::Economic
        } else {
            ZoneKind::Other
        }
    }

    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            ZoneKind::Economic => lang.pick("经开区", "economic"),
            ZoneKind::HighTech => lang.pick("高新区", "high-tech"),
            ZoneKind::Comprehensive => lang.pick("综改区", "comprehensive reform"),
            ZoneKind::Other => lang.pick("其他", "other"),
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            ZoneKind::Economic => "economic",
            ZoneKind::HighTech => "high_tech",
            ZoneKind::Comprehensive => "comprehensive",
            ZoneKind::Other => "other",
        }
    }
}

/// A development zone (开发区) under a prefecture-level city.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Zone {
    pub id: i64,
    pub name: String,
    pub city: RegionCode,
    pub level: ZoneLevel,
    pub kind: ZoneKind,
}
