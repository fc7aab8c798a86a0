//! Criterion 2: login → successful submission against the target, and the time per step.

use serde::Serialize;

use super::stats::*;
use super::*;

/// Criterion 2.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Criterion2 {
    /// The target, ms.
    pub target_ms: i64,
    /// Login → submission.
    pub duration: Option<Spread>,
    /// Of it, active (the page visible and focused).
    pub active: Option<Spread>,
    /// Submitted journeys within the target, percent with one decimal.
    pub within_target_pct: Option<f64>,
    /// Mean under the target (`None` without submitted journeys).
    pub pass: Option<bool>,
    /// Submitted journeys per minute of duration: `[0,1)`, `[1,2)`, …, `[14,∞)`.
    pub histogram: Vec<i64>,
    /// Per step, the mean time a submitted journey spent on it, in journey order (by
    /// position, then name).
    pub steps: Vec<StepStat>,
}

/// One step's share of the journeys.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StepStat {
    /// Scrubbed path or the portal's step name.
    pub name: String,
    /// Submitted journeys that went through it (a step visited twice counts once).
    pub journeys: i64,
    /// Where it comes in the journey: the mean of its first position (1 = the first step)
    /// over the journeys that went through it, one decimal.
    pub position: f64,
    /// Its time over all submitted journeys (those that did not go through it count 0), ms:
    /// the steps' means add up to the mean journey time.
    pub mean_ms: i64,
    /// Of it, active, ms.
    pub mean_active_ms: i64,
    /// Share of the total journey time, percent with one decimal.
    pub share_pct: f64,
}

/// position; in journey order.
pub(super) fn step_stats(rows: &[input::StepRow], submitted: i64) -> Vec<StepStat> {
    let total: i64 = total(rows.iter().map(|s| s.ms_sum));
    let mut steps: Vec<StepStat> = rows
        .iter()
        .map(|s| StepStat {
            name: s.name.clone(),
            journeys: s.journeys,
            position: one_decimal(s.position_sum.into(), s.journeys.into()).unwrap_or(0.0),
            mean_ms: mean(s.ms_sum, submitted),
            mean_active_ms: mean(s.active_sum, submitted),
            share_pct: pct(s.ms_sum, total).unwrap_or(0.0),
        })
        .collect();
    steps.sort_by(|a, b| {
        a.position
            .total_cmp(&b.position)
            .then_with(|| a.name.cmp(&b.name))
    });
    steps
}
