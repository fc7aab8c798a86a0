//! The report's oracle test.
//!
//! An oracle is a second, independent implementation of the report, here computed from the
//! written definitions alone ("How the report counts" in README.md, and the rules of the
//! report's shape): no SQL, and nothing from `collector/src/report` or `collector/src/store`
//! (the store is only the way beacons reach ClickHouse). It does not look at what the
//! collector stored either: it works from the generator's own model of every journey (the
//! typed beacons each tab sent, which requests carried them, when each arrived). Two
//! implementations written apart that agree on every figure of many reports, over populations
//! built to hit the definitions' corners, are very probably both right; where they disagree,
//! the JSON pointer says which figure to look at.
//!
//! Per seed (10 of them): ~300 journeys in ~150 tabs mirroring the probe's beacon sequences
//! (`oracle/tab.rs`, driven by `oracle/generator.rs`), delivered with duplicates, reordering,
//! hours-long holds and a few losses (`oracle/delivery.rs`), plus back-office events
//! (`oracle/processing.rs`); delivered with a scripted clock to a SQLite collector over HTTP
//! and to ClickHouse straight into its store (`oracle/collectors.rs`); reported at midday on
//! 2026-01-01 (journeys under way) and just after the last day, through `GET /v1/report` and
//! `journey-collector report` on both stores; compared with `oracle/expected.rs`.

mod common;

#[path = "oracle/arith.rs"]
mod arith;
#[path = "oracle/calendar.rs"]
mod calendar;
#[path = "oracle/catalog.rs"]
mod catalog;
#[path = "oracle/collectors.rs"]
mod collectors;
#[path = "oracle/compare.rs"]
mod compare;
#[path = "oracle/content.rs"]
mod content;
#[path = "oracle/delivery.rs"]
mod delivery;
#[path = "oracle/dossiers.rs"]
mod dossiers;
#[path = "oracle/expected.rs"]
mod expected;
#[path = "oracle/generator.rs"]
mod generator;
#[path = "oracle/model.rs"]
mod model;
#[path = "oracle/pages.rs"]
mod pages;
#[path = "oracle/processing.rs"]
mod processing;
#[path = "oracle/rng.rs"]
mod rng;
#[path = "oracle/selfcheck.rs"]
mod selfcheck;
#[path = "oracle/tab.rs"]
mod tab;
#[path = "oracle/verdict.rs"]
mod verdict;
#[path = "oracle/world.rs"]
mod world;

use catalog::{PORTALS, SERVICES};
use collectors::{Collectors, Source};
use common::clickhouse::ClickHouse;
use expected::Query;
use serde_json::Value;
use std::collections::HashMap;
use std::time::Instant;
use verdict::Verdict;
use world::World;

