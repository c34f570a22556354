//! 化工园区安全风险等级复核 on the pages: the book of findings (see `books.rs`) with the year's
//! figures — each park's score and grade, its aspects, the rectifications still open (overdue
//! first) — and the province's checklist.

use std::collections::HashMap;

use chrono::Datelike;
use kfq_app::reports::today;
use kfq_app::AppError;
use kfq_core::chemical::{Coded, Finding, Grade};
use kfq_core::Lang;

use super::books::{BookPage, Card, Figures, ListRow, ProjectList, Span};
use super::{words, PageUser};
use crate::AppState;

impl BookPage for Finding {
    const PATH: &'static str = "/chemical-review";
    const SPAN: Span = Span::Year;

    fn title(lang: Lang) -> &'static str {
        words(lang).chemical_review
    }

    async fn figures(
        s: &AppState,
        user: &PageUser,
        params: &HashMap<String, String>,
    ) -> Result<Figures, AppError> {
        let lang = user.lang();
        let w = words(lang);
        let year = match params
            .get("year")
            .map(|y| y.trim())
            .filter(|y| !y.is_empty())
        {
            None => today().year(),
            Some(y) => y.parse().map_err(|_| AppError::BadArgument {
                name: "year",
                value: y.into(),
                expected: kfq_app::Expected::Year,
            })?,
        };
        let region = params.get("region").map(String::as_str);
        let r = kfq_app::chemical::report(&s.db, &user.actor, region, year, today()).await?;
        let graded = |g: Grade| r.grades.get(g.code()).copied().unwrap_or_default();
        let open = r.open.len();
        let overdue = r.open.iter().filter(|o| o.overdue).count();
        let mut checklist = Vec::new();
        for aspect in &r.checklist.aspects {
            for item in &aspect.items {
                checklist.push(ListRow {
                    link: None,
                    cells: vec![
                        item.code.clone(),
                        aspect.name.clone(),
                        item.text.clone(),
                        kfq_core::chemical::Points::from_tenths(item.max).to_string(),
                        if item.veto { w.yes } else { "" }.to_string(),
                    ],
                    action: None,
                });
            }
        }
        Ok(Figures {
            cards: vec![
                Card::new("parks-reviewed", w.parks_reviewed, r.zones.len()),
                Card::new(
                    "grades",
                    w.grades,
                    format!(
                        "A {} · B {} · C {} · D {}",
                        graded(Grade::A),
                        graded(Grade::B),
                        graded(Grade::C),
                        graded(Grade::D)
                    ),
                ),
                Card::new("rectifications-open", w.rectifications_open, open),
                Card::new("rectifications-overdue", w.rectifications_overdue, overdue),
            ],
            headers: [
                w.zone,
                w.score,
                w.grade,
                w.rectifications_open,
                w.rectifications_overdue,
            ]
            .map(str::to_string)
            .to_vec(),
            zones: r
                .zones
                .iter()
                .map(|z| {
                    let a = &z.assessment;
                    let grade = match a.grade {
                        Some(g) => g.label(lang).to_string(),
                        None => format!("{} {}/{}", w.review_incomplete, a.scored, a.items),
                    };
                    vec![
                        z.name.clone(),
                        format!("{} / {}", a.score, a.max),
                        grade,
                        a.open.to_string(),
                        a.overdue.to_string(),
                    ]
                })
                .collect(),
            basis: format!("{} {} · {}", r.name, r.year, w.chemical_basis),
            lists: vec![
                ProjectList {
                    id: "open-rectifications",
                    title: w.rectifications_open.to_string(),
                    headers: [
                        w.zone,
                        w.item_code,
                        w.check_item,
                        w.review_problem,
                        w.rectification_owner,
                        w.rectification_due,
                    ]
                    .map(str::to_string)
                    .to_vec(),
                    rows: r
                        .open
                        .iter()
                        .map(|o| ListRow {
                            link: Some(format!("{}/{}", Self::PATH, o.id)),
                            cells: vec![
                                o.zone.clone(),
                                o.item.clone(),
                                o.text.clone(),
                                o.problem.clone(),
                                o.owner.clone(),
                                format!(
                                    "{}{}",
                                    o.due_on.map(|d| d.to_string()).unwrap_or_default(),
                                    if o.overdue { w.overdue_mark } else { "" }
                                ),
                            ],
                            action: None,
                        })
                        .collect(),
                },
                ProjectList {
                    id: "checklist",
                    title: w.checklist.to_string(),
                    headers: [w.item_code, w.aspect, w.check_item, w.points, w.veto]
                        .map(str::to_string)
                        .to_vec(),
                    rows: checklist,
                },
            ],
            setting: None,
        })
    }
}
