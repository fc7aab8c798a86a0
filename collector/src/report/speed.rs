//! Page speed per step: p75 of each figure against the usual thresholds.

use std::collections::BTreeMap;

use serde::Serialize;

use super::stats::*;
use super::*;

/// The usual "good" thresholds (web.dev): TTFB 800 ms, FCP 1.8 s, LCP 2.5 s, CLS 0.1, INP
/// 200 ms, at the 75th percentile.
pub const GOOD: SpeedP75 = SpeedP75 {
    ttfb_ms: Some(800),
    server_ms: None,
    fcp_ms: Some(1_800),
    lcp_ms: Some(2_500),
    cls_x1000: Some(100),
    inp_ms: Some(200),
};

/// 75th percentiles of a set of page views (`None` where nothing was measured).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Default)]
pub struct SpeedP75 {
    /// Time to first byte, ms.
    pub ttfb_ms: Option<i64>,
    /// The server's answer to form submissions, ms.
    pub server_ms: Option<i64>,
    /// First contentful paint, ms.
    pub fcp_ms: Option<i64>,
    /// Largest contentful paint, ms.
    pub lcp_ms: Option<i64>,
    /// Cumulative layout shift × 1000.
    pub cls_x1000: Option<i64>,
    /// Interaction to next paint, ms.
    pub inp_ms: Option<i64>,
}

impl SpeedP75 {
    fn of(rows: &[&input::PageSpeedRow]) -> SpeedP75 {
        let p75 = |get: &dyn Fn(&crate::facts::SpeedFact) -> Option<i64>| {
            let mut values: Vec<i64> = rows.iter().filter_map(|r| get(&r.speed)).collect();
            spread(&mut values).map(|s| s.p75_ms)
        };
        SpeedP75 {
            ttfb_ms: p75(&|s| s.ttfb_ms),
            server_ms: p75(&|s| s.server_ms),
            fcp_ms: p75(&|s| s.fcp_ms),
            lcp_ms: p75(&|s| s.lcp_ms),
            cls_x1000: p75(&|s| s.cls_x1000),
            inp_ms: p75(&|s| s.inp_ms),
        }
    }

    /// Every measured figure within its "good" threshold (`None` when nothing was measured).
    pub fn good(&self) -> Option<bool> {
        let pairs = [
            (self.ttfb_ms, GOOD.ttfb_ms),
            (self.fcp_ms, GOOD.fcp_ms),
            (self.lcp_ms, GOOD.lcp_ms),
            (self.cls_x1000, GOOD.cls_x1000),
            (self.inp_ms, GOOD.inp_ms),
        ];
        let measured: Vec<bool> = pairs
            .iter()
            .filter_map(|(v, good)| Some(v.as_ref()? <= good.as_ref()?))
            .collect();
        (!measured.is_empty()).then(|| measured.iter().all(|g| *g))
    }
}

/// Page speed.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SpeedReport {
    /// Page views measured.
    pub views: i64,
    /// Over all of them.
    pub overall: SpeedP75,
    /// Per step (page path), slowest LCP first.
    pub steps: Vec<StepSpeed>,
    /// Fields whose interaction set a page's INP, slowest first.
    pub slow_fields: Vec<SlowField>,
    /// Every measured p75 within the "good" thresholds (`None` without measurements).
    pub good: Option<bool>,
}

/// One step's speed.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StepSpeed {
    /// The page path.
    pub name: String,
    /// Page views measured.
    pub views: i64,
    /// Their 75th percentiles.
    pub p75: SpeedP75,
    /// Within the thresholds.
    pub good: Option<bool>,
}

/// A field that was the slowest interaction of page views.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SlowField {
    /// The field's key.
    pub key: String,
    /// Page views where it set INP.
    pub views: i64,
    /// p75 of those INPs, ms.
    pub inp_p75_ms: i64,
}

pub(super) fn speed_report(pages: &[input::PageSpeedRow]) -> SpeedReport {
    let all: Vec<&input::PageSpeedRow> = pages.iter().collect();
    let mut by_path: BTreeMap<&str, Vec<&input::PageSpeedRow>> = BTreeMap::new();
    let mut by_field: BTreeMap<&str, Vec<i64>> = BTreeMap::new();
    for p in pages {
        by_path.entry(&p.path).or_default().push(p);
        if let (Some(field), Some(inp)) = (p.speed.inp_field.as_deref(), p.speed.inp_ms) {
            by_field.entry(field).or_default().push(inp);
        }
    }
    let mut steps: Vec<StepSpeed> = by_path
        .into_iter()
        .map(|(name, rows)| {
            let p75 = SpeedP75::of(&rows);
            StepSpeed {
                name: name.to_string(),
                views: rows.len() as i64,
                good: p75.good(),
                p75,
            }
        })
        .collect();
    steps.sort_by(|a, b| b.p75.lcp_ms.cmp(&a.p75.lcp_ms).then(a.name.cmp(&b.name)));
    let mut slow_fields: Vec<SlowField> = by_field
        .into_iter()
        .map(|(key, mut values)| SlowField {
            key: key.to_string(),
            views: values.len() as i64,
            inp_p75_ms: spread(&mut values).map_or(0, |s| s.p75_ms),
        })
        .collect();
    slow_fields.sort_by(|a, b| b.inp_p75_ms.cmp(&a.inp_p75_ms).then(a.key.cmp(&b.key)));
    slow_fields.truncate(TOP);
    let overall = SpeedP75::of(&all);
    SpeedReport {
        views: pages.len() as i64,
        good: overall.good(),
        overall,
        steps,
        slow_fields,
    }
}
