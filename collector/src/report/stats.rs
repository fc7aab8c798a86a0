//! The report's integer arithmetic: rounded means and shares, nearest-rank percentiles, sums
//! that saturate, and the top lists.

use serde::Serialize;

use super::TOP;

/// Mean and percentiles of a set of durations, ms (nearest-rank percentiles).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Spread {
    /// How many.
    pub n: i64,
    /// Mean, rounded to the ms.
    pub mean_ms: i64,
    /// Median.
    pub median_ms: i64,
    /// 75th percentile.
    pub p75_ms: i64,
    /// 90th percentile.
    pub p90_ms: i64,
}

/// A name and a count.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Count {
    /// What is counted.
    pub name: String,
    /// How many.
    pub count: i64,
}

/// A field key: how often something happened out of how many.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct KeyShare {
    /// The field's key.
    pub key: String,
    /// How many times it happened.
    pub count: i64,
    /// Out of.
    pub of: i64,
    /// Percent with one decimal.
    pub pct: f64,
}

/// `num / den` rounded half away from zero (`den > 0`): 2.5 → 3, −2.5 → −3, −20.25 → −20.3
/// at one decimal. (Integer division truncates toward zero, so the half is added away from it.)
pub fn div_round(num: i128, den: i128) -> i128 {
    if num >= 0 {
        (num + den / 2) / den
    } else {
        (num - den / 2) / den
    }
}

/// `part / whole` with one decimal, rounded half away from zero (`None` for a whole of 0).
pub(super) fn one_decimal(part: i128, whole: i128) -> Option<f64> {
    (whole > 0).then(|| div_round(part * 10, whole) as f64 / 10.0)
}

/// Percent with one decimal of `part / whole`, rounded half away from zero from exact integers
/// (`None` for a whole of 0).
pub fn pct(part: i64, whole: i64) -> Option<f64> {
    one_decimal(i128::from(part) * 100, i128::from(whole))
}

/// Mean of `n` values summing to `sum`, rounded half away from zero (0 for no values).
pub(super) fn mean(sum: i64, n: i64) -> i64 {
    if n <= 0 {
        0
    } else {
        div_round(i128::from(sum), i128::from(n)) as i64
    }
}

/// Mean and nearest-rank percentiles.
pub fn spread(values: &mut [i64]) -> Option<Spread> {
    if values.is_empty() {
        return None;
    }
    values.sort_unstable();
    let n = values.len();
    let rank = |p: usize| values[(p * n).div_ceil(100).max(1) - 1];
    Some(Spread {
        n: n as i64,
        mean_ms: mean(total(values.iter().copied()), n as i64),
        median_ms: rank(50),
        p75_ms: rank(75),
        p90_ms: rank(90),
    })
}

/// Whether the mean of `n` values summing to `sum` is under `target`, decided exactly.
pub(super) fn mean_under(sum: i64, n: i64, target: i64) -> bool {
    i128::from(sum) < i128::from(target) * i128::from(n)
}

/// Per step, over `submitted` journeys with a duration: mean time (over all of them), share,
/// The sum of `values`, saturating: forged rows cannot overflow a report (a panic in a debug
/// build, a wrapped negative sum in a release one).
pub(super) fn total(values: impl Iterator<Item = i64>) -> i64 {
    values.fold(0i64, i64::saturating_add)
}

/// Adds `value` to `sum`, saturating (see [`total`]).
pub(super) fn add(sum: &mut i64, value: i64) {
    *sum = sum.saturating_add(value);
}

pub(super) fn top(mut items: Vec<Count>) -> Vec<Count> {
    items.retain(|c| c.count > 0);
    items.sort_by(|a, b| b.count.cmp(&a.count).then(a.name.cmp(&b.name)));
    items.truncate(TOP);
    items
}

pub(super) fn top_shares(mut items: Vec<KeyShare>) -> Vec<KeyShare> {
    items.retain(|k| k.count > 0);
    items.sort_by(|a, b| {
        (b.count * a.of)
            .cmp(&(a.count * b.of))
            .then(b.count.cmp(&a.count))
            .then(a.key.cmp(&b.key))
    });
    items.truncate(TOP);
    items
}
