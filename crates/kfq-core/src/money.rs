//! 金额 — exact amounts of money, kept in 元 and shown in 万元 or 亿元.

use std::fmt;

use serde::{Serialize, Serializer};

use crate::lang::{Lang, Localized};

const YUAN_PER_WAN: i64 = 10_000;
const YUAN_PER_YI: i64 = 100_000_000;

/// An exact amount of money in 元. Ledgers speak 万元 and 亿元; both convert exactly.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Amount(i64);

/// Why a text is not an amount.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AmountError {
    #[error("not a number")]
    NotANumber,
    #[error("negative")]
    Negative,
    #[error("finer than one yuan")]
    TooPrecise,
    #[error("too large")]
    TooLarge,
}

impl Localized for AmountError {
    fn message(&self, lang: Lang) -> String {
        let (zh, en) = match self {
            AmountError::NotANumber => ("不是数字", "is not a number"),
            AmountError::Negative => ("金额不能为负数", "amount must not be negative"),
            AmountError::TooPrecise => ("精度超过 1 元", "is more precise than one yuan"),
            AmountError::TooLarge => ("金额过大", "amount is too large"),
        };
        lang.pick(zh, en).to_string()
    }
}

/// The unit an amount is written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MoneyUnit {
    Yuan,
    Wan,
    Yi,
}

impl MoneyUnit {
    fn yuan(self) -> i64 {
        match self {
            MoneyUnit::Yuan => 1,
            MoneyUnit::Wan => YUAN_PER_WAN,
            MoneyUnit::Yi => YUAN_PER_YI,
        }
    }
}

impl Amount {
    pub const ZERO: Amount = Amount(0);

    pub fn from_yuan(yuan: i64) -> Amount {
        Amount(yuan)
    }

    pub fn from_wan(wan: i64) -> Amount {
        Amount(wan * YUAN_PER_WAN)
    }

    pub fn yuan(self) -> i64 {
        self.0
    }

    /// Parses a non-negative decimal written in `unit`, e.g. `"1234.56"` 万元. Thousands
    /// separators are accepted; anything finer than one 元 is refused rather than rounded.
    pub fn parse(text: &str, unit: MoneyUnit) -> Result<Amount, AmountError> {
        let cleaned: String = text.trim().chars().filter(|c| *c != ',').collect();
        if let Some(magnitude) = cleaned.strip_prefix('-') {
            return match parse_decimal(magnitude) {
                Some(_) => Err(AmountError::Negative),
                None => Err(AmountError::NotANumber),
            };
        }
        let (int, frac) = parse_decimal(&cleaned).ok_or(AmountError::NotANumber)?;
        let scale = unit.yuan();
        let frac_digits = frac.len() as u32;
        let scale_digits = scale.ilog10();
        if frac_digits > scale_digits && frac[scale_digits as usize..].bytes().any(|b| b != b'0') {
            return Err(AmountError::TooPrecise);
        }
        let int: i64 = if int.is_empty() {
            0
        } else {
            int.parse().map_err(|_| AmountError::TooLarge)?
        };
        let mut frac_yuan: i64 = 0;
        for (i, b) in frac.bytes().take(scale_digits as usize).enumerate() {
            frac_yuan += i64::from(b - b'0') * 10i64.pow(scale_digits - 1 - i as u32);
        }
        int.checked_mul(scale)
            .and_then(|y| y.checked_add(frac_yuan))
            .map(Amount)
            .ok_or(AmountError::TooLarge)
    }

    pub fn parse_wan(text: &str) -> Result<Amount, AmountError> {
        Amount::parse(text, MoneyUnit::Wan)
    }

    /// The amount in 万元 as a canonical decimal string: `"271600"`, `"1234.56"`.
    pub fn wan_string(self) -> String {
        decimal_string(self.0, YUAN_PER_WAN, None)
    }

    /// The amount in 亿元 rounded half up to `places` decimals, zeros kept: `"27.16"`.
    pub fn yi_string(self, places: u32) -> String {
        decimal_string(self.0, YUAN_PER_YI, Some(places))
    }

    /// The amount in 万元 rounded half up to `places` decimals, zeros kept.
    pub fn wan_rounded(self, places: u32) -> String {
        decimal_string(self.0, YUAN_PER_WAN, Some(places))
    }

    pub fn checked_sub(self, other: Amount) -> Option<Amount> {
        self.0.checked_sub(other.0).map(Amount)
    }
}

/// Splits `"123.45"` into `("123", "45")`; refuses anything that is not plain digits.
fn parse_decimal(text: &str) -> Option<(&str, &str)> {
    let (int, frac) = match text.split_once('.') {
        Some((i, f)) => (i, f),
        None => (text, ""),
    };
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if (int.is_empty() && frac.is_empty()) || !digits(int) || !digits(frac) {
        return None;
    }
    Some((int, frac))
}

