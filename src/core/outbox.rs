//! The outbox: beacons waiting for the collector to answer for them, kept in `localStorage` so
//! that a collector that is down or misconfigured, a page left while a request was under way, or
//! another tab of the same portal loses nothing.
//!
//! This room decides; the shell (`shell/page.rs`) reports what happened and does what it is
//! told. Time is an argument (`now`, epoch milliseconds), so every rule is tested natively.
//!
//! **What a request carries** ([`Outbox::batch`]): the oldest waiting beacons, as many as fit
//! [`MAX_BATCH_BYTES`], one encoding per request. After a batch was refused with 400 its beacons
//! go again one per request, in order, before anything else (a page being left skips them).
//!
//! **What an answer means** ([`verdict`], [`Outbox::answered`]). The collector stores a batch
//! all or none, so:
//!
//! | answer | the beacons it was about |
//! |---|---|
//! | 2xx (stored, or already stored) | leave the outbox, in every tab |
//! | 400 to a batch of several | one bad beacon among good ones: each is sent again alone |
//! | 400 to one beacon alone | dropped, counted in the next beacon's `dropped` |
//! | anything else: no answer (network error, or no answer within [`REQUEST_TIMEOUT_MS`]), 408, 429, 5xx, and the 4xx that a fix on the server side ends — 403 (origin not yet allowed), 404 (a proxy route missing), 413, 415 — | kept; the next try waits 2 s, 4 s, … up to 5 minutes |
//!
//! Delivery is at-least-once: a beacon leaves only when the collector answered for it. The last
//! beacon of a page goes out as the page is left, when no answer can be read, so it is sent
//! again with the next page's first request; every beacon has a unique id and the collector
//! stores each once.
//!
//! **What is kept** ([`Outbox::push`]): at most [`MAX_ENTRIES`] beacons and [`MAX_BYTES`]; past
//! that the oldest are dropped and counted.
//!
//! **What tabs share** ([`Outbox::merge`]): every tab of the portal keeps a copy in memory and
//! the stored outbox is written by all of them, so a write is always a merge: beacons are united
//! by id, and what either tab saw answered or dropped stays gone (the outbox remembers the last
//! [`MAX_REMEMBERED`] such ids). A beacon one tab queued as its page was left survives the other
//! tab's next save, and a beacon is counted as dropped once however many tabs dropped it.

use crate::core::prelude::*;

use crate::core::otlp;
use crate::core::text::number;

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
/// How long a request may go unanswered before it counts as failed (a collector or proxy that
/// accepts the connection and never answers would otherwise hold every later request back).
pub const REQUEST_TIMEOUT_MS: f64 = 15_000.0;
/// How many ids of beacons answered for, or dropped, the outbox remembers so that no tab's copy
/// brings them back.
pub const MAX_REMEMBERED: usize = 2 * MAX_ENTRIES;
/// First line of the stored text: the version of its format.
const FORMAT: &str = "outbox2";
/// The format before beacon ids were stored beside the beacons; still read.
const FORMAT_1: &str = "outbox1";

/// What an answer of the collector means for the beacons it was about.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// Stored (or stored before: a duplicate).
    Stored,
    /// Refused as invalid (400): sending the same bytes again would not change that.
    Refused,
    /// Not stored, for a reason that passes: kept and tried again later.
    Kept,
}

/// What an HTTP status (0: no answer) means. Only the collector's 400 says a beacon is bad; the
/// other 4xx answer the request, not the beacon, and end when the server is fixed.
pub fn verdict(status: u16) -> Verdict {
    match status {
        200..=299 => Verdict::Stored,
        400 => Verdict::Refused,
        _ => Verdict::Kept,
    }
}

/// What the shell does once an answer was taken in.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Then {
    /// Send the next request now, if anything waits.
    SendNext,
    /// Try again in this many milliseconds, not before.
    RetryIn(f64),
}

/// One request's worth of beacons.
#[derive(Clone, Debug, PartialEq)]
pub struct Batch {
    /// The request body.
    pub body: String,
    /// The ids of the beacons it carries, in order: what the answer is about.
    pub ids: Vec<String>,
}

/// One waiting beacon: its id and its encoded text.
#[derive(Clone, Debug, PartialEq)]
struct Entry {
    id: String,
    body: String,
}

impl Entry {
    fn is_otlp(&self) -> bool {
        otlp::BUILT_IN && self.body.starts_with(otlp::RECORD_START)
    }
}

