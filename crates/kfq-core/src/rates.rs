//! 比率 — conversion rates, computed exactly and always carried with their basis.

use serde::{Serialize, Serializer};

use crate::money::decimal_string;

/// A rate as numerator over denominator, exact until it is written out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ratio {
    pub numerator: i64,
    pub denominator: i64,
}

impl Ratio {
    pub fn new(numerator: i64, denominator: i64) -> Ratio {
        Ratio {
            numerator,
            denominator,
        }
    }

    /// The rate as a decimal fraction rounded half up to `places`: `"0.8993"`; None over nothing.
    pub fn decimal(self, places: u32) -> Option<String> {
        self.scaled(places)
            .map(|v| decimal_string(v, 10i64.pow(places), Some(places)))
    }

    /// The rate in percent with two decimals: `"89.93%"`; `"—"` over nothing.
    pub fn percent(self) -> String {
        self.scaled(4).map_or("—".into(), |v| {
            format!("{}%", decimal_string(v, 100, Some(2)))
        })
    }

    /// numerator ÷ denominator × 10^places, rounded half up, in integers.
    fn scaled(self, places: u32) -> Option<i64> {
        if self.denominator <= 0 {
            return None;
        }
        let num = i128::from(self.numerator) * 10i128.pow(places);
        let den = i128::from(self.denominator);
        i64::try_from((2 * num + den) / (2 * den)).ok()
    }
}

impl Serialize for Ratio {
    /// Written as a decimal string with four places, or null when the denominator is zero.
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self.decimal(4) {
            Some(text) => s.serialize_str(&text),
            None => s.serialize_none(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rates_reproduce_the_published_lvliang_figures() {
        // 开工率 89.93% = 319.23 ÷ 354.97 亿元 (by amount); 108 ÷ 120 by count.
        let by_amount = Ratio::new(3_192_300, 3_549_700);
        assert_eq!(by_amount.decimal(4).as_deref(), Some("0.8993"));
        assert_eq!(by_amount.percent(), "89.93%");
        assert_eq!(Ratio::new(108, 120).decimal(4).as_deref(), Some("0.9000"));
        assert_eq!(Ratio::new(61, 61).percent(), "100.00%");
    }

    #[test]
    fn a_rate_over_nothing_has_no_value() {
        assert_eq!(Ratio::new(0, 0).decimal(4), None);
        assert_eq!(Ratio::new(0, 0).percent(), "—");
        assert_eq!(Ratio::new(1, 3).decimal(4).as_deref(), Some("0.3333"));
        assert_eq!(Ratio::new(2, 3).decimal(4).as_deref(), Some("0.6667"));
    }
}
