//! `POST /v1/processing`: back-office processing events (criterion 3), token before body.

use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;

use super::auth::{carries_token, PROCESSING_TOKEN_ENV};
use super::body::read_body;
use super::error::{unavailable, ApiError};
use super::{on_store, AppState};
use crate::store::ProcessingEvent;

/// Most processing events in one request.
pub const MAX_PROCESSING_EVENTS: usize = 1000;
/// Largest `POST /v1/processing` body (1,000 events of about 150 bytes).
pub const MAX_PROCESSING_BODY_BYTES: usize = 256 * 1024;

/// Whether `text` looks like a hash: 32–64 lowercase hex digits. A dossier code
/// (`000.00.12.H29-240101-0001`) is personal data linked to a citizen; its hash is not.
fn is_opaque_hash(text: &str) -> bool {
    (32..=64).contains(&text.len()) && text.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

/// Checks a processing event; `None` if it is fine.
fn processing_problem(i: usize, e: &ProcessingEvent) -> Option<String> {
    let plain = |s: &str, max: usize| {
        !s.is_empty()
            && s.len() <= max
            && s.bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_'))
    };
    if !is_opaque_hash(&e.dossier) {
        return Some(format!(
            "event {i}: dossier: 32 to 64 lowercase hex digits, a hash of the dossier code \
             (e.g. HMAC-SHA-256 with the back office's key), never the code itself"
        ));
    }
    if !plain(&e.service, 64) {
        return Some(format!(
            "event {i}: service: a service code such as 1.001234"
        ));
    }
    if e.channel != "online" && e.channel != "in_person" {
        return Some(format!("event {i}: channel: expected online or in_person"));
    }
    if e.event != "received" && e.event != "returned" {
        return Some(format!("event {i}: event: expected received or returned"));
    }
    if e.at_ms < 946_684_800_000 {
        return Some(format!("event {i}: at_ms: epoch milliseconds after 2000"));
    }
    None
}

/// `POST /v1/processing`: the token before a byte of the body, then each event checked.
pub(super) async fn post_processing(
    State(state): State<AppState>,
    req: Request,
) -> Result<Response, ApiError> {
    let Some(token) = state.options.processing_token.as_deref() else {
        return Err(ApiError::new(
            StatusCode::NOT_FOUND,
            "processing events are off",
            format!("start the collector with {PROCESSING_TOKEN_ENV} (or --processing-token-file FILE) to accept back-office events"),
        ));
    };
    // The token is checked before a byte of the body is read.
    if !carries_token(req.headers(), token) {
        return Err(ApiError::new(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            "send Authorization: Bearer TOKEN with the collector's processing token",
        )
        .counted("unauthorized"));
    }
    let body = read_body(req.into_body(), MAX_PROCESSING_BODY_BYTES).await?;
    let events: Vec<ProcessingEvent> = serde_json::from_slice(&body).map_err(|e| {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            "invalid processing events",
            format!(
                "{:?} error at line {} column {}; expected a JSON array of {{dossier, service, channel, event, at_ms}}",
                e.classify(),
                e.line(),
                e.column()
            ),
        )
        .counted("malformed_json")
    })?;
    if events.is_empty() || events.len() > MAX_PROCESSING_EVENTS {
        return Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            "invalid processing events",
            format!("{} events: send 1 to {MAX_PROCESSING_EVENTS}", events.len()),
        ));
    }
    let problems: Vec<String> = events
        .iter()
        .enumerate()
        .filter_map(|(i, e)| processing_problem(i, e))
        .take(20)
        .collect();
    if !problems.is_empty() {
        return Err(ApiError {
            status: StatusCode::BAD_REQUEST,
            error: "invalid processing events".into(),
            details: problems,
            reason: Some("invalid_beacon"),
            log: None,
        });
    }
    let n = events.len();
    let outcome = on_store(&state.store, move |store| store.insert_processing(&events))
        .await?
        .map_err(unavailable)?;
    state.metrics.processing(n);
    Ok((StatusCode::ACCEPTED, Json(outcome)).into_response())
}
