//! A cell as read from a workbook or CSV, before it is given a meaning by its column.

use chrono::NaiveDate;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cell {
    Empty,
    Text(String),
    /// A number cell, kept as the shortest decimal text that reads back as the same number,
    /// so `1234.56` stays `"1234.56"` and exact amounts never pass through binary rounding.
    Number(String),
    Date(NaiveDate),
    Bool(bool),
}

impl Cell {
    /// The cell as a person would read it (for error messages and text columns).
    pub fn text(&self) -> String {
        match self {
            Cell::Empty => String::new(),
            Cell::Text(t) => t.trim().to_string(),
            Cell::Number(n) => n.clone(),
            Cell::Date(d) => d.to_string(),
            Cell::Bool(b) => if *b { "是" } else { "否" }.into(),
        }
    }

    pub fn is_empty(&self) -> bool {
        match self {
            Cell::Empty => true,
            Cell::Text(t) => t.trim().is_empty(),
            _ => false,
        }
    }

    pub fn text_or_empty(text: impl Into<String>) -> Cell {
        let text = text.into();
        if text.is_empty() {
            Cell::Empty
        } else {
            Cell::Text(text)
        }
    }
}

/// The shortest decimal text of a spreadsheet number: Rust prints the shortest string that
/// parses back to the same binary value, which is what the clerk typed.
pub fn number_text(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        format!("{}", n as i64)
    } else {
        format!("{n}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_keep_the_digits_that_were_typed() {
        assert_eq!(number_text(1234.56), "1234.56");
        assert_eq!(number_text(0.1 + 0.2 - 0.2), "0.10000000000000003");
        assert_eq!(number_text(271600.0), "271600");
        assert_eq!(number_text(319.23), "319.23");
    }
}