/// The waiting beacons, oldest first, and what this tab knows has left.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Outbox {
    entries: Vec<Entry>,
    bytes: usize,
    /// Ids of beacons that left, most recent last, each with whether it is done with: `true`
    /// once answered for or counted in a beacon's `dropped`, `false` while dropped (the outbox
    /// was full, or the collector refused it alone) and not yet counted.
    left: Vec<(String, bool)>,
    /// Ids of a batch refused with 400, to be sent one by one, in order (this page only).
    alone: Vec<String>,
    /// Consecutive failures.
    failures: u32,
    /// Wall clock before which no retry is made.
    retry_at: f64,
}

impl Outbox {
    /// Adds a beacon (its id, and its JSON text or OTLP record). Past the bounds the oldest are
    /// dropped and counted. A beacon already known (waiting, or gone) is not added twice.
    pub fn push(&mut self, id: &str, body: String) {
        if self.knows(id) {
            return;
        }
        self.bytes += body.len();
        self.entries.push(Entry {
            id: id.to_string(),
            body,
        });
        self.bound();
    }

    fn knows(&self, id: &str) -> bool {
        self.entries.iter().any(|e| e.id == id) || self.left.iter().any(|(l, _)| l == id)
    }

    /// Drops the oldest beacons until the outbox is within its bounds.
    fn bound(&mut self) {
        while self.entries.len() > MAX_ENTRIES || (self.bytes > MAX_BYTES && self.entries.len() > 1)
        {
            let id = self.entries[0].id.clone();
            self.leave(&id, false);
        }
    }

    /// A beacon leaves: answered for (`done`), or dropped, to be counted — unless it is known
    /// to be done with already (another tab saw it answered).
    fn leave(&mut self, id: &str, done: bool) {
        if let Some(at) = self.entries.iter().position(|e| e.id == id) {
            self.bytes -= self.entries.remove(at).body.len();
        }
        // `alone` may keep its id: only waiting beacons are sent alone (and `settle` prunes it).
        match self.left.iter_mut().find(|(l, _)| l == id) {
            Some((_, was)) => *was |= done,
            None => self.left.push((id.to_string(), done)),
        }
        forget_oldest(&mut self.left);
    }

    /// How many beacons were dropped since this was last asked; the next beacon reports them.
    pub fn take_dropped(&mut self) -> u32 {
        let mut count = 0;
        for (_, done) in self.left.iter_mut().filter(|(_, done)| !*done) {
            *done = true;
            count += 1;
        }
        count
    }

    /// Whether no beacon waits.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Whether there is nothing to store at all: no beacon waits, none is to be counted as
    /// dropped, none is remembered as gone.
    pub fn is_blank(&self) -> bool {
        self.entries.is_empty() && self.left.is_empty()
    }

    /// Number of waiting beacons.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// When the next try after a failure is due (wall clock), if beacons wait for one.
    pub fn retry_due_at(&self) -> Option<f64> {
        (!self.entries.is_empty() && self.retry_at > 0.0).then_some(self.retry_at)
    }

    /// Whether a retry is due at `now_epoch` (after a failure, only once its backoff passed).
    pub fn due(&self, now_epoch: f64) -> bool {
        !self.entries.is_empty() && now_epoch >= self.retry_at
    }

    /// The next request: the oldest waiting beacons, as many as fit in [`MAX_BATCH_BYTES`] (at
    /// least one). Beacons are stored encoded: JSON beacons go as one JSON array, OTLP log
    /// records (`data-format="otlp"`) as one OTLP request; a batch holds one encoding only, so
    /// an outbox left by a page with the other format drains in its own requests.
    ///
    /// While beacons of a batch refused with 400 wait to be sent alone, the next of them is the
    /// whole request — except for a page being left (`leaving`), which cannot read the answer:
    /// its request carries the other beacons, so one bad beacon does not hold them back.
    pub fn batch(&self, leaving: bool) -> Option<Batch> {
        if !leaving {
            let next = self
                .alone
                .iter()
                .find_map(|id| self.entries.iter().find(|e| e.id == *id));
            if let Some(entry) = next {
                return Some(Batch::of(&[entry]));
            }
        }
        let mut waiting = self.entries.iter().filter(|e| !self.alone.contains(&e.id));
        let first = waiting.next()?;
        let otlp = first.is_otlp();
        let room = MAX_BATCH_BYTES - if otlp { otlp::envelope_len() } else { 2 };
        let mut bytes = first.body.len();
        let mut taken = vec![first];
        for entry in waiting {
            if entry.is_otlp() != otlp || bytes + 1 + entry.body.len() > room {
                break;
            }
            bytes += 1 + entry.body.len();
            taken.push(entry);
        }
        Some(Batch::of(&taken))
    }

