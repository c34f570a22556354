//! 月报 — investment completed per project per month.

use std::fmt;

use serde::{Serialize, Serializer};

use crate::lang::{Lang, Localized};
use crate::money::Amount;

/// A calendar month (统计月份).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Month {
    pub year: i32,
    pub month: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("not a month: expected 2024-03 or 2024年3月")]
pub struct MonthError;

impl Localized for MonthError {
    fn message(&self, lang: Lang) -> String {
        lang.pick(
            "不是有效的月份，应写作“2024-03”或“2024年3月”",
            "is not a month; write 2024-03 or 2024年3月",
        )
        .into()
    }
}

impl Month {
    pub fn new(year: i32, month: u32) -> Option<Month> {
        ((1..=12).contains(&month) && (1900..=2200).contains(&year))
            .then_some(Month { year, month })
    }

    /// Parses `2024-03`, `2024-3`, `2024/03`, `2024.3`, `202403` or `2024年3月`.
    pub fn parse(text: &str) -> Result<Month, MonthError> {
        let text = text.trim().trim_end_matches('月');
        let parts: Vec<&str> = text.split(['-', '/', '.', '年']).collect();
        let (y, m) = match parts.as_slice() {
            [y, m] => (*y, *m),
            // Six ASCII digits; any other six bytes (two Chinese characters) are not a month.
            [ym] if ym.len() == 6 && ym.is_ascii() => (&ym[..4], &ym[4..]),
            _ => return Err(MonthError),
        };
        let year = y.trim().parse().map_err(|_| MonthError)?;
        let month = m.trim().parse().map_err(|_| MonthError)?;
        Month::new(year, month).ok_or(MonthError)
    }

    /// `yyyymm`, the form months are stored in.
    pub fn key(self) -> i64 {
        i64::from(self.year) * 100 + i64::from(self.month)
    }

    pub fn from_key(key: i64) -> Option<Month> {
        Month::new(
            i32::try_from(key / 100).ok()?,
            u32::try_from(key % 100).ok()?,
        )
    }

    pub fn of(date: chrono::NaiveDate) -> Month {
        use chrono::Datelike;
        Month {
            year: date.year(),
            month: date.month(),
        }
    }

    /// The month before.
    pub fn previous(self) -> Month {
        if self.month == 1 {
            Month {
                year: self.year - 1,
                month: 12,
            }
        } else {
            Month {
                year: self.year,
                month: self.month - 1,
            }
        }
    }

    pub fn next(self) -> Month {
        if self.month == 12 {
            Month {
                year: self.year + 1,
                month: 1,
            }
        } else {
            Month {
                year: self.year,
                month: self.month + 1,
            }
        }
    }
}

impl fmt::Display for Month {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-{:02}", self.year, self.month)
    }
}

impl Serialize for Month {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// A monthly report: what a project invested in one month (本月完成投资).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MonthlyReport {
    pub project_id: i64,
    pub month: Month,
    pub invested: Amount,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months_parse_as_clerks_write_them() {
        let m = Month {
            year: 2024,
            month: 3,
        };
        for text in [
            "2024-03",
            "2024-3",
            "2024/03",
            "2024.3",
            "202403",
            "2024年3月",
        ] {
            assert_eq!(Month::parse(text), Ok(m), "{text}");
        }
        assert_eq!(Month::parse("2024-13"), Err(MonthError));
        assert_eq!(Month::parse("March"), Err(MonthError));
        assert_eq!(m.to_string(), "2024-03");
        assert_eq!(Month::from_key(m.key()), Some(m));
        assert_eq!(
            Month {
                year: 2024,
                month: 12
            }
            .next(),
            Month {
                year: 2025,
                month: 1
            }
        );
    }
}
