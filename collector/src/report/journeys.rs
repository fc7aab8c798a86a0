//! Journeys started and how they ended (a silent one is abandoned after
//! [`super::SILENT_ABANDON_MS`]), and the per-service rows of a portal-wide report.

use std::collections::BTreeMap;

use serde::Serialize;

use super::stats::*;
use super::*;

/// Journeys started and how they ended.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Journeys {
    /// Journeys that began in the period (their first beacon was received in it), started or
    /// not.
    pub seen: i64,
    /// Of them, started: a beacon said `logged_in`. Each started journey has exactly one of
    /// the four outcomes below.
    pub started: i64,
    /// Started and ended with a successful submission.
    pub submitted: i64,
    /// Started and abandoned: reported by the probe, or silent for 30 minutes before the report
    /// was made.
    pub abandoned: i64,
    /// Started and ended by the portal (session or draft expired).
    pub expired: i64,
    /// Started, not ended, and a beacon within the 30 minutes before the report was made.
    pub in_progress: i64,
    /// Submitted / started, percent with one decimal (`None` without started journeys).
    pub completion_pct: Option<f64>,
}

/// One service of a portal-wide report.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ServiceRow {
    /// The service code.
    pub service: String,
    /// Journeys started (logged in).
    pub started: i64,
    /// Submitted.
    pub submitted: i64,
    /// Mean login → submission, ms.
    pub mean_ms: Option<i64>,
    /// Mean under the target.
    pub pass: Option<bool>,
}

/// The outcome of a started journey as the report judges it at `now_ms`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Judged {
    Submitted,
    Abandoned,
    Expired,
    InProgress,
}

/// A started journey's one outcome: its end's, else abandoned once silent for
/// [`SILENT_ABANDON_MS`] before `now_ms`, else in progress.
pub(super) fn judge(j: &input::JourneyRow, now_ms: i64) -> Judged {
    match j.outcome.as_deref() {
        Some("submitted") => Judged::Submitted,
        Some("abandoned") => Judged::Abandoned,
        Some("expired") => Judged::Expired,
        _ if now_ms - j.last_ms > SILENT_ABANDON_MS => Judged::Abandoned,
        _ => Judged::InProgress,
    }
}

pub(super) fn count_journeys(rows: &[input::JourneyRow], now_ms: i64) -> Journeys {
    let started: Vec<Judged> = rows
        .iter()
        .filter(|j| j.started)
        .map(|j| judge(j, now_ms))
        .collect();
    let count = |outcome: Judged| started.iter().filter(|&&o| o == outcome).count() as i64;
    let submitted = count(Judged::Submitted);
    Journeys {
        seen: rows.len() as i64,
        started: started.len() as i64,
        submitted,
        abandoned: count(Judged::Abandoned),
        expired: count(Judged::Expired),
        in_progress: count(Judged::InProgress),
        completion_pct: pct(submitted, started.len() as i64),
    }
}

pub(super) fn services(rows: &[input::JourneyRow], target_ms: i64) -> Vec<ServiceRow> {
    #[derive(Default)]
    struct Tally {
        started: i64,
        submitted: i64,
        timed: i64,
        sum: i64,
    }
    let mut by: BTreeMap<&str, Tally> = BTreeMap::new();
    for j in rows {
        let e = by.entry(&j.service).or_default();
        if !j.started {
            continue;
        }
        e.started += 1;
        if j.ended("submitted") {
            e.submitted += 1;
            if let Some(d) = j.duration_ms {
                e.timed += 1;
                add(&mut e.sum, d);
            }
        }
    }
    by.into_iter()
        .map(|(service, t)| ServiceRow {
            service: service.to_string(),
            started: t.started,
            submitted: t.submitted,
            mean_ms: (t.timed > 0).then(|| mean(t.sum, t.timed)),
            pass: (t.timed > 0).then(|| mean_under(t.sum, t.timed, target_ms)),
        })
        .collect()
}