    /// The collector answered `status` (0: no answer) to the request that carried `ids`: takes
    /// the answer in (see the table in this module's header) and says what to do next.
    pub fn answered(&mut self, ids: &[String], status: u16, now_epoch: f64) -> Then {
        match verdict(status) {
            Verdict::Kept => return Then::RetryIn(self.failed(now_epoch)),
            Verdict::Stored => {
                for id in ids {
                    self.leave(id, true);
                }
            }
            // All or none was stored: which one is bad only a request of its own can tell.
            Verdict::Refused if ids.len() > 1 => {
                for id in ids {
                    if !self.alone.contains(id) && self.entries.iter().any(|e| e.id == *id) {
                        self.alone.push(id.clone());
                    }
                }
            }
            Verdict::Refused => {
                for id in ids {
                    self.leave(id, false);
                }
            }
        }
        // The collector answered: it is up, and the next request goes at once.
        self.failures = 0;
        self.retry_at = 0.0;
        Then::SendNext
    }

    /// The request failed: everything stays, and the next try waits twice as long as the last,
    /// up to [`MAX_BACKOFF_MS`]. Returns the wait.
    fn failed(&mut self, now_epoch: f64) -> f64 {
        let wait =
            (FIRST_BACKOFF_MS * f64::from(1u32 << self.failures.min(16))).min(MAX_BACKOFF_MS);
        self.failures = self.failures.saturating_add(1);
        self.retry_at = now_epoch + wait;
        wait
    }

    /// Lets the next request go now, whatever the backoff (a journey just ended).
    pub fn retry_now(&mut self) {
        self.retry_at = 0.0;
    }

    /// Takes in what another tab stored (`stored`, read just before this tab writes): the
    /// waiting beacons of both, each once (the stored ones first, in their order, then this
    /// tab's others), less every beacon either tab saw answered or dropped; then the bounds,
    /// whose drops are counted. The backoff and the beacons to send alone stay this tab's.
    pub fn merge(&mut self, stored: Outbox) {
        for (id, done) in stored.left {
            match self.left.iter_mut().find(|(l, _)| *l == id) {
                Some((_, was)) => *was |= done,
                None => self.left.push((id, done)),
            }
        }
        let ours = ::core::mem::replace(&mut self.entries, stored.entries);
        for entry in ours {
            if !self.entries.iter().any(|e| e.id == entry.id) {
                self.entries.push(entry);
            }
        }
        self.settle();
    }

    /// Makes the parts agree: what left is not waiting, the bounds hold.
    fn settle(&mut self) {
        forget_oldest(&mut self.left);
        let left = &self.left;
        self.entries
            .retain(|e| !left.iter().any(|(l, _)| *l == e.id));
        let entries = &self.entries;
        self.alone.retain(|id| entries.iter().any(|e| e.id == *id));
        self.bytes = self.entries.iter().map(|e| e.body.len()).sum();
        self.bound();
    }

    /// The outbox as stored: a header line `outbox2;failures;retry_at`, then one line per
    /// waiting beacon, `id` and its text separated by a space (beacon JSON never holds a raw line
    /// break), one `-id` per beacon dropped and not yet counted, one `=id` per beacon gone.
    pub fn encode(&self) -> String {
        let mut out = crate::core::text::join(
            [
                FORMAT.to_string(),
                number(self.failures.into()),
                number(self.retry_at.max(0.0) as u64),
            ],
            ";",
        );
        for entry in &self.entries {
            for part in ["\n", &entry.id, " ", &entry.body] {
                out.push_str(part);
            }
        }
        for (id, done) in &self.left {
            out.push_str(if *done { "\n=" } else { "\n-" });
            out.push_str(id);
        }
        out
    }

