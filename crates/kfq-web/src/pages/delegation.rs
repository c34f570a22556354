//! 赋权事项 and 一件事一次办 on the pages: the books' pages (see `books.rs`) with their figures —
//! powers delegated by the province, the city and the county, those taken up and the rate, the
//! bundled services in use — as of a day, in all and by zone.

use std::collections::HashMap;

use kfq_app::delegation::DelegationReport;
use kfq_app::AppError;
use kfq_core::delegation::{Coded, DelegatedPower, GrantLevel, ServiceBundle};
use kfq_core::Lang;

use super::books::{BookPage, Card, Figures};
use super::{words, PageUser};
use crate::AppState;

async fn report(
    s: &AppState,
    user: &PageUser,
    params: &HashMap<String, String>,
) -> Result<DelegationReport, AppError> {
    let as_of = kfq_app::reports::as_of_or_today(
        "as_of",
        params
            .get("as_of")
            .map(String::as_str)
            .filter(|d| !d.trim().is_empty()),
    )?;
    let region = params.get("region").map(String::as_str);
    kfq_app::delegation::report(&s.db, &user.actor, region, as_of).await
}

impl BookPage for DelegatedPower {
    const PATH: &'static str = "/powers";

    fn title(lang: Lang) -> &'static str {
        words(lang).powers
    }

    fn choices(key: &str, lang: Lang) -> Option<Vec<(&'static str, &'static str)>> {
        (key == "level").then(|| {
            GrantLevel::ALL
                .iter()
                .map(|l| (l.code(), l.label(lang)))
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
        let f = &r.figures;
        Ok(Figures {
            cards: vec![
                Card::new("granted-province", w.granted_province, f.province),
                Card::new("granted-city", w.granted_city, f.city),
                Card::new("granted-county", w.granted_county, f.county),
                Card::new("taken-up", w.taken_up, f.taken_up),
                Card::new("take-up-rate", w.take_up_rate, f.take_up_rate.percent()),
            ],
            headers: [
                w.zone,
                w.granted_province,
                w.granted_city,
                w.granted_county,
                w.taken_up,
                w.take_up_rate,
            ]
            .map(str::to_string)
            .to_vec(),
            zones: r
                .zones
                .iter()
                .filter(|z| z.figures.granted > 0)
                .map(|z| {
                    let f = &z.figures;
                    vec![
                        z.name.clone(),
                        f.province.to_string(),
                        f.city.to_string(),
                        f.county.to_string(),
                        f.taken_up.to_string(),
                        f.take_up_rate.percent(),
                    ]
                })
                .collect(),
            basis: format!("{} {} · {}", r.name, r.as_of, w.take_up_basis),
            lists: Vec::new(),
            setting: None,
        })
    }
}

impl BookPage for ServiceBundle {
    const PATH: &'static str = "/bundles";

    fn title(lang: Lang) -> &'static str {
        words(lang).bundles
    }

    async fn figures(
        s: &AppState,
        user: &PageUser,
        params: &HashMap<String, String>,
    ) -> Result<Figures, AppError> {
        let w = words(user.lang());
        let r = report(s, user, params).await?;
        Ok(Figures {
            cards: vec![
                Card::new("bundles-in-use", w.bundles_in_use, r.figures.bundles),
                Card::new(
                    "bundled-procedures",
                    w.bundled_procedures,
                    r.figures.bundled_procedures,
                ),
            ],
            headers: [w.zone, w.bundles_in_use, w.bundled_procedures]
                .map(str::to_string)
                .to_vec(),
            zones: r
                .zones
                .iter()
                .filter(|z| z.figures.bundles > 0)
                .map(|z| {
                    vec![
                        z.name.clone(),
                        z.figures.bundles.to_string(),
                        z.figures.bundled_procedures.to_string(),
                    ]
                })
                .collect(),
            basis: format!("{} {} · {}", r.name, r.as_of, w.bundles_basis),
            lists: Vec::new(),
            setting: None,
        })
    }
}
