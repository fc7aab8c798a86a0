//! The report's definitions (README, "How the report counts"), one test per error an evaluator
//! found in the first version of the report, each on both stores over real HTTP with a
//! scripted clock:
//!
//! 1. per-step figures come from the beacon that speaks for a journey's end, not from any
//!    beacon that repeats its outcome, and add up to the mean journey time;
//! 2. (in the probe: `src/core/probe.rs` and the e2e journey test) a page after a submission
//!    is no new journey — here: a journey whose beacons never say `logged_in` is not started;
//! 3. a journey belongs to the period it began in, with all its beacons, so periods add up;
//! 4. the target passes only *under* it;
//! 5. shares round half away from zero, negative ones too.

mod common;

use common::clickhouse::Lease;
use common::TestServer;
use journey_collector::{AllowedOrigins, Clock, StoreSpec};
use serde_json::{json, Value};

const TOKEN: &str = "test-token-0123456789";
const PORTAL: &str = "https://dichvucong.example.gov.vn";
/// 2026-11-10 00:00 UTC.
const DAY: i64 = 1_794_268_800_000;
const HOUR: i64 = 3_600_000;
const MINUTE: i64 = 60_000;

/// The same collector twice, on SQLite and on ClickHouse, sharing one scripted clock.
struct Both {
    clock: Clock,
    servers: Vec<TestServer>,
    _lease: Lease,
}

impl Both {
    fn start(database: &str) -> Both {
        let clock = Clock::manual(DAY);
        let lease = Lease::take();
        let url = lease.url_for(database);
        let server = |store: Option<StoreSpec>| {
            let clock = clock.clone();
            TestServer::start_with(move |c| {
                c.options.origins = AllowedOrigins::Any;
                c.options.processing_token = Some(TOKEN.into());
                c.options.clock = clock;
                if let Some(store) = store {
                    c.store = store;
                }
            })
        };
        let servers = vec![server(None), server(Some(StoreSpec::ClickHouse(url)))];
        Both {
            clock,
            servers,
            _lease: lease,
        }
    }

    /// Posts `beacons` to both at `at_ms`, from the portal.
    fn post(&self, at_ms: i64, beacons: &[Value]) {
        self.clock.set(at_ms);
        for srv in &self.servers {
            let r = srv.request(
                "POST",
                "/v1/beacons",
                &[("content-type", "application/json"), ("origin", PORTAL)],
                json!(beacons).to_string().as_bytes(),
            );
            assert_eq!(r.status, 202, "{}", r.text());
        }
    }

    /// Posts back-office events to both.
    fn processing(&self, events: Value) {
        for srv in &self.servers {
            let auth = format!("Bearer {TOKEN}");
            let r = srv.request(
                "POST",
                "/v1/processing",
                &[
                    ("content-type", "application/json"),
                    ("authorization", &auth),
                ],
                events.to_string().as_bytes(),
            );
            assert_eq!(r.status, 202, "{}", r.text());
        }
    }

    /// The report of `query` at `now_ms`, the same on both stores.
    fn report(&self, now_ms: i64, query: &str) -> Value {
        self.clock.set(now_ms);
        let reports: Vec<Value> = self
            .servers
            .iter()
            .map(|srv| {
                let r = srv.get(&format!("/v1/report{query}"));
                assert_eq!(r.status, 200, "{}", r.text());
                r.json()
            })
            .collect();
        assert_eq!(reports[0], reports[1], "SQLite and ClickHouse, {query}");
        reports[0].clone()
    }
}

fn hex(n: u64, width: usize) -> String {
    // Letters only past the first digit: no run of six digits in an id.
    format!("{n:x}").chars().rev().collect::<String>() + &"a".repeat(width)
}

fn id(n: u64) -> String {
    hex(n, 16)[..16].to_string()
}

fn jid(n: u64) -> String {
    hex(n, 32)[..32].to_string()
}

/// A beacon of journey `journey`: logged in, `since_ms` since login, on page `n` at `path`.
fn beacon(id: &str, journey: &str, seq: u64, trigger: &str, n: u64, since_ms: u64) -> Value {
    json!({
        "v": 1, "id": id, "seq": seq, "trigger": trigger, "service": "1.001234",
        "journey": {"id": journey, "logged_in": true, "since_login_ms": since_ms,
                    "active_ms": since_ms, "hidden_ms": 0, "blocked_ms": 0, "failed": 0,
                    "target_s": 300},
        "page": {"n": n, "path": format!("/dich-vu/1.001234/buoc-{}", n + 1), "t_ms": 1000},
        "ua": {"mobile": true, "browser": "chrome", "major": 131}
    })
}