    /// Reads back what [`Outbox::encode`] wrote, or the older `outbox1` (a header
    /// `outbox1;dropped;failures;retry_at`, then one beacon per line, its id inside it). Lines
    /// that are not a beacon are skipped; anything else unreadable is an empty outbox.
    pub fn decode(text: &str) -> Outbox {
        let mut lines = text.split('\n');
        let header: Vec<&str> = lines.next().unwrap_or("").split(';').collect();
        let mut outbox = Outbox::default();
        let (legacy, failures, retry_at) = match header.as_slice() {
            [format, failures, retry_at] if *format == FORMAT => (false, failures, retry_at),
            [format, dropped, failures, retry_at] if *format == FORMAT_1 => {
                // Ids were not kept: the count goes on under ids of its own.
                let count = dropped.parse().unwrap_or(0usize).min(MAX_REMEMBERED);
                outbox.left = (0..count)
                    .map(|n| {
                        (
                            crate::core::text::concat(&[FORMAT_1, ".", &number(n as u64)]),
                            false,
                        )
                    })
                    .collect();
                (true, failures, retry_at)
            }
            _ => return outbox,
        };
        outbox.failures = failures.parse().unwrap_or(0);
        outbox.retry_at = retry_at.parse::<u64>().map_or(0.0, |t| t as f64);
        for line in lines {
            let mark = (line.strip_prefix('-').map(|id| (id, false)))
                .or_else(|| line.strip_prefix('=').map(|id| (id, true)));
            if let Some((id, done)) = mark {
                if is_id(id) && !outbox.left.iter().any(|(l, _)| l == id) {
                    outbox.left.push((id.to_string(), done));
                }
            } else {
                let entry = if legacy {
                    beacon_id(line).map(|id| (id, line))
                } else {
                    line.split_once(' ')
                };
                if let Some((id, body)) = entry {
                    if is_id(id) && body.starts_with('{') && body.ends_with('}') {
                        outbox.push(id, body.to_string());
                    }
                }
            }
        }
        outbox.settle();
        outbox
    }
}

impl Batch {
    fn of(entries: &[&Entry]) -> Batch {
        let bodies = entries.iter().map(|e| e.body.as_str());
        let body = if entries.first().is_some_and(|e| e.is_otlp()) {
            otlp::request(bodies)
        } else {
            crate::core::text::concat(&["[", &crate::core::text::join(bodies, ","), "]"])
        };
        Batch {
            body,
            ids: entries.iter().map(|e| e.id.clone()).collect(),
        }
    }
}

/// Keeps the most recent [`MAX_REMEMBERED`] ids of a list.
fn forget_oldest(ids: &mut Vec<(String, bool)>) {
    while ids.len() > MAX_REMEMBERED {
        ids.remove(0);
    }
}

/// Whether a stored id has the shape of one: beacon ids are 16 hex digits.
fn is_id(id: &str) -> bool {
    (1..=64).contains(&id.len()) && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'.')
}

