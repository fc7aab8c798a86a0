//! The collector's tokens: where they come from and how a request carries them.

use axum::http::header::{self, HeaderMap};
use axum::http::StatusCode;

use super::error::ApiError;
use super::AppState;

/// Whether `headers` carry `token` as `Authorization: Bearer TOKEN` or as the password of
/// `Authorization: Basic` (what a browser sends after its login prompt; any user name).
pub(super) fn carries_token(headers: &HeaderMap, token: &str) -> bool {
    use base64::Engine;
    let Some(value) = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
    else {
        return false;
    };
    let (scheme, rest) = value.split_once(' ').unwrap_or((value, ""));
    let given = if scheme.eq_ignore_ascii_case("bearer") {
        rest.trim().as_bytes().to_vec()
    } else if scheme.eq_ignore_ascii_case("basic") {
        let Ok(decoded) = base64::engine::general_purpose::STANDARD.decode(rest.trim()) else {
            return false;
        };
        match decoded.iter().position(|&b| b == b':') {
            Some(colon) => decoded[colon + 1..].to_vec(),
            None => return false,
        }
    } else {
        return false;
    };
    constant_time_eq(&given, token.as_bytes())
}

/// What a read needs: raw beacons always the read token; reports the token unless
/// `--public-reports`.
pub(super) fn require_reader(
    state: &AppState,
    headers: &HeaderMap,
    aggregates: bool,
) -> Result<(), ApiError> {
    if aggregates && state.options.public_reports {
        return Ok(());
    }
    let detail = match state.options.read_token.as_deref() {
        Some(token) if carries_token(headers, token) => return Ok(()),
        Some(_) => "send the read token as Authorization: Bearer TOKEN (or as the password of the \
                    browser's login prompt)"
            .to_owned(),
        None => format!(
            "reading is off: start the collector with {READ_TOKEN_ENV} (or --read-token-file FILE) \
             and send it as Authorization: Bearer TOKEN{}",
            if aggregates {
                "; --public-reports opens the reports (never the raw beacons) to anyone"
            } else {
                ""
            }
        ),
    };
    Err(ApiError::new(StatusCode::UNAUTHORIZED, "unauthorized", detail).counted("unauthorized"))
}

/// The environment variable holding the read token.
pub const READ_TOKEN_ENV: &str = "JOURNEY_COLLECTOR_READ_TOKEN";
/// The environment variable holding the sender token.
pub const SENDER_TOKEN_ENV: &str = "JOURNEY_COLLECTOR_SENDER_TOKEN";
/// The environment variable holding the processing token.
pub const PROCESSING_TOKEN_ENV: &str = "JOURNEY_COLLECTOR_PROCESSING_TOKEN";

/// Compares secrets without leaking where they differ through timing.
pub(super) fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}
