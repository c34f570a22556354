//! One error type for HTTP: each use-case error becomes a status and a JSON body with a
//! message in the user's language.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use kfq_app::AppError;
use kfq_core::{Lang, Localized};
use serde_json::json;

pub struct ApiError {
    pub error: AppError,
    pub lang: Lang,
    /// The stale version came in `If-Match`: answer 412 rather than 409.
    pub precondition: bool,
}

impl ApiError {
    pub fn new(error: AppError, lang: Lang) -> ApiError {
        ApiError {
            error,
            lang,
            precondition: false,
        }
    }

    /// The refusal of a change made from a version: a stale one that came in `If-Match`
    /// answers 412 rather than 409.
    pub fn edited(error: AppError, lang: Lang, if_match: Option<i64>) -> ApiError {
        ApiError {
            precondition: if_match.is_some(),
            ..ApiError::new(error, lang)
        }
    }
}

impl ApiError {
    /// The status this error is answered with.
    pub fn status(&self) -> StatusCode {
        self.answer().0
    }

    fn answer(&self) -> (StatusCode, serde_json::Value) {
        let message = self.error.message(self.lang);
        match &self.error {
            AppError::UnknownRegion(_)
            | AppError::UnknownRound(_)
            | AppError::NotFound
            | AppError::UnknownUser(_) => (StatusCode::NOT_FOUND, json!({"error": message})),
            AppError::BadArgument { .. } => (StatusCode::BAD_REQUEST, json!({"error": message})),
            AppError::Ledger(faults) => {
                let faults: Vec<serde_json::Value> =
                    faults.iter().map(|f| fault_json(f, self.lang)).collect();
                (
                    StatusCode::UNPROCESSABLE_ENTITY,
                    json!({"error": message, "faults": faults}),
                )
            }
            AppError::Invalid(errors) => (
                StatusCode::UNPROCESSABLE_ENTITY,
                json!({"error": message, "errors": errors}),
            ),
            AppError::WeakPassword { .. }
            | AppError::Return(kfq_core::monthly_return::ReturnFault::CommentRequired) => {
                (StatusCode::UNPROCESSABLE_ENTITY, json!({"error": message}))
            }
            AppError::Conflict(c) => {
                let status = if self.precondition {
                    StatusCode::PRECONDITION_FAILED
                } else {
                    StatusCode::CONFLICT
                };
                (
                    status,
                    json!({"error": message, "current": c.current, "changes": c.changes}),
                )
            }
            AppError::RoundLocked(_) | AppError::CannotEnrol(_) => {
                (StatusCode::UNPROCESSABLE_ENTITY, json!({"error": message}))
            }
            // A stale version: 412 when it came in If-Match, as for a project.
            AppError::Store(kfq_store::StoreError::Conflict) if self.precondition => {
                (StatusCode::PRECONDITION_FAILED, json!({"error": message}))
            }
            AppError::UserExists(_)
            | AppError::RoundExists(_)
            | AppError::AlreadyDismissed(_)
            | AppError::Return(_)
            | AppError::Meeting(_)
            | AppError::Store(kfq_store::StoreError::Conflict) => {
                (StatusCode::CONFLICT, json!({"error": message}))
            }
            AppError::Forbidden
            | AppError::MustChangePassword
            | AppError::MustEnrolTotp
            | AppError::Duty(_)
            | AppError::AdministratorAccount(_)
            | AppError::OwnAccount => (StatusCode::FORBIDDEN, json!({"error": message})),
            AppError::LockedOut { .. } => {
                (StatusCode::TOO_MANY_REQUESTS, json!({"error": message}))
            }
            AppError::BadCredentials
            | AppError::SignedOut
            | AppError::Disabled
            | AppError::TotpNeeded => (StatusCode::UNAUTHORIZED, json!({"error": message})),
            AppError::Store(kfq_store::StoreError::DiskFull(_)) => {
                (StatusCode::INSUFFICIENT_STORAGE, json!({"error": message}))
            }
            AppError::Store(kfq_store::StoreError::Unavailable(_)) => {
                (StatusCode::SERVICE_UNAVAILABLE, json!({"error": message}))
            }
            AppError::Output { .. }
            | AppError::BenchDisagrees(_)
            | AppError::Store(_)
            | AppError::Internal
            | AppError::AuditChainBroken { .. } => (
                StatusCode::INTERNAL_SERVER_ERROR,
                json!({"error": AppError::Internal.message(self.lang)}),
            ),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (status, body) = self.answer();
        if status == StatusCode::INTERNAL_SERVER_ERROR {
            eprintln!("kfq: {:?}", self.error);
        }
        if status == StatusCode::SERVICE_UNAVAILABLE {
            eprintln!("kfq: {}", self.error);
            let retry = [(axum::http::header::RETRY_AFTER, "5")];
            return (status, retry, Json(body)).into_response();
        }
        (status, Json(body)).into_response()
    }
}

/// A fault of a file as the API gives it: where (file, sheet, row, column header and letter),
/// the value, the problem, and the whole sentence.
pub fn fault_json(f: &kfq_ledger::LedgerError, lang: Lang) -> serde_json::Value {
    let (column, letter) = f.column.clone().unwrap_or_default();
    json!({
        "file": f.place.file, "sheet": f.place.sheet, "row": f.place.row,
        "column": column, "letter": letter, "value": f.value,
        "message": f.problem.message(lang), "text": f.message(lang),
    })
}
