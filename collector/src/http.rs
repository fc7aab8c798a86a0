//! The HTTP API: routes, CORS, request checks and JSON error replies.
//!
//! - `POST /v1/beacons`: one beacon or an array of 1–50 from an allowed `Origin` (or with the
//!   sender token), validated, stored once; rate-limited per client address and per portal.
//! - `GET /v1/beacons?limit=N&journey=ID`: stored beacons, oldest first (read token).
//! - `OPTIONS /v1/beacons`: CORS preflight.
//! - `GET /v1/report?service=…&portal=…&from=…&to=…&target_seconds=…`: the QCVN report (JSON;
//!   read token unless `--public-reports`).
//! - `POST /v1/processing`: back-office processing events (criterion 3), with a bearer token
//!   checked before the body is read.
//! - `GET /dashboard?service=…&portal=…&from=…&to=…`: the report as a page (Vietnamese; read
//!   token, which a browser sends as the password of its login prompt, unless
//!   `--public-reports`).
//! - `GET /metrics`: Prometheus counters.
//! - `GET /healthz`: `ok` once a real write committed to the file opened, else 503.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Request, State};
use axum::http::header::{self, HeaderMap, HeaderValue};
use axum::http::{Method, StatusCode, Uri};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde::Serialize;

use crate::cli::AllowedOrigins;
use crate::clock::Clock;
use crate::metrics::Metrics;
use crate::ratelimit::{ClientAddr, RateLimits};
use crate::report::{self, Filter, Targets};
use crate::store::{ListQuery, ProcessingEvent, Store, StoredBeacon};
use crate::validate::{BeaconValidator, BodyError};

/// Default largest request body accepted, in bytes (64 KiB).
pub const MAX_BODY_BYTES: usize = 64 * 1024;
/// Most processing events in one request.
pub const MAX_PROCESSING_EVENTS: usize = 1000;
/// Default `limit` of `GET /v1/beacons`.
pub const DEFAULT_GET_LIMIT: u32 = 100;
/// Largest `limit` of `GET /v1/beacons`.
pub const MAX_GET_LIMIT: u32 = 1000;
/// Most bytes of beacons one `GET /v1/beacons` returns; past it the page ends early.
pub const MAX_LIST_BYTES: usize = 4 << 20;
/// Largest `POST /v1/processing` body (1,000 events of about 150 bytes).
pub const MAX_PROCESSING_BODY_BYTES: usize = 256 * 1024;
/// Default beacon requests per second from one client address. A probe sends about one
/// request per page; 50 a second leaves room for a few hundred citizens behind one NAT.
pub const DEFAULT_RATE_PER_CLIENT: u32 = 50;
/// Default beacon requests per second one portal may store: above the national portal's
/// peak (about 10 million dossiers a year is well under 100 journeys a second at peak, each
/// sending one request per page) and within what one SQLite collector ingests.
pub const DEFAULT_RATE_PER_PORTAL: u32 = 2_000;

const ACCEPTED_TYPES: &str = "application/json, text/plain";
const BEACONS_METHODS: &str = "GET, POST, OPTIONS";

