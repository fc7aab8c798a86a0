//! Criterion 3: back-office processing time, online against in person.

use serde::Serialize;

use super::stats::*;
use super::*;

/// Criterion 3.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Criterion3 {
    /// Online dossiers processed in the period, and their mean processing time, ms.
    pub online: Option<Processing>,
    /// In-person dossiers.
    pub in_person: Option<Processing>,
    /// How much shorter online is, percent with one decimal (negative: longer).
    pub shorter_pct: Option<f64>,
    /// At least the target share shorter (`None` without both channels).
    pub pass: Option<bool>,
}

/// Processing of one channel.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Processing {
    /// Dossiers.
    pub dossiers: i64,
    /// Mean processing time, ms.
    pub mean_ms: i64,
}

pub(super) fn criterion3(rows: &[input::ProcessingRow], targets: Targets) -> Criterion3 {
    let channel = |name: &str| {
        rows.iter()
            .find(|r| r.channel == name && r.dossiers > 0)
            .map(|r| (r.ms_sum, r.dossiers))
    };
    let (online, in_person) = (channel("online"), channel("in_person"));
    let processing = |c: Option<(i64, i64)>| {
        c.map(|(sum, dossiers)| Processing {
            dossiers,
            mean_ms: mean(sum, dossiers),
        })
    };
    // (in-person mean − online mean) / in-person mean, from the exact sums:
    // (p_sum·o_n − o_sum·p_n) / (p_sum·o_n).
    let shorter = match (online, in_person) {
        (Some((o_sum, o_n)), Some((p_sum, p_n))) if p_sum > 0 => {
            let (o_sum, o_n, p_sum, p_n) = (
                i128::from(o_sum),
                i128::from(o_n),
                i128::from(p_sum),
                i128::from(p_n),
            );
            Some((p_sum * o_n - o_sum * p_n, p_sum * o_n))
        }
        _ => None,
    };
    Criterion3 {
        online: processing(online),
        in_person: processing(in_person),
        shorter_pct: shorter.and_then(|(num, den)| one_decimal(num * 100, den)),
        pass: shorter
            .map(|(num, den)| num * 100 >= i128::from(targets.processing_shorter_pct) * den),
    }
}
