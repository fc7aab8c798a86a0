//! CORS for `/v1/beacons`: which browser origins may send, and the preflight.

use axum::extract::{Request, State};
use axum::http::header::{self, HeaderValue};
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::beacons::BEACONS_METHODS;
use super::error::ApiError;
use super::AppState;

/// Which browser origins may send beacons (the `Origin` request header).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum AllowedOrigins {
    /// Only these exact origins; empty means no browser may send.
    #[default]
    None,
    /// These exact origins.
    List(Vec<String>),
    /// Any origin (`--allow-origin '*'`).
    Any,
}

impl AllowedOrigins {
    /// Whether a request with this `Origin` header value is allowed.
    pub fn allows(&self, origin: &str) -> bool {
        match self {
            AllowedOrigins::None => false,
            AllowedOrigins::Any => true,
            AllowedOrigins::List(list) => list.iter().any(|o| o == origin),
        }
    }

    /// Human description for error messages and the startup log.
    pub fn describe(&self) -> String {
        match self {
            AllowedOrigins::None => "none (start with --allow-origin ORIGIN)".into(),
            AllowedOrigins::Any => "*".into(),
            AllowedOrigins::List(list) => list.join(", "),
        }
    }

    /// Adds one origin (`*` allows any).
    pub fn add(&mut self, origin: String) {
        *self = match std::mem::take(self) {
            AllowedOrigins::Any => AllowedOrigins::Any,
            _ if origin == "*" => AllowedOrigins::Any,
            AllowedOrigins::None => AllowedOrigins::List(vec![origin]),
            AllowedOrigins::List(mut list) => {
                if !list.contains(&origin) {
                    list.push(origin);
                }
                AllowedOrigins::List(list)
            }
        }
    }
}

/// CORS for `/v1/beacons`: requests without `Origin` pass; allowed origins
/// get `Access-Control-Allow-Origin` echoed; others get 403 before any work.
pub(super) async fn cors(State(state): State<AppState>, req: Request, next: Next) -> Response {
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

/// `OPTIONS /v1/beacons`: what a browser may send, cached for a day.
pub(super) async fn preflight() -> Response {
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
