//! The HTTP API: routes, CORS, request checks and JSON error replies.
//!
//! - `POST /v1/beacons`: one beacon or an array of 1–50, validated, stored once.
//! - `GET /v1/beacons?limit=N&journey=ID`: stored beacons, oldest first.
//! - `OPTIONS /v1/beacons`: CORS preflight.
//! - `GET /healthz`: `ok`.

use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{DefaultBodyLimit, Request, State};
use axum::http::header::{self, HeaderMap, HeaderValue};
use axum::http::{Method, StatusCode, Uri};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde::Serialize;

use crate::cli::AllowedOrigins;
use crate::store::{ListQuery, Store, StoredBeacon};
use crate::validate::{BeaconValidator, BodyError};

/// Largest request body accepted, in bytes (64 KiB).
pub const MAX_BODY_BYTES: usize = 64 * 1024;
/// Default `limit` of `GET /v1/beacons`.
pub const DEFAULT_GET_LIMIT: u32 = 100;
/// Largest `limit` of `GET /v1/beacons`.
pub const MAX_GET_LIMIT: u32 = 1000;

const ACCEPTED_TYPES: &str = "application/json, text/plain";
const BEACONS_METHODS: &str = "GET, POST, OPTIONS";

/// State shared by the handlers.
#[derive(Debug, Clone)]
struct AppState {
    store: Arc<Store>,
    origins: Arc<AllowedOrigins>,
}

/// A refused request: status, a short error and details, sent as
/// `{"error":…,"details":[…]}` and logged to stderr.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    /// HTTP status.
    pub status: StatusCode,
    /// Short, stable error text.
    pub error: String,
    /// What exactly was wrong and what is accepted.
    pub details: Vec<String>,
}

impl ApiError {
    /// A refusal with one detail line.
    pub fn new(status: StatusCode, error: impl Into<String>, detail: impl Into<String>) -> Self {
        ApiError {
            status,
            error: error.into(),
            details: vec![detail.into()],
        }
    }
}

/// Wire form of [`ApiError`], fields in this order.
#[derive(Serialize)]
struct ErrorBody {
    error: String,
    details: Vec<String>,
}

/// Wire form of `GET /v1/beacons`.
#[derive(Serialize)]
struct BeaconList {
    beacons: Vec<StoredBeacon>,
}

/// Marks a response as a refusal so the logging layer can print why.
#[derive(Debug, Clone)]
struct Rejected(String);

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let reason = if self.details.is_empty() {
            self.error.clone()
        } else {
            format!("{}: {}", self.error, self.details.join("; "))
        };
        let body = ErrorBody {
            error: self.error,
            details: self.details,
        };
        let mut resp = (self.status, Json(body)).into_response();
        resp.extensions_mut().insert(Rejected(reason));
        resp
    }
}

/// The collector's router over an open store.
pub fn router(store: Arc<Store>, origins: AllowedOrigins) -> Router {
    let state = AppState {
        store,
        origins: Arc::new(origins),
    };
    let beacons = Router::new()
        .route(
            "/v1/beacons",
            get(get_beacons)
                .post(post_beacons)
                .options(preflight)
                .fallback(method_not_allowed),
        )
        .route_layer(middleware::from_fn_with_state(state.clone(), cors))
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES));
    Router::new()
        .route("/healthz", get(healthz).fallback(method_not_allowed))
        .merge(beacons)
        .fallback(not_found)
        .with_state(state)
        .layer(middleware::from_fn(log_rejections))
}

/// One stderr line per refused request, with the reason.
async fn log_rejections(req: Request, next: Next) -> Response {
    let method = req.method().clone();
    let path = req.uri().path().to_owned();
    let origin = req
        .headers()
        .get(header::ORIGIN)
        .map(|o| format!(" (origin {})", String::from_utf8_lossy(o.as_bytes())))
        .unwrap_or_default();
    let resp = next.run(req).await;
    if let Some(Rejected(reason)) = resp.extensions().get::<Rejected>() {
        eprintln!(
            "journey-collector: rejected {method} {path}{origin}: {} {reason}",
            resp.status().as_u16()
        );
    }
    resp
}

/// CORS for `/v1/beacons`: requests without `Origin` pass; allowed origins
/// get `Access-Control-Allow-Origin` echoed; others get 403 before any work.
async fn cors(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let origin = req.headers().get(header::ORIGIN).cloned();
    let mut resp = match &origin {
        None => next.run(req).await,
        Some(o) if o.to_str().is_ok_and(|s| state.origins.allows(s)) => {
            let mut resp = next.run(req).await;
            resp.headers_mut()
                .insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, o.clone());
            resp
        }
        Some(o) => ApiError::new(
            StatusCode::FORBIDDEN,
            "origin not allowed",
            format!(
                "origin {} is not in --allow-origin; allowed: {}",
                String::from_utf8_lossy(o.as_bytes()),
                state.origins.describe()
            ),
        )
        .into_response(),
    };
    resp.headers_mut()
        .append(header::VARY, HeaderValue::from_static("Origin"));
    resp
}

async fn preflight() -> Response {
    (
        StatusCode::NO_CONTENT,
        [
            (header::ACCESS_CONTROL_ALLOW_METHODS, "POST"),
            (header::ACCESS_CONTROL_ALLOW_HEADERS, "content-type"),
            (header::ACCESS_CONTROL_MAX_AGE, "86400"),
            (header::ALLOW, BEACONS_METHODS),
        ],
    )
        .into_response()
}

