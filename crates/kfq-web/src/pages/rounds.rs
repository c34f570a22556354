//! “三个一批” pages: the rounds, one round's batches, enrolment and locking.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use kfq_app::AppError;
use kfq_core::access::Action;
use kfq_core::round::{BatchKind, RoundId};
use kfq_core::Localized;

use super::format::{amount, optional_date};
use super::{error_page, render, words, Choice, Chrome, PageUser};
use crate::AppState;

pub struct RoundRow {
    pub id: String,
    pub label: String,
    pub held_on: String,
    pub venue: String,
    pub locked: bool,
}

#[derive(Template)]
#[template(path = "rounds.html")]
struct RoundsPage {
    chrome: Chrome,
    rounds: Vec<RoundRow>,
    can_manage: bool,
    error: Option<String>,
}

async fn rounds_page(
    s: &AppState,
    user: &PageUser,
    error: Option<String>,
    status: StatusCode,
) -> Response {
    let lang = user.lang();
    let rounds = match kfq_app::rounds::list(&s.db).await {
        Ok(r) => r,
        Err(e) => return error_page(user, e),
    };
    let page = RoundsPage {
        chrome: user.chrome(words(lang).rounds, "rounds"),
        rounds: rounds
            .iter()
            .rev()
            .map(|r| RoundRow {
                id: r.id.to_string(),
                label: r.id.label(lang),
                held_on: optional_date(r.held_on, lang),
                venue: r.venue.clone(),
                locked: r.locked,
            })
            .collect(),
        can_manage: user.actor.role.allows(Action::ManageRounds),
        error,
    };
    render(&page, status)
}

pub async fn list(State(s): State<AppState>, user: PageUser) -> Response {
    rounds_page(&s, &user, None, StatusCode::OK).await
}

