//! 标准地 and 承诺制 on the pages: the books' pages (see `books.rs`) with their figures over a
//! period — parcels sold and their area, parcels left, projects short of their indicators;
//! 承诺制项目, commitments kept, broken or overdue, and the share of new 备案 projects under 承诺制.

use std::collections::HashMap;

use kfq_app::land::LandReport;
use kfq_app::AppError;
use kfq_core::commitment::{Coded, Commitment, CommitmentResult};
use kfq_core::land::StandardParcel;
use kfq_core::Lang;

use super::books::{BookPage, Card, Figures, Span};
use super::{words, PageUser};
use crate::AppState;

async fn report(
    s: &AppState,
    user: &PageUser,
    params: &HashMap<String, String>,
) -> Result<LandReport, AppError> {
    let get = |k: &str| params.get(k).map(String::as_str);
    let (from, to) = kfq_app::reports::period(("from", get("from")), ("to", get("to")))?;
    kfq_app::land::report(&s.db, &user.actor, get("region"), from, to).await
}

fn headers(list: &[&str]) -> Vec<String> {
    list.iter().map(|h| h.to_string()).collect()
}

impl BookPage for StandardParcel {
    const PATH: &'static str = "/parcels";
    const SPAN: Span = Span::Period;

    fn title(lang: Lang) -> &'static str {
        words(lang).parcels
    }

    async fn figures(
        s: &AppState,
        user: &PageUser,
        params: &HashMap<String, String>,
    ) -> Result<Figures, AppError> {
        let w = words(user.lang());
        let r = report(s, user, params).await?;
        let f = &r.land;
        Ok(Figures {
            cards: vec![
                Card::new("parcels-sold", w.parcels_sold, f.sold),
                Card::new("parcels-sold-area", w.parcels_sold_area, f.sold_area),
                Card::new("parcels-available", w.parcels_available, f.available),
                Card::new(
                    "parcels-available-area",
                    w.parcels_available_area,
                    f.available_area,
                ),
                Card::new("parcels-short", w.parcels_short, f.short),
            ],
            headers: headers(&[
                w.zone,
                w.parcels_sold,
                w.parcels_sold_area,
                w.parcels_available,
                w.parcels_short,
            ]),
            zones: r
                .zones
                .iter()
                .filter(|z| z.land.sold + z.land.available > 0)
                .map(|z| {
                    vec![
                        z.name.clone(),
                        z.land.sold.to_string(),
                        z.land.sold_area.to_string(),
                        z.land.available.to_string(),
                        z.land.short.to_string(),
                    ]
                })
                .collect(),
            basis: format!("{} {} — {} · {}", r.name, r.from, r.to, w.parcels_basis),
            lists: Vec::new(),
            setting: None,
        })
    }
}

impl BookPage for Commitment {
    const PATH: &'static str = "/commitments";
    const SPAN: Span = Span::Period;

    fn title(lang: Lang) -> &'static str {
        words(lang).commitments
    }

    fn choices(key: &str, lang: Lang) -> Option<Vec<(&'static str, &'static str)>> {
        (key == "result").then(|| {
            CommitmentResult::ALL
                .iter()
                .map(|r| (r.code(), r.label(lang)))
                .collect()
        })
    }

    async fn figures(
        s: &AppState,
        user: &PageUser,
        params: &HashMap<String, String>,
    ) -> Result<Figures, AppError> {
        let w = words(user.lang());
        let r = report(s, user, params).await?;
        let f = &r.commitments;
        Ok(Figures {
            cards: vec![
                Card::new("commitment-projects", w.commitment_projects, f.projects),
                Card::new("commitments-kept", w.commitments_kept, f.kept),
                Card::new("commitments-broken", w.commitments_broken, f.broken),
                Card::new("commitments-overdue", w.commitments_overdue, f.overdue),
                Card::new(
                    "commitment-rate",
                    w.commitment_rate,
                    format!(
                        "{} ({}/{})",
                        f.commitment_rate.percent(),
                        f.new_under_commitment,
                        f.new_filings
                    ),
                ),
            ],
            headers: headers(&[
                w.zone,
                w.commitment_projects,
                w.commitments_kept,
                w.commitments_broken,
                w.commitments_overdue,
                w.commitment_rate,
            ]),
            zones: r
                .zones
                .iter()
                .filter(|z| z.commitments.items + z.commitments.new_filings > 0)
                .map(|z| {
                    let c = &z.commitments;
                    vec![
                        z.name.clone(),
                        c.projects.to_string(),
                        c.kept.to_string(),
                        c.broken.to_string(),
                        c.overdue.to_string(),
                        c.commitment_rate.percent(),
                    ]
                })
                .collect(),
            basis: format!("{} {} — {} · {}", r.name, r.from, r.to, w.commitments_basis),
            lists: Vec::new(),
            setting: None,
        })
    }
}