/// What the router needs besides the store.
#[derive(Debug, Clone)]
pub struct Options {
    /// Browser origins allowed to send beacons.
    pub origins: AllowedOrigins,
    /// Largest request body, bytes.
    pub max_body_bytes: usize,
    /// Bearer token of `POST /v1/processing`; without one the endpoint is off.
    pub processing_token: Option<String>,
    /// Bearer (or Basic password) token that reads `/v1/beacons`, `/v1/report` and
    /// `/dashboard`; without one, nothing can be read (unless [`Options::public_reports`]).
    pub read_token: Option<String>,
    /// Bearer token a server-side sender puts on beacons that carry no `Origin`; without one,
    /// Origin-less beacons are refused.
    pub sender_token: Option<String>,
    /// `/v1/report` and `/dashboard` (aggregates only) open to anyone; raw beacons never are.
    pub public_reports: bool,
    /// Beacon requests per second from one client address (burst: ten seconds' worth).
    pub rate_per_client: u32,
    /// Beacon requests per second one portal may store (burst: ten seconds' worth).
    pub rate_per_portal: u32,
    /// The header a reverse proxy writes the client's address into (e.g. `x-forwarded-for`;
    /// its last address is used); without one, the TCP peer is the client.
    pub client_ip_header: Option<axum::http::HeaderName>,
    /// The time stamped on received beacons and the moment reports are made.
    pub clock: Clock,
    /// Path segments the portals declare as step names (`data-step-slugs`), kept in paths by
    /// the second gate where the privacy rule would redact them.
    pub step_slugs: Vec<String>,
    /// How long a report is served again for the same query (0: never); a dashboard
    /// reloaded by many evaluators costs one report per period, not one each.
    pub report_cache: std::time::Duration,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            origins: AllowedOrigins::None,
            max_body_bytes: MAX_BODY_BYTES,
            processing_token: None,
            read_token: None,
            sender_token: None,
            public_reports: false,
            rate_per_client: DEFAULT_RATE_PER_CLIENT,
            rate_per_portal: DEFAULT_RATE_PER_PORTAL,
            client_ip_header: None,
            clock: Clock::System,
            step_slugs: Vec::new(),
            report_cache: REPORT_CACHE_TTL,
        }
    }
}

/// State shared by the handlers.
#[derive(Debug, Clone)]
struct AppState {
    store: Arc<dyn Store>,
    options: Arc<Options>,
    metrics: Arc<Metrics>,
    rate: Arc<RateLimits>,
    refusals: Arc<crate::refusal_log::RefusalLog>,
    reports: Arc<ReportCache>,
    /// One health check at a time, and when one last committed.
    health: Arc<tokio::sync::Mutex<()>>,
    health_at: Arc<std::sync::Mutex<Option<std::time::Instant>>>,
}

/// How long a report is served again for the same query, by default.
pub const REPORT_CACHE_TTL: std::time::Duration = std::time::Duration::from_secs(5);
/// Reports computed at once; others wait (at most [`crate::store::sqlite::READ_BUDGET`]).
const REPORTS_AT_ONCE: usize = 2;
/// Queries whose reports are kept.
const CACHED_REPORTS: usize = 64;

/// Recent reports by query, and the slots that bound how many are computed at once, so that
/// readers cannot take every thread and connection from the writers.
#[derive(Debug)]
struct ReportCache {
    ttl: std::time::Duration,
    recent: std::sync::Mutex<Vec<(String, std::time::Instant, Arc<report::Report>)>>,
    slots: Arc<tokio::sync::Semaphore>,
}

impl ReportCache {
    fn get(&self, key: &str) -> Option<Arc<report::Report>> {
        let recent = self
            .recent
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        recent
            .iter()
            .find(|(k, at, _)| k == key && at.elapsed() < self.ttl)
            .map(|(_, _, r)| r.clone())
    }

    fn put(&self, key: String, report: Arc<report::Report>) {
        if self.ttl.is_zero() {
            return;
        }
        let mut recent = self
            .recent
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        recent.retain(|(k, at, _)| *k != key && at.elapsed() < self.ttl);
        if recent.len() >= CACHED_REPORTS {
            recent.remove(0);
        }
        recent.push((key, std::time::Instant::now(), report));
    }
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
    /// The `/metrics` reason it is counted under, if any.
    pub reason: Option<&'static str>,
    /// What the log says beyond the answer (for the operator, never sent to the client).
    pub log: Option<String>,
}

impl ApiError {
    /// A refusal with one detail line.
    pub fn new(status: StatusCode, error: impl Into<String>, detail: impl Into<String>) -> Self {
        ApiError {
            status,
            error: error.into(),
            details: vec![detail.into()],
            reason: None,
            log: None,
        }
    }

