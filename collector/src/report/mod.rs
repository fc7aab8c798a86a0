//! The QCVN report of one service or one portal over a period: journeys and completion,
//! criterion 2 (login → submission time against the target, per step), criterion 1 (pre-fill
//! coverage, overwritten pre-fills, fields still typed), form friction, criterion 3
//! (processing time online vs in person) and the place kept for criterion 4 and page speed.
//!
//! [`build`] is pure: it takes the rows a store reduced ([`ReportInput`]) and computes every
//! statistic in integer arithmetic, so the same beacons give byte-identical reports whatever
//! the store.

mod criterion1;
mod criterion2;
mod criterion3;
mod criterion4;
mod friction;
pub mod input;
mod journeys;
pub mod query;
mod speed;
mod stats;

pub use criterion1::Criterion1;
pub use criterion2::{Criterion2, StepStat};
pub use criterion3::{Criterion3, Processing};
pub use criterion4::Criterion4;
pub use friction::Friction;
pub use input::{Filter, ReportInput};
pub use journeys::{Journeys, ServiceRow};
pub use speed::{SlowField, SpeedP75, SpeedReport, StepSpeed, GOOD};
pub use stats::{div_round, pct, spread, Count, KeyShare, Spread};

use criterion1::criterion1;
use criterion2::step_stats;
use criterion3::criterion3;
use criterion4::criterion4;
use friction::friction;
use journeys::{count_journeys, judge, services, Judged};
use speed::speed_report;
use stats::{mean_under, total};

use serde::Serialize;

/// A journey logged in and not ended, silent for this long, is counted as abandoned (the
/// probe's own idle timeout; its tab was closed for good).
pub const SILENT_ABANDON_MS: i64 = 30 * 60_000;
/// How many rows the per-field tables keep.
pub const TOP: usize = 10;
/// Histogram bins of journey times: one minute each, the last open-ended.
pub const HISTOGRAM_MINUTES: i64 = 15;

/// The targets a report is judged against (QCVN / Decision 1565: configuration, not constants).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Targets {
    /// Criterion 2: mean login → submission time under this, seconds.
    pub journey_seconds: i64,
    /// Criterion 3: online processing at least this share shorter than in person, percent.
    pub processing_shorter_pct: i64,
    /// Criterion 4: at least this share of citizens satisfied, percent.
    pub satisfied_pct: i64,
}

impl Targets {
    /// The targets of a year: 2025's (8 minutes, 20 %, 90 %) up to 2025, 2026's (5 minutes,
    /// 30 %, 95 %) from 2026.
    pub fn for_year(year: i64) -> Targets {
        if year <= 2025 {
            Targets {
                journey_seconds: 480,
                processing_shorter_pct: 20,
                satisfied_pct: 90,
            }
        } else {
            Targets {
                journey_seconds: 300,
                processing_shorter_pct: 30,
                satisfied_pct: 95,
            }
        }
    }
}

/// The report.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Report {
    /// What was asked.
    pub filter: Filter,
    /// What it is judged against.
    pub targets: Targets,
    /// Journeys and how they ended.
    pub journeys: Journeys,
    /// Criterion 2: time from login to successful submission.
    pub criterion2: Criterion2,
    /// Criterion 1: forms that reuse data the state holds.
    pub criterion1: Criterion1,
    /// Where citizens struggle.
    pub friction: Friction,
    /// Criterion 3: processing time online vs in person.
    pub criterion3: Criterion3,
    /// Criterion 4: citizens satisfied.
    pub criterion4: Criterion4,
    /// Page speed per step, p75 against the usual thresholds.
    pub speed: SpeedReport,
    /// Per service, for a portal-wide report (one row per service).
    pub services: Vec<ServiceRow>,
}

/// Builds the report. `now_ms` is the moment it is made: it decides which silent journeys
/// count as abandoned.
pub fn build(input: &ReportInput, filter: &Filter, targets: Targets, now_ms: i64) -> Report {
    let target_ms = targets.journey_seconds * 1000;
    let journeys = count_journeys(&input.journeys, now_ms);
    let submitted: Vec<&input::JourneyRow> = input
        .journeys
        .iter()
        .filter(|j| j.started && j.ended("submitted"))
        .collect();
    let mut durations: Vec<i64> = submitted.iter().filter_map(|j| j.duration_ms).collect();
    let mut actives: Vec<i64> = submitted
        .iter()
        .filter(|j| j.duration_ms.is_some())
        .filter_map(|j| j.active_ms)
        .collect();
    let mut histogram = vec![0; HISTOGRAM_MINUTES as usize];
    for d in &durations {
        histogram[(d / 60_000).clamp(0, HISTOGRAM_MINUTES - 1) as usize] += 1;
    }
    let within = durations.iter().filter(|&&d| d < target_ms).count() as i64;
    let (sum, n) = (total(durations.iter().copied()), durations.len() as i64);
    let duration = spread(&mut durations);
    let criterion2 = Criterion2 {
        target_ms,
        within_target_pct: pct(within, n),
        pass: (n > 0).then(|| mean_under(sum, n, target_ms)),
        duration,
        active: spread(&mut actives),
        histogram,
        steps: step_stats(&input.steps, n),
    };
    Report {
        filter: filter.clone(),
        targets,
        criterion1: criterion1(input),
        friction: friction(input, now_ms),
        criterion3: criterion3(&input.processing, targets),
        criterion4: criterion4(&input.journeys, targets),
        speed: speed_report(&input.pages),
        services: services(&input.journeys, target_ms),
        criterion2,
        journeys,
    }
}

#[cfg(test)]
mod tests;