async fn healthz() -> &'static str {
    "ok"
}

async fn not_found(method: Method, uri: Uri) -> ApiError {
    ApiError::new(
        StatusCode::NOT_FOUND,
        "not found",
        format!(
            "no route for {method} {}; routes: POST|GET|OPTIONS /v1/beacons, GET /healthz",
            uri.path()
        ),
    )
}

async fn method_not_allowed(method: Method, uri: Uri) -> Response {
    let allowed = if uri.path() == "/healthz" {
        "GET"
    } else {
        BEACONS_METHODS
    };
    let mut resp = ApiError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        "method not allowed",
        format!("{method} {}: accepted methods: {allowed}", uri.path()),
    )
    .into_response();
    resp.headers_mut()
        .insert(header::ALLOW, HeaderValue::from_static(allowed));
    resp
}

/// Epoch milliseconds now.
fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

/// `application/json` or `text/plain`, parameters (e.g. `;charset=UTF-8`) ignored.
fn check_content_type(headers: &HeaderMap) -> Result<(), ApiError> {
    let given = headers.get(header::CONTENT_TYPE);
    let essence = given.and_then(|v| v.to_str().ok()).map(|v| {
        v.split(';')
            .next()
            .unwrap_or("")
            .trim()
            .to_ascii_lowercase()
    });
    match essence.as_deref() {
        Some("application/json" | "text/plain") => Ok(()),
        _ => Err(ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported content type",
            format!(
                "content-type {}; accepted: {ACCEPTED_TYPES}",
                given.map_or("missing".into(), |v| {
                    format!("'{}'", String::from_utf8_lossy(v.as_bytes()))
                })
            ),
        )),
    }
}

fn internal(what: &str, e: impl std::fmt::Display) -> ApiError {
    ApiError::new(
        StatusCode::INTERNAL_SERVER_ERROR,
        "internal error",
        format!("{what}: {e}"),
    )
}

async fn post_beacons(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    check_content_type(&headers)?;
    let body = body.map_err(|rej| {
        if rej.status() == StatusCode::PAYLOAD_TOO_LARGE {
            ApiError::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                "body too large",
                format!("at most {MAX_BODY_BYTES} bytes per request"),
            )
        } else {
            ApiError::new(rej.status(), "cannot read body", rej.body_text())
        }
    })?;
    let beacons = BeaconValidator::get()
        .parse_body(&body)
        .map_err(|e| match e {
            BodyError::Invalid(details) => ApiError {
                status: StatusCode::BAD_REQUEST,
                error: "invalid beacon".into(),
                details,
            },
            other => ApiError {
                status: StatusCode::BAD_REQUEST,
                error: other.to_string(),
                details: Vec::new(),
            },
        })?;
    let received_ms = now_ms();
    let store = state.store.clone();
    let outcome = tokio::task::spawn_blocking(move || store.insert(received_ms, &beacons))
        .await
        .map_err(|e| internal("store task", e))?
        .map_err(|e| internal("store", e))?;
    Ok((StatusCode::ACCEPTED, Json(outcome)).into_response())
}

/// Parses `limit` and `journey`; anything else is refused by name.
fn parse_list_query(query: Option<&str>) -> Result<ListQuery, ApiError> {
    let bad = |detail: String| ApiError::new(StatusCode::BAD_REQUEST, "invalid query", detail);
    let (mut limit, mut journey) = (None, None);
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
            other => {
                return Err(bad(format!(
                    "unknown query parameter '{other}'; accepted: limit, journey"
                )))
            }
        }
    }
    Ok(ListQuery {
        limit: limit.unwrap_or(DEFAULT_GET_LIMIT),
        journey,
    })
}

async fn get_beacons(State(state): State<AppState>, uri: Uri) -> Result<Response, ApiError> {
    let query = parse_list_query(uri.query())?;
    let store = state.store.clone();
    let beacons = tokio::task::spawn_blocking(move || store.list(&query))
        .await
        .map_err(|e| internal("store task", e))?
        .map_err(|e| internal("store", e))?;
    Ok(Json(BeaconList { beacons }).into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_types() {
        let mut h = HeaderMap::new();
        assert_eq!(
            check_content_type(&h).unwrap_err().status,
            StatusCode::UNSUPPORTED_MEDIA_TYPE
        );
        for ok in [
            "application/json",
            "text/plain;charset=UTF-8",
            "Application/JSON; charset=utf-8",
        ] {
            h.insert(header::CONTENT_TYPE, HeaderValue::from_static(ok));
            assert!(check_content_type(&h).is_ok(), "{ok}");
        }
        h.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/x-www-form-urlencoded"),
        );
        let e = check_content_type(&h).unwrap_err();
        assert_eq!(
            e.details,
            ["content-type 'application/x-www-form-urlencoded'; accepted: application/json, text/plain"]
        );
    }

    #[test]
    fn list_query() {
        assert_eq!(
            parse_list_query(None).unwrap(),
            ListQuery {
                limit: 100,
                journey: None
            }
        );
        let j = "0123456789abcdef0123456789abcdef";
        assert_eq!(
            parse_list_query(Some(&format!("limit=1000&journey={j}"))).unwrap(),
            ListQuery {
                limit: 1000,
                journey: Some(j.into())
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