    /// Counted in `/metrics` under `reason`.
    pub fn counted(mut self, reason: &'static str) -> Self {
        self.reason = Some(reason);
        self
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

/// Marks a response as a refusal so the logging layer can print why.
#[derive(Debug, Clone)]
struct Rejected(String);

/// The `/metrics` reason of a refusal.
#[derive(Debug, Clone, Copy)]
struct Counted(&'static str);

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut reason = if self.details.is_empty() {
            self.error.clone()
        } else {
            format!("{}: {}", self.error, self.details.join("; "))
        };
        if let Some(log) = &self.log {
            reason = format!("{reason} ({log})");
        }
        let body = ErrorBody {
            error: self.error,
            details: self.details,
        };
        let mut resp = (self.status, Json(body)).into_response();
        resp.extensions_mut().insert(Rejected(reason));
        if let Some(counted) = self.reason {
            resp.extensions_mut().insert(Counted(counted));
        }
        if self.status == StatusCode::UNAUTHORIZED {
            resp.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Basic realm=\"journey-collector\", charset=\"UTF-8\""),
            );
        }
        if self.status == StatusCode::SERVICE_UNAVAILABLE
            || self.status == StatusCode::TOO_MANY_REQUESTS
        {
            resp.headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from_static("5"));
        }
        resp
    }
}

/// The collector's router over an open store.
pub fn router(store: Arc<dyn Store>, options: Options) -> Router {
    let state = AppState {
        store,
        rate: Arc::new(RateLimits::new(
            options.rate_per_client,
            options.rate_per_portal,
        )),
        metrics: Arc::new(Metrics::default()),
        refusals: Arc::new(crate::refusal_log::RefusalLog::default()),
        reports: Arc::new(ReportCache {
            ttl: options.report_cache,
            recent: std::sync::Mutex::new(Vec::new()),
            slots: Arc::new(tokio::sync::Semaphore::new(REPORTS_AT_ONCE)),
        }),
        health: Arc::new(tokio::sync::Mutex::new(())),
        health_at: Arc::new(std::sync::Mutex::new(None)),
        options: Arc::new(options),
    };
    let beacons = Router::new()
        .route(
            "/v1/beacons",
            get(get_beacons)
                .post(post_beacons)
                .options(preflight)
                .fallback(method_not_allowed),
        )
        .route_layer(middleware::from_fn_with_state(state.clone(), cors));
    Router::new()
        .route("/healthz", get(healthz).fallback(method_not_allowed))
        .route("/metrics", get(metrics).fallback(method_not_allowed))
        .route("/v1/report", get(get_report).fallback(method_not_allowed))
        .route("/dashboard", get(dashboard).fallback(method_not_allowed))
        .route(
            "/v1/processing",
            axum::routing::post(post_processing).fallback(method_not_allowed),
        )
        .merge(beacons)
        .fallback(not_found)
        .layer(middleware::from_fn_with_state(
            state.clone(),
            count_rejections,
        ))
        .with_state(state.clone())
        .layer(middleware::from_fn_with_state(state, log_rejections))
}

/// Counts every refusal under its reason in `/metrics`.
async fn count_rejections(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let resp = next.run(req).await;
    if let Some(Counted(reason)) = resp.extensions().get::<Counted>() {
        state.metrics.rejected(reason);
    }
    resp
}

/// One stderr line per refused request, with the reason (where and which rule, never a value
/// the request carried), within the refusal log's budget (see [`crate::refusal_log`]).
async fn log_rejections(State(state): State<AppState>, req: Request, next: Next) -> Response {
    use crate::refusal_log::{cut, header_value, MAX_HEADER_BYTES};
    let method = req.method().clone();
    let path = cut(req.uri().path(), MAX_HEADER_BYTES);
    let origin = req
        .headers()
        .get(header::ORIGIN)
        .map(|o| format!(" (origin {})", header_value(o.as_bytes())))
        .unwrap_or_default();
    let resp = next.run(req).await;
    if let Some(Rejected(reason)) = resp.extensions().get::<Rejected>() {
        let status = resp.status().as_u16();
        for line in state.refusals.lines(state.options.clock.now_ms(), || {
            format!(
                "journey-collector: rejected {method} {path}{origin}: {status} {}",
                cut(reason, 2_000)
            )
        }) {
            eprintln!("{line}");
        }
    }
    resp
}

