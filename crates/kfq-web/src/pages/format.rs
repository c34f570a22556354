//! How figures read on a page: amounts with their unit, dates as officials write them.

use chrono::{DateTime, NaiveDate, Utc};
use kfq_core::money::Amount;
use kfq_core::Lang;

/// `27.16亿元` / `1,234.56万元`; in English `¥2.72 bn` / `¥12.35 m`.
pub fn amount(a: Amount, lang: Lang) -> String {
    match lang {
        Lang::Zh if a.yuan().abs() >= 100_000_000 => format!("{}亿元", a.yi_string(2)),
        Lang::Zh => format!("{}万元", group(&a.wan_rounded(2))),
        Lang::En if a.yuan().abs() >= 1_000_000_000 => {
            format!(
                "¥{} bn",
                kfq_core::money::Amount::from_yuan(a.yuan() / 10).yi_string(2)
            )
        }
        Lang::En => format!(
            "¥{} m",
            group(&kfq_core::money::Amount::from_yuan(a.yuan() * 100).yi_string(2))
        ),
    }
}

/// Thousands separators in the whole part: `1234567.89` → `1,234,567.89`.
fn group(text: &str) -> String {
    let (int, frac) = text
        .split_once('.')
        .map_or((text, None), |(i, f)| (i, Some(f)));
    let digits: Vec<char> = int.chars().collect();
    let mut out = String::new();
    for (i, c) in digits.iter().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) && c.is_ascii_digit() {
            out.push(',');
        }
        out.push(*c);
    }
    match frac {
        Some(f) => format!("{out}.{f}"),
        None => out,
    }
}

/// `2024年11月26日` / `2024-11-26`.
pub fn date(d: NaiveDate, lang: Lang) -> String {
    lang.date(d)
}

pub fn optional_date(d: Option<NaiveDate>, lang: Lang) -> String {
    d.map_or_else(|| "—".into(), |d| date(d, lang))
}

/// A moment as the server's clock reads it, to the minute: `2026-11-23 09:40`.
pub fn moment(at: DateTime<Utc>) -> String {
    at.with_timezone(&chrono::Local)
        .format("%Y-%m-%d %H:%M")
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_always_carry_their_unit() {
        assert_eq!(amount(Amount::from_wan(271_600), Lang::Zh), "27.16亿元");
        assert_eq!(
            amount(Amount::from_yuan(12_345_600), Lang::Zh),
            "1,234.56万元"
        );
        assert_eq!(amount(Amount::from_wan(271_600), Lang::En), "¥2.72 bn");
        assert_eq!(amount(Amount::from_wan(1_500), Lang::En), "¥15.00 m");
        assert_eq!(
            date(NaiveDate::from_ymd_opt(2024, 11, 26).unwrap(), Lang::Zh),
            "2024年11月26日"
        );
    }
}
