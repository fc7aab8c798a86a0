//! The outbox: beacons waiting for the collector to confirm them, kept in `localStorage` so that
//! a collector that is down, or a page left while a request was under way, loses nothing.
//!
//! Delivery is at-least-once: a beacon leaves the outbox only when the collector answered for
//! it. The last beacon of a page goes out as the page is left, when no answer can be read, so it
//! is sent again with the next page's first request; every beacon has a unique id and the
//! collector stores each once.

use crate::core::otlp;
use std::collections::VecDeque;

/// Most beacons the outbox keeps; past it the oldest is dropped (and counted).
pub const MAX_ENTRIES: usize = 50;
/// Most bytes the outbox keeps; past it the oldest beacons are dropped (and counted).
pub const MAX_BYTES: usize = 256 * 1024;
/// Most bytes one request carries: browsers let a page that is being left send at most 64 KiB
/// in all.
pub const MAX_BATCH_BYTES: usize = 48 * 1024;
/// First wait before retrying after a failure, in milliseconds; doubled at each failure.
pub const FIRST_BACKOFF_MS: f64 = 2_000.0;
/// Longest wait between retries, in milliseconds.
pub const MAX_BACKOFF_MS: f64 = 5.0 * 60_000.0;
/// First line of the stored text: the version of its format.
const FORMAT: &str = "outbox1";

/// The waiting beacons, oldest first.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Outbox {
    entries: VecDeque<String>,
    bytes: usize,
    /// Beacons dropped because the outbox was full, not yet reported.
    dropped: u32,
    /// Consecutive failures.
    failures: u32,
    /// Wall clock before which no retry is made.
    retry_at: f64,
}

impl Outbox {
    /// Adds a beacon (its JSON text). Past the bounds the oldest are dropped and counted.
    pub fn push(&mut self, body: String) {
        self.bytes += body.len();
        self.entries.push_back(body);
        while self.entries.len() > MAX_ENTRIES || (self.bytes > MAX_BYTES && self.entries.len() > 1)
        {
            if let Some(old) = self.entries.pop_front() {
                self.bytes -= old.len();
                self.dropped = self.dropped.saturating_add(1);
            }
        }
    }

    /// How many beacons were dropped since this was last asked; the next beacon reports them.
    pub fn take_dropped(&mut self) -> u32 {
        std::mem::take(&mut self.dropped)
    }

    /// Whether anything waits.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Number of waiting beacons.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether a retry is due at `now_epoch` (after a failure, only once its backoff passed).
    pub fn due(&self, now_epoch: f64) -> bool {
        !self.entries.is_empty() && now_epoch >= self.retry_at
    }

    /// The next request's body: the oldest waiting beacons, as many as fit in
    /// [`MAX_BATCH_BYTES`] (at least one), with how many it holds. Beacons are stored encoded:
    /// JSON beacons go as one JSON array, OTLP log records (`data-format="otlp"`) as one OTLP
    /// request; a batch holds one encoding only, so an outbox left by a page with the other
    /// format drains in its own requests.
    pub fn batch(&self) -> Option<(String, usize)> {
        let otlp = self.entries.front()?.starts_with(otlp::RECORD_START);
        let room = MAX_BATCH_BYTES - if otlp { otlp::envelope_len() } else { 2 };
        let mut taken = 0;
        let mut bytes = 0;
        for entry in &self.entries {
            let fits = taken == 0 || bytes + 1 + entry.len() <= room;
            if !fits || entry.starts_with(otlp::RECORD_START) != otlp {
                break;
            }
            bytes += entry.len() + usize::from(taken > 0);
            taken += 1;
        }
        let entries = self.entries.iter().take(taken).map(String::as_str);
        let body = if otlp {
            otlp::request(entries)
        } else {
            format!("[{}]", entries.collect::<Vec<_>>().join(","))
        };
        Some((body, taken))
    }

    /// The collector answered for the first `count` beacons (stored, duplicates, or refused as
    /// invalid — which a retry would not change): they leave the outbox.
    pub fn delivered(&mut self, count: usize) {
        for _ in 0..count.min(self.entries.len()) {
            if let Some(old) = self.entries.pop_front() {
                self.bytes -= old.len();
            }
        }
        self.failures = 0;
        self.retry_at = 0.0;
    }

    /// The collector could not be reached or failed (5xx, 429): everything stays, and the next
    /// try waits twice as long as the last, up to [`MAX_BACKOFF_MS`].
    pub fn failed(&mut self, now_epoch: f64) {
        let wait = (FIRST_BACKOFF_MS * 2f64.powi(self.failures.min(16) as i32)).min(MAX_BACKOFF_MS);
        self.failures = self.failures.saturating_add(1);
        self.retry_at = now_epoch + wait;
    }

    /// Lets the next request go now, whatever the backoff (a journey just ended).
    pub fn retry_now(&mut self) {
        self.retry_at = 0.0;
    }

    /// The outbox as stored: a header line `outbox1;dropped;failures;retry_at`, then one beacon
    /// per line (beacon JSON never holds a raw line break).
    pub fn encode(&self) -> String {
        let mut out = format!(
            "{FORMAT};{};{};{}",
            self.dropped,
            self.failures,
            self.retry_at.max(0.0) as u64
        );
        for entry in &self.entries {
            out.push('\n');
            out.push_str(entry);
        }
        out
    }