pub async fn create(
    State(s): State<AppState>,
    user: PageUser,
    Form(form): Form<HashMap<String, String>>,
) -> Response {
    let get = |k: &str| {
        form.get(k)
            .map(|v| v.trim().to_string())
            .unwrap_or_default()
    };
    let result = async {
        let id = kfq_app::reports::parse_round(&get("round"))?;
        let held_on = match get("held_on").as_str() {
            "" => None,
            d => Some(kfq_app::reports::parse_date("held_on", d)?),
        };
        kfq_app::rounds::create(&s.db, &user.actor, id, held_on, &get("venue")).await?;
        Ok::<_, AppError>(id)
    };
    match result.await {
        Ok(id) => Redirect::to(&format!("/rounds/{id}")).into_response(),
        Err(e) => {
            rounds_page(
                &s,
                &user,
                Some(e.message(user.lang())),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
    }
}

pub struct EntryRow {
    pub id: i64,
    pub code: String,
    pub name: String,
    pub zone: String,
    pub amount: String,
    pub strategic: bool,
}

pub struct Batch {
    pub code: &'static str,
    pub name: String,
    pub count: usize,
    pub amount: String,
    pub entries: Vec<EntryRow>,
}

#[derive(Template)]
#[template(path = "round.html")]
struct RoundPage {
    chrome: Chrome,
    id: String,
    label: String,
    held_on: String,
    venue: String,
    locked: bool,
    can_enrol: bool,
    can_manage: bool,
    error: Option<String>,
    candidates: Vec<Choice>,
    batch_options: Vec<Choice>,
    batches: Vec<Batch>,
    findings: Vec<super::checks::FindingRow>,
    editable: bool,
    back: String,
}

async fn round_page(
    s: &AppState,
    user: &PageUser,
    id: RoundId,
    error: Option<String>,
    status: StatusCode,
) -> Response {
    let lang = user.lang();
    let result = async {
        let view = kfq_app::rounds::view(&s.db, &user.actor, id).await?;
        let mut candidates = Vec::new();
        if !view.locked && user.actor.role.allows(Action::EnrolProject) {
            let all = kfq_app::projects::list_all(&s.db, &user.actor, &Default::default()).await?;
            candidates = all
                .into_iter()
                .map(|p| Choice::new(p.code.clone(), format!("{} {}", p.code, p.name), ""))
                .collect();
        }
        // The open findings of the round's projects: a batch is where padding shows.
        let codes: Vec<String> = view.entries.iter().map(|e| e.code.clone()).collect();
        let findings = super::checks::open_rows(s, user, &codes).await?;
        Ok::<_, AppError>((view, candidates, findings))
    };
    let (view, candidates, findings) = match result.await {
        Ok(x) => x,
        Err(e) => return error_page(user, e),
    };
    let batches = BatchKind::ALL
        .iter()
        .map(|&b| {
            let entries: Vec<_> = view.entries.iter().filter(|e| e.batch == b).collect();
            Batch {
                code: b.code(),
                name: format!("{}{}", b.label(lang), lang.pick("一批", " batch")),
                count: entries.len(),
                amount: amount(entries.iter().map(|e| e.amount_wan).sum(), lang),
                entries: entries
                    .iter()
                    .map(|e| EntryRow {
                        id: e.project_id,
                        code: e.code.clone(),
                        name: e.name.clone(),
                        zone: e.zone.clone(),
                        amount: amount(e.amount_wan, lang),
                        strategic: e.strategic_emerging,
                    })
                    .collect(),
            }
        })
        .collect();
    let page = RoundPage {
        chrome: user.chrome(id.label(lang), "rounds"),
        id: id.to_string(),
        label: id.label(lang),
        held_on: optional_date(view.held_on, lang),
        venue: view.venue.clone(),
        locked: view.locked,
        can_enrol: user.actor.role.allows(Action::EnrolProject),
        can_manage: user.actor.role.allows(Action::ManageRounds),
        error,
        candidates,
        batch_options: super::batch_choices(lang),
        batches,
        findings,
        editable: user.actor.role.allows(Action::EditProject),
        back: format!("/rounds/{id}"),
    };
    render(&page, status)
}

fn round_id(text: &str) -> Result<RoundId, AppError> {
    kfq_app::reports::parse_round(text)
}

pub async fn page(State(s): State<AppState>, user: PageUser, Path(id): Path<String>) -> Response {
    match round_id(&id) {
        Ok(id) => round_page(&s, &user, id, None, StatusCode::OK).await,
        Err(e) => error_page(&user, e),
    }
}

pub async fn enrol(
    State(s): State<AppState>,
    user: PageUser,
    Path(id): Path<String>,
    Form(form): Form<HashMap<String, String>>,
) -> Response {
    let id = match round_id(&id) {
        Ok(id) => id,
        Err(e) => return error_page(&user, e),
    };
    let result = async {
        let wanted = form
            .get("project")
            .map(|p| p.trim().to_string())
            .unwrap_or_default();
        let code = wanted
            .split_whitespace()
            .next()
            .unwrap_or_default()
            .to_string();
        let batch = form
            .get("batch")
            .and_then(|b| BatchKind::parse(b))
            .ok_or_else(|| AppError::BadArgument {
                name: "batch",
                value: form.get("batch").cloned().unwrap_or_default(),
                expected: kfq_app::Expected::Batch,
            })?;
        let query = kfq_app::projects::ProjectQuery {
            q: Some(code.clone()),
            per_page: 500,
            page: 1,
            ..Default::default()
        };
        let page = kfq_app::projects::list(&s.db, &user.actor, &query).await?;
        let project = page
            .items
            .iter()
            .find(|p| p.code == code || p.name == wanted)
            .ok_or_else(|| {
                AppError::CannotEnrol(match user.lang() {
                    kfq_core::Lang::Zh => format!("您的范围内没有编号或名称为“{wanted}”的项目"),
                    kfq_core::Lang::En => {
                        format!("no project coded or named “{wanted}” in your region")
                    }
                })
            })?;
        let date_at_round = form.contains_key("date_at_round");
        kfq_app::rounds::enrol(&s.db, &user.actor, id, batch, project.id, date_at_round).await
    };
    match result.await {
        Ok(()) => Redirect::to(&format!("/rounds/{id}")).into_response(),
        Err(e) => {
            round_page(
                &s,
                &user,
                id,
                Some(e.message(user.lang())),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
    }
}

pub async fn lock(State(s): State<AppState>, user: PageUser, Path(id): Path<String>) -> Response {
    let id = match round_id(&id) {
        Ok(id) => id,
        Err(e) => return error_page(&user, e),
    };
    match kfq_app::rounds::lock(&s.db, &user.actor, id).await {
        Ok(()) => Redirect::to(&format!("/rounds/{id}")).into_response(),
        Err(e) => {
            round_page(
                &s,
                &user,
                id,
                Some(e.message(user.lang())),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
    }
}
