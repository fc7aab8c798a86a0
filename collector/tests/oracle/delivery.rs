//! How a tab's beacons reach the collector: one request per moment the probe sends, a
//! page-leave beacon often sent again with the next page's first request, a short network
//! delay that keeps a tab's requests in order — except for the tabs where we deliberately
//! hold everything for hours (the outbox flushed later, possibly the next day), swap two
//! requests, deliver a request twice, or lose a `submitted` beacon.

use super::calendar::{HOUR_MS, MINUTE_MS};
use super::model::Trigger;
use super::rng::Rng;
use super::tab::Sent;

/// Most beacons a request carries (the collector's limit).
pub const MAX_BATCH: usize = 50;
/// The size a flushed request stays under (the collector takes 64 KiB).
const MAX_FLUSH_BYTES: usize = 40 * 1024;

/// One `POST /v1/beacons`.
#[derive(Debug, Clone)]
pub struct Request {
    /// When the collector receives it, epoch ms.
    pub at: i64,
    /// Its `Origin` header: the tab's portal.
    pub portal: &'static str,
    /// Indices of its beacons in the world's list.
    pub beacons: Vec<usize>,
}

/// What happened to a tab's delivery (for the run's summary).
#[derive(Debug, Clone, Copy, Default)]
pub struct Anomalies {
    pub held: usize,
    pub reordered: usize,
    pub retried: usize,
    pub lost: usize,
    pub resent: usize,
}

/// The requests of one tab whose beacons are `sent`, numbered from `first` in the world's
/// list; `sizes` are their JSON sizes.
pub fn plan(
    rng: &mut Rng,
    portal: &'static str,
    sent: &[Sent],
    first: usize,
    sizes: &[usize],
    tally: &mut Anomalies,
) -> Vec<Request> {
    // One request per moment of sending.
    let mut moments: Vec<(i64, Vec<usize>)> = Vec::new();
    for (i, s) in sent.iter().enumerate() {
        match moments.last_mut() {
            Some((at, list)) if *at == s.at => list.push(first + i),
            _ => moments.push((s.at, vec![first + i])),
        }
    }
    // A lost `submitted` beacon, now and then: its repeats must speak for it.
    for (i, s) in sent.iter().enumerate() {
        if s.beacon.trigger == Trigger::Submitted && rng.chance(4) {
            for (_, list) in moments.iter_mut() {
                list.retain(|&b| b != first + i);
            }
            tally.lost += 1;
        }
    }
    // The page-leave beacon again with the next page's first request.
    for k in 0..moments.len().saturating_sub(1) {
        let again: Vec<usize> = moments[k]
            .1
            .iter()
            .copied()
            .filter(|&b| sent[b - first].leaves_page && rng.chance(50))
            .collect();
        tally.resent += again.len();
        let next = &mut moments[k + 1].1;
        for b in again.into_iter().rev() {
            next.insert(0, b);
        }
    }
    moments.retain(|(_, list)| !list.is_empty());
    let mut requests: Vec<Request> = Vec::new();
    for (at, beacons) in moments {
        let latency = rng.step(30, 900, 10);
        let after_previous = requests.last().map_or(i64::MIN, |r| r.at + 10);
        requests.push(Request {
            at: (at + latency).max(after_previous),
            portal,
            beacons,
        });
    }
    if requests.is_empty() {
        return requests;
    }
    let roll = rng.range(0, 99);
    if roll < 7 {
        // Held from request h on, flushed hours later.
        let h = rng.range(0, requests.len() as i64 - 1) as usize;
        let flush_at = requests.last().unwrap().at + rng.step(HOUR_MS, 9 * HOUR_MS, 10);
        let mut held: Vec<usize> = Vec::new();
        for r in requests.drain(h..) {
            for b in r.beacons {
                if !held.contains(&b) {
                    held.push(b);
                }
            }
        }
        let mut chunk: Vec<usize> = Vec::new();
        let mut bytes = 0;
        for b in held {
            if chunk.len() == MAX_BATCH || bytes + sizes[b - first] > MAX_FLUSH_BYTES {
                requests.push(Request {
                    at: flush_at,
                    portal,
                    beacons: std::mem::take(&mut chunk),
                });
                bytes = 0;
            }
            bytes += sizes[b - first] + 1;
            chunk.push(b);
        }
        requests.push(Request {
            at: flush_at,
            portal,
            beacons: chunk,
        });
        tally.held += 1;
    } else if roll < 17 && requests.len() >= 2 {
        // Two requests swapped: the earlier one arrives after the next.
        let k = rng.range(0, requests.len() as i64 - 2) as usize;
        requests[k].at = requests[k + 1].at + rng.step(10_000, 90_000, 10);
        tally.reordered += 1;
    } else if roll < 25 {
        // A request delivered twice (the answer was lost; the probe sent it again).
        let k = rng.range(0, requests.len() as i64 - 1) as usize;
        let mut again = requests[k].clone();
        again.at += rng.step(5_000, 2 * MINUTE_MS, 10);
        requests.push(again);
        tally.retried += 1;
    }
    requests
}