    /// Reads back what [`Outbox::encode`] wrote. Lines that are not a JSON object are skipped;
    /// anything else unreadable is an empty outbox.
    pub fn decode(text: &str) -> Outbox {
        let mut lines = text.split('\n');
        let header: Vec<&str> = lines.next().unwrap_or("").split(';').collect();
        let [format, dropped, failures, retry_at] = header.as_slice() else {
            return Outbox::default();
        };
        if *format != FORMAT {
            return Outbox::default();
        }
        let mut outbox = Outbox {
            dropped: dropped.parse().unwrap_or(0),
            failures: failures.parse().unwrap_or(0),
            retry_at: retry_at.parse::<u64>().map(|t| t as f64).unwrap_or(0.0),
            ..Outbox::default()
        };
        for line in lines.filter(|l| l.starts_with('{') && l.ends_with('}')) {
            outbox.push(line.to_string());
        }
        outbox
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn beacon(n: usize, size: usize) -> String {
        format!("{{\"n\":{n},\"pad\":\"{}\"}}", "x".repeat(size))
    }

    #[test]
    fn a_full_outbox_drops_the_oldest_and_counts_them() {
        let mut outbox = Outbox::default();
        for n in 0..MAX_ENTRIES + 7 {
            outbox.push(beacon(n, 10));
        }
        assert_eq!(outbox.len(), MAX_ENTRIES);
        assert_eq!(outbox.take_dropped(), 7);
        assert_eq!(outbox.take_dropped(), 0, "reported once");
        assert!(
            outbox.batch().unwrap().0.starts_with("[{\"n\":7,"),
            "the oldest were dropped"
        );
    }

    #[test]
    fn the_outbox_is_bounded_in_bytes_too() {
        let mut outbox = Outbox::default();
        for n in 0..40 {
            outbox.push(beacon(n, 10_000));
        }
        assert!(
            outbox.encode().len() <= MAX_BYTES + 100,
            "{}",
            outbox.encode().len()
        );
        assert_eq!(outbox.take_dropped(), 14, "26 of these fit in 256 KiB");
    }

    #[test]
    fn a_batch_fits_one_request_and_delivery_removes_what_was_answered() {
        let mut outbox = Outbox::default();
        for n in 0..3 {
            outbox.push(beacon(n, 20_000));
        }
        let (body, count) = outbox.batch().unwrap();
        assert_eq!(count, 2, "48 KiB hold two of these");
        assert!(body.len() <= MAX_BATCH_BYTES);
        assert!(
            body.starts_with("[{\"n\":0,") && body.contains("},{\"n\":1,") && body.ends_with("}]")
        );
        outbox.delivered(count);
        assert_eq!(outbox.len(), 1);
        assert!(outbox.batch().unwrap().0.contains("\"n\":2"));
    }

    #[cfg(not(target_arch = "wasm32"))]
    #[test]
    fn otlp_records_go_in_an_otlp_request_never_mixed_with_json() {
        let mut outbox = Outbox::default();
        let record = |n: u32| {
            format!(
                "{}\"r{n}\",\"pad\":\"{}\"}}",
                otlp::RECORD_START,
                "x".repeat(20_000)
            )
        };
        outbox.push(beacon(0, 10));
        outbox.push(record(1));
        outbox.push(record(2));
        outbox.push(record(3));
        let (body, count) = outbox.batch().unwrap();
        assert_eq!(count, 1, "the JSON beacon goes alone");
        assert!(body.starts_with("[{\"n\":0,"));
        outbox.delivered(count);
        let (body, count) = outbox.batch().unwrap();
        assert_eq!(count, 2, "two 20 KB records and the envelope fit 48 KiB");
        assert!(body.len() <= MAX_BATCH_BYTES, "{}", body.len());
        let parsed: serde_json::Value = serde_json::from_str(&body).unwrap();
        let records = &parsed["resourceLogs"][0]["scopeLogs"][0]["logRecords"];
        assert_eq!(records[1]["eventName"], "r2");
    }

    #[test]
    fn failures_back_off_and_delivery_resets() {
        let mut outbox = Outbox::default();
        outbox.push(beacon(0, 1));
        let t = 1_795_000_000_000.0;
        assert!(outbox.due(t));
        outbox.failed(t);
        assert!(!outbox.due(t + 1_000.0) && outbox.due(t + 2_000.0));
        outbox.failed(t + 2_000.0);
        assert!(
            !outbox.due(t + 5_000.0) && outbox.due(t + 6_000.0),
            "doubled"
        );
        for _ in 0..30 {
            outbox.failed(t);
        }
        assert!(outbox.due(t + MAX_BACKOFF_MS), "capped");
        outbox.delivered(1);
        outbox.push(beacon(1, 1));
        assert!(outbox.due(t), "a delivery resets the backoff");
    }

    #[test]
    fn the_stored_text_round_trips_and_damage_empties_it() {
        let mut outbox = Outbox::default();
        outbox.push(beacon(0, 3));
        outbox.push(beacon(1, 3));
        outbox.failed(1_000.0);
        for _ in 0..MAX_ENTRIES {
            outbox.push(beacon(9, 1));
        }
        let back = Outbox::decode(&outbox.encode());
        assert_eq!(back, outbox);
        assert_eq!(Outbox::decode(""), Outbox::default());
        assert_eq!(Outbox::decode("outbox0;0;0;0\n{}"), Outbox::default());
        assert_eq!(
            Outbox::decode("outbox1;0;0;0\nnot json\n{\"a\":1}").len(),
            1
        );
    }
}
