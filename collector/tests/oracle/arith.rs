//! The report's arithmetic, written from its definitions: integer sums, rounding half away
//! from zero, one-decimal percentages, nearest-rank percentiles, and the two list orders
//! ("most" lists and shares).

use serde_json::{json, Value};
use std::collections::BTreeMap;

/// `num / den` rounded half away from zero (`den > 0`).
pub fn div_round(num: i128, den: i128) -> i128 {
    assert!(den > 0, "division by {den}");
    if num >= 0 {
        (2 * num + den) / (2 * den)
    } else {
        -((-2 * num + den) / (2 * den))
    }
}

/// `num / den` to one decimal, rounded half away from zero (`den > 0`).
pub fn one_decimal(num: i128, den: i128) -> f64 {
    div_round(num * 10, den) as f64 / 10.0
}

/// `part / whole` in percent with one decimal; `None` when `whole` is 0.
pub fn pct(part: i64, whole: i64) -> Option<f64> {
    (whole != 0).then(|| one_decimal(i128::from(part) * 100, i128::from(whole)))
}

/// The rounded mean (0 for nothing).
pub fn mean(sum: i64, n: i64) -> i64 {
    if n == 0 {
        0
    } else {
        div_round(i128::from(sum), i128::from(n)) as i64
    }
}

/// Nearest-rank percentile of ascending `sorted` (not empty): index ⌈p·n/100⌉ − 1, at least 0.
pub fn percentile(sorted: &[i64], p: i64) -> i64 {
    let n = sorted.len() as i64;
    let rank = (p * n + 99) / 100;
    sorted[(rank - 1).max(0) as usize]
}

/// `Spread {n, mean_ms, median_ms, p75_ms, p90_ms}`, or null for no values.
pub fn spread(values: &[i64]) -> Value {
    if values.is_empty() {
        return Value::Null;
    }
    let mut sorted = values.to_vec();
    sorted.sort_unstable();
    json!({
        "n": sorted.len(),
        "mean_ms": mean(sorted.iter().sum(), sorted.len() as i64),
        "median_ms": percentile(&sorted, 50),
        "p75_ms": percentile(&sorted, 75),
        "p90_ms": percentile(&sorted, 90),
    })
}

/// The 75th percentile of some values, `None` for none.
pub fn p75(values: &[i64]) -> Option<i64> {
    if values.is_empty() {
        return None;
    }
    let mut sorted = values.to_vec();
    sorted.sort_unstable();
    Some(percentile(&sorted, 75))
}

/// A "most" list: at most 10 `{name, count}` rows, counts > 0, most first, ties by name.
pub fn top_list(counts: &BTreeMap<String, i64>) -> Value {
    let mut rows: Vec<(&String, i64)> = counts
        .iter()
        .filter(|(_, &c)| c > 0)
        .map(|(k, &c)| (k, c))
        .collect();
    rows.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(b.0)));
    Value::Array(
        rows.into_iter()
            .take(10)
            .map(|(name, count)| json!({"name": name, "count": count}))
            .collect(),
    )
}

/// A field key's share: `count` out of `of`.
#[derive(Debug, Clone)]
pub struct Share {
    pub key: String,
    pub count: i64,
    pub of: i64,
}

impl Share {
    /// `{key, count, of, pct}`.
    pub fn to_json(&self) -> Value {
        json!({"key": self.key, "count": self.count, "of": self.of, "pct": pct(self.count, self.of)})
    }
}

/// A shares list: counts > 0, by share (compared exactly, count_a × of_b), then count, then
/// key; at most 10.
pub fn shares_list(mut shares: Vec<Share>) -> Value {
    shares.retain(|s| s.count > 0);
    shares.sort_by(|a, b| {
        (i128::from(b.count) * i128::from(a.of))
            .cmp(&(i128::from(a.count) * i128::from(b.of)))
            .then_with(|| b.count.cmp(&a.count))
            .then_with(|| a.key.cmp(&b.key))
    });
    Value::Array(shares.iter().take(10).map(Share::to_json).collect())
}
