//! `GET /v1/report` and `GET /dashboard`: the report of a query, cached and bounded.

use std::sync::Arc;

use axum::extract::State;
use axum::http::header::{self, HeaderMap};
use axum::http::Uri;
use axum::response::{IntoResponse, Response};
use axum::Json;

use super::auth::require_reader;
use super::error::{internal, too_slow, ApiError};
use super::{on_store, AppState};
use crate::report;

/// How long a report is served again for the same query, by default.
pub const REPORT_CACHE_TTL: std::time::Duration = std::time::Duration::from_secs(5);
/// Reports computed at once; others wait (at most [`crate::store::sqlite::READ_BUDGET`]).
const REPORTS_AT_ONCE: usize = 2;
/// Queries whose reports are kept.
const CACHED_REPORTS: usize = 64;

/// Recent reports by query, and the slots that bound how many are computed at once, so that
/// readers cannot take every thread and connection from the writers.
#[derive(Debug)]
pub(super) struct ReportCache {
    ttl: std::time::Duration,
    recent: std::sync::Mutex<Vec<(String, std::time::Instant, Arc<report::Report>)>>,
    slots: Arc<tokio::sync::Semaphore>,
}

impl ReportCache {
    /// A cache that keeps reports for `ttl` (zero: never).
    pub(super) fn new(ttl: std::time::Duration) -> ReportCache {
        ReportCache {
            ttl,
            recent: std::sync::Mutex::new(Vec::new()),
            slots: Arc::new(tokio::sync::Semaphore::new(REPORTS_AT_ONCE)),
        }
    }

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

/// answered in the last [`REPORT_CACHE_TTL`], else on one of the report slots.
async fn report_of(state: &AppState, query: Option<&str>) -> Result<Arc<report::Report>, ApiError> {
    let now = state.options.clock.now_ms();
    let (filter, targets) = report::query::parse(query, now).map_err(ApiError::from)?;
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
    let f = filter.clone();
    let input = on_store(&state.store, move |store| {
        let input = store.report_input(&f);
        drop(slot);
        input
    })
    .await?
    .map_err(too_slow)?;
    state.metrics.report();
    let report = Arc::new(report::build(&input, &filter, targets, now));
    state.reports.put(key, report.clone());
    Ok(report)
}

/// `GET /v1/report`: the report as JSON.
pub(super) async fn get_report(
    State(state): State<AppState>,
    headers: HeaderMap,
    uri: Uri,
) -> Result<Response, ApiError> {
    require_reader(&state, &headers, true)?;
    let report = report_of(&state, uri.query()).await?;
    Ok(Json(&*report).into_response())
}

/// `GET /dashboard`: the report as a page.
pub(super) async fn dashboard(
    State(state): State<AppState>,
    headers: HeaderMap,
    uri: Uri,
) -> Result<Response, ApiError> {
    require_reader(&state, &headers, true)?;
    let report = report_of(&state, uri.query()).await?;
    let html = crate::render::dashboard::page(&report, uri.query().unwrap_or(""));
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
