//! Checks that the generator and the oracle agree with each other before either is trusted
//! against a collector: every journey the generator meant to submit, expire, abandon or leave
//! unstarted is derived so by the oracle once its beacons are in.

use super::expected::{journeys, Standing};
use super::model::Trigger;
use super::tab::{Truth, IDLE_MS};
use super::world::World;
use std::collections::{HashMap, HashSet};

/// Truth against the oracle's standing at `now`, for journeys whose delivered-at-all beacons
/// have all arrived by then.
pub fn truths_agree(world: &World, now: i64) {
    let received = world.received(now);
    let derived = journeys(&received, now);
    let by_id: HashMap<&str, _> = derived.iter().map(|j| (j.id, j)).collect();
    let mut ever: HashSet<usize> = HashSet::new();
    let mut by_now: HashSet<usize> = HashSet::new();
    for r in &world.requests {
        ever.extend(&r.beacons);
        if r.at <= now {
            by_now.extend(&r.beacons);
        }
    }
    let mut complete: HashMap<&str, bool> = HashMap::new();
    for (i, b) in world.beacons.iter().enumerate() {
        let arrived = by_now.contains(&i) || !ever.contains(&i);
        let entry = complete.entry(b.journey.id.as_str()).or_insert(true);
        *entry &= arrived;
    }
    let mut checked = 0;
    for (truth, portal) in &world.truths {
        if !complete.get(truth.id.as_str()).copied().unwrap_or(false) {
            continue;
        }
        let Some(j) = by_id.get(truth.id.as_str()) else {
            continue; // nothing of it ever delivered (only a lost beacon)
        };
        let last = j.beacons.iter().map(|r| r.received_ms).max().unwrap();
        let expected: &[Option<Standing>] = match truth.truth {
            Truth::NeverStarted => &[None],
            Truth::Submitted => &[Some(Standing::Submitted)],
            Truth::Expired => &[Some(Standing::Expired)],
            Truth::AbandonedReported => &[Some(Standing::Abandoned)],
            Truth::Closed if last <= now - IDLE_MS => &[Some(Standing::Abandoned)],
            Truth::Closed | Truth::Open => &[Some(Standing::InProgress), Some(Standing::Abandoned)],
        };
        assert!(
            expected.contains(&j.standing),
            "seed {}: journey {} ({:?}, {portal}) derived {:?}",
            world.seed,
            truth.id,
            truth.truth,
            j.standing
        );
        assert_eq!(
            j.service, truth.service,
            "seed {}: service of {}",
            world.seed, truth.id
        );
        assert_eq!(j.portal, *portal);
        if truth.truth == Truth::Submitted {
            let end = j.end.expect("a submitted journey's end");
            assert_eq!(end.journey.duration_ms, truth.duration_ms);
            if end.trigger == Trigger::Submitted {
                let steps: i64 = end.journey.steps.iter().map(|s| s.ms).sum();
                assert_eq!(Some(steps), end.journey.duration_ms, "steps add up");
            }
        }
        checked += 1;
    }
    assert!(
        checked > 200,
        "seed {}: only {checked} journeys checked",
        world.seed
    );
}

/// Counts of a population, for the run's log: that the corners the test is about are there.
pub fn summary(world: &World, mid: i64, now: i64) -> String {
    let received = world.received(now);
    let all = journeys(&received, now);
    let count = |s: Standing| all.iter().filter(|j| j.standing == Some(s)).count();
    let day = |ms: i64| ms.div_euclid(super::calendar::DAY_MS);
    let straddling = all
        .iter()
        .filter(|j| {
            j.beacons
                .iter()
                .any(|r| day(r.received_ms) != day(j.first_ms))
        })
        .count();
    let eve_end = super::calendar::date_ms("2025-12-31");
    let eve = all
        .iter()
        .filter(|j| j.first_ms < eve_end && j.standing == Some(Standing::Submitted))
        .count();
    let received_mid = world.received(mid);
    let under_way_mid = journeys(&received_mid, mid)
        .iter()
        .filter(|j| j.standing == Some(Standing::InProgress))
        .count();
    let exact = world
        .truths
        .iter()
        .filter(|(t, _)| matches!(t.duration_ms, Some(300_000) | Some(480_000)))
        .count();
    let ratings = world
        .beacons
        .iter()
        .filter(|b| b.trigger == Trigger::Rating)
        .count();
    let a = world.anomalies;
    format!(
        "seed {}: {} beacons in {} requests; journeys seen {}, started {}, submitted {}, \
         abandoned {}, expired {}, in progress {} ({} at mid); {} across a midnight, {} \
         submitted on the eve; {} at exactly a target; {} ratings; tabs held {}, reordered {}, \
         retried {}; {} submitted beacons lost, {} resent",
        world.seed,
        world.beacons.len(),
        world.requests.len(),
        all.len(),
        all.iter().filter(|j| j.started).count(),
        count(Standing::Submitted),
        count(Standing::Abandoned),
        count(Standing::Expired),
        count(Standing::InProgress),
        under_way_mid,
        straddling,
        eve,
        exact,
        ratings,
        a.held,
        a.reordered,
        a.retried,
        a.lost,
        a.resent,
    )
}

/// The evening before the first day: its submitted journeys (if any) all took exactly 2025's
/// target, so criterion 2 fails there on a mean equal to the target.
pub fn eve_is_exact(report: &serde_json::Value, seed: u64) {
    let c2 = &report["criterion2"];
    if c2["duration"].is_null() {
        return;
    }
    assert_eq!(c2["target_ms"], 480_000, "seed {seed}: 2025's target");
    let d = &c2["duration"];
    assert_eq!(
        (&d["mean_ms"], &d["median_ms"], &d["p90_ms"]),
        (
            &serde_json::json!(480_000),
            &serde_json::json!(480_000),
            &serde_json::json!(480_000)
        ),
        "seed {seed}: the evening's journeys all take the target: {d}"
    );
    assert_eq!(
        c2["pass"], false,
        "seed {seed}: a mean equal to the target fails"
    );
}
