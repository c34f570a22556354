//! 基准测试 — the five dashboard questions timed: kfq's answer (from its read model) next to the
//! same question as plain SQL on the same database (`kfq_store::plain`), each pair checked to
//! agree figure by figure. `kfq bench` prints the medians; the tests run `agree` on both
//! engines.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use chrono::NaiveDate;
use kfq_core::monthly::Month;
use kfq_core::region::RegionCode;
use kfq_core::report::funnel::{Cohort, ConvertedAmount, FunnelRules};
use kfq_core::report::round_summary::{BatchFigures, SummaryRow};
use kfq_core::report::stuck::{StuckKind, StuckThresholds};
use kfq_core::round::{BatchKind, RoundId};
use kfq_store::plain::{self, BatchSums};
use kfq_store::Db;

use crate::{reports, Actor, AppError, Expected};

/// The dashboard questions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Question {
    /// A round's summary for one province, by city.
    Round,
    /// The funnel over six rounds in one province.
    Funnel,
    /// Investment completed per month, 24 months, in one province.
    Trend,
    /// The stuck lists of one zone, top 50 each.
    Stuck,
    /// The round by province with overdue blockers, for the country.
    Overview,
}

impl Question {
    pub const ALL: [Question; 5] = [
        Question::Round,
        Question::Funnel,
        Question::Trend,
        Question::Stuck,
        Question::Overview,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Question::Round => "round summary, one province by city",
            Question::Funnel => "funnel over 6 rounds",
            Question::Trend => "monthly investment trend, 24 months",
            Question::Stuck => "stuck list of one zone, top 50",
            Question::Overview => "national overview by province + overdue blockers",
        }
    }
}

/// What the questions are asked about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Questions {
    pub province: RegionCode,
    pub round: RoundId,
    /// The first of the funnel's six rounds.
    pub from: RoundId,
    pub as_of: NaiveDate,
    /// The last month of the trend.
    pub until: Month,
    /// The zone of the stuck list: the province's zone with the most projects.
    pub zone: (i64, String),
}

/// The stuck lists' length, as the dashboards ask for it.
const STUCK_LIMIT: usize = 50;
const TREND_MONTHS: usize = 24;

impl Questions {
    /// The questions as a dashboard would ask them of the data: the province given, its latest
    /// round and the five before it, the latest month reported, the zone with most projects.
    pub async fn pick(
        db: &Db,
        province: RegionCode,
        as_of: NaiveDate,
    ) -> Result<Questions, AppError> {
        let handle = db.read_model().await?;
        let model = handle.read().map_err(|_| AppError::Internal)?;
        let mut rounds: Vec<RoundId> = model.rounds.iter().map(|r| r.id).collect();
        rounds.sort();
        let round = *rounds.last().ok_or(AppError::UnknownRound("-".into()))?;
        let from = rounds[rounds.len().saturating_sub(6)];
        let until = model.last_month().unwrap_or(Month::of(as_of));
        let zone = model
            .zones
            .iter()
            .filter(|z| z.city.province() == province)
            .max_by_key(|z| (model.projects_of(z.id).count(), -z.id))
            .map(|z| (z.id, z.name.clone()))
            .ok_or_else(|| AppError::BadArgument {
                name: "region",
                value: province.to_string(),
                expected: Expected::Region,
            })?;
        Ok(Questions {
            province,
            round,
            from,
            as_of,
            until,
            zone,
        })
    }

    fn prefix(&self) -> String {
        self.province.to_string()[..2].to_string()
    }

    fn first_month(&self) -> Month {
        let mut month = self.until;
        for _ in 1..TREND_MONTHS {
            month = month.previous();
        }
        month
    }
}

/// An answer reduced to its figures by name (zeros left out), so that kfq's and SQL's can be
/// compared whatever their shapes.
pub type Figures = BTreeMap<String, i64>;

fn put(figures: &mut Figures, name: String, value: i64) {
    if value != 0 {
        figures.insert(name, value);
    }
}

fn batch_figures(figures: &mut Figures, key: &str, batch: BatchKind, f: &BatchFigures) {
    let name = |what: &str| format!("{key}/{}/{what}", batch.code());
    put(figures, name("count"), f.count as i64);
    put(figures, name("amount"), f.amount_wan.yuan());
    put(figures, name("strategic_count"), f.strategic.count as i64);
    put(
        figures,
        name("strategic_amount"),
        f.strategic.amount_wan.yuan(),
    );
    put(figures, name("industrial_count"), f.industrial.count as i64);
    put(
        figures,
        name("industrial_amount"),
        f.industrial.amount_wan.yuan(),
    );
    put(
        figures,
        name("expected_output"),
        f.expected_output_wan.yuan(),
    );
}