/// CORS for `/v1/beacons`: requests without `Origin` pass; allowed origins
/// get `Access-Control-Allow-Origin` echoed; others get 403 before any work.
async fn cors(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let origin = req.headers().get(header::ORIGIN).cloned();
    let mut resp = match &origin {
        None => next.run(req).await,
        Some(o) if o.to_str().is_ok_and(|s| state.options.origins.allows(s)) => {
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
                crate::refusal_log::header_value(o.as_bytes()),
                state.options.origins.describe()
            ),
        )
        .counted("origin_not_allowed")
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

/// How long one `/healthz` write answers for the next calls (a flood of health checks costs
/// one write a second, not one each).
const HEALTH_TTL: std::time::Duration = std::time::Duration::from_secs(1);

async fn healthz(State(state): State<AppState>) -> Result<&'static str, ApiError> {
    let _one_at_a_time = state.health.lock().await;
    let recent = state
        .health_at
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .filter(|at| at.elapsed() < HEALTH_TTL);
    if recent.is_none() {
        let store = state.store.clone();
        tokio::task::spawn_blocking(move || store.ping())
            .await
            .map_err(|e| internal("store task", e))?
            .map_err(unavailable)?;
        *state
            .health_at
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = Some(std::time::Instant::now());
    }
    Ok("ok")
}

async fn metrics(State(state): State<AppState>) -> Response {
    (
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        state.metrics.render(),
    )
        .into_response()
}

/// The store does not answer: the client should retry (the probe keeps the beacons). What
/// went wrong (a store's address, a file's path) goes to the log, not to the client.
fn unavailable(e: crate::error::Error) -> ApiError {
    let mut refusal = ApiError::new(
        StatusCode::SERVICE_UNAVAILABLE,
        "store unavailable",
        "nothing was stored, retry later",
    )
    .counted("store_unavailable");
    refusal.log = Some(e.to_string());
    refusal
}

async fn not_found(method: Method, uri: Uri) -> ApiError {
    ApiError::new(
        StatusCode::NOT_FOUND,
        "not found",
        format!(
            "no route for {method} {}; routes: POST|GET|OPTIONS /v1/beacons, GET /v1/report, \
             POST /v1/processing, GET /dashboard, GET /metrics, GET /healthz",
            uri.path()
        ),
    )
}

async fn method_not_allowed(method: Method, uri: Uri) -> Response {
    let allowed = match uri.path() {
        "/v1/beacons" => BEACONS_METHODS,
        "/v1/processing" => "POST",
        _ => "GET",
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
                    format!("'{}'", crate::refusal_log::header_value(v.as_bytes()))
                })
            ),
        )
        .counted("content_type")),
    }
}

fn internal(what: &str, e: impl std::fmt::Display) -> ApiError {
    ApiError::new(
        StatusCode::INTERNAL_SERVER_ERROR,
        "internal error",
        format!("{what}: {e}"),
    )
}

/// The TCP peer of a request, put in its extensions by the server's accept loop.
#[derive(Debug, Clone, Copy)]
pub struct Peer(pub std::net::SocketAddr);

/// The client of a request: the last address in the operator's proxy header when one is
/// named (the one the nearest proxy wrote), else the TCP peer.
fn client_of(options: &Options, peer: Option<Peer>, headers: &HeaderMap) -> Option<ClientAddr> {
    let from_header = options.client_ip_header.as_ref().and_then(|name| {
        let values = headers.get_all(name);
        let last = values.iter().next_back()?.to_str().ok()?;
        let text = last.rsplit(',').next()?.trim();
        text.parse::<std::net::IpAddr>()
            .ok()
            .or_else(|| text.parse::<std::net::SocketAddr>().ok().map(|a| a.ip()))
    });
    from_header.or(peer.map(|p| p.0.ip())).map(ClientAddr::of)
}

fn too_many(detail: String, reason: &'static str) -> ApiError {
    ApiError::new(StatusCode::TOO_MANY_REQUESTS, "too many requests", detail).counted(reason)
}