/// How many seeds: 10, or `ORACLE_SEEDS` (the mutation check, `scripts/mutants.mjs`, runs
/// fewer to stay quick).
fn seeds() -> u64 {
    std::env::var("ORACLE_SEEDS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(10)
}

/// The late evening before: its submissions all take exactly 2025's target.
const EVE: &str = "2025-12-30";

/// The days the populations span (UTC).
const DAYS: [&str; 4] = ["2025-12-31", "2026-01-01", "2026-01-02", "2026-01-03"];

/// The queries of the final report: none, each service, each portal, each pair, each day, two
/// ranges (one from 2025-12-31: 2025's targets), an overridden target, two narrower ones, and
/// the evening before, whose submitted journeys average exactly the target (a failing mean).
fn final_queries() -> Vec<Query> {
    let mut queries = vec![Query::default()];
    for s in SERVICES {
        queries.push(Query {
            service: Some(s),
            ..Query::default()
        });
    }
    for p in PORTALS {
        queries.push(Query {
            portal: Some(p),
            ..Query::default()
        });
        for s in SERVICES {
            queries.push(Query {
                service: Some(s),
                portal: Some(p),
                ..Query::default()
            });
        }
    }
    for d in DAYS {
        queries.push(day(d));
    }
    queries.push(Query {
        from: Some("2026-01-01"),
        to: Some("2026-01-02"),
        ..Query::default()
    });
    queries.push(all_days());
    queries.push(Query {
        target_seconds: Some(480),
        ..Query::default()
    });
    queries.push(Query {
        service: Some(processing::EXACT_SERVICE),
        ..day("2026-01-02")
    });
    queries.push(Query {
        portal: Some(PORTALS[0]),
        ..day("2025-12-31")
    });
    queries.push(day(EVE));
    queries
}

/// The queries of the intermediate report.
fn mid_queries() -> Vec<Query> {
    vec![
        Query::default(),
        Query {
            service: Some(SERVICES[1]),
            ..Query::default()
        },
        Query {
            portal: Some(PORTALS[1]),
            ..Query::default()
        },
        day("2026-01-01"),
        Query {
            from: Some("2025-12-31"),
            to: Some("2026-01-01"),
            ..Query::default()
        },
        Query {
            target_seconds: Some(480),
            ..Query::default()
        },
    ]
}

fn day(d: &'static str) -> Query {
    Query {
        from: Some(d),
        to: Some(d),
        ..Query::default()
    }
}

fn all_days() -> Query {
    Query {
        from: Some(DAYS[0]),
        to: Some(DAYS[DAYS.len() - 1]),
        ..Query::default()
    }
}

/// The reports a seed fetched at one moment, by source and query string.
type Fetched = HashMap<(Source, String), Result<Value, String>>;

/// Whether `source` reports query number `i` of seed `seed`: the HTTP API always; the CLI for
/// a third of the queries, a different third per seed (every query meets it over the seeds;
/// it runs the same code as the API on the same store, at a third of the time).
fn runs(source: Source, i: usize, seed: u64) -> bool {
    matches!(source, Source::SqliteHttp | Source::ClickHouseHttp) || i as u64 % 3 == seed % 3
}

/// Every report of `queries` at `now` from the sources that run it, against the oracle's.
fn compare_reports(
    world: &World,
    collectors: &Collectors,
    now: i64,
    queries: &[Query],
    verdict: &mut Verdict,
) -> Fetched {
    let received = world.received(now);
    let posted = world.posted(now);
    let mut fetched = Fetched::new();
    for (i, q) in queries.iter().enumerate() {
        let expected = expected::report(&received, &posted, now, q);
        for source in Source::ALL.into_iter().filter(|s| runs(*s, i, world.seed)) {
            let got = collectors.report(source, &q.query_string(), now);
            verdict.record(world.seed, now, source, q, &expected, got.clone());
            fetched.insert((source, q.query_string()), got);
        }
    }
    fetched
}

/// Day by day, the journey counts of each source's reports add up to the whole range's (and
/// the oracle's do too).
fn check_daily_sums(world: &World, fetched: &Fetched, now: i64, verdict: &mut Verdict) {
    let counts = [
        "seen",
        "started",
        "submitted",
        "abandoned",
        "expired",
        "in_progress",
    ];
    let sum_of = |reports: &[&Value], key: &str| -> i64 {
        reports
            .iter()
            .map(|r| r["journeys"][key].as_i64().unwrap_or(-1))
            .sum()
    };
    let received = world.received(now);
    let posted = world.posted(now);
    let oracle_days: Vec<Value> = DAYS
        .iter()
        .map(|d| expected::report(&received, &posted, now, &day(d)))
        .collect();
    let oracle_all = expected::report(&received, &posted, now, &all_days());
    for key in counts {
        assert_eq!(
            sum_of(&oracle_days.iter().collect::<Vec<_>>(), key),
            oracle_all["journeys"][key].as_i64().unwrap(),
            "seed {}: the oracle's days add up ({key})",
            world.seed
        );
    }
    for source in Source::ALL {
        let got = |q: &Query| match fetched.get(&(source, q.query_string())) {
            Some(Ok(report)) => Some(report),
            _ => None,
        };
        let days: Option<Vec<&Value>> = DAYS.iter().map(|d| got(&day(d))).collect();
        let (Some(days), Some(all)) = (days, got(&all_days())) else {
            continue; // not all reported by this source (or already recorded as failed)
        };
        for key in counts {
            let whole = all["journeys"][key].as_i64().unwrap_or(-1);
            verdict.daily_sum(world.seed, source, key, sum_of(&days, key), whole);
        }
    }
}

/// One seed: generate, check the generator against the oracle, deliver up to the middle of
/// 2026-01-01 and report, deliver the rest and report again.
fn run_seed(ch: &ClickHouse, seed: u64) -> Verdict {
    let t = Instant::now();
    let mut verdict = Verdict::default();
    let (mid, end) = (generator::mid_ms(), generator::final_ms());
    let world = World::generate(seed);
    selfcheck::truths_agree(&world, end);
    let first = world.requests[0].at.min(world.posts[0].at) - 1;
    let mut collectors = Collectors::start(ch, seed, first);
    collectors.deliver_until(&world, mid);
    compare_reports(&world, &collectors, mid, &mid_queries(), &mut verdict);
    collectors.deliver_until(&world, end);
    let fetched = compare_reports(&world, &collectors, end, &final_queries(), &mut verdict);
    let received = world.received(end);
    let eve = expected::report(&received, &world.posted(end), end, &day(EVE));
    selfcheck::eve_is_exact(&eve, seed);
    check_daily_sums(&world, &fetched, end, &mut verdict);
    println!(
        "{} ({:.1} s)",
        selfcheck::summary(&world, mid, end),
        t.elapsed().as_secs_f64()
    );
    verdict
}

/// Seeds run on this many threads (the machine has two cores; ClickHouse takes its share).
const WORKERS: u64 = 2;

#[test]
fn every_figure_of_the_report_matches_the_oracle() {
    let started = Instant::now();
    let ch = ClickHouse::start();
    let verdicts: Vec<Verdict> = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..WORKERS)
            .map(|w| {
                let ch = &ch;
                scope.spawn(move || {
                    let mut verdict = Verdict::default();
                    for seed in (w..seeds()).step_by(WORKERS as usize) {
                        verdict.merge(run_seed(ch, seed));
                    }
                    verdict
                })
            })
            .collect();
        workers
            .into_iter()
            .map(|w| w.join().expect("a seed's worker"))
            .collect()
    });
    let mut verdict = Verdict::default();
    for v in verdicts {
        verdict.merge(v);
    }
    println!("oracle: {:.1} s in all", started.elapsed().as_secs_f64());
    verdict.finish();
}

/// The comparison is not vacuous: a changed figure, a missing row and an extra key are named
/// by their pointers; the same number written `2` or `2.0` is the same figure.
#[test]
fn a_differing_figure_is_named_by_its_pointer() {
    let expected = serde_json::json!({"a": {"b": [1, 2.5, 3]}, "c": null, "d": 2.0});
    let got = serde_json::json!({"a": {"b": [1, 2.4]}, "c": null, "d": 2, "e": true});
    let pointers: Vec<String> = compare::differences(&expected, &got)
        .into_iter()
        .map(|d| format!("{} {} {}", d.pointer, d.expected, d.got))
        .collect();
    assert_eq!(
        pointers,
        ["/a/b/1 2.5 2.4", "/a/b/2 3 (missing)", "/e (absent) true"]
    );
}