fn row_figures(figures: &mut Figures, key: &str, row: &SummaryRow) {
    for kind in BatchKind::ALL {
        batch_figures(figures, key, kind, row.batch(kind));
    }
}

fn sums_figures(figures: &mut Figures, key: &str, s: &BatchSums) {
    let name = |what: &str| format!("{key}/{}/{what}", s.batch);
    put(figures, name("count"), s.count);
    put(figures, name("amount"), s.amount_yuan);
    put(figures, name("strategic_count"), s.strategic_count);
    put(figures, name("strategic_amount"), s.strategic_yuan);
    put(figures, name("industrial_count"), s.industrial_count);
    put(figures, name("industrial_amount"), s.industrial_yuan);
    put(figures, name("expected_output"), s.expected_output_yuan);
}

/// kfq's answer to a question, as figures.
pub async fn kfq_answer(
    db: &Db,
    actor: &Actor,
    q: &Questions,
    question: Question,
) -> Result<Figures, AppError> {
    let mut figures = Figures::new();
    let province = q.province.to_string();
    match question {
        Question::Round => {
            let summary = reports::round_summary(db, actor, q.round, Some(&province)).await?;
            for row in &summary.rows {
                row_figures(&mut figures, &row.region, row);
            }
        }
        Question::Funnel => {
            let rules = FunnelRules::default();
            let funnel =
                reports::funnel(db, actor, Some(&province), q.from, q.round, q.as_of, &rules)
                    .await?;
            for s in &funnel.stages {
                let name = |what: &str| format!("{}/{what}", s.batch.code());
                put(&mut figures, name("count"), s.count as i64);
                put(&mut figures, name("amount"), s.amount_wan.yuan());
                put(&mut figures, name("cohort_count"), s.cohort_count as i64);
                put(
                    &mut figures,
                    name("cohort_amount"),
                    s.cohort_amount_wan.yuan(),
                );
                put(
                    &mut figures,
                    name("converted_count"),
                    s.converted_count as i64,
                );
                put(
                    &mut figures,
                    name("converted_amount"),
                    s.converted_amount_wan.yuan(),
                );
            }
        }
        Question::Trend => {
            let trend =
                reports::trend(db, actor, Some(&province), Some(q.until), TREND_MONTHS).await?;
            for (month, invested) in trend.months.iter().zip(&trend.invested_wan) {
                put(&mut figures, month.key().to_string(), invested.yuan());
            }
        }
        Question::Stuck => {
            let report = reports::stuck(
                db,
                actor,
                Some(&q.zone.1),
                q.as_of,
                &StuckThresholds::default(),
            )
            .await?;
            for list in &report.lists {
                let kind = list.kind.code();
                put(&mut figures, format!("{kind}/count"), list.count as i64);
                put(
                    &mut figures,
                    format!("{kind}/amount"),
                    list.amount_wan.yuan(),
                );
                for (place, item) in list.items.iter().take(STUCK_LIMIT).enumerate() {
                    let name = format!("{kind}/{place:02}/{}", item.code);
                    put(
                        &mut figures,
                        format!("{name}/amount"),
                        item.amount_wan.yuan(),
                    );
                    put(&mut figures, format!("{name}/days"), item.days);
                }
            }
        }
        Question::Overview => {
            let overview = reports::overview(db, actor, q.round, q.as_of).await?;
            for line in &overview.provinces {
                let key = &line.row.region[..2.min(line.row.region.len())];
                row_figures(&mut figures, key, &line.row);
                put(
                    &mut figures,
                    format!("{key}/overdue_blockers"),
                    line.overdue_blockers as i64,
                );
            }
        }
    }
    Ok(figures)
}

