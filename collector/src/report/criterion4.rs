//! Criterion 4: the share of citizens satisfied.

use std::collections::BTreeMap;

use serde::Serialize;

use super::stats::*;
use super::*;

/// Criterion 4.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Criterion4 {
    /// Journeys rated (a score given).
    pub answered: i64,
    /// Questions closed without an answer (not counted as dissatisfied).
    pub dismissed: i64,
    /// Scores of 4 or 5.
    pub satisfied: i64,
    /// Satisfied / answered, percent with one decimal.
    pub satisfied_pct: Option<f64>,
    /// Ratings per score, 1 to 5.
    pub scores: [i64; 5],
    /// The reasons given, most first.
    pub reasons: Vec<Count>,
    /// At least the target share satisfied (`None` without answers).
    pub pass: Option<bool>,
}

pub(super) fn criterion4(rows: &[input::JourneyRow], targets: Targets) -> Criterion4 {
    let mut scores = [0i64; 5];
    let mut dismissed = 0;
    let mut reasons: BTreeMap<&str, i64> = BTreeMap::new();
    for j in rows {
        match j.rating {
            Some(0) => dismissed += 1,
            Some(n @ 1..=5) => {
                scores[(n - 1) as usize] += 1;
                for r in j
                    .reasons
                    .as_deref()
                    .unwrap_or("")
                    .split(',')
                    .filter(|r| !r.is_empty())
                {
                    *reasons.entry(r).or_default() += 1;
                }
            }
            _ => {}
        }
    }
    let answered: i64 = scores.iter().sum();
    let satisfied = scores[3] + scores[4];
    Criterion4 {
        answered,
        dismissed,
        satisfied,
        satisfied_pct: pct(satisfied, answered),
        scores,
        reasons: top(reasons
            .into_iter()
            .map(|(name, count)| Count {
                name: name.to_string(),
                count,
            })
            .collect()),
        // Exactly: 94.96 % is not 95 %, whatever one decimal shows.
        pass: (answered > 0).then(|| {
            i128::from(satisfied) * 100 >= i128::from(targets.satisfied_pct) * i128::from(answered)
        }),
    }
}
