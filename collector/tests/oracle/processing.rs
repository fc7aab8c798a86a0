//! Back-office processing events (criterion 3): dossiers received and returned, online or in
//! person, posted to `POST /v1/processing` in batches every six hours — some re-posted with a
//! corrected time, some returned "before" they were received, some missing an event — plus a
//! fixed pair on service 1.000458 whose online share comes out at exactly −20.25 % (reported
//! −20.3 %, rounded away from zero) once its in-person return is corrected.

use super::calendar::{date_ms, DAY_MS, HOUR_MS, MINUTE_MS};
use super::rng::Rng;
use serde_json::{json, Value};

/// One event as posted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event {
    pub dossier: String,
    pub service: &'static str,
    pub channel: &'static str,
    pub event: &'static str,
    pub at_ms: i64,
}

impl Event {
    pub fn to_json(&self) -> Value {
        json!({
            "dossier": self.dossier,
            "service": self.service,
            "channel": self.channel,
            "event": self.event,
            "at_ms": self.at_ms,
        })
    }
}

/// One `POST /v1/processing`.
#[derive(Debug, Clone)]
pub struct Post {
    /// When it is posted (the collector's clock then).
    pub at: i64,
    pub events: Vec<Event>,
}

/// The service whose dossiers are the fixed −20.25 % case.
pub const EXACT_SERVICE: &str = "1.000458";

/// The first posting slot; slots follow every six hours.
fn slot0() -> i64 {
    date_ms("2025-12-31") - HOUR_MS + 7 * MINUTE_MS + 3
}

/// The first slot at or after `t`.
fn slot_after(t: i64) -> i64 {
    let slot = 6 * HOUR_MS;
    let k = (t - slot0()).max(0);
    slot0() + (k + slot - 1) / slot * slot
}

/// Queues one event, posted at the first slot after it happened and was keyed in; returns
/// that slot.
fn queue(
    timed: &mut Vec<(i64, Event)>,
    rng: &mut Rng,
    dossier: &str,
    service: &'static str,
    channel: &'static str,
    event: &'static str,
    at_ms: i64,
) -> i64 {
    let posted = slot_after(at_ms + rng.step(MINUTE_MS, 3 * HOUR_MS, 10));
    timed.push((
        posted,
        Event {
            dossier: dossier.to_string(),
            service,
            channel,
            event,
            at_ms,
        },
    ));
    posted
}

/// The posts of a seed, in order.
pub fn posts(rng: &mut Rng) -> Vec<Post> {
    let mut timed: Vec<(i64, Event)> = Vec::new();
    for _ in 0..36 {
        let dossier = rng.hex_id(32);
        let service = *rng.pick(&["1.001234", "2.002154"]);
        let channel = *rng.pick(&["online", "in_person"]);
        let returned = rng.step(
            date_ms("2025-12-31") - 6 * HOUR_MS,
            date_ms("2026-01-03") + 2 * HOUR_MS,
            10,
        );
        let took = if channel == "online" {
            rng.step(4 * HOUR_MS, 3 * DAY_MS, 10)
        } else {
            rng.step(DAY_MS, 6 * DAY_MS, 10)
        };
        let mut received = returned - took;
        let kind = rng.range(0, 99);
        if (18..24).contains(&kind) {
            received = returned + rng.step(HOUR_MS, 20 * HOUR_MS, 10);
        }
        let mut posted_at = Vec::new();
        if kind >= 10 {
            let posted = queue(
                &mut timed, rng, &dossier, service, channel, "received", received,
            );
            posted_at.push(("received", received, posted));
        }
        if !(10..18).contains(&kind) {
            let posted = queue(
                &mut timed, rng, &dossier, service, channel, "returned", returned,
            );
            posted_at.push(("returned", returned, posted));
        }
        if rng.chance(18) && !posted_at.is_empty() {
            let &(which, at, first_post) = rng.pick(&posted_at);
            let corrected = at + rng.step(-30 * HOUR_MS, 30 * HOUR_MS, 10);
            let posted = slot_after(first_post + 6 * HOUR_MS + rng.step(0, 12 * HOUR_MS, 10));
            timed.push((
                posted,
                Event {
                    dossier: dossier.clone(),
                    service,
                    channel,
                    event: which,
                    at_ms: corrected,
                },
            ));
        }
    }
    exact_pair(rng, &mut timed);
    timed.sort_by_key(|(at, _)| *at);
    let mut posts: Vec<Post> = Vec::new();
    for (at, ev) in timed {
        match posts.last_mut() {
            Some(p) if p.at == at => p.events.push(ev),
            _ => posts.push(Post {
                at,
                events: vec![ev],
            }),
        }
    }
    posts
}

/// Service 1.000458 on 2026-01-02: one online dossier of 481 000 000 ms and one in person of
/// 400 000 000 ms (first posted as 350 000 000, corrected a slot later): online is 20.25 %
/// longer. And three that must not count: returned before received, no return, no receipt.
fn exact_pair(rng: &mut Rng, timed: &mut Vec<(i64, Event)>) {
    let s = EXACT_SERVICE;
    let day = date_ms("2026-01-02");
    let mut push = |posted: i64, dossier: &str, channel, event, at_ms| {
        timed.push((
            posted,
            Event {
                dossier: dossier.to_string(),
                service: s,
                channel,
                event,
                at_ms,
            },
        ));
    };
    let online = rng.hex_id(32);
    let returned = day + 14 * HOUR_MS;
    push(
        slot_after(returned - 481_000_000),
        &online,
        "online",
        "received",
        returned - 481_000_000,
    );
    push(
        slot_after(returned + MINUTE_MS),
        &online,
        "online",
        "returned",
        returned,
    );
    let in_person = rng.hex_id(32);
    let returned = day + 20 * HOUR_MS;
    let received = returned - 400_000_000;
    let wrong = received + 350_000_000;
    push(
        slot_after(received),
        &in_person,
        "in_person",
        "received",
        received,
    );
    push(
        slot_after(wrong + MINUTE_MS),
        &in_person,
        "in_person",
        "returned",
        wrong,
    );
    push(
        slot_after(returned + MINUTE_MS),
        &in_person,
        "in_person",
        "returned",
        returned,
    );
    let backwards = rng.hex_id(32);
    push(
        slot_after(day + 3 * HOUR_MS),
        &backwards,
        "online",
        "received",
        day + 3 * HOUR_MS,
    );
    push(
        slot_after(day + 3 * HOUR_MS),
        &backwards,
        "online",
        "returned",
        day + HOUR_MS,
    );
    let unreturned = rng.hex_id(32);
    push(
        slot_after(day),
        &unreturned,
        "in_person",
        "received",
        day - 2 * DAY_MS,
    );
    let unreceived = rng.hex_id(32);
    push(
        slot_after(day + 5 * HOUR_MS),
        &unreceived,
        "online",
        "returned",
        day + 5 * HOUR_MS,
    );
}