/// The same question as plain SQL, as figures.
pub async fn sql_answer(db: &Db, q: &Questions, question: Question) -> Result<Figures, AppError> {
    let mut figures = Figures::new();
    match question {
        Question::Round => {
            for s in plain::round_by_city(db, q.round, &q.prefix()).await? {
                sums_figures(&mut figures, &s.key, &s);
            }
        }
        Question::Funnel => {
            let rules = FunnelRules::default();
            let sums = plain::funnel(db, (q.from, q.round), &q.prefix(), q.as_of).await?;
            for s in &sums {
                let Some(batch) = BatchKind::ALL.into_iter().find(|b| b.code() == s.batch) else {
                    continue;
                };
                let rule = rules.rule(batch);
                let industrial = rule.cohort == Cohort::Industrial;
                let pick = |all: i64, industrial_only: i64| {
                    if industrial {
                        industrial_only
                    } else {
                        all
                    }
                };
                let name = |what: &str| format!("{}/{what}", s.batch);
                put(&mut figures, name("count"), s.count);
                put(&mut figures, name("amount"), s.amount_yuan);
                put(
                    &mut figures,
                    name("cohort_count"),
                    pick(s.count, s.industrial_count),
                );
                put(
                    &mut figures,
                    name("cohort_amount"),
                    pick(s.amount_yuan, s.industrial_yuan),
                );
                put(
                    &mut figures,
                    name("converted_count"),
                    pick(s.converted_count, s.industrial_converted_count),
                );
                let converted = match rule.converted_amount {
                    ConvertedAmount::EntryAmount => {
                        pick(s.converted_yuan, s.industrial_converted_yuan)
                    }
                    ConvertedAmount::CompletedInvestment => pick(
                        s.converted_completed_yuan,
                        s.industrial_converted_completed_yuan,
                    ),
                };
                put(&mut figures, name("converted_amount"), converted);
            }
        }
        Question::Trend => {
            let months = (q.first_month(), q.until);
            for (month, yuan) in plain::trend(db, &q.prefix(), months).await? {
                put(&mut figures, month.to_string(), yuan);
            }
        }
        Question::Stuck => {
            let thresholds = StuckThresholds::default();
            let before = [
                thresholds.signed_not_landed_days,
                thresholds.landed_not_started_days,
                thresholds.producing_not_reached_days,
            ]
            .map(|days| q.as_of - chrono::Duration::days(days));
            let rows = plain::stuck(db, q.zone.0, q.as_of, before, STUCK_LIMIT as i64).await?;
            let mut place: BTreeMap<&str, usize> = BTreeMap::new();
            for r in &rows {
                let kind = match r.stage.as_str() {
                    "signed" => StuckKind::SignedNotLanded,
                    "landed" => StuckKind::LandedNotStarted,
                    _ => StuckKind::ProducingNotReached,
                }
                .code();
                put(&mut figures, format!("{kind}/count"), r.list_count);
                put(&mut figures, format!("{kind}/amount"), r.list_yuan);
                let at = place.entry(kind).or_default();
                let name = format!("{kind}/{at:02}/{}", r.code);
                *at += 1;
                put(&mut figures, format!("{name}/amount"), r.amount_yuan);
                put(
                    &mut figures,
                    format!("{name}/days"),
                    (q.as_of - r.since).num_days(),
                );
            }
        }
        Question::Overview => {
            for s in plain::round_by_province(db, q.round).await? {
                sums_figures(&mut figures, &s.key, &s);
            }
            for (province, count) in plain::overdue_by_province(db, q.as_of).await? {
                put(&mut figures, format!("{province}/overdue_blockers"), count);
            }
        }
    }
    Ok(figures)
}

/// Where two answers differ: the first few figures, each as kfq ≠ SQL.
pub fn differences(kfq: &Figures, sql: &Figures) -> Vec<String> {
    let names: std::collections::BTreeSet<&String> = kfq.keys().chain(sql.keys()).collect();
    names
        .into_iter()
        .filter(|n| kfq.get(*n) != sql.get(*n))
        .take(5)
        .map(|n| {
            let show = |v: Option<&i64>| v.map_or("—".to_string(), i64::to_string);
            format!("{n}: kfq {} ≠ SQL {}", show(kfq.get(n)), show(sql.get(n)))
        })
        .collect()
}

/// One question measured on one database.
#[derive(Debug, Clone)]
pub struct Measured {
    pub question: Question,
    pub kfq: Duration,
    pub sql: Duration,
    /// Where kfq's answer and SQL's differ (empty when they agree).
    pub differences: Vec<String>,
}

fn median(mut times: Vec<Duration>) -> Duration {
    times.sort();
    times.get(times.len() / 2).copied().unwrap_or_default()
}

/// Asks each question once to warm up and `runs` times more of kfq and of SQL; medians, and
/// whether the answers agree.
pub async fn measure(db: &Db, q: &Questions, runs: usize) -> Result<Vec<Measured>, AppError> {
    let actor = Actor::operator("bench", kfq_core::Lang::En);
    let mut measured = Vec::new();
    for question in Question::ALL {
        let kfq = kfq_answer(db, &actor, q, question).await?;
        let sql = sql_answer(db, q, question).await?;
        let (mut kfq_times, mut sql_times) = (Vec::new(), Vec::new());
        for _ in 0..runs.max(1) {
            let started = Instant::now();
            kfq_answer(db, &actor, q, question).await?;
            kfq_times.push(started.elapsed());
            let started = Instant::now();
            sql_answer(db, q, question).await?;
            sql_times.push(started.elapsed());
        }
        measured.push(Measured {
            question,
            kfq: median(kfq_times),
            sql: median(sql_times),
            differences: differences(&kfq, &sql),
        });
    }
    Ok(measured)
}
