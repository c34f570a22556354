//! 通报 as documents: `GET /api/v1/bulletins/{kind}/{period}.{docx|pdf}?region=` — the round's
//! “三个一批”活动情况通报, the 月度统计报告 and the 季度通报, from the pages' buttons or a script.

use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use kfq_app::bulletins::{Format, Kind};
use kfq_app::{AppError, Expected};
use serde_json::json;

use crate::api::Params;
use crate::auth::Signed;
use crate::{ApiError, AppState};

type ApiResult = Result<Response, ApiError>;

const PDF: &str = "application/pdf";

/// `round/2024-4.docx`, `monthly/2024-10.pdf`, `quarterly/2024-4.pdf`: the bulletin of the
/// period for the region asked (the user's own by default), audited as an export.
pub async fn bulletin(
    State(s): State<AppState>,
    signed: Signed,
    Path((kind, file)): Path<(String, String)>,
    params: Params,
) -> ApiResult {
    let lang = signed.actor.lang;
    let fail = |e: AppError| ApiError::new(e, lang);
    let kind = Kind::parse(&kind).ok_or_else(|| {
        fail(AppError::BadArgument {
            name: "kind",
            value: kind.clone(),
            expected: Expected::BulletinKind,
        })
    })?;
    let format = Format::of(std::path::Path::new(&file));
    let (Some(format), Some((period, ext))) = (format, file.rsplit_once('.')) else {
        return Err(fail(AppError::BadArgument {
            name: "file",
            value: file,
            expected: Expected::DocumentFile,
        }));
    };
    let region = params.get("region").map(String::as_str);
    let bulletin = kfq_app::bulletins::build(&s.db, &signed.actor, kind, period, region)
        .await
        .map_err(fail)?;
    let written = kfq_app::bulletins::render(&bulletin, format)
        .await
        .map_err(fail)?;
    kfq_app::audit::record_export(
        &s.db,
        &signed.actor,
        "bulletin",
        json!({"title": bulletin.title, "period": period, "region": region, "format": ext}),
    )
    .await
    .map_err(fail)?;
    let content_type = match format {
        Format::Docx => crate::meetings::DOCX,
        Format::Pdf => PDF,
    };
    // The title as the file's name (RFC 5987 for the Chinese), an ASCII name for old clients.
    let encoded: String = format!("{}.{ext}", bulletin.title)
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect();
    let disposition =
        format!("attachment; filename=\"bulletin-{period}.{ext}\"; filename*=UTF-8''{encoded}");
    Ok((
        [
            (header::CONTENT_TYPE, content_type.to_string()),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        written.bytes,
    )
        .into_response())
}
