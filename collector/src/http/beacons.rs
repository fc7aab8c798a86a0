//! `POST /v1/beacons` (validated, rate-limited, stored once) and `GET /v1/beacons` (paged).

use axum::extract::{Request, State};
use axum::http::header::{self, HeaderMap};
use axum::http::{StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use serde::Serialize;

use super::auth::{carries_token, require_reader, SENDER_TOKEN_ENV};
use super::body::{check_content_type, read_body};
use super::error::{too_many, too_slow, unavailable, ApiError};
use super::{client_of, on_store, AppState, Peer};
use crate::store::{ListQuery, StoredBeacon};
use crate::validate::{BeaconValidator, BodyError};

/// Default largest request body accepted, in bytes (64 KiB).
pub const MAX_BODY_BYTES: usize = 64 * 1024;
/// Default `limit` of `GET /v1/beacons`.
pub const DEFAULT_GET_LIMIT: u32 = 100;
/// Largest `limit` of `GET /v1/beacons`.
pub const MAX_GET_LIMIT: u32 = 1000;
/// Most bytes of beacons one `GET /v1/beacons` returns; past it the page ends early.
pub const MAX_LIST_BYTES: usize = 4 << 20;
/// Default beacon requests per second from one client address. A probe sends about one
/// request per page; 50 a second leaves room for a few hundred citizens behind one NAT.
pub const DEFAULT_RATE_PER_CLIENT: u32 = 50;
/// Default beacon requests per second one portal may store: above the national portal's
/// peak (about 10 million dossiers a year is well under 100 journeys a second at peak, each
/// sending one request per page) and within what one SQLite collector ingests.
pub const DEFAULT_RATE_PER_PORTAL: u32 = 2_000;

/// The methods `/v1/beacons` answers.
pub(super) const BEACONS_METHODS: &str = "GET, POST, OPTIONS";

/// Wire form of `GET /v1/beacons`.
#[derive(Serialize)]
struct BeaconList {
    beacons: Vec<StoredBeacon>,
    /// False when older beacons of the page were left out to keep it under
    /// [`MAX_LIST_BYTES`]; they come on the next page.
    complete: bool,
    /// The query of the next page back (`before=…`), when there may be older beacons.
    #[serde(skip_serializing_if = "Option::is_none")]
    next: Option<String>,
}

/// The most recent of `beacons` (oldest first) that fit in `max_bytes`; whether all did.
fn within_bytes(mut beacons: Vec<StoredBeacon>, max_bytes: usize) -> (Vec<StoredBeacon>, bool) {
    let mut total = 0usize;
    let mut keep = beacons.len();
    for (i, b) in beacons.iter().enumerate().rev() {
        total = total.saturating_add(b.beacon.get().len() + 32);
        if total > max_bytes {
            break;
        }
        keep = i;
    }
    let complete = keep == 0;
    (beacons.split_off(keep), complete)
}

/// The portal a beacon request speaks for: its allowed `Origin` (CORS already refused the
/// others), or `unknown` for a server-side sender with the sender token. Anything else is
/// refused: a beacon without `Origin` could come from anywhere.
fn portal_of(state: &AppState, headers: &HeaderMap) -> Result<String, ApiError> {
    if let Some(origin) = headers.get(header::ORIGIN).and_then(|o| o.to_str().ok()) {
        return Ok(origin.to_owned());
    }
    match state.options.sender_token.as_deref() {
        Some(token) if carries_token(headers, token) => Ok("unknown".to_owned()),
        Some(_) => Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "origin missing",
            "a beacon without an Origin header needs the sender token: Authorization: Bearer TOKEN",
        )
        .counted("origin_missing")),
        None => Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "origin missing",
            format!(
                "beacons come from browsers, which send Origin; a server-side sender needs \
                 {SENDER_TOKEN_ENV} (or --sender-token-file FILE) set on the collector and \
                 Authorization: Bearer TOKEN on its requests"
            ),
        )
        .counted("origin_missing")),
    }
}

/// `POST /v1/beacons`: the client's token, the portal, the body, the schema and the
/// privacy gate, the portal's token, then the store.
pub(super) async fn post_beacons(
    State(state): State<AppState>,
    peer: Option<Extension<Peer>>,
    req: Request,
) -> Result<Response, ApiError> {
    state.metrics.request();
    let (parts, body) = req.into_parts();
    let headers = parts.headers;
    // The address's token is spent before a byte of the body is read.
    if let Some(client) = client_of(&state.options, peer.map(|p| p.0), &headers) {
        if !state.rate.allow_client(client) {
            return Err(too_many(
                format!(
                    "more than {} requests per second from this address; retry after 5 s",
                    state.options.rate_per_client
                ),
                "rate_limited_client",
            ));
        }
    }
    let portal = portal_of(&state, &headers)?;
    check_content_type(&headers)?;
    let body = read_body(body, state.options.max_body_bytes).await?;
    let beacons = BeaconValidator::get()
        .parse_body_gated(&body, &state.options.step_slugs)
        .map_err(|e| match e {
            BodyError::Invalid(details) => ApiError {
                status: StatusCode::BAD_REQUEST,
                error: "invalid beacon".into(),
                details,
                reason: Some("invalid_beacon"),
                log: None,
            },
            BodyError::Version(_) => ApiError {
                status: StatusCode::BAD_REQUEST,
                error: e.to_string(),
                details: Vec::new(),
                reason: Some("wrong_version"),
                log: None,
            },
            other => ApiError {
                status: StatusCode::BAD_REQUEST,
                error: other.to_string(),
                details: Vec::new(),
                reason: Some("malformed_json"),
                log: None,
            },
        })?;
    if !state.rate.allow_portal(&portal) {
        return Err(too_many(
            format!(
                "more than {} requests per second stored for this portal; retry after 5 s",
                state.options.rate_per_portal
            ),
            "rate_limited_portal",
        ));
    }
    for b in &beacons {
        state.metrics.redacted(&b.redacted);
    }
    let received_ms = state.options.clock.now_ms();
    let started = std::time::Instant::now();
    let outcome = on_store(&state.store, move |store| {
        store.insert(received_ms, &portal, &beacons)
    })
    .await?
    .map_err(unavailable)?;
    state.metrics.store_write(started.elapsed().as_secs_f64());
    state.metrics.stored(outcome.accepted, outcome.duplicates);
    state.metrics.second_ends(outcome.second_ends);
    Ok((StatusCode::ACCEPTED, Json(outcome)).into_response())
}

