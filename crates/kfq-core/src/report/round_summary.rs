//! “三个一批”活动情况汇总 — a round's batches per city (for a province) or per zone (for a city).

use serde::Serialize;

use crate::money::Amount;
use crate::project::Category;
use crate::round::{BatchKind, RoundId};

/// One batch entry as the summary needs it: which row it falls in and its frozen figures.
#[derive(Debug, Clone, Copy)]
pub struct EntryFact {
    /// Index into the summary's rows.
    pub row: usize,
    pub batch: BatchKind,
    pub amount: Amount,
    pub expected_output: Option<Amount>,
    pub strategic_emerging: bool,
    pub category: Category,
}

/// A row of the summary: a city or a zone.
impl EntryFact {
    /// A batch entry as a summary adds it up, in row `row`.
    pub fn of(e: &crate::round::BatchEntry, row: usize) -> EntryFact {
        EntryFact {
            row,
            batch: e.batch,
            amount: e.amount,
            expected_output: e.expected_output,
            strategic_emerging: e.strategic_emerging,
            category: e.category,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SummaryRow {
    /// The city's GB/T 2260 code, or the zone's name for rows of a city's report.
    pub region: String,
    pub name: String,
    pub sign: BatchFigures,
    pub start: BatchFigures,
    pub produce: BatchFigures,
}

/// The figures of one batch: how many projects, how much investment, and the 战新 part.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct BatchFigures {
    pub count: u64,
    pub amount_wan: Amount,
    /// 战新 — the strategic emerging industry projects among them.
    pub strategic: Subset,
    /// 产业类 — the industrial projects among them.
    pub industrial: Subset,
    /// 预计年产值
    pub expected_output_wan: Amount,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct Subset {
    pub count: u64,
    pub amount_wan: Amount,
}

impl Subset {
    fn add(&mut self, amount: Amount) {
        self.count += 1;
        self.amount_wan += amount;
    }
}

impl BatchFigures {
    fn add(&mut self, fact: &EntryFact) {
        self.count += 1;
        self.amount_wan += fact.amount;
        if fact.strategic_emerging {
            self.strategic.add(fact.amount);
        }
        if fact.category == Category::Industrial {
            self.industrial.add(fact.amount);
        }
        self.expected_output_wan += fact.expected_output.unwrap_or_default();
    }

    /// Adds another's figures to these.
    pub fn merge(&mut self, other: &BatchFigures) {
        self.count += other.count;
        self.amount_wan += other.amount_wan;
        self.strategic.count += other.strategic.count;
        self.strategic.amount_wan += other.strategic.amount_wan;
        self.industrial.count += other.industrial.count;
        self.industrial.amount_wan += other.industrial.amount_wan;
        self.expected_output_wan += other.expected_output_wan;
    }
}

impl SummaryRow {
    pub fn new(region: impl Into<String>, name: impl Into<String>) -> SummaryRow {
        SummaryRow {
            region: region.into(),
            name: name.into(),
            sign: BatchFigures::default(),
            start: BatchFigures::default(),
            produce: BatchFigures::default(),
        }
    }

    pub fn batch(&self, kind: BatchKind) -> &BatchFigures {
        match kind {
            BatchKind::Sign => &self.sign,
            BatchKind::Start => &self.start,
            BatchKind::Produce => &self.produce,
        }
    }

    /// Adds another row's three batches to this one (a zone's figures to its city's row).
    pub fn add(&mut self, other: &SummaryRow) {
        for kind in BatchKind::ALL {
            self.batch_mut(kind).merge(other.batch(kind));
        }
    }

    fn batch_mut(&mut self, kind: BatchKind) -> &mut BatchFigures {
        match kind {
            BatchKind::Sign => &mut self.sign,
            BatchKind::Start => &mut self.start,
            BatchKind::Produce => &mut self.produce,
        }
    }
}

/// The round summary: one row per city or zone, and the total.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RoundSummary {
    pub round: RoundId,
    pub region: String,
    pub name: String,
    pub rows: Vec<SummaryRow>,
    pub total: SummaryRow,
}

/// Adds the facts into their rows; rows with no entries stay, with zeros, as officials list them.
pub fn summarize(
    round: RoundId,
    total: SummaryRow,
    mut rows: Vec<SummaryRow>,
    facts: impl IntoIterator<Item = EntryFact>,
) -> RoundSummary {
    for fact in facts {
        if let Some(row) = rows.get_mut(fact.row) {
            row.batch_mut(fact.batch).add(&fact);
        }
    }
    let mut total = total;
    for row in &rows {
        total.add(row);
    }
    RoundSummary {
        round,
        region: total.region.clone(),
        name: total.name.clone(),
        rows,
        total,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fact(row: usize, batch: BatchKind, wan: i64, strategic: bool) -> EntryFact {
        EntryFact {
            row,
            batch,
            amount: Amount::from_wan(wan),
            expected_output: None,
            strategic_emerging: strategic,
            category: Category::Industrial,
        }
    }

    #[test]
    fn entries_add_up_per_row_and_batch_with_the_strategic_subset() {
        let rows = vec![
            SummaryRow::new("140900", "忻州市"),
            SummaryRow::new("141100", "吕梁市"),
        ];
        let facts = vec![
            fact(0, BatchKind::Sign, 100_000, true),
            fact(0, BatchKind::Sign, 171_600, false),
            fact(0, BatchKind::Start, 50_000, true),
            fact(1, BatchKind::Produce, 97_400, false),
        ];
        let s = summarize(
            RoundId { year: 2024, seq: 4 },
            SummaryRow::new("140000", "山西省"),
            rows,
            facts,
        );
        assert_eq!(s.rows[0].sign.count, 2);
        assert_eq!(s.rows[0].sign.amount_wan.yi_string(2), "27.16");
        assert_eq!(s.rows[0].sign.strategic.count, 1);
        assert_eq!(s.rows[1].sign.count, 0);
        assert_eq!(s.total.sign.count, 2);
        assert_eq!(s.total.produce.amount_wan, Amount::from_wan(97_400));
        assert_eq!(s.total.start.strategic.amount_wan, Amount::from_wan(50_000));
    }
}
