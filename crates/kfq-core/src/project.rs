//! 项目 — an investment project and the rules a project record must keep.

use std::fmt;

use chrono::NaiveDate;
use serde::{Serialize, Serializer};

use crate::lang::{Lang, Localized};
use crate::money::Amount;
use crate::stage::{stage_of, OutOfOrder, Stage, StageDates};

/// 项目编号 — the project's code in kfq and in the zone's ledger.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ProjectCode(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProjectCodeError {
    #[error("empty")]
    Empty,
    #[error("too long")]
    TooLong,
    #[error("character '{0}' not allowed")]
    Character(char),
}

impl Localized for ProjectCodeError {
    fn message(&self, lang: Lang) -> String {
        match (self, lang) {
            (ProjectCodeError::Empty, _) => lang.pick("项目编号不能为空", "is empty").into(),
            (ProjectCodeError::TooLong, _) => lang
                .pick("项目编号不能超过 40 个字符", "is longer than 40 characters")
                .into(),
            (ProjectCodeError::Character(c), Lang::Zh) => {
                format!("项目编号只能含字母、数字和 - _ ，不能含“{c}”")
            }
            (ProjectCodeError::Character(c), Lang::En) => {
                format!("may hold only letters, digits, - and _, not '{c}'")
            }
        }
    }
}

impl ProjectCode {
    pub fn parse(text: &str) -> Result<ProjectCode, ProjectCodeError> {
        let text = text.trim();
        if text.is_empty() {
            return Err(ProjectCodeError::Empty);
        }
        if text.chars().count() > 40 {
            return Err(ProjectCodeError::TooLong);
        }
        if let Some(c) = text
            .chars()
            .find(|c| !(c.is_ascii_alphanumeric() || *c == '-' || *c == '_'))
        {
            return Err(ProjectCodeError::Character(c));
        }
        Ok(ProjectCode(text.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for ProjectCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl Serialize for ProjectCode {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

/// 项目类别
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Category {
    /// 产业类 — industrial projects; the only ones with output to reach (达产).
    Industrial,
    /// 基础设施类
    Infrastructure,
    /// 社会民生类
    Social,
}

impl Category {
    pub const ALL: [Category; 3] = [
        Category::Industrial,
        Category::Infrastructure,
        Category::Social,
    ];

    pub fn parse(text: &str) -> Option<Category> {
        match text.trim() {
            "产业类" | "产业" | "industrial" => Some(Category::Industrial),
            "基础设施类" | "基础设施" | "infrastructure" => Some(Category::Infrastructure),
            "社会民生类" | "社会民生" | "民生类" | "social" => Some(Category::Social),
            _ => None,
        }
    }

    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            Category::Industrial => lang.pick("产业类", "industrial"),
            Category::Infrastructure => lang.pick("基础设施类", "infrastructure"),
            Category::Social => lang.pick("社会民生类", "social"),
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Category::Industrial => "industrial",
            Category::Infrastructure => "infrastructure",
            Category::Social => "social",
        }
    }
}

/// A land area in 亩, exact to 0.01 亩.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default)]
pub struct LandArea(i64);

impl LandArea {
    pub fn from_hundredths(h: i64) -> LandArea {
        LandArea(h)
    }

    pub fn hundredths(self) -> i64 {
        self.0
    }

    /// Parses `"4146.29"` 亩; more than two decimals or a negative value is refused.
    pub fn parse(text: &str) -> Option<LandArea> {
        // 1 亩 = 100 hundredths, the same arithmetic as 1 万元 = 10000 元 with a smaller scale.
        let text = text.trim();
        let (int, frac) = text.split_once('.').unwrap_or((text, ""));
        let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
        if int.is_empty() || !digits(int) || !digits(frac) || frac.trim_end_matches('0').len() > 2 {
            return None;
        }
        let int: i64 = int.parse().ok()?;
        let frac = format!("{:0<2}", &frac[..frac.len().min(2)]);
        Some(LandArea(int.checked_mul(100)? + frac.parse::<i64>().ok()?))
    }
}

impl fmt::Display for LandArea {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&crate::money::decimal_string(self.0, 100, None))
    }
}

impl Serialize for LandArea {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// An investment project as kfq keeps it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Project {
    pub id: i64,
    pub code: ProjectCode,
    pub name: String,
    pub zone_id: i64,
    pub enterprise_id: Option<i64>,
    /// 产业链 — the industry chain, e.g. 新能源汽车; empty when not on a chain.
    pub chain: String,
    /// 是否战新 — belongs to a strategic emerging industry.
    pub strategic_emerging: bool,
    pub category: Category,
    /// 总投资
    pub total_investment: Amount,
    /// 预计年产值
    pub expected_output: Option<Amount>,
    /// 用地面积（亩）
    pub land_area: Option<LandArea>,
    pub dates: StageDates,
    pub terminated_on: Option<NaiveDate>,
    /// Bumped by every change, so that a stale edit is refused rather than applied.
    pub version: i64,
}

/// A project that breaks a rule.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProjectError {
    #[error("name is empty")]
    EmptyName,
    #[error("stage dates out of order: {0}")]
    OutOfOrder(OutOfOrder),
    #[error("terminated before its latest milestone")]
    TerminatedTooEarly {
        terminated_on: NaiveDate,
        latest: NaiveDate,
    },
}

