//! `/metrics`: the collector's counters in the Prometheus text format (version 0.0.4) —
//! beacons accepted, refused by reason, duplicates dropped, store write latency, store failures.

use std::fmt::Write;
use std::sync::atomic::{AtomicU64, Ordering};

/// Why a request was refused, as the `reason` label says it.
pub const REASONS: [&str; 12] = [
    "malformed_json",
    "invalid_beacon",
    "wrong_version",
    "too_large",
    "content_type",
    "origin_not_allowed",
    "origin_missing",
    "rate_limited_client",
    "rate_limited_portal",
    "store_unavailable",
    "report_timeout",
    "unauthorized",
];

/// Upper bounds of the store-latency histogram, seconds.
const BUCKETS: [f64; 10] = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0];

/// The counters, shared by every handler.
#[derive(Debug, Default)]
pub struct Metrics {
    requests: AtomicU64,
    accepted: AtomicU64,
    duplicates: AtomicU64,
    rejected: [AtomicU64; REASONS.len()],
    store_writes: AtomicU64,
    store_micros: AtomicU64,
    store_buckets: [AtomicU64; BUCKETS.len()],
    processing_events: AtomicU64,
    second_ends: AtomicU64,
    reports: AtomicU64,
    redacted: [AtomicU64; REDACTED.len()],
}

/// What the second gate redacts, as the `what` label says it (see [`crate::gate::Redaction`]).
pub const REDACTED: [crate::gate::Redaction; 4] = [
    crate::gate::Redaction::Key,
    crate::gate::Redaction::Path,
    crate::gate::Redaction::Step,
    crate::gate::Redaction::Source,
];

impl Metrics {
    /// A `POST /v1/beacons` arrived.
    pub fn request(&self) {
        self.requests.fetch_add(1, Ordering::Relaxed);
    }

    /// Ends stored for journeys that already had one (kept, not used).
    pub fn second_ends(&self, n: usize) {
        self.second_ends.fetch_add(n as u64, Ordering::Relaxed);
    }

    /// A batch was stored.
    pub fn stored(&self, accepted: usize, duplicates: usize) {
        self.accepted.fetch_add(accepted as u64, Ordering::Relaxed);
        self.duplicates
            .fetch_add(duplicates as u64, Ordering::Relaxed);
    }

    /// The second gate redacted these in a beacon received.
    pub fn redacted(&self, what: &[crate::gate::Redaction]) {
        for w in what {
            if let Some(i) = REDACTED.iter().position(|r| r == w) {
                self.redacted[i].fetch_add(1, Ordering::Relaxed);
            }
        }
    }

    /// A request was refused for `reason` (one of [`REASONS`]).
    pub fn rejected(&self, reason: &str) {
        if let Some(i) = REASONS.iter().position(|r| *r == reason) {
            self.rejected[i].fetch_add(1, Ordering::Relaxed);
        }
    }

    /// How many requests were refused for `reason`.
    pub fn rejected_count(&self, reason: &str) -> u64 {
        REASONS
            .iter()
            .position(|r| *r == reason)
            .map_or(0, |i| self.rejected[i].load(Ordering::Relaxed))
    }

    /// A store write took `seconds`.
    pub fn store_write(&self, seconds: f64) {
        self.store_writes.fetch_add(1, Ordering::Relaxed);
        self.store_micros
            .fetch_add((seconds * 1e6) as u64, Ordering::Relaxed);
        for (i, bound) in BUCKETS.iter().enumerate() {
            if seconds <= *bound {
                self.store_buckets[i].fetch_add(1, Ordering::Relaxed);
            }
        }
    }

    /// Processing events were stored.
    pub fn processing(&self, n: usize) {
        self.processing_events
            .fetch_add(n as u64, Ordering::Relaxed);
    }

    /// A report was built.
    pub fn report(&self) {
        self.reports.fetch_add(1, Ordering::Relaxed);
    }

