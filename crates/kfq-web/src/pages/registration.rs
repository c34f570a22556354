//! 入库入统 on the pages: the book's pages (see `books.rs`) with the month's figures — projects
//! qualifying, registered, 应入未入 and 有库无数, the month's investment of registered projects and
//! of the others — the two lists, and the province's rule with the form that changes it.

use std::collections::HashMap;

use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use kfq_app::registration::ListedProject;
use kfq_app::reports::today;
use kfq_app::AppError;
use kfq_core::access::Action;
use kfq_core::registration::{Coded, Registration, RegistrationStatus};
use kfq_core::Lang;

use super::books::{BookPage, Card, Field, Figures, ListRow, ProjectList, Setting, Span};
use super::{error_page, words, Choice, PageUser};
use crate::AppState;

fn list(id: &'static str, title: &str, projects: &[ListedProject], lang: Lang) -> ProjectList {
    let w = words(lang);
    ProjectList {
        id,
        title: title.to_string(),
        headers: [
            w.code,
            w.name,
            w.zone,
            w.total_investment,
            w.started_on,
            w.status,
        ]
        .map(str::to_string)
        .to_vec(),
        rows: projects
            .iter()
            .map(|p| ListRow {
                link: Some(format!("/projects/{}", p.id)),
                cells: vec![
                    p.code.clone(),
                    p.name.clone(),
                    p.zone.clone(),
                    p.total_investment_wan.wan_string(),
                    p.started_on.map(|d| d.to_string()).unwrap_or_default(),
                    p.status.label(lang).to_string(),
                ],
                action: Some(match p.registration_id {
                    Some(id) => (format!("/registrations/{id}"), w.change_record.to_string()),
                    None => (
                        format!(
                            "/registrations?project={}#new-record",
                            super::projects::encode(&p.code)
                        ),
                        w.register_it.to_string(),
                    ),
                }),
            })
            .collect(),
    }
}

impl BookPage for Registration {
    const PATH: &'static str = "/registrations";
    const SPAN: Span = Span::Month;

    fn title(lang: Lang) -> &'static str {
        words(lang).registrations
    }

    fn choices(key: &str, lang: Lang) -> Option<Vec<(&'static str, &'static str)>> {
        (key == "status").then(|| {
            RegistrationStatus::ALL
                .iter()
                .map(|s| (s.code(), s.label(lang)))
                .collect()
        })
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
            None => kfq_core::monthly::Month::of(today()).previous(),
        };
        let region = params.get("region").map(String::as_str);
        let r = kfq_app::registration::report(&s.db, &user.actor, region, month).await?;
        let f = &r.figures;
        let yes_no = |on: bool| if on { w.yes } else { w.no };
        Ok(Figures {
            cards: vec![
                Card::new("qualifying", w.qualifying, f.qualifying),
                Card::new("registered", w.registered_count, f.registered),
                Card::new("should-register", w.should_register, f.should_register),
                Card::new("no-figures", w.no_figures, f.no_figures),
                Card::new(
                    "registered-share",
                    w.registered_share,
                    format!(
                        "{} / {}",
                        f.registered_wan.wan_string(),
                        f.unregistered_wan.wan_string()
                    ),
                ),
            ],
            headers: [
                w.zone,
                w.qualifying,
                w.registered_count,
                w.should_register,
                w.no_figures,
            ]
            .map(str::to_string)
            .to_vec(),
            zones: r
                .zones
                .iter()
                .map(|z| {
                    let f = &z.figures;
                    vec![
                        z.name.clone(),
                        f.qualifying.to_string(),
                        f.registered.to_string(),
                        f.should_register.to_string(),
                        f.no_figures.to_string(),
                    ]
                })
                .collect(),
            basis: format!("{} {} · {}", r.name, r.month, w.registrations_basis),
            lists: vec![
                list(
                    "should-register-list",
                    w.should_register,
                    &r.should_register,
                    lang,
                ),
                list("no-figures-list", w.no_figures, &r.no_figures, lang),
            ],
            setting: Some(Setting {
                action: "/registrations/rule",
                title: w.registration_rule.to_string(),
                may_change: user.actor.role.allows(Action::ManageRounds),
                fields: vec![
                    Field {
                        key: "threshold_wan",
                        label: w.threshold_wan.to_string(),
                        kind: "text",
                        choices: Vec::new(),
                        value: r.rule.threshold.wan_string(),
                        required: true,
                    },
                    Field {
                        key: "needs_start",
                        label: w.needs_start.to_string(),
                        kind: "select",
                        choices: [(true, "true"), (false, "false")]
                            .iter()
                            .map(|(on, code)| Choice {
                                value: code.to_string(),
                                label: yes_no(*on).to_string(),
                                selected: r.rule.needs_start == *on,
                            })
                            .collect(),
                        value: yes_no(r.rule.needs_start).to_string(),
                        required: true,
                    },
                ],
            }),
        })
    }
}

/// `POST /registrations/rule`: the province changes who must register; back to the book.
pub async fn set_rule(
    State(s): State<AppState>,
    user: PageUser,
    Form(form): Form<HashMap<String, String>>,
) -> Response {
    let fields = super::form_fields(form);
    match kfq_app::registration::set_rule(&s.db, &user.actor, &fields).await {
        Ok(_) => Redirect::to("/registrations").into_response(),
        Err(e) => error_page(&user, e),
    }
}