/// The beacon id inside a stored beacon (`outbox1` kept no other): an OTLP record's
/// `journey_probe.beacon_id` attribute, or a JSON beacon's `id` (its second key; the body of an
/// OTLP record holds it escaped, so the attribute is looked for first).
fn beacon_id(body: &str) -> Option<&str> {
    let after = |marker: &str| {
        crate::core::privacy::position(body, marker).and_then(|at| body.get(at + marker.len()..))
    };
    let rest = after(r#""journey_probe.beacon_id","value":{"stringValue":""#)
        .or_else(|| after(r#""id":""#))?;
    rest.split_once('"').map(|(id, _)| id)
}

#[cfg(test)]
mod tests {
    use super::*;

    const T: f64 = 1_795_000_000_000.0;

    fn id(n: usize) -> String {
        format!("{n:016x}")
    }

    fn beacon(n: usize, size: usize) -> String {
        format!(
            "{{\"v\":1,\"id\":\"{}\",\"n\":{n},\"pad\":\"{}\"}}",
            id(n),
            "x".repeat(size)
        )
    }

    fn with(ns: impl IntoIterator<Item = usize>) -> Outbox {
        let mut outbox = Outbox::default();
        for n in ns {
            outbox.push(&id(n), beacon(n, 10));
        }
        outbox
    }

    /// The `n` of every waiting beacon, oldest first.
    fn waiting(outbox: &Outbox) -> Vec<usize> {
        let ids: Vec<String> = outbox.entries.iter().map(|e| e.id.clone()).collect();
        ids.iter()
            .map(|i| usize::from_str_radix(i, 16).unwrap())
            .collect()
    }

    fn ids(ns: impl IntoIterator<Item = usize>) -> Vec<String> {
        ns.into_iter().map(id).collect()
    }

    #[test]
    fn a_full_outbox_drops_the_oldest_and_counts_them() {
        let mut outbox = with(0..MAX_ENTRIES + 7);
        assert_eq!(outbox.len(), MAX_ENTRIES);
        assert_eq!(outbox.take_dropped(), 7);
        assert_eq!(outbox.take_dropped(), 0, "reported once");
        let batch = outbox.batch(false).unwrap();
        assert!(batch
            .body
            .starts_with("[{\"v\":1,\"id\":\"0000000000000007\""));
        assert_eq!(batch.ids[0], id(7), "the oldest were dropped");
    }

    #[test]
    fn the_outbox_is_bounded_in_bytes_too() {
        let mut outbox = Outbox::default();
        for n in 0..40 {
            outbox.push(&id(n), beacon(n, 10_000));
        }
        let stored: usize = outbox.entries.iter().map(|e| e.body.len()).sum();
        assert!(stored <= MAX_BYTES, "{stored}");
        assert_eq!(outbox.take_dropped(), 14, "26 of these fit in 256 KiB");
    }

    #[test]
    fn a_beacon_is_queued_once() {
        let mut outbox = with([1, 2]);
        outbox.push(&id(1), beacon(1, 10));
        assert_eq!(waiting(&outbox), [1, 2]);
        outbox.answered(&ids([1]), 202, T);
        outbox.push(&id(1), beacon(1, 10));
        assert_eq!(
            waiting(&outbox),
            [2],
            "an answered beacon does not come back"
        );
    }

    #[test]
    fn a_batch_fits_one_request_and_a_2xx_removes_what_it_answered() {
        let mut outbox = Outbox::default();
        for n in 0..3 {
            outbox.push(&id(n), beacon(n, 20_000));
        }
        let batch = outbox.batch(false).unwrap();
        assert_eq!(batch.ids, ids([0, 1]), "48 KiB hold two of these");
        assert!(batch.body.len() <= MAX_BATCH_BYTES);
        assert!(
            batch.body.starts_with("[{")
                && batch.body.contains("},{")
                && batch.body.ends_with("}]")
        );
        assert_eq!(outbox.answered(&batch.ids, 202, T), Then::SendNext);
        assert_eq!(waiting(&outbox), [2]);
        assert_eq!(outbox.batch(false).unwrap().ids, ids([2]));
        assert_eq!(outbox.answered(&ids([2]), 200, T), Then::SendNext);
        assert!(outbox.is_empty() && outbox.batch(false).is_none());
        assert_eq!(outbox.take_dropped(), 0, "delivered is not dropped");
    }

    #[cfg(not(target_arch = "wasm32"))]
    #[test]
    fn otlp_records_go_in_an_otlp_request_never_mixed_with_json() {
        let mut outbox = Outbox::default();
        let record = |n: usize| {
            format!(
                "{}\"r{n}\",\"pad\":\"{}\"}}",
                otlp::RECORD_START,
                "x".repeat(20_000)
            )
        };
        outbox.push(&id(0), beacon(0, 10));
        for n in 1..=3 {
            outbox.push(&id(n), record(n));
        }
        let batch = outbox.batch(false).unwrap();
        assert_eq!(batch.ids, ids([0]), "the JSON beacon goes alone");
        outbox.answered(&batch.ids, 202, T);
        let batch = outbox.batch(false).unwrap();
        assert_eq!(
            batch.ids,
            ids([1, 2]),
            "two 20 KB records and the envelope fit 48 KiB"
        );
        assert!(batch.body.len() <= MAX_BATCH_BYTES, "{}", batch.body.len());
        let parsed: serde_json::Value = serde_json::from_str(&batch.body).unwrap();
        let records = &parsed["resourceLogs"][0]["scopeLogs"][0]["logRecords"];
        assert_eq!(records[1]["eventName"], "r2");
    }

    #[test]
    fn every_status_has_a_verdict() {
        for status in [200, 201, 202, 204, 299] {
            assert_eq!(verdict(status), Verdict::Stored, "{status}");
        }
        assert_eq!(verdict(400), Verdict::Refused);
        // No answer, the collector's own "later", and whatever a fix on the server ends.
        for status in [
            0, 401, 403, 404, 405, 408, 410, 413, 415, 422, 429, 500, 502, 503, 504,
        ] {
            assert_eq!(verdict(status), Verdict::Kept, "{status}");
        }
        // Nothing a fetch should see: not an answer for the beacons either.
        for status in [101, 301, 304, 600] {
            assert_eq!(verdict(status), Verdict::Kept, "{status}");
        }
    }

    #[test]
    fn a_misconfigured_server_keeps_every_beacon_with_backoff() {
        // 403: the portal's origin not yet in --allow-origin; 404: a proxy route missing;
        // 413: a body limit below 48 KiB; 415: a proxy that rewrites the content type.
        for status in [403, 404, 413, 415, 408, 429, 500, 502, 503, 0] {
            let mut outbox = with(0..3);
            let batch = outbox.batch(false).unwrap();
            assert_eq!(
                outbox.answered(&batch.ids, status, T),
                Then::RetryIn(2_000.0),
                "{status}"
            );
            assert_eq!(waiting(&outbox), [0, 1, 2], "{status}: every beacon kept");
            assert!(
                !outbox.due(T + 1_999.0) && outbox.due(T + 2_000.0),
                "{status}"
            );
            assert_eq!(
                outbox.answered(&batch.ids, status, T + 2_000.0),
                Then::RetryIn(4_000.0)
            );
            assert_eq!(outbox.take_dropped(), 0, "{status}: nothing dropped");
            // The server is fixed: the same beacons are stored.
            assert_eq!(outbox.batch(false).unwrap(), batch);
            assert_eq!(
                outbox.answered(&batch.ids, 202, T + 6_000.0),
                Then::SendNext
            );
            assert!(outbox.is_empty(), "{status}: delivered");
            outbox.push(&id(9), beacon(9, 10));
            assert!(outbox.due(T), "{status}: the backoff reset");
        }
    }

    #[test]
    fn kept_beacons_stay_within_the_bounds() {
        let mut outbox = with(0..MAX_ENTRIES);
        let batch = outbox.batch(false).unwrap();
        outbox.answered(&batch.ids, 404, T);
        outbox.push(&id(99), beacon(99, 10));
        assert_eq!(outbox.len(), MAX_ENTRIES);
        assert_eq!(waiting(&outbox)[0], 1, "the oldest dropped");
        assert_eq!(outbox.take_dropped(), 1, "and counted");
    }

    #[test]
    fn a_400_to_a_batch_sends_its_beacons_alone_and_drops_only_the_bad_one() {
        let mut outbox = with(0..4);
        let batch = outbox.batch(false).unwrap();
        assert_eq!(batch.ids, ids(0..4));
        assert_eq!(
            outbox.answered(&batch.ids, 400, T),
            Then::SendNext,
            "no backoff"
        );
        assert_eq!(waiting(&outbox), [0, 1, 2, 3], "nothing dropped yet");
        outbox.push(&id(4), beacon(4, 10)); // a beacon queued meanwhile waits its turn
        let mut sent = Vec::new();
        for bad in [false, true, false, false] {
            let single = outbox.batch(false).unwrap();
            assert_eq!(single.ids.len(), 1, "alone");
            assert_eq!(single.body, format!("[{}]", beacon(sent.len(), 10)));
            sent.push(single.ids[0].clone());
            let status = if bad { 400 } else { 202 };
            assert_eq!(outbox.answered(&single.ids, status, T), Then::SendNext);
        }
        assert_eq!(sent, ids(0..4), "in order, one per request");
        assert_eq!(waiting(&outbox), [4]);
        assert_eq!(
            outbox.batch(false).unwrap().ids,
            ids([4]),
            "then batches again"
        );
        assert_eq!(
            outbox.take_dropped(),
            1,
            "the bad one is counted in the next beacon"
        );
        assert_eq!(outbox.take_dropped(), 0);
    }

    #[test]
    fn a_beacon_sent_alone_that_fails_otherwise_is_retried_alone() {
        let mut outbox = with(0..3);
        outbox.answered(&ids(0..3), 400, T);
        let single = outbox.batch(false).unwrap();
        assert_eq!(outbox.answered(&single.ids, 503, T), Then::RetryIn(2_000.0));
        assert_eq!(
            outbox.batch(false).unwrap(),
            single,
            "still alone, still first"
        );
        outbox.answered(&single.ids, 202, T + 2_000.0);
        assert_eq!(outbox.batch(false).unwrap().ids, ids([1]));
    }

    #[test]
    fn a_single_beacon_refused_with_400_is_dropped_and_counted() {
        let mut outbox = with([0]);
        assert_eq!(outbox.answered(&ids([0]), 400, T), Then::SendNext);
        assert!(outbox.is_empty());
        assert_eq!(outbox.take_dropped(), 1);
        // Refused alone once another tab saw it stored: not counted.
        let mut outbox = with([0, 1]);
        outbox.merge(Outbox::decode("outbox2;0;0\n=0000000000000000"));
        outbox.answered(&ids([0]), 400, T);
        assert_eq!(outbox.take_dropped(), 0);
    }

    #[test]
    fn a_page_being_left_sends_the_others_not_the_beacons_waiting_to_go_alone() {
        let mut outbox = with(0..3);
        outbox.answered(&ids(0..3), 400, T);
        outbox.push(&id(3), beacon(3, 10)); // the page's last beacon, as it is left
        assert_eq!(outbox.batch(true).unwrap().ids, ids([3]));
        assert_eq!(outbox.batch(false).unwrap().ids, ids([0]));
    }

    #[test]
    fn failures_back_off_and_an_answer_resets() {
        let mut outbox = with([0]);
        assert!(outbox.due(T));
        outbox.failed(T);
        assert!(!outbox.due(T + 1_000.0) && outbox.due(T + 2_000.0));
        outbox.failed(T + 2_000.0);
        assert!(
            !outbox.due(T + 5_000.0) && outbox.due(T + 6_000.0),
            "doubled"
        );
        for _ in 0..30 {
            outbox.failed(T);
        }
        assert!(outbox.due(T + MAX_BACKOFF_MS), "capped");
        assert_eq!(outbox.answered(&ids([0]), 400, T), Then::SendNext);
        outbox.push(&id(1), beacon(1, 1));
        assert!(outbox.due(T), "an answer resets the backoff");
    }

    #[test]
    fn a_page_leave_beacon_of_one_tab_survives_the_other_tabs_save() {
        // Both tabs loaded the same outbox; tab A queued a beacon as its page was left and
        // stored it; tab B, which never saw it, queues its own and saves.
        let stored_before = with([0, 1]);
        let mut tab_a = stored_before.clone();
        let mut tab_b = stored_before;
        tab_a.push(&id(10), beacon(10, 10));
        let stored = Outbox::decode(&tab_a.encode());
        tab_b.push(&id(20), beacon(20, 10));
        tab_b.merge(stored);
        assert_eq!(
            waiting(&tab_b),
            [0, 1, 10, 20],
            "each once, the stored ones first"
        );
        // And the other way round: A's next save keeps B's.
        tab_a.merge(Outbox::decode(&tab_b.encode()));
        assert_eq!(waiting(&tab_a), [0, 1, 10, 20]);
    }

    #[test]
    fn what_either_tab_saw_answered_leaves_both() {
        let mut tab_a = with([0, 1, 2]);
        let mut tab_b = tab_a.clone();
        tab_a.answered(&ids([0, 1]), 202, T);
        tab_b.merge(Outbox::decode(&tab_a.encode()));
        assert_eq!(
            waiting(&tab_b),
            [2],
            "B does not bring back what A delivered"
        );
        // A's memory still holds nothing of it when B saves something new.
        tab_b.push(&id(3), beacon(3, 10));
        tab_a.merge(Outbox::decode(&tab_b.encode()));
        assert_eq!(waiting(&tab_a), [2, 3]);
        // Even when A delivered everything: what it stores still says what left.
        tab_a.answered(&ids([2, 3]), 202, T);
        assert!(tab_a.is_empty() && !tab_a.is_blank());
        let mut stale = with([0, 1, 2, 3]);
        stale.merge(Outbox::decode(&tab_a.encode()));
        assert!(stale.is_empty(), "{:?}", waiting(&stale));
    }

    #[test]
    fn a_beacon_dropped_by_two_tabs_is_counted_once() {
        // Both tabs hold the same full outbox and each queues one more: both drop beacon 0.
        let mut tab_a = with(0..MAX_ENTRIES);
        let mut tab_b = tab_a.clone();
        tab_a.push(&id(100), beacon(100, 10));
        tab_b.push(&id(200), beacon(200, 10));
        tab_b.merge(Outbox::decode(&tab_a.encode()));
        assert_eq!(tab_b.len(), MAX_ENTRIES, "the merge respects the bounds");
        assert_eq!(
            waiting(&tab_b)[..2],
            [2, 3],
            "beacons 0 and 1 are the oldest"
        );
        assert_eq!(tab_b.take_dropped(), 2, "0 once, and 1 for the merge");
        // A has not counted them yet; once it merges what B stored, it has nothing to count.
        tab_a.merge(Outbox::decode(&tab_b.encode()));
        assert_eq!(tab_a.take_dropped(), 0, "counted once, by B");
        assert_eq!(tab_a.len(), MAX_ENTRIES);
    }

    #[test]
    fn a_merge_keeps_this_tabs_backoff_and_beacons_to_send_alone() {
        let mut tab_a = with(0..3);
        tab_a.answered(&ids(0..3), 400, T);
        let mut tab_b = with(0..3);
        tab_b.answered(&ids(0..3), 503, T);
        tab_b.answered(&ids(0..3), 503, T);
        tab_a.merge(Outbox::decode(&tab_b.encode()));
        assert!(tab_a.due(T), "B's backoff is B's");
        assert_eq!(tab_a.batch(false).unwrap().ids, ids([0]), "still alone");
        tab_b.merge(Outbox::decode(&tab_a.encode()));
        assert!(!tab_b.due(T + 3_000.0) && tab_b.due(T + 6_000.0));
    }

    #[test]
    fn the_ids_remembered_are_bounded() {
        let mut outbox = Outbox::default();
        for n in 0..3 * MAX_REMEMBERED {
            outbox.push(&id(n), beacon(n, 1));
            outbox.answered(&ids([n]), 202, T);
        }
        assert_eq!(outbox.left.len(), MAX_REMEMBERED);
        assert_eq!(
            outbox.left[0].0,
            id(2 * MAX_REMEMBERED),
            "the most recent kept"
        );
        assert!(outbox.encode().len() < 20 * MAX_REMEMBERED + 20);
    }

    #[test]
    fn the_stored_text_round_trips_and_damage_empties_it() {
        let mut outbox = with([0, 1]);
        outbox.answered(&ids([0]), 202, T);
        outbox.answered(&ids([1]), 503, 1_000.0);
        for n in 2..MAX_ENTRIES + 4 {
            outbox.push(&id(n), beacon(n, 1));
        }
        let text = outbox.encode();
        assert!(
            text.starts_with("outbox2;1;3000\n0000000000000004 {\"v\":1,"),
            "{text}"
        );
        assert!(
            text.ends_with(
                "\n=0000000000000000\n-0000000000000001\n-0000000000000002\n-0000000000000003"
            ),
            "{text}"
        );
        let back = Outbox::decode(&text);
        assert_eq!(back, outbox);
        assert_eq!(back.left.iter().filter(|(_, done)| !done).count(), 3);
        assert_eq!(Outbox::decode(""), Outbox::default());
        assert_eq!(Outbox::decode("outbox0;0;0;0\n{}"), Outbox::default());
        let damaged = format!(
            "outbox2;0;0\nnot json\n{} {}\nnoid\n-\n=a b\n",
            id(7),
            beacon(7, 1)
        );
        assert_eq!(waiting(&Outbox::decode(&damaged)), [7]);
    }

    #[test]
    fn the_format_before_ids_is_still_read() {
        let otlp_record = format!(
            "{}\"journey_probe.beacon\",\"attributes\":[{{\"key\":\"journey_probe.v\",\"value\":{{\"intValue\":\"1\"}}}},{{\"key\":\"journey_probe.beacon_id\",\"value\":{{\"stringValue\":\"{}\"}}}}],\"body\":{{\"stringValue\":\"{{\\\"v\\\":1,\\\"id\\\":\\\"{}\\\"}}\"}}}}",
            otlp::RECORD_START,
            id(2),
            id(2)
        );
        let text = format!(
            "outbox1;3;2;5000\n{}\nnot json\n{}\n{{\"no\":\"id\"}}",
            beacon(1, 5),
            otlp_record
        );
        let mut outbox = Outbox::decode(&text);
        assert_eq!(waiting(&outbox), [1, 2]);
        assert!(!outbox.due(4_999.0) && outbox.due(5_000.0));
        assert_eq!(outbox.entries[1].body, otlp_record);
        // Two tabs reading the same old outbox count its drops once.
        outbox.merge(Outbox::decode(&text));
        assert_eq!(outbox.take_dropped(), 3);
        outbox.merge(Outbox::decode(&text));
        assert_eq!(outbox.take_dropped(), 0);
        assert_eq!(waiting(&outbox), [1, 2]);
    }
}