/// Whether `headers` carry `token` as `Authorization: Bearer TOKEN` or as the password of
/// `Authorization: Basic` (what a browser sends after its login prompt; any user name).
fn carries_token(headers: &HeaderMap, token: &str) -> bool {
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
fn require_reader(state: &AppState, headers: &HeaderMap, aggregates: bool) -> Result<(), ApiError> {
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

/// The whole of a request's body must arrive within this (a client that sends a byte every
/// few seconds would otherwise hold its connection for days).
pub const BODY_DEADLINE: std::time::Duration = std::time::Duration::from_secs(10);

/// Reads a body of at most `max` bytes within [`BODY_DEADLINE`].
async fn read_body(body: axum::body::Body, max: usize) -> Result<Bytes, ApiError> {
    match tokio::time::timeout(BODY_DEADLINE, axum::body::to_bytes(body, max)).await {
        Err(_) => Err(ApiError::new(
            StatusCode::REQUEST_TIMEOUT,
            "body too slow",
            format!(
                "the body did not arrive within {} s",
                BODY_DEADLINE.as_secs()
            ),
        )),
        Ok(Err(e)) => {
            let too_large = std::error::Error::source(&e)
                .is_some_and(|s| s.is::<http_body_util::LengthLimitError>());
            Err(if too_large {
                ApiError::new(
                    StatusCode::PAYLOAD_TOO_LARGE,
                    "body too large",
                    format!("at most {max} bytes per request"),
                )
                .counted("too_large")
            } else {
                ApiError::new(StatusCode::BAD_REQUEST, "cannot read body", e.to_string())
            })
        }
        Ok(Ok(bytes)) => Ok(bytes),
    }
}

async fn post_beacons(
    State(state): State<AppState>,
    peer: Option<axum::Extension<Peer>>,
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
    let store = state.store.clone();
    let started = std::time::Instant::now();
    let outcome = tokio::task::spawn_blocking(move || store.insert(received_ms, &portal, &beacons))
        .await
        .map_err(|e| internal("store task", e))?
        .map_err(unavailable)?;
    state.metrics.store_write(started.elapsed().as_secs_f64());
    state.metrics.stored(outcome.accepted, outcome.duplicates);
    state.metrics.second_ends(outcome.second_ends);
    Ok((StatusCode::ACCEPTED, Json(outcome)).into_response())
}

/// Parses the report's query: `service`, `portal`, `from`, `to` (dates, `to` inclusive),
/// `target_seconds`. Returns the filter and the targets (by the year of `from`).
pub fn parse_report_query(query: Option<&str>, now_ms: i64) -> Result<(Filter, Targets), ApiError> {
    let bad = |detail: String| ApiError::new(StatusCode::BAD_REQUEST, "invalid query", detail);
    // By default up to the end of today (UTC): the same query gives the same report all day.
    let mut filter = Filter {
        from_ms: 0,
        to_ms: (now_ms.div_euclid(crate::period::DAY_MS) + 1) * crate::period::DAY_MS,
        ..Filter::default()
    };
    let mut from = None;
    let mut target = None;
    for pair in query.unwrap_or("").split('&').filter(|p| !p.is_empty()) {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        let value = percent_decode(value);
        match key {
            "service" | "portal" => {
                let ok = !value.is_empty()
                    && value.len() <= 200
                    && value.bytes().all(|b| b.is_ascii_graphic());
                if !ok {
                    return Err(bad(format!("{key} '{value}': expected a service code or an origin")));
                }
                if key == "service" {
                    filter.service = Some(value);
                } else {
                    filter.portal = Some(value);
                }
            }
            "from" | "to" => {
                let ms = crate::period::parse_date(&value).ok_or_else(|| {
                    bad(format!("{key} '{value}': expected {}", crate::period::DATE_EXPECTED))
                })?;
                if key == "from" {
                    filter.from_ms = ms;
                    from = Some(ms);
                } else {
                    filter.to_ms = ms + crate::period::DAY_MS;
                }
            }
            "target_seconds" => {
                target = Some(value.parse::<i64>().ok().filter(|n| (1..=86_400).contains(n)).ok_or_else(
                    || bad(format!("target_seconds '{value}': expected a whole number from 1 to 86400")),
                )?);
            }
            other => {
                return Err(bad(format!(
                    "unknown query parameter '{other}'; accepted: service, portal, from, to, target_seconds"
                )))
            }
        }
    }
    if filter.from_ms >= filter.to_ms {
        return Err(bad("from is after to".into()));
    }
    let mut targets = Targets::for_year(crate::period::year_of(from.unwrap_or(now_ms)));
    if let Some(t) = target {
        targets.journey_seconds = t;
    }
    Ok((filter, targets))
}

/// Decodes `%XX` and `+` in a query value (service codes and origins are ASCII).
fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' if i + 2 < bytes.len() => {
                let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).ok();
                match hex.and_then(|h| u8::from_str_radix(h, 16).ok()) {
                    Some(b) => {
                        out.push(b);
                        i += 3;
                        continue;
                    }
                    None => out.push(b'%'),
                }
            }
            b'+' => out.push(b' '),
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// A report that could not be made in time: the client may retry (nothing was changed).
fn too_slow(e: crate::error::Error) -> ApiError {
    match e {
        crate::error::Error::TooSlow { .. } => ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "report too slow",
            e.to_string(),
        )
        .counted("report_timeout"),
        other => unavailable(other),
    }
}