impl Localized for ProjectError {
    fn message(&self, lang: Lang) -> String {
        match (self, lang) {
            (ProjectError::EmptyName, _) => {
                lang.pick("项目名称不能为空", "the name is empty").into()
            }
            (ProjectError::OutOfOrder(o), _) => o.message(lang),
            (
                ProjectError::TerminatedTooEarly {
                    terminated_on,
                    latest,
                },
                Lang::Zh,
            ) => {
                format!("终止日期 {terminated_on} 早于最近的阶段日期 {latest}")
            }
            (
                ProjectError::TerminatedTooEarly {
                    terminated_on,
                    latest,
                },
                Lang::En,
            ) => {
                format!("terminated on {terminated_on}, before its latest milestone on {latest}")
            }
        }
    }
}

impl Project {
    pub fn stage(&self) -> Stage {
        stage_of(&self.dates, self.terminated_on)
    }

    /// Every rule the record breaks; empty when it is sound.
    pub fn check(&self) -> Vec<ProjectError> {
        let mut problems = Vec::new();
        if self.name.trim().is_empty() {
            problems.push(ProjectError::EmptyName);
        }
        problems.extend(
            self.dates
                .check_order()
                .into_iter()
                .map(ProjectError::OutOfOrder),
        );
        if let (Some(t), Some((_, latest))) = (self.terminated_on, self.dates.latest()) {
            if t < latest {
                problems.push(ProjectError::TerminatedTooEarly {
                    terminated_on: t,
                    latest,
                });
            }
        }
        problems
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn project_codes_are_plain_identifiers() {
        assert!(ProjectCode::parse("140100-2024-0001").is_ok());
        assert_eq!(ProjectCode::parse("  "), Err(ProjectCodeError::Empty));
        assert_eq!(
            ProjectCode::parse("A 1"),
            Err(ProjectCodeError::Character(' '))
        );
    }

    #[test]
    fn land_areas_keep_two_decimals_exactly() {
        assert_eq!(LandArea::parse("4146.29"), Some(LandArea(414_629)));
        assert_eq!(LandArea::parse("12"), Some(LandArea(1200)));
        assert_eq!(LandArea::parse("12.5"), Some(LandArea(1250)));
        assert_eq!(LandArea::parse("12.500"), Some(LandArea(1250)));
        assert_eq!(LandArea::parse("12.555"), None);
        assert_eq!(LandArea::parse("-1"), None);
        assert_eq!(LandArea(414_629).to_string(), "4146.29");
    }

    #[test]
    fn categories_parse_from_the_ledger_words() {
        assert_eq!(Category::parse("产业类"), Some(Category::Industrial));
        assert_eq!(Category::parse("社会民生类"), Some(Category::Social));
        assert_eq!(Category::parse("工业"), None);
    }
}
