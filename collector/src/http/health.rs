//! `GET /healthz` (a real write, at most once a second) and `GET /metrics`.

use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};

use super::error::{unavailable, ApiError};
use super::{on_store, AppState};

/// one write a second, not one each).
const HEALTH_TTL: std::time::Duration = std::time::Duration::from_secs(1);

/// `GET /healthz`: `ok` once a real write committed (answered from the last second's).
pub(super) async fn healthz(State(state): State<AppState>) -> Result<&'static str, ApiError> {
    let _one_at_a_time = state.health.lock().await;
    let recent = state
        .health_at
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .filter(|at| at.elapsed() < HEALTH_TTL);
    if recent.is_none() {
        on_store(&state.store, |store| store.ping())
            .await?
            .map_err(unavailable)?;
        *state
            .health_at
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = Some(std::time::Instant::now());
    }
    Ok("ok")
}

/// `GET /metrics`: the Prometheus counters.
pub(super) async fn metrics(State(state): State<AppState>) -> Response {
    (
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        state.metrics.render(),
    )
        .into_response()
}
