//! 目标任务, 指标月报 and 综合考核 on the pages: the books of targets and of figures entered (see
//! `books.rs`) with a zone's progress month by month and the indicators there are; and the
//! ranking of the zones within their classes.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use chrono::Datelike;
use kfq_app::assessment::Ranking;
use kfq_app::reports::today;
use kfq_app::AppError;
use kfq_core::assessment::{EnteredValue, Target};
use kfq_core::monthly::Month;
use kfq_core::Lang;

use super::books::{BookPage, Card, Figures, ListRow, ProjectList, Span};
use super::{error_page, render, words, Chrome, PageUser};
use crate::AppState;

/// The indicators there are, as a list the pages show beside the forms.
async fn catalogue_list(s: &AppState, lang: Lang) -> Result<ProjectList, AppError> {
    let w = words(lang);
    let scheme = kfq_app::assessment::scheme(&s.db).await?;
    Ok(ProjectList {
        id: "indicators",
        title: w.indicator_list.to_string(),
        headers: [w.indicator_code, w.indicator, w.unit, w.counted_by]
            .map(str::to_string)
            .to_vec(),
        rows: kfq_core::assessment::catalogue(&scheme.entered, lang)
            .into_iter()
            .map(|i| ListRow {
                link: None,
                cells: vec![
                    i.code,
                    i.name,
                    i.unit,
                    if i.counted.is_some() {
                        w.counted_by_kfq
                    } else {
                        w.entered_by_zone
                    }
                    .to_string(),
                ],
                action: None,
            })
            .collect(),
    })
}

impl BookPage for Target {
    const PATH: &'static str = "/targets";
    const SPAN: Span = Span::Year;

    fn title(lang: Lang) -> &'static str {
        words(lang).targets
    }

    async fn figures(
        s: &AppState,
        user: &PageUser,
        params: &HashMap<String, String>,
    ) -> Result<Figures, AppError> {
        let lang = user.lang();
        let w = words(lang);
        let get = |k: &str| params.get(k).map(|v| v.trim()).filter(|v| !v.is_empty());
        let year = match get("year") {
            None => today().year(),
            Some(y) => y.parse().map_err(|_| AppError::BadArgument {
                name: "year",
                value: y.into(),
                expected: kfq_app::Expected::Year,
            })?,
        };
        let targets = kfq_app::books::in_scope::<Target>(&s.db, &user.actor, get("region")).await?;
        let of_year: Vec<_> = targets.iter().filter(|(t, _)| t.year == year).collect();
        // The zone whose progress is shown: the one filtered for, else the first with targets.
        let zone = get("zone")
            .map(str::to_string)
            .or_else(|| of_year.first().map(|(_, z)| z.name.clone()));
        let mut lists = Vec::new();
        let mut behind = 0;
        if let Some(zone) = &zone {
            let p = kfq_app::assessment::progress(&s.db, &user.actor, zone, year, today()).await?;
            let rows = p
                .targets
                .iter()
                .map(|t| {
                    let last = t.months.last();
                    behind += usize::from(last.is_some_and(|m| m.behind));
                    ListRow {
                        link: None,
                        cells: vec![
                            t.indicator.name.clone(),
                            t.indicator.unit.clone(),
                            t.target.to_string(),
                            last.and_then(|m| m.actual)
                                .map(|a| a.to_string())
                                .unwrap_or_default(),
                            last.and_then(|m| m.completion)
                                .map(|c| c.percent())
                                .unwrap_or_default(),
                            if last.is_some_and(|m| m.behind) {
                                w.behind_schedule
                            } else {
                                ""
                            }
                            .to_string(),
                        ],
                        action: None,
                    }
                })
                .collect();
            lists.push(ProjectList {
                id: "progress",
                title: format!("{} {} {}", p.zone, year, w.progress),
                headers: [
                    w.indicator,
                    w.unit,
                    w.annual_target,
                    w.target_year_to_date,
                    w.completion,
                    w.schedule,
                ]
                .map(str::to_string)
                .to_vec(),
                rows,
            });
        }
        lists.push(catalogue_list(s, lang).await?);
        let zones: std::collections::BTreeSet<&str> =
            of_year.iter().map(|(_, z)| z.name.as_str()).collect();
        Ok(Figures {
            cards: vec![
                Card::new("zones-with-targets", w.zones_with_targets, zones.len()),
                Card::new("targets-set", w.targets_set, of_year.len()),
                Card::new("targets-behind", w.targets_behind, behind),
            ],
            headers: Vec::new(),
            zones: Vec::new(),
            basis: format!("{year} · {}", w.targets_basis),
            lists,
            setting: None,
        })
    }
}

impl BookPage for EnteredValue {
    const PATH: &'static str = "/indicators";
    const SPAN: Span = Span::Month;

    fn title(lang: Lang) -> &'static str {
        words(lang).entered_indicators
    }

    async fn figures(
        s: &AppState,
        user: &PageUser,
        params: &HashMap<String, String>,
    ) -> Result<Figures, AppError> {
        let lang = user.lang();
        let w = words(lang);
        let month = match params.get("month").filter(|m| !m.trim().is_empty()) {
            Some(m) => kfq_app::monthly::month_named("month", Some(m), today())?,
            None => Month::of(today()).previous(),
        };
        let region = params.get("region").map(String::as_str);
        let found = kfq_app::books::in_scope::<EnteredValue>(&s.db, &user.actor, region).await?;
        let mut by_zone: std::collections::BTreeMap<&str, usize> = Default::default();
        for (e, z) in found.iter().filter(|(e, _)| e.month == month) {
            let _ = e;
            *by_zone.entry(z.name.as_str()).or_default() += 1;
        }
        Ok(Figures {
            cards: vec![
                Card::new("zones-entered", w.zones_entered, by_zone.len()),
                Card::new(
                    "figures-entered",
                    w.figures_entered,
                    by_zone.values().sum::<usize>(),
                ),
            ],
            headers: [w.zone, w.figures_entered].map(str::to_string).to_vec(),
            zones: by_zone
                .iter()
                .map(|(z, n)| vec![z.to_string(), n.to_string()])
                .collect(),
            basis: format!("{month} · {}", w.entered_basis),
            lists: vec![catalogue_list(s, lang).await?],
            setting: None,
        })
    }
}

#[derive(Template)]
#[template(path = "assessment.html")]
struct RankingPage {
    chrome: Chrome,
    r: Ranking,
    month: String,
}

/// `GET /assessment?month=&region=`: the zones ranked within their classes, the year to the end
/// of the month (last month by default).
pub async fn ranking(
    State(s): State<AppState>,
    user: PageUser,
    Query(params): Query<HashMap<String, String>>,
) -> Response {
    let lang = user.lang();
    let result = async {
        let month = match params.get("month").filter(|m| !m.trim().is_empty()) {
            Some(m) => kfq_app::monthly::month_named("month", Some(m), today())?,
            None => Month::of(today()).previous(),
        };
        let region = params.get("region").map(String::as_str);
        kfq_app::assessment::ranking(&s.db, &user.actor, region, month).await
    };
    match result.await {
        Ok(r) => render(
            &RankingPage {
                chrome: user.chrome(words(lang).assessment, "books"),
                month: r.month.to_string(),
                r,
            },
            StatusCode::OK,
        ),
        Err(e) => error_page(&user, e),
    }
}
