//! Collects the differences between the collectors' reports and the oracle's, and fails the
//! test once at the end with a readable account: how many reports differ per source, which
//! figures differ most often, and the first reports in detail (seed, moment, source, query,
//! JSON pointer, expected vs got).

use super::collectors::Source;
use super::compare::{differences, Difference};
use super::expected::Query;
use super::generator;
use serde_json::Value;
use std::collections::BTreeMap;

/// How many failing reports are shown in detail, and figures of each.
const SHOWN_REPORTS: usize = 12;
const SHOWN_FIGURES: usize = 6;

struct Failure {
    seed: u64,
    now: i64,
    source: Source,
    query: String,
    /// The differences, or why there was no report.
    diffs: Result<Vec<Difference>, String>,
}

/// The run's verdict so far.
#[derive(Default)]
pub struct Verdict {
    reports: usize,
    failures: Vec<Failure>,
    sums: Vec<String>,
    /// The first failing report in full (seed, expected, got), written out at the end.
    first: Option<(u64, Value, Value)>,
}

fn moment(now: i64) -> &'static str {
    if now == generator::mid_ms() {
        "2026-01-01 12:00 (mid)"
    } else {
        "2026-01-03 00:10 (final)"
    }
}

/// `/criterion2/steps/3/mean_ms` → `/criterion2/steps/*/mean_ms`.
fn figure(pointer: &str) -> String {
    pointer
        .split('/')
        .map(|part| {
            if !part.is_empty() && part.bytes().all(|b| b.is_ascii_digit()) {
                "*"
            } else {
                part
            }
        })
        .collect::<Vec<_>>()
        .join("/")
}

impl Verdict {
    /// One report compared.
    pub fn record(
        &mut self,
        seed: u64,
        now: i64,
        source: Source,
        q: &Query,
        expected: &Value,
        got: Result<Value, String>,
    ) {
        self.reports += 1;
        let diffs = got.as_ref().map(|got| differences(expected, got));
        if diffs.as_ref().map_or(true, |d| !d.is_empty()) {
            if self.first.is_none() {
                let got = got.clone().unwrap_or(Value::Null);
                self.first = Some((seed, expected.clone(), got));
            }
            self.failures.push(Failure {
                seed,
                now,
                source,
                query: q.query_string(),
                diffs: diffs.map_err(|e| e.clone()),
            });
        }
    }

    /// Adds another worker's verdict.
    pub fn merge(&mut self, other: Verdict) {
        self.reports += other.reports;
        self.failures.extend(other.failures);
        self.sums.extend(other.sums);
        if let Some(theirs) = other.first {
            if self.first.as_ref().is_none_or(|mine| theirs.0 < mine.0) {
                self.first = Some(theirs);
            }
        }
    }

    /// One day-by-day sum compared with the whole range's.
    pub fn daily_sum(&mut self, seed: u64, source: Source, key: &str, daily: i64, whole: i64) {
        if daily != whole {
            self.sums.push(format!(
                "seed {seed}, {}: journeys.{key} of the four days add up to {daily}, the range \
                 2025-12-31..2026-01-03 says {whole}",
                source.name()
            ));
        }
    }

    /// Passes, or fails with the account.
    pub fn finish(mut self) {
        self.failures.sort_by_key(|f| f.seed);
        if self.failures.is_empty() && self.sums.is_empty() {
            println!("oracle: all {} reports agree", self.reports);
            return;
        }
        let mut text = format!(
            "{} of {} reports differ from the oracle\n",
            self.failures.len(),
            self.reports
        );
        let mut per_source: BTreeMap<Source, usize> = BTreeMap::new();
        let mut per_figure: BTreeMap<String, usize> = BTreeMap::new();
        for f in &self.failures {
            *per_source.entry(f.source).or_default() += 1;
            match &f.diffs {
                Ok(diffs) => {
                    let mut figures: Vec<String> =
                        diffs.iter().map(|d| figure(&d.pointer)).collect();
                    figures.dedup();
                    for fig in figures {
                        *per_figure.entry(fig).or_default() += 1;
                    }
                }
                Err(_) => *per_figure.entry("(no report)".into()).or_default() += 1,
            }
        }
        for (source, n) in &per_source {
            text.push_str(&format!("  {}: {n} reports\n", source.name()));
        }
        let mut figures: Vec<(String, usize)> = per_figure.into_iter().collect();
        figures.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        text.push_str("figures that differ (in how many reports):\n");
        for (fig, n) in figures.iter().take(40) {
            text.push_str(&format!("  {fig}: {n}\n"));
        }
        if figures.len() > 40 {
            text.push_str(&format!("  … and {} more\n", figures.len() - 40));
        }
        text.push_str("first reports that differ:\n");
        for f in self.failures.iter().take(SHOWN_REPORTS) {
            text.push_str(&format!(
                "- seed {}, {}, {}, query '{}':\n",
                f.seed,
                moment(f.now),
                f.source.name(),
                f.query
            ));
            match &f.diffs {
                Ok(diffs) => {
                    for d in diffs.iter().take(SHOWN_FIGURES) {
                        text.push_str(&format!(
                            "    {}: expected {}, got {}\n",
                            d.pointer, d.expected, d.got
                        ));
                    }
                    if diffs.len() > SHOWN_FIGURES {
                        text.push_str(&format!("    (+{} more)\n", diffs.len() - SHOWN_FIGURES));
                    }
                }
                Err(e) => text.push_str(&format!("    no report: {e}\n")),
            }
        }
        if let Some((_, expected, got)) = &self.first {
            let dir = std::env::temp_dir();
            let (e, g) = (
                dir.join("oracle-expected.json"),
                dir.join("oracle-got.json"),
            );
            let pretty = |v: &Value| serde_json::to_string_pretty(v).unwrap();
            if std::fs::write(&e, pretty(expected)).is_ok()
                && std::fs::write(&g, pretty(got)).is_ok()
            {
                text.push_str(&format!(
                    "the first of them in full: {} (oracle) and {} (collector)\n",
                    e.display(),
                    g.display()
                ));
            }
        }
        for s in self.sums.iter().take(10) {
            text.push_str(&format!("- {s}\n"));
        }
        if self.sums.len() > 10 {
            text.push_str(&format!(
                "  … and {} more daily sums\n",
                self.sums.len() - 10
            ));
        }
        panic!("{text}");
    }
}
