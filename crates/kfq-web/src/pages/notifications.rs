//! 提醒 on the pages: the user's reminders, unread first, each opening the page where it is
//! done, with the forms that mark one or all read.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use kfq_app::reminders::NotificationView;
use kfq_app::reports::today;
use kfq_core::reminder::Coded;

use super::format::{moment, optional_date};
use super::{error_page, render, words, Chrome, PageUser};
use crate::AppState;

/// A reminder as a row of the page.
pub struct Row {
    pub id: i64,
    pub kind: &'static str,
    pub kind_code: &'static str,
    pub title: String,
    pub link: String,
    pub due_on: String,
    pub at: String,
    pub read: bool,
}

#[derive(Template)]
#[template(path = "notifications.html")]
struct NotificationsPage {
    chrome: Chrome,
    rows: Vec<Row>,
    unread: i64,
    unread_only: bool,
    webhook: bool,
}

/// `GET /notifications?unread=1`: the user's reminders, brought up to date first.
pub async fn page(
    State(s): State<AppState>,
    mut user: PageUser,
    Query(params): Query<HashMap<String, String>>,
) -> Response {
    let lang = user.lang();
    let unread_only = params.get("unread").is_some_and(|v| v == "1");
    let webhook = s.reminders.webhook.is_some();
    let (unread, items) =
        match kfq_app::reminders::list(&s.db, &user.actor, unread_only, today()).await {
            Ok(found) => found,
            Err(e) => return error_page(&user, e),
        };
    user.unread = unread;
    let page = NotificationsPage {
        chrome: user.chrome(words(lang).reminders, "notifications"),
        rows: items
            .iter()
            .map(|n: &NotificationView| Row {
                id: n.id,
                kind: n.kind.label(lang),
                kind_code: n.kind.code(),
                title: n.title.clone(),
                link: n.link.clone(),
                due_on: optional_date(n.due_on, lang),
                at: moment(n.created_at),
                read: n.read,
            })
            .collect(),
        unread,
        unread_only,
        webhook,
    };
    render(&page, StatusCode::OK)
}

/// `POST /notifications/{id}/read`: marks it read and opens the page where it is done.
pub async fn read_one(State(s): State<AppState>, user: PageUser, Path(id): Path<i64>) -> Response {
    match kfq_app::reminders::open(&s.db, &user.actor, id).await {
        Ok(link) => Redirect::to(&link).into_response(),
        Err(e) => error_page(&user, e),
    }
}

/// `POST /notifications/read`: all read.
pub async fn read_all(State(s): State<AppState>, user: PageUser) -> Response {
    match kfq_app::reminders::mark_read(&s.db, &user.actor, None).await {
        Ok(_) => Redirect::to("/notifications").into_response(),
        Err(e) => error_page(&user, e),
    }
}
