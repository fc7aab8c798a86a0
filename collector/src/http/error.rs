//! Refusals: [`ApiError`], its JSON wire form and the refusals several routes share.

use axum::http::header::{self, HeaderValue};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Serialize;

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

/// Marks a response as a refusal so the logging layer can print why.
#[derive(Debug, Clone)]
pub(super) struct Rejected(pub(super) String);

/// The `/metrics` reason of a refusal.
#[derive(Debug, Clone, Copy)]
pub(super) struct Counted(pub(super) &'static str);

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

/// The store does not answer: the client should retry (the probe keeps the beacons). What
/// went wrong (a store's address, a file's path) goes to the log, not to the client.
pub(super) fn unavailable(e: crate::error::Error) -> ApiError {
    let mut refusal = ApiError::new(
        StatusCode::SERVICE_UNAVAILABLE,
        "store unavailable",
        "nothing was stored, retry later",
    )
    .counted("store_unavailable");
    refusal.log = Some(e.to_string());
    refusal
}

/// A failure of the collector itself (a task that panicked, a closed semaphore).
pub(super) fn internal(what: &str, e: impl std::fmt::Display) -> ApiError {
    ApiError::new(
        StatusCode::INTERNAL_SERVER_ERROR,
        "internal error",
        format!("{what}: {e}"),
    )
}

/// Too many requests from one address or for one portal, counted under `reason`.
pub(super) fn too_many(detail: String, reason: &'static str) -> ApiError {
    ApiError::new(StatusCode::TOO_MANY_REQUESTS, "too many requests", detail).counted(reason)
}

/// A report that could not be made in time: the client may retry (nothing was changed).
pub(super) fn too_slow(e: crate::error::Error) -> ApiError {
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

impl From<crate::report::query::QueryError> for ApiError {
    fn from(e: crate::report::query::QueryError) -> ApiError {
        ApiError::new(StatusCode::BAD_REQUEST, "invalid query", e.detail)
    }
}