    /// The Prometheus text exposition.
    pub fn render(&self) -> String {
        let get = |c: &AtomicU64| c.load(Ordering::Relaxed);
        let mut out = String::new();
        let mut counter = |name: &str, help: &str, value: u64| {
            let _ = write!(
                out,
                "# HELP {name} {help}\n# TYPE {name} counter\n{name} {value}\n"
            );
        };
        counter(
            "journey_collector_requests_total",
            "Beacon requests received.",
            get(&self.requests),
        );
        counter(
            "journey_collector_beacons_accepted_total",
            "Beacons stored.",
            get(&self.accepted),
        );
        counter(
            "journey_collector_beacons_duplicate_total",
            "Beacons dropped because their id was already stored.",
            get(&self.duplicates),
        );
        counter(
            "journey_collector_processing_events_total",
            "Back-office processing events stored.",
            get(&self.processing_events),
        );
        counter(
            "journey_collector_second_ends_total",
            "Ends stored for a journey that already had one: kept, not used (the first wins).",
            get(&self.second_ends),
        );
        counter(
            "journey_collector_reports_total",
            "Reports built.",
            get(&self.reports),
        );
        out.push_str("# HELP journey_collector_redacted_total Keys, paths, steps and sources the privacy rule refused, stored redacted.\n");
        out.push_str("# TYPE journey_collector_redacted_total counter\n");
        for (i, what) in REDACTED.iter().enumerate() {
            let _ = writeln!(
                out,
                "journey_collector_redacted_total{{what=\"{}\"}} {}",
                what.as_str(),
                get(&self.redacted[i])
            );
        }
        out.push_str(
            "# HELP journey_collector_requests_rejected_total Requests refused, by reason.\n",
        );
        out.push_str("# TYPE journey_collector_requests_rejected_total counter\n");
        for (i, reason) in REASONS.iter().enumerate() {
            let _ = writeln!(
                out,
                "journey_collector_requests_rejected_total{{reason=\"{reason}\"}} {}",
                get(&self.rejected[i])
            );
        }
        out.push_str(
            "# HELP journey_collector_store_write_seconds Time to store a batch durably.\n",
        );
        out.push_str("# TYPE journey_collector_store_write_seconds histogram\n");
        for (i, bound) in BUCKETS.iter().enumerate() {
            let _ = writeln!(
                out,
                "journey_collector_store_write_seconds_bucket{{le=\"{bound}\"}} {}",
                get(&self.store_buckets[i])
            );
        }
        let writes = get(&self.store_writes);
        let _ = writeln!(
            out,
            "journey_collector_store_write_seconds_bucket{{le=\"+Inf\"}} {writes}\n\
             journey_collector_store_write_seconds_sum {}\n\
             journey_collector_store_write_seconds_count {writes}",
            get(&self.store_micros) as f64 / 1e6
        );
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_counters_and_a_cumulative_histogram() {
        let m = Metrics::default();
        m.request();
        m.stored(3, 1);
        m.rejected("too_large");
        m.rejected("no-such-reason");
        m.store_write(0.003);
        m.store_write(0.2);
        let text = m.render();
        for line in [
            "journey_collector_beacons_accepted_total 3",
            "journey_collector_beacons_duplicate_total 1",
            "journey_collector_requests_rejected_total{reason=\"too_large\"} 1",
            "journey_collector_requests_rejected_total{reason=\"malformed_json\"} 0",
            "journey_collector_store_write_seconds_bucket{le=\"0.005\"} 1",
            "journey_collector_store_write_seconds_bucket{le=\"0.25\"} 2",
            "journey_collector_store_write_seconds_bucket{le=\"+Inf\"} 2",
            "journey_collector_store_write_seconds_count 2",
        ] {
            assert!(text.contains(line), "{line} not in\n{text}");
        }
        assert_eq!(m.rejected_count("too_large"), 1);
    }
}