/// Parses `limit` and `journey`; anything else is refused by name.
fn parse_list_query(query: Option<&str>) -> Result<ListQuery, ApiError> {
    let bad = |detail: String| ApiError::new(StatusCode::BAD_REQUEST, "invalid query", detail);
    let (mut limit, mut journey, mut before) = (None, None, None);
    for pair in query.unwrap_or("").split('&').filter(|p| !p.is_empty()) {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        match key {
            "limit" => {
                let n = match value.parse::<u32>() {
                    Ok(n @ 1..=MAX_GET_LIMIT) => n,
                    _ => {
                        return Err(bad(format!(
                            "limit '{value}': expected a whole number from 1 to {MAX_GET_LIMIT} (default {DEFAULT_GET_LIMIT})"
                        )))
                    }
                };
                if limit.replace(n).is_some() {
                    return Err(bad("limit given more than once".into()));
                }
            }
            "journey" => {
                let ok = value.len() == 32
                    && value
                        .bytes()
                        .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
                if !ok {
                    return Err(bad(format!(
                        "journey '{value}': expected a journey id, 32 lowercase hex digits"
                    )));
                }
                if journey.replace(value.to_owned()).is_some() {
                    return Err(bad("journey given more than once".into()));
                }
            }
            "before" => {
                let ok = (1..=120).contains(&value.len())
                    && value.bytes().all(|b| b.is_ascii_hexdigit() || b == b'.');
                if !ok {
                    return Err(bad(format!(
                        "before '{value}': expected the cursor a page's next gave"
                    )));
                }
                if before.replace(value.to_owned()).is_some() {
                    return Err(bad("before given more than once".into()));
                }
            }
            other => {
                return Err(bad(format!(
                    "unknown query parameter '{other}'; accepted: limit, journey, before"
                )))
            }
        }
    }
    Ok(ListQuery {
        limit: limit.unwrap_or(DEFAULT_GET_LIMIT),
        journey,
        before,
    })
}

/// `GET /v1/beacons`: one page of stored beacons (read token).
pub(super) async fn get_beacons(
    State(state): State<AppState>,
    headers: HeaderMap,
    uri: Uri,
) -> Result<Response, ApiError> {
    require_reader(&state, &headers, false)?;
    let query = parse_list_query(uri.query())?;
    let asked = query.clone();
    let beacons = on_store(&state.store, move |store| store.list(&asked))
        .await?
        .map_err(|e| match e {
            crate::error::Error::Usage(detail) => {
                ApiError::new(StatusCode::BAD_REQUEST, "invalid query", detail)
            }
            other => too_slow(other),
        })?;
    let full = beacons.len() == query.limit as usize;
    let (beacons, complete) = within_bytes(beacons, MAX_LIST_BYTES);
    let next = (full || !complete)
        .then(|| beacons.first().map(|b| format!("before={}", b.cursor)))
        .flatten();
    Ok(Json(BeaconList {
        beacons,
        complete,
        next,
    })
    .into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn list_query() {
        assert_eq!(
            parse_list_query(None).unwrap(),
            ListQuery {
                limit: 100,
                journey: None,
                before: None,
            }
        );
        let j = "0123456789abcdef0123456789abcdef";
        assert_eq!(
            parse_list_query(Some(&format!("limit=1000&journey={j}"))).unwrap(),
            ListQuery {
                limit: 1000,
                journey: Some(j.into()),
                before: None,
            }
        );
        for (q, needle) in [
            ("limit=0", "limit '0'"),
            ("limit=1001", "limit '1001'"),
            ("limit=x", "limit 'x'"),
            ("journey=ABC", "journey 'ABC'"),
            ("foo=1", "unknown query parameter 'foo'"),
            ("limit=1&limit=2", "limit given more than once"),
        ] {
            let e = parse_list_query(Some(q)).unwrap_err();
            assert_eq!(e.status, StatusCode::BAD_REQUEST);
            assert!(e.details[0].contains(needle), "{q}: {:?}", e.details);
        }
    }
}