/// Writes `value / scale` as a decimal: trimmed when `places` is None, else rounded half up.
pub(crate) fn decimal_string(value: i64, scale: i64, places: Option<u32>) -> String {
    let negative = value < 0;
    let value = i128::from(value).abs();
    let scale = i128::from(scale);
    let body = match places {
        None => {
            let int = value / scale;
            let frac = value % scale;
            if frac == 0 {
                int.to_string()
            } else {
                let width = scale.ilog10() as usize;
                let frac = format!("{frac:0width$}");
                format!("{int}.{}", frac.trim_end_matches('0'))
            }
        }
        Some(places) => {
            let unit = 10i128.pow(places);
            let scaled = (value * unit + scale / 2) / scale;
            if places == 0 {
                scaled.to_string()
            } else {
                format!(
                    "{}.{:0width$}",
                    scaled / unit,
                    scaled % unit,
                    width = places as usize
                )
            }
        }
    };
    if negative {
        format!("-{body}")
    } else {
        body
    }
}

impl std::ops::Add for Amount {
    type Output = Amount;
    fn add(self, other: Amount) -> Amount {
        Amount(self.0 + other.0)
    }
}

impl std::ops::AddAssign for Amount {
    fn add_assign(&mut self, other: Amount) {
        self.0 += other.0;
    }
}

impl std::iter::Sum for Amount {
    fn sum<I: Iterator<Item = Amount>>(iter: I) -> Amount {
        iter.fold(Amount::ZERO, |a, b| a + b)
    }
}

impl fmt::Display for Amount {
    /// Shown as officials read it: 亿元 from one 亿 up, otherwise 万元.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0.abs() >= YUAN_PER_YI {
            write!(f, "{}亿元", self.yi_string(2))
        } else {
            write!(f, "{}万元", self.wan_rounded(2))
        }
    }
}

impl Serialize for Amount {
    /// Serialized as a decimal string of 万元, so no JSON parser rounds it.
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.wan_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_wan_with_decimals_and_separators() {
        assert_eq!(
            Amount::parse_wan("1234.56"),
            Ok(Amount::from_yuan(12_345_600))
        );
        assert_eq!(Amount::parse_wan("1,234"), Ok(Amount::from_wan(1234)));
        assert_eq!(Amount::parse_wan(".5"), Ok(Amount::from_yuan(5000)));
        assert_eq!(Amount::parse_wan("0.0001"), Ok(Amount::from_yuan(1)));
        assert_eq!(
            Amount::parse("3.5", MoneyUnit::Yi),
            Ok(Amount::from_wan(35_000))
        );
    }

    #[test]
    fn refuses_what_is_not_an_amount() {
        assert_eq!(Amount::parse_wan("-3"), Err(AmountError::Negative));
        assert_eq!(Amount::parse_wan("abc"), Err(AmountError::NotANumber));
        assert_eq!(Amount::parse_wan("1.2.3"), Err(AmountError::NotANumber));
        assert_eq!(Amount::parse_wan(""), Err(AmountError::NotANumber));
        assert_eq!(Amount::parse_wan("."), Err(AmountError::NotANumber));
        assert_eq!(Amount::parse_wan("0.00001"), Err(AmountError::TooPrecise));
        assert_eq!(Amount::parse_wan("1.00000"), Ok(Amount::from_wan(1)));
        assert_eq!(
            Amount::parse_wan("99999999999999999999"),
            Err(AmountError::TooLarge)
        );
    }

    #[test]
    fn writes_wan_and_yi_strings() {
        assert_eq!(Amount::from_wan(271_600).wan_string(), "271600");
        assert_eq!(Amount::from_yuan(12_345_600).wan_string(), "1234.56");
        assert_eq!(Amount::from_wan(271_600).yi_string(2), "27.16");
        assert_eq!(Amount::from_wan(3_506_000).yi_string(2), "350.60");
        assert_eq!(Amount::from_wan(1_625_440).yi_string(2), "162.54");
        assert_eq!(Amount::from_wan(1_625_450).yi_string(2), "162.55");
        assert_eq!(Amount::from_wan(271_600).to_string(), "27.16亿元");
        assert_eq!(Amount::from_yuan(12_345_600).to_string(), "1234.56万元");
    }

    #[test]
    fn round_trips_through_the_wan_string() {
        for yuan in [0, 1, 9_999, 10_000, 12_345_678_901, 7] {
            let a = Amount::from_yuan(yuan);
            assert_eq!(Amount::parse_wan(&a.wan_string()), Ok(a));
        }
    }
}