/// The journey's end: submitted after `duration_ms`, with `steps` (name, ms).
fn submitted(id: &str, journey: &str, seq: u64, n: u64, steps: &[(&str, u64)]) -> Value {
    let duration: u64 = steps.iter().map(|s| s.1).sum();
    let mut b = beacon(id, journey, seq, "submitted", n, duration);
    b["journey"]["outcome"] = json!("submitted");
    b["journey"]["duration_ms"] = json!(duration);
    b["journey"]["met"] = json!(duration < 300_000);
    b["journey"]["steps"] = steps
        .iter()
        .map(|(name, ms)| json!({"name": format!("/dich-vu/1.001234/{name}"), "ms": ms, "active_ms": ms}))
        .collect();
    b
}

/// A beacon that repeats a submitted journey's outcome (the receipt page's `pagehide`).
fn repeats_end(id: &str, journey: &str, seq: u64, n: u64, duration: u64) -> Value {
    let mut b = beacon(id, journey, seq, "pagehide", n, duration);
    b["journey"]["outcome"] = json!("submitted");
    b["journey"]["duration_ms"] = json!(duration);
    b["journey"]["met"] = json!(duration < 300_000);
    b
}

#[test]
fn per_step_figures_come_from_the_end_beacon_and_add_up_to_the_mean_journey() {
    let both = Both::start("rule_steps");
    let (a, b) = (jid(1), jid(2));
    // Journey a: its receipt's `pagehide` and its rating have lower ids than its end, so
    // "any beacon with outcome submitted" finds one without steps.
    let mut rating = repeats_end("0aaaaaaaaaaaaaab", &a, 4, 2, 200_000);
    rating["trigger"] = json!("rating");
    rating["satisfaction"] = json!({"answered": true, "score": 5});
    both.post(
        DAY + HOUR,
        &[
            beacon(&id(11), &a, 0, "pagehide", 0, 60_000),
            beacon(&id(12), &a, 1, "pagehide", 1, 199_000),
            submitted(
                "faaaaaaaaaaaaaaa",
                &a,
                2,
                2,
                &[("buoc-1", 60_000), ("buoc-2", 140_000)],
            ),
            repeats_end("0aaaaaaaaaaaaaaa", &a, 3, 2, 200_000),
            rating,
        ],
    );
    // Journey b visits step 1 twice (a refused submission sends it back).
    both.post(
        DAY + 2 * HOUR,
        &[
            submitted(
                "fbbbbbbbbbbbbbbb",
                &b,
                3,
                3,
                &[("buoc-1", 30_000), ("buoc-2", 50_000), ("buoc-1", 20_000)],
            ),
            repeats_end("0bbbbbbbbbbbbbbb", &b, 4, 3, 100_000),
        ],
    );
    let r = both.report(DAY + 5 * HOUR, "");
    let c2 = &r["criterion2"];
    assert_eq!(c2["duration"]["mean_ms"], 150_000);
    let steps: Vec<(&str, i64, f64, i64)> = c2["steps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["name"].as_str().unwrap(),
                s["journeys"].as_i64().unwrap(),
                s["position"].as_f64().unwrap(),
                s["mean_ms"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        steps,
        [
            ("/dich-vu/1.001234/buoc-1", 2, 1.0, 55_000),
            ("/dich-vu/1.001234/buoc-2", 2, 2.0, 95_000)
        ],
        "both journeys' steps, step 1's two visits added, in journey order"
    );
    assert_eq!(
        steps.iter().map(|s| s.3).sum::<i64>(),
        150_000,
        "the steps add up to the mean journey"
    );
    assert_eq!(r["criterion4"]["answered"], 1, "the rating still counts");
}

#[test]
fn a_journey_that_never_logs_in_is_seen_not_started() {
    let both = Both::start("rule_started");
    let (done, after) = (jid(3), jid(4));
    let mut receipt = beacon(&id(21), &after, 0, "pagehide", 0, 0);
    // The page after a submission: the next journey, not yet begun (the probe says so).
    let j = receipt["journey"].as_object_mut().unwrap();
    for key in [
        "since_login_ms",
        "active_ms",
        "hidden_ms",
        "blocked_ms",
        "failed",
    ] {
        j.remove(key);
    }
    j.insert("logged_in".into(), json!(false));
    both.post(
        DAY + HOUR,
        &[
            submitted(&id(22), &done, 0, 0, &[("buoc-1", 120_000)]),
            receipt,
        ],
    );
    let r = both.report(DAY + 3 * HOUR, "");
    assert_eq!(
        r["journeys"],
        json!({"seen": 2, "started": 1, "submitted": 1, "abandoned": 0, "expired": 0,
               "in_progress": 0, "completion_pct": 100.0})
    );
    assert_eq!(r["friction"]["abandoned_at"], json!([]));
}

#[test]
fn a_journey_belongs_to_the_period_it_began_in_so_periods_add_up() {
    let both = Both::start("rule_periods");
    let (late, next, open) = (jid(5), jid(6), jid(7));
    // Begun at 23:58 on day 1, submitted at 00:01 on day 2.
    both.post(
        DAY + 24 * HOUR - 2 * MINUTE,
        &[beacon(&id(31), &late, 0, "pagehide", 0, 60_000)],
    );
    both.post(
        DAY + 24 * HOUR + MINUTE,
        &[submitted(
            &id(32),
            &late,
            1,
            1,
            &[("buoc-1", 60_000), ("buoc-2", 120_000)],
        )],
    );
    // Begun and submitted on day 2.
    both.post(
        DAY + 34 * HOUR,
        &[beacon(&id(33), &next, 0, "pagehide", 0, 30_000)],
    );
    both.post(
        DAY + 34 * HOUR + 4 * MINUTE,
        &[submitted(
            &id(34),
            &next,
            1,
            1,
            &[("buoc-1", 90_000), ("buoc-2", 150_000)],
        )],
    );
    // Begun on day 2 at 23:50, still going at 00:05 on day 3 when the report is made.
    both.post(
        DAY + 48 * HOUR - 10 * MINUTE,
        &[beacon(&id(35), &open, 0, "pagehide", 0, 10_000)],
    );
    both.post(
        DAY + 48 * HOUR - 5 * MINUTE,
        &[beacon(&id(36), &open, 1, "pagehide", 1, 300_000)],
    );
    let now = DAY + 48 * HOUR + 5 * MINUTE;
    let counts = |query: &str| both.report(now, query)["journeys"].clone();
    let day1 = counts("?from=2026-11-10&to=2026-11-10");
    let day2 = counts("?from=2026-11-11&to=2026-11-11");
    let both_days = counts("?from=2026-11-10&to=2026-11-11");
    assert_eq!(
        day1,
        json!({"seen": 1, "started": 1, "submitted": 1, "abandoned": 0, "expired": 0,
               "in_progress": 0, "completion_pct": 100.0}),
        "submitted at 00:01, counted on the day it began"
    );
    assert_eq!(
        day2,
        json!({"seen": 2, "started": 2, "submitted": 1, "abandoned": 0, "expired": 0,
               "in_progress": 1, "completion_pct": 50.0}),
        "the late journey is not counted again; the open one is in progress"
    );
    for key in [
        "seen",
        "started",
        "submitted",
        "abandoned",
        "expired",
        "in_progress",
    ] {
        assert_eq!(
            day1[key].as_i64().unwrap() + day2[key].as_i64().unwrap(),
            both_days[key].as_i64().unwrap(),
            "{key}: the days add up"
        );
    }
    let day1 = both.report(now, "?from=2026-11-10&to=2026-11-10");
    assert_eq!(
        day1["criterion2"]["duration"]["mean_ms"], 180_000,
        "its duration too"
    );
    // An hour later the open journey has been silent for 30 minutes: abandoned.
    let later = both.report(now + HOUR, "?from=2026-11-11&to=2026-11-11");
    assert_eq!(
        (
            &later["journeys"]["abandoned"],
            &later["journeys"]["in_progress"]
        ),
        (&json!(1), &json!(0))
    );
}

#[test]
fn the_target_passes_only_under_it() {
    let both = Both::start("rule_target");
    both.post(
        DAY + HOUR,
        &[
            submitted(&id(41), &jid(8), 0, 0, &[("buoc-1", 240_000)]),
            submitted(&id(42), &jid(9), 0, 0, &[("buoc-1", 360_000)]),
        ],
    );
    let r = both.report(DAY + 2 * HOUR, "");
    let c2 = &r["criterion2"];
    assert_eq!(c2["duration"]["mean_ms"], 300_000);
    assert_eq!(c2["pass"], false, "a mean of 5:00 is not under 5:00");
    assert_eq!(r["services"][0]["pass"], false);
    let r = both.report(DAY + 2 * HOUR, "?target_seconds=301");
    assert_eq!(r["criterion2"]["pass"], true);
}

#[test]
fn negative_shares_round_half_away_from_zero() {
    let both = Both::start("rule_rounding");
    let event = |dossier: &str, channel: &str, event: &str, at: i64| json!({"dossier": common::dossier(dossier), "service": "1.001234", "channel": channel, "event": event, "at_ms": at});
    // In person 400 s; online 481 s: online is 20.25 % longer, shown −20.3 (not −20.2).
    both.processing(json!([
        event("h-p1", "in_person", "received", DAY),
        event("h-p1", "in_person", "returned", DAY + 400_000),
        event("h-o1", "online", "received", DAY),
        event("h-o1", "online", "returned", DAY + 481_000),
    ]));
    let r = both.report(DAY + HOUR, "");
    assert_eq!(
        (&r["criterion3"]["shorter_pct"], &r["criterion3"]["pass"]),
        (&json!(-20.3), &json!(false))
    );
    // Online 480.92 s on average: 20.23 % longer, shown −20.2 (not −20.1).
    both.processing(json!([
        event("h-o2", "online", "received", DAY),
        event("h-o2", "online", "returned", DAY + 480_840),
    ]));
    let r = both.report(DAY + HOUR, "");
    assert_eq!(r["criterion3"]["online"]["mean_ms"], 480_920);
    assert_eq!(r["criterion3"]["shorter_pct"], -20.2);
}
