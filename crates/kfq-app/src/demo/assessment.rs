//! The demo's 目标任务 and 指标月报: every zone has targets for last year and this — about a tenth
//! above what it did the year before on signing, starts and completed investment, a start rate
//! of 80%, no overdue blocker, and its industrial added value — and enters its 规上工业增加值 and
//! 税收收入 each month; 长子经开区's 2024 target of 规上工业增加值 63 亿 is as published (seeds).

use chrono::{Datelike, NaiveDate};
use kfq_core::assessment::{self, EnteredValue, Figure, Scheme, Target, ZoneFacts};
use kfq_core::monthly::Month;
use kfq_core::rng::Rng;
use kfq_core::Lang;
use kfq_store::Db;

use crate::AppError;

/// 长子经开区: 全年规上工业增加值目标 63 亿 (630,000 万元), in 2024.
const PUBLISHED: (&str, i32, i64) = ("长子经济技术开发区", 2024, 630_000);
const FIRST_YEAR: i32 = 2024;

/// A zone's monthly industrial added value (万元): about a sixth of its projects' expected
/// yearly output spread over the months, at least a little.
fn monthly_base(facts: &ZoneFacts) -> i64 {
    let output: i64 = facts
        .projects
        .iter()
        .filter_map(|p| p.expected_output)
        .map(|a| a.yuan() / 10_000)
        .sum();
    (output / 6 / 12).max(300)
}

/// Adds the targets and the monthly figures, in one transaction.
pub async fn seed(db: &Db, today: NaiveDate) -> Result<(), AppError> {
    let snapshot = db.snapshot().await?;
    let catalogue = assessment::catalogue(&Scheme::default().entered, Lang::Zh);
    let indicator = |code: &str| catalogue.iter().find(|i| i.code == code).cloned();
    let mut rng = Rng::new(0x7461_7267);
    let mut targets = Vec::new();
    let mut entered = Vec::new();
    for zone in &snapshot.zones {
        let facts = ZoneFacts {
            projects: snapshot
                .projects
                .iter()
                .filter(|p| p.zone_id == zone.id)
                .collect(),
            monthly: Vec::new(),
            blockers: Vec::new(),
            entered: Vec::new(),
        };
        // 长子经开区 about reached its published target.
        let base = if zone.name == PUBLISHED.0 {
            PUBLISHED.2 / 12
        } else {
            monthly_base(&facts)
        };
        let mut month = Month::new(FIRST_YEAR, 1).unwrap_or(Month::of(today));
        while month < Month::of(today) {
            for (code, share) in [("industrial_added_value", 100), ("tax_revenue", 12)] {
                let mut e = EnteredValue::new(zone.id, month, code);
                let swing = rng.range(85, 115);
                e.value = Figure::from_units(base * share / 100 * swing / 100);
                entered.push(e);
            }
            month = month.next();
        }
        for year in [today.year() - 1, today.year()] {
            let year_end = Month::new(year - 1, 12).unwrap_or(Month::of(today));
            let last_year = |code: &str| {
                indicator(code)
                    .and_then(|i| facts.measure(&i, year_end))
                    .unwrap_or_default()
            };
            let raise = |f: Figure| Figure::from_scaled(f.scaled() / 10 * 11 / 10_000 * 10_000);
            let mut set = |code: &str, value: Figure| {
                let mut t = Target::new(zone.id, year, code);
                t.value = value;
                targets.push(t);
            };
            set(
                "signed_amount",
                raise(last_year("signed_amount")).max(Figure::from_units(10_000)),
            );
            set(
                "started_count",
                raise(last_year("started_count")).max(Figure::from_units(3)),
            );
            set("start_rate", Figure::from_units(80));
            set("overdue_blockers", Figure::default());
            let added = match PUBLISHED {
                (name, y, value) if name == zone.name && y == year => Figure::from_units(value),
                _ => Figure::from_units(base * 12 * 105 / 100),
            };
            set("industrial_added_value", added);
        }
        if zone.name == PUBLISHED.0 && ![today.year() - 1, today.year()].contains(&PUBLISHED.1) {
            let mut t = Target::new(zone.id, PUBLISHED.1, "industrial_added_value");
            t.value = Figure::from_units(PUBLISHED.2);
            targets.push(t);
        }
    }
    let mut tx = db.begin().await?;
    kfq_store::insert_targets(&mut tx, &targets).await?;
    kfq_store::insert_entered_values(&mut tx, &entered).await?;
    tx.commit_outside_ledger().await?;
    Ok(())
}