/// Builds the report of a query against the store: from the cache when the same query was
/// answered in the last [`REPORT_CACHE_TTL`], else on one of the report slots.
async fn report_of(state: &AppState, query: Option<&str>) -> Result<Arc<report::Report>, ApiError> {
    let now = state.options.clock.now_ms();
    let (filter, targets) = parse_report_query(query, now)?;
    // The moment a report is made decides which silent journeys are abandoned: a report
    // made for another moment (a clock moved on) is another report.
    let bucket = now.div_euclid(
        i64::try_from(state.options.report_cache.as_millis())
            .unwrap_or(1)
            .max(1),
    );
    let key = format!("{filter:?}|{targets:?}|{bucket}");
    if let Some(report) = state.reports.get(&key) {
        return Ok(report);
    }
    let budget = crate::store::sqlite::READ_BUDGET;
    // The slot goes with the read itself: a client that hangs up does not free it early.
    let slot = tokio::time::timeout(budget, state.reports.slots.clone().acquire_owned())
        .await
        .map_err(|_| {
            too_slow(crate::error::Error::TooSlow {
                seconds: budget.as_secs(),
            })
        })?
        .map_err(|e| internal("report slots", e))?;
    // Another request may have made it while this one waited.
    if let Some(report) = state.reports.get(&key) {
        return Ok(report);
    }
    let store = state.store.clone();
    let f = filter.clone();
    let input = tokio::task::spawn_blocking(move || {
        let input = store.report_input(&f);
        drop(slot);
        input
    })
    .await
    .map_err(|e| internal("store task", e))?
    .map_err(too_slow)?;
    state.metrics.report();
    let report = Arc::new(report::build(&input, &filter, targets, now));
    state.reports.put(key, report.clone());
    Ok(report)
}

async fn get_report(
    State(state): State<AppState>,
    headers: HeaderMap,
    uri: Uri,
) -> Result<Response, ApiError> {
    require_reader(&state, &headers, true)?;
    let report = report_of(&state, uri.query()).await?;
    Ok(Json(&*report).into_response())
}

async fn dashboard(
    State(state): State<AppState>,
    headers: HeaderMap,
    uri: Uri,
) -> Result<Response, ApiError> {
    require_reader(&state, &headers, true)?;
    let report = report_of(&state, uri.query()).await?;
    let html = crate::dashboard::page(&report, uri.query().unwrap_or(""));
    Ok((
        [
            (header::CONTENT_TYPE, "text/html; charset=utf-8"),
            (
                header::CONTENT_SECURITY_POLICY,
                "default-src 'none'; style-src 'unsafe-inline'; img-src data:",
            ),
        ],
        html,
    )
        .into_response())
}

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

async fn post_processing(
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
    let store = state.store.clone();
    let n = events.len();
    let outcome = tokio::task::spawn_blocking(move || store.insert_processing(&events))
        .await
        .map_err(|e| internal("store task", e))?
        .map_err(unavailable)?;
    state.metrics.processing(n);
    Ok((StatusCode::ACCEPTED, Json(outcome)).into_response())
}

/// Compares secrets without leaking where they differ through timing.
fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
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

async fn get_beacons(
    State(state): State<AppState>,
    headers: HeaderMap,
    uri: Uri,
) -> Result<Response, ApiError> {
    require_reader(&state, &headers, false)?;
    let query = parse_list_query(uri.query())?;
    let store = state.store.clone();
    let asked = query.clone();
    let beacons = tokio::task::spawn_blocking(move || store.list(&asked))
        .await
        .map_err(|e| internal("store task", e))?
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
