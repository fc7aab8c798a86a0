//! The HTTP API: the router and what every route shares (options, state, refusal logging).
//! One file per route family: [`beacons`], [`reports`], [`processing`], [`health`]; the
//! request checks they share in [`auth`], [`body`] and [`cors`]; refusals in [`error`].
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

mod auth;
mod beacons;
mod body;
pub mod cors;
pub mod error;
mod health;
mod processing;
mod reports;

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::header::{self, HeaderMap, HeaderValue};
use axum::http::{Method, StatusCode, Uri};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;

use crate::clock::Clock;
use crate::metrics::Metrics;
use crate::ratelimit::{ClientAddr, RateLimits};
use crate::store::Store;

pub use auth::{PROCESSING_TOKEN_ENV, READ_TOKEN_ENV, SENDER_TOKEN_ENV};
pub use beacons::{
    DEFAULT_GET_LIMIT, DEFAULT_RATE_PER_CLIENT, DEFAULT_RATE_PER_PORTAL, MAX_BODY_BYTES,
    MAX_GET_LIMIT, MAX_LIST_BYTES,
};
pub use body::BODY_DEADLINE;
pub use cors::AllowedOrigins;
pub use error::ApiError;
pub use processing::{MAX_PROCESSING_BODY_BYTES, MAX_PROCESSING_EVENTS};
pub use reports::REPORT_CACHE_TTL;

use beacons::{get_beacons, post_beacons, BEACONS_METHODS};
use cors::{cors, preflight};
use error::{internal, Counted, Rejected};
use health::{healthz, metrics};
use processing::post_processing;
use reports::{dashboard, get_report, ReportCache};

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
        reports: Arc::new(ReportCache::new(options.report_cache)),
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

/// One log line (warn) per refused request, with the reason (where and which rule, never a value
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
                "rejected {method} {path}{origin}: {status} {}",
                cut(reason, 2_000)
            )
        }) {
            tracing::warn!("{line}");
        }
    }
    resp
}

/// Any other path: 404 naming the routes there are.
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

/// A route asked with a method it does not answer: 405 with `Allow`.
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

/// Runs `work` on the store in a blocking thread (SQLite and ureq block): the one way the
/// handlers reach the store. The outer error is the task's (a panic), the inner the store's.
async fn on_store<T: Send + 'static>(
    store: &Arc<dyn Store>,
    work: impl FnOnce(&dyn Store) -> Result<T, crate::error::Error> + Send + 'static,
) -> Result<Result<T, crate::error::Error>, ApiError> {
    let store = store.clone();
    tokio::task::spawn_blocking(move || work(&*store))
        .await
        .map_err(|e| internal("store task", e))
}
